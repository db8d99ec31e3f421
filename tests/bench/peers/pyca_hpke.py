#!/usr/bin/env python3
"""libcloak's operations done the Python way: pyca/cryptography and pyhpke.

    python tests/bench/peers/pyca_hpke.py [--reps 7] [--min-ms 100] [--json FILE] [--quick]

Needs `pip install pyhpke cryptography` (docs/performance.md gives a venv command); the normal test
run does not use this script. Timed like tests/bench/bench.c: each operation repeated until one
repetition lasts at least --min-ms, median over --reps repetitions.

- share a vault key: HPKE Base (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305) seal of
  32 bytes with libcloak's info and aad lengths, plus an Ed25519 signature over as many bytes as
  libcloak signs: the same construction as libcloak's share.
- open: Ed25519 verification, then HPKE Base open.
- seal / open a secret of 64 B, 1 KiB, 64 KiB: pyca has no XChaCha20-Poly1305, so this is
  ChaCha20-Poly1305 (IETF, 12-byte random nonce from os.urandom) with associated data as long as
  libcloak's, over the plaintext libcloak encrypts (u32 length || value || zero padding to pad(4 +
  value), docs/protocol.md 1.5 and 7.1). XChaCha20 adds one HChaCha20 block per message, so this peer
  does slightly less work.
"""
import argparse
import json
import os
import statistics
import sys
import time

from cryptography.hazmat.backends.openssl import backend
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
import cryptography
from importlib.metadata import version
from pyhpke import AEADId, CipherSuite, KDFId, KEMId, KEMKey

VAULT_ID = b"vault-benchmark"
# libcloak's share: info = lp8(label) || lp8(vault id) || u32(epoch) || recipient pk || sender pk;
# aad = bytes 0..56; signed = lp8("libcloak v2 share") || signer pk || bytes 0..136 || lp8(vault id)
# || recipient pk.
INFO = bytes([17]) + b"libcloak v2 share" + bytes([len(VAULT_ID)]) + VAULT_ID + bytes(4) + bytes(64)
AAD = bytes(56)
SIGNED_LEN = 1 + 17 + 32 + 136 + 1 + len(VAULT_ID) + 32
# libcloak's secret: ad = bytes 0..24 (header, epoch) || lp8(vault id) || lp8(name) || lp8(context)
SECRET_AD = bytes(24) + bytes([len(VAULT_ID)]) + VAULT_ID + bytes([11]) + b"secret-size" + bytes([0])


def pad(u):
    """docs/protocol.md 1.5: 64 up to 64 bytes, then Padme."""
    if u <= 64:
        return 64
    e = u.bit_length() - 1
    mask = (1 << (e - e.bit_length())) - 1
    return (u + mask) & ~mask


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--min-ms", type=float, default=100.0)
    ap.add_argument("--json")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps = 1 if args.quick else args.reps
    min_s = 0.0 if args.quick else args.min_ms / 1e3

    suite = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)
    member_sk = X25519PrivateKey.generate()
    member_pk = KEMKey.from_pyca_cryptography_key(member_sk.public_key())
    member_skr = KEMKey.from_pyca_cryptography_key(member_sk)
    identity = Ed25519PrivateKey.generate()
    identity_pk = identity.public_key()
    vault_key = os.urandom(32)
    secret_key = ChaCha20Poly1305(os.urandom(32))

    def share_seal():
        enc, sender = suite.create_sender_context(member_pk, info=INFO)
        ct = sender.seal(vault_key, aad=AAD)
        msg = bytes(SIGNED_LEN - 32 - 48) + enc + ct
        return enc, ct, msg, identity.sign(msg)

    fixed_share = share_seal()

    def share_open():
        enc, ct, msg, sig = fixed_share
        identity_pk.verify(sig, msg)
        recipient = suite.create_recipient_context(enc, member_skr, info=INFO)
        return recipient.open(ct, aad=AAD)

    assert share_open() == vault_key

    def timed(fn):
        fn()  # warm-up
        t0 = time.perf_counter()
        fn()
        one = time.perf_counter() - t0
        calls = max(1, int(-(-min_s // max(one, 1e-9)))) if min_s > 0 else 1
        per = []
        for _ in range(reps):
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            per.append((time.perf_counter() - t0) / calls)
        return {"median_s": statistics.median(per), "calls_per_rep": calls, "per_rep_s": per}

    results = [
        {"operation": "share a vault key", **timed(share_seal)},
        {"operation": "open a vault-key share", **timed(share_open)},
    ]
    for size, label in ((64, "64 B"), (1024, "1 KiB"), (65536, "64 KiB")):
        value = os.urandom(size)
        plaintext = len(value).to_bytes(4, "big") + value + bytes(pad(4 + size) - 4 - size)

        def seal(value=plaintext):
            nonce = os.urandom(12)
            return nonce, secret_key.encrypt(nonce, value, SECRET_AD)

        fixed = seal()

        def open_(fixed=fixed):
            return secret_key.decrypt(fixed[0], fixed[1], SECRET_AD)

        assert open_() == plaintext
        results.append({"operation": "seal a secret of " + label, **timed(seal)})
        results.append({"operation": "open a secret of " + label, **timed(open_)})

    out = {
        "peer": "Python: pyca/cryptography + pyhpke (X25519/HKDF-SHA256/ChaCha20Poly1305, Ed25519)",
        "short": "Python (pyca + pyhpke)",
        "runtime": "Python %s, cryptography %s (%s), pyhpke %s" % (
            sys.version.split()[0], cryptography.__version__, backend.openssl_version_text(), version("pyhpke")),
        "repetitions": reps,
        "min_ms": min_s * 1e3,
        "results": results,
    }
    for r in results:
        print("%-28s %10.2f us" % (r["operation"], r["median_s"] * 1e6))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
