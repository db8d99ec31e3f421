/*
 * HPKE (RFC 9180), suite DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20Poly1305.
 *
 * 1. Every value of the RFC's Appendix A.2 vectors, all four modes, through the internal layer;
 *    the intermediate values the layer keeps to itself (shared_secret, key_schedule_context,
 *    secret) are recomputed here with a plain reference written on cloak__hkdf_*(), so both the
 *    vectors and that second derivation agree with src/hpke.c.
 * 2. The public Base-mode API against the same vectors, then its properties: round trip, wrong
 *    info/aad/key, tampering with every byte, truncation, low-order encapsulations, sequence
 *    numbers (order, failure does not advance, no wrap), exports, argument checks. Every failure
 *    must leave its outputs all zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "support/bytes.h"
#include "support/vectors.h"
#include "support/expect.h"

#define VECTORS "hpke_rfc9180_x25519_sha256_chacha20poly1305.json"

static const uint8_t suite_kem[5] = {'K', 'E', 'M', 0x00, 0x20};
static const uint8_t suite_hpke[10] = {'H', 'P', 'K', 'E', 0x00, 0x20, 0x00, 0x01, 0x00, 0x03};

/* ------------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------------- */

/* A hex field of a vector object, decoded (freed by the caller); NULL with *len = 0 if absent. */
static uint8_t *hexf(const json_t *v, const char *key, size_t *len)
{
    const json_t *f = json_object_get(v, key);
    uint8_t *out;

    *len = 0;
    if (f == NULL) {
        return NULL;
    }
    assert_true(json_is_string(f));
    out = hex_decode(json_string_value(f), len);
    assert_non_null(out);
    return out;
}

static uint8_t *hexf32(const json_t *v, const char *key)
{
    size_t len;
    uint8_t *out = hexf(v, key, &len);

    assert_non_null(out);
    assert_int_equal(len, 32);
    return out;
}

static json_t *load_vectors(void)
{
    json_t *doc = vector_load(VECTORS);
    const json_t *vs;

    assert_non_null(doc);
    vs = json_object_get(doc, "vectors");
    assert_non_null(vs);
    assert_int_equal(json_array_size(vs), 4);
    return doc;
}

/* The public context's layout as hpke.c declares it: the state head (own address, role), then the
 * internal context. Tests reach past the opaque type on purpose. */
typedef struct hpke_layout {
    cloak__state_head head;
    cloak__hpke_ctx c;
} hpke_layout;
#define CTX_OFF offsetof(hpke_layout, c)
#define SEQ_OFF (CTX_OFF + offsetof(cloak__hpke_ctx, seq))

/* Sets the sequence number of a public context. */
static void set_seq(cloak_hpke_context *ctx, uint64_t seq)
{
    memcpy(ctx->opaque.bytes + SEQ_OFF, &seq, sizeof seq);
}

static uint64_t get_seq(const cloak_hpke_context *ctx)
{
    uint64_t seq;

    memcpy(&seq, ctx->opaque.bytes + SEQ_OFF, sizeof seq);
    return seq;
}

/* ------------------------------------------------------------------------------------------------
 * Reference derivation: RFC 9180's pseudocode, literally, on cloak__hkdf_*() with concatenated
 * buffers. Independent of src/hpke.c's streamed HMAC.
 * ---------------------------------------------------------------------------------------------- */

/* Room for the longest labelled input the tests build (test_long_inputs: 10000 bytes of input). */
static uint8_t ref_buf[16384];

static void ref_labeled_extract(uint8_t out[32], const uint8_t *salt, size_t salt_len, const uint8_t *suite,
                                size_t suite_len, const char *label, const uint8_t *ikm, size_t ikm_len)
{
    size_t label_len = strlen(label);
    size_t n = 7 + suite_len + label_len + ikm_len;
    uint8_t *buf = ref_buf;

    assert_true(n <= sizeof ref_buf);
    memcpy(buf, "HPKE-v1", 7);
    memcpy(buf + 7, suite, suite_len);
    memcpy(buf + 7 + suite_len, label, label_len);
    if (ikm_len > 0) {
        memcpy(buf + 7 + suite_len + label_len, ikm, ikm_len);
    }
    cloak__hkdf_extract(out, salt, salt_len, buf, n);
}

static void ref_labeled_expand(uint8_t *out, size_t out_len, const uint8_t prk[32], const uint8_t *suite,
                               size_t suite_len, const char *label, const uint8_t *info, size_t info_len)
{
    size_t label_len = strlen(label);
    size_t n = 2 + 7 + suite_len + label_len + info_len;
    uint8_t *buf = ref_buf;

    assert_true(n <= sizeof ref_buf);
    buf[0] = (uint8_t)(out_len >> 8);
    buf[1] = (uint8_t)out_len;
    memcpy(buf + 2, "HPKE-v1", 7);
    memcpy(buf + 9, suite, suite_len);
    memcpy(buf + 9 + suite_len, label, label_len);
    if (info_len > 0) {
        memcpy(buf + 9 + suite_len + label_len, info, info_len);
    }
    assert_int_equal(cloak__hkdf_expand(out, out_len, prk, 32, buf, n), CLOAK_OK);
}

/* Checks shared_secret, key_schedule_context, secret, key, base_nonce, exporter_secret of a vector
 * with the reference derivation. */
static void check_reference_schedule(const json_t *v, int mode)
{
    static const uint8_t empty[1] = {0};
    size_t info_len, psk_len, psk_id_len, ksc_len, n;
    uint8_t *info = hexf(v, "info", &info_len);
    uint8_t *psk = hexf(v, "psk", &psk_len);
    uint8_t *psk_id = hexf(v, "psk_id", &psk_id_len);
    uint8_t *skEm = hexf32(v, "skEm");
    uint8_t *pkRm = hexf32(v, "pkRm");
    uint8_t *enc = hexf32(v, "enc");
    uint8_t *ss_want = hexf32(v, "shared_secret");
    uint8_t *secret_want = hexf32(v, "secret");
    uint8_t *key_want = hexf32(v, "key");
    uint8_t *exp_want = hexf32(v, "exporter_secret");
    uint8_t *nonce_want = hexf(v, "base_nonce", &n);
    uint8_t *ksc_want = hexf(v, "key_schedule_context", &ksc_len);
    uint8_t *skSm = NULL, *pkSm = NULL;
    uint8_t dh[64], kem_context[96], prk[32], ss[32], ksc[65], secret[32], out[32];
    size_t dh_len = 32, kc_len = 64;

    assert_int_equal(n, 12);
    assert_int_equal(ksc_len, 65);
    assert_int_equal(cloak__x25519(dh, skEm, pkRm), CLOAK_OK);
    memcpy(kem_context, enc, 32);
    memcpy(kem_context + 32, pkRm, 32);
    if (mode == CLOAK_HPKE_MODE_AUTH || mode == CLOAK_HPKE_MODE_AUTH_PSK) {
        skSm = hexf32(v, "skSm");
        pkSm = hexf32(v, "pkSm");
        assert_int_equal(cloak__x25519(dh + 32, skSm, pkRm), CLOAK_OK);
        memcpy(kem_context + 64, pkSm, 32);
        dh_len = 64;
        kc_len = 96;
    }
    ref_labeled_extract(prk, empty, 0, suite_kem, sizeof suite_kem, "eae_prk", dh, dh_len);
    ref_labeled_expand(ss, 32, prk, suite_kem, sizeof suite_kem, "shared_secret", kem_context, kc_len);
    assert_memory_equal(ss, ss_want, 32);

    ksc[0] = (uint8_t)mode;
    ref_labeled_extract(ksc + 1, empty, 0, suite_hpke, sizeof suite_hpke, "psk_id_hash", psk_id, psk_id_len);
    ref_labeled_extract(ksc + 33, empty, 0, suite_hpke, sizeof suite_hpke, "info_hash", info, info_len);
    assert_memory_equal(ksc, ksc_want, 65);
    ref_labeled_extract(secret, ss, 32, suite_hpke, sizeof suite_hpke, "secret", psk, psk_len);
    assert_memory_equal(secret, secret_want, 32);
    ref_labeled_expand(out, 32, secret, suite_hpke, sizeof suite_hpke, "key", ksc, 65);
    assert_memory_equal(out, key_want, 32);
    ref_labeled_expand(out, 12, secret, suite_hpke, sizeof suite_hpke, "base_nonce", ksc, 65);
    assert_memory_equal(out, nonce_want, 12);
    ref_labeled_expand(out, 32, secret, suite_hpke, sizeof suite_hpke, "exp", ksc, 65);
    assert_memory_equal(out, exp_want, 32);

    free(info);
    free(psk);
    free(psk_id);
    free(skEm);
    free(pkRm);
    free(enc);
    free(ss_want);
    free(secret_want);
    free(key_want);
    free(exp_want);
    free(nonce_want);
    free(ksc_want);
    free(skSm);
    free(pkSm);
}

