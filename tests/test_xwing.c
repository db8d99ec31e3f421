/*
 * X-Wing (KEM MLKEM768-X25519, 0x647a, draft-ietf-hpke-pq) and HPKE with it: HKDF-SHA256,
 * ChaCha20Poly1305, Base mode (src/xwing.c, src/xwing_key.c, src/hpke.c).
 *
 * 1. The draft-ietf-hpke-pq vector (Go 1.26's crypto/hpke testdata) through libcloak's own layers:
 *    DeriveKeyPair, the sender with the vector's encapsulation randomness (enc and the key schedule),
 *    the combiner recomputed from the ML-KEM and X25519 halves, the key schedule recomputed on
 *    cloak__hkdf_*() under suite id 0x647a, all 10 encryptions in sequence, all 5 exports, the
 *    recipient from enc, and the public API replaying it with libsodium's random source swapped.
 * 2. The public API's properties: round trips, tampered encapsulations (ML-KEM half: implicit
 *    rejection, so an authentication failure; X25519 half: docs/protocol.md 1.4), a public key that
 *    is not the secret key's, public keys failing FIPS 203's modulus check or 1.4, argument checks,
 *    roles, and every failure leaving its outputs zero.
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
#include "mlkem.h"
#include "xwing.h"
#include "support/bytes.h"
#include "support/expect.h"
#include "support/vectors.h"

#define VECTORS "hpke_xwing_hkdf_sha256_chacha20poly1305.json"

#define PK_BYTES CLOAK_XWING_PUBLICKEYBYTES
#define SK_BYTES CLOAK_XWING_SECRETKEYBYTES
#define ENC_BYTES CLOAK_XWING_ENCBYTES
#define PK_X_OFF 1184U /* the X25519 half of a public key */
#define CT_X_OFF 1088U /* the X25519 half of an encapsulation */

static const uint8_t suite_hpke[10] = {'H', 'P', 'K', 'E', 0x64, 0x7a, 0x00, 0x01, 0x00, 0x03};

/* ------------------------------------------------------------------------------------------------
 * A random source that replays given bytes (and otherwise is libsodium's own), so that the public
 * API's fresh encapsulations can be compared with the vector's.
 * ---------------------------------------------------------------------------------------------- */

static const uint8_t *script;
static size_t script_len;
static size_t script_pos;

static void rng_buf(void *buf, size_t n)
{
    if (script == NULL) {
        randombytes_sysrandom_implementation.buf(buf, n);
        return;
    }
    if (n > script_len - script_pos) {
        abort(); /* the library drew more than the test expects */
    }
    memcpy(buf, script + script_pos, n);
    script_pos += n;
}

static uint32_t rng_random(void)
{
    uint32_t r;

    rng_buf(&r, sizeof r);
    return r;
}

static const char *rng_name(void)
{
    return "test_xwing";
}

static void rng_stir(void)
{
    randombytes_sysrandom_implementation.stir();
}

static int rng_close(void)
{
    return randombytes_sysrandom_implementation.close();
}

static randombytes_implementation replay_rng = {
    .implementation_name = rng_name,
    .random = rng_random,
    .stir = rng_stir,
    .uniform = NULL,
    .buf = rng_buf,
    .close = rng_close,
};

static void replay(const uint8_t *bytes, size_t n)
{
    script = bytes;
    script_len = n;
    script_pos = 0;
}

/* Ends a replay; every scripted byte must have been drawn. */
static void replay_done(void)
{
    assert_int_equal(script_pos, script_len);
    script = NULL;
    script_len = 0;
    script_pos = 0;
}

/* ------------------------------------------------------------------------------------------------
 * Helpers
 * ---------------------------------------------------------------------------------------------- */

/* A hex field of a vector object, decoded (freed by the caller). */
static uint8_t *hexf(const json_t *v, const char *key, size_t *len)
{
    const json_t *f = json_object_get(v, key);
    uint8_t *out;

    assert_non_null(f);
    assert_true(json_is_string(f));
    out = hex_decode(json_string_value(f), len);
    assert_non_null(out);
    return out;
}

static uint8_t *hexn(const json_t *v, const char *key, size_t want)
{
    size_t len;
    uint8_t *out = hexf(v, key, &len);

    assert_int_equal(len, want);
    return out;
}

/* The vector: the one object of the file, with its fields decoded. */
typedef struct vector {
    json_t *doc;
    const json_t *v;
    uint8_t *info, *ikmE, *ikmR, *skRm, *pkRm, *enc, *ss, *key, *base_nonce, *exporter_secret;
    size_t info_len;
} vector;

static void vector_open(vector *t)
{
    size_t ikmE_len;

    t->doc = vector_load(VECTORS);
    assert_non_null(t->doc);
    assert_true(json_is_array(t->doc));
    assert_int_equal(json_array_size(t->doc), 1);
    t->v = json_array_get(t->doc, 0);
    assert_int_equal((int)json_integer_value(json_object_get(t->v, "mode")), CLOAK_HPKE_MODE_BASE);
    assert_int_equal((int)json_integer_value(json_object_get(t->v, "kem_id")), CLOAK_XWING_KEM_ID);
    assert_int_equal((int)json_integer_value(json_object_get(t->v, "kdf_id")), 1);
    assert_int_equal((int)json_integer_value(json_object_get(t->v, "aead_id")), 3);
    {
        uint8_t *suite = hexn(t->v, "suite_id", sizeof suite_hpke);

        assert_memory_equal(suite, suite_hpke, sizeof suite_hpke);
        free(suite);
    }
    t->info = hexf(t->v, "info", &t->info_len);
    t->ikmE = hexf(t->v, "ikmE", &ikmE_len);
    assert_int_equal(ikmE_len, CLOAK_XWING_ENCAPS_RANDBYTES);
    t->ikmR = hexn(t->v, "ikmR", 32);
    t->skRm = hexn(t->v, "skRm", SK_BYTES);
    t->pkRm = hexn(t->v, "pkRm", PK_BYTES);
    t->enc = hexn(t->v, "enc", ENC_BYTES);
    t->ss = hexn(t->v, "shared_secret", 32);
    t->key = hexn(t->v, "key", 32);
    t->base_nonce = hexn(t->v, "base_nonce", 12);
    t->exporter_secret = hexn(t->v, "exporter_secret", 32);
}

