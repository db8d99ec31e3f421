"""The Go binding's mechanical layer (bindings/go/api_gen.go): the size and bound constants as cgo
reads them from the header's macros, the check of those against the linked library's twins, the
status codes as sentinel errors, the object types, the cgo annotations of the per-item functions,
and one Go function per C function that does the mechanics of a call: check the fixed sizes,
allocate each variable output at the capacity the length helper or the cap= annotation gives, call,
turn the status into an error, slice the output to its length and wipe what is left over.

The output is gofmt's layout already (run-tests.sh fails on any file gofmt would change), so the
alignment gofmt applies to consecutive `name = value` lines is reproduced here."""
from __future__ import annotations

import json
import re
import textwrap

from api_model import Api, Constant, Function, Param

PATH = "bindings/go/api_gen.go"

# Words of the C names that are not one English word each, spelled as Go spells them.
WORDS = {
    "PUBLICKEY": "PublicKey", "SECRETKEY": "SecretKey", "KEYID": "KeyID", "HPKE": "HPKE",
    "KIB": "KiB", "NOMEM": "NoMem", "MAXLEN": "MaxLen", "ID": "ID", "XWING": "XWing", "KEYHASH": "KeyHash",
}
GO_KEYWORDS = {"type", "func", "range", "map", "chan", "go", "select", "default", "case", "var",
               "const", "package", "import", "interface", "struct", "return", "break", "continue",
               "switch", "if", "else", "for", "goto", "defer", "fallthrough", "len", "string"}


def word(w: str) -> str:
    w = w.upper()
    if w in WORDS:
        return WORDS[w]
    if w.endswith("BYTES") and w != "BYTES":
        return word(w[:-5]) + "Bytes"
    return w.capitalize()


def go_name(c_name: str) -> str:
    """CLOAK_IDENTITY_PUBLICKEYBYTES -> IdentityPublicKeyBytes, cloak_batch_len -> BatchLen."""
    return "".join(word(w) for w in re.sub(r"^(?i:cloak_)", "", c_name).split("_"))


def wrapper_name(c_name: str) -> str:
    """cloak_secret_seal -> cloakSecretSeal: the unexported Go function that calls it."""
    return "cloak" + go_name(c_name)


def local(c_name: str) -> str:
    """A C parameter's name as a Go identifier: secret_key -> secretKey, type -> typ."""
    parts = c_name.split("_")
    name = parts[0] + "".join(word(p) for p in parts[1:])
    return name + "_" if name in GO_KEYWORDS else name


def q(text: str) -> str:
    """A Go string literal."""
    return json.dumps(text)


def sentence(text: str) -> str:
    """A sentence of the header continued after a colon: its first word in lower case, unless it
    is an acronym or a name (HPKE, Argon2id)."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def error_name(e) -> str:
    return "Err" + go_name(e.short)


def comment(text: str, width: int = 97) -> list[str]:
    """Comment lines of Go source, the text wrapped to the width of the project's lines."""
    return ["// " + line for line in textwrap.wrap(" ".join(text.split()), width)]


def aligned(entries: list[tuple[list[str], str, str]], indent: str = "\t") -> list[str]:
    """Lines of a const or var block: (doc lines, name, value) each. gofmt aligns the '=' of
    consecutive one-line entries, and a comment line ends such a run."""
    runs: list[list[tuple[list[str], str, str]]] = []
    for entry in entries:
        if entry[0] or not runs:
            runs.append([])
        runs[-1].append(entry)
    out = []
    for run in runs:
        width = max(len(n) for _, n, _ in run)
        for doc, name, value in run:
            out += [indent + d for d in doc]
            out.append(f"{indent}{name.ljust(width)} = {value}")
    return out


def is_length_helper(f: Function) -> bool:
    return f.returns == "size_t" and bool(f.params) and all(p.kind == "in_scalar" for p in f.params)


