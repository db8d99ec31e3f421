/*
 * Round trip of the text form: cloak_text_encode() then cloak_text_decode().
 *
 * Input: op(1) || u16(position) || key id(16) || body
 *   the blob is a valid header (version 2, type op % FZ_TYPE_LAST + 1, suite 1, the key id) || body;
 *   position picks a character of the text to change (to op ^ the character, when that differs).
 *
 * Properties: the text has the length reported, ends in a NUL within cloak_text_encoded_len(), and
 * decodes to the blob, also with whitespace around it; cloak_text_decoded_maxlen() bounds the blob;
 * a text with any one character changed never decodes to the same blob (the form is canonical).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void decode_expect(const char *text, size_t text_len, const uint8_t *blob, size_t blob_len)
{
    const size_t cap = cloak_text_decoded_maxlen(text_len);
    uint8_t *out = fz_alloc(cap);
    size_t out_len = 999;

    FUZZ_CHECK(cap >= blob_len);
    FUZZ_CHECK(cloak_text_decode(out, cap, &out_len, text, text_len) == CLOAK_OK);
    FUZZ_CHECK(out_len == blob_len && memcmp(out, blob, blob_len) == 0);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    const size_t position = fz_u16(&in);
    fz_buf b = {NULL, 0, 0};
    size_t body_len, text_len = 999, cap;
    uint8_t *body, *blob;
    char *text, *spaced;

    fz_rng_reset();
    fz_put_u8(&b, FZ_FORMAT_VERSION);
    fz_put_u8(&b, (uint8_t)(op % FZ_TYPE_LAST + 1U));
    fz_put_u16(&b, 0x0001);
    {
        uint8_t key_id[CLOAK_KEYIDBYTES];
        fz_fixed(&in, key_id, sizeof key_id);
        fz_put(&b, key_id, sizeof key_id);
    }
    body = fz_rest(&in, &body_len);
    fz_put(&b, body, body_len);
    free(body);
    blob = fz_dup(b.p, b.n);

    cap = cloak_text_encoded_len(b.n);
    text = (char *)fz_alloc(cap);
    FUZZ_CHECK(cloak_text_encode(text, cap, &text_len, blob, b.n) == CLOAK_OK);
    FUZZ_CHECK(text_len < cap && text[text_len] == '\0' && strlen(text) == text_len);
    decode_expect(text, text_len, blob, b.n);

    /* Surrounded by whitespace, as pasted from a terminal. */
    spaced = (char *)fz_alloc(text_len + 4U);
    memcpy(spaced, " \t", 2);
    memcpy(spaced + 2, text, text_len);
    memcpy(spaced + 2 + text_len, "\r\n", 2);
    decode_expect(spaced, text_len + 4U, blob, b.n);
    free(spaced);

    /* One character changed: refused, or at least not the same blob. */
    if ((uint8_t)text[position % text_len] != (uint8_t)((uint8_t)text[position % text_len] ^ op)) {
        char *bad = (char *)fz_dup((const uint8_t *)text, text_len);
        const size_t bad_cap = cloak_text_decoded_maxlen(text_len);
        uint8_t *out = fz_alloc(bad_cap);
        size_t out_len = 999;
        int rc;

        bad[position % text_len] = (char)((uint8_t)bad[position % text_len] ^ op);
        rc = cloak_text_decode(out, bad_cap, &out_len, bad, text_len);
        if (rc == CLOAK_OK) {
            FUZZ_CHECK(out_len != b.n || memcmp(out, blob, b.n) != 0);
        } else {
            FUZZ_CHECK(out_len == 0 && fz_is_zero(out, bad_cap));
        }
        free(out);
        free(bad);
    }

    /* One byte too small a buffer. */
    {
        size_t short_len = 999;
        char *short_text = (char *)fz_alloc(text_len);
        FUZZ_CHECK(cloak_text_encode(short_text, text_len, &short_len, blob, b.n) == CLOAK_E_BUFFER_TOO_SMALL);
        FUZZ_CHECK(short_len == 0 && fz_is_zero(short_text, text_len));
        free(short_text);
    }

    free(text);
    free(blob);
    fz_buf_free(&b);
    return 0;
}
