"""The 实施清单 a case must link to, indexed for a vectorised hash join on 实施编码.

The catalog is read with the same readers and element normalisation as ``sxcheck validate``
(:class:`validators.core.rows.Rows`), keeping only what linking and the time-limit checks need:
实施编码, 事项版本, the publication window (计划生效日期 … 计划取消日期), 承诺办结时限 and its unit
(法定办结时限 when no promise is given), 办件类型, 是否收费 and the 实施主体.

Lookups are numpy/pandas operations over whole case chunks: ``pd.Index.get_indexer`` for the
code (one hash probe per case), an int64 key ``code position × 2²⁰ + version`` for 事项版本, and
``searchsorted`` over ``code position × 2²⁰ + 生效日`` for "the version in force on a day".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from validators.caserecords.dates import parse_datetimes

# time-limit units: 1 工作日, 2 自然日 (the time_unit code list), then what real catalogs write
UNIT_WORKDAY, UNIT_DAY, UNIT_HOUR, UNIT_MONTH = 1, 2, 3, 4
UNIT_WORDS = {"1": UNIT_WORKDAY, "2": UNIT_DAY, "小时": UNIT_HOUR, "时": UNIT_HOUR, "H": UNIT_HOUR,
              "HOUR": UNIT_HOUR, "HOURS": UNIT_HOUR, "个小时": UNIT_HOUR, "月": UNIT_MONTH,
              "个月": UNIT_MONTH, "MONTH": UNIT_MONTH, "MONTHS": UNIT_MONTH, "自然月": UNIT_MONTH}
UNIT_NAMES = {UNIT_WORKDAY: ("个工作日", " working day(s)"), UNIT_DAY: ("个自然日", " calendar day(s)"),
              UNIT_HOUR: ("小时", " hour(s)"), UNIT_MONTH: ("个月", " month(s)")}
INSTANT_WORDS = ("即办", "当场办结", "立即办结", "即时办结", "当场")
VERSION_SHIFT = 1 << 20
NO_START = -(1 << 19)     # 生效日 missing: in force since always (day numbers stay within ±2¹⁹)
NO_END = 1 << 30
COLUMNS = ("task_code", "item_version", "planned_effective_date", "planned_cancel_date",
           "promised_time_limit", "promised_time_limit_unit", "legal_time_limit", "legal_time_limit_unit",
           "case_type", "is_fee_charged", "implementing_body", "implementing_body_code", "item_name")


@dataclass
class CaseCatalog:
    """One row per (实施编码, 事项版本) of the catalog files (first occurrence kept)."""

    code_index: object                 # pd.Index of distinct 实施编码 → code position
    code_values: object                # the same codes as an arrow array (for pc.index_in)
    code_ok: np.ndarray                # bool per distinct code: a well-formed 31-character 实施编码
    code_sorted: np.ndarray            # S31: the well-formed codes, in the order of code_hashes
    code_hashes: np.ndarray            # uint64 hash31 of code_sorted, ascending
    code_sorted_pos: np.ndarray        # their code positions
    row_code: np.ndarray               # code position of each row
    version: np.ndarray                # int64, -1 when not given
    start: np.ndarray                  # first day in force (NO_START when not given)
    end: np.ndarray                    # first day no longer in force (NO_END when not given)
    limit: np.ndarray                  # float: promised limit (NaN when none usable)
    unit: np.ndarray                   # int8: UNIT_* (0 when unknown)
    limit_basis: np.ndarray            # object: "promised" | "legal" | None
    instant: np.ndarray                # bool: 即办件 by 办件类型 or a limit of 即办/0
    fee: np.ndarray                    # int8: 1 charged, 0 free, -1 not given
    body: np.ndarray                   # object: 实施主体 name
    version_index: object              # pd.Index of code × 2²⁰ + version → row
    start_key: np.ndarray              # sorted code × 2²⁰ + start (for "in force on a day")
    start_row: np.ndarray              # row of each start_key
    versions_text: dict = field(default_factory=dict)   # cache: code position → "1(2024-01-01~…)、2(…)"
    by_code: np.ndarray | None = None                   # rows ordered by code position
    code_bounds: np.ndarray | None = None               # each code's slice of by_code
    body_names: dict = field(default_factory=dict)      # USCC → 实施主体 name
    sources: list = field(default_factory=list)
    rows_read: int = 0
    duplicates: int = 0
    unusable_dates: int = 0

    def __len__(self) -> int:
        return len(self.row_code)


def _limit_of(rows, num_col: str, unit_col: str):
    """(number, unit, instant) arrays from one 时限 + 单位 pair."""
    text = rows.text(num_col)
    num = rows.num(num_col) if rows.has(num_col) else np.full(rows.n, np.nan)
    instant = text.fillna("").str.contains("|".join(INSTANT_WORDS), regex=True).to_numpy(dtype=bool)
    num = np.where(instant & np.isnan(num), 0.0, num)
    unit_code = rows.code(unit_col).fillna("").str.upper()
    unit = unit_code.map(UNIT_WORDS).fillna(0).to_numpy(dtype=np.int8)
    # no unit written: 工作日 (行政许可法第八十二条 counts 期限 in working days)
    unit = np.where((unit_code == "").to_numpy() & ~np.isnan(num), UNIT_WORKDAY, unit).astype(np.int8)
    return num, unit, instant


def _frame(rows, source: str):
    import pandas as pd

    promised, p_unit, p_instant = _limit_of(rows, "promised_time_limit", "promised_time_limit_unit")
    legal, l_unit, _ = _limit_of(rows, "legal_time_limit", "legal_time_limit_unit")
    use_promised = ~np.isnan(promised) & (p_unit > 0)
    use_legal = ~use_promised & ~np.isnan(legal) & (l_unit > 0)
    eff = parse_datetimes(rows.text("planned_effective_date"))
    end = parse_datetimes(rows.text("planned_cancel_date"))
    version = rows.code("item_version")
    vnum = pd.to_numeric(version.where(version.str.fullmatch(r"\d{1,6}").fillna(False)), errors="coerce")
    case_type = rows.code("case_type")
    return pd.DataFrame({
        "task_code": rows.code("task_code") if rows.has("task_code") else None,
        "version": vnum.fillna(-1).to_numpy(dtype=np.int64),
        "start": np.where(eff.ok, eff.day, NO_START),
        "end": np.where(end.ok, end.day, NO_END),
        "bad_dates": eff.bad | end.bad,
        "limit": np.where(use_promised, promised, np.where(use_legal, legal, np.nan)),
        "unit": np.where(use_promised, p_unit, np.where(use_legal, l_unit, 0)).astype(np.int8),
        "basis": np.where(use_promised, "promised", np.where(use_legal, "legal", None)),
        "instant": (case_type == "1").fillna(False).to_numpy(dtype=bool) | p_instant
                   | (use_promised & (promised == 0)),
        "fee": rows.code("is_fee_charged").to_numpy(dtype=object, na_value=None),
        "body": rows.text("implementing_body").to_numpy(dtype=object, na_value=None),
        "body_code": rows.code("implementing_body_code").to_numpy(dtype=object, na_value=None),
    })


def load_catalog(paths, *, encoding: str | None = None, sheet: str | None = None) -> CaseCatalog:
    """Read 实施清单 files (CSV/XLSX/JSON, any export ``validate`` reads); raises InputError."""
    import pandas as pd

    from validators.core.rows import Rows
    from validators.read import InputError, open_tables

    if isinstance(paths, str):
        paths = [paths]
    parts = []
    sources = []
    for path in paths:
        tables = open_tables(path, sheet=sheet, encoding=encoding)
        with_codes = [t for t in tables if "task_code" in t.columns]
        if not with_codes:   # other sheets (说明, 基本目录) are skipped when one sheet has 实施编码
            raise InputError("catalog-no-task-code", path, sheet="、".join(t.sheet or "" for t in tables))
        for table in with_codes:
            sources.append(table.source)
            for chunk in table.chunks():
                parts.append(_frame(Rows(chunk), table.source))
    df = pd.concat(parts, ignore_index=True) if parts else _frame(Rows(pd.DataFrame({"task_code": []}, dtype="str")), "")
    rows_read = len(df)
    df = df[df["task_code"].notna()]
    before = len(df)
    df = df.drop_duplicates(["task_code", "version"], keep="first").reset_index(drop=True)
    duplicates = before - len(df)
    row_code, uniques = pd.factorize(df["task_code"])
    code_index = pd.Index(uniques)
    code_ok = _well_formed(uniques)
    good = np.flatnonzero(code_ok)
    import pyarrow as pa

    from validators.caserecords.link import _fixed31, hash31

    ascii_codes = _fixed31(_arrow_strings(uniques).take(pa.array(good))).copy()
    hashes = hash31(ascii_codes)
    order_c = np.argsort(hashes, kind="stable")
    sorted_codes, sorted_pos, hashes = ascii_codes[order_c], good[order_c].astype(np.int64), hashes[order_c]
    if len(hashes) > 1 and (hashes[1:] == hashes[:-1]).any():   # never seen; would hide a code
        raise ValueError("two 实施编码 of the catalog share a 64-bit hash")
    row_code = row_code.astype(np.int64)
    version = df["version"].to_numpy(dtype=np.int64)
    has_v = version >= 0
    vkeys = row_code * VERSION_SHIFT + np.where(has_v, version, VERSION_SHIFT - 1)
    version_index = pd.Index(vkeys)
    start = df["start"].to_numpy(dtype=np.int64)
    skey = row_code * VERSION_SHIFT * 4 + (start - NO_START)
    order = np.argsort(skey, kind="stable")
    cat = CaseCatalog(
        code_index=code_index, code_values=_arrow_strings(uniques), code_ok=code_ok,
        code_sorted=np.asarray(sorted_codes, dtype="S31"), code_hashes=hashes, code_sorted_pos=sorted_pos,
        row_code=row_code, version=version, start=start,
        end=df["end"].to_numpy(dtype=np.int64), limit=df["limit"].to_numpy(dtype=float),
        unit=df["unit"].to_numpy(dtype=np.int8), limit_basis=df["basis"].to_numpy(dtype=object),
        instant=df["instant"].to_numpy(dtype=bool),
        fee=df["fee"].map({"1": 1, "0": 0}).fillna(-1).to_numpy(dtype=np.int8),
        body=df["body"].to_numpy(dtype=object), version_index=version_index,
        start_key=skey[order], start_row=order.astype(np.int64), sources=sources, rows_read=rows_read,
        duplicates=duplicates, unusable_dates=int(df["bad_dates"].sum()))
    cat.by_code = np.argsort(row_code, kind="stable")
    cat.code_bounds = np.searchsorted(row_code[cat.by_code], np.arange(len(code_index) + 1))
    body_codes = df["body_code"].where(df["body_code"].notna(), df["task_code"].str.slice(0, 18))
    names = pd.DataFrame({"c": body_codes, "n": df["body"]}).dropna().drop_duplicates("c")
    cat.body_names = dict(zip(names["c"], names["n"], strict=False))
    return cat


def _well_formed(values) -> np.ndarray:
    import pyarrow.compute as pc

    from validators.caserecords.link import TASK_CODE

    return pc.fill_null(pc.match_substring_regex(_arrow_strings(values), f"^{TASK_CODE}$"), False).to_numpy(
        zero_copy_only=False).astype(bool)


def _arrow_strings(values):
    import pyarrow as pa

    return pa.array(np.asarray(values, dtype=object), type=pa.string())


def versions_of(cat: CaseCatalog, code_pos: int) -> str:
    """The versions of one 实施编码 with their windows, for messages:
    ``1(2024-01-01~2025-11-01)、2(2025-11-01~)``."""
    from validators.caserecords.dates import day_text

    code_pos = int(code_pos)
    if code_pos < 0:
        return ""
    if code_pos not in cat.versions_text:
        rows = cat.by_code[cat.code_bounds[code_pos]: cat.code_bounds[code_pos + 1]]
        parts = []
        for r in rows.tolist():
            v, s, e = int(cat.version[r]), int(cat.start[r]), int(cat.end[r])
            label = str(v) if v >= 0 else "?"
            window = (day_text(s) if s != NO_START else "") + "~" + (day_text(e) if e != NO_END else "")
            parts.append(f"{label}({window})" if window != "~" else label)
        cat.versions_text[code_pos] = "、".join(parts)
    return cat.versions_text[code_pos]
