/*
 * ML-KEM-768 (FIPS 203) and the SHA-3 functions libcloak needs, from third-party code fetched at
 * build time (src/mlkem-native/meson.build). Internal: nothing here is exported, and the third-party
 * objects are compiled into one translation unit whose every function has internal linkage, so a
 * static link next to another copy of mlkem-native or of a Keccak is correct.
 *
 * Every function takes its randomness as an argument (the callers draw it from libsodium), so the
 * tests' deterministic random source covers ML-KEM too.
 */
#ifndef CLOAK_MLKEM_H
#define CLOAK_MLKEM_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define CLOAK_MLKEM768_PUBLICKEYBYTES 1184U  /* encapsulation key ek */
#define CLOAK_MLKEM768_SECRETKEYBYTES 2400U  /* expanded decapsulation key dk */
#define CLOAK_MLKEM768_CIPHERTEXTBYTES 1088U
#define CLOAK_MLKEM768_SEEDBYTES 64U         /* d || z of ML-KEM.KeyGen_internal */
#define CLOAK_MLKEM768_ENCAPS_RANDBYTES 32U  /* m of ML-KEM.Encaps_internal */
#define CLOAK_MLKEM768_SHAREDBYTES 32U

/* ML-KEM.KeyGen_internal(d, z), seed = d || z. Returns 0. */
CLOAK_INTERNAL int cloak__mlkem768_keypair_derand(uint8_t pk[CLOAK_MLKEM768_PUBLICKEYBYTES],
                                                  uint8_t sk[CLOAK_MLKEM768_SECRETKEYBYTES],
                                                  const uint8_t seed[CLOAK_MLKEM768_SEEDBYTES]);
/* FIPS 203 section 7.2's encapsulation-key check (every coefficient below q): 0 if it holds, -1
 * otherwise. */
CLOAK_INTERNAL int cloak__mlkem768_public_key_check(const uint8_t pk[CLOAK_MLKEM768_PUBLICKEYBYTES]);
/* ML-KEM.Encaps_internal(ek, m): 0, or -1 (ct and ss zeroed) if ek fails the modulus check. */
CLOAK_INTERNAL int cloak__mlkem768_encaps_derand(uint8_t ct[CLOAK_MLKEM768_CIPHERTEXTBYTES],
                                                 uint8_t ss[CLOAK_MLKEM768_SHAREDBYTES],
                                                 const uint8_t pk[CLOAK_MLKEM768_PUBLICKEYBYTES],
                                                 const uint8_t m[CLOAK_MLKEM768_ENCAPS_RANDBYTES]);
/* ML-KEM.Decaps(dk, c), with implicit rejection: 0 (ss is K or the rejection key), or -1 (ss zeroed)
 * if dk fails FIPS 203 section 7.3's hash check. Constant time in dk and c. */
CLOAK_INTERNAL int cloak__mlkem768_decaps(uint8_t ss[CLOAK_MLKEM768_SHAREDBYTES],
                                          const uint8_t ct[CLOAK_MLKEM768_CIPHERTEXTBYTES],
                                          const uint8_t sk[CLOAK_MLKEM768_SECRETKEYBYTES]);

/* FIPS 202. */
CLOAK_INTERNAL void cloak__sha3_256(uint8_t out[32], const uint8_t *in, size_t in_len);
CLOAK_INTERNAL void cloak__shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len);

/* A short description of the ML-KEM code in use, for the benchmark (for example
 * "mlkem-native (aws-lc-sys 0.47.0), portable C"). */
CLOAK_INTERNAL const char *cloak__mlkem_implementation(void);

#endif /* CLOAK_MLKEM_H */
