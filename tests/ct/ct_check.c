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
 * keys, whether a tag, a checksum or a signing key's two halves matched, the lengths a secret or a
 * batch item opens to, whether its padding is zero) are declassified
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
#include "batch_format.h" /* the writer's HPKE context, to forge malformed items */
#include "internal.h"
#include "mlkem.h"
#include "xwing.h"

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
static uint8_t head_hash[CLOAK_HEAD_HASHBYTES]; /* a batch binds a head by its hash */

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
    randombytes_buf(head_hash, sizeof head_hash);
    return 0;
}

/* ------------------------------------------------------------------------------------------------
 * Password-derived keys: Argon2id at the smallest memory the library accepts (16 MiB), one pass,
 * one and two lanes, under a policy that admits exactly that; the password is the secret, and the
 * account secret key when there is one. The account id is public (a login name).
 * ---------------------------------------------------------------------------------------------- */

static const uint8_t account_id[] = "alice@example.com";
#define ACCOUNT_ID_LEN (sizeof account_id - 1U)

static void derive_case(uint32_t lanes, int with_secret_key)
{
    static const uint8_t salt[CLOAK_PASSWORD_SALTBYTES] = "saltsaltsaltsalt";
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
    uint8_t policy[CLOAK_PASSWORD_POLICYBYTES];
    uint8_t password[] = "correct horse battery staple";
    uint8_t secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    uint8_t ref_master[CLOAK_KEYBYTES], ref_login[CLOAK_KEYBYTES];
    uint8_t mk[CLOAK_KEYBYTES], lk[CLOAK_KEYBYTES];
    const size_t key_len = with_secret_key ? sizeof secret_key : 0U;

    assert_int_equal(cloak_password_record_encode(record, salt, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, lanes), CLOAK_OK);
    assert_int_equal(cloak_password_policy_init(policy, CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN,
                                                CLOAK_PASSWORD_MEMORY_KIB_MIN, CLOAK_PASSWORD_MEMORY_KIB_MIN, 1, 2),
                     CLOAK_OK);
    randombytes_buf(secret_key, sizeof secret_key);
    PUBLIC(secret_key, sizeof secret_key);
    /* The reference, with nothing marked (libsodium's Argon2id is one lane only). */
    assert_int_equal(cloak_password_derive(ref_master, ref_login, password, sizeof password - 1U, account_id,
                                           ACCOUNT_ID_LEN, secret_key, key_len, record, sizeof record, policy),
                     CLOAK_OK);

    SECRET(password, sizeof password - 1U);
    SECRET(secret_key, sizeof secret_key);
    assert_int_equal(cloak_password_derive(mk, lk, password, sizeof password - 1U, account_id, ACCOUNT_ID_LEN,
                                           secret_key, key_len, record, sizeof record, policy),
                     CLOAK_OK);
    PUBLIC(mk, sizeof mk);
    PUBLIC(lk, sizeof lk);
    assert_memory_equal(mk, ref_master, sizeof mk);
    assert_memory_equal(lk, ref_login, sizeof lk);
}

static void test_password_derive_p1(void **state)
{
    (void)state;
    derive_case(1, 0);
}

static void test_password_derive_p2(void **state)
{
    (void)state;
    derive_case(2, 0);
}

static void test_password_derive_secret_key(void **state)
{
    (void)state;
    derive_case(1, 1);
}

/* The account secret key's text form: encoding with the key marked, decoding with the 40 payload
 * characters marked (the prefix and the dashes are layout, public), on success and with a typing
 * error (the checksum verdict is public). */
