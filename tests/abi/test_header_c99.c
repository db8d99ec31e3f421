/* The public header as a C99 program sees it: compiled with -std=c99 -pedantic -Werror, linked
 * against the shared library only. Checks that every size macro agrees with its twin function, that
 * the version macros agree with the running library, and that every status code has its own
 * sentence. */
#include <stdio.h>
#include <string.h>

#include "cloak.h"

static int failures;

#define CHECK_SIZE(macro, fn)                                                                      \
    do {                                                                                           \
        if ((size_t)(macro) != fn()) {                                                             \
            fprintf(stderr, "not ok: %s is %lu but %s() is %lu\n", #macro,                        \
                    (unsigned long)(macro), #fn, (unsigned long)fn());                            \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void check_sizes(void)
{
#include "size_twins.inc"
}

static void check_version(void)
{
    char expected[32];
    sprintf(expected, "%d.%d.%d", CLOAK_VERSION_MAJOR, CLOAK_VERSION_MINOR, CLOAK_VERSION_PATCH);
    if (cloak_version_major() != CLOAK_VERSION_MAJOR || cloak_version_minor() != CLOAK_VERSION_MINOR ||
        cloak_version_patch() != CLOAK_VERSION_PATCH || strcmp(cloak_version_string(), expected) != 0 ||
        strcmp(CLOAK_VERSION_STRING, expected) != 0) {
        fprintf(stderr, "not ok: version macros and functions disagree (%s)\n", cloak_version_string());
        failures++;
    }
}

static void check_status_strings(void)
{
    const char *seen[16];
    const char *unknown = cloak_status_string(1);
    int code;
    for (code = 0; code >= CLOAK_E_INTERNAL; code--) {
        const char *s = cloak_status_string(code);
        int i;
        seen[-code] = "";
        if (s == NULL || s[0] == '\0' || strcmp(s, unknown) == 0) {
            fprintf(stderr, "not ok: status %d has no sentence of its own\n", code);
            failures++;
            continue;
        }
        for (i = 0; i < -code; i++) {
            if (strcmp(seen[i], s) == 0) {
                fprintf(stderr, "not ok: status %d and %d share a sentence\n", code, -i);
                failures++;
            }
        }
        seen[-code] = s;
    }
    if (cloak_status_string(-1000) == NULL || unknown == NULL) {
        fprintf(stderr, "not ok: unknown codes must still give a sentence\n");
        failures++;
    }
}

int main(void)
{
    if (cloak_init() != CLOAK_OK) {
        fprintf(stderr, "not ok: cloak_init failed\n");
        return 1;
    }
    check_sizes();
    check_version();
    check_status_strings();
    if (failures != 0) {
        printf("0 passed, %d failed\n", failures);
        return 1;
    }
    printf("1 passed, 0 failed\n");
    return 0;
}
