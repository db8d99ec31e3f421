#!/bin/sh
# cloak env --format, cloak inject, and the names and values each refuses: every format read back by
# the program it targets (docker-style lines, systemd's environment.d generator, bash and dash, Python's
# json and jq, PyYAML), compared byte for byte with the values make_fixture sealed (FX/*.hex).
# Usage: test_formats.sh PATH/TO/cloak PATH/TO/make_fixture. Prints TAP.
set -u
. "$(dirname "$0")/common.sh"

# Leak checks cover the format batches' values too (common.sh's no_leak reads $VALUES).
cat "$FX/values.txt" "$FX/leaks-formats.txt" >"$WORK/leaks.txt"
VALUES=$WORK/leaks.txt
export CLOAK_KEYRING="$NOKEYRING"
K="--key-file $FX/account.key $VAULTOPT --trust $MEMBER --no-state"
H=$FX/batch-hostile.txt

# A check that cannot run here is reported as a skip, never as a pass.
skip() {
    n=$((n + 1))
    echo "ok $n - $1 # SKIP $2"
}

# no_name NAME: the last run's stderr does not hold NAME.
no_name() {
    ! grep -q -F -- "$1" "$ERR"
}

# The reader side of each comparison. Every mode prints nothing and exits 0 when each expected value
# (FX/*.hex, restricted to the names given) came back exactly; otherwise it says what differs.
cat >"$WORK/check.py" <<'PY'
import base64, json, sys

def expected(hexfile, names):
    want = {}
    for line in open(hexfile, "rb").read().decode("ascii").splitlines():
        name, _, hx = line.partition(" ")
        want[name] = bytes.fromhex(hx)
    if names:
        want = {k: want[k] for k in names}
    return want

