/*
 * No heap allocation in any operation but password derivation, counted rather than
 * trusted: this executable defines glibc's allocation functions itself, so every allocation made by
 * any code in the process (libcloak.so, libsodium, libargon2, libc's own internal callers) goes
 * through them, and they count while a flag is set before forwarding to glibc's allocator
 * (__libc_malloc and friends, which glibc exports for exactly this kind of wrapper).
 *
 * Each test sets the flag around a group of libcloak calls, success paths and failure paths alike,
 * and asserts that nothing was allocated or freed. libsodium is initialised (cloak_init) and its
 * random source has been used before any counting starts; first calls are counted too, so a lazy
 * one-time allocation inside an operation would show.
 *
 * Password derivation is the exception the library allows: Argon2id's working memory. At one lane
 * (no worker threads) it must be exactly one allocation of m KiB (plus at most the 2 MiB src/argon2.c
 * adds to align the block on a huge page), released before returning.
 *
 * Under AddressSanitizer this file's allocator would stand in for the sanitizer's, so the test
 * reports itself skipped there. valgrind replaces the executable's allocation functions with its
 * own, so nothing would be counted: a first allocation made on purpose must be seen, or the test
 * reports itself skipped rather than pass on zeros that prove nothing.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "cloak.h"

#if defined(__SANITIZE_ADDRESS__)
#define NO_ALLOC_SKIP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_ALLOC_SKIP 1
#endif
#endif

#ifdef NO_ALLOC_SKIP
/* The sanitizer's allocator must stay the process's: none of the definitions below is compiled. */
int main(void)
{
    printf("1..0 # SKIP the counting allocator cannot stand in for a sanitizer's\n");
    return 0;
}
#else

/* ------------------------------------------------------------------------------------------------
 * The counting allocator
 * ---------------------------------------------------------------------------------------------- */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static atomic_int counting;
static atomic_size_t allocations;
static atomic_size_t releases;
static atomic_size_t largest;

static void note_allocation(size_t size)
{
    if (atomic_load(&counting)) {
        size_t seen = atomic_load(&largest);
        atomic_fetch_add(&allocations, 1U);
        while (size > seen && !atomic_compare_exchange_weak(&largest, &seen, size)) {
        }
    }
}

void *malloc(size_t size)
{
    note_allocation(size);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    note_allocation(n * size);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    note_allocation(size);
    return __libc_realloc(p, size);
}

void free(void *p)
{
    if (p != NULL && atomic_load(&counting)) {
        atomic_fetch_add(&releases, 1U);
    }
    __libc_free(p);
}

