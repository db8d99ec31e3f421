#!/bin/sh
# The whole test suite: the plain build (with the ABI guard), static analysis, the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer (halting on the first report), under valgrind
# memcheck, and the README's walkthrough. Coverage is separate: tests/analysis/coverage.sh DIR.
# Usage: tests/run-all.sh   (from anywhere; build directories go under the source tree)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sh tests/deps.sh test
steps=0
step() { steps=$((steps + 1)); echo "== $*"; }

step "plain build"
meson setup build-test --wipe >/dev/null 2>&1 || meson setup build-test >/dev/null
ninja -C build-test
meson test -C build-test --print-errorlogs

step "static analysis (cppcheck, clang-tidy over src/)"
sh tests/analysis/run.sh build-test

step "Python binding (venv under build-test, pinned packages from PyPI)"
bindings/python/run-tests.sh build-test

step "Go binding (Go 1.26 through GOTOOLCHAIN if the machine's is older; see bindings/go/README.md)"
bindings/go/run-tests.sh build-test

step "packages as users install them: C through pkg-config (static and shared) and as a meson subproject"
sh tests/dist/c-consumer.sh

step "packages: a Go module outside the repository, shared and fully static, and CGO_ENABLED=0's message"
sh tests/dist/go-consumer.sh

step "packages: the Python wheel and sdist (manylinux, libsodium inside), installed in a fresh venv with the system's libsodium and libargon2 hidden"
sh tests/dist/python-wheel.sh

step "AddressSanitizer + UndefinedBehaviorSanitizer"
meson setup build-asan --wipe -Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all \
    >/dev/null 2>&1 || meson setup build-asan -Db_sanitize=address,undefined \
    -Dc_args=-fno-sanitize-recover=all >/dev/null
ninja -C build-asan
# Static linking and allocation counting cannot work with the sanitizer runtimes: left out here.
meson test -C build-asan --setup asan --print-errorlogs --no-suite static --no-suite alloc

step "valgrind memcheck"
meson test -C build-test --setup valgrind --print-errorlogs --no-suite static --no-suite ct --no-suite helgrind --no-suite alloc

step "constant time again in a clang build (clang 14 makes its own branch decisions)"
CC=clang meson setup build-clang-ct --wipe >/dev/null 2>&1 || CC=clang meson setup build-clang-ct >/dev/null
ninja -C build-clang-ct tests/ct/ct_check
meson test -C build-clang-ct --suite ct --no-rebuild --print-errorlogs

step "ThreadSanitizer (the concurrency suite)"
meson setup build-tsan --wipe -Db_sanitize=thread >/dev/null 2>&1 || meson setup build-tsan -Db_sanitize=thread >/dev/null
ninja -C build-tsan tests/concurrency/test_concurrency
meson test -C build-tsan --setup tsan --suite concurrency --no-rebuild --print-errorlogs

step "JavaScript bindings (Node addon and WebAssembly, node:test on both, headless Chromium)"
sh bindings/js/run-tests.sh build-test

step "packages: the npm tarball installed without a compiler (prebuilt addon), and esbuild and Vite bundles in headless Chromium"
sh tests/dist/npm-package.sh

step "fuzzing: every libFuzzer harness for 10 s (clang, ASan + UBSan)"
bash fuzz/run.sh 10

step "the reference server (examples/server) on SQLite and on a throw-away PostgreSQL 15"
sh tests/server/run.sh

step "the README's walkthrough command"
./examples/walkthrough.sh >/dev/null

step "the example client (examples/client): go vet and its tests, over the plain build"
(cd examples/client && PKG_CONFIG_PATH="$PWD/../../build-test/meson-uninstalled" CGO_ENABLED=1 go vet . &&
    PKG_CONFIG_PATH="$PWD/../../build-test/meson-uninstalled" LD_LIBRARY_PATH="$PWD/../../build-test/src" \
        CGO_ENABLED=1 go test -count=1 .)

step "the walkthrough over HTTPS: the reference server, the Go client's story, cloak fetching its batch (walkthrough.sh --server)"
./examples/walkthrough.sh --server >/dev/null

step "the same story on two server instances sharing a throw-away PostgreSQL 15 (walkthrough.sh --server --postgres)"
./examples/walkthrough.sh --server --postgres >/dev/null

# Every step above stops the script on its first failure, so reaching here means all passed.
echo "== all test runs passed"
echo "$steps passed, 0 failed"
