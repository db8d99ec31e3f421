/*
 * Replays tests/vectors/libcloak.json through the library's public API. The file is produced by an
 * implementation written from docs/protocol.md alone (tests/vectors/spec/), so every case is a check
 * of the library against the spec: an ok case must give exactly the outputs the file lists, a failure
 * case exactly the status it names, with every output buffer cleared. Operations that draw
 * randomness list the bytes they draw ("random", in order); the replay serves exactly those through
 * libsodium's random source, so sealed outputs are compared byte for byte too. Outside such a case
 * the source gives a fixed pattern, so failure cases that draw before failing stay reproducible.
 *
 * Every case runs even after a disagreement, and each disagreement is printed with the case's name,
 * so one run lists them all; the test fails if there is any.
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

#include "cloak.h"
#include "support/bytes.h"
#include "support/vectors.h"

/* Output buffers are filled with this before each call, so "cleared on failure" is observable. */
#define POISON 0xA5

struct replay {
    const char *name;
    json_t *inputs;
    json_t *outputs;
    int expected;     /* CLOAK_OK or the status the case names */
    int disagreements;
    void *to_free[16];
    size_t to_free_count;
};

/* A status of the file by name, failing the test on a name cloak.h does not have. */
static int status_code(const char *name)
{
    int code;
    if (vector_status_code(&code, name) != 0) {
        fail_msg("unknown status name %s in libcloak.json", name);
    }
    return code;
}

static const char *status_name(int code)
{
    return vector_status_name(code);
}

static void disagree(struct replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void disagree(struct replay *r, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "libcloak.json case %s: ", r->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    r->disagreements++;
}

/* ---- the random source ------------------------------------------------------------------------ */

#define MAX_DRAWS 4U

static struct {
    struct replay *case_;
    uint8_t *draws[MAX_DRAWS];
    size_t lens[MAX_DRAWS];
    size_t count;
    size_t next;
} rng;

static void listed_random_buf(void *const buf, const size_t size)
{
    if (rng.case_ == NULL) {
        memset(buf, 0x42, size);
        return;
    }
    if (rng.next >= rng.count) {
        disagree(rng.case_, "the library draws %zu random bytes more than the case lists", size);
        memset(buf, 0x42, size);
        return;
    }
    if (rng.lens[rng.next] != size) {
        disagree(rng.case_, "random draw %zu: the library draws %zu bytes, the case lists %zu", rng.next, size,
                 rng.lens[rng.next]);
    }
    memset(buf, 0x42, size);
    memcpy(buf, rng.draws[rng.next], size < rng.lens[rng.next] ? size : rng.lens[rng.next]);
    rng.next++;
}

static uint32_t listed_random(void)
{
    uint32_t v;
    listed_random_buf(&v, sizeof v);
    return v;
}

static const char *listed_random_name(void)
{
    return "libcloak-vectors";
}

static struct randombytes_implementation listed_rng = {
    .implementation_name = listed_random_name,
    .random = listed_random,
    .stir = NULL,
    .uniform = NULL,
    .buf = listed_random_buf,
    .close = NULL,
};

/* Serves the case's "random" list, if it has one, to the next operation. */
static void rng_arm(struct replay *r)
{
    json_t *list = json_object_get(r->inputs, "random");
    size_t i;
    if (list == NULL) {
        return;
    }
    assert_true(json_is_array(list) && json_array_size(list) <= MAX_DRAWS);
    for (i = 0; i < json_array_size(list); i++) {
        rng.draws[i] = hex_decode(json_string_value(json_array_get(list, i)), &rng.lens[i]);
        assert_non_null(rng.draws[i]);
    }
    rng.count = json_array_size(list);
    rng.next = 0;
    rng.case_ = r;
}

static void rng_disarm(struct replay *r)
{
    size_t i;
    if (rng.case_ == NULL) {
        return;
    }
    if (rng.next != rng.count) {
        disagree(r, "the library drew %zu of the %zu random values the case lists", rng.next, rng.count);
    }
    for (i = 0; i < rng.count; i++) {
        free(rng.draws[i]);
    }
    memset(&rng, 0, sizeof rng);
}

/* ---- inputs ------------------------------------------------------------------------------------- */

/* Hex input `key` decoded into a buffer freed after the case (never NULL, even when empty). */
static uint8_t *in_bytes(struct replay *r, const char *key, size_t *len)
{
    const char *hex = json_string_value(json_object_get(r->inputs, key));
    uint8_t *out;
    if (hex == NULL) {
        fail_msg("case %s: input %s missing or not a string", r->name, key);
    }
    out = hex_decode(hex, len);
    if (out == NULL) {
        fail_msg("case %s: input %s is not hex", r->name, key);
    }
    assert_true(r->to_free_count < sizeof r->to_free / sizeof r->to_free[0]);
    r->to_free[r->to_free_count++] = out;
    return out;
}

/* A hex input of exactly `len` bytes (a fixed-size parameter of the C API). */
static uint8_t *in_fixed(struct replay *r, const char *key, size_t len)
{
    size_t got;
    uint8_t *out = in_bytes(r, key, &got);
    if (got != len) {
        fail_msg("case %s: input %s has %zu bytes, the C parameter takes %zu", r->name, key, got, len);
    }
    return out;
}

static uint32_t in_u32(struct replay *r, const char *key)
{
    json_t *v = json_object_get(r->inputs, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0xFFFFFFFF) {
        fail_msg("case %s: input %s is not a u32", r->name, key);
    }
    return (uint32_t)json_integer_value(v);
}

static uint64_t in_u64(struct replay *r, const char *key)
{
    json_t *v = json_object_get(r->inputs, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        fail_msg("case %s: input %s is not a u64 (within JSON's signed 64-bit range)", r->name, key);
    }
    return (uint64_t)json_integer_value(v);
}

static size_t in_size(struct replay *r, const char *key)
{
    uint64_t v = in_u64(r, key);
    if (v > SIZE_MAX) {
        fail_msg("case %s: input %s does not fit a size_t", r->name, key);
    }
    return (size_t)v;
}

/* A list of hex strings concatenated, each of `elem_len` bytes when elem_len is not 0. */
static uint8_t *in_list(struct replay *r, const char *key, size_t elem_len, size_t *count, size_t **lens)
{
    json_t *list = json_object_get(r->inputs, key);
    size_t i, total = 0, n;
    uint8_t *out, *one;
    if (!json_is_array(list)) {
        fail_msg("case %s: input %s is not a list", r->name, key);
    }
    n = json_array_size(list);
    out = test_alloc(n * (elem_len ? elem_len : 1) + 1);
    *lens = test_alloc((n + 1) * sizeof **lens);
    for (i = 0; i < n; i++) {
        size_t len;
        one = hex_decode(json_string_value(json_array_get(list, i)), &len);
        if (one == NULL || (elem_len != 0 && len != elem_len)) {
            fail_msg("case %s: element %zu of %s is not hex of the right length", r->name, i, key);
        }
        (*lens)[i] = len;
        if (elem_len != 0) {
            memcpy(out + total, one, len);
            total += len;
        }
        free(one);
    }
    *count = n;
    return out;
}

static uint8_t *in_list_item(struct replay *r, const char *key, size_t i, size_t *len)
{
    uint8_t *out = hex_decode(json_string_value(json_array_get(json_object_get(r->inputs, key), i)), len);
    if (out == NULL) {
        fail_msg("case %s: element %zu of %s is not hex", r->name, i, key);
    }
    return out;
}

/* ---- outputs ------------------------------------------------------------------------------------ */

/* Compares `got` with the hex of output `key` (ok cases). */
static void out_bytes_json(struct replay *r, const char *key, json_t *expected_hex, const uint8_t *got, size_t len)
{
    size_t want_len;
    uint8_t *want;
    if (!json_is_string(expected_hex)) {
        disagree(r, "output %s missing from the file", key);
        return;
    }
    want = hex_decode(json_string_value(expected_hex), &want_len);
    assert_non_null(want);
    if (want_len != len || memcmp(want, got, len) != 0) {
        char *hex = test_alloc(2 * len + 1);
        size_t i;
        for (i = 0; i < len; i++) {
            snprintf(hex + 2 * i, 3, "%02x", got[i]);
        }
        hex[2 * len] = '\0';
        disagree(r, "output %s: library gives %s, file says %s", key, hex, json_string_value(expected_hex));
        free(hex);
    }
    free(want);
}

static void out_bytes(struct replay *r, const char *key, const uint8_t *got, size_t len)
{
    out_bytes_json(r, key, json_object_get(r->outputs, key), got, len);
}

static void out_int(struct replay *r, const char *key, long long got)
{
    json_t *v = json_object_get(r->outputs, key);
    if (!json_is_integer(v) || json_integer_value(v) != got) {
        disagree(r, "output %s: library gives %lld, file says %lld", key, got,
                 json_is_integer(v) ? (long long)json_integer_value(v) : -1LL);
    }
}

static void out_text(struct replay *r, const char *key, const char *got)
{
    const char *want = json_string_value(json_object_get(r->outputs, key));
    if (want == NULL || strcmp(want, got) != 0) {
        disagree(r, "output %s: library gives \"%s\", file says \"%s\"", key, got, want ? want : "(missing)");
    }
}

/* The status check, true when the case expects success and got it (then compare outputs). */
static int status_matches(struct replay *r, int rc)
{
    if (rc != r->expected) {
        disagree(r, "status: library gives %s, file says %s", status_name(rc), status_name(r->expected));
        return 0;
    }
    return rc == CLOAK_OK;
}

/* On a failure, an output buffer must hold no partial result. */
static void cleared(struct replay *r, const char *what, const void *buf, size_t len)
{
    if (r->expected != CLOAK_OK && !all_zero(buf, len)) {
        disagree(r, "output %s not cleared after %s", what, status_name(r->expected));
    }
}

/* ---- one function per operation ------------------------------------------------------------------ */

static void op_key_id(struct replay *r)
{
    uint8_t id[CLOAK_KEYIDBYTES];
    cloak_key_id(id, in_fixed(r, "key", CLOAK_KEYBYTES));
    if (status_matches(r, CLOAK_OK)) {
        out_bytes(r, "key_id", id, sizeof id);
    }
}

static void op_identity_keypair_from_seed(struct replay *r)
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES], sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    int rc;
    memset(pk, POISON, sizeof pk);
    memset(sk, POISON, sizeof sk);
    rc = cloak_identity_keypair_from_seed(pk, sk, in_fixed(r, "seed", CLOAK_IDENTITY_SEEDBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_bytes(r, "secret_key", sk, sizeof sk);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "secret_key", sk, sizeof sk);
}

