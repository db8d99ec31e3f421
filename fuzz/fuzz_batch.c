/*
 * Service-account batches from the server: cloak_batch_sender() and cloak_batch_verify(), then
 * cloak_batch_item_index() and cloak_batch_open_item() on each item, as the CLI does.
 *
 * Input: op(1) || lp16(batch) || lp8(expected name) || lp16(item) || lp16(item) ...  (at most 8 items)
 *   op % 4: trusted identities: 0 alice (the fixed creator); 1 the creator cloak_batch_sender()
 *           reads, so that signatures under arbitrary keys are checked; 2 bob and alice; 3 none
 *   op bit 2: value buffer one byte under cloak_batch_item_opened_maxlen()
 *   op bit 3: name buffer of one byte
 *   op bit 4: pass the expected name (even an empty one, which is BAD_PARAMS)
 *   The account is the fixed account key pair.
 *
 * Properties: the statuses follow docs/protocol.md sections 2 and 9 exactly, checked against a
 * reference written here on libsodium (layout; key id; trusted creator; the labelled signature over
 * bytes 0..105+L || BLAKE2b-256(manifest); an all-zero agreement with enc; for an item: header and
 * length, key id, batch id and index, manifest digest, buffer sizes; only the HPKE open and what
 * follows it are left to the library); on failure every output is zero, the reader state included;
 * a reader that failed to verify opens nothing; a verified batch reports its own item count and
 * signer, which is trusted and is what cloak_batch_sender() reads; the parse-only accessors refuse exactly what verify and
 * open refuse first, with the same code; an opened item is the one its manifest entry names
 * (BLAKE2b-256 recomputed here) at the index cloak_batch_item_index() reads, its name is 1 to 255
 * bytes (the expected one, if given), and the lengths add up.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define MAX_ITEMS 8U
#define OFF_CREATOR 68U
#define OFF_VAULT_ID 100U

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Section 9.1's layout: 169 + L + 32n bytes, L from 1 to 255, n at most CLOAK_BATCH_ITEMS_MAX. */
static int reference_layout(const uint8_t *b, size_t len)
{
    const int rc = fz_header_verdict(b, len, CLOAK_TYPE_BATCH, 170, SIZE_MAX);
    size_t vl;
    uint32_t n;

    if (rc != CLOAK_OK) {
        return rc;
    }
    vl = b[OFF_VAULT_ID];
    if (vl == 0 || len < 105U + vl) {
        return CLOAK_E_MALFORMED;
    }
    n = load32(b + 101U + vl);
    if (n > CLOAK_BATCH_ITEMS_MAX || len != 169U + vl + 32U * (size_t)n) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

/* Section 9.1's reader checks, in order. */
static int reference_verify(const uint8_t *b, size_t len, const uint8_t *trusted, size_t trusted_count)
{
    const fz_keys *k = fz_keys_get();
    uint8_t key_id[CLOAK_KEYIDBYTES], shared[32];
    uint8_t content[105 + 255 + 32];
    size_t prefix_len, manifest_len, i;
    int found = 0;
    int rc = reference_layout(b, len);

    if (rc != CLOAK_OK) {
        return rc;
    }
    prefix_len = 105U + b[OFF_VAULT_ID];
    manifest_len = len - prefix_len - 64U;
    fz_public_key_id(key_id, k->account_pk);
    if (memcmp(key_id, b + 4, sizeof key_id) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    for (i = 0; i < trusted_count; i++) {
        found |= memcmp(trusted + 32U * i, b + OFF_CREATOR, 32) == 0;
    }
    if (!found) {
        return CLOAK_E_UNTRUSTED_SIGNER;
    }
    memcpy(content, b, prefix_len);
    crypto_generichash(content + prefix_len, 32, b + prefix_len, manifest_len, NULL, 0);
    if (fz_labeled_verify(b + prefix_len + manifest_len, "libcloak v1 batch", content, prefix_len + 32U,
                          b + OFF_CREATOR) != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    if (crypto_scalarmult_curve25519(shared, k->account_sk, b + 36) != 0 || fz_is_zero(shared, 32)) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}

typedef struct open_args {
    const uint8_t *expected;
    size_t expected_len;
    int small_value, small_name;
} open_args;

/* Section 9.2's checks before decryption, for a verified batch; CLOAK_OK means "decrypt": AUTH,
 * MALFORMED (a bad name length inside), MISMATCH (another name expected) or OK may follow. */
static int reference_open(const uint8_t *b, size_t batch_len, const uint8_t *item, size_t item_len,
                          const open_args *a, size_t name_cap, size_t value_cap)
{
    uint8_t digest[32];
    const size_t prefix_len = 105U + b[OFF_VAULT_ID];
    const uint32_t n = load32(b + prefix_len - 4U);
    size_t pt_len, name_need;
    uint32_t index;
    int rc;

    (void)batch_len;
    if (a->expected != NULL && a->expected_len == 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = fz_header_verdict(item, item_len, CLOAK_TYPE_BATCH_ITEM, CLOAK_BATCH_ITEM_OVERHEADBYTES + 1U, SIZE_MAX);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (memcmp(item + 4, b + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    index = load32(item + 36);
    if (memcmp(item + 20, b + 20, 16) != 0 || index >= n) {
        return CLOAK_E_MISMATCH;
    }
    crypto_generichash(digest, sizeof digest, item, item_len, NULL, 0);
    if (memcmp(digest, b + prefix_len + 32U * (size_t)index, 32) != 0) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    pt_len = item_len - 56U;
    name_need = a->expected != NULL ? a->expected_len : (pt_len - 1U < 255U ? pt_len - 1U : 255U);
    if (value_cap < pt_len || name_cap < name_need) {
        return CLOAK_E_BUFFER_TOO_SMALL;
    }
    return CLOAK_OK;
}

static void open_item(const cloak_batch *reader, int verified, const uint8_t *batch, size_t batch_len,
                      const uint8_t *item, size_t item_len, const open_args *a)
{
    const size_t maxlen = cloak_batch_item_opened_maxlen(item_len);
    const size_t value_cap = a->small_value && maxlen > 0 ? maxlen - 1U : maxlen;
    const size_t name_cap = a->small_name ? 1U : CLOAK_LABELBYTES_MAX;
    uint8_t *name = fz_alloc(name_cap);
    uint8_t *value = fz_alloc(value_cap);
    size_t name_len = 999, value_len = 999;
    uint32_t parsed_index = 77;
    const int rc_index = cloak_batch_item_index(&parsed_index, item, item_len);
    const int rc = cloak_batch_open_item(reader, batch, batch_len, item, item_len, a->expected, a->expected_len,
                                         name, name_cap, &name_len, value, value_cap, &value_len);
    fz_trace("cloak_batch_open_item", rc);
    fz_trace("cloak_batch_item_index", rc_index);

    if (rc_index != CLOAK_OK) {
        FUZZ_CHECK(parsed_index == 0);
        /* open_item checks the same header and minimum length first (after its arguments). */
        if (verified && (a->expected == NULL || a->expected_len > 0)) {
            FUZZ_CHECK(rc == rc_index);
        }
    } else {
        FUZZ_CHECK(item_len >= CLOAK_BATCH_ITEM_OVERHEADBYTES + 1U);
    }

    if (!verified) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS);
    } else {
        const int expected = reference_open(batch, batch_len, item, item_len, a, name_cap, value_cap);
        if (expected != CLOAK_OK) {
            FUZZ_CHECK(rc == expected);
        } else {
            FUZZ_CHECK(rc == CLOAK_OK || rc == CLOAK_E_AUTH || rc == CLOAK_E_MALFORMED ||
                       (rc == CLOAK_E_MISMATCH && a->expected != NULL));
        }
    }
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(name_len == 0 && value_len == 0);
        FUZZ_CHECK(fz_is_zero(name, name_cap) && fz_is_zero(value, value_cap));
    } else {
        uint8_t digest[32];
        const size_t prefix_len = 105U + batch[OFF_VAULT_ID];
        const uint32_t index = load32(item + 36);

        FUZZ_CHECK(verified && value_cap == maxlen);
        FUZZ_CHECK(rc_index == CLOAK_OK && parsed_index == index);
        FUZZ_CHECK(index < cloak_batch_item_count(reader));
        crypto_generichash(digest, sizeof digest, item, item_len, NULL, 0);
        FUZZ_CHECK(memcmp(digest, batch + prefix_len + 32U * (size_t)index, 32) == 0);
        FUZZ_CHECK(name_len >= 1 && name_len <= CLOAK_LABELBYTES_MAX && name_len <= name_cap);
        FUZZ_CHECK(value_len + name_len + CLOAK_BATCH_ITEM_OVERHEADBYTES == item_len);
        if (a->expected != NULL) {
            FUZZ_CHECK(name_len == a->expected_len && memcmp(name, a->expected, name_len) == 0);
        }
    }
    free(name);
    free(value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fz_keys *k = fz_keys_get();
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t trusted[2 * CLOAK_IDENTITY_PUBLICKEYBYTES];
    size_t trusted_count = 1;
    cloak_batch *reader = malloc(sizeof *reader);
    uint8_t signer[CLOAK_IDENTITY_PUBLICKEYBYTES], sender[CLOAK_IDENTITY_PUBLICKEYBYTES];
    size_t batch_len, expected_len, item_len, i;
    uint8_t *batch, *expected;
    open_args a;
    int rc, rc_sender, verified;

    fz_rng_reset();
    FUZZ_CHECK(reader != NULL);
    memset(reader, 0xA5, sizeof *reader);
    batch = fz_lp16(&in, &batch_len);
    expected = fz_lp8(&in, &expected_len);

    memset(sender, 0xA5, sizeof sender);
    rc_sender = cloak_batch_sender(sender, batch, batch_len);
    fz_trace("cloak_batch_sender", rc_sender);
    FUZZ_CHECK(rc_sender == reference_layout(batch, batch_len));
    if (rc_sender != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(sender, sizeof sender));
    } else {
        FUZZ_CHECK(batch_len >= OFF_CREATOR + 32U && memcmp(sender, batch + OFF_CREATOR, 32) == 0);
    }

    switch (op % 4U) {
    case 0:
        memcpy(trusted, k->alice_id_pk, 32);
        break;
    case 1:
        memcpy(trusted, sender, 32);
        break;
    case 2:
        memcpy(trusted, k->bob_id_pk, 32);
        memcpy(trusted + 32, k->alice_id_pk, 32);
        trusted_count = 2;
        break;
    default:
        trusted_count = 0;
        break;
    }

    rc = cloak_batch_verify(reader, batch, batch_len, k->account_pk, k->account_sk,
                            trusted_count > 0 ? trusted : NULL, trusted_count);
    fz_trace("cloak_batch_verify", rc);
    FUZZ_CHECK(rc == reference_verify(batch, batch_len, trusted, trusted_count));
    verified = rc == CLOAK_OK;
    cloak_batch_signer(signer, reader);
    /* verify checks the same header and layout first: the same verdict on them. */
    if (rc_sender != CLOAK_OK) {
        FUZZ_CHECK(rc == rc_sender);
    } else if (verified) {
        FUZZ_CHECK(memcmp(signer, sender, sizeof signer) == 0);
    }
    if (!verified) {
        FUZZ_CHECK(fz_is_zero(reader, sizeof *reader));
        FUZZ_CHECK(cloak_batch_item_count(reader) == 0 && fz_is_zero(signer, sizeof signer));
    } else {
        const size_t vl = batch[OFF_VAULT_ID];
        const uint32_t n = load32(batch + 101U + vl);
        int found = 0;

        FUZZ_CHECK(vl >= 1 && batch_len == cloak_batch_len(vl, n));
        FUZZ_CHECK(cloak_batch_item_count(reader) == n);
        FUZZ_CHECK(memcmp(signer, batch + OFF_CREATOR, 32) == 0);
        for (i = 0; i < trusted_count; i++) {
            found |= memcmp(trusted + 32U * i, signer, 32) == 0;
        }
        FUZZ_CHECK(found);
    }

    a.expected = (op & 0x10U) != 0U ? expected : NULL;
    a.expected_len = (op & 0x10U) != 0U ? expected_len : 0U;
    a.small_value = (op & 4U) != 0U;
    a.small_name = (op & 8U) != 0U;
    for (i = 0; i < MAX_ITEMS && in.n > 0; i++) {
        uint8_t *item = fz_lp16(&in, &item_len);
        open_item(reader, verified, batch, batch_len, item, item_len, &a);
        free(item);
    }
    cloak_batch_wipe(reader);
    FUZZ_CHECK(fz_is_zero(reader, sizeof *reader));
    free(reader);
    free(batch);
    free(expected);
    return 0;
}
