/*
 * Vault heads (docs/protocol.md section 10): a member-signed, hash-chained statement of a vault's
 * version, epoch, vault key id, expiry, roster and Merkle root. This file writes heads, parses them
 * (every field check), and verifies the first head a reader trusts and each successor against the
 * previous head's roster.
 *
 * The head state keeps the fixed fields and the head's hash, not the roster (up to half a megabyte):
 * the functions that need the roster of a verified head take its bytes again and check that they
 * hash to the verified hash before reading them.
 */
#include <string.h>

#include <sodium.h>

#include "head_format.h"

/* Role tag of a verified head state ("head"). */
#define ROLE_HEAD 0x68656164U

typedef struct CLOAK_STATE_LAYOUT head_state {
    cloak__state_head state;
    uint64_t version;
    uint64_t expiry;
    uint64_t blob_len;
    uint32_t epoch;
    uint32_t leaf_count;
    uint32_t policy;
    uint8_t hash[CLOAK_HEAD_HASHBYTES];
    uint8_t root[CLOAK_MERKLE_HASHBYTES];
    uint8_t vault_key_id[CLOAK_KEYIDBYTES];
    uint8_t signer[CLOAK_IDENTITY_PUBLICKEYBYTES];
} head_state;

CLOAK_STATE_ACCESSORS(cloak_head, head_state, head_state_of)

/* A head blob's fields, pointing into the blob. */
typedef struct parsed_head {
    const uint8_t *blob;
    size_t blob_len;
    uint64_t version;
    const uint8_t *previous;
    uint32_t epoch;
    const uint8_t *vault_id; /* the length byte, then the id */
    uint64_t expiry;
    const uint8_t *root;
    uint32_t leaf_count;
    uint8_t policy;
    size_t roster_count;
    const uint8_t *roster;
    const uint8_t *signer;
    const uint8_t *signature;
    size_t signed_len; /* every byte before the signature */
} parsed_head;

static uint64_t load64_be(const uint8_t in[8])
{
    return ((uint64_t)cloak__load32_be(in) << 32) | (uint64_t)cloak__load32_be(in + 4);
}

static void store64_be(uint8_t out[8], uint64_t v)
{
    cloak__store32_be(out, (uint32_t)(v >> 32));
    cloak__store32_be(out + 4, (uint32_t)v);
}

static const head_state *verified_state(const cloak_head *head)
{
    const head_state *s;
    if (head == NULL) {
        return NULL;
    }
    s = head_state_of_const(head);
    return cloak__state_is(&s->state, head, ROLE_HEAD) ? s : NULL;
}

size_t cloak_head_len(size_t vault_id_len, size_t roster_count)
{
    if (vault_id_len == 0U || vault_id_len > CLOAK_LABELBYTES_MAX || roster_count == 0U ||
        roster_count > CLOAK_ROSTER_ENTRIES_MAX) {
        return 0;
    }
    /* At most 208 + 255 + 520,000: no overflow even with a 32-bit size_t. */
    return HEAD_FIXEDBYTES + vault_id_len + CLOAK_ROSTER_ENTRYBYTES * roster_count;
}

/* ------------------------------------------------------------------------------------------------
 * Roster entries
 * ---------------------------------------------------------------------------------------------- */

