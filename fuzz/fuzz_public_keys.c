/*
 * Public keys from the server: cloak_identity_public_import(), cloak_encryption_public_import()
 * and cloak_bundle_verify().
 *
 * Input: op(1) || blob
 *   op % 3: 0 identity public key, 1 encryption public key, 2 bundle
 *
 * Properties: on failure every output is zero. An imported key exports back to exactly the blob
 * (one encoding per value). A bundle verifies if and only if libsodium's own Ed25519 verification
 * accepts its labelled signature (docs/protocol.md sections 1.1 and 5.2), and its keys are the
 * blob's bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define BUNDLE_LABEL "libcloak v1 bundle"

static void import_public(const uint8_t *blob, size_t blob_len, int identity)
{
    uint8_t pk[32], again[CLOAK_PUBLIC_KEY_BLOBBYTES];
    int rc;

    memset(pk, 0xA5, sizeof pk);
    rc = identity ? cloak_identity_public_import(pk, blob, blob_len)
                  : cloak_encryption_public_import(pk, blob, blob_len);
    fz_trace("public_import", rc);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE);
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

/* Ed25519(identity pk, lp8(label) || bytes 0..84) by libsodium directly. */
static int reference_verify(const uint8_t *bundle)
{
    uint8_t msg[1 + sizeof(BUNDLE_LABEL) - 1 + 84];

    msg[0] = (uint8_t)(sizeof(BUNDLE_LABEL) - 1U);
    memcpy(msg + 1, BUNDLE_LABEL, sizeof(BUNDLE_LABEL) - 1U);
    memcpy(msg + sizeof(BUNDLE_LABEL), bundle, 84);
    return crypto_sign_verify_detached(bundle + 84, msg, sizeof msg, bundle + 20);
}

static void bundle_verify(const uint8_t *blob, size_t blob_len)
{
    uint8_t ipk[CLOAK_IDENTITY_PUBLICKEYBYTES], epk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    int rc;

    memset(ipk, 0xA5, sizeof ipk);
    memset(epk, 0xA5, sizeof epk);
    rc = cloak_bundle_verify(ipk, epk, blob, blob_len);
    fz_trace("cloak_bundle_verify", rc);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_BAD_SIGNATURE);
        FUZZ_CHECK(fz_is_zero(ipk, sizeof ipk) && fz_is_zero(epk, sizeof epk));
        if (rc == CLOAK_E_BAD_SIGNATURE) {
            FUZZ_CHECK(blob_len == CLOAK_BUNDLEBYTES && reference_verify(blob) != 0);
        }
        return;
    }
    FUZZ_CHECK(blob_len == CLOAK_BUNDLEBYTES && reference_verify(blob) == 0);
    FUZZ_CHECK(memcmp(ipk, blob + 20, sizeof ipk) == 0 && memcmp(epk, blob + 52, sizeof epk) == 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
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
