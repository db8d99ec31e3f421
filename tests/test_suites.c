/*
 * Suite 2 (X-Wing) objects beside suite 1 (docs/protocol.md sections 1.6, 2, 5, 6, 8, 9, 10.8): every
 * X-Wing object round-trips, a reader of one suite refuses the other's blob with
 * CLOAK_E_UNSUPPORTED_SUITE, every tampered byte of a share is refused with the output zeroed, and a
 * head's roster and policy refuse downgrades: a share or batch to a member's or account's older
 * X25519 key, and any X25519 key, share or batch in a post-quantum-only vault.
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
#include "support/bytes.h"

#define DIRTY 0xA5U
#define XPK CLOAK_XWING_PUBLICKEYBYTES
#define EXPIRY 4102444800U /* 2100-01-01 */

static const uint8_t VID[] = "pq-vault";
#define VID_LEN (sizeof VID - 1U)

typedef struct member {
    uint8_t id_pk[32], id_sk[64];
    uint8_t x_pk[32], x_sk[32];   /* an older X25519 key */
    uint8_t q_pk[XPK], q_sk[32];  /* the current X-Wing key */
} member;

typedef struct fixture {
    member alice, bob;
    uint8_t account_pk[XPK], account_sk[32];    /* an X-Wing service account */
    uint8_t old_account_pk[32], old_account_sk[32];
    uint8_t vault_key[32], vault_key_2[32];
    uint8_t master[32];
} fixture;

static void member_new(member *m)
{
    cloak_identity_keypair(m->id_pk, m->id_sk);
    cloak_encryption_keypair(m->x_pk, m->x_sk);
    cloak_xwing_keypair(m->q_pk, m->q_sk);
}

static int setup(void **state)
{
    fixture *f;
    if (cloak_init() != CLOAK_OK || (f = malloc(sizeof *f)) == NULL) {
        return -1;
    }
    member_new(&f->alice);
    member_new(&f->bob);
    cloak_xwing_keypair(f->account_pk, f->account_sk);
    cloak_encryption_keypair(f->old_account_pk, f->old_account_sk);
    cloak_vault_key_generate(f->vault_key);
    cloak_vault_key_generate(f->vault_key_2);
    cloak_vault_key_generate(f->master);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void test_keys_and_public_blobs(void **state)
{
    fixture *f = *state;
    uint8_t pk[XPK], sk[32], blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES], hash[32], id[16];
    uint8_t x_blob[CLOAK_PUBLIC_KEY_BLOBBYTES], x_pk[32];
    uint32_t suite = 0;
    int type = 0;

    cloak_xwing_public_key(pk, f->alice.q_sk);
    assert_memory_equal(pk, f->alice.q_pk, XPK);
    assert_int_equal(cloak_xwing_key_hash(hash, pk), CLOAK_OK);
    assert_int_equal(cloak_xwing_public_export(blob, pk), CLOAK_OK);
    assert_int_equal(cloak_blob_inspect(&type, id, blob, sizeof blob), CLOAK_OK);
    assert_int_equal(type, CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY);
    assert_memory_equal(id, hash, 16); /* the key id is the key hash's prefix */
    assert_int_equal(cloak_blob_suite(&suite, blob, sizeof blob), CLOAK_OK);
    assert_int_equal(suite, CLOAK_SUITE_XWING);
    memset(pk, DIRTY, sizeof pk);
    assert_int_equal(cloak_xwing_public_import(pk, blob, sizeof blob), CLOAK_OK);
    assert_memory_equal(pk, f->alice.q_pk, XPK);

    /* A reader of one suite refuses the other's blob. */
    assert_int_equal(cloak_encryption_public_import(x_pk, blob, sizeof blob), CLOAK_E_UNSUPPORTED_SUITE);
    assert_true(all_zero(x_pk, sizeof x_pk));
    cloak_encryption_public_export(x_blob, f->alice.x_pk);
    assert_int_equal(cloak_xwing_public_import(pk, x_blob, sizeof x_blob), CLOAK_E_UNSUPPORTED_SUITE);
    assert_true(all_zero(pk, sizeof pk));

    /* An ML-KEM coefficient of 4095 (>= q): refused at export and at import (FIPS 203 7.2). */
    memcpy(pk, f->alice.q_pk, XPK);
    pk[0] = 0xff;
    pk[1] |= 0x0f;
    assert_int_equal(cloak_xwing_public_export(blob, pk), CLOAK_E_MALFORMED);
    assert_true(all_zero(blob, sizeof blob));
    assert_int_equal(cloak_xwing_key_hash(hash, pk), CLOAK_E_MALFORMED);
    /* An X25519 half of small order (u = 0). */
    memcpy(pk, f->alice.q_pk, XPK);
    memset(pk + 1184, 0, 32);
    assert_int_equal(cloak_xwing_public_export(blob, pk), CLOAK_E_INVALID_KEY);

    /* Suite 2 in a type that only has suite 1 (a secret). */
    blob[0] = 2;
    blob[1] = CLOAK_TYPE_SECRET;
    blob[2] = 0;
    blob[3] = 2;
    assert_int_equal(cloak_blob_suite(&suite, blob, sizeof blob), CLOAK_E_UNSUPPORTED_SUITE);

    /* DeriveKeyPair: the same seed, the same pair; another seed, another pair. */
    const uint8_t seed[32] = {1, 2, 3};
    assert_int_equal(cloak_xwing_keypair_from_seed(pk, sk, seed, sizeof seed), CLOAK_OK);
    uint8_t pk2[XPK], sk2[32];
    assert_int_equal(cloak_xwing_keypair_from_seed(pk2, sk2, seed, sizeof seed), CLOAK_OK);
    assert_memory_equal(pk, pk2, XPK);
    assert_memory_equal(sk, sk2, 32);
    assert_int_equal(cloak_xwing_keypair_from_seed(pk2, sk2, seed, 31), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(pk2, sizeof pk2) && all_zero(sk2, sizeof sk2));
}

