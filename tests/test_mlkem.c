/*
 * ML-KEM-768 and SHA-3 (src/mlkem.h): every case of the three Wycheproof ML-KEM-768 files
 * (tests/vectors/wycheproof/mlkem_768_*.json), counted per file and in all (558), so a skipped file
 * or case fails; then what the vectors do not reach: FIPS 203's hash check on the decapsulation key,
 * implicit rejection recomputed as SHAKE256(z || c), and the FIPS 202 known answers of SHA3-256 and
 * SHAKE256 (digests from Python's hashlib).
 *
 * libcloak's ML-KEM functions take fixed-size arrays, so a case whose key, seed or ciphertext has
 * another length is refused by the caller's length check before any call: such cases must be
 * "invalid", and are counted apart from those the library itself refuses.
 */
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
#include "mlkem.h"
#include "support/bytes.h"
#include "support/vectors.h"

#define EK_LEN CLOAK_MLKEM768_PUBLICKEYBYTES
#define DK_LEN CLOAK_MLKEM768_SECRETKEYBYTES
#define CT_LEN CLOAK_MLKEM768_CIPHERTEXTBYTES
#define SS_LEN CLOAK_MLKEM768_SHAREDBYTES
/* Layout of the expanded decapsulation key: dk_PKE (384k) || ek || H(ek) || z. */
#define DK_EK_OFFSET (DK_LEN - EK_LEN - 64U)
#define DK_HASH_OFFSET (DK_LEN - 64U)
#define DK_Z_OFFSET (DK_LEN - 32U)

/* Cases processed over all files; test_total checks it last. */
static size_t total_done;

typedef struct tally {
    const char *file;
    size_t valid;
    size_t invalid_by_library; /* refused by an ML-KEM function */
    size_t invalid_by_length;  /* refused before any call: a wrong length */
    size_t done;
} tally;

static json_t *load(const char *file, tally *t, size_t expected)
{
    char rel[256];
    size_t declared, listed = 0;
    json_t *root;
    const json_t *groups;

    memset(t, 0, sizeof *t);
    t->file = file;
    snprintf(rel, sizeof rel, "wycheproof/%s", file);
    root = vector_load(rel);
    if (root == NULL) {
        fail_msg("%s: cannot parse", file);
    }
    groups = json_object_get(root, "testGroups");
    assert_true(json_is_array(groups));
    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *group = json_array_get(groups, g);
        const json_t *tests = json_object_get(group, "tests");
        assert_string_equal(json_string_value(json_object_get(group, "parameterSet")), "ML-KEM-768");
        assert_true(json_is_array(tests));
        listed += json_array_size(tests);
    }
    assert_true(json_is_number(json_object_get(root, "numberOfTests")));
    declared = (size_t)json_number_value(json_object_get(root, "numberOfTests"));
    if (declared != listed || declared != expected) {
        fail_msg("%s: numberOfTests %zu, %zu cases listed, %zu expected", file, declared, listed, expected);
    }
    return root;
}

/* The file's counts must be exactly those given (valid, refused by the library, refused by length). */
static void finish(const tally *t, size_t valid, size_t by_library, size_t by_length)
{
    printf("# %s: %zu cases: %zu valid, %zu invalid refused by the library, %zu invalid by length\n", t->file,
           t->done, t->valid, t->invalid_by_library, t->invalid_by_length);
    if (t->valid != valid || t->invalid_by_library != by_library || t->invalid_by_length != by_length ||
        t->done != valid + by_library + by_length) {
        fail_msg("%s: expected %zu valid, %zu refused by the library, %zu by length", t->file, valid, by_library,
                 by_length);
    }
    total_done += t->done;
}

static int is_valid(const json_t *tc)
{
    const char *r = json_string_value(json_object_get(tc, "result"));
    assert_non_null(r);
    if (strcmp(r, "valid") == 0) {
        return 1;
    }
    if (strcmp(r, "invalid") == 0) {
        return 0;
    }
    fail_msg("unexpected result \"%s\"", r);
    return 0;
}

static int tc_id(const json_t *tc)
{
    return (int)json_number_value(json_object_get(tc, "tcId"));
}

/* A hex field; an absent field is NULL with *len = 0 (some invalid cases omit ek). */
static uint8_t *hex_field(const json_t *obj, const char *field, size_t *len)
{
    const json_t *v = json_object_get(obj, field);
    uint8_t *b;

    *len = 0;
    if (v == NULL) {
        return NULL;
    }
    if (!json_is_string(v)) {
        fail_msg("field %s is not a string", field);
    }
    b = hex_decode(json_string_value(v), len);
    if (b == NULL) {
        fail_msg("bad hex in field %s", field);
    }
    return b;
}

