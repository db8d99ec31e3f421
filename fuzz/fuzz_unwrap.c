/*
 * Private keys from the server or a key file: cloak_identity_unwrap(), cloak_encryption_unwrap(),
 * cloak_service_account_unwrap(), cloak_service_account_import(), and cloak_wrapped_key_public_key()
 * on every wrapped input.
 *
 * Input: op(1) || [master key(32) if op bit 2] || blob
 *   op % 4: 0 identity, 1 encryption, 2 service account (wrapped), 3 service-account import
 *   the master key is the fixed one unless op bit 2 is set (unused by the import)
 *
 * Properties: on failure every output is zero. An unwrapped key pair matches (the public key is
 * the one the blob carries and is derived from the private key again here), and is the one
 * cloak_wrapped_key_public_key() reads without the master key; an imported account key exports
 * back to exactly the blob.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

static int unwrap_failure_ok(int rc)
{
    return rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION || rc == CLOAK_E_UNSUPPORTED_SUITE ||
           rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_WRONG_KEY || rc == CLOAK_E_AUTH || rc == CLOAK_E_MISMATCH;
}

/* cloak_wrapped_key_public_key(): parsed, not authenticated. Returns its status; the key and type
 * go to pk/type (zero on failure). */
static int peek(uint8_t pk[32], int *type, const uint8_t *blob, size_t blob_len)
{
    int rc;

    memset(pk, 0xA5, 32);
    *type = 77;
    rc = cloak_wrapped_key_public_key(pk, type, blob, blob_len);
    fz_trace("cloak_wrapped_key_public_key", rc);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE);
        FUZZ_CHECK(fz_is_zero(pk, 32) && *type == 0);
    } else {
        FUZZ_CHECK(blob_len == CLOAK_WRAPPED_KEYBYTES && memcmp(pk, blob + 20, 32) == 0 && *type == blob[1]);
        FUZZ_CHECK(*type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY || *type == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY ||
                   *type == CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY);
    }
    return rc;
}

static void identity_unwrap(const uint8_t *master, const uint8_t *blob, size_t blob_len)
{
    uint8_t *pk = fz_alloc(CLOAK_IDENTITY_PUBLICKEYBYTES);
    uint8_t *sk = fz_alloc(CLOAK_IDENTITY_SECRETKEYBYTES);
    uint8_t pk2[CLOAK_IDENTITY_PUBLICKEYBYTES], sk2[CLOAK_IDENTITY_SECRETKEYBYTES];
    const int rc = cloak_identity_unwrap(pk, sk, master, blob, blob_len);
    fz_trace("cloak_identity_unwrap", rc);

    if (rc != CLOAK_OK) {
        FUZZ_CHECK(unwrap_failure_ok(rc));
        FUZZ_CHECK(fz_is_zero(pk, CLOAK_IDENTITY_PUBLICKEYBYTES) && fz_is_zero(sk, CLOAK_IDENTITY_SECRETKEYBYTES));
    } else {
        FUZZ_CHECK(blob_len == CLOAK_WRAPPED_KEYBYTES && memcmp(pk, blob + 20, 32) == 0);
        FUZZ_CHECK(cloak_identity_keypair_from_seed(pk2, sk2, sk) == CLOAK_OK);
        FUZZ_CHECK(memcmp(pk2, pk, sizeof pk2) == 0 && memcmp(sk2, sk, sizeof sk2) == 0);
        {
            int type;
            FUZZ_CHECK(peek(pk2, &type, blob, blob_len) == CLOAK_OK);
            FUZZ_CHECK(type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY && memcmp(pk2, pk, 32) == 0);
        }
    }
    free(pk);
    free(sk);
}

static void x25519_unwrap(int account, const uint8_t *master, const uint8_t *blob, size_t blob_len)
{
    uint8_t *pk = fz_alloc(CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    uint8_t *sk = fz_alloc(CLOAK_ENCRYPTION_SECRETKEYBYTES);
    uint8_t derived[32];
    const int rc = account ? cloak_service_account_unwrap(pk, sk, master, blob, blob_len)
                           : cloak_encryption_unwrap(pk, sk, master, blob, blob_len);
    fz_trace("x25519_unwrap", rc);

    if (rc != CLOAK_OK) {
        FUZZ_CHECK(unwrap_failure_ok(rc));
        FUZZ_CHECK(fz_is_zero(pk, 32) && fz_is_zero(sk, 32));
    } else {
        FUZZ_CHECK(blob_len == CLOAK_WRAPPED_KEYBYTES && memcmp(pk, blob + 20, 32) == 0);
        FUZZ_CHECK(crypto_scalarmult_curve25519_base(derived, sk) == 0 && memcmp(derived, pk, 32) == 0);
        {
            int type;
            FUZZ_CHECK(peek(derived, &type, blob, blob_len) == CLOAK_OK && memcmp(derived, pk, 32) == 0);
            FUZZ_CHECK(type == (account ? CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY : CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY));
        }
    }
    free(pk);
    free(sk);
}

static void account_import(const uint8_t *blob, size_t blob_len)
{
    uint8_t *pk = fz_alloc(CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    uint8_t *sk = fz_alloc(CLOAK_ENCRYPTION_SECRETKEYBYTES);
    uint8_t again[CLOAK_SERVICE_ACCOUNT_KEYBYTES];
    const int rc = cloak_service_account_import(pk, sk, blob, blob_len);
    fz_trace("cloak_service_account_import", rc);

    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_MISMATCH);
        FUZZ_CHECK(fz_is_zero(pk, 32) && fz_is_zero(sk, 32));
    } else {
        FUZZ_CHECK(blob_len == CLOAK_SERVICE_ACCOUNT_KEYBYTES);
        FUZZ_CHECK(cloak_service_account_export(again, pk, sk) == CLOAK_OK);
        FUZZ_CHECK(memcmp(again, blob, sizeof again) == 0);
    }
    free(pk);
    free(sk);
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
    uint8_t *master = fz_alloc(CLOAK_KEYBYTES);
    uint8_t *blob;
    size_t len;

    fz_rng_reset();
    if ((op & 4U) != 0U) {
        fz_fixed(&in, master, CLOAK_KEYBYTES);
    } else {
        memcpy(master, fz_keys_get()->master_key, CLOAK_KEYBYTES);
    }
    blob = fz_rest(&in, &len);
    {
        uint8_t pk[32];
        int type;
        (void)peek(pk, &type, blob, len);
    }
    switch (op % 4U) {
    case 0:
        identity_unwrap(master, blob, len);
        break;
    case 1:
        x25519_unwrap(0, master, blob, len);
        break;
    case 2:
        x25519_unwrap(1, master, blob, len);
        break;
    default:
        account_import(blob, len);
        break;
    }
    free(master);
    free(blob);
    return 0;
}
