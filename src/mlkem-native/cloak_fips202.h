/*
 * FIPS 202 for mlkem-native (MLK_CONFIG_FIPS202_CUSTOM_HEADER) and for src/mlkem.c's SHA3-256 and
 * SHAKE256: PQClean's Keccak-f[1600] permutation (common/fips202.c of the npm package pqclean,
 * fetched at build time) under a sponge of our own.
 *
 * Why not PQClean's own hash functions: its incremental and SHAKE functions malloc their state and
 * call exit() when that fails, and its absorb leaves the last input block in a stack buffer it does
 * not wipe. Here every state lives on the caller's stack and is wiped with sodium_memzero after use,
 * and the absorb XORs the input straight into the state.
 *
 * fips202.c is compiled into this translation unit with internal linkage: its header is replaced by
 * the declarations below (FIPS202_H is defined first, so fips202.c's include of it is empty), which
 * declare every function it defines `static` before its definition. Those we do not use (all but
 * the permutation and its load/store helpers) are never emitted, so neither is any call to malloc
 * or exit. The declarations must match fips202.c 0.8.1's definitions; a mismatch does not compile.
 *
 * Included once, by mlkem-native's symmetric.h, inside src/mlkem.c.
 */
#ifndef CLOAK_FIPS202_H
#define CLOAK_FIPS202_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

/* ---- In place of PQClean's fips202.h -------------------------------------------------------- */
#define FIPS202_H
#define SHAKE128_RATE 168
#define SHAKE256_RATE 136
#define SHA3_256_RATE 136
#define SHA3_384_RATE 104
#define SHA3_512_RATE 72
#define PQC_SHAKEINCCTX_BYTES (sizeof(uint64_t) * 26)
#define PQC_SHAKECTX_BYTES (sizeof(uint64_t) * 25)

typedef struct { uint64_t *ctx; } shake128incctx;
typedef struct { uint64_t *ctx; } shake128ctx;
typedef struct { uint64_t *ctx; } shake256incctx;
typedef struct { uint64_t *ctx; } shake256ctx;
typedef struct { uint64_t *ctx; } sha3_256incctx;
typedef struct { uint64_t *ctx; } sha3_384incctx;
typedef struct { uint64_t *ctx; } sha3_512incctx;

static void shake128_absorb(shake128ctx *state, const uint8_t *input, size_t inlen);
static void shake128_squeezeblocks(uint8_t *output, size_t nblocks, shake128ctx *state);
static void shake128_ctx_release(shake128ctx *state);
static void shake128_ctx_clone(shake128ctx *dest, const shake128ctx *src);
static void shake128_inc_init(shake128incctx *state);
static void shake128_inc_absorb(shake128incctx *state, const uint8_t *input, size_t inlen);
static void shake128_inc_finalize(shake128incctx *state);
static void shake128_inc_squeeze(uint8_t *output, size_t outlen, shake128incctx *state);
static void shake128_inc_ctx_clone(shake128incctx *dest, const shake128incctx *src);
static void shake128_inc_ctx_release(shake128incctx *state);
static void shake256_absorb(shake256ctx *state, const uint8_t *input, size_t inlen);
static void shake256_squeezeblocks(uint8_t *output, size_t nblocks, shake256ctx *state);
static void shake256_ctx_release(shake256ctx *state);
static void shake256_ctx_clone(shake256ctx *dest, const shake256ctx *src);
static void shake256_inc_init(shake256incctx *state);
static void shake256_inc_absorb(shake256incctx *state, const uint8_t *input, size_t inlen);
static void shake256_inc_finalize(shake256incctx *state);
static void shake256_inc_squeeze(uint8_t *output, size_t outlen, shake256incctx *state);
static void shake256_inc_ctx_clone(shake256incctx *dest, const shake256incctx *src);
static void shake256_inc_ctx_release(shake256incctx *state);
static void shake128(uint8_t *output, size_t outlen, const uint8_t *input, size_t inlen);
static void shake256(uint8_t *output, size_t outlen, const uint8_t *input, size_t inlen);
static void sha3_256_inc_init(sha3_256incctx *state);
static void sha3_256_inc_absorb(sha3_256incctx *state, const uint8_t *input, size_t inlen);
static void sha3_256_inc_finalize(uint8_t *output, sha3_256incctx *state);
static void sha3_256_inc_ctx_clone(sha3_256incctx *dest, const sha3_256incctx *src);
static void sha3_256_inc_ctx_release(sha3_256incctx *state);
static void sha3_256(uint8_t *output, const uint8_t *input, size_t inlen);
static void sha3_384_inc_init(sha3_384incctx *state);
static void sha3_384_inc_absorb(sha3_384incctx *state, const uint8_t *input, size_t inlen);
static void sha3_384_inc_finalize(uint8_t *output, sha3_384incctx *state);
static void sha3_384_inc_ctx_clone(sha3_384incctx *dest, const sha3_384incctx *src);
static void sha3_384_inc_ctx_release(sha3_384incctx *state);
static void sha3_384(uint8_t *output, const uint8_t *input, size_t inlen);
static void sha3_512_inc_init(sha3_512incctx *state);
static void sha3_512_inc_absorb(sha3_512incctx *state, const uint8_t *input, size_t inlen);
static void sha3_512_inc_finalize(uint8_t *output, sha3_512incctx *state);
static void sha3_512_inc_ctx_clone(sha3_512incctx *dest, const sha3_512incctx *src);
static void sha3_512_inc_ctx_release(sha3_512incctx *state);
static void sha3_512(uint8_t *output, const uint8_t *input, size_t inlen);

