/*
 * Internal interfaces shared by libcloak's source files. Nothing here is exported from the shared
 * library (hidden visibility); unit tests reach these through the internal static library.
 *
 * Conventions every file follows:
 * - All multi-byte integers on the wire are big-endian.
 * - "lp8(x)" is one length byte followed by x (x is at most 255 bytes).
 * - Every temporary that held key material or plaintext is wiped with cloak__wipe() on every path.
 *
 * Failure idiom. A function computes into locals and writes its outputs last. On any error it sets
 * rc and jumps to its one exit label, which wipes the temporaries and, when rc is not CLOAK_OK,
 * clears every output with cloak__wipe() (NULL-safe: no guard around it; a scalar output is
 * cleared as cloak__wipe(p, sizeof *p)). A function whose only failure is one check made before
 * anything is written clears its outputs in that check's block instead: still one place. Outputs
 * are never cleared on entry, so inputs that alias them are read before they are destroyed. A
 * caller-owned state (cloak_vault, cloak_batch) is wiped on entry only to build it from zero.
 *
 * Misuse rule for internal (cloak__*) functions. Misuse (a NULL pointer with a non-zero length, a
 * length outside the documented range) is a bug in the library, handled in one of two ways:
 * - a function that returns a status returns CLOAK_E_BAD_PARAMS, with its outputs cleared;
 * - a void function, which cannot report, aborts: an all-zero key or tag handed back silently
 *   would be worse than a crash.
 * None returns silently. The fixed-layout helpers (load/store, header write) take valid pointers as
 * their precondition and check nothing.
 */
#ifndef CLOAK_INTERNAL_H
#define CLOAK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cloak.h"

#define CLOAK_INTERNAL __attribute__((visibility("hidden")))

/* ------------------------------------------------------------------------------------------------
 * Envelope header (every blob): version(1) type(1) suite(2) key_id(16) = CLOAK_HEADERBYTES
 * ---------------------------------------------------------------------------------------------- */
#define CLOAK_FORMAT_VERSION 0x02U
/* Where the key id starts in every blob: after version(1) type(1) suite(2). */
#define CLOAK_HEADER_KEYID_OFFSET 4U

/* The process's fork generation (init.c): one more in each child of fork() after cloak_init(). */
CLOAK_INTERNAL uint32_t cloak__fork_generation(void);

/* Every caller-owned state layout starts with this: the state's own address and the fork generation,
 * recorded when it is set up, and a role tag. A state whose recorded address is not its address was
 * copied or moved; one set up before a fork() is the parent's (a child sealing with it would reuse
 * the parent's nonces); a zero or unknown role is a wiped, never set up or wrong-role state. Each is
 * CLOAK_E_BAD_STATE. A copy written back over the same address in the same process cannot be told
 * apart: the header says not to do it. */
typedef struct cloak__state_head {
    uintptr_t self;
    uint32_t role;
    uint32_t generation;
} cloak__state_head;
static inline void cloak__state_set(cloak__state_head *h, const void *state, uint32_t role)
{
    h->self = (uintptr_t)state;
    h->role = role;
    h->generation = cloak__fork_generation();
}
static inline int cloak__state_is(const cloak__state_head *h, const void *state, uint32_t role)
{
    return h->self == (uintptr_t)state && h->role == role && h->generation == cloak__fork_generation();
}
/* Role tags, one per kind of state and side: distinct non-zero values, so a wiped state (zero) and a
 * state of another kind or side are both refused. */
#define CLOAK__ROLE_VAULT 0x636c7661U          /* "clva" */
#define CLOAK__ROLE_HPKE_SENDER 0x636c6873U    /* "clhs" */
#define CLOAK__ROLE_HPKE_RECIPIENT 0x636c6872U /* "clhr" */
#define CLOAK__ROLE_BATCH_WRITER 0x636c6277U   /* "clbw" */
#define CLOAK__ROLE_BATCH_READER 0x636c6272U   /* "clbr" */
#define CLOAK__ROLE_HEAD 0x636c6864U           /* "clhd" */

/* Writes a header of suite 1, or of a given suite. */
CLOAK_INTERNAL void cloak__header_write(uint8_t header[CLOAK_HEADERBYTES], uint8_t type,
                                        const uint8_t key_id[CLOAK_KEYIDBYTES]);
