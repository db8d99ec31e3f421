/*
 * Vault heads and the Merkle commitment (docs/protocol.md section 10): a chain of heads as a server
 * could serve it (a fork, an epoch that jumps or falls, a version gap, an older head, a head signed
 * by a removed member or by a writer that changes the roster, an expired head), every parser
 * refusal (each re-signed, so that the parser and not the signature refuses it), a copied state,
 * the streamed signature against libsodium's, and the tree against a reference written here from
 * RFC 9162: inclusion and absence proofs, an omitted secret and a resurrected one.
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
#include "head_format.h"
#include "support/bytes.h"

#define DIRTY 0xA5U
#define EXPIRY 2000000000U

static const uint8_t VID[] = "team-vault";
#define VID_LEN (sizeof VID - 1U)

typedef struct member {
    uint8_t id_pk[32];
    uint8_t id_sk[64];
    uint8_t enc_pk[32];
    uint8_t enc_sk[32];
    uint8_t enc_id[16];
} member;

/* A head's inputs, changed field by field by the tests. */
typedef struct head_spec {
    uint32_t epoch;
    uint8_t key_id[16];
    uint64_t version;
    uint8_t previous[32];
    uint64_t expiry;
    uint8_t root[32];
    uint32_t leaf_count;
    uint8_t roster[8 * CLOAK_ROSTER_ENTRYBYTES];
    size_t roster_count;
} head_spec;

typedef struct blob {
    uint8_t *p;
    size_t len;
} blob;

typedef struct fixture {
    member alice;   /* admin */
    member bob;     /* writer */
    member carol;   /* admin */
    member mallory; /* writer, removed at version 2 */
    member outsider;
    uint8_t account_pk[32];
    uint8_t account_id[16];
    uint8_t key_id_1[16];
    uint8_t key_id_2[16];
} fixture;

static void member_new(member *m)
{
    crypto_sign_keypair(m->id_pk, m->id_sk);
    randombytes_buf(m->enc_sk, 32);
    crypto_scalarmult_base(m->enc_pk, m->enc_sk);
    randombytes_buf(m->enc_id, 16);
}

static int setup(void **state)
{
    fixture *f;
    uint8_t sk[32];
    if (cloak_init() != CLOAK_OK) {
        return -1;
    }
    f = test_alloc(sizeof *f);
    member_new(&f->alice);
    member_new(&f->bob);
    member_new(&f->carol);
    member_new(&f->mallory);
    member_new(&f->outsider);
    randombytes_buf(sk, sizeof sk);
    crypto_scalarmult_base(f->account_pk, sk);
    /* The account's key id, from section 1.2, computed here. */
    {
        uint8_t h[32];
        const char *label = "libcloak v2 public key id";
        const uint8_t ll = (uint8_t)strlen(label);
        crypto_hash_sha256_state hs;
        crypto_hash_sha256_init(&hs);
        crypto_hash_sha256_update(&hs, &ll, 1);
        crypto_hash_sha256_update(&hs, (const uint8_t *)label, ll);
        crypto_hash_sha256_update(&hs, f->account_pk, 32);
        crypto_hash_sha256_final(&hs, h);
        memcpy(f->account_id, h, 16);
    }
    randombytes_buf(f->key_id_1, 16);
    randombytes_buf(f->key_id_2, 16);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Building heads
 * ---------------------------------------------------------------------------------------------- */

typedef struct roster_member {
    const member *m;
    uint32_t permissions;
} roster_member;

static int entry_order(const void *a, const void *b)
{
    const uint8_t *x = a;
    const uint8_t *y = b;
    if (x[0] != y[0]) {
        return x[0] < y[0] ? -1 : 1;
    }
    return memcmp(x + ROSTER_OFF_PUBLIC_KEY, y + ROSTER_OFF_PUBLIC_KEY, 32);
}

/* A sorted roster of the given members and, if with_account, the service account. */
static void roster_set(head_spec *s, const fixture *f, const roster_member *members, size_t count, int with_account)
{
    size_t i;
    s->roster_count = 0;
    for (i = 0; i < count; i++) {
        assert_int_equal(cloak_roster_entry(s->roster + s->roster_count * CLOAK_ROSTER_ENTRYBYTES, CLOAK_ROSTER_MEMBER,
                                            members[i].permissions, CLOAK_SUITE_X25519, members[i].m->id_pk, members[i].m->enc_id),
                         CLOAK_OK);
        s->roster_count++;
    }
    if (with_account) {
        assert_int_equal(cloak_roster_entry(s->roster + s->roster_count * CLOAK_ROSTER_ENTRYBYTES,
                                            CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_X25519, f->account_pk, f->account_id),
                         CLOAK_OK);
        s->roster_count++;
    }
    qsort(s->roster, s->roster_count, CLOAK_ROSTER_ENTRYBYTES, entry_order);
}

/* Version 1: alice and carol admins, bob and mallory writers, the account; no secrets. */
static void spec_first(head_spec *s, const fixture *f)
{
    const roster_member members[] = {{&f->alice, CLOAK_PERMISSION_ADMIN | CLOAK_PERMISSION_WRITE},
                                     {&f->bob, CLOAK_PERMISSION_WRITE},
                                     {&f->carol, CLOAK_PERMISSION_ADMIN},
                                     {&f->mallory, CLOAK_PERMISSION_WRITE}};
    memset(s, 0, sizeof *s);
    s->epoch = 1;
    memcpy(s->key_id, f->key_id_1, 16);
    s->version = 1;
    s->expiry = EXPIRY;
    crypto_hash_sha256(s->root, NULL, 0);
    roster_set(s, f, members, 4, 1);
}

static blob head_make(const head_spec *s, const member *signer)
{
    blob b;
    const size_t len = cloak_head_len(VID_LEN, s->roster_count);
    assert_true(len > 0U);
    b.p = test_alloc(len);
    assert_int_equal(cloak_head_create(b.p, len, &b.len, VID, VID_LEN, s->epoch, s->key_id, s->version, s->previous,
                                       s->expiry, s->root, s->leaf_count, 0, s->roster, s->roster_count, signer->id_sk),
                     CLOAK_OK);
    assert_int_equal(b.len, len);
    return b;
}

/* The successor spec of a verified head: same fields, version + 1, chained. */
static void spec_next(head_spec *s, const cloak_head *h)
{
    s->version = cloak_head_version(h) + 1U;
    cloak_head_hash(s->previous, h);
}

static void verify_first_ok(cloak_head *h, const blob *b, const member *trusted)
{
    assert_int_equal(cloak_head_verify_first(h, b->p, b->len, VID, VID_LEN, trusted->id_pk, 1), CLOAK_OK);
}

static void verify_next_is(const cloak_head *cur, const blob *cur_blob, const blob *next, int expect)
{
    cloak_head n;
    memset(&n, DIRTY, sizeof n);
    assert_int_equal(cloak_head_verify_next(&n, cur, cur_blob->p, cur_blob->len, next->p, next->len), expect);
    if (expect != CLOAK_OK) {
        assert_true(all_zero(&n, sizeof n));
    }
}

/* Re-signs a head in place with a signer, whatever its fields: the tests of the parser show that
 * a refused head is refused for its fields, not its signature. */
static void resign(blob *b, const member *signer)
{
    assert_true(b->len >= 96U);
    memcpy(b->p + b->len - 96U, signer->id_pk, 32);
    assert_int_equal(cloak__sign_labeled_long(b->p + b->len - 64U, "libcloak v2 head", b->p, b->len - 64U,
                                              signer->id_sk),
                     CLOAK_OK);
}

/* ------------------------------------------------------------------------------------------------
 * Heads
 * ---------------------------------------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    fixture *f = *state;
    head_spec s;
    cloak_head h;
    uint8_t out[32];
    uint8_t kid[16];
    uint32_t perms, suite;

    spec_first(&s, f);
    blob b = head_make(&s, &f->alice);
    assert_int_equal(b.p[0], 0x02);
    assert_int_equal(b.p[1], CLOAK_TYPE_VAULT_HEAD);
    assert_memory_equal(b.p + 4, f->key_id_1, 16);
    verify_first_ok(&h, &b, &f->alice);
    assert_int_equal(cloak_head_version(&h), 1);
    assert_int_equal(cloak_head_epoch(&h), 1);
    assert_int_equal(cloak_head_expiry(&h), EXPIRY);
    assert_int_equal(cloak_head_leaf_count(&h), 0);
    cloak_head_signer(out, &h);
    assert_memory_equal(out, f->alice.id_pk, 32);
    cloak_head_vault_key_id(kid, &h);
    assert_memory_equal(kid, f->key_id_1, 16);
    cloak_head_merkle_root(out, &h);
    assert_memory_equal(out, s.root, 32);

    /* The hash of section 10.3, computed here. */
    {
        uint8_t expect[32];
        const char *label = "libcloak v2 head hash";
        const uint8_t ll = (uint8_t)strlen(label);
        crypto_hash_sha256_state hs;
        crypto_hash_sha256_init(&hs);
        crypto_hash_sha256_update(&hs, &ll, 1);
        crypto_hash_sha256_update(&hs, (const uint8_t *)label, ll);
        crypto_hash_sha256_update(&hs, b.p, b.len);
        crypto_hash_sha256_final(&hs, expect);
        cloak_head_hash(out, &h);
        assert_memory_equal(out, expect, 32);
    }
    /* The signature is Ed25519 over lp8(label) || signer || content, checked with libsodium. */
    {
        const char *label = "libcloak v2 head";
        const size_t ll = strlen(label);
        uint8_t *msg = test_alloc(1 + ll + 32 + b.len - 64);
        msg[0] = (uint8_t)ll;
        memcpy(msg + 1, label, ll);
        memcpy(msg + 1 + ll, f->alice.id_pk, 32);
        memcpy(msg + 1 + ll + 32, b.p, b.len - 64);
        assert_int_equal(crypto_sign_verify_detached(b.p + b.len - 64, msg, 1 + ll + 32 + b.len - 64, f->alice.id_pk), 0);
        free(msg);
    }

    assert_int_equal(cloak_head_check(&h, 1, 1, EXPIRY), CLOAK_OK);
    assert_int_equal(cloak_head_roster_find(&perms, &suite, kid, &h, b.p, b.len, CLOAK_ROSTER_MEMBER, f->bob.id_pk), CLOAK_OK);
    assert_int_equal(perms, CLOAK_PERMISSION_WRITE);
    assert_memory_equal(kid, f->bob.enc_id, 16);
    assert_int_equal(cloak_head_roster_find(&perms, &suite, kid, &h, b.p, b.len, CLOAK_ROSTER_SERVICE_ACCOUNT, f->account_pk),
                     CLOAK_OK);
    assert_int_equal(perms, 0);
    assert_memory_equal(kid, f->account_id, 16);
    memset(kid, DIRTY, sizeof kid);
    assert_int_equal(cloak_head_roster_find(&perms, &suite, kid, &h, b.p, b.len, CLOAK_ROSTER_MEMBER, f->outsider.id_pk),
                     CLOAK_E_MISMATCH);
    assert_true(all_zero(kid, 16));
    /* Another blob than the verified one. */
    b.p[b.len - 1] ^= 1U;
    assert_int_equal(cloak_head_roster_find(&perms, &suite, kid, &h, b.p, b.len, CLOAK_ROSTER_MEMBER, f->bob.id_pk),
                     CLOAK_E_MISMATCH);
    free(b.p);
}

