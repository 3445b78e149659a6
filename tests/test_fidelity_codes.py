"""Issue 8 (part B): no false alarms on values written the way provinces write them.

Labelled corpus (tests/corpus: phones, yes/no flags, regions, codes and Excel damage) scored per
rule; province coding schemes; merged cells; the messages of the new rules; and a clean export in
several provinces' styles that must stay (almost) silent.
"""
from __future__ import annotations

import csv

import pytest
from conftest import CATALOGS, GUANGXI, write_csv
from corpus_eval import evaluate, table

from validators import validate

CORPORA = ("phones.csv", "flags.csv", "regions.csv", "codes.csv")


@pytest.mark.parametrize("name", CORPORA)
def test_corpus_precision_and_recall(name, tmp_path):
    stats = evaluate(name, tmp_path)
    print(f"\n{name}\n{table(stats)}")
    for rule, s in stats.items():
        assert s["ok"] + s["defect"] >= 5, rule
        assert s["precision"] >= 0.98, (rule, s["false_alarms"])
        assert s["recall"] >= 0.95, (rule, s["misses"])


def test_corpus_size_and_variety():
    from corpus_eval import load

    rows = [r for n in CORPORA for r in load(n)]
    assert len(rows) >= 300
    assert len({r["form"] for r in rows}) >= 100     # many ways of writing, not one template
    assert {r["label"] for r in rows} == {"ok", "defect"}


def _findings(path, lang="zh", **kw):
    return list(validate(str(path), **kw).iter_findings(lang))


def _one(findings, code):
    hit = [f for f in findings if f["code"] == code]
    assert len(hit) == 1, (code, [(f["code"], f["row"]) for f in findings])
    return hit[0]


# ----------------------------------------------------------------- messages of the new rules

def test_messages_phone_excel_zeros_region(tmp_path):
    rec = dict(GUANGXI["A"], consultation_channel="020--38819922", implementing_body_code="9.1440E+17",
               item_type="1", area_code="火星市")
    path = write_csv(tmp_path / "a.csv", [rec])
    zh, en = _findings(path, "zh"), _findings(path, "en")
    assert _one(zh, "phone-number-invalid")["message"] == \
        "“咨询方式”中的“020--38819922”不是有效的电话号码（区号不存在、位数不符或混入字母、重复连字符）"
    assert _one(en, "phone-number-invalid")["message"] == \
        '"020--38819922" in "consultation_channel" is not a valid phone number (unknown area code, ' \
        'wrong length, letters or a doubled dash)'
    f = _one(zh, "uscc-excel-number")
    assert f["message"] == "实施主体编码“9.1440E+17”是 Excel 把代码当作数字保存后的结果（科学计数法或末尾被置 0），原代码已无法从中恢复"
    assert "expected" not in f["params"]      # no check digit is ever proposed for Excel damage
    assert not [x for x in zh if x["code"] == "uscc-check-digit"]
    assert _one(en, "uscc-excel-number")["message"].startswith('Implementing-body code "9.1440E+17" is what Excel left')
    assert _one(zh, "code-leading-zeros")["message"] == "“事项类型”为“1”，应为两位代码“01”：Excel 把代码存成了数字"
    assert _one(en, "code-leading-zeros")["message"] == \
        '"item_type" is "1"; the two-digit code is "01" (Excel stored the code as a number)'
    assert _one(zh, "area-unmapped")["message"] == "行政区划“火星市”不是 GB/T 2260 中的区划代码或名称，未与基本编码比较"
    assert _one(en, "area-unmapped")["message"] == \
        "Division \"火星市\" is no GB/T 2260 code or name; the base code's region segment was not compared"
    assert _one(zh, "area-unmapped")["severity"] == "info"


def test_excel_zeroed_uscc_gets_no_check_digit(tmp_path):
    # 114507210081153718 saved by Excel keeps 15 significant digits: 114507210081154000
    path = write_csv(tmp_path / "z.csv", [dict(GUANGXI["B"], implementing_body_code="114507210081154000")])
    codes = {f["code"] for f in _findings(path)}
    assert "uscc-excel-number" in codes and "uscc-check-digit" not in codes


def test_message_embedded_uscc_without_body_column(tmp_path):
    rec = {k: v for k, v in GUANGXI["A"].items() if k != "implementing_body_code"}
    rec["task_code"] = "11450721MB155808124000104002000"
    path = write_csv(tmp_path / "b.csv", [rec])
    assert _one(_findings(path, "zh"), "task-code-uscc-invalid")["message"] == \
        "实施编码前 18 位“11450721MB15580812”不是有效的统一社会信用代码：第 18 位应为“1”，实为“2”"
    assert _one(_findings(path, "en"), "task-code-uscc-invalid")["message"] == \
        'The first 18 characters of the implementation code, "11450721MB15580812", are no valid USCC: ' \
        'character 18 should be "1", not "2"'