static void op_encryption_keypair_from_seed(struct replay *r)
{
    uint8_t pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    size_t seed_len;
    const uint8_t *seed = in_bytes(r, "seed", &seed_len);
    int rc;
    memset(pk, POISON, sizeof pk);
    memset(sk, POISON, sizeof sk);
    rc = cloak_encryption_keypair_from_seed(pk, sk, seed, seed_len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_bytes(r, "secret_key", sk, sizeof sk);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "secret_key", sk, sizeof sk);
}

static void op_password_record_encode(struct replay *r)
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    int rc;
    memset(record, POISON, sizeof record);
    rc = cloak_password_record_encode(record, in_fixed(r, "salt", CLOAK_PASSWORD_SALTBYTES), in_u32(r, "memory_kib"),
                                      in_u32(r, "iterations"), in_u32(r, "parallelism"));
    if (status_matches(r, rc)) {
        out_bytes(r, "record", record, sizeof record);
    }
    cleared(r, "record", record, sizeof record);
}

static void op_password_record_new(struct replay *r)
{
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    int rc;
    memset(record, POISON, sizeof record);
    rc = cloak_password_record_new(record, in_u32(r, "memory_kib"), in_u32(r, "iterations"), in_u32(r, "parallelism"));
    if (status_matches(r, rc)) {
        out_bytes(r, "record", record, sizeof record);
    }
    cleared(r, "record", record, sizeof record);
}

static void op_password_record_decode(struct replay *r)
{
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    uint32_t m = 0xA5A5A5A5U, t = 0xA5A5A5A5U, p = 0xA5A5A5A5U;
    size_t len;
    const uint8_t *record = in_bytes(r, "record", &len);
    int rc;
    memset(salt, POISON, sizeof salt);
    rc = cloak_password_record_decode(salt, &m, &t, &p, record, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "salt", salt, sizeof salt);
        out_int(r, "memory_kib", m);
        out_int(r, "iterations", t);
        out_int(r, "parallelism", p);
    }
    cleared(r, "salt", salt, sizeof salt);
    cleared(r, "memory_kib", &m, sizeof m);
    cleared(r, "iterations", &t, sizeof t);
    cleared(r, "parallelism", &p, sizeof p);
}

/* An optional hex input: NULL when the case leaves it out (the C API's "NULL: the default"). */
static uint8_t *in_optional_fixed(struct replay *r, const char *key, size_t len)
{
    if (json_object_get(r->inputs, key) == NULL) {
        return NULL;
    }
    return in_fixed(r, key, len);
}

static void op_password_derive(struct replay *r)
{
    uint8_t master[CLOAK_KEYBYTES], login[CLOAK_KEYBYTES];
    size_t password_len, account_id_len, secret_key_len, record_len;
    const uint8_t *password = in_bytes(r, "password", &password_len);
    const uint8_t *account_id = in_bytes(r, "account_id", &account_id_len);
    const uint8_t *secret_key = in_bytes(r, "secret_key", &secret_key_len);
    const uint8_t *record = in_bytes(r, "record", &record_len);
    const uint8_t *policy = in_optional_fixed(r, "policy", CLOAK_PASSWORD_POLICYBYTES);
    int rc;
    memset(master, POISON, sizeof master);
    memset(login, POISON, sizeof login);
    /* An empty secret key is passed as the header says an account without one is: NULL, 0. */
    rc = cloak_password_derive(master, login, password, password_len, account_id, account_id_len,
                               secret_key_len == 0 ? NULL : secret_key, secret_key_len, record, record_len, policy);
    if (status_matches(r, rc)) {
        out_bytes(r, "master_key", master, sizeof master);
        out_bytes(r, "login_key", login, sizeof login);
    }
    cleared(r, "master_key", master, sizeof master);
    cleared(r, "login_key", login, sizeof login);
}

static void op_password_policy_default(struct replay *r)
{
    uint8_t policy[CLOAK_PASSWORD_POLICYBYTES];
    memset(policy, POISON, sizeof policy);
    cloak_password_policy_default(policy);
    if (status_matches(r, CLOAK_OK)) {
        out_bytes(r, "policy", policy, sizeof policy);
    }
}

static void op_password_policy_init(struct replay *r)
{
    uint8_t policy[CLOAK_PASSWORD_POLICYBYTES];
    int rc;
    memset(policy, POISON, sizeof policy);
    rc = cloak_password_policy_init(policy, in_u32(r, "memory_kib_min"), in_u32(r, "cost_min"),
                                    in_u32(r, "memory_kib_max"), in_u32(r, "cost_max"), in_u32(r, "iterations_max"),
                                    in_u32(r, "parallelism_max"));
    if (status_matches(r, rc)) {
        out_bytes(r, "policy", policy, sizeof policy);
    }
    cleared(r, "policy", policy, sizeof policy);
}

static void op_password_record_check(struct replay *r)
{
    size_t record_len;
    const uint8_t *record = in_bytes(r, "record", &record_len);
    const uint8_t *policy = in_optional_fixed(r, "policy", CLOAK_PASSWORD_POLICYBYTES);
    status_matches(r, cloak_password_record_check(record, record_len, policy));
}

static void op_account_secret_key_generate(struct replay *r)
{
    uint8_t key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    memset(key, POISON, sizeof key);
    cloak_account_secret_key_generate(key);
    if (status_matches(r, CLOAK_OK)) {
        out_bytes(r, "secret_key", key, sizeof key);
    }
}

static void op_account_secret_key_encode(struct replay *r)
{
    char text[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES];
    size_t account_id_len;
    const uint8_t *key = in_fixed(r, "secret_key", CLOAK_ACCOUNT_SECRET_KEYBYTES);
    const uint8_t *account_id = in_bytes(r, "account_id", &account_id_len);
    int rc;
    memset(text, POISON, sizeof text);
    rc = cloak_account_secret_key_encode(text, key, account_id, account_id_len);
    if (status_matches(r, rc)) {
        /* Exactly 51 characters and the terminator, with nothing past it to compare. */
        if (memchr(text, '\0', sizeof text) != text + sizeof text - 1) {
            disagree(r, "text is not %zu characters and a NUL", sizeof text - 1);
        } else {
            out_text(r, "text", text);
        }
    }
    cleared(r, "text", text, sizeof text);
}

static void op_account_secret_key_decode(struct replay *r)
{
    uint8_t key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    size_t account_id_len;
    const char *text = json_string_value(json_object_get(r->inputs, "text"));
    const uint8_t *account_id = in_bytes(r, "account_id", &account_id_len);
    int rc;
    assert_non_null(text);
    memset(key, POISON, sizeof key);
    rc = cloak_account_secret_key_decode(key, text, strlen(text), account_id, account_id_len);
    if (status_matches(r, rc)) {
        out_bytes(r, "secret_key", key, sizeof key);
    }
    cleared(r, "secret_key", key, sizeof key);
}

static void op_wrapped_key_rewrap(struct replay *r)
{
    uint8_t rewrapped[CLOAK_WRAPPED_KEYBYTES];
    size_t len;
    const uint8_t *old_master = in_fixed(r, "old_master_key", CLOAK_KEYBYTES);
    const uint8_t *new_master = in_fixed(r, "new_master_key", CLOAK_KEYBYTES);
    const uint8_t *wrapped = in_bytes(r, "wrapped", &len);
    int rc;
    memset(rewrapped, POISON, sizeof rewrapped);
    /* The new nonce is the case's listed draw, so the blob is compared byte for byte. */
    rc = cloak_wrapped_key_rewrap(rewrapped, old_master, new_master, wrapped, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "rewrapped", rewrapped, sizeof rewrapped);
    }
    cleared(r, "rewrapped", rewrapped, sizeof rewrapped);
}

