#!/bin/sh
# The Go binding as a Go user gets it, in a fresh temporary module outside the repository:
#   sh tests/dist/go-consumer.sh     (from anywhere; needs meson, ninja, pkg-config, cc, and Go 1.21 or
#                                     newer: bindings/go/run-tests.sh installs one on Debian 12)
# libcloak is configured with --prefix in the temporary directory (tests, examples and CLI off) and
# installed there; a module requiring libcloak.dev/cloak (a `replace` to this tree's bindings/go, as
# bindings/go/README.md says) runs a story step: identity keys, an X-Wing key in a verified bundle, a
# vault key shared to it and opened, a secret sealed and opened. Built three ways:
#   (a) shared, against the installed prefix (PKG_CONFIG_PATH; LD_LIBRARY_PATH to run);
#   (b) fully static, -tags cloak_static (ldd: not a dynamic executable), run with no library path;
#   (c) CGO_ENABLED=0: the build fails with the binding's own message.
# Go: the machine's if it is 1.24 or newer (the module's go directive), else GOTOOLCHAIN=go1.26.8
# (CLOAK_GO_TOOLCHAIN) fetched from the Go module proxy, as bindings/go/run-tests.sh does.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloak-go-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
for tool in meson ninja pkg-config cc ldd; do
    command -v "$tool" >/dev/null || fail "$tool not found (tests/deps.sh installs it)"
done

# The newest Go on the machine.
go_minor() { GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9][0-9]*\).*/\1/p'; }
GO= minor=0
for g in $(command -v go 2>/dev/null || true) /usr/local/go/bin/go /usr/lib/go-*/bin/go; do
    [ -x "$g" ] || continue
    m=$(cd / && go_minor "$g")
    if [ -n "$m" ] && [ "$m" -gt "$minor" ]; then GO=$g minor=$m; fi
done
[ "$minor" -ge 21 ] || fail "no Go 1.21 or newer (bindings/go/run-tests.sh installs one on Debian 12)"
if [ "$minor" -lt 24 ]; then
    export GOTOOLCHAIN="${CLOAK_GO_TOOLCHAIN:-go1.26.8}"
else
    export GOTOOLCHAIN=local
fi
export GOFLAGS=-mod=mod
# A build cache of its own: the go command does not key its cache on pkg-config's answers, so a
# package built before against another libcloak (another prefix, shared or static) would be reused
# with that one's link flags.
export GOCACHE="$tmp/gocache"
echo "== $("$GO" version)"

echo "== libcloak installed into a temporary prefix"
prefix=$tmp/prefix
meson setup "$tmp/build" "$root" --prefix="$prefix" --libdir=lib \
    -Dtests=false -Dexamples=false -Dcli=false > "$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log"; fail "meson setup of libcloak"; }
ninja -C "$tmp/build" -j2 > "$tmp/ninja.log" 2>&1 || { cat "$tmp/ninja.log"; fail "ninja"; }
meson install -C "$tmp/build" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "meson install"; }
ok "installed under $prefix"

mod=$tmp/consumer
mkdir -p "$mod"
cat > "$mod/go.mod" <<EOF
module example.com/cloakconsumer

go 1.24.0

require libcloak.dev/cloak v0.0.0

replace libcloak.dev/cloak => $root/bindings/go
EOF
cat > "$mod/main.go" <<'EOF'
// A story step: Bob publishes an X-Wing key in a signed bundle, Alice verifies it and shares a vault
// key to it, Bob opens the share and reads a secret Alice sealed.
package main

import (
	"bytes"
	"fmt"
	"log"

	"libcloak.dev/cloak"
)

