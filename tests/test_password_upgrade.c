/*
 * The legacy upgrade path and cloak_wrapped_key_rewrap() (src/wrap.c, docs/protocol.md sections 4.3
 * and 6).
 *
 * - An account made under an old record (16 MiB, one pass, one lane): the default policy refuses
 *   the record (CLOAK_E_WEAK_PARAMS, no Argon2id call); an explicit legacy policy derives the old
 *   master key; a new record with the default parameters gives the new one (with the account
 *   secret key the upgrade adds); every wrapped key (identity, encryption, service account) is
 *   re-wrapped. The re-wrapped keys open under the new master key only, carry the same type and
 *   public key and give the same private key; the old ones do not open under the new key.
 * - Refusals: the same master key twice (BAD_PARAMS), another old master key (WRONG_KEY), every
 *   byte of the blob changed (header codes, WRONG_KEY for the key id, AUTH for the rest), other
 *   types and lengths, NULLs and a master key inside the output; the output zeroed on every
 *   failure, except an output over the input, which is refused with nothing written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "cloak.h"
#include "support/argon2_watch.h"
#include "support/bytes.h"
#include "support/expect.h"

#define WRAPPED_LEN CLOAK_WRAPPED_KEYBYTES
#define KEY_LEN CLOAK_KEYBYTES
#define KEYID_OFFSET 4U
#define PUBLIC_OFFSET 20U

static const uint8_t password[] = "correct horse battery staple";
#define PASSWORD_LEN (sizeof password - 1U)
static const uint8_t account_id[] = "alice@example.com";
#define ACCOUNT_ID_LEN (sizeof account_id - 1U)

/* The three kinds of wrapped key and their private keys. */
typedef struct account_keys {
    uint8_t id_pk[32], id_sk[64];
    uint8_t enc_pk[32], enc_sk[32];
    uint8_t sa_pk[32], sa_sk[32];
} account_keys;

static const int kinds[3] = {CLOAK_TYPE_WRAPPED_IDENTITY_KEY, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY,
                             CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY};

static void make_keys(account_keys *k)
{
    cloak_identity_keypair(k->id_pk, k->id_sk);
    cloak_encryption_keypair(k->enc_pk, k->enc_sk);
    cloak_encryption_keypair(k->sa_pk, k->sa_sk);
}

static void wrap_all(uint8_t wrapped[3][WRAPPED_LEN], const account_keys *k, const uint8_t master[KEY_LEN])
{
    assert_int_equal(cloak_identity_wrap(wrapped[0], master, k->id_sk), CLOAK_OK);
    assert_int_equal(cloak_encryption_wrap(wrapped[1], master, k->enc_sk), CLOAK_OK);
    assert_int_equal(cloak_service_account_wrap(wrapped[2], master, k->sa_sk), CLOAK_OK);
}

/* Unwraps kind i under master: the status; on success, the keys must be the account's. */
static int unwrap_kind(size_t i, const account_keys *k, const uint8_t master[KEY_LEN], const uint8_t *blob)
{
    uint8_t pk[32], sk[64];
    int rc;

    memset(sk, 0xAA, sizeof sk);
    switch (i) {
    case 0:
        rc = cloak_identity_unwrap(pk, sk, master, blob, WRAPPED_LEN);
        if (rc == CLOAK_OK) {
            assert_memory_equal(pk, k->id_pk, 32);
            assert_memory_equal(sk, k->id_sk, 64);
        } else {
            assert_true(all_zero(sk, 64));
        }
        return rc;
    case 1:
        rc = cloak_encryption_unwrap(pk, sk, master, blob, WRAPPED_LEN);
        if (rc == CLOAK_OK) {
            assert_memory_equal(pk, k->enc_pk, 32);
            assert_memory_equal(sk, k->enc_sk, 32);
        } else {
            assert_true(all_zero(sk, 32));
        }
        return rc;
    default:
        rc = cloak_service_account_unwrap(pk, sk, master, blob, WRAPPED_LEN);
        if (rc == CLOAK_OK) {
            assert_memory_equal(pk, k->sa_pk, 32);
            assert_memory_equal(sk, k->sa_sk, 32);
        } else {
            assert_true(all_zero(sk, 32));
        }
        return rc;
    }
}

/* rewrap into a pre-filled output: zero on failure. */
static int rewrap(uint8_t out[WRAPPED_LEN], const uint8_t *old_master, const uint8_t *new_master, const uint8_t *blob,
                  size_t len)
{
    int rc;

    memset(out, 0xAA, WRAPPED_LEN);
    rc = cloak_wrapped_key_rewrap(out, old_master, new_master, blob, len);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(out, WRAPPED_LEN));
    }
    return rc;
}

