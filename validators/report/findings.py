"""The finding model: one immutable record for everything any check reports.

Checks working on a chunk of rows do not build Python objects per row; they return a small
columnar frame of hits (see :func:`hits`, or :class:`Hits` to gather many rules into one frame).
The pipeline adds location columns and the report turns the frames into :class:`Finding` records
only when someone asks for them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any, Mapping

from validators.core.rulebook import Severity
from validators.core.rulebook import get as rule_of

VALUE_MAX = 200  # characters of an offending value kept in a finding




@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, located as a person would find it in the file.

    ``row`` is the row number a person sees: header row = 1, first data row = 2 in a sheet or a
    CSV; the 1-based record number in a JSON array or JSONL file; ``None`` for file- or
    table-level findings.  ``field`` is a canonical element name.
    """

    code: str
    severity: Severity
    source: str | None = None
    sheet: str | None = None
    row: int | None = None
    field: str | None = None
    item: str | None = None
    value: str | None = None
    params: Mapping[str, Any] = dc_field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["params"] = dict(self.params)
        return d


def is_missing(value: Any) -> bool:
    """None, NaN or pandas NA (whose comparisons are ambiguous)."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def clip(value: Any) -> str | None:
    """Render an offending value for a finding: text, truncated; missing stays None."""
    if is_missing(value):
        return None
    text = str(value)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def record(rule: str, *, source: str | None = None, sheet: str | None = None, row: int | None = None,
           field: str | None = None, item: str | None = None, value: Any = None,
           params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One finding as a record for :meth:`Report.add_records` — the one constructor of single
    findings (file-, table- and catalog-level findings, reading problems, capabilities that do
    not work on chunks).  ``rule`` must be declared (:mod:`validators.core.rulebook`)."""
    rule_of(rule)
    return {"code": str(rule), "source": source, "sheet": sheet, "row": row, "field": field,
            "item": item, "value": clip(value), "params": dict(params or {})}


def findings_frame(rule: str, *, field=None, value=None, params=None, source=None, sheet=None,
                   row=None, item=None):
    """Many findings of one rule as a columnar frame (for :meth:`Report.add`): every argument is
    a scalar shared by all, or a sequence with one entry per finding.  Values are not clipped:
    callers pass what a finding should show."""
    import pandas as pd

    rule_of(rule)
    return pd.DataFrame({"code": str(rule), "field": field, "value": value, "params": params,
                         "source": source, "sheet": sheet, "row": row, "item": item})


def hits(chunk, mask, code: str, field: str | None, value=None, params=None):
    """Build the hit frame of one check on one chunk.

    ``mask`` is a boolean Series aligned with ``chunk``; ``value`` a Series (default: the
    ``field`` column) or None; ``params`` a dict (its Series values are read at the hit rows
    only, so no per-row dicts are built for rows that pass), a Series of dicts, or None.
    The returned frame has columns ``_pos`` (position in the chunk), ``code``, ``field``,
    ``value`` and ``params``; None when nothing is hit.
    """
    found = Hits(chunk)
    found.add(mask, code, field, value=value, params=params)
    return found.frame()


class Hits:
    """The hits of many checks on one chunk, built as one frame.

    ``add`` takes the arguments of :func:`hits`; :meth:`frame` returns the rows, in the order
    added, that concatenating one :func:`hits` frame per call would give (None when nothing was
    hit).  One frame instead of one per rule saves building and concatenating small frames.
    """

    def __init__(self, chunk):
        self.chunk = chunk
        self._parts: list[tuple] = []

    def add(self, mask, code: str, field: str | None, value=None, params=None) -> None:
        import numpy as np

        rule_of(code)
        m = np.asarray(mask.fillna(False) if hasattr(mask, "fillna") else mask, dtype=bool)
        pos = np.flatnonzero(m)
        if len(pos) == 0:
            return
        if value is None and field is not None and field in self.chunk.columns:
            value = self.chunk[field]
        if value is not None and (hasattr(value, "iloc") or isinstance(value, np.ndarray)):
            vals = [clip(v) for v in _at(value, pos)]
        else:
            vals = [clip(value)] * len(pos)
        if params is None:
            prm = [None] * len(pos)
        elif isinstance(params, dict):
            series = {k: v for k, v in params.items() if hasattr(v, "iloc") or isinstance(v, np.ndarray)}
            if not series:
                prm = [params] * len(pos)
            else:
                cols = {k: _at(v, pos) for k, v in series.items()}
                prm = [{k: (_plain(cols[k][i]) if k in cols else v) for k, v in params.items()}
                       for i in range(len(pos))]
        else:
            prm = _at(params, pos)
        self._parts.append((pos, str(code), field, vals, prm))

    def frame(self):
        import numpy as np
        import pandas as pd

        if not self._parts:
            return None
        if len(self._parts) == 1:
            pos, code, field, vals, prm = self._parts[0]
            return pd.DataFrame({"_pos": pos, "code": code, "field": field, "value": vals, "params": prm})
        codes, fields, vals, prm = [], [], [], []
        for pos, code, field, v, p in self._parts:
            codes += [code] * len(pos)
            fields += [field] * len(pos)
            vals += v
            prm += p
        return pd.DataFrame({"_pos": np.concatenate([part[0] for part in self._parts]), "code": codes,
                             "field": fields, "value": pd.Series(vals, dtype=object),
                             "params": pd.Series(prm, dtype=object)})


def _at(values, pos) -> list:
    """The entries of a Series or numpy array at positions ``pos``, as ``iloc`` gives them; an
    arrow-backed text Series is read with one arrow ``take`` (None where missing)."""
    import numpy as np

    if isinstance(values, np.ndarray):
        return list(values[pos])
    dtype = values.dtype
    if dtype == object:
        return list(values.to_numpy()[pos])
    if getattr(dtype, "storage", None) == "pyarrow":
        import pyarrow as pa

        arr = pa.array(values.array)
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            if isinstance(arr, pa.Array):
                return arr.take(pos).to_pylist()
            # one take per chunk: a take across chunks would first concatenate the column
            out: list = []
            starts = np.cumsum([0] + [len(c) for c in arr.chunks])
            which = np.searchsorted(starts, pos, side="right") - 1
            for i in np.unique(which).tolist():
                out += arr.chunk(i).take(pos[which == i] - starts[i]).to_pylist()
            return out
    return list(values.iloc[pos])


def _plain(v):
    """A message parameter as a JSON-friendly scalar (NaN/NA → None, numpy → Python)."""
    if is_missing(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
