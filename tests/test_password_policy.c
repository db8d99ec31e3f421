/*
 * The client's Argon2id cost policy (src/password_policy.c, docs/protocol.md section 4.3).
 *
 * - the policy's bytes: six big-endian 32-bit values, the default's equal to the header's macros;
 * - cloak_password_policy_init(): every rule refused at its edge (and accepted just inside it),
 *   "some record passes" included, the output zeroed on refusal;
 * - cloak_password_record_check(): the default policy's floor and ceiling (16 MiB x 1 and
 *   32 MiB x 8 below the floor, 1 GiB, 256 MiB x 4, 16 lanes and 16 passes above the ceiling;
 *   256 MiB x 1 and the default record admitted), each rule of a custom policy on both sides of
 *   its edge, a malformed policy (each rule broken in raw bytes), the record's own refusals first;
 * - cloak_password_derive() refuses the same records with CLOAK_E_WEAK_PARAMS before Argon2id is
 *   entered at all (tests/support/argon2_watch.h counts the calls), and really derives at 256 MiB
 *   with one pass under the default policy.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cloak.h"
#include "support/argon2_watch.h"
#include "support/bytes.h"

#define POLICY_LEN CLOAK_PASSWORD_POLICYBYTES
#define RECORD_LEN CLOAK_PASSWORD_RECORDBYTES
#define MIB 1024U /* KiB */

static const uint8_t salt0[CLOAK_PASSWORD_SALTBYTES] = "policy test salt";
static const uint8_t password[] = "correct horse battery staple";
#define PASSWORD_LEN (sizeof password - 1U)
static const uint8_t account_id[] = "alice@example.com";
#define ACCOUNT_ID_LEN (sizeof account_id - 1U)

/* The six values as bytes, written here from section 4.3, without the library. */
static void raw_policy(uint8_t out[POLICY_LEN], uint32_t m_min, uint32_t cost_min, uint32_t m_max, uint32_t cost_max,
                       uint32_t t_max, uint32_t p_max)
{
    const uint32_t v[6] = {m_min, cost_min, m_max, cost_max, t_max, p_max};

    for (size_t i = 0; i < 6; i++) {
        out[4 * i] = (uint8_t)(v[i] >> 24);
        out[4 * i + 1] = (uint8_t)(v[i] >> 16);
        out[4 * i + 2] = (uint8_t)(v[i] >> 8);
        out[4 * i + 3] = (uint8_t)v[i];
    }
}

/* A record written byte by byte (section 4.1), so that out-of-bounds values can be written too. */
static void raw_record(uint8_t out[RECORD_LEN], uint32_t m, uint32_t t, uint32_t p)
{
    const uint32_t v[3] = {m, t, p};

    memset(out, 0, RECORD_LEN);
    out[0] = 0x02;
    out[1] = CLOAK_TYPE_PASSWORD_RECORD;
    out[3] = 0x01;
    for (size_t i = 0; i < 3; i++) {
        out[20 + 4 * i] = (uint8_t)(v[i] >> 24);
        out[21 + 4 * i] = (uint8_t)(v[i] >> 16);
        out[22 + 4 * i] = (uint8_t)(v[i] >> 8);
        out[23 + 4 * i] = (uint8_t)v[i];
    }
    memcpy(out + 32, salt0, sizeof salt0);
}

/* A derive the test expects refused: both outputs zero, and Argon2id never entered. */
static void expect_derive_refused(int expected, const uint8_t *record, const uint8_t *policy)
{
    uint8_t master[CLOAK_KEYBYTES], login[CLOAK_KEYBYTES];
    size_t calls = argon2_seen.calls, allocations = argon2_seen.allocations;

    memset(master, 0xAA, sizeof master);
    memset(login, 0xAA, sizeof login);
    assert_int_equal(cloak_password_derive(master, login, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN, NULL, 0,
                                           record, RECORD_LEN, policy),
                     expected);
    assert_true(all_zero(master, sizeof master));
    assert_true(all_zero(login, sizeof login));
    assert_int_equal(argon2_seen.calls, calls);
    assert_int_equal(argon2_seen.allocations, allocations);
}

static int setup(void **state)
{
    (void)state;
    return cloak_init() == CLOAK_OK ? 0 : -1;
}

/* ----------------------------------------------------------------------------------------------
 * The policy's bytes and its constructor
 * -------------------------------------------------------------------------------------------- */
