/*
 * Constant-time check, run under valgrind memcheck by tests/ct/meson.build.
 *
 * Every secret input of an operation (private keys and seeds, master and vault keys, passwords,
 * plaintexts, secret names, and everything libsodium's random source hands the library, which
 * makes ephemeral keys) is marked undefined with VALGRIND_MAKE_MEM_UNDEFINED just before the call.
 * memcheck then reports every conditional jump, every memory address and every system call argument
 * that depends on it: the ways a secret reaches timing or the cache. After the call the test marks
 * the outputs defined again (they are ciphertexts, signatures, public keys, or plaintexts the
 * caller is entitled to) before checking them, so its own checks are not reported. Status codes
 * and output lengths are NOT marked: a status that depends on a secret would reach the caller's
 * branches, so it is reported when the test checks it.
 *
 * Each case counts memcheck's errors before and after (VALGRIND_COUNT_ERRORS, which leaves out
 * suppressed ones) and fails on any new report; valgrind's --error-exitcode fails the whole run too.
 * Reports inside libsodium and libargon2 that are not leaks are suppressed in ct.supp, each with the
 * reason. Values the protocol makes public although they are computed from secrets (key ids, public
 * keys, whether a tag or a checksum matched, the length of a batch item's name) are declassified
 * in src/ where they are computed (src/declassify.h); the library is built for this test with
 * -DCLOAK_CT_VALIDATION, which is all that differs from the shipped objects.
 *
 * `ct_check --canary` makes a deliberate secret-dependent comparison (memcmp of a key) and passes
 * only if memcheck reports it: it proves the marking, valgrind and the suppressions work.
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
#include <valgrind/memcheck.h>

#include "cloak.h"
#include "internal.h"

#define SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))

/* ------------------------------------------------------------------------------------------------
 * Random source: libsodium's own, with its output marked secret while `rng_secret` is set, so
 * ephemeral keys (HPKE, shares, batches, fresh key pairs) are checked like any other secret.
 * Nonces, salts and batch ids come from the same source; they are public, but the library must not
 * branch on them either, so treating them as secret loses nothing.
 * ---------------------------------------------------------------------------------------------- */

static int rng_secret;

static void rng_buf(void *buf, size_t n)
{
    randombytes_sysrandom_implementation.buf(buf, n);
    if (rng_secret) {
        SECRET(buf, n);
    }
}

static uint32_t rng_random(void)
{
    uint32_t r;

    rng_buf(&r, sizeof r);
    return r;
}

static const char *rng_name(void)
{
    return "ct_check";
}

static void rng_stir(void)
{
    randombytes_sysrandom_implementation.stir();
}

static int rng_close(void)
{
    return randombytes_sysrandom_implementation.close();
}

static randombytes_implementation ct_rng = {
    .implementation_name = rng_name,
    .random = rng_random,
    .stir = rng_stir,
    .uniform = NULL, /* libcloak never asks for a bounded number */
    .buf = rng_buf,
    .close = rng_close,
};

/* ------------------------------------------------------------------------------------------------
 * Per-case report counting
 * ---------------------------------------------------------------------------------------------- */

static unsigned long errors_before;

static int count_start(void **state)
{
    (void)state;
    errors_before = (unsigned long)VALGRIND_COUNT_ERRORS;
    rng_secret = 1;
    return 0;
}

