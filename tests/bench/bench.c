/*
 * libcloak against its floor: each operation timed next to the same libsodium calls written out
 * bare, in the same run, so that what is reported is the price of libcloak's own work (header,
 * associated data, key ids, HKDF, labels, HPKE's key schedule, states) and not the speed of the
 * machine. The floors do what the format itself needs: AEADs over the padded lengths, and for a
 * batch one BLAKE2b-256 per item (its manifest entry) and, on the reader's side, one HMAC tag per
 * item. The X-Wing rows (suite 2) write X-Wing out bare on the library's own ML-KEM-768 and SHA-3
 * (src/mlkem.h), beside the same rows in X25519.
 *
 *   bench                 the full run (docs/performance.md shows its last output)
 *   bench --quick         every operation once at small sizes, results checked; no timings
 *   bench --json FILE     also writes the results as JSON
 *   bench --reps N        repetitions per operation (default 7, at least 5 for a real run)
 *   bench --min-ms X      minimum duration of one repetition (default 100 ms)
 *   bench --only TEXT     only the operations whose name contains TEXT
 *   bench --breakdown     also times the primitives the operations are made of, each alone
 *
 * Method. For each operation, libcloak (A) and its floor (B) are first run once to warm caches and
 * to calibrate: each side then repeats its call enough times that one repetition lasts at least
 * --min-ms. The repetitions alternate A B A B ..., so a drift of the machine (frequency, another
 * process) touches both; the figure of a repetition is its time divided by its number of calls,
 * and each side's figure is the median over the repetitions. The ratio is median(A) / median(B).
 *
 * Every call's result is checked even while timing (a branch on a status, on both sides alike);
 * --quick additionally opens what was sealed, on both sides, and compares it with the original.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cloak.h"
/* The floor of the X-Wing rows calls ML-KEM-768 and SHA-3 bare: the library's own copy of that
 * code (src/mlkem.c, linked into this program from the same static library libcloak is made of),
 * which libsodium lacks. */
#include "mlkem.h"

#ifndef CLOAK_BENCH_BUILD
#define CLOAK_BENCH_BUILD "unknown"
#endif
#ifndef CLOAK_BENCH_ARGON2_KERNEL
#define CLOAK_BENCH_ARGON2_KERNEL "system libargon2"
#endif

#define VAULT_ID "vault-benchmark"
#define VAULT_ID_LEN (sizeof(VAULT_ID) - 1U)
#define NAME_LEN 12U              /* "secret-00000" */
#define BATCH_VALUE_LEN 256U
#define BATCH_FULL 10000U
#define BATCH_QUICK 16U
#define SIZES 3U
#define PASSWORD "correct horse battery staple"
#define PASSWORD_LEN (sizeof(PASSWORD) - 1U)
#define ACCOUNT_ID "alice@example.org"
#define ACCOUNT_ID_LEN (sizeof(ACCOUNT_ID) - 1U)

/* What libcloak signs in a share: lp8("libcloak v2 share") || signer public key || bytes 0..136 ||
 * lp8(vault id) || recipient public key. The floor signs a message of the same length, so that the
 * SHA-512 inside Ed25519 hashes as many bytes on both sides. */
#define SHARE_SIGNED_LEN (1U + 17U + 32U + 136U + 1U + VAULT_ID_LEN + 32U)
/* What libcloak signs in a batch: lp8("libcloak v2 batch") || signer public key || bytes 0..157+L ||
 * BLAKE2b-256(manifest). */
#define BATCH_SIGNED_LEN (1U + 17U + 32U + 157U + VAULT_ID_LEN + 32U)
/* A batch item's header (bytes 0..40, its associated data) and the plaintext's name prefix. */
#define ITEM_HEADER_LEN 40U
#define ITEM_NAME_PREFIX (1U + NAME_LEN + 4U)
/* Room for any padded plaintext the batch rows handle (a 256-byte value pads to at most 288). */
#define BATCH_PT_CAP 512U

/* Floor blob of a secret: nonce || ciphertext || tag (no header, no associated data). */
#define FLOOR_SECRET_OVERHEAD (crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)

static const size_t secret_sizes[SIZES] = {64U, 1024U, 65536U};

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void check(int rc, const char *what)
{
    if (rc != 0) {
        die("%s failed: %d (%s)", what, rc, cloak_status_string(rc));
    }
}

static void *xmalloc(size_t n)
{
    void *p = calloc(1U, n);
    if (p == NULL) {
        die("out of memory (%zu bytes)", n);
    }
    return p;
}

/* ------------------------------------------------------------------------------------------------
 * Fixture: keys and inputs of both sides, built before any timing
 * ---------------------------------------------------------------------------------------------- */

static struct fixture {
    size_t batch_n;
    uint32_t pw_m, pw_t, pw_p;

    /* libcloak side */
    uint8_t alice_pk[CLOAK_IDENTITY_PUBLICKEYBYTES], alice_sk[CLOAK_IDENTITY_SECRETKEYBYTES];
    uint8_t bob_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], bob_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    uint8_t acct_pk[CLOAK_ENCRYPTION_PUBLICKEYBYTES], acct_sk[CLOAK_ENCRYPTION_SECRETKEYBYTES];
    uint8_t vault_key[CLOAK_KEYBYTES];
    cloak_vault vault;
    uint8_t share[CLOAK_SHAREBYTES];        /* written by share seal */
    uint8_t share_fixed[CLOAK_SHAREBYTES];  /* read by share open */
    uint8_t opened_key[CLOAK_KEYBYTES];
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], record1[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t master_key[CLOAK_KEYBYTES], login_key[CLOAK_KEYBYTES];
    uint8_t master_key1[CLOAK_KEYBYTES], login_key1[CLOAK_KEYBYTES];
    uint8_t account_secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    /* The policy the records are derived under: NULL (the default) for the full run's default
     * record, a lower one for --quick's smallest record. */
    uint8_t policy_storage[CLOAK_PASSWORD_POLICYBYTES];
    const uint8_t *policy;

    uint8_t *value;                         /* 64 KiB of plaintext (and its padding), all sizes start here */
    uint8_t *sealed[SIZES], *sealed_fixed[SIZES];
    size_t sealed_fixed_len[SIZES];
    uint8_t *opened;                        /* 64 KiB */

    uint8_t (*names)[NAME_LEN];
    uint8_t *values;                        /* batch_n x 256: the vault's secrets in the clear */
    size_t src_len;                         /* one sealed secret of 256 B */
    uint8_t *src;                           /* batch_n sealed secrets under the vault */
    size_t item_len;
    uint8_t *items;                         /* batch items */
    uint8_t *digests;
    uint8_t *batch_blob;
    size_t batch_cap, batch_len;
    /* the reader's side: a batch made once, a reader verified and checked once (open_item), and a
     * reader verified again at every call (verify) */
    uint8_t *r_blob, *r_items, *r_tags, *r_tags_fresh, *v_tags;
    size_t r_len;
    cloak_batch reader, v_reader;
    uint8_t *resealed;                      /* rotation output */
    uint8_t rot_key[CLOAK_KEYBYTES];
    uint8_t rot_share[CLOAK_SHAREBYTES];

    /* floor side: the same roles with bare keys */
    uint8_t f_alice_pk[crypto_sign_PUBLICKEYBYTES], f_alice_sk[crypto_sign_SECRETKEYBYTES];
    uint8_t f_bob_pk[32], f_bob_sk[32];
    uint8_t f_acct_pk[32], f_acct_sk[32];
    uint8_t f_key[32];                      /* the vault's secret key */
    uint8_t f_msg[SHARE_SIGNED_LEN];        /* what the floor share signs */
    uint8_t f_epk[32], f_ct[32 + 16], f_sig[64];           /* written by floor share */
    uint8_t f_epk_fixed[32], f_ct_fixed[48], f_sig_fixed[64], f_msg_fixed[SHARE_SIGNED_LEN];
    uint8_t f_opened_key[32];
    uint8_t *f_sealed[SIZES], *f_sealed_fixed[SIZES];
    uint8_t *f_opened;
    uint8_t *f_src;                         /* batch_n x (24 + 256 + 16) under f_key */
    uint8_t *f_items;                       /* batch_n items: 40-byte header || ChaCha20-Poly1305(P) */
    uint8_t *f_digests;                     /* BLAKE2b-256 of every floor item */
    uint8_t f_batch_key[32];
    /* floor reader: a fixed set of items under f_r_key, their tags under f_mac_key, and a batch
     * message of libcloak's signed length */
    uint8_t *f_r_items, *f_r_digests, *f_r_tags, *f_r_tags_fresh, *f_v_tags;
    uint8_t f_r_key[32], f_mac_key[32], f_v_mac_key[32], f_r_epk[32];
    crypto_auth_hmacsha256_state f_mac_state;
    uint8_t f_batch_msg[BATCH_SIGNED_LEN], f_batch_sig[64];
    uint8_t f_epk_batch[32];
    uint8_t *f_resealed;
    uint8_t f_rot_key[32];
    uint8_t f_rot_epk[32];
    uint8_t f_pw_out[32];
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
} F;

static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];

/* The padded plaintext length of a secret of n bytes and of a batch item (the format's buckets,
 * from the library's length helpers, which the fuzzers and vectors check against the spec). */
static size_t secret_padded(size_t n)
{
    return cloak_secret_sealed_len(n) - 64U;
}

static size_t item_padded(void)
{
    return cloak_batch_item_len(NAME_LEN, BATCH_VALUE_LEN) - 56U;
}

static size_t f_src_len(void)
{
    return secret_padded(BATCH_VALUE_LEN) + FLOOR_SECRET_OVERHEAD;
}

/* ChaCha20-Poly1305 with the nonce of sequence number i (HPKE's base nonce XOR i). */
static void floor_item_nonce(uint8_t nonce[12], size_t i)
{
    memset(nonce, 0x5A, 12);
    nonce[8] ^= (uint8_t)(i >> 24);
    nonce[9] ^= (uint8_t)(i >> 16);
    nonce[10] ^= (uint8_t)(i >> 8);
    nonce[11] ^= (uint8_t)i;
}

/* The floor's tag of item i: HMAC-SHA256(mac key, u32(i) || digest), first 16 bytes, from the
 * HMAC state keyed once (`keyed`), as any implementation that tags many items would. */
static void floor_tag(uint8_t tag[16], const crypto_auth_hmacsha256_state *keyed, size_t i, const uint8_t digest[32])
{
    crypto_auth_hmacsha256_state st = *keyed;
    uint8_t be[4], full[32];
    be[0] = (uint8_t)(i >> 24);
    be[1] = (uint8_t)(i >> 16);
    be[2] = (uint8_t)(i >> 8);
    be[3] = (uint8_t)i;
    crypto_auth_hmacsha256_update(&st, be, 4);
    crypto_auth_hmacsha256_update(&st, digest, 32);
    crypto_auth_hmacsha256_final(&st, full);
    memcpy(tag, full, 16);
}

static void floor_xseal(uint8_t *out, const uint8_t *m, size_t m_len, const uint8_t key[32])
{
    randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, m,
                                               m_len, NULL, 0, NULL,
                                               out, key);
}

static int floor_xopen(uint8_t *m, const uint8_t *in, size_t in_len, const uint8_t key[32])
{
    return crypto_aead_xchacha20poly1305_ietf_decrypt(m, NULL, NULL, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                      in_len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                                      NULL, 0, in, key);
}

static void reader_fixture_init(size_t batch_n);

