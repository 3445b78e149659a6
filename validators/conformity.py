"""Conformity of a local 基本目录 / 实施清单 with the national base catalog (docs/conform.md).

One pass over the local file runs every validate check (:func:`validators.pipeline.scan_table`)
and keeps only the few columns matching needs.  Each row is then aligned with the base catalog,
and every step is recorded as evidence in :attr:`ConformResult.matches`:

1. ``code`` — the 基本编码 is in the base (``task-code``: the tail [19:31] of a 31-character
   实施编码 when the 基本编码 is missing).  The names are still compared: a different name is
   ``catalog-name-mismatch``; a guard firing, an unrelated name, or a name that is exactly another
   item's sends the row to ``review``.
2. ``name`` / ``normalised-name`` — the trimmed name, then its key (:mod:`validators.names`),
   equals a base item's.
3. ``fuzzy`` — ratio on keys, blocked by 事项类型, with keyword guards (:mod:`validators.matcher`).

Names are matched once per distinct (name, 事项类型) pair and broadcast back to rows.  The rates
(:mod:`validators.conform_rates`) reuse the validate findings of the same pass.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from .basecat import BaseCatalog, load_base
from .catalog import NativeSuite
from .codes import classify_task
from .conform_rates import (CATALOG_ISSUES, TASK_ISSUES, UNKNOWN, coverage, infer_level,
                            issue_text, rate_block)
from .io import open_tables
from .matcher import NameMatcher, Thresholds, candidate_text
from .normalize import map_distinct
from .pipeline import finish_expectations, scan_table
from .report import Report
from .schema import families, family_of_type

COLLECT = (("item_name", "text"), ("catalog_code", "code"), ("task_code", "code"),
           ("item_type", "code"), ("exercise_levels", "code"), ("implementing_body", "text"),
           ("implementing_body_code", "code"))
# validate findings (error severity) that make a row fail 实施清单符合率, with their issue bit
TASK_FINDING_BITS = {"element-missing": 4, "element-wrong-type": 4, "item-type-unknown": 4,
                     "column-missing": 4, "catalog-code-format": 16,
                     "catalog-code-type-mismatch": 16}
TASK_PREFIX_BITS = {"task-code-": 2, "uscc-": 8}
MATCH_COLUMNS = ["local_source", "local_sheet", "local_row", "local_code", "local_task_code",
                 "local_name", "local_type", "local_levels", "local_body", "base_code", "base_name",
                 "base_type", "base_levels", "method", "score", "band", "guards", "candidates",
                 "catalog_ok", "catalog_issues", "task_ok", "task_issues", "local_added"]
EXCEL_MAX_ROWS = 1_048_575
_CODE12 = re.compile(r"\d{12}")


@dataclass
class ConformResult:
    """``report``: findings plus ``extra`` (rates, coverage, thresholds); ``matches``: one row
    per local row with the evidence of its alignment."""

    report: Report
    matches: object
    base: BaseCatalog

    @property
    def rates(self) -> dict:
        return self.report.extra["rates"]

    @property
    def coverage(self) -> dict:
        return self.report.extra["coverage"]

    def write_matches(self, path: str) -> None:
        """CSV (UTF-8 with BOM, opens cleanly in Excel) or XLSX, chosen by the extension."""
        if path.lower().endswith((".xlsx", ".xlsm")):
            if len(self.matches) > EXCEL_MAX_ROWS:
                raise ValueError(f"{len(self.matches)} rows exceed an Excel sheet; write CSV")
            self.matches.to_excel(path, index=False, sheet_name="matches", engine="openpyxl")
        else:
            self.matches.to_csv(path, index=False, encoding="utf-8-sig")


def min_rate_ok(result: ConformResult, min_rate: float) -> bool:
    """CI gate: the gate rate (实施清单符合率 when the local file carries 实施编码, else
    基本目录符合率) is at least ``min_rate``; an empty denominator passes."""
    rates = result.rates
    rate = rates[rates["gate"]]["rate"]
    return rate is None or rate >= min_rate


# ----------------------------------------------------------------- collecting the local rows

class _Collector:
    """``on_rows`` callback of scan_table: keeps only the columns conformity needs."""

    def __init__(self):
        self.parts: list = []
        self.present: set[str] = set()
        self.table = None

    def __call__(self, rows) -> None:
        import pandas as pd

        data = {"source": self.table.source, "sheet": self.table.sheet, "row": rows.frame["_row"]}
        for col, how in COLLECT:
            if rows.has(col):
                self.present.add(col)
                data[col] = (rows.text(col) if how == "text" else rows.code(col)).astype(object)
            else:
                data[col] = None
        self.parts.append(pd.DataFrame(data))

    def frame(self):
        import pandas as pd

        if not self.parts:
            cols = ["source", "sheet", "row"] + [c for c, _ in COLLECT]
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
        out = pd.concat(self.parts, ignore_index=True)
        self.parts = []
        return out


# ----------------------------------------------------------------- helpers

def _take(values, pos):
    """values[pos] with -1 → None."""
    arr = np.empty(len(values) + 1, dtype=object)
    arr[:-1] = values
    arr[-1] = None
    return arr[pos]


def _subset(local, base) -> np.ndarray:
    """local 行使层级 ⊆ base 行使层级 (both present), per row, computed on distinct pairs."""
    import pandas as pd

    key = pd.Series(local, dtype=object).fillna("\x00") + "|" + pd.Series(base, dtype=object).fillna("\x00")

    def inside(k: str) -> bool:
        a, b = k.split("|")
        return a != "\x00" and b != "\x00" and set(a.split(",")) <= set(b.split(","))

    return map_distinct(key, inside).to_numpy(dtype=bool)


def _per_row_params(idx: np.ndarray, keys: np.ndarray, build: Callable[[int], dict]) -> list:
    """One params dict per distinct key among ``idx`` rows, shared by the rows that have it."""
    import pandas as pd

    codes, uniq = pd.factorize(keys[idx])
    first = np.empty(len(uniq), dtype=np.int64)
    first[codes[::-1]] = idx[::-1]
    dicts = [build(int(i)) for i in first]
    return [dicts[c] for c in codes]


# ----------------------------------------------------------------- the capability

def conform(local_paths: Iterable[str] | str, base_path: str, *, sheet: str | None = None,
            encoding: str | None = None, match_threshold: float = 95, review_threshold: float = 80,
            level: str | int | None = None,
            progress: Callable[[str, int, int | None], None] | None = None) -> ConformResult:
    """Align local catalog rows with the base catalog and compute the conformity rates.

    ``encoding`` and ``sheet`` apply to the local files; the base file's encoding is detected.
    Raises :class:`validators.io.InputError` when a file cannot be read, ValueError on bad options.
    """
    started = time.perf_counter()
    th = Thresholds(float(match_threshold), float(review_threshold))
    if level is not None and str(level) not in {"1", "2", "3", "4", "5", "6"}:
        raise ValueError("level must be one of 1–6 (国家级 … 村级)")
    if isinstance(local_paths, str):
        local_paths = [local_paths]
    base = load_base(base_path)
    tables = [t for p in local_paths for t in open_tables(p, sheet=sheet, encoding=encoding)]
    report = Report(command="conform")
    suite = NativeSuite()
    collect = _Collector()
    for table in tables:
        collect.table = table
        scan_table(table, report, suite, on_rows=collect, progress=progress)
    finish_expectations(report, suite.results())
    t_scan = time.perf_counter()
    local = collect.frame()
    for frame in base.findings:
        report.add(frame)
    ev = _align(local, base, th)
    t_match = time.perf_counter()
    _add_row_findings(report, local, base, ev)
    rates, cov, unclaimed = _rates(report, local, base, ev, collect.present, level)
    _add_unclaimed(report, base, unclaimed, cov.get("level"))
    matches = _matches_frame(local, base, ev)
    report.extra = {
        "rates": rates, "coverage": cov,
        "thresholds": {"match": th.match, "review": th.review},
        "matching": {"rows": int(len(local)), "distinct_names": ev["pairs"],
                     "fuzzy_scored": ev["fuzzy"],
                     "by_method": matches["method"].value_counts().to_dict(),
                     "by_band": matches["band"].value_counts().to_dict(),
                     "local_added": int(ev["local_added"].sum())},
        "base": {"source": base.source, "items": len(base),
                 "code_format_errors": int((~base.items["code_ok"]).sum()),
                 "duplicate_codes": int(sum(len(f) for f in base.findings
                                            if f["code"].iat[0] == "base-code-duplicate"))},
        "timing": {"scan": round(t_scan - started, 3), "match": round(t_match - t_scan, 3)},
    }
    report.seconds = time.perf_counter() - started
    report.extra["timing"]["total"] = round(report.seconds, 3)
    return ConformResult(report, matches, base)


# ----------------------------------------------------------------- alignment

def _align(local, base: BaseCatalog, th: Thresholds) -> dict:
    """Per-row evidence arrays: pos (base position or -1), method, score, band, guards, …"""
    import pandas as pd

    n = len(local)
    matcher = NameMatcher(base, th)
    name, typ = local["item_name"], local["item_type"]
    cat, task = local["catalog_code"], local["task_code"]
    tail = task.where(task.str.len() == 31).str.slice(19, 31)
    code = cat.where(cat.notna(), tail)
    from_task = (cat.isna() & tail.notna()).to_numpy(dtype=bool)
    code_pos = code.map(base.code_index)
    hit = code_pos.notna().to_numpy(dtype=bool)

    pair, uniq = pd.factorize(name.fillna("\x00").astype(object) + "\x1f" + typ.fillna("").astype(object))
    npairs = len(uniq)
    first = np.empty(npairs, dtype=np.int64)
    first[pair[::-1]] = np.arange(n)[::-1]
    names_p = name.to_numpy(dtype=object)[first]
    types_p = typ.to_numpy(dtype=object)[first]
    need_fuzzy = np.bincount(pair[~hit], minlength=npairs) > 0
    res = matcher.resolve(names_p, types_p, need_fuzzy)

    # evidence per pair, then per distinct (pair, code position) of rows found by code
    e_pos = [r.pos for r in res]
    e_method = [r.method for r in res]
    e_score = [r.score for r in res]
    e_band = [r.band for r in res]
    e_guards = [r.guards for r in res]
    e_cands = [r.candidates for r in res]
    e_eq = [r.method in ("name", "normalised-name") and r.band == "matched" for r in res]
    nb = len(base)
    combo = np.zeros(n, dtype=np.int64)
    if hit.any():
        keys = pair[hit].astype(np.int64) * (nb + 1) + code_pos[hit].to_numpy().astype(np.int64)
        combo_codes, combo_uniq = pd.factorize(keys)
        combo[hit] = npairs + combo_codes
        for k in combo_uniq:
            p, pos = divmod(int(k), nb + 1)
            r = res[p]
            eq, score, fired = matcher.compare(r.key, pos) if r.key else (True, float("nan"), ())
            other = r.pos if r.method in ("name", "normalised-name") else -1
            related = other >= 0 and str(base.items.at[other, "code"])[:9] == str(base.items.at[pos, "code"])[:9]
            cands = r.candidates
            if other >= 0 and other != pos and not related:
                fired = fired + (f"code-name-conflict:{base.items.at[other, 'code']}",)
                cands = ((other, 100.0),)
            band = "matched" if (not r.key or eq or (score >= th.review and not fired)) else "review"
            e_pos.append(pos)
            e_method.append("code")
            e_score.append(score)
            e_band.append(band)
            e_guards.append(fired)
            e_cands.append(cands)
            e_eq.append(bool(eq) and bool(r.key))
    evid = np.where(hit, combo, pair)
    pos = np.asarray(e_pos, dtype=np.int64)[evid]
    method = np.asarray(e_method, dtype=object)[evid]
    method[hit & from_task] = "task-code"
    band = np.asarray(e_band, dtype=object)[evid]
    code_np = code.to_numpy(dtype=object)
    local_added = (~hit & (band == "unmatched") & np.array(
        [isinstance(c, str) and bool(_CODE12.fullmatch(c)) and c[:2] != "00" for c in code_np]))
    guard_text = ["; ".join(g) for g in e_guards]
    cand_text = [candidate_text(base, c) for c in e_cands]
    return {"n": n, "pairs": npairs, "fuzzy": int(need_fuzzy.sum()), "evid": evid, "pos": pos,
            "method": method, "band": band, "hit": hit, "code": code_np,
            "code_field": np.where(cat.notna().to_numpy(dtype=bool), "catalog_code", "task_code"),
            "score": np.asarray(e_score, dtype=float)[evid],
            "e_score": e_score, "e_guards": guard_text, "e_cands": cand_text,
            "e_best": [c[0] if c else None for c in e_cands],
            "eq": np.asarray(e_eq, dtype=bool)[evid], "local_added": local_added}


# ----------------------------------------------------------------- findings

def _fmt_score(s) -> object:
    return None if s is None or s != s else round(float(s), 1)


def _add_row_findings(report: Report, local, base: BaseCatalog, ev: dict) -> None:
    import pandas as pd

    items = base.items
    b_code = items["code"].to_numpy(dtype=object)
    b_name = items["name"].to_numpy(dtype=object)
    b_type = items["type"].to_numpy(dtype=object)
    b_levels = items["levels"].to_numpy(dtype=object)
    pos, band, hit, evid = ev["pos"], ev["band"], ev["hit"], ev["evid"]
    name = local["item_name"].to_numpy(dtype=object)
    typ = local["item_type"].to_numpy(dtype=object)
    levels = local["exercise_levels"].to_numpy(dtype=object)
    task = local["task_code"].to_numpy(dtype=object)
    item = np.where(pd.notna(task), task, name)
    found = pos >= 0

    def cand_of(e: int) -> tuple:
        best = ev["e_best"][e]
        return (best[0], best[1]) if best else (None, None)

    def base_params(i: int) -> dict:
        p, e = int(pos[i]), int(evid[i])
        if p < 0:
            bp, bs = cand_of(e)
            return {"base_code": None if bp is None else b_code[bp],
                    "base_name": None if bp is None else b_name[bp], "score": _fmt_score(bs)}
        return {"base_code": b_code[p], "base_name": b_name[p], "score": _fmt_score(ev["score"][i])}

    def evidence(i: int) -> dict:
        e = int(evid[i])
        g, c = ev["e_guards"][e], ev["e_cands"][e]
        return {**base_params(i), "guards": g, "candidates": c,
                "guard_text": f" [{g}]" if g else "", "candidate_text": f" [≈ {c}]" if c else ""}

    def emit(code: str, field, mask, values, key, build):
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        vals = values[idx] if isinstance(values, np.ndarray) else np.full(len(idx), values, dtype=object)
        report.add(pd.DataFrame({
            "code": code, "field": field if isinstance(field, str) else field[idx],
            "value": vals, "params": _per_row_params(idx, key, build),
            "source": local["source"].to_numpy(dtype=object)[idx],
            "sheet": local["sheet"].to_numpy(dtype=object)[idx],
            "row": local["row"].to_numpy()[idx], "item": item[idx]}))

    evid64 = evid.astype(np.int64)
    unknown = ~hit & pd.notna(ev["code"]) & ~ev["local_added"]
    emit("catalog-code-unknown", ev["code_field"], unknown, ev["code"],
         evid64 * 4 + (ev["code_field"] == "task_code"), evidence)
    named = pd.notna(name)
    emit("catalog-name-mismatch", "item_name", hit & named & ~ev["eq"], name, evid64, evidence)
    settled = found & (hit | (band == "matched"))
    t_codes, _ = _factor(typ)
    t_bad = settled & pd.notna(typ) & pd.notna(_take(b_type, pos)) & (typ != _take(b_type, pos))
    emit("catalog-type-mismatch", "item_type", t_bad, typ, evid64 * 64 + t_codes,
         lambda i: {**base_params(i), "local_type": typ[i], "base_type": b_type[pos[i]]})
    lv_ok = _subset(levels, _take(b_levels, pos))
    l_codes, _ = _factor(levels)
    l_bad = settled & pd.notna(levels) & pd.notna(_take(b_levels, pos)) & ~lv_ok
    emit("catalog-level-mismatch", "exercise_levels", l_bad, levels, evid64 * 4096 + l_codes,
         lambda i: {**base_params(i), "local_levels": levels[i], "base_levels": b_levels[pos[i]]})
    emit("catalog-match-review", "item_name", ~hit & (band == "review"), name, evid64, evidence)
    emit("catalog-unmatched", "item_name", ~hit & (band == "unmatched") & ~ev["local_added"],
         name, evid64, evidence)
    ev["type_ok"] = found & pd.notna(typ) & (typ == _take(b_type, pos))
    ev["level_ok"] = found & lv_ok


def _factor(values) -> tuple[np.ndarray, object]:
    import pandas as pd

    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return codes.astype(np.int64), uniq


def _add_unclaimed(report: Report, base: BaseCatalog, positions: list[int], level) -> None:
    import pandas as pd

    if not positions:
        return
    items = base.items.iloc[positions]
    report.add(pd.DataFrame({
        "code": "catalog-item-unclaimed", "field": None, "value": items["code"].to_numpy(),
        "params": [{"base_code": c, "base_name": n, "base_levels": lv, "level": level,
                    "base_type": t}
                   for c, n, lv, t in zip(items["code"], items["name"], items["levels"], items["type"])],
        "source": base.source, "sheet": items["sheet"].to_numpy(),
        "row": items["_row"].to_numpy(), "item": items["code"].to_numpy()}))


# ----------------------------------------------------------------- rates

def _finding_bits(report: Report, local) -> np.ndarray:
    """Per local row: the 实施清单 issue bits carried by validate findings at error severity."""
    import pandas as pd

    bits = np.zeros(len(local), dtype=np.int64)
    df = report.frame()
    df = df[df["severity"] == "error"]
    bit = df["code"].map(TASK_FINDING_BITS)
    for prefix, b in TASK_PREFIX_BITS.items():
        bit = bit.where(~df["code"].str.startswith(prefix), b)
    df = df.assign(bit=bit)[bit.notna()]
    if not len(df):
        return bits
    src = local["source"].to_numpy(dtype=object)
    sheet = local["sheet"].fillna("").to_numpy(dtype=object)
    rows = local["row"].to_numpy()
    fam_title = {f.name: f.title for f in families().values()}
    fam = local["item_type"].map(family_of_type()).map(fam_title).to_numpy(dtype=object)
    for (s, sh), g in df.groupby([df["source"], df["sheet"].fillna("")], sort=False):
        in_table = (src == s) & (sheet == sh)
        at_rows = g[g["row"].notna()]
        for b, gb in at_rows.groupby("bit"):
            hitrows = np.isin(rows, gb["row"].astype(np.int64).to_numpy()) & in_table
            bits[hitrows] |= int(b)
        for p in g.loc[g["row"].isna() & (g["code"] == "column-missing"), "params"]:
            scope = (p or {}).get("family", "全部") if isinstance(p, dict) else "全部"
            titles = set(str(scope).split("、"))
            applies = in_table if "全部" in titles else in_table & pd.Series(fam).isin(titles).to_numpy()
            bits[applies] |= 4
    return bits


def _rates(report: Report, local, base: BaseCatalog, ev: dict, present: set[str], level):
    import pandas as pd

    pos, band, hit = ev["pos"], ev["band"], ev["hit"]
    matched = band == "matched"
    counted = ~ev["local_added"]
    code_given = pd.notna(ev["code"])
    cbits = np.zeros(len(local), dtype=np.int64)
    cbits |= np.where(band == "unmatched", 1, 0)
    cbits |= np.where(band == "review", 2, 0)
    cbits |= np.where(matched & ~ev["eq"], 4, 0)
    cbits |= np.where(matched & ~ev["type_ok"], 8, 0)
    cbits |= np.where(matched & ~ev["level_ok"], 16, 0)
    cbits |= np.where(matched & code_given & ~hit, 32, 0)
    catalog_ok = cbits == 0

    task = local["task_code"]
    task_ok = (map_distinct(task, lambda c: classify_task(c) is None)
               .fillna(False).to_numpy(dtype=bool))
    tbits = _finding_bits(report, local)
    tbits |= np.where(~hit, 1, 0)
    tbits |= np.where(~task_ok, 2, 0)
    tbits |= np.where(hit & ~ev["type_ok"], 32, 0)
    tbits |= np.where(hit & ~ev["level_ok"], 64, 0)
    task_rows_ok = tbits == 0

    bodies = (local["implementing_body"].fillna(local["implementing_body_code"]).fillna(UNKNOWN)
              .to_numpy(dtype=object))
    types = local["item_type"].fillna(UNKNOWN).to_numpy(dtype=object)
    has_task = "task_code" in present and bool(pd.notna(local["task_code"]).any())
    rates = {
        "catalog_conformity": rate_block(catalog_ok, counted, cbits, CATALOG_ISSUES, bodies, types),
        "task_conformity": rate_block(task_rows_ok, counted, tbits, TASK_ISSUES, bodies, types),
        "gate": "task_conformity" if has_task else "catalog_conformity",
        "local_added": int(ev["local_added"].sum()),
    }
    ev.update(catalog_ok=catalog_ok, cbits=cbits, task_rows_ok=task_rows_ok, tbits=tbits)
    lvl, how, dist = infer_level(level, task.to_numpy(dtype=object), task_ok,
                                 local["exercise_levels"].to_numpy(dtype=object))
    claimed = set(pos[matched & (pos >= 0)].tolist())
    pending = set(pos[(band == "review") & (pos >= 0)].tolist())
    cov, unclaimed = coverage(base, lvl, claimed, pending)
    cov["level_source"] = how
    if dist:
        cov["level_distribution"] = dist
    return rates, cov, unclaimed


# ----------------------------------------------------------------- evidence table

def _matches_frame(local, base: BaseCatalog, ev: dict):
    import pandas as pd

    items = base.items
    pos = ev["pos"]
    score = ev["score"]
    cat = local["catalog_code"].to_numpy(dtype=object)
    return pd.DataFrame({
        "local_source": local["source"].to_numpy(dtype=object),
        "local_sheet": local["sheet"].to_numpy(dtype=object),
        "local_row": local["row"].to_numpy(),
        "local_code": np.where(pd.notna(cat), cat, ev["code"]),
        "local_task_code": local["task_code"].to_numpy(dtype=object),
        "local_name": local["item_name"].to_numpy(dtype=object),
        "local_type": local["item_type"].to_numpy(dtype=object),
        "local_levels": local["exercise_levels"].to_numpy(dtype=object),
        "local_body": local["implementing_body"].to_numpy(dtype=object),
        "base_code": _take(items["code"].to_numpy(dtype=object), pos),
        "base_name": _take(items["name"].to_numpy(dtype=object), pos),
        "base_type": _take(items["type"].to_numpy(dtype=object), pos),
        "base_levels": _take(items["levels"].to_numpy(dtype=object), pos),
        "method": ev["method"],
        "score": np.round(score, 1),
        "band": ev["band"],
        "guards": np.asarray(ev["e_guards"], dtype=object)[ev["evid"]],
        "candidates": np.asarray(ev["e_cands"], dtype=object)[ev["evid"]],
        "catalog_ok": ev["catalog_ok"],
        "catalog_issues": issue_text(ev["cbits"], CATALOG_ISSUES).to_numpy(dtype=object),
        "task_ok": ev["task_rows_ok"],
        "task_issues": issue_text(ev["tbits"], TASK_ISSUES).to_numpy(dtype=object),
        "local_added": ev["local_added"],
    }, columns=MATCH_COLUMNS)
