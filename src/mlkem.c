/*
 * ML-KEM-768 (FIPS 203) and SHA-3 (src/mlkem.h): mlkem-native's single compilation unit, its
 * portable C only, under libcloak's configuration (src/mlkem-native/cloak_mlkem_config.h), with
 * PQClean's Keccak permutation under our own sponge (src/mlkem-native/cloak_fips202.h). The sources
 * are fetched at build time (src/mlkem-native/fetch-mlkem.py) and included here from the build
 * directory as system headers: this file is libcloak's code, checked with the project's warnings;
 * what it includes is not.
 *
 * Everything of mlkem-native and of fips202.c has internal linkage in this one translation unit;
 * only the cloak__ functions below are global (and hidden).
 *
 * Stack: mlkem-native keeps its polynomials and matrix on the stack (no heap), up to about 13 KiB
 * in one frame. Measured on x86-64 with a painted stack (gcc 12 and clang 14, -O0 to -O3 and -Os;
 * at -O2 it agrees with the sum of the -fstack-usage frames along the deepest call chain): a
 * decapsulation needs at most 23.3 KiB, an encapsulation 18 KiB, a key generation 15 KiB, the
 * modulus check 3 KiB. The wipe of that stack after each operation (below) spans 28 KiB: that is
 * the peak. This file is therefore compiled without libcloak's -Wframe-larger-than=4096
 * (src/mlkem-native/meson.build).
 *
 * The caller's buffers are fixed-size and valid by precondition (the fixed-layout rule of
 * internal.h); outputs must not overlap inputs, except the 32-byte shared secret, which is computed
 * into a local first.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlkem.h"
#include "cloak_mlkem_upstream.h"

/* The fetched sources, with angle brackets: they are found only on the -isystem paths of the
 * build directory (src/mlkem-native/meson.build), as system headers. mlkem-native ships as a single
 * compilation unit made to be included, which is what gives everything in it internal linkage. */
#define MLK_CONFIG_FILE "cloak_mlkem_config.h"
#include <mlkem_native_bcm.c> /* NOLINT(bugprone-suspicious-include): see above */

/* The single compilation unit undefines its macros at its end; its parameter header, which only
 * defines constants, is read again to check libcloak's sizes against mlkem-native's. */
#include <params.h>
_Static_assert(MLKEM_K == 3, "ML-KEM-768");
_Static_assert(CLOAK_MLKEM768_PUBLICKEYBYTES == MLKEM_INDCCA_PUBLICKEYBYTES, "ek size");
_Static_assert(CLOAK_MLKEM768_SECRETKEYBYTES == MLKEM_INDCCA_SECRETKEYBYTES, "dk size");
_Static_assert(CLOAK_MLKEM768_CIPHERTEXTBYTES == MLKEM_INDCCA_CIPHERTEXTBYTES, "ciphertext size");
_Static_assert(CLOAK_MLKEM768_SEEDBYTES == 2 * MLKEM_SYMBYTES, "seed d || z");
_Static_assert(CLOAK_MLKEM768_ENCAPS_RANDBYTES == MLKEM_SYMBYTES, "encapsulation randomness m");
_Static_assert(CLOAK_MLKEM768_SHAREDBYTES == MLKEM_SSBYTES, "shared secret size");

/* Stack hygiene. mlkem-native zeroises its own buffers and the sponge (cloak_fips202.h) wipes its
 * states, but the Keccak permutation keeps the state it last computed in its own frame (lanes the
 * compiler spills: a hash's output, the rejection key, noise), and C cannot wipe a callee's frame
 * once it has returned. So each function below runs the operation in a function of its own (never
 * inlined, so that nothing of it lands in the caller's frame), then calls one that zeroes a local
 * array spanning the stack the operation used, from the same frame, so over the same addresses.
 * The depths are those measured above for -O0 to -O3 and -Os, gcc and clang, with a margin (the
 * deepest, a decapsulation at gcc -O1, 23.3 KiB; SHA3-256 or SHAKE256 alone at -O0, 936 bytes).
 * Sanitizer builds, whose frames are larger, are not covered. */
#define BURN_DEEP 28672U
#define BURN_SHALLOW 2048U

static __attribute__((noinline)) void burn_deep(void)
{
    uint8_t area[BURN_DEEP];

    cloak__wipe(area, sizeof area);
}

static __attribute__((noinline)) void burn_shallow(void)
{
    uint8_t area[BURN_SHALLOW];

    cloak__wipe(area, sizeof area);
}

/* mlkem-native's entry points, called by their full names (MLK_CONFIG_NAMESPACE_PREFIX, then the
 * function: the macros that name them are undefined at the end of the compilation unit). Each
 * returns 0 or one of its MLK_ERR_ codes. */

static __attribute__((noinline)) int run_keypair(uint8_t *pk, uint8_t *sk, const uint8_t *coins)
{
    return cloak_mlkem_native_keypair_derand(pk, sk, coins);
}

