"""The decision registry: every shipped file validates, every source row is kept with its
provenance, history and exceptions resolve, and a malformed user file exits 3 naming file, item
and field."""
import csv
import shutil

import pytest
from jsonschema import Draft202012Validator

from conftest import CATALOGS, ROOT, run
from schemas import load_json
from validators.core.names import normalise_name
from validators.read import InputError
from validators.revocation.history import Groups
from validators.revocation.registry import load_registry, read_file, registry_files

REG = CATALOGS / "revocations"
TEMPLATE = REG / "TEMPLATE.toml.example"


def test_every_shipped_decision_file_validates_against_the_schema():
    import tomllib

    validator = Draft202012Validator(load_json("revocation.schema.json"))
    files = registry_files(REG)
    assert len(files) >= 20
    for f in files:
        data = tomllib.loads(open(f, encoding="utf-8").read())
        assert list(validator.iter_errors(data)) == [], f
        assert data["complete"] is False, f"{f}: no annex is fully transcribed yet"
        read_file(f)   # and the checks a schema cannot make


def test_every_row_of_the_seed_list_is_kept_with_its_provenance():
    reg = load_registry()
    names = {}
    for it in reg.items:
        names.setdefault(normalise_name(it.name).key, set()).add((it.provenance, it.source))
        for a in it.aliases:
            names.setdefault(normalise_name(a.name).key, set()).add((a.provenance, a.source))
    rows = list(csv.DictReader(open(REG / "sources" / "known_items.csv", encoding="utf-8-sig")))
    assert len(rows) == 162
    for r in rows:
        got = names.get(normalise_name(r["item_name"]).key, set())
        assert (r["provenance"], r["source"]) in got, r["item_name"]
    assert sum(1 + len(it.aliases) for it in reg.items) == 162


def test_decisions_state_their_annex_size():
    reg = load_registry()
    by_no = {d.no: d for d in reg.decisions}
    assert by_no["国发〔2019〕6号"].annex_size == 31 and by_no["国发〔2019〕6号"].date == "2019-02-27"
    assert by_no["国发〔2020〕13号"].annex_size == 33
    assert by_no["国发〔2017〕7号"].annex_size == 39
    assert by_no["黑政发〔2016〕23号"].kind == "provincial" and by_no["黑政发〔2016〕23号"].region == "黑龙江省"


def test_history_delegated_then_cancelled_and_provincial_exception():
    g = Groups(load_registry())

    def group(name):
        return g.key_group[normalise_name(name).key]

    k = group("重大动物疫病病料采集审批")
    assert g.state(k).kind == "cancelled" and g.state(k).item.decision.no == "国发〔2017〕7号"
    assert g.state(k).history_text() == "2013-11-08 下放（国发〔2013〕44号） → 2017-01-12 取消（国发〔2017〕7号）"
    assert g.state(k, as_of="2015-06-30").kind == "delegated"
    assert g.state(k, as_of="2013-01-01") is None
    forest = group("省级、县级森林公园设立、撤销、合并、改变经营范围或者变更隶属关系审批")
    assert forest == group("省、市、县级森林公园设立、撤销、合并、改变经营范围或者变更隶属关系审批")
    assert g.state(forest, "黑龙江省").kind == "kept"
    assert g.state(forest, "广西壮族自治区").kind == "cancelled"
    assert g.state(forest, "黑龙江省", as_of="2016-03-01").kind == "cancelled"   # before the exception
    # 取消后改为备案 is a cancellation of the permit
    assert g.state(group("石油天然气（含煤层气）对外合作项目总体开发方案审批")).kind == "cancelled"


def test_template_validates_with_check_registry(tmp_path):
    shutil.copy(TEMPLATE, tmp_path / "gf-2019-6.toml")
    r = run("revoked", "--check-registry", tmp_path)
    assert r.exit_code == 0, r.output
    assert "登记表校验通过：1 个文件，1 个决定，2 项" in r.output


def _broken(tmp_path, old, new, name="mine.toml"):
    text = TEMPLATE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old,new,zh,en", [
    ('date = "2019-02-27"', "",
     "mine.toml：决定缺少必填字段 date", "mine.toml: the decision lacks the required field date"),
    ('date = "2019-02-27"', 'date = "2019-2-27"',
     "mine.toml（第 11 行）：决定字段 date 不合格：应为 YYYY-MM-DD，实为 2019-2-27",
     "mine.toml (line 11): decision field date is invalid: expected YYYY-MM-DD, got 2019-2-27"),
    ('action = "下放"', 'action = "撤回"',
     "mine.toml：第 2 项（第 37 行）字段 action 不合格：应为 取消 / 下放 / 改为备案 / 取消初审 / 部分取消 / 部分下放 / 地方保留，实为 撤回",
     "mine.toml: item 2 (line 37), field action is invalid: expected 取消 / 下放 / 改为备案 / 取消初审 / "
     "部分取消 / 部分下放 / 地方保留, got 撤回"),
    ('seq = 1 ', 'seq = 0 ',
     "mine.toml：第 1 项（第 23 行）字段 seq 不合格：应为 ≥ 1，实为 0",
     "mine.toml: item 1 (line 23), field seq is invalid: expected ≥ 1, got 0"),
    ('new_level = "省级应急管理部门"', 'new_levle = "省级应急管理部门"',
     "mine.toml：第 2 项（第 38 行）字段 new_levle 不合格：应为 no such key，实为 —",
     "mine.toml: item 2 (line 38), field new_levle is invalid: expected no such key, got —"),
    ('complete = false', 'complete = "否"',
     "mine.toml（第 15 行）：决定字段 complete 不合格：应为 true / false，实为 否",
     "mine.toml (line 15): decision field complete is invalid: expected true / false, got 否"),
    ('[[items]]\nannex = "附件2"', '[[items]]\nannex = "附件2"\nname = [',
     "mine.toml 不是合法的 TOML（第 35 行）", "mine.toml is not valid TOML (line 35)"),
])
def test_malformed_user_registry_exits_3_naming_file_item_and_field(tmp_path, old, new, zh, en):
    bad = _broken(tmp_path, old, new)
    for args, text in ((("--check-registry", tmp_path), zh), (("--check-registry", bad, "--lang", "en"), en)):
        r = run("revoked", *args)
        assert r.exit_code == 3, r.output
        assert text in r.output and "Traceback" not in r.output
    # the same file given to a check of a catalog stops it the same way
    r = run("revoked", CATALOGS / "revoked_sample.csv", "--registry", bad, "-q")
    assert r.exit_code == 3 and zh in r.output


