"""Pair one channel's items with the reference's and compare them element by element.

The reference is held once, as cleaned arrow text columns with a keyed index
(:class:`Reference`).  A channel is *streamed* against it (:class:`ChannelDiff`):

1. each chunk is keyed by 实施编码 and looked up in the reference's index; the rows that pair
   are compared at once — per element, equal text is identical, differing text is compared by
   its normalised key (:func:`~validators.channels.source.same_values`) — and only the differing
   cells become Python objects (pending findings);
2. rows that do not pair by 实施编码 (no code, or an unknown one) are kept aside; after the
   stream they are paired by 基本编码 + 实施主体, then by name + 实施主体, against the reference
   items still unpaired;
3. a reference item claimed by two channel items is *ambiguous*: the claims are withdrawn (their
   comparisons do not count) and one ``source-pairing-ambiguous`` finding names them; so is a
   channel item whose key two reference items share.

``--key`` restricts pairing to one key.  Nothing is compared twice and nothing is picked silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from validators.channels.fields import UNIT_OF, FieldSpec, spec
from validators.channels.findings import (
    SOURCE_ITEM_EXTRA,
    SOURCE_ITEM_MISSING,
    SOURCE_MATERIALS_DIFFER,
    SOURCE_PAIRING_AMBIGUOUS,
    SOURCE_STALE,
    SOURCE_VALUE_MISMATCH,
)
from validators.channels.keys import (
    BODY_COLUMNS,
    IDENTITY,
    KIND_LABELS,
    KINDS,
    KeyIndex,
    key_display,
    make_keys,
    text_array,
)
from validators.channels.source import (
    SourceTables,
    cleaned_chunks,
    combined,
    display,
    same_values,
)
from validators.report.findings import is_missing

STALE_FIELDS = ("item_version", "update_date")
_DATE = re.compile(r"(\d{4})\D{0,3}(\d{1,2})\D{0,3}(\d{1,2})(?:\D{1,3}(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?")

MISSING, EXTRA, MISMATCH, MATERIALS, STALE, AMBIGUOUS = (
    SOURCE_ITEM_MISSING, SOURCE_ITEM_EXTRA, SOURCE_VALUE_MISMATCH, SOURCE_MATERIALS_DIFFER, SOURCE_STALE,
    SOURCE_PAIRING_AMBIGUOUS)


def date_key(text: str) -> str | None:
    """``2024-5-1``, ``2024/05/01 9:30``, ``2024年5月1日`` → ``20240501`` (sortable)."""
    import unicodedata

    m = _DATE.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups()[:3])
    # the day only: one channel writes 2024年5月10日 for the reference's 2024-05-10 10:00:00
    return f"{y:04d}{mo:02d}{d:02d}"


def _stale_values(frame) -> tuple[np.ndarray, np.ndarray]:
    """(事项版本 as float, NaN where absent; 更新时间 as a sortable key, None where absent)."""
    import pandas as pd

    from validators.core.rows import map_distinct

    n = len(frame)
    if "item_version" in frame:
        version = pd.to_numeric(map_distinct(frame["item_version"], _version), errors="coerce")
        version = version.to_numpy(dtype=float, na_value=np.nan)
    else:
        version = np.full(n, np.nan)
    if "update_date" in frame:
        updated = map_distinct(frame["update_date"], date_key).to_numpy(dtype=object)
    else:
        updated = np.full(n, None, dtype=object)
    return version, updated


def _version(text: str) -> float | None:
    import unicodedata

    m = re.search(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", text))
    return float(m.group(0)) if m else None


@dataclass
class Pending:
    """A finding waiting for the pairings to be final (an ambiguous pairing withdraws it)."""

    code: str
    ref_pos: int                  # -1 when the finding is about a channel item only
    where: tuple[str, str | None] # (source, sheet)
    row: int | None
    field: str | None
    item: str
    value: Any
    params: dict


class Reference:
    """The reference source: cleaned columns, the compared values, keyed indexes."""

    def __init__(self, src: SourceTables, fields: list[str], progress=None):
        import pandas as pd

        self.src = src
        self.fields = list(fields)
        self.specs = {f: spec(f) for f in self.fields}
        wanted = _wanted(self.fields)
        frames = list(cleaned_chunks(src, wanted, progress))
        if frames:
            self.frame = pd.concat(frames, ignore_index=True)
        else:
            self.frame = pd.DataFrame({c: pd.Series([], dtype="str") for c in ("_row",)})
            self.frame["_src"] = np.zeros(0, dtype=np.int32)
        # one contiguous arrow array per column (concat leaves one chunk per read chunk, and every
        # take or kernel on a chunked array would combine them again)
        for c in list(self.frame.columns):
            if c not in ("_row", "_src"):
                self.frame[c] = pd.Series(pd.arrays.ArrowStringArray(text_array(self.frame[c])))
        self.cols = {c: text_array(self.frame[c]) for c in self.frame.columns if c not in ("_row", "_src")}
        self.n = len(self.frame)
        # the compared values (a time limit joined with its unit), as arrow arrays
        self.values = {f: combined(self.frame, s) for f, s in self.specs.items()}
        self.version, self.updated = _stale_values(self.frame)
        self.rows = self.frame["_row"].to_numpy()
        self.srcs = self.frame["_src"].to_numpy()
        self._task_index: KeyIndex | None = None

    def task_index(self) -> KeyIndex:
        if self._task_index is None:
            self._task_index = KeyIndex(make_keys(self.frame, "task_code"), np.arange(self.n))
        return self._task_index

    def index(self, kind: str, mask: np.ndarray, with_body: bool = True) -> KeyIndex:
        """An index of the ``kind`` key over the reference rows where ``mask`` holds."""
        pos = np.flatnonzero(mask)
        # a fresh RangeIndex: map_distinct broadcasts by index label
        return KeyIndex(make_keys(self.frame.iloc[pos].reset_index(drop=True), kind, with_body), pos)

    def identity(self, pos: int) -> dict:
        return {c: self.cols[c][pos].as_py() for c in IDENTITY if c in self.cols}

    def value(self, col: str, pos: int):
        return self.cols[col][pos].as_py() if col in self.cols else None

    def where(self, pos: int) -> tuple[str, str | None]:
        return self.src.where(int(self.srcs[pos]))


def _wanted(fields: list[str]) -> list[str]:
    out = list(dict.fromkeys([*IDENTITY, *fields, *STALE_FIELDS]))
    for f in fields:
        if f in UNIT_OF:
            out.append(UNIT_OF[f])
    return out


@dataclass
class Batch:
    """The pairings of one compared batch of channel rows."""

    pos: np.ndarray
    kind: int
    src: np.ndarray
    row: np.ndarray
    compared: np.ndarray      # (rows, fields) bool
    identical: np.ndarray


@dataclass
class ChannelDiff:
    """Streams one channel against the reference; :meth:`run` returns the finished state."""

    ref: Reference
    src: SourceTables
    fields: list[str]
    mode: str = "auto"
    progress: object = None
    batches: list[Batch] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    ambiguous_items: int = 0

    def __post_init__(self):
        self.claims = np.zeros(self.ref.n, dtype=np.int32)
        # reference items whose key a channel item shares with another reference item: neither
        # paired nor missing, they are named by the ambiguity finding
        self.held = np.zeros(self.ref.n, dtype=bool)
        # 实施主体 is part of the lower keys only when both sources publish it
        self.with_body = (any(c in self.ref.frame for c in BODY_COLUMNS)
                          and any(c in self.src.columns for c in BODY_COLUMNS))
        self.specs = {f: self.ref.specs[f] for f in self.fields}
        self.channel = self.src.name

    # ---------------------------------------------------------------- pairing
    def run(self) -> ChannelDiff:
        import pandas as pd

        kinds = list(KINDS) if self.mode == "auto" else [self.mode]
        stream_by_code = kinds[0] == "task_code" and "task_code" in self.src.columns and "task_code" in self.ref.frame
        left = []
        for chunk in cleaned_chunks(self.src, _wanted(self.fields), self.progress):
            if stream_by_code:
                chunk = self._pair(chunk, "task_code", self.ref.task_index())
            if len(chunk):
                left.append(chunk)
        rest = pd.concat(left, ignore_index=True) if left else None
        for kind in kinds[1:] if stream_by_code else kinds:
            if rest is None or not len(rest):
                break
            if not all(f in self.ref.frame for f in _key_fields(kind)):
                continue
            if kind == "task_code":
                index = self.ref.task_index()
            else:
                index = self.ref.index(kind, (self.claims == 0) & ~self.held, self.with_body)
            rest = self._pair(rest, kind, index)
        self._finish(rest)
        return self

    def _pair(self, frame, kind: str, index: KeyIndex):
        """Compare the rows of ``frame`` that the index pairs; return the rows still unpaired."""
        keys = make_keys(frame, kind, self.with_body)
        pos, shared = index.lookup(keys)
        if shared.any():
            key_list = keys.to_pylist()
            for i in np.flatnonzero(shared):
                self._ambiguous_key(frame, int(i), kind, index.candidates(key_list[i]))
        hit = (pos >= 0) & ~shared
        if hit.any():
            idx = np.flatnonzero(hit)
            self._compare(frame.iloc[idx].reset_index(drop=True), pos[idx], KINDS.index(kind))
        return frame[~(hit | shared)].reset_index(drop=True)

    def _ambiguous_key(self, frame, i: int, kind: str, candidates: list[int]) -> None:
        rec = frame.iloc[i]
        ident = {c: rec.get(c) for c in IDENTITY}
        self.ambiguous_items += 1
        self.held[candidates] = True
        ref_rows = [int(self.ref.rows[p]) for p in candidates]
        self.pending.append(Pending(
            AMBIGUOUS, -1, self.src.where(int(rec["_src"])), int(rec["_row"]), None,
            key_display(ident, kind), None,
            {"channel": self.channel, "key_kind": kind, "key_label": KIND_LABELS[kind][0],
             "key_label_en": KIND_LABELS[kind][1], "channel_rows": str(int(rec["_row"])),
             "reference_rows": "、".join(map(str, ref_rows)), "side": "reference",
             "item_name": _s(ident.get("item_name")), "body": _s(ident.get("implementing_body"))}))

    # ---------------------------------------------------------------- comparing
    def _compare(self, frame, pos: np.ndarray, kind: int) -> None:
        n, nf = len(frame), len(self.fields)
        compared = np.zeros((n, nf), dtype=bool)
        identical = np.zeros((n, nf), dtype=bool)
        for j, f in enumerate(self.fields):
            compared[:, j], identical[:, j] = same_values(self.specs[f], combined(frame, self.specs[f]),
                                                          self.ref.values[f], pos)
        self.claims += np.bincount(pos, minlength=self.ref.n).astype(np.int32)
        src = frame["_src"].to_numpy()
        row = frame["_row"].to_numpy()
        self.batches.append(Batch(pos, kind, src, row, compared, identical))
        at = (src, row)
        rows_i, cols_j = np.nonzero(compared & ~identical)
        for j in np.unique(cols_j):
            sel = rows_i[cols_j == j]
            f = self.fields[j]
            sp = self.specs[f]
            chan_vals = display(frame, sp, sel)
            ref_vals = display(self.ref.frame, sp, pos[sel])
            for i, cv, rv in zip(sel.tolist(), chan_vals, ref_vals, strict=False):
                self._mismatch(sp, at, int(i), int(pos[i]), kind, rv, cv)
        self._stale(frame, pos, kind, at)

    def _item(self, p: int, kind: int) -> tuple[str, dict]:
        ident = self.ref.identity(p)
        return key_display(ident, KINDS[kind]), ident

    def _mismatch(self, sp: FieldSpec, at, i: int, p: int, kind: int, rv, cv) -> None:
        item, ident = self._item(p, kind)
        params = self._params(at, i, p, kind, ident)
        params.update(reference_value=_s(rv), channel_value=_s(cv))
        code = MISMATCH
        if sp.how == "materials":
            from validators.channels.materials import diff_materials

            d = diff_materials(rv, cv)
            code = MATERIALS
            params.update(added="、".join(d.added), removed="、".join(d.removed),
                          renamed="、".join(f"{a}→{b}" for a, b in d.renamed),
                          changes=d.text("zh"), changes_en=d.text("en"))
        self.pending.append(Pending(code, p, self.src.where(int(at[0][i])), int(at[1][i]), sp.name, item, cv,
                                    params))

    def _params(self, at, i: int, p: int, kind: int, ident: dict) -> dict:
        """``at``: the batch's (table index, row) arrays."""
        return {"channel": self.channel, "key_kind": KINDS[kind],
                "reference": self.ref.src.name, "reference_row": int(self.ref.rows[p]),
                "channel_row": int(at[1][i]),
                "item_name": _s(ident.get("item_name")), "body": _s(ident.get("implementing_body"))}

    def _stale(self, frame, pos: np.ndarray, kind: int, at) -> None:
        if not any(c in frame for c in STALE_FIELDS):
            return
        version, updated = _stale_values(frame)
        rv, ru = self.ref.version[pos], self.ref.updated[pos]
        older_v = ~np.isnan(version) & ~np.isnan(rv) & (version < rv)
        has_u = (updated != None) & (ru != None)
        older_u = np.zeros(len(frame), dtype=bool)
        if has_u.any():
            idx = np.flatnonzero(has_u)
            older_u[idx] = updated[idx].astype(str) < ru[idx].astype(str)
        for i in np.flatnonzero(older_v | older_u).tolist():
            p = int(pos[i])
            item, ident = self._item(p, kind)
            params = self._params(at, i, p, kind, ident)
            fld = "item_version" if older_v[i] else "update_date"
            rec_ref = self.ref.value(fld, p)
            rec_chan = frame[fld].iat[i]
            params.update(reference_value=_s(rec_ref), channel_value=_s(rec_chan))
            self.pending.append(Pending(STALE, p, self.src.where(int(at[0][i])), int(at[1][i]), fld, item,
                                        _s(rec_chan), params))

    # ---------------------------------------------------------------- finishing
    def _finish(self, rest) -> None:
        """Withdraw ambiguous claims; the unclaimed reference items are missing, the unpaired
        channel items extra."""
        amb = self.claims >= 2
        if amb.any():
            self._withdraw(amb)
        if rest is not None and len(rest):
            cols = {c: text_array(rest[c]).to_pylist() for c in IDENTITY if c in rest}
            srcs, rows = rest["_src"].to_numpy().tolist(), rest["_row"].to_numpy().tolist()
            for i, (src, row) in enumerate(zip(srcs, rows, strict=False)):
                rec = {c: v[i] for c, v in cols.items()}
                self.pending.append(Pending(
                    EXTRA, -1, self.src.where(int(src)), int(row), None, key_display(rec, None),
                    rec.get("item_name"),
                    {"channel": self.channel, "channel_row": int(row), "reference": self.ref.src.name,
                     "item_name": rec.get("item_name"), "body": rec.get("implementing_body")}))
        missing = np.flatnonzero((self.claims == 0) & ~self.held)
        if len(missing):
            import pyarrow as pa

            idx = pa.array(missing)
            cols = {c: self.ref.cols[c].take(idx).to_pylist() for c in IDENTITY if c in self.ref.cols}
            for i, p in enumerate(missing.tolist()):
                ident = {c: v[i] for c, v in cols.items()}
                self.pending.append(Pending(
                    MISSING, p, self.ref.where(p), int(self.ref.rows[p]), None, key_display(ident, None),
                    ident.get("item_name"),
                    {"channel": self.channel, "reference": self.ref.src.name,
                     "reference_row": int(self.ref.rows[p]),
                     "item_name": ident.get("item_name"), "body": ident.get("implementing_body")}))

    def _withdraw(self, amb: np.ndarray) -> None:
        claimants: dict[int, list[tuple[int, int, int]]] = {}
        kept = []
        for b in self.batches:
            bad = amb[b.pos]
            for i in np.flatnonzero(bad).tolist():
                claimants.setdefault(int(b.pos[i]), []).append((int(b.src[i]), int(b.row[i]), b.kind))
            if bad.all():
                continue
            keep = ~bad
            kept.append(Batch(b.pos[keep], b.kind, b.src[keep], b.row[keep], b.compared[keep], b.identical[keep]))
        self.batches = kept
        self.pending = [p for p in self.pending if not (p.ref_pos >= 0 and amb[p.ref_pos])]
        for p, claims in sorted(claimants.items()):
            claims.sort(key=lambda t: (t[0], t[1]))
            src0, row0, kind = claims[0]
            ident = self.ref.identity(p)
            self.ambiguous_items += 1
            self.pending.append(Pending(
                AMBIGUOUS, p, self.src.where(src0), row0, None, key_display(ident, KINDS[kind]), None,
                {"channel": self.channel, "key_kind": KINDS[kind], "side": "channel",
                 "key_label": KIND_LABELS[KINDS[kind]][0], "key_label_en": KIND_LABELS[KINDS[kind]][1],
                 "channel_rows": "、".join(str(r) for _s0, r, _k in claims),
                 "reference": self.ref.src.name, "reference_rows": str(int(self.ref.rows[p])),
                 "reference_row": int(self.ref.rows[p]),
                 "item_name": _s(ident.get("item_name")), "body": _s(ident.get("implementing_body"))}))
        # an ambiguous reference item is neither paired nor missing
        self.claims[amb] = -1


def _key_fields(kind: str) -> tuple[str, ...]:
    return {"task_code": ("task_code",), "catalog_code+body": ("catalog_code",),
            "name+body": ("item_name",)}[kind]


def _s(v) -> str | None:
    """A value as message text; missing (None, NaN, NA) stays None."""
    return None if is_missing(v) else str(v)
