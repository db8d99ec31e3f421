/*
 * Vaults and secrets (docs/protocol.md sections 7 and 10.1): round trips at every boundary length,
 * padding buckets, the header, key id and epoch, every byte tampered, every truncation, wrong key,
 * epoch and context, copied and wiped states, reseal, blind index. After every failure every output must be all zero. The exact bytes (keys
 * and associated data as section 7 derives them, blind indexes) are pinned by
 * tests/vectors/libcloak.json, which test_vectors_libcloak replays.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cloak.h"
#include "support/bytes.h"
#include "support/expect.h"

#define DIRTY 0xA5U
/* Every value of up to 60 bytes seals into the minimum bucket: 64 + pad(4 + 60) = 128 bytes, which
 * open needs a value buffer of 60 bytes for. */
#define SEALED_SMALL 128U
#define OPEN_CAP 60U
#define VALUE_OFF 52U /* header, epoch, nonce, length field */

static const uint8_t NAME[] = "db/password";
static const uint8_t CTX[] = "prod";
static const uint8_t VID[] = "vault-0001";
#define NAME_LEN (sizeof NAME - 1U)
#define CTX_LEN (sizeof CTX - 1U)
#define VID_LEN (sizeof VID - 1U)

typedef struct fixture {
    uint8_t key[CLOAK_KEYBYTES];
    uint8_t key2[CLOAK_KEYBYTES];
    cloak_vault vault;   /* key, VID */
    cloak_vault vault2;  /* key2, VID: the rotated key */
    cloak_vault other;   /* key, another vault id */
    cloak_vault epoch2;  /* key, VID, but epoch 2 */
} fixture;

/* docs/protocol.md 1.5, written out here on its own: 64 up to 64, then Padme. */
static size_t spec_pad(size_t u)
{
    size_t e = 0, s = 0, mask;
    if (u <= 64) {
        return 64;
    }
    while ((u >> (e + 1)) != 0) {
        e++;
    }
    while ((e >> (s + 1)) != 0) {
        s++;
    }
    mask = ((size_t)1 << (e - (s + 1))) - 1;
    return (u + mask) & ~mask;
}

static int spec_is_pad(size_t p)
{
    return p >= 64 && spec_pad(p) == p;
}

static int setup(void **state)
{
    fixture *f = test_alloc(sizeof *f);
    if (cloak_init() != CLOAK_OK) {
        free(f);
        return -1;
    }
    cloak_vault_key_generate(f->key);
    cloak_vault_key_generate(f->key2);
    if (cloak_vault_init(&f->vault, f->key, 1, VID, VID_LEN) != CLOAK_OK ||
        cloak_vault_init(&f->vault2, f->key2, 2, VID, VID_LEN) != CLOAK_OK ||
        cloak_vault_init(&f->other, f->key, 1, (const uint8_t *)"vault-0002", 10) != CLOAK_OK ||
        cloak_vault_init(&f->epoch2, f->key, 2, VID, VID_LEN) != CLOAK_OK) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    cloak_vault_wipe(&f->vault);
    cloak_vault_wipe(&f->vault2);
    cloak_vault_wipe(&f->other);
    cloak_vault_wipe(&f->epoch2);
    free(f);
    return 0;
}

/* Seals `value` and asserts the call's contract on success. */
static size_t seal_ok(const cloak_vault *v, uint8_t *sealed, size_t cap, const uint8_t *name, size_t name_len,
                      const uint8_t *ctx, size_t ctx_len, const uint8_t *value, size_t value_len)
{
    size_t len = 12345;
    assert_int_equal(cloak_secret_seal(v, sealed, cap, &len, name, name_len, ctx, ctx_len, value, value_len),
                     CLOAK_OK);
    assert_int_equal(len, 64 + spec_pad(4 + value_len));
    assert_int_equal(cloak_secret_sealed_len(value_len), len);
    return len;
}

/* Opens and expects failure with `expect`, with value (cap bytes) and its length zeroed. */
static void open_fails(const cloak_vault *v, size_t cap, const uint8_t *name, size_t name_len, const uint8_t *ctx,
                       size_t ctx_len, const uint8_t *sealed, size_t sealed_len, int expect)
{
    uint8_t *out = test_alloc(cap);
    size_t out_len = 777;
    memset(out, DIRTY, cap);
    assert_int_equal(cloak_secret_open(v, out, cap, &out_len, name, name_len, ctx, ctx_len, sealed, sealed_len),
                     expect);
    assert_true(all_zero(out, cap));
    assert_int_equal(out_len, 0);
    free(out);
}

