/*
 * Wycheproof vectors (tests/vectors/wycheproof, schema v1) through libcloak's own primitive layers:
 * HKDF and HMAC (hkdf.c), ChaCha20-Poly1305 and XChaCha20-Poly1305 (aead.c), Ed25519 and X25519
 * (sign.c and dh.c). Every case of every file is processed and counted; a file whose count differs from its
 * numberOfTests fails, so nothing is skipped silently. A final group checks the edges of those
 * layers that the vectors do not reach (in-place use, bounds, labelled signatures, key ids).
 */
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
#include "support/vectors.h"

typedef enum expect { EXPECT_VALID, EXPECT_INVALID, EXPECT_ACCEPTABLE } expect;

typedef struct tally {
    const char *file;
    size_t valid;
    size_t invalid;
    size_t acceptable;
    size_t done;
} tally;

/* A vector file with its case count cross-checked: the declared numberOfTests must equal the
 * number of cases in the groups. */
static json_t *load(const char *file, tally *t)
{
    char rel[256];
    size_t declared, listed = 0;
    json_t *root;
    const json_t *groups;

    memset(t, 0, sizeof *t);
    t->file = file;
    snprintf(rel, sizeof rel, "wycheproof/%s", file);
    root = vector_load(rel);
    if (root == NULL) {
        fail_msg("%s: cannot parse", file);
    }
    groups = json_object_get(root, "testGroups");
    assert_true(json_is_array(groups));
    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *tests = json_object_get(json_array_get(groups, g), "tests");
        assert_true(json_is_array(tests));
        listed += json_array_size(tests);
    }
    assert_true(json_is_number(json_object_get(root, "numberOfTests")));
    declared = (size_t)json_number_value(json_object_get(root, "numberOfTests"));
    if (declared != listed) {
        fail_msg("%s: numberOfTests %zu but %zu cases listed", file, declared, listed);
    }
    return root;
}

static void finish(const tally *t, const json_t *root)
{
    size_t declared = (size_t)json_number_value(json_object_get(root, "numberOfTests"));
    printf("# %s: %zu cases: %zu valid, %zu invalid, %zu acceptable\n", t->file, t->done, t->valid,
           t->invalid, t->acceptable);
    if (t->done != declared || t->valid + t->invalid + t->acceptable != declared) {
        fail_msg("%s: processed %zu of %zu cases", t->file, t->done, declared);
    }
}

static expect result_of(const json_t *tc, tally *t)
{
    const char *r = json_string_value(json_object_get(tc, "result"));
    assert_non_null(r);
    if (strcmp(r, "valid") == 0) {
        t->valid++;
        return EXPECT_VALID;
    }
    if (strcmp(r, "invalid") == 0) {
        t->invalid++;
        return EXPECT_INVALID;
    }
    if (strcmp(r, "acceptable") == 0) {
        t->acceptable++;
        return EXPECT_ACCEPTABLE;
    }
    fail_msg("%s: unknown result \"%s\"", t->file, r);
    return EXPECT_INVALID;
}

static int tc_id(const json_t *tc)
{
    return (int)json_number_value(json_object_get(tc, "tcId"));
}

static uint8_t *hex_field(const json_t *obj, const char *field, size_t *len)
{
    const char *s = json_string_value(json_object_get(obj, field));
    uint8_t *b;
    if (s == NULL) {
        fail_msg("missing string field %s", field);
    }
    b = hex_decode(s, len);
    if (b == NULL) {
        fail_msg("bad hex in field %s", field);
    }
    return b;
}

