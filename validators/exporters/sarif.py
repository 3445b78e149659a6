"""SARIF 2.1.0 export for code-scanning UIs (GitHub, GitLab, Azure).

``ruleId`` is the stable rule code; the row becomes ``region.startLine`` (1 for file- and
table-level findings); ``partialFingerprints`` keep alerts stable across runs.
"""
from __future__ import annotations

import hashlib
import json

from .. import __version__
from ..messages import render, rule_meta, rule_text
from ..schema import label

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def to_sarif(report, *, lang: str = "zh") -> str:
    df = report.frame()
    codes = sorted(set(df["code"]) | set())
    meta = rule_meta()
    rules = []
    index = {}
    for i, code in enumerate(codes):
        t = rule_text(code, lang)
        index[code] = i
        rules.append({"id": code, "name": code, "shortDescription": {"text": t["title"]},
                      "fullDescription": {"text": t["explain"] or t["title"]},
                      "help": {"text": t["hint"] or t["title"]},
                      "defaultConfiguration": {"level": LEVEL[report.severity_of(code).value]},
                      "properties": {"category": meta.get(code, {}).get("category"),
                                     "basis": meta.get(code, {}).get("basis")}})
    results = []
    for rec in df.itertuples(index=False):
        params = rec.params if isinstance(rec.params, dict) else {}
        src = rec.source if isinstance(rec.source, str) else "catalog"
        row = None if rec.row is None or rec.row != rec.row else int(rec.row)
        fld = rec.field if isinstance(rec.field, str) else None
        val = rec.value if isinstance(rec.value, str) else None
        sheet = rec.sheet if isinstance(rec.sheet, str) else None
        key = "|".join(str(x) for x in (rec.code, src, sheet, row, fld, val))
        results.append({
            "ruleId": rec.code, "ruleIndex": index[rec.code], "level": LEVEL[rec.severity],
            "message": {"text": render(rec.code, lang, field_label=label(fld, lang), value=val, params=params)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": src},
                                                "region": {"startLine": row or 1}},
                           "logicalLocations": [{"name": fld or "", "kind": "member"}]}],
            "partialFingerprints": {"sxcheck/v1": hashlib.sha256(key.encode()).hexdigest()[:32]},
            "properties": {"sheet": sheet, "field": fld, "item": rec.item if isinstance(rec.item, str) else None,
                           "value": val},
        })
    doc = {"$schema": SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "sxcheck", "version": __version__,
                                         "informationUri": "https://pypi.org/project/sxcheck/",
                                         "rules": rules}},
                     "results": results,
                     "properties": {"summary": report.summary()}}]}
    return json.dumps(doc, ensure_ascii=False, indent=1)
