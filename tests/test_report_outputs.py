"""The fast output paths agree with the exact per-finding ones on edge values.

The report renders findings column by column (one message, hint, suggestion and params per
distinct finding), fills plain templates without ``Formatter`` and counts rows per rule with
numbers instead of ``drop_duplicates``; here each is checked against the straightforward
computation it replaces, on None/NaN/NA, empty and whitespace-only values, full-width text,
placeholders (无 — /), mixed types (1, 1.0, True, "1"), signed zeros and Chinese.
"""
import io
import json
import math
from string import Formatter

import numpy as np
import pandas as pd
import pytest

from validators.core.schema import label
from validators.exporters.json_report import write_json
from validators.fixes.suggest import suggest
from validators.report import report as report_module
from validators.report.findings import is_missing
from validators.report.messages import fill, rule_text
from validators.report.report import Report, _json_safe

EDGE_VALUES = [None, float("nan"), pd.NA, "", "   ", "ＡＢＣ１２３", "无", "—", "/", "行政许可", "1", 1, 1.0,
               True, 0.0, -0.0, np.float64(2.5), np.int64(3), [1, "a"], {"k": None}]


class _Lenient(dict):
    def __missing__(self, key):
        return "?"


def reference_fill(template, values):
    """``fill`` as it was: Formatter.vformat with missing names as "?"."""
    safe = _Lenient({k: ("" if v is None else v) for k, v in values.items()})
    try:
        return Formatter().vformat(template, (), safe)
    except (ValueError, IndexError, KeyError):
        return template