static void vector_close(vector *t)
{
    free(t->info);
    free(t->ikmE);
    free(t->ikmR);
    free(t->skRm);
    free(t->pkRm);
    free(t->enc);
    free(t->ss);
    free(t->key);
    free(t->base_nonce);
    free(t->exporter_secret);
    json_decref(t->doc);
}

/* The public context's layout as hpke.c declares it. */
typedef struct hpke_layout {
    cloak__state_head head;
    cloak__hpke_ctx c;
} hpke_layout;

static const cloak__hpke_ctx *inner(const cloak_hpke_context *ctx)
{
    return (const cloak__hpke_ctx *)(const void *)(ctx->opaque.bytes + offsetof(hpke_layout, c));
}

static void check_schedule(const cloak__hpke_ctx *c, const vector *t)
{
    assert_int_equal(c->kem_id, CLOAK_XWING_KEM_ID);
    assert_memory_equal(c->key, t->key, 32);
    assert_memory_equal(c->base_nonce, t->base_nonce, 12);
    assert_memory_equal(c->exporter_secret, t->exporter_secret, 32);
    assert_true(c->seq == 0);
}

/* ------------------------------------------------------------------------------------------------
 * Reference: the combiner and RFC 9180's key schedule, written out on the primitives with
 * concatenated buffers (independent of src/xwing.c's in-place buffer and src/hpke.c's streamed HMAC).
 * ---------------------------------------------------------------------------------------------- */

static void ref_combiner(uint8_t ss[32], const uint8_t pk[PK_BYTES], const uint8_t rand[64])
{
    static const uint8_t label[6] = {'\\', '.', '/', '/', '^', '\\'};
    uint8_t ct_m[CLOAK_MLKEM768_CIPHERTEXTBYTES], buf[134], e_pub[32];

    assert_int_equal(cloak__mlkem768_encaps_derand(ct_m, buf, pk, rand), 0);
    assert_int_equal(crypto_scalarmult_curve25519(buf + 32, rand + 32, pk + PK_X_OFF), 0);
    assert_int_equal(crypto_scalarmult_curve25519_base(e_pub, rand + 32), 0);
    memcpy(buf + 64, e_pub, 32);
    memcpy(buf + 96, pk + PK_X_OFF, 32);
    memcpy(buf + 128, label, 6);
    cloak__sha3_256(ss, buf, sizeof buf);
}

static void ref_extract(uint8_t out[32], const uint8_t *salt, size_t salt_len, const char *label, const uint8_t *ikm,
                        size_t ikm_len)
{
    uint8_t buf[256];
    size_t n = 0, l = strlen(label);

    assert_true(7 + sizeof suite_hpke + l + ikm_len <= sizeof buf);
    memcpy(buf, "HPKE-v1", 7);
    n += 7;
    memcpy(buf + n, suite_hpke, sizeof suite_hpke);
    n += sizeof suite_hpke;
    memcpy(buf + n, label, l);
    n += l;
    if (ikm_len > 0) {
        memcpy(buf + n, ikm, ikm_len);
        n += ikm_len;
    }
    cloak__hkdf_extract(out, salt, salt_len, buf, n);
}

static void ref_expand(uint8_t *out, size_t out_len, const uint8_t prk[32], const char *label, const uint8_t *info,
                       size_t info_len)
{
    uint8_t buf[256];
    size_t n = 0, l = strlen(label);

    assert_true(9 + sizeof suite_hpke + l + info_len <= sizeof buf);
    buf[n++] = (uint8_t)(out_len >> 8);
    buf[n++] = (uint8_t)out_len;
    memcpy(buf + n, "HPKE-v1", 7);
    n += 7;
    memcpy(buf + n, suite_hpke, sizeof suite_hpke);
    n += sizeof suite_hpke;
    memcpy(buf + n, label, l);
    n += l;
    if (info_len > 0) {
        memcpy(buf + n, info, info_len);
        n += info_len;
    }
    assert_int_equal(cloak__hkdf_expand(out, out_len, prk, 32, buf, n), CLOAK_OK);
}

static void check_reference_schedule(const vector *t)
{
    static const uint8_t none[1] = {0};
    uint8_t ksc[65], secret[32], out[32];

    ksc[0] = CLOAK_HPKE_MODE_BASE;
    ref_extract(ksc + 1, none, 0, "psk_id_hash", NULL, 0);
    ref_extract(ksc + 33, none, 0, "info_hash", t->info, t->info_len);
    ref_extract(secret, t->ss, 32, "secret", NULL, 0);
    ref_expand(out, 32, secret, "key", ksc, sizeof ksc);
    assert_memory_equal(out, t->key, 32);
    ref_expand(out, 12, secret, "base_nonce", ksc, sizeof ksc);
    assert_memory_equal(out, t->base_nonce, 12);
    ref_expand(out, 32, secret, "exp", ksc, sizeof ksc);
    assert_memory_equal(out, t->exporter_secret, 32);
}

/* ------------------------------------------------------------------------------------------------
 * 1. The draft-ietf-hpke-pq vector
 * ---------------------------------------------------------------------------------------------- */

