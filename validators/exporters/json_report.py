"""JSON export: ``Report.to_dict(lang)``, described by ``schemas/report.schema.json``.

``write_json`` streams the findings one per line, so a report with millions of findings never
exists twice in memory (as Python objects and as one string).  Each line is the ``json.dumps`` of
the finding's dict, assembled from pieces: the text of a finding's message, hint, suggestion and
params is encoded once per distinct tail (:meth:`Report.finding_columns`), its other fields with the
same string encoder ``json.dumps`` uses, so the bytes are those of dumping every dict.
"""
from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from json.encoder import encode_basestring
from typing import TextIO

_ENCODER = json.JSONEncoder(ensure_ascii=False)   # what json.dumps(…, ensure_ascii=False) builds per call
BATCH = 2048   # findings per write (the text of a whole chunk would weigh tens of MB)


def to_json(report, *, lang: str = "zh") -> str:
    import io

    buf = io.StringIO()
    write_json(report, buf, lang=lang)
    return buf.getvalue()


def write_json(report, fh: TextIO, *, lang: str = "zh", rename: dict[str, str] | None = None) -> None:
    """``rename`` maps a source path to the name shown instead (the web page stores uploads under
    generated names and shows the user's own)."""
    doc = report.to_dict(lang, findings=False)
    dump = json.dumps
    rename = rename or {}
    if rename:
        doc["stats"] = _renamed(doc["stats"], rename)
    fh.write("{\n")
    for key in ("tool", "command", "lang", "summary"):
        fh.write(f" {dump(key)}: {dump(doc[key], ensure_ascii=False)},\n")
    fh.write(' "findings": [')
    if rename:
        first = True
        for finding in report.iter_findings(lang):
            finding = _renamed(finding, rename)
            fh.write(("\n  " if first else ",\n  ") + dump(finding, ensure_ascii=False))
            first = False
    else:
        with _collector_paused():
            _write_findings(report, fh, lang)
    fh.write("\n ],\n")
    fh.write(f' "findings_truncated": {dump(doc["findings_truncated"])},\n')
    fh.write(' "stats": ')
    _write_indented(doc["stats"], fh)
    fh.write("\n}\n")


def _write_indented(value, fh: TextIO, batch: int = 8192) -> None:
    """``dumps(value, ensure_ascii=False, indent=1)`` written in pieces: the per-unit figures of a
    national export hold hundreds of thousands of units, whose text would otherwise be built as
    one list of millions of pieces and then one string."""
    from itertools import islice

    pieces = json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(value)
    while block := list(islice(pieces, batch)):
        fh.write("".join(block))


def _write_findings(report, fh: TextIO, lang: str) -> None:
    """The findings array's items, one per line, byte for byte as ``dumps(finding)`` of each
    :meth:`Report.iter_findings` dict (keys in the same order, same separators)."""
    heads: dict[tuple, str] = {}
    fields: dict[str | None, str] = {}
    sep = "\n  "
    for cols in report.finding_columns(lang):
        tails = [_ENCODER.encode({"message": message, "hint": hint,
                                  "suggestion": suggestion.to_dict() if suggestion is not None else None,
                                  "params": params})[1:-1]
                 for message, hint, suggestion, params in cols.tails]
        lines = []
        for code, sev, source, sheet, row, fld, item, value, t in zip(
                cols.code, cols.severity, cols.source, cols.sheet, cols.row, cols.field, cols.item,
                cols.value, cols.tail_of.tolist(), strict=True):
            hkey = (code, sev, source, sheet)
            head = heads.get(hkey)
            if head is None:
                head = (f'{{"code": {_enc(code)}, "severity": {_enc(sev)}, "source": {_enc(source)}, '
                        f'"sheet": {_enc(sheet)}, "row": ')
                if _plain(hkey):   # a key only str and None equal encodes alike (not so 1 and 1.0)
                    heads[hkey] = head
            f = fields.get(fld) if fld is None or fld.__class__ is str else None
            if f is None:
                f = f', "field": {_enc(fld)}, "item": '
                if fld is None or fld.__class__ is str:
                    fields[fld] = f
            lines.append(f'{head}{"null" if row is None else row}{f}{_enc(item)}, "value": {_enc(value)}, '
                         f'{tails[t]}}}')
            if len(lines) == BATCH:
                fh.write(sep + ",\n  ".join(lines))
                sep = ",\n  "
                lines.clear()
        if lines:
            fh.write(sep + ",\n  ".join(lines))
            sep = ",\n  "


@contextmanager
def _collector_paused():
    """Writing allocates many short-lived containers and makes no cycles; meanwhile the garbage
    collector would walk the report's millions of objects again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plain(values: tuple) -> bool:
    """Only str and None: a tuple that is a safe cache key for its encoding."""
    return all(v is None or v.__class__ is str for v in values)


def _enc(value) -> str:
    """``json.dumps(value, ensure_ascii=False)``, as it appears inside a dumped dict."""
    if value is None:
        return "null"
    if value.__class__ is str:
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)


def _renamed(value, rename: dict[str, str]):
    """``value`` with every path of ``rename`` replaced in its strings (messages cite paths too)."""
    if isinstance(value, str):
        for path, name in rename.items():
            if path in value:
                value = value.replace(path, name)
        return value
    if isinstance(value, dict):
        return {k: _renamed(v, rename) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, rename) for v in value]
    return value