static int count_check(void **state)
{
    const unsigned long now = (unsigned long)VALGRIND_COUNT_ERRORS;

    (void)state;
    rng_secret = 0;
    if (now != errors_before) {
        print_error("memcheck: %lu new report(s) in this case (see valgrind's output above)\n",
                    now - errors_before);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Fixtures (made before any marking, with the plain random source)
 * ---------------------------------------------------------------------------------------------- */

#define VALUE_LEN 45U
#define LONG_VALUE_LEN 1000U

typedef struct identity_pair {
    uint8_t seed[32];
    uint8_t pk[32];
    uint8_t sk[64];
} identity_pair;

typedef struct x25519_pair {
    uint8_t seed[32];
    uint8_t pk[32];
    uint8_t sk[32];
} x25519_pair;

static identity_pair alice;
static identity_pair stranger;
static x25519_pair bob;
static x25519_pair account;
static uint8_t master_key[CLOAK_KEYBYTES];
static uint8_t vault_key[CLOAK_KEYBYTES];
static uint8_t vault_key2[CLOAK_KEYBYTES];
static const uint8_t vault_id[] = "vault-7f3a";
static const uint8_t name1[] = "DATABASE_URL";
static const uint8_t name2[] = "STRIPE_KEY";
static const uint8_t context[] = "prod";
static uint8_t value1[VALUE_LEN];
static uint8_t long_value[LONG_VALUE_LEN];

#define VID_LEN (sizeof vault_id - 1U)
#define NAME1_LEN (sizeof name1 - 1U)
#define NAME2_LEN (sizeof name2 - 1U)
#define CONTEXT_LEN (sizeof context - 1U)

/* Marks the part of an Ed25519 secret key that is secret: the seed. The second half is the public
 * key, and the library uses it as such (header, bundle, share sender). */
static void secret_identity_key(uint8_t sk[64])
{
    SECRET(sk, 32);
}

static int setup(void **state)
{
    (void)state;
    if (randombytes_set_implementation(&ct_rng) != 0 || cloak_init() != CLOAK_OK) {
        return -1;
    }
    randombytes_buf(alice.seed, 32);
    crypto_sign_seed_keypair(alice.pk, alice.sk, alice.seed);
    randombytes_buf(stranger.seed, 32);
    crypto_sign_seed_keypair(stranger.pk, stranger.sk, stranger.seed);
    randombytes_buf(bob.seed, 32);
    if (cloak_encryption_keypair_from_seed(bob.pk, bob.sk, bob.seed, 32) != CLOAK_OK) {
        return -1;
    }
    randombytes_buf(account.seed, 32);
    if (cloak_encryption_keypair_from_seed(account.pk, account.sk, account.seed, 32) != CLOAK_OK) {
        return -1;
    }
    randombytes_buf(master_key, sizeof master_key);
    randombytes_buf(vault_key, sizeof vault_key);
    randombytes_buf(vault_key2, sizeof vault_key2);
    randombytes_buf(value1, sizeof value1);
    randombytes_buf(long_value, sizeof long_value);
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Password-derived keys: Argon2id at the smallest memory the library accepts (16 MiB), one pass,
 * one and two lanes; the password is the secret.
 * ---------------------------------------------------------------------------------------------- */

static void derive_case(uint32_t lanes)
{
    static const uint8_t salt[CLOAK_PASSWORD_SALTBYTES] = "saltsaltsaltsalt";
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t password[] = "correct horse battery staple";
    uint8_t ref_master[CLOAK_KEYBYTES], ref_login[CLOAK_KEYBYTES];
    uint8_t mk[CLOAK_KEYBYTES], lk[CLOAK_KEYBYTES];

    assert_int_equal(cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, lanes), CLOAK_OK);
    /* The reference, with nothing marked (libsodium's Argon2id is one lane only). */
    assert_int_equal(cloak_password_derive(ref_master, ref_login, password, sizeof password - 1U, record,
                                           sizeof record), CLOAK_OK);

    SECRET(password, sizeof password - 1U);
    assert_int_equal(cloak_password_derive(mk, lk, password, sizeof password - 1U, record, sizeof record),
                     CLOAK_OK);
    PUBLIC(mk, sizeof mk);
    PUBLIC(lk, sizeof lk);
    assert_memory_equal(mk, ref_master, sizeof mk);
    assert_memory_equal(lk, ref_login, sizeof lk);
}

static void test_password_derive_p1(void **state)
{
    (void)state;
    derive_case(1);
}

static void test_password_derive_p2(void **state)
{
    (void)state;
    derive_case(2);
}

/* ------------------------------------------------------------------------------------------------
 * Key pairs, key ids, signatures, bundles
 * ---------------------------------------------------------------------------------------------- */

static void test_keypairs_from_seed(void **state)
{
    uint8_t seed[32], pk[32], sk[64], epk[32], esk[32];

    (void)state;
    memcpy(seed, alice.seed, sizeof seed);
    SECRET(seed, sizeof seed);
    assert_int_equal(cloak_identity_keypair_from_seed(pk, sk, seed), CLOAK_OK);
    PUBLIC(pk, sizeof pk);
    PUBLIC(sk, sizeof sk);
    assert_memory_equal(pk, alice.pk, 32);
    assert_memory_equal(sk, alice.sk, 64);

    memcpy(seed, bob.seed, sizeof seed);
    SECRET(seed, sizeof seed);
    assert_int_equal(cloak_encryption_keypair_from_seed(epk, esk, seed, sizeof seed), CLOAK_OK);
    PUBLIC(epk, sizeof epk);
    PUBLIC(esk, sizeof esk);
    assert_memory_equal(epk, bob.pk, 32);
    assert_memory_equal(esk, bob.sk, 32);
}

/* Fresh key pairs: the random source's output is the secret. */
static void test_keypairs_random(void **state)
{
    uint8_t pk[32], sk[64], check[32], esk[32];

    (void)state;
    cloak_identity_keypair(pk, sk);
    PUBLIC(pk, sizeof pk);
    PUBLIC(sk, sizeof sk);
    crypto_sign_ed25519_sk_to_pk(check, sk);
    assert_memory_equal(check, pk, 32);

    cloak_encryption_keypair(pk, esk);
    PUBLIC(pk, sizeof pk);
    PUBLIC(esk, sizeof esk);
    assert_int_equal(crypto_scalarmult_base(check, esk), 0);
    assert_memory_equal(check, pk, 32);
}

static void test_key_id(void **state)
{
    uint8_t key[CLOAK_KEYBYTES], id[CLOAK_KEYIDBYTES], ref[CLOAK_KEYIDBYTES];

    (void)state;
    cloak_key_id(ref, master_key);
    memcpy(key, master_key, sizeof key);
    SECRET(key, sizeof key);
    cloak_key_id(id, key);
    PUBLIC(id, sizeof id);
    assert_memory_equal(id, ref, sizeof id);
}

static void test_identity_sign(void **state)
{
    uint8_t sk[64], sig[CLOAK_SIGNATUREBYTES];
    uint8_t message[64];

    (void)state;
    memcpy(sk, alice.sk, sizeof sk);
    memcpy(message, long_value, sizeof message);
    secret_identity_key(sk);
    SECRET(message, sizeof message);
    assert_int_equal(cloak_identity_sign(sig, message, sizeof message, context, CONTEXT_LEN, sk), CLOAK_OK);
    PUBLIC(sig, sizeof sig);
    PUBLIC(message, sizeof message);
    assert_int_equal(cloak_identity_verify(sig, message, sizeof message, context, CONTEXT_LEN, alice.pk), CLOAK_OK);
}

static void test_bundle_create(void **state)
{
    uint8_t sk[64], bundle[CLOAK_BUNDLEBYTES], ipk[32], epk[32];

    (void)state;
    memcpy(sk, alice.sk, sizeof sk);
    secret_identity_key(sk);
    assert_int_equal(cloak_bundle_create(bundle, sk, bob.pk), CLOAK_OK);
    PUBLIC(bundle, sizeof bundle);
    assert_int_equal(cloak_bundle_verify(ipk, epk, bundle, sizeof bundle), CLOAK_OK);
    assert_memory_equal(ipk, alice.pk, 32);
    assert_memory_equal(epk, bob.pk, 32);
}

/* ------------------------------------------------------------------------------------------------
 * Wrapping under the master key (three kinds), service-account export and import
 * ---------------------------------------------------------------------------------------------- */

typedef int (*wrap_fn)(uint8_t *, const uint8_t *, const uint8_t *);
typedef int (*unwrap_fn)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *, size_t);

/* priv_secret_len: how much of the private key is secret (the seed half of an identity key). */
static void wrap_case(wrap_fn wrap, unwrap_fn unwrap, const uint8_t *priv, size_t priv_len, size_t priv_secret_len,
                      const uint8_t pub[32])
{
    uint8_t mk[CLOAK_KEYBYTES], other_mk[CLOAK_KEYBYTES];
    uint8_t key[64], out_priv[64], out_pub[32];
    uint8_t wrapped[CLOAK_WRAPPED_KEYBYTES];

    memcpy(mk, master_key, sizeof mk);
    memcpy(key, priv, priv_len);
    SECRET(mk, sizeof mk);
    SECRET(key, priv_secret_len);
    assert_int_equal(wrap(wrapped, mk, key), CLOAK_OK);
    PUBLIC(wrapped, sizeof wrapped);

    SECRET(mk, sizeof mk);
    assert_int_equal(unwrap(out_pub, out_priv, mk, wrapped, sizeof wrapped), CLOAK_OK);
    PUBLIC(out_pub, sizeof out_pub);
    PUBLIC(out_priv, sizeof out_priv);
    assert_memory_equal(out_pub, pub, 32);
    assert_memory_equal(out_priv, priv, priv_len);

    /* Failure paths: a tampered sealed key (the tag check) and another master key (the key id). */
    wrapped[CLOAK_WRAPPED_KEYBYTES - 1U] ^= 0x01U;
    assert_int_equal(unwrap(out_pub, out_priv, mk, wrapped, sizeof wrapped), CLOAK_E_AUTH);
    PUBLIC(out_priv, sizeof out_priv);
    assert_true(sodium_is_zero(out_priv, priv_len));
    wrapped[CLOAK_WRAPPED_KEYBYTES - 1U] ^= 0x01U;
    memcpy(other_mk, vault_key, sizeof other_mk);
    SECRET(other_mk, sizeof other_mk);
    assert_int_equal(unwrap(out_pub, out_priv, other_mk, wrapped, sizeof wrapped), CLOAK_E_WRONG_KEY);
}

static void test_wrap_identity(void **state)
{
    (void)state;
    wrap_case(cloak_identity_wrap, cloak_identity_unwrap, alice.sk, 64, 32, alice.pk);
}

static void test_wrap_encryption(void **state)
{
    (void)state;
    wrap_case(cloak_encryption_wrap, cloak_encryption_unwrap, bob.sk, 32, 32, bob.pk);
}

static void test_wrap_service_account(void **state)
{
    (void)state;
    wrap_case(cloak_service_account_wrap, cloak_service_account_unwrap, account.sk, 32, 32, account.pk);
}

#define ACCOUNT_SK_OFF CLOAK_HEADERBYTES
#define ACCOUNT_PK_OFF (CLOAK_HEADERBYTES + 32U)

static void test_service_account_export_import(void **state)
{
    uint8_t sk[32], blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES], pk[32], out_sk[32];

    (void)state;
    memcpy(sk, account.sk, sizeof sk);
    SECRET(sk, sizeof sk);
    assert_int_equal(cloak_service_account_private_export(blob, account.pk, sk), CLOAK_OK);
    PUBLIC(blob, sizeof blob);
    assert_memory_equal(blob + ACCOUNT_SK_OFF, account.sk, 32);

    SECRET(blob + ACCOUNT_SK_OFF, 32);
    assert_int_equal(cloak_service_account_private_import(pk, out_sk, blob, sizeof blob), CLOAK_OK);
    PUBLIC(pk, sizeof pk);
    PUBLIC(out_sk, sizeof out_sk);
    assert_memory_equal(pk, account.pk, 32);
    assert_memory_equal(out_sk, account.sk, 32);

    /* A private key that does not give the public key: the comparison's outcome is the status. */
    memcpy(blob + ACCOUNT_SK_OFF, bob.sk, 32);
    SECRET(blob + ACCOUNT_SK_OFF, 32);
    assert_int_equal(cloak_service_account_private_import(pk, out_sk, blob, sizeof blob), CLOAK_E_MISMATCH);
    memcpy(sk, bob.sk, sizeof sk);
    SECRET(sk, sizeof sk);
    assert_int_equal(cloak_service_account_private_export(blob, account.pk, sk), CLOAK_E_MISMATCH);
}

