"""Conformity with the national base catalog: alignment quality, guards, rates, base defects."""
from __future__ import annotations

import csv
import json
import os

import pandas as pd
import pytest

from validators.conformity.basecat import load_base
from validators.conformity.run import conform, min_rate_ok
from validators.read import InputError
from validators.conformity.matcher import NameMatcher, Thresholds
from validators.core.names import guards, normalise_name, strip_regions, variants

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGS = os.path.join(ROOT, "catalogs")
BASE = os.path.join(CATALOGS, "national_base_sample.csv")
LOCAL = os.path.join(CATALOGS, "local_catalog_sample.csv")
TRUTH = os.path.join(CATALOGS, "local_catalog_truth.csv")
BASE_HEADER = ["基本编码", "事项名称", "事项类型", "行使层级", "设定依据"]


@pytest.fixture(scope="module")
def sample():
    return conform(LOCAL, BASE)


@pytest.fixture(scope="module")
def joined(sample):
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    truth["local_row"] = truth["local_row"].astype(int)
    m = sample.matches.merge(truth, on="local_row", how="inner", suffixes=("", "_truth"))
    assert len(m) == len(truth) == len(sample.matches)
    m["base_code"] = m["base_code"].fillna("")
    return m


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def small_base(tmp_path, rows):
    return write_csv(tmp_path / "base.csv", BASE_HEADER, rows)


# ----------------------------------------------------------------- alignment quality on the samples

def test_matched_band_precision_and_recall(joined):
    matched = joined[joined["band"] == "matched"]
    precision = (matched["base_code"] == matched["true_base_code"]).mean()
    positives = joined[(joined["true_base_code"] != "") & (joined["hard_negative"] == "0")]
    found = (positives["band"] == "matched") & (positives["base_code"] == positives["true_base_code"])
    assert precision >= 0.99, matched[matched["base_code"] != matched["true_base_code"]]
    assert found.mean() >= 0.95, positives[~found][["local_row", "local_name", "band", "guards"]]


def test_hard_negatives_never_matched(joined):
    hard = joined[joined["hard_negative"] == "1"]
    assert len(hard) >= 8
    assert (hard["band"] != "matched").all(), hard[hard["band"] == "matched"]


def test_documented_bands_reproduced(joined):
    agree = (joined["band"] == joined["expected_band"]).mean()
    assert agree >= 0.97, joined[joined["band"] != joined["expected_band"]][
        ["local_row", "local_name", "expected_band", "band", "score", "guards"]]


def test_every_step_is_recorded(sample):
    methods = set(sample.matches["method"])
    assert {"code", "task-code", "name", "normalised-name", "fuzzy", "none"} <= methods
    review = sample.matches[sample.matches["band"] == "review"]
    assert review["candidates"].str.len().gt(0).all()


def test_local_added_item_reported_apart(sample):
    m = sample.matches
    added = m[m["local_added"]]
    assert list(added["local_code"]) == ["452004020000"]
    assert sample.rates["local_added"] == 1
    f = sample.report.frame()
    assert not ((f["code"] == "catalog-unmatched") & (f["item"].astype(str).str.endswith("452004020000"))).any()


# ----------------------------------------------------------------- rates

def _check_ratio(r):
    assert set(r) >= {"numerator", "denominator", "rate"}
    if r["denominator"]:
        assert r["rate"] == pytest.approx(r["numerator"] / r["denominator"], abs=1e-6)


@pytest.mark.parametrize("name,column", [("catalog_conformity", "catalog_ok"),
                                         ("task_conformity", "task_ok")])
def test_rates_recompute_from_the_evidence(sample, name, column):
    r = sample.rates[name]
    m = sample.matches[~sample.matches["local_added"]]
    _check_ratio(r)
    assert r["denominator"] == len(m)
    assert r["numerator"] == int(m[column].sum())
    for part in ("per_body", "per_type", "per_group"):
        assert sum(v["numerator"] for v in r[part].values()) == r["numerator"]
        assert sum(v["denominator"] for v in r[part].values()) == r["denominator"]
        for v in r[part].values():
            _check_ratio(v)
    body = r["per_body"]["灵山县行政审批局"]
    mine = m[m["local_body"] == "灵山县行政审批局"]
    assert (body["numerator"], body["denominator"]) == (int(mine[column].sum()), len(mine))
    assert 0 < r["rate"] < 1


