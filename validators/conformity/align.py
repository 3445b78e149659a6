"""Row-level alignment of local rows with the base catalog: codes first, then names.

Names are resolved once per distinct (name, 事项类型) pair by :class:`validators.matcher.NameMatcher`;
rows whose code is in the base are judged once per distinct (pair, base item).  The result is a
small table of *evidence* (one entry per pair and per pair×item) and, per row, the index of its
evidence entry, so nothing per-row is built in Python.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from validators.conformity.basecat import BaseCatalog
from validators.conformity.matcher import NameMatcher, Thresholds, candidate_text

_CODE12 = re.compile(r"\d{12}")


@dataclass
class Alignment:
    """Per-row arrays (``pos`` … ``local_added``) plus per-evidence lists (``e_*``)."""

    evid: np.ndarray        # row → evidence index
    pos: np.ndarray         # row → base position, -1 when none
    method: np.ndarray      # code | task-code | name | normalised-name | fuzzy | none
    band: np.ndarray        # matched | review | unmatched
    score: np.ndarray
    hit: np.ndarray         # the row's 基本编码 (or 实施编码 tail) is in the base
    eq: np.ndarray          # the names are equal after normalisation
    code: object            # Series: the code used (基本编码, else the 实施编码 tail)
    code_field: np.ndarray  # catalog_code | task_code
    local_added: np.ndarray  # RR ≠ 00 code unknown to the base and no name match
    e_guards: list
    e_cands: list
    e_best: list            # (base position, score) of the best candidate, or None
    pairs: int
    fuzzy_scored: int


def align(local, base: BaseCatalog, th: Thresholds) -> Alignment:
    import pandas as pd

    n = len(local)
    matcher = NameMatcher(base, th)
    name, typ = local["item_name"], local["item_type"]
    cat, task = local["catalog_code"], local["task_code"]
    tail = task.where(task.str.len() == 31).str.slice(19, 31)
    code = cat.fillna(tail)
    from_task = (cat.isna() & tail.notna()).to_numpy(dtype=bool)
    code_pos = code.map(base.code_index)
    hit = code_pos.notna().to_numpy(dtype=bool)

    name_codes, _ = pd.factorize(name)
    type_codes, type_uniq = pd.factorize(typ)
    width = len(type_uniq) + 1
    pair, _ = pd.factorize((name_codes.astype(np.int64) + 1) * width + type_codes + 1)
    npairs = int(pair.max()) + 1 if n else 0
    first = np.empty(npairs, dtype=np.int64)
    first[pair[::-1]] = np.arange(n)[::-1]
    names_p = name.iloc[first].to_numpy(dtype=object, na_value=None)
    types_p = typ.iloc[first].to_numpy(dtype=object, na_value=None)
    need_fuzzy = np.bincount(pair[~hit], minlength=npairs) > 0
    res = matcher.resolve(names_p, types_p, need_fuzzy)

    e_pos = [r.pos for r in res]
    e_method = [r.method for r in res]
    e_score = [r.score for r in res]
    e_band = [r.band for r in res]
    e_guards = [r.guards for r in res]
    e_cands = [r.candidates for r in res]
    e_eq = [r.method in ("name", "normalised-name") and r.band == "matched" for r in res]
    nb = len(base)
    evid = pair.astype(np.int64)
    if hit.any():
        keys = pair[hit].astype(np.int64) * (nb + 1) + code_pos[hit].to_numpy().astype(np.int64)
        combo, combo_uniq = pd.factorize(keys)
        evid[hit] = npairs + combo
        for k in combo_uniq:
            p, at = divmod(int(k), nb + 1)
            band, score, fired, cands, eq = _judge_code_hit(matcher, base, res[p], at, th)
            e_pos.append(at)
            e_method.append("code")
            e_score.append(score)
            e_band.append(band)
            e_guards.append(fired)
            e_cands.append(cands)
            e_eq.append(eq)
    method = np.asarray(e_method, dtype=object)[evid]
    method[hit & from_task] = "task-code"
    band = np.asarray(e_band, dtype=object)[evid]
    local_added = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(~hit & code.notna().to_numpy(dtype=bool) & (band == "unmatched")):
        c = code.iat[i]
        local_added[i] = bool(_CODE12.fullmatch(c)) and c[:2] != "00"
    return Alignment(
        evid=evid, pos=np.asarray(e_pos, dtype=np.int64)[evid], method=method, band=band,
        score=np.asarray(e_score, dtype=float)[evid], hit=hit,
        eq=np.asarray(e_eq, dtype=bool)[evid], code=code,
        code_field=np.where(cat.notna().to_numpy(dtype=bool), "catalog_code", "task_code"),
        local_added=local_added, e_guards=["; ".join(g) for g in e_guards],
        e_cands=[candidate_text(base, c) for c in e_cands],
        e_best=[c[0] if c else None for c in e_cands], pairs=npairs,
        fuzzy_scored=matcher.fuzzy_scored)


def _judge_code_hit(matcher: NameMatcher, base: BaseCatalog, r, at: int, th: Thresholds):
    """A row found by code: compare its name with the item's.

    Matched when the names agree after normalisation, or are similar (≥ review threshold) with
    no guard firing; otherwise review — including when the name is exactly another item's
    (outside the same main item), i.e. the code and the name point at different items.
    """
    if not r.key:
        return "matched", float("nan"), (), (), False
    eq, score, fired = matcher.compare(r.key, at)
    cands = r.candidates
    other = r.pos if r.method in ("name", "normalised-name") else -1
    if other >= 0 and other != at and str(base.codes[other])[:9] != str(base.codes[at])[:9]:
        fired = fired + (f"code-name-conflict:{base.codes[other]}",)
        cands = ((other, 100.0),)
    band = "matched" if eq or (score >= th.review and not fired) else "review"
    return band, score, fired, cands, bool(eq)
