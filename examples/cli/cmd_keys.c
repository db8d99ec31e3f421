/* Commands that make keys and keep the keyring: keygen, pubkey, import, select, accounts, forget,
 * trust, untrust. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "args.h"
#include "cli.h"
#include "cloak.h"
#include "commands.h"
#include "fileio.h"
#include "keyring.h"
#include "prompt.h"
#include "textform.h"
#include "trust.h"

#define KEY_SOURCES_HELP                                                                                    \
    "The key is taken from the first of: --key-file PATH (a file holding the cloak-accountkey-... text,\n" \
    "mode 0600), the variable CLOAK_SERVICE_ACCOUNT_KEY (the same text), the keyring's account named by\n" \
    "--account NAME or selected with cloak select (asks for the keyring's passphrase, or reads\n"          \
    "CLOAK_PASSPHRASE).\n"

const struct cli_command_spec keygen_spec = {
    "keygen", "cloak keygen (--out FILE | --stdout) [--suite xwing | x25519]",
    "usage: cloak keygen (--out FILE | --stdout) [--suite xwing | x25519]\n"
    "\n"
    "Makes a service-account key pair on this machine: only the public key needs to leave it.\n"
    "Prints the public key (cloak-pubkey-...) on standard output; give it to the member who makes\n"
    "batches for the account.\n"
    "\n"
    "  --out FILE   write the private key (cloak-accountkey-...) to FILE, created with mode 0600;\n"
    "               an existing FILE is never overwritten; missing directories above it are\n"
    "               created with mode 0700\n"
    "  --stdout     write the private key to standard output instead (for a CI variable); the public\n"
    "               key then goes to standard error\n"
    "  --suite S    xwing (the default): an X-Wing key (ML-KEM-768 + X25519, suite 2), post-quantum;\n"
    "               its public key is 1216 bytes (a text of about 1670 characters), its private key\n"
    "               text about 1710 characters. x25519: an X25519 key (suite 1, 32 bytes), for\n"
    "               members' clients that cannot seal to X-Wing yet; a batch sealed to it can be\n"
    "               opened by whoever records it and later has a quantum computer.\n",
    OPT_OUT | OPT_STDOUT | OPT_SUITE, 0, 0, 0};

const struct cli_command_spec pubkey_spec = {
    "pubkey", "cloak pubkey [--key-file PATH] [--account NAME]",
    "usage: cloak pubkey [--key-file PATH] [--account NAME]\n"
    "\n"
    "Prints the public key (cloak-pubkey-...) of a service-account key.\n"
    "\n" KEY_SOURCES_HELP,
    OPT_KEY_FILE | OPT_ACCOUNT, 0, 0, 0};

const struct cli_command_spec import_spec = {
    "import", "cloak import NAME [KEYFILE | -]",
    "usage: cloak import NAME [KEYFILE | -]\n"
    "\n"
    "Adds a service-account private key (the cloak-accountkey-... text) to the keyring as NAME,\n"
    "wrapped under a key derived from the keyring's passphrase (Argon2id). KEYFILE must be mode 0600;\n"
    "with - or no KEYFILE the key is read from standard input, or asked for with echo off on a\n"
    "terminal. The first account imported becomes the selected one. The passphrase comes from\n"
    "CLOAK_PASSPHRASE or the terminal; a new keyring asks for it twice.\n"
    "\n"
    "NAME: 1 to 64 of A-Z a-z 0-9 . _ -, not starting with . or -.\n"
    "Keyring: $CLOAK_KEYRING, else $XDG_CONFIG_HOME/cloak/keyring, else ~/.config/cloak/keyring.\n",
    0, 1, 2, 0};

const struct cli_command_spec select_spec = {
    "select", "cloak select NAME",
    "usage: cloak select NAME\n"
    "\n"
    "Makes the keyring's account NAME the one secrets, env, run and pubkey use when neither\n"
    "--key-file nor CLOAK_SERVICE_ACCOUNT_KEY gives a key.\n",
    0, 1, 1, 0};

const struct cli_command_spec accounts_spec = {
    "accounts", "cloak accounts",
    "usage: cloak accounts\n"
    "\n"
    "Lists the keyring's accounts, one per line: a * for the selected one, the name, the public key.\n"
    "Needs no passphrase.\n",
    0, 0, 0, 0};

const struct cli_command_spec forget_spec = {
    "forget", "cloak forget NAME",
    "usage: cloak forget NAME\n"
    "\n"
    "Removes the account NAME from the keyring (its key is gone unless you keep another copy).\n",
    0, 1, 1, 0};

const struct cli_command_spec trust_spec = {
    "trust", "cloak trust [NAME IDENTITY]",
    "usage: cloak trust NAME IDENTITY\n"
    "       cloak trust\n"
    "\n"
    "Trusts the member identity IDENTITY (the cloak-identity-... text) to sign batches, under the\n"
    "name NAME, and prints its fingerprint: compare it with the member by another channel first.\n"
    "Without arguments, lists the trusted identities: name, fingerprint, identity.\n"
    "A batch is accepted only if signed by an identity of the first of: --trust, the variable\n"
    "CLOAK_TRUST, the identities trusted here (with those of --trust-add); each replaces the next.\n",
    0, 0, 2, 0};

const struct cli_command_spec untrust_spec = {
    "untrust", "cloak untrust NAME",
    "usage: cloak untrust NAME\n"
    "\n"
    "Stops trusting the identity the keyring holds as NAME.\n",
    0, 1, 1, 0};

#if defined(__GNUC__)
__attribute__((sentinel))
#endif
/* Writes its arguments up to a NULL, then a newline, to standard output. */
static void print_line(const char *first, ...)
{
    const char *s = first;
    va_list ap;

    va_start(ap, first);
    while (s != NULL) {
        cli_write_stdout(s, strlen(s));
        s = va_arg(ap, const char *);
    }
    va_end(ap);
    cli_write_stdout("\n", 1);
}