def test_rate_reasons_name_the_problem(sample):
    reasons = sample.rates["catalog_conformity"]["reasons"]
    assert reasons["type"] == 1 and reasons["level"] == 1 and reasons["review"] >= 10
    task = sample.rates["task_conformity"]["reasons"]
    assert task["elements"] > 0 and task["task-code"] > 0 and task["body-code"] == 1
    m = sample.matches
    row = m[m["local_name"] == "燃气经营许可证核发"].iloc[0]
    assert not row["catalog_ok"] and "type" in row["catalog_issues"]


def test_coverage_lists_unclaimed_items(sample):
    cov = sample.coverage
    assert cov["level"] == "4" and cov["level_source"] == "task-code"
    _check_ratio(cov)
    assert cov["applicable"] == cov["claimed"] + cov["review"] + cov["unclaimed"]
    f = sample.report.frame()
    unclaimed = f[f["code"] == "catalog-item-unclaimed"]
    assert len(unclaimed) == cov["unclaimed"] > 0
    assert all(p["base_code"] and p["base_name"] for p in unclaimed["params"])
    # claiming the main item 户口登记 covers its sub-items
    assert not unclaimed["value"].astype(str).str.startswith("000709001").any()


def test_stats_carry_rates_coverage_and_thresholds(sample):
    d = sample.report.to_dict("zh")
    assert d["command"] == "conform"
    for key in ("rates", "coverage", "thresholds"):
        assert key in d["stats"]
    assert d["stats"]["thresholds"] == {"match": 95.0, "review": 80.0}
    json.dumps(d, ensure_ascii=False)
    for lang in ("zh", "en"):
        for f in sample.report.to_dict(lang)["findings"]:
            if f["code"].startswith(("catalog-", "base-")):
                assert "?" not in f["message"], f


def test_conformity_findings_carry_candidate_and_score(sample):
    f = sample.report.frame()
    codes = ("catalog-code-unknown", "catalog-name-mismatch", "catalog-type-mismatch",
             "catalog-level-mismatch", "catalog-match-review", "catalog-unmatched")
    for code in codes:
        rows = f[f["code"] == code]
        assert len(rows), code
        for p in rows["params"]:
            assert "base_code" in p and "score" in p
    review = f[f["code"] == "catalog-match-review"]
    assert all(p["base_code"] and p["score"] is not None for p in review["params"])


