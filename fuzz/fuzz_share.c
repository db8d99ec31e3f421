/*
 * Vault-key shares from the server: cloak_share_sender() (either suite) and cloak_share_open() (suite
 * 1; suite 2's cloak_share_open_xwing() is fuzz_share_xwing's).
 *
 * Input: op(1) || lp8(vault id) || [trusted identity(32) if op % 4 == 3] || share
 *   op % 4: 0 cloak_share_sender only (the vault id is still read, and ignored)
 *           1 open by bob, trusting alice (the fixed sender)
 *           2 open by bob, trusting whatever identity cloak_share_sender() reads from the share,
 *             so that signatures under arbitrary keys are checked
 *           3 open by bob, trusting the identity given in the input
 *   (op >> 2) % 3: the lowest epoch accepted: 0 one, 1 the share's own epoch field, 2 one above it
 *
 * Properties: the status follows docs/protocol.md sections 2 and 8 exactly, checked against a
 * reference written here on libsodium (header and length; epoch not 0; key id of the recipient's key;
 * trusted sender; the labelled signature, which covers the signer's key, over bytes 0..136 ||
 * lp8(vault id) || recipient key; the epoch against the lowest accepted (STALE); then an all-zero
 * X25519 agreement with enc is INVALID_KEY, and the HPKE open AUTH or OK); on failure every output
 * is zero, the epoch included; on success the epoch is the share's field; the sender is the share's
 * bytes 20..52.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define OFF_EPOCH 52U
#define OFF_ENC 56U
#define OFF_SIG 136U

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The spec's verdict, up to the HPKE open (returned as CLOAK_OK: either AUTH or OK may follow). */
static int reference_open(const uint8_t *vault_id, size_t vault_id_len, const uint8_t *trusted, const uint8_t *share,
                          size_t share_len, uint32_t min_epoch)
{
    const fz_keys *k = fz_keys_get();
    uint8_t key_id[CLOAK_KEYIDBYTES], content[OFF_SIG + 1 + 255 + 32], shared[32];
    int rc;

    if (vault_id_len == 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = fz_header_verdict(share, share_len, CLOAK_TYPE_SHARE, CLOAK_SHAREBYTES, CLOAK_SHAREBYTES);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (load32(share + OFF_EPOCH) == 0) {
        return CLOAK_E_MALFORMED;
    }
    fz_public_key_id(key_id, k->bob_enc_pk);
    if (memcmp(key_id, share + 4, sizeof key_id) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    if (memcmp(share + 20, trusted, 32) != 0) {
        return CLOAK_E_UNTRUSTED_SIGNER;
    }
    memcpy(content, share, OFF_SIG);
    content[OFF_SIG] = (uint8_t)vault_id_len;
    memcpy(content + OFF_SIG + 1, vault_id, vault_id_len);
    memcpy(content + OFF_SIG + 1 + vault_id_len, k->bob_enc_pk, 32);
    if (fz_labeled_verify(share + OFF_SIG, "libcloak v2 share", content, OFF_SIG + 1 + vault_id_len + 32,
                          share + 20) != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    if (load32(share + OFF_EPOCH) < min_epoch) {
        return CLOAK_E_STALE;
    }
    if (crypto_scalarmult_curve25519(shared, k->bob_enc_sk, share + OFF_ENC) != 0 || fz_is_zero(shared, 32)) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

static void share_sender(const uint8_t *share, size_t share_len, uint8_t sender[32])
{
    const int rc = cloak_share_sender(sender, share, share_len);
    /* A share of either suite: section 2's steps 1 to 6, the length the header's suite gives. */
    int expected = fz_header_verdict_suite(share, share_len, CLOAK_TYPE_SHARE, 0, 0, SIZE_MAX);
    fz_trace("cloak_share_sender", rc);

    if (expected == CLOAK_OK &&
        share_len != (fz_suite_of(share, share_len) == CLOAK_SUITE_XWING ? CLOAK_XWING_SHAREBYTES : CLOAK_SHAREBYTES)) {
        expected = CLOAK_E_MALFORMED;
    }
    FUZZ_CHECK(rc == expected);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(sender, 32));
    } else {
        FUZZ_CHECK((share_len == CLOAK_SHAREBYTES || share_len == CLOAK_XWING_SHAREBYTES) &&
                   memcmp(sender, share + 20, 32) == 0);
    }
}

static void share_open(const uint8_t *vault_id, size_t vault_id_len, const uint8_t *trusted, const uint8_t *share,
                       size_t share_len, uint32_t min_epoch)
{
    const fz_keys *k = fz_keys_get();
    uint8_t *vault_key = fz_alloc(CLOAK_KEYBYTES);
    uint32_t epoch = 0xA5A5A5A5U;
    const int rc = cloak_share_open(vault_key, &epoch, share, share_len, vault_id, vault_id_len, k->bob_enc_pk,
                                    k->bob_enc_sk, trusted, min_epoch);
    const int expected = reference_open(vault_id, vault_id_len, trusted, share, share_len, min_epoch);
    fz_trace("cloak_share_open", rc);

    if (expected != CLOAK_OK) {
        FUZZ_CHECK(rc == expected);
    } else {
        FUZZ_CHECK(rc == CLOAK_OK || rc == CLOAK_E_AUTH);
    }
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(vault_key, CLOAK_KEYBYTES) && epoch == 0);
    } else {
        FUZZ_CHECK(share_len == CLOAK_SHAREBYTES && memcmp(share + 20, trusted, 32) == 0);
        FUZZ_CHECK(epoch == load32(share + OFF_EPOCH) && epoch >= min_epoch && epoch >= 1);
        FUZZ_CHECK(vault_id_len >= 1);
    }
    free(vault_key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t *trusted = fz_alloc(CLOAK_IDENTITY_PUBLICKEYBYTES);
    uint8_t *sender = fz_alloc(CLOAK_IDENTITY_PUBLICKEYBYTES);
    size_t vault_id_len, share_len;
    uint8_t *vault_id, *share;

    fz_rng_reset();
    vault_id = fz_lp8(&in, &vault_id_len);
    if (op % 4U == 3U) {
        fz_fixed(&in, trusted, CLOAK_IDENTITY_PUBLICKEYBYTES);
    } else {
        memcpy(trusted, fz_keys_get()->alice_id_pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }
    share = fz_rest(&in, &share_len);

    share_sender(share, share_len, sender);
    if (op % 4U == 2U) {
        memcpy(trusted, sender, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }
    if (op % 4U != 0U) {
        const uint32_t field = share_len >= OFF_EPOCH + 4U ? load32(share + OFF_EPOCH) : 0U;
        uint32_t min_epoch = 1;
        if ((op >> 2) % 3U == 1U && field > 0) {
            min_epoch = field;
        } else if ((op >> 2) % 3U == 2U) {
            min_epoch = field < UINT32_MAX ? field + 1U : UINT32_MAX;
        }
        share_open(vault_id, vault_id_len, trusted, share, share_len, min_epoch);
    }
    free(trusted);
    free(sender);
    free(vault_id);
    free(share);
    return 0;
}