static int setup(void **state)
{
    (void)state;
    return cloak_init() == CLOAK_OK ? 0 : -1;
}

/* ----------------------------------------------------------------------------------------------
 * The upgrade, end to end
 * -------------------------------------------------------------------------------------------- */
static void test_legacy_upgrade(void **state)
{
    uint8_t old_record[CLOAK_PASSWORD_RECORDBYTES], new_record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t legacy_policy[CLOAK_PASSWORD_POLICYBYTES], secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    uint8_t old_master[KEY_LEN], old_login[KEY_LEN], new_master[KEY_LEN], new_login[KEY_LEN];
    uint8_t m[KEY_LEN], l[KEY_LEN];
    uint8_t old_wrapped[3][WRAPPED_LEN], new_wrapped[3][WRAPPED_LEN];
    account_keys keys;
    (void)state;

    /* The account as an older client made it. */
    assert_int_equal(cloak_password_record_new(old_record, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1), CLOAK_OK);

    /* Today's client refuses the record, without any Argon2id work. */
    argon2_seen_reset();
    assert_int_equal(cloak_password_record_check(old_record, sizeof old_record, NULL), CLOAK_E_WEAK_PARAMS);
    memset(m, 0xAA, sizeof m);
    memset(l, 0xAA, sizeof l);
    assert_int_equal(cloak_password_derive(m, l, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN, NULL, 0,
                                           old_record, sizeof old_record, NULL),
                     CLOAK_E_WEAK_PARAMS);
    assert_true(all_zero(m, sizeof m) && all_zero(l, sizeof l));
    assert_int_equal(argon2_seen.calls, 0);

    /* An explicit legacy policy: the default's ceiling, a floor down to the record's hard minimum. */
    assert_int_equal(cloak_password_policy_init(legacy_policy, CLOAK_PASSWORD_MEMORY_KIB_MIN,
                                                CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX,
                                                CLOAK_PASSWORD_POLICY_COST_MAX, CLOAK_PASSWORD_POLICY_ITERATIONS_MAX,
                                                CLOAK_PASSWORD_POLICY_PARALLELISM_MAX),
                     CLOAK_OK);
    assert_int_equal(cloak_password_record_check(old_record, sizeof old_record, legacy_policy), CLOAK_OK);
    assert_int_equal(cloak_password_derive(old_master, old_login, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN,
                                           NULL, 0, old_record, sizeof old_record, legacy_policy),
                     CLOAK_OK);
    assert_int_equal(argon2_seen.calls, 1);
    make_keys(&keys);
    wrap_all(old_wrapped, &keys, old_master);

    /* The upgrade: a new record with the default parameters, and a secret key. */
    assert_int_equal(cloak_password_record_new(new_record, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT,
                                               CLOAK_PASSWORD_ITERATIONS_DEFAULT, CLOAK_PASSWORD_PARALLELISM_DEFAULT),
                     CLOAK_OK);
    assert_int_equal(cloak_password_record_check(new_record, sizeof new_record, NULL), CLOAK_OK);
    cloak_account_secret_key_generate(secret_key);
    assert_int_equal(cloak_password_derive(new_master, new_login, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN,
                                           secret_key, sizeof secret_key, new_record, sizeof new_record, NULL),
                     CLOAK_OK);
    assert_memory_not_equal(new_master, old_master, KEY_LEN);
    assert_memory_not_equal(new_login, old_login, KEY_LEN);

    for (size_t i = 0; i < 3; i++) {
        uint8_t pk_old[32], pk_new[32], again[WRAPPED_LEN];
        int type_old = 0, type_new = 0;

        assert_int_equal(rewrap(new_wrapped[i], old_master, new_master, old_wrapped[i], WRAPPED_LEN), CLOAK_OK);
        /* Same type and public key, under the new master key's id. */
        assert_int_equal(cloak_wrapped_key_public_key(pk_old, &type_old, old_wrapped[i], WRAPPED_LEN), CLOAK_OK);
        assert_int_equal(cloak_wrapped_key_public_key(pk_new, &type_new, new_wrapped[i], WRAPPED_LEN), CLOAK_OK);
        assert_int_equal(type_old, kinds[i]);
        assert_int_equal(type_new, kinds[i]);
        assert_memory_equal(pk_old, pk_new, 32);
        assert_memory_equal(new_wrapped[i], old_wrapped[i], KEYID_OFFSET);
        assert_memory_not_equal(new_wrapped[i] + KEYID_OFFSET, old_wrapped[i] + KEYID_OFFSET, CLOAK_KEYIDBYTES);
        /* The new blobs open under the new master key only, to the same private key. */
        assert_int_equal(unwrap_kind(i, &keys, new_master, new_wrapped[i]), CLOAK_OK);
        assert_int_equal(unwrap_kind(i, &keys, old_master, new_wrapped[i]), CLOAK_E_WRONG_KEY);
        /* The old ones open under the old master key only. */
        assert_int_equal(unwrap_kind(i, &keys, new_master, old_wrapped[i]), CLOAK_E_WRONG_KEY);
        assert_int_equal(unwrap_kind(i, &keys, old_master, old_wrapped[i]), CLOAK_OK);
        /* A fresh nonce each time: re-wrapping again gives another blob that opens alike. */
        assert_int_equal(rewrap(again, old_master, new_master, old_wrapped[i], WRAPPED_LEN), CLOAK_OK);
        assert_memory_not_equal(again, new_wrapped[i], WRAPPED_LEN);
        assert_int_equal(unwrap_kind(i, &keys, new_master, again), CLOAK_OK);
        /* And the kind is kept: the other unwrap functions refuse it. */
        {
            uint8_t pk[32], sk[64];
            assert_int_equal(i == 0 ? cloak_encryption_unwrap(pk, sk, new_master, new_wrapped[i], WRAPPED_LEN)
                                    : cloak_identity_unwrap(pk, sk, new_master, new_wrapped[i], WRAPPED_LEN),
                             CLOAK_E_WRONG_TYPE);
        }
    }

    /* Back again (a password change is the same operation). */
    for (size_t i = 0; i < 3; i++) {
        uint8_t back[WRAPPED_LEN];
        assert_int_equal(rewrap(back, new_master, old_master, new_wrapped[i], WRAPPED_LEN), CLOAK_OK);
        assert_int_equal(unwrap_kind(i, &keys, old_master, back), CLOAK_OK);
    }
}

