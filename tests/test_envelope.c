/* Envelope header (docs/protocol.md section 2) and text form (section 3): the error order of the
 * header checks, every type byte, cloak_blob_inspect, and the text form's round trip, its prefix
 * and its refusal of every damaged or non-canonical text. The text form's exact bytes (checksum,
 * base64) are pinned by tests/vectors/libcloak.json, which test_vectors_libcloak replays. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "support/bytes.h"

#define MAX_BLOB 1200U
#define MAX_TEXT 2000U

static const char *const expected_names[14] = {
    NULL,       "password", "identity", "pubkey", "bundle", "wrappedidentity", "wrappedkey",
    "wrappedaccount", "secret", "share", "batch", "item", "accountkey", "head",
};

/* A blob of the given type and length: a valid header, then arbitrary bytes. */
static void make_blob(uint8_t *blob, size_t len, uint8_t type, uint32_t seed)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    size_t i;
    for (i = 0; i < CLOAK_KEYIDBYTES; i++) {
        key_id[i] = (uint8_t)(seed * 31U + i * 7U + 1U);
    }
    for (i = 0; i < len; i++) {
        blob[i] = (uint8_t)((seed * 131U) ^ (i * 29U) ^ (i >> 3));
    }
    cloak__header_write(blob, type, key_id);
}

static int decode(uint8_t *blob, size_t cap, size_t *blob_len, const char *text, size_t text_len)
{
    int rc;
    memset(blob, 0xAA, cap);
    *blob_len = 12345;
    rc = cloak_text_decode(blob, cap, blob_len, text, text_len);
    if (rc != CLOAK_OK) {
        assert_true(all_zero(blob, cap));
        assert_int_equal(*blob_len, 0);
    }
    return rc;
}

static void test_header_write(void **state)
{
    uint8_t h[CLOAK_HEADERBYTES], id[CLOAK_KEYIDBYTES];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof id; i++) {
        id[i] = (uint8_t)(0xF0U + i);
    }
    cloak__header_write(h, CLOAK_TYPE_SHARE, id);
    assert_int_equal(h[0], 0x02);
    assert_int_equal(h[1], 0x09);
    assert_int_equal(h[2], 0x00);
    assert_int_equal(h[3], 0x01);
    assert_memory_equal(h + 4, id, sizeof id);
}

