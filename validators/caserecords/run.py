"""``sxcheck cases``: case exports (办件) against the 实施清单 — link rate and time-limit supervision.

One streaming pass over the case files, chunk by chunk (the readers' 50,000 rows): dates are
parsed, every case is linked to the catalog (:mod:`link`), then checked for time limits
(:mod:`limits`), date order and fees.  Findings name the case by its 办件编号 and the element;
personal elements (names, ID numbers, phones, addresses) are read only by the XLSX exporter,
which masks them (:mod:`mask`).  Figures go to ``Report.extra``: the link rate with numerator and
denominator (overall, per 受理单位, per 实施主体 of the 实施编码), unlinked cases by cause, time-limit
counts, and the calendar's covered years.
"""
from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterable

import numpy as np

from validators.caserecords import rules as R
from validators.caserecords.catalog import (
    UNIT_HOUR,
    UNIT_NAMES,
    CaseCatalog,
    load_catalog,
    versions_of,
)
from validators.caserecords.dates import DAY, NAT, Stamps, parse_datetimes, parse_day
from validators.caserecords.limits import (
    FROM_CASE,
    FROM_CATALOG,
    FROM_INSTANT,
    FROM_NONE,
    Limits,
    check_limits,
    inconsistent_dates,
)
from validators.caserecords.link import (
    BODY,
    LINKED,
    MALFORMED,
    UNKNOWN,
    VERSION,
    link_cases,
)
from validators.caserecords.workdays import WorkCalendar, china_calendar
from validators.report.findings import findings_frame, is_missing
from validators.report.report import Report, SourceInfo

UNKNOWN_UNIT = "（未填受理单位）"
BAD_CODE = "（实施编码无效）"
DATE_COLUMNS = ("applied_at", "accepted_at", "promised_at", "finished_at")
USED = frozenset(DATE_COLUMNS) | {"case_id", "task_code", "item_version", "case_type", "case_fee",
                                  "accepting_unit", "accepting_unit_code"}
CAUSE_RULES = {MALFORMED: R.CASE_CODE_MALFORMED, UNKNOWN: R.CASE_ITEM_UNKNOWN, BODY: R.CASE_BODY_MISMATCH,
               VERSION: R.CASE_VERSION_UNKNOWN}
CAUSE_FIELDS = {MALFORMED: "task_code", UNKNOWN: "task_code", BODY: "accepting_unit_code", VERSION: "item_version"}
FEE_TEXT = {1: ("是", "yes"), 0: ("否", "no")}
OTHER = {"applied_at": ("申请时间", "the application time"), "accepted_at": ("受理时间", "the acceptance time")}
TIME_COUNTERS = ("cases_with_deadline", "finished_on_time", "overdue", "open", "open_overdue",
                 "near_deadline", "instant_late", "no_limit", "no_start", "uncovered")