def test_min_rate_gate(sample, tmp_path):
    assert sample.rates["gate"] == "task_conformity"
    rate = sample.rates["task_conformity"]["rate"]
    assert min_rate_ok(sample, rate) and not min_rate_ok(sample, rate + 0.01)
    # a 基本目录 without 实施编码 is gated on 基本目录符合率
    df = pd.read_csv(LOCAL, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    narrow = df[["事项名称", "基本编码", "事项类型", "行使层级"]]
    path = tmp_path / "catalog.csv"
    narrow.to_csv(path, index=False)
    res = conform(str(path), BASE, level=4)
    assert res.rates["gate"] == "catalog_conformity"
    assert min_rate_ok(res, 0.5)
    assert res.coverage["level_source"] == "option"


# ----------------------------------------------------------------- base catalog defects and formats

def test_base_catalog_defects_are_reported(tmp_path):
    base = small_base(tmp_path, [
        ("000131002001", "食品经营许可证核发", "01", "3,4", "《中华人民共和国食品安全法》第三十五条"),
        ("000172001001", "药品经营许可证核发", "01", "2,3,4", "《中华人民共和国药品管理法》第五十一条"),
        ("000131002001", "食品经营许可证核发（重复）", "01", "3,4", "同上"),
        ("00013100200", "食品经营许可证变更", "01", "3,4", "11 位"),
        ("009931002002", "食品经营许可证延续", "01", "3,4", "TT=99 ok"),
        ("00AB31002003", "食品经营许可证注销", "01", "3,4", "letters"),
    ])
    local = write_csv(tmp_path / "local.csv", ["事项名称", "基本编码", "事项类型", "行使层级"],
                      [("食品经营许可证核发", "000131002001", "01", "4"),
                       ("食品经营许可证变更", "", "01", "4")])
    res = conform(local, base)
    f = res.report.frame()
    dup = f[f["code"] == "base-code-duplicate"]
    assert list(dup["value"]) == ["000131002001"] and list(dup["row"]) == [4]
    assert dup["params"].iloc[0]["first_row"] == 2
    fmt = f[f["code"] == "base-code-format"]
    assert sorted(fmt["value"]) == ["00013100200", "00AB31002003"]
    assert set(fmt["source"]) == {base}
    assert res.report.extra["base"]["duplicate_codes"] == 1
    m = res.matches.set_index("local_name")
    assert m.at["食品经营许可证核发", "base_code"] == "000131002001"
    # an item whose code is malformed can still be found by name
    assert m.at["食品经营许可证变更", "band"] == "matched"
    assert "base-code-format" in {x["code"] for x in res.report.to_dict("en")["findings"]}


def test_base_without_codes_is_rejected(tmp_path):
    path = write_csv(tmp_path / "b.csv", ["事项名称", "事项类型"], [("食品经营许可证核发", "01")])
    with pytest.raises(InputError):
        conform(LOCAL, path)


def test_base_and_local_in_other_formats(tmp_path, sample):
    base = pd.read_csv(BASE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    jpath = tmp_path / "base.json"
    jpath.write_text(json.dumps(base.to_dict("records"), ensure_ascii=False), encoding="utf-8")
    xpath = tmp_path / "base.xlsx"
    base.to_excel(xpath, index=False)
    local = pd.read_csv(LOCAL, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    lpath = tmp_path / "local.xlsx"
    local.to_excel(lpath, index=False)
    for b, loc in ((jpath, LOCAL), (xpath, str(lpath))):
        res = conform(str(loc), str(b))
        assert res.rates["catalog_conformity"] == sample.rates["catalog_conformity"]
        assert list(res.matches["band"]) == list(sample.matches["band"])


def test_write_matches(sample, tmp_path):
    for name in ("m.csv", "m.xlsx"):
        path = str(tmp_path / name)
        sample.write_matches(path)
        back = pd.read_csv(path, dtype=str, encoding="utf-8-sig") if name.endswith("csv") \
            else pd.read_excel(path, dtype=str, engine="openpyxl")
        assert len(back) == len(sample.matches)
        assert list(back.columns[:14]) == ["local_source", "local_sheet", "local_row", "local_code",
                                           "local_task_code", "local_name", "local_type",
                                           "local_levels", "local_body", "base_code", "base_name",
                                           "base_type", "base_levels", "method"]
    raw = open(str(tmp_path / "m.csv"), "rb").read(3)
    assert raw == b"\xef\xbb\xbf"
    zh = str(tmp_path / "zh.csv")
    sample.write_matches(zh, "zh")                      # the CLI's default language: Chinese headers
    cols = list(pd.read_csv(zh, dtype=str, encoding="utf-8-sig").columns)
    assert cols[:6] == ["本地文件", "工作表", "行", "基本编码", "实施编码", "事项名称"]
    assert not [c for c in cols if c.isascii()], cols


# ----------------------------------------------------------------- codes first

def test_code_and_task_code_tail(tmp_path):
    base = small_base(tmp_path, [
        ("000104002000", "固定资产投资项目节能审查", "01", "2,3,4", "《固定资产投资项目节能审查办法》第三条"),
        ("000141005000", "在宗教活动场所内改建或者新建建筑物审批", "01", "2,3,4", "《宗教事务条例》第三十三条"),
    ])
    local = write_csv(tmp_path / "l.csv", ["事项名称", "基本编码", "实施编码", "事项类型", "行使层级",
                                            "实施主体", "实施主体编码"], [
        # domain §8.1 record A, as exported
        ("固定资产投资项目节能审查", "000104002000", "11450721MB155808114000104002000", "01", "4",
         "灵山县行政审批局", "11450721MB15580811"),
        # record D without its 基本编码: the tail of the 实施编码 identifies it
        ("在宗教活动场所内改建或者新建建筑物审批", "", "11450721MB155808114000141005000", "01", "4",
         "灵山县行政审批局", "11450721MB15580811"),
    ])
    m = conform(local, base).matches
    assert list(m["method"]) == ["code", "task-code"]
    assert list(m["band"]) == ["matched", "matched"]
    assert list(m["base_code"]) == ["000104002000", "000141005000"]


def test_code_with_conflicting_name_goes_to_review(tmp_path):
    base = small_base(tmp_path, [
        ("000131002001", "食品经营许可证核发", "01", "3,4", "x"),
        ("000172001001", "药品经营许可证核发", "01", "2,3,4", "x"),
    ])
    local = write_csv(tmp_path / "l.csv", ["事项名称", "基本编码", "事项类型", "行使层级"],
                      [("食品经营许可证核发", "000172001001", "01", "4"),
                       ("灵山县药品经营许可证核发（县级）", "000172001001", "01", "4")])
    res = conform(local, base)
    m = res.matches
    assert list(m["band"]) == ["review", "matched"]
    assert "object:食品≠药品" in m["guards"].iloc[0]
    assert bool(m["catalog_ok"].iloc[1])
    f = res.report.frame()
    assert (f["code"] == "catalog-name-mismatch").sum() == 1


# ----------------------------------------------------------------- names and guards (domain §8, §9)

@pytest.mark.parametrize("raw,key", [
    ("食品经营许可（县级）", "食品经营许可"),
    ("食品经营许可（市级/县级）", "食品经营许可"),
    ("药品经营许可【省级权限】", "药品经营许可"),
    ("政府投资项目审批——可行性研究报告审批", "政府投资项目审批-可行性研究报告审批"),
    ("政府投资项目审批—可行性研究报告审批", "政府投资项目审批-可行性研究报告审批"),
    ("政府投资项目审批-可行性研究报告审批", "政府投资项目审批-可行性研究报告审批"),
    (" 对外贸易经营者 备案登记\u3000", "对外贸易经营者备案登记"),
    ("其它行政权力", "其他行政权力"),
    ("烟花爆竹经营（零售）许可", "烟花爆竹经营(零售)许可"),
    ("全民健身设施拆迁或者改变用途批准。", "全民健身设施拆迁或者改变用途批准"),
])
def test_normalise_name(raw, key):
    assert normalise_name(raw).key == key


@pytest.mark.parametrize("raw,rest,regions", [
    ("灵山县固定资产投资项目节能审查", "固定资产投资项目节能审查", ("灵山县",)),
    ("广西壮族自治区固定资产投资项目节能审查", "固定资产投资项目节能审查", ("广西壮族自治区",)),
    ("四川省成都市食品经营许可证核发", "食品经营许可证核发", ("四川省", "成都市")),
    ("钦州市灵山县食品经营许可证核发", "食品经营许可证核发", ("钦州市", "灵山县")),
    ("城市建筑垃圾处置核准", "城市建筑垃圾处置核准", ()),
    ("对擅自占用、挖掘城市道路的处罚", "对擅自占用、挖掘城市道路的处罚", ()),
    ("社区矫正对象外出审批", "社区矫正对象外出审批", ()),
    ("市场主体登记", "市场主体登记", ()),
])
def test_region_prefixes(raw, rest, regions):
    assert strip_regions(raw) == (rest, regions)


def test_level_suffix_and_region_equal_after_normalisation():
    base = "固定资产投资项目节能审查"
    for local in ("灵山县固定资产投资项目节能审查（县级）", "广西壮族自治区固定资产投资项目节能审查",
                  "固定资产投资项目节能审查(市级/县级)"):
        assert base in {v.text for v in variants(normalise_name(local).key)}


@pytest.mark.parametrize("a,b,kind", [
    ("食品经营许可证核发", "药品经营许可证核发", "object"),
    ("兽药经营许可证核发", "农药经营许可证核发", "object"),
    ("化妆品生产许可证核发", "药品生产许可证核发", "object"),
    ("食品经营许可证核发", "食品经营许可证注销", "action"),
    ("食品经营许可证变更", "食品经营许可证延续", "action"),
    ("对未取得食品经营许可从事食品经营活动的处罚", "对未取得食品经营许可从事食品经营活动的检查", "kind"),
    ("食品生产许可证核发", "食品经营许可证核发", "activity"),
    ("第二类医疗器械经营备案", "第三类医疗器械经营备案", "grade"),
    ("烟花爆竹经营(零售)许可", "烟花爆竹经营(批发)许可", "qualifier"),
    ("在宗教活动场所内改建或者新建建筑物(不影响该宗教活动场所现有布局和功能的)审批",
     "在宗教活动场所内改建或者新建建筑物审批", "qualifier"),
])
def test_guards_fire(a, b, kind):
    fired = guards(a, b)
    assert any(g.startswith(kind + ":") for g in fired), fired


@pytest.mark.parametrize("a,b", [
    ("食品经营许可证核发", "食品经营许可证核发"),
    ("城市道路占用挖掘审批", "城市道路占用、挖掘审批"),
    ("困难残疾人生活补贴与重度残疾人护理补贴给付", "困难残疾人生活补贴和重度残疾人护理补贴给付"),
])
def test_guards_quiet_on_harmless_differences(a, b):
    assert guards(a, b) == ()


@pytest.fixture()
def food_drug_matcher(tmp_path):
    path = small_base(tmp_path, [
        ("000131002000", "食品经营许可", "01", "3,4", "x"),
        ("000131002001", "食品经营许可证核发", "01", "3,4", "x"),
        ("000131002002", "食品经营许可证变更", "01", "3,4", "x"),
        ("000172001001", "药品经营许可证核发", "01", "2,3,4", "x"),
        ("000141005000", "在宗教活动场所内改建或者新建建筑物审批", "01", "2,3,4", "x"),
        ("000117007000", "城市道路占用、挖掘审批", "01", "3,4", "x"),
        ("001033002000", "全民健身设施拆迁或者改变用途批准", "10", "2,3,4", "x"),
    ])
    return lambda **kw: NameMatcher(load_base(path), Thresholds(**kw))


def test_food_never_auto_matches_drug(food_drug_matcher):
    m = food_drug_matcher()
    # the national catalog without the food sub-item: the drug one is the nearest (88.9)
    r = m.resolve(["药品经营许可证核发"], ["01"])[0]
    assert r.band == "matched" and r.method == "name"
    for name in ("保健食品经营许可证核发", "化妆品经营许可证核发", "食品经营许可证换发"):
        r = m.resolve([name], ["01"])[0]
        assert r.band != "matched", (name, r)


def test_qualified_case_goes_to_review_not_matched(food_drug_matcher):
    r = food_drug_matcher().resolve(
        ["在宗教活动场所内改建或者新建建筑物（不影响该宗教活动场所现有布局和功能的）审批"], ["01"])[0]
    assert r.band == "review"
    assert any(g.startswith("qualifier:") for g in r.guards)
    assert r.candidates[0][0] == r.pos


def test_truncated_name_is_review_with_top3(food_drug_matcher):
    r = food_drug_matcher().resolve(["食品经营许可证"], ["01"])[0]
    assert r.band == "review" and len(r.candidates) == 3


def test_thresholds_are_configurable(food_drug_matcher):
    name = ["城市道路占用挖掘审批"]               # one 、 dropped: ratio 95.2
    assert food_drug_matcher().resolve(name, ["01"])[0].band == "matched"
    assert food_drug_matcher(match=96).resolve(name, ["01"])[0].band == "review"
    assert food_drug_matcher(match=99, review=97).resolve(name, ["01"])[0].band == "unmatched"
    with pytest.raises(ValueError):
        Thresholds(match=80, review=90)


def test_wrong_type_found_but_not_auto_matched(food_drug_matcher):
    m = food_drug_matcher()
    r = m.resolve(["全民健身设施拆迁或改变用途批准"], ["01"])[0]     # typed 01, base says 10
    assert r.band == "review" and any(g.startswith("item-type:") for g in r.guards)
    exact = m.resolve(["全民健身设施拆迁或者改变用途批准"], ["01"])[0]
    assert exact.band == "matched"          # same name: matched, the type mismatch is a finding


def test_leave_one_out_never_auto_matches_another_item():
    """Remove each base item in turn: its own name must not auto-match a different item."""
    from validators.conformity.basecat import index_base

    full = load_base(str(BASE))
    raw = full.items[["code", "name", "type", "levels", "dept", "_row", "sheet"]]
    wrong = []
    for i in range(len(raw)):
        matcher = NameMatcher(index_base(str(BASE), raw.drop(index=i)), Thresholds())
        r = matcher.resolve([full.names[i]], [full.types[i]])[0]
        if r.band == "matched":
            wrong.append((full.names[i], matcher.base.names[r.pos], r.score))
    assert len(raw) == 244 and not wrong


def test_severity_override_changes_what_fails_the_task_rate(sample):
    demoted = conform(LOCAL, BASE, severity={"element-missing": "warning"})
    before, after = sample.rates["task_conformity"], demoted.rates["task_conformity"]
    assert after["numerator"] > before["numerator"]
    assert "elements" not in after["reasons"] or after["reasons"]["elements"] < before["reasons"]["elements"]
