/*
 * The whole libcloak story, played by one program: Alice registers and creates a vault (epoch 1, a
 * signed head); she adds secrets, each change a new head version; Bob and Mallory register and Alice
 * shares the vault with them; Bob checks the chain of heads and a secret's inclusion proof; Alice
 * makes a service account and a batch bound to the vault, its epoch and its head; Alice removes
 * Mallory and rotates the vault key (epoch 2). Then the server turns malicious and serves old, other
 * and forked data, each of which is refused; it serves password records that would cheapen guessing
 * or stall the client, and shares salts between accounts, and its whole store with the right
 * password still opens nothing without the account secret key. Then an account made under a
 * weaker cost policy is moved to a new record without handing its private keys to anyone. Last, the
 * vault moves to post-quantum-only sharing.
 *
 * Keys: new encryption keys are X-Wing keys (ML-KEM-768 + X25519: Alice, Mallory, the service
 * account); Bob's first client made an X25519 key, so the vault starts mixed. Every share is checked
 * against the newest head's roster before it is sealed and before it is opened, so a server serving
 * an older bundle cannot downgrade it. When Bob has an X-Wing key too, Alice rotates the vault key
 * with a head that makes the vault post-quantum only: from then on no X25519 share or batch is made
 * or accepted in it.
 *
 * Every member has an account secret key, made on the first device and never sent: its text form is
 * what an emergency kit prints next to the account id (the normalised login). A new device gets it
 * by typing the kit.
 *
 * The "server" is an in-memory store (store.c) that holds only what a server would hold. Every byte
 * string a client must keep to itself (passwords, account secret keys and their kits, master keys,
 * private keys, vault keys, secret values) is registered with the store as forbidden, and every
 * write is searched for all of them: the program stops loudly if one ever reaches the store.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, fchmod, clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cloak.h"
#include "store.h"

#define VAULT_ID "vault:acme-production"
#define NAMES_ENTRY "__names__"

struct member {
    const char *name;     /* the server's name for the account */
    const char *login;    /* the normalised login: the account id every derivation binds */
    const char *password;
    uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES]; /* on the member's devices only */
    char kit[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES];      /* the emergency kit's text, on paper */
    uint8_t master_key[CLOAK_KEYBYTES];
    uint8_t identity_pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t identity_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint32_t suite; /* of the encryption key: CLOAK_SUITE_XWING (the default) or CLOAK_SUITE_X25519 */
    uint8_t encryption_pk[CLOAK_XWING_PUBLICKEYBYTES]; /* 32 bytes used for an X25519 key */
    uint8_t encryption_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
};

static size_t suite_pk_len(uint32_t suite)
{
    return suite == CLOAK_SUITE_XWING ? CLOAK_XWING_PUBLICKEYBYTES : CLOAK_ENCRYPTION_PUBLICKEYBYTES;
}

static const char *suite_name(uint32_t suite)
{
    return suite == CLOAK_SUITE_XWING ? "X-Wing (ML-KEM-768 + X25519)" : "X25519";
}

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

/* The client's cost policy: the library's defaults (64 MiB, 64 MiB x 3 passes at least; 256 MiB,
 * 256 MiB x 3, 12 passes, 8 lanes at most). Filled in by main() before anything is derived. */
/* A new encryption key pair for a member, its bundle and its wrapped private key, in its suite.
 * Returns the lengths through the out parameters. */
static void encryption_key_new(struct member *m, uint8_t bundle[CLOAK_XWING_BUNDLEBYTES], size_t *bundle_len,
                               uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES], size_t *wrapped_len)
{
    if (m->suite == CLOAK_SUITE_XWING) {
        cloak_xwing_keypair(m->encryption_pk, m->encryption_sk);
        check(cloak_bundle_create_xwing(bundle, m->identity_sk, m->encryption_pk), "bundle");
        check(cloak_xwing_wrap(wrapped, m->master_key, m->encryption_sk), "wrap encryption key");
        *bundle_len = CLOAK_XWING_BUNDLEBYTES;
        *wrapped_len = CLOAK_XWING_WRAPPED_KEYBYTES;
    } else {
        cloak_encryption_keypair(m->encryption_pk, m->encryption_sk);
        check(cloak_bundle_create(bundle, m->identity_sk, m->encryption_pk), "bundle");
        check(cloak_encryption_wrap(wrapped, m->master_key, m->encryption_sk), "wrap encryption key");
        *bundle_len = CLOAK_BUNDLEBYTES;
        *wrapped_len = CLOAK_WRAPPED_KEYBYTES;
    }
}

/* A bundle of either suite (the suite it names picks the reader). */
static void bundle_verify_any(uint8_t id_pk[32], uint8_t enc_pk[CLOAK_XWING_PUBLICKEYBYTES], size_t *enc_pk_len,
                              const uint8_t *bundle, size_t bundle_len, const char *what)
{
    uint32_t suite = 0;
    check(cloak_blob_suite(&suite, bundle, bundle_len), what);
    if (suite == CLOAK_SUITE_XWING) {
        check(cloak_bundle_verify_xwing(id_pk, enc_pk, bundle, bundle_len), what);
    } else {
        check(cloak_bundle_verify(id_pk, enc_pk, bundle, bundle_len), what);
    }
    *enc_pk_len = suite_pk_len(suite);
}

static uint8_t client_policy[CLOAK_PASSWORD_POLICYBYTES];

/* Every derivation binds the account id and mixes in the account secret key (empty only where the
 * walkthrough plays an attacker who lacks it). */
static int derive(uint8_t master_key[CLOAK_KEYBYTES], uint8_t login_key[CLOAK_KEYBYTES], const char *password,
                  const char *account_id, const uint8_t *secret_key, const uint8_t *record, size_t record_len,
                  const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES])
{
    return cloak_password_derive(master_key, login_key, bytes(password), strlen(password), bytes(account_id),
                                 strlen(account_id), secret_key, secret_key == NULL ? 0 : CLOAK_ACCOUNT_SECRET_KEYBYTES,
                                 record, record_len, policy);
}

/* Registration with a record of the given costs, derived under the given policy (the walkthrough's
 * client policy, or an older release's for the upgrade of step 13). */
static void register_member(struct store *server, struct member *m, uint32_t memory_kib, uint32_t iterations,
                            const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES])
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t login_key[CLOAK_KEYBYTES];
    uint8_t bundle[CLOAK_XWING_BUNDLEBYTES];
    uint8_t wrapped_identity[CLOAK_WRAPPED_KEYBYTES];
    uint8_t wrapped_encryption[CLOAK_XWING_WRAPPED_KEYBYTES];
    size_t bundle_len, wrapped_len;
    char fingerprint[CLOAK_FINGERPRINT_TEXTBYTES];

    store_forbid(server, bytes(m->password), strlen(m->password), "password");
    /* The secret key is made here, on the first device, and leaves it only on the emergency kit. */
    cloak_account_secret_key_generate(m->secret_key);
    check(cloak_account_secret_key_encode(m->kit, m->secret_key, bytes(m->login), strlen(m->login)),
          "emergency kit text");
    store_forbid(server, m->secret_key, sizeof m->secret_key, "account secret key");
    store_forbid(server, bytes(m->kit), strlen(m->kit), "emergency kit text");
    check(cloak_password_record_new(record, memory_kib, iterations, CLOAK_PASSWORD_PARALLELISM_DEFAULT),
          "password record");
    check(derive(m->master_key, login_key, m->password, m->login, m->secret_key, record, sizeof record, policy),
          "password derivation");
    cloak_identity_keypair(m->identity_pk, m->identity_sk);
    encryption_key_new(m, bundle, &bundle_len, wrapped_encryption, &wrapped_len);
    store_forbid(server, m->master_key, sizeof m->master_key, "master key");
    store_forbid(server, m->identity_sk, CLOAK_IDENTITY_SEEDBYTES, "identity private key");
    store_forbid(server, m->encryption_sk, sizeof m->encryption_sk, "encryption private key");

    check(cloak_identity_wrap(wrapped_identity, m->master_key, m->identity_sk), "wrap identity key");

    store_put(server, "user", m->name, "password record", record, sizeof record);
    /* A real server keeps a slow hash of the login key; what it receives is the login key. */
    store_put(server, "user", m->name, "login key", login_key, sizeof login_key);
    store_put(server, "user", m->name, "bundle", bundle, bundle_len);
    store_put(server, "user", m->name, "wrapped identity key", wrapped_identity, sizeof wrapped_identity);
    store_put(server, "user", m->name, "wrapped encryption key", wrapped_encryption, wrapped_len);
    printf("    %s's encryption key: %s (public key %zu bytes, bundle %zu bytes)\n", m->name, suite_name(m->suite),
           suite_pk_len(m->suite), bundle_len);
    cloak_identity_fingerprint(fingerprint, m->identity_pk);
    printf("    %s's emergency kit (printed, kept off the server): account %s, secret key %s\n", m->name,
           m->login, m->kit);
    printf("    %s's identity fingerprint: %s\n", m->name, fingerprint);
}

/* What a person types from the kit: here in lower case, which the decoder reads like the original. */
static void type_kit(char typed[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES], const char *kit)
{
    size_t i;
    for (i = 0; kit[i] != '\0' && i + 1 < CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES; i++) {
        typed[i] = (char)(kit[i] >= 'A' && kit[i] <= 'Z' ? kit[i] - 'A' + 'a' : kit[i]);
    }
    typed[i] = '\0';
}