static void test_account_secret_key_text(void **state)
{
    uint8_t key[CLOAK_ACCOUNT_SECRET_KEYBYTES], out[CLOAK_ACCOUNT_SECRET_KEYBYTES];
    char text[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES], typo[CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES];
    const size_t text_len = CLOAK_ACCOUNT_SECRET_KEY_TEXTBYTES - 1U;
    size_t c;

    (void)state;
    cloak_account_secret_key_generate(key);
    assert_int_equal(cloak_account_secret_key_encode(text, key, account_id, ACCOUNT_ID_LEN), CLOAK_OK);
    PUBLIC(text, sizeof text);
    PUBLIC(key, sizeof key);
    memcpy(typo, text, sizeof typo);
    /* A character of the key's part one value off (8 is never a look-alike). */
    typo[4] = typo[4] == '8' ? '9' : '8';

    SECRET(key, sizeof key);
    assert_int_equal(cloak_account_secret_key_encode(text, key, account_id, ACCOUNT_ID_LEN), CLOAK_OK);
    PUBLIC(text, sizeof text);

    for (c = 0; c < 40U; c++) {
        SECRET(text + 4U + c + c / 5U, 1);
        SECRET(typo + 4U + c + c / 5U, 1);
    }
    assert_int_equal(cloak_account_secret_key_decode(out, text, text_len, account_id, ACCOUNT_ID_LEN), CLOAK_OK);
    PUBLIC(out, sizeof out);
    PUBLIC(key, sizeof key);
    assert_memory_equal(out, key, sizeof key);
    assert_int_equal(cloak_account_secret_key_decode(out, typo, text_len, account_id, ACCOUNT_ID_LEN),
                     CLOAK_E_CHECKSUM);
    PUBLIC(out, sizeof out);
    assert_true(sodium_is_zero(out, sizeof out));
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

/* Re-wrapping (the upgrade path and a password change): both master keys marked, the private key
 * never leaves the library. Success, each kind; then another old master key (the key id), a
 * tampered blob (the tag) and the same key twice (the comparison's verdict is public). */
static void test_rewrap(void **state)
{
    uint8_t old_mk[CLOAK_KEYBYTES], new_mk[CLOAK_KEYBYTES], other_mk[CLOAK_KEYBYTES];
    uint8_t wrapped[3][CLOAK_WRAPPED_KEYBYTES], out[CLOAK_WRAPPED_KEYBYTES];
    uint8_t pk[32], sk[64];
    size_t i;

    (void)state;
    assert_int_equal(cloak_identity_wrap(wrapped[0], master_key, alice.sk), CLOAK_OK);
    assert_int_equal(cloak_encryption_wrap(wrapped[1], master_key, bob.sk), CLOAK_OK);
    assert_int_equal(cloak_service_account_wrap(wrapped[2], master_key, account.sk), CLOAK_OK);
    PUBLIC(wrapped, sizeof wrapped);
    for (i = 0; i < 3; i++) {
        memcpy(old_mk, master_key, sizeof old_mk);
        memcpy(new_mk, vault_key, sizeof new_mk);
        SECRET(old_mk, sizeof old_mk);
        SECRET(new_mk, sizeof new_mk);
        assert_int_equal(cloak_wrapped_key_rewrap(out, old_mk, new_mk, wrapped[i], sizeof wrapped[i]), CLOAK_OK);
        PUBLIC(out, sizeof out);
        PUBLIC(new_mk, sizeof new_mk);
        /* Checked unmarked. */
        if (i == 0) {
            assert_int_equal(cloak_identity_unwrap(pk, sk, new_mk, out, sizeof out), CLOAK_OK);
            assert_memory_equal(sk, alice.sk, 64);
        } else if (i == 1) {
            assert_int_equal(cloak_encryption_unwrap(pk, sk, new_mk, out, sizeof out), CLOAK_OK);
            assert_memory_equal(sk, bob.sk, 32);
        } else {
            assert_int_equal(cloak_service_account_unwrap(pk, sk, new_mk, out, sizeof out), CLOAK_OK);
            assert_memory_equal(sk, account.sk, 32);
        }
    }

    memcpy(other_mk, vault_key2, sizeof other_mk);
    SECRET(other_mk, sizeof other_mk);
    SECRET(new_mk, sizeof new_mk);
    assert_int_equal(cloak_wrapped_key_rewrap(out, other_mk, new_mk, wrapped[1], sizeof wrapped[1]),
                     CLOAK_E_WRONG_KEY);
    wrapped[1][CLOAK_WRAPPED_KEYBYTES - 1U] ^= 0x01U;
    SECRET(old_mk, sizeof old_mk);
    assert_int_equal(cloak_wrapped_key_rewrap(out, old_mk, new_mk, wrapped[1], sizeof wrapped[1]), CLOAK_E_AUTH);
    assert_int_equal(cloak_wrapped_key_rewrap(out, old_mk, old_mk, wrapped[1], sizeof wrapped[1]),
                     CLOAK_E_BAD_PARAMS);
    PUBLIC(out, sizeof out);
    assert_true(sodium_is_zero(out, sizeof out));
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

/* The access credential: the private key is secret, the derived public key compared with the given
 * one is public, and so is the outcome of that comparison (the status). */
static void test_service_account_credential(void **state)
{
    static const uint8_t ikm_fixed[40] = {0x6b, 0x21};
    uint8_t sk[32], cred[CLOAK_CREDENTIALBYTES], verifier[CLOAK_CREDENTIAL_VERIFIERBYTES];
    uint8_t xpk[CLOAK_XWING_PUBLICKEYBYTES], xsk[CLOAK_XWING_SECRETKEYBYTES];

    (void)state;
    memcpy(sk, account.sk, sizeof sk);
    SECRET(sk, sizeof sk);
    assert_int_equal(cloak_service_account_credential(cred, account.pk, sk), CLOAK_OK);
    cloak_service_account_credential_verifier(verifier, cred);
    PUBLIC(verifier, sizeof verifier);
    memcpy(sk, bob.sk, sizeof sk);
    SECRET(sk, sizeof sk);
    assert_int_equal(cloak_service_account_credential(cred, account.pk, sk), CLOAK_E_MISMATCH);

    rng_secret = 0;
    assert_int_equal(cloak_xwing_keypair_from_seed(xpk, xsk, ikm_fixed, sizeof ikm_fixed), CLOAK_OK);
    rng_secret = 1;
    SECRET(xsk, sizeof xsk);
    assert_int_equal(cloak_service_account_xwing_credential(cred, xpk, xsk), CLOAK_OK);
    xsk[0] ^= 0x01U;
    assert_int_equal(cloak_service_account_xwing_credential(cred, xpk, xsk), CLOAK_E_MISMATCH);
}

/* ------------------------------------------------------------------------------------------------
 * Vaults and secrets
 * ---------------------------------------------------------------------------------------------- */

#define EPOCH 3U
#define SECRET_NONCE_AT 24U /* header (20) || epoch (4) || nonce (24) || sealed plaintext */
#define SECRET_CT_AT 48U
#define SECRET_CAP (64U + 1024U) /* the sealed length of LONG_VALUE_LEN: pad(4 + 1000) = 1024 */

static void init_vault(cloak_vault *v, const uint8_t key[CLOAK_KEYBYTES], uint32_t epoch)
{
    uint8_t k[CLOAK_KEYBYTES];

    memcpy(k, key, sizeof k);
    SECRET(k, sizeof k);
    assert_int_equal(cloak_vault_init(v, k, epoch, vault_id, VID_LEN), CLOAK_OK);
}

/*
 * A secret whose plaintext the library would never write (a length field past the padded length,
 * or a non-zero byte in the padding), encrypted as section 7.1 says under the fixture's vault key:
 * header, epoch and nonce are those of `genuine` (a secret of the same padded length and name),
 * the plaintext is `plaintext` (P = sealed_len - 64 bytes). Built with nothing marked, so only the
 * library's handling of it is checked.
 */
static void forge_secret(uint8_t *blob, const uint8_t *genuine, size_t sealed_len, const uint8_t *name,
                         size_t name_len, const uint8_t *plaintext)
{
    uint8_t subkey[32], ad[24U + 3U * 256U];
    size_t n;

    assert_int_equal(cloak__hkdf_expand(subkey, sizeof subkey, vault_key, CLOAK_KEYBYTES,
                                        (const uint8_t *)CLOAK_LABEL_SECRET_KEY,
                                        CLOAK_LABEL_LEN(CLOAK_LABEL_SECRET_KEY)), CLOAK_OK);
    memcpy(blob, genuine, SECRET_CT_AT);
    n = cloak__put(ad, 0, genuine, SECRET_NONCE_AT);
    n = cloak__put_lp8(ad, n, vault_id, VID_LEN);
    n = cloak__put_lp8(ad, n, name, name_len);
    n = cloak__put_lp8(ad, n, context, CONTEXT_LEN);
    cloak__xchacha_seal(blob + SECRET_CT_AT, plaintext, sealed_len - 64U, ad, n, blob + SECRET_NONCE_AT, subkey);
}

static void test_vault_secrets(void **state)
{
    cloak_vault v, v2, v_next_epoch;
    uint8_t name[NAME1_LEN], value[LONG_VALUE_LEN];
    uint8_t sealed[SECRET_CAP], resealed[SECRET_CAP], out[SECRET_CAP];
    size_t sealed_len, resealed_len, out_len;
    uint8_t key_id[CLOAK_KEYIDBYTES], ref_id[CLOAK_KEYIDBYTES];

    (void)state;
    init_vault(&v, vault_key, EPOCH);
    init_vault(&v2, vault_key2, EPOCH + 1U);
    init_vault(&v_next_epoch, vault_key, EPOCH + 1U);
    cloak_vault_key_id(key_id, &v);
    cloak_key_id(ref_id, vault_key);
    PUBLIC(key_id, sizeof key_id);
    assert_memory_equal(key_id, ref_id, sizeof key_id);
    assert_int_equal(cloak_vault_epoch(&v), EPOCH);

    memcpy(name, name1, sizeof name);
    memcpy(value, long_value, sizeof value);
    SECRET(name, sizeof name);
    SECRET(value, sizeof value);
    assert_int_equal(cloak_secret_seal(&v, sealed, sizeof sealed, &sealed_len, name, sizeof name, context,
                                       CONTEXT_LEN, value, sizeof value), CLOAK_OK);
    assert_int_equal(sealed_len, cloak_secret_sealed_len(LONG_VALUE_LEN));
    assert_int_equal(sealed_len, sizeof sealed);
    PUBLIC(sealed, sizeof sealed);

    /* Open: the split open (length field apart, value straight into the caller's buffer), then the
     * padding check over the whole padded body. */
    SECRET(name, sizeof name);
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       sealed, sealed_len), CLOAK_OK);
    assert_int_equal(out_len, sizeof value);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, long_value, out_len);

    /* Rotation: opened under v, sealed under v2, never leaving the library. */
    assert_int_equal(cloak_secret_reseal(&v, &v2, resealed, sizeof resealed, &resealed_len, name, sizeof name,
                                         context, CONTEXT_LEN, sealed, sealed_len), CLOAK_OK);
    assert_int_equal(resealed_len, sealed_len);
    PUBLIC(resealed, sizeof resealed);
    assert_int_equal(cloak_secret_open(&v2, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       resealed, resealed_len), CLOAK_OK);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, long_value, out_len);

    /* Failure paths: a tampered blob, another name, another key, another epoch of the same key, a
     * reseal of a tampered blob. */
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
    assert_int_equal(cloak_secret_open(&v_next_epoch, out, sizeof out, &out_len, name, sizeof name, context,
                                       CONTEXT_LEN, sealed, sealed_len), CLOAK_E_MISMATCH);
    PUBLIC(out, sizeof out);
    assert_true(sodium_is_zero(out, sizeof out));

    cloak_vault_wipe(&v);
    cloak_vault_wipe(&v2);
    cloak_vault_wipe(&v_next_epoch);
}