CLOAK_INTERNAL void cloak__header_write_suite(uint8_t header[CLOAK_HEADERBYTES], uint8_t type, uint32_t suite,
                                              const uint8_t key_id[CLOAK_KEYIDBYTES]);
/* The suite field of a header (the caller has checked the length). */
CLOAK_INTERNAL uint32_t cloak__header_suite(const uint8_t header[CLOAK_HEADERBYTES]);
/* Steps 1 to 4a of section 2: the version, a known suite and a known type (no expected type). */
CLOAK_INTERNAL int cloak__header_check_known(const uint8_t *blob, size_t blob_len);
/* Steps 1 to 5 of section 2 for a reader of either suite: as cloak__header_check, but any suite the
 * type admits. */
CLOAK_INTERNAL int cloak__header_check_any_suite(const uint8_t *blob, size_t blob_len, uint8_t expected_type);
/* Steps 1 to 5 for a reader of one suite (UNSUPPORTED_SUITE for the other). */
CLOAK_INTERNAL int cloak__header_check_suite(const uint8_t *blob, size_t blob_len, uint8_t expected_type,
                                             uint32_t suite);
/* Checks, in this order: blob_len >= CLOAK_HEADERBYTES (else MALFORMED), version (UNSUPPORTED_VERSION),
 * suite 1 or 2 (UNSUPPORTED_SUITE), type is a known type (MALFORMED) and equals expected_type
 * (WRONG_TYPE), suite admitted by the type and suite 1 (UNSUPPORTED_SUITE): a suite-1 reader.
 * Length of the body and key id are for the caller to check. */
CLOAK_INTERNAL int cloak__header_check(const uint8_t *blob, size_t blob_len, uint8_t expected_type);
/* cloak__header_check(), then step 5 for an object of one fixed size: any other length is
 * CLOAK_E_MALFORMED. */
CLOAK_INTERNAL int cloak__header_check_fixed(const uint8_t *blob, size_t blob_len, uint8_t expected_type,
                                             size_t expected_len);
/* True for the types of cloak_object_type. */
CLOAK_INTERNAL int cloak__type_known(uint8_t type);
/* Name used in the text form prefix ("cloak-<name>-"), NULL for an unknown type. */
CLOAK_INTERNAL const char *cloak__type_name(uint8_t type);

/* ------------------------------------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------------------------------- */
CLOAK_INTERNAL void cloak__wipe(void *p, size_t n);
/* Constant-time comparison: 0 if equal. */
CLOAK_INTERNAL int cloak__memcmp_ct(const void *a, const void *b, size_t n);
CLOAK_INTERNAL void cloak__store32_be(uint8_t out[4], uint32_t v);
CLOAK_INTERNAL uint32_t cloak__load32_be(const uint8_t in[4]);
CLOAK_INTERNAL void cloak__store16_be(uint8_t out[2], uint16_t v);
CLOAK_INTERNAL uint16_t cloak__load16_be(const uint8_t in[2]);
/* Whether [a, a + a_len) and [b, b + b_len) share a byte. Compared as integers, since relational
 * operators on pointers into different objects are undefined. A NULL pointer overlaps nothing. */
CLOAK_INTERNAL int cloak__overlaps(const void *a, size_t a_len, const void *b, size_t b_len);

/* ------------------------------------------------------------------------------------------------
 * Wire helpers (wire.c)
 * ---------------------------------------------------------------------------------------------- */
/* Appends p[0..n) to buf at off and returns the offset after it; p may be NULL when n is 0. The
 * caller has sized buf (every encoder has a fixed maximum layout). */
CLOAK_INTERNAL size_t cloak__put(uint8_t *buf, size_t off, const void *p, size_t n);
/* Appends lp8(p[0..n)); n over 255 aborts (callers check label lengths first). */
CLOAK_INTERNAL size_t cloak__put_lp8(uint8_t *buf, size_t off, const void *p, size_t n);
/* SHA-256(lp8(label) || data), the state wiped. */
CLOAK_INTERNAL void cloak__labeled_sha256(uint8_t out[32], const char *label, const uint8_t *data,
                                          size_t data_len);

/* ------------------------------------------------------------------------------------------------
 * Caller-owned opaque state (cloak_vault, cloak_batch, cloak_hpke_context): each public type is a
 * union of an aligned byte array. The one file that owns a state declares its layout as a struct
 * marked CLOAK_STATE_LAYOUT (may_alias: the caller's bytes are read and written through it without
 * breaking the aliasing rules) and reaches it only through the accessors CLOAK_STATE_ACCESSORS
 * defines, which also check at compile time that the layout fits and needs no stricter alignment.
 * ---------------------------------------------------------------------------------------------- */