/* A member on a new device: the password and the emergency kit, everything else from the server. */
static void log_in(const struct store *server, struct member *m)
{
    uint8_t login_key[CLOAK_KEYBYTES];
    char typed[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES];
    const struct entry *record = store_get(server, "user", m->name, "password record");
    const struct entry *expected_login = store_get(server, "user", m->name, "login key");
    const struct entry *wrapped_identity = store_get(server, "user", m->name, "wrapped identity key");
    const struct entry *wrapped_encryption = store_get(server, "user", m->name, "wrapped encryption key");

    /* The new device starts with nothing: the secret key comes from the kit, typed by hand, and the
     * checksum (bound to the account id) catches a typing error before any Argon2id work. */
    memset(m->master_key, 0, sizeof m->master_key);
    memset(m->secret_key, 0, sizeof m->secret_key);
    type_kit(typed, m->kit);
    check(cloak_account_secret_key_decode(m->secret_key, typed, strlen(typed), bytes(m->login), strlen(m->login)),
          "decode the emergency kit");
    memset(typed, 0, sizeof typed);
    check(derive(m->master_key, login_key, m->password, m->login, m->secret_key, record->data, record->len,
                 client_policy),
          "password derivation at login");
    if (expected_login->len != sizeof login_key || memcmp(login_key, expected_login->data, sizeof login_key) != 0) {
        fprintf(stderr, "FAILED: the server would not accept %s's login key\n", m->name);
        exit(1);
    }
    check(cloak_identity_unwrap(m->identity_pk, m->identity_sk, m->master_key, wrapped_identity->data,
                                wrapped_identity->len),
          "unwrap identity key");
    /* The wrapped key names its suite, which picks the reader. */
    check(cloak_blob_suite(&m->suite, wrapped_encryption->data, wrapped_encryption->len), "wrapped key suite");
    if (m->suite == CLOAK_SUITE_XWING) {
        check(cloak_xwing_unwrap(m->encryption_pk, m->encryption_sk, m->master_key, wrapped_encryption->data,
                                 wrapped_encryption->len),
              "unwrap encryption key");
    } else {
        check(cloak_encryption_unwrap(m->encryption_pk, m->encryption_sk, m->master_key, wrapped_encryption->data,
                                      wrapped_encryption->len),
              "unwrap encryption key");
    }
    printf("    %s logged in with the kit's secret key: keys unwrapped from the server's copies\n", m->name);
}


/* ---- vault heads ------------------------------------------------------------------------------- */

#define HEAD_LIFETIME (7U * 24U * 3600U) /* a head (and the batches bound to it) expires after 7 days */
#define MAX_SECRETS 32

static uint64_t now_seconds(void)
{
    time_t t = time(NULL);
    if (t == (time_t)-1) {
        fputs("FAILED: no clock\n", stderr);
        exit(1);
    }
    return (uint64_t)t;
}

/* A client's verified view of a vault's chain of heads. A head state refuses to run once copied, so
 * a view keeps two in place and moves between them. */
struct head_view {
    const char *vault_id;
    cloak_head states[2];
    int cur;
    int started;
    uint8_t *blob;
    size_t len;
};

static const cloak_head *view_head(const struct head_view *v)
{
    return &v->states[v->cur];
}

static void head_key(char out[32], uint64_t version)
{
    snprintf(out, 32, "v%llu", (unsigned long long)version);
}

/* verify_next needs the bytes of the head the view is at. */
static void view_keep_blob(struct head_view *v, const uint8_t *blob, size_t len)
{
    free(v->blob);
    v->blob = malloc(len);
    if (v->blob == NULL) {
        abort();
    }
    memcpy(v->blob, blob, len);
    v->len = len;
}

/* Starts from the first head, trusting its signer by identity (pinned out of band). */
static void view_start(struct head_view *v, const struct store *server, const char *vault_id,
                       const uint8_t trusted_identity[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    const struct entry *e = store_get(server, "head", vault_id, "v1");
    v->vault_id = vault_id;
    v->cur = 0;
    check(cloak_head_verify_first(&v->states[0], e->data, e->len, bytes(vault_id), strlen(vault_id),
                                  trusted_identity, 1),
          "verify the first head");
    view_keep_blob(v, e->data, e->len);
    v->started = 1;
}

/* Tries one head as the successor of the view's; on success the view moves to it. */
static int view_advance(struct head_view *v, const uint8_t *blob, size_t len)
{
    int next = 1 - v->cur;
    int rc = cloak_head_verify_next(&v->states[next], &v->states[v->cur], v->blob, v->len, blob, len);
    if (rc == CLOAK_OK) {
        cloak_head_wipe(&v->states[v->cur]);
        v->cur = next;
        view_keep_blob(v, blob, len);
    }
    return rc;
}

/* Follows the chain to the newest head the server has, each link checked, then checks freshness. */
static void view_follow(struct head_view *v, const struct store *server, uint32_t min_epoch)
{
    for (;;) {
        char key[32];
        const struct entry *e;
        head_key(key, cloak_head_version(view_head(v)) + 1U);
        e = store_find(server, "head", v->vault_id, key);
        if (e == NULL) {
            break;
        }
        check(view_advance(v, e->data, e->len), "verify the next head");
    }
    check(cloak_head_check(view_head(v), min_epoch, 1, now_seconds()), "head freshness");
}

static void view_free(struct head_view *v)
{
    cloak_head_wipe(&v->states[0]);
    cloak_head_wipe(&v->states[1]);
    free(v->blob);
    v->blob = NULL;
}

static void blind_index(uint8_t index[CLOAK_BLIND_INDEXBYTES], const cloak_vault *vault, const char *name)
{
    check(cloak_vault_blind_index(vault, index, bytes(name), strlen(name)), "blind index");
}

static void index_hex(char out[2 * CLOAK_BLIND_INDEXBYTES + 1], const uint8_t index[CLOAK_BLIND_INDEXBYTES])
{
    size_t i;
    for (i = 0; i < CLOAK_BLIND_INDEXBYTES; i++) {
        sprintf(out + 2 * i, "%02x", index[i]);
    }
}

static void name_key(char out[2 * CLOAK_BLIND_INDEXBYTES + 1], const cloak_vault *vault, const char *name)
{
    uint8_t index[CLOAK_BLIND_INDEXBYTES];
    blind_index(index, vault, name);
    index_hex(out, index);
}

static int compare_leaves(const void *a, const void *b)
{
    return memcmp(a, b, CLOAK_BLIND_INDEXBYTES);
}

/* The server's leaves for a vault, sorted by blind index: each stored secret's key is its blind
 * index in hex. `omit` (or NULL) is a blind index the server leaves out. */
static size_t server_leaves(const struct store *server, const char *vault_id, uint8_t *leaves,
                            const uint8_t *omit)
{
    const struct entry *secrets[MAX_SECRETS];
    size_t n = store_list(server, "secret", vault_id, secrets, MAX_SECRETS), i, j, kept = 0;
    if (n > MAX_SECRETS) {
        fputs("FAILED: too many secrets for the walkthrough\n", stderr);
        exit(1);
    }
    for (i = 0; i < n; i++) {
        uint8_t index[CLOAK_BLIND_INDEXBYTES];
        for (j = 0; j < CLOAK_BLIND_INDEXBYTES; j++) {
            unsigned byte;
            sscanf(secrets[i]->key + 2 * j, "%2x", &byte);
            index[j] = (uint8_t)byte;
        }
        if (omit != NULL && memcmp(index, omit, sizeof index) == 0) {
            continue;
        }
        cloak_merkle_leaf(leaves + kept * CLOAK_MERKLE_LEAFBYTES, index, secrets[i]->data, secrets[i]->len);
        kept++;
    }
    qsort(leaves, kept, CLOAK_MERKLE_LEAFBYTES, compare_leaves);
    return kept;
}

/* A key id as the roster records it: the id of an encryption public key (32 bytes X25519, 1216
 * X-Wing), which every public key blob carries. */
static void encryption_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t *public_key, size_t public_key_len)
{
    uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES];
    int type;
    if (public_key_len == CLOAK_XWING_PUBLICKEYBYTES) {
        check(cloak_xwing_public_export(blob, public_key), "X-Wing public key blob");
    } else {
        cloak_encryption_public_export(blob, public_key);
    }
    check(cloak_blob_inspect(&type, key_id, blob, sizeof blob), "encryption key id");
}

/* The roster: members with their permissions, then service accounts, sorted by (kind, public key)
 * (an entry is kind, permissions, suite, public key, key id). */
struct roster {
    uint8_t entries[8 * CLOAK_ROSTER_ENTRYBYTES];
    size_t count;
    uint32_t policy; /* 0, or CLOAK_VAULT_POST_QUANTUM_ONLY */
};

static int compare_entries(const void *a, const void *b)
{
    const uint8_t *x = a, *y = b;
    if (x[0] != y[0]) {
        return x[0] < y[0] ? -1 : 1;
    }
    return memcmp(x + 4, y + 4, CLOAK_IDENTITY_PUBLICKEYBYTES);
}

/* A member (its identity key) or a service account (public_key NULL: its roster key is its X25519
 * key, or an X-Wing key's key hash) with the suite and key id of its encryption key. */
static void roster_add(struct roster *r, uint32_t kind, uint32_t permissions, const uint8_t public_key[32],
                       const uint8_t *encryption_public_key, size_t encryption_public_key_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES], roster_key[32];
    const uint32_t suite =
        encryption_public_key_len == CLOAK_XWING_PUBLICKEYBYTES ? CLOAK_SUITE_XWING : CLOAK_SUITE_X25519;
    encryption_key_id(key_id, encryption_public_key, encryption_public_key_len);
    if (public_key == NULL && suite == CLOAK_SUITE_XWING) {
        check(cloak_xwing_key_hash(roster_key, encryption_public_key), "key hash");
    } else {
        memcpy(roster_key, public_key != NULL ? public_key : encryption_public_key, sizeof roster_key);
    }
    check(cloak_roster_entry(r->entries + r->count * CLOAK_ROSTER_ENTRYBYTES, kind, permissions, suite, roster_key,
                             key_id),
          "roster entry");
    r->count++;
    qsort(r->entries, r->count, CLOAK_ROSTER_ENTRYBYTES, compare_entries);
}

