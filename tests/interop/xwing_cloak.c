/*
 * The libcloak side of the X-Wing interoperability test (run-xwing.sh): the same line protocol as the
 * Go program in xwing/ (see its main.go), answered with libcloak's public X-Wing and HPKE functions.
 *
 *   derive IKM                 -> PK SK       cloak_xwing_keypair_from_seed
 *   seal PK INFO AAD PT        -> ENC CT EXP  cloak_hpke_setup_sender_xwing, _seal, _export
 *   open SK ENC CT INFO AAD    -> PT EXP      cloak_xwing_public_key, cloak_hpke_setup_recipient_xwing,
 *                                             _open, _export; or "error STATUS"
 *
 * Byte strings are lowercase hex, "-" for an empty one. EXP is 32 bytes exported for the context
 * "libcloak interop".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cloak.h"

#define LINE_MAX_BYTES (1U << 20)
#define FIELDS_MAX 6

static const char exporter_context[] = "libcloak interop";

typedef struct field {
    uint8_t *p;
    size_t len;
} field;

static void die(const char *what)
{
    fprintf(stderr, "xwing_cloak: %s\n", what);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL) {
        die("out of memory");
    }
    return p;
}

static field decode(const char *hex)
{
    field f;
    size_t hex_len = strlen(hex);

    if (strcmp(hex, "-") == 0) {
        hex_len = 0;
    }
    f.p = xmalloc(hex_len / 2U);
    if (sodium_hex2bin(f.p, hex_len / 2U, hex, hex_len, NULL, &f.len, NULL) != 0 || f.len * 2U != hex_len) {
        die("bad hex");
    }
    return f;
}

static void put_hex(const uint8_t *p, size_t n)
{
    size_t i;

    if (n == 0) {
        fputs("-", stdout);
        return;
    }
    for (i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
}

static void need_len(const field *f, size_t n)
{
    if (f->len != n) {
        die("wrong field length");
    }
}

static void derive(const field *a)
{
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], sk[CLOAK_XWING_SECRETKEYBYTES];
    int rc = cloak_xwing_keypair_from_seed(pk, sk, a[0].p, a[0].len);

    if (rc != CLOAK_OK) {
        printf("error %d\n", rc);
        return;
    }
    put_hex(pk, sizeof pk);
    fputs(" ", stdout);
    put_hex(sk, sizeof sk);
    fputs("\n", stdout);
}

static void seal(const field *a)
{
    cloak_hpke_context ctx;
    uint8_t enc[CLOAK_XWING_ENCBYTES], exp[32];
    uint8_t *ct = xmalloc(a[3].len + CLOAK_HPKE_TAGBYTES);
    int rc;

    need_len(&a[0], CLOAK_XWING_PUBLICKEYBYTES);
    rc = cloak_hpke_setup_sender_xwing(&ctx, enc, a[0].p, a[1].p, a[1].len);
    if (rc == CLOAK_OK) {
        rc = cloak_hpke_seal(&ctx, ct, a[2].p, a[2].len, a[3].p, a[3].len);
    }
    if (rc == CLOAK_OK) {
        rc = cloak_hpke_export(&ctx, exp, sizeof exp, (const uint8_t *)exporter_context, sizeof exporter_context - 1U);
    }
    cloak_hpke_context_wipe(&ctx);
    if (rc != CLOAK_OK) {
        printf("error %d\n", rc);
    } else {
        put_hex(enc, sizeof enc);
        fputs(" ", stdout);
        put_hex(ct, a[3].len + CLOAK_HPKE_TAGBYTES);
        fputs(" ", stdout);
        put_hex(exp, sizeof exp);
        fputs("\n", stdout);
    }
    free(ct);
}

static void open_(const field *a)
{
    cloak_hpke_context ctx;
    uint8_t pk[CLOAK_XWING_PUBLICKEYBYTES], exp[32];
    const size_t pt_len = a[2].len >= CLOAK_HPKE_TAGBYTES ? a[2].len - CLOAK_HPKE_TAGBYTES : 0;
    uint8_t *pt = xmalloc(pt_len);
    int rc;

    need_len(&a[0], CLOAK_XWING_SECRETKEYBYTES);
    need_len(&a[1], CLOAK_XWING_ENCBYTES);
    cloak_xwing_public_key(pk, a[0].p);
    rc = cloak_hpke_setup_recipient_xwing(&ctx, a[1].p, pk, a[0].p, a[3].p, a[3].len);
    if (rc == CLOAK_OK) {
        rc = cloak_hpke_open(&ctx, pt, a[4].p, a[4].len, a[2].p, a[2].len);
    }
    if (rc == CLOAK_OK) {
        rc = cloak_hpke_export(&ctx, exp, sizeof exp, (const uint8_t *)exporter_context, sizeof exporter_context - 1U);
    }
    cloak_hpke_context_wipe(&ctx);
    if (rc != CLOAK_OK) {
        printf("error %d\n", rc);
    } else {
        put_hex(pt, pt_len);
        fputs(" ", stdout);
        put_hex(exp, sizeof exp);
        fputs("\n", stdout);
    }
    free(pt);
}

int main(void)
{
    char *line = xmalloc(LINE_MAX_BYTES);

    if (cloak_init() != CLOAK_OK) {
        die("cloak_init failed");
    }
    while (fgets(line, (int)LINE_MAX_BYTES, stdin) != NULL) {
        char *words[FIELDS_MAX + 1];
        field args[FIELDS_MAX];
        size_t n = 0, i;
        char *w;

        if (strchr(line, '\n') == NULL && !feof(stdin)) {
            die("line too long");
        }
        for (w = strtok(line, " \t\r\n"); w != NULL; w = strtok(NULL, " \t\r\n")) {
            if (n == FIELDS_MAX + 1) {
                die("too many fields");
            }
            words[n++] = w;
        }
        if (n == 0) {
            continue;
        }
        for (i = 1; i < n; i++) {
            args[i - 1] = decode(words[i]);
        }
        if (strcmp(words[0], "derive") == 0 && n == 2) {
            derive(args);
        } else if (strcmp(words[0], "seal") == 0 && n == 5) {
            seal(args);
        } else if (strcmp(words[0], "open") == 0 && n == 6) {
            open_(args);
        } else {
            die("bad command line");
        }
        for (i = 1; i < n; i++) {
            free(args[i - 1].p);
        }
        fflush(stdout);
    }
    free(line);
    return 0;
}
