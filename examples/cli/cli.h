/*
 * Shared by every file of the cloak tool: exit codes, the one-line failure report, and memory that
 * holds secrets.
 *
 * Every failure goes through cli_fail(): it prints ONE line on standard error, wipes every buffer
 * allocated with cli_secret_alloc(), and exits with the code of the failure's class. Secrets
 * (passphrases, master keys, private keys, decrypted values) live only in such buffers, so no path
 * out of the program leaves them in memory.
 */
#ifndef CLOAK_CLI_H
#define CLOAK_CLI_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes, one per failure class (docs/cli.md lists them). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_INTERNAL = 1,  /* libcloak could not start, out of memory, unexpected library status */
    CLI_EXIT_USAGE = 2,     /* bad command line */
    CLI_EXIT_FILE = 3,      /* a file cannot be read or written, or is too large */
    CLI_EXIT_NO_KEY = 4,    /* no service-account key from any source */
    CLI_EXIT_BAD_KEY = 5,   /* a key file readable by others, or a key that does not decode */
    CLI_EXIT_WRONG_KEY = 6, /* the batch was made for another key: another account's, or the other suite's */
    CLI_EXIT_TRUST = 7,     /* no trusted identity given, or the batch's signer is not trusted */
    CLI_EXIT_BATCH = 8,     /* the batch file is damaged: tampered, truncated, not a batch file */
    CLI_EXIT_VERSION = 9,   /* a format version or cipher suite this libcloak does not read */
    CLI_EXIT_NAME = 10,     /* a secret's name or value cannot go into an environment */
    CLI_EXIT_KEYRING = 11,  /* keyring missing or damaged, unknown name, wrong or no passphrase */
    CLI_EXIT_VAULT = 12,    /* no vault named, a batch of another vault, or of a history that forks */
    CLI_EXIT_STALE = 13,    /* an epoch or head version below the pins or the state file: a replay */
    CLI_EXIT_EXPIRED = 14,  /* the batch is past its expiry time */
    CLI_EXIT_STATE = 15,    /* the state file cannot be read or written, is damaged or open to others */
    CLI_EXIT_KEYRING_COST = 16, /* the keyring's Argon2id costs are outside libcloak's default policy */
    CLI_EXIT_FETCH = 17,    /* the batch could not be fetched from its URL (network, TLS, HTTP status, size) */
    CLI_EXIT_CANNOT_EXEC = 126,
    CLI_EXIT_NOT_FOUND = 127
};

/* Limits on what the tool reads. */
/* A batch of CLOAK_BATCH_ITEMS_MAX (1,000,000) items must fit: its batch line alone is about 43 MB
 * of text (32 bytes of manifest per item), and an item line of a small secret about 180 bytes, so
 * such a batch is about 220 MB; the rest leaves room for larger values (docs/cli.md, Limits). */
#define CLI_MAX_BATCH_FILE (512U * 1024U * 1024U)
#define CLI_MAX_KEY_FILE (64U * 1024U)
#define CLI_MAX_KEYRING_FILE (1024U * 1024U)
#define CLI_MAX_STATE_FILE (1024U * 1024U)
#define CLI_MAX_TEMPLATE_FILE (16U * 1024U * 1024U)  /* cloak inject's template */
#define CLI_MAX_INJECT_OUTPUT (256U * 1024U * 1024U) /* and what it becomes once filled in */
#define CLI_MAX_NAME 64U /* account and trusted-identity names in the keyring */
#define CLI_SHOWN_NAME (255U * 4U + 8U) /* room for a 255-byte secret name escaped by cli_printable */

/* The variables the tool reads and never passes to a child. */
#define CLI_ENV_KEY "CLOAK_SERVICE_ACCOUNT_KEY"
#define CLI_ENV_PASSPHRASE "CLOAK_PASSPHRASE"

#if defined(__GNUC__)
#define CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CLI_PRINTF(fmt, args)
#endif

/* Prints "cloak: <message>" as one line on standard error (control characters in the message become
 * spaces), wipes every secret buffer and exits with `code`. */
_Noreturn void cli_fail(int code, const char *fmt, ...) CLI_PRINTF(2, 3);

/* The exit code for a libcloak status met while reading a batch, an item or a key. */
int cli_exit_for_status(int status);

/* Writes `n` bytes of `s` into `out` (capacity `cap`, NUL-terminated) with backslash and every
 * byte outside printable ASCII escaped as \xHH, so a name from a file can be shown safely.
 * Truncates with "..." when it does not fit. Returns out. */
const char *cli_printable(char *out, size_t cap, const uint8_t *s, size_t n);

/* Ordinary memory: zeroed, exits with CLI_EXIT_INTERNAL when none is left. */
void *cli_alloc(size_t n);
void *cli_realloc(void *p, size_t n);
/* a * b, or exit when it overflows. */
size_t cli_mul(size_t a, size_t b);

/* Memory for secrets: zeroed, locked into RAM when the system allows, wiped on free and on every
 * exit (normal or through cli_fail). */
void *cli_secret_alloc(size_t n);
void cli_secret_free(void *p);
void cli_secrets_wipe_all(void);
/* Overwrites n bytes with zeros in a way the compiler cannot drop. */
void cli_wipe(void *p, size_t n);

/* No core dumps while secrets are in memory; the previous limit is restored before an exec. */
void cli_core_dumps_off(void);
void cli_core_dumps_restore(void);

#endif /* CLOAK_CLI_H */
