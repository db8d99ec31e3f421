/*
 * Writes the seed corpora of the fuzz harnesses: valid blobs of every type (and their text forms),
 * made by the library with the fixed keys of fuzz.h, laid out as each harness reads its input.
 *
 * Usage: make_corpus OUTDIR
 * Writes OUTDIR/<harness>/seed-NNN for every harness; OUTDIR and its subdirectories are created if
 * missing. Deterministic: the random source is the harnesses' own, so every run writes the same
 * bytes. Exit status 0, or 1 with a message on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "fuzz.h"

static const char *outdir;

#define CHECK_OK(expr)                                                                               \
    do {                                                                                             \
        if ((expr) != CLOAK_OK) {                                                                    \
            fz_fail(#expr, __FILE__, __LINE__);                                                      \
        }                                                                                            \
    } while (0)

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "make_corpus: cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* Writes one seed of `harness` and empties the buffer. */
static void emit(const char *harness, fz_buf *b)
{
    static unsigned counter;
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", outdir, harness);
    make_dir(path);
    snprintf(path, sizeof path, "%s/%s/seed-%03u", outdir, harness, counter++);
    f = fopen(path, "wb");
    if (f == NULL || (b->n > 0 && fwrite(b->p, 1, b->n, f) != b->n) || fclose(f) != 0) {
        fprintf(stderr, "make_corpus: cannot write %s\n", path);
        exit(1);
    }
    b->n = 0;
}

/* ------------------------------------------------------------------------------------------------
 * One blob of every type
 * ---------------------------------------------------------------------------------------------- */
#define NAME "db-password"
#define NAME_LEN (sizeof(NAME) - 1U)
#define CONTEXT "production"
#define CONTEXT_LEN (sizeof(CONTEXT) - 1U)
#define VALUE "correct horse battery staple"
#define VALUE_LEN (sizeof(VALUE) - 1U)
#define N_ITEMS 3U
#define ITEM_CAP 256U
#define SECRET_CAP 512U

typedef struct blobs {
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t identity_pk[CLOAK_PUBLIC_KEY_BLOBBYTES];
    uint8_t encryption_pk[CLOAK_PUBLIC_KEY_BLOBBYTES];
    uint8_t bundle[CLOAK_BUNDLEBYTES];
    uint8_t wrapped_identity[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_encryption[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_account[CLOAK_WRAPPED_KEYBYTES];
    uint8_t secret[SECRET_CAP];
    size_t secret_len;
    uint8_t share[CLOAK_SHAREBYTES];
    uint8_t batch[221U + sizeof(FZ_VAULT_ID) - 1U + 32U * N_ITEMS];
    size_t batch_len;
    uint8_t items[N_ITEMS][ITEM_CAP];
    size_t item_lens[N_ITEMS];
    uint8_t account_key[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    /* Suite 2: bob's X-Wing key, his bundle, alice's and the X-Wing account's keys wrapped, a share
     * from alice to bob's X-Wing key, a batch and its items to the X-Wing account, that account's
     * private key blob. */
    uint8_t xw_pk[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES];
    uint8_t xw_bundle[CLOAK_XWING_BUNDLEBYTES];
    uint8_t xw_wrapped_encryption[CLOAK_XWING_WRAPPED_KEYBYTES];
    uint8_t xw_wrapped_account[CLOAK_XWING_WRAPPED_KEYBYTES];
    uint8_t xw_share[CLOAK_XWING_SHAREBYTES];
    uint8_t xw_batch[1309U + sizeof(FZ_VAULT_ID) - 1U + 32U * N_ITEMS];
    size_t xw_batch_len;
    uint8_t xw_items[N_ITEMS][ITEM_CAP];
    size_t xw_item_lens[N_ITEMS];
    uint8_t xw_account_key[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
} blobs;

static const char *const item_names[N_ITEMS] = {"DATABASE_URL", "API_TOKEN", "x"};
static const char *const item_values[N_ITEMS] = {"postgres://db.internal/app", "tok_0123456789abcdef", ""};

/* A batch of `count` items from item_names/item_values, signed by the given creator. */
static void make_batch(uint8_t *batch, size_t batch_cap, size_t *batch_len, uint8_t items[][ITEM_CAP],
                       size_t *item_lens, size_t count, const uint8_t *creator_pk, const uint8_t *creator_sk)
{
    fz_make_batch(batch, batch_cap, batch_len, &items[0][0], ITEM_CAP, item_lens, item_names, item_values, count,
                  creator_pk, creator_sk);
}

static void make_blobs(blobs *b)
{
    const fz_keys *k = fz_keys_get();
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    memset(salt, 0x5A, sizeof salt);
    CHECK_OK(cloak_password_record_encode(b->record, salt, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT,
                                          CLOAK_PASSWORD_ITERATIONS_DEFAULT, CLOAK_PASSWORD_PARALLELISM_DEFAULT));
    cloak_identity_public_export(b->identity_pk, k->alice_id_pk);
    cloak_encryption_public_export(b->encryption_pk, k->alice_enc_pk);
    CHECK_OK(cloak_bundle_create(b->bundle, k->alice_id_sk, k->alice_enc_pk));
    CHECK_OK(cloak_identity_wrap(b->wrapped_identity, k->master_key, k->alice_id_sk));
    CHECK_OK(cloak_encryption_wrap(b->wrapped_encryption, k->master_key, k->alice_enc_sk));
    CHECK_OK(cloak_service_account_wrap(b->wrapped_account, k->master_key, k->account_sk));
    CHECK_OK(cloak_secret_seal(fz_vault1(), b->secret, sizeof b->secret, &b->secret_len, (const uint8_t *)NAME, NAME_LEN,
                               (const uint8_t *)CONTEXT, CONTEXT_LEN, (const uint8_t *)VALUE, VALUE_LEN));
    CHECK_OK(cloak_share_seal(b->share, k->vault_key, FZ_EPOCH1, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN,
                              k->bob_enc_pk, k->alice_id_sk));
    make_batch(b->batch, sizeof b->batch, &b->batch_len, b->items, b->item_lens, N_ITEMS, k->alice_id_pk,
               k->alice_id_sk);
    CHECK_OK(cloak_service_account_private_export(b->account_key, k->account_pk, k->account_sk));

    CHECK_OK(cloak_xwing_public_export(b->xw_pk, k->bob_xw_pk));
    CHECK_OK(cloak_bundle_create_xwing(b->xw_bundle, k->bob_id_sk, k->bob_xw_pk));
    CHECK_OK(cloak_xwing_wrap(b->xw_wrapped_encryption, k->master_key, k->alice_xw_sk));
    CHECK_OK(cloak_service_account_xwing_wrap(b->xw_wrapped_account, k->master_key, k->account_xw_sk));
    CHECK_OK(cloak_share_seal_xwing(b->xw_share, k->vault_key, FZ_EPOCH1, (const uint8_t *)FZ_VAULT_ID,
                                    FZ_VAULT_ID_LEN, k->bob_xw_pk, k->alice_id_sk));
    fz_make_batch_suite(CLOAK_SUITE_XWING, b->xw_batch, sizeof b->xw_batch, &b->xw_batch_len, &b->xw_items[0][0],
                        ITEM_CAP, b->xw_item_lens, item_names, item_values, N_ITEMS, k->alice_id_pk, k->alice_id_sk);
    CHECK_OK(cloak_service_account_xwing_private_export(b->xw_account_key, k->account_xw_pk, k->account_xw_sk));
}

/* ------------------------------------------------------------------------------------------------
 * Per harness
 * ---------------------------------------------------------------------------------------------- */
static void envelope(const blobs *b)
{
    const struct {
        const uint8_t *p;
        size_t n;
    } all[] = {
        {b->record, sizeof b->record},
        {b->identity_pk, sizeof b->identity_pk},
        {b->encryption_pk, sizeof b->encryption_pk},
        {b->bundle, sizeof b->bundle},
        {b->wrapped_identity, sizeof b->wrapped_identity},
        {b->wrapped_encryption, sizeof b->wrapped_encryption},
        {b->wrapped_account, sizeof b->wrapped_account},
        {b->secret, b->secret_len},
        {b->share, sizeof b->share},
        {b->batch, b->batch_len},
        {b->items[0], b->item_lens[0]},
        {b->account_key, sizeof b->account_key},
        {b->xw_pk, sizeof b->xw_pk},
        {b->xw_bundle, sizeof b->xw_bundle},
        {b->xw_wrapped_encryption, sizeof b->xw_wrapped_encryption},
        {b->xw_wrapped_account, sizeof b->xw_wrapped_account},
        {b->xw_share, sizeof b->xw_share},
        {b->xw_batch, b->xw_batch_len},
        {b->xw_items[0], b->xw_item_lens[0]},
        {b->xw_account_key, sizeof b->xw_account_key},
    };
    fz_buf out = {NULL, 0, 0};
    size_t i;

    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        const size_t cap = cloak_text_encoded_len(all[i].n);
        char *text = malloc(cap);
        size_t text_len;

        if (text == NULL) {
            fz_fail("malloc", __FILE__, __LINE__);
        }
        CHECK_OK(cloak_text_encode(text, cap, &text_len, all[i].p, all[i].n));
        fz_put_u8(&out, 0x00);
        fz_put(&out, text, text_len);
        emit("fuzz_envelope", &out);
        if (i % 4U == 0U) {
            fz_put_u8(&out, 0x00);
            fz_put(&out, "  ", 2);
            fz_put(&out, text, text_len);
            fz_put(&out, "\n", 1);
            emit("fuzz_envelope", &out);
        }
        fz_put_u8(&out, 0x01);
        fz_put(&out, all[i].p, all[i].n);
        emit("fuzz_envelope", &out);

        /* The same blobs, for the text round trip: op picks the type, so keep the header's. */
        fz_put_u8(&out, (uint8_t)(all[i].p[1] - 1U));
        fz_put_u16(&out, (uint16_t)(i * 7U));
        fz_put(&out, all[i].p + 4, all[i].n - 4U);
        emit("fuzz_rt_text", &out);
        free(text);
    }
    fz_buf_free(&out);
}

static void password_record(const blobs *b)
{
    fz_buf out = {NULL, 0, 0};
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];

    fz_put(&out, b->record, sizeof b->record);
    emit("fuzz_password_record", &out);
    memset(salt, 0, sizeof salt);
    CHECK_OK(cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_ITERATIONS_MIN,
                                          CLOAK_PASSWORD_PARALLELISM_MIN));
    fz_put(&out, record, sizeof record);
    emit("fuzz_password_record", &out);
    memset(salt, 0xFF, sizeof salt);
    CHECK_OK(cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MAX, CLOAK_PASSWORD_ITERATIONS_MAX,
                                          CLOAK_PASSWORD_PARALLELISM_MAX));
    fz_put(&out, record, sizeof record);
    emit("fuzz_password_record", &out);
    fz_buf_free(&out);
}

