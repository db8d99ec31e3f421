/*
 * The account secret key and its text form for people (docs/protocol.md section 4.5).
 *
 * Text form: "CK1-" then the key and a 5-byte checksum, 25 bytes, as 40 Crockford base32 characters
 * in eight groups of five joined by '-'. The checksum is the start of SHA-256 over a label, the
 * account id and the key, so a key typed under another account's id is refused like a typing
 * error. Crockford's alphabet has no I, L, O or U, and a reader takes I and L as 1 and O as 0: what
 * a person copies from paper decodes.
 *
 * The key is secret, so neither direction indexes a table or branches on its bits: every character
 * is found by a scan over the whole alphabet with masks. Only the checksum verdict and the text's
 * layout (its length, where the dashes are) are public.
 */
#include <sodium.h>
#include <string.h>

#include "declassify.h"
#include "internal.h"

#define PREFIX "CK1-"
#define PREFIX_LEN 4U
#define CHECKSUMBYTES 5U
#define PAYLOADBYTES (CLOAK_ACCOUNT_SECRET_KEYBYTES + CHECKSUMBYTES)  /* 25 bytes = 200 bits */
#define PAYLOAD_CHARS 40U                                              /* 5 bits each */
#define GROUP_CHARS 5U
#define TEXT_LEN (PREFIX_LEN + PAYLOAD_CHARS + PAYLOAD_CHARS / GROUP_CHARS - 1U)

static const char alphabet[32] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void cloak_account_secret_key_generate(uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES])
{
    randombytes_buf(secret_key, CLOAK_ACCOUNT_SECRET_KEYBYTES);
}

static int account_id_ok(const uint8_t *account_id, size_t account_id_len)
{
    return account_id != NULL && account_id_len >= 1 && account_id_len <= CLOAK_ACCOUNT_IDBYTES_MAX;
}

static void checksum(uint8_t out[CHECKSUMBYTES], const uint8_t key[CLOAK_ACCOUNT_SECRET_KEYBYTES],
                     const uint8_t *account_id, size_t account_id_len)
{
    crypto_hash_sha256_state st;
    uint8_t id_len = (uint8_t)account_id_len;
    uint8_t digest[crypto_hash_sha256_BYTES];

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)CLOAK_LABEL_ACCOUNT_SECRET_KEY_TEXT,
                              CLOAK_LABEL_LEN(CLOAK_LABEL_ACCOUNT_SECRET_KEY_TEXT));
    crypto_hash_sha256_update(&st, &id_len, 1);
    crypto_hash_sha256_update(&st, account_id, account_id_len);
    crypto_hash_sha256_update(&st, key, CLOAK_ACCOUNT_SECRET_KEYBYTES);
    crypto_hash_sha256_final(&st, digest);
    memcpy(out, digest, CHECKSUMBYTES);
    cloak__wipe(digest, sizeof digest);
    cloak__wipe(&st, sizeof st);
}

/* 0xFF when a == b, else 0, without a branch (a and b are below 256). */
static uint8_t eq_mask(uint32_t a, uint32_t b)
{
    uint32_t x = a ^ b;
    return (uint8_t)(0U - ((x - 1U) >> 31));
}

static char symbol_of(uint32_t value)
{
    uint8_t c = 0;
    uint32_t i;

    for (i = 0; i < 32U; i++) {
        c |= (uint8_t)alphabet[i] & eq_mask(i, value);
    }
    return (char)c;
}

/* The value of a typed character, or -1. Letters in either case; I and L read as 1, O as 0. */
static int value_of(uint8_t ch)
{
    uint32_t lower = ((uint32_t)ch - (uint32_t)'a') < 26U;
    uint32_t up = (uint32_t)ch - (lower << 5);   /* a-z to A-Z */
    uint32_t v = 0;
    uint8_t found = 0;
    uint32_t i;

    for (i = 0; i < 32U; i++) {
        uint8_t m = eq_mask(up, (uint8_t)alphabet[i]);
        v |= i & m;
        found |= m;
    }
    v |= 1U & (eq_mask(up, 'I') | eq_mask(up, 'L'));
    found |= eq_mask(up, 'I') | eq_mask(up, 'L') | eq_mask(up, 'O');
    /* The verdict (a character outside the alphabet) is about the layout, not the key: public. */
    cloak__declassify(&found, sizeof found);
    return found ? (int)v : -1;
}

