/*
 * Secrets (docs/protocol.md section 7.1): XChaCha20-Poly1305 under the vault's secret key, bound
 * by the associated data to the header, the vault id, the secret's name and the caller's context.
 *
 *     blob = header(20) || nonce(24) || Seal(secret_key, nonce, ad, value)
 *     ad   = header || lp8(vault id) || lp8(name) || lp8(context)
 *
 * Every key is derived once by cloak_vault_init(); a call here builds the associated data on the
 * stack and makes one AEAD call, so it costs what bare XChaCha20-Poly1305 costs.
 *
 * Overlapping buffers. The output may not overlap the input blob or value, with one exception per
 * function, the in-place layouts: seal may take value == sealed + 44 (the value already where its
 * ciphertext goes), open may write value == sealed + 44, and reseal may write resealed == sealed.
 * Any other overlap is refused with CLOAK_E_BAD_PARAMS. As on every failure, the output buffer is
 * then zeroed, so a failed in-place call destroys its input: keep a copy if it must survive.
 * name and context may overlap anything: they are copied before any output is written.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

#define SECRET_NONCE_OFF CLOAK_HEADERBYTES
#define SECRET_CT_OFF (CLOAK_HEADERBYTES + CLOAK_XNONCEBYTES)
#define SECRET_AD_MAXBYTES (CLOAK_HEADERBYTES + 3U * (1U + CLOAK_LABELBYTES_MAX))

_Static_assert(SECRET_CT_OFF + CLOAK_AEAD_TAGBYTES == CLOAK_SECRET_OVERHEADBYTES, "secret layout");

/* Largest value whose blob length, and whose AEAD message length, are representable. */
static size_t secret_value_max(void)
{
    const size_t by_size = SIZE_MAX - CLOAK_SECRET_OVERHEADBYTES;
    const size_t by_aead = crypto_aead_xchacha20poly1305_ietf_messagebytes_max();
    return by_size < by_aead ? by_size : by_aead;
}

size_t cloak_secret_sealed_len(size_t value_len)
{
    return value_len > secret_value_max() ? 0U : value_len + CLOAK_SECRET_OVERHEADBYTES;
}