static void test_first_refusals(void **state)
{
    fixture *f = *state;
    head_spec s;
    cloak_head h;
    uint8_t trusted[64];

    spec_first(&s, f);
    blob b = head_make(&s, &f->alice);
    memcpy(trusted, f->carol.id_pk, 32);
    memcpy(trusted + 32, f->alice.id_pk, 32);
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, trusted, 2), CLOAK_OK);
    memset(&h, DIRTY, sizeof h);
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, (const uint8_t *)"other", 5, trusted, 2), CLOAK_E_MISMATCH);
    assert_true(all_zero(&h, sizeof h));
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, trusted, 1), CLOAK_E_UNTRUSTED_SIGNER);
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, NULL, 0), CLOAK_E_UNTRUSTED_SIGNER);
    /* A writer of the head's own roster cannot be a reader's starting point. */
    blob w = head_make(&s, &f->bob);
    assert_int_equal(cloak_head_verify_first(&h, w.p, w.len, VID, VID_LEN, f->bob.id_pk, 1), CLOAK_E_UNTRUSTED_SIGNER);
    /* Nor an outsider, trusted or not. */
    blob o = head_make(&s, &f->outsider);
    assert_int_equal(cloak_head_verify_first(&h, o.p, o.len, VID, VID_LEN, f->outsider.id_pk, 1),
                     CLOAK_E_UNTRUSTED_SIGNER);
    /* Every signature byte. */
    for (size_t i = b.len - 64; i < b.len; i++) {
        b.p[i] ^= 0x40U;
        assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, f->alice.id_pk, 1),
                         CLOAK_E_BAD_SIGNATURE);
        b.p[i] ^= 0x40U;
    }
    /* A signed field changed. */
    b.p[65U + VID_LEN + HEAD_REL_EXPIRY + 7U] ^= 2U;
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, f->alice.id_pk, 1), CLOAK_E_BAD_SIGNATURE);
    free(b.p);
    free(w.p);
    free(o.p);
}