def _arrow_col(chunk, col: str):
    """One column as trimmed arrow text, empty cells and placeholders (无, /, —) missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from validators.core.rows import _absent_values

    arr = chunk[col].array
    arr = pa.array(arr) if not hasattr(arr, "_pa_array") else arr._pa_array
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    arr = pc.utf8_trim_whitespace(arr)
    absent = pc.is_in(arr, value_set=_absent_values())
    if pc.any(absent).as_py():
        arr = pc.if_else(absent, pa.scalar(None, pa.string()), arr)
    return arr


def _map_codes(arr, fn) -> np.ndarray:
    """int8 codes of a text column, ``fn`` applied once per distinct value (missing → -1)."""
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(arr)
    table = np.array([fn(v) for v in enc.dictionary.to_pylist()] + [-1], dtype=np.int8)
    idx = pc.fill_null(enc.indices, len(table) - 1).to_numpy(zero_copy_only=False)
    return table[idx]


def _taker(arr):
    """Lazy values of an arrow column at hit positions (only findings read them)."""
    import pyarrow as pa

    return lambda pos: arr.take(pa.array(pos)).to_pylist()


def _limit_text(source, n, unit, basis) -> tuple[str, str]:
    """How a deadline was set, in Chinese and English (for messages)."""
    if source == FROM_CATALOG:
        zh_u, en_u = UNIT_NAMES[int(unit)]
        kind = ("承诺", "promised") if basis == "promised" else ("法定", "statutory")
        return f"实施清单{kind[0]} {n:g}{zh_u}", f"catalog {kind[1]} limit {n:g}{en_u}"
    if source == FROM_CASE:
        return "按办件承诺办结时间", "the case's promised completion time"
    if source == FROM_INSTANT:
        return "即办件当日办结", "instant: same day"
    return "—", "—"


def _hash_ids(ids) -> np.ndarray:
    """uint64 hash of each 办件编号 (0 where missing), for the duplicate check."""
    import pandas as pd
    import pyarrow.compute as pc

    values = ids.to_numpy(zero_copy_only=False)
    h = pd.util.hash_array(values.astype(object), categorize=False)
    h[h == 0] = 1   # 0 marks a missing number
    h[~pc.is_valid(ids).to_numpy(zero_copy_only=False)] = 0
    return h


def _no_stamps(n: int) -> Stamps:
    none = np.zeros(n, dtype=bool)
    return Stamps(np.full(n, NAT, dtype=np.int64), none, none, none)


def ratio(num: int, den: int) -> dict:
    return {"numerator": int(num), "denominator": int(den), "rate": round(num / den, 6) if den else None}


def _days_text(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="datetime64[D]").astype(str)


def _stamps_text(s: Stamps, pos: np.ndarray) -> np.ndarray:
    sec = s.sec[pos]
    text = np.asarray(np.where(sec == NAT, 0, sec), dtype="datetime64[s]").astype(str)
    text = np.char.replace(text, "T", " ")
    return np.where(s.timed[pos], text, text.astype("<U10"))


class _Tally:
    """Counts kept across chunks: link figures per group and the time-limit counters."""

    def __init__(self):
        self.cases = 0
        self.linked = 0
        self.causes = {rule.code: 0 for rule in CAUSE_RULES.values()}
        self.units: dict[str, list] = {}      # key → [cases, linked, name]
        self.bodies: dict[str, list] = {}
        self.time = dict.fromkeys(TIME_COUNTERS, 0)

    def group(self, target: dict, keys, names, ok, lookup=None) -> None:
        """Add one chunk's cases and linked cases per key (arrow text); the key's name is the
        first ``names`` value seen, or ``lookup[key]``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        enc = pc.dictionary_encode(keys)
        codes = enc.indices.to_numpy(zero_copy_only=False)
        uniq = enc.dictionary.to_pylist()
        cases = np.bincount(codes, minlength=len(uniq))
        linked = np.bincount(codes, weights=ok, minlength=len(uniq)).astype(np.int64)
        _u, first = np.unique(codes, return_index=True)
        if names is not None:
            first_names = names.take(pa.array(first)).to_pylist()
        else:
            first_names = [lookup.get(k) for k in uniq]
        for k, c, lk, nm in zip(uniq, cases.tolist(), linked.tolist(), first_names, strict=True):
            e = target.get(k)
            if e is None:
                target[k] = [c, lk, nm]
            else:
                e[0] += c
                e[1] += lk
                if e[2] is None:
                    e[2] = nm

    @staticmethod
    def block(groups: dict) -> dict:
        out = {}
        for k in sorted(groups, key=lambda k: (groups[k][1] / groups[k][0] if groups[k][0] else 1, str(k))):
            c, lk, n = groups[k]
            out[str(k)] = {"name": n, **ratio(lk, c)}
        return out


