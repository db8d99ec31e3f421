/* The secrets as text for another program to read (cloak env, run --mount). Each format targets one
 * reader's grammar (docs/cli.md, "Output formats") and escapes so that the reader gets every value
 * back byte for byte and no value can add or change another variable; a value the grammar cannot
 * carry is refused rather than written changed. */
#include <string.h>

#include "cli.h"
#include "envnames.h"
#include "format.h"
#include "unseal.h"

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

static void sbuf_puts(struct sbuf *b, const char *s)
{
    sbuf_put(b, s, strlen(s));
}

static void sbuf_byte(struct sbuf *b, uint8_t c)
{
    sbuf_put(b, &c, 1);
}

static const char hex[] = "0123456789abcdef";

static void sbuf_u4(struct sbuf *b, const char *prefix, uint32_t cp)
{
    char buf[2];

    sbuf_puts(b, prefix);
    buf[0] = hex[(cp >> 12) & 0xFU];
    buf[1] = hex[(cp >> 8) & 0xFU];
    sbuf_put(b, buf, 2);
    buf[0] = hex[(cp >> 4) & 0xFU];
    buf[1] = hex[cp & 0xFU];
    sbuf_put(b, buf, 2);
}

struct format_def {
    const char *name;
    enum cli_format format;
};

static const struct format_def formats[] = {
    {"plain", FORMAT_PLAIN}, {"dotenv", FORMAT_DOTENV}, {"json", FORMAT_JSON},
    {"yaml", FORMAT_YAML},   {"export", FORMAT_EXPORT}, {"shell", FORMAT_SHELL},
};

static const char *format_name(enum cli_format f)
{
    size_t i;

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (formats[i].format == f) {
            return formats[i].name;
        }
    }
    return "?";
}

enum cli_format format_from_name(const char *command, const char *name)
{
    char shown[CLI_SHOWN_NAME];
    size_t i;

    if (name == NULL) {
        return FORMAT_PLAIN;
    }
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (strcmp(name, formats[i].name) == 0) {
            return formats[i].format;
        }
    }
    cli_fail(CLI_EXIT_USAGE, "%s: unknown format %s; use plain, dotenv, json, yaml, export or shell", command,
             cli_printable(shown, sizeof(shown), (const uint8_t *)name, strlen(name)));
}

/* One UTF-8 sequence at s[0..n): its length, with the code point in *cp, or 0 when it is not
 * well-formed (overlong forms, surrogates and code points above U+10FFFF are not). */
static size_t utf8_next(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    size_t len;
    uint32_t v;
    uint32_t min;
    size_t i;

    if (c < 0x80U) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2U && c <= 0xDFU) {
        len = 2;
        v = c & 0x1FU;
        min = 0x80U;
    } else if (c >= 0xE0U && c <= 0xEFU) {
        len = 3;
        v = c & 0x0FU;
        min = 0x800U;
    } else if (c >= 0xF0U && c <= 0xF4U) {
        len = 4;
        v = c & 0x07U;
        min = 0x10000U;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0U) != 0x80U) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3FU);
    }
    if (v < min || v > 0x10FFFFU || (v >= 0xD800U && v <= 0xDFFFU)) {
        return 0;
    }
    *cp = v;
    return len;
}

static int utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    uint32_t cp;

    while (i < n) {
        size_t k = utf8_next(s + i, n - i, &cp);
        if (k == 0) {
            return 0;
        }
        i += k;
    }
    return 1;
}

/* The batch file and line, the secret (named only with show_names), and what is wrong. */
struct refusal_ctx {
    const char *file;
    int show_names;
    enum cli_format format;
};

_Noreturn static void refuse(const struct refusal_ctx *ctx, const struct secret *e, const char *what, const char *instead)
{
    char label[CLI_SHOWN_NAME + 16U];

    cli_fail(CLI_EXIT_NAME, "%s line %lu: the value of %s holds %s, which --format %s cannot carry; %s", ctx->file,
             e->lineno, secret_label(label, sizeof(label), e, ctx->show_names), what, format_name(ctx->format), instead);
}

/* plain: NAME=value, the value to the end of the line (docker --env-file). A line break would end it
 * early and start a line of the value's choosing; systemd's parser also ends a line at \r. */
static void put_plain(struct sbuf *b, const struct secret *e, const struct refusal_ctx *ctx)
{
    if (memchr(e->value, 0, e->value_len) != NULL) {
        refuse(ctx, e, "a NUL byte", "no environment variable can hold one: read it with cloak secrets or cloak inject");
    }
    if (memchr(e->value, '\n', e->value_len) != NULL || memchr(e->value, '\r', e->value_len) != NULL) {
        refuse(ctx, e, "a line break (newline or carriage return)", "use --format dotenv, json, yaml or export, or cloak run");
    }
    sbuf_put(b, e->name, e->name_len);
    sbuf_byte(b, '=');
    sbuf_put(b, e->value, e->value_len);
    sbuf_byte(b, '\n');
}

