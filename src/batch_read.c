/*
 * The batch reader (docs/protocol.md 9.1 to 9.3). verify checks the blob and turns its manifest into
 * tags the caller keeps: tag_i = HMAC(mac_key, u32(i) || manifest entry i), truncated to 16 bytes,
 * under a random key that only the state holds. open_item then needs neither the blob nor the
 * manifest: an item opens only if its digest gives back tag_i, and no bytes the caller passes after
 * verify can produce a valid tag for an item the creator did not sign. A tag is zeroed once its item
 * has opened, so a repeated item fails as one that was never signed.
 *
 * The state keeps O(1) data (the HPKE context, the keyed MAC, bytes 0 to 157 + L of the blob) and is
 * read-only after check: items may be opened from several threads, each index by one of them.
 */
#include <string.h>

#include <sodium.h>

#include "batch_format.h"
#include "declassify.h"

static uint64_t load64_be(const uint8_t in[8])
{
    return ((uint64_t)cloak__load32_be(in) << 32) | (uint64_t)cloak__load32_be(in + 4U);
}

/* The reader's state if `reader` is one (verified; also checked when `checked` is asked), else NULL. */
static const batch_state *reader_state(const cloak_batch *reader, int checked)
{
    const batch_state *s;

    if (reader == NULL) {
        return NULL;
    }
    s = batch_state_of_const(reader);
    if (!batch_state_is(reader, s, BATCH_ROLE_READER) || (checked && s->checked != 1U)) {
        return NULL;
    }
    return s;
}

int cloak_batch_count(uint32_t *item_count, const uint8_t *blob, size_t blob_len)
{
    size_t prefix_len;
    int rc = CLOAK_E_BAD_PARAMS;

    /* An output inside the blob is refused untouched: clearing it would write into the input. */
    if (cloak__overlaps(item_count, sizeof *item_count, blob, blob_len)) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (item_count == NULL) {
        goto done;
    }
    rc = cloak__batch_layout(&prefix_len, item_count, blob, blob_len, 0);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(item_count, sizeof *item_count);
    }
    return rc;
}

int cloak_batch_sender(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const uint8_t *blob,
                       size_t blob_len)
{
    size_t prefix_len;
    uint32_t n;
    int rc = CLOAK_E_BAD_PARAMS;

    if (cloak__overlaps(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES, blob, blob_len)) {
        return CLOAK_E_BAD_PARAMS; /* refused untouched, as in cloak_batch_count() */
    }
    if (identity_public_key == NULL) {
        goto done;
    }
    rc = cloak__batch_layout(&prefix_len, &n, blob, blob_len, 0);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(identity_public_key, blob + batch_off_creator(blob), CLOAK_IDENTITY_PUBLICKEYBYTES);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }
    return rc;
}

int cloak_batch_item_index(uint32_t *index, const uint8_t *item, size_t item_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (cloak__overlaps(index, sizeof *index, item, item_len)) {
        return CLOAK_E_BAD_PARAMS; /* refused untouched, as in cloak_batch_count() */
    }
    if (index == NULL) {
        goto done;
    }
    rc = cloak__batch_item_layout(item, item_len, 0);
    if (rc != CLOAK_OK) {
        goto done;
    }
    *index = cloak__load32_be(item + ITEM_OFF_INDEX);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(index, sizeof *index);
    }
    return rc;
}

/* tag = HMAC(mac_key, u32(index) || digest)[0..16), from the reader's HMAC state, already keyed
 * (copied, so the keyed state is only read and items may open from several threads). */
static void item_tag(uint8_t tag[CLOAK_BATCH_TAGBYTES], const crypto_auth_hmacsha256_state *keyed, uint32_t index,
                     const uint8_t digest[CLOAK_BATCH_DIGESTBYTES])
{
    crypto_auth_hmacsha256_state st;
    uint8_t index_be[4];
    uint8_t full[crypto_auth_hmacsha256_BYTES];

    memcpy(&st, keyed, sizeof st);
    cloak__store32_be(index_be, index);
    crypto_auth_hmacsha256_update(&st, index_be, sizeof index_be);
    crypto_auth_hmacsha256_update(&st, digest, CLOAK_BATCH_DIGESTBYTES);
    crypto_auth_hmacsha256_final(&st, full);
    memcpy(tag, full, CLOAK_BATCH_TAGBYTES);
    cloak__wipe(full, sizeof full);
    cloak__wipe(&st, sizeof st);
}