func main() {
	if err := cloak.Init(); err != nil {
		log.Fatal(err)
	}
	alice, err := cloak.GenerateIdentityKey()
	if err != nil {
		log.Fatal(err)
	}
	bob, err := cloak.GenerateIdentityKey()
	if err != nil {
		log.Fatal(err)
	}
	bobKey, err := cloak.GenerateEncryptionKey()
	if err != nil {
		log.Fatal(err)
	}
	bundle, err := bob.Bundle(bobKey.Public())
	if err != nil {
		log.Fatal(err)
	}
	id, key, err := cloak.VerifyBundle(bundle)
	if err != nil || id != bob.Public() || key.Suite() != cloak.SuiteXWing {
		log.Fatalf("bundle: %v", err)
	}
	vaultID := []byte("vault-1")
	vaultKey, err := cloak.GenerateVaultKey()
	if err != nil {
		log.Fatal(err)
	}
	share, err := cloak.SealShare(vaultKey, 1, vaultID, key, alice)
	if err != nil {
		log.Fatal(err)
	}
	opened, epoch, err := cloak.OpenShare(share, vaultID, bobKey, alice.Public(), 1)
	if err != nil || epoch != 1 || !bytes.Equal(opened.SecretBytes(), vaultKey.SecretBytes()) {
		log.Fatalf("share: %v", err)
	}
	aliceVault, err := cloak.NewVault(vaultKey, 1, vaultID)
	if err != nil {
		log.Fatal(err)
	}
	sealed, err := aliceVault.Seal([]byte("API_TOKEN"), []byte("tok_123"), nil)
	if err != nil {
		log.Fatal(err)
	}
	bobVault, err := cloak.NewVault(opened, 1, vaultID)
	if err != nil {
		log.Fatal(err)
	}
	value, err := bobVault.Open([]byte("API_TOKEN"), sealed, nil)
	if err != nil || string(value) != "tok_123" {
		log.Fatalf("secret: %v", err)
	}
	fmt.Printf("libcloak %s: %d-byte X-Wing bundle verified, %d-byte share opened, secret read\n",
		cloak.VersionString(), len(bundle), len(share))
}
EOF
cd "$mod"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" CGO_ENABLED=1

echo "== (a) shared"
"$GO" build -o app-shared . > "$tmp/build-a.log" 2>&1 || { cat "$tmp/build-a.log"; fail "go build (shared)"; }
ldd app-shared | grep -q 'libcloak\.so\.0' || fail "app-shared does not load libcloak.so.0"
out=$(LD_LIBRARY_PATH="$prefix/lib" ./app-shared) || fail "app-shared: $out"
ok "shared (libcloak.so.0 from the prefix): $out"

echo "== (b) fully static: -tags cloak_static"
"$GO" build -tags cloak_static -o app-static . > "$tmp/build-b.log" 2>&1 ||
    { cat "$tmp/build-b.log"; fail "go build -tags cloak_static"; }
ldd_out=$(ldd app-static 2>&1 || true)
case $ldd_out in
*"not a dynamic executable"*) ;;
*) fail "app-static is dynamic: $ldd_out" ;;
esac
out=$(env -u LD_LIBRARY_PATH ./app-static) || fail "app-static: $out"
ok "static (ldd: not a dynamic executable): $out"

echo "== (c) CGO_ENABLED=0"
if CGO_ENABLED=0 "$GO" build -o app-nocgo . > "$tmp/build-c.log" 2>&1; then
    fail "CGO_ENABLED=0 built a program"
fi
grep -q "libcloak's Go binding needs cgo: build with CGO_ENABLED=1 and a C compiler" "$tmp/build-c.log" ||
    { cat "$tmp/build-c.log"; fail "CGO_ENABLED=0 failed without the binding's message"; }
if grep -q "undefined: cloak\." "$tmp/build-c.log"; then
    cat "$tmp/build-c.log"
    fail "CGO_ENABLED=0 still reports undefined names of the package"
fi
ok "CGO_ENABLED=0 fails with: $(grep -o "libcloak's Go binding needs cgo[^\"]*" "$tmp/build-c.log" | head -1)"

echo "== Go consumer: all passed in $(($(date +%s) - start)) s"
