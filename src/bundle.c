/* Member bundle (docs/protocol.md section 5.2): the identity key signs the encryption public key,
 * so a member's two public keys are known to belong together. One layout for both suites: the
 * encryption key is 32 bytes (X25519) or 1216 (X-Wing), and the header names the suite. */
#include <string.h>

#include "internal.h"

#define BUNDLE_IDENTITY_OFFSET CLOAK_HEADERBYTES
#define BUNDLE_ENCRYPTION_OFFSET (BUNDLE_IDENTITY_OFFSET + CLOAK_IDENTITY_PUBLICKEYBYTES)

static size_t bundle_len(uint32_t suite)
{
    return BUNDLE_ENCRYPTION_OFFSET + cloak__suite_public_key_len(suite) + CLOAK_SIGNATUREBYTES;
}

static int bundle_create(uint8_t *bundle, uint32_t suite, const uint8_t *identity_secret_key,
                         const uint8_t *encryption_public_key)
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES], epk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t key_id[CLOAK_KEYIDBYTES];
    const size_t epk_len = cloak__suite_public_key_len(suite);
    const size_t signature_offset = BUNDLE_ENCRYPTION_OFFSET + epk_len;
    int rc;

    if (bundle == NULL || identity_secret_key == NULL || encryption_public_key == NULL) {
        cloak__wipe(bundle, bundle_len(suite));
        return CLOAK_E_BAD_PARAMS;
    }
    /* A bundle carries only keys its reader accepts (docs/protocol.md 1.4, 1.6). */
    rc = cloak__encryption_public_key_check(suite, encryption_public_key);
    if (rc != CLOAK_OK) {
        cloak__wipe(bundle, bundle_len(suite));
        return rc;
    }
    /* The public half is written as given; signing checks that it is the seed's before it signs,
     * and the bundle is zeroed if it is not. The keys are copied first: they may overlap the
     * bundle. */
    memcpy(pk, identity_secret_key + CLOAK_IDENTITY_SEEDBYTES, sizeof pk);
    memcpy(epk, encryption_public_key, epk_len);
    cloak__public_key_id(key_id, pk);
    cloak__header_write_suite(bundle, CLOAK_TYPE_BUNDLE, suite, key_id);
    memcpy(bundle + BUNDLE_IDENTITY_OFFSET, pk, sizeof pk);
    memcpy(bundle + BUNDLE_ENCRYPTION_OFFSET, epk, epk_len);
    rc = cloak__sign_labeled(bundle + signature_offset, CLOAK_LABEL_SIG_BUNDLE, bundle, signature_offset,
                             identity_secret_key);
    if (rc != CLOAK_OK) {
        cloak__wipe(bundle, bundle_len(suite));
    }
    return rc;
}

static int bundle_verify(uint8_t *identity_public_key, uint8_t *encryption_public_key, uint32_t suite,
                         const uint8_t *bundle, size_t bundle_blob_len)
{
    const size_t epk_len = cloak__suite_public_key_len(suite);
    const size_t signature_offset = BUNDLE_ENCRYPTION_OFFSET + epk_len;
    int rc = CLOAK_E_BAD_PARAMS;

    if (identity_public_key == NULL || encryption_public_key == NULL) {
        goto done;
    }
    rc = cloak__header_check_carried_key_suite(bundle, bundle_blob_len, CLOAK_TYPE_BUNDLE, suite, bundle_len(suite),
                                               BUNDLE_IDENTITY_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* Section 2 step 7: both keys follow sections 1.3 and 1.4 or 1.6 before the signature is
     * checked. */
    rc = cloak__ed25519_public_key_check(bundle + BUNDLE_IDENTITY_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__encryption_public_key_check(suite, bundle + BUNDLE_ENCRYPTION_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__verify_labeled(bundle + signature_offset, CLOAK_LABEL_SIG_BUNDLE, bundle, signature_offset,
                               bundle + BUNDLE_IDENTITY_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(identity_public_key, bundle + BUNDLE_IDENTITY_OFFSET, CLOAK_IDENTITY_PUBLICKEYBYTES);
    memcpy(encryption_public_key, bundle + BUNDLE_ENCRYPTION_OFFSET, epk_len);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
        cloak__wipe(encryption_public_key, epk_len);
    }
    return rc;
}

int cloak_bundle_create(uint8_t bundle[CLOAK_BUNDLEBYTES],
                        const uint8_t identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                        const uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES])
{
    return bundle_create(bundle, CLOAK_SUITE_X25519, identity_secret_key, encryption_public_key);
}

int cloak_bundle_create_xwing(uint8_t bundle[CLOAK_XWING_BUNDLEBYTES],
                              const uint8_t identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                              const uint8_t encryption_public_key[CLOAK_XWING_PUBLICKEYBYTES])
{
    return bundle_create(bundle, CLOAK_SUITE_XWING, identity_secret_key, encryption_public_key);
}

int cloak_bundle_verify(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                        uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *bundle,
                        size_t bundle_len)
{
    return bundle_verify(identity_public_key, encryption_public_key, CLOAK_SUITE_X25519, bundle, bundle_len);
}

int cloak_bundle_verify_xwing(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                              uint8_t encryption_public_key[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t *bundle,
                              size_t bundle_len)
{
    return bundle_verify(identity_public_key, encryption_public_key, CLOAK_SUITE_XWING, bundle, bundle_len);
}