/* A chain: v1 by alice, v2 (secrets) by bob, v3 (removes mallory, rotates) by carol. */
static void test_chain(void **state)
{
    fixture *f = *state;
    head_spec s;
    cloak_head h1, h2, h3;

    spec_first(&s, f);
    blob b1 = head_make(&s, &f->alice);
    verify_first_ok(&h1, &b1, &f->alice);

    spec_next(&s, &h1);
    randombytes_buf(s.root, 32);
    s.leaf_count = 5;
    blob b2 = head_make(&s, &f->bob);
    assert_int_equal(cloak_head_verify_next(&h2, &h1, b1.p, b1.len, b2.p, b2.len), CLOAK_OK);
    assert_int_equal(cloak_head_version(&h2), 2);
    assert_int_equal(cloak_head_leaf_count(&h2), 5);

    const roster_member without_mallory[] = {{&f->alice, CLOAK_PERMISSION_ADMIN},
                                             {&f->bob, CLOAK_PERMISSION_WRITE},
                                             {&f->carol, CLOAK_PERMISSION_ADMIN}};
    spec_next(&s, &h2);
    roster_set(&s, f, without_mallory, 3, 1);
    s.epoch = 2;
    memcpy(s.key_id, f->key_id_2, 16);
    blob b3 = head_make(&s, &f->carol);
    assert_int_equal(cloak_head_verify_next(&h3, &h2, b2.p, b2.len, b3.p, b3.len), CLOAK_OK);
    assert_int_equal(cloak_head_epoch(&h3), 2);

    /* current_blob must be the verified bytes. */
    verify_next_is(&h2, &b1, &b3, CLOAK_E_MISMATCH);
    /* In place: next may be the current state. */
    assert_int_equal(cloak_head_verify_next(&h2, &h2, b2.p, b2.len, b3.p, b3.len), CLOAK_OK);
    assert_int_equal(cloak_head_version(&h2), 3);

    /* A head signed by the removed member. */
    spec_next(&s, &h3);
    blob m4 = head_make(&s, &f->mallory);
    verify_next_is(&h3, &b3, &m4, CLOAK_E_UNTRUSTED_SIGNER);
    /* ... which the roster before the removal would have allowed. */
    head_spec s2;
    spec_first(&s2, f);
    spec_next(&s2, &h1);
    blob m2 = head_make(&s2, &f->mallory);
    verify_next_is(&h1, &b1, &m2, CLOAK_OK);
    /* An outsider. */
    blob o4 = head_make(&s, &f->outsider);
    verify_next_is(&h3, &b3, &o4, CLOAK_E_UNTRUSTED_SIGNER);
    /* Bob may change secrets, not the roster nor the epoch. */
    blob ok4 = head_make(&s, &f->bob);
    verify_next_is(&h3, &b3, &ok4, CLOAK_OK);
    const roster_member bob_admin[] = {{&f->alice, CLOAK_PERMISSION_ADMIN},
                                       {&f->bob, CLOAK_PERMISSION_ADMIN},
                                       {&f->carol, CLOAK_PERMISSION_ADMIN}};
    head_spec s4 = s;
    roster_set(&s4, f, bob_admin, 3, 1);
    blob r4 = head_make(&s4, &f->bob);
    verify_next_is(&h3, &b3, &r4, CLOAK_E_UNTRUSTED_SIGNER);
    blob a4 = head_make(&s4, &f->alice);
    verify_next_is(&h3, &b3, &a4, CLOAK_OK);
    /* Removing the account is a roster change too. */
    s4 = s;
    roster_set(&s4, f, without_mallory, 3, 0);
    blob d4 = head_make(&s4, &f->bob);
    verify_next_is(&h3, &b3, &d4, CLOAK_E_UNTRUSTED_SIGNER);
    s4 = s;
    s4.epoch = 3;
    randombytes_buf(s4.key_id, 16);
    blob e4 = head_make(&s4, &f->bob);
    verify_next_is(&h3, &b3, &e4, CLOAK_E_UNTRUSTED_SIGNER);

    free(b1.p);
    free(b2.p);
    free(b3.p);
    free(m4.p);
    free(m2.p);
    free(o4.p);
    free(ok4.p);
    free(r4.p);
    free(a4.p);
    free(d4.p);
    free(e4.p);
}

static void test_fork_gap_stale(void **state)
{
    fixture *f = *state;
    head_spec s, fork;
    cloak_head h1, h2a, h2b;

    spec_first(&s, f);
    blob b1 = head_make(&s, &f->alice);
    verify_first_ok(&h1, &b1, &f->alice);

    /* Two successors of v1: the server shows one to each member. */
    spec_next(&s, &h1);
    fork = s;
    randombytes_buf(s.root, 32);
    s.leaf_count = 1;
    randombytes_buf(fork.root, 32);
    fork.leaf_count = 2;
    blob b2a = head_make(&s, &f->bob);
    blob b2b = head_make(&fork, &f->alice);
    assert_int_equal(cloak_head_verify_next(&h2a, &h1, b1.p, b1.len, b2a.p, b2a.len), CLOAK_OK);
    assert_int_equal(cloak_head_verify_next(&h2b, &h1, b1.p, b1.len, b2b.p, b2b.len), CLOAK_OK);
    /* Where the views meet: the member at 2a is served 2b's successor. */
    spec_next(&fork, &h2b);
    blob b3b = head_make(&fork, &f->alice);
    verify_next_is(&h2a, &b2a, &b3b, CLOAK_E_MISMATCH);
    /* The other branch of the same version: not newer. */
    verify_next_is(&h2a, &b2a, &b2b, CLOAK_E_STALE);
    /* An older head. */
    verify_next_is(&h2a, &b2a, &b1, CLOAK_E_STALE);
    /* A gap: v3 after v1. */
    verify_next_is(&h1, &b1, &b3b, CLOAK_E_MISMATCH);
    /* A version 2 chained to nothing (previous hash of another head). */
    head_spec bad = s;
    randombytes_buf(bad.previous, 32);
    blob x = head_make(&bad, &f->alice);
    verify_next_is(&h1, &b1, &x, CLOAK_E_MISMATCH);
    /* Another vault. */
    {
        head_spec o = s;
        const size_t len = cloak_head_len(5, o.roster_count);
        blob ov;
        ov.p = test_alloc(len);
        assert_int_equal(cloak_head_create(ov.p, len, &ov.len, (const uint8_t *)"other", 5, o.epoch, o.key_id, o.version,
                                           o.previous, o.expiry, o.root, o.leaf_count, 0, o.roster, o.roster_count,
                                           f->alice.id_sk),
                         CLOAK_OK);
        verify_next_is(&h1, &b1, &ov, CLOAK_E_MISMATCH);
        free(ov.p);
    }
    free(b1.p);
    free(b2a.p);
    free(b2b.p);
    free(b3b.p);
    free(x.p);
}

static void test_epochs(void **state)
{
    fixture *f = *state;
    head_spec s, t;
    cloak_head h1, h2;

    spec_first(&s, f);
    s.epoch = 5;
    blob b1 = head_make(&s, &f->alice);
    verify_first_ok(&h1, &b1, &f->alice);
    spec_next(&s, &h1);

    t = s;
    t.epoch = 7; /* jumps */
    memcpy(t.key_id, f->key_id_2, 16);
    blob j = head_make(&t, &f->alice);
    verify_next_is(&h1, &b1, &j, CLOAK_E_MISMATCH);
    t.epoch = 4; /* falls */
    blob fl = head_make(&t, &f->alice);
    verify_next_is(&h1, &b1, &fl, CLOAK_E_MISMATCH);
    t.epoch = 6; /* raised, but the same key id */
    memcpy(t.key_id, s.key_id, 16);
    blob same = head_make(&t, &f->alice);
    verify_next_is(&h1, &b1, &same, CLOAK_E_MISMATCH);
    t.epoch = 5; /* kept, but another key id */
    memcpy(t.key_id, f->key_id_2, 16);
    blob other = head_make(&t, &f->alice);
    verify_next_is(&h1, &b1, &other, CLOAK_E_MISMATCH);
    t.epoch = 6;
    blob good = head_make(&t, &f->carol);
    assert_int_equal(cloak_head_verify_next(&h2, &h1, b1.p, b1.len, good.p, good.len), CLOAK_OK);
    assert_int_equal(cloak_head_epoch(&h2), 6);

    /* Freshness. */
    assert_int_equal(cloak_head_check(&h2, 6, 2, EXPIRY), CLOAK_OK);
    assert_int_equal(cloak_head_check(&h2, 7, 2, 0), CLOAK_E_STALE);
    assert_int_equal(cloak_head_check(&h2, 6, 3, 0), CLOAK_E_STALE);
    assert_int_equal(cloak_head_check(&h2, 1, 1, (uint64_t)EXPIRY + 1U), CLOAK_E_EXPIRED);
    free(b1.p);
    free(j.p);
    free(fl.p);
    free(same.p);
    free(other.p);
    free(good.p);
}