#define CASE_CHECK(cond, t, tc)                                                                                \
    do {                                                                                                       \
        if (!(cond)) {                                                                                         \
            fail_msg("%s tcId %d: check failed: %s", (t)->file, tc_id(tc), #cond);                             \
        }                                                                                                      \
    } while (0)

/* ------------------------------------------------------------------------------------------------
 * Key generation from a seed: ek and the expanded dk.
 * ---------------------------------------------------------------------------------------------- */

static void test_keygen_seed(void **state)
{
    tally t;
    json_t *root = load("mlkem_768_keygen_seed_test.json", &t, 100);
    const json_t *groups = json_object_get(root, "testGroups");
    (void)state;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *tests = json_object_get(json_array_get(groups, g), "tests");
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            size_t seed_len, ek_len, dk_len;
            uint8_t *seed = hex_field(tc, "seed", &seed_len);
            uint8_t *ek = hex_field(tc, "ek", &ek_len);
            uint8_t *dk = hex_field(tc, "dk", &dk_len);
            uint8_t pk[EK_LEN], sk[DK_LEN];

            CASE_CHECK(is_valid(tc), &t, tc);
            CASE_CHECK(seed_len == CLOAK_MLKEM768_SEEDBYTES && ek_len == EK_LEN && dk_len == DK_LEN, &t, tc);
            CASE_CHECK(cloak__mlkem768_keypair_derand(pk, sk, seed) == 0, &t, tc);
            CASE_CHECK(memcmp(pk, ek, EK_LEN) == 0, &t, tc);
            CASE_CHECK(memcmp(sk, dk, DK_LEN) == 0, &t, tc);
            CASE_CHECK(cloak__mlkem768_public_key_check(pk) == 0, &t, tc);
            t.valid++;
            free(seed);
            free(ek);
            free(dk);
            t.done++;
        }
    }
    finish(&t, 100, 0, 0);
    json_decref(root);
}

/* ------------------------------------------------------------------------------------------------
 * Key generation from a seed, then decapsulation of c to K (implicit rejection included: the CCTV
 * strcmp cases and the FIPS 203 ones whose c does not re-encrypt are valid cases with the rejection
 * key as K). The invalid cases have a seed or a ciphertext of another length.
 * ---------------------------------------------------------------------------------------------- */

static void test_decaps(void **state)
{
    tally t;
    json_t *root = load("mlkem_768_test.json", &t, 193);
    const json_t *groups = json_object_get(root, "testGroups");
    (void)state;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *tests = json_object_get(json_array_get(groups, g), "tests");
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            const int valid = is_valid(tc);
            size_t seed_len, ek_len, c_len, k_len;
            uint8_t *seed = hex_field(tc, "seed", &seed_len);
            uint8_t *ek = hex_field(tc, "ek", &ek_len);
            uint8_t *c = hex_field(tc, "c", &c_len);
            uint8_t *k = hex_field(tc, "K", &k_len);
            uint8_t pk[EK_LEN], sk[DK_LEN], ss[SS_LEN];

            if (seed_len != CLOAK_MLKEM768_SEEDBYTES || c_len != CT_LEN) {
                CASE_CHECK(!valid, &t, tc);
                t.invalid_by_length++;
            } else {
                /* Decapsulation never fails on a well-formed key: a bad c gives the rejection key. */
                CASE_CHECK(valid, &t, tc);
                CASE_CHECK(cloak__mlkem768_keypair_derand(pk, sk, seed) == 0, &t, tc);
                if (ek != NULL) {
                    CASE_CHECK(ek_len == EK_LEN && memcmp(pk, ek, EK_LEN) == 0, &t, tc);
                }
                memset(ss, 0xAA, sizeof ss);
                CASE_CHECK(cloak__mlkem768_decaps(ss, c, sk) == 0, &t, tc);
                CASE_CHECK(k_len == SS_LEN && memcmp(ss, k, SS_LEN) == 0, &t, tc);
                t.valid++;
            }
            free(seed);
            free(ek);
            free(c);
            free(k);
            t.done++;
        }
    }
    finish(&t, 153, 0, 40);
    json_decref(root);
}

/* ------------------------------------------------------------------------------------------------
 * Encapsulation from m: (c, K), or the modulus check's refusal (FIPS 203 section 7.2) with c and K
 * zeroed. Invalid keys of another length never reach the library.
 * ---------------------------------------------------------------------------------------------- */

