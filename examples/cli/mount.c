/* The --mount file: created private and exclusive, wiped and removed at the end (mount.h).
 *
 * The descriptor stays open (close-on-exec, so the command does not inherit it) until the end: the
 * zeros go through it into the very file cloak made, and the path is removed only if it still names
 * that file, so a file put in its place meanwhile is neither overwritten nor removed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mount.h"

static int mount_fd = -1;
static char *mount_path;
static dev_t mount_dev;
static ino_t mount_ino;

void mount_precheck(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        cli_fail(CLI_EXIT_FILE, "run: --mount %s: the path exists; cloak only creates a new file there: remove it or choose another path",
                 path);
    }
}

static void report(const char *path, const char *what, int e)
{
    /* A warning, not a failure: the command has run and its status is what cloak returns. */
    char line[1024];
    int n = snprintf(line, sizeof(line), "cloak: run: --mount %s: %s (%s); remove the file by hand\n", path, what,
                     strerror(e));
    if (n > 0) {
        (void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1U);
    }
}

void mount_remove(void)
{
    static const unsigned char zeros[4096];
    struct stat st;
    off_t off = 0;

    if (mount_fd < 0) {
        return;
    }
    /* The command may have changed the file's size: wipe all of it as it is now. */
    if (fstat(mount_fd, &st) == 0) {
        while (off < st.st_size) {
            size_t k = (size_t)(st.st_size - off) < sizeof(zeros) ? (size_t)(st.st_size - off) : sizeof(zeros);
            ssize_t w = pwrite(mount_fd, zeros, k, off);
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                report(mount_path, "could not overwrite the file with zeros", errno);
                break;
            }
            off += w;
        }
        /* So that the zeros, not the secrets, are what reaches the disk if anything does. */
        (void)fsync(mount_fd);
    }
    if (lstat(mount_path, &st) == 0 && st.st_dev == mount_dev && st.st_ino == mount_ino) {
        if (unlink(mount_path) != 0) {
            report(mount_path, "could not remove the file", errno);
        }
    }
    (void)close(mount_fd);
    mount_fd = -1;
    free(mount_path);
    mount_path = NULL;
}

void mount_create(const char *path, const char *data, size_t len)
{
    struct stat st;
    size_t off = 0;
    int fd;

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        cli_fail(CLI_EXIT_FILE, "run: --mount %s: cannot create the file (%s); %s", path, strerror(e),
                 e == EEXIST ? "cloak only creates a new file there: remove it or choose another path"
                             : "choose a path in an existing directory you can write");
    }
    if (fstat(fd, &st) != 0) {
        int e = errno;
        (void)unlink(path);
        cli_fail(CLI_EXIT_FILE, "run: --mount %s: cannot check the new file (%s)", path, strerror(e));
    }
    mount_fd = fd;
    mount_dev = st.st_dev;
    mount_ino = st.st_ino;
    mount_path = cli_alloc(strlen(path) + 1U);
    memcpy(mount_path, path, strlen(path) + 1U);
    /* From here on every exit, cli_fail's included, wipes and removes the file. */
    if (atexit(mount_remove) != 0) {
        mount_remove();
        cli_fail(CLI_EXIT_INTERNAL, "run: cannot arrange for the --mount file's removal");
    }
    /* The umask may have narrowed 0600 further, never widened it; make it exactly 0600. */
    (void)fchmod(fd, 0600);
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            cli_fail(CLI_EXIT_FILE, "run: --mount %s: cannot write the file (%s)", path, strerror(e));
        }
        off += (size_t)w;
    }
}

char *mount_absolute(const char *path)
{
    size_t cap = 256;
    size_t len = strlen(path);
    char *cwd;
    char *out;

    if (path[0] == '/') {
        out = cli_alloc(len + 1U);
        memcpy(out, path, len + 1U);
        return out;
    }
    for (;;) {
        cwd = cli_alloc(cap);
        if (getcwd(cwd, cap) != NULL) {
            break;
        }
        free(cwd);
        if (errno != ERANGE) {
            /* No usable working directory: the command gets the path as given. */
            out = cli_alloc(len + 1U);
            memcpy(out, path, len + 1U);
            return out;
        }
        cap = cli_mul(cap, 2);
    }
    out = cli_alloc(strlen(cwd) + len + 2U);
    memcpy(out, cwd, strlen(cwd));
    out[strlen(cwd)] = '/';
    memcpy(out + strlen(cwd) + 1U, path, len + 1U);
    free(cwd);
    return out;
}
