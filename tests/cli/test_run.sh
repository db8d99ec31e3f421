#!/bin/sh
# End-to-end tests of cloak run's modes: exec (the default) and supervised (--mask, --mount), the
# child's environment (--no-inherit-env, --keep-env), the shell string form (--command), signals and
# exit statuses, masking of values and their encodings in the child's output, and every usage
# refusal. Usage: test_run.sh CLOAK MAKE_FIXTURE. Prints TAP; exits non-zero if any check fails.
set -u

. "$(dirname "$0")/common.sh"

B=$FX/batch.txt
O="$KEYOPT --trust $MEMBER --no-state"
MARK='<concealed by cloak>'
PY=python3

# status_of CMD...: how a program sees CMD end: "N" for an exit status, "-N" for death by signal N.
status_of() {
    $PY -c 'import subprocess, sys; print(subprocess.call(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))' "$@"
}

# ok_masked STATUS DESC: ok, but a failing masking check may have let a value through, so its
# output is not shown.
ok_masked() {
    if [ "$1" -ne 0 ]; then echo "(output withheld: it may hold a secret value)" >"$ERR"; fi
    ok "$1" "$2"
}

# wait_for FILE: up to 10 s for the child to say it is ready.
wait_for() {
    _i=0
    while [ ! -e "$1" ] && [ $_i -lt 100 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
}

# ---------------------------------------------------------------- help
run "$C" run --help
_ok=0
for opt in --mask --mount --format --no-inherit-env --keep-env --command --only --allow-name --show-names; do
    grep -q -- "$opt" "$OUT" || _ok=1
done
[ "$RC" -eq 0 ] || _ok=1
ok $_ok "run --help lists --mask, --mount, --format, --no-inherit-env, --keep-env, --command, --only, --allow-name, --show-names"

# ---------------------------------------------------------------- exit status and signals
run "$C" run "$B" $O -- sh -c 'echo out; echo err >&2; exit 42'
_ok=0; [ "$RC" -eq 42 ] && [ "$(cat "$OUT")" = out ] && [ "$(cat "$ERR")" = err ] || _ok=1
ok $_ok "exec: the exit status (42) and both streams pass through"
_ok=0; [ "$(status_of "$C" run "$B" $O -- sh -c 'kill -TERM $$')" = -15 ] || _ok=1
ok $_ok "exec: a command killed by SIGTERM is seen as killed by SIGTERM"

run "$C" run "$B" $O --mask -- sh -c 'echo out; echo err >&2; exit 42'
_ok=0; [ "$RC" -eq 42 ] && [ "$(cat "$OUT")" = out ] && [ "$(cat "$ERR")" = err ] || _ok=1
ok $_ok "--mask: the exit status (42) and both streams pass through"
run "$C" run "$B" $O --mount "$WORK/st.env" --format export -- sh -c 'exit 3'
_ok=0; [ "$RC" -eq 3 ] && [ ! -s "$OUT" ] && [ ! -s "$ERR" ] || _ok=1
ok $_ok "--mount: the exit status (3) passes through"
_ok=0; [ "$(status_of "$C" run "$B" $O --mask -- sh -c 'kill -TERM $$')" = -15 ] || _ok=1
ok $_ok "supervised: a command killed by SIGTERM: cloak dies of SIGTERM too"
_ok=0; [ "$(status_of "$C" run "$B" $O --mask -- sh -c 'kill -USR1 $$')" = -10 ] || _ok=1
ok $_ok "supervised: a command killed by SIGUSR1: cloak dies of SIGUSR1 too"
_ok=0; [ "$(status_of "$C" run "$B" $O --mask -- sh -c 'exit 143')" = 143 ] || _ok=1
ok $_ok "supervised: an exit status of 143 stays an exit status, not a signal"
run "$C" run "$B" $O --mask -- sh -c 'kill -TERM $$'
_ok=0; [ "$RC" -eq 143 ] || _ok=1
ok $_ok "supervised: the shell sees 143 for a command killed by SIGTERM"

# Signals sent to cloak reach the command, which decides what to do with them.
rm -f "$WORK/ready" "$WORK/got"
"$C" run "$B" $O --mask -- sh -c 'trap "echo usr1 >>\"$1\"" USR1; trap "echo term >>\"$1\"; exit 7" TERM; : >"$2"; while :; do sleep 0.05; done' sh "$WORK/got" "$WORK/ready" </dev/null >"$OUT" 2>"$ERR" &
pid=$!
wait_for "$WORK/ready"
kill -USR1 $pid
sleep 0.5
kill -TERM $pid
wait $pid
RC=$?
_ok=0; [ "$RC" -eq 7 ] && [ "$(cat "$WORK/got" 2>/dev/null | tr '\n' ' ')" = "usr1 term " ] || _ok=1
ok $_ok "supervised: SIGUSR1 and SIGTERM sent to cloak reach the command; its exit status (7) is cloak's"

rm -f "$WORK/ready"
"$C" run "$B" $O --mount "$WORK/sig.env" --format json -- sh -c ': >"$1"; exec sleep 30' sh "$WORK/ready" </dev/null >"$OUT" 2>"$ERR" &
pid=$!
wait_for "$WORK/ready"
_ok=0; [ -f "$WORK/sig.env" ] || _ok=1
kill -TERM $pid
wait $pid
RC=$?
[ "$RC" -eq 143 ] && [ ! -e "$WORK/sig.env" ] || _ok=1
ok $_ok "--mount: SIGTERM to cloak ends the command (143) and the file is removed"

# ---------------------------------------------------------------- command not found, not executable
run "$C" run "$B" $O --mask -- no-such-command-cloak-test
expect_fail 127 "--mask: command not found" "cannot run no-such-command-cloak-test"
run "$C" run "$B" $O --mask -- "$FX/values.txt"
expect_fail 126 "--mask: command not executable" "Permission denied"
run "$C" run "$B" $O --mount "$WORK/nf.env" --format export -- no-such-command-cloak-test
expect_fail 127 "--mount: command not found"
_ok=0; [ ! -e "$WORK/nf.env" ] || _ok=1
ok $_ok "--mount: the file is removed when the command cannot run"

# ---------------------------------------------------------------- --mask: values and encodings
run "$C" run "$B" $O --mask -- sh -c 'echo "db=$DATABASE_URL"; echo "token=$API_TOKEN"; echo "stripe=$STRIPE_KEY" >&2'
_ok=0
[ "$RC" -eq 0 ] || _ok=1
[ "$(cat "$OUT")" = "db=$MARK
token=$MARK" ] || _ok=1
[ "$(cat "$ERR")" = "stripe=$MARK" ] || _ok=1
no_leak || _ok=1
ok_masked $_ok "--mask: values on stdout and stderr are replaced by the marker"

# The command prints each value in every encoding the docs list, one "LABEL:encoding" per line.
cat >"$WORK/encode.py" <<'PY'
import base64, json, os, re, sys
from urllib.parse import quote, quote_plus
out = sys.stdout.buffer
for name in sys.argv[1:]:
    v = os.environb[name.encode()]
    s = v.decode("utf-8")
    js = json.dumps(s, ensure_ascii=False)[1:-1]
    forms = {
        "raw": v,
        "b64": base64.b64encode(v),
        "b64-nopad": base64.b64encode(v).rstrip(b"="),
        "b64url": base64.urlsafe_b64encode(v),
        "b64url-nopad": base64.urlsafe_b64encode(v).rstrip(b"="),
        "hex": v.hex().encode(),
        "HEX": v.hex().upper().encode(),
        "pct": quote(v, safe="").encode(),
        "pct-lower": re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(v, safe="")).encode(),
        "form": quote_plus(v, safe="").encode(),
        "json": js.encode("utf-8"),
        "json-ascii": json.dumps(s)[1:-1].encode(),
        "json-slash": js.replace("/", "\\/").encode("utf-8"),
        "json-html": js.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8"),
    }
    for label, enc in forms.items():
        out.write(name.encode() + b"-" + label.encode() + b":" + enc + b"\n")
PY
ENC="$PY $WORK/encode.py DATABASE_URL API_TOKEN STRIPE_KEY"
run "$C" run "$B" $O -- $ENC
cp "$OUT" "$WORK/enc-clear"
cut -d: -f2- "$WORK/enc-clear" >"$WORK/enc-forms"
run "$C" run "$B" $O --mask -- $ENC
_ok=0
[ "$RC" -eq 0 ] && [ -s "$OUT" ] || _ok=1
[ "$(wc -l <"$OUT")" -eq "$(wc -l <"$WORK/enc-clear")" ] && [ "$(wc -l <"$OUT")" -eq 42 ] || _ok=1
! grep -v -q -x -e ".*:$MARK" "$OUT" || _ok=1
! grep -q -F -f "$WORK/enc-forms" "$OUT" || _ok=1
ok_masked $_ok "--mask: base64 (standard and URL-safe, padded or not), hex (both cases), percent (both cases, form), JSON (plain, ASCII, \\/, HTML-safe) encodings are masked"
for form in b64 b64-nopad b64url-nopad hex HEX pct form json json-ascii; do
    _ok=0
    grep -q -x -e "API_TOKEN-$form:$MARK" "$OUT" || _ok=1
    ok_masked $_ok "--mask: API_TOKEN in $form"
done

# A non-ASCII value in JSON's ASCII form (\u escapes, a surrogate pair): the hostile batch's.
run "$C" run "$FX/batch-hostile.txt" $O --only H_UNICODE --mask -- $PY -c 'import json, os; print("j=" + json.dumps(os.environ["H_UNICODE"]))'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "j=\"$MARK\"" ] || _ok=1
ok_masked $_ok "--mask: a non-ASCII value as Python's json.dumps writes it (\\u escapes, surrogate pairs)"

