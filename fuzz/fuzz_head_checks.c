/*
 * Downgrade and policy checks against a verified head (docs/protocol.md 10.8):
 * cloak_head_check_share(), cloak_head_check_batch() and cloak_head_check_recipient() on shares,
 * batches and keys from the server.
 *
 * Two heads are made and verified once (first heads, signed by alice):
 *   mixed (policy 0, epoch 1): alice a member whose key is X25519 (suite 1), bob a member whose key is
 *     X-Wing (suite 2), the fixed X25519 service account and the fixed X-Wing one (its roster key the
 *     key hash);
 *   post-quantum only (policy 1, epoch 2): alice and bob with their X-Wing keys, the X-Wing account.
 *
 * Input: op(1) || rest
 *   (op & 3) % 3: 0 check_share:     sel(1) || [identity(32) if sel % 3 == 2] || share
 *                              sel % 3: the recipient is 0 alice, 1 bob, 2 the identity given
 *           1 check_batch:     batch
 *           2 check_recipient: sel(1) || [identity(32) if sel % 4 == 2] || encryption public key
 *                              sel % 4: the member 0 alice, 1 bob, 2 the identity given; 3 a service
 *                              account (no identity)
 *   op bit 2: the post-quantum-only head; otherwise the mixed one
 *   op bit 3: the other head's bytes given with the state (the state's own bytes are required)
 *   op bit 4: a copy of the verified state (refused: BAD_STATE)
 *
 * Properties: the status is exactly section 10.8's, from a reference written here from
 * docs/protocol.md: the object's own checks first (a share: section 2's steps 1 to 6 in its suite, and
 * its epoch not 0 as section 8 reads it; a batch: steps 1 to 5 and section 9.1's length and field
 * rules; a key: 32 or 1216 bytes, BAD_PARAMS otherwise); then the state (BAD_STATE) and its bytes
 * (MISMATCH); the policy (POLICY for suite 1 in a post-quantum-only vault); the roster entry of the
 * member's identity, or of the service account's binding (the X25519 key, or the X-Wing key's key
 * hash), or for a batch a service account whose key id is the batch's; the entry's suite and key id
 * against the object's (MISMATCH); the epoch of a share or batch against the head's (MISMATCH).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define HEAD_CAP 2048U
#define ROSTER_MAX 4U
#define E CLOAK_ROSTER_ENTRYBYTES

typedef struct head {
    uint8_t blob[HEAD_CAP];
    size_t len;
    cloak_head state;
    uint32_t policy, epoch;
    uint8_t roster[ROSTER_MAX * E];
    size_t roster_count;
} head;

static head heads[2]; /* [0] mixed, [1] post-quantum only */

/* Section 10.2's order: kind, then the public key (bytes 4 to 36). */
static int entry_order(const void *a, const void *b)
{
    const uint8_t *x = a, *y = b;
    if (x[0] != y[0]) {
        return x[0] < y[0] ? -1 : 1;
    }
    return memcmp(x + 4, y + 4, 32);
}

static void add_member(head *h, uint32_t perms, uint32_t suite, const uint8_t identity[32], const uint8_t *enc_pk)
{
    uint8_t kid[CLOAK_KEYIDBYTES];

    fz_public_key_id_n(kid, enc_pk, suite == CLOAK_SUITE_XWING ? CLOAK_XWING_PUBLICKEYBYTES : 32U);
    FUZZ_CHECK(cloak_roster_entry(h->roster + h->roster_count * E, CLOAK_ROSTER_MEMBER, perms, suite, identity, kid) ==
               CLOAK_OK);
    h->roster_count++;
}

static void add_account(head *h, uint32_t suite, const uint8_t *pk)
{
    uint8_t binding[32];

    if (suite == CLOAK_SUITE_XWING) {
        fz_key_hash(binding, pk, CLOAK_XWING_PUBLICKEYBYTES);
    } else {
        memcpy(binding, pk, 32);
    }
    /* A service account's key id: its key's (the key hash's first 16 bytes in suite 2). */
    {
        uint8_t kid[CLOAK_KEYIDBYTES];
        fz_public_key_id_n(kid, pk, suite == CLOAK_SUITE_XWING ? CLOAK_XWING_PUBLICKEYBYTES : 32U);
        FUZZ_CHECK(cloak_roster_entry(h->roster + h->roster_count * E, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, suite, binding,
                                      kid) == CLOAK_OK);
    }
    h->roster_count++;
}