static void test_vector_keys(void **state)
{
    vector t;
    uint8_t pk[PK_BYTES], sk[SK_BYTES], hash[32], ref[32];
    uint8_t label_pk[1 + 25 + PK_BYTES];

    (void)state;
    vector_open(&t);

    memset(pk, 0xAA, sizeof pk);
    memset(sk, 0xAA, sizeof sk);
    assert_int_equal(cloak__xwing_derive_keypair(pk, sk, t.ikmR, 32), CLOAK_OK);
    assert_memory_equal(sk, t.skRm, SK_BYTES);
    assert_memory_equal(pk, t.pkRm, PK_BYTES);

    memset(pk, 0xAA, sizeof pk);
    memset(sk, 0xAA, sizeof sk);
    assert_int_equal(cloak_xwing_keypair_from_seed(pk, sk, t.ikmR, 32), CLOAK_OK);
    assert_memory_equal(sk, t.skRm, SK_BYTES);
    assert_memory_equal(pk, t.pkRm, PK_BYTES);

    memset(pk, 0xAA, sizeof pk);
    cloak_xwing_public_key(pk, t.skRm);
    assert_memory_equal(pk, t.pkRm, PK_BYTES);
    /* In place: the secret key's buffer becomes the public key's first bytes. */
    memcpy(pk, t.skRm, SK_BYTES);
    cloak_xwing_public_key(pk, pk);
    assert_memory_equal(pk, t.pkRm, PK_BYTES);
    assert_int_equal(cloak__xwing_public_key_check(t.pkRm), CLOAK_OK);

    /* The key hash: SHA-256(lp8("libcloak v2 public key id") || pk). */
    label_pk[0] = 25;
    memcpy(label_pk + 1, "libcloak v2 public key id", 25);
    memcpy(label_pk + 26, t.pkRm, PK_BYTES);
    crypto_hash_sha256(ref, label_pk, sizeof label_pk);
    assert_int_equal(cloak_xwing_key_hash(hash, t.pkRm), CLOAK_OK);
    assert_memory_equal(hash, ref, 32);
    vector_close(&t);
}

static void test_vector_kem(void **state)
{
    vector t;
    uint8_t ct[ENC_BYTES], ss[32], ref[32];

    (void)state;
    vector_open(&t);
    assert_int_equal(cloak__xwing_encaps(ct, ss, t.pkRm, t.ikmE), CLOAK_OK);
    assert_memory_equal(ct, t.enc, ENC_BYTES);
    assert_memory_equal(ss, t.ss, 32);
    ref_combiner(ref, t.pkRm, t.ikmE);
    assert_memory_equal(ref, t.ss, 32);

    memset(ss, 0xAA, sizeof ss);
    assert_int_equal(cloak__xwing_decaps(ss, t.enc, t.skRm, t.pkRm), CLOAK_OK);
    assert_memory_equal(ss, t.ss, 32);
    check_reference_schedule(&t);
    vector_close(&t);
}

static void test_vector_hpke(void **state)
{
    vector t;
    const json_t *encs, *exps;
    cloak__hpke_ctx s, r;
    uint8_t enc[ENC_BYTES];
    size_t i, k;

    (void)state;
    vector_open(&t);
    memset(&s, 0xAA, sizeof s);
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak__hpke_xwing_setup_s(&s, enc, t.pkRm, t.info, t.info_len, t.ikmE), CLOAK_OK);
    assert_memory_equal(enc, t.enc, ENC_BYTES);
    check_schedule(&s, &t);

    memset(&r, 0xAA, sizeof r);
    assert_int_equal(cloak__hpke_xwing_setup_r(&r, t.enc, t.pkRm, t.skRm, t.info, t.info_len), CLOAK_OK);
    check_schedule(&r, &t);

    /* The same through the suite-dispatching entry points the library's objects use. */
    memset(&r, 0xAA, sizeof r);
    assert_int_equal(cloak__hpke_base_recipient(&r, CLOAK_SUITE_XWING, t.enc, t.pkRm, t.skRm, t.info, t.info_len),
                     CLOAK_OK);
    check_schedule(&r, &t);

    encs = json_object_get(t.v, "encryptions");
    assert_int_equal(json_array_size(encs), 10);
    for (i = 0; i < json_array_size(encs); i++) {
        const json_t *e = json_array_get(encs, i);
        size_t pt_len, aad_len, ct_len;
        uint8_t *pt = hexf(e, "pt", &pt_len);
        uint8_t *aad = hexf(e, "aad", &aad_len);
        uint8_t *ct = hexf(e, "ct", &ct_len);
        uint8_t *nonce = hexn(e, "nonce", 12);
        uint8_t nonce_ref[12], buf[128], out[128];

        assert_int_equal(ct_len, pt_len + CLOAK_HPKE_TAGBYTES);
        assert_true(ct_len <= sizeof buf);
        /* Consecutive sequence numbers from 0. */
        memcpy(nonce_ref, t.base_nonce, 12);
        for (k = 0; k < 8; k++) {
            nonce_ref[11 - k] ^= (uint8_t)((uint64_t)i >> (8 * k));
        }
        assert_memory_equal(nonce_ref, nonce, 12);

        memset(buf, 0xAA, sizeof buf);
        cloak__hpke_seal_at(&s, i, buf, aad, aad_len, pt, pt_len);
        assert_memory_equal(buf, ct, ct_len);
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak__hpke_open_at(&r, i, out, aad, aad_len, ct, ct_len), CLOAK_OK);
        assert_memory_equal(out, pt, pt_len);
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak__hpke_open_at(&r, i + 1, out, aad, aad_len, ct, ct_len), CLOAK_E_AUTH);
        assert_true(all_zero(out, pt_len));
        free(pt);
        free(aad);
        free(ct);
        free(nonce);
    }

    exps = json_object_get(t.v, "exports");
    assert_int_equal(json_array_size(exps), 5);
    for (i = 0; i < json_array_size(exps); i++) {
        const json_t *x = json_array_get(exps, i);
        size_t ctx_len, want_len;
        uint8_t *ectx = hexf(x, "exporter_context", &ctx_len);
        uint8_t *want = hexf(x, "exported_value", &want_len);
        size_t L = (size_t)json_integer_value(json_object_get(x, "L"));
        uint8_t out[64], ref[64];

        assert_int_equal(L, want_len);
        assert_true(L <= sizeof out);
        assert_int_equal(cloak__hpke_export(&s, out, L, ectx, ctx_len), CLOAK_OK);
        assert_memory_equal(out, want, L);
        memset(out, 0, sizeof out);
        assert_int_equal(cloak__hpke_export(&r, out, L, ectx, ctx_len), CLOAK_OK);
        assert_memory_equal(out, want, L);
        ref_expand(ref, L, t.exporter_secret, "sec", ectx, ctx_len);
        assert_memory_equal(ref, want, L);
        free(ectx);
        free(want);
    }
    vector_close(&t);
}

