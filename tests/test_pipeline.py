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
