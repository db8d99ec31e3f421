/* cloak: the service-account command-line tool. Hardens the process, then dispatches to the
 * commands; see docs/cli.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloak.h"
#include "commands.h"
#include "fileio.h"
#include "harden.h"

/* cloak version (also -V and --version): a command of its own so that it has a --help and refuses
 * arguments like the others. */
static const struct cli_command_spec version_spec = {
    "version", "cloak version",
    "usage: cloak version\n"
    "       cloak -V | --version\n"
    "\n"
    "Prints one line: cloak's version and the version of the libcloak it runs with.\n",
    0, 0, 0, 0};

static void print_version(void)
{
    (void)printf("cloak %s (libcloak %s)\n", CLOAK_VERSION_STRING, cloak_version_string());
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_fail(CLI_EXIT_FILE, "cannot write the version to standard output");
    }
}

static void cmd_version(int argc, char **argv)
{
    struct cli_args args;

    cli_args_parse(&args, &version_spec, argc, argv);
    print_version();
    cli_args_free(&args);
}

const struct cli_command cli_commands[] = {
    {&keygen_spec, cmd_keygen, "make a service-account key pair"},
    {&pubkey_spec, cmd_pubkey, "print the public key of a service-account key"},
    {&import_spec, cmd_import, "add a service-account key to the keyring"},
    {&select_spec, cmd_select, "choose the keyring account used by default"},
    {&accounts_spec, cmd_accounts, "list the keyring's accounts"},
    {&forget_spec, cmd_forget, "remove an account from the keyring"},
    {&trust_spec, cmd_trust, "trust a member identity to sign batches, or list them"},
    {&untrust_spec, cmd_untrust, "stop trusting a member identity"},
    {&secrets_spec, cmd_secrets, "list the secrets of a batch file"},
    {&env_spec, cmd_env, "print a batch's secrets (NAME=value lines, dotenv, JSON, YAML, export)"},
    {&run_spec, cmd_run, "run a command with a batch's secrets in its environment"},
    {&inject_spec, cmd_inject, "fill a template's {{ NAME }} references with a batch's secrets"},
    {&credential_spec, cmd_credential, "print the account's access credential for a server, or its verifier"},
    {&version_spec, cmd_version, "print the versions of cloak and libcloak (also -V, --version)"},
};

const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);

static const char top_help_head[] =
    "usage: cloak COMMAND [ARGS...]\n"
    "       cloak COMMAND --help | cloak help COMMAND\n"
    "       cloak -V | --version\n"
    "\n"
    "Reads the secrets a vault member re-encrypted for a service account (a batch file) and hands\n"
    "them to a program. Batches are accepted only when signed by a trusted member identity, of the\n"
    "expected vault, no older than what was read before, and not expired.\n"
    "\n"
    "Commands:\n";

static const char top_help_tail[] =
    "\n"
    "Environment: CLOAK_SERVICE_ACCOUNT_KEY (the account's key, cloak-accountkey-...),\n"
    "CLOAK_PASSPHRASE (the keyring's passphrase, for CI), CLOAK_TRUST (the member identities trusted\n"
    "to sign batches, comma- or newline-separated: replaces the keyring's; --trust replaces it),\n"
    "CLOAK_KEYRING (the keyring's path), XDG_CONFIG_HOME (where the keyring goes), XDG_STATE_HOME\n"
    "(where state files go).\n"
    "\n"
    "Exit status: 0 success, 1 internal error, 2 usage, 3 file, 4 no key, 5 bad key, 6 wrong key\n"
    "(another account's, or of the other suite: an X-Wing batch and an X25519 key, or the reverse),\n"
    "7 untrusted or no trusted signer, 8 damaged batch file, 9 unsupported format version,\n"
    "10 name or value unfit for an environment, a format or a template, 11 keyring or passphrase,\n"
    "12 no vault named, another vault's batch or a forked history, 13 stale (older than the pins or\n"
    "the state file: a replay), 14 expired, 15 state file, 16 keyring's Argon2id costs outside the\n"
    "policy (too weak or too high), 17 the batch could not be fetched from its URL;\n"
    "cloak run: the command's status, 126 or 127 if it cannot be run.\n"
    "Failures print one line on standard error.\n";

static void top_help(void)
{
    size_t i;

    fputs(top_help_head, stdout);
    for (i = 0; i < cli_command_count; i++) {
        (void)printf("  %-10s %s\n", cli_commands[i].spec->name, cli_commands[i].summary);
    }
    fputs(top_help_tail, stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_fail(CLI_EXIT_FILE, "cannot write the help to standard output");
    }
}

static const struct cli_command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < cli_command_count; i++) {
        if (strcmp(cli_commands[i].spec->name, name) == 0) {
            return &cli_commands[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const struct cli_command *cmd;
    char shown[128];

    /* Before anything else: the environment may already hold a key. */
    cli_harden();
    if (atexit(cli_secrets_wipe_all) != 0) {
        cli_fail(CLI_EXIT_INTERNAL, "cannot register the exit handler");
    }
    if (argc < 2) {
        cli_fail(CLI_EXIT_USAGE, "no command given; see cloak --help");
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        if (argc > 2 && (cmd = find_command(argv[2])) != NULL) {
            fputs(cmd->spec->help, stdout);
        } else if (argc > 2) {
            cli_fail(CLI_EXIT_USAGE, "help: no command %s; see cloak --help",
                     cli_printable(shown, sizeof(shown), (const uint8_t *)argv[2], strlen(argv[2])));
        } else {
            top_help();
        }
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        if (argc > 2) {
            cli_fail(CLI_EXIT_USAGE, "%s takes no arguments; see cloak --help", argv[1]);
        }
        print_version();
        return CLI_EXIT_OK;
    }
    cmd = find_command(argv[1]);
    if (cmd == NULL) {
        cli_fail(CLI_EXIT_USAGE, "unknown command %s; see cloak --help",
                 cli_printable(shown, sizeof(shown), (const uint8_t *)argv[1], strlen(argv[1])));
    }
    /* The version needs no random source, so it is printed even where libcloak cannot start. */
    if (cmd->run != cmd_version && cloak_init() != CLOAK_OK) {
        cli_fail(CLI_EXIT_INTERNAL, "libcloak could not start (no random source?); check the system");
    }
    cmd->run(argc - 1, argv + 1);
    return CLI_EXIT_OK;
}
