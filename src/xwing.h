/*
 * X-Wing (draft-connolly-cfrg-xwing-kem), as HPKE's KEM MLKEM768-X25519 (0x647a, draft-ietf-hpke-pq):
 * ML-KEM-768 and X25519 side by side, combined by SHA3-256. Internal layer under src/hpke.c and the
 * X-Wing key functions.
 *
 * A secret key is X-Wing's 32-byte seed: SHAKE256(seed, 96) gives the ML-KEM-768 seed d || z (64
 * bytes) and the X25519 secret key (32 bytes). A public key is the ML-KEM-768 encapsulation key
 * (1184 bytes) followed by the X25519 public key (32 bytes); an encapsulation the ML-KEM ciphertext
 * (1088 bytes) followed by the ephemeral X25519 public key (32 bytes).
 */
#ifndef CLOAK_XWING_H
#define CLOAK_XWING_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define CLOAK_XWING_KEM_ID 0x647aU
#define CLOAK_XWING_SHAREDBYTES 32U
#define CLOAK_XWING_ENCAPS_RANDBYTES 64U /* ML-KEM's m (32) || the ephemeral X25519 secret key (32) */

/* The public key of a seed. */
CLOAK_INTERNAL void cloak__xwing_public_key(uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t sk[CLOAK_XWING_SECRETKEYBYTES]);
/* 0; CLOAK_E_MALFORMED if the ML-KEM part fails FIPS 203's modulus check or the X25519 part is not
 * canonical; CLOAK_E_INVALID_KEY if the X25519 part is of small order (docs/protocol.md 1.4). */
CLOAK_INTERNAL int cloak__xwing_public_key_check(const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES]);
/* Encapsulation with given randomness (the vectors) or, with rand NULL, fresh randomness from
 * libsodium. Checks the public key first. On failure ct and ss are zeroed. */
CLOAK_INTERNAL int cloak__xwing_encaps(uint8_t ct[CLOAK_XWING_ENCBYTES], uint8_t ss[CLOAK_XWING_SHAREDBYTES],
                                       const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES],
                                       const uint8_t *rand /* CLOAK_XWING_ENCAPS_RANDBYTES or NULL */);
/* Decapsulation. pk must be the seed's public key (CLOAK_E_INVALID_KEY otherwise, compared after
 * expanding the seed); an ephemeral X25519 key that is not canonical is CLOAK_E_MALFORMED, one giving
 * an all-zero X25519 agreement CLOAK_E_INVALID_KEY. A wrong ML-KEM ciphertext gives ML-KEM's implicit
 * rejection key (and so, in HPKE, an authentication failure). On failure ss is zeroed. */
CLOAK_INTERNAL int cloak__xwing_decaps(uint8_t ss[CLOAK_XWING_SHAREDBYTES], const uint8_t ct[CLOAK_XWING_ENCBYTES],
                                       const uint8_t sk[CLOAK_XWING_SECRETKEYBYTES],
                                       const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES]);
/* HPKE DeriveKeyPair for KEM 0x647a: sk = SHAKE256(ikm || "HPKE-v1" || "KEM" || I2OSP(0x647a, 2) ||
 * I2OSP(13, 2) || "DeriveKeyPair" || I2OSP(32, 2), 32), pk from sk. ikm of 32 to 255 bytes
 * (CLOAK_E_BAD_PARAMS otherwise, outputs zeroed). */
CLOAK_INTERNAL int cloak__xwing_derive_keypair(uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], uint8_t sk[CLOAK_XWING_SECRETKEYBYTES],
                                               const uint8_t *ikm, size_t ikm_len);
/* SHA-256(lp8("libcloak v2 public key id") || pk): the key hash; the key id is its first 16 bytes. */
CLOAK_INTERNAL void cloak__xwing_key_hash(uint8_t hash[CLOAK_XWING_KEYHASHBYTES], const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES]);

#endif /* CLOAK_XWING_H */