/* ----------------------------------------------------------------------------------------------
 * Refusals
 * -------------------------------------------------------------------------------------------- */
typedef struct rewrap_fixture {
    account_keys keys;
    uint8_t old_master[KEY_LEN], new_master[KEY_LEN], stranger[KEY_LEN];
    uint8_t wrapped[3][WRAPPED_LEN];
} rewrap_fixture;

/* Master keys at random: rewrap does not know how they were made, and this keeps Argon2id out. */
static void make_fixture(rewrap_fixture *f)
{
    randombytes_buf(f->old_master, KEY_LEN);
    randombytes_buf(f->new_master, KEY_LEN);
    randombytes_buf(f->stranger, KEY_LEN);
    make_keys(&f->keys);
    wrap_all(f->wrapped, &f->keys, f->old_master);
}

static void test_rewrap_same_and_wrong_master(void **state)
{
    rewrap_fixture f;
    uint8_t out[WRAPPED_LEN], copy[KEY_LEN];
    (void)state;

    make_fixture(&f);
    for (size_t i = 0; i < 3; i++) {
        /* The same key twice, also as two equal buffers. */
        assert_int_equal(rewrap(out, f.old_master, f.old_master, f.wrapped[i], WRAPPED_LEN), CLOAK_E_BAD_PARAMS);
        memcpy(copy, f.old_master, KEY_LEN);
        assert_int_equal(rewrap(out, f.old_master, copy, f.wrapped[i], WRAPPED_LEN), CLOAK_E_BAD_PARAMS);
        /* ... even when it is not the blob's key. */
        assert_int_equal(rewrap(out, f.stranger, f.stranger, f.wrapped[i], WRAPPED_LEN), CLOAK_E_BAD_PARAMS);
        /* Another old master key: the key id says so. */
        assert_int_equal(rewrap(out, f.stranger, f.new_master, f.wrapped[i], WRAPPED_LEN), CLOAK_E_WRONG_KEY);
        assert_int_equal(rewrap(out, f.new_master, f.old_master, f.wrapped[i], WRAPPED_LEN), CLOAK_E_WRONG_KEY);
        /* The right one works, and the blob was left as it was. */
        assert_int_equal(rewrap(out, f.old_master, f.new_master, f.wrapped[i], WRAPPED_LEN), CLOAK_OK);
        assert_int_equal(unwrap_kind(i, &f.keys, f.new_master, out), CLOAK_OK);
        assert_int_equal(unwrap_kind(i, &f.keys, f.old_master, f.wrapped[i]), CLOAK_OK);
    }
}

