"""The fast path agrees with the normative paths: jsonschema for elements, GX for expectations."""
import pytest

from conftest import CATALOGS
from validators import validate
from validators.read import open_tables
from validators.checks.jsonschema_path import record_findings, validator

ELEMENT_CODES = {"element-missing", "element-wrong-type", "element-not-in-codelist", "item-type-unknown",
                 "element-too-long"}
SAMPLES = [CATALOGS / "sample_guides.xlsx", CATALOGS / "sample_guides_gbk.csv", CATALOGS / "clean_guides.csv"]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_fast_path_equals_jsonschema_iter_errors(path):
    report = validate(str(path))
    fast = {(f.row, f.code, f.field) for f in report.findings() if f.code in ELEMENT_CODES}
    v = validator()
    normative = set()
    for table in open_tables(str(path)):
        for chunk in table.chunks():
            for rec in chunk.to_dict("records"):
                row = rec.pop("_row")
                rec = {k: val for k, val in rec.items() if isinstance(val, str)}
                normative |= {(row, code, field) for code, field in record_findings(rec, v)}
    assert fast == normative
    if "clean" not in path.name:
        assert {c for _r, c, _f in fast} == ELEMENT_CODES  # the sample exercises every element rule


@pytest.mark.parametrize("path", SAMPLES[::2], ids=lambda p: p.name)
def test_native_and_gx_engines_agree(path):
    native = validate(str(path))
    gx = validate(str(path), engine="gx")
    keys = ("expectation", "column", "success", "element_count", "unexpected_count", "nonnull_count")
    assert [{k: e[k] for k in keys} for e in native.expectations] == \
        [{k: e[k] for k in keys} for e in gx.expectations]
    assert {(f.code, f.field) for f in native.findings() if f.row is None} == \
        {(f.code, f.field) for f in gx.findings() if f.row is None}
    if "sample" in path.name:
        assert not all(e["success"] for e in native.expectations)  # both see the planted failures


def test_gx_data_docs_are_built(tmp_path):
    validate(str(CATALOGS / "clean_guides.csv"), engine="gx", gx_docs_dir=str(tmp_path))
    assert list(tmp_path.rglob("data_docs/local_site/index.html"))
