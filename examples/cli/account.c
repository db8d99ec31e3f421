/* Service-account keys: decoding the clear export, the order of key sources, and the keyring's
 * master key (Argon2id through libcloak) that wraps keys at rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "args.h"
#include "cli.h"
#include "fileio.h"
#include "keyring.h"
#include "prompt.h"
#include "textform.h"

static char *describe(const char *prefix, const char *what)
{
    size_t a = strlen(prefix);
    size_t b = strlen(what);
    char *s = cli_alloc(a + b + 1U);
    memcpy(s, prefix, a);
    memcpy(s + a, what, b);
    return s;
}

_Static_assert(CLOAK_ENCRYPTION_SECRETKEYBYTES == ACCOUNT_SECRETKEYBYTES, "both suites' secret keys are 32 bytes");
_Static_assert(CLOAK_ENCRYPTION_PUBLICKEYBYTES <= ACCOUNT_PUBLICKEYBYTES_MAX, "an X25519 key fits an X-Wing one's room");
_Static_assert(CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES <= CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES,
               "the X-Wing export is the larger");
_Static_assert(CLOAK_WRAPPED_KEYBYTES <= CLOAK_XWING_WRAPPED_KEYBYTES, "the X-Wing wrapped key is the larger");
_Static_assert(CLOAK_PUBLIC_KEY_BLOBBYTES <= CLOAK_XWING_PUBLIC_KEY_BLOBBYTES, "the X-Wing public blob is the larger");

const char *account_suite_name(uint32_t suite)
{
    switch (suite) {
    case CLOAK_SUITE_X25519:
        return "X25519 (suite 1)";
    case CLOAK_SUITE_XWING:
        return "X-Wing (suite 2)";
    default:
        return "an unknown suite";
    }
}

struct account_key *account_key_generate(uint32_t suite)
{
    struct account_key *key = cli_secret_alloc(sizeof(*key));

    key->pub.suite = suite;
    if (suite == CLOAK_SUITE_XWING) {
        key->pub.len = CLOAK_XWING_PUBLICKEYBYTES;
        cloak_xwing_keypair(key->pub.key, key->secret_key);
    } else {
        key->pub.len = CLOAK_ENCRYPTION_PUBLICKEYBYTES;
        cloak_encryption_keypair(key->pub.key, key->secret_key);
    }
    return key;
}

char *account_key_export_text(const struct account_key *key, size_t *len)
{
    uint8_t *blob = cli_secret_alloc(CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
    size_t blob_len;
    char *text;
    int rc;

    if (key->pub.suite == CLOAK_SUITE_XWING) {
        blob_len = CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES;
        rc = cloak_service_account_xwing_private_export(blob, key->pub.key, key->secret_key);
    } else {
        blob_len = CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES;
        rc = cloak_service_account_private_export(blob, key->pub.key, key->secret_key);
    }
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_INTERNAL, "cannot export the key (libcloak: %s)", cli_status(rc));
    }
    text = cli_blob_to_text(blob, blob_len, 1, len);
    cli_secret_free(blob);
    return text;
}

/* The suite of a blob that cli_text_to_blob has accepted (its header is checked already). */
static int blob_suite(uint32_t *suite, const uint8_t *blob, size_t len)
{
    int rc = cloak_blob_suite(suite, blob, len);

    if (rc == CLOAK_OK && *suite != CLOAK_SUITE_X25519 && *suite != CLOAK_SUITE_XWING) {
        rc = CLOAK_E_UNSUPPORTED_SUITE; /* a suite newer than this tool */
    }
    return rc;
}

struct account_key *account_key_from_text(const char *text, size_t len, const char *source)
{
    struct account_key *key;
    uint8_t *blob = NULL;
    size_t blob_len = 0;
    uint32_t suite = 0;
    int rc = cli_text_to_blob(&blob, &blob_len, text, len, CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, 1);