/* ------------------------------------------------------------------------------------------------
 * 1. RFC 9180 vectors, internal layer, all modes
 * ---------------------------------------------------------------------------------------------- */

static void check_keypair(const json_t *v, const char *ikm_key, const char *pk_key, const char *sk_key)
{
    size_t ikm_len;
    uint8_t *ikm = hexf(v, ikm_key, &ikm_len);
    uint8_t *pk_want = hexf32(v, pk_key);
    uint8_t *sk_want = hexf32(v, sk_key);
    uint8_t pk[32], sk[32];

    assert_non_null(ikm);
    assert_int_equal(cloak__hpke_derive_keypair(pk, sk, ikm, ikm_len), CLOAK_OK);
    assert_memory_equal(pk, pk_want, 32);
    assert_memory_equal(sk, sk_want, 32);
    free(ikm);
    free(pk_want);
    free(sk_want);
}

static void check_context(const cloak__hpke_ctx *ctx, const json_t *v)
{
    size_t n;
    uint8_t *key = hexf32(v, "key");
    uint8_t *nonce = hexf(v, "base_nonce", &n);
    uint8_t *exp = hexf32(v, "exporter_secret");

    assert_int_equal(n, 12);
    assert_memory_equal(ctx->key, key, 32);
    assert_memory_equal(ctx->base_nonce, nonce, 12);
    assert_memory_equal(ctx->exporter_secret, exp, 32);
    assert_true(ctx->seq == 0);
    free(key);
    free(nonce);
    free(exp);
}

static void check_encryptions(const cloak__hpke_ctx *s, const cloak__hpke_ctx *r, const json_t *v)
{
    const json_t *encs = json_object_get(v, "encryptions");
    size_t i;

    assert_non_null(encs);
    assert_int_equal(json_array_size(encs), 6);
    for (i = 0; i < json_array_size(encs); i++) {
        const json_t *e = json_array_get(encs, i);
        uint64_t seq = (uint64_t)json_number_value(json_object_get(e, "seq"));
        size_t pt_len, aad_len, nonce_len, ct_len, k;
        uint8_t *pt = hexf(e, "pt", &pt_len);
        uint8_t *aad = hexf(e, "aad", &aad_len);
        uint8_t *nonce = hexf(e, "nonce", &nonce_len);
        uint8_t *ct = hexf(e, "ct", &ct_len);
        uint8_t nonce_ref[12], buf[128], out[128];

        assert_int_equal(ct_len, pt_len + 16);
        assert_true(ct_len <= sizeof buf);

        /* The nonce the vector states is base_nonce XOR I2OSP(seq, 12), and with it the AEAD alone
         * gives the vector's ciphertext. */
        memcpy(nonce_ref, s->base_nonce, 12);
        for (k = 0; k < 8; k++) {
            nonce_ref[11 - k] ^= (uint8_t)(seq >> (8 * k));
        }
        assert_int_equal(nonce_len, 12);
        assert_memory_equal(nonce_ref, nonce, 12);
        cloak__chacha_seal(buf, pt, pt_len, aad, aad_len, nonce, s->key);
        assert_memory_equal(buf, ct, ct_len);

        memset(buf, 0xAA, sizeof buf);
        cloak__hpke_seal_at(s, seq, buf, aad, aad_len, pt, pt_len);
        assert_memory_equal(buf, ct, ct_len);

        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak__hpke_open_at(r, seq, out, aad, aad_len, ct, ct_len), CLOAK_OK);
        assert_memory_equal(out, pt, pt_len);

        /* The sender's own context opens too: the same keys. */
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak__hpke_open_at(s, seq, out, aad, aad_len, ct, ct_len), CLOAK_OK);
        assert_memory_equal(out, pt, pt_len);

        /* Another sequence number is another nonce. */
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak__hpke_open_at(r, seq + 1, out, aad, aad_len, ct, ct_len), CLOAK_E_AUTH);
        assert_true(all_zero(out, pt_len));
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak__hpke_open_at(r, seq ^ ((uint64_t)1 << 63), out, aad, aad_len, ct, ct_len),
                         CLOAK_E_AUTH);
        assert_true(all_zero(out, pt_len));

        free(pt);
        free(aad);
        free(nonce);
        free(ct);
    }
}

static void check_exports(const cloak__hpke_ctx *s, const cloak__hpke_ctx *r, const json_t *v)
{
    const json_t *exps = json_object_get(v, "exports");
    size_t i;

    assert_non_null(exps);
    assert_int_equal(json_array_size(exps), 3);
    for (i = 0; i < json_array_size(exps); i++) {
        const json_t *e = json_object_get(json_array_get(exps, i), "exporter_context");
        size_t ctx_len, want_len;
        uint8_t *ectx = hex_decode(json_string_value(e), &ctx_len);
        uint8_t *want = hexf(json_array_get(exps, i), "exported_value", &want_len);
        size_t L = (size_t)json_number_value(json_object_get(json_array_get(exps, i), "L"));
        uint8_t out[64], ref[64];

        assert_non_null(ectx);
        assert_int_equal(L, want_len);
        assert_true(L <= sizeof out);
        assert_int_equal(cloak__hpke_export(s, out, L, ectx, ctx_len), CLOAK_OK);
        assert_memory_equal(out, want, L);
        memset(out, 0, sizeof out);
        assert_int_equal(cloak__hpke_export(r, out, L, ectx, ctx_len), CLOAK_OK);
        assert_memory_equal(out, want, L);
        ref_labeled_expand(ref, L, s->exporter_secret, suite_hpke, sizeof suite_hpke, "sec", ectx, ctx_len);
        assert_memory_equal(ref, want, L);
        free(ectx);
        free(want);
    }
}

