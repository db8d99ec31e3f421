/*
 * Length hiding for secrets and batch items (docs/protocol.md 1.5): a minimum bucket of 64 bytes,
 * then Padme, which rounds a length to a float-like value with about log2(log2(U)) significant
 * bits, so a padded length tells at most O(log log U) bits of the plaintext's length and costs at
 * most 12% more bytes.
 */
#include "internal.h"

#define CLOAK_PAD_MIN 64U

static unsigned floor_log2(size_t x)
{
    unsigned n = 0;
    while (x >>= 1U) {
        n++;
    }
    return n;
}

size_t cloak__pad_len(size_t u)
{
    if (u == 0U) {
        return 0U;
    }
    if (u <= CLOAK_PAD_MIN) {
        return CLOAK_PAD_MIN;
    }
    const unsigned e = floor_log2(u);
    const unsigned s = floor_log2(e) + 1U;
    /* u > 64 gives e >= 6 and s <= e; said explicitly so the shift is visibly in range. */
    if (s > e) {
        return 0U;
    }
    const size_t mask = ((size_t)1 << (e - s)) - 1U;
    if (u > SIZE_MAX - mask) {
        return 0U;
    }
    return (u + mask) & ~mask;
}

int cloak__is_pad_len(size_t p)
{
    return p >= CLOAK_PAD_MIN && cloak__pad_len(p) == p;
}
