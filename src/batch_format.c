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

size_t cloak__batch_len_suite(uint32_t suite, size_t vault_id_len, size_t item_count)
{
    const size_t n = cloak__suite_enc_len(suite);

    if (n == 0 || vault_id_len == 0 || vault_id_len > CLOAK_LABELBYTES_MAX || item_count > CLOAK_BATCH_ITEMS_MAX) {
        return 0;
    }
    /* At most 1309 + 255 + 32,000,000: no overflow even with a 32-bit size_t. */
    return BATCH_FIXED(n) + vault_id_len + CLOAK_BATCH_DIGESTBYTES * item_count;
}

size_t cloak_batch_len(size_t vault_id_len, size_t item_count)
{
    return cloak__batch_len_suite(CLOAK_SUITE_X25519, vault_id_len, item_count);
}

size_t cloak_batch_len_xwing(size_t vault_id_len, size_t item_count)
{
    return cloak__batch_len_suite(CLOAK_SUITE_XWING, vault_id_len, item_count);
}

size_t cloak_batch_tags_len(size_t item_count)
{
    return item_count > CLOAK_BATCH_ITEMS_MAX ? 0U : CLOAK_BATCH_TAGBYTES * item_count;
}

size_t cloak__batch_hpke_info(uint8_t info[BATCH_INFO_MAX], const uint8_t binding[BATCH_BINDINGBYTES],
                              const uint8_t *prefix)
{
    const size_t tail = batch_tail_offset(prefix);
    const size_t v = batch_off_vault_id(prefix);
    size_t off = cloak__put_lp8(info, 0, CLOAK_LABEL_HPKE_BATCH, CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_BATCH));

    off = cloak__put(info, off, binding, BATCH_BINDINGBYTES);
    off = cloak__put(info, off, prefix + BATCH_OFF_BATCH_ID, BATCH_IDBYTES);
    /* lp8(vault id), epoch, head version, head hash and expiry lie in this order in the blob too. */
    off = cloak__put(info, off, prefix + v, tail + BATCH_TAIL_COUNT - v);
    return cloak__put(info, off, prefix + batch_off_creator(prefix), CLOAK_IDENTITY_PUBLICKEYBYTES);
}

size_t cloak__batch_signed_content(uint8_t content[BATCH_CONTENT_MAX], const uint8_t *prefix, size_t prefix_len,
                                   const uint8_t *manifest, size_t manifest_len)
{
    memcpy(content, prefix, prefix_len);
    crypto_generichash(content + prefix_len, CLOAK_BATCH_DIGESTBYTES, manifest, manifest_len, NULL, 0);
    return prefix_len + CLOAK_BATCH_DIGESTBYTES;
}

int cloak__batch_layout(size_t *prefix_len, uint32_t *n, const uint8_t *blob, size_t blob_len, uint32_t suite)
{
    size_t tail, v, fixed;
    int rc = suite == 0 ? cloak__header_check_any_suite(blob, blob_len, CLOAK_TYPE_BATCH)
                        : cloak__header_check_suite(blob, blob_len, CLOAK_TYPE_BATCH, suite);

    if (rc != CLOAK_OK) {
        return rc;
    }
    suite = cloak__header_suite(blob);
    fixed = BATCH_FIXED(cloak__suite_enc_len(suite));
    v = batch_off_vault_id(blob);
    if (blob_len < fixed + 1U || blob[v] == 0 || blob_len < fixed + (size_t)blob[v]) {
        return CLOAK_E_MALFORMED;
    }
    tail = batch_tail_offset(blob);
    *prefix_len = tail + BATCH_TAILBYTES;
    *n = cloak__load32_be(blob + tail + BATCH_TAIL_COUNT);
    if (cloak__load32_be(blob + tail + BATCH_TAIL_EPOCH) == 0 ||
        (cloak__load32_be(blob + tail + BATCH_TAIL_HEAD_VERSION) == 0 &&
         cloak__load32_be(blob + tail + BATCH_TAIL_HEAD_VERSION + 4U) == 0) ||
        *n > CLOAK_BATCH_ITEMS_MAX || blob_len != cloak__batch_len_suite(suite, blob[v], *n)) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

int cloak__batch_item_layout(const uint8_t *item, size_t item_len, uint32_t suite)
{
    int rc = suite == 0 ? cloak__header_check_any_suite(item, item_len, CLOAK_TYPE_BATCH_ITEM)
                        : cloak__header_check_suite(item, item_len, CLOAK_TYPE_BATCH_ITEM, suite);

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (cloak_batch_item_opened_maxlen(item_len) == 0) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

int cloak__batch_header(const uint8_t *blob, size_t blob_len, uint32_t *suite, uint32_t *epoch)
{
    size_t prefix_len;
    uint32_t n;
    const int rc = cloak__batch_layout(&prefix_len, &n, blob, blob_len, 0);

    if (rc != CLOAK_OK) {
        return rc;
    }
    *suite = cloak__header_suite(blob);
    *epoch = cloak__load32_be(blob + batch_tail_offset(blob) + BATCH_TAIL_EPOCH);
    return CLOAK_OK;
}
