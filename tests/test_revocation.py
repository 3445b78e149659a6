"""sxcheck revoked on real-shaped catalogs: the sample's documented truth exactly, the finding's
evidence (decision, date, annex, sequence, registry name, method, score), filters (type, status,
date, region), the positive list, validate --revoked, and the exit-code contract."""
import csv
import json
import subprocess
import sys

import pytest
from jsonschema import Draft202012Validator

from conftest import CATALOGS, ROOT, run
from schemas import load_json
from validators import revoked

SAMPLE = CATALOGS / "revoked_sample.csv"
TRUTH = CATALOGS / "revoked_truth.csv"
PERMITS = CATALOGS / "permit_list_sample.csv"
FLAGGED = {"revoked-item-listed", "revoked-item-review", "delegated-item-wrong-level"}


def truth():
    return {int(r["row"]): r for r in csv.DictReader(open(TRUTH, encoding="utf-8"))}


@pytest.fixture(scope="module")
def sample_report():
    return revoked(str(SAMPLE))


def test_sample_findings_equal_the_documented_truth_exactly(sample_report):
    got = sorted((f["row"], f["code"]) for f in sample_report.iter_findings() if f["code"] in FLAGGED)
    want = sorted((row, r["code"]) for row, r in truth().items() if r["code"])
    assert got == want
    # nothing else at all: no reading noise, no second finding on a row
    assert [f["code"] for f in sample_report.iter_findings() if f["code"] not in FLAGGED] == []


def test_precision_and_recall_on_the_sample(sample_report):
    t = truth()
    flagged = {f["row"] for f in sample_report.iter_findings() if f["code"] == "revoked-item-listed"}
    positive = {row for row, r in t.items() if r["code"] == "revoked-item-listed"}
    tp = len(flagged & positive)
    assert tp / len(flagged) == 1.0 and tp / len(positive) == 1.0
    # the near misses, 已取消/停用/暂停 rows and filings are silent
    silent = {row for row, r in t.items() if not r["code"]}
    assert len(silent) >= 15
    assert not ({f["row"] for f in sample_report.iter_findings()} & silent)


def test_each_finding_cites_decision_annex_sequence_and_match(sample_report):
    by_row = {f["row"]: f for f in sample_report.iter_findings("zh")}
    f = by_row[5]   # short form without the gloss （含煤层气）
    p = f["params"]
    assert (p["decision"], p["date"], p["annex"], p["seq"], p["action"]) == \
        ("国发〔2019〕6号", "2019-02-27", "附件1", 1, "改为备案")
    assert (p["registry_name"], p["method"], p["score"]) == \
        ("石油天然气(含煤层气)对外合作项目总体开发方案审批", "gloss", 100)
    assert f["message"] == ("“石油天然气对外合作项目总体开发方案审批”是国发〔2019〕6号（2019-02-27）附件1第1项改为备案的"
                            "“石油天然气(含煤层气)对外合作项目总体开发方案审批”（匹配：去掉附件括注后一致，100），仍作为在用的行政许可列出")
    assert by_row[9]["params"]["method"] == "alias"
    assert by_row[9]["params"]["registry_name"] == "外商投资经营电信业务审定意见书初审"
    assert by_row[10]["params"]["history"] == \
        "2013-11-08 下放（国发〔2013〕44号） → 2017-01-12 取消（国发〔2017〕7号）"
    review = by_row[16]
    assert review["code"] == "revoked-item-review"
    assert (review["params"]["method"], review["params"]["score"]) == ("fuzzy", 83.3)
    assert review["params"]["guards"] == "kind:许可≠审批"
    en = {f["row"]: f for f in sample_report.iter_findings("en")}
    assert en[15]["message"] == ("\"实验动物出口审批\" was delegated to 省级科技行政管理部门 by 国发〔2013〕19号 (2013-05-15), "
                                 "annex 附件1, yet this row's levels (1,2) still include 国家级")


def test_report_extra_says_the_registry_is_partial(sample_report):
    extra = sample_report.extra["revoked"]
    assert extra["registry"]["decisions"] >= 20 and extra["registry"]["complete"] == 0
    assert {"decision": "国发〔2019〕6号", "date": "2019-02-27", "annex_size": 31, "items": 4,
            "file": "catalogs/revocations/gf-2019-6.toml"} in extra["registry"]["partial"]
    m = extra["matching"]
    assert m["rows"] == 37 and m["rows_not_in_use"] == 3 and m["rows_before_decision"] == 1
    assert m["rows_kept_by_exception"] == 1


