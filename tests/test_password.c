/*
 * Password records and password-derived keys (src/password.c, docs/protocol.md section 4).
 *
 * - record layout, encode/decode round trip, record_new;
 * - every bound (min-1, min, max, max+1 of m, t, p) with exact codes, and out-of-bounds records
 *   refused before Argon2id takes any memory (the allocation hook of src/argon2_hooks.h counts);
 * - every byte of a record tampered with, every truncation, one extra byte: exact codes;
 * - derive: determinism, password/salt/parameters change both keys, master != login, known answers
 *   computed independently here (libargon2's argon2id_hash_raw and HKDF written out on libsodium's
 *   HMAC), the default parameters, checked-in constants with and without a secret key; the account
 *   id (1 to 255 bytes) and the secret key (none or 20 bytes) and the order of the checks, the
 *   policy last, before Argon2id is entered (the policy's own rules: test_password_policy.c);
 * - outputs zeroed on every failure; the working memory wiped before release.
 */
#define _GNU_SOURCE /* fork, sysconf under -std=c11 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <argon2.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cloak.h"
#include "support/argon2_watch.h"
#include "support/bytes.h"
#include "support/expect.h"

#define M_MIN CLOAK_PASSWORD_MEMORY_KIB_MIN
#define M_MAX CLOAK_PASSWORD_MEMORY_KIB_MAX
#define T_MIN CLOAK_PASSWORD_ITERATIONS_MIN
#define T_MAX CLOAK_PASSWORD_ITERATIONS_MAX
#define P_MIN CLOAK_PASSWORD_PARALLELISM_MIN
#define P_MAX CLOAK_PASSWORD_PARALLELISM_MAX
#define RECORD_LEN CLOAK_PASSWORD_RECORDBYTES
#define KEY_LEN CLOAK_KEYBYTES

/* ----------------------------------------------------------------------------------------------
 * Fixtures
 * -------------------------------------------------------------------------------------------- */
static const uint8_t password[] = "correct horse battery staple";
#define PASSWORD_LEN (sizeof password - 1U)
static const uint8_t salt0[CLOAK_PASSWORD_SALTBYTES] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                                        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

/* The account the keys belong to (section 4.2 binds the salt to it). */
static const uint8_t account_id[] = "alice@example.com";
#define ACCOUNT_ID_LEN (sizeof account_id - 1U)
/* The record's hard bounds as a policy: every record the decoder accepts is admitted. */
static uint8_t wide_policy[CLOAK_PASSWORD_POLICYBYTES];

/* Base record of the tamper tests: the cheapest parameters allowed. */
static uint8_t base_record[RECORD_LEN];
static uint8_t base_master[KEY_LEN];
static uint8_t base_login[KEY_LEN];

/* A record written byte by byte, bypassing the encoder (which refuses out-of-bounds values). */
static void raw_record(uint8_t out[RECORD_LEN], uint32_t m, uint32_t t, uint32_t p, const uint8_t salt[16])
{
    memset(out, 0, RECORD_LEN);
    out[0] = 0x02;
    out[1] = 0x01;
    out[2] = 0x00;
    out[3] = 0x01;
    for (int i = 0; i < 4; i++) {
        out[20 + i] = (uint8_t)(m >> (24 - 8 * i));
        out[24 + i] = (uint8_t)(t >> (24 - 8 * i));
        out[28 + i] = (uint8_t)(p >> (24 - 8 * i));
    }
    memcpy(out + 32, salt, 16);
}

/* Independent derivation: libargon2's high-level API and HKDF-SHA256 (RFC 5869) on libsodium's
 * HMAC-SHA256, labels spelled out from docs/protocol.md section 4.2. */
static void hmac(uint8_t out[32], const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len,
                 const uint8_t *b, size_t b_len)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, a, a_len);
    if (b_len > 0) {
        crypto_auth_hmacsha256_update(&st, b, b_len);
    }
    crypto_auth_hmacsha256_final(&st, out);
}

/* The whole derivation of section 4.2: salt' = HMAC-SHA256(record salt, label || account id), first
 * 16 bytes; Argon2id over it; with a secret key K, S = HKDF-SHA256(ikm = K, salt = label, info =
 * account id, 32) joins Argon2id's output in the extract. Every HKDF output here is one block:
 * T(1) = HMAC(PRK, info || 0x01). */
static void reference_derive_full(uint8_t master[32], uint8_t login[32], const uint8_t *pw, size_t pw_len,
                                  const uint8_t *id, size_t id_len, const uint8_t *secret_key, const uint8_t salt[16],
                                  uint32_t m, uint32_t t, uint32_t p)
{
    static const char account_salt_label[] = "libcloak v2 account salt";
    static const char secret_key_salt[] = "libcloak v2 account secret key";
    static const char extract_salt[] = "libcloak v2 password";
    static const char extract_salt_with_key[] = "libcloak v2 password and secret key";
    static const char master_info[] = "libcloak v2 master key";
    static const char login_info[] = "libcloak v2 login key";
    static const uint8_t one = 0x01;
    uint8_t bound_salt[32];
    uint8_t ikm[64];
    uint8_t prk[32];

    hmac(bound_salt, salt, 16, (const uint8_t *)account_salt_label, strlen(account_salt_label), id, id_len);
    assert_int_equal(argon2id_hash_raw(t, m, p, pw, pw_len, bound_salt, 16, ikm, 32), ARGON2_OK);
    if (secret_key == NULL) {
        hmac(prk, (const uint8_t *)extract_salt, strlen(extract_salt), ikm, 32, NULL, 0);
    } else {
        uint8_t key_prk[32];
        hmac(key_prk, (const uint8_t *)secret_key_salt, strlen(secret_key_salt), secret_key,
             CLOAK_ACCOUNT_SECRET_KEYBYTES, NULL, 0);
        hmac(ikm + 32, key_prk, 32, id, id_len, &one, 1);
        hmac(prk, (const uint8_t *)extract_salt_with_key, strlen(extract_salt_with_key), ikm, 64, NULL, 0);
    }
    hmac(master, prk, 32, (const uint8_t *)master_info, strlen(master_info), &one, 1);
    hmac(login, prk, 32, (const uint8_t *)login_info, strlen(login_info), &one, 1);
}

