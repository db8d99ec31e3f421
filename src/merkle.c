/*
 * The Merkle commitment over a vault's secrets (docs/protocol.md section 10.4), in the style of
 * RFC 9162 section 2.1 with SHA-256: leaf hash = SHA-256(0x00 || leaf), node = SHA-256(0x01 || left
 * || right), a tree of n leaves split at the largest power of two below n, the empty tree hashing to
 * SHA-256 of the empty string. Leaves are (blind index, SHA-256 of the sealed secret), strictly
 * increasing by blind index, so a blind index has at most one place and its absence is shown by
 * two adjacent leaves around it.
 *
 * No heap and no recursion: the leaves stay in caller memory, and the tree is hashed with a stack of
 * at most 25 subtree hashes (2^24 leaves), in O(n) time.
 */
#include <string.h>

#include <sodium.h>

#include "head_format.h"

#define LEAF_PREFIX 0x00U
#define NODE_PREFIX 0x01U
#define PATH_MAX_HASHES 24U
#define INCLUSION_FIXEDBYTES 5U /* u32 index || u8 path length */

enum absence_shape { SHAPE_EMPTY = 0, SHAPE_LEFT_ONLY = 1, SHAPE_RIGHT_ONLY = 2, SHAPE_BOTH = 3 };

_Static_assert(INCLUSION_FIXEDBYTES + PATH_MAX_HASHES * CLOAK_MERKLE_HASHBYTES == CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX,
               "inclusion proof bound");
_Static_assert(1U + 2U * (CLOAK_MERKLE_LEAFBYTES + CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX) ==
                   CLOAK_MERKLE_ABSENCE_PROOFBYTES_MAX,
               "absence proof bound");

static void leaf_hash(uint8_t out[CLOAK_MERKLE_HASHBYTES], const uint8_t leaf[CLOAK_MERKLE_LEAFBYTES])
{
    crypto_hash_sha256_state st;
    const uint8_t prefix = LEAF_PREFIX;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, leaf, CLOAK_MERKLE_LEAFBYTES);
    crypto_hash_sha256_final(&st, out);
}

/* out may alias left or right. */
static void node_hash(uint8_t out[CLOAK_MERKLE_HASHBYTES], const uint8_t left[CLOAK_MERKLE_HASHBYTES],
                      const uint8_t right[CLOAK_MERKLE_HASHBYTES])
{
    crypto_hash_sha256_state st;
    const uint8_t prefix = NODE_PREFIX;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &prefix, 1);
    crypto_hash_sha256_update(&st, left, CLOAK_MERKLE_HASHBYTES);
    crypto_hash_sha256_update(&st, right, CLOAK_MERKLE_HASHBYTES);
    crypto_hash_sha256_final(&st, out);
}

/* The largest power of two smaller than n (n >= 2). */
static size_t split_point(size_t n)
{
    size_t k = 1;
    while (k * 2U < n) {
        k *= 2U;
    }
    return k;
}

/* MTH of leaves[0..n), n >= 1, without recursion: the leaves are hashed left to right onto a stack
 * of complete subtrees, two of equal size merged as soon as they meet (a binary counter), and what
 * is left is merged right to left. That is RFC 9162's tree: its left subtree is always the largest
 * complete one. The stack holds at most one subtree per bit of n. */
#define STACK_MAX (PATH_MAX_HASHES + 1U)
static void subtree_hash(uint8_t out[CLOAK_MERKLE_HASHBYTES], const uint8_t *leaves, size_t n)
{
    uint8_t stack[STACK_MAX][CLOAK_MERKLE_HASHBYTES];
    size_t sizes[STACK_MAX];
    size_t top = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        leaf_hash(stack[top], leaves + i * CLOAK_MERKLE_LEAFBYTES);
        sizes[top++] = 1;
        while (top >= 2U && sizes[top - 1U] == sizes[top - 2U]) {
            node_hash(stack[top - 2U], stack[top - 2U], stack[top - 1U]);
            sizes[top - 2U] *= 2U;
            top--;
        }
    }
    while (top >= 2U) {
        node_hash(stack[top - 2U], stack[top - 2U], stack[top - 1U]);
        top--;
    }
    memcpy(out, stack[0], CLOAK_MERKLE_HASHBYTES);
}

static void tree_hash(uint8_t out[CLOAK_MERKLE_HASHBYTES], const uint8_t *leaves, size_t n)
{
    if (n == 0U) {
        crypto_hash_sha256(out, NULL, 0);
    } else {
        subtree_hash(out, leaves, n);
    }
}

