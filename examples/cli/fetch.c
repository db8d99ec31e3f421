/* Batches at http(s) URLs with libcurl (see fetch.h for what this file guards and why). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "fetch.h"

int fetch_is_url(const char *operand)
{
    return strncasecmp(operand, "https://", 8) == 0 || strncasecmp(operand, "http://", 7) == 0;
}

#ifndef CLOAK_CLI_HAVE_CURL

#define NO_CURL                                                                                            \
    "cannot fetch a batch from a URL: this cloak was built without libcurl (meson option url); download " \
    "the batch file by other means and give its path"

void fetch_prepare(struct fetch_target *t, const char *url, const char *ca_file)
{
    (void)t;
    (void)url;
    (void)ca_file;
    cli_fail(CLI_EXIT_FETCH, NO_CURL);
}

char *fetch_get(const struct fetch_target *t, char *bearer, const char *ca_file, size_t max, size_t *len)
{
    (void)t;
    cli_secret_free(bearer);
    (void)ca_file;
    (void)max;
    (void)len;
    cli_fail(CLI_EXIT_FETCH, NO_CURL);
}

const char *fetch_shown_name(const char *url)
{
    (void)url;
    return "the URL";
}

#else /* CLOAK_CLI_HAVE_CURL */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "cloak.h"

/* Limits of one download (docs/cli.md, "Batches at URLs"). A stalled server is given up on long
 * before the overall limit, which leaves a slow link about 200 KiB/s for the largest batch. */
#define FETCH_CONNECT_SECONDS 30L
#define FETCH_STALL_SECONDS 60L
#define FETCH_TOTAL_SECONDS 300L

/* The parts of a URL cloak looks at, as curl's own parser (the one the transfer uses) sees them. */
struct url_parts {
    char *scheme;
    char *host;
    char *port;  /* NULL when the URL names none */
    char *path;
    char *query; /* NULL when none: never shown, only kept out of messages */
    char *user;
    char *password;
};

static void url_parts_free(struct url_parts *p)
{
    curl_free(p->scheme);
    curl_free(p->host);
    curl_free(p->port);
    curl_free(p->path);
    curl_free(p->query);
    curl_free(p->user);
    curl_free(p->password);
    memset(p, 0, sizeof(*p));
}

static char *url_part(CURLU *u, CURLUPart what)
{
    char *s = NULL;

    if (curl_url_get(u, what, &s, 0) != CURLUE_OK) {
        return NULL;
    }
    return s;
}