/*
 * The padding of a secret, at every length class: the shortest bucket (a 45-byte value in 64
 * bytes), an empty value (60 zero bytes of padding), in place (the value written over the blob),
 * and the two malformed plaintexts: a non-zero padding byte and a length past the padded length.
 * The value's length and where the padding starts are secret; only the verdict is public.
 */
static void test_secret_padding(void **state)
{
    enum { P = 64U, SEALED = 64U + P };
    cloak_vault v;
    uint8_t name[NAME1_LEN], value[VALUE_LEN];
    uint8_t sealed[SEALED], forged[SEALED], inplace[SEALED], out[P], plaintext[P];
    size_t sealed_len, out_len;
    size_t lens[2] = {VALUE_LEN, 0};
    size_t k;

    (void)state;
    init_vault(&v, vault_key, EPOCH);
    memcpy(name, name1, sizeof name);
    for (k = 0; k < 2; k++) {
        assert_int_equal(cloak_secret_sealed_len(lens[k]), SEALED);
        memcpy(value, value1, sizeof value);
        SECRET(name, sizeof name);
        SECRET(value, sizeof value);
        assert_int_equal(cloak_secret_seal(&v, sealed, sizeof sealed, &sealed_len, name, sizeof name, context,
                                           CONTEXT_LEN, value, lens[k]), CLOAK_OK);
        assert_int_equal(sealed_len, SEALED);
        PUBLIC(sealed, sizeof sealed);
        assert_int_equal(cloak_secret_opened_len(sealed_len), P - 4U);

        SECRET(name, sizeof name);
        assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                           sealed, sealed_len), CLOAK_OK);
        assert_int_equal(out_len, lens[k]);
        PUBLIC(out, sizeof out);
        if (lens[k] > 0) {
            assert_memory_equal(out, value1, lens[k]);
        }

        /* In place: the value is written at sealed + 52, over the ciphertext it comes from. */
        memcpy(inplace, sealed, sizeof inplace);
        SECRET(name, sizeof name);
        assert_int_equal(cloak_secret_open(&v, inplace + 52U, P - 4U, &out_len, name, sizeof name, context,
                                           CONTEXT_LEN, inplace, sizeof inplace), CLOAK_OK);
        assert_int_equal(out_len, lens[k]);
        PUBLIC(inplace, sizeof inplace);
        if (lens[k] > 0) {
            assert_memory_equal(inplace + 52U, value1, lens[k]);
        }
    }

    /* A non-zero byte in the padding, at its last byte and at its first. */
    memset(plaintext, 0, sizeof plaintext);
    cloak__store32_be(plaintext, VALUE_LEN);
    memcpy(plaintext + 4, value1, VALUE_LEN);
    plaintext[P - 1U] = 0x01U;
    forge_secret(forged, sealed, SEALED, name1, NAME1_LEN, plaintext);
    SECRET(name, sizeof name);
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       forged, sizeof forged), CLOAK_E_MALFORMED);
    PUBLIC(out, sizeof out);
    assert_true(sodium_is_zero(out, sizeof out));
    plaintext[P - 1U] = 0;
    plaintext[4U + VALUE_LEN] = 0x80U;
    forge_secret(forged, sealed, SEALED, name1, NAME1_LEN, plaintext);
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       forged, sizeof forged), CLOAK_E_MALFORMED);
    /* A length field one past what the padded length holds. */
    plaintext[4U + VALUE_LEN] = 0;
    cloak__store32_be(plaintext, P - 4U + 1U);
    forge_secret(forged, sealed, SEALED, name1, NAME1_LEN, plaintext);
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       forged, sizeof forged), CLOAK_E_MALFORMED);
    /* The same forgeries through reseal, whose check is the same. */
    assert_int_equal(cloak_secret_reseal(&v, &v, inplace, sizeof inplace, &out_len, name, sizeof name, context,
                                         CONTEXT_LEN, forged, sizeof forged), CLOAK_E_MALFORMED);
    /* And the largest valid length: a value that fills the padded body exactly. */
    cloak__store32_be(plaintext, P - 4U);
    memset(plaintext + 4, 0x42, P - 4U);
    forge_secret(forged, sealed, SEALED, name1, NAME1_LEN, plaintext);
    assert_int_equal(cloak_secret_open(&v, out, sizeof out, &out_len, name, sizeof name, context, CONTEXT_LEN,
                                       forged, sizeof forged), CLOAK_OK);
    assert_int_equal(out_len, P - 4U);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, plaintext + 4, P - 4U);
    cloak_vault_wipe(&v);
}

/* The split open on its own, at head lengths 0 to 64 and message lengths around the first block,
 * the key secret. The reference is libsodium's own XChaCha20-Poly1305, with nothing marked. */
