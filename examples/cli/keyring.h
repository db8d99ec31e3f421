/*
 * The keyring file: service-account private keys wrapped under a master key derived from a
 * passphrase, the identities trusted to sign batches, and the selected account.
 *
 *   password cloak-password-...              Argon2id parameters and salt (one line)
 *   account NAME cloak-wrappedaccount-...    one per account
 *   trust NAME cloak-identity-...            one per trusted member identity
 *   selected NAME                            the account used when none is named (at most one)
 *
 * Lines starting with '#' and blank lines are ignored; anything else is refused. The file is mode
 * 0600, replaced atomically, and changed only under a lock (keyring path + ".lock").
 */
#ifndef CLOAK_CLI_KEYRING_H
#define CLOAK_CLI_KEYRING_H

#include <stddef.h>

#include "cli.h"

struct keyring_entry {
    char name[CLI_MAX_NAME + 1];
    char *text; /* the text form as stored */
};

struct keyring {
    char *path;
    int exists;
    char *password; /* text of the password record, NULL when there is none yet */
    struct keyring_entry *accounts;
    size_t account_count;
    struct keyring_entry *trusted;
    size_t trusted_count;
    char selected[CLI_MAX_NAME + 1]; /* "" when none */
    int lock_fd;
};

/* $CLOAK_KEYRING, else $XDG_CONFIG_HOME/cloak/keyring, else ~/.config/cloak/keyring; NULL when
 * there is no home directory to put it in. */
char *keyring_path(void);

enum keyring_mode {
    KEYRING_READ,   /* no lock; a missing file (or no place for one) is an empty keyring */
    KEYRING_CHANGE, /* the write lock keyring_save needs; the keyring must exist */
    KEYRING_CREATE  /* the write lock; a missing keyring is created by keyring_save */
};

/* Reads and validates the keyring (every entry must decode to its type). A missing file gives an
 * empty keyring with exists = 0. */
void keyring_load(struct keyring *kr, enum keyring_mode mode);
/* Writes the keyring atomically (the lock must be held). */
void keyring_save(const struct keyring *kr);
/* Releases the lock and the memory. */
void keyring_free(struct keyring *kr);

/* Names of accounts and identities: 1 to 64 of [A-Za-z0-9._-], not starting with '-' or '.'. */
int keyring_name_valid(const char *name);

struct keyring_entry *keyring_find(struct keyring_entry *list, size_t count, const char *name);
void keyring_add(struct keyring_entry **list, size_t *count, const char *name, const char *text);
/* Returns 0 if there was no such name. */
int keyring_remove(struct keyring_entry **list, size_t *count, const char *name);

#endif /* CLOAK_CLI_KEYRING_H */
