/*
 * HPKE (RFC 9180) for one suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305
 * (0x0020, 0x0001, 0x0003). The internal layer has all four modes, so the RFC's vectors check every
 * branch of the key schedule; the public API is Base mode only.
 *
 * The labelled KDF is built here on libsodium's incremental HMAC rather than on cloak__hkdf_*():
 * - labelled inputs (info, psk_id, psk, exporter_context) are streamed into the MAC, so they need no
 *   stack buffer to be concatenated into and have no length bound of ours;
 * - a key used for several MACs (the empty salt: eae_prk, psk_id_hash, info_hash; the key schedule's
 *   secret: key, base_nonce, exporter_secret) is set up once (two SHA-256 blocks) and copied.
 * Both are the cost of a vault-key share that is not the two X25519 operations.
 */
#include <stddef.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

_Static_assert(sizeof(cloak__hpke_ctx) <= CLOAK_HPKE_CONTEXTBYTES, "cloak__hpke_ctx must fit the public context");
_Static_assert(CLOAK_HPKE_TAGBYTES == CLOAK_AEAD_TAGBYTES, "the HPKE tag is the AEAD tag");

#define HPKE_NSECRET 32U /* Nsecret = Nh = Nk = Npk = Nsk = Ndh = Nenc */
#define HPKE_NN 12U
#define HPKE_PSK_MINBYTES 32U /* RFC 9180 section 5.1.2: a PSK has at least 32 bytes of entropy */
#define HPKE_EXPAND_MAXBYTES (255U * HPKE_NSECRET)
/* The AEAD's own message limit; libsodium aborts beyond it, so the public layer refuses first. */
#define HPKE_PT_MAXBYTES ((size_t)crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX)

/* "HPKE-v1", and the two suite ids: "KEM" || I2OSP(kem_id, 2) for the KEM's own derivations,
 * "HPKE" || kem_id || kdf_id || aead_id for the key schedule (RFC 9180 sections 4.1 and 5.1). */