/* fuzz_account_key: lp8(account id) || text. Valid texts as the encoder writes them and as a
 * person might type them, under short and long ids; another version. */
static void account_key(void)
{
    static const char *const ids[] = {"alice@example.com", "x"};
    fz_buf out = {NULL, 0, 0};
    uint8_t key[CLOAK_ACCOUNT_SECRET_KEYBYTES], long_id[CLOAK_ACCOUNT_IDBYTES_MAX];
    char text[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES], typed[80];
    size_t i, n;

    for (i = 0; i < sizeof key; i++) {
        key[i] = (uint8_t)(0x11U * i + 7U);
    }
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        CHECK_OK(cloak_account_secret_key_encode(text, key, (const uint8_t *)ids[i], strlen(ids[i])));
        fz_put_lp8(&out, ids[i], strlen(ids[i]));
        fz_put(&out, text, strlen(text));
        emit("fuzz_account_key", &out);
        /* Lower case, look-alikes for 1 and 0, whitespace around. */
        n = 0;
        typed[n++] = ' ';
        for (const char *c = text; *c != '\0'; c++) {
            char ch = *c;
            if (c - text >= 4) {
                ch = ch == '1' ? 'l' : ch == '0' ? 'o' : (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
            }
            typed[n++] = ch;
        }
        typed[n++] = '\r';
        typed[n++] = '\n';
        fz_put_lp8(&out, ids[i], strlen(ids[i]));
        fz_put(&out, typed, n);
        emit("fuzz_account_key", &out);
        /* Undashed. */
        n = 0;
        for (const char *c = text; *c != '\0'; c++) {
            if (*c != '-') {
                typed[n++] = *c;
            }
        }
        fz_put_lp8(&out, ids[i], strlen(ids[i]));
        fz_put(&out, typed, n);
        emit("fuzz_account_key", &out);
    }
    memset(long_id, 'i', sizeof long_id);
    CHECK_OK(cloak_account_secret_key_encode(text, key, long_id, sizeof long_id));
    fz_put_lp8(&out, long_id, sizeof long_id);
    fz_put(&out, text, strlen(text));
    emit("fuzz_account_key", &out);
    text[2] = '2';
    fz_put_lp8(&out, long_id, sizeof long_id);
    fz_put(&out, text, strlen(text));
    emit("fuzz_account_key", &out);
    fz_buf_free(&out);
}

/* fuzz_password_policy: six u32 || record. The default policy and the tests' low policy, each with
 * a record it admits and one it refuses. */
static void password_policy(const blobs *b)
{
    fz_buf out = {NULL, 0, 0};
    uint8_t policy[CLOAK_PASSWORD_POLICYBYTES], record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];

    memset(salt, 0x5A, sizeof salt);
    cloak_password_policy_default(policy);
    fz_put(&out, policy, sizeof policy);
    fz_put(&out, b->record, sizeof b->record);
    emit("fuzz_password_policy", &out);
    CHECK_OK(cloak_password_record_encode(record, salt, 1048576U, 1, 4));
    fz_put(&out, policy, sizeof policy);
    fz_put(&out, record, sizeof record);
    emit("fuzz_password_policy", &out);
    CHECK_OK(cloak_password_policy_init(policy, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN,
                                        CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1));
    CHECK_OK(cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1));
    fz_put(&out, policy, sizeof policy);
    fz_put(&out, record, sizeof record);
    emit("fuzz_password_policy", &out);
    fz_put(&out, policy, sizeof policy);
    fz_put(&out, b->record, sizeof b->record);
    emit("fuzz_password_policy", &out);
    fz_buf_free(&out);
}

