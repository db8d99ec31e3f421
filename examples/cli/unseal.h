/* Opening a batch file with libcloak: verify the batch against the trusted signers, then open
 * every item and check that the file holds exactly the items the signed manifest lists. */
#ifndef CLOAK_CLI_UNSEAL_H
#define CLOAK_CLI_UNSEAL_H

#include <stddef.h>
#include <stdint.h>

struct account_key;
struct batch_file;

struct secret {
    uint8_t *name; /* secret memory, NUL-terminated */
    size_t name_len;
    uint8_t *value; /* secret memory, NUL-terminated */
    size_t value_len;
    unsigned long lineno;
};

struct secrets {
    struct secret *list; /* in the file's order */
    size_t count;
};

/* Exits with the class of the first failure (wrong key, untrusted signer, damaged file, version)
 * and a line naming the file and line. `key_source` names where the key came from. */
void unseal_batch(struct secrets *out, const struct batch_file *bf, const struct account_key *key,
                  const char *key_source, const uint8_t *trusted, size_t trusted_count);
void secrets_free(struct secrets *s);

#endif /* CLOAK_CLI_UNSEAL_H */