static int batch_verify(cloak_batch *reader, uint8_t *tags, size_t tags_len, const uint8_t *blob, size_t blob_len,
                        const uint8_t *vault_id, size_t vault_id_len, uint32_t suite, const uint8_t *account_public_key,
                        const uint8_t account_secret_key[32], const uint8_t *trusted, size_t trusted_count)
{
    batch_state *s;
    uint8_t binding[BATCH_BINDINGBYTES];
    size_t v, creator;
    uint8_t mac_key[BATCH_MAC_KEYBYTES];
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t content[BATCH_CONTENT_MAX] = {0}; /* set in full: the layout check reads only what was copied */
    uint8_t signature[CLOAK_SIGNATUREBYTES];
    uint8_t entry[CLOAK_BATCH_DIGESTBYTES];
    uint8_t info[BATCH_INFO_MAX];
    crypto_generichash_state manifest_hash;
    size_t info_len;
    size_t prefix_len = 0;
    size_t manifest_len;
    size_t i;
    uint32_t n = 0;
    int trusted_found;
    int rc = CLOAK_E_BAD_PARAMS;

    /* The state is built in place, from zero (padding included). */
    cloak__wipe(reader, sizeof *reader);
    if (reader == NULL || (tags == NULL && tags_len > 0) || vault_id == NULL || vault_id_len == 0 ||
        vault_id_len > CLOAK_LABELBYTES_MAX || account_public_key == NULL || account_secret_key == NULL ||
        (trusted == NULL && trusted_count > 0) || trusted_count > SIZE_MAX / CLOAK_IDENTITY_PUBLICKEYBYTES) {
        goto done;
    }
    /* Tags inside the blob or the reader: zeroing them on failure would write into those. */
    if (cloak__overlaps(tags, tags_len, blob, blob_len) || cloak__overlaps(tags, tags_len, reader, sizeof *reader)) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Every byte of the caller's blob is read once: the part before the manifest is copied first and
     * everything below reads the copy, each manifest entry is copied once to feed both the signed
     * hash and its tag, and the signature is copied once. A blob that changes during the call cannot
     * put an unsigned byte into the state. A NULL blob is what the header check says of one:
     * MALFORMED with length 0, BAD_PARAMS otherwise. */
    if (blob == NULL) {
        rc = blob_len == 0 ? CLOAK_E_MALFORMED : CLOAK_E_BAD_PARAMS;
        goto done;
    }
    memcpy(content, blob, blob_len < BATCH_PREFIX_MAX ? blob_len : BATCH_PREFIX_MAX);
    rc = cloak__batch_layout(&prefix_len, &n, content, blob_len, suite);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (tags_len != cloak_batch_tags_len(n)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    manifest_len = CLOAK_BATCH_DIGESTBYTES * (size_t)n;

    /* Key ids, vault ids and the trusted identities are public: compared in variable time. */
    cloak__encryption_key_id_and_binding(key_id, binding, suite, account_public_key);
    if (memcmp(key_id, content + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
        rc = CLOAK_E_WRONG_KEY;
        goto done;
    }
    v = batch_off_vault_id(content);
    creator = batch_off_creator(content);
    if (content[v] != vault_id_len || memcmp(content + v + 1U, vault_id, vault_id_len) != 0) {
        rc = CLOAK_E_MISMATCH;
        goto done;
    }
    trusted_found = 0;
    for (i = 0; i < trusted_count && !trusted_found; i++) {
        trusted_found = memcmp(trusted + i * CLOAK_IDENTITY_PUBLICKEYBYTES, content + creator,
                               CLOAK_IDENTITY_PUBLICKEYBYTES) == 0;
    }
    if (!trusted_found) {
        rc = CLOAK_E_UNTRUSTED_SIGNER;
        goto done;
    }

    /* One pass over the manifest: each entry feeds the signed hash and its tag (tags written now are
     * wiped below if the signature does not verify). */
    s = batch_state_of(reader);
    randombytes_buf(mac_key, sizeof mac_key);
    crypto_auth_hmacsha256_init(&s->mac, mac_key, sizeof mac_key);
    crypto_generichash_init(&manifest_hash, NULL, 0, CLOAK_BATCH_DIGESTBYTES);
    /* tags is NULL only for n == 0 (tags_len is 16n): the test tells the analyser as much. */
    for (i = 0; tags != NULL && i < (size_t)n; i++) {
        memcpy(entry, blob + prefix_len + i * CLOAK_BATCH_DIGESTBYTES, sizeof entry);
        crypto_generichash_update(&manifest_hash, entry, sizeof entry);
        item_tag(tags + i * CLOAK_BATCH_TAGBYTES, &s->mac, (uint32_t)i, entry);
    }
    crypto_generichash_final(&manifest_hash, content + prefix_len, CLOAK_BATCH_DIGESTBYTES);
    memcpy(signature, blob + prefix_len + manifest_len, sizeof signature);
    if (cloak__verify_labeled(signature, CLOAK_LABEL_SIG_BATCH, content, prefix_len + CLOAK_BATCH_DIGESTBYTES,
                              content + creator) != CLOAK_OK) {
        rc = CLOAK_E_BAD_SIGNATURE;
        goto done;
    }

    /* The creator signed it: the HPKE info binds it again, so a batch re-signed by another trusted
     * identity opens nothing. */
    rc = cloak__encryption_public_key_check(suite, account_public_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    info_len = cloak__batch_hpke_info(info, binding, content);
    rc = cloak__hpke_base_recipient(&s->hpke, suite, content + BATCH_OFF_ENC, account_public_key, account_secret_key,
                                    info, info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak__wipe(s->hpke.exporter_secret, sizeof s->hpke.exporter_secret);

    memcpy(s->prefix, content, prefix_len);
    s->prefix_len = (uint16_t)prefix_len;
    s->count = n;
    s->checked = 0;
    cloak__state_set(&s->head, reader, BATCH_ROLE_READER);

done:
    cloak__wipe(mac_key, sizeof mac_key);
    cloak__wipe(&manifest_hash, sizeof manifest_hash);
    if (rc != CLOAK_OK) {
        cloak__wipe(reader, sizeof *reader);
        cloak__wipe(tags, tags_len);
    }
    return rc;
}

int cloak_batch_verify(cloak_batch *reader, uint8_t *tags, size_t tags_len, const uint8_t *blob, size_t blob_len,
                       const uint8_t *vault_id, size_t vault_id_len,
                       const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                       const uint8_t account_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], const uint8_t *trusted,
                       size_t trusted_count)
{
    return batch_verify(reader, tags, tags_len, blob, blob_len, vault_id, vault_id_len, CLOAK_SUITE_X25519,
                        account_public_key, account_secret_key, trusted, trusted_count);
}

int cloak_batch_verify_xwing(cloak_batch *reader, uint8_t *tags, size_t tags_len, const uint8_t *blob,
                             size_t blob_len, const uint8_t *vault_id, size_t vault_id_len,
                             const uint8_t account_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                             const uint8_t account_secret_key[CLOAK_XWING_SECRETKEYBYTES], const uint8_t *trusted,
                             size_t trusted_count)
{
    return batch_verify(reader, tags, tags_len, blob, blob_len, vault_id, vault_id_len, CLOAK_SUITE_XWING,
                        account_public_key, account_secret_key, trusted, trusted_count);
}

int cloak_batch_check(cloak_batch *reader, uint32_t min_epoch, uint64_t min_head_version, uint64_t now)
{
    batch_state *s;
    size_t tail;

    if (reader == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (reader_state(reader, 0) == NULL) {
        return CLOAK_E_BAD_STATE;
    }
    s = batch_state_of(reader);
    tail = batch_tail_offset(s->prefix);
    /* A failed check leaves the reader unchecked, even if an earlier check passed. */
    s->checked = 0;
    if (cloak__load32_be(s->prefix + tail + BATCH_TAIL_EPOCH) < min_epoch ||
        load64_be(s->prefix + tail + BATCH_TAIL_HEAD_VERSION) < min_head_version) {
        return CLOAK_E_STALE;
    }
    if (now > load64_be(s->prefix + tail + BATCH_TAIL_EXPIRY)) {
        return CLOAK_E_EXPIRED;
    }
    s->checked = 1;
    return CLOAK_OK;
}

size_t cloak_batch_item_count(const cloak_batch *reader)
{
    const batch_state *s = reader_state(reader, 0);

    return s == NULL ? 0U : (size_t)s->count;
}

void cloak_batch_signer(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const cloak_batch *reader)
{
    const batch_state *s = reader_state(reader, 0);

    if (identity_public_key == NULL) {
        return;
    }
    if (s == NULL) {
        cloak__wipe(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
        return;
    }
    memcpy(identity_public_key, s->prefix + batch_off_creator(s->prefix), CLOAK_IDENTITY_PUBLICKEYBYTES);
}

uint32_t cloak_batch_epoch(const cloak_batch *reader)
{
    const batch_state *s = reader_state(reader, 0);

    return s == NULL ? 0U : cloak__load32_be(s->prefix + batch_tail_offset(s->prefix) + BATCH_TAIL_EPOCH);
}

uint64_t cloak_batch_head_version(const cloak_batch *reader)
{
    const batch_state *s = reader_state(reader, 0);

    return s == NULL ? 0U : load64_be(s->prefix + batch_tail_offset(s->prefix) + BATCH_TAIL_HEAD_VERSION);
}

void cloak_batch_head_hash(uint8_t head_hash[CLOAK_HEAD_HASHBYTES], const cloak_batch *reader)
{
    const batch_state *s = reader_state(reader, 0);

    if (head_hash == NULL) {
        return;
    }
    if (s == NULL) {
        cloak__wipe(head_hash, CLOAK_HEAD_HASHBYTES);
        return;
    }
    memcpy(head_hash, s->prefix + batch_tail_offset(s->prefix) + BATCH_TAIL_HEAD_HASH, CLOAK_HEAD_HASHBYTES);
}

uint64_t cloak_batch_expiry(const cloak_batch *reader)
{
    const batch_state *s = reader_state(reader, 0);

    return s == NULL ? 0U : load64_be(s->prefix + batch_tail_offset(s->prefix) + BATCH_TAIL_EXPIRY);
}

/* Whether the item's digest gives back tag `index`: 0 if so. The tag array is the caller's; a used
 * tag is zero, which a real tag is with probability 2^-128. */
static int tag_matches(const batch_state *s, const uint8_t *tags, uint32_t index, const uint8_t *item,
                       size_t item_len)
{
    uint8_t digest[CLOAK_BATCH_DIGESTBYTES];
    uint8_t tag[CLOAK_BATCH_TAGBYTES];
    int differ;

    crypto_generichash(digest, sizeof digest, item, item_len, NULL, 0);
    item_tag(tag, &s->mac, index, digest);
    differ = cloak__memcmp_ct(tag, tags + (size_t)index * CLOAK_BATCH_TAGBYTES, CLOAK_BATCH_TAGBYTES);
    cloak__wipe(tag, sizeof tag);
    cloak__wipe(digest, sizeof digest);
    /* Public: whether the item is one the creator signed is the status. */
    cloak__declassify(&differ, sizeof differ);
    return differ;
}

/* Whether every byte of p[0..n) is zero, in time that depends on n only. */
static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

/*
 * The plaintext is lp8(name) || u32(len(value)) || value || zeros, P bytes; it is decrypted straight
 * into `value` (no stack copy, whatever its size), then the value is moved down over the name and
 * the length. So value_cap must hold P bytes, and name_cap the largest name P bytes can hold,
 * min(255, P - 5). Both are checked from the lengths before anything is decrypted.
 */
int cloak_batch_open_item(const cloak_batch *reader, uint8_t *tags, size_t tags_len, const uint8_t *item,
                          size_t item_len, uint8_t *name, size_t name_cap, size_t *name_len, uint8_t *value,
                          size_t value_cap, size_t *value_len)
{
    const batch_state *s;
    size_t padded;
    size_t name_need;
    size_t nl;
    size_t vl;
    int valid;
    uint32_t index;
    int rc = CLOAK_E_BAD_PARAMS;

    /* Outputs over the item, the tags or each other are refused untouched: clearing them would
     * write into an input. */
    if (cloak__overlaps(name, name_cap, value, value_cap) || cloak__overlaps(value, value_cap, item, item_len) ||
        cloak__overlaps(name, name_cap, item, item_len) || cloak__overlaps(tags, tags_len, value, value_cap) ||
        cloak__overlaps(tags, tags_len, name, name_cap)) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (reader == NULL || tags == NULL || name == NULL || name_len == NULL || value == NULL || value_len == NULL) {
        goto fail;
    }
    s = reader_state(reader, 1);
    if (s == NULL) {
        rc = CLOAK_E_BAD_STATE;
        goto fail;
    }
    if (tags_len != cloak_batch_tags_len(s->count)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    rc = cloak__batch_item_layout(item, item_len, cloak__header_suite(s->prefix));
    if (rc != CLOAK_OK) {
        goto fail;
    }
    if (memcmp(item + CLOAK_HEADER_KEYID_OFFSET, s->prefix + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
        rc = CLOAK_E_WRONG_KEY;
        goto fail;
    }
    index = cloak__load32_be(item + ITEM_OFF_INDEX);
    if (memcmp(item + ITEM_OFF_BATCH_ID, s->prefix + BATCH_OFF_BATCH_ID, BATCH_IDBYTES) != 0 || index >= s->count) {
        rc = CLOAK_E_MISMATCH;
        goto fail;
    }
    padded = item_len - ITEM_OVERHEAD;
    name_need = padded - ITEM_PT_FIXED < CLOAK_LABELBYTES_MAX ? padded - ITEM_PT_FIXED : CLOAK_LABELBYTES_MAX;
    if (value_cap < padded || name_cap < name_need) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto fail;
    }
    /* The item must be the one the creator signed, and not opened yet, before anything of it is
     * decrypted. */
    if (tag_matches(s, tags, index, item, item_len) != 0) {
        rc = CLOAK_E_BAD_SIGNATURE;
        goto fail;
    }
    if (cloak__hpke_open_at(&s->hpke, index, value, item, ITEM_OFF_CT, item + ITEM_OFF_CT,
                            item_len - ITEM_OFF_CT) != CLOAK_OK) {
        rc = CLOAK_E_AUTH;
        goto fail;
    }
    /* Public: the name's and value's lengths are outputs. */
    nl = value[0];
    cloak__declassify(&nl, sizeof nl);
    if (nl == 0 || ITEM_PT_FIXED + nl > padded) {
        rc = CLOAK_E_MALFORMED;
        goto fail;
    }
    vl = cloak__load32_be(value + 1U + nl);
    cloak__declassify(&vl, sizeof vl);
    if (vl > padded - ITEM_PT_FIXED - nl) {
        rc = CLOAK_E_MALFORMED;
        goto fail;
    }
    valid = all_zero(value + ITEM_PT_FIXED + nl + vl, padded - ITEM_PT_FIXED - nl - vl);
    /* Public: whether the padding is canonical is the status. */
    cloak__declassify(&valid, sizeof valid);
    if (!valid) {
        rc = CLOAK_E_MALFORMED;
        goto fail;
    }
    memcpy(name, value + 1U, nl);
    memmove(value, value + ITEM_PT_FIXED + nl, vl);
    cloak__wipe(value + vl, value_cap - vl);
    cloak__wipe(name + nl, name_cap - nl);
    /* Used up: the same item, or any other at this index, now fails. */
    cloak__wipe(tags + (size_t)index * CLOAK_BATCH_TAGBYTES, CLOAK_BATCH_TAGBYTES);
    *name_len = nl;
    *value_len = vl;
    return CLOAK_OK;

fail:
    cloak__wipe(name, name_cap);
    cloak__wipe(value, value_cap);
    cloak__wipe(name_len, sizeof *name_len);
    cloak__wipe(value_len, sizeof *value_len);
    return rc;
}

void cloak_batch_wipe(cloak_batch *batch)
{
    cloak__wipe(batch, sizeof *batch);
}