def test_message_local_code_body_and_sichuan_scheme(tmp_path):
    rec = dict(GUANGXI["A"], local_task_code="511A0138000000-511602000000-000-13511602291807321G-1-00")
    path = write_csv(tmp_path / "c.csv", [rec])
    zh, en = _findings(path, "zh"), _findings(path, "en")
    assert _one(zh, "local-code-body-mismatch")["message"] == \
        "“地方实施编码”中嵌入的统一社会信用代码“13511602291807321G”与实施主体编码“11450721MB15580811”不一致"
    assert _one(en, "local-code-body-mismatch")["message"] == \
        'The USCC "13511602291807321G" inside "local_task_code" differs from the implementing-body code ' \
        '"11450721MB15580811"'
    assert _one(zh, "coding-scheme-detected")["message"].startswith("按“四川省一体化政务服务平台编码")
    assert _one(en, "coding-scheme-detected")["message"].startswith(
        'Item types and codes of this table are read under "Sichuan platform coding')
    # the same body in the local code: silent
    ok = write_csv(tmp_path / "c2.csv", [dict(rec, local_task_code=rec["local_task_code"].replace(
        "13511602291807321G", "11450721MB15580811"))])
    assert not [f for f in _findings(ok) if f["code"] == "local-code-body-mismatch"]


# ----------------------------------------------------------------- province schemes (profiles)

def _guangdong_rows():
    base = GUANGXI["A"]
    body = "11450721MB15580811"
    rows = []
    for i, (cat, typ) in enumerate((("442101001000", "21"), ("442001002000", "20"), ("442101003000", "21"),
                                    ("000104002000", "01"), ("002031004000", "21"))):
        rows.append(dict(base, item_name=f"广东事项{i}", catalog_code=cat, item_type=typ,
                         area_code="广东省中山市", task_code=body + "4" + cat))
    return rows


def test_guangdong_scheme_detected_no_row_errors(tmp_path):
    path = write_csv(tmp_path / "gd.csv", _guangdong_rows())
    found = _findings(path)
    scheme = _one(found, "coding-scheme-detected")
    assert scheme["row"] is None and "广东" in scheme["message"]
    per_row = [(f["code"], f["row"]) for f in found if f["row"] is not None and f["severity"] != "info"
               and f["field"] in ("item_type", "catalog_code", "task_code")]
    assert per_row == []


def test_guangdong_scheme_interprets_item_type(tmp_path):
    # 4420… is 其他行政权力 (10) in this scheme: 事项类型 20 agrees with it; 21 would not
    rows = _guangdong_rows()
    rows[1]["item_type"] = "21"
    path = write_csv(tmp_path / "gd.csv", rows)
    bad = [f for f in _findings(path) if f["code"] == "catalog-code-type-mismatch"]
    assert [f["row"] for f in bad] == [3]


def test_profile_forced_and_unresolved_code_names_the_scheme(tmp_path):
    rows = _guangdong_rows() + [dict(_guangdong_rows()[0], item_name="未知类型事项", item_type="23")]
    path = write_csv(tmp_path / "gd.csv", rows)
    unknown = _one(_findings(path, "zh"), "item-type-unknown")
    assert unknown["message"] == "事项类型“23”按编码方案“guangdong”不是有效代码，无法确定必填要素"
    assert _one(_findings(path, "en"), "item-type-unknown")["message"] == \
        'Item type "23" is not a valid code under coding scheme "guangdong"; required elements cannot be determined'
    national = _findings(path, profile="national")
    assert not [f for f in national if f["code"] == "coding-scheme-detected"]
    assert len([f for f in national if f["code"] == "item-type-unknown"]) == 4   # 21 ×3 and 23


def test_handle_item_codes_in_task_column_are_a_scheme(tmp_path):
    rows = [dict(r, task_code=r["task_code"] + "01") for r in (GUANGXI["A"], GUANGXI["C"])]
    rows.append(dict(GUANGXI["D"], task_code="11450721348531435D4000141005000" + "02"))  # wrong body
    path = write_csv(tmp_path / "h.csv", rows)
    found = _findings(path)
    assert _one(found, "coding-scheme-detected")["field"] == "task_code"
    assert not [f for f in found if f["code"] == "task-code-length"]
    assert [f["row"] for f in found if f["code"] == "task-code-body-mismatch"] == [4]


def test_cli_profile_option(tmp_path):
    from click.testing import CliRunner

    import cli

    path = write_csv(tmp_path / "gd.csv", _guangdong_rows())
    out = CliRunner().invoke(cli.main, ["validate", str(path), "--profile", "guangdong", "--format", "json",
                                        "--quiet"])
    assert "coding-scheme-detected" in out.output and "--profile" in out.output
    bad = CliRunner().invoke(cli.main, ["validate", str(path), "--profile", "atlantis"])
    assert bad.exit_code == 2 and "atlantis" in bad.output