static void test_rfc9180_vectors(void **state)
{
    json_t *doc = load_vectors();
    const json_t *vs = json_object_get(doc, "vectors");
    size_t i;

    (void)state;
    for (i = 0; i < json_array_size(vs); i++) {
        const json_t *v = json_array_get(vs, i);
        int mode = (int)json_number_value(json_object_get(v, "mode"));
        int auth = mode == CLOAK_HPKE_MODE_AUTH || mode == CLOAK_HPKE_MODE_AUTH_PSK;
        size_t info_len, psk_len, psk_id_len;
        uint8_t *info = hexf(v, "info", &info_len);
        uint8_t *psk = hexf(v, "psk", &psk_len);
        uint8_t *psk_id = hexf(v, "psk_id", &psk_id_len);
        uint8_t *skEm = hexf32(v, "skEm");
        uint8_t *pkRm = hexf32(v, "pkRm");
        uint8_t *skRm = hexf32(v, "skRm");
        uint8_t *enc_want = hexf32(v, "enc");
        uint8_t *pkEm = hexf32(v, "pkEm");
        uint8_t *skSm = auth ? hexf32(v, "skSm") : NULL;
        uint8_t *pkSm = auth ? hexf32(v, "pkSm") : NULL;
        cloak__hpke_ctx s, r;
        uint8_t enc[32];

        assert_int_equal(mode, (int)i);
        assert_int_equal((int)json_number_value(json_object_get(v, "kem_id")), 0x20);
        assert_int_equal((int)json_number_value(json_object_get(v, "kdf_id")), 1);
        assert_int_equal((int)json_number_value(json_object_get(v, "aead_id")), 3);

        check_keypair(v, "ikmE", "pkEm", "skEm");
        check_keypair(v, "ikmR", "pkRm", "skRm");
        if (auth) {
            check_keypair(v, "ikmS", "pkSm", "skSm");
        }
        check_reference_schedule(v, mode);

        memset(&s, 0xAA, sizeof s);
        memset(enc, 0xAA, sizeof enc);
        assert_int_equal(cloak__hpke_setup_s(&s, enc, mode, pkRm, info, info_len, skEm, psk, psk_len, psk_id,
                                             psk_id_len, skSm, pkSm),
                         CLOAK_OK);
        assert_memory_equal(enc, enc_want, 32);
        assert_memory_equal(enc, pkEm, 32);
        check_context(&s, v);

        memset(&r, 0xAA, sizeof r);
        assert_int_equal(cloak__hpke_setup_r(&r, mode, enc_want, pkRm, skRm, info, info_len, psk, psk_len, psk_id,
                                             psk_id_len, pkSm),
                         CLOAK_OK);
        check_context(&r, v);

        check_encryptions(&s, &r, v);
        check_exports(&s, &r, v);

        free(info);
        free(psk);
        free(psk_id);
        free(skEm);
        free(pkRm);
        free(skRm);
        free(enc_want);
        free(pkEm);
        free(skSm);
        free(pkSm);
    }
    json_decref(doc);
}

/* The public Base-mode API reads the RFC's Base vector. */
static void test_public_api_reads_base_vector(void **state)
{
    json_t *doc = load_vectors();
    const json_t *v = json_array_get(json_object_get(doc, "vectors"), 0);
    const json_t *encs = json_object_get(v, "encryptions");
    const json_t *exps = json_object_get(v, "exports");
    size_t info_len, i;
    uint8_t *info = hexf(v, "info", &info_len);
    uint8_t *pkRm = hexf32(v, "pkRm");
    uint8_t *skRm = hexf32(v, "skRm");
    uint8_t *enc = hexf32(v, "enc");
    cloak_hpke_context ctx;

    (void)state;
    assert_int_equal((int)json_number_value(json_object_get(v, "mode")), CLOAK_HPKE_MODE_BASE);

    /* Single shot: the first encryption is at sequence number 0. */
    {
        const json_t *e = json_array_get(encs, 0);
        size_t pt_len, aad_len, ct_len;
        uint8_t *pt = hexf(e, "pt", &pt_len);
        uint8_t *aad = hexf(e, "aad", &aad_len);
        uint8_t *ct = hexf(e, "ct", &ct_len);
        uint8_t out[128];

        assert_true(json_number_value(json_object_get(e, "seq")) == 0);
        assert_int_equal(cloak_hpke_open_base(out, enc, pkRm, skRm, info, info_len, aad, aad_len, ct, ct_len),
                         CLOAK_OK);
        assert_memory_equal(out, pt, pt_len);
        free(pt);
        free(aad);
        free(ct);
    }

    /* A context opens sequence numbers 0, 1, 2 in order; 4 is refused while the context is at 3. */
    assert_int_equal(cloak_hpke_setup_recipient(&ctx, enc, pkRm, skRm, info, info_len), CLOAK_OK);
    for (i = 0; i < 4; i++) {
        const json_t *e = json_array_get(encs, i);
        size_t pt_len, aad_len, ct_len;
        uint8_t *pt = hexf(e, "pt", &pt_len);
        uint8_t *aad = hexf(e, "aad", &aad_len);
        uint8_t *ct = hexf(e, "ct", &ct_len);
        uint8_t out[128];

        memset(out, 0xAA, sizeof out);
        if (i < 3) {
            assert_int_equal(cloak_hpke_open(&ctx, out, aad, aad_len, ct, ct_len), CLOAK_OK);
            assert_memory_equal(out, pt, pt_len);
        } else {
            assert_true(json_number_value(json_object_get(e, "seq")) == 4);
            assert_int_equal(cloak_hpke_open(&ctx, out, aad, aad_len, ct, ct_len), CLOAK_E_AUTH);
            assert_true(all_zero(out, pt_len));
            assert_true(get_seq(&ctx) == 3);
        }
        free(pt);
        free(aad);
        free(ct);
    }
    for (i = 0; i < json_array_size(exps); i++) {
        size_t ctx_len, want_len;
        uint8_t *ectx = hex_decode(json_string_value(json_object_get(json_array_get(exps, i), "exporter_context")), &ctx_len);
        uint8_t *want = hexf(json_array_get(exps, i), "exported_value", &want_len);
        uint8_t out[32];

        assert_int_equal(want_len, 32);
        assert_int_equal(cloak_hpke_export(&ctx, out, 32, ectx, ctx_len), CLOAK_OK);
        assert_memory_equal(out, want, 32);
        free(ectx);
        free(want);
    }
    cloak_hpke_context_wipe(&ctx);
    assert_true(all_zero(&ctx, sizeof ctx));

    free(info);
    free(pkRm);
    free(skRm);
    free(enc);
    json_decref(doc);
}

/* ------------------------------------------------------------------------------------------------
 * Internal layer: argument checks (VerifyPSKInputs and friends)
 * ---------------------------------------------------------------------------------------------- */

typedef struct setup_keys {
    uint8_t pkR[32], skR[32], pkS[32], skS[32], skE[32], pkE[32];
} setup_keys;

static void make_keys(setup_keys *k)
{
    static const uint8_t ikmR[32] = {1}, ikmS[32] = {2}, ikmE[32] = {3};

    assert_int_equal(cloak__hpke_derive_keypair(k->pkR, k->skR, ikmR, 32), CLOAK_OK);
    assert_int_equal(cloak__hpke_derive_keypair(k->pkS, k->skS, ikmS, 32), CLOAK_OK);
    assert_int_equal(cloak__hpke_derive_keypair(k->pkE, k->skE, ikmE, 32), CLOAK_OK);
}

/* Expects both setups to fail with rc and leave everything zero. */
static void expect_setup(const setup_keys *k, int rc, int mode, const uint8_t *info, size_t info_len,
                         const uint8_t *psk, size_t psk_len, const uint8_t *psk_id, size_t psk_id_len,
                         const uint8_t *skS, const uint8_t *pkS)
{
    cloak__hpke_ctx ctx;
    uint8_t enc[32];

    memset(&ctx, 0xAA, sizeof ctx);
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak__hpke_setup_s(&ctx, enc, mode, k->pkR, info, info_len, k->skE, psk, psk_len, psk_id,
                                         psk_id_len, skS, pkS),
                     rc);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(&ctx, sizeof ctx));
        assert_true(all_zero(enc, sizeof enc));
    }
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak__hpke_setup_r(&ctx, mode, k->pkE, k->pkR, k->skR, info, info_len, psk, psk_len, psk_id,
                                         psk_id_len, pkS),
                     rc);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(&ctx, sizeof ctx));
    }
}

