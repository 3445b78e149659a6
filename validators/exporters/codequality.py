"""GitLab Code Quality report (``--format codequality``), streamed: a JSON array of issues.

Each finding is ``{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}``
with severity error → major, warning → minor, info → info; the fingerprint is the baseline
fingerprint (a repeated one gets ``-2``, ``-3`` … so GitLab keeps them apart).  Catalog-level findings
are located on the first input file.  Every gate is an issue too: ``blocker`` when it failed,
``info`` when it passed or was skipped, so the merge-request widget states each gate's result.
"""
from __future__ import annotations

import io
import json
from typing import TextIO

from validators.exporters.gates import gate_list, gate_text, input_files
from validators.exporters.json_report import _enc, write_items

SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def to_codequality(report, *, lang: str = "zh") -> str:
    buf = io.StringIO()
    write_codequality(report, buf, lang=lang)
    return buf.getvalue()


def write_codequality(report, fh: TextIO, *, lang: str = "zh") -> None:
    from validators.gate.baseline import fingerprints

    df = report.frame()
    files = input_files(report)
    fallback = files[0] if files else "sxcheck.toml"
    seen: dict[str, int] = {}
    fh.write("[")
    heads: dict[tuple, str] = {}

    def issue_text(fp: str, f: dict) -> str:
        # the text json.dumps gives the issue dict, from pieces: the rule's check_name and the
        # location's path repeat, dumping a nested dict per finding cost the most
        n = seen[fp] = seen.get(fp, 0) + 1
        code = f["code"]
        path = f["source"] or fallback
        key = (code, f["severity"], path)
        tail = heads.get(key) if path.__class__ is str else None
        if tail is None:
            after = f', "severity": {_enc(SEVERITY[f["severity"]])}, "location": {{"path": {_enc(path)}, '
            tail = (f', "check_name": {_enc(code)}, "fingerprint": ', after + '"lines": {"begin": ')
            if path.__class__ is str:
                heads[key] = tail
        row = f["row"] or 1
        return (f'{{"description": {_enc(code + ": " + f["message"])}{tail[0]}'
                f'{_enc(fp if n == 1 else f"{fp}-{n}")}{tail[1]}{row if row.__class__ is int else _enc(row)}}}}}}}')

    first = write_items(fh, (issue_text(fp, f) for fp, f in zip(
        fingerprints(df), report.iter_findings(lang, suggestions=False), strict=True)), " ")
    write_items(fh, (json.dumps({"description": gate_text(g, lang), "check_name": "sxcheck-gate",
                                 "fingerprint": g["id"], "severity": "blocker" if not g["passed"] else "info",
                                 "location": {"path": g.get("source") or fallback, "lines": {"begin": 1}}},
                                ensure_ascii=False) for g in gate_list(report)), " ", first)
    fh.write("\n]\n")
