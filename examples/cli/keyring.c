/* The keyring file: its location, its line format, validation on load, atomic save under a lock.
 * Nothing here needs the passphrase: the private keys stay wrapped (see account.c). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cloak.h"
#include "fileio.h"
#include "keyring.h"
#include "textform.h"

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    char *s = cli_alloc(la + lb + 1U);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    return s;
}

char *keyring_path(void)
{
    const char *env = getenv("CLOAK_KEYRING");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");

    if (env != NULL && env[0] != '\0') {
        return join(env, "");
    }
    /* The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored. */
    if (xdg != NULL && xdg[0] == '/') {
        return join(xdg, "/cloak/keyring");
    }
    if (home == NULL || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());
        home = pw != NULL ? pw->pw_dir : NULL;
    }
    if (home == NULL || home[0] == '\0') {
        return NULL;
    }
    return join(home, "/.config/cloak/keyring");
}

int keyring_name_valid(const char *name)
{
    size_t n = strlen(name);
    size_t i;

    if (n == 0 || n > CLI_MAX_NAME || name[0] == '-' || name[0] == '.') {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '_' || c == '-';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

struct keyring_entry *keyring_find(struct keyring_entry *list, size_t count, const char *name)
{
    size_t i;

    for (i = 0; i < count; i++) {
        if (strcmp(list[i].name, name) == 0) {
            return &list[i];
        }
    }
    return NULL;
}

void keyring_add(struct keyring_entry **list, size_t *count, const char *name, const char *text)
{
    struct keyring_entry *e;
    size_t n = strlen(name);

    if (n > CLI_MAX_NAME) {
        cli_fail(CLI_EXIT_INTERNAL, "internal error: keyring name too long");
    }
    *list = cli_realloc(*list, cli_mul(*count + 1U, sizeof(**list)));
    e = &(*list)[(*count)++];
    memset(e, 0, sizeof(*e));
    memcpy(e->name, name, n);
    e->text = join(text, "");
}

int keyring_remove(struct keyring_entry **list, size_t *count, const char *name)
{
    struct keyring_entry *e = keyring_find(*list, *count, name);
    size_t i;

    if (e == NULL) {
        return 0;
    }
    free(e->text);
    for (i = (size_t)(e - *list); i + 1U < *count; i++) {
        (*list)[i] = (*list)[i + 1U];
    }
    (*count)--;
    return 1;
}

static void take_lock(struct keyring *kr)
{
    char *lock_path = join(kr->path, ".lock");
    struct flock fl;
    int fd;

    cli_make_parent_dirs(kr->path, CLI_EXIT_KEYRING);
    fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        cli_fail(CLI_EXIT_KEYRING, "cannot open the keyring lock %s: %s", lock_path, strerror(errno));
    }
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    while (fcntl(fd, F_SETLKW, &fl) != 0) {
        if (errno != EINTR) {
            cli_fail(CLI_EXIT_KEYRING, "cannot lock the keyring %s: %s", kr->path, strerror(errno));
        }
    }
    free(lock_path);
    kr->lock_fd = fd;
}

/* The failure message of every damaged line: says where, never shows the line (it may hold a key
 * pasted by mistake). */
_Noreturn static void damaged(const struct keyring *kr, unsigned long line, const char *what, int status)
{
    if (status != CLOAK_OK) {
        cli_fail(CLI_EXIT_KEYRING, "keyring %s line %lu: %s (libcloak: %s); restore the file from a backup or fix that line",
                 kr->path, line, what, cli_status(status));
    }
    cli_fail(CLI_EXIT_KEYRING, "keyring %s line %lu: %s; restore the file from a backup or fix that line", kr->path,
             line, what);
}

/* Splits a line into at most `max` space-separated fields; returns how many there were. */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;

    while (*p != '\0') {
        char *sp;
        if (n == max) {
            return max + 1U;
        }
        fields[n++] = p;
        sp = strchr(p, ' ');
        if (sp == NULL) {
            break;
        }
        *sp = '\0';
        p = sp + 1;
        if (*p == '\0' || *p == ' ') {
            return max + 1U; /* empty field: not a line cloak wrote */
        }
    }
    return n;
}

