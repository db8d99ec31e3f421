/* cloak run --mask: secret values and their encodings replaced in a stream by a marker (mask.h).
 *
 * Every byte that lies inside an occurrence of any pattern is hidden, and each maximal stretch of
 * hidden bytes becomes one marker: overlapping or adjacent values give one marker, and no part of
 * either shows. The automaton's tables, like the patterns, reveal the values, so they live in
 * secret memory. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mask.h"
#include "unseal.h"

/* How much of the input one pass takes before writing: the held-back bytes stay below the longest
 * pattern, so the buffer is that plus this. */
#define MASK_CHUNK 65536U
#define MASK_OUT_CAP 65536U

struct mask {
    uint32_t count;       /* states; 0 is the root */
    uint32_t *depth;      /* the length of the string a state stands for */
    uint32_t *fail;       /* the state of its longest proper suffix that is in the trie */
    uint32_t *outlen;     /* the longest pattern that ends here (0: none) */
    uint32_t *first_child;
    uint32_t *next_sibling;
    uint8_t *edge;        /* the byte of the edge into a state */
    uint32_t root_next[256];
    uint32_t *hkey;       /* (state << 8 | byte) -> child, open addressing; hval 0 is empty */
    uint32_t *hval;
    uint32_t hbits;
    uint32_t maxlen;
};

/* ---- the encodings of a value ---------------------------------------------------------------- */

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t enc_base64(uint8_t *o, const uint8_t *v, size_t n, const char *alphabet, int pad)
{
    size_t len = 0;
    size_t i;

    for (i = 0; i + 2U < n; i += 3U) {
        uint32_t w = (uint32_t)v[i] << 16 | (uint32_t)v[i + 1U] << 8 | v[i + 2U];
        o[len++] = (uint8_t)alphabet[w >> 18];
        o[len++] = (uint8_t)alphabet[(w >> 12) & 63U];
        o[len++] = (uint8_t)alphabet[(w >> 6) & 63U];
        o[len++] = (uint8_t)alphabet[w & 63U];
    }
    if (n - i == 1U) {
        uint32_t w = (uint32_t)v[i] << 16;
        o[len++] = (uint8_t)alphabet[w >> 18];
        o[len++] = (uint8_t)alphabet[(w >> 12) & 63U];
        if (pad) {
            o[len++] = '=';
            o[len++] = '=';
        }
    } else if (n - i == 2U) {
        uint32_t w = (uint32_t)v[i] << 16 | (uint32_t)v[i + 1U] << 8;
        o[len++] = (uint8_t)alphabet[w >> 18];
        o[len++] = (uint8_t)alphabet[(w >> 12) & 63U];
        o[len++] = (uint8_t)alphabet[(w >> 6) & 63U];
        if (pad) {
            o[len++] = '=';
        }
    }
    return len;
}

static size_t enc_hex(uint8_t *o, const uint8_t *v, size_t n, const char *digits)
{
    size_t i;

    for (i = 0; i < n; i++) {
        o[2U * i] = (uint8_t)digits[v[i] >> 4];
        o[2U * i + 1U] = (uint8_t)digits[v[i] & 15U];
    }
    return 2U * n;
}

/* RFC 3986 percent-encoding: the unreserved characters stay, every other byte is %XX. `form`:
 * application/x-www-form-urlencoded, where a space is '+'. */
static size_t enc_percent(uint8_t *o, const uint8_t *v, size_t n, const char *digits, int form)
{
    size_t len = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        uint8_t c = v[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            o[len++] = c;
        } else if (form && c == ' ') {
            o[len++] = '+';
        } else {
            o[len++] = '%';
            o[len++] = (uint8_t)digits[c >> 4];
            o[len++] = (uint8_t)digits[c & 15U];
        }
    }
    return len;
}

static size_t put_u16(uint8_t *o, unsigned u)
{
    static const char hex[] = "0123456789abcdef";
    o[0] = '\\';
    o[1] = 'u';
    o[2] = (uint8_t)hex[(u >> 12) & 15U];
    o[3] = (uint8_t)hex[(u >> 8) & 15U];
    o[4] = (uint8_t)hex[(u >> 4) & 15U];
    o[5] = (uint8_t)hex[u & 15U];
    return 6;
}