static void test_setup_argument_checks(void **state)
{
    setup_keys k;
    uint8_t psk[32], psk_id[4] = {'i', 'd', '0', '1'}, info[3] = {'a', 'b', 'c'};
    const int B = CLOAK_HPKE_MODE_BASE, P = CLOAK_HPKE_MODE_PSK, A = CLOAK_HPKE_MODE_AUTH,
              AP = CLOAK_HPKE_MODE_AUTH_PSK;
    const int BAD = CLOAK_E_BAD_PARAMS;

    (void)state;
    make_keys(&k);
    memset(psk, 0x5C, sizeof psk);

    /* Well-formed calls of every mode. */
    expect_setup(&k, CLOAK_OK, B, info, 3, NULL, 0, NULL, 0, NULL, NULL);
    expect_setup(&k, CLOAK_OK, B, NULL, 0, NULL, 0, NULL, 0, NULL, NULL);
    expect_setup(&k, CLOAK_OK, P, info, 3, psk, 32, psk_id, 4, NULL, NULL);
    expect_setup(&k, CLOAK_OK, A, info, 3, NULL, 0, NULL, 0, k.skS, k.pkS);
    expect_setup(&k, CLOAK_OK, AP, info, 3, psk, 32, psk_id, 4, k.skS, k.pkS);

    /* VerifyPSKInputs: inconsistent PSK inputs. */
    expect_setup(&k, BAD, P, info, 3, psk, 32, NULL, 0, NULL, NULL);
    expect_setup(&k, BAD, P, info, 3, NULL, 0, psk_id, 4, NULL, NULL);
    expect_setup(&k, BAD, B, info, 3, psk, 32, NULL, 0, NULL, NULL);
    expect_setup(&k, BAD, B, info, 3, NULL, 0, psk_id, 4, NULL, NULL);
    /* ... a PSK provided when not needed ... */
    expect_setup(&k, BAD, B, info, 3, psk, 32, psk_id, 4, NULL, NULL);
    expect_setup(&k, BAD, A, info, 3, psk, 32, psk_id, 4, k.skS, k.pkS);
    /* ... a required PSK missing. */
    expect_setup(&k, BAD, P, info, 3, NULL, 0, NULL, 0, NULL, NULL);
    expect_setup(&k, BAD, AP, info, 3, NULL, 0, NULL, 0, k.skS, k.pkS);
    /* A PSK shorter than 32 bytes (section 5.1.2). */
    expect_setup(&k, BAD, P, info, 3, psk, 31, psk_id, 4, NULL, NULL);
    expect_setup(&k, BAD, AP, info, 3, psk, 1, psk_id, 4, k.skS, k.pkS);
    /* Sender keys missing in the auth modes, present in the others. */
    expect_setup(&k, BAD, A, info, 3, NULL, 0, NULL, 0, NULL, NULL);
    expect_setup(&k, BAD, AP, info, 3, psk, 32, psk_id, 4, NULL, NULL);
    expect_setup(&k, BAD, B, info, 3, NULL, 0, NULL, 0, k.skS, k.pkS);
    expect_setup(&k, BAD, P, info, 3, psk, 32, psk_id, 4, k.skS, k.pkS);
    /* Unknown modes. */
    expect_setup(&k, BAD, -1, info, 3, NULL, 0, NULL, 0, NULL, NULL);
    expect_setup(&k, BAD, 4, info, 3, NULL, 0, NULL, 0, NULL, NULL);
    /* NULL with a length. */
    expect_setup(&k, BAD, B, NULL, 3, NULL, 0, NULL, 0, NULL, NULL);
    expect_setup(&k, BAD, P, info, 3, NULL, 32, psk_id, 4, NULL, NULL);
    expect_setup(&k, BAD, P, info, 3, psk, 32, NULL, 4, NULL, NULL);

    /* The sender needs both halves of its static key. */
    {
        cloak__hpke_ctx ctx;
        uint8_t enc[32];

        memset(&ctx, 0xAA, sizeof ctx);
        memset(enc, 0xAA, sizeof enc);
        assert_int_equal(cloak__hpke_setup_s(&ctx, enc, A, k.pkR, info, 3, k.skE, NULL, 0, NULL, 0, k.skS, NULL),
                         BAD);
        assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));
        memset(&ctx, 0xAA, sizeof ctx);
        memset(enc, 0xAA, sizeof enc);
        assert_int_equal(cloak__hpke_setup_s(&ctx, enc, A, k.pkR, info, 3, k.skE, NULL, 0, NULL, 0, NULL, k.pkS),
                         BAD);
        assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));
        memset(&ctx, 0xAA, sizeof ctx);
        memset(enc, 0xAA, sizeof enc);
        assert_int_equal(cloak__hpke_setup_s(&ctx, enc, B, NULL, info, 3, k.skE, NULL, 0, NULL, 0, NULL, NULL), BAD);
        assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));
        memset(&ctx, 0xAA, sizeof ctx);
        memset(enc, 0xAA, sizeof enc);
        assert_int_equal(cloak__hpke_setup_s(&ctx, enc, B, k.pkR, info, 3, NULL, NULL, 0, NULL, 0, NULL, NULL), BAD);
        assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));
        memset(&ctx, 0xAA, sizeof ctx);
        assert_int_equal(cloak__hpke_setup_r(&ctx, B, NULL, k.pkR, k.skR, info, 3, NULL, 0, NULL, 0, NULL), BAD);
        assert_true(all_zero(&ctx, sizeof ctx));
        memset(&ctx, 0xAA, sizeof ctx);
        assert_int_equal(cloak__hpke_setup_r(&ctx, B, k.pkE, k.pkR, NULL, info, 3, NULL, 0, NULL, 0, NULL), BAD);
        assert_true(all_zero(&ctx, sizeof ctx));
    }
}

/* In the auth modes a low-order sender key fails like a low-order encapsulation. */
static void test_auth_low_order_sender(void **state)
{
    setup_keys k;
    uint8_t zero[32] = {0};
    cloak__hpke_ctx ctx;
    uint8_t enc[32];

    (void)state;
    make_keys(&k);
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak__hpke_setup_r(&ctx, CLOAK_HPKE_MODE_AUTH, k.pkE, k.pkR, k.skR, NULL, 0, NULL, 0, NULL,
                                         0, zero),
                     CLOAK_E_INVALID_KEY);
    assert_true(all_zero(&ctx, sizeof ctx));
    memset(&ctx, 0xAA, sizeof ctx);
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak__hpke_setup_s(&ctx, enc, CLOAK_HPKE_MODE_AUTH, zero, NULL, 0, k.skE, NULL, 0, NULL, 0,
                                         k.skS, k.pkS),
                     CLOAK_E_INVALID_KEY);
    assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));
}

static void test_derive_keypair_checks(void **state)
{
    uint8_t ikm[64], pk[32], sk[32], pk2[32], sk2[32];

    (void)state;
    memset(ikm, 7, sizeof ikm);
    memset(pk, 0xAA, 32);
    memset(sk, 0xAA, 32);
    assert_int_equal(cloak__hpke_derive_keypair(pk, sk, ikm, 31), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk, 32) && all_zero(sk, 32));
    memset(pk, 0xAA, 32);
    memset(sk, 0xAA, 32);
    assert_int_equal(cloak__hpke_derive_keypair(pk, sk, NULL, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk, 32) && all_zero(sk, 32));
    assert_int_equal(cloak__hpke_derive_keypair(NULL, sk, ikm, 32), CLOAK_E_BAD_PARAMS);

    /* Longer ikm is taken whole; the public key is the secret key's. */
    assert_int_equal(cloak__hpke_derive_keypair(pk, sk, ikm, 64), CLOAK_OK);
    assert_int_equal(cloak__hpke_derive_keypair(pk2, sk2, ikm, 32), CLOAK_OK);
    assert_memory_not_equal(sk, sk2, 32);
    assert_int_equal(crypto_scalarmult_curve25519_base(pk2, sk), 0);
    assert_memory_equal(pk, pk2, 32);
}