# Values shorter than the minimum (6 bytes) are not masked; one of exactly 6 bytes is.
run "$C" run "$FX/batch-hostile.txt" $O --only H_EQUALS --only H_TRUE --only H_DOLLAR_END --mask -- \
    sh -c 'printf "%s|%s|%s\n" "$H_EQUALS" "$H_TRUE" "$H_DOLLAR_END"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "=a=b=|true|$MARK" ] || _ok=1
ok_masked $_ok "--mask: values of 5 and 4 bytes are not masked, a value of 6 bytes is"

# Overlapping and adjacent occurrences become one marker; text around them stays.
run "$C" run "$B" $O --mask -- sh -c 'echo "a${STRIPE_KEY}${STRIPE_KEY}b ${STRIPE_KEY%9} c"'
_ok=0; [ "$(cat "$OUT")" = "a${MARK}b ${V_STRIPE%9} c" ] || _ok=1
ok_masked $_ok "--mask: two adjacent values give one marker; a value cut short is not a value"

# A value split across two writes with a pause shorter than the idle time.
run "$C" run "$B" $O --mask -- sh -c 'printf %s "x${STRIPE_KEY%??????????}"; sleep 0.05; printf "%s\n" "${STRIPE_KEY#?????????????}y"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "x${MARK}y" ] || _ok=1
ok_masked $_ok "--mask: a value split across two writes 50 ms apart is masked"
# A pause longer than the idle time (documented): the first part shows, the rest is still hidden.
run "$C" run "$B" $O --mask -- sh -c 'printf %s "x${STRIPE_KEY%??????????}"; sleep 1; printf "%s\n" "${STRIPE_KEY#?????????????}y"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "x${V_STRIPE%??????????}${MARK}y" ] || _ok=1
ok_masked $_ok "--mask: split 1 s apart, the first part shows (idle flush) and the rest is still masked"