#define CLOAK_STATE_LAYOUT __attribute__((may_alias))
/* NOLINTBEGIN(bugprone-macro-parentheses): the arguments are type and function names, which cannot
 * be parenthesised. */
#define CLOAK_STATE_ACCESSORS(public_type, layout_type, accessor)                                           \
    _Static_assert(sizeof(layout_type) <= sizeof(((public_type *)0)->opaque.bytes),                         \
                   #layout_type " does not fit " #public_type);                                            \
    _Static_assert(_Alignof(layout_type) <= _Alignof(public_type),                                         \
                   #layout_type " needs a stricter alignment than " #public_type);                         \
    __attribute__((unused)) static layout_type *accessor(public_type *p)                                   \
    {                                                                                                      \
        return (layout_type *)(void *)p->opaque.bytes;                                                     \
    }                                                                                                      \
    __attribute__((unused)) static const layout_type *accessor##_const(const public_type *p)               \
    {                                                                                                      \
        return (const layout_type *)(const void *)p->opaque.bytes;                                         \
    }
/* NOLINTEND(bugprone-macro-parentheses) */

/* ------------------------------------------------------------------------------------------------
 * Vault state (vault.c) as secret.c sees it
 * ---------------------------------------------------------------------------------------------- */
/* The secret key, and ad_prefix = secret header || u32(epoch) || lp8(vault id), whose first
 * CLOAK_SECRET_EPOCH_END bytes are what every secret of this vault and epoch starts with. Outputs
 * NULL/0 on failure: CLOAK_E_BAD_PARAMS for a NULL state, CLOAK_E_BAD_STATE for a wiped, never
 * initialised, copied or moved one. */
#define CLOAK_SECRET_EPOCH_OFF CLOAK_HEADERBYTES
#define CLOAK_SECRET_EPOCH_END (CLOAK_SECRET_EPOCH_OFF + 4U)
CLOAK_INTERNAL int cloak__vault_secret_view(const cloak_vault *vault, const uint8_t **secret_key,
                                            const uint8_t **ad_prefix, size_t *ad_prefix_len);

/* ------------------------------------------------------------------------------------------------
 * Password policy (password_policy.c), used by password.c
 * ---------------------------------------------------------------------------------------------- */
/* CLOAK_OK when the parameters lie within the policy (NULL: the default), CLOAK_E_WEAK_PARAMS
 * when not, CLOAK_E_BAD_PARAMS for a malformed policy. */
CLOAK_INTERNAL int cloak__password_policy_admits(const uint8_t *policy, uint32_t memory_kib, uint32_t iterations,
                                                 uint32_t parallelism);

/* ------------------------------------------------------------------------------------------------
 * Labels (domain separation). Each is ASCII, written without its NUL.
 * ---------------------------------------------------------------------------------------------- */
#define CLOAK_LABEL_KEY_ID "libcloak v2 key id"
#define CLOAK_LABEL_PUBLIC_KEY_ID "libcloak v2 public key id"
#define CLOAK_LABEL_PASSWORD_SALT "libcloak v2 password"
#define CLOAK_LABEL_PASSWORD_WITH_SECRET_KEY "libcloak v2 password and secret key"
#define CLOAK_LABEL_ACCOUNT_SALT "libcloak v2 account salt"
#define CLOAK_LABEL_ACCOUNT_SECRET_KEY "libcloak v2 account secret key"
#define CLOAK_LABEL_ACCOUNT_SECRET_KEY_TEXT "libcloak v2 account secret key text"
#define CLOAK_LABEL_MASTER_KEY "libcloak v2 master key"
#define CLOAK_LABEL_LOGIN_KEY "libcloak v2 login key"
#define CLOAK_LABEL_WRAP_KEY "libcloak v2 key wrap"
#define CLOAK_LABEL_SECRET_KEY "libcloak v2 secret key"
#define CLOAK_LABEL_INDEX_KEY "libcloak v2 blind index key"
#define CLOAK_LABEL_SIG_USER "libcloak v2 user signature"
#define CLOAK_LABEL_SIG_BUNDLE "libcloak v2 bundle"
#define CLOAK_LABEL_SIG_SHARE "libcloak v2 share"
#define CLOAK_LABEL_SIG_BATCH "libcloak v2 batch"
#define CLOAK_LABEL_HPKE_SHARE "libcloak v2 share"
#define CLOAK_LABEL_HPKE_BATCH "libcloak v2 batch"
#define CLOAK_LABEL_FINGERPRINT "libcloak v2 fingerprint"
#define CLOAK_LABEL_TEXT_CHECKSUM "libcloak v2 text"
#define CLOAK_LABEL_LEN(l) (sizeof(l) - 1U)

/* ------------------------------------------------------------------------------------------------
 * Key ids
 *   symmetric key K: HKDF-Expand(PRK = K, info = "libcloak v2 key id", L = 16)
 *   public key P:    SHA-256(lp8("libcloak v2 public key id") || P)[0..16)
 * ---------------------------------------------------------------------------------------------- */
CLOAK_INTERNAL void cloak__public_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t public_key[32]);
CLOAK_INTERNAL void cloak__public_key_id_n(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t *public_key,
                                           size_t public_key_len);
/* Whether the key id in the header of `blob` (at least CLOAK_HEADERBYTES long) is the id of
 * public_key. Key ids are public: compared in variable time. */
CLOAK_INTERNAL int cloak__header_names_public_key(const uint8_t *blob, const uint8_t public_key[32]);
CLOAK_INTERNAL int cloak__header_names_key_n(const uint8_t *blob, const uint8_t *public_key, size_t public_key_len);
/* For an object of one fixed size that carries the public key its header names (public key blob,
 * bundle, service-account private key): the header of a suite-1 reader (or of `suite`), the length,
 * then CLOAK_E_MALFORMED unless the header's key id is the id of the key at public_key_offset (an
 * identity key for types 0x02 and 0x04, an encryption key of the suite otherwise). */
CLOAK_INTERNAL int cloak__header_check_carried_key(const uint8_t *blob, size_t blob_len, uint8_t expected_type,
                                                   size_t expected_len, size_t public_key_offset);
CLOAK_INTERNAL int cloak__header_check_carried_key_suite(const uint8_t *blob, size_t blob_len, uint8_t expected_type,
                                                         uint32_t suite, size_t expected_len,
                                                         size_t public_key_offset);
/* Public key blobs (section 5.1) of the given type (identity or encryption public key), suite 1 or
 * the given suite. Export may run in place; both clear their output on failure. */
CLOAK_INTERNAL int cloak__public_blob_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES], uint8_t type,
                                              const uint8_t public_key[32]);