    if (rc == CLOAK_E_WRONG_TYPE) {
        cli_fail(CLI_EXIT_BAD_KEY,
                 "%s holds another kind of object, not a service-account private key; give the cloak-accountkey-... text",
                 source);
    }
    if (rc == CLOAK_OK) {
        rc = blob_suite(&suite, blob, blob_len);
    }
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_BAD_KEY,
                 "%s is not a valid service-account private key (libcloak: %s); give the cloak-accountkey-... text that cloak keygen wrote",
                 source, cli_status(rc));
    }
    key = cli_secret_alloc(sizeof(*key));
    key->pub.suite = suite;
    if (suite == CLOAK_SUITE_XWING) {
        key->pub.len = CLOAK_XWING_PUBLICKEYBYTES;
        rc = cloak_service_account_xwing_private_import(key->pub.key, key->secret_key, blob, blob_len);
    } else {
        key->pub.len = CLOAK_ENCRYPTION_PUBLICKEYBYTES;
        rc = cloak_service_account_private_import(key->pub.key, key->secret_key, blob, blob_len);
    }
    cli_secret_free(blob);
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_BAD_KEY,
                 "%s is not a valid service-account private key (libcloak: %s); give the cloak-accountkey-... text that cloak keygen wrote",
                 source, cli_status(rc));
    }
    return key;
}

/* A keyring's passphrase belongs to no account on any server, yet the derivation binds its salt to
 * an account id: a fixed one serves (the salt itself is random per keyring). There is no account
 * secret key either: it guards against a server's breach, and a keyring has no server (the secret
 * key would sit on the same disk as the keyring it is meant to protect). */
#define KEYRING_ACCOUNT_ID "cloak keyring"

/* cloak writes records at the library's defaults, which its default policy accepts. A record below
 * the policy's floor makes every guess at the passphrase cheap for whoever later copies the file (a
 * new account would be wrapped under it); one above the ceiling stalls every run. Either was written
 * by something other than cloak, or edited: refused before the passphrase is asked for. */
static void check_record_cost(const struct keyring *kr, const uint8_t *record, size_t record_len,
                              const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES])
{
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    uint32_t m = 0;
    uint32_t t = 0;
    uint32_t p = 0;
    int rc = cloak_password_record_check(record, record_len, policy);

    if (rc == CLOAK_OK) {
        return;
    }
    if (rc != CLOAK_E_WEAK_PARAMS || cloak_password_record_decode(salt, &m, &t, &p, record, record_len) != CLOAK_OK) {
        cli_fail(CLI_EXIT_KEYRING, "keyring %s: the password record is refused (libcloak: %s); restore the file from a backup",
                 kr->path, cli_status(rc));
    }
    /* The message says which side: a weak record is a security problem, a huge one a stall. */
    if (m < CLOAK_PASSWORD_POLICY_MEMORY_KIB_MIN || (uint64_t)m * t < CLOAK_PASSWORD_POLICY_COST_MIN) {
        cli_fail(CLI_EXIT_KEYRING_COST,
                 "keyring %s: the password record asks for Argon2id at m=%lu KiB, t=%lu, below the policy's floor "
                 "(m >= %lu KiB, m x t >= %lu KiB) (libcloak: %s); cloak never writes such a record, so the file was "
                 "edited or written by another program: restore it from a backup, or make a new keyring and import the "
                 "keys again",
                 kr->path, (unsigned long)m, (unsigned long)t, (unsigned long)CLOAK_PASSWORD_POLICY_MEMORY_KIB_MIN,
                 (unsigned long)CLOAK_PASSWORD_POLICY_COST_MIN, cli_status(rc));
    }
    cli_fail(CLI_EXIT_KEYRING_COST,
             "keyring %s: the password record asks for Argon2id at m=%lu KiB, t=%lu, p=%lu, above the policy's "
             "ceiling (m <= %lu KiB, m x t <= %lu KiB, t <= %lu, p <= %lu) (libcloak: %s); cloak never writes such a "
             "record, so the file was edited or written by another program: restore it from a backup, or make a new "
             "keyring and import the keys again",
             kr->path, (unsigned long)m, (unsigned long)t, (unsigned long)p,
             (unsigned long)CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX, (unsigned long)CLOAK_PASSWORD_POLICY_COST_MAX,
             (unsigned long)CLOAK_PASSWORD_POLICY_ITERATIONS_MAX, (unsigned long)CLOAK_PASSWORD_POLICY_PARALLELISM_MAX,
             cli_status(rc));
}