/* The fixture's account id, no secret key. */
static void reference_derive(uint8_t master[32], uint8_t login[32], const uint8_t *pw, size_t pw_len,
                             const uint8_t salt[16], uint32_t m, uint32_t t, uint32_t p)
{
    reference_derive_full(master, login, pw, pw_len, account_id, ACCOUNT_ID_LEN, NULL, salt, m, t, p);
}

/* cloak_password_derive() with the fixture's account id, no secret key and the widest policy (the
 * record's own hard bounds), so that the record tests reach every record the decoder accepts. */
static int derive_wide(uint8_t *master, uint8_t *login, const uint8_t *pw, size_t pw_len, const uint8_t *record,
                       size_t record_len)
{
    return cloak_password_derive(master, login, pw, pw_len, account_id, ACCOUNT_ID_LEN, NULL, 0, record, record_len,
                                 wide_policy);
}

/* derive() on outputs pre-filled with 0xAA; on failure both must be zero and, when
 * no_allocation is set, Argon2id must not have taken any memory. */
static int derive(uint8_t master[32], uint8_t login[32], const uint8_t *pw, size_t pw_len,
                  const uint8_t *record, size_t record_len)
{
    size_t before = argon2_seen.allocations;
    int rc;
    memset(master, 0xAA, KEY_LEN);
    memset(login, 0xAA, KEY_LEN);
    rc = derive_wide(master, login, pw, pw_len, record, record_len);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(master, KEY_LEN));
        assert_true(all_zero(login, KEY_LEN));
        /* Every refusal (bounds, format, password) happens before any memory is taken. */
        assert_int_equal(argon2_seen.allocations, before);
    } else {
        assert_int_equal(argon2_seen.allocations, before + 1);
        assert_memory_not_equal(master, login, KEY_LEN);
    }
    return rc;
}

static void expect_derive_fails(int expected, const uint8_t *pw, size_t pw_len, const uint8_t *record,
                                size_t record_len)
{
    uint8_t master[KEY_LEN], login[KEY_LEN];
    assert_int_equal(derive(master, login, pw, pw_len, record, record_len), expected);
}

static int setup(void **state)
{
    (void)state;
    if (cloak_init() != 0) {
        return -1;
    }
    if (cloak_password_policy_init(wide_policy, M_MIN, M_MIN * T_MIN, M_MAX, M_MAX * T_MAX, T_MAX, P_MAX) != CLOAK_OK ||
        cloak_password_record_encode(base_record, salt0, M_MIN, T_MIN, P_MIN) != CLOAK_OK) {
        return -1;
    }
    return derive_wide(base_master, base_login, password, PASSWORD_LEN, base_record, RECORD_LEN) == CLOAK_OK ? 0 : -1;
}

/* ----------------------------------------------------------------------------------------------
 * Records
 * -------------------------------------------------------------------------------------------- */
static void test_record_layout_and_round_trip(void **state)
{
    uint8_t record[RECORD_LEN], expected[RECORD_LEN], salt[16];
    uint32_t m, t, p;
    (void)state;

    assert_int_equal(cloak_password_record_encode(record, salt0, 65536, 3, 4), CLOAK_OK);
    raw_record(expected, 65536, 3, 4, salt0);
    assert_memory_equal(record, expected, RECORD_LEN);
    /* 02 | 01 | 0001 | 16 zero bytes | m | t | p | salt */
    assert_int_equal(record[0], 0x02);
    assert_int_equal(record[1], CLOAK_TYPE_PASSWORD_RECORD);
    assert_int_equal(record[20], 0x00);
    assert_int_equal(record[21], 0x01);
    assert_int_equal(record[22], 0x00);
    assert_int_equal(record[27], 0x03);
    assert_int_equal(record[31], 0x04);

    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), CLOAK_OK);
    assert_memory_equal(salt, salt0, 16);
    assert_int_equal(m, 65536);
    assert_int_equal(t, 3);
    assert_int_equal(p, 4);

    /* Every field reaches the record: other values, other bytes. */
    assert_int_equal(cloak_password_record_encode(record, salt0, 0x000F4321U, 15, 9), CLOAK_OK);
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), CLOAK_OK);
    assert_int_equal(m, 0x000F4321U);
    assert_int_equal(t, 15);
    assert_int_equal(p, 9);

    assert_int_equal(cloak_blob_inspect((int[]){0}, salt, record, RECORD_LEN), CLOAK_OK);
    assert_true(all_zero(salt, 16));
}

static void test_record_new(void **state)
{
    uint8_t a[RECORD_LEN], b[RECORD_LEN], salt_a[16], salt_b[16];
    uint32_t m, t, p;
    (void)state;

    assert_int_equal(cloak_password_record_new(a, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                                               CLOAK_PASSWORD_PARALLELISM_DEFAULT),
                     CLOAK_OK);
    assert_int_equal(cloak_password_record_new(b, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                                               CLOAK_PASSWORD_PARALLELISM_DEFAULT),
                     CLOAK_OK);
    assert_int_equal(cloak_password_record_decode(salt_a, &m, &t, &p, a, RECORD_LEN), CLOAK_OK);
    assert_int_equal(m, 65536);
    assert_int_equal(t, 3);
    assert_int_equal(p, 4);
    assert_int_equal(cloak_password_record_decode(salt_b, &m, &t, &p, b, RECORD_LEN), CLOAK_OK);
    /* Fresh salts: equal only with probability 2^-128. */
    assert_memory_not_equal(salt_a, salt_b, 16);
    assert_false(all_zero(salt_a, 16));
    assert_memory_equal(a, b, 32);
}

/* Bounds of every parameter through encode, new and decode. */
static void check_params(uint32_t m, uint32_t t, uint32_t p, int expected)
{
    uint8_t record[RECORD_LEN], salt[16];
    uint32_t dm = 7, dt = 7, dp = 7;

    memset(record, 0xAA, sizeof record);
    assert_int_equal(cloak_password_record_encode(record, salt0, m, t, p), expected);
    if (expected != CLOAK_OK) {
        assert_true(all_zero(record, sizeof record));
    }
    memset(record, 0xAA, sizeof record);
    assert_int_equal(cloak_password_record_new(record, m, t, p), expected);
    if (expected != CLOAK_OK) {
        assert_true(all_zero(record, sizeof record));
    }
    raw_record(record, m, t, p, salt0);
    memset(salt, 0xAA, sizeof salt);
    assert_int_equal(cloak_password_record_decode(salt, &dm, &dt, &dp, record, RECORD_LEN), expected);
    if (expected != CLOAK_OK) {
        assert_true(all_zero(salt, sizeof salt));
        assert_int_equal(dm, 0);
        assert_int_equal(dt, 0);
        assert_int_equal(dp, 0);
    } else {
        assert_memory_equal(salt, salt0, 16);
        assert_int_equal(dm, m);
        assert_int_equal(dt, t);
        assert_int_equal(dp, p);
    }
}

