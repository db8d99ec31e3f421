/* X-Wing (docs/protocol.md section 1.6): ML-KEM-768 and X25519 under one SHA3-256 combiner, as HPKE's
 * KEM 0x647a. The ML-KEM and SHA-3 primitives are src/mlkem.h's; X25519 is libsodium's, through
 * src/dh.c's checks.
 *
 * The expanded ML-KEM decapsulation key (2400 bytes) is rebuilt from the 32-byte seed on every use
 * and wiped after it: only the seed is ever stored. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"
#include "mlkem.h"
#include "xwing.h"

/* Where the X25519 halves sit: after the ML-KEM encapsulation key in a public key, after the ML-KEM
 * ciphertext in an encapsulation. */
#define PK_X_OFF CLOAK_MLKEM768_PUBLICKEYBYTES
#define CT_X_OFF CLOAK_MLKEM768_CIPHERTEXTBYTES
#define X25519_BYTES 32U

_Static_assert(CLOAK_XWING_PUBLICKEYBYTES == CLOAK_MLKEM768_PUBLICKEYBYTES + X25519_BYTES, "pk = ek || pk_X");
_Static_assert(CLOAK_XWING_ENCBYTES == CLOAK_MLKEM768_CIPHERTEXTBYTES + X25519_BYTES, "enc = ct_M || ct_X");
_Static_assert(CLOAK_XWING_ENCAPS_RANDBYTES == CLOAK_MLKEM768_ENCAPS_RANDBYTES + X25519_BYTES, "m || e");
_Static_assert(CLOAK_XWING_SHAREDBYTES == CLOAK_MLKEM768_SHAREDBYTES, "both shared secrets of 32 bytes");

/* SHAKE256(seed, 96) = ML-KEM's d || z, then the X25519 secret key. */
#define EXPANDED_BYTES (CLOAK_MLKEM768_SEEDBYTES + X25519_BYTES)
#define EXPANDED_SK_X CLOAK_MLKEM768_SEEDBYTES

/* The combiner's input, built in place: ss_M || ss_X || ct_X || pk_X || label. */
#define COMB_SS_M 0U
#define COMB_SS_X 32U
#define COMB_CT_X 64U
#define COMB_PK_X 96U
#define COMB_LABEL 128U
#define COMB_BYTES 134U

/* X-Wing's label, the six characters \./ /^\ . */
static const uint8_t xwing_label[COMB_BYTES - COMB_LABEL] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

/* DeriveKeyPair's suite id: "KEM" || I2OSP(0x647a, 2). */
static const uint8_t suite_kem[5] = {'K', 'E', 'M', (uint8_t)(CLOAK_XWING_KEM_ID >> 8), (uint8_t)CLOAK_XWING_KEM_ID};

/* ss = SHA3-256(in), the label filled in here; in is wiped (it holds both shared secrets). */
static void combine(uint8_t ss[CLOAK_XWING_SHAREDBYTES], uint8_t in[COMB_BYTES])
{
    memcpy(in + COMB_LABEL, xwing_label, sizeof xwing_label);
    cloak__sha3_256(ss, in, COMB_BYTES);
    cloak__wipe(in, COMB_BYTES);
}

/* The X25519 public key of a secret key (X25519 clamps any 32 bytes into a scalar that never gives
 * the all-zero point, so this cannot fail; abort rather than hand back a zero key if it ever did). */
static void x25519_public_key(uint8_t pk[X25519_BYTES], const uint8_t sk[X25519_BYTES])
{
    if (crypto_scalarmult_curve25519_base(pk, sk) != 0) {
        abort();
    }
}

void cloak__xwing_public_key(uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t sk[CLOAK_XWING_SECRETKEYBYTES])
{
    uint8_t expanded[EXPANDED_BYTES];
    uint8_t dk[CLOAK_MLKEM768_SECRETKEYBYTES];

    if (pk == NULL || sk == NULL) {
        abort();
    }
    /* sk is read in full before pk is written: the two may be one buffer. */
    cloak__shake256(expanded, sizeof expanded, sk, CLOAK_XWING_SECRETKEYBYTES);
    (void)cloak__mlkem768_keypair_derand(pk, dk, expanded);
    x25519_public_key(pk + PK_X_OFF, expanded + EXPANDED_SK_X);
    /* Public: a public key computed from its secret key. */
    cloak__declassify(pk, CLOAK_XWING_PUBLICKEYBYTES);
    cloak__wipe(expanded, sizeof expanded);
    cloak__wipe(dk, sizeof dk);
}

