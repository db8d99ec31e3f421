/*
 * Round trip of service-account batches: cloak_batch_begin(), cloak_batch_seal_item(),
 * cloak_batch_finish() by alice to the fixed account, then cloak_batch_verify() and
 * cloak_batch_open_item() by the account.
 *
 * Input: op(1) || lp8(vault id) || count(1) || count % 8 times: lp8(name) || lp16(value)
 *   op bit 0: first try each item with a buffer one byte short (BUFFER_TOO_SMALL, state unchanged)
 *   op bits 1..7: where to flip a bit of an item before opening it again
 *
 * Properties: the lengths are those of the length helpers; an item with an empty name is refused
 * with zeroed outputs and leaves the writer usable; the writer state is wiped by finish; the batch
 * verifies for the account when alice is trusted (and only then: UNTRUSTED_SIGNER otherwise, and
 * WRONG_KEY for another account); every item opens, in reverse order, to its name and value, also
 * when its own name is expected, and not when another item's is (MISMATCH); a changed item never
 * opens.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_ITEMS 8U

typedef struct item {
    uint8_t *name, *value, *blob;
    size_t name_len, value_len, blob_len;
} item;

static void open_expect(const cloak_batch *reader, const uint8_t *batch, size_t batch_len, const item *it,
                        const uint8_t *expected, size_t expected_len, int expect, const uint8_t *blob)
{
    const size_t value_cap = cloak_batch_item_opened_maxlen(it->blob_len);
    uint8_t *name = fz_alloc(CLOAK_LABELBYTES_MAX);
    uint8_t *value = fz_alloc(value_cap);
    size_t name_len = 999, value_len = 999;
    const int rc = cloak_batch_open_item(reader, batch, batch_len, blob, it->blob_len, expected, expected_len, name,
                                         CLOAK_LABELBYTES_MAX, &name_len, value, value_cap, &value_len);

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
    item items[MAX_ITEMS];
    size_t vid_len, count = 0, wanted, i, batch_cap, batch_len = 999;
    uint8_t *vid, *batch;
    uint8_t digests[MAX_ITEMS * CLOAK_BATCH_DIGESTBYTES];
    cloak_batch *state = malloc(sizeof *state);
    int rc;

    fz_rng_reset();
    FUZZ_CHECK(state != NULL);
    vid = fz_lp8(&in, &vid_len);
    wanted = fz_u8(&in) % MAX_ITEMS;

    rc = cloak_batch_begin(state, k->account_pk, vid, vid_len);
    if (vid_len == 0) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS && fz_is_zero(state, sizeof *state));
        goto out_vid;
    }
    FUZZ_CHECK(rc == CLOAK_OK);

    for (i = 0; i < wanted; i++) {
        item *it = &items[count];
        size_t cap;
        uint8_t digest[CLOAK_BATCH_DIGESTBYTES];

        it->name = fz_lp8(&in, &it->name_len);
        it->value = fz_lp16(&in, &it->value_len);
        cap = cloak_batch_item_len(it->name_len, it->value_len);
        if (it->name_len == 0) {
            uint8_t *blob = fz_alloc(64);
            size_t len = 999;
            FUZZ_CHECK(cap == 0);
            rc = cloak_batch_seal_item(state, blob, 64, &len, digest, it->name, 0, it->value, it->value_len);
            FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS && len == 0 && fz_is_zero(blob, 64) &&
                       fz_is_zero(digest, sizeof digest));
            free(blob);
            free(it->name);
            free(it->value);
            continue;
        }
        FUZZ_CHECK(cap == CLOAK_BATCH_ITEM_OVERHEADBYTES + it->name_len + it->value_len);
        if ((op & 1U) != 0U) {
            uint8_t *blob = fz_alloc(cap - 1U);
            size_t len = 999;
            rc = cloak_batch_seal_item(state, blob, cap - 1U, &len, digest, it->name, it->name_len, it->value,
                                       it->value_len);
            FUZZ_CHECK(rc == CLOAK_E_BUFFER_TOO_SMALL && len == 0 && fz_is_zero(blob, cap - 1U) &&
                       fz_is_zero(digest, sizeof digest));
            free(blob);
        }
        it->blob = fz_alloc(cap);
        rc = cloak_batch_seal_item(state, it->blob, cap, &it->blob_len, digests + count * CLOAK_BATCH_DIGESTBYTES,
                                   it->name, it->name_len, it->value, it->value_len);
        FUZZ_CHECK(rc == CLOAK_OK && it->blob_len == cap);
        FUZZ_CHECK(cloak_batch_item_opened_maxlen(cap) == cap - (CLOAK_BATCH_ITEM_OVERHEADBYTES - 1U));
        count++;
    }

    batch_cap = cloak_batch_len(vid_len, count);
    batch = fz_alloc(batch_cap);
    rc = cloak_batch_finish(state, batch, batch_cap, &batch_len, digests, count, k->alice_id_sk);
    FUZZ_CHECK(rc == CLOAK_OK && batch_len == batch_cap);
    FUZZ_CHECK(fz_is_zero(state, sizeof *state));

    /* Untrusted creator; another account. */
    FUZZ_CHECK(cloak_batch_verify(state, batch, batch_len, k->account_pk, k->account_sk, k->bob_id_pk, 1) ==
               CLOAK_E_UNTRUSTED_SIGNER);
    FUZZ_CHECK(fz_is_zero(state, sizeof *state));
    FUZZ_CHECK(cloak_batch_verify(state, batch, batch_len, k->alice_enc_pk, k->alice_enc_sk, k->alice_id_pk, 1) ==
               CLOAK_E_WRONG_KEY);
    FUZZ_CHECK(fz_is_zero(state, sizeof *state));

    rc = cloak_batch_verify(state, batch, batch_len, k->account_pk, k->account_sk, k->alice_id_pk, 1);
    FUZZ_CHECK(rc == CLOAK_OK && cloak_batch_item_count(state) == count);
    {
        uint8_t signer[CLOAK_IDENTITY_PUBLICKEYBYTES];
        cloak_batch_signer(signer, state);
        FUZZ_CHECK(memcmp(signer, k->alice_id_pk, sizeof signer) == 0);
    }

    for (i = count; i-- > 0;) {
        const item *it = &items[i];
        const item *other = &items[(i + 1U) % count];

        open_expect(state, batch, batch_len, it, NULL, 0, CLOAK_OK, it->blob);
        open_expect(state, batch, batch_len, it, it->name, it->name_len, CLOAK_OK, it->blob);
        if (other->name_len != it->name_len || memcmp(other->name, it->name, it->name_len) != 0) {
            open_expect(state, batch, batch_len, it, other->name, other->name_len, CLOAK_E_MISMATCH, it->blob);
        }
        {
            uint8_t *bad = fz_dup(it->blob, it->blob_len);
            const size_t pos = ((size_t)(op >> 1) * 7U + i) % it->blob_len;
            bad[pos] ^= (uint8_t)(1U << (i % 8U));
            open_expect(state, batch, batch_len, it, NULL, 0, 1, bad);
            free(bad);
        }
    }

    cloak_batch_wipe(state);
    free(batch);
    for (i = 0; i < count; i++) {
        free(items[i].name);
        free(items[i].value);
        free(items[i].blob);
    }
out_vid:
    free(vid);
    free(state);
    return 0;
}
