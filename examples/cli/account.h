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

/* Always in secret memory (cli_secret_alloc); free with cli_secret_free. */
struct account_key {
    uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES];
    uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES];
};

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

/* The public key carried in a keyring account's wrapped key (no passphrase needed). Returns a
 * libcloak status. */
int account_wrapped_public_key(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const char *wrapped_text);

/* "cloak-pubkey-..." of a public key, in ordinary memory. */
char *account_public_text(const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES]);

#endif /* CLOAK_CLI_ACCOUNT_H */
