/*
 * HPKE messages to us: cloak_hpke_open_base(), and cloak_hpke_setup_recipient() followed by
 * cloak_hpke_open() on a sequence of messages, and cloak_hpke_export(); the same in suite 2 with
 * cloak_hpke_open_base_xwing() and cloak_hpke_setup_recipient_xwing(). The recipient is bob's fixed
 * encryption key pair of the suite.
 *
 * Input: op(1) || enc(32, or 1120 if op bit 7) || lp16(info) || ...
 *   (op & 63) % 3 == 0 (single shot):  lp16(aad) || ciphertext
 *   (op & 63) % 3 == 1 (context):      lp16(aad) || lp16(ciphertext), repeated (at most 8 messages)
 *   (op & 63) % 3 == 2 (export):       lp8(exporter context) || u16(length)
 *   op bit 7: X-Wing (KEM 0x647a): the enc is ct_M (1088) || ct_X (32)
 *   op bit 6, with bit 7: the recipient names alice's X-Wing public key with bob's seed
 *
 * Properties: a ciphertext shorter than the tag is MALFORMED (before anything else); in suite 1, an
 * enc that breaks docs/protocol.md 1.4 is MALFORMED or INVALID_KEY, and an enc whose X25519 agreement
 * with bob's key is all zero (RFC 9180 DH, checked here with libsodium) is INVALID_KEY; in suite 2
 * (section 1.6), a public key that is not the seed's is INVALID_KEY, and ct_X is checked as suite 1's
 * enc is (ct_M never fails: ML-KEM's implicit rejection); anything else opens or is AUTH; on failure
 * every output is zero (the plaintext, the context, the exported bytes); the first message of a
 * context opens exactly as the single-shot call opens it; an export is deterministic and refused
 * beyond 255 * 32 bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define MAX_MESSAGES 8U

/* The recipient of an input: its suite and key pair. */
typedef struct recipient {
    int xwing;
    const uint8_t *pk, *sk;
    size_t enc_len;
} recipient;

/* The status a recipient's setup gives for enc before any AEAD: in suite 1, docs/protocol.md 1.4's
 * key rules (enc is a public key), then the all-zero agreement; in suite 2, the public key against
 * the seed's, then the same on ct_X. CLOAK_OK when it sets up. */
static int enc_verdict(const recipient *r, const uint8_t *enc)
{
    const fz_keys *k = fz_keys_get();
    uint8_t shared[32];
    int verdict;

    if (r->xwing) {
        if (memcmp(r->pk, k->bob_xw_pk, CLOAK_XWING_PUBLICKEYBYTES) != 0) {
            return CLOAK_E_INVALID_KEY;
        }
        return fz_xwing_enc_verdict(enc, k->bob_xw_skx);
    }
    verdict = fz_x25519_key_verdict(enc);
    if (verdict != CLOAK_OK) {
        return verdict;
    }
    if (crypto_scalarmult_curve25519(shared, k->bob_enc_sk, enc) != 0 || fz_is_zero(shared, 32)) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

static int setup_recipient(const recipient *r, cloak_hpke_context *ctx, const uint8_t *enc, const uint8_t *info,
                           size_t info_len)
{
    return r->xwing ? cloak_hpke_setup_recipient_xwing(ctx, enc, r->pk, r->sk, info, info_len)
                    : cloak_hpke_setup_recipient(ctx, enc, r->pk, r->sk, info, info_len);
}

/* Returns the plaintext (caller frees) or NULL; *rc_out gets the status. */
static uint8_t *open_base(const recipient *r, const uint8_t *enc, const uint8_t *info, size_t info_len,
                          const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len, int *rc_out)
{
    const size_t pt_len = ct_len >= CLOAK_HPKE_TAGBYTES ? ct_len - CLOAK_HPKE_TAGBYTES : 0;
    uint8_t *pt = fz_alloc(pt_len);
    const int rc = r->xwing ? cloak_hpke_open_base_xwing(pt, enc, r->pk, r->sk, info, info_len, aad, aad_len, ct, ct_len)
                            : cloak_hpke_open_base(pt, enc, r->pk, r->sk, info, info_len, aad, aad_len, ct, ct_len);
    fz_trace(r->xwing ? "cloak_hpke_open_base_xwing" : "cloak_hpke_open_base", rc);

    *rc_out = rc;
    if (ct_len < CLOAK_HPKE_TAGBYTES) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED);
    } else if (enc_verdict(r, enc) != CLOAK_OK) {
        FUZZ_CHECK(rc == enc_verdict(r, enc));
    } else {
        FUZZ_CHECK(rc == CLOAK_OK || rc == CLOAK_E_AUTH);
    }
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(pt, pt_len));
        free(pt);
        return NULL;
    }
    FUZZ_CHECK(ct_len >= CLOAK_HPKE_TAGBYTES);
    return pt;
}

