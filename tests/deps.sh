#!/bin/sh
# Installs, on Debian 12 as root, the packages the build and the tests need and the machine lacks.
#   tests/deps.sh core    what building and running the library and examples needs
#   tests/deps.sh server  core plus openssl, for the walkthrough over HTTPS (its test CA)
#   tests/deps.sh server-postgres   the same plus PostgreSQL (walkthrough.sh --server --postgres)
#   tests/deps.sh test    core plus the test tools (cmocka, jansson, valgrind, clang and its fuzzer and
#                         sanitizer runtimes, libabigail, static analysers, coverage)
set -eu
core="gcc g++ pkg-config meson ninja-build python3 binutils libsodium-dev libargon2-dev libcurl4-openssl-dev"
test="$core libcmocka-dev libjansson-dev valgrind clang libclang-rt-14-dev llvm abigail-tools cppcheck clang-tidy gcovr python3-venv emscripten chromium xz-utils patch unzip openssl zsh fish groff-base man-db systemd jq python3-yaml postgresql"
case "${1:-test}" in
core) wanted=$core ;;
server) wanted="$core openssl" ;;
server-postgres) wanted="$core openssl postgresql" ;;
test) wanted=$test ;;
*) echo "usage: $0 core|server|server-postgres|test" >&2; exit 2 ;;
esac
missing=
for p in $wanted; do
    dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages:$missing; run as root or install them" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
