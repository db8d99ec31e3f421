/* Which secrets may become environment variables: valid names, names that would hand the child to
 * whoever can write to the vault, names cloak keeps for itself, values an environment can hold. */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "envnames.h"
#include "unseal.h"

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

/*
 * Variables that make a program load, run or trust something the value chooses: the dynamic loader,
 * shells, language runtimes, tools that run a command from a variable, and TLS trust. A secret so
 * named would let anyone who can write to the vault run code on the runner, so it is refused unless
 * --allow-name names it. docs/cli.md ("Names cloak refuses") gives the reason for each group; keep the
 * two in step. Matched ignoring ASCII case: npm reads npm_config_* in any case, and a lower-case
 * twin is never a name anyone means.
 */
struct takeover_rule {
    const char *text; /* the name, or the prefix when `prefix` */
    size_t len;
    int prefix;
    const char *shown; /* as docs/cli.md writes it: a prefix ends in * */
};
#define RULE(text, prefix) {text, sizeof(text) - 1U, prefix, (prefix) ? text "*" : text}

static const struct takeover_rule takeover_rules[] = {
    /* The dynamic loader and the C library (glibc, musl; DYLD_ for macOS). */
    RULE("LD_", 1), RULE("DYLD_", 1), RULE("GCONV_PATH", 0), RULE("LOCPATH", 0), RULE("NLSPATH", 0),
    RULE("HOSTALIASES", 0), RULE("RESOLV_HOST_CONF", 0), RULE("MALLOC_", 1), RULE("GLIBC_TUNABLES", 0),
    RULE("TZDIR", 0),
    /* Shells: start-up files, functions, options, prompts, word splitting, the command search. */
    RULE("BASH_ENV", 0), RULE("ENV", 0), RULE("BASH_FUNC_", 1), RULE("SHELLOPTS", 0), RULE("BASHOPTS", 0),
    RULE("PS0", 0), RULE("PS1", 0), RULE("PS2", 0), RULE("PS4", 0), RULE("PROMPT_COMMAND", 0), RULE("IFS", 0),
    RULE("CDPATH", 0), RULE("GLOBIGNORE", 0), RULE("PATH", 0), RULE("SHELL", 0), RULE("ZDOTDIR", 0),
    RULE("HOME", 0), RULE("XDG_CONFIG_HOME", 0), RULE("XDG_CONFIG_DIRS", 0),
    /* Language runtimes: code to preload, search paths, options that run code. */
    RULE("NODE_OPTIONS", 0), RULE("NODE_PATH", 0), RULE("NODE_EXTRA_CA_CERTS", 0),
    RULE("NODE_TLS_REJECT_UNAUTHORIZED", 0), RULE("NODE_REPL_EXTERNAL_MODULE", 0), RULE("NPM_CONFIG_", 1),
    RULE("PYTHON", 1), RULE("PERL5LIB", 0), RULE("PERL5OPT", 0), RULE("PERLLIB", 0), RULE("PERL5DB", 0),
    RULE("RUBYOPT", 0), RULE("RUBYLIB", 0), RULE("LUA_INIT", 1), RULE("LUA_PATH", 1), RULE("LUA_CPATH", 1),
    RULE("PHPRC", 0), RULE("PHP_INI_SCAN_DIR", 0), RULE("GOFLAGS", 0), RULE("JAVA_TOOL_OPTIONS", 0),
    RULE("_JAVA_OPTIONS", 0), RULE("JDK_JAVA_OPTIONS", 0), RULE("JAVA_OPTS", 0), RULE("CLASSPATH", 0),
    RULE("MAVEN_OPTS", 0), RULE("GRADLE_OPTS", 0), RULE("DOTNET_STARTUP_HOOKS", 0), RULE("CORECLR_", 1),
    RULE("COR_PROFILER", 1),
    /* Tools that run a program a variable names. */
    RULE("GIT_SSH", 0), RULE("GIT_SSH_COMMAND", 0), RULE("GIT_EXEC_PATH", 0), RULE("GIT_ASKPASS", 0),
    RULE("GIT_EDITOR", 0), RULE("GIT_SEQUENCE_EDITOR", 0), RULE("GIT_PAGER", 0), RULE("GIT_EXTERNAL_DIFF", 0),
    RULE("GIT_PROXY_COMMAND", 0), RULE("GIT_TEMPLATE_DIR", 0), RULE("GIT_DIR", 0), RULE("GIT_WORK_TREE", 0),
    RULE("GIT_CONFIG", 1), RULE("GIT_SSL_NO_VERIFY", 0), RULE("GIT_SSL_CAINFO", 0), RULE("SSH_ASKPASS", 0),
    RULE("SUDO_ASKPASS", 0), RULE("EDITOR", 0), RULE("VISUAL", 0), RULE("PAGER", 0), RULE("MANPAGER", 0),
    RULE("BROWSER", 0), RULE("LESSOPEN", 0), RULE("LESSCLOSE", 0),
    /* Build tools: flags and compiler names that make, cargo, go and pip run or fetch code from. */
    RULE("MAKEFLAGS", 0), RULE("MAKEFILES", 0), RULE("MFLAGS", 0), RULE("CC", 0), RULE("CXX", 0), RULE("CPP", 0),
    RULE("LD", 0), RULE("AR", 0), RULE("AS", 0), RULE("CFLAGS", 0), RULE("CXXFLAGS", 0), RULE("CPPFLAGS", 0),
    RULE("LDFLAGS", 0), RULE("RUSTC", 1), RULE("RUSTFLAGS", 0), RULE("RUSTDOCFLAGS", 0), RULE("CARGO_BUILD_", 1),
    RULE("CARGO_TARGET_", 1), RULE("CARGO_HOME", 0), RULE("CARGO_ALIAS_", 1),
    RULE("GOTOOLCHAIN", 0), RULE("GOPROXY", 0), RULE("GOSUMDB", 0), RULE("GONOSUMDB", 0), RULE("GOPRIVATE", 0),
    RULE("GOINSECURE", 0), RULE("PIP_INDEX_URL", 0), RULE("PIP_EXTRA_INDEX_URL", 0),
    RULE("PIP_FIND_LINKS", 0), RULE("PIP_TRUSTED_HOST", 0), RULE("PIP_CONFIG_FILE", 0), RULE("BUNDLE_GEMFILE", 0),
    RULE("DOCKER_HOST", 0),
    /* More programs that run a command a variable names. */
    RULE("RSYNC_RSH", 0), RULE("CVS_RSH", 0), RULE("SVN_SSH", 0), RULE("KUBE_EDITOR", 0),
    RULE("KUBECTL_EXTERNAL_DIFF", 0), RULE("SUDO_EDITOR", 0), RULE("FCEDIT", 0), RULE("GH_EDITOR", 0),
    RULE("GH_PAGER", 0), RULE("GH_BROWSER", 0), RULE("SYSTEMD_EDITOR", 0),
    /* TLS trust and OpenSSL modules: a replaced CA list lets a server be impersonated. */
    RULE("OPENSSL_CONF", 0), RULE("OPENSSL_ENGINES", 0), RULE("OPENSSL_MODULES", 0), RULE("SSL_CERT_FILE", 0),
    RULE("SSL_CERT_DIR", 0), RULE("CURL_CA_BUNDLE", 0), RULE("REQUESTS_CA_BUNDLE", 0),
    /* cloak's own settings (CLOAK_TRUST, CLOAK_KEYRING, ...): a secret must not steer a nested cloak. */
    RULE("CLOAK_", 1),
};

