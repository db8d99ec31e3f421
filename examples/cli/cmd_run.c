/* cloak run: a command with a batch's secrets in its environment (or in a file), by exec or,
 * with --mask or --mount, supervised. */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "batchopen.h"
#include "childenv.h"
#include "cli.h"
#include "commands.h"
#include "envnames.h"
#include "format.h"
#include "mask.h"
#include "mount.h"
#include "supervise.h"
#include "unseal.h"

const struct cli_command_spec run_spec = {
    "run", "cloak run FILE [--vault ID] [OPTIONS] (-- CMD [ARGS...] | --command STRING)",
    "usage: cloak run FILE [--vault ID] [OPTIONS] -- CMD [ARGS...]\n"
    "       cloak run FILE [--vault ID] [OPTIONS] --command STRING\n"
    "\n"
    "Opens a batch and executes CMD (searched in cloak's own PATH) with the secrets added to its\n"
    "environment, replacing variables of the same names. CLOAK_SERVICE_ACCOUNT_KEY and\n"
    "CLOAK_PASSPHRASE are removed from CMD's environment. By default cloak becomes CMD (exec), so the\n"
    "exit status is CMD's; 127 if CMD is not found, 126 if it cannot be executed. With --mask or\n"
    "--mount cloak stays as CMD's parent: it forwards signals, then exits with CMD's status (or dies of\n"
    "the signal that killed CMD).\n"
    "\n"
    "  --command STRING    run STRING with /bin/sh -c instead of CMD ARGS (the shell string form; the\n"
    "                      string is yours, the secrets are only in the environment)\n"
    "  --mask              filter CMD's stdout and stderr: every secret value of at least 6 bytes, and\n"
    "                      its base64, hex, URL and JSON encodings, becomes " MASK_MARKER "\n"
    "                      (best effort: see docs/cli.md)\n"
    "  --mount PATH        write the secrets to the new file PATH (mode 0600) instead of the environment;\n"
    "                      CMD gets CLOAK_MOUNT=PATH; the file is zeroed and removed when CMD ends\n"
    "  --format NAME       the format of the --mount file: dotenv (default), json, yaml, export, plain,\n"
    "                      shell\n"
    "  --no-inherit-env    CMD's environment holds only the secrets (and --keep-env variables)\n"
    "  --keep-env NAME     with --no-inherit-env, pass cloak's variable NAME on; repeatable\n"
    "  --only NAME         only the secret NAME; repeatable\n"
    "  --allow-name NAME   let a secret take the name NAME, which is refused by default because it would\n"
    "                      change how CMD runs (see docs/cli.md); repeatable\n"
    "  --show-names        name the secret concerned in error messages\n"
    "\n" OPEN_OPTIONS_HELP,
    OPEN_OPTIONS | OPT_FORMAT | OPT_ONLY | OPT_ALLOW_NAME | OPT_SHOW_NAMES | OPT_MASK | OPT_MOUNT |
        OPT_NO_INHERIT_ENV | OPT_KEEP_ENV | OPT_COMMAND,
    1, 1, 1};

/* The usage errors that need no batch: found before anything is read or created. */
static void check_usage(const struct cli_args *args)
{
    size_t i;

    if (args->keep_env_count > 0 && !args->no_inherit_env) {
        cli_fail(CLI_EXIT_USAGE, "run: --keep-env only makes sense with --no-inherit-env (without it every variable is passed on)");
    }
    if (args->format != NULL && args->mount == NULL) {
        cli_fail(CLI_EXIT_USAGE, "run: --format chooses the format of the --mount file; give --mount PATH too");
    }
    for (i = 0; i < args->keep_env_count; i++) {
        const char *name = args->keep_env[i];
        if (!env_name_valid((const uint8_t *)name, strlen(name))) {
            char shown[128];
            cli_fail(CLI_EXIT_USAGE, "run: --keep-env %s is not a variable name ([A-Za-z_][A-Za-z0-9_]*)",
                     cli_printable(shown, sizeof(shown), (const uint8_t *)name, strlen(name)));
        }
        if (strcmp(name, CLI_ENV_KEY) == 0 || strcmp(name, CLI_ENV_PASSPHRASE) == 0 ||
            strcmp(name, CHILDENV_MOUNT_VAR) == 0) {
            cli_fail(CLI_EXIT_USAGE, "run: --keep-env %s: cloak never passes that variable to a command", name);
        }
    }
}

void cmd_run(int argc, char **argv)
{
    static char sh_path[] = "/bin/sh";
    static char sh_flag[] = "-c";
    char *shell_argv[4];
    struct cli_args args;
    struct secrets s;
    struct childenv_spec spec;
    struct childenv ce;
    struct supervised sv;
    struct mask *m = NULL;
    enum cli_format format = FORMAT_DOTENV;
    char *const *command;
    char *mount_abs = NULL;
    const char *file;

    cli_args_parse(&args, &run_spec, argc, argv);
    check_usage(&args);
    if (args.format != NULL) {
        format = format_from_name("run", args.format);
    }
    if (args.mount != NULL) {
        mount_precheck(args.mount);
    }
    if (args.command_string != NULL) {
        /* The shell by its path, as system() does: whatever PATH holds does not choose it. */
        size_t len = strlen(args.command_string);
        shell_argv[0] = sh_path;
        shell_argv[1] = sh_flag;
        shell_argv[2] = cli_alloc(len + 1U);
        memcpy(shell_argv[2], args.command_string, len + 1U);
        shell_argv[3] = NULL;
        command = shell_argv;
    } else {
        command = args.command;
    }

    file = batch_display_name(args.operands[0]);
    open_secrets(&s, &args);
    secrets_keep_only(&s, &args, file);
    env_check_secrets(&s, &args, file, 0);

    if (args.mount != NULL) {
        size_t len;
        char *text = format_secrets(&s, format, file, args.show_names, &len);
        mount_create(args.mount, text, len);
        cli_secret_free(text);
        mount_abs = mount_absolute(args.mount);
    }
    memset(&spec, 0, sizeof(spec));
    spec.add_secrets = args.mount == NULL;
    spec.inherit = !args.no_inherit_env;
    spec.keep = args.keep_env;
    spec.keep_count = args.keep_env_count;
    spec.mount_path = mount_abs;
    childenv_build(&ce, &s, &spec);

    if (!args.mask && args.mount == NULL) {
        /* The default: cloak becomes the command, and no process of cloak's stays with the secrets. */
        secrets_free(&s);
        env_exec(command, &ce);
    }
    if (args.mask) {
        m = mask_build(&s);
    }
    supervise_start(&sv, command, ce.vars, args.mask);
    /* The child has its copy; the parent keeps only the mask's patterns. */
    childenv_free(&ce);
    secrets_free(&s);
    free(mount_abs);
    supervise_finish(&sv, m, args.mount != NULL ? mount_remove : NULL);
}