# Output that could begin a value is held back only for the idle time, not until the command ends.
rm -f "$WORK/ready"
"$C" run "$B" $O --mask -- sh -c 'printf %s "${STRIPE_KEY%??????????}"; : >"$1"; sleep 3' sh "$WORK/ready" </dev/null >"$OUT" 2>"$ERR" &
pid=$!
wait_for "$WORK/ready"
sleep 1
_ok=0; [ "$(cat "$OUT")" = "${V_STRIPE%??????????}" ] || _ok=1
wait $pid
ok_masked $_ok "--mask: a held-back prefix is written after the idle time while the command still runs"

# stdout and stderr to one file (2>&1): one pipe, so their order is kept.
"$C" run "$B" $O --mask -- sh -c 'echo one; echo "two $STRIPE_KEY" >&2; echo three; echo four >&2' </dev/null >"$OUT" 2>&1
RC=$?
: >"$ERR"
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT" | tr '\n' ' ')" = "one two $MARK three four " ] || _ok=1
ok_masked $_ok "--mask: with 2>&1 the order of stdout and stderr lines is kept"

# A process left behind holding the pipes does not keep cloak waiting.
_t0=$(date +%s)
run "$C" run "$B" $O --mask -- sh -c '(sleep 6) & echo done'
_t1=$(date +%s)
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = done ] && [ $((_t1 - _t0)) -lt 5 ] || _ok=1
ok_masked $_ok "--mask: cloak ends soon after the command even if a background process keeps the pipe"

