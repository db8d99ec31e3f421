#!/bin/sh
# The cloak CLI in CI pipelines. Usage: test_ci.sh CLOAK MAKE_FIXTURE
# CLOAK_TRUST and its place in the trust order (--trust > CLOAK_TRUST > keyring, each replacing the
# next), keygen making missing directories, -V/version, the owner check on private files, the
# process being non-dumpable (and run's command dumpable again), and the shell completions and the
# manual page, checked against what the binary accepts so that they cannot drift from it.
# Prints TAP; exits non-zero if any check fails.
set -u

. "$(dirname "$0")/common.sh"
# A pipeline running these tests may set CLOAK_TRUST for itself.
unset CLOAK_TRUST

SRC=$(cd "$(dirname "$0")/../../examples/cli" && pwd)
B=$FX/batch.txt
BU=$FX/batch-untrusted.txt
NS="--no-state"

# skip DESCRIPTION REASON: a check that cannot run here, reported as skipped (never as passed).
skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}

# note TEXT: a line for the failure report of the next ok.
note() {
    printf '%s\n' "$1" >>"$ERR"
}

# ---------------------------------------------------------------- CLOAK_TRUST
KR_MEMBER=$WORK/kr-member/keyring
KR_STRANGER=$WORK/kr-stranger/keyring
run env CLOAK_KEYRING="$KR_MEMBER" "$C" trust alice "$MEMBER"
expect_ok "a keyring trusting the member"
run env CLOAK_KEYRING="$KR_STRANGER" "$C" trust mallory "$STRANGER"
expect_ok "a keyring trusting the stranger (planted)"
export CLOAK_KEYRING="$NOKEYRING"

run "$C" env "$B" $KEYOPT $NS --trust "$MEMBER"
cp "$OUT" "$WORK/env.expected"
expect_ok "env with --trust (the reference output)"

run env CLOAK_TRUST="$MEMBER" "$C" env "$B" $KEYOPT $NS
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.expected" || _ok=1
ok $_ok "CLOAK_TRUST alone opens the member's batch"
run env CLOAK_TRUST="$MEMBER" "$C" env "$BU" $KEYOPT $NS
expect_fail 7 "CLOAK_TRUST: a batch of another signer" "not trusted"

# CLOAK_TRUST replaces the keyring's identities, in both directions.
run env CLOAK_KEYRING="$KR_STRANGER" CLOAK_TRUST="$MEMBER" "$C" env "$BU" $KEYOPT $NS
expect_fail 7 "a keyring trusting the stranger does not widen CLOAK_TRUST" "not trusted"
run env CLOAK_KEYRING="$KR_STRANGER" CLOAK_TRUST="$MEMBER" "$C" env "$B" $KEYOPT $NS
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.expected" || _ok=1
ok $_ok "CLOAK_TRUST with a keyring: the member's batch opens"
run env CLOAK_KEYRING="$KR_MEMBER" CLOAK_TRUST="$STRANGER" "$C" env "$B" $KEYOPT $NS
expect_fail 7 "CLOAK_TRUST replaces the keyring's identities (the keyring trusts the member, CLOAK_TRUST does not)" \
    "not trusted"
run env CLOAK_KEYRING="$KR_MEMBER" "$C" env "$B" $KEYOPT $NS
expect_ok "the same keyring without CLOAK_TRUST opens it"

