#!/bin/sh
# Builds the Python package `libcloak` for release: the sdist, then the wheel FROM that sdist (so the
# sdist is known to build), tagged py3-none-manylinux_2_X_x86_64 as `auditwheel show` finds it, with
# SHA256SUMS and a CycloneDX SBOM beside them.
#   bindings/python/build-wheel.sh [--tree-wheel DIR] OUTDIR
# OUTDIR receives libcloak-V.tar.gz, libcloak-V-py3-none-manylinux_*.whl, SHA256SUMS and
# libcloak-V.cdx.json. --tree-wheel DIR also builds a wheel straight from the source tree (reusing
# the sdist step's configured build directory), tagged the same way, into DIR: the wheel test compares
# it with the sdist's.
#
# The source tree must be a git checkout: meson-python makes the sdist with `meson dist`, which takes
# the COMMITTED tree (HEAD), not uncommitted changes. The wheel carries libcloak.so with libsodium
# 1.0.20 (the pinned PyNaCl sdist) and Argon2 linked in; building it fetches those and the ML-KEM
# sources (PyPI, npm, crates.io), pinned by SHA-256, and pyproject.toml's pinned build requirements.
# Needs gcc, git and pkg-config on the build machine (no libsodium, libargon2 or cmocka).
# Tools come from bindings/python/requirements-wheel.txt (pinned) in a venv under a temporary
# directory. SOURCE_DATE_EPOCH defaults to the last commit's time, so two builds of one commit give
# the same bytes. Environment: PYTHON (default python3).
set -eu
# The wheel records each file's mode: the same modes from a checkout and from the unpacked sdist.
umask 022
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tree_wheel=
if [ "${1:-}" = "--tree-wheel" ]; then
    [ $# -ge 2 ] || { echo "usage: $0 [--tree-wheel DIR] OUTDIR" >&2; exit 2; }
    mkdir -p "$2"
    tree_wheel=$(cd "$2" && pwd)
    shift 2
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 [--tree-wheel DIR] OUTDIR" >&2
    exit 2
fi
mkdir -p "$1"
out=$(cd "$1" && pwd)
python=${PYTHON:-python3}
git -C "$root" rev-parse --git-dir >/dev/null 2>&1 || {
    echo "build-wheel: $root is not a git checkout (meson dist needs one)" >&2; exit 1; }

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct)
fi
export SOURCE_DATE_EPOCH

work=$(mktemp -d "${TMPDIR:-/tmp}/cloak-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
"$python" -m venv "$work/venv"
tools="$work/venv/bin"
"$tools/python" -m pip --disable-pip-version-check --no-input --quiet install \
    -r "$here/requirements-wheel.txt"

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$root/meson.build" | head -n 1)
[ -n "$version" ] || { echo "build-wheel: no version in meson.build" >&2; exit 1; }
sdist="libcloak-$version.tar.gz"
rm -f "$out/$sdist" "$out"/libcloak-"$version"-*.whl "$out/SHA256SUMS" "$out/libcloak-$version.cdx.json"

echo "build-wheel: sdist (meson dist of HEAD)"
"$tools/python" -m build --sdist -Cbuild-dir="$work/tree-build" -o "$out" "$root"
[ -f "$out/$sdist" ] || { echo "build-wheel: $out/$sdist was not made" >&2; exit 1; }

# The platform tag the library allows (its glibc symbol versions), then py3-none: the package has no
# extension module (ctypes loads libcloak.so), so one wheel serves every Python 3.9+.
retag() { # RAW_WHEEL DESTDIR
    plat=$("$tools/auditwheel" show "$1" 2>&1 |
        sed -n 's/.*consistent with the following platform tag: "\([^"]*\)".*/\1/p' | head -n 1)
    if [ -z "$plat" ]; then
        # auditwheel wraps its output; read the joined text
        plat=$("$tools/auditwheel" show "$1" 2>&1 | tr '\n' ' ' |
            sed -n 's/.*following platform tag: *"\([^"]*\)".*/\1/p')
    fi
    case $plat in
    manylinux_*) ;;
    *) echo "build-wheel: auditwheel show gave no manylinux tag for $1" >&2
       "$tools/auditwheel" show "$1" >&2 || true
       exit 1 ;;
    esac
    new=$("$tools/wheel" tags --python-tag py3 --abi-tag none --platform-tag "$plat" "$1")
    mv "$(dirname "$1")/$new" "$2/"
    echo "$2/$new"
}

if [ -n "$tree_wheel" ]; then
    echo "build-wheel: wheel from the source tree (for comparison)"
    mkdir -p "$work/tree-raw"
    "$tools/python" -m build --wheel -Cbuild-dir="$work/tree-build" -o "$work/tree-raw" "$root"
    retag "$work/tree-raw"/libcloak-"$version"-*.whl "$tree_wheel" >/dev/null
fi

echo "build-wheel: wheel from the sdist"
mkdir -p "$work/sdist" "$work/raw"
tar --no-same-permissions -xzf "$out/$sdist" -C "$work/sdist"
"$tools/python" -m build --wheel -Cbuild-dir="$work/sdist-build" -o "$work/raw" "$work/sdist/libcloak-$version"
wheel=$(retag "$work/raw"/libcloak-"$version"-*.whl "$out")

echo "build-wheel: auditwheel show $(basename "$wheel")"
"$tools/auditwheel" show "$wheel"

(cd "$out" && sha256sum "$sdist" "$(basename "$wheel")" > SHA256SUMS)

# The SBOM (tools/sbom.py): what the wheel compiles into its libcloak.so, and the two artifacts.
"$python" "$root/tools/sbom.py" --package libcloak --version "$version" --kind pypi \
    --component libsodium-bundled --component argon2 --component mlkem-native --component pqclean-fips202 \
    --artifact "$out/$sdist" --artifact "$wheel" --out "$out/libcloak-$version.cdx.json"

echo "build-wheel: done:"
(cd "$out" && ls -l "$sdist" "$(basename "$wheel")" SHA256SUMS "libcloak-$version.cdx.json" && cat SHA256SUMS)