def systemd_unescape(s):
    # The generator prints NAME=value, or NAME="value" with C escapes (systemd's shell_maybe_quote).
    if not (s.startswith(b'"') and s.endswith(b'"')):
        return s
    s = s[1:-1]
    out = bytearray()
    simple = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"a": b"\a", b"b": b"\b", b"v": b"\v", b"f": b"\f"}
    i = 0
    while i < len(s):
        c = s[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        d = s[i + 1:i + 2]
        if d in simple:
            out += simple[d]
            i += 2
        elif d in b"01234567" and d:
            out.append(int(s[i + 1:i + 4], 8))
            i += 4
        elif d == b"x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        else:
            out += d
            i += 2
    return bytes(out)

def main():
    mode, hexfile, path = sys.argv[1:4]
    names = sys.argv[4:]
    want = expected(hexfile, names)
    data = open(path, "rb").read()
    got = {}
    if mode == "plain":
        # docker --env-file: one NAME=value per line, the value to the end of the line.
        for line in data.split(b"\n")[:-1]:
            k, _, v = line.partition(b"=")
            got[k.decode()] = v
    elif mode == "systemd":
        for line in data.split(b"\n"):
            if b"=" in line:
                k, _, v = line.partition(b"=")
                got[k.decode()] = systemd_unescape(v)
        for evil in ("LD_PRELOAD", "EVIL_NL", "EVIL_CRLF"):
            if evil in got:
                print("the generator set", evil)
                return 1
        got = {k: v for k, v in got.items() if k in want}
    elif mode == "hexlines":
        for line in data.decode("ascii").splitlines():
            k, _, hx = line.partition(" ")
            got[k] = bytes.fromhex(hx)
    elif mode == "json":
        obj = json.loads(data.decode("utf-8"))
        got = {k: v.encode("utf-8") for k, v in obj.items()}
    elif mode == "jq":
        for line in data.decode("ascii").splitlines():
            k, _, b64 = line.partition(" ")
            got[k] = base64.b64decode(b64)
    elif mode == "yaml":
        import yaml
        obj = yaml.safe_load(data.decode("utf-8"))
        for k, v in obj.items():
            if not isinstance(k, str) or not isinstance(v, str):
                print("not a string:", repr(k), repr(v))
                return 1
            got[k] = v.encode("utf-8")
    if got != want:
        for k in sorted(set(got) | set(want)):
            if got.get(k) != want.get(k):
                print("%s: got %r, want %r" % (k, got.get(k), want.get(k)))
        return 1
    return 0

sys.exit(main())
PY
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import json' 2>/dev/null; then PY=$p; break; fi
done
PYYAML=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' 2>/dev/null; then PYYAML=$p; break; fi
done
[ -n "$PY" ] || { echo "Bail out! no python3 to read the formats back"; exit 1; }

# check MODE HEXFILE INPUT [NAMES...]: the reader's view against the sealed values; the differences
# go to $ERR for ok's report.
check() {
    _py=$PY
    [ "$1" = yaml ] && _py=$PYYAML
    "$_py" "$WORK/check.py" "$@" >"$ERR" 2>&1
}

# The hostile names, all of them or all but some.
hostile_names() {
    cut -d' ' -f1 "$FX/hostile.hex"
}
only_args() {
    for _n in "$@"; do printf -- '--only %s ' "$_n"; done
}
ALL_BUT_EMPTY=$(hostile_names | grep -v -x H_EMPTY | tr '\n' ' ')
NO_BREAKS=$(hostile_names | grep -v -x -e H_NEWLINE -e H_CR -e H_CRLF | tr '\n' ' ')

# ---------------------------------------------------------------- the command line
run "$C" env --help
_ok=0
for f in plain dotenv json yaml export shell; do grep -q -- "$f" "$OUT" || _ok=1; done
grep -q -- --allow-name "$OUT" && grep -q -- --only "$OUT" && grep -q -- --show-names "$OUT" || _ok=1
ok $_ok "env --help names every format and the new options"
run "$C" env "$H" $K --format toml
expect_fail 2 "an unknown format" "unknown format toml"
run "$C" env "$H" $K --format json --shell-quote
expect_fail 2 "--shell-quote with another format" "shell-quote"
run "$C" env "$H" $K --format
expect_fail 2 "--format without a name"

# ---------------------------------------------------------------- plain (docker --env-file)
run "$C" env "$H" $K
expect_fail 10 "plain refuses a value with a line break" "line break.*--format plain"
no_name H_NEWLINE
ok $? "plain's refusal does not name the secret"
run "$C" env "$H" $K --show-names
expect_fail 10 "with --show-names the refusal names the secret" '"H_NEWLINE"'
for v in H_CR H_CRLF; do
    run "$C" env "$H" $K --only $v
    expect_fail 10 "plain refuses a carriage return ($v: systemd's parser ends a line there)" "carriage return"
done
run "$C" env "$H" $K $(only_args $NO_BREAKS)
cp "$OUT" "$WORK/plain.env"
_ok=0; [ "$RC" -eq 0 ] && check plain "$FX/hostile.hex" "$WORK/plain.env" $NO_BREAKS || _ok=1
ok $_ok "plain: every value without a line break read back exactly, line by line"
run "$C" env "$FX/batch-binary.txt" $K
_ok=0; [ "$RC" -eq 0 ] && check plain "$FX/binary.hex" "$OUT" || _ok=1
ok $_ok "plain carries bytes that are not UTF-8"

# ---------------------------------------------------------------- dotenv (systemd's env-file grammar)
GEN=/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator
run "$C" env "$H" $K --format dotenv $(only_args $ALL_BUT_EMPTY)
cp "$OUT" "$WORK/dotenv.conf"
_ok=0; [ "$RC" -eq 0 ] && [ -s "$WORK/dotenv.conf" ] || _ok=1
ok $_ok "dotenv writes the hostile values"
if [ -x "$GEN" ]; then
    mkdir -p "$WORK/xdg/environment.d"
    cp "$WORK/dotenv.conf" "$WORK/xdg/environment.d/50-cloak.conf"
    env -i XDG_CONFIG_HOME="$WORK/xdg" "$GEN" >"$WORK/gen.out" 2>"$WORK/gen.err"
    _ok=0
    [ ! -s "$WORK/gen.err" ] || { cp "$WORK/gen.err" "$ERR"; _ok=1; }
    [ $_ok -eq 0 ] && check systemd "$FX/hostile.hex" "$WORK/gen.out" $ALL_BUT_EMPTY || _ok=1
    ok $_ok "dotenv: systemd's environment.d generator reads every value back exactly, and nothing else"
else
    skip "dotenv: systemd's environment.d generator reads every value back exactly" "no $GEN (Debian package systemd)"
fi
run "$C" env "$H" $K --format dotenv --only H_EMPTY
expect_fail 10 "dotenv refuses an empty value (environment.d ignores it)" "empty"
run "$C" env "$FX/batch-dollar.txt" $K --format dotenv
expect_fail 10 "dotenv refuses \$NAME, \${NAME} and \$\$ (environment.d expands them)" 'a \$ before a name'
run "$C" env "$FX/batch-binary.txt" $K --format dotenv
expect_fail 10 "dotenv refuses bytes that are not UTF-8" "not UTF-8"

# ---------------------------------------------------------------- export and shell (bash, dash)
# dump.sh NAMES...: in the shell that sourced the output, each name and its value in hex, from a child
# process (so `export` is checked too).
cat >"$WORK/dump.sh" <<'SH'
for _n in "$@"; do
    eval "_v=\${$_n-UNSET-}"
    printf '%s ' "$_n"
    printf '%s' "$_v" | od -An -v -tx1 | tr -d ' \n'
    echo
done
SH
for f in export shell; do
    for hexname in hostile dollar binary; do
        case $hexname in
        hostile) b=$H ;;
        *) b=$FX/batch-$hexname.txt ;;
        esac
        names=$(cut -d' ' -f1 "$FX/$hexname.hex" | tr '\n' ' ')
        run "$C" env "$b" $K --format $f
        cp "$OUT" "$WORK/out.sh"
        for sh in bash dash; do
            if ! command -v $sh >/dev/null 2>&1; then
                skip "$f ($hexname values) sourced by $sh" "$sh not installed"
                continue
            fi
            if [ $f = export ]; then
                (cd "$WORK" && $sh -c '. ./out.sh && exec sh ./dump.sh "$@"' sh $names) >"$WORK/dump.out" 2>"$ERR"
            else
                (cd "$WORK" && $sh -c 'set -a && . ./out.sh && set +a && exec sh ./dump.sh "$@"' sh $names) >"$WORK/dump.out" 2>"$ERR"
            fi
            _ok=0
            [ "$RC" -eq 0 ] && [ ! -s "$ERR" ] && check hexlines "$FX/$hexname.hex" "$WORK/dump.out" || _ok=1
            [ ! -e "$WORK/hostile-pwned" ] || _ok=1
            ok $_ok "$f ($hexname values) sourced by $sh: every value exact, exported, nothing run"
        done
    done