/* The checks of one entry (section 10.2), whether built by the caller or read from a head. */
static int roster_entry_check(const uint8_t entry[CLOAK_ROSTER_ENTRYBYTES])
{
    const uint8_t kind = entry[ROSTER_OFF_KIND];
    const uint8_t permissions = entry[ROSTER_OFF_PERMISSIONS];
    const uint32_t suite = cloak__load16_be(entry + ROSTER_OFF_SUITE);
    const uint8_t *pk = entry + ROSTER_OFF_PUBLIC_KEY;
    uint8_t key_id[CLOAK_KEYIDBYTES];

    if (suite != CLOAK_SUITE_X25519 && suite != CLOAK_SUITE_XWING) {
        return CLOAK_E_MALFORMED;
    }
    if (kind == CLOAK_ROSTER_MEMBER) {
        if ((permissions & ~(CLOAK_PERMISSION_WRITE | CLOAK_PERMISSION_ADMIN)) != 0U) {
            return CLOAK_E_MALFORMED;
        }
        return cloak__ed25519_public_key_check(pk) == CLOAK_OK ? CLOAK_OK : CLOAK_E_INVALID_KEY;
    }
    if (kind == CLOAK_ROSTER_SERVICE_ACCOUNT) {
        int rc;
        if (permissions != 0U) {
            return CLOAK_E_MALFORMED;
        }
        /* An X-Wing account's entry holds its key hash, whose first 16 bytes are the key id. */
        if (suite == CLOAK_SUITE_XWING) {
            return memcmp(pk, entry + ROSTER_OFF_KEY_ID, CLOAK_KEYIDBYTES) == 0 ? CLOAK_OK : CLOAK_E_MISMATCH;
        }
        rc = cloak__x25519_public_key_check(pk);
        if (rc != CLOAK_OK) {
            return rc;
        }
        cloak__public_key_id(key_id, pk);
        return memcmp(key_id, entry + ROSTER_OFF_KEY_ID, CLOAK_KEYIDBYTES) == 0 ? CLOAK_OK : CLOAK_E_MISMATCH;
    }
    return CLOAK_E_MALFORMED;
}

