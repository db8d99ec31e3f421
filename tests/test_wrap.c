/* Wrapped private keys (docs/protocol.md section 6) and the plain service-account key (6.1):
 * round trips, tampering, truncation, kinds and cleared outputs. The exact bytes, and authentic
 * blobs the library could never produce (a public key that is not the private key's), are in
 * tests/vectors/libcloak.json, which test_vectors_libcloak replays. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "support/bytes.h"
#include "support/expect.h"

#define W CLOAK_WRAPPED_KEYBYTES
#define A CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES

typedef int (*wrap_fn)(uint8_t *, const uint8_t *, const uint8_t *);
typedef int (*unwrap_fn)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *, size_t);

typedef struct kind {
    uint8_t type;
    wrap_fn wrap;
    unwrap_fn unwrap;
    size_t sk_len; /* the in-memory secret key: 64 for identities, 32 for X25519 */
} kind;

static const kind kinds[3] = {
    {CLOAK_TYPE_WRAPPED_IDENTITY_KEY, cloak_identity_wrap, cloak_identity_unwrap, 64},
    {CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY, cloak_encryption_wrap, cloak_encryption_unwrap, 32},
    {CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, cloak_service_account_wrap, cloak_service_account_unwrap, 32},
};

static void make_keypair(const kind *k, uint8_t pk[32], uint8_t sk[64])
{
    if (k->type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY) {
        cloak_identity_keypair(pk, sk);
    } else {
        cloak_encryption_keypair(pk, sk);
    }
}

/* Unwraps into buffers pre-filled with garbage and checks they are zero on failure. */
static int unwrap(const kind *k, uint8_t pk[32], uint8_t sk[64], const uint8_t mk[32], const uint8_t *w, size_t len)
{
    int rc;
    memset(pk, 0xAA, 32);
    memset(sk, 0xAA, 64);
    rc = k->unwrap(pk, sk, mk, w, len);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(pk, 32));
        assert_true(all_zero(sk, k->sk_len));
    }
    return rc;
}

static void test_round_trip(void **state)
{
    uint8_t mk[32], pk[32], sk[64], pk2[32], sk2[64], w[W], w2[W], id[16];
    size_t ki;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        const kind *k = &kinds[ki];
        cloak_vault_key_generate(mk);
        make_keypair(k, pk, sk);
        memset(w, 0xAA, sizeof w);
        assert_int_equal(k->wrap(w, mk, sk), CLOAK_OK);
        /* Layout of section 6. */
        cloak_key_id(id, mk);
        assert_int_equal(w[0], 2);
        assert_int_equal(w[1], k->type);
        assert_int_equal(w[2], 0);
        assert_int_equal(w[3], 1);
        assert_memory_equal(w + 4, id, 16);
        assert_memory_equal(w + 20, pk, 32);

        assert_int_equal(unwrap(k, pk2, sk2, mk, w, W), CLOAK_OK);
        assert_memory_equal(pk2, pk, 32);
        assert_memory_equal(sk2, sk, k->sk_len);

        /* A fresh nonce each time. */
        assert_int_equal(k->wrap(w2, mk, sk), CLOAK_OK);
        assert_memory_not_equal(w2 + 52, w + 52, 24);
        assert_memory_equal(w2, w, 52);
    }
}

/* The carried public key and type are readable without the master key; anything else is refused. */
static void test_public_key_accessor(void **state)
{
    uint8_t mk[32], pk[32], sk[64], w[W], got[32];
    int type;
    size_t ki, len;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        const kind *k = &kinds[ki];
        cloak_vault_key_generate(mk);
        make_keypair(k, pk, sk);
        assert_int_equal(k->wrap(w, mk, sk), CLOAK_OK);
        memset(got, 0xAA, sizeof got);
        assert_int_equal(cloak_wrapped_key_public_key(got, &type, w, W), CLOAK_OK);
        assert_memory_equal(got, pk, 32);
        assert_int_equal(type, k->type);
        for (len = 0; len < W; len++) {
            memset(got, 0xAA, sizeof got);
            type = 7;
            assert_int_equal(cloak_wrapped_key_public_key(got, &type, w, len), CLOAK_E_MALFORMED);
            assert_true(all_zero(got, 32));
            assert_int_equal(type, 0);
        }
    }
    /* A public key blob is a valid blob, but not a wrapped key. */
    {
        uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
        cloak_encryption_public_export(blob, pk);
        memset(got, 0xAA, sizeof got);
        assert_int_equal(cloak_wrapped_key_public_key(got, &type, blob, sizeof blob), CLOAK_E_WRONG_TYPE);
        assert_true(all_zero(got, 32));
    }
    assert_int_equal(cloak_wrapped_key_public_key(NULL, &type, w, W), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_wrapped_key_public_key(got, NULL, w, W), CLOAK_E_BAD_PARAMS);
}

