/* Text forms to blobs and back. Buffers are sized with libcloak's own length helpers. */
#include <stdlib.h>
#include <string.h>

#include "cloak.h"
#include "cli.h"
#include "textform.h"

const char *cli_status(int status)
{
    return cloak_status_string(status);
}

int cli_text_to_blob(uint8_t **blob, size_t *blob_len, const char *text, size_t text_len, int expected_type,
                     int secret)
{
    size_t cap = cloak_text_decoded_maxlen(text_len);
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t *buf;
    size_t len = 0;
    int type = 0;
    int rc;

    *blob = NULL;
    *blob_len = 0;
    if (cap == 0) {
        return CLOAK_E_MALFORMED;
    }
    buf = secret ? cli_secret_alloc(cap) : cli_alloc(cap);
    rc = cloak_text_decode(buf, cap, &len, text, text_len);
    if (rc == CLOAK_OK) {
        rc = cloak_blob_inspect(&type, key_id, buf, len);
    }
    if (rc == CLOAK_OK && type != expected_type) {
        rc = CLOAK_E_WRONG_TYPE;
    }
    if (rc != CLOAK_OK) {
        if (secret) {
            cli_secret_free(buf);
        } else {
            free(buf);
        }
        return rc;
    }
    *blob = buf;
    *blob_len = len;
    return CLOAK_OK;
}

char *cli_blob_to_text(const uint8_t *blob, size_t blob_len, int secret, size_t *text_len)
{
    size_t cap = cloak_text_encoded_len(blob_len);
    size_t len = 0;
    char *text;
    int rc;

    if (cap == 0) {
        cli_fail(CLI_EXIT_INTERNAL, "internal error: libcloak gives no text length for a %zu-byte blob", blob_len);
    }
    text = secret ? cli_secret_alloc(cap) : cli_alloc(cap);
    rc = cloak_text_encode(text, cap, &len, blob, blob_len);
    if (rc != CLOAK_OK) {
        cli_fail(CLI_EXIT_INTERNAL, "internal error: cannot write a text form (libcloak: %s)", cli_status(rc));
    }
    if (text_len != NULL) {
        *text_len = len;
    }
    return text;
}