static void open_expect(const cloak_vault *v, const uint8_t *name, size_t name_len, const uint8_t *ctx,
                        size_t ctx_len, const uint8_t *sealed, size_t sealed_len, const uint8_t *value,
                        size_t value_len)
{
    size_t cap = cloak_secret_opened_len(sealed_len);
    uint8_t *out = test_alloc(cap);
    size_t out_len = 777;
    assert_int_equal(cap, sealed_len - 64 - 4);
    assert_true(cap >= value_len);
    assert_int_equal(cloak_secret_open(v, out, cap, &out_len, name, name_len, ctx, ctx_len, sealed, sealed_len),
                     CLOAK_OK);
    assert_int_equal(out_len, value_len);
    if (value_len > 0) {
        assert_memory_equal(out, value, value_len);
    }
    free(out);
}

static void test_round_trip_lengths(void **state)
{
    fixture *f = *state;
    static const size_t lens[] = {0, 1, 60, 61, 64, 68, 69, 1024, 65536};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        const size_t n = lens[k];
        const size_t cap = cloak_secret_sealed_len(n);
        uint8_t *value = test_alloc(n);
        uint8_t *sealed = test_alloc(cap);
        randombytes_buf(value, n);
        const size_t len = seal_ok(&f->vault, sealed, cap, NAME, NAME_LEN, CTX, CTX_LEN, value, n);
        assert_int_equal(cloak_secret_opened_len(len), len - 68);
        open_expect(&f->vault, NAME, NAME_LEN, CTX, CTX_LEN, sealed, len, value, n);
        /* Without a context too (NULL allowed when empty). */
        seal_ok(&f->vault, sealed, cap, NAME, NAME_LEN, NULL, 0, value, n);
        open_expect(&f->vault, NAME, NAME_LEN, NULL, 0, sealed, len, value, n);
        free(value);
        free(sealed);
    }
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(cloak_secret_sealed_len(0), 128);
    assert_int_equal(cloak_secret_sealed_len(60), 128);
    assert_int_equal(cloak_secret_sealed_len(61), 136);
    assert_int_equal(cloak_secret_sealed_len(68), 136);
    assert_int_equal(cloak_secret_sealed_len(69), 144);
    assert_int_equal(cloak_secret_sealed_len(SIZE_MAX), 0);
    assert_int_equal(cloak_secret_sealed_len(SIZE_MAX - 59), 0);
    assert_int_equal(cloak_secret_sealed_len((size_t)UINT32_MAX + 1U), 0);
    assert_int_equal(cloak_secret_opened_len(0), 0);
    assert_int_equal(cloak_secret_opened_len(64), 0);
    assert_int_equal(cloak_secret_opened_len(127), 0);
    assert_int_equal(cloak_secret_opened_len(128), 60);
    assert_int_equal(cloak_secret_opened_len(129), 0);
    assert_int_equal(cloak_secret_opened_len(135), 0);
    assert_int_equal(cloak_secret_opened_len(136), 68);
    assert_int_equal(cloak_secret_opened_len(SIZE_MAX), 0);
    assert_int_equal(cloak_vault_statebytes(), sizeof(cloak_vault));
}

/* What the server sees is a bucket: the padded length is canonical (open accepts exactly these
 * lengths), at most 12% above the 64-byte minimum, and values of nearby lengths give blobs of one
 * length. */
static void test_padding_buckets(void **state)
{
    fixture *f = *state;
    size_t n;
    for (n = 0; n <= 20000; n++) {
        const size_t len = cloak_secret_sealed_len(n);
        const size_t p = len - 64;
        assert_int_equal(len, 64 + spec_pad(4 + n));
        assert_true(spec_is_pad(p));
        assert_true(p >= 4 + n);
        assert_true(p <= 64 || (double)p <= 1.12 * (double)(4 + n));
        assert_true(cloak_secret_opened_len(len) >= n);
    }
    for (n = 0; n < 20000; n++) {
        assert_int_equal(cloak_secret_opened_len(n) != 0, n >= 64 && spec_is_pad(n - 64));
    }
    /* Two values of different lengths in one bucket: blobs of identical length. */
    {
        uint8_t a[1000], sa[1200], sb[1200];
        size_t la = 0, lb = 0;
        randombytes_buf(a, sizeof a);
        assert_int_equal(cloak_secret_sealed_len(990), cloak_secret_sealed_len(1000));
        assert_int_equal(cloak_secret_seal(&f->vault, sa, sizeof sa, &la, NAME, NAME_LEN, NULL, 0, a, 990), CLOAK_OK);
        assert_int_equal(cloak_secret_seal(&f->vault, sb, sizeof sb, &lb, NAME, NAME_LEN, NULL, 0, a, 1000), CLOAK_OK);
        assert_int_equal(la, lb);
        open_expect(&f->vault, NAME, NAME_LEN, NULL, 0, sa, la, a, 990);
        open_expect(&f->vault, NAME, NAME_LEN, NULL, 0, sb, lb, a, 1000);
    }
}

