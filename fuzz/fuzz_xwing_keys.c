/*
 * X-Wing keys (suite 2) from the server or a key file: cloak_xwing_public_import(),
 * cloak_bundle_verify_xwing(), cloak_xwing_unwrap(), cloak_service_account_xwing_unwrap(),
 * cloak_service_account_xwing_private_import(), and on every input cloak_blob_suite() and
 * cloak_wrapped_key_public_key_xwing().
 *
 * Input: op(1) || [master key(32) if op bit 3] || blob
 *   (op & 7) % 5: 0 public key blob, 1 bundle, 2 wrapped encryption key, 3 wrapped service-account
 *                 key, 4 service-account private key
 *   the master key is the fixed one unless op bit 3 is set (used by the unwraps only)
 *
 * Properties: the status is exactly the one docs/protocol.md gives, from a reference written here on
 * libsodium: section 2's steps 1 to 6 for a reader of suite 2 (a suite 1 blob, or a suite 2 blob of a
 * type that has no suite 2 size, is UNSUPPORTED_SUITE after the type checks), the key id of the
 * carried key (section 1.2, over all 1216 bytes: MALFORMED), section 1.6's checks of an X-Wing public
 * key (the ML-KEM modulus check: MALFORMED; section 1.4 on the X25519 part) and section 1.3's of an
 * identity key, the bundle's labelled signature over bytes 0..1268 (section 5.2), the master key's
 * id, XChaCha20-Poly1305 with bytes 0..1236 as associated data, and the public key the seed gives
 * (section 6; the seed's expansion is the library's cloak_xwing_public_key(), libsodium having no
 * SHAKE256) against the blob's (MISMATCH); for a private key blob (section 6.1) the public key's checks
 * before the comparison. On failure every output is zero. What succeeds exports or wraps back:
 * a public key blob and a private key blob to exactly the bytes given, an unwrapped key to a blob that
 * unwraps to the same pair. cloak_blob_suite() is section 2's steps 1 to 4 and the first half of
 * step 5, and then the suite bytes; the wrapped key's peek agrees with the unwrap on its fields.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define XW_PK CLOAK_XWING_PUBLICKEYBYTES
#define BUNDLE_SIG (52U + XW_PK)
#define WRAP_NONCE (20U + XW_PK)
#define WRAP_SEALED (WRAP_NONCE + 24U)
#define ACCOUNT_PK 52U

/* Section 5.1 / 5.2's first checks: the header for suite 2, the key id of the key at offset 20 (of
 * key_len bytes), and that key's rules. */
static int reference_carried(const uint8_t *blob, size_t len, uint8_t type, size_t blob_len, size_t key_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    const int rc = fz_header_verdict_suite(blob, len, type, CLOAK_SUITE_XWING, blob_len, blob_len);

    if (rc != CLOAK_OK) {
        return rc;
    }
    fz_public_key_id_n(key_id, blob + 20, key_len);
    if (memcmp(key_id, blob + 4, sizeof key_id) != 0) {
        return CLOAK_E_MALFORMED;
    }
    return key_len == XW_PK ? fz_xwing_key_verdict(blob + 20) : fz_identity_key_verdict(blob + 20);
}

static void public_import(const uint8_t *blob, size_t len)
{
    uint8_t *pk = fz_alloc(XW_PK);
    uint8_t again[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES];
    const int rc = cloak_xwing_public_import(pk, blob, len);
    fz_trace("cloak_xwing_public_import", rc);

    FUZZ_CHECK(rc == reference_carried(blob, len, CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, CLOAK_XWING_PUBLIC_KEY_BLOBBYTES,
                                       XW_PK));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, XW_PK));
    } else {
        FUZZ_CHECK(cloak_xwing_public_export(again, pk) == CLOAK_OK);
        FUZZ_CHECK(memcmp(again, blob, sizeof again) == 0);
    }
    free(pk);
}

static int reference_bundle(const uint8_t *b, size_t len)
{
    int rc = reference_carried(b, len, CLOAK_TYPE_BUNDLE, CLOAK_XWING_BUNDLEBYTES, 32);

    if (rc != CLOAK_OK) {
        return rc;
    }
    rc = fz_xwing_key_verdict(b + 52);
    if (rc != CLOAK_OK) {
        return rc;
    }
    return fz_labeled_verify(b + BUNDLE_SIG, "libcloak v2 bundle", b, BUNDLE_SIG, b + 20) == 0 ? CLOAK_OK
                                                                                             : CLOAK_E_BAD_SIGNATURE;
}