def c_expr(expr: str, inputs: set[str], size_params: dict[str, str]) -> str:
    """A size expression of the annotations, over parameters, macros and length helpers, as Go
    int arithmetic: value_len -> len(value), CLOAK_X -> C.CLOAK_X, cloak_f(a) -> int(C.cloak_f(..))."""
    def operand(m: re.Match) -> str:
        ident = m.group(0)
        if ident.startswith("CLOAK_"):
            return "C." + ident
        if ident.startswith("cloak_"):
            return ident
        if ident in size_params:
            return size_params[ident]
        if ident.endswith("_len") and ident[:-4] in inputs:
            return f"len({local(ident[:-4])})"
        raise SystemExit(f"emit_go: cannot read {ident!r} in size expression {expr!r}")
    helper = re.fullmatch(r"(cloak_\w+)\((.*)\)", expr.strip())
    if helper:
        # A length helper takes and returns size_t; its arguments are Go ints here.
        args = ", ".join(f"sz({c_expr(a, inputs, size_params)})" for a in helper.group(2).split(","))
        return f"int(C.{helper.group(1)}({args}))"
    go = re.sub(r"\b[A-Za-z_]\w*\b", operand, expr)
    return re.sub(r"\s*([-+*/])\s*", r" \1 ", go).strip()


SCALAR_GO = {"uint32_t": "uint32", "uint64_t": "uint64", "size_t": "int", "int": "int"}
SCALAR_C = {"uint32_t": "C.uint32_t", "uint64_t": "C.uint64_t", "size_t": "C.size_t", "int": "C.int"}


