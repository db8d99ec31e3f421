/*
 * Envelope and text form: cloak_text_decode(), cloak_blob_inspect() and cloak_blob_suite().
 *
 * Input: op(1) || bytes
 *   op bit 0 = 0: bytes is a text form, decoded into a buffer of cloak_text_decoded_maxlen() bytes
 *                 (half of that when op bit 1 is set, to reach BUFFER_TOO_SMALL)
 *   op bit 0 = 1: bytes is a blob, inspected and its suite read
 *
 * Properties: a text decodes (or fails, with the same status) exactly as a reference decoder
 * written here from docs/protocol.md section 3 (its own base64url, checksum over SHA-256) says,
 * except that an output buffer too small may be reported instead of another failure; on failure
 * every output is zero; a decoded text re-encodes to exactly the text given (less surrounding
 * whitespace), since the text form is canonical; an inspected header is the blob's own bytes, and
 * the status is section 2's for its first four steps and the first half of step 5 (suite 2 only for
 * a type that admits it); cloak_blob_suite() agrees with cloak_blob_inspect() and returns bytes 2-3.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

/* Section 3's names, indexed by type byte (0x01 to FZ_TYPE_LAST). */
static const char *const type_names[FZ_TYPE_LAST + 1U] = {
    NULL,     "password", "identity", "pubkey", "bundle", "wrappedidentity", "wrappedkey",
    "wrappedaccount", "secret", "share", "batch", "item", "accountkey", "head"};

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value of a base64url character, or -1. */
static int b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* Section 3, with an output buffer as large as needed: the status, and the blob (out, at least
 * text_len bytes) and its length on success. */
static int reference_decode(uint8_t *out, size_t *out_len, const uint8_t *text, size_t text_len)
{
    static const char checksum_label[] = "libcloak v2 text";
    size_t start = 0, end = text_len, i, name_len, body_len, decoded = 0;
    const uint8_t *name, *body;
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    uint32_t acc = 0;
    unsigned bits = 0, t, prefix_type = 0;
    uint8_t label_len = (uint8_t)(sizeof checksum_label - 1U);

    while (start < end && is_space(text[start])) {
        start++;
    }
    while (end > start && is_space(text[end - 1U])) {
        end--;
    }
    if (end - start < 6 || memcmp(text + start, "cloak-", 6) != 0) {
        return CLOAK_E_MALFORMED;
    }
    name = text + start + 6;
    for (name_len = 0; name + name_len < text + end && name[name_len] != '-'; name_len++) {
    }
    if (name + name_len == text + end) {
        return CLOAK_E_MALFORMED;
    }
    for (t = 1; t <= FZ_TYPE_LAST; t++) {
        if (strlen(type_names[t]) == name_len && memcmp(type_names[t], name, name_len) == 0) {
            prefix_type = t;
        }
    }
    if (prefix_type == 0) {
        return CLOAK_E_MALFORMED;
    }
    body = name + name_len + 1;
    body_len = (size_t)(text + end - body);
    /* Unpadded base64url, canonical: every character in the alphabet, no lone last character,
     * unused bits zero. */
    for (i = 0; i < body_len; i++) {
        const int v = b64_value(body[i]);
        if (v < 0) {
            return CLOAK_E_MALFORMED;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[decoded++] = (uint8_t)(acc >> bits);
            acc &= (1U << bits) - 1U;
        }
    }
    if (bits >= 6 || acc != 0) {
        return CLOAK_E_MALFORMED;
    }
    if (decoded < CLOAK_HEADERBYTES + 4U) {
        return CLOAK_E_MALFORMED;
    }
    decoded -= 4U;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &label_len, 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)checksum_label, label_len);
    crypto_hash_sha256_update(&st, out, decoded);
    crypto_hash_sha256_final(&st, digest);
    if (memcmp(digest, out + decoded, 4) != 0) {
        return CLOAK_E_CHECKSUM;
    }
    if (out[0] != FZ_FORMAT_VERSION) {
        return CLOAK_E_UNSUPPORTED_VERSION;
    }
    if (out[2] != 0x00 || (out[3] != 0x01 && out[3] != 0x02)) {
        return CLOAK_E_UNSUPPORTED_SUITE;
    }
    /* Section 3 names steps 1 to 4 only; the library also refuses here, as cloak_blob_inspect does, a
     * suite 2 blob of a type without a suite 2 size (step 5's first half), before the prefix's type. */
    if (fz_type_known(out[1]) && out[3] == 0x02 && !fz_type_admits_xwing(out[1])) {
        return CLOAK_E_UNSUPPORTED_SUITE;
    }
    if (out[1] != prefix_type) {
        return CLOAK_E_MALFORMED; /* an unknown type byte, or another type than the prefix names */
    }
    *out_len = decoded;
    return CLOAK_OK;
}

static void text_decode(const uint8_t *text, size_t text_len, int small)
{
    const size_t maxlen = cloak_text_decoded_maxlen(text_len);
    const size_t cap = small ? maxlen / 2U : maxlen;
    uint8_t *blob = fz_alloc(cap);
    size_t blob_len = 12345;
    const int rc = cloak_text_decode(blob, cap, &blob_len, (const char *)text, text_len);
    uint8_t *ref = fz_alloc(text_len);
    size_t ref_len = 0;
    const int expected = reference_decode(ref, &ref_len, text, text_len);
    fz_trace("cloak_text_decode", rc);

    if (expected == CLOAK_OK && ref_len > cap) {
        FUZZ_CHECK(rc == CLOAK_E_BUFFER_TOO_SMALL);
    } else if (rc == CLOAK_E_BUFFER_TOO_SMALL) {
        /* Reported before a failure it would otherwise find (the spec orders neither). */
        FUZZ_CHECK(expected != CLOAK_OK);
    } else {
        FUZZ_CHECK(rc == expected);
    }
    if (rc == CLOAK_OK) {
        FUZZ_CHECK(blob_len == ref_len && memcmp(blob, ref, ref_len) == 0);
    }
    free(ref);
    if (rc != CLOAK_OK) {
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
    uint32_t suite = 77;
    int rc, rc_suite;

    memset(key_id, 0xA5, sizeof key_id);
    rc = cloak_blob_inspect(&type, key_id, blob, blob_len);
    fz_trace("cloak_blob_inspect", rc);
    /* Section 2, steps 1 to 4a and 5a: any known type is the expected one, in a suite it admits. */
    FUZZ_CHECK(rc == fz_header_untyped_verdict(blob, blob_len));
    rc_suite = cloak_blob_suite(&suite, blob, blob_len);
    fz_trace("cloak_blob_suite", rc_suite);
    FUZZ_CHECK(rc_suite == rc);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(type == 0 && fz_is_zero(key_id, sizeof key_id) && suite == 0);
    } else {
        FUZZ_CHECK(blob_len >= CLOAK_HEADERBYTES && blob[0] == FZ_FORMAT_VERSION && blob[2] == 0x00);
        FUZZ_CHECK(blob[3] == 0x01 || (blob[3] == 0x02 && fz_type_admits_xwing(blob[1])));
        FUZZ_CHECK(type == (int)blob[1] && fz_type_known(blob[1]));
        FUZZ_CHECK(memcmp(key_id, blob + 4, CLOAK_KEYIDBYTES) == 0);
        FUZZ_CHECK(suite == blob[3]);
    }
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