#define CASE_CHECK(cond, t, tc)                                                                                \
    do {                                                                                                       \
        if (!(cond)) {                                                                                         \
            fail_msg("%s tcId %d: check failed: %s", (t)->file, tc_id(tc), #cond);                             \
        }                                                                                                      \
    } while (0)

/* ------------------------------------------------------------------------------------------------ */

static void test_hkdf_sha256(void **state)
{
    tally t;
    json_t *root = load("hkdf_sha256_test.json", &t);
    const json_t *groups = json_object_get(root, "testGroups");
    (void)state;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *tests = json_object_get(json_array_get(groups, g), "tests");
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            expect e = result_of(tc, &t);
            size_t ikm_len, salt_len, info_len, okm_len;
            uint8_t *ikm = hex_field(tc, "ikm", &ikm_len);
            uint8_t *salt = hex_field(tc, "salt", &salt_len);
            uint8_t *info = hex_field(tc, "info", &info_len);
            uint8_t *okm = hex_field(tc, "okm", &okm_len);
            size_t size = (size_t)json_number_value(json_object_get(tc, "size"));
            uint8_t *out = test_alloc(size);
            uint8_t prk[CLOAK_HASHBYTES];
            int rc;

            memset(out, 0xAA, size);
            cloak__hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
            rc = cloak__hkdf_expand(out, size, prk, sizeof prk, info, info_len);
            if (e == EXPECT_VALID) {
                CASE_CHECK(rc == CLOAK_OK, &t, tc);
                CASE_CHECK(okm_len == size && memcmp(out, okm, size) == 0, &t, tc);
            } else {
                /* Wycheproof's invalid HKDF cases ask for more than 255 blocks. */
                CASE_CHECK(e == EXPECT_INVALID, &t, tc);
                CASE_CHECK(rc == CLOAK_E_BAD_PARAMS, &t, tc);
                CASE_CHECK(all_zero(out, size), &t, tc);
            }
            free(ikm);
            free(salt);
            free(info);
            free(okm);
            free(out);
            t.done++;
        }
    }
    finish(&t, root);
    json_decref(root);
}

static void test_hmac_sha256(void **state)
{
    tally t;
    json_t *root = load("hmac_sha256_test.json", &t);
    const json_t *groups = json_object_get(root, "testGroups");
    (void)state;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *group = json_array_get(groups, g);
        const json_t *tests = json_object_get(group, "tests");
        size_t tag_size = (size_t)json_number_value(json_object_get(group, "tagSize")) / 8;

        assert_true(tag_size >= 1 && tag_size <= CLOAK_HASHBYTES);
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            expect e = result_of(tc, &t);
            size_t key_len, msg_len, tag_len;
            uint8_t *key = hex_field(tc, "key", &key_len);
            uint8_t *msg = hex_field(tc, "msg", &msg_len);
            uint8_t *tag = hex_field(tc, "tag", &tag_len);
            uint8_t full[CLOAK_HASHBYTES];
            int rc;

            CASE_CHECK(e != EXPECT_ACCEPTABLE, &t, tc);
            if (tag_len != tag_size) {
                /* A tag of another length never reaches the verifier. */
                CASE_CHECK(e == EXPECT_INVALID, &t, tc);
            } else {
                rc = cloak__hmac_sha256_verify(tag, tag_size, key, key_len, msg, msg_len);
                cloak__hmac_sha256(full, key, key_len, msg, msg_len);
                if (e == EXPECT_VALID) {
                    CASE_CHECK(rc == CLOAK_OK, &t, tc);
                    CASE_CHECK(memcmp(full, tag, tag_size) == 0, &t, tc);
                } else {
                    CASE_CHECK(rc == CLOAK_E_AUTH, &t, tc);
                    CASE_CHECK(memcmp(full, tag, tag_size) != 0, &t, tc);
                }
            }
            free(key);
            free(msg);
            free(tag);
            t.done++;
        }
    }
    finish(&t, root);
    json_decref(root);
}

typedef void (*seal_fn)(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad, size_t ad_len,
                        const uint8_t *nonce, const uint8_t key[32]);
typedef int (*open_fn)(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad, size_t ad_len,
                       const uint8_t *nonce, const uint8_t key[32]);

static void seal_x(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad, size_t ad_len,
                   const uint8_t *nonce, const uint8_t key[32])
{
    cloak__xchacha_seal(c, m, m_len, ad, ad_len, nonce, key);
}

static int open_x(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad, size_t ad_len,
                  const uint8_t *nonce, const uint8_t key[32])
{
    return cloak__xchacha_open(m, c, c_len, ad, ad_len, nonce, key);
}

