/* Fingerprints and pair codes of identity keys (docs/protocol.md section 10.2), for people to
 * compare out of band. */
#include <string.h>

#include <sodium.h>

#include "internal.h"

#define GROUPS 6U
#define GROUP_DIGITS 5U
#define FINGERPRINT_CHARS (GROUPS * (GROUP_DIGITS + 1U) - 1U)

void cloak_identity_fingerprint(char text[CLOAK_FINGERPRINT_TEXTBYTES],
                                const uint8_t identity_public_key[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    crypto_hash_sha512_state st;
    uint8_t d[crypto_hash_sha512_BYTES];
    const uint8_t label_len = (uint8_t)CLOAK_LABEL_LEN(CLOAK_LABEL_FINGERPRINT);
    size_t j, k, pos = 0;

    if (text == NULL || identity_public_key == NULL) {
        cloak__wipe(text, CLOAK_FINGERPRINT_TEXTBYTES);
        return;
    }
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, &label_len, 1);
    crypto_hash_sha512_update(&st, (const uint8_t *)CLOAK_LABEL_FINGERPRINT, label_len);
    crypto_hash_sha512_update(&st, identity_public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
    crypto_hash_sha512_final(&st, d);

    for (j = 0; j < GROUPS; j++) {
        uint64_t v = 0;
        for (k = 0; k < 5U; k++) {
            v = (v << 8) | d[5U * j + k];
        }
        v %= 100000U;
        if (j > 0) {
            text[pos++] = ' ';
        }
        for (k = GROUP_DIGITS; k > 0; k--) {
            text[pos + k - 1U] = (char)('0' + (int)(v % 10U));
            v /= 10U;
        }
        pos += GROUP_DIGITS;
    }
    text[pos] = '\0';
}

void cloak_identity_pair_code(char text[CLOAK_PAIR_CODE_TEXTBYTES],
                              const uint8_t identity_public_key_a[CLOAK_IDENTITY_PUBLICKEYBYTES],
                              const uint8_t identity_public_key_b[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    char fa[CLOAK_FINGERPRINT_TEXTBYTES], fb[CLOAK_FINGERPRINT_TEXTBYTES];
    const char *first, *second;

    if (text == NULL || identity_public_key_a == NULL || identity_public_key_b == NULL) {
        cloak__wipe(text, CLOAK_PAIR_CODE_TEXTBYTES);
        return;
    }
    cloak_identity_fingerprint(fa, identity_public_key_a);
    cloak_identity_fingerprint(fb, identity_public_key_b);
    /* Equal-length digit strings: strcmp is the numeric order, and whoever computes the code
     * puts the same fingerprint first. */
    if (strcmp(fa, fb) <= 0) {
        first = fa;
        second = fb;
    } else {
        first = fb;
        second = fa;
    }
    memcpy(text, first, FINGERPRINT_CHARS);
    text[FINGERPRINT_CHARS] = ' ';
    memcpy(text + FINGERPRINT_CHARS + 1U, second, FINGERPRINT_CHARS);
    text[2U * FINGERPRINT_CHARS + 1U] = '\0';
}