static void test_record_bounds(void **state)
{
    (void)state;
    /* m */
    check_params(0, T_MIN, P_MIN, CLOAK_E_BAD_PARAMS);
    check_params(M_MIN - 1, T_MIN, P_MIN, CLOAK_E_BAD_PARAMS);
    check_params(M_MIN, T_MIN, P_MIN, CLOAK_OK);
    check_params(M_MAX, T_MIN, P_MIN, CLOAK_OK);
    check_params(M_MAX + 1, T_MIN, P_MIN, CLOAK_E_BAD_PARAMS);
    check_params(0xFFFFFFFFU, T_MIN, P_MIN, CLOAK_E_BAD_PARAMS);
    /* t */
    check_params(M_MIN, T_MIN - 1, P_MIN, CLOAK_E_BAD_PARAMS);
    check_params(M_MIN, T_MIN, P_MIN, CLOAK_OK);
    check_params(M_MIN, T_MAX, P_MIN, CLOAK_OK);
    check_params(M_MIN, T_MAX + 1, P_MIN, CLOAK_E_BAD_PARAMS);
    check_params(M_MIN, 0xFFFFFFFFU, P_MIN, CLOAK_E_BAD_PARAMS);
    /* p */
    check_params(M_MIN, T_MIN, P_MIN - 1, CLOAK_E_BAD_PARAMS);
    check_params(M_MIN, T_MIN, P_MIN, CLOAK_OK);
    check_params(M_MIN, T_MIN, P_MAX, CLOAK_OK);
    check_params(M_MIN, T_MIN, P_MAX + 1, CLOAK_E_BAD_PARAMS);
    check_params(M_MIN, T_MIN, 0xFFFFFFFFU, CLOAK_E_BAD_PARAMS);
    /* all at their maxima together */
    check_params(M_MAX, T_MAX, P_MAX, CLOAK_OK);
    check_params(CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                 CLOAK_PASSWORD_PARALLELISM_DEFAULT, CLOAK_OK);
}

static void test_record_null_arguments(void **state)
{
    uint8_t record[RECORD_LEN], salt[16];
    uint32_t m = 1, t = 1, p = 1;
    (void)state;

    assert_int_equal(cloak_password_record_encode(NULL, salt0, M_MIN, T_MIN, P_MIN), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_password_record_new(NULL, M_MIN, T_MIN, P_MIN), CLOAK_E_BAD_PARAMS);
    memset(record, 0xAA, sizeof record);
    assert_int_equal(cloak_password_record_encode(record, NULL, M_MIN, T_MIN, P_MIN), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(record, sizeof record));

    /* Each output NULL in turn: BAD_PARAMS, the others zeroed. */
    memset(salt, 0xAA, sizeof salt);
    assert_int_equal(cloak_password_record_decode(NULL, &m, &t, &p, base_record, RECORD_LEN), CLOAK_E_BAD_PARAMS);
    assert_true(m == 0 && t == 0 && p == 0);
    m = t = p = 1;
    assert_int_equal(cloak_password_record_decode(salt, NULL, &t, &p, base_record, RECORD_LEN), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(salt, sizeof salt) && t == 0 && p == 0);
    memset(salt, 0xAA, sizeof salt);
    m = t = p = 1;
    assert_int_equal(cloak_password_record_decode(salt, &m, NULL, &p, base_record, RECORD_LEN), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(salt, sizeof salt) && m == 0 && p == 0);
    memset(salt, 0xAA, sizeof salt);
    m = t = p = 1;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, NULL, base_record, RECORD_LEN), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(salt, sizeof salt) && m == 0 && t == 0);

    /* NULL record: malformed when empty, a programmer error with a length. */
    memset(salt, 0xAA, sizeof salt);
    m = t = p = 1;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, NULL, 0), CLOAK_E_MALFORMED);
    assert_true(all_zero(salt, sizeof salt) && m == 0 && t == 0 && p == 0);
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, NULL, RECORD_LEN), CLOAK_E_BAD_PARAMS);
    expect_derive_fails(CLOAK_E_MALFORMED, password, PASSWORD_LEN, NULL, 0);
    expect_derive_fails(CLOAK_E_BAD_PARAMS, password, PASSWORD_LEN, NULL, RECORD_LEN);
}

/* The code a decoder must give for `record` with byte i set to v (v differs from the original). */
static int expected_tamper_code(size_t i, uint8_t v, const uint8_t *record)
{
    uint8_t copy[RECORD_LEN];
    uint32_t m, t, p;

    if (i < 4) {
        return expected_header_code(i, v);
    }
    if (i < 20) {
        return CLOAK_E_MALFORMED; /* key id must be zero */
    }
    if (i < 32) {
        memcpy(copy, record, RECORD_LEN);
        copy[i] = v;
        m = ((uint32_t)copy[20] << 24) | ((uint32_t)copy[21] << 16) | ((uint32_t)copy[22] << 8) | copy[23];
        t = ((uint32_t)copy[24] << 24) | ((uint32_t)copy[25] << 16) | ((uint32_t)copy[26] << 8) | copy[27];
        p = ((uint32_t)copy[28] << 24) | ((uint32_t)copy[29] << 16) | ((uint32_t)copy[30] << 8) | copy[31];
        return (m >= M_MIN && m <= M_MAX && t >= T_MIN && t <= T_MAX && p >= P_MIN && p <= P_MAX)
                   ? CLOAK_OK
                   : CLOAK_E_BAD_PARAMS;
    }
    return CLOAK_OK; /* salt */
}

