/* Identity and encryption keys, user signatures, public key blobs, bundles and fingerprints
 * (docs/protocol.md sections 1.1, 1.2, 5 and 10.2): round trips, tampering, bounds and cleared
 * outputs. The exact bytes (layouts, labels, digits) are pinned by tests/vectors/libcloak.json,
 * which test_vectors_libcloak replays. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "support/bytes.h"
#include "support/vectors.h"
#include "support/expect.h"

static void test_identity_rfc8032(void **state)
{
    uint8_t seed[32], want_pk[32], pk[32], sk[64], pk2[32], sk2[64];
    (void)state;
    assert_int_equal(hex_decode_exact(seed, 32, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), 0);
    assert_int_equal(hex_decode_exact(want_pk, 32, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), 0);
    assert_int_equal(cloak_identity_keypair_from_seed(pk, sk, seed), CLOAK_OK);
    assert_memory_equal(pk, want_pk, 32);
    assert_memory_equal(sk, seed, 32);
    assert_memory_equal(sk + 32, want_pk, 32);
    /* Deterministic. */
    assert_int_equal(cloak_identity_keypair_from_seed(pk2, sk2, seed), CLOAK_OK);
    assert_memory_equal(pk2, pk, 32);
    assert_memory_equal(sk2, sk, 64);
    /* The seed may alias the output's first half. */
    memcpy(sk2, seed, 32);
    assert_int_equal(cloak_identity_keypair_from_seed(pk2, sk2, sk2), CLOAK_OK);
    assert_memory_equal(sk2, sk, 64);

    memset(pk2, 0xAA, 32);
    memset(sk2, 0xAA, 64);
    assert_int_equal(cloak_identity_keypair_from_seed(pk2, sk2, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk2, 32));
    assert_true(all_zero(sk2, 64));
}

static void test_identity_random(void **state)
{
    uint8_t pk[32], sk[64], pk2[32], sk2[64], pk3[32], sk3[64];
    (void)state;
    cloak_identity_keypair(pk, sk);
    cloak_identity_keypair(pk2, sk2);
    assert_memory_not_equal(pk, pk2, 32);
    assert_memory_not_equal(sk, sk2, 32);
    assert_memory_equal(sk + 32, pk, 32);
    assert_int_equal(cloak_identity_keypair_from_seed(pk3, sk3, sk), CLOAK_OK);
    assert_memory_equal(pk3, pk, 32);
    assert_memory_equal(sk3, sk, 64);
}