static void test_header_check_order(void **state)
{
    uint8_t blob[64];
    size_t len;
    unsigned v, s, t;
    (void)state;

    make_blob(blob, sizeof blob, CLOAK_TYPE_BUNDLE, 1);
    assert_int_equal(cloak__header_check(blob, sizeof blob, CLOAK_TYPE_BUNDLE), CLOAK_OK);
    assert_int_equal(cloak__header_check(blob, CLOAK_HEADERBYTES, CLOAK_TYPE_BUNDLE), CLOAK_OK);

    /* 1: too short is malformed, whatever the bytes say. */
    for (len = 0; len < CLOAK_HEADERBYTES; len++) {
        assert_int_equal(cloak__header_check(blob, len, CLOAK_TYPE_BUNDLE), CLOAK_E_MALFORMED);
    }
    blob[0] = 0x02;
    for (len = 0; len < CLOAK_HEADERBYTES; len++) {
        assert_int_equal(cloak__header_check(blob, len, CLOAK_TYPE_BUNDLE), CLOAK_E_MALFORMED);
    }
    assert_int_equal(cloak__header_check(NULL, 0, CLOAK_TYPE_BUNDLE), CLOAK_E_MALFORMED);
    assert_int_equal(cloak__header_check(NULL, 30, CLOAK_TYPE_BUNDLE), CLOAK_E_BAD_PARAMS);

    /* 2: version before suite and type, for every wrong version. */
    for (v = 0; v < 256; v++) {
        make_blob(blob, sizeof blob, CLOAK_TYPE_BUNDLE, 1);
        blob[0] = (uint8_t)v;
        blob[1] = 0xEE;
        blob[2] = 0x77;
        assert_int_equal(cloak__header_check(blob, sizeof blob, CLOAK_TYPE_BUNDLE),
                         v == 2 ? CLOAK_E_UNSUPPORTED_SUITE : CLOAK_E_UNSUPPORTED_VERSION);
    }
    /* 3: suite before type; 5: a suite the type admits, and the one this reader reads (suite 1 for
     * cloak__header_check, either for the _any_suite form). */
    for (s = 0; s < 0x10000U; s += (s < 0x400U ? 1U : 0x101U)) {
        const int known = s == 1 || s == 2;
        make_blob(blob, sizeof blob, CLOAK_TYPE_BUNDLE, 1);
        cloak__store16_be(blob + 2, (uint16_t)s);
        blob[1] = 0xEE;
        assert_int_equal(cloak__header_check(blob, sizeof blob, CLOAK_TYPE_BUNDLE),
                         known ? CLOAK_E_MALFORMED : CLOAK_E_UNSUPPORTED_SUITE);
        blob[1] = CLOAK_TYPE_SECRET;
        assert_int_equal(cloak__header_check(blob, sizeof blob, CLOAK_TYPE_BUNDLE),
                         known ? CLOAK_E_WRONG_TYPE : CLOAK_E_UNSUPPORTED_SUITE);
        blob[1] = CLOAK_TYPE_BUNDLE;
        assert_int_equal(cloak__header_check(blob, sizeof blob, CLOAK_TYPE_BUNDLE),
                         s == 1 ? CLOAK_OK : CLOAK_E_UNSUPPORTED_SUITE);
        assert_int_equal(cloak__header_check_any_suite(blob, sizeof blob, CLOAK_TYPE_BUNDLE),
                         known ? CLOAK_OK : CLOAK_E_UNSUPPORTED_SUITE);
        assert_int_equal(cloak__header_check_suite(blob, sizeof blob, CLOAK_TYPE_BUNDLE, CLOAK_SUITE_XWING),
                         s == 2 ? CLOAK_OK : CLOAK_E_UNSUPPORTED_SUITE);
    }
    /* 5: suite 2 only for the types with an encryption key in or behind them. */
    for (t = 1; t <= 0x0D; t++) {
        const int admits = t == CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY || t == CLOAK_TYPE_BUNDLE ||
                           t == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY || t == CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY ||
                           t == CLOAK_TYPE_SHARE || t == CLOAK_TYPE_BATCH || t == CLOAK_TYPE_BATCH_ITEM ||
                           t == CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY;
        make_blob(blob, sizeof blob, (uint8_t)t, 1);
        cloak__store16_be(blob + 2, CLOAK_SUITE_XWING);
        assert_int_equal(cloak__header_check_any_suite(blob, sizeof blob, (uint8_t)t),
                         admits ? CLOAK_OK : CLOAK_E_UNSUPPORTED_SUITE);
    }
    /* 4: unknown type is malformed, a known other type is wrong type. */
    make_blob(blob, sizeof blob, 0x0E, 1);
    assert_int_equal(cloak__header_check(blob, sizeof blob, CLOAK_TYPE_BUNDLE), CLOAK_E_MALFORMED);
    make_blob(blob, sizeof blob, CLOAK_TYPE_SECRET, 1);
    assert_int_equal(cloak__header_check(blob, sizeof blob, CLOAK_TYPE_BUNDLE), CLOAK_E_WRONG_TYPE);
}

