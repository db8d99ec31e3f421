/* Verifying a batch, checking its freshness and opening its items. libcloak checks each blob and
 * refuses a repeated item; this file adds what only the whole file can show: every item the
 * manifest lists is present. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "batchfile.h"
#include "cli.h"
#include "cloak.h"
#include "state.h"
#include "textform.h"
#include "unseal.h"

static const char *what_failed(int status)
{
    switch (status) {
    case CLOAK_E_CHECKSUM:
        return "was altered or cut (its checksum does not match)";
    case CLOAK_E_MALFORMED:
        return "is damaged or cut short (not a well-formed encoding)";
    case CLOAK_E_BAD_SIGNATURE:
        return "was altered after it was signed";
    case CLOAK_E_AUTH:
        return "was altered (it does not decrypt)";
    case CLOAK_E_MISMATCH:
        return "belongs to another batch";
    case CLOAK_E_WRONG_TYPE:
        return "holds another kind of object";
    case CLOAK_E_INVALID_KEY:
        return "carries an invalid key";
    default:
        return "cannot be read";
    }
}

_Noreturn static void refuse_line(const struct batch_file *bf, const struct batch_line *line, const char *what,
                                  int status, const char *key_source)
{
    int code = cli_exit_for_status(status);

    switch (code) {
    case CLI_EXIT_VERSION:
        cli_fail(code, "%s line %lu: the %s uses a format this cloak does not read (libcloak: %s); upgrade cloak",
                 bf->name, line->lineno, what, cli_status(status));
    case CLI_EXIT_WRONG_KEY:
        cli_fail(code, "%s line %lu: the %s was made for another service account than the %s (libcloak: %s); use that account's key",
                 bf->name, line->lineno, what, key_source, cli_status(status));
    case CLI_EXIT_BATCH:
        cli_fail(code, "%s line %lu: the %s %s (libcloak: %s); get the batch file again from its sender", bf->name,
                 line->lineno, what, what_failed(status), cli_status(status));
    default:
        cli_fail(code, "%s line %lu: cannot open the %s (libcloak: %s)", bf->name, line->lineno, what,
                 cli_status(status));
    }
}

_Noreturn static void refuse_signer(const struct batch_file *bf, const uint8_t *blob, size_t len, int status)
{
    char fingerprint[CLOAK_FINGERPRINT_TEXTBYTES];
    uint8_t signer[CLOAK_IDENTITY_PUBLICKEYBYTES];

    /* The signature checks came after the signer test, so this key is only a claim, but it tells
     * the user whom to ask. */
    if (cloak_batch_sender(signer, blob, len) == CLOAK_OK) {
        cloak_identity_fingerprint(fingerprint, signer);
        cli_fail(CLI_EXIT_TRUST,
                 "%s: the batch is signed by an identity that is not trusted, fingerprint %s (libcloak: %s); if that member should be trusted, compare the fingerprint with them, then pass --trust or run cloak trust",
                 bf->name, fingerprint, cli_status(status));
    }
    cli_fail(CLI_EXIT_TRUST, "%s: the batch is signed by an identity that is not trusted (libcloak: %s)", bf->name,
             cli_status(status));
}

/* The vault id as a message can show it (it comes from the command line or the file). */
static const char *shown_vault(char *out, size_t cap, const struct batch_expect *expect)
{
    return cli_printable(out, cap, expect->vault, expect->vault_len);
}

/* A batch is sealed to a key of one suite, so a key of the other cannot be the one it was made for:
 * said here with both suites, where libcloak would only call the batch's suite unsupported. */
_Noreturn static void refuse_suite(const struct batch_file *bf, uint32_t batch_suite, const struct account_key *key,
                                   const char *key_source)
{
    cli_fail(CLI_EXIT_WRONG_KEY,
             "%s line %lu: the batch is sealed to an %s key, but the %s holds an %s key, so the batch was made for "
             "another key; use the account's %s key, or ask for a batch to this key (cloak pubkey prints it)",
             bf->name, bf->batch.lineno, account_suite_name(batch_suite), key_source, account_suite_name(key->pub.suite),
             batch_suite == CLOAK_SUITE_XWING ? "X-Wing" : "X25519");
}

