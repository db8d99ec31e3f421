/*
 * Replays the vault head and Merkle cases of tests/vectors/libcloak.json (operations roster_entry,
 * head_*, merkle_*; docs/protocol.md section 10, with section 10.8's checks) through the public API.
 * The cases come from an implementation written from the document alone (tests/vectors/spec/
 * spec_head.py): an ok case must give exactly the outputs listed, a failure case exactly the status
 * named, with its outputs cleared.
 * Every case runs even after a disagreement; the test fails if there is any. test_vectors_libcloak.c
 * replays every other operation of the file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloak.h"
#include "support/bytes.h"
#include "support/vectors.h"

#define POISON 0xA5
#define MAX_FREES 64U

struct replay {
    const char *name;
    json_t *inputs;
    json_t *outputs;
    int expected;
    int disagreements;
    void *to_free[MAX_FREES];
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

static void *keep(struct replay *r, void *p)
{
    assert_true(r->to_free_count < MAX_FREES);
    r->to_free[r->to_free_count++] = p;
    return p;
}

/* ---- inputs ------------------------------------------------------------------------------------- */

static uint8_t *hex_of(struct replay *r, json_t *v, const char *what, size_t *len)
{
    uint8_t *out;
    if (!json_is_string(v)) {
        fail_msg("case %s: %s missing or not a string", r->name, what);
    }
    out = hex_decode(json_string_value(v), len);
    if (out == NULL) {
        fail_msg("case %s: %s is not hex", r->name, what);
    }
    return keep(r, out);
}

static uint8_t *in_bytes(struct replay *r, const char *key, size_t *len)
{
    return hex_of(r, json_object_get(r->inputs, key), key, len);
}

static uint8_t *in_fixed(struct replay *r, const char *key, size_t want)
{
    size_t len;
    uint8_t *p = in_bytes(r, key, &len);
    if (len != want) {
        fail_msg("case %s: input %s has %zu bytes, the C parameter takes %zu", r->name, key, len, want);
    }
    return p;
}

static uint64_t in_u64(struct replay *r, const char *key)
{
    json_t *v = json_object_get(r->inputs, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        fail_msg("case %s: input %s is not an unsigned integer", r->name, key);
    }
    return (uint64_t)json_integer_value(v);
}

static uint32_t in_u32(struct replay *r, const char *key)
{
    const uint64_t v = in_u64(r, key);
    if (v > UINT32_MAX) {
        fail_msg("case %s: input %s is not a u32", r->name, key);
    }
    return (uint32_t)v;
}

/* A list of hex strings of elem_len bytes each, concatenated. */
static uint8_t *in_list(struct replay *r, const char *key, size_t elem_len, size_t *count)
{
    json_t *list = json_object_get(r->inputs, key);
    uint8_t *out;
    if (!json_is_array(list)) {
        fail_msg("case %s: input %s is not a list", r->name, key);
    }
    *count = json_array_size(list);
    out = keep(r, test_alloc(*count * elem_len + 1));
    for (size_t i = 0; i < *count; i++) {
        size_t len;
        const uint8_t *one = hex_of(r, json_array_get(list, i), key, &len);
        if (len != elem_len) {
            fail_msg("case %s: element %zu of %s has %zu bytes, not %zu", r->name, i, key, len, elem_len);
        }
        memcpy(out + i * elem_len, one, len);
    }
    return out;
}

/* ---- outputs ------------------------------------------------------------------------------------ */

static void out_bytes(struct replay *r, const char *key, const uint8_t *got, size_t len)
{
    size_t want_len;
    const uint8_t *want = hex_of(r, json_object_get(r->outputs, key), key, &want_len);
    if (want_len != len || memcmp(want, got, len) != 0) {
        disagree(r, "output %s differs (%zu bytes from the library, %zu in the file)", key, len, want_len);
    }
}

