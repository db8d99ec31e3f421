/*
 * Merkle proofs from the server: cloak_merkle_verify_inclusion() and cloak_merkle_verify_absence()
 * against a verified head whose tree holds n leaves (n from the input, 0 to 40, blind indexes and
 * digests from the deterministic random stream).
 *
 * Input: n(1) || op(1) || choice(1) || rest
 *   op & 1: absence; otherwise inclusion.
 *   op & 2: the proof is rest, as is; otherwise the library proves (inclusion of leaf choice % n, or
 *     absence of a blind index made from rest's first 32 bytes) and rest's u16 offset || u8 xor
 *     patches are applied to that proof.
 *   The claimed leaf (inclusion) is leaf choice % n, or with choice & 0x80 a leaf whose first bytes
 *   come from the input; the claimed blind index (absence) is that of leaf choice % n with choice &
 *   0x80, otherwise input bytes.
 *
 * Properties (soundness): inclusion succeeds only for a leaf of the tree, at the index the proof
 * names; absence succeeds only for a blind index no leaf has; every failure is MALFORMED or
 * MISMATCH; a proof the library makes for a true claim verifies.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define MAX_LEAVES 40U

static int leaf_order(const void *a, const void *b)
{
    return memcmp(a, b, CLOAK_BLIND_INDEXBYTES);
}

/* A tree of n distinct, sorted leaves and a verified head over it. */
static void make_tree(uint8_t *leaves, size_t n, cloak_head *head)
{
    const fz_keys *k = fz_keys_get();
    uint8_t entry[CLOAK_ROSTER_ENTRYBYTES], kid[16] = {0}, root[32], zero[32] = {0};
    uint8_t blob[512];
    size_t len, i;

    randombytes_buf(leaves, n * CLOAK_MERKLE_LEAFBYTES);
    qsort(leaves, n, CLOAK_MERKLE_LEAFBYTES, leaf_order);
    for (i = 1; i < n; i++) {
        /* A repeated random 32-byte index would be a broken random source. */
        FUZZ_CHECK(memcmp(leaves + (i - 1) * 64, leaves + i * 64, 32) < 0);
    }
    FUZZ_CHECK(cloak_merkle_root(root, leaves, n) == CLOAK_OK);
    FUZZ_CHECK(cloak_roster_entry(entry, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, CLOAK_SUITE_X25519, k->alice_id_pk, kid) == CLOAK_OK);
    FUZZ_CHECK(cloak_head_create(blob, sizeof blob, &len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, 1, kid, 1, zero,
                                 FZ_EXPIRY, root, (uint32_t)n, 0, entry, 1, k->alice_id_sk) == CLOAK_OK);
    FUZZ_CHECK(cloak_head_verify_first(head, blob, len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, k->alice_id_pk,
                                       1) == CLOAK_OK);
}

static int has_blind_index(const uint8_t *leaves, size_t n, const uint8_t *bi)
{
    for (size_t i = 0; i < n; i++) {
        if (memcmp(leaves + i * 64, bi, 32) == 0) {
            return 1;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t leaves[MAX_LEAVES * CLOAK_MERKLE_LEAFBYTES + 1];
    fz_input in = {data, size};
    cloak_head head;
    uint8_t made[CLOAK_MERKLE_ABSENCE_PROOFBYTES_MAX];
    uint8_t claim[CLOAK_MERKLE_LEAFBYTES];
    uint8_t *proof, *rest;
    size_t n, made_len = 0, proof_len, rest_len, pick;
    uint8_t op, choice;
    int rc, true_claim;

    fz_rng_reset();
    n = fz_u8(&in) % (MAX_LEAVES + 1U);
    op = fz_u8(&in);
    choice = fz_u8(&in);
    make_tree(leaves, n, &head);
    rest = fz_rest(&in, &rest_len);
    pick = n == 0 ? 0 : choice % n;

    /* The claim. */
    if (op & 1U) {
        if ((choice & 0x80U) && n > 0) {
            memcpy(claim, leaves + pick * 64, 32);
        } else {
            memset(claim, 0, 32);
            memcpy(claim, rest, rest_len < 32 ? rest_len : 32);
        }
        true_claim = !has_blind_index(leaves, n, claim);
    } else {
        if (n > 0) {
            memcpy(claim, leaves + pick * 64, 64);
        } else {
            memset(claim, 0, 64);
        }
        if (choice & 0x80U) {
            memcpy(claim, rest, rest_len < 16 ? rest_len : 16);
        }
        true_claim = 0;
        for (size_t i = 0; i < n; i++) {
            true_claim |= memcmp(leaves + i * 64, claim, 64) == 0;
        }
    }

    /* The proof. */
    if (op & 2U) {
        proof = fz_dup(rest, rest_len);
        proof_len = rest_len;
    } else {
        if (op & 1U) {
            rc = cloak_merkle_prove_absence(made, sizeof made, &made_len, leaves, n, claim);
            FUZZ_CHECK(rc == (true_claim ? CLOAK_OK : CLOAK_E_MISMATCH));
        } else if (n > 0) {
            rc = cloak_merkle_prove_inclusion(made, sizeof made, &made_len, leaves, n, pick);
            FUZZ_CHECK(rc == CLOAK_OK);
        }
        proof = fz_dup(made, made_len);
        proof_len = made_len;
        if (proof_len > 0) {
            fz_input patches = {rest, rest_len};
            int patched = 0;
            while (patches.n >= 3) {
                const size_t off = fz_u16(&patches);
                const uint8_t x = fz_u8(&patches);
                patched |= x != 0 && off < proof_len;
                if (off < proof_len) {
                    proof[off] ^= x;
                }
            }
            /* A genuine proof of a true claim, unpatched, verifies. */
            if (!patched && true_claim) {
                rc = (op & 1U) ? cloak_merkle_verify_absence(&head, claim, proof, proof_len)
                               : cloak_merkle_verify_inclusion(&head, claim, proof, proof_len);
                FUZZ_CHECK(rc == CLOAK_OK);
            }
        }
    }

    if (op & 1U) {
        rc = cloak_merkle_verify_absence(&head, claim, proof, proof_len);
        fz_trace("merkle_verify_absence", rc);
    } else {
        rc = cloak_merkle_verify_inclusion(&head, claim, proof, proof_len);
        fz_trace("merkle_verify_inclusion", rc);
        if (rc == CLOAK_OK) {
            const uint32_t index = fz_load32(proof);
            FUZZ_CHECK(index < n && memcmp(leaves + (size_t)index * 64, claim, 64) == 0);
        }
    }
    FUZZ_CHECK(rc == CLOAK_OK || rc == CLOAK_E_MALFORMED || rc == CLOAK_E_MISMATCH);
    if (rc == CLOAK_OK) {
        FUZZ_CHECK(true_claim);
    }
    cloak_head_wipe(&head);
    free(proof);
    free(rest);
    return 0;
}
