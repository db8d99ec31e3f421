#!/bin/sh
# The walkthrough over HTTP (examples/walkthrough.sh --server): the reference server
# (examples/server) on a throw-away SQLite file behind HTTPS with a throw-away test CA, the story's
# members as a Go client over the library's Go binding (examples/client), and the CI side with the
# real `cloak` tool fetching its batch from the server with the account's credential.
#
#   examples/walkthrough-server.sh              one server on SQLite
#   examples/walkthrough-server.sh --postgres   two server instances on one throw-away PostgreSQL
#                                               database, as behind a load balancer: Alice's
#                                               client talks to the first, Bob's to the second
#
# Needs Go 1.26 on PATH (as the server's and the binding's tests do) and a C compiler for cgo.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
postgres=
case "${1:-}" in
"") ;;
--postgres) postgres=1 ;;
*) echo "usage: $0 [--postgres]" >&2; exit 2 ;;
esac
if [ -n "$postgres" ]; then
    sh tests/deps.sh server-postgres
    . tests/server/pg.sh
else
    sh tests/deps.sh server
fi
command -v go >/dev/null 2>&1 || { echo "walkthrough --server: go (1.26) not found on PATH" >&2; exit 1; }
build=$root/build-walkthrough
url_option() {
    meson introspect "$build" --buildoptions |
        python3 -c 'import json, sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "url"][0])'
}
if [ -d "$build" ]; then
    # cloak must fetch URLs: reconfigure only when that is not on (a reconfigure is noisy and slow).
    [ "$(url_option)" = enabled ] || meson configure "$build" -Durl=enabled >/dev/null
else
    meson setup "$build" -Dtests=false -Durl=enabled >/dev/null