# A reader that goes away: the command sees the broken pipe as it would without cloak.
_ok=0
_st=$("$C" run "$B" $O --mask -- sh -c 'i=0; while [ $i -lt 100000 ]; do echo line; i=$((i+1)); done; exit 5' </dev/null 2>"$ERR" | head -n 1 >/dev/null; echo "done")
[ "$_st" = done ] || _ok=1
ok_masked $_ok "--mask: a reader that closes early ends the run (no hang)"

# Large output: 50 MB with the value every 64 KiB or so, and near-misses in between.
cat >"$WORK/big.sh" <<'SH'
i=0
filler=$(head -c 65000 /dev/zero | tr '\0' 's')
while [ $i -lt 760 ]; do
    printf '%s\n%s %s\n' "$filler" "$STRIPE_KEY" "${STRIPE_KEY%?}"
    i=$((i + 1))
done
SH
_t0=$(date +%s)
"$C" run "$B" $O --mask -- sh "$WORK/big.sh" </dev/null 2>"$ERR" | sha256sum >"$WORK/big-masked.sum"
_t1=$(date +%s)
STRIPE_KEY=$V_STRIPE sh "$WORK/big.sh" | sed "s/^$V_STRIPE /$MARK /" | sha256sum >"$WORK/big-expected.sum"
_ok=0; cmp -s "$WORK/big-masked.sum" "$WORK/big-expected.sum" || _ok=1
echo "# 50 MB through --mask in $((_t1 - _t0)) s"
if [ "${CLOAK_TEST_UNDER_VALGRIND:-}" != 1 ]; then [ $((_t1 - _t0)) -lt 60 ] || _ok=1; fi
ok_masked $_ok "--mask: 50 MB of output, every value masked wherever the reads cut it, nothing else changed"

# ---------------------------------------------------------------- --mount
run "$C" run "$B" $O --mount "$WORK/m.sh" --format export -- sh -c '
    stat -c %a "$CLOAK_MOUNT"; printf "%s\n" "$CLOAK_MOUNT"; printf "%s\n" "${STRIPE_KEY:-absent}"
    cp "$CLOAK_MOUNT" "$1"' sh "$WORK/m-copy.sh"
