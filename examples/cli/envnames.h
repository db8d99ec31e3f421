/* Which secrets may become environment variables (cloak env, run), and finding secrets by name. */
#ifndef CLOAK_CLI_ENVNAMES_H
#define CLOAK_CLI_ENVNAMES_H

#include <stddef.h>
#include <stdint.h>

struct cli_args;
struct secret;
struct secrets;

/* [A-Za-z_][A-Za-z0-9_]* */
int env_name_valid(const uint8_t *name, size_t len);

/* The entry of docs/cli.md's list of names that would take over a child ("LD_*", "BASH_ENV", ...)
 * that `name` matches (ASCII case ignored; a prefix shown with its *), or NULL when none. */
const char *env_name_takes_over(const uint8_t *name, size_t len);

/* How a message names a secret: `the secret "NAME"` (escaped) with show_names, else
 * "the secret on that line" (the message names the file and line). Returns out. */
const char *secret_label(char *out, size_t cap, const struct secret *e, int show_names);

/* The batch's indexes sorted by name (bytes, then length): an array of s->count entries in
 * ordinary memory, for secrets_find. */
size_t *secrets_sorted_index(const struct secrets *s);
/* The first secret (in the batch's order) named `name`, or NULL: a binary search, O(log n). */
const struct secret *secrets_find(const struct secrets *s, const size_t *index, const uint8_t *name, size_t len);

/* With --only, keeps only the secrets it names, in the batch's order, and refuses (CLI_EXIT_NAME) a
 * name the batch lacks; without it, keeps all. */
void secrets_keep_only(struct secrets *s, const struct cli_args *args, const char *file);

/* Refuses (CLI_EXIT_NAME) any name that is not a valid variable name, would take over the child
 * (docs/cli.md's list) unless --allow-name names it, is one of the variables cloak keeps from
 * children, or appears twice, and any value holding a NUL byte (or, with `one_line`, a newline or a
 * carriage return). `file` names the batch file in messages; secret names appear in them only with
 * --show-names. O(n log n) in the number of secrets. */
void env_check_secrets(const struct secrets *s, const struct cli_args *args, const char *file, int one_line);

#endif /* CLOAK_CLI_ENVNAMES_H */