static const uint8_t hpke_version[7] = {'H', 'P', 'K', 'E', '-', 'v', '1'};
static const uint8_t suite_kem[5] = {'K', 'E', 'M', 0x00, 0x20};
static const uint8_t suite_hpke[10] = {'H', 'P', 'K', 'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x03};

typedef struct suite_id {
    const uint8_t *bytes;
    size_t len;
} suite_id;
static const suite_id kem_suite = {suite_kem, sizeof suite_kem};
static const suite_id hpke_suite = {suite_hpke, sizeof suite_hpke};

#define LABEL(s) (const uint8_t *)(s), (sizeof(s) - 1U)

/* An HMAC-SHA256 key, set up once (inner and outer pad absorbed) and copied for each use. */
typedef crypto_auth_hmacsha256_state hmac_key;

static void hmac_key_init(hmac_key *k, const uint8_t *key, size_t key_len)
{
    (void)crypto_auth_hmacsha256_init(k, key, key_len);
}

/* Extract with an empty salt: RFC 5869 substitutes HashLen zero bytes, which HMAC pads to the same
 * block as no key at all. */
static void hmac_key_init_empty(hmac_key *k)
{
    static const uint8_t zero_salt[HPKE_NSECRET] = {0};

    hmac_key_init(k, zero_salt, sizeof zero_salt);
}

static void hmac_absorb(hmac_key *st, const uint8_t *p, size_t n)
{
    if (n > 0) {
        (void)crypto_auth_hmacsha256_update(st, p, n);
    }
}

/* LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm), with the
 * salt given as its HMAC key. */
static void labeled_extract(uint8_t out[HPKE_NSECRET], const hmac_key *salt, const suite_id *suite,
                            const uint8_t *label, size_t label_len, const uint8_t *ikm, size_t ikm_len)
{
    hmac_key st = *salt;

    hmac_absorb(&st, hpke_version, sizeof hpke_version);
    hmac_absorb(&st, suite->bytes, suite->len);
    hmac_absorb(&st, label, label_len);
    hmac_absorb(&st, ikm, ikm_len);
    (void)crypto_auth_hmacsha256_final(&st, out);
    cloak__wipe(&st, sizeof st);
}

/* LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label ||
 * info, L), the PRK given as its HMAC key. The caller guarantees out_len <= 255 * 32; out must not
 * overlap info (info is read again for every block). */
static void labeled_expand(uint8_t *out, size_t out_len, const hmac_key *prk, const suite_id *suite,
                           const uint8_t *label, size_t label_len, const uint8_t *info, size_t info_len)
{
    hmac_key st;
    uint8_t t[HPKE_NSECRET];
    uint8_t length[2];
    uint8_t counter = 1;
    size_t done = 0;

    cloak__store16_be(length, (uint16_t)out_len);
    while (done < out_len) {
        size_t n = out_len - done < HPKE_NSECRET ? out_len - done : HPKE_NSECRET;

        st = *prk;
        if (counter > 1) {
            hmac_absorb(&st, t, sizeof t);
        }
        hmac_absorb(&st, length, sizeof length);
        hmac_absorb(&st, hpke_version, sizeof hpke_version);
        hmac_absorb(&st, suite->bytes, suite->len);
        hmac_absorb(&st, label, label_len);
        hmac_absorb(&st, info, info_len);
        hmac_absorb(&st, &counter, 1);
        (void)crypto_auth_hmacsha256_final(&st, t);
        memcpy(out + done, t, n);
        done += n;
        counter++;
    }
    cloak__wipe(&st, sizeof st);
    cloak__wipe(t, sizeof t);
}

int cloak__hpke_derive_keypair(uint8_t pk[32], uint8_t sk[32], const uint8_t *ikm, size_t ikm_len)
{
    hmac_key key;
    uint8_t dkp_prk[HPKE_NSECRET];

    if (pk == NULL || sk == NULL || ikm == NULL || ikm_len < HPKE_NSECRET) {
        cloak__wipe(pk, 32);
        cloak__wipe(sk, 32);
        return CLOAK_E_BAD_PARAMS;
    }
    hmac_key_init_empty(&key);
    labeled_extract(dkp_prk, &key, &kem_suite, LABEL("dkp_prk"), ikm, ikm_len);
    hmac_key_init(&key, dkp_prk, sizeof dkp_prk);
    labeled_expand(sk, 32, &key, &kem_suite, LABEL("sk"), NULL, 0);
    cloak__wipe(&key, sizeof key);
    cloak__wipe(dkp_prk, sizeof dkp_prk);
    /* Never fails for a clamped scalar; checked so a broken build cannot return a zero key. */
    if (crypto_scalarmult_curve25519_base(pk, sk) != 0) {
        cloak__wipe(pk, 32);
        cloak__wipe(sk, 32);
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

/* VerifyPSKInputs (RFC 9180 section 5.1) and the argument checks every setup shares. has_sender is
 * whether the sender's static key was given (both halves for the sender side). */
static int check_setup_inputs(int mode, const uint8_t *info, size_t info_len, const uint8_t *psk, size_t psk_len,
                              const uint8_t *psk_id, size_t psk_id_len, int has_sender)
{
    int got_psk = psk_len != 0;
    int got_psk_id = psk_id_len != 0;
    int mode_psk = mode == CLOAK_HPKE_MODE_PSK || mode == CLOAK_HPKE_MODE_AUTH_PSK;
    int mode_auth = mode == CLOAK_HPKE_MODE_AUTH || mode == CLOAK_HPKE_MODE_AUTH_PSK;

    if (mode < CLOAK_HPKE_MODE_BASE || mode > CLOAK_HPKE_MODE_AUTH_PSK) {
        return CLOAK_E_BAD_PARAMS;
    }
    if ((info == NULL && info_len != 0) || (psk == NULL && psk_len != 0) || (psk_id == NULL && psk_id_len != 0)) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Inconsistent PSK inputs; a PSK where none is used; a PSK missing. */
    if (got_psk != got_psk_id || got_psk != mode_psk) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (got_psk && psk_len < HPKE_PSK_MINBYTES) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* A sender key in a mode that does not authenticate would be silently ignored: refuse it. */
    if (has_sender != mode_auth) {
        return CLOAK_E_BAD_PARAMS;
    }
    return CLOAK_OK;
}

/* Encap/Decap's ExtractAndExpand(dh, kem_context), then KeySchedule(). empty is the HMAC key of the
 * empty salt, shared by eae_prk, psk_id_hash and info_hash. */
static void derive_context(cloak__hpke_ctx *ctx, int mode, const uint8_t *dh, size_t dh_len,
                           const uint8_t *kem_context, size_t kem_context_len, const uint8_t *info,
                           size_t info_len, const uint8_t *psk, size_t psk_len, const uint8_t *psk_id,
                           size_t psk_id_len)
{
    hmac_key empty;
    hmac_key key;
    uint8_t prk[HPKE_NSECRET];
    uint8_t shared_secret[HPKE_NSECRET];
    uint8_t ks_context[1 + 2 * HPKE_NSECRET];

    /* Padding too: the context is copied whole into the caller's opaque buffer. */
    memset(ctx, 0, sizeof *ctx);
    hmac_key_init_empty(&empty);

    labeled_extract(prk, &empty, &kem_suite, LABEL("eae_prk"), dh, dh_len);
    hmac_key_init(&key, prk, sizeof prk);
    labeled_expand(shared_secret, sizeof shared_secret, &key, &kem_suite, LABEL("shared_secret"), kem_context,
                   kem_context_len);

    ks_context[0] = (uint8_t)mode;
    labeled_extract(ks_context + 1, &empty, &hpke_suite, LABEL("psk_id_hash"), psk_id, psk_id_len);
    labeled_extract(ks_context + 1 + HPKE_NSECRET, &empty, &hpke_suite, LABEL("info_hash"), info, info_len);

    hmac_key_init(&key, shared_secret, sizeof shared_secret);
    labeled_extract(prk, &key, &hpke_suite, LABEL("secret"), psk, psk_len);
    hmac_key_init(&key, prk, sizeof prk);
    labeled_expand(ctx->key, sizeof ctx->key, &key, &hpke_suite, LABEL("key"), ks_context, sizeof ks_context);
    labeled_expand(ctx->base_nonce, sizeof ctx->base_nonce, &key, &hpke_suite, LABEL("base_nonce"), ks_context,
                   sizeof ks_context);
    labeled_expand(ctx->exporter_secret, sizeof ctx->exporter_secret, &key, &hpke_suite, LABEL("exp"),
                   ks_context, sizeof ks_context);

    cloak__wipe(&empty, sizeof empty);
    cloak__wipe(&key, sizeof key);
    cloak__wipe(prk, sizeof prk);
    cloak__wipe(shared_secret, sizeof shared_secret);
}

int cloak__hpke_setup_s(cloak__hpke_ctx *ctx, uint8_t enc[32], int mode, const uint8_t pkR[32],
                        const uint8_t *info, size_t info_len, const uint8_t skE[32], const uint8_t *psk,
                        size_t psk_len, const uint8_t *psk_id, size_t psk_id_len, const uint8_t *skS,
                        const uint8_t *pkS)
{
    /* dh = DH(skE, pkR) [|| DH(skS, pkR)]; kem_context = enc || pkR [|| pkS] */
    uint8_t dh[2 * HPKE_NSECRET];
    uint8_t kem_context[3 * HPKE_NSECRET];
    size_t dh_len = HPKE_NSECRET;
    size_t kem_context_len = 2 * HPKE_NSECRET;
    int rc;

    if (ctx == NULL || enc == NULL || pkR == NULL || skE == NULL || (skS == NULL) != (pkS == NULL)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    rc = check_setup_inputs(mode, info, info_len, psk, psk_len, psk_id, psk_id_len, skS != NULL);
    if (rc != CLOAK_OK) {
        goto fail;
    }
    if (crypto_scalarmult_curve25519_base(kem_context, skE) != 0) {
        rc = CLOAK_E_INVALID_KEY;
        goto fail;
    }
    memcpy(kem_context + HPKE_NSECRET, pkR, HPKE_NSECRET);
    rc = cloak__x25519(dh, skE, pkR);
    if (rc == CLOAK_OK && skS != NULL) {
        rc = cloak__x25519(dh + HPKE_NSECRET, skS, pkR);
        memcpy(kem_context + 2 * HPKE_NSECRET, pkS, HPKE_NSECRET);
        dh_len += HPKE_NSECRET;
        kem_context_len += HPKE_NSECRET;
    }
    if (rc != CLOAK_OK) {
        goto fail;
    }
    derive_context(ctx, mode, dh, dh_len, kem_context, kem_context_len, info, info_len, psk, psk_len, psk_id,
                   psk_id_len);
    memcpy(enc, kem_context, HPKE_NSECRET);
    cloak__wipe(dh, sizeof dh);
    return CLOAK_OK;

fail:
    cloak__wipe(dh, sizeof dh);
    cloak__wipe(ctx, sizeof *ctx);
    cloak__wipe(enc, HPKE_NSECRET);
    return rc;
}

int cloak__hpke_setup_r(cloak__hpke_ctx *ctx, int mode, const uint8_t enc[32], const uint8_t pkR[32],
                        const uint8_t skR[32], const uint8_t *info, size_t info_len, const uint8_t *psk,
                        size_t psk_len, const uint8_t *psk_id, size_t psk_id_len, const uint8_t *pkS)
{
    /* dh = DH(skR, enc) [|| DH(skR, pkS)]; kem_context = enc || pkR [|| pkS]. pkR is trusted to be
     * skR's public key: a wrong one only changes kem_context, so every open fails. */
    uint8_t dh[2 * HPKE_NSECRET];
    uint8_t kem_context[3 * HPKE_NSECRET];
    size_t dh_len = HPKE_NSECRET;
    size_t kem_context_len = 2 * HPKE_NSECRET;
    int rc;

    if (ctx == NULL || enc == NULL || pkR == NULL || skR == NULL) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    rc = check_setup_inputs(mode, info, info_len, psk, psk_len, psk_id, psk_id_len, pkS != NULL);
    if (rc != CLOAK_OK) {
        goto fail;
    }
    memcpy(kem_context, enc, HPKE_NSECRET);
    memcpy(kem_context + HPKE_NSECRET, pkR, HPKE_NSECRET);
    rc = cloak__x25519(dh, skR, enc);
    if (rc == CLOAK_OK && pkS != NULL) {
        rc = cloak__x25519(dh + HPKE_NSECRET, skR, pkS);
        memcpy(kem_context + 2 * HPKE_NSECRET, pkS, HPKE_NSECRET);
        dh_len += HPKE_NSECRET;
        kem_context_len += HPKE_NSECRET;
    }
    if (rc != CLOAK_OK) {
        goto fail;
    }
    derive_context(ctx, mode, dh, dh_len, kem_context, kem_context_len, info, info_len, psk, psk_len, psk_id,
                   psk_id_len);
    cloak__wipe(dh, sizeof dh);
    return CLOAK_OK;

fail:
    cloak__wipe(dh, sizeof dh);
    cloak__wipe(ctx, sizeof *ctx);
    return rc;
}

/* ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn); seq has 64 bits, so only the last 8 bytes. */
static void compute_nonce(uint8_t nonce[HPKE_NN], const uint8_t base_nonce[HPKE_NN], uint64_t seq)
{
    size_t i;

    memcpy(nonce, base_nonce, HPKE_NN);
    for (i = 0; i < 8; i++) {
        nonce[HPKE_NN - 1U - i] ^= (uint8_t)(seq >> (8U * i));
    }
}

void cloak__hpke_seal_at(const cloak__hpke_ctx *ctx, uint64_t seq, uint8_t *ct, const uint8_t *aad,
                         size_t aad_len, const uint8_t *pt, size_t pt_len)
{
    uint8_t nonce[HPKE_NN];

    compute_nonce(nonce, ctx->base_nonce, seq);
    cloak__chacha_seal(ct, pt, pt_len, aad, aad_len, nonce, ctx->key);
    cloak__wipe(nonce, sizeof nonce);
}

int cloak__hpke_open_at(const cloak__hpke_ctx *ctx, uint64_t seq, uint8_t *pt, const uint8_t *aad,
                        size_t aad_len, const uint8_t *ct, size_t ct_len)
{
    uint8_t nonce[HPKE_NN];
    int rc;

    /* Shorter than a tag: not a ciphertext at all, told apart from a forgery. */
    if (ct_len < CLOAK_AEAD_TAGBYTES) {
        return CLOAK_E_MALFORMED;
    }
    compute_nonce(nonce, ctx->base_nonce, seq);
    rc = cloak__chacha_open(pt, ct, ct_len, aad, aad_len, nonce, ctx->key);
    cloak__wipe(nonce, sizeof nonce);
    if (rc != CLOAK_OK) {
        cloak__wipe(pt, ct_len - CLOAK_AEAD_TAGBYTES);
    }
    return rc;
}

int cloak__hpke_export(const cloak__hpke_ctx *ctx, uint8_t *out, size_t out_len,
                       const uint8_t *exporter_context, size_t exporter_context_len)
{
    hmac_key key;

    if (out == NULL && out_len != 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (ctx == NULL || (exporter_context == NULL && exporter_context_len != 0) || out_len > HPKE_EXPAND_MAXBYTES) {
        cloak__wipe(out, out_len);
        return CLOAK_E_BAD_PARAMS;
    }
    hmac_key_init(&key, ctx->exporter_secret, sizeof ctx->exporter_secret);
    labeled_expand(out, out_len, &key, &hpke_suite, LABEL("sec"), exporter_context, exporter_context_len);
    cloak__wipe(&key, sizeof key);
    return CLOAK_OK;
}

/* ------------------------------------------------------------------------------------------------
 * Public API (Base mode). The opaque context holds a cloak__hpke_ctx at offset 0, copied in and out
 * with memcpy so its bytes are never accessed through a type they were not declared with, followed
 * by a role tag. Both sides of a context share key and base nonce: a recipient context that could
 * seal would reuse the sender's nonces, so seal takes only a sender's context and open only a
 * recipient's; a wiped or never set-up context (tag zero) is refused by everything.
 * ---------------------------------------------------------------------------------------------- */

#define ROLE_OFFSET sizeof(cloak__hpke_ctx)
#define ROLE_SENDER 0x68707373U    /* "hpss" */
#define ROLE_RECIPIENT 0x68707372U /* "hpsr" */
_Static_assert(sizeof(cloak__hpke_ctx) + sizeof(uint32_t) <= CLOAK_HPKE_CONTEXTBYTES,
               "cloak__hpke_ctx and its role must fit the public context");

static void context_load(cloak__hpke_ctx *c, const cloak_hpke_context *ctx)
{
    memcpy(c, ctx->opaque.bytes, sizeof *c);
}

static uint32_t context_role(const cloak_hpke_context *ctx)
{
    uint32_t role;
    memcpy(&role, ctx->opaque.bytes + ROLE_OFFSET, sizeof role);
    return role;
}

static void context_store(cloak_hpke_context *ctx, const cloak__hpke_ctx *c, uint32_t role)
{
    memset(ctx->opaque.bytes, 0, sizeof ctx->opaque.bytes);
    memcpy(ctx->opaque.bytes, c, sizeof *c);
    memcpy(ctx->opaque.bytes + ROLE_OFFSET, &role, sizeof role);
}

static void context_store_seq(cloak_hpke_context *ctx, uint64_t seq)
{
    memcpy(ctx->opaque.bytes + offsetof(cloak__hpke_ctx, seq), &seq, sizeof seq);
}

int cloak_hpke_setup_sender(cloak_hpke_context *ctx, uint8_t enc[CLOAK_HPKE_ENCBYTES],
                            const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                            const uint8_t *info, size_t info_len)
{
    cloak__hpke_ctx c;
    uint8_t skE[HPKE_NSECRET];
    int rc;

    if (ctx == NULL) {
        cloak__wipe(enc, CLOAK_HPKE_ENCBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    /* GenerateKeyPair for X25519 is 32 uniformly random bytes (as crypto_box_keypair does). */
    randombytes_buf(skE, sizeof skE);
    rc = cloak__hpke_setup_s(&c, enc, CLOAK_HPKE_MODE_BASE, recipient_public_key, info, info_len, skE, NULL, 0,
                             NULL, 0, NULL, NULL);
    cloak__wipe(skE, sizeof skE);
    if (rc == CLOAK_OK) {
        context_store(ctx, &c, ROLE_SENDER);
    } else {
        cloak__wipe(ctx, sizeof *ctx);
    }
    cloak__wipe(&c, sizeof c);
    return rc;
}

int cloak_hpke_setup_recipient(cloak_hpke_context *ctx, const uint8_t enc[CLOAK_HPKE_ENCBYTES],
                               const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                               const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                               const uint8_t *info, size_t info_len)
{
    cloak__hpke_ctx c;
    int rc;

    if (ctx == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__hpke_setup_r(&c, CLOAK_HPKE_MODE_BASE, enc, recipient_public_key, recipient_secret_key, info,
                             info_len, NULL, 0, NULL, 0, NULL);
    if (rc == CLOAK_OK) {
        context_store(ctx, &c, ROLE_RECIPIENT);
    } else {
        cloak__wipe(ctx, sizeof *ctx);
    }
    cloak__wipe(&c, sizeof c);
    return rc;
}

/* Zeroes a ciphertext output of pt_len + tag bytes on failure, when that length exists. */
static void wipe_sealed(uint8_t *ct, size_t pt_len)
{
    if (pt_len <= SIZE_MAX - CLOAK_AEAD_TAGBYTES) {
        cloak__wipe(ct, pt_len + CLOAK_AEAD_TAGBYTES);
    }
}

int cloak_hpke_seal(cloak_hpke_context *ctx, uint8_t *ciphertext, const uint8_t *aad, size_t aad_len,
                    const uint8_t *plaintext, size_t plaintext_len)
{
    cloak__hpke_ctx c;

    if (ciphertext == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (ctx == NULL || context_role(ctx) != ROLE_SENDER || (aad == NULL && aad_len != 0) ||
        (plaintext == NULL && plaintext_len != 0) || plaintext_len > HPKE_PT_MAXBYTES) {
        wipe_sealed(ciphertext, plaintext_len);
        return CLOAK_E_BAD_PARAMS;
    }
    context_load(&c, ctx);
    /* The last sequence number is never used, so the counter cannot wrap to a used nonce. */
    if (c.seq == UINT64_MAX) {
        cloak__wipe(&c, sizeof c);
        wipe_sealed(ciphertext, plaintext_len);
        return CLOAK_E_BAD_PARAMS;
    }
    cloak__hpke_seal_at(&c, c.seq, ciphertext, aad, aad_len, plaintext, plaintext_len);
    context_store_seq(ctx, c.seq + 1U);
    cloak__wipe(&c, sizeof c);
    return CLOAK_OK;
}

int cloak_hpke_open(cloak_hpke_context *ctx, uint8_t *plaintext, const uint8_t *aad, size_t aad_len,
                    const uint8_t *ciphertext, size_t ciphertext_len)
{
    cloak__hpke_ctx c;
    size_t pt_len = ciphertext_len >= CLOAK_AEAD_TAGBYTES ? ciphertext_len - CLOAK_AEAD_TAGBYTES : 0;
    int rc;

    if (plaintext == NULL && pt_len != 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (ctx == NULL || context_role(ctx) != ROLE_RECIPIENT || ciphertext == NULL || (aad == NULL && aad_len != 0)) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_BAD_PARAMS;
    }
    if (ciphertext_len < CLOAK_AEAD_TAGBYTES || pt_len > HPKE_PT_MAXBYTES) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_MALFORMED;
    }
    context_load(&c, ctx);
    if (c.seq == UINT64_MAX) {
        cloak__wipe(&c, sizeof c);
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__hpke_open_at(&c, c.seq, plaintext, aad, aad_len, ciphertext, ciphertext_len);
    if (rc == CLOAK_OK) {
        context_store_seq(ctx, c.seq + 1U);
    }
    cloak__wipe(&c, sizeof c);
    return rc;
}

int cloak_hpke_export(const cloak_hpke_context *ctx, uint8_t *out, size_t out_len,
                      const uint8_t *exporter_context, size_t exporter_context_len)
{
    cloak__hpke_ctx c;
    int rc;

    if (ctx == NULL || (context_role(ctx) != ROLE_SENDER && context_role(ctx) != ROLE_RECIPIENT)) {
        if (out != NULL) {
            cloak__wipe(out, out_len);
        }
        return CLOAK_E_BAD_PARAMS;
    }
    context_load(&c, ctx);
    rc = cloak__hpke_export(&c, out, out_len, exporter_context, exporter_context_len);
    cloak__wipe(&c, sizeof c);
    return rc;
}

void cloak_hpke_context_wipe(cloak_hpke_context *ctx)
{
    cloak__wipe(ctx, sizeof *ctx);
}

int cloak_hpke_seal_base(uint8_t enc[CLOAK_HPKE_ENCBYTES], uint8_t *ciphertext,
                         const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *info,
                         size_t info_len, const uint8_t *aad, size_t aad_len, const uint8_t *plaintext,
                         size_t plaintext_len)
{
    cloak__hpke_ctx c;
    uint8_t skE[HPKE_NSECRET];
    int rc;

    if (enc == NULL || ciphertext == NULL || (aad == NULL && aad_len != 0) ||
        (plaintext == NULL && plaintext_len != 0) || plaintext_len > HPKE_PT_MAXBYTES) {
        cloak__wipe(enc, CLOAK_HPKE_ENCBYTES);
        if (ciphertext != NULL) {
            wipe_sealed(ciphertext, plaintext_len);
        }
        return CLOAK_E_BAD_PARAMS;
    }
    randombytes_buf(skE, sizeof skE);
    rc = cloak__hpke_setup_s(&c, enc, CLOAK_HPKE_MODE_BASE, recipient_public_key, info, info_len, skE, NULL, 0,
                             NULL, 0, NULL, NULL);
    cloak__wipe(skE, sizeof skE);
    if (rc == CLOAK_OK) {
        cloak__hpke_seal_at(&c, 0, ciphertext, aad, aad_len, plaintext, plaintext_len);
    } else {
        wipe_sealed(ciphertext, plaintext_len);
    }
    cloak__wipe(&c, sizeof c);
    return rc;
}

int cloak_hpke_open_base(uint8_t *plaintext, const uint8_t enc[CLOAK_HPKE_ENCBYTES],
                         const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                         const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], const uint8_t *info,
                         size_t info_len, const uint8_t *aad, size_t aad_len, const uint8_t *ciphertext,
                         size_t ciphertext_len)
{
    cloak__hpke_ctx c;
    size_t pt_len = ciphertext_len >= CLOAK_AEAD_TAGBYTES ? ciphertext_len - CLOAK_AEAD_TAGBYTES : 0;
    int rc;

    if (plaintext == NULL && pt_len != 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (ciphertext == NULL || (aad == NULL && aad_len != 0)) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_BAD_PARAMS;
    }
    if (ciphertext_len < CLOAK_AEAD_TAGBYTES || pt_len > HPKE_PT_MAXBYTES) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_MALFORMED;
    }
    rc = cloak__hpke_setup_r(&c, CLOAK_HPKE_MODE_BASE, enc, recipient_public_key, recipient_secret_key, info,
                             info_len, NULL, 0, NULL, 0, NULL);
    if (rc == CLOAK_OK) {
        rc = cloak__hpke_open_at(&c, 0, plaintext, aad, aad_len, ciphertext, ciphertext_len);
    } else {
        cloak__wipe(plaintext, pt_len);
    }
    cloak__wipe(&c, sizeof c);
    return rc;
}
