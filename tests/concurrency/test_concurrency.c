/*
 * Concurrency: cloak.h promises that every function is thread-safe and
 * re-entrant, and that a vault state (and a verified batch reader) may serve many threads at once.
 *
 * One set of inputs is made once and shared read-only by every thread: key pairs, the master key,
 * one cloak_vault, sealed secrets, a share, wrapped keys, a batch blob, its items and one verified
 * reader state, an HPKE recipient context, a text form, a password record. Each operation of the
 * public API then runs from THREADS threads at once (released together by a barrier), many times,
 * and every result is checked: values opened equal those sealed, deterministic outputs (signatures,
 * bundles, key pairs from seeds, key ids, blind indexes, exports, texts, derived keys) equal the ones
 * computed before the threads started, and signatures verify. Operations that need state of their
 * own (a batch writer, an HPKE sender) get it per thread. First each operation on its own (all
 * threads on the same function and the same inputs), then all of them mixed, each thread starting
 * at another operation. After every run the shared inputs must be byte for byte as they were: no
 * operation writes to what it only reads. Last, one batch writer shared by every thread: concurrent
 * seal_item calls must get distinct indexes.
 *
 * Run under ThreadSanitizer by the 'tsan' setup of tests/concurrency/meson.build in a build with
 * -Db_sanitize=thread. Threads cannot use cmocka's assertions, so each records its first failure
 * (operation and line) and the main thread asserts that there was none.
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers under -std=c11 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cloak.h"
#include "internal.h"

#define THREADS 8U
#define SAME_OP_THREADS 4U

/* ------------------------------------------------------------------------------------------------
 * Shared inputs
 * ---------------------------------------------------------------------------------------------- */

#define N_SECRETS 4U
#define VALUE_MAX 300U
#define SEALED_MAX 512U /* at least cloak_secret_sealed_len(VALUE_MAX) = 64 + pad(304) = 368 */
#define ITEM_MAX 512U /* at least cloak_batch_item_len(32, VALUE_MAX) = 56 + pad(337) = 408 */
#define BATCH_MAX 1024U
#define TEXT_MAX 256U
#define HPKE_PT_LEN 100U
#define EXPORT_LEN 42U
#define ARGON2_SMALL_KIB 64U

