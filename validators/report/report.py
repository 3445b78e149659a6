"""The Report: rows read and checked, findings, per-rule and per-element pass rates, expectations.

Findings are held as columnar frames (one per chunk; pickled, zstd-compressed and put in a
temporary file while a scan adds them, :mod:`validators.report.spill`) and turned into
:class:`~validators.findings.Finding` records only on request, so a million-row file with a
hundred thousand findings stays cheap.  The per-unit tally is compact too
(:class:`UnitCounts`).  ``to_dict(lang)`` is the JSON report; its shape is
published as ``schemas/report.schema.json``.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from validators import __version__
from validators.core.rulebook import get as rule_of
from validators.core.schema import label
from validators.read.rules import COLUMN_MISSING
from validators.report.findings import Finding, Severity, is_missing
from validators.report.messages import hint, render

UNKNOWN_UNIT = "（未填实施主体）"
FINDING_COLUMNS = ["code", "severity", "source", "sheet", "row", "field", "item", "value", "params"]
CHUNK = 32_768    # findings rendered at a time (bounds the memory of a report's output: their messages, hints and params)


@dataclass
class SourceInfo:
    source: str
    sheet: str | None
    header_row: int
    columns: dict[str, str]
    unknown_columns: list[str]
    rows: int = 0
    rows_blank: int = 0
    missing: dict = field(default_factory=dict, repr=False)  # absent required column → family titles
    profile: str = "guide"   # reader aliases: guide (办事指南/实施清单) or case (办件, holds personal data)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "sheet": self.sheet, "header_row": self.header_row,
                "rows": self.rows, "rows_blank": self.rows_blank, "columns": dict(self.columns),
                "unknown_columns": list(self.unknown_columns)}


@dataclass
class FindingColumns:
    """Findings column by column, as :meth:`Report.iter_findings` shows them: lists with missing
    values as None (``row`` an int or None); finding i's message, hint, suggestion (a
    :class:`~validators.fixes.suggest.Suggestion` or None) and JSON-safe params are
    ``tails[tail_of[i]]``, one shared tuple per distinct (rule, element, value, params) — read
    them, never change them.  Findings that share a tail have equal code, field and value."""

    code: list
    severity: list
    source: list
    sheet: list
    row: list
    field: list
    item: list
    value: list
    tail_of: Any     # numpy int64 array
    tails: list


@dataclass
class FindingCodes:
    """Findings column by column as :meth:`Report.finding_codes` gives them when every text value
    of a chunk is a str or missing: per text column (``code``, ``severity``, ``source``,
    ``sheet``, ``field``, ``item``, ``value``) a pair (codes, distinct values) — finding i's value
    is ``distinct[codes[i]]``, None where ``codes[i]`` is -1 (codes a numpy integer array, the
    distinct values str); ``row``, ``tail_of`` and ``tails`` as in :class:`FindingColumns`."""

    text: dict[str, tuple]
    row: list
    tail_of: Any
    tails: list

    def groups(self, names) -> tuple[Any, Any]:
        """Per finding, a group number (0, 1, … in order of first appearance) equal where the
        text columns ``names`` all are; and per group the position of its first finding."""
        ids = _combined_ids([self.text[name][0] for name in names])
        return ids, _firsts(ids)

    def columns(self) -> FindingColumns:
        """The same findings as :class:`FindingColumns` (lists of values)."""
        lists = {}
        for name, (codes, distinct) in self.text.items():
            lists[name] = [distinct[k] if k >= 0 else None for k in codes.tolist()]
        return FindingColumns(lists["code"], lists["severity"], lists["source"], lists["sheet"], self.row,
                              lists["field"], lists["item"], lists["value"], self.tail_of, self.tails)


class UnitCounts(MutableMapping):
    """实施主体 → [rows, rows with errors], as a dict would hold them (in order of first
    appearance), kept compact: the names in an exact index (:class:`validators.core.valueindex.UniqueIndex`, the names
    zstd-packed) and the two counts in numpy arrays, so the hundreds of thousands of units of a
    national catalog cost a few bytes each instead of a dict entry, a list and two ints.

    ``units[name]`` and ``setdefault`` give a list whose item assignments write through
    (``entry[0] += n`` works as on a dict of lists)."""

    def __init__(self, items=()):
        import numpy as np

        self._index = None
        self._counts = np.zeros((0, 2), dtype=np.int32)   # a unit's rows: far below 2**31
        for name, value in dict(items).items():
            self[name] = value

    def add(self, names: list[str], sizes, with_errors) -> None:
        """Add ``sizes`` rows and ``with_errors`` rows with errors to each of ``names`` (distinct);
        names not seen before are appended in the order given."""
        import numpy as np

        entries = self._entries(names, create=True)
        self._counts[entries, 0] += np.asarray(sizes, dtype=np.int32)
        self._counts[entries, 1] += np.asarray(with_errors, dtype=np.int32)

    def _entries(self, names: list[str], create: bool):
        import numpy as np
        import pyarrow as pa

        from validators.core import lasting
        from validators.core.valueindex import UniqueIndex, hash64

        if self._index is None:
            # names past the newest 65,536 go to disk with their hashes, as 实施编码 do: a file's
            # units then cost its counts only (8 bytes a unit)
            self._index = UniqueIndex(expected=1 << 14, memtable=1 << 16)
        values = pa.array(names, type=pa.large_string())
        h = hash64(values)
        entries = self._index.find(values, h)
        if create:
            new = np.flatnonzero(entries < 0)
            if len(new):
                entries[new] = self._index.add(values.take(pa.array(new)), h[new],
                                               np.zeros(len(new), dtype=np.int64), 0)
                if self._index.n > len(self._counts):
                    grown = lasting.zeros((max(2 * len(self._counts), self._index.n, 64), 2), np.int32)
                    grown[: len(self._counts)] = self._counts
                    self._counts = grown
        return entries

    def _entry(self, name: str) -> int:
        if not isinstance(name, str) or self._index is None:
            return -1
        return int(self._entries([name], create=False)[0])

    def __getitem__(self, name: str) -> list:
        e = self._entry(name)
        if e < 0:
            raise KeyError(name)
        return _UnitEntry(self, e)

    def __setitem__(self, name: str, value) -> None:
        if not isinstance(name, str):
            raise TypeError("a unit is named by a str")
        e = int(self._entries([name], create=True)[0])
        self._counts[e] = [int(value[0]), int(value[1])]

    def __delitem__(self, name: str) -> None:
        raise TypeError("units are only ever added")

    def setdefault(self, name: str, default=None) -> list:
        if name not in self:
            self[name] = default if default is not None else [0, 0]
        return self[name]

    def __contains__(self, name) -> bool:
        return self._entry(name) >= 0

    def __len__(self) -> int:
        return 0 if self._index is None else self._index.n

    def __iter__(self):
        if self._index is not None:
            for values in self._index.values():
                yield from values.to_pylist()

    def items(self):
        """(name, [rows, rows with errors]) in order of first appearance (read, not written through)."""
        counts = self._counts[: len(self)].tolist()
        return zip(self, counts, strict=True)

    def __repr__(self) -> str:
        return f"UnitCounts({dict(self.items())!r})"


class _UnitEntry(list):
    """[rows, rows with errors] of one unit; assigning an item writes it to the counts."""

    def __init__(self, units: UnitCounts, at: int):
        super().__init__(units._counts[at].tolist())
        self._units, self._at = units, at

    def __setitem__(self, i, value) -> None:
        super().__setitem__(i, value)
        self._units._counts[self._at, i] = value


@dataclass
class Report:
    command: str = "validate"
    engine: str = "native"
    severity_overrides: dict[str, str] = field(default_factory=dict)
    sources: list[SourceInfo] = field(default_factory=list)
    expectations: list[dict] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    units: UnitCounts = field(default_factory=UnitCounts)   # 实施主体 → [rows, rows with errors]
    # scan observers: ``observe(report, table, rows, found)`` per chunk (scoring, marked rows)
    observers: list[Any] = field(default_factory=list, repr=False)
    _frames: list[Any] = field(default_factory=list, repr=False)
    _spill: Any = field(default=None, repr=False, compare=False)   # where packed frames wait
    _frame: Any = field(default=None, repr=False)
    _loc: Any = field(default=None, repr=False)   # (frame, location numbers) of _locations

    # -------------------------------------------------------------- building
    def add(self, frame, *, pack: bool = False) -> None:
        """Add a findings frame.  ``pack`` (the scan's per-chunk frames) keeps it pickled and
        zstd-compressed in a temporary file until :meth:`frame`, so findings gathered over
        millions of rows cost the scan no memory; a frame added once, just before the report is
        read, is kept as it is."""
        if frame is not None and len(frame):
            if pack and self._spill is None:
                from validators.report.spill import Spill

                self._spill = Spill()
            self._frames.append(_Packed.of(_equal_shared(frame), self._spill) if pack else frame)
            self._frame = None

    def add_records(self, records) -> None:
        """Add findings built by :func:`validators.report.findings.record`."""
        import pandas as pd

        records = list(records)
        if records:
            self.add(pd.DataFrame.from_records(records, columns=[c for c in FINDING_COLUMNS if c != "severity"]))

    def count_units(self, rows, found) -> None:
        """Tally rows and rows with an error per 实施主体 (for per-unit rates and rankings).

        Units are factorised (sorted, as a groupby would list them) and counted with bincount, so
        a chunk costs one pass plus one dictionary update per distinct unit."""
        import numpy as np

        bad = np.zeros(rows.n, dtype=bool)
        if found is not None and len(found):
            errors = [c for c in found["code"].unique() if self.severity_of(c) is Severity.ERROR]
            bad[found.loc[found["code"].isin(errors), "_pos"].to_numpy()] = True
        if rows.has("implementing_body"):
            codes, names = _sorted_units(rows.distinct("implementing_body"))
        else:
            codes, names = np.zeros(rows.n, dtype=np.int64), [UNKNOWN_UNIT]
        sizes = np.bincount(codes, minlength=len(names))
        with_errors = np.bincount(codes[bad], minlength=len(names))
        if isinstance(self.units, UnitCounts):
            self.units.add(names, sizes, with_errors)
            return
        for name, n, b in zip(names, sizes.tolist(), with_errors.tolist(), strict=True):
            entry = self.units.setdefault(name, [0, 0])
            entry[0] += n
            entry[1] += b

    @property
    def rows_read(self) -> int:
        return sum(s.rows for s in self.sources)

    @property
    def rows_blank(self) -> int:
        return sum(s.rows_blank for s in self.sources)

    @property
    def rows_checked(self) -> int:
        return self.rows_read - self.rows_blank

    def severity_of(self, code: str) -> Severity:
        if code in self.severity_overrides:
            return Severity.parse(self.severity_overrides[code])
        return rule_of(code).severity

    # -------------------------------------------------------------- reading
    def frame(self):
        """All findings as one DataFrame (columns FINDING_COLUMNS), sorted by location."""
        import pandas as pd

        if self._frame is None:
            in_order = None
            if self._frames:
                parts = _objects_shared([f.unpack() if isinstance(f, _Packed) else f for f in self._frames])
                self._frames = []
                if self._spill is not None:
                    self._spill.close()
                    self._spill = None
                in_order = _sorted_parts(parts)
                df = pd.concat(in_order if in_order is not None else parts, ignore_index=True)
                del parts
            else:
                df = pd.DataFrame(columns=[c for c in FINDING_COLUMNS if c != "severity"])
            for c in FINDING_COLUMNS:
                if c not in df.columns:
                    df[c] = None
            codes = df["code"].unique()
            sev = {c: self.severity_of(c).value for c in codes}
            df["severity"] = df["code"].map(sev)
            if in_order is None:
                df["_order"] = range(len(df))
                df["_r"] = _row_keys(df)
                df = df.sort_values(["source", "sheet", "_r", "_order"], na_position="first", kind="stable")
            self._frame = df[FINDING_COLUMNS].reset_index(drop=True)
            self._frames = [self._frame.drop(columns=["severity"])]
        return self._frame

    def keep(self, mask) -> None:
        """Keep only the findings of :meth:`frame` where ``mask`` (a boolean array) is true."""
        kept = self.frame()[mask].reset_index(drop=True)
        self._frame = kept
        self._frames = [kept.drop(columns=["severity"])]

    def findings(self) -> list[Finding]:
        df = self.frame()
        out = []
        for rec in df.itertuples(index=False):
            out.append(Finding(code=rec.code, severity=Severity(rec.severity), source=_none(rec.source),
                               sheet=_none(rec.sheet), row=None if _none(rec.row) is None else int(rec.row),
                               field=_none(rec.field), item=_none(rec.item), value=_none(rec.value),
                               params=rec.params if isinstance(rec.params, dict) else {}))
        return out

    def counts(self) -> dict[str, int]:
        vc = self.frame()["severity"].value_counts()
        return {s: int(vc.get(s, 0)) for s in ("error", "warning", "info")}

    def worst(self) -> Severity | None:
        c = self.counts()
        for s in ("error", "warning", "info"):
            if c[s]:
                return Severity(s)
        return None

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        threshold = Severity.parse(fail_on).rank
        w = self.worst()
        return w is not None and w.rank >= threshold

    # -------------------------------------------------------------- figures
    def summary(self) -> dict[str, Any]:
        df = self.frame()
        c = self.counts()
        loc = self._locations()
        rows_with_errors = len(_sorted_unique(loc[(df["severity"] == "error").to_numpy(dtype=bool) & (loc >= 0)]))
        return {"rows": self.rows_read, "rows_checked": self.rows_checked, "rows_blank": self.rows_blank,
                "rows_with_errors": rows_with_errors,
                "rows_clean_rate": _rate(self.rows_checked - rows_with_errors, self.rows_checked),
                "errors": c["error"], "warnings": c["warning"], "infos": c["info"],
                "findings": int(len(df)), "valid": c["error"] == 0, "files": len({s.source for s in self.sources}),
                "tables": len(self.sources), "seconds": round(self.seconds, 3)}

    def _locations(self):
        """Per finding of :meth:`frame`, a number for its (source, sheet, row) — equal for equal
        locations as ``drop_duplicates`` sees them — or -1 when it has no row."""
        import numpy as np

        df = self.frame()
        if self._loc is None or self._loc[0] is not df:
            loc = df.groupby(["source", "sheet", "row"], sort=False, dropna=False).ngroup().to_numpy(np.int64)
            loc = np.where(df["row"].isna().to_numpy(dtype=bool), -1, loc)
            self._loc = (df, loc)
        return self._loc[1]

    def stats(self, lang: str = "zh") -> dict[str, Any]:
        import numpy as np
        import pandas as pd

        df = self.frame()
        checked = self.rows_checked
        loc = self._locations()
        at_row = loc >= 0
        code_ids, codes = pd.factorize(df["code"], sort=True)
        findings = np.bincount(code_ids, minlength=len(codes))
        rows = _distinct_per(code_ids[at_row], loc[at_row], len(codes))
        per_rule = {}
        for code, n, r in zip(codes.tolist(), findings.tolist(), rows.tolist(), strict=True):
            per_rule[code] = {"severity": self.severity_of(code).value,
                              "category": rule_of(code).category,
                              "findings": n, "rows": r,
                              "pass_rate": _rate(checked - r, checked) if r else 1.0}
        per_element = {}
        relevant = (at_row & df["severity"].isin(["error", "warning"]).to_numpy()
                    & df["field"].notna().to_numpy())
        field_ids, fields_hit = pd.factorize(df["field"][relevant])
        failed = dict(zip(fields_hit, _distinct_per(field_ids, loc[relevant], len(fields_hit)).tolist(), strict=True))
        table_level = df[df["row"].isna() & df["field"].notna() & (df["code"] == COLUMN_MISSING)]
        missing_cols = {f: int(p.get("rows", 0)) for f, p in zip(table_level["field"], table_level["params"], strict=True)
                        if isinstance(p, dict)}
        fields = sorted(set(failed) | set(missing_cols) |
                        {c for s in self.sources for c in s.columns})
        for f in fields:
            n = int(failed.get(f, 0)) + missing_cols.get(f, 0)
            per_element[f] = {"label": label(f, lang), "rows_failed": n,
                              "pass_rate": _rate(checked - n, checked)}
        units = sorted(((_rate(n - b, n), u, n, b) for u, (n, b) in self.units.items()), key=lambda t: t[:2])
        per_unit = {u: {"rows": n, "rows_with_errors": b, "clean_rate": r} for r, u, n, b in units}
        return {"per_rule": per_rule, "per_element": per_element, "per_unit": per_unit,
                "expectations": self.expectations,
                "engine": self.engine, "sources": [s.to_dict() for s in self.sources], **self.extra}

    def iter_findings(self, lang: str = "zh", limit: int | None = None, frame=None, suggestions: bool = True):
        """The findings (or the rows of ``frame``, a slice of :meth:`frame`) as JSON-ready dicts
        with their messages and hints, one at a time.  Every exporter reads findings this way;
        those that show no suggestion pass ``suggestions=False`` (``"suggestion"`` is then None)."""
        for cols in self.finding_columns(lang, limit, frame, suggestions):
            tails = cols.tails
            for code, sev, source, sheet, row, fld, item, value, t in zip(
                    cols.code, cols.severity, cols.source, cols.sheet, cols.row, cols.field, cols.item,
                    cols.value, cols.tail_of.tolist(), strict=True):
                message, hint_text, suggestion, params = tails[t]
                yield {
                    "code": code, "severity": sev, "source": source, "sheet": sheet, "row": row,
                    "field": fld, "item": item, "value": value, "message": message, "hint": hint_text,
                    "suggestion": suggestion.to_dict() if suggestion is not None else None,
                    "params": dict(params),
                }

    def finding_columns(self, lang: str = "zh", limit: int | None = None, frame=None, suggestions: bool = True):
        """What :meth:`iter_findings` yields, column by column in chunks of :data:`CHUNK`
        findings (:class:`FindingColumns`), for writers that need no dict per finding."""
        df = self.frame() if frame is None else frame
        if limit is not None:
            df = df.head(limit)
        tails = _Tails(lang, suggestions)
        for start in range(0, len(df), CHUNK):
            yield tails.columns(df.iloc[start:start + CHUNK])

    def finding_codes(self, lang: str = "zh", limit: int | None = None, frame=None, suggestions: bool = True):
        """The chunks of :meth:`finding_columns`, each as :class:`FindingCodes` (text columns
        factorised, no Python list per column) when its text values are all str or missing, else
        as the :class:`FindingColumns` :meth:`finding_columns` yields; for writers that encode
        each distinct value once."""
        df = self.frame() if frame is None else frame
        if limit is not None:
            df = df.head(limit)
        tails = _Tails(lang, suggestions)
        for start in range(0, len(df), CHUNK):
            chunk = df.iloc[start:start + CHUNK]
            yield tails.codes(chunk) or tails.columns(chunk)

    def to_dict(self, lang: str = "zh", *, limit: int | None = None, findings: bool = True) -> dict[str, Any]:
        """The JSON report (schemas/report.schema.json); ``findings=False`` leaves the list out."""
        out: dict[str, Any] = {"tool": {"name": "sxcheck", "version": __version__}, "command": self.command,
                               "lang": lang, "summary": self.summary()}
        if findings:
            out["findings"] = list(self.iter_findings(lang, limit))
        out["findings_truncated"] = limit is not None and len(self.frame()) > limit
        out["stats"] = self.stats(lang)
        return out


_SHARED = ("source", "sheet", "item", "value", "params")


def _equal_shared(frame):
    """``frame`` with equal values of its object columns made one object each (the first seen).

    A finding's value and params are built per finding (a million findings of one rule would
    hold a million equal dicts); shared, they cost a pointer each, here and in the pickle
    :class:`_Packed` keeps (it keeps which cells share one object).  Only ``str`` values and dicts
    of hashable values are shared — ``1``, ``1.0`` and ``True`` are equal but print differently —
    so every output stays as it was."""
    import pandas as pd

    changed = {}
    for col in _SHARED:
        if col not in frame.columns or frame[col].dtype != object or len(frame) < 2:
            continue
        values = frame[col].tolist()
        seen: dict = {}
        for i, v in enumerate(values):
            t = type(v)
            if t is str:
                values[i] = seen.setdefault(v, v)
            elif t is dict and v:
                try:
                    values[i] = seen.setdefault((_DICT_KEY, *v.items()), v)
                except TypeError:   # a list or dict among its values
                    pass
        # a Series of dtype object: from a bare array of str pandas would infer its text dtype
        changed[col] = pd.Series(values, index=frame.index, dtype=object)
    return frame.assign(**changed) if changed else frame


def _objects_shared(frames: list) -> list:
    """``frames``, their text columns turned to objects where ``pd.concat`` would (a column that
    is text in some frames and object in others), one object per distinct value of a frame —
    concat itself would make one per cell: a million copies of one file's path."""
    import numpy as np
    import pandas as pd

    for col in _SHARED:
        kinds = {f[col].dtype == object for f in frames if col in f.columns}
        if kinds != {True, False}:
            continue
        for i, f in enumerate(frames):
            if col in f.columns and isinstance(f[col].dtype, pd.StringDtype):
                codes, uniques = pd.factorize(f[col])
                table = np.empty(len(uniques) + 1, dtype=object)
                table[:-1] = uniques.tolist()
                table[-1] = f[col].dtype.na_value   # what the column's missing cells become
                frames[i] = f.assign(**{col: pd.Series(table[codes], index=f.index, dtype=object)})
    return frames