static void test_tamper_every_byte(void **state)
{
    static const uint8_t masks[] = {0x01, 0x02, 0x40, 0x80, 0xFF};
    uint8_t mk[32], pk[32], sk[64], pk2[32], sk2[64], w[W], bad[W];
    size_t ki, i, m;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        const kind *k = &kinds[ki];
        cloak_vault_key_generate(mk);
        make_keypair(k, pk, sk);
        assert_int_equal(k->wrap(w, mk, sk), CLOAK_OK);
        for (i = 0; i < W; i++) {
            for (m = 0; m < sizeof masks; m++) {
                int want;
                memcpy(bad, w, W);
                bad[i] ^= masks[m];
                if (i < 4) {
                    want = expected_header_code(i, bad[i]);
                } else if (i < 20) {
                    want = CLOAK_E_WRONG_KEY;
                } else {
                    want = CLOAK_E_AUTH; /* public key, nonce, ciphertext, tag */
                }
                assert_int_equal(unwrap(k, pk2, sk2, mk, bad, W), want);
            }
        }
    }
}

static void test_truncate(void **state)
{
    uint8_t mk[32], pk[32], sk[64], pk2[32], sk2[64], w[W + 1];
    size_t ki, len;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        const kind *k = &kinds[ki];
        cloak_vault_key_generate(mk);
        make_keypair(k, pk, sk);
        assert_int_equal(k->wrap(w, mk, sk), CLOAK_OK);
        w[W] = 0;
        for (len = 0; len <= W + 1; len++) {
            if (len != W) {
                assert_int_equal(unwrap(k, pk2, sk2, mk, w, len), CLOAK_E_MALFORMED);
            }
        }
        assert_int_equal(unwrap(k, pk2, sk2, mk, NULL, 0), CLOAK_E_MALFORMED);
    }
}

static void test_wrong_master_key(void **state)
{
    uint8_t mk[32], mk2[32], pk[32], sk[64], pk2[32], sk2[64], w[W];
    size_t ki;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        const kind *k = &kinds[ki];
        cloak_vault_key_generate(mk);
        memcpy(mk2, mk, 32);
        mk2[31] ^= 1;
        make_keypair(k, pk, sk);
        assert_int_equal(k->wrap(w, mk, sk), CLOAK_OK);
        assert_int_equal(unwrap(k, pk2, sk2, mk2, w, W), CLOAK_E_WRONG_KEY);
        /* With the right key id but another key (an id collision), decryption still fails. */
        {
            uint8_t bad[W];
            memcpy(bad, w, W);
            cloak_key_id(bad + 4, mk2);
            assert_int_equal(unwrap(k, pk2, sk2, mk2, bad, W), CLOAK_E_AUTH);
        }
    }
}

/* A kind given to another kind's unwrap is the wrong type; relabelled to that kind, the type byte
 * is in the associated data, so it fails to authenticate. */
static void test_kinds_do_not_mix(void **state)
{
    uint8_t mk[32], pk[32], sk[64], pk2[32], sk2[64], w[W], bad[W];
    size_t ki, kj;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        cloak_vault_key_generate(mk);
        make_keypair(&kinds[ki], pk, sk);
        assert_int_equal(kinds[ki].wrap(w, mk, sk), CLOAK_OK);
        for (kj = 0; kj < 3; kj++) {
            if (kj == ki) {
                continue;
            }
            assert_int_equal(unwrap(&kinds[kj], pk2, sk2, mk, w, W), CLOAK_E_WRONG_TYPE);
            memcpy(bad, w, W);
            bad[1] = kinds[kj].type;
            assert_int_equal(unwrap(&kinds[kj], pk2, sk2, mk, bad, W), CLOAK_E_AUTH);
            /* And the original kind now sees another type. */
            assert_int_equal(unwrap(&kinds[ki], pk2, sk2, mk, bad, W), CLOAK_E_WRONG_TYPE);
        }
    }
}

