/* Command-line parsing: long options (--name VALUE or --name=VALUE), operands, "--". Written by hand
 * rather than with getopt_long so the tool needs nothing beyond POSIX. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "cloak.h"

struct option_def {
    const char *name;
    int bit;
    int takes_value;
};

static const struct option_def option_defs[] = {
    {"--key-file", OPT_KEY_FILE, 1},
    {"--trust", OPT_TRUST, 1},
    {"--account", OPT_ACCOUNT, 1},
    {"--show-values", OPT_SHOW_VALUES, 0},
    {"--shell-quote", OPT_SHELL_QUOTE, 0},
    {"--out", OPT_OUT, 1},
    {"--stdout", OPT_STDOUT, 0},
    {"--trust-add", OPT_TRUST_ADD, 1},
    {"--vault", OPT_VAULT, 1},
    {"--min-epoch", OPT_MIN_EPOCH, 1},
    {"--min-version", OPT_MIN_VERSION, 1},
    {"--state", OPT_STATE, 1},
    {"--no-state", OPT_NO_STATE, 0},
    {"--suite", OPT_SUITE, 1},
    {"--format", OPT_FORMAT, 1},
    {"--only", OPT_ONLY, 1},
    {"--allow-name", OPT_ALLOW_NAME, 1},
    {"--show-names", OPT_SHOW_NAMES, 0},
    {"--mask", OPT_MASK, 0},
    {"--mount", OPT_MOUNT, 1},
    {"--no-inherit-env", OPT_NO_INHERIT_ENV, 0},
    {"--keep-env", OPT_KEEP_ENV, 1},
    {"--command", OPT_COMMAND, 1},
    {"--ca-file", OPT_CA_FILE, 1},
    {"--verifier", OPT_VERIFIER, 0},
};

/* Options that may be given several times, each adding a value. */
#define REPEATABLE (OPT_TRUST | OPT_TRUST_ADD | OPT_ONLY | OPT_ALLOW_NAME | OPT_KEEP_ENV)

#define OPTION_COUNT (sizeof(option_defs) / sizeof(option_defs[0]))

static void print_help(const struct cli_command_spec *spec)
{
    fputs(spec->help, stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_fail(CLI_EXIT_FILE, "cannot write the help to standard output");
    }
    cli_secrets_wipe_all();
    exit(CLI_EXIT_OK);
}

/* --help wins over every other mistake on the line, as users reach for it when confused. */
static void scan_for_help(const struct cli_command_spec *spec, int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_help(spec);
        }
    }
}

static const struct option_def *find_option(const char *arg, size_t name_len)
{
    size_t i;

    for (i = 0; i < OPTION_COUNT; i++) {
        if (strlen(option_defs[i].name) == name_len && strncmp(option_defs[i].name, arg, name_len) == 0) {
            return &option_defs[i];
        }
    }
    return NULL;
}

/* A decimal number from 1 to max, digits only (no sign, no spaces, no leading zero), so that a pin
 * is never read as something other than what was typed. */
static uint64_t parse_pin(const struct cli_command_spec *spec, const char *opt, const char *value, uint64_t max)
{
    uint64_t n = 0;
    size_t i;

    if (value[0] == '0') {
        cli_fail(CLI_EXIT_USAGE, "%s: %s must be a number from 1 to %llu", spec->name, opt, (unsigned long long)max);
    }
    for (i = 0; value[i] != '\0'; i++) {
        uint64_t digit = (uint64_t)(value[i] - '0');
        if (value[i] < '0' || value[i] > '9' || n > (max - digit) / 10U) {
            cli_fail(CLI_EXIT_USAGE, "%s: %s must be a number from 1 to %llu", spec->name, opt,
                     (unsigned long long)max);
        }
        n = n * 10U + digit;
    }
    return n;
}

static void append(const char ***list, size_t *count, const char *value)
{
    *list = cli_realloc(*list, cli_mul(*count + 1U, sizeof(**list)));
    (*list)[(*count)++] = value;
}

static void set_option(struct cli_args *args, const struct cli_command_spec *spec, const struct option_def *def,
                       const char *value, int seen)
{
    if ((def->bit & REPEATABLE) == 0 && (seen & def->bit) != 0) {
        cli_fail(CLI_EXIT_USAGE, "%s: %s given twice; give it once", spec->name, def->name);
    }
    switch (def->bit) {
    case OPT_KEY_FILE:
        args->key_file = value;
        break;
    case OPT_ACCOUNT:
        args->account = value;
        break;
    case OPT_OUT:
        args->out = value;
        break;
    case OPT_TRUST_ADD:
        args->trust_adds = 1;
        append(&args->trust, &args->trust_count, value);
        break;
    case OPT_VAULT:
        if (strlen(value) > CLOAK_LABELBYTES_MAX) {
            cli_fail(CLI_EXIT_USAGE, "%s: --vault takes a vault id of at most %u bytes", spec->name,
                     CLOAK_LABELBYTES_MAX);
        }
        args->vault = value;
        break;
    case OPT_MIN_EPOCH:
        args->min_epoch = (uint32_t)parse_pin(spec, def->name, value, UINT32_MAX);
        break;
    case OPT_MIN_VERSION:
        args->min_version = parse_pin(spec, def->name, value, UINT64_MAX);
        break;
    case OPT_STATE:
        args->state = value;
        break;
    case OPT_NO_STATE:
        args->no_state = 1;
        break;
    case OPT_SUITE:
        args->suite = value;
        break;
    case OPT_TRUST:
        append(&args->trust, &args->trust_count, value);
        break;
    case OPT_FORMAT:
        args->format = value;
        break;
    case OPT_ONLY:
        append(&args->only, &args->only_count, value);
        break;
    case OPT_ALLOW_NAME:
        append(&args->allow_names, &args->allow_name_count, value);
        break;
    case OPT_SHOW_NAMES:
        args->show_names = 1;
        break;
    case OPT_MASK:
        args->mask = 1;
        break;
    case OPT_MOUNT:
        args->mount = value;
        break;
    case OPT_NO_INHERIT_ENV:
        args->no_inherit_env = 1;
        break;
    case OPT_KEEP_ENV:
        append(&args->keep_env, &args->keep_env_count, value);
        break;
    case OPT_COMMAND:
        args->command_string = value;
        break;
    case OPT_CA_FILE:
        args->ca_file = value;
        break;
    case OPT_VERIFIER:
        args->verifier = 1;
        break;
    case OPT_SHOW_VALUES:
        args->show_values = 1;
        break;
    case OPT_SHELL_QUOTE:
        args->shell_quote = 1;
        break;
    case OPT_STDOUT:
        args->to_stdout = 1;
        break;
    default:
        break;
    }
}