static void fixture_init(size_t batch_n, uint32_t pw_m, uint32_t pw_t, uint32_t pw_p)
{
    size_t i, s;

    F.batch_n = batch_n;
    F.pw_m = pw_m;
    F.pw_t = pw_t;
    F.pw_p = pw_p;

    cloak_identity_keypair(F.alice_pk, F.alice_sk);
    cloak_encryption_keypair(F.bob_pk, F.bob_sk);
    cloak_encryption_keypair(F.acct_pk, F.acct_sk);
    cloak_vault_key_generate(F.vault_key);
    check(cloak_vault_init(&F.vault, F.vault_key, 1, (const uint8_t *)VAULT_ID, VAULT_ID_LEN), "vault_init");
    check(cloak_share_seal(F.share_fixed, F.vault_key, 1, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.bob_pk,
                           F.alice_sk), "share_seal (fixture)");
    randombytes_buf(F.salt, sizeof F.salt);
    check(cloak_password_record_encode(F.record, F.salt, pw_m, pw_t, pw_p), "password_record_encode");
    check(cloak_password_record_encode(F.record1, F.salt, pw_m, pw_t, 1), "password_record_encode");
    cloak_account_secret_key_generate(F.account_secret_key);
    F.policy = NULL;
    if (cloak_password_record_check(F.record, sizeof F.record, NULL) == CLOAK_E_WEAK_PARAMS) {
        check(cloak_password_policy_init(F.policy_storage, pw_m, pw_m * pw_t, CLOAK_PASSWORD_POLICY_MEMORY_KIB_MAX,
                                         CLOAK_PASSWORD_POLICY_COST_MAX, CLOAK_PASSWORD_POLICY_ITERATIONS_MAX,
                                         CLOAK_PASSWORD_POLICY_PARALLELISM_MAX),
              "password_policy_init");
        F.policy = F.policy_storage;
    }

    F.value = xmalloc(secret_padded(secret_sizes[SIZES - 1U]));
    randombytes_buf(F.value, secret_padded(secret_sizes[SIZES - 1U]));
    F.opened = xmalloc(secret_padded(secret_sizes[SIZES - 1U]));
    F.f_opened = xmalloc(secret_padded(secret_sizes[SIZES - 1U]));

    crypto_sign_keypair(F.f_alice_pk, F.f_alice_sk);
    crypto_box_keypair(F.f_bob_pk, F.f_bob_sk);
    crypto_box_keypair(F.f_acct_pk, F.f_acct_sk);
    randombytes_buf(F.f_key, sizeof F.f_key);
    randombytes_buf(F.f_msg, sizeof F.f_msg);

    for (s = 0; s < SIZES; s++) {
        const size_t n = secret_sizes[s];
        const uint8_t name[] = "secret-size";
        F.sealed[s] = xmalloc(cloak_secret_sealed_len(n));
        F.sealed_fixed[s] = xmalloc(cloak_secret_sealed_len(n));
        check(cloak_secret_seal(&F.vault, F.sealed_fixed[s], cloak_secret_sealed_len(n), &F.sealed_fixed_len[s],
                                name, sizeof name - 1U, NULL, 0, F.value, n), "secret_seal (fixture)");
        F.f_sealed[s] = xmalloc(secret_padded(n) + FLOOR_SECRET_OVERHEAD);
        F.f_sealed_fixed[s] = xmalloc(secret_padded(n) + FLOOR_SECRET_OVERHEAD);
        floor_xseal(F.f_sealed_fixed[s], F.value, secret_padded(n), F.f_key);
    }

    /* A floor share to open: the same three steps as the timed floor share. */
    {
        uint8_t esk[32], shared[32];
        crypto_box_keypair(F.f_epk_fixed, esk);
        if (crypto_scalarmult(shared, esk, F.f_bob_pk) != 0) {
            die("floor fixture agreement");
        }
        crypto_aead_chacha20poly1305_ietf_encrypt(F.f_ct_fixed, NULL, F.vault_key, 32, NULL, 0, NULL, zero_nonce,
                                                  shared);
        memcpy(F.f_msg_fixed, F.f_msg, sizeof F.f_msg);
        memcpy(F.f_msg_fixed + 1 + 17 + 32 + 56, F.f_epk_fixed, 32);
        crypto_sign_detached(F.f_sig_fixed, NULL, F.f_msg_fixed, sizeof F.f_msg_fixed, F.f_alice_sk);
    }

    F.names = xmalloc(batch_n * NAME_LEN);
    F.values = xmalloc(batch_n * BATCH_VALUE_LEN);
    randombytes_buf(F.values, batch_n * BATCH_VALUE_LEN);
    F.src_len = cloak_secret_sealed_len(BATCH_VALUE_LEN);
    F.src = xmalloc(batch_n * F.src_len);
    F.resealed = xmalloc(batch_n * F.src_len);
    F.item_len = cloak_batch_item_len(NAME_LEN, BATCH_VALUE_LEN);
    F.items = xmalloc(batch_n * F.item_len);
    F.digests = xmalloc(batch_n * CLOAK_BATCH_DIGESTBYTES);
    F.batch_cap = cloak_batch_len(VAULT_ID_LEN, batch_n);
    F.batch_blob = xmalloc(F.batch_cap);
    F.f_src = xmalloc(batch_n * f_src_len());
    F.f_items = xmalloc(batch_n * F.item_len);
    F.f_digests = xmalloc(batch_n * 32U);
    F.f_resealed = xmalloc(batch_n * f_src_len());
    for (i = 0; i < batch_n; i++) {
        char name[NAME_LEN + 1U];
        size_t len;
        snprintf(name, sizeof name, "secret-%05u", (unsigned)(i % 100000U));
        memcpy(F.names[i], name, NAME_LEN);
        check(cloak_secret_seal(&F.vault, F.src + i * F.src_len, F.src_len, &len, F.names[i], NAME_LEN, NULL, 0,
                                F.values + i * BATCH_VALUE_LEN, BATCH_VALUE_LEN), "secret_seal (batch fixture)");
        {
            /* The floor's secret is the value padded as libcloak pads it (zeros after the value). */
            uint8_t pt[BATCH_PT_CAP];
            memset(pt, 0, sizeof pt);
            memcpy(pt, F.values + i * BATCH_VALUE_LEN, BATCH_VALUE_LEN);
            floor_xseal(F.f_src + i * f_src_len(), pt, secret_padded(BATCH_VALUE_LEN), F.f_key);
        }
    }
    reader_fixture_init(batch_n);
}

/* ------------------------------------------------------------------------------------------------
 * The operations: libcloak (c_) and floor (f_) side by side
 * ---------------------------------------------------------------------------------------------- */

static void c_share_seal(size_t arg)
{
    (void)arg;
    check(cloak_share_seal(F.share, F.vault_key, 1, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.bob_pk, F.alice_sk),
          "share_seal");
}

/* X25519 key generation + one agreement + ChaCha20-Poly1305 over 32 bytes + one Ed25519 signature,
 * after the check the format asks of every signer: the public key derived from the seed is the
 * secret key's second half. */
static void f_share_seal(size_t arg)
{
    uint8_t esk[32], shared[32], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    (void)arg;
    crypto_sign_seed_keypair(pk, sk, F.f_alice_sk);
    check(sodium_memcmp(pk, F.f_alice_sk + 32, sizeof pk), "floor key check");
    sodium_memzero(sk, sizeof sk);
    crypto_box_keypair(F.f_epk, esk);
    check(crypto_scalarmult(shared, esk, F.f_bob_pk), "floor agreement");
    crypto_aead_chacha20poly1305_ietf_encrypt(F.f_ct, NULL, F.vault_key, 32, NULL, 0, NULL, zero_nonce, shared);
    memcpy(F.f_msg + 1 + 17 + 32 + 56, F.f_epk, 32);
    crypto_sign_detached(F.f_sig, NULL, F.f_msg, sizeof F.f_msg, F.f_alice_sk);
}

static void c_share_open(size_t arg)
{
    (void)arg;
    uint32_t epoch;
    check(cloak_share_open(F.opened_key, &epoch, F.share_fixed, sizeof F.share_fixed, (const uint8_t *)VAULT_ID,
                           VAULT_ID_LEN, F.bob_pk, F.bob_sk, F.alice_pk, 1), "share_open");
}

/* One agreement + ChaCha20-Poly1305 open of 32 bytes + one Ed25519 verification. */
static void f_share_open(size_t arg)
{
    uint8_t shared[32];
    (void)arg;
    check(crypto_scalarmult(shared, F.f_bob_sk, F.f_epk_fixed), "floor agreement");
    check(crypto_sign_verify_detached(F.f_sig_fixed, F.f_msg_fixed, sizeof F.f_msg_fixed, F.f_alice_pk),
          "floor verify");
    check(crypto_aead_chacha20poly1305_ietf_decrypt(F.f_opened_key, NULL, NULL, F.f_ct_fixed, sizeof F.f_ct_fixed,
                                                    NULL, 0, zero_nonce, shared), "floor aead open");
}

static void c_secret_seal(size_t s)
{
    static const uint8_t name[] = "secret-size";
    size_t len;
    check(cloak_secret_seal(&F.vault, F.sealed[s], cloak_secret_sealed_len(secret_sizes[s]), &len, name,
                            sizeof name - 1U, NULL, 0, F.value, secret_sizes[s]), "secret_seal");
}

/* 24 random bytes + XChaCha20-Poly1305 over the padded length. */
static void f_secret_seal(size_t s)
{
    floor_xseal(F.f_sealed[s], F.value, secret_padded(secret_sizes[s]), F.f_key);
}

static void c_secret_open(size_t s)
{
    static const uint8_t name[] = "secret-size";
    size_t len;
    check(cloak_secret_open(&F.vault, F.opened, cloak_secret_opened_len(F.sealed_fixed_len[s]), &len, name,
                            sizeof name - 1U, NULL, 0, F.sealed_fixed[s], F.sealed_fixed_len[s]), "secret_open");
}

static void f_secret_open(size_t s)
{
    check(floor_xopen(F.f_opened, F.f_sealed_fixed[s], secret_padded(secret_sizes[s]) + FLOOR_SECRET_OVERHEAD,
                      F.f_key), "floor secret open");
}

/* The writer's side of a service-account batch: every secret of the vault opened and re-sealed
 * for the account, then the manifest signed. */
static void c_batch(size_t n)
{
    static const uint8_t head_hash[CLOAK_HEAD_HASHBYTES] = {1};
    cloak_batch b;
    uint8_t value[BATCH_PT_CAP];
    size_t i, len;
    uint32_t index;
    check(cloak_batch_begin(&b, F.acct_pk, F.alice_pk, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, 1, 1, head_hash,
                            UINT64_MAX), "batch_begin");
    for (i = 0; i < n; i++) {
        check(cloak_secret_open(&F.vault, value, sizeof value, &len, F.names[i], NAME_LEN, NULL, 0,
                                F.src + i * F.src_len, F.src_len), "secret_open (batch)");
        check(cloak_batch_seal_item(&b, F.items + i * F.item_len, F.item_len, &len, &index,
                                    F.digests + i * CLOAK_BATCH_DIGESTBYTES, F.names[i], NAME_LEN, value, len),
              "batch_seal_item");
    }
    check(cloak_batch_finish(&b, F.batch_blob, F.batch_cap, &F.batch_len, F.digests, n, F.alice_sk),
          "batch_finish");
}

/* One key generation + one agreement + n x (XChaCha20-Poly1305 open of the padded secret +
 * ChaCha20-Poly1305 seal over the item's padded length with its 40-byte header as associated data
 * + BLAKE2b-256 of the item, its manifest entry). */
static void f_batch(size_t n)
{
    uint8_t esk[32], pt[BATCH_PT_CAP] = {0}, nonce[12]; /* the name prefix and padding stay zero */
    const size_t p = item_padded();
    size_t i;
    crypto_box_keypair(F.f_epk_batch, esk);
    check(crypto_scalarmult(F.f_batch_key, esk, F.f_acct_pk), "floor agreement");
    for (i = 0; i < n; i++) {
        uint8_t *item = F.f_items + i * F.item_len;
        check(floor_xopen(pt + ITEM_NAME_PREFIX, F.f_src + i * f_src_len(), f_src_len(), F.f_key),
              "floor open (batch)");
        floor_item_nonce(nonce, i);
        memcpy(item + ITEM_HEADER_LEN - 4U, nonce + 8, 4);
        crypto_aead_chacha20poly1305_ietf_encrypt(item + ITEM_HEADER_LEN, NULL, pt, p, item, ITEM_HEADER_LEN, NULL,
                                                  nonce, F.f_batch_key);
        crypto_generichash(F.f_digests + i * 32U, 32, item, F.item_len, NULL, 0);
    }
}

/* The reader's side, once: a batch made by c_batch, verified and checked into F.reader (whose tags
 * each open call restores), verified again by every c_batch_verify call; and the floor's items,
 * digests and tags. */
