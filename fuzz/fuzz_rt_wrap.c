/*
 * Round trip of private-key wrapping: cloak_identity_wrap()/_unwrap(), cloak_encryption_wrap()/
 * _unwrap(), cloak_service_account_wrap()/_unwrap() and cloak_service_account_private_export()/_import().
 *
 * Input: op(1) || master key(32) || identity seed(32) || X25519 private key(32), any bytes
 *   (unclamped keys included; docs/protocol.md section 6)
 *   op: which byte of each wrapped blob to change (op % 124) for the tamper check
 *
 * Properties: each kind unwraps to the very key pair wrapped; a blob of one kind is refused by the
 * others (WRONG_TYPE) and under another master key (WRONG_KEY); a changed byte anywhere makes it
 * fail; an identity secret key whose public half is not its seed's is refused (INVALID_KEY); the
 * plain account export imports back; every failure leaves the outputs zero.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

typedef int (*unwrap_fn)(uint8_t *pk, uint8_t *sk, const uint8_t *master, const uint8_t *blob, size_t len);

static int identity_unwrap(uint8_t *pk, uint8_t *sk, const uint8_t *master, const uint8_t *blob, size_t len)
{
    return cloak_identity_unwrap(pk, sk, master, blob, len);
}

static int encryption_unwrap(uint8_t *pk, uint8_t *sk, const uint8_t *master, const uint8_t *blob, size_t len)
{
    return cloak_encryption_unwrap(pk, sk, master, blob, len);
}

static int account_unwrap(uint8_t *pk, uint8_t *sk, const uint8_t *master, const uint8_t *blob, size_t len)
{
    return cloak_service_account_unwrap(pk, sk, master, blob, len);
}

static const unwrap_fn unwrappers[3] = {identity_unwrap, encryption_unwrap, account_unwrap};
static const size_t sk_lens[3] = {CLOAK_IDENTITY_SECRETKEYBYTES, CLOAK_ENCRYPTION_SECRETKEYBYTES,
                                  CLOAK_ENCRYPTION_SECRETKEYBYTES};

/* Unwraps `blob` as kind `kind`; expects `expect`, and on success the key pair given. */
static void unwrap_expect(int kind, const uint8_t *master, const uint8_t *blob, int expect, const uint8_t *pk,
                          const uint8_t *sk)
{
    uint8_t *out_pk = fz_alloc(32);
    uint8_t *out_sk = fz_alloc(sk_lens[kind]);
    const int rc = unwrappers[kind](out_pk, out_sk, master, blob, CLOAK_WRAPPED_KEYBYTES);

    if (expect == CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_OK);
        FUZZ_CHECK(memcmp(out_pk, pk, 32) == 0 && memcmp(out_sk, sk, sk_lens[kind]) == 0);
    } else {
        FUZZ_CHECK(rc != CLOAK_OK && (expect == 1 || rc == expect));
        FUZZ_CHECK(fz_is_zero(out_pk, 32) && fz_is_zero(out_sk, sk_lens[kind]));
    }
    free(out_pk);
    free(out_sk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t master[CLOAK_KEYBYTES], other_master[CLOAK_KEYBYTES], seed[32];
    uint8_t id_pk[32], id_sk[64], x_pk[32], x_sk[32];
    uint8_t *wrapped[3];
    const uint8_t *pks[3] = {id_pk, x_pk, x_pk};
    const uint8_t *sks[3] = {id_sk, x_sk, x_sk};
    int kind, other;

    fz_rng_reset();
    fz_fixed(&in, master, sizeof master);
    fz_fixed(&in, seed, sizeof seed);
    fz_fixed(&in, x_sk, sizeof x_sk);
    memcpy(other_master, master, sizeof master);
    other_master[31] ^= 0x01U;
    FUZZ_CHECK(cloak_identity_keypair_from_seed(id_pk, id_sk, seed) == CLOAK_OK);
    FUZZ_CHECK(crypto_scalarmult_curve25519_base(x_pk, x_sk) == 0);

    for (kind = 0; kind < 3; kind++) {
        wrapped[kind] = fz_alloc(CLOAK_WRAPPED_KEYBYTES);
    }
    FUZZ_CHECK(cloak_identity_wrap(wrapped[0], master, id_sk) == CLOAK_OK);
    FUZZ_CHECK(cloak_encryption_wrap(wrapped[1], master, x_sk) == CLOAK_OK);
    FUZZ_CHECK(cloak_service_account_wrap(wrapped[2], master, x_sk) == CLOAK_OK);

    for (kind = 0; kind < 3; kind++) {
        unwrap_expect(kind, master, wrapped[kind], CLOAK_OK, pks[kind], sks[kind]);
        unwrap_expect(kind, other_master, wrapped[kind], CLOAK_E_WRONG_KEY, NULL, NULL);
        for (other = 0; other < 3; other++) {
            if (other != kind) {
                unwrap_expect(other, master, wrapped[kind], CLOAK_E_WRONG_TYPE, NULL, NULL);
            }
        }
        {
            uint8_t *bad = fz_dup(wrapped[kind], CLOAK_WRAPPED_KEYBYTES);
            bad[op % CLOAK_WRAPPED_KEYBYTES] ^= 0x01U;
            unwrap_expect(kind, master, bad, 1, NULL, NULL);
            free(bad);
        }
    }

    /* An identity secret key whose public half is not its seed's would store a poisoned key: refused,
     * with the output zeroed. */
    {
        uint8_t poisoned[64];
        uint8_t *out = fz_alloc(CLOAK_WRAPPED_KEYBYTES);
        memcpy(poisoned, id_sk, sizeof poisoned);
        poisoned[32U + op % 32U] ^= 0x40U;
        FUZZ_CHECK(cloak_identity_wrap(out, master, poisoned) == CLOAK_E_INVALID_KEY);
        FUZZ_CHECK(fz_is_zero(out, CLOAK_WRAPPED_KEYBYTES));
        free(out);
    }

    /* The plain export of the account key. */
    {
        uint8_t *blob = fz_alloc(CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES);
        uint8_t *pk = fz_alloc(32);
        uint8_t *sk = fz_alloc(32);
        FUZZ_CHECK(cloak_service_account_private_export(blob, x_pk, x_sk) == CLOAK_OK);
        FUZZ_CHECK(cloak_service_account_private_import(pk, sk, blob, CLOAK_SERVICE_ACCOUNT_PRIVATE_BLOBBYTES) == CLOAK_OK);
        FUZZ_CHECK(memcmp(pk, x_pk, 32) == 0 && memcmp(sk, x_sk, 32) == 0);
        free(blob);
        free(pk);
        free(sk);
    }

    for (kind = 0; kind < 3; kind++) {
        free(wrapped[kind]);
    }
    return 0;
}
