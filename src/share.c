/*
 * Vault-key shares (docs/protocol.md section 8): the vault key sealed with HPKE Base to a member's
 * encryption public key, and signed by the sharer's identity so that a member accepts keys only
 * from identities it trusts (HPKE Base alone authenticates no sender). One layout for both suites,
 * N the suite's encapsulation length (32 for X25519, 1120 for X-Wing):
 *
 *     0       header (suite of the recipient's key, key id = id of its encryption public key)
 *     20      sender identity public key
 *     52      epoch of the vault key, u32
 *     56      enc (N bytes)
 *     56 + N  HPKE ciphertext of the vault key (32 + 16)
 *     104 + N signature over bytes 0..104+N || lp8(vault id) || binding(recipient public key)
 *
 * Overlapping buffers: an output that overlaps any input is refused with CLOAK_E_BAD_PARAMS (and,
 * as on every failure, zeroed). Inputs may overlap one another.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

#define SHARE_SENDER_OFF CLOAK_HEADERBYTES
#define SHARE_EPOCH_OFF (SHARE_SENDER_OFF + CLOAK_IDENTITY_PUBLICKEYBYTES)
#define SHARE_ENC_OFF (SHARE_EPOCH_OFF + 4U)
#define SHARE_CT_OFF(n) (SHARE_ENC_OFF + (n))
#define SHARE_SIG_OFF(n) (SHARE_CT_OFF(n) + CLOAK_KEYBYTES + CLOAK_HPKE_TAGBYTES)
#define SHARE_LEN(n) (SHARE_SIG_OFF(n) + CLOAK_SIGNATUREBYTES)
#define SHARE_AAD_LEN SHARE_ENC_OFF
#define SHARE_BINDINGBYTES 32U /* binding(recipient public key), section 1.6 */

#define SHARE_INFO_MAXBYTES                                                                          \
    (1U + CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_SHARE) + 1U + CLOAK_LABELBYTES_MAX + 4U +                 \
     SHARE_BINDINGBYTES + CLOAK_IDENTITY_PUBLICKEYBYTES)
#define SHARE_CONTENT_MAXBYTES (SHARE_SIG_OFF(CLOAK_XWING_ENCBYTES) + 1U + CLOAK_LABELBYTES_MAX + SHARE_BINDINGBYTES)

_Static_assert(SHARE_LEN(CLOAK_HPKE_ENCBYTES) == CLOAK_SHAREBYTES, "share layout, suite 1");
_Static_assert(SHARE_LEN(CLOAK_XWING_ENCBYTES) == CLOAK_XWING_SHAREBYTES, "share layout, suite 2");
_Static_assert(SHARE_CONTENT_MAXBYTES <= CLOAK_SIGNED_CONTENT_MAX, "share signed content bound");

static int vault_id_ok(const uint8_t *vault_id, size_t vault_id_len)
{
    return vault_id != NULL && vault_id_len >= 1U && vault_id_len <= CLOAK_LABELBYTES_MAX;
}