static void reader_fixture_init(size_t n)
{
    size_t i;
    c_batch(n);
    F.r_len = F.batch_len;
    F.r_blob = xmalloc(F.batch_cap);
    memcpy(F.r_blob, F.batch_blob, F.batch_len);
    F.r_items = xmalloc(n * F.item_len);
    memcpy(F.r_items, F.items, n * F.item_len);
    F.r_tags = xmalloc(cloak_batch_tags_len(n) + 1U);
    F.r_tags_fresh = xmalloc(cloak_batch_tags_len(n) + 1U);
    F.v_tags = xmalloc(cloak_batch_tags_len(n) + 1U);
    check(cloak_batch_verify(&F.reader, F.r_tags_fresh, cloak_batch_tags_len(n), F.r_blob, F.r_len,
                             (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.acct_pk, F.acct_sk, F.alice_pk, 1),
          "batch_verify (fixture)");
    check(cloak_batch_check(&F.reader, 1, 1, 0), "batch_check (fixture)");

    f_batch(n);
    memcpy(F.f_r_key, F.f_batch_key, 32);
    memcpy(F.f_r_epk, F.f_epk_batch, 32);
    F.f_r_items = xmalloc(n * F.item_len);
    memcpy(F.f_r_items, F.f_items, n * F.item_len);
    F.f_r_digests = xmalloc(n * 32U + 1U);
    memcpy(F.f_r_digests, F.f_digests, n * 32U);
    F.f_r_tags = xmalloc(n * 16U + 1U);
    F.f_r_tags_fresh = xmalloc(n * 16U + 1U);
    F.f_v_tags = xmalloc(n * 16U + 1U);
    randombytes_buf(F.f_mac_key, sizeof F.f_mac_key);
    crypto_auth_hmacsha256_init(&F.f_mac_state, F.f_mac_key, sizeof F.f_mac_key);
    for (i = 0; i < n; i++) {
        floor_tag(F.f_r_tags_fresh + 16U * i, &F.f_mac_state, i, F.f_r_digests + 32U * i);
    }
    randombytes_buf(F.f_batch_msg, sizeof F.f_batch_msg);
    crypto_generichash(F.f_batch_msg + sizeof F.f_batch_msg - 32U, 32, F.f_r_digests, n * 32U, NULL, 0);
    crypto_sign_detached(F.f_batch_sig, NULL, F.f_batch_msg, sizeof F.f_batch_msg, F.f_alice_sk);
}

/* The account's side of a batch: verify (key id, vault id, creator, signature, HPKE setup, one tag
 * per item) and the freshness check. */
static void c_batch_verify(size_t n)
{
    cloak_batch_wipe(&F.v_reader);
    check(cloak_batch_verify(&F.v_reader, F.v_tags, cloak_batch_tags_len(n), F.r_blob, F.r_len,
                             (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.acct_pk, F.acct_sk, F.alice_pk, 1),
          "batch_verify");
    check(cloak_batch_check(&F.v_reader, 1, 1, 0), "batch_check");
}

/* One agreement + one Ed25519 verification of the batch's signed length + BLAKE2b-256 of the
 * manifest + a 32-byte random MAC key + n HMAC tags. */
static void f_batch_verify(size_t n)
{
    uint8_t shared[32], manifest_hash[32];
    crypto_auth_hmacsha256_state keyed;
    size_t i;
    check(crypto_scalarmult(shared, F.f_acct_sk, F.f_r_epk), "floor agreement");
    crypto_generichash(manifest_hash, sizeof manifest_hash, F.f_r_digests, n * 32U, NULL, 0);
    memcpy(F.f_batch_msg + sizeof F.f_batch_msg - 32U, manifest_hash, 32);
    check(crypto_sign_verify_detached(F.f_batch_sig, F.f_batch_msg, sizeof F.f_batch_msg, F.f_alice_pk),
          "floor verify (batch)");
    randombytes_buf(F.f_v_mac_key, sizeof F.f_v_mac_key);
    crypto_auth_hmacsha256_init(&keyed, F.f_v_mac_key, sizeof F.f_v_mac_key);
    for (i = 0; i < n; i++) {
        floor_tag(F.f_v_tags + 16U * i, &keyed, i, F.f_r_digests + 32U * i);
    }
    sodium_memzero(&keyed, sizeof keyed);
}

/* Every item of the verified batch opened once (the tags restored first: each opens its item once). */
static void c_batch_open(size_t n)
{
    uint8_t name[CLOAK_LABELBYTES_MAX], value[BATCH_PT_CAP];
    size_t i, name_len, value_len;
    memcpy(F.r_tags, F.r_tags_fresh, cloak_batch_tags_len(n));
    for (i = 0; i < n; i++) {
        check(cloak_batch_open_item(&F.reader, F.r_tags, cloak_batch_tags_len(n), F.r_items + i * F.item_len,
                                    F.item_len, name, sizeof name, &name_len, value, sizeof value, &value_len),
              "batch_open_item");
    }
}

/* The same tag restore + n x (BLAKE2b-256 of the item + its HMAC tag compared in constant time +
 * ChaCha20-Poly1305 open over the padded length + the tag zeroed). */
static void f_batch_open(size_t n)
{
    uint8_t pt[BATCH_PT_CAP], nonce[12], digest[32], tag[16];
    const size_t p = item_padded();
    size_t i;
    memcpy(F.f_r_tags, F.f_r_tags_fresh, n * 16U);
    for (i = 0; i < n; i++) {
        const uint8_t *item = F.f_r_items + i * F.item_len;
        crypto_generichash(digest, sizeof digest, item, F.item_len, NULL, 0);
        floor_tag(tag, &F.f_mac_state, i, digest);
        check(sodium_memcmp(tag, F.f_r_tags + 16U * i, 16), "floor tag");
        floor_item_nonce(nonce, i);
        check(crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL, item + ITEM_HEADER_LEN, p + 16U, item,
                                                        ITEM_HEADER_LEN, nonce, F.f_r_key), "floor item open");
        sodium_memzero(F.f_r_tags + 16U * i, 16);
    }
}

/* Rotation: a new vault key, every secret re-sealed under it, and the new key shared with one
 * remaining member. */
static void c_rotation(size_t n)
{
    cloak_vault to;
    size_t i, len;
    cloak_vault_key_generate(F.rot_key);
    check(cloak_vault_init(&to, F.rot_key, 2, (const uint8_t *)VAULT_ID, VAULT_ID_LEN), "vault_init (rotation)");
    for (i = 0; i < n; i++) {
        check(cloak_secret_reseal(&F.vault, &to, F.resealed + i * F.src_len, F.src_len, &len, F.names[i], NAME_LEN,
                                  NULL, 0, F.src + i * F.src_len, F.src_len), "secret_reseal");
    }
    check(cloak_share_seal(F.rot_share, F.rot_key, 2, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.bob_pk,
                           F.alice_sk), "share_seal (rotation)");
    cloak_vault_wipe(&to);
}

/* A new random key + n x (open + seal with 24 random bytes) + one key generation + one agreement. */
static void f_rotation(size_t n)
{
    uint8_t esk[32], shared[32], value[BATCH_PT_CAP];
    size_t i;
    randombytes_buf(F.f_rot_key, sizeof F.f_rot_key);
    for (i = 0; i < n; i++) {
        check(floor_xopen(value, F.f_src + i * f_src_len(), f_src_len(), F.f_key), "floor open (rotation)");
        floor_xseal(F.f_resealed + i * f_src_len(), value, secret_padded(BATCH_VALUE_LEN), F.f_rot_key);
    }
    crypto_box_keypair(F.f_rot_epk, esk);
    check(crypto_scalarmult(shared, esk, F.f_bob_pk), "floor agreement");
}

/* arg 0: the record's parallelism (the target row); arg 1: the same record at one lane, to tell the
 * kernel's speed from what the threads add. */
static void c_password(size_t arg)
{
    uint8_t *mk = arg == 1 ? F.master_key1 : F.master_key;
    uint8_t *lk = arg == 1 ? F.login_key1 : F.login_key;
    check(cloak_password_derive(mk, lk, (const uint8_t *)PASSWORD, PASSWORD_LEN, (const uint8_t *)ACCOUNT_ID,
                                ACCOUNT_ID_LEN, F.account_secret_key, sizeof F.account_secret_key,
                                arg == 1 ? F.record1 : F.record, sizeof F.record, F.policy),
          "password_derive");
}

/* libsodium's Argon2id: one lane, the same memory and passes. */
static void f_password(size_t arg)
{
    (void)arg;
    check(crypto_pwhash(F.f_pw_out, sizeof F.f_pw_out, PASSWORD, PASSWORD_LEN, F.salt, F.pw_t,
                        (size_t)F.pw_m * 1024U, crypto_pwhash_ALG_ARGON2ID13), "crypto_pwhash");
}

typedef void (*op_fn)(size_t arg);

typedef struct op {
    char name[48];
    op_fn cloak, floor;
    size_t arg;
    double target;
    const char *floor_desc;
} op;

#define MAX_OPS 32U

__attribute__((format(printf, 8, 9))) static void add_op(op *ops, size_t *n, op_fn cloak, op_fn floor, size_t arg,
                                                         double target, const char *floor_desc, const char *fmt, ...)
{
    va_list ap;
    op *o = &ops[(*n)++];
    va_start(ap, fmt);
    vsnprintf(o->name, sizeof o->name, fmt, ap);
    va_end(ap);
    o->cloak = cloak;
    o->floor = floor;
    o->arg = arg;
    o->target = target;
    o->floor_desc = floor_desc;
}

static void head_add_ops(op *ops, size_t *n);
static void xwing_add_ops(op *ops, size_t *n);

static size_t make_ops(op *ops)
{
    size_t n = 0, s;

    add_op(ops, &n, c_share_seal, f_share_seal, 0, 1.20,
           "Ed25519 key check + X25519 keygen + X25519 + ChaCha20-Poly1305(32 B) + Ed25519 sign",
           "share a vault key");
    add_op(ops, &n, c_share_open, f_share_open, 0, 1.20, "X25519 + ChaCha20-Poly1305 open(32 B) + Ed25519 verify",
           "open a vault-key share");
    for (s = 0; s < SIZES; s++) {
        const size_t sz = secret_sizes[s];
        const double target = sz < 1024U ? 1.5 : 1.15;
        const size_t shown = sz >= 1024U ? sz / 1024U : sz;
        const char *unit = sz >= 1024U ? "KiB" : "B";
        add_op(ops, &n, c_secret_seal, f_secret_seal, s, target, "24 random bytes + XChaCha20-Poly1305 (padded)",
               "seal a secret of %zu %s", shown, unit);
        add_op(ops, &n, c_secret_open, f_secret_open, s, target, "XChaCha20-Poly1305 open (padded)", "open a secret of %zu %s",
               shown, unit);
    }
    add_op(ops, &n, c_batch, f_batch, F.batch_n, 1.15,
           "keygen + X25519 + n x (XChaCha20-Poly1305 open + ChaCha20-Poly1305 seal (padded) + BLAKE2b-256)",
           "service-account batch %zu x 256 B", F.batch_n);
    add_op(ops, &n, c_batch_verify, f_batch_verify, F.batch_n, 1.15,
           "X25519 + Ed25519 verify + BLAKE2b-256(manifest) + n x HMAC tag", "batch verify, %zu items", F.batch_n);
    add_op(ops, &n, c_batch_open, f_batch_open, F.batch_n, 1.15,
           "n x (BLAKE2b-256 + HMAC tag + ChaCha20-Poly1305 open (padded))", "batch open, %zu items", F.batch_n);
    add_op(ops, &n, c_rotation, f_rotation, F.batch_n, 1.15,
           "n x (XChaCha20-Poly1305 open + 24 random bytes + XChaCha20-Poly1305 seal, padded) + keygen + X25519",
           "vault rotation %zu x 256 B", F.batch_n);
    /* Issue 14: at the defaults, at most 0.8 of libsodium's time. Four lanes on two cores bound it
     * near 0.5; allocating, faulting in and wiping the 64 MiB are the rest. */
    add_op(ops, &n, c_password, f_password, 0, 0.80, "libsodium crypto_pwhash (Argon2id, one lane, same m and t)",
           "password m=%u KiB t=%u p=%u", (unsigned)F.pw_m, (unsigned)F.pw_t, (unsigned)F.pw_p);
    /* No target: the same derivation at one lane compares the Argon2 kernels alone. */
    add_op(ops, &n, c_password, f_password, 1, 0.0, "libsodium crypto_pwhash (Argon2id, one lane, same m and t)",
           "password m=%u KiB t=%u p=1", (unsigned)F.pw_m, (unsigned)F.pw_t);
    head_add_ops(ops, &n);
    xwing_add_ops(ops, &n);
    return n;
}

/* ------------------------------------------------------------------------------------------------
 * Checks of --quick: what each side produced opens to what went in
 * ---------------------------------------------------------------------------------------------- */

static int failures;

static void expect(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "bench: check failed: %s\n", what);
        failures++;
    }
}

/* ------------------------------------------------------------------------------------------------
 * Vault heads: create (the Merkle root over n secrets, then the signed head) and verify as a first
 * head (the signature, then the root recomputed from the n leaves and compared). The floor is the
 * Ed25519 signature or verification over as many bytes as libcloak signs, and the SHA-256 hashes the
 * tree needs: n leaf hashes and n - 1 node hashes of 65 bytes each.
 * ---------------------------------------------------------------------------------------------- */