/* Returns a CURLUcode; the parts are set only on CURLUE_OK. */
static CURLUcode url_split(struct url_parts *p, const char *url)
{
    CURLU *u = curl_url();
    CURLUcode rc;

    memset(p, 0, sizeof(*p));
    if (u == NULL) {
        cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    rc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (rc == CURLUE_OK) {
        p->scheme = url_part(u, CURLUPART_SCHEME);
        p->host = url_part(u, CURLUPART_HOST);
        p->port = url_part(u, CURLUPART_PORT);
        p->path = url_part(u, CURLUPART_PATH);
        p->query = url_part(u, CURLUPART_QUERY);
        p->user = url_part(u, CURLUPART_USER);
        p->password = url_part(u, CURLUPART_PASSWORD);
        if (p->scheme == NULL || p->host == NULL || p->host[0] == '\0') {
            url_parts_free(p);
            rc = CURLUE_NO_HOST;
        }
    }
    curl_url_cleanup(u);
    return rc;
}

/* scheme://host[:port]/path: enough to say where, nothing that may be a token. */
static char *url_shown(const struct url_parts *p)
{
    const char *path = p->path != NULL ? p->path : "/";
    size_t n = strlen(p->scheme) + 3U + strlen(p->host) + (p->port != NULL ? strlen(p->port) + 1U : 0U) +
               strlen(path) + 1U;
    char *s = cli_alloc(n);

    strcpy(s, p->scheme);
    strcat(s, "://");
    strcat(s, p->host);
    if (p->port != NULL) {
        strcat(s, ":");
        strcat(s, p->port);
    }
    strcat(s, path);
    return s;
}

/* One URL operand per run: its shown form is made once and kept until exit. */
static const char *cached_url;
static char *cached_shown;

const char *fetch_shown_name(const char *url)
{
    struct url_parts p;

    if (cached_url != NULL && strcmp(cached_url, url) == 0) {
        return cached_shown;
    }
    if (url_split(&p, url) != CURLUE_OK) {
        return "the URL";
    }
    free(cached_shown);
    cached_shown = url_shown(&p);
    cached_url = url;
    url_parts_free(&p);
    return cached_shown;
}

static int ipv4_is_loopback(const struct in_addr *a)
{
    return (ntohl(a->s_addr) >> 24) == 127U;
}

/* localhost, 127.0.0.0/8 or [::1], as written in the URL. Anything else (another spelling of a
 * loopback address included) is not, which only refuses more. */
static int host_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    char inner[64];
    size_t n = strlen(host);

    if (strcasecmp(host, "localhost") == 0) {
        return 1;
    }
    if (inet_pton(AF_INET, host, &a4) == 1) {
        return ipv4_is_loopback(&a4);
    }
    if (n > 2U && n - 2U < sizeof(inner) && host[0] == '[' && host[n - 1U] == ']') {
        memcpy(inner, host + 1, n - 2U);
        inner[n - 2U] = '\0';
        return inet_pton(AF_INET6, inner, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    return 0;
}

void fetch_prepare(struct fetch_target *t, const char *url, const char *ca_file)
{
    struct url_parts p;
    CURLUcode rc = url_split(&p, url);

    memset(t, 0, sizeof(*t));
    if (rc != CURLUE_OK) {
        /* The URL itself is not shown: it did not parse, so its parts cannot be told apart. */
        cli_fail(CLI_EXIT_USAGE, "FILE looks like a URL but is not a valid one (curl: %s); check it",
                 curl_url_strerror(rc));
    }
    t->url = url;
    t->shown = fetch_shown_name(url);
    t->https = strcmp(p.scheme, "https") == 0;
    if (p.user != NULL || p.password != NULL) {
        url_parts_free(&p);
        cli_fail(CLI_EXIT_USAGE,
                 "%s: the URL carries a user name or password; cloak authenticates with the account's credential, so "
                 "remove them",
                 t->shown);
    }
    if (!t->https && !host_is_loopback(p.host)) {
        url_parts_free(&p);
        cli_fail(CLI_EXIT_USAGE,
                 "%s: plain http is allowed only to this machine (127.0.0.0/8, ::1, localhost), since the account's "
                 "credential would cross the network in the clear; use https://",
                 t->shown);
    }
    url_parts_free(&p);
    if (ca_file != NULL) {
        int fd;
        if (!t->https) {
            cli_fail(CLI_EXIT_USAGE, "--ca-file applies only to an https:// URL; %s is plain http", t->shown);
        }
        fd = open(ca_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            cli_fail(CLI_EXIT_FILE, "cannot open the CA file %s: %s; check the path given to --ca-file", ca_file,
                     strerror(errno));
        }
        close(fd);
    }
}

struct transfer {
    CURL *curl;
    char *data;
    size_t len;
    size_t cap;
    size_t max;
    int too_large;
    int not_ok;          /* a status other than 200: its body is not read */
    int refused_address; /* plain http resolved to an address outside loopback */
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *x = userdata;
    size_t n = size * nmemb;
    long status = 0;

    /* An error page is not read: the status says all cloak reports. */
    if (curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200) {
        x->not_ok = 1;
        return 0;
    }
    /* Checked while the body arrives: a server that announces no length, or a wrong one, still
     * cannot make cloak hold more than a batch file may be. */
    if (n > x->max - x->len) {
        x->too_large = 1;
        return 0;
    }
    if (x->len + n + 1U > x->cap) {
        size_t grown = x->cap * 2U;
        if (grown < x->len + n + 1U) {
            grown = x->len + n + 1U;
        }
        if (grown > x->max + 1U) {
            grown = x->max + 1U;
        }
        x->data = cli_realloc(x->data, grown);
        x->cap = grown;
    }
    memcpy(x->data + x->len, ptr, n);
    x->len += n;
    return n;
}

static int sockaddr_is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        return ipv4_is_loopback(&((const struct sockaddr_in *)(const void *)sa)->sin_addr);
    }
    if (sa->sa_family == AF_INET6) {
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
    }
    return 0;
}

/* For plain http, the address curl is about to connect to must be loopback too: the URL's host was
 * checked by name, and "localhost" is whatever the resolver says. */
