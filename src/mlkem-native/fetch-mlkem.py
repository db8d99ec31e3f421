#!/usr/bin/env python3
"""Fetch the ML-KEM and Keccak C sources at build time, verify them, extract them.

    fetch-mlkem.py --out DIR --stamp FILE

Two registry packages, each pinned by version and SHA-256 below (the one place the pins live: the
meson build and bindings/js/wasm/build.sh both run this script):

- mlkem-native, as the crates.io crate aws-lc-sys ships it under
  aws-lc/crypto/fipsmodule/ml_kem/mlkem/ (the single-compilation-unit file mlkem_native_bcm.c and
  the sources and headers it includes). Only the portable C is taken: none of native/.
  Downloaded from the registry's own download address. CLOAK_MLKEM_CRATE names a .crate already
  downloaded (offline builds); it is verified alike.
- Keccak-f[1600] from PQClean's common/fips202.c, as the npm package pqclean ships it under
  deps/PQClean/common/. Obtained with `npm pack` (which checks the registry's integrity hash), or
  without npm from the registry's tarball address. CLOAK_PQCLEAN_TARBALL names a tarball already
  downloaded; it is verified alike.

The files are extracted into DIR/upstream/mlkem/ and DIR/upstream/pqclean/ (the build directory:
never part of the source tree). The stamp is a header naming what was extracted; the build depends
on it.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request

CRATE_NAME = "aws-lc-sys"
CRATE_VERSION = "0.47.0"
CRATE_SHA256 = "8bfbe32ac36b3c428696ce315464181bc4029d689fd58e3f2a4e58c252242f52"
CRATE_PREFIX = "aws-lc-sys-0.47.0/aws-lc/"
CRATE_MEMBERS = {
    # destination under upstream/mlkem/ : path under CRATE_PREFIX
    "LICENSE": "LICENSE",
}
for _name in ["cbmc.h", "common.h", "compress.c", "compress.h", "context.h", "debug.c", "debug.h",
              "indcpa.c", "indcpa.h", "kem.c", "kem.h", "mlkem_native.h", "mlkem_native_bcm.c",
              "params.h", "poly.c", "poly.h", "poly_k.c", "poly_k.h", "randombytes.h", "sampling.c",
              "sampling.h", "symmetric.h", "sys.h", "verify.c", "verify.h", "zetas.inc"]:
    CRATE_MEMBERS[_name] = "crypto/fipsmodule/ml_kem/mlkem/" + _name

PQCLEAN_NAME = "pqclean"
PQCLEAN_VERSION = "0.8.1"
PQCLEAN_SHA256 = "0ba5483b34b8d8dce03d569c8a8962049ff94723c26184fa84a0bc6b2b0f4a36"
PQCLEAN_PREFIX = "package/"
PQCLEAN_MEMBERS = {
    "LICENSE": "LICENSE",
    "fips202.c": "deps/PQClean/common/fips202.c",
    "fips202.h": "deps/PQClean/common/fips202.h",
}


def fail(msg):
    sys.stderr.write("fetch-mlkem: %s\n" % msg)
    sys.exit(1)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def download(url, path, env_var):
    try:
        with urllib.request.urlopen(url, timeout=120) as resp, open(path, "wb") as out:
            shutil.copyfileobj(resp, out)
    except OSError as e:
        fail("cannot download %s (%s); without network, download it elsewhere and set %s to its path"
             % (url, e, env_var))
    return path


def fetch_crate(workdir):
    name = "%s-%s.crate" % (CRATE_NAME, CRATE_VERSION)
    url = "https://static.crates.io/crates/%s/%s" % (CRATE_NAME, name)
    return download(url, os.path.join(workdir, name), "CLOAK_MLKEM_CRATE")


def fetch_npm(workdir):
    name = "%s-%s.tgz" % (PQCLEAN_NAME, PQCLEAN_VERSION)
    path = os.path.join(workdir, name)
    npm = shutil.which("npm")
    if npm is not None:
        proc = subprocess.run([npm, "pack", "%s@%s" % (PQCLEAN_NAME, PQCLEAN_VERSION), "--silent",
                               "--pack-destination", workdir],
                              cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode == 0 and os.path.isfile(path):
            return path
        sys.stderr.write("fetch-mlkem: npm pack failed (%d): %s\n" % (proc.returncode, proc.stderr.strip()))
    url = "https://registry.npmjs.org/%s/-/%s" % (PQCLEAN_NAME, name)
    return download(url, path, "CLOAK_PQCLEAN_TARBALL")


def verified(path, expected):
    digest = sha256_of(path)
    if digest != expected:
        fail("%s has SHA-256 %s, expected %s: refusing it" % (path, digest, expected))
    return digest


def extract(tarball, prefix, members, dest):
    """Extracts members ({destination: path under prefix}) into dest, replacing it whole."""
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with tarfile.open(tarball, "r:gz") as tar:
        for rel, src in sorted(members.items()):
            try:
                info = tar.getmember(prefix + src)
            except KeyError:
                fail("%s has no %s" % (tarball, prefix + src))
            if not info.isfile():
                fail("%s is not a regular file in %s" % (prefix + src, tarball))
            target = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with tar.extractfile(info) as f, open(target, "wb") as out:
                shutil.copyfileobj(f, out)
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--stamp", required=True)
    args = ap.parse_args()

    upstream = os.path.join(args.out, "upstream")
    os.makedirs(upstream, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.out) as work:
        crate = os.environ.get("CLOAK_MLKEM_CRATE") or fetch_crate(work)
        crate_digest = verified(crate, CRATE_SHA256)
        npm = os.environ.get("CLOAK_PQCLEAN_TARBALL") or fetch_npm(work)
        npm_digest = verified(npm, PQCLEAN_SHA256)
        extract(crate, CRATE_PREFIX, CRATE_MEMBERS, os.path.join(upstream, "mlkem"))
        extract(npm, PQCLEAN_PREFIX, PQCLEAN_MEMBERS, os.path.join(upstream, "pqclean"))

    with open(args.stamp + ".tmp", "w") as f:
        f.write("/* Generated by fetch-mlkem.py: the sources of the build directory's upstream/. */\n")
        f.write("#define CLOAK_MLKEM_UPSTREAM \"crate %s %s, sha256 %s; npm %s %s, sha256 %s\"\n"
                % (CRATE_NAME, CRATE_VERSION, crate_digest, PQCLEAN_NAME, PQCLEAN_VERSION, npm_digest))
        f.write("#define CLOAK_MLKEM_IMPLEMENTATION \"mlkem-native (%s %s), portable C; "
                "Keccak from PQClean (npm %s %s)\"\n"
                % (CRATE_NAME, CRATE_VERSION, PQCLEAN_NAME, PQCLEAN_VERSION))
    os.replace(args.stamp + ".tmp", args.stamp)


if __name__ == "__main__":
    main()