/* Signs the next head over the server's secrets of the vault; the writer's view must be at the
 * newest head (version 1 when `writer` has not started). Returns the head's bytes (malloc'd). */
static uint8_t *make_head(const struct store *server, const struct member *signer, const struct head_view *writer,
                          const char *vault_id, const cloak_vault *vault, const struct roster *r, size_t *len,
                          uint64_t *version)
{
    uint8_t leaves[MAX_SECRETS * CLOAK_MERKLE_LEAFBYTES], root[CLOAK_MERKLE_HASHBYTES];
    uint8_t previous[CLOAK_HEAD_HASHBYTES] = {0}, key_id[CLOAK_KEYIDBYTES];
    size_t n = server_leaves(server, vault_id, leaves, NULL);
    size_t cap = cloak_head_len(strlen(vault_id), r->count);
    uint8_t *blob = malloc(cap);
    if (blob == NULL) {
        abort();
    }
    *version = 1;
    if (writer != NULL && writer->started) {
        *version = cloak_head_version(view_head(writer)) + 1U;
        cloak_head_hash(previous, view_head(writer));
    }
    check(cloak_merkle_root(root, leaves, n), "Merkle root");
    cloak_vault_key_id(key_id, vault);
    check(cloak_head_create(blob, cap, len, bytes(vault_id), strlen(vault_id), cloak_vault_epoch(vault), key_id,
                            *version, previous, now_seconds() + HEAD_LIFETIME, root, (uint32_t)n, r->policy,
                            r->entries, r->count, signer->identity_sk),
          "create a head");
    return blob;
}

/* An honest change: the server stores a head only as the successor of the one it has (a writer
 * that lost a race re-reads, rebases its change on the new head and signs again); the writer's
 * view moves to its own head. */
static void commit_head(struct store *server, const struct member *signer, struct head_view *writer,
                        const char *vault_id, const cloak_vault *vault, const struct roster *r)
{
    char key[32];
    size_t len;
    uint64_t version;
    uint8_t *blob = make_head(server, signer, writer, vault_id, vault, r, &len, &version);
    head_key(key, version);
    if (store_find(server, "head", vault_id, key) != NULL) {
        fprintf(stderr, "FAILED: the server already has head %s\n", key);
        exit(1);
    }
    store_put(server, "head", vault_id, key, blob, len);
    if (writer->started) {
        check(view_advance(writer, blob, len), "the writer checks its own head");
    } else {
        view_start(writer, server, vault_id, signer->identity_pk);
    }
    free(blob);
}

/* ---- vault and secrets ------------------------------------------------------------------------- */

static void put_secret(struct store *server, const cloak_vault *vault, const char *vault_id, const char *name,
                       const char *value)
{
    char key[2 * CLOAK_BLIND_INDEXBYTES + 1];
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
    name_key(key, vault, name);
    store_put(server, "secret", vault_id, key, sealed, sealed_len);
    free(sealed);
}

/* The server's inclusion proof for a blind index, built from the leaves it holds. */
static size_t server_prove_inclusion(const struct store *server, const char *vault_id,
                                     const uint8_t index[CLOAK_BLIND_INDEXBYTES], uint8_t *proof)
{
    uint8_t leaves[MAX_SECRETS * CLOAK_MERKLE_LEAFBYTES];
    size_t n = server_leaves(server, vault_id, leaves, NULL), i, len = 0;
    for (i = 0; i < n && memcmp(leaves + i * CLOAK_MERKLE_LEAFBYTES, index, CLOAK_BLIND_INDEXBYTES) != 0; i++) {
    }
    check(cloak_merkle_prove_inclusion(proof, CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX, &len, leaves, n, i),
          "server: inclusion proof");
    return len;
}

/* A lying server's absence proof for a secret it holds (docs/protocol.md section 10): genuine
 * inclusion proofs of the leaves on either side of it, presented as if they were adjacent (or the
 * nearest leaf as if it were the first or last). Returns the proof's length. */
static size_t server_lie_absent(const struct store *server, const char *vault_id,
                                const uint8_t index[CLOAK_BLIND_INDEXBYTES], uint8_t *proof)
{
    uint8_t leaves[MAX_SECRETS * CLOAK_MERKLE_LEAFBYTES];
    size_t n = server_leaves(server, vault_id, leaves, NULL), k, len = 1, part;
    size_t sides[2], i, count = 0;
    for (k = 0; k < n && memcmp(leaves + k * CLOAK_MERKLE_LEAFBYTES, index, CLOAK_BLIND_INDEXBYTES) != 0; k++) {
    }
    if (k == n || n < 2) {
        fputs("FAILED: the walkthrough's lie needs the secret and a neighbour\n", stderr);
        exit(1);
    }
    proof[0] = k == 0 ? 2 : (k == n - 1 ? 1 : 3); /* right only, left only, both */
    if (k > 0) {
        sides[count++] = k - 1;
    }
    if (k + 1 < n) {
        sides[count++] = k + 1;
    }
    for (i = 0; i < count; i++) {
        memcpy(proof + len, leaves + sides[i] * CLOAK_MERKLE_LEAFBYTES, CLOAK_MERKLE_LEAFBYTES);
        len += CLOAK_MERKLE_LEAFBYTES;
        check(cloak_merkle_prove_inclusion(proof + len, CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX, &part, leaves, n,
                                           sides[i]),
              "server: a neighbour's inclusion proof");
        len += part;
    }
    return len;
}

/* Reads a secret by name, checking that it is the one the verified head commits to; returns a
 * malloc'd NUL-terminated value, or NULL with *status set when a check fails. */
static char *try_get_secret(const struct store *server, const struct head_view *v, const cloak_vault *vault,
                            const char *name, int *status)
{
    uint8_t index[CLOAK_BLIND_INDEXBYTES], leaf[CLOAK_MERKLE_LEAFBYTES];
    uint8_t proof[CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX];
    char key[2 * CLOAK_BLIND_INDEXBYTES + 1];
    const struct entry *e;
    size_t len, proof_len;
    char *value;
    blind_index(index, vault, name);
    index_hex(key, index);
    e = store_get(server, "secret", v->vault_id, key);
    proof_len = server_prove_inclusion(server, v->vault_id, index, proof);
    cloak_merkle_leaf(leaf, index, e->data, e->len);
    *status = cloak_merkle_verify_inclusion(view_head(v), leaf, proof, proof_len);
    if (*status != CLOAK_OK) {
        return NULL;
    }
    len = cloak_secret_opened_len(e->len);
    value = malloc(len + 1);
    if (value == NULL) {
        abort();
    }
    *status = cloak_secret_open(vault, (uint8_t *)value, len, &len, bytes(name), strlen(name), NULL, 0, e->data,
                                e->len);
    if (*status != CLOAK_OK) {
        free(value);
        return NULL;
    }
    value[len] = '\0';
    return value;
}

static char *get_secret(const struct store *server, const struct head_view *v, const cloak_vault *vault,
                        const char *name)
{
    int status;
    char *value = try_get_secret(server, v, vault, name, &status);
    check(status, "read a secret with its inclusion proof");
    return value;
}

static void free_value(char *value)
{
    memset(value, 0, strlen(value));
    free(value);
}

/* The list of names is itself a secret, so the server sees only blind indexes. */
static void put_names(struct store *server, const cloak_vault *vault, const char *const *names, size_t n)
{
    char list[512] = "";
    char key[2 * CLOAK_BLIND_INDEXBYTES + 1];
    size_t i;
    for (i = 0; i < n; i++) {
        strcat(list, names[i]);
        strcat(list, "\n");
    }
    name_key(key, vault, NAMES_ENTRY);
    store_delete(server, "secret", VAULT_ID, key);
    put_secret(server, vault, VAULT_ID, NAMES_ENTRY, list);
}

/* Seals a share to the recipient's encryption key in its suite. With the sharer's view of the heads
 * (NULL only for the first share, made before the first head), the key must be the one the newest
 * head's roster names for the recipient and one its policy admits: a server serving an older bundle
 * cannot downgrade the share. */
/* Rotation: every named secret and the list of names, opened under the old key and sealed under the
 * new one (the plaintext stays in the library), under their new blind indexes. */
static void reseal_all(struct store *server, const cloak_vault *from, const cloak_vault *to, const char *const *names,
                       size_t n)
{
    size_t i;
    for (i = 0; i <= n; i++) {
        const char *name = i < n ? names[i] : NAMES_ENTRY;
        char old_key[2 * CLOAK_BLIND_INDEXBYTES + 1], new_key[2 * CLOAK_BLIND_INDEXBYTES + 1];
        const struct entry *e;
        uint8_t *resealed;
        size_t resealed_len;
        name_key(old_key, from, name);
        name_key(new_key, to, name);
        e = store_get(server, "secret", VAULT_ID, old_key);
        resealed = malloc(e->len);
        if (resealed == NULL) {
            abort();
        }
        check(cloak_secret_reseal(from, to, resealed, e->len, &resealed_len, bytes(name), strlen(name), NULL, 0,
                                  e->data, e->len),
              "reseal a secret");
        store_delete(server, "secret", VAULT_ID, old_key);
        store_put(server, "secret", VAULT_ID, new_key, resealed, resealed_len);
        free(resealed);
    }
}