def wrapper(f: Function) -> list[str]:
    """The Go function doing the mechanics of one C function's call."""
    op = f.short.replace("_", " ")
    params: list[str] = []          # Go parameters
    checks: list[str] = []          # size checks before the call
    setup: list[str] = []           # allocations
    args: dict[str, str] = {}       # C parameter -> Go argument
    results: list[tuple[str, str, str]] = []  # (Go type, expression on success, zero value)
    finish: list[str] = []          # after a successful call: slicing, wiping
    inputs = {p.name for p in f.params if p.kind in ("in_bytes", "in_text", "in_array")}
    size_params = {}
    for p in f.params:
        if p.kind == "out_sized" and re.fullmatch(r"[a-z_]+", p.size or "") and p.size.startswith(p.name):
            size_params[p.size] = local(p.size)
        if p.kind == "in_array":
            size_params[p.count] = f"(len({local(p.name)}) / C.{p.element})"
    for p in f.params:
        g = local(p.name)
        if p.kind == "state":
            params.append(f"{g} *C.{p.ctype}")
            args[p.name] = g
        elif p.kind in ("in_fixed", "out_fixed") and p.ctype == "uint8_t":
            params.append(f"{g} []byte")
            what = p.name.replace("_", " ")
            # A nullable fixed input (a member's identity key, absent for a service account): nil is
            # NULL, and only a non-nil one is size-checked.
            guard = f"{g} != nil && " if p.nullable else ""
            if f.status:
                checks.append(f"if err := checkSize({q(op)}, {q(what)}, {g}, C.{p.size}); {guard}err != nil {{")
                checks += ["\treturn " + ", ".join([r[2] for r in results_placeholder(f)] + ["err"]), "}"]
            else:
                checks.append(f"mustSize({q(what)}, {g}, C.{p.size})")
            args[p.name] = f"u8opt({g})" if p.nullable else f"u8({g})"
        elif p.kind == "out_fixed":  # text of a fixed size, NUL-terminated
            # It may be a secret's text (the account secret key's): the buffer is cleared once
            # copied, on every path, as a variable text output is.
            setup += [f"var {g} [C.{p.size}]C.char", f"defer clear({g}[:])"]
            args[p.name] = f"&{g}[0]"
            results.append(("string", f"C.GoString(&{g}[0])", '""'))
        elif p.kind in ("in_bytes", "in_text"):
            if p.kind == "in_text":
                params.append(f"{g} string")
                args[p.name] = f"cstr({g})"
            else:
                params.append(f"{g} []byte")
                args[p.name] = f"u8opt({g})" if p.nullable else f"u8({g})"
            args[p.length] = f"sz(len({g}))"
        elif p.kind == "inout_bytes":
            params.append(f"{g} []byte")
            args[p.name] = f"u8({g})"
            args[p.length] = f"sz(len({g}))"
        elif p.kind == "in_array":
            params.append(f"{g} []byte")
            what = p.name.replace("_", " ")
            checks += [f"if err := checkMultiple({q(op)}, {q(what)}, {g}, C.{p.element}); err != nil {{",
                       "\treturn " + ", ".join([r[2] for r in results_placeholder(f)] + ["err"]), "}"]
            setup.append(f"{local(p.count)} := len({g}) / C.{p.element}")
            args[p.name] = f"u8({g})"
            args[p.count] = f"sz({local(p.count)})"
        elif p.kind in ("out_bytes", "out_text"):
            n = g + "Len"
            if p.cap_expr == "caller":
                params.append(f"{g}Cap int")
                cap = f"{g}Cap"
            else:
                cap = f"{g}Cap"
                setup.append(f"{cap} := {c_expr(p.cap_expr, inputs, size_params)}")
            setup += [f"{g} := make([]byte, max({cap}, 0))", f"var {n} C.size_t"]
            ptr = f"(*C.char)(unsafe.Pointer(u8({g})))" if p.kind == "out_text" else f"u8({g})"
            args[p.name], args[p.capacity], args[p.length_out] = ptr, f"sz(len({g}))", f"&{n}"
            if p.kind == "out_text":
                # A text form may be a private key's: the buffer is wiped once copied.
                results.append(("string", f"string({g}[:{n}])", '""'))
                finish.append(f"defer wipeBytes({g})")
            else:
                # The part past the length may hold what the library decrypted in place.
                finish.append(f"wipeBytes({g}[{n}:])")
                results.append(("[]byte", f"{g}[:{n}:{n}]", "nil"))
        elif p.kind == "out_sized":
            if p.size in size_params:
                n = size_params[p.size]
                params.append(f"{n} int")
                checks += [f"if err := checkLength({q(op)}, {q(p.size.replace('_', ' '))}, {n}); err != nil {{",
                           "\treturn " + ", ".join([r[2] for r in results_placeholder(f)] + ["err"]), "}"]
                args[p.size] = f"sz(len({g}))"
            if p.size not in size_params:
                setup.append(f"{g}Size := {c_expr(p.size, inputs, size_params)}")
            setup.append(f"{g} := make([]byte, max({size_params.get(p.size, g + 'Size')}, 0))")
            args[p.name] = f"u8({g})"
            results.append(("[]byte", g, "nil"))
        elif p.kind == "in_scalar":
            params.append(f"{g} {SCALAR_GO[p.ctype]}")
            args[p.name] = f"sz({g})" if p.ctype == "size_t" else f"{SCALAR_C[p.ctype]}({g})"
        elif p.kind == "out_scalar":
            setup.append(f"var {g} {SCALAR_C[p.ctype]}")
            args[p.name] = f"&{g}"
            results.append((SCALAR_GO[p.ctype], f"{SCALAR_GO[p.ctype]}({g})", "0"))
        else:
            raise SystemExit(f"emit_go: {f.name}: no Go mechanics for a parameter of kind {p.kind}")
    call = f"C.{f.name}(" + ", ".join(args[n] for _, n in f.c_params) + ")"
    ret_types = [r[0] for r in results]
    body = checks + setup
    if f.status:
        ret_types.append("error")
        body += [f"if rc := {call}; rc != 0 {{",
                 "\treturn " + ", ".join([r[2] for r in results] + [f"statusError({q(op)}, rc)"]), "}"]
        body += finish
        body.append("return " + ", ".join([r[1] for r in results] + ["nil"]))
    elif f.returns == "void":
        body.append(call)
        body += finish
        if results:
            body.append("return " + ", ".join(r[1] for r in results))
    elif f.returns == "const char *":
        ret_types = ["string"]
        body.append(f"return C.GoString({call})")
    else:
        ret_types = ["int"]
        body.append(f"return int({call})")
    rets = ret_types[0] if len(ret_types) == 1 else "(" + ", ".join(ret_types) + ")" if ret_types else ""
    head = f"func {wrapper_name(f.name)}({', '.join(params)}) {rets}".rstrip()
    return [f"// {wrapper_name(f.name)} calls {f.name}.", head + " {"] + ["\t" + line for line in body] + ["}"]


def results_placeholder(f: Function) -> list[tuple[str, str, str]]:
    """The zero values of a wrapper's results but the error (for the early returns of its checks)."""
    out = []
    for p in f.params:
        if p.kind in ("out_text",) or (p.kind == "out_fixed" and p.ctype == "char"):
            out.append(("string", "", '""'))
        elif p.kind in ("out_bytes", "out_sized"):
            out.append(("[]byte", "", "nil"))
        elif p.kind == "out_scalar":
            out.append((SCALAR_GO[p.ctype], "", "0"))
    return out


