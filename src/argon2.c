/*
 * Argon2id v1.3 (RFC 9106) through the reference library, libargon2, because libsodium's Argon2 is
 * fixed to one lane. This layer only adapts types and error codes and owns the working memory:
 * parameter bounds are the public layer's job (src/password.c).
 *
 * The reference library is either Debian's libargon2 or, in the default build on x86-64, its
 * optimised kernel compiled into libcloak (src/argon2-kernel, which defines CLOAK_ARGON2_OPTIMIZED).
 */
/* glibc's feature-test macro (its documented interface, hence the reserved name): madvise and
 * MADV_HUGEPAGE are not in C11. */
#define _DEFAULT_SOURCE /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <argon2.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "argon2_hooks.h"
#include "internal.h"

/* Weak no-ops; see argon2_hooks.h for why the test hook is made this way. */
__attribute__((weak)) void cloak__argon2_hook_entered(void)
{
}

__attribute__((weak)) void cloak__argon2_hook_allocated(size_t len)
{
    (void)len;
}

__attribute__((weak)) void cloak__argon2_hook_released(const uint8_t *memory, size_t len)
{
    (void)memory;
    (void)len;
}

/*
 * libargon2 allocates the working memory in initialize() and frees it in finalize(), both on the
 * calling thread, but when a worker thread cannot be created argon2_ctx() returns without freeing
 * it. The callbacks have no user pointer, so the block in use is remembered per thread, and
 * cloak__argon2id() wipes and frees whatever is left after argon2_ctx() returns. The slot is empty
 * between calls. (When a thread cannot be created, libargon2 joins the workers it had started before
 * returning, so none still writes to that memory.)
 */
static _Thread_local uint8_t *working_memory;      /* what libargon2 was given */
static _Thread_local uint8_t *working_memory_base; /* what malloc() returned */
static _Thread_local size_t working_memory_len;

/* The size of a transparent huge page on x86-64 and arm64 Linux. */
#define HUGE_PAGE ((size_t)2 << 20)

/*
 * Memory of a huge page or more is taken HUGE_PAGE larger and used from its first HUGE_PAGE
 * boundary, and the whole huge pages in it are offered to the kernel as such: where transparent huge
 * pages are given on request only (enabled = madvise, as on the benchmark machine), memory that does
 * not ask gets 4 KiB pages. In 4 KiB pages 64 MiB is 16384 page faults, and as many TLB entries for
 * passes that jump through all of it; in 2 MiB pages it is 32. The advice is only advice: refused or
 * unsupported, the memory is the same and so is the output.
 */
static int allocate_working_memory(uint8_t **memory, size_t len)
{
    const size_t slack = len >= HUGE_PAGE ? HUGE_PAGE : 0;
    uint8_t *base;

    /* libargon2 ignores the return value and tests *memory. */
    *memory = NULL;
    if (len > SIZE_MAX - slack) {
        return ARGON2_MEMORY_ALLOCATION_ERROR;
    }
    base = malloc(len + slack);
    if (base == NULL) {
        return ARGON2_MEMORY_ALLOCATION_ERROR;
    }
    *memory = base;
    if (slack != 0) {
        *memory += (HUGE_PAGE - (size_t)((uintptr_t)base % HUGE_PAGE)) % HUGE_PAGE;
#ifdef MADV_HUGEPAGE
        (void)madvise(*memory, len - len % HUGE_PAGE, MADV_HUGEPAGE);
#endif
    }
    working_memory = *memory;
    working_memory_base = base;
    working_memory_len = len;
    cloak__argon2_hook_allocated(len);
    return ARGON2_OK;
}

/* Wipes (if asked), then frees the block allocate_working_memory() handed out. */
static void release_working_memory(uint8_t *memory, size_t len, int wipe)
{
    if (memory == NULL) {
        return;
    }
    if (wipe) {
        sodium_memzero(memory, len);
    }
    cloak__argon2_hook_released(memory, len);
    /* The callback has no user pointer, but the block libargon2 frees is the one this thread
     * allocated last (one derivation at a time per thread). */
    if (memory == working_memory) {
        free(working_memory_base);
        working_memory = NULL;
        working_memory_base = NULL;
        working_memory_len = 0;
    }
}

/*
 * libargon2's finalize() wipes the memory (clear_internal_memory()) just before it calls this, but
 * only while its global FLAG_clear_internal_memory is set. Debian's libargon2 is another library,
 * whose global any code in the process may clear at any time: libcloak wipes again. The optimised
 * kernel's copy of the flag (cloak_argon2_FLAG_clear_internal_memory, through the renaming
 * <argon2.h>) is libcloak's own, renamed and hidden, so nothing outside libcloak can reach it and
 * nothing inside writes it: the memory is wiped exactly once, by the kernel, and a second pass
 * (about 3 ms at 64 MiB, `bench --breakdown`) is spent only if the flag were ever off.
 */
