/* Text forms ("cloak-<type>-...") to blobs and back, through libcloak. */
#ifndef CLOAK_CLI_TEXTFORM_H
#define CLOAK_CLI_TEXTFORM_H

#include <stddef.h>
#include <stdint.h>

/* Decodes a text form and checks its object type (CLOAK_TYPE_*). Returns a libcloak status; on
 * success *blob is a new buffer (secret memory when `secret`, which the caller frees with
 * cli_secret_free, else free) of *blob_len bytes. A blob of another type gives CLOAK_E_WRONG_TYPE. */
int cli_text_to_blob(uint8_t **blob, size_t *blob_len, const char *text, size_t text_len, int expected_type,
                     int secret);

/* A blob's text form, NUL-terminated, in secret memory when `secret`, else ordinary memory. Exits
 * with CLI_EXIT_INTERNAL if libcloak refuses. */
char *cli_blob_to_text(const uint8_t *blob, size_t blob_len, int secret, size_t *text_len);

/* Convenience for messages: the text form of a status ("signature does not verify"). */
const char *cli_status(int status);

#endif /* CLOAK_CLI_TEXTFORM_H */
