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
#define ITEM_CAP 128U

typedef struct blobs {
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t identity_pk[CLOAK_PUBLIC_KEY_BLOBBYTES];
    uint8_t encryption_pk[CLOAK_PUBLIC_KEY_BLOBBYTES];
    uint8_t bundle[CLOAK_BUNDLEBYTES];
    uint8_t wrapped_identity[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_encryption[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_account[CLOAK_WRAPPED_KEYBYTES];
    uint8_t secret[CLOAK_SECRET_OVERHEADBYTES + VALUE_LEN];
    uint8_t share[CLOAK_SHAREBYTES];
    uint8_t batch[169U + sizeof(FZ_VAULT_ID) - 1U + 32U * N_ITEMS];
    size_t batch_len;
    uint8_t items[N_ITEMS][ITEM_CAP];
    size_t item_lens[N_ITEMS];
    uint8_t account_key[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
} blobs;

static const char *const item_names[N_ITEMS] = {"DATABASE_URL", "API_TOKEN", "x"};
static const char *const item_values[N_ITEMS] = {"postgres://db.internal/app", "tok_0123456789abcdef", ""};

/* A batch of `count` items from item_names/item_values, signed by `creator_sk`. */
static void make_batch(uint8_t *batch, size_t batch_cap, size_t *batch_len, uint8_t items[][ITEM_CAP],
                       size_t *item_lens, size_t count, const uint8_t *creator_sk)
{
    const fz_keys *k = fz_keys_get();
    cloak_batch state;
    uint8_t digests[N_ITEMS * CLOAK_BATCH_DIGESTBYTES];
    size_t i;

    CHECK_OK(cloak_batch_begin(&state, k->account_pk, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN));
    for (i = 0; i < count; i++) {
        CHECK_OK(cloak_batch_seal_item(&state, items[i], sizeof items[i], &item_lens[i],
                                       digests + i * CLOAK_BATCH_DIGESTBYTES, (const uint8_t *)item_names[i],
                                       strlen(item_names[i]), (const uint8_t *)item_values[i],
                                       strlen(item_values[i])));
    }
    CHECK_OK(cloak_batch_finish(&state, batch, batch_cap, batch_len, digests, count, creator_sk));
}

static void make_blobs(blobs *b)
{
    const fz_keys *k = fz_keys_get();
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    size_t len;

    memset(salt, 0x5A, sizeof salt);
    CHECK_OK(cloak_password_record_encode(b->record, salt, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT,
                                          CLOAK_PASSWORD_ITERATIONS_DEFAULT, CLOAK_PASSWORD_PARALLELISM_DEFAULT));
    cloak_identity_public_export(b->identity_pk, k->alice_id_pk);
    cloak_encryption_public_export(b->encryption_pk, k->alice_enc_pk);
    CHECK_OK(cloak_bundle_create(b->bundle, k->alice_id_sk, k->alice_enc_pk));
    CHECK_OK(cloak_identity_wrap(b->wrapped_identity, k->master_key, k->alice_id_sk));
    CHECK_OK(cloak_encryption_wrap(b->wrapped_encryption, k->master_key, k->alice_enc_sk));
    CHECK_OK(cloak_service_account_wrap(b->wrapped_account, k->master_key, k->account_sk));
    CHECK_OK(cloak_secret_seal(fz_vault1(), b->secret, sizeof b->secret, &len, (const uint8_t *)NAME, NAME_LEN,
                               (const uint8_t *)CONTEXT, CONTEXT_LEN, (const uint8_t *)VALUE, VALUE_LEN));
    CHECK_OK(cloak_share_seal(b->share, k->vault_key, (const uint8_t *)FZ_VAULT_ID, FZ_VAULT_ID_LEN, k->bob_enc_pk,
                              k->alice_id_sk));
    make_batch(b->batch, sizeof b->batch, &b->batch_len, b->items, b->item_lens, N_ITEMS, k->alice_id_sk);
    CHECK_OK(cloak_service_account_private_export(b->account_key, k->account_pk, k->account_sk));
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
        {b->secret, sizeof b->secret},
        {b->share, sizeof b->share},
        {b->batch, b->batch_len},
        {b->items[0], b->item_lens[0]},
        {b->account_key, sizeof b->account_key},
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
    fz_buf_free(&out);
}

static void secrets(void)
{
    static const size_t value_lens[] = {0, 1, 31, 200};
    fz_buf out = {NULL, 0, 0};
    uint8_t value[200];
    uint8_t sealed[CLOAK_SECRET_OVERHEADBYTES + 200];
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
        /* The round trip's layout: op, key, vault id, name, context, value. */
        fz_put_u8(&out, (uint8_t)i);
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
    CHECK_OK(cloak_share_seal(share, k->vault_key2, (const uint8_t *)"v", 1, k->bob_enc_pk, k->bob_id_sk));
    fz_put_u8(&out, 2);
    fz_put_lp8(&out, "v", 1);
    fz_put(&out, share, sizeof share);
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

static void batch_input(fz_buf *out, uint8_t op, const uint8_t *batch, size_t batch_len, const char *expected,
                        const uint8_t items[][ITEM_CAP], const size_t *item_lens, size_t count)
{
    size_t i;

    fz_put_u8(out, op);
    fz_put_lp16(out, batch, batch_len);
    fz_put_lp8(out, expected, expected != NULL ? strlen(expected) : 0U);
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
    static const uint8_t ops[] = {0x00, 0x02, 0x04, 0x08, 0x10};
    size_t i;

    for (i = 0; i < sizeof ops; i++) {
        batch_input(&out, ops[i], b->batch, b->batch_len, ops[i] == 0x10 ? item_names[1] : NULL, b->items,
                    b->item_lens, N_ITEMS);
        emit("fuzz_batch", &out);
    }
    /* Signed by bob; read trusting the creator the blob names. */
    make_batch(bob_batch, sizeof bob_batch, &bob_batch_len, bob_items, bob_item_lens, 2, k->bob_id_sk);
    batch_input(&out, 0x01, bob_batch, bob_batch_len, NULL, (const uint8_t(*)[ITEM_CAP])bob_items, bob_item_lens,
                2);
    emit("fuzz_batch", &out);
    /* No items at all. */
    make_batch(empty_batch, sizeof empty_batch, &empty_len, bob_items, bob_item_lens, 0, k->alice_id_sk);
    batch_input(&out, 0x00, empty_batch, empty_len, NULL, b->items, b->item_lens, 1);
    emit("fuzz_batch", &out);

    /* The round trip's layout: op, vault id, count, then name and value per item. */
    for (i = 0; i < 3; i++) {
        size_t j;
        fz_put_u8(&out, (uint8_t)(i * 0x35U));
        fz_put_lp8(&out, FZ_VAULT_ID, i == 2 ? 1U : FZ_VAULT_ID_LEN);
        fz_put_u8(&out, (uint8_t)(i + 1U));
        for (j = 0; j <= i; j++) {
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
    public_keys(b);
    identity_verify();
    unwrap(b);
    secrets();
    shares(b);
    batches(b);
    hpke();
    wraps();
    free(b);
    return 0;
}