/* The number of hashes in the audit path of leaf m in a tree of n leaves (m < n). */
static size_t path_length(size_t m, size_t n)
{
    size_t len = 0;
    while (n > 1U) {
        const size_t k = split_point(n);
        if (m < k) {
            n = k;
        } else {
            m -= k;
            n -= k;
        }
        len++;
    }
    return len;
}

/* Writes the audit path of leaf m of leaves[0..n) at path, leaf to root (RFC 9162 2.1.3.1). The
 * tree is walked from the root down, so the sibling found at depth d is path entry len - 1 - d. */
static void audit_path(uint8_t *path, const uint8_t *leaves, size_t m, size_t n)
{
    size_t slot = path_length(m, n);
    size_t k;

    while (n > 1U) {
        k = split_point(n);
        slot--;
        if (m < k) {
            subtree_hash(path + slot * CLOAK_MERKLE_HASHBYTES, leaves + k * CLOAK_MERKLE_LEAFBYTES, n - k);
            n = k;
        } else {
            subtree_hash(path + slot * CLOAK_MERKLE_HASHBYTES, leaves, k);
            leaves += k * CLOAK_MERKLE_LEAFBYTES;
            m -= k;
            n -= k;
        }
    }
}

/* The caller's leaf list: at most CLOAK_MERKLE_LEAVES_MAX, strictly increasing by blind index. */
static int leaves_check(const uint8_t *leaves, size_t n)
{
    size_t i;
    if (n > CLOAK_MERKLE_LEAVES_MAX || (leaves == NULL && n > 0U)) {
        return CLOAK_E_BAD_PARAMS;
    }
    for (i = 1; i < n; i++) {
        if (memcmp(leaves + (i - 1U) * CLOAK_MERKLE_LEAFBYTES, leaves + i * CLOAK_MERKLE_LEAFBYTES,
                   CLOAK_BLIND_INDEXBYTES) >= 0) {
            return CLOAK_E_BAD_PARAMS;
        }
    }
    return CLOAK_OK;
}

void cloak_merkle_leaf(uint8_t leaf[CLOAK_MERKLE_LEAFBYTES], const uint8_t blind_index[CLOAK_BLIND_INDEXBYTES],
                       const uint8_t *sealed, size_t sealed_len)
{
    if (leaf == NULL) {
        return;
    }
    if (blind_index == NULL || (sealed == NULL && sealed_len > 0U)) {
        cloak__wipe(leaf, CLOAK_MERKLE_LEAFBYTES);
        return;
    }
    memmove(leaf, blind_index, CLOAK_BLIND_INDEXBYTES);
    crypto_hash_sha256(leaf + CLOAK_BLIND_INDEXBYTES, sealed, (unsigned long long)sealed_len);
}