static void test_xchacha_open_split(void **state)
{
    static const size_t m_lens[] = {0, 4, 63, 64, 65, 200};
    static const size_t head_lens[] = {0, 4, 64};
    uint8_t key[32], nonce[CLOAK_XNONCEBYTES], ad[7] = "ct ad..";
    uint8_t c[200 + 16], head[64], m[200], ref[200];
    size_t i, j;

    (void)state;
    rng_secret = 0;
    randombytes_buf(nonce, sizeof nonce);
    rng_secret = 1;
    for (i = 0; i < sizeof m_lens / sizeof m_lens[0]; i++) {
        for (j = 0; j < sizeof head_lens / sizeof head_lens[0]; j++) {
            const size_t ml = m_lens[i], hl = head_lens[j];
            if (hl > ml) {
                continue;
            }
            memcpy(ref, long_value, ml);
            cloak__xchacha_seal(c, ref, ml, ad, sizeof ad, nonce, vault_key);
            memcpy(key, vault_key, sizeof key);
            SECRET(key, sizeof key);
            assert_int_equal(cloak__xchacha_open_split(head, hl, m, c, ml + 16U, ad, sizeof ad, nonce, key), CLOAK_OK);
            PUBLIC(head, sizeof head);
            PUBLIC(m, sizeof m);
            assert_memory_equal(head, ref, hl);
            if (ml > hl) {
                assert_memory_equal(m, ref + hl, ml - hl);
            }
            /* A forged tag: nothing written, the verdict the only public value. */
            c[ml] ^= 0x01U;
            SECRET(key, sizeof key);
            assert_int_equal(cloak__xchacha_open_split(head, hl, m, c, ml + 16U, ad, sizeof ad, nonce, key),
                             CLOAK_E_AUTH);
            PUBLIC(head, sizeof head);
            PUBLIC(m, sizeof m);
            assert_true(sodium_is_zero(head, hl));
            if (ml > hl) {
                assert_true(sodium_is_zero(m, ml - hl));
            }
        }
    }
}

static void test_vault_blind_index(void **state)
{
    cloak_vault v, ref;
    uint8_t name[NAME1_LEN], index[CLOAK_BLIND_INDEXBYTES], ref_index[CLOAK_BLIND_INDEXBYTES];

    (void)state;
    rng_secret = 0;
    assert_int_equal(cloak_vault_init(&ref, vault_key, EPOCH, vault_id, VID_LEN), CLOAK_OK);
    assert_int_equal(cloak_vault_blind_index(&ref, ref_index, name1, NAME1_LEN), CLOAK_OK);
    rng_secret = 1;

    init_vault(&v, vault_key, EPOCH);
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
    uint32_t epoch;

    (void)state;
    memcpy(vk, vault_key, sizeof vk);
    memcpy(sk, alice.sk, sizeof sk);
    SECRET(vk, sizeof vk);
    secret_identity_key(sk);
    assert_int_equal(cloak_share_seal(share, vk, EPOCH, vault_id, VID_LEN, bob.pk, sk), CLOAK_OK);
    PUBLIC(share, sizeof share);

    memcpy(rsk, bob.sk, sizeof rsk);
    SECRET(rsk, sizeof rsk);
    assert_int_equal(cloak_share_open(out, &epoch, share, sizeof share, vault_id, VID_LEN, bob.pk, rsk, alice.pk,
                                      EPOCH), CLOAK_OK);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, vault_key, sizeof out);
    assert_int_equal(epoch, EPOCH);

    /* Failure paths: an epoch below the caller's minimum (public), a forged signature (public),
     * then a wrong recipient key (the tag check). */
    assert_int_equal(cloak_share_open(out, &epoch, share, sizeof share, vault_id, VID_LEN, bob.pk, rsk, alice.pk,
                                      EPOCH + 1U), CLOAK_E_STALE);
    share[CLOAK_SHAREBYTES - 1U] ^= 0x01U;
    assert_int_equal(cloak_share_open(out, &epoch, share, sizeof share, vault_id, VID_LEN, bob.pk, rsk, alice.pk, 1),
                     CLOAK_E_BAD_SIGNATURE);
    share[CLOAK_SHAREBYTES - 1U] ^= 0x01U;
    memcpy(rsk, account.sk, sizeof rsk);
    SECRET(rsk, sizeof rsk);
    assert_int_equal(cloak_share_open(out, &epoch, share, sizeof share, vault_id, VID_LEN, bob.pk, rsk, alice.pk, 1),
                     CLOAK_E_AUTH);
    PUBLIC(out, sizeof out);
    assert_true(sodium_is_zero(out, sizeof out));

    /* A sender key whose public half is not its seed's (the seed secret): refused before anything
     * is sealed. */
    memcpy(sk, stranger.sk, 32);
    memcpy(sk + 32, alice.pk, 32);
    secret_identity_key(sk);
    SECRET(vk, sizeof vk);
    assert_int_equal(cloak_share_seal(share, vk, EPOCH, vault_id, VID_LEN, bob.pk, sk), CLOAK_E_INVALID_KEY);
}

/* ------------------------------------------------------------------------------------------------
 * Batches
 * ---------------------------------------------------------------------------------------------- */

#define BATCH_ITEMS 3U
#define ITEM_CAP 1400U /* at least cloak_batch_item_len(255, LONG_VALUE_LEN) = 56 + 1280 */
#define HEAD_VERSION 7U
#define EXPIRY UINT64_C(4102444800) /* 2100-01-01 */
#define NOW UINT64_C(1700000000)


static void batch_begin(cloak_batch *writer)
{
    assert_int_equal(cloak_batch_begin(writer, account.pk, alice.pk, vault_id, VID_LEN, EPOCH, HEAD_VERSION, head_hash,
                                       EXPIRY), CLOAK_OK);
}

static void batch_finish(cloak_batch *writer, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                         const uint8_t *digests, size_t count)
{
    uint8_t sk[64];

    memcpy(sk, alice.sk, sizeof sk);
    secret_identity_key(sk);
    assert_int_equal(cloak_batch_finish(writer, blob, blob_cap, blob_len, digests, count, sk), CLOAK_OK);
    assert_int_equal(*blob_len, cloak_batch_len(VID_LEN, count));
    PUBLIC(blob, *blob_len);
}

/* verify (the account's private key secret, the tags written under a secret MAC key) and check. */
static void batch_read(cloak_batch *reader, uint8_t *tags, size_t count, const uint8_t *blob, size_t blob_len,
                       const uint8_t account_sk[32])
{
    uint8_t ask[32];
    uint32_t n;

    assert_int_equal(cloak_batch_count(&n, blob, blob_len), CLOAK_OK);
    assert_int_equal(n, count);
    memcpy(ask, account_sk, sizeof ask);
    SECRET(ask, sizeof ask);
    assert_int_equal(cloak_batch_verify(reader, tags, cloak_batch_tags_len(count), blob, blob_len, vault_id, VID_LEN,
                                        account.pk, ask, alice.pk, 1), CLOAK_OK);
    assert_int_equal(cloak_batch_item_count(reader), count);
    assert_int_equal(cloak_batch_check(reader, EPOCH, HEAD_VERSION, NOW), CLOAK_OK);
}

static int open_item(const cloak_batch *reader, uint8_t *tags, size_t count, const uint8_t *item, size_t item_len,
                     uint8_t name[255], size_t *name_len, uint8_t value[ITEM_CAP], size_t *value_len)
{
    int rc = cloak_batch_open_item(reader, tags, cloak_batch_tags_len(count), item, item_len, name, 255, name_len,
                                   value, ITEM_CAP, value_len);
    PUBLIC(name, 255);
    PUBLIC(value, ITEM_CAP);
    return rc;
}

