/*
 * Vault-key shares (docs/protocol.md section 8): round trip, the layout, signature and HPKE
 * recomputed from the spec, every byte tampered (with the code of its region), every truncation,
 * another vault, another recipient, a wrong secret key, an untrusted sender, low-order keys. After
 * every failure the output must be all zero.
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

#define SB CLOAK_SHAREBYTES
#define DIRTY 0xA5U
#define EPOCH 3U /* the epoch every share of the fixture carries */

static const uint8_t VID[] = "team-vault";
#define VID_LEN (sizeof VID - 1U)

typedef struct member {
    uint8_t id_pk[32];
    uint8_t id_sk[64];
    uint8_t enc_pk[32];
    uint8_t enc_sk[32];
} member;

typedef struct fixture {
    member alice, bob, carol;
    uint8_t vault_key[32];
    uint8_t share[SB]; /* alice -> bob, VID */
} fixture;

/* Low-order X25519 points (and non-canonical encodings of them): each gives an all-zero agreement. */

static void member_new(member *m)
{
    crypto_sign_keypair(m->id_pk, m->id_sk);
    randombytes_buf(m->enc_sk, 32);
    crypto_scalarmult_base(m->enc_pk, m->enc_sk);
}

static int setup(void **state)
{
    if (cloak_init() != CLOAK_OK) {
        return -1;
    }
    fixture *f = malloc(sizeof *f);
    if (f == NULL) {
        return -1;
    }
    member_new(&f->alice);
    member_new(&f->bob);
    member_new(&f->carol);
    cloak_vault_key_generate(f->vault_key);
    if (cloak_share_seal(f->share, f->vault_key, EPOCH, VID, VID_LEN, f->bob.enc_pk, f->alice.id_sk) != CLOAK_OK) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void open_fails(const uint8_t *share, size_t share_len, const uint8_t *vid, size_t vid_len, const member *to,
                       const uint8_t *sk, const uint8_t *trusted, int expect)
{
    uint8_t key[32];
    uint32_t epoch_out = 0xA5A5A5A5U;
    memset(key, DIRTY, sizeof key);
    assert_int_equal(cloak_share_open(key, &epoch_out, share, share_len, vid, vid_len, to->enc_pk, sk, trusted, 1), expect);
    assert_true(all_zero(key, sizeof key));
    assert_int_equal(epoch_out, 0);
}

static void open_ok(const fixture *f, const uint8_t *share, const uint8_t *vid, size_t vid_len)
{
    uint8_t key[32];
    uint32_t epoch_out = 0;
    assert_int_equal(cloak_share_open(key, &epoch_out, share, SB, vid, vid_len, f->bob.enc_pk, f->bob.enc_sk, f->alice.id_pk, 1),
                     CLOAK_OK);
    assert_memory_equal(key, f->vault_key, 32);
    assert_int_equal(epoch_out, EPOCH);
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    open_ok(f, f->share, VID, VID_LEN);

    uint8_t sender[32];
    memset(sender, DIRTY, sizeof sender);
    assert_int_equal(cloak_share_sender(sender, f->share, SB), CLOAK_OK);
    assert_memory_equal(sender, f->alice.id_pk, 32);

    /* Vault ids at both bounds. */
    uint8_t lab[255];
    uint8_t share[SB];
    randombytes_buf(lab, sizeof lab);
    assert_int_equal(cloak_share_seal(share, f->vault_key, EPOCH, lab, 1, f->bob.enc_pk, f->alice.id_sk), CLOAK_OK);
    open_ok(f, share, lab, 1);
    assert_int_equal(cloak_share_seal(share, f->vault_key, EPOCH, lab, 255, f->bob.enc_pk, f->alice.id_sk), CLOAK_OK);
    open_ok(f, share, lab, 255);

    /* Two shares of the same key differ: a fresh ephemeral key each time. */
    assert_int_equal(cloak_share_seal(share, f->vault_key, EPOCH, VID, VID_LEN, f->bob.enc_pk, f->alice.id_sk), CLOAK_OK);
    assert_memory_equal(share, f->share, 56);
    assert_memory_not_equal(share + 56, f->share + 56, 32);
    assert_memory_not_equal(share + 88, f->share + 88, 48);
    open_ok(f, share, VID, VID_LEN);
}

/* Layout, key id, signature and HPKE recomputed from section 8 with libsodium and the public HPKE API. */
static void test_layout_matches_spec(void **state)
{
    fixture *f = *state;
    const uint8_t *s = f->share;
    const uint8_t head[4] = {0x02, 0x09, 0x00, 0x01};
    assert_memory_equal(s, head, 4);

    uint8_t h[32];
    const char *id_label = "libcloak v2 public key id";
    crypto_hash_sha256_state hs;
    const uint8_t idl = (uint8_t)strlen(id_label);
    crypto_hash_sha256_init(&hs);
    crypto_hash_sha256_update(&hs, &idl, 1);
    crypto_hash_sha256_update(&hs, (const uint8_t *)id_label, idl);
    crypto_hash_sha256_update(&hs, f->bob.enc_pk, 32);
    crypto_hash_sha256_final(&hs, h);
    assert_memory_equal(s + 4, h, 16);
    assert_memory_equal(s + 20, f->alice.id_pk, 32);
    const uint8_t epoch_be[4] = {0, 0, 0, EPOCH};
    assert_memory_equal(s + 52, epoch_be, 4);

    int type = 0;
    uint8_t kid[16];
    assert_int_equal(cloak_blob_inspect(&type, kid, s, SB), CLOAK_OK);
    assert_int_equal(type, CLOAK_TYPE_SHARE);
    assert_memory_equal(kid, h, 16);

    /* Signature: Ed25519 over lp8("libcloak v2 share") || signer pk || bytes 0..136 || lp8(vault id) ||
     * recipient pk. */
    uint8_t msg[1 + 17 + 32 + 136 + 1 + 255 + 32];
    size_t n = 0;
    const char *sig_label = "libcloak v2 share";
    msg[n++] = (uint8_t)strlen(sig_label);
    memcpy(msg + n, sig_label, strlen(sig_label));
    n += strlen(sig_label);
    memcpy(msg + n, f->alice.id_pk, 32);
    n += 32;
    memcpy(msg + n, s, 136);
    n += 136;
    msg[n++] = VID_LEN;
    memcpy(msg + n, VID, VID_LEN);
    n += VID_LEN;
    memcpy(msg + n, f->bob.enc_pk, 32);
    n += 32;
    assert_int_equal(crypto_sign_verify_detached(s + 136, msg, n, f->alice.id_pk), 0);

    /* HPKE: info = lp8("libcloak v2 share") || lp8(vault id) || u32(epoch) || recipient pk || sender
     * pk, aad = bytes 0..56. */
    uint8_t info[1 + 17 + 1 + 255 + 4 + 64];
    const char *hpke_label = "libcloak v2 share";
    size_t il = 0;
    info[il++] = (uint8_t)strlen(hpke_label);
    memcpy(info + il, hpke_label, strlen(hpke_label));
    il += strlen(hpke_label);
    info[il++] = VID_LEN;
    memcpy(info + il, VID, VID_LEN);
    il += VID_LEN;
    memcpy(info + il, epoch_be, 4);
    il += 4;
    memcpy(info + il, f->bob.enc_pk, 32);
    il += 32;
    memcpy(info + il, f->alice.id_pk, 32);
    il += 32;
    uint8_t key[32];
    assert_int_equal(cloak_hpke_open_base(key, s + 56, f->bob.enc_pk, f->bob.enc_sk, info, il, s, 56, s + 88, 48),
                     CLOAK_OK);
    assert_memory_equal(key, f->vault_key, 32);
}

/* Region codes of section 8: header fields, key id, sender, epoch (0 is malformed, before
 * anything else is looked at), then everything the signature covers. */
static int open_code(size_t i, const uint8_t *share)
{
    if (i < 4) {
        return expected_header_code(i, share[i]);
    }
    if (i >= 52 && i < 56 && share[52] == 0 && share[53] == 0 && share[54] == 0 && share[55] == 0) {
        return CLOAK_E_MALFORMED;
    }
    if (i < 20) {
        return CLOAK_E_WRONG_KEY;
    }
    if (i < 52) {
        return CLOAK_E_UNTRUSTED_SIGNER;
    }
    return CLOAK_E_BAD_SIGNATURE;
}

static void test_tamper_every_byte(void **state)
{
    fixture *f = *state;
    static const uint8_t masks[] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x40, 0x80, 0xFF};
    uint8_t s[SB];
    memcpy(s, f->share, SB);
    for (size_t i = 0; i < SB; i++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            s[i] ^= masks[m];
            open_fails(s, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk, open_code(i, s));
            uint8_t sender[32];
            memset(sender, DIRTY, sizeof sender);
            const int rc = cloak_share_sender(sender, s, SB);
            if (i < 4) {
                assert_int_equal(rc, expected_header_code(i, s[i]));
                assert_true(all_zero(sender, 32));
            } else {
                /* Parsed, not verified: whatever the blob says. */
                assert_int_equal(rc, CLOAK_OK);
                assert_memory_equal(sender, s + 20, 32);
            }
            s[i] ^= masks[m];
        }
    }
    open_ok(f, s, VID, VID_LEN);
}