CLOAK_INTERNAL int cloak__public_blob_import(uint8_t public_key[32], uint8_t type, const uint8_t *blob,
                                             size_t blob_len);
CLOAK_INTERNAL int cloak__public_blob_export_suite(uint8_t *blob, uint8_t type, uint32_t suite,
                                                   const uint8_t *public_key);
CLOAK_INTERNAL int cloak__public_blob_import_suite(uint8_t *public_key, uint8_t type, uint32_t suite,
                                                   const uint8_t *blob, size_t blob_len);

/* A share's section 2 steps 1 to 6 in either suite, and its epoch (not 0: MALFORMED) (share.c). */
CLOAK_INTERNAL int cloak__share_header(const uint8_t *share, size_t share_len, uint32_t *suite, uint32_t *epoch);
/* A batch's section 9.1 structural checks in either suite, its suite and epoch (batch_format.c). */
CLOAK_INTERNAL int cloak__batch_header(const uint8_t *blob, size_t blob_len, uint32_t *suite, uint32_t *epoch);

/* ------------------------------------------------------------------------------------------------
 * Suites (suite.c): what differs between suite 1 (X25519) and suite 2 (X-Wing)
 * ---------------------------------------------------------------------------------------------- */
/* 32 and 32, or 1216 and 1120; 0 for no suite. */
CLOAK_INTERNAL size_t cloak__suite_public_key_len(uint32_t suite);
CLOAK_INTERNAL size_t cloak__suite_enc_len(uint32_t suite);
/* The suite of an encryption public key of this length, 0 for none. */
CLOAK_INTERNAL uint32_t cloak__suite_of_public_key_len(size_t public_key_len);
/* Sections 1.4 and 1.6: CLOAK_OK, CLOAK_E_MALFORMED or CLOAK_E_INVALID_KEY. */
CLOAK_INTERNAL int cloak__encryption_public_key_check(uint32_t suite, const uint8_t *public_key);
/* binding(P) of section 1.6, and the key id. */
CLOAK_INTERNAL void cloak__encryption_key_binding(uint8_t binding[32], uint32_t suite, const uint8_t *public_key);
CLOAK_INTERNAL void cloak__encryption_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], uint32_t suite,
                                             const uint8_t *public_key);