/* ------------------------------------------------------------------------------------------------
 * Vaults and secrets
 * ---------------------------------------------------------------------------------------------- */

static void init_vault(cloak_vault *v, const uint8_t key[CLOAK_KEYBYTES])
{
    uint8_t k[CLOAK_KEYBYTES];

    memcpy(k, key, sizeof k);
    SECRET(k, sizeof k);
    assert_int_equal(cloak_vault_init(v, k, vault_id, VID_LEN), CLOAK_OK);
}

static void test_vault_secrets(void **state)
{
    cloak_vault v, v2;
    uint8_t name[NAME1_LEN], value[LONG_VALUE_LEN];
    uint8_t sealed[LONG_VALUE_LEN + CLOAK_SECRET_OVERHEADBYTES];
    uint8_t resealed[LONG_VALUE_LEN + CLOAK_SECRET_OVERHEADBYTES];
    uint8_t out[LONG_VALUE_LEN];
    size_t sealed_len, resealed_len, out_len;
    uint8_t key_id[CLOAK_KEYIDBYTES], ref_id[CLOAK_KEYIDBYTES];

    (void)state;
    init_vault(&v, vault_key);
    init_vault(&v2, vault_key2);
    cloak_vault_key_id(key_id, &v);
    cloak_key_id(ref_id, vault_key);
    PUBLIC(key_id, sizeof key_id);
    assert_memory_equal(key_id, ref_id, sizeof key_id);

    memcpy(name, name1, sizeof name);
    memcpy(value, long_value, sizeof value);
    SECRET(name, sizeof name);
    SECRET(value, sizeof value);
    assert_int_equal(cloak_secret_seal(&v, sealed, sizeof sealed, &sealed_len, name, sizeof name, context,
                                       CONTEXT_LEN, value, sizeof value), CLOAK_OK);
    assert_int_equal(sealed_len, sizeof sealed);
    PUBLIC(sealed, sizeof sealed);

    SECRET(name, sizeof name);
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       sealed, sealed_len), CLOAK_OK);
    assert_int_equal(out_len, sizeof value);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, long_value, sizeof out);

    /* Rotation: opened under v, sealed under v2, never leaving the library. */
    assert_int_equal(cloak_secret_reseal(&v, &v2, resealed, sizeof resealed, &resealed_len, name, sizeof name,
                                         context, CONTEXT_LEN, sealed, sealed_len), CLOAK_OK);
    assert_int_equal(resealed_len, sealed_len);
    PUBLIC(resealed, sizeof resealed);
    assert_int_equal(cloak_secret_open(&v2, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       resealed, resealed_len), CLOAK_OK);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, long_value, sizeof out);

    /* Failure paths: a tampered blob, another name, the old vault, a reseal of a tampered blob. */
    sealed[sealed_len - 1U] ^= 0x80U;
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       sealed, sealed_len), CLOAK_E_AUTH);
    assert_int_equal(cloak_secret_reseal(&v, &v2, resealed, sizeof resealed, &resealed_len, name, sizeof name,
                                         context, CONTEXT_LEN, sealed, sealed_len), CLOAK_E_AUTH);
    sealed[sealed_len - 1U] ^= 0x80U;
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name2, NAME2_LEN, context, CONTEXT_LEN,
                                       sealed, sealed_len), CLOAK_E_AUTH);
    assert_int_equal(cloak_secret_open(&v2, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       sealed, sealed_len), CLOAK_E_WRONG_KEY);
    PUBLIC(out, sizeof out);
    assert_true(sodium_is_zero(out, sizeof out));

    cloak_vault_wipe(&v);
    cloak_vault_wipe(&v2);
}