static void check_name(const char *cmd, const char *name)
{
    if (!keyring_name_valid(name)) {
        char shown[CLI_SHOWN_NAME];
        cli_fail(CLI_EXIT_USAGE, "%s: \"%s\" is not a valid name; use 1 to %u of A-Z a-z 0-9 . _ - (not starting with . or -)",
                 cmd, cli_printable(shown, sizeof(shown), (const uint8_t *)name, strlen(name)), CLI_MAX_NAME);
    }
}

/* The --suite value; X-Wing when none is given (docs/protocol.md section 5: new keys SHOULD be). */
static uint32_t parse_suite(const char *value)
{
    char shown[128];

    if (value == NULL || strcmp(value, "xwing") == 0) {
        return CLOAK_SUITE_XWING;
    }
    if (strcmp(value, "x25519") == 0) {
        return CLOAK_SUITE_X25519;
    }
    cli_fail(CLI_EXIT_USAGE, "keygen: --suite %s is not a suite; give xwing (the default) or x25519",
             cli_printable(shown, sizeof(shown), (const uint8_t *)value, strlen(value)));
}

void cmd_keygen(int argc, char **argv)
{
    struct cli_args args;
    struct account_key *key;
    uint32_t suite;
    char *key_text;
    char *pub_text;
    size_t key_len = 0;

    cli_args_parse(&args, &keygen_spec, argc, argv);
    if ((args.out != NULL) == (args.to_stdout != 0)) {
        cli_fail(CLI_EXIT_USAGE, "keygen: say where the private key goes: --out FILE or --stdout (one of them)");
    }
    suite = parse_suite(args.suite);
    key = account_key_generate(suite);
    key_text = account_key_export_text(key, &key_len);
    pub_text = account_public_text(&key->pub);
    cli_secret_free(key);
    key_text[key_len] = '\n'; /* the buffer held the NUL there */
    if (args.out != NULL) {
        /* A fresh home has no ~/.config/cloak: make it (0700), as the keyring and state files do. */
        cli_make_parent_dirs(args.out, CLI_EXIT_FILE);
        cli_write_new_private_file(args.out, key_text, key_len + 1U);
        print_line(pub_text, (const char *)NULL);
    } else {
        cli_write_stdout(key_text, key_len + 1U);
        (void)fprintf(stderr, "public key: %s\n", pub_text);
    }
    cli_secret_free(key_text);
    free(pub_text);
    cli_args_free(&args);
}

void cmd_pubkey(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    struct account_key *key;
    char *source = NULL;
    char *pub_text;

    cli_args_parse(&args, &pubkey_spec, argc, argv);
    keyring_load(&kr, KEYRING_READ);
    key = account_key_load(&args, &kr, &source);
    pub_text = account_public_text(&key->pub);
    cli_secret_free(key);
    print_line(pub_text, (const char *)NULL);
    free(pub_text);
    free(source);
    keyring_free(&kr);
    cli_args_free(&args);
}