/* Orders entries by (kind, public key): negative, zero or positive. */
static int roster_order(const uint8_t *a, uint8_t kind, const uint8_t *pk)
{
    if (a[ROSTER_OFF_KIND] != kind) {
        return a[ROSTER_OFF_KIND] < kind ? -1 : 1;
    }
    return memcmp(a + ROSTER_OFF_PUBLIC_KEY, pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
}

int cloak_roster_entry(uint8_t entry[CLOAK_ROSTER_ENTRYBYTES], uint32_t kind, uint32_t permissions, uint32_t suite,
                       const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                       const uint8_t encryption_key_id[CLOAK_KEYIDBYTES])
{
    uint8_t built[CLOAK_ROSTER_ENTRYBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    if (entry == NULL || public_key == NULL || encryption_key_id == NULL) {
        goto done;
    }
    /* A kind, permission or key id the caller got wrong is a parameter error; a refused key keeps
     * the status of its rule (section 1.3 or 1.4). */
    if (kind == CLOAK_ROSTER_MEMBER) {
        if ((permissions & ~(uint32_t)(CLOAK_PERMISSION_WRITE | CLOAK_PERMISSION_ADMIN)) != 0U) {
            goto done;
        }
    } else if (kind != CLOAK_ROSTER_SERVICE_ACCOUNT || permissions != 0U) {
        goto done;
    }
    if (suite != CLOAK_SUITE_X25519 && suite != CLOAK_SUITE_XWING) {
        goto done;
    }
    built[ROSTER_OFF_KIND] = (uint8_t)kind;
    built[ROSTER_OFF_PERMISSIONS] = (uint8_t)permissions;
    cloak__store16_be(built + ROSTER_OFF_SUITE, (uint16_t)suite);
    memcpy(built + ROSTER_OFF_PUBLIC_KEY, public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
    memcpy(built + ROSTER_OFF_KEY_ID, encryption_key_id, CLOAK_KEYIDBYTES);
    rc = roster_entry_check(built);
    if (rc == CLOAK_E_MISMATCH) {
        rc = CLOAK_E_BAD_PARAMS;
    }
    if (rc == CLOAK_OK) {
        memcpy(entry, built, CLOAK_ROSTER_ENTRYBYTES);
    }

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(entry, CLOAK_ROSTER_ENTRYBYTES);
    }
    return rc;
}

/* Checks every entry, their strict order, that one member is an admin and, under the
 * post-quantum-only policy, that every key is an X-Wing key. With keys_known_valid, the entries are
 * those of a head already verified, byte for byte, so their keys (one scalar multiplication each)
 * are not checked again. */
static int roster_check(const uint8_t *roster, size_t count, uint8_t policy, int keys_known_valid)
{
    size_t i;
    int has_admin = 0;

    for (i = 0; i < count; i++) {
        const uint8_t *e = roster + i * CLOAK_ROSTER_ENTRYBYTES;
        if (!keys_known_valid && roster_entry_check(e) != CLOAK_OK) {
            return CLOAK_E_MALFORMED;
        }
        if ((policy & CLOAK_VAULT_POST_QUANTUM_ONLY) != 0U &&
            cloak__load16_be(e + ROSTER_OFF_SUITE) != CLOAK_SUITE_XWING) {
            return CLOAK_E_MALFORMED;
        }
        if (i > 0U && roster_order(e - CLOAK_ROSTER_ENTRYBYTES, e[ROSTER_OFF_KIND], e + ROSTER_OFF_PUBLIC_KEY) >= 0) {
            return CLOAK_E_MALFORMED;
        }
        if (e[ROSTER_OFF_KIND] == CLOAK_ROSTER_MEMBER && (e[ROSTER_OFF_PERMISSIONS] & CLOAK_PERMISSION_ADMIN) != 0U) {
            has_admin = 1;
        }
    }
    return has_admin ? CLOAK_OK : CLOAK_E_MALFORMED;
}

/* The entry of (kind, public key) in a sorted roster, or NULL. */
static const uint8_t *roster_lookup(const uint8_t *roster, size_t count, uint8_t kind, const uint8_t *pk)
{
    size_t lo = 0;
    size_t hi = count;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2U;
        const uint8_t *e = roster + mid * CLOAK_ROSTER_ENTRYBYTES;
        const int order = roster_order(e, kind, pk);
        if (order == 0) {
            return e;
        }
        if (order < 0) {
            lo = mid + 1U;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The permissions of a member in a roster, or -1 if it is not a member. */
static int member_permissions(const uint8_t *roster, size_t count, const uint8_t *identity_pk)
{
    const uint8_t *e = roster_lookup(roster, count, CLOAK_ROSTER_MEMBER, identity_pk);
    return e == NULL ? -1 : (int)e[ROSTER_OFF_PERMISSIONS];
}

/* ------------------------------------------------------------------------------------------------
 * Parsing
 * ---------------------------------------------------------------------------------------------- */

/* Splits a head into its fields: the layout and lengths only (section 10.1, steps 1 and 2). */
static int head_layout(parsed_head *h, const uint8_t *blob, size_t blob_len)
{
    size_t l;
    size_t tail;
    int rc;

    memset(h, 0, sizeof *h);
    rc = cloak__header_check(blob, blob_len, CLOAK_TYPE_VAULT_HEAD);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob_len <= HEAD_OFF_VAULT_ID) {
        return CLOAK_E_MALFORMED;
    }
    l = blob[HEAD_OFF_VAULT_ID];
    tail = HEAD_OFF_VAULT_ID + 1U + l;
    if (l == 0U || blob_len < tail + HEAD_REL_ROSTER) {
        return CLOAK_E_MALFORMED;
    }
    h->roster_count = cloak__load16_be(blob + tail + HEAD_REL_ROSTER_COUNT);
    if (h->roster_count == 0U || h->roster_count > CLOAK_ROSTER_ENTRIES_MAX ||
        blob_len != cloak_head_len(l, h->roster_count)) {
        return CLOAK_E_MALFORMED;
    }
    h->blob = blob;
    h->blob_len = blob_len;
    h->version = load64_be(blob + HEAD_OFF_VERSION);
    h->previous = blob + HEAD_OFF_PREVIOUS;
    h->epoch = cloak__load32_be(blob + HEAD_OFF_EPOCH);
    h->vault_id = blob + HEAD_OFF_VAULT_ID;
    h->expiry = load64_be(blob + tail + HEAD_REL_EXPIRY);
    h->root = blob + tail + HEAD_REL_ROOT;
    h->leaf_count = cloak__load32_be(blob + tail + HEAD_REL_LEAF_COUNT);
    h->policy = blob[tail + HEAD_REL_POLICY];
    h->roster = blob + tail + HEAD_REL_ROSTER;
    h->signer = h->roster + CLOAK_ROSTER_ENTRYBYTES * h->roster_count;
    h->signature = h->signer + CLOAK_IDENTITY_PUBLICKEYBYTES;
    h->signed_len = blob_len - CLOAK_SIGNATUREBYTES;
    return CLOAK_OK;
}

/* The field checks after the layout (section 10.1, step 3), all CLOAK_E_MALFORMED. */
static int head_fields_check(const parsed_head *h, int roster_keys_known_valid)
{
    uint8_t empty_root[CLOAK_MERKLE_HASHBYTES];
    const int previous_zero = sodium_is_zero(h->previous, CLOAK_HEAD_HASHBYTES);

    if (h->version == 0U || (h->version == 1U) != (previous_zero != 0) || h->epoch == 0U ||
        h->leaf_count > CLOAK_MERKLE_LEAVES_MAX || (h->policy & ~CLOAK_VAULT_POST_QUANTUM_ONLY) != 0U) {
        return CLOAK_E_MALFORMED;
    }
    if (h->leaf_count == 0U) {
        crypto_hash_sha256(empty_root, NULL, 0);
        if (memcmp(empty_root, h->root, CLOAK_MERKLE_HASHBYTES) != 0) {
            return CLOAK_E_MALFORMED;
        }
    }
    return roster_check(h->roster, h->roster_count, h->policy, roster_keys_known_valid);
}

static int head_parse(parsed_head *h, const uint8_t *blob, size_t blob_len)
{
    int rc = head_layout(h, blob, blob_len);
    if (rc == CLOAK_OK) {
        rc = head_fields_check(h, 0);
    }
    return rc;
}

static void head_hash(uint8_t hash[CLOAK_HEAD_HASHBYTES], const uint8_t *blob, size_t blob_len)
{
    cloak__labeled_sha256(hash, CLOAK_LABEL_HEAD_HASH, blob, blob_len);
}

/* Records a verified head in its state. */
static void state_fill(cloak_head *head, const parsed_head *h)
{
    head_state *s;

    cloak__wipe(head, sizeof *head);
    s = head_state_of(head);
    s->version = h->version;
    s->expiry = h->expiry;
    s->blob_len = (uint64_t)h->blob_len;
    s->epoch = h->epoch;
    s->leaf_count = h->leaf_count;
    s->policy = h->policy;
    head_hash(s->hash, h->blob, h->blob_len);
    memcpy(s->root, h->root, CLOAK_MERKLE_HASHBYTES);
    memcpy(s->vault_key_id, h->blob + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES);
    memcpy(s->signer, h->signer, CLOAK_IDENTITY_PUBLICKEYBYTES);
    cloak__state_set(&s->state, head, ROLE_HEAD);
}

/* Whether `blob` is the head a state was verified from. */
static int blob_is_verified(const head_state *s, const uint8_t *blob, size_t blob_len)
{
    uint8_t hash[CLOAK_HEAD_HASHBYTES];
    if (blob == NULL || (uint64_t)blob_len != s->blob_len) {
        return 0;
    }
    head_hash(hash, blob, blob_len);
    return memcmp(hash, s->hash, CLOAK_HEAD_HASHBYTES) == 0;
}

/* ------------------------------------------------------------------------------------------------
 * Writer
 * ---------------------------------------------------------------------------------------------- */

int cloak_head_create(uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *vault_id, size_t vault_id_len,
                      uint32_t epoch, const uint8_t vault_key_id[CLOAK_KEYIDBYTES], uint64_t version,
                      const uint8_t previous_hash[CLOAK_HEAD_HASHBYTES], uint64_t expiry,
                      const uint8_t merkle_root[CLOAK_MERKLE_HASHBYTES], uint32_t leaf_count, uint32_t policy,
                      const uint8_t *roster, size_t roster_count,
                      const uint8_t signer_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    parsed_head h;
    size_t len;
    size_t off;
    int rc = CLOAK_E_BAD_PARAMS;

    len = cloak_head_len(vault_id_len, roster_count);
    if (out == NULL || out_len == NULL || vault_id == NULL || vault_key_id == NULL || previous_hash == NULL ||
        merkle_root == NULL || roster == NULL || signer_identity_secret_key == NULL || len == 0U ||
        policy > 0xffU) {
        goto done;
    }
    if (out_cap < len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    /* The head is laid out in the output and then checked by the reader's own parser (one set of
     * field rules for writer and reader), so no input may share bytes with the output. */
    if (cloak__overlaps(out, len, roster, roster_count * CLOAK_ROSTER_ENTRYBYTES) ||
        cloak__overlaps(out, len, vault_id, vault_id_len) || cloak__overlaps(out, len, merkle_root, 32) ||
        cloak__overlaps(out, len, previous_hash, 32) || cloak__overlaps(out, len, vault_key_id, 16) ||
        cloak__overlaps(out, len, signer_identity_secret_key, 64)) {
        goto done;
    }
    cloak__header_write(out, CLOAK_TYPE_VAULT_HEAD, vault_key_id);
    store64_be(out + HEAD_OFF_VERSION, version);
    memcpy(out + HEAD_OFF_PREVIOUS, previous_hash, CLOAK_HEAD_HASHBYTES);
    cloak__store32_be(out + HEAD_OFF_EPOCH, epoch);
    off = cloak__put_lp8(out, HEAD_OFF_VAULT_ID, vault_id, vault_id_len);
    store64_be(out + off + HEAD_REL_EXPIRY, expiry);
    memcpy(out + off + HEAD_REL_ROOT, merkle_root, CLOAK_MERKLE_HASHBYTES);
    cloak__store32_be(out + off + HEAD_REL_LEAF_COUNT, leaf_count);
    out[off + HEAD_REL_POLICY] = (uint8_t)policy;
    cloak__store16_be(out + off + HEAD_REL_ROSTER_COUNT, (uint16_t)roster_count);
    off = cloak__put(out, off + HEAD_REL_ROSTER, roster, roster_count * CLOAK_ROSTER_ENTRYBYTES);
    off = cloak__put(out, off, signer_identity_secret_key + CLOAK_IDENTITY_SEEDBYTES, CLOAK_IDENTITY_PUBLICKEYBYTES);

    rc = head_parse(&h, out, len);
    if (rc != CLOAK_OK) {
        /* Every field the caller gave is a parameter (a roster out of order, version 0, ...). */
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    rc = cloak__sign_labeled_long(out + off, CLOAK_LABEL_SIG_HEAD, out, off, signer_identity_secret_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    *out_len = len;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(out, out_cap);
        cloak__wipe(out_len, sizeof *out_len);
    }
    return rc;
}

/* ------------------------------------------------------------------------------------------------
 * Reader
 * ---------------------------------------------------------------------------------------------- */

int cloak_head_verify_first(cloak_head *head, const uint8_t *blob, size_t blob_len, const uint8_t *vault_id,
                            size_t vault_id_len, const uint8_t *trusted, size_t trusted_count)
{
    parsed_head h;
    size_t i;
    int found = 0;
    int permissions;
    int rc = CLOAK_E_BAD_PARAMS;

    if (head == NULL || blob == NULL || vault_id == NULL || vault_id_len == 0U ||
        vault_id_len > CLOAK_LABELBYTES_MAX || (trusted == NULL && trusted_count > 0U) ||
        trusted_count > SIZE_MAX / CLOAK_IDENTITY_PUBLICKEYBYTES) {
        goto done;
    }
    rc = head_parse(&h, blob, blob_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (h.vault_id[0] != vault_id_len || memcmp(h.vault_id + 1, vault_id, vault_id_len) != 0) {
        rc = CLOAK_E_MISMATCH;
        goto done;
    }
    for (i = 0; i < trusted_count; i++) {
        found |= memcmp(trusted + i * CLOAK_IDENTITY_PUBLICKEYBYTES, h.signer, CLOAK_IDENTITY_PUBLICKEYBYTES) == 0;
    }
    permissions = member_permissions(h.roster, h.roster_count, h.signer);
    if (!found || permissions < 0 || ((unsigned)permissions & CLOAK_PERMISSION_ADMIN) == 0U) {
        rc = CLOAK_E_UNTRUSTED_SIGNER;
        goto done;
    }
    rc = cloak__verify_labeled_long(h.signature, CLOAK_LABEL_SIG_HEAD, blob, h.signed_len, h.signer);
    if (rc != CLOAK_OK) {
        goto done;
    }
    state_fill(head, &h);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(head, sizeof *head);
    }
    return rc;
}

/* Whether two heads' rosters are byte for byte the same. */
static int same_roster(const parsed_head *a, const parsed_head *b)
{
    return a->roster_count == b->roster_count &&
           memcmp(a->roster, b->roster, a->roster_count * CLOAK_ROSTER_ENTRYBYTES) == 0;
}

int cloak_head_verify_next(cloak_head *next, const cloak_head *current, const uint8_t *current_blob,
                           size_t current_blob_len, const uint8_t *blob, size_t blob_len)
{
    const head_state *cs;
    parsed_head cur;
    parsed_head h;
    uint8_t current_hash[CLOAK_HEAD_HASHBYTES];
    int permissions;
    unsigned required;
    int rc = CLOAK_E_BAD_PARAMS;

    if (next == NULL || blob == NULL) {
        goto done;
    }
    cs = verified_state(current);
    if (cs == NULL) {
        rc = CLOAK_E_BAD_STATE;
        goto done;
    }
    /* Everything needed from `current` is read before `next` (which may be the same state) is
     * written. */
    memcpy(current_hash, cs->hash, sizeof current_hash);
    if (!blob_is_verified(cs, current_blob, current_blob_len) ||
        head_layout(&cur, current_blob, current_blob_len) != CLOAK_OK) {
        rc = CLOAK_E_MISMATCH;
        goto done;
    }
    rc = head_layout(&h, blob, blob_len);
    if (rc == CLOAK_OK) {
        rc = head_fields_check(&h, same_roster(&h, &cur));
    }
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = CLOAK_E_MISMATCH;
    /* Lengths first: the new head holds only h.vault_id[0] bytes of id. */
    if (h.vault_id[0] != cur.vault_id[0] || memcmp(h.vault_id + 1, cur.vault_id + 1, cur.vault_id[0]) != 0) {
        goto done;
    }
    if (h.version <= cur.version) {
        rc = CLOAK_E_STALE;
        goto done;
    }
    /* A gap: the reader fetches the heads in between. */
    if (h.version != cur.version + 1U) {
        goto done;
    }
    /* A fork: a successor of another head of the same version. */
    if (memcmp(h.previous, current_hash, CLOAK_HEAD_HASHBYTES) != 0) {
        goto done;
    }
    if (h.epoch == cur.epoch) {
        if (memcmp(h.blob + CLOAK_HEADER_KEYID_OFFSET, cur.blob + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
            goto done;
        }
    } else if (cur.epoch != UINT32_MAX && h.epoch == cur.epoch + 1U) {
        if (memcmp(h.blob + CLOAK_HEADER_KEYID_OFFSET, cur.blob + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) == 0) {
            goto done;
        }
    } else {
        goto done;
    }
    /* Section 10.8: the vault key of a vault that becomes post-quantum only was shared over X25519,
     * so the head that sets the policy must start a new epoch. */
    if ((h.policy & CLOAK_VAULT_POST_QUANTUM_ONLY) != 0U && (cur.policy & CLOAK_VAULT_POST_QUANTUM_ONLY) == 0U &&
        h.epoch == cur.epoch) {
        goto done;
    }
    required = (h.epoch != cur.epoch || h.policy != cur.policy || !same_roster(&h, &cur))
                   ? CLOAK_PERMISSION_ADMIN
                   : (CLOAK_PERMISSION_WRITE | CLOAK_PERMISSION_ADMIN);
    permissions = member_permissions(cur.roster, cur.roster_count, h.signer);
    if (permissions < 0 || ((unsigned)permissions & required) == 0U) {
        rc = CLOAK_E_UNTRUSTED_SIGNER;
        goto done;
    }
    rc = cloak__verify_labeled_long(h.signature, CLOAK_LABEL_SIG_HEAD, blob, h.signed_len, h.signer);
    if (rc != CLOAK_OK) {
        goto done;
    }
    state_fill(next, &h);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(next, sizeof *next);
    }
    return rc;
}

int cloak_head_check(const cloak_head *head, uint32_t min_epoch, uint64_t min_version, uint64_t now)
{
    const head_state *s = verified_state(head);
    if (s == NULL) {
        return CLOAK_E_BAD_STATE;
    }
    if (s->epoch < min_epoch || s->version < min_version) {
        return CLOAK_E_STALE;
    }
    if (now > s->expiry) {
        return CLOAK_E_EXPIRED;
    }
    return CLOAK_OK;
}

uint64_t cloak_head_version(const cloak_head *head)
{
    const head_state *s = verified_state(head);
    return s == NULL ? 0U : s->version;
}

uint32_t cloak_head_epoch(const cloak_head *head)
{
    const head_state *s = verified_state(head);
    return s == NULL ? 0U : s->epoch;
}

uint64_t cloak_head_expiry(const cloak_head *head)
{
    const head_state *s = verified_state(head);
    return s == NULL ? 0U : s->expiry;
}

uint32_t cloak_head_leaf_count(const cloak_head *head)
{
    const head_state *s = verified_state(head);
    return s == NULL ? 0U : s->leaf_count;
}

uint32_t cloak_head_policy(const cloak_head *head)
{
    const head_state *s = verified_state(head);
    return s == NULL ? 0U : s->policy;
}

/* Copies n bytes of a verified state's field, or zeroes the output. */
static void copy_field(uint8_t *out, const cloak_head *head, size_t offset, size_t n)
{
    const head_state *s = verified_state(head);
    if (out == NULL) {
        return;
    }
    if (s == NULL) {
        cloak__wipe(out, n);
        return;
    }
    memcpy(out, (const uint8_t *)(const void *)s + offset, n);
}

void cloak_head_hash(uint8_t hash[CLOAK_HEAD_HASHBYTES], const cloak_head *head)
{
    copy_field(hash, head, offsetof(head_state, hash), CLOAK_HEAD_HASHBYTES);
}

void cloak_head_merkle_root(uint8_t root[CLOAK_MERKLE_HASHBYTES], const cloak_head *head)
{
    copy_field(root, head, offsetof(head_state, root), CLOAK_MERKLE_HASHBYTES);
}

void cloak_head_vault_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const cloak_head *head)
{
    copy_field(key_id, head, offsetof(head_state, vault_key_id), CLOAK_KEYIDBYTES);
}

void cloak_head_signer(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const cloak_head *head)
{
    copy_field(identity_public_key, head, offsetof(head_state, signer), CLOAK_IDENTITY_PUBLICKEYBYTES);
}

int cloak_head_roster_find(uint32_t *permissions, uint32_t *suite, uint8_t encryption_key_id[CLOAK_KEYIDBYTES],
                           const cloak_head *head, const uint8_t *blob, size_t blob_len, uint32_t kind,
                           const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    const head_state *s;
    parsed_head h;
    const uint8_t *e;
    int rc = CLOAK_E_BAD_PARAMS;

    if (permissions == NULL || suite == NULL || encryption_key_id == NULL || public_key == NULL || kind > 0xffU) {
        goto done;
    }
    s = verified_state(head);
    if (s == NULL) {
        rc = CLOAK_E_BAD_STATE;
        goto done;
    }
    rc = CLOAK_E_MISMATCH;
    if (!blob_is_verified(s, blob, blob_len) || head_layout(&h, blob, blob_len) != CLOAK_OK) {
        goto done;
    }
    e = roster_lookup(h.roster, h.roster_count, (uint8_t)kind, public_key);
    if (e == NULL) {
        goto done;
    }
    *permissions = e[ROSTER_OFF_PERMISSIONS];
    *suite = cloak__load16_be(e + ROSTER_OFF_SUITE);
    memcpy(encryption_key_id, e + ROSTER_OFF_KEY_ID, CLOAK_KEYIDBYTES);
    rc = CLOAK_OK;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(permissions, sizeof *permissions);
        cloak__wipe(suite, sizeof *suite);
        cloak__wipe(encryption_key_id, CLOAK_KEYIDBYTES);
    }
    return rc;
}

/* ------------------------------------------------------------------------------------------------
 * Downgrade and policy checks (section 10.8)
 * ---------------------------------------------------------------------------------------------- */

/* The parsed roster of a verified head, given its bytes again (CLOAK_E_MISMATCH for other bytes). */
static int verified_roster(parsed_head *h, const head_state **s, const cloak_head *head, const uint8_t *blob,
                           size_t blob_len)
{
    *s = verified_state(head);
    if (*s == NULL) {
        return CLOAK_E_BAD_STATE;
    }
    if (!blob_is_verified(*s, blob, blob_len) || head_layout(h, blob, blob_len) != CLOAK_OK) {
        return CLOAK_E_MISMATCH;
    }
    return CLOAK_OK;
}

/* An entry names the key of `suite` and `key_id` (public values: compared in variable time). */
static int entry_names(const uint8_t *e, uint32_t suite, const uint8_t key_id[CLOAK_KEYIDBYTES])
{
    return e != NULL && cloak__load16_be(e + ROSTER_OFF_SUITE) == suite &&
           memcmp(e + ROSTER_OFF_KEY_ID, key_id, CLOAK_KEYIDBYTES) == 0;
}

static int policy_admits(const head_state *s, uint32_t suite)
{
    return (s->policy & CLOAK_VAULT_POST_QUANTUM_ONLY) == 0U || suite == CLOAK_SUITE_XWING;
}

int cloak_head_check_recipient(const cloak_head *head, const uint8_t *blob, size_t blob_len,
                               const uint8_t member_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                               const uint8_t *encryption_public_key, size_t encryption_public_key_len)
{
    const head_state *s;
    parsed_head h;
    const uint8_t *e;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t binding[32];
    const uint32_t suite = cloak__suite_of_public_key_len(encryption_public_key_len);
    int rc;

    if (encryption_public_key == NULL || suite == 0U) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = verified_roster(&h, &s, head, blob, blob_len);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (!policy_admits(s, suite)) {
        return CLOAK_E_POLICY;
    }
    cloak__encryption_key_id(key_id, suite, encryption_public_key);
    if (member_identity_public_key != NULL) {
        e = roster_lookup(h.roster, h.roster_count, CLOAK_ROSTER_MEMBER, member_identity_public_key);
    } else {
        cloak__encryption_key_binding(binding, suite, encryption_public_key);
        e = roster_lookup(h.roster, h.roster_count, CLOAK_ROSTER_SERVICE_ACCOUNT, binding);
    }
    return entry_names(e, suite, key_id) ? CLOAK_OK : CLOAK_E_MISMATCH;
}

int cloak_head_check_share(const cloak_head *head, const uint8_t *blob, size_t blob_len,
                           const uint8_t recipient_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                           const uint8_t *share, size_t share_len)
{
    const head_state *s;
    parsed_head h;
    uint32_t suite = 0, epoch = 0;
    int rc;

    if (recipient_identity_public_key == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__share_header(share, share_len, &suite, &epoch);
    if (rc != CLOAK_OK) {
        return rc;
    }
    rc = verified_roster(&h, &s, head, blob, blob_len);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (!policy_admits(s, suite)) {
        return CLOAK_E_POLICY;
    }
    if (!entry_names(roster_lookup(h.roster, h.roster_count, CLOAK_ROSTER_MEMBER, recipient_identity_public_key),
                     suite, share + CLOAK_HEADER_KEYID_OFFSET) ||
        epoch != s->epoch) {
        return CLOAK_E_MISMATCH;
    }
    return CLOAK_OK;
}

int cloak_head_check_batch(const cloak_head *head, const uint8_t *blob, size_t blob_len, const uint8_t *batch,
                           size_t batch_len)
{
    const head_state *s;
    parsed_head h;
    uint32_t suite = 0, epoch = 0;
    size_t i;
    int found = 0;
    int rc = cloak__batch_header(batch, batch_len, &suite, &epoch);

    if (rc != CLOAK_OK) {
        return rc;
    }
    rc = verified_roster(&h, &s, head, blob, blob_len);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (!policy_admits(s, suite)) {
        return CLOAK_E_POLICY;
    }
    /* Service accounts are sorted by their roster key, not their key id: a linear scan (at most
     * 10,000 entries of public bytes). */
    for (i = 0; i < h.roster_count && !found; i++) {
        const uint8_t *e = h.roster + i * CLOAK_ROSTER_ENTRYBYTES;
        found = e[ROSTER_OFF_KIND] == CLOAK_ROSTER_SERVICE_ACCOUNT &&
                entry_names(e, suite, batch + CLOAK_HEADER_KEYID_OFFSET);
    }
    return found && epoch == s->epoch ? CLOAK_OK : CLOAK_E_MISMATCH;
}

void cloak_head_wipe(cloak_head *head)
{
    cloak__wipe(head, sizeof *head);
}

int cloak__head_tree(const cloak_head *head, const uint8_t **root, uint32_t *leaf_count)
{
    const head_state *s = verified_state(head);
    if (s == NULL) {
        *root = NULL;
        *leaf_count = 0;
        return CLOAK_E_BAD_STATE;
    }
    *root = s->root;
    *leaf_count = s->leaf_count;
    return CLOAK_OK;
}
