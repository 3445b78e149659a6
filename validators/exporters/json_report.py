"""JSON export: ``Report.to_dict(lang)``, described by ``schemas/report.schema.json``.

``write_json`` streams the findings one per line, so a report with millions of findings never
exists twice in memory (as Python objects and as one string).
"""
from __future__ import annotations

import json
from typing import TextIO


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
    first = True
    for finding in report.iter_findings(lang):
        if rename:
            finding = _renamed(finding, rename)
        fh.write(("\n  " if first else ",\n  ") + dump(finding, ensure_ascii=False))
        first = False
    fh.write("\n ],\n")
    fh.write(f' "findings_truncated": {dump(doc["findings_truncated"])},\n')
    fh.write(f' "stats": {dump(doc["stats"], ensure_ascii=False, indent=1)}\n}}\n')


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