def _row_keys(frame):
    """The row of each finding as :meth:`Report.frame` sorts it (a finding without one first)."""
    import pandas as pd

    return pd.to_numeric(frame["row"], errors="coerce").fillna(0)


def _sorted_parts(parts: list) -> list | None:
    """``parts`` (findings frames in the order added; each is sorted by row in place) put in an order
    whose concatenation is what the stable sort by (source, sheet, row, order added) of their
    concatenation would give — or None where a frame holds several tables (or is empty), for the
    whole sort to do.  Each chunk's frame is one table's and follows the chunk before, so a report
    is put in order frame by frame, never all at once; frames whose rows interleave (a chunk's
    blank rows beside its findings, reading problems inside a table) are sorted together, and
    taken out of ``parts`` as they are (so that they are not held twice)."""
    import numpy as np

    keyed = []
    for i, part in enumerate(parts):
        if len(part) == 0:
            return None     # (left after keep()) it still shapes the concatenation's dtypes
        if "source" not in part.columns or "sheet" not in part.columns or "row" not in part.columns:
            return None
        place = []
        for col in ("source", "sheet"):
            values = part[col].unique()
            if len(values) != 1 or not (isinstance(values[0], str) or is_missing(values[0])):
                return None
            # missing first, then text in code point order (as sort_values orders them)
            place.append((0, "") if is_missing(values[0]) else (1, values[0]))
        rows = _row_keys(part).to_numpy()
        order = np.argsort(rows, kind="stable")
        if (np.diff(order) < 0).any():
            part = parts[i] = part.take(order)    # the unsorted frame goes now
            rows = rows[order]
        keyed.append((tuple(place), float(rows[0]), i, float(rows[-1]), part))
    keyed.sort(key=lambda k: k[:3])
    # a run of frames of one table goes out as a group once every finding in it comes before the
    # next frame's first, by (row, order added); a group of several is sorted as one
    groups, group, last = [], [], None
    for k in keyed:
        if group and (k[0] != group[0][0] or last < (k[1], k[2])):
            groups.append(group)
            group = []
        last = max(last, (k[3], k[2])) if group else (k[3], k[2])
        group.append(k)
    groups.append(group)
    del keyed, group
    out = []
    for j, g in enumerate(groups):
        groups[j] = None
        if len(g) == 1:
            out.append(g[0][4])
            continue
        g.sort(key=lambda k: k[2])
        for k in g:
            parts[k[2]] = None      # the group's frames go once sorted together: never held twice
        out.append(_sorted_together([k[4] for k in g]))
    return out


