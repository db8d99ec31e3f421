/*
 * Support shared by the libFuzzer harnesses and by make_corpus, which writes their seed corpora.
 *
 * - A deterministic random source (libsodium's randombytes), restarted for every input, so that a
 *   crash reproduces from its input file alone and libFuzzer sees the same coverage twice.
 * - Fixed key material derived from fixed seeds: the harnesses open with these keys, and
 *   make_corpus seals to them, so valid blobs are reachable from the seeds.
 * - A cursor over the input that hands out slices, each copied to a heap buffer of its exact
 *   length, so AddressSanitizer catches a read one byte past any of them.
 * - FUZZ_CHECK: the properties the harnesses assert; a failure aborts, which libFuzzer records as
 *   a crash.
 *
 * The input layouts of the harnesses are written in each harness's header comment; make_corpus
 * builds its seeds with the fz_put_* writers below, the mirror images of the readers.
 */
#ifndef CLOAK_FUZZ_H
#define CLOAK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "cloak.h"

/* The libFuzzer entry points (declared here for -Wmissing-prototypes). Each harness defines
 * LLVMFuzzerTestOneInput; LLVMFuzzerInitialize, the same for all of them, is in fuzz_common.c and
 * calls fz_init() and fz_keys_get(). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Installs the deterministic random source and calls cloak_init(); aborts if that fails. */
void fz_init(void);
/* Restarts the random stream (call at the start of every input). */
void fz_rng_reset(void);

/* Aborts with the condition's text, file and line. */
void fz_fail(const char *what, const char *file, int line);
#define FUZZ_CHECK(cond)                                                                             \
    do {                                                                                             \
        if (!(cond)) {                                                                               \
            fz_fail(#cond, __FILE__, __LINE__);                                                      \
        }                                                                                            \
    } while (0)

/* With FUZZ_TRACE=1 in the environment, prints "what: status" to stderr (to check by hand which
 * paths a corpus reaches: `FUZZ_TRACE=1 ./fuzz_x -runs=0 corpus/`). */
void fz_trace(const char *what, int rc);

/* 1 if the n bytes at p are all zero (or n is 0). */
int fz_is_zero(const void *p, size_t n);

/* A heap copy of exactly n bytes (a one-byte allocation when n is 0, so the pointer is valid and
 * any access through it is caught). Never NULL; free with free(). */
uint8_t *fz_dup(const uint8_t *p, size_t n);
/* n bytes of heap, filled with 0xA5 so that "zeroed on failure" is not true by accident. */
uint8_t *fz_alloc(size_t n);

/* ------------------------------------------------------------------------------------------------
 * Reference checks written from docs/protocol.md alone, against which the harnesses compare the
 * library's verdicts (so the spec's error order is fuzzed too, not only memory safety).
 * ---------------------------------------------------------------------------------------------- */
/* Section 2's format version, and the last object type byte the envelope knows. */
#define FZ_FORMAT_VERSION 0x02U
#define FZ_TYPE_LAST CLOAK_TYPE_VAULT_HEAD
/* 1 if section 2's type table has `type`. */
int fz_type_known(uint8_t type);
/* 1 if section 2's table gives `type` a suite 2 size (an encryption key in it or behind it). */
int fz_type_admits_xwing(uint8_t type);
/* The suite field of a blob of at least 4 bytes (0 if shorter). */
uint32_t fz_suite_of(const uint8_t *blob, size_t len);
/* Section 2, steps 1 to 6, for a reader of `suite` (CLOAK_SUITE_X25519 or CLOAK_SUITE_XWING; 0 for a
 * reader of either, such as cloak_share_sender) of a blob expected to be of `type` with a length in
 * [min_len, max_len]: the status they give, or CLOAK_OK if the blob passes them. */
int fz_header_verdict_suite(const uint8_t *blob, size_t len, uint8_t type, uint32_t suite, size_t min_len,
                            size_t max_len);
/* The same for a reader of suite 1 (every reader that existed before suite 2). */
int fz_header_verdict(const uint8_t *blob, size_t len, uint8_t type, size_t min_len, size_t max_len);
/* Steps 1 to 4 with any known type, and step 5's first half (the type admits the suite): what a
 * reader of no particular type checks (cloak_blob_inspect, cloak_blob_suite, cloak_text_decode). */
int fz_header_untyped_verdict(const uint8_t *blob, size_t len);
/* Section 1.2: the key id of a public key of 32 bytes, or of any length; its key hash (section 1.6). */
void fz_public_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t public_key[32]);
void fz_public_key_id_n(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t *public_key, size_t len);
void fz_key_hash(uint8_t hash[32], const uint8_t *public_key, size_t len);
/* HKDF-Expand(prk, label, 32) = HMAC-SHA256(prk, label || 0x01) (RFC 5869, one block). */
void fz_expand32(uint8_t out[32], const uint8_t prk[32], const char *label);
/* Section 1.1: 0 if sig is Ed25519 by pk over lp8(label) || pk || content (libsodium directly, whose
 * verifier follows section 1.3's rules). */
