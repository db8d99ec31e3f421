#!/bin/sh
# Tests of the Go binding against a meson build of libcloak (not installed):
#   bindings/go/run-tests.sh BUILD_DIR
# gofmt, go vet, go test (every test, then all again under the race detector), and
# every benchmark once so that they keep compiling and working.
#
# The module needs Go 1.24 (go.mod); its interoperability tests need Go 1.26 (crypto/hpke, behind
# //go:build go1.26), so this script runs Go 1.26; and a C compiler for cgo. When the machine's Go is older, or missing:
#   - Go 1.21 or newer runs the pinned toolchain ($CLOAK_GO_TOOLCHAIN, default below) through
#     GOTOOLCHAIN: the go command fetches it from the Go module proxy as the module
#     golang.org/toolchain and checks it against the checksum database (sum.golang.org).
#   - No Go 1.21 (Debian 12 has 1.19): as root on Debian 12, install golang-1.23-go from Debian's
#     bookworm-backports (signed by the Debian archive key), through a private apt source list and
#     package lists, so the system's apt configuration is left untouched; then as above.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR   (a meson build directory of libcloak)" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$build/meson-uninstalled/libcloak-uninstalled.pc" ]; then
    echo "$build is not a meson build of libcloak (no meson-uninstalled/libcloak-uninstalled.pc)" >&2
    exit 2
fi
pin=${CLOAK_GO_TOOLCHAIN:-go1.26.8}

# The newest Go on the machine: its path and minor version (0 when there is none).
go_minor() { # $1: a go binary
    GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p'
}
find_go() {
    best= best_minor=0
    for g in $(command -v go 2>/dev/null || true) /usr/local/go/bin/go /usr/lib/go-*/bin/go; do
        [ -x "$g" ] || continue
        m=$(cd / && go_minor "$g")
        if [ -n "$m" ] && [ "$m" -gt "$best_minor" ]; then
            best=$g best_minor=$m
        fi
    done
}

install_backports_go() {
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null ||
        ! grep -q '^12' /etc/debian_version 2>/dev/null; then
        echo "Go 1.21 or newer is needed (1.26 is then fetched as $pin). On Debian 12, run this" >&2
        echo "script as root to install golang-1.23-go from bookworm-backports; elsewhere install" >&2
        echo "Go from your distribution or https://go.dev/dl/." >&2
        exit 1
    fi
    echo "== installing golang-1.23-go from bookworm-backports"
    apt_dir=$(mktemp -d)
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    # apt downloads as the user _apt: let it into the temporary directory.
    chmod 755 "$apt_dir" "$apt_dir/lists" "$apt_dir/cache" "$apt_dir/cache/archives"
    if id _apt >/dev/null 2>&1; then
        chown _apt "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    fi
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" \
        >"$apt_dir/backports.list"
    # The system's sources (sources.list.d) plus backports, with lists kept in the temporary
    # directory: nothing under /etc/apt or /var/lib/apt/lists changes.
    set -- -o Dir::Etc::SourceList="$apt_dir/backports.list" -o Dir::State::Lists="$apt_dir/lists" \
        -o Dir::Cache="$apt_dir/cache" -o DPkg::Lock::Timeout=600
    DEBIAN_FRONTEND=noninteractive apt-get "$@" update -qq
    DEBIAN_FRONTEND=noninteractive apt-get "$@" install -y -qq --no-install-recommends \
        -t bookworm-backports golang-1.23-go gcc pkg-config >/dev/null
    rm -rf "$apt_dir"
}

find_go
if [ "$best_minor" -lt 21 ]; then
    install_backports_go
    find_go
fi
GO=$best
if [ "$best_minor" -lt 26 ]; then
    export GOTOOLCHAIN="$pin"
    echo "== $GO is Go 1.$best_minor; running $pin through GOTOOLCHAIN"
fi

export PKG_CONFIG_PATH="$build/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$build/src${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CGO_ENABLED=1
cd "$here"

echo "== $("$GO" version), libcloak from $build"
unformatted=$("$("$GO" env GOROOT)/bin/gofmt" -l .)
if [ -n "$unformatted" ]; then
    echo "not gofmt-formatted: $unformatted" >&2
    exit 1
fi
echo "== go vet"
"$GO" vet ./...
echo "== go test"
# -count=1: a rebuilt libcloak.so is not part of Go's test cache key.
"$GO" test -count=1 ./...
echo "== go test -race"
"$GO" test -count=1 -race ./...
echo "== benchmarks, once each"
"$GO" test -count=1 -run '^$' -bench . -benchtime 1x ./...
echo "== Go binding: all passed"
