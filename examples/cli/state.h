/*
 * The per-account state file: for each vault the account has read, the newest batch it accepted
 * (epoch, head version, head hash), so that a server replaying an older batch is caught, and the
 * vault a user pinned by naming it once with --vault.
 *
 *   # comment lines
 *   vault HEX(VAULT-ID) EPOCH VERSION HEX(HEAD-HASH)
 *
 * Default place: $XDG_STATE_HOME/cloak/ACCOUNT-KEY-ID (when absolute), else
 * ~/.local/state/cloak/ACCOUNT-KEY-ID; --state FILE chooses another, --no-state none. Mode 0600,
 * read and written under a lock (FILE.lock), replaced atomically.
 */
#ifndef CLOAK_CLI_STATE_H
#define CLOAK_CLI_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "cloak.h"

struct cli_args;

struct state_entry {
    uint8_t vault[CLOAK_LABELBYTES_MAX];
    size_t vault_len;
    uint32_t epoch;
    uint64_t version;
    uint8_t head_hash[CLOAK_HEAD_HASHBYTES];
};

struct state_file {
    char *path; /* NULL with --no-state */
    int lock_fd;
    struct state_entry *entries;
    size_t count;
};

/* Finds the state file for the account, named by its public key's id (16 bytes whichever the suite:
 * an X-Wing key's id is the start of its key hash), or none with --no-state; locks it and reads it;
 * a missing file is an empty state. Exits with CLI_EXIT_STATE when it cannot be read, is damaged, or
 * others can access it. */
void state_open(struct state_file *st, const struct cli_args *args, const uint8_t account_key_id[CLOAK_KEYIDBYTES]);
/* The entry of a vault, or NULL. */
const struct state_entry *state_find(const struct state_file *st, const uint8_t *vault, size_t vault_len);
/* Records what the account has just read of a vault and replaces the file atomically (no-op
 * without a file). The caller has checked that it is not older than the entry it replaces. */
void state_record(struct state_file *st, const uint8_t *vault, size_t vault_len, uint32_t epoch, uint64_t version,
                  const uint8_t head_hash[CLOAK_HEAD_HASHBYTES]);
/* Releases the lock and the memory. */
void state_close(struct state_file *st);

#endif /* CLOAK_CLI_STATE_H */