def test_gbk_csv_and_excel_give_the_same_findings(tmp_path, sample_report):
    import pandas as pd

    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    gbk = tmp_path / "gbk.csv"
    frame.to_csv(gbk, index=False, encoding="gbk")
    xlsx = tmp_path / "s.xlsx"
    with pd.ExcelWriter(xlsx) as w:   # a title row above the header, as exports have
        pd.DataFrame([["广西壮族自治区政务服务事项实施清单"]]).to_excel(w, index=False, header=False, sheet_name="清单")
        frame.to_excel(w, index=False, startrow=1, sheet_name="清单")
    want = [(f["code"], f["value"]) for f in sample_report.iter_findings()]
    assert [(f["code"], f["value"]) for f in revoked(str(gbk)).iter_findings()] == want
    got = revoked(str(xlsx)).iter_findings()
    assert [(f["code"], f["value"]) for f in got] == want


def test_region_option_applies_a_provincial_exception_to_every_row(tmp_path):
    local = tmp_path / "hlj.csv"
    local.write_text("事项名称,事项类型\n省级、县级森林公园设立、撤销、合并、改变经营范围或者变更隶属关系审批,行政许可\n",
                     encoding="utf-8")
    assert [f["code"] for f in revoked(str(local)).iter_findings()] == ["revoked-item-listed"]
    assert list(revoked(str(local), region="黑龙江省").iter_findings()) == []


def test_permit_list(sample_report):
    rep = revoked(str(SAMPLE), permit_list=str(PERMITS))
    outside = [(f["row"], f["value"]) for f in rep.iter_findings() if f["code"] == "permit-not-in-list"]
    # rows already reported as cancelled are not reported twice; sub-items of a list entry
    # (食品经营许可证核发（新办） under 食品经营许可) are in the list
    # (煤炭生产许可证核发 is near 煤矿安全生产许可证核发 in the review band: given the benefit of doubt)
    # 黑龙江's locally kept item is outside this national excerpt too (a provincial list has it)
    assert outside == [(16, "经营境内邮政通信业务许可"), (33, "乡村兽医登记许可"),
                       (34, "省级、县级森林公园设立、撤销、合并、改变经营范围或者变更隶属关系审批"), (38, "农家乐经营许可")]
    f = next(f for f in rep.iter_findings("zh") if f["code"] == "permit-not-in-list" and f["row"] == 38)
    assert f["message"] == f"行政许可“农家乐经营许可”与行政许可事项清单（{PERMITS}，12 项）中的任何事项都不对应"
    assert rep.extra["revoked"]["permit_list"]["entries"] == 12


def test_validate_revoked_adds_the_findings_in_the_same_pass(tmp_path):
    out = tmp_path / "v.json"
    r = run("validate", SAMPLE, "--revoked", "--format", "json", "-o", out, "-q")
    assert r.exit_code == 1, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(load_json("report.schema.json")).iter_errors(doc)) == []
    rev = sorted((f["row"], f["code"]) for f in doc["findings"] if f["code"] in FLAGGED)
    assert rev == sorted((row, t["code"]) for row, t in truth().items() if t["code"])
    assert doc["stats"]["revoked"]["registry"]["complete"] == 0
    assert run("validate", SAMPLE, "--permit-list", PERMITS).exit_code == 2   # needs --revoked


def test_exit_codes_and_formats(tmp_path):
    assert run("revoked", SAMPLE, "-q").exit_code == 1
    assert run("revoked", SAMPLE, "-q", "--fail-on", "never").exit_code == 0
    clean = tmp_path / "clean.csv"
    clean.write_text("事项名称,事项类型\n食品经营许可证核发,行政许可\n乡村兽医登记备案,其他行政权力\n", encoding="utf-8")
    assert run("revoked", clean, "-q").exit_code == 0
    review_only = tmp_path / "review.csv"
    review_only.write_text("事项名称,事项类型\n经营境内邮政通信业务许可,行政许可\n", encoding="utf-8")
    assert run("revoked", review_only, "-q").exit_code == 0
    assert run("revoked", review_only, "-q", "--fail-on", "warning").exit_code == 1
    assert run("revoked").exit_code == 2
    nameless = tmp_path / "nameless.csv"   # nothing to match on: said, not a silent pass
    nameless.write_text("实施主体,行政区划代码\n灵山县市场监督管理局,450721\n", encoding="utf-8")
    rep = revoked(str(nameless))
    assert [(f["code"], f["field"]) for f in rep.iter_findings()] == [("column-missing", "item_name")]
    assert run("revoked", SAMPLE, "--review-threshold", "99").exit_code == 2
    r = run("revoked", tmp_path / "missing.csv")
    assert r.exit_code == 3 and "找不到文件" in r.output
    out = tmp_path / "r.json"
    assert run("revoked", SAMPLE, "--format", "json", "-o", out, "-q").exit_code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(load_json("report.schema.json")).iter_errors(doc)) == []
    assert doc["command"] == "revoked" and doc["summary"]["errors"] == 14
    for fmt, check in (("sarif", lambda t: json.loads(t)["runs"][0]["results"]),
                       ("junit", lambda t: "revoked-item-listed" in t),
                       ("markdown", lambda t: "revoked-item-listed" in t)):
        out = tmp_path / f"r.{fmt}"
        assert run("revoked", SAMPLE, "--format", fmt, "-o", out, "--fail-on", "never").exit_code == 0
        assert check(out.read_text(encoding="utf-8"))
    xlsx = tmp_path / "r.xlsx"
    assert run("revoked", SAMPLE, "--format", "xlsx", "-o", xlsx, "--fail-on", "never").exit_code == 0
    assert xlsx.stat().st_size > 0
    r = run("revoked", SAMPLE, "--lang", "en", "--fail-on", "never", "--limit", "1")
    assert r.exit_code == 0 and "Cancelled permit still listed" in r.output


