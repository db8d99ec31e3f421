/* What src/argon2.c's test hooks report about Argon2id's working memory (tests only).
 *
 * argon2_watch.c gives the hooks' strong definitions, which replace the library's weak no-ops in a
 * test program that uses argon2_seen (and so links that file); other test programs keep the
 * no-ops. */
#ifndef CLOAK_TEST_ARGON2_WATCH_H
#define CLOAK_TEST_ARGON2_WATCH_H

#include <stddef.h>

typedef struct argon2_watch {
    size_t calls;               /* calls into cloak__argon2id(), refused ones included */
    size_t allocations;         /* working memories allocated */
    size_t releases;            /* working memories wiped and about to be freed */
    size_t last_allocated_len;  /* bytes of the last one allocated */
    size_t last_released_len;   /* bytes of the last one released */
    int last_released_all_zero; /* whether the last one released had been wiped */
} argon2_watch;

extern argon2_watch argon2_seen;

/* Forgets everything seen so far. */
void argon2_seen_reset(void);

#endif