def _sorted_together(frames: list):
    """The stable sort by row of the concatenation of ``frames`` (given in the order added)."""
    import numpy as np
    import pandas as pd

    df = pd.concat(frames, ignore_index=True)
    return df.take(np.argsort(_row_keys(df).to_numpy(), kind="stable"))


_DICT_KEY = object()   # marks a dict's items in the table of shared values (no str equals it)


_NO_PARAMS: dict = {}


@dataclass(frozen=True)
class _Packed:
    """A findings frame as the Report keeps it until :meth:`Report.frame` is asked for: pickled and
    zstd-compressed (findings repeat their rule, element, file and params, so a national catalog's
    findings take a few bytes each instead of a Python object per value).  :meth:`unpack` gives
    back an equal frame — same columns, dtypes, values and types, and the same sharing of params
    dicts (a pickle keeps which findings share one object).  Given a :class:`Spill`, the packed
    bytes wait on disk (``data`` is then where they were written)."""

    size: int
    data: Any      # the packed bytes, or their :class:`~validators.report.spill.Stored`

    @classmethod
    def of(cls, frame, spill=None):
        """The packed frame, or ``frame`` itself when something in it cannot be pickled."""
        import pickle

        import pyarrow as pa

        try:
            raw = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:   # noqa: BLE001 — whatever pickle refuses is kept as it is
            return frame
        packed = pa.compress(raw, codec="zstd", asbytes=True)
        return cls(len(raw), packed if spill is None else spill.put(packed))

    def unpack(self):
        import pickle

        import pyarrow as pa

        data = self.data if isinstance(self.data, bytes) else self.data.read()
        return pickle.loads(pa.decompress(data, decompressed_size=self.size, codec="zstd", asbytes=True))


