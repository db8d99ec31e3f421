#!/bin/sh
# Batches at http(s) URLs and the access credential. Usage: test_fetch.sh CLOAK MAKE_FIXTURE
# `cloak credential` is checked against an independent derivation (Python's hmac, from the key
# file's bytes); then the test starts batch servers on 127.0.0.1 (tests/cli/fetch_server.py: one
# over HTTPS with a CA made here with the openssl CLI, one over plain HTTP), which accept only the
# credential whose verifier `cloak credential --verifier` printed, and drives every outcome of a
# fetch: success (env, run, secrets; https and loopback http), each failure of the transport (exit 17),
# the URL checks made before any connection (exit 2), and the protocol's checks on what arrived
# (stale 13, tampered 8). The servers are stopped at the end, also when the script is interrupted.
set -u

. "$(dirname "$0")/common.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
SERVER=$HERE/fetch_server.py
# The download cap is the batch file cap; read it from the source so a new value is tested as is.
LIMIT_EXPR=$(sed -n 's/^#define CLI_MAX_BATCH_FILE *(\(.*\)).*/\1/p' "$HERE/../../examples/cli/cli.h" | tr -d 'U')
LIMIT=$(($LIMIT_EXPR))

# Proxies are tested on purpose below; none may come from the caller's environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

SEEN=$WORK/seen # everything every fetching run printed, searched for the credential at the end
: >"$SEEN"
# frun CMD...: run, keeping what was printed.
frun() {
    run "$@"
    cat "$OUT" "$ERR" >>"$SEEN"
}

PIDS=""
stop_servers() {
    for _p in $PIDS; do
        kill "$_p" 2>/dev/null
        wait "$_p" 2>/dev/null
    done
    PIDS=""
}
trap 'stop_servers; rm -rf "$WORK"' EXIT INT TERM

K="--key-file $FX/account.key --trust $MEMBER --vault acme/production"

# ---------------------------------------------------------------- cloak credential
run "$C" credential --help
_ok=0; [ "$RC" -eq 0 ] && head -n 1 "$OUT" | grep -q '^usage: cloak credential' && grep -q -- '--verifier' "$OUT" || _ok=1
ok $_ok "cloak credential --help"