uint8_t *account_master_key(struct keyring *kr)
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t policy[CLOAK_PASSWORD_POLICYBYTES];
    uint8_t *master = cli_secret_alloc(CLOAK_KEYBYTES);
    uint8_t *login = cli_secret_alloc(CLOAK_KEYBYTES);
    size_t pass_len = 0;
    char *pass;
    int creating = kr->password == NULL;
    int rc;

    if (creating) {
        rc = cloak_password_record_new(record, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                                       CLOAK_PASSWORD_PARALLELISM_DEFAULT);
        if (rc != CLOAK_OK) {
            cli_fail(CLI_EXIT_INTERNAL, "cannot make a password record (libcloak: %s)", cli_status(rc));
        }
        kr->password = cli_blob_to_text(record, sizeof(record), 0, NULL);
    } else {
        uint8_t *blob = NULL;
        size_t len = 0;
        rc = cli_text_to_blob(&blob, &len, kr->password, strlen(kr->password), CLOAK_TYPE_PASSWORD_RECORD, 0);
        if (rc != CLOAK_OK || len != sizeof(record)) {
            cli_fail(CLI_EXIT_KEYRING, "keyring %s: the password record does not decode (libcloak: %s); restore the file from a backup",
                     kr->path, cli_status(rc));
        }
        memcpy(record, blob, sizeof(record));
        free(blob);
    }
    cloak_password_policy_default(policy);
    check_record_cost(kr, record, sizeof(record), policy);
    pass = cli_passphrase(kr->path, creating, &pass_len);
    rc = cloak_password_derive(master, login, (const uint8_t *)pass, pass_len, (const uint8_t *)KEYRING_ACCOUNT_ID,
                               sizeof(KEYRING_ACCOUNT_ID) - 1U, NULL, 0, record, sizeof(record), policy);
    cli_secret_free(pass);
    cli_secret_free(login);
    if (rc == CLOAK_E_NOMEM) {
        cli_fail(CLI_EXIT_INTERNAL, "not enough memory for Argon2id (libcloak: %s); free some memory and retry",
                 cli_status(rc));
    }
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_KEYRING, "cannot derive the keyring's master key (libcloak: %s); check the keyring %s",
                 cli_status(rc), kr->path);
    }
    /* A wrong passphrase gives another master key, whose id no wrapped account carries. Checking
     * here means a new account is never wrapped under a mistyped passphrase. */
    if (kr->account_count > 0) {
        struct account_key *probe = account_unwrap(kr, &kr->accounts[0], master);
        cli_secret_free(probe);
    }
    return master;
}

struct account_key *account_unwrap(const struct keyring *kr, const struct keyring_entry *entry,
                                   const uint8_t *master_key)
{
    struct account_key *key = cli_secret_alloc(sizeof(*key));
    uint8_t *blob = NULL;
    size_t len = 0;
    uint32_t suite = 0;
    int rc = cli_text_to_blob(&blob, &len, entry->text, strlen(entry->text), CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, 0);

    if (rc == CLOAK_OK) {
        rc = blob_suite(&suite, blob, len);
    }
    if (rc == CLOAK_OK && suite == CLOAK_SUITE_XWING) {
        key->pub.len = CLOAK_XWING_PUBLICKEYBYTES;
        rc = cloak_service_account_xwing_unwrap(key->pub.key, key->secret_key, master_key, blob, len);
    } else if (rc == CLOAK_OK) {
        key->pub.len = CLOAK_ENCRYPTION_PUBLICKEYBYTES;
        rc = cloak_service_account_unwrap(key->pub.key, key->secret_key, master_key, blob, len);
    }
    key->pub.suite = suite;
    free(blob);
    if (rc == CLOAK_E_WRONG_KEY) {
        cli_fail(CLI_EXIT_KEYRING, "wrong passphrase for the keyring %s (libcloak: %s); try again, or check %s",
                 kr->path, cli_status(rc), CLI_ENV_PASSPHRASE);
    }
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_KEYRING, "keyring %s: account %s cannot be unwrapped (libcloak: %s); restore the file from a backup",
                 kr->path, entry->name, cli_status(rc));
    }
    return key;
}