int cloak_merkle_root(uint8_t root[CLOAK_MERKLE_HASHBYTES], const uint8_t *leaves, size_t leaf_count)
{
    int rc;
    if (root == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = leaves_check(leaves, leaf_count);
    if (rc != CLOAK_OK) {
        cloak__wipe(root, CLOAK_MERKLE_HASHBYTES);
        return rc;
    }
    tree_hash(root, leaves, leaf_count);
    return CLOAK_OK;
}

/* u32 index || u8 k || audit path, at proof (capacity checked by the caller). */
static size_t write_inclusion(uint8_t *proof, const uint8_t *leaves, size_t n, size_t index)
{
    const size_t k = path_length(index, n);
    cloak__store32_be(proof, (uint32_t)index);
    proof[4] = (uint8_t)k;
    audit_path(proof + INCLUSION_FIXEDBYTES, leaves, index, n);
    return INCLUSION_FIXEDBYTES + k * CLOAK_MERKLE_HASHBYTES;
}

int cloak_merkle_prove_inclusion(uint8_t *proof, size_t proof_cap, size_t *proof_len, const uint8_t *leaves,
                                 size_t leaf_count, size_t index)
{
    size_t len;
    int rc = CLOAK_E_BAD_PARAMS;

    if (proof == NULL || proof_len == NULL || index >= leaf_count) {
        goto done;
    }
    rc = leaves_check(leaves, leaf_count);
    if (rc != CLOAK_OK) {
        goto done;
    }
    len = INCLUSION_FIXEDBYTES + path_length(index, leaf_count) * CLOAK_MERKLE_HASHBYTES;
    if (proof_cap < len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    *proof_len = write_inclusion(proof, leaves, leaf_count, index);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(proof, proof_cap);
        cloak__wipe(proof_len, sizeof *proof_len);
    }
    return rc;
}

int cloak_merkle_prove_absence(uint8_t *proof, size_t proof_cap, size_t *proof_len, const uint8_t *leaves,
                               size_t leaf_count, const uint8_t blind_index[CLOAK_BLIND_INDEXBYTES])
{
    size_t lo = 0;
    size_t hi = leaf_count;
    size_t len;
    size_t off;
    int rc = CLOAK_E_BAD_PARAMS;

    if (proof == NULL || proof_len == NULL || blind_index == NULL) {
        goto done;
    }
    rc = leaves_check(leaves, leaf_count);
    if (rc != CLOAK_OK) {
        goto done;
    }
    /* lo = the number of leaves below the blind index. */
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2U;
        const int order = memcmp(leaves + mid * CLOAK_MERKLE_LEAFBYTES, blind_index, CLOAK_BLIND_INDEXBYTES);
        if (order == 0) {
            /* Present: there is no absence to prove. */
            rc = CLOAK_E_MISMATCH;
            goto done;
        }
        if (order < 0) {
            lo = mid + 1U;
        } else {
            hi = mid;
        }
    }
    len = 1U;
    if (lo > 0U) {
        len += CLOAK_MERKLE_LEAFBYTES + INCLUSION_FIXEDBYTES + path_length(lo - 1U, leaf_count) * CLOAK_MERKLE_HASHBYTES;
    }
    if (lo < leaf_count) {
        len += CLOAK_MERKLE_LEAFBYTES + INCLUSION_FIXEDBYTES + path_length(lo, leaf_count) * CLOAK_MERKLE_HASHBYTES;
    }
    if (proof_cap < len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    proof[0] = (uint8_t)(leaf_count == 0U ? SHAPE_EMPTY
                         : lo == leaf_count ? SHAPE_LEFT_ONLY
                         : lo == 0U         ? SHAPE_RIGHT_ONLY
                                            : SHAPE_BOTH);
    off = 1U;
    if (lo > 0U) {
        off = cloak__put(proof, off, leaves + (lo - 1U) * CLOAK_MERKLE_LEAFBYTES, CLOAK_MERKLE_LEAFBYTES);
        off += write_inclusion(proof + off, leaves, leaf_count, lo - 1U);
    }
    if (lo < leaf_count) {
        off = cloak__put(proof, off, leaves + lo * CLOAK_MERKLE_LEAFBYTES, CLOAK_MERKLE_LEAFBYTES);
        off += write_inclusion(proof + off, leaves, leaf_count, lo);
    }
    *proof_len = off;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(proof, proof_cap);
        cloak__wipe(proof_len, sizeof *proof_len);
    }
    return rc;
}

/* ------------------------------------------------------------------------------------------------
 * Verification
 * ---------------------------------------------------------------------------------------------- */

/* One parsed inclusion proof: where its path starts in the proof bytes. */
typedef struct inclusion {
    uint32_t index;
    size_t path_len;
    const uint8_t *path;
} inclusion;

/* Reads an inclusion proof at proof[*off..len): u32 index < count, u8 k equal to the path length of
 * (index, count), k hashes. CLOAK_E_MALFORMED otherwise. */
static int inclusion_parse(inclusion *inc, const uint8_t *proof, size_t len, size_t *off, uint32_t count)
{
    size_t k;
    if (len - *off < INCLUSION_FIXEDBYTES) {
        return CLOAK_E_MALFORMED;
    }
    inc->index = cloak__load32_be(proof + *off);
    k = proof[*off + 4U];
    if (inc->index >= count || k != path_length(inc->index, count) ||
        len - *off - INCLUSION_FIXEDBYTES < k * CLOAK_MERKLE_HASHBYTES) {
        return CLOAK_E_MALFORMED;
    }
    inc->path_len = k;
    inc->path = proof + *off + INCLUSION_FIXEDBYTES;
    *off += INCLUSION_FIXEDBYTES + k * CLOAK_MERKLE_HASHBYTES;
    return CLOAK_OK;
}

