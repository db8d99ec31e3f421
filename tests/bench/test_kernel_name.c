/*
 * cloak_password_kernel() names the Argon2id implementation that runs: "libargon2 (system)" in a
 * -Dargon2_kernel=system build, and in a build with the optimised kernel "optimized (<set>)", where
 * <set> is the widest instruction set, among those the build compiled a variant for, that this CPU
 * has (the test reads the CPU's feature bits itself). The benchmark and logs print this name, so a
 * wrong one would misreport every figure taken with it.
 *
 *   test_kernel_name EXPECTED_KIND [avx512f]
 * EXPECTED_KIND is "optimized" or "system" (from meson: what the build chose); "avx512f" when the
 * build compiled the AVX-512F variant.
 */
#include <stdio.h>
#include <string.h>

#include "cloak.h"

static const char *widest_set(int have_avx512f_variant)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (have_avx512f_variant && __builtin_cpu_supports("avx512f")) {
        return "avx512f";
    }
    if (__builtin_cpu_supports("avx2")) {
        return "avx2";
    }
    if (__builtin_cpu_supports("ssse3")) {
        return "ssse3";
    }
    return "sse2";
#else
    (void)have_avx512f_variant;
    return "none";
#endif
}

int main(int argc, char **argv)
{
    char expected[64];
    const char *name = cloak_password_kernel();

    if (argc < 2) {
        fprintf(stderr, "usage: test_kernel_name optimized|system [avx512f]\n");
        return 2;
    }
    if (strcmp(argv[1], "system") == 0) {
        snprintf(expected, sizeof expected, "libargon2 (system)");
    } else {
        snprintf(expected, sizeof expected, "optimized (%s)",
                 widest_set(argc > 2 && strcmp(argv[2], "avx512f") == 0));
    }
    if (name == NULL || strcmp(name, expected) != 0) {
        printf("FAIL: cloak_password_kernel() is \"%s\", expected \"%s\"\n", name ? name : "(null)", expected);
        return 1;
    }
    printf("ok: cloak_password_kernel() is \"%s\"\n", name);
    return 0;
}