/* A roster of 300 members: the head is signed and verified by the streamed signer (its content is
 * past the one-buffer bound), and a successor that keeps it skips no check that matters. */
static void test_large_roster(void **state)
{
    fixture *f = *state;
    const size_t count = 300;
    uint8_t *roster = test_alloc(count * CLOAK_ROSTER_ENTRYBYTES);
    uint8_t zero[32] = {0}, root[32], kid[16], hash[32];
    cloak_head h1, h2;
    size_t i, len1, len2;

    crypto_hash_sha256(root, NULL, 0);
    for (i = 0; i < count; i++) {
        uint8_t pk[32], sk[64];
        const member *m = i == 0 ? &f->alice : i == 1 ? &f->bob : NULL;
        if (m == NULL) {
            crypto_sign_keypair(pk, sk);
        } else {
            memcpy(pk, m->id_pk, 32);
        }
        assert_int_equal(cloak_roster_entry(roster + i * CLOAK_ROSTER_ENTRYBYTES, CLOAK_ROSTER_MEMBER,
                                            i == 0 ? CLOAK_PERMISSION_ADMIN : CLOAK_PERMISSION_WRITE, CLOAK_SUITE_X25519, pk, f->alice.enc_id),
                         CLOAK_OK);
    }
    qsort(roster, count, CLOAK_ROSTER_ENTRYBYTES, entry_order);
    const size_t len = cloak_head_len(VID_LEN, count);
    assert_true(len - 64U > CLOAK_SIGNED_CONTENT_MAX);
    uint8_t *b1 = test_alloc(len), *b2 = test_alloc(len);
    assert_int_equal(cloak_head_create(b1, len, &len1, VID, VID_LEN, 1, f->key_id_1, 1, zero, EXPIRY, root, 0, 0, roster,
                                       count, f->alice.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_head_verify_first(&h1, b1, len1, VID, VID_LEN, f->alice.id_pk, 1), CLOAK_OK);
    cloak_head_hash(hash, &h1);
    assert_int_equal(cloak_head_create(b2, len, &len2, VID, VID_LEN, 1, f->key_id_1, 2, hash, EXPIRY, root, 0, 0, roster,
                                       count, f->bob.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_head_verify_next(&h2, &h1, b1, len1, b2, len2), CLOAK_OK);
    uint32_t perms, suite;
    assert_int_equal(cloak_head_roster_find(&perms, &suite, kid, &h2, b2, len2, CLOAK_ROSTER_MEMBER, f->bob.id_pk), CLOAK_OK);
    assert_int_equal(perms, CLOAK_PERMISSION_WRITE);
    /* Any signed byte changed, re-chained: the streamed verifier refuses it. */
    b2[65U + VID_LEN + HEAD_REL_EXPIRY + 7U] ^= 1U;
    verify_next_is(&h1, &(blob){b1, len1}, &(blob){b2, len2}, CLOAK_E_BAD_SIGNATURE);
    b2[65U + VID_LEN + HEAD_REL_EXPIRY + 7U] ^= 1U;
    b2[len2 - 1] ^= 1U;
    verify_next_is(&h1, &(blob){b1, len1}, &(blob){b2, len2}, CLOAK_E_BAD_SIGNATURE);
    free(roster);
    free(b1);
    free(b2);
}

static void test_copied_state(void **state)
{
    fixture *f = *state;
    head_spec s;
    cloak_head h, copy;
    uint8_t out[32];
    uint8_t leaf[64] = {0};
    const uint8_t proof[5] = {0};

    spec_first(&s, f);
    blob b = head_make(&s, &f->alice);
    verify_first_ok(&h, &b, &f->alice);
    memcpy(&copy, &h, sizeof h);
    assert_int_equal(cloak_head_check(&copy, 1, 1, 0), CLOAK_E_BAD_STATE);
    assert_int_equal(cloak_head_version(&copy), 0);
    memset(out, DIRTY, sizeof out);
    cloak_head_hash(out, &copy);
    assert_true(all_zero(out, 32));
    assert_int_equal(cloak_merkle_verify_inclusion(&copy, leaf, proof, sizeof proof), CLOAK_E_BAD_STATE);
    assert_int_equal(cloak_merkle_verify_absence(&copy, leaf, proof, 1), CLOAK_E_BAD_STATE);
    spec_next(&s, &h);
    blob n = head_make(&s, &f->alice);
    verify_next_is(&copy, &b, &n, CLOAK_E_BAD_STATE);
    verify_next_is(&h, &b, &n, CLOAK_OK);
    /* Wiped, or never set up. */
    cloak_head_wipe(&h);
    assert_int_equal(cloak_head_check(&h, 1, 1, 0), CLOAK_E_BAD_STATE);
    memset(&h, 0, sizeof h);
    assert_int_equal(cloak_head_check(&h, 1, 1, 0), CLOAK_E_BAD_STATE);
    assert_int_equal(cloak_head_check(NULL, 1, 1, 0), CLOAK_E_BAD_STATE);
    free(b.p);
    free(n.p);
}

/* Every field rule of section 10.1, each on a re-signed head, so only the parser can refuse it. */
static void parse_is(fixture *f, blob *b, int expect)
{
    cloak_head h;
    resign(b, &f->alice);
    memset(&h, DIRTY, sizeof h);
    assert_int_equal(cloak_head_verify_first(&h, b->p, b->len, VID, VID_LEN, f->alice.id_pk, 1), expect);
    assert_true(all_zero(&h, sizeof h));
}

static void test_parser(void **state)
{
    fixture *f = *state;
    head_spec s;
    cloak_head h;

    spec_first(&s, f);
    blob b = head_make(&s, &f->alice);
    const size_t tail = 65U + VID_LEN;
    const size_t roster = tail + HEAD_REL_ROSTER;
    uint8_t *keep = test_alloc(b.len);
    memcpy(keep, b.p, b.len);

    /* Every truncation and one extra byte. */
    for (size_t len = 0; len < b.len; len++) {
        assert_int_equal(cloak_head_verify_first(&h, b.p, len, VID, VID_LEN, f->alice.id_pk, 1), CLOAK_E_MALFORMED);
    }
    {
        uint8_t *longer = test_alloc(b.len + 1);
        memcpy(longer, b.p, b.len);
        longer[b.len] = 0;
        assert_int_equal(cloak_head_verify_first(&h, longer, b.len + 1, VID, VID_LEN, f->alice.id_pk, 1),
                         CLOAK_E_MALFORMED);
        free(longer);
    }
    /* Header. */
    b.p[0] = 0x01;
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, f->alice.id_pk, 1),
                     CLOAK_E_UNSUPPORTED_VERSION);
    memcpy(b.p, keep, b.len);
    b.p[3] = 0x02;
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, f->alice.id_pk, 1),
                     CLOAK_E_UNSUPPORTED_SUITE);
    memcpy(b.p, keep, b.len);
    b.p[1] = CLOAK_TYPE_SECRET;
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, f->alice.id_pk, 1), CLOAK_E_WRONG_TYPE);

