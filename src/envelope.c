/* The envelope header every blob starts with (docs/protocol.md section 2) and the names of the
 * object types used by the text form (section 3). Every decoder goes through
 * cloak__header_check(), so the error order of section 2 is written down once, here. */
#include <string.h>

#include "internal.h"

/* Indexed by type byte; NULL marks an unknown type. */
static const char *const type_names[] = {
    NULL,              /* 0x00 */
    "password",        /* 0x01 CLOAK_TYPE_PASSWORD_RECORD */
    "identity",        /* 0x02 CLOAK_TYPE_IDENTITY_PUBLIC_KEY */
    "pubkey",          /* 0x03 CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY */
    "bundle",          /* 0x04 CLOAK_TYPE_BUNDLE */
    "wrappedidentity", /* 0x05 CLOAK_TYPE_WRAPPED_IDENTITY_KEY */
    "wrappedkey",      /* 0x06 CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY */
    "wrappedaccount",  /* 0x07 CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY */
    "secret",          /* 0x08 CLOAK_TYPE_SECRET */
    "share",           /* 0x09 CLOAK_TYPE_SHARE */
    "batch",           /* 0x0A CLOAK_TYPE_BATCH */
    "item",            /* 0x0B CLOAK_TYPE_BATCH_ITEM */
    "accountkey",      /* 0x0C CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY */
    "head",            /* 0x0D CLOAK_TYPE_VAULT_HEAD */
};

#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

int cloak__type_known(uint8_t type)
{
    return (size_t)type < TYPE_COUNT && type_names[type] != NULL;
}

const char *cloak__type_name(uint8_t type)
{
    return cloak__type_known(type) ? type_names[type] : NULL;
}

void cloak__header_write(uint8_t header[CLOAK_HEADERBYTES], uint8_t type,
                         const uint8_t key_id[CLOAK_KEYIDBYTES])
{
    cloak__header_write_suite(header, type, CLOAK_SUITE_X25519, key_id);
}

void cloak__header_write_suite(uint8_t header[CLOAK_HEADERBYTES], uint8_t type, uint32_t suite,
                               const uint8_t key_id[CLOAK_KEYIDBYTES])
{
    header[0] = (uint8_t)CLOAK_FORMAT_VERSION;
    header[1] = type;
    cloak__store16_be(header + 2, (uint16_t)suite);
    if (key_id != NULL) {
        memmove(header + CLOAK_HEADER_KEYID_OFFSET, key_id, CLOAK_KEYIDBYTES);
    } else {
        memset(header + CLOAK_HEADER_KEYID_OFFSET, 0, CLOAK_KEYIDBYTES);
    }
}

/* The types that carry an encryption key or are sealed to one: the only ones of suite 2 (section 2). */
static int type_admits_xwing(uint8_t type)
{
    switch (type) {
    case CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY:
    case CLOAK_TYPE_BUNDLE:
    case CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY:
    case CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY:
    case CLOAK_TYPE_SHARE:
    case CLOAK_TYPE_BATCH:
    case CLOAK_TYPE_BATCH_ITEM:
    case CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY:
        return 1;
    default:
        return 0;
    }
}

uint32_t cloak__header_suite(const uint8_t header[CLOAK_HEADERBYTES])
{
    return cloak__load16_be(header + 2);
}

/* Steps 1 to 4a of section 2 (the type is known), shared by the typed checks and by the readers that
 * expect no particular type. */
static int header_check_any(const uint8_t *blob, size_t blob_len)
{
    if (blob == NULL) {
        return blob_len == 0 ? CLOAK_E_MALFORMED : CLOAK_E_BAD_PARAMS;
    }
    if (blob_len < CLOAK_HEADERBYTES) {
        return CLOAK_E_MALFORMED;
    }
    if (blob[0] != CLOAK_FORMAT_VERSION) {
        return CLOAK_E_UNSUPPORTED_VERSION;
    }
    const uint32_t suite = cloak__header_suite(blob);
    if (suite != CLOAK_SUITE_X25519 && suite != CLOAK_SUITE_XWING) {
        return CLOAK_E_UNSUPPORTED_SUITE;
    }
    if (!cloak__type_known(blob[1])) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

int cloak__header_check_known(const uint8_t *blob, size_t blob_len)
{
    return header_check_any(blob, blob_len);
}

/* Step 5's first half: only a type with an encryption key in or behind it has suite 2. */
static int suite_admitted(const uint8_t *blob)
{
    return cloak__header_suite(blob) == CLOAK_SUITE_XWING && !type_admits_xwing(blob[1]) ? CLOAK_E_UNSUPPORTED_SUITE
                                                                                          : CLOAK_OK;
}

/* Steps 1 to 4 and step 5's first half, for a reader that expects no particular type. */
static int header_check_untyped(const uint8_t *blob, size_t blob_len)
{
    const int rc = header_check_any(blob, blob_len);
    return rc != CLOAK_OK ? rc : suite_admitted(blob);
}

int cloak__header_check_any_suite(const uint8_t *blob, size_t blob_len, uint8_t expected_type)
{
    int rc = header_check_any(blob, blob_len);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob[1] != expected_type) {
        return CLOAK_E_WRONG_TYPE;
    }
    return suite_admitted(blob);
}

int cloak__header_check_suite(const uint8_t *blob, size_t blob_len, uint8_t expected_type, uint32_t suite)
{
    const int rc = cloak__header_check_any_suite(blob, blob_len, expected_type);
    if (rc != CLOAK_OK) {
        return rc;
    }
    /* Step 5's second half: this reader reads one suite. */
    return cloak__header_suite(blob) == suite ? CLOAK_OK : CLOAK_E_UNSUPPORTED_SUITE;
}

int cloak__header_check(const uint8_t *blob, size_t blob_len, uint8_t expected_type)
{
    return cloak__header_check_suite(blob, blob_len, expected_type, CLOAK_SUITE_X25519);
}

int cloak__header_check_fixed(const uint8_t *blob, size_t blob_len, uint8_t expected_type, size_t expected_len)
{
    const int rc = cloak__header_check(blob, blob_len, expected_type);
    if (rc != CLOAK_OK) {
        return rc;
    }
    return blob_len == expected_len ? CLOAK_OK : CLOAK_E_MALFORMED;
}

int cloak_blob_inspect(int *type, uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t *blob, size_t blob_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (type == NULL || key_id == NULL) {
        goto done;
    }
    rc = header_check_untyped(blob, blob_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    *type = (int)blob[1];
    memcpy(key_id, blob + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(type, sizeof *type);
        cloak__wipe(key_id, CLOAK_KEYIDBYTES);
    }
    return rc;
}

int cloak_blob_suite(uint32_t *suite, const uint8_t *blob, size_t blob_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (suite != NULL) {
        rc = header_check_untyped(blob, blob_len);
    }
    if (rc != CLOAK_OK) {
        cloak__wipe(suite, sizeof *suite);
        return rc;
    }
    *suite = cloak__header_suite(blob);
    return CLOAK_OK;
}
