#!/bin/sh
# The reference server's suite (examples/server): its Go tests against SQLite and against a real
# PostgreSQL 15 that this script starts in a throw-away data directory, listening only on a Unix
# socket inside it, and stops and deletes afterwards, also on failure or interruption (pg.sh).
#
# Needs: go (1.26), and Debian's postgresql package (tests/deps.sh installs it).
# Extra arguments go to `go test` (for example -run TestConcurrentHeads, or -v).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/pg.sh"

command -v go >/dev/null 2>&1 || { echo "tests/server: go not found on PATH" >&2; exit 1; }
# The server and the example client (examples/client, built and run by walkthrough.sh --server).
unformatted=$(cd "$root/examples" && "$(go env GOROOT)/bin/gofmt" -l server client)
if [ -n "$unformatted" ]; then
    echo "tests/server: not gofmt-formatted: $unformatted" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloak-server-test.XXXXXX")
cleanup() {
    status=$?
    pg_stop
    [ "$status" = 0 ] || pg_log
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pg_start "$tmp"
export CLOAK_TEST_PG_HOST="$PG_SOCKET" CLOAK_TEST_PG_PORT=5432 CLOAK_TEST_PG_USER=postgres CLOAK_TEST_REQUIRE_PG=1
cd "$root/examples/server"
go test -count=1 -timeout 200s "$@" ./...
