/* cloak inject's templates: parsing {{ NAME }} references, then filling them in (template.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloak.h"
#include "envnames.h"
#include "fileio.h"
#include "template.h"
#include "unseal.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_name_byte(char c)
{
    return c != '\0' && !is_blank(c) && c != '\r' && c != '\n' && c != '{' && c != '}' && c != '"';
}

static void add_part(struct template *t, size_t *cap, const char *text, size_t len, int is_ref, unsigned long lineno)
{
    if (!is_ref && len == 0) {
        return;
    }
    if (t->count == *cap) {
        *cap = *cap == 0 ? 16U : cli_mul(*cap, 2);
        t->parts = cli_realloc(t->parts, cli_mul(*cap, sizeof(*t->parts)));
    }
    t->parts[t->count].text = text;
    t->parts[t->count].len = len;
    t->parts[t->count].is_ref = is_ref;
    t->parts[t->count].lineno = lineno;
    t->count++;
}

_Noreturn static void malformed(const struct template *t, unsigned long lineno, const char *why)
{
    cli_fail(CLI_EXIT_NAME, "%s line %lu: a malformed reference: %s; write {{ NAME }}, or {{ \"{{\" }} for a literal {{",
             t->name, lineno, why);
}

void template_read(struct template *t, const char *path)
{
    size_t len = 0;
    size_t cap = 0;
    unsigned long lineno = 1;
    const char *p;
    const char *end;
    const char *lit;

    memset(t, 0, sizeof(*t));
    t->name = strcmp(path, "-") == 0 ? "(standard input)" : path;
    t->data = cli_read_file(path, CLI_MAX_TEMPLATE_FILE, &len, "template", 0);
    p = t->data;
    end = t->data + len;
    lit = p;
    while (p < end) {
        const char *q;
        const char *name;
        size_t name_len;
        if (*p == '\n') {
            lineno++;
            p++;
            continue;
        }
        if (!(p[0] == '{' && p + 1 < end && p[1] == '{')) {
            p++;
            continue;
        }
        add_part(t, &cap, lit, (size_t)(p - lit), 0, lineno);
        q = p + 2;
        while (q < end && is_blank(*q)) {
            q++;
        }
        if (end - q >= 4 && memcmp(q, "\"{{\"", 4) == 0) {
            /* The escape: {{ "{{" }} stands for {{. */
            q += 4;
            while (q < end && is_blank(*q)) {
                q++;
            }
            if (!(end - q >= 2 && q[0] == '}' && q[1] == '}')) {
                malformed(t, lineno, "{{ \"{{\" must be followed by }}");
            }
            add_part(t, &cap, "{{", 2, 0, lineno);
            p = q + 2;
            lit = p;
            continue;
        }
        name = q;
        while (q < end && is_name_byte(*q)) {
            q++;
        }
        name_len = (size_t)(q - name);
        if (name_len == 0) {
            malformed(t, lineno, "{{ is not followed by a secret's name");
        }
        if (name_len > CLOAK_LABELBYTES_MAX) {
            malformed(t, lineno, "the name is longer than any secret's (255 bytes)");
        }
        while (q < end && is_blank(*q)) {
            q++;
        }
        if (!(end - q >= 2 && q[0] == '}' && q[1] == '}')) {
            malformed(t, lineno, "the name is not followed by }} on the same line");
        }
        add_part(t, &cap, name, name_len, 1, lineno);
        p = q + 2;
        lit = p;
    }
    add_part(t, &cap, lit, (size_t)(end - lit), 0, lineno);
}

char *template_fill(const struct template *t, const struct secrets *s, const char *file, int show_names, size_t *len)
{
    size_t *index = secrets_sorted_index(s);
    const struct secret **values = cli_alloc(cli_mul(t->count + 1U, sizeof(*values)));
    char shown[CLI_SHOWN_NAME];
    size_t total = 0;
    size_t i;
    char *out;

    /* A name twice in the batch has no one value to fill in: refused as env and run refuse it. */
    for (i = 1; i < s->count; i++) {
        const struct secret *a = &s->list[index[i - 1U]];
        const struct secret *b = &s->list[index[i]];
        if (a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0) {
            unsigned long first = a->lineno;
            unsigned long second = b->lineno;
            free(index);
            free(values);
            cli_fail(CLI_EXIT_NAME, "%s line %lu: the secret on that line has the name of the secret at line %lu: a name appears twice in the batch; ask its sender to fix the vault",
                     file, second, first);
        }
    }
    /* Every name is looked up, and the size known, before any value is copied. */
    for (i = 0; i < t->count; i++) {
        const struct template_part *part = &t->parts[i];
        size_t n = part->len;
        if (part->is_ref) {
            values[i] = secrets_find(s, index, (const uint8_t *)part->text, part->len);
            if (values[i] == NULL) {
                cli_printable(shown, sizeof(shown), (const uint8_t *)part->text, part->len);
                free(index);
                free(values);
                if (show_names) {
                    cli_fail(CLI_EXIT_NAME, "%s line %lu: the template refers to \"%s\", which %s does not hold; check the name (cloak secrets lists them)",
                             t->name, part->lineno, shown, file);
                }
                cli_fail(CLI_EXIT_NAME, "%s line %lu: the template refers to a secret %s does not hold; check the name (cloak secrets lists them; --show-names shows it)",
                         t->name, part->lineno, file);
            }
            n = values[i]->value_len;
        }
        if (n > CLI_MAX_INJECT_OUTPUT - total) {
            free(index);
            free(values);
            cli_fail(CLI_EXIT_FILE, "%s: filled in, the template would exceed %u bytes; split it", t->name,
                     CLI_MAX_INJECT_OUTPUT);
        }
        total += n;
    }
    out = cli_secret_alloc(total + 1U);
    *len = 0;
    for (i = 0; i < t->count; i++) {
        const struct template_part *part = &t->parts[i];
        if (part->is_ref) {
            memcpy(out + *len, values[i]->value, values[i]->value_len);
            *len += values[i]->value_len;
        } else {
            memcpy(out + *len, part->text, part->len);
            *len += part->len;
        }
    }
    out[*len] = '\0';
    free(values);
    free(index);
    return out;
}

void template_free(struct template *t)
{
    free(t->parts);
    free(t->data);
    memset(t, 0, sizeof(*t));
}