static void test_default_policy_bytes(void **state)
{
    uint8_t got[POLICY_LEN + 2], expected[POLICY_LEN], built[POLICY_LEN];
    (void)state;

    /* The values the issue fixes, not only the macros' names. */
    assert_int_equal(CLOAK_PASSWORD_POLICY_MEMORY_KIB_MIN, 64U * MIB);
    assert_int_equal(CLOAK_PASSWORD_POLICY_COST_MIN, 64U * MIB * 3U);
    assert_int_equal(CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX, 256U * MIB);
    assert_int_equal(CLOAK_PASSWORD_POLICY_COST_MAX, 256U * MIB * 3U);
    assert_int_equal(CLOAK_PASSWORD_POLICY_ITERATIONS_MAX, 12U);
    assert_int_equal(CLOAK_PASSWORD_POLICY_PARALLELISM_MAX, 8U);

    memset(got, 0x55, sizeof got);
    cloak_password_policy_default(got + 1);
    assert_int_equal(got[0], 0x55);
    assert_int_equal(got[POLICY_LEN + 1], 0x55);
    raw_policy(expected, 64U * MIB, 192U * MIB, 256U * MIB, 768U * MIB, 12, 8);
    assert_memory_equal(got + 1, expected, POLICY_LEN);
    /* init with the same values writes the same bytes. */
    assert_int_equal(cloak_password_policy_init(built, 64U * MIB, 192U * MIB, 256U * MIB, 768U * MIB, 12, 8),
                     CLOAK_OK);
    assert_memory_equal(built, expected, POLICY_LEN);
    /* And each value lands in its own field. */
    assert_int_equal(cloak_password_policy_init(built, 0x00010203U, 0x00040506U, 0x00070809U, 0x000A0B0CU, 13, 14),
                     CLOAK_OK);
    raw_policy(expected, 0x00010203U, 0x00040506U, 0x00070809U, 0x000A0B0CU, 13, 14);
    assert_memory_equal(built, expected, POLICY_LEN);
}

typedef struct policy_values {
    uint32_t m_min, cost_min, m_max, cost_max, t_max, p_max;
} policy_values;

#define M_LO CLOAK_PASSWORD_MEMORY_KIB_MIN
#define M_HI CLOAK_PASSWORD_MEMORY_KIB_MAX
#define T_HI CLOAK_PASSWORD_ITERATIONS_MAX
#define P_HI CLOAK_PASSWORD_PARALLELISM_MAX
#define COST_LO (M_LO * CLOAK_PASSWORD_ITERATIONS_MIN)
#define COST_HI (M_HI * T_HI)

/* The widest policy init accepts: the record's own bounds. */
static const policy_values widest = {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI};

/* One rule broken at a time, each at its edge; and the neighbour on the right side of it. */
static const struct {
    const char *rule;
    policy_values bad, good;
} init_rules[] = {
    {"memory minimum below the record's", {M_LO - 1, COST_LO, M_HI, COST_HI, T_HI, P_HI}, {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI}},
    {"memory maximum above the record's", {M_LO, COST_LO, M_HI + 1, COST_HI, T_HI, P_HI}, {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI}},
    {"memory minimum above the maximum", {2 * M_LO + 1, 2 * M_LO + 1, 2 * M_LO, COST_HI, T_HI, P_HI}, {2 * M_LO, 2 * M_LO, 2 * M_LO, COST_HI, T_HI, P_HI}},
    {"cost floor below the record's", {M_LO, COST_LO - 1, M_HI, COST_HI, T_HI, P_HI}, {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI}},
    {"cost ceiling above the record's", {M_LO, COST_LO, M_HI, COST_HI + 1, T_HI, P_HI}, {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI}},
    {"cost floor above the ceiling", {M_LO, 4 * M_LO + 1, M_HI, 4 * M_LO, T_HI, P_HI}, {M_LO, 4 * M_LO, M_HI, 4 * M_LO, T_HI, P_HI}},
    {"passes maximum zero", {M_LO, COST_LO, M_HI, COST_HI, 0, P_HI}, {M_LO, COST_LO, M_HI, COST_HI, 1, P_HI}},
    {"passes maximum above the record's", {M_LO, COST_LO, M_HI, COST_HI, T_HI + 1, P_HI}, {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI}},
    {"lanes maximum zero", {M_LO, COST_LO, M_HI, COST_HI, T_HI, 0}, {M_LO, COST_LO, M_HI, COST_HI, T_HI, 1}},
    {"lanes maximum above the record's", {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI + 1}, {M_LO, COST_LO, M_HI, COST_HI, T_HI, P_HI}},
    /* No record passes: the smallest (one pass over the memory floor) costs more than the
     * ceiling; or the largest the passes maximum allows costs less than the floor. */
    {"ceiling below the memory floor's one pass", {4 * M_LO, COST_LO, M_HI, 4 * M_LO - 1, T_HI, P_HI}, {4 * M_LO, COST_LO, M_HI, 4 * M_LO, T_HI, P_HI}},
    {"floor above the memory maximum's last pass", {M_LO, 2 * M_LO + 1, M_LO, COST_HI, 2, P_HI}, {M_LO, 2 * M_LO, M_LO, COST_HI, 2, P_HI}},
    {"no pass count meets both costs", {3 * M_LO, 5 * M_LO, 4 * M_LO, 5 * M_LO, 1, P_HI}, {3 * M_LO, 5 * M_LO, 4 * M_LO, 6 * M_LO, 2, P_HI}},
    {"everything zero", {0, 0, 0, 0, 0, 0}, {M_LO, COST_LO, M_LO, COST_LO, 1, 1}},
    {"everything at its largest", {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX}, {M_HI, COST_HI, M_HI, COST_HI, T_HI, P_HI}},
};
#define N_INIT_RULES (sizeof init_rules / sizeof init_rules[0])