void *memalign(size_t alignment, size_t size)
{
    note_allocation(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    note_allocation(size);
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    void *p;
    if (alignment % sizeof(void *) != 0U || (alignment & (alignment - 1U)) != 0U) {
        return EINVAL;
    }
    note_allocation(size);
    p = __libc_memalign(alignment, size);
    if (p == NULL) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

void *valloc(size_t size)
{
    note_allocation(size);
    return __libc_valloc(size);
}

void *pvalloc(size_t size)
{
    note_allocation(size);
    return __libc_pvalloc(size);
}

static void count_start(void)
{
    atomic_store(&allocations, 0U);
    atomic_store(&releases, 0U);
    atomic_store(&largest, 0U);
    atomic_store(&counting, 1);
}

static void count_stop(void)
{
    atomic_store(&counting, 0);
}

/* Whether an allocation made while counting is seen: not under a tool that replaces the
 * executable's allocator (valgrind), where every count would be a vacuous zero. */
static int counting_works(void)
{
    void *(*volatile alloc)(size_t) = malloc;
    void (*volatile release)(void *) = free;
    void *p;
    count_start();
    p = alloc(24);
    release(p);
    count_stop();
    return p != NULL && atomic_load(&allocations) == 1U && atomic_load(&releases) == 1U;
}

/* Both counters must be zero. */
#define assert_nothing_allocated()                                                                 \
    do {                                                                                           \
        count_stop();                                                                              \
        if (atomic_load(&allocations) != 0U || atomic_load(&releases) != 0U) {                     \
            fail_msg("%zu allocation(s) (largest %zu bytes) and %zu release(s)",                 \
                     atomic_load(&allocations), atomic_load(&largest), atomic_load(&releases));   \
        }                                                                                          \
    } while (0)

/* ------------------------------------------------------------------------------------------------
 * Fixture: keys made before counting
 * ---------------------------------------------------------------------------------------------- */

#define VID ((const uint8_t *)"vault-1")
#define VID_LEN 7U
#define NAME ((const uint8_t *)"DATABASE_URL")
#define NAME_LEN 12U
#define CTX ((const uint8_t *)"prod")
#define CTX_LEN 4U

static uint8_t id_pk[32], id_sk[64], enc_pk[32], enc_sk[32], acct_pk[32], acct_sk[32];
static uint8_t master_key[32], vault_key[32];
static uint8_t value[1024];

static void make_keys(void)
{
    cloak_identity_keypair(id_pk, id_sk);
    cloak_encryption_keypair(enc_pk, enc_sk);
    cloak_encryption_keypair(acct_pk, acct_sk);
    randombytes_buf(master_key, sizeof master_key);
    randombytes_buf(vault_key, sizeof vault_key);
    randombytes_buf(value, sizeof value);
}

static int setup(void **state)
{
    (void)state;
    make_keys();
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * The operations
 * ---------------------------------------------------------------------------------------------- */

static void test_version_status_sizes(void **state)
{
    size_t total = 0;
    int code;
    (void)state;
    count_start();
    total += strlen(cloak_version_string());
    total += (size_t)(cloak_version_major() + cloak_version_minor() + cloak_version_patch());
    for (code = 1; code >= CLOAK_E_POLICY; code--) {
        total += strlen(cloak_status_string(code));
    }
    total += cloak_keybytes() + cloak_keyidbytes() + cloak_labelbytes_max() + cloak_headerbytes() +
             cloak_identity_publickeybytes() + cloak_identity_secretkeybytes() + cloak_identity_seedbytes() +
             cloak_signaturebytes() + cloak_encryption_publickeybytes() + cloak_encryption_secretkeybytes() +
             cloak_encryption_seedbytes() + cloak_public_key_blobbytes() + cloak_bundlebytes() +
             cloak_wrapped_keybytes() + cloak_service_account_private_blobbytes() + cloak_sharebytes() +
             cloak_batch_tagbytes() + cloak_head_hashbytes() + cloak_batch_items_max() + cloak_batch_digestbytes() +
             cloak_blind_indexbytes() + cloak_password_saltbytes() + cloak_password_recordbytes() +
             cloak_fingerprint_textbytes() + cloak_pair_code_textbytes() + cloak_vault_statebytes() +
             cloak_batch_statebytes() + cloak_hpke_contextbytes() + cloak_hpke_encbytes() + cloak_hpke_tagbytes() +
             cloak_suite_x25519() + cloak_suite_xwing() + cloak_xwing_publickeybytes() + cloak_xwing_secretkeybytes() +
             cloak_xwing_seedbytes() + cloak_xwing_keyhashbytes() + cloak_xwing_public_key_blobbytes() +
             cloak_xwing_bundlebytes() + cloak_xwing_wrapped_keybytes() +
             cloak_xwing_service_account_private_blobbytes() + cloak_xwing_sharebytes() + cloak_xwing_encbytes();
    total += cloak_secret_sealed_len(10) + cloak_secret_opened_len(100) + cloak_batch_item_len(3, 4) +
             cloak_batch_len(3, 4) + cloak_batch_len_xwing(3, 4) + cloak_batch_tags_len(4) +
             cloak_batch_item_opened_maxlen(120) +
             cloak_text_encoded_len(52) + cloak_text_decoded_maxlen(80);
    assert_nothing_allocated();
    assert_true(total > 0U);
}

static void test_keys(void **state)
{
    uint8_t pk[32], sk[64], seed[32] = {1}, epk[32], esk[32], blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
    uint8_t bundle[CLOAK_BUNDLEBYTES], bpk1[32], bpk2[32], sig[64], kid[16];
    char fp[CLOAK_FINGERPRINT_TEXTBYTES], pair[CLOAK_PAIR_CODE_TEXTBYTES];
    int rc[12];
    (void)state;

    count_start();
    cloak_identity_keypair(pk, sk);
    rc[0] = cloak_identity_keypair_from_seed(pk, sk, seed);
    cloak_encryption_keypair(epk, esk);
    rc[1] = cloak_encryption_keypair_from_seed(epk, esk, seed, sizeof seed);
    rc[2] = cloak_identity_sign(sig, value, sizeof value, CTX, CTX_LEN, sk);
    rc[3] = cloak_identity_verify(sig, value, sizeof value, CTX, CTX_LEN, pk);
    rc[4] = cloak_identity_verify(sig, value, sizeof value - 1U, CTX, CTX_LEN, pk); /* fails */
    cloak_identity_public_export(blob, pk);
    rc[5] = cloak_identity_public_import(bpk1, blob, sizeof blob);
    cloak_encryption_public_export(blob, epk);
    rc[6] = cloak_encryption_public_import(bpk2, blob, sizeof blob);
    rc[7] = cloak_identity_public_import(bpk1, blob, sizeof blob); /* wrong type */
    rc[8] = cloak_bundle_create(bundle, sk, epk);
    rc[9] = cloak_bundle_verify(bpk1, bpk2, bundle, sizeof bundle);
    bundle[100] ^= 1U;
    rc[10] = cloak_bundle_verify(bpk1, bpk2, bundle, sizeof bundle); /* bad signature */
    cloak_identity_fingerprint(fp, pk);
    cloak_identity_pair_code(pair, pk, id_pk);
    cloak_key_id(kid, vault_key);
    cloak_vault_key_generate(seed);
    rc[11] = cloak_blob_inspect(&(int){0}, kid, blob, sizeof blob);
    assert_nothing_allocated();

    assert_int_equal(rc[0], CLOAK_OK);
    assert_int_equal(rc[1], CLOAK_OK);
    assert_int_equal(rc[2], CLOAK_OK);
    assert_int_equal(rc[3], CLOAK_OK);
    assert_int_equal(rc[4], CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(rc[5], CLOAK_OK);
    assert_int_equal(rc[6], CLOAK_OK);
    assert_int_equal(rc[7], CLOAK_E_WRONG_TYPE);
    assert_int_equal(rc[8], CLOAK_OK);
    assert_int_equal(rc[9], CLOAK_OK);
    assert_int_equal(rc[10], CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(rc[11], CLOAK_OK);
}

static void test_text(void **state)
{
    uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES], back[CLOAK_PUBLIC_KEY_BLOBBYTES];
    char text[128];
    size_t text_len, back_len;
    int rc[4];
    (void)state;
    cloak_encryption_public_export(blob, enc_pk);

    count_start();
    rc[0] = cloak_text_encode(text, sizeof text, &text_len, blob, sizeof blob);
    rc[1] = cloak_text_decode(back, sizeof back, &back_len, text, text_len);
    text[text_len - 3U] = text[text_len - 3U] == 'A' ? 'B' : 'A';
    rc[2] = cloak_text_decode(back, sizeof back, &back_len, text, text_len); /* checksum */
    rc[3] = cloak_text_decode(back, sizeof back, &back_len, "cloak-pubkey-!!", 15); /* malformed */
    assert_nothing_allocated();

    assert_int_equal(rc[0], CLOAK_OK);
    assert_int_equal(rc[1], CLOAK_OK);
    assert_int_not_equal(rc[2], CLOAK_OK);
    assert_int_equal(rc[3], CLOAK_E_MALFORMED);
}

static void test_password_records(void **state)
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], salt[16] = {7};
    uint32_t m, t, p;
    int rc[4];
    (void)state;

    count_start();
    rc[0] = cloak_password_record_new(record, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                                      CLOAK_PASSWORD_PARALLELISM_DEFAULT);
    rc[1] = cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1);
    rc[2] = cloak_password_record_decode(salt, &m, &t, &p, record, sizeof record);
    rc[3] = cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MAX + 1U, 1, 1);
    assert_nothing_allocated();

    assert_int_equal(rc[0], CLOAK_OK);
    assert_int_equal(rc[1], CLOAK_OK);
    assert_int_equal(rc[2], CLOAK_OK);
    assert_int_equal(rc[3], CLOAK_E_BAD_PARAMS);
}

