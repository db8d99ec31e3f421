/*
 * Batches at http(s) URLs: the one place cloak talks to a network (libcurl, when built with it).
 *
 * A service account downloads its batch from a server that authenticates it with the account's
 * access credential ("Authorization: Bearer cloak-sa.KEYID.CREDENTIAL"). The transport adds no
 * trust: the batch is checked afterwards exactly as a file is (signature, vault, freshness, expiry).
 * What the transport must guard is the credential: it is sent only over verified TLS, or in the
 * clear to this machine alone, never after a redirect, and never printed; and a message names the
 * host and path of a URL but never its user name, password or query string (they may hold tokens).
 */
#ifndef CLOAK_CLI_FETCH_H
#define CLOAK_CLI_FETCH_H

#include <stddef.h>

/* 1 when a FILE operand is a URL: it begins with http:// or https:// (the scheme in any case). */
int fetch_is_url(const char *operand);

/* A URL operand, checked. */
struct fetch_target {
    const char *url; /* the operand, as given */
    const char *shown; /* scheme://host[:port]/path, for messages (kept until exit) */
    int https;
};

/* Checks a URL before anything else happens, without any connection: http or https with a host;
 * no user name or password in it; plain http only to a loopback host (127.0.0.0/8, ::1,
 * localhost); --ca-file (`ca_file`, NULL when not given) only with https, and readable. Exits with
 * CLI_EXIT_USAGE (CLI_EXIT_FILE for an unreadable CA file; CLI_EXIT_FETCH when cloak was built
 * without libcurl). */
void fetch_prepare(struct fetch_target *t, const char *url, const char *ca_file);

/* GETs the target with "Authorization: Bearer `bearer`" and "Accept: text/plain"; returns the body
 * of a 200 answer (malloc'd, NUL-terminated, at most `max` bytes, the count in *len). `bearer` is a
 * secret buffer (cli_secret_alloc) that this takes over and frees as soon as the request holds it,
 * so that no copy of the credential outlives the transfer. Any failure (name resolution,
 * connection, TLS, timeout, a status other than 200, a body over `max`) exits with CLI_EXIT_FETCH
 * and one line naming t->shown. */
char *fetch_get(const struct fetch_target *t, char *bearer, const char *ca_file, size_t max, size_t *len);

/* The name of a URL operand for messages (as t->shown); kept until exit. */
const char *fetch_shown_name(const char *url);

#endif /* CLOAK_CLI_FETCH_H */