static void seal_c(uint8_t *c, const uint8_t *m, size_t m_len, const uint8_t *ad, size_t ad_len,
                   const uint8_t *nonce, const uint8_t key[32])
{
    cloak__chacha_seal(c, m, m_len, ad, ad_len, nonce, key);
}

static int open_c(uint8_t *m, const uint8_t *c, size_t c_len, const uint8_t *ad, size_t ad_len,
                  const uint8_t *nonce, const uint8_t key[32])
{
    return cloak__chacha_open(m, c, c_len, ad, ad_len, nonce, key);
}

static void run_aead_file(const char *file, size_t nonce_bytes, seal_fn seal, open_fn open)
{
    tally t;
    json_t *root = load(file, &t);
    const json_t *groups = json_object_get(root, "testGroups");
    size_t wrong_nonce = 0;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *group = json_array_get(groups, g);
        const json_t *tests = json_object_get(group, "tests");
        size_t iv_size = (size_t)json_number_value(json_object_get(group, "ivSize")) / 8;
        size_t key_size = (size_t)json_number_value(json_object_get(group, "keySize")) / 8;

        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            expect e = result_of(tc, &t);
            size_t key_len, iv_len, aad_len, msg_len, ct_len, tag_len, sealed_len;
            uint8_t *key = hex_field(tc, "key", &key_len);
            uint8_t *iv = hex_field(tc, "iv", &iv_len);
            uint8_t *aad = hex_field(tc, "aad", &aad_len);
            uint8_t *msg = hex_field(tc, "msg", &msg_len);
            uint8_t *ct = hex_field(tc, "ct", &ct_len);
            uint8_t *tag = hex_field(tc, "tag", &tag_len);

            CASE_CHECK(e != EXPECT_ACCEPTABLE, &t, tc);
            if (iv_size != nonce_bytes || iv_len != nonce_bytes || key_size != 32 || key_len != 32) {
                /* The construction takes no such nonce or key: the case is rejected by construction. */
                CASE_CHECK(e == EXPECT_INVALID, &t, tc);
                wrong_nonce++;
            } else {
                uint8_t *expected, *sealed, *opened, *inplace;

                sealed_len = ct_len + tag_len;
                expected = test_alloc(sealed_len);
                sealed = test_alloc(sealed_len);
                opened = test_alloc(sealed_len);
                inplace = test_alloc(sealed_len);
                memcpy(expected, ct, ct_len);
                memcpy(expected + ct_len, tag, tag_len);

                if (e == EXPECT_VALID) {
                    CASE_CHECK(tag_len == CLOAK_AEAD_TAGBYTES && ct_len == msg_len, &t, tc);
                    seal(sealed, msg, msg_len, aad, aad_len, iv, key);
                    CASE_CHECK(memcmp(sealed, expected, sealed_len) == 0, &t, tc);
                    memcpy(inplace, msg, msg_len);
                    seal(inplace, inplace, msg_len, aad, aad_len, iv, key);
                    CASE_CHECK(memcmp(inplace, expected, sealed_len) == 0, &t, tc);

                    memset(opened, 0xAA, sealed_len);
                    CASE_CHECK(open(opened, expected, sealed_len, aad, aad_len, iv, key) == CLOAK_OK, &t, tc);
                    CASE_CHECK(memcmp(opened, msg, msg_len) == 0, &t, tc);
                    CASE_CHECK(open(inplace, inplace, sealed_len, aad, aad_len, iv, key) == CLOAK_OK, &t, tc);
                    CASE_CHECK(memcmp(inplace, msg, msg_len) == 0, &t, tc);
                } else {
                    size_t out_len = sealed_len >= CLOAK_AEAD_TAGBYTES ? sealed_len - CLOAK_AEAD_TAGBYTES : 0;

                    memset(opened, 0xAA, sealed_len);
                    CASE_CHECK(open(opened, expected, sealed_len, aad, aad_len, iv, key) == CLOAK_E_AUTH, &t, tc);
                    CASE_CHECK(all_zero(opened, out_len), &t, tc);
                    memcpy(inplace, expected, sealed_len);
                    CASE_CHECK(open(inplace, inplace, sealed_len, aad, aad_len, iv, key) == CLOAK_E_AUTH, &t, tc);
                    CASE_CHECK(all_zero(inplace, out_len), &t, tc);
                }
                free(expected);
                free(sealed);
                free(opened);
                free(inplace);
            }
            free(key);
            free(iv);
            free(aad);
            free(msg);
            free(ct);
            free(tag);
            t.done++;
        }
    }
    printf("# %s: %zu cases rejected for their nonce or key size\n", file, wrong_nonce);
    finish(&t, root);
    json_decref(root);
}

