/* A service account's access credential and its verifier (docs/protocol.md section 9.4).
 *
 * The credential is what an account shows a server to prove it holds its private key, so that a CI
 * runner is configured with one secret (the exported key). It comes out of its own HKDF under its
 * own label, never the private key itself: a server or a log that sees it learns nothing that opens
 * a batch. The server keeps only the verifier, a labelled hash of the credential, so its database
 * alone lets nobody log in as the account. */
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

/* Section 9.4's labels. The verifier's is hashed raw (not lp8): it and the credential have fixed
 * lengths, and a server written in any language computes it from the document's formula. */
#define LABEL_CREDENTIAL "libcloak v2 service account credential"
#define LABEL_VERIFIER "libcloak v2 service account verifier"

#define PRIVATEBYTES 32U
#define INFOBYTES (2U + CLOAK_KEYIDBYTES)

static int credential_derive(uint8_t credential[CLOAK_CREDENTIALBYTES], uint32_t suite, const uint8_t *public_key,
                             const uint8_t *secret_key)
{
    const size_t pk_len = cloak__suite_public_key_len(suite);
    uint8_t derived[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t sk[PRIVATEBYTES];
    uint8_t prk[CLOAK_HASHBYTES];
    uint8_t out[CLOAK_CREDENTIALBYTES];
    uint8_t info[INFOBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    if (credential == NULL || public_key == NULL || secret_key == NULL) {
        cloak__wipe(credential, CLOAK_CREDENTIALBYTES);
        return rc;
    }
    /* An output over an input is refused with nothing written: clearing it would destroy the
     * caller's key. */
    if (cloak__overlaps(credential, CLOAK_CREDENTIALBYTES, public_key, pk_len) ||
        cloak__overlaps(credential, CLOAK_CREDENTIALBYTES, secret_key, PRIVATEBYTES)) {
        return rc;
    }
    memcpy(sk, secret_key, sizeof sk);
    /* Section 6.1's rule for an X-Wing key that enters; an X25519 key that breaks section 1.4
     * cannot be the one its private key gives, and fails the comparison below. */
    if (suite == CLOAK_SUITE_XWING) {
        rc = cloak__encryption_public_key_check(suite, public_key);
        if (rc != CLOAK_OK) {
            goto done;
        }
    }
    /* Only the holder of the private key gets a credential for this key id. The derived public key
     * is public, like the one it is compared with. */
    cloak__encryption_public_key_derive(derived, suite, sk);
    cloak__declassify(derived, pk_len);
    if (suite == CLOAK_SUITE_X25519 && sodium_is_zero(derived, pk_len)) {
        /* No public key matches a secret key that gives the neutral point. */
        rc = CLOAK_E_MISMATCH;
        goto done;
    }
    if (cloak__memcmp_ct(derived, public_key, pk_len) != 0) {
        rc = CLOAK_E_MISMATCH;
        goto done;
    }
    cloak__store16_be(info, (uint16_t)suite);
    cloak__encryption_key_id(info + 2, suite, public_key);
    cloak__hkdf_extract(prk, (const uint8_t *)LABEL_CREDENTIAL, CLOAK_LABEL_LEN(LABEL_CREDENTIAL), sk, sizeof sk);
    rc = cloak__hkdf_expand(out, sizeof out, prk, sizeof prk, info, sizeof info);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(credential, out, sizeof out);

done:
    cloak__wipe(sk, sizeof sk);
    cloak__wipe(prk, sizeof prk);
    cloak__wipe(out, sizeof out);
    if (rc != CLOAK_OK) {
        cloak__wipe(credential, CLOAK_CREDENTIALBYTES);
    }
    return rc;
}

int cloak_service_account_credential(uint8_t credential[CLOAK_CREDENTIALBYTES],
                                     const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                     const uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    return credential_derive(credential, CLOAK_SUITE_X25519, public_key, secret_key);
}

int cloak_service_account_xwing_credential(uint8_t credential[CLOAK_CREDENTIALBYTES],
                                           const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                           const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES])
{
    return credential_derive(credential, CLOAK_SUITE_XWING, public_key, secret_key);
}

void cloak_service_account_credential_verifier(uint8_t verifier[CLOAK_CREDENTIAL_VERIFIERBYTES],
                                               const uint8_t credential[CLOAK_CREDENTIALBYTES])
{
    crypto_hash_sha256_state st;
    uint8_t digest[CLOAK_CREDENTIAL_VERIFIERBYTES];

    if (verifier == NULL || credential == NULL) {
        cloak__wipe(verifier, CLOAK_CREDENTIAL_VERIFIERBYTES);
        return;
    }
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)LABEL_VERIFIER, CLOAK_LABEL_LEN(LABEL_VERIFIER));
    crypto_hash_sha256_update(&st, credential, CLOAK_CREDENTIALBYTES);
    crypto_hash_sha256_final(&st, digest);
    /* The state held the credential; the digest goes out last, so verifier may be credential. */
    cloak__wipe(&st, sizeof st);
    memcpy(verifier, digest, sizeof digest);
    cloak__wipe(digest, sizeof digest);
}