/* Every byte, every other value, through decode (cheap: no Argon2). */
static void test_record_tamper_every_byte_decode(void **state)
{
    uint8_t record[RECORD_LEN], salt[16];
    uint32_t m, t, p;
    size_t accepted = 0;
    (void)state;

    for (size_t i = 0; i < RECORD_LEN; i++) {
        for (unsigned v = 0; v < 256; v++) {
            int expected;
            if (v == base_record[i]) {
                continue;
            }
            memcpy(record, base_record, RECORD_LEN);
            record[i] = (uint8_t)v;
            expected = expected_tamper_code(i, (uint8_t)v, base_record);
            memset(salt, 0xAA, sizeof salt);
            m = t = p = 0xAAAAAAAAU;
            assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), expected);
            if (expected != CLOAK_OK) {
                assert_true(all_zero(salt, sizeof salt));
                assert_true(m == 0 && t == 0 && p == 0);
                continue;
            }
            accepted++;
            /* Accepted: the decoder reports exactly the tampered values. */
            if (i >= 32) {
                assert_int_equal(salt[i - 32], v);
            } else {
                uint8_t again[RECORD_LEN];
                assert_int_equal(cloak_password_record_encode(again, salt, m, t, p), CLOAK_OK);
                assert_memory_equal(again, record, RECORD_LEN);
            }
        }
    }
    /* 16 salt bytes x 255 values, plus the in-bounds parameter values. */
    assert_true(accepted > 16U * 255U);
    print_message("# %zu of %u tampered records still decode (salt or in-bounds parameters)\n", accepted,
                  RECORD_LEN * 255U);
}

/* Every byte through derive: refusals with the exact code and zero outputs, before any memory is
 * taken; accepted tampers (salt, in-bounds parameters) give other keys, checked independently. */
static void test_record_tamper_every_byte_derive(void **state)
{
    static const uint8_t flips[] = {0x01, 0x02};
    uint8_t record[RECORD_LEN], master[KEY_LEN], login[KEY_LEN];
    uint8_t ref_master[KEY_LEN], ref_login[KEY_LEN];
    (void)state;

    for (size_t i = 0; i < RECORD_LEN; i++) {
        for (size_t f = 0; f < sizeof flips; f++) {
            uint8_t v = (uint8_t)(base_record[i] ^ flips[f]);
            int expected = expected_tamper_code(i, v, base_record);
            /* The salt with one flip per byte is enough for "another key". */
            if (i >= 32 && f > 0) {
                continue;
            }
            memcpy(record, base_record, RECORD_LEN);
            record[i] = v;
            assert_int_equal(derive(master, login, password, PASSWORD_LEN, record, RECORD_LEN), expected);
            if (expected != CLOAK_OK) {
                continue;
            }
            assert_memory_not_equal(master, base_master, KEY_LEN);
            assert_memory_not_equal(login, base_login, KEY_LEN);
            if (i < 32) {
                uint8_t salt[16];
                uint32_t m, t, p;
                assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), CLOAK_OK);
                print_message("# byte %zu ^ 0x%02x accepted: m=%u t=%u p=%u\n", i, flips[f], m, t, p);
                reference_derive(ref_master, ref_login, password, PASSWORD_LEN, salt, m, t, p);
                assert_memory_equal(master, ref_master, KEY_LEN);
                assert_memory_equal(login, ref_login, KEY_LEN);
            }
        }
    }
    /* The type byte set to another known type, through derive too. */
    memcpy(record, base_record, RECORD_LEN);
    record[1] = CLOAK_TYPE_SECRET;
    expect_derive_fails(CLOAK_E_WRONG_TYPE, password, PASSWORD_LEN, record, RECORD_LEN);
}

/* Every shorter length and one byte more: malformed, through decode and derive. */
static void test_record_truncate_and_extend(void **state)
{
    uint8_t longer[RECORD_LEN + 1], salt[16];
    uint32_t m, t, p;
    (void)state;

    for (size_t len = 0; len < RECORD_LEN; len++) {
        memset(salt, 0xAA, sizeof salt);
        m = t = p = 1;
        assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, base_record, len), CLOAK_E_MALFORMED);
        assert_true(all_zero(salt, sizeof salt) && m == 0 && t == 0 && p == 0);
        expect_derive_fails(CLOAK_E_MALFORMED, password, PASSWORD_LEN, base_record, len);
    }
    memcpy(longer, base_record, RECORD_LEN);
    for (unsigned v = 0; v < 256; v++) {
        longer[RECORD_LEN] = (uint8_t)v;
        assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, longer, sizeof longer), CLOAK_E_MALFORMED);
    }
    expect_derive_fails(CLOAK_E_MALFORMED, password, PASSWORD_LEN, longer, sizeof longer);
}

/* Error order of section 2: header, then length, then the zero key id, then the bounds. */
static void test_record_error_order(void **state)
{
    uint8_t record[RECORD_LEN + 1], salt[16];
    uint32_t m, t, p;
    (void)state;

    memcpy(record, base_record, RECORD_LEN);
    record[0] = 0x01;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN - 1),
                     CLOAK_E_UNSUPPORTED_VERSION);
    memcpy(record, base_record, RECORD_LEN);
    record[3] = 0x03;
    record[1] = 0x00;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN + 1),
                     CLOAK_E_UNSUPPORTED_SUITE);
    /* Suite 2 exists, but not for a password record (section 2, step 5). */
    memcpy(record, base_record, RECORD_LEN);
    record[3] = 0x02;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), CLOAK_E_UNSUPPORTED_SUITE);
    memcpy(record, base_record, RECORD_LEN);
    record[1] = CLOAK_TYPE_BUNDLE;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN - 1), CLOAK_E_WRONG_TYPE);
    /* Wrong length with a bad key id and bad params: malformed (length). */
    raw_record(record, 0, 0, 0, salt0);
    record[10] = 1;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN + 1), CLOAK_E_MALFORMED);
    /* Right length, bad key id and bad params: malformed (key id) before bad params. */
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), CLOAK_E_MALFORMED);
    expect_derive_fails(CLOAK_E_MALFORMED, password, PASSWORD_LEN, record, RECORD_LEN);
    record[10] = 0;
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), CLOAK_E_BAD_PARAMS);
}

/* ----------------------------------------------------------------------------------------------
 * Derivation
 * -------------------------------------------------------------------------------------------- */

/* Out-of-bounds records are refused before Argon2id takes memory: derive() asserts that no
 * allocation happened on every failure; m = 0xFFFFFFFF (4 TiB) would otherwise be attempted. */
