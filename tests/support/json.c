/*
 * A small, strict JSON reader (RFC 8259) for the test vectors. Tests only: it allocates freely and
 * reports a parse error with its byte offset on stderr. Strict on purpose, so a damaged vector file
 * fails loudly instead of being half-read: no trailing commas, no comments, no leading zeros, no
 * lone surrogates, no duplicate keys, no trailing garbage.
 */
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CLOAK_VECTORS_DIR
#define CLOAK_VECTORS_DIR "tests/vectors"
#endif

/* Deep enough for any vector file, shallow enough that hostile nesting cannot exhaust the stack. */
#define JSON_MAX_DEPTH 64

struct json_value {
    json_type type;
    int boolean;
    double number;
    char *str; /* NUL-terminated; may also contain NULs from \u0000 */
    size_t str_len;
    json_value **items; /* array elements or object values */
    char **keys;        /* object keys, parallel to items */
    size_t count;
};

typedef struct parser {
    const char *text;
    size_t len;
    size_t pos;
    const char *path;
    int failed;
} parser;

static void fail_at(parser *p, const char *what)
{
    if (!p->failed) {
        fprintf(stderr, "json: %s: %s at byte %zu\n", p->path, what, p->pos);
    }
    p->failed = 1;
}

static void *xalloc(size_t n)
{
    void *r = calloc(1, n == 0 ? 1 : n);
    if (r == NULL) {
        fprintf(stderr, "json: out of memory\n");
        abort();
    }
    return r;
}

static void *xrealloc(void *old, size_t n)
{
    void *r = realloc(old, n == 0 ? 1 : n);
    if (r == NULL) {
        fprintf(stderr, "json: out of memory\n");
        abort();
    }
    return r;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            break;
        }
        p->pos++;
    }
}

static int peek(const parser *p)
{
    return p->pos < p->len ? (unsigned char)p->text[p->pos] : -1;
}

static int literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0) {
        fail_at(p, "invalid literal");
        return -1;
    }
    p->pos += n;
    return 0;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int read_hex4(parser *p, unsigned *out)
{
    unsigned v = 0;
    if (p->len - p->pos < 4) {
        fail_at(p, "truncated \\u escape");
        return -1;
    }
    for (size_t i = 0; i < 4; i++) {
        int d = hex_digit((unsigned char)p->text[p->pos + i]);
        if (d < 0) {
            fail_at(p, "bad hex digit in \\u escape");
            return -1;
        }
        v = (v << 4) | (unsigned)d;
    }
    p->pos += 4;
    *out = v;
    return 0;
}

/* Growable byte buffer for string contents. */
typedef struct sbuf {
    char *data;
    size_t len;
    size_t cap;
} sbuf;

static void sbuf_put(sbuf *b, char c)
{
    if (b->len + 1 >= b->cap) {
        b->cap = b->cap == 0 ? 32 : b->cap * 2;
        b->data = xrealloc(b->data, b->cap);
    }
    b->data[b->len++] = c;
}