int fz_labeled_verify(const uint8_t sig[64], const char *label, const uint8_t *content, size_t content_len,
                      const uint8_t pk[32]);
/* Section 1.3 rules 3 to 5 on an identity public key read from a blob: CLOAK_OK or INVALID_KEY. */
int fz_identity_key_verdict(const uint8_t pk[32]);
/* Section 1.4 on an X25519 public key: CLOAK_OK, MALFORMED (not canonical) or INVALID_KEY (small
 * order). */
int fz_x25519_key_verdict(const uint8_t pk[32]);
/* Section 1.6 on an X-Wing public key: MALFORMED if a 12-bit coefficient of the ML-KEM part is q =
 * 3329 or more (FIPS 203's modulus check), then section 1.4 on the X25519 part. */
int fz_xwing_key_verdict(const uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES]);
/* Section 1.6's checks of an X-Wing encapsulation by a recipient whose X25519 secret key (the last
 * third of SHAKE256(seed, 96)) is sk_x: section 1.4 on ct_X, then an all-zero agreement is
 * INVALID_KEY. ML-KEM's part never fails (implicit rejection). */
int fz_xwing_enc_verdict(const uint8_t enc[CLOAK_XWING_ENCBYTES], const uint8_t sk_x[32]);
/* Offsets in X-Wing keys and encapsulations (section 1.6). */
#define FZ_XWING_PK_X 1184U
#define FZ_XWING_CT_X 1088U
/* Section 1.5: pad(u) (0 for u == 0 or on overflow), and whether p is a valid padded length. */
size_t fz_pad_len(size_t u);
int fz_is_pad_len(size_t p);

/* Big-endian loads. */
uint32_t fz_load32(const uint8_t *p);
uint64_t fz_load64(const uint8_t *p);

/* Section 9.1's fields of a batch that passed its layout checks (fuzz_batch_ref.c). */
typedef struct fz_batch_fields {
    uint32_t suite;                  /* the header's */
    size_t enc_len, vid_off;         /* N and V = 68 + N */
    size_t vault_id_len, prefix_len; /* prefix: bytes 0 to V + 57 + L, before the manifest */
    uint32_t epoch, count;
    uint64_t head_version, expiry;
} fz_batch_fields;
/* Section 9.1's layout checks (section 2's steps 1 to 6 and the field ranges) for a reader of
 * `suite` (0: either, as cloak_batch_count and cloak_batch_sender): the status; the fields on
 * success. */
int fz_batch_layout_suite(fz_batch_fields *f, const uint8_t *b, size_t len, uint32_t suite);
/* The same for either suite. */
int fz_batch_layout(fz_batch_fields *f, const uint8_t *b, size_t len);
/* Section 9.1's reader checks, in order, up to the HPKE setup, for the fixed account of `suite`
 * (account_pk, or account_xw_pk for CLOAK_SUITE_XWING): what cloak_batch_verify (suite 1) or
 * cloak_batch_verify_xwing (suite 2) must return, AUTH aside. */
int fz_batch_verify_suite(fz_batch_fields *f, const uint8_t *b, size_t len, uint32_t suite, const uint8_t *vault_id,
                          size_t vault_id_len, const uint8_t *trusted, size_t trusted_count);
/* The same for suite 1. */
int fz_batch_verify(fz_batch_fields *f, const uint8_t *b, size_t len, const uint8_t *vault_id, size_t vault_id_len,
                    const uint8_t *trusted, size_t trusted_count);
/* Section 9.1's freshness check. */
int fz_batch_check(const fz_batch_fields *f, uint32_t min_epoch, uint64_t min_head_version, uint64_t now);
/* Section 9.2's checks on an item of the verified batch b before decryption, with used[i] set for
 * every index already opened: the status (CLOAK_OK means "decrypt": AUTH, MALFORMED or OK follow). */
int fz_item_verdict(const uint8_t *b, const fz_batch_fields *f, const uint8_t *used, const uint8_t *item,
                    size_t item_len);

/* Opens one item with cloak_batch_open_item() and checks it against the reference: reader is
 * verified and checked (ready) or not, b and f the batch it verified, used[] the indexes already
 * opened (updated). Buffers of CLOAK_LABELBYTES_MAX and cloak_batch_item_opened_maxlen() bytes, or one
 * byte (name) or one byte fewer (value) with small_name, small_value. On success the name and value
 * fit in the padded length as section 9.2 lays them out, and the tag is used up. */
void fz_batch_open_checked(const cloak_batch *reader, int ready, uint8_t *tags, size_t tags_len, const uint8_t *b,
                           const fz_batch_fields *f, uint8_t *used, const uint8_t *item, size_t item_len,
                           int small_name, int small_value);

/* A batch of `count` items (names[i], values[i]) to the fixed account under FZ_VAULT_ID, epoch 1,
 * FZ_HEAD_VERSION, a head hash of FZ_HEAD_HASH_BYTE and FZ_EXPIRY, by the given creator; item i is
 * written at items + i * item_cap. Aborts on any failure. */