static void bundle_verify(const uint8_t *blob, size_t len)
{
    uint8_t *ipk = fz_alloc(CLOAK_IDENTITY_PUBLICKEYBYTES);
    uint8_t *epk = fz_alloc(XW_PK);
    const int rc = cloak_bundle_verify_xwing(ipk, epk, blob, len);
    fz_trace("cloak_bundle_verify_xwing", rc);

    FUZZ_CHECK(rc == reference_bundle(blob, len));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(ipk, 32) && fz_is_zero(epk, XW_PK));
    } else {
        FUZZ_CHECK(memcmp(ipk, blob + 20, 32) == 0 && memcmp(epk, blob + 52, XW_PK) == 0);
    }
    free(ipk);
    free(epk);
}

/* Section 6 for an X-Wing key of `type`: the status, and the public key and seed on success. */
static int reference_unwrap(uint8_t pk[XW_PK], uint8_t seed[32], uint8_t type, const uint8_t *master,
                            const uint8_t *blob, size_t len)
{
    uint8_t key[32];
    int rc = fz_header_verdict_suite(blob, len, type, CLOAK_SUITE_XWING, CLOAK_XWING_WRAPPED_KEYBYTES,
                                     CLOAK_XWING_WRAPPED_KEYBYTES);

    if (rc != CLOAK_OK) {
        return rc;
    }
    fz_expand32(key, master, "libcloak v2 key id");
    if (memcmp(key, blob + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    fz_expand32(key, master, "libcloak v2 key wrap");
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL, blob + WRAP_SEALED, 48, blob, WRAP_NONCE,
                                                   blob + WRAP_NONCE, key) != 0) {
        return CLOAK_E_AUTH;
    }
    cloak_xwing_public_key(pk, seed);
    return memcmp(pk, blob + 20, XW_PK) == 0 ? CLOAK_OK : CLOAK_E_MISMATCH;
}

/* cloak_wrapped_key_public_key_xwing(): parsed, not authenticated; any of the three wrapped types is
 * the expected one, read in suite 2 (a wrapped identity key has no suite 2 size). */
static int peek(uint8_t pk[XW_PK], int *type, const uint8_t *blob, size_t len)
{
    const uint8_t expected_type = len >= 2 && blob[1] >= CLOAK_TYPE_WRAPPED_IDENTITY_KEY &&
                                          blob[1] <= CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY
                                      ? blob[1]
                                      : CLOAK_TYPE_WRAPPED_IDENTITY_KEY;
    int rc;

    memset(pk, 0xA5, XW_PK);
    *type = 77;
    rc = cloak_wrapped_key_public_key_xwing(pk, type, blob, len);
    fz_trace("cloak_wrapped_key_public_key_xwing", rc);
    FUZZ_CHECK(rc == fz_header_verdict_suite(blob, len, expected_type, CLOAK_SUITE_XWING, CLOAK_XWING_WRAPPED_KEYBYTES,
                                             CLOAK_XWING_WRAPPED_KEYBYTES));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, XW_PK) && *type == 0);
    } else {
        FUZZ_CHECK(memcmp(pk, blob + 20, XW_PK) == 0 && *type == blob[1]);
        FUZZ_CHECK(*type == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY || *type == CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY);
    }
    return rc;
}