static cloak_batch *verify_batch(const struct batch_file *bf, uint8_t **tags, size_t *tags_len, uint32_t *suite,
                                 const struct account_key *key, const char *key_source, const uint8_t *trusted,
                                 size_t trusted_count, const struct batch_expect *expect)
{
    /* The reader state holds the batch's HPKE context (a key for every item) and the tags' MAC key. */
    cloak_batch *reader = cli_secret_alloc(sizeof(*reader));
    uint8_t *blob = NULL;
    size_t blob_len = 0;
    uint32_t count = 0;
    char vault[CLI_SHOWN_NAME];
    int rc = cli_text_to_blob(&blob, &blob_len, bf->batch.text, bf->batch.len, CLOAK_TYPE_BATCH, 0);

    if (rc == CLOAK_OK) {
        rc = cloak_batch_count(&count, blob, blob_len);
    }
    if (rc == CLOAK_OK) {
        rc = cloak_blob_suite(suite, blob, blob_len);
    }
    if (rc != CLOAK_OK) {
        refuse_line(bf, &bf->batch, "batch line", rc, key_source);
    }
    if (*suite != key->pub.suite) {
        refuse_suite(bf, *suite, key, key_source);
    }
    *tags_len = cloak_batch_tags_len(count);
    *tags = cli_alloc(*tags_len + 1U);
    if (*suite == CLOAK_SUITE_XWING) {
        rc = cloak_batch_verify_xwing(reader, *tags, *tags_len, blob, blob_len, expect->vault, expect->vault_len,
                                      key->pub.key, key->secret_key, trusted, trusted_count);
    } else {
        rc = cloak_batch_verify(reader, *tags, *tags_len, blob, blob_len, expect->vault, expect->vault_len,
                                key->pub.key, key->secret_key, trusted, trusted_count);
    }
    if (rc == CLOAK_E_UNTRUSTED_SIGNER) {
        refuse_signer(bf, blob, blob_len, rc);
    }
    if (rc == CLOAK_E_MISMATCH) {
        cli_fail(CLI_EXIT_VAULT, "%s: the batch is not of the vault %s (libcloak: %s); a server may be serving another vault's batch: get this vault's batch, or name the right vault with --vault",
                 bf->name, shown_vault(vault, sizeof(vault), expect), cli_status(rc));
    }
    if (rc != CLOAK_OK) {
        refuse_line(bf, &bf->batch, "batch line", rc, key_source);
    }
    /* After verify the tags stand for the manifest: the blob is no longer needed. */
    free(blob);
    return reader;
}

/* Freshness: the pins and the state file's entry, the clock, and the history the state file saw. */
static void check_batch(cloak_batch *reader, struct batch_view *view, const struct batch_file *bf,
                        const struct batch_expect *expect)
{
    time_t now = time(NULL);
    int rc;

    view->epoch = cloak_batch_epoch(reader);
    view->version = cloak_batch_head_version(reader);
    view->expiry = cloak_batch_expiry(reader);
    cloak_batch_head_hash(view->head_hash, reader);
    if (now == (time_t)-1) {
        cli_fail(CLI_EXIT_INTERNAL, "cannot read the clock, so the batch's expiry cannot be checked");
    }
    rc = cloak_batch_check(reader, expect->min_epoch, expect->min_version, (uint64_t)now);
    if (rc == CLOAK_E_STALE) {
        cli_fail(CLI_EXIT_STALE, "%s: the batch is older than one already seen or pinned (epoch %lu, head version %llu; the lowest accepted: epoch %lu, version %llu) (libcloak: %s); a server may be replaying an old batch: get the current one",
                 bf->name, (unsigned long)view->epoch, (unsigned long long)view->version,
                 (unsigned long)expect->min_epoch, (unsigned long long)expect->min_version, cli_status(rc));
    }
    if (rc == CLOAK_E_EXPIRED) {
        cli_fail(CLI_EXIT_EXPIRED, "%s: the batch expired at %llu (Unix time; now %llu) (libcloak: %s); ask a vault member for a fresh batch",
                 bf->name, (unsigned long long)view->expiry, (unsigned long long)now, cli_status(rc));
    }
    if (rc != CLOAK_OK) {
        cli_fail(cli_exit_for_status(rc), "%s: cannot check the batch's freshness (libcloak: %s)", bf->name,
                 cli_status(rc));
    }
    /* Same version, another head: the server showed this account a history that forks from the one
     * it saw before. */
    if (expect->seen != NULL && view->version == expect->seen->version &&
        memcmp(view->head_hash, expect->seen->head_hash, CLOAK_HEAD_HASHBYTES) != 0) {
        cli_fail(CLI_EXIT_VAULT, "%s: the batch is of head version %llu but not of the head this account saw at that version: the vault's history forked; tell the vault's admins",
                 bf->name, (unsigned long long)view->version);
    }
}

