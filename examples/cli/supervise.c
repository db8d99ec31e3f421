/* cloak run's supervised mode (supervise.h).
 *
 * Signals: the ones a job controller or a CI runner sends to stop or poke a command are forwarded
 * to the child, but only when a process sent them (kill(2), si_code SI_USER or SI_QUEUE). The
 * child stays in cloak's process group, so a signal the terminal generates (Ctrl-C, Ctrl-\, a
 * window size change, a hangup) already reaches it: forwarding that too would deliver it twice,
 * and many programs read a second Ctrl-C as "abort now, skip the cleanup". SIGTSTP, SIGTTIN and
 * SIGTTOU keep their default: they stop cloak and the child together, as job control expects.
 *
 * The handlers only call kill(2) and write(2) (async-signal-safe); all other work happens in the
 * poll loop, woken through a self-pipe when the child changes state. The child is reaped with the
 * forwarded signals blocked until child_pid is cleared: a handler running in between would send
 * its signal to whatever process the system has given the freed pid to. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "childenv.h"
#include "cli.h"
#include "mask.h"
#include "supervise.h"

#define READ_CHUNK 65536U

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH, SIGCONT};
#define FORWARDED_COUNT (sizeof(forwarded) / sizeof(forwarded[0]))

static volatile pid_t child_pid;
static int wake_fds[2] = {-1, -1};
static struct sigaction saved_forwarded[FORWARDED_COUNT];
static struct sigaction saved_chld;
static struct sigaction saved_pipe;
static sigset_t saved_mask;
static sigset_t handled;
static sigset_t forwarded_set;

static void on_forwarded(int sig, siginfo_t *info, void *ctx)
{
    int saved_errno = errno;
    int from_process = info == NULL || info->si_code == SI_USER || info->si_code == SI_QUEUE;

    (void)ctx;
#ifdef SI_TKILL
    from_process = from_process || (info != NULL && info->si_code == SI_TKILL);
#endif
    if (child_pid > 0 && from_process) {
        (void)kill(child_pid, sig);
    }
    errno = saved_errno;
}

static void on_child(int sig)
{
    int saved_errno = errno;

    (void)sig;
    (void)!write(wake_fds[1], "c", 1);
    errno = saved_errno;
}

static void set_cloexec(int fd)
{
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static void make_pipe(int fds[2])
{
    if (pipe(fds) != 0) {
        cli_fail(CLI_EXIT_CANNOT_EXEC, "run: cannot make a pipe (%s)", strerror(errno));
    }
    set_cloexec(fds[0]);
    set_cloexec(fds[1]);
}

/* cloak's stdout and stderr are the same file (2>&1, or one terminal): one pipe keeps the order. */
static int same_output(void)
{
    struct stat a;
    struct stat b;

    return fstat(STDOUT_FILENO, &a) == 0 && fstat(STDERR_FILENO, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

static void install_handlers(void)
{
    struct sigaction sa;
    size_t i;

    sigemptyset(&forwarded_set);
    for (i = 0; i < FORWARDED_COUNT; i++) {
        sigaddset(&forwarded_set, forwarded[i]);
    }
    handled = forwarded_set;
    sigaddset(&handled, SIGCHLD);
    /* Nothing is delivered until the child's pid is known (parent) or the defaults are back (child). */
    (void)sigprocmask(SIG_BLOCK, &handled, &saved_mask);

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_forwarded;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sa.sa_mask = handled;
    for (i = 0; i < FORWARDED_COUNT; i++) {
        (void)sigaction(forwarded[i], &sa, &saved_forwarded[i]);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_child;
    sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
    sa.sa_mask = handled;
    (void)sigaction(SIGCHLD, &sa, &saved_chld);
    /* A reader of cloak's output that went away shows as EPIPE; cloak then closes the child's pipe,
     * so the child meets the broken pipe itself, as it would without cloak. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    (void)sigaction(SIGPIPE, &sa, &saved_pipe);
}

/* In the child: the dispositions and mask cloak had, so the command starts as it would by exec. */
static void restore_handlers(void)
{
    size_t i;

    for (i = 0; i < FORWARDED_COUNT; i++) {
        (void)sigaction(forwarded[i], &saved_forwarded[i], NULL);
    }
    (void)sigaction(SIGCHLD, &saved_chld, NULL);
    (void)sigaction(SIGPIPE, &saved_pipe, NULL);
    (void)sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

/* Moves fd to `target` in the child, keeping it across exec. Returns 0, or -1 with errno set. */
static int child_dup(int fd, int target)
{
    if (fd < 0) {
        return -1;
    }
    if (fd == target) {
        return fcntl(fd, F_SETFD, 0) == -1 ? -1 : 0;
    }
    return dup2(fd, target) == -1 ? -1 : 0;
}

static void child_run(char *const argv[], char **env, int report_fd, int out_w, int err_w)
{
    int e;

    if (out_w >= 0) {
        /* Above the standard descriptors first, so that one dup2 cannot close the other's source. */
        int o = fcntl(out_w, F_DUPFD, 3);
        int r = fcntl(err_w >= 0 ? err_w : out_w, F_DUPFD, 3);
        /* Without the pipes in place the command would write to cloak's own outputs, unmasked:
         * it is not run at all. */
        if (child_dup(o, STDOUT_FILENO) != 0 || child_dup(r, STDERR_FILENO) != 0) {
            e = errno;
            (void)!write(report_fd, &e, sizeof(e));
            _exit(CLI_EXIT_CANNOT_EXEC);
        }
        /* The copies must not stay open in the command (F_DUPFD does not keep close-on-exec). */
        if (o != STDOUT_FILENO && o != STDERR_FILENO) {
            (void)close(o);
        }
        if (r != STDOUT_FILENO && r != STDERR_FILENO) {
            (void)close(r);
        }
    }
    restore_handlers();
    cli_core_dumps_restore();
    e = child_exec(argv, env, getenv("PATH"));
    (void)!write(report_fd, &e, sizeof(e));
    _exit(e == ENOENT || e == ENOTDIR ? CLI_EXIT_NOT_FOUND : CLI_EXIT_CANNOT_EXEC);
}

void supervise_start(struct supervised *sv, char *const argv[], char **env, int pipes)
{
    int report[2];
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    int e;
    pid_t pid;

    make_pipe(report);
    make_pipe(wake_fds);
    (void)fcntl(wake_fds[0], F_SETFL, O_NONBLOCK);
    (void)fcntl(wake_fds[1], F_SETFL, O_NONBLOCK);
    if (pipes) {
        make_pipe(out);
        if (!same_output()) {
            make_pipe(err);
        }
    }
    install_handlers();
    pid = fork();
    if (pid < 0) {
        e = errno;
        restore_handlers();
        cli_fail(CLI_EXIT_CANNOT_EXEC, "run: cannot start a process for %s (%s)", argv[0], strerror(e));
    }
    if (pid == 0) {
        child_run(argv, env, report[1], out[1], err[1]);
    }
    child_pid = pid;
    sv->pid = pid;
    sv->out_fd = out[0];
    sv->err_fd = err[0];
    (void)close(report[1]);
    if (out[1] >= 0) {
        (void)close(out[1]);
    }
    if (err[1] >= 0) {
        (void)close(err[1]);
    }
    sv->report_fd = report[0];
    sv->name = argv[0];
    (void)sigprocmask(SIG_UNBLOCK, &handled, NULL);
}

/* Reaps the child if it has ended: returns its pid (and *status), 0 while it runs, -1 on error.
 * The waitpid frees the pid for reuse, so no forwarded signal may be handled until child_pid no
 * longer holds it; one that arrives meanwhile stays pending and finds child_pid 0. */
static pid_t reap(pid_t pid, int *status)
{
    sigset_t old;
    pid_t w;
    int e;

    (void)sigprocmask(SIG_BLOCK, &forwarded_set, &old);
    w = waitpid(pid, status, WNOHANG);
    e = errno;
    if (w == pid) {
        child_pid = 0;
    }
    (void)sigprocmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return w;
}

/* End of file: exec succeeded (the pipe closed on exec). An errno: the child could not start. */
static void check_started(struct supervised *sv, struct mask *m)
{
    int e = 0;
    size_t got = 0;

    while (got < sizeof(e)) {
        ssize_t r = read(sv->report_fd, (char *)&e + got, sizeof(e) - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        got += (size_t)r;
    }
    (void)close(sv->report_fd);
    sv->report_fd = -1;
    if (got == sizeof(e)) {
        int status;
        /* The child exits right after its report. Its SIGCHLD wakes the poll (a byte written before
         * the poll stays in the pipe), so the forwarded signals are not held back while it ends. */
        while (reap(sv->pid, &status) == 0) {
            struct pollfd p;
            char drain[64];
            p.fd = wake_fds[0];
            p.events = POLLIN;
            (void)poll(&p, 1, -1);
            while (read(wake_fds[0], drain, sizeof(drain)) > 0) {
            }
        }
        mask_free(m);
        cli_fail(e == ENOENT || e == ENOTDIR ? CLI_EXIT_NOT_FOUND : CLI_EXIT_CANNOT_EXEC,
                 "run: cannot run %s: %s; check the command name and PATH", sv->name, strerror(e));
    }
}

static long long now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000L;
}

struct outstream {
    int fd; /* the pipe from the child; -1 once closed */
    struct mask_stream ms;
    long long last_data;
};

static void stream_close(struct outstream *o)
{
    if (o->fd >= 0) {
        mask_stream_flush(&o->ms);
        (void)close(o->fd);
        o->fd = -1;
    }
}

void supervise_finish(struct supervised *sv, struct mask *m, void (*cleanup)(void))
{
    struct outstream streams[2];
    size_t nstreams = 0;
    uint8_t *buf = cli_secret_alloc(READ_CHUNK);
    int exited = 0;
    int status = 0;
    long long quiet_since = now_ms();
    size_t i;
    int sig;

    check_started(sv, m);
    if (sv->out_fd >= 0) {
        streams[nstreams].fd = sv->out_fd;
        mask_stream_init(&streams[nstreams].ms, m, STDOUT_FILENO);
        streams[nstreams].last_data = quiet_since;
        nstreams++;
    }
    if (sv->err_fd >= 0) {
        streams[nstreams].fd = sv->err_fd;
        mask_stream_init(&streams[nstreams].ms, m, STDERR_FILENO);
        streams[nstreams].last_data = quiet_since;
        nstreams++;
    }
    for (;;) {
        struct pollfd pfd[3];
        struct outstream *owner[3];
        size_t nfds = 0;
        size_t open_streams = 0;
        long long now = now_ms();
        long long wait = -1;
        int rc;

        if (!exited) {
            if (reap(sv->pid, &status) == sv->pid) {
                exited = 1;
                quiet_since = now;
            }
        }
        for (i = 0; i < nstreams; i++) {
            struct outstream *o = &streams[i];
            if (o->fd < 0) {
                continue;
            }
            if (mask_stream_pending(&o->ms)) {
                long long left = o->last_data + SUPERVISE_IDLE_MS - now;
                if (left <= 0) {
                    mask_stream_flush(&o->ms);
                } else if (wait < 0 || left < wait) {
                    wait = left;
                }
            }
        }
        if (exited) {
            /* Whatever the command left running may hold the pipes open forever: read on while
             * output keeps coming, and stop once it has been quiet for the idle time. */
            long long left = quiet_since + SUPERVISE_IDLE_MS - now;
            if (left <= 0) {
                for (i = 0; i < nstreams; i++) {
                    stream_close(&streams[i]);
                }
            } else if (wait < 0 || left < wait) {
                wait = left;
            }
        }
        for (i = 0; i < nstreams; i++) {
            if (streams[i].fd >= 0) {
                pfd[nfds].fd = streams[i].fd;
                pfd[nfds].events = POLLIN;
                owner[nfds] = &streams[i];
                nfds++;
                open_streams++;
            }
        }
        if (exited && open_streams == 0) {
            break;
        }
        pfd[nfds].fd = wake_fds[0];
        pfd[nfds].events = POLLIN;
        owner[nfds] = NULL;
        nfds++;
        rc = poll(pfd, (nfds_t)nfds, (int)wait);
        if (rc < 0) {
            if (errno == EINTR) {
                continue;
            }
            cli_fail(CLI_EXIT_INTERNAL, "run: poll failed (%s)", strerror(errno));
        }
        now = now_ms();
        for (i = 0; i < nfds; i++) {
            struct outstream *o = owner[i];
            ssize_t n;
            if ((pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            if (o == NULL) {
                char drain[64];
                while (read(wake_fds[0], drain, sizeof(drain)) > 0) {
                }
                continue;
            }
            n = read(o->fd, buf, READ_CHUNK);
            if (n > 0) {
                o->last_data = now;
                quiet_since = now;
                if (mask_stream_feed(&o->ms, buf, (size_t)n) < 0) {
                    stream_close(o);
                }
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                stream_close(o);
            }
        }
    }
    for (i = 0; i < nstreams; i++) {
        stream_close(&streams[i]);
        mask_stream_end(&streams[i].ms);
    }
    cli_secret_free(buf);
    mask_free(m);
    if (cleanup != NULL) {
        cleanup();
    }
    cli_secrets_wipe_all();
    if (WIFEXITED(status)) {
        exit(WEXITSTATUS(status));
    }
    /* Killed by a signal: die of the same one, so whoever waits for cloak sees what it would have
     * seen without cloak (a shell's $? of 128+N, WIFSIGNALED for a program). */
    sig = WTERMSIG(status);
    {
        struct sigaction sa;
        sigset_t one;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = SIG_DFL;
        (void)sigaction(sig, &sa, NULL);
        sigemptyset(&one);
        sigaddset(&one, sig);
        (void)sigprocmask(SIG_UNBLOCK, &one, NULL);
        (void)raise(sig);
    }
    exit(128 + sig);
}