static void free_working_memory(uint8_t *memory, size_t len)
{
#ifdef CLOAK_ARGON2_OPTIMIZED
    release_working_memory(memory, len, FLAG_clear_internal_memory == 0);
#else
    release_working_memory(memory, len, 1);
#endif
}

static int map_argon2_error(int rc)
{
    switch (rc) {
    case ARGON2_OK:
        return CLOAK_OK;
    case ARGON2_MEMORY_ALLOCATION_ERROR:
        return CLOAK_E_NOMEM;
    case ARGON2_THREAD_FAIL:
        return CLOAK_E_INTERNAL;
    case ARGON2_OUTPUT_PTR_NULL:
    case ARGON2_OUTPUT_TOO_SHORT:
    case ARGON2_OUTPUT_TOO_LONG:
    case ARGON2_PWD_TOO_SHORT:
    case ARGON2_PWD_TOO_LONG:
    case ARGON2_SALT_TOO_SHORT:
    case ARGON2_SALT_TOO_LONG:
    case ARGON2_AD_TOO_SHORT:
    case ARGON2_AD_TOO_LONG:
    case ARGON2_SECRET_TOO_SHORT:
    case ARGON2_SECRET_TOO_LONG:
    case ARGON2_TIME_TOO_SMALL:
    case ARGON2_TIME_TOO_LARGE:
    case ARGON2_MEMORY_TOO_LITTLE:
    case ARGON2_MEMORY_TOO_MUCH:
    case ARGON2_LANES_TOO_FEW:
    case ARGON2_LANES_TOO_MANY:
    case ARGON2_PWD_PTR_MISMATCH:
    case ARGON2_SALT_PTR_MISMATCH:
    case ARGON2_SECRET_PTR_MISMATCH:
    case ARGON2_AD_PTR_MISMATCH:
    case ARGON2_THREADS_TOO_FEW:
    case ARGON2_THREADS_TOO_MANY:
        return CLOAK_E_BAD_PARAMS;
    default:
        /* Callback, type and context errors cannot come from the context built below. */
        return CLOAK_E_INTERNAL;
    }
}

/* libargon2's context holds non-const pointers; without ARGON2_FLAG_CLEAR_PASSWORD and
 * ARGON2_FLAG_CLEAR_SECRET it only reads through them, so dropping const is sound. */
static uint8_t *input_ptr(const uint8_t *p)
{
    return (uint8_t *)(uintptr_t)p;
}

int cloak__argon2id(uint8_t *out, size_t out_len, const uint8_t *password, size_t password_len,
                    const uint8_t *salt, size_t salt_len, const uint8_t *secret, size_t secret_len,
                    const uint8_t *ad, size_t ad_len, uint32_t memory_kib, uint32_t iterations,
                    uint32_t parallelism)
{
    argon2_context ctx;
    int rc = CLOAK_E_BAD_PARAMS;

    cloak__argon2_hook_entered();
    /* libargon2 counts lengths in 32 bits: a longer input would be silently truncated. */
    if (out == NULL || out_len > UINT32_MAX || password_len > UINT32_MAX || salt_len > UINT32_MAX ||
        secret_len > UINT32_MAX || ad_len > UINT32_MAX ||
        (password == NULL && password_len != 0) || (salt == NULL && salt_len != 0) ||
        (secret == NULL && secret_len != 0) || (ad == NULL && ad_len != 0)) {
        goto done;
    }

    ctx.out = out;
    ctx.outlen = (uint32_t)out_len;
    ctx.pwd = input_ptr(password);
    ctx.pwdlen = (uint32_t)password_len;
    ctx.salt = input_ptr(salt);
    ctx.saltlen = (uint32_t)salt_len;
    ctx.secret = input_ptr(secret);
    ctx.secretlen = (uint32_t)secret_len;
    ctx.ad = input_ptr(ad);
    ctx.adlen = (uint32_t)ad_len;
    ctx.t_cost = iterations;
    ctx.m_cost = memory_kib;
    ctx.lanes = parallelism;
    ctx.threads = parallelism;
    ctx.version = ARGON2_VERSION_13;
    ctx.allocate_cbk = allocate_working_memory;
    ctx.free_cbk = free_working_memory;
    ctx.flags = ARGON2_DEFAULT_FLAGS;

    working_memory = NULL;
    working_memory_base = NULL;
    working_memory_len = 0;
    rc = map_argon2_error(argon2_ctx(&ctx, Argon2_id));
    /* Left behind only by a failure after allocation (a thread that could not be created), which
     * libargon2 neither wiped nor freed. */
    release_working_memory(working_memory, working_memory_len, 1);

done:
    if (rc != CLOAK_OK) {
        /* An output length libargon2 cannot take is not a buffer to trust with a wipe either. */
        cloak__wipe(out, out_len <= UINT32_MAX ? out_len : 0);
    }
    return rc;
}
