/*
 * The optimised Argon2 kernel (the default build on x86-64), each instruction-set variant on its own,
 * against two independent builds of Argon2: Debian's libargon2 (the portable ref.c kernel, through
 * its own unprefixed argon2_ctx) and, for one lane, libsodium's crypto_pwhash.
 *
 * This program links the kernel without its dispatcher and supplies cloak_argon2_fill_segment
 * itself, routing every segment to the variant under test, so a variant the dispatcher would not
 * pick on this CPU (SSE2 when AVX2 exists) is still checked. Variants the CPU cannot run are left out.
 * Outputs must be byte-identical for Argon2id, Argon2i and Argon2d, with 1, 2 and 4 lanes, with a
 * secret and associated data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

/* The extracted upstream header and core.h give argon2_context and the kernel's internal types;
 * the renamed entry points are declared here by hand, next to the unprefixed system ones. */
#include "upstream/src/core.h"

int cloak_argon2_argon2_ctx(argon2_context *context, argon2_type type);
void cloak_argon2_fill_segment(const argon2_instance_t *instance, argon2_position_t position);
void cloak_argon2_fill_segment_sse2(const argon2_instance_t *instance, argon2_position_t position);
void cloak_argon2_fill_segment_ssse3(const argon2_instance_t *instance, argon2_position_t position);
void cloak_argon2_fill_segment_avx2(const argon2_instance_t *instance, argon2_position_t position);
#ifdef CLOAK_ARGON2_HAVE_AVX512F
void cloak_argon2_fill_segment_avx512f(const argon2_instance_t *instance, argon2_position_t position);
#endif

enum { V_SSE2, V_SSSE3, V_AVX2, V_AVX512F };

/* The variant under test: only written between runs, never while a kernel thread runs. */
static int variant = V_SSE2;
static unsigned long segments;

void cloak_argon2_fill_segment(const argon2_instance_t *instance, argon2_position_t position)
{
    __atomic_fetch_add(&segments, 1UL, __ATOMIC_RELAXED);
    switch (variant) {
    case V_SSSE3:
        cloak_argon2_fill_segment_ssse3(instance, position);
        break;
    case V_AVX2:
        cloak_argon2_fill_segment_avx2(instance, position);
        break;
#ifdef CLOAK_ARGON2_HAVE_AVX512F
    case V_AVX512F:
        cloak_argon2_fill_segment_avx512f(instance, position);
        break;
#endif
    default:
        cloak_argon2_fill_segment_sse2(instance, position);
        break;
    }
}

typedef int (*ctx_fn)(argon2_context *context, argon2_type type);

static void run(ctx_fn fn, uint8_t out[32], argon2_type type, uint32_t m, uint32_t t, uint32_t lanes,
                int with_secret_ad)
{
    static uint8_t pwd[] = "password of the kernel test";
    static uint8_t salt[] = "sixteen byte salt";
    static uint8_t secret[] = "a secret key";
    static uint8_t ad[] = "associated data";
    argon2_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.out = out;
    ctx.outlen = 32;
    ctx.pwd = pwd;
    ctx.pwdlen = (uint32_t)(sizeof pwd - 1U);
    ctx.salt = salt;
    ctx.saltlen = 16;
    if (with_secret_ad) {
        ctx.secret = secret;
        ctx.secretlen = (uint32_t)(sizeof secret - 1U);
        ctx.ad = ad;
        ctx.adlen = (uint32_t)(sizeof ad - 1U);
    }
    ctx.t_cost = t;
    ctx.m_cost = m;
    ctx.lanes = lanes;
    ctx.threads = lanes;
    ctx.version = ARGON2_VERSION_13;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    assert_int_equal(fn(&ctx, type), ARGON2_OK);
}

static int cpu_runs(int v)
{
    __builtin_cpu_init();
    switch (v) {
    case V_SSSE3:
        return __builtin_cpu_supports("ssse3");
    case V_AVX2:
        return __builtin_cpu_supports("avx2");
    case V_AVX512F:
#ifdef CLOAK_ARGON2_HAVE_AVX512F
        return __builtin_cpu_supports("avx512f");
#else
        return 0;
#endif
    default:
        return 1;
    }
}

static void check_variant(int v)
{
    static const argon2_type types[] = {Argon2_id, Argon2_i, Argon2_d};
    static const uint32_t lanes[] = {1, 2, 4};
    size_t i, j;
    uint8_t ours[32], theirs[32];

    variant = v;
    for (i = 0; i < sizeof types / sizeof types[0]; i++) {
        for (j = 0; j < sizeof lanes / sizeof lanes[0]; j++) {
            segments = 0;
            run(cloak_argon2_argon2_ctx, ours, types[i], 512, 3, lanes[j], 1);
            assert_true(segments == 3UL * 4UL * lanes[j]); /* every segment went through this variant */
            run(argon2_ctx, theirs, types[i], 512, 3, lanes[j], 1);
            assert_memory_equal(ours, theirs, sizeof ours);
            run(cloak_argon2_argon2_ctx, ours, types[i], 1024, 2, lanes[j], 0);
            run(argon2_ctx, theirs, types[i], 1024, 2, lanes[j], 0);
            assert_memory_equal(ours, theirs, sizeof ours);
        }
    }
    /* One lane, no secret: libsodium's Argon2id, a third implementation. */
    {
        static const char pwd[] = "password of the kernel test";
        static const uint8_t salt[] = "sixteen byte salt";
        run(cloak_argon2_argon2_ctx, ours, Argon2_id, 1024, 2, 1, 0);
        assert_int_equal(crypto_pwhash(theirs, sizeof theirs, pwd, sizeof pwd - 1U, salt, 2, 1024U * 1024U,
                                       crypto_pwhash_ALG_ARGON2ID13), 0);
        assert_memory_equal(ours, theirs, sizeof ours);
    }
}

static void test_sse2(void **state)
{
    (void)state;
    check_variant(V_SSE2);
}

static void test_ssse3(void **state)
{
    (void)state;
    check_variant(V_SSSE3);
}

static void test_avx2(void **state)
{
    (void)state;
    check_variant(V_AVX2);
}

static void test_avx512f(void **state)
{
    (void)state;
    check_variant(V_AVX512F);
}

int main(void)
{
    /* Only the variants this CPU runs (valgrind, for one, shows no AVX-512): a variant left out is
     * named on the TAP stream rather than reported as a skip, which meson would count as failed. */
    const struct CMUnitTest all[] = {
        cmocka_unit_test(test_sse2),
        cmocka_unit_test(test_ssse3),
        cmocka_unit_test(test_avx2),
        cmocka_unit_test(test_avx512f),
    };
    struct CMUnitTest tests[4];
    size_t n = 0;
    int v;
    if (sodium_init() < 0) {
        return 1;
    }
    for (v = V_SSE2; v <= V_AVX512F; v++) {
        if (cpu_runs(v)) {
            tests[n++] = all[v];
        } else {
            printf("# %s: this CPU cannot run it, not tested\n", all[v].name);
        }
    }
    return _cmocka_run_group_tests("test_argon2_kernel", tests, n, NULL, NULL);
}