#include <fips202.c> /* NOLINT(bugprone-suspicious-include): upstream/pqclean, as a system header */

/* ---- The sponge ------------------------------------------------------------------------------- */

/* FIPS 202's domain separation with the first padding bit, as the byte after the message. */
#define CLOAK_KECCAK_DOMAIN_SHA3 0x06U
#define CLOAK_KECCAK_DOMAIN_SHAKE 0x1fU

typedef struct cloak_keccak_state {
    uint64_t a[25];
} cloak_keccak_state;

/* Lane i holds bytes 8i..8i+7 of the state, least significant first (FIPS 202's byte order). */
static inline void sponge_xor_byte(cloak_keccak_state *s, size_t i, uint8_t b)
{
    s->a[i / 8U] ^= (uint64_t)b << (8U * (i % 8U));
}

static inline uint8_t sponge_get_byte(const cloak_keccak_state *s, size_t i)
{
    return (uint8_t)(s->a[i / 8U] >> (8U * (i % 8U)));
}

/* Absorbs the whole input into a zeroed state and pads it (pad10*1 with the domain bits). */
static inline void sponge_absorb_once(cloak_keccak_state *s, size_t rate, const uint8_t *in, size_t in_len,
                                      uint8_t domain)
{
    size_t i;

    sodium_memzero(s, sizeof *s);
    while (in_len >= rate) {
        for (i = 0; i < rate / 8U; i++) {
            s->a[i] ^= load64(in + 8U * i);
        }
        KeccakF1600_StatePermute(s->a);
        in += rate;
        in_len -= rate;
    }
    for (i = 0; i < in_len; i++) {
        sponge_xor_byte(s, i, in[i]);
    }
    sponge_xor_byte(s, in_len, domain);
    sponge_xor_byte(s, rate - 1U, 0x80U);
}

/* Squeezes out_len bytes: a permutation before each block, so it may be called again for more
 * blocks (SHAKE128 in mlkem-native asks for whole blocks each time). */
static inline void sponge_squeeze(uint8_t *out, size_t out_len, cloak_keccak_state *s, size_t rate)
{
    size_t i;

    while (out_len >= rate) {
        KeccakF1600_StatePermute(s->a);
        for (i = 0; i < rate / 8U; i++) {
            store64(out + 8U * i, s->a[i]);
        }
        out += rate;
        out_len -= rate;
    }
    if (out_len > 0) {
        KeccakF1600_StatePermute(s->a);
        for (i = 0; i < out_len; i++) {
            out[i] = sponge_get_byte(s, i);
        }
    }
}

static inline void sponge_hash(uint8_t *out, size_t out_len, size_t rate, uint8_t domain, const uint8_t *in,
                               size_t in_len)
{
    cloak_keccak_state s;

    sponge_absorb_once(&s, rate, in, in_len, domain);
    sponge_squeeze(out, out_len, &s, rate);
    sodium_memzero(&s, sizeof s);
}

/* ---- What mlkem-native calls ------------------------------------------------------------------ */

typedef cloak_keccak_state mlk_shake128ctx;

static inline void mlk_shake128_init(mlk_shake128ctx *state)
{
    sodium_memzero(state, sizeof *state);
}

static inline void mlk_shake128_absorb_once(mlk_shake128ctx *state, const uint8_t *input, size_t inlen)
{
    sponge_absorb_once(state, SHAKE128_RATE, input, inlen, CLOAK_KECCAK_DOMAIN_SHAKE);
}

static inline void mlk_shake128_squeezeblocks(uint8_t *output, size_t nblocks, mlk_shake128ctx *state)
{
    sponge_squeeze(output, nblocks * SHAKE128_RATE, state, SHAKE128_RATE);
}

static inline void mlk_shake128_release(mlk_shake128ctx *state)
{
    sodium_memzero(state, sizeof *state);
}

static inline void mlk_shake256(uint8_t *output, size_t outlen, const uint8_t *input, size_t inlen)
{
    sponge_hash(output, outlen, SHAKE256_RATE, CLOAK_KECCAK_DOMAIN_SHAKE, input, inlen);
}

static inline void mlk_sha3_256(uint8_t *output, const uint8_t *input, size_t inlen)
{
    sponge_hash(output, 32U, SHA3_256_RATE, CLOAK_KECCAK_DOMAIN_SHA3, input, inlen);
}

static inline void mlk_sha3_512(uint8_t *output, const uint8_t *input, size_t inlen)
{
    sponge_hash(output, 64U, SHA3_512_RATE, CLOAK_KECCAK_DOMAIN_SHA3, input, inlen);
}

#endif /* CLOAK_FIPS202_H */
