/*
 * HPKE (RFC 9180) with HKDF-SHA256 and ChaCha20Poly1305 (0x0001, 0x0003), for two KEMs:
 * DHKEM(X25519, HKDF-SHA256) (0x0020, suite 1) and X-Wing (MLKEM768-X25519, 0x647a, of
 * draft-ietf-hpke-pq; suite 2, src/xwing.c). For X25519 the internal layer has all four modes, so
 * the RFC's vectors check every branch of the key schedule; X-Wing and the public API are Base mode
 * only. X-Wing's combiner output is the KEM shared secret itself (no ExtractAndExpand); the key
 * schedule and the exporter are the same for both, under a suite id that names the KEM.
 *
 * The labelled KDF is built here on libsodium's incremental HMAC rather than on cloak__hkdf_*():
 * - labelled inputs (info, psk_id, psk, exporter_context) are streamed into the MAC, so they need no
 *   stack buffer to be concatenated into and have no length bound of ours;
 * - a key used for several MACs (the empty salt: eae_prk, psk_id_hash, info_hash; the key schedule's
 *   secret: key, base_nonce, exporter_secret) is set up once (two SHA-256 blocks) and copied.
 * Both are the cost of a vault-key share that is not the two X25519 operations.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "xwing.h"

_Static_assert(CLOAK_HPKE_TAGBYTES == CLOAK_AEAD_TAGBYTES, "the HPKE tag is the AEAD tag");

#define HPKE_NSECRET 32U /* Nsecret = Nh = Nk = Npk = Nsk = Ndh = Nenc */
#define HPKE_NN 12U
#define HPKE_PSK_MINBYTES 32U /* RFC 9180 section 5.1.2: a PSK has at least 32 bytes of entropy */
#define HPKE_EXPAND_MAXBYTES (255U * HPKE_NSECRET)
/* The AEAD's own message limit; libsodium aborts beyond it, so the public layer refuses first. */
#define HPKE_PT_MAXBYTES ((size_t)crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX)

#define HPKE_KEM_X25519 0x0020U

/* "HPKE-v1", and the suite ids: "KEM" || I2OSP(kem_id, 2) for DHKEM's own derivations (X-Wing's
 * DeriveKeyPair is src/xwing.c's), "HPKE" || kem_id || kdf_id || aead_id for the key schedule and
 * the exporter (RFC 9180 sections 4.1 and 5.1). */
static const uint8_t hpke_version[7] = {'H', 'P', 'K', 'E', '-', 'v', '1'};
static const uint8_t suite_kem[5] = {'K', 'E', 'M', 0x00, 0x20};
static const uint8_t suite_hpke_x25519[10] = {'H', 'P', 'K', 'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x03};
static const uint8_t suite_hpke_xwing[10] = {
    'H', 'P', 'K', 'E', (uint8_t)(CLOAK_XWING_KEM_ID >> 8), (uint8_t)CLOAK_XWING_KEM_ID, 0x00, 0x01, 0x00, 0x03};

typedef struct suite_id {
    const uint8_t *bytes;
    size_t len;
} suite_id;
static const suite_id kem_suite = {suite_kem, sizeof suite_kem};
static const suite_id hpke_suite_x25519 = {suite_hpke_x25519, sizeof suite_hpke_x25519};
static const suite_id hpke_suite_xwing = {suite_hpke_xwing, sizeof suite_hpke_xwing};

/* The key schedule's suite id of a context's KEM; NULL for a context no setup made. */
static const suite_id *hpke_suite_of(uint16_t kem_id)
{
    if (kem_id == HPKE_KEM_X25519) {
        return &hpke_suite_x25519;
    }
    if (kem_id == CLOAK_XWING_KEM_ID) {
        return &hpke_suite_xwing;
    }
    return NULL;
}

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
    int rc = CLOAK_E_BAD_PARAMS;

    if (pk == NULL || sk == NULL || ikm == NULL || ikm_len < HPKE_NSECRET) {
        goto done;
    }
    hmac_key_init_empty(&key);
    labeled_extract(dkp_prk, &key, &kem_suite, LABEL("dkp_prk"), ikm, ikm_len);
    hmac_key_init(&key, dkp_prk, sizeof dkp_prk);
    labeled_expand(sk, 32, &key, &kem_suite, LABEL("sk"), NULL, 0);
    /* Never fails for a clamped scalar; checked so a broken build cannot return a zero key. */
    rc = crypto_scalarmult_curve25519_base(pk, sk) == 0 ? CLOAK_OK : CLOAK_E_INVALID_KEY;

done:
    cloak__wipe(&key, sizeof key);
    cloak__wipe(dkp_prk, sizeof dkp_prk);
    if (rc != CLOAK_OK) {
        cloak__wipe(pk, 32);
        cloak__wipe(sk, 32);
    }
    return rc;
}

