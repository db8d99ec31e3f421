/* Small helpers every file uses: wiping, constant-time comparison, big-endian integers. */
#include <sodium.h>

#include "internal.h"

void cloak__wipe(void *p, size_t n)
{
    if (p != NULL && n > 0) {
        sodium_memzero(p, n);
    }
}

int cloak__memcmp_ct(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0 ? 0 : 1;
}

void cloak__store32_be(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

uint32_t cloak__load32_be(const uint8_t in[4])
{
    return ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) | (uint32_t)in[3];
}

void cloak__store16_be(uint8_t out[2], uint16_t v)
{
    out[0] = (uint8_t)(v >> 8);
    out[1] = (uint8_t)v;
}

uint16_t cloak__load16_be(const uint8_t in[2])
{
    return (uint16_t)(((unsigned)in[0] << 8) | (unsigned)in[1]);
}

int cloak__overlaps(const void *a, size_t a_len, const void *b, size_t b_len)
{
    const uintptr_t x = (uintptr_t)a;
    const uintptr_t y = (uintptr_t)b;
    if (a == NULL || b == NULL || a_len == 0U || b_len == 0U) {
        return 0;
    }
    return x < y ? y - x < a_len : x - y < b_len;
}