static void op_public_export(struct replay *r, int identity)
{
    uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES];
    const uint8_t *pk = in_fixed(r, "public_key", 32);
    if (identity) {
        cloak_identity_public_export(blob, pk);
    } else {
        cloak_encryption_public_export(blob, pk);
    }
    if (status_matches(r, CLOAK_OK)) {
        out_bytes(r, "blob", blob, sizeof blob);
    }
}

static void op_identity_public_export(struct replay *r)
{
    op_public_export(r, 1);
}

static void op_encryption_public_export(struct replay *r)
{
    op_public_export(r, 0);
}

static void op_public_import(struct replay *r, int identity)
{
    uint8_t pk[32];
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    rc = identity ? cloak_identity_public_import(pk, blob, len) : cloak_encryption_public_import(pk, blob, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
    }
    cleared(r, "public_key", pk, sizeof pk);
}

static void op_identity_public_import(struct replay *r)
{
    op_public_import(r, 1);
}

static void op_encryption_public_import(struct replay *r)
{
    op_public_import(r, 0);
}

static void op_text_encode(struct replay *r)
{
    size_t blob_len, text_len = 0;
    const uint8_t *blob = in_bytes(r, "blob", &blob_len);
    size_t cap = cloak_text_encoded_len(blob_len);
    char *text = test_alloc(cap);
    int rc = cloak_text_encode(text, cap, &text_len, blob, blob_len);
    if (status_matches(r, rc)) {
        out_text(r, "text", text);
        if (text_len != strlen(text)) {
            disagree(r, "text_len %zu, but the text has %zu characters", text_len, strlen(text));
        }
    }
    free(text);
}

static void op_text_decode(struct replay *r)
{
    const char *text = json_string_value(json_object_get(r->inputs, "text"));
    size_t cap, blob_len = 0;
    uint8_t *blob;
    int rc;
    assert_non_null(text);
    cap = cloak_text_decoded_maxlen(strlen(text)) + 1;
    blob = test_alloc(cap);
    memset(blob, POISON, cap);
    rc = cloak_text_decode(blob, cap, &blob_len, text, strlen(text));
    if (status_matches(r, rc)) {
        out_bytes(r, "blob", blob, blob_len);
    }
    cleared(r, "blob", blob, cap);
    free(blob);
}

static void op_blob_inspect(struct replay *r)
{
    int type = 0x5A5A;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc;
    memset(key_id, POISON, sizeof key_id);
    rc = cloak_blob_inspect(&type, key_id, blob, len);
    if (status_matches(r, rc)) {
        out_int(r, "type", type);
        out_bytes(r, "key_id", key_id, sizeof key_id);
    }
    cleared(r, "type", &type, sizeof type);
    cleared(r, "key_id", key_id, sizeof key_id);
}

static void op_bundle_create(struct replay *r)
{
    uint8_t bundle[CLOAK_BUNDLEBYTES];
    int rc;
    memset(bundle, POISON, sizeof bundle);
    rc = cloak_bundle_create(bundle, in_fixed(r, "identity_secret_key", CLOAK_IDENTITY_SECRETKEYBYTES),
                             in_fixed(r, "encryption_public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "bundle", bundle, sizeof bundle);
    }
    cleared(r, "bundle", bundle, sizeof bundle);
}

static void op_bundle_verify(struct replay *r)
{
    uint8_t ipk[CLOAK_IDENTITY_PUBLICKEYBYTES], epk[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    size_t len;
    const uint8_t *bundle = in_bytes(r, "bundle", &len);
    int rc;
    memset(ipk, POISON, sizeof ipk);
    memset(epk, POISON, sizeof epk);
    rc = cloak_bundle_verify(ipk, epk, bundle, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "identity_public_key", ipk, sizeof ipk);
        out_bytes(r, "encryption_public_key", epk, sizeof epk);
    }
    cleared(r, "identity_public_key", ipk, sizeof ipk);
    cleared(r, "encryption_public_key", epk, sizeof epk);
}

static void op_identity_sign(struct replay *r)
{
    uint8_t sig[CLOAK_SIGNATUREBYTES];
    size_t message_len, context_len;
    const uint8_t *message = in_bytes(r, "message", &message_len);
    const uint8_t *context = in_bytes(r, "context", &context_len);
    int rc;
    memset(sig, POISON, sizeof sig);
    rc = cloak_identity_sign(sig, message, message_len, context, context_len,
                             in_fixed(r, "secret_key", CLOAK_IDENTITY_SECRETKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "signature", sig, sizeof sig);
    }
    cleared(r, "signature", sig, sizeof sig);
}

static void op_identity_verify(struct replay *r)
{
    size_t message_len, context_len;
    const uint8_t *message = in_bytes(r, "message", &message_len);
    const uint8_t *context = in_bytes(r, "context", &context_len);
    int rc = cloak_identity_verify(in_fixed(r, "signature", CLOAK_SIGNATUREBYTES), message, message_len, context,
                                   context_len, in_fixed(r, "public_key", CLOAK_IDENTITY_PUBLICKEYBYTES));
    (void)status_matches(r, rc);
}

static void op_wrap(struct replay *r, int kind)
{
    uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES];
    const uint8_t *master = in_fixed(r, "master_key", CLOAK_KEYBYTES);
    int rc;
    memset(wrapped, POISON, sizeof wrapped);
    if (kind == CLOAK_TYPE_WRAPPED_IDENTITY_KEY) {
        rc = cloak_identity_wrap(wrapped, master, in_fixed(r, "secret_key", CLOAK_IDENTITY_SECRETKEYBYTES));
    } else if (kind == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY) {
        rc = cloak_encryption_wrap(wrapped, master, in_fixed(r, "secret_key", CLOAK_ENCRYPTION_SECRETKEYBYTES));
    } else {
        rc = cloak_service_account_wrap(wrapped, master, in_fixed(r, "secret_key", CLOAK_ENCRYPTION_SECRETKEYBYTES));
    }
    if (status_matches(r, rc)) {
        out_bytes(r, "wrapped", wrapped, sizeof wrapped);
    }
    cleared(r, "wrapped", wrapped, sizeof wrapped);
}

static void op_identity_wrap(struct replay *r)
{
    op_wrap(r, CLOAK_TYPE_WRAPPED_IDENTITY_KEY);
}

static void op_encryption_wrap(struct replay *r)
{
    op_wrap(r, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY);
}

static void op_service_account_wrap(struct replay *r)
{
    op_wrap(r, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY);
}

static void op_unwrap(struct replay *r, int kind)
{
    uint8_t pk[32], sk[64];
    size_t sk_len = kind == CLOAK_TYPE_WRAPPED_IDENTITY_KEY ? CLOAK_IDENTITY_SECRETKEYBYTES
                                                            : CLOAK_ENCRYPTION_SECRETKEYBYTES;
    size_t len;
    const uint8_t *master = in_fixed(r, "master_key", CLOAK_KEYBYTES);
    const uint8_t *wrapped = in_bytes(r, "wrapped", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    memset(sk, POISON, sizeof sk);
    if (kind == CLOAK_TYPE_WRAPPED_IDENTITY_KEY) {
        rc = cloak_identity_unwrap(pk, sk, master, wrapped, len);
    } else if (kind == CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY) {
        rc = cloak_encryption_unwrap(pk, sk, master, wrapped, len);
    } else {
        rc = cloak_service_account_unwrap(pk, sk, master, wrapped, len);
    }
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_bytes(r, "secret_key", sk, sk_len);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "secret_key", sk, sk_len);
}

static void op_identity_unwrap(struct replay *r)
{
    op_unwrap(r, CLOAK_TYPE_WRAPPED_IDENTITY_KEY);
}

static void op_encryption_unwrap(struct replay *r)
{
    op_unwrap(r, CLOAK_TYPE_WRAPPED_ENCRYPTION_KEY);
}

static void op_service_account_unwrap(struct replay *r)
{
    op_unwrap(r, CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY);
}

