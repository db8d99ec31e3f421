/*
 * Secrets from the server: cloak_secret_open() and cloak_secret_reseal().
 *
 * Input: op(1) || lp8(name) || lp8(context) || sealed
 *   op bit 0: 0 open under the fixed vault, 1 reseal from it to the second fixed vault
 *   op bit 1: an output buffer one byte too small (BUFFER_TOO_SMALL)
 *   op bit 2: also run in place (open into sealed + 44, reseal over sealed)
 *
 * Properties: on failure every output is zero, in place included; an opened value has the length
 * the blob gives, and the in-place open gives the same bytes; a resealed secret has the input's
 * length, opens under the new vault to the value the old one opens to, and no longer opens under
 * the old vault (WRONG_KEY).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define CT_OFF 44U

static int open_failure_ok(int rc)
{
    return rc == CLOAK_E_MALFORMED || rc == CLOAK_E_UNSUPPORTED_VERSION || rc == CLOAK_E_UNSUPPORTED_SUITE ||
           rc == CLOAK_E_WRONG_TYPE || rc == CLOAK_E_WRONG_KEY || rc == CLOAK_E_AUTH ||
           rc == CLOAK_E_BUFFER_TOO_SMALL || rc == CLOAK_E_BAD_PARAMS;
}

/* Opens under `vault`, checks the failure contract; returns the value (caller frees) or NULL. */
static uint8_t *open_checked(const cloak_vault *vault, const uint8_t *name, size_t name_len, const uint8_t *ctx,
                             size_t ctx_len, const uint8_t *sealed, size_t sealed_len, int small, int *rc_out)
{
    size_t cap = cloak_secret_opened_len(sealed_len);
    uint8_t *value;
    size_t value_len = 999;
    int rc;

    if (small && cap > 0) {
        cap--;
    }
    value = fz_alloc(cap);
    rc = cloak_secret_open(vault, value, cap, &value_len, name, name_len, ctx, ctx_len, sealed, sealed_len);
    fz_trace("cloak_secret_open", rc);
    *rc_out = rc;
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(open_failure_ok(rc));
        FUZZ_CHECK(value_len == 0 && fz_is_zero(value, cap));
        free(value);
        return NULL;
    }
    FUZZ_CHECK(sealed_len >= CLOAK_SECRET_OVERHEADBYTES && cap == sealed_len - CLOAK_SECRET_OVERHEADBYTES);
    FUZZ_CHECK(value_len == sealed_len - CLOAK_SECRET_OVERHEADBYTES);
    return value;
}

static void secret_open(const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                        const uint8_t *sealed, size_t sealed_len, int small, int in_place)
{
    int rc, rc2;
    uint8_t *value = open_checked(fz_vault1(), name, name_len, ctx, ctx_len, sealed, sealed_len, small, &rc);

    if (in_place && sealed_len >= CT_OFF) {
        uint8_t *buf = fz_dup(sealed, sealed_len);
        size_t cap = sealed_len - CT_OFF, value_len = 999;

        if (small && cap > 0) {
            cap--;
        }
        rc2 = cloak_secret_open(fz_vault1(), buf + CT_OFF, cap, &value_len, name, name_len, ctx, ctx_len, buf,
                                sealed_len);
        fz_trace("cloak_secret_open in place", rc2);
        /* Same answer as out of place, except that an in-place buffer is never too small for a
         * well-formed blob: it holds 16 bytes more than the plaintext. */
        if (rc == CLOAK_E_BUFFER_TOO_SMALL) {
            FUZZ_CHECK(rc2 == CLOAK_OK || rc2 == CLOAK_E_AUTH);
        } else {
            FUZZ_CHECK(rc2 == rc);
        }
        if (rc2 != CLOAK_OK) {
            FUZZ_CHECK(value_len == 0 && fz_is_zero(buf + CT_OFF, cap));
        } else {
            FUZZ_CHECK(value_len == sealed_len - CLOAK_SECRET_OVERHEADBYTES);
            if (value != NULL) {
                FUZZ_CHECK(memcmp(buf + CT_OFF, value, value_len) == 0);
            }
        }
        free(buf);
    }
    free(value);
}