static void out_int(struct replay *r, const char *key, uint64_t got)
{
    json_t *v = json_object_get(r->outputs, key);
    if (!json_is_integer(v) || (uint64_t)json_integer_value(v) != got) {
        disagree(r, "output %s: library gives %llu", key, (unsigned long long)got);
    }
}

static int status_matches(struct replay *r, int rc)
{
    if (rc != r->expected) {
        disagree(r, "status: library gives %s, file says %s", status_name(rc), status_name(r->expected));
        return 0;
    }
    return rc == CLOAK_OK;
}

static void cleared(struct replay *r, const char *what, const void *buf, size_t len)
{
    if (r->expected != CLOAK_OK && !all_zero(buf, len)) {
        disagree(r, "output %s not cleared after %s", what, status_name(r->expected));
    }
}

/* Every field a verified head answers, against the case's outputs. */
static void out_head(struct replay *r, const cloak_head *h)
{
    uint8_t b[32];
    out_int(r, "version", cloak_head_version(h));
    out_int(r, "epoch", cloak_head_epoch(h));
    out_int(r, "expiry", cloak_head_expiry(h));
    out_int(r, "leaf_count", cloak_head_leaf_count(h));
    out_int(r, "policy", cloak_head_policy(h));
    cloak_head_hash(b, h);
    out_bytes(r, "hash", b, 32);
    cloak_head_merkle_root(b, h);
    out_bytes(r, "merkle_root", b, 32);
    cloak_head_vault_key_id(b, h);
    out_bytes(r, "vault_key_id", b, 16);
    cloak_head_signer(b, h);
    out_bytes(r, "signer", b, 32);
}

/* A head verified as the first one (inputs head_key, vault_id, trusted_key). Its status is the case's
 * when the case is about this step; otherwise it must succeed. */
static int verify_first_input(struct replay *r, cloak_head *h, const char *head_key, const char *trusted_key)
{
    size_t blob_len, vid_len, trusted_count;
    const uint8_t *blob = in_bytes(r, head_key, &blob_len);
    const uint8_t *vid = in_bytes(r, "vault_id", &vid_len);
    const uint8_t *trusted = in_list(r, trusted_key, 32, &trusted_count);
    return cloak_head_verify_first(h, blob, blob_len, vid, vid_len, trusted, trusted_count);
}

/* ---- operations --------------------------------------------------------------------------------- */

static void op_roster_entry(struct replay *r)
{
    uint8_t entry[CLOAK_ROSTER_ENTRYBYTES];
    memset(entry, POISON, sizeof entry);
    const int rc = cloak_roster_entry(entry, in_u32(r, "kind"), in_u32(r, "permissions"), in_u32(r, "suite"),
                                      in_fixed(r, "public_key", 32), in_fixed(r, "encryption_key_id", 16));
    if (status_matches(r, rc)) {
        out_bytes(r, "entry", entry, sizeof entry);
    }
    cleared(r, "entry", entry, sizeof entry);
}

static void op_head_create(struct replay *r)
{
    size_t vid_len, roster_count, out_len = 77;
    const uint8_t *vid = in_bytes(r, "vault_id", &vid_len);
    const uint8_t *roster = in_list(r, "roster", CLOAK_ROSTER_ENTRYBYTES, &roster_count);
    const size_t cap = 208U + 255U + CLOAK_ROSTER_ENTRYBYTES * roster_count;
    uint8_t *out = keep(r, test_alloc(cap));
    memset(out, POISON, cap);
    const int rc = cloak_head_create(out, cap, &out_len, vid, vid_len, in_u32(r, "epoch"), in_fixed(r, "vault_key_id", 16),
                                     in_u64(r, "version"), in_fixed(r, "previous_hash", 32), in_u64(r, "expiry"),
                                     in_fixed(r, "merkle_root", 32), in_u32(r, "leaf_count"), in_u32(r, "policy"),
                                     roster, roster_count, in_fixed(r, "signer_identity_secret_key", 64));
    if (status_matches(r, rc)) {
        out_bytes(r, "head", out, out_len);
        if (out_len != cloak_head_len(vid_len, roster_count)) {
            disagree(r, "cloak_head_len disagrees with the head's length");
        }
    }
    cleared(r, "head", out, cap);
    if (r->expected != CLOAK_OK && out_len != 0) {
        disagree(r, "out_len not cleared");
    }
}