#define HEAD_SIZES 2U
#define HEAD_ROSTER 3U
#define HEAD_CAP 1024U

static struct head_fixture {
    size_t n[HEAD_SIZES];
    uint8_t *leaves[HEAD_SIZES];      /* n sorted leaves */
    uint8_t roster[HEAD_ROSTER * CLOAK_ROSTER_ENTRYBYTES];
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t blob[HEAD_SIZES][HEAD_CAP];
    size_t blob_len[HEAD_SIZES];
    uint8_t made[HEAD_CAP];           /* written by the timed create */
    cloak_head verified;
    uint8_t *f_level;                 /* the floor's tree: one level of hashes */
    uint8_t f_msg[HEAD_CAP + 64];     /* what the floor signs: as long as libcloak's signed message */
    size_t f_msg_len;
    uint8_t f_sig[64];
    uint8_t f_root[HEAD_SIZES][32];
} H;

static int head_leaf_order(const void *a, const void *b)
{
    return memcmp(a, b, CLOAK_BLIND_INDEXBYTES);
}

static void head_fixture_init(size_t small, size_t large)
{
    uint8_t pk[2][32], sk[64], enc_id[CLOAK_KEYIDBYTES];
    size_t s, i, m = 0;
    H.n[0] = small;
    H.n[1] = large;
    crypto_sign_keypair(pk[0], sk);
    crypto_sign_keypair(pk[1], sk);
    randombytes_buf(H.key_id, sizeof H.key_id);
    /* alice (admin) and two writers, sorted by key. */
    uint8_t keys[HEAD_ROSTER][32];
    memcpy(keys[0], F.alice_pk, 32);
    memcpy(keys[1], pk[0], 32);
    memcpy(keys[2], pk[1], 32);
    qsort(keys, HEAD_ROSTER, 32, head_leaf_order);
    for (i = 0; i < HEAD_ROSTER; i++) {
        randombytes_buf(enc_id, sizeof enc_id);
        check(cloak_roster_entry(H.roster + i * CLOAK_ROSTER_ENTRYBYTES, CLOAK_ROSTER_MEMBER,
                                 memcmp(keys[i], F.alice_pk, 32) == 0 ? CLOAK_PERMISSION_ADMIN : CLOAK_PERMISSION_WRITE, CLOAK_SUITE_X25519,
                                 keys[i], enc_id),
              "roster entry");
    }
    for (s = 0; s < HEAD_SIZES; s++) {
        H.leaves[s] = xmalloc(H.n[s] * CLOAK_MERKLE_LEAFBYTES);
        randombytes_buf(H.leaves[s], H.n[s] * CLOAK_MERKLE_LEAFBYTES);
        qsort(H.leaves[s], H.n[s], CLOAK_MERKLE_LEAFBYTES, head_leaf_order);
        m = H.n[s] > m ? H.n[s] : m;
    }
    H.f_level = xmalloc(m * 32);
}

static void c_head_create(size_t s)
{
    uint8_t root[32];
    const uint8_t zero[32] = {0};
    check(cloak_merkle_root(root, H.leaves[s], H.n[s]), "merkle_root");
    check(cloak_head_create(H.made, sizeof H.made, &H.blob_len[s], (const uint8_t *)VAULT_ID, VAULT_ID_LEN, 1, H.key_id,
                            1, zero, 2000000000U, root, (uint32_t)H.n[s], 0, H.roster, HEAD_ROSTER, F.alice_sk),
          "head_create");
    memcpy(H.blob[s], H.made, H.blob_len[s]);
}

/* RFC 9162's tree bottom-up: n leaf hashes, then n - 1 node hashes, an odd last one carried up. */
static void floor_tree(uint8_t root[32], const uint8_t *leaves, size_t n)
{
    uint8_t buf[65];
    size_t i, len = n;
    for (i = 0; i < n; i++) {
        buf[0] = 0;
        memcpy(buf + 1, leaves + i * CLOAK_MERKLE_LEAFBYTES, 64);
        crypto_hash_sha256(H.f_level + i * 32, buf, 65);
    }
    while (len > 1) {
        for (i = 0; i + 1 < len; i += 2) {
            buf[0] = 1;
            memcpy(buf + 1, H.f_level + i * 32, 64);
            crypto_hash_sha256(H.f_level + (i / 2) * 32, buf, 65);
        }
        if (len % 2U == 1U) {
            memmove(H.f_level + (len / 2) * 32, H.f_level + (len - 1) * 32, 32);
        }
        len = (len + 1) / 2;
    }
    memcpy(root, H.f_level, 32);
}

/* What the format requires of every member key in the roster (docs/protocol.md 10.2 and 1.3): that
 * it decodes to a point (one point decoding, here inside libsodium's addition; the canonical and
 * small-order rules are byte comparisons). */
static void floor_roster_keys(void)
{
    uint8_t sum[32];
    size_t i;
    for (i = 0; i < HEAD_ROSTER; i++) {
        const uint8_t *pk = H.roster + i * CLOAK_ROSTER_ENTRYBYTES + 4;
        check(crypto_core_ed25519_add(sum, pk, pk), "floor roster key");
    }
}

static void f_head_create(size_t s)
{
    uint8_t pk[32], expanded[64];
    /* The signer's key check of section 1.1. */
    crypto_sign_ed25519_seed_keypair(pk, expanded, F.f_alice_sk);
    check(sodium_memcmp(pk, F.f_alice_sk + 32, 32), "floor key check");
    floor_roster_keys();
    floor_tree(H.f_root[s], H.leaves[s], H.n[s]);
    memcpy(H.f_msg + H.f_msg_len - 32, H.f_root[s], 32);
    check(crypto_sign_ed25519_detached(H.f_sig, NULL, H.f_msg, H.f_msg_len, F.f_alice_sk), "floor sign");
}

static void c_head_verify(size_t s)
{
    uint8_t root[32], committed[32];
    check(cloak_head_verify_first(&H.verified, H.blob[s], H.blob_len[s], (const uint8_t *)VAULT_ID, VAULT_ID_LEN,
                                  F.alice_pk, 1),
          "head_verify_first");
    check(cloak_merkle_root(root, H.leaves[s], H.n[s]), "merkle_root");
    cloak_head_merkle_root(committed, &H.verified);
    check(sodium_memcmp(root, committed, 32), "root matches");
}

static void f_head_verify(size_t s)
{
    uint8_t root[32];
    floor_roster_keys();
    check(crypto_sign_ed25519_verify_detached(H.f_sig, H.f_msg, H.f_msg_len, F.f_alice_pk), "floor verify");
    floor_tree(root, H.leaves[s], H.n[s]);
    check(sodium_memcmp(root, H.f_root[s], 32), "floor root");
}

static void head_add_ops(op *ops, size_t *n)
{
    size_t s;
    const int full = F.batch_n == BATCH_FULL;
    head_fixture_init(full ? 100U : 4U, full ? 10000U : 100U);
    for (s = 0; s < HEAD_SIZES; s++) {
        c_head_create(s); /* the blob that verify reads, and its length for the floor's message */
        H.f_msg_len = 1U + 16U + 32U + H.blob_len[s] - 64U;
        randombytes_buf(H.f_msg, H.f_msg_len);
        f_head_create(s);
        add_op(ops, n, c_head_create, f_head_create, s, 0.0,
               "n x SHA-256 (leaf) + (n-1) x SHA-256 (node) + Ed25519 key check + roster key checks + Ed25519 sign",
               "head create, %zu secrets", H.n[s]);
        add_op(ops, n, c_head_verify, f_head_verify, s, 0.0,
               "roster key checks + Ed25519 verify + n x SHA-256 (leaf) + (n-1) x SHA-256 (node)",
               "head verify, %zu secrets", H.n[s]);
    }
}

/* ------------------------------------------------------------------------------------------------
 * Suite 2 (X-Wing) beside suite 1: key pairs, shares, and batches of one item (where the KEM is the
 * cost). The floor is X-Wing written out bare (docs/protocol.md 1.6): ML-KEM-768 from the library's
 * own ML-KEM code (the same object libcloak links), X25519 and SHA3-256; then the same ChaCha20-
 * Poly1305 and Ed25519 calls as the X25519 rows. libcloak's own work on top: key ids and bindings
 * (SHA-256 of the 1216-byte key), the public key checks, HPKE's key schedule, headers, wipes.
 * ---------------------------------------------------------------------------------------------- */

#define XW_PK CLOAK_XWING_PUBLICKEYBYTES
#define XW_ENC CLOAK_XWING_ENCBYTES
#define XW_PK_X 1184U
#define XW_CT_X 1088U
/* What libcloak signs in a suite 2 share: as SHARE_SIGNED_LEN with bytes 0..104+1120 and the key
 * hash as the recipient's binding. */
#define XW_SHARE_SIGNED_LEN (1U + 17U + 32U + 104U + XW_ENC + 1U + VAULT_ID_LEN + 32U)
/* A batch's signed message: lp8(label) || signer || bytes 0..V+57+L || BLAKE2b-256(manifest), V =
 * 68 + N. */
#define BATCH1_SIGNED_LEN(enc_len) (1U + 17U + 32U + 68U + (enc_len) + 57U + VAULT_ID_LEN + 32U)

static const uint8_t xwing_label[6] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

static struct xwing_fixture {
    /* libcloak side */
    uint8_t bob_pk[XW_PK], bob_sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t acct_pk[XW_PK], acct_sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t kp_pk[XW_PK], kp_sk[32], kp_x_pk[32], kp_x_sk[32]; /* written by the key pair rows */
    uint8_t share[CLOAK_XWING_SHAREBYTES], share_fixed[CLOAK_XWING_SHAREBYTES];
    uint8_t opened_key[CLOAK_KEYBYTES];
    /* batches of one item: [0] suite 1, [1] suite 2; written (b1) and read (b1_fixed) */
    uint8_t *b1[2], *b1_fixed[2], *b1_item[2], *b1_item_fixed[2];
    size_t b1_cap[2], b1_len[2], b1_fixed_len[2];
    uint8_t b1_digest[CLOAK_BATCH_DIGESTBYTES];
    cloak_batch b1_reader;
    uint8_t b1_tags[CLOAK_BATCH_TAGBYTES];

    /* floor side: bare keys (an X-Wing seed and its public key ek || pk_X) */
    uint8_t f_seed[32], f_pk[XW_PK];
    uint8_t f_acct_seed[32], f_acct_pk[XW_PK];
    uint8_t f_kp_pk[XW_PK], f_kp_seed[32], f_kp_x_pk[32], f_kp_x_sk[32];
    uint8_t f_enc[XW_ENC], f_ct[48], f_sig[64], f_msg[XW_SHARE_SIGNED_LEN];
    uint8_t f_enc_fixed[XW_ENC], f_ct_fixed[48], f_sig_fixed[64], f_msg_fixed[XW_SHARE_SIGNED_LEN];
    uint8_t f_opened_key[32];
    /* floor batches of one item: [0] X25519 (the enc is 32 bytes), [1] X-Wing */
    uint8_t f_b1_enc[2][XW_ENC], f_b1_key[2][32], f_b1_item[2][BATCH_PT_CAP + 64U], f_b1_digest[2][32];
    uint8_t f_b1_msg[2][BATCH1_SIGNED_LEN(XW_ENC)], f_b1_sig[2][64];
    uint8_t f_b1_enc_fixed[2][XW_ENC], f_b1_msg_fixed[2][BATCH1_SIGNED_LEN(XW_ENC)], f_b1_sig_fixed[2][64];
    uint8_t f_b1_digest_fixed[2][32];
    uint8_t f_b1_tag[16], f_b1_mac_key[32];
} X;

/* Encap of section 1.6: ML-KEM's encapsulation (its modulus check of ek inside), an ephemeral X25519
 * key and agreement, the SHA3-256 combiner. */
static void floor_xwing_encaps(uint8_t enc[XW_ENC], uint8_t ss[32], const uint8_t pk[XW_PK])
{
    uint8_t r[64], in[32 + 32 + 32 + 32 + sizeof xwing_label];
    randombytes_buf(r, sizeof r);
    check(cloak__mlkem768_encaps_derand(enc, in, pk, r), "floor ML-KEM encaps");
    crypto_scalarmult_base(enc + XW_CT_X, r + 32);
    check(crypto_scalarmult(in + 32, r + 32, pk + XW_PK_X), "floor X25519");
    memcpy(in + 64, enc + XW_CT_X, 32);
    memcpy(in + 96, pk + XW_PK_X, 32);
    memcpy(in + 128, xwing_label, sizeof xwing_label);
    cloak__sha3_256(ss, in, sizeof in);
    sodium_memzero(r, sizeof r);
    sodium_memzero(in, sizeof in);
}

