/*
 * Builds the fixture the cloak CLI test drives, with libcloak as a real deployment would: a member
 * with an identity and a vault of three secrets, a service account whose key pair is made on "its"
 * machine, a batch the member re-encrypts for it, and the damaged or hostile variants a reader must
 * refuse. Usage: make_fixture DIR (DIR must exist).
 *
 * Written files (text forms, one per line; key files mode 0600):
 *   member.identity, untrusted.identity   cloak-identity-... of the signer and of a stranger
 *   account.key, account.pub               the service account (cloak-accountkey / cloak-pubkey), an
 *                                          X-Wing key (suite 2) as cloak keygen makes by default
 *   other.key                              another service account's key (X-Wing)
 *   account-x25519.key, account-x25519.pub a service account with an X25519 key (suite 1)
 *   batch.txt                              the vault's 3 secrets for the account, signed by the member,
 *                                          at epoch 2, head version 5 (no vault line)
 *   batch-x25519.txt                       the same secrets for the X25519 account (suite 1)
 *   batch-mixed-suite.txt                  batch.txt with its first item taken from batch-x25519.txt
 *   batch-named.txt                        the same with the line "vault acme/production"
 *   batch-named-other.txt                  the same with a vault line naming acme/staging
 *   batch-other-vault.txt                  a genuine batch of the vault acme/sandbox (vault line
 *                                          "vault acme/production", as a lying server would write)
 *   batch-old.txt                          epoch 1, head version 2: what a replaying server serves
 *   batch-new.txt                          epoch 2, head version 6
 *   batch-fork.txt                         head version 5 again, but of another head (a fork)
 *   batch-expired.txt                      expired in 1970
 *   batch-untrusted.txt                    the same, signed by the stranger
 *   batch-badname.txt                      a secret whose name is not a valid variable name
 *   batch-multiline.txt                    a value with newlines and quotes
 *   batch-hostile.txt, hostile.hex         values that try to break each output format, and each
 *                                          value as NAME HEX lines
 *   batch-dollar.txt, dollar.hex           a value with $NAME, ${NAME} and $$
 *   batch-binary.txt, binary.hex           a value that is not UTF-8
 *   batch-nul.txt                          a value with a NUL byte
 *   batch-dup.txt                          a name twice
 *   batch-shellvar.txt                     a secret named UID (read-only in bash)
 *   batch-takeover.txt, takeover-names.txt every name of takeover-names.txt (names that would take
 *                                          over a command), plus SAFE_NAME
 *   leaks-formats.txt                      fragments of those values, for leak checks
 *   batch-v3.txt, batch-item-v3.txt        batch line / one item line with format version 3
 *   batch-forged-item.txt                  an item altered and re-encoded with a valid checksum
 *   batch-forged-batch.txt                 the batch's manifest altered, re-encoded
 *   batch-mixed.txt                        an item of another batch for the same account
 *   values.txt                             every secret value (each line of each), for leak checks
 *
 * Every batch file but batch-x25519.txt is sealed to the X-Wing account.
 *
 * Links libsodium to write version-3 text forms, which libcloak (rightly) refuses to encode, and for
 * the random head hashes the batches bind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>

#include "cloak.h"

#define VAULT_ID "acme/production"

struct named_value {
    const char *name;
    const char *value;
    size_t value_len; /* 0: strlen(value) (a value with a NUL byte gives its length) */
};

/* The vault's secrets. Values are distinctive so a leak into any output is found by grep. */
static const struct named_value vault_secrets[] = {
    {"DATABASE_URL", "postgres://app:Xq9-db-secret-4471@db.internal:5432/prod", 0},
    {"API_TOKEN", "tok_live_8f2bQ7 with spaces 'single' \"double\" $HOME `cmd`", 0},
    {"STRIPE_KEY", "sk_live_51Hs3cr3tZZtop9", 0},
};
#define SECRET_COUNT (sizeof(vault_secrets) / sizeof(vault_secrets[0]))

static const struct named_value badname_secrets[] = {
    {"GOOD_NAME", "good-value-Jm4kT0p", 0},
    {"BAD-NAME", "bad-name-value-Pq8sR1x", 0},
};

