"""Cancelled certification materials (sxcheck certificates): registry, materials, detection, CLI."""
from __future__ import annotations

import csv
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import CATALOGS, ROOT, run
from validators.certification import check_certificates
from validators.certification.materials import certificate_like, material_key, split_materials
from validators.certification.registry import DEFAULT_DIR, SCHEMA_PATH, load_file, load_registry
from validators.read import InputError

SAMPLES = CATALOGS / "certificate_samples"
GUIDES = [SAMPLES / "region_a_guides.xlsx", SAMPLES / "region_b_guides_gbk.csv", SAMPLES / "region_c_channel.json"]
KEPT = SAMPLES / "kept_list_chengdu.csv"


def _truth(with_kept: bool) -> Counter:
    with open(SAMPLES / "truth.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return Counter((r["file"], r["sheet"] or None, int(r["row"]), r["code"], r["material"])
                   for r in rows if with_kept or r["kept_list_only"] == "0")


def _found(report) -> Counter:
    return Counter((Path(f.source).name, f.sheet, f.row, f.code, f.value) for f in report.findings())


# ------------------------------------------------------------------ samples, detected exactly
def test_samples_detected_exactly():
    report = check_certificates([str(p) for p in GUIDES])
    assert _found(report) == _truth(with_kept=False)
    certs = report.extra["certificates"]
    assert (certs["cancelled_still_required"], certs["cancelled_review"]) == (8, 1)
    assert certs["material_table_rows"] == 3 and certs["orphan_materials"] == 0


def test_samples_with_kept_list():
    report = check_certificates([str(p) for p in GUIDES], kept_list=str(KEPT))
    assert _found(report) == _truth(with_kept=True)
    # 收入证明 is on 成都's kept list: not reported; 无婚姻登记记录证明 is cancelled, so an error only
    values = {f.value for f in report.findings() if f.code == "certificate-not-in-kept-list"}
    assert "收入证明" not in values and "无婚姻登记记录证明原件" not in values


def test_legitimate_demands_are_not_flagged():
    """The same documents asked for by other items: 初次鉴定 (办法第八条) and 涉台公证 (民函〔2015〕266号)."""
    report = check_certificates([str(p) for p in GUIDES])
    items = {f.item for f in report.findings()}
    assert not items & {"工伤职工劳动能力初次鉴定", "工伤职工劳动能力鉴定", "涉台婚姻状况公证", "工伤认定"}


def test_generator_reproduces_the_shipped_samples(tmp_path):
    sys.path.insert(0, str(CATALOGS))
    try:
        import make_certificate_samples as gen
    finally:
        sys.path.remove(str(CATALOGS))
    gen.write(tmp_path)
    for name in ("region_b_guides_gbk.csv", "region_c_channel.json", "kept_list_chengdu.csv", "truth.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name
    from openpyxl import load_workbook

    def cells(path):
        wb = load_workbook(path)
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}

    assert cells(tmp_path / "region_a_guides.xlsx") == cells(SAMPLES / "region_a_guides.xlsx")


# ------------------------------------------------------------------ registry
def test_every_shipped_registry_file_validates():
    import tomllib

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    files = sorted(DEFAULT_DIR.glob("*.toml"))
    assert len(files) >= 4
    for f in files:
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        assert list(Draft202012Validator(schema).iter_errors(data)) == [], f.name
        dec, entries = load_file(f)
        assert entries and all(e.source and e.provenance for e in entries)
        if dec.complete and dec.annex_size is not None:
            assert dec.annex_size == len(entries)
    reg = load_registry()
    materials = {material_key(e.material) for e in reg.entries}
    # the three cases of the 2019 assessment are in the registry
    assert {"工伤认定决定书", "停工留薪期确认通知", "业余无线电台操作证书"} <= materials
    # decision-level keys are those of the revocation registry, nothing else
    allowed = {"decision_no", "title", "date", "issuer", "complete", "annex_size", "source", "entries"}
    assert set(schema["properties"]) == allowed


GOOD_HEAD = 'title = "某部门关于取消一批证明材料的决定"\ndate = "2019-05-01"\nissuer = "某部门"\ncomplete = false\nsource = "https://example.gov.cn/a.html"\n'
GOOD_ENTRY = '\n[[entries]]\nmaterial = "某证明"\nitems = ["某事项审批"]\nprovenance = "decision-text"\nsource = "https://example.gov.cn/a.html"\n'


