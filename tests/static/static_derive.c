/*
 * Linked three ways by tests/static: dynamically (libcloak.so, libsodium.so) and fully statically
 * (libcloak.a and libsodium.a, in both orders). It derives keys with cloak_password_derive at p = 4
 * and m = 16 MiB, and also calls libsodium's own Argon2id (crypto_pwhash), so that libsodium's copy
 * of the Argon2 internals (argon2_ctx, fill_memory_blocks, blake2b_long...) is linked into the
 * same program as libcloak's. Both results are compared with known answers; the output lines are
 * compared across the three programs by static-link.sh.
 *
 * Known answers, password "correct horse battery staple", salt 00 01 .. 0f:
 * - master/login: m = 16384, t = 1, p = 4; the constant of tests/test_password.c
 *   (test_derive_known_answer), computed there independently with argon2id_hash_raw and HKDF on
 *   HMAC-SHA256, its HKDF part checked again with Python's hmac module.
 * - libsodium: Argon2id, m = 16384, t = 1, p = 1 (libsodium's only lane count); libargon2's
 *   argon2id_hash_raw(1, 16384, 1, ...) and the dynamic libsodium's crypto_pwhash agree on it.
 */
#include <stdio.h>
#include <string.h>

#include <cloak.h>
#include <sodium.h>

static const char password[] = "correct horse battery staple";

static const uint8_t expected_master[32] = {
    0x81, 0x65, 0xe1, 0xa8, 0x18, 0xf2, 0xde, 0xdb, 0x22, 0x6a, 0x00, 0x5e, 0xe1, 0x08, 0xc3, 0x77,
    0xbc, 0xa3, 0x33, 0x5e, 0xdb, 0x0b, 0xc8, 0xe5, 0x84, 0x76, 0x3a, 0x71, 0xee, 0x68, 0x08, 0x65,
};
static const uint8_t expected_login[32] = {
    0x4d, 0x35, 0x39, 0x25, 0xa6, 0x7a, 0x04, 0x24, 0x2b, 0x7b, 0xa4, 0x30, 0xf8, 0xbb, 0x1c, 0xe6,
    0x88, 0xb3, 0x58, 0xb1, 0x20, 0x0f, 0x7d, 0x76, 0x35, 0xf9, 0x61, 0x29, 0x98, 0xec, 0xe5, 0xb2,
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
    uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
    uint8_t record[CLOAK_PASSWORD_RECORDBYTES];
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
    rc = cloak_password_record_encode(record, salt, 16384, 1, 4);
    if (rc != CLOAK_OK) {
        fprintf(stderr, "cloak_password_record_encode: %s\n", cloak_status_string(rc));
        return 2;
    }
    rc = cloak_password_derive(master, login, (const uint8_t *)password, strlen(password), record, sizeof record);
    if (rc != CLOAK_OK) {
        fprintf(stderr, "cloak_password_derive: %s\n", cloak_status_string(rc));
        return 2;
    }
    if (crypto_pwhash(sodium_out, sizeof sodium_out, password, strlen(password), salt, 1, 16384U * 1024U,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
        fprintf(stderr, "crypto_pwhash failed\n");
        return 2;
    }
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
