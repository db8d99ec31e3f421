/*
 * The batch file, the transport between the member who makes a batch and the service account:
 *
 *   # comments and blank lines anywhere
 *   vault ID             optional, before the batch line: the vault the batch says it is of (a
 *                        label for choosing the expected vault; the batch itself proves it)
 *   cloak-batch-...      the first other line: the batch (manifest, signature, encapsulation)
 *   cloak-item-...       each following line: one secret
 *
 * Anything else is refused, naming the line but never showing it.
 */
#ifndef CLOAK_CLI_BATCHFILE_H
#define CLOAK_CLI_BATCHFILE_H

#include <stddef.h>

struct batch_line {
    const char *text; /* points into the file's buffer, NUL-terminated, trimmed */
    size_t len;
    unsigned long lineno;
};

struct batch_file {
    const char *name; /* the path, or "(standard input)" */
    char *data;
    const char *vault; /* the vault line's ID (NUL-terminated, trimmed), NULL when there is none */
    struct batch_line batch;
    struct batch_line *items;
    size_t item_count;
};

/* Reads `path` ("-" for standard input) and splits it into lines. Exits with CLI_EXIT_FILE when it
 * cannot be read and CLI_EXIT_BATCH when it is not laid out as above. */
void batch_file_read(struct batch_file *bf, const char *path);

/* Splits `len` bytes already read (`data`, NUL-terminated at data[len], allocated with malloc; the
 * batch file takes it over) by the same rules, so a batch fetched from a URL is laid out exactly as
 * a file must be. `name` names the source in messages and must outlive the batch file. */
void batch_file_parse(struct batch_file *bf, const char *name, char *data, size_t len);
void batch_file_free(struct batch_file *bf);

#endif /* CLOAK_CLI_BATCHFILE_H */