@pytest.mark.parametrize("text, expect", [
    (GOOD_HEAD + GOOD_ENTRY + GOOD_ENTRY.replace('provenance = "decision-text"\n', ""),
     ["bad.toml", "第 2 条", "第 13 行", "provenance"]),
    (GOOD_HEAD.replace("2019-05-01", "2019-5-1") + GOOD_ENTRY, ["bad.toml", "date", "YYYY-MM-DD"]),
    (GOOD_HEAD.replace("2019-05-01", "2019-02-30") + GOOD_ENTRY, ["bad.toml", "date", "2019-02-30"]),
    (GOOD_HEAD + GOOD_ENTRY.replace('items = ["某事项审批"]', 'items = ["某事项审批"]\nall_items = true'),
     ["bad.toml", "第 1 条", "items/all_items"]),
    (GOOD_HEAD + GOOD_ENTRY.replace('items = ["某事项审批"]', 'items = "某事项审批"'),
     ["bad.toml", "第 1 条", "items", "字符串数组"]),
    (GOOD_HEAD + "region = \"广西\"\n" + GOOD_ENTRY, ["bad.toml", "region", "decision_no"]),
    (GOOD_HEAD.replace("complete = false", "complete = \"yes\"") + GOOD_ENTRY, ["bad.toml", "complete"]),
    (GOOD_HEAD + GOOD_ENTRY + "[[entries]\n", ["bad.toml", "TOML"]),
])
def test_malformed_registry_exits_3_naming_file_entry_field(tmp_path, text, expect):
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    guide = SAMPLES / "region_b_guides_gbk.csv"
    r = run("certificates", guide, "--registry", bad)
    assert r.exit_code == 3, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1
    for word in expect:
        assert word in r.output, (word, r.output)
    r = run("certificates", "--check-registry", tmp_path)
    assert r.exit_code == 3 and "bad.toml" in r.output
    with pytest.raises(InputError):
        load_file(bad)


def test_registry_locations_and_check_registry(tmp_path):
    assert run("certificates", "--check-registry", DEFAULT_DIR).exit_code == 0
    r = run("certificates", "--check-registry", tmp_path)
    assert r.exit_code == 3 and "没有 .toml" in r.output
    r = run("certificates", SAMPLES / "region_b_guides_gbk.csv", "--registry", tmp_path / "nope")
    assert r.exit_code == 3
    # a user's registry replaces the default one; several may be given
    one = tmp_path / "one.toml"
    shutil.copy(DEFAULT_DIR / "mca_2015_266_marriage_record.toml", one)
    report = check_certificates([str(SAMPLES / "region_b_guides_gbk.csv")], registry=[str(one)])
    assert [f.value for f in report.findings()] == ["无婚姻登记记录证明原件"]
    report = check_certificates([str(SAMPLES / "region_b_guides_gbk.csv")], registry=[str(one), str(DEFAULT_DIR)])
    assert len(report.findings()) == 2


# ------------------------------------------------------------------ material names
def test_material_corpus_precision_and_recall():
    """Labelled 申请材料 cells in several provinces' writing; keys compared as multisets."""
    cases = json.loads((ROOT / "tests" / "data" / "material_corpus.json").read_text(encoding="utf-8"))
    assert len(cases) >= 35
    tp = fp = fn = 0
    for c in cases:
        got = Counter(k for k in (material_key(x) for x in split_materials(c["text"])) if k)
        exp = Counter(c["keys"])
        hit = sum((got & exp).values())
        tp, fp, fn = tp + hit, fp + sum(got.values()) - hit, fn + sum(exp.values()) - hit
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.97 and recall >= 0.97, (precision, recall)


@pytest.mark.parametrize("a, b", [
    ("《工伤认定决定书》原件及复印件", "工伤认定决定书复印件1份"),
    ("《工伤认定决定书》原件和复印件", "工伤认定决定书"),
    ("资金到位证明一式两份", "资金到位证明"),
    ("ＡＢＣ证明（原件）", "ABC证明"),
    ("提供停工留薪期确认通知（复印件）", "《停工留薪期确认通知》"),
])
def test_material_key_equal(a, b):
    assert material_key(a) == material_key(b) != ""


@pytest.mark.parametrize("a, b", [
    ("工伤认定决定书", "工伤认定申请表"),
    ("无线电台（站）执照", "无线电台执照"),       # a scope qualifier is part of the name
    ("资金到位证明", "资金证明"),
])
def test_material_key_different(a, b):
    assert material_key(a) != material_key(b)