# --trust replaces CLOAK_TRUST: a variable an earlier CI step wrote cannot widen the command line.
run env CLOAK_TRUST="$STRANGER" "$C" env "$BU" $KEYOPT $NS --trust "$MEMBER"
expect_fail 7 "CLOAK_TRUST does not widen --trust" "not trusted"
run env CLOAK_TRUST="$STRANGER" "$C" env "$B" $KEYOPT $NS --trust "$MEMBER"
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.expected" || _ok=1
ok $_ok "--trust with another CLOAK_TRUST: the --trust signer's batch opens"
run env CLOAK_TRUST="$MEMBER" "$C" env "$B" $KEYOPT $NS --trust "$STRANGER"
expect_fail 7 "--trust replaces CLOAK_TRUST (CLOAK_TRUST trusts the member, --trust does not)" "not trusted"
run env CLOAK_TRUST="not an identity" "$C" env "$B" $KEYOPT $NS --trust "$MEMBER"
expect_ok "with --trust, CLOAK_TRUST is not read at all (a bad value is ignored)"
run env CLOAK_TRUST="$MEMBER" "$C" env "$B" $KEYOPT $NS --trust-add "$STRANGER"
expect_fail 2 "--trust-add with CLOAK_TRUST set is refused" "--trust-add .*CLOAK_TRUST"
run env CLOAK_KEYRING="$KR_MEMBER" CLOAK_TRUST="" "$C" env "$B" $KEYOPT $NS --trust-add "$STRANGER"
expect_fail 2 "--trust-add with an empty CLOAK_TRUST is refused too" "--trust-add .*CLOAK_TRUST"

# Forms of the list.
run env CLOAK_TRUST="$STRANGER,$MEMBER" "$C" env "$B" $KEYOPT $NS
expect_ok "comma-separated, the member second"
run env CLOAK_TRUST="$MEMBER,$STRANGER" "$C" env "$BU" $KEYOPT $NS
expect_ok "comma-separated: the second identity counts (the stranger's batch opens)"
run env CLOAK_TRUST="	 $STRANGER ,  $MEMBER	" "$C" env "$B" $KEYOPT $NS
expect_ok "blanks around entries are ignored"
run env CLOAK_TRUST="$STRANGER
$MEMBER
" "$C" env "$B" $KEYOPT $NS
expect_ok "newline-separated, with a trailing newline"
CR=$(printf '\r')
run env CLOAK_TRUST="$STRANGER$CR
$MEMBER$CR
" "$C" env "$B" $KEYOPT $NS
expect_ok "CRLF lines"
run env CLOAK_TRUST=",$STRANGER,,
 ,$MEMBER,
" "$C" env "$B" $KEYOPT $NS
expect_ok "empty entries are skipped"
run env CLOAK_TRUST="$MEMBER" "$C" run "$B" $KEYOPT $NS -- sh -c 'echo ran'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = ran ] || _ok=1
ok $_ok "run with CLOAK_TRUST"

# Refusals: an entry that does not decode names its position, not its text.
run env CLOAK_TRUST="$MEMBER,garbage-entry-xyz" "$C" env "$B" $KEYOPT $NS
_ok=0; ! grep -q garbage-entry-xyz "$ERR" || _ok=1
expect_fail 2 "CLOAK_TRUST with a bad second entry" "CLOAK_TRUST: identity #2 is not a member identity"
ok $_ok "the bad entry's text is not echoed"
run env CLOAK_TRUST="
$(cat "$FX/account.pub")" "$C" env "$B" $KEYOPT $NS
expect_fail 2 "CLOAK_TRUST holding a public key (another type) as its first identity" "identity #1"
run env CLOAK_TRUST="$MEMBER $STRANGER" "$C" env "$B" $KEYOPT $NS
expect_fail 2 "CLOAK_TRUST separated by a space only" "separated by commas or newlines"
run env CLOAK_KEYRING="$KR_MEMBER" CLOAK_TRUST="" "$C" env "$B" $KEYOPT $NS
expect_fail 7 "an empty CLOAK_TRUST is refused, not read as unset (no fall back to the keyring)" \
    "CLOAK_TRUST is set but holds no identity"
run env CLOAK_KEYRING="$KR_MEMBER" CLOAK_TRUST=" ,
	, " "$C" env "$B" $KEYOPT $NS
expect_fail 7 "a CLOAK_TRUST of blanks and separators only" "holds no identity"
run "$C" env "$B" $KEYOPT $NS
expect_fail 7 "no trust at all: the message names CLOAK_TRUST" "CLOAK_TRUST"
for cmd in --help "trust --help" "env --help"; do
    run "$C" $cmd
    _ok=0; [ "$RC" -eq 0 ] && grep -q CLOAK_TRUST "$OUT" || _ok=1
    ok $_ok "cloak $cmd mentions CLOAK_TRUST"
done