static void test_label_lengths(void **state)
{
    fixture *f = *state;
    uint8_t lab[256];
    uint8_t value[7] = {1, 2, 3, 4, 5, 6, 7};
    uint8_t sealed[SEALED_SMALL];
    size_t len;
    randombytes_buf(lab, sizeof lab);

    /* Names and contexts at 1 and 255 bytes, context at 0. */
    static const size_t ok_lens[] = {1, 255};
    for (size_t a = 0; a < 2; a++) {
        seal_ok(&f->vault, sealed, sizeof sealed, lab, ok_lens[a], CTX, CTX_LEN, value, sizeof value);
        open_expect(&f->vault, lab, ok_lens[a], CTX, CTX_LEN, sealed, sizeof sealed, value, sizeof value);
        seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, lab, ok_lens[a], value, sizeof value);
        open_expect(&f->vault, NAME, NAME_LEN, lab, ok_lens[a], sealed, sizeof sealed, value, sizeof value);
    }
    seal_ok(&f->vault, sealed, sizeof sealed, lab, 255, lab, 255, value, sizeof value);
    open_expect(&f->vault, lab, 255, lab, 255, sealed, sizeof sealed, value, sizeof value);

    /* Vault ids at 1 and 255 bytes. */
    for (size_t a = 0; a < 2; a++) {
        cloak_vault v;
        assert_int_equal(cloak_vault_init(&v, f->key, 1, lab, ok_lens[a]), CLOAK_OK);
        seal_ok(&v, sealed, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);
        open_expect(&v, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed, value, sizeof value);
        open_fails(&f->vault, OPEN_CAP, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed, CLOAK_E_AUTH);
        cloak_vault_wipe(&v);
    }

    /* Vault id of 0 or 256 bytes, or NULL: refused, state zeroed, and the state then refused. */
    static const size_t bad_vid[] = {0, 256};
    for (size_t a = 0; a < 2; a++) {
        cloak_vault v;
        memset(&v, DIRTY, sizeof v);
        assert_int_equal(cloak_vault_init(&v, f->key, 1, lab, bad_vid[a]), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(v.opaque.bytes, sizeof v.opaque.bytes));
        assert_int_equal(cloak_vault_epoch(&v), 0);
        memset(sealed, DIRTY, sizeof sealed);
        len = 99;
        assert_int_equal(cloak_secret_seal(&v, sealed, sizeof sealed, &len, NAME, NAME_LEN, NULL, 0, value,
                                           sizeof value),
                         CLOAK_E_BAD_STATE);
        assert_true(all_zero(sealed, sizeof sealed));
        assert_int_equal(len, 0);
    }
    {
        cloak_vault v;
        memset(&v, DIRTY, sizeof v);
        assert_int_equal(cloak_vault_init(&v, f->key, 1, NULL, 3), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(v.opaque.bytes, sizeof v.opaque.bytes));
        memset(&v, DIRTY, sizeof v);
        assert_int_equal(cloak_vault_init(&v, NULL, 1, VID, VID_LEN), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(v.opaque.bytes, sizeof v.opaque.bytes));
        /* Epoch 0 is never valid. */
        memset(&v, DIRTY, sizeof v);
        assert_int_equal(cloak_vault_init(&v, f->key, 0, VID, VID_LEN), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(v.opaque.bytes, sizeof v.opaque.bytes));
        assert_int_equal(cloak_vault_init(NULL, f->key, 1, VID, VID_LEN), CLOAK_E_BAD_PARAMS);
    }

    /* Name of 0 or 256 bytes, context of 256 bytes, NULL name: refused on seal and open. */
    seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, NULL, 0, value, sizeof value);
    const struct {
        const uint8_t *name;
        size_t name_len;
        const uint8_t *ctx;
        size_t ctx_len;
    } bad[] = {
        {lab, 0, NULL, 0}, {lab, 256, NULL, 0}, {NULL, 3, NULL, 0}, {NAME, NAME_LEN, lab, 256},
        {NAME, NAME_LEN, NULL, 1},
    };
    for (size_t a = 0; a < sizeof bad / sizeof bad[0]; a++) {
        uint8_t out[SEALED_SMALL];
        memset(out, DIRTY, sizeof out);
        len = 99;
        assert_int_equal(cloak_secret_seal(&f->vault, out, sizeof out, &len, bad[a].name, bad[a].name_len,
                                           bad[a].ctx, bad[a].ctx_len, value, sizeof value),
                         CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(out, sizeof out));
        assert_int_equal(len, 0);
        open_fails(&f->vault, OPEN_CAP, bad[a].name, bad[a].name_len, bad[a].ctx, bad[a].ctx_len, sealed,
                   sizeof sealed, CLOAK_E_BAD_PARAMS);
    }
}

/* The blob starts with the secret header, which names the vault key by its id: the same id the
 * key, the vault state and cloak_blob_inspect() give. */