static void op_wrapped_key_public_key(struct replay *r)
{
    uint8_t pk[CLOAK_WRAPPED_KEY_PUBLICKEYBYTES];
    int type = 0x5A5A;
    size_t len;
    const uint8_t *wrapped = in_bytes(r, "wrapped", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    rc = cloak_wrapped_key_public_key(pk, &type, wrapped, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_int(r, "type", type);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "type", &type, sizeof type);
}

static void op_service_account_private_export(struct replay *r)
{
    uint8_t blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    int rc;
    memset(blob, POISON, sizeof blob);
    rc = cloak_service_account_private_export(blob, in_fixed(r, "public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES),
                                              in_fixed(r, "secret_key", CLOAK_ENCRYPTION_SECRETKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "blob", blob, sizeof blob);
    }
    cleared(r, "blob", blob, sizeof blob);
}

static void op_service_account_private_import(struct replay *r)
{
    uint8_t pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    memset(sk, POISON, sizeof sk);
    rc = cloak_service_account_private_import(pk, sk, blob, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_bytes(r, "secret_key", sk, sizeof sk);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "secret_key", sk, sizeof sk);
}

/* The vault state of a key input, an epoch input and vault_id; its status, which a case may expect. */
static int vault_from_keys(struct replay *r, cloak_vault *vault, const char *key_input, const char *epoch_input)
{
    size_t vault_id_len;
    const uint8_t *vault_id = in_bytes(r, "vault_id", &vault_id_len);
    return cloak_vault_init(vault, in_fixed(r, key_input, CLOAK_KEYBYTES), in_u32(r, epoch_input), vault_id,
                            vault_id_len);
}

static int vault_from_inputs(struct replay *r, cloak_vault *vault)
{
    return vault_from_keys(r, vault, "vault_key", "epoch");
}

static void op_secret_open(struct replay *r)
{
    cloak_vault vault;
    size_t name_len, context_len, sealed_len, value_len = 0;
    const uint8_t *name = in_bytes(r, "name", &name_len);
    const uint8_t *context = in_bytes(r, "context", &context_len);
    const uint8_t *sealed = in_bytes(r, "sealed", &sealed_len);
    size_t cap = cloak_secret_opened_len(sealed_len) + 1;
    uint8_t *value = test_alloc(cap);
    int rc = vault_from_inputs(r, &vault);
    memset(value, POISON, cap);
    if (rc == CLOAK_OK) {
        rc = cloak_secret_open(&vault, value, cap, &value_len, name, name_len, context, context_len, sealed,
                               sealed_len);
        cloak_vault_wipe(&vault);
    }
    if (status_matches(r, rc)) {
        out_bytes(r, "value", value, value_len);
    }
    cleared(r, "value", value, cap);
    free(value);
}

static void op_secret_seal(struct replay *r)
{
    cloak_vault vault;
    size_t name_len, context_len, value_len, sealed_len = 0;
    const uint8_t *name = in_bytes(r, "name", &name_len);
    const uint8_t *context = in_bytes(r, "context", &context_len);
    const uint8_t *value = in_bytes(r, "value", &value_len);
    size_t cap = cloak_secret_sealed_len(value_len);
    uint8_t *sealed = test_alloc(cap);
    int rc = vault_from_inputs(r, &vault);
    memset(sealed, POISON, cap);
    /* A vault that failed to initialise (epoch 0, an empty vault id) is still handed to seal: the
     * case's status is the init's, and seal must refuse the wiped state and clear its output. */
    const int seal_rc = cloak_secret_seal(&vault, sealed, cap, &sealed_len, name, name_len, context, context_len,
                                          value, value_len);
    if (rc == CLOAK_OK) {
        rc = seal_rc;
    } else if (seal_rc != CLOAK_E_BAD_STATE) {
        disagree(r, "seal on a vault that failed to initialise gives %d, not BAD_STATE", seal_rc);
    }
    cloak_vault_wipe(&vault);
    if (status_matches(r, rc)) {
        out_bytes(r, "sealed", sealed, sealed_len);
    }
    cleared(r, "sealed", sealed, cap);
    free(sealed);
}

static void op_secret_reseal(struct replay *r)
{
    cloak_vault from, to;
    size_t name_len, context_len, sealed_len, resealed_len = 0;
    const uint8_t *name = in_bytes(r, "name", &name_len);
    const uint8_t *context = in_bytes(r, "context", &context_len);
    const uint8_t *sealed = in_bytes(r, "sealed", &sealed_len);
    uint8_t *resealed = test_alloc(sealed_len + 1);
    int rc = vault_from_keys(r, &from, "from_vault_key", "from_epoch");
    memset(resealed, POISON, sealed_len + 1);
    if (rc == CLOAK_OK) {
        rc = vault_from_keys(r, &to, "to_vault_key", "to_epoch");
        if (rc == CLOAK_OK) {
            rc = cloak_secret_reseal(&from, &to, resealed, sealed_len, &resealed_len, name, name_len, context,
                                     context_len, sealed, sealed_len);
            cloak_vault_wipe(&to);
        }
        cloak_vault_wipe(&from);
    }
    if (status_matches(r, rc)) {
        out_bytes(r, "resealed", resealed, resealed_len);
    }
    cleared(r, "resealed", resealed, sealed_len);
    free(resealed);
}

/* The length helpers of padded objects (section 1.5): plain functions of their arguments. */
static void op_secret_sealed_len(struct replay *r)
{
    size_t got = cloak_secret_sealed_len(in_size(r, "value_len"));
    if (status_matches(r, CLOAK_OK)) {
        out_int(r, "sealed_len", (long long)got);
    }
}

static void op_secret_opened_len(struct replay *r)
{
    size_t got = cloak_secret_opened_len(in_size(r, "sealed_len"));
    if (status_matches(r, CLOAK_OK)) {
        out_int(r, "value_cap", (long long)got);
    }
}

static void op_batch_item_len(struct replay *r)
{
    size_t got = cloak_batch_item_len(in_size(r, "name_len"), in_size(r, "value_len"));
    if (status_matches(r, CLOAK_OK)) {
        out_int(r, "item_len", (long long)got);
    }
}

static void op_batch_item_opened_maxlen(struct replay *r)
{
    size_t got = cloak_batch_item_opened_maxlen(in_size(r, "item_len"));
    if (status_matches(r, CLOAK_OK)) {
        out_int(r, "value_cap", (long long)got);
    }
}

static void op_vault_blind_index(struct replay *r)
{
    cloak_vault vault;
    uint8_t index[CLOAK_BLIND_INDEXBYTES];
    size_t name_len;
    const uint8_t *name = in_bytes(r, "name", &name_len);
    int rc = vault_from_inputs(r, &vault);
    memset(index, POISON, sizeof index);
    if (rc == CLOAK_OK) {
        rc = cloak_vault_blind_index(&vault, index, name, name_len);
        cloak_vault_wipe(&vault);
    }
    if (status_matches(r, rc)) {
        out_bytes(r, "index", index, sizeof index);
    }
    cleared(r, "index", index, sizeof index);
}

static void op_share_sender(struct replay *r)
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    size_t len;
    const uint8_t *share = in_bytes(r, "share", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    rc = cloak_share_sender(pk, share, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "sender_identity_public_key", pk, sizeof pk);
    }
    cleared(r, "sender_identity_public_key", pk, sizeof pk);
}

static void op_share_open(struct replay *r)
{
    uint8_t vault_key[CLOAK_KEYBYTES];
    uint32_t epoch = 0xA5A5A5A5U;
    size_t share_len, vault_id_len;
    const uint8_t *share = in_bytes(r, "share", &share_len);
    const uint8_t *vault_id = in_bytes(r, "vault_id", &vault_id_len);
    int rc;
    memset(vault_key, POISON, sizeof vault_key);
    rc = cloak_share_open(vault_key, &epoch, share, share_len, vault_id, vault_id_len,
                          in_fixed(r, "recipient_public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES),
                          in_fixed(r, "recipient_secret_key", CLOAK_ENCRYPTION_SECRETKEYBYTES),
                          in_fixed(r, "trusted_sender_identity_public_key", CLOAK_IDENTITY_PUBLICKEYBYTES),
                          in_u32(r, "min_epoch"));
    if (status_matches(r, rc)) {
        out_bytes(r, "vault_key", vault_key, sizeof vault_key);
        out_int(r, "epoch", epoch);
    }
    cleared(r, "vault_key", vault_key, sizeof vault_key);
    cleared(r, "epoch", &epoch, sizeof epoch);
}

static void op_share_seal(struct replay *r)
{
    uint8_t share[CLOAK_SHAREBYTES];
    size_t vault_id_len;
    const uint8_t *vault_id = in_bytes(r, "vault_id", &vault_id_len);
    int rc;
    memset(share, POISON, sizeof share);
    rc = cloak_share_seal(share, in_fixed(r, "vault_key", CLOAK_KEYBYTES), in_u32(r, "epoch"), vault_id,
                          vault_id_len,
                          in_fixed(r, "recipient_public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES),
                          in_fixed(r, "sender_identity_secret_key", CLOAK_IDENTITY_SECRETKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "share", share, sizeof share);
    }
    cleared(r, "share", share, sizeof share);
}

/* The batch head inputs every batch_seal and batch_begin case carries; `xwing` picks the suite 2
 * functions (the _xwing composites) and the size of the account's key. */
struct batch_head {
    const uint8_t *account_public_key, *creator_identity_public_key, *vault_id, *head_hash;
    size_t vault_id_len;
    uint32_t epoch;
    uint64_t head_version, expiry;
    int xwing;
};

static void batch_head_from_inputs(struct replay *r, struct batch_head *h, int xwing)
{
    h->xwing = xwing;
    h->account_public_key = in_fixed(r, "account_public_key",
                                     xwing ? CLOAK_XWING_PUBLICKEYBYTES : CLOAK_ENCRYPTION_PUBLICKEYBYTES);
    h->creator_identity_public_key = in_fixed(r, "creator_identity_public_key", CLOAK_IDENTITY_PUBLICKEYBYTES);
    h->vault_id = in_bytes(r, "vault_id", &h->vault_id_len);
    h->epoch = in_u32(r, "epoch");
    h->head_version = in_u64(r, "head_version");
    h->head_hash = in_fixed(r, "head_hash", CLOAK_HEAD_HASHBYTES);
    h->expiry = in_u64(r, "expiry");
}

static int batch_begin_from(cloak_batch *writer, const struct batch_head *h)
{
    if (h->xwing) {
        return cloak_batch_begin_xwing(writer, h->account_public_key, h->creator_identity_public_key, h->vault_id,
                                       h->vault_id_len, h->epoch, h->head_version, h->head_hash, h->expiry);
    }
    return cloak_batch_begin(writer, h->account_public_key, h->creator_identity_public_key, h->vault_id,
                             h->vault_id_len, h->epoch, h->head_version, h->head_hash, h->expiry);
}

/* batch_open: cloak_batch_count (to size the tags), cloak_batch_verify, cloak_batch_check with
 * min_epoch, min_head_version and now, then cloak_batch_open_item on every listed item in the order
 * given; the status is the first failure's. "tamper_tag", when present, is the index of a tag the
 * caller alters between verify and the items, as a caller's bug or an attacker in its memory could.
 * batch_open_xwing is the same with cloak_batch_verify_xwing. */
static void batch_open_suite(struct replay *r, int xwing)
{
    cloak_batch reader;
    size_t blob_len, vault_id_len, trusted_count, item_count, i, tags_len = 0;
    size_t *trusted_lens, *item_lens;
    uint32_t count = 0;
    const uint8_t *blob = in_bytes(r, "blob", &blob_len);
    const uint8_t *vault_id = in_bytes(r, "vault_id", &vault_id_len);
    uint8_t *trusted = in_list(r, "trusted", CLOAK_IDENTITY_PUBLICKEYBYTES, &trusted_count, &trusted_lens);
    uint8_t *unused = in_list(r, "items", 0, &item_count, &item_lens);
    uint8_t *tags = NULL;
    json_t *tamper = json_object_get(r->inputs, "tamper_tag");
    int rc = cloak_batch_count(&count, blob, blob_len);

    memset(&reader, 0, sizeof reader);
    if (rc == CLOAK_OK) {
        tags_len = cloak_batch_tags_len(count);
        if (tags_len != (size_t)count * CLOAK_BATCH_TAGBYTES) {
            disagree(r, "cloak_batch_tags_len(%u) is %zu", (unsigned)count, tags_len);
        }
        tags = test_alloc(tags_len + 1);
        if (xwing) {
            rc = cloak_batch_verify_xwing(&reader, tags, tags_len, blob, blob_len, vault_id, vault_id_len,
                                          in_fixed(r, "account_public_key", CLOAK_XWING_PUBLICKEYBYTES),
                                          in_fixed(r, "account_secret_key", CLOAK_XWING_SECRETKEYBYTES), trusted,
                                          trusted_count);
        } else {
            rc = cloak_batch_verify(&reader, tags, tags_len, blob, blob_len, vault_id, vault_id_len,
                                    in_fixed(r, "account_public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES),
                                    in_fixed(r, "account_secret_key", CLOAK_ENCRYPTION_SECRETKEYBYTES), trusted,
                                    trusted_count);
        }
    }
    if (rc == CLOAK_OK && json_is_integer(tamper)) {
        size_t at = (size_t)json_integer_value(tamper);
        assert_true(at < count);
        tags[at * CLOAK_BATCH_TAGBYTES] ^= 0x01;
    }
    if (rc == CLOAK_OK) {
        rc = cloak_batch_check(&reader, in_u32(r, "min_epoch"), in_u64(r, "min_head_version"), in_u64(r, "now"));
    }
    if (rc == CLOAK_OK && r->expected == CLOAK_OK) {
        uint8_t signer[CLOAK_IDENTITY_PUBLICKEYBYTES], head_hash[CLOAK_HEAD_HASHBYTES];
        cloak_batch_signer(signer, &reader);
        cloak_batch_head_hash(head_hash, &reader);
        out_bytes(r, "signer", signer, sizeof signer);
        out_int(r, "item_count", (long long)cloak_batch_item_count(&reader));
        out_int(r, "epoch", (long long)cloak_batch_epoch(&reader));
        out_int(r, "head_version", (long long)cloak_batch_head_version(&reader));
        out_bytes(r, "head_hash", head_hash, sizeof head_hash);
        out_int(r, "expiry", (long long)cloak_batch_expiry(&reader));
    }
    for (i = 0; rc == CLOAK_OK && i < item_count; i++) {
        size_t item_len, name_len = 0, value_len = 0;
        uint8_t *item = in_list_item(r, "items", i, &item_len);
        uint8_t name[CLOAK_LABELBYTES_MAX];
        size_t value_cap = cloak_batch_item_opened_maxlen(item_len) + 1;
        uint8_t *value = test_alloc(value_cap);
        memset(name, POISON, sizeof name);
        memset(value, POISON, value_cap);
        rc = cloak_batch_open_item(&reader, tags, tags_len, item, item_len, name, sizeof name, &name_len, value,
                                   value_cap, &value_len);
        if (rc == CLOAK_OK && r->expected == CLOAK_OK) {
            out_bytes_json(r, "names", json_array_get(json_object_get(r->outputs, "names"), i), name, name_len);
            out_bytes_json(r, "values", json_array_get(json_object_get(r->outputs, "values"), i), value, value_len);
        } else if (rc != CLOAK_OK && rc == r->expected) {
            cleared(r, "name", name, sizeof name);
            cleared(r, "value", value, value_cap);
        }
        free(value);
        free(item);
    }
    (void)status_matches(r, rc);
    if (rc == CLOAK_OK && r->expected == CLOAK_OK &&
        json_array_size(json_object_get(r->outputs, "names")) != item_count) {
        disagree(r, "the file lists %zu opened names for %zu items",
                 json_array_size(json_object_get(r->outputs, "names")), item_count);
    }
    cloak_batch_wipe(&reader);
    free(tags);
    free(trusted);
    free(trusted_lens);
    free(unused);
    free(item_lens);
}

static void op_batch_open(struct replay *r)
{
    batch_open_suite(r, 0);
}

static void op_batch_open_xwing(struct replay *r)
{
    batch_open_suite(r, 1);
}

/* batch_seal: cloak_batch_begin, cloak_batch_seal_item per (name, value) (each must get the next
 * index and give the listed item and digest), cloak_batch_finish with the digests in index order. A
 * failed seal_item must clear its item, index and digest; the blob is finish's output, checked only
 * when finish ran. batch_seal_xwing is the same with cloak_batch_begin_xwing. */
static void batch_seal_suite(struct replay *r, int xwing)
{
    cloak_batch writer;
    struct batch_head h;
    size_t count, value_count, i, blob_len = 0;
    size_t *name_lens, *value_lens;
    uint8_t *unused_names = in_list(r, "names", 0, &count, &name_lens);
    uint8_t *unused_values = in_list(r, "values", 0, &value_count, &value_lens);
    uint8_t *digests = test_alloc(count * CLOAK_BATCH_DIGESTBYTES + 1);
    size_t blob_cap;
    uint8_t *blob;
    json_t *expected_items = json_object_get(r->outputs, "items");
    json_t *expected_digests = json_object_get(r->outputs, "digests");
    int finished = 0;
    int rc;

    batch_head_from_inputs(r, &h, xwing);
    blob_cap = (xwing ? cloak_batch_len_xwing(h.vault_id_len, count) : cloak_batch_len(h.vault_id_len, count)) + 1;
    blob = test_alloc(blob_cap);
    memset(blob, POISON, blob_cap);
    assert_int_equal(count, value_count);
    rc = batch_begin_from(&writer, &h);
    for (i = 0; rc == CLOAK_OK && i < count; i++) {
        size_t name_len, value_len, item_len = 0;
        uint32_t index = 0xA5A5A5A5U;
        uint8_t *name = in_list_item(r, "names", i, &name_len);
        uint8_t *value = in_list_item(r, "values", i, &value_len);
        size_t item_cap = cloak_batch_item_len(name_len, value_len) + 1;
        uint8_t *item = test_alloc(item_cap);
        rc = cloak_batch_seal_item(&writer, item, item_cap, &item_len, &index, digests + i * CLOAK_BATCH_DIGESTBYTES,
                                   name, name_len, value, value_len);
        if (rc == CLOAK_OK && r->expected == CLOAK_OK) {
            if (index != i) {
                disagree(r, "item %zu sealed at index %u", i, (unsigned)index);
            }
            out_bytes_json(r, "items", json_array_get(expected_items, i), item, item_len);
            out_bytes_json(r, "digests", json_array_get(expected_digests, i), digests + i * CLOAK_BATCH_DIGESTBYTES,
                           CLOAK_BATCH_DIGESTBYTES);
        } else if (rc != CLOAK_OK && rc == r->expected) {
            cleared(r, "item", item, item_cap);
            cleared(r, "index", &index, sizeof index);
            cleared(r, "digest", digests + i * CLOAK_BATCH_DIGESTBYTES, CLOAK_BATCH_DIGESTBYTES);
        }
        free(item);
        free(value);
        free(name);
    }
    if (rc == CLOAK_OK) {
        rc = cloak_batch_finish(&writer, blob, blob_cap, &blob_len, digests, count,
                                in_fixed(r, "creator_identity_secret_key", CLOAK_IDENTITY_SECRETKEYBYTES));
        finished = 1;
    }
    if (status_matches(r, rc)) {
        out_bytes(r, "blob", blob, blob_len);
    }
    if (finished) {
        cleared(r, "blob", blob, blob_cap);
    }
    cloak_batch_wipe(&writer);
    free(blob);
    free(digests);
    free(unused_names);
    free(name_lens);
    free(unused_values);
    free(value_lens);
}

static void op_batch_seal(struct replay *r)
{
    batch_seal_suite(r, 0);
}

static void op_batch_seal_xwing(struct replay *r)
{
    batch_seal_suite(r, 1);
}

static void op_batch_sender(struct replay *r)
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    rc = cloak_batch_sender(pk, blob, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "identity_public_key", pk, sizeof pk);
    }
    cleared(r, "identity_public_key", pk, sizeof pk);
}

static void op_batch_count(struct replay *r)
{
    uint32_t count = 0xA5A5A5A5U;
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc = cloak_batch_count(&count, blob, len);
    if (status_matches(r, rc)) {
        out_int(r, "item_count", count);
    }
    cleared(r, "item_count", &count, sizeof count);
}

static void op_batch_item_index(struct replay *r)
{
    uint32_t index = 0xA5A5A5A5U;
    size_t len;
    const uint8_t *item = in_bytes(r, "item", &len);
    int rc = cloak_batch_item_index(&index, item, len);
    if (status_matches(r, rc)) {
        out_int(r, "index", index);
    }
    cleared(r, "index", &index, sizeof index);
}

static void op_batch_begin(struct replay *r)
{
    cloak_batch writer;
    struct batch_head h;
    int rc;
    batch_head_from_inputs(r, &h, 0);
    rc = batch_begin_from(&writer, &h);
    (void)status_matches(r, rc);
    cloak_batch_wipe(&writer);
}

static void op_hpke_open_base(struct replay *r)
{
    size_t info_len, aad_len, ct_len;
    const uint8_t *info = in_bytes(r, "info", &info_len);
    const uint8_t *aad = in_bytes(r, "aad", &aad_len);
    const uint8_t *ct = in_bytes(r, "ciphertext", &ct_len);
    size_t pt_len = ct_len >= CLOAK_HPKE_TAGBYTES ? ct_len - CLOAK_HPKE_TAGBYTES : 0;
    uint8_t *pt = test_alloc(pt_len + 1);
    int rc;
    memset(pt, POISON, pt_len + 1);
    rc = cloak_hpke_open_base(pt, in_fixed(r, "enc", CLOAK_HPKE_ENCBYTES),
                              in_fixed(r, "recipient_public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES),
                              in_fixed(r, "recipient_secret_key", CLOAK_ENCRYPTION_SECRETKEYBYTES), info, info_len, aad,
                              aad_len, ct, ct_len);
    if (status_matches(r, rc)) {
        out_bytes(r, "plaintext", pt, pt_len);
    }
    cleared(r, "plaintext", pt, pt_len);
    free(pt);
}

static void op_hpke_seal_base(struct replay *r)
{
    uint8_t enc[CLOAK_HPKE_ENCBYTES];
    size_t info_len, aad_len, pt_len;
    const uint8_t *info = in_bytes(r, "info", &info_len);
    const uint8_t *aad = in_bytes(r, "aad", &aad_len);
    const uint8_t *pt = in_bytes(r, "plaintext", &pt_len);
    uint8_t *ct = test_alloc(pt_len + CLOAK_HPKE_TAGBYTES);
    int rc;
    memset(enc, POISON, sizeof enc);
    memset(ct, POISON, pt_len + CLOAK_HPKE_TAGBYTES);
    rc = cloak_hpke_seal_base(enc, ct, in_fixed(r, "recipient_public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES), info,
                              info_len, aad, aad_len, pt, pt_len);
    if (status_matches(r, rc)) {
        out_bytes(r, "enc", enc, sizeof enc);
        out_bytes(r, "ciphertext", ct, pt_len + CLOAK_HPKE_TAGBYTES);
    }
    cleared(r, "enc", enc, sizeof enc);
    cleared(r, "ciphertext", ct, pt_len + CLOAK_HPKE_TAGBYTES);
    free(ct);
}

static void op_identity_fingerprint(struct replay *r)
{
    char text[CLOAK_FINGERPRINT_TEXTBYTES];
    cloak_identity_fingerprint(text, in_fixed(r, "identity_public_key", CLOAK_IDENTITY_PUBLICKEYBYTES));
    if (status_matches(r, CLOAK_OK)) {
        out_text(r, "text", text);
    }
}

static void op_identity_pair_code(struct replay *r)
{
    char text[CLOAK_PAIR_CODE_TEXTBYTES];
    cloak_identity_pair_code(text, in_fixed(r, "identity_public_key_a", CLOAK_IDENTITY_PUBLICKEYBYTES),
                             in_fixed(r, "identity_public_key_b", CLOAK_IDENTITY_PUBLICKEYBYTES));
    if (status_matches(r, CLOAK_OK)) {
        out_text(r, "text", text);
    }
}

/* ---- suite 2: X-Wing keys and the objects sealed to them ---------------------------------------- */

static void op_xwing_keypair_from_seed(struct replay *r)
{
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], sk[CLOAK_XWING_SECRETKEYBYTES];
    size_t seed_len;
    const uint8_t *seed = in_bytes(r, "seed", &seed_len);
    int rc;
    memset(pk, POISON, sizeof pk);
    memset(sk, POISON, sizeof sk);
    rc = cloak_xwing_keypair_from_seed(pk, sk, seed, seed_len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_bytes(r, "secret_key", sk, sizeof sk);
        /* The public key of a seed is what the pair gives. */
        uint8_t again[CLOAK_XWING_PUBLICKEYBYTES];
        cloak_xwing_public_key(again, sk);
        if (memcmp(again, pk, sizeof pk) != 0) {
            disagree(r, "cloak_xwing_public_key of the secret key is not the pair's public key");
        }
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "secret_key", sk, sizeof sk);
}

static void op_service_account_credential(struct replay *r)
{
    uint8_t credential[CLOAK_CREDENTIALBYTES];
    int rc;
    memset(credential, POISON, sizeof credential);
    rc = cloak_service_account_credential(credential, in_fixed(r, "public_key", CLOAK_ENCRYPTION_PUBLICKEYBYTES),
                                          in_fixed(r, "secret_key", CLOAK_ENCRYPTION_SECRETKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "credential", credential, sizeof credential);
    }
    cleared(r, "credential", credential, sizeof credential);
}

static void op_service_account_xwing_credential(struct replay *r)
{
    uint8_t credential[CLOAK_CREDENTIALBYTES];
    int rc;
    memset(credential, POISON, sizeof credential);
    rc = cloak_service_account_xwing_credential(credential, in_fixed(r, "public_key", CLOAK_XWING_PUBLICKEYBYTES),
                                                in_fixed(r, "secret_key", CLOAK_XWING_SECRETKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "credential", credential, sizeof credential);
    }
    cleared(r, "credential", credential, sizeof credential);
}

static void op_service_account_credential_verifier(struct replay *r)
{
    uint8_t verifier[CLOAK_CREDENTIAL_VERIFIERBYTES];
    cloak_service_account_credential_verifier(verifier, in_fixed(r, "credential", CLOAK_CREDENTIALBYTES));
    if (status_matches(r, CLOAK_OK)) {
        out_bytes(r, "verifier", verifier, sizeof verifier);
    }
}

static void op_xwing_key_hash(struct replay *r)
{
    uint8_t hash[CLOAK_XWING_KEYHASHBYTES];
    int rc;
    memset(hash, POISON, sizeof hash);
    rc = cloak_xwing_key_hash(hash, in_fixed(r, "public_key", CLOAK_XWING_PUBLICKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "key_hash", hash, sizeof hash);
    }
    cleared(r, "key_hash", hash, sizeof hash);
}

static void op_xwing_public_export(struct replay *r)
{
    uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES];
    int rc;
    memset(blob, POISON, sizeof blob);
    rc = cloak_xwing_public_export(blob, in_fixed(r, "public_key", CLOAK_XWING_PUBLICKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "blob", blob, sizeof blob);
    }
    cleared(r, "blob", blob, sizeof blob);
}

static void op_xwing_public_import(struct replay *r)
{
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES];
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    rc = cloak_xwing_public_import(pk, blob, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
    }
    cleared(r, "public_key", pk, sizeof pk);
}

static void op_bundle_create_xwing(struct replay *r)
{
    uint8_t bundle[CLOAK_XWING_BUNDLEBYTES];
    int rc;
    memset(bundle, POISON, sizeof bundle);
    rc = cloak_bundle_create_xwing(bundle, in_fixed(r, "identity_secret_key", CLOAK_IDENTITY_SECRETKEYBYTES),
                                   in_fixed(r, "encryption_public_key", CLOAK_XWING_PUBLICKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "bundle", bundle, sizeof bundle);
    }
    cleared(r, "bundle", bundle, sizeof bundle);
}

static void op_bundle_verify_xwing(struct replay *r)
{
    uint8_t ipk[CLOAK_IDENTITY_PUBLICKEYBYTES], epk[CLOAK_XWING_PUBLICKEYBYTES];
    size_t len;
    const uint8_t *bundle = in_bytes(r, "bundle", &len);
    int rc;
    memset(ipk, POISON, sizeof ipk);
    memset(epk, POISON, sizeof epk);
    rc = cloak_bundle_verify_xwing(ipk, epk, bundle, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "identity_public_key", ipk, sizeof ipk);
        out_bytes(r, "encryption_public_key", epk, sizeof epk);
    }
    cleared(r, "identity_public_key", ipk, sizeof ipk);
    cleared(r, "encryption_public_key", epk, sizeof epk);
}

