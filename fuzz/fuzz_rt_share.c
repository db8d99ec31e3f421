/*
 * Round trip of vault-key shares: cloak_share_seal() by a sender, cloak_share_sender() and
 * cloak_share_open() by the recipient.
 *
 * Input: op(1) || vault key(32) || lp8(vault id) || [sender seed(32) || recipient seed(32)]
 *   the sender is alice and the recipient bob unless op bit 0 is set, when both key pairs are
 *   derived from the seeds given; the epoch is 1 + (op >> 1).
 *
 * Properties: an empty vault id, epoch 0 and a sender key whose public half is not its seed's
 * (INVALID_KEY) are refused with a zeroed share; the share names its sender and opens to the vault
 * key and its epoch for any lowest accepted epoch up to its own; it is STALE for a recipient that
 * has seen a later epoch; it fails for another vault id (BAD_SIGNATURE), another recipient
 * (WRONG_KEY), an untrusted sender (UNTRUSTED_SIGNER), a changed epoch and a changed ciphertext
 * (the signature covers them: BAD_SIGNATURE); every failure leaves the outputs zero.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void open_expect(const uint8_t *share, const uint8_t *vid, size_t vid_len, const uint8_t *pk,
                        const uint8_t *sk, const uint8_t *trusted, uint32_t min_epoch, int expect,
                        const uint8_t *vault_key, uint32_t epoch)
{
    uint8_t *out = fz_alloc(CLOAK_KEYBYTES);
    uint32_t got = 0xA5A5A5A5U;
    const int rc = cloak_share_open(out, &got, share, CLOAK_SHAREBYTES, vid, vid_len, pk, sk, trusted, min_epoch);

    FUZZ_CHECK(rc == expect);
    if (rc == CLOAK_OK) {
        FUZZ_CHECK(memcmp(out, vault_key, CLOAK_KEYBYTES) == 0 && got == epoch);
    } else {
        FUZZ_CHECK(fz_is_zero(out, CLOAK_KEYBYTES) && got == 0);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fz_keys *k = fz_keys_get();
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t vault_key[CLOAK_KEYBYTES];
    uint8_t id_pk[32], id_sk[64], enc_pk[32], enc_sk[32], sender[32];
    uint8_t *share = fz_alloc(CLOAK_SHAREBYTES);
    size_t vid_len;
    uint8_t *vid;
    const uint32_t epoch = 1U + (uint32_t)(op >> 1);
    int rc;

    fz_rng_reset();
    fz_fixed(&in, vault_key, sizeof vault_key);
    vid = fz_lp8(&in, &vid_len);
    if ((op & 1U) != 0U) {
        uint8_t seed[32];
        fz_fixed(&in, seed, sizeof seed);
        FUZZ_CHECK(cloak_identity_keypair_from_seed(id_pk, id_sk, seed) == CLOAK_OK);
        fz_fixed(&in, seed, sizeof seed);
        FUZZ_CHECK(cloak_encryption_keypair_from_seed(enc_pk, enc_sk, seed, sizeof seed) == CLOAK_OK);
    } else {
        memcpy(id_pk, k->alice_id_pk, 32);
        memcpy(id_sk, k->alice_id_sk, 64);
        memcpy(enc_pk, k->bob_enc_pk, 32);
        memcpy(enc_sk, k->bob_enc_sk, 32);
    }

    if (vid_len > 0) {
        FUZZ_CHECK(cloak_share_seal(share, vault_key, 0, vid, vid_len, enc_pk, id_sk) == CLOAK_E_BAD_PARAMS);
        FUZZ_CHECK(fz_is_zero(share, CLOAK_SHAREBYTES));
        {
            uint8_t poisoned[64];
            memcpy(poisoned, id_sk, sizeof poisoned);
            poisoned[63] ^= 0x01U;
            FUZZ_CHECK(cloak_share_seal(share, vault_key, epoch, vid, vid_len, enc_pk, poisoned) ==
                       CLOAK_E_INVALID_KEY);
            FUZZ_CHECK(fz_is_zero(share, CLOAK_SHAREBYTES));
        }
    }
    rc = cloak_share_seal(share, vault_key, epoch, vid, vid_len, enc_pk, id_sk);
    if (vid_len == 0) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS && fz_is_zero(share, CLOAK_SHAREBYTES));
        goto out;
    }
    FUZZ_CHECK(rc == CLOAK_OK);
    FUZZ_CHECK(cloak_share_sender(sender, share, CLOAK_SHAREBYTES) == CLOAK_OK);
    FUZZ_CHECK(memcmp(sender, id_pk, 32) == 0);
    FUZZ_CHECK(share[52] == (uint8_t)(epoch >> 24) && share[53] == (uint8_t)(epoch >> 16) &&
               share[54] == (uint8_t)(epoch >> 8) && share[55] == (uint8_t)epoch);
    open_expect(share, vid, vid_len, enc_pk, enc_sk, id_pk, 1, CLOAK_OK, vault_key, epoch);
    open_expect(share, vid, vid_len, enc_pk, enc_sk, id_pk, epoch, CLOAK_OK, vault_key, epoch);
    /* A recipient that has seen a later epoch: the rollback of a rotation. */
    open_expect(share, vid, vid_len, enc_pk, enc_sk, id_pk, epoch + 1U, CLOAK_E_STALE, vault_key, epoch);

    /* Another vault id: one byte more, or one fewer at the maximum length. */
    {
        uint8_t *vid2 = fz_alloc(vid_len + 1U);
        memcpy(vid2, vid, vid_len);
        open_expect(share, vid2, vid_len < CLOAK_LABELBYTES_MAX ? vid_len + 1U : vid_len - 1U, enc_pk, enc_sk,
                    id_pk, 1, CLOAK_E_BAD_SIGNATURE, vault_key, epoch);
        free(vid2);
    }
    /* Another recipient (alice's encryption key, or bob's when the keys came from the input). */
    if ((op & 1U) != 0U) {
        open_expect(share, vid, vid_len, k->bob_enc_pk, k->bob_enc_sk, id_pk, 1,
                    memcmp(enc_pk, k->bob_enc_pk, 32) == 0 ? CLOAK_OK : CLOAK_E_WRONG_KEY, vault_key, epoch);
    } else {
        open_expect(share, vid, vid_len, k->alice_enc_pk, k->alice_enc_sk, id_pk, 1, CLOAK_E_WRONG_KEY, vault_key,
                    epoch);
    }
    /* An untrusted sender. */
    {
        uint8_t other[32];
        memcpy(other, id_pk, 32);
        other[31] ^= 0x01U;
        open_expect(share, vid, vid_len, enc_pk, enc_sk, other, 1, CLOAK_E_UNTRUSTED_SIGNER, vault_key, epoch);
    }
    /* The epoch raised (a replayed share passed off as current): the signature covers it. */
    share[55] ^= 0x01U;
    if (share[52] != 0 || share[53] != 0 || share[54] != 0 || share[55] != 0) {
        open_expect(share, vid, vid_len, enc_pk, enc_sk, id_pk, 1, CLOAK_E_BAD_SIGNATURE, vault_key, epoch);
    }
    share[55] ^= 0x01U;
    /* The ciphertext changed. */
    share[88U + (size_t)(op >> 1) % 48U] ^= 0x10U;
    open_expect(share, vid, vid_len, enc_pk, enc_sk, id_pk, 1, CLOAK_E_BAD_SIGNATURE, vault_key, epoch);

out:
    free(share);
    free(vid);
    return 0;
}