static void test_chacha20_poly1305(void **state)
{
    (void)state;
    run_aead_file("chacha20_poly1305_test.json", CLOAK_NONCEBYTES, seal_c, open_c);
}

static void test_xchacha20_poly1305(void **state)
{
    (void)state;
    run_aead_file("xchacha20_poly1305_test.json", CLOAK_XNONCEBYTES, seal_x, open_x);
}

static void test_ed25519(void **state)
{
    tally t;
    json_t *root = load("ed25519_test.json", &t);
    const json_t *groups = json_object_get(root, "testGroups");
    size_t wrong_length = 0;
    (void)state;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *group = json_array_get(groups, g);
        const json_t *tests = json_object_get(group, "tests");
        size_t pk_len;
        uint8_t *pk = hex_field(json_object_get(group, "publicKey"), "pk", &pk_len);

        assert_int_equal(pk_len, 32);
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            expect e = result_of(tc, &t);
            size_t msg_len, sig_len;
            uint8_t *msg = hex_field(tc, "msg", &msg_len);
            uint8_t *sig = hex_field(tc, "sig", &sig_len);

            CASE_CHECK(e != EXPECT_ACCEPTABLE, &t, tc);
            if (sig_len != CLOAK_SIGNATUREBYTES) {
                CASE_CHECK(e == EXPECT_INVALID, &t, tc);
                wrong_length++;
            } else if (e == EXPECT_VALID) {
                CASE_CHECK(cloak__ed25519_verify(sig, msg, msg_len, pk) == CLOAK_OK, &t, tc);
            } else {
                CASE_CHECK(cloak__ed25519_verify(sig, msg, msg_len, pk) == CLOAK_E_BAD_SIGNATURE, &t, tc);
            }
            free(msg);
            free(sig);
            t.done++;
        }
        free(pk);
    }
    printf("# ed25519_test.json: %zu signatures rejected for their length\n", wrong_length);
    finish(&t, root);
    json_decref(root);
}

static void test_x25519(void **state)
{
    tally t;
    json_t *root = load("x25519_test.json", &t);
    const json_t *groups = json_object_get(root, "testGroups");
    size_t zero_shared = 0;
    (void)state;

    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *tests = json_object_get(json_array_get(groups, g), "tests");
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *tc = json_array_get(tests, i);
            expect e = result_of(tc, &t);
            size_t pub_len, priv_len, shared_len;
            uint8_t *pub = hex_field(tc, "public", &pub_len);
            uint8_t *priv = hex_field(tc, "private", &priv_len);
            uint8_t *shared = hex_field(tc, "shared", &shared_len);
            uint8_t out[32];
            int rc;

            CASE_CHECK(pub_len == 32 && priv_len == 32 && shared_len == 32, &t, tc);
            memset(out, 0xAA, sizeof out);
            rc = cloak__x25519(out, priv, pub);
            if (all_zero(shared, 32)) {
                /* Allowed by RFC 7748, refused by the protocol (docs/protocol.md section 1). */
                CASE_CHECK(e != EXPECT_VALID, &t, tc);
                CASE_CHECK(rc == CLOAK_E_INVALID_KEY, &t, tc);
                CASE_CHECK(all_zero(out, sizeof out), &t, tc);
                zero_shared++;
            } else if (e == EXPECT_INVALID) {
                CASE_CHECK(rc != CLOAK_OK, &t, tc);
                CASE_CHECK(all_zero(out, sizeof out), &t, tc);
            } else {
                CASE_CHECK(rc == CLOAK_OK, &t, tc);
                CASE_CHECK(memcmp(out, shared, 32) == 0, &t, tc);
            }
            free(pub);
            free(priv);
            free(shared);
            t.done++;
        }
    }
    printf("# x25519_test.json: %zu all-zero shared secrets refused\n", zero_shared);
    assert_int_equal(zero_shared, 31);
    finish(&t, root);
    json_decref(root);
}

