/* Opening a batch: the pipeline every batch command shares (see batchopen.h). */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "args.h"
#include "batchfile.h"
#include "batchopen.h"
#include "cli.h"
#include "fetch.h"
#include "keyring.h"
#include "state.h"
#include "trust.h"
#include "unseal.h"

const char *batch_display_name(const char *file)
{
    if (fetch_is_url(file)) {
        return fetch_shown_name(file);
    }
    return strcmp(file, "-") == 0 ? "(standard input)" : file;
}

/* The batch at a URL, fetched with the account's credential and split like a file. */
static void fetch_batch(struct batch_file *bf, const struct fetch_target *target, const struct account_key *key,
                        const struct cli_args *args)
{
    size_t len = 0;
    char *body = fetch_get(target, account_bearer(key, NULL), args->ca_file, CLI_MAX_BATCH_FILE, &len);

    batch_file_parse(bf, target->shown, body, len);
}

/* A vault must be named somehow; --no-state leaves only --vault. Checked as soon as the batch's
 * vault line is known (for a URL, after the fetch). */
static void require_vault(const struct batch_file *bf, const struct cli_args *args)
{
    if (args->vault == NULL && (bf->vault == NULL || args->no_state)) {
        cli_fail(CLI_EXIT_VAULT, "%s: no vault named; pass --vault ID%s", bf->name,
                 args->no_state ? " (with --no-state nothing is pinned)" : "");
    }
}

/* --vault, or the file's vault line when the state file pins exactly that vault. Without a state
 * file nothing is pinned, so --vault is required. */
static void choose_vault(struct batch_expect *expect, const struct batch_file *bf, const struct cli_args *args,
                         const struct state_file *st)
{
    char shown[CLI_SHOWN_NAME];
    char shown_file[CLI_SHOWN_NAME];

    if (args->vault != NULL) {
        if (bf->vault != NULL && strcmp(bf->vault, args->vault) != 0) {
            cli_fail(CLI_EXIT_VAULT, "%s names the vault %s but --vault is %s; get the batch of the vault you asked for",
                     bf->name, cli_printable(shown_file, sizeof(shown_file), (const uint8_t *)bf->vault, strlen(bf->vault)),
                     cli_printable(shown, sizeof(shown), (const uint8_t *)args->vault, strlen(args->vault)));
        }
        expect->vault = (const uint8_t *)args->vault;
        expect->vault_len = strlen(args->vault);
        return;
    }
    if (bf->vault != NULL && st->count == 1U && st->entries[0].vault_len == strlen(bf->vault) &&
        memcmp(st->entries[0].vault, bf->vault, st->entries[0].vault_len) == 0) {
        expect->vault = st->entries[0].vault;
        expect->vault_len = st->entries[0].vault_len;
        return;
    }
    cli_fail(CLI_EXIT_VAULT, "%s: no vault named; pass --vault ID (the vault is taken from the file only when the file names it and the state file has read that vault and no other)",
             bf->name);
}

/* The pipeline every batch command shares: layout, trust, key, state and vault, then libcloak, then
 * the state file records what was read. Trust is settled before the key so a hopeless run never
 * asks for a passphrase. A batch at a URL needs the key before it can be read (the key gives the
 * credential the server asks for), so its URL is checked first, then trust, the key, the fetch, and
 * the layout of what arrived; everything after is the same as for a file. */
void open_secrets(struct secrets *out, const struct cli_args *args)
{
    struct batch_file bf;
    struct keyring kr;
    struct state_file st;
    struct batch_expect expect;
    struct batch_view view;
    const struct state_entry *seen;
    struct account_key *key;
    uint8_t key_id[CLOAK_KEYIDBYTES];
    uint8_t *trusted;
    size_t trusted_count = 0;
    char *source = NULL;
    struct fetch_target target;
    const char *operand = args->operands[0];
    int from_url = fetch_is_url(operand);

    if (from_url) {
        fetch_prepare(&target, operand, args->ca_file);
        if (args->vault == NULL && args->no_state) {
            cli_fail(CLI_EXIT_VAULT, "%s: no vault named; pass --vault ID (with --no-state nothing is pinned)",
                     target.shown);
        }
    } else {
        if (args->ca_file != NULL) {
            cli_fail(CLI_EXIT_USAGE, "--ca-file applies only to an https:// URL, and %s is a file",
                     batch_display_name(operand));
        }
        batch_file_read(&bf, operand);
        require_vault(&bf, args);
    }
    keyring_load(&kr, KEYRING_READ);
    trusted = trust_collect(args, &kr, &trusted_count);
    key = account_key_load(args, &kr, &source);
    if (from_url) {
        fetch_batch(&bf, &target, key, args);
        require_vault(&bf, args);
    }
    account_key_id(key_id, &key->pub);
    state_open(&st, args, key_id);
    memset(&expect, 0, sizeof(expect));
    choose_vault(&expect, &bf, args, &st);
    seen = state_find(&st, expect.vault, expect.vault_len);
    expect.seen = seen;
    expect.min_epoch = args->min_epoch;
    expect.min_version = args->min_version;
    if (seen != NULL && seen->epoch > expect.min_epoch) {
        expect.min_epoch = seen->epoch;
    }
    if (seen != NULL && seen->version > expect.min_version) {
        expect.min_version = seen->version;
    }
    unseal_batch(out, &view, &bf, key, source, trusted, trusted_count, &expect);
    state_record(&st, expect.vault, expect.vault_len, view.epoch, view.version, view.head_hash);
    state_close(&st);
    cli_secret_free(key);
    free(source);
    free(trusted);
    keyring_free(&kr);
    batch_file_free(&bf);
}

