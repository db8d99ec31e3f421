/* Reading a passphrase (or a pasted key) from the terminal with echo off. */
#ifndef CLOAK_CLI_PROMPT_H
#define CLOAK_CLI_PROMPT_H

#include <stddef.h>

/* Writes `prompt` to /dev/tty and reads one line with echo off into buf (secret memory of `cap`
 * bytes), NUL-terminated, without its newline. Returns the length, or -1 when there is no terminal.
 * A line that does not fit exits with `code`. The terminal is restored on every path, including
 * when a signal interrupts. */
long cli_prompt_hidden(const char *prompt, char *buf, size_t cap, int code);

/* The keyring passphrase in secret memory: CLOAK_PASSPHRASE if set, else asked on the terminal
 * (twice when `confirm`, for a new keyring). Exits with CLI_EXIT_KEYRING when there is neither. */
char *cli_passphrase(const char *keyring_path, int confirm, size_t *len);

#endif /* CLOAK_CLI_PROMPT_H */
