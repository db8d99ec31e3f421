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

/* What a secret is bound to under one vault: the vault's secret key, and the associated data
 * ad = ad_prefix (header || lp8(vault id)) || lp8(name) || lp8(context). The ad starts with the
 * header of every secret of the vault, so it carries the vault key's id. */
typedef struct secret_binding {
    const uint8_t *key;
    size_t ad_len;
    uint8_t ad[SECRET_AD_MAXBYTES];
} secret_binding;

/* CLOAK_E_BAD_PARAMS for a vault that is not ready or labels out of range. name and context are
 * copied here, before any output is written, so they may overlap anything. */
static int bind(secret_binding *b, const cloak_vault *vault, const uint8_t *name, size_t name_len,
                const uint8_t *context, size_t context_len)
{
    const uint8_t *ad_prefix;
    size_t n;

    b->ad_len = 0;
    if (!labels_ok(name, name_len, context, context_len) ||
        cloak__vault_secret_view(vault, &b->key, &ad_prefix, &n) != CLOAK_OK) {
        return CLOAK_E_BAD_PARAMS;
    }
    n = cloak__put(b->ad, 0, ad_prefix, n);
    n = cloak__put_lp8(b->ad, n, name, name_len);
    b->ad_len = cloak__put_lp8(b->ad, n, context, context_len);
    return CLOAK_OK;
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
    if (memcmp(sealed + CLOAK_HEADER_KEYID_OFFSET, key_id, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_WRONG_KEY;
    }
    return CLOAK_OK;
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
    size_t total;
    int rc = bind(&b, vault, name, name_len, context, context_len);

    if (rc != CLOAK_OK || sealed == NULL || sealed_len == NULL || (value == NULL && value_len > 0U) ||
        value_len > secret_value_max() ||
        (!at_offset(value, sealed, SECRET_CT_OFF) && cloak__overlaps(value, value_len, sealed, sealed_cap))) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    total = value_len + CLOAK_SECRET_OVERHEADBYTES;
    if (sealed_cap < total) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    memcpy(sealed, b.ad, CLOAK_HEADERBYTES);
    randombytes_buf(sealed + SECRET_NONCE_OFF, CLOAK_XNONCEBYTES);
    cloak__xchacha_seal(sealed + SECRET_CT_OFF, value, value_len, b.ad, b.ad_len, sealed + SECRET_NONCE_OFF, b.key);
    *sealed_len = total;

done:
    return finish(rc, &b, sealed, sealed_cap, sealed_len);
}

int cloak_secret_open(const cloak_vault *vault, uint8_t *value, size_t value_cap, size_t *value_len,
                      const uint8_t *name, size_t name_len, const uint8_t *context, size_t context_len,
                      const uint8_t *sealed, size_t sealed_len)
{
    secret_binding b;
    size_t plain_len;
    /* value may be NULL only when the plaintext is empty; the AEAD layer still needs a pointer. */
    uint8_t empty[1] = {0};
    int rc = bind(&b, vault, name, name_len, context, context_len);

    if (rc != CLOAK_OK || value_len == NULL || (value == NULL && value_cap > 0U) || sealed == NULL ||
        (!at_offset(value, sealed, SECRET_CT_OFF) && cloak__overlaps(value, value_cap, sealed, sealed_len))) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    rc = check_blob(sealed, sealed_len, b.ad + CLOAK_HEADER_KEYID_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    plain_len = sealed_len - CLOAK_SECRET_OVERHEADBYTES;
    if (value_cap < plain_len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }
    if (cloak__xchacha_open(value != NULL ? value : empty, sealed + SECRET_CT_OFF, sealed_len - SECRET_CT_OFF, b.ad,
                            b.ad_len, sealed + SECRET_NONCE_OFF, b.key) != CLOAK_OK) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    *value_len = plain_len;

done:
    return finish(rc, &b, value, value_cap, value_len);
}

int cloak_secret_reseal(const cloak_vault *from, const cloak_vault *to, uint8_t *resealed, size_t resealed_cap,
                        size_t *resealed_len, const uint8_t *name, size_t name_len, const uint8_t *context,
                        size_t context_len, const uint8_t *sealed, size_t sealed_len)
{
    secret_binding from_b;
    secret_binding to_b;
    uint8_t *slot;
    int rc = bind(&from_b, from, name, name_len, context, context_len);

    if (bind(&to_b, to, name, name_len, context, context_len) != CLOAK_OK || rc != CLOAK_OK || resealed == NULL ||
        resealed_len == NULL || sealed == NULL ||
        (resealed != sealed && cloak__overlaps(resealed, resealed_cap, sealed, sealed_len))) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    rc = check_blob(sealed, sealed_len, from_b.ad + CLOAK_HEADER_KEYID_OFFSET);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (resealed_cap < sealed_len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }

    /* Decrypt into the output's ciphertext slot (in place when resealed == sealed: the old nonce
     * is read before anything is written), then encrypt that slot in place under `to` with a fresh
     * nonce. The plaintext lives only in the caller's output buffer, and only between the two
     * calls; on failure the AEAD layer and the exit label zero it. */
    slot = resealed + SECRET_CT_OFF;
    if (cloak__xchacha_open(slot, sealed + SECRET_CT_OFF, sealed_len - SECRET_CT_OFF, from_b.ad, from_b.ad_len,
                            sealed + SECRET_NONCE_OFF, from_b.key) != CLOAK_OK) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    memcpy(resealed, to_b.ad, CLOAK_HEADERBYTES);
    randombytes_buf(resealed + SECRET_NONCE_OFF, CLOAK_XNONCEBYTES);
    cloak__xchacha_seal(slot, slot, sealed_len - CLOAK_SECRET_OVERHEADBYTES, to_b.ad, to_b.ad_len,
                        resealed + SECRET_NONCE_OFF, to_b.key);
    *resealed_len = sealed_len;

done:
    cloak__wipe(from_b.ad, from_b.ad_len);
    return finish(rc, &to_b, resealed, resealed_cap, resealed_len);
}
