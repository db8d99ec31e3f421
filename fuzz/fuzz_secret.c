/*
 * Secrets from the server: cloak_secret_open() and cloak_secret_reseal().
 *
 * Input: op(1) || lp8(name) || lp8(context) || sealed
 *   op bit 0: 0 open under the fixed vault (epoch 1), 1 reseal from it to the second fixed vault
 *             (epoch 2)
 *   op bit 1: an output buffer one byte too small (BUFFER_TOO_SMALL)
 *   op bit 2: also run in place (open into sealed + IN_PLACE_OFF, reseal over sealed)
 *
 * Properties: the status and the value are exactly those of a reference written here from
 * docs/protocol.md sections 1.5, 2 and 7.1 on libsodium directly (labels, header, a padded length
 * (64 + P, P valid), key id of the vault key, the epoch field against the vault's, buffer size, then
 * XChaCha20-Poly1305 under Expand(vault key, "libcloak v2 secret key") with ad = bytes 0..24 ||
 * lp8(vault id) || lp8(name) || lp8(context), then the plaintext's length field and its zero
 * padding); cloak_secret_opened_len() is P - 4 exactly for a valid P; on failure every output is
 * zero, in place included; the in-place open gives the same bytes; a resealed secret has the input's
 * length and the new epoch, opens under the new vault to the value the old one opens to, and no
 * longer opens under the old vault (WRONG_KEY).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define EPOCH_OFF 20U
#define NONCE_OFF 24U
#define CT_OFF 48U
#define MIN_LEN 80U /* 64 + 16: section 7.1's length floor, before the P check */
/* Where cloak_secret_open() may write the value in place: just after the plaintext's length field. */
#define IN_PLACE_OFF (CT_OFF + 4U)

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The value capacity open needs for a blob of this length: P - 4 for a valid P, else 0. */
static size_t reference_need(size_t sealed_len)
{
    return sealed_len >= MIN_LEN && fz_is_pad_len(sealed_len - 64U) ? sealed_len - 68U : 0U;
}

/* Sections 2 and 7.1 for the vault key `vault_key` of `epoch` under FZ_VAULT_ID, with an output of
 * `cap` bytes where `need` are needed: the status, and on success the value (at least
 * reference_need() bytes at `value`) and its length. */