/* Decap of section 1.6 with the recipient's check that the public key is its seed's: the seed's
 * expansion (SHAKE256, ML-KEM's key generation, the X25519 base point), the X25519 agreement, ML-KEM's
 * decapsulation, the combiner. */
static void floor_xwing_decaps(uint8_t ss[32], const uint8_t enc[XW_ENC], const uint8_t seed[32],
                               const uint8_t pk[XW_PK])
{
    uint8_t x[96], ek[CLOAK_MLKEM768_PUBLICKEYBYTES], dk[CLOAK_MLKEM768_SECRETKEYBYTES];
    uint8_t in[32 + 32 + 32 + 32 + sizeof xwing_label];
    cloak__shake256(x, sizeof x, seed, 32);
    check(cloak__mlkem768_keypair_derand(ek, dk, x), "floor ML-KEM key generation");
    crypto_scalarmult_base(in + 96, x + 64);
    check(sodium_memcmp(ek, pk, sizeof ek) | sodium_memcmp(in + 96, pk + XW_PK_X, 32), "floor key check");
    check(crypto_scalarmult(in + 32, x + 64, enc + XW_CT_X), "floor X25519");
    check(cloak__mlkem768_decaps(in, enc, dk), "floor ML-KEM decaps");
    memcpy(in + 64, enc + XW_CT_X, 32);
    memcpy(in + 128, xwing_label, sizeof xwing_label);
    cloak__sha3_256(ss, in, sizeof in);
    sodium_memzero(x, sizeof x);
    sodium_memzero(dk, sizeof dk);
    sodium_memzero(in, sizeof in);
}

/* A key pair of section 1.6: 32 random bytes and their expansion. */
static void floor_xwing_keypair(uint8_t pk[XW_PK], uint8_t seed[32])
{
    uint8_t x[96], dk[CLOAK_MLKEM768_SECRETKEYBYTES];
    randombytes_buf(seed, 32);
    cloak__shake256(x, sizeof x, seed, 32);
    check(cloak__mlkem768_keypair_derand(pk, dk, x), "floor ML-KEM key generation");
    crypto_scalarmult_base(pk + XW_PK_X, x + 64);
    sodium_memzero(x, sizeof x);
    sodium_memzero(dk, sizeof dk);
}

static void c_x25519_keypair(size_t arg)
{
    (void)arg;
    cloak_encryption_keypair(X.kp_x_pk, X.kp_x_sk);
}

static void f_x25519_keypair(size_t arg)
{
    (void)arg;
    crypto_box_keypair(X.f_kp_x_pk, X.f_kp_x_sk);
}

static void c_xwing_keypair(size_t arg)
{
    (void)arg;
    cloak_xwing_keypair(X.kp_pk, X.kp_sk);
}

static void f_xwing_keypair(size_t arg)
{
    (void)arg;
    floor_xwing_keypair(X.f_kp_pk, X.f_kp_seed);
}

static void c_xshare_seal(size_t arg)
{
    (void)arg;
    check(cloak_share_seal_xwing(X.share, F.vault_key, 1, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, X.bob_pk,
                                 F.alice_sk), "share_seal_xwing");
}

/* The Ed25519 key check + X-Wing Encap + ChaCha20-Poly1305 over 32 bytes + one Ed25519 signature of
 * the suite 2 share's signed length. */
static void f_xshare_seal(size_t arg)
{
    uint8_t shared[32], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    (void)arg;
    crypto_sign_seed_keypair(pk, sk, F.f_alice_sk);
    check(sodium_memcmp(pk, F.f_alice_sk + 32, sizeof pk), "floor key check");
    sodium_memzero(sk, sizeof sk);
    floor_xwing_encaps(X.f_enc, shared, X.f_pk);
    crypto_aead_chacha20poly1305_ietf_encrypt(X.f_ct, NULL, F.vault_key, 32, NULL, 0, NULL, zero_nonce, shared);
    memcpy(X.f_msg + 1 + 17 + 32 + 56, X.f_enc, XW_ENC);
    crypto_sign_detached(X.f_sig, NULL, X.f_msg, sizeof X.f_msg, F.f_alice_sk);
}

static void c_xshare_open(size_t arg)
{
    uint32_t epoch;
    (void)arg;
    check(cloak_share_open_xwing(X.opened_key, &epoch, X.share_fixed, sizeof X.share_fixed, (const uint8_t *)VAULT_ID,
                                 VAULT_ID_LEN, X.bob_pk, X.bob_sk, F.alice_pk, 1), "share_open_xwing");
}

/* X-Wing Decap (with the public key check) + ChaCha20-Poly1305 open of 32 bytes + one Ed25519
 * verification. */
static void f_xshare_open(size_t arg)
{
    uint8_t shared[32];
    (void)arg;
    floor_xwing_decaps(shared, X.f_enc_fixed, X.f_seed, X.f_pk);
    check(crypto_sign_verify_detached(X.f_sig_fixed, X.f_msg_fixed, sizeof X.f_msg_fixed, F.f_alice_pk),
          "floor verify");
    check(crypto_aead_chacha20poly1305_ietf_decrypt(X.f_opened_key, NULL, NULL, X.f_ct_fixed, sizeof X.f_ct_fixed,
                                                    NULL, 0, zero_nonce, shared), "floor aead open");
}

/* A batch of one secret, the writer's side: begin, the secret opened and sealed as the item, finish
 * (the signature). */
static void c_batch1(size_t xwing)
{
    static const uint8_t head_hash[CLOAK_HEAD_HASHBYTES] = {1};
    cloak_batch b;
    uint8_t value[BATCH_PT_CAP];
    size_t len;
    uint32_t index;
    if (xwing) {
        check(cloak_batch_begin_xwing(&b, X.acct_pk, F.alice_pk, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, 1, 1,
                                      head_hash, UINT64_MAX), "batch_begin_xwing");
    } else {
        check(cloak_batch_begin(&b, F.acct_pk, F.alice_pk, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, 1, 1, head_hash,
                                UINT64_MAX), "batch_begin");
    }
    check(cloak_secret_open(&F.vault, value, sizeof value, &len, F.names[0], NAME_LEN, NULL, 0, F.src, F.src_len),
          "secret_open (batch)");
    check(cloak_batch_seal_item(&b, X.b1_item[xwing], F.item_len, &len, &index, X.b1_digest, F.names[0], NAME_LEN,
                                value, len), "batch_seal_item");
    check(cloak_batch_finish(&b, X.b1[xwing], X.b1_cap[xwing], &X.b1_len[xwing], X.b1_digest, 1, F.alice_sk),
          "batch_finish");
}

/* The KEM (an X25519 key generation and agreement, or X-Wing Encap) + XChaCha20-Poly1305 open of the
 * secret + ChaCha20-Poly1305 seal of the item + BLAKE2b-256 of the item + BLAKE2b-256 of the
 * manifest + the signer's key check + one Ed25519 signature of the batch's signed length. */
static void f_batch1(size_t xwing)
{
    uint8_t esk[32], pt[BATCH_PT_CAP] = {0}, nonce[12];
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    uint8_t *item = X.f_b1_item[xwing];
    uint8_t *msg = X.f_b1_msg[xwing];
    const size_t msg_len = BATCH1_SIGNED_LEN(xwing ? XW_ENC : 32U);
    crypto_sign_seed_keypair(pk, sk, F.f_alice_sk);
    check(sodium_memcmp(pk, F.f_alice_sk + 32, sizeof pk), "floor key check");
    sodium_memzero(sk, sizeof sk);
    if (xwing) {
        floor_xwing_encaps(X.f_b1_enc[1], X.f_b1_key[1], X.f_acct_pk);
    } else {
        crypto_box_keypair(X.f_b1_enc[0], esk);
        check(crypto_scalarmult(X.f_b1_key[0], esk, F.f_acct_pk), "floor agreement");
    }
    check(floor_xopen(pt + ITEM_NAME_PREFIX, F.f_src, f_src_len(), F.f_key), "floor open (batch)");
    floor_item_nonce(nonce, 0);
    crypto_aead_chacha20poly1305_ietf_encrypt(item + ITEM_HEADER_LEN, NULL, pt, item_padded(), item, ITEM_HEADER_LEN,
                                              NULL, nonce, X.f_b1_key[xwing]);
    crypto_generichash(X.f_b1_digest[xwing], 32, item, F.item_len, NULL, 0);
    crypto_generichash(msg + msg_len - 32U, 32, X.f_b1_digest[xwing], 32, NULL, 0);
    check(crypto_sign_detached(X.f_b1_sig[xwing], NULL, msg, msg_len, F.f_alice_sk), "floor sign (batch)");
}