_ok=0
[ "$RC" -eq 0 ] && [ "$(sed -n 1p "$OUT")" = 600 ] && [ "$(sed -n 2p "$OUT")" = "$WORK/m.sh" ] || _ok=1
ok $_ok "--mount: the file is mode 0600 and CLOAK_MOUNT names it"
_ok=0; [ "$(sed -n 3p "$OUT")" = absent ] || _ok=1
ok $_ok "--mount: the secrets are in the file, not in the environment"
_ok=0; [ ! -e "$WORK/m.sh" ] || _ok=1
ok $_ok "--mount: the file is gone after the command"
_ok=0
(
    . "$WORK/m-copy.sh"
    [ "$DATABASE_URL" = "$V_DB" ] && [ "$API_TOKEN" = "$V_API" ] && [ "$STRIPE_KEY" = "$V_STRIPE" ]
) || _ok=1
ok $_ok "--mount --format export: the file holds every value, read back by sh"
rm -f "$WORK/m-copy.sh"

run "$C" run "$B" $O --only STRIPE_KEY --only DATABASE_URL --mount "$WORK/m.env" -- sh -c 'cat "$CLOAK_MOUNT"'
_ok=0
[ "$RC" -eq 0 ] && grep -q -F "$V_STRIPE" "$OUT" && grep -q -F "$V_DB" "$OUT" && ! grep -q -F "$V_API" "$OUT" || _ok=1
[ ! -e "$WORK/m.env" ] || _ok=1
ok $_ok "--mount with --only: dotenv by default, only the secrets asked for"

run "$C" run "$B" $O --mount "$WORK/m-rel.env" --format json -- sh -c 'cd / && cat "$CLOAK_MOUNT"'
_ok=0; [ "$RC" -eq 0 ] && grep -q '"STRIPE_KEY"' "$OUT" || _ok=1
ok $_ok "--mount --format json: CLOAK_MOUNT is absolute, readable after the command changes directory"

# The dotenv format cannot carry API_TOKEN's "$HOME": refused before anything is written.
run "$C" run "$B" $O --mount "$WORK/refused.env" -- sh -c 'echo ran'
expect_fail 10 "--mount: a value the format cannot carry is refused"
_ok=0; [ ! -e "$WORK/refused.env" ] || _ok=1
ok $_ok "--mount: no file is left after a refused value"

echo "keep me" >"$WORK/exists"
run "$C" run "$B" $O --mount "$WORK/exists" --format json -- sh -c 'echo ran'
expect_fail 3 "--mount: an existing path is refused" "exists"
_ok=0; [ "$(cat "$WORK/exists")" = "keep me" ] || _ok=1
ok $_ok "--mount: the existing file is left as it was"
ln -s "$WORK/link-target" "$WORK/link"
run "$C" run "$B" $O --mount "$WORK/link" --format json -- sh -c 'echo ran'
expect_fail 3 "--mount: a symbolic link (even dangling) is refused"
_ok=0; [ ! -e "$WORK/link-target" ] || _ok=1
ok $_ok "--mount: nothing is created through the link"
run "$C" run "$B" $O --mount "$WORK/no-such-dir/m.env" --format json -- sh -c 'echo ran'
expect_fail 3 "--mount: a path in a missing directory is refused"

run "$C" run "$B" $O --mount "$WORK/killed.env" --format json -- sh -c 'kill -KILL $$'
_ok=0; [ "$RC" -eq 137 ] && [ ! -e "$WORK/killed.env" ] || _ok=1
ok $_ok "--mount: the file is gone after the command is killed (SIGKILL; cloak dies of it too)"

run "$C" run "$B" $O --mount "$WORK/grow.env" --format json -- sh -c 'echo "more" >>"$CLOAK_MOUNT"; exit 0'
_ok=0; [ "$RC" -eq 0 ] && [ ! -e "$WORK/grow.env" ] || _ok=1
ok $_ok "--mount: a file the command appended to is removed too"

run "$C" run "$B" $O --mask --mount "$WORK/mm.env" --format json -- sh -c 'cat "$CLOAK_MOUNT"'
_ok=0; [ "$RC" -eq 0 ] && grep -q -F "\"STRIPE_KEY\": \"$MARK\"" "$OUT" && no_leak && [ ! -e "$WORK/mm.env" ] || _ok=1
ok $_ok "--mask with --mount: the file's content is masked in the output"

