/* Secrets into an environment. Values never pass through setenv(): the new environment is built
 * in secret memory and installed just before exec, so if exec fails it can all be wiped. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "childenv.h"
#include "cli.h"
#include "unseal.h"

extern char **environ;

int env_name_valid(const uint8_t *name, size_t len)
{
    size_t i;

    if (len == 0) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        uint8_t c = name[i];
        int alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        if (!(alpha || (i > 0 && c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    return 1;
}

static int is_reserved(const uint8_t *name, size_t len)
{
    return (len == strlen(CLI_ENV_KEY) && memcmp(name, CLI_ENV_KEY, len) == 0) ||
           (len == strlen(CLI_ENV_PASSPHRASE) && memcmp(name, CLI_ENV_PASSPHRASE, len) == 0);
}

void env_check_secrets(const struct secrets *s, const char *file, int one_line)
{
    char shown[CLI_SHOWN_NAME];
    size_t i;
    size_t j;

    for (i = 0; i < s->count; i++) {
        const struct secret *e = &s->list[i];
        cli_printable(shown, sizeof(shown), e->name, e->name_len);
        if (!env_name_valid(e->name, e->name_len)) {
            cli_fail(CLI_EXIT_NAME,
                     "%s line %lu: the secret \"%s\" is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*); rename it in the vault, or read it with cloak secrets",
                     file, e->lineno, shown);
        }
        if (is_reserved(e->name, e->name_len)) {
            cli_fail(CLI_EXIT_NAME, "%s line %lu: the secret %s has a name cloak keeps from commands; rename it in the vault",
                     file, e->lineno, shown);
        }
        if (memchr(e->value, 0, e->value_len) != NULL) {
            cli_fail(CLI_EXIT_NAME, "%s line %lu: the value of %s holds a NUL byte, which no environment variable can; read it with cloak secrets --show-values",
                     file, e->lineno, shown);
        }
        if (one_line && memchr(e->value, '\n', e->value_len) != NULL) {
            cli_fail(CLI_EXIT_NAME, "%s line %lu: the value of %s spans several lines; use cloak env --shell-quote or cloak run",
                     file, e->lineno, shown);
        }
        for (j = 0; j < i; j++) {
            if (s->list[j].name_len == e->name_len && memcmp(s->list[j].name, e->name, e->name_len) == 0) {
                cli_fail(CLI_EXIT_NAME, "%s line %lu: the secret %s appears twice in the batch; ask its sender to fix the vault",
                         file, e->lineno, shown);
            }
        }
    }
}

/* A growing buffer in secret memory: reallocation copies and wipes, so no stale copy stays. */
struct sbuf {
    char *p;
    size_t len;
    size_t cap;
};

static void sbuf_put(struct sbuf *b, const void *data, size_t n)
{
    if (b->len + n + 1U > b->cap) {
        size_t cap = cli_mul(b->len + n + 1U, 2);
        char *q = cli_secret_alloc(cap);
        if (b->p != NULL) {
            memcpy(q, b->p, b->len);
            cli_secret_free(b->p);
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

char *env_format(const struct secrets *s, int shell_quote, size_t *len)
{
    struct sbuf b = {NULL, 0, 0};
    size_t i;

    sbuf_put(&b, "", 0);
    for (i = 0; i < s->count; i++) {
        const struct secret *e = &s->list[i];
        size_t j;
        sbuf_put(&b, e->name, e->name_len);
        sbuf_put(&b, "=", 1);
        if (!shell_quote) {
            sbuf_put(&b, e->value, e->value_len);
        } else {
            /* Inside single quotes only the quote itself is special: close, escape it, reopen. */
            sbuf_put(&b, "'", 1);
            for (j = 0; j < e->value_len; j++) {
                if (e->value[j] == '\'') {
                    sbuf_put(&b, "'\\''", 4);
                } else {
                    sbuf_put(&b, &e->value[j], 1);
                }
            }
            sbuf_put(&b, "'", 1);
        }
        sbuf_put(&b, "\n", 1);
    }
    *len = b.len;
    return b.p;
}

/* True if the environment entry `entry` ("NAME=...") is the variable `name`. */
static int entry_is(const char *entry, const uint8_t *name, size_t len)
{
    return strncmp(entry, (const char *)name, len) == 0 && entry[len] == '=';
}

static int dropped(const char *entry, const struct secrets *s)
{
    size_t i;

    if (entry_is(entry, (const uint8_t *)CLI_ENV_KEY, strlen(CLI_ENV_KEY)) ||
        entry_is(entry, (const uint8_t *)CLI_ENV_PASSPHRASE, strlen(CLI_ENV_PASSPHRASE))) {
        return 1;
    }
    for (i = 0; i < s->count; i++) {
        if (entry_is(entry, s->list[i].name, s->list[i].name_len)) {
            return 1;
        }
    }
    return 0;
}

void env_exec(const struct secrets *s, char **argv)
{
    size_t inherited = 0;
    size_t n = 0;
    size_t i;
    char **env;
    int e;

    while (environ != NULL && environ[inherited] != NULL) {
        inherited++;
    }
    env = cli_alloc(cli_mul(inherited + s->count + 1U, sizeof(*env)));
    for (i = 0; i < inherited; i++) {
        if (!dropped(environ[i], s)) {
            env[n++] = environ[i];
        }
    }
    for (i = 0; i < s->count; i++) {
        const struct secret *x = &s->list[i];
        char *entry = cli_secret_alloc(x->name_len + x->value_len + 2U);
        memcpy(entry, x->name, x->name_len);
        entry[x->name_len] = '=';
        memcpy(entry + x->name_len + 1U, x->value, x->value_len);
        env[n++] = entry;
    }
    env[n] = NULL;
    environ = env;
    cli_core_dumps_restore();
    (void)execvp(argv[0], argv);
    e = errno;
    cli_fail(e == ENOENT ? CLI_EXIT_NOT_FOUND : CLI_EXIT_CANNOT_EXEC, "run: cannot run %s: %s; check the command name and PATH",
             argv[0], strerror(e));
}