/* info = lp8("libcloak v2 share") || lp8(vault id) || u32(epoch) || binding(recipient pk) || sender pk */
static size_t share_info(uint8_t info[SHARE_INFO_MAXBYTES], const uint8_t *vault_id, size_t vault_id_len,
                         const uint8_t epoch[4], const uint8_t recipient_binding[SHARE_BINDINGBYTES],
                         const uint8_t sender_pk[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    size_t n = cloak__put_lp8(info, 0, CLOAK_LABEL_HPKE_SHARE, CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_SHARE));
    n = cloak__put_lp8(info, n, vault_id, vault_id_len);
    n = cloak__put(info, n, epoch, 4U);
    n = cloak__put(info, n, recipient_binding, SHARE_BINDINGBYTES);
    return cloak__put(info, n, sender_pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
}

/* content = bytes 0..104+N of the share || lp8(vault id) || binding(recipient pk) */
static size_t share_content(uint8_t content[SHARE_CONTENT_MAXBYTES], const uint8_t *share, size_t enc_len,
                            const uint8_t *vault_id, size_t vault_id_len,
                            const uint8_t recipient_binding[SHARE_BINDINGBYTES])
{
    size_t n = cloak__put(content, 0, share, SHARE_SIG_OFF(enc_len));
    n = cloak__put_lp8(content, n, vault_id, vault_id_len);
    return cloak__put(content, n, recipient_binding, SHARE_BINDINGBYTES);
}

int cloak__share_header(const uint8_t *share, size_t share_len, uint32_t *suite, uint32_t *epoch)
{
    int rc = cloak__header_check_any_suite(share, share_len, (uint8_t)CLOAK_TYPE_SHARE);
    if (rc != CLOAK_OK) {
        return rc;
    }
    *suite = cloak__header_suite(share);
    if (share_len != SHARE_LEN(cloak__suite_enc_len(*suite))) {
        return CLOAK_E_MALFORMED;
    }
    *epoch = cloak__load32_be(share + SHARE_EPOCH_OFF);
    return *epoch == 0U ? CLOAK_E_MALFORMED : CLOAK_OK;
}

static int share_seal(uint8_t *share, uint32_t suite, const uint8_t vault_key[CLOAK_KEYBYTES], uint32_t epoch,
                      const uint8_t *vault_id, size_t vault_id_len, const uint8_t *recipient_public_key,
                      const uint8_t sender_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    const size_t enc_len = cloak__suite_enc_len(suite);
    const size_t share_len = SHARE_LEN(enc_len);
    const size_t pk_len = cloak__suite_public_key_len(suite);
    uint8_t binding[SHARE_BINDINGBYTES];
    /* An Ed25519 secret key is seed || public key (section 5); signing checks that the public half
     * is the seed's before anything is signed. */
    const uint8_t *sender_pk;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t info[SHARE_INFO_MAXBYTES];
    size_t info_len;
    uint8_t content[SHARE_CONTENT_MAXBYTES];
    size_t content_len;
    cloak__hpke_ctx ctx;
    int rc = CLOAK_E_BAD_PARAMS;

    memset(&ctx, 0, sizeof ctx);
    if (share == NULL || vault_key == NULL || epoch == 0U || !vault_id_ok(vault_id, vault_id_len) ||
        recipient_public_key == NULL || sender_identity_secret_key == NULL ||
        cloak__overlaps(share, share_len, vault_key, CLOAK_KEYBYTES) ||
        cloak__overlaps(share, share_len, vault_id, vault_id_len) ||
        cloak__overlaps(share, share_len, recipient_public_key, pk_len) ||
        cloak__overlaps(share, share_len, sender_identity_secret_key, CLOAK_IDENTITY_SECRETKEYBYTES)) {
        goto done;
    }
    rc = cloak__encryption_public_key_check(suite, recipient_public_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    sender_pk = sender_identity_secret_key + CLOAK_IDENTITY_SEEDBYTES;
    cloak__encryption_key_id_and_binding(key_id, binding, suite, recipient_public_key);
    cloak__header_write_suite(share, (uint8_t)CLOAK_TYPE_SHARE, suite, key_id);
    memcpy(share + SHARE_SENDER_OFF, sender_pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
    cloak__store32_be(share + SHARE_EPOCH_OFF, epoch);

    info_len = share_info(info, vault_id, vault_id_len, share + SHARE_EPOCH_OFF, binding, sender_pk);
    rc = cloak__hpke_base_sender(&ctx, suite, share + SHARE_ENC_OFF, recipient_public_key, info, info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak__hpke_seal_at(&ctx, 0, share + SHARE_CT_OFF(enc_len), share, SHARE_AAD_LEN, vault_key, CLOAK_KEYBYTES);

    content_len = share_content(content, share, enc_len, vault_id, vault_id_len, binding);
    rc = cloak__sign_labeled(share + SHARE_SIG_OFF(enc_len), CLOAK_LABEL_SIG_SHARE, content, content_len,
                             sender_identity_secret_key);

done:
    cloak__wipe(&ctx, sizeof ctx);
    if (rc != CLOAK_OK) {
        cloak__wipe(share, share_len);
    }
    return rc;
}

int cloak_share_seal(uint8_t share[CLOAK_SHAREBYTES], const uint8_t vault_key[CLOAK_KEYBYTES], uint32_t epoch,
                     const uint8_t *vault_id, size_t vault_id_len,
                     const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                     const uint8_t sender_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    return share_seal(share, CLOAK_SUITE_X25519, vault_key, epoch, vault_id, vault_id_len, recipient_public_key,
                      sender_identity_secret_key);
}

int cloak_share_seal_xwing(uint8_t share[CLOAK_XWING_SHAREBYTES], const uint8_t vault_key[CLOAK_KEYBYTES],
                           uint32_t epoch, const uint8_t *vault_id, size_t vault_id_len,
                           const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                           const uint8_t sender_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    return share_seal(share, CLOAK_SUITE_XWING, vault_key, epoch, vault_id, vault_id_len, recipient_public_key,
                      sender_identity_secret_key);
}

int cloak_share_sender(uint8_t sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const uint8_t *share,
                       size_t share_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (sender_identity_public_key == NULL || share == NULL ||
        cloak__overlaps(sender_identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES, share, share_len)) {
        goto done;
    }
    /* Either suite: the sender is at the same offset. */
    rc = cloak__header_check_any_suite(share, share_len, (uint8_t)CLOAK_TYPE_SHARE);
    if (rc == CLOAK_OK && share_len != SHARE_LEN(cloak__suite_enc_len(cloak__header_suite(share)))) {
        rc = CLOAK_E_MALFORMED;
    }
    if (rc == CLOAK_OK) {
        memcpy(sender_identity_public_key, share + SHARE_SENDER_OFF, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(sender_identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }
    return rc;
}

static int share_open(uint8_t vault_key[CLOAK_KEYBYTES], uint32_t *epoch, uint32_t suite, const uint8_t *share,
                      size_t share_len, const uint8_t *vault_id, size_t vault_id_len,
                      const uint8_t *recipient_public_key, const uint8_t recipient_secret_key[32],
                      const uint8_t trusted_sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                      uint32_t min_epoch)
{
    const size_t enc_len = cloak__suite_enc_len(suite);
    const size_t pk_len = cloak__suite_public_key_len(suite);
    uint8_t binding[SHARE_BINDINGBYTES], key_id[CLOAK_KEYIDBYTES];
    const uint8_t *sender_pk;
    uint8_t content[SHARE_CONTENT_MAXBYTES];
    size_t content_len;
    uint8_t info[SHARE_INFO_MAXBYTES];
    size_t info_len;
    uint32_t share_epoch;
    cloak__hpke_ctx ctx;
    int rc = CLOAK_E_BAD_PARAMS;

    memset(&ctx, 0, sizeof ctx);
    if (vault_key == NULL || epoch == NULL || share == NULL || !vault_id_ok(vault_id, vault_id_len) ||
        recipient_public_key == NULL || recipient_secret_key == NULL || trusted_sender_identity_public_key == NULL ||
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, share, share_len) ||
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, vault_id, vault_id_len) ||
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, recipient_public_key, pk_len) ||
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, recipient_secret_key, CLOAK_ENCRYPTION_SECRETKEYBYTES) ||
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, trusted_sender_identity_public_key,
                        CLOAK_IDENTITY_PUBLICKEYBYTES) ||
        cloak__overlaps(epoch, sizeof *epoch, vault_key, CLOAK_KEYBYTES)) {
        goto done;
    }
    rc = cloak__encryption_public_key_check(suite, recipient_public_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__header_check_suite(share, share_len, (uint8_t)CLOAK_TYPE_SHARE, suite);
    if (rc == CLOAK_OK && share_len != SHARE_LEN(enc_len)) {
        rc = CLOAK_E_MALFORMED;
    }
    if (rc != CLOAK_OK) {
        goto done;
    }

    /* Section 8's order: epoch in range, key id, trusted sender, signature, freshness, then
     * decryption. */
    share_epoch = cloak__load32_be(share + SHARE_EPOCH_OFF);
    if (share_epoch == 0U) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    cloak__encryption_key_id_and_binding(key_id, binding, suite, recipient_public_key);
    if (memcmp(key_id, share + CLOAK_HEADER_KEYID_OFFSET, CLOAK_KEYIDBYTES) != 0) {
        rc = CLOAK_E_WRONG_KEY;
        goto done;
    }
    sender_pk = share + SHARE_SENDER_OFF;
    if (memcmp(sender_pk, trusted_sender_identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES) != 0) {
        rc = CLOAK_E_UNTRUSTED_SIGNER;
        goto done;
    }
    content_len = share_content(content, share, enc_len, vault_id, vault_id_len, binding);
    if (cloak__verify_labeled(share + SHARE_SIG_OFF(enc_len), CLOAK_LABEL_SIG_SHARE, content, content_len, sender_pk) !=
        CLOAK_OK) {
        rc = CLOAK_E_BAD_SIGNATURE;
        goto done;
    }
    if (share_epoch < min_epoch) {
        rc = CLOAK_E_STALE;
        goto done;
    }

    info_len = share_info(info, vault_id, vault_id_len, share + SHARE_EPOCH_OFF, binding, sender_pk);
    rc = cloak__hpke_base_recipient(&ctx, suite, share + SHARE_ENC_OFF, recipient_public_key, recipient_secret_key,
                                    info, info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (cloak__hpke_open_at(&ctx, 0, vault_key, share, SHARE_AAD_LEN, share + SHARE_CT_OFF(enc_len),
                            CLOAK_KEYBYTES + CLOAK_HPKE_TAGBYTES) != CLOAK_OK) {
        rc = CLOAK_E_AUTH;
        goto done;
    }
    *epoch = share_epoch;

done:
    cloak__wipe(&ctx, sizeof ctx);
    if (rc != CLOAK_OK) {
        cloak__wipe(vault_key, CLOAK_KEYBYTES);
        cloak__wipe(epoch, sizeof *epoch);
    }
    return rc;
}

int cloak_share_open(uint8_t vault_key[CLOAK_KEYBYTES], uint32_t *epoch, const uint8_t *share, size_t share_len,
                     const uint8_t *vault_id, size_t vault_id_len,
                     const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                     const uint8_t recipient_secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES],
                     const uint8_t trusted_sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                     uint32_t min_epoch)
{
    return share_open(vault_key, epoch, CLOAK_SUITE_X25519, share, share_len, vault_id, vault_id_len,
                      recipient_public_key, recipient_secret_key, trusted_sender_identity_public_key, min_epoch);
}

int cloak_share_open_xwing(uint8_t vault_key[CLOAK_KEYBYTES], uint32_t *epoch, const uint8_t *share,
                           size_t share_len, const uint8_t *vault_id, size_t vault_id_len,
                           const uint8_t recipient_public_key[CLOAK_XWING_PUBLICKEYBYTES],
                           const uint8_t recipient_secret_key[CLOAK_XWING_SECRETKEYBYTES],
                           const uint8_t trusted_sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                           uint32_t min_epoch)
{
    return share_open(vault_key, epoch, CLOAK_SUITE_XWING, share, share_len, vault_id, vault_id_len,
                      recipient_public_key, recipient_secret_key, trusted_sender_identity_public_key, min_epoch);
}
