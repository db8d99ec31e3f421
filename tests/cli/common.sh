# Shared by the cloak CLI test scripts (tests/cli/test_*.sh), which source it after `set -u` with
# the tool and the fixture maker as $1 and $2: a work directory and fixture, a clean environment,
# TAP helpers (ok, run, run_in, expect_fail, expect_ok) and small readers of text forms. A script
# ends with tap_finish.
CLOAK=$1
FIXTURE=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cloak-cli-test.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM
FX=$WORK/fx
mkdir "$FX" || exit 1
"$FIXTURE" "$FX" || { echo "Bail out! make_fixture failed"; exit 1; }

# Nothing from the caller's environment may reach the tool: no real keyring, no real key.
unset CLOAK_SERVICE_ACCOUNT_KEY CLOAK_PASSPHRASE CLOAK_KEYRING CLOAK_TRUST XDG_CONFIG_HOME XDG_STATE_HOME
HOME=$WORK/home
export HOME
mkdir "$HOME"
NOKEYRING=$WORK/no-such-dir/keyring
KR=$WORK/kr/keyring
MEMBER=$(cat "$FX/member.identity")
STRANGER=$(cat "$FX/untrusted.identity")
VALUES=$FX/values.txt
OUT=$WORK/out
ERR=$WORK/err

# The expected values, in the fixture's order (values.txt lines 1-3).
V_DB=$(sed -n 1p "$VALUES")
V_API=$(sed -n 2p "$VALUES")
V_STRIPE=$(sed -n 3p "$VALUES")

# Runs without a controlling terminal where possible, so a passphrase prompt can never wait.
if command -v setsid >/dev/null 2>&1; then NOTTY="setsid -w"; else NOTTY=""; fi

n=0
passed=0
failed=0

ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        passed=$((passed + 1))
        echo "ok $n - $2"
    else
        failed=$((failed + 1))
        echo "not ok $n - $2"
        echo "#   exit status $RC; stderr:"
        sed 's/^/#     /' "$ERR"
    fi
}

# run CMD...: runs with stdin from /dev/null, stdout in $OUT, stderr in $ERR, status in $RC.
run() {
    $NOTTY "$@" </dev/null >"$OUT" 2>"$ERR"
    RC=$?
}

# run_in FILE CMD...: the same with stdin from FILE.
run_in() {
    _in=$1
    shift
    $NOTTY "$@" <"$_in" >"$OUT" 2>"$ERR"
    RC=$?
}

no_leak() {
    ! grep -q -F -f "$VALUES" "$OUT" "$ERR"
}

one_line_stderr() {
    [ "$(wc -l <"$ERR")" -eq 1 ] && head -c 7 "$ERR" | grep -q '^cloak: '
}

# expect_fail CODE DESCRIPTION [PATTERN]: after run, checks a failure: the exit code, one line
# "cloak: ..." on stderr, nothing on stdout, no secret anywhere, and PATTERN (grep -E) in stderr.
expect_fail() {
    _ok=0
    [ "$RC" -eq "$1" ] || _ok=1
    one_line_stderr || _ok=1
    [ ! -s "$OUT" ] || _ok=1
    no_leak || _ok=1
    if [ $# -ge 3 ]; then grep -q -E -- "$3" "$ERR" || _ok=1; fi
    ok $_ok "$2 (exit $1, one line, no secret)"
}

expect_ok() {
    _ok=0
    [ "$RC" -eq 0 ] || _ok=1
    [ ! -s "$ERR" ] || _ok=1
    ok $_ok "$1"
}

mode_of() {
    stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1"
}

# The first 21 bytes of the blob behind a text form "cloak-NAME-..." (its first 28 base64url
# characters, so no padding is needed), for the header's fields.
blob_start() {
    printf '%s' "$1" | sed 's/^cloak-[a-z]*-//' | cut -c1-28 | tr -- '-_' '+/' | base64 -d 2>/dev/null
}
# header_of TEXT: version, type and suite (header bytes 0 to 4) in hex, "02 0c 00 02".
header_of() {
    blob_start "$1" | od -An -tx1 -N4 | tr -d '\n' | sed 's/^ *//; s/ *$//; s/  */ /g'
}
# key_id_of TEXT: the key id (header bytes 4 to 20) in hex.
key_id_of() {
    blob_start "$1" | od -An -tx1 -j4 -N16 | tr -d ' \n'
}

C=$CLOAK
# Under `meson test --setup valgrind` every run of cloak goes through valgrind (the commands that
# `cloak run` executes do not: valgrind does not follow exec by default).
if [ "${CLOAK_TEST_UNDER_VALGRIND:-}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
    C=$WORK/cloak-valgrind
    cat >"$C" <<WRAPPER
#!/bin/sh
exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --quiet "$CLOAK" "\$@"
WRAPPER
    chmod +x "$C"
fi
VAULTOPT="--vault acme/production"
KEYOPT="--key-file $FX/account.key $VAULTOPT"

# tap_finish: the plan and the summary, then exits 0 only if every check passed.
tap_finish() {
    echo "1..$n"
    echo "# $passed passed, $failed failed"
    # End by exec: meson's valgrind setup runs this script itself under valgrind, which would otherwise
    # judge the shell's own leaks at exit. (The trap's cleanup is done here for the same reason.)
    rm -rf "$WORK"
    trap - EXIT INT TERM
    if [ "$failed" -eq 0 ]; then exec true; fi
    exec false
}