static void test_derive_bounds(void **state)
{
    uint8_t record[RECORD_LEN], master[KEY_LEN], login[KEY_LEN];
    static const uint32_t bad[][3] = {
        {M_MIN - 1, T_MIN, P_MIN}, {M_MAX + 1, T_MIN, P_MIN}, {0xFFFFFFFFU, T_MIN, P_MIN}, {0, T_MIN, P_MIN},
        {M_MIN, T_MIN - 1, P_MIN}, {M_MIN, T_MAX + 1, P_MIN}, {M_MIN, 0xFFFFFFFFU, P_MIN},
        {M_MIN, T_MIN, P_MIN - 1}, {M_MIN, T_MIN, P_MAX + 1}, {M_MIN, T_MIN, 0xFFFFFFFFU},
        {0xFFFFFFFFU, 0xFFFFFFFFU, 0xFFFFFFFFU},
    };
    static const uint32_t good[][3] = {
        {M_MIN, T_MIN, P_MIN}, {M_MIN, T_MAX, P_MIN}, {M_MIN, T_MIN, P_MAX}, {M_MIN + 1, T_MIN, P_MIN},
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        raw_record(record, bad[i][0], bad[i][1], bad[i][2], salt0);
        expect_derive_fails(CLOAK_E_BAD_PARAMS, password, PASSWORD_LEN, record, RECORD_LEN);
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        uint8_t ref_master[KEY_LEN], ref_login[KEY_LEN];
        raw_record(record, good[i][0], good[i][1], good[i][2], salt0);
        assert_int_equal(derive(master, login, password, PASSWORD_LEN, record, RECORD_LEN), CLOAK_OK);
        reference_derive(ref_master, ref_login, password, PASSWORD_LEN, salt0, good[i][0], good[i][1], good[i][2]);
        assert_memory_equal(master, ref_master, KEY_LEN);
        assert_memory_equal(login, ref_login, KEY_LEN);
    }
    /* m at its maximum: 1 GiB of working memory, once. */
    raw_record(record, M_MAX, T_MIN, P_MAX, salt0);
    assert_int_equal(derive(master, login, password, PASSWORD_LEN, record, RECORD_LEN), CLOAK_OK);
    assert_int_equal(argon2_seen.last_allocated_len, (size_t)M_MAX * 1024U);
}

static void test_derive_password_length(void **state)
{
    uint8_t long_pw[CLOAK_PASSWORDBYTES_MAX + 1];
    uint8_t master[KEY_LEN], login[KEY_LEN], m2[KEY_LEN], l2[KEY_LEN];
    (void)state;

    memset(long_pw, 'x', sizeof long_pw);
    expect_derive_fails(CLOAK_E_BAD_PARAMS, password, 0, base_record, RECORD_LEN);
    expect_derive_fails(CLOAK_E_BAD_PARAMS, NULL, 0, base_record, RECORD_LEN);
    expect_derive_fails(CLOAK_E_BAD_PARAMS, NULL, 1, base_record, RECORD_LEN);
    expect_derive_fails(CLOAK_E_BAD_PARAMS, long_pw, CLOAK_PASSWORDBYTES_MAX + 1, base_record, RECORD_LEN);
    expect_derive_fails(CLOAK_E_BAD_PARAMS, long_pw, SIZE_MAX, base_record, RECORD_LEN);
    /* 1 and 4096 bytes are accepted, and every byte counts. */
    assert_int_equal(derive(master, login, long_pw, 1, base_record, RECORD_LEN), CLOAK_OK);
    assert_int_equal(derive(master, login, long_pw, CLOAK_PASSWORDBYTES_MAX, base_record, RECORD_LEN), CLOAK_OK);
    long_pw[CLOAK_PASSWORDBYTES_MAX - 1] = 'y';
    assert_int_equal(derive(m2, l2, long_pw, CLOAK_PASSWORDBYTES_MAX, base_record, RECORD_LEN), CLOAK_OK);
    assert_memory_not_equal(master, m2, KEY_LEN);
    assert_memory_not_equal(login, l2, KEY_LEN);
}

static void test_derive_output_arguments(void **state)
{
    uint8_t both[KEY_LEN + KEY_LEN / 2];
    uint8_t key[KEY_LEN];
    (void)state;

    memset(key, 0xAA, sizeof key);
    assert_int_equal(derive_wide(NULL, key, password, PASSWORD_LEN, base_record, RECORD_LEN),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(key, sizeof key));
    memset(key, 0xAA, sizeof key);
    assert_int_equal(derive_wide(key, NULL, password, PASSWORD_LEN, base_record, RECORD_LEN),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(key, sizeof key));
    /* One buffer for both keys would hand the caller the login key as its "master key". */
    memset(key, 0xAA, sizeof key);
    assert_int_equal(derive_wide(key, key, password, PASSWORD_LEN, base_record, RECORD_LEN),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(key, sizeof key));
    memset(both, 0xAA, sizeof both);
    assert_int_equal(derive_wide(both, both + KEY_LEN / 2, password, PASSWORD_LEN, base_record, RECORD_LEN),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(both, sizeof both));
    memset(both, 0xAA, sizeof both);
    assert_int_equal(derive_wide(both + KEY_LEN / 2, both, password, PASSWORD_LEN, base_record, RECORD_LEN),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(both, sizeof both));
}

static void test_derive_determinism_and_separation(void **state)
{
    uint8_t master[KEY_LEN], login[KEY_LEN], m2[KEY_LEN], l2[KEY_LEN];
    uint8_t record[RECORD_LEN], record_copy[RECORD_LEN], pw_copy[sizeof password];
    uint8_t other_pw[sizeof password];
    uint8_t other_salt[16];
    (void)state;

    memcpy(record_copy, base_record, RECORD_LEN);
    memcpy(pw_copy, password, sizeof password);
    assert_int_equal(derive(master, login, password, PASSWORD_LEN, base_record, RECORD_LEN), CLOAK_OK);
    assert_memory_equal(master, base_master, KEY_LEN);
    assert_memory_equal(login, base_login, KEY_LEN);
    assert_memory_not_equal(master, login, KEY_LEN);
    /* Inputs untouched. */
    assert_memory_equal(record_copy, base_record, RECORD_LEN);
    assert_memory_equal(pw_copy, password, sizeof password);

    /* One bit of the password. */
    memcpy(other_pw, password, sizeof password);
    other_pw[0] ^= 0x01;
    assert_int_equal(derive(m2, l2, other_pw, PASSWORD_LEN, base_record, RECORD_LEN), CLOAK_OK);
    assert_memory_not_equal(m2, master, KEY_LEN);
    assert_memory_not_equal(l2, login, KEY_LEN);
    /* A prefix of the password. */
    assert_int_equal(derive(m2, l2, password, PASSWORD_LEN - 1, base_record, RECORD_LEN), CLOAK_OK);
    assert_memory_not_equal(m2, master, KEY_LEN);
    assert_memory_not_equal(l2, login, KEY_LEN);
    /* Another salt. */
    memcpy(other_salt, salt0, 16);
    other_salt[15] ^= 0x80;
    assert_int_equal(cloak_password_record_encode(record, other_salt, M_MIN, T_MIN, P_MIN), CLOAK_OK);
    assert_int_equal(derive(m2, l2, password, PASSWORD_LEN, record, RECORD_LEN), CLOAK_OK);
    assert_memory_not_equal(m2, master, KEY_LEN);
    assert_memory_not_equal(l2, login, KEY_LEN);
    /* Neither key is the raw Argon2id output. */
    {
        uint8_t raw[32];
        assert_int_equal(argon2id_hash_raw(T_MIN, M_MIN, P_MIN, password, PASSWORD_LEN, salt0, 16, raw, 32), 0);
        assert_memory_not_equal(raw, master, KEY_LEN);
        assert_memory_not_equal(raw, login, KEY_LEN);
    }
}

