/* cloak run's supervised mode (--mask, --mount): cloak forks, the child executes the command, and
 * cloak stays to filter its output, forward signals, clean up, and pass its status on. */
#ifndef CLOAK_CLI_SUPERVISE_H
#define CLOAK_CLI_SUPERVISE_H

#include <sys/types.h>

struct mask;

/* How long a stream may hold back bytes that could begin a secret without more output arriving
 * (and how long cloak keeps reading after the command ended, for output of processes it left
 * behind), in milliseconds. */
#define SUPERVISE_IDLE_MS 200

struct supervised {
    pid_t pid;
    int out_fd;  /* read end of the child's stdout pipe (with --mask), else -1 */
    int err_fd;  /* read end of its stderr pipe, else -1 (also when both go to one pipe) */
    int report_fd; /* read end of the pipe through which the child reports a failed exec */
    const char *name; /* the command, for messages */
};

/* Forks and executes argv in the child with env, looking argv[0] up in cloak's own PATH. With
 * `pipes`, the child's stdout and stderr are pipes to cloak (one pipe when cloak's stdout and stderr
 * are the same file, so their order is kept). Returns in the parent right after the fork, so that
 * the caller can wipe what only the child needed. */
void supervise_start(struct supervised *sv, char *const argv[], char **env, int pipes);

/* First learns whether the command started: if not, exits with 127 (not found) or 126 (cannot
 * run), the child having reported why through a close-on-exec pipe. Then copies the output through
 * the mask (m may be NULL: as is), forwards signals, waits for the command, frees the mask, calls
 * cleanup, and ends as the command did: its exit status, or the same signal raised on cloak. */
_Noreturn void supervise_finish(struct supervised *sv, struct mask *m, void (*cleanup)(void));

#endif /* CLOAK_CLI_SUPERVISE_H */