static const struct named_value multiline_secrets[] = {
    {"TLS_KEY", "-----BEGIN KEY-----\nMIIEmultiLineSecretAbc123\nit's \"quoted\"\n-----END KEY-----", 0},
};

/* Values that try to break each output format of cloak env (and cloak inject): quotes, backslashes,
 * command substitution, line breaks that would start a new assignment, comment marks, edge spaces,
 * control characters, YAML and JSON specials, and names YAML 1.1 reads as booleans or null. Every
 * value is valid UTF-8 and holds no $NAME, ${ or $$ (what environment.d would expand), so every
 * format but plain (which refuses line breaks) carries them all. */
static const struct named_value hostile_secrets[] = {
    {"H_SQUOTE", "it's a 'single-quoted' value", 0},
    {"H_DQUOTE", "say \"hi\" and \\\"escaped\\\"", 0},
    {"H_BACKSLASH", "C:\\path\\to\\ \\\\ \\n \\x41 trailing\\", 0},
    {"H_SUBST", "$(touch hostile-pwned) `touch hostile-pwned` $ $( $-", 0},
    {"H_NEWLINE", "line1\nLD_PRELOAD=/tmp/evil-newline.so\nexport EVIL_NL=1", 0},
    {"H_CR", "before\rLD_PRELOAD=/tmp/evil-cr.so", 0},
    {"H_CRLF", "crlf\r\nEVIL_CRLF=1\r\n", 0},
    {"H_HASH", "#not-a-comment # really", 0},
    {"H_SPACES", "  leading and trailing  ", 0},
    {"H_TAB", "\ttabbed\t", 0},
    {"H_EMPTY", "", 0},
    {"no", "no", 0},
    {"on", "0123", 0},
    {"y", "~", 0},
    {"NULL", "null", 0},
    {"H_TRUE", "true", 0},
    {"H_FLOAT", "1e3", 0},
    {"H_YAML", "- item: [1, {a: b}] &x *x !!binary %YAML @ ` | > ? : , ---", 0},
    {"H_JSON", "{\"k\": [1, 2], \"u\": \"\\u0041\"}\x7f", 0},
    {"H_UNICODE", "\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 nel\xc2\x85 ls\xe2\x80\xa8 ps\xe2\x80\xa9 bom\xef\xbb\xbf c1\xc2\x9b", 0},
    {"H_CTRL", "\x01\x02\x1b[31m\x07\x08\x0b\x0c", 0},
    {"H_EQUALS", "=a=b=", 0},
    {"H_DOLLAR_END", "price$", 0},
};
#define HOSTILE_COUNT (sizeof(hostile_secrets) / sizeof(hostile_secrets[0]))

/* Values that only some formats carry: $NAME (dotenv refuses: environment.d expands it), bytes that
 * are not UTF-8 (dotenv, json and yaml refuse), a NUL byte (every format refuses). */
static const struct named_value dollar_secrets[] = {
    {"D_VAR", "x$HOME ${PATH} $$ $1-dollar-value", 0},
};
static const struct named_value binary_secrets[] = {
    {"B_BYTES", "bin\xff\xfe\x80\xc0\xaf-binary-value", 0},
};
static const struct named_value nul_secrets[] = {
    {"N_NUL", "before-nul\0after-nul-value", 26},
};

/* A name bash keeps for itself (read-only there): the shell formats cannot set it. */
static const struct named_value shellvar_secrets[] = {
    {"UID", "uid-special-value", 0},
};

/* A name twice (the vault is broken or hostile). */
static const struct named_value dup_secrets[] = {
    {"DUP_NAME", "first-dup-value", 0},
    {"OTHER_NAME", "other-dup-value", 0},
    {"DUP_NAME", "second-dup-value", 0},
};

