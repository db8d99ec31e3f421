/*
 * Private interfaces of the vault head (head.c), its Merkle commitment (merkle.c) and the streamed
 * labelled signature they need (head_signature.c). Layout of a head blob (docs/protocol.md section
 * 10), L = vault id length, r = roster count:
 *
 *   0        header (20), key id = the vault key's id
 *   20       version u64
 *   28       previous head hash (32)
 *   60       epoch u32
 *   64       lp8(vault id)
 *   65+L     expiry u64
 *   73+L     Merkle root (32)
 *   105+L    leaf count u32
 *   109+L    vault policy u8
 *   110+L    roster count u16
 *   112+L    roster, 52 bytes per entry
 *   112+L+52r signer identity public key (32)
 *   144+L+52r signature (64)
 *   208+L+52r end
 */
#ifndef CLOAK_HEAD_FORMAT_H
#define CLOAK_HEAD_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define HEAD_OFF_VERSION 20U
#define HEAD_OFF_PREVIOUS 28U
#define HEAD_OFF_EPOCH 60U
#define HEAD_OFF_VAULT_ID 64U
/* The offsets below are relative to 65 + L, the end of lp8(vault id). */
#define HEAD_REL_EXPIRY 0U
#define HEAD_REL_ROOT 8U
#define HEAD_REL_LEAF_COUNT 40U
#define HEAD_REL_POLICY 44U
#define HEAD_REL_ROSTER_COUNT 45U
#define HEAD_REL_ROSTER 47U
/* Fixed bytes of a head besides the vault id and the roster: 208. */
#define HEAD_FIXEDBYTES (65U + HEAD_REL_ROSTER + 32U + CLOAK_SIGNATUREBYTES)

/* Roster entry fields. */
#define ROSTER_OFF_KIND 0U
#define ROSTER_OFF_PERMISSIONS 1U
#define ROSTER_OFF_SUITE 2U
#define ROSTER_OFF_PUBLIC_KEY 4U
#define ROSTER_OFF_KEY_ID 36U

#define CLOAK_LABEL_SIG_HEAD "libcloak v2 head"
#define CLOAK_LABEL_HEAD_HASH "libcloak v2 head hash"

/* Ed25519 over lp8(label) || signer public key || content for content of any length. Same result
 * and rules as cloak__sign_labeled() / cloak__verify_labeled() (docs/protocol.md 1.1, 1.3), which
 * they call for content of at most CLOAK_SIGNED_CONTENT_MAX bytes; longer content goes to the
 * streamed versions, which hash the message piece by piece so that a head of half a megabyte is
 * signed in place, without a copy. Signing checks the key (CLOAK_E_INVALID_KEY, sig zeroed);
 * verifying returns 0 or CLOAK_E_BAD_SIGNATURE (CLOAK_E_BAD_PARAMS for a NULL pointer). */
CLOAK_INTERNAL int cloak__sign_labeled_long(uint8_t sig[64], const char *label, const uint8_t *content,
                                            size_t content_len, const uint8_t sk[64]);
CLOAK_INTERNAL int cloak__verify_labeled_long(const uint8_t sig[64], const char *label, const uint8_t *content,
                                              size_t content_len, const uint8_t pk[32]);
/* The streamed versions alone, whatever the length (the tests compare them with libsodium's). */
CLOAK_INTERNAL int cloak__sign_labeled_stream(uint8_t sig[64], const char *label, const uint8_t *content,
                                              size_t content_len, const uint8_t sk[64]);
CLOAK_INTERNAL int cloak__verify_labeled_stream(const uint8_t sig[64], const char *label, const uint8_t *content,
                                                size_t content_len, const uint8_t pk[32]);

/* The Merkle root and leaf count of a verified head state; CLOAK_E_BAD_STATE for any other state. */
CLOAK_INTERNAL int cloak__head_tree(const cloak_head *head, const uint8_t **root, uint32_t *leaf_count);

#endif /* CLOAK_HEAD_FORMAT_H */