static void share_vault(struct store *server, const struct member *sharer, const struct head_view *sharer_view,
                        const struct member *recipient, const uint8_t vault_key[CLOAK_KEYBYTES], uint32_t epoch)
{
    uint8_t share[CLOAK_XWING_SHAREBYTES];
    size_t share_len;
    if (sharer_view != NULL) {
        check(cloak_head_check_recipient(view_head(sharer_view), sharer_view->blob, sharer_view->len,
                                         recipient->identity_pk, recipient->encryption_pk,
                                         suite_pk_len(recipient->suite)),
              "the recipient's key is the roster's");
    }
    if (recipient->suite == CLOAK_SUITE_XWING) {
        check(cloak_share_seal_xwing(share, vault_key, epoch, bytes(VAULT_ID), strlen(VAULT_ID),
                                     recipient->encryption_pk, sharer->identity_sk),
              "share the vault key (X-Wing)");
        share_len = CLOAK_XWING_SHAREBYTES;
    } else {
        check(cloak_share_seal(share, vault_key, epoch, bytes(VAULT_ID), strlen(VAULT_ID), recipient->encryption_pk,
                               sharer->identity_sk),
              "share the vault key (X25519)");
        share_len = CLOAK_SHAREBYTES;
    }
    store_put(server, "share", recipient->name, VAULT_ID, share, share_len);
}

/* Opens a share in the reader's suite. */
static int share_open_any(uint8_t vault_key[CLOAK_KEYBYTES], uint32_t *epoch, const struct entry *share,
                          const struct member *reader, const uint8_t trusted_sharer[32], uint32_t min_epoch)
{
    if (reader->suite == CLOAK_SUITE_XWING) {
        return cloak_share_open_xwing(vault_key, epoch, share->data, share->len, bytes(VAULT_ID), strlen(VAULT_ID),
                                      reader->encryption_pk, reader->encryption_sk, trusted_sharer, min_epoch);
    }
    return cloak_share_open(vault_key, epoch, share->data, share->len, bytes(VAULT_ID), strlen(VAULT_ID),
                            reader->encryption_pk, reader->encryption_sk, trusted_sharer, min_epoch);
}

/* A member opens its share (refusing an epoch below the highest it has seen), follows the heads and
 * checks that the key is the one the newest head names. */
static void open_vault(const struct store *server, const struct member *reader, const uint8_t trusted_sharer[32],
                       uint32_t *seen_epoch, struct head_view *v, cloak_vault *vault, uint8_t vault_key[CLOAK_KEYBYTES])
{
    const struct entry *share = store_get(server, "share", reader->name, VAULT_ID);
    uint8_t head_key_id[CLOAK_KEYIDBYTES], key_id[CLOAK_KEYIDBYTES];
    uint32_t epoch;
    if (!v->started) {
        view_start(v, server, VAULT_ID, trusted_sharer);
    }
    view_follow(v, server, *seen_epoch);
    /* The share is to the key the newest head names for the reader, in a suite its policy admits. */
    check(cloak_head_check_share(view_head(v), v->blob, v->len, reader->identity_pk, share->data, share->len),
          "the share is to the roster's key");
    check(share_open_any(vault_key, &epoch, share, reader, trusted_sharer, *seen_epoch), "open the vault-key share");
    *seen_epoch = epoch;
    check(cloak_vault_init(vault, vault_key, epoch, bytes(VAULT_ID), strlen(VAULT_ID)), "vault init");
    cloak_vault_key_id(key_id, vault);
    cloak_head_vault_key_id(head_key_id, view_head(v));
    if (cloak_head_epoch(view_head(v)) != epoch || memcmp(key_id, head_key_id, sizeof key_id) != 0) {
        fprintf(stderr, "FAILED: %s's share is not the key of the newest head\n", reader->name);
        exit(1);
    }
    printf("    %s opened the share (epoch %u) and checked heads v1..v%llu\n", reader->name, epoch,
           (unsigned long long)cloak_head_version(view_head(v)));
}

/* ---- service accounts -------------------------------------------------------------------------- */

struct account {
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES]; /* an X-Wing key (32 bytes used for an X25519 one) */
    size_t pk_len;
    char key_text[2048]; /* the CI variable */
    uint32_t seen_epoch; /* the account's state: the highest epoch and head version it has read */
    uint64_t seen_version;
};

/* A snapshot of the named secrets for a service account, bound to the vault and the writer's
 * verified head. The server stores the batch and each item under its own key. */
static void issue_batch(struct store *server, const char *batch_name, const struct member *creator,
                        const struct head_view *v, const cloak_vault *vault, const struct account *account,
                        const char *const *names, size_t n)
{
    const int xwing = account->pk_len == CLOAK_XWING_PUBLICKEYBYTES;
    cloak_batch writer;
    uint8_t digests[16 * CLOAK_BATCH_DIGESTBYTES], hash[CLOAK_HEAD_HASHBYTES];
    size_t i, blob_len;
    uint8_t *blob;
    char key[64];

    cloak_head_hash(hash, view_head(v));
    check(cloak_head_check_recipient(view_head(v), v->blob, v->len, NULL, account->pk, account->pk_len),
          "the account's key is the roster's");
    check((xwing ? cloak_batch_begin_xwing : cloak_batch_begin)(&writer, account->pk, creator->identity_pk,
                                                                 bytes(v->vault_id), strlen(v->vault_id),
                                                                 cloak_head_epoch(view_head(v)),
                                                                 cloak_head_version(view_head(v)), hash,
                                                                 cloak_head_expiry(view_head(v))),
          "batch begin");
    for (i = 0; i < n; i++) {
        char *value = get_secret(server, v, vault, names[i]);
        size_t cap = cloak_batch_item_len(strlen(names[i]), strlen(value));
        size_t item_len;
        uint32_t index;
        uint8_t *item = malloc(cap);
        if (item == NULL) {
            abort();
        }
        check(cloak_batch_seal_item(&writer, item, cap, &item_len, &index, digests + i * CLOAK_BATCH_DIGESTBYTES,
                                    bytes(names[i]), strlen(names[i]), bytes(value), strlen(value)),
              "seal a batch item");
        snprintf(key, sizeof key, "%s/%u", batch_name, index);
        store_put(server, "batch item", "ci-deploy", key, item, item_len);
        free_value(value);
        free(item);
    }
    blob_len = (xwing ? cloak_batch_len_xwing : cloak_batch_len)(strlen(v->vault_id), n);
    blob = malloc(blob_len);
    if (blob == NULL) {
        abort();
    }
    check(cloak_batch_finish(&writer, blob, blob_len, &blob_len, digests, n, creator->identity_sk), "batch finish");
    store_put(server, "batch", "ci-deploy", batch_name, blob, blob_len);
    free(blob);
}

/* The CLI side: it holds the account's private key (from a CI variable, as text), the identity it
 * trusts and its state (highest epoch and version read); it reads one batch and all its items.
 * Returns the first refusal, or CLOAK_OK with *count set. */
static int account_read_batch(const struct store *server, const char *batch_name, struct account *a,
                              const uint8_t trusted_identity[32], size_t *count)
{
    uint8_t account_blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    uint32_t suite = 0;
    const struct entry *batch = store_get(server, "batch", "ci-deploy", batch_name);
    uint8_t *tags = NULL;
    size_t blob_len, i;
    uint32_t n = 0;
    cloak_batch reader;
    int rc;

    *count = 0;
    check(cloak_text_decode(account_blob, sizeof account_blob, &blob_len, a->key_text, strlen(a->key_text)),
          "decode the account key text");
    /* The key names its suite; the batch must be of the same one. */
    check(cloak_blob_suite(&suite, account_blob, blob_len), "the account key's suite");
    check(suite == CLOAK_SUITE_XWING ? cloak_service_account_xwing_private_import(pk, sk, account_blob, blob_len)
                                     : cloak_service_account_private_import(pk, sk, account_blob, blob_len),
          "import the account key");
    rc = cloak_batch_count(&n, batch->data, batch->len);
    if (rc == CLOAK_OK) {
        tags = malloc(cloak_batch_tags_len(n) + 1);
        if (tags == NULL) {
            abort();
        }
        rc = (suite == CLOAK_SUITE_XWING ? cloak_batch_verify_xwing : cloak_batch_verify)(
            &reader, tags, cloak_batch_tags_len(n), batch->data, batch->len, bytes(VAULT_ID), strlen(VAULT_ID), pk, sk,
            trusted_identity, 1);
    }
    if (rc == CLOAK_OK) {
        rc = cloak_batch_check(&reader, a->seen_epoch, a->seen_version, now_seconds());
    }
    for (i = 0; rc == CLOAK_OK && i < n; i++) {
        uint8_t name[CLOAK_LABELBYTES_MAX], value[256];
        size_t name_len, value_len;
        char key[64];
        const struct entry *item;
        snprintf(key, sizeof key, "%s/%zu", batch_name, i);
        item = store_get(server, "batch item", "ci-deploy", key);
        rc = cloak_batch_open_item(&reader, tags, cloak_batch_tags_len(n), item->data, item->len, name, sizeof name,
                                   &name_len, value, sizeof value, &value_len);
        if (rc == CLOAK_OK) {
            printf("    CLI: %.*s is set (%zu bytes; value not printed)\n", (int)name_len, (const char *)name,
                   value_len);
        }
        memset(value, 0, sizeof value);
    }
    if (rc == CLOAK_OK) {
        *count = n;
        a->seen_epoch = cloak_batch_epoch(&reader);
        a->seen_version = cloak_batch_head_version(&reader);
    }
    cloak_batch_wipe(&reader);
    free(tags);
    memset(sk, 0, sizeof sk);
    memset(account_blob, 0, sizeof account_blob);
    return rc;
}

static void read_all(const struct store *server, const char *batch_name, struct account *a,
                     const uint8_t trusted_identity[32], size_t expected)
{
    size_t count;
    check(account_read_batch(server, batch_name, a, trusted_identity, &count), "the account reads its batch");
    if (count != expected) {
        fprintf(stderr, "FAILED: the account read %zu secrets, not %zu\n", count, expected);
        exit(1);
    }
    printf("    the account's state: epoch %u, head version %llu\n", a->seen_epoch,
           (unsigned long long)a->seen_version);
}

/* Writes a batch file for the real `cloak` tool (a vault line, the batch and its items as text
 * lines, as the server would hand them out). */
