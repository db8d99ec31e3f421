/*
 * The whole libcloak story, played by one program: Alice registers, creates a vault and adds secrets;
 * Bob registers later; Alice checks his identity and shares the vault; Bob reads; Alice creates a
 * service account and re-encrypts the vault for it; the CLI side reads its secrets; Alice adds one
 * more; Alice removes Bob and rotates the vault key.
 *
 * The "server" is an in-memory store (store.c) that holds only what a server would hold. Every byte
 * string a client must keep to itself (passwords, master keys, private keys, vault keys, secret
 * values) is registered with the store as forbidden, and every write is searched for all of them:
 * the program stops loudly if one ever reaches the store.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, fchmod */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cloak.h"
#include "store.h"

#define VAULT_ID "vault:acme-production"
#define NAMES_ENTRY "__names__"

struct member {
    const char *name;
    const char *password;
    uint8_t master_key[CLOAK_KEYBYTES];
    uint8_t identity_pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t identity_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t encryption_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    uint8_t encryption_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
};

struct secret_input {
    const char *name;
    const char *value;
};

static const struct secret_input initial_secrets[] = {
    {"DATABASE_URL", "postgres://app:correct-horse-battery@db.internal:5432/app"},
    {"API_TOKEN", "tok_live_4f9c2a7e1b8d6f3a0c5e"},
    {"SIGNING_SALT", "b5d0e8c1f2a34967"},
};
static const struct secret_input later_secret = {"SMTP_PASSWORD", "mail-relay-p4ssw0rd-2026"};

/* Stops the program on any libcloak failure: the walkthrough has no expected failure except where it
 * says so with expect_status(). */
static void check(int status, const char *what)
{
    if (status != CLOAK_OK) {
        fprintf(stderr, "FAILED: %s: %s (%d)\n", what, cloak_status_string(status), status);
        exit(1);
    }
}

static void expect_status(int status, const char *what, int expected)
{
    if (status != expected) {
        fprintf(stderr, "FAILED: %s: expected %s, got %s\n", what, cloak_status_string(expected),
                cloak_status_string(status));
        exit(1);
    }
    printf("    %-58s refused: %s\n", what, cloak_status_string(status));
}

static void step(const char *title)
{
    printf("\n== %s\n", title);
}

static const uint8_t *bytes(const char *s)
{
    return (const uint8_t *)s;
}

/* ---- registration and login --------------------------------------------------------------------- */

static void register_member(struct store *server, struct member *m)
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t login_key[CLOAK_KEYBYTES];
    uint8_t bundle[CLOAK_BUNDLEBYTES];
    uint8_t wrapped_identity[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_encryption[CLOAK_WRAPPED_KEYBYTES];
    char fingerprint[CLOAK_FINGERPRINT_TEXTBYTES];

    store_forbid(server, bytes(m->password), strlen(m->password), "password");
    check(cloak_password_record_new(record, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT,
                                    CLOAK_PASSWORD_ITERATIONS_DEFAULT, CLOAK_PASSWORD_PARALLELISM_DEFAULT),
          "password record");
    check(cloak_password_derive(m->master_key, login_key, bytes(m->password), strlen(m->password), record,
                                sizeof record),
          "password derivation");
    cloak_identity_keypair(m->identity_pk, m->identity_sk);
    cloak_encryption_keypair(m->encryption_pk, m->encryption_sk);
    store_forbid(server, m->master_key, sizeof m->master_key, "master key");
    store_forbid(server, m->identity_sk, CLOAK_IDENTITY_SEEDBYTES, "identity private key");
    store_forbid(server, m->encryption_sk, sizeof m->encryption_sk, "encryption private key");

    check(cloak_bundle_create(bundle, m->identity_sk, m->encryption_pk), "bundle");
    check(cloak_identity_wrap(wrapped_identity, m->master_key, m->identity_sk), "wrap identity key");
    check(cloak_encryption_wrap(wrapped_encryption, m->master_key, m->encryption_sk), "wrap encryption key");

    store_put(server, "user", m->name, "password record", record, sizeof record);
    /* A real server keeps a slow hash of the login key; what it receives is the login key. */
    store_put(server, "user", m->name, "login key", login_key, sizeof login_key);
    store_put(server, "user", m->name, "bundle", bundle, sizeof bundle);
    store_put(server, "user", m->name, "wrapped identity key", wrapped_identity, sizeof wrapped_identity);
    store_put(server, "user", m->name, "wrapped encryption key", wrapped_encryption, sizeof wrapped_encryption);
    cloak_identity_fingerprint(fingerprint, m->identity_pk);
    printf("    %s's identity fingerprint: %s\n", m->name, fingerprint);
}

