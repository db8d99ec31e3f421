/* Private keys wrapped under the master key (docs/protocol.md section 6) and the plain
 * service-account key export (section 6.1).
 *
 * The three wrapped kinds share one layout and one implementation, parameterised by the type
 * byte and the suite (an X-Wing key carries a 1216-byte public key where the others carry 32 bytes;
 * every private key is 32 bytes). The header and the public key are in the associated data, so a
 * wrapped key can be neither relabelled as another kind or suite nor moved onto another public key;
 * after decryption the public key is derived again from the private key, so a blob can only ever
 * yield a matching key pair. */
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

#define PRIVATEBYTES 32U
#define PUBLICBYTES_MAX CLOAK_XWING_PUBLICKEYBYTES
#define WRAP_PUBLIC_OFFSET CLOAK_HEADERBYTES
#define WRAP_SEALEDBYTES (PRIVATEBYTES + CLOAK_AEAD_TAGBYTES)
/* Offsets after the public key, whose length is the suite's. */
#define WRAP_NONCE_OFFSET(pk_len) (WRAP_PUBLIC_OFFSET + (pk_len))
#define WRAP_SEALED_OFFSET(pk_len) (WRAP_NONCE_OFFSET(pk_len) + CLOAK_XNONCEBYTES)
#define WRAP_LEN(pk_len) (WRAP_SEALED_OFFSET(pk_len) + WRAP_SEALEDBYTES)

#define ACCOUNT_PRIVATE_OFFSET CLOAK_HEADERBYTES
#define ACCOUNT_PUBLIC_OFFSET (ACCOUNT_PRIVATE_OFFSET + PRIVATEBYTES)

/* The public key's length in a blob of this type and suite: an identity key is 32 bytes. */
static size_t carried_key_len(uint8_t type, uint32_t suite)
{
    return type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY ? CLOAK_IDENTITY_PUBLICKEYBYTES : cloak__suite_public_key_len(suite);
}

/* The private key a blob carries (the Ed25519 seed, the X25519 scalar or the X-Wing seed) to its
 * public key. 0, or CLOAK_E_BAD_PARAMS if X25519 gives the all-zero point (it cannot for a clamped
 * scalar). The public key is public (cloak__declassify): callers compare it with the one they were
 * given. */
static int public_from_private(uint8_t *pk, uint8_t type, uint32_t suite, const uint8_t priv[PRIVATEBYTES])
{
    const size_t pk_len = carried_key_len(type, suite);

    if (type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY) {
        uint8_t sk[CLOAK_IDENTITY_SECRETKEYBYTES];
        crypto_sign_ed25519_seed_keypair(pk, sk, priv);
        cloak__wipe(sk, sizeof sk);
        cloak__declassify(pk, pk_len);
        return CLOAK_OK;
    }
    cloak__encryption_public_key_derive(pk, suite, priv);
    cloak__declassify(pk, pk_len);
    if (suite == CLOAK_SUITE_X25519 && sodium_is_zero(pk, pk_len)) {
        return CLOAK_E_BAD_PARAMS;
    }
    return CLOAK_OK;
}

static int wrap_key_derive(uint8_t wrap_key[32], const uint8_t master_key[CLOAK_KEYBYTES])
{
    return cloak__hkdf_expand(wrap_key, 32, master_key, CLOAK_KEYBYTES, (const uint8_t *)CLOAK_LABEL_WRAP_KEY,
                              CLOAK_LABEL_LEN(CLOAK_LABEL_WRAP_KEY));
}

