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
    CHECK_SIZE(CLOAK_KEYBYTES, cloak_keybytes);
    CHECK_SIZE(CLOAK_KEYIDBYTES, cloak_keyidbytes);
    CHECK_SIZE(CLOAK_MAX_LABELBYTES, cloak_max_labelbytes);
    CHECK_SIZE(CLOAK_HEADERBYTES, cloak_headerbytes);
    CHECK_SIZE(CLOAK_IDENTITY_PUBLICKEYBYTES, cloak_identity_publickeybytes);
    CHECK_SIZE(CLOAK_IDENTITY_SECRETKEYBYTES, cloak_identity_secretkeybytes);
    CHECK_SIZE(CLOAK_IDENTITY_SEEDBYTES, cloak_identity_seedbytes);
    CHECK_SIZE(CLOAK_SIGNATUREBYTES, cloak_signaturebytes);
    CHECK_SIZE(CLOAK_ENCRYPTION_PUBLICKEYBYTES, cloak_encryption_publickeybytes);
    CHECK_SIZE(CLOAK_ENCRYPTION_SECRETKEYBYTES, cloak_encryption_secretkeybytes);
    CHECK_SIZE(CLOAK_ENCRYPTION_SEEDBYTES, cloak_encryption_seedbytes);
    CHECK_SIZE(CLOAK_PUBLIC_KEY_BLOBBYTES, cloak_public_key_blobbytes);
    CHECK_SIZE(CLOAK_BUNDLEBYTES, cloak_bundlebytes);
    CHECK_SIZE(CLOAK_WRAPPED_KEYBYTES, cloak_wrapped_keybytes);
    CHECK_SIZE(CLOAK_SERVICE_ACCOUNT_KEYBYTES, cloak_service_account_keybytes);
    CHECK_SIZE(CLOAK_SHAREBYTES, cloak_sharebytes);
    CHECK_SIZE(CLOAK_SECRET_OVERHEADBYTES, cloak_secret_overheadbytes);
    CHECK_SIZE(CLOAK_BATCH_ITEM_OVERHEADBYTES, cloak_batch_item_overheadbytes);
    CHECK_SIZE(CLOAK_BATCH_DIGESTBYTES, cloak_batch_digestbytes);
    CHECK_SIZE(CLOAK_BLIND_INDEXBYTES, cloak_blind_indexbytes);
    CHECK_SIZE(CLOAK_PASSWORD_SALTBYTES, cloak_password_saltbytes);
    CHECK_SIZE(CLOAK_PASSWORD_RECORDBYTES, cloak_password_recordbytes);
    CHECK_SIZE(CLOAK_FINGERPRINT_TEXTBYTES, cloak_fingerprint_textbytes);
    CHECK_SIZE(CLOAK_PAIR_CODE_TEXTBYTES, cloak_pair_code_textbytes);
    CHECK_SIZE(CLOAK_VAULT_STATEBYTES, cloak_vault_statebytes);
    CHECK_SIZE(CLOAK_BATCH_STATEBYTES, cloak_batch_statebytes);
    CHECK_SIZE(CLOAK_HPKE_CONTEXTBYTES, cloak_hpke_contextbytes);
    CHECK_SIZE(CLOAK_PASSWORD_MAXBYTES, cloak_password_maxbytes);
    CHECK_SIZE(CLOAK_MAX_BATCH_ITEMS, cloak_max_batch_items);
    CHECK_SIZE(CLOAK_PASSWORD_MEMORY_KIB_DEFAULT, cloak_password_memory_kib_default);
    CHECK_SIZE(CLOAK_PASSWORD_MEMORY_KIB_MIN, cloak_password_memory_kib_min);
    CHECK_SIZE(CLOAK_PASSWORD_MEMORY_KIB_MAX, cloak_password_memory_kib_max);
    CHECK_SIZE(CLOAK_PASSWORD_ITERATIONS_DEFAULT, cloak_password_iterations_default);
    CHECK_SIZE(CLOAK_PASSWORD_ITERATIONS_MIN, cloak_password_iterations_min);
    CHECK_SIZE(CLOAK_PASSWORD_ITERATIONS_MAX, cloak_password_iterations_max);
    CHECK_SIZE(CLOAK_PASSWORD_PARALLELISM_DEFAULT, cloak_password_parallelism_default);
    CHECK_SIZE(CLOAK_PASSWORD_PARALLELISM_MIN, cloak_password_parallelism_min);
    CHECK_SIZE(CLOAK_PASSWORD_PARALLELISM_MAX, cloak_password_parallelism_max);
    CHECK_SIZE(CLOAK_HPKE_ENCBYTES, cloak_hpke_encbytes);
    CHECK_SIZE(CLOAK_HPKE_TAGBYTES, cloak_hpke_tagbytes);
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