static void test_layout_matches_spec(void **state)
{
    fixture *f = *state;
    uint8_t value[40];
    uint8_t sealed[SEALED_SMALL];
    randombytes_buf(value, sizeof value);
    seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);

    uint8_t key_id[CLOAK_KEYIDBYTES], state_id[CLOAK_KEYIDBYTES];
    cloak_key_id(key_id, f->key);
    cloak_vault_key_id(state_id, &f->vault);
    assert_memory_equal(state_id, key_id, CLOAK_KEYIDBYTES);

    const uint8_t head[4] = {0x02, 0x08, 0x00, 0x01};
    const uint8_t epoch[4] = {0x00, 0x00, 0x00, 0x01};
    assert_memory_equal(sealed, head, 4);
    assert_memory_equal(sealed + 4, key_id, CLOAK_KEYIDBYTES);
    assert_memory_equal(sealed + 20, epoch, 4);
    assert_int_equal(cloak_vault_epoch(&f->vault), 1);
    assert_int_equal(cloak_vault_epoch(&f->vault2), 2);

    int type = 0;
    uint8_t inspected[CLOAK_KEYIDBYTES];
    assert_int_equal(cloak_blob_inspect(&type, inspected, sealed, sizeof sealed), CLOAK_OK);
    assert_int_equal(type, CLOAK_TYPE_SECRET);
    assert_memory_equal(inspected, key_id, CLOAK_KEYIDBYTES);
}

static void test_nonce_random(void **state)
{
    fixture *f = *state;
    const uint8_t value[16] = {0};
    uint8_t a[SEALED_SMALL], b[SEALED_SMALL];
    seal_ok(&f->vault, a, sizeof a, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);
    seal_ok(&f->vault, b, sizeof b, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);
    assert_memory_equal(a, b, 24);
    assert_memory_not_equal(a + 24, b + 24, 24);
    assert_memory_not_equal(a + 48, b + 48, SEALED_SMALL - 48);
}

/* Region codes: version, type, suite, key id, epoch, then anything authenticated. */
static int tamper_code(size_t i, uint8_t tampered_byte)
{
    if (i < 4) {
        return expected_header_code(i, tampered_byte);
    }
    if (i < 20) {
        return CLOAK_E_WRONG_KEY;
    }
    if (i < 24) {
        return CLOAK_E_MISMATCH;
    }
    return CLOAK_E_AUTH;
}

static const uint8_t MASKS[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x40, 0x80, 0xFF};

static void test_tamper_every_byte(void **state)
{
    fixture *f = *state;
    static const size_t lens[] = {0, 33};
    for (size_t k = 0; k < 2; k++) {
        uint8_t value[33];
        uint8_t sealed[SEALED_SMALL];
        randombytes_buf(value, sizeof value);
        const size_t len = seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, value, lens[k]);
        for (size_t i = 0; i < len; i++) {
            for (size_t m = 0; m < sizeof MASKS; m++) {
                sealed[i] ^= MASKS[m];
                open_fails(&f->vault, OPEN_CAP, NAME, NAME_LEN, CTX, CTX_LEN, sealed, len,
                           tamper_code(i, sealed[i]));
                sealed[i] ^= MASKS[m];
            }
        }
        open_expect(&f->vault, NAME, NAME_LEN, CTX, CTX_LEN, sealed, len, value, lens[k]);
    }
}

static void test_truncate_extend(void **state)
{
    fixture *f = *state;
    uint8_t value[50];
    uint8_t sealed[SEALED_SMALL + 16];
    randombytes_buf(value, sizeof value);
    const size_t len = seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);
    memset(sealed + len, 0, sizeof sealed - len);
    /* Only a length whose padded part is canonical reaches decryption. */
    for (size_t l = 0; l <= sizeof sealed; l++) {
        if (l == len) {
            continue;
        }
        open_fails(&f->vault, OPEN_CAP + 16, NAME, NAME_LEN, CTX, CTX_LEN, sealed, l,
                   l >= 64 && spec_is_pad(l - 64) ? CLOAK_E_AUTH : CLOAK_E_MALFORMED);
    }
    open_expect(&f->vault, NAME, NAME_LEN, CTX, CTX_LEN, sealed, len, value, sizeof value);
}

