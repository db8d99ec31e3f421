/* Member identities trusted to sign batches: from --trust and from the keyring. */
#ifndef CLOAK_CLI_TRUST_H
#define CLOAK_CLI_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "cloak.h"

struct cli_args;
struct keyring;

/* Decodes a "cloak-identity-..." text into a public key; returns a libcloak status. */
int trust_identity_decode(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const char *text);

/* The --trust values alone when there are some (a keyring's identities do not count then), else
 * every --trust-add value and every identity of the keyring; a bad value exits with CLI_EXIT_USAGE.
 * As count * 32 bytes, duplicates removed. Exits with CLI_EXIT_TRUST when there is none: a batch is
 * never opened without a pinned signer. */
uint8_t *trust_collect(const struct cli_args *args, const struct keyring *kr, size_t *count);

#endif /* CLOAK_CLI_TRUST_H */