/* ------------------------------------------------------------------------------------------------
 * Edges of the layers that the vectors do not reach
 * ---------------------------------------------------------------------------------------------- */

static void test_hkdf_edges(void **state)
{
    uint8_t prk[32], a[80], b[80], inplace[32], big[255 * 32 + 1];
    const uint8_t info[] = "context";
    uint8_t key[32], id[CLOAK_KEYIDBYTES], mac[32], block[64];
    (void)state;

    for (size_t i = 0; i < sizeof prk; i++) {
        prk[i] = (uint8_t)i;
    }
    /* A longer output starts with the shorter one (same PRK and info), across the block boundary. */
    assert_int_equal(cloak__hkdf_expand(a, sizeof a, prk, sizeof prk, info, sizeof info - 1), CLOAK_OK);
    for (size_t len = 1; len <= sizeof b; len++) {
        memset(b, 0, sizeof b);
        assert_int_equal(cloak__hkdf_expand(b, len, prk, sizeof prk, info, sizeof info - 1), CLOAK_OK);
        assert_memory_equal(a, b, len);
    }
    /* In place over the PRK. */
    memcpy(inplace, prk, sizeof prk);
    assert_int_equal(cloak__hkdf_expand(inplace, 32, inplace, 32, info, sizeof info - 1), CLOAK_OK);
    assert_memory_equal(inplace, a, 32);
    /* Output length bounds: 255 blocks is the limit, one byte more is refused with a zeroed output. */
    assert_int_equal(cloak__hkdf_expand(big, 255 * 32, prk, sizeof prk, NULL, 0), CLOAK_OK);
    memset(big, 0xAA, sizeof big);
    assert_int_equal(cloak__hkdf_expand(big, sizeof big, prk, sizeof prk, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(big, sizeof big));
    memset(a, 0xAA, sizeof a);
    assert_int_equal(cloak__hkdf_expand(a, 32, prk, 0, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(a, 32));
    memset(a, 0xAA, sizeof a);
    assert_int_equal(cloak__hkdf_expand(a, 32, NULL, 32, NULL, 0), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(a, 32));
    memset(a, 0xAA, sizeof a);
    assert_int_equal(cloak__hkdf_expand(a, 32, prk, 32, NULL, 1), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(a, 32));
    assert_int_equal(cloak__hkdf_expand(NULL, 0, prk, 32, NULL, 0), CLOAK_OK);
    assert_int_equal(cloak__hkdf_expand(NULL, 1, prk, 32, NULL, 0), CLOAK_E_BAD_PARAMS);

    /* Extract with no salt equals extract with HashLen zero bytes (RFC 5869 2.2). */
    memset(key, 0, sizeof key);
    cloak__hkdf_extract(a, NULL, 0, info, sizeof info - 1);
    cloak__hkdf_extract(b, key, sizeof key, info, sizeof info - 1);
    assert_memory_equal(a, b, 32);

    /* The key id is T(1) of Expand(K, label, 16): HMAC(K, label || 0x01), computed here with
     * libsodium's fixed-key HMAC as an independent path. */
    for (size_t i = 0; i < sizeof key; i++) {
        key[i] = (uint8_t)(0xF0 ^ i);
    }
    cloak_key_id(id, key);
    memcpy(block, CLOAK_LABEL_KEY_ID, CLOAK_LABEL_LEN(CLOAK_LABEL_KEY_ID));
    block[CLOAK_LABEL_LEN(CLOAK_LABEL_KEY_ID)] = 0x01;
    crypto_auth_hmacsha256(mac, block, CLOAK_LABEL_LEN(CLOAK_LABEL_KEY_ID) + 1, key);
    assert_memory_equal(id, mac, CLOAK_KEYIDBYTES);
    memset(id, 0xAA, sizeof id);
    cloak_key_id(id, NULL);
    assert_true(all_zero(id, sizeof id));

    /* A tag of length 0 would accept anything; more than 32 bytes is not an HMAC-SHA256 tag. */
    cloak__hmac_sha256(mac, key, sizeof key, info, sizeof info - 1);
    assert_int_equal(cloak__hmac_sha256_verify(mac, 32, key, sizeof key, info, sizeof info - 1), CLOAK_OK);
    assert_int_equal(cloak__hmac_sha256_verify(mac, 0, key, sizeof key, info, sizeof info - 1), CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak__hmac_sha256_verify(mac, 33, key, sizeof key, info, sizeof info - 1), CLOAK_E_BAD_PARAMS);
    mac[31] ^= 1;
    assert_int_equal(cloak__hmac_sha256_verify(mac, 32, key, sizeof key, info, sizeof info - 1), CLOAK_E_AUTH);
    assert_int_equal(cloak__hmac_sha256_verify(mac, 31, key, sizeof key, info, sizeof info - 1), CLOAK_OK);
}

static void test_aead_edges(void **state)
{
    uint8_t key[32], nonce[CLOAK_XNONCEBYTES], c[CLOAK_AEAD_TAGBYTES + 4], m[8];
    (void)state;

    memset(key, 7, sizeof key);
    memset(nonce, 9, sizeof nonce);
    /* Empty message and associated data, given as NULL. */
    cloak__xchacha_seal(c, NULL, 0, NULL, 0, nonce, key);
    assert_int_equal(cloak__xchacha_open(NULL, c, CLOAK_AEAD_TAGBYTES, NULL, 0, nonce, key), CLOAK_OK);
    cloak__chacha_seal(c, NULL, 0, NULL, 0, nonce, key);
    assert_int_equal(cloak__chacha_open(NULL, c, CLOAK_AEAD_TAGBYTES, NULL, 0, nonce, key), CLOAK_OK);
    /* Shorter than a tag: authentication failure, nothing written. */
    for (size_t len = 0; len < CLOAK_AEAD_TAGBYTES; len++) {
        assert_int_equal(cloak__xchacha_open(m, c, len, NULL, 0, nonce, key), CLOAK_E_AUTH);
        assert_int_equal(cloak__chacha_open(m, c, len, NULL, 0, nonce, key), CLOAK_E_AUTH);
    }
    /* Every byte of a sealed message matters, and a failed open zeroes the output. */
    memcpy(m, "abcd", 4);
    cloak__xchacha_seal(c, m, 4, (const uint8_t *)"ad", 2, nonce, key);
    for (size_t i = 0; i < sizeof c; i++) {
        c[i] ^= 0x80;
        memset(m, 0xAA, sizeof m);
        assert_int_equal(cloak__xchacha_open(m, c, sizeof c, (const uint8_t *)"ad", 2, nonce, key), CLOAK_E_AUTH);
        assert_true(all_zero(m, 4));
        c[i] ^= 0x80;
    }
    assert_int_equal(cloak__xchacha_open(m, c, sizeof c, (const uint8_t *)"ad", 2, nonce, key), CLOAK_OK);
    assert_memory_equal(m, "abcd", 4);
    assert_int_equal(cloak__xchacha_open(m, c, sizeof c, (const uint8_t *)"ae", 2, nonce, key), CLOAK_E_AUTH);
    assert_true(all_zero(m, 4));
    /* NULL where data is required. */
    memset(m, 0xAA, sizeof m);
    assert_int_equal(cloak__xchacha_open(m, c, sizeof c, NULL, 2, nonce, key), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(m, 4));
    assert_int_equal(cloak__chacha_open(NULL, c, sizeof c, NULL, 0, nonce, key), CLOAK_E_BAD_PARAMS);
}

static void test_dh_edges(void **state)
{
    uint8_t sk[32], pk[32], shared[32], zero[32] = {0};
    uint8_t seed[32], ipk[32], isk[64], bad_sk[64], sig[64], sig2[64];
    uint8_t content[CLOAK_SIGNED_CONTENT_MAX + 1];
    uint8_t raw[1 + 18 + 32 + 4];
    (void)state;

    /* The all-zero point is of low order: refused, output zeroed. */
    crypto_box_keypair(pk, sk);
    memset(shared, 0xAA, sizeof shared);
    assert_int_equal(cloak__x25519(shared, sk, zero), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(shared, sizeof shared));
    assert_int_equal(cloak__x25519(shared, sk, pk), CLOAK_OK);
    assert_false(all_zero(shared, sizeof shared));

    memset(seed, 3, sizeof seed);
    crypto_sign_seed_keypair(ipk, isk, seed);
    for (size_t i = 0; i < sizeof content; i++) {
        content[i] = (uint8_t)i;
    }
    /* Round trip at the content bound; another label, content or key fails. */
    assert_int_equal(cloak__sign_labeled(sig, CLOAK_LABEL_SIG_SHARE, content, CLOAK_SIGNED_CONTENT_MAX, isk), CLOAK_OK);
    assert_int_equal(cloak__verify_labeled(sig, CLOAK_LABEL_SIG_SHARE, content, CLOAK_SIGNED_CONTENT_MAX, ipk),
                     CLOAK_OK);
    assert_int_equal(cloak__verify_labeled(sig, CLOAK_LABEL_SIG_BATCH, content, CLOAK_SIGNED_CONTENT_MAX, ipk),
                     CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(cloak__verify_labeled(sig, CLOAK_LABEL_SIG_SHARE, content, CLOAK_SIGNED_CONTENT_MAX - 1, ipk),
                     CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(cloak__verify_labeled(sig, CLOAK_LABEL_SIG_SHARE, content, CLOAK_SIGNED_CONTENT_MAX, pk),
                     CLOAK_E_BAD_SIGNATURE);
    assert_int_equal(cloak__verify_labeled(sig, CLOAK_LABEL_SIG_SHARE, content, sizeof content, ipk),
                     CLOAK_E_BAD_PARAMS);
    /* The signed message is exactly lp8(label) || signer public key || content. */
    assert_int_equal(cloak__sign_labeled(sig, CLOAK_LABEL_SIG_BUNDLE, content, 4, isk), CLOAK_OK);
    raw[0] = (uint8_t)CLOAK_LABEL_LEN(CLOAK_LABEL_SIG_BUNDLE);
    memcpy(raw + 1, CLOAK_LABEL_SIG_BUNDLE, 18);
    memcpy(raw + 19, ipk, 32);
    memcpy(raw + 51, content, 4);
    assert_int_equal(crypto_sign_verify_detached(sig, raw, sizeof raw, ipk), 0);
    /* A secret key whose public half is not its seed's is refused, and nothing is signed: two
     * signatures of one message under one seed with different public halves would reveal the scalar. */
    memcpy(bad_sk, isk, 64);
    bad_sk[40] ^= 1;
    memset(sig2, 0xA5, sizeof sig2);
    assert_int_equal(cloak__sign_labeled(sig2, CLOAK_LABEL_SIG_BUNDLE, content, 4, bad_sk), CLOAK_E_INVALID_KEY);
    assert_true(sodium_is_zero(sig2, sizeof sig2));
    /* Empty content. */
    assert_int_equal(cloak__sign_labeled(sig, CLOAK_LABEL_SIG_BATCH, NULL, 0, isk), CLOAK_OK);
    assert_int_equal(cloak__verify_labeled(sig, CLOAK_LABEL_SIG_BATCH, NULL, 0, ipk), CLOAK_OK);
}

static int setup(void **state)
{
    (void)state;
    return cloak_init() == CLOAK_OK ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hkdf_sha256),       cmocka_unit_test(test_hmac_sha256),
        cmocka_unit_test(test_chacha20_poly1305), cmocka_unit_test(test_xchacha20_poly1305),
        cmocka_unit_test(test_ed25519),           cmocka_unit_test(test_x25519),
        cmocka_unit_test(test_hkdf_edges),        cmocka_unit_test(test_aead_edges),
        cmocka_unit_test(test_dh_edges),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