/* The account's side of a batch of one item: verify and the freshness check. */
static void c_batch1_verify(size_t xwing)
{
    cloak_batch_wipe(&X.b1_reader);
    if (xwing) {
        check(cloak_batch_verify_xwing(&X.b1_reader, X.b1_tags, sizeof X.b1_tags, X.b1_fixed[1], X.b1_fixed_len[1],
                                       (const uint8_t *)VAULT_ID, VAULT_ID_LEN, X.acct_pk, X.acct_sk, F.alice_pk, 1),
              "batch_verify_xwing");
    } else {
        check(cloak_batch_verify(&X.b1_reader, X.b1_tags, sizeof X.b1_tags, X.b1_fixed[0], X.b1_fixed_len[0],
                                 (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.acct_pk, F.acct_sk, F.alice_pk, 1),
              "batch_verify");
    }
    check(cloak_batch_check(&X.b1_reader, 1, 1, 0), "batch_check");
}

/* The KEM's decapsulation (an X25519 agreement, or X-Wing Decap) + BLAKE2b-256 of the manifest + one
 * Ed25519 verification + a 32-byte random MAC key + one HMAC tag. */
static void f_batch1_verify(size_t xwing)
{
    uint8_t shared[32];
    const size_t msg_len = BATCH1_SIGNED_LEN(xwing ? XW_ENC : 32U);
    uint8_t *msg = X.f_b1_msg_fixed[xwing];
    crypto_auth_hmacsha256_state keyed;
    if (xwing) {
        floor_xwing_decaps(shared, X.f_b1_enc_fixed[1], X.f_acct_seed, X.f_acct_pk);
    } else {
        check(crypto_scalarmult(shared, F.f_acct_sk, X.f_b1_enc_fixed[0]), "floor agreement");
    }
    crypto_generichash(msg + msg_len - 32U, 32, X.f_b1_digest_fixed[xwing], 32, NULL, 0);
    check(crypto_sign_verify_detached(X.f_b1_sig_fixed[xwing], msg, msg_len, F.f_alice_pk), "floor verify (batch)");
    randombytes_buf(X.f_b1_mac_key, sizeof X.f_b1_mac_key);
    crypto_auth_hmacsha256_init(&keyed, X.f_b1_mac_key, sizeof X.f_b1_mac_key);
    floor_tag(X.f_b1_tag, &keyed, 0, X.f_b1_digest_fixed[xwing]);
    sodium_memzero(&keyed, sizeof keyed);
    sodium_memzero(shared, sizeof shared);
}

static void xwing_fixture_init(void)
{
    size_t s;
    uint8_t shared[32];

    cloak_xwing_keypair(X.bob_pk, X.bob_sk);
    cloak_xwing_keypair(X.acct_pk, X.acct_sk);
    check(cloak_share_seal_xwing(X.share_fixed, F.vault_key, 1, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, X.bob_pk,
                                 F.alice_sk), "share_seal_xwing (fixture)");
    floor_xwing_keypair(X.f_pk, X.f_seed);
    floor_xwing_keypair(X.f_acct_pk, X.f_acct_seed);
    randombytes_buf(X.f_msg, sizeof X.f_msg);
    /* A floor share to open: the same steps as the timed floor share. */
    floor_xwing_encaps(X.f_enc_fixed, shared, X.f_pk);
    crypto_aead_chacha20poly1305_ietf_encrypt(X.f_ct_fixed, NULL, F.vault_key, 32, NULL, 0, NULL, zero_nonce, shared);
    memcpy(X.f_msg_fixed, X.f_msg, sizeof X.f_msg);
    memcpy(X.f_msg_fixed + 1 + 17 + 32 + 56, X.f_enc_fixed, XW_ENC);
    crypto_sign_detached(X.f_sig_fixed, NULL, X.f_msg_fixed, sizeof X.f_msg_fixed, F.f_alice_sk);

    for (s = 0; s < 2; s++) {
        X.b1_cap[s] = s ? cloak_batch_len_xwing(VAULT_ID_LEN, 1) : cloak_batch_len(VAULT_ID_LEN, 1);
        X.b1[s] = xmalloc(X.b1_cap[s]);
        X.b1_fixed[s] = xmalloc(X.b1_cap[s]);
        X.b1_item[s] = xmalloc(F.item_len);
        X.b1_item_fixed[s] = xmalloc(F.item_len);
        c_batch1(s);
        memcpy(X.b1_fixed[s], X.b1[s], X.b1_len[s]);
        memcpy(X.b1_item_fixed[s], X.b1_item[s], F.item_len);
        X.b1_fixed_len[s] = X.b1_len[s];
        randombytes_buf(X.f_b1_msg[s], sizeof X.f_b1_msg[s]);
        f_batch1(s);
        memcpy(X.f_b1_enc_fixed[s], X.f_b1_enc[s], XW_ENC);
        memcpy(X.f_b1_msg_fixed[s], X.f_b1_msg[s], sizeof X.f_b1_msg[s]);
        memcpy(X.f_b1_sig_fixed[s], X.f_b1_sig[s], 64);
        memcpy(X.f_b1_digest_fixed[s], X.f_b1_digest[s], 32);
    }
}

static void xwing_add_ops(op *ops, size_t *n)
{
    xwing_fixture_init();
    add_op(ops, n, c_x25519_keypair, f_x25519_keypair, 0, 0.0, "crypto_box_keypair (32 random bytes + X25519 base)",
           "encryption key pair, X25519");
    add_op(ops, n, c_xwing_keypair, f_xwing_keypair, 0, 0.0,
           "32 random bytes + SHAKE256 + ML-KEM-768 keygen + X25519 base", "encryption key pair, X-Wing");
    add_op(ops, n, c_xshare_seal, f_xshare_seal, 0, 1.20,
           "Ed25519 key check + X-Wing Encap (ML-KEM-768 encaps + X25519 keygen + X25519 + SHA3-256) + "
           "ChaCha20-Poly1305(32 B) + Ed25519 sign",
           "share a vault key, X-Wing");
    add_op(ops, n, c_xshare_open, f_xshare_open, 0, 1.20,
           "X-Wing Decap (SHAKE256 + ML-KEM-768 keygen + X25519 base + X25519 + ML-KEM-768 decaps + SHA3-256) + "
           "ChaCha20-Poly1305 open(32 B) + Ed25519 verify",
           "open a vault-key share, X-Wing");
    add_op(ops, n, c_batch1, f_batch1, 0, 0.0,
           "keygen + X25519 + XChaCha20-Poly1305 open + ChaCha20-Poly1305 seal + 2 x BLAKE2b-256 + Ed25519 key "
           "check + Ed25519 sign",
           "batch of 1 x 256 B, X25519");
    add_op(ops, n, c_batch1, f_batch1, 1, 0.0,
           "X-Wing Encap + XChaCha20-Poly1305 open + ChaCha20-Poly1305 seal + 2 x BLAKE2b-256 + Ed25519 key "
           "check + Ed25519 sign",
           "batch of 1 x 256 B, X-Wing");
    add_op(ops, n, c_batch1_verify, f_batch1_verify, 0, 0.0,
           "X25519 + BLAKE2b-256(manifest) + Ed25519 verify + 1 HMAC tag", "batch verify, 1 item, X25519");
    add_op(ops, n, c_batch1_verify, f_batch1_verify, 1, 0.0,
           "X-Wing Decap + BLAKE2b-256(manifest) + Ed25519 verify + 1 HMAC tag", "batch verify, 1 item, X-Wing");
}

/* --quick: what the X-Wing rows made opens, on both sides. */
static void xwing_verify_all(void)
{
    uint8_t key[32], shared[32], pk[XW_PK], name[CLOAK_LABELBYTES_MAX], value[BATCH_PT_CAP], pt[BATCH_PT_CAP];
    uint8_t nonce[12], tags[CLOAK_BATCH_TAGBYTES];
    uint32_t epoch = 0;
    size_t s, name_len, value_len;
    cloak_batch r;

    cloak_xwing_public_key(pk, X.kp_sk);
    expect(memcmp(pk, X.kp_pk, XW_PK) == 0, "the X-Wing key pair's public key is its seed's");
    check(cloak_share_open_xwing(key, &epoch, X.share, sizeof X.share, (const uint8_t *)VAULT_ID, VAULT_ID_LEN,
                                 X.bob_pk, X.bob_sk, F.alice_pk, 1), "share_open_xwing (check)");
    expect(memcmp(key, F.vault_key, 32) == 0 && epoch == 1, "X-Wing share opens to the vault key and its epoch");
    expect(memcmp(X.opened_key, F.vault_key, 32) == 0, "X-Wing share open gave the vault key");
    floor_xwing_decaps(shared, X.f_enc, X.f_seed, X.f_pk);
    expect(crypto_aead_chacha20poly1305_ietf_decrypt(key, NULL, NULL, X.f_ct, sizeof X.f_ct, NULL, 0, zero_nonce,
                                                     shared) == 0 &&
               memcmp(key, F.vault_key, 32) == 0,
           "floor X-Wing share decrypts to the vault key");
    expect(crypto_sign_verify_detached(X.f_sig, X.f_msg, sizeof X.f_msg, F.f_alice_pk) == 0,
           "floor X-Wing share signature verifies");
    expect(memcmp(X.f_opened_key, F.vault_key, 32) == 0, "floor X-Wing share open gave the vault key");
    floor_xwing_decaps(shared, X.f_enc_fixed, X.f_seed, X.f_pk);
    expect(crypto_aead_chacha20poly1305_ietf_decrypt(key, NULL, NULL, X.f_ct_fixed, sizeof X.f_ct_fixed, NULL, 0,
                                                     zero_nonce, shared) == 0,
           "floor X-Wing Decap gives Encap's secret");

    for (s = 0; s < 2; s++) {
        /* The last batch written opens to its secret, once; the floor's item decrypts. */
        if (s) {
            check(cloak_batch_verify_xwing(&r, tags, sizeof tags, X.b1[1], X.b1_len[1], (const uint8_t *)VAULT_ID,
                                           VAULT_ID_LEN, X.acct_pk, X.acct_sk, F.alice_pk, 1),
                  "batch_verify_xwing (check)");
        } else {
            check(cloak_batch_verify(&r, tags, sizeof tags, X.b1[0], X.b1_len[0], (const uint8_t *)VAULT_ID,
                                     VAULT_ID_LEN, F.acct_pk, F.acct_sk, F.alice_pk, 1), "batch_verify (check)");
        }
        check(cloak_batch_check(&r, 1, 1, 0), "batch_check (check)");
        check(cloak_batch_open_item(&r, tags, sizeof tags, X.b1_item[s], F.item_len, name, sizeof name, &name_len,
                                    value, sizeof value, &value_len), "batch_open_item (check)");
        expect(name_len == NAME_LEN && memcmp(name, F.names[0], NAME_LEN) == 0 && value_len == BATCH_VALUE_LEN &&
                   memcmp(value, F.values, BATCH_VALUE_LEN) == 0,
               "a batch of one item opens to its secret");
        cloak_batch_wipe(&r);
        c_batch1_verify(s);
        expect(cloak_batch_item_count(&X.b1_reader) == 1, "the timed reader verified one item");
        floor_item_nonce(nonce, 0);
        expect(crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL, X.f_b1_item[s] + ITEM_HEADER_LEN,
                                                         item_padded() + 16U, X.f_b1_item[s], ITEM_HEADER_LEN, nonce,
                                                         X.f_b1_key[s]) == 0 &&
                   memcmp(pt + ITEM_NAME_PREFIX, F.values, BATCH_VALUE_LEN) == 0,
               "floor batch item opens to its secret");
        expect(crypto_sign_verify_detached(X.f_b1_sig[s], X.f_b1_msg[s], BATCH1_SIGNED_LEN(s ? XW_ENC : 32U),
                                           F.f_alice_pk) == 0,
               "floor batch signature verifies");
    }
    floor_xwing_decaps(shared, X.f_b1_enc[1], X.f_acct_seed, X.f_acct_pk);
    expect(memcmp(shared, X.f_b1_key[1], 32) == 0, "floor X-Wing batch Decap gives Encap's secret");
}

/* --quick: libcloak's heads verify and commit to the floor's root (the same tree). */
static void head_verify_all(void)
{
    size_t s;
    uint8_t committed[32];
    for (s = 0; s < HEAD_SIZES; s++) {
        c_head_create(s);
        c_head_verify(s);
        floor_tree(H.f_root[s], H.leaves[s], H.n[s]);
        cloak_head_merkle_root(committed, &H.verified);
        if (memcmp(committed, H.f_root[s], 32) != 0 || cloak_head_leaf_count(&H.verified) != H.n[s]) {
            fprintf(stderr, "bench: check failed: head %zu commits to the floor's root\n", s);
            failures++;
        }
    }
}