/* xwing_wrap and service_account_xwing_wrap (types 0x06 and 0x07 of suite 2). */
static void xwing_wrap_kind(struct replay *r, int service_account)
{
    uint8_t wrapped[CLOAK_XWING_WRAPPED_KEYBYTES];
    const uint8_t *master = in_fixed(r, "master_key", CLOAK_KEYBYTES);
    const uint8_t *sk = in_fixed(r, "secret_key", CLOAK_XWING_SECRETKEYBYTES);
    int rc;
    memset(wrapped, POISON, sizeof wrapped);
    rc = service_account ? cloak_service_account_xwing_wrap(wrapped, master, sk)
                         : cloak_xwing_wrap(wrapped, master, sk);
    if (status_matches(r, rc)) {
        out_bytes(r, "wrapped", wrapped, sizeof wrapped);
    }
    cleared(r, "wrapped", wrapped, sizeof wrapped);
}

static void op_xwing_wrap(struct replay *r)
{
    xwing_wrap_kind(r, 0);
}

static void op_service_account_xwing_wrap(struct replay *r)
{
    xwing_wrap_kind(r, 1);
}

static void xwing_unwrap_kind(struct replay *r, int service_account)
{
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], sk[CLOAK_XWING_SECRETKEYBYTES];
    size_t len;
    const uint8_t *master = in_fixed(r, "master_key", CLOAK_KEYBYTES);
    const uint8_t *wrapped = in_bytes(r, "wrapped", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    memset(sk, POISON, sizeof sk);
    rc = service_account ? cloak_service_account_xwing_unwrap(pk, sk, master, wrapped, len)
                         : cloak_xwing_unwrap(pk, sk, master, wrapped, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_bytes(r, "secret_key", sk, sizeof sk);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "secret_key", sk, sizeof sk);
}