static void test_every_type(void **state)
{
    uint8_t blob[CLOAK_HEADERBYTES + 8];
    uint8_t key_id[CLOAK_KEYIDBYTES];
    unsigned t, e;
    int type;
    (void)state;

    for (t = 0; t < 256; t++) {
        int known = t >= 1 && t <= CLOAK_TYPE_VAULT_HEAD;
        assert_int_equal(cloak__type_known((uint8_t)t) != 0, known);
        if (known) {
            assert_non_null(cloak__type_name((uint8_t)t));
            assert_string_equal(cloak__type_name((uint8_t)t), expected_names[t]);
        } else {
            assert_null(cloak__type_name((uint8_t)t));
        }
        make_blob(blob, sizeof blob, (uint8_t)t, t);
        for (e = 1; e <= 12; e++) {
            int want = !known ? CLOAK_E_MALFORMED : (t == e ? CLOAK_OK : CLOAK_E_WRONG_TYPE);
            assert_int_equal(cloak__header_check(blob, sizeof blob, (uint8_t)e), want);
        }
        type = 77;
        memset(key_id, 0xAA, sizeof key_id);
        if (known) {
            assert_int_equal(cloak_blob_inspect(&type, key_id, blob, sizeof blob), CLOAK_OK);
            assert_int_equal(type, (int)t);
            assert_memory_equal(key_id, blob + 4, sizeof key_id);
        } else {
            assert_int_equal(cloak_blob_inspect(&type, key_id, blob, sizeof blob), CLOAK_E_MALFORMED);
            assert_int_equal(type, 0);
            assert_true(all_zero(key_id, sizeof key_id));
        }
    }
}

static void test_inspect(void **state)
{
    uint8_t blob[CLOAK_HEADERBYTES];
    uint8_t key_id[CLOAK_KEYIDBYTES];
    size_t len;
    int type;
    (void)state;

    make_blob(blob, sizeof blob, CLOAK_TYPE_BATCH_ITEM, 9);
    assert_int_equal(cloak_blob_inspect(&type, key_id, blob, sizeof blob), CLOAK_OK);
    assert_int_equal(type, CLOAK_TYPE_BATCH_ITEM);
    assert_memory_equal(key_id, blob + 4, sizeof key_id);

    for (len = 0; len < sizeof blob; len++) {
        type = 5;
        memset(key_id, 0xAA, sizeof key_id);
        assert_int_equal(cloak_blob_inspect(&type, key_id, blob, len), CLOAK_E_MALFORMED);
        assert_int_equal(type, 0);
        assert_true(all_zero(key_id, sizeof key_id));
    }
    blob[0] = 0;
    type = 5;
    memset(key_id, 0xAA, sizeof key_id);
    assert_int_equal(cloak_blob_inspect(&type, key_id, blob, sizeof blob), CLOAK_E_UNSUPPORTED_VERSION);
    assert_int_equal(type, 0);
    assert_true(all_zero(key_id, sizeof key_id));
    blob[0] = 2;
    blob[3] = 3;
    assert_int_equal(cloak_blob_inspect(&type, key_id, blob, sizeof blob), CLOAK_E_UNSUPPORTED_SUITE);
    assert_int_equal(type, 0);
    assert_true(all_zero(key_id, sizeof key_id));
    blob[3] = 1;

    memset(key_id, 0xAA, sizeof key_id);
    assert_int_equal(cloak_blob_inspect(NULL, key_id, blob, sizeof blob), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(key_id, sizeof key_id));
    type = 5;
    assert_int_equal(cloak_blob_inspect(&type, NULL, blob, sizeof blob), CLOAK_E_BAD_PARAMS);
    assert_int_equal(type, 0);
    assert_int_equal(cloak_blob_inspect(&type, key_id, NULL, 20), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_blob_inspect(&type, key_id, NULL, 0), CLOAK_E_MALFORMED);
}

/* Round trip and prefix for every type and many lengths (every residue mod 3, and across
 * the encoder's and decoder's internal chunk boundaries). */
