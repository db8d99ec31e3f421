/* cloak run --mount PATH: the secrets as a private file for a command that reads a file, removed
 * when the command ends. */
#ifndef CLOAK_CLI_MOUNT_H
#define CLOAK_CLI_MOUNT_H

#include <stddef.h>

/* Refuses (CLI_EXIT_FILE) a path that already exists, before the batch is opened; mount_create
 * checks again, atomically. */
void mount_precheck(const char *path);

/* Creates PATH (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600) holding data and arranges for mount_remove
 * at exit. Exits with CLI_EXIT_FILE when it cannot (the file removed again). */
void mount_create(const char *path, const char *data, size_t len);

/* The path as an absolute one (for CLOAK_MOUNT, so a command that changes directory still finds
 * it), in ordinary memory. */
char *mount_absolute(const char *path);

/* Overwrites the file with zeros, flushes, and removes it, if it is still the file cloak made.
 * Does nothing when no file was made or it is gone already; safe to call twice. */
void mount_remove(void);

#endif /* CLOAK_CLI_MOUNT_H */
