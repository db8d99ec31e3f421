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

/*
 * XChaCha20-Poly1305 open whose plaintext goes to two places: the first head_len bytes to `head`,
 * the rest to `m`. A secret's plaintext starts with a length field the caller's value buffer has
 * no room for; splitting here keeps every plaintext byte out of any buffer but the caller's and a
 * wiped local block. libsodium has no split form, so this is its IETF construction spelled out
 * from its own primitives: subkey = HChaCha20(key, nonce[0..16]), nonce' = 0^4 || nonce[16..24],
 * the Poly1305 key is the first 32 bytes of the keystream block 0, the ciphertext is XORed from
 * block 1, and the tag is Poly1305 over ad || pad16 || c || pad16 || le64(|ad|) || le64(|c|).
 * The tag is verified (in constant time) before anything is written.
 */
int cloak__xchacha_open_split(uint8_t *head, size_t head_len, uint8_t *m, const uint8_t *c, size_t c_len,
                              const uint8_t *ad, size_t ad_len, const uint8_t nonce[CLOAK_XNONCEBYTES],
                              const uint8_t key[32])
{
    static const uint8_t zeros[16] = {0};
    uint8_t subkey[crypto_core_hchacha20_OUTPUTBYTES];
    uint8_t nonce2[crypto_stream_chacha20_ietf_NONCEBYTES];
    uint8_t block[64];
    uint8_t lengths[16];
    uint8_t tag[crypto_onetimeauth_poly1305_BYTES];
    crypto_onetimeauth_poly1305_state poly;
    size_t m_len = c_len >= CLOAK_AEAD_TAGBYTES ? c_len - CLOAK_AEAD_TAGBYTES : 0;
    size_t first;
    size_t i;
    int rc = CLOAK_E_BAD_PARAMS;

    if (head == NULL || head_len > sizeof block || c == NULL || nonce == NULL || key == NULL ||
        (ad == NULL && ad_len != 0) || m_len < head_len || (m == NULL && m_len > head_len)) {
        goto done;
    }
    if (c_len < CLOAK_AEAD_TAGBYTES) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    if (ad == NULL) {
        ad = empty_input;
    }
    (void)crypto_core_hchacha20(subkey, nonce, key, NULL);
    memset(nonce2, 0, 4);
    memcpy(nonce2 + 4, nonce + 16, 8);
    (void)crypto_stream_chacha20_ietf(block, sizeof block, nonce2, subkey);
    (void)crypto_onetimeauth_poly1305_init(&poly, block);
    (void)crypto_onetimeauth_poly1305_update(&poly, ad, ad_len);
    (void)crypto_onetimeauth_poly1305_update(&poly, zeros, (16U - (ad_len & 15U)) & 15U);
    (void)crypto_onetimeauth_poly1305_update(&poly, c, m_len);
    (void)crypto_onetimeauth_poly1305_update(&poly, zeros, (16U - (m_len & 15U)) & 15U);
    for (i = 0; i < 8; i++) {
        lengths[i] = (uint8_t)((uint64_t)ad_len >> (8U * i));
        lengths[8U + i] = (uint8_t)((uint64_t)m_len >> (8U * i));
    }
    (void)crypto_onetimeauth_poly1305_update(&poly, lengths, sizeof lengths);
    (void)crypto_onetimeauth_poly1305_final(&poly, tag);
    rc = crypto_verify_16(tag, c + m_len);
    /* Public, as in aead_open(). */
    cloak__declassify(&rc, sizeof rc);
    if (rc != 0) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    rc = CLOAK_OK;

    /* Block 1 goes through the local block (head, then the start of m); the rest straight into m.
     * In place (m == c + head_len) the local copy is read before m overwrites those bytes. */
    first = m_len < sizeof block ? m_len : sizeof block;
    memcpy(block, c, first);
    (void)crypto_stream_chacha20_ietf_xor_ic(block, block, first, nonce2, 1U, subkey);
    memcpy(head, block, head_len);
    if (first > head_len) {
        memcpy(m, block + head_len, first - head_len);
    }
    if (m_len > first) {
        (void)crypto_stream_chacha20_ietf_xor_ic(m + (first - head_len), c + first, m_len - first, nonce2, 2U,
                                                 subkey);
    }

done:
    cloak__wipe(subkey, sizeof subkey);
    cloak__wipe(block, sizeof block);
    cloak__wipe(&poly, sizeof poly);
    cloak__wipe(tag, sizeof tag);
    if (rc != CLOAK_OK) {
        cloak__wipe(head, head_len);
        if (m_len > head_len) {
            cloak__wipe(m, m_len - head_len);
        }
    }
    return rc;
}