/* Both at once (one hash for an X-Wing key). */
CLOAK_INTERNAL void cloak__encryption_key_id_and_binding(uint8_t key_id[CLOAK_KEYIDBYTES], uint8_t binding[32],
                                                         uint32_t suite, const uint8_t *public_key);
/* The public key of a suite's 32-byte secret key (all zero for an X25519 key that has none). */
CLOAK_INTERNAL void cloak__encryption_public_key_derive(uint8_t *public_key, uint32_t suite,
                                                        const uint8_t secret_key[32]);

/* ------------------------------------------------------------------------------------------------
 * HMAC-SHA256 and HKDF-SHA256 (RFC 5869) on libsodium's HMAC
 * ---------------------------------------------------------------------------------------------- */
#define CLOAK_HASHBYTES 32U
CLOAK_INTERNAL void cloak__hmac_sha256(uint8_t out[CLOAK_HASHBYTES], const uint8_t *key, size_t key_len,
                                       const uint8_t *msg, size_t msg_len);
/* Verifies a tag of tag_len bytes (1..32, a prefix of the full HMAC) in constant time.
 * 0, CLOAK_E_AUTH, or CLOAK_E_BAD_PARAMS (tag_len 0 or over 32: a zero-length tag would accept
 * anything). */
CLOAK_INTERNAL int cloak__hmac_sha256_verify(const uint8_t *tag, size_t tag_len, const uint8_t *key, size_t key_len,
                                             const uint8_t *msg, size_t msg_len);
CLOAK_INTERNAL void cloak__hkdf_extract(uint8_t prk[CLOAK_HASHBYTES], const uint8_t *salt, size_t salt_len,
                                        const uint8_t *ikm, size_t ikm_len);
/* out_len at most 255 * 32, else CLOAK_E_BAD_PARAMS (out zeroed). prk_len >= 1. out may alias prk,
 * not info. The void layers here and below (hmac, extract, seal, sign_labeled) abort on a NULL
 * pointer with a non-zero length: a silent all-zero key would be worse than a crash. */
CLOAK_INTERNAL int cloak__hkdf_expand(uint8_t *out, size_t out_len, const uint8_t *prk, size_t prk_len,
                                      const uint8_t *info, size_t info_len);

/* ------------------------------------------------------------------------------------------------
 * AEAD layer over libsodium: outputs zeroed on failure. ciphertext = encrypted || 16-byte tag.
 * In-place operation (c == m) is allowed.
 * ---------------------------------------------------------------------------------------------- */
#define CLOAK_AEAD_TAGBYTES 16U
#define CLOAK_XNONCEBYTES 24U
#define CLOAK_NONCEBYTES 12U
CLOAK_INTERNAL void cloak__xchacha_seal(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad,
                                        size_t ad_len, const uint8_t nonce[CLOAK_XNONCEBYTES],
                                        const uint8_t key[32]);
/* 0 or CLOAK_E_AUTH (also for c_len < 16). Writes c_len - 16 bytes to m. */
CLOAK_INTERNAL int cloak__xchacha_open(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad,
                                       size_t ad_len, const uint8_t nonce[CLOAK_XNONCEBYTES], const uint8_t key[32]);
/* cloak__xchacha_open() whose plaintext is split: its first head_len bytes (at most 64) go to head,
 * the rest to m (which may be c + head_len: in place). 0, CLOAK_E_AUTH or CLOAK_E_BAD_PARAMS; both
 * outputs zeroed on failure. */
CLOAK_INTERNAL int cloak__xchacha_open_split(uint8_t *head, size_t head_len, uint8_t *m, const uint8_t *c,
                                             size_t c_len, const uint8_t *ad, size_t ad_len,
                                             const uint8_t nonce[CLOAK_XNONCEBYTES], const uint8_t key[32]);
CLOAK_INTERNAL void cloak__chacha_seal(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad,
                                       size_t ad_len, const uint8_t nonce[CLOAK_NONCEBYTES], const uint8_t key[32]);