TEMPLATES = ["“{value}”与“{base_name}”相似度 {score}{guard_text}", "{x:.1f} 天", "{x!r}|{x!s}|{x!a}", "{x:>6}",
             "{x:d}", "{x:{w}}", "{x[0]}", "{x.real}", "{}", "{0}", "{{literal}} {x}", "{x", "x}", "{x!z}",
             "无字段", "", "{ x }", "{x:}}}"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_fill_agrees_with_formatter(template):
    for x in EDGE_VALUES:
        for values in ({"x": x, "w": 5}, {"value": x, "base_name": "名称", "score": x, "guard_text": None}, {}):
            try:
                expected = reference_fill(template, values)
            except Exception as exc:  # noqa: BLE001 — the fast path must raise alike
                with pytest.raises(type(exc)):
                    fill(template, values)
                continue
            assert fill(template, values) == expected, (template, values)


# ------------------------------------------------------------------ findings

def _edge_report(mixed: bool) -> Report:
    """Findings of several rules with edge values; ``mixed`` adds non-str values and fields
    (the per-finding path), otherwise only str/None/NaN (the grouped path)."""
    shared = {"expected": "5", "actual": "X"}
    rows = []
    texts = [v for v in EDGE_VALUES if v is None or isinstance(v, str) or v is pd.NA
             or (isinstance(v, float) and math.isnan(v))]
    for i, v in enumerate(texts * 3):
        rows.append(("element-missing", "item_name", v, {"family": "许可"} if i % 2 else shared, i + 2))
        rows.append(("uscc-check-digit", "implementing_body_code", "11450721MB0123456A" if i % 3 else v,
                     shared if i % 2 else dict(shared), i + 2))
        rows.append(("uscc-lowercase", "implementing_body_code", "11450721mb012345xa", None, i + 2))
        rows.append(("catalog-match-review", "item_name", v,
                     {"base_code": "000923037000", "base_name": "互联网出口纠纷裁决", "score": [94.1, 0.0, -0.0][i % 3],
                      "guards": "", "candidates": "000923037000 互联网出口纠纷裁决 (94.1)", "guard_text": None,
                      "candidate_text": " [≈ …]"}, None if i % 4 == 0 else float(i + 2)))
        rows.append(("element-wrong-type", "promised_limit", ["二十个工作日", "20天", v][i % 3],
                     {"kind": "integer", "expected": "整数"}, i + 2))
        rows.append(("task-code-level-mismatch", None, v, float("nan"), i + 2))
    if mixed:
        scalars = ["1", 1, 1.0, True, 0.0, -0.0, None, float("nan"), "无"]   # values JSON can hold
        for i, v in enumerate(EDGE_VALUES):
            w = scalars[i % len(scalars)]
            rows.append(("element-too-long", "item_name", w, {"max": 1, "length": v, "arr": [v] if i % 2 else v},
                         np.int64(i + 2)))
            rows.append(("element-missing", 7 if i % 2 else "item_name", w, {"family": v}, pd.NA))
    frame = pd.DataFrame(rows, columns=["code", "field", "value", "params", "row"])
    report = Report(command="validate")
    report.add(frame.assign(source="灵山县.xlsx", sheet=["Sheet1", None] * (len(frame) // 2) + ["Sheet1"] * (len(frame) % 2),
                            item=[None, "事项", float("nan")] * (len(frame) // 3) + ["事项"] * (len(frame) % 3)))
    return report


def reference_findings(report, lang, suggestions=True, frame=None):
    """``iter_findings`` as it was: one dict per row of the frame, every text computed for it."""
    def none(v):
        return None if is_missing(v) else v

    out = []
    for rec in (report.frame() if frame is None else frame).itertuples(index=False):
        params = rec.params if isinstance(rec.params, dict) else {}
        fld = none(rec.field)
        values = dict(params)
        values.setdefault("value", "" if none(rec.value) is None else none(rec.value))
        values["field"] = label(fld, lang)
        s = suggest(rec.code, none(rec.value), params) if suggestions else None
        out.append({
            "code": rec.code, "severity": rec.severity, "source": none(rec.source), "sheet": none(rec.sheet),
            "row": None if none(rec.row) is None else int(rec.row), "field": fld, "item": none(rec.item),
            "value": none(rec.value), "message": reference_fill(rule_text(rec.code, lang)["message"], values),
            "hint": reference_fill(rule_text(rec.code, lang)["hint"], dict(params)),
            "suggestion": s.to_dict() if s else None,
            "params": {k: _json_safe(v) for k, v in params.items()},
        })
    return out


@pytest.mark.parametrize("mixed", [False, True])
@pytest.mark.parametrize("chunk", [3, 65_536])
def test_findings_agree_with_the_per_finding_path(monkeypatch, mixed, chunk):
    monkeypatch.setattr(report_module, "CHUNK", chunk)
    report = _edge_report(mixed)
    for lang in ("zh", "en"):
        expected = reference_findings(report, lang)
        got = list(report.iter_findings(lang))
        assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
        assert got == [dict(f, suggestion=f["suggestion"]) for f in expected] or mixed  # NaN-free when not mixed
        no_sugg = list(report.iter_findings(lang, suggestions=False, limit=7))
        assert no_sugg == [dict(f, suggestion=None) for f in expected[:7]] or mixed
        part = report.frame().iloc[::3]
        assert (json.dumps(list(report.iter_findings(lang, frame=part)), ensure_ascii=False)
                == json.dumps(reference_findings(report, lang, frame=part), ensure_ascii=False))
        # the JSON writer's findings array: byte for byte the dumps of each finding
        buf = io.StringIO()
        write_json(report, buf, lang=lang)
        array = buf.getvalue().split(' "findings": [', 1)[1].split('\n ],\n "findings_truncated"', 1)[0]
        assert array == ",".join("\n  " + json.dumps(f, ensure_ascii=False) for f in expected)


def test_findings_share_no_mutable_parts():
    """Findings with one tail still get their own params and suggestion dicts."""
    report = _edge_report(False)
    found = [f for f in report.iter_findings() if f["code"] == "uscc-check-digit" and f["value"] == "11450721MB0123456A"]
    lower = [f for f in report.iter_findings() if f["code"] == "uscc-lowercase"]
    assert len(found) > 1 and len(lower) > 1 and lower[0]["suggestion"]
    found[0]["params"]["expected"] = "changed"
    lower[0]["suggestion"]["confidence"] = "changed"
    assert found[1]["params"]["expected"] == "5" and lower[1]["suggestion"]["confidence"] == "safe"
    report_again = list(report.iter_findings())
    assert all(f["params"].get("expected") != "changed" for f in report_again)


def _tail_content(tail):
    message, hint_text, suggestion, params = tail
    return message, hint_text, None if suggestion is None else suggestion.to_dict(), params


@pytest.mark.parametrize("mixed", [False, True])
@pytest.mark.parametrize("chunk", [3, 65_536])
@pytest.mark.parametrize("pack", [False, True])
def test_finding_codes_agree_with_finding_columns(monkeypatch, mixed, chunk, pack):
    """Chunk by chunk: factorised where every text value is a str or missing (None, NaN, NA —
    Chinese, empty, whitespace), the lists of ``finding_columns`` elsewhere (numbers, bools)."""
    monkeypatch.setattr(report_module, "CHUNK", chunk)
    edge = _edge_report(mixed)
    report = Report(command="validate")
    for start in range(0, len(edge.frame()), 5):   # several frames, packed or not (shared params kept)
        report.add(edge.frame().iloc[start:start + 5].drop(columns=["severity"]), pack=pack)
    kinds = set()
    for lang in ("zh", "en"):
        for suggestions in (True, False):
            pairs = list(zip(report.finding_codes(lang, suggestions=suggestions),
                             report.finding_columns(lang, suggestions=suggestions), strict=True))
            for coded, cols in pairs:
                kinds.add(type(coded).__name__)
                if isinstance(coded, report_module.FindingCodes):
                    for name, (codes, distinct) in coded.text.items():
                        assert all(v.__class__ is str for v in distinct) and len(set(distinct)) == len(distinct)
                        assert codes.min(initial=-1) >= -1 and len(codes) == len(cols.code)
                    coded = coded.columns()
                for name in ("code", "severity", "source", "sheet", "row", "field", "item", "value"):
                    got, want = getattr(coded, name), getattr(cols, name)
                    assert got == want and [type(v) for v in got] == [type(v) for v in want], name
                assert ([_tail_content(coded.tails[t]) for t in coded.tail_of.tolist()]
                        == [_tail_content(cols.tails[t]) for t in cols.tail_of.tolist()])
                assert len(coded.tails) <= len(cols.tails)
    assert ("FindingColumns" in kinds) == mixed and ("FindingCodes" in kinds) == (not mixed or chunk == 3)
    part = report.frame().iloc[::3]
    assert [c.columns().item if isinstance(c, report_module.FindingCodes) else c.item
            for c in report.finding_codes(frame=part, limit=4)] == [
        c.item for c in report.finding_columns(frame=part, limit=4)]


def test_finding_codes_share_a_tail_per_params_object():
    """As ``finding_columns``: equal rule, element and value share a tail when they share the
    params object (the tail is computed once), not when only the contents are equal."""
    shared = {"family": "许可"}
    frame = pd.DataFrame([("element-missing", "item_name", "无", shared, 2), ("element-missing", "item_name", "无", shared, 3),
                          ("element-missing", "item_name", "无", dict(shared), 4),
                          ("element-missing", "item_name", None, shared, 5)],
                         columns=["code", "field", "value", "params", "row"])
    report = Report(command="validate")
    report.add(frame)
    (coded,) = report.finding_codes()
    assert coded.tail_of.tolist() == [0, 0, 1, 2] and len(coded.tails) == 3
    assert coded.text["value"][0].tolist() == [0, 0, 0, -1] and coded.text["value"][1] == ["无"]


# ------------------------------------------------------------------ figures

def test_stats_and_summary_agree_with_drop_duplicates():
    report = _edge_report(True)
    df = report.frame()
    stats, summary = report.stats(), report.summary()
    for code, g in df.groupby("code", sort=True):
        rows = len(g[g["row"].notna()][["source", "sheet", "row"]].drop_duplicates())
        assert (stats["per_rule"][code]["findings"], stats["per_rule"][code]["rows"]) == (len(g), rows)
    assert list(stats["per_rule"]) == sorted(df["code"].unique())
    row_level = df[df["row"].notna()]
    relevant = row_level[row_level["severity"].isin(["error", "warning"]) & row_level["field"].notna()]
    failed = relevant[["field", "source", "sheet", "row"]].drop_duplicates().groupby("field").size().to_dict()
    for f, n in failed.items():
        assert stats["per_element"][f]["rows_failed"] == n
    errors = df[(df["severity"] == "error") & df["row"].notna()][["source", "sheet", "row"]].drop_duplicates()
    assert summary["rows_with_errors"] == len(errors) > 0
    report.keep(df["code"].ne("element-missing").to_numpy())   # a new frame: the locations follow it
    kept = report.frame()
    errors = kept[(kept["severity"] == "error") & kept["row"].notna()][["source", "sheet", "row"]].drop_duplicates()
    assert report.summary()["rows_with_errors"] == len(errors)


def test_stats_are_written_in_pieces_as_dumps_would():
    import io
    import json

    from validators.exporters.json_report import _write_indented

    stats = {"per_unit": {f"{i}县水利局\u3000": {"rows": i, "rows_with_errors": i // 3,
                                            "clean_rate": (i - i // 3) / i if i else None} for i in range(3000)},
             "per_rule": {"element-missing": {"count": 1.0, "nan": float("nan")}},
             "sources": [{"file": "a\"b\\c\n.csv", "sheet": None, "empty": {}, "list": []}]}
    buf = io.StringIO()
    _write_indented(stats, buf, batch=7)
    assert buf.getvalue() == json.dumps(stats, ensure_ascii=False, indent=1)


def test_first_member_of_each_group():
    assert report_module._firsts(np.array([0, 0, 1, 0, 2, 1, 3])).tolist() == [0, 2, 4, 6]
    assert report_module._firsts(np.array([], dtype=np.int64)).tolist() == []
    ids = report_module._combined_ids([np.array([1, 1, -1, 0, -1]), np.array([0, 0, 0, -1, 0])])
    assert ids.tolist() == [0, 0, 1, 2, 1]