/* The public API reads the vector: the recipient opens all 10 in order and exports all 5; with the
 * random source replaying ikmE, the sender and the single-shot seal give the vector's bytes. */
static void test_vector_public_api(void **state)
{
    vector t;
    const json_t *encs, *exps;
    cloak_hpke_context sender, recipient;
    uint8_t enc[ENC_BYTES];
    size_t i;

    (void)state;
    vector_open(&t);
    encs = json_object_get(t.v, "encryptions");
    exps = json_object_get(t.v, "exports");

    replay(t.ikmE, CLOAK_XWING_ENCAPS_RANDBYTES);
    assert_int_equal(cloak_hpke_setup_sender_xwing(&sender, enc, t.pkRm, t.info, t.info_len), CLOAK_OK);
    replay_done();
    assert_memory_equal(enc, t.enc, ENC_BYTES);
    check_schedule(inner(&sender), &t);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&recipient, t.enc, t.pkRm, t.skRm, t.info, t.info_len),
                     CLOAK_OK);
    check_schedule(inner(&recipient), &t);

    for (i = 0; i < json_array_size(encs); i++) {
        const json_t *e = json_array_get(encs, i);
        size_t pt_len, aad_len, ct_len;
        uint8_t *pt = hexf(e, "pt", &pt_len);
        uint8_t *aad = hexf(e, "aad", &aad_len);
        uint8_t *ct = hexf(e, "ct", &ct_len);
        uint8_t buf[128], out[128];

        assert_int_equal(cloak_hpke_seal(&sender, buf, aad, aad_len, pt, pt_len), CLOAK_OK);
        assert_memory_equal(buf, ct, ct_len);
        assert_int_equal(cloak_hpke_open(&recipient, out, aad, aad_len, ct, ct_len), CLOAK_OK);
        assert_memory_equal(out, pt, pt_len);

        if (i == 0) {
            uint8_t enc1[ENC_BYTES];

            /* Single shot: sequence number 0. */
            replay(t.ikmE, CLOAK_XWING_ENCAPS_RANDBYTES);
            assert_int_equal(cloak_hpke_seal_base_xwing(enc1, buf, t.pkRm, t.info, t.info_len, aad, aad_len, pt,
                                                        pt_len),
                             CLOAK_OK);
            replay_done();
            assert_memory_equal(enc1, t.enc, ENC_BYTES);
            assert_memory_equal(buf, ct, ct_len);
            memset(out, 0xAA, sizeof out);
            assert_int_equal(cloak_hpke_open_base_xwing(out, t.enc, t.pkRm, t.skRm, t.info, t.info_len, aad, aad_len,
                                                        ct, ct_len),
                             CLOAK_OK);
            assert_memory_equal(out, pt, pt_len);
        }
        free(pt);
        free(aad);
        free(ct);
    }
    for (i = 0; i < json_array_size(exps); i++) {
        const json_t *x = json_array_get(exps, i);
        size_t ctx_len;
        uint8_t *ectx = hexf(x, "exporter_context", &ctx_len);
        uint8_t *want = hexn(x, "exported_value", 32);
        uint8_t out[32];

        assert_int_equal(cloak_hpke_export(&sender, out, 32, ectx, ctx_len), CLOAK_OK);
        assert_memory_equal(out, want, 32);
        assert_int_equal(cloak_hpke_export(&recipient, out, 32, ectx, ctx_len), CLOAK_OK);
        assert_memory_equal(out, want, 32);
        free(ectx);
        free(want);
    }
    cloak_hpke_context_wipe(&sender);
    cloak_hpke_context_wipe(&recipient);
    assert_true(all_zero(&sender, sizeof sender));
    vector_close(&t);
}

/* ------------------------------------------------------------------------------------------------
 * 2. Properties of the public API
 * ---------------------------------------------------------------------------------------------- */

typedef struct keys {
    uint8_t pk[PK_BYTES], sk[SK_BYTES];
    uint8_t pk2[PK_BYTES], sk2[SK_BYTES];
} keys;

static void make_keys(keys *k)
{
    cloak_xwing_keypair(k->pk, k->sk);
    cloak_xwing_keypair(k->pk2, k->sk2);
    assert_memory_not_equal(k->sk, k->sk2, SK_BYTES);
    assert_memory_not_equal(k->pk, k->pk2, PK_BYTES);
}