/* A sender who trusts the tampered sender field still fails on the signature. */
static void test_tamper_sender_trusted(void **state)
{
    fixture *f = *state;
    uint8_t s[SB];
    memcpy(s, f->share, SB);
    memcpy(s + 20, f->carol.id_pk, 32);
    open_fails(s, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->carol.id_pk, CLOAK_E_BAD_SIGNATURE);
}

static void test_truncate_extend(void **state)
{
    fixture *f = *state;
    uint8_t s[SB + 1];
    memcpy(s, f->share, SB);
    s[SB] = 0;
    for (size_t l = 0; l <= SB + 1; l++) {
        if (l == SB) {
            continue;
        }
        open_fails(s, l, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk, CLOAK_E_MALFORMED);
        uint8_t sender[32];
        memset(sender, DIRTY, sizeof sender);
        assert_int_equal(cloak_share_sender(sender, s, l), CLOAK_E_MALFORMED);
        assert_true(all_zero(sender, 32));
    }
}

static void test_wrong_context(void **state)
{
    fixture *f = *state;
    /* Another vault, and a vault id that is a prefix or extension of the right one. */
    open_fails(f->share, SB, (const uint8_t *)"team-vaulu", VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk,
               CLOAK_E_BAD_SIGNATURE);
    open_fails(f->share, SB, VID, VID_LEN - 1, &f->bob, f->bob.enc_sk, f->alice.id_pk, CLOAK_E_BAD_SIGNATURE);
    /* Another recipient, with their own keys. */
    open_fails(f->share, SB, VID, VID_LEN, &f->carol, f->carol.enc_sk, f->alice.id_pk, CLOAK_E_WRONG_KEY);
    /* The right public key with a wrong secret key. */
    open_fails(f->share, SB, VID, VID_LEN, &f->bob, f->carol.enc_sk, f->alice.id_pk, CLOAK_E_AUTH);
    /* A sender the recipient does not trust. */
    open_fails(f->share, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->carol.id_pk, CLOAK_E_UNTRUSTED_SIGNER);
    /* Order of checks: wrong key before untrusted signer before bad signature. */
    uint8_t s[SB];
    memcpy(s, f->share, SB);
    s[150] ^= 1;
    open_fails(s, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->carol.id_pk, CLOAK_E_UNTRUSTED_SIGNER);
    open_fails(s, SB, VID, VID_LEN, &f->carol, f->carol.enc_sk, f->carol.id_pk, CLOAK_E_WRONG_KEY);
}

