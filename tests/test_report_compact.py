"""The Report's compact catalog-wide state gives what the plain Python objects gave: findings
frames kept pickled + zstd (``_Packed``) and the per-unit tally (``UnitCounts``)."""
import math

import numpy as np
import pandas as pd
import pytest

import validators.report.report as report_module
from validators.core.rows import Rows
from validators.report.findings import findings_frame, record
from validators.report.report import Report, UnitCounts, _Packed

SHARED = {"family": "许可/给付", "rows": 3}


def _edge_frames():
    """Findings frames with the values a check can produce: Chinese, None, NaN, NA, full-width,
    placeholders, long text, numpy scalars, odd params (nested, tuples, -0.0, shared objects)."""
    located = pd.DataFrame({
        "code": pd.Series(["element-missing", "uscc-length", "element-missing", "uscc-length"], dtype="str"),
        "field": pd.Series(["acceptance_conditions", "implementing_body_code", None, "phone"], dtype="str"),
        "value": pd.Series(["无", None, "　全角　", "—" * 199 + "…"], dtype=object),
        "params": pd.Series([SHARED, None, SHARED, {"n": np.int64(7), "x": -0.0, "f": float("nan"),
                                                    "list": [1, "二", None], "t": ("a", 2)}], dtype=object),
        "source": "甲.csv", "sheet": None, "row": np.array([2, 3, 5, 8]),
        "item": pd.Series(["11450721MB155808114000104002000", "事项乙", None, ""], dtype="str"),
    })
    records = pd.DataFrame.from_records(
        [record("uscc-length", source="乙.xlsx", sheet="表一", row=None, field="phone", value=12.5,
                params={"rows": 4}),
         record("element-missing", source=None, row=7, field="item_name", value="  ", params={})],
        columns=[c for c in report_module.FINDING_COLUMNS if c != "severity"])
    blank = findings_frame("row-blank", source="甲.csv", sheet=None, row=np.array([9, 10]))
    mixed = pd.DataFrame({"code": ["uscc-length"] * 3, "field": ["phone"] * 3,
                          "value": pd.Series([1, True, pd.NA], dtype=object), "params": [None] * 3,
                          "source": "丙.json", "sheet": None, "row": pd.Series([1, None, 3], dtype=object),
                          "item": None})
    return [located, records, blank, mixed]


def test_a_packed_frame_unpacks_equal_with_its_types_and_shared_params():
    for frame in _edge_frames():
        back = _Packed.of(frame).unpack()
        pd.testing.assert_frame_equal(back, frame)
        for col in frame.columns:
            assert [type(v) for v in back[col].tolist()] == [type(v) for v in frame[col].tolist()]
    located = _Packed.of(_edge_frames()[0]).unpack()
    assert located["params"][0] is located["params"][2]           # one dict shared, as before
    assert math.copysign(1, located["params"][3]["x"]) == -1
    assert isinstance(located["params"][3]["n"], np.int64)


def test_a_frame_pickle_refuses_is_kept_as_it_is():
    frame = pd.DataFrame({"code": ["uscc-length"], "params": [{"fn": lambda: None}]})
    assert _Packed.of(frame) is frame


def _report(frames, pack: bool) -> Report:
    report = Report()
    for f in frames:
        report.add(f.copy(), pack=pack)
    return report


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_findings_summary_and_stats_are_those_of_the_unpacked_frames(lang):
    packed = _report(_edge_frames(), pack=True)
    assert all(isinstance(f, _Packed) for f in packed._frames)
    plain = _report(_edge_frames(), pack=False)
    assert not any(isinstance(f, _Packed) for f in plain._frames)
    pd.testing.assert_frame_equal(packed.frame(), plain.frame())
    assert list(packed.iter_findings(lang)) == list(plain.iter_findings(lang))
    assert packed.summary() == plain.summary()
    assert packed.stats(lang) == plain.stats(lang)


