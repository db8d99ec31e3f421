/*
 * Service-account batches (docs/protocol.md section 9): one HPKE encapsulation to the account per
 * batch, items sealed at the sequence number equal to their index, and a manifest of the items'
 * digests signed by the creator's identity.
 *
 * One caller-owned cloak_batch serves as writer (begin, seal_item, finish) or reader (verify,
 * open_item). A role tag inside refuses a state used in the other role, after finish or after wipe.
 *
 * The reader state cannot hold a manifest of up to a million digests, so open_item is given the
 * batch blob again and reads manifest entry i from it. It checks that the blob has the verified
 * length and signature (another batch fails with MISMATCH), but does not hash the manifest again,
 * which would make opening n items quadratic: the caller must pass the very bytes it verified.
 */
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

/* Batch blob offsets (section 9.1). */
#define BATCH_IDBYTES 16U
#define OFF_BATCH_ID 20U
#define OFF_ENC 36U
#define OFF_CREATOR 68U
#define OFF_VAULT_ID 100U                                  /* lp8(vault id) */
#define PREFIX_FIXED 105U                                  /* bytes 0..105+L minus L */
#define PREFIX_MAX (PREFIX_FIXED + CLOAK_LABELBYTES_MAX)
#define BATCH_FIXED (PREFIX_FIXED + CLOAK_SIGNATUREBYTES)  /* 169 + L + 32n */

/* Item offsets (section 9.2). */
#define ITEM_OFF_BATCH_ID 20U
#define ITEM_OFF_INDEX 36U
#define ITEM_OFF_CT 40U                                    /* also the aad length */
#define ITEM_MINBYTES (CLOAK_BATCH_ITEM_OVERHEADBYTES + 1U) /* a name of at least one byte */

#define INFO_MAX (1U + CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_BATCH) + CLOAK_ENCRYPTION_PUBLICKEYBYTES + \
                  BATCH_IDBYTES + 1U + CLOAK_LABELBYTES_MAX)

/* Role tags: any other value (a wiped or never-initialised state) is refused. */
#define ROLE_WRITER 0x63627772U
#define ROLE_READER 0x63627264U

typedef struct CLOAK_STATE_LAYOUT batch_state {
    uint32_t role;
    uint32_t count;                /* writer: items sealed so far; reader: n */
    uint64_t blob_len;            /* reader: length of the verified blob */
    cloak__hpke_ctx hpke;          /* key and base nonce; the exporter secret is wiped */
    uint16_t prefix_len;           /* 105 + L */
    uint8_t prefix[PREFIX_MAX];    /* bytes 0..105+L of the batch blob */
    uint8_t signature[CLOAK_SIGNATUREBYTES]; /* reader: the verified signature */
} batch_state;

CLOAK_STATE_ACCESSORS(cloak_batch, batch_state, state_of)
_Static_assert(PREFIX_FIXED + CLOAK_LABELBYTES_MAX + CLOAK_BATCH_DIGESTBYTES <= CLOAK_SIGNED_CONTENT_MAX,
               "batch signed content exceeds the signing bound");

/* The role tag, and that the prefix is self-consistent, so a corrupted state is refused. */
static int state_is(const batch_state *s, uint32_t role)
{
    return s->role == role && s->prefix_len > PREFIX_FIXED && s->prefix_len <= PREFIX_MAX &&
           (size_t)s->prefix[OFF_VAULT_ID] + PREFIX_FIXED == s->prefix_len;
}

size_t cloak__batch_info(uint8_t *info, const uint8_t account_public_key[32], const uint8_t *batch_id,
                         const uint8_t *lp8_vault_id)
{
    _Static_assert(INFO_MAX <= CLOAK_BATCH_INFO_MAXBYTES, "batch info bound");
    size_t off = cloak__put_lp8(info, 0, CLOAK_LABEL_HPKE_BATCH, CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_BATCH));
    off = cloak__put(info, off, account_public_key, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    off = cloak__put(info, off, batch_id, BATCH_IDBYTES);
    return cloak__put_lp8(info, off, lp8_vault_id + 1U, lp8_vault_id[0]);
}