static void test_wrong_key_and_context(void **state)
{
    fixture *f = *state;
    uint8_t value[20];
    uint8_t sealed[SEALED_SMALL];
    randombytes_buf(value, sizeof value);
    seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);

    /* The same key at another epoch: authentic key id, other epoch (a rolled-back or replayed
     * secret), told apart from tampering. */
    open_fails(&f->epoch2, OPEN_CAP, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed, CLOAK_E_MISMATCH);

    /* Another vault key (same vault id): told apart from tampering. */
    open_fails(&f->vault2, OPEN_CAP, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed, CLOAK_E_WRONG_KEY);
    /* Same key, another vault id / name / context. */
    open_fails(&f->other, OPEN_CAP, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed, CLOAK_E_AUTH);
    open_fails(&f->vault, OPEN_CAP, (const uint8_t *)"db/passwore", NAME_LEN, CTX, CTX_LEN, sealed,
               sizeof sealed, CLOAK_E_AUTH);
    open_fails(&f->vault, OPEN_CAP, NAME, NAME_LEN - 1, CTX, CTX_LEN, sealed, sizeof sealed, CLOAK_E_AUTH);
    open_fails(&f->vault, OPEN_CAP, NAME, NAME_LEN, (const uint8_t *)"test", 4, sealed, sizeof sealed,
               CLOAK_E_AUTH);
    open_fails(&f->vault, OPEN_CAP, NAME, NAME_LEN, NULL, 0, sealed, sizeof sealed, CLOAK_E_AUTH);

    /* The length prefixes keep name and context apart: ("ab", "c") is not ("a", "bc"). */
    seal_ok(&f->vault, sealed, sizeof sealed, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1, value,
            sizeof value);
    open_fails(&f->vault, OPEN_CAP, (const uint8_t *)"a", 1, (const uint8_t *)"bc", 2, sealed, sizeof sealed,
               CLOAK_E_AUTH);
    open_expect(&f->vault, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1, sealed, sizeof sealed, value,
                sizeof value);

    /* A wiped or never-initialised state is refused rather than used as an all-zero key. */
    cloak_vault w;
    assert_int_equal(cloak_vault_init(&w, f->key, 1, VID, VID_LEN), CLOAK_OK);
    open_expect(&w, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1, sealed, sizeof sealed, value, sizeof value);
    cloak_vault_wipe(&w);
    assert_true(all_zero(w.opaque.bytes, sizeof w.opaque.bytes));
    open_fails(&w, OPEN_CAP, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1, sealed, sizeof sealed,
               CLOAK_E_BAD_STATE);
    open_fails(NULL, OPEN_CAP, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1, sealed, sizeof sealed,
               CLOAK_E_BAD_PARAMS);
    uint8_t id[CLOAK_KEYIDBYTES];
    memset(id, DIRTY, sizeof id);
    cloak_vault_key_id(id, &w);
    assert_true(all_zero(id, sizeof id));
    assert_int_equal(cloak_vault_epoch(&w), 0);
}

/* A vault state copied or moved elsewhere (memcpy) is refused by everything that takes it, and
 * reports no key id or epoch; the original keeps working. */
static void test_copied_vault(void **state)
{
    fixture *f = *state;
    cloak_vault *copy = test_alloc(sizeof *copy);
    uint8_t value[10] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
    uint8_t sealed[SEALED_SMALL], out[SEALED_SMALL], index[CLOAK_BLIND_INDEXBYTES], id[CLOAK_KEYIDBYTES];
    size_t len = 99;

    memcpy(copy, &f->vault, sizeof *copy);
    memset(out, DIRTY, sizeof out);
    assert_int_equal(cloak_secret_seal(copy, out, sizeof out, &len, NAME, NAME_LEN, NULL, 0, value, sizeof value),
                     CLOAK_E_BAD_STATE);
    assert_true(all_zero(out, sizeof out));
    assert_int_equal(len, 0);
    seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, NULL, 0, value, sizeof value);
    open_fails(copy, OPEN_CAP, NAME, NAME_LEN, NULL, 0, sealed, sizeof sealed, CLOAK_E_BAD_STATE);
    memset(index, DIRTY, sizeof index);
    assert_int_equal(cloak_vault_blind_index(copy, index, NAME, NAME_LEN), CLOAK_E_BAD_STATE);
    assert_true(all_zero(index, sizeof index));
    memset(id, DIRTY, sizeof id);
    cloak_vault_key_id(id, copy);
    assert_true(all_zero(id, sizeof id));
    assert_int_equal(cloak_vault_epoch(copy), 0);
    memset(out, DIRTY, sizeof out);
    len = 99;
    assert_int_equal(cloak_secret_reseal(&f->vault, copy, out, sizeof out, &len, NAME, NAME_LEN, NULL, 0, sealed,
                                         sizeof sealed),
                     CLOAK_E_BAD_STATE);
    assert_true(all_zero(out, sizeof out));
    assert_int_equal(cloak_secret_reseal(copy, &f->vault, out, sizeof out, &len, NAME, NAME_LEN, NULL, 0, sealed,
                                         sizeof sealed),
                     CLOAK_E_BAD_STATE);
    open_expect(&f->vault, NAME, NAME_LEN, NULL, 0, sealed, sizeof sealed, value, sizeof value);
    cloak_vault_wipe(copy);
    free(copy);
}