static void export_batch(const struct store *server, const char *path, const char *batch_name)
{
    char key[64], text[4096];
    const struct entry *batch = store_get(server, "batch", "ci-deploy", batch_name);
    size_t i, text_len;
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    check(cloak_text_encode(text, sizeof text, &text_len, batch->data, batch->len), "batch text");
    fprintf(f, "# batch %s for service account ci-deploy\nvault %s\n%s\n", batch_name, VAULT_ID, text);
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
}

/* What the CI machine needs to run the real `cloak` tool: the current batch file and an older one
 * (for the replay the tool must refuse), the account key text (mode 0600), the identity to trust. */
static void export_for_cli(const struct store *server, const char *dir, const char *batch_name,
                           const char *old_batch_name, const char *account_key_text, const uint8_t trusted_identity[32])
{
    char path[512], text[4096];
    uint8_t identity_blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
    size_t text_len;
    FILE *f;

    snprintf(path, sizeof path, "%s/secrets.batch", dir);
    export_batch(server, path, batch_name);
    snprintf(path, sizeof path, "%s/old.batch", dir);
    export_batch(server, path, old_batch_name);

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
    printf("    batch files, account key and trusted identity written to %s for the cloak tool\n", dir);
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

static void *copy_of(const struct entry *e)
{
    void *p = malloc(e->len);
    if (p == NULL) {
        abort();
    }
    memcpy(p, e->data, e->len);
    return p;
}

/* ---- passwords against a malicious server ------------------------------------------------------ */

static double milliseconds_since(const struct timespec *start)
{
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    return (double)(end.tv_sec - start->tv_sec) * 1e3 + (double)(end.tv_nsec - start->tv_nsec) / 1e6;
}

/* A record the server makes up: the member's own salt with costs of its choosing. */
static void forged_record(uint8_t record[CLOAK_PASSWORD_RECORDBYTES], const struct entry *genuine, uint32_t memory_kib,
                          uint32_t iterations, uint32_t parallelism)
{
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    uint32_t m, t, p;
    check(cloak_password_record_decode(salt, &m, &t, &p, genuine->data, genuine->len), "decode a record");
    check(cloak_password_record_encode(record, salt, memory_kib, iterations, parallelism), "the server's record");
}

/* The member's client is served `record`: the policy refuses it before Argon2id takes any memory or
 * time, so nothing is derived and no login key is sent. */
static void refuse_record(const struct member *m, const uint8_t record[CLOAK_PASSWORD_RECORDBYTES], const char *what,
                          double derive_ms)
{
    uint8_t master_key[CLOAK_KEYBYTES], login_key[CLOAK_KEYBYTES];
    struct timespec start;
    double ms;
    int rc;
    clock_gettime(CLOCK_MONOTONIC, &start);
    rc = derive(master_key, login_key, m->password, m->login, m->secret_key, record, CLOAK_PASSWORD_RECORDBYTES,
                client_policy);
    ms = milliseconds_since(&start);
    expect_status(rc, what, CLOAK_E_WEAK_PARAMS);
    printf("    %-58s in %.3f ms (a derivation at the defaults took %.0f ms): no Argon2id, nothing sent\n", "", ms,
           derive_ms);
}

static int same_key(const uint8_t a[CLOAK_KEYBYTES], const uint8_t b[CLOAK_KEYBYTES])
{
    return memcmp(a, b, CLOAK_KEYBYTES) == 0;
}

static void print_key_start(const char *label, const uint8_t key[CLOAK_KEYBYTES])
{
    int i;
    printf("    %-58s ", label);
    for (i = 0; i < 8; i++) {
        printf("%02x", key[i]);
    }
    printf("...\n");
}

/* Step 12: what a server that chooses records (and holds its whole store) can still get from
 * passwords. */
static void malicious_server_passwords(const struct store *server, const struct member *alice, const struct member *bob)
{
    const struct entry *alice_record = store_get(server, "user", alice->name, "password record");
    const struct entry *bob_record = store_get(server, "user", bob->name, "password record");
    const struct entry *alice_login = store_get(server, "user", alice->name, "login key");
    const struct entry *wrapped_identity = store_get(server, "user", alice->name, "wrapped identity key");
    const struct entry *wrapped_encryption = store_get(server, "user", alice->name, "wrapped encryption key");
    const struct entry *wrapped_account = store_get(server, "service account", "ci-deploy", "wrapped key");
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t guess_master[CLOAK_KEYBYTES], guess_login[CLOAK_KEYBYTES];
    uint8_t other_master[CLOAK_KEYBYTES], other_login[CLOAK_KEYBYTES];
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES], identity_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t encryption_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES], xwing_pk[CLOAK_XWING_PUBLICKEYBYTES];
    struct timespec start;
    double derive_ms;

    /* (c) first, because its derivation also times the refusals of (a) and (b). The server serves
     * Bob's account Alice's record, salt and all. Suppose they picked the same password (here
     * Alice's) and neither had a secret key: one Argon2id of a guess under that salt would then test
     * both accounts. The account id goes into the salt, so the two derivations share nothing. */
    clock_gettime(CLOCK_MONOTONIC, &start);
    check(derive(guess_master, guess_login, alice->password, alice->login, NULL, alice_record->data,
                 alice_record->len, client_policy),
          "Alice's password, her record, no secret key");
    derive_ms = milliseconds_since(&start);
    check(derive(other_master, other_login, alice->password, bob->login, NULL, alice_record->data, alice_record->len,
                 client_policy),
          "the same password and record under Bob's account id");

    /* (a) A record at the hard minimum, 16 MiB and one pass: each guess about 12 times cheaper
     * than at the defaults, and the login key the client would send is made with it. */
    forged_record(record, bob_record, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, CLOAK_PASSWORD_PARALLELISM_DEFAULT);
    refuse_record(bob, record, "(a) Bob is served 16 MiB x 1 pass (cheaper guesses)", derive_ms);
    /* (b) A record at 1 GiB and 16 passes: seconds of a phone's CPU per login, a denial of service. */
    forged_record(record, bob_record, CLOAK_PASSWORD_MEMORY_KIB_MAX, CLOAK_PASSWORD_ITERATIONS_MAX,
                  CLOAK_PASSWORD_PARALLELISM_DEFAULT);
    refuse_record(bob, record, "(b) Bob is served 1 GiB x 16 passes (a stall)", derive_ms);

    printf("    (c) Bob is served Alice's record and salt; one password, no secret keys:\n");
    print_key_start("    login key under account id alice@example.com", guess_login);
    print_key_start("    login key under account id bob@example.com", other_login);
    if (same_key(guess_master, other_master) || same_key(guess_login, other_login)) {
        fprintf(stderr, "FAILED: two account ids with one salt and password gave the same key\n");
        exit(1);
    }
    printf("    %-58s unrelated: one Argon2id per guess per account\n", "");

    /* (d) The server's whole store and Alice's right password, but not her secret key (it never left
     * her devices): the guess's keys open nothing and its login key is not the one stored, so the
     * store cannot even confirm that the password is right. */
    if (same_key(guess_login, alice_login->data)) {
        fprintf(stderr, "FAILED: the login key was derived without the secret key\n");
        exit(1);
    }
    printf("    %-58s not the login key the server holds\n", "(d) the right password, no secret key: its login key");
    expect_status(cloak_identity_unwrap(pk, identity_sk, guess_master, wrapped_identity->data, wrapped_identity->len),
                  "(d) ... its master key on Alice's wrapped identity key", CLOAK_E_WRONG_KEY);
    expect_status(cloak_xwing_unwrap(xwing_pk, encryption_sk, guess_master, wrapped_encryption->data,
                                     wrapped_encryption->len),
                  "(d) ... on Alice's wrapped encryption key", CLOAK_E_WRONG_KEY);
    expect_status(cloak_service_account_xwing_unwrap(xwing_pk, encryption_sk, guess_master, wrapped_account->data,
                                                     wrapped_account->len),
                  "(d) ... on the service account's wrapped key", CLOAK_E_WRONG_KEY);
    memset(guess_master, 0, sizeof guess_master);
    memset(guess_login, 0, sizeof guess_login);
    memset(other_master, 0, sizeof other_master);
    memset(other_login, 0, sizeof other_login);
}

/* ---- an account under a weaker policy ------------------------------------------------------------ */

/* Step 13: Carol registered under an older release of the application, whose policy accepted 16 MiB
 * and one pass. The release with the library's defaults refuses her record, so it derives once under
 * the old policy, makes a new record and moves her wrapped keys to the new master key: the private
 * keys never leave the library, and her emergency kit stays valid. */