/*
 * Checked-in known answers: password "correct horse battery staple", account id
 * "alice@example.com", record salt 00 01 .. 0f, m = 16384, t = 1, p = 4; without a secret key, and
 * with the secret key a0 a1 .. b3. Produced by the computation of reference_derive_full() above
 * (libargon2's argon2id_hash_raw, then HMAC-SHA256 from libsodium) and again, separately, by
 * OpenSSL's Argon2id and Python's hmac (the cryptography package's Argon2id).
 */
static const uint8_t kat_master[32] = {
    0x4b, 0xf5, 0x66, 0xa4, 0x6c, 0x91, 0x8a, 0x75, 0xa0, 0xc7, 0xb4, 0xf5, 0x7d, 0x9d, 0x86, 0x4a,
    0x21, 0x5a, 0x51, 0x03, 0x8b, 0x4f, 0xaf, 0xa6, 0x5d, 0xab, 0x80, 0x27, 0xd6, 0xba, 0x56, 0xca,
};
static const uint8_t kat_login[32] = {
    0x55, 0x14, 0x6c, 0x1d, 0x4a, 0x5d, 0xbf, 0x79, 0x2f, 0x25, 0x8a, 0x75, 0xd0, 0x98, 0xd2, 0x15,
    0x29, 0x36, 0x23, 0x77, 0xa9, 0x3d, 0x4f, 0x28, 0x9f, 0xf9, 0x7e, 0x2b, 0x3b, 0x63, 0xf8, 0xd2,
};
static const uint8_t kat_key_master[32] = {
    0x54, 0xc8, 0x6e, 0x3d, 0x83, 0xb3, 0x08, 0xab, 0x06, 0x93, 0xef, 0x21, 0xef, 0xc1, 0xbf, 0x61,
    0x5b, 0x7a, 0x6f, 0x72, 0xea, 0x6a, 0x88, 0xc9, 0xd1, 0x5e, 0x78, 0xe8, 0x7a, 0xac, 0xc9, 0x91,
};
static const uint8_t kat_key_login[32] = {
    0x0b, 0xe0, 0xc0, 0xaf, 0x51, 0xe1, 0x17, 0xee, 0xd3, 0x03, 0xfe, 0x83, 0xee, 0x56, 0xb8, 0x67,
    0x16, 0x78, 0x08, 0x1a, 0x84, 0x43, 0x23, 0xbf, 0x61, 0x8b, 0x57, 0x3b, 0xa1, 0xff, 0xd4, 0x4f,
};

static void test_derive_known_answer(void **state)
{
    uint8_t record[RECORD_LEN], master[KEY_LEN], login[KEY_LEN], ref_master[KEY_LEN], ref_login[KEY_LEN];
    uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    (void)state;

    /* Independent computation, two parameter sets. */
    reference_derive(ref_master, ref_login, password, PASSWORD_LEN, salt0, M_MIN, T_MIN, P_MIN);
    assert_memory_equal(base_master, ref_master, KEY_LEN);
    assert_memory_equal(base_login, ref_login, KEY_LEN);

    assert_int_equal(cloak_password_record_encode(record, salt0, 16384, 1, 4), CLOAK_OK);
    assert_int_equal(derive(master, login, password, PASSWORD_LEN, record, RECORD_LEN), CLOAK_OK);
    reference_derive(ref_master, ref_login, password, PASSWORD_LEN, salt0, 16384, 1, 4);
    assert_memory_equal(master, ref_master, KEY_LEN);
    assert_memory_equal(login, ref_login, KEY_LEN);
    /* The checked-in constant. */
    assert_memory_equal(master, kat_master, KEY_LEN);
    assert_memory_equal(login, kat_login, KEY_LEN);

    /* With the secret key. */
    for (size_t i = 0; i < sizeof secret_key; i++) {
        secret_key[i] = (uint8_t)(0xa0U + i);
    }
    memset(master, 0xAA, sizeof master);
    memset(login, 0xAA, sizeof login);
    assert_int_equal(cloak_password_derive(master, login, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN,
                                           secret_key, sizeof secret_key, record, RECORD_LEN, wide_policy),
                     CLOAK_OK);
    reference_derive_full(ref_master, ref_login, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN, secret_key,
                          salt0, 16384, 1, 4);
    assert_memory_equal(master, ref_master, KEY_LEN);
    assert_memory_equal(login, ref_login, KEY_LEN);
    assert_memory_equal(master, kat_key_master, KEY_LEN);
    assert_memory_equal(login, kat_key_login, KEY_LEN);
}

/* cloak_password_derive() under the wide policy, outputs pre-filled; on failure both outputs must be
 * zero and Argon2id must not even have been entered. */
static int derive_with(uint8_t master[32], uint8_t login[32], const uint8_t *id, size_t id_len, const uint8_t *key,
                       size_t key_len, const uint8_t *record, const uint8_t *policy)
{
    size_t calls = argon2_seen.calls;
    int rc;

    memset(master, 0xAA, KEY_LEN);
    memset(login, 0xAA, KEY_LEN);
    rc = cloak_password_derive(master, login, password, PASSWORD_LEN, id, id_len, key, key_len, record, RECORD_LEN,
                               policy);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(master, KEY_LEN));
        assert_true(all_zero(login, KEY_LEN));
        assert_int_equal(argon2_seen.calls, calls);
    } else {
        assert_int_equal(argon2_seen.calls, calls + 1);
    }
    return rc;
}