CLOAK_INTERNAL int cloak__chacha_open(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad,
                                      size_t ad_len, const uint8_t nonce[CLOAK_NONCEBYTES], const uint8_t key[32]);

/* ------------------------------------------------------------------------------------------------
 * X25519 (dh.c), Ed25519 and the labelled signatures (sign.c)
 * ---------------------------------------------------------------------------------------------- */
/* 0, or CLOAK_E_INVALID_KEY when the shared secret is all zero (low-order public key). */
CLOAK_INTERNAL int cloak__x25519(uint8_t shared[32], const uint8_t secret_key[32], const uint8_t public_key[32]);
/* Raw Ed25519 verification (RFC 8032 as libsodium implements it): 0 or CLOAK_E_BAD_SIGNATURE. */
CLOAK_INTERNAL int cloak__ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len,
                                         const uint8_t pk[32]);
/* Protocol signatures: Ed25519 over lp8(label) || signer public key || content. Content is at most
 * CLOAK_SIGNED_CONTENT_MAX bytes (callers sign small, fixed layouts; a long user message is hashed
 * first, see cloak_identity_sign). Longer content is a programmer error: sign_labeled aborts.
 * sign_labeled checks the key first: CLOAK_E_INVALID_KEY (sig zeroed) when sk's public half is not
 * its seed's. */
#define CLOAK_SIGNED_CONTENT_MAX 1536U
CLOAK_INTERNAL int cloak__sign_labeled(uint8_t sig[64], const char *label, const uint8_t *content,
                                       size_t content_len, const uint8_t sk[64]);
/* 0, or CLOAK_E_INVALID_KEY when sk (seed || public key) has a public half that is not its seed's. */
CLOAK_INTERNAL int cloak__identity_secret_key_check(const uint8_t sk[64]);
/* Whether p, top bit cleared, is one of the seven encodings of small-order Ed25519 points
 * (docs/protocol.md 1.3; public data). */
CLOAK_INTERNAL int cloak__ed25519_small_order_encoding(const uint8_t p[32]);
/* 0, or CLOAK_E_INVALID_KEY for an Ed25519 public key that breaks rule 3, 4 or 5 of docs/protocol.md
 * 1.3 (not canonical, of small order, not a point). */
CLOAK_INTERNAL int cloak__ed25519_public_key_check(const uint8_t pk[32]);
/* 0, CLOAK_E_MALFORMED for a non-canonical X25519 public key (bit 255 set, or u >= p), or
 * CLOAK_E_INVALID_KEY for one of small order (docs/protocol.md 1.4). */
CLOAK_INTERNAL int cloak__x25519_public_key_check(const uint8_t pk[32]);

/* ------------------------------------------------------------------------------------------------
 * Padding (pad.c, docs/protocol.md 1.5)
 * ---------------------------------------------------------------------------------------------- */
/* pad(u): 64 up to 64, then Padme; 0 for u == 0 or when the result would overflow. */
CLOAK_INTERNAL size_t cloak__pad_len(size_t u);
/* Whether p is a padded length (p >= 64 and pad(p) == p). */
CLOAK_INTERNAL int cloak__is_pad_len(size_t p);

CLOAK_INTERNAL int cloak__verify_labeled(const uint8_t sig[64], const char *label, const uint8_t *content,
                                         size_t content_len, const uint8_t pk[32]);

/* ------------------------------------------------------------------------------------------------
 * HPKE internals (RFC 9180, all four modes, for the RFC vectors; the public API is Base only)
 * ---------------------------------------------------------------------------------------------- */
enum { CLOAK_HPKE_MODE_BASE = 0, CLOAK_HPKE_MODE_PSK = 1, CLOAK_HPKE_MODE_AUTH = 2, CLOAK_HPKE_MODE_AUTH_PSK = 3 };

typedef struct cloak__hpke_ctx {
    uint8_t key[32];
    uint8_t base_nonce[12];
    uint8_t exporter_secret[32];
    uint64_t seq;
    uint16_t kem_id; /* 0x0020 or 0x647a: the key schedule's and the exporter's suite id */
} cloak__hpke_ctx;

/* DeriveKeyPair(ikm) for DHKEM(X25519). */
CLOAK_INTERNAL int cloak__hpke_derive_keypair(uint8_t pk[32], uint8_t sk[32], const uint8_t *ikm, size_t ikm_len);
/* Every mode, for the RFC 9180 vectors: sender setup with a given ephemeral secret key (from
 * DeriveKeyPair in the vectors). skS/pkS (sender static keys) only for the auth modes; psk/psk_id
 * only for the psk modes. DHKEM(X25519) only. */
