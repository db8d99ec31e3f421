/*
 * fill_segment for the reference library's core.c: the best variant of its optimised kernel the CPU
 * runs (AVX-512F, AVX2, SSSE3, else SSE2, which every x86-64 CPU has). One variant per instruction
 * set is compiled from opt.c with that set's -m flag, so the library runs on any x86-64 CPU and uses
 * the widest registers it has. The choice is made per call from the CPU's feature bits: it costs a
 * few instructions per segment (4 lanes x 4 slices x t passes) and needs no writable state.
 */
#include "cloak_argon2_dispatch.h"
#include "cloak_argon2_rename.h"
#include "upstream/src/core.h"

void cloak_argon2_fill_segment_sse2(const argon2_instance_t *instance, argon2_position_t position);
void cloak_argon2_fill_segment_ssse3(const argon2_instance_t *instance, argon2_position_t position);
void cloak_argon2_fill_segment_avx2(const argon2_instance_t *instance, argon2_position_t position);
#ifdef CLOAK_ARGON2_HAVE_AVX512F
void cloak_argon2_fill_segment_avx512f(const argon2_instance_t *instance, argon2_position_t position);
#endif

typedef struct variant {
    void (*fill_segment)(const argon2_instance_t *instance, argon2_position_t position);
    const char *name; /* as cloak_password_kernel() reports it */
} variant;

/* The one place the variant is chosen, so that the name cloak_password_kernel() reports is the
 * variant that runs. */
static variant choose(void)
{
    __builtin_cpu_init();
#ifdef CLOAK_ARGON2_HAVE_AVX512F
    if (__builtin_cpu_supports("avx512f")) {
        return (variant){cloak_argon2_fill_segment_avx512f, "optimized (avx512f)"};
    }
#endif
    if (__builtin_cpu_supports("avx2")) {
        return (variant){cloak_argon2_fill_segment_avx2, "optimized (avx2)"};
    }
    if (__builtin_cpu_supports("ssse3")) {
        return (variant){cloak_argon2_fill_segment_ssse3, "optimized (ssse3)"};
    }
    return (variant){cloak_argon2_fill_segment_sse2, "optimized (sse2)"};
}

void fill_segment(const argon2_instance_t *instance, argon2_position_t position)
{
    choose().fill_segment(instance, position);
}

const char *cloak_argon2_dispatch_name(void)
{
    return choose().name;
}