/* content = bytes 0..105+L || BLAKE2b-256(manifest) */
static size_t batch_signed_content(uint8_t content[PREFIX_MAX + CLOAK_BATCH_DIGESTBYTES], const uint8_t *prefix,
                                   size_t prefix_len, const uint8_t *manifest, size_t manifest_len)
{
    memcpy(content, prefix, prefix_len);
    crypto_generichash(content + prefix_len, CLOAK_BATCH_DIGESTBYTES, manifest, manifest_len, NULL, 0);
    return prefix_len + CLOAK_BATCH_DIGESTBYTES;
}

size_t cloak_batch_item_len(size_t name_len, size_t value_len)
{
    if (name_len == 0 || name_len > CLOAK_LABELBYTES_MAX ||
        value_len > SIZE_MAX - CLOAK_BATCH_ITEM_OVERHEADBYTES - name_len) {
        return 0;
    }
    return CLOAK_BATCH_ITEM_OVERHEADBYTES + name_len + value_len;
}

size_t cloak_batch_len(size_t vault_id_len, size_t item_count)
{
    if (vault_id_len == 0 || vault_id_len > CLOAK_LABELBYTES_MAX || item_count > CLOAK_BATCH_ITEMS_MAX) {
        return 0;
    }
    /* At most 169 + 255 + 32,000,000: no overflow even with a 32-bit size_t. */
    return BATCH_FIXED + vault_id_len + CLOAK_BATCH_DIGESTBYTES * item_count;
}

/* ------------------------------------------------------------------------------------------------
 * Writer
 * ---------------------------------------------------------------------------------------------- */

int cloak_batch_begin(cloak_batch *batch, const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                      const uint8_t *vault_id, size_t vault_id_len)
{
    batch_state *s;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t info[INFO_MAX];
    size_t info_len;
    int rc = CLOAK_E_BAD_PARAMS;

    /* The state is built in place, from zero (padding included). */
    cloak__wipe(batch, sizeof *batch);
    if (batch == NULL || account_public_key == NULL || vault_id == NULL || vault_id_len == 0 ||
        vault_id_len > CLOAK_LABELBYTES_MAX) {
        goto done;
    }
    s = state_of(batch);

    cloak__public_key_id(key_id, account_public_key);
    cloak__header_write(s->prefix, CLOAK_TYPE_BATCH, key_id);
    randombytes_buf(s->prefix + OFF_BATCH_ID, BATCH_IDBYTES);
    /* Creator (68..100) and n (101+L..105+L) are filled in by finish. */
    s->prefix[OFF_VAULT_ID] = (uint8_t)vault_id_len;
    memcpy(s->prefix + OFF_VAULT_ID + 1U, vault_id, vault_id_len);
    s->prefix_len = (uint16_t)(PREFIX_FIXED + vault_id_len);

    info_len = cloak__batch_info(info, account_public_key, s->prefix + OFF_BATCH_ID, s->prefix + OFF_VAULT_ID);
    rc = cloak__hpke_base_sender(&s->hpke, s->prefix + OFF_ENC, account_public_key, info, info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak__wipe(s->hpke.exporter_secret, sizeof s->hpke.exporter_secret);
    s->count = 0;
    s->role = ROLE_WRITER;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(batch, sizeof *batch);
    }
    return rc;
}

