#!/bin/sh
# Fetches, at build time, the C sources of the two libraries the WebAssembly build compiles in,
# from package registries, pinned by version and SHA-256, into OUT (a build directory; they are
# never part of the source tree):
#   OUT/libsodium/   libsodium 1.0.18, from Debian 12's source package (the only registry package
#                    that ships its C sources), with Debian's own patches applied, as in the system
#                    library the native build links
#   OUT/argon2/      the Argon2 reference library (release 20190702), from the npm package argon2
#                    0.45.1, which ships it under argon2/
# Debian's sources come through a private apt configuration under OUT/apt (deb-src lines made from
# the system's own sources), so the system's apt configuration is not touched. apt itself verifies
# the signed Release file and the .dsc checksums; the pins below are checked on top of that.
# Usage: fetch-sources.sh OUT
set -eu
out=${1:?usage: fetch-sources.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)

SODIUM_VERSION=1.0.18-1+deb12u1
SODIUM_ORIG_SHA256=d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4
SODIUM_DEBIAN_SHA256=f410474e46346b06b162defa05b1be26906aeed6cf309e3d4ebe30b4d1350733
ARGON2_NPM_VERSION=0.45.1
ARGON2_NPM_SHA256=4acffbd5e5a87fe8fad926afc9a9ac450d69b7082686dd2836be0d8309dbd8aa

check() { # file sha256
    got=$(sha256sum "$1" | cut -d' ' -f1)
    if [ "$got" != "$2" ]; then
        echo "fetch-sources: $1: SHA-256 $got, expected $2" >&2
        exit 1
    fi
}

if [ ! -f "$out/libsodium/.done" ]; then
    apt="$out/apt"
    rm -rf "$apt" "$out/libsodium"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
    # deb-src lines from the system's deb822 sources (URIs x Suites), main only.
    src=/etc/apt/sources.list.d/debian.sources
    if [ -f "$src" ]; then
        awk '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) s[n++]=$i} /^$/{for(i=0;i<n;i++) print "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] " u " " s[i] " main"; n=0}
             END{for(i=0;i<n;i++) print "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] " u " " s[i] " main"}' \
            "$src" > "$apt/sources.list"
    else
        echo "deb-src http://deb.debian.org/debian bookworm main" > "$apt/sources.list"
    fi
    opts="-o Dir::Etc::SourceList=$apt/sources.list -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o APT::Sandbox::User=root"
    # shellcheck disable=SC2086
    apt-get $opts update -qq
    # shellcheck disable=SC2086
    (cd "$apt/dl" && apt-get $opts source --download-only -qq "libsodium=$SODIUM_VERSION")
    check "$apt/dl/libsodium_1.0.18.orig.tar.gz" "$SODIUM_ORIG_SHA256"
    check "$apt/dl/libsodium_${SODIUM_VERSION}.debian.tar.xz" "$SODIUM_DEBIAN_SHA256"
    mkdir -p "$out/libsodium"
    tar xzf "$apt/dl/libsodium_1.0.18.orig.tar.gz" -C "$out/libsodium" --strip-components=1
    tar xJf "$apt/dl/libsodium_${SODIUM_VERSION}.debian.tar.xz" -C "$out/libsodium"
    if [ -f "$out/libsodium/debian/patches/series" ]; then
        grep -v '^#' "$out/libsodium/debian/patches/series" | while read -r p _; do
            [ -n "$p" ] || continue
            patch -s -p1 -d "$out/libsodium" < "$out/libsodium/debian/patches/$p"
        done
    fi
    touch "$out/libsodium/.done"
    echo "fetch-sources: libsodium $SODIUM_VERSION (Debian source package, SHA-256 checked)"
fi

if [ ! -f "$out/argon2/.done" ]; then
    rm -rf "$out/argon2" "$out/npm"
    mkdir -p "$out/npm"
    (cd "$out/npm" && npm pack "argon2@$ARGON2_NPM_VERSION" --silent >/dev/null)
    check "$out/npm/argon2-$ARGON2_NPM_VERSION.tgz" "$ARGON2_NPM_SHA256"
    mkdir -p "$out/argon2"
    tar xzf "$out/npm/argon2-$ARGON2_NPM_VERSION.tgz" -C "$out/argon2" --strip-components=2 package/argon2
    touch "$out/argon2/.done"
    echo "fetch-sources: Argon2 reference library from npm argon2@$ARGON2_NPM_VERSION (SHA-256 checked)"
fi
