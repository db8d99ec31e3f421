/*
 * The dispatch table of cloak_js.h. Every case checks its slots' sizes before calling libcloak,
 * whose own checks (lengths, error order, zeroed outputs) then apply unchanged. The numbering is
 * mirrored in src/ops.ts; a new operation goes at the end of both.
 */
#include "cloak_js.h"

#include <string.h>

#include "cloak.h"

enum {
    OP_INIT = 0,
    OP_SIZES,
    OP_VERSION_STRING,
    OP_STATUS_STRING,
    OP_BLOB_INSPECT,
    OP_TEXT_ENCODED_LEN,
    OP_TEXT_DECODED_MAXLEN,
    OP_TEXT_ENCODE,
    OP_TEXT_DECODE,
    OP_KEY_ID,
    OP_VAULT_KEY_GENERATE, /* 10 */
    OP_PASSWORD_RECORD_NEW,
    OP_PASSWORD_RECORD_ENCODE,
    OP_PASSWORD_RECORD_DECODE,
    OP_PASSWORD_DERIVE,
    OP_IDENTITY_KEYPAIR,
    OP_IDENTITY_KEYPAIR_FROM_SEED,
    OP_IDENTITY_SIGN,
    OP_IDENTITY_VERIFY,
    OP_ENCRYPTION_KEYPAIR,
    OP_ENCRYPTION_KEYPAIR_FROM_SEED, /* 20 */
    OP_IDENTITY_PUBLIC_EXPORT,
    OP_IDENTITY_PUBLIC_IMPORT,
    OP_ENCRYPTION_PUBLIC_EXPORT,
    OP_ENCRYPTION_PUBLIC_IMPORT,
    OP_BUNDLE_CREATE,
    OP_BUNDLE_VERIFY,
    OP_IDENTITY_FINGERPRINT,
    OP_IDENTITY_PAIR_CODE,
    OP_IDENTITY_WRAP,
    OP_IDENTITY_UNWRAP, /* 30 */
    OP_ENCRYPTION_WRAP,
    OP_ENCRYPTION_UNWRAP,
    OP_SERVICE_ACCOUNT_WRAP,
    OP_SERVICE_ACCOUNT_UNWRAP,
    OP_WRAPPED_KEY_PUBLIC_KEY,
    OP_SERVICE_ACCOUNT_PRIVATE_EXPORT,
    OP_SERVICE_ACCOUNT_PRIVATE_IMPORT,
    OP_VAULT_INIT,
    OP_VAULT_WIPE,
    OP_VAULT_KEY_ID, /* 40 */
    OP_SECRET_SEALED_LEN,
    OP_SECRET_OPENED_LEN,
    OP_SECRET_SEAL,
    OP_SECRET_OPEN,
    OP_SECRET_RESEAL,
    OP_VAULT_BLIND_INDEX,
    OP_SHARE_SEAL,
    OP_SHARE_SENDER,
    OP_SHARE_OPEN,
    OP_BATCH_ITEM_LEN, /* 50 */
    OP_BATCH_ITEM_OPENED_MAXLEN,
    OP_BATCH_LEN,
    OP_BATCH_BEGIN,
    OP_BATCH_SEAL_ITEM,
    OP_BATCH_FINISH,
    OP_BATCH_SENDER,
    OP_BATCH_ITEM_INDEX,
    OP_BATCH_VERIFY,
    OP_BATCH_ITEM_COUNT,
    OP_BATCH_SIGNER, /* 60 */
    OP_BATCH_OPEN_ITEM,
    OP_BATCH_WIPE,
    OP_HPKE_SETUP_SENDER,
    OP_HPKE_SETUP_RECIPIENT,
    OP_HPKE_SEAL,
    OP_HPKE_OPEN,
    OP_HPKE_EXPORT,
    OP_HPKE_CONTEXT_WIPE,
    OP_HPKE_SEAL_BASE,
    OP_HPKE_OPEN_BASE, /* 70 */
    OP_COUNT
};

