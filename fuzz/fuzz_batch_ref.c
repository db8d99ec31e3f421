/* The reference for batches and their items (docs/protocol.md sections 9.1 to 9.3), shared by the
 * batch harnesses: see fuzz.h. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define OFF_BATCH_ID 20U
#define OFF_ENC 36U
#define ITEM_OFF_INDEX 36U
#define ITEM_OVERHEAD 56U

uint32_t fz_load32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t fz_load64(const uint8_t *p)
{
    return (uint64_t)fz_load32(p) << 32 | fz_load32(p + 4);
}

int fz_batch_layout_suite(fz_batch_fields *f, const uint8_t *b, size_t len, uint32_t suite)
{
    const int rc = fz_header_verdict_suite(b, len, CLOAK_TYPE_BATCH, suite, 0, SIZE_MAX);
    size_t v, vl;

    memset(f, 0, sizeof *f);
    if (rc != CLOAK_OK) {
        return rc;
    }
    /* N is the header's suite's: 32 or 1120; the vault id starts at V = 68 + N. */
    f->suite = fz_suite_of(b, len);
    f->enc_len = f->suite == CLOAK_SUITE_XWING ? CLOAK_XWING_ENCBYTES : CLOAK_HPKE_ENCBYTES;
    v = f->vid_off = 68U + f->enc_len;
    if (len < v + 122U) {
        return CLOAK_E_MALFORMED;
    }
    vl = b[v];
    if (vl == 0 || len < v + 57U + vl) {
        return CLOAK_E_MALFORMED;
    }
    f->vault_id_len = vl;
    f->epoch = fz_load32(b + v + 1U + vl);
    f->head_version = fz_load64(b + v + 5U + vl);
    f->expiry = fz_load64(b + v + 45U + vl);
    f->count = fz_load32(b + v + 53U + vl);
    f->prefix_len = v + 57U + vl;
    if (f->epoch == 0 || f->head_version == 0 || f->count > CLOAK_BATCH_ITEMS_MAX ||
        len != v + 121U + vl + 32U * (size_t)f->count) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

int fz_batch_layout(fz_batch_fields *f, const uint8_t *b, size_t len)
{
    return fz_batch_layout_suite(f, b, len, 0);
}

