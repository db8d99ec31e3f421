/*
 * Vault-key shares (docs/protocol.md section 8): the vault key sealed with HPKE Base to a member's
 * encryption public key, and signed by the sharer's identity so that a member accepts keys only
 * from identities it trusts (HPKE Base alone authenticates no sender).
 *
 *     0   header (key id = id of the recipient's encryption public key)
 *     20  sender identity public key
 *     52  epoch of the vault key, u32
 *     56  enc
 *     88  HPKE ciphertext of the vault key (32 + 16)
 *     136 signature over bytes 0..136 || lp8(vault id) || recipient public key
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
#define SHARE_CT_OFF (SHARE_ENC_OFF + CLOAK_HPKE_ENCBYTES)
#define SHARE_SIG_OFF (SHARE_CT_OFF + CLOAK_KEYBYTES + CLOAK_HPKE_TAGBYTES)
#define SHARE_AAD_LEN SHARE_ENC_OFF

#define SHARE_INFO_MAXBYTES                                                                          \
    (1U + CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_SHARE) + 1U + CLOAK_LABELBYTES_MAX + 4U +                 \
     CLOAK_ENCRYPTION_PUBLICKEYBYTES + CLOAK_IDENTITY_PUBLICKEYBYTES)
#define SHARE_CONTENT_MAXBYTES (SHARE_SIG_OFF + 1U + CLOAK_LABELBYTES_MAX + CLOAK_ENCRYPTION_PUBLICKEYBYTES)

_Static_assert(SHARE_SIG_OFF + CLOAK_SIGNATUREBYTES == CLOAK_SHAREBYTES, "share layout");
_Static_assert(SHARE_CONTENT_MAXBYTES <= CLOAK_SIGNED_CONTENT_MAX, "share signed content bound");

static int vault_id_ok(const uint8_t *vault_id, size_t vault_id_len)
{
    return vault_id != NULL && vault_id_len >= 1U && vault_id_len <= CLOAK_LABELBYTES_MAX;
}

/* info = lp8("libcloak v2 share") || lp8(vault id) || u32(epoch) || recipient pk || sender identity pk */
static size_t share_info(uint8_t info[SHARE_INFO_MAXBYTES], const uint8_t *vault_id, size_t vault_id_len,
                         const uint8_t epoch[4], const uint8_t recipient_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                         const uint8_t sender_pk[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    size_t n = cloak__put_lp8(info, 0, CLOAK_LABEL_HPKE_SHARE, CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_SHARE));
    n = cloak__put_lp8(info, n, vault_id, vault_id_len);
    n = cloak__put(info, n, epoch, 4U);
    n = cloak__put(info, n, recipient_pk, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    return cloak__put(info, n, sender_pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
}

/* content = bytes 0..136 of the share || lp8(vault id) || recipient pk */
static size_t share_content(uint8_t content[SHARE_CONTENT_MAXBYTES], const uint8_t *share, const uint8_t *vault_id,
                            size_t vault_id_len, const uint8_t recipient_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES])
{
    size_t n = cloak__put(content, 0, share, SHARE_SIG_OFF);
    n = cloak__put_lp8(content, n, vault_id, vault_id_len);
    return cloak__put(content, n, recipient_pk, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
}

int cloak_share_seal(uint8_t share[CLOAK_SHAREBYTES], const uint8_t vault_key[CLOAK_KEYBYTES], uint32_t epoch,
                     const uint8_t *vault_id, size_t vault_id_len,
                     const uint8_t recipient_public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                     const uint8_t sender_identity_secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
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
        cloak__overlaps(share, CLOAK_SHAREBYTES, vault_key, CLOAK_KEYBYTES) ||
        cloak__overlaps(share, CLOAK_SHAREBYTES, vault_id, vault_id_len) ||
        cloak__overlaps(share, CLOAK_SHAREBYTES, recipient_public_key, CLOAK_ENCRYPTION_PUBLICKEYBYTES) ||
        cloak__overlaps(share, CLOAK_SHAREBYTES, sender_identity_secret_key, CLOAK_IDENTITY_SECRETKEYBYTES)) {
        goto done;
    }
    rc = cloak__x25519_public_key_check(recipient_public_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    sender_pk = sender_identity_secret_key + CLOAK_IDENTITY_SEEDBYTES;
    cloak__public_key_id(key_id, recipient_public_key);
    cloak__header_write(share, (uint8_t)CLOAK_TYPE_SHARE, key_id);
    memcpy(share + SHARE_SENDER_OFF, sender_pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
    cloak__store32_be(share + SHARE_EPOCH_OFF, epoch);

    info_len = share_info(info, vault_id, vault_id_len, share + SHARE_EPOCH_OFF, recipient_public_key, sender_pk);
    rc = cloak__hpke_base_sender(&ctx, share + SHARE_ENC_OFF, recipient_public_key, info, info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    cloak__hpke_seal_at(&ctx, 0, share + SHARE_CT_OFF, share, SHARE_AAD_LEN, vault_key, CLOAK_KEYBYTES);

    content_len = share_content(content, share, vault_id, vault_id_len, recipient_public_key);
    rc = cloak__sign_labeled(share + SHARE_SIG_OFF, CLOAK_LABEL_SIG_SHARE, content, content_len,
                             sender_identity_secret_key);

done:
    cloak__wipe(&ctx, sizeof ctx);
    if (rc != CLOAK_OK) {
        cloak__wipe(share, CLOAK_SHAREBYTES);
    }
    return rc;
}

int cloak_share_sender(uint8_t sender_identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const uint8_t *share,
                       size_t share_len)
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (sender_identity_public_key == NULL || share == NULL ||
        cloak__overlaps(sender_identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES, share, share_len)) {
        goto done;
    }
    rc = cloak__header_check_fixed(share, share_len, (uint8_t)CLOAK_TYPE_SHARE, CLOAK_SHAREBYTES);
    if (rc == CLOAK_OK) {
        memcpy(sender_identity_public_key, share + SHARE_SENDER_OFF, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(sender_identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
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
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, recipient_public_key, CLOAK_ENCRYPTION_PUBLICKEYBYTES) ||
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, recipient_secret_key, CLOAK_ENCRYPTION_SECRETKEYBYTES) ||
        cloak__overlaps(vault_key, CLOAK_KEYBYTES, trusted_sender_identity_public_key,
                        CLOAK_IDENTITY_PUBLICKEYBYTES) ||
        cloak__overlaps(epoch, sizeof *epoch, vault_key, CLOAK_KEYBYTES)) {
        goto done;
    }
    rc = cloak__x25519_public_key_check(recipient_public_key);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__header_check_fixed(share, share_len, (uint8_t)CLOAK_TYPE_SHARE, CLOAK_SHAREBYTES);
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
    if (!cloak__header_names_public_key(share, recipient_public_key)) {
        rc = CLOAK_E_WRONG_KEY;
        goto done;
    }
    sender_pk = share + SHARE_SENDER_OFF;
    if (memcmp(sender_pk, trusted_sender_identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES) != 0) {
        rc = CLOAK_E_UNTRUSTED_SIGNER;
        goto done;
    }
    content_len = share_content(content, share, vault_id, vault_id_len, recipient_public_key);
    if (cloak__verify_labeled(share + SHARE_SIG_OFF, CLOAK_LABEL_SIG_SHARE, content, content_len, sender_pk) !=
        CLOAK_OK) {
        rc = CLOAK_E_BAD_SIGNATURE;
        goto done;
    }
    if (share_epoch < min_epoch) {
        rc = CLOAK_E_STALE;
        goto done;
    }

    info_len = share_info(info, vault_id, vault_id_len, share + SHARE_EPOCH_OFF, recipient_public_key, sender_pk);
    rc = cloak__hpke_base_recipient(&ctx, share + SHARE_ENC_OFF, recipient_public_key, recipient_secret_key, info,
                                    info_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (cloak__hpke_open_at(&ctx, 0, vault_key, share, SHARE_AAD_LEN, share + SHARE_CT_OFF,
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
