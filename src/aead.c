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

/* The two IETF constructions share libsodium's detached signatures; only the nonce length differs. */
typedef struct aead {
    int (*encrypt)(unsigned char *c, unsigned char *mac, unsigned long long *maclen_p, const unsigned char *m,
                   unsigned long long mlen, const unsigned char *ad, unsigned long long adlen,
                   const unsigned char *nsec, const unsigned char *npub, const unsigned char *k);
    int (*decrypt)(unsigned char *m, unsigned char *nsec, const unsigned char *c, unsigned long long clen,
                   const unsigned char *mac, const unsigned char *ad, unsigned long long adlen,
                   const unsigned char *npub, const unsigned char *k);
} aead;

static const aead xchacha = {crypto_aead_xchacha20poly1305_ietf_encrypt_detached,
                             crypto_aead_xchacha20poly1305_ietf_decrypt_detached};
static const aead chacha = {crypto_aead_chacha20poly1305_ietf_encrypt_detached,
                            crypto_aead_chacha20poly1305_ietf_decrypt_detached};

static void aead_seal(const aead *kind, uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad,
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
    (void)kind->encrypt(c, c + m_len, NULL, m, m_len, ad, ad_len, NULL, nonce, key);
}

static int aead_open(const aead *kind, uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad,
                     size_t ad_len, const uint8_t *nonce, const uint8_t key[32])
{
    size_t m_len = c_len >= CLOAK_AEAD_TAGBYTES ? c_len - CLOAK_AEAD_TAGBYTES : 0;
    uint8_t no_output;
    int rc;

    if ((m == NULL && m_len != 0) || c == NULL || nonce == NULL || key == NULL || (ad == NULL && ad_len != 0)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    if (c_len < CLOAK_AEAD_TAGBYTES) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    if (m == NULL) {
        m = &no_output; /* never written: m_len == 0 */
    }
    if (ad == NULL) {
        ad = empty_input;
    }
    /* libsodium verifies the tag (in constant time) before it decrypts, so in-place works and no
     * unauthenticated plaintext is ever written. */
    rc = kind->decrypt(m, NULL, c, m_len, c + m_len, ad, ad_len, nonce, key);
    /* Public: whether the tag verified is the status the caller gets, and whoever made the
     * ciphertext learns it from the caller's behaviour anyway. */
    cloak__declassify(&rc, sizeof rc);
    rc = rc == 0 ? CLOAK_OK : CLOAK_E_AUTH;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(m, m_len);
    }
    return rc;
}

void cloak__xchacha_seal(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad, size_t ad_len,
                         const uint8_t nonce[CLOAK_XNONCEBYTES], const uint8_t key[32])
{
    aead_seal(&xchacha, c, m, m_len, ad, ad_len, nonce, key);
}

int cloak__xchacha_open(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad, size_t ad_len,
                        const uint8_t nonce[CLOAK_XNONCEBYTES], const uint8_t key[32])
{
    return aead_open(&xchacha, m, c, c_len, ad, ad_len, nonce, key);
}

void cloak__chacha_seal(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad, size_t ad_len,
                        const uint8_t nonce[CLOAK_NONCEBYTES], const uint8_t key[32])
{
    aead_seal(&chacha, c, m, m_len, ad, ad_len, nonce, key);
}

int cloak__chacha_open(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad, size_t ad_len,
                       const uint8_t nonce[CLOAK_NONCEBYTES], const uint8_t key[32])
{
    return aead_open(&chacha, m, c, c_len, ad, ad_len, nonce, key);
}
