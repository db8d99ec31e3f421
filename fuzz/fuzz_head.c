/*
 * Vault heads from the server: cloak_head_verify_first(), cloak_head_verify_next(),
 * cloak_head_check(), cloak_head_roster_find().
 *
 * Input: op(1) || rest
 *   op & 0x80 clear: rest is a list of patches, each u16 offset || u8 xor, applied to a genuine head
 *     (version 2, chained to a genuine version 1, alice signing, a roster of alice (admin), bob
 *     (writer) and the service account), which is then re-signed by the signer its bytes name if
 *     that is alice or bob (op & 0x40 clear): the field checks are reached behind a valid signature.
 *   op & 0x80 set: rest is the head, as is.
 *   op & 1: verify it as the next of the genuine version 1; otherwise as a first head trusting alice.
 *
 * Properties: on failure the state is all zero and answers zero; a verified head's accessors are its
 * bytes (version at 20, epoch at 60, key id at 4, the fields after the vault id, the policy), its length is
 * cloak_head_len() of its vault id and roster count, its hash is section 10.3's, its signer is an
 * admin (first) or a member (next) of the roster that cloak_head_roster_find() reads, and
 * cloak_head_check() agrees with the fields. A copy of a verified state is refused (BAD_STATE).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define MAX_HEAD 4096U

static uint8_t first[MAX_HEAD], second[MAX_HEAD];
static size_t first_len, second_len;
static cloak_head first_state;

/* lp8(label) || pk || content, Ed25519 over it, into sig. */
static void sign_head(uint8_t *blob, size_t len, const uint8_t sk[64])
{
    static const char label[] = "libcloak v2 head";
    uint8_t *msg = fz_alloc(1 + sizeof label - 1 + 32 + len - 64);
    msg[0] = (uint8_t)(sizeof label - 1);
    memcpy(msg + 1, label, sizeof label - 1);
    memcpy(msg + sizeof label, sk + 32, 32);
    memcpy(msg + sizeof label + 32, blob, len - 64);
    crypto_sign_ed25519_detached(blob + len - 64, NULL, msg, sizeof label + 32 + len - 64, sk);
    free(msg);
}

static void make_heads(void)
{
    const fz_keys *k = fz_keys_get();
    uint8_t roster[3 * CLOAK_ROSTER_ENTRYBYTES], e[3][CLOAK_ROSTER_ENTRYBYTES], kid[16], root[32], hash[32];
    uint8_t zero[32] = {0};
    size_t i, j;

    fz_public_key_id(kid, k->account_pk);
    FUZZ_CHECK(cloak_roster_entry(e[0], CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, CLOAK_SUITE_X25519, k->alice_id_pk, kid) == CLOAK_OK);
    FUZZ_CHECK(cloak_roster_entry(e[1], CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_WRITE, CLOAK_SUITE_X25519, k->bob_id_pk, kid) == CLOAK_OK);
    FUZZ_CHECK(cloak_roster_entry(e[2], CLOAK_ROSTER_SERVICE_ACCOUNT, 0, CLOAK_SUITE_X25519, k->account_pk, kid) == CLOAK_OK);
    /* Sorted by (kind, key): the two members by key, then the account. */
    i = memcmp(k->alice_id_pk, k->bob_id_pk, 32) < 0 ? 0 : 1;
    j = 1 - i;
    memcpy(roster, e[i], CLOAK_ROSTER_ENTRYBYTES);
    memcpy(roster + CLOAK_ROSTER_ENTRYBYTES, e[j], CLOAK_ROSTER_ENTRYBYTES);
    memcpy(roster + 2 * CLOAK_ROSTER_ENTRYBYTES, e[2], CLOAK_ROSTER_ENTRYBYTES);
    crypto_hash_sha256(root, NULL, 0);
    FUZZ_CHECK(cloak_head_create(first, sizeof first, &first_len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, 1, kid, 1,
                                 zero, FZ_EXPIRY, root, 0, 0, roster, 3, k->alice_id_sk) == CLOAK_OK);
    FUZZ_CHECK(cloak_head_verify_first(&first_state, first, first_len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN,
                                       k->alice_id_pk, 1) == CLOAK_OK);
    cloak_head_hash(hash, &first_state);
    randombytes_buf(root, sizeof root);
    FUZZ_CHECK(cloak_head_create(second, sizeof second, &second_len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, 1,
                                 kid, 2, hash, FZ_EXPIRY, root, 5, 0, roster, 3, k->alice_id_sk) == CLOAK_OK);
}