int fz_batch_verify_suite(fz_batch_fields *f, const uint8_t *b, size_t len, uint32_t suite, const uint8_t *vault_id,
                          size_t vault_id_len, const uint8_t *trusted, size_t trusted_count)
{
    const fz_keys *k = fz_keys_get();
    const int xwing = suite == CLOAK_SUITE_XWING;
    const uint8_t *account_pk = xwing ? k->account_xw_pk : k->account_pk;
    const size_t account_pk_len = xwing ? CLOAK_XWING_PUBLICKEYBYTES : 32U;
    uint8_t key_id[CLOAK_KEYIDBYTES], shared[32];
    uint8_t *content;
    const uint8_t *creator;
    size_t manifest_len, i;
    int found = 0;
    int rc = fz_batch_layout_suite(f, b, len, suite);

    if (rc != CLOAK_OK) {
        return rc;
    }
    manifest_len = 32U * (size_t)f->count;
    creator = b + OFF_ENC + f->enc_len;
    fz_public_key_id_n(key_id, account_pk, account_pk_len);
    if (memcmp(key_id, b + 4, sizeof key_id) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    if (vault_id_len != f->vault_id_len || memcmp(b + f->vid_off + 1U, vault_id, vault_id_len) != 0) {
        return CLOAK_E_MISMATCH;
    }
    for (i = 0; i < trusted_count; i++) {
        found |= memcmp(trusted + 32U * i, creator, 32) == 0;
    }
    if (!found) {
        return CLOAK_E_UNTRUSTED_SIGNER;
    }
    content = fz_alloc(f->prefix_len + 32U);
    memcpy(content, b, f->prefix_len);
    crypto_generichash(content + f->prefix_len, 32, b + f->prefix_len, manifest_len, NULL, 0);
    rc = fz_labeled_verify(b + f->prefix_len + manifest_len, "libcloak v2 batch", content, f->prefix_len + 32U,
                           creator);
    free(content);
    if (rc != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    /* The HPKE setup: section 1.6's checks of ct_X in suite 2; an all-zero agreement in suite 1. */
    if (xwing) {
        return fz_xwing_enc_verdict(b + OFF_ENC, k->account_xw_skx);
    }
    if (crypto_scalarmult_curve25519(shared, k->account_sk, b + OFF_ENC) != 0 || fz_is_zero(shared, 32)) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

int fz_batch_verify(fz_batch_fields *f, const uint8_t *b, size_t len, const uint8_t *vault_id, size_t vault_id_len,
                    const uint8_t *trusted, size_t trusted_count)
{
    return fz_batch_verify_suite(f, b, len, CLOAK_SUITE_X25519, vault_id, vault_id_len, trusted, trusted_count);
}

int fz_batch_check(const fz_batch_fields *f, uint32_t min_epoch, uint64_t min_head_version, uint64_t now)
{
    if (f->epoch < min_epoch || f->head_version < min_head_version) {
        return CLOAK_E_STALE;
    }
    return now > f->expiry ? CLOAK_E_EXPIRED : CLOAK_OK;
}

int fz_item_verdict(const uint8_t *b, const fz_batch_fields *f, const uint8_t *used, const uint8_t *item,
                    size_t item_len)
{
    uint8_t digest[32];
    uint32_t index;
    /* Step 5: the suite of the verified batch. */
    int rc = fz_header_verdict_suite(item, item_len, CLOAK_TYPE_BATCH_ITEM, f->suite, 0, SIZE_MAX);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (item_len < ITEM_OVERHEAD + 64U || !fz_is_pad_len(item_len - ITEM_OVERHEAD)) {
        return CLOAK_E_MALFORMED;
    }
    if (memcmp(item + 4, b + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    index = fz_load32(item + ITEM_OFF_INDEX);
    if (memcmp(item + OFF_BATCH_ID, b + OFF_BATCH_ID, 16) != 0 || index >= f->count) {
        return CLOAK_E_MISMATCH;
    }
    crypto_generichash(digest, sizeof digest, item, item_len, NULL, 0);
    if (used[index] || memcmp(digest, b + f->prefix_len + 32U * (size_t)index, 32) != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    return CLOAK_OK;
}

void fz_batch_open_checked(const cloak_batch *reader, int ready, uint8_t *tags, size_t tags_len, const uint8_t *b,
                           const fz_batch_fields *f, uint8_t *used, const uint8_t *item, size_t item_len,
                           int small_name, int small_value)
{
    const size_t maxlen = cloak_batch_item_opened_maxlen(item_len);
    const size_t value_cap = small_value && maxlen > 0 ? maxlen - 1U : maxlen;
    const size_t name_cap = small_name ? 1U : CLOAK_LABELBYTES_MAX;
    uint8_t *name = fz_alloc(name_cap);
    uint8_t *value = fz_alloc(value_cap);
    size_t name_len = 999, value_len = 999;
    const int rc = cloak_batch_open_item(reader, tags, tags_len, item, item_len, name, name_cap, &name_len, value,
                                         value_cap, &value_len);
    fz_trace("cloak_batch_open_item", rc);

    FUZZ_CHECK(maxlen == (item_len >= ITEM_OVERHEAD + 64U && fz_is_pad_len(item_len - ITEM_OVERHEAD)
                              ? item_len - ITEM_OVERHEAD
                              : 0U));
    if (!ready) {
        /* Not verified, or not checked for freshness: nothing opens. */
        FUZZ_CHECK(rc == CLOAK_E_BAD_STATE);
    } else {
        const int expected = fz_item_verdict(b, f, used, item, item_len);
        const int small = small_value || small_name;
        if (expected != CLOAK_OK) {
            /* The spec does not order the buffer sizes against the checks before decryption. */
            FUZZ_CHECK(rc == expected || (small && rc == CLOAK_E_BUFFER_TOO_SMALL));
        } else if (small) {
            FUZZ_CHECK(rc == CLOAK_E_BUFFER_TOO_SMALL);
        } else {
            FUZZ_CHECK(rc == CLOAK_OK || rc == CLOAK_E_AUTH || rc == CLOAK_E_MALFORMED);
        }
    }
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(name_len == 0 && value_len == 0);
        FUZZ_CHECK(fz_is_zero(name, name_cap) && fz_is_zero(value, value_cap));
    } else {
        const uint32_t index = fz_load32(item + ITEM_OFF_INDEX);
        const size_t padded = item_len - ITEM_OVERHEAD;

        FUZZ_CHECK(ready && index < f->count && !used[index]);
        FUZZ_CHECK(name_len >= 1 && name_len <= CLOAK_LABELBYTES_MAX && name_len <= name_cap);
        /* The plaintext lp8(name) || u32(value) || value || zeros fits in P bytes. */
        FUZZ_CHECK(5U + name_len + value_len <= padded && value_len <= value_cap);
        /* The tag is used up: the same item again is refused. */
        FUZZ_CHECK(fz_is_zero(tags + 16U * (size_t)index, 16));
        used[index] = 1;
    }
    free(name);
    free(value);
}

void fz_make_batch(uint8_t *batch, size_t batch_cap, size_t *batch_len, uint8_t *items, size_t item_cap,
                   size_t *item_lens, const char *const *names, const char *const *values, size_t count,
                   const uint8_t creator_pk[32], const uint8_t creator_sk[64])
{
    fz_make_batch_suite(CLOAK_SUITE_X25519, batch, batch_cap, batch_len, items, item_cap, item_lens, names, values,
                        count, creator_pk, creator_sk);
}

void fz_make_batch_suite(uint32_t suite, uint8_t *batch, size_t batch_cap, size_t *batch_len, uint8_t *items,
                         size_t item_cap, size_t *item_lens, const char *const *names, const char *const *values,
                         size_t count, const uint8_t creator_pk[32], const uint8_t creator_sk[64])
{
    const fz_keys *k = fz_keys_get();
    cloak_batch *state = malloc(sizeof *state);
    uint8_t head_hash[CLOAK_HEAD_HASHBYTES];
    uint8_t *digests = fz_alloc(count * CLOAK_BATCH_DIGESTBYTES + 1U);
    size_t i;

    FUZZ_CHECK(state != NULL);
    memset(head_hash, FZ_HEAD_HASH_BYTE, sizeof head_hash);
    if (suite == CLOAK_SUITE_XWING) {
        FUZZ_CHECK(cloak_batch_begin_xwing(state, k->account_xw_pk, creator_pk, (const uint8_t *)FZ_VAULT_ID,
                                           FZ_VAULT_ID_LEN, FZ_EPOCH1, FZ_HEAD_VERSION, head_hash,
                                           FZ_EXPIRY) == CLOAK_OK);
    } else {
        FUZZ_CHECK(cloak_batch_begin(state, k->account_pk, creator_pk, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN,
                                     FZ_EPOCH1, FZ_HEAD_VERSION, head_hash, FZ_EXPIRY) == CLOAK_OK);
    }
    for (i = 0; i < count; i++) {
        uint32_t index = 0;
        uint8_t digest[CLOAK_BATCH_DIGESTBYTES];
        FUZZ_CHECK(cloak_batch_seal_item(state, items + i * item_cap, item_cap, &item_lens[i], &index, digest,
                                         (const uint8_t *)names[i], strlen(names[i]), (const uint8_t *)values[i],
                                         strlen(values[i])) == CLOAK_OK);
        FUZZ_CHECK(index == i);
        memcpy(digests + (size_t)index * CLOAK_BATCH_DIGESTBYTES, digest, sizeof digest);
    }
    FUZZ_CHECK(cloak_batch_finish(state, batch, batch_cap, batch_len, digests, count, creator_sk) == CLOAK_OK);
    free(digests);
    free(state);
}