done
run "$C" env "$H" $K --shell-quote
cp "$OUT" "$WORK/quoted.sh"
run "$C" env "$H" $K --format shell
cmp -s "$OUT" "$WORK/quoted.sh"
ok $? "--shell-quote is --format shell"
for f in export shell; do
    run "$C" env "$FX/batch-shellvar.txt" $K --format $f
    expect_fail 10 "$f refuses a name bash keeps for itself (UID)" "shell keeps for itself"
done
run "$C" env "$FX/batch-shellvar.txt" $K --format json
_ok=0; [ "$RC" -eq 0 ] && grep -q '"UID": "uid-special-value"' "$OUT" || _ok=1
ok $_ok "... which other formats carry"
run "$C" env "$FX/batch.txt" $K --format export
_ok=0; [ "$RC" -eq 0 ] && [ "$(grep -c "^export [A-Z_]*='" "$OUT")" -eq 3 ] || _ok=1
ok $_ok "export writes export NAME='value' lines"

# ---------------------------------------------------------------- json
for hexname in hostile dollar; do
    case $hexname in hostile) b=$H ;; *) b=$FX/batch-$hexname.txt ;; esac
    run "$C" env "$b" $K --format json
    cp "$OUT" "$WORK/out.json"
    _ok=0; [ "$RC" -eq 0 ] && check json "$FX/$hexname.hex" "$WORK/out.json" || _ok=1
    ok $_ok "json ($hexname values): Python's json reads every value back exactly"
    if command -v jq >/dev/null 2>&1; then
        jq -r 'to_entries[] | "\(.key) \(.value | @base64)"' "$WORK/out.json" >"$WORK/jq.out" 2>"$ERR"
        _ok=0; check jq "$FX/$hexname.hex" "$WORK/jq.out" || _ok=1
        ok $_ok "json ($hexname values): jq reads every value back exactly"
    else
        skip "json ($hexname values): jq reads every value back exactly" "jq not installed"
    fi