static void test_keypair(void **state)
{
    static const uint8_t seed[32] = {0x42, 1, 2, 3};
    uint8_t pk[PK_BYTES], sk[SK_BYTES], pk2[PK_BYTES];

    (void)state;
    /* A random key pair is the random source's 32 bytes and their public key. */
    replay(seed, sizeof seed);
    cloak_xwing_keypair(pk, sk);
    replay_done();
    assert_memory_equal(sk, seed, sizeof seed);
    cloak_xwing_public_key(pk2, seed);
    assert_memory_equal(pk, pk2, PK_BYTES);
    assert_int_equal(cloak__xwing_public_key_check(pk), CLOAK_OK);

    cloak_xwing_keypair(pk, sk);
    cloak_xwing_public_key(pk2, sk);
    assert_memory_equal(pk, pk2, PK_BYTES);
    assert_memory_not_equal(sk, seed, sizeof seed);
}

static void test_round_trip(void **state)
{
    static const uint8_t info[] = "libcloak x-wing test";
    static const uint8_t aad[] = "aad";
    keys k;
    cloak_hpke_context s, r;
    uint8_t enc[ENC_BYTES], enc2[ENC_BYTES];
    uint8_t pt[300], ct[300 + CLOAK_HPKE_TAGBYTES], out[300], ex_s[48], ex_r[48];
    size_t n;

    (void)state;
    make_keys(&k);
    randombytes_buf(pt, sizeof pt);
    assert_int_equal(cloak_hpke_setup_sender_xwing(&s, enc, k.pk, info, sizeof info - 1U), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&r, enc, k.pk, k.sk, info, sizeof info - 1U), CLOAK_OK);
    for (n = 0; n <= sizeof pt; n += 60) {
        assert_int_equal(cloak_hpke_seal(&s, ct, aad, sizeof aad - 1U, pt, n), CLOAK_OK);
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak_hpke_open(&r, out, aad, sizeof aad - 1U, ct, n + CLOAK_HPKE_TAGBYTES), CLOAK_OK);
        assert_memory_equal(out, pt, n);
    }
    assert_int_equal(cloak_hpke_export(&s, ex_s, sizeof ex_s, aad, 3), CLOAK_OK);
    assert_int_equal(cloak_hpke_export(&r, ex_r, sizeof ex_r, aad, 3), CLOAK_OK);
    assert_memory_equal(ex_s, ex_r, sizeof ex_s);

    /* Roles: a recipient's context does not seal, a sender's does not open; a copy is refused. */
    assert_int_equal(cloak_hpke_seal(&r, ct, NULL, 0, pt, 10), CLOAK_E_BAD_STATE);
    assert_true(all_zero(ct, 10 + CLOAK_HPKE_TAGBYTES));
    assert_int_equal(cloak_hpke_open(&s, out, NULL, 0, ct, 10 + CLOAK_HPKE_TAGBYTES), CLOAK_E_BAD_STATE);
    {
        cloak_hpke_context copy;

        memcpy(&copy, &s, sizeof copy);
        assert_int_equal(cloak_hpke_seal(&copy, ct, NULL, 0, pt, 10), CLOAK_E_BAD_STATE);
        cloak_hpke_context_wipe(&copy);
    }
    cloak_hpke_context_wipe(&s);
    cloak_hpke_context_wipe(&r);

    /* Two encapsulations to one key differ (fresh m and e each time). */
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, pt, 100), CLOAK_OK);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc2, ct, k.pk, NULL, 0, NULL, 0, pt, 100), CLOAK_OK);
    assert_memory_not_equal(enc, enc2, CT_X_OFF);
    assert_memory_not_equal(enc + CT_X_OFF, enc2 + CT_X_OFF, 32);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc2, k.pk, k.sk, NULL, 0, NULL, 0, ct, 100 + 16), CLOAK_OK);
    assert_memory_equal(out, pt, 100);

    /* Empty plaintext, info and aad. */
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, NULL, 0), CLOAK_OK);
    assert_int_equal(cloak_hpke_open_base_xwing(NULL, enc, k.pk, k.sk, NULL, 0, NULL, 0, ct, 16), CLOAK_OK);

    /* Wrong info, wrong aad, wrong key: authentication failures, output zero. */
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, info, 5, aad, 3, pt, 64), CLOAK_OK);
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, info, 4, aad, 3, ct, 80), CLOAK_E_AUTH);
    assert_true(all_zero(out, 64));
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, info, 5, aad, 2, ct, 80), CLOAK_E_AUTH);
    assert_true(all_zero(out, 64));
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk2, k.sk2, info, 5, aad, 3, ct, 80), CLOAK_E_AUTH);
    assert_true(all_zero(out, 64));
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, info, 5, aad, 3, ct, 80), CLOAK_OK);
    assert_memory_equal(out, pt, 64);
}

/* Every byte of the ML-KEM half of enc, changed: ML-KEM's implicit rejection gives another shared
 * secret, so the setup succeeds and the open fails. */
static void test_tampered_mlkem_ct(void **state)
{
    keys k;
    uint8_t enc[ENC_BYTES], bad[ENC_BYTES], pt[32], ct[48], out[32];
    cloak_hpke_context r;
    size_t i;

    (void)state;
    make_keys(&k);
    randombytes_buf(pt, sizeof pt);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, pt, sizeof pt), CLOAK_OK);
    for (i = 0; i < CT_X_OFF; i += (i < 64 || i > CT_X_OFF - 64) ? 1U : 37U) {
        memcpy(bad, enc, sizeof bad);
        bad[i] ^= (uint8_t)(1U << (i % 8));
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak_hpke_open_base_xwing(out, bad, k.pk, k.sk, NULL, 0, NULL, 0, ct, sizeof ct),
                         CLOAK_E_AUTH);
        assert_true(all_zero(out, sizeof out));
    }
    memcpy(bad, enc, sizeof bad);
    bad[5] ^= 0x40U;
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&r, bad, k.pk, k.sk, NULL, 0), CLOAK_OK);
    assert_int_equal(cloak_hpke_open(&r, out, NULL, 0, ct, sizeof ct), CLOAK_E_AUTH);
    cloak_hpke_context_wipe(&r);
    /* Its X25519 half, changed to another valid point: another agreement, an authentication failure. */
    memcpy(bad, enc, sizeof bad);
    bad[CT_X_OFF] ^= 0x02;
    assert_int_equal(cloak_hpke_open_base_xwing(out, bad, k.pk, k.sk, NULL, 0, NULL, 0, ct, sizeof ct), CLOAK_E_AUTH);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, NULL, 0, NULL, 0, ct, sizeof ct), CLOAK_OK);
    assert_memory_equal(out, pt, sizeof pt);
}