/* Sizes and versions, in the order of SIZES in src/ops.ts. */
static size_t size_table(size_t i)
{
    switch (i) {
    case 0: return cloak_keybytes();
    case 1: return cloak_keyidbytes();
    case 2: return cloak_labelbytes_max();
    case 3: return cloak_headerbytes();
    case 4: return cloak_identity_publickeybytes();
    case 5: return cloak_identity_secretkeybytes();
    case 6: return cloak_identity_seedbytes();
    case 7: return cloak_signaturebytes();
    case 8: return cloak_encryption_publickeybytes();
    case 9: return cloak_encryption_secretkeybytes();
    case 10: return cloak_encryption_seedbytes();
    case 11: return cloak_public_key_blobbytes();
    case 12: return cloak_bundlebytes();
    case 13: return cloak_wrapped_keybytes();
    case 14: return cloak_service_account_private_blobbytes();
    case 15: return cloak_sharebytes();
    case 16: return cloak_secret_overheadbytes();
    case 17: return cloak_batch_item_overheadbytes();
    case 18: return cloak_batch_digestbytes();
    case 19: return cloak_blind_indexbytes();
    case 20: return cloak_password_saltbytes();
    case 21: return cloak_password_recordbytes();
    case 22: return cloak_fingerprint_textbytes();
    case 23: return cloak_pair_code_textbytes();
    case 24: return cloak_vault_statebytes();
    case 25: return cloak_batch_statebytes();
    case 26: return cloak_hpke_contextbytes();
    case 27: return cloak_hpke_encbytes();
    case 28: return cloak_hpke_tagbytes();
    case 29: return (size_t)cloak_version_major();
    case 30: return (size_t)cloak_version_minor();
    case 31: return (size_t)cloak_version_patch();
    default: return 0;
    }
}
#define SIZE_TABLE_COUNT 32U

/* Does not rely on libsodium being linked next to the addon: a volatile store is not elided. */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n-- > 0) {
        *v++ = 0;
    }
}

static size_t copy_string(uint8_t *out, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n > cap) {
        n = cap;
    }
    memcpy(out, s, n);
    return n;
}

/* Shorthands for the slots; `a` and `n` are the call's arrays. */
#define P(i) (a[i])
#define N(i) (n[i])
#define CP(i) ((const uint8_t *)a[i])
/* A fixed-size buffer: exactly `size` bytes. */
#define FIX(i, size)                                   \
    do {                                               \
        if (a[i] == NULL || n[i] != (size_t)(size)) {  \
            return CLOAK_E_BAD_PARAMS;                 \
        }                                              \
    } while (0)
#define ARGS(count)                      \
    do {                                 \
        if (nargs != (size_t)(count)) {  \
            return CLOAK_E_BAD_PARAMS;   \
        }                                \
    } while (0)

/* Opaque states travel as plain byte arrays; the library wants them aligned. */
static int load_vault(cloak_vault *v, const uint8_t *p, size_t len)
{
    if (p == NULL || len != sizeof v->opaque.bytes) {
        return CLOAK_E_BAD_PARAMS;
    }
    memcpy(v->opaque.bytes, p, len);
    return CLOAK_OK;
}

static int load_batch(cloak_batch *b, const uint8_t *p, size_t len)
{
    if (p == NULL || len != sizeof b->opaque.bytes) {
        return CLOAK_E_BAD_PARAMS;
    }
    memcpy(b->opaque.bytes, p, len);
    return CLOAK_OK;
}

static int load_hpke(cloak_hpke_context *c, const uint8_t *p, size_t len)
{
    if (p == NULL || len != sizeof c->opaque.bytes) {
        return CLOAK_E_BAD_PARAMS;
    }
    memcpy(c->opaque.bytes, p, len);
    return CLOAK_OK;
}

