/* The one-line failure report and the exit code of each libcloak status. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloak.h"
#include "cli.h"

void cli_fail(int code, const char *fmt, ...)
{
    /* Long enough for an escaped 255-byte name and a path; anything longer is cut, still one line. */
    char line[3072];
    size_t n = sizeof("cloak: ") - 1U;
    size_t i;
    va_list ap;

    memcpy(line, "cloak: ", n);
    va_start(ap, fmt);
    (void)vsnprintf(line + n, sizeof(line) - n - 1U, fmt, ap);
    va_end(ap);
    n = strlen(line);
    /* A path or name with a newline in it must not split the report into two lines. */
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 0x20U || c == 0x7FU) {
            line[i] = ' ';
        }
    }
    line[n++] = '\n';
    cli_secrets_wipe_all();
    {
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(STDERR_FILENO, line + off, n - off);
            if (w <= 0) {
                break;
            }
            off += (size_t)w;
        }
    }
    exit(code);
}

int cli_exit_for_status(int status)
{
    switch (status) {
    case CLOAK_E_UNSUPPORTED_VERSION:
    case CLOAK_E_UNSUPPORTED_SUITE:
        return CLI_EXIT_VERSION;
    case CLOAK_E_WRONG_KEY:
        return CLI_EXIT_WRONG_KEY;
    case CLOAK_E_UNTRUSTED_SIGNER:
        return CLI_EXIT_TRUST;
    case CLOAK_E_STALE:
        return CLI_EXIT_STALE;
    case CLOAK_E_EXPIRED:
        return CLI_EXIT_EXPIRED;
    case CLOAK_E_MALFORMED:
    case CLOAK_E_WRONG_TYPE:
    case CLOAK_E_AUTH:
    case CLOAK_E_BAD_SIGNATURE:
    case CLOAK_E_CHECKSUM:
    case CLOAK_E_MISMATCH:
    case CLOAK_E_INVALID_KEY:
        return CLI_EXIT_BATCH;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

const char *cli_printable(char *out, size_t cap, const uint8_t *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    size_t i;

    if (cap == 0) {
        return out;
    }
    for (i = 0; i < n; i++) {
        uint8_t c = s[i];
        int plain = c >= 0x20U && c < 0x7FU && c != '\\';
        size_t need = plain ? 1U : 4U;
        if (o + need + 4U > cap) { /* room for "..." and the NUL */
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (plain) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 0x0FU];
        }
    }
    out[o] = '\0';
    return out;
}
