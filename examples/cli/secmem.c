/* Memory for secrets: every buffer is recorded so that any exit, including a failure deep in a
 * command, wipes all of them. Also keeps secrets out of core dumps. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "cli.h"

struct region {
    void *base; /* what malloc gave: the header, then the caller's n bytes */
    size_t n;
};

/* Before each secret buffer: its place in `regions`, so freeing finds it in O(1) rather than by a
 * search through every buffer (a batch of n items holds 2n of them). Padded so that the buffer keeps
 * malloc's alignment. */
union region_header {
    size_t index;
    max_align_t align;
};

static struct region *regions;
static size_t region_count;
static size_t region_cap;

static union region_header *header_of(void *p)
{
    return (union region_header *)(void *)((unsigned char *)p - sizeof(union region_header));
}

static void *user_of(void *base)
{
    return (unsigned char *)base + sizeof(union region_header);
}

/* Called through a volatile pointer, so the compiler cannot prove the stores dead and drop them. */
static void *(*volatile const wipe_memset)(void *, int, size_t) = memset;

void cli_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0) {
        (void)wipe_memset(p, 0, n);
    }
}

void *cli_alloc(size_t n)
{
    void *p = calloc(1, n == 0 ? 1 : n);
    if (p == NULL) {
        cli_fail(CLI_EXIT_INTERNAL, "out of memory (%zu bytes)", n);
    }
    return p;
}

void *cli_realloc(void *p, size_t n)
{
    void *q = realloc(p, n == 0 ? 1 : n);
    if (q == NULL) {
        cli_fail(CLI_EXIT_INTERNAL, "out of memory (%zu bytes)", n);
    }
    return q;
}

size_t cli_mul(size_t a, size_t b)
{
    if (b != 0 && a > (size_t)-1 / b) {
        cli_fail(CLI_EXIT_INTERNAL, "size overflow");
    }
    return a * b;
}

void *cli_secret_alloc(size_t n)
{
    struct region r;
    unsigned char *base;

    if (n == 0) {
        n = 1;
    }
    if (n > (size_t)-1 - sizeof(union region_header)) {
        cli_fail(CLI_EXIT_INTERNAL, "size overflow");
    }
    if (region_count == region_cap) {
        size_t cap = region_cap == 0 ? 16U : cli_mul(region_cap, 2);
        regions = cli_realloc(regions, cli_mul(cap, sizeof(*regions)));
        region_cap = cap;
    }
    base = cli_alloc(sizeof(union region_header) + n);
    /* The table keeps malloc's own pointer, so a leak checker sees every buffer as reachable. */
    r.base = base;
    r.n = n;
    /* Best effort: an unprivileged process may have a small RLIMIT_MEMLOCK. */
    (void)mlock(user_of(base), n);
    ((union region_header *)(void *)base)->index = region_count;
    regions[region_count++] = r;
    return user_of(base);
}

void cli_secret_free(void *p)
{
    size_t i;

    if (p == NULL) {
        return;
    }
    i = header_of(p)->index;
    /* The header sits in ordinary memory before the buffer: trust it only if the table agrees. */
    if (i >= region_count || regions[i].base != (void *)header_of(p)) {
        cli_fail(CLI_EXIT_INTERNAL, "internal error: freeing memory that is not a secret buffer");
    }
    cli_wipe(p, regions[i].n);
    /* No munlock: locks do not nest, and a small buffer shares its page with other secret buffers
     * that must stay locked. The page is unlocked when the allocator returns it or the process ends. */
    free(regions[i].base);
    regions[i] = regions[--region_count];
    if (i < region_count) {
        ((union region_header *)regions[i].base)->index = i;
    }
}

void cli_secrets_wipe_all(void)
{
    size_t i;

    for (i = 0; i < region_count; i++) {
        cli_wipe(user_of(regions[i].base), regions[i].n);
    }
}

static struct rlimit saved_core;
static int core_saved;

void cli_core_dumps_off(void)
{
    struct rlimit none;

    if (getrlimit(RLIMIT_CORE, &saved_core) == 0) {
        core_saved = 1;
        none = saved_core;
        none.rlim_cur = 0;
        (void)setrlimit(RLIMIT_CORE, &none);
    }
}

void cli_core_dumps_restore(void)
{
    if (core_saved) {
        (void)setrlimit(RLIMIT_CORE, &saved_core);
    }
}