def length_helper(f: Function) -> list[str]:
    name = go_name(f.name)
    params = ", ".join(f"{local(p.name)} int" for p in f.params)
    args = ", ".join(f"sz({local(p.name)})" for p in f.params)
    doc = [f"// {name} is {f.name}() of the linked library, one of the length helpers that size the",
           "// outputs of the functions above."]
    return doc + [f"func {name}({params}) int {{", f"\treturn int(C.{f.name}({args}))", "}"]


def constant_doc(c: Constant) -> list[str]:
    text = f"{go_name(c.name)} is {c.name}" + (f": {c.comment}" if c.comment else ".")
    return comment(text)


def render(api: Api) -> str:
    out = ["// Code generated by tools/apigen.py from include/cloak.h and tools/api-annotations.txt. DO NOT EDIT.",
           "",
           "package cloak",
           "",
           "/*",
           "#cgo pkg-config: libcloak",
           "#cgo CFLAGS: -I${SRCDIR}/../../include",
           "",
           "// The header is taken from the source tree this module sits in when there is one: the",
           "// uninstalled pkg-config file of a meson build names no include directory for it. An installed",
           "// libcloak.pc names its own.",
           "",
           "// libcloak's functions keep no pointer after they return and never call into Go: the operations",
           "// called per secret or per item say so, so that cgo need not move their arguments to the heap.",
           ]
    for f in api.api_functions:
        if f.per_item:
            out += [f"#cgo noescape {f.name}", f"#cgo nocallback {f.name}"]
    out += ["#include <cloak.h>", "*/", 'import "C"', "", 'import "unsafe"', ""]

    by_section: dict[str, list[Constant]] = {}
    for c in api.constants:
        by_section.setdefault(c.section, []).append(c)
    for section, consts in by_section.items():
        out += comment(f"Sizes and bounds of the section \"{section}\" of cloak.h, the values of its macros "
                       "as cgo reads them. The package checks them against the twin functions of the "
                       "linked library when it is loaded (see [Init]).")
        out.append("const (")
        out += aligned([(constant_doc(c), go_name(c.name), "C." + c.name) for c in consts])
        out += [")", ""]

    out += ["// twinMismatch compares every size macro of the header the package was built with to its twin",
            "// function in the linked library, and the states' C sizes to their macros: a library built",
            "// from another header would otherwise be fed buffers of the wrong size. It describes the first",
            "// difference, or returns \"\".",
            "func twinMismatch() string {",
            "\ttwins := [...]struct {",
            "\t\tname        string",
            "\t\tlib, header uint64",
            "\t}{"]
    for c in api.constants:
        out.append(f'\t\t{{"{c.twin}", uint64(C.{c.twin}()), C.{c.name}}},')
    for struct, macro in api.states.items():
        out.append(f'\t\t{{"sizeof({struct})", C.sizeof_{struct}, C.{macro}}},')
    out += ["\t}",
            "\tfor _, t := range twins {",
            "\t\tif t.lib != t.header {",
            '\t\t\treturn fmt.Sprintf("%s is %d in the library, %d in the header", t.name, t.lib, t.header)',
            "\t\t}",
            "\t}",
            '\treturn ""',
            "}",
            ""]

    errors = [s for s in api.statuses if s.value != 0]
    out += ["// Sentinel errors, one per status code of the C library (its cloak_status); an [*Error] of the",
            "// same code matches its sentinel with errors.Is.",
            "var ("]
    out += aligned([(comment(f"{error_name(s)} ({s.name}): {sentence(s.comment)}"), error_name(s),
                     f"&Error{{Code: C.{s.name}}}") for s in errors])
    out += [")", ""]
    out += ["// The status codes as Go constants, for the errors this package makes itself.",
            "const ("]
    out += aligned([([], "code" + go_name(s.short), "C." + s.name) for s in errors])
    out += [")", ""]

    out += ["// The object types of a blob's envelope header (byte 1), cloak_object_type in cloak.h.",
            "const ("]
    out += aligned([([], "Object" + go_name(t.short), "ObjectType(C." + t.name + ")") for t in api.object_types])
    out += [")", ""]

    for f in api.api_functions:
        out += (length_helper(f) if is_length_helper(f) else wrapper(f)) + [""]
    text = "\n".join(out).rstrip() + "\n"
    if "fmt." in text:
        text = text.replace('import "unsafe"', 'import (\n\t"fmt"\n\t"unsafe"\n)', 1)
    return text


def targets(api: Api) -> dict[str, str]:
    return {PATH: render(api)}