done
run "$C" env "$FX/batch-binary.txt" $K --format json
expect_fail 10 "json refuses bytes that are not UTF-8" "not UTF-8"

# ---------------------------------------------------------------- yaml
for hexname in hostile dollar; do
    case $hexname in hostile) b=$H ;; *) b=$FX/batch-$hexname.txt ;; esac
    run "$C" env "$b" $K --format yaml
    cp "$OUT" "$WORK/out.yaml"
    if [ -n "$PYYAML" ]; then
        _ok=0; [ "$RC" -eq 0 ] && check yaml "$FX/$hexname.hex" "$WORK/out.yaml" || _ok=1
        ok $_ok "yaml ($hexname values): PyYAML reads every key and value back as the exact string (no, 0123, ~, null)"
    else
        skip "yaml ($hexname values): PyYAML reads every value back exactly" "no PyYAML (Debian package python3-yaml)"
    fi
done
run "$C" env "$FX/batch-binary.txt" $K --format yaml
expect_fail 10 "yaml refuses bytes that are not UTF-8" "not UTF-8"

# ---------------------------------------------------------------- what no format takes
for f in plain dotenv json yaml export shell; do
    run "$C" env "$FX/batch-nul.txt" $K --format $f
    expect_fail 10 "$f refuses a NUL byte" "NUL byte"
done
run "$C" env "$FX/batch-dup.txt" $K
expect_fail 10 "a name twice in the batch" "line [0-9]+: the secret on that line has the name of the secret at line [0-9]+"
no_name DUP_NAME
ok $? "the duplicate's refusal does not name it"
run "$C" env "$FX/batch-dup.txt" $K --only DUP_NAME
expect_fail 10 "--only keeps every copy of a name, so the duplicate is still refused" "appears twice"
run "$C" env "$FX/batch-dup.txt" $K --only OTHER_NAME
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "OTHER_NAME=other-dup-value" ] || _ok=1
ok $_ok "--only leaves the duplicate out"

# ---------------------------------------------------------------- names that would take over the child
T=$FX/batch-takeover.txt
run "$C" env "$T" $K --only SAFE_NAME
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "SAFE_NAME=safe-value-Tk9" ] || _ok=1
ok $_ok "a name off the list passes"
i=0
while read -r name; do
    run "$C" env "$T" $K --only "$name" --only SAFE_NAME
    expect_fail 10 "env refuses $name" "would take over the command"
    no_name "$name"
    ok $? "the refusal of $name does not name it"
    run "$C" env "$T" $K --only "$name" --only SAFE_NAME --allow-name "$name"
    _ok=0
    [ "$RC" -eq 0 ] && grep -q -x -F "$name=takeover-value-$i" "$OUT" && [ "$(wc -l <"$OUT")" -eq 2 ] || _ok=1
    ok $_ok "--allow-name $name lets it through"
    i=$((i + 1))
