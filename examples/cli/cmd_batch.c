/* Commands that open a batch: secrets (names, or values on request), env (NAME=value lines), run
 * (exec a command with the secrets in its environment). */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "args.h"
#include "batchfile.h"
#include "childenv.h"
#include "cli.h"
#include "commands.h"
#include "fileio.h"
#include "keyring.h"
#include "state.h"
#include "trust.h"
#include "unseal.h"

#define OPEN_OPTIONS_HELP                                                                                   \
    "  --vault ID          the vault the batch must be of; required unless the file has a vault line\n"    \
    "                      and the state file pins exactly that vault (see docs/cli.md)\n"                 \
    "  --min-epoch N       refuse a batch of a vault-key epoch below N\n"                                  \
    "  --min-version N     refuse a batch of a vault head version below N\n"                               \
    "  --state FILE        the state file holding the newest epoch and version read (default:\n"           \
    "                      $XDG_STATE_HOME/cloak/KEYID or ~/.local/state/cloak/KEYID)\n"                   \
    "  --no-state          neither read nor write a state file (only the pins guard against replays)\n"   \
    "  --key-file PATH     the service-account key: a file holding the cloak-accountkey-... text, which\n" \
    "                      only its owner may read (chmod 600)\n"                                          \
    "  --account NAME      use the keyring's account NAME rather than the selected one\n"                  \
    "  --trust IDENTITY    accept batches signed by this member identity (cloak-identity-...) and no\n"    \
    "                      other: the keyring's trusted identities are ignored; repeat for several\n"      \
    "  --trust-add IDENTITY  accept this identity as well as the keyring's (cloak trust); repeatable\n"    \
    "\n"                                                                                                    \
    "FILE is a batch file, or - for standard input. The key is taken from the first of: --key-file,\n"     \
    "the variable CLOAK_SERVICE_ACCOUNT_KEY, the keyring's account (the keyring's passphrase comes\n"      \
    "from CLOAK_PASSPHRASE or the terminal). A batch not signed by a trusted identity, of another\n"       \
    "vault, older than the pins or the state file, or past its expiry is refused.\n"

#define OPEN_OPTIONS                                                                                 \
    (OPT_KEY_FILE | OPT_ACCOUNT | OPT_TRUST | OPT_TRUST_ADD | OPT_VAULT | OPT_MIN_EPOCH | OPT_MIN_VERSION | \
     OPT_STATE | OPT_NO_STATE)

const struct cli_command_spec secrets_spec = {
    "secrets", "cloak secrets FILE [--show-values] [--vault ID] [OPTIONS]",
    "usage: cloak secrets FILE [--show-values] [--vault ID] [OPTIONS]\n"
    "\n"
    "Opens a batch and prints the names of its secrets, one per line. Values are not printed unless\n"
    "--show-values is given (then NAME=value, with backslashes and bytes that are not printable ASCII\n"
    "written as \\xHH).\n"
    "\n"
    "  --show-values       print the values too\n" OPEN_OPTIONS_HELP,
    OPEN_OPTIONS | OPT_SHOW_VALUES, 1, 1, 0};

const struct cli_command_spec env_spec = {
    "env", "cloak env FILE [--shell-quote] [--vault ID] [OPTIONS]",
    "usage: cloak env FILE [--shell-quote] [--vault ID] [OPTIONS]\n"
    "\n"
    "Opens a batch and prints its secrets as NAME=value lines (the format of docker --env-file and\n"
    "systemd EnvironmentFile). Every name must be a valid environment variable name. A value that\n"
    "spans lines needs --shell-quote.\n"
    "\n"
    "  --shell-quote       print NAME='value', quoted for a POSIX shell (for eval, with set -a)\n" OPEN_OPTIONS_HELP,
    OPEN_OPTIONS | OPT_SHELL_QUOTE, 1, 1, 0};

const struct cli_command_spec run_spec = {
    "run", "cloak run FILE [--vault ID] [OPTIONS] -- CMD [ARGS...]",
    "usage: cloak run FILE [--vault ID] [OPTIONS] -- CMD [ARGS...]\n"
    "\n"
    "Opens a batch and executes CMD (searched in PATH) with the secrets added to its environment,\n"
    "replacing variables of the same names. CLOAK_SERVICE_ACCOUNT_KEY and CLOAK_PASSPHRASE are removed\n"
    "from CMD's environment. cloak becomes CMD (exec), so the exit status is CMD's; 127 if CMD is not\n"
    "found, 126 if it cannot be executed.\n"
    "\n" OPEN_OPTIONS_HELP,
    OPEN_OPTIONS, 1, 1, 1};

static const char *display_name(const char *file)
{
    return strcmp(file, "-") == 0 ? "(standard input)" : file;
}

/* --vault, or the file's vault line when the state file pins exactly that vault. Without a state
 * file nothing is pinned, so --vault is required. */