static void test_wrapping(void **state)
{
    uint8_t w[CLOAK_WRAPPED_KEYBYTES], pk[32], sk[64], xpk[32], xsk[32], exported[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    int rc[10];
    (void)state;

    count_start();
    rc[0] = cloak_identity_wrap(w, master_key, id_sk);
    rc[1] = cloak_identity_unwrap(pk, sk, master_key, w, sizeof w);
    rc[2] = cloak_encryption_wrap(w, master_key, enc_sk);
    rc[3] = cloak_encryption_unwrap(xpk, xsk, master_key, w, sizeof w);
    rc[4] = cloak_service_account_wrap(w, master_key, acct_sk);
    rc[5] = cloak_service_account_unwrap(xpk, xsk, master_key, w, sizeof w);
    w[sizeof w - 1U] ^= 1U;
    rc[6] = cloak_service_account_unwrap(xpk, xsk, master_key, w, sizeof w); /* auth */
    rc[7] = cloak_service_account_private_export(exported, acct_pk, acct_sk);
    rc[8] = cloak_service_account_private_import(xpk, xsk, exported, sizeof exported);
    rc[9] = cloak_encryption_unwrap(xpk, xsk, vault_key, w, sizeof w); /* wrong type */
    assert_nothing_allocated();

    assert_int_equal(rc[0], CLOAK_OK);
    assert_int_equal(rc[1], CLOAK_OK);
    assert_int_equal(rc[2], CLOAK_OK);
    assert_int_equal(rc[3], CLOAK_OK);
    assert_int_equal(rc[4], CLOAK_OK);
    assert_int_equal(rc[5], CLOAK_OK);
    assert_int_equal(rc[6], CLOAK_E_AUTH);
    assert_int_equal(rc[7], CLOAK_OK);
    assert_int_equal(rc[8], CLOAK_OK);
    assert_int_equal(rc[9], CLOAK_E_WRONG_TYPE);
}

static void test_vault_and_secrets(void **state)
{
    cloak_vault v, v2;
    /* 1024 bytes of value pad to 1088 (section 1.5): 64 + 1088 sealed, 1084 bytes of room to open. */
    uint8_t sealed[64U + 1088U], resealed[sizeof sealed], out[1088U - 4U];
    uint8_t index[CLOAK_BLIND_INDEXBYTES], kid[16], key2[32];
    size_t len, out_len, opened_len;
    int rc[9];
    (void)state;
    randombytes_buf(key2, sizeof key2);

    count_start();
    rc[0] = cloak_vault_init(&v, vault_key, 1, VID, VID_LEN);
    rc[1] = cloak_vault_init(&v2, key2, 2, VID, VID_LEN);
    cloak_vault_key_id(kid, &v);
    rc[2] = cloak_secret_seal(&v, sealed, sizeof sealed, &len, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);
    rc[3] = cloak_secret_open(&v, out, sizeof out, &out_len, NAME, NAME_LEN, CTX, CTX_LEN, sealed, len);
    opened_len = out_len;
    rc[4] = cloak_secret_reseal(&v, &v2, resealed, sizeof resealed, &len, NAME, NAME_LEN, CTX, CTX_LEN, sealed,
                                len);
    rc[5] = cloak_secret_open(&v, out, sizeof out, &out_len, NAME, NAME_LEN, CTX, CTX_LEN, resealed, len);
    rc[6] = cloak_secret_open(&v2, out, sizeof out, &out_len, NAME, NAME_LEN, NULL, 0, resealed, len);
    rc[7] = cloak_vault_blind_index(&v, index, NAME, NAME_LEN);
    rc[8] = cloak_secret_open(&v2, out, sizeof out - 1U, &out_len, NAME, NAME_LEN, CTX, CTX_LEN, resealed, len);
    cloak_vault_wipe(&v);
    cloak_vault_wipe(&v2);
    assert_nothing_allocated();

    assert_int_equal(cloak_secret_sealed_len(sizeof value), sizeof sealed);
    assert_int_equal(rc[0], CLOAK_OK);
    assert_int_equal(rc[1], CLOAK_OK);
    assert_int_equal(rc[2], CLOAK_OK);
    assert_int_equal(rc[3], CLOAK_OK);
    assert_int_equal(opened_len, sizeof value);
    assert_int_equal(rc[4], CLOAK_OK);
    assert_int_equal(rc[5], CLOAK_E_WRONG_KEY);
    assert_int_equal(rc[6], CLOAK_E_AUTH);
    assert_int_equal(rc[7], CLOAK_OK);
    assert_int_equal(rc[8], CLOAK_E_BUFFER_TOO_SMALL);
}

static void test_shares(void **state)
{
    uint8_t share[CLOAK_SHAREBYTES], key[32], sender[32], other_pk[32], other_sk[64];
    uint32_t epoch;
    int rc[6];
    (void)state;
    cloak_identity_keypair(other_pk, other_sk);

    count_start();
    rc[0] = cloak_share_seal(share, vault_key, 3, VID, VID_LEN, enc_pk, id_sk);
    rc[1] = cloak_share_sender(sender, share, sizeof share);
    rc[2] = cloak_share_open(key, &epoch, share, sizeof share, VID, VID_LEN, enc_pk, enc_sk, id_pk, 3);
    rc[3] = cloak_share_open(key, &epoch, share, sizeof share, VID, VID_LEN, enc_pk, enc_sk, other_pk, 1);
    rc[5] = cloak_share_open(key, &epoch, share, sizeof share, VID, VID_LEN, enc_pk, enc_sk, id_pk, 4); /* stale */
    share[sizeof share - 1U] ^= 1U;
    rc[4] = cloak_share_open(key, &epoch, share, sizeof share, VID, VID_LEN, enc_pk, enc_sk, id_pk, 1);
    assert_nothing_allocated();
    assert_int_equal(rc[5], CLOAK_E_STALE);

    assert_int_equal(rc[0], CLOAK_OK);
    assert_int_equal(rc[1], CLOAK_OK);
    assert_int_equal(rc[2], CLOAK_OK);
    assert_int_equal(rc[3], CLOAK_E_UNTRUSTED_SIGNER);
    assert_int_equal(rc[4], CLOAK_E_BAD_SIGNATURE);
}

#define ITEMS 4U
#define ITEM_VALUE 100U

static void test_batches(void **state)
{
    static const uint8_t head_hash[CLOAK_HEAD_HASHBYTES] = {9};
    cloak_batch w, r;
    /* 5 + 12 + 100 bytes of plaintext pad to 120 (section 1.5): items of 56 + 120 bytes. */
    uint8_t items[ITEMS][56U + 120U];
    uint8_t digests[ITEMS * CLOAK_BATCH_DIGESTBYTES], blob[512], signer[32], name[CLOAK_LABELBYTES_MAX];
    uint8_t tags[ITEMS * CLOAK_BATCH_TAGBYTES], out[120U];
    size_t item_len[ITEMS], blob_len, name_len, out_len, count, i;
    uint32_t index, n = 0;
    int rc[5 + 2 * ITEMS + 2];
    (void)state;
    assert_true(cloak_batch_len(VID_LEN, ITEMS) <= sizeof blob);
    assert_int_equal(cloak_batch_item_len(NAME_LEN, ITEM_VALUE), sizeof items[0]);

    count_start();
    rc[0] = cloak_batch_begin(&w, acct_pk, id_pk, VID, VID_LEN, 1, 1, head_hash, UINT64_MAX);
    for (i = 0; i < ITEMS; i++) {
        rc[5 + i] = cloak_batch_seal_item(&w, items[i], sizeof items[i], &item_len[i], &index, digests + i *
                                          CLOAK_BATCH_DIGESTBYTES, NAME, NAME_LEN, value + i, ITEM_VALUE);
    }
    rc[1] = cloak_batch_finish(&w, blob, sizeof blob, &blob_len, digests, ITEMS, id_sk);
    rc[2] = cloak_batch_count(&n, blob, blob_len);
    rc[3] = cloak_batch_verify(&r, tags, sizeof tags, blob, blob_len, VID, VID_LEN, acct_pk, acct_sk, id_pk, 1);
    rc[4] = cloak_batch_check(&r, 1, 1, 0);
    count = cloak_batch_item_count(&r);
    cloak_batch_signer(signer, &r);
    for (i = 0; i < ITEMS; i++) {
        rc[5 + ITEMS + i] = cloak_batch_open_item(&r, tags, sizeof tags, items[i], item_len[i], name, sizeof name,
                                                  &name_len, out, sizeof out, &out_len);
    }
    /* opened already: its tag is used up */
    rc[5 + 2 * ITEMS] = cloak_batch_open_item(&r, tags, sizeof tags, items[0], item_len[0], name, sizeof name,
                                              &name_len, out, sizeof out, &out_len);
    items[1][item_len[1] - 1U] ^= 1U;
    rc[5 + 2 * ITEMS + 1] = cloak_batch_open_item(&r, tags, sizeof tags, items[1], item_len[1], name, sizeof name,
                                                  &name_len, out, sizeof out, &out_len);
    cloak_batch_wipe(&r);
    cloak_batch_wipe(&w);
    assert_nothing_allocated();

    for (i = 0; i < 5 + 2 * ITEMS; i++) {
        assert_int_equal(rc[i], CLOAK_OK);
    }
    assert_int_equal(rc[5 + 2 * ITEMS], CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(rc[5 + 2 * ITEMS + 1], CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(count, ITEMS);
    assert_int_equal(n, ITEMS);
    assert_memory_equal(signer, id_pk, 32);
}

static void test_hpke(void **state)
{
    cloak_hpke_context s, r;
    uint8_t enc[32], ct[64 + 16], pt[64], e1[32], e2[32];
    int rc[9];
    (void)state;

    count_start();
    rc[0] = cloak_hpke_setup_sender(&s, enc, enc_pk, VID, VID_LEN);
    rc[1] = cloak_hpke_setup_recipient(&r, enc, enc_pk, enc_sk, VID, VID_LEN);
    rc[2] = cloak_hpke_seal(&s, ct, CTX, CTX_LEN, value, 64);
    rc[3] = cloak_hpke_open(&r, pt, CTX, CTX_LEN, ct, sizeof ct);
    rc[4] = cloak_hpke_export(&s, e1, sizeof e1, NAME, NAME_LEN);
    rc[5] = cloak_hpke_export(&r, e2, sizeof e2, NAME, NAME_LEN);
    cloak_hpke_context_wipe(&s);
    cloak_hpke_context_wipe(&r);
    rc[6] = cloak_hpke_seal_base(enc, ct, enc_pk, VID, VID_LEN, CTX, CTX_LEN, value, 64);
    rc[7] = cloak_hpke_open_base(pt, enc, enc_pk, enc_sk, VID, VID_LEN, CTX, CTX_LEN, ct, sizeof ct);
    ct[0] ^= 1U;
    rc[8] = cloak_hpke_open_base(pt, enc, enc_pk, enc_sk, VID, VID_LEN, CTX, CTX_LEN, ct, sizeof ct);
    assert_nothing_allocated();

    assert_int_equal(rc[0], CLOAK_OK);
    assert_int_equal(rc[1], CLOAK_OK);
    assert_int_equal(rc[2], CLOAK_OK);
    assert_int_equal(rc[3], CLOAK_OK);
    assert_int_equal(rc[4], CLOAK_OK);
    assert_int_equal(rc[5], CLOAK_OK);
    assert_int_equal(rc[6], CLOAK_OK);
    assert_int_equal(rc[7], CLOAK_OK);
    assert_int_equal(rc[8], CLOAK_E_AUTH);
    assert_memory_equal(e1, e2, 32);
}

/* Suite 2 (X-Wing): keys, bundles, wrapping, shares, a batch and HPKE, as the suite 1 tests above. */
static void test_xwing(void **state)
{
    static const uint8_t head_hash[CLOAK_HEAD_HASHBYTES] = {9};
    static uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], pk2[CLOAK_XWING_PUBLICKEYBYTES], apk[CLOAK_XWING_PUBLICKEYBYTES];
    static uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES], bundle[CLOAK_XWING_BUNDLEBYTES];
    static uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES], rewrapped[CLOAK_XWING_WRAPPED_KEYBYTES];
    static uint8_t account_blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES], share[CLOAK_XWING_SHAREBYTES];
    static uint8_t batch[1400], item[56U + 120U], enc[CLOAK_XWING_ENCBYTES], ct[64 + 16], pt[64];
    uint8_t sk[32], sk2[32], ask[32], seed[32] = {7}, hash[32], ipk[32], key[32], sender[32], digest[32];
    uint8_t tags[CLOAK_BATCH_TAGBYTES], name[CLOAK_LABELBYTES_MAX], out[120U], other_master[32];
    size_t batch_len, item_len, name_len, out_len;
    uint32_t suite = 0, epoch = 0, index;
    int type = 0, rc[26], i;
    cloak_batch w, r;
    cloak_hpke_context hs, hr;
    (void)state;
    memset(other_master, 0x21, sizeof other_master);
    cloak_xwing_keypair(apk, ask);

    count_start();
    cloak_xwing_keypair(pk, sk);
    rc[0] = cloak_xwing_keypair_from_seed(pk2, sk2, seed, sizeof seed);
    cloak_xwing_public_key(pk2, sk);
    rc[1] = cloak_xwing_key_hash(hash, pk);
    rc[2] = cloak_xwing_public_export(blob, pk);
    rc[3] = cloak_xwing_public_import(pk2, blob, sizeof blob);
    rc[4] = cloak_blob_suite(&suite, blob, sizeof blob);
    rc[5] = cloak_bundle_create_xwing(bundle, id_sk, pk);
    rc[6] = cloak_bundle_verify_xwing(ipk, pk2, bundle, sizeof bundle);
    rc[7] = cloak_xwing_wrap(wrapped, master_key, sk);
    rc[8] = cloak_xwing_unwrap(pk2, sk2, master_key, wrapped, sizeof wrapped);
    rc[9] = cloak_wrapped_key_public_key_xwing(pk2, &type, wrapped, sizeof wrapped);
    rc[10] = cloak_wrapped_key_rewrap_xwing(rewrapped, master_key, other_master, wrapped, sizeof wrapped);
    rc[11] = cloak_service_account_xwing_wrap(wrapped, master_key, ask);
    rc[12] = cloak_service_account_xwing_unwrap(pk2, sk2, master_key, wrapped, sizeof wrapped);
    rc[13] = cloak_service_account_xwing_private_export(account_blob, apk, ask);
    rc[14] = cloak_service_account_xwing_private_import(pk2, sk2, account_blob, sizeof account_blob);
    rc[15] = cloak_share_seal_xwing(share, vault_key, 3, VID, VID_LEN, pk, id_sk);
    rc[16] = cloak_share_sender(sender, share, sizeof share);
    rc[17] = cloak_share_open_xwing(key, &epoch, share, sizeof share, VID, VID_LEN, pk, sk, id_pk, 3);
    rc[18] = cloak_batch_begin_xwing(&w, apk, id_pk, VID, VID_LEN, 1, 1, head_hash, UINT64_MAX);
    rc[19] = cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digest, NAME, NAME_LEN, value, 100);
    rc[20] = cloak_batch_finish(&w, batch, sizeof batch, &batch_len, digest, 1, id_sk);
    rc[21] = cloak_batch_verify_xwing(&r, tags, sizeof tags, batch, batch_len, VID, VID_LEN, apk, ask, id_pk, 1);
    rc[22] = cloak_batch_check(&r, 1, 1, 0);
    rc[23] = cloak_batch_open_item(&r, tags, sizeof tags, item, item_len, name, sizeof name, &name_len, out,
                                   sizeof out, &out_len);
    rc[24] = cloak_hpke_setup_sender_xwing(&hs, enc, pk, VID, VID_LEN);
    rc[25] = cloak_hpke_setup_recipient_xwing(&hr, enc, pk, sk, VID, VID_LEN);
    cloak_hpke_context_wipe(&hs);
    cloak_hpke_context_wipe(&hr);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, pk, VID, VID_LEN, CTX, CTX_LEN, value, 64), CLOAK_OK);
    assert_int_equal(cloak_hpke_open_base_xwing(pt, enc, pk, sk, VID, VID_LEN, CTX, CTX_LEN, ct, sizeof ct), CLOAK_OK);
    share[sizeof share - 1U] ^= 1U;
    assert_int_equal(cloak_share_open_xwing(key, &epoch, share, sizeof share, VID, VID_LEN, pk, sk, id_pk, 1),
                     CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(cloak_service_account_xwing_unwrap(pk2, sk2, other_master, wrapped, sizeof wrapped),
                     CLOAK_E_WRONG_KEY);
    cloak_batch_wipe(&r);
    cloak_batch_wipe(&w);
    assert_nothing_allocated();

    for (i = 0; i < (int)(sizeof rc / sizeof rc[0]); i++) {
        assert_int_equal(rc[i], CLOAK_OK);
    }
    assert_true(suite == CLOAK_SUITE_XWING && type == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY);
    assert_true(batch_len == cloak_batch_len_xwing(VID_LEN, 1) && item_len == sizeof item && out_len == 100U);
}