static void put_utf8(sbuf *b, unsigned cp)
{
    if (cp < 0x80) {
        sbuf_put(b, (char)cp);
    } else if (cp < 0x800) {
        sbuf_put(b, (char)(0xC0 | (cp >> 6)));
        sbuf_put(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sbuf_put(b, (char)(0xE0 | (cp >> 12)));
        sbuf_put(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sbuf_put(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        sbuf_put(b, (char)(0xF0 | (cp >> 18)));
        sbuf_put(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sbuf_put(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sbuf_put(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* Parses a string token (p->pos at the opening quote) into a new NUL-terminated buffer. */
static char *parse_string_raw(parser *p, size_t *out_len)
{
    sbuf b = {NULL, 0, 0};
    p->pos++; /* opening quote */
    for (;;) {
        int c = peek(p);
        if (c < 0) {
            fail_at(p, "unterminated string");
            free(b.data);
            return NULL;
        }
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            fail_at(p, "control character in string");
            free(b.data);
            return NULL;
        }
        if (c != '\\') {
            sbuf_put(&b, (char)c);
            p->pos++;
            continue;
        }
        p->pos++;
        c = peek(p);
        p->pos++;
        switch (c) {
        case '"':
            sbuf_put(&b, '"');
            break;
        case '\\':
            sbuf_put(&b, '\\');
            break;
        case '/':
            sbuf_put(&b, '/');
            break;
        case 'b':
            sbuf_put(&b, '\b');
            break;
        case 'f':
            sbuf_put(&b, '\f');
            break;
        case 'n':
            sbuf_put(&b, '\n');
            break;
        case 'r':
            sbuf_put(&b, '\r');
            break;
        case 't':
            sbuf_put(&b, '\t');
            break;
        case 'u': {
            unsigned cp;
            if (read_hex4(p, &cp) != 0) {
                free(b.data);
                return NULL;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                fail_at(p, "lone low surrogate");
                free(b.data);
                return NULL;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (p->len - p->pos < 2 || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u') {
                    fail_at(p, "lone high surrogate");
                    free(b.data);
                    return NULL;
                }
                p->pos += 2;
                if (read_hex4(p, &lo) != 0) {
                    free(b.data);
                    return NULL;
                }
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    fail_at(p, "high surrogate not followed by a low surrogate");
                    free(b.data);
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(&b, cp);
            break;
        }
        default:
            p->pos--;
            fail_at(p, "invalid escape");
            free(b.data);
            return NULL;
        }
    }
    sbuf_put(&b, '\0');
    *out_len = b.len - 1;
    return b.data;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Checks the RFC 8259 number grammar, then lets strtod convert the validated span. */
static int parse_number(parser *p, json_value *v)
{
    size_t start = p->pos;
    if (peek(p) == '-') {
        p->pos++;
    }
    if (peek(p) == '0') {
        p->pos++;
        if (is_digit(peek(p))) {
            fail_at(p, "leading zero in number");
            return -1;
        }
    } else if (is_digit(peek(p))) {
        while (is_digit(peek(p))) {
            p->pos++;
        }
    } else {
        fail_at(p, "invalid number");
        return -1;
    }
    if (peek(p) == '.') {
        p->pos++;
        if (!is_digit(peek(p))) {
            fail_at(p, "digit expected after decimal point");
            return -1;
        }
        while (is_digit(peek(p))) {
            p->pos++;
        }
    }
    if (peek(p) == 'e' || peek(p) == 'E') {
        p->pos++;
        if (peek(p) == '+' || peek(p) == '-') {
            p->pos++;
        }
        if (!is_digit(peek(p))) {
            fail_at(p, "digit expected in exponent");
            return -1;
        }
        while (is_digit(peek(p))) {
            p->pos++;
        }
    }
    size_t n = p->pos - start;
    char *tmp = xalloc(n + 1);
    memcpy(tmp, p->text + start, n);
    tmp[n] = '\0';
    v->number = strtod(tmp, NULL);
    free(tmp);
    v->type = JSON_NUMBER;
    return 0;
}

static json_value *parse_value(parser *p, int depth);

static void append_item(json_value *v, char *key, json_value *item)
{
    v->items = xrealloc(v->items, (v->count + 1) * sizeof *v->items);
    v->items[v->count] = item;
    if (v->type == JSON_OBJECT) {
        v->keys = xrealloc(v->keys, (v->count + 1) * sizeof *v->keys);
        v->keys[v->count] = key;
    }
    v->count++;
}

static int parse_array(parser *p, json_value *v, int depth)
{
    v->type = JSON_ARRAY;
    p->pos++; /* [ */
    skip_ws(p);
    if (peek(p) == ']') {
        p->pos++;
        return 0;
    }
    for (;;) {
        json_value *item = parse_value(p, depth + 1);
        if (item == NULL) {
            return -1;
        }
        append_item(v, NULL, item);
        skip_ws(p);
        int c = peek(p);
        p->pos++;
        if (c == ']') {
            return 0;
        }
        if (c != ',') {
            p->pos--;
            fail_at(p, "',' or ']' expected");
            return -1;
        }
    }
}

static int parse_object(parser *p, json_value *v, int depth)
{
    v->type = JSON_OBJECT;
    p->pos++; /* { */
    skip_ws(p);
    if (peek(p) == '}') {
        p->pos++;
        return 0;
    }
    for (;;) {
        size_t key_len;
        skip_ws(p);
        if (peek(p) != '"') {
            fail_at(p, "string key expected");
            return -1;
        }
        size_t key_pos = p->pos;
        char *key = parse_string_raw(p, &key_len);
        if (key == NULL) {
            return -1;
        }
        if (strlen(key) != key_len) {
            p->pos = key_pos;
            fail_at(p, "NUL in object key");
            free(key);
            return -1;
        }
        for (size_t i = 0; i < v->count; i++) {
            if (strcmp(v->keys[i], key) == 0) {
                p->pos = key_pos;
                fail_at(p, "duplicate key");
                free(key);
                return -1;
            }
        }
        skip_ws(p);
        if (peek(p) != ':') {
            fail_at(p, "':' expected");
            free(key);
            return -1;
        }
        p->pos++;
        json_value *item = parse_value(p, depth + 1);
        if (item == NULL) {
            free(key);
            return -1;
        }
        append_item(v, key, item);
        skip_ws(p);
        int c = peek(p);
        p->pos++;
        if (c == '}') {
            return 0;
        }
        if (c != ',') {
            p->pos--;
            fail_at(p, "',' or '}' expected");
            return -1;
        }
    }
}

static json_value *parse_value(parser *p, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        fail_at(p, "nesting too deep");
        return NULL;
    }
    skip_ws(p);
    json_value *v = xalloc(sizeof *v);
    int rc;
    switch (peek(p)) {
    case '{':
        rc = parse_object(p, v, depth);
        break;
    case '[':
        rc = parse_array(p, v, depth);
        break;
    case '"':
        v->type = JSON_STRING;
        v->str = parse_string_raw(p, &v->str_len);
        rc = v->str == NULL ? -1 : 0;
        break;
    case 't':
        v->type = JSON_BOOL;
        v->boolean = 1;
        rc = literal(p, "true");
        break;
    case 'f':
        v->type = JSON_BOOL;
        v->boolean = 0;
        rc = literal(p, "false");
        break;
    case 'n':
        v->type = JSON_NULL;
        rc = literal(p, "null");
        break;
    case -1:
        fail_at(p, "unexpected end of input");
        rc = -1;
        break;
    default:
        rc = parse_number(p, v);
        break;
    }
    if (rc != 0) {
        json_free(v);
        return NULL;
    }
    return v;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "json: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xalloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "json: cannot read %s\n", path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

json_value *json_parse_file(const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (text == NULL) {
        return NULL;
    }
    parser p = {text, len, 0, path, 0};
    /* A UTF-8 byte order mark is not JSON text; refuse it like any other stray byte. */
    json_value *v = parse_value(&p, 0);
    if (v != NULL) {
        skip_ws(&p);
        if (p.pos != p.len) {
            fail_at(&p, "trailing data after the value");
            json_free(v);
            v = NULL;
        }
    }
    free(text);
    return v;
}

void json_free(json_value *v)
{
    if (v == NULL) {
        return;
    }
    for (size_t i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys != NULL) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

json_type json_type_of(const json_value *v)
{
    return v == NULL ? JSON_NULL : v->type;
}

const json_value *json_get(const json_value *v, const char *key)
{
    if (v == NULL || v->type != JSON_OBJECT || key == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < v->count; i++) {
        if (strcmp(v->keys[i], key) == 0) {
            return v->items[i];
        }
    }
    return NULL;
}

size_t json_len(const json_value *v)
{
    if (v == NULL || (v->type != JSON_ARRAY && v->type != JSON_OBJECT)) {
        return 0;
    }
    return v->count;
}

const json_value *json_at(const json_value *v, size_t i)
{
    if (v == NULL || v->type != JSON_ARRAY || i >= v->count) {
        return NULL;
    }
    return v->items[i];
}

const char *json_str(const json_value *v)
{
    if (v == NULL || v->type != JSON_STRING) {
        return NULL;
    }
    return v->str;
}

double json_num(const json_value *v)
{
    if (v == NULL) {
        return 0;
    }
    if (v->type == JSON_NUMBER) {
        return v->number;
    }
    if (v->type == JSON_BOOL) {
        return v->boolean ? 1 : 0;
    }
    return 0;
}

uint8_t *hex_decode(const char *hex, size_t *len)
{
    if (len != NULL) {
        *len = 0;
    }
    if (hex == NULL || len == NULL) {
        return NULL;
    }
    size_t n = strlen(hex);
    if (n % 2 != 0) {
        return NULL;
    }
    uint8_t *out = xalloc(n / 2);
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit((unsigned char)hex[2 * i]);
        int lo = hex_digit((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    *len = n / 2;
    return out;
}

const char *vector_path(const char *relative)
{
    static char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", CLOAK_VECTORS_DIR, relative);
    if (n < 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "json: vector path too long: %s\n", relative);
        abort();
    }
    return path;
}