/* The code rewrap must give for a blob whose byte at `at` became v (v differs from the original):
 * the header's codes (another wrapped kind is authenticated as the blob's type: AUTH), the key id
 * (WRONG_KEY), and the AEAD for the public key, nonce, sealed key and tag (AUTH). */
static int expected_tamper(size_t at, uint8_t v)
{
    if (at == 1) {
        if (v == CLOAK_TYPE_WRAPPED_IDENTITY_KEY || v == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY ||
            v == CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY) {
            return CLOAK_E_AUTH;
        }
        return expected_header_code(at, v);
    }
    if (at < KEYID_OFFSET) {
        return expected_header_code(at, v);
    }
    if (at < PUBLIC_OFFSET) {
        return CLOAK_E_WRONG_KEY;
    }
    return CLOAK_E_AUTH;
}

static void test_rewrap_tampered(void **state)
{
    static const uint8_t flips[] = {0x01, 0x80, 0xFF};
    rewrap_fixture f;
    uint8_t blob[WRAPPED_LEN], out[WRAPPED_LEN];
    (void)state;

    make_fixture(&f);
    for (size_t i = 0; i < 3; i++) {
        for (size_t at = 0; at < WRAPPED_LEN; at++) {
            for (size_t k = 0; k < sizeof flips; k++) {
                uint8_t v = (uint8_t)(f.wrapped[i][at] ^ flips[k]);
                memcpy(blob, f.wrapped[i], WRAPPED_LEN);
                blob[at] = v;
                assert_int_equal(rewrap(out, f.old_master, f.new_master, blob, WRAPPED_LEN), expected_tamper(at, v));
            }
        }
        /* The type byte: every value. */
        for (unsigned v = 0; v < 256; v++) {
            if (v == f.wrapped[i][1]) {
                continue;
            }
            memcpy(blob, f.wrapped[i], WRAPPED_LEN);
            blob[1] = (uint8_t)v;
            assert_int_equal(rewrap(out, f.old_master, f.new_master, blob, WRAPPED_LEN),
                             expected_tamper(1, (uint8_t)v));
        }
    }
}

static void test_rewrap_types_and_lengths(void **state)
{
    rewrap_fixture f;
    uint8_t out[WRAPPED_LEN], longer[WRAPPED_LEN + 1];
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], pub_blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
    uint8_t sa_blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES], bundle[CLOAK_BUNDLEBYTES];
    (void)state;

    make_fixture(&f);
    /* Blobs that are not wrapped keys: a record, a public key, a bundle, a plain service-account key. */
    assert_int_equal(cloak_password_record_new(record, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1), CLOAK_OK);
    assert_int_equal(rewrap(out, f.old_master, f.new_master, record, sizeof record), CLOAK_E_WRONG_TYPE);
    cloak_identity_public_export(pub_blob, f.keys.id_pk);
    assert_int_equal(rewrap(out, f.old_master, f.new_master, pub_blob, sizeof pub_blob), CLOAK_E_WRONG_TYPE);
    assert_int_equal(cloak_bundle_create(bundle, f.keys.id_sk, f.keys.enc_pk), CLOAK_OK);
    assert_int_equal(rewrap(out, f.old_master, f.new_master, bundle, sizeof bundle), CLOAK_E_WRONG_TYPE);
    assert_int_equal(cloak_service_account_private_export(sa_blob, f.keys.sa_pk, f.keys.sa_sk), CLOAK_OK);
    assert_int_equal(rewrap(out, f.old_master, f.new_master, sa_blob, sizeof sa_blob), CLOAK_E_WRONG_TYPE);
    /* Every shorter length and one byte more. */
    for (size_t i = 0; i < 3; i++) {
        for (size_t len = 0; len < WRAPPED_LEN; len++) {
            assert_int_equal(rewrap(out, f.old_master, f.new_master, f.wrapped[i], len), CLOAK_E_MALFORMED);
        }
        memcpy(longer, f.wrapped[i], WRAPPED_LEN);
        longer[WRAPPED_LEN] = 0;
        assert_int_equal(rewrap(out, f.old_master, f.new_master, longer, sizeof longer), CLOAK_E_MALFORMED);
    }
}

