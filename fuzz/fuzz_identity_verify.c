/*
 * User signatures: cloak_identity_verify() (signature, message and key may all come from others).
 *
 * Input: op(1) || [public key(32) if op bit 0] || signature(64) || context || message
 *   the public key is alice's fixed identity unless op bit 0 is set;
 *   the context is lp8, or lp16 when op bit 1 is set (to reach lengths over 255).
 *   Fields are zero-padded when the input runs out.
 *
 * Properties: the result is OK, BAD_SIGNATURE or BAD_PARAMS (a context over 255 bytes, only), and
 * OK exactly when libsodium's Ed25519 accepts the signature over
 * lp8("libcloak v2 user signature") || public key || lp8(context) || SHA-512(message)
 * (docs/protocol.md 1.1 and 5.3; libsodium's verifier follows section 1.3's rules).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"

#define USER_LABEL "libcloak v2 user signature"
#define LABEL_LEN (sizeof(USER_LABEL) - 1U)

static int reference_verify(const uint8_t sig[64], const uint8_t *msg, size_t msg_len, const uint8_t *ctx,
                            size_t ctx_len, const uint8_t pk[32])
{
    uint8_t m[1 + LABEL_LEN + 32 + 1 + 255 + crypto_hash_sha512_BYTES];
    size_t n = 0;

    m[n++] = (uint8_t)LABEL_LEN;
    memcpy(m + n, USER_LABEL, LABEL_LEN);
    n += LABEL_LEN;
    memcpy(m + n, pk, 32);
    n += 32;
    m[n++] = (uint8_t)ctx_len;
    if (ctx_len > 0) {
        memcpy(m + n, ctx, ctx_len);
    }
    n += ctx_len;
    crypto_hash_sha512(m + n, msg, msg_len);
    n += crypto_hash_sha512_BYTES;
    return crypto_sign_verify_detached(sig, m, n, pk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    uint8_t *pk = fz_alloc(CLOAK_IDENTITY_PUBLICKEYBYTES);
    uint8_t *sig = fz_alloc(CLOAK_SIGNATUREBYTES);
    uint8_t *ctx, *msg;
    size_t ctx_len, msg_len;
    int rc;

    fz_rng_reset();
    if ((op & 1U) != 0U) {
        fz_fixed(&in, pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
    } else {
        memcpy(pk, fz_keys_get()->alice_id_pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
    }
    fz_fixed(&in, sig, CLOAK_SIGNATUREBYTES);
    ctx = (op & 2U) != 0U ? fz_lp16(&in, &ctx_len) : fz_lp8(&in, &ctx_len);
    msg = fz_rest(&in, &msg_len);

    rc = cloak_identity_verify(sig, msg, msg_len, ctx, ctx_len, pk);
    fz_trace("cloak_identity_verify", rc);
    if (ctx_len > CLOAK_LABELBYTES_MAX) {
        FUZZ_CHECK(rc == CLOAK_E_BAD_PARAMS);
    } else if (rc == CLOAK_OK) {
        FUZZ_CHECK(reference_verify(sig, msg, msg_len, ctx, ctx_len, pk) == 0);
    } else {
        FUZZ_CHECK(rc == CLOAK_E_BAD_SIGNATURE);
        FUZZ_CHECK(reference_verify(sig, msg, msg_len, ctx, ctx_len, pk) != 0);
    }
    free(pk);
    free(sig);
    free(ctx);
    free(msg);
    return 0;
}