static void test_encaps(void **state)
{
    tally t;
    json_t *root = load("mlkem_768_encaps_test.json", &t, 265);
    const json_t *groups = json_object_get(root, "testGroups");
    (void)state;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *tests = json_object_get(json_array_get(groups, g), "tests");
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            const int valid = is_valid(tc);
            size_t ek_len, m_len, c_len, k_len;
            uint8_t *ek = hex_field(tc, "ek", &ek_len);
            uint8_t *m = hex_field(tc, "m", &m_len);
            uint8_t *c = hex_field(tc, "c", &c_len);
            uint8_t *k = hex_field(tc, "K", &k_len);
            uint8_t ct[CT_LEN], ss[SS_LEN];
            int rc;

            CASE_CHECK(m_len == CLOAK_MLKEM768_ENCAPS_RANDBYTES, &t, tc);
            if (ek_len != EK_LEN) {
                CASE_CHECK(!valid, &t, tc);
                t.invalid_by_length++;
            } else {
                memset(ct, 0xAA, sizeof ct);
                memset(ss, 0xAA, sizeof ss);
                rc = cloak__mlkem768_encaps_derand(ct, ss, ek, m);
                if (valid) {
                    CASE_CHECK(rc == 0, &t, tc);
                    CASE_CHECK(cloak__mlkem768_public_key_check(ek) == 0, &t, tc);
                    CASE_CHECK(c_len == CT_LEN && memcmp(ct, c, CT_LEN) == 0, &t, tc);
                    CASE_CHECK(k_len == SS_LEN && memcmp(ss, k, SS_LEN) == 0, &t, tc);
                    t.valid++;
                } else {
                    CASE_CHECK(rc == -1, &t, tc);
                    CASE_CHECK(cloak__mlkem768_public_key_check(ek) == -1, &t, tc);
                    CASE_CHECK(all_zero(ct, sizeof ct) && all_zero(ss, sizeof ss), &t, tc);
                    t.invalid_by_library++;
                }
            }
            free(ek);
            free(m);
            free(c);
            free(k);
            t.done++;
        }
    }
    finish(&t, 133, 112, 20);
    json_decref(root);
}

/* Runs after the three files: every case of every file was processed. */
static void test_total(void **state)
{
    (void)state;
    printf("# ML-KEM-768 Wycheproof cases processed: %zu\n", total_done);
    assert_int_equal(total_done, 558);
}

/* ------------------------------------------------------------------------------------------------
 * What the vectors do not reach
 * ---------------------------------------------------------------------------------------------- */

static void fixed_keypair(uint8_t pk[EK_LEN], uint8_t sk[DK_LEN])
{
    uint8_t seed[CLOAK_MLKEM768_SEEDBYTES];

    for (size_t i = 0; i < sizeof seed; i++) {
        seed[i] = (uint8_t)(0x40U + i);
    }
    assert_int_equal(cloak__mlkem768_keypair_derand(pk, sk, seed), 0);
}

/* FIPS 203 section 7.3: a dk whose embedded ek does not hash to its H(ek) is refused, ss zeroed.
 * The secret parts (dk_PKE, z) are not checked: a change there only changes the key. */
static void test_decaps_key_check(void **state)
{
    uint8_t pk[EK_LEN], sk[DK_LEN], bad[DK_LEN], ct[CT_LEN], ss[SS_LEN], k[SS_LEN], m[32];
    /* One bit of H(ek), of ek's first or last byte: refused. */
    const size_t refused[] = {DK_HASH_OFFSET, DK_HASH_OFFSET + 31U, DK_EK_OFFSET, DK_EK_OFFSET + EK_LEN - 1U};
    (void)state;

    fixed_keypair(pk, sk);
    memset(m, 0x5a, sizeof m);
    assert_int_equal(cloak__mlkem768_encaps_derand(ct, k, pk, m), 0);
    assert_int_equal(cloak__mlkem768_decaps(ss, ct, sk), 0);
    assert_memory_equal(ss, k, SS_LEN);
    /* dk embeds ek and H(ek) where FIPS 203 puts them. */
    assert_memory_equal(sk + DK_EK_OFFSET, pk, EK_LEN);
    cloak__sha3_256(k, pk, EK_LEN);
    assert_memory_equal(sk + DK_HASH_OFFSET, k, 32);
    assert_int_equal(cloak__mlkem768_encaps_derand(ct, k, pk, m), 0);

    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        memcpy(bad, sk, DK_LEN);
        bad[refused[i]] ^= 0x01;
        memset(ss, 0xAA, sizeof ss);
        assert_int_equal(cloak__mlkem768_decaps(ss, ct, bad), -1);
        assert_true(all_zero(ss, sizeof ss));
    }
    /* z: the ciphertext still re-encrypts, so K is unchanged. */
    memcpy(bad, sk, DK_LEN);
    bad[DK_Z_OFFSET] ^= 0x01;
    assert_int_equal(cloak__mlkem768_decaps(ss, ct, bad), 0);
    assert_memory_equal(ss, k, SS_LEN);
    /* dk_PKE: decryption goes wrong, the re-encryption differs, the rejection key comes out. */
    memcpy(bad, sk, DK_LEN);
    bad[0] ^= 0x01;
    assert_int_equal(cloak__mlkem768_decaps(ss, ct, bad), 0);
    assert_memory_not_equal(ss, k, SS_LEN);
}

