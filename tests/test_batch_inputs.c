/*
 * The batch reader's inputs are read once and never written.
 *
 * cloak_batch_verify reads every byte of the caller's blob once: a blob that changes while it is
 * being verified (shared or mapped memory another party writes) cannot put an unsigned byte into the
 * reader. The test makes the change at a fixed point inside the call: it interposes libsodium's
 * crypto_auth_hmacsha256_init, which verify calls once, after the part before the manifest has been
 * read and before the signature is checked, and there rewrites the blob's head version, expiry and
 * first manifest entry. The reader must hold what the creator signed (or refuse), never the new
 * bytes.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "cloak.h"

#define VID "vault"
#define VID_LEN 5U
#define HEAD_VERSION 5U
#define EXPIRY 1000U

static uint8_t *rewrite_at; /* the blob to rewrite at the next HMAC key set-up, or NULL */
static size_t rewrite_tail; /* offset of the batch's tail fields (epoch, head version, ...), or 0 */
static size_t rewrite_manifest; /* offset of a manifest byte to flip, or 0 */

int crypto_auth_hmacsha256_init(crypto_auth_hmacsha256_state *state, const unsigned char *key, size_t keylen)
{
    typedef int (*init_fn)(crypto_auth_hmacsha256_state *, const unsigned char *, size_t);
    static init_fn real;

    if (real == NULL) {
        void *sym = dlsym(RTLD_NEXT, "crypto_auth_hmacsha256_init");
        memcpy(&real, &sym, sizeof real);
    }
    if (rewrite_at != NULL) {
        if (rewrite_tail != 0) {
            memset(rewrite_at + rewrite_tail + 4U, 0, 8);
            rewrite_at[rewrite_tail + 4U + 7U] = 99;          /* head version 99 */
            memset(rewrite_at + rewrite_tail + 44U, 0xFF, 8); /* expiry: never */
        }
        if (rewrite_manifest != 0) {
            rewrite_at[rewrite_manifest] ^= 0x01;
        }
        rewrite_at = NULL;
    }
    return real(state, key, keylen);
}

typedef struct batch_fixture {
    uint8_t creator_pk[32], creator_sk[64], account_pk[32], account_sk[32];
    uint8_t item[256], blob[600];
    size_t item_len, blob_len;
} batch_fixture;

static void make_batch(batch_fixture *f)
{
    static const uint8_t head_hash[32] = {7};
    uint8_t digest[32];
    uint32_t index;
    cloak_batch writer;

    cloak_identity_keypair(f->creator_pk, f->creator_sk);
    cloak_encryption_keypair(f->account_pk, f->account_sk);
    assert_int_equal(cloak_batch_begin(&writer, f->account_pk, f->creator_pk, (const uint8_t *)VID, VID_LEN, 1,
                                       HEAD_VERSION, head_hash, EXPIRY),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&writer, f->item, sizeof f->item, &f->item_len, &index, digest,
                                           (const uint8_t *)"DB", 2, (const uint8_t *)"pw", 2),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&writer, f->blob, sizeof f->blob, &f->blob_len, digest, 1, f->creator_sk),
                     CLOAK_OK);
}

static int verify(cloak_batch *reader, uint8_t tags[16], const batch_fixture *f)
{
    return cloak_batch_verify(reader, tags, 16, f->blob, f->blob_len, (const uint8_t *)VID, VID_LEN, f->account_pk,
                              f->account_sk, f->creator_pk, 1);
}

/* The fields before the manifest change inside the call: the reader holds the signed ones. */
static void test_fields_changed_during_verify(void **state)
{
    batch_fixture f;
    cloak_batch reader;
    uint8_t tags[16];
    (void)state;

    make_batch(&f);
    rewrite_tail = 101U + VID_LEN; /* docs/protocol.md 9.1: the tail starts at 101 + L */
    rewrite_manifest = 0;
    rewrite_at = f.blob;
    assert_int_equal(verify(&reader, tags, &f), CLOAK_OK);
    assert_null(rewrite_at); /* the rewrite happened inside the call */
    assert_int_equal(cloak_batch_head_version(&reader), HEAD_VERSION);
    assert_int_equal(cloak_batch_expiry(&reader), EXPIRY);
    assert_int_equal(cloak_batch_check(&reader, 1, HEAD_VERSION + 1U, 0), CLOAK_E_STALE);
    assert_int_equal(cloak_batch_check(&reader, 1, 1, EXPIRY + 1U), CLOAK_E_EXPIRED);
    /* The blob as it is now was never signed. */
    assert_int_equal(verify(&reader, tags, &f), CLOAK_E_BAD_SIGNATURE);
}

/* A manifest entry changes inside the call: either the signature covers what was read, or the
 * change is refused; the genuine item opens only if the reader was verified. */
static void test_manifest_changed_during_verify(void **state)
{
    batch_fixture f;
    cloak_batch reader;
    uint8_t tags[16], name[CLOAK_LABELBYTES_MAX], value[256];
    size_t name_len, value_len;
    int rc;
    (void)state;

    make_batch(&f);
    rewrite_tail = 0;
    rewrite_manifest = 157U + VID_LEN; /* the manifest starts at 157 + L */
    rewrite_at = f.blob;
    rc = verify(&reader, tags, &f);
    assert_null(rewrite_at);
    if (rc == CLOAK_OK) {
        assert_int_equal(cloak_batch_check(&reader, 1, 1, 0), CLOAK_OK);
        assert_int_equal(cloak_batch_open_item(&reader, tags, sizeof tags, f.item, f.item_len, name, sizeof name,
                                               &name_len, value, sizeof value, &value_len),
                         CLOAK_OK);
        assert_memory_equal(value, "pw", 2);
    } else {
        assert_int_equal(rc, CLOAK_E_BAD_SIGNATURE);
    }
}

/* An output placed inside an input is refused, and the input is left as it was (clearing the output,
 * as other failures do, would write into it). */
static void test_overlap_leaves_inputs(void **state)
{
    batch_fixture f;
    cloak_batch reader;
    uint8_t blob_copy[600], item_copy[256], tags[16], name[CLOAK_LABELBYTES_MAX];
    size_t value_len;
    (void)state;

    make_batch(&f);
    memcpy(blob_copy, f.blob, f.blob_len);
    memcpy(item_copy, f.item, f.item_len);
    assert_int_equal(cloak_batch_count((uint32_t *)(void *)(f.blob + 24), f.blob, f.blob_len), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_sender(f.blob + 40, f.blob, f.blob_len), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_item_index((uint32_t *)(void *)(f.item + 24), f.item, f.item_len),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_batch_verify(&reader, f.blob + 100, 16, f.blob, f.blob_len, (const uint8_t *)VID, VID_LEN,
                                        f.account_pk, f.account_sk, f.creator_pk, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_memory_equal(f.blob, blob_copy, f.blob_len);
    assert_int_equal(verify(&reader, tags, &f), CLOAK_OK);
    assert_int_equal(cloak_batch_check(&reader, 1, 1, 0), CLOAK_OK);
    assert_int_equal(cloak_batch_open_item(&reader, tags, sizeof tags, f.item, f.item_len, name, sizeof name,
                                           &value_len, f.item + 40, f.item_len - 40, &value_len),
                     CLOAK_E_BAD_PARAMS);
    assert_memory_equal(f.item, item_copy, f.item_len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_changed_during_verify),
        cmocka_unit_test(test_manifest_changed_during_verify),
        cmocka_unit_test(test_overlap_leaves_inputs),
    };
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
