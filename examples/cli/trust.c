/* The trust set for opening a batch. Pinning is mandatory: the batch's signature only means
 * something if the reader decided beforehand whose signature it accepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "keyring.h"
#include "textform.h"
#include "trust.h"

int trust_identity_decode(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const char *text)
{
    uint8_t *blob = NULL;
    size_t len = 0;
    int rc = cli_text_to_blob(&blob, &len, text, strlen(text), CLOAK_TYPE_IDENTITY_PUBLIC_KEY, 0);

    memset(public_key, 0, CLOAK_IDENTITY_PUBLICKEYBYTES);
    if (rc == CLOAK_OK) {
        rc = cloak_identity_public_import(public_key, blob, len);
    }
    free(blob);
    return rc;
}

static void add_unique(uint8_t **keys, size_t *count, const uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    size_t i;

    for (i = 0; i < *count; i++) {
        if (memcmp(*keys + i * CLOAK_IDENTITY_PUBLICKEYBYTES, pk, CLOAK_IDENTITY_PUBLICKEYBYTES) == 0) {
            return;
        }
    }
    *keys = cli_realloc(*keys, cli_mul(*count + 1U, CLOAK_IDENTITY_PUBLICKEYBYTES));
    memcpy(*keys + *count * CLOAK_IDENTITY_PUBLICKEYBYTES, pk, CLOAK_IDENTITY_PUBLICKEYBYTES);
    (*count)++;
}

uint8_t *trust_collect(const struct cli_args *args, const struct keyring *kr, size_t *count)
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t *keys = NULL;
    size_t i;

    *count = 0;
    for (i = 0; i < args->trust_count; i++) {
        int rc = trust_identity_decode(pk, args->trust[i]);
        if (rc != CLOAK_OK) {
            cli_fail(CLI_EXIT_USAGE,
                     "%s #%zu is not a member identity (libcloak: %s); give the cloak-identity-... text of the member who signs the batches",
                     args->trust_adds ? "--trust-add" : "--trust", i + 1U, cli_status(rc));
        }
        add_unique(&keys, count, pk);
    }
    /* --trust replaces the keyring's identities: a keyring planted where the tool runs (a shared CI
     * runner's home) must not widen the trust the command line states. --trust-add keeps them. */
    for (i = 0; (args->trust_count == 0 || args->trust_adds) && i < kr->trusted_count; i++) {
        int rc = trust_identity_decode(pk, kr->trusted[i].text);
        if (rc != CLOAK_OK) {
            cli_fail(CLI_EXIT_KEYRING, "keyring %s: trusted identity %s does not decode (libcloak: %s); fix that line",
                     kr->path, kr->trusted[i].name, cli_status(rc));
        }
        add_unique(&keys, count, pk);
    }
    if (*count == 0) {
        cli_fail(CLI_EXIT_TRUST,
                 "no trusted identity, so no batch can be accepted: pass --trust cloak-identity-... of the member who signed it, or run cloak trust NAME IDENTITY");
    }
    return keys;
}