/* Names that would take over the command (docs/cli.md's list), and one that would not. */
static const char *const takeover_names[] = {
    "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV", "ENV", "BASH_FUNC_foo", "SHELLOPTS", "BASHOPTS", "PS4",
    "PROMPT_COMMAND", "IFS", "CDPATH", "GLOBIGNORE", "PATH", "NODE_OPTIONS", "NODE_PATH", "PYTHONPATH",
    "PYTHONSTARTUP", "PYTHONHOME", "PERL5LIB", "PERL5OPT", "PERLLIB", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "GIT_SSH_COMMAND", "GIT_SSH", "GIT_EXEC_PATH",
    "GIT_CONFIG_COUNT", "GIT_CONFIG_GLOBAL", "GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS", "GCONV_PATH", "LOCPATH",
    "HOSTALIASES", "MALLOC_CHECK_", "GLIBC_TUNABLES", "LESSOPEN", "EDITOR", "VISUAL", "PAGER", "CLOAK_TRUST",
    "CLOAK_KEYRING", "ld_preload", "HOME", "SSL_CERT_FILE", "NPM_CONFIG_SCRIPT_SHELL", "MAKEFLAGS", "CC",
    "RUSTC_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER", "GOPROXY", "PIP_INDEX_URL", "KUBE_EDITOR",
};
#define TAKEOVER_COUNT (sizeof(takeover_names) / sizeof(takeover_names[0]))

static const char *out_dir;

static void die(const char *what, int rc)
{
    fprintf(stderr, "make_fixture: %s: %s\n", what, rc < 0 ? cloak_status_string(rc) : "failed");
    exit(1);
}

static void check(int rc, const char *what)
{
    if (rc != CLOAK_OK) {
        die(what, rc);
    }
}

static FILE *create(const char *name, int private_file)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", out_dir, name);
    f = fopen(path, "w");
    if (f == NULL) {
        die(path, 1);
    }
    if (chmod(path, private_file ? 0600 : 0644) != 0) {
        die(path, 1);
    }
    return f;
}

static void finish(FILE *f, const char *name)
{
    if (fflush(f) != 0 || ferror(f) || fclose(f) != 0) {
        die(name, 1);
    }
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL) {
        die("malloc", 1);
    }
    return p;
}

/* The text form of a blob, in a new buffer. */
static char *to_text(const uint8_t *blob, size_t blob_len)
{
    size_t cap = cloak_text_encoded_len(blob_len);
    size_t len = 0;
    char *text = xmalloc(cap);

    check(cloak_text_encode(text, cap, &len, blob, blob_len), "text encode");
    return text;
}

/* The text form as docs/protocol.md section 3 defines it, for blobs libcloak will not encode (an
 * unknown format version): "cloak-<name>-" base64url(blob || SHA-256(lp8(label) || blob)[0..4]). */
static char *to_text_raw(const char *type_name, const uint8_t *blob, size_t blob_len)
{
    static const char label[] = "libcloak v2 text";
    crypto_hash_sha256_state st;
    uint8_t digest[crypto_hash_sha256_BYTES];
    uint8_t lp = (uint8_t)(sizeof(label) - 1U);
    uint8_t *buf = xmalloc(blob_len + 4U);
    size_t b64_cap = sodium_base64_encoded_len(blob_len + 4U, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    size_t prefix = strlen("cloak-") + strlen(type_name) + 1U;
    char *text = xmalloc(prefix + b64_cap);

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &lp, 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)label, sizeof(label) - 1U);
    crypto_hash_sha256_update(&st, blob, blob_len);
    crypto_hash_sha256_final(&st, digest);
    memcpy(buf, blob, blob_len);
    memcpy(buf + blob_len, digest, 4);
    snprintf(text, prefix + 1U, "cloak-%s-", type_name);
    sodium_bin2base64(text + prefix, b64_cap, buf, blob_len + 4U, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(buf);
    return text;
}

struct member {
    uint8_t identity_pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t identity_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t encryption_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    uint8_t encryption_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    uint8_t bundle[CLOAK_BUNDLEBYTES];
};

static void member_new(struct member *m)
{
    cloak_identity_keypair(m->identity_pk, m->identity_sk);
    cloak_encryption_keypair(m->encryption_pk, m->encryption_sk);
    check(cloak_bundle_create(m->bundle, m->identity_sk, m->encryption_pk), "bundle");
}