static void public_keys(const blobs *b)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};
    uint8_t blob[CLOAK_BUNDLEBYTES];

    fz_put_u8(&out, 0);
    fz_put(&out, b->identity_pk, sizeof b->identity_pk);
    emit("fuzz_public_keys", &out);
    fz_put_u8(&out, 1);
    fz_put(&out, b->encryption_pk, sizeof b->encryption_pk);
    emit("fuzz_public_keys", &out);
    fz_put_u8(&out, 2);
    fz_put(&out, b->bundle, sizeof b->bundle);
    emit("fuzz_public_keys", &out);
    CHECK_OK(cloak_bundle_create(blob, k->bob_id_sk, k->bob_enc_pk));
    fz_put_u8(&out, 2);
    fz_put(&out, blob, sizeof blob);
    emit("fuzz_public_keys", &out);
    /* Suite 2 blobs read by the suite 1 readers. */
    fz_put_u8(&out, 1);
    fz_put(&out, b->xw_pk, sizeof b->xw_pk);
    emit("fuzz_public_keys", &out);
    fz_put_u8(&out, 2);
    fz_put(&out, b->xw_bundle, sizeof b->xw_bundle);
    emit("fuzz_public_keys", &out);
    fz_buf_free(&out);
}

static void identity_verify(void)
{
    const fz_keys *k = fz_keys_get();
    static const char *const messages[] = {"", "release v1.2.3 checksum", "a longer message to sign, 0123456789"};
    fz_buf out = {NULL, 0, 0};
    uint8_t sig[CLOAK_SIGNATUREBYTES];
    size_t i;

    for (i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        const uint8_t *msg = (const uint8_t *)messages[i];
        const size_t msg_len = strlen(messages[i]);
        const size_t ctx_len = i == 0 ? 0 : CONTEXT_LEN;

        CHECK_OK(cloak_identity_sign(sig, msg, msg_len, (const uint8_t *)CONTEXT, ctx_len, k->alice_id_sk));
        fz_put_u8(&out, 0);
        fz_put(&out, sig, sizeof sig);
        fz_put_lp8(&out, CONTEXT, ctx_len);
        fz_put(&out, msg, msg_len);
        emit("fuzz_identity_verify", &out);
        fz_put_u8(&out, 2);
        fz_put(&out, sig, sizeof sig);
        fz_put_lp16(&out, CONTEXT, ctx_len);
        fz_put(&out, msg, msg_len);
        emit("fuzz_identity_verify", &out);

        CHECK_OK(cloak_identity_sign(sig, msg, msg_len, (const uint8_t *)CONTEXT, ctx_len, k->bob_id_sk));
        fz_put_u8(&out, 1);
        fz_put(&out, k->bob_id_pk, 32);
        fz_put(&out, sig, sizeof sig);
        fz_put_lp8(&out, CONTEXT, ctx_len);
        fz_put(&out, msg, msg_len);
        emit("fuzz_identity_verify", &out);
    }
    fz_buf_free(&out);
}

static void unwrap(const blobs *b)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};
    uint8_t master[CLOAK_KEYBYTES];
    uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES];

    fz_put_u8(&out, 0);
    fz_put(&out, b->wrapped_identity, sizeof b->wrapped_identity);
    emit("fuzz_unwrap", &out);
    fz_put_u8(&out, 1);
    fz_put(&out, b->wrapped_encryption, sizeof b->wrapped_encryption);
    emit("fuzz_unwrap", &out);
    fz_put_u8(&out, 2);
    fz_put(&out, b->wrapped_account, sizeof b->wrapped_account);
    emit("fuzz_unwrap", &out);
    fz_put_u8(&out, 3);
    fz_put(&out, b->account_key, sizeof b->account_key);
    emit("fuzz_unwrap", &out);

    /* Under a master key given in the input. */
    memset(master, 0x33, sizeof master);
    CHECK_OK(cloak_identity_wrap(wrapped, master, k->bob_id_sk));
    fz_put_u8(&out, 4);
    fz_put(&out, master, sizeof master);
    fz_put(&out, wrapped, sizeof wrapped);
    emit("fuzz_unwrap", &out);
    CHECK_OK(cloak_encryption_wrap(wrapped, master, k->bob_enc_sk));
    fz_put_u8(&out, 5);
    fz_put(&out, master, sizeof master);
    fz_put(&out, wrapped, sizeof wrapped);
    emit("fuzz_unwrap", &out);
    /* Suite 2 blobs read by the suite 1 readers. */
    fz_put_u8(&out, 1);
    fz_put(&out, b->xw_wrapped_encryption, sizeof b->xw_wrapped_encryption);
    emit("fuzz_unwrap", &out);
    fz_put_u8(&out, 3);
    fz_put(&out, b->xw_account_key, sizeof b->xw_account_key);
    emit("fuzz_unwrap", &out);
    fz_buf_free(&out);
}

/* fuzz_xwing_keys: op || [master key] || blob, every suite 2 key blob, and suite 1 ones read by the
 * suite 2 readers. */