/* Decodes one UTF-8 sequence at v (n bytes left); returns its length, 0 if it is not valid. */
static size_t utf8_next(const uint8_t *v, size_t n, uint32_t *cp)
{
    size_t len;
    size_t i;
    uint32_t c = v[0];

    if (c < 0x80U) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2U && c <= 0xDFU) {
        len = 2;
        c &= 0x1FU;
    } else if (c >= 0xE0U && c <= 0xEFU) {
        len = 3;
        c &= 0x0FU;
    } else if (c >= 0xF0U && c <= 0xF4U) {
        len = 4;
        c &= 0x07U;
    } else {
        return 0;
    }
    if (len > n) {
        return 0;
    }
    for (i = 1; i < len; i++) {
        if ((v[i] & 0xC0U) != 0x80U) {
            return 0;
        }
        c = c << 6 | (v[i] & 0x3FU);
    }
    if ((len == 3 && (c < 0x800U || (c >= 0xD800U && c <= 0xDFFFU))) || (len == 4 && (c < 0x10000U || c > 0x10FFFFU))) {
        return 0;
    }
    *cp = c;
    return len;
}

enum { JSON_PLAIN, JSON_SLASH, JSON_HTML, JSON_ASCII };

/* The value as it appears inside a JSON string, as common encoders write it: JSON_PLAIN (JavaScript's
 * JSON.stringify), JSON_SLASH ('/' as "\/", PHP), JSON_HTML ('<', '>', '&' as \u escapes, Go), and
 * JSON_ASCII (everything beyond ASCII as \u escapes, Python's default). Returns 0 for JSON_ASCII
 * when the value is not UTF-8. */
static size_t enc_json(uint8_t *o, const uint8_t *v, size_t n, int style)
{
    size_t len = 0;
    size_t i = 0;

    while (i < n) {
        uint8_t c = v[i];
        if (c == '"' || c == '\\') {
            o[len++] = '\\';
            o[len++] = c;
        } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
            o[len++] = '\\';
            o[len++] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == '\b' ? 'b' : 'f';
        } else if (c < 0x20U) {
            len += put_u16(o + len, c);
        } else if (style == JSON_SLASH && c == '/') {
            o[len++] = '\\';
            o[len++] = '/';
        } else if (style == JSON_HTML && (c == '<' || c == '>' || c == '&')) {
            len += put_u16(o + len, c);
        } else if (style == JSON_ASCII && c >= 0x80U) {
            uint32_t cp;
            size_t k = utf8_next(v + i, n - i, &cp);
            if (k == 0) {
                return 0;
            }
            if (cp >= 0x10000U) {
                cp -= 0x10000U;
                len += put_u16(o + len, 0xD800U + (cp >> 10));
                len += put_u16(o + len, 0xDC00U + (cp & 0x3FFU));
            } else {
                len += put_u16(o + len, cp);
            }
            i += k;
            continue;
        } else {
            o[len++] = c;
        }
        i++;
    }
    return len;
}

#define ENCODINGS 14U

/* Encoding number `which` of v into o (room for 6n + 4 bytes); 0 when it does not apply. */
static size_t encode(uint8_t *o, const uint8_t *v, size_t n, unsigned which)
{
    switch (which) {
    case 0:
        memcpy(o, v, n);
        return n;
    case 1:
        return enc_base64(o, v, n, b64_std, 1);
    case 2:
        return enc_base64(o, v, n, b64_std, 0);
    case 3:
        return enc_base64(o, v, n, b64_url, 1);
    case 4:
        return enc_base64(o, v, n, b64_url, 0);
    case 5:
        return enc_hex(o, v, n, "0123456789abcdef");
    case 6:
        return enc_hex(o, v, n, "0123456789ABCDEF");
    case 7:
        return enc_percent(o, v, n, "0123456789ABCDEF", 0);
    case 8:
        return enc_percent(o, v, n, "0123456789abcdef", 0);
    case 9:
        return enc_percent(o, v, n, "0123456789ABCDEF", 1);
    case 10:
        return enc_json(o, v, n, JSON_PLAIN);
    case 11:
        return enc_json(o, v, n, JSON_SLASH);
    case 12:
        return enc_json(o, v, n, JSON_HTML);
    default:
        return enc_json(o, v, n, JSON_ASCII);
    }
}

