"""SARIF 2.1.0 export for code-scanning UIs (GitHub, GitLab, Azure), streamed one result a line.

Valid against the OASIS schema with format checks (a test validates every command's report):
``ruleId`` is the stable rule code, rule help comes from the rule registry (explanation, fix hint,
basis); file names are percent-encoded URI references relative to ``%SRCROOT%``; the row becomes
``region.startLine`` (1 for table-level findings); catalog-level findings are located on the input
files they concern (never on a made-up file); ``partialFingerprints["sxcheck/v1"]`` is the baseline
fingerprint (:mod:`validators.gate.baseline`).  Every gate is a result of rule ``sxcheck-gate``:
``kind`` pass or fail.
"""
from __future__ import annotations

import io
import json
from typing import TextIO

from validators import __version__
from validators.exporters.gates import (
    file_uri,
    gate_list,
    gate_text,
    input_files,
    notes,
)
from validators.exporters.json_report import _enc, write_items
from validators.report.messages import rule_meta, rule_text

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
GATE_RULE = "sxcheck-gate"


def to_sarif(report, *, lang: str = "zh") -> str:
    buf = io.StringIO()
    write_sarif(report, buf, lang=lang)
    return buf.getvalue()


def _rule(code: str, report, lang: str, meta: dict) -> dict:
    t = rule_text(code, lang)
    m = meta.get(code, {})
    basis_label = "依据" if lang != "en" else "Basis"
    fix_label = "修改建议" if lang != "en" else "Fix"
    help_text = f"{t['explain'] or t['title']}\n{fix_label}: {t['hint'] or '—'}\n{basis_label}: {m.get('basis', '—')}"
    return {"id": code, "name": code, "shortDescription": {"text": t["title"]},
            "fullDescription": {"text": t["explain"] or t["title"]},
            "help": {"text": help_text,
                     "markdown": f"{t['explain'] or t['title']}\n\n**{fix_label}**: {t['hint'] or '—'}\n\n"
                                 f"**{basis_label}**: {m.get('basis', '—')}"},
            "defaultConfiguration": {"level": LEVEL[report.severity_of(code).value]},
            "properties": {"category": m.get("category"), "basis": m.get("basis")}}


def _location(source: str, row, field) -> dict:
    loc = {"physicalLocation": {"artifactLocation": {"uri": file_uri(source)},
                                "region": {"startLine": int(row) if row else 1}}}
    if not source.startswith("/"):
        loc["physicalLocation"]["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
    if field:
        loc["logicalLocations"] = [{"name": str(field), "kind": "member"}]
    return loc


_ROW = 987_654_321   # stands for the row in a location's cached text


class _Results:
    """Each result's JSON text exactly as ``json.dumps(result, ensure_ascii=False)`` writes the
    dict (same keys, order and separators), assembled from cached pieces: a big report repeats its
    rules and its (file, element) locations, and dumping a nested dict per finding was the
    export's largest cost."""

    def __init__(self, index: dict, files: list):
        self.index, self.files = index, files
        self.heads: dict[tuple, str] = {}
        self.places: dict[tuple, tuple[str, str]] = {}

    def __call__(self, f: dict, fp: str) -> str:
        enc = _enc
        key = (f["code"], f["severity"])
        head = self.heads.get(key)
        if head is None:
            head = self.heads[key] = (f'{{"ruleId": {enc(f["code"])}, "ruleIndex": {self.index[f["code"]]}, '
                                      f'"level": {enc(LEVEL[f["severity"]])}, "message": {{"text": ')
        text = f["message"] + (f"\n{f['hint']}" if f.get("hint") else "")
        out = (f'{head}{enc(text)}}}, "partialFingerprints": {{"sxcheck/v1": {enc(fp)}}}, "properties": '
               f'{{"sheet": {enc(f["sheet"])}, "field": {enc(f["field"])}, "item": {enc(f["item"])}, '
               f'"value": {enc(f["value"])}}}')
        if f["source"]:
            place = (f["source"], f["field"])
            cacheable = place[1] is None or place[1].__class__ is str
            parts = self.places.get(place) if cacheable else None
            if parts is None:
                parts = tuple(enc([_location(f["source"], _ROW, f["field"])]).split(str(_ROW)))
                if cacheable:
                    self.places[place] = parts
            row = f["row"]
            return f'{out}, "locations": {parts[0]}{int(row) if row else 1}{parts[1]}}}'
        # catalog-level: the input files the catalog is made of
        locations = [_location(s, None, f["field"]) for s in self.files]
        return f'{out}, "locations": {enc(locations)}}}' if locations else out + "}"


def write_sarif(report, fh: TextIO, *, lang: str = "zh") -> None:
    from validators.gate.baseline import fingerprints

    df = report.frame()
    meta = rule_meta()
    codes = sorted(set(df["code"]))
    rules = [_rule(c, report, lang, meta) for c in codes]
    gates = gate_list(report)
    if gates:
        name = "门禁" if lang != "en" else "gate"
        rules.append({"id": GATE_RULE, "name": GATE_RULE, "shortDescription": {"text": name},
                      "fullDescription": {"text": "sxcheck threshold gates: --min-rate, sxcheck.toml [thresholds]"},
                      "help": {"text": "sxcheck explain conform; README: sxcheck check"},
                      "defaultConfiguration": {"level": "error"}})
    index = {r["id"]: i for i, r in enumerate(rules)}
    files = input_files(report)
    run_props = {"summary": report.summary(), "notes": notes(report, lang)}
    for key in ("baseline", "waivers", "scope", "skipped"):
        if report.extra.get(key):
            run_props[key] = report.extra[key]
    head = {"$schema": SCHEMA, "version": "2.1.0"}
    fh.write(json.dumps(head, ensure_ascii=False)[:-1] + ',\n "runs": [{\n  "tool": ')
    fh.write(json.dumps({"driver": {"name": "sxcheck", "version": __version__,
                                    "informationUri": "https://pypi.org/project/sxcheck/", "rules": rules}},
                        ensure_ascii=False))
    fh.write(',\n  "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the folder the inputs are '
             'named relative to (the configuration\'s folder for sxcheck check)"}}},\n')
    fh.write('  "results": [')
    dump = json.dumps
    result_of = _Results(index, files)
    first = write_items(fh, (result_of(f, fp) for fp, f in zip(
        fingerprints(df), report.iter_findings(lang, suggestions=False), strict=True)), "   ")

    def gate_result(g: dict) -> str:
        where = [g["source"]] if g.get("source") else files
        result = {"ruleId": GATE_RULE, "ruleIndex": index[GATE_RULE],
                  "kind": "pass" if g["passed"] else "fail", "level": "none" if g["passed"] else "error",
                  "message": {"text": gate_text(g, lang)},
                  "partialFingerprints": {"sxcheck/v1": g["id"]},
                  "properties": {"gate": g}}
        if where:
            result["locations"] = [_location(s, None, None) for s in where[:1]]
        return dump(result, ensure_ascii=False)

    write_items(fh, map(gate_result, gates), "   ", first)
    fh.write("\n  ],\n  \"properties\": " + dump(run_props, ensure_ascii=False, default=str) + "\n }]\n}\n")
