/*
 * Labelled Ed25519 signatures over content too long to copy (a vault head holds up to 10,000 roster
 * entries): the same signature as cloak__sign_labeled(), computed from libsodium's streamed SHA-512
 * and its scalar and point arithmetic, so that lp8(label) || signer public key || content is hashed
 * piece by piece instead of being assembled in one buffer.
 *
 * Signing (RFC 8032 5.1.6): a = clamp(SHA-512(seed)[0..32)), prefix = SHA-512(seed)[32..64),
 * r = SHA-512(prefix || M) mod L, R = [r]B, k = SHA-512(R || A || M) mod L, S = r + k a mod L.
 * Verifying follows docs/protocol.md 1.3 rule by rule, cofactorless, as libsodium 1.0.18 does.
 */
#include <string.h>

#include <sodium.h>

#include "head_format.h"

/* The group order L, little-endian. */
static const uint8_t group_order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* The neutral element's encoding (y = 1). */
static const uint8_t neutral_point[32] = {0x01};

/* Feeds lp8(label) || signer public key || content to a SHA-512 state. */
static int hash_labeled_message(crypto_hash_sha512_state *st, const char *label, const uint8_t pk[32],
                                const uint8_t *content, size_t content_len)
{
    const size_t label_len = strlen(label);
    uint8_t lp;

    if (label_len > CLOAK_LABELBYTES_MAX) {
        return CLOAK_E_BAD_PARAMS;
    }
    lp = (uint8_t)label_len;
    crypto_hash_sha512_update(st, &lp, 1);
    crypto_hash_sha512_update(st, (const uint8_t *)label, label_len);
    crypto_hash_sha512_update(st, pk, 32);
    if (content_len > 0U) {
        crypto_hash_sha512_update(st, content, content_len);
    }
    return CLOAK_OK;
}

/* Whether a little-endian 32-byte scalar is below L (public data: variable time). */
static int scalar_is_reduced(const uint8_t s[32])
{
    size_t i = 32;
    while (i-- > 0U) {
        if (s[i] != group_order[i]) {
            return s[i] < group_order[i];
        }
    }
    return 0;
}

/* out = [k]A for a key A that passes rules 3 to 5 (canonical, not of small order, a point) and
 * 0 < k < L. libsodium multiplies only points of order L; a key may also carry a small-order part T
 * (A = A' + T, A' of order L), which a verifier must keep (docs/protocol.md 1.3 is cofactorless). Then
 * [k]A = [k]A' + [k mod 8]T, with A' = [8^-1 mod L](8A) and T = A - A'. Returns 0 or -1. */