void fz_make_batch(uint8_t *batch, size_t batch_cap, size_t *batch_len, uint8_t *items, size_t item_cap,
                   size_t *item_lens, const char *const *names, const char *const *values, size_t count,
                   const uint8_t creator_pk[32], const uint8_t creator_sk[64]);
/* The same to the fixed account of `suite` (suite 2: account_xw_pk, cloak_batch_begin_xwing). */
void fz_make_batch_suite(uint32_t suite, uint8_t *batch, size_t batch_cap, size_t *batch_len, uint8_t *items,
                         size_t item_cap, size_t *item_lens, const char *const *names, const char *const *values,
                         size_t count, const uint8_t creator_pk[32], const uint8_t creator_sk[64]);

/* ------------------------------------------------------------------------------------------------
 * Fixed key material
 * ---------------------------------------------------------------------------------------------- */
typedef struct fz_keys {
    /* Identities: alice signs (shares, batches, bundles), bob is another member. */
    uint8_t alice_id_pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t alice_id_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t bob_id_pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t bob_id_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    /* Encryption keys: shares go to bob, HPKE messages to bob. */
    uint8_t alice_enc_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    uint8_t alice_enc_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    uint8_t bob_enc_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    uint8_t bob_enc_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    /* The service account that batches go to. */
    uint8_t account_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    uint8_t account_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    /* X-Wing keys (suite 2): alice's and bob's encryption keys and a second service account. The
     * seed is the secret key; *_skx is the X25519 secret key its expansion gives (section 1.6), for
     * the references' agreement checks. */
    uint8_t alice_xw_pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t alice_xw_sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t bob_xw_pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t bob_xw_sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t bob_xw_skx[32];
    uint8_t account_xw_pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t account_xw_sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t account_xw_skx[32];
    /* Master key (wrapping), two vault keys (before and after a rotation). */
    uint8_t master_key[CLOAK_KEYBYTES];
    uint8_t vault_key[CLOAK_KEYBYTES];
    uint8_t vault_key2[CLOAK_KEYBYTES];
} fz_keys;

#define FZ_VAULT_ID "fuzz vault"
#define FZ_VAULT_ID_LEN (sizeof(FZ_VAULT_ID) - 1U)
/* The epochs of vault_key and vault_key2 (the second is the first rotated). */
#define FZ_EPOCH1 1U
#define FZ_EPOCH2 2U
/* What batches made by make_corpus bind besides their items: head version, head hash byte, expiry.
 * The harnesses check freshness against a clock before the expiry. */
#define FZ_HEAD_VERSION 7U
#define FZ_HEAD_HASH_BYTE 0x48U
#define FZ_EXPIRY 2000000000U
#define FZ_NOW 1900000000U

/* The fixed keys (computed once, after fz_init()). */
const fz_keys *fz_keys_get(void);
/* Vault states for vault_key (epoch 1) and vault_key2 (epoch 2) under FZ_VAULT_ID (read-only). */
const cloak_vault *fz_vault1(void);
const cloak_vault *fz_vault2(void);

/* ------------------------------------------------------------------------------------------------
 * Input cursor. Every reader returns a heap slice of the length it reports (fz_dup), which the
 * caller frees; when the input runs out a slice is simply shorter (possibly empty).
 * ---------------------------------------------------------------------------------------------- */
typedef struct fz_input {
    const uint8_t *p;
    size_t n;
} fz_input;

uint8_t fz_u8(fz_input *in);   /* 0 when the input is exhausted */
uint16_t fz_u16(fz_input *in); /* big-endian */
/* Up to len bytes. */
uint8_t *fz_take(fz_input *in, size_t len, size_t *got);
/* Exactly len bytes, zero-padded if the input runs out (for fixed-size arguments). */
void fz_fixed(fz_input *in, uint8_t *out, size_t len);
/* u8 length, then that many bytes. */
uint8_t *fz_lp8(fz_input *in, size_t *len);
/* u16 big-endian length, then that many bytes. */
uint8_t *fz_lp16(fz_input *in, size_t *len);
/* Everything left. */
uint8_t *fz_rest(fz_input *in, size_t *len);

/* ------------------------------------------------------------------------------------------------
 * Writers, for make_corpus: the mirror images of the readers.
 * ---------------------------------------------------------------------------------------------- */
typedef struct fz_buf {
    uint8_t *p;
    size_t n, cap;
} fz_buf;

void fz_put(fz_buf *b, const void *p, size_t n);
void fz_put_u8(fz_buf *b, uint8_t v);
void fz_put_u16(fz_buf *b, uint16_t v);
void fz_put_lp8(fz_buf *b, const void *p, size_t n);
void fz_put_lp16(fz_buf *b, const void *p, size_t n);
void fz_buf_free(fz_buf *b);

#endif /* CLOAK_FUZZ_H */
