/* The per-account state file: where it lives, its line format, the lock, the atomic update. It holds
 * no secret (vault ids, numbers and hashes), but its integrity is what refuses a replayed batch, so
 * it is kept like the keyring: mode 0600, and refused when others can access it. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "fileio.h"
#include "state.h"

#define STATE_HEADER "# cloak state (see docs/cli.md): the newest batch read of each vault; written by cloak\n"
/* "vault " + 510 hex + " " + 10 digits + " " + 20 digits + " " + 64 hex + "\n" */
#define STATE_LINE_MAX (6U + 2U * CLOAK_LABELBYTES_MAX + 1U + 10U + 1U + 20U + 1U + 2U * CLOAK_HEAD_HASHBYTES + 1U)

static char *concat(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    size_t lc = strlen(c);
    char *s = cli_alloc(la + lb + lc + 1U);

    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc);
    return s;
}

/* The account's key id in hex: the name of its state file, so one account's replays are judged
 * only against what that account has read. */
static char *default_path(const uint8_t key_id[CLOAK_KEYIDBYTES])
{
    char id[2U * CLOAK_KEYIDBYTES + 1U];
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    size_t i;

    for (i = 0; i < CLOAK_KEYIDBYTES; i++) {
        (void)snprintf(id + 2U * i, 3, "%02x", key_id[i]);
    }
    /* The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored. */
    if (xdg != NULL && xdg[0] == '/') {
        return concat(xdg, "/cloak/", id);
    }
    if (home == NULL || home[0] == '\0') {
        struct passwd *pw = getpwuid(getuid());
        home = pw != NULL ? pw->pw_dir : NULL;
    }
    if (home == NULL || home[0] == '\0') {
        cli_fail(CLI_EXIT_STATE, "no home directory for the state file; pass --state FILE (or --no-state with --min-epoch and --min-version)");
    }
    return concat(home, "/.local/state/cloak/", id);
}

static void take_lock(struct state_file *st)
{
    char *lock_path = concat(st->path, ".lock", "");
    struct flock fl;
    int fd;

    cli_make_parent_dirs(st->path, CLI_EXIT_STATE);
    fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        cli_fail(CLI_EXIT_STATE, "cannot open the state lock %s: %s", lock_path, strerror(errno));
    }
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    while (fcntl(fd, F_SETLKW, &fl) != 0) {
        if (errno != EINTR) {
            cli_fail(CLI_EXIT_STATE, "cannot lock the state file %s: %s", st->path, strerror(errno));
        }
    }
    free(lock_path);
    st->lock_fd = fd;
}