static int wrap_any(uint8_t *wrapped, uint8_t type, uint32_t suite, const uint8_t master_key[CLOAK_KEYBYTES],
                    const uint8_t priv[PRIVATEBYTES], const uint8_t *stored_pk)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t wrap_key[32];
    uint8_t pk[PUBLICBYTES_MAX], sk[PRIVATEBYTES];
    const size_t pk_len = carried_key_len(type, suite);
    int rc = CLOAK_E_BAD_PARAMS;

    if (wrapped == NULL || master_key == NULL || priv == NULL) {
        /* Nothing written yet: clear the output here (cppcheck does not follow a NULL through the
         * exit label). */
        cloak__wipe(wrapped, WRAP_LEN(pk_len));
        return rc;
    }
    /* Copies first: the caller may pass buffers that overlap `wrapped`. */
    memcpy(sk, priv, sizeof sk);
    rc = public_from_private(pk, type, suite, sk);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* An identity secret key holds its public half too; one that disagrees with its seed is the
     * key signing refuses (docs/protocol.md section 5: invalid key), refused here rather than
     * carried into the blob. */
    if (stored_pk != NULL && cloak__memcmp_ct(pk, stored_pk, pk_len) != 0) {
        rc = CLOAK_E_INVALID_KEY;
        goto done;
    }
    rc = wrap_key_derive(wrap_key, master_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak_key_id(key_id, master_key);
    cloak__header_write_suite(wrapped, type, suite, key_id);
    memcpy(wrapped + WRAP_PUBLIC_OFFSET, pk, pk_len);
    randombytes_buf(wrapped + WRAP_NONCE_OFFSET(pk_len), CLOAK_XNONCEBYTES);
    cloak__xchacha_seal(wrapped + WRAP_SEALED_OFFSET(pk_len), sk, sizeof sk, wrapped, WRAP_NONCE_OFFSET(pk_len),
                        wrapped + WRAP_NONCE_OFFSET(pk_len), wrap_key);

done:
    cloak__wipe(wrap_key, sizeof wrap_key);
    cloak__wipe(sk, sizeof sk);
    if (rc != CLOAK_OK) {
        cloak__wipe(wrapped, WRAP_LEN(pk_len));
    }
    return rc;
}

/* Writes the carried public key and the private key only once everything has been checked. */
static int unwrap_any(uint8_t *pk_out, uint8_t priv_out[PRIVATEBYTES], uint8_t type, uint32_t suite,
                      const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t wrap_key[32];
    uint8_t pk[PUBLICBYTES_MAX], sk[PRIVATEBYTES];
    const size_t pk_len = carried_key_len(type, suite);
    int rc = CLOAK_E_BAD_PARAMS;

    if (pk_out == NULL || priv_out == NULL || master_key == NULL) {
        goto done;
    }
    rc = cloak__header_check_suite(wrapped, wrapped_len, type, suite);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (wrapped_len != WRAP_LEN(pk_len)) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    cloak_key_id(key_id, master_key);
    if (cloak__memcmp_ct(key_id, wrapped + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
        rc = CLOAK_E_WRONG_KEY;
        goto done;
    }
    rc = wrap_key_derive(wrap_key, master_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__xchacha_open(sk, wrapped + WRAP_SEALED_OFFSET(pk_len), WRAP_SEALEDBYTES, wrapped,
                             WRAP_NONCE_OFFSET(pk_len), wrapped + WRAP_NONCE_OFFSET(pk_len), wrap_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = public_from_private(pk, type, suite, sk);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (cloak__memcmp_ct(pk, wrapped + WRAP_PUBLIC_OFFSET, pk_len) != 0) {
        rc = CLOAK_E_MISMATCH;
        goto done;
    }
    memcpy(pk_out, pk, pk_len);
    memcpy(priv_out, sk, sizeof sk);

done:
    cloak__wipe(wrap_key, sizeof wrap_key);
    cloak__wipe(sk, sizeof sk);
    if (rc != CLOAK_OK) {
        cloak__wipe(pk_out, pk_len);
        cloak__wipe(priv_out, PRIVATEBYTES);
    }
    return rc;
}

int cloak_identity_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                        const uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_IDENTITY_KEY, CLOAK_SUITE_X25519, master_key, secret_key,
                    secret_key != NULL ? secret_key + CLOAK_IDENTITY_SEEDBYTES : NULL);
}

int cloak_identity_unwrap(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                          uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                          const uint8_t *wrapped, size_t wrapped_len)
{
    /* The blob carries the seed, which unwrap_any() writes to the first half of secret_key; in
     * memory an Ed25519 secret key is seed || public key. */
    const int rc = unwrap_any(public_key, secret_key, CLOAK_TYPE_WRAPPED_IDENTITY_KEY, CLOAK_SUITE_X25519, master_key, wrapped,
                              wrapped_len);
    if (rc != CLOAK_OK) {
        cloak__wipe(secret_key, CLOAK_IDENTITY_SECRETKEYBYTES);
        return rc;
    }
    memmove(secret_key + CLOAK_IDENTITY_SEEDBYTES, public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
    return CLOAK_OK;
}

/* The X25519 kinds (a member's encryption key, a service account's key) carry the whole private
 * key: they unwrap through unwrap_any() alone, which clears both outputs on failure. */
int cloak_encryption_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                          const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY, CLOAK_SUITE_X25519, master_key, secret_key, NULL);
}