def test_the_frame_equals_plain_concat_with_equal_values_shared():
    """Equal paths, values and params of many findings are one object each in the frame, while
    every cell keeps the value and type ``pd.concat`` of the frames gives (NaN stays NaN, 1 and
    True stay apart, a dict with a list inside stays its own)."""
    def frames():
        many = pd.DataFrame({
            "code": pd.Series(["element-missing"] * 6, dtype="str"),
            "field": pd.Series(["phone"] * 6, dtype="str"),
            "value": pd.Series(["无", "无", 1, True, None, "无"], dtype=object),
            "params": pd.Series([{"limit": 2}, {"limit": 2}, {"limit": 3}, {"l": [1]}, {"l": [1]}, {}], dtype=object),
            "source": pd.Series(["甲.csv"] * 5 + [None], dtype="str"), "sheet": None,
            "row": np.arange(2, 8), "item": pd.Series(["事项甲"] * 6, dtype="str")})
        # a table-level finding (as expectations add): no file, so the column is object
        table = pd.DataFrame({"code": ["uniqueness-violated"], "field": ["task_code"], "value": [None],
                              "params": [{"observed": 0.5}], "source": [None], "sheet": [None],
                              "row": [None], "item": [None]}, dtype=object)
        return _edge_frames() + [many, table]

    expected = pd.concat(frames(), ignore_index=True)
    got = _report(frames(), pack=True).frame()
    back = got.sort_values("code", kind="stable")   # frame() sorts by location: compare as sets of rows
    for col in expected.columns:
        want = sorted(map(repr, zip(expected[col].tolist(), map(type, expected[col].tolist()), strict=True)))
        have = sorted(map(repr, zip(back[col].tolist(), map(type, back[col].tolist()), strict=True)))
        assert have == want, col
    rows = got[got["item"] == "事项甲"]
    assert got["source"].dtype == object and got["item"].dtype == object
    assert len({id(v) for v in rows["source"] if isinstance(v, str)}) == 1
    assert len({id(v) for v in rows["value"] if v == "无" and isinstance(v, str)}) == 1
    two = [p for p in rows["params"] if p == {"limit": 2}]
    assert len(two) == 2 and two[0] is two[1]
    lists = [p for p in rows["params"] if p == {"l": [1]}]
    assert len(lists) == 2 and lists[0] is not lists[1]


def test_unit_counts_behave_as_the_dict_of_lists_they_replace():
    rng = np.random.default_rng(11)
    names = ["甲局", "", " ", "Ａ局", "无", "乙局（本级）", "x" * 300, "（未填实施主体）"] + [f"单位{i}" for i in range(200)]
    units, expected = UnitCounts(), {}
    for _ in range(30):
        chunk = sorted(set(rng.choice(names, size=int(rng.integers(1, 60))).tolist()))
        sizes = rng.integers(1, 50, size=len(chunk))
        errors = rng.integers(0, 2, size=len(chunk)) * sizes
        units.add(chunk, sizes, errors)
        for name, n, b in zip(chunk, sizes.tolist(), errors.tolist(), strict=True):
            entry = expected.setdefault(name, [0, 0])
            entry[0] += n
            entry[1] += b
    assert list(units.items()) == list(expected.items())
    assert list(units) == list(expected) and len(units) == len(expected)
    assert units["甲局"] == expected["甲局"] and "甲局" in units and "丁局" not in units and 3 not in units
    with pytest.raises(KeyError):
        units["丁局"]
    entry = units.setdefault("丁局", [0, 0])   # as gate's merge adds a part's units
    entry[0] += 5
    entry[1] += 2
    units.setdefault("甲局", [0, 0])[0] += 1
    expected["丁局"] = [5, 2]
    expected["甲局"][0] += 1
    assert dict(units) == expected and list(units)[-1] == "丁局"