static char *read_import_key(const char *path, size_t *len)
{
    if (path == NULL && isatty(STDIN_FILENO)) {
        char *buf = cli_secret_alloc(CLI_MAX_KEY_FILE + 1U);
        long n = cli_prompt_hidden("Service-account key (cloak-accountkey-...): ", buf, CLI_MAX_KEY_FILE + 1U,
                                   CLI_EXIT_BAD_KEY);
        if (n <= 0) {
            cli_fail(CLI_EXIT_NO_KEY, "import: no key given; pass a KEYFILE or paste the cloak-accountkey-... text");
        }
        *len = (size_t)n;
        return buf;
    }
    return cli_read_private_file(path != NULL ? path : "-", CLI_MAX_KEY_FILE, len, "key file", CLI_EXIT_BAD_KEY, 0,
                                 1);
}

void cmd_import(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    struct account_key *key;
    const char *name;
    const char *path;
    uint8_t *master;
    char *text;
    char *wrapped;
    char *pub_text;
    size_t len = 0;
    size_t i;
    int selected = 0;

    cli_args_parse(&args, &import_spec, argc, argv);
    name = args.operands[0];
    path = args.operand_count > 1 ? args.operands[1] : NULL;
    check_name("import", name);
    text = read_import_key(path, &len);
    key = account_key_from_text(text, len, path == NULL || strcmp(path, "-") == 0 ? "the key read" : path);
    cli_secret_free(text);

    keyring_load(&kr, KEYRING_CREATE);
    if (keyring_find(kr.accounts, kr.account_count, name) != NULL) {
        cli_fail(CLI_EXIT_KEYRING, "import: the keyring %s already holds an account %s; pick another name, or run cloak forget %s first",
                 kr.path, name, name);
    }
    for (i = 0; i < kr.account_count; i++) {
        struct account_public pub;
        if (account_wrapped_public_key(&pub, kr.accounts[i].text) == CLOAK_OK && account_public_equal(&pub, &key->pub)) {
            cli_fail(CLI_EXIT_KEYRING, "import: this key is already in the keyring as %s; use cloak select %s",
                     kr.accounts[i].name, kr.accounts[i].name);
        }
    }
    master = account_master_key(&kr);
    wrapped = account_wrap(key, master);
    cli_secret_free(master);
    keyring_add(&kr.accounts, &kr.account_count, name, wrapped);
    free(wrapped);
    if (kr.selected[0] == '\0') {
        memcpy(kr.selected, name, strlen(name) + 1U);
        selected = 1;
    }
    keyring_save(&kr);
    pub_text = account_public_text(&key->pub);
    cli_secret_free(key);
    print_line("imported ", name, ", public key ", pub_text, selected ? ", selected" : "", (const char *)NULL);
    free(pub_text);
    keyring_free(&kr);
    cli_args_free(&args);
}

void cmd_select(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    const char *name;

    cli_args_parse(&args, &select_spec, argc, argv);
    name = args.operands[0];
    check_name("select", name);
    keyring_load(&kr, KEYRING_CHANGE);
    if (keyring_find(kr.accounts, kr.account_count, name) == NULL) {
        cli_fail(CLI_EXIT_KEYRING, "select: the keyring %s has no account %s; see cloak accounts, or cloak import %s KEYFILE",
                 kr.path, name, name);
    }
    memcpy(kr.selected, name, strlen(name) + 1U);
    keyring_save(&kr);
    keyring_free(&kr);
    cli_args_free(&args);
}

void cmd_accounts(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    size_t i;

    cli_args_parse(&args, &accounts_spec, argc, argv);
    keyring_load(&kr, KEYRING_READ);
    for (i = 0; i < kr.account_count; i++) {
        struct account_public pub;
        char *pub_text;
        int rc = account_wrapped_public_key(&pub, kr.accounts[i].text);
        if (rc != CLOAK_OK) {
            cli_fail(CLI_EXIT_KEYRING, "keyring %s: account %s does not decode (libcloak: %s)", kr.path,
                     kr.accounts[i].name, cli_status(rc));
        }
        pub_text = account_public_text(&pub);
        print_line(strcmp(kr.accounts[i].name, kr.selected) == 0 ? "* " : "  ", kr.accounts[i].name, " ", pub_text,
                   (const char *)NULL);
        free(pub_text);
    }
    keyring_free(&kr);
    cli_args_free(&args);
}

