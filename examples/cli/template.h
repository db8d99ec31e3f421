/*
 * Templates for cloak inject: text with references to secrets, filled in with a batch's values.
 *
 *   {{ NAME }}      the value of the secret NAME (spaces and tabs inside the braces optional; NAME
 *                   is any run of bytes but spaces, tabs, line breaks, braces and ")
 *   {{ "{{" }}      a literal {{ (a lone }} needs no escape)
 *
 * Any other {{ is malformed and refused, with its line; so is a reference to a secret the batch
 * lacks. The template is parsed before the batch is opened, so a broken template never asks for a
 * key or passphrase.
 */
#ifndef CLOAK_CLI_TEMPLATE_H
#define CLOAK_CLI_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>

struct secrets;

/* A stretch of the template: literal text, or a reference to a secret. */
struct template_part {
    const char *text; /* points into the template */
    size_t len;
    int is_ref;       /* 1: text/len is the secret's name */
    unsigned long lineno;
};

struct template {
    const char *name; /* the path, or "(standard input)" */
    char *data;
    struct template_part *parts;
    size_t count;
};

/* Reads and parses `path` ("-" for standard input). Exits with CLI_EXIT_FILE when it cannot be read
 * or is larger than CLI_MAX_TEMPLATE_FILE, and CLI_EXIT_NAME (with the line) on a malformed
 * reference. */
void template_read(struct template *t, const char *path);

/* The template with every reference replaced by its value, in secret memory (NUL-terminated, *len
 * without the NUL). Refuses (CLI_EXIT_NAME, with the template's line) a name the batch lacks; the
 * name is shown only with show_names. `file` names the batch. Exits with CLI_EXIT_FILE when the
 * result would exceed CLI_MAX_INJECT_OUTPUT. */
char *template_fill(const struct template *t, const struct secrets *s, const char *file, int show_names, size_t *len);

void template_free(struct template *t);

#endif /* CLOAK_CLI_TEMPLATE_H */