# ---------------------------------------------------------------- --no-inherit-env, --keep-env
run env KEEP_ME=yes DROP_ME=no "$C" run "$B" $O --no-inherit-env --keep-env KEEP_ME --keep-env NOT_SET -- env
_ok=0
[ "$RC" -eq 0 ] || _ok=1
[ "$(cut -d= -f1 "$OUT" | sort | tr '\n' ' ')" = "API_TOKEN DATABASE_URL KEEP_ME STRIPE_KEY " ] || _ok=1
grep -q -x "KEEP_ME=yes" "$OUT" && grep -q -x -F "STRIPE_KEY=$V_STRIPE" "$OUT" || _ok=1
ok $_ok "--no-inherit-env: only the secrets and --keep-env variables (env found through cloak's PATH)"
run "$C" run "$B" $O --no-inherit-env --mount "$WORK/ni.env" --format json -- env
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "CLOAK_MOUNT=$WORK/ni.env" ] || _ok=1
ok $_ok "--no-inherit-env with --mount: only CLOAK_MOUNT"
run env CLOAK_MOUNT=/planted "$C" run "$B" $O -- sh -c 'printf "%s\n" "${CLOAK_MOUNT:-unset}"'
_ok=0; [ "$(cat "$OUT")" = unset ] || _ok=1
ok $_ok "an inherited CLOAK_MOUNT is not passed on"

# ---------------------------------------------------------------- --command
run "$C" run "$B" $O --command "printf '%s|%s\\n' \"\$0\" \"\$STRIPE_KEY\" >'$WORK/cmd-out'; exit 9"
_ok=0; [ "$RC" -eq 9 ] && [ "$(cat "$WORK/cmd-out")" = "/bin/sh|$V_STRIPE" ] || _ok=1
ok $_ok "--command: runs the string with /bin/sh -c, secrets in its environment, its status passed on"
run "$C" run "$B" $O --mask --command 'echo "$STRIPE_KEY" | tr a-z A-Z; echo "$STRIPE_KEY"'
_ok=0; [ "$(sed -n 2p "$OUT")" = "$MARK" ] || _ok=1
ok $_ok "--command with --mask"

# ---------------------------------------------------------------- usage refusals
run "$C" run "$B" $O --keep-env PATH -- true
expect_fail 2 "--keep-env without --no-inherit-env" "--no-inherit-env"
run "$C" run "$B" $O --no-inherit-env --keep-env 'BAD-NAME' -- true
expect_fail 2 "--keep-env with a name that is not a variable name" "not a variable name"
run env CLOAK_PASSPHRASE=leak "$C" run "$B" $O --no-inherit-env --keep-env CLOAK_PASSPHRASE -- true
expect_fail 2 "--keep-env CLOAK_PASSPHRASE" "never passes"
run "$C" run "$B" $O --format json -- true
expect_fail 2 "--format without --mount" "--mount"
run "$C" run "$B" $O --mount "$WORK/f.env" --format toml -- true
expect_fail 2 "--mount with an unknown --format"
_ok=0; [ ! -e "$WORK/f.env" ] || _ok=1
ok $_ok "no --mount file after a usage error"
run "$C" run "$B" $O --mount= -- true
expect_fail 2 "--mount with an empty path"
run "$C" run "$B" $O --command 'true' -- true
expect_fail 2 "--command and a command after --" "not both"
run "$C" run "$B" $O --mask
expect_fail 2 "no command at all"
run "$C" run "$B" $O --command
expect_fail 2 "--command without its string"
run "$C" env "$B" $O --mask
expect_fail 2 "--mask is an option of run only" "unknown option"
run "$C" env "$B" $O --no-inherit-env
expect_fail 2 "--no-inherit-env is an option of run only" "unknown option"

tap_finish
