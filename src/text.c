/* Text form of a blob (docs/protocol.md section 3):
 *
 *     "cloak-" || name || "-" || base64url(blob || checksum)
 *
 * for copy and paste. The checksum tells a mangled copy apart from a forged blob; it is not an
 * authenticator. A blob may be long (a secret) and may hold a private key in the clear (an
 * account key), so both directions stream through a small stack buffer that is wiped, and the
 * base64 itself is libsodium's constant-time codec. */
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

#define TEXT_PREFIX "cloak-"
#define TEXT_PREFIX_LEN (sizeof(TEXT_PREFIX) - 1U)
#define CHECKSUMBYTES 4U
/* The longest type name, "wrappedidentity", and the shortest, "item". */
#define NAME_MAXLEN 15U
#define NAME_MINLEN 4U
#define B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
/* Streaming chunks: a whole number of base64 groups (3 bytes <-> 4 characters). */
#define CHUNK_GROUPS 64U
#define CHUNK_BYTES (3U * CHUNK_GROUPS)
#define CHUNK_CHARS (4U * CHUNK_GROUPS)

/* Characters of unpadded base64 for n bytes. */
static size_t b64_len(size_t n)
{
    return (n / 3U) * 4U + ((n % 3U) == 0U ? 0U : (n % 3U) + 1U);
}

static void checksum(uint8_t out[CHECKSUMBYTES], const uint8_t *blob, size_t blob_len)
{
    uint8_t digest[CLOAK_HASHBYTES];

    cloak__labeled_sha256(digest, CLOAK_LABEL_TEXT_CHECKSUM, blob, blob_len);
    memcpy(out, digest, CHECKSUMBYTES);
    /* A digest of a blob that may be a private key in the clear. */
    cloak__wipe(digest, sizeof digest);
}

size_t cloak_text_encoded_len(size_t blob_len)
{
    /* Upper bound over every type name; 0 if it does not fit in a size_t. */
    const size_t fixed = TEXT_PREFIX_LEN + NAME_MAXLEN + 1U + 1U;

    if (blob_len > (SIZE_MAX - fixed) / 2U) {
        return 0;
    }
    return fixed + b64_len(blob_len + CHECKSUMBYTES);
}

size_t cloak_text_decoded_maxlen(size_t text_len)
{
    const size_t min_prefix = TEXT_PREFIX_LEN + NAME_MINLEN + 1U;
    size_t decoded;

    if (text_len <= min_prefix) {
        return 0;
    }
    decoded = ((text_len - min_prefix) / 4U) * 3U + (((text_len - min_prefix) % 4U) * 3U) / 4U;
    return decoded > CHECKSUMBYTES ? decoded - CHECKSUMBYTES : 0;
}

int cloak_text_encode(char *text, size_t text_cap, size_t *text_len, const uint8_t *blob, size_t blob_len)
{
    uint8_t sum[CHECKSUMBYTES];
    unsigned char chunk[CHUNK_BYTES];
    const char *name;
    size_t name_len, need, pos, fill, in;
    int type;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    int rc = CLOAK_E_BAD_PARAMS;

    if (text == NULL || text_len == NULL || (blob == NULL && blob_len > 0)) {
        goto done;
    }
    rc = cloak_blob_inspect(&type, key_id, blob, blob_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    name = cloak__type_name((uint8_t)type);
    name_len = strlen(name);
    if (blob_len > (SIZE_MAX - 64U) / 2U) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    need = TEXT_PREFIX_LEN + name_len + 1U + b64_len(blob_len + CHECKSUMBYTES) + 1U;
    if (text_cap < need) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }

    memcpy(text, TEXT_PREFIX, TEXT_PREFIX_LEN);
    memcpy(text + TEXT_PREFIX_LEN, name, name_len);
    text[TEXT_PREFIX_LEN + name_len] = '-';
    pos = TEXT_PREFIX_LEN + name_len + 1U;

    checksum(sum, blob, blob_len);
    /* blob || checksum as one stream, encoded a whole number of groups at a time; each call's
     * terminating NUL lands where the next one starts, or at the end of the text. */
    fill = 0;
    for (in = 0; in < blob_len + CHECKSUMBYTES; in++) {
        chunk[fill++] = in < blob_len ? blob[in] : sum[in - blob_len];
        if (fill == CHUNK_BYTES) {
            sodium_bin2base64(text + pos, text_cap - pos, chunk, fill, B64_VARIANT);
            pos += CHUNK_CHARS;
            fill = 0;
        }
    }
    sodium_bin2base64(text + pos, text_cap - pos, chunk, fill, B64_VARIANT);
    pos += b64_len(fill);
    cloak__wipe(chunk, sizeof chunk);
    cloak__wipe(sum, sizeof sum);

    *text_len = pos;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(text, text_cap);
        cloak__wipe(text_len, sizeof *text_len);
    }
    return rc;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The type whose name is exactly name[0..len), or 0 (no type has the value 0). */