/* A member on a new device: only the password, everything else from the server. */
static void log_in(const struct store *server, struct member *m)
{
    uint8_t login_key[CLOAK_KEYBYTES];
    const struct entry *record = store_get(server, "user", m->name, "password record");
    const struct entry *expected_login = store_get(server, "user", m->name, "login key");
    const struct entry *wrapped_identity = store_get(server, "user", m->name, "wrapped identity key");
    const struct entry *wrapped_encryption = store_get(server, "user", m->name, "wrapped encryption key");

    memset(m->master_key, 0, sizeof m->master_key);
    check(cloak_password_derive(m->master_key, login_key, bytes(m->password), strlen(m->password),
                                record->data, record->len),
          "password derivation at login");
    if (expected_login->len != sizeof login_key || memcmp(login_key, expected_login->data, sizeof login_key) != 0) {
        fprintf(stderr, "FAILED: the server would not accept %s's login key\n", m->name);
        exit(1);
    }
    check(cloak_identity_unwrap(m->identity_pk, m->identity_sk, m->master_key, wrapped_identity->data,
                                wrapped_identity->len),
          "unwrap identity key");
    check(cloak_encryption_unwrap(m->encryption_pk, m->encryption_sk, m->master_key, wrapped_encryption->data,
                                  wrapped_encryption->len),
          "unwrap encryption key");
    printf("    %s logged in: keys unwrapped from the server's copies\n", m->name);
}

/* ---- vault ------------------------------------------------------------------------------------- */

static void open_vault(const struct store *server, const struct member *reader, const uint8_t trusted_sharer[32],
                       cloak_vault *vault, uint8_t vault_key[CLOAK_KEYBYTES])
{
    const struct entry *share = store_get(server, "share", reader->name, VAULT_ID);
    check(cloak_share_open(vault_key, share->data, share->len, bytes(VAULT_ID), strlen(VAULT_ID),
                           reader->encryption_pk, reader->encryption_sk, trusted_sharer),
          "open the vault-key share");
    check(cloak_vault_init(vault, vault_key, bytes(VAULT_ID), strlen(VAULT_ID)), "vault init");
}

static void index_hex(char out[2 * CLOAK_BLIND_INDEXBYTES + 1], const cloak_vault *vault, const char *name)
{
    uint8_t index[CLOAK_BLIND_INDEXBYTES];
    size_t i;
    check(cloak_vault_blind_index(vault, index, bytes(name), strlen(name)), "blind index");
    for (i = 0; i < sizeof index; i++) {
        sprintf(out + 2 * i, "%02x", index[i]);
    }
}

static void put_secret(struct store *server, const cloak_vault *vault, const char *name, const char *value)
{
    char index[2 * CLOAK_BLIND_INDEXBYTES + 1];
    size_t sealed_len;
    size_t cap = cloak_secret_sealed_len(strlen(value));
    uint8_t *sealed = malloc(cap);
    if (sealed == NULL) {
        abort();
    }
    store_forbid(server, bytes(value), strlen(value), "secret value");
    check(cloak_secret_seal(vault, sealed, cap, &sealed_len, bytes(name), strlen(name), NULL, 0, bytes(value),
                            strlen(value)),
          "seal a secret");
    index_hex(index, vault, name);
    store_put(server, "secret", VAULT_ID, index, sealed, sealed_len);
    free(sealed);
}

/* Reads a secret by name; returns a malloc'd NUL-terminated value. */
static char *get_secret(const struct store *server, const cloak_vault *vault, const char *name)
{
    char index[2 * CLOAK_BLIND_INDEXBYTES + 1];
    const struct entry *e;
    size_t len;
    char *value;
    index_hex(index, vault, name);
    e = store_get(server, "secret", VAULT_ID, index);
    value = malloc(e->len + 1);
    if (value == NULL) {
        abort();
    }
    check(cloak_secret_open(vault, (uint8_t *)value, e->len, &len, bytes(name), strlen(name), NULL, 0, e->data,
                            e->len),
          "open a secret");
    value[len] = '\0';
    return value;
}