static void test_vault_blind_index(void **state)
{
    cloak_vault v, ref;
    uint8_t name[NAME1_LEN], index[CLOAK_BLIND_INDEXBYTES], ref_index[CLOAK_BLIND_INDEXBYTES];

    (void)state;
    rng_secret = 0;
    assert_int_equal(cloak_vault_init(&ref, vault_key, vault_id, VID_LEN), CLOAK_OK);
    assert_int_equal(cloak_vault_blind_index(&ref, ref_index, name1, NAME1_LEN), CLOAK_OK);
    rng_secret = 1;

    init_vault(&v, vault_key);
    memcpy(name, name1, sizeof name);
    SECRET(name, sizeof name);
    assert_int_equal(cloak_vault_blind_index(&v, index, name, sizeof name), CLOAK_OK);
    PUBLIC(index, sizeof index);
    assert_memory_equal(index, ref_index, sizeof index);
    cloak_vault_wipe(&v);
    cloak_vault_wipe(&ref);
}

/* ------------------------------------------------------------------------------------------------
 * Shares
 * ---------------------------------------------------------------------------------------------- */

static void test_share(void **state)
{
    uint8_t vk[CLOAK_KEYBYTES], sk[64], rsk[32], out[CLOAK_KEYBYTES];
    uint8_t share[CLOAK_SHAREBYTES];

    (void)state;
    memcpy(vk, vault_key, sizeof vk);
    memcpy(sk, alice.sk, sizeof sk);
    SECRET(vk, sizeof vk);
    secret_identity_key(sk);
    assert_int_equal(cloak_share_seal(share, vk, vault_id, VID_LEN, bob.pk, sk), CLOAK_OK);
    PUBLIC(share, sizeof share);

    memcpy(rsk, bob.sk, sizeof rsk);
    SECRET(rsk, sizeof rsk);
    assert_int_equal(cloak_share_open(out, share, sizeof share, vault_id, VID_LEN, bob.pk, rsk, alice.pk), CLOAK_OK);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, vault_key, sizeof out);

    /* Failure paths: a forged signature (public), then a wrong recipient key (the tag check). */
    share[CLOAK_SHAREBYTES - 1U] ^= 0x01U;
    assert_int_equal(cloak_share_open(out, share, sizeof share, vault_id, VID_LEN, bob.pk, rsk, alice.pk),
                     CLOAK_E_BAD_SIGNATURE);
    share[CLOAK_SHAREBYTES - 1U] ^= 0x01U;
    memcpy(rsk, account.sk, sizeof rsk);
    SECRET(rsk, sizeof rsk);
    assert_int_equal(cloak_share_open(out, share, sizeof share, vault_id, VID_LEN, bob.pk, rsk, alice.pk),
                     CLOAK_E_AUTH);
    PUBLIC(out, sizeof out);
    assert_true(sodium_is_zero(out, sizeof out));
}

