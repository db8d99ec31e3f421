/*
 * What the batch writer (batch_write.c) and reader (batch_read.c) share: the byte layout of a batch
 * and of its items (docs/protocol.md 9.1, 9.2), the caller-owned state both roles live in, and the
 * derived values both must compute alike (the HPKE info and the signed content).
 */
#ifndef CLOAK_BATCH_FORMAT_H
#define CLOAK_BATCH_FORMAT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "internal.h"

/* Batch blob offsets (section 9.1); L is the vault id's length, N the suite's encapsulation length
 * (32 or 1120): the creator is at 36 + N and lp8(vault id) at V = 68 + N. */
#define BATCH_IDBYTES 16U
#define BATCH_OFF_BATCH_ID 20U
#define BATCH_OFF_ENC 36U
/* After lp8(vault id), at V + 1 + L: epoch (4), head version (8), head hash (32), expiry (8), n (4). */
#define BATCH_TAIL_EPOCH 0U
#define BATCH_TAIL_HEAD_VERSION 4U
#define BATCH_TAIL_HEAD_HASH 12U
#define BATCH_TAIL_EXPIRY 44U
#define BATCH_TAIL_COUNT 52U
#define BATCH_TAILBYTES 56U
/* Bytes 0 to V + 57 + L, the part before the manifest, is BATCH_PREFIX_FIXED(N) + L long. */
#define BATCH_PREFIX_FIXED(n) (BATCH_OFF_ENC + (n) + CLOAK_IDENTITY_PUBLICKEYBYTES + 1U + BATCH_TAILBYTES)
#define BATCH_PREFIX_MAX (BATCH_PREFIX_FIXED(CLOAK_XWING_ENCBYTES) + CLOAK_LABELBYTES_MAX)
/* The whole blob is BATCH_FIXED(N) + L + 32n bytes. */
#define BATCH_FIXED(n) (BATCH_PREFIX_FIXED(n) + CLOAK_SIGNATUREBYTES)

/* Item offsets (section 9.2). */
#define ITEM_OFF_BATCH_ID 20U
#define ITEM_OFF_INDEX 36U
#define ITEM_OFF_CT 40U /* also the length of the aad */
#define ITEM_OVERHEAD (ITEM_OFF_CT + CLOAK_AEAD_TAGBYTES)
/* Inside the plaintext: lp8(name) || u32(len(value)) || value || zeros. */
#define ITEM_PT_FIXED 5U
#define ITEM_PAD_MIN 64U

/* lp8(label) || binding(account public key) || batch id || lp8(vault id) || epoch || head version ||
 * head hash || expiry || creator: at most 406 bytes. */
#define BATCH_BINDINGBYTES 32U
#define BATCH_INFO_MAX (1U + CLOAK_LABEL_LEN(CLOAK_LABEL_HPKE_BATCH) + BATCH_BINDINGBYTES + \
                        BATCH_IDBYTES + 1U + CLOAK_LABELBYTES_MAX + (BATCH_TAILBYTES - 4U) +          \
                        CLOAK_IDENTITY_PUBLICKEYBYTES)
#define BATCH_CONTENT_MAX (BATCH_PREFIX_MAX + CLOAK_BATCH_DIGESTBYTES)

#define BATCH_MAC_KEYBYTES 32U

/* Role tags of cloak__state_head. */
#define BATCH_ROLE_WRITER 0x63627772U
#define BATCH_ROLE_READER 0x63627264U

/*
 * One layout for both roles. The writer uses `reserved` (the next free index, advanced atomically
 * by concurrent seal_item calls); the reader uses count, checked and mac, HMAC-SHA256 keyed with a
 * random 32-byte key drawn at verify (its key schedule done once, so a tag costs two compressions;
 * the key itself is not kept). The prefix holds bytes
 * 0 to 157 + L of the batch: the writer fills it at begin (n at finish), the reader copies it from
 * the verified blob, and every accessor reads from it.
 */