int cloak__xwing_public_key_check(const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES])
{
    if (pk == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* A coefficient of q or more has a second encoding of the same key (FIPS 203 section 7.2). */
    if (cloak__mlkem768_public_key_check(pk) != 0) {
        return CLOAK_E_MALFORMED;
    }
    return cloak__x25519_public_key_check(pk + PK_X_OFF);
}

int cloak__xwing_encaps(uint8_t ct[CLOAK_XWING_ENCBYTES], uint8_t ss[CLOAK_XWING_SHAREDBYTES],
                        const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t *rand)
{
    uint8_t r[CLOAK_XWING_ENCAPS_RANDBYTES]; /* m || e */
    const uint8_t *const e = r + CLOAK_MLKEM768_ENCAPS_RANDBYTES;
    uint8_t in[COMB_BYTES];
    uint8_t ct_m[CLOAK_MLKEM768_CIPHERTEXTBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    if (ct == NULL || ss == NULL || pk == NULL) {
        goto done;
    }
    rc = cloak__xwing_public_key_check(pk);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (rand != NULL) {
        memcpy(r, rand, sizeof r);
    } else {
        randombytes_buf(r, sizeof r);
    }
    x25519_public_key(in + COMB_CT_X, e);
    /* pk_X passed the small-order check, so the agreement is never zero; checked all the same. */
    rc = cloak__x25519(in + COMB_SS_X, e, pk + PK_X_OFF);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* The key passed the modulus check above, the only failure. */
    if (cloak__mlkem768_encaps_derand(ct_m, in + COMB_SS_M, pk, r) != 0) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    memcpy(in + COMB_PK_X, pk + PK_X_OFF, X25519_BYTES);
    /* Outputs last: ct and ss may overlap pk. */
    memcpy(ct, ct_m, sizeof ct_m);
    memcpy(ct + CT_X_OFF, in + COMB_CT_X, X25519_BYTES);
    combine(ss, in);

done:
    cloak__wipe(r, sizeof r);
    cloak__wipe(in, sizeof in);
    cloak__wipe(ct_m, sizeof ct_m);
    if (rc != CLOAK_OK) {
        cloak__wipe(ct, CLOAK_XWING_ENCBYTES);
        cloak__wipe(ss, CLOAK_XWING_SHAREDBYTES);
    }
    return rc;
}

/* ML-KEM's decapsulation key of the seed d || z into dk, and whether its encapsulation key differs
 * from ek_given (1: differs). Kept out of line so that ek and the caller's dk are not in one frame
 * (src/meson.build's frame bound). */
static __attribute__((noinline)) int mlkem_dk_of(uint8_t dk[CLOAK_MLKEM768_SECRETKEYBYTES],
                                                  const uint8_t seed[CLOAK_MLKEM768_SEEDBYTES],
                                                  const uint8_t ek_given[CLOAK_MLKEM768_PUBLICKEYBYTES])
{
    uint8_t ek[CLOAK_MLKEM768_PUBLICKEYBYTES];
    int differ;

    (void)cloak__mlkem768_keypair_derand(ek, dk, seed);
    differ = cloak__memcmp_ct(ek, ek_given, sizeof ek);
    cloak__wipe(ek, sizeof ek);
    return differ;
}

int cloak__xwing_decaps(uint8_t ss[CLOAK_XWING_SHAREDBYTES], const uint8_t ct[CLOAK_XWING_ENCBYTES],
                        const uint8_t sk[CLOAK_XWING_SECRETKEYBYTES], const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES])
{
    uint8_t expanded[EXPANDED_BYTES];
    uint8_t dk[CLOAK_MLKEM768_SECRETKEYBYTES];
    uint8_t in[COMB_BYTES];
    int differ;
    int rc = CLOAK_E_BAD_PARAMS;

    if (ss == NULL || ct == NULL || sk == NULL || pk == NULL) {
        goto done;
    }
    cloak__shake256(expanded, sizeof expanded, sk, CLOAK_XWING_SECRETKEYBYTES);
    /* pk_X goes into the combiner as the seed gives it, so a pk_X given wrong cannot reach ss. */
    x25519_public_key(in + COMB_PK_X, expanded + EXPANDED_SK_X);
    differ = mlkem_dk_of(dk, expanded, pk);
    differ |= cloak__memcmp_ct(in + COMB_PK_X, pk + PK_X_OFF, X25519_BYTES);
    /* Public: whether the public key the caller names is its own, which the caller can tell from
     * the public key alone. */
    cloak__declassify(&differ, sizeof differ);
    if (differ != 0) {
        rc = CLOAK_E_INVALID_KEY;
        goto done;
    }
    /* ct_X by docs/protocol.md 1.4: one encoding per point (else a second enc would open to the same
     * key), no point of small order. */
    rc = cloak__x25519_public_key_check(ct + CT_X_OFF);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__x25519(in + COMB_SS_X, expanded + EXPANDED_SK_X, ct + CT_X_OFF);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* Fails only on a decapsulation key whose hash check fails, which a key derived here cannot. */
    if (cloak__mlkem768_decaps(in + COMB_SS_M, ct, dk) != 0) {
        rc = CLOAK_E_INVALID_KEY;
        goto done;
    }
    memcpy(in + COMB_CT_X, ct + CT_X_OFF, X25519_BYTES);
    combine(ss, in);

done:
    cloak__wipe(expanded, sizeof expanded);
    cloak__wipe(dk, sizeof dk);
    cloak__wipe(in, sizeof in);
    if (rc != CLOAK_OK) {
        cloak__wipe(ss, CLOAK_XWING_SHAREDBYTES);
    }
    return rc;
}

int cloak__xwing_derive_keypair(uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], uint8_t sk[CLOAK_XWING_SECRETKEYBYTES],
                                const uint8_t *ikm, size_t ikm_len)
{
    /* ikm || "HPKE-v1" || suite id || I2OSP(13, 2) || "DeriveKeyPair" || I2OSP(32, 2) (Go's one-stage
     * labeledDerive, with an empty context). */
    static const char version[] = "HPKE-v1";
    static const char label[] = "DeriveKeyPair";
    uint8_t buf[CLOAK_LABELBYTES_MAX + (sizeof version - 1U) + sizeof suite_kem + 2U + (sizeof label - 1U) + 2U];
    uint8_t seed[CLOAK_XWING_SECRETKEYBYTES];
    size_t off = 0;
    int rc = CLOAK_E_BAD_PARAMS;

    if (pk == NULL || sk == NULL || ikm == NULL || ikm_len < CLOAK_XWING_SEEDBYTES ||
        ikm_len > CLOAK_LABELBYTES_MAX) {
        goto done;
    }
    off = cloak__put(buf, off, ikm, ikm_len);
    off = cloak__put(buf, off, version, sizeof version - 1U);
    off = cloak__put(buf, off, suite_kem, sizeof suite_kem);
    cloak__store16_be(buf + off, (uint16_t)(sizeof label - 1U));
    off += 2U;
    off = cloak__put(buf, off, label, sizeof label - 1U);
    cloak__store16_be(buf + off, (uint16_t)sizeof seed);
    off += 2U;
    cloak__shake256(seed, sizeof seed, buf, off);
    cloak__xwing_public_key(pk, seed);
    memcpy(sk, seed, sizeof seed);
    rc = CLOAK_OK;

done:
    cloak__wipe(buf, sizeof buf);
    cloak__wipe(seed, sizeof seed);
    if (rc != CLOAK_OK) {
        cloak__wipe(pk, CLOAK_XWING_PUBLICKEYBYTES);
        cloak__wipe(sk, CLOAK_XWING_SECRETKEYBYTES);
    }
    return rc;
}

void cloak__xwing_key_hash(uint8_t hash[CLOAK_XWING_KEYHASHBYTES], const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES])
{
    if (hash == NULL || pk == NULL) {
        abort();
    }
    cloak__labeled_sha256(hash, CLOAK_LABEL_PUBLIC_KEY_ID, pk, CLOAK_XWING_PUBLICKEYBYTES);
}
