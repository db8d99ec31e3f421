#!/bin/sh
# libcloak as a C user gets it, in a fresh temporary directory outside the repository:
#   sh tests/dist/c-consumer.sh          (from anywhere; needs meson, ninja, pkg-config, cc, readelf,
#                                         libsodium-dev with its libsodium.a, and the network once for
#                                         the fetched ML-KEM and Argon2 sources, as any build does)
# 1. Installed: libcloak configured with --prefix in the temporary directory (tests, examples and
#    CLI off) and installed there; an outside program compiled and linked through pkg-config alone:
#    fully static (`pkg-config --static`, `-static`: no INTERP, no NEEDED) and dynamic (NEEDED
#    libcloak.so.0, run with LD_LIBRARY_PATH), each doing a real seal and open.
# 2. Subproject: a meson parent project with libcloak under subprojects/ (a symlink to this tree,
#    which meson follows) using dependency('libcloak') and dependency('libcloak', static : true):
#    libcloak contributes only library targets (no executable, no test), cmocka, jansson and
#    libargon2 are not looked up, the parent's programs run, and a DESTDIR install holds the parent's
#    program alone; with -Dlibcloak:install=true it holds libcloak's library, header and .pc too.
# Prints each check; exits non-zero on the first failure. Takes about a minute on 2 cores.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cloak-c-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
for tool in meson ninja pkg-config cc readelf; do
    command -v "$tool" >/dev/null || fail "$tool not found (tests/deps.sh installs it)"
done
CC=${CC:-cc}

# The program both parts build: a vault key, a sealed secret opened again, and the wrong name refused.
mkdir -p "$tmp/consumer"
cat > "$tmp/consumer/consumer.c" <<'EOF'
#include <stdio.h>
#include <string.h>

#include <cloak.h>

int main(void)
{
    static const uint8_t name[] = "API_TOKEN", other[] = "SMTP_PASSWORD", value[] = "tok_123";
    uint8_t key[CLOAK_KEYBYTES], sealed[256], opened[256];
    size_t sealed_len = 0, opened_len = 0;
    cloak_vault vault;
    if (cloak_init() != CLOAK_OK) {
        return 1;
    }
    cloak_vault_key_generate(key);
    if (cloak_vault_init(&vault, key, 1, (const uint8_t *)"vault-1", 7) != CLOAK_OK ||
        cloak_secret_seal(&vault, sealed, sizeof sealed, &sealed_len, name, sizeof name - 1, NULL, 0,
                          value, sizeof value - 1) != CLOAK_OK ||
        cloak_secret_open(&vault, opened, sizeof opened, &opened_len, name, sizeof name - 1, NULL, 0,
                          sealed, sealed_len) != CLOAK_OK ||
        opened_len != sizeof value - 1 || memcmp(opened, value, opened_len) != 0) {
        puts("seal/open failed");
        return 1;
    }
    if (cloak_secret_open(&vault, opened, sizeof opened, &opened_len, other, sizeof other - 1, NULL, 0,
                          sealed, sealed_len) != CLOAK_E_AUTH) {
        puts("a secret opened under another name");
        return 1;
    }
    cloak_vault_wipe(&vault);
    printf("libcloak %s: sealed %zu bytes, opened, wrong name refused; Argon2: %s\n",
           cloak_version_string(), sealed_len, cloak_password_kernel());
    return 0;
}
EOF

is_static() { ! readelf -l "$1" | grep -q INTERP && ! readelf -d "$1" | grep -q NEEDED; }

echo "== 1. installed libcloak, used through pkg-config"
prefix=$tmp/prefix
meson setup "$tmp/build" "$root" --prefix="$prefix" --libdir=lib \
    -Dtests=false -Dexamples=false -Dcli=false > "$tmp/setup.log" 2>&1 ||
    { cat "$tmp/setup.log"; fail "meson setup of libcloak"; }
ninja -C "$tmp/build" -j2 > "$tmp/ninja.log" 2>&1 || { cat "$tmp/ninja.log"; fail "ninja"; }
meson install -C "$tmp/build" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "meson install"; }
for f in include/cloak.h lib/libcloak.a lib/libcloak.so lib/libcloak.so.0 lib/pkgconfig/libcloak.pc; do
    [ -e "$prefix/$f" ] || fail "$prefix/$f not installed"
done
ok "installed: cloak.h, libcloak.so, libcloak.a, libcloak.pc"
if grep -q "^bin/" "$tmp/install.log" || [ -e "$prefix/bin/cloak" ]; then
    fail "-Dcli=false installed the CLI"
fi

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
grep -qx 'Requires.private: libsodium' "$prefix/lib/pkgconfig/libcloak.pc" ||
    fail "libcloak.pc has no 'Requires.private: libsodium'"
cflags=$(pkg-config --cflags libcloak)
static_libs=$(pkg-config --static --libs libcloak)
shared_libs=$(pkg-config --libs libcloak)
ok "libcloak.pc: Requires.private: libsodium; --static --libs: $static_libs"

cd "$tmp/consumer"
# Word splitting of the pkg-config output is intended.
# shellcheck disable=SC2086
$CC -std=c11 -O2 $cflags consumer.c -o consumer-static -static $static_libs > link.log 2>&1 ||
    { cat link.log; fail "static link through pkg-config --static"; }
is_static consumer-static || fail "consumer-static is not fully static"
out=$(./consumer-static) || fail "consumer-static: $out"
ok "static (cc -static \$(pkg-config --static --libs libcloak)), no INTERP or NEEDED: $out"

