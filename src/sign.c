/*
 * Ed25519 verification over libsodium, and the protocol's labelled signatures (docs/protocol.md
 * 1.1): Ed25519 over lp8(label) || signer public key || content, so that no message signed under one
 * label can be read as a message under another, and every signature names its signer. Signing checks
 * that the secret key's public half is its seed's.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

/* lp8(label) || signer public key || content, for the longest label and content. */
#define LABELED_MSG_MAX (1U + CLOAK_LABELBYTES_MAX + 32U + CLOAK_SIGNED_CONTENT_MAX)

static const uint8_t empty_input[1] = {0};

/* The encodings of the Ed25519 points of small order, top bit cleared (docs/protocol.md 1.3). */
static const uint8_t small_order_ed25519[7][32] = {
    {0},
    {1},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

int cloak__ed25519_small_order_encoding(const uint8_t p[32])
{
    uint8_t y[32];
    size_t i;
    int found = 0;

    memcpy(y, p, 32);
    y[31] &= 0x7fU;
    for (i = 0; i < sizeof small_order_ed25519 / sizeof small_order_ed25519[0]; i++) {
        found |= memcmp(y, small_order_ed25519[i], 32) == 0;
    }
    return found;
}

/* Rules 3 and 4 of docs/protocol.md 1.3: a non-canonical y, or one of the seven small-order
 * encodings (top bit cleared). Exactly what libsodium's verifier refuses before decoding, and no
 * more: a point with a small-order component but not itself of small order is a key, for
 * libsodium's verifier and the spec alike. Public data: variable time. */
static int ed25519_encoding_refused(const uint8_t pk[32])
{
    uint8_t y[32];
    size_t i;
    int at_least_p = 1;

    memcpy(y, pk, 32);
    y[31] &= 0x7fU;
    /* 3: y >= p = 2^255 - 19 (ed ff .. ff 7f) */
    if (y[31] != 0x7fU || y[0] < 0xedU) {
        at_least_p = 0;
    }
    for (i = 1; i < 31 && at_least_p; i++) {
        at_least_p = y[i] == 0xffU;
    }
    if (at_least_p) {
        return 1;
    }
    /* 4: one of the seven small-order encodings */
    return cloak__ed25519_small_order_encoding(pk);
}

int cloak__ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len, const uint8_t pk[32])
{
    if (sig == NULL || pk == NULL || (msg == NULL && msg_len != 0)) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (msg == NULL) {
        msg = empty_input;
    }
    /* libsodium refuses these keys itself (rules 3 and 4 of docs/protocol.md 1.3); checked here as
     * well so the rule does not depend on which libsodium build is linked. Rule 5 needs no second
     * check: the verifier decodes A itself and fails on anything that is not a point. */
    if (ed25519_encoding_refused(pk)) {
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
    int differ;
    int rc = CLOAK_OK;

    if (sk == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Signing one message under one seed with two different public halves reveals the seed's
     * scalar (the nonce depends on the seed and message only, the challenge on the public key):
     * the public half must be the seed's own. */
    crypto_sign_ed25519_seed_keypair(pk, expanded, sk);
    differ = cloak__memcmp_ct(pk, sk + 32, 32);
    /* Public: whether the halves agree is the status (and the public half is public). */
    cloak__declassify(&differ, sizeof differ);
    if (differ != 0) {
        rc = CLOAK_E_INVALID_KEY;
    }
    cloak__wipe(expanded, sizeof expanded);
    cloak__wipe(pk, sizeof pk);
    return rc;
}


int cloak__ed25519_public_key_check(const uint8_t pk[32])
{
    uint8_t sum[32];

    if (ed25519_encoding_refused(pk)) {
        return CLOAK_E_INVALID_KEY;
    }
    /* 5: decodes to a point. libsodium's point addition decodes both operands and refuses one that
     * is not on the curve, with no subgroup test (its is_valid_point would add one). */
    if (crypto_core_ed25519_add(sum, pk, pk) != 0) {
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
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
