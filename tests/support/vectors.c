/* Loading the JSON test vectors (see vectors.h). */
#include "vectors.h"

#include <stdio.h>
#include <string.h>

#include "cloak.h"

json_t *vector_load(const char *relative)
{
    char path[4096];
    json_error_t err;
    json_t *doc;
    int n = snprintf(path, sizeof path, "%s/%s", CLOAK_VECTORS_DIR, relative);

    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "vector path too long: %s\n", relative);
        return NULL;
    }
    /* Duplicate keys would make a vector ambiguous: refuse them rather than keep one silently. */
    doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (doc == NULL) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, err.line, err.column, err.text);
    }
    return doc;
}

static const struct {
    const char *name;
    int code;
} statuses[] = {
    {"ok", CLOAK_OK},
    {"MALFORMED", CLOAK_E_MALFORMED},
    {"UNSUPPORTED_VERSION", CLOAK_E_UNSUPPORTED_VERSION},
    {"UNSUPPORTED_SUITE", CLOAK_E_UNSUPPORTED_SUITE},
    {"WRONG_TYPE", CLOAK_E_WRONG_TYPE},
    {"WRONG_KEY", CLOAK_E_WRONG_KEY},
    {"AUTH", CLOAK_E_AUTH},
    {"BAD_SIGNATURE", CLOAK_E_BAD_SIGNATURE},
    {"UNTRUSTED_SIGNER", CLOAK_E_UNTRUSTED_SIGNER},
    {"BUFFER_TOO_SMALL", CLOAK_E_BUFFER_TOO_SMALL},
    {"BAD_PARAMS", CLOAK_E_BAD_PARAMS},
    {"INVALID_KEY", CLOAK_E_INVALID_KEY},
    {"CHECKSUM", CLOAK_E_CHECKSUM},
    {"MISMATCH", CLOAK_E_MISMATCH},
    {"NOMEM", CLOAK_E_NOMEM},
    {"INTERNAL", CLOAK_E_INTERNAL},
    {"STALE", CLOAK_E_STALE},
    {"EXPIRED", CLOAK_E_EXPIRED},
    {"BAD_STATE", CLOAK_E_BAD_STATE},
    {"WEAK_PARAMS", CLOAK_E_WEAK_PARAMS},
    {"POLICY", CLOAK_E_POLICY},
};

int vector_status_code(int *code, const char *name)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (strcmp(statuses[i].name, name) == 0) {
            *code = statuses[i].code;
            return 0;
        }
    }
    *code = 0;
    return -1;
}

const char *vector_status_name(int code)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (statuses[i].code == code) {
            return statuses[i].name;
        }
    }
    return "(unknown status)";
}
