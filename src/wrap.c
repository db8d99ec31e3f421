/* Private keys wrapped under the master key (docs/protocol.md section 6) and the plain
 * service-account key export (section 6.1).
 *
 * The three wrapped kinds share one layout and one implementation, parameterised by the type
 * byte. The type and the public key are in the associated data, so a wrapped key can be neither
 * relabelled as another kind nor moved onto another public key; after decryption the public key
 * is derived again from the private key, so a blob can only ever yield a matching key pair. */
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

#define PRIVATEBYTES 32U
#define PUBLICBYTES 32U
#define WRAP_PUBLIC_OFFSET CLOAK_HEADERBYTES
#define WRAP_NONCE_OFFSET (WRAP_PUBLIC_OFFSET + PUBLICBYTES)
#define WRAP_SEALED_OFFSET (WRAP_NONCE_OFFSET + CLOAK_XNONCEBYTES)
#define WRAP_SEALEDBYTES (PRIVATEBYTES + CLOAK_AEAD_TAGBYTES)

#define ACCOUNT_PRIVATE_OFFSET CLOAK_HEADERBYTES
#define ACCOUNT_PUBLIC_OFFSET (ACCOUNT_PRIVATE_OFFSET + PRIVATEBYTES)

/* The private key a blob carries (the Ed25519 seed, or the X25519 scalar) to its public key.
 * 0, or CLOAK_E_BAD_PARAMS if X25519 gives the all-zero point (it cannot for a clamped scalar).
 * The public key is public (cloak__declassify): callers compare it with the one they were given. */
