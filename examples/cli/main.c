/* cloak: the service-account command-line tool. Dispatches to the commands; see docs/cli.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloak.h"
#include "commands.h"
#include "fileio.h"

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
    {&env_spec, cmd_env, "print a batch's secrets as NAME=value lines"},
    {&run_spec, cmd_run, "run a command with a batch's secrets in its environment"},
};

const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);

static const char top_help_head[] =
    "usage: cloak COMMAND [ARGS...]\n"
    "       cloak COMMAND --help\n"
    "\n"
    "Reads the secrets a vault member re-encrypted for a service account (a batch file) and hands\n"
    "them to a program. Batches are accepted only when signed by a trusted member identity, of the\n"
    "expected vault, no older than what was read before, and not expired.\n"
    "\n"
    "Commands:\n";

static const char top_help_tail[] =
    "\n"
    "Environment: CLOAK_SERVICE_ACCOUNT_KEY (the account's key, cloak-accountkey-...),\n"
    "CLOAK_PASSPHRASE (the keyring's passphrase, for CI), CLOAK_KEYRING (the keyring's path),\n"
    "XDG_STATE_HOME (where state files go).\n"
    "\n"
    "Exit status: 0 success, 1 internal error, 2 usage, 3 file, 4 no key, 5 bad key, 6 wrong key\n"
    "(another account's, or of the other suite: an X-Wing batch and an X25519 key, or the reverse),\n"
    "7 untrusted or no trusted signer, 8 damaged batch file, 9 unsupported format version,\n"
    "10 name or value unfit for an environment, 11 keyring or passphrase, 12 no vault named, another\n"
    "vault's batch or a forked history, 13 stale (older than the pins or the state file: a replay),\n"
    "14 expired, 15 state file, 16 keyring's Argon2id costs outside the policy (too weak or too high);\n"
    "cloak run: the command's status, 126 or 127 if it cannot be run.\n"
    "Failures print one line on standard error.\n";

static void top_help(void)
{
    size_t i;

    fputs(top_help_head, stdout);
    for (i = 0; i < cli_command_count; i++) {
        (void)printf("  %-9s %s\n", cli_commands[i].spec->name, cli_commands[i].summary);
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

    cli_core_dumps_off();
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
    if (strcmp(argv[1], "--version") == 0) {
        (void)printf("cloak %s (libcloak %s)\n", CLOAK_VERSION_STRING, cloak_version_string());
        return CLI_EXIT_OK;
    }
    cmd = find_command(argv[1]);
    if (cmd == NULL) {
        cli_fail(CLI_EXIT_USAGE, "unknown command %s; see cloak --help",
                 cli_printable(shown, sizeof(shown), (const uint8_t *)argv[1], strlen(argv[1])));
    }
    if (cloak_init() != CLOAK_OK) {
        cli_fail(CLI_EXIT_INTERNAL, "libcloak could not start (no random source?); check the system");
    }
    cmd->run(argc - 1, argv + 1);
    return CLI_EXIT_OK;
}