static void make_head(head *h, uint32_t policy, uint32_t epoch)
{
    const fz_keys *k = fz_keys_get();
    const uint8_t zero[32] = {0};
    uint8_t root[32], vault_kid[CLOAK_KEYIDBYTES];

    qsort(h->roster, h->roster_count, E, entry_order);
    crypto_hash_sha256(root, NULL, 0);
    memset(vault_kid, (int)epoch, sizeof vault_kid);
    h->policy = policy;
    h->epoch = epoch;
    FUZZ_CHECK(cloak_head_create(h->blob, sizeof h->blob, &h->len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, epoch,
                                 vault_kid, 1, zero, FZ_EXPIRY, root, 0, policy, h->roster, h->roster_count,
                                 k->alice_id_sk) == CLOAK_OK);
    FUZZ_CHECK(cloak_head_verify_first(&h->state, h->blob, h->len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN,
                                       k->alice_id_pk, 1) == CLOAK_OK);
    FUZZ_CHECK(cloak_head_policy(&h->state) == policy && cloak_head_epoch(&h->state) == epoch);
}

static void make_heads(void)
{
    const fz_keys *k = fz_keys_get();

    add_member(&heads[0], CLOAK_PERMISSION_ADMIN, CLOAK_SUITE_X25519, k->alice_id_pk, k->alice_enc_pk);
    add_member(&heads[0], CLOAK_PERMISSION_WRITE, CLOAK_SUITE_XWING, k->bob_id_pk, k->bob_xw_pk);
    add_account(&heads[0], CLOAK_SUITE_X25519, k->account_pk);
    add_account(&heads[0], CLOAK_SUITE_XWING, k->account_xw_pk);
    make_head(&heads[0], 0, FZ_EPOCH1);

    add_member(&heads[1], CLOAK_PERMISSION_ADMIN, CLOAK_SUITE_XWING, k->alice_id_pk, k->alice_xw_pk);
    add_member(&heads[1], CLOAK_PERMISSION_WRITE, CLOAK_SUITE_XWING, k->bob_id_pk, k->bob_xw_pk);
    add_account(&heads[1], CLOAK_SUITE_XWING, k->account_xw_pk);
    make_head(&heads[1], CLOAK_VAULT_POST_QUANTUM_ONLY, FZ_EPOCH2);
}

/* The roster entry of `kind` whose public key field is `key`, or NULL. */
static const uint8_t *roster_find(const head *h, uint8_t kind, const uint8_t key[32])
{
    size_t i;

    for (i = 0; i < h->roster_count; i++) {
        const uint8_t *e = h->roster + i * E;
        if (e[0] == kind && memcmp(e + 4, key, 32) == 0) {
            return e;
        }
    }
    return NULL;
}

/* The entry names the key of `suite` whose id is `key_id` (bytes 2-3 and 36-52). */
static int entry_names(const uint8_t *e, uint32_t suite, const uint8_t *key_id)
{
    return e != NULL && ((uint32_t)e[2] << 8 | e[3]) == suite && memcmp(e + 36, key_id, CLOAK_KEYIDBYTES) == 0;
}

/* The state and bytes the caller gives: BAD_STATE for a copy, MISMATCH for the other head's bytes. */
static int state_verdict(int copied, int other_blob)
{
    return copied ? CLOAK_E_BAD_STATE : other_blob ? CLOAK_E_MISMATCH : CLOAK_OK;
}

static int policy_admits(const head *h, uint32_t suite)
{
    return h->policy == 0 || suite == CLOAK_SUITE_XWING;
}

static int reference_share(const head *h, int state_rc, const uint8_t identity[32], const uint8_t *share, size_t len)
{
    uint32_t suite;
    int rc = fz_header_verdict_suite(share, len, CLOAK_TYPE_SHARE, 0, 0, SIZE_MAX);

    if (rc != CLOAK_OK) {
        return rc;
    }
    suite = fz_suite_of(share, len);
    if (len != (suite == CLOAK_SUITE_XWING ? CLOAK_XWING_SHAREBYTES : CLOAK_SHAREBYTES)) {
        return CLOAK_E_MALFORMED;
    }
    /* Section 10.8 names steps 1 to 6 only; the library reads the share's header as section 8 does,
     * an epoch of 0 included (MALFORMED). */
    if (fz_load32(share + 52) == 0) {
        return CLOAK_E_MALFORMED;
    }
    if (state_rc != CLOAK_OK) {
        return state_rc;
    }
    if (!policy_admits(h, suite)) {
        return CLOAK_E_POLICY;
    }
    if (!entry_names(roster_find(h, CLOAK_ROSTER_MEMBER, identity), suite, share + 4) ||
        fz_load32(share + 52) != h->epoch) {
        return CLOAK_E_MISMATCH;
    }
    return CLOAK_OK;
}

