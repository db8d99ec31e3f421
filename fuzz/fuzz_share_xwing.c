/*
 * Vault-key shares of suite 2 (X-Wing) from the server: cloak_share_sender() and
 * cloak_share_open_xwing(), and cloak_share_open() (suite 1) on the same bytes.
 *
 * Input: op(1) || lp8(vault id) || [trusted identity(32) if op % 4 == 3] || share
 *   op % 4: 0 cloak_share_sender only (the vault id is still read, and ignored)
 *           1 open by bob's X-Wing key, trusting alice (the fixed sender)
 *           2 open by bob's X-Wing key, trusting whatever identity cloak_share_sender() reads from
 *             the share, so that signatures under arbitrary keys are checked
 *           3 open by bob's X-Wing key, trusting the identity given in the input
 *   ((op >> 2) & 15) % 3: the lowest epoch accepted: 0 one, 1 the share's own epoch field, 2 one
 *           above it
 *   op bit 6: also cloak_share_open() with bob's X25519 key (the suite 1 reader)
 *
 * Properties: the status follows docs/protocol.md sections 2, 1.6 and 8 exactly, checked against a
 * reference written here on libsodium: section 2's steps 1 to 6 for a reader of suite 2 (a suite 1
 * share is UNSUPPORTED_SUITE; 1288 bytes); epoch not 0; the key id, the first 16 bytes of the key
 * hash of bob's 1216-byte key; the trusted sender; the labelled signature over bytes 0..1224 ||
 * lp8(vault id) || key hash (the key's binding); the lowest epoch (STALE); then the HPKE setup's
 * checks of ct_X (section 1.4: MALFORMED or INVALID_KEY, an all-zero agreement INVALID_KEY), and AUTH
 * or OK. cloak_share_sender() reads either suite. The suite 1 reader refuses a suite 2 share with
 * section 2's verdict. On failure every output is zero, the epoch included; on success the epoch is
 * the share's field.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define OFF_EPOCH 52U
#define OFF_ENC 56U
#define OFF_SIG (104U + CLOAK_XWING_ENCBYTES)

/* The spec's verdict, up to the HPKE open (returned as CLOAK_OK: either AUTH or OK may follow). */
static int reference_open(const uint8_t *vault_id, size_t vault_id_len, const uint8_t *trusted, const uint8_t *share,
                          size_t share_len, uint32_t min_epoch)
{
    const fz_keys *k = fz_keys_get();
    uint8_t key_hash[32];
    uint8_t *content;
    size_t content_len;
    int rc;

    if (vault_id_len == 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = fz_header_verdict_suite(share, share_len, CLOAK_TYPE_SHARE, CLOAK_SUITE_XWING, CLOAK_XWING_SHAREBYTES,
                                 CLOAK_XWING_SHAREBYTES);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (fz_load32(share + OFF_EPOCH) == 0) {
        return CLOAK_E_MALFORMED;
    }
    fz_key_hash(key_hash, k->bob_xw_pk, CLOAK_XWING_PUBLICKEYBYTES);
    if (memcmp(key_hash, share + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    if (memcmp(share + 20, trusted, 32) != 0) {
        return CLOAK_E_UNTRUSTED_SIGNER;
    }
    content_len = OFF_SIG + 1U + vault_id_len + 32U;
    content = fz_alloc(content_len);
    memcpy(content, share, OFF_SIG);
    content[OFF_SIG] = (uint8_t)vault_id_len;
    memcpy(content + OFF_SIG + 1, vault_id, vault_id_len);
    memcpy(content + OFF_SIG + 1 + vault_id_len, key_hash, 32);
    rc = fz_labeled_verify(share + OFF_SIG, "libcloak v2 share", content, content_len, share + 20);
    free(content);
    if (rc != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    if (fz_load32(share + OFF_EPOCH) < min_epoch) {
        return CLOAK_E_STALE;
    }
    return fz_xwing_enc_verdict(share + OFF_ENC, k->bob_xw_skx);
}

static void share_sender(const uint8_t *share, size_t share_len, uint8_t sender[32])
{
    const int rc = cloak_share_sender(sender, share, share_len);
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
        FUZZ_CHECK(memcmp(sender, share + 20, 32) == 0);
    }
}

static void share_open(const uint8_t *vault_id, size_t vault_id_len, const uint8_t *trusted, const uint8_t *share,
                       size_t share_len, uint32_t min_epoch)
{
    const fz_keys *k = fz_keys_get();
    uint8_t *vault_key = fz_alloc(CLOAK_KEYBYTES);
    uint32_t epoch = 0xA5A5A5A5U;
    const int rc = cloak_share_open_xwing(vault_key, &epoch, share, share_len, vault_id, vault_id_len, k->bob_xw_pk,
                                          k->bob_xw_sk, trusted, min_epoch);
    const int expected = reference_open(vault_id, vault_id_len, trusted, share, share_len, min_epoch);
    fz_trace("cloak_share_open_xwing", rc);

    if (expected != CLOAK_OK) {
        FUZZ_CHECK(rc == expected);
    } else {
        FUZZ_CHECK(rc == CLOAK_OK || rc == CLOAK_E_AUTH);
    }
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(vault_key, CLOAK_KEYBYTES) && epoch == 0);
    } else {
        FUZZ_CHECK(share_len == CLOAK_XWING_SHAREBYTES && memcmp(share + 20, trusted, 32) == 0);
        FUZZ_CHECK(epoch == fz_load32(share + OFF_EPOCH) && epoch >= min_epoch && epoch >= 1);
    }
    free(vault_key);
}

/* The suite 1 reader on the same bytes: only its refusals at section 2's steps are checked here (a
 * genuine suite 1 share is fuzz_share's). */
static void share_open_x25519(const uint8_t *vault_id, size_t vault_id_len, const uint8_t *trusted,
                              const uint8_t *share, size_t share_len)
{
    const fz_keys *k = fz_keys_get();
    uint8_t *vault_key = fz_alloc(CLOAK_KEYBYTES);
    uint32_t epoch = 0xA5A5A5A5U;
    const int rc = cloak_share_open(vault_key, &epoch, share, share_len, vault_id, vault_id_len, k->bob_enc_pk,
                                    k->bob_enc_sk, trusted, 1);
    const int header = fz_header_verdict(share, share_len, CLOAK_TYPE_SHARE, CLOAK_SHAREBYTES, CLOAK_SHAREBYTES);
    fz_trace("cloak_share_open", rc);

    if (vault_id_len == 0) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS);
    } else if (header != CLOAK_OK) {
        FUZZ_CHECK(rc == header);
    }
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(vault_key, CLOAK_KEYBYTES) && epoch == 0);
    } else {
        FUZZ_CHECK(fz_suite_of(share, share_len) == CLOAK_SUITE_X25519 && share_len == CLOAK_SHAREBYTES);
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
        const uint32_t field = share_len >= OFF_EPOCH + 4U ? fz_load32(share + OFF_EPOCH) : 0U;
        uint32_t min_epoch = 1;
        if (((op >> 2) & 0x0FU) % 3U == 1U && field > 0) {
            min_epoch = field;
        } else if (((op >> 2) & 0x0FU) % 3U == 2U) {
            min_epoch = field < UINT32_MAX ? field + 1U : UINT32_MAX;
        }
        share_open(vault_id, vault_id_len, trusted, share, share_len, min_epoch);
    }
    if ((op & 0x40U) != 0U) {
        share_open_x25519(vault_id, vault_id_len, trusted, share, share_len);
    }
    free(trusted);
    free(sender);
    free(vault_id);
    free(share);
    return 0;
}