/* A correctly signed share whose ciphertext is wrong fails authentication, not the signature. */
static void resign(uint8_t s[SB], const member *sender, const uint8_t *vid, size_t vid_len, const uint8_t *rpk)
{
    uint8_t msg[1 + 17 + 32 + 136 + 1 + 255 + 32];
    size_t n = 0;
    msg[n++] = 17;
    memcpy(msg + n, "libcloak v2 share", 17);
    n += 17;
    memcpy(msg + n, sender->id_pk, 32);
    n += 32;
    memcpy(msg + n, s, 136);
    n += 136;
    msg[n++] = (uint8_t)vid_len;
    memcpy(msg + n, vid, vid_len);
    n += vid_len;
    memcpy(msg + n, rpk, 32);
    n += 32;
    crypto_sign_detached(s + 136, NULL, msg, n, sender->id_sk);
}

static void test_signed_but_altered(void **state)
{
    fixture *f = *state;
    uint8_t s[SB];
    /* Altered ciphertext or tag, re-signed by the trusted sender: the HPKE layer still refuses. */
    for (size_t i = 88; i < 136; i += 7) {
        memcpy(s, f->share, SB);
        s[i] ^= 0x01;
        resign(s, &f->alice, VID, VID_LEN, f->bob.enc_pk);
        open_fails(s, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk, CLOAK_E_AUTH);
    }
    /* Another valid enc: wrong shared secret. */
    memcpy(s, f->share, SB);
    crypto_scalarmult_base(s + 56, f->carol.enc_sk);
    resign(s, &f->alice, VID, VID_LEN, f->bob.enc_pk);
    open_fails(s, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk, CLOAK_E_AUTH);
    /* A low-order enc: an invalid key, or malformed for a non-canonical encoding (section 1.4). */
    for (size_t k = 0; k < LOW_ORDER_POINTS; k++) {
        memcpy(s, f->share, SB);
        memcpy(s + 56, low_order_points[k], 32);
        resign(s, &f->alice, VID, VID_LEN, f->bob.enc_pk);
        open_fails(s, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk, low_order_point_status(k));
    }
    /* Re-signing the untouched share gives back a valid one (the helper is right). */
    memcpy(s, f->share, SB);
    resign(s, &f->alice, VID, VID_LEN, f->bob.enc_pk);
    open_ok(f, s, VID, VID_LEN);
}

