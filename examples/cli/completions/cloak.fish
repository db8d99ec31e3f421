# fish completion for cloak(1), libcloak's service-account tool: commands, each command's options,
# the values of --format and --suite, files for FILE operands, account and trusted-identity names
# from the keyring (read with `cloak accounts` and `cloak trust`, which need no passphrase).
# meson installs it in share/fish/vendor_completions.d; tests/cli/test_ci.sh checks its lists
# against `cloak --help` and what each command accepts, so that they cannot drift silently.

set -l cloak_commands keygen pubkey import select accounts forget trust untrust secrets env run inject credential version help
set -l batch_commands secrets env run inject

# The keyring's names, from the cloak being completed (the first word of the command line).
function __cloak_accounts
    set -l cloak (commandline -opc)[1]
    command -q $cloak; or return
    $cloak accounts 2>/dev/null | string replace -rf '^..(\S+) .*' '$1'
end

function __cloak_trusted
    set -l cloak (commandline -opc)[1]
    command -q $cloak; or return
    $cloak trust 2>/dev/null | string replace -rf '^(\S+)  .*' '$1'
end

# Files only where a command takes them.
complete -c cloak -f

complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a keygen -d 'make a service-account key pair'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a pubkey -d 'print the public key of a service-account key'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a import -d 'add a service-account key to the keyring'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a select -d 'choose the keyring account used by default'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a accounts -d "list the keyring's accounts"
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a forget -d 'remove an account from the keyring'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a trust -d 'trust a member identity to sign batches, or list them'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a untrust -d 'stop trusting a member identity'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a secrets -d 'list the secrets of a batch file'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a env -d "print a batch's secrets"
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a run -d "run a command with a batch's secrets in its environment"
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a inject -d "fill a template's {{ NAME }} references"
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a credential -d "print the account's access credential, or its verifier"
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a version -d 'print the versions of cloak and libcloak'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -a help -d 'describe a command'
complete -c cloak -n "not __fish_seen_subcommand_from $cloak_commands" -s V -l version -d 'print the version'
complete -c cloak -n "__fish_seen_subcommand_from help" -a "$cloak_commands"
complete -c cloak -s h -l help -d 'show the help'

# keygen
complete -c cloak -n "__fish_seen_subcommand_from keygen" -l out -r -F -d 'write the private key to FILE (mode 0600)'
complete -c cloak -n "__fish_seen_subcommand_from keygen" -l stdout -d 'write the private key to standard output'
complete -c cloak -n "__fish_seen_subcommand_from keygen" -l suite -x -a 'xwing x25519' -d "the key's suite"

# The key: pubkey, credential and the batch commands.
complete -c cloak -n "__fish_seen_subcommand_from pubkey credential $batch_commands" -l key-file -r -F -d 'the service-account key file'
complete -c cloak -n "__fish_seen_subcommand_from pubkey credential $batch_commands" -l account -x -a '(__cloak_accounts)' -d 'the keyring account to use'
complete -c cloak -n "__fish_seen_subcommand_from credential" -l verifier -d 'print the verifier a server stores'

# Keyring operands.
complete -c cloak -n "__fish_seen_subcommand_from select forget" -a '(__cloak_accounts)'
complete -c cloak -n "__fish_seen_subcommand_from untrust" -a '(__cloak_trusted)'
complete -c cloak -n "__fish_seen_subcommand_from import" -F

# How secrets, env, run and inject open a batch; the batch (and template) are files or URLs.
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -F
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l vault -x -d 'the vault the batch must be of'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l min-epoch -x -d 'refuse a batch of a vault-key epoch below N'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l min-version -x -d 'refuse a batch of a head version below N'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l state -r -F -d 'the state file to read and update'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l no-state -d 'neither read nor write a state file'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l trust -x -d 'accept batches signed by this identity and no other'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l trust-add -x -d "accept this identity as well as the keyring's"
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l ca-file -r -F -d 'CA certificates for an https server (PEM)'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l only -x -d 'only this secret (repeatable)'
complete -c cloak -n "__fish_seen_subcommand_from $batch_commands" -l show-names -d 'let messages name secrets'

complete -c cloak -n "__fish_seen_subcommand_from secrets" -l show-values -d 'print the values too'
complete -c cloak -n "__fish_seen_subcommand_from env run" -l format -x -a 'plain dotenv json yaml export shell' -d 'output format'
complete -c cloak -n "__fish_seen_subcommand_from env" -l shell-quote -d "NAME='value' lines for a POSIX shell"
complete -c cloak -n "__fish_seen_subcommand_from env run" -l allow-name -x -d 'allow this refused variable name'
complete -c cloak -n "__fish_seen_subcommand_from run" -l mask -d "filter secret values out of the command's output"
complete -c cloak -n "__fish_seen_subcommand_from run" -l mount -r -F -d 'write the secrets to PATH for the command'
complete -c cloak -n "__fish_seen_subcommand_from run" -l no-inherit-env -d 'give the command only the secrets and --keep-env variables'
complete -c cloak -n "__fish_seen_subcommand_from run" -l keep-env -x -a '(set -nx)' -d 'with --no-inherit-env, pass this variable on'
complete -c cloak -n "__fish_seen_subcommand_from run" -l command -x -d 'run STRING with /bin/sh -c'
complete -c cloak -n "__fish_seen_subcommand_from run; and contains -- -- (commandline -opc)" -a '(__fish_complete_command)'
complete -c cloak -n "__fish_seen_subcommand_from inject" -l out -r -F -d 'write the result to FILE (mode 0600)'
