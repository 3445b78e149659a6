"""基本目录符合率, 实施清单符合率 and coverage from the per-row match evidence (docs/conform.md).

Every figure is ``{numerator, denominator, rate}`` so an evaluator can recompute it; the same
figures are given overall, per 实施主体, per 事项类型 and per 依申请/依职权 group, with the reasons why
rows fail.  Issue flags are bit masks per row, turned into text once per distinct mask.
"""
from __future__ import annotations

import numpy as np

from .schema import codelists

CATALOG_ISSUES = {1: "unmatched", 2: "review", 4: "name", 8: "type", 16: "level", 32: "code"}
TASK_ISSUES = {1: "code-unknown", 2: "task-code", 4: "elements", 8: "body-code", 16: "catalog-code",
               32: "type", 64: "level"}
# 依职权 powers; every other type (许可, 给付, 确认, 奖励, 裁决, 其他, 公共服务 …) is applied for
BY_AUTHORITY = frozenset({"02", "03", "04", "06"})
UNKNOWN = "(未填写)"


def ratio(num: int, den: int) -> dict:
    return {"numerator": int(num), "denominator": int(den),
            "rate": round(num / den, 6) if den else None}


def issue_text(bits, names: dict[int, str]):
    """Bit masks → comma-joined issue names, computed once per distinct mask."""
    import pandas as pd

    s = pd.Series(bits)
    table = {b: ",".join(n for flag, n in names.items() if b & flag) for b in np.unique(bits)}
    return s.map(table)


def _grouped(ok, counted, keys, labels=None) -> dict:
    import pandas as pd

    df = pd.DataFrame({"k": keys, "ok": ok & counted, "n": counted})
    g = df[df["n"]].groupby("k", sort=True)[["ok", "n"]].sum()
    out = {}
    for k, row in g.iterrows():
        entry = ratio(row["ok"], row["n"])
        if labels is not None:
            entry = {"label": labels.get(k, k), **entry}
        out[str(k)] = entry
    return out


def rate_block(ok, counted, bits, names, bodies, types) -> dict:
    """Overall, per 实施主体, per 事项类型, per 依申请/依职权 group, and failure reasons."""
    ok = np.asarray(ok, dtype=bool)
    counted = np.asarray(counted, dtype=bool)
    type_labels = codelists()["item_type"]["codes"]
    groups = np.where(np.isin(types, list(BY_AUTHORITY)), "依职权",
                      np.where(types == UNKNOWN, UNKNOWN, "依申请"))
    failing = counted & ~ok
    reasons = {name: int(((bits & flag) != 0)[failing].sum()) for flag, name in names.items()}
    return {**ratio((ok & counted).sum(), counted.sum()),
            "per_body": _grouped(ok, counted, bodies),
            "per_type": _grouped(ok, counted, types, type_labels),
            "per_group": _grouped(ok, counted, groups),
            "reasons": {k: v for k, v in reasons.items() if v}}


def infer_level(level, task_codes, task_ok, levels) -> tuple[str | None, str | None, dict]:
    """The local level: the option, else the commonest 实施编码 digit 19, else the commonest
    single-valued 行使层级.  Returns (level, how it was found, distribution)."""
    import pandas as pd

    if level is not None:
        return str(level), "option", {}
    digits = pd.Series(task_codes)[np.asarray(task_ok, dtype=bool)].str.slice(18, 19)
    if len(digits):
        dist = digits.value_counts()
        return str(dist.index[0]), "task-code", {str(k): int(v) for k, v in dist.items()}
    lv = pd.Series(levels).dropna()
    single = lv[~lv.str.contains(",")]
    if len(single):
        dist = single.value_counts()
        return str(dist.index[0]), "levels", {str(k): int(v) for k, v in dist.items()}
    return None, None, {}


def coverage(base, level: str | None, claimed: set[int], pending: set[int]):
    """Applicable base items (levels contain ``level``) the local catalog claims, and the rest.

    A main item with sub-items is not counted itself: its sub-items are; claiming the main item
    claims its applicable sub-items.  Items only proposed in the review band are ``review``,
    not unclaimed.  Returns (summary dict, positions of unclaimed items).
    """
    if level is None:
        return {"level": None, **ratio(0, 0), "note": "level-unknown"}, []
    items = base.items
    subs = base.sub_items()
    claimed = set(claimed)
    for parent, kids in subs.items():
        if parent in claimed:
            claimed.update(kids)
    levels = items["levels"].to_numpy(dtype=object)
    usable = set(p for ps in base.key_index.values() for p in ps) | set(base.code_index.values())
    def applies(p: int) -> bool:
        return isinstance(levels[p], str) and level in levels[p].split(",")

    applicable = [p for p in sorted(usable) if applies(p)
                  and not (p in subs and any(applies(k) for k in subs[p]))]
    got = [p for p in applicable if p in claimed]
    review = [p for p in applicable if p not in claimed and p in pending]
    missing = [p for p in applicable if p not in claimed and p not in pending]
    per_dept: dict[str, list[int]] = {}
    for p in applicable:
        d = items.at[p, "dept"]
        per_dept.setdefault(d if isinstance(d, str) else UNKNOWN, [0, 0])
        per_dept[d if isinstance(d, str) else UNKNOWN][1] += 1
        if p in claimed:
            per_dept[d if isinstance(d, str) else UNKNOWN][0] += 1
    return {"level": level, **ratio(len(got), len(applicable)), "applicable": len(applicable),
            "claimed": len(got), "review": len(review), "unclaimed": len(missing),
            "per_dept": {k: ratio(a, b) for k, (a, b) in sorted(per_dept.items())}}, missing
