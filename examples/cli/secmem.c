/* Memory for secrets: every buffer is recorded so that any exit, including a failure deep in a
 * command, wipes all of them. Also keeps secrets out of core dumps. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "cli.h"

struct region {
    void *p;
    size_t n;
    int locked;
};

static struct region *regions;
static size_t region_count;
static size_t region_cap;

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

    if (n == 0) {
        n = 1;
    }
    if (region_count == region_cap) {
        size_t cap = region_cap == 0 ? 16U : cli_mul(region_cap, 2);
        regions = cli_realloc(regions, cli_mul(cap, sizeof(*regions)));
        region_cap = cap;
    }
    r.p = cli_alloc(n);
    r.n = n;
    /* Best effort: an unprivileged process may have a small RLIMIT_MEMLOCK. */
    r.locked = mlock(r.p, n) == 0;
    regions[region_count++] = r;
    return r.p;
}

void cli_secret_free(void *p)
{
    size_t i;

    if (p == NULL) {
        return;
    }
    for (i = 0; i < region_count; i++) {
        if (regions[i].p == p) {
            cli_wipe(p, regions[i].n);
            if (regions[i].locked) {
                (void)munlock(p, regions[i].n);
            }
            free(p);
            regions[i] = regions[--region_count];
            return;
        }
    }
    cli_fail(CLI_EXIT_INTERNAL, "internal error: freeing memory that is not a secret buffer");
}

void cli_secrets_wipe_all(void)
{
    size_t i;

    for (i = 0; i < region_count; i++) {
        cli_wipe(regions[i].p, regions[i].n);
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