typedef struct CLOAK_STATE_LAYOUT batch_state {
    cloak__state_head head;
    atomic_uint_least32_t reserved;
    uint32_t count;
    uint32_t checked;
    uint16_t prefix_len;
    cloak__hpke_ctx hpke; /* key and base nonce; the exporter secret is wiped */
    crypto_auth_hmacsha256_state mac;
    uint8_t prefix[BATCH_PREFIX_MAX];
} batch_state;

CLOAK_STATE_ACCESSORS(cloak_batch, batch_state, batch_state_of)
_Static_assert(BATCH_CONTENT_MAX <= CLOAK_SIGNED_CONTENT_MAX, "batch signed content exceeds the signing bound");

/* The encapsulation length, the creator's and the vault id's offsets of a prefix or blob whose
 * header has been checked (its suite is 1 or 2). */
static inline size_t batch_enc_len(const uint8_t *prefix)
{
    return cloak__suite_enc_len(cloak__header_suite(prefix));
}
static inline size_t batch_off_creator(const uint8_t *prefix)
{
    return BATCH_OFF_ENC + batch_enc_len(prefix);
}
static inline size_t batch_off_vault_id(const uint8_t *prefix)
{
    return batch_off_creator(prefix) + CLOAK_IDENTITY_PUBLICKEYBYTES;
}

/* Where the fields after lp8(vault id) start in a prefix (or blob). */
static inline size_t batch_tail_offset(const uint8_t *prefix)
{
    const size_t v = batch_off_vault_id(prefix);
    return v + 1U + (size_t)prefix[v];
}

/* Whether s is a batch state set up in `role` at the address of `batch`, with a self-consistent
 * prefix (a corrupted state is refused too). */
static inline int batch_state_is(const cloak_batch *batch, const batch_state *s, uint32_t role)
{
    const size_t n = batch_enc_len(s->prefix);
    return cloak__state_is(&s->head, batch, role) && n != 0 && s->prefix_len > BATCH_PREFIX_FIXED(n) &&
           s->prefix_len <= BATCH_PREFIX_MAX &&
           (size_t)s->prefix[batch_off_vault_id(s->prefix)] + BATCH_PREFIX_FIXED(n) == s->prefix_len;
}

/* A batch's length in a suite (0 for a vault id or count out of bounds). */
CLOAK_INTERNAL size_t cloak__batch_len_suite(uint32_t suite, size_t vault_id_len, size_t item_count);
/* The HPKE info, from binding(account public key) and bytes 0 to V + 57 + L of the batch
 * (everything but n is taken from it). Returns its length; info holds BATCH_INFO_MAX. */
CLOAK_INTERNAL size_t cloak__batch_hpke_info(uint8_t info[BATCH_INFO_MAX], const uint8_t binding[BATCH_BINDINGBYTES],
                                             const uint8_t *prefix);
/* content = bytes 0 to V + 57 + L || BLAKE2b-256(manifest); returns its length. */
CLOAK_INTERNAL size_t cloak__batch_signed_content(uint8_t content[BATCH_CONTENT_MAX], const uint8_t *prefix,
                                                  size_t prefix_len, const uint8_t *manifest, size_t manifest_len);
/* Section 9.1's structural checks on a blob: header (a reader of `suite`, or of either with 0),
 * length, vault id length, epoch and head version not 0, n at most 1,000,000 and the exact length.
 * Gives the prefix length (V + 57 + L) and n. */
CLOAK_INTERNAL int cloak__batch_layout(size_t *prefix_len, uint32_t *n, const uint8_t *blob, size_t blob_len,
                                       uint32_t suite);
/* Section 9.2's header and length checks on an item (the padded length P = item_len - 56 valid), in
 * a reader of `suite` (0: either). */
CLOAK_INTERNAL int cloak__batch_item_layout(const uint8_t *item, size_t item_len, uint32_t suite);

#endif /* CLOAK_BATCH_FORMAT_H */
