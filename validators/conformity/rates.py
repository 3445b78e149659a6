"""基本目录符合率, 实施清单符合率 and coverage from the per-row match evidence (validators/conformity/conform.md).

Every figure is ``{numerator, denominator, rate}`` so an evaluator can recompute it; the same
figures are given overall, per 实施主体, per 事项类型 and per 依申请/依职权 group, with the reasons why
rows fail.  Reasons are bit masks per row, turned into text once per distinct mask.
"""
from __future__ import annotations

import numpy as np

from validators.core.schema import (
    LEVEL_DIGIT,
    codelists,
    families,
    family_of_type,
    task_code_pattern,
)

CATALOG_ISSUES = {1: "unmatched", 2: "review", 4: "name", 8: "type", 16: "level", 32: "code"}
TASK_ISSUES = {1: "no-base-code", 2: "task-code", 4: "elements", 8: "body-code", 16: "catalog-code",
               32: "type", 64: "level"}


def task_finding_bits() -> dict[str, int]:
    """Rules whose findings (at error severity) make a row fail 实施清单符合率: their declared
    ``task_issue`` attribute names the issue bit."""
    from validators.core.rulebook import all_rules

    bit_of = {name: flag for flag, name in TASK_ISSUES.items()}
    return {code: bit_of[r.attrs["task_issue"]] for code, r in all_rules().items() if "task_issue" in r.attrs}
# a well-formed 31-character 实施编码: USCC (18) + level digit + 12-digit 基本编码 (domain.md §3.3)
TASK_CODE = task_code_pattern(LEVEL_DIGIT)
# 依职权 powers; every other type (许可, 给付, 确认, 奖励, 裁决, 其他, 公共服务 …) is applied for
BY_AUTHORITY = frozenset({"02", "03", "04", "06"})
UNKNOWN = "(未填写)"


def ratio(num: int, den: int) -> dict:
    return {"numerator": int(num), "denominator": int(den),
            "rate": round(num / den, 6) if den else None}


def issue_text(bits: np.ndarray, names: dict[int, str]) -> np.ndarray:
    """Bit masks → comma-joined issue names (object array), computed once per distinct mask."""
    uniq, inverse = np.unique(bits, return_inverse=True)
    texts = np.array([",".join(n for flag, n in names.items() if b & flag) for b in uniq],
                     dtype=object)
    return texts[inverse.reshape(-1)]


def _grouped(ok, counted, codes, labels, describe=None) -> dict:
    n = np.bincount(codes[counted], minlength=len(labels))
    k = np.bincount(codes[ok & counted], minlength=len(labels))
    out = {}
    for i in sorted(range(len(labels)), key=lambda j: str(labels[j])):
        if n[i]:
            entry = ratio(k[i], n[i])
            out[str(labels[i])] = {"label": describe(labels[i]), **entry} if describe else entry
    return out


def group_keys(primary, fallback=None):
    """Factorised row keys with labels: ``primary``, else ``fallback``, else UNKNOWN."""
    import pandas as pd

    codes, labels = pd.factorize(primary)
    codes = codes.astype(np.int64)
    labels = list(labels)
    if fallback is not None:
        missing = codes < 0
        if missing.any():
            fc, fl = pd.factorize(fallback[missing])
            codes[missing] = np.where(fc >= 0, fc + len(labels), -1)
            labels += list(fl)
    if (codes < 0).any():
        codes[codes < 0] = len(labels)
        labels.append(UNKNOWN)
    return codes, labels


def rate_block(ok, counted, bits, names, bodies, types) -> dict:
    """Overall, per 实施主体, per 事项类型, per 依申请/依职权 group, and failure reasons.

    ``bodies`` and ``types`` are (codes, labels) from :func:`group_keys`.
    """
    ok = np.asarray(ok, dtype=bool)
    counted = np.asarray(counted, dtype=bool)
    type_labels = codelists()["item_type"]["codes"]
    t_codes, t_labels = types
    group_of = ["依职权" if t in BY_AUTHORITY else UNKNOWN if t == UNKNOWN else "依申请"
                for t in t_labels]
    g_labels = sorted(set(group_of))
    g_codes = np.array([g_labels.index(g) for g in group_of] or [0], dtype=np.int64)[t_codes] \
        if len(t_codes) else t_codes
    failing = counted & ~ok
    reasons = {name: int(((bits & flag) != 0)[failing].sum()) for flag, name in names.items()}
    return {**ratio((ok & counted).sum(), counted.sum()),
            "per_body": _grouped(ok, counted, *bodies),
            "per_type": _grouped(ok, counted, t_codes, t_labels, lambda t: type_labels.get(t, t)),
            "per_group": _grouped(ok, counted, g_codes, g_labels),
            "reasons": {k: v for k, v in reasons.items() if v}}