static void test_sign_verify(void **state)
{
    static uint8_t msg[100001];
    uint8_t pk[32], sk[64], pk2[32], sk2[64], sig[64], again[64], bad[64], ctx[256];
    static const size_t msg_lens[] = {0, 1, 64, 1000, sizeof msg - 1};
    static const size_t ctx_lens[] = {0, 1, 17, 255};
    size_t mi, ci, i;
    unsigned bit;
    (void)state;

    for (i = 0; i < sizeof msg; i++) {
        msg[i] = (uint8_t)(i * 13U);
    }
    for (i = 0; i < sizeof ctx; i++) {
        ctx[i] = (uint8_t)(0x30U + i % 40U);
    }
    cloak_identity_keypair(pk, sk);
    cloak_identity_keypair(pk2, sk2);

    for (mi = 0; mi < sizeof msg_lens / sizeof msg_lens[0]; mi++) {
        for (ci = 0; ci < sizeof ctx_lens / sizeof ctx_lens[0]; ci++) {
            size_t ml = msg_lens[mi], cl = ctx_lens[ci];
            assert_int_equal(cloak_identity_sign(sig, msg, ml, ctx, cl, sk), CLOAK_OK);
            /* Deterministic (Ed25519 is). */
            assert_int_equal(cloak_identity_sign(again, msg, ml, ctx, cl, sk), CLOAK_OK);
            assert_memory_equal(again, sig, 64);
            assert_int_equal(cloak_identity_verify(sig, msg, ml, ctx, cl, pk), CLOAK_OK);

            /* Wrong context: other bytes, one byte longer or shorter. */
            ctx[0] ^= 1;
            assert_int_equal(cloak_identity_verify(sig, msg, ml, ctx, cl, pk),
                             cl == 0 ? CLOAK_OK : CLOAK_E_BAD_SIGNATURE);
            ctx[0] ^= 1;
            if (cl < 255) {
                assert_int_equal(cloak_identity_verify(sig, msg, ml, ctx, cl + 1, pk), CLOAK_E_BAD_SIGNATURE);
            }
            if (cl > 0) {
                assert_int_equal(cloak_identity_verify(sig, msg, ml, ctx, cl - 1, pk), CLOAK_E_BAD_SIGNATURE);
            }
            /* Wrong message. */
            if (ml > 0) {
                msg[ml - 1] ^= 0x80;
                assert_int_equal(cloak_identity_verify(sig, msg, ml, ctx, cl, pk), CLOAK_E_BAD_SIGNATURE);
                msg[ml - 1] ^= 0x80;
                assert_int_equal(cloak_identity_verify(sig, msg, ml - 1, ctx, cl, pk), CLOAK_E_BAD_SIGNATURE);
            }
            assert_int_equal(cloak_identity_verify(sig, msg, ml + 1, ctx, cl, pk), CLOAK_E_BAD_SIGNATURE);
            /* Wrong key. */
            assert_int_equal(cloak_identity_verify(sig, msg, ml, ctx, cl, pk2), CLOAK_E_BAD_SIGNATURE);
        }
    }

    /* Every bit of the signature. */
    assert_int_equal(cloak_identity_sign(sig, msg, 10, ctx, 5, sk), CLOAK_OK);
    for (i = 0; i < 64; i++) {
        for (bit = 0; bit < 8; bit++) {
            memcpy(bad, sig, 64);
            bad[i] ^= (uint8_t)(1U << bit);
            assert_int_equal(cloak_identity_verify(bad, msg, 10, ctx, 5, pk), CLOAK_E_BAD_SIGNATURE);
        }
    }
    /* An empty context is the same whether or not a pointer is given. */
    assert_int_equal(cloak_identity_sign(sig, msg, 10, NULL, 0, sk), CLOAK_OK);
    assert_int_equal(cloak_identity_verify(sig, msg, 10, ctx, 0, pk), CLOAK_OK);
    assert_int_equal(cloak_identity_sign(sig, NULL, 0, NULL, 0, sk), CLOAK_OK);
    assert_int_equal(cloak_identity_verify(sig, msg, 0, NULL, 0, pk), CLOAK_OK);

    /* A 256-byte context is refused by both, and the signature zeroed. */
    memset(sig, 0xAA, 64);
    assert_int_equal(cloak_identity_sign(sig, msg, 10, ctx, 256, sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sig, 64));
    assert_int_equal(cloak_identity_sign(sig, msg, 10, ctx, 255, sk), CLOAK_OK);
    assert_int_equal(cloak_identity_verify(sig, msg, 10, ctx, 256, pk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_identity_verify(sig, msg, 10, ctx, SIZE_MAX, pk), CLOAK_E_BAD_PARAMS);

    /* NULL pointers. */
    memset(sig, 0xAA, 64);
    assert_int_equal(cloak_identity_sign(sig, NULL, 5, ctx, 1, sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sig, 64));
    memset(sig, 0xAA, 64);
    assert_int_equal(cloak_identity_sign(sig, msg, 5, NULL, 1, sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sig, 64));
    memset(sig, 0xAA, 64);
    assert_int_equal(cloak_identity_sign(sig, msg, 5, ctx, 1, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sig, 64));
    assert_int_equal(cloak_identity_sign(NULL, msg, 5, ctx, 1, sk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_identity_sign(sig, msg, 5, ctx, 1, sk), CLOAK_OK);
    assert_int_equal(cloak_identity_verify(NULL, msg, 5, ctx, 1, pk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_identity_verify(sig, NULL, 5, ctx, 1, pk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_identity_verify(sig, msg, 5, NULL, 1, pk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_identity_verify(sig, msg, 5, ctx, 1, NULL), CLOAK_E_BAD_PARAMS);
}

/* Domain separation (section 1.1): no user signature, whatever its message and context, is a
 * bundle signature, and a bundle signature is no user signature. */
static void test_user_signature_is_not_bundle_signature(void **state)
{
    uint8_t ipk[32], isk[64], epk[32], esk[32], bundle[CLOAK_BUNDLEBYTES], forged[CLOAK_BUNDLEBYTES];
    uint8_t sig[64], o1[32], o2[32];
    static const char *const contexts[] = {"", "libcloak v2 bundle", "bundle", "libcloak v2 user signature"};
    size_t i;
    (void)state;

    cloak_identity_keypair(ipk, isk);
    cloak_encryption_keypair(epk, esk);
    assert_int_equal(cloak_bundle_create(bundle, isk, epk), CLOAK_OK);
    for (i = 0; i < sizeof contexts / sizeof contexts[0]; i++) {
        const uint8_t *ctx = (const uint8_t *)contexts[i];
        size_t cl = strlen(contexts[i]);
        /* The user signs exactly what a bundle signature covers. */
        assert_int_equal(cloak_identity_sign(sig, bundle, 84, ctx, cl, isk), CLOAK_OK);
        memcpy(forged, bundle, 84);
        memcpy(forged + 84, sig, 64);
        assert_int_equal(cloak_bundle_verify(o1, o2, forged, sizeof forged), CLOAK_E_BAD_SIGNATURE);
        assert_true(all_zero(o1, 32));
        assert_true(all_zero(o2, 32));
        /* And the bundle's own signature is not a user signature over those bytes. */
        assert_int_equal(cloak_identity_verify(bundle + 84, bundle, 84, ctx, cl, ipk), CLOAK_E_BAD_SIGNATURE);
    }
}

typedef void (*export_fn)(uint8_t *, const uint8_t *);
typedef int (*import_fn)(uint8_t *, const uint8_t *, size_t);

static void check_public_blob(uint8_t type, export_fn exp, import_fn imp, import_fn other_imp, const uint8_t pk[32])
{
    uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES + 1], bad[CLOAK_PUBLIC_KEY_BLOBBYTES + 1], out[32], id[16];
    size_t i, len;
    unsigned v;

    exp(blob, pk);
    cloak__public_key_id(id, pk);
    assert_int_equal(blob[0], 2);
    assert_int_equal(blob[1], type);
    assert_int_equal(blob[2], 0);
    assert_int_equal(blob[3], 1);
    assert_memory_equal(blob + 4, id, 16);
    assert_memory_equal(blob + 20, pk, 32);

    assert_int_equal(imp(out, blob, CLOAK_PUBLIC_KEY_BLOBBYTES), CLOAK_OK);
    assert_memory_equal(out, pk, 32);
    memset(out, 0xAA, 32);
    assert_int_equal(other_imp(out, blob, CLOAK_PUBLIC_KEY_BLOBBYTES), CLOAK_E_WRONG_TYPE);
    assert_true(all_zero(out, 32));

    /* Every byte, every value. */
    for (i = 0; i < CLOAK_PUBLIC_KEY_BLOBBYTES; i++) {
        for (v = 0; v < 256; v++) {
            int want;
            if (v == blob[i]) {
                continue;
            }
            memcpy(bad, blob, CLOAK_PUBLIC_KEY_BLOBBYTES);
            bad[i] = (uint8_t)v;
            if (i < 4) {
                want = expected_header_code(i, bad[i]);
            } else {
                /* Key id or public key: they no longer match each other. */
                want = CLOAK_E_MALFORMED;
            }
            memset(out, 0xAA, 32);
            assert_int_equal(imp(out, bad, CLOAK_PUBLIC_KEY_BLOBBYTES), want);
            assert_true(all_zero(out, 32));
        }
    }
    for (len = 0; len <= CLOAK_PUBLIC_KEY_BLOBBYTES + 1; len++) {
        if (len == CLOAK_PUBLIC_KEY_BLOBBYTES) {
            continue;
        }
        blob[CLOAK_PUBLIC_KEY_BLOBBYTES] = 0;
        memset(out, 0xAA, 32);
        assert_int_equal(imp(out, blob, len), CLOAK_E_MALFORMED);
        assert_true(all_zero(out, 32));
    }
    assert_int_equal(imp(NULL, blob, CLOAK_PUBLIC_KEY_BLOBBYTES), CLOAK_E_BAD_PARAMS);
    memset(out, 0xAA, 32);
    assert_int_equal(imp(out, NULL, CLOAK_PUBLIC_KEY_BLOBBYTES), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, 32));
}

static void test_public_key_blobs(void **state)
{
    uint8_t ipk[32], isk[64], epk[32], esk[32];
    (void)state;
    cloak_identity_keypair(ipk, isk);
    cloak_encryption_keypair(epk, esk);
    check_public_blob(CLOAK_TYPE_IDENTITY_PUBLIC_KEY, cloak_identity_public_export, cloak_identity_public_import,
                      cloak_encryption_public_import, ipk);
    check_public_blob(CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, cloak_encryption_public_export,
                      cloak_encryption_public_import, cloak_identity_public_import, epk);
}

static void test_bundle(void **state)
{
    uint8_t ipk[32], isk[64], epk[32], esk[32], ipk2[32], isk2[64], epk2[32], esk2[32];
    uint8_t bundle[CLOAK_BUNDLEBYTES + 1], bad[CLOAK_BUNDLEBYTES + 1], id[16], o1[32], o2[32];
    size_t i, len;
    unsigned m;
    static const uint8_t masks[] = {0x01, 0x02, 0x10, 0x80, 0xFF};
    (void)state;

    cloak_identity_keypair(ipk, isk);
    cloak_encryption_keypair(epk, esk);
    cloak_identity_keypair(ipk2, isk2);
    cloak_encryption_keypair(epk2, esk2);

    assert_int_equal(cloak_bundle_create(bundle, isk, epk), CLOAK_OK);
    /* Layout of section 5.2 (the signature's bytes are the vectors' to pin). */
    cloak__public_key_id(id, ipk);
    assert_int_equal(bundle[0], 2);
    assert_int_equal(bundle[1], CLOAK_TYPE_BUNDLE);
    assert_int_equal(bundle[2], 0);
    assert_int_equal(bundle[3], 1);
    assert_memory_equal(bundle + 4, id, 16);
    assert_memory_equal(bundle + 20, ipk, 32);
    assert_memory_equal(bundle + 52, epk, 32);

    memset(o1, 0xAA, 32);
    memset(o2, 0xAA, 32);
    assert_int_equal(cloak_bundle_verify(o1, o2, bundle, CLOAK_BUNDLEBYTES), CLOAK_OK);
    assert_memory_equal(o1, ipk, 32);
    assert_memory_equal(o2, epk, 32);

    /* Every byte, several bit patterns; the code tells the region. */
    for (i = 0; i < CLOAK_BUNDLEBYTES; i++) {
        for (m = 0; m < sizeof masks; m++) {
            int want_rc;
            memcpy(bad, bundle, CLOAK_BUNDLEBYTES);
            bad[i] ^= masks[m];
            if (i < 4) {
                want_rc = expected_header_code(i, bad[i]);
            } else if (i < 52) {
                want_rc = CLOAK_E_MALFORMED; /* key id and identity key disagree */
            } else if (i == 83 && (bad[i] & 0x80U) != 0U) {
                want_rc = CLOAK_E_MALFORMED; /* an encryption key with bit 255 set is not canonical */
            } else {
                want_rc = CLOAK_E_BAD_SIGNATURE; /* encryption key, signature */
            }
            memset(o1, 0xAA, 32);
            memset(o2, 0xAA, 32);
            assert_int_equal(cloak_bundle_verify(o1, o2, bad, CLOAK_BUNDLEBYTES), want_rc);
            assert_true(all_zero(o1, 32));
            assert_true(all_zero(o2, 32));
        }
    }
    /* Every shorter length, and one more byte. */
    bundle[CLOAK_BUNDLEBYTES] = 0;
    for (len = 0; len <= CLOAK_BUNDLEBYTES + 1; len++) {
        if (len == CLOAK_BUNDLEBYTES) {
            continue;
        }
        memset(o1, 0xAA, 32);
        memset(o2, 0xAA, 32);
        assert_int_equal(cloak_bundle_verify(o1, o2, bundle, len), CLOAK_E_MALFORMED);
        assert_true(all_zero(o1, 32));
        assert_true(all_zero(o2, 32));
    }

    /* Swapped keys: another identity (with its consistent key id), another encryption key, or the
     * other member's signature. */
    memcpy(bad, bundle, CLOAK_BUNDLEBYTES);
    cloak__public_key_id(id, ipk2);
    memcpy(bad + 4, id, 16);
    memcpy(bad + 20, ipk2, 32);
    assert_int_equal(cloak_bundle_verify(o1, o2, bad, CLOAK_BUNDLEBYTES), CLOAK_E_BAD_SIGNATURE);
    memcpy(bad, bundle, CLOAK_BUNDLEBYTES);
    memcpy(bad + 52, epk2, 32);
    assert_int_equal(cloak_bundle_verify(o1, o2, bad, CLOAK_BUNDLEBYTES), CLOAK_E_BAD_SIGNATURE);
    {
        uint8_t b2[CLOAK_BUNDLEBYTES];
        assert_int_equal(cloak_bundle_create(b2, isk2, epk), CLOAK_OK);
        memcpy(bad, bundle, CLOAK_BUNDLEBYTES);
        memcpy(bad + 84, b2 + 84, 64);
        assert_int_equal(cloak_bundle_verify(o1, o2, bad, CLOAK_BUNDLEBYTES), CLOAK_E_BAD_SIGNATURE);
        /* A bundle for the identity public key slot and encryption key slot swapped. */
        memcpy(bad, bundle, CLOAK_BUNDLEBYTES);
        memcpy(bad + 20, bundle + 52, 32);
        memcpy(bad + 52, bundle + 20, 32);
        cloak__public_key_id(id, bad + 20);
        memcpy(bad + 4, id, 16);
        /* Each key in the other's slot may also break its slot's key rules (an X25519 key need not
         * decode as an Ed25519 point; an Ed25519 key may have bit 255 set): refused either way. */
        memset(o1, 0xAA, 32);
        memset(o2, 0xAA, 32);
        {
            const int rc = cloak_bundle_verify(o1, o2, bad, CLOAK_BUNDLEBYTES);
            assert_true(rc == CLOAK_E_BAD_SIGNATURE || rc == CLOAK_E_INVALID_KEY || rc == CLOAK_E_MALFORMED);
        }
        assert_true(all_zero(o1, 32));
        assert_true(all_zero(o2, 32));
    }
    /* Another blob type carrying the same bytes. */
    memcpy(bad, bundle, CLOAK_BUNDLEBYTES);
    bad[1] = CLOAK_TYPE_IDENTITY_PUBLIC_KEY;
    assert_int_equal(cloak_bundle_verify(o1, o2, bad, CLOAK_BUNDLEBYTES), CLOAK_E_WRONG_TYPE);

    /* Deterministic (Ed25519 is). */
    assert_int_equal(cloak_bundle_create(bad, isk, epk), CLOAK_OK);
    assert_memory_equal(bad, bundle, CLOAK_BUNDLEBYTES);

    /* NULL pointers. */
    memset(bad, 0xAA, CLOAK_BUNDLEBYTES);
    assert_int_equal(cloak_bundle_create(bad, NULL, epk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(bad, CLOAK_BUNDLEBYTES));
    memset(bad, 0xAA, CLOAK_BUNDLEBYTES);
    assert_int_equal(cloak_bundle_create(bad, isk, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(bad, CLOAK_BUNDLEBYTES));
    assert_int_equal(cloak_bundle_create(NULL, isk, epk), CLOAK_E_BAD_PARAMS);
    memset(o1, 0xAA, 32);
    assert_int_equal(cloak_bundle_verify(o1, NULL, bundle, CLOAK_BUNDLEBYTES), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(o1, 32));
    memset(o2, 0xAA, 32);
    assert_int_equal(cloak_bundle_verify(NULL, o2, bundle, CLOAK_BUNDLEBYTES), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(o2, 32));
    assert_int_equal(cloak_bundle_verify(o1, o2, NULL, CLOAK_BUNDLEBYTES), CLOAK_E_BAD_PARAMS);
}

static void check_fingerprint_format(const char *fp)
{
    size_t i;
    assert_int_equal(strlen(fp), 35);
    for (i = 0; i < 35; i++) {
        if (i % 6 == 5) {
            assert_int_equal(fp[i], ' ');
        } else {
            assert_true(fp[i] >= '0' && fp[i] <= '9');
        }
    }
}

static void test_fingerprints(void **state)
{
    uint8_t pk[8][32], sk[64];
    char fp[8][CLOAK_FINGERPRINT_TEXTBYTES], again[CLOAK_FINGERPRINT_TEXTBYTES];
    char code[CLOAK_PAIR_CODE_TEXTBYTES], code2[CLOAK_PAIR_CODE_TEXTBYTES], want_code[80];
    size_t a, b;
    (void)state;

    assert_int_equal(CLOAK_FINGERPRINT_TEXTBYTES, 36);
    assert_int_equal(CLOAK_PAIR_CODE_TEXTBYTES, 72);
    for (a = 0; a < 8; a++) {
        cloak_identity_keypair(pk[a], sk);
        memset(fp[a], 'x', sizeof fp[a]);
        cloak_identity_fingerprint(fp[a], pk[a]);
        check_fingerprint_format(fp[a]);
        cloak_identity_fingerprint(again, pk[a]);
        assert_string_equal(again, fp[a]);
    }
    for (a = 0; a < 8; a++) {
        for (b = 0; b < 8; b++) {
            memset(code, 'x', sizeof code);
            cloak_identity_pair_code(code, pk[a], pk[b]);
            cloak_identity_pair_code(code2, pk[b], pk[a]);
            assert_string_equal(code, code2);
            assert_int_equal(strlen(code), 71);
            check_fingerprint_format(code + 36);
            assert_int_equal(code[35], ' ');
            code2[35] = '\0';
            check_fingerprint_format(code2);
            {
                const char *lo = strcmp(fp[a], fp[b]) <= 0 ? fp[a] : fp[b];
                const char *hi = lo == fp[a] ? fp[b] : fp[a];
                memcpy(want_code, lo, 35);
                want_code[35] = ' ';
                memcpy(want_code + 36, hi, 36);
            }
            assert_string_equal(code, want_code);
            if (a != b) {
                assert_string_not_equal(fp[a], fp[b]);
            }
            /* Any other pair gives another code. */
            if (a != b && b + 1 < 8 && b + 1 != a) {
                cloak_identity_pair_code(code2, pk[a], pk[b + 1]);
                assert_string_not_equal(code, code2);
            }
        }
    }
    /* NULL keys give an empty string rather than a crash. */
    memset(again, 'x', sizeof again);
    cloak_identity_fingerprint(again, NULL);
    assert_true(all_zero(again, sizeof again));
    memset(code, 'x', sizeof code);
    cloak_identity_pair_code(code, pk[0], NULL);
    assert_true(all_zero(code, sizeof code));
    cloak_identity_fingerprint(NULL, pk[0]);
    cloak_identity_pair_code(NULL, pk[0], pk[1]);
}

static void test_encryption_keys(void **state)
{
    uint8_t pk[32], sk[32], pk2[32], sk2[32], base[32], seed[64];
    size_t len;
    (void)state;

    cloak_encryption_keypair(pk, sk);
    cloak_encryption_keypair(pk2, sk2);
    assert_memory_not_equal(sk, sk2, 32);
    assert_int_equal(crypto_scalarmult_curve25519_base(base, sk), 0);
    assert_memory_equal(base, pk, 32);

    randombytes_buf(seed, sizeof seed);
    for (len = 32; len <= sizeof seed; len++) {
        assert_int_equal(cloak_encryption_keypair_from_seed(pk, sk, seed, len), CLOAK_OK);
        assert_int_equal(cloak_encryption_keypair_from_seed(pk2, sk2, seed, len), CLOAK_OK);
        assert_memory_equal(pk, pk2, 32);
        assert_memory_equal(sk, sk2, 32);
        assert_int_equal(crypto_scalarmult_curve25519_base(base, sk), 0);
        assert_memory_equal(base, pk, 32);
    }
    for (len = 0; len < 32; len++) {
        memset(pk, 0xAA, 32);
        memset(sk, 0xAA, 32);
        assert_int_equal(cloak_encryption_keypair_from_seed(pk, sk, seed, len), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(pk, 32));
        assert_true(all_zero(sk, 32));
    }
    memset(pk, 0xAA, 32);
    memset(sk, 0xAA, 32);
    assert_int_equal(cloak_encryption_keypair_from_seed(pk, sk, NULL, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk, 32));
    assert_true(all_zero(sk, 32));
    assert_int_equal(cloak_encryption_keypair_from_seed(NULL, sk, seed, 32), CLOAK_E_BAD_PARAMS);
}

/* cloak_encryption_keypair_from_seed is DeriveKeyPair: every key pair of the RFC 9180 vectors. */
static void test_encryption_rfc9180(void **state)
{
    static const char *const roles[][3] = {{"ikmR", "skRm", "pkRm"}, {"ikmE", "skEm", "pkEm"},
                                           {"ikmS", "skSm", "pkSm"}};
    json_t *root;
    const json_t *vectors;
    size_t i, r, checked = 0;
    (void)state;

    root = vector_load("hpke_rfc9180_x25519_sha256_chacha20poly1305.json");
    assert_non_null(root);
    vectors = json_object_get(root, "vectors");
    assert_non_null(vectors);
    for (i = 0; i < json_array_size(vectors); i++) {
        const json_t *v = json_array_get(vectors, i);
        for (r = 0; r < 3; r++) {
            const char *ikm_hex = json_string_value(json_object_get(v, roles[r][0]));
            uint8_t *ikm, want_sk[32], want_pk[32], pk[32], sk[32];
            size_t ikm_len;
            if (ikm_hex == NULL) {
                continue;
            }
            ikm = hex_decode(ikm_hex, &ikm_len);
            assert_non_null(ikm);
            assert_int_equal(hex_decode_exact(want_sk, 32, json_string_value(json_object_get(v, roles[r][1]))), 0);
            assert_int_equal(hex_decode_exact(want_pk, 32, json_string_value(json_object_get(v, roles[r][2]))), 0);
            assert_int_equal(cloak_encryption_keypair_from_seed(pk, sk, ikm, ikm_len), CLOAK_OK);
            assert_memory_equal(sk, want_sk, 32);
            assert_memory_equal(pk, want_pk, 32);
            free(ikm);
            checked++;
        }
    }
    json_decref(root);
    /* Four modes: R and E in each, S in the two auth modes. */
    assert_true(checked >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_rfc8032),
        cmocka_unit_test(test_identity_random),
        cmocka_unit_test(test_sign_verify),
        cmocka_unit_test(test_user_signature_is_not_bundle_signature),
        cmocka_unit_test(test_public_key_blobs),
        cmocka_unit_test(test_bundle),
        cmocka_unit_test(test_fingerprints),
        cmocka_unit_test(test_encryption_keys),
        cmocka_unit_test(test_encryption_rfc9180),
    };
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
