/* A service account's access credential and verifier (docs/protocol.md section 9.4), in both
 * suites: the value against the formula recomputed here from libsodium's HMAC-SHA256 and SHA-256
 * (not the library's HKDF layer), the refusals (a private key that is not the public key's, an
 * X-Wing public key that breaks section 1.6, NULL, an output over an input), cleared outputs, and
 * that keys, suites and the decryption key give independent values. The fixed bytes are in
 * tests/vectors/libcloak.json, replayed by test_vectors_libcloak. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "cloak.h"
#include "support/bytes.h"

#define C CLOAK_CREDENTIALBYTES
#define XPK CLOAK_XWING_PUBLICKEYBYTES

static const char label_credential[] = "libcloak v2 service account credential";
static const char label_verifier[] = "libcloak v2 service account verifier";
static const char label_key_id[] = "libcloak v2 public key id";

/* Section 9.4 written out: Extract, then a one-block Expand, over u16(suite) || key id (1.2). */
static void expected_credential(uint8_t out[C], uint16_t suite, const uint8_t *pk, size_t pk_len,
                                const uint8_t sk[32])
{
    crypto_hash_sha256_state h;
    crypto_auth_hmacsha256_state m;
    uint8_t digest[32], prk[32], info[2 + 16 + 1];
    const uint8_t lp = (uint8_t)(sizeof label_key_id - 1);

    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, &lp, 1);
    crypto_hash_sha256_update(&h, (const uint8_t *)label_key_id, sizeof label_key_id - 1);
    crypto_hash_sha256_update(&h, pk, pk_len);
    crypto_hash_sha256_final(&h, digest);

    crypto_auth_hmacsha256_init(&m, (const uint8_t *)label_credential, sizeof label_credential - 1);
    crypto_auth_hmacsha256_update(&m, sk, 32);
    crypto_auth_hmacsha256_final(&m, prk);

    info[0] = (uint8_t)(suite >> 8);
    info[1] = (uint8_t)suite;
    memcpy(info + 2, digest, 16);
    info[18] = 1; /* HKDF's block counter: 32 bytes are one block */
    crypto_auth_hmacsha256(out, info, sizeof info, prk);
}

static void expected_verifier(uint8_t out[32], const uint8_t credential[C])
{
    crypto_hash_sha256_state h;

    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const uint8_t *)label_verifier, sizeof label_verifier - 1);
    crypto_hash_sha256_update(&h, credential, C);
    crypto_hash_sha256_final(&h, out);
}

static void test_x25519(void **state)
{
    uint8_t pk[32], sk[32], pk2[32], sk2[32], cred[C], again[C], other[C], want[C];
    (void)state;

    cloak_encryption_keypair(pk, sk);
    memset(cred, 0xAA, sizeof cred);
    assert_int_equal(cloak_service_account_credential(cred, pk, sk), CLOAK_OK);
    expected_credential(want, 1, pk, 32, sk);
    assert_memory_equal(cred, want, C);
    /* Deterministic, and not the private key itself. */
    assert_int_equal(cloak_service_account_credential(again, pk, sk), CLOAK_OK);
    assert_memory_equal(again, cred, C);
    assert_memory_not_equal(cred, sk, C);

    /* Another account: another credential. */
    cloak_encryption_keypair(pk2, sk2);
    assert_int_equal(cloak_service_account_credential(other, pk2, sk2), CLOAK_OK);
    assert_memory_not_equal(other, cred, C);

    /* A private key that is not the public key's: refused, output cleared. */
    memset(other, 0xAA, sizeof other);
    assert_int_equal(cloak_service_account_credential(other, pk, sk2), CLOAK_E_MISMATCH);
    assert_true(all_zero(other, C));
    memset(other, 0xAA, sizeof other);
    assert_int_equal(cloak_service_account_credential(other, pk2, sk), CLOAK_E_MISMATCH);
    assert_true(all_zero(other, C));
}

