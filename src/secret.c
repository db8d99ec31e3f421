/*
 * Secrets (docs/protocol.md section 7.1): XChaCha20-Poly1305 under the vault's secret key, bound
 * by the associated data to the header, the epoch, the vault id, the secret's name and the
 * caller's context, with the value padded so that the server learns a length bucket only.
 *
 *     blob      = header(20) || u32(epoch) || nonce(24) || Seal(secret_key, nonce, ad, plaintext)
 *     plaintext = u32(len(value)) || value || zeros, pad(4 + len(value)) bytes in all
 *     ad        = bytes 0 to 24 || lp8(vault id) || lp8(name) || lp8(context)
 *
 * Every key is derived once by cloak_vault_init(); a call here builds the associated data on the
 * stack and makes one AEAD call, so it costs what bare XChaCha20-Poly1305 over the padded length
 * costs.
 *
 * Overlapping buffers. The output may not overlap the input blob or value, with one exception per
 * function, the in-place layouts: seal may take value == sealed + 52 (the value already where its
 * plaintext goes), open may write value == sealed + 52, and reseal may write resealed == sealed.
 * Any other overlap is refused with CLOAK_E_BAD_PARAMS. As on every failure, the output buffer is
 * then zeroed, so a failed in-place call destroys its input: keep a copy if it must survive.
 * name and context may overlap anything: they are copied before any output is written.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

#define SECRET_NONCE_OFF CLOAK_SECRET_EPOCH_END
#define SECRET_CT_OFF (SECRET_NONCE_OFF + CLOAK_XNONCEBYTES)
/* Bytes around the padded plaintext: header, epoch, nonce, tag. */
#define SECRET_FRAMEBYTES (SECRET_CT_OFF + CLOAK_AEAD_TAGBYTES)
/* The plaintext's length field, then the value. */
#define SECRET_LENGTHBYTES 4U
#define SECRET_VALUE_OFF (SECRET_CT_OFF + SECRET_LENGTHBYTES)
#define SECRET_AD_MAXBYTES (CLOAK_SECRET_EPOCH_END + 3U * (1U + CLOAK_LABELBYTES_MAX))

_Static_assert(SECRET_FRAMEBYTES == 64U, "secret layout: 64 + pad(4 + value) bytes");

/* Largest padded plaintext whose blob length, and whose AEAD message length, are representable. */
static size_t secret_padded_max(void)
{
    const size_t by_size = SIZE_MAX - SECRET_FRAMEBYTES;
    const size_t by_aead = crypto_aead_xchacha20poly1305_ietf_messagebytes_max();
    return by_size < by_aead ? by_size : by_aead;
}

/* P = pad(4 + value_len), or 0 when there is no such secret (the length field is a u32). */
static size_t padded_len_of_value(size_t value_len)
{
    const size_t p = ((uint64_t)value_len > UINT32_MAX || value_len > SIZE_MAX - SECRET_LENGTHBYTES)
                         ? 0U
                         : cloak__pad_len(SECRET_LENGTHBYTES + value_len);
    return p > secret_padded_max() ? 0U : p;
}

/* P = sealed_len - 64 when that is a valid padded length, else 0. */
static size_t padded_len_of_blob(size_t sealed_len)
{
    if (sealed_len < SECRET_FRAMEBYTES) {
        return 0U;
    }
    const size_t p = sealed_len - SECRET_FRAMEBYTES;
    return cloak__is_pad_len(p) && p <= secret_padded_max() ? p : 0U;
}

size_t cloak_secret_sealed_len(size_t value_len)
{
    const size_t p = padded_len_of_value(value_len);
    return p == 0U ? 0U : p + SECRET_FRAMEBYTES;
}

size_t cloak_secret_opened_len(size_t sealed_len)
{
    const size_t p = padded_len_of_blob(sealed_len);
    return p == 0U ? 0U : p - SECRET_LENGTHBYTES;
}

/* Whether p is exactly base + off (the in-place layouts). */
static int at_offset(const void *p, const void *base, size_t off)
{
    return p != NULL && base != NULL && (uintptr_t)p - (uintptr_t)base == (uintptr_t)off;
}

/* The labels a secret is bound to: name 1..255 bytes, context 0..255 (NULL only when empty). */
static int labels_ok(const uint8_t *name, size_t name_len, const uint8_t *context, size_t context_len)
{
    return name != NULL && name_len >= 1U && name_len <= CLOAK_LABELBYTES_MAX &&
           (context != NULL || context_len == 0U) && context_len <= CLOAK_LABELBYTES_MAX;
}

/* What a secret is bound to under one vault: the vault's secret key, and the associated data
 * ad = ad_prefix (header || u32(epoch) || lp8(vault id)) || lp8(name) || lp8(context). The ad starts
 * with the first 24 bytes of every secret of the vault and epoch, so it carries the vault key's id
 * and the epoch. */