done <"$FX/takeover-names.txt"
run "$C" env "$T" $K --only LD_PRELOAD --allow-name LD_LIBRARY_PATH
expect_fail 10 "--allow-name of another name does not allow LD_PRELOAD" "take over"
run "$C" env "$T" $K --only LD_PRELOAD --allow-name LD_
expect_fail 10 "--allow-name takes exact names, not prefixes"
run "$C" env "$T" $K --only LD_PRELOAD --show-names
expect_fail 10 "--show-names names the refused secret and its rule" '"LD_PRELOAD" would take over the command \(it matches LD_\*'
run "$C" env "$T" $K --only PYTHONSTARTUP --show-names
expect_fail 10 "... a prefix rule shown with its *" '"PYTHONSTARTUP" would take over the command \(it matches PYTHON\* '
run "$C" env "$T" $K --only ENV --show-names
expect_fail 10 "... an exact rule shown as it is" '"ENV" would take over the command \(it matches ENV '
for f in dotenv json yaml export shell; do
    run "$C" env "$T" $K --only BASH_ENV --format $f
    expect_fail 10 "--format $f refuses a name that would take over the child too" "take over"
done
run "$C" run "$T" $K --only NODE_OPTIONS -- sh -c 'echo ran'
expect_fail 10 "run refuses a name that would take over the command, and does not run it" "take over"
run "$C" run "$T" $K --only NODE_OPTIONS --allow-name NODE_OPTIONS -- sh -c 'printf %s "$NODE_OPTIONS"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "takeover-value-14" ] || _ok=1
ok $_ok "run --allow-name NODE_OPTIONS passes it"
run "$C" env "$FX/batch-badname.txt" $K
expect_fail 10 "a name that is not a variable name" "not a valid environment variable name"
no_name BAD-NAME
ok $? "... and the message does not name it"

# ---------------------------------------------------------------- --only
run "$C" env "$FX/batch.txt" $K --only STRIPE_KEY --only DATABASE_URL
_ok=0
[ "$RC" -eq 0 ] && [ "$(cut -d= -f1 "$OUT" | tr '\n' ' ')" = "DATABASE_URL STRIPE_KEY " ] || _ok=1
ok $_ok "env --only keeps those secrets, in the batch's order"
run "$C" secrets "$FX/batch.txt" $K --only API_TOKEN
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = API_TOKEN ] || _ok=1
ok $_ok "secrets --only"
for cmd in env secrets; do
    run "$C" $cmd "$FX/batch.txt" $K --only NO_SUCH_SECRET
    expect_fail 10 "$cmd --only a name the batch lacks" "--only NO_SUCH_SECRET: .* holds no secret of that name"
done
run "$C" run "$FX/batch.txt" $K --only NO_SUCH_SECRET -- sh -c 'echo ran'
expect_fail 10 "run --only a name the batch lacks" "holds no secret of that name"

# ---------------------------------------------------------------- inject
printf 'db={{DATABASE_URL}}\nstripe={{ STRIPE_KEY }}\ntok={{\tAPI_TOKEN  }} twice {{STRIPE_KEY}}\nlit={{ "{{" }} and }} and { x }\n' >"$WORK/tpl"
printf 'db=%s\nstripe=%s\ntok=%s twice %s\nlit={{ and }} and { x }\n' "$V_DB" "$V_STRIPE" "$V_API" "$V_STRIPE" >"$WORK/want"
run "$C" inject "$FX/batch.txt" "$WORK/tpl" $K
_ok=0; [ "$RC" -eq 0 ] && [ ! -s "$ERR" ] && cmp -s "$OUT" "$WORK/want" || _ok=1
ok $_ok "inject fills in every reference (spaces optional) and the {{ \"{{\" }} escape, to standard output"
run "$C" inject "$FX/batch.txt" "$WORK/tpl" $K --out "$WORK/sub/config"
expect_fail 3 "inject --out into a missing directory" "$WORK/sub/config"
run "$C" inject "$FX/batch.txt" "$WORK/tpl" $K --out "$WORK/config"
_ok=0
[ "$RC" -eq 0 ] && [ ! -s "$OUT" ] && cmp -s "$WORK/config" "$WORK/want" && [ "$(mode_of "$WORK/config")" = 600 ] || _ok=1
ok $_ok "inject --out writes the file, mode 0600"
printf 'x={{B_BYTES}}|{{ B_BYTES }}\n' >"$WORK/tpl-bin"
run "$C" inject "$FX/batch-binary.txt" "$WORK/tpl-bin" $K
hx=$(cut -d' ' -f2 "$FX/binary.hex")
_ok=0
[ "$RC" -eq 0 ] && [ "$(od -An -v -tx1 "$OUT" | tr -d ' \n')" = "783d${hx}7c${hx}0a" ] || _ok=1
ok $_ok "inject copies a value byte for byte (not UTF-8)"
run_in "$WORK/tpl" "$C" inject "$FX/batch.txt" - $K
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/want" || _ok=1
ok $_ok "inject reads the template from standard input"
run "$C" inject - - $K
expect_fail 2 "inject: batch and template cannot both be standard input"