/* Implicit rejection: a ciphertext that does not re-encrypt gives K' = SHAKE256(z || c, 32), and
 * each different ciphertext its own. */
static void test_implicit_rejection(void **state)
{
    uint8_t pk[EK_LEN], sk[DK_LEN], ct[CT_LEN], ss[SS_LEN], k[SS_LEN], m[32], expect[SS_LEN];
    uint8_t zc[32 + CT_LEN];
    const size_t flips[] = {0, 1, CT_LEN / 2U, CT_LEN - 1U};
    (void)state;

    fixed_keypair(pk, sk);
    memset(m, 0x33, sizeof m);
    assert_int_equal(cloak__mlkem768_encaps_derand(ct, k, pk, m), 0);
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        ct[flips[i]] ^= 0x80;
        memcpy(zc, sk + DK_Z_OFFSET, 32);
        memcpy(zc + 32, ct, CT_LEN);
        cloak__shake256(expect, sizeof expect, zc, sizeof zc);
        assert_int_equal(cloak__mlkem768_decaps(ss, ct, sk), 0);
        assert_memory_equal(ss, expect, SS_LEN);
        assert_memory_not_equal(ss, k, SS_LEN);
        ct[flips[i]] ^= 0x80;
    }
    assert_int_equal(cloak__mlkem768_decaps(ss, ct, sk), 0);
    assert_memory_equal(ss, k, SS_LEN);
}

/* Encapsulation to an ek with one coefficient equal to q (3329) is refused; below q it is not. */
static void test_modulus_check(void **state)
{
    uint8_t pk[EK_LEN], sk[DK_LEN], ct[CT_LEN], ss[SS_LEN], m[32];
    (void)state;

    fixed_keypair(pk, sk);
    memset(m, 0x11, sizeof m);
    /* The first two coefficients are packed in 12 bits each in bytes 0..2: set the first to q,
     * then to q - 1. */
    pk[0] = (uint8_t)(3329U & 0xffU);
    pk[1] = (uint8_t)((pk[1] & 0xf0U) | (3329U >> 8));
    memset(ct, 0xAA, sizeof ct);
    memset(ss, 0xAA, sizeof ss);
    assert_int_equal(cloak__mlkem768_public_key_check(pk), -1);
    assert_int_equal(cloak__mlkem768_encaps_derand(ct, ss, pk, m), -1);
    assert_true(all_zero(ct, sizeof ct));
    assert_true(all_zero(ss, sizeof ss));
    pk[0] = (uint8_t)(3328U & 0xffU);
    pk[1] = (uint8_t)((pk[1] & 0xf0U) | (3328U >> 8));
    assert_int_equal(cloak__mlkem768_public_key_check(pk), 0);
    assert_int_equal(cloak__mlkem768_encaps_derand(ct, ss, pk, m), 0);
}

/* ------------------------------------------------------------------------------------------------
 * FIPS 202: SHA3-256 and SHAKE256. Empty input and "abc" (FIPS 202's examples), and inputs of
 * 0, 1, 2, 3, ... (mod 256) around the rate of 136 bytes and at 1120 bytes (z || c of ML-KEM-768's
 * rejection). Every digest was computed with Python's hashlib when the test was written.
 * ---------------------------------------------------------------------------------------------- */

typedef struct hash_case {
    long len; /* -1: "abc" */
    const char *sha3_256;
    const char *shake256_32;
} hash_case;