size_t cloak_secret_opened_len(size_t sealed_len)
{
    return sealed_len < CLOAK_SECRET_OVERHEADBYTES ? 0U : sealed_len - CLOAK_SECRET_OVERHEADBYTES;
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

/* ad = ad_prefix (header || lp8(vault id)) || lp8(name) || lp8(context); returns its length. */
static size_t build_ad(uint8_t ad[SECRET_AD_MAXBYTES], const uint8_t *ad_prefix, size_t ad_prefix_len,
                       const uint8_t *name, size_t name_len, const uint8_t *context, size_t context_len)
{
    size_t n = ad_prefix_len;
    memcpy(ad, ad_prefix, ad_prefix_len);
    ad[n++] = (uint8_t)name_len;
    memcpy(ad + n, name, name_len);
    n += name_len;
    ad[n++] = (uint8_t)context_len;
    if (context_len > 0U) {
        memcpy(ad + n, context, context_len);
        n += context_len;
    }
    return n;
}

/* Checks a blob's structure and that it was sealed under `key_id`, in the order of section 2. */
static int check_blob(const uint8_t *sealed, size_t sealed_len, const uint8_t key_id[CLOAK_KEYIDBYTES])
{
    const int rc = cloak__header_check(sealed, sealed_len, (uint8_t)CLOAK_TYPE_SECRET);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (sealed_len < CLOAK_SECRET_OVERHEADBYTES ||
        sealed_len - CLOAK_SECRET_OVERHEADBYTES > secret_value_max()) {
        return CLOAK_E_MALFORMED;
    }
    /* Key ids are public: no constant-time comparison needed. */
    if (memcmp(sealed + 4, key_id, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    return CLOAK_OK;
}

static int fail(uint8_t *out, size_t out_cap, size_t *out_len, int rc)
{
    if (out != NULL) {
        cloak__wipe(out, out_cap);
    }
    if (out_len != NULL) {
        *out_len = 0;
    }
    return rc;
}

int cloak_secret_seal(const cloak_vault *vault, uint8_t *sealed, size_t sealed_cap, size_t *sealed_len,
                      const uint8_t *name, size_t name_len, const uint8_t *context, size_t context_len,
                      const uint8_t *value, size_t value_len)
{
    const uint8_t *key;
    const uint8_t *ad_prefix;
    size_t ad_prefix_len;

    if (sealed == NULL || sealed_len == NULL ||
        cloak__vault_secret_view(vault, &key, &ad_prefix, &ad_prefix_len) != CLOAK_OK ||
        !labels_ok(name, name_len, context, context_len) || (value == NULL && value_len > 0U) ||
        value_len > secret_value_max()) {
        return fail(sealed, sealed_cap, sealed_len, CLOAK_E_BAD_PARAMS);
    }
    const size_t total = value_len + CLOAK_SECRET_OVERHEADBYTES;
    if (!at_offset(value, sealed, SECRET_CT_OFF) && cloak__overlaps(value, value_len, sealed, sealed_cap)) {
        return fail(sealed, sealed_cap, sealed_len, CLOAK_E_BAD_PARAMS);
    }
    if (sealed_cap < total) {
        return fail(sealed, sealed_cap, sealed_len, CLOAK_E_BUFFER_TOO_SMALL);
    }

    uint8_t ad[SECRET_AD_MAXBYTES];
    const size_t ad_len = build_ad(ad, ad_prefix, ad_prefix_len, name, name_len, context, context_len);
    memcpy(sealed, ad_prefix, CLOAK_HEADERBYTES);
    randombytes_buf(sealed + SECRET_NONCE_OFF, CLOAK_XNONCEBYTES);
    cloak__xchacha_seal(sealed + SECRET_CT_OFF, value, value_len, ad, ad_len, sealed + SECRET_NONCE_OFF, key);
    cloak__wipe(ad, ad_len);
    *sealed_len = total;
    return CLOAK_OK;
}

int cloak_secret_open(const cloak_vault *vault, uint8_t *value, size_t value_cap, size_t *value_len,
                      const uint8_t *name, size_t name_len, const uint8_t *context, size_t context_len,
                      const uint8_t *sealed, size_t sealed_len)
{
    const uint8_t *key;
    const uint8_t *ad_prefix;
    size_t ad_prefix_len;

    if (value_len == NULL || (value == NULL && value_cap > 0U) ||
        cloak__vault_secret_view(vault, &key, &ad_prefix, &ad_prefix_len) != CLOAK_OK ||
        !labels_ok(name, name_len, context, context_len) || sealed == NULL ||
        (!at_offset(value, sealed, SECRET_CT_OFF) && cloak__overlaps(value, value_cap, sealed, sealed_len))) {
        return fail(value, value_cap, value_len, CLOAK_E_BAD_PARAMS);
    }
    int rc = check_blob(sealed, sealed_len, ad_prefix + 4);
    if (rc != CLOAK_OK) {
        return fail(value, value_cap, value_len, rc);
    }
    const size_t plain_len = sealed_len - CLOAK_SECRET_OVERHEADBYTES;
    if (value_cap < plain_len) {
        return fail(value, value_cap, value_len, CLOAK_E_BUFFER_TOO_SMALL);
    }
    /* value may be NULL here only when the plaintext is empty; the AEAD layer still needs a pointer. */
    uint8_t empty[1];
    uint8_t *const out = value != NULL ? value : empty;

    uint8_t ad[SECRET_AD_MAXBYTES];
    const size_t ad_len = build_ad(ad, ad_prefix, ad_prefix_len, name, name_len, context, context_len);
    rc = cloak__xchacha_open(out, sealed + SECRET_CT_OFF, sealed_len - SECRET_CT_OFF, ad, ad_len,
                             sealed + SECRET_NONCE_OFF, key);
    cloak__wipe(ad, ad_len);
    if (rc != CLOAK_OK) {
        return fail(value, value_cap, value_len, CLOAK_E_AUTH);
    }
    *value_len = plain_len;
    return CLOAK_OK;
}

int cloak_secret_reseal(const cloak_vault *from, const cloak_vault *to, uint8_t *resealed, size_t resealed_cap,
                        size_t *resealed_len, const uint8_t *name, size_t name_len, const uint8_t *context,
                        size_t context_len, const uint8_t *sealed, size_t sealed_len)
{
    const uint8_t *from_key;
    const uint8_t *from_prefix;
    size_t from_prefix_len;
    const uint8_t *to_key;
    const uint8_t *to_prefix;
    size_t to_prefix_len;

    if (resealed == NULL || resealed_len == NULL ||
        cloak__vault_secret_view(from, &from_key, &from_prefix, &from_prefix_len) != CLOAK_OK ||
        cloak__vault_secret_view(to, &to_key, &to_prefix, &to_prefix_len) != CLOAK_OK ||
        !labels_ok(name, name_len, context, context_len) || sealed == NULL ||
        (resealed != sealed && cloak__overlaps(resealed, resealed_cap, sealed, sealed_len))) {
        return fail(resealed, resealed_cap, resealed_len, CLOAK_E_BAD_PARAMS);
    }
    int rc = check_blob(sealed, sealed_len, from_prefix + 4);
    if (rc != CLOAK_OK) {
        return fail(resealed, resealed_cap, resealed_len, rc);
    }
    if (resealed_cap < sealed_len) {
        return fail(resealed, resealed_cap, resealed_len, CLOAK_E_BUFFER_TOO_SMALL);
    }

    /* Decrypt into the output's ciphertext slot (in place when resealed == sealed: the old nonce
     * is read before anything is written), then encrypt that slot in place under `to` with a fresh
     * nonce. The plaintext lives only in the caller's output buffer, and only between the two
     * calls; on failure the AEAD layer and fail() zero it. */
    uint8_t ad[SECRET_AD_MAXBYTES];
    const size_t value_len = sealed_len - CLOAK_SECRET_OVERHEADBYTES;
    uint8_t *const slot = resealed + SECRET_CT_OFF;
    size_t ad_len = build_ad(ad, from_prefix, from_prefix_len, name, name_len, context, context_len);
    rc = cloak__xchacha_open(slot, sealed + SECRET_CT_OFF, sealed_len - SECRET_CT_OFF, ad, ad_len,
                             sealed + SECRET_NONCE_OFF, from_key);
    cloak__wipe(ad, ad_len);
    if (rc != CLOAK_OK) {
        return fail(resealed, resealed_cap, resealed_len, CLOAK_E_AUTH);
    }

    ad_len = build_ad(ad, to_prefix, to_prefix_len, name, name_len, context, context_len);
    memcpy(resealed, to_prefix, CLOAK_HEADERBYTES);
    randombytes_buf(resealed + SECRET_NONCE_OFF, CLOAK_XNONCEBYTES);
    cloak__xchacha_seal(slot, slot, value_len, ad, ad_len, resealed + SECRET_NONCE_OFF, to_key);
    cloak__wipe(ad, ad_len);
    *resealed_len = sealed_len;
    return CLOAK_OK;
}