/* dotenv: NAME="value" in systemd's environment-file grammar (EnvironmentFile=, environment.d).
 * Inside double quotes only \ and " need a backslash; newlines and carriage returns are taken as they
 * are. systemd drops a value that is not UTF-8 and environment.d an empty one, and environment.d (not
 * EnvironmentFile=) expands $NAME, ${NAME} and $$, so a value where the two readers would differ is
 * refused. */
static void put_dotenv(struct sbuf *b, const struct secret *e, const struct refusal_ctx *ctx)
{
    size_t i;

    if (memchr(e->value, 0, e->value_len) != NULL) {
        refuse(ctx, e, "a NUL byte", "no environment variable can hold one: read it with cloak secrets or cloak inject");
    }
    if (!utf8_valid(e->value, e->value_len)) {
        refuse(ctx, e, "bytes that are not UTF-8", "systemd ignores such a value: use --format export or cloak run");
    }
    if (e->value_len == 0) {
        refuse(ctx, e, "nothing (an empty value)", "environment.d ignores an empty assignment: use --format export or json, or cloak run");
    }
    for (i = 0; i + 1U < e->value_len; i++) {
        uint8_t c = e->value[i + 1U];
        if (e->value[i] == '$' &&
            (c == '$' || c == '{' || c == '_' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
            refuse(ctx, e, "a $ before a name, { or $ (environment.d would expand it, EnvironmentFile= would not)",
                   "use --format export or json, or cloak run");
        }
    }
    sbuf_put(b, e->name, e->name_len);
    sbuf_puts(b, "=\"");
    for (i = 0; i < e->value_len; i++) {
        uint8_t c = e->value[i];
        if (c == '\\' || c == '"') {
            sbuf_byte(b, '\\');
        }
        sbuf_byte(b, c);
    }
    sbuf_puts(b, "\"\n");
}

/* Variables a POSIX shell or bash treats specially: assigning them fails (read-only) or does not
 * store the value (RANDOM seeds, SECONDS counts), so eval would not give the value back. */
static int shell_special(const struct secret *e)
{
    static const char *const names[] = {"UID", "EUID", "PPID", "BASHOPTS", "SHELLOPTS", "RANDOM", "SRANDOM",
                                        "SECONDS", "LINENO", "HISTCMD", "EPOCHSECONDS", "EPOCHREALTIME", "BASHPID",
                                        "FUNCNAME", "GROUPS", "DIRSTACK", "PIPESTATUS", "OPTIND", "COMP_WORDBREAKS",
                                        "_"};
    size_t i;

    if (e->name_len >= 5U && memcmp(e->name, "BASH_", 5) == 0) {
        return 1;
    }
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == e->name_len && memcmp(names[i], e->name, e->name_len) == 0) {
            return 1;
        }
    }
    return 0;
}

/* export / shell: [export ]NAME='value' for a POSIX shell's eval or `.`. Inside single quotes every
 * byte but the quote itself is literal: close, write the quote escaped, reopen. */
static void put_shell(struct sbuf *b, const struct secret *e, const struct refusal_ctx *ctx, int with_export)
{
    char label[CLI_SHOWN_NAME + 16U];
    size_t i;

    if (memchr(e->value, 0, e->value_len) != NULL) {
        refuse(ctx, e, "a NUL byte", "no shell variable can hold one: read it with cloak secrets or cloak inject");
    }
    if (shell_special(e)) {
        cli_fail(CLI_EXIT_NAME, "%s line %lu: %s is named like a variable the shell keeps for itself (read-only or special in bash), so --format %s cannot set it; use --format dotenv or json, or leave it out with --only",
                 ctx->file, e->lineno, secret_label(label, sizeof(label), e, ctx->show_names), format_name(ctx->format));
    }
    if (with_export) {
        sbuf_puts(b, "export ");
    }
    sbuf_put(b, e->name, e->name_len);
    sbuf_puts(b, "='");
    for (i = 0; i < e->value_len; i++) {
        if (e->value[i] == '\'') {
            sbuf_puts(b, "'\\''");
        } else {
            sbuf_byte(b, e->value[i]);
        }
    }
    sbuf_puts(b, "'\n");
}

/* json: a string per RFC 8259. JSON text is Unicode, so bytes that are not UTF-8 are refused (a \u
 * escape names a character, not a byte). U+2028 and U+2029 are escaped too, for readers that are
 * JavaScript source. */
static int json_needs_u4(uint32_t cp)
{
    return cp < 0x20U || cp == 0x2028U || cp == 0x2029U;
}