/* Inputs longer than any stack buffer are streamed: checked against the reference derivation. */
static void test_long_inputs(void **state)
{
    size_t big = 10000;
    uint8_t *info = malloc(big), *ectx = malloc(big), *psk = malloc(big), *psk_id = malloc(big);
    setup_keys k;
    cloak__hpke_ctx s, r;
    uint8_t enc[32], dh[32], kem_context[64], prk[32], ss[32], ksc[65], secret[32], exp[32];
    uint8_t out[255 * 32 + 1], ref[255 * 32];
    static const uint8_t empty[1] = {0};
    size_t i;

    (void)state;
    assert_non_null(info);
    assert_non_null(ectx);
    assert_non_null(psk);
    assert_non_null(psk_id);
    for (i = 0; i < big; i++) {
        info[i] = (uint8_t)i;
        ectx[i] = (uint8_t)(i * 7);
        psk[i] = (uint8_t)(i * 3);
        psk_id[i] = (uint8_t)(i * 5);
    }
    make_keys(&k);
    assert_int_equal(cloak__hpke_setup_s(&s, enc, CLOAK_HPKE_MODE_PSK, k.pkR, info, big, k.skE, psk, big, psk_id,
                                         big, NULL, NULL),
                     CLOAK_OK);
    assert_int_equal(cloak__hpke_setup_r(&r, CLOAK_HPKE_MODE_PSK, enc, k.pkR, k.skR, info, big, psk, big, psk_id,
                                         big, NULL),
                     CLOAK_OK);
    assert_memory_equal(s.key, r.key, 32);
    assert_memory_equal(s.base_nonce, r.base_nonce, 12);
    assert_memory_equal(s.exporter_secret, r.exporter_secret, 32);

    assert_int_equal(cloak__x25519(dh, k.skE, k.pkR), CLOAK_OK);
    memcpy(kem_context, enc, 32);
    memcpy(kem_context + 32, k.pkR, 32);
    ref_labeled_extract(prk, empty, 0, suite_kem, sizeof suite_kem, "eae_prk", dh, 32);
    ref_labeled_expand(ss, 32, prk, suite_kem, sizeof suite_kem, "shared_secret", kem_context, 64);
    ksc[0] = CLOAK_HPKE_MODE_PSK;
    ref_labeled_extract(ksc + 1, empty, 0, suite_hpke, sizeof suite_hpke, "psk_id_hash", psk_id, big);
    ref_labeled_extract(ksc + 33, empty, 0, suite_hpke, sizeof suite_hpke, "info_hash", info, big);
    ref_labeled_extract(secret, ss, 32, suite_hpke, sizeof suite_hpke, "secret", psk, big);
    ref_labeled_expand(exp, 32, secret, suite_hpke, sizeof suite_hpke, "exp", ksc, 65);
    assert_memory_equal(exp, s.exporter_secret, 32);

    /* Every export length class: empty, partial block, whole blocks, the maximum. */
    {
        static const size_t lens[] = {0, 1, 31, 32, 33, 64, 100, 255 * 32};
        for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            memset(out, 0xAA, sizeof out);
            assert_int_equal(cloak__hpke_export(&s, out, lens[i], ectx, big), CLOAK_OK);
            ref_labeled_expand(ref, lens[i], exp, suite_hpke, sizeof suite_hpke, "sec", ectx, big);
            if (lens[i] == 0) {
                assert_true(out[0] == 0xAA); /* nothing written */
            } else {
                assert_memory_equal(out, ref, lens[i]);
            }
        }
    }
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak__hpke_export(&s, out, 255 * 32 + 1, ectx, big), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, sizeof out));

    free(info);
    free(ectx);
    free(psk);
    free(psk_id);
}

/* ------------------------------------------------------------------------------------------------
 * 2. Public API
 * ---------------------------------------------------------------------------------------------- */

static const uint8_t g_info[] = {'s', 'h', 'a', 'r', 'e', ' ', 'i', 'n', 'f', 'o'};
static const uint8_t g_aad[] = {'h', 'e', 'a', 'd', 'e', 'r'};
static const uint8_t g_msg[32] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
                                  0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
                                  0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f};

typedef struct recipient {
    uint8_t pk[32], sk[32];
} recipient;

static void make_recipient(recipient *r)
{
    assert_int_equal(crypto_box_keypair(r->pk, r->sk), 0);
}

static void test_round_trip(void **state)
{
    recipient rc;
    cloak_hpke_context s, r;
    cloak__hpke_ctx internal;
    uint8_t enc[32], ct1[48], ct2[48], ct3[16], pt[32], exp_s[64], exp_r[64];

    (void)state;
    make_recipient(&rc);

    /* Single shot. */
    assert_int_equal(cloak_hpke_seal_base(enc, ct1, rc.pk, g_info, sizeof g_info, g_aad, sizeof g_aad, g_msg, 32),
                     CLOAK_OK);
    assert_int_equal(cloak_hpke_open_base(pt, enc, rc.pk, rc.sk, g_info, sizeof g_info, g_aad, sizeof g_aad, ct1,
                                          sizeof ct1),
                     CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
    /* A second SealBase uses a fresh ephemeral key. */
    {
        uint8_t enc2[32];
        assert_int_equal(cloak_hpke_seal_base(enc2, ct2, rc.pk, g_info, sizeof g_info, g_aad, sizeof g_aad, g_msg,
                                              32),
                         CLOAK_OK);
        assert_memory_not_equal(enc, enc2, 32);
        assert_memory_not_equal(ct1, ct2, 48);
    }
    /* The internal layer reads what the public one wrote. */
    assert_int_equal(cloak__hpke_setup_r(&internal, CLOAK_HPKE_MODE_BASE, enc, rc.pk, rc.sk, g_info,
                                         sizeof g_info, NULL, 0, NULL, 0, NULL),
                     CLOAK_OK);
    assert_int_equal(cloak__hpke_open_at(&internal, 0, pt, g_aad, sizeof g_aad, ct1, sizeof ct1), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
    /* Empty info, aad and plaintext. */
    assert_int_equal(cloak_hpke_seal_base(enc, ct3, rc.pk, NULL, 0, NULL, 0, NULL, 0), CLOAK_OK);
    assert_int_equal(cloak_hpke_open_base(NULL, enc, rc.pk, rc.sk, NULL, 0, NULL, 0, ct3, sizeof ct3), CLOAK_OK);

    /* Contexts: sequence numbers advance, each seal differs, opens in order. */
    memset(&s, 0xAA, sizeof s);
    assert_int_equal(cloak_hpke_setup_sender(&s, enc, rc.pk, g_info, sizeof g_info), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, g_info, sizeof g_info), CLOAK_OK);
    /* The head records the context's own address and a role; the padding after the head and in
     * the internal context, and the bytes past it, are zero (no stale stack bytes). */
    {
        const uintptr_t self = (uintptr_t)&s;
        const size_t head_end = offsetof(cloak__state_head, role) + sizeof(uint32_t);
        const size_t pad_at = CTX_OFF + offsetof(cloak__hpke_ctx, exporter_secret) + 32;
        assert_memory_equal(s.opaque.bytes + offsetof(cloak__state_head, self), &self, sizeof self);
        assert_false(all_zero(s.opaque.bytes + offsetof(cloak__state_head, role), 4));
        assert_true(all_zero(s.opaque.bytes + head_end, CTX_OFF - head_end));
        assert_true(all_zero(s.opaque.bytes + pad_at, SEQ_OFF - pad_at));
        assert_true(all_zero(s.opaque.bytes + sizeof(hpke_layout), CLOAK_HPKE_CONTEXTBYTES - sizeof(hpke_layout)));
    }
    assert_true(get_seq(&s) == 0);
    assert_int_equal(cloak_hpke_seal(&s, ct1, g_aad, sizeof g_aad, g_msg, 32), CLOAK_OK);
    assert_true(get_seq(&s) == 1);
    assert_int_equal(cloak_hpke_seal(&s, ct2, g_aad, sizeof g_aad, g_msg, 32), CLOAK_OK);
    assert_true(get_seq(&s) == 2);
    assert_memory_not_equal(ct1, ct2, 48);
    assert_int_equal(cloak_hpke_seal(&s, ct3, NULL, 0, NULL, 0), CLOAK_OK);

    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct1, sizeof ct1), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct2, sizeof ct2), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
    assert_int_equal(cloak_hpke_open(&r, NULL, NULL, 0, ct3, sizeof ct3), CLOAK_OK);
    assert_true(get_seq(&r) == 3);

    /* Exports agree between the two sides, and differ by context and length. */
    assert_int_equal(cloak_hpke_export(&s, exp_s, 64, g_aad, sizeof g_aad), CLOAK_OK);
    assert_int_equal(cloak_hpke_export(&r, exp_r, 64, g_aad, sizeof g_aad), CLOAK_OK);
    assert_memory_equal(exp_s, exp_r, 64);
    assert_int_equal(cloak_hpke_export(&r, exp_r, 64, g_info, sizeof g_info), CLOAK_OK);
    assert_memory_not_equal(exp_s, exp_r, 64);
    assert_int_equal(cloak_hpke_export(&r, exp_r, 32, g_aad, sizeof g_aad), CLOAK_OK);
    assert_memory_not_equal(exp_s, exp_r, 32);
    assert_int_equal(cloak_hpke_export(&r, exp_r, 0, NULL, 0), CLOAK_OK);

    /* In-place sealing and opening. */
    memcpy(ct1, g_msg, 32);
    assert_int_equal(cloak_hpke_seal(&s, ct1, g_aad, sizeof g_aad, ct1, 32), CLOAK_OK);
    assert_int_equal(cloak_hpke_open(&r, ct1, g_aad, sizeof g_aad, ct1, sizeof ct1), CLOAK_OK);
    assert_memory_equal(ct1, g_msg, 32);

    cloak_hpke_context_wipe(&s);
    cloak_hpke_context_wipe(&r);
    assert_true(all_zero(&s, sizeof s) && all_zero(&r, sizeof r));
    cloak_hpke_context_wipe(NULL);
}

