#!/bin/sh
# Tests the Python binding against a meson build of libcloak.
#   bindings/python/run-tests.sh BUILD_DIR      (BUILD_DIR from: meson setup BUILD_DIR && ninja -C BUILD_DIR)
# Creates a venv under BUILD_DIR, installs the pinned test requirements and the package from a copy
# of its sources (so the source tree gets no build or cache files), points CLOAK_LIBRARY at
# BUILD_DIR/src/libcloak.so and runs pytest. Exits non-zero on any failure, and when no test ran.
# Environment: PYTHON (default python3), PIP_ARGS (extra pip options, e.g. an index).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
lib="$build/src/libcloak.so"
if [ ! -f "$lib" ]; then
    echo "$lib not found: build the library first (meson setup $1 && ninja -C $1)" >&2
    exit 2
fi
python=${PYTHON:-python3}
venv="$build/python-venv"
if [ ! -x "$venv/bin/python" ]; then
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        echo "'$python -m venv' failed; on Debian: apt-get install python3-venv" >&2
        exit 1
    fi
fi
pip() {
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pip --disable-pip-version-check --no-input --quiet "$@" ${PIP_ARGS:-}
}
pip install -r "$here/requirements-test.txt"

# Install from a copy: pip builds in the source directory it is given.
src="$build/python-src"
rm -rf "$src"
mkdir -p "$src"
cp -R "$here/pyproject.toml" "$here/README.md" "$here/src" "$src/"
pip install --no-build-isolation --no-deps --force-reinstall "$src"

CLOAK_LIBRARY=$lib
export CLOAK_LIBRARY
if [ -x "$build/examples/cli/cloak" ]; then
    CLOAK_CLI="$build/examples/cli/cloak"
    export CLOAK_CLI
fi
CLOAK_SOURCE_ROOT=$(cd "$here/../.." && pwd)
export CLOAK_SOURCE_ROOT
PYTHONDONTWRITEBYTECODE=1
export PYTHONDONTWRITEBYTECODE

cd "$here"
rc=0
"$venv/bin/python" -m pytest -p no:cacheprovider -q tests || rc=$?
case $rc in
0) echo "python binding: all tests passed" ;;
5) echo "python binding: no tests ran (counted as a failure)" >&2; exit 1 ;;
*) echo "python binding: pytest exited with $rc" >&2; exit "$rc" ;;
esac