int cloak_xwing_wrap(uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                     const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY, CLOAK_SUITE_XWING, master_key, secret_key, NULL);
}

int cloak_xwing_unwrap(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES], uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES],
                       const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    return unwrap_any(public_key, secret_key, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY, CLOAK_SUITE_XWING, master_key,
                      wrapped, wrapped_len);
}

int cloak_encryption_unwrap(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                            uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                            const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    return unwrap_any(public_key, secret_key, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY, CLOAK_SUITE_X25519, master_key,
                      wrapped, wrapped_len);
}

int cloak_service_account_wrap(uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], const uint8_t master_key[CLOAK_KEYBYTES],
                               const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, CLOAK_SUITE_X25519, master_key, secret_key,
                    NULL);
}

int cloak_service_account_xwing_wrap(uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES],
                                     const uint8_t master_key[CLOAK_KEYBYTES],
                                     const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES])
{
    return wrap_any(wrapped, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, CLOAK_SUITE_XWING, master_key, secret_key, NULL);
}

int cloak_service_account_xwing_unwrap(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                       uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                       const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped,
                                       size_t wrapped_len)
{
    return unwrap_any(public_key, secret_key, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, CLOAK_SUITE_XWING, master_key,
                      wrapped, wrapped_len);
}

int cloak_service_account_unwrap(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                 uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                                 const uint8_t master_key[CLOAK_KEYBYTES], const uint8_t *wrapped,
                                 size_t wrapped_len)
{
    return unwrap_any(public_key, secret_key, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, CLOAK_SUITE_X25519, master_key,
                      wrapped, wrapped_len);
}

static int account_private_export(uint8_t *blob, uint32_t suite, const uint8_t *public_key,
                                  const uint8_t secret_key[PRIVATEBYTES])
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t pk[PUBLICBYTES_MAX], derived[PUBLICBYTES_MAX], sk[PRIVATEBYTES];
    const size_t pk_len = cloak__suite_public_key_len(suite);
    int rc = CLOAK_E_BAD_PARAMS;

    if (blob == NULL || public_key == NULL || secret_key == NULL) {
        goto done;
    }
    memcpy(pk, public_key, pk_len);
    memcpy(sk, secret_key, sizeof sk);
    /* Same check as the importer's, so no blob is written that could not be read back. */
    rc = public_from_private(derived, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, suite, sk);
    if (rc == CLOAK_OK && cloak__memcmp_ct(derived, pk, pk_len) != 0) {
        rc = CLOAK_E_MISMATCH;
    }
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak__public_key_id_n(key_id, pk, pk_len);
    cloak__header_write_suite(blob, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, suite, key_id);
    memcpy(blob + ACCOUNT_PRIVATE_OFFSET, sk, sizeof sk);
    memcpy(blob + ACCOUNT_PUBLIC_OFFSET, pk, pk_len);

done:
    cloak__wipe(sk, sizeof sk);
    if (rc != CLOAK_OK) {
        cloak__wipe(blob, ACCOUNT_PUBLIC_OFFSET + pk_len);
    }
    return rc;
}

