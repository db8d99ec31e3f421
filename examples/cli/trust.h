/* Member identities trusted to sign batches: from --trust, from CLOAK_TRUST, and from the keyring. */
#ifndef CLOAK_CLI_TRUST_H
#define CLOAK_CLI_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "cloak.h"

struct cli_args;
struct keyring;

/* The variable a CI definition sets to the identities it trusts (comma- or newline-separated). */
#define CLI_ENV_TRUST "CLOAK_TRUST"

/* Decodes a "cloak-identity-..." text into a public key; returns a libcloak status. */
int trust_identity_decode(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const char *text);

/* The trusted identities, from the first source present, each REPLACING the ones below it:
 *   1. --trust values (CLOAK_TRUST and the keyring are not looked at);
 *   2. CLOAK_TRUST, when set (an empty one, or one holding no entry, exits with CLI_EXIT_TRUST
 *      rather than falling back to the keyring); --trust-add with it is a usage error;
 *   3. the keyring's identities, plus the --trust-add values.
 * A value that does not decode exits with CLI_EXIT_USAGE naming its position. Returned as
 * count * 32 bytes, duplicates removed. Exits with CLI_EXIT_TRUST when there is none: a batch is
 * never opened without a pinned signer. */
uint8_t *trust_collect(const struct cli_args *args, const struct keyring *kr, size_t *count);

#endif /* CLOAK_CLI_TRUST_H */