void cmd_forget(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    const char *name;

    cli_args_parse(&args, &forget_spec, argc, argv);
    name = args.operands[0];
    check_name("forget", name);
    keyring_load(&kr, KEYRING_CHANGE);
    if (!keyring_remove(&kr.accounts, &kr.account_count, name)) {
        cli_fail(CLI_EXIT_KEYRING, "forget: the keyring %s has no account %s; see cloak accounts", kr.path, name);
    }
    if (strcmp(kr.selected, name) == 0) {
        kr.selected[0] = '\0';
    }
    keyring_save(&kr);
    keyring_free(&kr);
    cli_args_free(&args);
}

static void list_trusted(void)
{
    struct keyring kr;
    size_t i;

    keyring_load(&kr, KEYRING_READ);
    for (i = 0; i < kr.trusted_count; i++) {
        uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
        char fingerprint[CLOAK_FINGERPRINT_TEXTBYTES];
        int rc = trust_identity_decode(pk, kr.trusted[i].text);
        if (rc != CLOAK_OK) {
            cli_fail(CLI_EXIT_KEYRING, "keyring %s: trusted identity %s does not decode (libcloak: %s)", kr.path,
                     kr.trusted[i].name, cli_status(rc));
        }
        cloak_identity_fingerprint(fingerprint, pk);
        print_line(kr.trusted[i].name, "  ", fingerprint, "  ", kr.trusted[i].text, (const char *)NULL);
    }
    keyring_free(&kr);
}

void cmd_trust(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    char fingerprint[CLOAK_FINGERPRINT_TEXTBYTES];
    const char *name;
    const char *identity;
    char *canonical;
    size_t i;
    int rc;

    cli_args_parse(&args, &trust_spec, argc, argv);
    if (args.operand_count == 0) {
        list_trusted();
        cli_args_free(&args);
        return;
    }
    if (args.operand_count != 2) {
        cli_fail(CLI_EXIT_USAGE, "trust: give a name and an identity: cloak trust NAME cloak-identity-...");
    }
    name = args.operands[0];
    identity = args.operands[1];
    check_name("trust", name);
    rc = trust_identity_decode(pk, identity);
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_USAGE, "trust: the second argument is not a member identity (libcloak: %s); give the cloak-identity-... text",
                 cli_status(rc));
    }
    keyring_load(&kr, KEYRING_CREATE);
    if (keyring_find(kr.trusted, kr.trusted_count, name) != NULL) {
        cli_fail(CLI_EXIT_KEYRING, "trust: the keyring %s already trusts an identity named %s; pick another name, or run cloak untrust %s first",
                 kr.path, name, name);
    }
    for (i = 0; i < kr.trusted_count; i++) {
        uint8_t other[CLOAK_IDENTITY_PUBLICKEYBYTES];
        if (trust_identity_decode(other, kr.trusted[i].text) == CLOAK_OK && memcmp(other, pk, sizeof(pk)) == 0) {
            cli_fail(CLI_EXIT_KEYRING, "trust: this identity is already trusted as %s", kr.trusted[i].name);
        }
    }
    /* Store the canonical text, without the whitespace a paste may have brought. */
    {
        uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
        cloak_identity_public_export(blob, pk);
        canonical = cli_blob_to_text(blob, sizeof(blob), 0, NULL);
    }
    keyring_add(&kr.trusted, &kr.trusted_count, name, canonical);
    free(canonical);
    keyring_save(&kr);
    cloak_identity_fingerprint(fingerprint, pk);
    print_line("trusted ", name, ", fingerprint ", fingerprint, (const char *)NULL);
    keyring_free(&kr);
    cli_args_free(&args);
}

void cmd_untrust(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    const char *name;

    cli_args_parse(&args, &untrust_spec, argc, argv);
    name = args.operands[0];
    check_name("untrust", name);
    keyring_load(&kr, KEYRING_CHANGE);
    if (!keyring_remove(&kr.trusted, &kr.trusted_count, name)) {
        cli_fail(CLI_EXIT_KEYRING, "untrust: the keyring %s trusts no identity named %s; see cloak trust", kr.path,
                 name);
    }
    keyring_save(&kr);
    keyring_free(&kr);
    cli_args_free(&args);
}
