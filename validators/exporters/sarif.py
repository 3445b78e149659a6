"""SARIF 2.1.0 export for code-scanning UIs (GitHub, GitLab, Azure).

``ruleId`` is the stable rule code; the row becomes ``region.startLine`` (1 for file- and
table-level findings); ``partialFingerprints`` keep alerts stable across runs.
"""
from __future__ import annotations

import hashlib
import json

from validators import __version__
from validators.report.messages import rule_meta, rule_text

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
    for f in report.iter_findings(lang):
        src = f["source"] or "catalog"
        key = "|".join(str(f[k]) for k in ("code", "source", "sheet", "row", "field", "value"))
        results.append({
            "ruleId": f["code"], "ruleIndex": index[f["code"]], "level": LEVEL[f["severity"]],
            "message": {"text": f["message"]},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": src},
                                                "region": {"startLine": f["row"] or 1}},
                           "logicalLocations": [{"name": f["field"] or "", "kind": "member"}]}],
            "partialFingerprints": {"sxcheck/v1": hashlib.sha256(key.encode()).hexdigest()[:32]},
            "properties": {"sheet": f["sheet"], "field": f["field"], "item": f["item"], "value": f["value"]},
        })
    doc = {"$schema": SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "sxcheck", "version": __version__,
                                         "informationUri": "https://pypi.org/project/sxcheck/",
                                         "rules": rules}},
                     "results": results,
                     "properties": {"summary": report.summary()}}]}
    return json.dumps(doc, ensure_ascii=False, indent=1)