static void xwing_keys(const blobs *b)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};
    uint8_t master[CLOAK_KEYBYTES];
    uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES];
    uint8_t bundle[CLOAK_XWING_BUNDLEBYTES];

    fz_put_u8(&out, 0);
    fz_put(&out, b->xw_pk, sizeof b->xw_pk);
    emit("fuzz_xwing_keys", &out);
    fz_put_u8(&out, 1);
    fz_put(&out, b->xw_bundle, sizeof b->xw_bundle);
    emit("fuzz_xwing_keys", &out);
    CHECK_OK(cloak_bundle_create_xwing(bundle, k->alice_id_sk, k->alice_xw_pk));
    fz_put_u8(&out, 1);
    fz_put(&out, bundle, sizeof bundle);
    emit("fuzz_xwing_keys", &out);
    fz_put_u8(&out, 2);
    fz_put(&out, b->xw_wrapped_encryption, sizeof b->xw_wrapped_encryption);
    emit("fuzz_xwing_keys", &out);
    fz_put_u8(&out, 3);
    fz_put(&out, b->xw_wrapped_account, sizeof b->xw_wrapped_account);
    emit("fuzz_xwing_keys", &out);
    fz_put_u8(&out, 4);
    fz_put(&out, b->xw_account_key, sizeof b->xw_account_key);
    emit("fuzz_xwing_keys", &out);

    /* Under a master key given in the input. */
    memset(master, 0x33, sizeof master);
    CHECK_OK(cloak_xwing_wrap(wrapped, master, k->bob_xw_sk));
    fz_put_u8(&out, 8 | 2);
    fz_put(&out, master, sizeof master);
    fz_put(&out, wrapped, sizeof wrapped);
    emit("fuzz_xwing_keys", &out);
    CHECK_OK(cloak_service_account_xwing_wrap(wrapped, master, k->account_xw_sk));
    fz_put_u8(&out, 8 | 3);
    fz_put(&out, master, sizeof master);
    fz_put(&out, wrapped, sizeof wrapped);
    emit("fuzz_xwing_keys", &out);

    /* Keys that break section 1.6 behind a matching key id, written here (the library writes none):
     * a coefficient of q or more (0xFFF) in the ML-KEM part, an X25519 part of small order (u = 0)
     * and one not canonical (u = p); as a public key blob and as a private key blob. */
    {
        uint8_t bad[CLOAK_XWING_PUBLICKEYBYTES], blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
        size_t v;
        for (v = 0; v < 3; v++) {
            memcpy(bad, k->bob_xw_pk, sizeof bad);
            if (v == 0) {
                bad[0] = 0xFF;
                bad[1] |= 0x0F;
            } else if (v == 1) {
                memset(bad + 1184, 0, 32);
            } else {
                memset(bad + 1184, 0xFF, 32);
                bad[1184] = 0xED;
                bad[1215] = 0x7F;
            }
            blob[0] = FZ_FORMAT_VERSION;
            blob[1] = CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY;
            blob[2] = 0x00;
            blob[3] = 0x02;
            fz_public_key_id_n(blob + 4, bad, sizeof bad);
            memcpy(blob + 20, bad, sizeof bad);
            fz_put_u8(&out, 0);
            fz_put(&out, blob, CLOAK_XWING_PUBLIC_KEY_BLOBBYTES);
            emit("fuzz_xwing_keys", &out);
            blob[1] = CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY;
            memcpy(blob + 20, k->bob_xw_sk, 32);
            memcpy(blob + 52, bad, sizeof bad);
            fz_put_u8(&out, 4);
            fz_put(&out, blob, sizeof blob);
            emit("fuzz_xwing_keys", &out);
        }
    }

    /* Suite 1 blobs to the suite 2 readers (UNSUPPORTED_SUITE, after the type). */
    fz_put_u8(&out, 0);
    fz_put(&out, b->encryption_pk, sizeof b->encryption_pk);
    emit("fuzz_xwing_keys", &out);
    fz_put_u8(&out, 1);
    fz_put(&out, b->bundle, sizeof b->bundle);
    emit("fuzz_xwing_keys", &out);
    fz_put_u8(&out, 2);
    fz_put(&out, b->wrapped_encryption, sizeof b->wrapped_encryption);
    emit("fuzz_xwing_keys", &out);
    fz_put_u8(&out, 4);
    fz_put(&out, b->account_key, sizeof b->account_key);
    emit("fuzz_xwing_keys", &out);
    fz_buf_free(&out);
}

/* ------------------------------------------------------------------------------------------------
 * Authentic blobs with a malformed inside, sealed here on libsodium from docs/protocol.md (the
 * library never writes them), so that the checks after decryption are reachable from the seeds.
 * ---------------------------------------------------------------------------------------------- */
static void put_be(uint8_t *p, uint64_t v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        p[i] = (uint8_t)(v >> (8U * (n - 1U - i)));
    }
}

/* A secret of section 7.1 under the fixed vault key (epoch 1) whose plaintext is `pt` (P bytes). */
static size_t hand_secret(uint8_t *out, const uint8_t *pt, size_t p, const char *name, const char *ctx)
{
    const fz_keys *k = fz_keys_get();
    uint8_t key[32], ad[24 + 3 * 256];
    size_t ad_len = 24;

    out[0] = FZ_FORMAT_VERSION;
    out[1] = CLOAK_TYPE_SECRET;
    out[2] = 0x00;
    out[3] = 0x01;
    fz_expand32(key, k->vault_key, "libcloak v2 key id");
    memcpy(out + 4, key, CLOAK_KEYIDBYTES);
    put_be(out + 20, FZ_EPOCH1, 4);
    memset(out + 24, 0x77, 24);
    memcpy(ad, out, 24);
    ad[ad_len++] = (uint8_t)FZ_VAULT_ID_LEN;
    memcpy(ad + ad_len, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    ad_len += FZ_VAULT_ID_LEN;
    ad[ad_len++] = (uint8_t)strlen(name);
    memcpy(ad + ad_len, name, strlen(name));
    ad_len += strlen(name);
    ad[ad_len++] = (uint8_t)strlen(ctx);
    memcpy(ad + ad_len, ctx, strlen(ctx));
    ad_len += strlen(ctx);
    fz_expand32(key, k->vault_key, "libcloak v2 secret key");
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + 48, NULL, pt, p, ad, ad_len, NULL, out + 24, key);
    return 64U + p;
}

static void hand_secrets(void)
{
    fz_buf out = {NULL, 0, 0};
    uint8_t pt[128], sealed[64 + 128];
    size_t len, variant;

    for (variant = 0; variant < 3; variant++) {
        memset(pt, 0, sizeof pt);
        put_be(pt, variant == 0 ? 125U : 10U, 4); /* 0: a length past P - 4 */
        memset(pt + 4, 'v', 10);
        if (variant == 1) {
            pt[100] = 0x01; /* a padding byte that is not zero */
        }
        /* 2: a valid plaintext padded more than pad() asks (128 for 14 bytes) */
        len = hand_secret(sealed, pt, sizeof pt, NAME, CONTEXT);
        fz_put_u8(&out, 0);
        fz_put_lp8(&out, NAME, NAME_LEN);
        fz_put_lp8(&out, CONTEXT, CONTEXT_LEN);
        fz_put(&out, sealed, len);
        emit("fuzz_secret", &out);
    }
    fz_buf_free(&out);
}

/* A batch of section 9.1 by alice whose items carry the given plaintexts (each P_i bytes), sealed
 * with a library HPKE context under section 9.1's info; signed here on libsodium. */
