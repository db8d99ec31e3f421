/* Small byte-buffer helpers shared by the C tests (see bytes.h). */
#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;

    for (size_t i = 0; i < n; i++) {
        acc |= b[i];
    }
    return acc == 0;
}

void *test_alloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL) {
        fprintf(stderr, "test_alloc: out of memory (%zu bytes)\n", n);
        abort();
    }
    return p;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

uint8_t *hex_decode(const char *hex, size_t *len)
{
    if (len != NULL) {
        *len = 0;
    }
    if (hex == NULL || len == NULL) {
        return NULL;
    }
    size_t n = strlen(hex);
    if (n % 2 != 0) {
        return NULL;
    }
    uint8_t *out = test_alloc(n / 2);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit((unsigned char)hex[2 * i]);
        int lo = hex_digit((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    *len = n / 2;
    return out;
}

int hex_decode_exact(uint8_t *out, size_t out_len, const char *hex)
{
    size_t n = 0;
    uint8_t *b = hex_decode(hex, &n);
    int rc = -1;

    if (b != NULL && n == out_len) {
        memcpy(out, b, n);
        rc = 0;
    }
    free(b);
    return rc;
}
