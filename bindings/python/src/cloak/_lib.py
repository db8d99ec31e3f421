"""Loading libcloak and declaring the prototype of every exported C function (ctypes).

The library is found, in this order:

1. ``CLOAK_LIBRARY``: the path of the shared library (e.g. ``build/src/libcloak.so``). When it is
   set, nothing else is tried: a wrong path is an error, not a silent fall-back to another copy.
2. ``pkg-config libcloak``: its ``-L`` directories and ``libdir`` (an installed library, or an
   uninstalled build through ``PKG_CONFIG_PATH=<build>/meson-uninstalled``).
3. ``ctypes.util.find_library("cloak")`` (ldconfig's cache), then the dynamic loader's own search
   (``LD_LIBRARY_PATH``) for ``libcloak.so.0``.

Every function gets ``argtypes`` and ``restype`` from the table below, which mirrors
include/cloak.h; ctypes then refuses a wrong argument count instead of passing garbage.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
from typing import Any, Dict, List, Optional, Sequence, Tuple

# The binding is written for this major version (the SONAME's number, libcloak.so.0).
ABI_MAJOR = 0
SONAME = "libcloak.so.%d" % ABI_MAJOR

_p = ctypes.c_void_p  # any byte buffer or opaque state (bytes, ctypes arrays)
_sz = ctypes.c_size_t
_psz = ctypes.POINTER(ctypes.c_size_t)
_pint = ctypes.POINTER(ctypes.c_int)
_pu32 = ctypes.POINTER(ctypes.c_uint32)
_u32 = ctypes.c_uint32
_int = ctypes.c_int
_str = ctypes.c_char_p

# name: (restype, argtypes). One entry per line of src/libcloak.map; tests/test_coverage.py checks
# that the two agree and that every entry is called by the test suite.
PROTOTYPES: Dict[str, Tuple[object, List[object]]] = {
    # version and status
    "cloak_version_string": (_str, []),
    "cloak_version_major": (_int, []),
    "cloak_version_minor": (_int, []),
    "cloak_version_patch": (_int, []),
    "cloak_status_string": (_str, [_int]),
    "cloak_init": (_int, []),
    # size twins
    "cloak_keybytes": (_sz, []),
    "cloak_keyidbytes": (_sz, []),
    "cloak_labelbytes_max": (_sz, []),
    "cloak_headerbytes": (_sz, []),
    "cloak_identity_publickeybytes": (_sz, []),
    "cloak_identity_secretkeybytes": (_sz, []),
    "cloak_identity_seedbytes": (_sz, []),
    "cloak_signaturebytes": (_sz, []),
    "cloak_encryption_publickeybytes": (_sz, []),
    "cloak_encryption_secretkeybytes": (_sz, []),
    "cloak_encryption_seedbytes": (_sz, []),
    "cloak_public_key_blobbytes": (_sz, []),
    "cloak_bundlebytes": (_sz, []),
    "cloak_wrapped_keybytes": (_sz, []),
    "cloak_service_account_private_blobbytes": (_sz, []),
    "cloak_sharebytes": (_sz, []),
    "cloak_secret_overheadbytes": (_sz, []),
    "cloak_batch_item_overheadbytes": (_sz, []),
    "cloak_batch_digestbytes": (_sz, []),
    "cloak_blind_indexbytes": (_sz, []),
    "cloak_password_saltbytes": (_sz, []),
    "cloak_password_recordbytes": (_sz, []),
    "cloak_fingerprint_textbytes": (_sz, []),
    "cloak_pair_code_textbytes": (_sz, []),
    "cloak_vault_statebytes": (_sz, []),
    "cloak_batch_statebytes": (_sz, []),
    "cloak_hpke_contextbytes": (_sz, []),
    "cloak_passwordbytes_max": (_sz, []),
    "cloak_batch_items_max": (_sz, []),
    "cloak_password_memory_kib_default": (_u32, []),
    "cloak_password_memory_kib_min": (_u32, []),
    "cloak_password_memory_kib_max": (_u32, []),
    "cloak_password_iterations_default": (_u32, []),
    "cloak_password_iterations_min": (_u32, []),
    "cloak_password_iterations_max": (_u32, []),
    "cloak_password_parallelism_default": (_u32, []),
    "cloak_password_parallelism_min": (_u32, []),
    "cloak_password_parallelism_max": (_u32, []),
    "cloak_hpke_encbytes": (_sz, []),
    "cloak_hpke_tagbytes": (_sz, []),
    # envelope and text form
    "cloak_blob_inspect": (_int, [_pint, _p, _p, _sz]),
    "cloak_text_encoded_len": (_sz, [_sz]),
    "cloak_text_decoded_maxlen": (_sz, [_sz]),
    "cloak_text_encode": (_int, [_p, _sz, _psz, _p, _sz]),
    "cloak_text_decode": (_int, [_p, _sz, _psz, _p, _sz]),
    # symmetric keys
    "cloak_key_id": (None, [_p, _p]),
    "cloak_vault_key_generate": (None, [_p]),
    # passwords
    "cloak_password_record_new": (_int, [_p, _u32, _u32, _u32]),
    "cloak_password_record_encode": (_int, [_p, _p, _u32, _u32, _u32]),
    "cloak_password_record_decode": (_int, [_p, _pu32, _pu32, _pu32, _p, _sz]),
    "cloak_password_derive": (_int, [_p, _p, _p, _sz, _p, _sz]),
    # identity and encryption keys
    "cloak_identity_keypair": (None, [_p, _p]),
    "cloak_identity_keypair_from_seed": (_int, [_p, _p, _p]),
    "cloak_identity_sign": (_int, [_p, _p, _sz, _p, _sz, _p]),
    "cloak_identity_verify": (_int, [_p, _p, _sz, _p, _sz, _p]),
    "cloak_encryption_keypair": (None, [_p, _p]),
    "cloak_encryption_keypair_from_seed": (_int, [_p, _p, _p, _sz]),
    "cloak_identity_public_export": (None, [_p, _p]),
    "cloak_identity_public_import": (_int, [_p, _p, _sz]),
    "cloak_encryption_public_export": (None, [_p, _p]),
    "cloak_encryption_public_import": (_int, [_p, _p, _sz]),
    "cloak_bundle_create": (_int, [_p, _p, _p]),
    "cloak_bundle_verify": (_int, [_p, _p, _p, _sz]),
    "cloak_identity_fingerprint": (None, [_p, _p]),
    "cloak_identity_pair_code": (None, [_p, _p, _p]),
    # wrapping
    "cloak_identity_wrap": (_int, [_p, _p, _p]),
    "cloak_identity_unwrap": (_int, [_p, _p, _p, _p, _sz]),
    "cloak_encryption_wrap": (_int, [_p, _p, _p]),
    "cloak_encryption_unwrap": (_int, [_p, _p, _p, _p, _sz]),
    "cloak_service_account_wrap": (_int, [_p, _p, _p]),
    "cloak_service_account_unwrap": (_int, [_p, _p, _p, _p, _sz]),
    "cloak_wrapped_key_public_key": (_int, [_p, _pint, _p, _sz]),
    "cloak_service_account_private_export": (_int, [_p, _p, _p]),
    "cloak_service_account_private_import": (_int, [_p, _p, _p, _sz]),
    # vaults and secrets
    "cloak_vault_init": (_int, [_p, _p, _p, _sz]),
    "cloak_vault_wipe": (None, [_p]),
    "cloak_vault_key_id": (None, [_p, _p]),
    "cloak_secret_sealed_len": (_sz, [_sz]),
    "cloak_secret_opened_len": (_sz, [_sz]),
    "cloak_secret_seal": (_int, [_p, _p, _sz, _psz, _p, _sz, _p, _sz, _p, _sz]),
    "cloak_secret_open": (_int, [_p, _p, _sz, _psz, _p, _sz, _p, _sz, _p, _sz]),
    "cloak_secret_reseal": (_int, [_p, _p, _p, _sz, _psz, _p, _sz, _p, _sz, _p, _sz]),
    "cloak_vault_blind_index": (_int, [_p, _p, _p, _sz]),
    # shares
    "cloak_share_seal": (_int, [_p, _p, _p, _sz, _p, _p]),
    "cloak_share_sender": (_int, [_p, _p, _sz]),
    "cloak_share_open": (_int, [_p, _p, _sz, _p, _sz, _p, _p, _p]),
    # batches
    "cloak_batch_item_len": (_sz, [_sz, _sz]),
    "cloak_batch_item_opened_maxlen": (_sz, [_sz]),
    "cloak_batch_len": (_sz, [_sz, _sz]),
    "cloak_batch_begin": (_int, [_p, _p, _p, _sz]),
    "cloak_batch_seal_item": (_int, [_p, _p, _sz, _psz, _p, _p, _sz, _p, _sz]),
    "cloak_batch_finish": (_int, [_p, _p, _sz, _psz, _p, _sz, _p]),
    "cloak_batch_sender": (_int, [_p, _p, _sz]),
    "cloak_batch_item_index": (_int, [_pu32, _p, _sz]),
    "cloak_batch_verify": (_int, [_p, _p, _sz, _p, _p, _p, _sz]),
    "cloak_batch_item_count": (_sz, [_p]),
    "cloak_batch_signer": (None, [_p, _p]),
    "cloak_batch_open_item": (_int, [_p, _p, _sz, _p, _sz, _p, _sz, _p, _sz, _psz, _p, _sz, _psz]),
    "cloak_batch_wipe": (None, [_p]),
    # HPKE
    "cloak_hpke_setup_sender": (_int, [_p, _p, _p, _p, _sz]),
    "cloak_hpke_setup_recipient": (_int, [_p, _p, _p, _p, _p, _sz]),
    "cloak_hpke_seal": (_int, [_p, _p, _p, _sz, _p, _sz]),
    "cloak_hpke_open": (_int, [_p, _p, _p, _sz, _p, _sz]),
    "cloak_hpke_export": (_int, [_p, _p, _sz, _p, _sz]),
    "cloak_hpke_context_wipe": (None, [_p]),
    "cloak_hpke_seal_base": (_int, [_p, _p, _p, _p, _sz, _p, _sz, _p, _sz]),
    "cloak_hpke_open_base": (_int, [_p, _p, _p, _p, _p, _sz, _p, _sz, _p, _sz]),
}


class Functions:
    """The bound C functions, as attributes named like the C functions (``C.cloak_init()``).

    A plain object rather than the CDLL itself, so that the test suite can count calls."""

    def __init__(self, dll: ctypes.CDLL) -> None:
        self.dll = dll
        for name, (restype, argtypes) in PROTOTYPES.items():
            fn = getattr(dll, name)  # AttributeError names the missing symbol
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, fn)

    def __getattr__(self, name: str) -> Any:  # only reached for names not bound above
        raise AttributeError("libcloak function %s has no prototype in cloak._lib.PROTOTYPES" % name)


def _pkg_config_dirs() -> List[str]:
    exe = shutil.which("pkg-config")
    if exe is None:
        return []
    dirs: List[str] = []
    for args in (["--libs-only-L"], ["--variable=libdir"]):
        try:
            out = subprocess.run([exe, *args, "libcloak"], capture_output=True, text=True, timeout=10,
                                 check=False)
        except (OSError, subprocess.SubprocessError):
            return dirs
        if out.returncode != 0:
            return dirs
        for word in out.stdout.split():
            d = word[2:] if word.startswith("-L") else word
            if d and d not in dirs:
                dirs.append(d)
    return dirs


def _candidates() -> List[str]:
    found: List[str] = []
    for d in _pkg_config_dirs():
        for name in (SONAME, "libcloak.so"):
            path = os.path.join(d, name)
            if os.path.exists(path):
                found.append(path)
    found_name = ctypes.util.find_library("cloak")
    if found_name is not None:
        found.append(found_name)
    found.append(SONAME)
    return found


def _load() -> Tuple[ctypes.CDLL, str]:
    explicit = os.environ.get("CLOAK_LIBRARY")
    if explicit:
        try:
            return ctypes.CDLL(explicit), explicit
        except OSError as e:
            raise ImportError("CLOAK_LIBRARY=%s cannot be loaded: %s" % (explicit, e)) from e
    errors: List[str] = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError(
        "libcloak not found. Set CLOAK_LIBRARY to the path of libcloak.so (for a meson build: "
        "BUILD_DIR/src/libcloak.so), or install libcloak so that pkg-config or ldconfig finds it. "
        "Tried: " + "; ".join(errors))


def _open() -> Tuple[Functions, str]:
    dll, path = _load()
    try:
        fns = Functions(dll)
    except AttributeError as e:
        raise ImportError("%s is not a compatible libcloak: %s" % (path, e)) from e
    major = fns.cloak_version_major()
    if major != ABI_MAJOR:
        raise ImportError("%s is libcloak %s; this binding needs major version %d"
                          % (path, fns.cloak_version_string().decode(), ABI_MAJOR))
    rc = fns.cloak_init()
    if rc != 0:
        raise ImportError("cloak_init() failed: %s (%d)" % (fns.cloak_status_string(rc).decode(), rc))
    return fns, path


C, LIBRARY_PATH = _open()


def exported_symbols(map_text: str) -> Sequence[str]:
    """The function names a linker version script (src/libcloak.map) exports."""
    text = re.sub(r"/\*.*?\*/", " ", map_text, flags=re.S)
    text = re.sub(r"#[^\n]*", " ", text)
    names: List[str] = []
    for block in re.findall(r"global:(.*?)(?:local:|})", text, flags=re.S):
        names.extend(n.strip() for n in block.split(";") if n.strip())
    return names


def status_string(code: int) -> str:
    """cloak_status_string(): a short English sentence for a status code."""
    return str(C.cloak_status_string(int(code)).decode("ascii"))


def library_path() -> Optional[str]:
    """The path (or name) libcloak was loaded from."""
    return LIBRARY_PATH