int cloak_batch_seal_item(cloak_batch *batch, uint8_t *item, size_t item_cap, size_t *item_len,
                          uint8_t digest[CLOAK_BATCH_DIGESTBYTES], const uint8_t *name, size_t name_len,
                          const uint8_t *value, size_t value_len)
{
    batch_state *s;
    size_t len;
    size_t pt_len;
    uint32_t index;
    int rc = CLOAK_E_BAD_PARAMS;

    if (batch == NULL || item == NULL || item_len == NULL || digest == NULL || name == NULL ||
        (value == NULL && value_len > 0)) {
        goto fail;
    }
    s = state_of(batch);
    len = cloak_batch_item_len(name_len, value_len);
    if (!state_is(s, ROLE_WRITER) || s->count >= CLOAK_BATCH_ITEMS_MAX || len == 0 ||
        len - ITEM_OFF_CT - CLOAK_AEAD_TAGBYTES > crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX) {
        goto fail;
    }
    if (item_cap < len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto fail;
    }
    index = s->count;
    pt_len = len - ITEM_OFF_CT - CLOAK_AEAD_TAGBYTES;

    cloak__header_write(item, CLOAK_TYPE_BATCH_ITEM, s->prefix + CLOAK_HEADER_KEYID_OFFSET);
    memcpy(item + ITEM_OFF_BATCH_ID, s->prefix + OFF_BATCH_ID, BATCH_IDBYTES);
    cloak__store32_be(item + ITEM_OFF_INDEX, index);
    /* The plaintext lp8(name) || value is laid out in the output and sealed in place: the value is
     * copied once, whatever its size, with no stack copy. memmove: a caller may have placed it there. */
    if (value_len > 0) {
        memmove(item + ITEM_OFF_CT + 1U + name_len, value, value_len);
    }
    item[ITEM_OFF_CT] = (uint8_t)name_len;
    memcpy(item + ITEM_OFF_CT + 1U, name, name_len);
    cloak__hpke_seal_at(&s->hpke, index, item + ITEM_OFF_CT, item, ITEM_OFF_CT, item + ITEM_OFF_CT, pt_len);
    crypto_generichash(digest, CLOAK_BATCH_DIGESTBYTES, item, len, NULL, 0);

    s->count = index + 1U;
    *item_len = len;
    return CLOAK_OK;

fail:
    cloak__wipe(item, item_cap);
    cloak__wipe(item_len, sizeof *item_len);
    cloak__wipe(digest, CLOAK_BATCH_DIGESTBYTES);
    return rc;
}

int cloak_batch_finish(cloak_batch *batch, uint8_t *out, size_t out_cap, size_t *out_len, const uint8_t *digests,
                       size_t item_count, const uint8_t creator_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    batch_state *s;
    uint8_t creator_pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t creator_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t content[PREFIX_MAX + CLOAK_BATCH_DIGESTBYTES];
    size_t content_len;
    size_t len;
    size_t prefix_len;
    size_t manifest_len;
    int keys_match;
    int rc;

    if (batch == NULL || out == NULL || out_len == NULL || (digests == NULL && item_count > 0) ||
        creator_identity_secret_key == NULL) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    s = state_of(batch);
    if (!state_is(s, ROLE_WRITER) || item_count != s->count) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    /* A secret key whose second half is not its seed's public key signs under the wrong key: the
     * batch would never verify, and such signatures leak the seed's scalar. One base-point
     * multiplication per batch is negligible next to its items. */
    crypto_sign_seed_keypair(creator_pk, creator_sk, creator_identity_secret_key);
    /* Public: the creator's public key, written into the batch. */
    cloak__declassify(creator_pk, sizeof creator_pk);
    keys_match = cloak__memcmp_ct(creator_pk, creator_identity_secret_key + CLOAK_IDENTITY_SEEDBYTES,
                                  CLOAK_IDENTITY_PUBLICKEYBYTES) == 0;
    cloak__wipe(creator_sk, sizeof creator_sk);
    if (!keys_match) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    prefix_len = s->prefix_len;
    len = cloak_batch_len(prefix_len - PREFIX_FIXED, item_count);
    if (out_cap < len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto fail;
    }
    manifest_len = CLOAK_BATCH_DIGESTBYTES * item_count;

    memcpy(s->prefix + OFF_CREATOR, creator_pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
    cloak__store32_be(s->prefix + prefix_len - 4U, (uint32_t)item_count);
    /* Manifest first: memmove, and before the prefix, in case the digests live in `out`. */
    if (manifest_len > 0) {
        memmove(out + prefix_len, digests, manifest_len);
    }
    memcpy(out, s->prefix, prefix_len);
    content_len = batch_signed_content(content, out, prefix_len, out + prefix_len, manifest_len);
    cloak__sign_labeled(out + prefix_len + manifest_len, CLOAK_LABEL_SIG_BATCH, content, content_len,
                        creator_identity_secret_key);
    cloak__wipe(content, sizeof content);
    cloak__wipe(batch, sizeof *batch);
    *out_len = len;
    return CLOAK_OK;

fail:
    cloak__wipe(batch, sizeof *batch);
    cloak__wipe(out, out_cap);
    cloak__wipe(out_len, sizeof *out_len);
    return rc;
}

/* ------------------------------------------------------------------------------------------------
 * Reader
 * ---------------------------------------------------------------------------------------------- */

/* Header and exact length of a batch blob: 169 + L + 32n, with L in 1..255 and n at most
 * CLOAK_BATCH_ITEMS_MAX. Gives bytes 0..105+L's length and n. */
static int batch_layout(size_t *prefix_len, uint32_t *n, const uint8_t *blob, size_t blob_len)
{
    int rc = cloak__header_check(blob, blob_len, CLOAK_TYPE_BATCH);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob_len < BATCH_FIXED + 1U || blob[OFF_VAULT_ID] == 0 ||
        blob_len < BATCH_FIXED + (size_t)blob[OFF_VAULT_ID]) {
        return CLOAK_E_MALFORMED;
    }
    *prefix_len = PREFIX_FIXED + (size_t)blob[OFF_VAULT_ID];
    *n = cloak__load32_be(blob + *prefix_len - 4U);
    if (*n > CLOAK_BATCH_ITEMS_MAX || blob_len != cloak_batch_len(*prefix_len - PREFIX_FIXED, *n)) {
        return CLOAK_E_MALFORMED;
    }
    return CLOAK_OK;
}