#define FIELD_CASE(stmt)                                                                                           \
    do {                                                                                                           \
        memcpy(b.p, keep, b.len);                                                                                  \
        stmt;                                                                                                      \
        parse_is(f, &b, CLOAK_E_MALFORMED);                                                                        \
    } while (0)
    FIELD_CASE(memset(b.p + HEAD_OFF_VERSION, 0, 8));                      /* version 0 */
    FIELD_CASE(b.p[HEAD_OFF_PREVIOUS + 31] = 1);                           /* version 1, previous set */
    FIELD_CASE(b.p[HEAD_OFF_VERSION + 7] = 2);                             /* version 2, previous zero */
    FIELD_CASE(memset(b.p + HEAD_OFF_EPOCH, 0, 4));                        /* epoch 0 */
    FIELD_CASE(b.p[HEAD_OFF_VAULT_ID] = 0);                                /* vault id length 0 */
    FIELD_CASE(b.p[HEAD_OFF_VAULT_ID] = (uint8_t)(VID_LEN + 1U));          /* vault id length off */
    FIELD_CASE(b.p[tail + HEAD_REL_ROOT] ^= 1U);                           /* no leaves, not the empty root */
    FIELD_CASE(b.p[tail + HEAD_REL_LEAF_COUNT] = 0x01; b.p[tail + HEAD_REL_LEAF_COUNT + 3] = 0x01); /* 2^24 + 1 */
    FIELD_CASE(b.p[tail + HEAD_REL_ROSTER_COUNT + 1] = 0);                 /* roster count 0 */
    FIELD_CASE(b.p[tail + HEAD_REL_ROSTER_COUNT + 1] += 1U);               /* roster count off */
    FIELD_CASE(b.p[roster + ROSTER_OFF_KIND] = 0);                         /* kind 0 */
    FIELD_CASE(b.p[roster + ROSTER_OFF_KIND] = 3);                         /* kind 3 */
    FIELD_CASE(b.p[roster + ROSTER_OFF_PERMISSIONS] |= 4U);                /* unknown permission bit */
    FIELD_CASE(memset(b.p + roster + ROSTER_OFF_PUBLIC_KEY, 0, 32); b.p[roster + ROSTER_OFF_PUBLIC_KEY] = 1); /* small order */
    FIELD_CASE(memset(b.p + roster + 3U * CLOAK_ROSTER_ENTRYBYTES + ROSTER_OFF_PUBLIC_KEY, 0xff, 32)); /* not canonical */
    /* Out of order: swap the first two entries. */
    FIELD_CASE(memcpy(b.p + roster, keep + roster + CLOAK_ROSTER_ENTRYBYTES, CLOAK_ROSTER_ENTRYBYTES);
               memcpy(b.p + roster + CLOAK_ROSTER_ENTRYBYTES, keep + roster, CLOAK_ROSTER_ENTRYBYTES));
    /* A duplicate. */
    FIELD_CASE(memcpy(b.p + roster + CLOAK_ROSTER_ENTRYBYTES, keep + roster, CLOAK_ROSTER_ENTRYBYTES));
    /* No admin: every member a writer. */
    FIELD_CASE(for (size_t i = 0; i < 4; i++) b.p[roster + i * CLOAK_ROSTER_ENTRYBYTES + 1] = CLOAK_PERMISSION_WRITE);
    /* The service account (the last entry): permissions, key id, key. */
    const size_t sa = roster + 4U * CLOAK_ROSTER_ENTRYBYTES;
    assert_int_equal(keep[sa], CLOAK_ROSTER_SERVICE_ACCOUNT);
    FIELD_CASE(b.p[sa + ROSTER_OFF_PERMISSIONS] = 1);
    FIELD_CASE(b.p[sa + ROSTER_OFF_KEY_ID] ^= 1U);
    FIELD_CASE(b.p[sa + ROSTER_OFF_PUBLIC_KEY + 31] |= 0x80U);
    FIELD_CASE(memset(b.p + sa + ROSTER_OFF_PUBLIC_KEY, 0, 32));
    FIELD_CASE(b.p[sa + ROSTER_OFF_SUITE + 1] = 3U);                        /* unknown suite */
    FIELD_CASE(b.p[tail + HEAD_REL_POLICY] = 2U);                           /* unknown policy bit */
    FIELD_CASE(b.p[tail + HEAD_REL_POLICY] = 1U);                           /* post-quantum only, X25519 keys */
#undef FIELD_CASE
    /* The unchanged head, re-signed, still passes: the cases above fail for their field alone. */
    memcpy(b.p, keep, b.len);
    resign(&b, &f->alice);
    assert_int_equal(cloak_head_verify_first(&h, b.p, b.len, VID, VID_LEN, f->alice.id_pk, 1), CLOAK_OK);
    free(keep);
    free(b.p);
}

static void test_create_refusals(void **state)
{
    fixture *f = *state;
    head_spec s;
    uint8_t out[1024];
    size_t len = 77;
    uint8_t sk[64];

    spec_first(&s, f);
    const size_t need = cloak_head_len(VID_LEN, s.roster_count);
    assert_int_equal(need, 208U + VID_LEN + 52U * s.roster_count);
    assert_int_equal(cloak_head_len(0, 1), 0);
    assert_int_equal(cloak_head_len(256, 1), 0);
    assert_int_equal(cloak_head_len(1, 0), 0);
    assert_int_equal(cloak_head_len(1, 10001), 0);
    assert_int_equal(cloak_head_len(255, 10000), 208U + 255U + 520000U);

#define CREATE_IS(expect, cap, epoch, version, prev, count, roster_count, key)                                    \
    do {                                                                                                          \
        memset(out, DIRTY, sizeof out);                                                                           \
        len = 77;                                                                                                 \
        assert_int_equal(cloak_head_create(out, cap, &len, VID, VID_LEN, epoch, s.key_id, version, prev, EXPIRY,   \
                                           s.root, count, 0, s.roster, roster_count, key),                          \
                         expect);                                                                                 \
        if ((expect) != CLOAK_OK) {                                                                               \
            assert_true(all_zero(out, cap));                                                                      \
            assert_int_equal(len, 0);                                                                             \
        }                                                                                                         \
    } while (0)
    CREATE_IS(CLOAK_OK, sizeof out, 1, 1, s.previous, 0, s.roster_count, f->alice.id_sk);
    CREATE_IS(CLOAK_E_BUFFER_TOO_SMALL, need - 1, 1, 1, s.previous, 0, s.roster_count, f->alice.id_sk);
    CREATE_IS(CLOAK_E_BAD_PARAMS, sizeof out, 0, 1, s.previous, 0, s.roster_count, f->alice.id_sk);
    CREATE_IS(CLOAK_E_BAD_PARAMS, sizeof out, 1, 0, s.previous, 0, s.roster_count, f->alice.id_sk);
    CREATE_IS(CLOAK_E_BAD_PARAMS, sizeof out, 1, 2, s.previous, 0, s.roster_count, f->alice.id_sk);
    CREATE_IS(CLOAK_E_BAD_PARAMS, sizeof out, 1, 1, s.previous, 0, 0, f->alice.id_sk);
    CREATE_IS(CLOAK_E_BAD_PARAMS, sizeof out, 1, 1, s.previous, CLOAK_MERKLE_LEAVES_MAX + 1U, s.roster_count,
              f->alice.id_sk);
    /* A secret key whose public half is not its seed's. */
    memcpy(sk, f->alice.id_sk, 64);
    memcpy(sk + 32, f->bob.id_pk, 32);
    CREATE_IS(CLOAK_E_INVALID_KEY, sizeof out, 1, 1, s.previous, 0, s.roster_count, sk);
    /* An unsorted roster. */
    {
        uint8_t tmp[CLOAK_ROSTER_ENTRYBYTES];
        memcpy(tmp, s.roster, sizeof tmp);
        memcpy(s.roster, s.roster + sizeof tmp, sizeof tmp);
        memcpy(s.roster + sizeof tmp, tmp, sizeof tmp);
        CREATE_IS(CLOAK_E_BAD_PARAMS, sizeof out, 1, 1, s.previous, 0, s.roster_count, f->alice.id_sk);
    }
#undef CREATE_IS

    /* Roster entries. */
    uint8_t e[CLOAK_ROSTER_ENTRYBYTES];
    memset(e, DIRTY, sizeof e);
    assert_int_equal(cloak_roster_entry(e, 3, 0, CLOAK_SUITE_X25519, f->alice.id_pk, f->alice.enc_id), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(e, sizeof e));
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_MEMBER, 4, CLOAK_SUITE_X25519, f->alice.id_pk, f->alice.enc_id), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_SERVICE_ACCOUNT, 1, CLOAK_SUITE_X25519, f->account_pk, f->account_id),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_X25519, f->account_pk, f->alice.enc_id),
                     CLOAK_E_BAD_PARAMS);
    uint8_t bad[32] = {1};
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_MEMBER, 0, CLOAK_SUITE_X25519, bad, f->alice.enc_id), CLOAK_E_INVALID_KEY);
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_X25519, bad, f->alice.enc_id), CLOAK_E_INVALID_KEY);
    memset(bad, 0xff, sizeof bad);
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_X25519, bad, f->alice.enc_id), CLOAK_E_MALFORMED);
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_MEMBER, 0, CLOAK_SUITE_X25519, f->alice.id_pk, f->alice.enc_id), CLOAK_OK);
    assert_int_equal(e[0], 1);
    assert_int_equal(e[1], 0);
    assert_int_equal(e[2], 0);
    assert_int_equal(e[3], CLOAK_SUITE_X25519);
    assert_memory_equal(e + 4, f->alice.id_pk, 32);
    assert_memory_equal(e + 36, f->alice.enc_id, 16);
    /* An unknown suite, and an X-Wing service account whose key id is not its key hash's prefix. */
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_MEMBER, 0, 3, f->alice.id_pk, f->alice.enc_id), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_XWING, f->account_pk, f->alice.enc_id),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_roster_entry(e, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_XWING, f->account_pk, f->account_pk),
                     CLOAK_OK);
}