/* The X25519 half of enc, a point of small order or a non-canonical encoding: docs/protocol.md 1.4's
 * status at the recipient's setup, the context and output zero. */
static void test_tampered_x25519_ct(void **state)
{
    keys k;
    uint8_t enc[ENC_BYTES], bad[ENC_BYTES], pt[32], ct[48], out[32], ss[32];
    cloak_hpke_context r;
    size_t i;
    int malformed = 0, invalid = 0;

    (void)state;
    make_keys(&k);
    randombytes_buf(pt, sizeof pt);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, pt, sizeof pt), CLOAK_OK);
    for (i = 0; i < LOW_ORDER_POINTS; i++) {
        const int want = low_order_point_status(i);

        memcpy(bad, enc, sizeof bad);
        memcpy(bad + CT_X_OFF, low_order_points[i], 32);
        memset(&r, 0xAA, sizeof r);
        assert_int_equal(cloak_hpke_setup_recipient_xwing(&r, bad, k.pk, k.sk, NULL, 0), want);
        assert_true(all_zero(&r, sizeof r));
        memset(out, 0xAA, sizeof out);
        assert_int_equal(cloak_hpke_open_base_xwing(out, bad, k.pk, k.sk, NULL, 0, NULL, 0, ct, sizeof ct), want);
        assert_true(all_zero(out, sizeof out));
        memset(ss, 0xAA, sizeof ss);
        assert_int_equal(cloak__xwing_decaps(ss, bad, k.sk, k.pk), want);
        assert_true(all_zero(ss, sizeof ss));
        malformed += want == CLOAK_E_MALFORMED;
        invalid += want == CLOAK_E_INVALID_KEY;
    }
    assert_true(malformed > 0 && invalid > 0);

    /* Bit 255 set on a valid point: a second encoding. */
    memcpy(bad, enc, sizeof bad);
    bad[ENC_BYTES - 1U] |= 0x80U;
    assert_int_equal(cloak_hpke_open_base_xwing(out, bad, k.pk, k.sk, NULL, 0, NULL, 0, ct, sizeof ct),
                     CLOAK_E_MALFORMED);
    assert_true(all_zero(out, sizeof out));
}

/* A public key that is not the secret key's: refused at the recipient's setup, whichever half. */
static void test_wrong_public_key(void **state)
{
    keys k;
    uint8_t enc[ENC_BYTES], pk[PK_BYTES], pt[16], ct[32], out[16], ss[32];
    cloak_hpke_context r;

    (void)state;
    make_keys(&k);
    randombytes_buf(pt, sizeof pt);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, pt, sizeof pt), CLOAK_OK);

    memset(&r, 0xAA, sizeof r);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&r, enc, k.pk2, k.sk, NULL, 0), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(&r, sizeof r));
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk2, k.sk, NULL, 0, NULL, 0, ct, sizeof ct),
                     CLOAK_E_INVALID_KEY);
    assert_true(all_zero(out, sizeof out));

    /* The ML-KEM half of another key with the right X25519 half, and the other way round. */
    memcpy(pk, k.pk2, PK_X_OFF);
    memcpy(pk + PK_X_OFF, k.pk + PK_X_OFF, 32);
    memset(ss, 0xAA, sizeof ss);
    assert_int_equal(cloak__xwing_decaps(ss, enc, k.sk, pk), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(ss, sizeof ss));
    memcpy(pk, k.pk, PK_X_OFF);
    memcpy(pk + PK_X_OFF, k.pk2 + PK_X_OFF, 32);
    assert_int_equal(cloak__xwing_decaps(ss, enc, k.sk, pk), CLOAK_E_INVALID_KEY);
    /* One bit of the ML-KEM half's matrix seed (its last 32 bytes). */
    memcpy(pk, k.pk, PK_BYTES);
    pk[PK_X_OFF - 1U] ^= 0x80U;
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, pk, k.sk, NULL, 0, NULL, 0, ct, sizeof ct),
                     CLOAK_E_INVALID_KEY);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, NULL, 0, NULL, 0, ct, sizeof ct), CLOAK_OK);
}

/* Public keys that are not keys: FIPS 203's modulus check, docs/protocol.md 1.4 on the X25519 half.
 * The sender refuses them before drawing any randomness. */
