"""sxcheck score: every index, numerator, denominator, tier and rank of a hand-computed fixture.

The fixture takes eight clean guides from catalogs/clean_guides.csv (zero findings as shipped),
puts them in three units and breaks them in known ways:

- 甲局: guides 0 (法定 30 / 承诺 5 工作日, 1 visit, 网办 否) and 4 (20 / 5, 1 visit, 网办 是) with
  办理地点 blanked (element-missing, weight 2).
- 乙局: guides 2 (30 / 5, 1 visit, 网办 是) with 办理时间 blanked (weight 2) and 18 (20 / 5, 1 visit,
  网办 否) — exactly 甲局's figures: the tie.
- 丙局: guides 5 (20 / 3, 1 visit, 否) with 服务对象 blanked (weight 1), 7 (30 / 3, 0 visits, 是),
  11 (承诺 40 > 法定 30: promise-exceeds-legal-limit on 承诺办结时限, weight 2; 2 visits, 否) with
  咨询方式 blanked (weight 2), and 31, a 处罚 guide (90 / 60 自然日, family without visits/网办).

Hand computation (default weights; a 许可 guide checks 26 elements weighing 35, a 处罚 guide 14
weighing 17):
  甲局 / 乙局: accuracy (70 − 2) / 70; one visit 2 / 2; speed-up (1 − 5/30) + (1 − 5/20) = 19/12
  → printed 1.583333 / 2; online 1 / 2.
  score = 100 × (40·68/70 + 15·1 + 10·0.7916665 + 15·0.5) / 80 = 86.59 → 良好, rank 1 and 1.
  丙局: accuracy (122 − 1 − 2 − 2) / 122 = 117 / 122; one visit 2 / 3; speed-up 0.85 + 0.9 + 0
  (clipped) + (1 − 60/90) = 25/12 → printed 2.083333 / 4; online 1 / 3.
  score = 100 × (40·117/122 + 15·2/3 + 10·0.52083325 + 15/3) / 80 = 73.21 → 中等, rank 3.
"""
from __future__ import annotations

import csv
import json

import pytest
from conftest import CATALOGS, run

PLAN = [(0, "甲局", None), (4, "甲局", "办理地点"), (2, "乙局", "办理时间"), (18, "乙局", None),
        (5, "丙局", "服务对象"), (7, "丙局", None), (11, "丙局", "咨询方式"), (31, "丙局", None)]