static int public_from_private(uint8_t pk[PUBLICBYTES], uint8_t type, const uint8_t priv[PRIVATEBYTES])
{
    if (type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY) {
        uint8_t sk[CLOAK_IDENTITY_SECRETKEYBYTES];
        crypto_sign_ed25519_seed_keypair(pk, sk, priv);
        cloak__wipe(sk, sizeof sk);
        cloak__declassify(pk, PUBLICBYTES);
        return CLOAK_OK;
    }
    if (crypto_scalarmult_curve25519_base(pk, priv) != 0) {
        memset(pk, 0, PUBLICBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    cloak__declassify(pk, PUBLICBYTES);
    return CLOAK_OK;
}

static int wrap_key_derive(uint8_t wrap_key[32], const uint8_t master_key[CLOAK_KEYBYTES])
{
    return cloak__hkdf_expand(wrap_key, 32, master_key, CLOAK_KEYBYTES, (const uint8_t *)CLOAK_LABEL_WRAP_KEY,
                              CLOAK_LABEL_LEN(CLOAK_LABEL_WRAP_KEY));
}

static int wrap_any(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], uint8_t type, const uint8_t master_key[CLOAK_KEYBYTES],
                    const uint8_t priv[PRIVATEBYTES], const uint8_t *stored_pk)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t wrap_key[32];
    uint8_t pk[PUBLICBYTES], sk[PRIVATEBYTES];
    int rc;

    if (wrapped != NULL) {
        memset(wrapped, 0, CLOAK_WRAPPED_KEYBYTES);
    }
    if (wrapped == NULL || master_key == NULL || priv == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Copies first: the caller may pass buffers that overlap `wrapped`. */
    memcpy(sk, priv, sizeof sk);
    rc = public_from_private(pk, type, sk);
    /* An identity secret key holds its public half too; one that disagrees with its seed is a
     * caller bug that we refuse rather than carry into the blob. */
    if (rc == CLOAK_OK && stored_pk != NULL && cloak__memcmp_ct(pk, stored_pk, sizeof pk) != 0) {
        rc = CLOAK_E_BAD_PARAMS;
    }
    if (rc == CLOAK_OK) {
        rc = wrap_key_derive(wrap_key, master_key);
    }
    if (rc == CLOAK_OK) {
        cloak_key_id(key_id, master_key);
        cloak__header_write(wrapped, type, key_id);
        memcpy(wrapped + WRAP_PUBLIC_OFFSET, pk, sizeof pk);
        randombytes_buf(wrapped + WRAP_NONCE_OFFSET, CLOAK_XNONCEBYTES);
        cloak__xchacha_seal(wrapped + WRAP_SEALED_OFFSET, sk, sizeof sk, wrapped, WRAP_NONCE_OFFSET,
                            wrapped + WRAP_NONCE_OFFSET, wrap_key);
    } else {
        memset(wrapped, 0, CLOAK_WRAPPED_KEYBYTES);
    }
    cloak__wipe(wrap_key, sizeof wrap_key);
    cloak__wipe(sk, sizeof sk);
    return rc;
}

/* Writes the carried public key and the private key only once everything has been checked. */
static int unwrap_any(uint8_t pk_out[PUBLICBYTES], uint8_t priv_out[PRIVATEBYTES], uint8_t type,
                      const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t wrap_key[32];
    uint8_t pk[PUBLICBYTES], sk[PRIVATEBYTES];
    int rc;

    if (pk_out == NULL || priv_out == NULL || master_key == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__header_check(wrapped, wrapped_len, type);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (wrapped_len != CLOAK_WRAPPED_KEYBYTES) {
        return CLOAK_E_MALFORMED;
    }
    cloak_key_id(key_id, master_key);
    if (cloak__memcmp_ct(key_id, wrapped + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    rc = wrap_key_derive(wrap_key, master_key);
    if (rc == CLOAK_OK) {
        rc = cloak__xchacha_open(sk, wrapped + WRAP_SEALED_OFFSET, WRAP_SEALEDBYTES, wrapped, WRAP_NONCE_OFFSET,
                                 wrapped + WRAP_NONCE_OFFSET, wrap_key);
    }
    if (rc == CLOAK_OK) {
        rc = public_from_private(pk, type, sk);
    }
    if (rc == CLOAK_OK && cloak__memcmp_ct(pk, wrapped + WRAP_PUBLIC_OFFSET, sizeof pk) != 0) {
        rc = CLOAK_E_MISMATCH;
    }
    if (rc == CLOAK_OK) {
        memcpy(pk_out, pk, sizeof pk);
        memcpy(priv_out, sk, sizeof sk);
    }
    cloak__wipe(wrap_key, sizeof wrap_key);
    cloak__wipe(sk, sizeof sk);
    return rc;
}

int cloak_identity_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                        const uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_IDENTITY_KEY, master_key, secret_key,
                    secret_key != NULL ? secret_key + CLOAK_IDENTITY_SEEDBYTES : NULL);
}

int cloak_identity_unwrap(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                          uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                          const uint8_t *wrapped, size_t wrapped_len)
{
    uint8_t pk[PUBLICBYTES], seed[PRIVATEBYTES];
    int rc;

    if (public_key != NULL) {
        memset(public_key, 0, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }
    if (secret_key != NULL) {
        memset(secret_key, 0, CLOAK_IDENTITY_SECRETKEYBYTES);
    }
    if (public_key == NULL || secret_key == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = unwrap_any(pk, seed, CLOAK_TYPE_WRAPPED_IDENTITY_KEY, master_key, wrapped, wrapped_len);
    if (rc == CLOAK_OK) {
        /* In memory an Ed25519 secret key is seed || public key. */
        memcpy(secret_key, seed, sizeof seed);
        memcpy(secret_key + CLOAK_IDENTITY_SEEDBYTES, pk, sizeof pk);
        memcpy(public_key, pk, sizeof pk);
    }
    cloak__wipe(seed, sizeof seed);
    return rc;
}

/* The X25519 kinds: a member's encryption key and a service account's key. */
static int unwrap_x25519(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                         uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], uint8_t type,
                         const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    if (public_key != NULL) {
        memset(public_key, 0, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    }
    if (secret_key != NULL) {
        memset(secret_key, 0, CLOAK_ENCRYPTION_SECRETKEYBYTES);
    }
    return unwrap_any(public_key, secret_key, type, master_key, wrapped, wrapped_len);
}

int cloak_encryption_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                          const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY, master_key, secret_key, NULL);
}

int cloak_encryption_unwrap(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                            uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                            const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    return unwrap_x25519(public_key, secret_key, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY, master_key, wrapped,
                         wrapped_len);
}

int cloak_service_account_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                               const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, master_key, secret_key, NULL);
}