static void write_identity(const char *name, const struct member *m)
{
    uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
    FILE *f = create(name, 0);
    char *text;

    cloak_identity_public_export(blob, m->identity_pk);
    text = to_text(blob, sizeof(blob));
    fprintf(f, "%s\n", text);
    free(text);
    finish(f, name);
}

/* A service account of either suite: the X-Wing public key's room holds an X25519 one. */
struct account {
    uint32_t suite;
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t sk[CLOAK_XWING_SECRETKEYBYTES];
};

static void account_new(struct account *a, uint32_t suite)
{
    memset(a, 0, sizeof(*a));
    a->suite = suite;
    if (suite == CLOAK_SUITE_XWING) {
        cloak_xwing_keypair(a->pk, a->sk);
    } else {
        cloak_encryption_keypair(a->pk, a->sk);
    }
}

static void write_account(const struct account *a, const char *key_name, const char *pub_name)
{
    uint8_t blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    uint8_t pub[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES];
    size_t blob_len = CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES;
    size_t pub_len = CLOAK_PUBLIC_KEY_BLOBBYTES;
    FILE *f;
    char *text;

    if (a->suite == CLOAK_SUITE_XWING) {
        blob_len = CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES;
        pub_len = CLOAK_XWING_PUBLIC_KEY_BLOBBYTES;
        check(cloak_service_account_xwing_private_export(blob, a->pk, a->sk), "account export");
        check(cloak_xwing_public_export(pub, a->pk), "public export");
    } else {
        check(cloak_service_account_private_export(blob, a->pk, a->sk), "account export");
        cloak_encryption_public_export(pub, a->pk);
    }
    f = create(key_name, 1);
    text = to_text(blob, blob_len);
    fprintf(f, "%s\n", text);
    free(text);
    finish(f, key_name);
    sodium_memzero(blob, sizeof(blob));
    if (pub_name != NULL) {
        f = create(pub_name, 0);
        text = to_text(pub, pub_len);
        fprintf(f, "%s\n", text);
        free(text);
        finish(f, pub_name);
    }
}

/* A batch as blobs, kept so variants can be made from it. */
struct batch_blobs {
    uint8_t *batch;
    size_t batch_len;
    uint8_t **items;
    size_t *item_lens;
    size_t count;
};

/* The vault head a batch is a snapshot of: the fixture needs no real head, only the values a batch
 * binds (a member's client takes them from the head it has just verified). */
struct head_ref {
    const char *vault_id;
    uint32_t epoch;
    uint64_t version;
    uint8_t hash[CLOAK_HEAD_HASHBYTES];
    uint64_t expiry;
};

/* Seals the secrets in the member's vault, then re-encrypts them for the account: what a member's
 * client does when it grants a service account access to a vault. */