/* ------------------------------------------------------------------------------------------------
 * Batches
 * ---------------------------------------------------------------------------------------------- */

#define BATCH_ITEMS 3U
#define ITEM_CAP (CLOAK_BATCH_ITEM_OVERHEADBYTES + 255U + LONG_VALUE_LEN)

static void test_batch(void **state)
{
    static const uint8_t *const names[BATCH_ITEMS] = {name1, name2, context};
    static const size_t name_lens[BATCH_ITEMS] = {NAME1_LEN, NAME2_LEN, CONTEXT_LEN};
    static const size_t value_lens[BATCH_ITEMS] = {VALUE_LEN, 0, LONG_VALUE_LEN};
    static uint8_t items[BATCH_ITEMS][ITEM_CAP];
    size_t item_lens[BATCH_ITEMS];
    uint8_t digests[BATCH_ITEMS * CLOAK_BATCH_DIGESTBYTES];
    uint8_t blob[512];
    size_t blob_len, name_len, value_len;
    uint8_t name[255], value[ITEM_CAP], sk[64], ask[32];
    cloak_batch writer, reader;
    size_t i;

    (void)state;
    assert_int_equal(cloak_batch_begin(&writer, account.pk, vault_id, VID_LEN), CLOAK_OK);
    for (i = 0; i < BATCH_ITEMS; i++) {
        const uint8_t *v = value_lens[i] == VALUE_LEN ? value1 : long_value;
        memcpy(name, names[i], name_lens[i]);
        memcpy(value, v, value_lens[i]);
        SECRET(name, name_lens[i]);
        SECRET(value, value_lens[i]);
        assert_int_equal(cloak_batch_seal_item(&writer, items[i], ITEM_CAP, &item_lens[i],
                                               digests + i * CLOAK_BATCH_DIGESTBYTES, name, name_lens[i], value,
                                               value_lens[i]), CLOAK_OK);
        assert_int_equal(item_lens[i], cloak_batch_item_len(name_lens[i], value_lens[i]));
        PUBLIC(items[i], item_lens[i]);
        PUBLIC(digests + i * CLOAK_BATCH_DIGESTBYTES, CLOAK_BATCH_DIGESTBYTES);
    }
    memcpy(sk, alice.sk, sizeof sk);
    secret_identity_key(sk);
    assert_int_equal(cloak_batch_finish(&writer, blob, sizeof blob, &blob_len, digests, BATCH_ITEMS, sk), CLOAK_OK);
    assert_int_equal(blob_len, cloak_batch_len(VID_LEN, BATCH_ITEMS));
    PUBLIC(blob, blob_len);

    memcpy(ask, account.sk, sizeof ask);
    SECRET(ask, sizeof ask);
    assert_int_equal(cloak_batch_verify(&reader, blob, blob_len, account.pk, ask, alice.pk, 1), CLOAK_OK);
    assert_int_equal(cloak_batch_item_count(&reader), BATCH_ITEMS);

    for (i = 0; i < BATCH_ITEMS; i++) {
        const uint8_t *v = value_lens[i] == VALUE_LEN ? value1 : long_value;
        /* Any name, then the expected one. */
        assert_int_equal(cloak_batch_open_item(&reader, blob, blob_len, items[i], item_lens[i], NULL, 0, name,
                                               sizeof name, &name_len, value, sizeof value, &value_len), CLOAK_OK);
        assert_int_equal(name_len, name_lens[i]);
        assert_int_equal(value_len, value_lens[i]);
        PUBLIC(name, sizeof name);
        PUBLIC(value, sizeof value);
        assert_memory_equal(name, names[i], name_len);
        if (value_len > 0) {
            assert_memory_equal(value, v, value_len);
        }
        assert_int_equal(cloak_batch_open_item(&reader, blob, blob_len, items[i], item_lens[i], names[i],
                                               name_lens[i], name, sizeof name, &name_len, value, sizeof value,
                                               &value_len), CLOAK_OK);
        assert_int_equal(value_len, value_lens[i]);
        PUBLIC(value, sizeof value);
        if (value_len > 0) {
            assert_memory_equal(value, v, value_len);
        }
    }
    /* Failure path: an item opened under another name than it holds (same length, then another). */
    assert_int_equal(cloak_batch_open_item(&reader, blob, blob_len, items[0], item_lens[0], (const uint8_t *)"DATABASE_URI",
                                           NAME1_LEN, name, sizeof name, &name_len, value, sizeof value, &value_len),
                     CLOAK_E_MISMATCH);
    assert_int_equal(cloak_batch_open_item(&reader, blob, blob_len, items[0], item_lens[0], name2, NAME2_LEN, name,
                                           sizeof name, &name_len, value, sizeof value, &value_len),
                     CLOAK_E_MISMATCH);
    PUBLIC(value, sizeof value);
    assert_true(sodium_is_zero(value, sizeof value));
    cloak_batch_wipe(&reader);

    /* Failure path of verify: another account's private key (the tag cannot be checked until an
     * item is opened, so verify succeeds and the item fails to open). */
    memcpy(ask, bob.sk, sizeof ask);
    SECRET(ask, sizeof ask);
    assert_int_equal(cloak_batch_verify(&reader, blob, blob_len, account.pk, ask, alice.pk, 1), CLOAK_OK);
    assert_int_equal(cloak_batch_open_item(&reader, blob, blob_len, items[0], item_lens[0], NULL, 0, name,
                                           sizeof name, &name_len, value, sizeof value, &value_len), CLOAK_E_AUTH);
    cloak_batch_wipe(&reader);

    /* Failure path of finish: a creator key whose halves disagree. */
    assert_int_equal(cloak_batch_begin(&writer, account.pk, vault_id, VID_LEN), CLOAK_OK);
    memcpy(sk, stranger.sk, 32);
    memcpy(sk + 32, alice.pk, 32);
    secret_identity_key(sk);
    assert_int_equal(cloak_batch_finish(&writer, blob, sizeof blob, &blob_len, NULL, 0, sk), CLOAK_E_BAD_PARAMS);
}