typedef struct secret_binding {
    const uint8_t *key;
    size_t ad_len;
    uint8_t ad[SECRET_AD_MAXBYTES];
} secret_binding;

/* CLOAK_E_BAD_STATE for a vault that is not a ready state, CLOAK_E_BAD_PARAMS for a NULL one or
 * labels out of range. name and context are copied here, before any output is written, so they may
 * overlap anything. */
static int bind(secret_binding *b, const cloak_vault *vault, const uint8_t *name, size_t name_len,
                const uint8_t *context, size_t context_len)
{
    const uint8_t *ad_prefix;
    size_t n;
    int rc;

    b->ad_len = 0;
    rc = cloak__vault_secret_view(vault, &b->key, &ad_prefix, &n);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (!labels_ok(name, name_len, context, context_len)) {
        return CLOAK_E_BAD_PARAMS;
    }
    n = cloak__put(b->ad, 0, ad_prefix, n);
    n = cloak__put_lp8(b->ad, n, name, name_len);
    b->ad_len = cloak__put_lp8(b->ad, n, context, context_len);
    return CLOAK_OK;
}

/* Checks a blob's structure, that it was sealed under the vault key and epoch whose first 24 bytes
 * are `expected` (header || u32(epoch)), in the order of section 7.1, and gives its padded length. */