static int vault_ops(int op, uint8_t *const *a, size_t *n, size_t nargs)
{
    cloak_vault v, w;
    int rc;

    switch (op) {
    case OP_VAULT_INIT: /* state out, vault key, vault id */
        ARGS(3);
        FIX(0, CLOAK_VAULT_STATEBYTES);
        FIX(1, CLOAK_KEYBYTES);
        rc = cloak_vault_init(&v, CP(1), CP(2), N(2));
        memcpy(P(0), v.opaque.bytes, sizeof v.opaque.bytes);
        cloak_vault_wipe(&v);
        return rc;
    case OP_VAULT_WIPE: /* state */
        ARGS(1);
        FIX(0, CLOAK_VAULT_STATEBYTES);
        if ((rc = load_vault(&v, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        cloak_vault_wipe(&v);
        memcpy(P(0), v.opaque.bytes, sizeof v.opaque.bytes);
        return CLOAK_OK;
    case OP_VAULT_KEY_ID: /* key id out, state */
        ARGS(2);
        FIX(0, CLOAK_KEYIDBYTES);
        if ((rc = load_vault(&v, CP(1), N(1))) != CLOAK_OK) {
            return rc;
        }
        cloak_vault_key_id(P(0), &v);
        cloak_vault_wipe(&v);
        return CLOAK_OK;
    case OP_SECRET_SEAL: /* state, sealed out (cap), sealed_len out, name, context, value */
        ARGS(6);
        if ((rc = load_vault(&v, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_secret_seal(&v, P(1), N(1), &N(2), CP(3), N(3), CP(4), N(4), CP(5), N(5));
        cloak_vault_wipe(&v);
        return rc;
    case OP_SECRET_OPEN: /* state, value out (cap), value_len out, name, context, sealed */
        ARGS(6);
        if ((rc = load_vault(&v, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_secret_open(&v, P(1), N(1), &N(2), CP(3), N(3), CP(4), N(4), CP(5), N(5));
        cloak_vault_wipe(&v);
        return rc;
    case OP_SECRET_RESEAL: /* from, to, out (cap), out_len out, name, context, sealed */
        ARGS(7);
        if ((rc = load_vault(&v, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        if ((rc = load_vault(&w, CP(1), N(1))) != CLOAK_OK) {
            cloak_vault_wipe(&v);
            return rc;
        }
        rc = cloak_secret_reseal(&v, &w, P(2), N(2), &N(3), CP(4), N(4), CP(5), N(5), CP(6), N(6));
        cloak_vault_wipe(&v);
        cloak_vault_wipe(&w);
        return rc;
    case OP_VAULT_BLIND_INDEX: /* state, index out, name */
        ARGS(3);
        FIX(1, CLOAK_BLIND_INDEXBYTES);
        if ((rc = load_vault(&v, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_vault_blind_index(&v, P(1), CP(2), N(2));
        cloak_vault_wipe(&v);
        return rc;
    default:
        return CLOAK_E_BAD_PARAMS;
    }
}

static int batch_ops(int op, uint8_t *const *a, size_t *n, size_t nargs)
{
    cloak_batch b;
    int rc;

    switch (op) {
    case OP_BATCH_BEGIN: /* state out, account public key, vault id */
        ARGS(3);
        FIX(0, CLOAK_BATCH_STATEBYTES);
        FIX(1, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        rc = cloak_batch_begin(&b, CP(1), CP(2), N(2));
        memcpy(P(0), b.opaque.bytes, sizeof b.opaque.bytes);
        cloak_batch_wipe(&b);
        return rc;
    case OP_BATCH_SEAL_ITEM: /* state, item out (cap), item_len out, digest out, name, value */
        ARGS(6);
        FIX(3, CLOAK_BATCH_DIGESTBYTES);
        if ((rc = load_batch(&b, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_batch_seal_item(&b, P(1), N(1), &N(2), P(3), CP(4), N(4), CP(5), N(5));
        memcpy(P(0), b.opaque.bytes, sizeof b.opaque.bytes);
        cloak_batch_wipe(&b);
        return rc;
    case OP_BATCH_FINISH: /* state, out (cap), out_len out, digests (32 x count), creator sk */
        ARGS(5);
        FIX(4, CLOAK_IDENTITY_SECRETKEYBYTES);
        if (N(3) % CLOAK_BATCH_DIGESTBYTES != 0) {
            return CLOAK_E_BAD_PARAMS;
        }
        if ((rc = load_batch(&b, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_batch_finish(&b, P(1), N(1), &N(2), CP(3), N(3) / CLOAK_BATCH_DIGESTBYTES, CP(4));
        memcpy(P(0), b.opaque.bytes, sizeof b.opaque.bytes);
        cloak_batch_wipe(&b);
        return rc;
    case OP_BATCH_VERIFY: /* state out, batch, account pk, account sk, trusted (32 x count) */
        ARGS(5);
        FIX(0, CLOAK_BATCH_STATEBYTES);
        FIX(2, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(3, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        if (N(4) % CLOAK_IDENTITY_PUBLICKEYBYTES != 0) {
            return CLOAK_E_BAD_PARAMS;
        }
        rc = cloak_batch_verify(&b, CP(1), N(1), CP(2), CP(3), CP(4), N(4) / CLOAK_IDENTITY_PUBLICKEYBYTES);
        memcpy(P(0), b.opaque.bytes, sizeof b.opaque.bytes);
        cloak_batch_wipe(&b);
        return rc;
    case OP_BATCH_ITEM_COUNT: /* state, count out */
        ARGS(2);
        if ((rc = load_batch(&b, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        N(1) = cloak_batch_item_count(&b);
        cloak_batch_wipe(&b);
        return CLOAK_OK;
    case OP_BATCH_SIGNER: /* identity pk out, state */
        ARGS(2);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        if ((rc = load_batch(&b, CP(1), N(1))) != CLOAK_OK) {
            return rc;
        }
        cloak_batch_signer(P(0), &b);
        cloak_batch_wipe(&b);
        return CLOAK_OK;
    case OP_BATCH_OPEN_ITEM:
        /* state, batch, item, expected name (absent: NULL), name out (cap), name_len out,
         * value out (cap), value_len out */
        ARGS(8);
        if ((rc = load_batch(&b, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_batch_open_item(&b, CP(1), N(1), CP(2), N(2), CP(3), N(3), P(4), N(4), &N(5), P(6), N(6),
                                   &N(7));
        cloak_batch_wipe(&b);
        return rc;
    case OP_BATCH_WIPE: /* state */
        ARGS(1);
        if ((rc = load_batch(&b, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        cloak_batch_wipe(&b);
        memcpy(P(0), b.opaque.bytes, sizeof b.opaque.bytes);
        return CLOAK_OK;
    default:
        return CLOAK_E_BAD_PARAMS;
    }
}

static int hpke_ops(int op, uint8_t *const *a, size_t *n, size_t nargs)
{
    cloak_hpke_context c;
    int rc;

    switch (op) {
    case OP_HPKE_SETUP_SENDER: /* context out, enc out, recipient pk, info */
        ARGS(4);
        FIX(0, CLOAK_HPKE_CONTEXTBYTES);
        FIX(1, CLOAK_HPKE_ENCBYTES);
        FIX(2, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        rc = cloak_hpke_setup_sender(&c, P(1), CP(2), CP(3), N(3));
        memcpy(P(0), c.opaque.bytes, sizeof c.opaque.bytes);
        cloak_hpke_context_wipe(&c);
        return rc;
    case OP_HPKE_SETUP_RECIPIENT: /* context out, enc, recipient pk, recipient sk, info */
        ARGS(5);
        FIX(0, CLOAK_HPKE_CONTEXTBYTES);
        FIX(1, CLOAK_HPKE_ENCBYTES);
        FIX(2, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(3, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        rc = cloak_hpke_setup_recipient(&c, CP(1), CP(2), CP(3), CP(4), N(4));
        memcpy(P(0), c.opaque.bytes, sizeof c.opaque.bytes);
        cloak_hpke_context_wipe(&c);
        return rc;
    case OP_HPKE_SEAL: /* context, ciphertext out (plaintext + tag), aad, plaintext */
        ARGS(4);
        if (N(3) > SIZE_MAX - CLOAK_HPKE_TAGBYTES || N(1) != N(3) + CLOAK_HPKE_TAGBYTES || P(1) == NULL) {
            return CLOAK_E_BAD_PARAMS;
        }
        if ((rc = load_hpke(&c, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_hpke_seal(&c, P(1), CP(2), N(2), CP(3), N(3));
        memcpy(P(0), c.opaque.bytes, sizeof c.opaque.bytes);
        cloak_hpke_context_wipe(&c);
        return rc;
    case OP_HPKE_OPEN: /* context, plaintext out (ciphertext - tag, or 0), aad, ciphertext */
        ARGS(4);
        if (N(1) != (N(3) >= CLOAK_HPKE_TAGBYTES ? N(3) - CLOAK_HPKE_TAGBYTES : 0)) {
            return CLOAK_E_BAD_PARAMS;
        }
        if ((rc = load_hpke(&c, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_hpke_open(&c, P(1), CP(2), N(2), CP(3), N(3));
        memcpy(P(0), c.opaque.bytes, sizeof c.opaque.bytes);
        cloak_hpke_context_wipe(&c);
        return rc;
    case OP_HPKE_EXPORT: /* context, out (its length is the length asked), exporter context */
        ARGS(3);
        if ((rc = load_hpke(&c, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        rc = cloak_hpke_export(&c, P(1), N(1), CP(2), N(2));
        cloak_hpke_context_wipe(&c);
        return rc;
    case OP_HPKE_CONTEXT_WIPE: /* context */
        ARGS(1);
        if ((rc = load_hpke(&c, CP(0), N(0))) != CLOAK_OK) {
            return rc;
        }
        cloak_hpke_context_wipe(&c);
        memcpy(P(0), c.opaque.bytes, sizeof c.opaque.bytes);
        return CLOAK_OK;
    case OP_HPKE_SEAL_BASE: /* enc out, ciphertext out (plaintext + tag), recipient pk, info, aad, pt */
        ARGS(6);
        FIX(0, CLOAK_HPKE_ENCBYTES);
        FIX(2, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        if (N(5) > SIZE_MAX - CLOAK_HPKE_TAGBYTES || N(1) != N(5) + CLOAK_HPKE_TAGBYTES || P(1) == NULL) {
            return CLOAK_E_BAD_PARAMS;
        }
        return cloak_hpke_seal_base(P(0), P(1), CP(2), CP(3), N(3), CP(4), N(4), CP(5), N(5));
    case OP_HPKE_OPEN_BASE: /* plaintext out, enc, recipient pk, recipient sk, info, aad, ciphertext */
        ARGS(7);
        FIX(1, CLOAK_HPKE_ENCBYTES);
        FIX(2, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(3, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        if (N(0) != (N(6) >= CLOAK_HPKE_TAGBYTES ? N(6) - CLOAK_HPKE_TAGBYTES : 0)) {
            return CLOAK_E_BAD_PARAMS;
        }
        return cloak_hpke_open_base(P(0), CP(1), CP(2), CP(3), CP(4), N(4), CP(5), N(5), CP(6), N(6));
    default:
        return CLOAK_E_BAD_PARAMS;
    }
}

static int key_ops(int op, uint8_t *const *a, size_t *n, size_t nargs)
{
    int type;
    int rc;

    switch (op) {
    case OP_IDENTITY_KEYPAIR: /* pk out, sk out */
        ARGS(2);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        FIX(1, CLOAK_IDENTITY_SECRETKEYBYTES);
        cloak_identity_keypair(P(0), P(1));
        return CLOAK_OK;
    case OP_IDENTITY_KEYPAIR_FROM_SEED: /* pk out, sk out, seed */
        ARGS(3);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        FIX(1, CLOAK_IDENTITY_SECRETKEYBYTES);
        FIX(2, CLOAK_IDENTITY_SEEDBYTES);
        return cloak_identity_keypair_from_seed(P(0), P(1), CP(2));
    case OP_IDENTITY_SIGN: /* signature out, message, context, sk */
        ARGS(4);
        FIX(0, CLOAK_SIGNATUREBYTES);
        FIX(3, CLOAK_IDENTITY_SECRETKEYBYTES);
        return cloak_identity_sign(P(0), CP(1), N(1), CP(2), N(2), CP(3));
    case OP_IDENTITY_VERIFY: /* signature, message, context, pk */
        ARGS(4);
        FIX(0, CLOAK_SIGNATUREBYTES);
        FIX(3, CLOAK_IDENTITY_PUBLICKEYBYTES);
        return cloak_identity_verify(CP(0), CP(1), N(1), CP(2), N(2), CP(3));
    case OP_ENCRYPTION_KEYPAIR: /* pk out, sk out */
        ARGS(2);
        FIX(0, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(1, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        cloak_encryption_keypair(P(0), P(1));
        return CLOAK_OK;
    case OP_ENCRYPTION_KEYPAIR_FROM_SEED: /* pk out, sk out, seed (any length; the library checks) */
        ARGS(3);
        FIX(0, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(1, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        return cloak_encryption_keypair_from_seed(P(0), P(1), CP(2), N(2));
    case OP_IDENTITY_PUBLIC_EXPORT: /* blob out, pk */
    case OP_ENCRYPTION_PUBLIC_EXPORT:
        ARGS(2);
        FIX(0, CLOAK_PUBLIC_KEY_BLOBBYTES);
        FIX(1, 32);
        if (op == OP_IDENTITY_PUBLIC_EXPORT) {
            cloak_identity_public_export(P(0), CP(1));
        } else {
            cloak_encryption_public_export(P(0), CP(1));
        }
        return CLOAK_OK;
    case OP_IDENTITY_PUBLIC_IMPORT: /* pk out, blob */
        ARGS(2);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        return cloak_identity_public_import(P(0), CP(1), N(1));
    case OP_ENCRYPTION_PUBLIC_IMPORT:
        ARGS(2);
        FIX(0, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        return cloak_encryption_public_import(P(0), CP(1), N(1));
    case OP_BUNDLE_CREATE: /* bundle out, identity sk, encryption pk */
        ARGS(3);
        FIX(0, CLOAK_BUNDLEBYTES);
        FIX(1, CLOAK_IDENTITY_SECRETKEYBYTES);
        FIX(2, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        return cloak_bundle_create(P(0), CP(1), CP(2));
    case OP_BUNDLE_VERIFY: /* identity pk out, encryption pk out, bundle */
        ARGS(3);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        FIX(1, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        return cloak_bundle_verify(P(0), P(1), CP(2), N(2));
    case OP_IDENTITY_FINGERPRINT: /* text out (36, NUL-terminated), pk */
        ARGS(2);
        FIX(0, CLOAK_FINGERPRINT_TEXTBYTES);
        FIX(1, CLOAK_IDENTITY_PUBLICKEYBYTES);
        cloak_identity_fingerprint((char *)P(0), CP(1));
        return CLOAK_OK;
    case OP_IDENTITY_PAIR_CODE: /* text out (72), pk a, pk b */
        ARGS(3);
        FIX(0, CLOAK_PAIR_CODE_TEXTBYTES);
        FIX(1, CLOAK_IDENTITY_PUBLICKEYBYTES);
        FIX(2, CLOAK_IDENTITY_PUBLICKEYBYTES);
        cloak_identity_pair_code((char *)P(0), CP(1), CP(2));
        return CLOAK_OK;
    case OP_IDENTITY_WRAP: /* wrapped out, master key, sk (64) */
        ARGS(3);
        FIX(0, CLOAK_WRAPPED_KEYBYTES);
        FIX(1, CLOAK_KEYBYTES);
        FIX(2, CLOAK_IDENTITY_SECRETKEYBYTES);
        return cloak_identity_wrap(P(0), CP(1), CP(2));
    case OP_ENCRYPTION_WRAP: /* wrapped out, master key, sk (32) */
    case OP_SERVICE_ACCOUNT_WRAP:
        ARGS(3);
        FIX(0, CLOAK_WRAPPED_KEYBYTES);
        FIX(1, CLOAK_KEYBYTES);
        FIX(2, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        return op == OP_ENCRYPTION_WRAP ? cloak_encryption_wrap(P(0), CP(1), CP(2))
                                        : cloak_service_account_wrap(P(0), CP(1), CP(2));
    case OP_IDENTITY_UNWRAP: /* pk out, sk out (64), master key, wrapped */
        ARGS(4);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        FIX(1, CLOAK_IDENTITY_SECRETKEYBYTES);
        FIX(2, CLOAK_KEYBYTES);
        return cloak_identity_unwrap(P(0), P(1), CP(2), CP(3), N(3));
    case OP_ENCRYPTION_UNWRAP: /* pk out, sk out (32), master key, wrapped */
    case OP_SERVICE_ACCOUNT_UNWRAP:
        ARGS(4);
        FIX(0, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(1, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        FIX(2, CLOAK_KEYBYTES);
        return op == OP_ENCRYPTION_UNWRAP ? cloak_encryption_unwrap(P(0), P(1), CP(2), CP(3), N(3))
                                          : cloak_service_account_unwrap(P(0), P(1), CP(2), CP(3), N(3));
    case OP_WRAPPED_KEY_PUBLIC_KEY: /* pk out, type out, wrapped */
        ARGS(3);
        FIX(0, 32);
        type = 0;
        rc = cloak_wrapped_key_public_key(P(0), &type, CP(2), N(2));
        N(1) = rc == CLOAK_OK ? (size_t)type : 0;
        return rc;
    case OP_SERVICE_ACCOUNT_PRIVATE_EXPORT: /* blob out, pk, sk */
        ARGS(3);
        FIX(0, CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
        FIX(1, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(2, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        return cloak_service_account_private_export(P(0), CP(1), CP(2));
    case OP_SERVICE_ACCOUNT_PRIVATE_IMPORT: /* pk out, sk out, blob */
        ARGS(3);
        FIX(0, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(1, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        return cloak_service_account_private_import(P(0), P(1), CP(2), N(2));
    case OP_SHARE_SEAL: /* share out, vault key, vault id, recipient pk, sender identity sk */
        ARGS(5);
        FIX(0, CLOAK_SHAREBYTES);
        FIX(1, CLOAK_KEYBYTES);
        FIX(3, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(4, CLOAK_IDENTITY_SECRETKEYBYTES);
        return cloak_share_seal(P(0), CP(1), CP(2), N(2), CP(3), CP(4));
    case OP_SHARE_SENDER: /* sender identity pk out, share */
        ARGS(2);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        return cloak_share_sender(P(0), CP(1), N(1));
    case OP_SHARE_OPEN: /* vault key out, share, vault id, recipient pk, recipient sk, trusted sender */
        ARGS(6);
        FIX(0, CLOAK_KEYBYTES);
        FIX(3, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        FIX(4, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        FIX(5, CLOAK_IDENTITY_PUBLICKEYBYTES);
        return cloak_share_open(P(0), CP(1), N(1), CP(2), N(2), CP(3), CP(4), CP(5));
    default:
        return CLOAK_E_BAD_PARAMS;
    }
}

int cloak_js_call(int op, uint8_t *const *a, size_t *n, size_t nargs)
{
    size_t i;
    int rc;
    uint32_t u32;
    uint32_t m, t, p;

    if (nargs > CLOAK_JS_MAXARGS || (nargs > 0 && (a == NULL || n == NULL))) {
        return CLOAK_E_BAD_PARAMS;
    }
    switch (op) {
    case OP_INIT:
        ARGS(0);
        return cloak_init();
    case OP_SIZES: /* out: SIZE_TABLE_COUNT uint32 in host order */
        ARGS(1);
        FIX(0, SIZE_TABLE_COUNT * 4U);
        for (i = 0; i < SIZE_TABLE_COUNT; i++) {
            u32 = (uint32_t)size_table(i);
            memcpy(P(0) + 4U * i, &u32, 4);
        }
        return CLOAK_OK;
    case OP_VERSION_STRING: /* text out (cap), text_len out */
        ARGS(2);
        N(1) = copy_string(P(0), N(0), cloak_version_string());
        return CLOAK_OK;
    case OP_STATUS_STRING: /* status negated (0..), text out (cap), text_len out */
        ARGS(3);
        if (N(0) > 1000) {
            N(0) = 1000;
        }
        N(2) = copy_string(P(1), N(1), cloak_status_string(-(int)N(0)));
        return CLOAK_OK;
    case OP_BLOB_INSPECT: /* blob, type out, key id out */
        ARGS(3);
        FIX(2, CLOAK_KEYIDBYTES);
        {
            int type = 0;
            rc = cloak_blob_inspect(&type, P(2), CP(0), N(0));
            N(1) = rc == CLOAK_OK ? (size_t)type : 0;
        }
        return rc;
    case OP_TEXT_ENCODED_LEN: /* blob_len, result out */
        ARGS(2);
        N(1) = cloak_text_encoded_len(N(0));
        return CLOAK_OK;
    case OP_TEXT_DECODED_MAXLEN:
        ARGS(2);
        N(1) = cloak_text_decoded_maxlen(N(0));
        return CLOAK_OK;
    case OP_TEXT_ENCODE: /* text out (cap), text_len out, blob */
        ARGS(3);
        return cloak_text_encode((char *)P(0), N(0), &N(1), CP(2), N(2));
    case OP_TEXT_DECODE: /* blob out (cap), blob_len out, text */
        ARGS(3);
        return cloak_text_decode(P(0), N(0), &N(1), (const char *)CP(2), N(2));
    case OP_KEY_ID: /* key id out, key */
        ARGS(2);
        FIX(0, CLOAK_KEYIDBYTES);
        FIX(1, CLOAK_KEYBYTES);
        cloak_key_id(P(0), CP(1));
        return CLOAK_OK;
    case OP_VAULT_KEY_GENERATE: /* key out */
        ARGS(1);
        FIX(0, CLOAK_KEYBYTES);
        cloak_vault_key_generate(P(0));
        return CLOAK_OK;
    case OP_PASSWORD_RECORD_NEW: /* record out, m, t, p */
    case OP_PASSWORD_RECORD_ENCODE: /* record out, salt, m, t, p */
        ARGS(op == OP_PASSWORD_RECORD_NEW ? 4 : 5);
        FIX(0, CLOAK_PASSWORD_RECORDBYTES);
        i = op == OP_PASSWORD_RECORD_NEW ? 1 : 2;
        /* Values beyond 32 bits are out of bounds; saturating keeps them so. */
        m = N(i) > UINT32_MAX ? UINT32_MAX : (uint32_t)N(i);
        t = N(i + 1) > UINT32_MAX ? UINT32_MAX : (uint32_t)N(i + 1);
        p = N(i + 2) > UINT32_MAX ? UINT32_MAX : (uint32_t)N(i + 2);
        if (op == OP_PASSWORD_RECORD_NEW) {
            return cloak_password_record_new(P(0), m, t, p);
        }
        FIX(1, CLOAK_PASSWORD_SALTBYTES);
        return cloak_password_record_encode(P(0), CP(1), m, t, p);
    case OP_PASSWORD_RECORD_DECODE: /* salt out, m out, t out, p out, record */
        ARGS(5);
        FIX(0, CLOAK_PASSWORD_SALTBYTES);
        m = t = p = 0;
        rc = cloak_password_record_decode(P(0), &m, &t, &p, CP(4), N(4));
        N(1) = m;
        N(2) = t;
        N(3) = p;
        return rc;
    case OP_PASSWORD_DERIVE: /* master key out, login key out, password, record */
        ARGS(4);
        FIX(0, CLOAK_KEYBYTES);
        FIX(1, CLOAK_KEYBYTES);
        return cloak_password_derive(P(0), P(1), CP(2), N(2), CP(3), N(3));
    case OP_VAULT_INIT:
    case OP_VAULT_WIPE:
    case OP_VAULT_KEY_ID:
    case OP_SECRET_SEAL:
    case OP_SECRET_OPEN:
    case OP_SECRET_RESEAL:
    case OP_VAULT_BLIND_INDEX:
        return vault_ops(op, a, n, nargs);
    case OP_SECRET_SEALED_LEN:
        ARGS(2);
        N(1) = cloak_secret_sealed_len(N(0));
        return CLOAK_OK;
    case OP_SECRET_OPENED_LEN:
        ARGS(2);
        N(1) = cloak_secret_opened_len(N(0));
        return CLOAK_OK;
    case OP_BATCH_ITEM_LEN: /* name_len, value_len, result out */
        ARGS(3);
        N(2) = cloak_batch_item_len(N(0), N(1));
        return CLOAK_OK;
    case OP_BATCH_ITEM_OPENED_MAXLEN:
        ARGS(2);
        N(1) = cloak_batch_item_opened_maxlen(N(0));
        return CLOAK_OK;
    case OP_BATCH_LEN: /* vault_id_len, item_count, result out */
        ARGS(3);
        N(2) = cloak_batch_len(N(0), N(1));
        return CLOAK_OK;
    case OP_BATCH_SENDER: /* identity pk out, batch */
        ARGS(2);
        FIX(0, CLOAK_IDENTITY_PUBLICKEYBYTES);
        return cloak_batch_sender(P(0), CP(1), N(1));
    case OP_BATCH_ITEM_INDEX: /* index out, item */
        ARGS(2);
        u32 = 0;
        rc = cloak_batch_item_index(&u32, CP(1), N(1));
        N(0) = u32;
        return rc;
    case OP_BATCH_BEGIN:
    case OP_BATCH_SEAL_ITEM:
    case OP_BATCH_FINISH:
    case OP_BATCH_VERIFY:
    case OP_BATCH_ITEM_COUNT:
    case OP_BATCH_SIGNER:
    case OP_BATCH_OPEN_ITEM:
    case OP_BATCH_WIPE:
        return batch_ops(op, a, n, nargs);
    case OP_HPKE_SETUP_SENDER:
    case OP_HPKE_SETUP_RECIPIENT:
    case OP_HPKE_SEAL:
    case OP_HPKE_OPEN:
    case OP_HPKE_EXPORT:
    case OP_HPKE_CONTEXT_WIPE:
    case OP_HPKE_SEAL_BASE:
    case OP_HPKE_OPEN_BASE:
        return hpke_ops(op, a, n, nargs);
    default:
        return key_ops(op, a, n, nargs);
    }
}

void cloak_js_wipe(void *p, size_t len)
{
    wipe(p, len);
}