class _Tails:
    """Message, hint, suggestion and JSON-safe params of findings, computed once per distinct
    (rule, element, value, params) in a chunk — most findings of a big report repeat a few."""

    def __init__(self, lang: str, suggestions: bool):
        from validators.fixes.suggest import suggest

        self.lang = lang
        self.suggest = suggest if suggestions else None
        self.labels: dict[Any, str] = {}
        # per chunk (so bounded), for findings with values other than str: content → tail
        self.memo: dict[tuple, tuple] = {}
        self.params_keys: dict[int, Any] = {}   # id of a params dict (alive while iterating) → its key
        self.params_ids: dict[tuple, int] = {}
        # for :meth:`codes`, across chunks (bounded): (rule, element, value, id of params) →
        # (params, tail); the params object kept so that its id stays its own
        self.kept: dict[tuple, tuple] = {}

    def columns(self, df) -> FindingColumns:
        import numpy as np

        code, sev, source, sheet, fld, item, value = (
            _plain_list(df[c]) for c in ("code", "severity", "source", "sheet", "field", "item", "value"))
        rows = _rows(df["row"])
        params = [p if isinstance(p, dict) else _NO_PARAMS for p in df["params"].tolist()]
        if all(set(map(type, col)) <= {str, type(None)} for col in (code, fld, value)):
            # findings with equal rule, element and value (only str and None: equal means alike)
            # and the same params object share a tail; one representative each computes it
            tail_of = _group_ids([code, fld, value], params)
            first = np.unique(tail_of, return_index=True)[1]
            tails = [self._tail(code[i], fld[i], value[i], params[i]) for i in first.tolist()]
        else:
            self.memo, self.params_keys, self.params_ids = {}, {}, {}
            slots: dict[Any, int] = {}
            tails, of = [], []
            for c, f, v, p in zip(code, fld, value, params, strict=True):
                key, tail = self.get(c, f, v, p)
                slot = slots.get(key) if key is not None else None
                if slot is None:
                    slot = len(tails)
                    tails.append(tail)
                    if key is not None:
                        slots[key] = slot
                of.append(slot)
            tail_of = np.asarray(of, dtype=np.int64)
        return FindingColumns(code, sev, source, sheet, rows, fld, item, value, tail_of, tails)

    def codes(self, df) -> FindingCodes | None:
        """:meth:`columns` with the text columns factorised; None when a text value is neither a
        str nor missing (None, NaN, NA), whose tails :meth:`columns` works out one by one."""
        import numpy as np
        import pandas as pd

        text = {}
        for name in _TEXT:
            codes, distinct = pd.factorize(df[name], use_na_sentinel=True)   # missing → -1
            distinct = distinct.tolist()
            if not all(v.__class__ is str for v in distinct):
                return None
            text[name] = (codes, distinct)
        params = df["params"].to_numpy()
        # as in :meth:`columns`: equal rule, element and value and the same params object (one
        # for all that are no dict)
        objects = pd.factorize(np.fromiter(map(id, params), dtype=np.uint64, count=len(params)))[0]
        at = _firsts(objects)
        no_dict = [i for i, p in enumerate(params[at].tolist()) if not isinstance(p, dict)]
        if no_dict:
            objects[np.isin(objects, no_dict)] = no_dict[0]
        tail_of = _combined_ids([objects] + [text[c][0] for c in ("code", "field", "value")])
        first = _firsts(tail_of)
        code, fld, value = ([distinct[k] if k >= 0 else None for k in codes[first].tolist()]
                            for codes, distinct in (text[c] for c in ("code", "field", "value")))
        if len(self.kept) > CHUNK:
            self.kept.clear()
        tails = []
        for c, f, v, p in zip(code, fld, value, params[first].tolist(), strict=True):
            if not isinstance(p, dict):
                p = _NO_PARAMS
            key = (c, f, v, id(p))
            kept = self.kept.get(key)
            if kept is None or kept[0] is not p:
                kept = self.kept[key] = (p, self._tail(c, f, v, p))
            tails.append(kept[1])
        return FindingCodes(text, _rows(df["row"]), tail_of, tails)

    def get(self, code, fld, value, params: dict) -> tuple[Any, tuple]:
        pkey = self.params_keys.get(id(params), _ABSENT)
        if pkey is _ABSENT:
            pkey = self._params_key(params)
            self.params_keys[id(params)] = pkey
        key = None
        if pkey is not None:
            try:
                key = (code, fld if fld.__class__ is str else memo_key(fld),
                       value if value.__class__ is str else memo_key(value), pkey)
            except TypeError:
                pass
            else:
                tail = self.memo.get(key)
                if tail is not None:
                    return key, tail
        tail = self._tail(code, fld, value, params)
        if key is not None:
            self.memo[key] = tail
        return key, tail

    def _params_key(self, params: dict) -> int | None:
        """A small number per distinct params content (cheap to hash in every finding's key), or
        None when a value has no :func:`memo_key`."""
        try:
            content = tuple((k, memo_key(v)) for k, v in params.items() if k.__class__ is str or _no_key())
        except TypeError:
            return None
        return self.params_ids.setdefault(content, len(self.params_ids))

    def _tail(self, code, fld, value, params: dict) -> tuple:
        if fld not in self.labels:
            self.labels[fld] = label(fld, self.lang)
        return (render(code, self.lang, field_label=self.labels[fld], value=value, params=params),
                hint(code, self.lang, params),
                self.suggest(code, value, params) if self.suggest else None,
                {k: v if v.__class__ in _SAFE else _json_safe(v) for k, v in params.items()})


