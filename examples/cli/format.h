/* The secrets as text for another program to read (cloak env, and run --mount). */
#ifndef CLOAK_CLI_FORMAT_H
#define CLOAK_CLI_FORMAT_H

#include <stddef.h>

struct secrets;

enum cli_format {
    FORMAT_PLAIN,  /* NAME=value lines */
    FORMAT_DOTENV,
    FORMAT_JSON,
    FORMAT_YAML,
    FORMAT_EXPORT,
    FORMAT_SHELL   /* NAME='value' (--shell-quote) */
};

/* The format --format names; exits with CLI_EXIT_USAGE on an unknown name. `command` is for the
 * message. */
enum cli_format format_from_name(const char *command, const char *name);

/* The secrets in format f, in secret memory (NUL-terminated; *len excludes the NUL). Refuses
 * (CLI_EXIT_NAME) a value the format cannot carry so that its reader reads it back unchanged. `file`
 * names the batch in messages; secret names appear in them only with show_names. */
char *format_secrets(const struct secrets *s, enum cli_format f, const char *file, int show_names, size_t *len);

#endif /* CLOAK_CLI_FORMAT_H */