static int init_with(uint8_t out[POLICY_LEN], const policy_values *v)
{
    return cloak_password_policy_init(out, v->m_min, v->cost_min, v->m_max, v->cost_max, v->t_max, v->p_max);
}

static void test_policy_init_rules(void **state)
{
    uint8_t policy[POLICY_LEN], expected[POLICY_LEN];
    (void)state;

    assert_int_equal(init_with(policy, &widest), CLOAK_OK);
    for (size_t i = 0; i < N_INIT_RULES; i++) {
        const policy_values *b = &init_rules[i].bad, *g = &init_rules[i].good;
        print_message("# %s\n", init_rules[i].rule);
        memset(policy, 0xAA, sizeof policy);
        assert_int_equal(init_with(policy, b), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(policy, sizeof policy));
        memset(policy, 0xAA, sizeof policy);
        assert_int_equal(init_with(policy, g), CLOAK_OK);
        raw_policy(expected, g->m_min, g->cost_min, g->m_max, g->cost_max, g->t_max, g->p_max);
        assert_memory_equal(policy, expected, sizeof policy);
    }
    assert_int_equal(init_with(NULL, &widest), CLOAK_E_BAD_PARAMS);
}

/* The same rules on bytes no init wrote: a malformed policy is refused wherever it is read, before
 * any Argon2id work, and after the record's own checks. */
static void test_malformed_policy_bytes(void **state)
{
    uint8_t policy[POLICY_LEN], record[RECORD_LEN], bad_record[RECORD_LEN];
    (void)state;

    argon2_seen_reset();
    raw_record(record, 64U * MIB, 3, 4);
    raw_record(bad_record, 64U * MIB, 3, 4);
    bad_record[4] = 0x01; /* reserved key id */
    for (size_t i = 0; i < N_INIT_RULES; i++) {
        const policy_values *b = &init_rules[i].bad, *g = &init_rules[i].good;
        raw_policy(policy, b->m_min, b->cost_min, b->m_max, b->cost_max, b->t_max, b->p_max);
        assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), CLOAK_E_BAD_PARAMS);
        expect_derive_refused(CLOAK_E_BAD_PARAMS, record, policy);
        /* The record is read first. */
        assert_int_equal(cloak_password_record_check(bad_record, RECORD_LEN, policy), CLOAK_E_MALFORMED);
        expect_derive_refused(CLOAK_E_MALFORMED, bad_record, policy);
        /* The good neighbour is well formed (admitting the record or not). */
        raw_policy(policy, g->m_min, g->cost_min, g->m_max, g->cost_max, g->t_max, g->p_max);
        assert_int_not_equal(cloak_password_record_check(record, RECORD_LEN, policy), CLOAK_E_BAD_PARAMS);
    }
    assert_int_equal(argon2_seen.calls, 0);
}

/* ----------------------------------------------------------------------------------------------
 * Records against policies
 * -------------------------------------------------------------------------------------------- */