static int bit_is_set(const uint8_t *bits, uint32_t i)
{
    return (bits[i / 8U] & (1U << (i % 8U))) != 0;
}

static void open_item(struct secret *s, const cloak_batch *reader, uint8_t *tags, size_t tags_len,
                      const struct batch_file *bf, const struct batch_line *line, const char *key_source,
                      uint32_t suite, uint8_t *seen, size_t listed)
{
    uint8_t *blob = NULL;
    size_t blob_len = 0;
    size_t value_cap;
    uint32_t index = 0;
    uint32_t item_suite = 0;
    int rc = cli_text_to_blob(&blob, &blob_len, line->text, line->len, CLOAK_TYPE_BATCH_ITEM, 0);

    if (rc == CLOAK_OK) {
        rc = cloak_blob_suite(&item_suite, blob, blob_len);
    }
    /* An item of the other suite is of another batch, not of a format this cloak cannot read (which
     * is what libcloak's refusal, unsupported suite, would suggest). */
    if (rc == CLOAK_OK && item_suite != suite) {
        cli_fail(CLI_EXIT_BATCH, "%s line %lu: the item is of %s but the batch of %s: it belongs to another batch; get the batch file again from its sender",
                 bf->name, line->lineno, account_suite_name(item_suite), account_suite_name(suite));
    }
    if (rc == CLOAK_OK) {
        rc = cloak_batch_item_index(&index, blob, blob_len);
    }
    if (rc != CLOAK_OK) {
        refuse_line(bf, line, "item", rc, key_source);
    }
    /* The index is only a claim until the item opens, but it gives a clearer message than the
     * library's refusal of a used-up tag. */
    if (index < listed && bit_is_set(seen, index)) {
        cli_fail(CLI_EXIT_BATCH, "%s line %lu: the same item appears twice; the file is damaged, get it again", bf->name,
                 line->lineno);
    }
    value_cap = cloak_batch_item_opened_maxlen(blob_len);
    s->name = cli_secret_alloc(CLOAK_LABELBYTES_MAX + 1U);
    s->value = cli_secret_alloc(value_cap + 1U);
    rc = cloak_batch_open_item(reader, tags, tags_len, blob, blob_len, s->name, CLOAK_LABELBYTES_MAX, &s->name_len,
                               s->value, value_cap, &s->value_len);
    free(blob);
    if (rc != CLOAK_OK) {
        refuse_line(bf, line, "item", rc, key_source);
    }
    s->name[s->name_len] = 0;
    s->value[s->value_len] = 0;
    s->lineno = line->lineno;
    seen[index / 8U] = (uint8_t)(seen[index / 8U] | (1U << (index % 8U)));
}

void unseal_batch(struct secrets *out, struct batch_view *view, const struct batch_file *bf,
                  const struct account_key *key, const char *key_source, const uint8_t *trusted, size_t trusted_count,
                  const struct batch_expect *expect)
{
    uint8_t *tags = NULL;
    size_t tags_len = 0;
    uint32_t suite = 0;
    cloak_batch *reader = verify_batch(bf, &tags, &tags_len, &suite, key, key_source, trusted, trusted_count, expect);
    size_t listed = cloak_batch_item_count(reader);
    uint8_t *seen = cli_alloc(listed / 8U + 1U);
    size_t i;

    memset(out, 0, sizeof(*out));
    check_batch(reader, view, bf, expect);
    out->list = cli_alloc(cli_mul(bf->item_count + 1U, sizeof(*out->list)));
    for (i = 0; i < bf->item_count; i++) {
        open_item(&out->list[i], reader, tags, tags_len, bf, &bf->items[i], key_source, suite, seen, listed);
        out->count++;
    }
    /* Each item opened is listed and distinct, so fewer lines than listed means some are missing. */
    if (bf->item_count != listed) {
        cli_fail(CLI_EXIT_BATCH, "%s is incomplete: the batch lists %zu secrets but the file holds %zu; get the whole file again",
                 bf->name, listed, bf->item_count);
    }
    cloak_batch_wipe(reader);
    cli_secret_free(reader);
    free(seen);
    free(tags);
}

void secrets_free(struct secrets *s)
{
    size_t i;

    for (i = 0; i < s->count; i++) {
        cli_secret_free(s->list[i].name);
        cli_secret_free(s->list[i].value);
    }
    free(s->list);
    memset(s, 0, sizeof(*s));
}