/* ---- the automaton ---------------------------------------------------------------------------- */

static uint32_t hslot(const struct mask *m, uint32_t key)
{
    return (uint32_t)(key * 2654435761U) >> (32U - m->hbits);
}

static uint32_t go(const struct mask *m, uint32_t s, uint8_t b)
{
    uint32_t key;
    uint32_t i;
    uint32_t mask;

    if (s == 0) {
        return m->root_next[b];
    }
    key = s << 8 | b;
    mask = (1U << m->hbits) - 1U;
    for (i = hslot(m, key);; i = (i + 1U) & mask) {
        if (m->hval[i] == 0) {
            return 0;
        }
        if (m->hkey[i] == key) {
            return m->hval[i];
        }
    }
}

static void add_edge(struct mask *m, uint32_t s, uint8_t b, uint32_t child)
{
    uint32_t mask = (1U << m->hbits) - 1U;
    uint32_t key = s << 8 | b;
    uint32_t i;

    m->edge[child] = b;
    m->next_sibling[child] = m->first_child[s];
    m->first_child[s] = child;
    if (s == 0) {
        m->root_next[b] = child;
        return;
    }
    for (i = hslot(m, key); m->hval[i] != 0; i = (i + 1U) & mask) {
    }
    m->hkey[i] = key;
    m->hval[i] = child;
}

static void insert(struct mask *m, const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        uint32_t t = go(m, s, p[i]);
        if (t == 0) {
            t = m->count++;
            m->depth[t] = m->depth[s] + 1U;
            add_edge(m, s, p[i], t);
        }
        s = t;
    }
    m->outlen[s] = (uint32_t)n;
    if (n > m->maxlen) {
        m->maxlen = (uint32_t)n;
    }
}

/* Failure links and the longest pattern ending at each state, breadth first. */
static void link_failures(struct mask *m)
{
    uint32_t *queue = cli_secret_alloc(cli_mul(m->count, sizeof(*queue)));
    size_t head = 0;
    size_t tail = 0;
    uint32_t c;

    for (c = m->first_child[0]; c != 0; c = m->next_sibling[c]) {
        m->fail[c] = 0;
        queue[tail++] = c;
    }
    while (head < tail) {
        uint32_t u = queue[head++];
        for (c = m->first_child[u]; c != 0; c = m->next_sibling[c]) {
            uint32_t f = m->fail[u];
            uint32_t t;
            for (;;) {
                t = go(m, f, m->edge[c]);
                if (t != 0 || f == 0) {
                    break;
                }
                f = m->fail[f];
            }
            m->fail[c] = t;
            if (m->outlen[c] == 0) {
                m->outlen[c] = m->outlen[t];
            }
            queue[tail++] = c;
        }
    }
    cli_secret_free(queue);
}

struct mask *mask_build(const struct secrets *s)
{
    struct mask *m;
    uint8_t *scratch;
    size_t total = 0;
    size_t longest = 0;
    size_t i;
    unsigned e;
    uint32_t states;