static void upgrade_account(struct store *server, struct member *carol)
{
    uint8_t legacy_policy[CLOAK_PASSWORD_POLICYBYTES];
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], new_record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t old_master[CLOAK_KEYBYTES], login_key[CLOAK_KEYBYTES];
    uint8_t wrapped_identity[CLOAK_WRAPPED_KEYBYTES], wrapped_encryption[CLOAK_WRAPPED_KEYBYTES];
    uint8_t identity_pk[CLOAK_IDENTITY_PUBLICKEYBYTES], identity_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t encryption_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], encryption_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    const struct entry *old_record, *stored_login, *stored_identity, *stored_encryption;

    /* The older release's policy: the hard minimum as its floor, the library's ceiling. */
    check(cloak_password_policy_init(legacy_policy, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN,
                                     CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX, CLOAK_PASSWORD_POLICY_COST_MAX,
                                     CLOAK_PASSWORD_POLICY_ITERATIONS_MAX, CLOAK_PASSWORD_POLICY_PARALLELISM_MAX),
          "the older release's policy");

    /* Registration under that release: 16 MiB and one pass. */
    register_member(server, carol, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, legacy_policy);
    old_record = store_get(server, "user", carol->name, "password record");
    memcpy(record, old_record->data, sizeof record);
    printf("    Carol registered under an older release (policy floor 16 MiB x 1 pass)\n");

    /* The new release: the default policy refuses her record, as it would a hostile server's. */
    expect_status(cloak_password_record_check(record, sizeof record, client_policy),
                  "Carol's record under the default policy", CLOAK_E_WEAK_PARAMS);

    /* The upgrade: one derivation under the older policy (the application allows it for this
     * account's upgrade only), a new record at the defaults, a derivation under the default
     * policy, and every wrapped key moved. The server takes the new record, login key and wrapped
     * keys in one change, authorised by the old login key, and keeps none of the old ones: they
     * would stay an oracle at the old, lower cost. */
    stored_login = store_get(server, "user", carol->name, "login key");
    check(derive(old_master, login_key, carol->password, carol->login, carol->secret_key, record, sizeof record,
                 legacy_policy),
          "Carol's derivation under the older policy, to upgrade");
    if (!same_key(login_key, stored_login->data)) {
        fprintf(stderr, "FAILED: the server would not accept Carol's old login key\n");
        exit(1);
    }
    check(cloak_password_record_new(new_record, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                                    CLOAK_PASSWORD_PARALLELISM_DEFAULT),
          "Carol's new record");
    check(cloak_password_record_check(new_record, sizeof new_record, client_policy), "the new record's policy check");
    check(derive(carol->master_key, login_key, carol->password, carol->login, carol->secret_key, new_record,
                 sizeof new_record, client_policy),
          "Carol's derivation under the default policy");
    store_forbid(server, carol->master_key, sizeof carol->master_key, "new master key");
    stored_identity = store_get(server, "user", carol->name, "wrapped identity key");
    stored_encryption = store_get(server, "user", carol->name, "wrapped encryption key");
    check(cloak_wrapped_key_rewrap(wrapped_identity, old_master, carol->master_key, stored_identity->data,
                                   stored_identity->len),
          "rewrap the identity key");
    check(cloak_wrapped_key_rewrap(wrapped_encryption, old_master, carol->master_key, stored_encryption->data,
                                   stored_encryption->len),
          "rewrap the encryption key");
    store_put(server, "user", carol->name, "password record", new_record, sizeof new_record);
    store_put(server, "user", carol->name, "login key", login_key, sizeof login_key);
    store_put(server, "user", carol->name, "wrapped identity key", wrapped_identity, sizeof wrapped_identity);
    store_put(server, "user", carol->name, "wrapped encryption key", wrapped_encryption, sizeof wrapped_encryption);

    /* The new master key opens the re-wrapped keys, and they are Carol's; the old one opens nothing. */
    check(cloak_identity_unwrap(identity_pk, identity_sk, carol->master_key, wrapped_identity, sizeof wrapped_identity),
          "the new master key on the re-wrapped identity key");
    check(cloak_encryption_unwrap(encryption_pk, encryption_sk, carol->master_key, wrapped_encryption,
                                  sizeof wrapped_encryption),
          "the new master key on the re-wrapped encryption key");
    if (memcmp(identity_pk, carol->identity_pk, sizeof identity_pk) != 0 ||
        memcmp(identity_sk, carol->identity_sk, sizeof identity_sk) != 0 ||
        memcmp(encryption_pk, carol->encryption_pk, sizeof encryption_pk) != 0 ||
        memcmp(encryption_sk, carol->encryption_sk, sizeof encryption_sk) != 0) {
        fprintf(stderr, "FAILED: the re-wrapped keys are not Carol's\n");
        exit(1);
    }
    printf("    Carol's keys re-wrapped under the new record (64 MiB x 3); the new master key opens both\n");
    expect_status(cloak_identity_unwrap(identity_pk, identity_sk, old_master, wrapped_identity,
                                        sizeof wrapped_identity),
                  "the old record's master key on her new identity key", CLOAK_E_WRONG_KEY);
    expect_status(cloak_encryption_unwrap(encryption_pk, encryption_sk, old_master, wrapped_encryption,
                                          sizeof wrapped_encryption),
                  "the old record's master key on her new encryption key", CLOAK_E_WRONG_KEY);
    memset(old_master, 0, sizeof old_master);
    memset(login_key, 0, sizeof login_key);
    memset(identity_sk, 0, sizeof identity_sk);
    memset(encryption_sk, 0, sizeof encryption_sk);
    memset(legacy_policy, 0, sizeof legacy_policy);
}

/* Step 14. Every share of the vault key so far went to X25519 keys (Bob's) or alongside them, and a
 * recorded X25519 share may be opened by a future quantum computer: moving to post-quantum only takes
 * X-Wing keys for everyone, then a rotation whose head sets the policy. */
static void post_quantum_move(struct store *server, const struct member *alice, struct member *bob,
                              struct head_view *alice_view, const cloak_vault *vault, struct account *account,
                              const char *const *names, size_t n_names)
{
    static struct head_view bob_view;
    uint8_t bundle[CLOAK_XWING_BUNDLEBYTES], wrapped[CLOAK_XWING_WRAPPED_KEYBYTES];
    uint8_t id_pk[CLOAK_IDENTITY_PUBLICKEYBYTES], enc_pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t old_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], pq_key[CLOAK_KEYBYTES], bob_key[CLOAK_KEYBYTES];
    uint8_t x_share[CLOAK_SHAREBYTES], *head;
    char key[2 * CLOAK_BLIND_INDEXBYTES + 1];
    size_t bundle_len, wrapped_len, enc_pk_len, head_len;
    uint64_t version;
    uint32_t bob_epoch = 2;
    struct roster roster = {{0}, 0, 0};
    cloak_vault pq_vault, bob_vault;
    uint8_t *old_bundle = copy_of(store_get(server, "user", bob->name, "bundle"));
    const size_t old_bundle_len = store_get(server, "user", bob->name, "bundle")->len;

    /* Bob's device makes the new key; the server keeps his old, validly signed bundle as well. */
    memcpy(old_pk, bob->encryption_pk, sizeof old_pk);
    bob->suite = CLOAK_SUITE_XWING;
    encryption_key_new(bob, bundle, &bundle_len, wrapped, &wrapped_len);
    store_forbid(server, bob->encryption_sk, sizeof bob->encryption_sk, "Bob's new encryption private key");
    store_put(server, "user", bob->name, "bundle", bundle, bundle_len);
    store_put(server, "user", bob->name, "wrapped encryption key", wrapped, wrapped_len);
    store_put(server, "user", bob->name, "old bundle", old_bundle, old_bundle_len);

    /* Alice verifies the new bundle; a head names Bob's X-Wing key (a roster change: an admin's). */
    bundle_verify_any(id_pk, enc_pk, &enc_pk_len, bundle, bundle_len, "verify Bob's new bundle");
    roster_add(&roster, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, alice->identity_pk, alice->encryption_pk,
               suite_pk_len(alice->suite));
    roster_add(&roster, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_WRITE, id_pk, enc_pk, enc_pk_len);
    roster_add(&roster, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, NULL, account->pk, account->pk_len);
    commit_head(server, alice, alice_view, VAULT_ID, vault, &roster);
    printf("    head v%llu names Bob's X-Wing key\n", (unsigned long long)cloak_head_version(view_head(alice_view)));

    /* A downgrade: the server serves Bob's old bundle. Its signature is valid; the roster refuses it. */
    bundle_verify_any(id_pk, enc_pk, &enc_pk_len, old_bundle, old_bundle_len, "verify Bob's old bundle");
    expect_status(cloak_head_check_recipient(view_head(alice_view), alice_view->blob, alice_view->len, id_pk, enc_pk,
                                             enc_pk_len),
                  "the server serves Bob's old X25519 bundle to share to", CLOAK_E_MISMATCH);

    /* The policy without a rotation: every reader refuses that head. */
    roster.policy = CLOAK_VAULT_POST_QUANTUM_ONLY;
    head = make_head(server, alice, alice_view, VAULT_ID, vault, &roster, &head_len, &version);
    expect_status(view_advance(alice_view, head, head_len), "a head that sets post-quantum only without a rotation",
                  CLOAK_E_MISMATCH);
    free(head);

    /* The rotation: epoch 3, every secret resealed, the head sets the policy, shares over X-Wing. The
     * fork's note of step 11 never reached the chain: the server drops it. */
    name_key(key, vault, "BOB_NOTE");
    store_delete(server, "secret", VAULT_ID, key);
    cloak_vault_key_generate(pq_key);
    store_forbid(server, pq_key, sizeof pq_key, "post-quantum vault key");
    check(cloak_vault_init(&pq_vault, pq_key, 3, bytes(VAULT_ID), strlen(VAULT_ID)), "vault init (epoch 3)");
    {
        const char *all[12];
        size_t i;
        for (i = 0; i < n_names; i++) {
            all[i] = names[i];
        }
        all[n_names] = "FEATURE_FLAGS";
        reseal_all(server, vault, &pq_vault, all, n_names + 1);
    }
    commit_head(server, alice, alice_view, VAULT_ID, &pq_vault, &roster);
    printf("    head v%llu: epoch %u, policy post-quantum only\n",
           (unsigned long long)cloak_head_version(view_head(alice_view)), cloak_head_epoch(view_head(alice_view)));
    store_delete(server, "share", NULL, VAULT_ID);
    share_vault(server, alice, alice_view, alice, pq_key, 3);
    share_vault(server, alice, alice_view, bob, pq_key, 3);
    expect_status(cloak_head_check_recipient(view_head(alice_view), alice_view->blob, alice_view->len,
                                             bob->identity_pk, old_pk, sizeof old_pk),
                  "sealing to Bob's old X25519 key in the post-quantum-only vault", CLOAK_E_POLICY);

    /* Bob, on a fresh device view, opens his X-Wing share; an X25519 share of the new key (from a
     * client that skipped the check) is refused by the same head. */
    open_vault(server, bob, alice->identity_pk, &bob_epoch, &bob_view, &bob_vault, bob_key);
    check(cloak_share_seal(x_share, pq_key, 3, bytes(VAULT_ID), strlen(VAULT_ID), old_pk, alice->identity_sk),
          "an X25519 share");
    expect_status(cloak_head_check_share(view_head(&bob_view), bob_view.blob, bob_view.len, bob->identity_pk, x_share,
                                         sizeof x_share),
                  "Bob is served an X25519 share in the post-quantum-only vault", CLOAK_E_POLICY);

    /* The service account's key was X-Wing from the start: a new snapshot at the new head. */
    issue_batch(server, "batch-4", alice, alice_view, &pq_vault, account, names, n_names);
    read_all(server, "batch-4", account, alice->identity_pk, n_names);

    cloak_vault_wipe(&pq_vault);
    cloak_vault_wipe(&bob_vault);
    view_free(&bob_view);
    memset(pq_key, 0, sizeof pq_key);
    memset(bob_key, 0, sizeof bob_key);
    free(old_bundle);
}