static void unwrap(int account, const uint8_t *master, const uint8_t *blob, size_t len)
{
    const uint8_t type = account ? CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY : CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY;
    uint8_t *pk = fz_alloc(XW_PK);
    uint8_t *sk = fz_alloc(CLOAK_XWING_SECRETKEYBYTES);
    uint8_t *ref_pk = fz_alloc(XW_PK);
    uint8_t ref_seed[32];
    const int rc = account ? cloak_service_account_xwing_unwrap(pk, sk, master, blob, len)
                           : cloak_xwing_unwrap(pk, sk, master, blob, len);
    fz_trace(account ? "cloak_service_account_xwing_unwrap" : "cloak_xwing_unwrap", rc);

    FUZZ_CHECK(rc == reference_unwrap(ref_pk, ref_seed, type, master, blob, len));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, XW_PK) && fz_is_zero(sk, 32));
    } else {
        uint8_t *again = fz_alloc(CLOAK_XWING_WRAPPED_KEYBYTES);
        uint8_t *pk2 = fz_alloc(XW_PK);
        uint8_t sk2[32];
        int peeked;

        FUZZ_CHECK(memcmp(pk, ref_pk, XW_PK) == 0 && memcmp(sk, ref_seed, 32) == 0);
        FUZZ_CHECK(peek(pk2, &peeked, blob, len) == CLOAK_OK && peeked == type && memcmp(pk2, pk, XW_PK) == 0);
        /* Wrapped again (another nonce), it unwraps to the same pair. */
        FUZZ_CHECK((account ? cloak_service_account_xwing_wrap(again, master, sk)
                            : cloak_xwing_wrap(again, master, sk)) == CLOAK_OK);
        FUZZ_CHECK(memcmp(again, blob, 20U + XW_PK) == 0);
        FUZZ_CHECK((account ? cloak_service_account_xwing_unwrap(pk2, sk2, master, again, CLOAK_XWING_WRAPPED_KEYBYTES)
                            : cloak_xwing_unwrap(pk2, sk2, master, again, CLOAK_XWING_WRAPPED_KEYBYTES)) == CLOAK_OK);
        FUZZ_CHECK(memcmp(pk2, pk, XW_PK) == 0 && memcmp(sk2, sk, 32) == 0);
        free(again);
        free(pk2);
    }
    free(pk);
    free(sk);
    free(ref_pk);
}

static void account_import(const uint8_t *blob, size_t len)
{
    uint8_t *pk = fz_alloc(XW_PK);
    uint8_t *sk = fz_alloc(CLOAK_XWING_SECRETKEYBYTES);
    const int rc = cloak_service_account_xwing_private_import(pk, sk, blob, len);
    /* Section 6.1: header || seed || public key, the key id the public key's; the public key's checks
     * (section 1.6), then the seed gives it. */
    int expected = fz_header_verdict_suite(blob, len, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, CLOAK_SUITE_XWING,
                                           CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES,
                                           CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
    fz_trace("cloak_service_account_xwing_private_import", rc);

    if (expected == CLOAK_OK) {
        uint8_t key_id[CLOAK_KEYIDBYTES];
        fz_public_key_id_n(key_id, blob + ACCOUNT_PK, XW_PK);
        if (memcmp(key_id, blob + 4, sizeof key_id) != 0) {
            expected = CLOAK_E_MALFORMED;
        } else {
            expected = fz_xwing_key_verdict(blob + ACCOUNT_PK);
        }
        if (expected == CLOAK_OK) {
            uint8_t *derived = fz_alloc(XW_PK);
            cloak_xwing_public_key(derived, blob + 20);
            if (memcmp(derived, blob + ACCOUNT_PK, XW_PK) != 0) {
                expected = CLOAK_E_MISMATCH;
            }
            free(derived);
        }
    }
    FUZZ_CHECK(rc == expected);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pk, XW_PK) && fz_is_zero(sk, 32));
    } else {
        uint8_t *again = fz_alloc(CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
        FUZZ_CHECK(cloak_service_account_xwing_private_export(again, pk, sk) == CLOAK_OK);
        FUZZ_CHECK(memcmp(again, blob, CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES) == 0);
        free(again);
    }
    free(pk);
    free(sk);
}

static void blob_suite(const uint8_t *blob, size_t len)
{
    uint32_t suite = 77;
    const int rc = cloak_blob_suite(&suite, blob, len);
    fz_trace("cloak_blob_suite", rc);

    FUZZ_CHECK(rc == fz_header_untyped_verdict(blob, len));
    FUZZ_CHECK(rc == CLOAK_OK ? suite == fz_suite_of(blob, len) : suite == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t *master = fz_alloc(CLOAK_KEYBYTES);
    uint8_t *pk = fz_alloc(XW_PK);
    uint8_t *blob;
    size_t len;
    int type;

    fz_rng_reset();
    if ((op & 8U) != 0U) {
        fz_fixed(&in, master, CLOAK_KEYBYTES);
    } else {
        memcpy(master, fz_keys_get()->master_key, CLOAK_KEYBYTES);
    }
    blob = fz_rest(&in, &len);
    blob_suite(blob, len);
    (void)peek(pk, &type, blob, len);
    switch ((op & 7U) % 5U) {
    case 0:
        public_import(blob, len);
        break;
    case 1:
        bundle_verify(blob, len);
        break;
    case 2:
        unwrap(0, master, blob, len);
        break;
    case 3:
        unwrap(1, master, blob, len);
        break;
    default:
        account_import(blob, len);
        break;
    }
    free(master);
    free(pk);
    free(blob);
    return 0;
}