_Noreturn static void damaged(const struct state_file *st, unsigned long lineno, const char *what)
{
    cli_fail(CLI_EXIT_STATE, "state file %s line %lu: %s; the file is damaged: restore it, or remove it and pass --min-epoch and --min-version",
             st->path, lineno, what);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Lowercase hex of 1..cap bytes (exactly cap when exact); returns the byte count, 0 if invalid. */
static size_t parse_hex(uint8_t *out, size_t cap, const char *s, int exact)
{
    size_t n = strlen(s);
    size_t i;

    if (n == 0 || n % 2U != 0 || n / 2U > cap || (exact && n / 2U != cap)) {
        return 0;
    }
    for (i = 0; i < n / 2U; i++) {
        int hi = hex_value(s[2U * i]);
        int lo = hex_value(s[2U * i + 1U]);
        if (hi < 0 || lo < 0) {
            return 0;
        }
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return n / 2U;
}

/* Decimal, 1..max, as written by state_record (no sign, no leading zero). */
static int parse_number(uint64_t *out, const char *s, uint64_t max)
{
    uint64_t n = 0;
    size_t i;

    if (s[0] == '\0' || s[0] == '0') {
        return 0;
    }
    for (i = 0; s[i] != '\0'; i++) {
        uint64_t digit = (uint64_t)(s[i] - '0');
        if (s[i] < '0' || s[i] > '9' || n > (max - digit) / 10U) {
            return 0;
        }
        n = n * 10U + digit;
    }
    *out = n;
    return 1;
}

static void parse_line(struct state_file *st, char *line, unsigned long lineno)
{
    char *fields[6];
    size_t n = 0;
    char *p = line;
    struct state_entry e;
    uint64_t epoch = 0;

    while (*p != '\0' && n < 6U) {
        while (*p == ' ') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        fields[n++] = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
        if (*p == ' ') {
            *p++ = '\0';
        }
    }
    if (n != 5U || strcmp(fields[0], "vault") != 0) {
        damaged(st, lineno, "not a state entry");
    }
    memset(&e, 0, sizeof(e));
    e.vault_len = parse_hex(e.vault, sizeof(e.vault), fields[1], 0);
    if (e.vault_len == 0) {
        damaged(st, lineno, "the vault id is not hex of 1 to 255 bytes");
    }
    if (!parse_number(&epoch, fields[2], UINT32_MAX) || !parse_number(&e.version, fields[3], UINT64_MAX)) {
        damaged(st, lineno, "the epoch or version is not a number");
    }
    e.epoch = (uint32_t)epoch;
    if (parse_hex(e.head_hash, sizeof(e.head_hash), fields[4], 1) == 0) {
        damaged(st, lineno, "the head hash is not 64 hex digits");
    }
    if (state_find(st, e.vault, e.vault_len) != NULL) {
        damaged(st, lineno, "a second entry for one vault");
    }
    st->entries = cli_realloc(st->entries, cli_mul(st->count + 1U, sizeof(*st->entries)));
    st->entries[st->count++] = e;
}

void state_open(struct state_file *st, const struct cli_args *args, const uint8_t account_key_id[CLOAK_KEYIDBYTES])
{
    size_t len = 0;
    unsigned long lineno = 0;
    char *data;
    char *p;

    memset(st, 0, sizeof(*st));
    st->lock_fd = -1;
    if (args->no_state) {
        return;
    }
    st->path = args->state != NULL ? concat(args->state, "", "") : default_path(account_key_id);
    take_lock(st);
    data = cli_read_private_file(st->path, CLI_MAX_STATE_FILE, &len, "state file", CLI_EXIT_STATE, 1, 0);
    if (data == NULL) {
        return;
    }
    if (strlen(data) != len) {
        cli_fail(CLI_EXIT_STATE, "state file %s holds a NUL byte; restore it, or remove it and pass --min-epoch and --min-version",
                 st->path);
    }
    p = data;
    while (*p != '\0') {
        char *nl = strchr(p, '\n');
        char *next = nl != NULL ? nl + 1 : p + strlen(p);
        lineno++;
        if (nl != NULL) {
            *nl = '\0';
        }
        if (*p != '\0' && *p != '#') {
            parse_line(st, p, lineno);
        }
        p = next;
    }
    free(data);
}

static size_t entry_index(const struct state_file *st, const uint8_t *vault, size_t vault_len)
{
    size_t i;

    for (i = 0; i < st->count; i++) {
        if (st->entries[i].vault_len == vault_len && memcmp(st->entries[i].vault, vault, vault_len) == 0) {
            return i;
        }
    }
    return st->count;
}

const struct state_entry *state_find(const struct state_file *st, const uint8_t *vault, size_t vault_len)
{
    size_t i = entry_index(st, vault, vault_len);

    return i < st->count ? &st->entries[i] : NULL;
}

static size_t put_hex(char *out, const uint8_t *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        (void)snprintf(out + 2U * i, 3, "%02x", b[i]);
    }
    return 2U * n;
}

void state_record(struct state_file *st, const uint8_t *vault, size_t vault_len, uint32_t epoch, uint64_t version,
                  const uint8_t head_hash[CLOAK_HEAD_HASHBYTES])
{
    size_t at = entry_index(st, vault, vault_len);
    struct state_entry *e = at < st->count ? &st->entries[at] : NULL;
    size_t header_len = sizeof(STATE_HEADER) - 1U;
    char *buf;
    size_t len;
    size_t i;

    if (st->path == NULL) {
        return;
    }
    if (e == NULL) {
        st->entries = cli_realloc(st->entries, cli_mul(st->count + 1U, sizeof(*st->entries)));
        e = &st->entries[st->count++];
        memset(e, 0, sizeof(*e));
        memcpy(e->vault, vault, vault_len);
        e->vault_len = vault_len;
    }
    e->epoch = epoch;
    e->version = version;
    memcpy(e->head_hash, head_hash, CLOAK_HEAD_HASHBYTES);
    buf = cli_alloc(header_len + cli_mul(st->count, STATE_LINE_MAX) + 1U);
    memcpy(buf, STATE_HEADER, header_len);
    len = header_len;
    for (i = 0; i < st->count; i++) {
        const struct state_entry *s = &st->entries[i];
        memcpy(buf + len, "vault ", 6);
        len += 6U;
        len += put_hex(buf + len, s->vault, s->vault_len);
        len += (size_t)snprintf(buf + len, 34, " %lu %llu ", (unsigned long)s->epoch, (unsigned long long)s->version);
        len += put_hex(buf + len, s->head_hash, CLOAK_HEAD_HASHBYTES);
        buf[len++] = '\n';
    }
    cli_write_file_atomically(st->path, buf, len, CLI_EXIT_STATE);
    free(buf);
}

void state_close(struct state_file *st)
{
    if (st->lock_fd >= 0) {
        (void)close(st->lock_fd); /* releases the lock */
    }
    free(st->path);
    free(st->entries);
    memset(st, 0, sizeof(*st));
    st->lock_fd = -1;
}