static curl_socket_t open_loopback_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
    struct transfer *x = clientp;
    int fd;

    if (purpose != CURLSOCKTYPE_IPCXN || !sockaddr_is_loopback(&address->addr)) {
        x->refused_address = 1;
        return CURL_SOCKET_BAD;
    }
    fd = socket(address->family, address->socktype, address->protocol);
    if (fd >= 0) {
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    return fd < 0 ? CURL_SOCKET_BAD : fd;
}

/* curl's own explanation, unless it repeats a part of the URL that messages never show. */
static const char *reason(const char *errbuf, CURLcode rc, const char *url)
{
    struct url_parts p;
    const char *why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);

    if (errbuf[0] != '\0' && url_split(&p, url) == CURLUE_OK) {
        if ((p.query != NULL && p.query[0] != '\0' && strstr(errbuf, p.query) != NULL) ||
            strstr(errbuf, url) != NULL) {
            why = curl_easy_strerror(rc);
        }
        url_parts_free(&p);
    }
    return why;
}

static void fail_status(const struct fetch_target *t, long status)
{
    if (status == 401 || status == 403) {
        cli_fail(CLI_EXIT_FETCH,
                 "cannot fetch the batch from %s: the server refused the account's credential (HTTP %ld); check that "
                 "the server has the account's verifier (cloak credential --verifier) and that this is the account's key",
                 t->shown, status);
    }
    if (status == 404) {
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: not found (HTTP 404); check the URL", t->shown);
    }
    if (status >= 300 && status < 400) {
        /* The target is not shown: a Location may carry a token of its own. */
        cli_fail(CLI_EXIT_FETCH,
                 "cannot fetch the batch from %s: the server redirects elsewhere (HTTP %ld), and cloak follows no "
                 "redirect so that the credential goes only to the host named; give the final URL",
                 t->shown, status);
    }
    cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: the server answered HTTP %ld instead of 200; try again later or ask the server's operator",
             t->shown, status);
}

static void fail_transfer(const struct fetch_target *t, const struct transfer *x, CURLcode rc, const char *errbuf,
                          size_t max)
{
    const char *why = reason(errbuf, rc, t->url);

    if (x->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: the answer is larger than the batch file limit of %zu bytes; is it the right URL?",
                 t->shown, max);
    }
    if (x->refused_address) {
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: the host name resolves to an address outside this machine, and plain http goes only to loopback; use https://",
                 t->shown);
    }
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: the host name does not resolve (curl: %s); check the URL and the network",
                 t->shown, why);
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s through the proxy (curl: %s); check https_proxy and no_proxy",
                 t->shown, why);
    case CURLE_COULDNT_CONNECT:
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: cannot connect (curl: %s); check the URL and that the server is up",
                 t->shown, why);
    case CURLE_OPERATION_TIMEDOUT:
        cli_fail(CLI_EXIT_FETCH,
                 "cannot fetch the batch from %s: timed out (%ld s to connect, %ld s without data, %ld s in all) (curl: %s); try again later",
                 t->shown, FETCH_CONNECT_SECONDS, FETCH_STALL_SECONDS, FETCH_TOTAL_SECONDS, why);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        cli_fail(CLI_EXIT_FETCH,
                 "cannot fetch the batch from %s: the server's TLS certificate is not trusted (curl: %s); pass --ca-file "
                 "with the CA that issued it, or fix the server's certificate",
                 t->shown, why);
    case CURLE_SSL_CONNECT_ERROR:
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: the TLS handshake failed (curl: %s); check that the URL is the server's https port",
                 t->shown, why);
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s: the connection ended before the whole answer arrived (curl: %s); try again",
                 t->shown, why);
    default:
        cli_fail(CLI_EXIT_FETCH, "cannot fetch the batch from %s (curl: %s)", t->shown, why);
    }
}

static void set(CURLcode *acc, CURLcode rc)
{
    if (*acc == CURLE_OK) {
        *acc = rc;
    }
}

/* The request's headers; the bearer's copy in curl's list is wiped before the list is freed. */
static struct curl_slist *request_headers(const char *bearer)
{
    static const char auth[] = "Authorization: Bearer ";
    size_t n = sizeof(auth) - 1U + strlen(bearer);
    char *line = cli_secret_alloc(n + 1U);
    struct curl_slist *list;
    struct curl_slist *more;

