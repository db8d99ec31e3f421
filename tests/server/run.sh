#!/bin/sh
# The reference server's suite (examples/server): its Go tests against SQLite and against a real
# PostgreSQL 15 that this script starts in a throw-away data directory, listening only on a Unix
# socket inside it, and stops and deletes afterwards, also on failure or interruption.
#
# Needs: go (1.26), and Debian's postgresql package (tests/deps.sh installs it). As root, the
# cluster runs as the `postgres` user, since PostgreSQL refuses to run as root.
# Extra arguments go to `go test` (for example -run TestConcurrentHeads, or -v).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}

command -v go >/dev/null 2>&1 || { echo "tests/server: go not found on PATH" >&2; exit 1; }
# The server and the example client (examples/client, built and run by walkthrough.sh --server).
unformatted=$(cd "$root/examples" && "$(go env GOROOT)/bin/gofmt" -l server client)
if [ -n "$unformatted" ]; then
    echo "tests/server: not gofmt-formatted: $unformatted" >&2
    exit 1
fi
if [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/pg_ctl" ]; then
    echo "tests/server: PostgreSQL 15 not found in $pgbin (apt-get install postgresql, or set PG_BIN)" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloak-server-test.XXXXXX")
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "tests/server: running as root needs a postgres user" >&2; exit 1; }
    chown postgres "$tmp"
    as_pg() { runuser -u postgres -- "$@"; }
fi

started=0
cleanup() {
    status=$?
    if [ "$started" = 1 ]; then
        as_pg "$pgbin/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ "$status" != 0 ] && [ -f "$tmp/postgres.log" ]; then
        echo "tests/server: PostgreSQL log (last lines):" >&2
        tail -n 20 "$tmp/postgres.log" >&2 || true
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pg "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --no-instructions >"$tmp/initdb.log" 2>&1 ||
    { cat "$tmp/initdb.log" >&2; exit 1; }
as_pg mkdir "$tmp/sock"
started=1
# No TCP listener at all (listen_addresses empty): the socket directory is private to this run.
as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/postgres.log" -w -t 60 \
    -o "-c listen_addresses= -k $tmp/sock -c max_connections=200" start >/dev/null

export CLOAK_TEST_PG_HOST="$tmp/sock" CLOAK_TEST_PG_PORT=5432 CLOAK_TEST_PG_USER=postgres CLOAK_TEST_REQUIRE_PG=1
cd "$root/examples/server"
go test -count=1 -timeout 200s "$@" ./...