static int upper(uint8_t c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

static int matches(const uint8_t *name, size_t len, const char *text, size_t n)
{
    size_t i;

    if (len < n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (upper(name[i]) != (uint8_t)text[i]) {
            return 0;
        }
    }
    return 1;
}

const char *env_name_takes_over(const uint8_t *name, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(takeover_rules) / sizeof(takeover_rules[0]); i++) {
        const struct takeover_rule *r = &takeover_rules[i];
        if ((r->prefix || len == r->len) && matches(name, len, r->text, r->len)) {
            return r->shown;
        }
    }
    return NULL;
}

static int is_reserved(const uint8_t *name, size_t len)
{
    return (len == strlen(CLI_ENV_KEY) && memcmp(name, CLI_ENV_KEY, len) == 0) ||
           (len == strlen(CLI_ENV_PASSPHRASE) && memcmp(name, CLI_ENV_PASSPHRASE, len) == 0);
}

static int allowed(const struct cli_args *args, const uint8_t *name, size_t len)
{
    size_t i;

    for (i = 0; i < args->allow_name_count; i++) {
        if (strlen(args->allow_names[i]) == len && memcmp(args->allow_names[i], name, len) == 0) {
            return 1;
        }
    }
    return 0;
}

const char *secret_label(char *out, size_t cap, const struct secret *e, int show_names)
{
    char shown[CLI_SHOWN_NAME];
    size_t n;

    if (!show_names) {
        n = strlen("the secret on that line");
        if (n >= cap) {
            n = cap - 1U;
        }
        memcpy(out, "the secret on that line", n);
        out[n] = '\0';
        return out;
    }
    cli_printable(shown, sizeof(shown), e->name, e->name_len);
    n = strlen(shown);
    if (n + 14U > cap) {
        n = cap > 14U ? cap - 14U : 0U;
    }
    memcpy(out, "the secret \"", 12);
    memcpy(out + 12, shown, n);
    out[12 + n] = '"';
    out[13 + n] = '\0';
    return out;
}

