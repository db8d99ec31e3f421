"""docs/api.md from include/cloak.h: each section banner of the header becomes a heading, each
declaration is shown with the comment above it."""
import re
import sys

BANNER = re.compile(r"/\* -{20,}\n \* (.*?)\n(.*?) \* -{20,} \*/", re.S)


def clean_comment(text):
    body = text.strip()[2:-2]
    lines = [re.sub(r"^\s*\* ?", "", line).rstrip() for line in body.splitlines()]
    return "\n".join(lines).strip()


def split_items(body):
    """Yields (comment, declarations) for each paragraph of a section: a paragraph is an optional
    comment followed by declarations, up to a blank line."""
    for para in re.split(r"\n\s*\n", body):
        para = para.strip()
        if not para:
            continue
        comment = ""
        m = re.match(r"/\*.*?\*/", para, re.S)
        if m:
            comment = clean_comment(m.group(0))
            para = para[m.end():].strip()
        decls = []
        for decl in re.findall(r"#define[^\n]*|typedef\s+(?:enum|struct)\s+\w+\s*\{.*?\}\s*\w+;|CLOAK_EXPORT[^;]*;",
                               para, re.S):
            if decl.startswith("CLOAK_EXPORT"):
                decl = re.sub(r"\s+", " ", decl).replace("CLOAK_EXPORT ", "").replace("CLOAK_NODISCARD ", "")
                decl = re.sub(r"\( ", "(", decl)
            decls.append(decl.strip())
        if comment or decls:
            yield comment, decls


def render(source):
    source = re.sub(r"/\* (BEGIN generated[^\n]*|END generated) \*/\n", "", source)
    out = ["# libcloak API reference", "",
           "Generated from [include/cloak.h](../include/cloak.h) by `tools/apigen.py`; do not edit.",
           "Byte layouts and key schedules are in [protocol.md](protocol.md). Functions marked",
           "`CLOAK_NODISCARD` in the header (every fallible one) are shown without the macro.", "",
           "```text", clean_comment(source.split("#ifndef CLOAK_H")[0].strip()), "```", ""]
    banners = list(BANNER.finditer(source))
    for i, banner in enumerate(banners):
        title = banner.group(1).strip()
        end = banners[i + 1].start() if i + 1 < len(banners) else source.index("#ifdef __cplusplus\n}")
        if title.startswith("Export and attribute"):
            continue
        out += ["## " + title, ""]
        if banner.group(2).strip():
            out += [clean_comment("/*" + banner.group(2) + "*/"), ""]
        for comment, decls in split_items(source[banner.end():end]):
            if comment:
                out += [comment, ""]
            if decls:
                out += ["```c"] + decls + ["```", ""]
    return "\n".join(out).rstrip() + "\n"
