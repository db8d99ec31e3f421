/* Service-account keys: where the key comes from (key file, environment, keyring, in that order),
 * and wrapping it into the keyring under the passphrase's master key. */
#ifndef CLOAK_CLI_ACCOUNT_H
#define CLOAK_CLI_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "cloak.h"

struct cli_args;
struct keyring;
struct keyring_entry;

/* The largest key of either suite: an X-Wing public key (1216 bytes) holds an X25519 one (32); both
 * secret keys are 32 bytes (an X25519 private key, an X-Wing seed). */
#define ACCOUNT_PUBLICKEYBYTES_MAX CLOAK_XWING_PUBLICKEYBYTES
#define ACCOUNT_SECRETKEYBYTES CLOAK_XWING_SECRETKEYBYTES

/* A service-account public key of either suite. */
struct account_public {
    uint32_t suite; /* CLOAK_SUITE_X25519 or CLOAK_SUITE_XWING */
    size_t len;     /* CLOAK_ENCRYPTION_PUBLICKEYBYTES or CLOAK_XWING_PUBLICKEYBYTES */
    uint8_t key[ACCOUNT_PUBLICKEYBYTES_MAX];
};

/* Always in secret memory (cli_secret_alloc); free with cli_secret_free. */
struct account_key {
    struct account_public pub;
    uint8_t secret_key[ACCOUNT_SECRETKEYBYTES];
};

/* "X25519 (suite 1)" or "X-Wing (suite 2)", for messages. */
const char *account_suite_name(uint32_t suite);

/* A new key pair of the suite. */
struct account_key *account_key_generate(uint32_t suite);

/* The clear export of a key (cloak-accountkey-...) in secret memory, with its length. */
char *account_key_export_text(const struct account_key *key, size_t *len);

/* Decodes a "cloak-accountkey-..." text; `source` names where it came from in messages. Exits with
 * CLI_EXIT_BAD_KEY if it is not a valid service-account private key. */
struct account_key *account_key_from_text(const char *text, size_t len, const char *source);

/* The key for a batch: --key-file, else CLOAK_SERVICE_ACCOUNT_KEY, else the keyring's account named
 * by --account or selected (asks for the passphrase). `source` receives a description for
 * messages ("key file k.txt", "CLOAK_SERVICE_ACCOUNT_KEY", "keyring account ci"), owned by the
 * caller. Exits with CLI_EXIT_NO_KEY when no source has one. */
struct account_key *account_key_load(const struct cli_args *args, struct keyring *kr, char **source);

/* The master key of the keyring (secret memory, CLOAK_KEYBYTES): asks for the passphrase and runs
 * Argon2id. A keyring without a password record gets a new one (and the passphrase is asked
 * twice). When the keyring holds accounts, a wrong passphrase exits with CLI_EXIT_KEYRING. */
uint8_t *account_master_key(struct keyring *kr);

/* The key held by a keyring account, unwrapped with the master key. */
struct account_key *account_unwrap(const struct keyring *kr, const struct keyring_entry *entry,
                                   const uint8_t *master_key);

/* The wrapped text form of a key, for a new keyring account. */
char *account_wrap(const struct account_key *key, const uint8_t *master_key);

/* The public key carried in a keyring account's wrapped key, of either suite (no passphrase
 * needed). Returns a libcloak status. */
int account_wrapped_public_key(struct account_public *pub, const char *wrapped_text);

/* 1 when two public keys are the same key (same suite and bytes). */
int account_public_equal(const struct account_public *a, const struct account_public *b);

/* "cloak-pubkey-..." of a public key, in ordinary memory. */
char *account_public_text(const struct account_public *pub);

/* The key id of a public key (its blob's key id): names the account's state file. */
void account_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const struct account_public *pub);

/* The account's access credential for a server (CLOAK_CREDENTIALBYTES, docs/protocol.md section
 * 9.4), derived from its key under its own label: never the decryption key itself. */
void account_credential(uint8_t credential[CLOAK_CREDENTIALBYTES], const struct account_key *key);

/* The bearer value "cloak-sa.KEYID.CREDENTIAL" (both lowercase hex) that the account sends in
 * "Authorization: Bearer ...": NUL-terminated, in secret memory (free with cli_secret_free). */
char *account_bearer(const struct account_key *key, size_t *len);

/* `n` bytes as 2n lowercase hex digits and a NUL into `out` (room for 2n + 1). */
void account_hex(char *out, const uint8_t *in, size_t n);

#endif /* CLOAK_CLI_ACCOUNT_H */