# ---------------------------------------------------------------- keygen: missing directories
FRESH=$WORK/fresh-home
mkdir "$FRESH"
umask 022
run env HOME="$FRESH" "$C" keygen --out "$FRESH/.config/cloak/ci.key"
_ok=0
[ "$RC" -eq 0 ] && grep -q '^cloak-pubkey-' "$OUT" && [ ! -s "$ERR" ] || _ok=1
[ "$(mode_of "$FRESH/.config")" = 700 ] && [ "$(mode_of "$FRESH/.config/cloak")" = 700 ] || _ok=1
[ "$(mode_of "$FRESH/.config/cloak/ci.key")" = 600 ] || _ok=1
[ "$(mode_of "$FRESH")" = 755 ] || _ok=1
ok $_ok "keygen --out ~/.config/cloak/ci.key in a fresh home: directories 0700, key 0600 (umask 022)"
cp "$OUT" "$WORK/fresh.pub"
run "$C" pubkey --key-file "$FRESH/.config/cloak/ci.key"
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/fresh.pub" || _ok=1
ok $_ok "the key written there is the one whose public key was printed"
mkdir -m 0751 "$WORK/kg"
run "$C" keygen --out "$WORK/kg/a/b/k.key"
_ok=0
[ "$RC" -eq 0 ] && [ "$(mode_of "$WORK/kg")" = 751 ] || _ok=1
[ "$(mode_of "$WORK/kg/a")" = 700 ] && [ "$(mode_of "$WORK/kg/a/b")" = 700 ] || _ok=1
ok $_ok "an existing parent keeps its mode; only the missing ones are made (0700)"
mkdir "$WORK/rel"
(cd "$WORK/rel" && $NOTTY "$C" keygen --out sub/k.key </dev/null >"$OUT" 2>"$ERR")
RC=$?
_ok=0; [ "$RC" -eq 0 ] && [ "$(mode_of "$WORK/rel/sub")" = 700 ] && [ -f "$WORK/rel/sub/k.key" ] || _ok=1
ok $_ok "a relative --out path"
run "$C" keygen --out "$FX/account.pub/sub/k.key"
expect_fail 3 "keygen --out below a regular file" "cannot create the directory .*account.pub/sub"
run "$C" keygen --out "$FRESH/.config/cloak/ci.key"
expect_fail 3 "keygen --out into an existing directory still refuses an existing key" "exists already"

# ---------------------------------------------------------------- version
run "$C" -V
cp "$OUT" "$WORK/version"
_ok=0
[ "$RC" -eq 0 ] && [ ! -s "$ERR" ] && [ "$(wc -l <"$OUT")" -eq 1 ] || _ok=1
grep -qE '^cloak [0-9]+\.[0-9]+\.[0-9]+[^ ]* \(libcloak [0-9]+\.[0-9]+\.[0-9]+[^ ]*\)$' "$OUT" || _ok=1
ok $_ok "cloak -V: one line, cloak's and libcloak's versions"
for form in --version version; do
    run "$C" $form
    _ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/version" || _ok=1
    ok $_ok "cloak $form prints the same line as -V"
done
run "$C" version extra
expect_fail 2 "cloak version takes no argument" "too many arguments"
run "$C" -V extra
expect_fail 2 "cloak -V takes no argument" "takes no arguments"
run "$C" help version
_ok=0; [ "$RC" -eq 0 ] && grep -q '^usage: cloak version' "$OUT" || _ok=1
ok $_ok "cloak help version"
run "$C" --help
_ok=0; grep -qE '^  version +' "$OUT" && grep -q -- '-V | --version' "$OUT" || _ok=1
ok $_ok "cloak --help lists version and -V"