static void op_xwing_unwrap(struct replay *r)
{
    xwing_unwrap_kind(r, 0);
}

static void op_service_account_xwing_unwrap(struct replay *r)
{
    xwing_unwrap_kind(r, 1);
}

static void op_wrapped_key_public_key_xwing(struct replay *r)
{
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES];
    int type = 0x5A5A;
    size_t len;
    const uint8_t *wrapped = in_bytes(r, "wrapped", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    rc = cloak_wrapped_key_public_key_xwing(pk, &type, wrapped, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_int(r, "type", type);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "type", &type, sizeof type);
}

static void op_wrapped_key_rewrap_xwing(struct replay *r)
{
    uint8_t rewrapped[CLOAK_XWING_WRAPPED_KEYBYTES];
    size_t len;
    const uint8_t *old_master = in_fixed(r, "old_master_key", CLOAK_KEYBYTES);
    const uint8_t *new_master = in_fixed(r, "new_master_key", CLOAK_KEYBYTES);
    const uint8_t *wrapped = in_bytes(r, "wrapped", &len);
    int rc;
    memset(rewrapped, POISON, sizeof rewrapped);
    rc = cloak_wrapped_key_rewrap_xwing(rewrapped, old_master, new_master, wrapped, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "rewrapped", rewrapped, sizeof rewrapped);
    }
    cleared(r, "rewrapped", rewrapped, sizeof rewrapped);
}