void cli_args_parse(struct cli_args *args, const struct cli_command_spec *spec, int argc, char **argv)
{
    int seen = 0;
    int dashdash = 0;
    int i = 1;

    memset(args, 0, sizeof(*args));
    args->min_epoch = 1;
    args->min_version = 1;
    scan_for_help(spec, argc, argv);
    while (i < argc) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            dashdash = 1;
            i++;
            break;
        }
        if (arg[0] == '-' && arg[1] != '\0') {
            const char *eq = strchr(arg, '=');
            size_t name_len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
            const struct option_def *def = find_option(arg, name_len);
            const char *value = NULL;
            if (def == NULL || (spec->options & def->bit) == 0) {
                char shown[128];
                cli_fail(CLI_EXIT_USAGE, "%s: unknown option %s; see cloak %s --help", spec->name,
                         cli_printable(shown, sizeof(shown), (const uint8_t *)arg, name_len), spec->name);
            }
            if (def->takes_value) {
                if (eq != NULL) {
                    value = eq + 1;
                } else if (i + 1 < argc) {
                    value = argv[++i];
                } else {
                    cli_fail(CLI_EXIT_USAGE, "%s: %s needs a value; see cloak %s --help", spec->name, def->name,
                             spec->name);
                }
                if (value[0] == '\0') {
                    cli_fail(CLI_EXIT_USAGE, "%s: %s needs a non-empty value", spec->name, def->name);
                }
            } else if (eq != NULL) {
                cli_fail(CLI_EXIT_USAGE, "%s: %s takes no value", spec->name, def->name);
            }
            set_option(args, spec, def, value, seen);
            seen |= def->bit;
            i++;
            continue;
        }
        if (args->operand_count >= spec->max_operands) {
            cli_fail(CLI_EXIT_USAGE, "%s: too many arguments%s; see cloak %s --help", spec->name,
                     spec->wants_command ? " (put -- before the command to run)" : "", spec->name);
        }
        args->operands[args->operand_count++] = arg;
        i++;
    }
    /* Without a command to run, "--" only ends the options: the rest are operands. */
    if (!spec->wants_command) {
        for (; i < argc; i++) {
            if (args->operand_count >= spec->max_operands) {
                cli_fail(CLI_EXIT_USAGE, "%s: too many arguments; see cloak %s --help", spec->name, spec->name);
            }
            args->operands[args->operand_count++] = argv[i];
        }
    } else if (dashdash && i < argc) {
        args->command = argv + i;
        args->command_count = (size_t)(argc - i);
    }
    /* --trust narrows trust to the command line, --trust-add widens the keyring's: both at once would
     * leave the reader unsure which it asked for. */
    if ((seen & OPT_TRUST) != 0 && (seen & OPT_TRUST_ADD) != 0) {
        cli_fail(CLI_EXIT_USAGE, "%s: give --trust (only these identities) or --trust-add (the keyring's and these), not both",
                 spec->name);
    }
    if ((seen & OPT_STATE) != 0 && (seen & OPT_NO_STATE) != 0) {
        cli_fail(CLI_EXIT_USAGE, "%s: --state and --no-state contradict each other; give one", spec->name);
    }
    if (args->operand_count < spec->min_operands) {
        cli_fail(CLI_EXIT_USAGE, "%s: missing argument; usage: %s", spec->name, spec->usage);
    }
    if (args->command_string != NULL && args->command != NULL) {
        cli_fail(CLI_EXIT_USAGE, "%s: give the command after -- or as --command STRING, not both", spec->name);
    }
    if (spec->wants_command && args->command == NULL && args->command_string == NULL) {
        cli_fail(CLI_EXIT_USAGE, "%s: no command to run; put it after --, as in: cloak %s FILE -- CMD ARGS...",
                 spec->name, spec->name);
    }
}

void cli_args_free(struct cli_args *args)
{
    free(args->trust);
    free(args->only);
    free(args->allow_names);
    free(args->keep_env);
    memset(args, 0, sizeof(*args));
}