# Refusals: nothing on standard output, and the --out file left as it was (or not created).
echo "old contents" >"$WORK/keep"
printf 'a={{ DATABASE_URL }}\nb={{ NO_SUCH_SECRET }}\n' >"$WORK/tpl-unknown"
run "$C" inject "$FX/batch.txt" "$WORK/tpl-unknown" $K
expect_fail 10 "inject: a reference to a secret the batch lacks, with the template's line" "tpl-unknown line 2: .*does not hold"
no_name NO_SUCH_SECRET
ok $? "... and the message does not name it"
run "$C" inject "$FX/batch.txt" "$WORK/tpl-unknown" $K --show-names
expect_fail 10 "inject --show-names names the missing secret" '"NO_SUCH_SECRET"'
run "$C" inject "$FX/batch.txt" "$WORK/tpl-unknown" $K --out "$WORK/keep"
expect_fail 10 "inject --out: an unknown name"
_ok=0; [ "$(cat "$WORK/keep")" = "old contents" ] && [ "$(ls "$WORK" | grep -c '^keep')" -eq 1 ] || _ok=1
ok $_ok "... leaves the old file whole, and no temporary file"
run "$C" inject "$FX/batch.txt" "$WORK/tpl-unknown" $K --out "$WORK/new-config"
_ok=0; [ "$RC" -eq 10 ] && [ ! -e "$WORK/new-config" ] || _ok=1
ok $_ok "... and creates no file when there was none"
n_malformed=0
for t in 'x {{ }} y' 'x {{ NAME y' 'x {{ NAME } y' '{{{ NAME }}}' 'x {{ A B }}' 'x {{ "{{" y' 'x {{"}}"}}'; do
    n_malformed=$((n_malformed + 1))
    printf 'fine line\n%s\n' "$t" >"$WORK/tpl-bad"
    # No key at all: a malformed template is refused before any key is looked for.
    run "$C" inject "$FX/batch.txt" "$WORK/tpl-bad" $VAULTOPT --trust "$MEMBER" --out "$WORK/keep"
    expect_fail 10 "inject refuses the malformed template '$t' before asking for a key" "tpl-bad line 2: a malformed reference"
done
_ok=0; [ "$(cat "$WORK/keep")" = "old contents" ] || _ok=1
ok $_ok "... and leaves the --out file alone"
run "$C" inject "$FX/batch.txt" "$WORK/tpl" $K --only DATABASE_URL
expect_fail 10 "inject --only: a reference to a secret left out" "line 2: .*does not hold"
run "$C" inject "$FX/batch.txt" "$WORK/tpl" $K --only NO_SUCH_SECRET
expect_fail 10 "inject --only a name the batch lacks" "holds no secret of that name"
dd if=/dev/zero bs=1048576 count=16 2>/dev/null | tr '\0' 'x' >"$WORK/tpl-big"
echo x >>"$WORK/tpl-big"
run "$C" inject "$FX/batch.txt" "$WORK/tpl-big" $K
expect_fail 3 "inject refuses a template over 16 MiB"

printf 'v={{ DUP_NAME }}\n' >"$WORK/tpl-dup"
run "$C" inject "$FX/batch-dup.txt" "$WORK/tpl-dup" $K
expect_fail 10 "inject refuses a batch with a name twice, as env does" "appears twice"

tap_finish