static void check_verified(const cloak_head *h, const uint8_t *b, size_t len, int as_next)
{
    const size_t l = b[64];
    const size_t t = 65U + l;
    const size_t r = (size_t)b[t + 45] << 8 | b[t + 46];
    uint8_t out[32], want[32], kid[16];
    uint32_t perms = 0, suite = 0;
    crypto_hash_sha256_state st;
    static const char label[] = "libcloak v2 head hash";
    const uint8_t ll = sizeof label - 1;
    cloak_head copy;

    FUZZ_CHECK(len == cloak_head_len(l, r));
    FUZZ_CHECK(cloak_head_version(h) == fz_load64(b + 20));
    FUZZ_CHECK(cloak_head_epoch(h) == fz_load32(b + 60));
    FUZZ_CHECK(cloak_head_expiry(h) == fz_load64(b + t));
    FUZZ_CHECK(cloak_head_leaf_count(h) == fz_load32(b + t + 40));
    FUZZ_CHECK(cloak_head_policy(h) == b[t + 44] && b[t + 44] <= CLOAK_VAULT_POST_QUANTUM_ONLY);
    cloak_head_merkle_root(out, h);
    FUZZ_CHECK(memcmp(out, b + t + 8, 32) == 0);
    cloak_head_vault_key_id(kid, h);
    FUZZ_CHECK(memcmp(kid, b + 4, 16) == 0);
    cloak_head_signer(out, h);
    FUZZ_CHECK(memcmp(out, b + len - 96, 32) == 0);
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &ll, 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)label, ll);
    crypto_hash_sha256_update(&st, b, len);
    crypto_hash_sha256_final(&st, want);
    cloak_head_hash(out, h);
    FUZZ_CHECK(memcmp(out, want, 32) == 0);
    if (as_next) {
        FUZZ_CHECK(cloak_head_version(h) == 2);
    } else {
        /* The signer is an admin of the head's own roster. */
        FUZZ_CHECK(cloak_head_roster_find(&perms, &suite, kid, h, b, len, CLOAK_ROSTER_MEMBER, b + len - 96) == CLOAK_OK);
        FUZZ_CHECK((perms & CLOAK_PERMISSION_ADMIN) != 0);
    }
    FUZZ_CHECK(cloak_head_check(h, cloak_head_epoch(h), cloak_head_version(h), cloak_head_expiry(h)) == CLOAK_OK);
    if (cloak_head_expiry(h) < UINT64_MAX) {
        FUZZ_CHECK(cloak_head_check(h, 1, 1, cloak_head_expiry(h) + 1) == CLOAK_E_EXPIRED);
    }
    memcpy(&copy, h, sizeof copy);
    FUZZ_CHECK(cloak_head_check(&copy, 1, 1, 0) == CLOAK_E_BAD_STATE);
    FUZZ_CHECK(cloak_head_version(&copy) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fz_keys *k;
    fz_input in = {data, size};
    uint8_t op, *blob;
    size_t len;
    cloak_head h;
    int rc;

    fz_rng_reset();
    k = fz_keys_get();
    if (first_len == 0) {
        make_heads();
    }
    op = fz_u8(&in);
    if (op & 0x80U) {
        blob = fz_rest(&in, &len);
    } else {
        blob = fz_dup(second, second_len);
        len = second_len;
        while (in.n >= 3) {
            const size_t off = fz_u16(&in);
            const uint8_t x = fz_u8(&in);
            if (off < len) {
                blob[off] ^= x;
            }
        }
        if ((op & 0x40U) == 0 && len >= 96) {
            if (memcmp(blob + len - 96, k->alice_id_pk, 32) == 0) {
                sign_head(blob, len, k->alice_id_sk);
            } else if (memcmp(blob + len - 96, k->bob_id_pk, 32) == 0) {
                sign_head(blob, len, k->bob_id_sk);
            }
        }
    }
    memset(&h, 0xA5, sizeof h);
    if (op & 1U) {
        rc = cloak_head_verify_next(&h, &first_state, first, first_len, blob, len);
    } else {
        rc = cloak_head_verify_first(&h, blob, len, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, k->alice_id_pk, 1);
    }
    fz_trace(op & 1U ? "head_verify_next" : "head_verify_first", rc);
    if (rc == CLOAK_OK) {
        check_verified(&h, blob, len, op & 1U);
    } else {
        FUZZ_CHECK(rc < 0 && rc >= CLOAK_E_BAD_STATE);
        FUZZ_CHECK(fz_is_zero(&h, sizeof h));
        FUZZ_CHECK(cloak_head_version(&h) == 0);
    }
    cloak_head_wipe(&h);
    free(blob);
    return 0;
}
