/*
 * Service-account batches from the server: cloak_batch_count(), cloak_batch_sender(),
 * cloak_batch_verify() or cloak_batch_verify_xwing() with the expected vault id, cloak_batch_check(),
 * then cloak_batch_open_item() on each item, as the CLI does.
 *
 * Input: op(1) || lp8(expected vault id) || lp16(batch) || lp16(item) || lp16(item) ...  (at most 8)
 *   op % 4: trusted identities: 0 alice (the fixed creator); 1 the creator cloak_batch_sender()
 *           reads, so that signatures under arbitrary keys are checked; 2 bob and alice; 3 none
 *   op bit 2: value buffer one byte under cloak_batch_item_opened_maxlen()
 *   op bit 3: name buffer of one byte
 *   op bits 4-5: freshness: 0 minimums 1 and a clock before the expiry; 1 the batch's own epoch and
 *           head version; 2 one epoch more (STALE), 3 a clock one second past the expiry (EXPIRED)
 *   op bit 6: skip cloak_batch_check (no item may open)
 *   op bit 7: the account is the fixed X-Wing account (cloak_batch_verify_xwing, suite 2); otherwise
 *           the fixed X25519 account (cloak_batch_verify, suite 1)
 *
 * Properties: the statuses follow docs/protocol.md sections 2 and 9 exactly, checked against a
 * reference written on libsodium (fuzz_batch_ref.c: the suite (count and sender read either, each
 * verify its own), layout and field ranges; key id; vault id; trusted creator; the labelled
 * signature, which covers the creator's key, over bytes 0..V+57+L || BLAKE2b-256(manifest); an
 * all-zero agreement with enc, or in suite 2 section 1.6's checks of ct_X; freshness; for an item:
 * header (the batch's suite) and padded
 * length, key id, batch id and index, BLAKE2b-256(item) against manifest entry i (the library
 * compares MAC tags of them), each index once, buffer sizes; only the HPKE open and what follows it
 * are left to the library); the parse-only accessors agree with verify's first checks; on failure
 * every output is zero, the reader state and the tags included; an unverified or unchecked reader
 * opens nothing (BAD_STATE); a verified batch reports its own fields and a trusted signer.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_ITEMS 8U
#define OFF_ENC 36U

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const fz_keys *k = fz_keys_get();
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t trusted[2 * CLOAK_IDENTITY_PUBLICKEYBYTES];
    size_t trusted_count = 1;
    cloak_batch *reader = malloc(sizeof *reader);
    uint8_t signer[CLOAK_IDENTITY_PUBLICKEYBYTES], sender[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t head_hash[CLOAK_HEAD_HASHBYTES];
    size_t vid_len, batch_len, item_len, tags_len = 0, i;
    uint8_t *batch, *vid, *tags, *used = NULL;
    uint32_t count = 77;
    fz_batch_fields f;
    const uint32_t suite = (op & 0x80U) != 0U ? CLOAK_SUITE_XWING : CLOAK_SUITE_X25519;
    int rc, rc_count, rc_sender, verified, ready = 0;

    fz_rng_reset();
    FUZZ_CHECK(reader != NULL);
    memset(reader, 0xA5, sizeof *reader);
    vid = fz_lp8(&in, &vid_len);
    batch = fz_lp16(&in, &batch_len);

    /* Parsed, not verified: the count and the claimed creator. */
    rc_count = cloak_batch_count(&count, batch, batch_len);
    fz_trace("cloak_batch_count", rc_count);
    FUZZ_CHECK(rc_count == fz_batch_layout(&f, batch, batch_len));
    FUZZ_CHECK(rc_count == CLOAK_OK ? count == f.count : count == 0);
    memset(sender, 0xA5, sizeof sender);
    rc_sender = cloak_batch_sender(sender, batch, batch_len);
    fz_trace("cloak_batch_sender", rc_sender);
    FUZZ_CHECK(rc_sender == rc_count);
    if (rc_sender != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(sender, sizeof sender));
    } else {
        FUZZ_CHECK(memcmp(sender, batch + OFF_ENC + f.enc_len, 32) == 0);
        tags_len = cloak_batch_tags_len(count);
        FUZZ_CHECK(tags_len == 16U * (size_t)count);
    }
    tags = fz_alloc(tags_len);

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

    if (suite == CLOAK_SUITE_XWING) {
        rc = cloak_batch_verify_xwing(reader, tags, tags_len, batch, batch_len, vid, vid_len, k->account_xw_pk,
                                      k->account_xw_sk, trusted_count > 0 ? trusted : NULL, trusted_count);
    } else {
        rc = cloak_batch_verify(reader, tags, tags_len, batch, batch_len, vid, vid_len, k->account_pk,
                                k->account_sk, trusted_count > 0 ? trusted : NULL, trusted_count);
    }
    fz_trace(suite == CLOAK_SUITE_XWING ? "cloak_batch_verify_xwing" : "cloak_batch_verify", rc);
    if (vid_len == 0) {
        /* A vault id is 1 to 255 bytes: a caller's error, refused before the blob is read. */
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS);
    } else {
        FUZZ_CHECK(rc == fz_batch_verify_suite(&f, batch, batch_len, suite, vid, vid_len, trusted, trusted_count));
    }
    verified = rc == CLOAK_OK;
    cloak_batch_signer(signer, reader);
    cloak_batch_head_hash(head_hash, reader);
    if (!verified) {
        FUZZ_CHECK(fz_is_zero(reader, sizeof *reader) && fz_is_zero(tags, tags_len));
        FUZZ_CHECK(cloak_batch_item_count(reader) == 0 && fz_is_zero(signer, sizeof signer));
        FUZZ_CHECK(cloak_batch_epoch(reader) == 0 && cloak_batch_head_version(reader) == 0);
        FUZZ_CHECK(cloak_batch_expiry(reader) == 0 && fz_is_zero(head_hash, sizeof head_hash));
        FUZZ_CHECK(cloak_batch_check(reader, 1, 1, FZ_NOW) == CLOAK_E_BAD_STATE);
    } else {
        size_t j;
        int found = 0;

        FUZZ_CHECK(f.suite == suite);
        FUZZ_CHECK(batch_len == (suite == CLOAK_SUITE_XWING ? cloak_batch_len_xwing(f.vault_id_len, f.count)
                                                            : cloak_batch_len(f.vault_id_len, f.count)));
        FUZZ_CHECK(cloak_batch_item_count(reader) == f.count && cloak_batch_epoch(reader) == f.epoch);
        FUZZ_CHECK(cloak_batch_head_version(reader) == f.head_version && cloak_batch_expiry(reader) == f.expiry);
        FUZZ_CHECK(memcmp(head_hash, batch + f.vid_off + 13U + f.vault_id_len, 32) == 0);
        FUZZ_CHECK(memcmp(signer, sender, 32) == 0);
        for (j = 0; j < trusted_count; j++) {
            found |= memcmp(trusted + 32U * j, signer, 32) == 0;
        }
        FUZZ_CHECK(found);

        if ((op & 0x40U) == 0U) {
            uint32_t min_epoch = 1;
            uint64_t min_version = 1, now = f.expiry < FZ_NOW ? 0 : FZ_NOW;
            switch ((op >> 4) & 3U) {
            case 1:
                min_epoch = f.epoch;
                min_version = f.head_version;
                break;
            case 2:
                min_epoch = f.epoch < UINT32_MAX ? f.epoch + 1U : UINT32_MAX;
                break;
            case 3:
                now = f.expiry < UINT64_MAX ? f.expiry + 1U : UINT64_MAX;
                break;
            default:
                break;
            }
            rc = cloak_batch_check(reader, min_epoch, min_version, now);
            fz_trace("cloak_batch_check", rc);
            FUZZ_CHECK(rc == fz_batch_check(&f, min_epoch, min_version, now));
            ready = rc == CLOAK_OK;
        }
        used = calloc(f.count > 0 ? f.count : 1U, 1);
        FUZZ_CHECK(used != NULL);
    }

    for (i = 0; i < MAX_ITEMS && in.n > 0; i++) {
        uint8_t *item = fz_lp16(&in, &item_len);
        fz_batch_open_checked(reader, ready, tags, tags_len, batch, &f, used, item, item_len, (op & 8U) != 0U,
                              (op & 4U) != 0U);
        free(item);
    }
    cloak_batch_wipe(reader);
    FUZZ_CHECK(fz_is_zero(reader, sizeof *reader));
    free(used);
    free(reader);
    free(tags);
    free(batch);
    free(vid);
    return 0;
}
