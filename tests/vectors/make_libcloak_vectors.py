#!/usr/bin/env python3
"""Writes tests/vectors/libcloak.json: vectors for every object of docs/protocol.md, produced by the
independent implementation in tests/vectors/spec/ (written from the document alone; no libcloak
code). Every input is fixed, including the HPKE ephemeral keys, so a rerun writes the same file.

Operations that draw randomness list, in the input "random", the bytes they draw in the order
they draw them (a nonce; a salt; a batch id then an HPKE ephemeral private key): the C replay feeds
them to the library through libsodium's random source and compares the sealed bytes.

Each case names a libcloak operation (the C function without `cloak_`, or a short composite where
the C API needs state: batch_open), its inputs and either its outputs ("expect": "ok") or the exact
status the spec names ("expect": "AUTH", ...). The expected status is what the independent
implementation raises; the producer also states which status each failure case is built to reach
and stops if the two differ, so a mutation that misses its target cannot slip into the file.

Run it in a venv holding bindings/python/requirements-test.txt (cryptography, pyhpke, argon2-cffi):
    python3 tests/vectors/make_libcloak_vectors.py            # writes the file
    python3 tests/vectors/make_libcloak_vectors.py --check    # fails if the file is stale
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "spec"))

import spec_impl as spec  # noqa: E402
from spec_impl import SpecError  # noqa: E402

OUTPUT = os.path.join(HERE, "libcloak.json")

# Section 11's names without CLOAK_E_, keyed by the kind the independent implementation raises.
STATUS = {
    "malformed": "MALFORMED", "unsupported version": "UNSUPPORTED_VERSION",
    "unsupported suite": "UNSUPPORTED_SUITE", "wrong type": "WRONG_TYPE", "wrong key": "WRONG_KEY",
    "auth": "AUTH", "bad signature": "BAD_SIGNATURE", "untrusted signer": "UNTRUSTED_SIGNER",
    "bad params": "BAD_PARAMS", "invalid key": "INVALID_KEY", "checksum": "CHECKSUM", "mismatch": "MISMATCH",
}

# Low-order X25519 points: every agreement with them is all zero (section 1).
LOW_ORDER_ZERO = bytes(32)
LOW_ORDER_EIGHT = bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")


def encode(value: Any) -> Any:
    """Bytes as lowercase hex; lists element-wise; text and integers as they are."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


class Vectors:
    def __init__(self) -> None:
        self.cases: List[Dict[str, Any]] = []
        self.names: set = set()

    def add(self, name: str, operation: str, section: str, inputs: Dict[str, Any],
            run: Callable[[], Dict[str, Any]], want: str = "ok") -> Dict[str, Any]:
        """Runs the independent implementation; `want` is the status the case is built to reach."""
        assert name not in self.names, name
        self.names.add(name)
        try:
            outputs = run()
            expect = "ok"
        except SpecError as e:
            outputs, expect = {}, STATUS[e.kind]
        if expect != want:
            raise SystemExit("case %s: the independent implementation gives %s, the case was built for %s"
                             % (name, expect, want))
        case = {"name": name, "operation": operation, "section": section,
                "inputs": {k: encode(v) for k, v in inputs.items()}, "expect": expect,
                "outputs": {k: encode(v) for k, v in outputs.items()}}
        self.cases.append(case)
        return outputs


def patched(blob: bytes, offset: int, value: bytes) -> bytes:
    return blob[:offset] + value + blob[offset + len(value):]


def flipped(blob: bytes, offset: int) -> bytes:
    return patched(blob, offset, bytes([blob[offset] ^ 0x01]))


