/* The trust set for opening a batch: --trust, CLOAK_TRUST or the keyring. Pinning is mandatory: the
 * batch's signature only means something if the reader decided beforehand whose signature it
 * accepts. */
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

/* Spaces, tabs and the carriage return of a CRLF line (a variable pasted from a Windows editor). */
static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* CLOAK_TRUST: identities separated by commas or newlines, blanks around each ignored, empty entries
 * (a trailing newline, a doubled comma) skipped. Set but holding no identity, it is refused rather
 * than read as unset: falling back to the keyring would widen what the pipeline meant to trust (a CI
 * system gives an empty value for a variable it could not fill). */
static void collect_env(uint8_t **keys, size_t *count, const char *env)
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    size_t entry = 0;
    const char *p = env;

    for (;;) {
        const char *end = p + strcspn(p, ",\n");
        const char *a = p;
        const char *b = end;
        while (a < b && blank(*a)) {
            a++;
        }
        while (b > a && blank(b[-1])) {
            b--;
        }
        if (b > a) {
            size_t n = (size_t)(b - a);
            char *text = cli_alloc(n + 1U);
            int rc;
            memcpy(text, a, n);
            entry++;
            rc = trust_identity_decode(pk, text);
            free(text);
            if (rc != CLOAK_OK) {
                cli_fail(CLI_EXIT_USAGE,
                         "%s: identity #%zu is not a member identity (libcloak: %s); give cloak-identity-... texts separated by commas or newlines",
                         CLI_ENV_TRUST, entry, cli_status(rc));
            }
            add_unique(keys, count, pk);
        }
        if (*end == '\0') {
            break;
        }
        p = end + 1;
    }
    if (entry == 0) {
        cli_fail(CLI_EXIT_TRUST,
                 "%s is set but holds no identity, so no batch can be accepted: set it to the cloak-identity-... of the member who signs, or unset it to use the keyring's",
                 CLI_ENV_TRUST);
    }
}

uint8_t *trust_collect(const struct cli_args *args, const struct keyring *kr, size_t *count)
{
    uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
    uint8_t *keys = NULL;
    const char *env = getenv(CLI_ENV_TRUST);
    size_t i;

    *count = 0;
    /* Each source replaces the ones below it, never adds to them: an earlier CI step can write the
     * environment (and the home directory) of a later one, so neither may widen what the command
     * line states, and a keyring planted on a shared runner may not widen CLOAK_TRUST. */
    if (args->trust_count > 0 && !args->trust_adds) {
        env = NULL;
    } else if (env != NULL && args->trust_adds) {
        /* --trust-add means "the keyring's and these"; with CLOAK_TRUST in force the keyring is not
         * read, and adding to CLOAK_TRUST's set instead would let whoever wrote the variable decide
         * what the option widens. Refused, so the reader says which set is meant. */
        cli_fail(CLI_EXIT_USAGE,
                 "--trust-add adds to the keyring's identities, but %s is set and replaces them; put the identity in %s, or use --trust",
                 CLI_ENV_TRUST, CLI_ENV_TRUST);
    }
    if (env != NULL) {
        collect_env(&keys, count, env);
        return keys;
    }
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
                 "no trusted identity, so no batch can be accepted: pass --trust cloak-identity-... of the member who signed it, set %s, or run cloak trust NAME IDENTITY",
                 CLI_ENV_TRUST);
    }
    return keys;
}