/* Opening with another info, aad or key fails, and writes nothing. */
static void test_wrong_context(void **state)
{
    recipient rc, other;
    cloak_hpke_context s, r;
    uint8_t enc[32], ct[48], pt[32];
    uint8_t bad_info[sizeof g_info], bad_aad[sizeof g_aad];

    (void)state;
    make_recipient(&rc);
    make_recipient(&other);
    memcpy(bad_info, g_info, sizeof g_info);
    bad_info[0] ^= 1;
    memcpy(bad_aad, g_aad, sizeof g_aad);
    bad_aad[sizeof g_aad - 1] ^= 0x80;

    assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, g_info, sizeof g_info, g_aad, sizeof g_aad, g_msg, 32),
                     CLOAK_OK);
#define EXPECT_OPEN_BASE(rcode, pk, sk, info, info_len, aad, aad_len)                                                \
    do {                                                                                                             \
        memset(pt, 0xAA, sizeof pt);                                                                                 \
        assert_int_equal(cloak_hpke_open_base(pt, enc, pk, sk, info, info_len, aad, aad_len, ct, sizeof ct), rcode); \
        assert_true(all_zero(pt, sizeof pt));                                                                        \
    } while (0)
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, rc.pk, rc.sk, bad_info, sizeof bad_info, g_aad, sizeof g_aad);
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, rc.pk, rc.sk, g_info, sizeof g_info - 1, g_aad, sizeof g_aad);
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, rc.pk, rc.sk, NULL, 0, g_aad, sizeof g_aad);
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, rc.pk, rc.sk, g_info, sizeof g_info, bad_aad, sizeof bad_aad);
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, rc.pk, rc.sk, g_info, sizeof g_info, NULL, 0);
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, other.pk, other.sk, g_info, sizeof g_info, g_aad, sizeof g_aad);
    /* The right secret key with another public key: kem_context differs. */
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, other.pk, rc.sk, g_info, sizeof g_info, g_aad, sizeof g_aad);
    EXPECT_OPEN_BASE(CLOAK_E_AUTH, rc.pk, other.sk, g_info, sizeof g_info, g_aad, sizeof g_aad);
#undef EXPECT_OPEN_BASE

    /* The same through contexts; a failed open does not advance the sequence number. */
    assert_int_equal(cloak_hpke_setup_sender(&s, enc, rc.pk, g_info, sizeof g_info), CLOAK_OK);
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, bad_info, sizeof bad_info), CLOAK_OK);
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_E_AUTH);
    assert_true(all_zero(pt, sizeof pt));
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, other.pk, other.sk, g_info, sizeof g_info), CLOAK_OK);
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_E_AUTH);
    assert_true(all_zero(pt, sizeof pt));
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, g_info, sizeof g_info), CLOAK_OK);
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&r, pt, bad_aad, sizeof bad_aad, ct, sizeof ct), CLOAK_E_AUTH);
    assert_true(all_zero(pt, sizeof pt));
    assert_true(get_seq(&r) == 0);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
    assert_true(get_seq(&r) == 1);
    /* Replaying it at the next sequence number fails. */
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_E_AUTH);
    assert_true(all_zero(pt, sizeof pt));
    assert_true(get_seq(&r) == 1);
}

/* Every byte of enc and of the ciphertext, every truncation, one byte more. */
static void test_tamper(void **state)
{
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    recipient rc;
    cloak_hpke_context r;
    uint8_t enc[32], ct[49], pt[33], bad[49];
    size_t i, m;

    (void)state;
    make_recipient(&rc);
    assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, g_info, sizeof g_info, g_aad, sizeof g_aad, g_msg, 32),
                     CLOAK_OK);

    for (i = 0; i < 32; i++) {
        for (m = 0; m < sizeof masks; m++) {
            uint8_t e2[32];
            int rcode;

            memcpy(e2, enc, 32);
            e2[i] ^= masks[m];
            memset(pt, 0xAA, sizeof pt);
            rcode = cloak_hpke_open_base(pt, e2, rc.pk, rc.sk, g_info, sizeof g_info, g_aad, sizeof g_aad, ct, 48);
            /* X25519 would ignore the top bit of the last byte, but an enc with it set is not a
             * canonical public key (docs/protocol.md 1.4): malformed. Any other change is another
             * key: authentication fails. */
            if (e2[31] & 0x80U) {
                assert_int_equal(rcode, CLOAK_E_MALFORMED);
                assert_true(all_zero(pt, 32));
                memset(&r, 0xAA, sizeof r);
                assert_int_equal(cloak_hpke_setup_recipient(&r, e2, rc.pk, rc.sk, g_info, sizeof g_info),
                                 CLOAK_E_MALFORMED);
                assert_true(all_zero(&r, sizeof r));
                continue;
            }
            assert_int_equal(rcode, CLOAK_E_AUTH);
            assert_true(all_zero(pt, 32));
            memset(&r, 0xAA, sizeof r);
            assert_int_equal(cloak_hpke_setup_recipient(&r, e2, rc.pk, rc.sk, g_info, sizeof g_info), CLOAK_OK);
            memset(pt, 0xAA, sizeof pt);
            assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, 48), CLOAK_E_AUTH);
            assert_true(all_zero(pt, 32));
        }
    }
    for (i = 0; i < 48; i++) {
        for (m = 0; m < sizeof masks; m++) {
            memcpy(bad, ct, 48);
            bad[i] ^= masks[m];
            memset(pt, 0xAA, sizeof pt);
            assert_int_equal(cloak_hpke_open_base(pt, enc, rc.pk, rc.sk, g_info, sizeof g_info, g_aad,
                                                  sizeof g_aad, bad, 48),
                             CLOAK_E_AUTH);
            assert_true(all_zero(pt, 32));
        }
    }
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, g_info, sizeof g_info), CLOAK_OK);
    for (i = 0; i < 48; i++) {
        int want = i < 16 ? CLOAK_E_MALFORMED : CLOAK_E_AUTH;
        size_t pt_len = i < 16 ? 0 : i - 16;

        memset(pt, 0xAA, sizeof pt);
        assert_int_equal(cloak_hpke_open_base(pt, enc, rc.pk, rc.sk, g_info, sizeof g_info, g_aad, sizeof g_aad,
                                              ct, i),
                         want);
        assert_true(all_zero(pt, pt_len));
        assert_true(pt[pt_len] == 0xAA); /* nothing written past the plaintext's length */
        memset(pt, 0xAA, sizeof pt);
        assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, i), want);
        assert_true(all_zero(pt, pt_len));
    }
    ct[48] = 0;
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open_base(pt, enc, rc.pk, rc.sk, g_info, sizeof g_info, g_aad, sizeof g_aad, ct, 49),
                     CLOAK_E_AUTH);
    assert_true(all_zero(pt, 33));
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, 49), CLOAK_E_AUTH);
    assert_true(all_zero(pt, 33));
    /* None of this advanced the context: the genuine ciphertext still opens at 0. */
    assert_true(get_seq(&r) == 0);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, 48), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
}