def test_unit_counts_past_the_memory_table_read_their_names_back_from_disk():
    # a national catalog's units outgrow the 65,536 names kept in memory: the rest spill with
    # their hashes, and lookups, counts and order stay those of a dict
    rng = np.random.default_rng(5)
    units, expected = UnitCounts(), {}
    for start in range(0, 90_000, 15_000):
        fresh = [f"单位{i:06d}" for i in range(start, start + 15_000)]
        again = [f"单位{i:06d}" for i in rng.integers(0, start + 1, size=500).tolist()] if start else []
        chunk = sorted(set(fresh + again))
        sizes = rng.integers(1, 9, size=len(chunk))
        units.add(chunk, sizes, sizes // 2)
        for name, n in zip(chunk, sizes.tolist(), strict=True):
            entry = expected.setdefault(name, [0, 0])
            entry[0] += n
            entry[1] += n // 2
    assert units._index._runs          # the names past the memory table are on disk
    assert list(units.items()) == list(expected.items())
    assert units["单位000007"] == expected["单位000007"] and "单位089999" in units and "单位090000" not in units


def test_count_units_gives_the_stats_a_plain_dict_gave():
    bodies = pd.Series(["乙局", None, "甲局", " ", "无", "甲局", "丙局 ", "Ａ局"] * 3, dtype="str")
    found = pd.DataFrame({"_pos": [0, 2, 2, 7, 9], "code": ["uscc-length", "uscc-length", "phone-format-invalid",
                                                          "uscc-length", "area-unmapped"]})
    compact, plain = Report(), Report(units={})
    for report in (compact, plain):
        for _ in range(2):
            rows = Rows(pd.DataFrame({"implementing_body": bodies, "_row": np.arange(len(bodies))}))
            report.count_units(rows, found)
    assert isinstance(compact.units, UnitCounts) and isinstance(plain.units, dict)
    assert list(compact.units.items()) == list(plain.units.items())
    assert compact.stats()["per_unit"] == plain.stats()["per_unit"]


def test_a_scan_keeps_its_findings_packed(tmp_path):
    from validators import validate

    src = tmp_path / "g.csv"
    src.write_text("事项名称,实施编码,实施主体\n甲事项,114507,甲局\n,,\n乙事项,114507,（乙局）\n", encoding="utf-8")
    report = validate(str(src))
    assert any(isinstance(f, _Packed) for f in report._frames)
    assert report.frame()["code"].tolist().count("task-code-duplicate") == 1
    assert [(unit, n) for unit, (n, _bad) in report.units.items()] == [("甲局", 1), ("（乙局）", 1)]
    assert report.rows_blank == 1


def test_a_scan_keeps_its_packed_findings_on_disk_not_in_memory(tmp_path):
    from validators import validate
    from validators.report.spill import Stored

    src = tmp_path / "g.csv"
    lines = ["事项名称,实施编码,实施主体,咨询电话"] + [f"事项{i},114507,甲局,12345" for i in range(3000)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(str(src))
    packed = [f for f in report._frames if isinstance(f, _Packed)]
    assert packed and all(isinstance(f.data, Stored) for f in packed)
    spill = report._spill
    assert spill._end == sum(f.data.length for f in packed) > 0
    assert report.frame()["code"].tolist().count("task-code-duplicate") == 2999
    assert report._spill is None and spill._file is None    # read back once, then let go


def test_packed_findings_stay_in_memory_when_the_disk_fails(monkeypatch):
    import tempfile

    plain = _report(_edge_frames(), pack=False).frame()
    # no temporary file at all: every frame keeps its bytes
    def refuse(*_a, **_k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    report = _report(_edge_frames(), pack=True)
    assert all(isinstance(f.data, bytes) for f in report._frames)
    pd.testing.assert_frame_equal(report.frame(), plain)
    monkeypatch.undo()

    # the disk fills during the second frame: the first is read back from it, the rest stay
    # in memory
    from validators.report import spill as spill_module

    real = spill_module.tempfile.TemporaryFile

    class Filling:
        def __init__(self, *a, **k):
            self.f, self.puts = real(*a, **k), 0

        def seek(self, at):
            self.puts += 1
            return self.f.seek(at)

        def write(self, data):
            if self.puts > 1:
                raise OSError(28, "No space left on device")
            return self.f.write(data[: max(1, len(data) // 3)])    # raw writes may be partial

        def __getattr__(self, name):
            return getattr(self.f, name)

    monkeypatch.setattr(spill_module.tempfile, "TemporaryFile", Filling)
    report = _report(_edge_frames(), pack=True)
    kinds = [type(f.data).__name__ for f in report._frames]
    assert kinds == ["Stored", "bytes", "bytes", "bytes"]
    pd.testing.assert_frame_equal(report.frame(), plain)


def _reference_frame(report: Report, frames) -> pd.DataFrame:
    """What frame() gave before it sorted frame by frame: one stable sort of everything."""
    df = pd.concat(report_module._objects_shared([f.copy() for f in frames]), ignore_index=True)
    df["severity"] = df["code"].map(lambda c: report.severity_of(c).value)
    df["_order"] = range(len(df))
    df["_r"] = pd.to_numeric(df["row"], errors="coerce").fillna(0)
    df = df.sort_values(["source", "sheet", "_r", "_order"], na_position="first", kind="stable")
    return df[report_module.FINDING_COLUMNS].reset_index(drop=True)


def _table_frames(rng, source, sheet, chunks: int, tie: bool):
    """One table's findings as a scan adds them: a frame a chunk, its rows in check order (not
    sorted), each chunk's rows after the chunk before's (sharing its last row with ``tie``)."""
    frames, start = [], 2
    for _ in range(chunks):
        n = int(rng.integers(1, 40))
        rows = rng.integers(start, start + 60, size=n)
        if tie:
            rows[0] = start      # the row the chunk before ended on: a tie across frames
        start = int(rows.max()) + (0 if tie else 1)
        codes = rng.choice(["element-missing", "uscc-length", "uscc-charset"], size=n)
        frames.append(pd.DataFrame({
            "code": pd.Series(codes, dtype="str"), "field": pd.Series(["phone"] * n, dtype="str"),
            "value": pd.Series([f"值{r}" for r in rows], dtype=object),
            "params": pd.Series([{"k": int(r) % 3} for r in rows], dtype=object),
            "source": pd.Series([source] * n, dtype=object), "sheet": pd.Series([sheet] * n, dtype=object),
            "row": rows, "item": pd.Series([f"事项{r}" for r in rows], dtype="str")}))
    return frames


def test_the_frame_is_put_in_order_frame_by_frame_as_the_whole_sort_would():
    """frame() sorts each chunk's findings and orders the frames (never one sort of every
    finding, which held a second copy of a national report); the result is the one stable sort
    by (file, sheet, row, order added) gave, ties and reading problems included; frames whose rows
    interleave are sorted together, and where a frame holds two files the whole sort still runs."""
    rng = np.random.default_rng(20261203)
    fast = together = 0
    for case in range(40):
        tables = [("乙.csv", None), ("甲.xlsx", "表一"), (None, None), ("甲.xlsx", "表二")][: 1 + case % 4]
        per_table = [_table_frames(rng, s, sh, int(rng.integers(1, 5)), tie=bool(case % 3 == 1)) for s, sh in tables]
        frames = []
        while any(per_table):      # tables' frames in an arbitrary add order, each table's in scan order
            t = int(rng.integers(len(per_table)))
            if per_table[t]:
                frames.append(per_table[t].pop(0))
        if case % 2:                # a table's reading problems, added after its scan: no row, or early rows
            s, sh = tables[0]
            frames.append(pd.DataFrame.from_records(
                [record("column-missing", source=s, sheet=sh, row=None, field="phone", value=None, params={}),
                 record("uscc-length", source=s, sheet=sh, row=2, field="phone", value="x", params={})],
                columns=[c for c in report_module.FINDING_COLUMNS if c != "severity"]))
        if case % 5 == 4:           # a frame whose rows fall inside another's (blank rows beside findings)
            frames.append(frames[0].assign(row=frames[0]["row"] + 1))
        if case % 7 == 6:           # a frame of two files: only the whole sort is right
            two = frames[0].copy()
            two.loc[two.index[::2], "source"] = "丙.csv"
            frames.append(two)
        report = _report(frames, pack=bool(case % 2))
        ordered = report_module._sorted_parts([f.copy() for f in frames])
        fast += ordered is not None
        together += ordered is not None and len(ordered) < len(frames)
        pd.testing.assert_frame_equal(report.frame(), _reference_frame(report, frames))
    assert 10 <= fast < 40     # both ways were taken
    assert together >= 3       # and interleaving frames were sorted as one group


def test_a_report_dropped_unread_closes_its_findings_file():
    import gc

    report = _report(_edge_frames(), pack=True)
    held = report._spill._file
    assert not held.closed
    del report
    gc.collect()
    assert held.closed