/* The list of names is itself a secret, so the server sees only blind indexes. */
static void put_names(struct store *server, const cloak_vault *vault, const char *const *names, size_t n)
{
    char list[512] = "";
    char index[2 * CLOAK_BLIND_INDEXBYTES + 1];
    size_t i;
    for (i = 0; i < n; i++) {
        strcat(list, names[i]);
        strcat(list, "\n");
    }
    index_hex(index, vault, NAMES_ENTRY);
    store_delete(server, "secret", VAULT_ID, index);
    put_secret(server, vault, NAMES_ENTRY, list);
}

static void share_vault(struct store *server, const struct member *sharer, const struct member *recipient,
                        const uint8_t vault_key[CLOAK_KEYBYTES])
{
    uint8_t share[CLOAK_SHAREBYTES];
    check(cloak_share_seal(share, vault_key, bytes(VAULT_ID), strlen(VAULT_ID), recipient->encryption_pk,
                           sharer->identity_sk),
          "share the vault key");
    store_put(server, "share", recipient->name, VAULT_ID, share, sizeof share);
}

/* ---- service accounts -------------------------------------------------------------------------- */

/* Re-encrypts the named secrets for a service account into one signed batch; the server stores the
 * batch and each item under its own key. */
static void issue_batch(struct store *server, const char *batch_name, const struct member *creator,
                        const cloak_vault *vault, const uint8_t account_pk[32], const char *const *names, size_t n)
{
    cloak_batch writer;
    uint8_t digests[16 * CLOAK_BATCH_DIGESTBYTES];
    size_t i, blob_len;
    uint8_t *blob;
    char key[64];

    check(cloak_batch_begin(&writer, account_pk, bytes(VAULT_ID), strlen(VAULT_ID)), "batch begin");
    for (i = 0; i < n; i++) {
        char *value = get_secret(server, vault, names[i]);
        size_t cap = cloak_batch_item_len(strlen(names[i]), strlen(value));
        size_t item_len;
        uint8_t *item = malloc(cap);
        if (item == NULL) {
            abort();
        }
        check(cloak_batch_seal_item(&writer, item, cap, &item_len, digests + i * CLOAK_BATCH_DIGESTBYTES,
                                    bytes(names[i]), strlen(names[i]), bytes(value), strlen(value)),
              "seal a batch item");
        snprintf(key, sizeof key, "%s/%zu", batch_name, i);
        store_put(server, "batch item", "ci-deploy", key, item, item_len);
        memset(value, 0, strlen(value));
        free(value);
        free(item);
    }
    blob_len = cloak_batch_len(strlen(VAULT_ID), n);
    blob = malloc(blob_len);
    if (blob == NULL) {
        abort();
    }
    check(cloak_batch_finish(&writer, blob, blob_len, &blob_len, digests, n, creator->identity_sk), "batch finish");
    store_put(server, "batch", "ci-deploy", batch_name, blob, blob_len);
    free(blob);
}

/* The CLI side: it holds the account's private key (from a CI variable, as text) and the identities it
 * trusts; it reads one batch and all its items from the server. Returns the number of items read. */
static size_t read_batch_as_account(const struct store *server, const char *batch_name, const char *account_key_text,
                                    const uint8_t trusted_identity[32])
{
    uint8_t account_blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    uint8_t pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    size_t blob_len, i, count;
    cloak_batch reader;
    const struct entry *batch = store_get(server, "batch", "ci-deploy", batch_name);
    char key[64];

    check(cloak_text_decode(account_blob, sizeof account_blob, &blob_len, account_key_text, strlen(account_key_text)),
          "decode the account key text");
    check(cloak_service_account_private_import(pk, sk, account_blob, blob_len), "import the account key");
    check(cloak_batch_verify(&reader, batch->data, batch->len, pk, sk, trusted_identity, 1), "verify the batch");
    count = cloak_batch_item_count(&reader);
    for (i = 0; i < count; i++) {
        const struct entry *item;
        uint8_t name[CLOAK_LABELBYTES_MAX];
        uint8_t value[256];
        size_t name_len, value_len;
        snprintf(key, sizeof key, "%s/%zu", batch_name, i);
        item = store_get(server, "batch item", "ci-deploy", key);
        check(cloak_batch_open_item(&reader, batch->data, batch->len, item->data, item->len, NULL, 0, name,
                                    sizeof name, &name_len, value, sizeof value, &value_len),
              "open a batch item");
        printf("    CLI: %.*s is set (%zu bytes; value not printed)\n", (int)name_len, (const char *)name, value_len);
        memset(value, 0, sizeof value);
    }
    cloak_batch_wipe(&reader);
    memset(sk, 0, sizeof sk);
    memset(account_blob, 0, sizeof account_blob);
    return count;
}

