/*
 * The account secret key's text form: cloak_account_secret_key_decode() (text a person typed, or
 * pasted from anywhere).
 *
 * Input: lp8(account id), then the text (everything left). An empty account id is a valid input:
 * the call must refuse it (CLOAK_E_BAD_PARAMS).
 *
 * Properties: the status is exactly the one a reference decoder written here from docs/protocol.md
 * section 4.5 gives (whitespace around, "CK" in either case, the version digit, an optional dash,
 * 40 characters dashed in groups of five or undashed, I and L read as 1 and O as 0, the checksum
 * over the account id and the key); on failure the output is zero; on success the key is the
 * reference's, and its canonical text (cloak_account_secret_key_encode) is the input with the
 * whitespace trimmed, upper case, the look-alikes replaced and the dashes put back, and decodes
 * to the same key.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define KEYBYTES CLOAK_ACCOUNT_SECRET_KEYBYTES
#define ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A typed character's 5-bit value, or -1. */
static int char_value(uint8_t c)
{
    const char *p;

    if (c >= 'a' && c <= 'z') {
        c = (uint8_t)(c - 'a' + 'A');
    }
    if (c == 'I' || c == 'L') {
        return 1;
    }
    if (c == 'O') {
        return 0;
    }
    if (c == 0) {
        return -1;
    }
    p = strchr(ALPHABET, c);
    return p != NULL ? (int)(p - ALPHABET) : -1;
}

/* Section 4.5's reader; on CLOAK_OK, key and canonical (the 51-character text) are set. */
static int reference(uint8_t key[KEYBYTES], char canonical[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES], const uint8_t *t,
                     size_t n, const uint8_t *id, size_t id_len)
{
    static const char label[] = "libcloak v2 account secret key text";
    uint8_t payload[25], digest[32], id_len8 = (uint8_t)id_len;
    int values[40];
    size_t start = 0, end = n, count = 0, len;
    crypto_hash_sha256_state st;

    if (id_len < 1 || id_len > CLOAK_ACCOUNT_IDBYTES_MAX) {
        return CLOAK_E_BAD_PARAMS;
    }
    while (start < end && is_space(t[start])) {
        start++;
    }
    while (end > start && is_space(t[end - 1])) {
        end--;
    }
    if (end - start < 3 || (t[start] != 'C' && t[start] != 'c') || (t[start + 1] != 'K' && t[start + 1] != 'k')) {
        return CLOAK_E_MALFORMED;
    }
    if (t[start + 2] != '1') {
        return (t[start + 2] >= '0' && t[start + 2] <= '9') ? CLOAK_E_UNSUPPORTED_VERSION : CLOAK_E_MALFORMED;
    }
    start += 3;
    if (start < end && t[start] == '-') {
        start++;
    }
    len = end - start;
    if (len == 40) {
        for (size_t i = 0; i < 40; i++) {
            values[count++] = char_value(t[start + i]);
        }
    } else if (len == 47) {
        for (size_t i = 0; i < 47; i++) {
            if (i % 6 == 5) {
                if (t[start + i] != '-') {
                    return CLOAK_E_MALFORMED;
                }
                continue;
            }
            values[count++] = char_value(t[start + i]);
        }
    } else {
        return CLOAK_E_MALFORMED;
    }
    memset(payload, 0, sizeof payload);
    for (size_t c = 0; c < 40; c++) {
        if (values[c] < 0) {
            return CLOAK_E_MALFORMED;
        }
        for (size_t b = 0; b < 5; b++) {
            size_t bit = 5 * c + b;
            if ((values[c] >> (4 - b)) & 1) {
                payload[bit / 8] |= (uint8_t)(0x80U >> (bit % 8));
            }
        }
    }
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)label, sizeof label - 1U);
    crypto_hash_sha256_update(&st, &id_len8, 1);
    crypto_hash_sha256_update(&st, id, id_len);
    crypto_hash_sha256_update(&st, payload, KEYBYTES);
    crypto_hash_sha256_final(&st, digest);
    if (memcmp(digest, payload + KEYBYTES, 5) != 0) {
        return CLOAK_E_CHECKSUM;
    }
    memcpy(key, payload, KEYBYTES);
    memcpy(canonical, "CK1-", 4);
    len = 4;
    for (size_t c = 0; c < 40; c++) {
        if (c > 0 && c % 5 == 0) {
            canonical[len++] = '-';
        }
        canonical[len++] = ALPHABET[values[c]];
    }
    canonical[len] = '\0';
    return CLOAK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    size_t id_len, text_len;
    uint8_t *id = fz_lp8(&in, &id_len);
    uint8_t *text = fz_rest(&in, &text_len);
    uint8_t key[KEYBYTES], ref_key[KEYBYTES], again[KEYBYTES];
    char canonical[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES], encoded[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES];
    int rc, expected;

    fz_rng_reset();
    memset(key, 0xA5, sizeof key);
    rc = cloak_account_secret_key_decode(key, (const char *)text, text_len, id, id_len);
    fz_trace("cloak_account_secret_key_decode", rc);
    expected = reference(ref_key, canonical, text, text_len, id, id_len);
    FUZZ_CHECK(rc == expected);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(key, sizeof key));
    } else {
        FUZZ_CHECK(memcmp(key, ref_key, sizeof key) == 0);
        FUZZ_CHECK(cloak_account_secret_key_encode(encoded, key, id, id_len) == CLOAK_OK);
        FUZZ_CHECK(strcmp(encoded, canonical) == 0);
        FUZZ_CHECK(cloak_account_secret_key_decode(again, encoded, strlen(encoded), id, id_len) == CLOAK_OK);
        FUZZ_CHECK(memcmp(again, key, sizeof key) == 0);
    }
    free(id);
    free(text);
    return 0;
}