/* The streamed signature is libsodium's, and its verifier applies the rules of section 1.3. */
static void test_streamed_signature(void **state)
{
    fixture *f = *state;
    uint8_t content[700];
    uint8_t sig[64], ref[64];
    uint8_t msg[1 + 16 + 32 + sizeof content];
    const char *label = "libcloak v2 head";

    for (size_t len = 0; len <= sizeof content; len += 100) {
        randombytes_buf(content, len);
        assert_int_equal(cloak__sign_labeled_stream(sig, label, content, len, f->carol.id_sk), CLOAK_OK);
        assert_int_equal(cloak__sign_labeled(ref, label, content, len, f->carol.id_sk), CLOAK_OK);
        assert_memory_equal(sig, ref, 64);
        msg[0] = 16;
        memcpy(msg + 1, label, 16);
        memcpy(msg + 17, f->carol.id_pk, 32);
        memcpy(msg + 49, content, len);
        assert_int_equal(crypto_sign_verify_detached(sig, msg, 49 + len, f->carol.id_pk), 0);
        assert_int_equal(cloak__verify_labeled_stream(sig, label, content, len, f->carol.id_pk), CLOAK_OK);
        assert_int_equal(cloak__verify_labeled_stream(sig, label, content, len, f->alice.id_pk), CLOAK_E_BAD_SIGNATURE);
        assert_int_equal(cloak__verify_labeled_stream(sig, "libcloak v2 heae", content, len, f->carol.id_pk),
                         CLOAK_E_BAD_SIGNATURE);
    }
    /* S + L: the same point equation, refused (rule 1). */
    {
        static const uint8_t order[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                          0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 0x10};
        uint8_t big[64];
        unsigned carry = 0;
        memcpy(big, sig, 64);
        for (size_t i = 0; i < 32; i++) {
            const unsigned t = (unsigned)big[32 + i] + order[i] + carry;
            big[32 + i] = (uint8_t)t;
            carry = t >> 8;
        }
        if (carry == 0U) {
            assert_int_equal(cloak__verify_labeled_stream(big, label, content, 700, f->carol.id_pk), CLOAK_E_BAD_SIGNATURE);
        }
    }
    /* A small-order R (rule 2) and a small-order key (rule 4). */
    memcpy(ref, sig, 64);
    memset(ref, 0, 32);
    ref[0] = 1;
    assert_int_equal(cloak__verify_labeled_stream(ref, label, content, 700, f->carol.id_pk), CLOAK_E_BAD_SIGNATURE);
    uint8_t one[32] = {1};
    assert_int_equal(cloak__verify_labeled_stream(sig, label, content, 700, one), CLOAK_E_BAD_SIGNATURE);
    /* Content past the one-buffer bound goes to the streamed path through the dispatchers too. */
    {
        uint8_t *big = test_alloc(5000);
        randombytes_buf(big, 5000);
        assert_int_equal(cloak__sign_labeled_long(sig, label, big, 5000, f->carol.id_sk), CLOAK_OK);
        assert_int_equal(cloak__sign_labeled_stream(ref, label, big, 5000, f->carol.id_sk), CLOAK_OK);
        assert_memory_equal(sig, ref, 64);
        assert_int_equal(cloak__verify_labeled_long(sig, label, big, 5000, f->carol.id_pk), CLOAK_OK);
        big[4999] ^= 1U;
        assert_int_equal(cloak__verify_labeled_long(sig, label, big, 5000, f->carol.id_pk), CLOAK_E_BAD_SIGNATURE);
        free(big);
    }
    /* A key with a small-order part (A + T, T of order 2): a key under the rules of section 1.3, whose
     * cofactorless equation holds when k is even. The streamed verifier must agree with
     * libsodium's on it, accepting or refusing alike. */
    {
        static const uint8_t order2[32] = {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
        uint8_t az[64], a[32], wide[64], mixed[32], r[32], k[32], ka[32], msg2[1 + 16 + 32 + 100];
        int accepted_even = 0, tries;
        crypto_hash_sha512(az, f->carol.id_sk, 32);
        az[0] &= 248U;
        az[31] &= 127U;
        az[31] |= 64U;
        memset(wide, 0, sizeof wide);
        memcpy(wide, az, 32);
        crypto_core_ed25519_scalar_reduce(a, wide);
        assert_int_equal(crypto_core_ed25519_add(mixed, f->carol.id_pk, order2), 0);
        for (tries = 0; tries < 64; tries++) {
            crypto_core_ed25519_scalar_random(r);
            assert_int_equal(crypto_scalarmult_ed25519_base_noclamp(sig, r), 0);
            msg2[0] = 16;
            memcpy(msg2 + 1, label, 16);
            memcpy(msg2 + 17, mixed, 32);
            memcpy(msg2 + 49, content, 100);
            crypto_hash_sha512_state hs;
            crypto_hash_sha512_init(&hs);
            crypto_hash_sha512_update(&hs, sig, 32);
            crypto_hash_sha512_update(&hs, mixed, 32);
            crypto_hash_sha512_update(&hs, msg2, sizeof msg2);
            crypto_hash_sha512_final(&hs, wide);
            crypto_core_ed25519_scalar_reduce(k, wide);
            crypto_core_ed25519_scalar_mul(ka, k, a);
            crypto_core_ed25519_scalar_add(sig + 32, r, ka);
            const int lib = crypto_sign_verify_detached(sig, msg2, sizeof msg2, mixed) == 0 ? CLOAK_OK
                                                                                           : CLOAK_E_BAD_SIGNATURE;
            assert_int_equal(cloak__verify_labeled_stream(sig, label, content, 100, mixed), lib);
            assert_int_equal(cloak__verify_labeled(sig, label, content, 100, mixed), lib);
            /* The equation holds exactly when k is even. */
            assert_int_equal(lib == CLOAK_OK, (k[0] & 1U) == 0U);
            accepted_even |= lib == CLOAK_OK;
        }
        assert_true(accepted_even);
    }
    /* A key whose public half is not its seed's. */
    uint8_t sk[64];
    memcpy(sk, f->carol.id_sk, 64);
    sk[40] ^= 1U;
    memset(sig, DIRTY, sizeof sig);
    assert_int_equal(cloak__sign_labeled_stream(sig, label, content, 10, sk), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(sig, 64));
}

/* ------------------------------------------------------------------------------------------------
 * Merkle tree
 * ---------------------------------------------------------------------------------------------- */

/* RFC 9162 2.1.1, written here without recursion: the reference the library is checked against. */
static void ref_mth(uint8_t out[32], const uint8_t *leaves, size_t n)
{
    if (n == 0) {
        crypto_hash_sha256(out, NULL, 0);
        return;
    }
    /* Stack of (hash, size) merged as in a binary counter: gives the RFC's left-balanced tree. */
    uint8_t stack[32][32];
    size_t sizes[32];
    size_t top = 0;
    uint8_t buf[65];
    for (size_t i = 0; i < n; i++) {
        buf[0] = 0;
        memcpy(buf + 1, leaves + i * 64, 64);
        crypto_hash_sha256(stack[top], buf, 65);
        sizes[top++] = 1;
        while (top >= 2 && sizes[top - 1] == sizes[top - 2]) {
            uint8_t node[65];
            node[0] = 1;
            memcpy(node + 1, stack[top - 2], 32);
            memcpy(node + 33, stack[top - 1], 32);
            crypto_hash_sha256(stack[top - 2], node, 65);
            sizes[top - 2] *= 2;
            top--;
        }
    }
    while (top >= 2) {
        uint8_t node[65];
        node[0] = 1;
        memcpy(node + 1, stack[top - 2], 32);
        memcpy(node + 33, stack[top - 1], 32);
        crypto_hash_sha256(stack[top - 2], node, 65);
        sizes[top - 2] += sizes[top - 1];
        top--;
    }
    memcpy(out, stack[0], 32);
}

static int leaf_order(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* n leaves with random blind indexes and digests, sorted, distinct. */
static uint8_t *leaves_new(size_t n)
{
    uint8_t *l = test_alloc(n * 64 + 1);
    randombytes_buf(l, n * 64);
    qsort(l, n, 64, leaf_order);
    for (size_t i = 1; i < n; i++) {
        assert_true(memcmp(l + (i - 1) * 64, l + i * 64, 32) < 0);
    }
    return l;
}

/* A verified head committing to a tree. */
static blob tree_head(fixture *f, cloak_head *h, const uint8_t *leaves, size_t n)
{
    head_spec s;
    spec_first(&s, f);
    assert_int_equal(cloak_merkle_root(s.root, leaves, n), CLOAK_OK);
    s.leaf_count = (uint32_t)n;
    blob b = head_make(&s, &f->alice);
    verify_first_ok(h, &b, &f->alice);
    return b;
}

static void test_merkle_root(void **state)
{
    (void)state;
    uint8_t root[32], ref[32];
    for (size_t n = 0; n <= 70; n++) {
        uint8_t *l = leaves_new(n);
        assert_int_equal(cloak_merkle_root(root, l, n), CLOAK_OK);
        ref_mth(ref, l, n);
        assert_memory_equal(root, ref, 32);
        if (n >= 2) {
            /* Not sorted, or a blind index twice. */
            memcpy(l + 64, l, 32);
            memset(root, DIRTY, sizeof root);
            assert_int_equal(cloak_merkle_root(root, l, n), CLOAK_E_BAD_PARAMS);
            assert_true(all_zero(root, 32));
            l[64 + 31] ^= 0xffU;
            if (memcmp(l + 64, l, 32) < 0) {
                assert_int_equal(cloak_merkle_root(root, l, n), CLOAK_E_BAD_PARAMS);
            }
        }
        free(l);
    }
    assert_int_equal(cloak_merkle_root(root, NULL, (size_t)CLOAK_MERKLE_LEAVES_MAX + 1U), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_merkle_root(root, NULL, 1), CLOAK_E_BAD_PARAMS);

    /* A leaf is the blind index and SHA-256 of the sealed bytes. */
    uint8_t bi[32], leaf[64], sealed[100], digest[32];
    randombytes_buf(bi, 32);
    randombytes_buf(sealed, sizeof sealed);
    cloak_merkle_leaf(leaf, bi, sealed, sizeof sealed);
    crypto_hash_sha256(digest, sealed, sizeof sealed);
    assert_memory_equal(leaf, bi, 32);
    assert_memory_equal(leaf + 32, digest, 32);
}

static void test_merkle_inclusion(void **state)
{
    fixture *f = *state;
    uint8_t proof[CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX];
    size_t len;
    cloak_head h;

    for (size_t n = 1; n <= 33; n++) {
        uint8_t *l = leaves_new(n);
        blob b = tree_head(f, &h, l, n);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(cloak_merkle_prove_inclusion(proof, sizeof proof, &len, l, n, i), CLOAK_OK);
            assert_int_equal(len % 32, 5);
            assert_int_equal(proof[4], (len - 5) / 32);
            assert_int_equal(cloak_merkle_verify_inclusion(&h, l + i * 64, proof, len), CLOAK_OK);
            /* Another leaf, a changed digest, a changed path, another index. */
            if (n > 1) {
                assert_int_equal(cloak_merkle_verify_inclusion(&h, l + ((i + 1) % n) * 64, proof, len),
                                 CLOAK_E_MISMATCH);
                proof[len - 1] ^= 1U;
                assert_int_equal(cloak_merkle_verify_inclusion(&h, l + i * 64, proof, len), CLOAK_E_MISMATCH);
                proof[len - 1] ^= 1U;
            }
            uint8_t leaf[64];
            memcpy(leaf, l + i * 64, 64);
            leaf[63] ^= 1U;
            assert_int_equal(cloak_merkle_verify_inclusion(&h, leaf, proof, len), CLOAK_E_MISMATCH);
            /* Parser: truncated, trailing, index past the count, wrong path length. */
            assert_int_equal(cloak_merkle_verify_inclusion(&h, l + i * 64, proof, len - 1), CLOAK_E_MALFORMED);
            proof[len] = 0;
            assert_int_equal(cloak_merkle_verify_inclusion(&h, l + i * 64, proof, len + 1), CLOAK_E_MALFORMED);
            proof[4] ^= 1U;
            assert_int_equal(cloak_merkle_verify_inclusion(&h, l + i * 64, proof, len), CLOAK_E_MALFORMED);
            proof[4] ^= 1U;
            proof[0] = 0x80;
            assert_int_equal(cloak_merkle_verify_inclusion(&h, l + i * 64, proof, len), CLOAK_E_MALFORMED);
        }
        memset(proof, DIRTY, sizeof proof);
        assert_int_equal(cloak_merkle_prove_inclusion(proof, sizeof proof, &len, l, n, n), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(proof, sizeof proof));
        assert_int_equal(cloak_merkle_prove_inclusion(proof, 4, &len, l, n, 0), CLOAK_E_BUFFER_TOO_SMALL);
        free(l);
        free(b.p);
    }
    /* An empty tree includes nothing. */
    blob e = tree_head(f, &h, NULL, 0);
    memset(proof, 0, 5);
    uint8_t leaf[64] = {0};
    assert_int_equal(cloak_merkle_verify_inclusion(&h, leaf, proof, 5), CLOAK_E_MALFORMED);
    free(e.p);
}

static void test_merkle_absence(void **state)
{
    fixture *f = *state;
    uint8_t proof[CLOAK_MERKLE_ABSENCE_PROOFBYTES_MAX + 1];
    size_t len;
    cloak_head h;
    uint8_t bi[32];

    /* The empty tree. */
    blob e = tree_head(f, &h, NULL, 0);
    randombytes_buf(bi, 32);
    assert_int_equal(cloak_merkle_prove_absence(proof, sizeof proof, &len, NULL, 0, bi), CLOAK_OK);
    assert_int_equal(len, 1);
    assert_int_equal(proof[0], 0);
    assert_int_equal(cloak_merkle_verify_absence(&h, bi, proof, len), CLOAK_OK);
    free(e.p);

    for (size_t n = 1; n <= 20; n++) {
        uint8_t *l = leaves_new(n);
        blob b = tree_head(f, &h, l, n);
        /* Every gap: before the first, between each pair, after the last. */
        for (size_t gap = 0; gap <= n; gap++) {
            if (gap == 0) {
                memset(bi, 0, 32);
                if (memcmp(bi, l, 32) == 0) {
                    continue;
                }
            } else if (gap == n) {
                memset(bi, 0xff, 32);
                if (memcmp(bi, l + (n - 1) * 64, 32) == 0) {
                    continue;
                }
            } else {
                /* Just above leaf gap-1: its blind index + 1 (below leaf gap with random indexes). */
                memcpy(bi, l + (gap - 1) * 64, 32);
                size_t k = 32;
                while (k-- > 0 && ++bi[k] == 0) {
                }
                if (memcmp(bi, l + gap * 64, 32) >= 0) {
                    continue;
                }
            }
            assert_int_equal(cloak_merkle_prove_absence(proof, sizeof proof, &len, l, n, bi), CLOAK_OK);
            assert_int_equal(proof[0], gap == n ? 1 : gap == 0 ? 2 : 3);
            assert_int_equal(cloak_merkle_verify_absence(&h, bi, proof, len), CLOAK_OK);
            assert_int_equal(cloak_merkle_verify_absence(&h, bi, proof, len - 1), CLOAK_E_MALFORMED);
            proof[len] = 0;
            assert_int_equal(cloak_merkle_verify_absence(&h, bi, proof, len + 1), CLOAK_E_MALFORMED);
            /* A neighbour's digest altered: its inclusion fails. */
            proof[1 + 40] ^= 1U;
            assert_int_equal(cloak_merkle_verify_absence(&h, bi, proof, len), CLOAK_E_MISMATCH);
            proof[1 + 40] ^= 1U;
        }
        /* A present blind index: no proof to make. */
        memset(proof, DIRTY, sizeof proof);
        assert_int_equal(cloak_merkle_prove_absence(proof, sizeof proof, &len, l, n, l + (n / 2) * 64), CLOAK_E_MISMATCH);
        assert_true(all_zero(proof, sizeof proof));
        /* The empty-tree shape against a tree with leaves, and an unknown shape. */
        proof[0] = 0;
        assert_int_equal(cloak_merkle_verify_absence(&h, bi, proof, 1), CLOAK_E_MISMATCH);
        proof[0] = 4;
        assert_int_equal(cloak_merkle_verify_absence(&h, bi, proof, 1), CLOAK_E_MALFORMED);
        free(l);
        free(b.p);
    }
}

/* The server drops a secret from what it serves and claims it absent; or serves an old version. */
static void test_omitted_and_resurrected(void **state)
{
    fixture *f = *state;
    const size_t n = 9;
    uint8_t *l = leaves_new(n);
    uint8_t proof[CLOAK_MERKLE_ABSENCE_PROOFBYTES_MAX];
    uint8_t inc[CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX];
    size_t len;
    size_t len2;
    cloak_head h;
    blob b = tree_head(f, &h, l, n);
    const size_t j = 4;

    /* Omitted: an absence proof made from the tree without leaf j. */
    uint8_t *dropped = test_alloc(n * 64);
    memcpy(dropped, l, j * 64);
    memcpy(dropped + j * 64, l + (j + 1) * 64, (n - j - 1) * 64);
    assert_int_equal(cloak_merkle_prove_absence(proof, sizeof proof, &len, dropped, n - 1, l + j * 64), CLOAK_OK);
    assert_int_not_equal(cloak_merkle_verify_absence(&h, l + j * 64, proof, len), CLOAK_OK);
    /* Forged: the true neighbours j-1 and j+1 of the committed tree, with their true proofs. */
    proof[0] = 3;
    size_t off = 1;
    memcpy(proof + off, l + (j - 1) * 64, 64);
    off += 64;
    assert_int_equal(cloak_merkle_prove_inclusion(proof + off, sizeof proof - off, &len2, l, n, j - 1), CLOAK_OK);
    off += len2;
    memcpy(proof + off, l + (j + 1) * 64, 64);
    off += 64;
    assert_int_equal(cloak_merkle_prove_inclusion(proof + off, sizeof proof - off, &len2, l, n, j + 1), CLOAK_OK);
    off += len2;
    assert_int_equal(cloak_merkle_verify_absence(&h, l + j * 64, proof, off), CLOAK_E_MISMATCH);

    /* Resurrected: leaf j as it was before its secret changed, with its proof in the old tree. */
    uint8_t *old = test_alloc(n * 64);
    memcpy(old, l, n * 64);
    randombytes_buf(old + j * 64 + 32, 32);
    assert_int_equal(cloak_merkle_prove_inclusion(inc, sizeof inc, &len, old, n, j), CLOAK_OK);
    assert_int_equal(cloak_merkle_verify_inclusion(&h, old + j * 64, inc, len), CLOAK_E_MISMATCH);
    assert_int_equal(cloak_merkle_prove_inclusion(inc, sizeof inc, &len, l, n, j), CLOAK_OK);
    assert_int_equal(cloak_merkle_verify_inclusion(&h, old + j * 64, inc, len), CLOAK_E_MISMATCH);
    assert_int_equal(cloak_merkle_verify_inclusion(&h, l + j * 64, inc, len), CLOAK_OK);
    free(old);
    free(dropped);
    free(l);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_first_refusals),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_fork_gap_stale),
        cmocka_unit_test(test_epochs),
        cmocka_unit_test(test_large_roster),
        cmocka_unit_test(test_copied_state),
        cmocka_unit_test(test_parser),
        cmocka_unit_test(test_create_refusals),
        cmocka_unit_test(test_streamed_signature),
        cmocka_unit_test(test_merkle_root),
        cmocka_unit_test(test_merkle_inclusion),
        cmocka_unit_test(test_merkle_absence),
        cmocka_unit_test(test_omitted_and_resurrected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