typedef struct shared_inputs {
    uint8_t alice_seed[32], alice_pk[32], alice_sk[64];
    uint8_t bob_seed[32], bob_pk[32], bob_sk[32];
    uint8_t account_pk[32], account_sk[32];
    uint8_t master_key[CLOAK_KEYBYTES], vault_key[CLOAK_KEYBYTES], vault_key2[CLOAK_KEYBYTES];
    uint8_t master_key_id[CLOAK_KEYIDBYTES];
    cloak_vault vault, vault2;

    uint8_t names[N_SECRETS][32];
    size_t name_lens[N_SECRETS];
    uint8_t values[N_SECRETS][VALUE_MAX];
    size_t value_lens[N_SECRETS];
    uint8_t sealed[N_SECRETS][SEALED_MAX];
    size_t sealed_lens[N_SECRETS];
    uint8_t blind[N_SECRETS][CLOAK_BLIND_INDEXBYTES];

    uint8_t message[64], signature[CLOAK_SIGNATUREBYTES];
    uint8_t bundle[CLOAK_BUNDLEBYTES];
    char fingerprint[CLOAK_FINGERPRINT_TEXTBYTES], pair_code[CLOAK_PAIR_CODE_TEXTBYTES];
    uint8_t share[CLOAK_SHAREBYTES];
    uint8_t wrapped_identity[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_encryption[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_account[CLOAK_WRAPPED_KEYBYTES];
    uint8_t account_blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    char account_text[TEXT_MAX];
    size_t account_text_len;
    uint8_t public_blob[CLOAK_PUBLIC_KEY_BLOBBYTES];

    uint8_t items[N_SECRETS][ITEM_MAX];
    size_t item_lens[N_SECRETS];
    uint8_t batch[BATCH_MAX];
    size_t batch_len;
    cloak_batch reader; /* verified and checked */
    uint8_t tags[N_SECRETS * CLOAK_BATCH_TAGBYTES]; /* as verify wrote them: each thread opens with a copy */

    uint8_t hpke_enc[CLOAK_HPKE_ENCBYTES];
    cloak_hpke_context hpke_recipient;
    uint8_t hpke_export[EXPORT_LEN];
    uint8_t base_enc[CLOAK_HPKE_ENCBYTES];
    uint8_t base_ct[HPKE_PT_LEN + CLOAK_HPKE_TAGBYTES];

    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t policy[CLOAK_PASSWORD_POLICYBYTES]; /* admits the record's small parameters */
    uint8_t account_secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    uint8_t login_key[CLOAK_KEYBYTES];
    uint8_t argon2_small[32];
} shared_inputs;

static shared_inputs fx;
static shared_inputs snapshot;

static const uint8_t vault_id[] = "shared-vault";
static const uint8_t head_hash[CLOAK_HEAD_HASHBYTES] = "head hash of the shared vault...";
#define BATCH_EPOCH 1U
#define BATCH_HEAD_VERSION 5U
#define BATCH_EXPIRY UINT64_MAX
#define BATCH_NOW 1700000000U
#define VID_LEN (sizeof vault_id - 1U)
static const uint8_t context[] = "ctx";
#define CONTEXT_LEN (sizeof context - 1U)
static const uint8_t info[] = "hpke info";
#define INFO_LEN (sizeof info - 1U)
static const uint8_t aad[] = "hpke aad";
#define AAD_LEN (sizeof aad - 1U)
static const uint8_t exporter_context[] = "exporter";
#define EXP_CTX_LEN (sizeof exporter_context - 1U)
static const uint8_t password[] = "hunter2 but longer";
#define PASSWORD_LEN (sizeof password - 1U)
static const uint8_t salt[16] = "0123456789abcdef";
static const uint8_t account_id[] = "shared@example.com";
#define ACCOUNT_ID_LEN (sizeof account_id - 1U)

/* The plaintext of HPKE messages: fixed, so every thread can check what it opens. */
static uint8_t hpke_pt[HPKE_PT_LEN];

/* ------------------------------------------------------------------------------------------------
 * Per-thread failure record
 * ---------------------------------------------------------------------------------------------- */

typedef struct worker {
    pthread_t thread;
    unsigned id;
    unsigned first_op;     /* index into ops[] to start at, or the only op */
    int mixed;             /* run every op in turn, else only first_op */
    unsigned iterations;
    const char *failed_op; /* first failure, if any */
    int failed_line;
    unsigned long checks;
} worker;

#define CHECK(cond)                                                                                  \
    do {                                                                                             \
        if (!(cond)) {                                                                               \
            return __LINE__;                                                                         \
        }                                                                                            \
    } while (0)

/* ------------------------------------------------------------------------------------------------
 * Operations. Each returns 0, or the line of the first check that failed. `it` is the iteration,
 * used to vary which secret or item a thread works on.
 * ---------------------------------------------------------------------------------------------- */

static int op_keypairs(unsigned it)
{
    uint8_t pk[32], sk[64], epk[32], esk[32], sig[64], check[32];

    (void)it;
    CHECK(cloak_identity_keypair_from_seed(pk, sk, fx.alice_seed) == CLOAK_OK);
    CHECK(memcmp(pk, fx.alice_pk, 32) == 0 && memcmp(sk, fx.alice_sk, 64) == 0);
    CHECK(cloak_encryption_keypair_from_seed(epk, esk, fx.bob_seed, 32) == CLOAK_OK);
    CHECK(memcmp(epk, fx.bob_pk, 32) == 0 && memcmp(esk, fx.bob_sk, 32) == 0);
    /* Fresh pairs: consistent halves. */
    cloak_identity_keypair(pk, sk);
    CHECK(cloak_identity_sign(sig, fx.message, sizeof fx.message, context, CONTEXT_LEN, sk) == CLOAK_OK);
    CHECK(cloak_identity_verify(sig, fx.message, sizeof fx.message, context, CONTEXT_LEN, pk) == CLOAK_OK);
    cloak_encryption_keypair(epk, esk);
    CHECK(crypto_scalarmult_base(check, esk) == 0 && memcmp(check, epk, 32) == 0);
    return 0;
}

static int op_sign(unsigned it)
{
    uint8_t sig[CLOAK_SIGNATUREBYTES];

    (void)it;
    CHECK(cloak_identity_sign(sig, fx.message, sizeof fx.message, context, CONTEXT_LEN, fx.alice_sk) == CLOAK_OK);
    CHECK(memcmp(sig, fx.signature, sizeof sig) == 0); /* Ed25519 is deterministic */
    CHECK(cloak_identity_verify(fx.signature, fx.message, sizeof fx.message, context, CONTEXT_LEN, fx.alice_pk) ==
          CLOAK_OK);
    CHECK(cloak_identity_verify(fx.signature, fx.message, sizeof fx.message, vault_id, VID_LEN, fx.alice_pk) ==
          CLOAK_E_BAD_SIGNATURE);
    return 0;
}

static int op_bundle(unsigned it)
{
    uint8_t bundle[CLOAK_BUNDLEBYTES], ipk[32], epk[32];

    (void)it;
    CHECK(cloak_bundle_create(bundle, fx.alice_sk, fx.bob_pk) == CLOAK_OK);
    CHECK(memcmp(bundle, fx.bundle, sizeof bundle) == 0);
    CHECK(cloak_bundle_verify(ipk, epk, fx.bundle, sizeof fx.bundle) == CLOAK_OK);
    CHECK(memcmp(ipk, fx.alice_pk, 32) == 0 && memcmp(epk, fx.bob_pk, 32) == 0);
    return 0;
}

static int op_public_keys(unsigned it)
{
    char fp[CLOAK_FINGERPRINT_TEXTBYTES], code[CLOAK_PAIR_CODE_TEXTBYTES];
    uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES], pk[32], key_id[CLOAK_KEYIDBYTES];
    int type;

    (void)it;
    cloak_identity_fingerprint(fp, fx.alice_pk);
    CHECK(memcmp(fp, fx.fingerprint, sizeof fp) == 0);
    cloak_identity_pair_code(code, fx.bob_pk, fx.alice_pk);
    CHECK(memcmp(code, fx.pair_code, sizeof code) == 0);
    cloak_identity_public_export(blob, fx.alice_pk);
    CHECK(memcmp(blob, fx.public_blob, sizeof blob) == 0);
    CHECK(cloak_identity_public_import(pk, fx.public_blob, sizeof fx.public_blob) == CLOAK_OK);
    CHECK(memcmp(pk, fx.alice_pk, 32) == 0);
    CHECK(cloak_blob_inspect(&type, key_id, fx.wrapped_identity, sizeof fx.wrapped_identity) == CLOAK_OK);
    CHECK(type == CLOAK_TYPE_WRAPPED_IDENTITY_KEY && memcmp(key_id, fx.master_key_id, sizeof key_id) == 0);
    cloak_key_id(key_id, fx.master_key);
    CHECK(memcmp(key_id, fx.master_key_id, sizeof key_id) == 0);
    return 0;
}

typedef int (*wrap_fn)(uint8_t *, const uint8_t *, const uint8_t *);
typedef int (*unwrap_fn)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *, size_t);

static int wrap_round_trip(wrap_fn wrap, unwrap_fn unwrap, const uint8_t *shared_wrapped, const uint8_t *pub,
                           const uint8_t *priv, size_t priv_len)
{
    uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES], pk[32], sk[64];

    CHECK(wrap(wrapped, fx.master_key, priv) == CLOAK_OK);
    CHECK(unwrap(pk, sk, fx.master_key, wrapped, sizeof wrapped) == CLOAK_OK);
    CHECK(memcmp(pk, pub, 32) == 0 && memcmp(sk, priv, priv_len) == 0);
    CHECK(unwrap(pk, sk, fx.master_key, shared_wrapped, CLOAK_WRAPPED_KEYBYTES) == CLOAK_OK);
    CHECK(memcmp(pk, pub, 32) == 0 && memcmp(sk, priv, priv_len) == 0);
    CHECK(unwrap(pk, sk, fx.vault_key, shared_wrapped, CLOAK_WRAPPED_KEYBYTES) == CLOAK_E_WRONG_KEY);
    return 0;
}