def test_certificate_like():
    yes = ["收入证明", "诊断证明书", "劳动关系证明材料", "村(居)委会出具的证明材料", "无犯罪记录证明"]
    no = ["法定代表人身份证明", "有效身份证明", "申请表", "营业执照", "工伤认定决定书", "证明人"]
    assert all(certificate_like(material_key(x)) for x in yes)
    assert not any(certificate_like(material_key(x)) for x in no)


# ------------------------------------------------------------------ item matching
def test_item_bands_respect_guards():
    from validators.certification.detect import ItemMatcher
    from validators.conformity.matcher import Thresholds

    m = ItemMatcher(load_registry(), Thresholds())
    reg = "工伤职工劳动能力复查鉴定"
    assert m.band("工伤职工劳动能力复查鉴定（市级）", reg)[0] == "matched"
    assert m.band("南宁市工伤职工劳动能力复查鉴定", reg)[0] == "matched"
    assert m.band("劳动能力复查鉴定", reg)[:3:2] == ("review", "contained")
    assert m.band("工伤职工劳动能力初次鉴定", reg)[0] == "unmatched"     # 初次≠复查: another item
    assert m.band("工伤职工劳动能力鉴定", reg)[0] == "unmatched"
    assert m.band("建筑工程施工许可证变更", "建筑工程施工许可证核发")[0] == "unmatched"


# ------------------------------------------------------------------ messages
MESSAGES = {
    ("certificate-cancelled-still-required", "zh"): (
        "事项“工伤职工劳动能力复查鉴定”仍要求提供“《工伤认定决定书》原件及复印件”，该证明材料已由《人力资源社会保障部第二批取消部分规章规范性文件设定的证明材料》取消（决定所列材料：《工伤认定决定书》原件和复印件；适用事项：工伤职工劳动能力复查鉴定）；来源：2019年省级政府和重点城市网上政务服务能力调查评估（证明事项清理）所列案例，见 sxcheck issue 18",
        "从申请材料中删除该证明材料（《工伤认定决定书》原件和复印件），改用部门间核查、告知承诺等方式并更新办事指南；如认为登记有误，请核对来源 2019年省级政府和重点城市网上政务服务能力调查评估（证明事项清理）所列案例，见 sxcheck issue 18。"),
    ("certificate-cancelled-still-required", "en"): (
        "Item “工伤职工劳动能力复查鉴定” still asks for “《工伤认定决定书》原件及复印件”, a certification material cancelled by 《人力资源社会保障部第二批取消部分规章规范性文件设定的证明材料》 (material: 《工伤认定决定书》原件和复印件; applies to: 工伤职工劳动能力复查鉴定); source: 2019年省级政府和重点城市网上政务服务能力调查评估（证明事项清理）所列案例，见 sxcheck issue 18",
        "Remove the material (《工伤认定决定书》原件和复印件) from the list and verify the fact by data sharing or a written commitment instead; if the registry seems wrong, check the source 2019年省级政府和重点城市网上政务服务能力调查评估（证明事项清理）所列案例，见 sxcheck issue 18."),
    ("certificate-cancelled-review", "zh"): (
        "事项“劳动能力复查鉴定”要求提供“《工伤认定决定书》复印件”；《人力资源社会保障部第二批取消部分规章规范性文件设定的证明材料》取消了该材料，适用事项为“工伤职工劳动能力复查鉴定”，与本事项名称近似（contained，相似度 80.0），请确认是否同一事项；来源：2019年省级政府和重点城市网上政务服务能力调查评估（证明事项清理）所列案例，见 sxcheck issue 18",
        "核对本事项是否就是决定所列事项；是，则删除该材料；不是，可忽略本条或用 --severity 调整级别。"),
    ("certificate-cancelled-review", "en"): (
        "Item “劳动能力复查鉴定” asks for “《工伤认定决定书》复印件”; 《人力资源社会保障部第二批取消部分规章规范性文件设定的证明材料》 cancelled this material for “工伤职工劳动能力复查鉴定”, a name close to this item's (contained, score 80.0): confirm whether it is the same item; source: 2019年省级政府和重点城市网上政务服务能力调查评估（证明事项清理）所列案例，见 sxcheck issue 18",
        "Check whether this item is the decision's item; if so remove the material, if not ignore this finding or lower its level with --severity."),
    ("certificate-not-in-kept-list", "zh"): (
        "事项“工伤职工劳动能力初次鉴定”要求提供证明材料“诊断证明书”，它既不在所加载的证明事项保留清单中，也不在取消证明材料登记中",
        "删除该材料，或核实其设定依据；确需保留的，由主管部门按程序列入保留清单后再要求提供。"),
    ("certificate-not-in-kept-list", "en"): (
        "Item “工伤职工劳动能力初次鉴定” asks for the certification “诊断证明书”, which is neither on the loaded kept list nor in the registry of cancelled materials",
        "Remove the material, or check its legal basis and have it added to the kept list before asking for it."),
}


