#!/bin/sh
# Builds libcloak and plays the whole story (examples/walkthrough.c): registration, a vault, sharing,
# a service account, the CLI side, removal and rotation.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sh tests/deps.sh core
[ -d build-walkthrough ] || meson setup build-walkthrough -Dtests=false >/dev/null
ninja -C build-walkthrough examples/walkthrough >/dev/null
exec ./build-walkthrough/examples/walkthrough "$@"