static void test_buffer_too_small(void **state)
{
    fixture *f = *state;
    uint8_t value[30];
    uint8_t sealed[SEALED_SMALL];
    size_t len = 5;
    randombytes_buf(value, sizeof value);
    memset(sealed, DIRTY, sizeof sealed);
    assert_int_equal(cloak_secret_seal(&f->vault, sealed, sizeof sealed - 1, &len, NAME, NAME_LEN, CTX, CTX_LEN,
                                       value, sizeof value),
                     CLOAK_E_BUFFER_TOO_SMALL);
    assert_true(all_zero(sealed, sizeof sealed - 1));
    assert_int_equal(sealed[sizeof sealed - 1], DIRTY);
    assert_int_equal(len, 0);

    seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);
    /* open needs room for the largest value of the bucket, whatever this value's length. */
    open_fails(&f->vault, OPEN_CAP - 1, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed,
               CLOAK_E_BUFFER_TOO_SMALL);
    open_fails(&f->vault, sizeof value, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed,
               CLOAK_E_BUFFER_TOO_SMALL);
    open_fails(&f->vault, 0, NAME, NAME_LEN, CTX, CTX_LEN, sealed, sizeof sealed, CLOAK_E_BUFFER_TOO_SMALL);
    /* An output buffer larger than needed is fine. */
    uint8_t big[OPEN_CAP + 10];
    size_t big_len = 0;
    assert_int_equal(cloak_secret_open(&f->vault, big, sizeof big, &big_len, NAME, NAME_LEN, CTX, CTX_LEN, sealed,
                                       sizeof sealed),
                     CLOAK_OK);
    assert_int_equal(big_len, sizeof value);
    assert_memory_equal(big, value, sizeof value);
}

static void test_bad_pointers(void **state)
{
    fixture *f = *state;
    uint8_t value[8] = {0};
    uint8_t sealed[SEALED_SMALL];
    uint8_t out[OPEN_CAP];
    size_t len = 3;
    memset(sealed, DIRTY, sizeof sealed);
    assert_int_equal(cloak_secret_seal(&f->vault, sealed, sizeof sealed, &len, NAME, NAME_LEN, NULL, 0, NULL, 8),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sealed, sizeof sealed));
    assert_int_equal(len, 0);
    assert_int_equal(cloak_secret_seal(&f->vault, sealed, sizeof sealed, NULL, NAME, NAME_LEN, NULL, 0, value, 8),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(cloak_secret_seal(&f->vault, NULL, 100, &len, NAME, NAME_LEN, NULL, 0, value, 8),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(len, 0);
    /* A length no blob can have: refused before anything is read. */
    memset(sealed, DIRTY, sizeof sealed);
    assert_int_equal(cloak_secret_seal(&f->vault, sealed, sizeof sealed, &len, NAME, NAME_LEN, NULL, 0, value,
                                       SIZE_MAX - 10),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sealed, sizeof sealed));
    /* Empty value with a NULL pointer is fine; opening needs a buffer for the bucket all the same. */
    len = seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, NULL, 0, NULL, 0);
    size_t out_len = 9;
    assert_int_equal(cloak_secret_open(&f->vault, NULL, 0, &out_len, NAME, NAME_LEN, NULL, 0, sealed, len),
                     CLOAK_E_BAD_PARAMS);
    assert_int_equal(out_len, 0);
    out_len = 9;
    assert_int_equal(cloak_secret_open(&f->vault, out, sizeof out, &out_len, NAME, NAME_LEN, NULL, 0, sealed, len),
                     CLOAK_OK);
    assert_int_equal(out_len, 0);
    open_fails(&f->vault, 4, NAME, NAME_LEN, NULL, 0, NULL, 60, CLOAK_E_BAD_PARAMS);
    out_len = 9;
    assert_int_equal(cloak_secret_open(&f->vault, value, 8, NULL, NAME, NAME_LEN, NULL, 0, sealed, len),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(value, 8));
}

/* In-place layouts work; any other overlap is refused. */
static void test_overlap(void **state)
{
    fixture *f = *state;
    uint8_t value[100];
    uint8_t buf[168]; /* 64 + pad(4 + 100) */
    size_t len = 0;
    randombytes_buf(value, sizeof value);

    memcpy(buf + VALUE_OFF, value, sizeof value);
    assert_int_equal(cloak_secret_seal(&f->vault, buf, sizeof buf, &len, NAME, NAME_LEN, NULL, 0, buf + VALUE_OFF,
                                       sizeof value),
                     CLOAK_OK);
    assert_int_equal(len, sizeof buf);
    open_expect(&f->vault, NAME, NAME_LEN, NULL, 0, buf, len, value, sizeof value);
    assert_int_equal(cloak_secret_open(&f->vault, buf + VALUE_OFF, sizeof value, &len, NAME, NAME_LEN, NULL, 0, buf,
                                       sizeof buf),
                     CLOAK_OK);
    assert_int_equal(len, sizeof value);
    assert_memory_equal(buf + VALUE_OFF, value, sizeof value);

    memcpy(buf, value, sizeof value);
    len = 7;
    assert_int_equal(cloak_secret_seal(&f->vault, buf, sizeof buf, &len, NAME, NAME_LEN, NULL, 0, buf,
                                       sizeof value),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, sizeof buf));
    assert_int_equal(len, 0);

    seal_ok(&f->vault, buf, sizeof buf, NAME, NAME_LEN, NULL, 0, value, sizeof value);
    len = 7;
    assert_int_equal(cloak_secret_open(&f->vault, buf, sizeof value, &len, NAME, NAME_LEN, NULL, 0, buf,
                                       sizeof buf),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, sizeof value));
    assert_int_equal(len, 0);
}

