/*
 * Private keys from the server or a key file: cloak_identity_unwrap(), cloak_encryption_unwrap(),
 * cloak_service_account_unwrap(), cloak_service_account_private_import(), and cloak_wrapped_key_public_key()
 * on every wrapped input.
 *
 * Input: op(1) || [master key(32) if op bit 2] || blob
 *   op % 4: 0 identity, 1 encryption, 2 service account (wrapped), 3 service-account import
 *   the master key is the fixed one unless op bit 2 is set (unused by the import)
 *
 * Properties: the status, and on success the key pair, are exactly those of a reference written
 * here from docs/protocol.md sections 2 and 6 on libsodium directly (header and length, key id of
 * the master key, XChaCha20-Poly1305 under Expand(master, "libcloak v2 key wrap") with the first 52
 * bytes as associated data, the public key derived again and compared); on failure every output is
 * zero. The key pair is the one cloak_wrapped_key_public_key() reads without the master key; an
 * imported account key (section 6.1) exports back to exactly the blob.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

/* Section 6 on libsodium: the status, and the public key and the 32-byte private key on success. */
static int reference_unwrap(uint8_t pk[32], uint8_t priv[32], uint8_t type, const uint8_t *master,
                            const uint8_t *blob, size_t len)
{
    uint8_t key[32], sk64[64];
    int rc = fz_header_verdict(blob, len, type, CLOAK_WRAPPED_KEYBYTES, CLOAK_WRAPPED_KEYBYTES);

    if (rc != CLOAK_OK) {
        return rc;
    }
    fz_expand32(key, master, "libcloak v2 key id");
    if (memcmp(key, blob + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    fz_expand32(key, master, "libcloak v2 key wrap");
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(priv, NULL, NULL, blob + 76, 48, blob, 52, blob + 52, key) != 0) {
        return CLOAK_E_AUTH;
    }
    if (type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY) {
        crypto_sign_seed_keypair(pk, sk64, priv);
    } else {
        FUZZ_CHECK(crypto_scalarmult_curve25519_base(pk, priv) == 0);
    }
    return memcmp(pk, blob + 20, 32) == 0 ? CLOAK_OK : CLOAK_E_MISMATCH;
}

/* cloak_wrapped_key_public_key(): parsed, not authenticated. Returns its status; the key and type
 * go to pk/type (zero on failure). */
static int peek(uint8_t pk[32], int *type, const uint8_t *blob, size_t blob_len)
{
    int rc;

    /* Any of the three wrapped types is the expected one. */
    const uint8_t expected_type = blob_len >= 2 && blob[1] >= CLOAK_TYPE_WRAPPED_IDENTITY_KEY &&
                                          blob[1] <= CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY
                                      ? blob[1]
                                      : CLOAK_TYPE_WRAPPED_IDENTITY_KEY;

    memset(pk, 0xA5, 32);
    *type = 77;
    rc = cloak_wrapped_key_public_key(pk, type, blob, blob_len);
    fz_trace("cloak_wrapped_key_public_key", rc);
    FUZZ_CHECK(rc == fz_header_verdict(blob, blob_len, expected_type, CLOAK_WRAPPED_KEYBYTES, CLOAK_WRAPPED_KEYBYTES));
    if (rc != CLOAK_OK) {
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
    uint8_t ref_pk[32], ref_priv[32];
    const int rc = cloak_identity_unwrap(pk, sk, master, blob, blob_len);
    fz_trace("cloak_identity_unwrap", rc);

    FUZZ_CHECK(rc == reference_unwrap(ref_pk, ref_priv, CLOAK_TYPE_WRAPPED_IDENTITY_KEY, master, blob, blob_len));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, CLOAK_IDENTITY_PUBLICKEYBYTES) && fz_is_zero(sk, CLOAK_IDENTITY_SECRETKEYBYTES));
    } else {
        FUZZ_CHECK(memcmp(pk, ref_pk, 32) == 0 && memcmp(sk, ref_priv, 32) == 0);
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
    uint8_t derived[32], ref_pk[32], ref_priv[32];
    const uint8_t type = account ? CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY : CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY;
    const int rc = account ? cloak_service_account_unwrap(pk, sk, master, blob, blob_len)
                           : cloak_encryption_unwrap(pk, sk, master, blob, blob_len);
    fz_trace("x25519_unwrap", rc);

    FUZZ_CHECK(rc == reference_unwrap(ref_pk, ref_priv, type, master, blob, blob_len));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, 32) && fz_is_zero(sk, 32));
    } else {
        FUZZ_CHECK(memcmp(pk, ref_pk, 32) == 0 && memcmp(sk, ref_priv, 32) == 0);
        FUZZ_CHECK(crypto_scalarmult_curve25519_base(derived, sk) == 0 && memcmp(derived, pk, 32) == 0);
        {
            int peeked;
            FUZZ_CHECK(peek(derived, &peeked, blob, blob_len) == CLOAK_OK && memcmp(derived, pk, 32) == 0);
            FUZZ_CHECK(peeked == type);
        }
    }
    free(pk);
    free(sk);
}

static void account_import(const uint8_t *blob, size_t blob_len)
{
    uint8_t *pk = fz_alloc(CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    uint8_t *sk = fz_alloc(CLOAK_ENCRYPTION_SECRETKEYBYTES);
    uint8_t again[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    const int rc = cloak_service_account_private_import(pk, sk, blob, blob_len);
    int expected = fz_header_verdict(blob, blob_len, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES,
                                     CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
    fz_trace("cloak_service_account_private_import", rc);

    /* Section 6.1: header || private key || public key, the key id the public key's. */
    if (expected == CLOAK_OK) {
        uint8_t key_id[CLOAK_KEYIDBYTES], derived[32];
        fz_public_key_id(key_id, blob + 52);
        FUZZ_CHECK(crypto_scalarmult_curve25519_base(derived, blob + 20) == 0);
        if (memcmp(key_id, blob + 4, sizeof key_id) != 0) {
            expected = CLOAK_E_MALFORMED;
        } else if (memcmp(derived, blob + 52, 32) != 0) {
            expected = CLOAK_E_MISMATCH;
        }
    }
    FUZZ_CHECK(rc == expected);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, 32) && fz_is_zero(sk, 32));
    } else {
        FUZZ_CHECK(blob_len == CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
        FUZZ_CHECK(cloak_service_account_private_export(again, pk, sk) == CLOAK_OK);
        FUZZ_CHECK(memcmp(again, blob, sizeof again) == 0);
    }
    free(pk);
    free(sk);
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
