"""Blob headers and the text form."""

from __future__ import annotations

import pytest

import cloak
from conftest import flip

T = cloak.ObjectType


def test_object_types() -> None:
    assert [int(t) for t in T] == list(range(1, 14))


def test_blob_inspect(alice: cloak.IdentityKeyPair, vault: cloak.Vault) -> None:
    sealed = vault.seal("n", b"v")
    assert cloak.blob_inspect(sealed) == (T.SECRET, vault.key_id)
    info = cloak.blob_inspect(sealed[:20])  # the body is not checked
    assert info.type == T.SECRET and info.key_id == vault.key_id
    with pytest.raises(cloak.MalformedError):
        cloak.blob_inspect(sealed[:19])
    with pytest.raises(cloak.UnsupportedVersionError):
        cloak.blob_inspect(flip(sealed, 0))
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.blob_inspect(flip(sealed, 3))
    with pytest.raises(cloak.MalformedError):
        cloak.blob_inspect(sealed[:1] + b"\x0e" + sealed[2:])
    with pytest.raises(cloak.MalformedError):
        cloak.blob_inspect(sealed[:1] + b"\x00" + sealed[2:])


def test_text_round_trip(alice: cloak.IdentityKeyPair, vault: cloak.Vault) -> None:
    for blob, name in ((alice.export_public(), "identity"), (vault.seal("n", b"v" * 100), "secret"),
                       (cloak.password_record_new(), "password")):
        text = cloak.text_encode(blob)
        assert text.startswith("cloak-%s-" % name)
        assert len(text) + 1 <= cloak.text_encoded_len(len(blob))
        assert cloak.text_decode(text) == blob
        assert cloak.text_decode(" \t\r\n" + text + "\n ") == blob
        assert cloak.text_decode(text.encode()) == blob
        assert len(blob) <= cloak.text_decoded_maxlen(len(text))


def test_text_errors(alice: cloak.IdentityKeyPair) -> None:
    text = cloak.text_encode(alice.export_public())
    body_start = len("cloak-identity-")
    # A changed character of the base64 part: the checksum catches a copy error (or, in the last
    # character, the unused bits make the encoding non-canonical).
    seen = set()
    for i in range(body_start, len(text)):
        c = "A" if text[i] != "A" else "B"
        with pytest.raises((cloak.ChecksumError, cloak.MalformedError)) as info:
            cloak.text_decode(text[:i] + c + text[i + 1:])
        seen.add(type(info.value))
    assert cloak.ChecksumError in seen
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode(text.replace("cloak-identity-", "cloak-pubkey-"))
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode(text.replace("cloak-", "cloak_"))
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode(text + "=")
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode(text[:20] + " " + text[20:])
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode(text + "é")
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode("")
    for cut in range(len(text)):
        with pytest.raises((cloak.MalformedError, cloak.ChecksumError)):
            cloak.text_decode(text[:cut])


def test_text_encode_refuses_non_blobs() -> None:
    with pytest.raises(cloak.MalformedError):
        cloak.text_encode(b"not a blob")
    # Section 2's steps 1 to 4: version 0x02 only, then suite 0x0001 only.
    with pytest.raises(cloak.UnsupportedVersionError):
        cloak.text_encode(b"\x01" + bytes(51))
    with pytest.raises(cloak.UnsupportedSuiteError):
        cloak.text_encode(b"\x02\x02" + bytes(50))


def _text(name: str, blob: bytes) -> str:
    import base64
    import hashlib
    checksum = hashlib.sha256(bytes([16]) + b"libcloak v2 text" + blob).digest()[:4]
    return "cloak-%s-%s" % (name, base64.urlsafe_b64encode(blob + checksum).rstrip(b"=").decode())


def test_text_check_order(alice: cloak.IdentityKeyPair) -> None:
    """Pins the order where section 3 leaves room: the prefix's type name is read before the
    checksum (an unknown name is malformed even with a bad checksum; a known but wrong name with a
    bad checksum is a checksum error), and the text layer applies section 2's steps 1 to 4 only:
    a blob of the right type but the wrong length decodes, and its reader refuses it."""
    blob = alice.export_public()
    good = _text("identity", blob)
    body = good[len("cloak-identity-"):]
    bad = body[:5] + ("A" if body[5] != "A" else "B") + body[6:]
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode("cloak-nosuchtype-" + bad)
    with pytest.raises(cloak.ChecksumError):
        cloak.text_decode("cloak-pubkey-" + bad)
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode("CLOAK-identity-" + body)
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode("cloak-IDENTITY-" + body)
    with pytest.raises(cloak.UnsupportedVersionError):
        cloak.text_decode(_text("identity", b"\x01" + blob[1:]))
    # A type outside the table, and a type of the table other than the prefix's name.
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode(_text("identity", blob[:1] + b"\x0e" + blob[2:]))
    with pytest.raises(cloak.MalformedError):
        cloak.text_decode(_text("identity", blob[:1] + b"\x0d" + blob[2:]))
    header_only = cloak.text_decode(_text("identity", blob[:20]))
    assert header_only == blob[:20]
    with pytest.raises(cloak.MalformedError):
        cloak.identity_public_import(header_only)