static void make_batch(struct batch_blobs *out, const struct member *signer, const struct account *a,
                       const uint8_t vault_key[CLOAK_KEYBYTES], const struct head_ref *head,
                       const struct named_value *secrets, size_t count)
{
    cloak_vault vault;
    cloak_batch writer;
    uint8_t *digests = xmalloc(count * CLOAK_BATCH_DIGESTBYTES);
    const uint8_t *vault_id = (const uint8_t *)head->vault_id;
    size_t vault_id_len = strlen(head->vault_id);
    size_t i;

    memset(out, 0, sizeof(*out));
    out->items = xmalloc(count * sizeof(*out->items));
    out->item_lens = xmalloc(count * sizeof(*out->item_lens));
    check(cloak_vault_init(&vault, vault_key, head->epoch, vault_id, vault_id_len), "vault init");
    if (a->suite == CLOAK_SUITE_XWING) {
        check(cloak_batch_begin_xwing(&writer, a->pk, signer->identity_pk, vault_id, vault_id_len, head->epoch,
                                      head->version, head->hash, head->expiry),
              "batch begin");
    } else {
        check(cloak_batch_begin(&writer, a->pk, signer->identity_pk, vault_id, vault_id_len, head->epoch,
                                head->version, head->hash, head->expiry),
              "batch begin");
    }
    for (i = 0; i < count; i++) {
        const uint8_t *name = (const uint8_t *)secrets[i].name;
        size_t name_len = strlen(secrets[i].name);
        size_t value_len = secrets[i].value_len != 0 ? secrets[i].value_len : strlen(secrets[i].value);
        size_t sealed_cap = cloak_secret_sealed_len(value_len);
        size_t sealed_len = 0;
        size_t opened_len = 0;
        uint32_t index = 0;
        uint8_t *sealed = xmalloc(sealed_cap);
        uint8_t *opened = xmalloc(cloak_secret_opened_len(sealed_cap));
        /* At rest in the vault, as the server would store it. */
        check(cloak_secret_seal(&vault, sealed, sealed_cap, &sealed_len, name, name_len, NULL, 0,
                                (const uint8_t *)secrets[i].value, value_len),
              "secret seal");
        check(cloak_secret_open(&vault, opened, cloak_secret_opened_len(sealed_cap), &opened_len, name, name_len, NULL,
                                0, sealed, sealed_len),
              "secret open");
        out->item_lens[i] = cloak_batch_item_len(name_len, opened_len);
        out->items[i] = xmalloc(out->item_lens[i]);
        check(cloak_batch_seal_item(&writer, out->items[i], out->item_lens[i], &out->item_lens[i], &index,
                                    digests + i * CLOAK_BATCH_DIGESTBYTES, name, name_len, opened, opened_len),
              "batch seal item");
        if (index != i) {
            die("batch seal item: indexes out of order in one thread", 1);
        }
        sodium_memzero(opened, cloak_secret_opened_len(sealed_cap));
        free(opened);
        free(sealed);
    }
    out->count = count;
    out->batch_len =
        a->suite == CLOAK_SUITE_XWING ? cloak_batch_len_xwing(vault_id_len, count) : cloak_batch_len(vault_id_len, count);
    out->batch = xmalloc(out->batch_len);
    check(cloak_batch_finish(&writer, out->batch, out->batch_len, &out->batch_len, digests, count, signer->identity_sk),
          "batch finish");
    cloak_vault_wipe(&vault);
    free(digests);
}

static void free_batch(struct batch_blobs *b)
{
    size_t i;

    for (i = 0; i < b->count; i++) {
        free(b->items[i]);
    }
    free(b->items);
    free(b->item_lens);
    free(b->batch);
}

/* Writes a batch file; batch_text / item_texts override the blobs' own text forms when not NULL. */
static void write_batch_file(const char *name, const struct batch_blobs *b, const char *vault_line,
                             const char *batch_text, char *const *item_texts)
{
    FILE *f = create(name, 0);
    char *text;
    size_t i;

    fprintf(f, "# cloak batch for the service account \"ci\"\n");
    fprintf(f, "# made by make_fixture\n\n");
    if (vault_line != NULL) {
        fprintf(f, "vault %s\n", vault_line);
    }
    if (batch_text != NULL) {
        fprintf(f, "%s\n", batch_text);
    } else {
        text = to_text(b->batch, b->batch_len);
        fprintf(f, "%s\n", text);
        free(text);
    }
    for (i = 0; i < b->count; i++) {
        if (item_texts != NULL && item_texts[i] != NULL) {
            fprintf(f, "%s\n", item_texts[i]);
        } else {
            text = to_text(b->items[i], b->item_lens[i]);
            fprintf(f, "%s\n", text);
            free(text);
        }
        if (i == 0) {
            fprintf(f, "\n# the rest of the items\n");
        }
    }
    finish(f, name);
}

/* A batch of the vault's secrets at another head (or vault), written as a file of its own. */
static void write_variant(const char *file, const struct member *signer, const struct account *a,
                          const uint8_t vault_key[CLOAK_KEYBYTES], const struct head_ref *head, const char *vault_line)
{
    struct batch_blobs b;

    make_batch(&b, signer, a, vault_key, head, vault_secrets, SECRET_COUNT);
    write_batch_file(file, &b, vault_line, NULL, NULL);
    free_batch(&b);
}