/* A wrapped key moved onto another public key fails to authenticate (the public key is in the
 * associated data). */
static void test_public_key_binding(void **state)
{
    uint8_t mk[32], pk[32], sk[64], opk[32], osk[64], pk2[32], sk2[64], w[W], bad[W];
    size_t ki;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        const kind *k = &kinds[ki];
        cloak_vault_key_generate(mk);
        make_keypair(k, pk, sk);
        make_keypair(k, opk, osk);
        assert_int_equal(k->wrap(w, mk, sk), CLOAK_OK);
        memcpy(bad, w, W);
        memcpy(bad + 20, opk, 32);
        assert_int_equal(unwrap(k, pk2, sk2, mk, bad, W), CLOAK_E_AUTH);
        /* The all-zero public key. */
        memset(bad + 20, 0, 32);
        assert_int_equal(unwrap(k, pk2, sk2, mk, bad, W), CLOAK_E_AUTH);
    }
}

static void test_bad_params(void **state)
{
    uint8_t mk[32], pk[32], sk[64], pk2[32], sk2[64], w[W];
    size_t ki;
    (void)state;

    for (ki = 0; ki < 3; ki++) {
        const kind *k = &kinds[ki];
        cloak_vault_key_generate(mk);
        make_keypair(k, pk, sk);
        memset(w, 0xAA, W);
        assert_int_equal(k->wrap(w, NULL, sk), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(w, W));
        memset(w, 0xAA, W);
        assert_int_equal(k->wrap(w, mk, NULL), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(w, W));
        assert_int_equal(k->wrap(NULL, mk, sk), CLOAK_E_BAD_PARAMS);
        assert_int_equal(k->wrap(w, mk, sk), CLOAK_OK);
        assert_int_equal(unwrap(k, pk2, sk2, NULL, w, W), CLOAK_E_BAD_PARAMS);
        assert_int_equal(unwrap(k, pk2, sk2, mk, NULL, W), CLOAK_E_BAD_PARAMS);
        memset(sk2, 0xAA, 64);
        assert_int_equal(k->unwrap(NULL, sk2, mk, w, W), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(sk2, k->sk_len));
        memset(pk2, 0xAA, 32);
        assert_int_equal(k->unwrap(pk2, NULL, mk, w, W), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(pk2, 32));
    }
    /* An identity secret key whose public half is not its seed's is refused, not wrapped. */
    cloak_vault_key_generate(mk);
    cloak_identity_keypair(pk, sk);
    sk[40] ^= 1;
    memset(w, 0xAA, W);
    assert_int_equal(cloak_identity_wrap(w, mk, sk), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(w, W));
}

/* X25519 ignores the three low bits and the top bit of a private key (RFC 7748 clamping). */
static int same_x25519_scalar(const uint8_t a[32], const uint8_t b[32])
{
    uint8_t ca[32], cb[32];
    memcpy(ca, a, 32);
    memcpy(cb, b, 32);
    ca[0] &= 248;
    cb[0] &= 248;
    ca[31] = (uint8_t)((ca[31] & 127) | 64);
    cb[31] = (uint8_t)((cb[31] & 127) | 64);
    return memcmp(ca, cb, 32) == 0;
}

static int import(uint8_t pk[32], uint8_t sk[32], const uint8_t *blob, size_t len)
{
    int rc;
    memset(pk, 0xAA, 32);
    memset(sk, 0xAA, 32);
    rc = cloak_service_account_private_import(pk, sk, blob, len);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(pk, 32));
        assert_true(all_zero(sk, 32));
    }
    return rc;
}