/* ------------------------------------------------------------------------------------------------
 * HPKE
 * ---------------------------------------------------------------------------------------------- */

static void test_hpke(void **state)
{
    static const uint8_t info[] = "ct info";
    static const uint8_t aad[] = "ct aad";
    static const uint8_t exp_ctx[] = "ct exporter";
    cloak_hpke_context sender, recipient;
    uint8_t enc[CLOAK_HPKE_ENCBYTES], rsk[32];
    uint8_t pt[LONG_VALUE_LEN], ct[LONG_VALUE_LEN + CLOAK_HPKE_TAGBYTES], out[LONG_VALUE_LEN];
    uint8_t exp_s[48], exp_r[48];
    int k;

    (void)state;
    assert_int_equal(cloak_hpke_setup_sender(&sender, enc, bob.pk, info, sizeof info - 1U), CLOAK_OK);
    PUBLIC(enc, sizeof enc);
    memcpy(rsk, bob.sk, sizeof rsk);
    SECRET(rsk, sizeof rsk);
    assert_int_equal(cloak_hpke_setup_recipient(&recipient, enc, bob.pk, rsk, info, sizeof info - 1U), CLOAK_OK);

    for (k = 0; k < 3; k++) {
        memcpy(pt, long_value, sizeof pt);
        SECRET(pt, sizeof pt);
        assert_int_equal(cloak_hpke_seal(&sender, ct, aad, sizeof aad - 1U, pt, sizeof pt), CLOAK_OK);
        PUBLIC(ct, sizeof ct);
        if (k == 1) {
            /* A failed open (tampered tag) leaves the sequence number as it was. */
            ct[sizeof ct - 1U] ^= 0x01U;
            assert_int_equal(cloak_hpke_open(&recipient, out, aad, sizeof aad - 1U, ct, sizeof ct), CLOAK_E_AUTH);
            PUBLIC(out, sizeof out);
            assert_true(sodium_is_zero(out, sizeof out));
            ct[sizeof ct - 1U] ^= 0x01U;
        }
        assert_int_equal(cloak_hpke_open(&recipient, out, aad, sizeof aad - 1U, ct, sizeof ct), CLOAK_OK);
        PUBLIC(out, sizeof out);
        assert_memory_equal(out, long_value, sizeof out);
    }
    assert_int_equal(cloak_hpke_export(&sender, exp_s, sizeof exp_s, exp_ctx, sizeof exp_ctx - 1U), CLOAK_OK);
    assert_int_equal(cloak_hpke_export(&recipient, exp_r, sizeof exp_r, exp_ctx, sizeof exp_ctx - 1U), CLOAK_OK);
    PUBLIC(exp_s, sizeof exp_s);
    PUBLIC(exp_r, sizeof exp_r);
    assert_memory_equal(exp_s, exp_r, sizeof exp_s);
    cloak_hpke_context_wipe(&sender);
    cloak_hpke_context_wipe(&recipient);

    /* Single-shot. */
    memcpy(pt, value1, VALUE_LEN);
    SECRET(pt, VALUE_LEN);
    assert_int_equal(cloak_hpke_seal_base(enc, ct, bob.pk, info, sizeof info - 1U, aad, sizeof aad - 1U, pt,
                                          VALUE_LEN), CLOAK_OK);
    PUBLIC(enc, sizeof enc);
    PUBLIC(ct, VALUE_LEN + CLOAK_HPKE_TAGBYTES);
    SECRET(rsk, sizeof rsk);
    assert_int_equal(cloak_hpke_open_base(out, enc, bob.pk, rsk, info, sizeof info - 1U, aad, sizeof aad - 1U, ct,
                                          VALUE_LEN + CLOAK_HPKE_TAGBYTES), CLOAK_OK);
    PUBLIC(out, VALUE_LEN);
    assert_memory_equal(out, value1, VALUE_LEN);
    ct[0] ^= 0x01U;
    assert_int_equal(cloak_hpke_open_base(out, enc, bob.pk, rsk, info, sizeof info - 1U, aad, sizeof aad - 1U, ct,
                                          VALUE_LEN + CLOAK_HPKE_TAGBYTES), CLOAK_E_AUTH);
}