char *account_wrap(const struct account_key *key, const uint8_t *master_key)
{
    uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES];
    size_t len;
    int rc;

    if (key->pub.suite == CLOAK_SUITE_XWING) {
        len = CLOAK_XWING_WRAPPED_KEYBYTES;
        rc = cloak_service_account_xwing_wrap(wrapped, master_key, key->secret_key);
    } else {
        len = CLOAK_WRAPPED_KEYBYTES;
        rc = cloak_service_account_wrap(wrapped, master_key, key->secret_key);
    }
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_INTERNAL, "cannot wrap the key (libcloak: %s)", cli_status(rc));
    }
    return cli_blob_to_text(wrapped, len, 0, NULL);
}

int account_wrapped_public_key(struct account_public *pub, const char *wrapped_text)
{
    uint8_t *blob = NULL;
    size_t len = 0;
    int type = 0;
    int rc = cli_text_to_blob(&blob, &len, wrapped_text, strlen(wrapped_text), CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY, 0);

    memset(pub, 0, sizeof(*pub));
    if (rc == CLOAK_OK) {
        rc = blob_suite(&pub->suite, blob, len);
    }
    /* Listing accounts should not need the passphrase: read the public key the wrapped key carries. */
    if (rc == CLOAK_OK && pub->suite == CLOAK_SUITE_XWING) {
        pub->len = CLOAK_XWING_PUBLICKEYBYTES;
        rc = cloak_wrapped_key_public_key_xwing(pub->key, &type, blob, len);
    } else if (rc == CLOAK_OK) {
        pub->len = CLOAK_ENCRYPTION_PUBLICKEYBYTES;
        rc = cloak_wrapped_key_public_key(pub->key, &type, blob, len);
    }
    free(blob);
    if (rc != CLOAK_OK) {
        memset(pub, 0, sizeof(*pub));
    }
    return rc;
}

int account_public_equal(const struct account_public *a, const struct account_public *b)
{
    return a->suite == b->suite && a->len == b->len && memcmp(a->key, b->key, a->len) == 0;
}

/* The public key blob (type ENCRYPTION_PUBLIC_KEY) of the key's suite; returns its length. */
static size_t public_blob(uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES], const struct account_public *pub)
{
    int rc;

    if (pub->suite != CLOAK_SUITE_XWING) {
        cloak_encryption_public_export(blob, pub->key);
        return CLOAK_PUBLIC_KEY_BLOBBYTES;
    }
    rc = cloak_xwing_public_export(blob, pub->key);
    if (rc != CLOAK_OK) {
        /* Every key here came from an import or unwrap that checked it. */
        cli_fail(CLI_EXIT_INTERNAL, "internal error: cannot export the public key (libcloak: %s)", cli_status(rc));
    }
    return CLOAK_XWING_PUBLIC_KEY_BLOBBYTES;
}

char *account_public_text(const struct account_public *pub)
{
    uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES];
    size_t len = public_blob(blob, pub);

    return cli_blob_to_text(blob, len, 0, NULL);
}

void account_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const struct account_public *pub)
{
    uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES];
    size_t len = public_blob(blob, pub);
    int type = 0;

    if (cloak_blob_inspect(&type, key_id, blob, len) != CLOAK_OK) {
        cli_fail(CLI_EXIT_INTERNAL, "internal error: cannot read the account key's id");
    }
}

