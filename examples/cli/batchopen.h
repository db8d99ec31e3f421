/* Opening a batch for the commands that read one (secrets, env, run, inject): the options they
 * share, and the pipeline from the batch file (or URL) to the opened secrets. */
#ifndef CLOAK_CLI_BATCHOPEN_H
#define CLOAK_CLI_BATCHOPEN_H

#include "args.h"
#include "unseal.h"

#define OPEN_OPTIONS_HELP                                                                                   \
    "  --vault ID          the vault the batch must be of; required unless the file has a vault line\n"    \
    "                      and the state file pins exactly that vault (see docs/cli.md)\n"                 \
    "  --min-epoch N       refuse a batch of a vault-key epoch below N\n"                                  \
    "  --min-version N     refuse a batch of a vault head version below N\n"                               \
    "  --state FILE        the state file holding the newest epoch and version read (default:\n"           \
    "                      $XDG_STATE_HOME/cloak/KEYID or ~/.local/state/cloak/KEYID)\n"                   \
    "  --no-state          neither read nor write a state file (only the pins guard against replays)\n"   \
    "  --key-file PATH     the service-account key: a file holding the cloak-accountkey-... text, which\n" \
    "                      only its owner may read (chmod 600)\n"                                          \
    "  --account NAME      use the keyring's account NAME rather than the selected one\n"                  \
    "  --trust IDENTITY    accept batches signed by this member identity (cloak-identity-...) and no\n"    \
    "                      other: CLOAK_TRUST and the keyring's identities are ignored; repeatable\n"     \
    "  --trust-add IDENTITY  accept this identity as well as the keyring's (cloak trust); repeatable;\n"   \
    "                      refused when CLOAK_TRUST is set\n"                                             \
    "  --ca-file PATH      with an https:// FILE: the CA certificates (PEM) to check the server with,\n"   \
    "                      instead of the system's\n"                                                     \
    "\n"                                                                                                    \
    "FILE is a batch file, - for standard input, or an https:// URL (http:// only to this machine)\n"       \
    "to fetch it from, with the account's access credential (see cloak credential). The key is taken\n"     \
    "from the first of: --key-file, the variable CLOAK_SERVICE_ACCOUNT_KEY, the keyring's account (the\n"   \
    "keyring's passphrase comes from CLOAK_PASSPHRASE or the terminal). Trusted signers: --trust, else\n"   \
    "the variable CLOAK_TRUST (identities separated by commas or newlines), else the keyring's; each\n"    \
    "replaces the next. A batch not signed by a trusted identity, of another vault, older than the pins\n"  \
    "or the state file, or past its expiry is refused.\n"

#define OPEN_OPTIONS                                                                                 \
    (OPT_KEY_FILE | OPT_ACCOUNT | OPT_TRUST | OPT_TRUST_ADD | OPT_VAULT | OPT_MIN_EPOCH | OPT_MIN_VERSION | \
     OPT_STATE | OPT_NO_STATE | OPT_CA_FILE)

/* "(standard input)" for "-", scheme://host[:port]/path for a URL (never its user name, password or
 * query), else the operand as given. */
const char *batch_display_name(const char *file);

/* Layout, trust, key, state and vault, then libcloak, then the state file records what was read (for
 * a URL: the URL's checks, trust, key, the fetch, then the same). Returns only with every item
 * opened; any failure exits with its class. */
void open_secrets(struct secrets *out, const struct cli_args *args);

#endif /* CLOAK_CLI_BATCHOPEN_H */
