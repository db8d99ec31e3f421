/*
 * Service-account batches, the parts both sides compute alike (docs/protocol.md 9.1, 9.2): lengths,
 * the structural checks of a blob and an item, the HPKE info and the signed content.
 */
#include <string.h>

#include <sodium.h>

#include "batch_format.h"

size_t cloak_batch_item_len(size_t name_len, size_t value_len)
{
    size_t padded;

    if (name_len == 0 || name_len > CLOAK_LABELBYTES_MAX || value_len > SIZE_MAX - ITEM_PT_FIXED - name_len) {
        return 0;
    }
    padded = cloak__pad_len(ITEM_PT_FIXED + name_len + value_len);
    if (padded == 0 || padded > SIZE_MAX - ITEM_OVERHEAD ||
        (uint64_t)padded > (uint64_t)crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX) {
        return 0;
    }
    return ITEM_OVERHEAD + padded;
}

size_t cloak_batch_item_opened_maxlen(size_t item_len)
{
    /* The whole padded plaintext: open_item decrypts it in place in the value buffer. */
    return item_len >= ITEM_OVERHEAD && cloak__is_pad_len(item_len - ITEM_OVERHEAD) ? item_len - ITEM_OVERHEAD : 0U;
}

size_t cloak_batch_len(size_t vault_id_len, size_t item_count)
{
    if (vault_id_len == 0 || vault_id_len > CLOAK_LABELBYTES_MAX || item_count > CLOAK_BATCH_ITEMS_MAX) {
        return 0;
    }
    /* At most 221 + 255 + 32,000,000: no overflow even with a 32-bit size_t. */
    return BATCH_FIXED + vault_id_len + CLOAK_BATCH_DIGESTBYTES * item_count;
}

size_t cloak_batch_tags_len(size_t item_count)
{
    return item_count > CLOAK_BATCH_ITEMS_MAX ? 0U : CLOAK_BATCH_TAGBYTES * item_count;
}

size_t cloak__batch_hpke_info(uint8_t info[BATCH_INFO_MAX],
                              const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *prefix)
{
    const size_t tail = batch_tail_offset(prefix);
    size_t off = cloak__put_lp8(info, 0, CLOAK_LABEL_HPKE_BATCH, CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_BATCH));

    off = cloak__put(info, off, account_public_key, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    off = cloak__put(info, off, prefix + BATCH_OFF_BATCH_ID, BATCH_IDBYTES);
    /* lp8(vault id), epoch, head version, head hash and expiry lie in this order in the blob too. */
    off = cloak__put(info, off, prefix + BATCH_OFF_VAULT_ID, tail + BATCH_TAIL_COUNT - BATCH_OFF_VAULT_ID);
    return cloak__put(info, off, prefix + BATCH_OFF_CREATOR, CLOAK_IDENTITY_PUBLICKEYBYTES);
}

size_t cloak__batch_signed_content(uint8_t content[BATCH_CONTENT_MAX], const uint8_t *prefix, size_t prefix_len,
                                   const uint8_t *manifest, size_t manifest_len)
{
    memcpy(content, prefix, prefix_len);
    crypto_generichash(content + prefix_len, CLOAK_BATCH_DIGESTBYTES, manifest, manifest_len, NULL, 0);
    return prefix_len + CLOAK_BATCH_DIGESTBYTES;
}

int cloak__batch_layout(size_t *prefix_len, uint32_t *n, const uint8_t *blob, size_t blob_len)
{
    size_t tail;
    int rc = cloak__header_check(blob, blob_len, CLOAK_TYPE_BATCH);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob_len < BATCH_FIXED + 1U || blob[BATCH_OFF_VAULT_ID] == 0 ||
        blob_len < BATCH_FIXED + (size_t)blob[BATCH_OFF_VAULT_ID]) {
        return CLOAK_E_MALFORMED;
    }
    tail = batch_tail_offset(blob);
    *prefix_len = tail + BATCH_TAILBYTES;
    *n = cloak__load32_be(blob + tail + BATCH_TAIL_COUNT);
    if (cloak__load32_be(blob + tail + BATCH_TAIL_EPOCH) == 0 ||
        (cloak__load32_be(blob + tail + BATCH_TAIL_HEAD_VERSION) == 0 &&
         cloak__load32_be(blob + tail + BATCH_TAIL_HEAD_VERSION + 4U) == 0) ||
        *n > CLOAK_BATCH_ITEMS_MAX || blob_len != cloak_batch_len(blob[BATCH_OFF_VAULT_ID], *n)) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

int cloak__batch_item_layout(const uint8_t *item, size_t item_len)
{
    int rc = cloak__header_check(item, item_len, CLOAK_TYPE_BATCH_ITEM);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (cloak_batch_item_opened_maxlen(item_len) == 0) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}
