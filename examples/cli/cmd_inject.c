/* cloak inject: a template with {{ NAME }} references, filled in with a batch's secrets. */
#include <string.h>

#include "args.h"
#include "batchopen.h"
#include "cli.h"
#include "commands.h"
#include "envnames.h"
#include "fileio.h"
#include "template.h"
#include "unseal.h"

const struct cli_command_spec inject_spec = {
    "inject", "cloak inject FILE TEMPLATE [--out PATH] [--only NAME] [--vault ID] [OPTIONS]",
    "usage: cloak inject FILE TEMPLATE [--out PATH] [--only NAME] [--vault ID] [OPTIONS]\n"
    "\n"
    "Opens a batch and prints TEMPLATE with every {{ NAME }} replaced by the value of the secret NAME\n"
    "(spaces inside the braces optional). {{ \"{{\" }} writes a literal {{. A reference to a secret the\n"
    "batch lacks, or a {{ that does not open a reference, is refused with its line, and nothing is\n"
    "written. TEMPLATE may be - for standard input (then FILE may not). Values are copied as they are:\n"
    "quoting them for the file's own syntax is the template's job.\n"
    "\n"
    "  --out PATH          write to PATH (mode 0600, replaced atomically: all or nothing) rather than\n"
    "                      to standard output\n"
    "  --only NAME         only the secret NAME may be referred to (repeatable); a name the batch lacks\n"
    "                      is refused\n"
    "  --show-names        let error messages name secrets\n" OPEN_OPTIONS_HELP,
    OPEN_OPTIONS | OPT_OUT | OPT_ONLY | OPT_SHOW_NAMES, 2, 2, 0};

void cmd_inject(int argc, char **argv)
{
    struct cli_args args;
    struct template t;
    struct secrets s;
    const char *file;
    size_t len = 0;
    char *out;

    cli_args_parse(&args, &inject_spec, argc, argv);
    if (strcmp(args.operands[0], "-") == 0 && strcmp(args.operands[1], "-") == 0) {
        cli_fail(CLI_EXIT_USAGE, "inject: the batch and the template cannot both come from standard input");
    }
    file = batch_display_name(args.operands[0]);
    /* The template first: a malformed one fails before any key or passphrase is asked for. */
    template_read(&t, args.operands[1]);
    open_secrets(&s, &args);
    secrets_keep_only(&s, &args, file);
    out = template_fill(&t, &s, file, args.show_names, &len);
    secrets_free(&s);
    if (args.out != NULL) {
        cli_write_file_atomically(args.out, out, len, CLI_EXIT_FILE);
    } else {
        cli_write_stdout(out, len);
    }
    cli_secret_free(out);
    template_free(&t);
    cli_args_free(&args);
}