static void op_head_verify_first(struct replay *r)
{
    cloak_head h;
    memset(&h, POISON, sizeof h);
    if (status_matches(r, verify_first_input(r, &h, "blob", "trusted"))) {
        out_head(r, &h);
    }
    cleared(r, "head state", &h, sizeof h);
    cloak_head_wipe(&h);
}

static void op_head_verify_next(struct replay *r)
{
    json_t *chain = json_object_get(r->inputs, "chain");
    size_t vid_len, trusted_count, len, prev_len = 0, cur_len, blob_len;
    const uint8_t *vid = in_bytes(r, "vault_id", &vid_len);
    const uint8_t *trusted = in_list(r, "trusted", 32, &trusted_count);
    const uint8_t *prev = NULL;
    cloak_head a, b, next;
    cloak_head *cur = &a, *spare = &b;

    assert_true(json_is_array(chain) && json_array_size(chain) >= 1);
    for (size_t i = 0; i < json_array_size(chain); i++) {
        const uint8_t *blob = hex_of(r, json_array_get(chain, i), "chain", &len);
        int rc = i == 0 ? cloak_head_verify_first(cur, blob, len, vid, vid_len, trusted, trusted_count)
                        : cloak_head_verify_next(spare, cur, prev, prev_len, blob, len);
        if (rc != CLOAK_OK) {
            disagree(r, "chain head %zu: %s", i, status_name(rc));
            return;
        }
        if (i > 0) {
            cloak_head *t = cur;
            cur = spare;
            spare = t;
        }
        prev = blob;
        prev_len = len;
    }
    const uint8_t *current_blob = in_bytes(r, "current_blob", &cur_len);
    const uint8_t *blob = in_bytes(r, "blob", &blob_len);
    memset(&next, POISON, sizeof next);
    if (status_matches(r, cloak_head_verify_next(&next, cur, current_blob, cur_len, blob, blob_len))) {
        out_head(r, &next);
    }
    cleared(r, "head state", &next, sizeof next);
}

static void op_head_check(struct replay *r)
{
    cloak_head h;
    int rc = verify_first_input(r, &h, "blob", "trusted");
    if (rc != CLOAK_OK) {
        disagree(r, "verify_first: %s", status_name(rc));
        return;
    }
    (void)status_matches(r, cloak_head_check(&h, in_u32(r, "min_epoch"), in_u64(r, "min_version"), in_u64(r, "now")));
}

static void op_merkle_leaf(struct replay *r)
{
    size_t sealed_len;
    uint8_t leaf[CLOAK_MERKLE_LEAFBYTES];
    const uint8_t *sealed = in_bytes(r, "sealed", &sealed_len);
    cloak_merkle_leaf(leaf, in_fixed(r, "blind_index", 32), sealed, sealed_len);
    if (status_matches(r, CLOAK_OK)) {
        out_bytes(r, "leaf", leaf, sizeof leaf);
    }
}

static void op_merkle_root(struct replay *r)
{
    size_t n;
    uint8_t root[32];
    const uint8_t *leaves = in_list(r, "leaves", CLOAK_MERKLE_LEAFBYTES, &n);
    memset(root, POISON, sizeof root);
    if (status_matches(r, cloak_merkle_root(root, leaves, n))) {
        out_bytes(r, "root", root, sizeof root);
    }
    cleared(r, "root", root, sizeof root);
}