def _group_ids(columns: list[list], objects: list):
    """Per position, a group number (0, 1, … in order of first appearance) equal where every
    column holds an equal value and ``objects`` the same object."""
    import numpy as np
    import pandas as pd

    codes = [_object_ids(objects)]
    for col in columns:
        arr = np.empty(len(col), dtype=object)
        arr[:] = col
        codes.append(pd.factorize(arr)[0])
    return _combined_ids(codes)


def _object_ids(objects: list):
    """Per position, a group number equal where ``objects`` holds the same object."""
    import numpy as np
    import pandas as pd

    return pd.factorize(np.fromiter(map(id, objects), dtype=np.uint64, count=len(objects)))[0]


def _combined_ids(codes: list):
    """Per position, a group number (0, 1, … in order of first appearance) equal where every
    array of ``codes`` (group numbers ≥ -1) is."""
    import numpy as np
    import pandas as pd

    ids = np.zeros(len(codes[0]), dtype=np.int64)
    for k in codes:
        ids = pd.factorize(ids * (int(k.max(initial=-1)) + 2) + (k + 1))[0]
    return ids


def _firsts(ids):
    """Per group of ``ids`` (group numbers 0, 1, … in order of first appearance), the position of
    its first member."""
    import numpy as np

    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.diff(np.maximum.accumulate(ids), prepend=-1) > 0)


