"""Element checks: required elements per 事项类型 family, type, code list and length.

Everything is derived from ``schemas/guide.schema.json`` through :mod:`validators.schema`; the
jsonschema path (:mod:`validators.jsonschema_path`) validates the same file record by record, and a
test proves both report the same findings.
"""
from __future__ import annotations

from validators.core.rows import Rows
from validators.core.rulebook import C0109_2, GBT_39046, declare
from validators.core.schema import element_plans, elements, families, family_of_type
from validators.report.findings import Hits

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
    return rows.map_values("item_type", family_of_type().get, view="code").to_numpy()


def check_elements(rows: Rows, ctx):
    """Every element check as whole-column masks; code lists, integers and patterns of repeating
    elements are evaluated once per distinct value (:meth:`Rows.distinct`)."""
    import numpy as np

    found = Hits(rows.frame)
    plans = element_plans()
    item_types = rows.distinct("item_type", "code")
    fam_of = family_of_type()
    type_family = [fam_of.get(v) for v in item_types.values]
    for family in families().values():
        in_family = item_types.broadcast(np.array([f == family.name for f in type_family], dtype=bool), False)
        if not in_family.any():
            continue
        for name in family.required:
            if not rows.has(name):
                ctx.column_missing(name, family.name, int(in_family.sum()))
                continue
            found.add(in_family & ~rows.present(name), ELEMENT_MISSING, name, params={"family": family.title})
    if rows.has("item_type"):
        found.add(~rows.present("item_type"), ELEMENT_MISSING, "item_type")
    else:
        ctx.column_missing("item_type", None, rows.n)

    for name, el in elements().items():
        if not rows.has(name):
            continue
        present = rows.present(name)
        repeats = plans[name].distinct
        if el.pattern:
            if repeats:
                dist = rows.distinct(name, "value")
                matches = dist.broadcast(_fullmatch(dist.arrow.to_pandas(), el.pattern), False)
            else:
                matches = _fullmatch(rows.value(name), el.pattern)
            found.add(present & ~matches, ELEMENT_WRONG_TYPE, name,
                      params={"expected": el.expected, "kind": el.kind})
        if el.codes:
            dist = rows.distinct(name, "code")
            if el.kind == "multi":
                bad = np.empty(len(dist.values), dtype=object)   # the tokens outside the list
                bad[:] = [",".join(t for t in v.split(",") if t not in el.codes) or None for v in dist.values]
                listed = dist.broadcast(np.array([b is None for b in bad], dtype=bool), True)
                found.add(present & ~listed, ELEMENT_NOT_IN_CODELIST, name,
                          value=dist.broadcast(bad, None), params={"codelist": el.codelist})
            else:
                inside = dist.broadcast(np.array([v in el.codes for v in dist.values], dtype=bool), False)
                rule = ITEM_TYPE_UNKNOWN if name == "item_type" else ELEMENT_NOT_IN_CODELIST
                params = {"codelist": el.codelist}
                if rule == ITEM_TYPE_UNKNOWN:  # say which coding scheme the code was read under
                    params["scheme"] = rows.profile.name if rows.profile is not None else "national"
                found.add(present & ~inside, rule, name, params=params)
        # a single-valued code-list element is either a listed code (short by construction) or
        # reported as outside the list: a length warning would only repeat that
        if el.max_length and not (el.codes and el.kind != "multi"):
            length = rows.length_over(name, el.max_length)
            found.add(present & (length > 0), ELEMENT_TOO_LONG, name,
                      params={"max": el.max_length, "length": length})
    return [found.frame()]


def _fullmatch(values, pattern: str):
    """numpy bool array: the text Series ``values`` matches ``pattern`` whole (missing: False)."""
    import pandas as pd

    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    return values.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