static void test_batch(void **state)
{
    static const uint8_t *const names[BATCH_ITEMS] = {name1, name2, context};
    static const size_t name_lens[BATCH_ITEMS] = {NAME1_LEN, NAME2_LEN, CONTEXT_LEN};
    static const size_t value_lens[BATCH_ITEMS] = {VALUE_LEN, 0, LONG_VALUE_LEN};
    static uint8_t items[BATCH_ITEMS][ITEM_CAP];
    static uint8_t value[ITEM_CAP];
    size_t item_lens[BATCH_ITEMS];
    uint8_t digests[BATCH_ITEMS * CLOAK_BATCH_DIGESTBYTES];
    uint8_t tags[BATCH_ITEMS * CLOAK_BATCH_TAGBYTES];
    uint8_t blob[512];
    size_t blob_len, name_len, value_len;
    uint8_t name[255], sk[64];
    cloak_batch writer, reader;
    uint32_t index;
    size_t i;

    (void)state;
    batch_begin(&writer);
    for (i = 0; i < BATCH_ITEMS; i++) {
        const uint8_t *v = value_lens[i] == VALUE_LEN ? value1 : long_value;
        memcpy(name, names[i], name_lens[i]);
        memcpy(value, v, value_lens[i]);
        SECRET(name, name_lens[i]);
        SECRET(value, value_lens[i]);
        assert_int_equal(cloak_batch_seal_item(&writer, items[i], ITEM_CAP, &item_lens[i], &index,
                                               digests + i * CLOAK_BATCH_DIGESTBYTES, name, name_lens[i], value,
                                               value_lens[i]), CLOAK_OK);
        assert_int_equal(index, i);
        assert_int_equal(item_lens[i], cloak_batch_item_len(name_lens[i], value_lens[i]));
        PUBLIC(items[i], item_lens[i]);
        PUBLIC(digests + i * CLOAK_BATCH_DIGESTBYTES, CLOAK_BATCH_DIGESTBYTES);
    }
    batch_finish(&writer, blob, sizeof blob, &blob_len, digests, BATCH_ITEMS);

    batch_read(&reader, tags, BATCH_ITEMS, blob, blob_len, account.sk);
    /* A tampered item first: its digest gives another tag (BAD_SIGNATURE), nothing is decrypted,
     * and its tag is still there for the genuine item. */
    items[1][item_lens[1] - 1U] ^= 0x01U;
    assert_int_equal(open_item(&reader, tags, BATCH_ITEMS, items[1], item_lens[1], name, &name_len, value,
                               &value_len), CLOAK_E_BAD_SIGNATURE);
    assert_true(sodium_is_zero(value, ITEM_CAP));
    items[1][item_lens[1] - 1U] ^= 0x01U;
    for (i = 0; i < BATCH_ITEMS; i++) {
        const uint8_t *v = value_lens[i] == VALUE_LEN ? value1 : long_value;
        assert_int_equal(open_item(&reader, tags, BATCH_ITEMS, items[i], item_lens[i], name, &name_len, value,
                                   &value_len), CLOAK_OK);
        assert_int_equal(name_len, name_lens[i]);
        assert_int_equal(value_len, value_lens[i]);
        assert_memory_equal(name, names[i], name_len);
        if (value_len > 0) {
            assert_memory_equal(value, v, value_len);
        }
        /* A repeated item: its tag is used up. */
        assert_int_equal(open_item(&reader, tags, BATCH_ITEMS, items[i], item_lens[i], name, &name_len, value,
                                   &value_len), CLOAK_E_BAD_SIGNATURE);
    }
    cloak_batch_wipe(&reader);

    /* Another account's private key: verify succeeds (nothing to check it against yet), the item
     * fails to open (the AEAD tag). */
    batch_read(&reader, tags, BATCH_ITEMS, blob, blob_len, bob.sk);
    assert_int_equal(open_item(&reader, tags, BATCH_ITEMS, items[0], item_lens[0], name, &name_len, value,
                               &value_len), CLOAK_E_AUTH);
    cloak_batch_wipe(&reader);

    /* Failure paths of finish: a creator key whose seed is another's (the check of the seed's public
     * key against the second half, secret-derived), and another creator (public). */
    batch_begin(&writer);
    memcpy(sk, stranger.sk, 32);
    memcpy(sk + 32, alice.pk, 32);
    secret_identity_key(sk);
    assert_int_equal(cloak_batch_finish(&writer, blob, sizeof blob, &blob_len, NULL, 0, sk), CLOAK_E_INVALID_KEY);
    batch_begin(&writer);
    memcpy(sk, stranger.sk, sizeof sk);
    secret_identity_key(sk);
    assert_int_equal(cloak_batch_finish(&writer, blob, sizeof blob, &blob_len, NULL, 0, sk), CLOAK_E_MISMATCH);
}

/*
 * Items the writer would never make, signed by the creator: the reader's parse after the tag and
 * the AEAD, where the name's length, the value's length and the padding are secret. Each index is
 * reserved by a real seal_item, then its ciphertext is replaced by the sealing of a malformed
 * plaintext at the same sequence number (the writer's own HPKE context, reached through the
 * library's internal layout) and its digest recomputed.
 */
enum { FORGED_NAME_LEN = NAME1_LEN, FORGED_P = 64U, FORGED_ITEM_LEN = 56U + FORGED_P };

static void forge_item(cloak_batch *writer, uint8_t item[FORGED_ITEM_LEN], uint8_t digest[32], int kind)
{
    uint8_t pt[FORGED_P];
    size_t item_len;
    uint32_t index;

    assert_int_equal(cloak_batch_seal_item(writer, item, FORGED_ITEM_LEN, &item_len, &index, digest, name1,
                                           NAME1_LEN, value1, VALUE_LEN), CLOAK_OK);
    assert_int_equal(item_len, FORGED_ITEM_LEN);
    memset(pt, 0, sizeof pt);
    pt[0] = (uint8_t)FORGED_NAME_LEN;
    memcpy(pt + 1, name1, NAME1_LEN);
    cloak__store32_be(pt + 1U + NAME1_LEN, VALUE_LEN);
    memcpy(pt + 5U + NAME1_LEN, value1, VALUE_LEN);
    switch (kind) {
    case 0: /* a non-zero padding byte, the last */
        pt[FORGED_P - 1U] = 0x01U;
        break;
    case 1: /* a non-zero padding byte, the first */
        pt[5U + NAME1_LEN + VALUE_LEN] = 0x80U;
        break;
    case 2: /* an empty name */
        pt[0] = 0;
        break;
    case 3: /* a value longer than the padded length holds */
        cloak__store32_be(pt + 1U + NAME1_LEN, FORGED_P - 5U - NAME1_LEN + 1U);
        break;
    case 4: /* a name longer than the padded length holds */
        pt[0] = 255;
        break;
    default: /* the largest value that fits: valid */
        cloak__store32_be(pt + 1U + NAME1_LEN, FORGED_P - 5U - NAME1_LEN);
        memset(pt + 5U + NAME1_LEN, 0x42, FORGED_P - 5U - NAME1_LEN);
        break;
    }
    cloak__hpke_seal_at(&batch_state_of(writer)->hpke, index, item + ITEM_OFF_CT, item, ITEM_OFF_CT, pt, FORGED_P);
    PUBLIC(item, FORGED_ITEM_LEN);
    crypto_generichash(digest, CLOAK_BATCH_DIGESTBYTES, item, FORGED_ITEM_LEN, NULL, 0);
}