static uint8_t type_by_name(const char *name, size_t len)
{
    unsigned t;

    for (t = 1; t <= 0xFFU; t++) {
        const char *n = cloak__type_name((uint8_t)t);
        if (n != NULL && strlen(n) == len && memcmp(n, name, len) == 0) {
            return (uint8_t)t;
        }
    }
    return 0;
}

/* Decodes the body into out[0..out_len) followed by sum. The body's length is already known to be
 * valid for out_len + CHECKSUMBYTES bytes. libsodium refuses characters outside the alphabet,
 * padding and nonzero unused bits. */
static int decode_body(uint8_t *out, size_t out_len, uint8_t sum[CHECKSUMBYTES], const char *body,
                       size_t body_len)
{
    unsigned char chunk[CHUNK_BYTES];
    size_t consumed = 0, produced = 0, n, i, got;
    int rc = CLOAK_OK;

    while (consumed < body_len) {
        n = body_len - consumed;
        if (n > CHUNK_CHARS) {
            n = CHUNK_CHARS;
        }
        got = 0;
        if (sodium_base642bin(chunk, sizeof chunk, body + consumed, n, NULL, &got, NULL, B64_VARIANT) != 0 ||
            got != (n / 4U) * 3U + ((n % 4U) * 3U) / 4U) {
            rc = CLOAK_E_MALFORMED;
            break;
        }
        for (i = 0; i < got; i++, produced++) {
            if (produced < out_len) {
                out[produced] = chunk[i];
            } else {
                sum[produced - out_len] = chunk[i];
            }
        }
        consumed += n;
    }
    cloak__wipe(chunk, sizeof chunk);
    return rc;
}

int cloak_text_decode(uint8_t *blob, size_t blob_cap, size_t *blob_len, const char *text, size_t text_len)
{
    uint8_t sum[CHECKSUMBYTES], expected[CHECKSUMBYTES];
    uint8_t key_id[CLOAK_KEYIDBYTES];
    const char *name, *dash, *body;
    size_t start, end, body_len, decoded, out_len, i;
    unsigned high = 0;
    uint8_t prefix_type;
    int type = 0, rc = CLOAK_E_BAD_PARAMS, mismatch;

    if (blob == NULL || blob_len == NULL || (text == NULL && text_len > 0)) {
        goto done;
    }

    start = 0;
    end = text_len;
    while (start < end && is_space(text[start])) {
        start++;
    }
    while (end > start && is_space(text[end - 1U])) {
        end--;
    }
    if (end - start < TEXT_PREFIX_LEN || memcmp(text + start, TEXT_PREFIX, TEXT_PREFIX_LEN) != 0) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    name = text + start + TEXT_PREFIX_LEN;
    dash = memchr(name, '-', (size_t)(text + end - name));
    if (dash == NULL) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    prefix_type = type_by_name(name, (size_t)(dash - name));
    if (prefix_type == 0) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    body = dash + 1;
    body_len = (size_t)(text + end - body);
    /* libsodium 1.0.18 decodes every byte from 0x80 to 0xFF as '_' in the URL-safe alphabet, so
     * refuse them here; below 0x80 it refuses everything outside the alphabet. Branch-free over
     * the body, which may encode a private key. */
    for (i = 0; i < body_len; i++) {
        high |= (unsigned char)body[i];
    }
    high &= 0x80U;
    /* Public: whether a byte is outside ASCII is the status (MALFORMED); no valid text has one. */
    cloak__declassify(&high, sizeof high);
    if (high != 0) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    /* One leftover character carries 6 bits, less than a byte: never a valid encoding. */
    if (body_len % 4U == 1U) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    decoded = (body_len / 4U) * 3U + ((body_len % 4U) * 3U) / 4U;
    if (decoded < CLOAK_HEADERBYTES + CHECKSUMBYTES) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    out_len = decoded - CHECKSUMBYTES;
    if (blob_cap < out_len) {
        rc = CLOAK_E_BUFFER_TOO_SMALL;
        goto done;
    }

    rc = decode_body(blob, out_len, sum, body, body_len);
    if (rc == CLOAK_OK) {
        checksum(expected, blob, out_len);
        mismatch = cloak__memcmp_ct(sum, expected, CHECKSUMBYTES) != 0;
        /* Public: whether the checksum matches is the status (CHECKSUM). */
        cloak__declassify(&mismatch, sizeof mismatch);
        if (mismatch) {
            rc = CLOAK_E_CHECKSUM;
        }
    }
    if (rc == CLOAK_OK) {
        rc = cloak_blob_inspect(&type, key_id, blob, out_len);
    }
    if (rc == CLOAK_OK && (uint8_t)type != prefix_type) {
        rc = CLOAK_E_MALFORMED;
    }
    if (rc == CLOAK_OK) {
        *blob_len = out_len;
    }

done:
    /* Digests of a blob that may be a private key in the clear. */
    cloak__wipe(sum, sizeof sum);
    cloak__wipe(expected, sizeof expected);
    if (rc != CLOAK_OK) {
        cloak__wipe(blob, blob_cap);
        cloak__wipe(blob_len, sizeof *blob_len);
    }
    return rc;
}