static void reseal_fails(const cloak_vault *from, const cloak_vault *to, size_t cap, const uint8_t *name,
                         size_t name_len, const uint8_t *sealed, size_t sealed_len, int expect)
{
    uint8_t *out = test_alloc(cap);
    size_t out_len = 777;
    memset(out, DIRTY, cap);
    assert_int_equal(cloak_secret_reseal(from, to, out, cap, &out_len, name, name_len, CTX, CTX_LEN, sealed,
                                         sealed_len),
                     expect);
    assert_true(all_zero(out, cap));
    assert_int_equal(out_len, 0);
    free(out);
}

static void test_reseal(void **state)
{
    fixture *f = *state;
    uint8_t value[64];
    uint8_t sealed[136]; /* 64 + pad(4 + 64) */
    uint8_t resealed[sizeof sealed];
    size_t len = 0;
    randombytes_buf(value, sizeof value);
    seal_ok(&f->vault, sealed, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, value, sizeof value);

    assert_int_equal(cloak_secret_reseal(&f->vault, &f->vault2, resealed, sizeof resealed, &len, NAME, NAME_LEN,
                                         CTX, CTX_LEN, sealed, sizeof sealed),
                     CLOAK_OK);
    assert_int_equal(len, sizeof sealed);
    uint8_t id2[CLOAK_KEYIDBYTES];
    cloak_vault_key_id(id2, &f->vault2);
    assert_memory_equal(resealed + 4, id2, CLOAK_KEYIDBYTES);
    assert_memory_not_equal(resealed + 20, sealed + 20, 24);
    /* The new key's epoch is in the blob. */
    assert_int_equal(resealed[23], 2);
    open_expect(&f->vault2, NAME, NAME_LEN, CTX, CTX_LEN, resealed, len, value, sizeof value);
    open_fails(&f->vault, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, resealed, len, CLOAK_E_WRONG_KEY);

    /* To another vault id as well (the new state decides every binding). */
    assert_int_equal(cloak_secret_reseal(&f->vault, &f->other, resealed, sizeof resealed, &len, NAME, NAME_LEN,
                                         CTX, CTX_LEN, sealed, sizeof sealed),
                     CLOAK_OK);
    open_expect(&f->other, NAME, NAME_LEN, CTX, CTX_LEN, resealed, len, value, sizeof value);
    open_fails(&f->vault, sizeof sealed, NAME, NAME_LEN, CTX, CTX_LEN, resealed, len, CLOAK_E_AUTH);

    /* In place. */
    uint8_t buf[sizeof sealed];
    memcpy(buf, sealed, sizeof sealed);
    assert_int_equal(cloak_secret_reseal(&f->vault, &f->vault2, buf, sizeof buf, &len, NAME, NAME_LEN, CTX,
                                         CTX_LEN, buf, sizeof buf),
                     CLOAK_OK);
    assert_int_equal(len, sizeof buf);
    open_expect(&f->vault2, NAME, NAME_LEN, CTX, CTX_LEN, buf, len, value, sizeof value);

    /* Failures leave the output zero. */
    reseal_fails(&f->vault2, &f->vault, sizeof sealed, NAME, NAME_LEN, sealed, sizeof sealed, CLOAK_E_WRONG_KEY);
    reseal_fails(&f->vault, &f->vault2, sizeof sealed, (const uint8_t *)"x", 1, sealed, sizeof sealed,
                 CLOAK_E_AUTH);
    reseal_fails(&f->other, &f->vault2, sizeof sealed, NAME, NAME_LEN, sealed, sizeof sealed, CLOAK_E_AUTH);
    reseal_fails(&f->vault, &f->vault2, sizeof sealed - 1, NAME, NAME_LEN, sealed, sizeof sealed,
                 CLOAK_E_BUFFER_TOO_SMALL);
    reseal_fails(&f->vault, &f->vault2, sizeof sealed, NAME, NAME_LEN, sealed, 59, CLOAK_E_MALFORMED);
    reseal_fails(&f->vault, &f->vault2, sizeof sealed, NAME, NAME_LEN, sealed, sizeof sealed - 1, CLOAK_E_MALFORMED);
    reseal_fails(&f->epoch2, &f->vault2, sizeof sealed, NAME, NAME_LEN, sealed, sizeof sealed, CLOAK_E_MISMATCH);
    reseal_fails(&f->vault, NULL, sizeof sealed, NAME, NAME_LEN, sealed, sizeof sealed, CLOAK_E_BAD_PARAMS);
    {
        cloak_vault wiped;
        memset(&wiped, 0, sizeof wiped);
        reseal_fails(&f->vault, &wiped, sizeof sealed, NAME, NAME_LEN, sealed, sizeof sealed, CLOAK_E_BAD_STATE);
    }
    reseal_fails(&f->vault, &f->vault2, sizeof sealed, NULL, 0, sealed, sizeof sealed, CLOAK_E_BAD_PARAMS);
    for (size_t i = 0; i < sizeof sealed; i++) {
        sealed[i] ^= 0x20;
        reseal_fails(&f->vault, &f->vault2, sizeof sealed, NAME, NAME_LEN, sealed, sizeof sealed,
                     tamper_code(i, sealed[i]));
        sealed[i] ^= 0x20;
    }
    /* A failed in-place reseal zeroes the buffer (its input). */
    memcpy(buf, sealed, sizeof sealed);
    buf[50] ^= 1;
    assert_int_equal(cloak_secret_reseal(&f->vault, &f->vault2, buf, sizeof buf, &len, NAME, NAME_LEN, CTX,
                                         CTX_LEN, buf, sizeof buf),
                     CLOAK_E_AUTH);
    assert_true(all_zero(buf, sizeof buf));
    /* Partial overlap other than in place is refused. */
    uint8_t two[2 * sizeof sealed];
    memcpy(two, sealed, sizeof sealed);
    assert_int_equal(cloak_secret_reseal(&f->vault, &f->vault2, two + 1, sizeof sealed, &len, NAME, NAME_LEN, CTX,
                                         CTX_LEN, two, sizeof sealed),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(two + 1, sizeof sealed));
    assert_int_equal(len, 0);
}

