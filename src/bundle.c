/* Member bundle (docs/protocol.md section 5.2): the identity key signs the encryption public key,
 * so a member's two public keys are known to belong together. */
#include <string.h>

#include "internal.h"

#define BUNDLE_IDENTITY_OFFSET CLOAK_HEADERBYTES
#define BUNDLE_ENCRYPTION_OFFSET (BUNDLE_IDENTITY_OFFSET + CLOAK_IDENTITY_PUBLICKEYBYTES)
#define BUNDLE_SIGNATURE_OFFSET (BUNDLE_ENCRYPTION_OFFSET + CLOAK_ENCRYPTION_PUBLICKEYBYTES)

int cloak_bundle_create(uint8_t bundle[CLOAK_BUNDLEBYTES],
                        const uint8_t identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                        const uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES])
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES], epk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    uint8_t key_id[CLOAK_KEYIDBYTES];
    int rc;

    if (bundle == NULL || identity_secret_key == NULL || encryption_public_key == NULL) {
        cloak__wipe(bundle, CLOAK_BUNDLEBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    /* A bundle carries only keys its reader accepts (docs/protocol.md 1.4). */
    rc = cloak__x25519_public_key_check(encryption_public_key);
    if (rc != CLOAK_OK) {
        cloak__wipe(bundle, CLOAK_BUNDLEBYTES);
        return rc;
    }
    /* The public half is written as given; signing checks that it is the seed's before it signs,
     * and the bundle is zeroed if it is not. The keys are copied first: they may overlap the
     * bundle. */
    memcpy(pk, identity_secret_key + CLOAK_IDENTITY_SEEDBYTES, sizeof pk);
    memcpy(epk, encryption_public_key, sizeof epk);
    cloak__public_key_id(key_id, pk);
    cloak__header_write(bundle, CLOAK_TYPE_BUNDLE, key_id);
    memcpy(bundle + BUNDLE_IDENTITY_OFFSET, pk, sizeof pk);
    memcpy(bundle + BUNDLE_ENCRYPTION_OFFSET, epk, sizeof epk);
    rc = cloak__sign_labeled(bundle + BUNDLE_SIGNATURE_OFFSET, CLOAK_LABEL_SIG_BUNDLE, bundle,
                             BUNDLE_SIGNATURE_OFFSET, identity_secret_key);
    if (rc != CLOAK_OK) {
        cloak__wipe(bundle, CLOAK_BUNDLEBYTES);
    }
    return rc;
}

int cloak_bundle_verify(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                        uint8_t encryption_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *bundle,
                        size_t bundle_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (identity_public_key == NULL || encryption_public_key == NULL) {
        goto done;
    }
    rc = cloak__header_check_carried_key(bundle, bundle_len, CLOAK_TYPE_BUNDLE, CLOAK_BUNDLEBYTES,
                                         BUNDLE_IDENTITY_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* Section 2 step 6: both keys follow sections 1.3 and 1.4 before the signature is checked. */
    rc = cloak__ed25519_public_key_check(bundle + BUNDLE_IDENTITY_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__x25519_public_key_check(bundle + BUNDLE_ENCRYPTION_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__verify_labeled(bundle + BUNDLE_SIGNATURE_OFFSET, CLOAK_LABEL_SIG_BUNDLE, bundle,
                               BUNDLE_SIGNATURE_OFFSET, bundle + BUNDLE_IDENTITY_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(identity_public_key, bundle + BUNDLE_IDENTITY_OFFSET, CLOAK_IDENTITY_PUBLICKEYBYTES);
    memcpy(encryption_public_key, bundle + BUNDLE_ENCRYPTION_OFFSET, CLOAK_ENCRYPTION_PUBLICKEYBYTES);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
        cloak__wipe(encryption_public_key, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    }
    return rc;
}
