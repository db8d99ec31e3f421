/*
 * Password records: cloak_password_record_decode() (the record comes from the server). Argon2id
 * itself is not run here: it costs tens of milliseconds per input.
 *
 * Input: the record.
 *
 * Properties: the status is exactly the one docs/protocol.md sections 2 and 4.1 give (header,
 * length, zero key id, then the bounds); on failure every output is zero; a decoded record encodes
 * back to exactly the bytes given.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static uint32_t load32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The spec's verdict on a record. */
static int reference(const uint8_t *r, size_t len)
{
    int rc = fz_header_verdict(r, len, CLOAK_TYPE_PASSWORD_RECORD, CLOAK_PASSWORD_RECORDBYTES,
                               CLOAK_PASSWORD_RECORDBYTES);
    uint32_t m, t, p;

    if (rc != CLOAK_OK) {
        return rc;
    }
    if (!fz_is_zero(r + 4, CLOAK_KEYIDBYTES)) {
        return CLOAK_E_MALFORMED;
    }
    m = load32(r + 20);
    t = load32(r + 24);
    p = load32(r + 28);
    if (m < CLOAK_PASSWORD_MEMORY_KIB_MIN || m > CLOAK_PASSWORD_MEMORY_KIB_MAX || t < CLOAK_PASSWORD_ITERATIONS_MIN ||
        t > CLOAK_PASSWORD_ITERATIONS_MAX || p < CLOAK_PASSWORD_PARALLELISM_MIN || p > CLOAK_PASSWORD_PARALLELISM_MAX) {
        return CLOAK_E_BAD_PARAMS;
    }
    return CLOAK_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *record = fz_dup(data, size);
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    uint8_t again[CLOAK_PASSWORD_RECORDBYTES];
    uint32_t m = 1, t = 1, p = 1;
    int rc;

    fz_rng_reset();
    memset(salt, 0xA5, sizeof salt);
    rc = cloak_password_record_decode(salt, &m, &t, &p, record, size);
    fz_trace("cloak_password_record_decode", rc);
    FUZZ_CHECK(rc == reference(record, size));
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(fz_is_zero(salt, sizeof salt) && m == 0 && t == 0 && p == 0);
    } else {
        FUZZ_CHECK(size == CLOAK_PASSWORD_RECORDBYTES);
        FUZZ_CHECK(m >= CLOAK_PASSWORD_MEMORY_KIB_MIN && m <= CLOAK_PASSWORD_MEMORY_KIB_MAX);
        FUZZ_CHECK(t >= CLOAK_PASSWORD_ITERATIONS_MIN && t <= CLOAK_PASSWORD_ITERATIONS_MAX);
        FUZZ_CHECK(p >= CLOAK_PASSWORD_PARALLELISM_MIN && p <= CLOAK_PASSWORD_PARALLELISM_MAX);
        FUZZ_CHECK(cloak_password_record_encode(again, salt, m, t, p) == CLOAK_OK);
        FUZZ_CHECK(memcmp(again, record, sizeof again) == 0);
    }
    free(record);
    return 0;
}
