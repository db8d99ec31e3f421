"""The suite 2 (X-Wing) cases of tests/vectors/libcloak.json (docs/protocol.md sections 1.6, 2, 5, 6, 8,
9), made by the independent implementation in spec/. make_libcloak_vectors.py calls add_xwing_cases()
with its Vectors collector, its helpers and the suite 1 objects (to hand each suite's reader the other
suite's blobs); every key and random value is fixed, so a rerun writes the same cases.

Operations are the C functions without `cloak_`: xwing_keypair_from_seed, xwing_key_hash,
xwing_public_export, xwing_public_import, bundle_create_xwing, bundle_verify_xwing, xwing_wrap,
xwing_unwrap, service_account_xwing_wrap, service_account_xwing_unwrap, wrapped_key_public_key_xwing,
wrapped_key_rewrap_xwing, service_account_xwing_private_export, service_account_xwing_private_import,
share_seal_xwing, share_open_xwing, hpke_seal_base_xwing, hpke_open_base_xwing, batch_len_xwing,
blob_suite; and the composites batch_seal_xwing and batch_open_xwing, which are batch_seal and
batch_open with cloak_batch_begin_xwing and cloak_batch_verify_xwing, the same inputs and outputs.

An X-Wing encapsulation draws 64 random bytes at once: ML-KEM's m, then the X25519 ephemeral secret
key; "random" lists them as one draw."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any, Callable, Dict, List, Optional

import spec_impl as spec

X1, X2 = spec.SUITE_X25519, spec.SUITE_XWING
EK = spec.MLKEM_EK_LEN


def with_coefficient(pk: bytes, index: int, value: int) -> bytes:
    """pk with the 12-bit coefficient `index` (0 to 767) of its ML-KEM key set to value (below 4096):
    coefficients 2j and 2j + 1 share bytes 3j to 3j + 3, little-endian."""
    b = bytearray(pk)
    at = 3 * (index // 2)
    if index % 2 == 0:
        b[at] = value & 0xFF
        b[at + 1] = (b[at + 1] & 0xF0) | (value >> 8)
    else:
        b[at + 1] = (b[at + 1] & 0x0F) | ((value & 0x0F) << 4)
        b[at + 2] = value >> 4
    return bytes(b)


def with_x25519_part(pk: bytes, pk_x: bytes) -> bytes:
    return pk[:EK] + pk_x


def _draw(label: str, length: int) -> bytes:
    """A fixed "random" value of any length, named by its use."""
    return hashlib.shake_256(b"libcloak X-Wing vectors " + label.encode()).digest(length)


def add_xwing_cases(v: Any, env: Dict[str, Any]) -> Dict[str, Any]:
    """env: the producer's helpers (patched, flipped, envelope_failures), point lists and suite 1
    objects. Returns the X-Wing keys and blobs the head cases of section 10.8 use."""
    patched: Callable[[bytes, int, bytes], bytes] = env["patched"]
    flipped: Callable[[bytes, int], bytes] = env["flipped"]
    envelope_failures = env["envelope_failures"]
    small_order: Dict[str, bytes] = env["SMALL_ORDER_X25519"]
    non_canonical: Dict[str, bytes] = env["NON_CANONICAL_X25519"]
    alice, bob = env["alice"], env["bob"]
    mallory_pk, mallory_sk, poisoned_sk = env["mallory_pk"], env["mallory_sk"], env["poisoned_sk"]

    # ---- keys (sections 1.6, 5) ----------------------------------------------------------------------
    def keypair_case(label: str, seed: bytes, want: str = "ok") -> Dict[str, bytes]:
        return v.add(label, "xwing_keypair_from_seed", "1.6, 5", {"seed": seed},
                     lambda: dict(zip(("public_key", "secret_key"), spec.xwing_keypair_from_seed(seed))), want)

    keys = {}
    for who, fill in (("alice", 0x13), ("bob", 0x35), ("account", 0x67)):
        out = keypair_case(who + "/xwing-keypair", bytes([fill]) * 32)
        keys[who] = (out["public_key"], out["secret_key"])
    alice_pk, alice_sk = keys["alice"]
    bob_pk, bob_sk = keys["bob"]
    account_pk, account_sk = keys["account"]
    for seed_len, want in ((64, "ok"), (32, "ok"), (255, "ok"), (31, "BAD_PARAMS"), (256, "BAD_PARAMS"),
                           (0, "BAD_PARAMS")):
        keypair_case("xwing-keypair/seed-of-%d-bytes" % seed_len, bytes(i & 0xFF for i in range(seed_len)), want)
    # draft-ietf-hpke-pq's vector (tests/vectors/hpke_xwing_hkdf_sha256_chacha20poly1305.json): ikmR gives
    # the recipient's seed skRm and its public key pkRm.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "hpke_xwing_hkdf_sha256_chacha20poly1305.json"), encoding="utf-8") as f:
        pq = json.load(f)[0]
    pq_pk, pq_sk = bytes.fromhex(pq["pkRm"]), bytes.fromhex(pq["skRm"])
    assert keypair_case("xwing-keypair/hpke-pq-vector", bytes.fromhex(pq["ikmR"])) == \
        {"public_key": pq_pk, "secret_key": pq_sk}

    # Public keys section 1.6 refuses: an ML-KEM coefficient of q or more (malformed), an X25519 part
    # section 1.4 refuses; and keys at the edge that pass.
    bad_keys = [("coefficient-0-is-q", with_coefficient(bob_pk, 0, spec.MLKEM_Q), "MALFORMED"),
                ("coefficient-1-is-q", with_coefficient(bob_pk, 1, spec.MLKEM_Q), "MALFORMED"),
                ("last-coefficient-is-4095", with_coefficient(bob_pk, 767, 4095), "MALFORMED"),
                ("coefficient-500-is-q-plus-1", with_coefficient(bob_pk, 500, spec.MLKEM_Q + 1), "MALFORMED")]
    bad_keys += [("x25519-part-small-order-" + k, with_x25519_part(bob_pk, p), "INVALID_KEY")
                 for k, p in small_order.items()]
    bob_top_bit = bob_pk[:-1] + bytes([bob_pk[-1] | 0x80])
    bad_keys += [("x25519-part-non-canonical-" + k, with_x25519_part(bob_pk, p), "MALFORMED")
                 for k, p in non_canonical.items()]
    bad_keys.append(("x25519-part-non-canonical-bit-255", bob_top_bit, "MALFORMED"))
    bad_keys.append(("modulus-before-x25519-part",
                     with_x25519_part(with_coefficient(bob_pk, 0, spec.MLKEM_Q), small_order["zero"]), "MALFORMED"))
    edge_keys = [("coefficient-0-is-q-minus-1", with_coefficient(bob_pk, 0, spec.MLKEM_Q - 1)),
                 ("last-coefficient-is-q-minus-1", with_coefficient(bob_pk, 767, spec.MLKEM_Q - 1))]
    # A few of each kind where a key enters (the full list at xwing_key_hash and the public key blob).
    some_bad_keys = [k for k in bad_keys if k[0] in ("coefficient-0-is-q", "last-coefficient-is-4095",
                                                     "x25519-part-small-order-zero",
                                                     "x25519-part-small-order-order-8-a",
                                                     "x25519-part-non-canonical-bit-255")]

    for who, pk in (("alice", alice_pk), ("bob", bob_pk), ("hpke-pq-vector", pq_pk)):
        v.add("xwing-key-hash/" + who, "xwing_key_hash", "1.2, 1.6", {"public_key": pk},
              lambda: {"key_hash": spec.xwing_key_hash(pk)})
    for label, pk, want in bad_keys + [(label, pk, "ok") for label, pk in edge_keys]:
        v.add("xwing-key-hash/" + label, "xwing_key_hash", "1.6", {"public_key": pk},
              lambda: {"key_hash": spec.xwing_key_hash(pk)}, want)

    # ---- public key blobs (sections 5.1, 3) ------------------------------------------------------------
    blob = v.add("xwing-public/bob", "xwing_public_export", "5.1", {"public_key": bob_pk},
                 lambda: {"blob": spec.public_key_blob(0x03, bob_pk)})["blob"]
    v.add("xwing-public/alice", "xwing_public_export", "5.1", {"public_key": alice_pk},
          lambda: {"blob": spec.public_key_blob(0x03, alice_pk)})
    import_run = lambda b: {"public_key": spec.xwing_public_import(b)}  # noqa: E731
    v.add("xwing-public-import/ok", "xwing_public_import", "5.1", {"blob": blob}, lambda: import_run(blob))
    envelope_failures(v, "xwing-public-import", "xwing_public_import", "2, 5.1", blob, lambda b: {"blob": b},
                      import_run, 0x02)
    v.add("xwing-public-import/key-id-not-the-keys", "xwing_public_import", "2, 5.1", {"blob": flipped(blob, 4)},
          lambda: import_run(flipped(blob, 4)), "MALFORMED")
    v.add("xwing-public-import/x25519-blob", "xwing_public_import", "2, 5.1", {"blob": env["encryption_blob"]},
          lambda: import_run(env["encryption_blob"]), "UNSUPPORTED_SUITE")
    v.add("encryption-public-import/xwing-blob", "encryption_public_import", "2, 5.1", {"blob": blob},
          lambda: {"public_key": spec.public_key_import(0x03, blob)}, "UNSUPPORTED_SUITE")
    v.add("identity-public-import/xwing-blob", "identity_public_import", "2, 5.1", {"blob": blob},
          lambda: {"public_key": spec.public_key_import(0x02, blob)}, "WRONG_TYPE")
    for label, pk, want in bad_keys + [(label, pk, "ok") for label, pk in edge_keys]:
        bad = spec.public_key_blob(0x03, pk)
        v.add("xwing-public-import/" + label, "xwing_public_import", "1.6, 5.1", {"blob": bad},
              lambda: import_run(bad), want)
    v.add("text/xwing-public-key", "text_encode", "3", {"blob": blob}, lambda: {"text": spec.text_encode(blob)})
    text = spec.text_encode(blob)
    v.add("text-decode/xwing-public-key", "text_decode", "3", {"text": text}, lambda: {"blob": spec.text_decode(text)})

    # ---- bundles (section 5.2) -------------------------------------------------------------------------
    bundle = v.add("bundle/alice-xwing", "bundle_create_xwing", "5.2",
                   {"identity_secret_key": alice["identity_sk"], "encryption_public_key": alice_pk},
                   lambda: {"bundle": spec.bundle_create(alice["identity_sk"], alice_pk)})["bundle"]
    v.add("bundle-xwing/poisoned-secret-key", "bundle_create_xwing", "1.1, 5.2",
          {"identity_secret_key": poisoned_sk, "encryption_public_key": alice_pk},
          lambda: {"bundle": spec.bundle_create(poisoned_sk, alice_pk)}, "INVALID_KEY")
    for label, pk, want in some_bad_keys:
        v.add("bundle-xwing/" + label, "bundle_create_xwing", "1.6, 5.2",
              {"identity_secret_key": alice["identity_sk"], "encryption_public_key": pk},
              lambda: {"bundle": spec.bundle_create(alice["identity_sk"], pk)}, want)

    def verify(b: bytes) -> Dict[str, bytes]:
        return dict(zip(("identity_public_key", "encryption_public_key"), spec.bundle_verify_xwing(b)))

    def signed_bundle(encryption_pk: bytes) -> bytes:
        body = spec.bundle_body(alice["identity_pk"], encryption_pk)
        return body + spec.labelled_sign(alice["identity_sk"], b"libcloak v2 bundle", body)

    e = spec.XWING_PK_LEN
    v.add("bundle-verify-xwing/ok", "bundle_verify_xwing", "5.2", {"bundle": bundle}, lambda: verify(bundle))
    envelope_failures(v, "bundle-verify-xwing", "bundle_verify_xwing", "2, 5.2", bundle, lambda b: {"bundle": b},
                      verify, 0x02)
    cases = [("key-id-not-the-identity", flipped(bundle, 19), "MALFORMED"),
             ("signature", flipped(bundle, len(bundle) - 1), "BAD_SIGNATURE"),
             ("encryption-key-swapped", patched(bundle, 52, bob_pk), "BAD_SIGNATURE"),
             ("ml-kem-key-changed", flipped(bundle, 52 + 600), "BAD_SIGNATURE"),
             ("x25519-part-changed", flipped(bundle, 52 + EK), "BAD_SIGNATURE"),
             ("signature-by-another-identity",
              bundle[:52 + e] + spec.labelled_sign(mallory_sk, b"libcloak v2 bundle", bundle[:52 + e]),
              "BAD_SIGNATURE"),
             ("identity-key-not-a-point",
              spec.bundle_body(env["NOT_A_POINT_ED25519"], alice_pk) + bundle[52 + e:], "INVALID_KEY")]
    cases += [(label, signed_bundle(pk), want) for label, pk, want in some_bad_keys]
    for label, bad, want in cases:
        v.add("bundle-verify-xwing/" + label, "bundle_verify_xwing", "1.3, 1.6, 5.2", {"bundle": bad},
              lambda: verify(bad), want)
    v.add("bundle-verify-xwing/x25519-bundle", "bundle_verify_xwing", "2, 5.2", {"bundle": env["bundle"]},
          lambda: verify(env["bundle"]), "UNSUPPORTED_SUITE")
    v.add("bundle-verify/xwing-bundle", "bundle_verify", "2, 5.2", {"bundle": bundle},
          lambda: dict(zip(("identity_public_key", "encryption_public_key"), spec.bundle_verify(bundle))),
          "UNSUPPORTED_SUITE")

    # ---- wrapped keys (sections 6, 6.2) ----------------------------------------------------------------
    master_key, new_master_key = env["master_key"], env["new_master_key"]
    kinds = {0x06: ("xwing", "xwing_wrap", "xwing_unwrap", alice_pk, alice_sk),
             0x07: ("service-account-xwing", "service_account_xwing_wrap", "service_account_xwing_unwrap",
                    account_pk, account_sk)}
    wrapped_blobs = {}
    for obj_type, (label, wrap_op, unwrap_op, pk, sk) in kinds.items():
        nonce = _draw("wrap nonce %d" % obj_type, 24)
        wrapped = v.add(label + "-wrap/ok", wrap_op, "6", {"master_key": master_key, "secret_key": sk,
                                                            "random": [nonce]},
                        lambda: {"wrapped": spec.encryption_wrap(obj_type, master_key, X2, sk, nonce)})["wrapped"]
        wrapped_blobs[obj_type] = wrapped

        def unwrap(b: bytes, key: bytes = master_key, t: int = obj_type) -> Dict[str, bytes]:
            return dict(zip(("public_key", "secret_key"), spec.unwrap_private(t, key, b, X2)))

        prefix = label + "-unwrap"
        v.add(prefix + "/ok", unwrap_op, "6", {"master_key": master_key, "wrapped": wrapped}, lambda: unwrap(wrapped))
        other = 0x07 if obj_type == 0x06 else 0x06
        envelope_failures(v, prefix, unwrap_op, "2, 6", wrapped, lambda b: {"master_key": master_key, "wrapped": b},
                          unwrap, other)
        relabelled = patched(wrapped, 1, bytes([other]))
        v.add(prefix + "/relabelled-unwrapped-as-other-kind", kinds[other][2], "6",
              {"master_key": master_key, "wrapped": relabelled}, lambda: unwrap(relabelled, t=other), "AUTH")
        k = spec.XWING_PK_LEN
        for case_label, bad, key, want in (
                ("wrong-master-key", wrapped, b"\x01" * 32, "WRONG_KEY"),
                ("key-id-rewritten", patched(wrapped, 4, spec.key_id_symmetric(b"\x01" * 32)), b"\x01" * 32, "AUTH"),
                ("public-key-replaced", patched(wrapped, 20, bob_pk), master_key, "AUTH"),
                ("public-key-x25519-part-changed", flipped(wrapped, 20 + EK), master_key, "AUTH"),
                ("nonce", flipped(wrapped, 20 + k), master_key, "AUTH"),
                ("ciphertext", flipped(wrapped, 44 + k + 3), master_key, "AUTH"),
                ("tag", flipped(wrapped, len(wrapped) - 1), master_key, "AUTH")):
            v.add(prefix + "/" + case_label, unwrap_op, "6", {"master_key": key, "wrapped": bad},
                  lambda: unwrap(bad, key), want)
        # Authentic blobs whose public key is not the seed's: another seed's, or one section 1.6 refuses
        # (a wrapped key's public key is checked by the comparison alone, section 6).
        other_sk = bob_sk
        for case_label, stated_pk, private in (("private-key-not-the-public-keys", pk, other_sk),
                                               ("public-key-coefficient-q", with_coefficient(pk, 0, spec.MLKEM_Q), sk),
                                               ("public-key-x25519-part-zero",
                                                with_x25519_part(pk, small_order["zero"]), sk)):
            stated = spec.wrap_private(obj_type, master_key, stated_pk, private, nonce)
            v.add(prefix + "/" + case_label, unwrap_op, "6", {"master_key": master_key, "wrapped": stated},
                  lambda: unwrap(stated), "MISMATCH")
        v.add("wrapped-key-public-key-xwing/" + label, "wrapped_key_public_key_xwing", "6", {"wrapped": wrapped},
              lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(wrapped, X2))))
        # Each suite's reader refuses the other's.
        x25519_wrapped = env["wrapped_blobs"][obj_type]
        v.add(prefix + "/x25519-wrapped-key", unwrap_op, "2, 6", {"master_key": master_key, "wrapped": x25519_wrapped},
              lambda: unwrap(x25519_wrapped), "UNSUPPORTED_SUITE")
        suite1_op = {0x06: "encryption_unwrap", 0x07: "service_account_unwrap"}[obj_type]
        suite1_label = {0x06: "encryption-unwrap", 0x07: "service-account-unwrap"}[obj_type]
        v.add(suite1_label + "/xwing-wrapped-key", suite1_op, "2, 6", {"master_key": master_key, "wrapped": wrapped},
              lambda: dict(zip(("public_key", "secret_key"), spec.unwrap_private(obj_type, master_key, wrapped))),
              "UNSUPPORTED_SUITE")
    identity_wrapped = env["wrapped_blobs"][0x05]
    v.add("xwing-unwrap/identity-wrapped-key", "xwing_unwrap", "2, 6",
          {"master_key": master_key, "wrapped": identity_wrapped},
          lambda: dict(zip(("public_key", "secret_key"), spec.unwrap_private(0x06, master_key, identity_wrapped, X2))),
          "WRONG_TYPE")
    for label, bad, want in (("x25519-wrapped-key", env["wrapped_blobs"][0x06], "UNSUPPORTED_SUITE"),
                             ("identity-wrapped-key", identity_wrapped, "UNSUPPORTED_SUITE"),
                             ("identity-wrapped-key-relabelled-suite-2", patched(identity_wrapped, 2, spec.u16(X2)),
                              "UNSUPPORTED_SUITE"),
                             ("not-a-wrapped-key", blob, "WRONG_TYPE"),
                             ("truncated", wrapped_blobs[0x06][:-1], "MALFORMED"),
                             ("suite-3", patched(wrapped_blobs[0x06], 2, b"\x00\x03"), "UNSUPPORTED_SUITE")):
        v.add("wrapped-key-public-key-xwing/" + label, "wrapped_key_public_key_xwing", "2, 6", {"wrapped": bad},
              lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(bad, X2))), want)
    v.add("wrapped-key-public-key/xwing-wrapped-key", "wrapped_key_public_key", "2, 6",
          {"wrapped": wrapped_blobs[0x06]},
          lambda: dict(zip(("public_key", "type"), spec.wrapped_key_public_key(wrapped_blobs[0x06]))),
          "UNSUPPORTED_SUITE")

    # Re-wrapping (section 6.2) under the master key of Alice's upgraded record.
    for obj_type, label in ((0x06, "xwing"), (0x07, "service-account-xwing")):
        old = wrapped_blobs[obj_type]
        nonce = _draw("rewrap nonce %d" % obj_type, 24)
        rewrapped = v.add("wrapped-key-rewrap-xwing/" + label, "wrapped_key_rewrap_xwing", "4.7, 6.2",
                          {"old_master_key": master_key, "new_master_key": new_master_key, "wrapped": old,
                           "random": [nonce]},
                          lambda: {"rewrapped": spec.wrapped_key_rewrap(master_key, new_master_key, old, nonce, X2)}
                          )["rewrapped"]
        v.add(label + "-unwrap/after-rewrap", kinds[obj_type][2], "4.7, 6.2",
              {"master_key": new_master_key, "wrapped": rewrapped},
              lambda: dict(zip(("public_key", "secret_key"),
                               spec.unwrap_private(obj_type, new_master_key, rewrapped, X2))))

    def rewrap_case(label: str, old_key: bytes, new_key: bytes, b: bytes, want: str) -> None:
        v.add("wrapped-key-rewrap-xwing/" + label, "wrapped_key_rewrap_xwing", "6.2",
              {"old_master_key": old_key, "new_master_key": new_key, "wrapped": b},
              lambda: {"rewrapped": spec.wrapped_key_rewrap(old_key, new_key, b, bytes(24), X2)}, want)

    w6 = wrapped_blobs[0x06]
    rewrap_case("same-master-key", master_key, master_key, w6, "BAD_PARAMS")
    rewrap_case("wrong-old-master-key", new_master_key, master_key, w6, "WRONG_KEY")
    rewrap_case("ciphertext", master_key, new_master_key, flipped(w6, len(w6) - 20), "AUTH")
    rewrap_case("relabelled-as-service-account-key", master_key, new_master_key, patched(w6, 1, b"\x07"), "AUTH")
    rewrap_case("private-key-not-the-public-keys", master_key, new_master_key,
                spec.wrap_private(0x06, master_key, alice_pk, bob_sk, bytes(24)), "MISMATCH")
    rewrap_case("x25519-wrapped-key", master_key, new_master_key, env["wrapped_blobs"][0x06], "UNSUPPORTED_SUITE")
    rewrap_case("identity-wrapped-key", master_key, new_master_key, identity_wrapped, "UNSUPPORTED_SUITE")
    rewrap_case("not-a-wrapped-key", master_key, new_master_key, blob, "WRONG_TYPE")
    rewrap_case("truncated", master_key, new_master_key, w6[:-1], "MALFORMED")
    rewrap_case("suite-before-length", master_key, new_master_key, patched(w6, 2, spec.u16(X1))[:-1],
                "UNSUPPORTED_SUITE")
    v.add("wrapped-key-rewrap/xwing-wrapped-key", "wrapped_key_rewrap", "6.2",
          {"old_master_key": master_key, "new_master_key": new_master_key, "wrapped": w6},
          lambda: {"rewrapped": spec.wrapped_key_rewrap(master_key, new_master_key, w6, bytes(24))},
          "UNSUPPORTED_SUITE")

    # ---- service-account private key (section 6.1) ---------------------------------------------------------
    account_blob = v.add("account-key-xwing/account", "service_account_xwing_private_export", "6.1",
                         {"public_key": account_pk, "secret_key": account_sk},
                         lambda: {"blob": spec.account_key_export(account_pk, account_sk)})["blob"]
    v.add("account-key-xwing/mismatched-pair", "service_account_xwing_private_export", "6.1",
          {"public_key": account_pk, "secret_key": bob_sk},
          lambda: {"blob": spec.account_key_export(account_pk, bob_sk)}, "MISMATCH")
    import_account = lambda b: dict(zip(("public_key", "secret_key"), spec.account_key_import(b, X2)))  # noqa: E731
    v.add("account-key-import-xwing/ok", "service_account_xwing_private_import", "6.1", {"blob": account_blob},
          lambda: import_account(account_blob))
    envelope_failures(v, "account-key-import-xwing", "service_account_xwing_private_import", "2, 6.1", account_blob,
                      lambda b: {"blob": b}, import_account, 0x07)
    cases = [("private-key-not-the-public-keys", spec.account_key_blob(account_pk, bob_sk), "MISMATCH"),
             ("key-id-not-the-keys", flipped(account_blob, 10), "MALFORMED")]
    cases += [("public-key-" + label, spec.account_key_blob(pk, bob_sk), want) for label, pk, want in some_bad_keys]
    for label, bad, want in cases:
        v.add("account-key-import-xwing/" + label, "service_account_xwing_private_import", "1.6, 6.1", {"blob": bad},
              lambda: import_account(bad), want)
    v.add("account-key-import-xwing/x25519-blob", "service_account_xwing_private_import", "2, 6.1",
          {"blob": env["account_blob"]}, lambda: import_account(env["account_blob"]), "UNSUPPORTED_SUITE")
    v.add("account-key-import/xwing-blob", "service_account_private_import", "2, 6.1", {"blob": account_blob},
          lambda: dict(zip(("public_key", "secret_key"), spec.account_key_import(account_blob))), "UNSUPPORTED_SUITE")
    v.add("text/account-key-xwing", "text_encode", "3", {"blob": account_blob},
          lambda: {"text": spec.text_encode(account_blob)})

    # ---- the service account's access credential (section 9.4) ------------------------------------------
    credential = v.add("service-account-credential-xwing/account", "service_account_xwing_credential", "9.4",
                       {"public_key": account_pk, "secret_key": account_sk},
                       lambda: {"credential": spec.service_account_credential(account_pk, account_sk)})["credential"]
    v.add("service-account-credential-xwing/mismatched-pair", "service_account_xwing_credential", "9.4",
          {"public_key": account_pk, "secret_key": bob_sk},
          lambda: {"credential": spec.service_account_credential(account_pk, bob_sk)}, "MISMATCH")
    # Section 1.6's check comes before the comparison: the pair is bob's own, the public key broken.
    for label, pk, want in some_bad_keys:
        v.add("service-account-credential-xwing/public-key-" + label, "service_account_xwing_credential",
              "1.6, 9.4", {"public_key": pk, "secret_key": bob_sk},
              lambda: {"credential": spec.service_account_credential(pk, bob_sk)}, want)
    v.add("service-account-credential-verifier/xwing-account", "service_account_credential_verifier", "9.4",
          {"credential": credential}, lambda: {"verifier": spec.service_account_credential_verifier(credential)})

    # ---- shares (section 8) ------------------------------------------------------------------------------
    vault_key, vault_id = env["vault_key"], env["vault_id"]
    n = spec.XWING_ENC_LEN

    def seal_share(label: str, ep: int, randomness: bytes) -> bytes:
        return v.add("share-seal-xwing/" + label, "share_seal_xwing", "1.6, 8",
                     {"vault_key": vault_key, "epoch": ep, "vault_id": vault_id, "recipient_public_key": bob_pk,
                      "sender_identity_secret_key": alice["identity_sk"], "random": [randomness]},
                     lambda: {"share": spec.share_seal(vault_key, ep, vault_id, bob_pk, alice["identity_sk"],
                                                       randomness)})["share"]

    share = seal_share("alice-to-bob", 1, _draw("share m || e", 64))
    share3 = seal_share("alice-to-bob-epoch-3", 3, _draw("share epoch 3 m || e", 64))
    v.add("share-sender/xwing", "share_sender", "8", {"share": share},
          lambda: {"sender_identity_public_key": spec.share_sender(share)})

    def share_case(label: str, s: bytes, want: str, vid: bytes = vault_id, keys: tuple = (bob_pk, bob_sk),
                   trusted: bytes = alice["identity_pk"], min_epoch: int = 1, section: str = "8") -> None:
        v.add("share-open-xwing/" + label, "share_open_xwing", section,
              {"share": s, "vault_id": vid, "recipient_public_key": keys[0], "recipient_secret_key": keys[1],
               "trusted_sender_identity_public_key": trusted, "min_epoch": min_epoch},
              lambda: dict(zip(("vault_key", "epoch"),
                               spec.share_open_xwing(s, vid, keys[0], keys[1], trusted, min_epoch))), want)

    def resigned(body: bytes, vid: bytes = vault_id, pk: bytes = bob_pk) -> bytes:
        """A share body signed again by Alice, as a sender who builds a bad share herself could."""
        return body + spec.labelled_sign(alice["identity_sk"], b"libcloak v2 share",
                                         body + spec.lp8(vid) + spec.binding(pk))

    ct_x_at = 56 + spec.MLKEM_CT_LEN
    share_case("ok", share, "ok")
    share_case("epoch-3-min-epoch-3", share3, "ok", min_epoch=3)
    share_case("stale", share, "STALE", min_epoch=2)
    share_case("stale-but-untrusted-sender", share, "UNTRUSTED_SIGNER", trusted=mallory_pk, min_epoch=2)
    share_case("epoch-0", patched(share, 52, spec.u32(0)), "MALFORMED")
    share_case("epoch-rewritten", patched(share, 52, spec.u32(3)), "BAD_SIGNATURE")
    share_case("other-vault-id", share, "BAD_SIGNATURE", vid=b"vault-2")
    share_case("other-recipient", share, "WRONG_KEY", keys=(alice_pk, alice_sk))
    share_case("key-id-rewritten-for-other-recipient", patched(share, 4, spec.key_id_public(alice_pk)),
               "BAD_SIGNATURE", keys=(alice_pk, alice_sk))
    share_case("untrusted-sender", share, "UNTRUSTED_SIGNER", trusted=mallory_pk)
    share_case("signature", flipped(share, len(share) - 1), "BAD_SIGNATURE")
    share_case("ml-kem-ciphertext", flipped(share, 60), "BAD_SIGNATURE")
    share_case("x25519-ephemeral", flipped(share, ct_x_at), "BAD_SIGNATURE")
    share_case("ciphertext-resigned-by-sender", resigned(flipped(share, 104 + n - 20)[:104 + n]), "AUTH")
    # ML-KEM's implicit rejection: a changed ct_M decapsulates to an unrelated key, so the AEAD fails.
    share_case("ml-kem-ciphertext-resigned-by-sender", resigned(flipped(share, 60)[:104 + n]), "AUTH")
    for label, point, want in (("small-order-zero", small_order["zero"], "INVALID_KEY"),
                               ("small-order-order-8-b", small_order["order-8-b"], "INVALID_KEY"),
                               ("non-canonical-u-is-p", non_canonical["u-is-p"], "MALFORMED")):
        share_case("x25519-ephemeral-%s-resigned-by-sender" % label,
                   resigned(patched(share, ct_x_at, point)[:104 + n]), want, section="1.4, 1.6, 8")
    top = patched(share, ct_x_at + 31, bytes([share[ct_x_at + 31] | 0x80]))
    share_case("x25519-ephemeral-bit-255-resigned-by-sender", resigned(top[:104 + n]), "MALFORMED",
               section="1.4, 1.6, 8")
    # The recipient names Bob's public key with Alice's seed: section 1.6's check at the HPKE setup.
    share_case("public-key-not-the-seeds", share, "INVALID_KEY", keys=(bob_pk, alice_sk), section="1.6, 8")
    envelope_failures(v, "share-open-xwing", "share_open_xwing", "2, 8", share,
                      lambda b: {"share": b, "vault_id": vault_id, "recipient_public_key": bob_pk,
                                 "recipient_secret_key": bob_sk,
                                 "trusted_sender_identity_public_key": alice["identity_pk"], "min_epoch": 1},
                      lambda b: dict(zip(("vault_key", "epoch"), spec.share_open_xwing(
                          b, vault_id, bob_pk, bob_sk, alice["identity_pk"], 1))), 0x04)
    share_case("x25519-share", env["share"], "UNSUPPORTED_SUITE", section="2, 8")
    v.add("share-open/xwing-share", "share_open", "2, 8",
          {"share": share, "vault_id": vault_id, "recipient_public_key": bob["encryption_pk"],
           "recipient_secret_key": bob["encryption_sk"], "trusted_sender_identity_public_key": alice["identity_pk"],
           "min_epoch": 1},
          lambda: dict(zip(("vault_key", "epoch"),
                           spec.share_open(share, vault_id, bob["encryption_sk"], alice["identity_pk"], 1))),
          "UNSUPPORTED_SUITE")
    for label, pk, want in some_bad_keys:
        v.add("share-seal-xwing/recipient-" + label, "share_seal_xwing", "1.6, 8",
              {"vault_key": vault_key, "epoch": 1, "vault_id": vault_id, "recipient_public_key": pk,
               "sender_identity_secret_key": alice["identity_sk"]},
              lambda: {"share": spec.share_seal(vault_key, 1, vault_id, pk, alice["identity_sk"])}, want)
    v.add("share-seal-xwing/poisoned-sender-key", "share_seal_xwing", "1.1, 8",
          {"vault_key": vault_key, "epoch": 1, "vault_id": vault_id, "recipient_public_key": bob_pk,
           "sender_identity_secret_key": poisoned_sk},
          lambda: {"share": spec.share_seal(vault_key, 1, vault_id, bob_pk, poisoned_sk)}, "INVALID_KEY")

    # ---- batches (section 9) --------------------------------------------------------------------------
    head_hash, expiry = env["head_hash"], env["expiry"]
    head = spec.BatchHead(account_pk, alice["identity_pk"], vault_id, 2, 7, head_hash, expiry)
    batch_items = env["batch_items"]

    def seal_batch(label: str, h: "spec.BatchHead", its: List[tuple], sk: bytes, random: Optional[List[bytes]],
                   want: str = "ok") -> Dict[str, Any]:
        inputs = {"account_public_key": h.account_pk, "creator_identity_public_key": h.creator_pk,
                  "vault_id": h.vault_id, "epoch": h.epoch, "head_version": h.head_version, "head_hash": h.head_hash,
                  "expiry": h.expiry, "names": [nm for nm, _ in its], "values": [val for _, val in its],
                  "creator_identity_secret_key": sk}
        draws = random if random is not None else [None, None]
        if random is not None:
            inputs["random"] = random

        def run() -> Dict[str, Any]:
            b, sealed_items = spec.batch_make(h, its, sk, draws[0], draws[1])
            return {"items": sealed_items, "digests": [spec.blake2b_256(it) for it in sealed_items], "blob": b}
        return v.add("batch-seal-xwing/" + label, "batch_seal_xwing", "1.6, 9", inputs, run, want)

    sealed = seal_batch("two-items", head, batch_items, alice["identity_sk"],
                        [_draw("batch id", 16), _draw("batch m || e", 64)])
    batch_blob, items = sealed["blob"], sealed["items"]
    seal_batch("no-items", head, [], alice["identity_sk"], [_draw("empty batch id", 16), _draw("empty m || e", 64)])
    seal_batch("creator-not-the-secret-keys", head, batch_items, mallory_sk, None, "MISMATCH")
    for label, pk, want in some_bad_keys:
        bad_head = spec.BatchHead(pk, alice["identity_pk"], vault_id, 2, 7, head_hash, expiry)
        seal_batch("account-" + label, bad_head, batch_items, alice["identity_sk"], None, want)
    reader_mac_key = env["reader_mac_key"]

    def open_batch(b: bytes, vid: bytes, its: List[bytes], keys: tuple, trusted: List[bytes], min_epoch: int,
                   min_head_version: int, now: int, suite: int) -> Dict[str, Any]:
        spec.batch_count(b)   # the composite sizes the tags first, from a batch of either suite
        reader = spec.BatchReader(b, vid, keys[1], trusted, reader_mac_key, suite=suite, account_pk=keys[0])
        reader.check(min_epoch, min_head_version, now)
        opened = [reader.open_item(it) for it in its]
        return {"signer": reader.creator, "item_count": reader.count, "epoch": reader.epoch,
                "head_version": reader.head_version, "head_hash": reader.head_hash, "expiry": reader.expiry,
                "names": [nm for nm, _ in opened], "values": [val for _, val in opened]}

    def batch_inputs(b: bytes, its: List[bytes], keys: tuple, trusted: List[bytes], vid: bytes, min_epoch: int,
                     min_head_version: int, now: int) -> Dict[str, Any]:
        return {"blob": b, "vault_id": vid, "account_public_key": keys[0], "account_secret_key": keys[1],
                "trusted": trusted, "min_epoch": min_epoch, "min_head_version": min_head_version, "now": now,
                "items": its}

    def batch_case(label: str, b: bytes, its: List[bytes], want: str, trusted: Optional[List[bytes]] = None,
                   keys: tuple = (account_pk, account_sk), vid: bytes = vault_id, min_epoch: int = 1,
                   min_head_version: int = 1, now: int = 1800000000, section: str = "9") -> None:
        trusted = [alice["identity_pk"]] if trusted is None else trusted
        v.add("batch-open-xwing/" + label, "batch_open_xwing", section,
              batch_inputs(b, its, keys, trusted, vid, min_epoch, min_head_version, now),
              lambda: open_batch(b, vid, its, keys, trusted, min_epoch, min_head_version, now, X2), want)

    def resigned_batch(b: bytes) -> bytes:
        """The batch signed again by Alice over its (changed) bytes."""
        parsed = spec.batch_parse(b, X2)
        return parsed["signed"] + parsed["manifest"] + spec.labelled_sign(
            alice["identity_sk"], b"libcloak v2 batch", parsed["signed"] + spec.blake2b_256(parsed["manifest"]))

    vo = spec.batch_vault_id_offset(X2)   # V = 1188
    L = len(vault_id)
    batch_case("two-items", batch_blob, items, "ok")
    batch_case("second-item-alone", batch_blob, [items[1]], "ok")
    batch_case("items-reversed", batch_blob, [items[1], items[0]], "ok")
    batch_case("untrusted-creator", batch_blob, items, "UNTRUSTED_SIGNER", trusted=[mallory_pk])
    batch_case("other-account", batch_blob, items, "WRONG_KEY", keys=(bob_pk, bob_sk))
    batch_case("other-vault-id", batch_blob, items, "MISMATCH", vid=b"vault-2")
    batch_case("signature", flipped(batch_blob, len(batch_blob) - 1), items, "BAD_SIGNATURE")
    for field, offset in (("batch-id", 20), ("ml-kem-ciphertext", 40), ("x25519-ephemeral", 36 + spec.MLKEM_CT_LEN),
                          ("epoch", vo + 4 + L), ("head-version", vo + 12 + L),
                          ("head-hash", vo + 20 + L), ("expiry", vo + 52 + L), ("manifest", vo + 60 + L)):
        batch_case("field-changed-" + field, flipped(batch_blob, offset), items, "BAD_SIGNATURE")
    batch_case("count-beyond-length", patched(batch_blob, vo + 53 + L, spec.u32(3)), items, "MALFORMED")
    batch_case("vault-id-empty", patched(batch_blob, vo, b"\x00"), items, "MALFORMED")
    batch_case("vault-id-length-beyond-blob", patched(batch_blob, vo, b"\xff"), items, "MALFORMED")
    batch_case("epoch-0", patched(batch_blob, vo + 1 + L, spec.u32(0)), items, "MALFORMED")
    batch_case("head-version-0", patched(batch_blob, vo + 5 + L, bytes(8)), items, "MALFORMED")
    batch_case("shorter-than-1310", batch_blob[:vo + 121], [], "MALFORMED")
    batch_case("x25519-length", batch_blob[:221 + L + 64], [], "MALFORMED")
    envelope_failures(v, "batch-open-xwing", "batch_open_xwing", "2, 9.1", batch_blob,
                      lambda b: batch_inputs(b, items, (account_pk, account_sk), [alice["identity_pk"]], vault_id, 1,
                                             1, 1800000000),
                      lambda b: open_batch(b, vault_id, items, (account_pk, account_sk), [alice["identity_pk"]], 1, 1,
                                           1800000000, X2), 0x0B, relabelled="MALFORMED")
    batch_case("stale-epoch", batch_blob, items, "STALE", min_epoch=3, section="9.1")
    batch_case("expired", batch_blob, items, "EXPIRED", now=expiry + 1, section="9.1")
    # The HPKE setup (section 1.6) after the signature: enc's X25519 part, and the recipient's own key.
    ct_x_at = 36 + spec.MLKEM_CT_LEN
    for label, point, want in (("small-order-zero", small_order["zero"], "INVALID_KEY"),
                               ("non-canonical-u-is-p-plus-1", non_canonical["u-is-p-plus-1"], "MALFORMED")):
        batch_case("x25519-ephemeral-%s-resigned-by-creator" % label,
                   resigned_batch(patched(batch_blob, ct_x_at, point)), items, want, section="1.4, 1.6, 9.1")
    batch_case("ml-kem-ciphertext-resigned-by-creator", resigned_batch(flipped(batch_blob, 40)), items, "AUTH",
               section="1.6, 9.2")
    batch_case("public-key-not-the-seeds", batch_blob, items, "INVALID_KEY", keys=(account_pk, bob_sk),
               section="1.6, 9.1")
    # Items (section 9.2): an item's suite is the verified batch's.
    batch_case("item-repeated", batch_blob, [items[0], items[0]], "BAD_SIGNATURE", section="9.2")
    batch_case("item-tampered", batch_blob, [flipped(items[0], 50)], "BAD_SIGNATURE", section="9.2")
    batch_case("item-index-beyond-count", batch_blob, [patched(items[1], 36, spec.u32(2))], "MISMATCH", section="9.2")
    batch_case("item-other-batch-id", batch_blob, [flipped(items[0], 20)], "MISMATCH", section="9.2")
    batch_case("item-wrong-key-id", batch_blob, [flipped(items[0], 4)], "WRONG_KEY", section="9.2")
    batch_case("item-relabelled-suite-1", batch_blob, [patched(items[0], 2, spec.u16(X1))], "UNSUPPORTED_SUITE",
               section="2, 9.2")
    batch_case("item-of-an-x25519-batch", batch_blob, [env["items"][0]], "UNSUPPORTED_SUITE", section="2, 9.2")
    batch_case("item-suite-3", batch_blob, [patched(items[0], 2, b"\x00\x03")], "UNSUPPORTED_SUITE", section="2, 9.2")
    batch_case("x25519-batch", env["batch_blob"], env["items"], "UNSUPPORTED_SUITE", section="2, 9.1")
    x25519_keys = (env["bob"]["encryption_pk"], env["bob"]["encryption_sk"])
    v.add("batch-open/xwing-batch", "batch_open", "2, 9.1",
          batch_inputs(batch_blob, items, x25519_keys, [alice["identity_pk"]], vault_id, 1, 1, 1800000000),
          lambda: open_batch(batch_blob, vault_id, items, x25519_keys, [alice["identity_pk"]], 1, 1, 1800000000, X1),
          "UNSUPPORTED_SUITE")
    v.add("batch-open/item-of-an-xwing-batch", "batch_open", "2, 9.2",
          batch_inputs(env["batch_blob"], [items[0]], x25519_keys, [alice["identity_pk"]], vault_id, 1, 1, 1800000000),
          lambda: open_batch(env["batch_blob"], vault_id, [items[0]], x25519_keys, [alice["identity_pk"]], 1, 1,
                             1800000000, X1), "UNSUPPORTED_SUITE")
    v.add("batch-sender/xwing", "batch_sender", "9.1", {"blob": batch_blob},
          lambda: {"identity_public_key": spec.batch_sender(batch_blob)})
    v.add("batch-count/xwing", "batch_count", "9.1", {"blob": batch_blob},
          lambda: {"item_count": spec.batch_count(batch_blob)})
    v.add("batch-item-index/xwing", "batch_item_index", "9.2", {"item": items[1]}, lambda: {"index": 1})
    for suite, op in ((X1, "batch_len"), (X2, "batch_len_xwing")):
        for vid_len, count in ((1, 0), (7, 2), (255, 1000)):
            v.add("%s/%d-%d" % (op.replace("_", "-"), vid_len, count), op, "9.1",
                  {"vault_id_len": vid_len, "item_count": count},
                  lambda: {"batch_len": spec.batch_len(suite, vid_len, count)})

    # ---- HPKE single-shot (sections 1, 1.6) ---------------------------------------------------------------
    info, aad, plaintext = b"libcloak vectors info", b"aad", b"a plaintext"
    randomness = _draw("hpke m || e", 64)
    enc, ciphertext = v.add(
        "hpke-seal-base-xwing/ok", "hpke_seal_base_xwing", "1.6",
        {"recipient_public_key": bob_pk, "info": info, "aad": aad, "plaintext": plaintext, "random": [randomness]},
        lambda: dict(zip(("enc", "ciphertext"), spec.hpke_seal_base(bob_pk, info, aad, plaintext, randomness)))
    ).values()
    first = pq["encryptions"][0]
    pq_inputs = {"info": bytes.fromhex(pq["info"]), "aad": bytes.fromhex(first["aad"]),
                 "plaintext": bytes.fromhex(first["pt"])}
    out = v.add("hpke-seal-base-xwing/hpke-pq-vector", "hpke_seal_base_xwing", "1.6",
                dict(recipient_public_key=pq_pk, random=[bytes.fromhex(pq["ikmE"])], **pq_inputs),
                lambda: dict(zip(("enc", "ciphertext"), spec.hpke_seal_base(
                    pq_pk, pq_inputs["info"], pq_inputs["aad"], pq_inputs["plaintext"], bytes.fromhex(pq["ikmE"])))))
    assert out == {"enc": bytes.fromhex(pq["enc"]), "ciphertext": bytes.fromhex(first["ct"])}

    def hpke_case(label: str, e_: bytes, ct: bytes, i: bytes, a: bytes, want: str, keys: tuple = (bob_pk, bob_sk),
                  section: str = "1.6") -> None:
        v.add("hpke-open-base-xwing/" + label, "hpke_open_base_xwing", section,
              {"enc": e_, "recipient_public_key": keys[0], "recipient_secret_key": keys[1], "info": i, "aad": a,
               "ciphertext": ct},
              lambda: {"plaintext": spec.hpke_open_base_xwing(e_, keys[0], keys[1], i, a, ct)}, want)

    hpke_case("ok", enc, ciphertext, info, aad, "ok")
    hpke_case("hpke-pq-vector", bytes.fromhex(pq["enc"]), bytes.fromhex(first["ct"]), pq_inputs["info"],
              pq_inputs["aad"], "ok", keys=(pq_pk, pq_sk))
    enc_empty, ct_empty = spec.hpke_seal_base(bob_pk, b"", b"", b"", _draw("hpke empty m || e", 64))
    hpke_case("empty-everything", enc_empty, ct_empty, b"", b"", "ok")
    hpke_case("other-info", enc, ciphertext, b"other", aad, "AUTH")
    hpke_case("other-aad", enc, ciphertext, info, b"aae", "AUTH")
    hpke_case("other-recipient", enc, ciphertext, info, aad, "AUTH", keys=(alice_pk, alice_sk))
    hpke_case("tag", enc, flipped(ciphertext, len(ciphertext) - 1), info, aad, "AUTH")
    hpke_case("ml-kem-ciphertext", flipped(enc, 0), ciphertext, info, aad, "AUTH")
    hpke_case("ml-kem-ciphertext-last-byte", flipped(enc, spec.MLKEM_CT_LEN - 1), ciphertext, info, aad, "AUTH")
    hpke_case("x25519-ephemeral", flipped(enc, spec.MLKEM_CT_LEN), ciphertext, info, aad, "AUTH")
    hpke_case("shorter-than-tag", enc, ciphertext[:15], info, aad, "MALFORMED")
    for label, point in small_order.items():
        hpke_case("x25519-ephemeral-small-order-" + label, enc[:spec.MLKEM_CT_LEN] + point, ciphertext, info, aad,
                  "INVALID_KEY", section="1.4, 1.6")
    hpke_case("x25519-ephemeral-bit-255-set", enc[:-1] + bytes([enc[-1] | 0x80]), ciphertext, info, aad, "MALFORMED",
              section="1.4, 1.6")
    hpke_case("x25519-ephemeral-u-is-p", enc[:spec.MLKEM_CT_LEN] + non_canonical["u-is-p"], ciphertext, info, aad,
              "MALFORMED", section="1.4, 1.6")
    hpke_case("public-key-not-the-seeds", enc, ciphertext, info, aad, "INVALID_KEY", keys=(bob_pk, alice_sk))
    hpke_case("public-key-of-another-seed-named", enc, ciphertext, info, aad, "INVALID_KEY", keys=(alice_pk, bob_sk))
    for label, pk, want in some_bad_keys:
        v.add("hpke-seal-base-xwing/recipient-" + label, "hpke_seal_base_xwing", "1.6",
              {"recipient_public_key": pk, "info": info, "aad": aad, "plaintext": plaintext},
              lambda: dict(zip(("enc", "ciphertext"), spec.hpke_seal_base(pk, info, aad, plaintext))), want)

    # ---- the suite of a blob (section 2) -------------------------------------------------------------------
    for label, b, want in (("xwing-bundle", bundle, "ok"), ("xwing-share", share, "ok"),
                           ("xwing-batch", batch_blob, "ok"),
                           ("xwing-item", items[0], "ok"), ("xwing-wrapped-key", wrapped_blobs[0x06], "ok"),
                           ("x25519-bundle", env["bundle"], "ok"), ("password-record", env["record"], "ok"),
                           ("password-record-suite-2", patched(env["record"], 2, spec.u16(X2)), "UNSUPPORTED_SUITE"),
                           ("identity-suite-2", patched(env["identity_blob"], 2, spec.u16(X2)), "UNSUPPORTED_SUITE"),
                           ("suite-3", patched(bundle, 2, b"\x00\x03"), "UNSUPPORTED_SUITE"),
                           ("version-1", patched(bundle, 0, b"\x01"), "UNSUPPORTED_VERSION"),
                           ("type-unknown", patched(bundle, 1, b"\x0e"), "MALFORMED"),
                           ("shorter-than-header", bundle[:19], "MALFORMED")):
        v.add("blob-suite/" + label, "blob_suite", "2", {"blob": b}, lambda: {"suite": spec.blob_suite(b)}, want)
    v.add("blob-inspect/xwing-share", "blob_inspect", "2", {"blob": share},
          lambda: dict(zip(("type", "key_id"), spec.blob_inspect(share))))

    return {"alice": (alice_pk, alice_sk), "bob": (bob_pk, bob_sk), "account": (account_pk, account_sk),
            "share": share, "share3": share3, "batch_head": head, "batch_blob": batch_blob}