/* ------------------------------------------------------------------------------------------------
 * Text form of a blob that holds a private key in the clear: the service-account key
 * ---------------------------------------------------------------------------------------------- */

static void test_text_service_account_key(void **state)
{
    uint8_t blob[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES], out[CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES];
    char text[256], ref[256];
    size_t text_len, ref_len, out_len;
    size_t prefix, first, last;

    (void)state;
    assert_int_equal(cloak_service_account_private_export(blob, account.pk, account.sk), CLOAK_OK);
    assert_int_equal(cloak_text_encode(ref, sizeof ref, &ref_len, blob, sizeof blob), CLOAK_OK);

    SECRET(blob + ACCOUNT_SK_OFF, 32);
    assert_int_equal(cloak_text_encode(text, sizeof text, &text_len, blob, sizeof blob), CLOAK_OK);
    assert_int_equal(text_len, ref_len);
    PUBLIC(text, sizeof text);
    assert_memory_equal(text, ref, text_len + 1U);

    /* Decoding (what a CLI does with a CI variable): the characters that carry only private-key
     * bits are the secret. Character k of the body holds bits 6k..6k+5 of blob || checksum; the key
     * is bits 160..415, so characters 27..68 are all key. Characters 26 and 69 also carry header
     * and public-key bits: they are left defined, which leaves 2 + 2 of the 256 key bits unchecked
     * (memcheck's approximation of addition would otherwise spread their undefinedness into the
     * neighbouring public bytes). */
    prefix = strlen("cloak-accountkey-");
    assert_memory_equal(text, "cloak-accountkey-", prefix);
    first = prefix + 27U;
    last = prefix + 68U;
    SECRET(text + first, last - first + 1U);
    assert_int_equal(cloak_text_decode(out, sizeof out, &out_len, text, text_len), CLOAK_OK);
    assert_int_equal(out_len, sizeof blob);
    PUBLIC(out, sizeof out);
    PUBLIC(blob, sizeof blob);
    assert_memory_equal(out, blob, sizeof blob);
}

