/*
 * The batch writer (docs/protocol.md 9.1 to 9.3): begin binds the account, the creator, the vault,
 * its epoch and head into one HPKE context; seal_item seals item i at sequence number i; finish signs
 * the manifest of the items' digests.
 *
 * Several threads may seal into one writer. Each seal_item reserves its index with one atomic
 * compare-and-swap on the state's counter, after every check that could fail, so a reserved index
 * is always sealed, and derives its nonce from that index alone: no two items share a nonce and no
 * other field of the state is written. The WebAssembly build is single-threaded; the same code
 * compiles there, where the atomic operations are plain loads and stores.
 */
#include <string.h>

#include <sodium.h>

#include "batch_format.h"

static int batch_begin(cloak_batch *batch, uint32_t suite, const uint8_t *account_public_key,
                       const uint8_t creator_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                       const uint8_t *vault_id, size_t vault_id_len, uint32_t epoch, uint64_t head_version,
                       const uint8_t head_hash[CLOAK_HEAD_HASHBYTES], uint64_t expiry)
{
    batch_state *s;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t binding[BATCH_BINDINGBYTES];
    size_t v;
    uint8_t info[BATCH_INFO_MAX];
    size_t info_len;
    size_t tail;
    int rc = CLOAK_E_BAD_PARAMS;

    /* The state is built in place, from zero (padding included). */
    cloak__wipe(batch, sizeof *batch);
    if (batch == NULL || account_public_key == NULL || creator_identity_public_key == NULL || vault_id == NULL ||
        head_hash == NULL) {
        goto done;
    }
    rc = cloak__encryption_public_key_check(suite, account_public_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (vault_id_len == 0 || vault_id_len > CLOAK_LABELBYTES_MAX || epoch == 0 || head_version == 0) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    s = batch_state_of(batch);

    cloak__encryption_key_id_and_binding(key_id, binding, suite, account_public_key);
    cloak__header_write_suite(s->prefix, CLOAK_TYPE_BATCH, suite, key_id);
    randombytes_buf(s->prefix + BATCH_OFF_BATCH_ID, BATCH_IDBYTES);
    /* enc (36 to 36 + N) is written by the HPKE setup below, n by finish. */
    memcpy(s->prefix + batch_off_creator(s->prefix), creator_identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
    v = batch_off_vault_id(s->prefix);
    s->prefix[v] = (uint8_t)vault_id_len;
    memcpy(s->prefix + v + 1U, vault_id, vault_id_len);
    tail = batch_tail_offset(s->prefix);
    cloak__store32_be(s->prefix + tail + BATCH_TAIL_EPOCH, epoch);
    cloak__store32_be(s->prefix + tail + BATCH_TAIL_HEAD_VERSION, (uint32_t)(head_version >> 32));
    cloak__store32_be(s->prefix + tail + BATCH_TAIL_HEAD_VERSION + 4U, (uint32_t)head_version);
    memcpy(s->prefix + tail + BATCH_TAIL_HEAD_HASH, head_hash, CLOAK_HEAD_HASHBYTES);
    cloak__store32_be(s->prefix + tail + BATCH_TAIL_EXPIRY, (uint32_t)(expiry >> 32));
    cloak__store32_be(s->prefix + tail + BATCH_TAIL_EXPIRY + 4U, (uint32_t)expiry);
    s->prefix_len = (uint16_t)(tail + BATCH_TAILBYTES);

    info_len = cloak__batch_hpke_info(info, binding, s->prefix);
    rc = cloak__hpke_base_sender(&s->hpke, suite, s->prefix + BATCH_OFF_ENC, account_public_key, info, info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak__wipe(s->hpke.exporter_secret, sizeof s->hpke.exporter_secret);
    atomic_init(&s->reserved, 0U);
    cloak__state_set(&s->head, batch, BATCH_ROLE_WRITER);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(batch, sizeof *batch);
    }
    return rc;
}

int cloak_batch_begin(cloak_batch *batch, const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                      const uint8_t creator_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                      const uint8_t *vault_id, size_t vault_id_len, uint32_t epoch, uint64_t head_version,
                      const uint8_t head_hash[CLOAK_HEAD_HASHBYTES], uint64_t expiry)
{
    return batch_begin(batch, CLOAK_SUITE_X25519, account_public_key, creator_identity_public_key, vault_id,
                       vault_id_len, epoch, head_version, head_hash, expiry);
}

int cloak_batch_begin_xwing(cloak_batch *batch, const uint8_t account_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                            const uint8_t creator_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                            const uint8_t *vault_id, size_t vault_id_len, uint32_t epoch, uint64_t head_version,
                            const uint8_t head_hash[CLOAK_HEAD_HASHBYTES], uint64_t expiry)
{
    return batch_begin(batch, CLOAK_SUITE_XWING, account_public_key, creator_identity_public_key, vault_id,
                       vault_id_len, epoch, head_version, head_hash, expiry);
}

/* Takes the next free index, or fails (0) when CLOAK_BATCH_ITEMS_MAX are taken: the counter never
 * passes the bound, so a full writer stays full rather than wrapping. */
static int reserve_index(batch_state *s, uint32_t *index)
{
    uint_least32_t next = atomic_load_explicit(&s->reserved, memory_order_relaxed);

    do {
        if (next >= CLOAK_BATCH_ITEMS_MAX) {
            return 0;
        }
        /* Relaxed: only the uniqueness of the index matters; finish runs after the sealing threads
         * have been joined, which orders everything. */
    } while (!atomic_compare_exchange_weak_explicit(&s->reserved, &next, next + 1U, memory_order_relaxed,
                                                    memory_order_relaxed));
    *index = (uint32_t)next;
    return 1;
}

int cloak_batch_seal_item(cloak_batch *batch, uint8_t *item, size_t item_cap, size_t *item_len, uint32_t *index,
                          uint8_t digest[CLOAK_BATCH_DIGESTBYTES], const uint8_t *name, size_t name_len,
                          const uint8_t *value, size_t value_len)
{
    batch_state *s;
    size_t len;
    size_t padded;
    uint8_t *pt;
    uint32_t i = 0;
    int rc = CLOAK_E_BAD_PARAMS;

    if (batch == NULL || item == NULL || item_len == NULL || index == NULL || digest == NULL || name == NULL ||
        (value == NULL && value_len > 0)) {
        goto fail;
    }
    s = batch_state_of(batch);
    if (!batch_state_is(batch, s, BATCH_ROLE_WRITER)) {
        rc = CLOAK_E_BAD_STATE;
        goto fail;
    }
    len = cloak_batch_item_len(name_len, value_len);
    /* The name is written after the value has been moved into place: it must not lie in the item. */
    if (len == 0 || cloak__overlaps(name, name_len, item, item_cap) ||
        cloak__overlaps(index, sizeof *index, item, item_cap) || cloak__overlaps(digest, CLOAK_BATCH_DIGESTBYTES, item, item_cap)) {
        goto fail;
    }
    if (item_cap < len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto fail;
    }
    if (!reserve_index(s, &i)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    /* From here on nothing fails: index i is sealed. */
    padded = len - ITEM_OVERHEAD;
    pt = item + ITEM_OFF_CT;
    /* lp8(name) || u32(len(value)) || value || zeros is laid out in the output and sealed in place:
     * the value is copied once, with no stack copy. memmove first: a caller may have placed the
     * value in the output already. */
    if (value_len > 0) {
        memmove(pt + ITEM_PT_FIXED + name_len, value, value_len);
    }
    memset(pt + ITEM_PT_FIXED + name_len + value_len, 0, padded - ITEM_PT_FIXED - name_len - value_len);
    pt[0] = (uint8_t)name_len;
    memcpy(pt + 1U, name, name_len);
    cloak__store32_be(pt + 1U + name_len, (uint32_t)value_len);
    cloak__header_write_suite(item, CLOAK_TYPE_BATCH_ITEM, cloak__header_suite(s->prefix),
                              s->prefix + CLOAK_HEADER_KEYID_OFFSET);
    memcpy(item + ITEM_OFF_BATCH_ID, s->prefix + BATCH_OFF_BATCH_ID, BATCH_IDBYTES);
    cloak__store32_be(item + ITEM_OFF_INDEX, i);
    cloak__hpke_seal_at(&s->hpke, i, pt, item, ITEM_OFF_CT, pt, padded);
    crypto_generichash(digest, CLOAK_BATCH_DIGESTBYTES, item, len, NULL, 0);
    if (item_cap > len) {
        cloak__wipe(item + len, item_cap - len);
    }
    *index = i;
    *item_len = len;
    return CLOAK_OK;

fail:
    cloak__wipe(item, item_cap);
    cloak__wipe(item_len, sizeof *item_len);
    cloak__wipe(index, sizeof *index);
    cloak__wipe(digest, CLOAK_BATCH_DIGESTBYTES);
    return rc;
}

int cloak_batch_finish(cloak_batch *batch, uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *digests,
                       size_t item_count, const uint8_t creator_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    batch_state *s;
    uint8_t content[BATCH_CONTENT_MAX];
    size_t content_len = 0;
    size_t len;
    size_t prefix_len;
    size_t manifest_len;
    int rc = CLOAK_E_BAD_PARAMS;

    if (batch == NULL || out == NULL || out_len == NULL || (digests == NULL && item_count > 0) ||
        creator_identity_secret_key == NULL) {
        goto done;
    }
    s = batch_state_of(batch);
    if (!batch_state_is(batch, s, BATCH_ROLE_WRITER)) {
        rc = CLOAK_E_BAD_STATE;
        goto done;
    }
    if (item_count > CLOAK_BATCH_ITEMS_MAX ||
        item_count != (size_t)atomic_load_explicit(&s->reserved, memory_order_relaxed) ||
        cloak__overlaps(creator_identity_secret_key, CLOAK_IDENTITY_SECRETKEYBYTES, out, out_cap)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    prefix_len = s->prefix_len;
    len = cloak__batch_len_suite(cloak__header_suite(s->prefix), prefix_len - BATCH_PREFIX_FIXED(batch_enc_len(s->prefix)),
                                 item_count);
    if (out_cap < len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    /* Public keys: compared in variable time. */
    if (memcmp(creator_identity_secret_key + CLOAK_IDENTITY_SEEDBYTES, s->prefix + batch_off_creator(s->prefix),
               CLOAK_IDENTITY_PUBLICKEYBYTES) != 0) {
        rc = CLOAK_E_MISMATCH;
        goto done;
    }
    manifest_len = CLOAK_BATCH_DIGESTBYTES * item_count;
    cloak__store32_be(s->prefix + prefix_len - BATCH_TAILBYTES + BATCH_TAIL_COUNT, (uint32_t)item_count);
    /* Manifest first: memmove, and before the prefix, in case the digests live in `out`. */
    if (manifest_len > 0) {
        memmove(out + prefix_len, digests, manifest_len);
    }
    memcpy(out, s->prefix, prefix_len);
    content_len = cloak__batch_signed_content(content, out, prefix_len, out + prefix_len, manifest_len);
    /* Checks the key first: a secret key whose public half is not its seed's is INVALID_KEY. */
    rc = cloak__sign_labeled(out + prefix_len + manifest_len, CLOAK_LABEL_SIG_BATCH, content, content_len,
                             creator_identity_secret_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (out_cap > len) {
        cloak__wipe(out + len, out_cap - len);
    }
    *out_len = len;

done:
    cloak__wipe(content, sizeof content);
    /* The writer ends here whatever the outcome: a second finish or a later seal is BAD_STATE. */
    cloak__wipe(batch, sizeof *batch);
    if (rc != CLOAK_OK) {
        cloak__wipe(out, out_cap);
        cloak__wipe(out_len, sizeof *out_len);
    }
    return rc;
}