static int reference_open(uint8_t *value, size_t *value_len, const uint8_t vault_key[32], uint32_t epoch,
                          const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                          const uint8_t *sealed, size_t sealed_len, size_t cap, size_t need)
{
    uint8_t key[32];
    uint8_t ad[24 + 3 * 256];
    size_t ad_len = 0, pt_len, n, i;
    uint8_t *pt;
    int rc;

    *value_len = 0;
    if (name_len == 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = fz_header_verdict(sealed, sealed_len, CLOAK_TYPE_SECRET, 0, SIZE_MAX);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (sealed_len < MIN_LEN || !fz_is_pad_len(sealed_len - 64U)) {
        return CLOAK_E_MALFORMED;
    }
    fz_expand32(key, vault_key, "libcloak v2 key id");
    if (memcmp(key, sealed + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    if (load32(sealed + EPOCH_OFF) != epoch) {
        return CLOAK_E_MISMATCH;
    }
    if (cap < need) {
        return CLOAK_E_BUFFER_TOO_SMALL;
    }
    fz_expand32(key, vault_key, "libcloak v2 secret key");
    memcpy(ad, sealed, 24);
    ad_len = 24;
    ad[ad_len++] = (uint8_t)FZ_VAULT_ID_LEN;
    memcpy(ad + ad_len, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    ad_len += FZ_VAULT_ID_LEN;
    ad[ad_len++] = (uint8_t)name_len;
    memcpy(ad + ad_len, name, name_len);
    ad_len += name_len;
    ad[ad_len++] = (uint8_t)ctx_len;
    if (ctx_len > 0) {
        memcpy(ad + ad_len, ctx, ctx_len);
    }
    ad_len += ctx_len;
    pt_len = sealed_len - CT_OFF - 16U;
    pt = fz_alloc(pt_len);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, sealed + CT_OFF, sealed_len - CT_OFF, ad, ad_len,
                                                   sealed + NONCE_OFF, key) != 0) {
        free(pt);
        return CLOAK_E_AUTH;
    }
    n = load32(pt);
    rc = CLOAK_OK;
    if (n > pt_len - 4U) {
        rc = CLOAK_E_MALFORMED;
    } else {
        for (i = 4U + n; i < pt_len; i++) {
            if (pt[i] != 0) {
                rc = CLOAK_E_MALFORMED;
            }
        }
    }
    if (rc == CLOAK_OK) {
        memcpy(value, pt + 4, n);
        *value_len = n;
    }
    free(pt);
    return rc;
}

/* Opens under `vault` (whose key is vault_key, of `epoch`), checks the status and output against
 * the reference; returns the value (caller frees; *value_len_out its length) or NULL. */
static uint8_t *open_checked(const cloak_vault *vault, const uint8_t vault_key[32], uint32_t epoch,
                             const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                             const uint8_t *sealed, size_t sealed_len, int small, int *rc_out, size_t *value_len_out)
{
    const size_t need = reference_need(sealed_len);
    size_t cap = need, ref_len = 0;
    uint8_t *value, *ref_value = fz_alloc(need);
    size_t value_len = 999;
    int rc, expected;

    FUZZ_CHECK(cloak_secret_opened_len(sealed_len) == need);
    if (small && cap > 0) {
        cap--;
    }
    value = fz_alloc(cap);
    rc = cloak_secret_open(vault, value, cap, &value_len, name, name_len, ctx, ctx_len, sealed, sealed_len);
    fz_trace("cloak_secret_open", rc);
    expected = reference_open(ref_value, &ref_len, vault_key, epoch, name, name_len, ctx, ctx_len, sealed, sealed_len,
                              cap, need);
    FUZZ_CHECK(rc == expected);
    *rc_out = rc;
    *value_len_out = 0;
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(value_len == 0 && fz_is_zero(value, cap));
        free(ref_value);
        free(value);
        return NULL;
    }
    FUZZ_CHECK(value_len == ref_len && value_len <= need && memcmp(value, ref_value, ref_len) == 0);
    free(ref_value);
    *value_len_out = value_len;
    return value;
}

static void secret_open(const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                        const uint8_t *sealed, size_t sealed_len, int small, int in_place)
{
    int rc, rc2;
    size_t value_len;
    uint8_t *value = open_checked(fz_vault1(), fz_keys_get()->vault_key, FZ_EPOCH1, name, name_len, ctx, ctx_len,
                                  sealed, sealed_len, small, &rc, &value_len);

    if (in_place && sealed_len >= IN_PLACE_OFF) {
        uint8_t *buf = fz_dup(sealed, sealed_len);
        size_t cap = sealed_len - IN_PLACE_OFF, out_len = 999;

        if (small && cap > 0) {
            cap--;
        }
        rc2 = cloak_secret_open(fz_vault1(), buf + IN_PLACE_OFF, cap, &out_len, name, name_len, ctx, ctx_len, buf,
                                sealed_len);
        fz_trace("cloak_secret_open in place", rc2);
        /* Same answer as out of place, except that an in-place buffer is never too small for a
         * well-formed blob: it holds 16 bytes more than P - 4. */
        if (rc == CLOAK_E_BUFFER_TOO_SMALL) {
            FUZZ_CHECK(rc2 == CLOAK_OK || rc2 == CLOAK_E_AUTH || rc2 == CLOAK_E_MALFORMED);
        } else {
            FUZZ_CHECK(rc2 == rc);
        }
        if (rc2 != CLOAK_OK) {
            FUZZ_CHECK(out_len == 0 && fz_is_zero(buf + IN_PLACE_OFF, cap));
        } else if (value != NULL) {
            FUZZ_CHECK(out_len == value_len && memcmp(buf + IN_PLACE_OFF, value, value_len) == 0);
        }
        free(buf);
    }
    free(value);
}

/* After a successful reseal: the new blob carries epoch 2, opens under vault 2 to what the old one
 * opens to under vault 1, and not under vault 1. */
static void check_resealed(const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                           const uint8_t *old_value, size_t old_len, const uint8_t *resealed, size_t len)
{
    int rc;
    size_t v2_len;
    uint8_t *v2 = open_checked(fz_vault2(), fz_keys_get()->vault_key2, FZ_EPOCH2, name, name_len, ctx, ctx_len,
                               resealed, len, 0, &rc, &v2_len);

    FUZZ_CHECK(load32(resealed + EPOCH_OFF) == FZ_EPOCH2);
    FUZZ_CHECK(rc == CLOAK_OK && v2 != NULL && old_value != NULL);
    FUZZ_CHECK(v2_len == old_len && memcmp(v2, old_value, old_len) == 0);
    free(v2);
    v2 = open_checked(fz_vault1(), fz_keys_get()->vault_key, FZ_EPOCH1, name, name_len, ctx, ctx_len, resealed, len,
                      0, &rc, &v2_len);
    FUZZ_CHECK(rc == CLOAK_E_WRONG_KEY && v2 == NULL);
}

static void secret_reseal(const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                          const uint8_t *sealed, size_t sealed_len, int small, int in_place)
{
    size_t cap = sealed_len, out_len = 999, old_len;
    uint8_t *out;
    uint8_t *old_value;
    int rc, rc_open;

    if (small && cap > 0) {
        cap--;
    }
    old_value = open_checked(fz_vault1(), fz_keys_get()->vault_key, FZ_EPOCH1, name, name_len, ctx, ctx_len, sealed,
                             sealed_len, 0, &rc_open, &old_len);
    out = fz_alloc(cap);
    rc = cloak_secret_reseal(fz_vault1(), fz_vault2(), out, cap, &out_len, name, name_len, ctx, ctx_len, sealed,
                             sealed_len);
    fz_trace("cloak_secret_reseal", rc);
    {
        /* The same verdict as the reference open, with the whole blob's length as the need. */
        uint8_t *scratch = fz_alloc(sealed_len);
        size_t scratch_len;
        FUZZ_CHECK(rc == reference_open(scratch, &scratch_len, fz_keys_get()->vault_key, FZ_EPOCH1, name, name_len,
                                        ctx, ctx_len, sealed, sealed_len, cap, sealed_len));
        free(scratch);
    }
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(out_len == 0 && fz_is_zero(out, cap));
        FUZZ_CHECK(rc_open != CLOAK_OK || rc == CLOAK_E_BUFFER_TOO_SMALL);
    } else {
        FUZZ_CHECK(cap == sealed_len && rc_open == CLOAK_OK && out_len == sealed_len);
        check_resealed(name, name_len, ctx, ctx_len, old_value, old_len, out, out_len);
    }
    free(out);

    if (in_place) {
        uint8_t *buf = fz_dup(sealed, sealed_len);
        out_len = 999;
        rc = cloak_secret_reseal(fz_vault1(), fz_vault2(), buf, sealed_len, &out_len, name, name_len, ctx,
                                 ctx_len, buf, sealed_len);
        fz_trace("cloak_secret_reseal in place", rc);
        FUZZ_CHECK(rc == rc_open);
        if (rc != CLOAK_OK) {
            FUZZ_CHECK(out_len == 0 && fz_is_zero(buf, sealed_len));
        } else {
            FUZZ_CHECK(out_len == sealed_len);
            check_resealed(name, name_len, ctx, ctx_len, old_value, old_len, buf, out_len);
        }
        free(buf);
    }
    free(old_value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    size_t name_len, ctx_len, sealed_len;
    uint8_t *name, *ctx, *sealed;

    fz_rng_reset();
    name = fz_lp8(&in, &name_len);
    ctx = fz_lp8(&in, &ctx_len);
    sealed = fz_rest(&in, &sealed_len);
    if ((op & 1U) == 0U) {
        secret_open(name, name_len, ctx, ctx_len, sealed, sealed_len, (op & 2U) != 0U, (op & 4U) != 0U);
    } else {
        secret_reseal(name, name_len, ctx, ctx_len, sealed, sealed_len, (op & 2U) != 0U, (op & 4U) != 0U);
    }
    free(name);
    free(ctx);
    free(sealed);
    return 0;
}