/* Re-wraps the shared wrapped identity key from the master key to the vault key (any other key
 * will do) and back: the shared blob is only read. */
static int rewrap_shared(void)
{
    uint8_t moved[CLOAK_WRAPPED_KEYBYTES], back[CLOAK_WRAPPED_KEYBYTES], pk[32], sk[64];

    CHECK(cloak_wrapped_key_rewrap(moved, fx.master_key, fx.vault_key, fx.wrapped_identity,
                                   sizeof fx.wrapped_identity) == CLOAK_OK);
    CHECK(cloak_identity_unwrap(pk, sk, fx.vault_key, moved, sizeof moved) == CLOAK_OK);
    CHECK(memcmp(sk, fx.alice_sk, sizeof sk) == 0);
    CHECK(cloak_wrapped_key_rewrap(back, fx.vault_key, fx.master_key, moved, sizeof moved) == CLOAK_OK);
    CHECK(cloak_identity_unwrap(pk, sk, fx.master_key, back, sizeof back) == CLOAK_OK);
    CHECK(memcmp(pk, fx.alice_pk, sizeof pk) == 0);
    CHECK(cloak_wrapped_key_rewrap(moved, fx.vault_key, fx.master_key, fx.wrapped_identity,
                                   sizeof fx.wrapped_identity) == CLOAK_E_WRONG_KEY);
    return 0;
}

static int op_wrap(unsigned it)
{
    int line;

    (void)it;
    line = wrap_round_trip(cloak_identity_wrap, cloak_identity_unwrap, fx.wrapped_identity, fx.alice_pk,
                           fx.alice_sk, 64);
    if (line == 0) {
        line = wrap_round_trip(cloak_encryption_wrap, cloak_encryption_unwrap, fx.wrapped_encryption, fx.bob_pk,
                               fx.bob_sk, 32);
    }
    if (line == 0) {
        line = wrap_round_trip(cloak_service_account_wrap, cloak_service_account_unwrap, fx.wrapped_account,
                               fx.account_pk, fx.account_sk, 32);
    }
    if (line == 0) {
        line = rewrap_shared();
    }
    return line;
}

static int op_account_key(unsigned it)
{
    uint8_t blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES], pk[32], sk[32];
    char text[TEXT_MAX];
    size_t text_len, blob_len;

    (void)it;
    CHECK(cloak_service_account_private_export(blob, fx.account_pk, fx.account_sk) == CLOAK_OK);
    CHECK(memcmp(blob, fx.account_blob, sizeof blob) == 0);
    CHECK(cloak_service_account_private_import(pk, sk, fx.account_blob, sizeof fx.account_blob) == CLOAK_OK);
    CHECK(memcmp(pk, fx.account_pk, 32) == 0 && memcmp(sk, fx.account_sk, 32) == 0);
    CHECK(cloak_text_encode(text, sizeof text, &text_len, fx.account_blob, sizeof fx.account_blob) == CLOAK_OK);
    CHECK(text_len == fx.account_text_len && memcmp(text, fx.account_text, text_len + 1U) == 0);
    CHECK(cloak_text_decode(blob, sizeof blob, &blob_len, fx.account_text, fx.account_text_len) == CLOAK_OK);
    CHECK(blob_len == sizeof blob && memcmp(blob, fx.account_blob, sizeof blob) == 0);
    return 0;
}

static int op_vault(unsigned it)
{
    const unsigned k = it % N_SECRETS;
    uint8_t sealed[SEALED_MAX], resealed[SEALED_MAX], value[VALUE_MAX];
    uint8_t index[CLOAK_BLIND_INDEXBYTES], key_id[CLOAK_KEYIDBYTES];
    size_t sealed_len, resealed_len, value_len;

    /* A secret sealed here, and one sealed before the threads started. */
    CHECK(cloak_secret_seal(&fx.vault, sealed, sizeof sealed, &sealed_len, fx.names[k], fx.name_lens[k], context,
                            CONTEXT_LEN, fx.values[k], fx.value_lens[k]) == CLOAK_OK);
    CHECK(cloak_secret_open(&fx.vault, value, sizeof value, &value_len, fx.names[k], fx.name_lens[k], context,
                            CONTEXT_LEN, sealed, sealed_len) == CLOAK_OK);
    CHECK(value_len == fx.value_lens[k] && memcmp(value, fx.values[k], value_len) == 0);
    CHECK(cloak_secret_open(&fx.vault, value, sizeof value, &value_len, fx.names[k], fx.name_lens[k], context,
                            CONTEXT_LEN, fx.sealed[k], fx.sealed_lens[k]) == CLOAK_OK);
    CHECK(value_len == fx.value_lens[k] && memcmp(value, fx.values[k], value_len) == 0);
    /* Another name: refused. */
    CHECK(cloak_secret_open(&fx.vault, value, sizeof value, &value_len, fx.names[(k + 1U) % N_SECRETS],
                            fx.name_lens[(k + 1U) % N_SECRETS], context, CONTEXT_LEN, fx.sealed[k],
                            fx.sealed_lens[k]) == CLOAK_E_AUTH);
    /* Rotation from the shared vault to the second shared vault. */
    CHECK(cloak_secret_reseal(&fx.vault, &fx.vault2, resealed, sizeof resealed, &resealed_len, fx.names[k],
                              fx.name_lens[k], context, CONTEXT_LEN, fx.sealed[k], fx.sealed_lens[k]) == CLOAK_OK);
    CHECK(cloak_secret_open(&fx.vault2, value, sizeof value, &value_len, fx.names[k], fx.name_lens[k], context,
                            CONTEXT_LEN, resealed, resealed_len) == CLOAK_OK);
    CHECK(value_len == fx.value_lens[k] && memcmp(value, fx.values[k], value_len) == 0);
    CHECK(cloak_vault_blind_index(&fx.vault, index, fx.names[k], fx.name_lens[k]) == CLOAK_OK);
    CHECK(memcmp(index, fx.blind[k], sizeof index) == 0);
    cloak_vault_key_id(key_id, &fx.vault);
    CHECK(memcmp(key_id, fx.sealed[k] + 4, CLOAK_KEYIDBYTES) == 0);
    return 0;
}

