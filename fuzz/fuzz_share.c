/*
 * Vault-key shares from the server: cloak_share_sender() and cloak_share_open().
 *
 * Input: op(1) || lp8(vault id) || [trusted identity(32) if op % 4 == 3] || share
 *   op % 4: 0 cloak_share_sender only (the vault id is still read, and ignored)
 *           1 open by bob, trusting alice (the fixed sender)
 *           2 open by bob, trusting whatever identity cloak_share_sender() reads from the share,
 *             so that signatures under arbitrary keys are checked
 *           3 open by bob, trusting the identity given in the input
 *
 * Properties: on failure every output is zero; the sender is the share's bytes 20..52; a share
 * opens only if its sender is the trusted identity.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void share_sender(const uint8_t *share, size_t share_len, uint8_t sender[32])
{
    const int rc = cloak_share_sender(sender, share, share_len);
    fz_trace("cloak_share_sender", rc);

    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE);
        FUZZ_CHECK(fz_is_zero(sender, 32));
    } else {
        FUZZ_CHECK(share_len == CLOAK_SHAREBYTES && memcmp(sender, share + 20, 32) == 0);
    }
}

static void share_open(const uint8_t *vault_id, size_t vault_id_len, const uint8_t *trusted, const uint8_t *share,
                       size_t share_len)
{
    const fz_keys *k = fz_keys_get();
    uint8_t *vault_key = fz_alloc(CLOAK_KEYBYTES);
    const int rc =
        cloak_share_open(vault_key, share, share_len, vault_id, vault_id_len, k->bob_enc_pk, k->bob_enc_sk, trusted);
    fz_trace("cloak_share_open", rc);

    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_WRONG_KEY ||
                   rc == CLOAK_E_UNTRUSTED_SIGNER || rc == CLOAK_E_BAD_SIGNATURE || rc == CLOAK_E_AUTH ||
                   rc == CLOAK_E_INVALID_KEY || rc == CLOAK_E_BAD_PARAMS);
        FUZZ_CHECK(fz_is_zero(vault_key, CLOAK_KEYBYTES));
        if (rc == CLOAK_E_BAD_PARAMS) {
            FUZZ_CHECK(vault_id_len == 0);
        }
    } else {
        FUZZ_CHECK(share_len == CLOAK_SHAREBYTES && memcmp(share + 20, trusted, 32) == 0);
        FUZZ_CHECK(vault_id_len >= 1);
    }
    free(vault_key);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    (void)fz_keys_get();
    return 0;
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
        share_open(vault_id, vault_id_len, trusted, share, share_len);
    }
    free(trusted);
    free(sender);
    free(vault_id);
    free(share);
    return 0;
}