/* Writes what the CI machine needs to run the real `cloak` tool on a batch: the batch file (the batch
 * and its items as text lines, as the server would hand them out), the account key text (mode 0600),
 * and the identity to trust. */
static void export_for_cli(const struct store *server, const char *dir, const char *batch_name,
                           const char *account_key_text, const uint8_t trusted_identity[32])
{
    char path[512], key[64], text[4096];
    const struct entry *batch = store_get(server, "batch", "ci-deploy", batch_name);
    uint8_t identity_blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
    size_t i, text_len;
    FILE *f;

    snprintf(path, sizeof path, "%s/secrets.batch", dir);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    check(cloak_text_encode(text, sizeof text, &text_len, batch->data, batch->len), "batch text");
    fprintf(f, "# batch %s for service account ci-deploy\n%s\n", batch_name, text);
    for (i = 0;; i++) {
        const struct entry *item;
        snprintf(key, sizeof key, "%s/%zu", batch_name, i);
        item = store_find(server, "batch item", "ci-deploy", key);
        if (item == NULL) {
            break;
        }
        check(cloak_text_encode(text, sizeof text, &text_len, item->data, item->len), "item text");
        fprintf(f, "%s\n", text);
    }
    fclose(f);

    snprintf(path, sizeof path, "%s/account.key", dir);
    f = fopen(path, "w");
    if (f == NULL || fchmod(fileno(f), 0600) != 0) {
        perror(path);
        exit(1);
    }
    fprintf(f, "%s\n", account_key_text);
    fclose(f);

    cloak_identity_public_export(identity_blob, trusted_identity);
    check(cloak_text_encode(text, sizeof text, &text_len, identity_blob, sizeof identity_blob), "identity text");
    snprintf(path, sizeof path, "%s/trusted.identity", dir);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    fprintf(f, "%s\n", text);
    fclose(f);
    printf("    batch file, account key and trusted identity written to %s for the cloak tool\n", dir);
}

/* Shows that the store's leak check is not vacuous: writing a forbidden value must stop the program
 * (exit status 2). The test suite runs this and expects the failure. */
static int leak_check_demo(void)
{
    struct store *server = store_new();
    uint8_t vault_key[CLOAK_KEYBYTES];
    uint8_t blob[8 + CLOAK_KEYBYTES] = "prefix: ";
    cloak_vault_key_generate(vault_key);
    store_forbid(server, vault_key, sizeof vault_key, "vault key");
    memcpy(blob + 8, vault_key, sizeof vault_key);
    store_put(server, "secret", "demo", "leaky", blob, sizeof blob);
    store_free(server);
    return 0;
}