struct account_key *account_key_load(const struct cli_args *args, struct keyring *kr, char **source)
{
    const char *env = getenv(CLI_ENV_KEY);
    const struct keyring_entry *entry;
    const char *name;
    struct account_key *key;
    uint8_t *master;

    if (args->key_file != NULL) {
        size_t len = 0;
        char *text;
        *source = describe("key file ", args->key_file);
        text = cli_read_private_file(args->key_file, CLI_MAX_KEY_FILE, &len, "key file", CLI_EXIT_BAD_KEY, 0, 1);
        key = account_key_from_text(text, len, *source);
        cli_secret_free(text);
        return key;
    }
    /* An empty variable counts as unset: CI systems define variables they have no value for. */
    if (env != NULL && env[0] != '\0') {
        *source = describe(CLI_ENV_KEY, "");
        return account_key_from_text(env, strlen(env), *source);
    }
    name = args->account != NULL ? args->account : kr->selected;
    if (!kr->exists || kr->account_count == 0) {
        cli_fail(CLI_EXIT_NO_KEY,
                 "no service-account key: pass --key-file FILE, set %s, or add one to the keyring with cloak import NAME",
                 CLI_ENV_KEY);
    }
    if (name[0] == '\0') {
        cli_fail(CLI_EXIT_NO_KEY, "no service-account key: the keyring %s has no selected account; run cloak select NAME or pass --account NAME",
                 kr->path);
    }
    entry = keyring_find(kr->accounts, kr->account_count, name);
    if (entry == NULL) {
        char shown[CLI_MAX_NAME * 4U + 8U];
        cli_fail(CLI_EXIT_KEYRING, "the keyring %s has no account %s; see cloak accounts", kr->path,
                 cli_printable(shown, sizeof(shown), (const uint8_t *)name, strlen(name)));
    }
    *source = describe("keyring account ", entry->name);
    master = account_master_key(kr);
    key = account_unwrap(kr, entry, master);
    cli_secret_free(master);
    return key;
}

void account_hex(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2U * i] = digits[in[i] >> 4];
        out[2U * i + 1U] = digits[in[i] & 0x0FU];
    }
    out[2U * n] = '\0';
}

void account_credential(uint8_t credential[CLOAK_CREDENTIALBYTES], const struct account_key *key)
{
    int rc;

    if (key->pub.suite == CLOAK_SUITE_XWING) {
        rc = cloak_service_account_xwing_credential(credential, key->pub.key, key->secret_key);
    } else {
        rc = cloak_service_account_credential(credential, key->pub.key, key->secret_key);
    }
    if (rc != CLOAK_OK) {
        /* Every key here came from an import or unwrap that checked it against its public key. */
        cli_fail(CLI_EXIT_INTERNAL, "internal error: cannot derive the account's access credential (libcloak: %s)",
                 cli_status(rc));
    }
}

#define BEARER_PREFIX "cloak-sa."

char *account_bearer(const struct account_key *key, size_t *len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t *credential = cli_secret_alloc(CLOAK_CREDENTIALBYTES);
    const size_t prefix = sizeof(BEARER_PREFIX) - 1U;
    const size_t total = prefix + 2U * CLOAK_KEYIDBYTES + 1U + 2U * CLOAK_CREDENTIALBYTES;
    char *bearer = cli_secret_alloc(total + 1U);

    /* The key id tells the server which account's verifier to compare with; the credential is the
     * proof. Both are fixed-length hex, so the value needs no quoting in a header. */
    account_key_id(key_id, &key->pub);
    account_credential(credential, key);
    memcpy(bearer, BEARER_PREFIX, prefix);
    account_hex(bearer + prefix, key_id, sizeof(key_id));
    bearer[prefix + 2U * CLOAK_KEYIDBYTES] = '.';
    account_hex(bearer + prefix + 2U * CLOAK_KEYIDBYTES + 1U, credential, CLOAK_CREDENTIALBYTES);
    cli_secret_free(credential);
    if (len != NULL) {
        *len = total;
    }
    return bearer;
}
