"""Checks the primitives spec_impl.py builds suite 2 on against published vectors, before any
libcloak vector is written from them (make_libcloak_vectors.py runs it first; it takes a few seconds):

- ML-KEM-768 (kyber-py): Wycheproof's key generations from a seed (FIPS 203 KeyGen_internal(d, z)) and
  encapsulations from the randomness m (Encaps_internal(ek, m)), the invalid ones being keys of
  another length or with a coefficient of q or more, which spec_impl.mlkem_modulus_check must refuse
  (and only those: every valid key passes it), and which kyber-py refuses too;
- X-Wing and its HPKE (written in spec_impl.py): draft-ietf-hpke-pq's vector for KEM 0x647a,
  HKDF-SHA256, ChaCha20Poly1305 as Go's crypto/hpke ships it: DeriveKeyPair(ikmR), Encap with ikmE
  (m || e) and Decap give its keys, enc and shared secret, the key schedule its key, base nonce and
  exporter secret, and the context its 10 encryptions and 5 exports.

Raises AssertionError on the first disagreement."""

from __future__ import annotations

import json
import os

import spec_impl as spec

VECTORS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load(*path: str):  # type: ignore[no-untyped-def]
    with open(os.path.join(VECTORS, *path), encoding="utf-8") as f:
        return json.load(f)


def _h(x: str) -> bytes:
    return bytes.fromhex(x)


def check_mlkem() -> int:
    mlkem = spec._mlkem768()
    count = 0
    for group in _load("wycheproof", "mlkem_768_keygen_seed_test.json")["testGroups"]:
        for t in group["tests"]:
            seed = _h(t["seed"])
            ek, dk = mlkem._keygen_internal(seed[:32], seed[32:])
            assert (ek, dk) == (_h(t["ek"]), _h(t["dk"])), "ML-KEM keygen, tcId %s" % t["tcId"]
            assert spec.mlkem_modulus_check(ek), "modulus check refuses a generated key, tcId %s" % t["tcId"]
            count += 1
    for group in _load("wycheproof", "mlkem_768_encaps_test.json")["testGroups"]:
        for t in group["tests"]:
            ek, m = _h(t["ek"]), _h(t["m"])
            if t["result"] == "valid":
                assert spec.mlkem_modulus_check(ek), "modulus check refuses a valid key, tcId %s" % t["tcId"]
                k, c = mlkem._encaps_internal(ek, m)
                assert (k, c) == (_h(t["K"]), _h(t["c"])), "ML-KEM encaps, tcId %s" % t["tcId"]
            else:
                # A key of another length fails FIPS 203's type check; every one of 1184 bytes here
                # has a coefficient of q or more.
                assert len(ek) != spec.MLKEM_EK_LEN or not spec.mlkem_modulus_check(ek), \
                    "modulus check accepts tcId %s" % t["tcId"]
                try:
                    mlkem._encaps_internal(ek, m)
                except ValueError:
                    pass
                else:
                    raise AssertionError("kyber-py encapsulates to tcId %s" % t["tcId"])
            count += 1
    return count


def check_xwing_hpke() -> int:
    count = 0
    for v in _load("hpke_xwing_hkdf_sha256_chacha20poly1305.json"):
        assert (v["mode"], v["kem_id"], v["kdf_id"], v["aead_id"]) == (0, 0x647a, 1, 3)
        pk, sk = spec.xwing_derive_key_pair(_h(v["ikmR"]))
        assert (pk, sk) == (_h(v["pkRm"]), _h(v["skRm"])), "X-Wing DeriveKeyPair"
        spec.check_xwing_public_key(pk)
        shared, enc = spec.xwing_encap(pk, _h(v["ikmE"]))
        assert (shared, enc) == (_h(v["shared_secret"]), _h(v["enc"])), "X-Wing Encap"
        assert spec.xwing_decap(enc, sk, pk) == shared, "X-Wing Decap"
        assert spec.hpke_suite_id(spec.SUITE_XWING) == _h(v["suite_id"])
        info = _h(v["info"])
        ctx = spec.hpke_key_schedule_base(spec.SUITE_XWING, shared, info)
        assert (ctx.key, ctx.base_nonce, ctx.exporter_secret) == (_h(v["key"]), _h(v["base_nonce"]),
                                                                  _h(v["exporter_secret"])), "key schedule"
        sender_enc, sender = spec.hpke_setup_sender(pk, info, _h(v["ikmE"]))
        recipient = spec.hpke_setup_recipient(spec.SUITE_XWING, sender_enc, pk, sk, info)
        for seq, e in enumerate(v["encryptions"]):
            assert ctx._nonce(seq) == _h(e["nonce"]), "nonce %d" % seq
            assert sender.seal(seq, _h(e["aad"]), _h(e["pt"])) == _h(e["ct"]), "encryption %d" % seq
            assert recipient.open(seq, _h(e["aad"]), _h(e["ct"])) == _h(e["pt"]), "decryption %d" % seq
            count += 1
        for e in v["exports"]:
            assert ctx.export(_h(e["exporter_context"]), e["L"]) == _h(e["exported_value"]), "export"
            count += 1
    return count


def run() -> str:
    return "self-check: %d ML-KEM-768 cases, %d X-Wing HPKE values agree" % (check_mlkem(), check_xwing_hpke())


if __name__ == "__main__":
    print(run())
