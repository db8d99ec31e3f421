/*
 * The AEAD layer: ChaCha20-Poly1305 (RFC 8439, for HPKE) and XChaCha20-Poly1305 (for data at rest)
 * over libsodium's IETF constructions, with one contract for both: ciphertext = encrypted || tag,
 * the tag is checked before any plaintext is written, and a failed open leaves the output zeroed.
 *
 * c == m (in place) is allowed; any other overlap is not. Internal callers that pass NULL where
 * data is required have a bug: seal aborts (it cannot report an error), open returns
 * CLOAK_E_BAD_PARAMS.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

/* libsodium reads nothing through a zero-length pointer, but is never handed NULL either. */
static const uint8_t empty_input[1] = {0};

typedef enum aead_kind { AEAD_CHACHA, AEAD_XCHACHA } aead_kind;

static void aead_seal(aead_kind kind, uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad,
                      size_t ad_len, const uint8_t *nonce, const uint8_t key[32])
{
    if (c == NULL || nonce == NULL || key == NULL || (m == NULL && m_len != 0) || (ad == NULL && ad_len != 0) ||
        m_len > crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX) {
        abort();
    }
    if (m == NULL) {
        m = empty_input;
    }
    if (ad == NULL) {
        ad = empty_input;
    }
    /* The detached form puts the tag at c + m_len itself, which is where our layout wants it. */
    if (kind == AEAD_XCHACHA) {
        (void)crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, c + m_len, NULL, m, m_len, ad, ad_len, NULL,
                                                                  nonce, key);
    } else {
        (void)crypto_aead_chacha20poly1305_ietf_encrypt_detached(c, c + m_len, NULL, m, m_len, ad, ad_len, NULL,
                                                                 nonce, key);
    }
}

static int aead_open(aead_kind kind, uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad,
                     size_t ad_len, const uint8_t *nonce, const uint8_t key[32])
{
    size_t m_len = c_len >= CLOAK_AEAD_TAGBYTES ? c_len - CLOAK_AEAD_TAGBYTES : 0;
    uint8_t no_output;
    int rc;

    if ((m == NULL && m_len != 0) || c == NULL || nonce == NULL || key == NULL || (ad == NULL && ad_len != 0)) {
        if (m != NULL && m_len != 0) {
            memset(m, 0, m_len);
        }
        return CLOAK_E_BAD_PARAMS;
    }
    if (c_len < CLOAK_AEAD_TAGBYTES) {
        return CLOAK_E_AUTH;
    }
    if (m == NULL) {
        m = &no_output; /* never written: m_len == 0 */
    }
    if (ad == NULL) {
        ad = empty_input;
    }
    /* libsodium verifies the tag (in constant time) before it decrypts, so in-place works and no
     * unauthenticated plaintext is ever written. */
    if (kind == AEAD_XCHACHA) {
        rc = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, NULL, c, m_len, c + m_len, ad, ad_len, nonce,
                                                                 key);
    } else {
        rc = crypto_aead_chacha20poly1305_ietf_decrypt_detached(m, NULL, c, m_len, c + m_len, ad, ad_len, nonce,
                                                                key);
    }
    /* Public: whether the tag verified is the status the caller gets, and whoever made the
     * ciphertext learns it from the caller's behaviour anyway. */
    cloak__declassify(&rc, sizeof rc);
    if (rc != 0) {
        if (m_len != 0) {
            memset(m, 0, m_len);
        }
        return CLOAK_E_AUTH;
    }
    return CLOAK_OK;
}

void cloak__xchacha_seal(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad, size_t ad_len,
                         const uint8_t nonce[CLOAK_XNONCEBYTES], const uint8_t key[32])
{
    aead_seal(AEAD_XCHACHA, c, m, m_len, ad, ad_len, nonce, key);
}

int cloak__xchacha_open(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad, size_t ad_len,
                        const uint8_t nonce[CLOAK_XNONCEBYTES], const uint8_t key[32])
{
    return aead_open(AEAD_XCHACHA, m, c, c_len, ad, ad_len, nonce, key);
}

void cloak__chacha_seal(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad, size_t ad_len,
                        const uint8_t nonce[CLOAK_NONCEBYTES], const uint8_t key[32])
{
    aead_seal(AEAD_CHACHA, c, m, m_len, ad, ad_len, nonce, key);
}

int cloak__chacha_open(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad, size_t ad_len,
                       const uint8_t nonce[CLOAK_NONCEBYTES], const uint8_t key[32])
{
    return aead_open(AEAD_CHACHA, m, c, c_len, ad, ad_len, nonce, key);
}