/* The default policy, through NULL and through its bytes: the examples and each edge. */
static const struct {
    uint32_t m, t, p;
    int expected;
} default_cases[] = {
    /* below the floor */
    {16U * MIB, 1, 1, CLOAK_E_WEAK_PARAMS},     /* the old cheapest record */
    {16U * MIB, 16, 1, CLOAK_E_WEAK_PARAMS},    /* memory below the minimum, whatever the passes */
    {32U * MIB, 8, 4, CLOAK_E_WEAK_PARAMS},     /* cost 256 MiB x 1 above the floor; memory below */
    {64U * MIB - 1, 4, 4, CLOAK_E_WEAK_PARAMS}, /* memory one KiB short */
    {64U * MIB, 2, 4, CLOAK_E_WEAK_PARAMS},     /* memory right, cost 64 MiB x 2 short */
    {96U * MIB - 1, 2, 4, CLOAK_E_WEAK_PARAMS}, /* cost one KiB x 2 short of 192 MiB */
    /* admitted */
    {64U * MIB, 3, 4, CLOAK_OK},                /* the default record */
    {96U * MIB, 2, 4, CLOAK_OK},                /* the cost floor exactly */
    {256U * MIB, 1, 4, CLOAK_OK},               /* one pass over more memory */
    {128U * MIB, 6, 8, CLOAK_OK},               /* the cost ceiling exactly, the most lanes */
    {64U * MIB, 12, 1, CLOAK_OK},               /* the most passes */
    {256U * MIB, 3, 1, CLOAK_OK},               /* the most memory at the ceiling */
    /* above the ceiling */
    {1024U * MIB, 1, 4, CLOAK_E_WEAK_PARAMS},   /* 1 GiB */
    {256U * MIB + 1, 1, 4, CLOAK_E_WEAK_PARAMS},/* memory one KiB over */
    {256U * MIB, 4, 4, CLOAK_E_WEAK_PARAMS},    /* 256 MiB x 4 */
    {128U * MIB, 7, 4, CLOAK_E_WEAK_PARAMS},    /* cost over */
    {64U * MIB, 3, 16, CLOAK_E_WEAK_PARAMS},    /* 16 lanes */
    {64U * MIB, 3, 9, CLOAK_E_WEAK_PARAMS},     /* 9 lanes */
    {64U * MIB, 16, 4, CLOAK_E_WEAK_PARAMS},    /* 16 passes */
    {64U * MIB, 13, 4, CLOAK_E_WEAK_PARAMS},    /* 13 passes */
};

static void test_default_policy_floor_and_ceiling(void **state)
{
    uint8_t record[RECORD_LEN], policy[POLICY_LEN];
    (void)state;

    argon2_seen_reset();
    cloak_password_policy_default(policy);
    for (size_t i = 0; i < sizeof default_cases / sizeof default_cases[0]; i++) {
        raw_record(record, default_cases[i].m, default_cases[i].t, default_cases[i].p);
        assert_int_equal(cloak_password_record_check(record, RECORD_LEN, NULL), default_cases[i].expected);
        assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), default_cases[i].expected);
        if (default_cases[i].expected != CLOAK_OK) {
            expect_derive_refused(default_cases[i].expected, record, NULL);
            expect_derive_refused(default_cases[i].expected, record, policy);
        }
    }
    /* Not one Argon2id call for all those refusals (1 GiB included). */
    assert_int_equal(argon2_seen.calls, 0);
}