static void choose_vault(struct batch_expect *expect, const struct batch_file *bf, const struct cli_args *args,
                         const struct state_file *st)
{
    char shown[CLI_SHOWN_NAME];
    char shown_file[CLI_SHOWN_NAME];

    if (args->vault != NULL) {
        if (bf->vault != NULL && strcmp(bf->vault, args->vault) != 0) {
            cli_fail(CLI_EXIT_VAULT, "%s names the vault %s but --vault is %s; get the batch of the vault you asked for",
                     bf->name, cli_printable(shown_file, sizeof(shown_file), (const uint8_t *)bf->vault, strlen(bf->vault)),
                     cli_printable(shown, sizeof(shown), (const uint8_t *)args->vault, strlen(args->vault)));
        }
        expect->vault = (const uint8_t *)args->vault;
        expect->vault_len = strlen(args->vault);
        return;
    }
    if (bf->vault != NULL && st->count == 1U && st->entries[0].vault_len == strlen(bf->vault) &&
        memcmp(st->entries[0].vault, bf->vault, st->entries[0].vault_len) == 0) {
        expect->vault = st->entries[0].vault;
        expect->vault_len = st->entries[0].vault_len;
        return;
    }
    cli_fail(CLI_EXIT_VAULT, "%s: no vault named; pass --vault ID (the vault is taken from the file only when the file names it and the state file has read that vault and no other)",
             bf->name);
}

/* The pipeline every batch command shares: layout, trust, key, state and vault, then libcloak, then
 * the state file records what was read. Trust is settled before the key so a hopeless run never
 * asks for a passphrase. */
static void open_secrets(struct secrets *out, const struct cli_args *args)
{
    struct batch_file bf;
    struct keyring kr;
    struct state_file st;
    struct batch_expect expect;
    struct batch_view view;
    const struct state_entry *seen;
    struct account_key *key;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t *trusted;
    size_t trusted_count = 0;
    char *source = NULL;

    batch_file_read(&bf, args->operands[0]);
    if (args->vault == NULL && (bf.vault == NULL || args->no_state)) {
        cli_fail(CLI_EXIT_VAULT, "%s: no vault named; pass --vault ID%s", bf.name,
                 args->no_state ? " (with --no-state nothing is pinned)" : "");
    }
    keyring_load(&kr, KEYRING_READ);
    trusted = trust_collect(args, &kr, &trusted_count);
    key = account_key_load(args, &kr, &source);
    account_key_id(key_id, &key->pub);
    state_open(&st, args, key_id);
    memset(&expect, 0, sizeof(expect));
    choose_vault(&expect, &bf, args, &st);
    seen = state_find(&st, expect.vault, expect.vault_len);
    expect.seen = seen;
    expect.min_epoch = args->min_epoch;
    expect.min_version = args->min_version;
    if (seen != NULL && seen->epoch > expect.min_epoch) {
        expect.min_epoch = seen->epoch;
    }
    if (seen != NULL && seen->version > expect.min_version) {
        expect.min_version = seen->version;
    }
    unseal_batch(out, &view, &bf, key, source, trusted, trusted_count, &expect);
    state_record(&st, expect.vault, expect.vault_len, view.epoch, view.version, view.head_hash);
    state_close(&st);
    cli_secret_free(key);
    free(source);
    free(trusted);
    keyring_free(&kr);
    batch_file_free(&bf);
}

/* Backslash and every byte outside printable ASCII as \xHH, into secret memory. */
static size_t escape_into(char *out, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        uint8_t c = s[i];
        if (c >= 0x20U && c < 0x7FU && c != '\\') {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 0x0FU];
        }
    }
    return o;
}

void cmd_secrets(int argc, char **argv)
{
    struct cli_args args;
    struct secrets s;
    size_t total = 0;
    size_t len = 0;
    size_t i;
    char *out;

    cli_args_parse(&args, &secrets_spec, argc, argv);
    open_secrets(&s, &args);
    for (i = 0; i < s.count; i++) {
        total += cli_mul(s.list[i].name_len + (args.show_values ? s.list[i].value_len + 1U : 0U), 4) + 1U;
    }
    out = cli_secret_alloc(total + 1U);
    for (i = 0; i < s.count; i++) {
        len += escape_into(out + len, s.list[i].name, s.list[i].name_len);
        if (args.show_values) {
            out[len++] = '=';
            len += escape_into(out + len, s.list[i].value, s.list[i].value_len);
        }
        out[len++] = '\n';
    }
    cli_write_stdout(out, len);
    cli_secret_free(out);
    secrets_free(&s);
    cli_args_free(&args);
}

void cmd_env(int argc, char **argv)
{
    struct cli_args args;
    struct secrets s;
    size_t len = 0;
    char *out;

    cli_args_parse(&args, &env_spec, argc, argv);
    open_secrets(&s, &args);
    env_check_secrets(&s, display_name(args.operands[0]), !args.shell_quote);
    out = env_format(&s, args.shell_quote, &len);
    cli_write_stdout(out, len);
    cli_secret_free(out);
    secrets_free(&s);
    cli_args_free(&args);
}

void cmd_run(int argc, char **argv)
{
    struct cli_args args;
    struct secrets s;

    cli_args_parse(&args, &run_spec, argc, argv);
    open_secrets(&s, &args);
    env_check_secrets(&s, display_name(args.operands[0]), 0);
    env_exec(&s, args.command);
}