static void check_text(const struct keyring *kr, unsigned long line, const char *text, int type, const char *what)
{
    uint8_t *blob = NULL;
    size_t len = 0;
    int rc = cli_text_to_blob(&blob, &len, text, strlen(text), type, 0);

    if (rc == CLOAK_OK && type == CLOAK_TYPE_PASSWORD_RECORD) {
        uint8_t salt[CLOAK_PASSWORD_SALTBYTES];
        uint32_t m = 0;
        uint32_t t = 0;
        uint32_t p = 0;
        rc = cloak_password_record_decode(salt, &m, &t, &p, blob, len);
    } else if (rc == CLOAK_OK && type == CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY) {
        /* Either suite's wrapped key, at the length of its suite (124 or 1308 bytes). */
        uint32_t suite = 0;
        rc = cloak_blob_suite(&suite, blob, len);
        if (rc == CLOAK_OK && !(suite == CLOAK_SUITE_X25519 && len == CLOAK_WRAPPED_KEYBYTES) &&
            !(suite == CLOAK_SUITE_XWING && len == CLOAK_XWING_WRAPPED_KEYBYTES)) {
            rc = suite == CLOAK_SUITE_X25519 || suite == CLOAK_SUITE_XWING ? CLOAK_E_MALFORMED : CLOAK_E_UNSUPPORTED_SUITE;
        }
    } else if (rc == CLOAK_OK && type == CLOAK_TYPE_IDENTITY_PUBLIC_KEY) {
        uint8_t pk[CLOAK_IDENTITY_PUBLICKEYBYTES];
        rc = cloak_identity_public_import(pk, blob, len);
    }
    free(blob);
    if (rc != CLOAK_OK) {
        damaged(kr, line, what, rc);
    }
}

static void parse_line(struct keyring *kr, char *line, unsigned long lineno, int *have_selected)
{
    char *f[4];
    size_t n;

    if (line[0] == '\0' || line[0] == '#') {
        return;
    }
    n = split_fields(line, f, 3);
    if (n == 2 && strcmp(f[0], "password") == 0) {
        if (kr->password != NULL) {
            damaged(kr, lineno, "a second password line", CLOAK_OK);
        }
        check_text(kr, lineno, f[1], CLOAK_TYPE_PASSWORD_RECORD, "the password record does not decode");
        kr->password = join(f[1], "");
    } else if (n == 3 && (strcmp(f[0], "account") == 0 || strcmp(f[0], "trust") == 0)) {
        int account = f[0][0] == 'a';
        struct keyring_entry **list = account ? &kr->accounts : &kr->trusted;
        size_t *count = account ? &kr->account_count : &kr->trusted_count;
        if (!keyring_name_valid(f[1])) {
            damaged(kr, lineno, "not a valid name", CLOAK_OK);
        }
        if (keyring_find(*list, *count, f[1]) != NULL) {
            damaged(kr, lineno, account ? "a second account of that name" : "a second identity of that name",
                    CLOAK_OK);
        }
        check_text(kr, lineno, f[2], account ? CLOAK_TYPE_WRAPPED_SERVICE_ACCOUNT_KEY : CLOAK_TYPE_IDENTITY_PUBLIC_KEY,
                   account ? "the wrapped account key does not decode" : "the trusted identity does not decode");
        keyring_add(list, count, f[1], f[2]);
    } else if (n == 2 && strcmp(f[0], "selected") == 0) {
        if (*have_selected) {
            damaged(kr, lineno, "a second selected line", CLOAK_OK);
        }
        if (!keyring_name_valid(f[1])) {
            damaged(kr, lineno, "not a valid name", CLOAK_OK);
        }
        memcpy(kr->selected, f[1], strlen(f[1]) + 1U);
        *have_selected = 1;
    } else {
        damaged(kr, lineno, "not a keyring entry", CLOAK_OK);
    }
}

