#!/bin/sh
# Builds libcloak and plays the whole story (examples/walkthrough.c): registration, a vault, sharing,
# a service account, the CLI side, removal and rotation.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sh tests/deps.sh core
[ -d build-walkthrough ] || meson setup build-walkthrough -Dtests=false >/dev/null
ninja -C build-walkthrough --quiet examples/walkthrough examples/cli/cloak

# The story in one program; at the end it hands the service account's batch to the CI side.
ci=$(mktemp -d)
trap 'rm -rf "$ci"' EXIT
./build-walkthrough/examples/walkthrough --export "$ci"

# The CI side with the real tool: the account key comes from a CI variable, the identity to trust
# from the pipeline's definition; the secrets reach the deploy step's environment and nothing else.
cloak=./build-walkthrough/examples/cli/cloak
echo
echo "== 11. On the CI machine: cloak reads the batch file"
CLOAK_SERVICE_ACCOUNT_KEY=$(cat "$ci/account.key")
export CLOAK_SERVICE_ACCOUNT_KEY
trust=$(cat "$ci/trusted.identity")
echo "    \$ cloak secrets secrets.batch --trust cloak-identity-..."
"$cloak" secrets "$ci/secrets.batch" --trust "$trust" | sed 's/^/    /'
echo "    \$ cloak run secrets.batch --trust cloak-identity-... -- sh -c '...'"
"$cloak" run "$ci/secrets.batch" --trust "$trust" -- sh -c \
    'echo "    deploy step sees DATABASE_URL (${#DATABASE_URL} characters) and API_TOKEN (${#API_TOKEN} characters)"; \
     test -z "${CLOAK_SERVICE_ACCOUNT_KEY:-}" && echo "    and not the account key"'
echo "    a batch file with one altered character is refused:"
sed '2s/A/B/' "$ci/secrets.batch" > "$ci/altered.batch"
if "$cloak" secrets "$ci/altered.batch" --trust "$trust" 2>"$ci/err"; then
    echo "FAILED: an altered batch was accepted" >&2
    exit 1
fi
sed 's/^/    /' "$ci/err"
echo
echo "walkthrough and CLI complete"