static void test_low_order_recipient(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < LOW_ORDER_POINTS; k++) {
        uint8_t s[SB];
        memset(s, DIRTY, SB);
        /* Docs/protocol.md 1.4: u = p and p + 1 are not canonical encodings (malformed). */
        const int want = low_order_point_status(k);
        assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, VID, VID_LEN, low_order_points[k], f->alice.id_sk),
                         want);
        assert_true(all_zero(s, SB));
    }
}

static void test_bad_params(void **state)
{
    fixture *f = *state;
    uint8_t lab[256] = {0};
    uint8_t s[SB];
    const size_t bad[] = {0, 256};
    for (size_t i = 0; i < 2; i++) {
        memset(s, DIRTY, SB);
        assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, lab, bad[i], f->bob.enc_pk, f->alice.id_sk),
                         CLOAK_E_BAD_PARAMS);
        assert_true(all_zero(s, SB));
        open_fails(f->share, SB, lab, bad[i], &f->bob, f->bob.enc_sk, f->alice.id_pk, CLOAK_E_BAD_PARAMS);
    }
    memset(s, DIRTY, SB);
    assert_int_equal(cloak_share_seal(s, NULL, EPOCH, VID, VID_LEN, f->bob.enc_pk, f->alice.id_sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(s, SB));
    memset(s, DIRTY, SB);
    assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, NULL, 3, f->bob.enc_pk, f->alice.id_sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(s, SB));
    memset(s, DIRTY, SB);
    assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, VID, VID_LEN, NULL, f->alice.id_sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(s, SB));
    memset(s, DIRTY, SB);
    assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, VID, VID_LEN, f->bob.enc_pk, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(s, SB));
    assert_int_equal(cloak_share_seal(NULL, f->vault_key, EPOCH, VID, VID_LEN, f->bob.enc_pk, f->alice.id_sk),
                     CLOAK_E_BAD_PARAMS);

    open_fails(NULL, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk, CLOAK_E_BAD_PARAMS);
    open_fails(f->share, SB, NULL, VID_LEN, &f->bob, f->bob.enc_sk, f->alice.id_pk, CLOAK_E_BAD_PARAMS);
    open_fails(f->share, SB, VID, VID_LEN, &f->bob, NULL, f->alice.id_pk, CLOAK_E_BAD_PARAMS);
    open_fails(f->share, SB, VID, VID_LEN, &f->bob, f->bob.enc_sk, NULL, CLOAK_E_BAD_PARAMS);
    uint8_t key[32];
    uint32_t epoch_out = 7;
    memset(key, DIRTY, 32);
    assert_int_equal(cloak_share_open(key, &epoch_out, f->share, SB, VID, VID_LEN, NULL, f->bob.enc_sk, f->alice.id_pk, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(key, 32));
    assert_int_equal(cloak_share_open(NULL, &epoch_out, f->share, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk, f->alice.id_pk, 1),
                     CLOAK_E_BAD_PARAMS);
    uint8_t sender[32];
    memset(sender, DIRTY, 32);
    assert_int_equal(cloak_share_sender(sender, NULL, SB), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(sender, 32));
    assert_int_equal(cloak_share_sender(NULL, f->share, SB), CLOAK_E_BAD_PARAMS);

    /* An output overlapping an input is refused, and zeroed. */
    uint8_t buf[SB + 64];
    memset(buf, DIRTY, sizeof buf);
    memcpy(buf + SB - 8, f->vault_key, 32);
    assert_int_equal(cloak_share_seal(buf, buf + SB - 8, EPOCH, VID, VID_LEN, f->bob.enc_pk, f->alice.id_sk),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf, SB));
    memcpy(buf, f->share, SB);
    assert_int_equal(cloak_share_open(buf + 100, &epoch_out, buf, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk, f->alice.id_pk, 1),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf + 100, 32));
    memcpy(buf, f->share, SB);
    assert_int_equal(cloak_share_sender(buf + 10, buf, SB), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(buf + 10, 32));
}