# ----------------------------------------------------------------- merged cells

def _merged_workbook(path):
    import openpyxl

    from validators.core.schema import elements

    cols = ["item_name", "catalog_code", "task_code", "item_type", "implementing_body", "implementing_body_code",
            "consultation_channel", "complaint_channel"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "实施清单"
    ws.append(["灵山县政务服务事项实施清单（2024 年版）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    ws.append([elements()[c].title for c in cols])
    recs = [GUANGXI[k] for k in "ABCD"] + [GUANGXI["A"]]
    body = "灵山县行政审批局"
    for i, r in enumerate(recs):
        task = "11450721MB15580811" + "4" + r["catalog_code"] if i != 4 else "11450721MB155808114000104003000"
        cat = task[19:]
        ws.append([r["item_name"] + ("（二）" if i == 4 else ""), cat, task, "01" if i != 1 else "20",
                   body if i == 0 else None, "11450721MB15580811" if i == 0 else None,
                   r["consultation_channel"], r["complaint_channel"]])
    ws.merge_cells("E3:E7")      # 实施主体 merged over the five rows
    ws.merge_cells("F3:F7")      # and its code
    wb.save(path)
    return path


def test_merged_cells_read_as_value_on_every_row(tmp_path):
    path = _merged_workbook(tmp_path / "merged.xlsx")
    zh = _findings(path, "zh")
    assert not [f for f in zh if f["code"] == "element-missing" and
                f["field"] in ("implementing_body", "implementing_body_code")]
    merged = [f for f in zh if f["code"] == "merged-cells-filled"]
    assert sorted((f["field"], f["params"]["range"], f["params"]["rows"]) for f in merged) == \
        [("implementing_body", "E3:E7", 5), ("implementing_body_code", "F3:F7", 5)]
    assert merged[0]["severity"] == "info"
    first = next(f for f in merged if f["field"] == "implementing_body")
    assert first["message"] == "“实施主体”在 E3:E7 为合并单元格（5 行），各行均按“灵山县行政审批局”读取"
    en = next(f for f in _findings(path, "en") if f["code"] == "merged-cells-filled" and
              f["field"] == "implementing_body")
    assert en["message"] == '"implementing_body" is merged over E3:E7 (5 rows); every row reads "灵山县行政审批局"'


def test_merged_ranges_come_from_calamine(tmp_path):
    from python_calamine import CalamineWorkbook

    from validators.read.excel import merged_ranges

    path = _merged_workbook(tmp_path / "merged.xlsx")
    ws = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("实施清单")
    assert sorted(merged_ranges(ws)) == [(0, 0, 0, 7), (2, 4, 6, 4), (2, 5, 6, 5)]


# ----------------------------------------------------------------- region names

@pytest.mark.parametrize("value,code", [
    ("440000", "440000"), ("4406", "440600"), ("442000000000", "442000"), ("广东省", "440000"),
    ("广东省中山市", "442000"), ("中山市", "442000"), ("中山", "442000"), ("钦州市灵山县", "450721"),
    ("北京市朝阳区", "110105"), ("恩施州", "422800"), ("温州市本级", "330300"), ("中山省", None),
    ("各区县", None), ("990000", None),
])
def test_region_names_map_to_gbt2260(value, code):
    from validators.core.regions import region_code

    assert region_code(value) == code


def test_region_table_has_every_province_and_prefecture():
    from validators.core.regions import divisions

    levels = [d.level for d in divisions().values()]
    assert levels.count("province") == 34 and levels.count("prefecture") == 333


# ----------------------------------------------------------------- clean exports stay silent

def _restyle(rows: list[dict]) -> list[dict]:
    """The clean sample rewritten in the ways five provinces' platforms export the same values."""
    out = []
    for i, r in enumerate(rows):
        r = dict(r)
        style = i % 5
        consult, complaint = r["咨询方式"], r["监督投诉方式"]
        if style == 0:      # 广东: names for 区划, bracketed area codes, 是/否
            r["行政区划代码"] = "广西壮族自治区钦州市灵山县"
            r["咨询方式"] = "咨询电话：（0777）" + consult.split("-")[-1].split("—")[-1]
            for k in ("是否收费", "是否网办", "是否支持物流快递"):
                r[k] = {"0": "否", "1": "是"}.get(r[k], r[k])
        elif style == 1:    # 浙江: +86 numbers, Y/N, 12-digit area code
            r["行政区划代码"] = "450721000000"
            r["咨询方式"] = "+86 777 " + consult.split("-")[-1].split("—")[-1]
            for k in ("是否收费", "是否网办", "是否支持物流快递"):
                r[k] = {"0": "N", "1": "Y"}.get(r[k], r[k])
        elif style == 2:    # 四川: 支持/不支持, 有/无, extensions
            r["行政区划代码"] = "灵山县"
            r["咨询方式"] = consult + "转1"
            r["监督投诉方式"] = complaint + "转2"
            r["是否支持物流快递"] = {"0": "不支持", "1": "支持"}.get(r["是否支持物流快递"], r["是否支持物流快递"])
            r["是否收费"] = {"0": "无", "1": "有"}.get(r["是否收费"], r["是否收费"])
        elif style == 3:    # a portal with URL and account in the consultation text, TRUE/FALSE
            r["咨询方式"] = f"{consult}；网上咨询：https://zwfw.gxzf.gov.cn/column/4294436；公众号 gh_a1e9527141a4"
            for k in ("是否收费", "是否网办"):
                r[k] = {"0": "FALSE", "1": "TRUE"}.get(r[k], r[k])
        else:               # hotline for complaints, 省本级-style name
            r["监督投诉方式"] = "12345政务服务便民热线"
            r["行政区划代码"] = "钦州市灵山县（本级）"
        out.append(r)
    return out


def test_clean_export_in_provincial_styles_is_quiet(tmp_path):
    with open(CATALOGS / "clean_guides.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    styled = _restyle(rows)
    path = tmp_path / "styled.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(styled[0]))
        w.writeheader()
        w.writerows(styled)
    found = _findings(path)
    noisy = {f["row"] for f in found if f["row"] is not None and f["severity"] in ("error", "warning")}
    rate = len(noisy) / len(styled)
    print(f"\nclean export, 5 provincial styles: {len(styled)} rows, {len(noisy)} with an error or warning "
          f"({rate:.1%})")
    assert rate <= 0.01, sorted((f["row"], f["code"], f["value"]) for f in found if f["row"] in noisy)


# ----------------------------------------------------------------- conformity precision

@pytest.mark.parametrize("local,base", [
    ("道路旅客运输站经营许可", "道路旅客运输经营许可"), ("燃气具经营许可证核发", "燃气经营许可证核发"),
    ("排污权许可证核发", "排污许可证核发"),
])
def test_one_inserted_content_character_is_never_auto_matched(local, base):
    from validators.conformity.basecat import load_base
    from validators.conformity.matcher import NameMatcher, Thresholds
    from validators.core.names import match_guards

    assert any(g.startswith("unexplained:") for g in match_guards(local, base))
    res = NameMatcher(load_base(str(CATALOGS / "national_base_sample.csv")), Thresholds()).resolve(
        [local, base], ["01", "01"])
    assert res[0].band == "review" and res[0].score >= 93
    assert res[1].band == "matched"


@pytest.mark.parametrize("a,b", [("食品经营许可证核发", "食品经营许可证"), ("公共场所卫生许可证", "公共场所卫生许可"),
                                 ("城市道路占用、挖掘审批", "城市道路占用挖掘审批")])
def test_explained_differences_raise_no_unexplained_guard(a, b):
    from validators.core.names import unexplained

    assert unexplained(a, b) is None


def test_sichuan_scheme_documents_unpadded_item_types(tmp_path):
    rows = [dict(GUANGXI["A"], item_type="1",
                 local_task_code="511A0138000000-511602000000-000-11450721MB15580811-1-00"),
            dict(GUANGXI["B"], item_type="20",
                 local_task_code="5120B012000000-511602000000-000-114507210081153718-1-00")]
    found = _findings(write_csv(tmp_path / "sc.csv", rows))
    assert _one(found, "coding-scheme-detected")["value"] == "sichuan"
    assert not [f for f in found if f["code"] in ("code-leading-zeros", "task-code-local",
                                                   "local-code-body-mismatch")]
    national = _findings(write_csv(tmp_path / "sc.csv", rows), profile="national")
    assert [f["row"] for f in national if f["code"] == "code-leading-zeros"] == [2]


def test_uscc_stored_as_number_in_xlsx_is_named_excel_damage(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["事项名称", "实施主体编码", "事项类型"])
    ws.append(["公共场所卫生许可", 914403001922038123, "01"])   # a numeric cell: a double in the file
    wb.save(tmp_path / "n.xlsx")
    found = _findings(tmp_path / "n.xlsx")
    f = _one(found, "uscc-excel-number")
    assert f["value"] == "914403001922038000"          # what Excel shows, not the float's tail
    assert not [x for x in found if x["code"] == "uscc-check-digit"]


def test_leading_zero_suggestion_is_safe_and_excel_uscc_gets_none():
    from validators.fixes.suggest import suggest

    s = suggest("code-leading-zeros", "1", {"suggest": "01"})
    assert (s.value, s.confidence) == ("01", "safe")
    assert suggest("uscc-excel-number", "9.1440E+17", {}) is None