/* The PSK inputs of the PSK modes (RFC 9180 section 5.1); all empty in Base and Auth mode. */
typedef struct hpke_psk {
    const uint8_t *psk;
    size_t psk_len;
    const uint8_t *psk_id;
    size_t psk_id_len;
} hpke_psk;

static const hpke_psk no_psk = {NULL, 0, NULL, 0};

/* VerifyPSKInputs (RFC 9180 section 5.1) and the argument checks every setup shares. has_sender is
 * whether the sender's static key was given (both halves for the sender side). */
static int check_setup_inputs(int mode, const uint8_t *info, size_t info_len, const hpke_psk *p, int has_sender)
{
    int got_psk = p->psk_len != 0;
    int got_psk_id = p->psk_id_len != 0;
    int mode_psk = mode == CLOAK_HPKE_MODE_PSK || mode == CLOAK_HPKE_MODE_AUTH_PSK;
    int mode_auth = mode == CLOAK_HPKE_MODE_AUTH || mode == CLOAK_HPKE_MODE_AUTH_PSK;

    if (mode < CLOAK_HPKE_MODE_BASE || mode > CLOAK_HPKE_MODE_AUTH_PSK) {
        return CLOAK_E_BAD_PARAMS;
    }
    if ((info == NULL && info_len != 0) || (p->psk == NULL && p->psk_len != 0) ||
        (p->psk_id == NULL && p->psk_id_len != 0)) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Inconsistent PSK inputs; a PSK where none is used; a PSK missing. */
    if (got_psk != got_psk_id || got_psk != mode_psk) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (got_psk && p->psk_len < HPKE_PSK_MINBYTES) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* A sender key in a mode that does not authenticate would be silently ignored: refuse it. */
    if (has_sender != mode_auth) {
        return CLOAK_E_BAD_PARAMS;
    }
    return CLOAK_OK;
}

/* KeySchedule() of a KEM's shared secret, for the KEM kem_id. empty is the HMAC key of the empty
 * salt, set up once by the caller for psk_id_hash and info_hash (and DHKEM's eae_prk). */
static void key_schedule(cloak__hpke_ctx *ctx, uint16_t kem_id, int mode,
                         const uint8_t shared_secret[HPKE_NSECRET], const hmac_key *empty, const uint8_t *info,
                         size_t info_len, const hpke_psk *psk)
{
    const suite_id *const hpke_suite = hpke_suite_of(kem_id);
    hmac_key key;
    uint8_t prk[HPKE_NSECRET];
    uint8_t ks_context[1 + 2 * HPKE_NSECRET];

    if (hpke_suite == NULL) {
        abort();
    }
    /* Padding too: the context may be the caller's opaque state, compared and copied whole. */
    memset(ctx, 0, sizeof *ctx);
    ctx->kem_id = kem_id;

    ks_context[0] = (uint8_t)mode;
    labeled_extract(ks_context + 1, empty, hpke_suite, LABEL("psk_id_hash"), psk->psk_id, psk->psk_id_len);
    labeled_extract(ks_context + 1 + HPKE_NSECRET, empty, hpke_suite, LABEL("info_hash"), info, info_len);

    hmac_key_init(&key, shared_secret, HPKE_NSECRET);
    labeled_extract(prk, &key, hpke_suite, LABEL("secret"), psk->psk, psk->psk_len);
    hmac_key_init(&key, prk, sizeof prk);
    labeled_expand(ctx->key, sizeof ctx->key, &key, hpke_suite, LABEL("key"), ks_context, sizeof ks_context);
    labeled_expand(ctx->base_nonce, sizeof ctx->base_nonce, &key, hpke_suite, LABEL("base_nonce"), ks_context,
                   sizeof ks_context);
    labeled_expand(ctx->exporter_secret, sizeof ctx->exporter_secret, &key, hpke_suite, LABEL("exp"),
                   ks_context, sizeof ks_context);

    cloak__wipe(&key, sizeof key);
    cloak__wipe(prk, sizeof prk);
}

