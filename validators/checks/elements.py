"""Element checks: required elements per 事项类型 family, type, code list and length.

Everything is derived from ``schemas/guide.schema.json`` through :mod:`validators.schema`; the
jsonschema path (:mod:`validators.jsonschema_path`) validates the same file record by record, and a
test proves both report the same findings.
"""
from __future__ import annotations

from validators.core.rows import Rows, map_distinct
from validators.core.rulebook import C0109_2, GBT_39046, declare
from validators.core.schema import elements, families, family_of_type
from validators.report.findings import hits

ELEMENT_MISSING = declare("element-missing", "error", "element",
    f"{C0109_2} 要素必填要求；{GBT_39046} 数据项约束（必选）", task_issue="elements")
ELEMENT_WRONG_TYPE = declare("element-wrong-type", "error", "element",
    f"{C0109_2} 要素数据类型（数值、日期、编码）；{GBT_39046} 数据项类型", task_issue="elements")
ELEMENT_NOT_IN_CODELIST = declare("element-not-in-codelist", "warning", "element",
    f"{C0109_2} 代码表；{GBT_39046} 附录代码集")
ITEM_TYPE_UNKNOWN = declare("item-type-unknown", "error", "element",
    f"{C0109_2} 事项类型代码表（01 行政许可 … 20 公共服务）", task_issue="elements")
ELEMENT_TOO_LONG = declare("element-too-long", "warning", "element",
    f"{GBT_39046} 数据项长度（交换接口字段长度，仅作警告）")



def family_series(rows: Rows):
    """The 事项类型 family of each row (None when the type is absent or unknown)."""
    fam = family_of_type()
    return map_distinct(rows.code("item_type"), fam.get).to_numpy()


def check_elements(rows: Rows, ctx):
    out = []
    fam = family_series(rows)
    for family in families().values():
        in_family = fam == family.name
        if not in_family.any():
            continue
        for name in family.required:
            if not rows.has(name):
                ctx.column_missing(name, family.name, int(in_family.sum()))
                continue
            out.append(hits(rows.frame, in_family & ~rows.present(name), ELEMENT_MISSING, name,
                            params={"family": family.title}))
    if rows.has("item_type"):
        out.append(hits(rows.frame, ~rows.present("item_type"), ELEMENT_MISSING, "item_type"))
    else:
        ctx.column_missing("item_type", None, rows.n)

    for name, el in elements().items():
        if not rows.has(name):
            continue
        present = rows.present(name)
        if el.pattern:
            matches = rows.value(name).str.fullmatch(el.pattern).fillna(False).to_numpy(dtype=bool)
            out.append(hits(rows.frame, present & ~matches, ELEMENT_WRONG_TYPE, name,
                            params={"expected": el.expected, "kind": el.kind}))
        if el.codes:
            code = rows.code(name)
            if el.kind == "multi":
                allowed = el.codes
                bad_tokens = map_distinct(code, lambda v, allowed=allowed: ",".join(
                    t for t in v.split(",") if t not in allowed) or None, out="str")
                out.append(hits(rows.frame, present & bad_tokens.notna().to_numpy(), ELEMENT_NOT_IN_CODELIST,
                                name, value=bad_tokens, params={"codelist": el.codelist}))
            else:
                inside = code.isin(el.codes).to_numpy(dtype=bool)
                rule = ITEM_TYPE_UNKNOWN if name == "item_type" else ELEMENT_NOT_IN_CODELIST
                params = {"codelist": el.codelist}
                if rule == ITEM_TYPE_UNKNOWN:  # say which coding scheme the code was read under
                    params["scheme"] = rows.profile.name if rows.profile is not None else "national"
                out.append(hits(rows.frame, present & ~inside, rule, name, params=params))
        # a single-valued code-list element is either a listed code (short by construction) or
        # reported as outside the list: a length warning would only repeat that
        if el.max_length and not (el.codes and el.kind != "multi"):
            length = rows.length(name)
            out.append(hits(rows.frame, present & (length > el.max_length), ELEMENT_TOO_LONG, name,
                            params={"max": el.max_length, "length": length}))
    return out
