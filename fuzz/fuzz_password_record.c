/*
 * Password records: cloak_password_record_decode() (the record comes from the server). Argon2id
 * itself is not run here: it costs tens of milliseconds per input.
 *
 * Input: the record.
 *
 * Properties: on failure every output is zero; a decoded record is within the bounds of
 * docs/protocol.md section 4.1 and encodes back to exactly the bytes given.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
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
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION ||
                   rc == CLOAK_E_UNSUPPORTED_SUITE || rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_BAD_PARAMS);
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
