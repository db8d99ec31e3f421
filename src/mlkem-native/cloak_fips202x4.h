/*
 * The four-way FIPS 202 functions mlkem-native asks for (MLK_CONFIG_FIPS202X4_CUSTOM_HEADER): four
 * sponges of cloak_fips202.h one after another. mlkem-native batches its matrix and noise sampling
 * by four for a SIMD Keccak; the portable permutation gains nothing from it, and loses nothing.
 */
#ifndef CLOAK_FIPS202X4_H
#define CLOAK_FIPS202X4_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "cloak_fips202.h"

typedef struct cloak_keccak_state_x4 {
    cloak_keccak_state lane[4];
} mlk_shake128x4ctx;

static inline void mlk_shake128x4_init(mlk_shake128x4ctx *state)
{
    sodium_memzero(state, sizeof *state);
}

static inline void mlk_shake128x4_absorb_once(mlk_shake128x4ctx *state, const uint8_t *in0, const uint8_t *in1,
                                              const uint8_t *in2, const uint8_t *in3, size_t inlen)
{
    mlk_shake128_absorb_once(&state->lane[0], in0, inlen);
    mlk_shake128_absorb_once(&state->lane[1], in1, inlen);
    mlk_shake128_absorb_once(&state->lane[2], in2, inlen);
    mlk_shake128_absorb_once(&state->lane[3], in3, inlen);
}

static inline void mlk_shake128x4_squeezeblocks(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3,
                                                size_t nblocks, mlk_shake128x4ctx *state)
{
    mlk_shake128_squeezeblocks(out0, nblocks, &state->lane[0]);
    mlk_shake128_squeezeblocks(out1, nblocks, &state->lane[1]);
    mlk_shake128_squeezeblocks(out2, nblocks, &state->lane[2]);
    mlk_shake128_squeezeblocks(out3, nblocks, &state->lane[3]);
}

static inline void mlk_shake128x4_release(mlk_shake128x4ctx *state)
{
    sodium_memzero(state, sizeof *state);
}

static inline void mlk_shake256x4(uint8_t *out0, uint8_t *out1, uint8_t *out2, uint8_t *out3, size_t outlen,
                                  const uint8_t *in0, const uint8_t *in1, const uint8_t *in2, const uint8_t *in3,
                                  size_t inlen)
{
    mlk_shake256(out0, outlen, in0, inlen);
    mlk_shake256(out1, outlen, in1, inlen);
    mlk_shake256(out2, outlen, in2, inlen);
    mlk_shake256(out3, outlen, in3, inlen);
}

#endif /* CLOAK_FIPS202X4_H */