# ---------------------------------------------------------------- owner of private files
if [ "$(id -u)" -eq 0 ]; then
    OWN=$WORK/own
    mkdir "$OWN"
    cp "$FX/account.key" "$OWN/k.key"
    chmod 600 "$OWN/k.key"
    chown 65534 "$OWN/k.key"
    run "$C" env "$B" --key-file "$OWN/k.key" $VAULTOPT $NS --trust "$MEMBER"
    expect_fail 5 "a key file owned by another user (mode 0600), read by root" \
        "key file .*k.key belongs to another user \(uid 65534; cloak runs as uid 0\).*run: chown 0 "
    run "$C" pubkey --key-file "$OWN/k.key"
    expect_fail 5 "pubkey: the same key file" "belongs to another user"
    chown 0 "$OWN/k.key"
    run "$C" env "$B" --key-file "$OWN/k.key" $VAULTOPT $NS --trust "$MEMBER"
    _ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.expected" || _ok=1
    ok $_ok "after the suggested chown it is read"

    cp "$KR_MEMBER" "$OWN/keyring"
    chown 65534 "$OWN/keyring"
    run env CLOAK_KEYRING="$OWN/keyring" "$C" env "$B" $KEYOPT $NS
    expect_fail 11 "a keyring owned by another user" "keyring .*belongs to another user"
    run env CLOAK_KEYRING="$OWN/keyring" "$C" trust
    expect_fail 11 "cloak trust (list) with that keyring" "belongs to another user"

    run "$C" env "$B" $KEYOPT --trust "$MEMBER" --state "$OWN/state"
    expect_ok "a state file written"
    cp "$OWN/state" "$WORK/state.before"
    chown 65534 "$OWN/state"
    run "$C" env "$B" $KEYOPT --trust "$MEMBER" --state "$OWN/state"
    expect_fail 15 "a state file owned by another user" "state file .*belongs to another user"
    cmp -s "$OWN/state" "$WORK/state.before"
    ok $? "the state file is left as it was"
else
    skip "files owned by another user are refused" "needs root to chown a file to another user"
fi

# ---------------------------------------------------------------- non-dumpable process
# Another process of the same user may read /proc/PID/environ of a dumpable process but not of a
# non-dumpable one (without CAP_SYS_PTRACE, so as root the checks run as nobody). A process blocked
# on reading a FIFO holds still while it is looked at; for cloak that is the batch file.
PUB=$WORK/pub
mkdir "$PUB"
mkfifo "$PUB/fifo"
cp "$B" "$PUB/batch.txt"
cp "$FX/account.key" "$PUB/k.key"
chmod 600 "$PUB/k.key"
AS_USER=""
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null 2>&1; then
        AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
        chmod 0711 "$WORK"
        chmod 0777 "$PUB"
        chmod 0666 "$PUB/fifo"
        chmod 0644 "$PUB/batch.txt"
        chown 65534 "$PUB/k.key"
    else
        AS_USER=none
    fi
fi
cat >"$PUB/dumpable.sh" <<'EOF'
# dumpable.sh WHAT CLOAK DIR MEMBER: prints "readable" or "unreadable" for another process's view
# of WHAT's /proc/PID/environ while it blocks on DIR/fifo ("gone" if it ended first).
what=$1 cloak=$2 dir=$3 member=$4
exec 3<>"$dir/fifo"
if [ "$what" = cloak ]; then
    CLOAK_KEYRING=$dir/none "$cloak" secrets "$dir/fifo" --vault v --no-state --trust "$member" 2>/dev/null &
else
    cat "$dir/fifo" >/dev/null &
fi
pid=$!
want=$what
[ "$what" = cloak ] || want=cat
# Until the program itself runs (the forked shell is dumpable until exec, and cloak until its
# first call), then the answer.
i=0
result=gone
while [ $i -lt 100 ] && kill -0 $pid 2>/dev/null; do
    if [ "$(cat /proc/$pid/comm 2>/dev/null)" = "$want" ]; then
        if cat /proc/$pid/environ >/dev/null 2>&1; then result=readable; else result=unreadable; break; fi
        [ "$what" = cloak ] || break
    fi
    sleep 0.05
    i=$((i + 1))
done
kill $pid 2>/dev/null
exec 3>&-
wait $pid 2>/dev/null
echo $result
EOF
if [ "$AS_USER" = none ]; then
    skip "cloak is not dumpable; run's command is" "root without setpriv cannot test as another user"
elif ! $AS_USER "$CLOAK" -V >/dev/null 2>&1; then
    skip "cloak is not dumpable; run's command is" "uid 65534 cannot run $CLOAK (a directory above it is closed)"