/* Points of small order (and their non-canonical encodings): X25519 gives zero, the setup refuses. */
static void test_low_order(void **state)
{
    recipient rc;
    cloak_hpke_context ctx;
    uint8_t enc[32], ct[48], pt[32];
    size_t i;

    (void)state;
    make_recipient(&rc);
    /* A genuine ciphertext, opened with a low-order enc in its place. */
    assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, g_info, sizeof g_info, NULL, 0, g_msg, 32), CLOAK_OK);
    for (i = 0; i < LOW_ORDER_POINTS; i++) {
        memset(pt, 0xAA, sizeof pt);
        assert_int_equal(cloak_hpke_open_base(pt, low_order_points[i], rc.pk, rc.sk, g_info, sizeof g_info, NULL, 0, ct,
                                              sizeof ct),
                         low_order_point_status(i));
        assert_true(all_zero(pt, sizeof pt));
        memset(&ctx, 0xAA, sizeof ctx);
        assert_int_equal(cloak_hpke_setup_recipient(&ctx, low_order_points[i], rc.pk, rc.sk, g_info, sizeof g_info),
                         low_order_point_status(i));
        assert_true(all_zero(&ctx, sizeof ctx));

        /* As the recipient's public key, on the sender side: a public key the caller gives follows
         * docs/protocol.md 1.4, so the two encodings at or above p (u = p, p + 1) are malformed and
         * the canonical ones invalid. */
        const int want = low_order_point_status(i);
        memset(enc, 0xAA, sizeof enc);
        memset(ct, 0xAA, sizeof ct);
        assert_int_equal(cloak_hpke_seal_base(enc, ct, low_order_points[i], g_info, sizeof g_info, NULL, 0, g_msg, 32),
                         want);
        assert_true(all_zero(enc, sizeof enc) && all_zero(ct, sizeof ct));
        memset(&ctx, 0xAA, sizeof ctx);
        memset(enc, 0xAA, sizeof enc);
        assert_int_equal(cloak_hpke_setup_sender(&ctx, enc, low_order_points[i], g_info, sizeof g_info), want);
        assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));
        assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, g_info, sizeof g_info, NULL, 0, g_msg, 32), CLOAK_OK);
    }
}

/* The sequence number never wraps: the last one is refused, and a refused call changes nothing. */
static void test_sequence_limit(void **state)
{
    recipient rc;
    cloak_hpke_context s, r;
    cloak__hpke_ctx internal;
    uint8_t enc[32], ct[48], ct_ref[48], pt[32];

    (void)state;
    make_recipient(&rc);
    assert_int_equal(cloak_hpke_setup_sender(&s, enc, rc.pk, g_info, sizeof g_info), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, g_info, sizeof g_info), CLOAK_OK);
    assert_int_equal(cloak__hpke_setup_r(&internal, CLOAK_HPKE_MODE_BASE, enc, rc.pk, rc.sk, g_info,
                                         sizeof g_info, NULL, 0, NULL, 0, NULL),
                     CLOAK_OK);

    /* A context's seal at sequence number n is seal_at(n). */
    set_seq(&s, 0x0102030405060708U);
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_OK);
    cloak__hpke_seal_at(&internal, 0x0102030405060708U, ct_ref, g_aad, sizeof g_aad, g_msg, 32);
    assert_memory_equal(ct, ct_ref, 48);

    set_seq(&s, UINT64_MAX - 1);
    set_seq(&r, UINT64_MAX - 1);
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_OK);
    cloak__hpke_seal_at(&internal, UINT64_MAX - 1, ct_ref, g_aad, sizeof g_aad, g_msg, 32);
    assert_memory_equal(ct, ct_ref, 48);
    assert_true(get_seq(&s) == UINT64_MAX);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
    assert_true(get_seq(&r) == UINT64_MAX);

    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(ct, sizeof ct));
    assert_true(get_seq(&s) == UINT64_MAX);
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_E_BAD_PARAMS);

    cloak__hpke_seal_at(&internal, UINT64_MAX, ct_ref, g_aad, sizeof g_aad, g_msg, 32);
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct_ref, sizeof ct_ref), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pt, sizeof pt));
    assert_true(get_seq(&r) == UINT64_MAX);

    /* Exports still work at the limit. */
    assert_int_equal(cloak_hpke_export(&s, pt, 32, NULL, 0), CLOAK_OK);
}

/* A sender's context does not open and a recipient's does not seal (it would reuse the sender's
 * nonces); a wiped context does nothing. */
static void test_public_roles(void **state)
{
    recipient rc;
    cloak_hpke_context s, r;
    uint8_t enc[32], ct[48], pt[32], out[32];

    (void)state;
    make_recipient(&rc);
    assert_int_equal(cloak_hpke_setup_sender(&s, enc, rc.pk, g_info, sizeof g_info), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, g_info, sizeof g_info), CLOAK_OK);
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal(&r, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_E_BAD_STATE);
    assert_true(all_zero(ct, sizeof ct));
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_OK);
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&s, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_E_BAD_STATE);
    assert_true(all_zero(pt, sizeof pt));
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);

    cloak_hpke_context_wipe(&s);
    cloak_hpke_context_wipe(&r);
    assert_true(all_zero(&s, sizeof s) && all_zero(&r, sizeof r));
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_E_BAD_STATE);
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_E_BAD_STATE);
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_export(&r, out, sizeof out, NULL, 0), CLOAK_E_BAD_STATE);
    assert_true(all_zero(out, sizeof out));
}

/* A copied sender context would seal under the nonces its original uses too (each copy has its own
 * sequence number): a context refuses to run anywhere but at the address it was set up at, and the
 * original keeps working. */
static void test_public_copied_contexts(void **state)
{
    recipient rc;
    cloak_hpke_context s, s_copy, r, r_copy;
    uint8_t enc[32], ct[48], ct_copy[48], pt[32], out[32];

    (void)state;
    make_recipient(&rc);
    assert_int_equal(cloak_hpke_setup_sender(&s, enc, rc.pk, g_info, sizeof g_info), CLOAK_OK);
    memcpy(&s_copy, &s, sizeof s);
    memset(ct_copy, 0xAA, sizeof ct_copy);
    assert_int_equal(cloak_hpke_seal(&s_copy, ct_copy, g_aad, sizeof g_aad, g_msg, 32), CLOAK_E_BAD_STATE);
    assert_true(all_zero(ct_copy, sizeof ct_copy));
    assert_true(get_seq(&s_copy) == 0);
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_export(&s_copy, out, sizeof out, NULL, 0), CLOAK_E_BAD_STATE);
    assert_true(all_zero(out, sizeof out));
    assert_int_equal(cloak_hpke_seal(&s, ct, g_aad, sizeof g_aad, g_msg, 32), CLOAK_OK);

    /* The recipient side: a copy neither opens nor exports; the original opens. */
    assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, g_info, sizeof g_info), CLOAK_OK);
    memcpy(&r_copy, &r, sizeof r);
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&r_copy, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_E_BAD_STATE);
    assert_true(all_zero(pt, sizeof pt));
    assert_int_equal(cloak_hpke_open(&r, pt, g_aad, sizeof g_aad, ct, sizeof ct), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
    cloak_hpke_context_wipe(&s);
    cloak_hpke_context_wipe(&s_copy);
    cloak_hpke_context_wipe(&r);
    cloak_hpke_context_wipe(&r_copy);
}

