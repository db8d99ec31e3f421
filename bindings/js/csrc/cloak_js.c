/*
 * The dispatch table of cloak_js.h. The operations themselves are generated from include/cloak.h
 * (cloak_ops.inc, by tools/apigen.py): every case checks its slots' sizes before calling libcloak,
 * whose own checks (lengths, error order, zeroed outputs) then apply unchanged. This file holds
 * the slot shorthands those cases use, and the cases slots cannot express.
 */
#include "cloak_js.h"

#include <string.h>

#include "cloak.h"

/* A generated_call() answer for an operation it does not have; no cloak_status is positive. */
#define CLOAK_JS_NOT_GENERATED 1

/* Does not rely on libsodium being linked next to the addon: a volatile store is not elided. */
void cloak_js_wipe(void *p, size_t len)
{
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (len-- > 0) {
        *v++ = 0;
    }
}

static size_t copy_string(uint8_t *out, size_t cap, const char *s)
{
    size_t len = strlen(s);
    if (len > cap) {
        len = cap;
    }
    if (len > 0) {
        memcpy(out, s, len);
    }
    return len;
}

static uint64_t read_u64le(const uint8_t *p)
{
    uint64_t v = 0;
    for (size_t i = 8; i-- > 0;) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void write_u64le(uint8_t *p, uint64_t v)
{
    for (size_t i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8U * i));
    }
}

/* Shorthands for the slots; `a` and `n` are the call's arrays. */
#define P(i) (a[i])
#define N(i) (n[i])
#define CP(i) ((const uint8_t *)a[i])
/* A 32-bit number in: values beyond 32 bits are out of bounds, and saturating keeps them so. */
#define U32(i) (n[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)n[i])
/* A uint64_t travels as an 8-byte little-endian buffer slot (checked with FIX first): a slot's
 * number is a size_t, 32 bits in WebAssembly, and JavaScript numbers stop being exact at 2^53. */
#define U64(i) read_u64le(CP(i))
#define PUT_U64(i, value) write_u64le(P(i), (value))
/* A caller-owned state, used where it lies: exactly its size, and 8-byte aligned. A state records
 * its own address, so it is never copied into a local; each host keeps it at one fixed address. */
#define STATE(i, size)                                                                      \
    do {                                                                                    \
        if (a[i] == NULL || n[i] != (size_t)(size) || ((uintptr_t)a[i] & 7U) != 0) {        \
            return CLOAK_E_BAD_PARAMS;                                                      \
        }                                                                                   \
    } while (0)
/* A fixed-size buffer: exactly `size` bytes. */
#define FIX(i, size)                                   \
    do {                                               \
        if (a[i] == NULL || n[i] != (size_t)(size)) {  \
            return CLOAK_E_BAD_PARAMS;                 \
        }                                              \
    } while (0)
#define ARGS(count)                      \
    do {                                 \
        if (nargs != (size_t)(count)) {  \
            return CLOAK_E_BAD_PARAMS;   \
        }                                \
    } while (0)

#include "cloak_ops.inc"

int cloak_js_call(int op, uint8_t *const *a, size_t *n, size_t nargs)
{
    size_t i;
    uint32_t u32;
    int rc;

    if (nargs > CLOAK_JS_MAXARGS || (nargs > 0 && (a == NULL || n == NULL))) {
        return CLOAK_E_BAD_PARAMS;
    }
    rc = generated_call(op, a, n, nargs);
    if (rc != CLOAK_JS_NOT_GENERATED) {
        return rc;
    }
    switch (op) {
    case OP_SIZES: /* out: SIZE_TABLE_COUNT uint32 in host order */
        ARGS(1);
        FIX(0, SIZE_TABLE_COUNT * 4U);
        for (i = 0; i < SIZE_TABLE_COUNT; i++) {
            u32 = (uint32_t)size_table(i);
            memcpy(P(0) + 4U * i, &u32, 4);
        }
        return CLOAK_OK;
    case OP_STATUS_STRING: /* status negated (0..), text out (cap), text_len out */
        ARGS(3);
        /* Slots carry no sign; anything past the codes is an unknown status all the same. */
        if (N(0) > 1000) {
            N(0) = 1000;
        }
        N(2) = copy_string(P(1), N(1), cloak_status_string(-(int)N(0)));
        return CLOAK_OK;
    default:
        return CLOAK_E_BAD_PARAMS;
    }
}
