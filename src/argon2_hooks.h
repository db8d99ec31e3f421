/*
 * Test-only observation points of Argon2id's working memory (src/argon2.c).
 *
 * src/argon2.c defines both functions as weak no-ops and calls them when it has allocated the
 * working memory and when it has wiped it, just before freeing it. A test program defines them
 * (strong definitions win over the weak ones in the internal static library) to check that the
 * memory really was wiped, or that no memory was taken at all.
 *
 * Why weak functions rather than a settable function pointer: there is no writable code pointer in
 * the library and no state to set or to race on between threads. In libcloak.so the weak
 * definitions are hidden and bound inside the library, and make-static-archive.sh makes them local
 * in libcloak.a, so only a program linked against the internal library (the test suite) can
 * replace them.
 */
#ifndef CLOAK_ARGON2_HOOKS_H
#define CLOAK_ARGON2_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* Called on entry to cloak__argon2id(), before anything is checked or allocated: a test counts the
 * calls to show that a refused password record cost no Argon2 work at all. */
CLOAK_INTERNAL void cloak__argon2_hook_entered(void);
/* Called after the working memory of len bytes was allocated (its contents are not yet written,
 * so they are not offered). */
CLOAK_INTERNAL void cloak__argon2_hook_allocated(size_t len);
/* Called after the working memory was wiped, before it is freed: memory is still readable. */
CLOAK_INTERNAL void cloak__argon2_hook_released(const uint8_t *memory, size_t len);

#endif /* CLOAK_ARGON2_HOOKS_H */