else
    R_CAT=$($AS_USER sh "$PUB/dumpable.sh" cat "$CLOAK" "$PUB" "$MEMBER")
    [ "$R_CAT" = readable ]
    ok $? "control: another process of the user reads a dumpable process's environment ($R_CAT)"
    R_CLOAK=$($AS_USER sh "$PUB/dumpable.sh" cloak "$CLOAK" "$PUB" "$MEMBER")
    [ "$R_CLOAK" = unreadable ]
    ok $? "cloak is not dumpable: its environment is unreadable to the user's other processes ($R_CLOAK)"
    $AS_USER env CLOAK_KEYRING="$PUB/none" "$CLOAK" run "$PUB/batch.txt" --key-file "$PUB/k.key" $VAULTOPT $NS \
        --trust "$MEMBER" -- sh -c 'if cat /proc/$$/environ >/dev/null 2>&1; then echo readable; else echo unreadable; fi' \
        </dev/null >"$OUT" 2>"$ERR"
    RC=$?
    _ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = readable ] || _ok=1
    ok $_ok "run's command is dumpable again after exec (the kernel resets it): $(cat "$OUT")"
fi

# ---------------------------------------------------------------- completions
# The oracle is the binary: the commands `cloak --help` lists, and for each command, which options
# it accepts ("--opt=" fails with "unknown option" only for an option the command does not take;
# any other refusal comes before the command does anything).
COMMANDS=$("$CLOAK" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$COMMANDS" ] && echo "$COMMANDS" | grep -qx env && echo "$COMMANDS" | grep -qx version
ok $? "cloak --help lists the commands ($(echo $COMMANDS))"
for cmd in $COMMANDS; do
    "$CLOAK" "$cmd" --help
done >"$WORK/all-help" 2>/dev/null
BASHC=$SRC/completions/cloak.bash
ZSHC=$SRC/completions/_cloak
FISHC=$SRC/completions/cloak.fish

cat >"$WORK/bash-complete.sh" <<'EOF'
# bash-complete.sh FILE WORDS...: what the completion function offers for the last word.
. "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
_cloak
printf '%s\n' "${COMPREPLY[@]}"
EOF
cat >"$WORK/zsh-complete.zsh" <<'EOF'
# zsh-complete.zsh FILE WORDS...: what _cloak hands to _arguments and _describe for the last word,
# with the completion system's functions replaced by ones that print their arguments.
_arguments() { print -rl -- "$@" }
_describe() { print -rl -- "${(@P)${@[-1]}}" }
_call_program() { shift; eval "$@" }
_files() { : }
f=$1
shift
words=("$@")
CURRENT=$#
curcontext=":complete:cloak:"
source $f
EOF
# complete_in SHELL WORDS...: the words a shell's completion offers after WORDS (the last one being
# completed), one per line, sorted.
complete_in() {
    _sh=$1
    shift
    case $_sh in
        bash) bash --norc --noprofile "$WORK/bash-complete.sh" "$BASHC" "$@" ;;
        zsh) eval "_prev=\${$(($# - 1))}"
            case $_prev in
                # An option's value: the stubbed _arguments shows the specs, so read the values
                # from the option's own spec ("--opt=[...]:what:(a b c)").
                --*) zsh -f "$WORK/zsh-complete.zsh" "$ZSHC" "$@" | sed 's/^([^)]*)//; s/^\*//' |
                    grep -- "^$_prev=" | sed -n 's/.*:(\(.*\))$/\1/p' | tr ' ' '\n' ;;
                *) zsh -f "$WORK/zsh-complete.zsh" "$ZSHC" "$@" |
                    sed -n 's/^([^)]*)//; s/^\*//; s/^\(--[a-z][a-z-]*\).*/\1/p; s/^\(-[a-zA-Z]\)\[.*/\1/p; s/^\([a-z][a-z]*\):.*/\1/p' ;;
            esac ;;
        fish) _line=$(printf '%s ' "$@"); _line=${_line% }
            fish --no-config -c "source $FISHC; complete -C\"\$argv[1]\"" "$_line" | cut -f1 ;;
    esac | sort -u
}