run "$C" credential --key-file "$FX/account.key"
BEARER=$(cat "$OUT")
KEYID=$(key_id_of "$(cat "$FX/account.pub")")
CRED=${BEARER##*.}
_ok=0
[ "$RC" -eq 0 ] && [ ! -s "$ERR" ] && [ "$(wc -l <"$OUT")" -eq 1 ] || _ok=1
printf '%s\n' "$BEARER" | grep -q -x 'cloak-sa\.[0-9a-f]\{32\}\.[0-9a-f]\{64\}' || _ok=1
[ "$BEARER" = "cloak-sa.$KEYID.$CRED" ] || _ok=1
ok $_ok "credential: one line cloak-sa.KEYID.CREDENTIAL, KEYID the public key's id"

# docs/protocol.md section 9.4, computed here from the key file's private key and key id.
derive() { # KEYFILE [verifier]: the credential (or its verifier) in hex
    python3 - "$1" "${2:-}" <<'PY'
import base64, hashlib, hmac, sys
text = open(sys.argv[1]).read().strip()
body = text[len("cloak-accountkey-"):]
blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
suite, key_id, sk = blob[2:4], blob[4:20], blob[20:52]
prk = hmac.new(b"libcloak v2 service account credential", sk, hashlib.sha256).digest()
cred = hmac.new(prk, suite + key_id + b"\x01", hashlib.sha256).digest()
if sys.argv[2] == "verifier":
    print(hashlib.sha256(b"libcloak v2 service account verifier" + cred).hexdigest())
else:
    print(cred.hex())
PY
}
_ok=0; [ "$CRED" = "$(derive "$FX/account.key")" ] || _ok=1
ok $_ok "credential: the HKDF of protocol.md section 9.4 over the key file's private key (X-Wing)"

run "$C" credential --key-file "$FX/account.key" --verifier
VERIFIER=$(cat "$OUT")
_ok=0
[ "$RC" -eq 0 ] && [ ! -s "$ERR" ] && printf '%s\n' "$VERIFIER" | grep -q -x '[0-9a-f]\{64\}' || _ok=1
[ "$VERIFIER" = "$(derive "$FX/account.key" verifier)" ] || _ok=1
! grep -q -F "$CRED" "$OUT" || _ok=1
ok $_ok "credential --verifier: SHA-256 of the label and the credential, and not the credential"

run "$C" credential --key-file "$FX/account-x25519.key"
_ok=0
[ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "cloak-sa.$(key_id_of "$(cat "$FX/account-x25519.pub")").$(derive "$FX/account-x25519.key")" ] || _ok=1
[ "$(cat "$OUT")" != "$BEARER" ] || _ok=1
ok $_ok "credential of an X25519 key (suite 1): its own key id and derivation"

run env CLOAK_SERVICE_ACCOUNT_KEY="$(cat "$FX/account.key")" "$C" credential
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$BEARER" ] || _ok=1
ok $_ok "credential: the same from CLOAK_SERVICE_ACCOUNT_KEY"

run env CLOAK_KEYRING="$KR" CLOAK_PASSPHRASE=correct-horse "$C" import ci "$FX/account.key"
run env CLOAK_KEYRING="$KR" CLOAK_PASSPHRASE=correct-horse "$C" credential --account ci --verifier
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$VERIFIER" ] || _ok=1
ok $_ok "credential --verifier: the same from the keyring's account"

run env CLOAK_KEYRING="$NOKEYRING" "$C" credential
expect_fail 4 "credential without any key" "no service-account key"
run "$C" credential --key-file "$FX/account.key" extra
expect_fail 2 "credential takes no operand"

# ---------------------------------------------------------------- without libcurl
run "$C" env "https://127.0.0.1:9/batch.txt" $K --no-state
if grep -q 'built without libcurl' "$ERR"; then
    # A build without the url feature: a URL fails with one clear line, and that is all there is.
    expect_fail 17 "a URL in a build without libcurl" "built without libcurl"
    tap_finish
fi

# ---------------------------------------------------------------- the servers
for tool in python3 openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool is needed to run a test server"
        rm -rf "$WORK"
        trap - EXIT INT TERM
        exit 0
    fi
done

# A CA and a server certificate for 127.0.0.1, ::1 and localhost, made now and gone at the end;
# a second CA that signed nothing of the server's.
PKI=$WORK/pki
mkdir "$PKI"
mkca() { # NAME
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -keyout "$PKI/$1.key" -out "$PKI/$1.pem" -subj "/CN=cloak test $1" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
mkca ca && mkca otherca &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$PKI/server.key" -out "$PKI/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$PKI/ext" &&
    openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial -days 2 \
        -extfile "$PKI/ext" -out "$PKI/server.pem" 2>/dev/null
ok $? "a test CA and server certificate made with openssl"

# What the servers serve.
SRV=$WORK/srv
mkdir "$SRV"
cp "$FX/batch.txt" "$FX/batch-old.txt" "$FX/batch-new.txt" "$FX/batch-named.txt" "$SRV/"
batchline=$(grep -n '^cloak-batch-' "$FX/batch.txt" | cut -d: -f1)
awk -v n="$batchline" 'NR == n { c = substr($0, 40, 1); r = (c == "A") ? "B" : "A"; $0 = substr($0, 1, 39) r substr($0, 41) } { print }' \
    "$FX/batch.txt" >"$SRV/tampered.txt"
printf 'hello, this is not a batch\n' >"$SRV/notbatch.txt"

# start_server NAME [--cert PEM --key PEM]: sets PORT; the log of requests is $WORK/NAME.log.
start_server() {
    _name=$1
    shift
    : >"$WORK/$_name.log"
    python3 "$SERVER" --root "$SRV" --port-file "$WORK/$_name.port" --log "$WORK/$_name.log" \
        --key-id "$KEYID" --verifier "$VERIFIER" "$@" 2>"$WORK/$_name.stderr" &
    PIDS="$PIDS $!"
    _i=0
    while [ ! -s "$WORK/$_name.port" ] && [ $_i -lt 200 ]; do
        sleep 0.05
        _i=$((_i + 1))
    done
    PORT=$(cat "$WORK/$_name.port" 2>/dev/null || echo 0)
}
start_server tls --cert "$PKI/server.pem" --key "$PKI/server.key"
S=https://127.0.0.1:$PORT
SLOG=$WORK/tls.log
start_server plain
H=http://127.0.0.1:$PORT
HPORT=$PORT
HLOG=$WORK/plain.log
_ok=0; [ "${S##*:}" != 0 ] && [ "$HPORT" != 0 ] || _ok=1
ok $_ok "the https and http test servers listen on 127.0.0.1"
CA="--ca-file $PKI/ca.pem"

# ---------------------------------------------------------------- success
run "$C" env "$FX/batch.txt" $K --no-state
cp "$OUT" "$WORK/env.local"
frun "$C" env "$S/batch/batch.txt" $K --no-state $CA
_ok=0; [ "$RC" -eq 0 ] && [ ! -s "$ERR" ] && [ -s "$OUT" ] && cmp -s "$OUT" "$WORK/env.local" || _ok=1
ok $_ok "env over https (--ca-file): the same lines as from the file"
_ok=0; grep -q -x '/batch/batch.txt auth=ok accept=text/plain' "$SLOG" || _ok=1
ok $_ok "the server saw the account's credential and Accept: text/plain"

frun "$C" run "$S/batch/batch.txt" $K --no-state $CA -- sh -c 'printf "%s|%s|%s" "$DATABASE_URL" "$API_TOKEN" "$STRIPE_KEY"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$V_DB|$V_API|$V_STRIPE" ] || _ok=1
ok $_ok "run over https: the command gets every secret"

frun "$C" secrets "$S/batch/batch.txt" $K --no-state $CA
_ok=0; [ "$RC" -eq 0 ] && [ "$(printf 'DATABASE_URL\nAPI_TOKEN\nSTRIPE_KEY')" = "$(cat "$OUT")" ] || _ok=1
ok $_ok "secrets over https"

frun "$C" env "$H/batch/batch.txt" $K --no-state
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.local" || _ok=1
ok $_ok "env over http://127.0.0.1"
frun "$C" env "http://localhost:$HPORT/batch/batch.txt" $K --no-state
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.local" || _ok=1
ok $_ok "env over http://localhost"
frun "$C" run "$H/batch/batch.txt" $K --no-state -- sh -c 'printf "%s" "$API_TOKEN"'
_ok=0; [ "$RC" -eq 0 ] && [ "$(cat "$OUT")" = "$V_API" ] || _ok=1
ok $_ok "run over http://127.0.0.1"

frun env CLOAK_SERVICE_ACCOUNT_KEY="$(cat "$FX/account.key")" "$C" env "$S/batch/batch.txt?vault=acme&x=1" \
    --trust "$MEMBER" --vault acme/production --no-state $CA
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.local" || _ok=1
ok $_ok "env over https with a query string and the key from CLOAK_SERVICE_ACCOUNT_KEY"

# The download cap: a body of exactly the cap is read; one byte more is not, whether the server
# announces its length (refused before the body) or not (counted while it arrives).
frun "$C" secrets "$S/pad/batch.txt/$LIMIT" $K --no-state $CA
_ok=0; [ "$RC" -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 3 ] || _ok=1
ok $_ok "a body of exactly the cap ($LIMIT bytes, with its length) is read"

# ---------------------------------------------------------------- failures of the transport: 17
frun "$C" env "$S/batch/batch.txt" --key-file "$FX/other.key" --trust "$MEMBER" --vault acme/production --no-state $CA
expect_fail 17 "another account's credential: 401" "127\.0\.0\.1:[0-9]+/batch/batch\.txt: the server refused the account's credential \(HTTP 401\)"
frun "$C" env "$S/status/403" $K --no-state $CA
expect_fail 17 "403: the credential refused" "refused the account's credential \(HTTP 403\)"
frun "$C" env "$S/batch/missing.txt" $K --no-state $CA
expect_fail 17 "404" "/batch/missing\.txt: not found \(HTTP 404\)"
frun "$C" env "$S/status/500" $K --no-state $CA
expect_fail 17 "500" "HTTP 500"
: >"$SLOG"
frun "$C" env "$S/redirect/batch.txt" $K --no-state $CA
expect_fail 17 "a redirect is not followed" "redirects elsewhere \(HTTP 302\)"
_ok=0; [ "$(cat "$SLOG")" = "/redirect/batch.txt auth=ok accept=text/plain" ] || _ok=1
ok $_ok "after the redirect nothing more was asked of any server"
frun "$C" env "$S/status/404?token=SeKrEtToKeN" $K --no-state $CA
expect_fail 17 "a message names host and path, never the query" "https://127\.0\.0\.1:[0-9]+/status/404: "
_ok=0; ! grep -q 'SeKrEtToKeN\|?' "$ERR" || _ok=1
ok $_ok "the query string is not in the message"
frun "$C" secrets "$S/pad/batch.txt/$((LIMIT + 1))" $K --no-state $CA
expect_fail 17 "a body one byte over the cap, announced" "larger than the batch file limit of $LIMIT bytes"
frun "$C" secrets "$S/pad-chunked/batch.txt/$((LIMIT + 1))" $K --no-state $CA
expect_fail 17 "a body one byte over the cap, chunked (counted while it arrives)" "larger than the batch file limit"
frun "$C" env "$S/cut/batch.txt" $K --no-state $CA
expect_fail 17 "the server closes the connection in the middle of the body" "ended before the whole answer"
frun "$C" env "$S/batch/batch.txt" $K --no-state
expect_fail 17 "a server certificate of a CA the system does not trust" "certificate is not trusted"
frun "$C" env "$S/batch/batch.txt" $K --no-state --ca-file "$PKI/otherca.pem"
expect_fail 17 "--ca-file naming another CA: it does not vouch for the server" "not trusted"
frun "$C" env "https://127.0.0.1:$HPORT/batch/batch.txt" $K --no-state $CA
expect_fail 17 "https to a server that speaks plain http" "127\.0\.0\.1:$HPORT/batch/batch\.txt"
frun "$C" env "http://[::1]:$HPORT/batch/batch.txt" $K --no-state
expect_fail 17 "http://[::1] passes the URL check; nothing listens there" "\[::1\]:$HPORT/batch/batch\.txt: cannot connect"
frun env https_proxy="http://127.0.0.1:9" "$C" env "$S/batch/batch.txt" $K --no-state $CA
expect_fail 17 "https honours https_proxy (here a proxy that is not there)" "127\.0\.0\.1 port 9"
frun env https_proxy="http://127.0.0.1:9" no_proxy=127.0.0.1 "$C" env "$S/batch/batch.txt" $K --no-state $CA
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.local" || _ok=1
ok $_ok "... and no_proxy"
frun env http_proxy="http://127.0.0.1:9" all_proxy="http://127.0.0.1:9" "$C" env "$H/batch/batch.txt" $K --no-state
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.local" || _ok=1
ok $_ok "plain http to loopback ignores http_proxy (a proxy would see the credential)"

# ---------------------------------------------------------------- checks before any connection
: >"$SLOG"
: >"$HLOG"
frun "$C" env "http://192.0.2.1/batch.txt" $K --no-state
expect_fail 2 "plain http to another host is refused" "http://192\.0\.2\.1/batch\.txt: plain http is allowed only to this machine"
frun "$C" env "http://example.invalid:$HPORT/batch.txt" $K --no-state
expect_fail 2 "plain http to a host name other than localhost is refused" "only to this machine"
frun "$C" env "http://127.0.0.1.example.invalid/batch.txt" $K --no-state
expect_fail 2 "a host name that starts like a loopback address is not one" "only to this machine"
frun "$C" env "https://uSeRnAmE:PaSsWoRd@127.0.0.1:${S##*:}/batch/batch.txt" $K --no-state $CA
expect_fail 2 "a URL with a user name and password" "user name or password"
_ok=0; ! grep -q 'PaSsWoRd\|uSeRnAmE' "$ERR" || _ok=1
ok $_ok "... which the message does not repeat"
frun "$C" env "$H/batch/batch.txt" $K --no-state $CA
expect_fail 2 "--ca-file with a plain http URL" "only to an https"
frun "$C" env "$FX/batch.txt" $K --no-state $CA
expect_fail 2 "--ca-file with a batch file" "only to an https"
frun "$C" env "$S/batch/batch.txt" $K --no-state --ca-file "$WORK/no-such-ca.pem"
expect_fail 3 "a --ca-file that does not exist" "no-such-ca\.pem"
frun env CLOAK_KEYRING="$NOKEYRING" "$C" env "$S/batch/batch.txt" --key-file "$FX/account.key" --vault acme/production --no-state $CA
expect_fail 7 "no trusted identity: refused before the fetch"
frun env CLOAK_KEYRING="$NOKEYRING" "$C" env "$S/batch/batch.txt" --trust "$MEMBER" --vault acme/production --no-state $CA
expect_fail 4 "no key: refused before the fetch"
frun "$C" env "$S/batch/batch.txt" --key-file "$FX/account.key" --trust "$MEMBER" --no-state $CA
expect_fail 12 "--no-state and no --vault: refused before the fetch" "no vault named"
_ok=0; [ ! -s "$SLOG" ] && [ ! -s "$HLOG" ] || _ok=1
ok $_ok "none of these reached a server"

# ---------------------------------------------------------------- the protocol's checks on what arrived
ST=$WORK/state/fetch
frun "$C" env "$S/batch/batch-new.txt" $K --state "$ST" $CA
_ok=0; [ "$RC" -eq 0 ] && [ -s "$ST" ] || _ok=1
ok $_ok "a newer batch fetched and recorded in the state file"
cp "$ST" "$WORK/state.before"
frun "$C" env "$S/batch/batch-old.txt" $K --state "$ST" $CA
expect_fail 13 "an older batch served after it: a replay" "older than"
_ok=0; cmp -s "$ST" "$WORK/state.before" || _ok=1
ok $_ok "the state file is unchanged"
frun "$C" run "$S/batch/batch-old.txt" $K --state "$ST" $CA -- sh -c 'echo ran'
expect_fail 13 "run: a replayed batch, the command is not run"
# The vault line of a fetched body counts as a file's: only a vault the state file pins.
NK="--key-file $FX/account.key --trust $MEMBER"
frun "$C" env "$S/batch/batch-named.txt" $NK --state "$WORK/state/named" $CA
expect_fail 12 "a fetched vault line alone names no vault" "batch-named\.txt: no vault named"
frun "$C" env "$S/batch/batch.txt" $NK --vault acme/production --state "$WORK/state/named" $CA
frun "$C" env "$S/batch/batch-named.txt" $NK --state "$WORK/state/named" $CA
_ok=0; [ "$RC" -eq 0 ] && cmp -s "$OUT" "$WORK/env.local" || _ok=1
ok $_ok "a fetched vault line that the state file pins: no --vault needed"
frun "$C" env "$S/batch/tampered.txt" $K --no-state $CA
expect_fail 8 "a tampered body" "https://127\.0\.0\.1:[0-9]+/batch/tampered\.txt line $batchline: .*libcloak: "
frun "$C" env "$S/batch/notbatch.txt" $K --no-state $CA
expect_fail 8 "a body that is not a batch file" "/batch/notbatch\.txt line 1: expected the batch line"

# ---------------------------------------------------------------- the credential stays secret
_ok=0; [ -s "$SEEN" ] && ! grep -q -F -e "$CRED" -e "$VERIFIER" "$SEEN" || _ok=1
ok $_ok "neither the credential nor its verifier appears in any output of a fetch"
_ok=0; ! grep -q -F "$CRED" "$SLOG" "$HLOG" "$WORK/tls.stderr" "$WORK/plain.stderr" || _ok=1
ok $_ok "nor in the servers' logs"

stop_servers
_ok=0; for _f in tls plain; do [ -s "$WORK/$_f.stderr" ] && { sed 's/^/# server: /' "$WORK/$_f.stderr"; _ok=1; }; done
ok $_ok "the servers stopped without errors"
tap_finish