static void test_blind_index(void **state)
{
    fixture *f = *state;
    uint8_t a[32], b[32], c[32], d[32], e[32];
    assert_int_equal(cloak_vault_blind_index(&f->vault, a, NAME, NAME_LEN), CLOAK_OK);
    assert_int_equal(cloak_vault_blind_index(&f->vault, b, NAME, NAME_LEN), CLOAK_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(cloak_vault_blind_index(&f->vault, c, NAME, NAME_LEN - 1), CLOAK_OK);
    assert_memory_not_equal(a, c, 32);
    assert_int_equal(cloak_vault_blind_index(&f->other, d, NAME, NAME_LEN), CLOAK_OK);
    assert_memory_not_equal(a, d, 32);
    assert_int_equal(cloak_vault_blind_index(&f->vault2, e, NAME, NAME_LEN), CLOAK_OK);
    assert_memory_not_equal(a, e, 32);

    /* Name bounds, and a wiped state. */
    uint8_t lab[256] = {0};
    assert_int_equal(cloak_vault_blind_index(&f->vault, a, lab, 255), CLOAK_OK);
    assert_int_equal(cloak_vault_blind_index(&f->vault, b, lab, 1), CLOAK_OK);
    assert_memory_not_equal(a, b, 32);
    const size_t bad[] = {0, 256};
    for (size_t i = 0; i < 2; i++) {
        memset(a, DIRTY, 32);
        assert_int_equal(cloak_vault_blind_index(&f->vault, a, lab, bad[i]), CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(a, 32));
    }
    memset(a, DIRTY, 32);
    assert_int_equal(cloak_vault_blind_index(&f->vault, a, NULL, 3), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(a, 32));
    cloak_vault w;
    memset(&w, 0, sizeof w);
    memset(a, DIRTY, 32);
    assert_int_equal(cloak_vault_blind_index(&w, a, NAME, NAME_LEN), CLOAK_E_BAD_STATE);
    assert_true(all_zero(a, 32));
    assert_int_equal(cloak_vault_blind_index(&f->vault, NULL, NAME, NAME_LEN), CLOAK_E_BAD_PARAMS);
}

static void test_key_generate(void **state)
{
    (void)state;
    uint8_t a[CLOAK_KEYBYTES], b[CLOAK_KEYBYTES], ia[CLOAK_KEYIDBYTES], ib[CLOAK_KEYIDBYTES];
    cloak_vault_key_generate(a);
    cloak_vault_key_generate(b);
    assert_memory_not_equal(a, b, CLOAK_KEYBYTES);
    cloak_key_id(ia, a);
    cloak_key_id(ib, b);
    assert_memory_not_equal(ia, ib, CLOAK_KEYIDBYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_padding_buckets),
        cmocka_unit_test(test_copied_vault),
        cmocka_unit_test(test_key_generate),
        cmocka_unit_test(test_round_trip_lengths),
        cmocka_unit_test(test_label_lengths),
        cmocka_unit_test(test_layout_matches_spec),
        cmocka_unit_test(test_nonce_random),
        cmocka_unit_test(test_tamper_every_byte),
        cmocka_unit_test(test_truncate_extend),
        cmocka_unit_test(test_wrong_key_and_context),
        cmocka_unit_test(test_buffer_too_small),
        cmocka_unit_test(test_bad_pointers),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_reseal),
        cmocka_unit_test(test_blind_index),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