static int key_multiple(uint8_t out[32], const uint8_t k[32], const uint8_t a[32])
{
    static const uint8_t eight[32] = {8};
    uint8_t inv8[32];
    uint8_t p[32];
    uint8_t main_part[32];
    uint8_t torsion[32];
    unsigned i;

    if (crypto_scalarmult_ed25519_noclamp(out, k, a) == 0) {
        return 0;
    }
    if (crypto_core_ed25519_add(p, a, a) != 0 || crypto_core_ed25519_add(p, p, p) != 0 ||
        crypto_core_ed25519_add(p, p, p) != 0 || crypto_core_ed25519_scalar_invert(inv8, eight) != 0 ||
        crypto_scalarmult_ed25519_noclamp(main_part, inv8, p) != 0 ||
        crypto_core_ed25519_sub(torsion, a, main_part) != 0 || crypto_scalarmult_ed25519_noclamp(out, k, main_part) != 0) {
        return -1;
    }
    for (i = 0; i < (unsigned)(k[0] & 7U); i++) {
        if (crypto_core_ed25519_add(out, out, torsion) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Reduces a 64-byte hash mod L in place into its first 32 bytes. */
static void reduce_hash(uint8_t out[32], uint8_t hash[64])
{
    crypto_core_ed25519_scalar_reduce(out, hash);
}

int cloak__sign_labeled_stream(uint8_t sig[64], const char *label, const uint8_t *content, size_t content_len,
                               const uint8_t sk[64])
{
    crypto_hash_sha512_state st;
    uint8_t az[64];
    uint8_t wide[64];
    uint8_t r[32];
    uint8_t k[32];
    uint8_t ka[32];
    int rc;

    if (sig == NULL || sk == NULL || label == NULL || (content == NULL && content_len != 0U)) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__identity_secret_key_check(sk);
    if (rc != CLOAK_OK) {
        cloak__wipe(sig, 64);
        return rc;
    }
    crypto_hash_sha512(az, sk, 32);
    az[0] &= 248U;
    az[31] &= 127U;
    az[31] |= 64U;

    /* r = SHA-512(prefix || M) mod L */
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, az + 32, 32);
    rc = hash_labeled_message(&st, label, sk + 32, content, content_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    crypto_hash_sha512_final(&st, wide);
    reduce_hash(r, wide);

    /* R = [r]B; r is zero with probability 2^-252, where libsodium refuses: no signature then. */
    if (crypto_scalarmult_ed25519_base_noclamp(sig, r) != 0) {
        rc = CLOAK_E_INTERNAL;
        goto done;
    }

    /* k = SHA-512(R || A || M) mod L */
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, sig, 32);
    crypto_hash_sha512_update(&st, sk + 32, 32);
    rc = hash_labeled_message(&st, label, sk + 32, content, content_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    crypto_hash_sha512_final(&st, wide);
    reduce_hash(k, wide);

    /* S = r + k a mod L, with a reduced first so every operand of the scalar arithmetic is below L */
    memset(wide, 0, sizeof wide);
    memcpy(wide, az, 32);
    reduce_hash(az, wide);
    crypto_core_ed25519_scalar_mul(ka, k, az);
    crypto_core_ed25519_scalar_add(sig + 32, r, ka);

done:
    cloak__wipe(&st, sizeof st);
    cloak__wipe(az, sizeof az);
    cloak__wipe(wide, sizeof wide);
    cloak__wipe(r, sizeof r);
    cloak__wipe(k, sizeof k);
    cloak__wipe(ka, sizeof ka);
    if (rc != CLOAK_OK) {
        cloak__wipe(sig, 64);
    }
    return rc;
}

int cloak__verify_labeled_stream(const uint8_t sig[64], const char *label, const uint8_t *content,
                                 size_t content_len, const uint8_t pk[32])
{
    crypto_hash_sha512_state st;
    uint8_t wide[64];
    uint8_t k[32];
    uint8_t sb[32];
    uint8_t ka[32];
    uint8_t check[32];

    if (sig == NULL || pk == NULL || label == NULL || (content == NULL && content_len != 0U)) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Rules 1 to 5: S reduced, R not of small order, the key canonical, not of small order, a
     * point. */
    if (!scalar_is_reduced(sig + 32) || cloak__ed25519_small_order_encoding(sig) ||
        cloak__ed25519_public_key_check(pk) != CLOAK_OK) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, sig, 32);
    crypto_hash_sha512_update(&st, pk, 32);
    if (hash_labeled_message(&st, label, pk, content, content_len) != CLOAK_OK) {
        return CLOAK_E_BAD_PARAMS;
    }
    crypto_hash_sha512_final(&st, wide);
    reduce_hash(k, wide);

    /* Rule 6: encode([S]B - [k]A) == R. libsodium refuses a zero scalar (the product is the neutral
     * element), which is the neutral element here. */
    if (crypto_scalarmult_ed25519_base_noclamp(sb, sig + 32) != 0) {
        memcpy(sb, neutral_point, 32);
    }
    if (sodium_is_zero(k, sizeof k)) {
        memcpy(ka, neutral_point, 32);
    } else if (key_multiple(ka, k, pk) != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    if (crypto_core_ed25519_sub(check, sb, ka) != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    return sodium_memcmp(check, sig, 32) == 0 ? CLOAK_OK : CLOAK_E_BAD_SIGNATURE;
}

int cloak__sign_labeled_long(uint8_t sig[64], const char *label, const uint8_t *content, size_t content_len,
                             const uint8_t sk[64])
{
    /* Content that fits the one-buffer signer takes it (libsodium's own signing, no copy cost). */
    if (sig != NULL && sk != NULL && label != NULL && content_len <= CLOAK_SIGNED_CONTENT_MAX &&
        (content != NULL || content_len == 0U)) {
        return cloak__sign_labeled(sig, label, content, content_len, sk);
    }
    return cloak__sign_labeled_stream(sig, label, content, content_len, sk);
}

int cloak__verify_labeled_long(const uint8_t sig[64], const char *label, const uint8_t *content,
                               size_t content_len, const uint8_t pk[32])
{
    /* libsodium's verifier (one variable-time double multiplication) where the content fits its
     * buffer; the streamed one, the same rules, beyond. */
    if (content_len <= CLOAK_SIGNED_CONTENT_MAX) {
        return cloak__verify_labeled(sig, label, content, content_len, pk);
    }
    return cloak__verify_labeled_stream(sig, label, content, content_len, pk);
}