static __attribute__((noinline)) int run_encaps(uint8_t *ct, uint8_t *ss, const uint8_t *pk, const uint8_t *m)
{
    return cloak_mlkem_native_enc_derand(ct, ss, pk, m);
}

static __attribute__((noinline)) int run_decaps(uint8_t *ss, const uint8_t *ct, const uint8_t *sk)
{
    return cloak_mlkem_native_dec(ss, ct, sk);
}

static __attribute__((noinline)) void run_sha3_256(uint8_t *out, const uint8_t *in, size_t in_len)
{
    mlk_sha3_256(out, in, in_len);
}

static __attribute__((noinline)) void run_shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    mlk_shake256(out, out_len, in, in_len);
}

int cloak__mlkem768_keypair_derand(uint8_t pk[CLOAK_MLKEM768_PUBLICKEYBYTES],
                                   uint8_t sk[CLOAK_MLKEM768_SECRETKEYBYTES],
                                   const uint8_t seed[CLOAK_MLKEM768_SEEDBYTES])
{
    uint8_t coins[CLOAK_MLKEM768_SEEDBYTES];
    int rc;

    /* z is written into sk last, after pk and sk: a copy keeps a seed that aliases them intact. */
    memcpy(coins, seed, sizeof coins);
    rc = run_keypair(pk, sk, coins);
    burn_deep();
    cloak__wipe(coins, sizeof coins);
    if (rc != 0) {
        /* Unreachable in this configuration (no pairwise test, no allocator): only a change of
         * configuration could make it fail. */
        cloak__wipe(pk, CLOAK_MLKEM768_PUBLICKEYBYTES);
        cloak__wipe(sk, CLOAK_MLKEM768_SECRETKEYBYTES);
        return -1;
    }
    return 0;
}

int cloak__mlkem768_public_key_check(const uint8_t pk[CLOAK_MLKEM768_PUBLICKEYBYTES])
{
    /* Public data only: nothing to burn. */
    return cloak_mlkem_native_check_pk(pk) == 0 ? 0 : -1;
}

int cloak__mlkem768_encaps_derand(uint8_t ct[CLOAK_MLKEM768_CIPHERTEXTBYTES], uint8_t ss[CLOAK_MLKEM768_SHAREDBYTES],
                                  const uint8_t pk[CLOAK_MLKEM768_PUBLICKEYBYTES],
                                  const uint8_t m[CLOAK_MLKEM768_ENCAPS_RANDBYTES])
{
    uint8_t k[CLOAK_MLKEM768_SHAREDBYTES];
    int rc;

    /* The modulus check of FIPS 203 section 7.2 comes first inside: MLK_ERR_INVALID_PK. */
    rc = run_encaps(ct, k, pk, m);
    burn_deep();
    if (rc == 0) {
        memcpy(ss, k, sizeof k);
    } else {
        cloak__wipe(ct, CLOAK_MLKEM768_CIPHERTEXTBYTES);
        cloak__wipe(ss, CLOAK_MLKEM768_SHAREDBYTES);
    }
    cloak__wipe(k, sizeof k);
    return rc == 0 ? 0 : -1;
}

int cloak__mlkem768_decaps(uint8_t ss[CLOAK_MLKEM768_SHAREDBYTES], const uint8_t ct[CLOAK_MLKEM768_CIPHERTEXTBYTES],
                           const uint8_t sk[CLOAK_MLKEM768_SECRETKEYBYTES])
{
    uint8_t k[CLOAK_MLKEM768_SHAREDBYTES];
    int rc;

    /* The hash check of FIPS 203 section 7.3 comes first inside: MLK_ERR_INVALID_SK. It reads only
     * the public part of dk (ek and H(ek)), so its verdict is public. A ciphertext that does not
     * re-encrypt gives the rejection key, selected in constant time: not an error. */
    rc = run_decaps(k, ct, sk);
    burn_deep();
    if (rc == 0) {
        memcpy(ss, k, sizeof k);
    } else {
        cloak__wipe(ss, CLOAK_MLKEM768_SHAREDBYTES);
    }
    cloak__wipe(k, sizeof k);
    return rc == 0 ? 0 : -1;
}

void cloak__sha3_256(uint8_t out[32], const uint8_t *in, size_t in_len)
{
    if (out == NULL || (in == NULL && in_len != 0)) {
        abort();
    }
    run_sha3_256(out, in, in_len);
    burn_shallow();
}

void cloak__shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    if ((out == NULL && out_len != 0) || (in == NULL && in_len != 0)) {
        abort();
    }
    run_shake256(out, out_len, in, in_len);
    burn_shallow();
}

const char *cloak__mlkem_implementation(void)
{
    return CLOAK_MLKEM_IMPLEMENTATION;
}
