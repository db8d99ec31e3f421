/*
 * Envelope and text form: cloak_text_decode() and cloak_blob_inspect().
 *
 * Input: op(1) || bytes
 *   op bit 0 = 0: bytes is a text form, decoded into a buffer of cloak_text_decoded_maxlen() bytes
 *                 (half of that when op bit 1 is set, to reach BUFFER_TOO_SMALL)
 *   op bit 0 = 1: bytes is a blob, inspected
 *
 * Properties: on failure every output is zero; a decoded text re-encodes to exactly the text given
 * (less surrounding whitespace), since the text form is canonical; an inspected header is the
 * blob's own bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void text_decode(const uint8_t *text, size_t text_len, int small)
{
    const size_t maxlen = cloak_text_decoded_maxlen(text_len);
    const size_t cap = small ? maxlen / 2U : maxlen;
    uint8_t *blob = fz_alloc(cap);
    size_t blob_len = 12345;
    const int rc = cloak_text_decode(blob, cap, &blob_len, (const char *)text, text_len);
    fz_trace("cloak_text_decode", rc);

    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_CHECKSUM || rc == CLOAK_E_BUFFER_TOO_SMALL ||
                   rc == CLOAK_E_UNSUPPORTED_VERSION || rc == CLOAK_E_UNSUPPORTED_SUITE);
        FUZZ_CHECK(blob_len == 0);
        FUZZ_CHECK(fz_is_zero(blob, cap));
    } else {
        size_t start = 0, end = text_len, enc_len = 0;
        const size_t enc_cap = cloak_text_encoded_len(blob_len);
        char *enc;
        int type;
        uint8_t key_id[CLOAK_KEYIDBYTES];

        FUZZ_CHECK(blob_len >= CLOAK_HEADERBYTES && blob_len <= cap);
        FUZZ_CHECK(cloak_blob_inspect(&type, key_id, blob, blob_len) == CLOAK_OK);
        while (start < end && is_space(text[start])) {
            start++;
        }
        while (end > start && is_space(text[end - 1U])) {
            end--;
        }
        enc = (char *)fz_alloc(enc_cap);
        FUZZ_CHECK(cloak_text_encode(enc, enc_cap, &enc_len, blob, blob_len) == CLOAK_OK);
        FUZZ_CHECK(enc_len == end - start && enc_len < enc_cap && enc[enc_len] == '\0');
        FUZZ_CHECK(memcmp(enc, text + start, enc_len) == 0);
        free(enc);
    }
    free(blob);
}

static void blob_inspect(const uint8_t *blob, size_t blob_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    int type = 77;
    int rc;

    memset(key_id, 0xA5, sizeof key_id);
    rc = cloak_blob_inspect(&type, key_id, blob, blob_len);
    fz_trace("cloak_blob_inspect", rc);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE);
        FUZZ_CHECK(type == 0 && fz_is_zero(key_id, sizeof key_id));
    } else {
        FUZZ_CHECK(blob_len >= CLOAK_HEADERBYTES && blob[0] == 0x01 && blob[2] == 0x00 && blob[3] == 0x01);
        FUZZ_CHECK(type == (int)blob[1] && type >= CLOAK_TYPE_PASSWORD_RECORD &&
                   type <= CLOAK_TYPE_SERVICE_ACCOUNT_KEY);
        FUZZ_CHECK(memcmp(key_id, blob + 4, CLOAK_KEYIDBYTES) == 0);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    size_t len;
    uint8_t *bytes;

    fz_rng_reset();
    bytes = fz_rest(&in, &len);
    if ((op & 1U) == 0U) {
        text_decode(bytes, len, (op & 2U) != 0U);
    } else {
        blob_inspect(bytes, len);
    }
    free(bytes);
    return 0;
}
