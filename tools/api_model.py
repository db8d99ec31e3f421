"""The API description every generated file is made from: include/cloak.h, read as a small,
regular C dialect, plus tools/api-annotations.txt for what a prototype cannot say.

A parameter's role follows from its declaration and its neighbours:

    const uint8_t x[CLOAK_N]                       fixed-size input          (kind "in_fixed")
    uint8_t x[CLOAK_N], char x[CLOAK_N]            fixed-size output         ("out_fixed")
    const uint8_t *x, size_t x_len                 variable input            ("in_bytes")
    const char *x, size_t x_len                    variable text input       ("in_text")
    uint8_t *x, size_t x_cap, size_t *x_len        variable output           ("out_bytes"; its
    char *x, size_t x_cap, size_t *x_len           variable text output      ("out_text")   cap= is annotated)
    uint32_t x, size_t x, int x                    scalar input              ("in_scalar")
    uint32_t *x, size_t *x, int *x                 scalar output             ("out_scalar")
    cloak_vault *x, const cloak_batch *x, ...      caller-owned state        ("state")
    uint8_t *x, size_t x_len  (annotated inout)    updated in place          ("inout_bytes")

The length, capacity and length-out parameters belong to the buffer they follow and do not appear
as parameters of their own (Param.length, Param.capacity, Param.length_out name them). Anything
else needs an annotation; a prototype the rules and annotations cannot classify is an error, so a
new function is either understood or refused, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = ROOT / "include" / "cloak.h"
ANNOTATIONS = Path(__file__).resolve().parent / "api-annotations.txt"
MESON = ROOT / "meson.build"

BANNER = re.compile(r"/\* -{20,}\n \* (.*?)\n(.*?) \* -{20,} \*/", re.S)
STATE_TYPES = ("cloak_vault", "cloak_batch", "cloak_head", "cloak_hpke_context")
SCALARS = ("uint32_t", "uint64_t", "size_t", "int")


class ApiError(Exception):
    """The header or the annotations say something the generator does not understand."""


@dataclass
class Constant:
    name: str            # CLOAK_KEYBYTES
    value: int
    comment: str
    section: str
    twin: str            # cloak_keybytes
    twin_type: str       # size_t or uint32_t

    @property
    def short(self) -> str:
        """The name without the CLOAK_ prefix (KEYBYTES), as bindings spell it."""
        return self.name[len("CLOAK_"):]


@dataclass
class Enumerator:
    name: str            # CLOAK_E_AUTH, CLOAK_TYPE_SHARE
    value: int
    comment: str

    @property
    def short(self) -> str:
        """CLOAK_E_AUTH -> AUTH, CLOAK_TYPE_SHARE -> SHARE, CLOAK_OK -> OK."""
        return re.sub(r"^CLOAK_(E_|TYPE_)?", "", self.name)


@dataclass
class Param:
    name: str
    kind: str
    ctype: str                       # the base C type: uint8_t, char, uint32_t, cloak_vault, ...
    const: bool = False
    size: str | None = None          # fixed size (a macro) or an output size expression
    length: str | None = None        # the size_t parameter holding an input's length
    capacity: str | None = None      # the size_t parameter holding an output's capacity
    length_out: str | None = None    # the size_t * parameter receiving an output's length
    count: str | None = None         # an array input: element count parameter ...
    element: str | None = None       # ... and element size macro
    nullable: bool = False           # NULL means something else than an empty buffer
    cap_expr: str | None = None      # out_bytes/out_text: the capacity to allocate (a C expression
                                     # over parameters, macros and length helpers), or "caller"

    @property
    def is_output(self) -> bool:
        return self.kind.startswith("out")


@dataclass
class Function:
    name: str                        # cloak_secret_seal
    returns: str                     # int, void, size_t, uint32_t, const char *
    params: list[Param]
    c_params: list[tuple[str, str]]  # every C parameter as (declaration, name), in order
    comment: str
    section: str
    nodiscard: bool
    status: bool                     # returns a cloak_status
    per_item: bool = False           # called once per secret or item: bindings keep it cheap
    twin_of: str | None = None       # the macro a twin function returns

    @property
    def short(self) -> str:
        return self.name[len("cloak_"):]


@dataclass
class Api:
    version: str
    constants: list[Constant]
    statuses: list[Enumerator]
    object_types: list[Enumerator]
    functions: list[Function]
    states: dict[str, str] = field(default_factory=dict)   # struct name -> size macro

    def constant(self, name: str) -> Constant:
        for c in self.constants:
            if c.name == name:
                return c
        raise KeyError(name)

    def function(self, name: str) -> Function:
        for f in self.functions:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def api_functions(self) -> list[Function]:
        """Every function but the twins."""
        return [f for f in self.functions if f.twin_of is None]


def project_version(meson_text: str) -> str:
    m = re.search(r"project\([^)]*?version\s*:\s*'(\d+\.\d+\.\d+)'", meson_text, re.S)
    if not m:
        raise ApiError("meson.build: no project(..., version : 'X.Y.Z')")
    return m.group(1)


def clean_comment(text: str) -> str:
    body = text.strip()[2:-2]
    lines = [re.sub(r"^\s*\* ?", "", line).rstrip() for line in body.splitlines()]
    return "\n".join(lines).strip()


def strip_generated(text: str) -> str:
    """The header without the text between generated markers, so that the model never reads its
    own output."""
    return re.sub(r"(/\* BEGIN generated[^\n]*\*/\n).*?(/\* END generated \*/)", r"\1\2", text, flags=re.S)


def twin_type(macro: str) -> str:
    return "size_t" if re.search(r"BYTES(_MAX)?$|ITEMS_MAX$", macro) else "uint32_t"


def sections(text: str):
    """Yields (title, body) for each banner of the header."""
    banners = list(BANNER.finditer(text))
    for i, banner in enumerate(banners):
        end = banners[i + 1].start() if i + 1 < len(banners) else len(text)
        yield banner.group(1).strip(), text[banner.end():end]


def split_params(arglist: str) -> list[tuple[str, str]]:
    arglist = re.sub(r"\s+", " ", arglist).strip()
    if arglist in ("void", ""):
        return []
    out = []
    for decl in arglist.split(","):
        decl = decl.strip()
        m = re.match(r"(.*?)(\w+)(\[\w+\])?$", decl)
        if not m:
            raise ApiError(f"cannot read parameter {decl!r}")
        out.append((decl, m.group(2)))
    return out


def parse_annotations(path: Path) -> tuple[dict, set]:
    """{(function, parameter): {key: value}} and the set of per-item functions."""
    params, per_item = {}, set()
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0] == "per-item":
            per_item.update(words[1:])
            continue
        if len(words) < 3:
            raise ApiError(f"{path.name}:{lineno}: expected 'function parameter annotation...'")
        attrs = {}
        for w in words[2:]:
            key, _, value = w.partition("=")
            attrs[key] = value or True
        params[(words[0], words[1])] = attrs
    return params, per_item


def classify(fname: str, decls: list[tuple[str, str]], notes: dict) -> list[Param]:
    """Groups the C parameters of one function into Params (see the module's docstring)."""
    names = [n for _, n in decls]
    used: set[str] = set()
    params: list[Param] = []
    for i, (decl, name) in enumerate(decls):
        if name in used:
            continue
        note = notes.pop((fname, name), None)
        const = decl.startswith("const ")
        base = re.sub(r"^const ", "", decl)
        m = re.match(r"(\w+) ?(\*?) ?\w+(?:\[(\w+)\])?$", base)
        if not m:
            raise ApiError(f"{fname}: cannot read parameter {decl!r}")
        ctype, star, bound = m.group(1), m.group(2), m.group(3)
        nxt = names[i + 1] if i + 1 < len(names) else None
        nxt2 = names[i + 2] if i + 2 < len(names) else None
        p = Param(name=name, kind="", ctype=ctype, const=const)
        if note:
            p.nullable = bool(note.get("nullable"))
        if ctype in STATE_TYPES and star:
            p.kind = "state"
        elif bound:
            p.kind = "in_fixed" if const else "out_fixed"
            p.size = bound
        elif note and "count" in note:
            p.kind, p.count, p.element = "in_array", note["count"], note["elem"]
            used.add(p.count)
        elif note and note.get("inout") and star and not const and nxt == name + "_len":
            p.kind, p.length = "inout_bytes", nxt
            used.add(nxt)
        elif note and "size" in note:
            p.kind, p.size = "out_sized", note["size"]
            if note["size"] in names and note["size"] != name:
                used.add(note["size"])
        elif ctype in ("uint8_t", "char") and star and const and nxt == name + "_len":
            p.kind = "in_text" if ctype == "char" else "in_bytes"
            p.length = nxt
            used.add(nxt)
        elif (ctype in ("uint8_t", "char") and star and not const and nxt == name + "_cap"
              and nxt2 == name + "_len"):
            p.kind = "out_text" if ctype == "char" else "out_bytes"
            p.capacity, p.length_out = nxt, nxt2
            used.update((nxt, nxt2))
            if not note or "cap" not in note:
                raise ApiError(f"{fname}: output {name!r} needs a cap= annotation in {ANNOTATIONS.name} "
                               "(the capacity a binding allocates for it)")
            p.cap_expr = note["cap"]
        elif ctype in SCALARS and not star:
            p.kind = "in_scalar"
        elif ctype in SCALARS and star and not const:
            p.kind = "out_scalar"
        else:
            raise ApiError(f"{fname}: parameter {name!r} ({decl}) fits no rule: annotate it in "
                           f"{ANNOTATIONS.name}")
        params.append(p)
    return params


def parse(header_text: str | None = None, annotations: Path = ANNOTATIONS,
          meson_text: str | None = None) -> Api:
    text = strip_generated(header_text if header_text is not None else HEADER.read_text())
    version = project_version(meson_text if meson_text is not None else MESON.read_text())
    notes, per_item = parse_annotations(annotations)
    constants, functions, statuses, object_types, states = [], [], [], [], {}
    for title, body in sections(text):
        for m in re.finditer(r"^#define (CLOAK_\w+) (\d+)U\b[ \t]*(/\*.*?\*/)?", body, re.M):
            name = m.group(1)
            constants.append(Constant(name, int(m.group(2)), clean_comment(m.group(3)) if m.group(3) else "",
                                      title, name.lower(), twin_type(name)))
        for m in re.finditer(r"typedef enum (\w+) \{(.*?)\}", body, re.S):
            target = statuses if m.group(1) == "cloak_status" else object_types
            for e in re.finditer(r"((?:/\*.*?\*/\s*)?)(CLOAK_\w+) = (-?(?:0x)?[0-9A-Fa-f]+)", m.group(2), re.S):
                target.append(Enumerator(e.group(2), int(e.group(3), 0),
                                         clean_comment(e.group(1)) if e.group(1).strip() else ""))
        for m in re.finditer(r"typedef struct (\w+) \{.*?bytes\[(CLOAK_\w+)\]", body, re.S):
            states[m.group(1)] = m.group(2)
        pos = 0
        for m in re.finditer(r"(/\*(?:(?!\*/).)*\*/\s*)?CLOAK_EXPORT ([^;]*?)\b(cloak_\w+)\s*\(([^)]*)\);", body, re.S):
            comment = clean_comment(m.group(1)) if m.group(1) else ""
            spec, name, args = m.group(2), m.group(3), m.group(4)
            nodiscard = "CLOAK_NODISCARD" in spec
            returns = re.sub(r"\s+", " ", spec.replace("CLOAK_NODISCARD", "")).strip()
            decls = split_params(args)
            params = classify(name, decls, notes)
            functions.append(Function(name, returns, params, decls, comment, title, nodiscard,
                                      status=(returns == "int" and nodiscard), per_item=name in per_item))
            pos = m.end()
    twins = []
    for c in constants:
        twins.append(Function(c.twin, c.twin_type, [], [], c.comment, "For bindings", False, False,
                              twin_of=c.name))
    if notes:
        raise ApiError(f"{ANNOTATIONS.name}: annotations for unknown parameters: {sorted(notes)}")
    unknown = per_item - {f.name for f in functions}
    if unknown:
        raise ApiError(f"{ANNOTATIONS.name}: per-item names unknown functions: {sorted(unknown)}")
    return Api(version, constants, statuses, object_types, functions + twins, states)