/* A share sealed to oneself, opened into the vault key, seals and opens secrets: the flow of a vault. */
static void test_share_then_vault(void **state)
{
    fixture *f = *state;
    uint8_t s[SB], key[32];
    uint32_t epoch_out = 0;
    assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, VID, VID_LEN, f->alice.enc_pk, f->alice.id_sk), CLOAK_OK);
    assert_int_equal(cloak_share_open(key, &epoch_out, s, SB, VID, VID_LEN, f->alice.enc_pk, f->alice.enc_sk, f->alice.id_pk, 1),
                     CLOAK_OK);
    cloak_vault v;
    assert_int_equal(cloak_vault_init(&v, key, epoch_out, VID, VID_LEN), CLOAK_OK);
    uint8_t sealed[128], out[60];
    size_t len = 0;
    assert_int_equal(cloak_secret_seal(&v, sealed, sizeof sealed, &len, (const uint8_t *)"n", 1, NULL, 0,
                                       (const uint8_t *)"abc", 3),
                     CLOAK_OK);
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &len, (const uint8_t *)"n", 1, NULL, 0, sealed,
                                       sizeof sealed),
                     CLOAK_OK);
    assert_memory_equal(out, "abc", 3);
    cloak_vault_wipe(&v);
}

/* Epochs: the one a share carries is authenticated and returned, a share below the caller's minimum
 * is refused as stale (a rollback after rotation), only after its signature verified; epoch 0 is
 * never sealed and never opened. */
