/* The environment of the command `cloak run` starts, and starting it (exec). */
#ifndef CLOAK_CLI_CHILDENV_H
#define CLOAK_CLI_CHILDENV_H

#include <stddef.h>
#include <stdint.h>

struct secrets;

/* What goes into the command's environment. */
struct childenv_spec {
    int add_secrets;          /* the secrets as variables (not with --mount: they are in the file) */
    int inherit;              /* cloak's own environment (0 with --no-inherit-env) */
    const char **keep;        /* with inherit 0: the variables passed on all the same (--keep-env) */
    size_t keep_count;
    const char *mount_path;   /* set as CLOAK_MOUNT when not NULL */
};

/* The variable that tells a command where --mount put the secrets. */
#define CHILDENV_MOUNT_VAR "CLOAK_MOUNT"

/* The environment: vars[0, count) then NULL; vars[first_owned, count) are ours (secret memory). */
struct childenv {
    char **vars;
    size_t count;
    size_t first_owned;
};

/* Builds the environment: the inherited (or kept) variables minus CLOAK_SERVICE_ACCOUNT_KEY,
 * CLOAK_PASSPHRASE, CLOAK_MOUNT and the secrets' names, then the secrets (replacing variables of the
 * same name), then CLOAK_MOUNT. */
void childenv_build(struct childenv *ce, const struct secrets *s, const struct childenv_spec *spec);
/* Wipes and frees what childenv_build made. */
void childenv_free(struct childenv *ce);

/* execve of argv with env, the command looked up in `path` (cloak's own PATH, whatever env holds;
 * NULL for the system's default) as execvp does, a file without a #! line run by /bin/sh. Returns
 * only on failure, with the errno that best explains it (ENOENT when no candidate exists). */
int child_exec(char *const argv[], char **env, const char *path);

/* Exec mode: cloak becomes the command. Returns only to fail: 127 when the command is not found,
 * 126 when it cannot run, with the environment wiped first. */
_Noreturn void env_exec(char *const argv[], struct childenv *ce);

#endif /* CLOAK_CLI_CHILDENV_H */
