/* A small JSON reader for the test vectors (tests only; the library never parses JSON). */
#ifndef CLOAK_TEST_JSON_H
#define CLOAK_TEST_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;
typedef struct json_value json_value;

/* Parses a whole file; NULL (with a message on stderr) if it cannot be read or parsed. */
json_value *json_parse_file(const char *path);
void json_free(json_value *v);

json_type json_type_of(const json_value *v);
/* Member of an object, or NULL if absent or v is not an object. */
const json_value *json_get(const json_value *v, const char *key);
/* Number of elements of an array or members of an object, 0 otherwise. */
size_t json_len(const json_value *v);
/* Element i of an array, or NULL. */
const json_value *json_at(const json_value *v, size_t i);
/* String value, or NULL if v is not a string. */
const char *json_str(const json_value *v);
/* Number value (0 if v is not a number); booleans give 0 or 1. */
double json_num(const json_value *v);

/* Decodes lowercase or uppercase hex into a new buffer (never NULL, even for ""); *len gets its
 * length. Returns NULL for odd length or a non-hex character. Free with free(). */
uint8_t *hex_decode(const char *hex, size_t *len);
/* Path of a file under tests/vectors (static buffer). */
const char *vector_path(const char *relative);

#endif