static int reference_batch(const head *h, int state_rc, const uint8_t *batch, size_t len)
{
    fz_batch_fields f;
    size_t i;
    int rc = fz_batch_layout(&f, batch, len), found = 0;

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (state_rc != CLOAK_OK) {
        return state_rc;
    }
    if (!policy_admits(h, f.suite)) {
        return CLOAK_E_POLICY;
    }
    for (i = 0; i < h->roster_count; i++) {
        const uint8_t *e = h->roster + i * E;
        found |= e[0] == CLOAK_ROSTER_SERVICE_ACCOUNT && entry_names(e, f.suite, batch + 4);
    }
    return found && f.epoch == h->epoch ? CLOAK_OK : CLOAK_E_MISMATCH;
}

static int reference_recipient(const head *h, int state_rc, const uint8_t *identity, const uint8_t *key, size_t len)
{
    const uint32_t suite = len == 32U ? CLOAK_SUITE_X25519 : len == CLOAK_XWING_PUBLICKEYBYTES ? CLOAK_SUITE_XWING : 0U;
    uint8_t key_hash[32];
    const uint8_t *e;

    if (suite == 0U) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (state_rc != CLOAK_OK) {
        return state_rc;
    }
    if (!policy_admits(h, suite)) {
        return CLOAK_E_POLICY;
    }
    /* The key id is the key hash's first 16 bytes; the binding the key itself, or its key hash. */
    fz_key_hash(key_hash, key, len);
    e = identity != NULL ? roster_find(h, CLOAK_ROSTER_MEMBER, identity)
                         : roster_find(h, CLOAK_ROSTER_SERVICE_ACCOUNT, suite == CLOAK_SUITE_XWING ? key_hash : key);
    return entry_names(e, suite, key_hash) ? CLOAK_OK : CLOAK_E_MISMATCH;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fz_keys *k = fz_keys_get();
    fz_input in = {data, size};
    uint8_t op;
    const head *h, *other;
    cloak_head *copy = malloc(sizeof *copy);
    const cloak_head *state;
    const uint8_t *blob;
    size_t blob_len, len;
    uint8_t identity[32];
    uint8_t *bytes;
    int state_rc, rc;

    fz_rng_reset();
    FUZZ_CHECK(copy != NULL);
    if (heads[0].len == 0) {
        make_heads();
    }
    op = fz_u8(&in);
    h = &heads[(op & 4U) != 0U ? 1 : 0];
    other = &heads[(op & 4U) != 0U ? 0 : 1];
    blob = (op & 8U) != 0U ? other->blob : h->blob;
    blob_len = (op & 8U) != 0U ? other->len : h->len;
    memcpy(copy, &h->state, sizeof *copy);
    state = (op & 0x10U) != 0U ? copy : &h->state;
    state_rc = state_verdict((op & 0x10U) != 0U, (op & 8U) != 0U);

    switch ((op & 3U) % 3U) {
    case 0: {
        const uint8_t sel = fz_u8(&in);
        if (sel % 3U == 2U) {
            fz_fixed(&in, identity, sizeof identity);
        } else {
            memcpy(identity, sel % 3U == 0U ? k->alice_id_pk : k->bob_id_pk, 32);
        }
        bytes = fz_rest(&in, &len);
        rc = cloak_head_check_share(state, blob, blob_len, identity, bytes, len);
        fz_trace("cloak_head_check_share", rc);
        FUZZ_CHECK(rc == reference_share(h, state_rc, identity, bytes, len));
        break;
    }
    case 1:
        bytes = fz_rest(&in, &len);
        rc = cloak_head_check_batch(state, blob, blob_len, bytes, len);
        fz_trace("cloak_head_check_batch", rc);
        FUZZ_CHECK(rc == reference_batch(h, state_rc, bytes, len));
        break;
    default: {
        const uint8_t sel = fz_u8(&in);
        const uint8_t *member = identity;
        if (sel % 4U == 2U) {
            fz_fixed(&in, identity, sizeof identity);
        } else if (sel % 4U == 3U) {
            member = NULL;
        } else {
            memcpy(identity, sel % 4U == 0U ? k->alice_id_pk : k->bob_id_pk, 32);
        }
        bytes = fz_rest(&in, &len);
        rc = cloak_head_check_recipient(state, blob, blob_len, member, bytes, len);
        fz_trace("cloak_head_check_recipient", rc);
        FUZZ_CHECK(rc == reference_recipient(h, state_rc, member, bytes, len));
        break;
    }
    }
    memset(copy, 0, sizeof *copy);
    free(copy);
    free(bytes);
    return 0;
}
