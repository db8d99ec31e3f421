#!/bin/sh
# Builds libcloak and plays the whole story (examples/walkthrough.c): registration with an account
# secret key, a vault and its signed heads, sharing, a service account, removal and rotation, a
# malicious server (against vaults, then against passwords), an account upgraded to a stronger cost
# policy, a move to post-quantum-only sharing (X-Wing keys and a rotation); then the CLI side with
# the real tool.
#
#   examples/walkthrough.sh                       the story against an in-memory server, in one C
#                                                 program
#   examples/walkthrough.sh --server              the story against the reference server on SQLite,
#                                                 over HTTPS (examples/walkthrough-server.sh)
#   examples/walkthrough.sh --server --postgres   the same against two server instances on one
#                                                 PostgreSQL database
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
"") ;;
--server) shift; exec sh "$root/examples/walkthrough-server.sh" "$@" ;;
*) echo "usage: $0 [--server [--postgres]]" >&2; exit 2 ;;
esac
cd "$root"
sh tests/deps.sh core
[ -d build-walkthrough ] || meson setup build-walkthrough -Dtests=false >/dev/null
ninja -C build-walkthrough --quiet examples/walkthrough examples/cli/cloak

# The story in one program; at the end it hands the service account's batch to the CI side.
ci=$(mktemp -d)
trap 'rm -rf "$ci"' EXIT
./build-walkthrough/examples/walkthrough --export "$ci"

# The CI side with the real tool: the account key comes from a CI variable, the identity to trust
# and the vault from the pipeline's definition; the state file (here in the temporary directory)
# remembers the newest batch read, so an older one served later is refused.
cloak=./build-walkthrough/examples/cli/cloak
echo
echo "== 15. On the CI machine: cloak reads the batch file (X-Wing account key, post-quantum-only vault)"
CLOAK_SERVICE_ACCOUNT_KEY=$(cat "$ci/account.key")
export CLOAK_SERVICE_ACCOUNT_KEY
trust=$(cat "$ci/trusted.identity")
opts="--vault vault:acme-production --state $ci/state"
echo "    \$ cloak secrets secrets.batch --vault vault:acme-production --trust cloak-identity-..."
"$cloak" secrets "$ci/secrets.batch" $opts --trust "$trust" | sed 's/^/    /'
echo "    \$ cloak run secrets.batch --vault vault:acme-production --trust cloak-identity-... -- sh -c '...'"
"$cloak" run "$ci/secrets.batch" $opts --trust "$trust" -- sh -c \
    'echo "    deploy step sees DATABASE_URL (${#DATABASE_URL} characters) and API_TOKEN (${#API_TOKEN} characters)"; \
     test -z "${CLOAK_SERVICE_ACCOUNT_KEY:-}" && echo "    and not the account key"'

# refused FILE EXPECTED-EXIT WHAT: the tool must refuse FILE with that exit code.
refused() {
    set +e
    "$cloak" secrets "$1" $opts --trust "$trust" >/dev/null 2>"$ci/err"
    rc=$?
    set -e
    if [ "$rc" -ne "$2" ]; then
        echo "FAILED: $3: exit $rc, expected $2" >&2
        exit 1
    fi
    echo "    $3: refused (exit $rc)"
    sed 's/^/        /' "$ci/err"
}
sed '/^cloak-batch-/s/A/B/' "$ci/secrets.batch" > "$ci/altered.batch"
refused "$ci/altered.batch" 8 "a batch file with one altered character"
refused "$ci/old.batch" 13 "the previous batch (head v6, epoch 2), replayed"
echo
echo "walkthrough and CLI complete"