@pytest.fixture
def fixture_csv(tmp_path):
    with open(CATALOGS / "clean_guides.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for i, unit, blank in PLAN:
        r = dict(rows[i])
        r["实施主体"] = unit
        if blank:
            r[blank] = ""
        if i == 11:
            r["承诺办结时限"], r["承诺办结时限说明"] = "40", ""
        out.append(r)
    path = tmp_path / "three_units.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(out)
    return path


def test_fixture_has_exactly_the_planned_findings(fixture_csv):
    from validators import validate

    rep = validate(str(fixture_csv))
    got = sorted((f["row"], f["code"], f["field"]) for f in rep.iter_findings() if f["row"] is not None)
    assert got == [(3, "element-missing", "handling_location"), (4, "element-missing", "handling_hours"),
                   (6, "element-missing", "service_targets"), (8, "element-missing", "consultation_channel"),
                   (8, "promise-exceeds-legal-limit", "promised_time_limit")]


def test_hand_computed_indices_tiers_and_ranks(fixture_csv, tmp_path):
    out = tmp_path / "score.json"
    r = run("score", fixture_csv, "--format", "json", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) >= {"tool", "summary", "units", "weights", "cutoffs"}
    units = {u["unit"]: u for u in doc["units"]}
    assert [u["unit"] for u in doc["units"]] == ["乙局", "甲局", "丙局"]       # rank, then name

    pair = {"guide_accuracy": (68, 70), "onsite_once": (2, 2), "speedup": (1.583333, 2), "online": (1, 2)}
    for name in ("甲局", "乙局"):
        u = units[name]
        assert (u["rows"], u["rank"], u["tier"], u["score"]) == (2, 1, "良好", 86.59)
        assert {k: (v["numerator"], v["denominator"]) for k, v in u["indices"].items()} == pair
    c = units["丙局"]
    assert (c["rows"], c["rank"], c["tier"], c["score"]) == (4, 3, "中等", 73.21)
    assert {k: (v["numerator"], v["denominator"]) for k, v in c["indices"].items()} == {
        "guide_accuracy": (117, 122), "onsite_once": (2, 3), "speedup": (2.083333, 4), "online": (1, 3)}
    for u in doc["units"]:                      # rate is numerator / denominator as printed
        for v in u["indices"].values():
            assert v["rate"] == v["numerator"] / v["denominator"]
    assert units["甲局"]["indices"]["speedup"]["rate"] == 0.7916665
    s = doc["summary"]
    assert s["units"] == 3 and s["rows"] == 8 and s["tiers"] == {"优秀": 0, "良好": 2, "中等": 1, "待改进": 0}
    assert s["overall"]["guide_accuracy"] == {"numerator": 253, "denominator": 262, "rate": 253 / 262}
    assert s["overall"]["onsite_once"] == {"numerator": 6, "denominator": 7, "rate": 6 / 7}
    assert doc["weights"]["indices"]["guide_accuracy"] == 40
    assert doc["weights"]["elements"]["handling_location"] == 2 and doc["weights"]["elements"]["case_type"] == 1
    assert [c["min"] for c in doc["cutoffs"]["tiers"]] == [90, 80, 60]


def test_weights_file_overrides_indices_and_cutoffs(fixture_csv, tmp_path):
    w = tmp_path / "w.json"
    w.write_text(json.dumps({"indices": {"speedup": 0, "online": 0, "onsite_once": 0},
                             "cutoffs": [{"tier": "A", "min": 97}, {"tier": "B", "min": 96}],
                             "lowest_tier": {"tier": "C"}}), encoding="utf-8")
    out = tmp_path / "s.json"
    assert run("score", fixture_csv, "--weights", w, "--format", "json", "-o", out, "-q").exit_code == 0
    units = {u["unit"]: u for u in json.loads(out.read_text(encoding="utf-8"))["units"]}
    # only 办事指南准确度 counts now: 68/70 = 97.14 (A), 117/122 = 95.90 (C)
    assert (units["甲局"]["score"], units["甲局"]["tier"]) == (97.14, "A")
    assert (units["丙局"]["score"], units["丙局"]["tier"], units["丙局"]["rank"]) == (95.9, "C", 3)


@pytest.mark.parametrize("content", ['{"indices": {"nope": 1}}', '{"cutoffs": [{"tier": "A", "min": 50}, '
                                     '{"tier": "B", "min": 70}]}', '{"elements": {"item_name": -1}}', "not json"])
def test_bad_weights_file_is_a_usage_error(fixture_csv, tmp_path, content):
    w = tmp_path / "w.json"
    w.write_text(content, encoding="utf-8")
    r = run("score", fixture_csv, "--weights", w, "-q")
    assert r.exit_code == 2 and "--weights" in r.output


def test_by_column_and_by_region(fixture_csv, tmp_path):
    out = tmp_path / "s.json"
    assert run("score", fixture_csv, "--by", "事项类型", "--format", "json", "-o", out, "-q").exit_code == 0
    units = {u["unit"]: u["rows"] for u in json.loads(out.read_text(encoding="utf-8"))["units"]}
    assert units == {"01": 7, "02": 1}
    assert run("score", fixture_csv, "--by-region", "4", "--format", "json", "-o", out, "-q").exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [(u["unit"], u["rows"], u["rank"]) for u in doc["units"]] == [("450700", 8, 1)]   # 钦州市
    assert doc["summary"]["by"] == "市级区划"
    assert run("score", fixture_csv, "--by", "no-such-column", "-q").exit_code == 2
    assert run("score", fixture_csv, "--by", "实施主体", "--by-region", "4", "-q").exit_code == 2


def test_competition_ranks():
    from validators.scoring.indices import competition_ranks

    assert competition_ranks([90.0, 85.5, 85.5, 70.0, None]) == [1, 2, 2, 4, None]
    assert competition_ranks([50.0, 50.0, 50.0]) == [1, 1, 1]


def test_score_with_base_adds_conformity_indices_per_unit(tmp_path):
    out = tmp_path / "s.json"
    local, base = CATALOGS / "local_catalog_sample.csv", CATALOGS / "national_base_sample.csv"
    r = run("score", local, "--base", base, "--format", "json", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    conf = doc["summary"]["overall"]
    for name in ("catalog_conformity", "task_conformity"):
        # per-unit figures add up to the conform command's overall figure
        assert sum(u["indices"][name]["numerator"] for u in doc["units"]) == conf[name]["numerator"]
        assert sum(u["indices"][name]["denominator"] for u in doc["units"]) == conf[name]["denominator"]
    assert "coverage" in conf and all("coverage" not in u["indices"] for u in doc["units"])
    r = run("score", local, "--base", base, "--by-region", "6", "--format", "json", "-o", out, "-q")
    regional = json.loads(out.read_text(encoding="utf-8"))
    cov = [u["indices"]["coverage"] for u in regional["units"] if u["unit"] != "（未填县级区划）"]
    assert cov and all(c["denominator"] == conf["coverage"]["denominator"] for c in cov)


def test_csv_and_table_formats(fixture_csv, tmp_path):
    out = tmp_path / "s.csv"
    assert run("score", fixture_csv, "--format", "csv", "-o", out, "-q").exit_code == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:5] == ["排名", "实施主体", "等级", "综合得分", "事项数"]
    assert rows[1][:5] == ["1", "乙局", "良好", "86.59", "2"] and rows[3][:4] == ["3", "丙局", "中等", "73.21"]
    r = run("score", fixture_csv, "-q", "--lang", "en")
    assert r.exit_code == 0 and "good" in r.output and "fair" in r.output


def test_explain_score_topic():
    r = run("explain", "score")
    assert r.exit_code == 0 and "办事指南准确度" in r.output and "待改进" in r.output


def test_revoked_counts_per_unit_match_the_revoked_check(tmp_path):
    from validators import validate

    sample = CATALOGS / "revoked_sample.csv"
    out = tmp_path / "s.json"
    r = run("score", sample, "--revoked", "--format", "json", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    units = json.loads(out.read_text(encoding="utf-8"))["units"]
    rep = validate(str(sample), revoked={})
    for code in ("revoked-item-listed", "delegated-item-wrong-level", "revoked-item-review"):
        rows = {(f["source"], f["row"]) for f in rep.iter_findings() if f["code"] == code and f["row"]}
        assert sum(u["revoked"][code] for u in units) == len(rows), code
    assert sum(u["revoked"]["revoked-item-listed"] for u in units) > 0
    assert all("revoked" not in u["indices"] for u in units)              # counts, not weighted
    assert run("score", sample, "--revoked", "--base", CATALOGS / "national_base_sample.csv", "-q").exit_code == 2
    assert run("score", sample, "--permit-list", sample, "-q").exit_code == 2


def test_same_source_rate_per_unit_adds_up_to_sxcheck_sources(tmp_path):
    from validators import compare_sources

    ref = CATALOGS / "sources_reference.csv"
    chans = [CATALOGS / "sources_channel_app.json", CATALOGS / "sources_channel_hall.xlsx"]
    out = tmp_path / "s.json"
    r = run("score", ref, "--channel", chans[0], "--channel", chans[1], "--format", "json", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    res = compare_sources(str(ref), [str(c) for c in chans])
    num = sum(c["same_source_rate"]["numerator"] for c in res.channels)
    den = sum(c["same_source_rate"]["denominator"] for c in res.channels)
    assert (num, den) == (434, 444)                                   # 222/228 app + 212/216 hall
    assert doc["summary"]["overall"]["same_source"] == {"numerator": 434, "denominator": 444, "rate": 434 / 444}
    assert sum(u["indices"]["same_source"]["numerator"] for u in doc["units"]) == num
    assert sum(u["indices"]["same_source"]["denominator"] for u in doc["units"]) == den
    assert doc["weights"]["indices"]["same_source"] == 10
    assert run("score", ref, "--channel", chans[0], "--by-region", "4", "-q").exit_code == 2