/* The account id: 1 to 255 bytes, every byte and its length count, and it is what section 4.2
 * says (checked against the reference at both ends of its range). */
static void test_derive_account_id(void **state)
{
    uint8_t id[CLOAK_ACCOUNT_IDBYTES_MAX + 1];
    uint8_t master[KEY_LEN], login[KEY_LEN], m2[KEY_LEN], l2[KEY_LEN], rm[KEY_LEN], rl[KEY_LEN];
    (void)state;

    memset(id, 'a', sizeof id);
    assert_int_equal(derive_with(master, login, NULL, 0, NULL, 0, base_record, wide_policy), CLOAK_E_BAD_PARAMS);
    assert_int_equal(derive_with(master, login, NULL, 5, NULL, 0, base_record, wide_policy), CLOAK_E_BAD_PARAMS);
    assert_int_equal(derive_with(master, login, id, 0, NULL, 0, base_record, wide_policy), CLOAK_E_BAD_PARAMS);
    assert_int_equal(derive_with(master, login, id, CLOAK_ACCOUNT_IDBYTES_MAX + 1, NULL, 0, base_record, wide_policy),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(derive_with(master, login, id, SIZE_MAX, NULL, 0, base_record, wide_policy), CLOAK_E_BAD_PARAMS);

    assert_int_equal(derive_with(master, login, id, 1, NULL, 0, base_record, wide_policy), CLOAK_OK);
    reference_derive_full(rm, rl, password, PASSWORD_LEN, id, 1, NULL, salt0, M_MIN, T_MIN, P_MIN);
    assert_memory_equal(master, rm, KEY_LEN);
    assert_memory_equal(login, rl, KEY_LEN);
    assert_memory_not_equal(master, base_master, KEY_LEN);

    assert_int_equal(derive_with(m2, l2, id, CLOAK_ACCOUNT_IDBYTES_MAX, NULL, 0, base_record, wide_policy), CLOAK_OK);
    reference_derive_full(rm, rl, password, PASSWORD_LEN, id, CLOAK_ACCOUNT_IDBYTES_MAX, NULL, salt0, M_MIN, T_MIN,
                          P_MIN);
    assert_memory_equal(m2, rm, KEY_LEN);
    assert_memory_equal(l2, rl, KEY_LEN);
    assert_memory_not_equal(m2, master, KEY_LEN);
    assert_memory_not_equal(l2, login, KEY_LEN);

    /* The last byte of the longest id, and a prefix of the fixture's id. */
    id[CLOAK_ACCOUNT_IDBYTES_MAX - 1] = 'b';
    assert_int_equal(derive_with(master, login, id, CLOAK_ACCOUNT_IDBYTES_MAX, NULL, 0, base_record, wide_policy),
                     CLOAK_OK);
    assert_memory_not_equal(master, m2, KEY_LEN);
    assert_memory_not_equal(login, l2, KEY_LEN);
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN - 1, NULL, 0, base_record, wide_policy),
                     CLOAK_OK);
    assert_memory_not_equal(master, base_master, KEY_LEN);
    assert_memory_not_equal(login, base_login, KEY_LEN);
}

/* The secret key: none (NULL or any pointer with length 0) or exactly 20 bytes. */
static void test_derive_secret_key_arguments(void **state)
{
    uint8_t key[CLOAK_ACCOUNT_SECRET_KEYBYTES + 1];
    uint8_t master[KEY_LEN], login[KEY_LEN], m2[KEY_LEN], l2[KEY_LEN], rm[KEY_LEN], rl[KEY_LEN];
    (void)state;

    for (size_t i = 0; i < sizeof key; i++) {
        key[i] = (uint8_t)(3U * i + 1U);
    }
    for (size_t len = 1; len <= sizeof key; len++) {
        if (len == CLOAK_ACCOUNT_SECRET_KEYBYTES) {
            continue;
        }
        assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, len, base_record, wide_policy),
                         CLOAK_E_BAD_PARAMS);
    }
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, NULL, CLOAK_ACCOUNT_SECRET_KEYBYTES,
                                 base_record, wide_policy),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, SIZE_MAX, base_record, wide_policy),
                     CLOAK_E_BAD_PARAMS);

    /* A pointer with length 0 is no key: the keys of an account without one. */
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, 0, base_record, wide_policy),
                     CLOAK_OK);
    assert_memory_equal(master, base_master, KEY_LEN);
    assert_memory_equal(login, base_login, KEY_LEN);

    /* With the key: the reference, other keys than without it, and every byte of the key counts. */
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, CLOAK_ACCOUNT_SECRET_KEYBYTES,
                                 base_record, wide_policy),
                     CLOAK_OK);
    reference_derive_full(rm, rl, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN, key, salt0, M_MIN, T_MIN, P_MIN);
    assert_memory_equal(master, rm, KEY_LEN);
    assert_memory_equal(login, rl, KEY_LEN);
    assert_memory_not_equal(master, base_master, KEY_LEN);
    assert_memory_not_equal(login, base_login, KEY_LEN);
    assert_memory_not_equal(master, login, KEY_LEN);
    for (size_t i = 0; i < CLOAK_ACCOUNT_SECRET_KEYBYTES; i += CLOAK_ACCOUNT_SECRET_KEYBYTES - 1U) {
        key[i] ^= 0x80U;
        assert_int_equal(derive_with(m2, l2, account_id, ACCOUNT_ID_LEN, key, CLOAK_ACCOUNT_SECRET_KEYBYTES,
                                     base_record, wide_policy),
                         CLOAK_OK);
        key[i] ^= 0x80U;
        assert_memory_not_equal(m2, master, KEY_LEN);
        assert_memory_not_equal(l2, login, KEY_LEN);
    }
}

/* Section 4.2's order: outputs, password, account id, secret key, record, policy; then Argon2id.
 * Each step is shown by an input that is wrong in that step and every later one. */