def envelope_failures(v: Vectors, prefix: str, operation: str, section: str, blob: bytes,
                      inputs: Callable[[bytes], Dict[str, Any]], run: Callable[[bytes], Dict[str, Any]],
                      other_type: int, fixed_length: bool = True) -> None:
    """Section 2's checks, in its order, on one parser: each case breaks one step."""
    def case(suffix: str, bad: bytes, want: str) -> None:
        v.add(prefix + "/" + suffix, operation, section, inputs(bad), lambda: run(bad), want)

    case("empty", b"", "MALFORMED")
    case("shorter-than-header", blob[:19], "MALFORMED")
    case("version-2", patched(blob, 0, b"\x02"), "UNSUPPORTED_VERSION")
    case("version-0", patched(blob, 0, b"\x00"), "UNSUPPORTED_VERSION")
    case("suite-2", patched(blob, 2, b"\x00\x02"), "UNSUPPORTED_SUITE")
    case("suite-256", patched(blob, 2, b"\x01\x01"), "UNSUPPORTED_SUITE")
    case("version-before-suite", patched(patched(blob, 0, b"\x02"), 2, b"\x00\x02"), "UNSUPPORTED_VERSION")
    case("suite-before-type", patched(patched(blob, 1, b"\x0d"), 2, b"\x00\x02"), "UNSUPPORTED_SUITE")
    case("type-unknown-0x0d", patched(blob, 1, b"\x0d"), "MALFORMED")
    case("type-unknown-0x00", patched(blob, 1, b"\x00"), "MALFORMED")
    case("type-other", patched(blob, 1, bytes([other_type])), "WRONG_TYPE")
    case("type-before-length", patched(blob, 1, bytes([other_type]))[:-1], "WRONG_TYPE")
    if fixed_length:
        case("truncated", blob[:-1], "MALFORMED")
        case("trailing-byte", blob + b"\x00", "MALFORMED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
    args = parser.parse_args()

    v = Vectors()

    # ---- keys (section 5) -------------------------------------------------------------------------
    parties = {}
    for who, fill in (("alice", 0x11), ("bob", 0x33)):
        identity_seed, encryption_seed = bytes([fill]) * 32, bytes([fill + 1]) * 32
        identity_pk = spec.ed25519_public(identity_seed)
        v.add(who + "/identity-keypair", "identity_keypair_from_seed", "5", {"seed": identity_seed},
              lambda: {"public_key": identity_pk, "secret_key": identity_seed + identity_pk})
        encryption_pk, encryption_sk = v.add(
            who + "/encryption-keypair", "encryption_keypair_from_seed", "5", {"seed": encryption_seed},
            lambda: dict(zip(("public_key", "secret_key"), spec.encryption_keypair_from_seed(encryption_seed)))
        ).values()
        parties[who] = dict(identity_seed=identity_seed, identity_pk=identity_pk,
                            identity_sk=identity_seed + identity_pk, encryption_pk=encryption_pk,
                            encryption_sk=encryption_sk)
    alice, bob = parties["alice"], parties["bob"]
    # A third key pair nobody trusts, and an account's.
    mallory_seed = b"\x55" * 32
    mallory_pk = spec.ed25519_public(mallory_seed)
    v.add("mallory/identity-keypair", "identity_keypair_from_seed", "5", {"seed": mallory_seed},
          lambda: {"public_key": mallory_pk, "secret_key": mallory_seed + mallory_pk})
    v.add("encryption-keypair/seed-of-64-bytes", "encryption_keypair_from_seed", "5", {"seed": bytes(range(64))},
          lambda: dict(zip(("public_key", "secret_key"), spec.encryption_keypair_from_seed(bytes(range(64))))))

    # ---- key ids (section 1.2) ----------------------------------------------------------------------
    for label, key in (("zero", bytes(32)), ("77", b"\x77" * 32)):
        v.add("key-id/" + label, "key_id", "1.2", {"key": key}, lambda: {"key_id": spec.key_id_symmetric(key)})

    # ---- password record and derivation (section 4) ------------------------------------------------
    salt = b"\x5a" * 16
    password = b"correct horse battery staple"
    record = v.add("password-record/smallest-cost", "password_record_encode", "4.1",
                   {"salt": salt, "memory_kib": 16384, "iterations": 1, "parallelism": 1},
                   lambda: {"record": spec.password_record(salt, 16384, 1, 1)})["record"]
    v.add("password-record-new/smallest-cost", "password_record_new", "4.1",
          {"memory_kib": 16384, "iterations": 1, "parallelism": 1, "random": [salt]},
          lambda: {"record": spec.password_record(salt, 16384, 1, 1)})
    v.add("password-record/decode", "password_record_decode", "4.1", {"record": record},
          lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"), spec.password_record_decode(record))))
    default_record = spec.password_record(bytes(range(16)), 65536, 3, 4)
    v.add("password-record/decode-defaults", "password_record_decode", "4.1", {"record": default_record},
          lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                           spec.password_record_decode(default_record))))
    for label, m, t, p in (("largest-bounds", 1048576, 16, 16), ("memory-below", 16383, 1, 1),
                           ("memory-above", 1048577, 1, 1), ("iterations-zero", 16384, 0, 1),
                           ("iterations-above", 16384, 17, 1), ("parallelism-zero", 16384, 1, 0),
                           ("parallelism-above", 16384, 1, 17), ("memory-u32-max", 0xFFFFFFFF, 1, 1)):
        bounded = spec.password_record(salt, m, t, p)
        ok = 16384 <= m <= 1048576 and 1 <= t <= 16 and 1 <= p <= 16
        v.add("password-record/" + label, "password_record_decode", "4.1", {"record": bounded},
              lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                               spec.password_record_decode(bounded))), "ok" if ok else "BAD_PARAMS")
        if not ok:
            # Refused before Argon2id runs: the replay would otherwise take a gigabyte.
            v.add("password-derive/" + label, "password_derive", "4.2", {"password": password, "record": bounded},
                  lambda: dict(zip(("master_key", "login_key"), spec.password_derive(password, bounded))),
                  "BAD_PARAMS")
    envelope_failures(v, "password-record", "password_record_decode", "2, 4.1", record,
                      lambda b: {"record": b},
                      lambda b: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                                         spec.password_record_decode(b))), 0x02)
    v.add("password-record/key-id-not-zero", "password_record_decode", "2, 4.1",
          {"record": patched(record, 4, b"\x01")},
          lambda: dict(zip(("salt", "memory_kib", "iterations", "parallelism"),
                           spec.password_record_decode(patched(record, 4, b"\x01")))), "MALFORMED")

    master_key, login_key = v.add(
        "password-derive/smallest-cost", "password_derive", "4.2", {"password": password, "record": record},
        lambda: dict(zip(("master_key", "login_key"), spec.password_derive(password, record)))).values()
    for label, pw in (("password-empty", b""), ("password-4097-bytes", b"p" * 4097)):
        v.add("password-derive/" + label, "password_derive", "4.2", {"password": pw, "record": record},
              lambda: dict(zip(("master_key", "login_key"), spec.password_derive(pw, record))), "BAD_PARAMS")
    v.add("password-derive/wrong-type", "password_derive", "2, 4.2",
          {"password": password, "record": patched(record, 1, b"\x02")},
          lambda: dict(zip(("master_key", "login_key"), spec.password_derive(password, patched(record, 1, b"\x02")))),
          "WRONG_TYPE")
    v.add("key-id/master-key", "key_id", "1.2", {"key": master_key},
          lambda: {"key_id": spec.key_id_symmetric(master_key)})

    # ---- public key blobs (sections 5.1, 3) ---------------------------------------------------------
    identity_blob = v.add("identity-public/alice", "identity_public_export", "5.1",
                          {"public_key": alice["identity_pk"]},
                          lambda: {"blob": spec.public_key_blob(0x02, alice["identity_pk"])})["blob"]
    encryption_blob = v.add("encryption-public/bob", "encryption_public_export", "5.1",
                            {"public_key": bob["encryption_pk"]},
                            lambda: {"blob": spec.public_key_blob(0x03, bob["encryption_pk"])})["blob"]
    for op, obj_type, blob, other in (("identity_public_import", 0x02, identity_blob, 0x03),
                                      ("encryption_public_import", 0x03, encryption_blob, 0x02)):
        prefix = op.replace("_import", "").replace("_", "-") + "-import"
        v.add(prefix + "/ok", op, "5.1", {"blob": blob}, lambda: {"public_key": spec.public_key_import(obj_type, blob)})
        envelope_failures(v, prefix, op, "2, 5.1", blob, lambda b: {"blob": b},
                          lambda b: {"public_key": spec.public_key_import(obj_type, b)}, other)
        bad_id = flipped(blob, 4)
        v.add(prefix + "/key-id-not-the-keys", op, "2, 5.1", {"blob": bad_id},
              lambda: {"public_key": spec.public_key_import(obj_type, bad_id)}, "MALFORMED")
    for label, point in (("zero", LOW_ORDER_ZERO), ("order-8", LOW_ORDER_EIGHT)):
        low = spec.public_key_blob(0x03, point)
        v.add("encryption-public-import/low-order-" + label + "-accepted", "encryption_public_import", "6",
              {"blob": low}, lambda: {"public_key": spec.public_key_import(0x03, low)})

    # ---- text form (section 3) -------------------------------------------------------------------------
    identity_text = v.add("text/identity-public-key", "text_encode", "3", {"blob": identity_blob},
                          lambda: {"text": spec.text_encode(identity_blob)})["text"]
    v.add("text-decode/identity-public-key", "text_decode", "3", {"text": identity_text},
          lambda: {"blob": spec.text_decode(identity_text)})
    spaced = " \t\r\n" + identity_text + "\n"
    v.add("text-decode/surrounding-whitespace", "text_decode", "3", {"text": spaced},
          lambda: {"blob": spec.text_decode(spaced)})
    body = identity_text[len("cloak-identity-"):]

    def text_case(label: str, text: str, want: str) -> None:
        v.add("text-decode/" + label, "text_decode", "3", {"text": text}, lambda: {"blob": spec.text_decode(text)},
              want)

    text_case("prefix-unknown-type", "cloak-identiti-" + body, "MALFORMED")
    text_case("prefix-missing", body, "MALFORMED")
    text_case("prefix-names-another-type", "cloak-pubkey-" + body, "MALFORMED")
    text_case("padding", identity_text + "=", "MALFORMED")
    text_case("standard-base64-character", identity_text[:-3] + "+" + identity_text[-2:], "MALFORMED")
    text_case("inner-whitespace", identity_text[:30] + " " + identity_text[30:], "MALFORMED")
    last = identity_text[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # 56 bytes encode to 75 characters: the last one carries 4 unused bits, which must be zero.
    text_case("non-canonical-unused-bits", identity_text[:-1] + alphabet[alphabet.index(last) | 1], "MALFORMED")
    text_case("checksum", identity_text[:-2] + ("A" if identity_text[-2] != "A" else "B") + identity_text[-1],
              "CHECKSUM")
    text_case("body-too-short", "cloak-identity-" + spec.text_encode(identity_blob[:19])[len("cloak-identity-"):],
              "MALFORMED")
    text_case("version-2", spec.text_encode(patched(identity_blob, 0, b"\x02")), "UNSUPPORTED_VERSION")

    def identity_text_of(blob: bytes) -> str:
        # The identity prefix and a valid checksum over any blob, so that the header checks, not the
        # checksum or the prefix, refuse it (types 0x0D and 0x00 have no name of their own).
        raw = blob + spec.text_checksum(blob)
        return "cloak-identity-" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    text_case("version-0", identity_text_of(patched(identity_blob, 0, b"\x00")), "UNSUPPORTED_VERSION")
    text_case("suite-2", identity_text_of(patched(identity_blob, 2, b"\x00\x02")), "UNSUPPORTED_SUITE")
    text_case("type-unknown-0x0d", identity_text_of(patched(identity_blob, 1, b"\x0d")), "MALFORMED")
    text_case("type-unknown-0x00", identity_text_of(patched(identity_blob, 1, b"\x00")), "MALFORMED")

    # ---- bundle (section 5.2) -------------------------------------------------------------------------
    bundle = v.add("bundle/alice", "bundle_create", "5.2",
                   {"identity_secret_key": alice["identity_sk"], "encryption_public_key": alice["encryption_pk"]},
                   lambda: {"bundle": spec.bundle_create(alice["identity_seed"], alice["encryption_pk"])})["bundle"]
    def verify_bundle(b: bytes) -> Dict[str, bytes]:
        return dict(zip(("identity_public_key", "encryption_public_key"), spec.bundle_verify(b)))

    v.add("bundle-verify/ok", "bundle_verify", "5.2", {"bundle": bundle}, lambda: verify_bundle(bundle))
    envelope_failures(v, "bundle-verify", "bundle_verify", "2, 5.2", bundle, lambda b: {"bundle": b}, verify_bundle,
                      0x02)
    for label, bad, want in (("key-id-not-the-identity", flipped(bundle, 19), "MALFORMED"),
                             ("signature", flipped(bundle, 147), "BAD_SIGNATURE"),
                             ("encryption-key-swapped", patched(bundle, 52, bob["encryption_pk"]), "BAD_SIGNATURE"),
                             ("signature-by-another-identity",
                              bundle[:84] + spec.labelled_sign(mallory_seed, b"libcloak v1 bundle", bundle[:84]),
                              "BAD_SIGNATURE"),
                             ("share-label", bundle[:84] + spec.labelled_sign(alice["identity_seed"],
                                                                              b"libcloak v1 share", bundle[:84]),
                              "BAD_SIGNATURE")):
        v.add("bundle-verify/" + label, "bundle_verify", "5.2", {"bundle": bad}, lambda: verify_bundle(bad), want)
    low_bundle = spec.bundle_create(alice["identity_seed"], LOW_ORDER_EIGHT)
    v.add("bundle-verify/low-order-encryption-key-accepted", "bundle_verify", "6", {"bundle": low_bundle},
          lambda: verify_bundle(low_bundle))

    # ---- user signatures (section 5.3) ---------------------------------------------------------------
    message, context = b"hello", b"example"
    signature = v.add("identity-sign/hello", "identity_sign", "5.3",
                      {"message": message, "context": context, "secret_key": alice["identity_sk"]},
                      lambda: {"signature": spec.user_sign(alice["identity_seed"], message, context)})["signature"]
    v.add("identity-sign/empty-message-and-context", "identity_sign", "5.3",
          {"message": b"", "context": b"", "secret_key": alice["identity_sk"]},
          lambda: {"signature": spec.user_sign(alice["identity_seed"], b"", b"")})
    v.add("identity-sign/context-255-bytes", "identity_sign", "5.3",
          {"message": b"m" * 1000, "context": b"c" * 255, "secret_key": alice["identity_sk"]},
          lambda: {"signature": spec.user_sign(alice["identity_seed"], b"m" * 1000, b"c" * 255)})

    def verify_case(label: str, sig: bytes, msg: bytes, ctx: bytes, pk: bytes, want: str) -> None:
        v.add("identity-verify/" + label, "identity_verify", "5.3",
              {"signature": sig, "message": msg, "context": ctx, "public_key": pk},
              lambda: (spec.user_verify(pk, sig, msg, ctx), {})[1], want)

    verify_case("ok", signature, message, context, alice["identity_pk"], "ok")
    verify_case("other-message", signature, b"hellp", context, alice["identity_pk"], "BAD_SIGNATURE")
    verify_case("other-context", signature, message, b"exampld", alice["identity_pk"], "BAD_SIGNATURE")
    verify_case("other-key", signature, message, context, bob["identity_pk"], "BAD_SIGNATURE")
    verify_case("tampered", flipped(signature, 0), message, context, alice["identity_pk"], "BAD_SIGNATURE")
    bundle_label_sig = spec.labelled_sign(alice["identity_seed"], b"libcloak v1 bundle",
                                          spec.user_signature_content(message, context))
    verify_case("bundle-label", bundle_label_sig, message, context, alice["identity_pk"], "BAD_SIGNATURE")
    # The message is hashed before signing (section 5.3): lengths around and beyond a hash block.
    for length in (0, 1000, 5000):
        long_message = bytes(i % 251 for i in range(length))
        long_signature = v.add("identity-sign/message-%d-bytes" % length, "identity_sign", "5.3",
                               {"message": long_message, "context": context, "secret_key": alice["identity_sk"]},
                               lambda: {"signature": spec.user_sign(alice["identity_seed"], long_message, context)}
                               )["signature"]
        verify_case("message-%d-bytes" % length, long_signature, long_message, context, alice["identity_pk"], "ok")
        if length:
            verify_case("message-%d-bytes-last-byte-changed" % length, long_signature, flipped(long_message, length - 1),
                        context, alice["identity_pk"], "BAD_SIGNATURE")

    # ---- wrapped private keys (section 6) --------------------------------------------------------------
    # Nonces are fixed inputs here; the C library draws its own, so the replay unwraps these.
    nonces = {0x05: bytes.fromhex("1e7e9fecfb735076fdd17f2e8aa5f0063135e073c50535f9"),
              0x06: bytes.fromhex("094e2901f45981247ee9a4989a69050693e6b87c22bf500b"),
              0x07: bytes(range(24))}
    account_seed = b"\x66" * 32
    account_pk, account_sk = v.add(
        "account/encryption-keypair", "encryption_keypair_from_seed", "9", {"seed": account_seed},
        lambda: dict(zip(("public_key", "secret_key"), spec.encryption_keypair_from_seed(account_seed)))).values()
    kinds = {0x05: ("identity_unwrap", "identity", alice["identity_pk"], alice["identity_seed"], alice["identity_sk"]),
             0x06: ("encryption_unwrap", "encryption", alice["encryption_pk"], alice["encryption_sk"],
                    alice["encryption_sk"]),
             0x07: ("service_account_unwrap", "service-account", account_pk, account_sk, account_sk)}
    wrapped_blobs = {}
    for obj_type, (op, label, pk, private, c_secret) in kinds.items():
        wrapped = spec.wrap_private(obj_type, master_key, pk, private, nonces[obj_type])
        wrapped_blobs[obj_type] = wrapped

        def unwrap(b: bytes, obj_type: int = obj_type) -> Dict[str, bytes]:
            public, secret = spec.unwrap_private(obj_type, master_key, b)
            return {"public_key": public, "secret_key": secret + public if obj_type == 0x05 else secret}

        v.add(label + "-wrap/ok", op.replace("unwrap", "wrap"), "6",
              {"master_key": master_key, "secret_key": c_secret, "random": [nonces[obj_type]]},
              lambda: {"wrapped": wrapped})
        prefix = label + "-unwrap"
        v.add(prefix + "/ok", op, "6", {"master_key": master_key, "wrapped": wrapped}, lambda: unwrap(wrapped))
        other = 0x06 if obj_type != 0x06 else 0x07
        envelope_failures(v, prefix, op, "2, 6", wrapped, lambda b: {"master_key": master_key, "wrapped": b}, unwrap,
                          other)
        relabelled = patched(wrapped, 1, bytes([other]))
        v.add(prefix + "/relabelled-unwrapped-as-other-kind",
              {0x05: "identity_unwrap", 0x06: "encryption_unwrap", 0x07: "service_account_unwrap"}[other], "6",
              {"master_key": master_key, "wrapped": relabelled},
              lambda: (lambda p, s: {"public_key": p, "secret_key": s})(*spec.unwrap_private(other, master_key,
                                                                                             relabelled)), "AUTH")
        for case_label, bad, key, want in (
                ("wrong-master-key", wrapped, b"\x01" * 32, "WRONG_KEY"),
                ("key-id-rewritten", patched(wrapped, 4, spec.key_id_symmetric(b"\x01" * 32)), b"\x01" * 32, "AUTH"),
                ("public-key-replaced", patched(wrapped, 20, bob["identity_pk"] if obj_type == 0x05
                                                else bob["encryption_pk"]), master_key, "AUTH"),
                ("nonce", flipped(wrapped, 52), master_key, "AUTH"),
                ("ciphertext", flipped(wrapped, 80), master_key, "AUTH"),
                ("tag", flipped(wrapped, 123), master_key, "AUTH")):
            v.add(prefix + "/" + case_label, op, "6", {"master_key": key, "wrapped": bad},
                  lambda: (lambda p, s: {"public_key": p, "secret_key": s + p if obj_type == 0x05 else s})(
                      *spec.unwrap_private(obj_type, key, bad)), want)
        # A blob whose creator sealed a private key that is not the public key's: authentic, but wrong.
        wrong_private = alice["encryption_sk"] if obj_type != 0x06 else account_sk
        if obj_type == 0x05:
            wrong_private = mallory_seed
        mismatched = spec.wrap_private(obj_type, master_key, pk, wrong_private, nonces[obj_type])
        v.add(prefix + "/private-key-not-the-public-keys", op, "6", {"master_key": master_key, "wrapped": mismatched},
              lambda: unwrap(mismatched), "MISMATCH")
        # Authentic blobs (sealed under the right master key) whose public key is not derived from
        # the private key: all zero, or the other curve's public key of the same 32 bytes.
        other_curve_pk = spec.x25519_public(private) if obj_type == 0x05 else spec.ed25519_public(private)
        for pk_label, stated_pk in (("all-zero", bytes(32)), ("other-curves-of-the-private-key", other_curve_pk)):
            stated = spec.wrap_private(obj_type, master_key, stated_pk, private, nonces[obj_type])
            v.add(prefix + "/public-key-" + pk_label, op, "6", {"master_key": master_key, "wrapped": stated},
                  lambda: unwrap(stated), "MISMATCH")
        v.add("wrapped-key-public-key/" + label, "wrapped_key_public_key", "6", {"wrapped": wrapped},
              lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(wrapped))))
    v.add("wrapped-key-public-key/not-a-wrapped-key", "wrapped_key_public_key", "6", {"wrapped": identity_blob},
          lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(identity_blob))), "WRONG_TYPE")
    v.add("wrapped-key-public-key/truncated", "wrapped_key_public_key", "6", {"wrapped": wrapped_blobs[0x05][:-1]},
          lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(wrapped_blobs[0x05][:-1]))),
          "MALFORMED")

    # ---- service-account private key in the clear (section 6.1) -----------------------------------------
    account_blob = v.add("account-key/bob", "service_account_private_export", "6.1",
                         {"public_key": bob["encryption_pk"], "secret_key": bob["encryption_sk"]},
                         lambda: {"blob": spec.account_key_export(bob["encryption_pk"], bob["encryption_sk"])})["blob"]
    v.add("account-key/mismatched-pair", "service_account_private_export", "6.1",
          {"public_key": alice["encryption_pk"], "secret_key": bob["encryption_sk"]},
          lambda: {"blob": spec.account_key_export(alice["encryption_pk"], bob["encryption_sk"])}, "MISMATCH")
    v.add("text/account-key", "text_encode", "3", {"blob": account_blob},
          lambda: {"text": spec.text_encode(account_blob)})
    import_account = lambda b: dict(zip(("public_key", "secret_key"), spec.account_key_import(b)))  # noqa: E731
    v.add("account-key-import/ok", "service_account_private_import", "6.1", {"blob": account_blob},
          lambda: import_account(account_blob))
    envelope_failures(v, "account-key-import", "service_account_private_import", "2, 6.1", account_blob,
                      lambda b: {"blob": b}, import_account, 0x07)
    mismatched_blob = spec.header(0x0C, spec.key_id_public(bob["encryption_pk"])) + alice["encryption_sk"] + \
        bob["encryption_pk"]
    v.add("account-key-import/private-key-not-the-public-keys", "service_account_private_import", "6.1",
          {"blob": mismatched_blob}, lambda: import_account(mismatched_blob), "MISMATCH")
    v.add("account-key-import/key-id-not-the-keys", "service_account_private_import", "2, 6.1",
          {"blob": flipped(account_blob, 10)}, lambda: import_account(flipped(account_blob, 10)), "MALFORMED")

    # ---- blob headers (section 2) -------------------------------------------------------------------------
    for label, blob in (("bundle", bundle), ("wrapped-identity", wrapped_blobs[0x05]), ("password-record", record)):
        v.add("blob-inspect/" + label, "blob_inspect", "2", {"blob": blob},
              lambda: dict(zip(("type", "key_id"), spec.blob_inspect(blob))))
    for label, blob, want in (("version-2", patched(bundle, 0, b"\x02"), "UNSUPPORTED_VERSION"),
                              ("suite-2", patched(bundle, 2, b"\x00\x02"), "UNSUPPORTED_SUITE"),
                              ("type-unknown", patched(bundle, 1, b"\x0d"), "MALFORMED"),
                              ("shorter-than-header", bundle[:19], "MALFORMED")):
        v.add("blob-inspect/" + label, "blob_inspect", "2", {"blob": blob},
              lambda: dict(zip(("type", "key_id"), spec.blob_inspect(blob))), want)

    # ---- secrets and blind index (section 7) -----------------------------------------------------------
    vault_key, vault_id = b"\x77" * 32, b"vault-1"
    name, secret_context = b"DATABASE_URL", b"prod"
    secret_value = b"postgres://app:s3cret@db/app"
    sealed = spec.secret_seal(vault_key, vault_id, name, secret_context, secret_value,
                              bytes.fromhex("a08c56dc53053580bea424281148a6a72c30f2adc2234a74"))
    open_secret = lambda key, vid, nm, ctx, s: {"value": spec.secret_open(key, vid, nm, ctx, s)}  # noqa: E731

    def secret_case(label: str, key: bytes, vid: bytes, nm: bytes, ctx: bytes, s: bytes, want: str) -> None:
        v.add("secret-open/" + label, "secret_open", "7.1",
              {"vault_key": key, "vault_id": vid, "name": nm, "context": ctx, "sealed": s},
              lambda: open_secret(key, vid, nm, ctx, s), want)

    v.add("secret-seal/ok", "secret_seal", "7.1",
          {"vault_key": vault_key, "vault_id": vault_id, "name": name, "context": secret_context,
           "value": secret_value, "random": [sealed[20:44]]},
          lambda: {"sealed": spec.secret_seal(vault_key, vault_id, name, secret_context, secret_value, sealed[20:44])})
    secret_case("ok", vault_key, vault_id, name, secret_context, sealed, "ok")
    empty = spec.secret_seal(vault_key, b"v" * 255, b"n" * 255, b"", b"", bytes(24))
    secret_case("empty-value-longest-labels", vault_key, b"v" * 255, b"n" * 255, b"", empty, "ok")
    secret_case("other-vault-id", vault_key, b"vault-2", name, secret_context, sealed, "AUTH")
    secret_case("other-name", vault_key, vault_id, b"DATABASE_URI", secret_context, sealed, "AUTH")
    secret_case("other-context", vault_key, vault_id, name, b"test", sealed, "AUTH")
    secret_case("no-context", vault_key, vault_id, name, b"", sealed, "AUTH")
    secret_case("wrong-vault-key", b"\x78" * 32, vault_id, name, secret_context, sealed, "WRONG_KEY")
    secret_case("key-id-rewritten", b"\x78" * 32, vault_id, name, secret_context,
                patched(sealed, 4, spec.key_id_symmetric(b"\x78" * 32)), "AUTH")
    secret_case("nonce", vault_key, vault_id, name, secret_context, flipped(sealed, 20), "AUTH")
    secret_case("tag", vault_key, vault_id, name, secret_context, flipped(sealed, len(sealed) - 1), "AUTH")
    secret_case("trailing-byte", vault_key, vault_id, name, secret_context, sealed + b"\x00", "AUTH")
    secret_case("shorter-than-60", vault_key, vault_id, name, secret_context, sealed[:59], "MALFORMED")
    envelope_failures(v, "secret-open", "secret_open", "2, 7.1", sealed,
                      lambda b: {"vault_key": vault_key, "vault_id": vault_id, "name": name,
                                 "context": secret_context, "sealed": b},
                      lambda b: open_secret(vault_key, vault_id, name, secret_context, b), 0x09, fixed_length=False)
    v.add("secret-seal/empty-name", "secret_seal", "7.1",
          {"vault_key": vault_key, "vault_id": vault_id, "name": b"", "context": b"", "value": b"x"},
          lambda: {"sealed": spec.secret_seal(vault_key, vault_id, b"", b"", b"x")}, "BAD_PARAMS")
    v.add("key-id/vault-key", "key_id", "1.2", {"key": vault_key}, lambda: {"key_id": spec.key_id_symmetric(vault_key)})
    for label, vid, nm in (("database-url", vault_id, name), ("other-vault", b"vault-2", name),
                           ("longest", b"v" * 255, b"n" * 255)):
        v.add("blind-index/" + label, "vault_blind_index", "7.2", {"vault_key": vault_key, "vault_id": vid, "name": nm},
              lambda: {"index": spec.blind_index(vault_key, vid, nm)})

    # ---- shares (section 8) --------------------------------------------------------------------------
    share = v.add("share-seal/alice-to-bob", "share_seal", "8",
                  {"vault_key": vault_key, "vault_id": vault_id, "recipient_public_key": bob["encryption_pk"],
                   "sender_identity_secret_key": alice["identity_sk"], "random": [b"\x88" * 32]},
                  lambda: {"share": spec.share_seal(vault_key, vault_id, bob["encryption_pk"], alice["identity_seed"],
                                                    b"\x88" * 32)})["share"]
    v.add("share-sender/ok", "share_sender", "8", {"share": share},
          lambda: {"sender_identity_public_key": share[20:52]})

    def share_case(label: str, s: bytes, vid: bytes, pk: bytes, sk: bytes, trusted: bytes, want: str) -> None:
        v.add("share-open/" + label, "share_open", "8",
              {"share": s, "vault_id": vid, "recipient_public_key": pk, "recipient_secret_key": sk,
               "trusted_sender_identity_public_key": trusted},
              lambda: {"vault_key": spec.share_open(s, vid, sk, trusted)}, want)

    bob_keys = (bob["encryption_pk"], bob["encryption_sk"])
    share_case("ok", share, vault_id, *bob_keys, alice["identity_pk"], "ok")
    share_case("other-vault-id", share, b"vault-2", *bob_keys, alice["identity_pk"], "BAD_SIGNATURE")
    share_case("other-recipient", share, vault_id, alice["encryption_pk"], alice["encryption_sk"],
               alice["identity_pk"], "WRONG_KEY")
    share_case("key-id-rewritten-for-other-recipient", patched(share, 4, spec.key_id_public(alice["encryption_pk"])),
               vault_id, alice["encryption_pk"], alice["encryption_sk"], alice["identity_pk"], "BAD_SIGNATURE")
    share_case("untrusted-sender", share, vault_id, *bob_keys, mallory_pk, "UNTRUSTED_SIGNER")
    share_case("signature", flipped(share, 195), vault_id, *bob_keys, alice["identity_pk"], "BAD_SIGNATURE")
    share_case("enc", flipped(share, 60), vault_id, *bob_keys, alice["identity_pk"], "BAD_SIGNATURE")
    resigned_body = flipped(share, 100)[:132]
    resigned = resigned_body + spec.labelled_sign(alice["identity_seed"], b"libcloak v1 share",
                                                  resigned_body + spec.lp8(vault_id) + bob["encryption_pk"])
    share_case("ciphertext-resigned-by-sender", resigned, vault_id, *bob_keys, alice["identity_pk"], "AUTH")
    envelope_failures(v, "share-open", "share_open", "2, 8", share,
                      lambda b: {"share": b, "vault_id": vault_id, "recipient_public_key": bob["encryption_pk"],
                                 "recipient_secret_key": bob["encryption_sk"],
                                 "trusted_sender_identity_public_key": alice["identity_pk"]},
                      lambda b: {"vault_key": spec.share_open(b, vault_id, bob["encryption_sk"], alice["identity_pk"])},
                      0x04)
    for label, point in (("zero", LOW_ORDER_ZERO), ("order-8", LOW_ORDER_EIGHT)):
        v.add("share-seal/low-order-recipient-" + label, "share_seal", "1, 8",
              {"vault_key": vault_key, "vault_id": vault_id, "recipient_public_key": point,
               "sender_identity_secret_key": alice["identity_sk"]},
              lambda: {"share": spec.share_seal(vault_key, vault_id, point, alice["identity_seed"])}, "INVALID_KEY")

    # ---- batches (section 9) -------------------------------------------------------------------------
    batch_id = bytes.fromhex("6e160aefdda099b89cbda4632a7e1f37")
    batch_items = [(b"API_TOKEN", b"tok_123"), (b"SMTP_USER", b"mailer")]
    batch_blob, items = v.add(
        "batch-seal/two-items", "batch_seal", "9",
        {"account_public_key": bob["encryption_pk"], "vault_id": vault_id, "names": [n for n, _ in batch_items],
         "values": [val for _, val in batch_items], "creator_identity_secret_key": alice["identity_sk"],
         "random": [batch_id, b"\x99" * 32]},
        lambda: dict(zip(("blob", "items"), spec.batch_make(bob["encryption_pk"], vault_id, batch_items,
                                                            alice["identity_seed"], batch_id, b"\x99" * 32)))).values()

    def open_batch(blob: bytes, its: List[bytes], pk: bytes, sk: bytes, trusted: List[bytes],
                   expected: Optional[List[bytes]]) -> Dict[str, Any]:
        reader = spec.BatchReader(blob, sk, trusted)
        opened = [reader.open_item(it, None if expected is None else expected[i]) for i, it in enumerate(its)]
        return {"signer": reader.creator, "item_count": reader.count,
                "names": [n for n, _ in opened], "values": [val for _, val in opened]}

    def batch_case(label: str, blob: bytes, its: List[bytes], want: str, trusted: Optional[List[bytes]] = None,
                   keys: tuple = bob_keys, expected: Optional[List[bytes]] = None) -> None:
        trusted = [alice["identity_pk"]] if trusted is None else trusted
        inputs = {"blob": blob, "account_public_key": keys[0], "account_secret_key": keys[1], "trusted": trusted,
                  "items": its}
        if expected is not None:
            inputs["expected_names"] = expected
        v.add("batch-open/" + label, "batch_open", "9", inputs,
              lambda: open_batch(blob, its, keys[0], keys[1], trusted, expected), want)

    batch_case("two-items", batch_blob, items, "ok")
    batch_case("second-item-alone", batch_blob, [items[1]], "ok")
    batch_case("items-reversed", batch_blob, [items[1], items[0]], "ok")
    batch_case("expected-names", batch_blob, items, "ok", expected=[b"API_TOKEN", b"SMTP_USER"])
    batch_case("expected-name-differs", batch_blob, items[:1], "MISMATCH", expected=[b"SMTP_USER"])
    batch_case("second-trusted-identity", batch_blob, items, "ok", trusted=[mallory_pk, alice["identity_pk"]])
    batch_case("untrusted-creator", batch_blob, items, "UNTRUSTED_SIGNER", trusted=[mallory_pk])
    batch_case("no-trusted-identity", batch_blob, items, "UNTRUSTED_SIGNER", trusted=[])
    batch_case("other-account", batch_blob, items, "WRONG_KEY", keys=(account_pk, account_sk))
    batch_case("signature", flipped(batch_blob, len(batch_blob) - 1), items, "BAD_SIGNATURE")
    batch_case("manifest", flipped(batch_blob, 120), items, "BAD_SIGNATURE")
    batch_case("batch-id", flipped(batch_blob, 20), items, "BAD_SIGNATURE")
    batch_case("count-beyond-length", patched(batch_blob, 101 + len(vault_id), spec.u32(3)), items, "MALFORMED")
    batch_case("count-over-a-million", patched(batch_blob, 101 + len(vault_id), spec.u32(1000001)), items,
               "MALFORMED")
    batch_case("vault-id-empty", patched(batch_blob, 100, b"\x00"), items, "MALFORMED")
    batch_case("shorter-than-vault-id", batch_blob[:100], [], "MALFORMED")
    envelope_failures(v, "batch-open", "batch_open", "2, 9.1", batch_blob,
                      lambda b: {"blob": b, "account_public_key": bob["encryption_pk"],
                                 "account_secret_key": bob["encryption_sk"], "trusted": [alice["identity_pk"]],
                                 "items": items},
                      lambda b: open_batch(b, items, bob["encryption_pk"], bob["encryption_sk"],
                                           [alice["identity_pk"]], None), 0x0B)
    batch_case("item-tampered", batch_blob, [flipped(items[0], 50)], "BAD_SIGNATURE")
    batch_case("item-index-beyond-count", batch_blob, [patched(items[1], 36, spec.u32(2))], "MISMATCH")
    batch_case("item-index-swapped", batch_blob, [patched(items[1], 36, spec.u32(0))], "BAD_SIGNATURE")
    batch_case("item-other-batch-id", batch_blob, [flipped(items[0], 20)], "MISMATCH")
    batch_case("item-wrong-key-id", batch_blob, [flipped(items[0], 4)], "WRONG_KEY")
    batch_case("item-shorter-than-58", batch_blob, [items[0][:57]], "MALFORMED")
    batch_case("item-wrong-type", batch_blob, [patched(items[0], 1, b"\x0a")], "WRONG_TYPE")
    batch_case("item-version-2", batch_blob, [patched(items[0], 0, b"\x02")], "UNSUPPORTED_VERSION")
    other_blob, other_items = spec.batch_make(bob["encryption_pk"], vault_id, batch_items, alice["identity_seed"],
                                              bytes(16), b"\x9a" * 32)
    batch_case("item-of-another-batch", batch_blob, [other_items[0]], "MISMATCH")
    # The creator signs a manifest of items that do not decrypt, or whose plaintext is not lp8(name) || value:
    # only decryption, or the name check after it, can catch them.
    good_blob, good_items = spec.batch_make_plaintexts(bob["encryption_pk"], vault_id, [b"\x01Av"],
                                                       alice["identity_seed"], bytes(16), b"\x9b" * 32)
    forged_item = flipped(good_items[0], 45)
    forged_blob, _ = spec.batch_make_plaintexts(bob["encryption_pk"], vault_id, [b"\x01Av"], alice["identity_seed"],
                                                bytes(16), b"\x9b" * 32, signed_items=[forged_item])
    batch_case("item-signed-but-not-authentic", forged_blob, [forged_item], "AUTH")
    for label, plaintext in (("name-empty", b"\x00value"), ("name-longer-than-plaintext", b"\x05abcd"),
                             ("name-only", b"\x04name"), ("plaintext-empty", b"")):
        bad_blob, bad_items = spec.batch_make_plaintexts(bob["encryption_pk"], vault_id, [plaintext],
                                                         alice["identity_seed"], bytes(16), b"\x9c" * 32)
        want = "ok" if label == "name-only" else "MALFORMED"
        batch_case("item-" + label, bad_blob, bad_items, want)
    empty_blob, _ = spec.batch_make(bob["encryption_pk"], b"v", [], alice["identity_seed"], b"\x01" * 16, b"\x9d" * 32)
    batch_case("no-items", empty_blob, [], "ok")
    v.add("batch-sender/ok", "batch_sender", "9.1", {"blob": batch_blob},
          lambda: {"identity_public_key": batch_blob[68:100]})
    v.add("batch-item-index/ok", "batch_item_index", "9.2", {"item": items[1]}, lambda: {"index": 1})
    for label, point in (("zero", LOW_ORDER_ZERO), ("order-8", LOW_ORDER_EIGHT)):
        v.add("batch-begin/low-order-account-" + label, "batch_begin", "1, 9.1",
              {"account_public_key": point, "vault_id": vault_id},
              lambda: (spec.batch_make(point, vault_id, [], alice["identity_seed"]), {})[1], "INVALID_KEY")
    v.add("batch-begin/vault-id-empty", "batch_begin", "9.1",
          {"account_public_key": bob["encryption_pk"], "vault_id": b""},
          lambda: (spec.batch_make(bob["encryption_pk"], b"", [], alice["identity_seed"]), {})[1], "BAD_PARAMS")

    # ---- HPKE single-shot (section 1) -------------------------------------------------------------------
    info, aad, plaintext = b"libcloak vectors info", b"aad", b"a plaintext"
    enc, ciphertext = v.add(
        "hpke-seal-base/ok", "hpke_seal_base", "1",
        {"recipient_public_key": bob["encryption_pk"], "info": info, "aad": aad, "plaintext": plaintext,
         "random": [b"\xaa" * 32]},
        lambda: dict(zip(("enc", "ciphertext"), spec.hpke_seal_base(bob["encryption_pk"], info, aad, plaintext,
                                                                    b"\xaa" * 32)))).values()

    def hpke_case(label: str, e: bytes, ct: bytes, i: bytes, a: bytes, want: str, keys: tuple = bob_keys) -> None:
        v.add("hpke-open-base/" + label, "hpke_open_base", "1",
              {"enc": e, "recipient_public_key": keys[0], "recipient_secret_key": keys[1], "info": i, "aad": a,
               "ciphertext": ct}, lambda: {"plaintext": spec.hpke_open_base(e, keys[1], i, a, ct)}, want)

    hpke_case("ok", enc, ciphertext, info, aad, "ok")
    enc_empty, ct_empty = spec.hpke_seal_base(bob["encryption_pk"], b"", b"", b"", b"\xab" * 32)
    hpke_case("empty-everything", enc_empty, ct_empty, b"", b"", "ok")
    hpke_case("other-info", enc, ciphertext, b"other", aad, "AUTH")
    hpke_case("other-aad", enc, ciphertext, info, b"aae", "AUTH")
    hpke_case("other-recipient", enc, ciphertext, info, aad, "AUTH", keys=(alice["encryption_pk"],
                                                                          alice["encryption_sk"]))
    hpke_case("tag", enc, flipped(ciphertext, len(ciphertext) - 1), info, aad, "AUTH")
    hpke_case("enc", flipped(enc, 0), ciphertext, info, aad, "AUTH")
    hpke_case("shorter-than-tag", enc, ciphertext[:15], info, aad, "MALFORMED")
    for label, point in (("zero", LOW_ORDER_ZERO), ("order-8", LOW_ORDER_EIGHT)):
        hpke_case("low-order-enc-" + label, point, ciphertext, info, aad, "INVALID_KEY")
        v.add("hpke-seal-base/low-order-recipient-" + label, "hpke_seal_base", "1",
              {"recipient_public_key": point, "info": info, "aad": aad, "plaintext": plaintext},
              lambda: dict(zip(("enc", "ciphertext"), spec.hpke_seal_base(point, info, aad, plaintext))), "INVALID_KEY")

    # ---- fingerprints (section 10.2) --------------------------------------------------------------------
    for who in ("alice", "bob"):
        pk = parties[who]["identity_pk"]
        v.add("fingerprint/" + who, "identity_fingerprint", "10.2", {"identity_public_key": pk},
              lambda: {"text": spec.fingerprint(pk)})
    # RFC 8032 section 7.1, test 1's public key, and mallory's.
    rfc8032_test1_pk = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    for label, pk in (("rfc8032-test-1", rfc8032_test1_pk), ("mallory", mallory_pk)):
        v.add("fingerprint/" + label, "identity_fingerprint", "10.2", {"identity_public_key": pk},
              lambda: {"text": spec.fingerprint(pk)})
    for label, a, b in (("alice-bob", alice["identity_pk"], bob["identity_pk"]),
                        ("bob-alice", bob["identity_pk"], alice["identity_pk"]),
                        ("rfc8032-test-1-mallory", rfc8032_test1_pk, mallory_pk),
                        ("mallory-rfc8032-test-1", mallory_pk, rfc8032_test1_pk)):
        v.add("pair-code/" + label, "identity_pair_code", "10.2",
              {"identity_public_key_a": a, "identity_public_key_b": b}, lambda: {"text": spec.pair_code(a, b)})

    document = {
        "description": "libcloak protocol vectors (docs/protocol.md, format version 1), produced by the "
                       "independent implementation in tests/vectors/spec/ with "
                       "tests/vectors/make_libcloak_vectors.py. Bytes are lowercase hex; 'expect' is 'ok' "
                       "or a status of cloak.h without CLOAK_E_.",
        "cases": v.cases,
    }
    text = json.dumps(document, indent=1) + "\n"
    if args.check:
        with open(OUTPUT, encoding="utf-8") as f:
            if f.read() != text:
                raise SystemExit("tests/vectors/libcloak.json is stale: rerun tests/vectors/make_libcloak_vectors.py")
        return
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write(text)
    failures = sum(1 for c in v.cases if c["expect"] != "ok")
    print("%d cases: %d ok, %d failures" % (len(v.cases), len(v.cases) - failures, failures))


if __name__ == "__main__":
    main()
