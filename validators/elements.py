"""Element checks: required elements per 事项类型 family, type, code list and length.

Everything is derived from ``schemas/guide.schema.json`` through :mod:`validators.schema`; the
jsonschema path (:mod:`validators.jsonschema_path`) validates the same file record by record, and a
test proves both report the same findings.
"""
from __future__ import annotations

from .findings import hits
from .normalize import Rows
from .schema import elements, families, family_of_type

CODES = ("element-missing", "element-wrong-type", "element-not-in-codelist", "item-type-unknown",
         "element-too-long", "column-missing")


def family_series(rows: Rows):
    """The 事项类型 family of each row (missing when the type is absent or unknown)."""
    return rows.code("item_type").map(family_of_type())


def check_elements(rows: Rows, ctx):
    out = []
    fam = family_series(rows)
    for family in families().values():
        in_family = (fam == family.name).fillna(False)
        if not in_family.any():
            continue
        for name in family.required:
            if not rows.has(name):
                ctx.column_missing(name, family.name, int(in_family.sum()))
                continue
            mask = in_family & ~rows.present(name)
            out.append(hits(rows.frame, mask, "element-missing", name, params={"family": family.title}))
    if rows.has("item_type"):
        out.append(hits(rows.frame, ~rows.present("item_type"), "element-missing", "item_type"))
    else:
        ctx.column_missing("item_type", None, rows.n)

    for name, el in elements().items():
        if not rows.has(name):
            continue
        present = rows.present(name)
        if el.pattern:
            val = rows.value(name)
            bad = present & ~val.str.fullmatch(el.pattern).fillna(False)
            out.append(hits(rows.frame, bad, "element-wrong-type", name, params={"expected": el.expected}))
        if el.codes:
            code = rows.code(name)
            if el.kind == "multi":
                allowed = el.codes
                bad_tokens = code.map(lambda v: None if not isinstance(v, str) else
                                      ",".join(t for t in v.split(",") if t not in allowed) or None)
                bad = present & bad_tokens.notna()
                out.append(hits(rows.frame, bad, "element-not-in-codelist", name, value=bad_tokens,
                                params={"codelist": el.codelist}))
            else:
                bad = present & ~code.isin(el.codes)
                rule = "item-type-unknown" if name == "item_type" else "element-not-in-codelist"
                out.append(hits(rows.frame, bad, rule, name, params={"codelist": el.codelist}))
        if el.max_length:
            length = rows.value(name).str.len()
            bad = present & (length > el.max_length)
            out.append(hits(rows.frame, bad, "element-too-long", name,
                            params={"max": el.max_length, "length": length}))
    return out
