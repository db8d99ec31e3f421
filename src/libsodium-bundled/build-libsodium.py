#!/usr/bin/env python3
"""Fetch libsodium's C sources at configure time, verify them, build a static, position-independent
libsodium.a for the packages that carry libcloak with libsodium inside (the Python wheel, the Node
addon): meson's `-Dlibsodium=bundled`.

    build-libsodium.py --out DIR

The sources come from PyPI: PyNaCl's sdist ships libsodium's release tree, configure script
included, under src/libsodium/. The pin below is the one place it lives. Downloaded from the
registry's simple index (the address it lists, checked against the pin), or with `pip download` when
the index cannot be read directly; CLOAK_LIBSODIUM_SDIST names an sdist already downloaded (offline
builds), verified alike.

The library is configured with --disable-shared --with-pic (it is linked into a shared object) and
--disable-pie, built with every core, and installed under DIR/prefix (include/ and lib/libsodium.a).
A finished build leaves DIR/prefix/.done holding the pin, so a rebuild of libcloak reuses it.
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request

SDIST_NAME = "pynacl"
SDIST_VERSION = "1.6.2"
SDIST_FILE = "pynacl-1.6.2.tar.gz"
SDIST_SHA256 = "018494d6d696ae03c7e656e5e74cdfd8ea1326962cc401bcf018f1ed8436811c"
SDIST_PREFIX = "pynacl-1.6.2/src/libsodium/"
LIBSODIUM_VERSION = "1.0.20"  # what that tree's configure.ac declares; checked after the build
INDEX = "https://pypi.org/simple/pynacl/"


def fail(msg):
    sys.stderr.write("build-libsodium: %s\n" % msg)
    sys.exit(1)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def download(dest_dir):
    """The sdist's path under dest_dir, from CLOAK_LIBSODIUM_SDIST, the index, or pip."""
    given = os.environ.get("CLOAK_LIBSODIUM_SDIST")
    if given:
        return given
    dest = os.path.join(dest_dir, SDIST_FILE)
    try:
        page = urllib.request.urlopen(INDEX, timeout=60).read().decode("utf-8", "replace")
        links = [u for u in re.findall(r'href="([^"]+)"', page) if u.split("#")[0].endswith("/" + SDIST_FILE)]
        if not links:
            raise OSError("the index lists no " + SDIST_FILE)
        with urllib.request.urlopen(links[0].split("#")[0], timeout=300) as r, open(dest, "wb") as f:
            shutil.copyfileobj(r, f)
        return dest
    except OSError as e:
        sys.stderr.write("build-libsodium: index download failed (%s); trying pip\n" % e)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    "%s==%s" % (SDIST_NAME, SDIST_VERSION), "-d", dest_dir], check=True)
    return dest


def extract(sdist, dest):
    """Extracts src/libsodium/ of the sdist into dest, refusing links and paths that leave it."""
    with tarfile.open(sdist, "r:gz") as t:
        for m in t.getmembers():
            if not m.name.startswith(SDIST_PREFIX) or m.name == SDIST_PREFIX:
                continue
            rel = m.name[len(SDIST_PREFIX):]
            if rel.startswith("/") or ".." in rel.split("/") or not (m.isfile() or m.isdir()):
                fail("unexpected member %s in %s" % (m.name, sdist))
            target = os.path.join(dest, rel)
            if m.isdir():
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with t.extractfile(m) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            os.chmod(target, 0o755 if m.mode & 0o111 else 0o644)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    prefix = os.path.join(out, "prefix")
    done = os.path.join(prefix, ".done")
    pin = "%s %s %s libsodium %s\n" % (SDIST_NAME, SDIST_VERSION, SDIST_SHA256, LIBSODIUM_VERSION)
    if os.path.exists(done) and open(done).read() == pin:
        print(prefix)
        return

    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        sdist = download(tmp)
        got = sha256_of(sdist)
        if got != SDIST_SHA256:
            fail("%s: SHA-256 %s, expected %s" % (sdist, got, SDIST_SHA256))
        src = os.path.join(out, "src")
        extract(sdist, src)

    log = os.path.join(out, "build.log")
    env = dict(os.environ)
    env["CFLAGS"] = "-O2 -g0 -fPIC"
    jobs = str(os.cpu_count() or 2)
    with open(log, "w") as lf:
        for cmd in (["./configure", "--prefix=" + prefix, "--disable-shared", "--enable-static", "--with-pic",
                     "--disable-pie", "--disable-dependency-tracking", "--disable-debug"],
                    ["make", "-j" + jobs],
                    ["make", "install"]):
            r = subprocess.run(cmd, cwd=src, stdout=lf, stderr=subprocess.STDOUT, env=env)
            if r.returncode != 0:
                fail("%s failed (exit %d); see %s" % (" ".join(cmd[:2]), r.returncode, log))
    header = open(os.path.join(prefix, "include", "sodium", "version.h")).read()
    if '#define SODIUM_VERSION_STRING "%s"' % LIBSODIUM_VERSION not in header:
        fail("the built libsodium is not %s" % LIBSODIUM_VERSION)
    shutil.rmtree(src)
    with open(done, "w") as f:
        f.write(pin)
    print(prefix)


if __name__ == "__main__":
    main()