static void write_values(void)
{
    const struct named_value *all[3] = {vault_secrets, badname_secrets, multiline_secrets};
    const size_t counts[3] = {SECRET_COUNT, 2, 1};
    FILE *f = create("values.txt", 0);
    size_t i;
    size_t j;

    for (i = 0; i < 3; i++) {
        for (j = 0; j < counts[i]; j++) {
            const char *v = all[i][j].value;
            /* One line per line of the value, so grep -F -f finds a leak of any part. */
            while (*v != '\0') {
                size_t n = strcspn(v, "\n");
                fprintf(f, "%.*s\n", (int)n, v);
                v += n;
                if (*v == '\n') {
                    v++;
                }
            }
        }
    }
    finish(f, "values.txt");
}

/* The text form of a password record with the given costs and a fresh salt, for a keyring's
 * password line. */
static void write_record(const char *name, uint32_t memory_kib, uint32_t iterations, uint32_t parallelism)
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    char *text;
    FILE *f;

    check(cloak_password_record_new(record, memory_kib, iterations, parallelism), "password record");
    text = to_text(record, sizeof(record));
    f = create(name, 0);
    fprintf(f, "%s\n", text);
    finish(f, name);
    free(text);
}

/* One batch file of the given secrets, signed by the member, at the current head. */
static void write_secrets_batch(const char *file, const struct member *signer, const struct account *a,
                                const uint8_t vault_key[CLOAK_KEYBYTES], const struct head_ref *head,
                                const struct named_value *secrets, size_t count)
{
    struct batch_blobs b;

    make_batch(&b, signer, a, vault_key, head, secrets, count);
    write_batch_file(file, &b, NULL, NULL, NULL);
    free_batch(&b);
}

/* NAME HEX lines: each value exactly, for the format tests to compare what a reader got. */
static void write_hex(FILE *f, const struct named_value *secrets, size_t count)
{
    size_t i;
    size_t j;

    for (i = 0; i < count; i++) {
        size_t n = secrets[i].value_len != 0 ? secrets[i].value_len : strlen(secrets[i].value);
        fprintf(f, "%s ", secrets[i].name);
        for (j = 0; j < n; j++) {
            fprintf(f, "%02x", (unsigned)(unsigned char)secrets[i].value[j]);
        }
        fprintf(f, "\n");
    }
}

/* The format batches: hostile values, $NAME, non-UTF-8, NUL, a name twice, the takeover names. */
static void write_format_batches(const struct member *signer, const struct account *a,
                                 const uint8_t vault_key[CLOAK_KEYBYTES], const struct head_ref *head)
{
    /* Fragments of the values below that no message should ever hold (values.txt has the rest). */
    static const char *const leaks[] = {"single-quoted", "hostile-pwned", "evil-newline.so", "evil-cr.so",
                                        "EVIL_CRLF", "not-a-comment", "leading and trailing", "tabbed",
                                        "dollar-value", "binary-value", "before-nul", "after-nul-value",
                                        "dup-value", "takeover-value", "safe-value-Tk9",
                                        "uid-special-value"};
    struct named_value takeover[TAKEOVER_COUNT + 1U];
    char values[TAKEOVER_COUNT][32];
    FILE *f;
    size_t i;

    write_secrets_batch("batch-hostile.txt", signer, a, vault_key, head, hostile_secrets, HOSTILE_COUNT);
    write_secrets_batch("batch-dollar.txt", signer, a, vault_key, head, dollar_secrets, 1);
    write_secrets_batch("batch-binary.txt", signer, a, vault_key, head, binary_secrets, 1);
    write_secrets_batch("batch-nul.txt", signer, a, vault_key, head, nul_secrets, 1);
    write_secrets_batch("batch-dup.txt", signer, a, vault_key, head, dup_secrets, 3);
    write_secrets_batch("batch-shellvar.txt", signer, a, vault_key, head, shellvar_secrets, 1);
    takeover[0].name = "SAFE_NAME";
    takeover[0].value = "safe-value-Tk9";
    takeover[0].value_len = 0;
    for (i = 0; i < TAKEOVER_COUNT; i++) {
        snprintf(values[i], sizeof(values[i]), "takeover-value-%u", (unsigned)i);
        takeover[i + 1U].name = takeover_names[i];
        takeover[i + 1U].value = values[i];
        takeover[i + 1U].value_len = 0;
    }
    write_secrets_batch("batch-takeover.txt", signer, a, vault_key, head, takeover, TAKEOVER_COUNT + 1U);

    f = create("takeover-names.txt", 0);
    for (i = 0; i < TAKEOVER_COUNT; i++) {
        fprintf(f, "%s\n", takeover_names[i]);
    }
    finish(f, "takeover-names.txt");
    f = create("hostile.hex", 0);
    write_hex(f, hostile_secrets, HOSTILE_COUNT);
    finish(f, "hostile.hex");
    f = create("dollar.hex", 0);
    write_hex(f, dollar_secrets, 1);
    finish(f, "dollar.hex");
    f = create("binary.hex", 0);
    write_hex(f, binary_secrets, 1);
    finish(f, "binary.hex");
    f = create("leaks-formats.txt", 0);
    for (i = 0; i < sizeof(leaks) / sizeof(leaks[0]); i++) {
        fprintf(f, "%s\n", leaks[i]);
    }
    finish(f, "leaks-formats.txt");
}

