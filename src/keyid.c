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

void cloak__public_key_id_n(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t *public_key, size_t public_key_len)
{
    uint8_t digest[CLOAK_HASHBYTES];

    cloak__labeled_sha256(digest, CLOAK_LABEL_PUBLIC_KEY_ID, public_key, public_key_len);
    memcpy(key_id, digest, CLOAK_KEYIDBYTES);
}

void cloak__public_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t public_key[32])
{
    cloak__public_key_id_n(key_id, public_key, 32);
}

int cloak__header_names_public_key(const uint8_t *blob, const uint8_t public_key[32])
{
    return cloak__header_names_key_n(blob, public_key, 32);
}

int cloak__header_names_key_n(const uint8_t *blob, const uint8_t *public_key, size_t public_key_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];

    cloak__public_key_id_n(key_id, public_key, public_key_len);
    return memcmp(key_id, blob + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) == 0;
}

int cloak__header_check_carried_key(const uint8_t *blob, size_t blob_len, uint8_t expected_type,
                                    size_t expected_len, size_t public_key_offset)
{
    return cloak__header_check_carried_key_suite(blob, blob_len, expected_type, CLOAK_SUITE_X25519, expected_len,
                                                 public_key_offset);
}

int cloak__header_check_carried_key_suite(const uint8_t *blob, size_t blob_len, uint8_t expected_type,
                                          uint32_t suite, size_t expected_len, size_t public_key_offset)
{
    int rc = cloak__header_check_suite(blob, blob_len, expected_type, suite);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob_len != expected_len) {
        return CLOAK_E_MALFORMED;
    }
    /* An identity key (types 0x02, 0x04's header) is 32 bytes whatever the suite of what it signs. */
    const size_t key_len = expected_type == CLOAK_TYPE_BUNDLE || expected_type == CLOAK_TYPE_IDENTITY_PUBLIC_KEY
                               ? 32U
                               : cloak__suite_public_key_len(suite);
    return cloak__header_names_key_n(blob, blob + public_key_offset, key_len) ? CLOAK_OK : CLOAK_E_MALFORMED;
}

int cloak__public_blob_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES], uint8_t type, const uint8_t public_key[32])
{
    return cloak__public_blob_export_suite(blob, type, CLOAK_SUITE_X25519, public_key);
}

int cloak__public_blob_export_suite(uint8_t *blob, uint8_t type, uint32_t suite, const uint8_t *public_key)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    const size_t key_len = cloak__suite_public_key_len(suite);

    if (blob == NULL || public_key == NULL) {
        cloak__wipe(blob, CLOAK_HEADERBYTES + key_len);
        return CLOAK_E_BAD_PARAMS;
    }
    cloak__public_key_id_n(key_id, public_key, key_len);
    memmove(blob + CLOAK_HEADERBYTES, public_key, key_len);
    cloak__header_write_suite(blob, type, suite, key_id);
    return CLOAK_OK;
}

int cloak__public_blob_import(uint8_t public_key[32], uint8_t type, const uint8_t *blob, size_t blob_len)
{
    return cloak__public_blob_import_suite(public_key, type, CLOAK_SUITE_X25519, blob, blob_len);
}

int cloak__public_blob_import_suite(uint8_t *public_key, uint8_t type, uint32_t suite, const uint8_t *blob,
                                    size_t blob_len)
{
    int rc = CLOAK_E_BAD_PARAMS;
    const size_t key_len = cloak__suite_public_key_len(suite);

    if (public_key == NULL) {
        goto done;
    }
    rc = cloak__header_check_carried_key_suite(blob, blob_len, type, suite, CLOAK_HEADERBYTES + key_len,
                                               CLOAK_HEADERBYTES);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* Section 5.1: the key follows section 1.3 (identity), 1.4 or 1.6 (encryption). */
    rc = type == CLOAK_TYPE_IDENTITY_PUBLIC_KEY ? cloak__ed25519_public_key_check(blob + CLOAK_HEADERBYTES)
                                                : cloak__encryption_public_key_check(suite, blob + CLOAK_HEADERBYTES);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(public_key, blob + CLOAK_HEADERBYTES, key_len);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(public_key, key_len);
    }
    return rc;
}