/* A state of its own from the shared vault key: init reads the key while others read it too. */
static int op_vault_init(unsigned it)
{
    const unsigned k = it % N_SECRETS;
    cloak_vault v;
    uint8_t index[CLOAK_BLIND_INDEXBYTES], value[VALUE_MAX];
    size_t value_len;

    CHECK(cloak_vault_init(&v, fx.vault_key, 1, vault_id, VID_LEN) == CLOAK_OK);
    CHECK(cloak_vault_blind_index(&v, index, fx.names[k], fx.name_lens[k]) == CLOAK_OK);
    CHECK(memcmp(index, fx.blind[k], sizeof index) == 0);
    CHECK(cloak_secret_open(&v, value, sizeof value, &value_len, fx.names[k], fx.name_lens[k], context,
                            CONTEXT_LEN, fx.sealed[k], fx.sealed_lens[k]) == CLOAK_OK);
    CHECK(value_len == fx.value_lens[k] && memcmp(value, fx.values[k], value_len) == 0);
    cloak_vault_wipe(&v);
    return 0;
}

static int op_share(unsigned it)
{
    uint8_t share[CLOAK_SHAREBYTES], key[CLOAK_KEYBYTES], sender[32];
    uint32_t epoch;

    (void)it;
    CHECK(cloak_share_seal(share, fx.vault_key, 1, vault_id, VID_LEN, fx.bob_pk, fx.alice_sk) == CLOAK_OK);
    CHECK(cloak_share_open(key, &epoch, share, sizeof share, vault_id, VID_LEN, fx.bob_pk, fx.bob_sk, fx.alice_pk,
                           1) == CLOAK_OK);
    CHECK(memcmp(key, fx.vault_key, sizeof key) == 0 && epoch == 1);
    CHECK(cloak_share_open(key, &epoch, fx.share, sizeof fx.share, vault_id, VID_LEN, fx.bob_pk, fx.bob_sk,
                           fx.alice_pk, 1) == CLOAK_OK);
    CHECK(memcmp(key, fx.vault_key, sizeof key) == 0 && epoch == 1);
    CHECK(cloak_share_sender(sender, fx.share, sizeof fx.share) == CLOAK_OK);
    CHECK(memcmp(sender, fx.alice_pk, 32) == 0);
    CHECK(cloak_share_open(key, &epoch, fx.share, sizeof fx.share, vault_id, VID_LEN, fx.bob_pk, fx.bob_sk,
                           fx.bob_pk, 1) == CLOAK_E_UNTRUSTED_SIGNER);
    return 0;
}

/* The shared batch through the shared, verified reader state, with a fresh copy of its tags: each
 * item opens once per copy, a second time not. */
static int op_batch_read(unsigned it)
{
    uint8_t tags[sizeof fx.tags];
    uint8_t name[255], value[ITEM_MAX], signer[32];
    size_t name_len, value_len;
    unsigned j;

    memcpy(tags, fx.tags, sizeof tags);
    CHECK(cloak_batch_item_count(&fx.reader) == N_SECRETS);
    CHECK(cloak_batch_epoch(&fx.reader) == BATCH_EPOCH && cloak_batch_head_version(&fx.reader) == BATCH_HEAD_VERSION);
    cloak_batch_signer(signer, &fx.reader);
    CHECK(memcmp(signer, fx.alice_pk, 32) == 0);
    for (j = 0; j < N_SECRETS; j++) {
        const unsigned k = (it + j) % N_SECRETS;
        CHECK(cloak_batch_open_item(&fx.reader, tags, sizeof tags, fx.items[k], fx.item_lens[k], name, sizeof name,
                                    &name_len, value, sizeof value, &value_len) == CLOAK_OK);
        CHECK(name_len == fx.name_lens[k] && memcmp(name, fx.names[k], name_len) == 0);
        CHECK(value_len == fx.value_lens[k] && memcmp(value, fx.values[k], value_len) == 0);
    }
    /* Used up: refused, and the state stays usable (checked by the next call). */
    CHECK(cloak_batch_open_item(&fx.reader, tags, sizeof tags, fx.items[it % N_SECRETS], fx.item_lens[it % N_SECRETS],
                                name, sizeof name, &name_len, value, sizeof value,
                                &value_len) == CLOAK_E_BAD_SIGNATURE);
    return 0;
}

/* A batch of its own, made and read in this thread, from the shared keys. */
static int op_batch_write(unsigned it)
{
    cloak_batch writer, reader;
    uint8_t items[2][ITEM_MAX], digests[2 * CLOAK_BATCH_DIGESTBYTES], blob[BATCH_MAX];
    uint8_t tags[2 * CLOAK_BATCH_TAGBYTES];
    uint8_t name[255], value[ITEM_MAX];
    size_t item_lens[2], blob_len, name_len, value_len;
    uint32_t index;
    unsigned j;

    CHECK(cloak_batch_begin(&writer, fx.account_pk, fx.alice_pk, vault_id, VID_LEN, BATCH_EPOCH, BATCH_HEAD_VERSION,
                            head_hash, BATCH_EXPIRY) == CLOAK_OK);
    for (j = 0; j < 2; j++) {
        const unsigned k = (it + j) % N_SECRETS;
        CHECK(cloak_batch_seal_item(&writer, items[j], sizeof items[j], &item_lens[j], &index,
                                    digests + j * CLOAK_BATCH_DIGESTBYTES, fx.names[k], fx.name_lens[k],
                                    fx.values[k], fx.value_lens[k]) == CLOAK_OK);
        CHECK(index == j);
    }
    CHECK(cloak_batch_finish(&writer, blob, sizeof blob, &blob_len, digests, 2, fx.alice_sk) == CLOAK_OK);
    CHECK(cloak_batch_verify(&reader, tags, sizeof tags, blob, blob_len, vault_id, VID_LEN, fx.account_pk,
                             fx.account_sk, fx.alice_pk, 1) == CLOAK_OK);
    CHECK(cloak_batch_check(&reader, BATCH_EPOCH, BATCH_HEAD_VERSION, BATCH_NOW) == CLOAK_OK);
    for (j = 0; j < 2; j++) {
        const unsigned k = (it + j) % N_SECRETS;
        CHECK(cloak_batch_open_item(&reader, tags, sizeof tags, items[j], item_lens[j], name, sizeof name, &name_len,
                                    value, sizeof value, &value_len) == CLOAK_OK);
        CHECK(name_len == fx.name_lens[k] && memcmp(name, fx.names[k], name_len) == 0);
        CHECK(value_len == fx.value_lens[k] && memcmp(value, fx.values[k], value_len) == 0);
    }
    cloak_batch_wipe(&reader);
    /* The shared batch verified again into a state of its own. */
    {
        uint8_t shared_tags[sizeof fx.tags];
        CHECK(cloak_batch_verify(&reader, shared_tags, sizeof shared_tags, fx.batch, fx.batch_len, vault_id, VID_LEN,
                                 fx.account_pk, fx.account_sk, fx.alice_pk, 1) == CLOAK_OK);
    }
    CHECK(cloak_batch_item_count(&reader) == N_SECRETS);
    cloak_batch_wipe(&reader);
    return 0;
}