int main(int argc, char **argv)
{
    struct store *server;
    struct member alice = {.name = "alice", .password = "alice: correct horse battery staple"};
    struct member bob = {.name = "bob", .password = "bob: Tr0ub4dor&3 but longer"};
    uint8_t vault_key[CLOAK_KEYBYTES], bob_vault_key[CLOAK_KEYBYTES], new_vault_key[CLOAK_KEYBYTES];
    uint8_t old_key_id[CLOAK_KEYIDBYTES], new_key_id[CLOAK_KEYIDBYTES];
    uint8_t account_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], account_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    uint8_t account_blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES], wrapped_account[CLOAK_WRAPPED_KEYBYTES];
    char account_text[256], pair_code[CLOAK_PAIR_CODE_TEXTBYTES], pair_code_bob[CLOAK_PAIR_CODE_TEXTBYTES];
    const char *names[8];
    const char *export_dir = (argc > 2 && strcmp(argv[1], "--export") == 0) ? argv[2] : NULL;
    size_t n_names = 0, i, text_len;
    cloak_vault vault, bob_vault, new_vault;

    check(cloak_init(), "cloak_init");
    if (argc > 1 && strcmp(argv[1], "--leak-check-demo") == 0) {
        return leak_check_demo();
    }
    server = store_new();
    printf("libcloak %s walkthrough. The server's store holds only what a server would hold.\n",
           cloak_version_string());

    step("1. Alice registers (Argon2id m=64 MiB t=3 p=4, identity and encryption keys)");
    register_member(server, &alice);

    step("2. Alice creates a vault and shares its key with herself");
    cloak_vault_key_generate(vault_key);
    store_forbid(server, vault_key, sizeof vault_key, "vault key");
    share_vault(server, &alice, &alice, vault_key);

    step("3. Alice adds secrets");
    open_vault(server, &alice, alice.identity_pk, &vault, vault_key);
    for (i = 0; i < sizeof initial_secrets / sizeof initial_secrets[0]; i++) {
        put_secret(server, &vault, initial_secrets[i].name, initial_secrets[i].value);
        names[n_names++] = initial_secrets[i].name;
    }
    put_names(server, &vault, names, n_names);

    step("4. Bob registers");
    register_member(server, &bob);

    step("5. Alice verifies Bob's bundle and shares the vault with him");
    {
        const struct entry *bundle = store_get(server, "user", "bob", "bundle");
        uint8_t id_pk[32], enc_pk[32];
        check(cloak_bundle_verify(id_pk, enc_pk, bundle->data, bundle->len), "verify Bob's bundle");
        cloak_identity_pair_code(pair_code, alice.identity_pk, id_pk);
        cloak_identity_pair_code(pair_code_bob, bob.identity_pk, alice.identity_pk);
        printf("    pair code Alice reads to Bob: %s\n", pair_code);
        if (strcmp(pair_code, pair_code_bob) != 0) {
            fprintf(stderr, "FAILED: Alice and Bob see different pair codes\n");
            return 1;
        }
        {
            struct member bob_as_seen = bob;
            memcpy(bob_as_seen.encryption_pk, enc_pk, sizeof enc_pk);
            share_vault(server, &alice, &bob_as_seen, vault_key);
        }
    }

    step("6. Bob logs in on a new device and reads a secret");
    log_in(server, &bob);
    open_vault(server, &bob, alice.identity_pk, &bob_vault, bob_vault_key);
    {
        char *value = get_secret(server, &bob_vault, "DATABASE_URL");
        printf("    Bob read DATABASE_URL (%zu bytes)\n", strlen(value));
        if (strcmp(value, initial_secrets[0].value) != 0) {
            fprintf(stderr, "FAILED: Bob read another value\n");
            return 1;
        }
        memset(value, 0, strlen(value));
        free(value);
    }
    {
        const struct entry *share = store_get(server, "share", "bob", VAULT_ID);
        uint8_t k[CLOAK_KEYBYTES];
        expect_status(cloak_share_open(k, share->data, share->len, bytes(VAULT_ID), strlen(VAULT_ID), bob.encryption_pk,
                                       bob.encryption_sk, bob.identity_pk),
                      "a share checked against an identity Bob did not pin", CLOAK_E_UNTRUSTED_SIGNER);
    }

    step("7. Alice creates a service account and re-encrypts the vault for it");
    cloak_encryption_keypair(account_pk, account_sk);
    store_forbid(server, account_sk, sizeof account_sk, "service-account private key");
    check(cloak_service_account_wrap(wrapped_account, alice.master_key, account_sk), "wrap the account key");
    store_put(server, "service account", "ci-deploy", "wrapped key", wrapped_account, sizeof wrapped_account);
    check(cloak_service_account_private_export(account_blob, account_pk, account_sk), "export the account key");
    check(cloak_text_encode(account_text, sizeof account_text, &text_len, account_blob, sizeof account_blob),
          "account key text");
    printf("    CI variable CLOAK_SERVICE_ACCOUNT_KEY = %.18s... (%zu characters, kept off the server)\n",
           account_text, text_len);
    issue_batch(server, "batch-1", &alice, &vault, account_pk, names, n_names);

    step("8. The CLI side reads its secrets");
    if (read_batch_as_account(server, "batch-1", account_text, alice.identity_pk) != n_names) {
        fprintf(stderr, "FAILED: the account did not read every secret\n");
        return 1;
    }

    step("9. Alice adds a secret later: one new item for the account");
    put_secret(server, &vault, later_secret.name, later_secret.value);
    names[n_names++] = later_secret.name;
    put_names(server, &vault, names, n_names);
    issue_batch(server, "batch-2", &alice, &vault, account_pk, &later_secret.name, 1);
    if (read_batch_as_account(server, "batch-2", account_text, alice.identity_pk) != 1) {
        fprintf(stderr, "FAILED: the account did not read the new secret\n");
        return 1;
    }

    step("10. Alice removes Bob and rotates the vault key");
    cloak_vault_key_generate(new_vault_key);
    store_forbid(server, new_vault_key, sizeof new_vault_key, "new vault key");
    check(cloak_vault_init(&new_vault, new_vault_key, bytes(VAULT_ID), strlen(VAULT_ID)), "new vault init");
    cloak_vault_key_id(old_key_id, &vault);
    cloak_vault_key_id(new_key_id, &new_vault);
    {
        names[n_names] = NAMES_ENTRY;
        for (i = 0; i <= n_names; i++) {
            char old_index[2 * CLOAK_BLIND_INDEXBYTES + 1], new_index[2 * CLOAK_BLIND_INDEXBYTES + 1];
            const struct entry *e;
            uint8_t *resealed;
            size_t resealed_len;
            index_hex(old_index, &vault, names[i]);
            index_hex(new_index, &new_vault, names[i]);
            e = store_get(server, "secret", VAULT_ID, old_index);
            resealed = malloc(e->len);
            if (resealed == NULL) {
                abort();
            }
            check(cloak_secret_reseal(&vault, &new_vault, resealed, e->len, &resealed_len, bytes(names[i]),
                                      strlen(names[i]), NULL, 0, e->data, e->len),
                  "reseal a secret");
            store_delete(server, "secret", VAULT_ID, old_index);
            store_put(server, "secret", VAULT_ID, new_index, resealed, resealed_len);
            free(resealed);
        }
    }
    store_delete(server, "share", NULL, VAULT_ID);
    share_vault(server, &alice, &alice, new_vault_key);
    store_delete(server, "batch", "ci-deploy", NULL);
    store_delete(server, "batch item", "ci-deploy", NULL);
    issue_batch(server, "batch-3", &alice, &new_vault, account_pk, names, n_names);
    printf("    vault key id %02x%02x%02x%02x... replaced by %02x%02x%02x%02x...\n", old_key_id[0], old_key_id[1],
           old_key_id[2], old_key_id[3], new_key_id[0], new_key_id[1], new_key_id[2], new_key_id[3]);
    if (memcmp(old_key_id, new_key_id, sizeof old_key_id) == 0) {
        fprintf(stderr, "FAILED: the rotated key has the old key id\n");
        return 1;
    }
    if (read_batch_as_account(server, "batch-3", account_text, alice.identity_pk) != n_names) {
        fprintf(stderr, "FAILED: the account lost secrets in the rotation\n");
        return 1;
    }
    {
        /* Bob kept the old vault key: every secret now says it was made for another key. */
        char index[2 * CLOAK_BLIND_INDEXBYTES + 1];
        const struct entry *e;
        uint8_t value[256];
        size_t len;
        index_hex(index, &new_vault, "API_TOKEN");
        e = store_get(server, "secret", VAULT_ID, index);
        expect_status(cloak_secret_open(&bob_vault, value, sizeof value, &len, bytes("API_TOKEN"), 9, NULL, 0, e->data,
                                        e->len),
                      "Bob's old vault key on a rotated secret", CLOAK_E_WRONG_KEY);
        if (store_find(server, "share", "bob", VAULT_ID) != NULL) {
            fprintf(stderr, "FAILED: Bob still has a share\n");
            return 1;
        }
    }

    if (export_dir != NULL) {
        export_for_cli(server, export_dir, "batch-3", account_text, alice.identity_pk);
    }

    step("The server's store at the end");
    store_print(server);
    printf("\nNo password, master key, private key, vault key or secret value ever reached the store "
           "(%zu writes checked against %zu forbidden values).\n",
           store_writes(server), store_forbidden_count(server));

    cloak_vault_wipe(&vault);
    cloak_vault_wipe(&bob_vault);
    cloak_vault_wipe(&new_vault);
    memset(&alice, 0, sizeof alice);
    memset(&bob, 0, sizeof bob);
    memset(vault_key, 0, sizeof vault_key);
    memset(bob_vault_key, 0, sizeof bob_vault_key);
    memset(new_vault_key, 0, sizeof new_vault_key);
    memset(account_sk, 0, sizeof account_sk);
    memset(account_text, 0, sizeof account_text);
    store_free(server);
    printf("walkthrough complete\n");
    return 0;
}
