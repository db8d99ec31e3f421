/* The walkthrough's in-memory server store, with its leak check. */
#define _GNU_SOURCE /* memmem */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 256
#define MAX_FORBIDDEN 64

struct forbidden {
    uint8_t *value;
    size_t len;
    const char *what;
};

struct store {
    struct entry entries[MAX_ENTRIES];
    size_t count;
    struct forbidden forbidden[MAX_FORBIDDEN];
    size_t forbidden_count;
    size_t writes;
};

static void *checked_malloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);
    if (p == NULL) {
        fputs("out of memory\n", stderr);
        exit(1);
    }
    return p;
}

struct store *store_new(void)
{
    struct store *s = checked_malloc(sizeof *s);
    memset(s, 0, sizeof *s);
    return s;
}

void store_free(struct store *s)
{
    size_t i;
    for (i = 0; i < s->count; i++) {
        free(s->entries[i].data);
    }
    for (i = 0; i < s->forbidden_count; i++) {
        memset(s->forbidden[i].value, 0, s->forbidden[i].len);
        free(s->forbidden[i].value);
    }
    free(s);
}

void store_forbid(struct store *s, const uint8_t *value, size_t len, const char *what)
{
    struct forbidden *f;
    if (s->forbidden_count == MAX_FORBIDDEN) {
        fputs("store: too many forbidden values\n", stderr);
        exit(1);
    }
    f = &s->forbidden[s->forbidden_count++];
    f->value = checked_malloc(len);
    memcpy(f->value, value, len);
    f->len = len;
    f->what = what;
}

static int matches(const struct entry *e, const char *kind, const char *owner, const char *key)
{
    return strcmp(e->kind, kind) == 0 && (owner == NULL || strcmp(e->owner, owner) == 0) &&
           (key == NULL || strcmp(e->key, key) == 0);
}

const struct entry *store_find(const struct store *s, const char *kind, const char *owner, const char *key)
{
    size_t i;
    for (i = 0; i < s->count; i++) {
        if (matches(&s->entries[i], kind, owner, key)) {
            return &s->entries[i];
        }
    }
    return NULL;
}

const struct entry *store_get(const struct store *s, const char *kind, const char *owner, const char *key)
{
    const struct entry *e = store_find(s, kind, owner, key);
    if (e == NULL) {
        fprintf(stderr, "FAILED: the server has no %s %s/%s\n", kind, owner, key);
        exit(1);
    }
    return e;
}

void store_delete(struct store *s, const char *kind, const char *owner, const char *key)
{
    size_t i = 0;
    while (i < s->count) {
        if (matches(&s->entries[i], kind, owner, key)) {
            free(s->entries[i].data);
            s->entries[i] = s->entries[--s->count];
        } else {
            i++;
        }
    }
}

void store_put(struct store *s, const char *kind, const char *owner, const char *key, const uint8_t *data,
               size_t len)
{
    struct entry *e;
    size_t i;
    for (i = 0; i < s->forbidden_count; i++) {
        const struct forbidden *f = &s->forbidden[i];
        if (f->len <= len && memmem(data, len, f->value, f->len) != NULL) {
            fprintf(stderr, "LEAK: a %s reached the server in %s %s/%s\n", f->what, kind, owner, key);
            exit(2);
        }
    }
    store_delete(s, kind, owner, key);
    if (s->count == MAX_ENTRIES) {
        fputs("store: full\n", stderr);
        exit(1);
    }
    e = &s->entries[s->count++];
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    snprintf(e->owner, sizeof e->owner, "%s", owner);
    snprintf(e->key, sizeof e->key, "%s", key);
    e->data = checked_malloc(len);
    memcpy(e->data, data, len);
    e->len = len;
    s->writes++;
    printf("    server stores %-16s %-10s %.24s%s: %zu bytes\n", kind, owner, key, strlen(key) > 24 ? "..." : "", len);
}

size_t store_list(const struct store *s, const char *kind, const char *owner, const struct entry **out, size_t max)
{
    size_t i, n = 0;
    for (i = 0; i < s->count; i++) {
        if (matches(&s->entries[i], kind, owner, NULL)) {
            if (n < max) {
                out[n] = &s->entries[i];
            }
            n++;
        }
    }
    return n;
}

void store_print(const struct store *s)
{
    static const char *const kinds[] = {"user", "share", "secret", "head", "service account", "batch", "batch item"};
    size_t k, i;
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = 0, bytes = 0;
        for (i = 0; i < s->count; i++) {
            if (strcmp(s->entries[i].kind, kinds[k]) == 0) {
                n++;
                bytes += s->entries[i].len;
            }
        }
        printf("    %-16s %3zu entries %7zu bytes\n", kinds[k], n, bytes);
    }
}

size_t store_writes(const struct store *s)
{
    return s->writes;
}

size_t store_forbidden_count(const struct store *s)
{
    return s->forbidden_count;
}