static int op_hpke(unsigned it)
{
    cloak_hpke_context sender, recipient;
    uint8_t enc[CLOAK_HPKE_ENCBYTES], ct[HPKE_PT_LEN + CLOAK_HPKE_TAGBYTES], pt[HPKE_PT_LEN];
    uint8_t exported[EXPORT_LEN], exported2[EXPORT_LEN];
    unsigned j;

    (void)it;
    /* Single-shot, fresh and shared. */
    CHECK(cloak_hpke_seal_base(enc, ct, fx.bob_pk, info, INFO_LEN, aad, AAD_LEN, hpke_pt, HPKE_PT_LEN) == CLOAK_OK);
    CHECK(cloak_hpke_open_base(pt, enc, fx.bob_pk, fx.bob_sk, info, INFO_LEN, aad, AAD_LEN, ct, sizeof ct) ==
          CLOAK_OK);
    CHECK(memcmp(pt, hpke_pt, sizeof pt) == 0);
    CHECK(cloak_hpke_open_base(pt, fx.base_enc, fx.bob_pk, fx.bob_sk, info, INFO_LEN, aad, AAD_LEN, fx.base_ct,
                               sizeof fx.base_ct) == CLOAK_OK);
    CHECK(memcmp(pt, hpke_pt, sizeof pt) == 0);
    /* Contexts of its own. */
    CHECK(cloak_hpke_setup_sender(&sender, enc, fx.bob_pk, info, INFO_LEN) == CLOAK_OK);
    CHECK(cloak_hpke_setup_recipient(&recipient, enc, fx.bob_pk, fx.bob_sk, info, INFO_LEN) == CLOAK_OK);
    for (j = 0; j < 3; j++) {
        CHECK(cloak_hpke_seal(&sender, ct, aad, AAD_LEN, hpke_pt, HPKE_PT_LEN) == CLOAK_OK);
        CHECK(cloak_hpke_open(&recipient, pt, aad, AAD_LEN, ct, sizeof ct) == CLOAK_OK);
        CHECK(memcmp(pt, hpke_pt, sizeof pt) == 0);
    }
    CHECK(cloak_hpke_export(&sender, exported, sizeof exported, exporter_context, EXP_CTX_LEN) == CLOAK_OK);
    CHECK(cloak_hpke_export(&recipient, exported2, sizeof exported2, exporter_context, EXP_CTX_LEN) == CLOAK_OK);
    CHECK(memcmp(exported, exported2, sizeof exported) == 0);
    cloak_hpke_context_wipe(&sender);
    cloak_hpke_context_wipe(&recipient);
    /* Export from the shared recipient context (read-only). */
    CHECK(cloak_hpke_export(&fx.hpke_recipient, exported, sizeof exported, exporter_context, EXP_CTX_LEN) ==
          CLOAK_OK);
    CHECK(memcmp(exported, fx.hpke_export, sizeof exported) == 0);
    return 0;
}

/* Argon2id is the costly one: the public derive (16 MiB, the least the library accepts) every
 * eighth iteration, and the raw layer at 64 KiB and two lanes (libargon2's own threads) every time. */
static int op_password(unsigned it)
{
    uint8_t master[CLOAK_KEYBYTES], login[CLOAK_KEYBYTES], out[32];

    CHECK(cloak__argon2id(out, sizeof out, password, PASSWORD_LEN, salt, sizeof salt, NULL, 0, NULL, 0,
                          ARGON2_SMALL_KIB, 1, 2) == CLOAK_OK);
    CHECK(memcmp(out, fx.argon2_small, sizeof out) == 0);
    {
        /* The secret key's text form, from the shared key, every time (cheap). */
        char text[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES];
        uint8_t key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
        CHECK(cloak_account_secret_key_encode(text, fx.account_secret_key, account_id, ACCOUNT_ID_LEN) == CLOAK_OK);
        CHECK(cloak_account_secret_key_decode(key, text, sizeof text - 1U, account_id, ACCOUNT_ID_LEN) == CLOAK_OK);
        CHECK(memcmp(key, fx.account_secret_key, sizeof key) == 0);
    }
    if (it % 8U == 0) {
        CHECK(cloak_password_derive(master, login, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN,
                                    fx.account_secret_key, sizeof fx.account_secret_key, fx.record, sizeof fx.record,
                                    fx.policy) == CLOAK_OK);
        CHECK(memcmp(master, fx.master_key, sizeof master) == 0);
        CHECK(memcmp(login, fx.login_key, sizeof login) == 0);
    }
    return 0;
}

typedef struct op {
    const char *name;
    int (*run)(unsigned it);
    unsigned iterations; /* per thread, when every thread runs this operation alone */
} op;

static const op ops[] = {
    {"keypairs", op_keypairs, 200},   {"sign", op_sign, 200},
    {"bundle", op_bundle, 200},       {"public_keys", op_public_keys, 200},
    {"wrap", op_wrap, 200},           {"account_key", op_account_key, 200},
    {"vault", op_vault, 200},         {"vault_init", op_vault_init, 200},
    {"share", op_share, 200},         {"batch_read", op_batch_read, 200},
    {"batch_write", op_batch_write, 200}, {"hpke", op_hpke, 200},
    {"password", op_password, 16},
};
#define N_OPS (sizeof ops / sizeof ops[0])