static void test_text_round_trip(void **state)
{
    static uint8_t blob[MAX_BLOB], back[MAX_BLOB];
    static char text[MAX_TEXT], again[MAX_TEXT], prefix[32];
    static const size_t lengths[] = {20, 21, 22, 23, 24, 25, 48, 52, 84, 124, 148, 185, 186, 187, 188,
                                     189, 190, 191, 192, 193, 194, 196, 380, 381, 382, 383, 384, 385,
                                     386, 387, 388, 389, 1000, MAX_BLOB};
    size_t i, text_len, again_len, back_len;
    unsigned t;
    (void)state;

    for (t = 1; t <= 12; t++) {
        for (i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
            size_t len = lengths[i];
            make_blob(blob, len, (uint8_t)t, (uint32_t)(t * 100U + i));
            memset(text, 0x55, sizeof text);
            assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, blob, len), CLOAK_OK);
            assert_int_equal(text_len, strlen(text));
            assert_true(text_len + 1U <= cloak_text_encoded_len(len));
            snprintf(prefix, sizeof prefix, "cloak-%s-", expected_names[t]);
            assert_memory_equal(text, prefix, strlen(prefix));
            assert_true(cloak_text_decoded_maxlen(text_len) >= len);

            assert_int_equal(decode(back, sizeof back, &back_len, text, text_len), CLOAK_OK);
            assert_int_equal(back_len, len);
            assert_memory_equal(back, blob, len);

            /* Exactly-sized buffers suffice. */
            memset(again, 0x55, sizeof again);
            assert_int_equal(cloak_text_encode(again, text_len + 1U, &again_len, blob, len), CLOAK_OK);
            assert_int_equal(again_len, text_len);
            assert_string_equal(again, text);
            assert_int_equal(decode(back, len, &back_len, text, text_len), CLOAK_OK);
            assert_memory_equal(back, blob, len);
        }
    }
}

static void test_text_lengths(void **state)
{
    size_t n;
    (void)state;
    /* The helper bounds the longest name ("wrappedidentity"). */
    assert_int_equal(cloak_text_encoded_len(52), strlen("cloak-wrappedidentity-") + 75U + 1U);
    for (n = 0; n < 3000; n++) {
        assert_true(cloak_text_encoded_len(n) >= strlen("cloak-wrappedidentity-") + (4U * (n + 4U) + 2U) / 3U + 1U);
        /* Any text that encodes n bytes is at least as long as the shortest prefix plus body. */
        assert_true(cloak_text_decoded_maxlen(strlen("cloak-item-") + (4U * (n + 4U) + 2U) / 3U) >= n);
    }
    assert_int_equal(cloak_text_decoded_maxlen(0), 0);
    assert_int_equal(cloak_text_decoded_maxlen(11), 0);
    assert_int_equal(cloak_text_encoded_len(SIZE_MAX), 0);
}

static uint8_t g_blob[MAX_BLOB];
static char g_text[MAX_TEXT];
static size_t g_blob_len, g_text_len;

static void encode_sample(uint8_t type, size_t len, uint32_t seed)
{
    make_blob(g_blob, len, type, seed);
    g_blob_len = len;
    assert_int_equal(cloak_text_encode(g_text, sizeof g_text, &g_text_len, g_blob, len), CLOAK_OK);
}

/* Every single-character change, at every position, to every byte value but NUL-free ones are
 * covered too: a prefix change is malformed; a body change is a checksum error, or malformed when
 * the character is outside the alphabet or leaves nonzero unused bits. */
static void test_text_single_char_changes(void **state)
{
    static uint8_t back[MAX_BLOB];
    static char t2[MAX_TEXT];
    static const size_t lens[] = {52, 53, 54, 148};
    size_t li, pos, back_len, prefix_len;
    unsigned c;
    (void)state;

    for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        encode_sample(li == 3 ? CLOAK_TYPE_BUNDLE : CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, lens[li], (uint32_t)li);
        prefix_len = (size_t)(strchr(g_text + 6, '-') - g_text) + 1U;
        for (pos = 0; pos < g_text_len; pos++) {
            for (c = 0; c < 256; c++) {
                int rc;
                if ((char)c == g_text[pos]) {
                    continue;
                }
                memcpy(t2, g_text, g_text_len);
                t2[pos] = (char)c;
                rc = decode(back, sizeof back, &back_len, t2, g_text_len);
                if (pos < prefix_len) {
                    assert_int_equal(rc, CLOAK_E_MALFORMED);
                } else if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", (int)c) != NULL &&
                           c != 0 && pos + 1U < g_text_len) {
                    /* Inside the body, a valid character: only the checksum can tell. */
                    assert_int_equal(rc, CLOAK_E_CHECKSUM);
                } else if (pos + 1U == g_text_len && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
                    /* The last character turned into trailing whitespace: a shorter body. */
                    assert_true(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_CHECKSUM);
                } else if (pos + 1U == g_text_len && c != 0 &&
                           strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", (int)c) != NULL) {
                    assert_true(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_CHECKSUM);
                } else {
                    assert_int_equal(rc, CLOAK_E_MALFORMED);
                }
            }
        }
    }
}