static void test_bundles(void **state)
{
    fixture *f = *state;
    uint8_t bundle[CLOAK_XWING_BUNDLEBYTES], id_pk[32], q_pk[XPK], x_pk[32];
    size_t i;

    assert_int_equal(cloak_bundle_create_xwing(bundle, f->alice.id_sk, f->alice.q_pk), CLOAK_OK);
    assert_int_equal(cloak_bundle_verify_xwing(id_pk, q_pk, bundle, sizeof bundle), CLOAK_OK);
    assert_memory_equal(id_pk, f->alice.id_pk, 32);
    assert_memory_equal(q_pk, f->alice.q_pk, XPK);
    assert_int_equal(cloak_bundle_verify(id_pk, x_pk, bundle, sizeof bundle), CLOAK_E_UNSUPPORTED_SUITE);
    /* Every byte matters. */
    for (i = 0; i < sizeof bundle; i += (i < 64 || i > 1260) ? 1U : 37U) {
        bundle[i] ^= 0x01;
        memset(q_pk, DIRTY, sizeof q_pk);
        assert_int_not_equal(cloak_bundle_verify_xwing(id_pk, q_pk, bundle, sizeof bundle), CLOAK_OK);
        assert_true(all_zero(q_pk, sizeof q_pk) && all_zero(id_pk, sizeof id_pk));
        bundle[i] ^= 0x01;
    }
    assert_int_equal(cloak_bundle_verify_xwing(id_pk, q_pk, bundle, sizeof bundle - 1), CLOAK_E_MALFORMED);
}