/* ------------------------------------------------------------------------------------------------
 * Threads
 * ---------------------------------------------------------------------------------------------- */

static pthread_barrier_t start_line;

static void *worker_main(void *arg)
{
    worker *w = arg;
    unsigned it, j;

    /* Everyone starts at once, so the calls overlap from the first one. */
    (void)pthread_barrier_wait(&start_line);
    for (it = 0; it < w->iterations && w->failed_op == NULL; it++) {
        for (j = 0; j < (w->mixed ? N_OPS : 1U); j++) {
            const op *o = &ops[(w->first_op + j) % N_OPS];
            const int line = o->run(it + w->id);
            w->checks++;
            if (line != 0) {
                w->failed_op = o->name;
                w->failed_line = line;
                break;
            }
        }
    }
    return NULL;
}

/* valgrind (the test setup sets CLOAK_TEST_UNDER_VALGRIND) serialises threads and is slow: fewer
 * rounds there; the races are ThreadSanitizer's job. */
static unsigned scaled(unsigned n)
{
    const char *v = getenv("CLOAK_TEST_UNDER_VALGRIND");
    if (v != NULL && v[0] != '\0' && v[0] != '0') {
        return n / 8U > 0 ? n / 8U : 1U;
    }
    return n;
}

static void run_threads(unsigned n_threads, int mixed, unsigned first_op, unsigned iterations)
{
    worker workers[THREADS];
    unsigned t, failures = 0;

    assert_true(n_threads <= THREADS);
    assert_int_equal(pthread_barrier_init(&start_line, NULL, n_threads), 0);
    for (t = 0; t < n_threads; t++) {
        memset(&workers[t], 0, sizeof workers[t]);
        workers[t].id = t;
        workers[t].first_op = mixed ? (first_op + t) % (unsigned)N_OPS : first_op;
        workers[t].mixed = mixed;
        workers[t].iterations = iterations;
        assert_int_equal(pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]), 0);
    }
    for (t = 0; t < n_threads; t++) {
        assert_int_equal(pthread_join(workers[t].thread, NULL), 0);
        if (workers[t].failed_op != NULL) {
            print_error("thread %u: %s failed at line %d\n", t, workers[t].failed_op, workers[t].failed_line);
            failures++;
        } else {
            assert_int_equal(workers[t].checks, (unsigned long)iterations * (mixed ? N_OPS : 1U));
        }
    }
    (void)pthread_barrier_destroy(&start_line);
    assert_int_equal(failures, 0);
    /* No operation wrote to the inputs it shares. */
    assert_memory_equal(&fx, &snapshot, sizeof fx);
}

/* ------------------------------------------------------------------------------------------------
 * Fixture
 * ---------------------------------------------------------------------------------------------- */

static int fixture_made;

