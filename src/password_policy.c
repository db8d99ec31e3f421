/*
 * The client's Argon2id cost policy (docs/protocol.md section 4.2).
 *
 * The server chooses the parameters of a password record, so a hostile server could serve a record
 * that makes each offline guess cheap, or one that stalls the client. The policy is the client's
 * answer: a record outside it is refused with CLOAK_E_WEAK_PARAMS before Argon2id does any work.
 * Costs are compared as memory (KiB) x passes, the work an attacker pays per guess; the product of
 * two values within the hard bounds fits in 64 bits with room to spare.
 */
#include <string.h>

#include "internal.h"

enum {
    POLICY_MEMORY_MIN = 0,
    POLICY_COST_MIN = 4,
    POLICY_MEMORY_MAX = 8,
    POLICY_COST_MAX = 12,
    POLICY_ITERATIONS_MAX = 16,
    POLICY_PARALLELISM_MAX = 20
};

typedef struct policy_values {
    uint32_t memory_kib_min;
    uint32_t cost_min;
    uint32_t memory_kib_max;
    uint32_t cost_max;
    uint32_t iterations_max;
    uint32_t parallelism_max;
} policy_values;

static const policy_values default_policy = {
    CLOAK_PASSWORD_POLICY_MEMORY_KIB_MIN, CLOAK_PASSWORD_POLICY_COST_MIN,
    CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX, CLOAK_PASSWORD_POLICY_COST_MAX,
    CLOAK_PASSWORD_POLICY_ITERATIONS_MAX, CLOAK_PASSWORD_POLICY_PARALLELISM_MAX,
};

static uint64_t cost_of(uint32_t memory_kib, uint32_t iterations)
{
    return (uint64_t)memory_kib * iterations;
}

/* Whether some record within the hard bounds passes: for some pass count t up to the maximum, the
 * costs memory x t reachable with memory in [min, max] meet [cost_min, cost_max]. */
static int policy_admits_some_record(const policy_values *v)
{
    uint32_t t;

    for (t = CLOAK_PASSWORD_ITERATIONS_MIN; t <= v->iterations_max; t++) {
        if (cost_of(v->memory_kib_min, t) <= v->cost_max && cost_of(v->memory_kib_max, t) >= v->cost_min) {
            return 1;
        }
    }
    return 0;
}

/* The same rules cloak_password_policy_init() applies, so a policy read back from bytes is
 * exactly one that init could have written. */
static int policy_valid(const policy_values *v)
{
    uint64_t cost_floor_lo = cost_of(CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_ITERATIONS_MIN);
    uint64_t cost_ceiling_hi = cost_of(CLOAK_PASSWORD_MEMORY_KIB_MAX, CLOAK_PASSWORD_ITERATIONS_MAX);

    return v->memory_kib_min >= CLOAK_PASSWORD_MEMORY_KIB_MIN && v->memory_kib_max <= CLOAK_PASSWORD_MEMORY_KIB_MAX &&
           v->memory_kib_min <= v->memory_kib_max && v->cost_min >= cost_floor_lo &&
           v->cost_max <= cost_ceiling_hi && v->cost_min <= v->cost_max &&
           v->iterations_max >= CLOAK_PASSWORD_ITERATIONS_MIN && v->iterations_max <= CLOAK_PASSWORD_ITERATIONS_MAX &&
           v->parallelism_max >= CLOAK_PASSWORD_PARALLELISM_MIN &&
           v->parallelism_max <= CLOAK_PASSWORD_PARALLELISM_MAX && policy_admits_some_record(v);
}

static void policy_read(policy_values *v, const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES])
{
    v->memory_kib_min = cloak__load32_be(policy + POLICY_MEMORY_MIN);
    v->cost_min = cloak__load32_be(policy + POLICY_COST_MIN);
    v->memory_kib_max = cloak__load32_be(policy + POLICY_MEMORY_MAX);
    v->cost_max = cloak__load32_be(policy + POLICY_COST_MAX);
    v->iterations_max = cloak__load32_be(policy + POLICY_ITERATIONS_MAX);
    v->parallelism_max = cloak__load32_be(policy + POLICY_PARALLELISM_MAX);
}

static void policy_write(uint8_t policy[CLOAK_PASSWORD_POLICYBYTES], const policy_values *v)
{
    cloak__store32_be(policy + POLICY_MEMORY_MIN, v->memory_kib_min);
    cloak__store32_be(policy + POLICY_COST_MIN, v->cost_min);
    cloak__store32_be(policy + POLICY_MEMORY_MAX, v->memory_kib_max);
    cloak__store32_be(policy + POLICY_COST_MAX, v->cost_max);
    cloak__store32_be(policy + POLICY_ITERATIONS_MAX, v->iterations_max);
    cloak__store32_be(policy + POLICY_PARALLELISM_MAX, v->parallelism_max);
}

void cloak_password_policy_default(uint8_t policy[CLOAK_PASSWORD_POLICYBYTES])
{
    policy_write(policy, &default_policy);
}

int cloak_password_policy_init(uint8_t policy[CLOAK_PASSWORD_POLICYBYTES], uint32_t memory_kib_min, uint32_t cost_min,
                               uint32_t memory_kib_max, uint32_t cost_max, uint32_t iterations_max,
                               uint32_t parallelism_max)
{
    policy_values v = {memory_kib_min, cost_min, memory_kib_max, cost_max, iterations_max, parallelism_max};

    if (policy == NULL || !policy_valid(&v)) {
        cloak__wipe(policy, CLOAK_PASSWORD_POLICYBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    policy_write(policy, &v);
    return CLOAK_OK;
}

int cloak__password_policy_admits(const uint8_t *policy, uint32_t memory_kib, uint32_t iterations,
                                  uint32_t parallelism)
{
    policy_values v = default_policy;
    uint64_t cost = cost_of(memory_kib, iterations);

    if (policy != NULL) {
        policy_read(&v, policy);
        if (!policy_valid(&v)) {
            return CLOAK_E_BAD_PARAMS;
        }
    }
    if (memory_kib < v.memory_kib_min || cost < v.cost_min) {
        return CLOAK_E_WEAK_PARAMS;   /* cheaper per guess than the client accepts */
    }
    if (memory_kib > v.memory_kib_max || cost > v.cost_max || iterations > v.iterations_max ||
        parallelism > v.parallelism_max) {
        return CLOAK_E_WEAK_PARAMS;   /* more work than the client accepts: a stall */
    }
    return CLOAK_OK;
}
