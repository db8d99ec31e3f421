/*
 * The client's cost policy: cloak_password_policy_init() on any six values, and
 * cloak_password_record_check() of any record against the policy's bytes (any 24 bytes, not only
 * what init writes) and against the default (NULL); cloak_password_derive() on the records it
 * refuses. The record and the policy both come from outside: the record from the server, the
 * policy from an application's configuration.
 *
 * Input: six big-endian u32 (the policy's values, also used as its 24 raw bytes), then the record
 * (everything left).
 *
 * Properties: init's status is exactly section 4.3's rules, its output the six values big-endian
 * on success and zero on refusal; record_check's status is exactly the record's own verdict
 * (sections 2 and 4.1), then CLOAK_E_BAD_PARAMS for a malformed policy, then CLOAK_E_WEAK_PARAMS
 * outside the policy; a record the reference refuses is refused by cloak_password_derive() with
 * the same status and zero outputs (Argon2id is never reached: a record the library would admit
 * but the reference refuses fails the record_check comparison first).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

typedef struct policy_values {
    uint32_t m_min, cost_min, m_max, cost_max, t_max, p_max;
} policy_values;

static const policy_values default_values = {
    CLOAK_PASSWORD_POLICY_MEMORY_KIB_MIN, CLOAK_PASSWORD_POLICY_COST_MIN,      CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX,
    CLOAK_PASSWORD_POLICY_COST_MAX,       CLOAK_PASSWORD_POLICY_ITERATIONS_MAX, CLOAK_PASSWORD_POLICY_PARALLELISM_MAX,
};

/* Section 4.3: every value within the record's hard bounds, each minimum at most its maximum, and
 * some record admitted: a pass count t in [1, t_max] with cost_min <= m x t <= cost_max for some m
 * in [m_min, m_max], that is ceil(cost_min / m_max) <= t <= floor(cost_max / m_min). */
static int policy_valid(const policy_values *v)
{
    const uint64_t cost_lo = (uint64_t)CLOAK_PASSWORD_MEMORY_KIB_MIN * CLOAK_PASSWORD_ITERATIONS_MIN;
    const uint64_t cost_hi = (uint64_t)CLOAK_PASSWORD_MEMORY_KIB_MAX * CLOAK_PASSWORD_ITERATIONS_MAX;

    if (v->m_min < CLOAK_PASSWORD_MEMORY_KIB_MIN || v->m_max > CLOAK_PASSWORD_MEMORY_KIB_MAX || v->m_min > v->m_max) {
        return 0;
    }
    if (v->cost_min < cost_lo || v->cost_max > cost_hi || v->cost_min > v->cost_max) {
        return 0;
    }
    if (v->t_max < CLOAK_PASSWORD_ITERATIONS_MIN || v->t_max > CLOAK_PASSWORD_ITERATIONS_MAX ||
        v->p_max < CLOAK_PASSWORD_PARALLELISM_MIN || v->p_max > CLOAK_PASSWORD_PARALLELISM_MAX) {
        return 0;
    }
    {
        uint64_t t_lo = ((uint64_t)v->cost_min + v->m_max - 1U) / v->m_max;
        uint64_t t_hi = (uint64_t)v->cost_max / v->m_min;
        if (t_lo < 1) {
            t_lo = 1;
        }
        if (t_hi > v->t_max) {
            t_hi = v->t_max;
        }
        return t_lo <= t_hi;
    }
}

/* Sections 2 and 4.1 on the record: the status, and m, t, p when it is CLOAK_OK. */
static int record_verdict(const uint8_t *r, size_t len, uint32_t *m, uint32_t *t, uint32_t *p)
{
    int rc = fz_header_verdict(r, len, CLOAK_TYPE_PASSWORD_RECORD, CLOAK_PASSWORD_RECORDBYTES,
                               CLOAK_PASSWORD_RECORDBYTES);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (!fz_is_zero(r + 4, CLOAK_KEYIDBYTES)) {
        return CLOAK_E_MALFORMED;
    }
    *m = fz_load32(r + 20);
    *t = fz_load32(r + 24);
    *p = fz_load32(r + 28);
    if (*m < CLOAK_PASSWORD_MEMORY_KIB_MIN || *m > CLOAK_PASSWORD_MEMORY_KIB_MAX || *t < CLOAK_PASSWORD_ITERATIONS_MIN ||
        *t > CLOAK_PASSWORD_ITERATIONS_MAX || *p < CLOAK_PASSWORD_PARALLELISM_MIN || *p > CLOAK_PASSWORD_PARALLELISM_MAX) {
        return CLOAK_E_BAD_PARAMS;
    }
    return CLOAK_OK;
}