#define FORGED_ITEMS 6U

static void test_batch_item_padding(void **state)
{
    static const int expected[FORGED_ITEMS] = {CLOAK_E_MALFORMED, CLOAK_E_MALFORMED, CLOAK_E_MALFORMED,
                                               CLOAK_E_MALFORMED, CLOAK_E_MALFORMED, CLOAK_OK};
    static uint8_t items[FORGED_ITEMS][FORGED_ITEM_LEN];
    static uint8_t value[ITEM_CAP];
    uint8_t digests[FORGED_ITEMS * CLOAK_BATCH_DIGESTBYTES];
    uint8_t tags[FORGED_ITEMS * CLOAK_BATCH_TAGBYTES];
    uint8_t blob[512], name[255];
    size_t blob_len, name_len, value_len, i;
    cloak_batch writer, reader;

    (void)state;
    batch_begin(&writer);
    for (i = 0; i < FORGED_ITEMS; i++) {
        forge_item(&writer, items[i], digests + i * CLOAK_BATCH_DIGESTBYTES, (int)i);
    }
    batch_finish(&writer, blob, sizeof blob, &blob_len, digests, FORGED_ITEMS);
    batch_read(&reader, tags, FORGED_ITEMS, blob, blob_len, account.sk);
    for (i = 0; i < FORGED_ITEMS; i++) {
        assert_int_equal(open_item(&reader, tags, FORGED_ITEMS, items[i], FORGED_ITEM_LEN, name, &name_len, value,
                                   &value_len), expected[i]);
        if (expected[i] == CLOAK_OK) {
            assert_int_equal(name_len, NAME1_LEN);
            assert_int_equal(value_len, FORGED_P - 5U - NAME1_LEN);
        } else {
            assert_true(sodium_is_zero(value, ITEM_CAP));
        }
    }
    cloak_batch_wipe(&reader);
}

/* ------------------------------------------------------------------------------------------------
 * Vault heads: the signing path (streamed SHA-512 and libsodium's scalar arithmetic over the seed)
 * ---------------------------------------------------------------------------------------------- */

static void test_head_create(void **state)
{
    uint8_t entry[CLOAK_ROSTER_ENTRYBYTES], leaf[CLOAK_MERKLE_LEAFBYTES], root[CLOAK_MERKLE_HASHBYTES];
    uint8_t index[CLOAK_BLIND_INDEXBYTES], key_id[CLOAK_KEYIDBYTES], enc_id[CLOAK_KEYIDBYTES];
    uint8_t previous[CLOAK_HEAD_HASHBYTES] = {0};
    uint8_t blob[512], sk[64];
    size_t blob_len;
    cloak_head head;

    (void)state;
    rng_secret = 0;
    cloak__public_key_id(enc_id, bob.pk);
    assert_int_equal(cloak_roster_entry(entry, CLOAK_ROSTER_MEMBER, CLOAK_PERMISSION_ADMIN | CLOAK_PERMISSION_WRITE, CLOAK_SUITE_X25519,
                                        alice.pk, enc_id), CLOAK_OK);
    memset(index, 0x11, sizeof index);
    cloak_merkle_leaf(leaf, index, value1, VALUE_LEN);
    assert_int_equal(cloak_merkle_root(root, leaf, 1), CLOAK_OK);
    cloak_key_id(key_id, vault_key);
    rng_secret = 1;

    memcpy(sk, alice.sk, sizeof sk);
    secret_identity_key(sk);
    assert_int_equal(cloak_head_create(blob, sizeof blob, &blob_len, vault_id, VID_LEN, EPOCH, key_id, 1, previous,
                                       EXPIRY, root, 1, 0, entry, 1, sk), CLOAK_OK);
    assert_int_equal(blob_len, cloak_head_len(VID_LEN, 1));
    PUBLIC(blob, blob_len);
    assert_int_equal(cloak_head_verify_first(&head, blob, blob_len, vault_id, VID_LEN, alice.pk, 1), CLOAK_OK);
    assert_int_equal(cloak_head_check(&head, EPOCH, 1, NOW), CLOAK_OK);
    cloak_head_wipe(&head);

    /* A signer key whose seed is another's: refused by the secret-derived key check. */
    memcpy(sk, stranger.sk, 32);
    memcpy(sk + 32, alice.pk, 32);
    secret_identity_key(sk);
    assert_int_equal(cloak_head_create(blob, sizeof blob, &blob_len, vault_id, VID_LEN, EPOCH, key_id, 1, previous,
                                       EXPIRY, root, 1, 0, entry, 1, sk), CLOAK_E_INVALID_KEY);
    PUBLIC(blob, sizeof blob);
    assert_true(sodium_is_zero(blob, sizeof blob));
}

/* The Ed25519 key check of every signing function that takes a 64-byte identity secret key, where
 * the public key is derived from the secret seed and compared with the second half: the identity
 * signature and the wrapping of an identity key (bundle, share, batch and head have their own
 * cases above). Matching and mismatching halves; only the verdict is public. */