/* Name order: bytes, then length; equal names keep the batch's order (the merge below is stable). */
static int name_cmp(const struct secret *a, const struct secret *b)
{
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int c = memcmp(a->name, b->name, n);

    if (c != 0) {
        return c;
    }
    return (a->name_len > b->name_len) - (a->name_len < b->name_len);
}

/* Bottom-up merge sort of the indexes: O(n log n) whatever the input, stable, no recursion, and no
 * comparator context in a global (qsort has none). */
size_t *secrets_sorted_index(const struct secrets *s)
{
    size_t n = s->count;
    size_t *a = cli_alloc(cli_mul(n + 1U, sizeof(*a)));
    size_t *b = cli_alloc(cli_mul(n + 1U, sizeof(*b)));
    size_t width;
    size_t i;

    for (i = 0; i < n; i++) {
        a[i] = i;
    }
    for (width = 1; width < n; width = width > n / 2U ? n : width * 2U) {
        size_t lo;
        for (lo = 0; lo < n; lo += 2U * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = mid + width < n ? mid + width : n;
            size_t l = lo;
            size_t r = mid;
            size_t o = lo;
            while (l < mid && r < hi) {
                b[o++] = name_cmp(&s->list[a[r]], &s->list[a[l]]) < 0 ? a[r++] : a[l++];
            }
            while (l < mid) {
                b[o++] = a[l++];
            }
            while (r < hi) {
                b[o++] = a[r++];
            }
        }
        {
            size_t *t = a;
            a = b;
            b = t;
        }
    }
    free(b);
    return a;
}

/* The position in `index` of the first entry not below `name` (s->count when none): among equal
 * names, the batch's first. */