# The options the binary accepts, per command; the universe is every option any help text or any
# completion file names.
grep -oE -- '--[a-z][a-z-]*' "$WORK/all-help" "$BASHC" "$ZSHC" | sed 's/^[^:]*://' | sort -u >"$WORK/universe"
grep -oE -- ' -l [a-z][a-z-]*' "$FISHC" | sed 's/^ -l /--/' >>"$WORK/universe"
sort -u -o "$WORK/universe" "$WORK/universe"
for cmd in $COMMANDS; do
    {
        echo --help
        while read -r opt; do
            [ "$opt" = --help ] && continue
            "$CLOAK" "$cmd" "$opt=" 2>&1 | grep -q "unknown option" || echo "$opt"
        done <"$WORK/universe"
    } | sort -u >"$WORK/accepts-$cmd"
done
grep -qx -- --trust "$WORK/accepts-env" && ! grep -qx -- --trust "$WORK/accepts-keygen" &&
    grep -qx -- --out "$WORK/accepts-keygen"
ok $? "control: the oracle sees env take --trust and keygen take --out but not --trust"

for sh in bash zsh fish; do
    if ! command -v $sh >/dev/null 2>&1; then
        skip "$sh completion" "$sh is not installed (Debian package: $sh)"
        continue
    fi
    : >"$ERR"
    _ok=0
    case $sh in
        bash) bash -n "$BASHC" 2>>"$ERR" || _ok=1 ;;
        zsh) zsh -n "$ZSHC" 2>>"$ERR" || _ok=1 ;;
        fish) fish -n "$FISHC" 2>>"$ERR" || _ok=1 ;;
    esac
    ok $_ok "$sh: the completion file parses"
    : >"$ERR"
    complete_in $sh cloak "" | grep -v '^-' >"$WORK/got"
    { echo "$COMMANDS"; echo help; } | sort -u >"$WORK/want"
    _ok=0
    cmp -s "$WORK/got" "$WORK/want" || { _ok=1; note "offered: $(echo $(cat "$WORK/got")); commands: $(echo $(cat "$WORK/want"))"; }
    ok $_ok "$sh: the commands offered are those of cloak --help (and help)"
    : >"$ERR"
    _ok=0
    for cmd in $COMMANDS; do
        complete_in $sh cloak "$cmd" -- | grep '^--' >"$WORK/got"
        # zsh and fish offer -h with --help; bash offers long options only.
        if ! cmp -s "$WORK/got" "$WORK/accepts-$cmd"; then
            _ok=1
            note "$cmd: offered only: $(echo $(comm -23 "$WORK/got" "$WORK/accepts-$cmd")); accepted but not offered: $(echo $(comm -13 "$WORK/got" "$WORK/accepts-$cmd"))"
        fi
    done
    ok $_ok "$sh: each command's options are exactly those the command accepts"
    : >"$ERR"
    _ok=0
    for cmd in env run; do
        if grep -qx -- --format "$WORK/accepts-$cmd"; then
            complete_in $sh cloak "$cmd" --format "" | sed 's/^--format=//' >"$WORK/formats-$sh-$cmd"
            [ -s "$WORK/formats-$sh-$cmd" ] || { _ok=1; note "$cmd: no --format value offered"; }
        fi
    done
    ok $_ok "$sh: --format values offered"
    complete_in $sh cloak keygen --suite "" | sed 's/^--suite=//' >"$WORK/suites-$sh"
    _ok=0; [ "$(echo $(cat "$WORK/suites-$sh"))" = "x25519 xwing" ] || _ok=1
    ok $_ok "$sh: --suite values offered: $(echo $(cat "$WORK/suites-$sh"))"
done

# The --format values each shell offers are all formats env knows: a name that is not one is a usage
# error (exit 2, checked too, so the check can fail), while a format may refuse a value of the
# fixture (exit 10: dotenv cannot carry a "$").
: >"$ERR"
_ok=0
cat "$WORK"/formats-* 2>/dev/null | sort -u >"$WORK/formats"
[ -s "$WORK/formats" ] || { _ok=1; note "no shell offered a --format value"; }
while read -r f; do
    "$CLOAK" env "$B" $KEYOPT $NS --trust "$MEMBER" --format "$f" >/dev/null 2>"$WORK/ferr"
    _rc=$?
    [ $_rc -eq 0 ] || [ $_rc -eq 10 ] || { _ok=1; note "--format $f (exit $_rc): $(cat "$WORK/ferr")"; }
