"""JSON and JSONL reader: arrays, objects holding a list, nested channel lists flattened to element text."""
from __future__ import annotations

import json
from typing import Any, Iterator

from validators.read.aliases import map_columns
from validators.read.base import (
    CHUNK_ROWS,
    HEAD_BYTES,
    JSON_LIST_KEYS,
    InputError,
    Table,
)
from validators.read.csvfile import detect_encoding, normalise_encoding
from validators.read.header import labels_problems
from validators.read.rules import ROW_MALFORMED
from validators.report.findings import record

_LAW_KEYS = (("lawName", "law_name", "法律法规名称", "name"), ("accordingNumber", "law_number", "依据文号"),
             ("termsNumber", "clause_number", "条款号"), ("termsContent", "clause_content", "条款内容"))


def _pick(d: dict, keys) -> str:
    for k in keys:
        v = d.get(k)
        if v not in (None, ""):
            return str(v)
    return ""


def _flatten_list(canonical: str | None, value: list) -> str | None:
    """Nested channel lists (Chongqing byLaws, lobbys, activitys, itemMaterials) → element text."""
    if not value:
        return None
    if not all(isinstance(v, dict) for v in value):
        return ",".join(str(v) for v in value if v is not None)
    parts = []
    for d in value:
        if canonical == "legal_basis":
            name = _pick(d, _LAW_KEYS[0])
            if name and not name.startswith("《"):
                name = f"《{name}》"
            parts.append("".join(x for x in (name, _pick(d, _LAW_KEYS[1]), _pick(d, _LAW_KEYS[2]),
                                              _pick(d, _LAW_KEYS[3])) if x))
        elif canonical == "handling_location":
            parts.append(_pick(d, ("address", "addr", "transactAddr", "办理地点")))
        elif canonical == "handling_process":
            parts.append(_pick(d, ("name", "activityName", "环节名称", "linkName")))
        elif canonical == "materials":
            parts.append(_pick(d, ("materialName", "material_name", "name", "材料名称")))
        elif canonical == "fee_standard":
            parts.append(_pick(d, ("feeStand", "fee_stand", "standard", "收费标准", "feeName", "name")))
        else:
            parts.append(json.dumps(d, ensure_ascii=False))
    sep = "→" if canonical == "handling_process" else "；"
    text = sep.join(p for p in parts if p)
    return text or None


def _lobby_hours(value: list) -> str | None:
    times = [_pick(d, ("time", "transactTime", "办理时间", "workTime")) for d in value if isinstance(d, dict)]
    times = [t for t in times if t]
    return "；".join(times) if times else None


def open_json(path: str, encoding: str | None, lines: bool, profile: str = "guide") -> Table:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError("unreadable", path, detail=str(exc)) from exc
    if not raw.strip():
        raise InputError("empty-file", path)
    try:
        enc = normalise_encoding(encoding) if encoding else detect_encoding(path, raw[:HEAD_BYTES])
    except LookupError:
        raise InputError("unknown-encoding", path, encoding=encoding) from None
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError("bad-encoding", path, encoding=enc, offset=exc.start) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    problems: list[dict] = []
    records: list[tuple[int, Any]] = []
    if lines:
        n = 0
        for line in text.splitlines():
            if not line.strip():
                continue
            n += 1
            try:
                records.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                problems.append(record(ROW_MALFORMED, row=n, value=line[:200],
                                        params={"detail": exc.msg}))
                records.append((n, {}))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError("bad-json", path, line=exc.lineno, detail=exc.msg) from exc
        if isinstance(data, dict):
            lists = [k for k in JSON_LIST_KEYS if isinstance(data.get(k), list)]
            if not lists:
                lists = [k for k, v in data.items() if isinstance(v, list)]
            if not lists:
                raise InputError("json-not-a-list", path)
            data = data[lists[0]]
        if not isinstance(data, list):
            raise InputError("json-not-a-list", path)
        records = list(enumerate(data, start=1))
    keys: list[str] = []
    seen = set()
    for _n, rec in records:
        if isinstance(rec, dict):
            for k in rec:
                if k not in seen:
                    seen.add(k)
                    keys.append(k)
    mapping, unknown, dups = map_columns(keys, profile)
    if len(mapping) < 2:
        raise InputError("no-element-columns", path, sheet="")
    loc = mapping.get("handling_location")
    if loc and "handling_hours" not in mapping and any(
            isinstance(r, dict) and isinstance(r.get(loc), list) for _n, r in records[:100]):
        mapping["handling_hours"] = f"{loc}[].time"
    for n, rec in records:
        if not isinstance(rec, dict):
            problems.append(record(ROW_MALFORMED, row=n, value=str(rec)[:200],
                                    params={"detail": "not an object"}))
    t = Table(path, None, mapping, unknown, 0, _json_chunks,
              problems=labels_problems(unknown, dups) + problems, size_bytes=len(raw))
    t.state = {"records": records}
    return t


def _json_value(canonical: str, v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, list):
        return _flatten_list(canonical, v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v)
    return text if text != "" else None


def _json_chunks(table: Table) -> Iterator[Any]:
    import numpy as np
    import pandas as pd

    records = table.state["records"]
    hours_from_lobby = table.columns.get("handling_hours", "").endswith("[].time")
    items = [(c, lbl) for c, lbl in table.columns.items() if not (hours_from_lobby and c == "handling_hours")]
    for lo in range(0, len(records), CHUNK_ROWS):
        part = records[lo: lo + CHUNK_ROWS]
        data = []
        for _n, rec in part:
            rec = rec if isinstance(rec, dict) else {}
            row = [_json_value(c, rec.get(lbl)) for c, lbl in items]
            if hours_from_lobby:
                lob = rec.get(table.columns["handling_location"])
                row.append(_lobby_hours(lob) if isinstance(lob, list) else None)
            data.append(row)
        names = [c for c, _ in items] + (["handling_hours"] if hours_from_lobby else [])
        frame = pd.DataFrame(data, columns=names, dtype="str")
        frame["_row"] = np.asarray([n for n, _ in part], dtype=np.int64)
        yield frame
