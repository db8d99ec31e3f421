/* Key ids (docs/protocol.md section 1.2), so a blob names the key it needs without a hash that
 * could be confused with any other use of the key: of a symmetric key, an HKDF-Expand under its own
 * label; of a public key, a truncated, labelled SHA-256. And the public key blobs that carry them
 * (section 5.1), one layout for identity and encryption keys. */
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

void cloak_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t key[CLOAK_KEYBYTES])
{
    if (key_id == NULL || key == NULL) {
        cloak__wipe(key_id, CLOAK_KEYIDBYTES);
        return;
    }
    /* Cannot fail: every parameter is a fixed, valid size. */
    (void)cloak__hkdf_expand(key_id, CLOAK_KEYIDBYTES, key, CLOAK_KEYBYTES, (const uint8_t *)CLOAK_LABEL_KEY_ID,
                             CLOAK_LABEL_LEN(CLOAK_LABEL_KEY_ID));
    /* Public: every blob made under the key carries its id (docs/protocol.md 1.2). */
    cloak__declassify(key_id, CLOAK_KEYIDBYTES);
}

void cloak__public_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t public_key[32])
{
    uint8_t digest[CLOAK_HASHBYTES];

    cloak__labeled_sha256(digest, CLOAK_LABEL_PUBLIC_KEY_ID, public_key, 32);
    memcpy(key_id, digest, CLOAK_KEYIDBYTES);
}

int cloak__header_names_public_key(const uint8_t *blob, const uint8_t public_key[32])
{
    uint8_t key_id[CLOAK_KEYIDBYTES];

    cloak__public_key_id(key_id, public_key);
    return memcmp(key_id, blob + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) == 0;
}

int cloak__header_check_carried_key(const uint8_t *blob, size_t blob_len, uint8_t expected_type,
                                    size_t expected_len, size_t public_key_offset)
{
    const int rc = cloak__header_check_fixed(blob, blob_len, expected_type, expected_len);
    if (rc != CLOAK_OK) {
        return rc;
    }
    return cloak__header_names_public_key(blob, blob + public_key_offset) ? CLOAK_OK : CLOAK_E_MALFORMED;
}

int cloak__public_blob_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES], uint8_t type, const uint8_t public_key[32])
{
    uint8_t key_id[CLOAK_KEYIDBYTES];

    if (blob == NULL || public_key == NULL) {
        cloak__wipe(blob, CLOAK_PUBLIC_KEY_BLOBBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    cloak__public_key_id(key_id, public_key);
    memmove(blob + CLOAK_HEADERBYTES, public_key, 32);
    cloak__header_write(blob, type, key_id);
    return CLOAK_OK;
}

int cloak__public_blob_import(uint8_t public_key[32], uint8_t type, const uint8_t *blob, size_t blob_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (public_key == NULL) {
        goto done;
    }
    rc = cloak__header_check_carried_key(blob, blob_len, type, CLOAK_PUBLIC_KEY_BLOBBYTES, CLOAK_HEADERBYTES);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* Section 5.1: the key follows section 1.3 (identity) or 1.4 (encryption). */
    rc = type == CLOAK_TYPE_IDENTITY_PUBLIC_KEY ? cloak__ed25519_public_key_check(blob + CLOAK_HEADERBYTES)
                                                : cloak__x25519_public_key_check(blob + CLOAK_HEADERBYTES);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(public_key, blob + CLOAK_HEADERBYTES, 32);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(public_key, 32);
    }
    return rc;
}