static void hand_batch(const uint8_t *const *pts, const size_t *lens, size_t count)
{
    const fz_keys *k = fz_keys_get();
    static const char label[] = "libcloak v2 batch";
    cloak_hpke_context ctx;
    uint8_t batch_id[16], head_hash[32], key_id[CLOAK_KEYIDBYTES], info[512], msg[1 + 17 + 32 + 512];
    uint8_t items[4][512];
    size_t item_lens[4], info_len = 0, i, msg_len = 0, prefix_len;
    fz_buf blob = {NULL, 0, 0}, manifest = {NULL, 0, 0}, out = {NULL, 0, 0};
    uint8_t field[8], sig[64];

    memset(batch_id, 0x42, sizeof batch_id);
    memset(head_hash, FZ_HEAD_HASH_BYTE, sizeof head_hash);
    fz_public_key_id(key_id, k->account_pk);
    info[info_len++] = (uint8_t)(sizeof label - 1U);
    memcpy(info + info_len, label, sizeof label - 1U);
    info_len += sizeof label - 1U;
    memcpy(info + info_len, k->account_pk, 32);
    info_len += 32;
    memcpy(info + info_len, batch_id, 16);
    info_len += 16;
    info[info_len++] = (uint8_t)FZ_VAULT_ID_LEN;
    memcpy(info + info_len, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    info_len += FZ_VAULT_ID_LEN;
    put_be(info + info_len, FZ_EPOCH1, 4);
    info_len += 4;
    put_be(info + info_len, FZ_HEAD_VERSION, 8);
    info_len += 8;
    memcpy(info + info_len, head_hash, 32);
    info_len += 32;
    put_be(info + info_len, FZ_EXPIRY, 8);
    info_len += 8;
    memcpy(info + info_len, k->alice_id_pk, 32);
    info_len += 32;

    fz_put_u8(&blob, FZ_FORMAT_VERSION);
    fz_put_u8(&blob, CLOAK_TYPE_BATCH);
    fz_put_u16(&blob, 0x0001);
    fz_put(&blob, key_id, sizeof key_id);
    fz_put(&blob, batch_id, 16);
    {
        uint8_t enc[CLOAK_HPKE_ENCBYTES];
        CHECK_OK(cloak_hpke_setup_sender(&ctx, enc, k->account_pk, info, info_len));
        fz_put(&blob, enc, sizeof enc);
    }
    fz_put(&blob, k->alice_id_pk, 32);
    fz_put_lp8(&blob, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    put_be(field, FZ_EPOCH1, 4);
    fz_put(&blob, field, 4);
    put_be(field, FZ_HEAD_VERSION, 8);
    fz_put(&blob, field, 8);
    fz_put(&blob, head_hash, 32);
    put_be(field, FZ_EXPIRY, 8);
    fz_put(&blob, field, 8);
    put_be(field, count, 4);
    fz_put(&blob, field, 4);
    prefix_len = blob.n;

    for (i = 0; i < count; i++) {
        uint8_t digest[32];
        items[i][0] = FZ_FORMAT_VERSION;
        items[i][1] = CLOAK_TYPE_BATCH_ITEM;
        items[i][2] = 0x00;
        items[i][3] = 0x01;
        memcpy(items[i] + 4, key_id, sizeof key_id);
        memcpy(items[i] + 20, batch_id, 16);
        put_be(items[i] + 36, i, 4);
        CHECK_OK(cloak_hpke_seal(&ctx, items[i] + 40, items[i], 40, pts[i], lens[i]));
        item_lens[i] = 56U + lens[i];
        crypto_generichash(digest, sizeof digest, items[i], item_lens[i], NULL, 0);
        fz_put(&manifest, digest, sizeof digest);
    }
    cloak_hpke_context_wipe(&ctx);
    fz_put(&blob, manifest.p, manifest.n);

    msg[msg_len++] = (uint8_t)(sizeof label - 1U);
    memcpy(msg + msg_len, label, sizeof label - 1U);
    msg_len += sizeof label - 1U;
    memcpy(msg + msg_len, k->alice_id_pk, 32);
    msg_len += 32;
    memcpy(msg + msg_len, blob.p, prefix_len);
    msg_len += prefix_len;
    crypto_generichash(msg + msg_len, 32, manifest.p, manifest.n, NULL, 0);
    msg_len += 32;
    crypto_sign_detached(sig, NULL, msg, msg_len, k->alice_id_sk);
    fz_put(&blob, sig, sizeof sig);

    fz_put_u8(&out, 0x00);
    fz_put_lp8(&out, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    fz_put_lp16(&out, blob.p, blob.n);
    for (i = 0; i < count; i++) {
        fz_put_lp16(&out, items[i], item_lens[i]);
    }
    emit("fuzz_batch", &out);
    fz_buf_free(&out);
    fz_buf_free(&blob);
    fz_buf_free(&manifest);
}

static void hand_batches(void)
{
    /* 0: an empty name; 1: a value length past P; 2: a padding byte that is not zero; 3: valid, padded
     * more than pad() asks (128 bytes for a 10-byte plaintext). */
    uint8_t pts[4][128];
    const uint8_t *ptrs[4] = {pts[0], pts[1], pts[2], pts[3]};
    const size_t lens[4] = {64, 64, 64, 128};
    size_t i;

    memset(pts, 0, sizeof pts);
    for (i = 1; i < 4; i++) {
        pts[i][0] = 1;
        pts[i][1] = 'n';
        put_be(pts[i] + 2, i == 1 ? 60U : 4U, 4);
        memcpy(pts[i] + 6, "vvvv", 4);
    }
    pts[2][40] = 0x01;
    hand_batch(ptrs, lens, 4);
}

static void secrets(void)
{
    static const size_t value_lens[] = {0, 1, 31, 60, 61, 200};
    fz_buf out = {NULL, 0, 0};
    uint8_t value[200];
    uint8_t sealed[SECRET_CAP];
    size_t i, sealed_len;
    uint8_t op;

    for (i = 0; i < sizeof value; i++) {
        value[i] = (uint8_t)(i * 37U);
    }
    for (i = 0; i < sizeof value_lens / sizeof value_lens[0]; i++) {
        const size_t ctx_len = i % 2U == 0U ? CONTEXT_LEN : 0U;
        CHECK_OK(cloak_secret_seal(fz_vault1(), sealed, sizeof sealed, &sealed_len, (const uint8_t *)NAME, NAME_LEN,
                                   (const uint8_t *)CONTEXT, ctx_len, value, value_lens[i]));
        for (op = 0; op < 8; op++) {
            if (op % 2U != 0U && i > 1) {
                continue; /* reseals of the short values suffice */
            }
            fz_put_u8(&out, op);
            fz_put_lp8(&out, NAME, NAME_LEN);
            fz_put_lp8(&out, CONTEXT, ctx_len);
            fz_put(&out, sealed, sealed_len);
            emit("fuzz_secret", &out);
        }
        /* The round trip's layout: epoch, key, vault id, name, context, value. */
        fz_put_u8(&out, (uint8_t)(i + 1U));
        fz_put(&out, fz_keys_get()->vault_key, CLOAK_KEYBYTES);
        fz_put_lp8(&out, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
        fz_put_lp8(&out, NAME, NAME_LEN);
        fz_put_lp8(&out, CONTEXT, ctx_len);
        fz_put(&out, value, value_lens[i]);
        emit("fuzz_rt_secret", &out);
    }
    fz_buf_free(&out);
}

static void shares(const blobs *b)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};
    uint8_t share[CLOAK_SHAREBYTES];
    uint8_t op;

    for (op = 0; op < 4; op++) {
        fz_put_u8(&out, op);
        fz_put_lp8(&out, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
        if (op == 3) {
            fz_put(&out, k->alice_id_pk, 32);
        }
        fz_put(&out, b->share, sizeof b->share);
        emit("fuzz_share", &out);
    }
    /* Bob shares with himself: opens when the harness trusts the share's own sender. */
    CHECK_OK(cloak_share_seal(share, k->vault_key2, FZ_EPOCH2, (const uint8_t *)"v", 1, k->bob_enc_pk, k->bob_id_sk));
    fz_put_u8(&out, 2);
    fz_put_lp8(&out, "v", 1);
    fz_put(&out, share, sizeof share);
    emit("fuzz_share", &out);
    /* The same share read by a member that has seen epoch 3 (stale), and by one at epoch 2. */
    fz_put_u8(&out, 2U | (2U << 2));
    fz_put_lp8(&out, "v", 1);
    fz_put(&out, share, sizeof share);
    emit("fuzz_share", &out);
    fz_put_u8(&out, 2U | (1U << 2));
    fz_put_lp8(&out, "v", 1);
    fz_put(&out, share, sizeof share);
    emit("fuzz_share", &out);
    /* A suite 2 share: cloak_share_sender reads it, cloak_share_open refuses it. */
    fz_put_u8(&out, 1);
    fz_put_lp8(&out, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    fz_put(&out, b->xw_share, sizeof b->xw_share);
    emit("fuzz_share", &out);

    fz_put_u8(&out, 0);
    fz_put(&out, k->vault_key, CLOAK_KEYBYTES);
    fz_put_lp8(&out, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    emit("fuzz_rt_share", &out);
    fz_put_u8(&out, 1);
    fz_put(&out, k->vault_key2, CLOAK_KEYBYTES);
    fz_put_lp8(&out, "v", 1);
    fz_put(&out, k->alice_id_sk, 32);
    fz_put(&out, k->bob_enc_sk, 32);
    emit("fuzz_rt_share", &out);
    fz_buf_free(&out);
}

/* fuzz_share_xwing: the suite 2 share in every mode, bob's share to himself under "v" at epoch 2
 * (opens when the harness trusts the share's sender), and a suite 1 share for both readers. */
static void shares_xwing(const blobs *b)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};
    uint8_t share[CLOAK_XWING_SHAREBYTES];
    uint8_t op;

    for (op = 0; op < 4; op++) {
        fz_put_u8(&out, op);
        fz_put_lp8(&out, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
        if (op == 3) {
            fz_put(&out, k->alice_id_pk, 32);
        }
        fz_put(&out, b->xw_share, sizeof b->xw_share);
        emit("fuzz_share_xwing", &out);
    }
    CHECK_OK(cloak_share_seal_xwing(share, k->vault_key2, FZ_EPOCH2, (const uint8_t *)"v", 1, k->bob_xw_pk,
                                    k->bob_id_sk));
    for (op = 0; op < 3; op++) {
        fz_put_u8(&out, (uint8_t)(2U | ((unsigned)op << 2) | 0x40U));
        fz_put_lp8(&out, "v", 1);
        fz_put(&out, share, sizeof share);
        emit("fuzz_share_xwing", &out);
    }
    fz_put_u8(&out, 0x41);
    fz_put_lp8(&out, FZ_VAULT_ID, FZ_VAULT_ID_LEN);
    fz_put(&out, b->share, sizeof b->share);
    emit("fuzz_share_xwing", &out);
    fz_buf_free(&out);
}

/* A batch to the fixed X-Wing account at `epoch` (fz_make_batch_suite's fields otherwise). */
static size_t xwing_batch_at(uint8_t *batch, size_t cap, uint32_t epoch)
{
    const fz_keys *k = fz_keys_get();
    cloak_batch *state = calloc(1, sizeof *state);
    uint8_t head_hash[CLOAK_HEAD_HASHBYTES], no_digest[1] = {0};
    size_t len = 0;

    if (state == NULL) {
        fz_fail("calloc", __FILE__, __LINE__);
    }
    memset(head_hash, FZ_HEAD_HASH_BYTE, sizeof head_hash);
    CHECK_OK(cloak_batch_begin_xwing(state, k->account_xw_pk, k->alice_id_pk, (const uint8_t *)FZ_VAULT_ID,
                                     FZ_VAULT_ID_LEN, epoch, FZ_HEAD_VERSION, head_hash, FZ_EXPIRY));
    CHECK_OK(cloak_batch_finish(state, batch, cap, &len, no_digest, 0, k->alice_id_sk));
    free(state);
    return len;
}

/* fuzz_head_checks: the shares, batches and keys of the two heads' members and accounts, genuine
 * (the roster's current key, the head's epoch), downgraded (bob's X25519 key where the roster names
 * his X-Wing key) or refused by the policy; against the mixed head (op 0 to 2) and the
 * post-quantum-only one (op 4 to 6), and with the other head's bytes or a copied state. */
static void head_checks(const blobs *b)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};
    size_t batch_len, i;
    struct {
        uint8_t op, sel;
        const uint8_t *p;
        size_t n;
    } seeds[24];
    size_t n = 0;
    static uint8_t owned[3][CLOAK_XWING_SHAREBYTES];
    static uint8_t batches[1][1400];

#define SEED(o, s_, p_, n_) (seeds[n].op = (o), seeds[n].sel = (s_), seeds[n].p = (p_), seeds[n].n = (n_), n++)
    /* Shares: to bob's X-Wing key (epoch 1 and 2), to alice's X25519 key, to bob's X25519 key (the
     * downgrade), to alice's X-Wing key at epoch 2. */
    SEED(0, 1, b->xw_share, sizeof b->xw_share);
    CHECK_OK(cloak_share_seal_xwing(owned[0], k->vault_key2, FZ_EPOCH2, (const uint8_t *)FZ_VAULT_ID,
                                    FZ_VAULT_ID_LEN, k->bob_xw_pk, k->alice_id_sk));
    SEED(4, 1, owned[0], CLOAK_XWING_SHAREBYTES);
    CHECK_OK(cloak_share_seal(owned[1], k->vault_key, FZ_EPOCH1, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN,
                              k->alice_enc_pk, k->alice_id_sk));
    SEED(0, 0, owned[1], CLOAK_SHAREBYTES);
    SEED(4, 0, owned[1], CLOAK_SHAREBYTES);
    SEED(0, 1, b->share, sizeof b->share);
    CHECK_OK(cloak_share_seal_xwing(owned[2], k->vault_key2, FZ_EPOCH2, (const uint8_t *)FZ_VAULT_ID,
                                    FZ_VAULT_ID_LEN, k->alice_xw_pk, k->alice_id_sk));
    SEED(4, 0, owned[2], CLOAK_XWING_SHAREBYTES);
    SEED(8, 1, b->xw_share, sizeof b->xw_share);
    SEED(0x10, 1, b->xw_share, sizeof b->xw_share);
    /* Batches: to the X25519 account (epoch 1), to the X-Wing account (epoch 1 and 2). */
    SEED(1, 0, b->batch, b->batch_len);
    SEED(5, 0, b->batch, b->batch_len);
    SEED(1, 0, b->xw_batch, b->xw_batch_len);
    batch_len = xwing_batch_at(batches[0], sizeof batches[0], FZ_EPOCH2);
    SEED(5, 0, batches[0], batch_len);
    SEED(1 | 8, 0, b->xw_batch, b->xw_batch_len);
    /* Keys: each member's current key, bob's older X25519 key, the accounts' keys. */
    SEED(2, 0, k->alice_enc_pk, 32);
    SEED(2, 1, k->bob_xw_pk, CLOAK_XWING_PUBLICKEYBYTES);
    SEED(2, 1, k->bob_enc_pk, 32);
    SEED(2, 3, k->account_pk, 32);
    SEED(2, 3, k->account_xw_pk, CLOAK_XWING_PUBLICKEYBYTES);
    SEED(6, 0, k->alice_xw_pk, CLOAK_XWING_PUBLICKEYBYTES);
    SEED(6, 0, k->alice_enc_pk, 32);
    SEED(6, 3, k->account_xw_pk, CLOAK_XWING_PUBLICKEYBYTES);
    SEED(6 | 0x10, 1, k->bob_xw_pk, CLOAK_XWING_PUBLICKEYBYTES);
#undef SEED
    for (i = 0; i < n; i++) {
        fz_put_u8(&out, seeds[i].op);
        if ((seeds[i].op & 3U) % 3U != 1U) {
            fz_put_u8(&out, seeds[i].sel);
        }
        fz_put(&out, seeds[i].p, seeds[i].n);
        emit("fuzz_head_checks", &out);
    }
    fz_buf_free(&out);
}

static void batch_input(fz_buf *out, uint8_t op, const char *vault_id, const uint8_t *batch, size_t batch_len,
                        const uint8_t items[][ITEM_CAP], const size_t *item_lens, size_t count)
{
    size_t i;

    fz_put_u8(out, op);
    fz_put_lp8(out, vault_id, strlen(vault_id));
    fz_put_lp16(out, batch, batch_len);
    for (i = 0; i < count; i++) {
        fz_put_lp16(out, items[i], item_lens[i]);
    }
}

static void batches(const blobs *b)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};
    uint8_t bob_batch[sizeof b->batch];
    uint8_t bob_items[N_ITEMS][ITEM_CAP];
    size_t bob_batch_len, bob_item_lens[N_ITEMS];
    uint8_t empty_batch[sizeof b->batch];
    size_t empty_len;
    /* Plain; small value and name buffers; the batch's own minimums; stale; expired; unchecked. */
    static const uint8_t ops[] = {0x00, 0x04, 0x08, 0x10, 0x20, 0x30, 0x40};
    size_t i;

    for (i = 0; i < sizeof ops; i++) {
        batch_input(&out, ops[i], FZ_VAULT_ID, b->batch, b->batch_len, (const uint8_t(*)[ITEM_CAP])b->items,
                    b->item_lens, N_ITEMS);
        emit("fuzz_batch", &out);
    }
    /* Another vault id expected; items repeated (the second is refused). */
    batch_input(&out, 0x00, "another vault", b->batch, b->batch_len, (const uint8_t(*)[ITEM_CAP])b->items,
                b->item_lens, N_ITEMS);
    emit("fuzz_batch", &out);
    batch_input(&out, 0x00, FZ_VAULT_ID, b->batch, b->batch_len, (const uint8_t(*)[ITEM_CAP])b->items, b->item_lens,
                1);
    fz_put_lp16(&out, b->items[0], b->item_lens[0]);
    emit("fuzz_batch", &out);
    /* Signed by bob; read trusting the creator the blob names. */
    make_batch(bob_batch, sizeof bob_batch, &bob_batch_len, bob_items, bob_item_lens, 2, k->bob_id_pk, k->bob_id_sk);
    batch_input(&out, 0x01, FZ_VAULT_ID, bob_batch, bob_batch_len, (const uint8_t(*)[ITEM_CAP])bob_items,
                bob_item_lens, 2);
    emit("fuzz_batch", &out);
    /* No items at all. */
    make_batch(empty_batch, sizeof empty_batch, &empty_len, bob_items, bob_item_lens, 0, k->alice_id_pk,
               k->alice_id_sk);
    batch_input(&out, 0x00, FZ_VAULT_ID, empty_batch, empty_len, (const uint8_t(*)[ITEM_CAP])b->items, b->item_lens,
                1);
    emit("fuzz_batch", &out);

    /* The X-Wing account's batch (op bit 7), in every freshness mode; an X25519 batch to that reader
     * and the X-Wing batch to the X25519 one (UNSUPPORTED_SUITE); the X-Wing batch's items given to
     * the X25519 batch's reader are covered by fuzz_batch_item. */
    for (i = 0; i < sizeof ops; i++) {
        batch_input(&out, (uint8_t)(0x80U | ops[i]), FZ_VAULT_ID, b->xw_batch, b->xw_batch_len,
                    (const uint8_t(*)[ITEM_CAP])b->xw_items, b->xw_item_lens, N_ITEMS);
        emit("fuzz_batch", &out);
    }
    batch_input(&out, 0x80, FZ_VAULT_ID, b->batch, b->batch_len, (const uint8_t(*)[ITEM_CAP])b->items, b->item_lens,
                N_ITEMS);
    emit("fuzz_batch", &out);
    batch_input(&out, 0x00, FZ_VAULT_ID, b->xw_batch, b->xw_batch_len, (const uint8_t(*)[ITEM_CAP])b->xw_items,
                b->xw_item_lens, N_ITEMS);
    emit("fuzz_batch", &out);

    /* The item harness makes its batches from a restarted random stream with these names and values
     * (suite 1, then suite 2); made the same way here, their items are the seeds (the first one
     * repeated, to reach the used-up tag), and each batch's items are given to the other's reader. */
    {
        static const uint8_t item_ops[] = {0x00, 0x01, 0x02, 0x04};
        static uint8_t own[2][1309U + sizeof(FZ_VAULT_ID) - 1U + 32U * N_ITEMS];
        static uint8_t own_items[2][N_ITEMS][ITEM_CAP];
        size_t own_len[2], own_item_lens[2][N_ITEMS], s;

        for (s = 0; s < 2; s++) {
            fz_rng_reset();
            fz_make_batch_suite(s == 0 ? CLOAK_SUITE_X25519 : CLOAK_SUITE_XWING, own[s], sizeof own[s], &own_len[s],
                                &own_items[s][0][0], ITEM_CAP, own_item_lens[s], item_names, item_values, N_ITEMS,
                                k->alice_id_pk, k->alice_id_sk);
        }
        for (s = 0; s < 2; s++) {
            for (i = 0; i < sizeof item_ops; i++) {
                size_t j;
                fz_put_u8(&out, (uint8_t)(item_ops[i] | (s == 1 ? 0x08U : 0U)));
                for (j = 0; j < N_ITEMS; j++) {
                    fz_put_lp16(&out, own_items[s][j], own_item_lens[s][j]);
                }
                fz_put_lp16(&out, own_items[s][0], own_item_lens[s][0]);
                emit("fuzz_batch_item", &out);
            }
            fz_put_u8(&out, s == 1 ? 0x00U : 0x08U);
            fz_put_lp16(&out, own_items[s][0], own_item_lens[s][0]);
            emit("fuzz_batch_item", &out);
        }
    }

    /* The round trip's layout: op, vault id, count, then name and value per item. */
    for (i = 0; i < 4; i++) {
        size_t j;
        fz_put_u8(&out, (uint8_t)(i * 0x35U));
        fz_put_lp8(&out, FZ_VAULT_ID, i == 2 ? 1U : FZ_VAULT_ID_LEN);
        fz_put_u8(&out, (uint8_t)(i + 1U));
        for (j = 0; j <= i && j < N_ITEMS; j++) {
            fz_put_lp8(&out, item_names[j], strlen(item_names[j]));
            fz_put_lp16(&out, item_values[j], strlen(item_values[j]));
        }
        emit("fuzz_rt_batch", &out);
    }
    fz_buf_free(&out);
}