done <"$WORK/formats"
"$CLOAK" env "$B" $KEYOPT $NS --trust "$MEMBER" --format not-a-format >/dev/null 2>&1
[ $? -eq 2 ] || { _ok=1; note "--format not-a-format was not refused with exit 2"; }
for f in "$WORK"/formats-*; do
    [ -e "$f" ] && { cmp -s "$f" "$WORK/formats" || { _ok=1; note "$(basename "$f") differs"; }; }
done
ok $_ok "every --format value offered is a format env knows, and every shell offers the same ($(echo $(cat "$WORK/formats")))"
_ok=0
for s in $(cat "$WORK/suites-bash"); do
    "$CLOAK" keygen --stdout --suite "$s" >/dev/null 2>&1 || _ok=1
done
"$CLOAK" keygen --stdout --suite rsa >/dev/null 2>&1 && _ok=1
ok $_ok "every --suite value offered is accepted by keygen"

# Operands: files where a command takes a file, the keyring's names where it takes a name.
mkdir "$WORK/cwd"
: >"$WORK/cwd/deploy.batch"
(cd "$WORK/cwd" && complete_in bash cloak env dep) >"$WORK/got"
[ "$(cat "$WORK/got")" = deploy.batch ]
ok $? "bash: a batch file operand completes to a file"
(cd "$WORK/cwd" && complete_in bash cloak run deploy.batch --vault x -- sh ./dep) >"$WORK/got"
[ "$(cat "$WORK/got")" = ./deploy.batch ]
ok $? "bash: run's arguments after the command complete to files"
complete_in bash cloak run deploy.batch -- s >"$WORK/got"
grep -qx sh "$WORK/got"
ok $? "bash: the word after run's -- completes to a command"
(export CLOAK_KEYRING="$KR_MEMBER"; complete_in bash "$CLOAK" untrust "") >"$WORK/got"
[ "$(cat "$WORK/got")" = alice ]
ok $? "bash: untrust offers the keyring's trusted names ($(cat "$WORK/got"))"
if command -v fish >/dev/null 2>&1; then
    (cd "$WORK/cwd" && complete_in fish cloak env dep) >"$WORK/got"
    [ "$(cat "$WORK/got")" = deploy.batch ]
    ok $? "fish: a batch file operand completes to a file"
    mkdir "$WORK/bin"
    ln -s "$CLOAK" "$WORK/bin/cloak"
    (export CLOAK_KEYRING="$KR_MEMBER" PATH="$WORK/bin:$PATH"; complete_in fish cloak untrust "") >"$WORK/got"
    [ "$(cat "$WORK/got")" = alice ]
    ok $? "fish: untrust offers the keyring's trusted names ($(cat "$WORK/got"))"
fi

# ---------------------------------------------------------------- manual page
MAN=$SRC/cloak.1
# The page's text with roff's \- turned into -, for searching.
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN" >"$WORK/man.txt"
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$MAN" 2>"$ERR"
    _ok=$?
    [ ! -s "$ERR" ] || _ok=1
    ok $_ok "groff -man -ww: cloak.1 renders without a warning"
else
    skip "groff -man -ww: cloak.1 renders without a warning" "groff is not installed (Debian package: groff-base)"
fi
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$MAN" 2>"$ERR" >"$WORK/man.out"
    _ok=$?
    grep -qE 'cloak +- +open batches' "$WORK/man.out" || _ok=1
    ok $_ok "man -l cloak.1 shows the page"
else
    skip "man -l cloak.1 shows the page" "man is not installed (Debian package: man-db)"
fi
: >"$ERR"
_ok=0
for sec in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT FILES "EXIT STATUS" SECURITY EXAMPLES "SEE ALSO"; do
    grep -qx ".SH $sec" "$MAN" || { _ok=1; note "no section $sec"; }
