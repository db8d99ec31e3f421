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
 * Properties: on failure every output is zero, the reader state included; a reader that failed to
 * verify opens nothing; a verified batch reports its own item count and signer, which is trusted
 * and is what cloak_batch_sender() reads; the parse-only accessors refuse exactly what verify and
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

typedef struct open_args {
    const uint8_t *expected;
    size_t expected_len;
    int small_value, small_name;
} open_args;

static void open_item(const cloak_batch *reader, int verified, const uint8_t *batch, size_t batch_len,
                      const uint8_t *item, size_t item_len, const open_args *a)
{
    const size_t maxlen = cloak_batch_item_opened_maxlen(item_len);
    const size_t value_cap = a->small_value && maxlen > 0 ? maxlen - 1U : maxlen;
    const size_t name_cap = a->small_name ? 1U : CLOAK_MAX_LABELBYTES;
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

    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_WRONG_KEY ||
                   rc == CLOAK_E_MISMATCH || rc == CLOAK_E_BAD_SIGNATURE || rc == CLOAK_E_AUTH ||
                   rc == CLOAK_E_BUFFER_TOO_SMALL || rc == CLOAK_E_BAD_PARAMS);
        FUZZ_CHECK(name_len == 0 && value_len == 0);
        FUZZ_CHECK(fz_is_zero(name, name_cap) && fz_is_zero(value, value_cap));
        if (!verified) {
            FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS);
        }
    } else {
        uint8_t digest[32];
        const size_t prefix_len = 105U + batch[OFF_VAULT_ID];
        const uint32_t index = (uint32_t)item[36] << 24 | (uint32_t)item[37] << 16 | (uint32_t)item[38] << 8 | item[39];

        FUZZ_CHECK(verified && value_cap == maxlen);
        FUZZ_CHECK(rc_index == CLOAK_OK && parsed_index == index);
        FUZZ_CHECK(index < cloak_batch_item_count(reader));
        crypto_generichash(digest, sizeof digest, item, item_len, NULL, 0);
        FUZZ_CHECK(memcmp(digest, batch + prefix_len + 32U * (size_t)index, 32) == 0);
        FUZZ_CHECK(name_len >= 1 && name_len <= CLOAK_MAX_LABELBYTES && name_len <= name_cap);
        FUZZ_CHECK(value_len + name_len + CLOAK_BATCH_ITEM_OVERHEADBYTES == item_len);
        if (a->expected != NULL) {
            FUZZ_CHECK(name_len == a->expected_len && memcmp(name, a->expected, name_len) == 0);
        }
    }
    free(name);
    free(value);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    (void)fz_keys_get();
    return 0;
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
    verified = rc == CLOAK_OK;
    cloak_batch_signer(signer, reader);
    /* verify checks the same header and layout first: the same verdict on them. */
    if (rc_sender != CLOAK_OK) {
        FUZZ_CHECK(rc == rc_sender);
    } else if (verified) {
        FUZZ_CHECK(memcmp(signer, sender, sizeof signer) == 0);
    }
    if (!verified) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_WRONG_KEY ||
                   rc == CLOAK_E_UNTRUSTED_SIGNER || rc == CLOAK_E_BAD_SIGNATURE || rc == CLOAK_E_INVALID_KEY);
        FUZZ_CHECK(fz_is_zero(reader, sizeof *reader));
        FUZZ_CHECK(cloak_batch_item_count(reader) == 0 && fz_is_zero(signer, sizeof signer));
    } else {
        const size_t vl = batch[OFF_VAULT_ID];
        const uint32_t n = (uint32_t)batch[101U + vl] << 24 | (uint32_t)batch[102U + vl] << 16 |
                           (uint32_t)batch[103U + vl] << 8 | batch[104U + vl];
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
