/*
 * Round trip of service-account batches: cloak_batch_begin(), cloak_batch_seal_item(),
 * cloak_batch_finish() by alice to the fixed account, then cloak_batch_count(), cloak_batch_verify(),
 * cloak_batch_check() and cloak_batch_open_item() by the account.
 *
 * Input: op(1) || lp8(vault id) || count(1) || count % 8 times: lp8(name) || lp16(value)
 *   op bit 0: first try each item with a buffer one byte short (BUFFER_TOO_SMALL, no index reserved)
 *   op bits 1..7: where to flip a bit of an item before opening it, and the epoch (1 + op)
 *
 * Properties: an item's length is 56 + pad(5 + name + value) (section 1.5's pad, recomputed here),
 * and every name and value length of one padding bucket gives the same length; an item with an
 * empty name or a short buffer is refused with zeroed outputs before it reserves an index; indexes
 * are 0, 1, ... in sealing order; finish refuses a wrong count (BAD_PARAMS) and another creator's
 * key (MISMATCH) and wipes the writer whatever the outcome, after which sealing and finishing are
 * BAD_STATE; a copied writer seals nothing (BAD_STATE); the batch verifies for the account and vault
 * when alice is trusted (UNTRUSTED_SIGNER otherwise, WRONG_KEY for another account, MISMATCH for
 * another vault id) and reports the fields begin was given; items open only after the freshness
 * check (BAD_STATE), which refuses a later epoch or head version (STALE) and a clock past the expiry
 * (EXPIRED); every item opens once, in reverse order, to its name and value, and a second time is
 * BAD_SIGNATURE; a changed item never opens.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_ITEMS 8U

typedef struct item {
    uint8_t *name, *value, *blob;
    size_t name_len, value_len, blob_len;
} item;

static void open_expect(const cloak_batch *reader, uint8_t *tags, size_t tags_len, const item *it, int expect,
                        const uint8_t *blob)
{
    const size_t value_cap = cloak_batch_item_opened_maxlen(it->blob_len);
    uint8_t *name = fz_alloc(CLOAK_LABELBYTES_MAX);
    uint8_t *value = fz_alloc(value_cap);
    size_t name_len = 999, value_len = 999;
    const int rc = cloak_batch_open_item(reader, tags, tags_len, blob, it->blob_len, name, CLOAK_LABELBYTES_MAX,
                                         &name_len, value, value_cap, &value_len);

    if (expect == CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_OK);
        FUZZ_CHECK(name_len == it->name_len && memcmp(name, it->name, name_len) == 0);
        FUZZ_CHECK(value_len == it->value_len && memcmp(value, it->value, value_len) == 0);
    } else {
        /* expect < 0 is a specific code; 1 means "any failure". */
        FUZZ_CHECK(rc != CLOAK_OK && (expect == 1 || rc == expect));
        FUZZ_CHECK(name_len == 0 && value_len == 0);
        FUZZ_CHECK(fz_is_zero(name, CLOAK_LABELBYTES_MAX) && fz_is_zero(value, value_cap));
    }
    free(name);
    free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fz_keys *k = fz_keys_get();
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    const uint32_t epoch = 1U + op;
    const uint64_t head_version = 5U + (uint64_t)op;
    const uint64_t expiry = FZ_EXPIRY;
    item items[MAX_ITEMS];
    size_t vid_len, count = 0, wanted, i, batch_cap, batch_len = 999, tags_len;
    uint8_t *vid, *batch, *tags;
    uint8_t head_hash[CLOAK_HEAD_HASHBYTES];
    uint8_t digests[MAX_ITEMS * CLOAK_BATCH_DIGESTBYTES];
    cloak_batch *state = malloc(sizeof *state);
    cloak_batch *copy = malloc(sizeof *copy);
    uint32_t n = 77;
    int rc;

    fz_rng_reset();
    FUZZ_CHECK(state != NULL && copy != NULL);
    memset(head_hash, op, sizeof head_hash);
    vid = fz_lp8(&in, &vid_len);
    wanted = fz_u8(&in) % MAX_ITEMS;

    rc = cloak_batch_begin(state, k->account_pk, k->alice_id_pk, vid, vid_len, epoch, head_version, head_hash,
                           expiry);
    if (vid_len == 0) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS && fz_is_zero(state, sizeof *state));
        goto out_vid;
    }
    FUZZ_CHECK(rc == CLOAK_OK);

    /* A copy of the writer would reuse its nonces: refused, and its outputs zeroed. */
    memcpy(copy, state, sizeof *state);
    {
        uint8_t blob[128], digest[CLOAK_BATCH_DIGESTBYTES];
        size_t len = 999;
        uint32_t index = 77;
        rc = cloak_batch_seal_item(copy, blob, sizeof blob, &len, &index, digest, (const uint8_t *)"n", 1,
                                   (const uint8_t *)"v", 1);
        FUZZ_CHECK(rc == CLOAK_E_BAD_STATE && len == 0 && index == 0 && fz_is_zero(blob, sizeof blob) &&
                   fz_is_zero(digest, sizeof digest));
    }
    memset(copy, 0, sizeof *copy);

    for (i = 0; i < wanted; i++) {
        item *it = &items[count];
        size_t cap, padded;
        uint8_t digest[CLOAK_BATCH_DIGESTBYTES];
        uint32_t index = 77;

        it->name = fz_lp8(&in, &it->name_len);
        it->value = fz_lp16(&in, &it->value_len);
        cap = cloak_batch_item_len(it->name_len, it->value_len);
        if (it->name_len == 0) {
            uint8_t *blob = fz_alloc(128);
            size_t len = 999;
            rc = cloak_batch_seal_item(state, blob, 128, &len, &index, digest, it->name, 0, it->value,
                                       it->value_len);
            FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS && len == 0 && index == 0 && fz_is_zero(blob, 128) &&
                       fz_is_zero(digest, sizeof digest));
            free(blob);
            free(it->name);
            free(it->value);
            continue;
        }
        padded = fz_pad_len(5U + it->name_len + it->value_len);
        FUZZ_CHECK(cap == 56U + padded && cloak_batch_item_opened_maxlen(cap) == padded);
        /* The whole bucket has one length; the next length starts the next bucket. */
        FUZZ_CHECK(cloak_batch_item_len(it->name_len, padded - 5U - it->name_len) == cap);
        FUZZ_CHECK(cloak_batch_item_len(it->name_len, padded - 4U - it->name_len) > cap);
        if ((op & 1U) != 0U) {
            uint8_t *blob = fz_alloc(cap - 1U);
            size_t len = 999;
            rc = cloak_batch_seal_item(state, blob, cap - 1U, &len, &index, digest, it->name, it->name_len,
                                       it->value, it->value_len);
            FUZZ_CHECK(rc == CLOAK_E_BUFFER_TOO_SMALL && len == 0 && index == 0 && fz_is_zero(blob, cap - 1U) &&
                       fz_is_zero(digest, sizeof digest));
            free(blob);
        }
        it->blob = fz_alloc(cap);
        rc = cloak_batch_seal_item(state, it->blob, cap, &it->blob_len, &index, digest, it->name, it->name_len,
                                   it->value, it->value_len);
        FUZZ_CHECK(rc == CLOAK_OK && it->blob_len == cap && index == count);
        memcpy(digests + (size_t)index * CLOAK_BATCH_DIGESTBYTES, digest, sizeof digest);
        count++;
    }

    batch_cap = cloak_batch_len(vid_len, count);
    FUZZ_CHECK(batch_cap == 221U + vid_len + 32U * count);
    batch = fz_alloc(batch_cap);
    if ((op & 2U) != 0U) {
        /* A wrong count, or bob's key for a batch begun for alice: refused, and the writer is gone. */
        if ((op & 4U) != 0U) {
            rc = cloak_batch_finish(state, batch, batch_cap, &batch_len, digests, count + 1U, k->alice_id_sk);
            FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS);
        } else {
            rc = cloak_batch_finish(state, batch, batch_cap, &batch_len, digests, count, k->bob_id_sk);
            FUZZ_CHECK(rc == CLOAK_E_MISMATCH);
        }
        FUZZ_CHECK(batch_len == 0 && fz_is_zero(batch, batch_cap) && fz_is_zero(state, sizeof *state));
        FUZZ_CHECK(cloak_batch_finish(state, batch, batch_cap, &batch_len, digests, count, k->alice_id_sk) ==
                   CLOAK_E_BAD_STATE);
        goto out_batch;
    }
    rc = cloak_batch_finish(state, batch, batch_cap, &batch_len, digests, count, k->alice_id_sk);
    FUZZ_CHECK(rc == CLOAK_OK && batch_len == batch_cap);
    FUZZ_CHECK(fz_is_zero(state, sizeof *state));
    {
        /* Finished: a second finish and a late item are refused. */
        uint8_t *again = fz_alloc(batch_cap);
        uint8_t blob[128], digest[CLOAK_BATCH_DIGESTBYTES];
        size_t len = 999, again_len = 999;
        uint32_t index = 77;
        FUZZ_CHECK(cloak_batch_finish(state, again, batch_cap, &again_len, digests, count, k->alice_id_sk) ==
                   CLOAK_E_BAD_STATE);
        FUZZ_CHECK(cloak_batch_seal_item(state, blob, sizeof blob, &len, &index, digest, (const uint8_t *)"n", 1,
                                         (const uint8_t *)"v", 1) == CLOAK_E_BAD_STATE);
        free(again);
    }

    FUZZ_CHECK(cloak_batch_count(&n, batch, batch_len) == CLOAK_OK && n == count);
    tags_len = cloak_batch_tags_len(count);
    tags = fz_alloc(tags_len);

    /* Untrusted creator; another account; another vault. */
    FUZZ_CHECK(cloak_batch_verify(state, tags, tags_len, batch, batch_len, vid, vid_len, k->account_pk,
                                  k->account_sk, k->bob_id_pk, 1) == CLOAK_E_UNTRUSTED_SIGNER);
    FUZZ_CHECK(fz_is_zero(state, sizeof *state));
    FUZZ_CHECK(cloak_batch_verify(state, tags, tags_len, batch, batch_len, vid, vid_len, k->alice_enc_pk,
                                  k->alice_enc_sk, k->alice_id_pk, 1) == CLOAK_E_WRONG_KEY);
    {
        uint8_t *vid2 = fz_dup(vid, vid_len);
        vid2[0] ^= 0x01U;
        FUZZ_CHECK(cloak_batch_verify(state, tags, tags_len, batch, batch_len, vid2, vid_len, k->account_pk,
                                      k->account_sk, k->alice_id_pk, 1) == CLOAK_E_MISMATCH);
        free(vid2);
    }
    FUZZ_CHECK(fz_is_zero(state, sizeof *state));

    rc = cloak_batch_verify(state, tags, tags_len, batch, batch_len, vid, vid_len, k->account_pk, k->account_sk,
                            k->alice_id_pk, 1);
    FUZZ_CHECK(rc == CLOAK_OK && cloak_batch_item_count(state) == count);
    {
        uint8_t signer[CLOAK_IDENTITY_PUBLICKEYBYTES], hash[CLOAK_HEAD_HASHBYTES];
        cloak_batch_signer(signer, state);
        cloak_batch_head_hash(hash, state);
        FUZZ_CHECK(memcmp(signer, k->alice_id_pk, sizeof signer) == 0);
        FUZZ_CHECK(memcmp(hash, head_hash, sizeof hash) == 0);
        FUZZ_CHECK(cloak_batch_epoch(state) == epoch && cloak_batch_head_version(state) == head_version &&
                   cloak_batch_expiry(state) == expiry);
    }
    if (count > 0) {
        /* Not yet checked for freshness. */
        open_expect(state, tags, tags_len, &items[0], CLOAK_E_BAD_STATE, items[0].blob);
    }
    FUZZ_CHECK(cloak_batch_check(state, epoch + 1U, 1, FZ_NOW) == CLOAK_E_STALE);
    FUZZ_CHECK(cloak_batch_check(state, 1, head_version + 1U, FZ_NOW) == CLOAK_E_STALE);
    FUZZ_CHECK(cloak_batch_check(state, 1, 1, expiry + 1U) == CLOAK_E_EXPIRED);
    FUZZ_CHECK(cloak_batch_check(state, epoch, head_version, expiry) == CLOAK_OK);

    for (i = count; i-- > 0;) {
        const item *it = &items[i];
        uint8_t *bad = fz_dup(it->blob, it->blob_len);
        const size_t pos = ((size_t)(op >> 1) * 7U + i) % it->blob_len;

        bad[pos] ^= (uint8_t)(1U << (i % 8U));
        open_expect(state, tags, tags_len, it, 1, bad);
        free(bad);
        open_expect(state, tags, tags_len, it, CLOAK_OK, it->blob);
        FUZZ_CHECK(fz_is_zero(tags + 16U * i, 16));
        open_expect(state, tags, tags_len, it, CLOAK_E_BAD_SIGNATURE, it->blob);
    }

    cloak_batch_wipe(state);
    free(tags);
out_batch:
    free(batch);
    for (i = 0; i < count; i++) {
        free(items[i].name);
        free(items[i].value);
        free(items[i].blob);
    }
out_vid:
    free(vid);
    free(state);
    free(copy);
    return 0;
}
