/*
 * The account secret key (src/account_key.c, docs/protocol.md section 4.5) and what it protects.
 *
 * - generation: 20 fresh bytes each time;
 * - the text form against a reference encoder written here from section 4.5 (Crockford base32,
 *   most significant bit first, over key || SHA-256(label || u8(len) || account id || key)[0..5]),
 *   and a checked-in text computed separately (Python);
 * - decoding as a person types: round trips, lower case, I and L for 1, O for 0, no dashes, the
 *   prefix's dash left out, surrounding whitespace; every single-character substitution in the
 *   payload refused (checksum, or malformed outside the alphabet), another account id refused
 *   (checksum), another version (unsupported), every other layout (malformed); outputs zeroed on
 *   every failure; argument checks (account id 1 to 255 bytes, NULLs, overlap);
 * - the key in the derivation: with the server's whole store (record, wrapped keys, the login key
 *   it verifies) and the right password, a client without the key, or with another key, opens
 *   nothing and cannot log in; the key and a wrong password open nothing either; two accounts with
 *   the same server salt and password get unrelated keys (other account ids, or one account id and
 *   other secret keys).
 *
 * Argon2id runs at 16 MiB, one pass, one lane, under an explicit low policy: the default policy
 * refuses such records (test_password_policy.c), and these tests are about the keys, not the cost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "cloak.h"
#include "support/bytes.h"

#define KEYBYTES CLOAK_ACCOUNT_SECRET_KEYBYTES
#define TEXTBYTES CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES
#define TEXT_LEN (TEXTBYTES - 1U) /* 51 */
#define PAYLOAD_CHARS 40U
#define ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

static const uint8_t account_a[] = "alice@example.com";
#define ACCOUNT_A_LEN (sizeof account_a - 1U)
static const uint8_t account_b[] = "bob@example.com";
#define ACCOUNT_B_LEN (sizeof account_b - 1U)

/* ----------------------------------------------------------------------------------------------
 * Reference encoder, from section 4.5 alone
 * -------------------------------------------------------------------------------------------- */
static void reference_encode(char text[TEXTBYTES], const uint8_t key[KEYBYTES], const uint8_t *id, size_t id_len)
{
    static const char label[] = "libcloak v2 account secret key text";
    crypto_hash_sha256_state st;
    uint8_t digest[32], payload[25], id_len8 = (uint8_t)id_len;
    size_t pos = 0;

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)label, strlen(label));
    crypto_hash_sha256_update(&st, &id_len8, 1);
    crypto_hash_sha256_update(&st, id, id_len);
    crypto_hash_sha256_update(&st, key, KEYBYTES);
    crypto_hash_sha256_final(&st, digest);
    memcpy(payload, key, KEYBYTES);
    memcpy(payload + KEYBYTES, digest, 5);

    memcpy(text, "CK1-", 4);
    pos = 4;
    for (size_t c = 0; c < PAYLOAD_CHARS; c++) {
        unsigned v = 0;
        for (size_t b = 0; b < 5; b++) {
            size_t bit = 5 * c + b; /* bit 0 is the most significant bit of payload[0] */
            v = (v << 1) | ((unsigned)(payload[bit / 8] >> (7 - bit % 8)) & 1U);
        }
        if (c > 0 && c % 5 == 0) {
            text[pos++] = '-';
        }
        text[pos++] = ALPHABET[v];
    }
    text[pos] = '\0';
}

/* Offset in the text of payload character c (0..39). */
static size_t char_offset(size_t c)
{
    return 4U + c + c / 5U;
}

static int alphabet_value(char ch)
{
    const char *p = strchr(ALPHABET, ch);
    return (ch != '\0' && p != NULL) ? (int)(p - ALPHABET) : -1;
}

/* decode() on a pre-filled output: on failure it must be all zero, on success the key. */
static int decode(uint8_t key[KEYBYTES], const char *text, size_t len, const uint8_t *id, size_t id_len)
{
    int rc;

    memset(key, 0xAA, KEYBYTES);
    rc = cloak_account_secret_key_decode(key, text, len, id, id_len);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(key, KEYBYTES));
    }
    return rc;
}