done
ok $_ok "cloak.1 has every section"
# The commands described (".TP" then ".B NAME" under COMMANDS) are those of cloak --help.
sed -n '/^\.SH COMMANDS$/,/^\.SH /p' "$MAN" | awk '/^\.TP$/ { getline; if ($1 == ".B") print $2 }' | sort -u >"$WORK/got"
{ echo "$COMMANDS"; echo help; } | sort -u >"$WORK/want"
: >"$ERR"
cmp -s "$WORK/got" "$WORK/want" || note "described: $(echo $(cat "$WORK/got")); cloak --help: $(echo $(cat "$WORK/want"))"
cmp -s "$WORK/got" "$WORK/want"
ok $? "cloak.1 describes exactly the commands of cloak --help"
: >"$ERR"
_ok=0
for cmd in $COMMANDS; do
    grep -q "^\\\\fBcloak $cmd\\\\fR" "$MAN" || { _ok=1; note "SYNOPSIS lacks $cmd"; }
done
ok $_ok "cloak.1's SYNOPSIS has a line for every command"
: >"$ERR"
_ok=0
cat "$WORK"/accepts-* | sort -u >"$WORK/accepted"
sed -n '/^\.SH OPTIONS$/,/^\.SH /p' "$WORK/man.txt" >"$WORK/man-options"
while read -r opt; do
    grep -q -- "$opt\\([^a-z-]\\|\$\\)" "$WORK/man-options" || { _ok=1; note "OPTIONS lacks $opt"; }
done <"$WORK/accepted"
ok $_ok "cloak.1's OPTIONS names every option some command accepts ($(wc -l <"$WORK/accepted") options)"
# Exit codes: cli.h's enum, cloak --help's list and the page's EXIT STATUS agree.
sed -n 's/^ *CLI_EXIT_[A-Z_]* = \([0-9][0-9]*\).*/\1/p' "$SRC/cli.h" | sort -n >"$WORK/codes-cli"
"$CLOAK" --help | sed -n '/^Exit status:/,/^Failures/p' | grep -oE '(^|[ (,])[0-9]+[ ,;]' |
    tr -dc '0-9\n' | sort -nu >"$WORK/codes-help"
sed -n '/^\.SH EXIT STATUS$/,/^\.SH /p' "$MAN" | awk '/^\.TP$/ { getline; print }' | grep -oE '[0-9]+' |
    sort -nu >"$WORK/codes-man"
: >"$ERR"
_ok=0
cmp -s "$WORK/codes-cli" "$WORK/codes-help" || { _ok=1; note "cli.h: $(echo $(cat "$WORK/codes-cli")); --help: $(echo $(cat "$WORK/codes-help"))"; }
cmp -s "$WORK/codes-cli" "$WORK/codes-man" || { _ok=1; note "cli.h: $(echo $(cat "$WORK/codes-cli")); cloak.1: $(echo $(cat "$WORK/codes-man"))"; }
[ "$(wc -l <"$WORK/codes-cli")" -ge 17 ] || { _ok=1; note "too few codes read from cli.h"; }
ok $_ok "exit codes: cli.h, cloak --help and cloak.1 list the same ($(echo $(cat "$WORK/codes-cli")))"
# Every variable of --help's Environment paragraph has an entry in ENVIRONMENT.
"$CLOAK" --help | sed -n '/^Environment:/,/^$/p' | grep -oE '\b[A-Z][A-Z_]{3,}\b' | sort -u >"$WORK/vars"
sed -n '/^\.SH ENVIRONMENT$/,/^\.SH /p' "$MAN" >"$WORK/man-env"
: >"$ERR"
_ok=0
grep -qx CLOAK_TRUST "$WORK/vars" || { _ok=1; note "--help's Environment paragraph lacks CLOAK_TRUST"; }
while read -r v; do
    grep -q "^\\.BR* $v\\b" "$WORK/man-env" || { _ok=1; note "ENVIRONMENT lacks $v"; }
done <"$WORK/vars"
ok $_ok "cloak.1's ENVIRONMENT has every variable of cloak --help ($(echo $(cat "$WORK/vars")))"

tap_finish