CLOAK_INTERNAL int cloak__hpke_setup_s(cloak__hpke_ctx *ctx, uint8_t enc[32], int mode, const uint8_t pkR[32],
                                       const uint8_t *info, size_t info_len, const uint8_t skE[32],
                                       const uint8_t *psk, size_t psk_len, const uint8_t *psk_id,
                                       size_t psk_id_len, const uint8_t *skS, const uint8_t *pkS);
CLOAK_INTERNAL int cloak__hpke_setup_r(cloak__hpke_ctx *ctx, int mode, const uint8_t enc[32], const uint8_t pkR[32],
                                       const uint8_t skR[32], const uint8_t *info, size_t info_len,
                                       const uint8_t *psk, size_t psk_len, const uint8_t *psk_id,
                                       size_t psk_id_len, const uint8_t *pkS);
/* X-Wing, Base mode, for the draft-ietf-hpke-pq vector: the sender with given encapsulation
 * randomness (64 bytes: ML-KEM's m, then the ephemeral X25519 secret key), or fresh with rand NULL. */
CLOAK_INTERNAL int cloak__hpke_xwing_setup_s(cloak__hpke_ctx *ctx, uint8_t enc[CLOAK_XWING_ENCBYTES],
                                             const uint8_t pkR[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t *info,
                                             size_t info_len, const uint8_t *rand);
CLOAK_INTERNAL int cloak__hpke_xwing_setup_r(cloak__hpke_ctx *ctx, const uint8_t enc[CLOAK_XWING_ENCBYTES],
                                             const uint8_t pkR[CLOAK_XWING_PUBLICKEYBYTES],
                                             const uint8_t skR[CLOAK_XWING_SECRETKEYBYTES], const uint8_t *info,
                                             size_t info_len);
/* Base mode, as the library itself uses HPKE, in either suite (CLOAK_SUITE_X25519: enc and pkR of
 * 32 bytes; CLOAK_SUITE_XWING: enc of CLOAK_XWING_ENCBYTES, pkR of CLOAK_XWING_PUBLICKEYBYTES): the
 * sender with a fresh random ephemeral key. */
CLOAK_INTERNAL int cloak__hpke_base_sender(cloak__hpke_ctx *ctx, uint32_t suite, uint8_t *enc, const uint8_t *pkR,
                                           const uint8_t *info, size_t info_len);
CLOAK_INTERNAL int cloak__hpke_base_recipient(cloak__hpke_ctx *ctx, uint32_t suite, const uint8_t *enc,
                                              const uint8_t *pkR, const uint8_t skR[32], const uint8_t *info,
                                              size_t info_len);
/* Seal/open at an explicit sequence number (items of a batch open in any order). */
CLOAK_INTERNAL void cloak__hpke_seal_at(const cloak__hpke_ctx *ctx, uint64_t seq, uint8_t *ct, const uint8_t *aad,
                                        size_t aad_len, const uint8_t *pt, size_t pt_len);
CLOAK_INTERNAL int cloak__hpke_open_at(const cloak__hpke_ctx *ctx, uint64_t seq, uint8_t *pt, const uint8_t *aad,
                                       size_t aad_len, const uint8_t *ct, size_t ct_len);
CLOAK_INTERNAL int cloak__hpke_export(const cloak__hpke_ctx *ctx, uint8_t *out, size_t out_len,
                                      const uint8_t *exporter_context, size_t exporter_context_len);


/* ------------------------------------------------------------------------------------------------
 * Argon2id (RFC 9106) through libargon2, raw, for the RFC vectors and cloak_password_derive().
 * Refuses nothing but what libargon2 refuses; bounds are checked by the public layer.
 * ---------------------------------------------------------------------------------------------- */
CLOAK_INTERNAL int cloak__argon2id(uint8_t *out, size_t out_len, const uint8_t *password, size_t password_len,
                                   const uint8_t *salt, size_t salt_len, const uint8_t *secret, size_t secret_len,
                                   const uint8_t *ad, size_t ad_len, uint32_t memory_kib, uint32_t iterations,
                                   uint32_t parallelism);

#endif /* CLOAK_INTERNAL_H */
