/* The terminal prompt: echo off through termios on /dev/tty (not standard input, which may carry a
 * key or a batch), restored whatever happens. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cloak.h"
#include "cli.h"
#include "prompt.h"

/* What a signal handler needs to give the terminal its echo back. */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
#define CAUGHT_COUNT (sizeof(caught_signals) / sizeof(caught_signals[0]))

static void restore_and_reraise(int sig)
{
    if (tty_fd >= 0) {
        (void)tcsetattr((int)tty_fd, TCSAFLUSH, &tty_saved);
    }
    /* Die (or stop) as the signal would have made us, with the terminal sane. */
    (void)signal(sig, SIG_DFL);
    (void)raise(sig);
}

static void put(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        s += (size_t)w;
        n -= (size_t)w;
    }
}

long cli_prompt_hidden(const char *prompt, char *buf, size_t cap, int code)
{
    struct sigaction sa;
    struct sigaction old[CAUGHT_COUNT];
    struct termios quiet;
    size_t len = 0;
    size_t i;
    int too_long = 0;
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        return -1;
    }
    if (tcgetattr(fd, &tty_saved) != 0) {
        (void)close(fd);
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = restore_and_reraise;
    (void)sigemptyset(&sa.sa_mask);
    for (i = 0; i < CAUGHT_COUNT; i++) {
        (void)sigaction(caught_signals[i], &sa, &old[i]);
    }
    tty_fd = fd;
    quiet = tty_saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    quiet.c_lflag |= (tcflag_t)ICANON;
    (void)tcsetattr(fd, TCSAFLUSH, &quiet);
    put(fd, prompt);

    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0 || c == '\n' || c == '\r') {
            break;
        }
        if (len + 1U < cap) {
            buf[len++] = c;
        } else {
            too_long = 1;
        }
        cli_wipe(&c, sizeof(c));
    }
    buf[len] = '\0';

    (void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
    tty_fd = -1;
    for (i = 0; i < CAUGHT_COUNT; i++) {
        (void)sigaction(caught_signals[i], &old[i], NULL);
    }
    put(fd, "\n");
    (void)close(fd);
    if (too_long) {
        cli_wipe(buf, cap);
        cli_fail(code, "the line typed is longer than %zu bytes; is it the right text?", cap - 1U);
    }
    return (long)len;
}

char *cli_passphrase(const char *keyring_path, int confirm, size_t *len)
{
    const size_t cap = CLOAK_PASSWORDBYTES_MAX + 1U; /* the longest passphrase libcloak takes, and a NUL */
    const char *env = getenv(CLI_ENV_PASSPHRASE);
    char *pass = cli_secret_alloc(cap);
    long n;

    if (env != NULL && env[0] != '\0') {
        size_t l = strlen(env);
        if (l > CLOAK_PASSWORDBYTES_MAX) {
            cli_fail(CLI_EXIT_KEYRING, "%s is longer than %u bytes; use a shorter passphrase", CLI_ENV_PASSPHRASE,
                     CLOAK_PASSWORDBYTES_MAX);
        }
        memcpy(pass, env, l);
        *len = l;
        return pass;
    }
    {
        /* The prompt names the keyring, so a user with several knows which passphrase is meant. */
        size_t plen = strlen(keyring_path) + 64U;
        char *prompt = cli_alloc(plen);
        memcpy(prompt, "Passphrase for ", 15);
        memcpy(prompt + 15, keyring_path, strlen(keyring_path));
        memcpy(prompt + 15 + strlen(keyring_path), ": ", 3);
        n = cli_prompt_hidden(prompt, pass, cap, CLI_EXIT_KEYRING);
        free(prompt);
    }
    if (n < 0) {
        cli_fail(CLI_EXIT_KEYRING, "no passphrase for the keyring: set %s or run cloak from a terminal",
                 CLI_ENV_PASSPHRASE);
    }
    if (n == 0) {
        cli_fail(CLI_EXIT_KEYRING, "empty passphrase; run the command again and type the passphrase");
    }
    if (confirm) {
        char *again = cli_secret_alloc(cap);
        long m = cli_prompt_hidden("Repeat the passphrase: ", again, cap, CLI_EXIT_KEYRING);
        if (m != n || memcmp(pass, again, (size_t)n) != 0) {
            cli_fail(CLI_EXIT_KEYRING, "the two passphrases differ; run the command again");
        }
        cli_secret_free(again);
    }
    *len = (size_t)n;
    return pass;
}