static void test_wrapped_and_exported(void **state)
{
    fixture *f = *state;
    uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES], rewrapped[CLOAK_XWING_WRAPPED_KEYBYTES];
    uint8_t pk[XPK], sk[32], x_pk[32], x_sk[32], other_master[32];
    uint8_t exported[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    int type = 0;

    assert_int_equal(cloak_xwing_wrap(wrapped, f->master, f->alice.q_sk), CLOAK_OK);
    assert_int_equal(cloak_xwing_unwrap(pk, sk, f->master, wrapped, sizeof wrapped), CLOAK_OK);
    assert_memory_equal(pk, f->alice.q_pk, XPK);
    assert_memory_equal(sk, f->alice.q_sk, 32);
    assert_int_equal(cloak_encryption_unwrap(x_pk, x_sk, f->master, wrapped, sizeof wrapped), CLOAK_E_UNSUPPORTED_SUITE);
    assert_int_equal(cloak_service_account_xwing_unwrap(pk, sk, f->master, wrapped, sizeof wrapped),
                     CLOAK_E_WRONG_TYPE);
    assert_true(all_zero(pk, sizeof pk) && all_zero(sk, sizeof sk));
    assert_int_equal(cloak_wrapped_key_public_key_xwing(pk, &type, wrapped, sizeof wrapped), CLOAK_OK);
    assert_int_equal(type, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY);
    assert_memory_equal(pk, f->alice.q_pk, XPK);
    assert_int_equal(cloak_wrapped_key_public_key(x_pk, &type, wrapped, sizeof wrapped), CLOAK_E_UNSUPPORTED_SUITE);

    /* Tampered anywhere: refused, outputs zeroed. */
    wrapped[20 + 600] ^= 1U;
    assert_int_equal(cloak_xwing_unwrap(pk, sk, f->master, wrapped, sizeof wrapped), CLOAK_E_AUTH);
    assert_true(all_zero(pk, sizeof pk) && all_zero(sk, sizeof sk));
    wrapped[20 + 600] ^= 1U;

    /* Re-wrapped under a new master key, the same key comes out of it alone. */
    cloak_vault_key_generate(other_master);
    assert_int_equal(cloak_wrapped_key_rewrap_xwing(rewrapped, f->master, other_master, wrapped, sizeof wrapped),
                     CLOAK_OK);
    assert_int_equal(cloak_xwing_unwrap(pk, sk, f->master, rewrapped, sizeof rewrapped), CLOAK_E_WRONG_KEY);
    assert_int_equal(cloak_xwing_unwrap(pk, sk, other_master, rewrapped, sizeof rewrapped), CLOAK_OK);
    assert_memory_equal(sk, f->alice.q_sk, 32);

    /* A service account's key, wrapped and exported in the clear. */
    assert_int_equal(cloak_service_account_xwing_wrap(wrapped, f->master, f->account_sk), CLOAK_OK);
    assert_int_equal(cloak_service_account_xwing_unwrap(pk, sk, f->master, wrapped, sizeof wrapped), CLOAK_OK);
    assert_memory_equal(pk, f->account_pk, XPK);
    assert_int_equal(cloak_service_account_xwing_private_export(exported, f->account_pk, f->account_sk), CLOAK_OK);
    assert_int_equal(cloak_service_account_xwing_private_import(pk, sk, exported, sizeof exported), CLOAK_OK);
    assert_memory_equal(sk, f->account_sk, 32);
    assert_int_equal(cloak_service_account_private_import(x_pk, x_sk, exported, sizeof exported),
                     CLOAK_E_UNSUPPORTED_SUITE);
    assert_int_equal(cloak_service_account_xwing_private_export(exported, f->alice.q_pk, f->account_sk),
                     CLOAK_E_MISMATCH);
    assert_true(all_zero(exported, sizeof exported));
}