int main(int argc, char **argv)
{
    struct store *server;
    /* New keys are X-Wing keys; Bob's first client (like Carol's older release) made an X25519 one. */
    struct member alice = {.name = "alice", .login = "alice@example.com",
                           .password = "alice: correct horse battery staple", .suite = CLOAK_SUITE_XWING};
    struct member bob = {.name = "bob", .login = "bob@example.com", .password = "bob: Tr0ub4dor&3 but longer",
                         .suite = CLOAK_SUITE_X25519};
    struct member mallory = {.name = "mallory", .login = "mallory@example.com",
                             .password = "mallory: hunter2 hunter2 hunter2", .suite = CLOAK_SUITE_XWING};
    struct member carol = {.name = "carol", .login = "carol@example.com",
                           .password = "carol: a long and memorable passphrase", .suite = CLOAK_SUITE_X25519};
    static struct head_view alice_view, bob_view, mallory_view, sandbox_view;
    struct roster roster = {{0}, 0, 0};
    struct account account = {{0}, CLOAK_XWING_PUBLICKEYBYTES, "", 1, 1};
    uint8_t vault_key[CLOAK_KEYBYTES], bob_vault_key[CLOAK_KEYBYTES], new_vault_key[CLOAK_KEYBYTES];
    uint8_t mallory_vault_key[CLOAK_KEYBYTES], sandbox_key[CLOAK_KEYBYTES];
    uint8_t account_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    uint8_t account_blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    uint8_t wrapped_account[CLOAK_XWING_WRAPPED_KEYBYTES];
    uint8_t *old_bob_share, *old_api_token;
    size_t old_api_token_len, text_len, n_names = 0, i, count;
    char pair_code[CLOAK_PAIR_CODE_TEXTBYTES], pair_code_bob[CLOAK_PAIR_CODE_TEXTBYTES];
    const char *names[8];
    const char *export_dir = (argc > 2 && strcmp(argv[1], "--export") == 0) ? argv[2] : NULL;
    uint32_t bob_seen_epoch = 1, mallory_seen_epoch = 1;
    cloak_vault vault, bob_vault, mallory_vault, new_vault, sandbox;
    int status;

    check(cloak_init(), "cloak_init");
    if (argc > 1 && strcmp(argv[1], "--leak-check-demo") == 0) {
        return leak_check_demo();
    }
    cloak_password_policy_default(client_policy);
    server = store_new();
    printf("libcloak %s walkthrough (Argon2id: %s). The server's store holds only what a server would hold.\n",
           cloak_version_string(), cloak_password_kernel());

    step("1. Alice registers (account secret key for her emergency kit, Argon2id m=64 MiB t=3 p=4, identity "
         "and encryption keys)");
    register_member(server, &alice, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                    client_policy);

    step("2. Alice creates a vault: key of epoch 1, a share for herself, head v1 (roster: Alice, admin)");
    cloak_vault_key_generate(vault_key);
    store_forbid(server, vault_key, sizeof vault_key, "vault key");
    share_vault(server, &alice, NULL, &alice, vault_key, 1);
    check(cloak_vault_init(&vault, vault_key, 1, bytes(VAULT_ID), strlen(VAULT_ID)), "vault init");
    roster_add(&roster, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, alice.identity_pk, alice.encryption_pk,
               suite_pk_len(alice.suite));
    commit_head(server, &alice, &alice_view, VAULT_ID, &vault, &roster);

    step("3. Alice adds secrets, sealed under epoch 1; head v2 commits to them (Merkle root)");
    for (i = 0; i < sizeof initial_secrets / sizeof initial_secrets[0]; i++) {
        put_secret(server, &vault, VAULT_ID, initial_secrets[i].name, initial_secrets[i].value);
        names[n_names++] = initial_secrets[i].name;
    }
    put_names(server, &vault, names, n_names);
    commit_head(server, &alice, &alice_view, VAULT_ID, &vault, &roster);

    step("4. Bob and Mallory register");
    register_member(server, &bob, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                    client_policy);
    register_member(server, &mallory, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                    client_policy);

    step("5. Alice verifies their bundles (Bob's X25519, Mallory's X-Wing); head v3 adds them to the roster "
         "(write) with their keys' suites; she shares the vault to those keys");
    {
        const struct entry *bundle = store_get(server, "user", "bob", "bundle");
        uint8_t id_pk[32], enc_pk[CLOAK_XWING_PUBLICKEYBYTES];
        size_t enc_pk_len;
        bundle_verify_any(id_pk, enc_pk, &enc_pk_len, bundle->data, bundle->len, "verify Bob's bundle");
        cloak_identity_pair_code(pair_code, alice.identity_pk, id_pk);
        cloak_identity_pair_code(pair_code_bob, bob.identity_pk, alice.identity_pk);
        printf("    pair code Alice reads to Bob: %s\n", pair_code);
        if (strcmp(pair_code, pair_code_bob) != 0) {
            fprintf(stderr, "FAILED: Alice and Bob see different pair codes\n");
            return 1;
        }
        roster_add(&roster, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_WRITE, id_pk, enc_pk, enc_pk_len);
        bundle = store_get(server, "user", "mallory", "bundle");
        bundle_verify_any(id_pk, enc_pk, &enc_pk_len, bundle->data, bundle->len, "verify Mallory's bundle");
        roster_add(&roster, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_WRITE, id_pk, enc_pk, enc_pk_len);
        commit_head(server, &alice, &alice_view, VAULT_ID, &vault, &roster);
        share_vault(server, &alice, &alice_view, &bob, vault_key, 1);
        share_vault(server, &alice, &alice_view, &mallory, vault_key, 1);
    }

    step("6. Bob logs in on a new device (password and emergency kit), checks the chain of heads and reads a "
         "secret with its proof");
    log_in(server, &bob);
    open_vault(server, &bob, alice.identity_pk, &bob_seen_epoch, &bob_view, &bob_vault, bob_vault_key);
    {
        char *value = get_secret(server, &bob_view, &bob_vault, "DATABASE_URL");
        printf("    Bob read DATABASE_URL (%zu bytes), included in head v%llu\n", strlen(value),
               (unsigned long long)cloak_head_version(view_head(&bob_view)));
        if (strcmp(value, initial_secrets[0].value) != 0) {
            fprintf(stderr, "FAILED: Bob read another value\n");
            return 1;
        }
        free_value(value);
    }
    {
        const struct entry *share = store_get(server, "share", "bob", VAULT_ID);
        uint8_t k[CLOAK_KEYBYTES];
        uint32_t epoch;
        expect_status(cloak_share_open(k, &epoch, share->data, share->len, bytes(VAULT_ID), strlen(VAULT_ID),
                                       bob.encryption_pk, bob.encryption_sk, bob.identity_pk, 1),
                      "a share checked against an identity Bob did not pin", CLOAK_E_UNTRUSTED_SIGNER);
    }
    log_in(server, &mallory);
    open_vault(server, &mallory, alice.identity_pk, &mallory_seen_epoch, &mallory_view, &mallory_vault,
               mallory_vault_key);

    step("7. Alice creates a service account with an X-Wing key (head v4 adds it) and a batch bound to that head");
    cloak_xwing_keypair(account.pk, account_sk);
    store_forbid(server, account_sk, sizeof account_sk, "service-account private key");
    check(cloak_service_account_xwing_wrap(wrapped_account, alice.master_key, account_sk), "wrap the account key");
    store_put(server, "service account", "ci-deploy", "wrapped key", wrapped_account, sizeof wrapped_account);
    check(cloak_service_account_xwing_private_export(account_blob, account.pk, account_sk), "export the account key");
    check(cloak_text_encode(account.key_text, sizeof account.key_text, &text_len, account_blob, sizeof account_blob),
          "account key text");
    printf("    CI variable CLOAK_SERVICE_ACCOUNT_KEY = %.18s... (%zu characters, kept off the server)\n",
           account.key_text, text_len);
    roster_add(&roster, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, NULL, account.pk, account.pk_len);
    commit_head(server, &alice, &alice_view, VAULT_ID, &vault, &roster);
    issue_batch(server, "batch-1", &alice, &alice_view, &vault, &account, names, n_names);

    step("8. The CLI side reads its secrets: vault id, epoch, head version and expiry checked");
    read_all(server, "batch-1", &account, alice.identity_pk, n_names);

    step("9. Alice adds a secret (head v5) and a new snapshot for the account");
    put_secret(server, &vault, VAULT_ID, later_secret.name, later_secret.value);
    names[n_names++] = later_secret.name;
    put_names(server, &vault, names, n_names);
    commit_head(server, &alice, &alice_view, VAULT_ID, &vault, &roster);
    issue_batch(server, "batch-2", &alice, &alice_view, &vault, &account, names, n_names);
    read_all(server, "batch-2", &account, alice.identity_pk, n_names);

    step("10. Alice removes Mallory and rotates: epoch 2, every secret resealed, head v6, new shares");
    old_bob_share = copy_of(store_get(server, "share", "bob", VAULT_ID));
    {
        char key[2 * CLOAK_BLIND_INDEXBYTES + 1];
        const struct entry *e;
        name_key(key, &vault, "API_TOKEN");
        e = store_get(server, "secret", VAULT_ID, key);
        old_api_token = copy_of(e);
        old_api_token_len = e->len;
    }
    cloak_vault_key_generate(new_vault_key);
    store_forbid(server, new_vault_key, sizeof new_vault_key, "new vault key");
    check(cloak_vault_init(&new_vault, new_vault_key, 2, bytes(VAULT_ID), strlen(VAULT_ID)), "new vault init");
    reseal_all(server, &vault, &new_vault, names, n_names);
    {
        struct roster without = {{0}, 0, 0};
        roster_add(&without, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, alice.identity_pk, alice.encryption_pk,
                   suite_pk_len(alice.suite));
        roster_add(&without, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_WRITE, bob.identity_pk, bob.encryption_pk,
                   suite_pk_len(bob.suite));
        roster_add(&without, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, NULL, account.pk, account.pk_len);
        roster = without;
    }
    commit_head(server, &alice, &alice_view, VAULT_ID, &new_vault, &roster);
    store_delete(server, "share", NULL, VAULT_ID);
    share_vault(server, &alice, &alice_view, &alice, new_vault_key, 2);
    share_vault(server, &alice, &alice_view, &bob, new_vault_key, 2);
    store_delete(server, "batch", "ci-deploy", "batch-1");
    issue_batch(server, "batch-3", &alice, &alice_view, &new_vault, &account, names, n_names);
    read_all(server, "batch-3", &account, alice.identity_pk, n_names);
    cloak_vault_wipe(&bob_vault);
    open_vault(server, &bob, alice.identity_pk, &bob_seen_epoch, &bob_view, &bob_vault, bob_vault_key);
    {
        /* Mallory kept the old vault key: every secret now says it was made for another key. */
        char key[2 * CLOAK_BLIND_INDEXBYTES + 1];
        const struct entry *e;
        uint8_t value[256];
        size_t len;
        name_key(key, &new_vault, "API_TOKEN");
        e = store_get(server, "secret", VAULT_ID, key);
        expect_status(cloak_secret_open(&mallory_vault, value, sizeof value, &len, bytes("API_TOKEN"), 9, NULL, 0,
                                        e->data, e->len),
                      "Mallory's old vault key on a rotated secret", CLOAK_E_WRONG_KEY);
        if (store_find(server, "share", "mallory", VAULT_ID) != NULL) {
            fprintf(stderr, "FAILED: Mallory still has a share\n");
            return 1;
        }
    }

    step("11. A malicious server: each of its lies is refused");
    {
        /* An old share: Bob has seen epoch 2, so the pre-rotation key (which Mallory kept) is stale. */
        uint8_t k[CLOAK_KEYBYTES];
        uint32_t epoch;
        expect_status(cloak_share_open(k, &epoch, old_bob_share, CLOAK_SHAREBYTES, bytes(VAULT_ID), strlen(VAULT_ID),
                                       bob.encryption_pk, bob.encryption_sk, alice.identity_pk, bob_seen_epoch),
                      "Bob is served his epoch-1 share (he has seen epoch 2)", CLOAK_E_STALE);
    }
    expect_status(account_read_batch(server, "batch-2", &account, alice.identity_pk, &count),
                  "the account is served batch-2 (head v5; it has read v6)", CLOAK_E_STALE);
    {
        /* Another vault's genuine batch for the same account: a sandbox Alice also runs. */
        struct roster sandbox_roster = {{0}, 0, 0};
        const char *one = "DATABASE_URL";
        cloak_vault_key_generate(sandbox_key);
        store_forbid(server, sandbox_key, sizeof sandbox_key, "sandbox vault key");
        check(cloak_vault_init(&sandbox, sandbox_key, 1, bytes("vault:acme-sandbox"), 18), "sandbox init");
        put_secret(server, &sandbox, "vault:acme-sandbox", one, "postgres://sandbox@attacker-reachable:5432/app");
        roster_add(&sandbox_roster, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN, alice.identity_pk,
                   alice.encryption_pk, suite_pk_len(alice.suite));
        roster_add(&sandbox_roster, CLOAK_ROSTER_SERVICE_ACCOUNT, 0, NULL, account.pk, account.pk_len);
        commit_head(server, &alice, &sandbox_view, "vault:acme-sandbox", &sandbox, &sandbox_roster);
        issue_batch(server, "sandbox", &alice, &sandbox_view, &sandbox, &account, &one, 1);
        expect_status(account_read_batch(server, "sandbox", &account, alice.identity_pk, &count),
                      "the account is served the sandbox vault's batch", CLOAK_E_MISMATCH);
    }
    {
        /* A rolled-back secret: the pre-rotation blob of API_TOKEN put back in its place. */
        char key[2 * CLOAK_BLIND_INDEXBYTES + 1];
        uint8_t *current;
        size_t current_len;
        char *value;
        name_key(key, &bob_vault, "API_TOKEN");
        current = copy_of(store_get(server, "secret", VAULT_ID, key));
        current_len = store_get(server, "secret", VAULT_ID, key)->len;
        store_put(server, "secret", VAULT_ID, key, old_api_token, old_api_token_len);
        value = try_get_secret(server, &bob_view, &bob_vault, "API_TOKEN", &status);
        if (value != NULL) {
            free_value(value);
        }
        expect_status(status, "Bob is served API_TOKEN from before rotation: its proof", CLOAK_E_MISMATCH);
        store_put(server, "secret", VAULT_ID, key, current, current_len);
        free(current);
    }
    {
        /* An old head as if it were the next one. */
        const struct entry *old = store_get(server, "head", VAULT_ID, "v5");
        expect_status(view_advance(&bob_view, old->data, old->len), "Bob is served head v5 as the successor of v6", CLOAK_E_STALE);
    }
    {
        /* An omitted secret: the server claims SMTP_PASSWORD's neighbours are adjacent. */
        uint8_t index[CLOAK_BLIND_INDEXBYTES], proof[CLOAK_MERKLE_ABSENCE_PROOFBYTES_MAX];
        size_t proof_len;
        blind_index(index, &bob_vault, later_secret.name);
        proof_len = server_lie_absent(server, VAULT_ID, index, proof);
        expect_status(cloak_merkle_verify_absence(view_head(&bob_view), index, proof, proof_len),
                      "Bob is told SMTP_PASSWORD is absent: the absence proof", CLOAK_E_MISMATCH);
    }
    {
        /* A fork: the server accepts Bob's change and Alice's on the same head v6 and keeps them
         * apart; their views meet when Bob is served Alice's next head, which chains to her v7. */
        size_t len;
        uint64_t version;
        uint8_t *fork;
        put_secret(server, &new_vault, VAULT_ID, "FEATURE_FLAGS", "beta-search=on");
        commit_head(server, &alice, &alice_view, VAULT_ID, &new_vault, &roster);
        put_secret(server, &bob_vault, VAULT_ID, "BOB_NOTE", "rotate the staging token on friday");
        fork = make_head(server, &bob, &bob_view, VAULT_ID, &bob_vault, &roster, &len, &version);
        store_put(server, "head", VAULT_ID, "v7 (fork for bob)", fork, len);
        check(view_advance(&bob_view, fork, len), "Bob takes the fork's v7 (he cannot tell yet)");
        free(fork);
        commit_head(server, &alice, &alice_view, VAULT_ID, &new_vault, &roster);
        {
            const struct entry *next = store_get(server, "head", VAULT_ID, "v8");
            expect_status(view_advance(&bob_view, next->data, next->len), "Bob, on a forked v7, is served Alice's v8",
                          CLOAK_E_MISMATCH);
        }
    }

    step("12. A malicious server against passwords: the cost policy, the account-bound salt, the secret key");
    malicious_server_passwords(server, &alice, &bob);

    step("13. An account created under a weaker policy is upgraded (legacy derive, new record, rewrap)");
    upgrade_account(server, &carol);

    step("14. Bob moves to an X-Wing key; once every key is X-Wing, Alice rotates and makes the vault "
         "post-quantum only");
    post_quantum_move(server, &alice, &bob, &alice_view, &new_vault, &account, names, n_names);

    if (export_dir != NULL) {
        export_for_cli(server, export_dir, "batch-4", "batch-3", account.key_text, alice.identity_pk);
    }

    step("The server's store at the end");
    store_print(server);
    printf("\nNo password, account secret key, master key, private key, vault key or secret value ever reached "
           "the store (%zu writes checked against %zu forbidden values).\n",
           store_writes(server), store_forbidden_count(server));

    cloak_vault_wipe(&vault);
    cloak_vault_wipe(&bob_vault);
    cloak_vault_wipe(&mallory_vault);
    cloak_vault_wipe(&new_vault);
    cloak_vault_wipe(&sandbox);
    view_free(&alice_view);
    view_free(&bob_view);
    view_free(&mallory_view);
    view_free(&sandbox_view);
    free(old_bob_share);
    free(old_api_token);
    memset(&alice, 0, sizeof alice);
    memset(&bob, 0, sizeof bob);
    memset(&mallory, 0, sizeof mallory);
    memset(&carol, 0, sizeof carol);
    memset(vault_key, 0, sizeof vault_key);
    memset(bob_vault_key, 0, sizeof bob_vault_key);
    memset(mallory_vault_key, 0, sizeof mallory_vault_key);
    memset(new_vault_key, 0, sizeof new_vault_key);
    memset(sandbox_key, 0, sizeof sandbox_key);
    memset(account_sk, 0, sizeof account_sk);
    memset(&account, 0, sizeof account);
    store_free(server);
    printf("walkthrough complete\n");
    return 0;
}
