/* The commands of the cloak tool. Each takes argv with argv[0] its own name, and returns only on
 * success (failures exit through cli_fail, or `run` becomes the command it runs). */
#ifndef CLOAK_CLI_COMMANDS_H
#define CLOAK_CLI_COMMANDS_H

#include "args.h"

struct cli_command {
    const struct cli_command_spec *spec;
    void (*run)(int argc, char **argv);
    const char *summary;
};

extern const struct cli_command cli_commands[];
extern const size_t cli_command_count;

/* Key and keyring commands (cmd_keys.c). */
extern const struct cli_command_spec keygen_spec, pubkey_spec, import_spec, select_spec, accounts_spec,
    forget_spec, trust_spec, untrust_spec;
void cmd_keygen(int argc, char **argv);
void cmd_pubkey(int argc, char **argv);
void cmd_import(int argc, char **argv);
void cmd_select(int argc, char **argv);
void cmd_accounts(int argc, char **argv);
void cmd_forget(int argc, char **argv);
void cmd_trust(int argc, char **argv);
void cmd_untrust(int argc, char **argv);

/* Batch commands (cmd_batch.c; run in cmd_run.c). */
extern const struct cli_command_spec secrets_spec, env_spec, run_spec;
void cmd_secrets(int argc, char **argv);
void cmd_env(int argc, char **argv);
void cmd_run(int argc, char **argv);

/* cloak inject (cmd_inject.c). */
extern const struct cli_command_spec inject_spec;
void cmd_inject(int argc, char **argv);

/* cloak credential (cmd_credential.c). */
extern const struct cli_command_spec credential_spec;
void cmd_credential(int argc, char **argv);

#endif /* CLOAK_CLI_COMMANDS_H */