static void test_bad_public_key(void **state)
{
    keys k;
    uint8_t pk[PK_BYTES], enc[ENC_BYTES], ct[32], pt[16] = {0}, hash[32];
    cloak_hpke_context s;
    size_t i, off;

    (void)state;
    make_keys(&k);
    /* Coefficient j of the encoded polynomials sits in bits 12j..12j+11; set a few to 0xFFF, or to
     * exactly q = 3329 = 0xD01. */
    for (off = 0; off < 1152U; off += 383U) {
        size_t byte = (off / 3U) * 3U; /* two coefficients per three bytes */

        for (i = 0; i < 2; i++) {
            memcpy(pk, k.pk, PK_BYTES);
            if (i == 0) {
                pk[byte] = 0xFF;
                pk[byte + 1U] = (uint8_t)(pk[byte + 1U] | 0x0FU);
            } else {
                pk[byte + 1U] = (uint8_t)((pk[byte + 1U] & 0x0FU) | 0x10U);
                pk[byte + 2U] = 0xD0U; /* the second coefficient = 0xD01 */
            }
            replay((const uint8_t *)"", 0); /* any draw aborts */
            memset(enc, 0xAA, sizeof enc);
            memset(&s, 0xAA, sizeof s);
            assert_int_equal(cloak_hpke_setup_sender_xwing(&s, enc, pk, NULL, 0), CLOAK_E_MALFORMED);
            assert_true(all_zero(enc, sizeof enc));
            assert_true(all_zero(&s, sizeof s));
            memset(ct, 0xAA, sizeof ct);
            assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, pk, NULL, 0, NULL, 0, pt, sizeof pt),
                             CLOAK_E_MALFORMED);
            assert_true(all_zero(ct, sizeof ct));
            replay_done();
            memset(hash, 0xAA, sizeof hash);
            assert_int_equal(cloak_xwing_key_hash(hash, pk), CLOAK_E_MALFORMED);
            assert_true(all_zero(hash, sizeof hash));
            assert_int_equal(cloak__xwing_public_key_check(pk), CLOAK_E_MALFORMED);
        }
    }
    /* The largest coefficient, q - 1, is fine (the key is then simply another key). */
    memcpy(pk, k.pk, PK_BYTES);
    pk[0] = 0x00;
    pk[1] = (uint8_t)((pk[1] & 0xF0U) | 0x0DU); /* 0xD00 = 3328 */
    assert_int_equal(cloak__xwing_public_key_check(pk), CLOAK_OK);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, pk, NULL, 0, NULL, 0, pt, sizeof pt), CLOAK_OK);

    for (i = 0; i < LOW_ORDER_POINTS; i++) {
        const int want = low_order_point_status(i);

        memcpy(pk, k.pk, PK_BYTES);
        memcpy(pk + PK_X_OFF, low_order_points[i], 32);
        memset(enc, 0xAA, sizeof enc);
        assert_int_equal(cloak_hpke_setup_sender_xwing(&s, enc, pk, NULL, 0), want);
        assert_true(all_zero(enc, sizeof enc));
        assert_int_equal(cloak_xwing_key_hash(hash, pk), want);
        assert_int_equal(cloak__xwing_public_key_check(pk), want);
    }
    memcpy(pk, k.pk, PK_BYTES);
    pk[PK_BYTES - 1U] |= 0x80U;
    assert_int_equal(cloak_hpke_setup_sender_xwing(&s, enc, pk, NULL, 0), CLOAK_E_MALFORMED);
    assert_int_equal(cloak_xwing_key_hash(hash, k.pk), CLOAK_OK);
}

static void test_derive_keypair_checks(void **state)
{
    uint8_t ikm[256], pk[PK_BYTES], sk[SK_BYTES], pk2[PK_BYTES], sk2[SK_BYTES];
    size_t n;

    (void)state;
    randombytes_buf(ikm, sizeof ikm);
    for (n = 0; n <= sizeof ikm; n++) {
        const int want = n >= 32 && n <= 255 ? CLOAK_OK : CLOAK_E_BAD_PARAMS;

        if (n > 34 && n < 250 && n % 29 != 0) {
            continue;
        }
        memset(pk, 0xAA, sizeof pk);
        memset(sk, 0xAA, sizeof sk);
        assert_int_equal(cloak_xwing_keypair_from_seed(pk, sk, ikm, n), want);
        if (want != CLOAK_OK) {
            assert_true(all_zero(pk, sizeof pk));
            assert_true(all_zero(sk, sizeof sk));
            continue;
        }
        cloak_xwing_public_key(pk2, sk);
        assert_memory_equal(pk, pk2, PK_BYTES);
        /* Every byte of ikm counts, and so does its length. */
        assert_int_equal(cloak_xwing_keypair_from_seed(pk2, sk2, ikm, n - 1U),
                         n - 1U >= 32 ? CLOAK_OK : CLOAK_E_BAD_PARAMS);
        assert_memory_not_equal(sk, sk2, SK_BYTES);
    }
    memset(pk, 0xAA, sizeof pk);
    memset(sk, 0xAA, sizeof sk);
    assert_int_equal(cloak_xwing_keypair_from_seed(pk, sk, NULL, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk, sizeof pk));
    assert_true(all_zero(sk, sizeof sk));
    assert_int_equal(cloak_xwing_keypair_from_seed(NULL, sk, ikm, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sk, sizeof sk));
    memset(pk, 0xAA, sizeof pk);
    assert_int_equal(cloak_xwing_keypair_from_seed(pk, NULL, ikm, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk, sizeof pk));
}