/* After a successful reseal: the new blob opens under vault 2 to what the old one opens to under
 * vault 1, and not under vault 1. */
static void check_resealed(const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                           const uint8_t *old_value, const uint8_t *resealed, size_t len)
{
    int rc;
    uint8_t *v2 = open_checked(fz_vault2(), name, name_len, ctx, ctx_len, resealed, len, 0, &rc);

    FUZZ_CHECK(rc == CLOAK_OK && v2 != NULL && old_value != NULL);
    FUZZ_CHECK(memcmp(v2, old_value, len - CLOAK_SECRET_OVERHEADBYTES) == 0);
    free(v2);
    v2 = open_checked(fz_vault1(), name, name_len, ctx, ctx_len, resealed, len, 0, &rc);
    FUZZ_CHECK(rc == CLOAK_E_WRONG_KEY && v2 == NULL);
}

static void secret_reseal(const uint8_t *name, size_t name_len, const uint8_t *ctx, size_t ctx_len,
                          const uint8_t *sealed, size_t sealed_len, int small, int in_place)
{
    size_t cap = sealed_len, out_len = 999;
    uint8_t *out;
    uint8_t *old_value;
    int rc, rc_open;

    if (small && cap > 0) {
        cap--;
    }
    old_value = open_checked(fz_vault1(), name, name_len, ctx, ctx_len, sealed, sealed_len, 0, &rc_open);
    out = fz_alloc(cap);
    rc = cloak_secret_reseal(fz_vault1(), fz_vault2(), out, cap, &out_len, name, name_len, ctx, ctx_len, sealed,
                             sealed_len);
    fz_trace("cloak_secret_reseal", rc);
    if (rc != CLOAK_OK) {
        FUZZ_CHECK(open_failure_ok(rc));
        FUZZ_CHECK(out_len == 0 && fz_is_zero(out, cap));
        FUZZ_CHECK(rc_open != CLOAK_OK || rc == CLOAK_E_BUFFER_TOO_SMALL);
    } else {
        FUZZ_CHECK(cap == sealed_len && rc_open == CLOAK_OK && out_len == sealed_len);
        check_resealed(name, name_len, ctx, ctx_len, old_value, out, out_len);
    }
    free(out);

    if (in_place) {
        uint8_t *buf = fz_dup(sealed, sealed_len);
        out_len = 999;
        rc = cloak_secret_reseal(fz_vault1(), fz_vault2(), buf, sealed_len, &out_len, name, name_len, ctx,
                                 ctx_len, buf, sealed_len);
        fz_trace("cloak_secret_reseal in place", rc);
        FUZZ_CHECK((rc == CLOAK_OK) == (rc_open == CLOAK_OK));
        if (rc != CLOAK_OK) {
            FUZZ_CHECK(open_failure_ok(rc));
            FUZZ_CHECK(out_len == 0 && fz_is_zero(buf, sealed_len));
        } else {
            FUZZ_CHECK(out_len == sealed_len);
            check_resealed(name, name_len, ctx, ctx_len, old_value, buf, out_len);
        }
        free(buf);
    }
    free(old_value);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    (void)fz_keys_get();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size};
    const uint8_t op = fz_u8(&in);
    size_t name_len, ctx_len, sealed_len;
    uint8_t *name, *ctx, *sealed;

    fz_rng_reset();
    name = fz_lp8(&in, &name_len);
    ctx = fz_lp8(&in, &ctx_len);
    sealed = fz_rest(&in, &sealed_len);
    if ((op & 1U) == 0U) {
        secret_open(name, name_len, ctx, ctx_len, sealed, sealed_len, (op & 2U) != 0U, (op & 4U) != 0U);
    } else {
        secret_reseal(name, name_len, ctx, ctx_len, sealed, sealed_len, (op & 2U) != 0U, (op & 4U) != 0U);
    }
    free(name);
    free(ctx);
    free(sealed);
    return 0;
}
