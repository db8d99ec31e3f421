#!/bin/sh
# The Python wheel, as a user gets it: bindings/python/build-wheel.sh builds the sdist and the wheel
# from it (once), from a clean copy of this working tree, plus a wheel straight from the tree; then
# in a fresh venv outside the repository the wheel is pip-installed and, with the system's libsodium
# and libargon2 hidden (a private mount namespace binds an empty file over every copy under /usr/lib,
# /lib and /usr/local/lib), the README's "Using it" snippet, a whole-story script and the binding's
# walkthrough run against the library inside the wheel.
#   sh tests/dist/python-wheel.sh        (from the repository root, as root: unshare and mount)
# Checks: the wheel's name and tag (py3-none-manylinux_*_x86_64) and `auditwheel show`; the sdist's
# wheel has the tree wheel's files, byte for byte; the package's modules are src/cloak/'s; LICENSE
# and SPDX metadata in wheel and sdist; readelf: libcloak.so NEEDs no libsodium/libargon2, has no
# RPATH/RUNPATH, exports only cloak_*; SHA256SUMS and the SBOM. Exits non-zero on any failure.
# Needs: python3 with venv, git, gcc, pkg-config, binutils (readelf, nm), unzip, the system libsodium
# and libargon2 (what is hidden: tests/deps.sh installs them),
# util-linux (unshare), and the package registries (PyPI, npm, crates.io) for the pinned sources.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
start=$(date +%s)
checks=0
fail() { echo "python-wheel: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "  ok: $*"; }

for tool in git readelf nm unzip unshare mount sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (Debian: git binutils unzip util-linux mount coreutils)"
done
[ "$(id -u)" = 0 ] || fail "needs root (unshare -m, mount --bind)"

tmp=$(mktemp -d /tmp/cloak-python-wheel.XXXXXX)
# PYTHON_WHEEL_KEEP=1 keeps the directory (the wheels, the build log) for a look afterwards.
if [ -n "${PYTHON_WHEEL_KEEP:-}" ]; then
    trap 'echo "python-wheel: kept $tmp"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT INT TERM
fi
echo "python-wheel: working in $tmp"

# 1. A clean copy of the working tree (tracked files and new, unignored ones, as they are now), made
# a git repository of one commit: meson dist, behind the sdist, packs the committed tree.
mkdir "$tmp/src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) | "$python" -c '
import os, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
for rel in sys.stdin.buffer.read().decode().split("\0"):
    p = os.path.join(src, rel)
    if not rel or not os.path.lexists(p):
        continue  # deleted in the working tree
    os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
    shutil.copy2(p, os.path.join(dst, rel), follow_symlinks=False)
' "$root" "$tmp/src"
chmod -R go-w "$tmp/src"   # a checkout under umask 022, whatever this tree's modes are
(cd "$tmp/src" && git init -q && git add -A &&
    git -c user.name=python-wheel -c user.email=python-wheel@localhost commit -q -m snapshot)
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$tmp/src/meson.build" | head -n 1)

# 2. Build once: sdist, wheel from the sdist, and a wheel from the tree for comparison.
echo "python-wheel: building (bindings/python/build-wheel.sh; log in the output on failure)"
if ! sh "$tmp/src/bindings/python/build-wheel.sh" --tree-wheel "$tmp/tree" "$tmp/dist" >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log" >&2
    fail "build-wheel.sh failed"
fi
built=$(date +%s)
echo "python-wheel: built in $((built - start)) s"

sdist="$tmp/dist/libcloak-$version.tar.gz"
set -- "$tmp"/dist/libcloak-"$version"-py3-none-manylinux_*_x86_64.whl
[ $# -eq 1 ] && [ -f "$1" ] || fail "no single libcloak-$version-py3-none-manylinux_*_x86_64.whl in dist: $(ls "$tmp/dist")"
wheel=$1
wname=$(basename "$wheel")
ok "wheel $wname ($(wc -c <"$wheel") bytes), sdist $(basename "$sdist") ($(wc -c <"$sdist") bytes)"

plat=$(echo "$wname" | sed 's/.*-py3-none-\(.*\)\.whl$/\1/')
sed -n '/auditwheel show/,$p' "$tmp/build.log" | sed -n '1,/^build-wheel: done/p' | grep -v '^build-wheel: done' \
    > "$tmp/auditwheel.txt"
echo "  auditwheel show (of the wheel as shipped):"
sed 's/^/    /' "$tmp/auditwheel.txt"
tr '\n' ' ' <"$tmp/auditwheel.txt" | grep -q "platform tag: *\"$plat\"" ||
    fail "auditwheel show does not confirm $plat"
ok "auditwheel show confirms $plat"

(cd "$tmp/dist" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS does not verify"
grep -q " $wname\$" "$tmp/dist/SHA256SUMS" && grep -q " libcloak-$version.tar.gz\$" "$tmp/dist/SHA256SUMS" ||
    fail "SHA256SUMS does not list both artifacts"
ok "SHA256SUMS lists and verifies the sdist and the wheel"
"$python" - "$tmp/dist/libcloak-$version.cdx.json" "$wname" <<'EOF' || fail "SBOM"
import json, sys
doc = json.load(open(sys.argv[1]))
text = json.dumps(doc)
for want in ("libsodium", "1.0.20", "argon2", sys.argv[2]):
    assert want in text, "SBOM lacks %s" % want
EOF
ok "SBOM libcloak-$version.cdx.json names libsodium 1.0.20, argon2 and the wheel"

# 3. The sdist's wheel against the tree's.
set -- "$tmp"/tree/*.whl
[ $# -eq 1 ] && [ -f "$1" ] || fail "no tree wheel"
tree_wheel=$1
[ "$(basename "$tree_wheel")" = "$wname" ] || fail "tree wheel $(basename "$tree_wheel") vs sdist wheel $wname"
unzip -Z1 "$wheel" | sort >"$tmp/files.sdist"
unzip -Z1 "$tree_wheel" | sort >"$tmp/files.tree"
cmp -s "$tmp/files.sdist" "$tmp/files.tree" || { diff "$tmp/files.tree" "$tmp/files.sdist" >&2; fail "file lists differ"; }
mkdir "$tmp/w1" "$tmp/w2"
(cd "$tmp/w1" && unzip -q "$wheel") && (cd "$tmp/w2" && unzip -q "$tree_wheel")
diff -r "$tmp/w1" "$tmp/w2" >&2 || fail "the sdist's wheel and the tree's differ in content"
if cmp -s "$wheel" "$tree_wheel"; then
    ok "the sdist's wheel and the tree's: same $(wc -l <"$tmp/files.sdist") files, byte-identical wheels"
else
    ok "the sdist's wheel and the tree's: same $(wc -l <"$tmp/files.sdist") files, same contents (zip bytes differ)"
fi

# 4. What is in the wheel and the sdist.
(cd "$tmp/src/bindings/python/src" && ls cloak/*.py cloak/py.typed; echo cloak/libcloak.so) | sort >"$tmp/want"
grep '^cloak/' "$tmp/files.sdist" >"$tmp/have"
cmp -s "$tmp/want" "$tmp/have" || { diff "$tmp/want" "$tmp/have" >&2; fail "the package's files are not src/cloak/'s plus libcloak.so (bindings/python/meson.build's list)"; }
others=$(grep -v '^cloak/' "$tmp/files.sdist" | grep -v "^libcloak-$version\.dist-info/" || true)
[ -z "$others" ] || fail "the wheel carries more than the package: $others"
ok "the wheel holds cloak/ ($(wc -l <"$tmp/have") files: the modules, py.typed, libcloak.so) and its dist-info only"
di="$tmp/w1/libcloak-$version.dist-info"
cmp -s "$di/licenses/LICENSE" "$root/LICENSE" || fail "the wheel's dist-info/licenses/LICENSE is not LICENSE"
grep -qx 'License-Expression: MIT' "$di/METADATA" && grep -qx 'License-File: LICENSE' "$di/METADATA" ||
    fail "the wheel's METADATA lacks License-Expression: MIT / License-File: LICENSE"
grep -q '^Metadata-Version: 2\.[4-9]' "$di/METADATA" || fail "METADATA is older than 2.4 (no SPDX license fields)"
mkdir "$tmp/sd" && tar -xzf "$sdist" -C "$tmp/sd"
cmp -s "$tmp/sd/libcloak-$version/LICENSE" "$root/LICENSE" || fail "the sdist lacks LICENSE"
grep -qx 'License-Expression: MIT' "$tmp/sd/libcloak-$version/PKG-INFO" ||
    fail "the sdist's PKG-INFO lacks License-Expression: MIT"
ok "LICENSE in the wheel (dist-info/licenses) and the sdist; License-Expression: MIT in METADATA and PKG-INFO"

so="$tmp/w1/cloak/libcloak.so"
readelf -d "$so" >"$tmp/dyn"
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' "$tmp/dyn" | tr '\n' ' ')
echo "$needed" | grep -Eiq 'sodium|argon2' && fail "libcloak.so NEEDs $needed"
for n in $needed; do
    case $n in libc.so.6|ld-linux-x86-64.so.2|libm.so.6|libpthread.so.0) ;; *) fail "libcloak.so NEEDs $n" ;; esac
done
grep -Eq '\((RPATH|RUNPATH)\)' "$tmp/dyn" && fail "libcloak.so has $(grep -E 'RPATH|RUNPATH' "$tmp/dyn")"
exports=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^cloak_/ {print $3}')
[ -z "$exports" ] || fail "libcloak.so exports non-cloak_ symbols: $exports"
ok "readelf -d: NEEDED $needed; no RPATH/RUNPATH; exports cloak_* only ($(nm -D --defined-only "$so" | grep -c ' T cloak_') functions)"

# 5. A fresh venv outside the repository, the wheel installed from the file alone.
"$python" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip --disable-pip-version-check --no-input --quiet install --no-index "$wheel" ||
    fail "pip install $wname"
ok "pip install --no-index $wname into a fresh venv"
site=$("$tmp/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')

# The README's snippet, extracted as written.
awk '/^## Using it/{f=1;next} f&&/^```python/{g=1;next} g&&/^```/{exit} g' \
    "$tmp/src/bindings/python/README.md" >"$tmp/snippet.py"
[ -s "$tmp/snippet.py" ] || fail "no Python snippet under 'Using it' in bindings/python/README.md"

# The copies to hide: every libsodium and libargon2 file; the symlinks resolve to them.
for d in /usr/lib /lib /usr/local/lib; do
    [ -d "$d" ] && find "$d/" \( -name 'libsodium*.so*' -o -name 'libargon2*.so*' \) -type f 2>/dev/null
done | xargs -r readlink -f | sort -u >"$tmp/hide"
grep -q sodium "$tmp/hide" && grep -q argon2 "$tmp/hide" ||
    fail "no system libsodium and libargon2 found to hide (tests/deps.sh installs them): the check would prove nothing"
: >"$tmp/empty"

cat >"$tmp/prove.py" <<'EOF'
# Inside the namespace: the system's libsodium and libargon2 cannot be loaded, by path or by name.
import ctypes, sys
for name in sys.argv[1:] + ["/usr/lib/x86_64-linux-gnu/libsodium.so.23", "libsodium.so.23", "libargon2.so.1"]:
    try:
        ctypes.CDLL(name)
    except OSError as e:
        print("    hidden: %s (%s)" % (name, str(e).split(": ")[-1]))
    else:
        sys.exit("loaded %s: it is not hidden" % name)
EOF

cat >"$tmp/story.py" <<'EOF'
# The whole story against the installed wheel: registration, login, X-Wing keys, a vault and its
# secrets, a head, a share to Bob, a service account's batch; then proof of which library ran.
import os, sys, time
import cloak

site = sys.argv[1]
lib = cloak.library_path()
assert lib == os.path.join(site, "cloak", "libcloak.so"), lib

password, account_id = "correct horse battery staple", "alice@example.com"
secret_key = cloak.AccountSecretKey.generate()
kit = secret_key.encode(account_id)
record = cloak.password_record_new()
master, login = cloak.password_derive(password, record, account_id=account_id, secret_key=secret_key)
identity, encryption = cloak.IdentityKeyPair.generate(), cloak.EncryptionKeyPair.generate()
assert isinstance(encryption, cloak.XWingKeyPair) and encryption.public_key.suite == cloak.Suite.XWING
wrapped_identity, wrapped_encryption = identity.wrap(master), encryption.wrap(master)
with cloak.AccountSecretKey.decode(kit.lower(), account_id) as typed:
    master2, _ = cloak.password_derive(password, record, account_id=account_id, secret_key=typed)
assert cloak.EncryptionKeyPair.unwrap(master2, wrapped_encryption).public_key == encryption.public_key
try:
    cloak.password_derive(password, cloak.password_record_new(16384, 1), account_id=account_id,
                          secret_key=secret_key)
    raise SystemExit("a weak record was accepted")
except cloak.WeakParamsError:
    pass

bob_identity, bob_encryption = cloak.IdentityKeyPair.generate(), cloak.EncryptionKeyPair.generate()
bob_identity_pk, bob_encryption_pk = cloak.bundle_verify(bob_identity.bundle(bob_encryption.public_key))

vault_key = cloak.vault_key_generate()
store = {}
with cloak.Vault(vault_key, 1, "vault-1") as vault:
    for name, value in [("API_TOKEN", b"tok_123"), ("DB_URL", b"postgres://db/prod")]:
        store[vault.blind_index(name)] = (name, vault.seal(name, value))
leaves = sorted(cloak.merkle_leaf(i, s) for i, (_, s) in store.items())
account = cloak.EncryptionKeyPair.generate()
ci_variable = cloak.text_encode(account.export_service_account_private())
roster = sorted([cloak.roster_member(identity, encryption.public_key, cloak.PERMISSION_ADMIN | cloak.PERMISSION_WRITE),
                 cloak.roster_member(bob_identity_pk, bob_encryption_pk, cloak.PERMISSION_WRITE),
                 cloak.roster_service_account(account.public_key)], key=lambda e: (e[0], e[4:36]))
first = cloak.head_create("vault-1", 1, cloak.key_id(vault_key), 1, None, int(time.time()) + 86400,
                          cloak.merkle_root(leaves), len(leaves), roster, identity,
                          policy=cloak.VAULT_POST_QUANTUM_ONLY)
head = cloak.Head.verify_first(first, "vault-1", trusted=[identity.public_key])
head.check(min_epoch=1, min_version=1)
share = head.seal_share(vault_key, bob_identity_pk, bob_encryption_pk, identity)

bob_head = cloak.Head.verify_first(first, "vault-1", trusted=[identity.public_key])
bob_key, epoch = bob_head.open_share(share, bob_identity, bob_encryption, identity.public_key)
assert epoch == 1
with cloak.Vault(bob_key, epoch, "vault-1") as bob_vault:
    for n, (index, (name, sealed)) in enumerate(sorted(store.items())):
        bob_head.verify_inclusion(cloak.merkle_leaf(index, sealed), cloak.merkle_prove_inclusion(leaves, n))
    opened = {name: bob_vault.open(name, sealed) for name, sealed in store.values()}
assert opened == {"API_TOKEN": b"tok_123", "DB_URL": b"postgres://db/prod"}, opened

with head.batch_writer(account.public_key, identity) as w:
    items = [w.seal_item(n.encode(), v) for n, v in opened.items()]
    batch = w.finish([s.digest for s in sorted(items, key=lambda s: s.index)], identity)
ci_account = cloak.EncryptionKeyPair.import_service_account_private(cloak.text_decode(ci_variable))
reader = cloak.Head.verify_first(first, "vault-1", trusted=[identity.public_key]).open_batch(
    batch, ci_account, trusted=[identity.public_key])
reader.check(min_epoch=1, min_head_version=1)
got = dict(reader.open_item(s.item) for s in items)
assert got == {b"API_TOKEN": b"tok_123", b"DB_URL": b"postgres://db/prod"}, got

x25519 = cloak.X25519KeyPair.generate()
try:
    head.check_recipient(bob_identity_pk, x25519.public_key)
    raise SystemExit("an X25519 key passed a post-quantum-only head")
except (cloak.PolicyError, cloak.MismatchError):
    pass

maps = open("/proc/self/maps").read()
assert "libsodium" not in maps and "libargon2" not in maps, "a system libsodium/libargon2 is mapped"
print("    story: registered, logged in with the kit, X-Wing keys, 2 secrets, a head, a share to Bob, "
      "a batch of %d items for the service account; library %s (%s); no libsodium/libargon2 mapped"
      % (len(items), lib, cloak.version_string()))
EOF

cat >"$tmp/hidden.sh" <<EOF
set -eu
while read -r f; do mount --bind "$tmp/empty" "\$f"; done <"$tmp/hide"
cd "$tmp/run"
env -u CLOAK_LIBRARY -u LD_LIBRARY_PATH -u PKG_CONFIG_PATH -u PYTHONPATH PYTHONDONTWRITEBYTECODE=1 sh -eu -c '
"$tmp/venv/bin/python" "$tmp/prove.py" \$(cat "$tmp/hide")
"$tmp/venv/bin/python" "$tmp/snippet.py" >"$tmp/snippet.out"
"$tmp/venv/bin/python" "$tmp/story.py" "$site"
"$tmp/venv/bin/python" "$tmp/src/bindings/python/examples/walkthrough.py" >"$tmp/walkthrough.out"
'
EOF
mkdir "$tmp/run"
# Outside the namespace the files are there and load (so hiding them below is what the test shows).
"$python" -c 'import ctypes, sys; [ctypes.CDLL(p) for p in sys.argv[1:]]' $(cat "$tmp/hide") ||
    fail "the system's libsodium/libargon2 do not load even before hiding"
echo "  in a private mount namespace, $(wc -l <"$tmp/hide") files hidden: $(tr '\n' ' ' <"$tmp/hide")"
unshare -m --propagation private sh "$tmp/hidden.sh" || fail "the story failed with libsodium/libargon2 hidden"
grep -q "walkthrough complete" "$tmp/walkthrough.out" || fail "the walkthrough did not complete"
ok "with libsodium/libargon2 hidden: README snippet ($(wc -l <"$tmp/snippet.py") lines), story script, walkthrough.py ($(grep -c . "$tmp/walkthrough.out") lines of output)"

end=$(date +%s)
echo "python-wheel: $checks checks passed in $((end - start)) s (build $((built - start)) s)"
echo "$checks passed, 0 failed"