/* A custom policy: each of the six rules on both sides of its edge, the others satisfied. */
static void test_custom_policy_rules(void **state)
{
    static const struct {
        uint32_t m, t, p;
        int expected;
    } cases[] = {
        {32U * MIB, 2, 2, CLOAK_OK},                  /* memory floor and cost floor exactly */
        {32U * MIB - 1, 4, 2, CLOAK_E_WEAK_PARAMS},   /* memory floor */
        {32U * MIB, 1, 2, CLOAK_E_WEAK_PARAMS},       /* cost floor */
        {128U * MIB, 2, 2, CLOAK_OK},                 /* memory ceiling and cost ceiling exactly */
        {128U * MIB + 1, 1, 2, CLOAK_E_WEAK_PARAMS},  /* memory ceiling */
        {128U * MIB, 3, 2, CLOAK_E_WEAK_PARAMS},      /* cost ceiling */
        {40U * MIB, 4, 2, CLOAK_OK},                  /* passes maximum exactly */
        {40U * MIB, 5, 2, CLOAK_E_WEAK_PARAMS},       /* passes maximum */
        {64U * MIB, 2, 3, CLOAK_E_WEAK_PARAMS},       /* lanes maximum */
        {64U * MIB, 2, 1, CLOAK_OK},
    };
    uint8_t record[RECORD_LEN], policy[POLICY_LEN];
    (void)state;

    argon2_seen_reset();
    assert_int_equal(cloak_password_policy_init(policy, 32U * MIB, 64U * MIB, 128U * MIB, 256U * MIB, 4, 2), CLOAK_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        raw_record(record, cases[i].m, cases[i].t, cases[i].p);
        assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), cases[i].expected);
        if (cases[i].expected != CLOAK_OK) {
            expect_derive_refused(cases[i].expected, record, policy);
        }
    }
    assert_int_equal(argon2_seen.calls, 0);
    /* A policy of exactly one record: 16 MiB, one pass, one lane (the tests' low policy). */
    assert_int_equal(cloak_password_policy_init(policy, M_LO, M_LO, M_LO, M_LO, 1, 1), CLOAK_OK);
    raw_record(record, M_LO, 1, 1);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), CLOAK_OK);
    raw_record(record, M_LO, 2, 1);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), CLOAK_E_WEAK_PARAMS);
    raw_record(record, M_LO, 1, 2);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), CLOAK_E_WEAK_PARAMS);
    raw_record(record, M_LO + 1, 1, 1);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), CLOAK_E_WEAK_PARAMS);
}

/* The record is checked as a record first: its own codes, whatever the policy. */
static void test_record_check_record_errors(void **state)
{
    uint8_t record[RECORD_LEN + 1], policy[POLICY_LEN];
    (void)state;

    cloak_password_policy_default(policy);
    raw_record(record, 64U * MIB, 3, 4);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, policy), CLOAK_OK);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN - 1U, policy), CLOAK_E_MALFORMED);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN + 1U, policy), CLOAK_E_MALFORMED);
    assert_int_equal(cloak_password_record_check(NULL, 0, policy), CLOAK_E_MALFORMED);
    record[0] = 0x03;
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, NULL), CLOAK_E_UNSUPPORTED_VERSION);
    raw_record(record, 64U * MIB, 3, 4);
    record[1] = CLOAK_TYPE_SECRET;
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, NULL), CLOAK_E_WRONG_TYPE);
    /* Outside the hard bounds is the record's refusal (BAD_PARAMS), not the policy's. */
    raw_record(record, M_HI + 1, 1, 1);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, NULL), CLOAK_E_BAD_PARAMS);
    raw_record(record, 64U * MIB, T_HI + 1, 1);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, NULL), CLOAK_E_BAD_PARAMS);
    raw_record(record, 64U * MIB, 3, P_HI + 1);
    assert_int_equal(cloak_password_record_check(record, RECORD_LEN, NULL), CLOAK_E_BAD_PARAMS);
}

/* 256 MiB with one pass passes the default policy and is really derived: the policy is not the
 * only gate between a record and its keys, and what it admits works. (One derive at 256 MiB; the
 * valgrind setup runs it too, as test_password.c runs one at 1 GiB.) */
static void test_default_policy_derives_256_mib_one_pass(void **state)
{
    uint8_t record[RECORD_LEN], master[CLOAK_KEYBYTES], login[CLOAK_KEYBYTES];
    (void)state;

    argon2_seen_reset();
    assert_int_equal(cloak_password_record_encode(record, salt0, 256U * MIB, 1, 4), CLOAK_OK);
    assert_int_equal(cloak_password_derive(master, login, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN, NULL, 0,
                                           record, RECORD_LEN, NULL),
                     CLOAK_OK);
    assert_int_equal(argon2_seen.calls, 1);
    assert_int_equal(argon2_seen.last_allocated_len, (size_t)256U * MIB * 1024U);
    assert_false(all_zero(master, sizeof master));
    assert_memory_not_equal(master, login, sizeof master);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_policy_bytes),
        cmocka_unit_test(test_policy_init_rules),
        cmocka_unit_test(test_malformed_policy_bytes),
        cmocka_unit_test(test_default_policy_floor_and_ceiling),
        cmocka_unit_test(test_custom_policy_rules),
        cmocka_unit_test(test_record_check_record_errors),
        cmocka_unit_test(test_default_policy_derives_256_mib_one_pass),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
