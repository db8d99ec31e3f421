/* Command-line parsing shared by every command: each command says which options it takes, how many
 * operands, and whether a command to run follows "--". */
#ifndef CLOAK_CLI_ARGS_H
#define CLOAK_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

enum {
    OPT_KEY_FILE = 1 << 0,    /* --key-file PATH */
    OPT_TRUST = 1 << 1,       /* --trust IDENTITY, repeatable */
    OPT_ACCOUNT = 1 << 2,     /* --account NAME */
    OPT_SHOW_VALUES = 1 << 3, /* --show-values */
    OPT_SHELL_QUOTE = 1 << 4, /* --shell-quote */
    OPT_OUT = 1 << 5,         /* --out FILE */
    OPT_STDOUT = 1 << 6,      /* --stdout */
    OPT_TRUST_ADD = 1 << 7,   /* --trust-add IDENTITY, repeatable: added to the keyring's */
    OPT_VAULT = 1 << 8,       /* --vault ID */
    OPT_MIN_EPOCH = 1 << 9,   /* --min-epoch N */
    OPT_MIN_VERSION = 1 << 10, /* --min-version N */
    OPT_STATE = 1 << 11,      /* --state FILE */
    OPT_NO_STATE = 1 << 12,   /* --no-state */
    OPT_SUITE = 1 << 13,      /* --suite NAME */
    OPT_FORMAT = 1 << 14,     /* --format NAME */
    OPT_ONLY = 1 << 15,       /* --only NAME, repeatable: only these secrets */
    OPT_ALLOW_NAME = 1 << 16, /* --allow-name NAME, repeatable: a refused variable name allowed */
    OPT_SHOW_NAMES = 1 << 17, /* --show-names: messages may name secrets */
    OPT_MASK = 1 << 18,       /* --mask: filter secret values out of the child's output */
    OPT_MOUNT = 1 << 19,      /* --mount PATH: the secrets as a file for the child */
    OPT_NO_INHERIT_ENV = 1 << 20, /* --no-inherit-env */
    OPT_KEEP_ENV = 1 << 21,   /* --keep-env NAME, repeatable: with --no-inherit-env, pass NAME on */
    OPT_COMMAND = 1 << 22,    /* --command STRING: run STRING with /bin/sh -c */
    OPT_CA_FILE = 1 << 23,    /* --ca-file PATH: the CA certificates for an https:// batch */
    OPT_VERIFIER = 1 << 24    /* --verifier */
};

#define ARGS_MAX_OPERANDS 3U

struct cli_args {
    const char *key_file;
    const char *account;
    const char *out;
    const char **trust; /* the --trust (or --trust-add) values, in order */
    size_t trust_count;
    int trust_adds;     /* 1: the values came with --trust-add, so the keyring's identities count too */
    const char *vault;  /* --vault, NULL when not given */
    uint32_t min_epoch; /* --min-epoch, 1 when not given */
    uint64_t min_version; /* --min-version, 1 when not given */
    const char *state;  /* --state FILE, NULL for the default place */
    int no_state;       /* --no-state */
    const char *suite;  /* --suite, NULL when not given */
    const char *format;   /* --format, NULL when not given */
    const char **only;    /* --only values */
    size_t only_count;
    const char **allow_names; /* --allow-name values */
    size_t allow_name_count;
    int show_names;       /* --show-names */
    int mask;             /* --mask */
    const char *mount;    /* --mount PATH */
    int no_inherit_env;   /* --no-inherit-env */
    const char **keep_env; /* --keep-env values */
    size_t keep_env_count;
    const char *command_string; /* --command STRING */
    const char *ca_file;  /* --ca-file PATH */
    int verifier;         /* --verifier */
    int show_values;
    int shell_quote;
    int to_stdout;
    const char *operands[ARGS_MAX_OPERANDS];
    size_t operand_count;
    char **command; /* after "--", NULL-terminated (points into argv) */
    size_t command_count;
};

/* What a command accepts. */
struct cli_command_spec {
    const char *name;     /* "secrets", for messages */
    const char *usage;    /* one line: "cloak secrets FILE [OPTIONS]" */
    const char *help;     /* printed for --help, then exit 0 */
    int options;          /* OPT_* bits */
    size_t min_operands;
    size_t max_operands;
    int wants_command;    /* 1: "-- CMD ARGS..." must follow (or --command STRING, where taken) */
};

/* Parses argv[1..argc-1] (argv[0] is the command's name). Exits with CLI_EXIT_USAGE and one line
 * on anything it does not take; prints the help and exits 0 on --help or -h before "--". */
void cli_args_parse(struct cli_args *args, const struct cli_command_spec *spec, int argc, char **argv);
void cli_args_free(struct cli_args *args);

#endif /* CLOAK_CLI_ARGS_H */