static void test_epochs(void **state)
{
    fixture *f = *state;
    uint8_t s[SB], key[32];
    uint32_t epoch_out = 0;

    assert_int_equal(cloak_share_open(key, &epoch_out, f->share, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk,
                                      f->alice.id_pk, EPOCH),
                     CLOAK_OK);
    assert_int_equal(epoch_out, EPOCH);
    memset(key, DIRTY, sizeof key);
    epoch_out = 9;
    assert_int_equal(cloak_share_open(key, &epoch_out, f->share, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk,
                                      f->alice.id_pk, EPOCH + 1),
                     CLOAK_E_STALE);
    assert_true(all_zero(key, sizeof key));
    assert_int_equal(epoch_out, 0);
    /* Stale is told only of an authentic share: an untrusted or broken one says so first. */
    assert_int_equal(cloak_share_open(key, &epoch_out, f->share, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk,
                                      f->carol.id_pk, EPOCH + 1),
                     CLOAK_E_UNTRUSTED_SIGNER);
    memcpy(s, f->share, SB);
    s[55] ^= 0x04; /* epoch 3 -> 7, signature now broken */
    assert_int_equal(cloak_share_open(key, &epoch_out, s, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk,
                                      f->alice.id_pk, 1),
                     CLOAK_E_BAD_SIGNATURE);
    /* A rewritten epoch, re-signed by the sender, still fails: the epoch is in the HPKE info. */
    resign(s, &f->alice, VID, VID_LEN, f->bob.enc_pk);
    assert_int_equal(cloak_share_open(key, &epoch_out, s, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk,
                                      f->alice.id_pk, 1),
                     CLOAK_E_AUTH);
    /* Epoch 0 on either side. */
    memset(s, DIRTY, SB);
    assert_int_equal(cloak_share_seal(s, f->vault_key, 0, VID, VID_LEN, f->bob.enc_pk, f->alice.id_sk),
                     CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(s, SB));
    memcpy(s, f->share, SB);
    memset(s + 52, 0, 4);
    resign(s, &f->alice, VID, VID_LEN, f->bob.enc_pk);
    assert_int_equal(cloak_share_open(key, &epoch_out, s, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk,
                                      f->alice.id_pk, 0),
                     CLOAK_E_MALFORMED);
    /* The largest epoch round-trips. */
    assert_int_equal(cloak_share_seal(s, f->vault_key, UINT32_MAX, VID, VID_LEN, f->bob.enc_pk, f->alice.id_sk),
                     CLOAK_OK);
    assert_int_equal(cloak_share_open(key, &epoch_out, s, SB, VID, VID_LEN, f->bob.enc_pk, f->bob.enc_sk,
                                      f->alice.id_pk, UINT32_MAX),
                     CLOAK_OK);
    assert_int_equal(epoch_out, UINT32_MAX);
}

/* A sender secret key whose public half is not its seed's is refused before anything is signed
 * (two such signatures over one message would reveal the seed's scalar). */
static void test_sender_key_checked(void **state)
{
    fixture *f = *state;
    uint8_t s[SB], sk[64];
    memcpy(sk, f->alice.id_sk, 64);
    memcpy(sk + 32, f->carol.id_pk, 32);
    memset(s, DIRTY, SB);
    assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, VID, VID_LEN, f->bob.enc_pk, sk), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(s, SB));
    /* A recipient key with bit 255 set (another encoding of a key) is malformed. */
    uint8_t pk[32];
    memcpy(pk, f->bob.enc_pk, 32);
    pk[31] |= 0x80;
    memset(s, DIRTY, SB);
    assert_int_equal(cloak_share_seal(s, f->vault_key, EPOCH, VID, VID_LEN, pk, f->alice.id_sk), CLOAK_E_MALFORMED);
    assert_true(all_zero(s, SB));
    uint32_t epoch_out = 5;
    uint8_t key[32];
    memset(key, DIRTY, sizeof key);
    assert_int_equal(cloak_share_open(key, &epoch_out, f->share, SB, VID, VID_LEN, pk, f->bob.enc_sk, f->alice.id_pk, 1),
                     CLOAK_E_MALFORMED);
    assert_true(all_zero(key, sizeof key));
    assert_int_equal(epoch_out, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_layout_matches_spec),
        cmocka_unit_test(test_tamper_every_byte),
        cmocka_unit_test(test_tamper_sender_trusted),
        cmocka_unit_test(test_truncate_extend),
        cmocka_unit_test(test_wrong_context),
        cmocka_unit_test(test_signed_but_altered),
        cmocka_unit_test(test_low_order_recipient),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_share_then_vault),
        cmocka_unit_test(test_epochs),
        cmocka_unit_test(test_sender_key_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