/* Vault heads: create, verify, the accessors, the roster lookup and section 10.8's checks of a share,
 * a batch and a recipient's key (one member, whose key is X-Wing, in a post-quantum-only head). */
static void test_heads(void **state)
{
    static const uint8_t zero[CLOAK_HEAD_HASHBYTES] = {0};
    static uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], share[CLOAK_XWING_SHAREBYTES], head[512];
    uint8_t sk[32], kid[CLOAK_KEYIDBYTES], hash[32], entry[CLOAK_ROSTER_ENTRYBYTES], root[32], leaves[64], out[32];
    size_t head_len;
    uint32_t perms, suite;
    int rc[9], i;
    cloak_head h;
    (void)state;
    cloak_xwing_keypair(pk, sk);
    assert_int_equal(cloak_xwing_key_hash(hash, pk), CLOAK_OK);
    memcpy(kid, hash, sizeof kid);
    assert_int_equal(cloak_share_seal_xwing(share, vault_key, 1, VID, VID_LEN, pk, id_sk), CLOAK_OK);
    memset(leaves, 0x42, sizeof leaves);

    count_start();
    rc[0] = cloak_roster_entry(entry, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, CLOAK_SUITE_XWING, id_pk, kid);
    rc[1] = cloak_merkle_root(root, leaves, 1);
    rc[2] = cloak_head_create(head, sizeof head, &head_len, VID, VID_LEN, 1, kid, 1, zero, UINT64_MAX, root, 1,
                              CLOAK_VAULT_POST_QUANTUM_ONLY, entry, 1, id_sk);
    rc[3] = cloak_head_verify_first(&h, head, head_len, VID, VID_LEN, id_pk, 1);
    rc[4] = cloak_head_check(&h, 1, 1, 0);
    cloak_head_hash(out, &h);
    cloak_head_signer(out, &h);
    rc[5] = cloak_head_roster_find(&perms, &suite, kid, &h, head, head_len, CLOAK_ROSTER_MEMBER, id_pk);
    rc[6] = cloak_head_check_recipient(&h, head, head_len, id_pk, pk, sizeof pk);
    rc[7] = cloak_head_check_share(&h, head, head_len, id_pk, share, sizeof share);
    rc[8] = cloak_head_check_recipient(&h, head, head_len, id_pk, enc_pk, sizeof enc_pk);
    cloak_head_wipe(&h);
    assert_nothing_allocated();

    for (i = 0; i < 8; i++) {
        assert_int_equal(rc[i], CLOAK_OK);
    }
    assert_int_equal(rc[8], CLOAK_E_POLICY);
    assert_true(perms == CLOAK_PERMISSION_ADMIN && suite == CLOAK_SUITE_XWING);
}