static int check_blob(size_t *padded_len, const uint8_t *sealed, size_t sealed_len,
                      const uint8_t expected[CLOAK_SECRET_EPOCH_END])
{
    int rc = cloak__header_check(sealed, sealed_len, (uint8_t)CLOAK_TYPE_SECRET);

    *padded_len = 0;
    if (rc != CLOAK_OK) {
        return rc;
    }
    const size_t p = padded_len_of_blob(sealed_len);
    if (p == 0U) {
        return CLOAK_E_MALFORMED;
    }
    /* Key ids and epochs are public: no constant-time comparison needed. */
    if (memcmp(sealed + CLOAK_HEADER_KEYID_OFFSET, expected + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    if (memcmp(sealed + CLOAK_SECRET_EPOCH_OFF, expected + CLOAK_SECRET_EPOCH_OFF, 4U) != 0) {
        return CLOAK_E_MISMATCH;
    }
    *padded_len = p;
    return CLOAK_OK;
}

/* The plaintext is u32(value length) || value || zero padding. `length` holds the decrypted
 * length as stored. The value must fit and every byte after it must be zero (the one canonical
 * padding). The length is an output, so it is public: only the padding after it is read, a word at
 * a time, and only the verdict is branched on. */
static int check_padding(const uint8_t length[SECRET_LENGTHBYTES], const uint8_t *body, size_t body_len,
                         size_t *value_len)
{
    uint32_t n = cloak__load32_be(length);
    uint64_t nonzero = 0;
    size_t i;

    /* Public: the value's length is an output (*value_len). */
    cloak__declassify(&n, sizeof n);
    *value_len = (size_t)n;
    if ((uint64_t)n > (uint64_t)body_len) {
        return CLOAK_E_MALFORMED;
    }
    for (i = n; i + 8U <= body_len; i += 8U) {
        uint64_t w;
        memcpy(&w, body + i, 8);
        nonzero |= w;
    }
    for (; i < body_len; i++) {
        nonzero |= body[i];
    }
    /* Public: whether the padding is canonical is the status. */
    cloak__declassify(&nonzero, sizeof nonzero);
    return nonzero != 0U ? CLOAK_E_MALFORMED : CLOAK_OK;
}

/* The exit of seal, open and reseal: wipes the binding's associated data (the name and context may
 * be secret) and, on failure, clears the variable output and its length. */
static int finish(int rc, secret_binding *b, uint8_t *out, size_t out_cap, size_t *out_len)
{
    cloak__wipe(b->ad, b->ad_len);
    if (rc != CLOAK_OK) {
        cloak__wipe(out, out_cap);
        cloak__wipe(out_len, sizeof *out_len);
    }
    return rc;
}

int cloak_secret_seal(const cloak_vault *vault, uint8_t *sealed, size_t sealed_cap, size_t *sealed_len,
                      const uint8_t *name, size_t name_len, const uint8_t *context, size_t context_len,
                      const uint8_t *value, size_t value_len)
{
    secret_binding b;
    const size_t padded = padded_len_of_value(value_len);
    int rc = bind(&b, vault, name, name_len, context, context_len);

    if (rc != CLOAK_OK) {
        goto done;
    }
    if (sealed == NULL || sealed_len == NULL || (value == NULL && value_len > 0U) || padded == 0U ||
        (!at_offset(value, sealed, SECRET_VALUE_OFF) && cloak__overlaps(value, value_len, sealed, sealed_cap))) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    if (sealed_cap < padded + SECRET_FRAMEBYTES) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    /* The plaintext is built where its ciphertext goes and encrypted in place; the value is already
     * there in the in-place layout. */
    memcpy(sealed, b.ad, CLOAK_SECRET_EPOCH_END);
    randombytes_buf(sealed + SECRET_NONCE_OFF, CLOAK_XNONCEBYTES);
    cloak__store32_be(sealed + SECRET_CT_OFF, (uint32_t)value_len);
    if (value_len > 0U && value != sealed + SECRET_VALUE_OFF) {
        memcpy(sealed + SECRET_VALUE_OFF, value, value_len);
    }
    memset(sealed + SECRET_VALUE_OFF + value_len, 0, padded - SECRET_LENGTHBYTES - value_len);
    cloak__xchacha_seal(sealed + SECRET_CT_OFF, sealed + SECRET_CT_OFF, padded, b.ad, b.ad_len,
                        sealed + SECRET_NONCE_OFF, b.key);
    *sealed_len = padded + SECRET_FRAMEBYTES;

done:
    return finish(rc, &b, sealed, sealed_cap, sealed_len);
}

int cloak_secret_open(const cloak_vault *vault, uint8_t *value, size_t value_cap, size_t *value_len,
                      const uint8_t *name, size_t name_len, const uint8_t *context, size_t context_len,
                      const uint8_t *sealed, size_t sealed_len)
{
    secret_binding b;
    size_t padded;
    size_t n;
    uint8_t length[SECRET_LENGTHBYTES];
    int rc = bind(&b, vault, name, name_len, context, context_len);

    if (rc != CLOAK_OK) {
        goto done;
    }
    if (value_len == NULL || value == NULL || sealed == NULL ||
        (!at_offset(value, sealed, SECRET_VALUE_OFF) && cloak__overlaps(value, value_cap, sealed, sealed_len))) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    rc = check_blob(&padded, sealed, sealed_len, b.ad);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (value_cap < padded - SECRET_LENGTHBYTES) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    rc = cloak__xchacha_open_split(length, sizeof length, value, sealed + SECRET_CT_OFF, sealed_len - SECRET_CT_OFF,
                                   b.ad, b.ad_len, sealed + SECRET_NONCE_OFF, b.key);
    if (rc != CLOAK_OK) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    rc = check_padding(length, value, padded - SECRET_LENGTHBYTES, &n);
    if (rc != CLOAK_OK) {
        goto done;
    }
    *value_len = n;

done:
    cloak__wipe(length, sizeof length);
    return finish(rc, &b, value, value_cap, value_len);
}

int cloak_secret_reseal(const cloak_vault *from, const cloak_vault *to, uint8_t *resealed, size_t resealed_cap,
                        size_t *resealed_len, const uint8_t *name, size_t name_len, const uint8_t *context,
                        size_t context_len, const uint8_t *sealed, size_t sealed_len)
{
    secret_binding from_b;
    secret_binding to_b;
    uint8_t *slot;
    size_t padded;
    size_t n;
    int rc = bind(&from_b, from, name, name_len, context, context_len);
    const int to_rc = bind(&to_b, to, name, name_len, context, context_len);

    if (rc == CLOAK_OK) {
        rc = to_rc;
    }
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (resealed == NULL || resealed_len == NULL || sealed == NULL ||
        (resealed != sealed && cloak__overlaps(resealed, resealed_cap, sealed, sealed_len))) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    rc = check_blob(&padded, sealed, sealed_len, from_b.ad);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (resealed_cap < sealed_len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }

    /* Decrypt into the output's plaintext slot (in place when resealed == sealed: the old nonce
     * is read before anything is written), check it as open does, then encrypt that slot in place
     * under `to` with a fresh nonce: the same padded length, so the same blob length. The plaintext
     * lives only in the caller's output buffer, and only between the two calls; on failure the
     * AEAD layer and the exit label zero it. */
    slot = resealed + SECRET_CT_OFF;
    if (cloak__xchacha_open(slot, sealed + SECRET_CT_OFF, sealed_len - SECRET_CT_OFF, from_b.ad, from_b.ad_len,
                            sealed + SECRET_NONCE_OFF, from_b.key) != CLOAK_OK) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    rc = check_padding(slot, slot + SECRET_LENGTHBYTES, padded - SECRET_LENGTHBYTES, &n);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(resealed, to_b.ad, CLOAK_SECRET_EPOCH_END);
    randombytes_buf(resealed + SECRET_NONCE_OFF, CLOAK_XNONCEBYTES);
    cloak__xchacha_seal(slot, slot, padded, to_b.ad, to_b.ad_len, resealed + SECRET_NONCE_OFF, to_b.key);
    *resealed_len = sealed_len;

done:
    cloak__wipe(from_b.ad, from_b.ad_len);
    return finish(rc, &to_b, resealed, resealed_cap, resealed_len);
}
