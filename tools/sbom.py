#!/usr/bin/env python3
"""Write the software bill of materials of one libcloak package: what it compiles in, with versions,
where each source came from and its pinned SHA-256, and the package's own files with their SHA-256.

    tools/sbom.py --package NAME --version V --kind KIND [--component KEY]... \
                  [--links KEY]... [--artifact FILE]... --out FILE.cdx.json

The format is CycloneDX 1.5 JSON. The pins are read from the build files that enforce them (the one
place each lives), so the SBOM cannot drift from what the build checks:

  libsodium-bundled   src/libsodium-bundled/build-libsodium.py   (libsodium 1.0.20 in PyNaCl's sdist)
  libsodium-debian    bindings/js/scripts/fetch-sources.sh       (Debian 12's libsodium 1.0.18, wasm)
  argon2              src/argon2-kernel/meson.build              (Argon2 reference, npm argon2)
  mlkem-native        src/mlkem-native/fetch-mlkem.py            (crates.io aws-lc-sys)
  pqclean-fips202     src/mlkem-native/fetch-mlkem.py            (npm pqclean)

--component names what is compiled into the package; --links names a library the package links
dynamically at run time (for example `libsodium-system`), listed as a dependency, not a component.
--kind is the package's ecosystem: pypi, npm, golang or generic (its purl type).
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import sys
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def grab(rel, pattern):
    m = re.search(pattern, read(rel), re.M)
    if not m:
        sys.exit("sbom: no match for %r in %s" % (pattern, rel))
    return m.group(1)


def component_libsodium_bundled():
    rel = "src/libsodium-bundled/build-libsodium.py"
    version = grab(rel, r'^LIBSODIUM_VERSION = "([^"]+)"')
    sdist = grab(rel, r'^SDIST_VERSION = "([^"]+)"')
    return {
        "name": "libsodium", "version": version, "licenses": [{"license": {"id": "ISC"}}],
        "description": "compiled in statically, from the PyNaCl %s sdist on PyPI (src/libsodium/)" % sdist,
        "purl": "pkg:generic/libsodium@%s" % version,
        "externalReferences": [{"type": "distribution",
                                "url": "pkg:pypi/pynacl@%s (sdist pynacl-%s.tar.gz)" % (sdist, sdist),
                                "hashes": [{"alg": "SHA-256", "content": grab(rel, r'^SDIST_SHA256 = "([0-9a-f]{64})"')}]}],
    }


def component_libsodium_debian():
    rel = "bindings/js/scripts/fetch-sources.sh"
    version = grab(rel, r"^SODIUM_VERSION=(\S+)")
    return {
        "name": "libsodium", "version": version, "licenses": [{"license": {"id": "ISC"}}],
        "description": "compiled in (WebAssembly), from Debian 12's source package with its patches",
        "purl": "pkg:deb/debian/libsodium@%s?arch=source" % version,
        "externalReferences": [{"type": "distribution", "url": "libsodium_1.0.18.orig.tar.gz",
                                "hashes": [{"alg": "SHA-256", "content": grab(rel, r"^SODIUM_ORIG_SHA256=([0-9a-f]{64})")}]},
                               {"type": "distribution", "url": "libsodium_%s.debian.tar.xz" % version,
                                "hashes": [{"alg": "SHA-256", "content": grab(rel, r"^SODIUM_DEBIAN_SHA256=([0-9a-f]{64})")}]}],
    }


def component_argon2():
    rel = "src/argon2-kernel/meson.build"
    npm = grab(rel, r"^argon2_upstream_version = '([^']+)'")
    return {
        "name": "argon2", "version": "20190702", "licenses": [{"license": {"id": "CC0-1.0"}}],
        "description": "the Argon2 reference library, compiled in with its names renamed cloak_argon2_*, "
                       "from the npm package argon2 %s (argon2/)" % npm,
        "purl": "pkg:generic/phc-winner-argon2@20190702",
        "externalReferences": [{"type": "distribution", "url": "pkg:npm/argon2@%s" % npm,
                                "hashes": [{"alg": "SHA-256", "content": grab(rel, r"^argon2_upstream_sha256 = '([0-9a-f]{64})'")}]}],
    }


def component_mlkem_native():
    rel = "src/mlkem-native/fetch-mlkem.py"
    crate = grab(rel, r'^CRATE_VERSION = "([^"]+)"')
    return {
        "name": "mlkem-native", "licenses": [{"license": {"id": "Apache-2.0"}}],
        "version": "as shipped in aws-lc-sys %s" % crate,
        "description": "ML-KEM-768 (FIPS 203), portable C only, compiled in with internal linkage, from the "
                       "crates.io crate aws-lc-sys %s (aws-lc/crypto/fipsmodule/ml_kem/mlkem/)" % crate,
        "purl": "pkg:cargo/aws-lc-sys@%s" % crate,
        "externalReferences": [{"type": "distribution", "url": "pkg:cargo/aws-lc-sys@%s" % crate,
                                "hashes": [{"alg": "SHA-256", "content": grab(rel, r'^CRATE_SHA256 = "([0-9a-f]{64})"')}]}],
    }


def component_pqclean():
    rel = "src/mlkem-native/fetch-mlkem.py"
    version = grab(rel, r'^PQCLEAN_VERSION = "([^"]+)"')
    return {
        "name": "pqclean-fips202", "version": "as shipped in npm pqclean %s" % version,
        "licenses": [{"license": {"id": "CC0-1.0"}}],
        "description": "Keccak / SHA-3 (common/fips202.c), compiled in with internal linkage, from the npm "
                       "package pqclean %s (deps/PQClean/common/)" % version,
        "purl": "pkg:npm/pqclean@%s" % version,
        "externalReferences": [{"type": "distribution", "url": "pkg:npm/pqclean@%s" % version,
                                "hashes": [{"alg": "SHA-256", "content": grab(rel, r'^PQCLEAN_SHA256 = "([0-9a-f]{64})"')}]}],
    }


COMPONENTS = {
    "libsodium-bundled": component_libsodium_bundled,
    "libsodium-debian": component_libsodium_debian,
    "argon2": component_argon2,
    "mlkem-native": component_mlkem_native,
    "pqclean-fips202": component_pqclean,
}
RUNTIME_LINKS = {
    "libsodium-system": ("libsodium", ">= 1.0.18", "pkg:generic/libsodium"),
}


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--package", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--kind", choices=["pypi", "npm", "golang", "generic"], default="generic")
    ap.add_argument("--component", action="append", default=[], choices=sorted(COMPONENTS))
    ap.add_argument("--links", action="append", default=[], choices=sorted(RUNTIME_LINKS))
    ap.add_argument("--artifact", action="append", default=[])
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    ref = "pkg:%s/%s@%s" % (a.kind, a.package, a.version)
    main_component = {
        "type": "library", "bom-ref": ref, "name": a.package, "version": a.version, "purl": ref,
        "licenses": [{"license": {"id": "MIT"}}],
    }
    components = []
    for key in a.component:
        c = COMPONENTS[key]()
        c["type"] = "library"
        c["bom-ref"] = key
        components.append(c)
    for key in a.links:
        name, version, purl = RUNTIME_LINKS[key]
        components.append({"type": "library", "bom-ref": key, "name": name, "version": version, "purl": purl,
                           "scope": "required", "description": "linked dynamically at run time, not included"})
    for path in a.artifact:
        components.append({"type": "file", "bom-ref": "file:" + os.path.basename(path),
                           "name": os.path.basename(path),
                           "hashes": [{"alg": "SHA-256", "content": sha256_of(path)}]})
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch else \
        datetime.datetime.now(datetime.timezone.utc)
    bom = {
        "bomFormat": "CycloneDX", "specVersion": "1.5",
        "serialNumber": "urn:uuid:%s" % uuid.uuid5(uuid.NAMESPACE_URL, ref + "".join(
            c.get("hashes", [{}])[0].get("content", "") for c in components)),
        "version": 1,
        "metadata": {"timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "component": main_component,
                     "tools": {"components": [{"type": "application", "name": "libcloak tools/sbom.py"}]}},
        "components": components,
        "dependencies": [{"ref": ref, "dependsOn": [c["bom-ref"] for c in components if c["type"] == "library"]}],
    }
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(bom, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