int main(int argc, char **argv)
{
    struct member member;
    struct member stranger;
    struct account account;
    struct account other;
    struct account legacy;
    struct batch_blobs legacy_batch;
    struct batch_blobs good;
    struct batch_blobs variant;
    struct head_ref current;
    struct head_ref head;
    uint8_t vault_key[CLOAK_KEYBYTES];
    char *texts[8] = {NULL};
    char *text;
    uint8_t *copy;

    if (argc != 2) {
        fprintf(stderr, "usage: make_fixture DIR\n");
        return 2;
    }
    out_dir = argv[1];
    check(cloak_init(), "init");

    member_new(&member);
    member_new(&stranger);
    write_identity("member.identity", &member);
    write_identity("untrusted.identity", &stranger);

    /* The account's key pair is made where it runs; the member only ever sees the public key. X-Wing,
     * as cloak keygen makes by default; the X25519 account is one made before that. */
    account_new(&account, CLOAK_SUITE_XWING);
    account_new(&other, CLOAK_SUITE_XWING);
    account_new(&legacy, CLOAK_SUITE_X25519);
    write_account(&account, "account.key", "account.pub");
    write_account(&other, "other.key", NULL);
    write_account(&legacy, "account-x25519.key", "account-x25519.pub");

    cloak_vault_key_generate(vault_key);
    current.vault_id = VAULT_ID;
    current.epoch = 2;
    current.version = 5;
    randombytes_buf(current.hash, sizeof(current.hash));
    /* Ten years ahead: the test must not start failing when a fixed date passes. */
    current.expiry = (uint64_t)time(NULL) + 10U * 366U * 24U * 3600U;
    make_batch(&good, &member, &account, vault_key, &current, vault_secrets, SECRET_COUNT);
    write_batch_file("batch.txt", &good, NULL, NULL, NULL);
    write_batch_file("batch-named.txt", &good, VAULT_ID, NULL, NULL);
    write_batch_file("batch-named-other.txt", &good, "acme/staging", NULL, NULL);

    /* The same vault's secrets for the X25519 account, and one of its items put into the X-Wing
     * batch: authentic, of the right vault, but of another batch and suite. */
    make_batch(&legacy_batch, &member, &legacy, vault_key, &current, vault_secrets, SECRET_COUNT);
    write_batch_file("batch-x25519.txt", &legacy_batch, NULL, NULL, NULL);
    texts[0] = to_text(legacy_batch.items[0], legacy_batch.item_lens[0]);
    write_batch_file("batch-mixed-suite.txt", &good, NULL, NULL, texts);
    free(texts[0]);
    texts[0] = NULL;
    free_batch(&legacy_batch);

    /* The server's other powers: another vault's genuine batch, an old one, a forked history. */
    head = current;
    head.vault_id = "acme/sandbox";
    write_variant("batch-other-vault.txt", &member, &account, vault_key, &head, VAULT_ID);
    head = current;
    head.epoch = 1;
    head.version = 2;
    randombytes_buf(head.hash, sizeof(head.hash));
    write_variant("batch-old.txt", &member, &account, vault_key, &head, NULL);
    head = current;
    head.version = 6;
    randombytes_buf(head.hash, sizeof(head.hash));
    write_variant("batch-new.txt", &member, &account, vault_key, &head, NULL);
    head = current;
    randombytes_buf(head.hash, sizeof(head.hash));
    write_variant("batch-fork.txt", &member, &account, vault_key, &head, NULL);
    head = current;
    head.expiry = 1000;
    write_variant("batch-expired.txt", &member, &account, vault_key, &head, NULL);

    make_batch(&variant, &stranger, &account, vault_key, &current, vault_secrets, SECRET_COUNT);
    write_batch_file("batch-untrusted.txt", &variant, NULL, NULL, NULL);
    free_batch(&variant);

    make_batch(&variant, &member, &account, vault_key, &current, badname_secrets, 2);
    write_batch_file("batch-badname.txt", &variant, NULL, NULL, NULL);
    free_batch(&variant);

    make_batch(&variant, &member, &account, vault_key, &current, multiline_secrets, 1);
    write_batch_file("batch-multiline.txt", &variant, NULL, NULL, NULL);
    free_batch(&variant);

    write_format_batches(&member, &account, vault_key, &current);

    /* Format version 3: a future format this libcloak must refuse by name, not as damage. */
    copy = xmalloc(good.batch_len);
    memcpy(copy, good.batch, good.batch_len);
    copy[0] = 3;
    text = to_text_raw("batch", copy, good.batch_len);
    write_batch_file("batch-v3.txt", &good, NULL, text, NULL);
    free(text);
    free(copy);

    copy = xmalloc(good.item_lens[1]);
    memcpy(copy, good.items[1], good.item_lens[1]);
    copy[0] = 3;
    texts[1] = to_text_raw("item", copy, good.item_lens[1]);
    write_batch_file("batch-item-v3.txt", &good, NULL, NULL, texts);
    free(texts[1]);
    texts[1] = NULL;
    free(copy);

    /* Forgeries that pass the text checksum: a thief of the account key re-encodes after editing. */
    copy = xmalloc(good.item_lens[2]);
    memcpy(copy, good.items[2], good.item_lens[2]);
    copy[good.item_lens[2] - 20U] ^= 0x01U;
    texts[2] = to_text(copy, good.item_lens[2]);
    write_batch_file("batch-forged-item.txt", &good, NULL, NULL, texts);
    free(texts[2]);
    texts[2] = NULL;
    free(copy);

    copy = xmalloc(good.batch_len);
    memcpy(copy, good.batch, good.batch_len);
    copy[good.batch_len - CLOAK_SIGNATUREBYTES - 1U] ^= 0x80U; /* the last manifest byte */
    text = to_text(copy, good.batch_len);
    write_batch_file("batch-forged-batch.txt", &good, NULL, text, NULL);
    free(text);
    free(copy);

    /* An authentic item of another batch for the same account, in place of item 0. */
    make_batch(&variant, &member, &account, vault_key, &current, vault_secrets, SECRET_COUNT);
    texts[0] = to_text(variant.items[0], variant.item_lens[0]);
    write_batch_file("batch-mixed.txt", &good, NULL, NULL, texts);
    free(texts[0]);
    free_batch(&variant);

    /* Keyring password records that cloak never writes: below the default policy's floor (the hard
     * minimum, 16 MiB x 1 pass) and above its ceiling (1 GiB x 16 passes). */
    write_record("record-weak.txt", CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, CLOAK_PASSWORD_PARALLELISM_DEFAULT);
    write_record("record-huge.txt", CLOAK_PASSWORD_MEMORY_KIB_MAX, CLOAK_PASSWORD_ITERATIONS_MAX,
                 CLOAK_PASSWORD_PARALLELISM_DEFAULT);

    write_values();
    free_batch(&good);
    sodium_memzero(vault_key, sizeof(vault_key));
    sodium_memzero(&member, sizeof(member));
    sodium_memzero(&stranger, sizeof(stranger));
    sodium_memzero(&account, sizeof(account));
    sodium_memzero(&other, sizeof(other));
    sodium_memzero(&legacy, sizeof(legacy));
    return 0;
}