static size_t lower_bound(const struct secrets *s, const size_t *index, const uint8_t *name, size_t len)
{
    struct secret key;
    size_t lo = 0;
    size_t hi = s->count;

    memset(&key, 0, sizeof(key));
    key.name = (uint8_t *)(uintptr_t)name;
    key.name_len = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2U;
        if (name_cmp(&s->list[index[mid]], &key) < 0) {
            lo = mid + 1U;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int name_is(const struct secret *e, const uint8_t *name, size_t len)
{
    return e->name_len == len && memcmp(e->name, name, len) == 0;
}

const struct secret *secrets_find(const struct secrets *s, const size_t *index, const uint8_t *name, size_t len)
{
    size_t at = lower_bound(s, index, name, len);

    return at < s->count && name_is(&s->list[index[at]], name, len) ? &s->list[index[at]] : NULL;
}

void secrets_keep_only(struct secrets *s, const struct cli_args *args, const char *file)
{
    size_t *index;
    uint8_t *keep;
    char shown[CLI_SHOWN_NAME];
    size_t kept = 0;
    size_t i;

    if (args->only_count == 0) {
        return;
    }
    index = secrets_sorted_index(s);
    keep = cli_alloc(s->count + 1U);
    for (i = 0; i < args->only_count; i++) {
        const uint8_t *want = (const uint8_t *)args->only[i];
        size_t want_len = strlen(args->only[i]);
        size_t at = lower_bound(s, index, want, want_len);
        if (at == s->count || !name_is(&s->list[index[at]], want, want_len)) {
            free(keep);
            free(index);
            /* The name is the user's own, from the command line: showing it tells nothing new. */
            cli_fail(CLI_EXIT_NAME, "--only %s: %s holds no secret of that name; check the name (cloak secrets lists them)",
                     cli_printable(shown, sizeof(shown), want, want_len), file);
        }
        /* Every copy of a wanted name is kept, so a name twice in the batch is still refused. */
        for (; at < s->count && name_is(&s->list[index[at]], want, want_len); at++) {
            keep[index[at]] = 1;
        }
    }
    for (i = 0; i < s->count; i++) {
        if (keep[i]) {
            s->list[kept++] = s->list[i];
        } else {
            cli_secret_free(s->list[i].name);
            cli_secret_free(s->list[i].value);
        }
    }
    s->count = kept;
    free(keep);
    free(index);
}

void env_check_secrets(const struct secrets *s, const struct cli_args *args, const char *file, int one_line)
{
    char label[CLI_SHOWN_NAME + 16U];
    size_t *index;
    size_t i;

    for (i = 0; i < s->count; i++) {
        const struct secret *e = &s->list[i];
        const char *rule;
        secret_label(label, sizeof(label), e, args->show_names);
        if (!env_name_valid(e->name, e->name_len)) {
            cli_fail(CLI_EXIT_NAME,
                     "%s line %lu: %s is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*); rename it in the vault, or read it with cloak secrets or cloak inject%s",
                     file, e->lineno, label, args->show_names ? "" : " (--show-names shows the name)");
        }
        if (is_reserved(e->name, e->name_len)) {
            cli_fail(CLI_EXIT_NAME, "%s line %lu: %s has a name cloak keeps from commands; rename it in the vault%s",
                     file, e->lineno, label, args->show_names ? "" : " (--show-names shows the name)");
        }
        rule = env_name_takes_over(e->name, e->name_len);
        if (rule != NULL && !allowed(args, e->name, e->name_len)) {
            if (args->show_names) {
                cli_fail(CLI_EXIT_NAME,
                         "%s line %lu: %s would take over the command (it matches %s in docs/cli.md's list of names cloak refuses); if the vault means it, pass --allow-name with that name",
                         file, e->lineno, label, rule);
            }
            cli_fail(CLI_EXIT_NAME,
                     "%s line %lu: %s has a name that would take over the command (docs/cli.md lists the names cloak refuses); --show-names shows it, and --allow-name NAME allows it if the vault means it",
                     file, e->lineno, label);
        }
        if (memchr(e->value, 0, e->value_len) != NULL) {
            cli_fail(CLI_EXIT_NAME, "%s line %lu: the value of %s holds a NUL byte, which no environment variable can; read it with cloak secrets --show-values or cloak inject",
                     file, e->lineno, label);
        }
        if (one_line && (memchr(e->value, '\n', e->value_len) != NULL || memchr(e->value, '\r', e->value_len) != NULL)) {
            cli_fail(CLI_EXIT_NAME, "%s line %lu: the value of %s holds a line break (newline or carriage return), which NAME=value lines cannot carry; use --format dotenv, json, yaml or export, or cloak run",
                     file, e->lineno, label);
        }
    }
    /* Duplicates: neighbours once sorted by name, so O(n log n) rather than every pair. */
    index = secrets_sorted_index(s);
    for (i = 1; i < s->count; i++) {
        const struct secret *a = &s->list[index[i - 1U]];
        const struct secret *b = &s->list[index[i]];
        if (name_cmp(a, b) == 0) {
            unsigned long first = a->lineno;
            unsigned long second = b->lineno;
            secret_label(label, sizeof(label), b, args->show_names);
            free(index); /* freed before exiting, like every allocation, so leak checkers see none */
            cli_fail(CLI_EXIT_NAME, "%s line %lu: %s has the name of the secret at line %lu: a name appears twice in the batch; ask its sender to fix the vault",
                     file, second, label, first);
        }
    }
    free(index);
}