static int account_private_import(uint8_t *public_key, uint8_t secret_key[PRIVATEBYTES], uint32_t suite,
                                  const uint8_t *blob, size_t blob_len)
{
    uint8_t derived[PUBLICBYTES_MAX];
    const size_t pk_len = cloak__suite_public_key_len(suite);
    int rc = CLOAK_E_BAD_PARAMS;

    if (public_key == NULL || secret_key == NULL) {
        goto done;
    }
    rc = cloak__header_check_carried_key_suite(blob, blob_len, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, suite,
                                               ACCOUNT_PUBLIC_OFFSET + pk_len, ACCOUNT_PUBLIC_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* Section 6.1: an X-Wing public key is checked like any that enters; an X25519 key that breaks
     * section 1.4 fails the comparison below anyway. */
    if (suite == CLOAK_SUITE_XWING) {
        rc = cloak__encryption_public_key_check(suite, blob + ACCOUNT_PUBLIC_OFFSET);
        if (rc != CLOAK_OK) {
            goto done;
        }
    }
    rc = public_from_private(derived, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, suite, blob + ACCOUNT_PRIVATE_OFFSET);
    if (rc == CLOAK_OK && cloak__memcmp_ct(derived, blob + ACCOUNT_PUBLIC_OFFSET, pk_len) != 0) {
        rc = CLOAK_E_MISMATCH;
    }
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* Outputs last: they may alias the blob. */
    memmove(secret_key, blob + ACCOUNT_PRIVATE_OFFSET, PRIVATEBYTES);
    memmove(public_key, blob + ACCOUNT_PUBLIC_OFFSET, pk_len);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(public_key, pk_len);
        cloak__wipe(secret_key, PRIVATEBYTES);
    }
    return rc;
}

int cloak_service_account_private_export(uint8_t blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES],
                                         const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                         const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    return account_private_export(blob, CLOAK_SUITE_X25519, public_key, secret_key);
}

int cloak_service_account_private_import(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                         uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], const uint8_t *blob,
                                         size_t blob_len)
{
    return account_private_import(public_key, secret_key, CLOAK_SUITE_X25519, blob, blob_len);
}

int cloak_service_account_xwing_private_export(uint8_t blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES],
                                               const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                               const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES])
{
    return account_private_export(blob, CLOAK_SUITE_XWING, public_key, secret_key);
}

int cloak_service_account_xwing_private_import(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                               uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                               const uint8_t *blob, size_t blob_len)
{
    return account_private_import(public_key, secret_key, CLOAK_SUITE_XWING, blob, blob_len);
}

static int is_wrapped_type(int type)
{
    return type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY || type == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY ||
           type == CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY;
}

/* Steps 1 to 5 of section 2 for any of the three wrapped types, in a reader of `suite`: the type
 * before the suite. */
static int wrapped_header_check(int *type, const uint8_t *wrapped, size_t wrapped_len, uint32_t suite)
{
    const int rc = cloak__header_check_known(wrapped, wrapped_len);

    if (rc != CLOAK_OK || wrapped == NULL) { /* the check refuses NULL: the test tells the analyser */
        return rc != CLOAK_OK ? rc : CLOAK_E_BAD_PARAMS;
    }
    *type = (int)wrapped[1];
    if (!is_wrapped_type(*type)) {
        return CLOAK_E_WRONG_TYPE;
    }
    return cloak__header_check_suite(wrapped, wrapped_len, wrapped[1], suite);
}

static int wrapped_public_key(uint8_t *public_key, int *type, uint32_t suite, const uint8_t *wrapped,
                              size_t wrapped_len)
{
    const size_t pk_cap = cloak__suite_public_key_len(suite);
    int blob_type = 0;
    int rc = CLOAK_E_BAD_PARAMS;

    if (public_key == NULL || type == NULL || cloak__overlaps(public_key, pk_cap, wrapped, wrapped_len) ||
        cloak__overlaps(type, sizeof *type, wrapped, wrapped_len)) {
        goto done;
    }
    rc = wrapped_header_check(&blob_type, wrapped, wrapped_len, suite);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (wrapped_len != WRAP_LEN(carried_key_len((uint8_t)blob_type, suite))) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    memcpy(public_key, wrapped + WRAP_PUBLIC_OFFSET, carried_key_len((uint8_t)blob_type, suite));
    *type = blob_type;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(public_key, pk_cap);
        cloak__wipe(type, sizeof *type);
    }
    return rc;
}

