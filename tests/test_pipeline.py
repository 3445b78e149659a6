"""Property tests: whatever the bytes, validate returns a report or raises InputError, and every
record of a well-formed CSV is accounted for under its own row number."""
import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validators import validate
from validators.read import InputError

HEADER = ["事项名称", "实施编码", "事项类型", "办理时间", "法定办结时限"]
cell = st.one_of(st.just(""), st.just("无"), st.sampled_from(["01", "20", "行政许可", "15", "二十", "20",
                                                               "工作日9:00-17:00", "11450721MB155808114000104002000"]),
                 st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
settings.register_profile("sx", deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("sx")


@given(rows=st.lists(st.lists(cell, min_size=5, max_size=5), max_size=25))
def test_every_csv_record_is_accounted_for(tmp_path_factory, rows):
    buf = io.StringIO()
    w = csv.writer(buf)  # \r\n line ends: fields holding \r or \n get quoted
    w.writerow(HEADER)
    w.writerows(rows)
    path = tmp_path_factory.mktemp("p") / "x.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    report = validate(str(path))
    assert report.rows_read == len(rows)
    seen_rows = {f.row for f in report.findings() if f.row is not None}
    assert seen_rows <= set(range(2, len(rows) + 2))
    empty = sum(1 for r in rows if all(c == "" for c in r))
    blank_or_spaces = sum(1 for r in rows if all(c.strip() == "" for c in r))
    assert empty <= report.rows_blank <= blank_or_spaces
    assert report.rows_checked == len(rows) - report.rows_blank


@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(tmp_path_factory, data):
    for name in ("x.csv", "x.json", "x.jsonl", "x.xlsx"):
        path = tmp_path_factory.mktemp("b") / name
        path.write_bytes("事项名称,实施编码\n".encode() + data if name == "x.csv" else data)
        try:
            validate(str(path))
        except InputError as exc:
            for lang in ("zh", "en"):  # one line naming the file
                msg = exc.render(lang)
                assert name in msg and "\n" not in msg and "Traceback" not in msg


def test_a_materials_sheet_is_not_checked_as_guides(tmp_path):
    """A workbook with a guide sheet and a GB/T 39046 表4 materials sheet (实施编码 + 材料名称)."""
    import openpyxl

    from conftest import GUANGXI
    from validators.core.schema import elements

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "办事指南"
    cols = list(GUANGXI["A"])
    ws.append([elements()[c].title for c in cols])
    ws.append([GUANGXI["A"][c] for c in cols])
    mats = wb.create_sheet("申请材料")
    mats.append(["实施编码", "材料名称", "材料形式", "份数"])
    for name in ("申请书", "节能报告", "营业执照复印件"):
        mats.append([GUANGXI["A"]["task_code"], name, "纸质", "1"])
    p = tmp_path / "guides.xlsx"
    wb.save(p)
    report = validate(str(p))
    codes = [(f.code, f.sheet) for f in report.findings()]
    assert ("materials-table", "申请材料") in codes
    assert not [c for c in codes if c[1] == "申请材料" and c[0] != "materials-table"]
    assert [s.sheet for s in report.sources] == ["办事指南"]