static void op_merkle_prove_inclusion(struct replay *r)
{
    size_t n, len = 77;
    uint8_t proof[CLOAK_MERKLE_INCLUSION_PROOFBYTES_MAX];
    const uint8_t *leaves = in_list(r, "leaves", CLOAK_MERKLE_LEAFBYTES, &n);
    memset(proof, POISON, sizeof proof);
    if (status_matches(r, cloak_merkle_prove_inclusion(proof, sizeof proof, &len, leaves, n, (size_t)in_u64(r, "index")))) {
        out_bytes(r, "proof", proof, len);
    }
    cleared(r, "proof", proof, sizeof proof);
}

static void op_merkle_prove_absence(struct replay *r)
{
    size_t n, len = 77;
    uint8_t proof[CLOAK_MERKLE_ABSENCE_PROOFBYTES_MAX];
    const uint8_t *leaves = in_list(r, "leaves", CLOAK_MERKLE_LEAFBYTES, &n);
    memset(proof, POISON, sizeof proof);
    if (status_matches(r, cloak_merkle_prove_absence(proof, sizeof proof, &len, leaves, n, in_fixed(r, "blind_index", 32)))) {
        out_bytes(r, "proof", proof, len);
    }
    cleared(r, "proof", proof, sizeof proof);
}

static void op_merkle_verify_inclusion(struct replay *r)
{
    cloak_head h;
    size_t len;
    int rc = verify_first_input(r, &h, "head", "trusted");
    if (rc != CLOAK_OK) {
        disagree(r, "verify_first: %s", status_name(rc));
        return;
    }
    const uint8_t *proof = in_bytes(r, "proof", &len);
    (void)status_matches(r, cloak_merkle_verify_inclusion(&h, in_fixed(r, "leaf", 64), proof, len));
}

static void op_merkle_verify_absence(struct replay *r)
{
    cloak_head h;
    size_t len;
    int rc = verify_first_input(r, &h, "head", "trusted");
    if (rc != CLOAK_OK) {
        disagree(r, "verify_first: %s", status_name(rc));
        return;
    }
    const uint8_t *proof = in_bytes(r, "proof", &len);
    (void)status_matches(r, cloak_merkle_verify_absence(&h, in_fixed(r, "blind_index", 32), proof, len));
}

/* Section 10.8's look-ups and checks: `head` verified first (vault_id, trusted), then the call with the
 * head's bytes. */
static int verified_head(struct replay *r, cloak_head *h, const uint8_t **blob, size_t *blob_len)
{
    int rc = verify_first_input(r, h, "head", "trusted");
    if (rc != CLOAK_OK) {
        disagree(r, "verify_first: %s", status_name(rc));
        return 0;
    }
    *blob = in_bytes(r, "head", blob_len);
    return 1;
}

static void op_head_roster_find(struct replay *r)
{
    cloak_head h;
    const uint8_t *blob;
    size_t blob_len;
    uint32_t permissions = 0xA5A5A5A5U, suite = 0xA5A5A5A5U;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    if (!verified_head(r, &h, &blob, &blob_len)) {
        return;
    }
    memset(key_id, POISON, sizeof key_id);
    if (status_matches(r, cloak_head_roster_find(&permissions, &suite, key_id, &h, blob, blob_len, in_u32(r, "kind"),
                                                 in_fixed(r, "public_key", 32)))) {
        out_int(r, "permissions", permissions);
        out_int(r, "suite", suite);
        out_bytes(r, "encryption_key_id", key_id, sizeof key_id);
    }
    cleared(r, "permissions", &permissions, sizeof permissions);
    cleared(r, "suite", &suite, sizeof suite);
    cleared(r, "encryption_key_id", key_id, sizeof key_id);
    cloak_head_wipe(&h);
}

/* member_identity_public_key absent: a service account (NULL). */
static void op_head_check_recipient(struct replay *r)
{
    cloak_head h;
    const uint8_t *blob, *member = NULL;
    size_t blob_len, key_len;
    if (!verified_head(r, &h, &blob, &blob_len)) {
        return;
    }
    if (json_object_get(r->inputs, "member_identity_public_key") != NULL) {
        member = in_fixed(r, "member_identity_public_key", 32);
    }
    const uint8_t *key = in_bytes(r, "encryption_public_key", &key_len);
    (void)status_matches(r, cloak_head_check_recipient(&h, blob, blob_len, member, key, key_len));
    cloak_head_wipe(&h);
}

