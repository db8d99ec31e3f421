/* Secrets into an environment, and the exec. Values never pass through setenv(): the new
 * environment is built in secret memory and handed to execve, so if exec fails it can all be wiped,
 * and cloak's own environment (its PATH included) stays as it was. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "childenv.h"
#include "cli.h"
#include "unseal.h"

extern char **environ;

/* True if the environment entry `entry` ("NAME=...") is the variable `name`. */
static int entry_is(const char *entry, const uint8_t *name, size_t len)
{
    return strncmp(entry, (const char *)name, len) == 0 && entry[len] == '=';
}

static int entry_is_str(const char *entry, const char *name)
{
    return entry_is(entry, (const uint8_t *)name, strlen(name));
}

static int dropped(const char *entry, const struct secrets *s, const struct childenv_spec *spec)
{
    size_t i;

    if (entry_is_str(entry, CLI_ENV_KEY) || entry_is_str(entry, CLI_ENV_PASSPHRASE) ||
        entry_is_str(entry, CHILDENV_MOUNT_VAR)) {
        return 1;
    }
    if (!spec->inherit) {
        for (i = 0; i < spec->keep_count; i++) {
            if (entry_is_str(entry, spec->keep[i])) {
                break;
            }
        }
        if (i == spec->keep_count) {
            return 1;
        }
    }
    if (spec->add_secrets) {
        for (i = 0; i < s->count; i++) {
            if (entry_is(entry, s->list[i].name, s->list[i].name_len)) {
                return 1;
            }
        }
    }
    return 0;
}

void childenv_build(struct childenv *ce, const struct secrets *s, const struct childenv_spec *spec)
{
    size_t inherited = 0;
    size_t n = 0;
    size_t i;
    char **env;

    while (environ != NULL && environ[inherited] != NULL) {
        inherited++;
    }
    env = cli_alloc(cli_mul(inherited + s->count + 2U, sizeof(*env)));
    for (i = 0; i < inherited; i++) {
        if (!dropped(environ[i], s, spec)) {
            env[n++] = environ[i];
        }
    }
    ce->first_owned = n;
    if (spec->add_secrets) {
        for (i = 0; i < s->count; i++) {
            const struct secret *x = &s->list[i];
            char *entry = cli_secret_alloc(x->name_len + x->value_len + 2U);
            memcpy(entry, x->name, x->name_len);
            entry[x->name_len] = '=';
            memcpy(entry + x->name_len + 1U, x->value, x->value_len);
            env[n++] = entry;
        }
    }
    if (spec->mount_path != NULL) {
        size_t len = strlen(spec->mount_path);
        char *entry = cli_secret_alloc(sizeof(CHILDENV_MOUNT_VAR) + len + 1U);
        memcpy(entry, CHILDENV_MOUNT_VAR "=", sizeof(CHILDENV_MOUNT_VAR));
        memcpy(entry + sizeof(CHILDENV_MOUNT_VAR), spec->mount_path, len);
        env[n++] = entry;
    }
    env[n] = NULL;
    ce->vars = env;
    ce->count = n;
}

void childenv_free(struct childenv *ce)
{
    size_t i;

    if (ce->vars == NULL) {
        return;
    }
    for (i = ce->first_owned; i < ce->count; i++) {
        cli_secret_free(ce->vars[i]);
    }
    free(ce->vars);
    memset(ce, 0, sizeof(*ce));
}

/* A file the kernel would not run (no #! line, not a binary): run it with the shell, as execvp does. */
static void exec_with_shell(char *file, char *const argv[], char **env)
{
    static char sh_name[] = "sh";
    size_t argc = 0;
    char **sh_argv;

    while (argv[argc] != NULL) {
        argc++;
    }
    sh_argv = malloc((argc + 2U) * sizeof(*sh_argv));
    if (sh_argv == NULL) {
        return;
    }
    sh_argv[0] = sh_name;
    sh_argv[1] = file;
    memcpy(sh_argv + 2, argv + 1, argc * sizeof(*sh_argv));
    (void)execve("/bin/sh", sh_argv, env);
    free(sh_argv);
}

int child_exec(char *const argv[], char **env, const char *path)
{
    const char *name = argv[0];
    size_t name_len = strlen(name);
    const char *p;
    char *candidate;
    int seen_eacces = 0;
    int last = ENOENT;

    if (name_len == 0) {
        return ENOENT;
    }
    if (strchr(name, '/') != NULL) {
        (void)execve(name, argv, env);
        if (errno == ENOEXEC) {
            exec_with_shell(argv[0], argv, env);
            errno = ENOEXEC;
        }
        return errno;
    }
    if (path == NULL) {
        path = "/bin:/usr/bin";
    }
    candidate = malloc(strlen(path) + name_len + 2U);
    if (candidate == NULL) {
        return ENOMEM;
    }
    p = path;
    for (;;) {
        const char *end = strchr(p, ':');
        size_t dir_len = end != NULL ? (size_t)(end - p) : strlen(p);
        /* An empty element is the current directory, as in execvp. */
        if (dir_len == 0) {
            memcpy(candidate, name, name_len + 1U);
        } else {
            memcpy(candidate, p, dir_len);
            candidate[dir_len] = '/';
            memcpy(candidate + dir_len + 1U, name, name_len + 1U);
        }
        (void)execve(candidate, argv, env);
        switch (errno) {
        case EACCES:
            seen_eacces = 1;
            break;
        case ENOENT:
        case ENOTDIR:
        case ENAMETOOLONG:
        case ELOOP:
            break;
        case ENOEXEC:
            exec_with_shell(candidate, argv, env);
            free(candidate);
            return ENOEXEC;
        default:
            /* Found but cannot run (too big, out of memory, ...): looking further would run
             * another program than the one PATH names. */
            last = errno;
            free(candidate);
            return last;
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
    free(candidate);
    return seen_eacces ? EACCES : last;
}

void env_exec(char *const argv[], struct childenv *ce)
{
    int e;

    cli_core_dumps_restore();
    e = child_exec(argv, ce->vars, getenv("PATH"));
    childenv_free(ce);
    cli_fail(e == ENOENT || e == ENOTDIR ? CLI_EXIT_NOT_FOUND : CLI_EXIT_CANNOT_EXEC,
             "run: cannot run %s: %s; check the command name and PATH", argv[0], strerror(e));
}
