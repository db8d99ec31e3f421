/*
 * libcloak's configuration of mlkem-native (MLK_CONFIG_FILE, set by src/mlkem.c before it includes
 * the single compilation unit). It replaces the configuration the crate ships, which is AWS-LC's.
 *
 * What it chooses, and why:
 * - ML-KEM-768 only, every function and table with internal linkage: src/mlkem.c is the one
 *   translation unit, so nothing of mlkem-native can clash with another copy in a static link.
 * - Portable C only: no MLK_CONFIG_USE_NATIVE_BACKEND_* (no x86-64 or AArch64 assembly), so the same
 *   code compiles with gcc, clang and emscripten.
 * - No randomised entry points: libcloak calls the derandomised ones with randomness drawn from
 *   libsodium, so mlkem-native needs no randombytes() and leaves no undefined reference to one.
 * - FIPS 202 from our glue (cloak_fips202.h, cloak_fips202x4.h) on PQClean's Keccak permutation.
 * - Zeroisation with sodium_memzero, as the rest of libcloak.
 * - Under the constant-time check (tests/ct, -DCLOAK_CT_VALIDATION), mlkem-native's own valgrind
 *   declassifications: the public seed rho once it is derived from the secret seed, the public key
 *   (and its hash) inside the decapsulation key. Nothing else is declassified.
 */
#ifndef CLOAK_MLKEM_CONFIG_H
#define CLOAK_MLKEM_CONFIG_H

#define MLK_CONFIG_PARAMETER_SET 768
/* Local names such as cloak_mlkem_native_indcpa_dec, in a debugger or a valgrind trace. */
#define MLK_CONFIG_NAMESPACE_PREFIX cloak_mlkem_native

#define MLK_CONFIG_INTERNAL_API_QUALIFIER static
#define MLK_CONFIG_EXTERNAL_API_QUALIFIER static

#define MLK_CONFIG_NO_RANDOMIZED_API

#define MLK_CONFIG_FIPS202_CUSTOM_HEADER "cloak_fips202.h"
#define MLK_CONFIG_FIPS202X4_CUSTOM_HEADER "cloak_fips202x4.h"

#if defined(CLOAK_CT_VALIDATION)
#define MLK_CONFIG_CT_TESTING_ENABLED
#endif

#define MLK_CONFIG_CUSTOM_ZEROIZE
#if !defined(__ASSEMBLER__)
#include <stddef.h>

#include <sodium.h>

static inline void mlk_zeroize(void *ptr, size_t len)
{
    sodium_memzero(ptr, len);
}
#endif

#endif /* CLOAK_MLKEM_CONFIG_H */
