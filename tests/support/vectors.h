/* Loading the JSON test vectors under tests/vectors with jansson (tests only; the library never
 * parses JSON). Read the returned document with jansson's own accessors. */
#ifndef CLOAK_TEST_VECTORS_H
#define CLOAK_TEST_VECTORS_H

#include <jansson.h>

/* Parses tests/vectors/<relative>; NULL, with the file, line and reason on stderr, if it cannot be
 * read or is not JSON. Release with json_decref(). */
json_t *vector_load(const char *relative);

/* The vector files name statuses as cloak.h does without CLOAK_E_ ("MALFORMED"), and success "ok".
 * vector_status_code: 0 and *code, or -1 for a name cloak.h does not have. vector_status_name: the
 * name of a code, or "(unknown status)". */
int vector_status_code(int *code, const char *name);
const char *vector_status_name(int code);

#endif
