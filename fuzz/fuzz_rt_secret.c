/*
 * Round trip of secrets: cloak_vault_init(), cloak_secret_seal(), cloak_secret_open(),
 * cloak_secret_reseal(), cloak_vault_blind_index().
 *
 * Input: op(1) || key(32) || lp8(vault id) || lp8(name) || lp8(context) || value
 *   op: the epoch (0 is refused with BAD_PARAMS)
 *
 * Properties: epoch 0 and invalid labels (an empty vault id or name) are refused with zeroed
 * outputs; a sealed secret has cloak_secret_sealed_len() = 64 + pad(4 + value) bytes (section 1.5's
 * pad, recomputed here), carries the state's epoch, and every value length of its padding bucket
 * gives the same length; it opens to the value with cloak_secret_opened_len() = pad - 4 bytes of
 * room, out of place and in place; it does not open under another name or context (AUTH), another
 * vault key (WRONG_KEY) or the same key at another epoch (MISMATCH); resealed to another key and
 * epoch it keeps its length and opens there to the same value; sealing in place (value at
 * sealed + 52) gives a blob that opens too; the blind index is deterministic and depends on the
 * name.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Where the value sits for an in-place open or seal: after the plaintext's length field. */
#define IN_PLACE_OFF 52U

static void open_expect(const cloak_vault *v, const uint8_t *name, size_t name_len, const uint8_t *ctx,
                        size_t ctx_len, const uint8_t *sealed, size_t sealed_len, int expect, const uint8_t *value,
                        size_t value_len)
{
    const size_t cap = cloak_secret_opened_len(sealed_len);
    uint8_t *out = fz_alloc(cap);
    size_t out_len = 999;
    const int rc = cloak_secret_open(v, out, cap, &out_len, name, name_len, ctx, ctx_len, sealed, sealed_len);

    FUZZ_CHECK(cap >= value_len);
    FUZZ_CHECK(rc == expect);
    if (rc == CLOAK_OK) {
        FUZZ_CHECK(out_len == value_len && memcmp(out, value, value_len) == 0);
    } else {
        FUZZ_CHECK(out_len == 0 && fz_is_zero(out, cap));
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    uint8_t key[CLOAK_KEYBYTES];
    cloak_vault vault, other, later;
    size_t vid_len, name_len, ctx_len, value_len, sealed_len = 999, cap;
    uint8_t *vid, *name, *ctx, *value, *sealed, *buf;
    int rc;

    uint32_t epoch;

    fz_rng_reset();
    epoch = fz_u8(&in);
    fz_fixed(&in, key, sizeof key);
    vid = fz_lp8(&in, &vid_len);
    name = fz_lp8(&in, &name_len);
    ctx = fz_lp8(&in, &ctx_len);
    value = fz_rest(&in, &value_len);

    rc = cloak_vault_init(&vault, key, epoch, vid, vid_len);
    if (epoch == 0 || vid_len == 0) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS && fz_is_zero(&vault, sizeof vault));
        goto out;
    }
    FUZZ_CHECK(rc == CLOAK_OK && cloak_vault_epoch(&vault) == epoch);

    cap = cloak_secret_sealed_len(value_len);
    {
        /* Section 1.5: 64 + pad(4 + value); every value length of the bucket seals to the same length,
         * and the bucket's largest is what opened_len reports. */
        const size_t padded = fz_pad_len(4U + value_len);
        FUZZ_CHECK(padded >= 4U + value_len && fz_is_pad_len(padded));
        FUZZ_CHECK(cap == 64U + padded && cloak_secret_opened_len(cap) == padded - 4U);
        FUZZ_CHECK(cloak_secret_sealed_len(padded - 4U) == cap);
        if (value_len > 0) {
            FUZZ_CHECK(cloak_secret_sealed_len(value_len - 1U) <= cap);
        }
        FUZZ_CHECK(padded == 64U || cloak_secret_sealed_len(padded - 3U) > cap);
        FUZZ_CHECK(padded <= 64U || padded - (4U + value_len) <= (4U + value_len) * 12U / 100U + 1U);
    }
    sealed = fz_alloc(cap);
    rc = cloak_secret_seal(&vault, sealed, cap, &sealed_len, name, name_len, ctx, ctx_len, value, value_len);
    if (name_len == 0) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS && sealed_len == 0 && fz_is_zero(sealed, cap));
        free(sealed);
        cloak_vault_wipe(&vault);
        goto out;
    }
    FUZZ_CHECK(rc == CLOAK_OK && sealed_len == cap);
    FUZZ_CHECK(sealed[20] == (uint8_t)(epoch >> 24) && sealed[21] == (uint8_t)(epoch >> 16) &&
               sealed[22] == (uint8_t)(epoch >> 8) && sealed[23] == (uint8_t)epoch);
    open_expect(&vault, name, name_len, ctx, ctx_len, sealed, sealed_len, CLOAK_OK, value, value_len);

    /* In place: the value decrypted over the ciphertext. */
    buf = fz_dup(sealed, sealed_len);
    {
        size_t out_len = 999;
        FUZZ_CHECK(cloak_secret_open(&vault, buf + IN_PLACE_OFF, sealed_len - IN_PLACE_OFF, &out_len, name, name_len,
                                     ctx, ctx_len, buf, sealed_len) == CLOAK_OK);
        FUZZ_CHECK(out_len == value_len && memcmp(buf + IN_PLACE_OFF, value, value_len) == 0);
    }
    /* And sealed in place from there. */
    {
        size_t len2 = 999;
        FUZZ_CHECK(cloak_secret_seal(&vault, buf, sealed_len, &len2, name, name_len, ctx, ctx_len, buf + IN_PLACE_OFF,
                                     value_len) == CLOAK_OK);
        FUZZ_CHECK(len2 == sealed_len);
        open_expect(&vault, name, name_len, ctx, ctx_len, buf, len2, CLOAK_OK, value, value_len);
    }
    free(buf);

    /* Another context: one byte more (or one fewer), which changes the associated data. */
    {
        uint8_t *ctx2 = fz_alloc(ctx_len + 1U);
        if (ctx_len > 0) {
            memcpy(ctx2, ctx, ctx_len);
        }
        open_expect(&vault, name, name_len, ctx2, ctx_len < CLOAK_LABELBYTES_MAX ? ctx_len + 1U : ctx_len - 1U,
                    sealed, sealed_len, CLOAK_E_AUTH, value, value_len);
        free(ctx2);
    }
    /* Another name. */
    {
        uint8_t *name2 = fz_dup(name, name_len);
        name2[0] ^= 1U;
        open_expect(&vault, name2, name_len, ctx, ctx_len, sealed, sealed_len, CLOAK_E_AUTH, value, value_len);
        free(name2);
    }

    /* Another vault key: wrong key; resealed to it: opens there, and no longer here. */
    /* The same key at another epoch: the key id matches, the epoch does not. */
    FUZZ_CHECK(cloak_vault_init(&later, key, epoch + 1U, vid, vid_len) == CLOAK_OK);
    open_expect(&later, name, name_len, ctx, ctx_len, sealed, sealed_len, CLOAK_E_MISMATCH, value, value_len);
    cloak_vault_wipe(&later);

    key[0] ^= 0x80U;
    FUZZ_CHECK(cloak_vault_init(&other, key, epoch + 1U, vid, vid_len) == CLOAK_OK);
    open_expect(&other, name, name_len, ctx, ctx_len, sealed, sealed_len, CLOAK_E_WRONG_KEY, value, value_len);
    {
        uint8_t *resealed = fz_alloc(sealed_len);
        size_t resealed_len = 999;
        FUZZ_CHECK(cloak_secret_reseal(&vault, &other, resealed, sealed_len, &resealed_len, name, name_len, ctx,
                                       ctx_len, sealed, sealed_len) == CLOAK_OK);
        FUZZ_CHECK(resealed_len == sealed_len);
        open_expect(&other, name, name_len, ctx, ctx_len, resealed, resealed_len, CLOAK_OK, value, value_len);
        open_expect(&vault, name, name_len, ctx, ctx_len, resealed, resealed_len, CLOAK_E_WRONG_KEY, value,
                    value_len);
        free(resealed);
    }

    /* Blind index: deterministic, and another name gives another index. */
    {
        uint8_t i1[CLOAK_BLIND_INDEXBYTES], i2[CLOAK_BLIND_INDEXBYTES], i3[CLOAK_BLIND_INDEXBYTES];
        uint8_t *name2 = fz_dup(name, name_len);
        name2[name_len - 1U] ^= 1U;
        FUZZ_CHECK(cloak_vault_blind_index(&vault, i1, name, name_len) == CLOAK_OK);
        FUZZ_CHECK(cloak_vault_blind_index(&vault, i2, name, name_len) == CLOAK_OK);
        FUZZ_CHECK(cloak_vault_blind_index(&vault, i3, name2, name_len) == CLOAK_OK);
        FUZZ_CHECK(memcmp(i1, i2, sizeof i1) == 0 && memcmp(i1, i3, sizeof i1) != 0);
        free(name2);
    }

    cloak_vault_wipe(&other);
    cloak_vault_wipe(&vault);
    free(sealed);
out:
    free(vid);
    free(name);
    free(ctx);
    free(value);
    return 0;
}