static void test_argument_checks(void **state)
{
    keys k;
    uint8_t enc[ENC_BYTES], ct[64], pt[48] = {0}, out[48], hash[32], pk[PK_BYTES];
    cloak_hpke_context ctx;
    cloak__hpke_ctx c;

    (void)state;
    make_keys(&k);

    /* Key functions. */
    memset(pk, 0xAA, sizeof pk);
    cloak_xwing_public_key(pk, NULL);
    assert_true(all_zero(pk, sizeof pk));
    cloak_xwing_public_key(NULL, k.sk);
    memset(pk, 0xAA, sizeof pk);
    cloak_xwing_keypair(pk, NULL);
    assert_true(all_zero(pk, sizeof pk));
    memset(hash, 0xAA, sizeof hash);
    assert_int_equal(cloak_xwing_key_hash(hash, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(hash, sizeof hash));
    assert_int_equal(cloak_xwing_key_hash(NULL, k.pk), CLOAK_E_BAD_PARAMS);

    /* Set-ups. */
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_setup_sender_xwing(NULL, enc, k.pk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak_hpke_setup_sender_xwing(&ctx, NULL, k.pk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx));
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_setup_sender_xwing(&ctx, enc, NULL, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    assert_int_equal(cloak_hpke_setup_sender_xwing(&ctx, enc, k.pk, NULL, 1), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    assert_true(all_zero(&ctx, sizeof ctx));

    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, pt, 16), CLOAK_OK);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(NULL, enc, k.pk, k.sk, NULL, 0), CLOAK_E_BAD_PARAMS);
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&ctx, NULL, k.pk, k.sk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx));
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&ctx, enc, NULL, k.sk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx));
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&ctx, enc, k.pk, NULL, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx));
    memset(&ctx, 0xAA, sizeof ctx);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&ctx, enc, k.pk, k.sk, NULL, 2), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&ctx, sizeof ctx));
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&ctx, enc, k.pk, k.sk, NULL, 0), CLOAK_OK);
    cloak_hpke_context_wipe(&ctx);

    /* Single shot. */
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, NULL, k.pk, NULL, 0, NULL, 0, pt, 16), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal_base_xwing(NULL, ct, k.pk, NULL, 0, NULL, 0, pt, 16), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(ct, 32));
    memset(ct, 0xAA, sizeof ct);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 3, pt, 16), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    assert_true(all_zero(ct, 32));
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, NULL, 16), CLOAK_E_BAD_PARAMS);
    /* Over the AEAD's bound (SIZE_MAX: no ciphertext of that length exists, so none is cleared). */
    memset(enc, 0xAA, sizeof enc);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, pt, SIZE_MAX), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));

    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, k.pk, NULL, 0, NULL, 0, pt, 16), CLOAK_OK);
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, NULL, 0, NULL, 0, ct, 15), CLOAK_E_MALFORMED);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, NULL, 0, NULL, 0, NULL, 32),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, 16));
    assert_int_equal(cloak_hpke_open_base_xwing(NULL, enc, k.pk, k.sk, NULL, 0, NULL, 0, ct, 32), CLOAK_E_BAD_PARAMS);
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, NULL, k.pk, k.sk, NULL, 0, NULL, 0, ct, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, 16));
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, NULL, NULL, 0, NULL, 0, ct, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, 16));
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, NULL, 1, NULL, 0, ct, 32), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, 16));
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, k.pk, k.sk, NULL, 0, NULL, 0, ct, 32), CLOAK_OK);
    assert_memory_equal(out, pt, 16);

    /* Internal layer: an unknown suite, NULLs. */
    memset(&c, 0xAA, sizeof c);
    assert_int_equal(cloak__hpke_base_sender(&c, 3, enc, k.pk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&c, sizeof c));
    memset(&c, 0xAA, sizeof c);
    assert_int_equal(cloak__hpke_base_recipient(&c, 0, enc, k.pk, k.sk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(&c, sizeof c));
    memset(&c, 0xAA, sizeof c);
    assert_int_equal(cloak__hpke_xwing_setup_s(&c, enc, k.pk, NULL, 0, NULL), CLOAK_OK);
    assert_int_equal(c.kem_id, CLOAK_XWING_KEM_ID);
    /* A context of no KEM has no exporter suite. */
    c.kem_id = 0;
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak__hpke_export(&c, out, 32, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, 32));
    cloak__wipe(&c, sizeof c);
    memset(out, 0xAA, sizeof out);
    assert_int_equal(cloak__xwing_encaps(enc, out, NULL, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(enc, sizeof enc));
    assert_true(all_zero(out, 32));
    assert_int_equal(cloak__xwing_decaps(out, NULL, k.sk, k.pk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak__xwing_public_key_check(NULL), CLOAK_E_BAD_PARAMS);

    /* The X25519 suite still gives its own suite id. */
    {
        uint8_t xpk[32], xsk[32], xenc[32];

        cloak_encryption_keypair(xpk, xsk);
        assert_int_equal(cloak__hpke_base_sender(&c, CLOAK_SUITE_X25519, xenc, xpk, NULL, 0), CLOAK_OK);
        assert_int_equal(c.kem_id, 0x0020);
        cloak__wipe(&c, sizeof c);
    }
}

/* The two suites' contexts differ for the same shared secret only through the suite id; check that
 * an exporter of one suite is not the other's (the exporter reads ctx->kem_id). */
static void test_exporter_suite(void **state)
{
    vector t;
    cloak__hpke_ctx c;
    uint8_t a[32], b[32];

    (void)state;
    vector_open(&t);
    assert_int_equal(cloak__hpke_xwing_setup_r(&c, t.enc, t.pkRm, t.skRm, t.info, t.info_len), CLOAK_OK);
    assert_int_equal(cloak__hpke_export(&c, a, 32, NULL, 0), CLOAK_OK);
    c.kem_id = 0x0020;
    assert_int_equal(cloak__hpke_export(&c, b, 32, NULL, 0), CLOAK_OK);
    assert_memory_not_equal(a, b, 32);
    cloak__wipe(&c, sizeof c);
    vector_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_keys),
        cmocka_unit_test(test_vector_kem),
        cmocka_unit_test(test_vector_hpke),
        cmocka_unit_test(test_vector_public_api),
        cmocka_unit_test(test_keypair),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tampered_mlkem_ct),
        cmocka_unit_test(test_tampered_x25519_ct),
        cmocka_unit_test(test_wrong_public_key),
        cmocka_unit_test(test_bad_public_key),
        cmocka_unit_test(test_derive_keypair_checks),
        cmocka_unit_test(test_argument_checks),
        cmocka_unit_test(test_exporter_suite),
    };

    if (randombytes_set_implementation(&replay_rng) != 0 || cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
