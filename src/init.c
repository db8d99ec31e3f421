/*
 * Library initialisation: libsodium's CPU detection and random source, and the fork generation that
 * caller-owned states record (internal.h): a child of fork() gets a new generation, so a state set up
 * in the parent is refused there instead of sealing under the parent's nonces.
 */
#include <stdatomic.h>

#include <sodium.h>

#include "internal.h"

#if !defined(__EMSCRIPTEN__) && !defined(_WIN32)
#include <pthread.h>
#define CLOAK_HAVE_FORK 1
#endif

static atomic_uint_least32_t fork_generation;

uint32_t cloak__fork_generation(void)
{
    return (uint32_t)atomic_load_explicit(&fork_generation, memory_order_relaxed);
}

#ifdef CLOAK_HAVE_FORK
static void on_fork_child(void)
{
    atomic_fetch_add_explicit(&fork_generation, 1U, memory_order_relaxed);
}

/* Once per process, under a mutex (cloak_init may be called from many threads at once). */
static int register_fork_handler(void)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int registered;
    int rc = 0;

    if (pthread_mutex_lock(&lock) != 0) {
        return -1;
    }
    if (!registered) {
        rc = pthread_atfork(NULL, NULL, on_fork_child);
        registered = rc == 0;
    }
    (void)pthread_mutex_unlock(&lock);
    return rc;
}
#endif

int cloak_init(void)
{
    /* sodium_init() returns 1 when already initialised, which is success here. */
    if (sodium_init() < 0) {
        return CLOAK_E_INTERNAL;
    }
#ifdef CLOAK_HAVE_FORK
    if (register_fork_handler() != 0) {
        return CLOAK_E_INTERNAL;
    }
#endif
    return CLOAK_OK;
}
