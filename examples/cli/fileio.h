/* Files: reading with a size limit, private files (owner and permissions checked like ssh does),
 * missing directories, new files that must not replace anything, atomic replacement, and standard
 * output. */
#ifndef CLOAK_CLI_FILEIO_H
#define CLOAK_CLI_FILEIO_H

#include <stddef.h>

/* Reads a whole file ("-" is standard input) of at most `max` bytes into ordinary memory,
 * NUL-terminated (the NUL not counted in *len). `what` names the file in messages ("batch file").
 * Returns NULL with errno ENOENT when missing_ok and the file does not exist; any other failure
 * exits with CLI_EXIT_FILE. */
char *cli_read_file(const char *path, size_t max, size_t *len, const char *what, int missing_ok);

/* Reads a file only its owner may access ("-" is standard input, not checked), NUL-terminated, into
 * secret memory when `secret`. The file must be a regular file owned by the effective user that
 * neither group nor others can access: otherwise exits with `perm_code` and says how to fix the
 * owner or the mode (the rules ssh applies to ~/.ssh/config). Returns NULL when missing_ok and the
 * file does not exist. */
char *cli_read_private_file(const char *path, size_t max, size_t *len, const char *what, int perm_code,
                            int missing_ok, int secret);

/* Returns if the file is a regular file owned by the effective user that neither group nor others
 * can access; exits with `code` saying how to fix it otherwise. fd is an open descriptor of it. */
void cli_check_private_fd(int fd, const char *path, const char *what, int code);

/* Creates `path` with mode 0600 and writes data; refuses (CLI_EXIT_FILE) to replace anything that
 * exists, including a symbolic link. */
void cli_write_new_private_file(const char *path, const char *data, size_t len);

/* Replaces `path` atomically with data, mode 0600: a temporary file in the same directory, flushed
 * to disk, renamed over the old one. Failures exit with `code`. */
void cli_write_file_atomically(const char *path, const char *data, size_t len, int code);

/* Creates the directory holding `path` and its missing parents, mode 0700; existing ones are left
 * as they are. Failures exit with `code`. */
void cli_make_parent_dirs(const char *path, int code);

/* Writes everything to standard output (or exits with CLI_EXIT_FILE). */
void cli_write_stdout(const char *data, size_t len);

#endif /* CLOAK_CLI_FILEIO_H */
