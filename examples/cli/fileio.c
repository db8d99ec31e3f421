/* File handling for the cloak tool. Every descriptor is opened close-on-exec, so nothing leaks into
 * the command `cloak run` executes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"

#define READ_CHUNK 65536U

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += (size_t)w;
        len -= (size_t)w;
    }
    return 0;
}

static int open_for_reading(const char *path, const char *what, int missing_ok)
{
    int fd;

    if (strcmp(path, "-") == 0) {
        return STDIN_FILENO;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT && missing_ok) {
            return -1;
        }
        cli_fail(CLI_EXIT_FILE, "cannot open the %s %s: %s; check the path", what, path, strerror(errno));
    }
    return fd;
}

static void refuse_non_regular(int fd, const char *path, const char *what, size_t max)
{
    struct stat st;

    if (fstat(fd, &st) != 0) {
        cli_fail(CLI_EXIT_FILE, "cannot read the %s %s: %s", what, path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        cli_fail(CLI_EXIT_FILE, "the %s %s is a directory; give a file", what, path);
    }
    if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)max) {
        cli_fail(CLI_EXIT_FILE, "the %s %s is larger than the limit of %zu bytes; is it the right file?", what,
                 path, max);
    }
}

/* Reads until end of file into *buf (grown as needed up to max + 1 bytes, so an oversized input is
 * seen). For secret data the buffer is sized once, never moved, so no stale copy is left behind. */
static size_t read_fd(int fd, char **buf, size_t *cap, size_t max, int secret, const char *path, const char *what)
{
    size_t len = 0;

    for (;;) {
        ssize_t r;
        if (len == *cap) {
            size_t grown;
            if (secret || *cap > max) {
                break;
            }
            grown = *cap * 2U > max + 1U ? max + 1U : *cap * 2U;
            *buf = cli_realloc(*buf, grown + 1U);
            *cap = grown;
        }
        r = read(fd, *buf + len, *cap - len);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            cli_fail(CLI_EXIT_FILE, "cannot read the %s %s: %s", what, strcmp(path, "-") == 0 ? "(standard input)" : path,
                     strerror(errno));
        }
        if (r == 0) {
            break;
        }
        len += (size_t)r;
    }
    if (len > max) {
        cli_fail(CLI_EXIT_FILE, "the %s %s is larger than the limit of %zu bytes; is it the right file?", what,
                 strcmp(path, "-") == 0 ? "(standard input)" : path, max);
    }
    (*buf)[len] = '\0';
    return len;
}

char *cli_read_file(const char *path, size_t max, size_t *len, const char *what, int missing_ok)
{
    int fd = open_for_reading(path, what, missing_ok);
    size_t cap = READ_CHUNK < max + 1U ? READ_CHUNK : max + 1U;
    char *buf;

    *len = 0;
    if (fd < 0) {
        errno = ENOENT;
        return NULL;
    }
    refuse_non_regular(fd, path, what, max);
    buf = cli_alloc(cap + 1U);
    *len = read_fd(fd, &buf, &cap, max, 0, path, what);
    if (fd != STDIN_FILENO) {
        (void)close(fd);
    }
    return buf;
}

