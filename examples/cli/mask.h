/* cloak run --mask: the filter that replaces secret values (and their common encodings) in a
 * command's output with a marker.
 *
 * The patterns (each value of at least MASK_MIN_LEN bytes, and its encodings) go into one
 * Aho-Corasick automaton, so the cost per output byte does not grow with the number of secrets. A
 * stream holds back only the bytes that could still begin a match (the automaton's current depth),
 * so a value split across two writes is still masked; everything else is written at once. */
#ifndef CLOAK_CLI_MASK_H
#define CLOAK_CLI_MASK_H

#include <stddef.h>
#include <stdint.h>

struct secrets;

/* Values shorter than this are not masked in any form: a short pattern would also hide ordinary
 * output that happens to contain it, and hiding its encodings while it shows as is gains nothing. */
#define MASK_MIN_LEN 6U
/* What replaces each stretch of output made of secret values. Not the name: the output of a
 * command may be public, and the names tell a reader what the stretch was. */
#define MASK_MARKER "<concealed by cloak>"
/* The most pattern bytes (all values and their encodings) one automaton holds, which bounds its
 * memory (about 40 bytes per pattern byte, all of it secret memory). */
#define MASK_MAX_PATTERN_BYTES (4U * 1024U * 1024U)

struct mask;

/* The automaton for the secrets' values. Exits with CLI_EXIT_NAME when the values are too large to
 * mask. Returns NULL when no value is long enough to be masked (the output is then copied as is). */
struct mask *mask_build(const struct secrets *s);
void mask_free(struct mask *m);

/* One output stream: bytes fed in come out on out_fd, masked. */
struct mask_stream {
    const struct mask *m; /* NULL: copy as is */
    int out_fd;
    int broken;        /* writing to out_fd failed (EPIPE): further output is dropped */
    uint32_t state;    /* the automaton's state after the last byte fed */
    uint8_t *pend;     /* secret memory: bytes not written yet (they may begin a match) */
    size_t pend_len;
    size_t pend_cap;
    /* Hidden stretches inside pend, as [start, end) offsets, in order and disjoint. */
    size_t *hid;
    size_t hid_head;
    size_t hid_count;
    int last_hidden;   /* the last byte written was hidden (its marker is out already) */
    uint8_t *out;      /* secret memory: what is written next */
    size_t out_len;
};

void mask_stream_init(struct mask_stream *st, const struct mask *m, int out_fd);
/* Masks and writes n bytes. Returns -1 when the output is broken (the caller may stop reading). */
int mask_stream_feed(struct mask_stream *st, const uint8_t *data, size_t n);
/* Writes the bytes held back (after an idle time, or at the end). A value whose first bytes are
 * flushed this way and whose rest comes later shows those first bytes: the rest is still hidden. */
void mask_stream_flush(struct mask_stream *st);
/* 1 when bytes are held back. */
int mask_stream_pending(const struct mask_stream *st);
/* Flushes and wipes the stream's buffers. */
void mask_stream_end(struct mask_stream *st);

#endif /* CLOAK_CLI_MASK_H */