/* ------------------------------------------------------------------------------------------------ */

/* The deliberate leak: a variable-time comparison of a key, the classic mistake. Run without
 * --error-exitcode (ct_canary in meson.build): it exits 0 only if memcheck counted the report, and
 * 1 if it did not or if it is not under valgrind at all, so a run where memcheck, the marking or
 * the suppressions do not work fails instead of passing. */
static int canary(void)
{
    /* Through a pointer, so the compiler cannot inline it into branch-free code: the C library's
     * memcmp (valgrind's replacement of it) stops at the first difference. */
    int (*volatile compare)(const void *, const void *, size_t) = memcmp;
    uint8_t key[32], guess[32];
    unsigned long before;
    int differ;

    if (!RUNNING_ON_VALGRIND || cloak_init() != CLOAK_OK) {
        fprintf(stderr, "canary: not under valgrind, or cloak_init failed\n");
        return 1;
    }
    randombytes_buf(key, sizeof key);
    memset(guess, 0, sizeof guess);
    before = (unsigned long)VALGRIND_COUNT_ERRORS;
    SECRET(key, sizeof key);
    differ = compare(key, guess, sizeof key) != 0;
    PUBLIC(&differ, sizeof differ);
    if ((unsigned long)VALGRIND_COUNT_ERRORS == before) {
        fprintf(stderr, "canary: memcheck did not report a memcmp of a secret key\n");
        return 1;
    }
    fprintf(stderr, "canary: the memcmp of a secret key was reported, as it must be (%d)\n", differ);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_password_derive_p1, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_password_derive_p2, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_keypairs_from_seed, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_keypairs_random, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_key_id, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_identity_sign, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_bundle_create, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_wrap_identity, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_wrap_encryption, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_wrap_service_account, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_service_account_export_import, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_vault_secrets, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_vault_blind_index, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_share, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_batch, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_hpke, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_text_service_account_key, count_start, count_check),
    };

    if (argc == 2 && strcmp(argv[1], "--canary") == 0) {
        return canary();
    }
    if (!RUNNING_ON_VALGRIND) {
        fprintf(stderr, "ct_check must run under valgrind memcheck (tests/ct/meson.build does that)\n");
        return 1;
    }
    return cmocka_run_group_tests_name("ct", tests, setup, NULL);
}