static void test_rewrap_arguments(void **state)
{
    rewrap_fixture f;
    uint8_t out[WRAPPED_LEN], buf[WRAPPED_LEN + KEY_LEN];
    (void)state;

    make_fixture(&f);
    assert_int_equal(cloak_wrapped_key_rewrap(NULL, f.old_master, f.new_master, f.wrapped[0], WRAPPED_LEN),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(rewrap(out, NULL, f.new_master, f.wrapped[0], WRAPPED_LEN), CLOAK_E_BAD_PARAMS);
    assert_int_equal(rewrap(out, f.old_master, NULL, f.wrapped[0], WRAPPED_LEN), CLOAK_E_BAD_PARAMS);
    assert_int_equal(rewrap(out, f.old_master, f.new_master, NULL, WRAPPED_LEN), CLOAK_E_BAD_PARAMS);
    assert_int_equal(rewrap(out, f.old_master, f.new_master, NULL, 0), CLOAK_E_MALFORMED);
    /* A master key inside the output would be overwritten while it is still needed. */
    memcpy(buf + WRAPPED_LEN - 8U, f.new_master, KEY_LEN);
    assert_int_equal(cloak_wrapped_key_rewrap(buf, f.old_master, buf + WRAPPED_LEN - 8U, f.wrapped[0], WRAPPED_LEN),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, WRAPPED_LEN));
    memcpy(buf, f.old_master, KEY_LEN);
    assert_int_equal(cloak_wrapped_key_rewrap(buf, buf, f.new_master, f.wrapped[0], WRAPPED_LEN), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, WRAPPED_LEN));
    /* Right after the output is fine. */
    memcpy(buf + WRAPPED_LEN, f.new_master, KEY_LEN);
    assert_int_equal(cloak_wrapped_key_rewrap(buf, f.old_master, buf + WRAPPED_LEN, f.wrapped[0], WRAPPED_LEN),
                     CLOAK_OK);
    assert_int_equal(unwrap_kind(0, &f.keys, f.new_master, buf), CLOAK_OK);
}

/* The output over the input (in place, or any overlap) is refused and nothing is written: a failed
 * re-wrap in place would otherwise zero the caller's only copy of the wrapped key. Right next to it
 * is fine. */
static void test_rewrap_overlap(void **state)
{
    rewrap_fixture f;
    uint8_t buf[3 * WRAPPED_LEN];
    (void)state;

    make_fixture(&f);
    for (size_t i = 0; i < 3; i++) {
        static const size_t shifts[] = {0, 1, WRAPPED_LEN - 1U};
        for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++) {
            /* Output at the input, after its start, and before it. */
            memcpy(buf + WRAPPED_LEN, f.wrapped[i], WRAPPED_LEN);
            assert_int_equal(cloak_wrapped_key_rewrap(buf + WRAPPED_LEN + shifts[s], f.old_master, f.new_master,
                                                      buf + WRAPPED_LEN, WRAPPED_LEN),
                             CLOAK_E_BAD_PARAMS);
            assert_memory_equal(buf + WRAPPED_LEN, f.wrapped[i], WRAPPED_LEN);
            memcpy(buf + WRAPPED_LEN, f.wrapped[i], WRAPPED_LEN);
            assert_int_equal(cloak_wrapped_key_rewrap(buf + WRAPPED_LEN - shifts[s], f.old_master, f.new_master,
                                                      buf + WRAPPED_LEN, WRAPPED_LEN),
                             CLOAK_E_BAD_PARAMS);
            assert_memory_equal(buf + WRAPPED_LEN, f.wrapped[i], WRAPPED_LEN);
        }
        /* Adjacent on either side. */
        memcpy(buf + WRAPPED_LEN, f.wrapped[i], WRAPPED_LEN);
        assert_int_equal(cloak_wrapped_key_rewrap(buf, f.old_master, f.new_master, buf + WRAPPED_LEN, WRAPPED_LEN),
                         CLOAK_OK);
        assert_int_equal(unwrap_kind(i, &f.keys, f.new_master, buf), CLOAK_OK);
        assert_int_equal(cloak_wrapped_key_rewrap(buf + 2 * WRAPPED_LEN, f.old_master, f.new_master,
                                                  buf + WRAPPED_LEN, WRAPPED_LEN),
                         CLOAK_OK);
        assert_int_equal(unwrap_kind(i, &f.keys, f.new_master, buf + 2 * WRAPPED_LEN), CLOAK_OK);
        assert_memory_equal(buf + WRAPPED_LEN, f.wrapped[i], WRAPPED_LEN);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legacy_upgrade),
        cmocka_unit_test(test_rewrap_same_and_wrong_master),
        cmocka_unit_test(test_rewrap_tampered),
        cmocka_unit_test(test_rewrap_types_and_lengths),
        cmocka_unit_test(test_rewrap_arguments),
        cmocka_unit_test(test_rewrap_overlap),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
