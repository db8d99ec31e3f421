/*
 * Public keys from the server: cloak_identity_public_import(), cloak_encryption_public_import()
 * and cloak_bundle_verify().
 *
 * Input: op(1) || blob
 *   op % 3: 0 identity public key, 1 encryption public key, 2 bundle
 *
 * Properties: the status is exactly the one docs/protocol.md gives (section 2's header and length
 * checks, then the key id derived from the carried key (section 1.2), then the key rules of sections
 * 1.3 (identity keys: INVALID_KEY) and 1.4 (X25519: MALFORMED if not canonical, INVALID_KEY if of
 * small order), then for a bundle the labelled signature of sections 1.1 and 5.2, which covers the
 * signer's key, checked here with libsodium directly); on failure
 * every output is zero; an imported key exports back to exactly the blob (one encoding per value);
 * a bundle's keys are the blob's bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define BUNDLE_LABEL "libcloak v2 bundle"

/* Steps 1 to 6 of section 2 for a blob carrying a public key at offset 20 that its key id names:
 * an identity key (type IDENTITY_PUBLIC_KEY or BUNDLE) or an X25519 key. */
static int reference_layout(const uint8_t *blob, size_t blob_len, uint8_t type, size_t len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    const int rc = fz_header_verdict(blob, blob_len, type, len, len);

    if (rc != CLOAK_OK) {
        return rc;
    }
    fz_public_key_id(key_id, blob + 20);
    if (memcmp(key_id, blob + 4, sizeof key_id) != 0) {
        return CLOAK_E_MALFORMED;
    }
    if (type == CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY) {
        return fz_x25519_key_verdict(blob + 20);
    }
    return fz_identity_key_verdict(blob + 20);
}

static void import_public(const uint8_t *blob, size_t blob_len, int identity)
{
    uint8_t pk[32], again[CLOAK_PUBLIC_KEY_BLOBBYTES];
    const int expected = reference_layout(
        blob, blob_len, identity ? CLOAK_TYPE_IDENTITY_PUBLIC_KEY : CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY,
        CLOAK_PUBLIC_KEY_BLOBBYTES);
    int rc;

    memset(pk, 0xA5, sizeof pk);
    rc = identity ? cloak_identity_public_import(pk, blob, blob_len)
                  : cloak_encryption_public_import(pk, blob, blob_len);
    fz_trace("public_import", rc);
    FUZZ_CHECK(rc == expected);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, sizeof pk));
        return;
    }
    FUZZ_CHECK(blob_len == CLOAK_PUBLIC_KEY_BLOBBYTES);
    if (identity) {
        cloak_identity_public_export(again, pk);
    } else {
        cloak_encryption_public_export(again, pk);
    }
    FUZZ_CHECK(memcmp(again, blob, sizeof again) == 0);
}

static int reference_bundle(const uint8_t *bundle, size_t len)
{
    int rc = reference_layout(bundle, len, CLOAK_TYPE_BUNDLE, CLOAK_BUNDLEBYTES);

    if (rc != CLOAK_OK) {
        return rc;
    }
    rc = fz_x25519_key_verdict(bundle + 52);
    if (rc != CLOAK_OK) {
        return rc;
    }
    return fz_labeled_verify(bundle + 84, BUNDLE_LABEL, bundle, 84, bundle + 20) == 0 ? CLOAK_OK
                                                                                      : CLOAK_E_BAD_SIGNATURE;
}

static void bundle_verify(const uint8_t *blob, size_t blob_len)
{
    uint8_t ipk[CLOAK_IDENTITY_PUBLICKEYBYTES], epk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    int rc;

    memset(ipk, 0xA5, sizeof ipk);
    memset(epk, 0xA5, sizeof epk);
    rc = cloak_bundle_verify(ipk, epk, blob, blob_len);
    fz_trace("cloak_bundle_verify", rc);
    FUZZ_CHECK(rc == reference_bundle(blob, blob_len));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(ipk, sizeof ipk) && fz_is_zero(epk, sizeof epk));
        return;
    }
    FUZZ_CHECK(memcmp(ipk, blob + 20, sizeof ipk) == 0 && memcmp(epk, blob + 52, sizeof epk) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    size_t len;
    uint8_t *blob;

    fz_rng_reset();
    blob = fz_rest(&in, &len);
    switch (op % 3U) {
    case 0:
        import_public(blob, len, 1);
        break;
    case 1:
        import_public(blob, len, 0);
        break;
    default:
        bundle_verify(blob, len);
        break;
    }
    free(blob);
    return 0;
}