static void verify_all(void)
{
    size_t s, i, len;
    uint8_t key[32], shared[32];
    uint32_t epoch = 0;
    cloak_vault rot;
    cloak_batch r;

    /* share: libcloak's opens to the vault key; the floor's decrypts and verifies. */
    check(cloak_share_open(key, &epoch, F.share, sizeof F.share, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.bob_pk,
                           F.bob_sk, F.alice_pk, 1), "share_open (check)");
    expect(memcmp(key, F.vault_key, 32) == 0 && epoch == 1, "share opens to the vault key and its epoch");
    expect(memcmp(F.opened_key, F.vault_key, 32) == 0, "share open gave the vault key");
    expect(crypto_scalarmult(shared, F.f_bob_sk, F.f_epk) == 0 &&
               crypto_aead_chacha20poly1305_ietf_decrypt(key, NULL, NULL, F.f_ct, sizeof F.f_ct, NULL, 0,
                                                         zero_nonce, shared) == 0 &&
               memcmp(key, F.vault_key, 32) == 0,
           "floor share decrypts to the vault key");
    expect(crypto_sign_verify_detached(F.f_sig, F.f_msg, sizeof F.f_msg, F.f_alice_pk) == 0,
           "floor share signature verifies");
    expect(memcmp(F.f_opened_key, F.vault_key, 32) == 0, "floor share open gave the vault key");

    /* secrets of each size */
    for (s = 0; s < SIZES; s++) {
        static const uint8_t name[] = "secret-size";
        const size_t n = secret_sizes[s];
        const size_t cap = cloak_secret_opened_len(cloak_secret_sealed_len(n));
        expect(cap >= n && cap == secret_padded(n) - 4U, "a secret's room is its padded length less 4");
        memset(F.opened, 0, cap);
        check(cloak_secret_open(&F.vault, F.opened, cap, &len, name, sizeof name - 1U, NULL, 0, F.sealed[s],
                                cloak_secret_sealed_len(n)), "secret_open (check)");
        expect(len == n && memcmp(F.opened, F.value, n) == 0, "sealed secret opens to its value");
        check(cloak_secret_open(&F.vault, F.opened, cap, &len, name, sizeof name - 1U, NULL, 0, F.sealed_fixed[s],
                                F.sealed_fixed_len[s]), "secret_open (check)");
        expect(len == n && memcmp(F.opened, F.value, n) == 0, "opened secret equals its value");
        memset(F.f_opened, 0, secret_padded(n));
        expect(floor_xopen(F.f_opened, F.f_sealed[s], secret_padded(n) + FLOOR_SECRET_OVERHEAD, F.f_key) == 0 &&
                   memcmp(F.f_opened, F.value, secret_padded(n)) == 0,
               "floor sealed secret opens to its value");
        check(floor_xopen(F.f_opened, F.f_sealed_fixed[s], secret_padded(n) + FLOOR_SECRET_OVERHEAD, F.f_key),
              "floor open");
        expect(memcmp(F.f_opened, F.value, secret_padded(n)) == 0, "floor opened secret equals its value");
    }

    /* batch: the account verifies the last batch written and opens every item to its name and value,
     * once; the timed reader's items opened too; the floor's items decrypt to their padded secrets
     * and the floor's tags match their digests. */
    {
        uint8_t *tags = xmalloc(cloak_batch_tags_len(F.batch_n) + 1U);
        check(cloak_batch_verify(&r, tags, cloak_batch_tags_len(F.batch_n), F.batch_blob, F.batch_len,
                                 (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.acct_pk, F.acct_sk, F.alice_pk, 1),
              "batch_verify");
        expect(cloak_batch_item_count(&r) == F.batch_n && cloak_batch_epoch(&r) == 1, "batch lists every item");
        check(cloak_batch_check(&r, 1, 1, 0), "batch_check");
        for (i = 0; i < F.batch_n; i++) {
            uint8_t name[CLOAK_LABELBYTES_MAX], value[BATCH_PT_CAP], pt[BATCH_PT_CAP], nonce[12], digest[32];
            uint8_t tag[16];
            size_t name_len, value_len;
            const uint8_t *item = F.f_items + i * F.item_len;
            check(cloak_batch_open_item(&r, tags, cloak_batch_tags_len(F.batch_n), F.items + i * F.item_len,
                                        F.item_len, name, sizeof name, &name_len, value, sizeof value, &value_len),
                  "batch_open_item");
            expect(name_len == NAME_LEN && memcmp(name, F.names[i], NAME_LEN) == 0 && value_len == BATCH_VALUE_LEN &&
                       memcmp(value, F.values + i * BATCH_VALUE_LEN, BATCH_VALUE_LEN) == 0,
                   "batch item opens to its secret");
            expect(cloak_batch_open_item(&r, tags, cloak_batch_tags_len(F.batch_n), F.items + i * F.item_len,
                                         F.item_len, name, sizeof name, &name_len, value, sizeof value,
                                         &value_len) == CLOAK_E_BAD_SIGNATURE,
                   "a batch item opens once");
            floor_item_nonce(nonce, i);
            expect(crypto_aead_chacha20poly1305_ietf_decrypt(pt, NULL, NULL, item + ITEM_HEADER_LEN,
                                                             item_padded() + 16U, item, ITEM_HEADER_LEN, nonce,
                                                             F.f_batch_key) == 0 &&
                       memcmp(pt + ITEM_NAME_PREFIX, F.values + i * BATCH_VALUE_LEN, BATCH_VALUE_LEN) == 0,
                   "floor batch item opens to its secret");
            crypto_generichash(digest, sizeof digest, item, F.item_len, NULL, 0);
            expect(memcmp(digest, F.f_digests + 32U * i, 32) == 0, "floor digest is the item's");
            floor_tag(tag, &F.f_mac_state, i, F.f_r_digests + 32U * i);
            expect(memcmp(tag, F.f_r_tags_fresh + 16U * i, 16) == 0 || F.batch_n == 0, "floor tag repeats");
        }
        cloak_batch_wipe(&r);
        free(tags);
        c_batch_open(F.batch_n);
        expect(sodium_is_zero(F.r_tags, cloak_batch_tags_len(F.batch_n)), "the timed reader used up every tag");
        f_batch_open(F.batch_n);
        expect(sodium_is_zero(F.f_r_tags, 16U * F.batch_n), "the floor reader used up every tag");
        c_batch_verify(F.batch_n);
        expect(memcmp(F.v_tags, F.r_tags_fresh, cloak_batch_tags_len(F.batch_n)) != 0 || F.batch_n == 0,
               "every verify draws its own MAC key");
    }

    /* rotation: every secret opens under the new key only, and the new share gives the new key. */
    check(cloak_vault_init(&rot, F.rot_key, 2, (const uint8_t *)VAULT_ID, VAULT_ID_LEN), "vault_init (check)");
    for (i = 0; i < F.batch_n; i++) {
        uint8_t value[BATCH_PT_CAP];
        check(cloak_secret_open(&rot, value, sizeof value, &len, F.names[i], NAME_LEN, NULL, 0,
                                F.resealed + i * F.src_len, F.src_len), "secret_open (rotated)");
        expect(memcmp(value, F.values + i * BATCH_VALUE_LEN, BATCH_VALUE_LEN) == 0, "rotated secret opens");
        expect(cloak_secret_open(&F.vault, value, sizeof value, &len, F.names[i], NAME_LEN, NULL, 0,
                                 F.resealed + i * F.src_len, F.src_len) == CLOAK_E_WRONG_KEY,
               "rotated secret refuses the old key");
        expect(floor_xopen(value, F.f_resealed + i * f_src_len(), f_src_len(), F.f_rot_key) == 0 &&
                   memcmp(value, F.values + i * BATCH_VALUE_LEN, BATCH_VALUE_LEN) == 0,
               "floor rotated secret opens");
    }
    cloak_vault_wipe(&rot);
    check(cloak_share_open(key, &epoch, F.rot_share, sizeof F.rot_share, (const uint8_t *)VAULT_ID, VAULT_ID_LEN,
                           F.bob_pk, F.bob_sk, F.alice_pk, 2), "share_open (rotation)");
    expect(memcmp(key, F.rot_key, 32) == 0 && epoch == 2, "rotation share gives the new key and epoch");
    expect(cloak_share_open(key, &epoch, F.share, sizeof F.share, (const uint8_t *)VAULT_ID, VAULT_ID_LEN, F.bob_pk,
                            F.bob_sk, F.alice_pk, 2) == CLOAK_E_STALE,
           "the pre-rotation share is stale after the rotation");

    /* password: deterministic, two distinct keys; the floor's own derivation repeats (that libcloak
     * computes the spec's Argon2id and HKDF is pinned by the password_derive vectors). */
    {
        uint8_t mk[32], lk[32], rec1[CLOAK_PASSWORD_RECORDBYTES], pwk[32];
        check(cloak_password_derive(mk, lk, (const uint8_t *)PASSWORD, PASSWORD_LEN, (const uint8_t *)ACCOUNT_ID,
                                    ACCOUNT_ID_LEN, F.account_secret_key, sizeof F.account_secret_key, F.record,
                                    sizeof F.record, F.policy),
              "password_derive (check)");
        expect(memcmp(mk, F.master_key, 32) == 0 && memcmp(lk, F.login_key, 32) == 0, "derivation repeats");
        expect(memcmp(mk, lk, 32) != 0, "master and login keys differ");

        check(cloak_password_record_encode(rec1, F.salt, F.pw_m, F.pw_t, 1), "record (p = 1)");
        check(cloak_password_derive(mk, lk, (const uint8_t *)PASSWORD, PASSWORD_LEN, (const uint8_t *)ACCOUNT_ID,
                                    ACCOUNT_ID_LEN, F.account_secret_key, sizeof F.account_secret_key, rec1,
                                    sizeof rec1, F.policy),
              "password_derive (p = 1)");
        expect(memcmp(mk, F.master_key1, 32) == 0 && memcmp(lk, F.login_key1, 32) == 0, "p = 1 row derived the same");
        check(crypto_pwhash(pwk, sizeof pwk, PASSWORD, PASSWORD_LEN, F.salt, F.pw_t, (size_t)F.pw_m * 1024U,
                            crypto_pwhash_ALG_ARGON2ID13), "crypto_pwhash (p = 1)");
        expect(memcmp(pwk, F.f_pw_out, 32) == 0, "floor derivation repeats");
    }
}

/* ------------------------------------------------------------------------------------------------
 * Timing
 * ---------------------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds per call over `calls` calls. */
static double time_calls(op_fn fn, size_t arg, size_t calls)
{
    size_t i;
    const double t0 = now_s();
    for (i = 0; i < calls; i++) {
        fn(arg);
    }
    return (now_s() - t0) / (double)calls;
}

static size_t calls_for(double per_call, double min_s)
{
    double c;
    if (per_call <= 0.0) {
        return 1;
    }
    c = ceil(min_s / per_call);
    return c < 1.0 ? 1U : (size_t)c;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
    double tmp[64];
    memcpy(tmp, v, n * sizeof *v);
    qsort(tmp, n, sizeof *tmp, cmp_double);
    return n % 2U ? tmp[n / 2U] : (tmp[n / 2U - 1U] + tmp[n / 2U]) / 2.0;
}

typedef struct result {
    const op *o;
    size_t calls_a, calls_b, reps;
    double a[64], b[64];
    double med_a, med_b, ratio;
} result;

static void run_op(result *res, const op *o, size_t reps, double min_s)
{
    size_t r;
    double ta, tb;
    res->o = o;
    res->reps = reps;
    /* Warm-up and calibration, one call each. */
    ta = time_calls(o->cloak, o->arg, 1);
    tb = time_calls(o->floor, o->arg, 1);
    res->calls_a = min_s > 0.0 ? calls_for(ta, min_s) : 1U;
    res->calls_b = min_s > 0.0 ? calls_for(tb, min_s) : 1U;
    for (r = 0; r < reps; r++) {
        res->a[r] = time_calls(o->cloak, o->arg, res->calls_a);
        res->b[r] = time_calls(o->floor, o->arg, res->calls_b);
    }
    res->med_a = median(res->a, reps);
    res->med_b = median(res->b, reps);
    res->ratio = res->med_a / res->med_b;
}

static void fmt_time(char *out, size_t cap, double s)
{
    if (s >= 1e-1) {
        snprintf(out, cap, "%.1f ms", s * 1e3);
    } else if (s >= 1e-3) {
        snprintf(out, cap, "%.2f ms", s * 1e3);
    } else if (s >= 1e-5) {
        snprintf(out, cap, "%.2f us", s * 1e6);
    } else {
        snprintf(out, cap, "%.0f ns", s * 1e9);
    }
}

/* ------------------------------------------------------------------------------------------------
 * --breakdown: what the operations are made of, each primitive timed alone (docs/performance.md
 * uses these to say what bounds each figure)
 * ---------------------------------------------------------------------------------------------- */

static uint8_t bd_buf[320000 + 64], bd_out[320000 + 64], bd_key[32], bd_nonce[24], bd_sig[64];
static uint8_t bd_sk[64], bd_pk[32], bd_xsk[32], bd_xpk[32];

static void bd_random24(size_t a)
{
    (void)a;
    randombytes_buf(bd_nonce, 24);
}

static void bd_xseal(size_t n)
{
    crypto_aead_xchacha20poly1305_ietf_encrypt(bd_out, NULL, bd_buf, n, NULL, 0, NULL, bd_nonce, bd_key);
}

static void bd_xseal_ad49(size_t n)
{
    crypto_aead_xchacha20poly1305_ietf_encrypt(bd_out, NULL, bd_buf, n, bd_buf + 512, 49, NULL, bd_nonce, bd_key);
}

static void bd_cseal_ad40(size_t n)
{
    crypto_aead_chacha20poly1305_ietf_encrypt(bd_out, NULL, bd_buf, n, bd_buf + 512, 40, NULL, bd_nonce, bd_key);
}

static void bd_blake2b(size_t n)
{
    crypto_generichash(bd_out, 32, bd_buf, n, NULL, 0);
}

static void bd_sha256(size_t n)
{
    crypto_hash_sha256(bd_out, bd_buf, n);
}

static void bd_hmac(size_t n)
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, bd_key, 32);
    crypto_auth_hmacsha256_update(&st, bd_buf, n);
    crypto_auth_hmacsha256_final(&st, bd_out);
}

static void bd_sign(size_t n)
{
    crypto_sign_detached(bd_sig, NULL, bd_buf, n, bd_sk);
}

static void bd_verify(size_t n)
{
    check(crypto_sign_verify_detached(bd_sig, bd_buf, n, bd_pk), "verify");
}

static void bd_x25519(size_t a)
{
    (void)a;
    check(crypto_scalarmult(bd_out, bd_xsk, bd_xpk), "x25519");
}

static void bd_x25519_base(size_t a)
{
    (void)a;
    crypto_scalarmult_base(bd_out, bd_xsk);
}

/* ML-KEM-768 and SHA-3 alone (src/mlkem.h), on a fixed key pair and ciphertext. */
static uint8_t bd_ek[CLOAK_MLKEM768_PUBLICKEYBYTES], bd_dk[CLOAK_MLKEM768_SECRETKEYBYTES];
static uint8_t bd_ct[CLOAK_MLKEM768_CIPHERTEXTBYTES];

static uint8_t bd_sig_xw[64];

static void bd_verify_xw(size_t n)
{
    check(crypto_sign_verify_detached(bd_sig_xw, bd_buf, n, bd_pk), "verify");
}

static void bd_mlkem_keygen(size_t a)
{
    (void)a;
    check(cloak__mlkem768_keypair_derand(bd_ek, bd_dk, bd_buf), "ML-KEM keygen");
}

static void bd_mlkem_check(size_t a)
{
    (void)a;
    check(cloak__mlkem768_public_key_check(bd_ek), "ML-KEM modulus check");
}

static void bd_mlkem_encaps(size_t a)
{
    (void)a;
    check(cloak__mlkem768_encaps_derand(bd_ct, bd_out, bd_ek, bd_buf + 64), "ML-KEM encaps");
}

