"""JSON and JSONL reader: arrays, objects holding a list, nested channel lists flattened to element text."""
from __future__ import annotations

import json
import os
import re
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
from validators.read.rules import JSON_DUPLICATE_KEY, ROW_MALFORMED
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


class _DupKeys(dict):
    """An object that repeated a key (the last value is kept, as every JSON parser does)."""

    dups: list[str] = []


def _loads(text: str, seen_dups: list[int]):
    """json.loads without the ways a hostile document crashes it.

    Integers stay text (a 5000-digit number would exceed Python's int-string limit, and every
    value is compared as text anyway); objects that repeat a key are marked.  RecursionError
    (nesting thousands deep) is left to the caller.
    """
    def pairs_hook(pairs):
        d = dict(pairs)
        if len(d) != len(pairs):
            marked = _DupKeys(d)
            counts: dict[str, int] = {}
            for k, _v in pairs:
                counts[k] = counts.get(k, 0) + 1
            marked.dups = [k for k, n in counts.items() if n > 1]
            seen_dups[0] += 1
            return marked
        return d

    return json.loads(text, parse_int=str, object_pairs_hook=pairs_hook)


def _find_lists(data: Any, path: str = "", depth: int = 0, out: list | None = None) -> list[tuple[str, list]]:
    """Every list of objects inside an envelope (objects only, four levels down at most)."""
    out = [] if out is None else out
    if isinstance(data, list):
        if data and any(isinstance(v, dict) for v in data[:100]):
            out.append((path, data))
        return out
    if isinstance(data, dict) and depth < 4:
        for k, v in data.items():
            _find_lists(v, f"{path}.{k}" if path else str(k), depth + 1, out)
    return out


def _select(data: Any, json_path: str, path: str) -> Any:
    node = data
    for part in json_path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            found = "、".join(p or "(顶层)" for p, _ in _find_lists(data)) or "-"
            raise InputError("json-path-not-found", path, json_path=json_path, found=found)
    if not isinstance(node, list):
        raise InputError("json-path-not-a-list", path, json_path=json_path)
    return node


def _records_list(data: Any, path: str, json_path: str | None) -> tuple[list, str]:
    """The list of records: the one ``json_path`` names, else the one naming most elements.

    Channel APIs wrap their records: ``{"code":200,"data":{"list":[…]}}``,
    ``{"result":{"records":[…]}}``.  Ties go to the shallower list, then to the usual key names.
    """
    if json_path:
        return _select(data, json_path, path), json_path
    if isinstance(data, list):
        return data, ""
    candidates = _find_lists(data)
    if not candidates:
        raise InputError("json-not-a-list", path)

    def score(item):
        where, records = item
        keys: dict[str, None] = {}
        for rec in records[:100]:
            if isinstance(rec, dict):
                keys.update(dict.fromkeys(rec))
        mapping, _u, _d = map_columns(list(keys))
        last = where.rsplit(".", 1)[-1]
        usual = JSON_LIST_KEYS.index(last) if last in JSON_LIST_KEYS else len(JSON_LIST_KEYS)
        return (-len(mapping), where.count("."), usual)

    where, records = min(candidates, key=score)
    return records, where


def _split_lines(text: str) -> list[str]:
    """JSON Lines records end at \n only: U+2028, U+0085, \x1c… are legal inside JSON strings."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def open_json(path: str, encoding: str | None, lines: bool, profile: str = "guide",
              json_path: str | None = None, real_path: str | None = None) -> Table:
    real_path = real_path or path
    try:
        with open(real_path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
    if not raw.strip():
        raise InputError("empty-file", path)
    try:
        enc = normalise_encoding(encoding) if encoding else detect_encoding(real_path, raw[:HEAD_BYTES])
    except LookupError:
        raise InputError("unknown-encoding", path, encoding=encoding) from None
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError("bad-encoding", path, encoding=enc, offset=exc.start, line=line) from exc
    del raw
    if text.startswith("\ufeff"):
        text = text[1:]
    problems: list[dict] = []
    records: list[tuple[int, Any]] = []
    seen_dups = [0]
    # "\ud800" escapes decode to lone surrogates, which no UTF-8 writer (nor Arrow) can hold
    surrogates = _ESCAPED_SURROGATE.search(text) is not None
    if lines:
        n = 0
        for line in _split_lines(text):
            if not line.strip():
                continue
            n += 1
            try:
                records.append((n, _loads(line, seen_dups)))
            except json.JSONDecodeError as exc:
                problems.append(record(ROW_MALFORMED, row=n, value=line[:200],
                                        params={"detail": exc.msg}))
                records.append((n, {}))
            except (RecursionError, ValueError) as exc:  # nesting too deep / a number too long
                problems.append(record(ROW_MALFORMED, row=n, value=line[:200],
                                        params={"detail": _json_detail(exc)}))
                records.append((n, {}))
    else:
        try:
            data = _loads(text, seen_dups)
        except json.JSONDecodeError as exc:
            raise InputError("bad-json", path, line=exc.lineno, detail=exc.msg) from exc
        except RecursionError:
            raise InputError("json-too-deep", path) from None
        except ValueError as exc:
            raise InputError("bad-json", path, line="?", detail=_json_detail(exc)) from exc
        del text
        data, _where = _records_list(data, path, json_path)
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
    field_of = {label: canon for canon, label in mapping.items()}
    for n, rec in records:
        if not isinstance(rec, dict):
            problems.append(record(ROW_MALFORMED, row=n, value=str(rec)[:200],
                                    params={"detail": "not an object"}))
        elif seen_dups[0]:
            for key, where_key in _duplicates(rec):
                problems.append(record(JSON_DUPLICATE_KEY, row=n, field=field_of.get(where_key),
                                        value=key, params={"key": key}))
    t = Table(path, None, mapping, unknown, 0, _json_chunks,
              problems=labels_problems(unknown, dups) + problems, size_bytes=os.path.getsize(real_path))
    t.state = {"records": records, "surrogates": surrogates}
    return t


def _duplicates(rec: dict):
    """(repeated key, top-level key it sits under) for the record and the objects it holds."""
    if isinstance(rec, _DupKeys):
        for k in rec.dups:
            yield k, k
    for k, v in rec.items():
        items = v if isinstance(v, list) else [v]
        for item in items:
            if isinstance(item, _DupKeys):
                for d in item.dups:
                    yield f"{k}.{d}", k


def _json_detail(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nesting too deep"
    return str(exc).splitlines()[0][:120]


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _visible_surrogates(v: Any) -> Any:
    """A lone surrogate (half of an emoji, cut by the exporter) shown as its escape, ``\\ud800``."""
    if isinstance(v, str) and _SURROGATE.search(v):
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", v)
    return v


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
            if table.state.get("surrogates"):
                row = [_visible_surrogates(v) for v in row]
            if hours_from_lobby:
                lob = rec.get(table.columns["handling_location"])
                row.append(_lobby_hours(lob) if isinstance(lob, list) else None)
            data.append(row)
        names = [c for c, _ in items] + (["handling_hours"] if hours_from_lobby else [])
        frame = pd.DataFrame(data, columns=names, dtype="str")
        frame["_row"] = np.asarray([n for n, _ in part], dtype=np.int64)
        yield frame