static void test_derive_error_order(void **state)
{
    uint8_t weak[RECORD_LEN], malformed[RECORD_LEN], out_of_bounds[RECORD_LEN], bad_policy[CLOAK_PASSWORD_POLICYBYTES];
    uint8_t master[KEY_LEN], login[KEY_LEN], key[CLOAK_ACCOUNT_SECRET_KEYBYTES] = {0};
    size_t calls = argon2_seen.calls;
    (void)state;

    /* 16 MiB, t = 1: below the default policy; a header of another version; m = 0. */
    memcpy(weak, base_record, RECORD_LEN);
    memcpy(malformed, base_record, RECORD_LEN);
    malformed[0] = 0x01;
    raw_record(out_of_bounds, 0, T_MIN, P_MIN, salt0);
    /* A policy whose minimum exceeds its maximum: malformed (cloak_password_policy_init never writes it). */
    memset(bad_policy, 0xFF, sizeof bad_policy);

    /* A bad account id before a malformed record and a bad secret key. */
    assert_int_equal(derive_with(master, login, account_id, 0, key, 3, malformed, bad_policy), CLOAK_E_BAD_PARAMS);
    /* A bad secret key before a malformed record. */
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, 3, malformed, bad_policy),
                     CLOAK_E_BAD_PARAMS);
    /* The record before the policy: its header, then its bounds. */
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, NULL, 0, malformed, bad_policy),
                     CLOAK_E_UNSUPPORTED_VERSION);
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, NULL, 0, out_of_bounds, NULL),
                     CLOAK_E_BAD_PARAMS);
    /* Then the policy: malformed, then refusing the record. */
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, sizeof key, weak, bad_policy),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, sizeof key, weak, NULL),
                     CLOAK_E_WEAK_PARAMS);
    /* None of them reached Argon2id. */
    assert_int_equal(argon2_seen.calls, calls);
    /* And the same record under a policy that admits it is derived. */
    assert_int_equal(derive_with(master, login, account_id, ACCOUNT_ID_LEN, key, sizeof key, weak, wide_policy),
                     CLOAK_OK);
    assert_int_equal(argon2_seen.calls, calls + 1);
}

/* The defaults (64 MiB, t = 3, p = 4), once, against the independent computation. */
static void test_derive_defaults(void **state)
{
    uint8_t record[RECORD_LEN], salt[16], master[KEY_LEN], login[KEY_LEN], ref_master[KEY_LEN], ref_login[KEY_LEN];
    uint32_t m, t, p;
    (void)state;

    assert_int_equal(cloak_password_record_new(record, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT,
                                               CLOAK_PASSWORD_ITERATIONS_DEFAULT, CLOAK_PASSWORD_PARALLELISM_DEFAULT),
                     CLOAK_OK);
    assert_int_equal(derive(master, login, password, PASSWORD_LEN, record, RECORD_LEN), CLOAK_OK);
    assert_int_equal(argon2_seen.last_allocated_len, 65536U * 1024U);
    assert_int_equal(cloak_password_record_decode(salt, &m, &t, &p, record, RECORD_LEN), CLOAK_OK);
    reference_derive(ref_master, ref_login, password, PASSWORD_LEN, salt, m, t, p);
    assert_memory_equal(master, ref_master, KEY_LEN);
    assert_memory_equal(login, ref_login, KEY_LEN);
}

static void test_working_memory_wiped(void **state)
{
    uint8_t master[KEY_LEN], login[KEY_LEN];
    (void)state;

    argon2_seen.allocations = argon2_seen.releases = 0;
    argon2_seen.last_released_all_zero = 0;
    assert_int_equal(derive(master, login, password, PASSWORD_LEN, base_record, RECORD_LEN), CLOAK_OK);
    assert_int_equal(argon2_seen.allocations, 1);
    assert_int_equal(argon2_seen.releases, 1);
    assert_int_equal(argon2_seen.last_allocated_len, (size_t)M_MIN * 1024U);
    assert_int_equal(argon2_seen.last_released_len, (size_t)M_MIN * 1024U);
    assert_true(argon2_seen.last_released_all_zero);
}

/* CLOAK_E_NOMEM through the public API: a child process whose address space cannot hold 1 GiB
 * (RLIMIT_AS; works natively, under valgrind and under ASan, which must return NULL from a failed
 * allocation rather than report it: hence the default option, to which ASAN_OPTIONS adds). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

static size_t current_vm_bytes(void)
{
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL || fscanf(f, "%lu", &pages) != 1) {
        _exit(92);
    }
    fclose(f);
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

static int nomem_child(void)
{
    uint8_t record[RECORD_LEN], master[KEY_LEN], login[KEY_LEN];
    struct rlimit rl;
    int rc;

    if (getrlimit(RLIMIT_AS, &rl) != 0) {
        return 90;
    }
    rl.rlim_cur = (rlim_t)(current_vm_bytes() + (64U << 20));
    if (setrlimit(RLIMIT_AS, &rl) != 0) {
        return 91;
    }
    raw_record(record, M_MAX, T_MIN, P_MIN, salt0);
    memset(master, 0xAA, sizeof master);
    memset(login, 0xAA, sizeof login);
    argon2_seen.allocations = 0;
    rc = derive_wide(master, login, password, PASSWORD_LEN, record, RECORD_LEN);
    if (rc != CLOAK_E_NOMEM) {
        return 10;
    }
    if (!all_zero(master, sizeof master) || !all_zero(login, sizeof login)) {
        return 11;
    }
    return argon2_seen.allocations == 0 ? 0 : 12;
}

static void test_derive_nomem(void **state)
{
    pid_t pid;
    int status = 0;
    (void)state;

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        _exit(nomem_child());
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_layout_and_round_trip),
        cmocka_unit_test(test_record_new),
        cmocka_unit_test(test_record_bounds),
        cmocka_unit_test(test_record_null_arguments),
        cmocka_unit_test(test_record_tamper_every_byte_decode),
        cmocka_unit_test(test_record_tamper_every_byte_derive),
        cmocka_unit_test(test_record_truncate_and_extend),
        cmocka_unit_test(test_record_error_order),
        cmocka_unit_test(test_derive_bounds),
        cmocka_unit_test(test_derive_password_length),
        cmocka_unit_test(test_derive_output_arguments),
        cmocka_unit_test(test_derive_determinism_and_separation),
        cmocka_unit_test(test_derive_known_answer),
        cmocka_unit_test(test_derive_account_id),
        cmocka_unit_test(test_derive_secret_key_arguments),
        cmocka_unit_test(test_derive_error_order),
        cmocka_unit_test(test_derive_defaults),
        cmocka_unit_test(test_working_memory_wiped),
        cmocka_unit_test(test_derive_nomem),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