# shellcheck disable=SC2086
$CC -std=c11 -O2 $cflags consumer.c -o consumer-shared $shared_libs > link.log 2>&1 ||
    { cat link.log; fail "dynamic link through pkg-config"; }
readelf -d consumer-shared | grep -q 'NEEDED.*\[libcloak\.so\.0\]' || fail "consumer-shared does not NEED libcloak.so.0"
out=$(LD_LIBRARY_PATH="$prefix/lib" ./consumer-shared) || fail "consumer-shared: $out"
ok "dynamic (NEEDED libcloak.so.0): $out"
unset PKG_CONFIG_PATH

echo "== 2. libcloak as a meson subproject"
parent=$tmp/parent
mkdir -p "$parent/subprojects"
ln -s "$root" "$parent/subprojects/libcloak"
cp "$tmp/consumer/consumer.c" "$parent/"
cat > "$parent/meson.build" <<'EOF'
project('parent', 'c', default_options : ['c_std=c11'])
cloak_dep = dependency('libcloak', fallback : 'libcloak')
cloak_static_dep = dependency('libcloak', static : true, fallback : 'libcloak')
executable('app', 'consumer.c', dependencies : cloak_dep, install : true)
executable('app_static', 'consumer.c', dependencies : cloak_static_dep)
EOF
# --force-fallback-for: the subproject even where a libcloak is installed on the machine.
meson setup "$parent/build" "$parent" --force-fallback-for=libcloak > "$tmp/parent-setup.log" 2>&1 ||
    { cat "$tmp/parent-setup.log"; fail "meson setup of the parent"; }
log=$parent/build/meson-logs/meson-log.txt
for dep in cmocka jansson libargon2; do
    if grep -qi "dependency $dep" "$log"; then
        fail "the subproject looked up $dep: $(grep -i "dependency $dep" "$log" | head -1)"
    fi
done
ok "cmocka, jansson and libargon2 not looked up"
meson introspect --targets "$parent/build" > "$tmp/targets.json"
python3 - "$tmp/targets.json" <<'EOF' || fail "libcloak builds more than its library"
import json, sys
targets = json.load(open(sys.argv[1]))
ours = [t for t in targets if t["subproject"] == "libcloak"]
# Libraries, libcloak.a, and the two targets that extract the fetched third-party sources.
allowed_custom = {"libcloak.a", "argon2-upstream", "mlkem-upstream"}
bad = [t for t in ours if not (t["type"] in ("static library", "shared library")
                               or (t["type"] == "custom" and t["name"] in allowed_custom))]
installed = [t["name"] for t in ours if t["installed"]]
for t in bad:
    print("  not a library target:", t["type"], t["name"])
for name in installed:
    print("  installed:", name)
parents = sorted(t["name"] for t in targets if t["subproject"] is None)
print("ok: %d libcloak targets (%s), %d of the parent (%s); none installed"
      % (len(ours), ", ".join(sorted(t["name"] for t in ours)), len(parents), ", ".join(parents)))
sys.exit(1 if bad or installed or parents != ["app", "app_static"] else 0)
EOF
tests=$(meson introspect --tests "$parent/build")
[ "$tests" = "[]" ] || fail "the parent build has tests: $tests"
ok "no tests or benchmarks"

ninja -C "$parent/build" -j2 > "$tmp/parent-ninja.log" 2>&1 || { cat "$tmp/parent-ninja.log"; fail "parent build"; }
out=$("$parent/build/app") || fail "app: $out"
ok "app (dependency('libcloak')): $out"
readelf -d "$parent/build/app_static" | grep -q 'NEEDED.*libcloak' && fail "app_static NEEDs libcloak.so"
out=$("$parent/build/app_static") || fail "app_static: $out"
ok "app_static (dependency('libcloak', static : true), no libcloak NEEDED): $out"

meson install -C "$parent/build" --destdir "$tmp/dest" > "$tmp/parent-install.log" 2>&1 ||
    { cat "$tmp/parent-install.log"; fail "parent install"; }
installed=$(cd "$tmp/dest" && find . -type f -o -type l | sort | tr '\n' ' ')
[ "$installed" = "./usr/local/bin/app " ] || fail "the parent's install holds more than its program: $installed"
ok "DESTDIR install: $installed(nothing of libcloak)"

meson configure "$parent/build" -Dlibcloak:install=true > /dev/null
ninja -C "$parent/build" -j2 > "$tmp/parent-ninja.log" 2>&1 || { cat "$tmp/parent-ninja.log"; fail "parent rebuild"; }
meson install -C "$parent/build" --destdir "$tmp/dest2" > "$tmp/parent-install.log" 2>&1 ||
    { cat "$tmp/parent-install.log"; fail "parent install with -Dlibcloak:install=true"; }
for f in cloak.h libcloak.so.0 libcloak.a libcloak.pc; do
    [ -n "$(find "$tmp/dest2" -name "$f")" ] || fail "-Dlibcloak:install=true did not install $f"
done
[ -e "$tmp/dest2/usr/local/bin/cloak" ] && fail "-Dlibcloak:install=true installed the CLI (cli is off)"
ok "-Dlibcloak:install=true installs the library, libcloak.a, cloak.h and libcloak.pc (no CLI)"

echo "== C consumer: all passed in $(($(date +%s) - start)) s"
