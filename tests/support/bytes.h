/* Small byte-buffer helpers shared by the C tests (tests only; no test framework needed). */
#ifndef CLOAK_TEST_BYTES_H
#define CLOAK_TEST_BYTES_H

#include <stddef.h>
#include <stdint.h>

/* 1 if the n bytes at p are all zero (n = 0 counts as all zero), else 0. Reads every byte. */
int all_zero(const void *p, size_t n);

/* malloc that aborts instead of returning NULL and gives a distinct pointer for n = 0, so a test
 * can hand the result to a function that refuses NULL. Free with free(). */
void *test_alloc(size_t n);

/* Decodes lowercase or uppercase hex into a new buffer (never NULL, even for ""); *len gets its
 * length. Returns NULL for odd length or a non-hex character. Free with free(). */
uint8_t *hex_decode(const char *hex, size_t *len);

/* Decodes hex of exactly out_len bytes into out: 0, or -1 (out untouched) if it is not valid hex
 * of that length. */
int hex_decode_exact(uint8_t *out, size_t out_len, const char *hex);

#endif