/* Made once, after test_init_concurrently has initialised the library. */
static int make_fixture(void **state)
{
    uint8_t digests[N_SECRETS * CLOAK_BATCH_DIGESTBYTES];
    cloak_batch writer;
    cloak_hpke_context sender;
    unsigned k;

    (void)state;
    if (fixture_made) {
        return 0;
    }
    memset(&fx, 0, sizeof fx);
    randombytes_buf(hpke_pt, sizeof hpke_pt);
    randombytes_buf(fx.alice_seed, 32);
    randombytes_buf(fx.bob_seed, 32);
    if (cloak_identity_keypair_from_seed(fx.alice_pk, fx.alice_sk, fx.alice_seed) != CLOAK_OK ||
        cloak_encryption_keypair_from_seed(fx.bob_pk, fx.bob_sk, fx.bob_seed, 32) != CLOAK_OK) {
        return -1;
    }
    cloak_encryption_keypair(fx.account_pk, fx.account_sk);

    /* The master key is the password's: op_password derives it again. Small parameters. */
    cloak_account_secret_key_generate(fx.account_secret_key);
    if (cloak_password_record_encode(fx.record, salt, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1) != CLOAK_OK ||
        cloak_password_policy_init(fx.policy, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN,
                                   CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1) != CLOAK_OK ||
        cloak_password_derive(fx.master_key, fx.login_key, password, PASSWORD_LEN, account_id, ACCOUNT_ID_LEN,
                              fx.account_secret_key, sizeof fx.account_secret_key, fx.record, sizeof fx.record,
                              fx.policy) != CLOAK_OK ||
        cloak__argon2id(fx.argon2_small, sizeof fx.argon2_small, password, PASSWORD_LEN, salt, sizeof salt, NULL,
                        0, NULL, 0, ARGON2_SMALL_KIB, 1, 2) != CLOAK_OK) {
        return -1;
    }
    cloak_key_id(fx.master_key_id, fx.master_key);
    randombytes_buf(fx.vault_key, sizeof fx.vault_key);
    randombytes_buf(fx.vault_key2, sizeof fx.vault_key2);
    if (cloak_vault_init(&fx.vault, fx.vault_key, 1, vault_id, VID_LEN) != CLOAK_OK ||
        cloak_vault_init(&fx.vault2, fx.vault_key2, 2, vault_id, VID_LEN) != CLOAK_OK) {
        return -1;
    }

    for (k = 0; k < N_SECRETS; k++) {
        fx.name_lens[k] = (size_t)snprintf((char *)fx.names[k], sizeof fx.names[k], "SECRET_%u", k);
        fx.value_lens[k] = k == 0 ? 0 : (size_t)(k * 97U) % VALUE_MAX;
        randombytes_buf(fx.values[k], fx.value_lens[k]);
        if (cloak_secret_seal(&fx.vault, fx.sealed[k], sizeof fx.sealed[k], &fx.sealed_lens[k], fx.names[k],
                              fx.name_lens[k], context, CONTEXT_LEN, fx.values[k], fx.value_lens[k]) != CLOAK_OK ||
            cloak_vault_blind_index(&fx.vault, fx.blind[k], fx.names[k], fx.name_lens[k]) != CLOAK_OK) {
            return -1;
        }
    }

    randombytes_buf(fx.message, sizeof fx.message);
    if (cloak_identity_sign(fx.signature, fx.message, sizeof fx.message, context, CONTEXT_LEN, fx.alice_sk) !=
            CLOAK_OK ||
        cloak_bundle_create(fx.bundle, fx.alice_sk, fx.bob_pk) != CLOAK_OK ||
        cloak_share_seal(fx.share, fx.vault_key, 1, vault_id, VID_LEN, fx.bob_pk, fx.alice_sk) != CLOAK_OK ||
        cloak_identity_wrap(fx.wrapped_identity, fx.master_key, fx.alice_sk) != CLOAK_OK ||
        cloak_encryption_wrap(fx.wrapped_encryption, fx.master_key, fx.bob_sk) != CLOAK_OK ||
        cloak_service_account_wrap(fx.wrapped_account, fx.master_key, fx.account_sk) != CLOAK_OK ||
        cloak_service_account_private_export(fx.account_blob, fx.account_pk, fx.account_sk) != CLOAK_OK ||
        cloak_text_encode(fx.account_text, sizeof fx.account_text, &fx.account_text_len, fx.account_blob,
                          sizeof fx.account_blob) != CLOAK_OK) {
        return -1;
    }
    cloak_identity_fingerprint(fx.fingerprint, fx.alice_pk);
    cloak_identity_pair_code(fx.pair_code, fx.alice_pk, fx.bob_pk);
    cloak_identity_public_export(fx.public_blob, fx.alice_pk);

    if (cloak_batch_begin(&writer, fx.account_pk, fx.alice_pk, vault_id, VID_LEN, BATCH_EPOCH, BATCH_HEAD_VERSION,
                          head_hash, BATCH_EXPIRY) != CLOAK_OK) {
        return -1;
    }
    for (k = 0; k < N_SECRETS; k++) {
        uint32_t index;
        if (cloak_batch_seal_item(&writer, fx.items[k], sizeof fx.items[k], &fx.item_lens[k], &index,
                                  digests + k * CLOAK_BATCH_DIGESTBYTES, fx.names[k], fx.name_lens[k], fx.values[k],
                                  fx.value_lens[k]) != CLOAK_OK ||
            index != k) {
            return -1;
        }
    }
    if (cloak_batch_finish(&writer, fx.batch, sizeof fx.batch, &fx.batch_len, digests, N_SECRETS, fx.alice_sk) !=
            CLOAK_OK ||
        cloak_batch_verify(&fx.reader, fx.tags, sizeof fx.tags, fx.batch, fx.batch_len, vault_id, VID_LEN,
                           fx.account_pk, fx.account_sk, fx.alice_pk, 1) != CLOAK_OK ||
        cloak_batch_check(&fx.reader, BATCH_EPOCH, BATCH_HEAD_VERSION, BATCH_NOW) != CLOAK_OK) {
        return -1;
    }

    if (cloak_hpke_setup_sender(&sender, fx.hpke_enc, fx.bob_pk, info, INFO_LEN) != CLOAK_OK ||
        cloak_hpke_setup_recipient(&fx.hpke_recipient, fx.hpke_enc, fx.bob_pk, fx.bob_sk, info, INFO_LEN) !=
            CLOAK_OK ||
        cloak_hpke_export(&sender, fx.hpke_export, sizeof fx.hpke_export, exporter_context, EXP_CTX_LEN) !=
            CLOAK_OK ||
        cloak_hpke_seal_base(fx.base_enc, fx.base_ct, fx.bob_pk, info, INFO_LEN, aad, AAD_LEN, hpke_pt,
                             HPKE_PT_LEN) != CLOAK_OK) {
        return -1;
    }
    cloak_hpke_context_wipe(&sender);
    memcpy(&snapshot, &fx, sizeof fx);
    fixture_made = 1;
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * One batch writer, many threads: each seal_item reserves its own index. Every thread seals
 * WRITER_ITEMS items into the one writer and stores item and digest at the index it got; the indexes
 * must be exactly 0 .. n-1, each once, and every item must open from the finished batch with the value
 * its thread sealed. A duplicate index would also be a data race on its slot, which ThreadSanitizer
 * reports.
 * ---------------------------------------------------------------------------------------------- */

#define WRITER_ITEMS 2500U
#define WRITER_ITEM_LEN 120U /* cloak_batch_item_len(1, 4): the 64-byte bucket */

typedef struct shared_writer {
    cloak_batch writer;
    unsigned per_thread;
    uint8_t *items;   /* WRITER_ITEM_LEN per index */
    uint8_t *digests; /* CLOAK_BATCH_DIGESTBYTES per index */
    uint32_t *owner;  /* the value sealed at each index: thread << 16 | sequence */
} shared_writer;

typedef struct writer_thread {
    pthread_t thread;
    shared_writer *shared;
    unsigned id;
    int failed_line;
} writer_thread;

static void *writer_main(void *arg)
{
    writer_thread *t = arg;
    shared_writer *sh = t->shared;
    uint8_t item[WRITER_ITEM_LEN], digest[CLOAK_BATCH_DIGESTBYTES], value[4];
    size_t item_len;
    uint32_t index;
    unsigned j;

    (void)pthread_barrier_wait(&start_line);
    for (j = 0; j < sh->per_thread; j++) {
        const uint32_t tag = ((uint32_t)t->id << 16) | (uint32_t)j;
        cloak__store32_be(value, tag);
        if (cloak_batch_seal_item(&sh->writer, item, sizeof item, &item_len, &index, digest, (const uint8_t *)"k", 1,
                                  value, sizeof value) != CLOAK_OK ||
            item_len != WRITER_ITEM_LEN || index >= THREADS * sh->per_thread) {
            t->failed_line = __LINE__;
            break;
        }
        memcpy(sh->items + (size_t)index * WRITER_ITEM_LEN, item, WRITER_ITEM_LEN);
        memcpy(sh->digests + (size_t)index * CLOAK_BATCH_DIGESTBYTES, digest, CLOAK_BATCH_DIGESTBYTES);
        sh->owner[index] = tag;
    }
    return NULL;
}

static void test_batch_writer_threads(void **state)
{
    shared_writer sh;
    writer_thread threads[THREADS];
    cloak_batch reader;
    uint8_t name[255], value[WRITER_ITEM_LEN];
    size_t name_len, value_len, blob_len, i;
    uint8_t *seen, *blob, *tags;
    unsigned t;

    (void)state;
    assert_int_equal(cloak_batch_item_len(1, 4), WRITER_ITEM_LEN);
    sh.per_thread = scaled(WRITER_ITEMS);
    const size_t n = (size_t)THREADS * sh.per_thread;
    sh.items = calloc(n, WRITER_ITEM_LEN);
    sh.digests = calloc(n, CLOAK_BATCH_DIGESTBYTES);
    sh.owner = calloc(n, sizeof *sh.owner);
    seen = calloc(n, 1);
    blob = malloc(cloak_batch_len(VID_LEN, n));
    tags = malloc(cloak_batch_tags_len(n));
    assert_true(sh.items != NULL && sh.digests != NULL && sh.owner != NULL && seen != NULL && blob != NULL &&
                tags != NULL);
    assert_int_equal(cloak_batch_begin(&sh.writer, fx.account_pk, fx.alice_pk, vault_id, VID_LEN, BATCH_EPOCH,
                                       BATCH_HEAD_VERSION, head_hash, BATCH_EXPIRY),
                     CLOAK_OK);
    assert_int_equal(pthread_barrier_init(&start_line, NULL, THREADS), 0);
    for (t = 0; t < THREADS; t++) {
        threads[t].shared = &sh;
        threads[t].id = t;
        threads[t].failed_line = 0;
        assert_int_equal(pthread_create(&threads[t].thread, NULL, writer_main, &threads[t]), 0);
    }
    for (t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(threads[t].thread, NULL), 0);
        assert_int_equal(threads[t].failed_line, 0);
    }
    (void)pthread_barrier_destroy(&start_line);

    /* Every (thread, sequence) pair landed at exactly one index. */
    for (i = 0; i < n; i++) {
        const uint32_t tag = sh.owner[i];
        const size_t slot = (size_t)(tag >> 16) * sh.per_thread + (tag & 0xFFFFU);
        assert_true((tag >> 16) < THREADS && (tag & 0xFFFFU) < sh.per_thread);
        assert_int_equal(seen[slot], 0);
        seen[slot] = 1;
        assert_int_equal(cloak__load32_be(sh.items + i * WRITER_ITEM_LEN + 36U), i);
    }
    assert_int_equal(cloak_batch_finish(&sh.writer, blob, cloak_batch_len(VID_LEN, n), &blob_len, sh.digests, n,
                                        fx.alice_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_verify(&reader, tags, cloak_batch_tags_len(n), blob, blob_len, vault_id, VID_LEN,
                                        fx.account_pk, fx.account_sk, fx.alice_pk, 1),
                     CLOAK_OK);
    assert_int_equal(cloak_batch_check(&reader, BATCH_EPOCH, BATCH_HEAD_VERSION, BATCH_NOW), CLOAK_OK);
    for (i = 0; i < n; i++) {
        assert_int_equal(cloak_batch_open_item(&reader, tags, cloak_batch_tags_len(n), sh.items + i * WRITER_ITEM_LEN,
                                               WRITER_ITEM_LEN, name, sizeof name, &name_len, value, sizeof value,
                                               &value_len),
                         CLOAK_OK);
        assert_int_equal(value_len, 4);
        assert_int_equal(cloak__load32_be(value), sh.owner[i]);
    }
    cloak_batch_wipe(&reader);
    free(sh.items);
    free(sh.digests);
    free(sh.owner);
    free(seen);
    free(blob);
    free(tags);
}

/* ------------------------------------------------------------------------------------------------
 * Tests
 * ---------------------------------------------------------------------------------------------- */

static void *init_main(void *arg)
{
    int *rc = arg;

    (void)pthread_barrier_wait(&start_line);
    *rc = cloak_init();
    return NULL;
}

/* cloak_init() from many threads at once, before anything else has initialised the library. */
static void test_init_concurrently(void **state)
{
    pthread_t threads[THREADS];
    int rcs[THREADS];
    unsigned t;

    (void)state;
    assert_int_equal(pthread_barrier_init(&start_line, NULL, THREADS), 0);
    for (t = 0; t < THREADS; t++) {
        rcs[t] = -1;
        assert_int_equal(pthread_create(&threads[t], NULL, init_main, &rcs[t]), 0);
    }
    for (t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(threads[t], NULL), 0);
        assert_int_equal(rcs[t], CLOAK_OK);
    }
    (void)pthread_barrier_destroy(&start_line);
}

