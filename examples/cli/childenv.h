/* Secrets as environment variables: the names they may have, NAME=value output, and the
 * environment of the command `cloak run` executes. */
#ifndef CLOAK_CLI_CHILDENV_H
#define CLOAK_CLI_CHILDENV_H

#include <stddef.h>
#include <stdint.h>

struct secrets;

/* [A-Za-z_][A-Za-z0-9_]* */
int env_name_valid(const uint8_t *name, size_t len);

/* Refuses (CLI_EXIT_NAME), naming the secret, any name that is not a valid variable name, is one
 * of the variables cloak keeps from children, or appears twice, and any value holding a NUL byte
 * (or, with `one_line`, a newline). `file` names the batch file in messages. */
void env_check_secrets(const struct secrets *s, const char *file, int one_line);

/* "NAME=value\n" lines, or NAME='value' with --shell-quote, in secret memory. */
char *env_format(const struct secrets *s, int shell_quote, size_t *len);

/* Runs argv with the secrets added to the environment (replacing variables of the same name) and
 * CLOAK_SERVICE_ACCOUNT_KEY and CLOAK_PASSPHRASE removed, by exec: the command's exit status is
 * cloak's. Returns only to fail: 127 when the command is not found, 126 when it cannot run. */
_Noreturn void env_exec(const struct secrets *s, char **argv);

#endif /* CLOAK_CLI_CHILDENV_H */