void keyring_load(struct keyring *kr, enum keyring_mode mode)
{
    int lock = mode != KEYRING_READ;
    size_t len = 0;
    char *data;
    char *p;
    unsigned long lineno = 0;
    int have_selected = 0;

    memset(kr, 0, sizeof(*kr));
    kr->lock_fd = -1;
    kr->path = keyring_path();
    if (kr->path == NULL) {
        /* No home: fine for a CI job that gives its key and trust on the command line. */
        if (lock) {
            cli_fail(CLI_EXIT_KEYRING, "cannot tell where the keyring is: set CLOAK_KEYRING or HOME");
        }
        kr->path = join("(no keyring: set CLOAK_KEYRING or HOME)", "");
        return;
    }
    /* Checked before the lock, so that a command with nothing to change leaves no directory or
     * lock file behind; checked again below under the lock. */
    if (mode == KEYRING_CHANGE && access(kr->path, F_OK) != 0) {
        cli_fail(CLI_EXIT_KEYRING, "there is no keyring at %s; add an account with cloak import NAME KEYFILE first",
                 kr->path);
    }
    if (lock) {
        take_lock(kr);
    }
    data = cli_read_private_file(kr->path, CLI_MAX_KEYRING_FILE, &len, "keyring", CLI_EXIT_KEYRING, 1, 0);
    if (data == NULL) {
        if (mode == KEYRING_CHANGE) {
            cli_fail(CLI_EXIT_KEYRING, "the keyring %s has just been removed; run the command again", kr->path);
        }
        return;
    }
    kr->exists = 1;
    if (strlen(data) != len) {
        cli_fail(CLI_EXIT_KEYRING, "keyring %s holds a NUL byte; it is not a cloak keyring", kr->path);
    }
    p = data;
    while (*p != '\0') {
        char *nl = strchr(p, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        lineno++;
        parse_line(kr, p, lineno, &have_selected);
        if (nl == NULL) {
            break;
        }
        p = nl + 1;
    }
    free(data);
    if (kr->account_count > 0 && kr->password == NULL) {
        cli_fail(CLI_EXIT_KEYRING, "keyring %s has accounts but no password line; restore it from a backup", kr->path);
    }
    if (have_selected && keyring_find(kr->accounts, kr->account_count, kr->selected) == NULL) {
        cli_fail(CLI_EXIT_KEYRING, "keyring %s selects %s, which it does not hold; run: cloak select NAME", kr->path,
                 kr->selected);
    }
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);

    if (*len + n + 1U > *cap) {
        *cap = (*len + n + 1U) * 2U;
        *buf = cli_realloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n + 1U);
    *len += n;
}

void keyring_save(const struct keyring *kr)
{
    char *buf = NULL;
    size_t len = 0;
    size_t cap = 0;
    size_t i;

    if (kr->lock_fd < 0) {
        cli_fail(CLI_EXIT_INTERNAL, "internal error: keyring saved without its lock");
    }
    append(&buf, &len, &cap, "# cloak keyring (see docs/cli.md); written by cloak, edits are not kept\n");
    if (kr->password != NULL) {
        append(&buf, &len, &cap, "password ");
        append(&buf, &len, &cap, kr->password);
        append(&buf, &len, &cap, "\n");
    }
    for (i = 0; i < kr->account_count; i++) {
        append(&buf, &len, &cap, "account ");
        append(&buf, &len, &cap, kr->accounts[i].name);
        append(&buf, &len, &cap, " ");
        append(&buf, &len, &cap, kr->accounts[i].text);
        append(&buf, &len, &cap, "\n");
    }
    for (i = 0; i < kr->trusted_count; i++) {
        append(&buf, &len, &cap, "trust ");
        append(&buf, &len, &cap, kr->trusted[i].name);
        append(&buf, &len, &cap, " ");
        append(&buf, &len, &cap, kr->trusted[i].text);
        append(&buf, &len, &cap, "\n");
    }
    if (kr->selected[0] != '\0') {
        append(&buf, &len, &cap, "selected ");
        append(&buf, &len, &cap, kr->selected);
        append(&buf, &len, &cap, "\n");
    }
    cli_make_parent_dirs(kr->path, CLI_EXIT_KEYRING);
    cli_write_file_atomically(kr->path, buf, len, CLI_EXIT_KEYRING);
    free(buf);
}

void keyring_free(struct keyring *kr)
{
    size_t i;

    for (i = 0; i < kr->account_count; i++) {
        free(kr->accounts[i].text);
    }
    for (i = 0; i < kr->trusted_count; i++) {
        free(kr->trusted[i].text);
    }
    free(kr->accounts);
    free(kr->trusted);
    free(kr->password);
    free(kr->path);
    if (kr->lock_fd >= 0) {
        (void)close(kr->lock_fd); /* releases the lock */
    }
    memset(kr, 0, sizeof(*kr));
    kr->lock_fd = -1;
}
