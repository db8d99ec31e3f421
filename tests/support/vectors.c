/* Loading the JSON test vectors (see vectors.h). */
#include "vectors.h"

#include <stdio.h>

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