static void hpke(void)
{
    const fz_keys *k = fz_keys_get();
    static const char info[] = "fuzz hpke info";
    static const char *const aads[] = {"", "aad one", "aad two"};
    static const char *const pts[] = {"first message", "", "third message, a little longer"};
    fz_buf out = {NULL, 0, 0};
    cloak_hpke_context ctx;
    uint8_t enc[CLOAK_HPKE_ENCBYTES];
    uint8_t ct[64];
    size_t i;

    for (i = 0; i < 3; i++) {
        const size_t pt_len = strlen(pts[i]);
        CHECK_OK(cloak_hpke_seal_base(enc, ct, k->bob_enc_pk, (const uint8_t *)info, sizeof info - 1U,
                                      (const uint8_t *)aads[i], strlen(aads[i]), (const uint8_t *)pts[i], pt_len));
        fz_put_u8(&out, 0);
        fz_put(&out, enc, sizeof enc);
        fz_put_lp16(&out, info, sizeof info - 1U);
        fz_put_lp16(&out, aads[i], strlen(aads[i]));
        fz_put(&out, ct, pt_len + CLOAK_HPKE_TAGBYTES);
        emit("fuzz_hpke", &out);
    }

    CHECK_OK(cloak_hpke_setup_sender(&ctx, enc, k->bob_enc_pk, (const uint8_t *)info, sizeof info - 1U));
    fz_put_u8(&out, 1);
    fz_put(&out, enc, sizeof enc);
    fz_put_lp16(&out, info, sizeof info - 1U);
    for (i = 0; i < 3; i++) {
        const size_t pt_len = strlen(pts[i]);
        CHECK_OK(cloak_hpke_seal(&ctx, ct, (const uint8_t *)aads[i], strlen(aads[i]), (const uint8_t *)pts[i],
                                 pt_len));
        fz_put_lp16(&out, aads[i], strlen(aads[i]));
        fz_put_lp16(&out, ct, pt_len + CLOAK_HPKE_TAGBYTES);
    }
    emit("fuzz_hpke", &out);
    cloak_hpke_context_wipe(&ctx);

    fz_put_u8(&out, 2);
    fz_put(&out, enc, sizeof enc);
    fz_put_lp16(&out, info, sizeof info - 1U);
    fz_put_lp8(&out, "exporter", 8);
    fz_put_u16(&out, 32);
    emit("fuzz_hpke", &out);

    /* X-Wing (op bit 7): single shot, a context, an export; and to a recipient naming another key. */
    {
        uint8_t xenc[CLOAK_XWING_ENCBYTES];
        for (i = 0; i < 3; i++) {
            const size_t pt_len = strlen(pts[i]);
            CHECK_OK(cloak_hpke_seal_base_xwing(xenc, ct, k->bob_xw_pk, (const uint8_t *)info, sizeof info - 1U,
                                                (const uint8_t *)aads[i], strlen(aads[i]), (const uint8_t *)pts[i],
                                                pt_len));
            fz_put_u8(&out, (uint8_t)(i == 2 ? 0xC0U : 0x80U));
            fz_put(&out, xenc, sizeof xenc);
            fz_put_lp16(&out, info, sizeof info - 1U);
            fz_put_lp16(&out, aads[i], strlen(aads[i]));
            fz_put(&out, ct, pt_len + CLOAK_HPKE_TAGBYTES);
            emit("fuzz_hpke", &out);
        }
        CHECK_OK(cloak_hpke_setup_sender_xwing(&ctx, xenc, k->bob_xw_pk, (const uint8_t *)info, sizeof info - 1U));
        fz_put_u8(&out, 0x81);
        fz_put(&out, xenc, sizeof xenc);
        fz_put_lp16(&out, info, sizeof info - 1U);
        for (i = 0; i < 3; i++) {
            const size_t pt_len = strlen(pts[i]);
            CHECK_OK(cloak_hpke_seal(&ctx, ct, (const uint8_t *)aads[i], strlen(aads[i]), (const uint8_t *)pts[i],
                                     pt_len));
            fz_put_lp16(&out, aads[i], strlen(aads[i]));
            fz_put_lp16(&out, ct, pt_len + CLOAK_HPKE_TAGBYTES);
        }
        emit("fuzz_hpke", &out);
        cloak_hpke_context_wipe(&ctx);
        fz_put_u8(&out, 0x82);
        fz_put(&out, xenc, sizeof xenc);
        fz_put_lp16(&out, info, sizeof info - 1U);
        fz_put_lp8(&out, "exporter", 8);
        fz_put_u16(&out, 32);
        emit("fuzz_hpke", &out);
    }

    for (i = 0; i < 3; i++) {
        fz_put_u8(&out, (uint8_t)i);
        fz_put(&out, k->bob_enc_sk, 32); /* any 32 bytes: a DeriveKeyPair seed */
        fz_put_lp16(&out, info, i == 0 ? 0U : sizeof info - 1U);
        fz_put_lp16(&out, aads[i], strlen(aads[i]));
        fz_put(&out, pts[2], strlen(pts[2]));
        emit("fuzz_rt_hpke", &out);
    }
    fz_buf_free(&out);
}