static void bd_mlkem_decaps(size_t a)
{
    (void)a;
    check(cloak__mlkem768_decaps(bd_out, bd_ct, bd_dk), "ML-KEM decaps");
}

static void bd_shake256(size_t n)
{
    cloak__shake256(bd_out, n, bd_buf, 32);
}

static void bd_sha3_256(size_t n)
{
    cloak__sha3_256(bd_out, bd_buf, n);
}

static uint8_t *bd_big;

static void bd_memzero(size_t n)
{
    sodium_memzero(bd_big, n);
}

static void bd_vault_init(size_t a)
{
    cloak_vault v;
    (void)a;
    check(cloak_vault_init(&v, bd_key, 1, (const uint8_t *)VAULT_ID, VAULT_ID_LEN), "vault_init");
    cloak_vault_wipe(&v);
}

static void bd_blind_index(size_t a)
{
    (void)a;
    check(cloak_vault_blind_index(&F.vault, bd_out, F.names[0], NAME_LEN), "blind_index");
}

static void run_breakdown(size_t reps, double min_s)
{
    static const struct {
        const char *what;
        op_fn fn;
        size_t arg;
    } parts[] = {
        {"randombytes_buf, 24 B (a nonce)", bd_random24, 0},
        {"XChaCha20-Poly1305 seal, 64 B, no AD", bd_xseal, 64},
        {"XChaCha20-Poly1305 seal, 64 B, 49 B AD", bd_xseal_ad49, 64},
        {"XChaCha20-Poly1305 seal, 256 B, no AD", bd_xseal, 256},
        {"ChaCha20-Poly1305 seal, 288 B, 40 B AD (batch item)", bd_cseal_ad40, 288},
        {"BLAKE2b-256, 344 B (batch item digest)", bd_blake2b, 344},
        {"HMAC-SHA256, 36 B (a batch reader's tag)", bd_hmac, 36},
        {"BLAKE2b-256, 320000 B (manifest of 10000)", bd_blake2b, 320000},
        {"SHA-256, 59 B (public key id)", bd_sha256, 59},
        {"HMAC-SHA256, 64 B (one HKDF step)", bd_hmac, 64},
        {"X25519 base point (key generation)", bd_x25519_base, 0},
        {"X25519 agreement", bd_x25519, 0},
        {"Ed25519 sign, 234 B (share)", bd_sign, SHARE_SIGNED_LEN},
        {"Ed25519 verify, 234 B (share)", bd_verify, SHARE_SIGNED_LEN},
        {"Ed25519 sign, 254 B (batch)", bd_sign, BATCH_SIGNED_LEN},
        {"cloak_vault_init (two HKDF expands, key id)", bd_vault_init, 0},
        {"cloak_vault_blind_index", bd_blind_index, 0},
        {"sodium_memzero, 64 MiB (wiping Argon2's memory)", bd_memzero, 64U << 20},
        {"ML-KEM-768 key generation (from d || z)", bd_mlkem_keygen, 0},
        {"ML-KEM-768 modulus check of ek", bd_mlkem_check, 0},
        {"ML-KEM-768 encapsulation (from m)", bd_mlkem_encaps, 0},
        {"ML-KEM-768 decapsulation", bd_mlkem_decaps, 0},
        {"SHAKE256, 32 B to 96 B (an X-Wing seed's expansion)", bd_shake256, 96},
        {"SHA3-256, 134 B (X-Wing's combiner)", bd_sha3_256, 134},
        {"SHA-256, 1243 B (an X-Wing key's key hash)", bd_sha256, 1243},
        {"Ed25519 sign, 1322 B (X-Wing share)", bd_sign, XW_SHARE_SIGNED_LEN},
        {"Ed25519 verify, 1322 B (X-Wing share)", bd_verify_xw, XW_SHARE_SIGNED_LEN},
    };
    size_t k, r;
    bd_big = xmalloc(64U << 20);
    randombytes_buf(bd_buf, sizeof bd_buf);
    randombytes_buf(bd_key, sizeof bd_key);
    randombytes_buf(bd_nonce, sizeof bd_nonce);
    crypto_sign_keypair(bd_pk, bd_sk);
    crypto_box_keypair(bd_xpk, bd_xsk);
    crypto_sign_detached(bd_sig, NULL, bd_buf, SHARE_SIGNED_LEN, bd_sk);
    crypto_sign_detached(bd_sig_xw, NULL, bd_buf, XW_SHARE_SIGNED_LEN, bd_sk);
    check(cloak__mlkem768_keypair_derand(bd_ek, bd_dk, bd_buf), "ML-KEM keygen");
    check(cloak__mlkem768_encaps_derand(bd_ct, bd_out, bd_ek, bd_buf + 64), "ML-KEM encaps");
    printf("\n| %-52s | %12s |\n|%s|%s|\n", "primitive", "median",
           "------------------------------------------------------", "-------------:");
    for (k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        double t[64], per;
        size_t calls;
        char buf[32];
        parts[k].fn(parts[k].arg);
        calls = calls_for(time_calls(parts[k].fn, parts[k].arg, 1), min_s);
        for (r = 0; r < reps; r++) {
            t[r] = time_calls(parts[k].fn, parts[k].arg, calls);
        }
        per = median(t, reps);
        fmt_time(buf, sizeof buf, per);
        printf("| %-52s | %12s |\n", parts[k].what, buf);
    }
    free(bd_big);
}

static void cpu_model(char *out, size_t cap)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    snprintf(out, cap, "unknown");
    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p != NULL) {
                p += 2;
                p[strcspn(p, "\n")] = '\0';
                snprintf(out, cap, "%s", p);
            }
            break;
        }
    }
    fclose(f);
}

/* The 1-minute load average: a run on a busy machine says so. */
static double load_average(void)
{
    double l = -1.0;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fscanf(f, "%lf", &l) != 1) {
            l = -1.0;
        }
        fclose(f);
    }
    return l;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

static void write_json(const char *path, const result *res, size_t n, size_t reps, double min_s, int quick)
{
    FILE *f = fopen(path, "w");
    char cpu[128];
    size_t i, r;
    if (f == NULL) {
        die("cannot write %s: %s", path, strerror(errno));
    }
    cpu_model(cpu, sizeof cpu);
    fprintf(f, "{\n  \"machine\": {\"nproc\": %ld, \"cpu\": ", sysconf(_SC_NPROCESSORS_ONLN));
    json_string(f, cpu);
    fprintf(f, ", \"libsodium\": ");
    json_string(f, sodium_version_string());
    fprintf(f, ", \"libcloak\": ");
    json_string(f, cloak_version_string());
    fprintf(f, ", \"build\": ");
    json_string(f, CLOAK_BENCH_BUILD);
    fprintf(f, ", \"argon2_kernel\": ");
    json_string(f, cloak_password_kernel());
    fprintf(f, ", \"argon2_kernel_build\": ");
    json_string(f, CLOAK_BENCH_ARGON2_KERNEL);
    fprintf(f, ", \"load_average_after\": %.2f},\n  \"quick\": %s, \"repetitions\": %zu, \"min_ms\": %.0f,\n"
               "  \"results\": [\n",
            load_average(), quick ? "true" : "false", reps, min_s * 1e3);
    for (i = 0; i < n; i++) {
        fprintf(f, "    {\"operation\": ");
        json_string(f, res[i].o->name);
        fprintf(f, ", \"floor\": ");
        json_string(f, res[i].o->floor_desc);
        fprintf(f, ", \"libcloak_median_s\": %.9g, \"floor_median_s\": %.9g, \"ratio\": %.4f, \"target\": %.2f,"
                   " \"calls_per_rep\": [%zu, %zu], \"libcloak_s\": [",
                res[i].med_a, res[i].med_b, res[i].ratio, res[i].o->target, res[i].calls_a, res[i].calls_b);
        for (r = 0; r < res[i].reps; r++) {
            fprintf(f, "%s%.9g", r ? ", " : "", res[i].a[r]);
        }
        fprintf(f, "], \"floor_s\": [");
        for (r = 0; r < res[i].reps; r++) {
            fprintf(f, "%s%.9g", r ? ", " : "", res[i].b[r]);
        }
        fprintf(f, "]}%s\n", i + 1U < n ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    if (fclose(f) != 0) {
        die("cannot write %s", path);
    }
}

static void usage(void)
{
    fputs("usage: bench [--quick] [--breakdown] [--reps N] [--min-ms X] [--only TEXT] [--json FILE]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    int quick = 0, breakdown = 0, i;
    size_t reps = 7, n_ops, k, n_res = 0;
    double min_s = 0.1;
    const char *json = NULL, *only = NULL;
    op ops[MAX_OPS];
    static result res[MAX_OPS];
    char cpu[128];

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--breakdown") == 0) {
            breakdown = 1;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
            const long v = strtol(argv[++i], NULL, 10);
            if (v < 1 || v > 64) {
                usage();
            }
            reps = (size_t)v;
        } else if (strcmp(argv[i], "--min-ms") == 0 && i + 1 < argc) {
            min_s = strtod(argv[++i], NULL) / 1e3;
        } else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
            json = argv[++i];
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            usage();
        }
    }
    if (cloak_init() != CLOAK_OK || sodium_init() < 0) {
        die("initialisation failed");
    }

    if (quick) {
        /* Small sizes and the smallest Argon2id the records accept: this checks that everything
         * works, it does not measure anything. */
        fixture_init(BATCH_QUICK, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_ITERATIONS_MIN,
                     CLOAK_PASSWORD_PARALLELISM_DEFAULT);
        reps = 1;
        min_s = 0.0;
    } else {
        fixture_init(BATCH_FULL, CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, CLOAK_PASSWORD_ITERATIONS_DEFAULT,
                     CLOAK_PASSWORD_PARALLELISM_DEFAULT);
        if (reps < 5) {
            fprintf(stderr, "bench: note: fewer than 5 repetitions\n");
        }
    }
    n_ops = make_ops(ops);

    cpu_model(cpu, sizeof cpu);
    /* The kernel that runs (the dispatcher's choice on this CPU), then what the build compiled. */
    printf("libcloak %s, libsodium %s, Argon2id kernel: %s\nbuilt with: %s\n", cloak_version_string(),
           sodium_version_string(), cloak_password_kernel(), CLOAK_BENCH_ARGON2_KERNEL);
    printf("%ld CPUs online, %s, load average %.2f\nbuild: %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpu,
           load_average(), CLOAK_BENCH_BUILD);
    printf("%s: %zu repetition(s) per side, each of at least %.0f ms, interleaved\n\n",
           quick ? "quick run (results checked, timings meaningless)" : "full run", reps, min_s * 1e3);
    printf("| %-36s | %12s | %12s | %6s | %6s |\n", "operation", "libcloak", "floor", "ratio", "target");
    printf("|%s|%s|%s|%s|%s|\n", "--------------------------------------", "-------------:", "-------------:",
           "-------:", "-------:");
    fflush(stdout);
    for (k = 0; k < n_ops; k++) {
        char ta[32], tb[32];
        if (only != NULL && strstr(ops[k].name, only) == NULL) {
            continue;
        }
        run_op(&res[n_res], &ops[k], reps, min_s);
        fmt_time(ta, sizeof ta, res[n_res].med_a);
        fmt_time(tb, sizeof tb, res[n_res].med_b);
        if (ops[k].target > 0.0) {
            printf("| %-36s | %12s | %12s | %6.2f | <=%4.2f |%s\n", ops[k].name, ta, tb, res[n_res].ratio,
                   ops[k].target, quick || res[n_res].ratio <= ops[k].target ? "" : " not met");
        } else {
            printf("| %-36s | %12s | %12s | %6.2f | %6s |\n", ops[k].name, ta, tb, res[n_res].ratio, "-");
        }
        fflush(stdout);
        n_res++;
    }
    if (breakdown) {
        run_breakdown(reps, min_s);
    }
    if (!quick) {
        printf("\nload average after the run: %.2f%s\n", load_average(),
               /* The benchmark itself keeps about one CPU busy; more than that is someone else. */
               load_average() > 0.75 * (double)sysconf(_SC_NPROCESSORS_ONLN)
                   ? " (a busy machine: other processes took CPU time; rerun when it is idle)"
                   : "");
    }
    if (json != NULL) {
        write_json(json, res, n_res, reps, min_s, quick);
    }
    if (quick) {
        if (only != NULL) {
            die("--quick checks every operation: do not combine it with --only");
        }
        verify_all();
        head_verify_all();
        xwing_verify_all();
        if (failures != 0) {
            fprintf(stderr, "bench: %d check(s) failed\n", failures);
            return 1;
        }
        printf("\nquick: every operation ran and every result was checked\n");
    }
    return 0;
}
