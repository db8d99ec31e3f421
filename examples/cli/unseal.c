/* Verifying a batch and opening its items. libcloak checks each blob; this file adds what only the
 * whole file can show: every item the manifest lists is present, once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "batchfile.h"
#include "cli.h"
#include "cloak.h"
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

static cloak_batch *verify_batch(const struct batch_file *bf, uint8_t **blob, size_t *blob_len,
                                 const struct account_key *key, const char *key_source, const uint8_t *trusted,
                                 size_t trusted_count)
{
    /* The reader state holds the batch's HPKE context: a key for every item. */
    cloak_batch *reader = cli_secret_alloc(sizeof(*reader));
    int rc = cli_text_to_blob(blob, blob_len, bf->batch.text, bf->batch.len, CLOAK_TYPE_BATCH, 0);

    if (rc != CLOAK_OK) {
        refuse_line(bf, &bf->batch, "batch line", rc, key_source);
    }
    rc = cloak_batch_verify(reader, *blob, *blob_len, key->public_key, key->secret_key, trusted, trusted_count);
    if (rc == CLOAK_E_UNTRUSTED_SIGNER) {
        refuse_signer(bf, *blob, *blob_len, rc);
    }
    if (rc != CLOAK_OK) {
        refuse_line(bf, &bf->batch, "batch line", rc, key_source);
    }
    return reader;
}

static void open_item(struct secret *s, const cloak_batch *reader, const uint8_t *batch_blob, size_t batch_len,
                      const struct batch_file *bf, const struct batch_line *line, const char *key_source,
                      uint8_t *seen, size_t listed)
{
    uint8_t *blob = NULL;
    size_t blob_len = 0;
    uint32_t index = 0;
    int rc = cli_text_to_blob(&blob, &blob_len, line->text, line->len, CLOAK_TYPE_BATCH_ITEM, 0);

    if (rc != CLOAK_OK) {
        refuse_line(bf, line, "item", rc, key_source);
    }
    s->name = cli_secret_alloc(CLOAK_LABELBYTES_MAX + 1U);
    s->value = cli_secret_alloc(blob_len + 1U); /* the value is shorter than the item holding it */
    rc = cloak_batch_open_item(reader, batch_blob, batch_len, blob, blob_len, NULL, 0, s->name, CLOAK_LABELBYTES_MAX,
                               &s->name_len, s->value, blob_len, &s->value_len);
    if (rc != CLOAK_OK) {
        refuse_line(bf, line, "item", rc, key_source);
    }
    s->name[s->name_len] = 0;
    s->value[s->value_len] = 0;
    s->lineno = line->lineno;
    /* Authentic at this point, so its index is below `listed`; a second copy of a line would open
     * again and must not count twice. */
    rc = cloak_batch_item_index(&index, blob, blob_len);
    free(blob);
    if (rc != CLOAK_OK) {
        refuse_line(bf, line, "item", rc, key_source);
    }
    if (index >= listed) {
        cli_fail(CLI_EXIT_BATCH, "%s line %lu: the item is not listed by the batch; get the batch file again", bf->name,
                 line->lineno);
    }
    if ((seen[index / 8U] & (1U << (index % 8U))) != 0) {
        cli_fail(CLI_EXIT_BATCH, "%s line %lu: the same item appears twice; the file is damaged, get it again", bf->name,
                 line->lineno);
    }
    seen[index / 8U] = (uint8_t)(seen[index / 8U] | (1U << (index % 8U)));
}

void unseal_batch(struct secrets *out, const struct batch_file *bf, const struct account_key *key,
                  const char *key_source, const uint8_t *trusted, size_t trusted_count)
{
    uint8_t *batch_blob = NULL;
    size_t batch_len = 0;
    cloak_batch *reader = verify_batch(bf, &batch_blob, &batch_len, key, key_source, trusted, trusted_count);
    size_t listed = cloak_batch_item_count(reader);
    uint8_t *seen = cli_alloc(listed / 8U + 1U);
    size_t i;

    memset(out, 0, sizeof(*out));
    out->list = cli_alloc(cli_mul(bf->item_count + 1U, sizeof(*out->list)));
    for (i = 0; i < bf->item_count; i++) {
        open_item(&out->list[i], reader, batch_blob, batch_len, bf, &bf->items[i], key_source, seen, listed);
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
    free(batch_blob);
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