static void op_service_account_xwing_private_export(struct replay *r)
{
    uint8_t blob[CLOAK_XWING_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    int rc;
    memset(blob, POISON, sizeof blob);
    rc = cloak_service_account_xwing_private_export(blob, in_fixed(r, "public_key", CLOAK_XWING_PUBLICKEYBYTES),
                                                    in_fixed(r, "secret_key", CLOAK_XWING_SECRETKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "blob", blob, sizeof blob);
    }
    cleared(r, "blob", blob, sizeof blob);
}

static void op_service_account_xwing_private_import(struct replay *r)
{
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], sk[CLOAK_XWING_SECRETKEYBYTES];
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc;
    memset(pk, POISON, sizeof pk);
    memset(sk, POISON, sizeof sk);
    rc = cloak_service_account_xwing_private_import(pk, sk, blob, len);
    if (status_matches(r, rc)) {
        out_bytes(r, "public_key", pk, sizeof pk);
        out_bytes(r, "secret_key", sk, sizeof sk);
    }
    cleared(r, "public_key", pk, sizeof pk);
    cleared(r, "secret_key", sk, sizeof sk);
}

static void op_share_seal_xwing(struct replay *r)
{
    uint8_t share[CLOAK_XWING_SHAREBYTES];
    size_t vault_id_len;
    const uint8_t *vault_id = in_bytes(r, "vault_id", &vault_id_len);
    int rc;
    memset(share, POISON, sizeof share);
    rc = cloak_share_seal_xwing(share, in_fixed(r, "vault_key", CLOAK_KEYBYTES), in_u32(r, "epoch"), vault_id,
                                vault_id_len, in_fixed(r, "recipient_public_key", CLOAK_XWING_PUBLICKEYBYTES),
                                in_fixed(r, "sender_identity_secret_key", CLOAK_IDENTITY_SECRETKEYBYTES));
    if (status_matches(r, rc)) {
        out_bytes(r, "share", share, sizeof share);
    }
    cleared(r, "share", share, sizeof share);
}

static void op_share_open_xwing(struct replay *r)
{
    uint8_t vault_key[CLOAK_KEYBYTES];
    uint32_t epoch = 0xA5A5A5A5U;
    size_t share_len, vault_id_len;
    const uint8_t *share = in_bytes(r, "share", &share_len);
    const uint8_t *vault_id = in_bytes(r, "vault_id", &vault_id_len);
    int rc;
    memset(vault_key, POISON, sizeof vault_key);
    rc = cloak_share_open_xwing(vault_key, &epoch, share, share_len, vault_id, vault_id_len,
                                in_fixed(r, "recipient_public_key", CLOAK_XWING_PUBLICKEYBYTES),
                                in_fixed(r, "recipient_secret_key", CLOAK_XWING_SECRETKEYBYTES),
                                in_fixed(r, "trusted_sender_identity_public_key", CLOAK_IDENTITY_PUBLICKEYBYTES),
                                in_u32(r, "min_epoch"));
    if (status_matches(r, rc)) {
        out_bytes(r, "vault_key", vault_key, sizeof vault_key);
        out_int(r, "epoch", epoch);
    }
    cleared(r, "vault_key", vault_key, sizeof vault_key);
    cleared(r, "epoch", &epoch, sizeof epoch);
}

static void op_hpke_seal_base_xwing(struct replay *r)
{
    uint8_t enc[CLOAK_XWING_ENCBYTES];
    size_t info_len, aad_len, pt_len;
    const uint8_t *info = in_bytes(r, "info", &info_len);
    const uint8_t *aad = in_bytes(r, "aad", &aad_len);
    const uint8_t *pt = in_bytes(r, "plaintext", &pt_len);
    uint8_t *ct = test_alloc(pt_len + CLOAK_HPKE_TAGBYTES);
    int rc;
    memset(enc, POISON, sizeof enc);
    memset(ct, POISON, pt_len + CLOAK_HPKE_TAGBYTES);
    rc = cloak_hpke_seal_base_xwing(enc, ct, in_fixed(r, "recipient_public_key", CLOAK_XWING_PUBLICKEYBYTES), info,
                                    info_len, aad, aad_len, pt, pt_len);
    if (status_matches(r, rc)) {
        out_bytes(r, "enc", enc, sizeof enc);
        out_bytes(r, "ciphertext", ct, pt_len + CLOAK_HPKE_TAGBYTES);
    }
    cleared(r, "enc", enc, sizeof enc);
    cleared(r, "ciphertext", ct, pt_len + CLOAK_HPKE_TAGBYTES);
    free(ct);
}