static void context_messages(const recipient *r, const uint8_t *enc, const uint8_t *info, size_t info_len,
                             fz_input *in)
{
    cloak_hpke_context *ctx = malloc(sizeof *ctx);
    size_t i;
    int rc;

    FUZZ_CHECK(ctx != NULL);
    memset(ctx, 0xA5, sizeof *ctx);
    rc = setup_recipient(r, ctx, enc, info, info_len);
    fz_trace(r->xwing ? "cloak_hpke_setup_recipient_xwing" : "cloak_hpke_setup_recipient", rc);
    FUZZ_CHECK(rc == enc_verdict(r, enc));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(ctx, sizeof *ctx));
        free(ctx);
        return;
    }
    for (i = 0; i < MAX_MESSAGES && in->n > 0; i++) {
        size_t aad_len, ct_len;
        uint8_t *aad = fz_lp16(in, &aad_len);
        uint8_t *ct = fz_lp16(in, &ct_len);
        const size_t pt_len = ct_len >= CLOAK_HPKE_TAGBYTES ? ct_len - CLOAK_HPKE_TAGBYTES : 0;
        uint8_t *pt = fz_alloc(pt_len);
        int rc_base = CLOAK_OK;
        uint8_t *pt_base = i == 0 ? open_base(r, enc, info, info_len, aad, aad_len, ct, ct_len, &rc_base) : NULL;

        rc = cloak_hpke_open(ctx, pt, aad, aad_len, ct, ct_len);
        fz_trace("cloak_hpke_open", rc);
        FUZZ_CHECK(ct_len < CLOAK_HPKE_TAGBYTES ? rc == CLOAK_E_MALFORMED : (rc == CLOAK_OK || rc == CLOAK_E_AUTH));
        if (rc != CLOAK_OK) {
            FUZZ_CHECK(fz_is_zero(pt, pt_len));
        }
        if (i == 0) {
            FUZZ_CHECK(rc == rc_base);
            if (rc == CLOAK_OK) {
                FUZZ_CHECK(memcmp(pt, pt_base, pt_len) == 0);
            }
        }
        free(pt_base);
        free(pt);
        free(aad);
        free(ct);
    }
    cloak_hpke_context_wipe(ctx);
    FUZZ_CHECK(fz_is_zero(ctx, sizeof *ctx));
    free(ctx);
}

static void export_secret(const recipient *r, const uint8_t *enc, const uint8_t *info, size_t info_len,
                          fz_input *in)
{
    cloak_hpke_context ctx;
    size_t exp_ctx_len;
    uint8_t *exp_ctx = fz_lp8(in, &exp_ctx_len);
    const size_t out_len = fz_u16(in);
    uint8_t *out1 = fz_alloc(out_len);
    uint8_t *out2 = fz_alloc(out_len);
    int rc1, rc2;

    if (setup_recipient(r, &ctx, enc, info, info_len) == CLOAK_OK) {
        rc1 = cloak_hpke_export(&ctx, out1, out_len, exp_ctx, exp_ctx_len);
        fz_trace("cloak_hpke_export", rc1);
        rc2 = cloak_hpke_export(&ctx, out2, out_len, exp_ctx, exp_ctx_len);
        FUZZ_CHECK(rc1 == rc2);
        if (out_len > 255U * 32U) {
            FUZZ_CHECK(rc1 == CLOAK_E_BAD_PARAMS && fz_is_zero(out1, out_len));
        } else {
            FUZZ_CHECK(rc1 == CLOAK_OK && memcmp(out1, out2, out_len) == 0);
        }
        cloak_hpke_context_wipe(&ctx);
    }
    free(exp_ctx);
    free(out1);
    free(out2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fz_keys *k = fz_keys_get();
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    recipient r;
    uint8_t *enc;
    size_t info_len;
    uint8_t *info;

    fz_rng_reset();
    r.xwing = (op & 0x80U) != 0U;
    r.pk = r.xwing ? ((op & 0x40U) != 0U ? k->alice_xw_pk : k->bob_xw_pk) : k->bob_enc_pk;
    r.sk = r.xwing ? k->bob_xw_sk : k->bob_enc_sk;
    r.enc_len = r.xwing ? CLOAK_XWING_ENCBYTES : CLOAK_HPKE_ENCBYTES;
    enc = fz_alloc(r.enc_len);
    fz_fixed(&in, enc, r.enc_len);
    info = fz_lp16(&in, &info_len);
    switch ((op & 0x3FU) % 3U) {
    case 0: {
        size_t aad_len, ct_len;
        uint8_t *aad = fz_lp16(&in, &aad_len);
        uint8_t *ct = fz_rest(&in, &ct_len);
        int rc;
        free(open_base(&r, enc, info, info_len, aad, aad_len, ct, ct_len, &rc));
        free(aad);
        free(ct);
        break;
    }
    case 1:
        context_messages(&r, enc, info, info_len, &in);
        break;
    default:
        export_secret(&r, enc, info, info_len, &in);
        break;
    }
    free(enc);
    free(info);
    return 0;
}