static void wraps(void)
{
    const fz_keys *k = fz_keys_get();
    fz_buf out = {NULL, 0, 0};

    fz_put_u8(&out, 0);
    fz_put(&out, k->master_key, 32);
    fz_put(&out, k->alice_id_sk, 32);
    fz_put(&out, k->alice_enc_sk, 32);
    emit("fuzz_rt_wrap", &out);
    fz_put_u8(&out, 100);
    fz_put(&out, k->vault_key, 32);
    fz_put(&out, k->bob_id_sk, 32);
    fz_put(&out, k->account_sk, 32);
    emit("fuzz_rt_wrap", &out);
    fz_buf_free(&out);
}

int main(int argc, char **argv)
{
    blobs *b;

    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    outdir = argv[1];
    make_dir(outdir);
    fz_init();
    b = calloc(1, sizeof *b);
    if (b == NULL) {
        fz_fail("calloc", __FILE__, __LINE__);
    }
    make_blobs(b);
    envelope(b);
    password_record(b);
    account_key();
    password_policy(b);
    public_keys(b);
    identity_verify();
    unwrap(b);
    xwing_keys(b);
    secrets();
    shares(b);
    shares_xwing(b);
    head_checks(b);
    batches(b);
    hand_secrets();
    hand_batches();
    hpke();
    wraps();
    free(b);
    return 0;
}