static void test_identity_key_check(void **state)
{
    uint8_t sk[64], mk[CLOAK_KEYBYTES], sig[CLOAK_SIGNATUREBYTES], wrapped[CLOAK_WRAPPED_KEYBYTES];
    uint8_t bundle[CLOAK_BUNDLEBYTES];

    (void)state;
    memcpy(sk, stranger.sk, 32);
    memcpy(sk + 32, alice.pk, 32);
    secret_identity_key(sk);
    assert_int_equal(cloak_identity_sign(sig, value1, VALUE_LEN, NULL, 0, sk), CLOAK_E_INVALID_KEY);
    PUBLIC(sig, sizeof sig);
    assert_true(sodium_is_zero(sig, sizeof sig));
    assert_int_equal(cloak_bundle_create(bundle, sk, bob.pk), CLOAK_E_INVALID_KEY);
    memcpy(mk, master_key, sizeof mk);
    SECRET(mk, sizeof mk);
    assert_int_equal(cloak_identity_wrap(wrapped, mk, sk), CLOAK_E_INVALID_KEY);
    PUBLIC(wrapped, sizeof wrapped);
    assert_true(sodium_is_zero(wrapped, sizeof wrapped));
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
 * ML-KEM-768 (src/mlkem.c, mlkem-native): key generation from a secret seed, encapsulation with
 * secret randomness, decapsulation with the whole decapsulation key and the ciphertext secret, for
 * a ciphertext that decapsulates and one that takes implicit rejection. What FIPS 203 makes public
 * is declassified inside mlkem-native (its MLK_CT_TESTING_DECLASSIFY, compiled in by
 * -DCLOAK_CT_VALIDATION): the matrix seed rho once derived (it is part of ek, and the matrix is
 * sampled from it by rejection, a branch on it), and the public part of dk (ek and H(ek)) for the
 * hash check, whose verdict is the status. Everything else, the FO comparison and the selection of
 * K or the rejection key included, must not branch on or index by a secret.
 * ---------------------------------------------------------------------------------------------- */

static void test_mlkem768(void **state)
{
    uint8_t seed[CLOAK_MLKEM768_SEEDBYTES], m[CLOAK_MLKEM768_ENCAPS_RANDBYTES];
    uint8_t pk[CLOAK_MLKEM768_PUBLICKEYBYTES], sk[CLOAK_MLKEM768_SECRETKEYBYTES];
    uint8_t ref_pk[CLOAK_MLKEM768_PUBLICKEYBYTES], ref_sk[CLOAK_MLKEM768_SECRETKEYBYTES];
    uint8_t ct[CLOAK_MLKEM768_CIPHERTEXTBYTES], ref_ct[CLOAK_MLKEM768_CIPHERTEXTBYTES];
    uint8_t ss[CLOAK_MLKEM768_SHAREDBYTES], ref_ss[CLOAK_MLKEM768_SHAREDBYTES];
    uint8_t ref_reject[CLOAK_MLKEM768_SHAREDBYTES];

    (void)state;
    /* References, with nothing marked. */
    rng_secret = 0;
    randombytes_buf(seed, sizeof seed);
    randombytes_buf(m, sizeof m);
    assert_int_equal(cloak__mlkem768_keypair_derand(ref_pk, ref_sk, seed), 0);
    assert_int_equal(cloak__mlkem768_encaps_derand(ref_ct, ref_ss, ref_pk, m), 0);
    ref_ct[7] ^= 0x01U;
    assert_int_equal(cloak__mlkem768_decaps(ref_reject, ref_ct, ref_sk), 0);
    ref_ct[7] ^= 0x01U;
    rng_secret = 1;

    SECRET(seed, sizeof seed);
    assert_int_equal(cloak__mlkem768_keypair_derand(pk, sk, seed), 0);
    PUBLIC(pk, sizeof pk);
    PUBLIC(sk, sizeof sk);
    assert_memory_equal(pk, ref_pk, sizeof pk);
    assert_memory_equal(sk, ref_sk, sizeof sk);

    SECRET(m, sizeof m);
    assert_int_equal(cloak__mlkem768_encaps_derand(ct, ss, pk, m), 0);
    PUBLIC(ct, sizeof ct);
    PUBLIC(ss, sizeof ss);
    assert_memory_equal(ct, ref_ct, sizeof ct);
    assert_memory_equal(ss, ref_ss, sizeof ss);

    SECRET(sk, sizeof sk);
    SECRET(ct, sizeof ct);
    assert_int_equal(cloak__mlkem768_decaps(ss, ct, sk), 0);
    PUBLIC(ss, sizeof ss);
    assert_memory_equal(ss, ref_ss, sizeof ss);

    PUBLIC(ct, sizeof ct);
    ct[7] ^= 0x01U;
    SECRET(sk, sizeof sk);
    SECRET(ct, sizeof ct);
    assert_int_equal(cloak__mlkem768_decaps(ss, ct, sk), 0);
    PUBLIC(ss, sizeof ss);
    assert_memory_equal(ss, ref_reject, sizeof ss);
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

/* ------------------------------------------------------------------------------------------------
 * X-Wing (src/xwing.c): decapsulation with the seed and the ML-KEM ciphertext secret (for a
 * ciphertext that decapsulates and one that takes ML-KEM's implicit rejection), encapsulation with
 * secret randomness (so both shared secrets reach the SHA3-256 combiner secret), the key functions
 * on secret seeds, and HPKE over X-Wing. The X25519 half of an encapsulation stays public: it is
 * checked against docs/protocol.md 1.4 like any public key before it is used. Declassified in
 * src/xwing.c: the public key computed from the seed, and whether the public key the caller names
 * is the seed's.
 * ---------------------------------------------------------------------------------------------- */

#define XW_CT_M_BYTES 1088U /* the ML-KEM half of an encapsulation */

typedef struct xwing_fixture {
    uint8_t seed[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t other_pk[CLOAK_XWING_PUBLICKEYBYTES];
    uint8_t rand[CLOAK_XWING_ENCAPS_RANDBYTES];
    uint8_t enc[CLOAK_XWING_ENCBYTES];
    uint8_t ss[32];
    uint8_t reject_enc[CLOAK_XWING_ENCBYTES]; /* enc with one bit of the ML-KEM half changed */
    uint8_t reject_ss[32];
} xwing_fixture;

/* References, computed with nothing marked (the caller turns rng_secret off). */
static void xwing_fixture_make(xwing_fixture *f)
{
    uint8_t other_sk[CLOAK_XWING_SECRETKEYBYTES];

    cloak_xwing_keypair(f->pk, f->seed);
    cloak_xwing_keypair(f->other_pk, other_sk);
    randombytes_buf(f->rand, sizeof f->rand);
    assert_int_equal(cloak__xwing_encaps(f->enc, f->ss, f->pk, f->rand), CLOAK_OK);
    memcpy(f->reject_enc, f->enc, sizeof f->enc);
    f->reject_enc[100] ^= 0x04U;
    assert_int_equal(cloak__xwing_decaps(f->reject_ss, f->reject_enc, f->seed, f->pk), CLOAK_OK);
    assert_memory_not_equal(f->reject_ss, f->ss, 32);
}

static void test_xwing_kem(void **state)
{
    xwing_fixture f;
    uint8_t seed[CLOAK_XWING_SECRETKEYBYTES], rand[CLOAK_XWING_ENCAPS_RANDBYTES];
    uint8_t enc[CLOAK_XWING_ENCBYTES], ss[32], ss2[32];

    (void)state;
    rng_secret = 0;
    xwing_fixture_make(&f);
    rng_secret = 1;

    /* Decapsulation: seed and ML-KEM ciphertext secret. */
    memcpy(seed, f.seed, sizeof seed);
    memcpy(enc, f.enc, sizeof enc);
    SECRET(seed, sizeof seed);
    SECRET(enc, XW_CT_M_BYTES);
    assert_int_equal(cloak__xwing_decaps(ss, enc, seed, f.pk), CLOAK_OK);
    PUBLIC(ss, sizeof ss);
    assert_memory_equal(ss, f.ss, sizeof ss);

    /* Implicit rejection: the same path, another key. */
    memcpy(enc, f.reject_enc, sizeof enc);
    SECRET(seed, sizeof seed);
    SECRET(enc, XW_CT_M_BYTES);
    assert_int_equal(cloak__xwing_decaps(ss, enc, seed, f.pk), CLOAK_OK);
    PUBLIC(ss, sizeof ss);
    assert_memory_equal(ss, f.reject_ss, sizeof ss);

    /* A public key that is not the seed's: refused, on the declassified verdict alone. */
    SECRET(seed, sizeof seed);
    SECRET(enc, XW_CT_M_BYTES);
    assert_int_equal(cloak__xwing_decaps(ss, enc, seed, f.other_pk), CLOAK_E_INVALID_KEY);
    PUBLIC(ss, sizeof ss);
    assert_true(sodium_is_zero(ss, sizeof ss));
    PUBLIC(enc, sizeof enc);

    /* Encapsulation with given secret randomness: ss_M and ss_X secret into the combiner. */
    memcpy(rand, f.rand, sizeof rand);
    SECRET(rand, sizeof rand);
    assert_int_equal(cloak__xwing_encaps(enc, ss, f.pk, rand), CLOAK_OK);
    PUBLIC(enc, sizeof enc);
    PUBLIC(ss, sizeof ss);
    assert_memory_equal(enc, f.enc, sizeof enc);
    assert_memory_equal(ss, f.ss, sizeof ss);

    /* ... and with the random source's (marked secret by rng_buf). */
    assert_int_equal(cloak__xwing_encaps(enc, ss, f.pk, NULL), CLOAK_OK);
    PUBLIC(enc, sizeof enc);
    PUBLIC(ss, sizeof ss);
    rng_secret = 0;
    assert_int_equal(cloak__xwing_decaps(ss2, enc, f.seed, f.pk), CLOAK_OK);
    assert_memory_equal(ss, ss2, sizeof ss);
}

static void test_xwing_keys(void **state)
{
    static const uint8_t ikm_fixed[40] = {0x5a, 0x17};
    uint8_t ikm[40], seed[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t ref_pk[CLOAK_XWING_PUBLICKEYBYTES], ref_sk[CLOAK_XWING_SECRETKEYBYTES];
    uint8_t hash[CLOAK_XWING_KEYHASHBYTES];

    (void)state;
    rng_secret = 0;
    assert_int_equal(cloak_xwing_keypair_from_seed(ref_pk, ref_sk, ikm_fixed, sizeof ikm_fixed), CLOAK_OK);
    rng_secret = 1;

    memcpy(ikm, ikm_fixed, sizeof ikm);
    SECRET(ikm, sizeof ikm);
    assert_int_equal(cloak_xwing_keypair_from_seed(pk, sk, ikm, sizeof ikm), CLOAK_OK);
    PUBLIC(sk, sizeof sk);
    assert_memory_equal(pk, ref_pk, sizeof pk); /* declassified by the library: a public key */
    assert_memory_equal(sk, ref_sk, sizeof sk);

    memcpy(seed, ref_sk, sizeof seed);
    SECRET(seed, sizeof seed);
    cloak_xwing_public_key(pk, seed);
    assert_memory_equal(pk, ref_pk, sizeof pk);

    cloak_xwing_keypair(pk, sk); /* a secret seed from the random source */
    PUBLIC(sk, sizeof sk);
    rng_secret = 0;
    cloak_xwing_public_key(ref_pk, sk);
    assert_memory_equal(pk, ref_pk, sizeof pk);
    assert_int_equal(cloak_xwing_key_hash(hash, pk), CLOAK_OK);
}

static void test_xwing_hpke(void **state)
{
    static const uint8_t info[] = "ct x-wing info";
    static const uint8_t aad[] = "ct aad";
    xwing_fixture f;
    cloak_hpke_context sender, recipient;
    uint8_t seed[CLOAK_XWING_SECRETKEYBYTES], enc[CLOAK_XWING_ENCBYTES];
    uint8_t pt[VALUE_LEN], ct[VALUE_LEN + CLOAK_HPKE_TAGBYTES], out[VALUE_LEN], exp_s[32], exp_r[32];

    (void)state;
    rng_secret = 0;
    xwing_fixture_make(&f);
    rng_secret = 1;

    assert_int_equal(cloak_hpke_setup_sender_xwing(&sender, enc, f.pk, info, sizeof info - 1U), CLOAK_OK);
    PUBLIC(enc, sizeof enc);
    memcpy(seed, f.seed, sizeof seed);
    SECRET(seed, sizeof seed);
    assert_int_equal(cloak_hpke_setup_recipient_xwing(&recipient, enc, f.pk, seed, info, sizeof info - 1U),
                     CLOAK_OK);
    memcpy(pt, value1, sizeof pt);
    SECRET(pt, sizeof pt);
    assert_int_equal(cloak_hpke_seal(&sender, ct, aad, sizeof aad - 1U, pt, sizeof pt), CLOAK_OK);
    PUBLIC(ct, sizeof ct);
    assert_int_equal(cloak_hpke_open(&recipient, out, aad, sizeof aad - 1U, ct, sizeof ct), CLOAK_OK);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, value1, sizeof out);
    assert_int_equal(cloak_hpke_export(&sender, exp_s, sizeof exp_s, aad, sizeof aad - 1U), CLOAK_OK);
    assert_int_equal(cloak_hpke_export(&recipient, exp_r, sizeof exp_r, aad, sizeof aad - 1U), CLOAK_OK);
    PUBLIC(exp_s, sizeof exp_s);
    PUBLIC(exp_r, sizeof exp_r);
    assert_memory_equal(exp_s, exp_r, sizeof exp_s);
    cloak_hpke_context_wipe(&sender);
    cloak_hpke_context_wipe(&recipient);

    /* Single shot, and a tampered ML-KEM half (implicit rejection, then the AEAD refuses). */
    memcpy(pt, value1, sizeof pt);
    SECRET(pt, sizeof pt);
    assert_int_equal(cloak_hpke_seal_base_xwing(enc, ct, f.pk, info, sizeof info - 1U, aad, sizeof aad - 1U, pt,
                                                sizeof pt), CLOAK_OK);
    PUBLIC(enc, sizeof enc);
    PUBLIC(ct, sizeof ct);
    SECRET(seed, sizeof seed);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, f.pk, seed, info, sizeof info - 1U, aad, sizeof aad - 1U,
                                                ct, sizeof ct), CLOAK_OK);
    PUBLIC(out, sizeof out);
    assert_memory_equal(out, value1, sizeof out);
    enc[3] ^= 0x01U;
    SECRET(seed, sizeof seed);
    SECRET(enc, XW_CT_M_BYTES);
    assert_int_equal(cloak_hpke_open_base_xwing(out, enc, f.pk, seed, info, sizeof info - 1U, aad, sizeof aad - 1U,
                                                ct, sizeof ct), CLOAK_E_AUTH);
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
        cmocka_unit_test_setup_teardown(test_password_derive_secret_key, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_account_secret_key_text, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_keypairs_from_seed, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_keypairs_random, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_key_id, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_identity_sign, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_bundle_create, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_wrap_identity, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_wrap_encryption, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_wrap_service_account, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_rewrap, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_service_account_export_import, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_service_account_credential, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_identity_key_check, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_vault_secrets, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_secret_padding, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_xchacha_open_split, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_vault_blind_index, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_share, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_batch, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_batch_item_padding, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_head_create, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_hpke, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_mlkem768, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_text_service_account_key, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_xwing_kem, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_xwing_keys, count_start, count_check),
        cmocka_unit_test_setup_teardown(test_xwing_hpke, count_start, count_check),
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
