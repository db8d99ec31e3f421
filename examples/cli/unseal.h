/* Opening a batch file with libcloak: verify the batch against the trusted signers, then open
 * every item and check that the file holds exactly the items the signed manifest lists. */
#ifndef CLOAK_CLI_UNSEAL_H
#define CLOAK_CLI_UNSEAL_H

#include <stddef.h>
#include <stdint.h>

#include "cloak.h"

struct account_key;
struct batch_file;
struct state_entry;

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

/* What the reader expects of the batch: its vault, and the lowest epoch and head version it still
 * accepts (the pins and the state file's). `seen` is the state file's entry for the vault (NULL if
 * none): a batch at its version must carry its head hash, else the history forked. */
struct batch_expect {
    const uint8_t *vault;
    size_t vault_len;
    uint32_t min_epoch;
    uint64_t min_version;
    const struct state_entry *seen;
};

/* What the verified batch says of the vault, for the state file. */
struct batch_view {
    uint32_t epoch;
    uint64_t version;
    uint8_t head_hash[CLOAK_HEAD_HASHBYTES];
    uint64_t expiry;
};

/* Verifies the batch (key, vault, trusted signer, signature), checks its freshness against
 * `expect` and the clock, then opens every item once. Exits with the class of the first failure
 * (wrong key, other vault, untrusted signer, stale, expired, damaged file, version) and a line naming
 * the file and line. `key_source` names where the key came from. */
void unseal_batch(struct secrets *out, struct batch_view *view, const struct batch_file *bf,
                  const struct account_key *key, const char *key_source, const uint8_t *trusted, size_t trusted_count,
                  const struct batch_expect *expect);
void secrets_free(struct secrets *s);

#endif /* CLOAK_CLI_UNSEAL_H */