static void test_text_case_changes(void **state)
{
    static uint8_t back[MAX_BLOB];
    static char t2[MAX_TEXT];
    size_t i, back_len, prefix_len;
    (void)state;

    encode_sample(CLOAK_TYPE_IDENTITY_PUBLIC_KEY, 52, 3);
    prefix_len = strlen("cloak-identity-");
    /* The whole prefix upper case, and each letter of it. */
    memcpy(t2, g_text, g_text_len);
    for (i = 0; i < prefix_len; i++) {
        if (t2[i] >= 'a' && t2[i] <= 'z') {
            t2[i] = (char)(t2[i] - 'a' + 'A');
        }
    }
    assert_int_equal(decode(back, sizeof back, &back_len, t2, g_text_len), CLOAK_E_MALFORMED);
    for (i = 0; i < prefix_len; i++) {
        memcpy(t2, g_text, g_text_len);
        if (t2[i] >= 'a' && t2[i] <= 'z') {
            t2[i] = (char)(t2[i] - 'a' + 'A');
            assert_int_equal(decode(back, sizeof back, &back_len, t2, g_text_len), CLOAK_E_MALFORMED);
        }
    }
    /* Each letter of the body with its case swapped; then the whole body. */
    for (i = prefix_len; i < g_text_len; i++) {
        char ch = g_text[i];
        int rc;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))) {
            continue;
        }
        memcpy(t2, g_text, g_text_len);
        t2[i] = (char)(ch ^ 0x20);
        rc = decode(back, sizeof back, &back_len, t2, g_text_len);
        assert_true(rc == CLOAK_E_CHECKSUM || (i + 1U == g_text_len && rc == CLOAK_E_MALFORMED));
    }
    memcpy(t2, g_text, g_text_len);
    for (i = prefix_len; i < g_text_len; i++) {
        if ((t2[i] >= 'a' && t2[i] <= 'z') || (t2[i] >= 'A' && t2[i] <= 'Z')) {
            t2[i] = (char)(t2[i] ^ 0x20);
        }
    }
    {
        int rc = decode(back, sizeof back, &back_len, t2, g_text_len);
        assert_true(rc == CLOAK_E_CHECKSUM || rc == CLOAK_E_MALFORMED);
    }
}

static void test_text_truncation(void **state)
{
    static uint8_t back[MAX_BLOB];
    static char t2[MAX_TEXT];
    static const size_t lens[] = {20, 52, 53, 54, 190};
    size_t li, n, back_len;
    (void)state;

    for (li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        encode_sample(CLOAK_TYPE_SECRET, lens[li], (uint32_t)(40U + li));
        for (n = 0; n < g_text_len; n++) {
            int rc = decode(back, sizeof back, &back_len, g_text, n);
            if (n <= strlen("cloak-secret-") + 31U) {
                /* Too short for a header and a checksum, or no body at all. */
                assert_int_equal(rc, CLOAK_E_MALFORMED);
            } else {
                assert_true(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_CHECKSUM);
            }
        }
        /* Extended by one character of the alphabet, or by a whole group. */
        memcpy(t2, g_text, g_text_len);
        t2[g_text_len] = 'A';
        {
            int rc = decode(back, sizeof back, &back_len, t2, g_text_len + 1U);
            assert_true(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_CHECKSUM);
        }
        memcpy(t2 + g_text_len, "AAAA", 4);
        {
            int rc = decode(back, sizeof back, &back_len, t2, g_text_len + 4U);
            assert_true(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_CHECKSUM);
        }
    }
}