static void op_head_check_share(struct replay *r)
{
    cloak_head h;
    const uint8_t *blob;
    size_t blob_len, share_len;
    if (!verified_head(r, &h, &blob, &blob_len)) {
        return;
    }
    const uint8_t *share = in_bytes(r, "share", &share_len);
    (void)status_matches(r, cloak_head_check_share(&h, blob, blob_len, in_fixed(r, "recipient_identity_public_key", 32),
                                                   share, share_len));
    cloak_head_wipe(&h);
}

static void op_head_check_batch(struct replay *r)
{
    cloak_head h;
    const uint8_t *blob;
    size_t blob_len, batch_len;
    if (!verified_head(r, &h, &blob, &blob_len)) {
        return;
    }
    const uint8_t *batch = in_bytes(r, "batch", &batch_len);
    (void)status_matches(r, cloak_head_check_batch(&h, blob, blob_len, batch, batch_len));
    cloak_head_wipe(&h);
}

static const struct {
    const char *name;
    void (*run)(struct replay *r);
} operations[] = {
    {"roster_entry", op_roster_entry},
    {"head_create", op_head_create},
    {"head_verify_first", op_head_verify_first},
    {"head_verify_next", op_head_verify_next},
    {"head_check", op_head_check},
    {"merkle_leaf", op_merkle_leaf},
    {"merkle_root", op_merkle_root},
    {"merkle_prove_inclusion", op_merkle_prove_inclusion},
    {"merkle_prove_absence", op_merkle_prove_absence},
    {"merkle_verify_inclusion", op_merkle_verify_inclusion},
    {"merkle_verify_absence", op_merkle_verify_absence},
    {"head_roster_find", op_head_roster_find},
    {"head_check_recipient", op_head_check_recipient},
    {"head_check_share", op_head_check_share},
    {"head_check_batch", op_head_check_batch},
};

static void replay_head_cases(void **state)
{
    json_t *doc = vector_load("libcloak.json");
    json_t *cases, *c;
    size_t index, replayed = 0, ok_cases = 0;
    int disagreements = 0;
    (void)state;

    assert_int_equal(cloak_init(), CLOAK_OK);
    assert_non_null(doc);
    cases = json_object_get(doc, "cases");
    assert_true(json_is_array(cases));
    json_array_foreach(cases, index, c)
    {
        struct replay r;
        const char *operation = json_string_value(json_object_get(c, "operation"));
        size_t i;
        assert_non_null(operation);
        for (i = 0; i < sizeof operations / sizeof operations[0]; i++) {
            if (strcmp(operations[i].name, operation) == 0) {
                break;
            }
        }
        if (i == sizeof operations / sizeof operations[0]) {
            continue; /* replayed by test_vectors_libcloak */
        }
        memset(&r, 0, sizeof r);
        r.name = json_string_value(json_object_get(c, "name"));
        r.inputs = json_object_get(c, "inputs");
        r.outputs = json_object_get(c, "outputs");
        r.expected = status_code(json_string_value(json_object_get(c, "expect")));
        operations[i].run(&r);
        for (size_t k = 0; k < r.to_free_count; k++) {
            free(r.to_free[k]);
        }
        disagreements += r.disagreements;
        replayed++;
        ok_cases += r.expected == CLOAK_OK;
    }
    json_decref(doc);
    fprintf(stderr, "libcloak.json: %zu head and Merkle cases replayed (%zu ok); %d disagreements\n", replayed,
            ok_cases, disagreements);
    /* A file that lost these cases must not pass. */
    assert_true(replayed >= 100U);
    assert_int_equal(disagreements, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay_head_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
