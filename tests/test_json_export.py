"""The JSON report's findings written as joined UTF-8 bytes (Arrow) are the bytes of the
per-finding text path and of ``json.dumps`` of every finding, on values that need escaping."""
import io
import json

import numpy as np
import pandas as pd
import pytest

from validators.exporters import json_report
from validators.exporters.atomic import atomic_open
from validators.report import report as report_module
from validators.report.report import Report

TEXTS = [None, "", "   ", "\u3000", "无", "—", "/", "灵山县行政审批局", 'a "quoted" name', "back\\slash", "tab\there",
         "line\nbreak", "\r", "\x00\x1f\x7f", "\u2028\u2029", "😀", "é", "x" * 2000, "{\"k\": 1}", "null"]


def _report(odd: bool) -> Report:
    """Findings with the edge texts in every column; ``odd`` adds values the joined path leaves to
    the per-finding one (numbers, a lone surrogate)."""
    rows = []
    for i, v in enumerate(TEXTS * 3):
        rows.append(("element-missing", "item_name" if i % 2 else None, v, {"family": v or "许可"}, i + 2, v))
        rows.append(("uscc-lowercase", "implementing_body_code", v, None, None if i % 5 == 0 else i, "事项"))
        rows.append(("task-code-level-mismatch", None, TEXTS[(i * 7) % len(TEXTS)], float("nan"), i + 2, None))
    if odd:
        rows += [("element-too-long", "item_name", 1, {"max": 1}, 3, "事项"),
                 ("element-missing", "item_name", "half \ud800 surrogate", None, 4, "事项"),
                 ("element-missing", "item_name", "x", None, np.int64(5), "\udfff")]
    frame = pd.DataFrame(rows, columns=["code", "field", "value", "params", "row", "item"], dtype=object)
    report = Report(command="validate")
    report.add(frame.assign(source=["灵山县.xlsx", 'q"uote.csv'] * (len(frame) // 2) + ["a.csv"] * (len(frame) % 2),
                            sheet=["Sheet1", None, "表\\1"] * (len(frame) // 3) + [None] * (len(frame) % 3)))
    return report


@pytest.mark.parametrize("odd", [False, True])
@pytest.mark.parametrize("chunk,block", [(7, 3), (65_536, 5), (65_536, 32_768)])
def test_joined_bytes_are_the_per_finding_text(tmp_path, monkeypatch, odd, chunk, block):
    monkeypatch.setattr(report_module, "CHUNK", chunk)
    monkeypatch.setattr(json_report, "BLOCK", block)
    report = _report(odd)
    for lang in ("zh", "en"):
        text = io.StringIO()                       # no byte file: every line built as text
        json_report.write_json(report, text, lang=lang)
        path = tmp_path / f"r.{lang}.json"
        with atomic_open(str(path), "w") as fh:
            assert json_report._byte_writer(fh) is not None
            json_report.write_json(report, fh, lang=lang)
        assert path.read_bytes() == text.getvalue().encode("utf-8", "backslashreplace")
        array = text.getvalue().split(' "findings": [', 1)[1].split('\n ],\n "findings_truncated"', 1)[0]
        assert array == ",".join("\n  " + json.dumps(f, ensure_ascii=False) for f in report.iter_findings(lang))


def test_encoded_columns_and_what_arrow_cannot_hold():
    import pyarrow as pa

    strings, codes = json_report._encoded(np.array([0, -1, 1, 0]), ['x"y', "z"])
    assert strings.take(codes).to_pylist() == ['"x\\"y"', "null", '"z"', '"x\\"y"']
    strings, codes = json_report._encoded(np.array([-1, -1]), [])
    assert strings.take(codes).to_pylist() == ["null", "null"]
    with pytest.raises((pa.ArrowException, UnicodeError)):
        json_report._encoded(np.array([0]), ["\ud800"])


def test_bytes_only_into_utf8_files(tmp_path):
    assert json_report._byte_writer(io.StringIO()) is None
    with open(tmp_path / "g.json", "w", encoding="gbk") as fh:
        assert json_report._byte_writer(fh) is None
    with open(tmp_path / "u.json", "w", encoding="UTF8") as fh:
        assert json_report._byte_writer(fh) is not None


def test_a_failed_write_of_the_joined_bytes_is_raised():
    class Full(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            raise OSError(28, "No space left on device")

    fh = io.TextIOWrapper(io.BufferedWriter(Full(), buffer_size=16), encoding="utf-8")
    with pytest.raises(OSError, match="No space"):
        json_report.write_json(_report(False), fh)


def _tree(rnd, depth=0):
    r = rnd.random()
    if depth > 3 or r < 0.4:
        return rnd.choice([1, -2, 0.1, 1e-7, 1e300, -0.0, 2 ** 70, "a", "中\t\n\"", "%r%s", None, True, False,
                           float("nan"), float("inf"), "\x00\u2028", (1, "x")])
    if r < 0.7:
        return {rnd.choice(["a", "%r", "键", '"q']) + str(i): _tree(rnd, depth + 1) for i in range(rnd.randint(0, 4))}
    return [_tree(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]


def test_indented_stats_are_the_text_json_writes():
    """The stats block (a national export's per-unit table runs to hundreds of thousands of
    records) is json.dumps(indent=1) byte for byte: tables of flat numeric records, whatever
    their keys (a "%" in a name), and every tree that is not one (NaN, a bool, a nested value,
    records with other keys, non-str keys, tuples) falling back to json."""
    import random

    rnd = random.Random(4)
    cases = [{}, [], 1, "x", None, {"a": []}, {"a": {}}, {1: "a"}, {"a": {"b": {"c": {"d": 1}}}},
             {"u": {"a": {"x": 1}, "b": {"x": float("nan")}}}, {"u": {"a": {"x": 1}, "b": {"y": 1}}},
             {"u": {"a": {"x": 1}, "b": {"x": 1, "y": 2}}}, {"u": {"a": {"x": True}}}, {"u": {"a": {}}},
             {"u": {1: {"x": 1}}}, {"u": {"a": {1: 1}}}, {"u": {"a": {"x": 1}, "b": [1]}},
             {"u": {"%s%r%%": {"a%r%%b": 1, "%": 2.5}, "b": {"a%r%%b": 3, "%": 4}}}]
    cases += [_tree(rnd) for _ in range(2000)]
    for _ in range(500):
        keys = [rnd.choice(["rows", "%r", "a%", "键", "%%s"]) + str(i) for i in range(rnd.randint(1, 3))]
        cases.append({"per_rule": {"x": {"n": 1}}, "per_unit": {
            rnd.choice(["单位", "%s", 'x"y']) + str(i): {k: rnd.choice([0, 5, 0.25, 1.0, 2 ** 65, -3]) for k in keys}
            for i in range(rnd.randint(1, 7))}, "engine": "native"})
    for value in cases:
        for batch in (1, 3, 8192):
            buf = io.StringIO()
            json_report._write_indented(value, buf, batch=batch)
            assert buf.getvalue() == json.dumps(value, ensure_ascii=False, indent=1), value