static void test_text_bad_prefix(void **state)
{
    static uint8_t back[MAX_BLOB];
    static char t2[MAX_TEXT];
    static const char *const bad[] = {
        "",        " ",        "\n\t ",    "cloak",      "cloak-",     "cloak-pubkey",
        "cloak--", "cloak-pubkey-", "cloak-x-AAAA", "xcloak-pubkey-", "cloak_pubkey-",
        "cloak-pubke-", "cloak-pubkeys-", "cloak- pubkey-", "cloak-pubkey -",
    };
    const char *body;
    size_t i, back_len;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(decode(back, sizeof back, &back_len, bad[i], strlen(bad[i])), CLOAK_E_MALFORMED);
    }
    assert_int_equal(decode(back, sizeof back, &back_len, NULL, 0), CLOAK_E_MALFORMED);

    /* A valid body behind a wrong or missing prefix. */
    encode_sample(CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, 52, 5);
    body = g_text + strlen("cloak-pubkey-");
    {
        static const char *const prefixes[] = {"", "cloak-", "pubkey-", "cloak-pubkey", "cloak-unknown-",
                                               "cloak-PUBKEY-", "Cloak-pubkey-", "cloak-pubkey_", "cloak-0-"};
        for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
            int n = snprintf(t2, sizeof t2, "%s%s", prefixes[i], body);
            assert_int_equal(decode(back, sizeof back, &back_len, t2, (size_t)n), CLOAK_E_MALFORMED);
        }
    }
}

/* The prefix names another type than the blob's: the checksum (over the blob only) is fine, the
 * text is not. */
static void test_text_prefix_type_mismatch(void **state)
{
    static uint8_t blob[MAX_BLOB], back[MAX_BLOB];
    static char text[MAX_TEXT], t2[MAX_TEXT];
    size_t back_len, text_len, body_at;
    unsigned t, p;
    int len;
    (void)state;

    for (t = 1; t <= 12; t++) {
        make_blob(blob, 60, (uint8_t)t, t);
        assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, blob, 60), CLOAK_OK);
        body_at = strlen("cloak-") + strlen(expected_names[t]) + 1U;
        for (p = 1; p <= 12; p++) {
            len = snprintf(t2, sizeof t2, "cloak-%s-%s", expected_names[p], text + body_at);
            assert_int_equal(decode(back, sizeof back, &back_len, t2, (size_t)len),
                             p == t ? CLOAK_OK : CLOAK_E_MALFORMED);
        }
    }
}

static void test_text_whitespace(void **state)
{
    static uint8_t back[MAX_BLOB];
    static char t2[MAX_TEXT];
    static const char *const ok_around[] = {" ", "\t", "\r\n", "\n", "  \t\r\n  ", ""};
    static const char *const bad_around[] = {"\v", "\f", "x", "\xA0", "-"};
    size_t i, j, back_len, prefix_len;
    int n;
    (void)state;

    encode_sample(CLOAK_TYPE_SERVICE_ACCOUNT_PRIVATE_KEY, 84, 8);
    for (i = 0; i < sizeof ok_around / sizeof ok_around[0]; i++) {
        for (j = 0; j < sizeof ok_around / sizeof ok_around[0]; j++) {
            n = snprintf(t2, sizeof t2, "%s%s%s", ok_around[i], g_text, ok_around[j]);
            assert_int_equal(decode(back, sizeof back, &back_len, t2, (size_t)n), CLOAK_OK);
            assert_int_equal(back_len, g_blob_len);
            assert_memory_equal(back, g_blob, g_blob_len);
        }
    }
    for (i = 0; i < sizeof bad_around / sizeof bad_around[0]; i++) {
        n = snprintf(t2, sizeof t2, "%s%s", bad_around[i], g_text);
        assert_int_equal(decode(back, sizeof back, &back_len, t2, (size_t)n), CLOAK_E_MALFORMED);
        n = snprintf(t2, sizeof t2, "%s%s", g_text, bad_around[i]);
        assert_true(decode(back, sizeof back, &back_len, t2, (size_t)n) != CLOAK_OK);
        assert_true(all_zero(back, sizeof back));
    }
    /* The terminating NUL counted in the length is not whitespace. */
    assert_int_equal(decode(back, sizeof back, &back_len, g_text, g_text_len + 1U), CLOAK_E_MALFORMED);
    /* Whitespace inside the text, anywhere: in the prefix, after it, in the body. */
    prefix_len = strlen("cloak-accountkey-");
    for (i = 1; i < g_text_len; i++) {
        static const char ws[] = {' ', '\t', '\r', '\n'};
        for (j = 0; j < sizeof ws; j++) {
            memcpy(t2, g_text, i);
            t2[i] = ws[j];
            memcpy(t2 + i + 1, g_text + i, g_text_len - i);
            assert_int_equal(decode(back, sizeof back, &back_len, t2, g_text_len + 1U), CLOAK_E_MALFORMED);
        }
    }
    (void)prefix_len;
}