    for (i = 0; i < s->count; i++) {
        if (s->list[i].value_len >= MASK_MIN_LEN && s->list[i].value_len > longest) {
            longest = s->list[i].value_len;
        }
    }
    if (longest == 0) {
        return NULL;
    }
    if (longest > MASK_MAX_PATTERN_BYTES) {
        cli_fail(CLI_EXIT_NAME, "run: a secret value is too large to mask (over %u bytes); run without --mask",
                 MASK_MAX_PATTERN_BYTES);
    }
    scratch = cli_secret_alloc(6U * longest + 4U);
    /* First the size, so that every table is allocated once, in secret memory. */
    for (i = 0; i < s->count; i++) {
        const struct secret *x = &s->list[i];
        if (x->value_len < MASK_MIN_LEN) {
            continue;
        }
        for (e = 0; e < ENCODINGS; e++) {
            total += encode(scratch, x->value, x->value_len, e);
            if (total > MASK_MAX_PATTERN_BYTES) {
                cli_fail(CLI_EXIT_NAME,
                         "run: the secret values are too large to mask (their encodings exceed %u bytes); run without --mask, or with --only the secrets the command prints",
                         MASK_MAX_PATTERN_BYTES);
            }
        }
    }
    states = (uint32_t)total + 1U;
    m = cli_secret_alloc(sizeof(*m));
    m->depth = cli_secret_alloc(cli_mul(states, sizeof(uint32_t)));
    m->fail = cli_secret_alloc(cli_mul(states, sizeof(uint32_t)));
    m->outlen = cli_secret_alloc(cli_mul(states, sizeof(uint32_t)));
    m->first_child = cli_secret_alloc(cli_mul(states, sizeof(uint32_t)));
    m->next_sibling = cli_secret_alloc(cli_mul(states, sizeof(uint32_t)));
    m->edge = cli_secret_alloc(states);
    /* A load factor of at most one half keeps the probes short. */
    m->hbits = 4;
    while ((1UL << m->hbits) < 2UL * states) {
        m->hbits++;
    }
    m->hkey = cli_secret_alloc(cli_mul((size_t)1 << m->hbits, sizeof(uint32_t)));
    m->hval = cli_secret_alloc(cli_mul((size_t)1 << m->hbits, sizeof(uint32_t)));
    m->count = 1;
    for (i = 0; i < s->count; i++) {
        const struct secret *x = &s->list[i];
        if (x->value_len < MASK_MIN_LEN) {
            continue;
        }
        for (e = 0; e < ENCODINGS; e++) {
            size_t n = encode(scratch, x->value, x->value_len, e);
            if (n > 0) {
                insert(m, scratch, n);
            }
        }
    }
    cli_secret_free(scratch);
    link_failures(m);
    return m;
}

void mask_free(struct mask *m)
{
    if (m == NULL) {
        return;
    }
    cli_secret_free(m->depth);
    cli_secret_free(m->fail);
    cli_secret_free(m->outlen);
    cli_secret_free(m->first_child);
    cli_secret_free(m->next_sibling);
    cli_secret_free(m->edge);
    cli_secret_free(m->hkey);
    cli_secret_free(m->hval);
    cli_secret_free(m);
}

/* ---- streams ---------------------------------------------------------------------------------- */

void mask_stream_init(struct mask_stream *st, const struct mask *m, int out_fd)
{
    memset(st, 0, sizeof(*st));
    st->m = m;
    st->out_fd = out_fd;
    st->pend_cap = (m != NULL ? m->maxlen : 0U) + MASK_CHUNK + 1U;
    st->pend = cli_secret_alloc(st->pend_cap);
    /* Hidden stretches are disjoint and not adjacent (adjacent ones merge), so at most half the
     * held bytes, plus one, start one. */
    st->hid = cli_alloc(cli_mul(st->pend_cap / 2U + 2U, 2U * sizeof(size_t)));
    st->out = cli_secret_alloc(MASK_OUT_CAP);
}

static void write_all(struct mask_stream *st, const uint8_t *p, size_t n)
{
    while (n > 0 && !st->broken) {
        ssize_t w = write(st->out_fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && errno == EAGAIN) {
            /* cloak's own output was left non-blocking by whoever started it: wait until it drains. */
            struct pollfd pfd;
            pfd.fd = st->out_fd;
            pfd.events = POLLOUT;
            (void)poll(&pfd, 1, -1);
        } else {
            st->broken = 1;
        }
    }
}

static void out_flush(struct mask_stream *st)
{
    write_all(st, st->out, st->out_len);
    cli_wipe(st->out, st->out_len);
    st->out_len = 0;
}

static void out_put(struct mask_stream *st, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t room = MASK_OUT_CAP - st->out_len;
        size_t k = n < room ? n : room;
        memcpy(st->out + st->out_len, p, k);
        st->out_len += k;
        p += k;
        n -= k;
        if (st->out_len == MASK_OUT_CAP) {
            out_flush(st);
        }
    }
}