/* KeySchedule() for X-Wing, whose combiner output is the KEM shared secret. */
static void key_schedule_xwing(cloak__hpke_ctx *ctx, const uint8_t shared_secret[CLOAK_XWING_SHAREDBYTES],
                               const uint8_t *info, size_t info_len)
{
    hmac_key empty;

    hmac_key_init_empty(&empty);
    key_schedule(ctx, CLOAK_XWING_KEM_ID, CLOAK_HPKE_MODE_BASE, shared_secret, &empty, info, info_len, &no_psk);
    cloak__wipe(&empty, sizeof empty);
}

/* DHKEM's Encap/Decap: ExtractAndExpand(dh, kem_context), then KeySchedule(). */
static void derive_context(cloak__hpke_ctx *ctx, int mode, const uint8_t *dh, size_t dh_len,
                           const uint8_t *kem_context, size_t kem_context_len, const uint8_t *info,
                           size_t info_len, const hpke_psk *psk)
{
    hmac_key empty;
    hmac_key key;
    uint8_t prk[HPKE_NSECRET];
    uint8_t shared_secret[HPKE_NSECRET];

    hmac_key_init_empty(&empty);
    labeled_extract(prk, &empty, &kem_suite, LABEL("eae_prk"), dh, dh_len);
    hmac_key_init(&key, prk, sizeof prk);
    labeled_expand(shared_secret, sizeof shared_secret, &key, &kem_suite, LABEL("shared_secret"), kem_context,
                   kem_context_len);
    key_schedule(ctx, HPKE_KEM_X25519, mode, shared_secret, &empty, info, info_len, psk);

    cloak__wipe(&empty, sizeof empty);
    cloak__wipe(&key, sizeof key);
    cloak__wipe(prk, sizeof prk);
    cloak__wipe(shared_secret, sizeof shared_secret);
}

/* Both sides of Encap/Decap and AuthEncap/AuthDecap: dh = DH(sk1, pk1) [|| DH(sk2, pk2)] and
 * kem_context = enc || pkR [|| pkS], then the key schedule. The sender passes (skE, pkR) [and
 * (skS, pkR)], the recipient (skR, enc) [and (skR, pkS)]; pkS is NULL outside the auth modes. */
static int setup(cloak__hpke_ctx *ctx, int mode, const uint8_t enc[32], const uint8_t pkR[32], const uint8_t *pkS,
                 const uint8_t *info, size_t info_len, const hpke_psk *psk, const uint8_t sk1[32],
                 const uint8_t pk1[32], const uint8_t *sk2, const uint8_t *pk2)
{
    uint8_t dh[2 * HPKE_NSECRET];
    uint8_t kem_context[3 * HPKE_NSECRET];
    size_t dh_len = HPKE_NSECRET;
    size_t kem_context_len = 2 * HPKE_NSECRET;
    int rc;

    memcpy(kem_context, enc, HPKE_NSECRET);
    memcpy(kem_context + HPKE_NSECRET, pkR, HPKE_NSECRET);
    rc = cloak__x25519(dh, sk1, pk1);
    if (rc == CLOAK_OK && pkS != NULL) {
        rc = cloak__x25519(dh + HPKE_NSECRET, sk2, pk2);
        memcpy(kem_context + 2 * HPKE_NSECRET, pkS, HPKE_NSECRET);
        dh_len += HPKE_NSECRET;
        kem_context_len += HPKE_NSECRET;
    }
    if (rc == CLOAK_OK) {
        derive_context(ctx, mode, dh, dh_len, kem_context, kem_context_len, info, info_len, psk);
    }
    cloak__wipe(dh, sizeof dh);
    return rc;
}