int cloak_service_account_unwrap(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                 uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                 const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped,
                                 size_t wrapped_len)
{
    return unwrap_x25519(public_key, secret_key, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, master_key, wrapped,
                         wrapped_len);
}

int cloak_service_account_private_export(uint8_t blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES],
                                 const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                 const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t pk[PUBLICBYTES], derived[PUBLICBYTES], sk[PRIVATEBYTES];
    int rc;

    if (blob != NULL) {
        memset(blob, 0, CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
    }
    if (blob == NULL || public_key == NULL || secret_key == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    memcpy(pk, public_key, sizeof pk);
    memcpy(sk, secret_key, sizeof sk);
    /* Same check as the importer's, so no blob is written that could not be read back. */
    rc = public_from_private(derived, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, sk);
    if (rc == CLOAK_OK && cloak__memcmp_ct(derived, pk, sizeof pk) != 0) {
        rc = CLOAK_E_MISMATCH;
    }
    if (rc == CLOAK_OK) {
        cloak__public_key_id(key_id, pk);
        cloak__header_write(blob, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, key_id);
        memcpy(blob + ACCOUNT_PRIVATE_OFFSET, sk, sizeof sk);
        memcpy(blob + ACCOUNT_PUBLIC_OFFSET, pk, sizeof pk);
    }
    cloak__wipe(sk, sizeof sk);
    return rc;
}

int cloak_service_account_private_import(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                 uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], const uint8_t *blob,
                                 size_t blob_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t derived[PUBLICBYTES];
    int rc;

    if (public_key != NULL) {
        memset(public_key, 0, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    }
    if (secret_key != NULL) {
        memset(secret_key, 0, CLOAK_ENCRYPTION_SECRETKEYBYTES);
    }
    if (public_key == NULL || secret_key == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__header_check(blob, blob_len, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob_len != CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES) {
        return CLOAK_E_MALFORMED;
    }
    cloak__public_key_id(key_id, blob + ACCOUNT_PUBLIC_OFFSET);
    if (memcmp(key_id, blob + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_MALFORMED;
    }
    rc = public_from_private(derived, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, blob + ACCOUNT_PRIVATE_OFFSET);
    if (rc == CLOAK_OK && cloak__memcmp_ct(derived, blob + ACCOUNT_PUBLIC_OFFSET, sizeof derived) != 0) {
        rc = CLOAK_E_MISMATCH;
    }
    if (rc == CLOAK_OK) {
        memcpy(secret_key, blob + ACCOUNT_PRIVATE_OFFSET, PRIVATEBYTES);
        memcpy(public_key, blob + ACCOUNT_PUBLIC_OFFSET, PUBLICBYTES);
    }
    return rc;
}

int cloak_wrapped_key_public_key(uint8_t public_key[32], int *type, const uint8_t *wrapped, size_t wrapped_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    int blob_type = 0;
    int rc;

    if (public_key == NULL || type == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (cloak__overlaps(public_key, 32, wrapped, wrapped_len) || cloak__overlaps(type, sizeof *type, wrapped, wrapped_len)) {
        return CLOAK_E_BAD_PARAMS;
    }
    memset(public_key, 0, 32);
    *type = 0;
    rc = cloak_blob_inspect(&blob_type, key_id, wrapped, wrapped_len);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob_type != CLOAK_TYPE_WRAPPED_IDENTITY_KEY && blob_type != CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY &&
        blob_type != CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY) {
        return CLOAK_E_WRONG_TYPE;
    }
    if (wrapped_len != CLOAK_WRAPPED_KEYBYTES) {
        return CLOAK_E_MALFORMED;
    }
    memcpy(public_key, wrapped + WRAP_PUBLIC_OFFSET, 32);
    *type = blob_type;
    return CLOAK_OK;
}