_TEXT = ("code", "severity", "source", "sheet", "field", "item", "value")


def _rows(col) -> list:
    """The row column as ints and None."""
    rows = col.tolist()
    if not set(map(type, rows)) <= {int, type(None)}:
        rows = [None if _none(r) is None else int(r) for r in rows]
    return rows


def memo_key(value: Any):
    """A hashable stand-in for a value that equals another's only when both render and encode
    alike (1, 1.0 and True differ; so do 0.0 and -0.0).  TypeError for anything else (lists,
    dicts, numpy scalars): findings with such a value are rendered one by one."""
    cls = value.__class__
    if cls is str:
        return value
    if value is None or cls is int or cls is bool:
        return (cls, value)
    if cls is float:
        return (float, repr(value))
    raise TypeError(cls.__name__)


def _no_key():
    raise TypeError("params key is not a string")


_ABSENT = object()


def _plain_list(col) -> list:
    """A column as Python values, missing ones (None, NaN, NA) as None."""
    values = col.tolist()
    if set(map(type, values)) <= {str, type(None)}:
        return values
    return [v if v.__class__ is str else _none(v) for v in values]


def _distinct_per(groups, loc, n: int):
    """Per group number 0…n-1, how many distinct values of ``loc`` (≥ 0) it has."""
    import numpy as np

    if not len(loc):
        return np.zeros(n, dtype=np.int64)
    width = int(loc.max()) + 1
    pairs = _sorted_unique(np.asarray(groups, dtype=np.int64) * width + loc)
    return np.bincount(pairs // width, minlength=n)


def _sorted_unique(values):
    """``np.unique`` by sorting (numpy's hash-based unique is slow on these wide int64 keys)."""
    import numpy as np

    values = np.sort(values)
    if len(values):
        values = values[np.concatenate(([True], values[1:] != values[:-1]))]
    return values


def _rate(num: int, den: int) -> float:
    return round(num / den, 6) if den else 1.0


def _none(v):
    return None if is_missing(v) else v


_SAFE = frozenset({str, int, bool, type(None)})   # what _json_safe gives back as it is


def _json_safe(v):
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        return None if v != v else (int(v) if v.is_integer() else v)
    if hasattr(v, "item"):
        return _json_safe(v.item())
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    return str(v)


def _sorted_units(dist):
    """(code per row, names): the 实施主体 of a chunk's rows factorised in sorted order, absent
    rows under :data:`UNKNOWN_UNIT` (what ``pd.factorize(text.fillna(UNKNOWN_UNIT), sort=True)``
    gives, from the distinct values the checks have already computed)."""
    import numpy as np

    names = list(dist.values)
    absent = bool((dist.codes < 0).any())
    if absent and UNKNOWN_UNIT not in names:
        names.append(UNKNOWN_UNIT)
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names) + 1, dtype=np.int64)   # the last entry: code -1 (absent)
    rank[order] = np.arange(len(names))
    rank[-1] = rank[names.index(UNKNOWN_UNIT)] if absent else -1
    return rank[dist.codes], [names[i] for i in order]