fi
ninja -C "$build" --quiet   # the shared library (for the client) and cloak
cloak=$build/examples/cli/cloak

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloak-walkthrough.XXXXXX")
pgtmp=
server_pids=
cleanup() {
    status=$?
    for pid in $server_pids; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$status" != 0 ]; then
        for log in "$tmp"/server-*.log; do
            [ -f "$log" ] || continue
            echo "$(basename "$log") (last lines):" >&2
            tail -n 20 "$log" >&2 || true
        done
    fi
    if [ -n "$postgres" ]; then
        pg_stop
        [ "$status" = 0 ] || pg_log
    fi
    rm -rf "$tmp" ${pgtmp:+"$pgtmp"}
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building the server (examples/server) and the client (examples/client, cgo over $build)"
(cd examples/server && go build -o "$tmp/cloak-server" .)
(cd examples/client && PKG_CONFIG_PATH="$build/meson-uninstalled" CGO_ENABLED=1 go build -o "$tmp/cloak-client" .)

echo "== a test CA for this run, and the server's certificate for 127.0.0.1 signed by it"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=cloak walkthrough test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    -keyout "$tmp/ca.key" -out "$tmp/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$tmp/server.ext"
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial -days 1 \
    -extfile "$tmp/server.ext" -out "$tmp/server.pem" 2>/dev/null

# start_server NAME FLAGS...: starts an instance with HTTPS and the given storage flags, waits until it
# listens, and appends its URL to $urls.
urls=
start_server() {
    name=$1
    shift
    "$tmp/cloak-server" "$@" -listen 127.0.0.1:0 -tls-cert "$tmp/server.pem" -tls-key "$tmp/server.key" \
        >"$tmp/server-$name.log" 2>&1 &
    server_pids="$server_pids $!"
    pid=$!
    url=
    i=0
    while [ $i -lt 300 ]; do
        url=$(sed -n 's/^listening on \(https:\/\/[^ ]*\).*/\1/p' "$tmp/server-$name.log" | head -n 1)
        [ -n "$url" ] && break
        kill -0 "$pid" 2>/dev/null || { echo "server $name stopped:" >&2; cat "$tmp/server-$name.log" >&2; exit 1; }
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$url" ] || { echo "server $name did not start within 30 s" >&2; exit 1; }
    echo "    $name: $url"
    urls=${urls:+$urls,}$url
}

if [ -n "$postgres" ]; then
    echo "== a throw-away PostgreSQL 15 (Unix socket only), and two server instances on its database, HTTPS on free ports of 127.0.0.1"
    pgtmp=$(mktemp -d "${TMPDIR:-/tmp}/cloak-walkthrough-pg.XXXXXX")
    pg_start "$pgtmp"
    dsn="host=$PG_SOCKET port=5432 user=postgres dbname=postgres"
    start_server A -postgres "$dsn"
    start_server B -postgres "$dsn"
    scan=
else
    echo "== starting the server on SQLite ($tmp/cloak.db), HTTPS on a free port of 127.0.0.1"
    start_server A -sqlite "$tmp/cloak.db"
    scan=$tmp/cloak.db
fi
# cloak fetches from the last instance started (on PostgreSQL, not the one Alice uploaded through).
url=${urls##*,}

# The CI side makes its key first: only the public key and the credential's verifier leave it.
echo
echo "== On the CI side: cloak keygen makes the service account's key; its public key and verifier go to Alice"
CLOAK_SERVICE_ACCOUNT_KEY=$("$cloak" keygen --stdout 2>/dev/null)
export CLOAK_SERVICE_ACCOUNT_KEY
pubkey=$("$cloak" pubkey)
verifier=$("$cloak" credential --verifier)
echo "    \$ cloak pubkey                -> ${pubkey%"${pubkey#????????????????????}"}... (${#pubkey} characters)"
echo "    \$ cloak credential --verifier -> $verifier"

# The members' side: the client never sees the account's private key or credential.
env -u CLOAK_SERVICE_ACCOUNT_KEY LD_LIBRARY_PATH="$build/src" "$tmp/cloak-client" -server "$urls" -ca "$tmp/ca.pem" \
    -account-key "$pubkey" -account-verifier "$verifier" -export "$tmp" ${scan:+-scan "$scan"}

batch="$url/v1/service-accounts/self/batches/acme-production"
trust=$(cat "$tmp/trusted.identity")
opts="--vault acme-production --state $tmp/state --ca-file $tmp/ca.pem"
echo
echo "== On the CI machine: cloak fetches the batch from the server over HTTPS (the test CA), with the credential it derives from its key"
echo "    \$ cloak secrets $batch --vault acme-production --trust cloak-identity-... --ca-file ca.pem"
"$cloak" secrets "$batch" $opts --trust "$trust" | sed 's/^/    /'
echo "    \$ cloak run $batch ... -- sh -c '...'"
"$cloak" run "$batch" $opts --trust "$trust" -- sh -c \
    'echo "    deploy step sees DATABASE_URL (${#DATABASE_URL} characters), SMTP_PASSWORD (${#SMTP_PASSWORD} characters)"; \
     test -z "${CLOAK_SERVICE_ACCOUNT_KEY:-}" && echo "    and not the account key"'

# refused EXPECTED-EXIT WHAT COMMAND...: the tool must refuse with that exit code.
refused() {
    want=$1 what=$2
    shift 2
    set +e
    "$@" >/dev/null 2>"$tmp/err"
    rc=$?
    set -e
    if [ "$rc" -ne "$want" ]; then
        echo "FAILED: $what: exit $rc, expected $want" >&2
        cat "$tmp/err" >&2
        exit 1
    fi
    echo "    $what: refused (exit $rc)"
    sed 's/^/        /' "$tmp/err"
}
echo
echo "== What the CI side refuses"
refused 17 "the server's certificate without the test CA" \
    "$cloak" secrets "$batch" --vault acme-production --no-state --trust "$trust"
other=$("$cloak" keygen --stdout 2>/dev/null)
refused 17 "another service account's key (the server answers 401)" \
    env CLOAK_SERVICE_ACCOUNT_KEY="$other" "$cloak" secrets "$batch" $opts --trust "$trust"
refused 7 "the batch when the pipeline trusts only Bob, who did not sign it" \
    "$cloak" secrets "$batch" $opts --trust "$(cat "$tmp/bob.identity")"
echo
echo "walkthrough over HTTP complete"
