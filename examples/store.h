/* The walkthrough's stand-in for a server: named byte strings in memory, and a list of values that
 * must never be written to it. */
#ifndef WALKTHROUGH_STORE_H
#define WALKTHROUGH_STORE_H

#include <stddef.h>
#include <stdint.h>

struct entry {
    char kind[32];
    char owner[64];
    char key[128];
    uint8_t *data;
    size_t len;
};

struct store;

struct store *store_new(void);
void store_free(struct store *s);
/* Registers a value no write may contain (searched as a byte substring of every write). */
void store_forbid(struct store *s, const uint8_t *value, size_t len, const char *what);
/* Writes (or replaces) an entry and prints its size; exits if it contains a forbidden value. */
void store_put(struct store *s, const char *kind, const char *owner, const char *key, const uint8_t *data,
               size_t len);
/* The entry, or exits with a message if there is none. */
const struct entry *store_get(const struct store *s, const char *kind, const char *owner, const char *key);
const struct entry *store_find(const struct store *s, const char *kind, const char *owner, const char *key);
/* Deletes the matching entries; a NULL owner or key matches any. */
void store_delete(struct store *s, const char *kind, const char *owner, const char *key);
/* Up to `max` entries of a kind and owner, in no particular order; returns how many there are. */
size_t store_list(const struct store *s, const char *kind, const char *owner, const struct entry **out, size_t max);
void store_print(const struct store *s);
size_t store_writes(const struct store *s);
size_t store_forbidden_count(const struct store *s);

#endif