void cli_check_private_fd(int fd, const char *path, const char *what, int code)
{
    struct stat st;

    if (fstat(fd, &st) != 0) {
        cli_fail(code, "cannot read the %s %s: %s", what, path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        cli_fail(code, "the %s %s is not a regular file; give the file itself", what, path);
    }
    /* Like ssh with ~/.ssh/config: a file of another user is refused whatever its mode, since that
     * user can rewrite it (a key of theirs, a keyring trusting their identity, a state file that
     * forgets a replay). This holds for root too: a root-run CI job must not read a file another
     * user planted, for instance in /tmp. */
    if (st.st_uid != geteuid()) {
        cli_fail(code, "the %s %s belongs to another user (uid %lu; cloak runs as uid %lu), who can change it; if its content is yours, run: chown %lu %s",
                 what, path, (unsigned long)st.st_uid, (unsigned long)geteuid(), (unsigned long)geteuid(), path);
    }
    if ((st.st_mode & 077) != 0) {
        cli_fail(code, "the %s %s is accessible by other users (mode %04o); run: chmod 600 %s", what, path,
                 (unsigned)(st.st_mode & 07777), path);
    }
}

char *cli_read_private_file(const char *path, size_t max, size_t *len, const char *what, int perm_code,
                            int missing_ok, int secret)
{
    int fd = open_for_reading(path, what, missing_ok);
    size_t cap;
    char *buf;

    *len = 0;
    if (fd < 0) {
        errno = ENOENT;
        return NULL;
    }
    if (fd != STDIN_FILENO) {
        cli_check_private_fd(fd, path, what, perm_code);
    }
    refuse_non_regular(fd, path, what, max);
    if (secret) {
        cap = max + 1U;
        buf = cli_secret_alloc(cap + 1U);
    } else {
        cap = READ_CHUNK < max + 1U ? READ_CHUNK : max + 1U;
        buf = cli_alloc(cap + 1U);
    }
    *len = read_fd(fd, &buf, &cap, max, secret, path, what);
    if (fd != STDIN_FILENO) {
        (void)close(fd);
    }
    return buf;
}

void cli_write_new_private_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);

    if (fd < 0) {
        if (errno == EEXIST) {
            cli_fail(CLI_EXIT_FILE, "%s exists already; refusing to overwrite it: choose another path or move it away",
                     path);
        }
        cli_fail(CLI_EXIT_FILE, "cannot create %s: %s; check the directory", path, strerror(errno));
    }
    /* The umask can only take bits away from 0600, but make the mode explicit all the same. */
    if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        int e = errno;
        (void)close(fd);
        (void)unlink(path);
        cli_fail(CLI_EXIT_FILE, "cannot write %s: %s; it was removed", path, strerror(e));
    }
    if (close(fd) != 0) {
        int e = errno;
        (void)unlink(path);
        cli_fail(CLI_EXIT_FILE, "cannot write %s: %s; it was removed", path, strerror(e));
    }
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n;
    char *dir;

    if (slash == NULL) {
        dir = cli_alloc(2);
        dir[0] = '.';
        return dir;
    }
    n = slash == path ? 1U : (size_t)(slash - path);
    dir = cli_alloc(n + 1U);
    memcpy(dir, path, n);
    return dir;
}

void cli_make_parent_dirs(const char *path, int code)
{
    char *dir = dir_of(path);
    size_t i;
    size_t n = strlen(dir);

    for (i = 1; i <= n; i++) {
        if (dir[i] == '/' || dir[i] == '\0') {
            char saved = dir[i];
            dir[i] = '\0';
            /* An existing directory is left as it is (EEXIST): only the missing ones are made. */
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                cli_fail(code, "cannot create the directory %s: %s; check the path and its permissions", dir,
                         strerror(errno));
            }
            dir[i] = saved;
        }
    }
    free(dir);
}

void cli_write_file_atomically(const char *path, const char *data, size_t len, int code)
{
    size_t n = strlen(path);
    char *tmp = cli_alloc(n + sizeof(".XXXXXX"));
    char *dir;
    int fd;
    int dfd;

    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", sizeof(".XXXXXX"));
    fd = mkstemp(tmp);
    if (fd < 0) {
        cli_fail(code, "cannot create a temporary file next to %s: %s", path, strerror(errno));
    }
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fchmod(fd, 0600) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        (void)unlink(tmp);
        cli_fail(code, "cannot write %s: %s; the old file is unchanged", path, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        (void)unlink(tmp);
        cli_fail(code, "cannot replace %s: %s; the old file is unchanged", path, strerror(e));
    }
    free(tmp);
    /* The rename itself reaches the disk only when the directory is flushed. */
    dir = dir_of(path);
    dfd = open(dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        (void)close(dfd);
    }
    free(dir);
}

void cli_write_stdout(const char *data, size_t len)
{
    if (write_all(STDOUT_FILENO, data, len) != 0) {
        cli_fail(CLI_EXIT_FILE, "cannot write to standard output: %s", strerror(errno));
    }
}