static void expect_decodes(const char *text, size_t len, const uint8_t key[KEYBYTES])
{
    uint8_t out[KEYBYTES];

    assert_int_equal(decode(out, text, len, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_memory_equal(out, key, KEYBYTES);
}

static void expect_refused(int expected, const char *text, size_t len)
{
    uint8_t out[KEYBYTES];

    assert_int_equal(decode(out, text, len, account_a, ACCOUNT_A_LEN), expected);
}

/* A fresh key and its text for account_a. */
static void fresh(uint8_t key[KEYBYTES], char text[TEXTBYTES])
{
    cloak_account_secret_key_generate(key);
    assert_int_equal(cloak_account_secret_key_encode(text, key, account_a, ACCOUNT_A_LEN), CLOAK_OK);
}

static int setup(void **state)
{
    (void)state;
    return cloak_init() == CLOAK_OK ? 0 : -1;
}

/* ----------------------------------------------------------------------------------------------
 * Generation and the text form
 * -------------------------------------------------------------------------------------------- */
static void test_generate(void **state)
{
    uint8_t a[KEYBYTES + 2], b[KEYBYTES];
    (void)state;

    /* Exactly 20 bytes written. */
    memset(a, 0xEE, sizeof a);
    cloak_account_secret_key_generate(a + 1);
    assert_int_equal(a[0], 0xEE);
    assert_int_equal(a[KEYBYTES + 1], 0xEE);
    cloak_account_secret_key_generate(b);
    /* Equal only with probability 2^-160. */
    assert_memory_not_equal(a + 1, b, KEYBYTES);
    assert_false(all_zero(b, KEYBYTES));
}

/* key 00 01 .. 13, account id "alice@example.com": computed with Python's hashlib and base32 from
 * section 4.5 (not with this file's reference encoder). */
static const char kat_text[] = "CK1-000G4-0R40M-30E20-9185G-R38E1-W8124-GKJSN-GZ07S";

static void test_encode_against_reference(void **state)
{
    uint8_t key[KEYBYTES], id[CLOAK_ACCOUNT_IDBYTES_MAX];
    char text[TEXTBYTES + 1], ref[TEXTBYTES];
    (void)state;

    for (size_t i = 0; i < KEYBYTES; i++) {
        key[i] = (uint8_t)i;
    }
    memset(text, 0x55, sizeof text);
    assert_int_equal(cloak_account_secret_key_encode(text, key, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_int_equal(strlen(text), TEXT_LEN);
    assert_int_equal(text[TEXTBYTES], 0x55); /* nothing written past the 52 bytes */
    assert_string_equal(text, kat_text);
    reference_encode(ref, key, account_a, ACCOUNT_A_LEN);
    assert_string_equal(text, ref);

    /* Random keys and ids of every length: the reference, and the layout. */
    for (size_t n = 1; n <= CLOAK_ACCOUNT_IDBYTES_MAX; n++) {
        randombytes_buf(key, sizeof key);
        randombytes_buf(id, n);
        assert_int_equal(cloak_account_secret_key_encode(text, key, id, n), CLOAK_OK);
        reference_encode(ref, key, id, n);
        assert_string_equal(text, ref);
        assert_memory_equal(text, "CK1-", 4);
        for (size_t c = 0; c < PAYLOAD_CHARS; c++) {
            assert_true(alphabet_value(text[char_offset(c)]) >= 0);
        }
        for (size_t g = 1; g < 8; g++) {
            assert_int_equal(text[char_offset(5 * g) - 1U], '-');
        }
    }
}

/* The checksum covers the account id: one key, two accounts, two texts. */
static void test_encode_binds_account(void **state)
{
    uint8_t key[KEYBYTES], other[KEYBYTES];
    char a[TEXTBYTES], b[TEXTBYTES], c[TEXTBYTES];
    (void)state;

    cloak_account_secret_key_generate(key);
    assert_int_equal(cloak_account_secret_key_encode(a, key, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_int_equal(cloak_account_secret_key_encode(b, key, account_b, ACCOUNT_B_LEN), CLOAK_OK);
    /* The key's 32 characters are the same, the checksum's 8 differ (equal with probability 2^-40). */
    assert_memory_equal(a, b, char_offset(32));
    assert_memory_not_equal(a + char_offset(32), b + char_offset(32), TEXT_LEN - char_offset(32));
    assert_int_equal(decode(other, b, TEXT_LEN, account_a, ACCOUNT_A_LEN), CLOAK_E_CHECKSUM);
    assert_int_equal(decode(other, a, TEXT_LEN, account_b, ACCOUNT_B_LEN), CLOAK_E_CHECKSUM);
    /* A prefix of the id, and the id with one more byte. */
    assert_int_equal(decode(other, a, TEXT_LEN, account_a, ACCOUNT_A_LEN - 1U), CLOAK_E_CHECKSUM);
    assert_int_equal(decode(other, a, TEXT_LEN, (const uint8_t *)"alice@example.com.", ACCOUNT_A_LEN + 1U),
                     CLOAK_E_CHECKSUM);
    /* One byte of the id. */
    assert_int_equal(decode(other, a, TEXT_LEN, (const uint8_t *)"alice@example.con", ACCOUNT_A_LEN),
                     CLOAK_E_CHECKSUM);
    assert_int_equal(decode(other, a, TEXT_LEN, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_memory_equal(other, key, KEYBYTES);
    /* Another key under the same account: another text. */
    other[0] ^= 0x01;
    assert_int_equal(cloak_account_secret_key_encode(c, other, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_string_not_equal(a, c);
}

/* ----------------------------------------------------------------------------------------------
 * Decoding what a person types
 * -------------------------------------------------------------------------------------------- */
static void test_decode_round_trip(void **state)
{
    uint8_t key[KEYBYTES], out[KEYBYTES], id[CLOAK_ACCOUNT_IDBYTES_MAX];
    char text[TEXTBYTES];
    (void)state;

    for (size_t n = 1; n <= CLOAK_ACCOUNT_IDBYTES_MAX; n++) {
        cloak_account_secret_key_generate(key);
        randombytes_buf(id, n);
        assert_int_equal(cloak_account_secret_key_encode(text, key, id, n), CLOAK_OK);
        assert_int_equal(decode(out, text, TEXT_LEN, id, n), CLOAK_OK);
        assert_memory_equal(out, key, KEYBYTES);
        /* The terminating NUL is not part of the text. */
        assert_int_equal(decode(out, text, TEXT_LEN + 1U, id, n), CLOAK_E_MALFORMED);
    }
    /* All-zero and all-one keys (every character '0', every character 'Z' in the key's part). */
    memset(key, 0x00, sizeof key);
    assert_int_equal(cloak_account_secret_key_encode(text, key, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_memory_equal(text, "CK1-00000-00000-00000-00000-00000-00000-", 40);
    expect_decodes(text, TEXT_LEN, key);
    memset(key, 0xFF, sizeof key);
    assert_int_equal(cloak_account_secret_key_encode(text, key, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_memory_equal(text, "CK1-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-", 40);
    expect_decodes(text, TEXT_LEN, key);
}

static void test_decode_lower_case_and_look_alikes(void **state)
{
    uint8_t key[KEYBYTES];
    char text[TEXTBYTES], typed[TEXTBYTES];
    size_t seen_one = 0, seen_zero = 0;
    (void)state;

    for (int round = 0; round < 64; round++) {
        fresh(key, text);
        /* All lower case, prefix included. */
        for (size_t i = 0; i < TEXT_LEN; i++) {
            typed[i] = (text[i] >= 'A' && text[i] <= 'Z') ? (char)(text[i] - 'A' + 'a') : text[i];
        }
        expect_decodes(typed, TEXT_LEN, key);
        /* Each '1' typed as I, i, L, l and each '0' as O, o. */
        for (size_t c = 0; c < PAYLOAD_CHARS; c++) {
            size_t at = char_offset(c);
            const char *subs = text[at] == '1' ? "IiLl" : text[at] == '0' ? "Oo" : "";
            seen_one += text[at] == '1';
            seen_zero += text[at] == '0';
            for (const char *s = subs; *s != '\0'; s++) {
                memcpy(typed, text, TEXTBYTES);
                typed[at] = *s;
                expect_decodes(typed, TEXT_LEN, key);
            }
        }
    }
    /* The loop above must have exercised both substitutions (each is missing from one text with
     * probability (31/32)^40, from all 64 with a probability below 10^-35). */
    assert_true(seen_one > 0);
    assert_true(seen_zero > 0);
    /* U is not in the alphabet and is not read as anything (Crockford keeps it out for the
     * reader's sake): refused wherever it is typed. */
    fresh(key, text);
    memcpy(typed, text, TEXTBYTES);
    typed[char_offset(7)] = 'U';
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
    typed[char_offset(7)] = 'u';
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
}

/* "CK1", an optional '-', then the 40 characters in dashed groups or undashed; whitespace around. */
static void test_decode_layouts_accepted(void **state)
{
    static const char *const spaces[] = {" ", "\t", "\r", "\n", "\r\n", " \t \r\n  "};
    uint8_t key[KEYBYTES];
    char text[TEXTBYTES], typed[128];
    size_t n;
    (void)state;

    fresh(key, text);
    expect_decodes(text, TEXT_LEN, key);
    /* Undashed, with and without the prefix's dash. */
    memcpy(typed, "CK1-", 4);
    n = 4;
    for (size_t c = 0; c < PAYLOAD_CHARS; c++) {
        typed[n++] = text[char_offset(c)];
    }
    assert_int_equal(n, 44);
    expect_decodes(typed, n, key);
    memmove(typed + 3, typed + 4, 40);
    expect_decodes(typed, 43, key);
    /* Dashed groups without the prefix's dash. */
    memcpy(typed, "CK1", 3);
    memcpy(typed + 3, text + 4, TEXT_LEN - 4U);
    expect_decodes(typed, TEXT_LEN - 1U, key);
    /* Whitespace before, after, and on both sides. */
    for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
        size_t s = strlen(spaces[i]);
        memcpy(typed, spaces[i], s);
        memcpy(typed + s, text, TEXT_LEN);
        expect_decodes(typed, s + TEXT_LEN, key);
        memcpy(typed + s + TEXT_LEN, spaces[i], s);
        expect_decodes(typed, 2 * s + TEXT_LEN, key);
        expect_decodes(typed + s, s + TEXT_LEN, key);
    }
}

static void test_decode_layouts_refused(void **state)
{
    static const char other_space[] = {'\v', '\f', '\0', (char)0xA0};
    uint8_t key[KEYBYTES];
    char text[TEXTBYTES], typed[128];
    (void)state;

    fresh(key, text);
    /* Every truncation, and one character more (an alphabet character, a dash). */
    for (size_t len = 0; len < TEXT_LEN; len++) {
        expect_refused(CLOAK_E_MALFORMED, text, len);
    }
    memcpy(typed, text, TEXT_LEN);
    typed[TEXT_LEN] = '7';
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN + 1U);
    typed[TEXT_LEN] = '-';
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN + 1U);
    /* The first character dropped and one added at the end: 51 characters, wrong layout. */
    memcpy(typed, text + 1, TEXT_LEN - 1U);
    typed[TEXT_LEN - 1U] = '7';
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
    /* Each group dash swapped with the character after it, or with the one before it. */
    for (size_t g = 1; g < 8; g++) {
        size_t at = char_offset(5 * g) - 1U;
        memcpy(typed, text, TEXT_LEN);
        typed[at] = typed[at + 1];
        typed[at + 1] = '-';
        expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
        memcpy(typed, text, TEXT_LEN);
        typed[at] = typed[at - 1];
        typed[at - 1] = '-';
        expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
        /* Separators other than '-'. */
        memcpy(typed, text, TEXT_LEN);
        typed[at] = ' ';
        expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
        typed[at] = '_';
        expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
    }
    /* A doubled prefix dash; a trailing dash. */
    memcpy(typed, "CK1-", 4);
    memcpy(typed + 4, text + 3, TEXT_LEN - 3U);
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN + 1U);
    memcpy(typed, text, TEXT_LEN);
    typed[TEXT_LEN] = '-';
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN + 1U);
    /* Dashes for the first groups only (the same choice throughout, or none). */
    {
        size_t n = 0;
        memcpy(typed, "CK1-", 4);
        n = 4;
        for (size_t c = 0; c < PAYLOAD_CHARS; c++) {
            if (c == 5 || c == 10) {
                typed[n++] = '-';
            }
            typed[n++] = text[char_offset(c)];
        }
        expect_refused(CLOAK_E_MALFORMED, typed, n);
    }
    /* Whitespace inside, and characters that are not the whitespace allowed around. */
    memcpy(typed, text, 20);
    typed[20] = ' ';
    memcpy(typed + 21, text + 20, TEXT_LEN - 20U);
    expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN + 1U);
    for (size_t i = 0; i < sizeof other_space; i++) {
        typed[0] = other_space[i];
        memcpy(typed + 1, text, TEXT_LEN);
        expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN + 1U);
        memcpy(typed, text, TEXT_LEN);
        typed[TEXT_LEN] = other_space[i];
        expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN + 1U);
    }
    /* Only whitespace, only the prefix. */
    expect_refused(CLOAK_E_MALFORMED, " \t\r\n", 4);
    expect_refused(CLOAK_E_MALFORMED, "CK1", 3);
    expect_refused(CLOAK_E_MALFORMED, "CK1-", 4);
    expect_refused(CLOAK_E_MALFORMED, "CK", 2);
}

/* The prefix's three characters: C and K in either case; the version digit 1, another digit is
 * another version, anything else is not a key. */
static void test_decode_prefix_and_version(void **state)
{
    uint8_t key[KEYBYTES];
    char text[TEXTBYTES], typed[TEXTBYTES];
    (void)state;

    fresh(key, text);
    for (size_t i = 0; i < 3; i++) {
        for (unsigned v = 0; v < 256; v++) {
            int expected;
            memcpy(typed, text, TEXTBYTES);
            typed[i] = (char)v;
            if ((char)v == text[i] || (i < 2 && (char)v == (char)(text[i] - 'A' + 'a'))) {
                expected = CLOAK_OK;
            } else if (i == 2 && v >= '0' && v <= '9') {
                expected = CLOAK_E_UNSUPPORTED_VERSION;
            } else {
                expected = CLOAK_E_MALFORMED;
            }
            if (expected == CLOAK_OK) {
                expect_decodes(typed, TEXT_LEN, key);
            } else {
                expect_refused(expected, typed, TEXT_LEN);
            }
        }
    }
    /* A later version is refused as such, whatever follows. */
    expect_refused(CLOAK_E_UNSUPPORTED_VERSION, "CK2", 3);
    expect_refused(CLOAK_E_UNSUPPORTED_VERSION, "  ck2-00000  ", 13);
}

/* What a character typed for another decodes to: its value, or -1 outside the alphabet. */
static int typed_value(unsigned ch)
{
    if (ch >= 'a' && ch <= 'z') {
        ch = ch - 'a' + 'A';
    }
    if (ch == 'I' || ch == 'L') {
        return 1;
    }
    if (ch == 'O') {
        return 0;
    }
    return ch < 128 ? alphabet_value((char)ch) : -1;
}

/* Every byte at every payload position: another value is a typing error the checksum catches; a
 * byte outside the alphabet is malformed; a look-alike or the other case of the same value reads
 * the same key. */
static void test_decode_every_substitution(void **state)
{
    uint8_t key[KEYBYTES];
    char text[TEXTBYTES], typed[TEXTBYTES];
    size_t caught = 0, malformed = 0, same = 0;
    (void)state;

    fresh(key, text);
    for (size_t c = 0; c < PAYLOAD_CHARS; c++) {
        size_t at = char_offset(c);
        int original = alphabet_value(text[at]);
        uint32_t values_caught = 0;
        assert_true(original >= 0);
        for (unsigned v = 0; v < 256; v++) {
            int tv = typed_value(v);
            if ((char)v == text[at]) {
                continue;
            }
            memcpy(typed, text, TEXTBYTES);
            typed[at] = (char)v;
            if (tv < 0) {
                expect_refused(CLOAK_E_MALFORMED, typed, TEXT_LEN);
                malformed++;
            } else if (tv == original) {
                expect_decodes(typed, TEXT_LEN, key);
                same++;
            } else {
                expect_refused(CLOAK_E_CHECKSUM, typed, TEXT_LEN);
                values_caught |= UINT32_C(1) << tv;
                caught++;
            }
        }
        /* Every one of the 31 other values was typed here. */
        assert_int_equal(values_caught, ~(UINT32_C(1) << original));
    }
    print_message("# %zu substitutions caught by the checksum, %zu malformed, %zu read the same\n", caught, malformed,
                  same);
    /* Two characters swapped (the commonest transcription error after one wrong character). */
    for (size_t c = 0; c + 1 < PAYLOAD_CHARS; c++) {
        size_t a = char_offset(c), b = char_offset(c + 1);
        if (c % 5 == 4 || text[a] == text[b]) {
            continue;
        }
        memcpy(typed, text, TEXTBYTES);
        typed[a] = text[b];
        typed[b] = text[a];
        expect_refused(CLOAK_E_CHECKSUM, typed, TEXT_LEN);
    }
}

static void test_arguments(void **state)
{
    uint8_t key[KEYBYTES], out[KEYBYTES], id[CLOAK_ACCOUNT_IDBYTES_MAX + 1];
    char text[TEXTBYTES], buf[128];
    (void)state;

    memset(id, 'x', sizeof id);
    fresh(key, text);
    /* encode: NULL text, NULL key; account id NULL, empty, 256 bytes and more: the text zeroed. */
    assert_int_equal(cloak_account_secret_key_encode(NULL, key, account_a, ACCOUNT_A_LEN), CLOAK_E_BAD_PARAMS);
    memset(buf, 0x55, sizeof buf);
    assert_int_equal(cloak_account_secret_key_encode(buf, NULL, account_a, ACCOUNT_A_LEN), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, TEXTBYTES));
    assert_int_equal((unsigned char)buf[TEXTBYTES], 0x55);
    memset(buf, 0x55, sizeof buf);
    assert_int_equal(cloak_account_secret_key_encode(buf, key, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, TEXTBYTES));
    memset(buf, 0x55, sizeof buf);
    assert_int_equal(cloak_account_secret_key_encode(buf, key, NULL, 5), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, TEXTBYTES));
    memset(buf, 0x55, sizeof buf);
    assert_int_equal(cloak_account_secret_key_encode(buf, key, id, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, TEXTBYTES));
    memset(buf, 0x55, sizeof buf);
    assert_int_equal(cloak_account_secret_key_encode(buf, key, id, CLOAK_ACCOUNT_IDBYTES_MAX + 1), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, TEXTBYTES));
    assert_int_equal(cloak_account_secret_key_encode(buf, key, id, SIZE_MAX), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_account_secret_key_encode(buf, key, id, CLOAK_ACCOUNT_IDBYTES_MAX), CLOAK_OK);
    assert_int_equal(cloak_account_secret_key_encode(buf, key, id, 1), CLOAK_OK);
    /* The key inside the text buffer. */
    memcpy(buf + 10, key, KEYBYTES);
    assert_int_equal(cloak_account_secret_key_encode(buf, (const uint8_t *)buf + 10, account_a, ACCOUNT_A_LEN),
                     CLOAK_E_BAD_PARAMS);

    /* decode: the same account id rules, NULLs; the output zeroed. */
    assert_int_equal(decode(out, text, TEXT_LEN, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_int_equal(decode(out, text, TEXT_LEN, NULL, ACCOUNT_A_LEN), CLOAK_E_BAD_PARAMS);
    assert_int_equal(decode(out, text, TEXT_LEN, account_a, 0), CLOAK_E_BAD_PARAMS);
    assert_int_equal(decode(out, text, TEXT_LEN, id, CLOAK_ACCOUNT_IDBYTES_MAX + 1), CLOAK_E_BAD_PARAMS);
    assert_int_equal(decode(out, text, TEXT_LEN, id, SIZE_MAX), CLOAK_E_BAD_PARAMS);
    assert_int_equal(decode(out, NULL, 0, account_a, ACCOUNT_A_LEN), CLOAK_E_BAD_PARAMS);
    assert_int_equal(decode(out, NULL, TEXT_LEN, account_a, ACCOUNT_A_LEN), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_account_secret_key_decode(NULL, text, TEXT_LEN, account_a, ACCOUNT_A_LEN),
                     CLOAK_E_BAD_PARAMS);
    /* The output inside the text. */
    memcpy(buf, text, TEXT_LEN);
    assert_int_equal(cloak_account_secret_key_decode((uint8_t *)buf + 40, buf, TEXT_LEN, account_a, ACCOUNT_A_LEN),
                     CLOAK_E_BAD_PARAMS);
    /* Right after it is fine. */
    memcpy(buf, text, TEXT_LEN);
    assert_int_equal(cloak_account_secret_key_decode((uint8_t *)buf + TEXT_LEN, buf, TEXT_LEN, account_a,
                                                     ACCOUNT_A_LEN),
                     CLOAK_OK);
    assert_memory_equal(buf + TEXT_LEN, key, KEYBYTES);
    /* An id of 255 bytes round-trips. */
    assert_int_equal(cloak_account_secret_key_encode(text, key, id, CLOAK_ACCOUNT_IDBYTES_MAX), CLOAK_OK);
    assert_int_equal(decode(out, text, TEXT_LEN, id, CLOAK_ACCOUNT_IDBYTES_MAX), CLOAK_OK);
    assert_memory_equal(out, key, KEYBYTES);
}

/* ----------------------------------------------------------------------------------------------
 * What the key protects
 * -------------------------------------------------------------------------------------------- */
static const uint8_t password[] = "correct horse battery staple";
#define PASSWORD_LEN (sizeof password - 1U)

/* What the server keeps for an account. */
typedef struct server_store {
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t login_key[CLOAK_KEYBYTES]; /* what it verifies a login against */
    uint8_t wrapped[3][CLOAK_WRAPPED_KEYBYTES];
} server_store;

/* The client's private keys, for comparison. */
typedef struct client_keys {
    uint8_t id_pk[32], id_sk[64];
    uint8_t enc_pk[32], enc_sk[32];
    uint8_t sa_pk[32], sa_sk[32];
} client_keys;

static uint8_t low_policy[CLOAK_PASSWORD_POLICYBYTES];

static void derive(uint8_t master[CLOAK_KEYBYTES], uint8_t login[CLOAK_KEYBYTES], const uint8_t *pw, size_t pw_len,
                   const uint8_t *id, size_t id_len, const uint8_t *key, size_t key_len, const uint8_t *record)
{
    assert_int_equal(cloak_password_derive(master, login, pw, pw_len, id, id_len, key, key_len, record,
                                           CLOAK_PASSWORD_RECORDBYTES, low_policy),
                     CLOAK_OK);
    assert_memory_not_equal(master, login, CLOAK_KEYBYTES);
}

/* Makes an account: its keys, wrapped under the master key the password (and key) give. */
static void enroll(server_store *s, client_keys *k, uint8_t master[CLOAK_KEYBYTES], const uint8_t *record,
                   const uint8_t *id, size_t id_len, const uint8_t *key, size_t key_len)
{
    memcpy(s->record, record, CLOAK_PASSWORD_RECORDBYTES);
    derive(master, s->login_key, password, PASSWORD_LEN, id, id_len, key, key_len, s->record);
    cloak_identity_keypair(k->id_pk, k->id_sk);
    cloak_encryption_keypair(k->enc_pk, k->enc_sk);
    cloak_encryption_keypair(k->sa_pk, k->sa_sk);
    assert_int_equal(cloak_identity_wrap(s->wrapped[0], master, k->id_sk), CLOAK_OK);
    assert_int_equal(cloak_encryption_wrap(s->wrapped[1], master, k->enc_sk), CLOAK_OK);
    assert_int_equal(cloak_service_account_wrap(s->wrapped[2], master, k->sa_sk), CLOAK_OK);
}

/* Unwraps all three of the store's keys under `master`: CLOAK_OK for all (and they are the
 * client's keys), or the common failure, with every output zeroed. */
static int open_store(const server_store *s, const client_keys *k, const uint8_t master[CLOAK_KEYBYTES])
{
    uint8_t pk[32], sk[64];
    int rc[3];

    memset(sk, 0xAA, sizeof sk);
    rc[0] = cloak_identity_unwrap(pk, sk, master, s->wrapped[0], CLOAK_WRAPPED_KEYBYTES);
    if (rc[0] == CLOAK_OK) {
        assert_memory_equal(pk, k->id_pk, 32);
        assert_memory_equal(sk, k->id_sk, 64);
    } else {
        assert_true(all_zero(sk, 64));
    }
    memset(sk, 0xAA, sizeof sk);
    rc[1] = cloak_encryption_unwrap(pk, sk, master, s->wrapped[1], CLOAK_WRAPPED_KEYBYTES);
    if (rc[1] == CLOAK_OK) {
        assert_memory_equal(pk, k->enc_pk, 32);
        assert_memory_equal(sk, k->enc_sk, 32);
    } else {
        assert_true(all_zero(sk, 32));
    }
    memset(sk, 0xAA, sizeof sk);
    rc[2] = cloak_service_account_unwrap(pk, sk, master, s->wrapped[2], CLOAK_WRAPPED_KEYBYTES);
    if (rc[2] == CLOAK_OK) {
        assert_memory_equal(pk, k->sa_pk, 32);
        assert_memory_equal(sk, k->sa_sk, 32);
    } else {
        assert_true(all_zero(sk, 32));
    }
    assert_int_equal(rc[0], rc[1]);
    assert_int_equal(rc[1], rc[2]);
    return rc[0];
}

/* The least the record's hard bounds allow: 16 MiB, one pass, one lane. */
static int low_policy_setup(void **state)
{
    (void)state;
    return cloak_password_policy_init(low_policy, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN,
                                      CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1) == CLOAK_OK
               ? 0
               : -1;
}

static void test_store_without_the_key_opens_nothing(void **state)
{
    server_store store;
    client_keys keys;
    uint8_t secret_key[KEYBYTES], other_key[KEYBYTES], typed_back[KEYBYTES];
    uint8_t master[CLOAK_KEYBYTES], login[CLOAK_KEYBYTES], m[CLOAK_KEYBYTES], l[CLOAK_KEYBYTES];
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    char kit[TEXTBYTES];
    (void)state;

    assert_int_equal(cloak_password_record_new(record, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1), CLOAK_OK);
    cloak_account_secret_key_generate(secret_key);
    enroll(&store, &keys, master, record, account_a, ACCOUNT_A_LEN, secret_key, KEYBYTES);
    memcpy(login, store.login_key, sizeof login);

    /* The right password, the whole store, no key: another login key, and every unwrap refused. */
    derive(m, l, password, PASSWORD_LEN, account_a, ACCOUNT_A_LEN, NULL, 0, store.record);
    assert_memory_not_equal(l, store.login_key, CLOAK_KEYBYTES);
    assert_memory_not_equal(m, master, CLOAK_KEYBYTES);
    assert_int_equal(open_store(&store, &keys, m), CLOAK_E_WRONG_KEY);
    /* Another account's key (a guess, or a leaked kit of someone else). */
    cloak_account_secret_key_generate(other_key);
    derive(m, l, password, PASSWORD_LEN, account_a, ACCOUNT_A_LEN, other_key, KEYBYTES, store.record);
    assert_memory_not_equal(l, store.login_key, CLOAK_KEYBYTES);
    assert_int_equal(open_store(&store, &keys, m), CLOAK_E_WRONG_KEY);
    /* The key with one bit changed. */
    memcpy(other_key, secret_key, KEYBYTES);
    other_key[KEYBYTES - 1] ^= 0x01;
    derive(m, l, password, PASSWORD_LEN, account_a, ACCOUNT_A_LEN, other_key, KEYBYTES, store.record);
    assert_memory_not_equal(l, store.login_key, CLOAK_KEYBYTES);
    assert_int_equal(open_store(&store, &keys, m), CLOAK_E_WRONG_KEY);

    /* The key and a wrong password: nothing either. */
    derive(m, l, (const uint8_t *)"correct horse battery stapler", PASSWORD_LEN + 1U, account_a, ACCOUNT_A_LEN,
           secret_key, KEYBYTES, store.record);
    assert_memory_not_equal(l, store.login_key, CLOAK_KEYBYTES);
    assert_int_equal(open_store(&store, &keys, m), CLOAK_E_WRONG_KEY);

    /* The control: the password and the key typed back from the emergency kit open everything. */
    assert_int_equal(cloak_account_secret_key_encode(kit, secret_key, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    assert_int_equal(decode(typed_back, kit, TEXT_LEN, account_a, ACCOUNT_A_LEN), CLOAK_OK);
    derive(m, l, password, PASSWORD_LEN, account_a, ACCOUNT_A_LEN, typed_back, KEYBYTES, store.record);
    assert_memory_equal(l, login, CLOAK_KEYBYTES);
    assert_memory_equal(m, master, CLOAK_KEYBYTES);
    assert_int_equal(open_store(&store, &keys, m), CLOAK_OK);
}

/* One server salt and one password for two accounts: unrelated keys, whether the accounts differ
 * by their ids or only by their secret keys; neither account's master key opens the other's
 * wrapped keys. */
static void test_same_salt_and_password_unrelated_keys(void **state)
{
    server_store sa, sb, sc, sd;
    client_keys ka, kb, kc, kd;
    uint8_t ma[CLOAK_KEYBYTES], mb[CLOAK_KEYBYTES], mc[CLOAK_KEYBYTES], md[CLOAK_KEYBYTES];
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], k1[KEYBYTES], k2[KEYBYTES];
    (void)state;

    assert_int_equal(cloak_password_record_new(record, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 1), CLOAK_OK);
    /* Other account ids, no secret key. */
    enroll(&sa, &ka, ma, record, account_a, ACCOUNT_A_LEN, NULL, 0);
    enroll(&sb, &kb, mb, record, account_b, ACCOUNT_B_LEN, NULL, 0);
    assert_memory_equal(sa.record, sb.record, CLOAK_PASSWORD_RECORDBYTES);
    assert_memory_not_equal(ma, mb, CLOAK_KEYBYTES);
    assert_memory_not_equal(sa.login_key, sb.login_key, CLOAK_KEYBYTES);
    assert_memory_not_equal(ma, sb.login_key, CLOAK_KEYBYTES);
    assert_int_equal(open_store(&sb, &kb, ma), CLOAK_E_WRONG_KEY);
    assert_int_equal(open_store(&sa, &ka, mb), CLOAK_E_WRONG_KEY);
    assert_int_equal(open_store(&sa, &ka, ma), CLOAK_OK);

    /* One account id, two secret keys. */
    cloak_account_secret_key_generate(k1);
    cloak_account_secret_key_generate(k2);
    enroll(&sc, &kc, mc, record, account_a, ACCOUNT_A_LEN, k1, KEYBYTES);
    enroll(&sd, &kd, md, record, account_a, ACCOUNT_A_LEN, k2, KEYBYTES);
    assert_memory_not_equal(mc, md, CLOAK_KEYBYTES);
    assert_memory_not_equal(sc.login_key, sd.login_key, CLOAK_KEYBYTES);
    /* ... and both unlike the account without a key. */
    assert_memory_not_equal(mc, ma, CLOAK_KEYBYTES);
    assert_memory_not_equal(sc.login_key, sa.login_key, CLOAK_KEYBYTES);
    assert_int_equal(open_store(&sd, &kd, mc), CLOAK_E_WRONG_KEY);
    assert_int_equal(open_store(&sc, &kc, md), CLOAK_E_WRONG_KEY);
    assert_int_equal(open_store(&sc, &kc, ma), CLOAK_E_WRONG_KEY);
    assert_int_equal(open_store(&sd, &kd, md), CLOAK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_encode_against_reference),
        cmocka_unit_test(test_encode_binds_account),
        cmocka_unit_test(test_decode_round_trip),
        cmocka_unit_test(test_decode_lower_case_and_look_alikes),
        cmocka_unit_test(test_decode_layouts_accepted),
        cmocka_unit_test(test_decode_layouts_refused),
        cmocka_unit_test(test_decode_prefix_and_version),
        cmocka_unit_test(test_decode_every_substitution),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test_setup(test_store_without_the_key_opens_nothing, low_policy_setup),
        cmocka_unit_test_setup(test_same_salt_and_password_unrelated_keys, low_policy_setup),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
