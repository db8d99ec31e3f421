/*
 * Batch items from the server, after a genuine batch verified: cloak_batch_open_item() on any bytes.
 *
 * Two batches are made once by alice (fz_make_batch_suite: ITEMS items under FZ_VAULT_ID), one to
 * the fixed X25519 account and one to the fixed X-Wing account, and each is verified and checked
 * once into a reader that lives as long as the process (its state is read-only after the check);
 * every input starts from a copy of the tags verify wrote, so every tag is unused, and a reader
 * copied from it.
 *
 * Input: op(1) || lp16(item) || lp16(item) ...  (at most 8 items)
 *   op bit 0: value buffer one byte under cloak_batch_item_opened_maxlen()
 *   op bit 1: name buffer of one byte
 *   op bit 2: open through a copy of the verified reader (refused: BAD_STATE)
 *   op bit 3: the X-Wing batch (suite 2); otherwise the X25519 one
 *
 * Properties: every item's status follows docs/protocol.md section 9.2 exactly (fuzz_batch_ref.c:
 * header (the verified batch's suite) and padded length, key id, batch id and index, BLAKE2b-256(item)
 * against the signed manifest entry, each index at most once, buffer sizes, then AUTH, MALFORMED or
 * OK); on failure the outputs are zero; an opened item's name and value fit its padded length, and
 * its tag is used up (the same item again is BAD_SIGNATURE); a copied reader opens nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_ITEMS 8U
#define ITEMS 3U
#define ITEM_CAP 256U

static const char *const names[ITEMS] = {"DATABASE_URL", "API_TOKEN", "x"};
static const char *const values[ITEMS] = {"postgres://db.internal/app", "tok_0123456789abcdef", ""};

/* [0] suite 1, [1] suite 2. */
static struct verified {
    uint8_t batch[1309U + 255U + 32U * ITEMS];
    size_t batch_len;
    cloak_batch reader;
    uint8_t fresh_tags[16U * ITEMS];
    fz_batch_fields fields;
} verified[2];

static void batch_once(struct verified *v, uint32_t suite)
{
    static uint8_t items[ITEMS][ITEM_CAP];
    size_t item_lens[ITEMS];
    const fz_keys *k = fz_keys_get();
    const int xwing = suite == CLOAK_SUITE_XWING;

    fz_rng_reset();
    fz_make_batch_suite(suite, v->batch, sizeof v->batch, &v->batch_len, &items[0][0], ITEM_CAP, item_lens, names,
                        values, ITEMS, k->alice_id_pk, k->alice_id_sk);
    FUZZ_CHECK(cloak_batch_tags_len(ITEMS) == sizeof v->fresh_tags);
    if (xwing) {
        FUZZ_CHECK(cloak_batch_verify_xwing(&v->reader, v->fresh_tags, sizeof v->fresh_tags, v->batch, v->batch_len,
                                            (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, k->account_xw_pk,
                                            k->account_xw_sk, k->alice_id_pk, 1) == CLOAK_OK);
    } else {
        FUZZ_CHECK(cloak_batch_verify(&v->reader, v->fresh_tags, sizeof v->fresh_tags, v->batch, v->batch_len,
                                      (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, k->account_pk, k->account_sk,
                                      k->alice_id_pk, 1) == CLOAK_OK);
    }
    FUZZ_CHECK(fz_batch_verify_suite(&v->fields, v->batch, v->batch_len, suite, (const uint8_t *)FZ_VAULT_ID,
                                     FZ_VAULT_ID_LEN, k->alice_id_pk, 1) == CLOAK_OK);
    FUZZ_CHECK(cloak_batch_check(&v->reader, FZ_EPOCH1, FZ_HEAD_VERSION, FZ_NOW) == CLOAK_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    struct verified *v = &verified[(op & 8U) != 0U ? 1 : 0];
    const size_t tags_len = sizeof v->fresh_tags;
    uint8_t *tags;
    cloak_batch *copy = malloc(sizeof *copy);
    uint8_t used[ITEMS] = {0};
    size_t item_len, i;

    if (verified[0].batch_len == 0) {
        batch_once(&verified[0], CLOAK_SUITE_X25519);
        batch_once(&verified[1], CLOAK_SUITE_XWING);
    }
    fz_rng_reset();
    tags = fz_dup(v->fresh_tags, tags_len);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, &v->reader, sizeof v->reader);

    for (i = 0; i < MAX_ITEMS && in.n > 0; i++) {
        uint8_t *item = fz_lp16(&in, &item_len);
        if ((op & 4U) != 0U) {
            fz_batch_open_checked(copy, 0, tags, tags_len, v->batch, &v->fields, used, item, item_len,
                                  (op & 2U) != 0U, (op & 1U) != 0U);
        } else {
            fz_batch_open_checked(&v->reader, 1, tags, tags_len, v->batch, &v->fields, used, item, item_len,
                                  (op & 2U) != 0U, (op & 1U) != 0U);
        }
        free(item);
    }
    memset(copy, 0, sizeof *copy); /* the copy holds the reader's keys */
    free(copy);
    free(tags);
    return 0;
}
