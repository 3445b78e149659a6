"""Findings of the conform command, built column-wise from the alignment evidence.

Message parameters are one dict per distinct evidence (and local value), shared by every row
that has it, so a million rows cost a few thousand dicts.  Every finding names the candidate
base item and its score (``base_code``, ``base_name``, ``score``) as the locale templates expect.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from validators.conformity.align import Alignment
from validators.conformity.basecat import BaseCatalog
from validators.core.rulebook import C0109_2, HEURISTIC, declare
from validators.report.findings import findings_frame
from validators.report.report import Report

CATALOG_CODE_UNKNOWN = declare("catalog-code-unknown", "error", "conformity",
    "《国务院办公厅关于全面推进政务服务事项标准化工作的指导意见》等：实施清单事项须源自国家政务服务事项基本目录，基本编码须存在于基本目录")
CATALOG_NAME_MISMATCH = declare("catalog-name-mismatch", "warning", "conformity",
    f"{C0109_2}：基本编码相同时，实施清单事项名称应与国家基本目录一致（基本目录符合率）")
CATALOG_TYPE_MISMATCH = declare("catalog-type-mismatch", "error", "conformity",
    f"{C0109_2}：事项类型应与国家基本目录一致")
CATALOG_LEVEL_MISMATCH = declare("catalog-level-mismatch", "error", "conformity",
    f"{C0109_2}：行使层级应在国家基本目录规定的层级之内")
CATALOG_MATCH_REVIEW = declare("catalog-match-review", "warning", "conformity",
    f"{HEURISTIC}名称模糊匹配分数处于复核区间或触发了对象/动作/类型词保护，须人工确认")
CATALOG_UNMATCHED = declare("catalog-unmatched", "error", "conformity",
    "实施清单事项须源自国家政务服务事项基本目录（地方增设事项除外）")
CATALOG_ITEM_UNCLAIMED = declare("catalog-item-unclaimed", "warning", "conformity",
    "国家基本目录中本层级应实施的事项须在实施清单中认领（服务事项覆盖度）")


def obj(values):
    """An object Series pandas will not re-infer as Arrow strings (which copies every value)."""
    import pandas as pd

    return pd.Series(values, dtype=object, copy=False)


def take(values, pos):
    """values[pos] with -1 → None."""
    arr = np.empty(len(values) + 1, dtype=object)
    arr[:-1] = values
    arr[-1] = None
    return arr[pos]


def levels_within(local, base) -> np.ndarray:
    """Per row: local 行使层级 ⊆ base 行使层级, both present; decided once per distinct pair."""
    import pandas as pd

    lc, lu = pd.factorize(obj(local))
    bc, bu = pd.factorize(obj(base))
    width = len(bu) + 1
    pair, pu = pd.factorize((lc.astype(np.int64) + 1) * width + bc + 1)
    ok = np.zeros(len(pu), dtype=bool)
    for i, k in enumerate(pu):
        a, b = divmod(int(k), width)
        if a > 0 and b > 0:
            ok[i] = set(lu[a - 1].split(",")) <= set(bu[b - 1].split(","))
    return ok[pair]


def _shared_params(idx: np.ndarray, keys: np.ndarray, build: Callable[[int], dict]) -> list:
    import pandas as pd

    codes, uniq = pd.factorize(keys[idx])
    first = np.empty(len(uniq), dtype=np.int64)
    first[codes[::-1]] = idx[::-1]
    dicts = [build(int(i)) for i in first]
    return [dicts[c] for c in codes]


def _fmt_score(s):
    return None if s is None or s != s else round(float(s), 1)


def add_row_findings(report: Report, local, base: BaseCatalog, al: Alignment) -> dict:
    """Add the row findings; return the per-row type/level agreement the rates need."""
    import pandas as pd

    b_code, b_name, b_type, b_levels = base.codes, base.names, base.types, base.levels
    pos, band, hit, evid = al.pos, al.band, al.hit, al.evid
    name = local["item_name"].to_numpy(dtype=object, na_value=None)
    typ = local["item_type"].to_numpy(dtype=object, na_value=None)
    levels = local["exercise_levels"].to_numpy(dtype=object, na_value=None)
    task = local["task_code"]
    code = al.code.to_numpy(dtype=object, na_value=None)
    src = local["source"].to_numpy(dtype=object)
    sheet = local["sheet"].to_numpy(dtype=object)
    rows = local["row"].to_numpy()
    found = pos >= 0

    def base_params(i: int) -> dict:
        p = int(pos[i])
        if p < 0:
            best = al.e_best[int(evid[i])]
            if best is None:
                return {"base_code": None, "base_name": None, "score": None}
            return {"base_code": b_code[best[0]], "base_name": b_name[best[0]],
                    "score": _fmt_score(best[1])}
        return {"base_code": b_code[p], "base_name": b_name[p], "score": _fmt_score(al.score[i])}

    def evidence(i: int) -> dict:
        e = int(evid[i])
        g, c = al.e_guards[e], al.e_cands[e]
        return {**base_params(i), "guards": g, "candidates": c,
                "guard_text": f" [{g}]" if g else "", "candidate_text": f" [≈ {c}]" if c else ""}

    def emit(rule: str, field, mask, values, keys, build):
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        item = task.iloc[idx].to_numpy(dtype=object, na_value=None)
        item = np.where(pd.notna(item), item, name[idx])
        report.add(findings_frame(
            rule, field=obj(field if isinstance(field, str) else field[idx]),
            value=obj(values[idx]), params=obj(_shared_params(idx, keys, build)),
            source=obj(src[idx]), sheet=obj(sheet[idx]), row=rows[idx], item=obj(item)))

    e64 = evid.astype(np.int64)
    unknown = ~hit & pd.notna(code) & ~al.local_added
    from_task = al.code_field == "task_code"
    emit(CATALOG_CODE_UNKNOWN, al.code_field, unknown, code, e64 * 2 + from_task, evidence)
    emit(CATALOG_NAME_MISMATCH, "item_name", hit & pd.notna(name) & ~al.eq, name, e64, evidence)
    settled = found & (hit | (band == "matched"))
    base_type = take(b_type, pos)
    t_codes = _codes(typ)
    t_bad = settled & pd.notna(typ) & pd.notna(base_type) & (typ != base_type)
    emit(CATALOG_TYPE_MISMATCH, "item_type", t_bad, typ, _with(e64, t_codes),
         lambda i: {**base_params(i), "local_type": typ[i], "base_type": b_type[pos[i]]})
    base_levels = take(b_levels, pos)
    lv_ok = levels_within(levels, base_levels)
    l_codes = _codes(levels)
    l_bad = settled & pd.notna(levels) & pd.notna(base_levels) & ~lv_ok
    emit(CATALOG_LEVEL_MISMATCH, "exercise_levels", l_bad, levels, _with(e64, l_codes),
         lambda i: {**base_params(i), "local_levels": levels[i], "base_levels": b_levels[pos[i]]})
    emit(CATALOG_MATCH_REVIEW, "item_name", ~hit & (band == "review"), name, e64, evidence)
    emit(CATALOG_UNMATCHED, "item_name", ~hit & (band == "unmatched") & ~al.local_added,
         name, e64, evidence)
    # a base item without 行使层级 cannot be contradicted; a local row without them fails
    level_ok = found & (lv_ok | (pd.isna(base_levels) & pd.notna(levels)))
    return {"type_ok": found & pd.notna(typ) & (typ == base_type), "level_ok": level_ok}


def _with(evid: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """One integer key per (evidence, local value)."""
    return evid * (int(codes.max()) + 2 if len(codes) else 1) + codes


def _codes(values) -> np.ndarray:
    import pandas as pd

    codes, _ = pd.factorize(obj(values), use_na_sentinel=False)
    return codes.astype(np.int64) if len(codes) else np.zeros(0, dtype=np.int64)


def add_unclaimed(report: Report, base: BaseCatalog, positions: list[int], level) -> None:

    if not positions:
        return
    items = base.items.iloc[positions]
    report.add(findings_frame(
        CATALOG_ITEM_UNCLAIMED, value=obj(base.codes[positions]),
        params=obj([{"base_code": base.codes[p], "base_name": base.names[p],
                     "base_levels": base.levels[p], "base_type": base.types[p], "level": level}
                    for p in positions]),
        source=base.source, sheet=obj(items["sheet"].to_numpy(dtype=object)),
        row=items["_row"].to_numpy(), item=obj(base.codes[positions])))
