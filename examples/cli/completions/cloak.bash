# bash completion for cloak(1), libcloak's service-account tool: commands, each command's options,
# the values of --format and --suite, files for FILE operands, account and trusted-identity names
# from the keyring (read with `cloak accounts` and `cloak trust`, which need no passphrase).
# meson installs it as share/bash-completion/completions/cloak; tests/cli/test_ci.sh checks its
# lists against `cloak --help` and what each command accepts, so that they cannot drift silently.
# Plain bash (no bash-completion helpers), so that it also works when sourced on its own.

_cloak_commands='keygen pubkey import select accounts forget trust untrust secrets env run inject credential version help'

# The options of secrets, env, run and inject: how each opens a batch.
_cloak_open_options='--vault --min-epoch --min-version --state --no-state --key-file --account --trust --trust-add --ca-file'

# _cloak_options COMMAND: the options COMMAND accepts.
_cloak_options() {
    case $1 in
        keygen) echo --out --stdout --suite ;;
        pubkey) echo --key-file --account ;;
        secrets) echo "$_cloak_open_options" --show-values --only --show-names ;;
        env) echo "$_cloak_open_options" --format --shell-quote --only --allow-name --show-names ;;
        run) echo "$_cloak_open_options" --format --only --allow-name --show-names --mask --mount --no-inherit-env \
            --keep-env --command ;;
        inject) echo "$_cloak_open_options" --out --only --show-names ;;
        credential) echo --verifier --key-file --account ;;
    esac
    echo --help
}

# _cloak_names accounts|trust: the names the keyring holds, from the cloak being completed.
_cloak_names() {
    if [ "$1" = accounts ]; then
        "${COMP_WORDS[0]}" accounts 2>/dev/null | sed -n 's/^..\([^ ][^ ]*\) .*/\1/p'
    else
        "${COMP_WORDS[0]}" trust 2>/dev/null | sed -n 's/^\([^ ][^ ]*\)  .*/\1/p'
    fi
}

# _cloak_reply WORDLIST: the words that start with $cur.
_cloak_reply() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_cloak_files() {
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

_cloak() {
    local cur prev cmd i dashdash=0 operands=0
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # "--opt=value": bash splits it at "=" (COMP_WORDBREAKS), giving the words "--opt", "=", "value".
    if [ "$cur" = = ]; then
        cur=
    elif [ "$prev" = = ] && [ "$COMP_CWORD" -gt 1 ]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    if [ "$COMP_CWORD" -le 1 ]; then
        _cloak_reply "$(printf '%s\n' $_cloak_commands -V --version --help)"
        return
    fi
    cmd=${COMP_WORDS[1]}
    if [ "$cmd" = help ]; then
        [ "$COMP_CWORD" -eq 2 ] && _cloak_reply "$(printf '%s\n' $_cloak_commands)"
        return
    fi
    # Words before the current one: where "--" is (run's command follows it), how many operands.
    for ((i = 2; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --) dashdash=$i; break ;;
            =) ;;
            --*=*) ;;
            --format|--suite|--out|--key-file|--state|--ca-file|--mount|--account|--vault|--min-epoch| \
            --min-version|--trust|--trust-add|--only|--allow-name|--keep-env|--command)
                # the value follows, as the next word or after "="
                if [ "${COMP_WORDS[i + 1]}" = = ]; then i=$((i + 2)); else i=$((i + 1)); fi ;;
            -*) ;;
            *) operands=$((operands + 1)) ;;
        esac
    done
    if [ "$dashdash" -gt 0 ]; then
        if [ "$COMP_CWORD" -eq $((dashdash + 1)) ]; then
            mapfile -t COMPREPLY < <(compgen -c -- "$cur" | sort -u)
        else
            _cloak_files
        fi
        return
    fi
    case $prev in
        --format) _cloak_reply "$(printf '%s\n' plain dotenv json yaml export shell)"; return ;;
        --suite) _cloak_reply "$(printf '%s\n' xwing x25519)"; return ;;
        --out|--key-file|--state|--ca-file|--mount) _cloak_files; return ;;
        --account) _cloak_reply "$(_cloak_names accounts)"; return ;;
        --vault|--min-epoch|--min-version|--trust|--trust-add|--only|--allow-name|--keep-env|--command) return ;;
    esac
    case $cur in
        -*) _cloak_reply "$(printf '%s\n' $(_cloak_options "$cmd"))"; return ;;
    esac
    case $cmd in
        select|forget) [ "$operands" -eq 0 ] && _cloak_reply "$(_cloak_names accounts)" ;;
        untrust) [ "$operands" -eq 0 ] && _cloak_reply "$(_cloak_names trust)" ;;
        import) [ "$operands" -eq 1 ] && _cloak_files ;;
        secrets|env|run) [ "$operands" -eq 0 ] && _cloak_files ;;
        inject) [ "$operands" -le 1 ] && _cloak_files ;;
    esac
}

complete -F _cloak cloak