/* The exception, bounded: at one lane the working memory is the only allocation. */
static void test_password_derive_one_lane(void **state)
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], salt[16] = {3}, mk[32], lk[32];
    uint8_t policy[CLOAK_PASSWORD_POLICYBYTES];
    const size_t m_bytes = (size_t)CLOAK_PASSWORD_MEMORY_KIB_MIN * 1024U;
    size_t n_alloc, n_free, big;
    int rc;
    (void)state;
    assert_int_equal(cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1), CLOAK_OK);
    /* The smallest record is below the default policy. */
    assert_int_equal(cloak_password_policy_init(policy, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN,
                                                CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1),
                     CLOAK_OK);

    count_start();
    rc = cloak_password_derive(mk, lk, (const uint8_t *)"password", 8, (const uint8_t *)"alice", 5, NULL, 0, record,
                               sizeof record, policy);
    count_stop();
    n_alloc = atomic_load(&allocations);
    n_free = atomic_load(&releases);
    big = atomic_load(&largest);

    assert_int_equal(rc, CLOAK_OK);
    assert_int_equal(n_alloc, 1);
    assert_int_equal(n_free, 1);
    assert_in_range(big, m_bytes, m_bytes + ((size_t)2 << 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_status_sizes),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_password_records),
        cmocka_unit_test(test_wrapping),
        cmocka_unit_test(test_vault_and_secrets),
        cmocka_unit_test(test_shares),
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_hpke),
        cmocka_unit_test(test_xwing),
        cmocka_unit_test(test_heads),
        cmocka_unit_test(test_password_derive_one_lane),
    };
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    {
        /* libsodium's random source used once before any counting. */
        uint8_t warm[16];
        randombytes_buf(warm, sizeof warm);
    }
    if (!counting_works()) {
        printf("1..0 # SKIP allocations are not seen here (valgrind replaces the allocator of the executable)\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, setup, NULL);
}

#endif /* NO_ALLOC_SKIP */