def test_semantic_checks_beyond_the_schema(tmp_path):
    dup = _broken(tmp_path, 'annex = "附件2"\nseq = 1', 'annex = "附件1"\nseq = 1', "dup.toml")
    with pytest.raises(InputError) as e:
        read_file(str(dup))
    assert e.value.key == "registry-item" and e.value.params["field"] == "seq" and e.value.params["item"] == 2
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    whole = _broken(tmp_path, "complete = false", "complete = true", "whole.toml")
    with pytest.raises(InputError) as e:
        read_file(str(whole))
    assert e.value.params["field"] == "complete" and e.value.params["got"] == "2 items"
    whole.unlink()
    text = TEMPLATE.read_text(encoding="utf-8") + (
        '\n[[items]]\nname = "某某森林公园审批"\naction = "地方保留"\nregion = "吉林省"\n'
        'legal_basis = "《吉林省某条例》"\noverrides = ["从未被取消的事项名称"]\n')
    (tmp_path / "exc.toml").write_text(text, encoding="utf-8")
    r = run("revoked", "--check-registry", tmp_path)
    assert r.exit_code == 3
    assert "exc.toml：第 3 项" in r.output and "字段 overrides" in r.output


def test_user_exception_silences_its_own_province_only(tmp_path):
    text = ('decision_no = "吉政发〔2017〕1号"\ntitle = "例外保留"\ndate = "2017-06-01"\nissuer = "吉林省人民政府"\n'
            'kind = "provincial"\nregion = "吉林省"\ncomplete = true\nannex_size = 1\nsource = "吉政发〔2017〕1号"\n\n'
            '[[items]]\nname = "棉花加工资格认定"\naction = "地方保留"\nlegal_basis = "《吉林省棉花条例》"\n'
            'overrides = ["棉花加工资格认定"]\n')
    (tmp_path / "jl.toml").write_text(text, encoding="utf-8")
    local = tmp_path / "local.csv"
    local.write_text("事项名称,事项类型,行政区划代码\n棉花加工资格认定,行政许可,220000\n棉花加工资格认定,行政许可,450000\n",
                     encoding="utf-8")
    from validators import revoked

    rep = revoked(str(local), registry=[str(tmp_path / "jl.toml")])
    assert [(f["row"], f["code"]) for f in rep.iter_findings()] == [(3, "revoked-item-listed")]
    assert [(f["row"], f["code"]) for f in revoked(str(local)).iter_findings()] == \
        [(2, "revoked-item-listed"), (3, "revoked-item-listed")]


def test_builtin_registry_location_is_the_catalogs_folder():
    reg = load_registry()
    assert all(f.startswith(str(ROOT / "catalogs" / "revocations")) for f in reg.files)


def test_other_unusable_registry_and_permit_list_inputs_exit_3(tmp_path):
    md = tmp_path / "notes.md"
    md.write_text("# notes", encoding="utf-8")
    sample = CATALOGS / "revoked_sample.csv"
    r = run("revoked", sample, "--registry", md)
    assert r.exit_code == 3 and "notes.md：登记表文件应为 .toml（实为 .md）" in r.output
    (tmp_path / "empty").mkdir()
    r = run("revoked", "--check-registry", tmp_path / "empty", "--lang", "en")
    assert r.exit_code == 3 and "no registry file (*.toml) in" in r.output
    (tmp_path / "gbk.toml").write_bytes('decision_no = "国发〔2019〕6号"\n'.encode("gbk"))
    r = run("revoked", "--check-registry", tmp_path / "gbk.toml")
    assert r.exit_code == 3 and "gbk.toml 不是 UTF-8 编码的登记表文件" in r.output
    plist = tmp_path / "list.csv"
    plist.write_text("实施主体,行政区划代码\n灵山县市场监督管理局,450721\n", encoding="utf-8")
    r = run("revoked", sample, "--permit-list", plist)
    assert r.exit_code == 3 and "找不到行政许可事项名称" in r.output