static int setup_sender(cloak__hpke_ctx *ctx, uint8_t enc[32], int mode, const uint8_t pkR[32], const uint8_t *info,
                        size_t info_len, const uint8_t skE[32], const hpke_psk *psk, const uint8_t *skS,
                        const uint8_t *pkS)
{
    uint8_t pkE[HPKE_NSECRET];
    int rc = CLOAK_E_BAD_PARAMS;

    if (ctx == NULL || enc == NULL || pkR == NULL || skE == NULL || (skS == NULL) != (pkS == NULL)) {
        goto done;
    }
    rc = check_setup_inputs(mode, info, info_len, psk, skS != NULL);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__x25519_public_key_check(pkR);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (crypto_scalarmult_curve25519_base(pkE, skE) != 0) {
        rc = CLOAK_E_INVALID_KEY;
        goto done;
    }
    rc = setup(ctx, mode, pkE, pkR, pkS, info, info_len, psk, skE, pkR, skS, pkR);
    if (rc == CLOAK_OK) {
        memcpy(enc, pkE, HPKE_NSECRET);
    }

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(ctx, sizeof *ctx);
        cloak__wipe(enc, HPKE_NSECRET);
    }
    return rc;
}

static int setup_recipient(cloak__hpke_ctx *ctx, int mode, const uint8_t enc[32], const uint8_t pkR[32],
                           const uint8_t skR[32], const uint8_t *info, size_t info_len, const hpke_psk *psk,
                           const uint8_t *pkS)
{
    /* pkR is trusted to be skR's public key: a wrong one only changes kem_context, so every open
     * fails. */
    int rc = CLOAK_E_BAD_PARAMS;

    if (ctx == NULL || enc == NULL || pkR == NULL || skR == NULL) {
        goto done;
    }
    rc = check_setup_inputs(mode, info, info_len, psk, pkS != NULL);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* The caller's own public key and the encapsulated key follow docs/protocol.md 1.4 like any
     * other public key: a second encoding of enc would give the same agreement under another KEM
     * context. */
    rc = cloak__x25519_public_key_check(pkR);
    if (rc == CLOAK_OK) {
        rc = cloak__x25519_public_key_check(enc);
    }
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = setup(ctx, mode, enc, pkR, pkS, info, info_len, psk, skR, enc, skR, pkS);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(ctx, sizeof *ctx);
    }
    return rc;
}

int cloak__hpke_setup_s(cloak__hpke_ctx *ctx, uint8_t enc[32], int mode, const uint8_t pkR[32],
                        const uint8_t *info, size_t info_len, const uint8_t skE[32], const uint8_t *psk,
                        size_t psk_len, const uint8_t *psk_id, size_t psk_id_len, const uint8_t *skS,
                        const uint8_t *pkS)
{
    const hpke_psk p = {psk, psk_len, psk_id, psk_id_len};

    return setup_sender(ctx, enc, mode, pkR, info, info_len, skE, &p, skS, pkS);
}

int cloak__hpke_setup_r(cloak__hpke_ctx *ctx, int mode, const uint8_t enc[32], const uint8_t pkR[32],
                        const uint8_t skR[32], const uint8_t *info, size_t info_len, const uint8_t *psk,
                        size_t psk_len, const uint8_t *psk_id, size_t psk_id_len, const uint8_t *pkS)
{
    const hpke_psk p = {psk, psk_len, psk_id, psk_id_len};

    return setup_recipient(ctx, mode, enc, pkR, skR, info, info_len, &p, pkS);
}

