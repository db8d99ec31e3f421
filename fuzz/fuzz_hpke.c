/*
 * HPKE messages to us: cloak_hpke_open_base(), and cloak_hpke_setup_recipient() followed by
 * cloak_hpke_open() on a sequence of messages, and cloak_hpke_export(). The recipient is bob's fixed
 * encryption key pair.
 *
 * Input: op(1) || enc(32) || lp16(info) || ...
 *   op % 3 == 0 (single shot):  lp16(aad) || ciphertext
 *   op % 3 == 1 (context):      lp16(aad) || lp16(ciphertext), repeated (at most 8 messages)
 *   op % 3 == 2 (export):       lp8(exporter context) || u16(length)
 *
 * Properties: a ciphertext shorter than the tag is MALFORMED (before anything else), an enc that breaks
 * docs/protocol.md 1.4 is MALFORMED or INVALID_KEY, an enc whose
 * X25519 agreement with bob's key is all zero (RFC 9180 DH, checked here with libsodium) is
 * INVALID_KEY, and anything else opens or is AUTH; on failure every output is zero (the
 * plaintext, the context, the exported bytes);
 * the first message of a context opens exactly as the single-shot call opens it; an export is
 * deterministic and refused beyond 255 * 32 bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define MAX_MESSAGES 8U

/* The status a recipient's setup gives for enc before any AEAD: docs/protocol.md 1.4's key rules
 * (enc is a public key), then the all-zero agreement; CLOAK_OK when it sets up. */
static int enc_verdict(const uint8_t enc[32])
{
    uint8_t shared[32];
    const int verdict = fz_x25519_key_verdict(enc);

    if (verdict != CLOAK_OK) {
        return verdict;
    }
    if (crypto_scalarmult_curve25519(shared, fz_keys_get()->bob_enc_sk, enc) != 0 || fz_is_zero(shared, 32)) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

/* Returns the plaintext (caller frees) or NULL; *rc_out gets the status. */
static uint8_t *open_base(const uint8_t enc[32], const uint8_t *info, size_t info_len, const uint8_t *aad,
                          size_t aad_len, const uint8_t *ct, size_t ct_len, int *rc_out)
{
    const fz_keys *k = fz_keys_get();
    const size_t pt_len = ct_len >= CLOAK_HPKE_TAGBYTES ? ct_len - CLOAK_HPKE_TAGBYTES : 0;
    uint8_t *pt = fz_alloc(pt_len);
    const int rc = cloak_hpke_open_base(pt, enc, k->bob_enc_pk, k->bob_enc_sk, info, info_len, aad, aad_len, ct,
                                        ct_len);
    fz_trace("cloak_hpke_open_base", rc);

    *rc_out = rc;
    if (ct_len < CLOAK_HPKE_TAGBYTES) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED);
    } else if (enc_verdict(enc) != CLOAK_OK) {
        FUZZ_CHECK(rc == enc_verdict(enc));
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

static void context_messages(const uint8_t enc[32], const uint8_t *info, size_t info_len, fz_input *in)
{
    const fz_keys *k = fz_keys_get();
    cloak_hpke_context *ctx = malloc(sizeof *ctx);
    size_t i;
    int rc;

    FUZZ_CHECK(ctx != NULL);
    memset(ctx, 0xA5, sizeof *ctx);
    rc = cloak_hpke_setup_recipient(ctx, enc, k->bob_enc_pk, k->bob_enc_sk, info, info_len);
    fz_trace("cloak_hpke_setup_recipient", rc);
    FUZZ_CHECK(rc == enc_verdict(enc));
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
        uint8_t *pt_base = i == 0 ? open_base(enc, info, info_len, aad, aad_len, ct, ct_len, &rc_base) : NULL;

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

static void export_secret(const uint8_t enc[32], const uint8_t *info, size_t info_len, fz_input *in)
{
    const fz_keys *k = fz_keys_get();
    cloak_hpke_context ctx;
    size_t exp_ctx_len;
    uint8_t *exp_ctx = fz_lp8(in, &exp_ctx_len);
    const size_t out_len = fz_u16(in);
    uint8_t *out1 = fz_alloc(out_len);
    uint8_t *out2 = fz_alloc(out_len);
    int rc1, rc2;

    if (cloak_hpke_setup_recipient(&ctx, enc, k->bob_enc_pk, k->bob_enc_sk, info, info_len) == CLOAK_OK) {
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
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t *enc = fz_alloc(CLOAK_HPKE_ENCBYTES);
    size_t info_len;
    uint8_t *info;

    fz_rng_reset();
    fz_fixed(&in, enc, CLOAK_HPKE_ENCBYTES);
    info = fz_lp16(&in, &info_len);
    switch (op % 3U) {
    case 0: {
        size_t aad_len, ct_len;
        uint8_t *aad = fz_lp16(&in, &aad_len);
        uint8_t *ct = fz_rest(&in, &ct_len);
        int rc;
        free(open_base(enc, info, info_len, aad, aad_len, ct, ct_len, &rc));
        free(aad);
        free(ct);
        break;
    }
    case 1:
        context_messages(enc, info, info_len, &in);
        break;
    default:
        export_secret(enc, info, info_len, &in);
        break;
    }
    free(enc);
    free(info);
    return 0;
}