def test_help_lists_the_command_without_importing_pandas():
    code = ("import sys, cli; from click.testing import CliRunner; "
            "r = CliRunner().invoke(cli.main, ['revoked', '--help']); "
            "print(r.exit_code, 'pandas' in sys.modules, '--check-registry' in r.output)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["0", "False", "True"]


def test_sample_generator_is_deterministic(tmp_path):
    subprocess.run([sys.executable, str(CATALOGS / "make_revoked_sample.py"), "--out", str(tmp_path)], check=True)
    for name in ("revoked_sample.csv", "revoked_truth.csv", "permit_list_sample.csv"):
        assert (tmp_path / name).read_bytes() == (CATALOGS / name).read_bytes(), name


# Local spellings seen in several provinces' catalogs → the registry name they must resolve to
# (band), or None for live permits that only look alike.
CORPUS = [
    ("四川省成都市武侯区户外广告登记", "户外广告登记", "matched"),
    ("户外广告登记【县级】", "户外广告登记", "matched"),
    ("棉花加工资格认定（省级权限）", "棉花加工资格认定", "matched"),
    ("棉花加工资格认定。", "棉花加工资格认定", "matched"),
    ("自费出国留学中介服务机构资格认定(省级)", "自费出国留学中介服务机构资格认定", "matched"),
    ("普通中小学、幼儿园、中等职业学校（含民办）章程核准（市级/县级）",
     "普通中小学、幼儿园、中等职业学校(含民办)章程核准", "matched"),
    ("石油天然气(含煤层气)对外合作项目总体开发方案审批", "石油天然气(含煤层气)对外合作项目总体开发方案审批", "matched"),
    ("安徽省外商投资经营电信业务审定意见书初审", "外商投资经营电信业务审定意见书初审", "matched"),
    ("铬化合物生产建设项目审批（省级）", "铬化合物生产建设项目审批", "matched"),
    ("经营 境内邮政通信业务审批 ", "经营境内邮政通信业务审批", "matched"),
    ("名称预先核准（包括企业、企业集团、个体工商户、农民专业合作社名称预先核准）",
     "名称预先核准(包括企业、企业集团、个体工商户、农民专业合作社名称预先核准)", "matched"),
    ("经营境内邮政通信业务许可", "经营境内邮政通信业务审批", "review"),
    ("在林区经营（含加工）木材审批（县级）", "在林区经营(含加工)木材审批", "matched"),
    ("企业投资新建民用机场项目核准", None, None),
    ("煤矿安全生产许可证核发", None, None),
    ("农药生产许可证核发", None, None),
    ("食盐批发许可", None, None),
    ("户外广告设施设置审批", None, None),
    ("肥料登记", None, None),
    ("乡村兽医登记备案", None, None),
    ("互联网药品交易服务企业审批", None, None),          # 第三方平台 remain: the qualifier is a scope limit
    ("药品经营许可证核发", None, None),
    ("食品经营许可证核发", None, None),
    ("国产药品注册", None, None),                        # only its 初审 was cancelled
]


def test_name_corpus_precision_and_recall():
    from validators.revocation.history import Groups
    from validators.revocation.matching import RegistryMatcher
    from validators.revocation.registry import load_registry

    matcher = RegistryMatcher(Groups(load_registry()))
    got = matcher.resolve([n for n, _, _ in CORPUS])
    assert [(m.name.text, m.band) if m else (None, None) for m in got] == [(r, b) for _, r, b in CORPUS]
