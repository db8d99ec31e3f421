/*
 * Password records and password-derived keys (docs/protocol.md section 4).
 *
 * The record comes from the server, which may be hostile: its parameters are checked against the
 * hard bounds before Argon2id is asked for any memory, so a record can neither weaken the login key
 * (lower bounds) nor make the client allocate or compute without limit (upper bounds).
 */
#include <sodium.h>
#include <string.h>

#include "internal.h"

#define RECORD_M_OFFSET 20U
#define RECORD_T_OFFSET 24U
#define RECORD_P_OFFSET 28U
#define RECORD_SALT_OFFSET 32U

static int params_in_bounds(uint32_t memory_kib, uint32_t iterations, uint32_t parallelism)
{
    return memory_kib >= CLOAK_PASSWORD_MEMORY_KIB_MIN && memory_kib <= CLOAK_PASSWORD_MEMORY_KIB_MAX &&
           iterations >= CLOAK_PASSWORD_ITERATIONS_MIN && iterations <= CLOAK_PASSWORD_ITERATIONS_MAX &&
           parallelism >= CLOAK_PASSWORD_PARALLELISM_MIN && parallelism <= CLOAK_PASSWORD_PARALLELISM_MAX;
}

int cloak_password_record_encode(uint8_t record[CLOAK_PASSWORD_RECORDBYTES],
                                 const uint8_t salt[CLOAK_PASSWORD_SALTBYTES], uint32_t memory_kib,
                                 uint32_t iterations, uint32_t parallelism)
{
    /* A record is never written with parameters a reader would refuse. */
    if (record == NULL || salt == NULL || !params_in_bounds(memory_kib, iterations, parallelism)) {
        cloak__wipe(record, CLOAK_PASSWORD_RECORDBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    /* memmove: salt may point into record. */
    memmove(record + RECORD_SALT_OFFSET, salt, CLOAK_PASSWORD_SALTBYTES);
    cloak__header_write(record, CLOAK_TYPE_PASSWORD_RECORD, NULL);
    cloak__store32_be(record + RECORD_M_OFFSET, memory_kib);
    cloak__store32_be(record + RECORD_T_OFFSET, iterations);
    cloak__store32_be(record + RECORD_P_OFFSET, parallelism);
    return CLOAK_OK;
}

int cloak_password_record_new(uint8_t record[CLOAK_PASSWORD_RECORDBYTES], uint32_t memory_kib,
                              uint32_t iterations, uint32_t parallelism)
{
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    int rc;

    if (record == NULL || !params_in_bounds(memory_kib, iterations, parallelism)) {
        cloak__wipe(record, CLOAK_PASSWORD_RECORDBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    randombytes_buf(salt, sizeof salt);
    rc = cloak_password_record_encode(record, salt, memory_kib, iterations, parallelism);
    cloak__wipe(salt, sizeof salt);
    return rc;
}

/* Section 2's order: header, exact length, reserved zero key id, then the parameter bounds. */
static int record_parse(uint8_t salt[CLOAK_PASSWORD_SALTBYTES], uint32_t *memory_kib, uint32_t *iterations,
                        uint32_t *parallelism, const uint8_t *record, size_t record_len)
{
    uint32_t m;
    uint32_t t;
    uint32_t p;
    size_t i;
    int rc;

    rc = cloak__header_check_fixed(record, record_len, CLOAK_TYPE_PASSWORD_RECORD, CLOAK_PASSWORD_RECORDBYTES);
    if (rc != CLOAK_OK) {
        return rc;
    }
    for (i = CLOAK_HEADER_KEYID_OFFSET; i < CLOAK_HEADER_KEYID_OFFSET + CLOAK_KEYIDBYTES; i++) {
        if (record[i] != 0) {
            return CLOAK_E_MALFORMED;
        }
    }
    m = cloak__load32_be(record + RECORD_M_OFFSET);
    t = cloak__load32_be(record + RECORD_T_OFFSET);
    p = cloak__load32_be(record + RECORD_P_OFFSET);
    if (!params_in_bounds(m, t, p)) {
        return CLOAK_E_BAD_PARAMS;
    }
    memcpy(salt, record + RECORD_SALT_OFFSET, CLOAK_PASSWORD_SALTBYTES);
    *memory_kib = m;
    *iterations = t;
    *parallelism = p;
    return CLOAK_OK;
}

int cloak_password_record_decode(uint8_t salt[CLOAK_PASSWORD_SALTBYTES], uint32_t *memory_kib,
                                 uint32_t *iterations, uint32_t *parallelism, const uint8_t *record,
                                 size_t record_len)
{
    uint8_t salt_tmp[CLOAK_PASSWORD_SALTBYTES];
    uint32_t m = 0;
    uint32_t t = 0;
    uint32_t p = 0;
    int rc;

    if (salt == NULL || memory_kib == NULL || iterations == NULL || parallelism == NULL) {
        rc = CLOAK_E_BAD_PARAMS;
        goto done;
    }
    /* Parsed into locals first: the outputs may alias the record. */
    rc = record_parse(salt_tmp, &m, &t, &p, record, record_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    memcpy(salt, salt_tmp, CLOAK_PASSWORD_SALTBYTES);
    *memory_kib = m;
    *iterations = t;
    *parallelism = p;

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(salt, CLOAK_PASSWORD_SALTBYTES);
        cloak__wipe(memory_kib, sizeof *memory_kib);
        cloak__wipe(iterations, sizeof *iterations);
        cloak__wipe(parallelism, sizeof *parallelism);
    }
    return rc;
}

/* Everything that can be refused is refused here, before Argon2id takes any memory. */
static int derive_check(const uint8_t *master_key, const uint8_t *login_key, const uint8_t *password,
                        size_t password_len, const uint8_t *account_id, size_t account_id_len,
                        const uint8_t *secret_key, size_t secret_key_len)
{
    if (master_key == NULL || login_key == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Overlapping outputs would leave the login key where the caller expects the master key:
     * the key that must never leave the client would be the one sent to the server. */
    if (cloak__overlaps(master_key, CLOAK_KEYBYTES, login_key, CLOAK_KEYBYTES)) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (password == NULL || password_len < 1 || password_len > CLOAK_PASSWORDBYTES_MAX) {
        return CLOAK_E_BAD_PARAMS;
    }
    if (account_id == NULL || account_id_len < 1 || account_id_len > CLOAK_ACCOUNT_IDBYTES_MAX) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* No key, or a whole one: a truncated key would silently lose its strength. */
    if (secret_key_len != 0 && (secret_key == NULL || secret_key_len != CLOAK_ACCOUNT_SECRET_KEYBYTES)) {
        return CLOAK_E_BAD_PARAMS;
    }
    return CLOAK_OK;
}

/* salt' = HMAC-SHA256(record salt, label || account id), first 16 bytes: the server's random salt
 * can no longer be shared across accounts to test one guess against all of them, and 16 bytes is
 * the salt every Argon2id implementation takes (libsodium's is fixed to it). */
static void account_salt(uint8_t out[CLOAK_PASSWORD_SALTBYTES], const uint8_t salt[CLOAK_PASSWORD_SALTBYTES],
                         const uint8_t *account_id, size_t account_id_len)
{
    uint8_t msg[CLOAK_LABEL_LEN(CLOAK_LABEL_ACCOUNT_SALT) + CLOAK_ACCOUNT_IDBYTES_MAX];
    uint8_t mac[CLOAK_HASHBYTES];
    size_t label_len = CLOAK_LABEL_LEN(CLOAK_LABEL_ACCOUNT_SALT);

    memcpy(msg, CLOAK_LABEL_ACCOUNT_SALT, label_len);
    memcpy(msg + label_len, account_id, account_id_len);
    cloak__hmac_sha256(mac, salt, CLOAK_PASSWORD_SALTBYTES, msg, label_len + account_id_len);
    memcpy(out, mac, CLOAK_PASSWORD_SALTBYTES);
    cloak__wipe(mac, sizeof mac);
}

/* HKDF-SHA256(ikm = secret key, salt = label, info = account id), 32 bytes: the key's share of the
 * input keying material, bound to the account. */
static int secret_key_share(uint8_t out[CLOAK_HASHBYTES], const uint8_t *secret_key, const uint8_t *account_id,
                            size_t account_id_len)
{
    uint8_t prk[CLOAK_HASHBYTES];
    int rc;

    cloak__hkdf_extract(prk, (const uint8_t *)CLOAK_LABEL_ACCOUNT_SECRET_KEY,
                        CLOAK_LABEL_LEN(CLOAK_LABEL_ACCOUNT_SECRET_KEY), secret_key, CLOAK_ACCOUNT_SECRET_KEYBYTES);
    rc = cloak__hkdf_expand(out, CLOAK_HASHBYTES, prk, sizeof prk, account_id, account_id_len);
    cloak__wipe(prk, sizeof prk);
    return rc;
}

int cloak_password_record_check(const uint8_t *record, size_t record_len,
                                const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES])
{
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    uint32_t m = 0;
    uint32_t t = 0;
    uint32_t p = 0;
    int rc;

    rc = record_parse(salt, &m, &t, &p, record, record_len);
    if (rc == CLOAK_OK) {
        rc = cloak__password_policy_admits(policy, m, t, p);
    }
    cloak__wipe(salt, sizeof salt);
    return rc;
}

int cloak_password_derive(uint8_t master_key[CLOAK_KEYBYTES], uint8_t login_key[CLOAK_KEYBYTES],
                          const uint8_t *password, size_t password_len, const uint8_t *account_id,
                          size_t account_id_len, const uint8_t *secret_key, size_t secret_key_len,
                          const uint8_t *record, size_t record_len, const uint8_t policy[CLOAK_PASSWORD_POLICYBYTES])
{
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    uint8_t bound_salt[CLOAK_PASSWORD_SALTBYTES];
    uint8_t ikm[2 * CLOAK_HASHBYTES];    /* Argon2id's output, then the secret key's share */
    uint8_t prk[CLOAK_HASHBYTES];
    size_t ikm_len = CLOAK_HASHBYTES;
    const char *extract_label = CLOAK_LABEL_PASSWORD_SALT;
    size_t extract_label_len = CLOAK_LABEL_LEN(CLOAK_LABEL_PASSWORD_SALT);
    uint32_t m = 0;
    uint32_t t = 0;
    uint32_t p = 0;
    int rc;

    rc = derive_check(master_key, login_key, password, password_len, account_id, account_id_len, secret_key,
                      secret_key_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = record_parse(salt, &m, &t, &p, record, record_len);
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__password_policy_admits(policy, m, t, p);
    if (rc != CLOAK_OK) {
        goto done;
    }
    account_salt(bound_salt, salt, account_id, account_id_len);
    rc = cloak__argon2id(ikm, CLOAK_HASHBYTES, password, password_len, bound_salt, sizeof bound_salt, NULL, 0,
                         NULL, 0, m, t, p);
    if (rc != CLOAK_OK) {
        goto done;
    }
    if (secret_key_len != 0) {
        rc = secret_key_share(ikm + CLOAK_HASHBYTES, secret_key, account_id, account_id_len);
        if (rc != CLOAK_OK) {
            goto done;
        }
        ikm_len = sizeof ikm;
        extract_label = CLOAK_LABEL_PASSWORD_WITH_SECRET_KEY;
        extract_label_len = CLOAK_LABEL_LEN(CLOAK_LABEL_PASSWORD_WITH_SECRET_KEY);
    }
    cloak__hkdf_extract(prk, (const uint8_t *)extract_label, extract_label_len, ikm, ikm_len);
    rc = cloak__hkdf_expand(master_key, CLOAK_KEYBYTES, prk, sizeof prk, (const uint8_t *)CLOAK_LABEL_MASTER_KEY,
                            CLOAK_LABEL_LEN(CLOAK_LABEL_MASTER_KEY));
    if (rc != CLOAK_OK) {
        goto done;
    }
    rc = cloak__hkdf_expand(login_key, CLOAK_KEYBYTES, prk, sizeof prk, (const uint8_t *)CLOAK_LABEL_LOGIN_KEY,
                            CLOAK_LABEL_LEN(CLOAK_LABEL_LOGIN_KEY));

done:
    cloak__wipe(ikm, sizeof ikm);
    cloak__wipe(prk, sizeof prk);
    cloak__wipe(salt, sizeof salt);
    cloak__wipe(bound_salt, sizeof bound_salt);
    if (rc != CLOAK_OK) {
        cloak__wipe(master_key, CLOAK_KEYBYTES);
        cloak__wipe(login_key, CLOAK_KEYBYTES);
    }
    return rc;
}