static void test_shares(void **state)
{
    fixture *f = *state;
    uint8_t share[CLOAK_XWING_SHAREBYTES], key[32], sender[32], x_pk_out[32];
    uint32_t epoch = 0;
    size_t i;

    assert_int_equal(cloak_share_seal_xwing(share, f->vault_key, 1, VID, VID_LEN, f->bob.q_pk, f->alice.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_share_sender(sender, share, sizeof share), CLOAK_OK);
    assert_memory_equal(sender, f->alice.id_pk, 32);
    assert_int_equal(cloak_share_open_xwing(key, &epoch, share, sizeof share, VID, VID_LEN, f->bob.q_pk, f->bob.q_sk,
                                            f->alice.id_pk, 1),
                     CLOAK_OK);
    assert_memory_equal(key, f->vault_key, 32);
    assert_int_equal(epoch, 1);
    (void)x_pk_out;
    assert_int_equal(cloak_share_open(key, &epoch, share, sizeof share, VID, VID_LEN, f->bob.x_pk, f->bob.x_sk,
                                      f->alice.id_pk, 1),
                     CLOAK_E_UNSUPPORTED_SUITE);
    assert_true(all_zero(key, sizeof key));
    /* Another recipient's X-Wing key: wrong key. */
    assert_int_equal(cloak_share_open_xwing(key, &epoch, share, sizeof share, VID, VID_LEN, f->alice.q_pk,
                                            f->alice.q_sk, f->alice.id_pk, 1),
                     CLOAK_E_WRONG_KEY);
    /* Every byte: refused, the key zeroed (the signature covers every byte but itself, and a changed
     * signature does not verify). */
    for (i = 0; i < sizeof share; i++) {
        share[i] ^= 0x10;
        memset(key, DIRTY, sizeof key);
        assert_int_not_equal(cloak_share_open_xwing(key, &epoch, share, sizeof share, VID, VID_LEN, f->bob.q_pk,
                                                    f->bob.q_sk, f->alice.id_pk, 1),
                             CLOAK_OK);
        assert_true(all_zero(key, sizeof key));
        share[i] ^= 0x10;
    }
    assert_int_equal(cloak_share_open_xwing(key, &epoch, share, sizeof share - 1, VID, VID_LEN, f->bob.q_pk,
                                            f->bob.q_sk, f->alice.id_pk, 1),
                     CLOAK_E_MALFORMED);
}

static void test_batches(void **state)
{
    fixture *f = *state;
    cloak_batch w, r;
    uint8_t head_hash[32] = {7};
    uint8_t item[256], digest[32], tags[16], name[255], value[64];
    uint8_t x_pk[32] = {9};
    size_t item_len = 0, out_len = 0, name_len = 0, value_len = 0;
    uint32_t index = 0, n = 0;
    const size_t len = cloak_batch_len_xwing(VID_LEN, 1);
    uint8_t *blob = test_alloc(len);

    assert_int_equal(len, cloak_batch_len(VID_LEN, 1) + 1088U);
    assert_int_equal(cloak_batch_begin_xwing(&w, f->account_pk, f->alice.id_pk, VID, VID_LEN, 2, 5, head_hash, EXPIRY),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_seal_item(&w, item, sizeof item, &item_len, &index, digest,
                                           (const uint8_t *)"DB_PASSWORD", 11, (const uint8_t *)"hunter2", 7),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, blob, len, &out_len, digest, 1, f->alice.id_sk), CLOAK_OK);
    assert_int_equal(out_len, len);
    assert_int_equal(cloak_batch_count(&n, blob, len), CLOAK_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cloak_batch_verify(&r, tags, sizeof tags, blob, len, VID, VID_LEN, x_pk, f->old_account_sk,
                                        f->alice.id_pk, 1),
                     CLOAK_E_UNSUPPORTED_SUITE);
    assert_int_equal(cloak_batch_verify_xwing(&r, tags, sizeof tags, blob, len, VID, VID_LEN, f->account_pk,
                                              f->account_sk, f->alice.id_pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(&r, 2, 5, EXPIRY - 1U), CLOAK_OK);
    /* An item whose suite field says 1 is not of this batch. */
    item[3] = 1;
    assert_int_equal(cloak_batch_open_item(&r, tags, sizeof tags, item, item_len, name, sizeof name, &name_len, value,
                                           sizeof value, &value_len),
                     CLOAK_E_UNSUPPORTED_SUITE);
    item[3] = 2;
    assert_int_equal(cloak_batch_open_item(&r, tags, sizeof tags, item, item_len, name, sizeof name, &name_len, value,
                                           sizeof value, &value_len),
                     CLOAK_OK);
    assert_int_equal(value_len, 7);
    assert_memory_equal(value, "hunter2", 7);
    cloak_batch_wipe(&r);
    /* The encapsulation tampered: the signature refuses it. */
    blob[36 + 500] ^= 1U;
    assert_int_equal(cloak_batch_verify_xwing(&r, tags, sizeof tags, blob, len, VID, VID_LEN, f->account_pk,
                                              f->account_sk, f->alice.id_pk, 1),
                     CLOAK_E_BAD_SIGNATURE);
    assert_true(all_zero(tags, sizeof tags));
    free(blob);
}

/* A head of version 1 or its successor, Alice (admin) and Bob (reader) with the given suites, and
 * the X-Wing service account. */
typedef struct head_pair {
    uint8_t blob[2][1024];
    size_t len[2];
    cloak_head state[2];
} head_pair;

static void roster_of(uint8_t *roster, const fixture *f, uint32_t bob_suite, uint32_t alice_suite)
{
    uint8_t entries[3][CLOAK_ROSTER_ENTRYBYTES], kid[16], key_hash[32];
    size_t a, b;

    assert_int_equal(cloak_xwing_key_hash(key_hash, alice_suite == CLOAK_SUITE_XWING ? f->alice.q_pk : f->bob.q_pk),
                     CLOAK_OK);
    if (alice_suite == CLOAK_SUITE_XWING) {
        memcpy(kid, key_hash, 16);
    } else {
        cloak_key_id(kid, f->alice.x_pk); /* any 16 bytes: a member's key id is not checked against a key */
    }
    assert_int_equal(cloak_roster_entry(entries[0], CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, alice_suite,
                                        f->alice.id_pk, kid),
                     CLOAK_OK);
    if (bob_suite == CLOAK_SUITE_XWING) {
        assert_int_equal(cloak_xwing_key_hash(key_hash, f->bob.q_pk), CLOAK_OK);
        memcpy(kid, key_hash, 16);
    } else {
        uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
        int type;
        cloak_encryption_public_export(blob, f->bob.x_pk);
        assert_int_equal(cloak_blob_inspect(&type, kid, blob, sizeof blob), CLOAK_OK);
    }
    assert_int_equal(cloak_roster_entry(entries[1], CLOAK_ROSTER_MEMBER, 0, bob_suite, f->bob.id_pk, kid), CLOAK_OK);
    assert_int_equal(cloak_xwing_key_hash(key_hash, f->account_pk), CLOAK_OK);
    assert_int_equal(cloak_roster_entry(entries[2], CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_XWING, key_hash,
                                        key_hash),
                     CLOAK_OK);
    a = memcmp(f->alice.id_pk, f->bob.id_pk, 32) < 0 ? 0 : 1;
    b = 1 - a;
    memcpy(roster + a * CLOAK_ROSTER_ENTRYBYTES, entries[0], CLOAK_ROSTER_ENTRYBYTES);
    memcpy(roster + b * CLOAK_ROSTER_ENTRYBYTES, entries[1], CLOAK_ROSTER_ENTRYBYTES);
    memcpy(roster + 2 * CLOAK_ROSTER_ENTRYBYTES, entries[2], CLOAK_ROSTER_ENTRYBYTES);
}

static int make_head(head_pair *h, int which, const fixture *f, uint32_t epoch, uint32_t policy, uint32_t bob_suite,
                     const uint8_t signer_sk[64])
{
    uint8_t roster[3 * CLOAK_ROSTER_ENTRYBYTES], kid[16], root[32], previous[32] = {0};

    roster_of(roster, f, bob_suite, CLOAK_SUITE_XWING);
    cloak_key_id(kid, epoch == 1 ? f->vault_key : f->vault_key_2);
    crypto_hash_sha256(root, NULL, 0);
    if (which == 1) {
        cloak_head_hash(previous, &h->state[0]);
    }
    return cloak_head_create(h->blob[which], sizeof h->blob[which], &h->len[which], VID, VID_LEN, epoch, kid,
                             (uint64_t)which + 1U, previous, EXPIRY, root, 0, policy, roster, 3, signer_sk);
}

static void test_heads_policy(void **state)
{
    fixture *f = *state;
    head_pair h;
    cloak_head next;

    /* Post-quantum only with Bob's X25519 key in the roster: no such head. */
    assert_int_equal(make_head(&h, 0, f, 1, CLOAK_VAULT_POST_QUANTUM_ONLY, CLOAK_SUITE_X25519, f->alice.id_sk),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(make_head(&h, 0, f, 1, 2, CLOAK_SUITE_XWING, f->alice.id_sk), CLOAK_E_BAD_PARAMS);
    /* Version 1: Bob still on X25519, no policy. */
    assert_int_equal(make_head(&h, 0, f, 1, 0, CLOAK_SUITE_X25519, f->alice.id_sk), CLOAK_OK);
    assert_int_equal(cloak_head_verify_first(&h.state[0], h.blob[0], h.len[0], VID, VID_LEN, f->alice.id_pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_head_policy(&h.state[0]), 0);
    /* Setting the policy without a new epoch is refused; with one, it holds. */
    assert_int_equal(make_head(&h, 1, f, 1, CLOAK_VAULT_POST_QUANTUM_ONLY, CLOAK_SUITE_XWING, f->alice.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_head_verify_next(&next, &h.state[0], h.blob[0], h.len[0], h.blob[1], h.len[1]),
                     CLOAK_E_MISMATCH);
    assert_int_equal(make_head(&h, 1, f, 2, CLOAK_VAULT_POST_QUANTUM_ONLY, CLOAK_SUITE_XWING, f->alice.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_head_verify_next(&h.state[1], &h.state[0], h.blob[0], h.len[0], h.blob[1], h.len[1]),
                     CLOAK_OK);
    assert_int_equal(cloak_head_policy(&h.state[1]), CLOAK_VAULT_POST_QUANTUM_ONLY);
    /* Bob has no admin right: he cannot sign the change. */
    assert_int_equal(make_head(&h, 1, f, 2, CLOAK_VAULT_POST_QUANTUM_ONLY, CLOAK_SUITE_XWING, f->bob.id_sk), CLOAK_OK);
    assert_int_equal(cloak_head_verify_next(&next, &h.state[0], h.blob[0], h.len[0], h.blob[1], h.len[1]),
                     CLOAK_E_UNTRUSTED_SIGNER);
}

static void test_downgrade_checks(void **state)
{
    fixture *f = *state;
    head_pair h;
    uint8_t x_share[CLOAK_SHAREBYTES], q_share[CLOAK_XWING_SHAREBYTES];
    uint8_t head_hash[32] = {0}, digest[32];
    cloak_batch w;
    size_t out_len = 0;
    const size_t q_len = cloak_batch_len_xwing(VID_LEN, 0), x_len = cloak_batch_len(VID_LEN, 0);
    uint8_t *q_batch = test_alloc(q_len), *x_batch = test_alloc(x_len);
    uint32_t perms = 9, suite = 9;
    uint8_t kid[16];

    /* Version 1 names Bob's X25519 key; version 2 (epoch 2, post-quantum only) his X-Wing key. */
    assert_int_equal(make_head(&h, 0, f, 1, 0, CLOAK_SUITE_X25519, f->alice.id_sk), CLOAK_OK);
    assert_int_equal(cloak_head_verify_first(&h.state[0], h.blob[0], h.len[0], VID, VID_LEN, f->alice.id_pk, 1),
                     CLOAK_OK);
    assert_int_equal(make_head(&h, 1, f, 2, CLOAK_VAULT_POST_QUANTUM_ONLY, CLOAK_SUITE_XWING, f->alice.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_head_verify_next(&h.state[1], &h.state[0], h.blob[0], h.len[0], h.blob[1], h.len[1]),
                     CLOAK_OK);
    assert_int_equal(cloak_head_roster_find(&perms, &suite, kid, &h.state[1], h.blob[1], h.len[1],
                                            CLOAK_ROSTER_MEMBER, f->bob.id_pk),
                     CLOAK_OK);
    assert_int_equal(suite, CLOAK_SUITE_XWING);
    assert_int_equal(perms, 0);

    /* Before sealing. */
    assert_int_equal(cloak_head_check_recipient(&h.state[0], h.blob[0], h.len[0], f->bob.id_pk, f->bob.x_pk, 32),
                     CLOAK_OK);
    assert_int_equal(cloak_head_check_recipient(&h.state[0], h.blob[0], h.len[0], f->bob.id_pk, f->bob.q_pk, XPK),
                     CLOAK_E_MISMATCH);
    assert_int_equal(cloak_head_check_recipient(&h.state[1], h.blob[1], h.len[1], f->bob.id_pk, f->bob.q_pk, XPK),
                     CLOAK_OK);
    assert_int_equal(cloak_head_check_recipient(&h.state[1], h.blob[1], h.len[1], f->bob.id_pk, f->bob.x_pk, 32),
                     CLOAK_E_POLICY);
    assert_int_equal(cloak_head_check_recipient(&h.state[1], h.blob[1], h.len[1], NULL, f->account_pk, XPK), CLOAK_OK);
    assert_int_equal(cloak_head_check_recipient(&h.state[1], h.blob[1], h.len[1], NULL, f->bob.q_pk, XPK),
                     CLOAK_E_MISMATCH);
    assert_int_equal(cloak_head_check_recipient(&h.state[1], h.blob[1], h.len[1], f->bob.id_pk, f->bob.q_pk, 33),
                     CLOAK_E_BAD_PARAMS);
    /* Bytes of another head than the verified one. */
    assert_int_equal(cloak_head_check_recipient(&h.state[1], h.blob[0], h.len[0], f->bob.id_pk, f->bob.q_pk, XPK),
                     CLOAK_E_MISMATCH);

    /* After receiving: a share to Bob's older X25519 key, and one of another epoch. */
    assert_int_equal(cloak_share_seal(x_share, f->vault_key_2, 2, VID, VID_LEN, f->bob.x_pk, f->alice.id_sk), CLOAK_OK);
    assert_int_equal(cloak_head_check_share(&h.state[1], h.blob[1], h.len[1], f->bob.id_pk, x_share, sizeof x_share),
                     CLOAK_E_POLICY);
    assert_int_equal(cloak_head_check_share(&h.state[0], h.blob[0], h.len[0], f->bob.id_pk, x_share, sizeof x_share),
                     CLOAK_E_MISMATCH); /* right key, epoch 2 against the head's 1 */
    assert_int_equal(cloak_share_seal_xwing(q_share, f->vault_key_2, 2, VID, VID_LEN, f->bob.q_pk, f->alice.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_head_check_share(&h.state[1], h.blob[1], h.len[1], f->bob.id_pk, q_share, sizeof q_share),
                     CLOAK_OK);
    assert_int_equal(cloak_head_check_share(&h.state[0], h.blob[0], h.len[0], f->bob.id_pk, q_share, sizeof q_share),
                     CLOAK_E_MISMATCH); /* the roster of version 1 names Bob's X25519 key */
    assert_int_equal(cloak_head_check_share(&h.state[1], h.blob[1], h.len[1], f->alice.id_pk, q_share, sizeof q_share),
                     CLOAK_E_MISMATCH); /* Alice's entry names her own key */

    /* Batches: the X-Wing account's, and one to an X25519 account the roster lacks. */
    assert_int_equal(cloak_batch_begin_xwing(&w, f->account_pk, f->alice.id_pk, VID, VID_LEN, 2, 2, head_hash, EXPIRY),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, q_batch, q_len, &out_len, digest, 0, f->alice.id_sk), CLOAK_OK);
    assert_int_equal(cloak_head_check_batch(&h.state[1], h.blob[1], h.len[1], q_batch, q_len), CLOAK_OK);
    assert_int_equal(cloak_head_check_batch(&h.state[0], h.blob[0], h.len[0], q_batch, q_len), CLOAK_E_MISMATCH);
    assert_int_equal(cloak_batch_begin(&w, f->old_account_pk, f->alice.id_pk, VID, VID_LEN, 2, 2, head_hash, EXPIRY),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_finish(&w, x_batch, x_len, &out_len, digest, 0, f->alice.id_sk), CLOAK_OK);
    assert_int_equal(cloak_head_check_batch(&h.state[1], h.blob[1], h.len[1], x_batch, x_len), CLOAK_E_POLICY);
    assert_int_equal(cloak_head_check_batch(&h.state[0], h.blob[0], h.len[0], x_batch, x_len), CLOAK_E_MISMATCH);
    assert_int_equal(cloak_head_check_batch(&h.state[1], h.blob[1], h.len[1], q_batch, q_len - 1), CLOAK_E_MALFORMED);
    free(q_batch);
    free(x_batch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_and_public_blobs), cmocka_unit_test(test_bundles),
        cmocka_unit_test(test_wrapped_and_exported),  cmocka_unit_test(test_shares),
        cmocka_unit_test(test_batches),               cmocka_unit_test(test_heads_policy),
        cmocka_unit_test(test_downgrade_checks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