static int check_reference(const uint8_t *r, size_t len, const policy_values *v)
{
    uint32_t m = 0, t = 0, p = 0;
    uint64_t cost;
    int rc = record_verdict(r, len, &m, &t, &p);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (!policy_valid(v)) {
        return CLOAK_E_BAD_PARAMS;
    }
    cost = (uint64_t)m * t;
    if (m < v->m_min || cost < v->cost_min) {
        return CLOAK_E_WEAK_PARAMS;
    }
    if (m > v->m_max || cost > v->cost_max || t > v->t_max || p > v->p_max) {
        return CLOAK_E_WEAK_PARAMS;
    }
    return CLOAK_OK;
}

/* A derive the reference refuses: the same status, zero outputs. */
static void derive_refused(const uint8_t *record, size_t len, const uint8_t *policy, int expected)
{
    static const uint8_t password[] = "fuzz password";
    static const uint8_t account_id[] = "fuzz@example.com";
    uint8_t master[CLOAK_KEYBYTES], login[CLOAK_KEYBYTES];
    int rc;

    memset(master, 0xA5, sizeof master);
    memset(login, 0xA5, sizeof login);
    rc = cloak_password_derive(master, login, password, sizeof password - 1U, account_id, sizeof account_id - 1U, NULL,
                               0, record, len, policy);
    fz_trace("cloak_password_derive", rc);
    FUZZ_CHECK(rc == expected);
    FUZZ_CHECK(fz_is_zero(master, sizeof master) && fz_is_zero(login, sizeof login));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t raw[CLOAK_PASSWORD_POLICYBYTES], built[CLOAK_PASSWORD_POLICYBYTES];
    uint8_t *record;
    size_t record_len;
    policy_values v;
    int rc, expected;

    fz_rng_reset();
    fz_fixed(&in, raw, sizeof raw);
    record = fz_rest(&in, &record_len);
    v.m_min = fz_load32(raw);
    v.cost_min = fz_load32(raw + 4);
    v.m_max = fz_load32(raw + 8);
    v.cost_max = fz_load32(raw + 12);
    v.t_max = fz_load32(raw + 16);
    v.p_max = fz_load32(raw + 20);

    /* init: the rules, and the bytes. */
    memset(built, 0xA5, sizeof built);
    rc = cloak_password_policy_init(built, v.m_min, v.cost_min, v.m_max, v.cost_max, v.t_max, v.p_max);
    fz_trace("cloak_password_policy_init", rc);
    FUZZ_CHECK(rc == (policy_valid(&v) ? CLOAK_OK : CLOAK_E_BAD_PARAMS));
    if (rc == CLOAK_OK) {
        FUZZ_CHECK(memcmp(built, raw, sizeof raw) == 0);
    } else {
        FUZZ_CHECK(fz_is_zero(built, sizeof built));
    }

    /* record_check against the raw bytes, and against the default. */
    expected = check_reference(record, record_len, &v);
    rc = cloak_password_record_check(record, record_len, raw);
    fz_trace("cloak_password_record_check", rc);
    FUZZ_CHECK(rc == expected);
    if (expected != CLOAK_OK) {
        derive_refused(record, record_len, raw, expected);
    }
    expected = check_reference(record, record_len, &default_values);
    rc = cloak_password_record_check(record, record_len, NULL);
    fz_trace("cloak_password_record_check (default)", rc);
    FUZZ_CHECK(rc == expected);
    if (expected != CLOAK_OK) {
        derive_refused(record, record_len, NULL, expected);
    }
    free(record);
    return 0;
}