int cloak_account_secret_key_encode(char text[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES],
                                    const uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES],
                                    const uint8_t *account_id, size_t account_id_len)
{
    uint8_t payload[PAYLOADBYTES];
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t in = 0;
    size_t out = PREFIX_LEN;
    size_t chars = 0;

    if (text == NULL || secret_key == NULL || !account_id_ok(account_id, account_id_len) ||
        cloak__overlaps(text, CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES, secret_key, CLOAK_ACCOUNT_SECRET_KEYBYTES)) {
        cloak__wipe(text, CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    memcpy(payload, secret_key, CLOAK_ACCOUNT_SECRET_KEYBYTES);
    checksum(payload + CLOAK_ACCOUNT_SECRET_KEYBYTES, secret_key, account_id, account_id_len);
    memcpy(text, PREFIX, PREFIX_LEN);
    while (chars < PAYLOAD_CHARS) {
        if (bits < 5U) {
            acc = (acc << 8) | payload[in++];
            bits += 8U;
        }
        bits -= 5U;
        if (chars > 0 && chars % GROUP_CHARS == 0) {
            text[out++] = '-';
        }
        text[out++] = symbol_of((acc >> bits) & 31U);
        chars++;
    }
    text[out] = '\0';
    cloak__wipe(payload, sizeof payload);
    cloak__wipe(&acc, sizeof acc);
    return CLOAK_OK;
}

/* Whether a character is whitespace to trim. A typed character may be the key's, so the test is
 * made without a branch; its verdict is layout (where the key's characters start and end), public. */
static int is_space(char c)
{
    uint8_t ch = (uint8_t)c;
    uint8_t m = eq_mask(ch, ' ') | eq_mask(ch, '\t') | eq_mask(ch, '\n') | eq_mask(ch, '\r');
    int space = m & 1;

    cloak__declassify(&space, sizeof space);
    return space;
}

/* The 40 payload characters' values, in order, from the text after "CK1": groups of five, each
 * group after the first preceded by one '-' or by nothing, the same choice throughout. */
static int read_payload(uint8_t payload[PAYLOADBYTES], const char *p, size_t n)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t out = 0;
    size_t chars = 0;
    size_t i = 0;
    int dashed = (n == PAYLOAD_CHARS + PAYLOAD_CHARS / GROUP_CHARS - 1U);
    int rc = CLOAK_OK;

    if (!dashed && n != PAYLOAD_CHARS) {
        return CLOAK_E_MALFORMED;
    }
    while (chars < PAYLOAD_CHARS) {
        int v;
        if (dashed && chars > 0 && chars % GROUP_CHARS == 0) {
            int dash = p[i++] == '-';
            cloak__declassify(&dash, sizeof dash);   /* layout, not key */
            if (!dash) {
                rc = CLOAK_E_MALFORMED;
                break;
            }
        }
        v = value_of((uint8_t)p[i++]);
        if (v < 0) {
            rc = CLOAK_E_MALFORMED;
            break;
        }
        acc = (acc << 5) | (uint32_t)v;
        bits += 5U;
        chars++;
        if (bits >= 8U) {
            bits -= 8U;
            payload[out++] = (uint8_t)(acc >> bits);
        }
    }
    cloak__wipe(&acc, sizeof acc);
    return rc;
}

int cloak_account_secret_key_decode(uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES], const char *text,
                                    size_t text_len, const uint8_t *account_id, size_t account_id_len)
{
    uint8_t payload[PAYLOADBYTES];
    uint8_t expected[CHECKSUMBYTES];
    size_t start = 0;
    size_t end = text_len;
    int mismatch;
    int rc;

    if (secret_key == NULL || text == NULL || !account_id_ok(account_id, account_id_len) ||
        cloak__overlaps(secret_key, CLOAK_ACCOUNT_SECRET_KEYBYTES, text, text_len)) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    while (start < end && is_space(text[start])) {
        start++;
    }
    while (end > start && is_space(text[end - 1])) {
        end--;
    }
    /* "CK", a version digit, then an optional '-'. cppcheck 2.10 takes the trimming loops for
     * ones that always consume the whole text and calls the length test always true; it is not. */
    /* cppcheck-suppress knownConditionTrueFalse */
    if (end - start < 3U || (text[start] != 'C' && text[start] != 'c') ||
        (text[start + 1] != 'K' && text[start + 1] != 'k')) {
        rc = CLOAK_E_MALFORMED;
        goto done;
    }
    if (text[start + 2] != '1') {
        rc = (text[start + 2] >= '0' && text[start + 2] <= '9') ? CLOAK_E_UNSUPPORTED_VERSION : CLOAK_E_MALFORMED;
        goto done;
    }
    start += 3U;
    if (start < end && text[start] == '-') {
        start++;
    }
    rc = read_payload(payload, text + start, end - start);
    if (rc != CLOAK_OK) {
        goto done;
    }
    checksum(expected, payload, account_id, account_id_len);
    mismatch = sodium_memcmp(expected, payload + CLOAK_ACCOUNT_SECRET_KEYBYTES, CHECKSUMBYTES) != 0;
    cloak__declassify(&mismatch, sizeof mismatch);   /* the verdict is public, like a tag's */
    if (mismatch) {
        rc = CLOAK_E_CHECKSUM;
        goto done;
    }
    memcpy(secret_key, payload, CLOAK_ACCOUNT_SECRET_KEYBYTES);

done:
    cloak__wipe(payload, sizeof payload);
    cloak__wipe(expected, sizeof expected);
    if (rc != CLOAK_OK) {
        cloak__wipe(secret_key, CLOAK_ACCOUNT_SECRET_KEYBYTES);
    }
    return rc;
}
