/* Commands that open a batch and print: secrets (names, or values on request), env (the secrets in
 * a format another program reads). */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "batchopen.h"
#include "envnames.h"
#include "format.h"
#include "cli.h"
#include "commands.h"
#include "fileio.h"
#include "unseal.h"

const struct cli_command_spec secrets_spec = {
    "secrets", "cloak secrets FILE [--show-values] [--only NAME] [--vault ID] [OPTIONS]",
    "usage: cloak secrets FILE [--show-values] [--only NAME] [--vault ID] [OPTIONS]\n"
    "\n"
    "Opens a batch and prints the names of its secrets, one per line. Values are not printed unless\n"
    "--show-values is given (then NAME=value, with backslashes and bytes that are not printable ASCII\n"
    "written as \\xHH).\n"
    "\n"
    "  --show-values       print the values too\n"
    "  --only NAME         only the secret NAME (repeatable); a name the batch lacks is refused\n"
    "  --show-names        let error messages name secrets\n" OPEN_OPTIONS_HELP,
    OPEN_OPTIONS | OPT_SHOW_VALUES | OPT_ONLY | OPT_SHOW_NAMES, 1, 1, 0};

const struct cli_command_spec env_spec = {
    "env", "cloak env FILE [--format NAME] [--only NAME] [--allow-name NAME] [--vault ID] [OPTIONS]",
    "usage: cloak env FILE [--format NAME] [--only NAME] [--allow-name NAME] [--vault ID] [OPTIONS]\n"
    "\n"
    "Opens a batch and prints its secrets for another program to read, in one of these formats:\n"
    "  plain    NAME=value lines, the value to the end of the line (docker --env-file); the default.\n"
    "           A value holding a newline or carriage return is refused.\n"
    "  dotenv   NAME=\"value\" lines in systemd's environment-file grammar (EnvironmentFile=,\n"
    "           environment.d): \\ and \" escaped. Refuses bytes that are not UTF-8, an empty value\n"
    "           and a $ before a name, { or $ (environment.d expands those, EnvironmentFile= does not).\n"
    "  json     one object, name to value (UTF-8 only)\n"
    "  yaml     \"NAME\": \"value\" lines, every key and value double-quoted (UTF-8 only)\n"
    "  export   export NAME='value' lines for a POSIX shell (eval or .)\n"
    "  shell    NAME='value' lines (the same as --shell-quote)\n"
    "Every name must be a valid environment variable name and not one that would take over a program\n"
    "(LD_PRELOAD, BASH_ENV, PATH, NODE_OPTIONS, ...: docs/cli.md lists them) unless --allow-name\n"
    "names it. A value a format cannot carry exactly is refused, never changed.\n"
    "\n"
    "  --format NAME       plain, dotenv, json, yaml, export or shell\n"
    "  --shell-quote       the same as --format shell\n"
    "  --only NAME         only the secret NAME (repeatable); a name the batch lacks is refused\n"
    "  --allow-name NAME   allow the secret NAME although it is on the list of refused names\n"
    "                      (repeatable; exact names only)\n"
    "  --show-names        let error messages name secrets (they say \"the secret on that line\")\n"
    OPEN_OPTIONS_HELP,
    OPEN_OPTIONS | OPT_SHELL_QUOTE | OPT_FORMAT | OPT_ONLY | OPT_ALLOW_NAME | OPT_SHOW_NAMES, 1, 1, 0};

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
    secrets_keep_only(&s, &args, batch_display_name(args.operands[0]));
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
    enum cli_format f;
    size_t len = 0;
    char *out;

    cli_args_parse(&args, &env_spec, argc, argv);
    /* Settled before the batch is opened, so a mistyped format never asks for a passphrase. */
    f = format_from_name("env", args.format);
    if (args.shell_quote) {
        if (args.format != NULL && f != FORMAT_SHELL) {
            cli_fail(CLI_EXIT_USAGE, "env: --shell-quote is --format shell; give one format");
        }
        f = FORMAT_SHELL;
    }
    open_secrets(&s, &args);
    secrets_keep_only(&s, &args, batch_display_name(args.operands[0]));
    env_check_secrets(&s, &args, batch_display_name(args.operands[0]), 0);
    out = format_secrets(&s, f, batch_display_name(args.operands[0]), args.show_names, &len);
    cli_write_stdout(out, len);
    cli_secret_free(out);
    secrets_free(&s);
    cli_args_free(&args);
}