/* Every thread on one operation, the same inputs. The state is the operation's index. */
static void test_same_operation(void **state)
{
    const unsigned index = (unsigned)(uintptr_t)*state;

    run_threads(SAME_OP_THREADS, 0, index, scaled(ops[index].iterations));
}

/* All operations at once: thread t starts at operation t and runs them all in turn. */
static void test_all_operations_mixed(void **state)
{
    (void)state;
    run_threads(THREADS, 1, 0, scaled(48U));
}

int main(void)
{
    /* One group (one TAP plan): concurrent initialisation first, then the fixture (a per-test setup
     * that builds it once) and the operations. */
    struct CMUnitTest tests[1U + N_OPS + 2U];
    char names[N_OPS][64];
    size_t i;

    tests[0] = (struct CMUnitTest)cmocka_unit_test(test_init_concurrently);
    for (i = 0; i < N_OPS; i++) {
        (void)snprintf(names[i], sizeof names[i], "%s from %u threads", ops[i].name, SAME_OP_THREADS);
        tests[1U + i] = (struct CMUnitTest){names[i], test_same_operation, make_fixture, NULL, (void *)(uintptr_t)i};
    }
    tests[1U + N_OPS] = (struct CMUnitTest){"all operations mixed from 8 threads", test_all_operations_mixed,
                                            make_fixture, NULL, NULL};
    tests[1U + N_OPS + 1U] = (struct CMUnitTest){"one batch writer from 8 threads", test_batch_writer_threads,
                                                 make_fixture, NULL, NULL};
    return _cmocka_run_group_tests("concurrency", tests, 1U + N_OPS + 2U, NULL, NULL);
}