int cloak_batch_sender(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const uint8_t *blob,
                       size_t blob_len)
{
    size_t prefix_len;
    uint32_t n;
    int rc = CLOAK_E_BAD_PARAMS;

    if (identity_public_key == NULL) {
        goto done;
    }
    if (cloak__overlaps(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES, blob, blob_len)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    rc = batch_layout(&prefix_len, &n, blob, blob_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(identity_public_key, blob + OFF_CREATOR, CLOAK_IDENTITY_PUBLICKEYBYTES);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }
    return rc;
}

int cloak_batch_item_index(uint32_t *index, const uint8_t *item, size_t item_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (index == NULL || cloak__overlaps(index, sizeof *index, item, item_len)) {
        goto done;
    }
    rc = cloak__header_check(item, item_len, CLOAK_TYPE_BATCH_ITEM);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (item_len < ITEM_MINBYTES) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    *index = cloak__load32_be(item + ITEM_OFF_INDEX);

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(index, sizeof *index);
    }
    return rc;
}

int cloak_batch_verify(cloak_batch *reader, const uint8_t *blob, size_t blob_len,
                       const uint8_t account_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                       const uint8_t account_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], const uint8_t *trusted,
                       size_t trusted_count)
{
    batch_state *s;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t content[PREFIX_MAX + CLOAK_BATCH_DIGESTBYTES];
    uint8_t info[INFO_MAX];
    size_t content_len;
    size_t info_len;
    size_t prefix_len;
    size_t manifest_len;
    size_t i;
    uint32_t n;
    int trusted_found;
    int rc = CLOAK_E_BAD_PARAMS;

    /* The state is built in place, from zero (padding included). */
    cloak__wipe(reader, sizeof *reader);
    if (reader == NULL) {
        goto done;
    }
    /* A NULL blob is left to the header check: MALFORMED with length 0, BAD_PARAMS otherwise. */
    if (account_public_key == NULL || account_secret_key == NULL || (trusted == NULL && trusted_count > 0) || trusted_count > SIZE_MAX / CLOAK_IDENTITY_PUBLICKEYBYTES) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    rc = batch_layout(&prefix_len, &n, blob, blob_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    manifest_len = CLOAK_BATCH_DIGESTBYTES * (size_t)n;

    cloak__public_key_id(key_id, account_public_key);
    if (cloak__memcmp_ct(key_id, blob + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
        rc = CLOAK_E_WRONG_KEY;
        goto done;
    }
    /* Every entry is compared, so the time does not tell which one matched. */
    trusted_found = 0;
    for (i = 0; i < trusted_count; i++) {
        trusted_found |= cloak__memcmp_ct(trusted + i * CLOAK_IDENTITY_PUBLICKEYBYTES, blob + OFF_CREATOR,
                                          CLOAK_IDENTITY_PUBLICKEYBYTES) == 0;
    }
    if (!trusted_found) {
        rc = CLOAK_E_UNTRUSTED_SIGNER;
        goto done;
    }
    content_len = batch_signed_content(content, blob, prefix_len, blob + prefix_len, manifest_len);
    rc = cloak__verify_labeled(blob + prefix_len + manifest_len, CLOAK_LABEL_SIG_BATCH, content, content_len,
                               blob + OFF_CREATOR);
    if (rc != CLOAK_OK) {
        rc = CLOAK_E_BAD_SIGNATURE;
        goto done;
    }

    s = state_of(reader);
    info_len = cloak__batch_info(info, account_public_key, blob + OFF_BATCH_ID, blob + OFF_VAULT_ID);
    rc = cloak__hpke_base_recipient(&s->hpke, blob + OFF_ENC, account_public_key, account_secret_key, info,
                                    info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak__wipe(s->hpke.exporter_secret, sizeof s->hpke.exporter_secret);
    memcpy(s->prefix, blob, prefix_len);
    s->prefix_len = (uint16_t)prefix_len;
    memcpy(s->signature, blob + prefix_len + manifest_len, CLOAK_SIGNATUREBYTES);
    s->blob_len = (uint64_t)blob_len;
    s->count = n;
    s->role = ROLE_READER;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(reader, sizeof *reader);
    }
    return rc;
}

size_t cloak_batch_item_count(const cloak_batch *reader)
{
    const batch_state *s;

    if (reader == NULL) {
        return 0;
    }
    s = state_of_const(reader);
    return state_is(s, ROLE_READER) ? (size_t)s->count : 0;
}

void cloak_batch_signer(uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const cloak_batch *reader)
{
    const batch_state *s;

    if (identity_public_key == NULL || reader == NULL || !state_is(state_of_const(reader), ROLE_READER)) {
        cloak__wipe(identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
        return;
    }
    s = state_of_const(reader);
    memcpy(identity_public_key, s->prefix + OFF_CREATOR, CLOAK_IDENTITY_PUBLICKEYBYTES);
}

/*
 * The plaintext is lp8(name) || value; it is decrypted straight into `value` (no stack copy, whatever
 * the value's size), then the value is moved down over lp8(name). So value_cap must hold the whole
 * plaintext, item_len - 56 bytes (one more than name + value), and name_cap the largest name the item
 * can hold, min(255, item_len - 57), or expected_name_len when a name is expected. Both are checked
 * from the lengths before anything is decrypted.
 */
int cloak_batch_open_item(const cloak_batch *reader, const uint8_t *blob, size_t blob_len,
                          const uint8_t *item, size_t item_len, const uint8_t *expected_name,
                          size_t expected_name_len, uint8_t *name, size_t name_cap, size_t *name_len,
                          uint8_t *value, size_t value_cap, size_t *value_len)
{
    const batch_state *s;
    uint8_t digest[CLOAK_BATCH_DIGESTBYTES];
    size_t pt_len;
    size_t name_need;
    size_t nl;
    size_t vl;
    uint32_t index;
    int rc;

    if (reader == NULL || blob == NULL || name_len == NULL || value_len == NULL ||
        (name == NULL && name_cap > 0) || (value == NULL && value_cap > 0) ||
        (expected_name != NULL && (expected_name_len == 0 || expected_name_len > CLOAK_LABELBYTES_MAX)) ||
        (expected_name == NULL && expected_name_len > 0)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }
    s = state_of_const(reader);
    if (!state_is(s, ROLE_READER)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto fail;
    }

    rc = cloak__header_check(item, item_len, CLOAK_TYPE_BATCH_ITEM);
    if (rc != CLOAK_OK) {
        goto fail;
    }
    if (item_len < ITEM_MINBYTES ||
        item_len - ITEM_OFF_CT - CLOAK_AEAD_TAGBYTES > crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX) {
        rc = CLOAK_E_MALFORMED;
        goto fail;
    }
    if (cloak__memcmp_ct(item + CLOAK_HEADER_KEYID_OFFSET, s->prefix + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
        rc = CLOAK_E_WRONG_KEY;
        goto fail;
    }
    index = cloak__load32_be(item + ITEM_OFF_INDEX);
    if (cloak__memcmp_ct(item + ITEM_OFF_BATCH_ID, s->prefix + OFF_BATCH_ID, BATCH_IDBYTES) != 0 ||
        index >= s->count) {
        rc = CLOAK_E_MISMATCH;
        goto fail;
    }
    if ((uint64_t)blob_len != s->blob_len ||
        cloak__memcmp_ct(blob + blob_len - CLOAK_SIGNATUREBYTES, s->signature, CLOAK_SIGNATUREBYTES) != 0) {
        rc = CLOAK_E_MISMATCH;
        goto fail;
    }
    /* The item must be the one the creator signed before anything of it is decrypted. */
    crypto_generichash(digest, sizeof digest, item, item_len, NULL, 0);
    rc = cloak__memcmp_ct(digest, blob + s->prefix_len + (size_t)index * CLOAK_BATCH_DIGESTBYTES,
                          CLOAK_BATCH_DIGESTBYTES);
    cloak__wipe(digest, sizeof digest);
    if (rc != 0) {
        rc = CLOAK_E_BAD_SIGNATURE;
        goto fail;
    }

    pt_len = item_len - ITEM_OFF_CT - CLOAK_AEAD_TAGBYTES;
    if (expected_name != NULL) {
        name_need = expected_name_len;
    } else {
        name_need = pt_len - 1U < CLOAK_LABELBYTES_MAX ? pt_len - 1U : CLOAK_LABELBYTES_MAX;
    }
    if (value_cap < pt_len || name_cap < name_need) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto fail;
    }

    rc = cloak__hpke_open_at(&s->hpke, index, value, item, ITEM_OFF_CT, item + ITEM_OFF_CT,
                             item_len - ITEM_OFF_CT);
    if (rc != CLOAK_OK) {
        rc = CLOAK_E_AUTH;
        goto fail;
    }
    /* Public: the name's length is an output (name_len), and with it the value's. The layout
     * does not hide them: the item's length is their sum plus the overhead. */
    nl = value[0];
    cloak__declassify(&nl, sizeof nl);
    if (nl == 0 || nl > pt_len - 1U) {
        rc = CLOAK_E_MALFORMED;
        goto fail;
    }
    if (expected_name != NULL) {
        int differ = nl != expected_name_len;
        if (!differ) {
            differ = cloak__memcmp_ct(value + 1U, expected_name, nl);
            /* Public: whether the item holds the expected name is the status (MISMATCH). Declassified
             * before any use: an unoptimised build branches on each operand of || or ?:. */
            cloak__declassify(&differ, sizeof differ);
        }
        if (differ) {
            rc = CLOAK_E_MISMATCH;
            goto fail;
        }
    }
    vl = pt_len - 1U - nl;
    memcpy(name, value + 1U, nl);
    memmove(value, value + 1U + nl, vl);
    cloak__wipe(value + vl, pt_len - vl);
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

size_t cloak_batch_item_opened_maxlen(size_t item_len)
{
    /* Header, batch id, index and tag around lp8(name) || value; the name is at least one byte. */
    return item_len < CLOAK_BATCH_ITEM_OVERHEADBYTES + 1U ? 0U : item_len - (CLOAK_BATCH_ITEM_OVERHEADBYTES - 1U);
}