    memcpy(line, auth, sizeof(auth) - 1U);
    memcpy(line + sizeof(auth) - 1U, bearer, strlen(bearer));
    list = curl_slist_append(NULL, line);
    cli_secret_free(line);
    more = list != NULL ? curl_slist_append(list, "Accept: text/plain") : NULL;
    if (more == NULL) {
        cli_fail(CLI_EXIT_INTERNAL, "out of memory");
    }
    return more;
}

static void free_headers(struct curl_slist *list)
{
    struct curl_slist *l;

    for (l = list; l != NULL; l = l->next) {
        cli_wipe(l->data, strlen(l->data));
    }
    curl_slist_free_all(list);
}

char *fetch_get(const struct fetch_target *t, char *bearer, const char *ca_file, size_t max, size_t *len)
{
    char errbuf[CURL_ERROR_SIZE];
    struct transfer x;
    struct curl_slist *headers;
    CURLcode opt = CURLE_OK;
    CURLcode rc;
    long status = 0;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        cli_fail(CLI_EXIT_INTERNAL, "libcurl could not start");
    }
    memset(&x, 0, sizeof(x));
    memset(errbuf, 0, sizeof(errbuf));
    x.max = max;
    x.curl = curl_easy_init();
    if (x.curl == NULL) {
        cli_fail(CLI_EXIT_INTERNAL, "libcurl could not start");
    }
    headers = request_headers(bearer);
    cli_secret_free(bearer);
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_URL, t->url));
#if LIBCURL_VERSION_NUM >= 0x075500
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_PROTOCOLS_STR, "http,https"));
#else
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)));
#endif
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_HTTPGET, 1L));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_HTTPHEADER, headers));
    /* Headers of our own go to the server only, never to a proxy. */
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_HEADEROPT, (long)CURLHEADER_SEPARATE));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_USERAGENT, "cloak/" CLOAK_VERSION_STRING));
    /* A 3xx is a failure: following it would send the credential to a host the user did not name. */
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_FOLLOWLOCATION, 0L));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_SSL_VERIFYPEER, 1L));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_SSL_VERIFYHOST, 2L));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2));
    if (ca_file != NULL) {
        /* --ca-file replaces the system's CAs: a private CA is then the only one that can vouch. */
        set(&opt, curl_easy_setopt(x.curl, CURLOPT_CAINFO, ca_file));
        set(&opt, curl_easy_setopt(x.curl, CURLOPT_CAPATH, (const char *)NULL));
    }
    if (!t->https) {
        /* Plain http reaches this machine only: no proxy (it would see the credential), and every
         * address connected to is checked. */
        set(&opt, curl_easy_setopt(x.curl, CURLOPT_PROXY, ""));
        set(&opt, curl_easy_setopt(x.curl, CURLOPT_OPENSOCKETFUNCTION, open_loopback_socket));
        set(&opt, curl_easy_setopt(x.curl, CURLOPT_OPENSOCKETDATA, &x));
    }
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_SECONDS));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_LOW_SPEED_LIMIT, 1L));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_LOW_SPEED_TIME, FETCH_STALL_SECONDS));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_TIMEOUT, FETCH_TOTAL_SECONDS));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_NOSIGNAL, 1L));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_WRITEFUNCTION, on_body));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_WRITEDATA, &x));
    set(&opt, curl_easy_setopt(x.curl, CURLOPT_ERRORBUFFER, errbuf));
    if (opt != CURLE_OK) {
        free_headers(headers);
        cli_fail(CLI_EXIT_INTERNAL, "libcurl refused an option (curl: %s); is libcurl older than 7.62?",
                 curl_easy_strerror(opt));
    }
    rc = curl_easy_perform(x.curl);
    (void)curl_easy_getinfo(x.curl, CURLINFO_RESPONSE_CODE, &status);
    /* The credential is out of cloak's memory (as far as it can reach) before any report. */
    curl_easy_cleanup(x.curl);
    free_headers(headers);
    curl_global_cleanup();
    if (status != 0 && status != 200) {
        free(x.data);
        fail_status(t, status);
    }
    if (rc != CURLE_OK) {
        free(x.data);
        fail_transfer(t, &x, rc, errbuf, max);
    }
    if (x.data == NULL) {
        x.data = cli_alloc(1U); /* an empty body: batch_file_parse says it holds no batch */
    }
    x.data[x.len] = '\0';
    *len = x.len;
    return x.data;
}

#endif /* CLOAK_CLI_HAVE_CURL */