/* NULL where a buffer is needed, and out-of-range lengths: bad parameters, outputs zeroed. */
static void test_public_argument_checks(void **state)
{
    recipient rc;
    cloak_hpke_context ctx;
    uint8_t enc[32], ct[48], pt[32], out[32];
    uint8_t big[255 * 32 + 1];

    (void)state;
    make_recipient(&rc);

    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_setup_sender(NULL, enc, rc.pk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak_hpke_setup_sender(&ctx, NULL, rc.pk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx));
    memset(&ctx, 0xAA, sizeof ctx);
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_setup_sender(&ctx, enc, NULL, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));
    memset(&ctx, 0xAA, sizeof ctx);
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_setup_sender(&ctx, enc, rc.pk, NULL, 1), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx) && all_zero(enc, sizeof enc));

    assert_int_equal(cloak_hpke_setup_sender(&ctx, enc, rc.pk, NULL, 0), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient(NULL, enc, rc.pk, rc.sk, NULL, 0), CLOAK_E_BAD_PARAMS);
    {
        cloak_hpke_context r;
        memset(&r, 0xAA, sizeof r);
        assert_int_equal(cloak_hpke_setup_recipient(&r, NULL, rc.pk, rc.sk, NULL, 0), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(&r, sizeof r));
        memset(&r, 0xAA, sizeof r);
        assert_int_equal(cloak_hpke_setup_recipient(&r, enc, NULL, rc.sk, NULL, 0), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(&r, sizeof r));
        memset(&r, 0xAA, sizeof r);
        assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, NULL, NULL, 0), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(&r, sizeof r));
        memset(&r, 0xAA, sizeof r);
        assert_int_equal(cloak_hpke_setup_recipient(&r, enc, rc.pk, rc.sk, NULL, 5), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(&r, sizeof r));
    }

    /* seal */
    assert_int_equal(cloak_hpke_seal(&ctx, NULL, NULL, 0, g_msg, 32), CLOAK_E_BAD_PARAMS);
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal(NULL, ct, NULL, 0, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(ct, sizeof ct));
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal(&ctx, ct, NULL, 1, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(ct, sizeof ct));
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal(&ctx, ct, NULL, 0, NULL, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(ct, sizeof ct));
    assert_true(get_seq(&ctx) == 0);

    /* open (on a recipient context for the same enc) */
    assert_int_equal(cloak_hpke_seal(&ctx, ct, NULL, 0, g_msg, 32), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient(&ctx, enc, rc.pk, rc.sk, NULL, 0), CLOAK_OK);
    assert_int_equal(cloak_hpke_open(&ctx, NULL, NULL, 0, ct, 48), CLOAK_E_BAD_PARAMS);
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(NULL, pt, NULL, 0, ct, 48), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pt, sizeof pt));
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&ctx, pt, NULL, 0, NULL, 48), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pt, sizeof pt));
    memset(pt, 0xAA, sizeof pt);
    assert_int_equal(cloak_hpke_open(&ctx, pt, NULL, 3, ct, 48), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pt, sizeof pt));

    /* export */
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_export(NULL, out, 32, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, sizeof out));
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_export(&ctx, out, 32, NULL, 1), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, sizeof out));
    assert_int_equal(cloak_hpke_export(&ctx, NULL, 32, NULL, 0), CLOAK_E_BAD_PARAMS);
    memset(big, 0xAA, sizeof big);
    assert_int_equal(cloak_hpke_export(&ctx, big, sizeof big, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(big, sizeof big));
    assert_int_equal(cloak_hpke_export(&ctx, big, sizeof big - 1, NULL, 0), CLOAK_OK);

    /* single shot */
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal_base(NULL, ct, rc.pk, NULL, 0, NULL, 0, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(ct, sizeof ct));
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_seal_base(enc, NULL, rc.pk, NULL, 0, NULL, 0, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    memset(enc, 0xAA, sizeof enc);
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal_base(enc, ct, NULL, NULL, 0, NULL, 0, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc) && all_zero(ct, sizeof ct));
    memset(enc, 0xAA, sizeof enc);
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, NULL, 2, NULL, 0, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc) && all_zero(ct, sizeof ct));
    memset(enc, 0xAA, sizeof enc);
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, NULL, 0, NULL, 2, g_msg, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc) && all_zero(ct, sizeof ct));
    memset(enc, 0xAA, sizeof enc);
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, NULL, 0, NULL, 0, NULL, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc) && all_zero(ct, sizeof ct));

    assert_int_equal(cloak_hpke_seal_base(enc, ct, rc.pk, NULL, 0, NULL, 0, g_msg, 32), CLOAK_OK);
    assert_int_equal(cloak_hpke_open_base(NULL, enc, rc.pk, rc.sk, NULL, 0, NULL, 0, ct, 48), CLOAK_E_BAD_PARAMS);
#define EXPECT_OPEN_BASE_BAD(e, pk, sk, info_len, aad_len, c)                                                     \
    do {                                                                                                          \
        memset(pt, 0xAA, sizeof pt);                                                                              \
        assert_int_equal(cloak_hpke_open_base(pt, e, pk, sk, NULL, info_len, NULL, aad_len, c, 48),               \
                         CLOAK_E_BAD_PARAMS);                                                                     \
        assert_true(all_zero(pt, sizeof pt));                                                                     \
    } while (0)
    EXPECT_OPEN_BASE_BAD(NULL, rc.pk, rc.sk, 0, 0, ct);
    EXPECT_OPEN_BASE_BAD(enc, NULL, rc.sk, 0, 0, ct);
    EXPECT_OPEN_BASE_BAD(enc, rc.pk, NULL, 0, 0, ct);
    EXPECT_OPEN_BASE_BAD(enc, rc.pk, rc.sk, 1, 0, ct);
    EXPECT_OPEN_BASE_BAD(enc, rc.pk, rc.sk, 0, 1, ct);
    EXPECT_OPEN_BASE_BAD(enc, rc.pk, rc.sk, 0, 0, NULL);
#undef EXPECT_OPEN_BASE_BAD
    assert_int_equal(cloak_hpke_open_base(pt, enc, rc.pk, rc.sk, NULL, 0, NULL, 0, ct, 48), CLOAK_OK);
    assert_memory_equal(pt, g_msg, 32);
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(cloak_hpke_encbytes(), CLOAK_HPKE_ENCBYTES);
    assert_int_equal(cloak_hpke_tagbytes(), CLOAK_HPKE_TAGBYTES);
    assert_int_equal(cloak_hpke_contextbytes(), CLOAK_HPKE_CONTEXTBYTES);
    assert_true(sizeof(cloak__hpke_ctx) <= CLOAK_HPKE_CONTEXTBYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc9180_vectors),
        cmocka_unit_test(test_public_api_reads_base_vector),
        cmocka_unit_test(test_setup_argument_checks),
        cmocka_unit_test(test_auth_low_order_sender),
        cmocka_unit_test(test_derive_keypair_checks),
        cmocka_unit_test(test_long_inputs),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wrong_context),
        cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_low_order),
        cmocka_unit_test(test_sequence_limit),
        cmocka_unit_test(test_public_roles),
        cmocka_unit_test(test_public_copied_contexts),
        cmocka_unit_test(test_public_argument_checks),
        cmocka_unit_test(test_sizes),
    };

    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