int cloak_wrapped_key_public_key(uint8_t public_key[32], int *type, const uint8_t *wrapped, size_t wrapped_len)
{
    return wrapped_public_key(public_key, type, CLOAK_SUITE_X25519, wrapped, wrapped_len);
}

int cloak_wrapped_key_public_key_xwing(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES], int *type,
                                       const uint8_t *wrapped, size_t wrapped_len)
{
    return wrapped_public_key(public_key, type, CLOAK_SUITE_XWING, wrapped, wrapped_len);
}

/* Unwraps into locals and wraps again, so the private key never reaches the caller. */
static int rewrap(uint8_t *rewrapped, uint32_t suite, const uint8_t old_master_key[CLOAK_KEYBYTES],
                  const uint8_t new_master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    /* The largest result this reader writes: an identity key is 32 bytes in suite 1 too. */
    const size_t out_len = WRAP_LEN(cloak__suite_public_key_len(suite));
    uint8_t pk[PUBLICBYTES_MAX], sk[PRIVATEBYTES];
    int type = 0;
    int same;
    int rc = CLOAK_E_BAD_PARAMS;

    /* An output over the input is refused with nothing written: zeroing it, as every other failure
     * does, would destroy the wrapped key the caller holds. */
    if (wrapped != NULL && cloak__overlaps(rewrapped, out_len, wrapped, wrapped_len)) {
        return rc;
    }
    if (rewrapped == NULL || old_master_key == NULL || new_master_key == NULL ||
        cloak__overlaps(rewrapped, out_len, old_master_key, CLOAK_KEYBYTES) ||
        cloak__overlaps(rewrapped, out_len, new_master_key, CLOAK_KEYBYTES)) {
        cloak__wipe(rewrapped, out_len);
        return rc;
    }
    /* Re-wrapping under the same key would change nothing but the nonce: a caller's mistake (an
     * upgrade that derived the old key twice), so it is refused. The verdict alone is public. */
    same = sodium_memcmp(old_master_key, new_master_key, CLOAK_KEYBYTES) == 0;
    cloak__declassify(&same, sizeof same);
    if (same) {
        goto done;
    }
    rc = wrapped_header_check(&type, wrapped, wrapped_len, suite);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = unwrap_any(pk, sk, (uint8_t)type, suite, old_master_key, wrapped, wrapped_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = wrap_any(rewrapped, (uint8_t)type, suite, new_master_key, sk, pk);

done:
    cloak__wipe(sk, sizeof sk);
    if (rc != CLOAK_OK) {
        cloak__wipe(rewrapped, out_len);
    }
    return rc;
}

int cloak_wrapped_key_rewrap(uint8_t rewrapped[CLOAK_WRAPPED_KEYBYTES], const uint8_t old_master_key[CLOAK_KEYBYTES],
                             const uint8_t new_master_key[CLOAK_KEYBYTES], const uint8_t *wrapped, size_t wrapped_len)
{
    return rewrap(rewrapped, CLOAK_SUITE_X25519, old_master_key, new_master_key, wrapped, wrapped_len);
}

int cloak_wrapped_key_rewrap_xwing(uint8_t rewrapped[CLOAK_XWING_WRAPPED_KEYBYTES],
                                   const uint8_t old_master_key[CLOAK_KEYBYTES],
                                   const uint8_t new_master_key[CLOAK_KEYBYTES], const uint8_t *wrapped,
                                   size_t wrapped_len)
{
    return rewrap(rewrapped, CLOAK_SUITE_XWING, old_master_key, new_master_key, wrapped, wrapped_len);
}