/* Non-canonical base64: padding, the standard alphabet, nonzero unused bits. These must be
 * refused as malformed, not decoded to the same blob. */
static void test_text_non_canonical(void **state)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    static uint8_t back[MAX_BLOB];
    static char t2[MAX_TEXT];
    size_t len, back_len, body_len;
    int n;
    unsigned extra;
    (void)state;

    for (len = 50; len < 56; len++) {
        size_t rem;
        encode_sample(CLOAK_TYPE_SECRET, len, (uint32_t)len);
        body_len = g_text_len - strlen("cloak-secret-");
        rem = body_len % 4U;
        /* Padding appended, where a padded encoding would have it. */
        n = snprintf(t2, sizeof t2, "%s%s", g_text, rem == 2 ? "==" : rem == 3 ? "=" : "====");
        assert_int_equal(decode(back, sizeof back, &back_len, t2, (size_t)n), CLOAK_E_MALFORMED);
        n = snprintf(t2, sizeof t2, "%s=", g_text);
        assert_int_equal(decode(back, sizeof back, &back_len, t2, (size_t)n), CLOAK_E_MALFORMED);
        if (rem != 0) {
            /* Each nonzero value of the unused low bits of the last character. */
            const char *last = strchr(alphabet, g_text[g_text_len - 1U]);
            unsigned v, unused_bits = rem == 2 ? 4U : 2U;
            assert_non_null(last);
            v = (unsigned)(last - alphabet);
            assert_int_equal(v & ((1U << unused_bits) - 1U), 0);
            for (extra = 1; extra < (1U << unused_bits); extra++) {
                memcpy(t2, g_text, g_text_len);
                t2[g_text_len - 1U] = alphabet[v | extra];
                assert_int_equal(decode(back, sizeof back, &back_len, t2, g_text_len), CLOAK_E_MALFORMED);
            }
        }
    }
    /* The standard alphabet's '+' and '/' in place of '-' and '_'. */
    for (len = 20; len < 400; len++) {
        size_t i;
        char *p;
        make_blob(g_blob, len, CLOAK_TYPE_SECRET, (uint32_t)len);
        assert_int_equal(cloak_text_encode(g_text, sizeof g_text, &g_text_len, g_blob, len), CLOAK_OK);
        memcpy(t2, g_text, g_text_len);
        p = t2 + strlen("cloak-secret-");
        for (i = 0; p + i < t2 + g_text_len; i++) {
            if (p[i] == '-') {
                p[i] = '+';
            } else if (p[i] == '_') {
                p[i] = '/';
            }
        }
        if (memcmp(t2, g_text, g_text_len) != 0) {
            assert_int_equal(decode(back, sizeof back, &back_len, t2, g_text_len), CLOAK_E_MALFORMED);
        }
    }
}

/* libsodium 1.0.18's URL-safe decoder reads any byte from 0x80 to 0xFF as '_': a text with '_'
 * replaced by such a byte would otherwise decode to the very same blob. */
static void test_text_high_bit_bytes(void **state)
{
    static uint8_t back[MAX_BLOB];
    static char t2[MAX_TEXT];
    size_t len, pos, back_len, underscores = 0;
    unsigned c;
    (void)state;

    for (len = 20; len < 120; len++) {
        encode_sample(CLOAK_TYPE_SECRET, len, (uint32_t)(len * 7U));
        for (pos = strlen("cloak-secret-"); pos < g_text_len; pos++) {
            if (g_text[pos] != '_') {
                continue;
            }
            underscores++;
            for (c = 0x80; c <= 0xFF; c++) {
                memcpy(t2, g_text, g_text_len);
                t2[pos] = (char)c;
                assert_int_equal(decode(back, sizeof back, &back_len, t2, g_text_len), CLOAK_E_MALFORMED);
            }
        }
    }
    assert_true(underscores > 10);
}