static const hash_case hash_cases[] = {
    {0, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
     "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"},
    {-1, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
     "483366601360a8771c6863080cc4114d8db44530f8f1e1ee4f94ea37e78b5739"},
    {135, "fded8fd9d6551c601eeb3b7c6bc5e5cfd8aad1d015b7e9aaa9c9b9475231d5e2",
     "c45dae624ad8a2f5aa7bac9d7557737fd91c96eedb70a6be5574d57a844eade0"},
    {136, "cf3ccff92480a29160c2d38317c430e14749bfee1788106957dfe73f8c4930e5",
     "b7ff4073b3f5a8eabd6e17705ca7f6761a31058f9df781a6a47e3a3063b9d67a"},
    {137, "ce9d7dc90913ee5d92745019479a5352c6d6279bef18ed07dc0a83ee8084daca",
     "01d90952c642a5eb2a8fc9d713f843a45d7ac05132dddcb2efc9bebc27e37bcb"},
    {1120, "babe15fddd024c3115c8b5cf53a4192be6f9ffdd7bdae2b71ec9c93e849092e7",
     "ded57d43ad601b8d29d82cd137c86ddf1e40433a265f23199a149fe7d9e4147e"},
};

static void test_fips202(void **state)
{
    uint8_t in[1120], out[32], expect[32];
    uint8_t longer[300], longer_prefix[32], tail[32];
    (void)state;

    for (size_t i = 0; i < sizeof in; i++) {
        in[i] = (uint8_t)i;
    }
    for (size_t i = 0; i < sizeof hash_cases / sizeof hash_cases[0]; i++) {
        const hash_case *h = &hash_cases[i];
        const uint8_t *msg = h->len < 0 ? (const uint8_t *)"abc" : (h->len == 0 ? NULL : in);
        const size_t len = h->len < 0 ? 3U : (size_t)h->len;

        assert_int_equal(hex_decode_exact(expect, sizeof expect, h->sha3_256), 0);
        memset(out, 0xAA, sizeof out);
        cloak__sha3_256(out, msg, len);
        assert_memory_equal(out, expect, sizeof out);
        assert_int_equal(hex_decode_exact(expect, sizeof expect, h->shake256_32), 0);
        memset(out, 0xAA, sizeof out);
        cloak__shake256(out, sizeof out, msg, len);
        assert_memory_equal(out, expect, sizeof out);
    }
    /* SHAKE256 beyond one block (136 bytes) of output: 300 bytes from the 136-byte input; the
     * first 32 are the 32-byte output, the last 32 are hashlib's. */
    cloak__shake256(longer, sizeof longer, in, 136);
    cloak__shake256(longer_prefix, sizeof longer_prefix, in, 136);
    assert_memory_equal(longer, longer_prefix, sizeof longer_prefix);
    assert_int_equal(hex_decode_exact(tail, sizeof tail,
                                      "91962dfbaa95eb700ce10e88cfa3b7911a24d648b1bf2b782c7c7a0867dbae51"),
                     0);
    assert_memory_equal(longer + sizeof longer - 32U, tail, sizeof tail);
    /* Output exactly two blocks long, from "abc": its last 32 bytes. */
    cloak__shake256(longer, 272, (const uint8_t *)"abc", 3);
    assert_int_equal(hex_decode_exact(tail, sizeof tail,
                                      "ea24d4449a2477d172a5507dcc931412fc346b1bb39b878330e026b12ddf384a"),
                     0);
    assert_memory_equal(longer + 240, tail, sizeof tail);
    /* Zero-length output writes nothing; in place (out over in) hashes the input first. */
    cloak__shake256(NULL, 0, in, 3);
    memcpy(longer, "abc", 3);
    cloak__sha3_256(longer, longer, 3);
    assert_int_equal(hex_decode_exact(expect, sizeof expect, hash_cases[1].sha3_256), 0);
    assert_memory_equal(longer, expect, 32);
}

static void test_implementation_name(void **state)
{
    const char *name = cloak__mlkem_implementation();
    (void)state;

    assert_non_null(name);
    assert_non_null(strstr(name, "mlkem-native"));
    printf("# %s\n", name);
}

static int setup(void **state)
{
    (void)state;
    return cloak_init() == CLOAK_OK ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keygen_seed),
        cmocka_unit_test(test_decaps),
        cmocka_unit_test(test_encaps),
        cmocka_unit_test(test_total),
        cmocka_unit_test(test_decaps_key_check),
        cmocka_unit_test(test_implicit_rejection),
        cmocka_unit_test(test_modulus_check),
        cmocka_unit_test(test_fips202),
        cmocka_unit_test(test_implementation_name),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
