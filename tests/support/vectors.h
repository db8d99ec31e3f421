/* Loading the JSON test vectors under tests/vectors with jansson (tests only; the library never
 * parses JSON). Read the returned document with jansson's own accessors. */
#ifndef CLOAK_TEST_VECTORS_H
#define CLOAK_TEST_VECTORS_H

#include <jansson.h>

/* Parses tests/vectors/<relative>; NULL, with the file, line and reason on stderr, if it cannot be
 * read or is not JSON. Release with json_decref(). */
json_t *vector_load(const char *relative);

#endif