def column_missing_bits(local, missing: list) -> np.ndarray:
    """Per local row: the "elements" bit of required columns absent from its table.

    ``missing`` holds (source, sheet, {element: family titles}) per table, as scan_table recorded
    it; a column counts against the rows of the families that require it (every row when the
    family is not known).
    """
    bits = np.zeros(len(local), dtype=np.int64)
    if not any(m for _s, _sh, m in missing):
        return bits
    src = local["source"].to_numpy(dtype=object)
    sheet = local["sheet"].fillna("").to_numpy(dtype=object)
    titles = {f.name: f.title for f in families().values()}
    title_of_type = {t: titles[f] for t, f in family_of_type().items()}
    fam_codes, fam_labels = group_keys(local["item_type"].map(title_of_type))
    flag = {name: f for f, name in TASK_ISSUES.items()}["elements"]
    for s, sh, absent in missing:
        in_table = (src == s) & (sheet == (sh or ""))
        for fams in absent.values():
            if not fams:
                bits[in_table] |= flag
            else:
                idx = [i for i, lbl in enumerate(fam_labels) if lbl in fams]
                bits[in_table & np.isin(fam_codes, idx)] |= flag
    return bits


def infer_level(level, task, task_ok, levels) -> tuple[str | None, str | None, dict]:
    """The local level: the option, else the commonest 实施编码 digit 19, else the commonest
    single-valued 行使层级.  Returns (level, how it was found, distribution)."""
    if level is not None:
        return str(level), "option", {}
    digits = task[task_ok].str.slice(18, 19)
    if len(digits):
        dist = digits.value_counts()
        return str(dist.index[0]), "task-code", {str(k): int(v) for k, v in dist.items()}
    lv = levels.dropna()
    single = lv[~lv.str.contains(",")]
    if len(single):
        dist = single.value_counts()
        return str(dist.index[0]), "levels", {str(k): int(v) for k, v in dist.items()}
    return None, None, {}


def coverage(base, level: str | None, claimed: set[int], pending: set[int]):
    """Applicable base items (levels contain ``level``) the local catalog claims, and the rest.

    A main item is counted through its applicable sub-items when it has any; claiming the main
    item claims them.  Items only proposed in the review band are ``review``, not unclaimed.
    Returns (summary dict, positions of unclaimed items).
    """
    if level is None:
        return {"level": None, **ratio(0, 0), "note": "level-unknown"}, []
    subs = base.sub_items()
    claimed = set(claimed)
    for parent, kids in subs.items():
        if parent in claimed:
            claimed.update(kids)
    levels = base.levels

    def applies(p: int) -> bool:
        return isinstance(levels[p], str) and level in levels[p].split(",")

    usable = set(p for ps in base.key_index.values() for p in ps) | set(base.code_index.values())
    applicable = [p for p in sorted(usable) if applies(p)
                  and not (p in subs and any(applies(k) for k in subs[p]))]
    got = [p for p in applicable if p in claimed]
    review = [p for p in applicable if p not in claimed and p in pending]
    missing = [p for p in applicable if p not in claimed and p not in pending]
    per_dept: dict[str, list[int]] = {}
    for p in applicable:
        d = base.depts[p] if isinstance(base.depts[p], str) else UNKNOWN
        counts = per_dept.setdefault(d, [0, 0])
        counts[1] += 1
        counts[0] += p in claimed
    return {"level": level, **ratio(len(got), len(applicable)), "applicable": len(applicable),
            "claimed": len(got), "review": len(review), "unclaimed": len(missing),
            "per_dept": {k: ratio(a, b) for k, (a, b) in sorted(per_dept.items())}}, missing