@pytest.mark.parametrize("code, lang", sorted(MESSAGES))
def test_rendered_messages(code, lang):
    report = check_certificates([str(p) for p in GUIDES], kept_list=str(KEPT))
    first = next(f for f in report.iter_findings(lang) if f["code"] == code)
    assert (first["message"], first["hint"]) == MESSAGES[(code, lang)]


def test_registry_error_messages_in_both_languages(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD_HEAD + GOOD_ENTRY.replace('provenance = "decision-text"\n', ""), encoding="utf-8")
    try:
        load_file(bad)
    except InputError as exc:
        zh, en = exc.render("zh"), exc.render("en")
    assert zh.startswith(f"取消证明材料登记 {bad} 第 1 条（第 7 行的 [[entries]]）有误：字段 provenance 应为 可信程度")
    assert en.startswith(f"Registry of cancelled certification materials {bad}, entry 1 ([[entries]] at line 7): field provenance")


# ------------------------------------------------------------------ CLI, formats, validate --certificates
def test_cli_exit_codes_and_formats(tmp_path):
    args = ["certificates", *GUIDES]
    assert run(*args, "--fail-on", "never").exit_code == 0
    assert run(*args).exit_code == 1
    assert run("certificates").exit_code == 2
    assert run(*args, "--review-threshold", "99").exit_code == 2
    for fmt in ("json", "junit", "sarif", "markdown", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        r = run(*args, "--format", fmt, "-o", out, "--lang", "en")
        assert r.exit_code == 1 and out.stat().st_size > 0, (fmt, r.output)
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    from schemas import load_json

    assert list(Draft202012Validator(load_json("report.schema.json")).iter_errors(doc)) == []
    codes = Counter(f["code"] for f in doc["findings"])
    assert codes == {"certificate-cancelled-still-required": 8, "certificate-cancelled-review": 1}
    assert doc["stats"]["certificates"]["registry"]["decisions"] >= 4
    r = run(*args, "--kept-list", tmp_path / "missing.csv")
    assert r.exit_code == 3 and "missing.csv" in r.output


def test_kept_list_forms(tmp_path):
    txt = tmp_path / "kept.txt"
    txt.write_text("收入证明\n诊断证明书\n有效的诊断证明\n劳动关系证明材料\n医疗诊断证明\n", encoding="utf-8")
    report = check_certificates([str(p) for p in GUIDES], kept_list=str(txt))
    assert not [f for f in report.findings() if f.code == "certificate-not-in-kept-list"]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["某县保留证明事项清单"])
    ws.append(["序号", "证明名称", "证明用途"])
    ws.append(["1", "诊断证明书", "劳动能力鉴定"])
    wb.save(tmp_path / "kept.xlsx")
    report = check_certificates([str(p) for p in GUIDES], kept_list=str(tmp_path / "kept.xlsx"))
    assert "诊断证明书" not in {f.value for f in report.findings() if f.code == "certificate-not-in-kept-list"}
    empty = tmp_path / "empty.csv"
    empty.write_text("序号,名单\n1,x\n", encoding="utf-8")
    r = run("certificates", GUIDES[1], "--kept-list", empty)
    assert r.exit_code == 3 and "证明名称" in r.output


def test_validate_with_certificates():
    guide = SAMPLES / "region_b_guides_gbk.csv"
    r = run("validate", guide, "-q", "--certificates", "--format", "json", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    flagged = sorted(f["value"] for f in doc["findings"] if f["code"].startswith("certificate-"))
    assert flagged == ["工伤认定决定书复印件1份", "无婚姻登记记录证明原件"]
    assert run("validate", guide, "-q", "--kept-list", KEPT).exit_code == 2
    r = run("validate", guide, "-q", "--certificates", "--kept-list", KEPT, "--format", "json", "--fail-on", "never")
    assert sum(f["code"] == "certificate-not-in-kept-list" for f in json.loads(r.output)["findings"]) == 3


def test_inputs_without_materials_exit_3(tmp_path):
    path = tmp_path / "no_materials.csv"
    path.write_text("事项名称,实施编码\n工伤登记,11450100MB1558081X3000111013000\n", encoding="utf-8")
    r = run("certificates", path)
    assert r.exit_code == 3 and "申请材料" in r.output and "no_materials.csv" in r.output
