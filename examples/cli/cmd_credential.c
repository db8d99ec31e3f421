/* cloak credential: the service account's access credential for a server, or its verifier. */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "args.h"
#include "cli.h"
#include "cloak.h"
#include "commands.h"
#include "fileio.h"
#include "keyring.h"

const struct cli_command_spec credential_spec = {
    "credential", "cloak credential [--verifier] [--key-file PATH] [--account NAME]",
    "usage: cloak credential [--verifier] [--key-file PATH] [--account NAME]\n"
    "\n"
    "Prints the account's access credential as the bearer value it sends to a server that serves its\n"
    "batches at an https:// URL: cloak-sa.KEYID.CREDENTIAL (the key id in 32 and the credential in 64\n"
    "lowercase hex digits), as in \"Authorization: Bearer cloak-sa....\". The credential is derived\n"
    "from the private key under a label of its own (it opens no batch), but it is the account's login:\n"
    "keep it as secret as the key. cloak itself needs no credential: it derives it when it fetches.\n"
    "\n"
    "  --verifier          print instead the verifier (64 lowercase hex digits), which is not secret:\n"
    "                      what a vault member registers on the server with the account's public key\n"
    "                      (cloak pubkey), and what the server compares a received credential with\n"
    "  --key-file PATH     the service-account key file (mode 0600)\n"
    "  --account NAME      the keyring's account NAME rather than the selected one\n"
    "\n"
    "The key is taken from the first of: --key-file PATH, the variable CLOAK_SERVICE_ACCOUNT_KEY, the\n"
    "keyring's account named by --account NAME or selected with cloak select (asks for the keyring's\n"
    "passphrase, or reads CLOAK_PASSPHRASE).\n",
    OPT_KEY_FILE | OPT_ACCOUNT | OPT_VERIFIER, 0, 0, 0};

void cmd_credential(int argc, char **argv)
{
    struct cli_args args;
    struct keyring kr;
    struct account_key *key;
    char *source = NULL;
    char *line;
    size_t len = 0;

    cli_args_parse(&args, &credential_spec, argc, argv);
    keyring_load(&kr, KEYRING_READ);
    key = account_key_load(&args, &kr, &source);
    if (args.verifier) {
        uint8_t *credential = cli_secret_alloc(CLOAK_CREDENTIALBYTES);
        uint8_t verifier[CLOAK_CREDENTIAL_VERIFIERBYTES];
        account_credential(credential, key);
        cloak_service_account_credential_verifier(verifier, credential);
        cli_secret_free(credential);
        len = 2U * sizeof(verifier);
        line = cli_alloc(len + 2U);
        account_hex(line, verifier, sizeof(verifier));
        line[len++] = '\n';
        cli_write_stdout(line, len);
        free(line);
    } else {
        /* The bearer is secret: built and written from secret memory, never through stdio. */
        char *bearer = account_bearer(key, &len);
        line = cli_secret_alloc(len + 2U);
        memcpy(line, bearer, len);
        line[len++] = '\n';
        cli_secret_free(bearer);
        cli_write_stdout(line, len);
        cli_secret_free(line);
    }
    cli_secret_free(key);
    free(source);
    keyring_free(&kr);
    cli_args_free(&args);
}