static void test_service_account_export(void **state)
{
    static const uint8_t masks[] = {0x01, 0x04, 0x10, 0x40, 0x80, 0xFF};
    uint8_t pk[32], sk[32], opk[32], osk[32], pk2[32], sk2[32], mk[32], w[W], id[16];
    uint8_t blob[A + 1], bad[A + 1];
    size_t i, m, len;
    unsigned t;
    (void)state;

    cloak_encryption_keypair(pk, sk);
    cloak_encryption_keypair(opk, osk);
    memset(blob, 0xAA, sizeof blob);
    assert_int_equal(cloak_service_account_private_export(blob, pk, sk), CLOAK_OK);
    cloak__public_key_id(id, pk);
    assert_int_equal(blob[0], 2);
    assert_int_equal(blob[1], CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY);
    assert_int_equal(blob[2], 0);
    assert_int_equal(blob[3], 1);
    assert_memory_equal(blob + 4, id, 16);
    assert_memory_equal(blob + 20, sk, 32);
    assert_memory_equal(blob + 52, pk, 32);
    assert_int_equal(import(pk2, sk2, blob, A), CLOAK_OK);
    assert_memory_equal(pk2, pk, 32);
    assert_memory_equal(sk2, sk, 32);

    /* Every byte. */
    for (i = 0; i < A; i++) {
        for (m = 0; m < sizeof masks; m++) {
            int want;
            memcpy(bad, blob, A);
            bad[i] ^= masks[m];
            if (i < 4) {
                want = expected_header_code(i, bad[i]);
            } else if (i < 20 || i >= 52) {
                want = CLOAK_E_MALFORMED; /* key id and public key disagree */
            } else {
                /* A private key that X25519 reads as the same scalar is the same key. */
                want = same_x25519_scalar(bad + 20, sk) ? CLOAK_OK : CLOAK_E_MISMATCH;
            }
            assert_int_equal(import(pk2, sk2, bad, A), want);
        }
    }
    for (t = 0; t < 256; t++) {
        memcpy(bad, blob, A);
        bad[1] = (uint8_t)t;
        assert_int_equal(import(pk2, sk2, bad, A),
                         t == CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY ? CLOAK_OK
                         : (t >= 1 && t <= CLOAK_TYPE_VAULT_HEAD) ? CLOAK_E_WRONG_TYPE
                                                             : CLOAK_E_MALFORMED);
    }
    blob[A] = 0;
    for (len = 0; len <= A + 1; len++) {
        if (len != A) {
            assert_int_equal(import(pk2, sk2, blob, len), CLOAK_E_MALFORMED);
        }
    }

    /* Mismatched halves: refused on export, and on import of a hand-made blob whose key id is
     * consistent with its public key. */
    memset(bad, 0xAA, A);
    assert_int_equal(cloak_service_account_private_export(bad, pk, osk), CLOAK_E_MISMATCH);
    assert_true(all_zero(bad, A));
    memcpy(bad, blob, A);
    memcpy(bad + 20, osk, 32);
    assert_int_equal(import(pk2, sk2, bad, A), CLOAK_E_MISMATCH);

    /* From a wrapped service-account key to the export and back. */
    cloak_vault_key_generate(mk);
    assert_int_equal(cloak_service_account_wrap(w, mk, sk), CLOAK_OK);
    assert_int_equal(cloak_service_account_unwrap(pk2, sk2, mk, w, W), CLOAK_OK);
    assert_int_equal(cloak_service_account_private_export(bad, pk2, sk2), CLOAK_OK);
    assert_memory_equal(bad, blob, A);

    /* NULL pointers. */
    memset(bad, 0xAA, A);
    assert_int_equal(cloak_service_account_private_export(bad, NULL, sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(bad, A));
    memset(bad, 0xAA, A);
    assert_int_equal(cloak_service_account_private_export(bad, pk, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(bad, A));
    assert_int_equal(cloak_service_account_private_export(NULL, pk, sk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(import(pk2, sk2, NULL, A), CLOAK_E_BAD_PARAMS);
    memset(sk2, 0xAA, 32);
    assert_int_equal(cloak_service_account_private_import(NULL, sk2, blob, A), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sk2, 32));
    memset(pk2, 0xAA, 32);
    assert_int_equal(cloak_service_account_private_import(pk2, NULL, blob, A), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk2, 32));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_public_key_accessor),
        cmocka_unit_test(test_tamper_every_byte),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_wrong_master_key),
        cmocka_unit_test(test_kinds_do_not_mix),
        cmocka_unit_test(test_public_key_binding),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_service_account_export),
    };
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
