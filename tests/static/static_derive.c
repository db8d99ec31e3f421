/*
 * Linked three ways by tests/static: dynamically (libcloak.so, libsodium.so) and fully statically
 * (libcloak.a and libsodium.a, in both orders). It derives keys with cloak_password_derive at p = 4
 * and m = 16 MiB, and also calls libsodium's own Argon2id (crypto_pwhash), so that libsodium's copy
 * of the Argon2 internals (argon2_ctx, fill_memory_blocks, blake2b_long...) is linked into the
 * same program as libcloak's. Both results are compared with known answers; the output lines are
 * compared across the three programs by static-link.sh.
 *
 * Known answers:
 * - master/login: the case "password-derive/password-1-byte-lanes-4" of tests/vectors/libcloak.json
 *   (password "p", account id "alice@example.com", an account secret key, salt 5a x 16, m = 16384,
 *   t = 1, p = 4, under the legacy policy of "password-policy-init/legacy"), produced from
 *   docs/protocol.md by an independent implementation; recomputed with Debian's libargon2
 *   (argon2id_hash_raw) and Python's hmac module for this test.
 * - libsodium: Argon2id of "correct horse battery staple", salt 00 01 .. 0f, m = 16384, t = 1,
 *   p = 1 (libsodium's only lane count); libargon2's argon2id_hash_raw(1, 16384, 1, ...) and the
 *   dynamic libsodium's crypto_pwhash agree on it.
 */
#include <stdio.h>
#include <string.h>

#include <cloak.h>
#include <sodium.h>

static const char password[] = "correct horse battery staple";
static const char derive_password[] = "p";
static const char account_id[] = "alice@example.com";
static const uint8_t account_secret_key[CLOAK_ACCOUNT_SECRET_KEYBYTES] = {
    0x4c, 0x7f, 0x1a, 0x0b, 0x9e, 0x23, 0xd5, 0xc6, 0x8f, 0x01,
    0x72, 0xe4, 0xa9, 0xb3, 0x5d, 0x6c, 0x01, 0xfe, 0x8a, 0x72,
};

static const uint8_t expected_master[32] = {
    0xfd, 0xb3, 0x0a, 0xf9, 0xfd, 0xc6, 0xf7, 0xdc, 0x9b, 0xfc, 0x58, 0xb8, 0x06, 0x29, 0xe1, 0x9b,
    0xea, 0xef, 0xc6, 0x88, 0xd2, 0xe5, 0x01, 0x9a, 0xf8, 0x7a, 0xe7, 0xe2, 0x4a, 0x08, 0x39, 0xd3,
};
static const uint8_t expected_login[32] = {
    0xb2, 0x99, 0xab, 0x6d, 0xf2, 0xe5, 0xa9, 0x07, 0x43, 0x08, 0x49, 0xf8, 0xc1, 0x13, 0x3e, 0x36,
    0xb2, 0xa7, 0x5e, 0x18, 0x62, 0xf2, 0x03, 0xc2, 0xa0, 0x9b, 0x08, 0x45, 0xca, 0xe1, 0xa1, 0x9d,
};
static const uint8_t expected_sodium_argon2id[32] = {
    0xbe, 0x11, 0xa0, 0x0f, 0x0f, 0x5e, 0x3a, 0xc3, 0x86, 0xa8, 0x1f, 0x78, 0x01, 0x23, 0x1d, 0xdb,
    0x44, 0x33, 0xb1, 0x5a, 0xe8, 0xe8, 0xc1, 0xd6, 0x31, 0x17, 0x83, 0x04, 0x92, 0xf8, 0xcb, 0x38,
};

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    printf("%s ", label);
    for (size_t i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    printf("\n");
}

int main(void)
{
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES], derive_salt[CLOAK_PASSWORD_SALTBYTES];
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES], policy[CLOAK_PASSWORD_POLICYBYTES];
    uint8_t master[CLOAK_KEYBYTES], login[CLOAK_KEYBYTES], sodium_out[32];
    int failures = 0;
    int rc;

    for (size_t i = 0; i < sizeof salt; i++) {
        salt[i] = (uint8_t)i;
    }
    if (cloak_init() != CLOAK_OK) {
        fprintf(stderr, "cloak_init failed\n");
        return 2;
    }
    memset(derive_salt, 0x5a, sizeof derive_salt);
    rc = cloak_password_record_encode(record, derive_salt, 16384, 1, 4);
    if (rc != CLOAK_OK) {
        fprintf(stderr, "cloak_password_record_encode: %s\n", cloak_status_string(rc));
        return 2;
    }
    /* 16 MiB and one pass are below the default policy: the legacy policy of the vectors. */
    rc = cloak_password_policy_init(policy, 16384, 16384, 65536, 196608, 3, 4);
    if (rc != CLOAK_OK) {
        fprintf(stderr, "cloak_password_policy_init: %s\n", cloak_status_string(rc));
        return 2;
    }
    rc = cloak_password_derive(master, login, (const uint8_t *)derive_password, strlen(derive_password),
                               (const uint8_t *)account_id, strlen(account_id), account_secret_key,
                               sizeof account_secret_key, record, sizeof record, policy);
    if (rc != CLOAK_OK) {
        fprintf(stderr, "cloak_password_derive: %s\n", cloak_status_string(rc));
        return 2;
    }
    if (crypto_pwhash(sodium_out, sizeof sodium_out, password, strlen(password), salt, 1, 16384U * 1024U,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        fprintf(stderr, "crypto_pwhash failed\n");
        return 2;
    }
    /* The same in all three programs; in the log, it says which Argon2 the static link carries. */
    printf("kernel %s\n", cloak_password_kernel());
    print_hex("master", master, sizeof master);
    print_hex("login", login, sizeof login);
    print_hex("sodium-argon2id", sodium_out, sizeof sodium_out);

    if (memcmp(master, expected_master, 32) != 0 || memcmp(login, expected_login, 32) != 0) {
        fprintf(stderr, "FAIL: cloak_password_derive differs from the known answer\n");
        failures++;
    }
    if (memcmp(sodium_out, expected_sodium_argon2id, 32) != 0) {
        fprintf(stderr, "FAIL: libsodium's crypto_pwhash differs from the known answer\n");
        failures++;
    }
    return failures == 0 ? 0 : 1;
}