static void op_hpke_open_base_xwing(struct replay *r)
{
    size_t info_len, aad_len, ct_len;
    const uint8_t *info = in_bytes(r, "info", &info_len);
    const uint8_t *aad = in_bytes(r, "aad", &aad_len);
    const uint8_t *ct = in_bytes(r, "ciphertext", &ct_len);
    size_t pt_len = ct_len >= CLOAK_HPKE_TAGBYTES ? ct_len - CLOAK_HPKE_TAGBYTES : 0;
    uint8_t *pt = test_alloc(pt_len + 1);
    int rc;
    memset(pt, POISON, pt_len + 1);
    rc = cloak_hpke_open_base_xwing(pt, in_fixed(r, "enc", CLOAK_XWING_ENCBYTES),
                                    in_fixed(r, "recipient_public_key", CLOAK_XWING_PUBLICKEYBYTES),
                                    in_fixed(r, "recipient_secret_key", CLOAK_XWING_SECRETKEYBYTES), info, info_len,
                                    aad, aad_len, ct, ct_len);
    if (status_matches(r, rc)) {
        out_bytes(r, "plaintext", pt, pt_len);
    }
    cleared(r, "plaintext", pt, pt_len);
    free(pt);
}

static void op_batch_len(struct replay *r)
{
    size_t got = cloak_batch_len(in_size(r, "vault_id_len"), in_size(r, "item_count"));
    if (status_matches(r, CLOAK_OK)) {
        out_int(r, "batch_len", (long long)got);
    }
}

static void op_batch_len_xwing(struct replay *r)
{
    size_t got = cloak_batch_len_xwing(in_size(r, "vault_id_len"), in_size(r, "item_count"));
    if (status_matches(r, CLOAK_OK)) {
        out_int(r, "batch_len", (long long)got);
    }
}

static void op_blob_suite(struct replay *r)
{
    uint32_t suite = 0xA5A5A5A5U;
    size_t len;
    const uint8_t *blob = in_bytes(r, "blob", &len);
    int rc = cloak_blob_suite(&suite, blob, len);
    if (status_matches(r, rc)) {
        out_int(r, "suite", suite);
    }
    cleared(r, "suite", &suite, sizeof suite);
}

static const struct {
    const char *name;
    void (*run)(struct replay *r);
} operations[] = {
    {"key_id", op_key_id},
    {"identity_keypair_from_seed", op_identity_keypair_from_seed},
    {"encryption_keypair_from_seed", op_encryption_keypair_from_seed},
    {"password_record_encode", op_password_record_encode},
    {"password_record_new", op_password_record_new},
    {"password_record_decode", op_password_record_decode},
    {"password_derive", op_password_derive},
    {"password_policy_default", op_password_policy_default},
    {"password_policy_init", op_password_policy_init},
    {"password_record_check", op_password_record_check},
    {"account_secret_key_generate", op_account_secret_key_generate},
    {"account_secret_key_encode", op_account_secret_key_encode},
    {"account_secret_key_decode", op_account_secret_key_decode},
    {"identity_public_export", op_identity_public_export},
    {"encryption_public_export", op_encryption_public_export},
    {"identity_public_import", op_identity_public_import},
    {"encryption_public_import", op_encryption_public_import},
    {"text_encode", op_text_encode},
    {"text_decode", op_text_decode},
    {"blob_inspect", op_blob_inspect},
    {"bundle_create", op_bundle_create},
    {"bundle_verify", op_bundle_verify},
    {"identity_sign", op_identity_sign},
    {"identity_verify", op_identity_verify},
    {"identity_wrap", op_identity_wrap},
    {"encryption_wrap", op_encryption_wrap},
    {"service_account_wrap", op_service_account_wrap},
    {"identity_unwrap", op_identity_unwrap},
    {"encryption_unwrap", op_encryption_unwrap},
    {"service_account_unwrap", op_service_account_unwrap},
    {"wrapped_key_public_key", op_wrapped_key_public_key},
    {"wrapped_key_rewrap", op_wrapped_key_rewrap},
    {"service_account_private_export", op_service_account_private_export},
    {"service_account_private_import", op_service_account_private_import},
    {"secret_open", op_secret_open},
    {"secret_seal", op_secret_seal},
    {"secret_reseal", op_secret_reseal},
    {"secret_sealed_len", op_secret_sealed_len},
    {"secret_opened_len", op_secret_opened_len},
    {"vault_blind_index", op_vault_blind_index},
    {"share_sender", op_share_sender},
    {"share_open", op_share_open},
    {"share_seal", op_share_seal},
    {"batch_seal", op_batch_seal},
    {"batch_open", op_batch_open},
    {"batch_sender", op_batch_sender},
    {"batch_item_index", op_batch_item_index},
    {"batch_begin", op_batch_begin},
    {"batch_count", op_batch_count},
    {"batch_item_len", op_batch_item_len},
    {"batch_item_opened_maxlen", op_batch_item_opened_maxlen},
    {"hpke_open_base", op_hpke_open_base},
    {"hpke_seal_base", op_hpke_seal_base},
    {"identity_fingerprint", op_identity_fingerprint},
    {"identity_pair_code", op_identity_pair_code},
    {"xwing_keypair_from_seed", op_xwing_keypair_from_seed},
    {"xwing_key_hash", op_xwing_key_hash},
    {"xwing_public_export", op_xwing_public_export},
    {"xwing_public_import", op_xwing_public_import},
    {"bundle_create_xwing", op_bundle_create_xwing},
    {"bundle_verify_xwing", op_bundle_verify_xwing},
    {"xwing_wrap", op_xwing_wrap},
    {"xwing_unwrap", op_xwing_unwrap},
    {"service_account_xwing_wrap", op_service_account_xwing_wrap},
    {"service_account_xwing_unwrap", op_service_account_xwing_unwrap},
    {"wrapped_key_public_key_xwing", op_wrapped_key_public_key_xwing},
    {"wrapped_key_rewrap_xwing", op_wrapped_key_rewrap_xwing},
    {"service_account_xwing_private_export", op_service_account_xwing_private_export},
    {"service_account_xwing_private_import", op_service_account_xwing_private_import},
    {"service_account_credential", op_service_account_credential},
    {"service_account_xwing_credential", op_service_account_xwing_credential},
    {"service_account_credential_verifier", op_service_account_credential_verifier},
    {"share_seal_xwing", op_share_seal_xwing},
    {"share_open_xwing", op_share_open_xwing},
    {"batch_seal_xwing", op_batch_seal_xwing},
    {"batch_open_xwing", op_batch_open_xwing},
    {"batch_len", op_batch_len},
    {"batch_len_xwing", op_batch_len_xwing},
    {"hpke_seal_base_xwing", op_hpke_seal_base_xwing},
    {"hpke_open_base_xwing", op_hpke_open_base_xwing},
    {"blob_suite", op_blob_suite},
};

static void replay_every_case(void **state)
{
    json_t *doc = vector_load("libcloak.json");
    json_t *cases, *c;
    size_t index, i, ok_cases = 0, failure_cases = 0;
    int disagreements = 0;
    (void)state;

    assert_non_null(doc);
    cases = json_object_get(doc, "cases");
    assert_true(json_is_array(cases));
    /* A file emptied by mistake must not pass. */
    assert_true(json_array_size(cases) > 100);
    json_array_foreach(cases, index, c)
    {
        struct replay r;
        const char *operation = json_string_value(json_object_get(c, "operation"));
        const char *expect = json_string_value(json_object_get(c, "expect"));
        memset(&r, 0, sizeof r);
        r.name = json_string_value(json_object_get(c, "name"));
        r.inputs = json_object_get(c, "inputs");
        r.outputs = json_object_get(c, "outputs");
        assert_non_null(r.name);
        assert_non_null(operation);
        assert_non_null(expect);
        assert_true(json_is_object(r.inputs) && json_is_object(r.outputs));
        r.expected = status_code(expect);
        for (i = 0; i < sizeof operations / sizeof operations[0]; i++) {
            if (strcmp(operations[i].name, operation) == 0) {
                rng_arm(&r);
                operations[i].run(&r);
                rng_disarm(&r);
                break;
            }
        }
        /* The vault head and Merkle operations are replayed by test_vectors_head.c. */
        if (i == sizeof operations / sizeof operations[0] && strncmp(operation, "head_", 5) != 0 &&
            strncmp(operation, "merkle_", 7) != 0 && strcmp(operation, "roster_entry") != 0) {
            disagree(&r, "no replay for operation %s", operation);
        }
        for (i = 0; i < r.to_free_count; i++) {
            free(r.to_free[i]);
        }
        disagreements += r.disagreements;
        if (r.expected == CLOAK_OK) {
            ok_cases++;
        } else {
            failure_cases++;
        }
    }
    json_decref(doc);
    fprintf(stderr, "libcloak.json: %zu ok cases, %zu failure cases replayed; %d disagreements\n", ok_cases,
            failure_cases, disagreements);
    assert_int_equal(disagreements, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_every_case),
    };
    /* Before cloak_init (which initialises libsodium), as libsodium requires. */
    if (randombytes_set_implementation(&listed_rng) != 0 || cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