static void test_text_buffers(void **state)
{
    static uint8_t back[MAX_BLOB];
    static char text[MAX_TEXT];
    size_t cap, text_len, back_len;
    uint8_t blob[CLOAK_HEADERBYTES + 30];
    (void)state;

    encode_sample(CLOAK_TYPE_WRAPPED_IDENTITY_KEY, 124, 11);
    for (cap = 0; cap <= g_text_len; cap++) {
        memset(text, 0x55, sizeof text);
        text_len = 999;
        assert_int_equal(cloak_text_encode(text, cap, &text_len, g_blob, g_blob_len), CLOAK_E_BUFFER_TOO_SMALL);
        assert_true(all_zero(text, cap));
        assert_int_equal((unsigned char)text[cap], 0x55);
        assert_int_equal(text_len, 0);
    }
    assert_int_equal(cloak_text_encode(text, g_text_len + 1U, &text_len, g_blob, g_blob_len), CLOAK_OK);
    for (cap = 0; cap < g_blob_len; cap++) {
        memset(back, 0x55, sizeof back);
        back_len = 999;
        assert_int_equal(cloak_text_decode(back, cap, &back_len, g_text, g_text_len), CLOAK_E_BUFFER_TOO_SMALL);
        assert_true(all_zero(back, cap));
        assert_int_equal(back[cap], 0x55);
        assert_int_equal(back_len, 0);
    }
    assert_int_equal(decode(back, g_blob_len, &back_len, g_text, g_text_len), CLOAK_OK);

    /* Encoding checks the header it names. */
    make_blob(blob, sizeof blob, CLOAK_TYPE_SECRET, 1);
    for (cap = 0; cap < CLOAK_HEADERBYTES; cap++) {
        memset(text, 0x55, 64);
        assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, blob, cap), CLOAK_E_MALFORMED);
        assert_true(all_zero(text, sizeof text));
    }
    blob[0] = 9;
    assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, blob, sizeof blob), CLOAK_E_UNSUPPORTED_VERSION);
    blob[0] = 2;
    blob[3] = 9;
    assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, blob, sizeof blob), CLOAK_E_UNSUPPORTED_SUITE);
    blob[3] = 1;
    blob[1] = 0x42;
    assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, blob, sizeof blob), CLOAK_E_MALFORMED);
    assert_true(all_zero(text, sizeof text));
    assert_int_equal(text_len, 0);

    /* NULL pointers. */
    assert_int_equal(cloak_text_encode(NULL, 10, &text_len, g_blob, g_blob_len), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_text_encode(text, sizeof text, NULL, g_blob, g_blob_len), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(text, sizeof text));
    assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, NULL, 52), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_text_decode(NULL, 10, &back_len, g_text, g_text_len), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_text_decode(back, sizeof back, NULL, g_text, g_text_len), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(back, sizeof back));
    assert_int_equal(cloak_text_decode(back, sizeof back, &back_len, NULL, 5), CLOAK_E_BAD_PARAMS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_write),
        cmocka_unit_test(test_header_check_order),
        cmocka_unit_test(test_every_type),
        cmocka_unit_test(test_inspect),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_text_lengths),
        cmocka_unit_test(test_text_single_char_changes),
        cmocka_unit_test(test_text_case_changes),
        cmocka_unit_test(test_text_truncation),
        cmocka_unit_test(test_text_bad_prefix),
        cmocka_unit_test(test_text_prefix_type_mismatch),
        cmocka_unit_test(test_text_whitespace),
        cmocka_unit_test(test_text_non_canonical),
        cmocka_unit_test(test_text_high_bit_bytes),
        cmocka_unit_test(test_text_buffers),
    };
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