/* The root an audit path leads to from a leaf (RFC 9162 2.1.3.2), compared with the head's. */
static int inclusion_holds(const inclusion *inc, const uint8_t leaf[CLOAK_MERKLE_LEAFBYTES],
                           const uint8_t root[CLOAK_MERKLE_HASHBYTES], uint32_t count)
{
    uint8_t r[CLOAK_MERKLE_HASHBYTES];
    uint32_t fn = inc->index;
    uint32_t sn = count - 1U;
    size_t i;

    leaf_hash(r, leaf);
    for (i = 0; i < inc->path_len; i++) {
        const uint8_t *p = inc->path + i * CLOAK_MERKLE_HASHBYTES;
        if (sn == 0U) {
            return 0;
        }
        if ((fn & 1U) != 0U || fn == sn) {
            node_hash(r, p, r);
            while ((fn & 1U) == 0U && fn != 0U) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            node_hash(r, r, p);
        }
        fn >>= 1;
        sn >>= 1;
    }
    return sn == 0U && memcmp(r, root, CLOAK_MERKLE_HASHBYTES) == 0;
}

int cloak_merkle_verify_inclusion(const cloak_head *head, const uint8_t leaf[CLOAK_MERKLE_LEAFBYTES],
                                  const uint8_t *proof, size_t proof_len)
{
    const uint8_t *root;
    uint32_t count;
    inclusion inc;
    size_t off = 0;
    int rc;

    rc = cloak__head_tree(head, &root, &count);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (leaf == NULL || proof == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = inclusion_parse(&inc, proof, proof_len, &off, count);
    if (rc != CLOAK_OK || off != proof_len) {
        return CLOAK_E_MALFORMED;
    }
    return inclusion_holds(&inc, leaf, root, count) ? CLOAK_OK : CLOAK_E_MISMATCH;
}

int cloak_merkle_verify_absence(const cloak_head *head, const uint8_t blind_index[CLOAK_BLIND_INDEXBYTES],
                                const uint8_t *proof, size_t proof_len)
{
    const uint8_t *root;
    const uint8_t *left = NULL;
    const uint8_t *right = NULL;
    uint32_t count;
    inclusion left_inc;
    inclusion right_inc;
    size_t off = 1;
    uint8_t shape;
    int rc;

    rc = cloak__head_tree(head, &root, &count);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blind_index == NULL || proof == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Parse the whole proof first: anything unparsed or trailing is malformed. */
    if (proof_len < 1U || proof[0] > SHAPE_BOTH) {
        return CLOAK_E_MALFORMED;
    }
    shape = proof[0];
    if (shape == SHAPE_LEFT_ONLY || shape == SHAPE_BOTH) {
        if (proof_len - off < CLOAK_MERKLE_LEAFBYTES) {
            return CLOAK_E_MALFORMED;
        }
        left = proof + off;
        off += CLOAK_MERKLE_LEAFBYTES;
        if (inclusion_parse(&left_inc, proof, proof_len, &off, count) != CLOAK_OK) {
            return CLOAK_E_MALFORMED;
        }
    }
    if (shape == SHAPE_RIGHT_ONLY || shape == SHAPE_BOTH) {
        if (proof_len - off < CLOAK_MERKLE_LEAFBYTES) {
            return CLOAK_E_MALFORMED;
        }
        right = proof + off;
        off += CLOAK_MERKLE_LEAFBYTES;
        if (inclusion_parse(&right_inc, proof, proof_len, &off, count) != CLOAK_OK) {
            return CLOAK_E_MALFORMED;
        }
    }
    if (off != proof_len) {
        return CLOAK_E_MALFORMED;
    }

    /* Then what it shows: the neighbours are in the tree, adjacent, and around the blind index. */
    if (shape == SHAPE_EMPTY) {
        return count == 0U ? CLOAK_OK : CLOAK_E_MISMATCH;
    }
    if (left != NULL && (!inclusion_holds(&left_inc, left, root, count) ||
                         memcmp(left, blind_index, CLOAK_BLIND_INDEXBYTES) >= 0)) {
        return CLOAK_E_MISMATCH;
    }
    if (right != NULL && (!inclusion_holds(&right_inc, right, root, count) ||
                          memcmp(blind_index, right, CLOAK_BLIND_INDEXBYTES) >= 0)) {
        return CLOAK_E_MISMATCH;
    }
    if (shape == SHAPE_LEFT_ONLY && left_inc.index != count - 1U) {
        return CLOAK_E_MISMATCH;
    }
    if (shape == SHAPE_RIGHT_ONLY && right_inc.index != 0U) {
        return CLOAK_E_MISMATCH;
    }
    if (shape == SHAPE_BOTH && right_inc.index != left_inc.index + 1U) {
        return CLOAK_E_MISMATCH;
    }
    return CLOAK_OK;
}