static void test_xwing(void **state)
{
    static uint8_t pk[XPK], pk2[XPK], bad[XPK];
    uint8_t sk[32], sk2[32], cred[C], other[C], want[C], x_cred[C], x_pk[32], x_sk[32];
    (void)state;

    cloak_xwing_keypair(pk, sk);
    memset(cred, 0xAA, sizeof cred);
    assert_int_equal(cloak_service_account_xwing_credential(cred, pk, sk), CLOAK_OK);
    expected_credential(want, 2, pk, XPK, sk);
    assert_memory_equal(cred, want, C);
    assert_memory_not_equal(cred, sk, C);

    cloak_xwing_keypair(pk2, sk2);
    assert_int_equal(cloak_service_account_xwing_credential(other, pk2, sk2), CLOAK_OK);
    assert_memory_not_equal(other, cred, C);

    memset(other, 0xAA, sizeof other);
    assert_int_equal(cloak_service_account_xwing_credential(other, pk, sk2), CLOAK_E_MISMATCH);
    assert_true(all_zero(other, C));

    /* Section 1.6's check comes first: a coefficient of ek at or above q is malformed, an X25519
     * half of small order (u = 0) an invalid key, whatever the private key. */
    memcpy(bad, pk, XPK);
    bad[0] = 0xFF;
    bad[1] |= 0x0F;
    memset(other, 0xAA, sizeof other);
    assert_int_equal(cloak_service_account_xwing_credential(other, bad, sk), CLOAK_E_MALFORMED);
    assert_true(all_zero(other, C));
    memcpy(bad, pk, XPK);
    memset(bad + XPK - 32, 0, 32);
    memset(other, 0xAA, sizeof other);
    assert_int_equal(cloak_service_account_xwing_credential(other, bad, sk), CLOAK_E_INVALID_KEY);
    assert_true(all_zero(other, C));

    /* The same 32 private bytes used as an X25519 key: the suite and the key id are in the info,
     * so the values are independent. */
    memcpy(x_sk, sk, 32);
    crypto_scalarmult_curve25519_base(x_pk, x_sk);
    assert_int_equal(cloak_service_account_credential(x_cred, x_pk, x_sk), CLOAK_OK);
    assert_memory_not_equal(x_cred, cred, C);
    expected_credential(want, 1, x_pk, 32, x_sk);
    assert_memory_equal(x_cred, want, C);
}

static void test_verifier(void **state)
{
    uint8_t pk[32], sk[32], cred[C], ver[32], want[32], ver2[32], inplace[C];
    (void)state;

    cloak_encryption_keypair(pk, sk);
    assert_int_equal(cloak_service_account_credential(cred, pk, sk), CLOAK_OK);
    cloak_service_account_credential_verifier(ver, cred);
    expected_verifier(want, cred);
    assert_memory_equal(ver, want, 32);
    assert_memory_not_equal(ver, cred, 32);

    /* One changed bit of the credential: another verifier. */
    cred[C - 1] ^= 0x01;
    cloak_service_account_credential_verifier(ver2, cred);
    assert_memory_not_equal(ver2, ver, 32);
    cred[C - 1] ^= 0x01;

    /* In place: the verifier over its own credential. */
    memcpy(inplace, cred, C);
    cloak_service_account_credential_verifier(inplace, inplace);
    assert_memory_equal(inplace, ver, 32);

    /* A NULL credential gives zeros; a NULL verifier is ignored. */
    memset(ver2, 0xAA, sizeof ver2);
    cloak_service_account_credential_verifier(ver2, NULL);
    assert_true(all_zero(ver2, 32));
    cloak_service_account_credential_verifier(NULL, cred);
    assert_int_equal(cloak_credentialbytes(), C);
    assert_int_equal(cloak_credential_verifierbytes(), 32);
}

static void test_bad_params(void **state)
{
    static uint8_t xpk[XPK];
    uint8_t pk[32], sk[32], xsk[32], cred[C], keep[32];
    uint8_t both[64];
    (void)state;

    cloak_encryption_keypair(pk, sk);
    cloak_xwing_keypair(xpk, xsk);

    memset(cred, 0xAA, sizeof cred);
    assert_int_equal(cloak_service_account_credential(cred, NULL, sk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(cred, C));
    memset(cred, 0xAA, sizeof cred);
    assert_int_equal(cloak_service_account_credential(cred, pk, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(cred, C));
    assert_int_equal(cloak_service_account_credential(NULL, pk, sk), CLOAK_E_BAD_PARAMS);
    memset(cred, 0xAA, sizeof cred);
    assert_int_equal(cloak_service_account_xwing_credential(cred, NULL, xsk), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(cred, C));
    memset(cred, 0xAA, sizeof cred);
    assert_int_equal(cloak_service_account_xwing_credential(cred, xpk, NULL), CLOAK_E_BAD_PARAMS);
    assert_true(all_zero(cred, C));
    assert_int_equal(cloak_service_account_xwing_credential(NULL, xpk, xsk), CLOAK_E_BAD_PARAMS);

    /* An output over an input is refused and leaves the caller's key as it was. */
    memcpy(keep, sk, 32);
    assert_int_equal(cloak_service_account_credential(sk, pk, sk), CLOAK_E_BAD_PARAMS);
    assert_memory_equal(sk, keep, 32);
    memcpy(both, pk, 32);
    memcpy(both + 32, sk, 32);
    assert_int_equal(cloak_service_account_credential(both + 16, both, both + 32), CLOAK_E_BAD_PARAMS);
    assert_memory_equal(both, pk, 32);
    assert_memory_equal(both + 32, sk, 32);
    memcpy(keep, xpk, 32);
    assert_int_equal(cloak_service_account_xwing_credential(xpk, xpk, xsk), CLOAK_E_BAD_PARAMS);
    assert_memory_equal(xpk, keep, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x25519),
        cmocka_unit_test(test_xwing),
        cmocka_unit_test(test_verifier),
        cmocka_unit_test(test_bad_params),
    };
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