class _Run:
    def __init__(self, cat: CaseCatalog, cal: WorkCalendar, report: Report, as_of: int, near: int):
        self.cat, self.cal, self.report, self.as_of, self.near = cat, cal, report, as_of, near
        self.tally = _Tally()
        self.as_of_text = str(np.datetime64(as_of, "D"))
        self._limit_text_cache: dict = {}
        self._ids: list = []       # per chunk: (arrow 办件编号, row numbers, table index) for duplicates
        self.tables: list = []

    # ------------------------------------------------------------------ one chunk
    def chunk(self, chunk, table, info: SourceInfo) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        from validators.core.ahead import blank_rows
        from validators.core.schema import code_lookup
        from validators.read.rules import ROW_BLANK

        canon = [c for c in chunk.columns if c != "_row"]
        blank = blank_rows(chunk)     # the one blank-row rule: empty or white-space cells only
        info.rows += len(chunk)
        if blank.any():
            info.rows_blank += int(blank.sum())
            self.report.add(findings_frame(ROW_BLANK, source=table.source, sheet=table.sheet,
                                           row=chunk.loc[blank, "_row"].to_numpy()))
            chunk = chunk.loc[~blank].reset_index(drop=True)
        n = len(chunk)
        if n == 0:
            return
        self.source, self.sheet = table.source, table.sheet
        self.rownum = chunk["_row"].to_numpy()
        col = {c: _arrow_col(chunk, c) for c in canon}
        null = pa.nulls(n, pa.string())
        ids = col.get("case_id", null)
        self.ids = ids
        self._ids.append((ids, self.rownum, len(self.tables) - 1, _hash_ids(ids)))
        self.case = pc.coalesce(ids, pc.binary_join_element_wise("#", pc.cast(pa.array(self.rownum), pa.string()), ""))
        task, version, unit_code = (col.get(c, null) for c in ("task_code", "item_version", "accepting_unit_code"))
        unit_name = col.get("accepting_unit", null)
        flags = code_lookup("flag")
        fee = _map_codes(col.get("case_fee", null), lambda v: {"1": 1, "0": 0}.get(flags.get(v.upper(), v), -1))
        types = code_lookup("case_type")
        ctype = _map_codes(col.get("case_type", null), lambda v: 1 if types.get(v.upper(), v) == "1" else 0)
        stamps = {c: parse_datetimes(col[c]) if c in col else _no_stamps(n) for c in DATE_COLUMNS}
        applied, accepted, promised, finished = (stamps[c] for c in DATE_COLUMNS)

        self.emit(R.CASE_ID_MISSING, ~pc.is_valid(ids).to_numpy(zero_copy_only=False), "case_id",
                  params=lambda pos: [{"row": int(r)} for r in self.rownum[pos]])
        for c, s in stamps.items():
            if s.bad.any():
                self.emit(R.CASE_DATE_INVALID, s.bad, c, value=_taker(col[c]))

        # link
        day = np.where(applied.ok, applied.day, accepted.day)
        has_day = applied.ok | accepted.ok
        links = link_cases(self.cat, task, version, day, has_day, unit_code)
        task, version = links.code, links.version
        status = links.status
        self.tally.cases += n
        linked = status == LINKED
        self.tally.linked += int(linked.sum())
        for cause, rule in CAUSE_RULES.items():
            m = status == cause
            self.tally.causes[rule.code] += int(m.sum())
            if cause == VERSION:
                self.emit(rule, m, "item_version", value=_taker(version), params=lambda pos: [
                    {"version": v or "—", "applied": a, "versions": versions_of(self.cat, p) or "—"}
                    for v, a, p in zip(_taker(version)(pos), self._link_day_text(applied, accepted, pos),
                                       links.code_pos[pos], strict=True)])
            elif cause == BODY:
                self.emit(rule, m, "accepting_unit_code", value=_taker(unit_code), params=lambda pos: [
                    {"body": b, "body_name": self.cat.body_names.get(b, "?")} for b in _taker(links.body)(pos)])
            else:
                self.emit(rule, m, CAUSE_FIELDS[cause], value=_taker(task))
        unit_key = pc.coalesce(unit_code, unit_name, pa.scalar(UNKNOWN_UNIT))
        self.tally.group(self.tally.units, unit_key, unit_name, linked)
        body_key = pc.coalesce(links.body, pa.scalar(BAD_CODE))
        self.tally.group(self.tally.bodies, body_key, None, linked, self.cat.body_names)

        # dates in order
        acc_early, fin_early = inconsistent_dates(applied, accepted, finished)
        self.emit(R.CASE_DATES_INCONSISTENT, acc_early, "accepted_at", value=lambda pos: _stamps_text(accepted, pos),
                  params=lambda pos: self._other(pos, np.zeros(len(pos), dtype=bool), accepted, applied))
        self.emit(R.CASE_DATES_INCONSISTENT, fin_early, "finished_at", value=lambda pos: _stamps_text(finished, pos),
                  params=lambda pos: self._other(pos, accepted.ok[pos], accepted, applied))

        # time limits
        type_given = ctype >= 0
        lim = check_limits(self.cat, self.cal, linked=linked, row=links.row, applied=applied,
                           accepted=accepted, promised=promised, finished=finished,
                           case_instant=(ctype == 1), case_type_given=type_given,
                           as_of=self.as_of, near=self.near)
        self.limit_findings(lim, links.row, applied, accepted, finished)

        # fees
        safe = np.where(links.row >= 0, links.row, 0)
        cat_fee = self.cat.fee[safe] if len(self.cat) else np.full(n, -1, dtype=np.int8)
        fee_bad = linked & (fee >= 0) & (cat_fee >= 0) & (fee != cat_fee)
        self.emit(R.CASE_FEE_MISMATCH, fee_bad, "case_fee", value=_taker(col.get("case_fee", null)), params=lambda pos: [
            {"case_fee": FEE_TEXT[a][0], "case_fee_en": FEE_TEXT[a][1],
             "catalog_fee": FEE_TEXT[b][0], "catalog_fee_en": FEE_TEXT[b][1]}
            for a, b in zip(fee[pos], cat_fee[pos], strict=True)])

        t = self.tally.time
        t["cases_with_deadline"] += int(lim.checked.sum())
        t["finished_on_time"] += int((lim.checked & finished.ok & ~lim.overdue & ~lim.instant_late).sum())
        t["overdue"] += int(lim.overdue.sum())
        t["open"] += int((linked & ~finished.present).sum())
        t["open_overdue"] += int(lim.open_overdue.sum())
        t["near_deadline"] += int(lim.near.sum())
        t["instant_late"] += int(lim.instant_late.sum())
        t["no_limit"] += int((linked & (accepted.ok | applied.ok) & (lim.source == FROM_NONE)).sum())
        t["no_start"] += int((linked & ~(accepted.ok | applied.ok)).sum())
        t["uncovered"] += int(lim.uncovered.sum())

    def duplicates(self) -> None:
        """办件编号 seen before (in any file): one finding per later occurrence, naming the first."""
        import pyarrow as pa

        if not self._ids:
            return
        ids = pa.chunked_array([i for i, _r, _t, _h in self._ids], type=pa.string())
        rows = np.concatenate([r for _i, r, _t, _h in self._ids])
        tables = np.concatenate([np.full(len(r), t, dtype=np.int32) for _i, r, t, _h in self._ids])
        hashes = np.concatenate([h for _i, _r, _t, h in self._ids])
        self._ids = []
        # equal 64-bit hashes first (8 bytes a case, sorted once), then the strings of those few compared
        present = np.flatnonzero(hashes != 0)
        order = present[np.argsort(hashes[present], kind="stable")]
        sorted_h = hashes[order]
        same = sorted_h[1:] == sorted_h[:-1]
        if not same.any():
            return
        cand = np.zeros(len(order), dtype=bool)
        cand[1:] |= same
        cand[:-1] |= same
        pos = np.sort(order[cand])
        values = ids.take(pa.array(pos)).to_pylist()
        first: dict = {}
        later = []
        for p, v in zip(pos.tolist(), values, strict=True):
            if v in first:
                later.append((p, first[v], v))
            else:
                first[v] = p
        for t_index in sorted({int(tables[p]) for p, _f, _v in later}):
            table = self.tables[t_index]
            mine = [(p, f, v) for p, f, v in later if tables[p] == t_index]
            self.report.add(findings_frame(
                R.CASE_ID_DUPLICATE, field="case_id", value=[v for _p, _f, v in mine],
                params=[{"case": v, "first_row": int(rows[f]),
                         "first_source": os.path.basename(self.tables[int(tables[f])].source)} for _p, f, v in mine],
                source=table.source, sheet=table.sheet, row=rows[[p for p, _f, _v in mine]],
                item=[v for _p, _f, v in mine]))

    def _link_day_text(self, applied: Stamps, accepted: Stamps, pos):
        a = _stamps_text(applied, pos)
        b = _stamps_text(accepted, pos)
        return np.where(applied.ok[pos], a, np.where(accepted.ok[pos], b, "—"))

    def _other(self, pos, use_accepted, accepted: Stamps, applied: Stamps):
        """The earlier element a date is compared with: 受理时间 where ``use_accepted``, else 申请时间."""
        a, b = _stamps_text(accepted, pos).tolist(), _stamps_text(applied, pos).tolist()
        out = []
        for i, flag in enumerate(use_accepted.tolist()):
            zh, en = OTHER["accepted_at" if flag else "applied_at"]
            out.append({"other": zh, "other_en": en, "other_value": a[i] if flag else b[i]})
        return out

    # ------------------------------------------------------------------ time-limit findings
    def limit_findings(self, lim: Limits, row, applied: Stamps, accepted: Stamps, finished: Stamps) -> None:
        cat = self.cat
        start_stamps_ok = accepted.ok

        def start_text(pos):
            return np.where(start_stamps_ok[pos], _stamps_text(accepted, pos), _stamps_text(applied, pos))

        texts = self._limit_text_cache

        def limit_texts(pos):
            safe = np.where(row[pos] >= 0, row[pos], 0)
            basis = cat.limit_basis[safe].tolist() if len(cat) else [None] * len(pos)
            out = []
            for key in zip(lim.source[pos].tolist(), lim.limit[pos].tolist(), lim.unit[pos].tolist(), basis,
                           strict=True):
                text = texts.get(key)
                if text is None:
                    text = texts[key] = _limit_text(*key)
                out.append(text)
            return out

        def params(pos, extra_key=None, extra=None):
            st = start_text(pos).tolist()
            dl = _days_text(lim.deadline[pos])
            hours = lim.deadline_sec[pos] != NAT
            if hours.any():
                dl = np.where(hours, np.char.replace(np.asarray(np.where(hours, lim.deadline_sec[pos], 0),
                                                                dtype="datetime64[s]").astype(str), "T", " "), dl)
            dl = dl.tolist()
            late = lim.late[pos].tolist()
            hour_unit = (lim.unit[pos] == UNIT_HOUR).tolist()
            lims = limit_texts(pos)
            out = []
            for i, (s, d, lt, (zh, en)) in enumerate(zip(st, dl, late, lims, strict=True)):
                p = {"start": s, "deadline": d, "limit": zh, "limit_en": en, "late": lt,
                     "late_text": "" if lt < 0 or hour_unit[i] else f"，超期 {lt} 个工作日",
                     "late_text_en": "" if lt < 0 or hour_unit[i] else f", {lt} working day(s) late",
                     "as_of": self.as_of_text}
                if extra_key:
                    p[extra_key] = extra[i]
                out.append(p)
            return out

        def fin_full(pos):
            return _stamps_text(finished, pos)

        def with_finished(pos):
            return params(pos, "finished", _stamps_text(finished, pos).tolist())

        self.emit(R.CASE_OVERDUE, lim.overdue, "finished_at", value=fin_full, params=with_finished)
        self.emit(R.CASE_OPEN_OVERDUE, lim.open_overdue, "finished_at",
                  params=lambda pos: params(pos))
        self.emit(R.CASE_NEAR_DEADLINE, lim.near, "finished_at",
                  params=lambda pos: params(pos, "left", lim.left[pos].tolist()))
        self.emit(R.CASE_INSTANT_NOT_INSTANT, lim.instant_late, "finished_at", value=fin_full,
                  params=with_finished)
        self.emit(R.CASE_CALENDAR_UNCOVERED, lim.uncovered, "accepted_at", params=lambda pos: self._uncovered(
            pos, lim, accepted, finished))

    def _uncovered(self, pos, lim: Limits, accepted: Stamps, finished: Stamps):
        cal = self.cal
        fin_day = np.where(finished.ok, finished.sec // DAY, 0)
        out = []
        for p in pos:
            if not cal.covers(lim.start[p]):
                day = str(np.datetime64(int(lim.start[p]), "D"))
            elif lim.deadline[p] < 0:
                day = f"{cal.last_year + 1}"
            elif finished.ok[p] and not cal.covers(fin_day[p]):
                day = str(np.datetime64(int(fin_day[p]), "D"))
            else:
                day = self.as_of_text
            out.append({"day": day, "years": cal.years, "source": cal.source})
        return out

    # ------------------------------------------------------------------ emitting
    def emit(self, rule, mask, field, value=None, params=None) -> None:
        mask = np.asarray(mask, dtype=bool)
        pos = np.flatnonzero(mask)
        if len(pos) == 0:
            return
        prm = params(pos) if params is not None else [{} for _ in pos]
        for p, c in zip(prm, _taker(self.case)(pos), strict=True):
            p["case"] = c
        if callable(value):
            value = dict(zip(pos.tolist(), value(pos), strict=True))
            vals = [value[p] for p in pos.tolist()]
        else:
            vals = None if value is None else [None if is_missing(v) else str(v)[:200] for v in value[pos]]
        self.report.add(findings_frame(rule, field=field, value=vals, params=prm, source=self.source,
                                       sheet=self.sheet, row=self.rownum[pos], item=_taker(self.ids)(pos)))


def check_cases(case_paths: Iterable[str] | str, catalog_paths: Iterable[str] | str, *,
                as_of: str | None = None, near_days: int = 3, sheet: str | None = None,
                encoding: str | None = None, catalog_encoding: str | None = None,
                severity: dict[str, str] | None = None,
                progress: Callable[[str, int, int | None, int | None], None] | None = None) -> Report:
    """Check case exports against the 实施清单 and return the Report.

    ``as_of`` (a date; default today) is the day open cases are judged on; ``near_days`` the
    working days left that make an open case near its deadline.  Raises
    :class:`validators.read.InputError` when a file cannot be read, ValueError on a bad option.
    """
    import datetime as dt

    from validators.read import open_tables

    started = time.perf_counter()
    if isinstance(case_paths, str):
        case_paths = [case_paths]
    if isinstance(catalog_paths, str):
        catalog_paths = [catalog_paths]
    if as_of is None:
        as_of_day = (dt.date.today() - dt.date(1970, 1, 1)).days
    else:
        as_of_day = parse_day(str(as_of))
        if as_of_day is None:
            raise ValueError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)")
    if near_days < 0:
        raise ValueError("near_days must be ≥ 0")
    cal = china_calendar()
    cat = load_catalog(list(catalog_paths), encoding=catalog_encoding)
    tables = [t for p in case_paths for t in open_tables(p, sheet=sheet, encoding=encoding, profile="case")]
    report = Report(command="cases", severity_overrides=dict(severity or {}))
    run = _Run(cat, cal, report, as_of_day, int(near_days))
    for table in tables:
        if "task_code" not in table.columns:
            from validators.read import InputError

            raise InputError("cases-no-task-code", table.source, sheet=table.sheet or "")
        info = SourceInfo(table.source, table.sheet, table.header_row, dict(table.columns),
                          list(table.unknown), profile="case")
        report.sources.append(info)
        run.tables.append(table)
        # the check pass parses only the elements it uses: personal columns are never read here
        used = dataclasses.replace(table, columns={c: lbl for c, lbl in table.columns.items() if c in USED})
        for chunk in (used.chunks() if used.columns else ()):
            run.chunk(chunk, table, info)
            if progress:
                progress(table.source, info.rows, used.bytes_done, table.size_bytes)
        # reading problems: a malformed row's raw text would carry personal data
        problems = [{**p, "value": None if p.get("row") is not None else p.get("value"),
                     "source": table.source, "sheet": table.sheet} for p in table.problems]
        if problems:
            report.add_records(problems)
    run.duplicates()
    tally = run.tally
    report.extra = {
        "rates": {"link_rate": ratio(tally.linked, tally.cases)},
        "link": {"cases": tally.cases, "linked": tally.linked, "unlinked": dict(tally.causes),
                 "per_unit": _Tally.block(tally.units), "per_body": _Tally.block(tally.bodies)},
        "time_limits": {"as_of": run.as_of_text, "near_days": int(near_days), **tally.time},
        "calendar": {"source": cal.source, "years": cal.years, "first_year": cal.first_year,
                     "last_year": cal.last_year},
        "catalog": {"sources": cat.sources, "rows": cat.rows_read, "versions": len(cat),
                    "task_codes": len(cat.code_index), "duplicates": cat.duplicates,
                    "unusable_dates": cat.unusable_dates},
    }
    report.seconds = time.perf_counter() - started
    return report


def min_link_rate_ok(report: Report, min_rate: float) -> bool:
    """CI gate: the link rate is at least ``min_rate`` (no cases: passes)."""
    rate = report.extra["rates"]["link_rate"]["rate"]
    return rate is None or rate >= min_rate