/* Hidden stretch i (counted from the head) as start/end. */
#define HID_START(st, i) ((st)->hid[2U * ((st)->hid_head + (i))])
#define HID_END(st, i) ((st)->hid[2U * ((st)->hid_head + (i)) + 1U])

/* Marks pend[start, end) hidden, merging with the stretches it touches (they all end before `end`). */
static void hide(struct mask_stream *st, size_t start, size_t end)
{
    while (st->hid_count > 0 && HID_END(st, st->hid_count - 1U) >= start) {
        size_t s0 = HID_START(st, st->hid_count - 1U);
        if (s0 < start) {
            start = s0;
        }
        st->hid_count--;
    }
    HID_START(st, st->hid_count) = start;
    HID_END(st, st->hid_count) = end;
    st->hid_count++;
}

/* Writes pend[0, upto) (hidden stretches as one marker each) and keeps the rest at the front. */
static void emit(struct mask_stream *st, size_t upto)
{
    size_t pos = 0;
    size_t i;

    while (pos < upto) {
        if (st->hid_count > 0 && HID_START(st, 0) <= pos) {
            size_t end = HID_END(st, 0);
            if (!st->last_hidden) {
                out_put(st, (const uint8_t *)MASK_MARKER, sizeof(MASK_MARKER) - 1U);
                st->last_hidden = 1;
            }
            if (end <= upto) {
                st->hid_head++;
                st->hid_count--;
                pos = end;
            } else {
                pos = upto;
            }
        } else {
            size_t next = upto;
            if (st->hid_count > 0 && HID_START(st, 0) < upto) {
                next = HID_START(st, 0);
            }
            out_put(st, st->pend + pos, next - pos);
            st->last_hidden = 0;
            pos = next;
        }
    }
    /* Shift what is held back (and its stretches) to the front. */
    memmove(st->pend, st->pend + upto, st->pend_len - upto);
    cli_wipe(st->pend + st->pend_len - upto, upto);
    st->pend_len -= upto;
    for (i = 0; i < st->hid_count; i++) {
        size_t s0 = HID_START(st, i);
        size_t e0 = HID_END(st, i);
        st->hid[2U * i] = s0 > upto ? s0 - upto : 0U;
        st->hid[2U * i + 1U] = e0 - upto;
    }
    st->hid_head = 0;
}

int mask_stream_feed(struct mask_stream *st, const uint8_t *data, size_t n)
{
    const struct mask *m = st->m;

    if (m == NULL) {
        write_all(st, data, n);
        return st->broken ? -1 : 0;
    }
    while (n > 0) {
        size_t room = st->pend_cap - st->pend_len;
        size_t k = n < room ? n : room;
        size_t i;
        for (i = 0; i < k; i++) {
            uint8_t b = data[i];
            uint32_t s = st->state;
            uint32_t t;
            uint32_t len;
            for (;;) {
                t = go(m, s, b);
                if (t != 0 || s == 0) {
                    break;
                }
                s = m->fail[s];
            }
            st->state = t;
            st->pend[st->pend_len++] = b;
            len = m->outlen[t];
            if (len != 0) {
                /* After an idle flush the match may begin in bytes already written: hide the rest. */
                hide(st, len <= st->pend_len ? st->pend_len - len : 0U, st->pend_len);
            }
        }
        data += k;
        n -= k;
        /* Only the last `depth` bytes can still be part of a match that has not ended yet. */
        emit(st, st->pend_len - (m->depth[st->state] < st->pend_len ? m->depth[st->state] : st->pend_len));
    }
    out_flush(st);
    return st->broken ? -1 : 0;
}

void mask_stream_flush(struct mask_stream *st)
{
    if (st->pend_len > 0) {
        emit(st, st->pend_len);
    }
    out_flush(st);
}

int mask_stream_pending(const struct mask_stream *st)
{
    return st->pend_len > 0;
}

void mask_stream_end(struct mask_stream *st)
{
    mask_stream_flush(st);
    cli_secret_free(st->pend);
    cli_secret_free(st->out);
    free(st->hid);
    memset(st, 0, sizeof(*st));
}
