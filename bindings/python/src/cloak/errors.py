"""Exceptions: one base class, CloakError, and one subclass per cloak_status code (the codes are
generated from the header into _api.Status)."""

from __future__ import annotations

from typing import Dict, NoReturn, Optional, Type

from ._api import Status
from ._lib import status_string



class CloakError(Exception):
    """A libcloak operation failed. ``code`` is the C library's (negative) status code.

    Every subclass has a fixed code; ``CloakError`` itself is raised only for a code this binding
    does not know (a newer library)."""

    code: int = 0

    def __init__(self, message: Optional[str] = None, code: Optional[int] = None) -> None:
        if code is not None:
            self.code = code
        if message is None:
            message = status_string(self.code)
        super().__init__(message)

    @property
    def status(self) -> Optional[Status]:
        try:
            return Status(self.code)
        except ValueError:
            return None


class MalformedError(CloakError):
    """Not a well-formed encoding: wrong length, trailing bytes, bad text."""

    code = Status.MALFORMED


class UnsupportedVersionError(CloakError):
    """The blob's format version is not one this library reads."""

    code = Status.UNSUPPORTED_VERSION


class UnsupportedSuiteError(CloakError):
    """The blob names a cipher suite this library does not implement."""

    code = Status.UNSUPPORTED_SUITE


class WrongTypeError(CloakError):
    """A well-formed blob of another object type than the operation reads."""

    code = Status.WRONG_TYPE


class WrongKeyError(CloakError):
    """The blob was made for another key (its key id does not match the key given)."""

    code = Status.WRONG_KEY


class AuthenticationError(CloakError):
    """Decryption failed: the blob was altered, or is opened in another context."""

    code = Status.AUTH


class BadSignatureError(CloakError):
    """A signature does not verify, or a batch item is not in the signed manifest."""

    code = Status.BAD_SIGNATURE


class UntrustedSignerError(CloakError):
    """A valid signature by an identity the caller did not list as trusted."""

    code = Status.UNTRUSTED_SIGNER


class BufferTooSmallError(CloakError):
    """An output buffer is smaller than the length helper says (a binding bug if ever seen)."""

    code = Status.BUFFER_TOO_SMALL


class BadParamsError(CloakError, ValueError):
    """A parameter is out of bounds: Argon2id costs, a label's length, a key's size, an item count.
    Also a ValueError, as a wrong size is in other Python crypto libraries."""

    code = Status.BAD_PARAMS


class InvalidKeyError(CloakError):
    """A key was rejected: a public key of small order or that gives an all-zero shared secret, or
    an identity secret key whose public half is not its seed's."""

    code = Status.INVALID_KEY


class ChecksumError(CloakError):
    """The checksum of a text form does not match: a copy and paste error."""

    code = Status.CHECKSUM


class MismatchError(CloakError):
    """It does not belong where it is used: another vault, epoch, batch or key, a head that does not
    descend from the caller's (a fork or a gap), or a Merkle proof that does not hold."""

    code = Status.MISMATCH


class NoMemoryError(CloakError):
    """Argon2id could not get its working memory."""

    code = Status.NOMEM


class InternalError(CloakError):
    """The library could not initialise, or a system facility (threads) failed."""

    code = Status.INTERNAL


class StaleError(CloakError):
    """Authentic, but older than the caller's minimum: an epoch or head version below one it has
    already seen (a rollback by the server)."""

    code = Status.STALE


class ExpiredError(CloakError):
    """Authentic, but past its expiry time."""

    code = Status.EXPIRED


class BadStateError(CloakError, ValueError):
    """A state object (Vault, BatchWriter, BatchReader, Head, HpkeContext) was wiped or finished,
    is used in a role it was not set up for, or its C state was copied. Also a ValueError, as is
    using a closed file."""

    code = Status.BAD_STATE


class WeakParamsError(CloakError):
    """A password record outside the client's cost policy: Argon2id costs below its floor (a server
    cheapening offline guessing) or above its ceiling (a server stalling the client). Refused
    before any Argon2id work. Not a ValueError: the record comes from the server, not the caller."""

    code = Status.WEAK_PARAMS


class PolicyError(CloakError):
    """Refused by the vault's policy: an X25519 key, share or batch in a vault whose head makes it
    post-quantum only (VAULT_POST_QUANTUM_ONLY). Not a ValueError: the vault's admins set the
    policy, and the refusal is the point of it."""

    code = Status.POLICY


ERRORS: Dict[int, Type[CloakError]] = {
    int(cls.code): cls
    for cls in (MalformedError, UnsupportedVersionError, UnsupportedSuiteError, WrongTypeError,
                WrongKeyError, AuthenticationError, BadSignatureError, UntrustedSignerError,
                BufferTooSmallError, BadParamsError, InvalidKeyError, ChecksumError, MismatchError,
                NoMemoryError, InternalError, StaleError, ExpiredError, BadStateError, WeakParamsError,
                PolicyError)
}


def error_for(code: int) -> CloakError:
    """The exception for a non-zero status code."""
    cls = ERRORS.get(code)
    if cls is None:
        return CloakError(code=code)
    return cls()


def check(code: int) -> None:
    """Raises the exception of a C function's status code; returns on CLOAK_OK."""
    if code != 0:
        raise error_for(code)


def raise_bad_params(message: str) -> NoReturn:
    raise BadParamsError(message)
