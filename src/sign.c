/*
 * Ed25519 verification over libsodium, and the protocol's labelled signatures (docs/protocol.md
 * 1.1): Ed25519 over lp8(label) || signer public key || content, so that no message signed under one
 * label can be read as a message under another, and every signature names its signer. Signing checks
 * that the secret key's public half is its seed's.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

/* lp8(label) || signer public key || content, for the longest label and content. */
#define LABELED_MSG_MAX (1U + CLOAK_LABELBYTES_MAX + 32U + CLOAK_SIGNED_CONTENT_MAX)

static const uint8_t empty_input[1] = {0};

int cloak__ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len, const uint8_t pk[32])
{
    if (sig == NULL || pk == NULL || (msg == NULL && msg_len != 0)) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (msg == NULL) {
        msg = empty_input;
    }
    /* libsodium refuses a non-canonical or small-order key itself; the subgroup check makes the
     * rule the one of docs/protocol.md 1.3 (a point of order L), whichever path reads the key. */
    if (cloak__ed25519_public_key_check(pk) != CLOAK_OK) {
        return CLOAK_E_BAD_SIGNATURE;
    }
    return crypto_sign_ed25519_verify_detached(sig, msg, msg_len, pk) == 0 ? CLOAK_OK : CLOAK_E_BAD_SIGNATURE;
}

/* Writes lp8(label) || signer public key || content into buf and returns its length, or 0 if it does
 * not fit. */
static size_t labeled_message(uint8_t buf[LABELED_MSG_MAX], const char *label, const uint8_t pk[32],
                              const uint8_t *content, size_t content_len)
{
    size_t label_len;

    if (label == NULL || (content == NULL && content_len != 0) || content_len > CLOAK_SIGNED_CONTENT_MAX) {
        return 0;
    }
    label_len = strlen(label);
    if (label_len > CLOAK_LABELBYTES_MAX) {
        return 0;
    }
    return cloak__put(buf, cloak__put(buf, cloak__put_lp8(buf, 0, label, label_len), pk, 32), content,
                      content_len);
}

int cloak__identity_secret_key_check(const uint8_t sk[64])
{
    uint8_t pk[32];
    uint8_t expanded[64];
    int rc = CLOAK_OK;

    if (sk == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Signing one message under one seed with two different public halves reveals the seed's
     * scalar (the nonce depends on the seed and message only, the challenge on the public key):
     * the public half must be the seed's own. */
    crypto_sign_ed25519_seed_keypair(pk, expanded, sk);
    if (cloak__memcmp_ct(pk, sk + 32, 32) != 0) {
        rc = CLOAK_E_INVALID_KEY;
    }
    cloak__wipe(expanded, sizeof expanded);
    cloak__wipe(pk, sizeof pk);
    return rc;
}

int cloak__ed25519_public_key_check(const uint8_t pk[32])
{
    /* Canonical, on the curve, in the prime-order subgroup and not of small order
     * (docs/protocol.md 1.3). */
    return crypto_core_ed25519_is_valid_point(pk) == 1 ? CLOAK_OK : CLOAK_E_INVALID_KEY;
}

int cloak__sign_labeled(uint8_t sig[64], const char *label, const uint8_t *content, size_t content_len,
                        const uint8_t sk[64])
{
    uint8_t msg[LABELED_MSG_MAX];
    size_t msg_len;
    int rc;

    /* Every caller signs a small fixed layout; anything else is a bug in the library. */
    if (sig == NULL || sk == NULL) {
        abort();
    }
    rc = cloak__identity_secret_key_check(sk);
    if (rc != CLOAK_OK) {
        cloak__wipe(sig, 64);
        return rc;
    }
    msg_len = labeled_message(msg, label, sk + 32, content, content_len);
    if (msg_len == 0) {
        abort();
    }
    crypto_sign_ed25519_detached(sig, NULL, msg, msg_len, sk);
    cloak__wipe(msg, msg_len);
    return CLOAK_OK;
}

int cloak__verify_labeled(const uint8_t sig[64], const char *label, const uint8_t *content, size_t content_len,
                          const uint8_t pk[32])
{
    uint8_t msg[LABELED_MSG_MAX];
    size_t msg_len;
    int rc;

    if (sig == NULL || pk == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    msg_len = labeled_message(msg, label, pk, content, content_len);
    if (msg_len == 0) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = cloak__ed25519_verify(sig, msg, msg_len, pk);
    cloak__wipe(msg, msg_len);
    return rc;
}
