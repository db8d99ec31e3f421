/* Reading the batch file (or a body fetched from a URL) and splitting it into the batch line and
 * item lines. Only the layout is checked here; the contents are libcloak's to judge (unseal.c). */
#include <stdlib.h>
#include <string.h>

#include "batchfile.h"
#include "cli.h"
#include "cloak.h"
#include "fileio.h"

#define BATCH_PREFIX "cloak-batch-"
#define ITEM_PREFIX "cloak-item-"
#define VAULT_PREFIX "vault "

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

void batch_file_read(struct batch_file *bf, const char *path)
{
    size_t len = 0;
    char *data = cli_read_file(path, CLI_MAX_BATCH_FILE, &len, "batch file", 0);

    batch_file_parse(bf, strcmp(path, "-") == 0 ? "(standard input)" : path, data, len);
}

void batch_file_parse(struct batch_file *bf, const char *name, char *data, size_t len)
{
    size_t cap = 0;
    unsigned long lineno = 0;
    int have_batch = 0;
    char *p;

    memset(bf, 0, sizeof(*bf));
    bf->name = name;
    bf->data = data;
    if (strlen(bf->data) != len) {
        cli_fail(CLI_EXIT_BATCH, "%s holds a NUL byte: it is not a batch file; give the text file cloak batches are written in",
                 bf->name);
    }
    p = bf->data;
    while (*p != '\0') {
        char *nl = strchr(p, '\n');
        char *next = nl != NULL ? nl + 1 : p + strlen(p);
        char *end = nl != NULL ? nl : next;
        lineno++;
        while (p < end && is_space(*p)) {
            p++;
        }
        while (end > p && is_space(end[-1])) {
            end--;
        }
        *end = '\0';
        if (*p == '\0' || *p == '#') {
            p = next;
            continue;
        }
        if (!have_batch && starts_with(p, VAULT_PREFIX)) {
            const char *id = p + strlen(VAULT_PREFIX);
            while (is_space(*id)) {
                id++;
            }
            if (bf->vault != NULL) {
                cli_fail(CLI_EXIT_BATCH, "%s line %lu: a second vault line; a file holds one batch of one vault", bf->name,
                         lineno);
            }
            if (*id == '\0' || strlen(id) > CLOAK_LABELBYTES_MAX) {
                cli_fail(CLI_EXIT_BATCH, "%s line %lu: the vault line needs a vault id of 1 to %u bytes", bf->name, lineno,
                         CLOAK_LABELBYTES_MAX);
            }
            bf->vault = id;
            p = next;
            continue;
        }
        if (!have_batch) {
            if (starts_with(p, ITEM_PREFIX)) {
                cli_fail(CLI_EXIT_BATCH, "%s line %lu: an item comes before the batch line (cloak-batch-...); the file is damaged or reordered, get it again",
                         bf->name, lineno);
            }
            if (!starts_with(p, BATCH_PREFIX)) {
                cli_fail(CLI_EXIT_BATCH, "%s line %lu: expected the batch line (cloak-batch-...); is this a cloak batch file?",
                         bf->name, lineno);
            }
            bf->batch.text = p;
            bf->batch.len = (size_t)(end - p);
            bf->batch.lineno = lineno;
            have_batch = 1;
        } else {
            if (starts_with(p, BATCH_PREFIX)) {
                cli_fail(CLI_EXIT_BATCH, "%s line %lu: a second batch line; a file holds one batch, split it", bf->name,
                         lineno);
            }
            if (!starts_with(p, ITEM_PREFIX)) {
                cli_fail(CLI_EXIT_BATCH, "%s line %lu: neither an item (cloak-item-...) nor a comment; the file is damaged, get it again",
                         bf->name, lineno);
            }
            if (bf->item_count >= CLOAK_BATCH_ITEMS_MAX) {
                cli_fail(CLI_EXIT_BATCH, "%s: more than %u items; no batch holds that many", bf->name,
                         CLOAK_BATCH_ITEMS_MAX);
            }
            if (bf->item_count == cap) {
                cap = cap == 0 ? 16U : cli_mul(cap, 2);
                bf->items = cli_realloc(bf->items, cli_mul(cap, sizeof(*bf->items)));
            }
            bf->items[bf->item_count].text = p;
            bf->items[bf->item_count].len = (size_t)(end - p);
            bf->items[bf->item_count].lineno = lineno;
            bf->item_count++;
        }
        p = next;
    }
    if (!have_batch) {
        cli_fail(CLI_EXIT_BATCH, "%s holds no batch line (cloak-batch-...); is it the right file?", bf->name);
    }
}

void batch_file_free(struct batch_file *bf)
{
    free(bf->items);
    free(bf->data);
    memset(bf, 0, sizeof(*bf));
}