/* yaml: a double-quoted scalar (YAML 1.1 and 1.2), so no value is read as a boolean, number or null.
 * Everything outside YAML's printable set, and the characters YAML 1.1 takes as line breaks (U+0085,
 * U+2028, U+2029), is escaped, so the scalar stays on one line. YAML is Unicode text (its \x escape
 * names a character, not a byte), so bytes that are not UTF-8 are refused. */
static int yaml_needs_u4(uint32_t cp)
{
    return cp < 0x20U || (cp >= 0x7FU && cp < 0xA0U) || cp == 0x2028U || cp == 0x2029U ||
           (cp >= 0xD800U && cp <= 0xDFFFU) || cp == 0xFEFFU || cp == 0xFFFEU || cp == 0xFFFFU;
}

/* The double-quoted string json and yaml share: both take \" \\ \n \t \r and \uXXXX alike and differ
 * only in which other characters must not appear raw, which needs_u4 says. sbuf_u4 writes four hex
 * digits, so needs_u4 may only pick code points below U+10000. s[0..n) must be UTF-8 (utf8_valid):
 * the callers refuse anything else first. */
static void put_quoted_string(struct sbuf *b, const uint8_t *s, size_t n, int (*needs_u4)(uint32_t cp))
{
    size_t i = 0;

    sbuf_byte(b, '"');
    while (i < n) {
        uint32_t cp = 0;
        size_t k = utf8_next(s + i, n - i, &cp);
        if (cp == '"' || cp == '\\') {
            sbuf_byte(b, '\\');
            sbuf_byte(b, (uint8_t)cp);
        } else if (cp == '\n') {
            sbuf_puts(b, "\\n");
        } else if (cp == '\t') {
            sbuf_puts(b, "\\t");
        } else if (cp == '\r') {
            sbuf_puts(b, "\\r");
        } else if (needs_u4(cp)) {
            sbuf_u4(b, "\\u", cp);
        } else {
            sbuf_put(b, s + i, k);
        }
        i += k;
    }
    sbuf_byte(b, '"');
}

static void check_unicode(const struct secret *e, const struct refusal_ctx *ctx)
{
    if (!utf8_valid(e->value, e->value_len)) {
        refuse(ctx, e, "bytes that are not UTF-8", "JSON and YAML hold text only: use --format export or cloak run");
    }
}

char *format_secrets(const struct secrets *s, enum cli_format f, const char *file, int show_names, size_t *len)
{
    struct refusal_ctx ctx;
    struct sbuf b = {NULL, 0, 0};
    size_t i;

    ctx.file = file;
    ctx.show_names = show_names;
    ctx.format = f;
    sbuf_put(&b, "", 0);
    if ((f == FORMAT_JSON || f == FORMAT_YAML) && s->count == 0) {
        sbuf_puts(&b, "{}\n");
    } else if (f == FORMAT_JSON) {
        sbuf_puts(&b, "{\n");
    }
    for (i = 0; i < s->count; i++) {
        const struct secret *e = &s->list[i];
        switch (f) {
        case FORMAT_PLAIN:
            put_plain(&b, e, &ctx);
            break;
        case FORMAT_DOTENV:
            put_dotenv(&b, e, &ctx);
            break;
        case FORMAT_EXPORT:
            put_shell(&b, e, &ctx, 1);
            break;
        case FORMAT_SHELL:
            put_shell(&b, e, &ctx, 0);
            break;
        case FORMAT_JSON:
            check_unicode(e, &ctx);
            /* Names are checked (env_name_valid) before a format is asked for, but json must stay
             * valid whatever it is given: a name that is not UTF-8 is refused like a value. */
            if (!utf8_valid(e->name, e->name_len)) {
                refuse(&ctx, e, "a name that is not UTF-8", "rename it in the vault");
            }
            sbuf_puts(&b, "  ");
            put_quoted_string(&b, e->name, e->name_len, json_needs_u4);
            sbuf_puts(&b, ": ");
            put_quoted_string(&b, e->value, e->value_len, json_needs_u4);
            sbuf_puts(&b, i + 1U < s->count ? ",\n" : "\n}\n");
            break;
        case FORMAT_YAML:
            check_unicode(e, &ctx);
            if (!utf8_valid(e->name, e->name_len)) {
                refuse(&ctx, e, "a name that is not UTF-8", "rename it in the vault");
            }
            /* The key is quoted too: YAML 1.1 reads a bare key `no` or `on` as a boolean. */
            put_quoted_string(&b, e->name, e->name_len, yaml_needs_u4);
            sbuf_puts(&b, ": ");
            put_quoted_string(&b, e->value, e->value_len, yaml_needs_u4);
            sbuf_byte(&b, '\n');
            break;
        }
    }
    *len = b.len;
    return b.p;
}