int cloak__hpke_xwing_setup_s(cloak__hpke_ctx *ctx, uint8_t enc[CLOAK_XWING_ENCBYTES],
                              const uint8_t pkR[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t *info, size_t info_len,
                              const uint8_t *rand)
{
    uint8_t ss[CLOAK_XWING_SHAREDBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    if (ctx == NULL || enc == NULL || pkR == NULL || (info == NULL && info_len != 0)) {
        goto done;
    }
    /* Checks pkR (FIPS 203's modulus check, docs/protocol.md 1.4 on the X25519 half) first. */
    rc = cloak__xwing_encaps(enc, ss, pkR, rand);
    if (rc == CLOAK_OK) {
        key_schedule_xwing(ctx, ss, info, info_len);
    }

done:
    cloak__wipe(ss, sizeof ss);
    if (rc != CLOAK_OK) {
        cloak__wipe(ctx, sizeof *ctx);
        cloak__wipe(enc, CLOAK_XWING_ENCBYTES);
    }
    return rc;
}

int cloak__hpke_xwing_setup_r(cloak__hpke_ctx *ctx, const uint8_t enc[CLOAK_XWING_ENCBYTES],
                              const uint8_t pkR[CLOAK_XWING_PUBLICKEYBYTES],
                              const uint8_t skR[CLOAK_XWING_SECRETKEYBYTES], const uint8_t *info, size_t info_len)
{
    uint8_t ss[CLOAK_XWING_SHAREDBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    if (ctx == NULL || enc == NULL || pkR == NULL || skR == NULL || (info == NULL && info_len != 0)) {
        goto done;
    }
    /* Unlike DHKEM, X-Wing's shared secret does not cover pkR's ML-KEM half, so a wrong pkR would not
     * fail every open: decaps refuses any pkR but skR's own. */
    rc = cloak__xwing_decaps(ss, enc, skR, pkR);
    if (rc == CLOAK_OK) {
        key_schedule_xwing(ctx, ss, info, info_len);
    }

done:
    cloak__wipe(ss, sizeof ss);
    if (rc != CLOAK_OK) {
        cloak__wipe(ctx, sizeof *ctx);
    }
    return rc;
}

int cloak__hpke_base_sender(cloak__hpke_ctx *ctx, uint32_t suite, uint8_t *enc, const uint8_t *pkR,
                            const uint8_t *info, size_t info_len)
{
    uint8_t skE[HPKE_NSECRET];
    int rc;

    if (suite == CLOAK_SUITE_XWING) {
        return cloak__hpke_xwing_setup_s(ctx, enc, pkR, info, info_len, NULL);
    }
    if (suite != CLOAK_SUITE_X25519) {
        /* enc's length is the suite's: unknown here, so left as it is. */
        cloak__wipe(ctx, sizeof *ctx);
        return CLOAK_E_BAD_PARAMS;
    }
    /* GenerateKeyPair for X25519 is 32 uniformly random bytes (as crypto_box_keypair does). */
    randombytes_buf(skE, sizeof skE);
    rc = setup_sender(ctx, enc, CLOAK_HPKE_MODE_BASE, pkR, info, info_len, skE, &no_psk, NULL, NULL);
    cloak__wipe(skE, sizeof skE);
    return rc;
}

int cloak__hpke_base_recipient(cloak__hpke_ctx *ctx, uint32_t suite, const uint8_t *enc, const uint8_t *pkR,
                               const uint8_t skR[32], const uint8_t *info, size_t info_len)
{
    if (suite == CLOAK_SUITE_XWING) {
        return cloak__hpke_xwing_setup_r(ctx, enc, pkR, skR, info, info_len);
    }
    if (suite != CLOAK_SUITE_X25519) {
        cloak__wipe(ctx, sizeof *ctx);
        return CLOAK_E_BAD_PARAMS;
    }
    return setup_recipient(ctx, CLOAK_HPKE_MODE_BASE, enc, pkR, skR, info, info_len, &no_psk, NULL);
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

    if (ctx == NULL) {
        abort();
    }
    compute_nonce(nonce, ctx->base_nonce, seq);
    cloak__chacha_seal(ct, pt, pt_len, aad, aad_len, nonce, ctx->key);
    cloak__wipe(nonce, sizeof nonce);
}

int cloak__hpke_open_at(const cloak__hpke_ctx *ctx, uint64_t seq, uint8_t *pt, const uint8_t *aad,
                        size_t aad_len, const uint8_t *ct, size_t ct_len)
{
    uint8_t nonce[HPKE_NN];
    int rc;

    if (ctx == NULL) {
        if (ct_len >= CLOAK_AEAD_TAGBYTES) {
            cloak__wipe(pt, ct_len - CLOAK_AEAD_TAGBYTES);
        }
        return CLOAK_E_BAD_PARAMS;
    }
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
    const suite_id *hpke_suite;

    if (out == NULL && out_len != 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    hpke_suite = ctx != NULL ? hpke_suite_of(ctx->kem_id) : NULL;
    if (hpke_suite == NULL || (exporter_context == NULL && exporter_context_len != 0) ||
        out_len > HPKE_EXPAND_MAXBYTES) {
        cloak__wipe(out, out_len);
        return CLOAK_E_BAD_PARAMS;
    }
    hmac_key_init(&key, ctx->exporter_secret, sizeof ctx->exporter_secret);
    labeled_expand(out, out_len, &key, hpke_suite, LABEL("sec"), exporter_context, exporter_context_len);
    cloak__wipe(&key, sizeof key);
    return CLOAK_OK;
}

/* ------------------------------------------------------------------------------------------------
 * Public API (Base mode). The opaque context holds the key schedule's output, its own address and a
 * role tag. Both sides of a context share key and base nonce: a recipient context that could seal
 * would reuse the sender's nonces, so seal takes only a sender's context and open only a
 * recipient's. A copied sender context would also reuse nonces (two copies, one sequence number
 * each), so a context whose recorded address is not its own is refused like a wiped or never
 * set-up one: CLOAK_E_BAD_STATE.
 * ---------------------------------------------------------------------------------------------- */

typedef struct CLOAK_STATE_LAYOUT hpke_state {
    cloak__state_head head;
    cloak__hpke_ctx c;
} hpke_state;

CLOAK_STATE_ACCESSORS(cloak_hpke_context, hpke_state, hpke_state_of)

/* Whether ctx is a context set up at this address in the given role (or, for role 0, in either). */
static int state_in_role(const cloak_hpke_context *ctx, uint32_t role)
{
    const cloak__state_head *h = &hpke_state_of_const(ctx)->head;

    if (role == 0U) {
        return cloak__state_is(h, ctx, CLOAK__ROLE_HPKE_SENDER) || cloak__state_is(h, ctx, CLOAK__ROLE_HPKE_RECIPIENT);
    }
    return cloak__state_is(h, ctx, role);
}

/* The length of a suite's encapsulation (the public API's suites only). */
static size_t enc_len_of(uint32_t suite)
{
    return suite == CLOAK_SUITE_XWING ? CLOAK_XWING_ENCBYTES : CLOAK_HPKE_ENCBYTES;
}

static int setup_sender_public(cloak_hpke_context *ctx, uint32_t suite, uint8_t *enc, const uint8_t *pkR,
                               const uint8_t *info, size_t info_len)
{
    int rc;

    if (ctx == NULL) {
        cloak__wipe(enc, enc_len_of(suite));
        return CLOAK_E_BAD_PARAMS;
    }
    /* Padding too: the whole caller's buffer is defined after setup. */
    cloak__wipe(ctx, sizeof *ctx);
    rc = cloak__hpke_base_sender(&hpke_state_of(ctx)->c, suite, enc, pkR, info, info_len);
    if (rc == CLOAK_OK) {
        cloak__state_set(&hpke_state_of(ctx)->head, ctx, CLOAK__ROLE_HPKE_SENDER);
    }
    return rc;
}

static int setup_recipient_public(cloak_hpke_context *ctx, uint32_t suite, const uint8_t *enc, const uint8_t *pkR,
                                  const uint8_t *skR, const uint8_t *info, size_t info_len)
{
    int rc;

    if (ctx == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    cloak__wipe(ctx, sizeof *ctx);
    rc = cloak__hpke_base_recipient(&hpke_state_of(ctx)->c, suite, enc, pkR, skR, info, info_len);
    if (rc == CLOAK_OK) {
        cloak__state_set(&hpke_state_of(ctx)->head, ctx, CLOAK__ROLE_HPKE_RECIPIENT);
    }
    return rc;
}

int cloak_hpke_setup_sender(cloak_hpke_context *ctx, uint8_t enc[CLOAK_HPKE_ENCBYTES],
                            const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                            const uint8_t *info, size_t info_len)
{
    return setup_sender_public(ctx, CLOAK_SUITE_X25519, enc, recipient_public_key, info, info_len);
}

int cloak_hpke_setup_recipient(cloak_hpke_context *ctx, const uint8_t enc[CLOAK_HPKE_ENCBYTES],
                               const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                               const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                               const uint8_t *info, size_t info_len)
{
    return setup_recipient_public(ctx, CLOAK_SUITE_X25519, enc, recipient_public_key, recipient_secret_key, info,
                                  info_len);
}

int cloak_hpke_setup_sender_xwing(cloak_hpke_context *ctx, uint8_t enc[CLOAK_XWING_ENCBYTES],
                                  const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                  const uint8_t *info, size_t info_len)
{
    return setup_sender_public(ctx, CLOAK_SUITE_XWING, enc, recipient_public_key, info, info_len);
}

int cloak_hpke_setup_recipient_xwing(cloak_hpke_context *ctx, const uint8_t enc[CLOAK_XWING_ENCBYTES],
                                     const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                     const uint8_t recipient_secret_key[CLOAK_XWING_SECRETKEYBYTES],
                                     const uint8_t *info, size_t info_len)
{
    return setup_recipient_public(ctx, CLOAK_SUITE_XWING, enc, recipient_public_key, recipient_secret_key, info,
                                  info_len);
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
    if (ciphertext == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (ctx == NULL || (aad == NULL && aad_len != 0) || (plaintext == NULL && plaintext_len != 0) ||
        plaintext_len > HPKE_PT_MAXBYTES) {
        wipe_sealed(ciphertext, plaintext_len);
        return CLOAK_E_BAD_PARAMS;
    }
    if (!state_in_role(ctx, CLOAK__ROLE_HPKE_SENDER)) {
        wipe_sealed(ciphertext, plaintext_len);
        return CLOAK_E_BAD_STATE;
    }
    cloak__hpke_ctx *const c = &hpke_state_of(ctx)->c;
    /* The last sequence number is never used, so the counter cannot wrap to a used nonce. */
    if (c->seq == UINT64_MAX) {
        wipe_sealed(ciphertext, plaintext_len);
        return CLOAK_E_BAD_PARAMS;
    }
    cloak__hpke_seal_at(c, c->seq, ciphertext, aad, aad_len, plaintext, plaintext_len);
    c->seq++;
    return CLOAK_OK;
}

int cloak_hpke_open(cloak_hpke_context *ctx, uint8_t *plaintext, const uint8_t *aad, size_t aad_len,
                    const uint8_t *ciphertext, size_t ciphertext_len)
{
    size_t pt_len = ciphertext_len >= CLOAK_AEAD_TAGBYTES ? ciphertext_len - CLOAK_AEAD_TAGBYTES : 0;
    int rc;

    if (plaintext == NULL && pt_len != 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (ctx == NULL || ciphertext == NULL || (aad == NULL && aad_len != 0)) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_BAD_PARAMS;
    }
    if (!state_in_role(ctx, CLOAK__ROLE_HPKE_RECIPIENT)) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_BAD_STATE;
    }
    if (ciphertext_len < CLOAK_AEAD_TAGBYTES || pt_len > HPKE_PT_MAXBYTES) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_MALFORMED;
    }
    cloak__hpke_ctx *const c = &hpke_state_of(ctx)->c;
    if (c->seq == UINT64_MAX) {
        cloak__wipe(plaintext, pt_len);
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__hpke_open_at(c, c->seq, plaintext, aad, aad_len, ciphertext, ciphertext_len);
    if (rc == CLOAK_OK) {
        c->seq++;
    }
    return rc;
}

int cloak_hpke_export(const cloak_hpke_context *ctx, uint8_t *out, size_t out_len,
                      const uint8_t *exporter_context, size_t exporter_context_len)
{
    if (ctx == NULL) {
        cloak__wipe(out, out_len);
        return CLOAK_E_BAD_PARAMS;
    }
    if (!state_in_role(ctx, 0U)) {
        cloak__wipe(out, out_len);
        return CLOAK_E_BAD_STATE;
    }
    return cloak__hpke_export(&hpke_state_of_const(ctx)->c, out, out_len, exporter_context, exporter_context_len);
}

void cloak_hpke_context_wipe(cloak_hpke_context *ctx)
{
    cloak__wipe(ctx, sizeof *ctx);
}

static int seal_base(uint32_t suite, uint8_t *enc, uint8_t *ciphertext, const uint8_t *pkR, const uint8_t *info,
                     size_t info_len, const uint8_t *aad, size_t aad_len, const uint8_t *plaintext,
                     size_t plaintext_len)
{
    cloak__hpke_ctx c;
    int rc = CLOAK_E_BAD_PARAMS;

    if (enc == NULL || ciphertext == NULL || (aad == NULL && aad_len != 0) ||
        (plaintext == NULL && plaintext_len != 0) || plaintext_len > HPKE_PT_MAXBYTES) {
        goto done;
    }
    rc = cloak__hpke_base_sender(&c, suite, enc, pkR, info, info_len);
    if (rc == CLOAK_OK) {
        cloak__hpke_seal_at(&c, 0, ciphertext, aad, aad_len, plaintext, plaintext_len);
    }

done:
    cloak__wipe(&c, sizeof c);
    if (rc != CLOAK_OK) {
        cloak__wipe(enc, enc_len_of(suite));
        wipe_sealed(ciphertext, plaintext_len);
    }
    return rc;
}

static int open_base(uint32_t suite, uint8_t *plaintext, const uint8_t *enc, const uint8_t *pkR, const uint8_t *skR,
                     const uint8_t *info, size_t info_len, const uint8_t *aad, size_t aad_len,
                     const uint8_t *ciphertext, size_t ciphertext_len)
{
    cloak__hpke_ctx c;
    const size_t pt_len = ciphertext_len >= CLOAK_AEAD_TAGBYTES ? ciphertext_len - CLOAK_AEAD_TAGBYTES : 0;
    int rc = CLOAK_E_BAD_PARAMS;

    if ((plaintext == NULL && pt_len != 0) || ciphertext == NULL || (aad == NULL && aad_len != 0)) {
        goto done;
    }
    if (ciphertext_len < CLOAK_AEAD_TAGBYTES || pt_len > HPKE_PT_MAXBYTES) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    rc = cloak__hpke_base_recipient(&c, suite, enc, pkR, skR, info, info_len);
    if (rc == CLOAK_OK) {
        rc = cloak__hpke_open_at(&c, 0, plaintext, aad, aad_len, ciphertext, ciphertext_len);
    }

done:
    cloak__wipe(&c, sizeof c);
    if (rc != CLOAK_OK) {
        cloak__wipe(plaintext, pt_len);
    }
    return rc;
}

int cloak_hpke_seal_base(uint8_t enc[CLOAK_HPKE_ENCBYTES], uint8_t *ciphertext,
                         const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *info,
                         size_t info_len, const uint8_t *aad, size_t aad_len, const uint8_t *plaintext,
                         size_t plaintext_len)
{
    return seal_base(CLOAK_SUITE_X25519, enc, ciphertext, recipient_public_key, info, info_len, aad, aad_len,
                     plaintext, plaintext_len);
}

int cloak_hpke_open_base(uint8_t *plaintext, const uint8_t enc[CLOAK_HPKE_ENCBYTES],
                         const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                         const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], const uint8_t *info,
                         size_t info_len, const uint8_t *aad, size_t aad_len, const uint8_t *ciphertext,
                         size_t ciphertext_len)
{
    return open_base(CLOAK_SUITE_X25519, plaintext, enc, recipient_public_key, recipient_secret_key, info, info_len,
                     aad, aad_len, ciphertext, ciphertext_len);
}

int cloak_hpke_seal_base_xwing(uint8_t enc[CLOAK_XWING_ENCBYTES], uint8_t *ciphertext,
                               const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t *info,
                               size_t info_len, const uint8_t *aad, size_t aad_len, const uint8_t *plaintext,
                               size_t plaintext_len)
{
    return seal_base(CLOAK_SUITE_XWING, enc, ciphertext, recipient_public_key, info, info_len, aad, aad_len,
                     plaintext, plaintext_len);
}

int cloak_hpke_open_base_xwing(uint8_t *plaintext, const uint8_t enc[CLOAK_XWING_ENCBYTES],
                               const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                               const uint8_t recipient_secret_key[CLOAK_XWING_SECRETKEYBYTES], const uint8_t *info,
                               size_t info_len, const uint8_t *aad, size_t aad_len, const uint8_t *ciphertext,
                               size_t ciphertext_len)
{
    return open_base(CLOAK_SUITE_XWING, plaintext, enc, recipient_public_key, recipient_secret_key, info, info_len,
                     aad, aad_len, ciphertext, ciphertext_len);
}
