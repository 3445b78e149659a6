"""Write the conformity samples: a national base catalog, a county 实施清单 and its true alignment.

    .venv/bin/python catalogs/make_conform_samples.py

Deterministic (fixed seed).  Outputs, next to this script:
- ``national_base_sample.csv`` — the items of :mod:`conform_base_items` with sub-items;
- ``local_catalog_sample.csv`` — a 灵山县 (county, 行使层级 4) 实施清单 claiming most items that
  apply at county level, with the name and code variation seen in real exports;
- ``local_catalog_truth.csv`` — for each local row: the true base code (empty when the row has no
  national counterpart), whether it is a hard negative (must never be auto-matched), the band
  the matcher is expected to give, and the kind of variation.  See CONFORM.md.
"""
from __future__ import annotations

import csv
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from conform_base_items import base_rows  # noqa: E402

from validators.checks.codes import org_check_char, uscc_check_char  # noqa: E402

SEED = 20240611
AREA = "450721"
LEVEL = "4"
REAL_BODIES = {"灵山县行政审批局": "11450721MB15580811", "灵山县发展和改革局": "114507210081153718",
               "灵山县文化广电体育和旅游局": "11450721348531435D"}
BODY_BY_DEPT = {
    "04": "灵山县发展和改革局", "31": "灵山县市场监督管理局", "72": "灵山县市场监督管理局",
    "20": "灵山县农业农村局", "23": "灵山县卫生健康局", "09": "灵山县公安局", "17": "灵山县住房和城乡建设局",
    "15": "灵山县自然资源局", "16": "钦州市灵山生态环境局", "18": "灵山县交通运输局", "11": "灵山县民政局",
    "22": "灵山县文化广电体育和旅游局", "33": "灵山县文化广电体育和旅游局", "39": "灵山县文化广电体育和旅游局",
    "41": "灵山县民族宗教事务局", "25": "灵山县应急管理局", "64": "灵山县林业局", "75": "灵山县档案馆",
    "30": "国家税务总局灵山县税务局", "24": "灵山县退役军人事务局", "21": "灵山县商务局", "73": "灵山县市场监督管理局",
}
BASE_HEADER = ["基本编码", "事项名称", "事项类型", "行使层级", "设定依据", "中央业务指导部门"]
LOCAL_HEADER = ["事项名称", "基本编码", "实施编码", "事项类型", "行使层级", "实施主体", "实施主体编码",
                "设定依据", "权力来源", "实施主体性质", "办理流程", "受理条件", "申请材料", "法定办结时限",
                "法定办结时限单位", "承诺办结时限", "承诺办结时限单位", "办件类型", "服务对象", "是否收费",
                "到办事现场次数", "必须现场办理原因说明", "办理地点", "办理时间", "咨询方式", "监督投诉方式",
                "是否网办", "网办地址", "处罚的行为、种类、幅度"]
TRUTH_HEADER = ["local_row", "local_name", "true_base_code", "hard_negative", "expected_band",
                "variation", "note"]
# variation of claimed items: (kind, weight)
VARIATIONS = (("exact", 55), ("region-prefix", 6), ("level-suffix", 6), ("task-code-only", 6),
              ("name-only-exact", 5), ("name-normalised", 12), ("name-fuzzy", 7),
              ("name-truncated", 3))
NORMALISING_NOISE = ("灵山县{}", "广西壮族自治区{}", "钦州市灵山县{}", "{}（县级）", "{}(县级)", "{}【县级】",
                     "{}（市级/县级）", "{}（县级权限）", "{}。")


def body_code(name: str) -> str:
    if name in REAL_BODIES:
        return REAL_BODIES[name]
    seed = sum(ord(c) * (i + 1) for i, c in enumerate(name)) % 10**8
    org8 = f"{seed:08d}"
    first17 = f"1145{AREA[2:]}" + org8 + org_check_char(org8)
    return first17 + uscc_check_char(first17)


def noisy(rng: random.Random, name: str, kind: str) -> str:
    if kind in ("region-prefix",):
        return rng.choice(("灵山县{}", "钦州市灵山县{}", "广西壮族自治区{}")).format(name)
    if kind == "level-suffix":
        return rng.choice(("{}（县级）", "{}（市级/县级）", "{}（县级权限）", "{}【县级】")).format(name)
    if kind == "name-normalised":
        if "（" in name and rng.random() < 0.5:
            return name.replace("（", "(").replace("）", ")")
        if "其他" in name:
            return name.replace("其他", "其它")
        if rng.random() < 0.2 and len(name) > 4:
            cut = rng.randrange(2, len(name) - 1)
            return name[:cut] + rng.choice((" ", "　", "  ")) + name[cut:]
        return rng.choice(NORMALISING_NOISE).format(name)
    raise ValueError(kind)


def fuzzy_variant(name: str) -> str | None:
    """A realistic small slip that keeps the item recognisable, or None when none applies."""
    if "、" in name:
        i = name.index("、")
        return name[:i] + name[i + 1:]
    if "和" in name and len(name) >= 20:
        return name.replace("和", "与", 1)
    if "的" in name and len(name) >= 11:
        i = name.rindex("的")
        return name[:i] + name[i + 1:]
    return None


def truncated(name: str) -> str | None:
    for tail in ("核发", "审批", "给付", "登记"):
        if name.endswith(tail) and len(name) >= 8:
            return name[: -len(tail)]
    return None


class Writer:
    def __init__(self, base_index):
        self.rows: list[dict] = []
        self.truth: list[list] = []
        self.base = base_index

    def add(self, name, *, code, typ, levels=LEVEL, task=True, cat=True, truth_code, hard=0,
            band="matched", variation="exact", note="", body=None, dept=None, task_digit=LEVEL,
            overrides=None):
        b = self.base.get(code)
        dept = dept or (b["dept"] if b else "31")
        body = body or (BODY_BY_DEPT[dept] if typ != "01" or dept in ("09", "30")
                        else "灵山县行政审批局")
        bcode = body_code(body)
        basis = b["basis"] if b else "《广西壮族自治区政务服务事项管理办法》第十条"
        row = {
            "事项名称": name, "基本编码": code if cat else "",
            "实施编码": (bcode + task_digit + code) if task and code else "",
            "事项类型": typ, "行使层级": levels, "实施主体": body, "实施主体编码": bcode, "设定依据": basis,
            "权力来源": "1", "实施主体性质": "1", "办理流程": "受理→审查→决定→送达",
            "受理条件": "申请人提交的申请材料齐全、符合法定形式", "申请材料": "申请书；身份证明材料",
            "法定办结时限": "20", "法定办结时限单位": "1", "承诺办结时限": "5", "承诺办结时限单位": "1",
            "办件类型": "2", "服务对象": "1,2", "是否收费": "0", "到办事现场次数": "1",
            "必须现场办理原因说明": "核验原件",
            "办理地点": "灵山县三海街道江南路12号县政务服务中心二楼综合窗口",
            "办理时间": "工作日：上午9:00-12:00，下午14:00-17:00，法定节假日除外。",
            "咨询方式": "0777-6428820", "监督投诉方式": "0777-6428880", "是否网办": "1",
            "网办地址": "http://zwfw.gxzf.gov.cn/", "处罚的行为、种类、幅度":
                "责令改正，给予警告；情节严重的，处以罚款" if typ == "02" else "",
        }
        row.update(overrides or {})
        self.rows.append(row)
        self.truth.append([len(self.rows) + 1, name, truth_code, hard, band, variation, note])


def main() -> None:
    rng = random.Random(SEED)
    base = base_rows()
    with open(os.path.join(HERE, "national_base_sample.csv"), "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(BASE_HEADER)
        w.writerows(base)
    index = {r[0]: {"name": r[1], "type": r[2], "levels": r[3], "basis": r[4], "dept": r[5]} for r in base}
    by_name = {r[1]: r[0] for r in base}
    has_subs = {c[:9] for c in index if not c.endswith("000")}
    special = {"000131002001", "000123005000", "000131035000", "000117003000", "000141005000"}
    parent_claims = {"000709001000", "000131001000"}     # claim the main item instead of its subs
    out = Writer(index)

    weights = [w for _, w in VARIATIONS]
    kinds = [k for k, _ in VARIATIONS]
    for code, b in index.items():
        if LEVEL not in b["levels"].split(",") or code in special:
            continue
        is_main_with_subs = code.endswith("000") and code[:9] in has_subs
        parent = code[:9] + "000"
        if is_main_with_subs and code not in parent_claims:
            continue
        if not code.endswith("000") and parent in parent_claims:
            continue
        if rng.random() < 0.08 and code not in parent_claims:
            continue                                   # not claimed: shows up in coverage
        name, typ = b["name"], b["type"]
        kind = "parent-claim" if code in parent_claims else rng.choices(kinds, weights)[0]
        if kind == "name-fuzzy":
            slip = fuzzy_variant(name)
            if slip is None:
                kind = "name-normalised"
        if kind == "name-truncated":
            cut = truncated(name)
            if cut is None or cut in by_name:
                kind = "name-normalised"
        if kind in ("exact", "parent-claim"):
            out.add(name, code=code, typ=typ, truth_code=code, variation=kind)
        elif kind in ("region-prefix", "level-suffix"):
            out.add(noisy(rng, name, kind), code=code, typ=typ, truth_code=code, variation=kind)
        elif kind == "task-code-only":
            out.add(name, code=code, typ=typ, cat=False, truth_code=code, variation=kind)
        elif kind == "name-only-exact":
            out.add(name, code=code, typ=typ, cat=False, task=False, truth_code=code, variation=kind)
        elif kind == "name-normalised":
            out.add(noisy(rng, name, kind), code=code, typ=typ, cat=False, task=False, truth_code=code,
                    variation=kind)
        elif kind == "name-fuzzy":
            out.add(slip, code=code, typ=typ, cat=False, task=False, truth_code=code, variation=kind)
        elif kind == "name-truncated":
            out.add(cut, code=code, typ=typ, cat=False, task=False, truth_code=code, band="review",
                    variation=kind, note="suffix dropped: the action/kind guard asks a person")

    # ---- planted cases (see CONFORM.md)
    out.add("燃气经营许可证核发", code="000117003000", typ="10", truth_code="000117003000",
            variation="type-mismatch", note="事项类型 10 but the base says 01")
    out.add("移动式压力容器、气瓶充装许可", code="000131035000", typ="01", truth_code="000131035000",
            variation="level-mismatch", note="a county claims a province-level (2) item")
    out.add("饮用水供水单位卫生许可", code="000123099000", typ="01", truth_code="000123005000",
            variation="code-unknown", note="code not in the base; the name identifies the item")
    out.add("食品经营许可证核发", code="000131002001", typ="01", truth_code="000131002001",
            variation="exact", note="the real 食品经营许可证核发 row")
    out.add("食品经营许可证核发", code="000172001001", typ="01", truth_code="", hard=1, band="review",
            variation="code-name-conflict", note="code of 药品经营许可证核发, name of 食品经营许可证核发",
            dept="31")
    out.add("在宗教活动场所内改建或者新建建筑物审批", code="000141005000", typ="01",
            truth_code="000141005000", variation="exact")
    out.add("在宗教活动场所内改建或者新建建筑物（不影响该宗教活动场所现有布局和功能的）审批",
            code="000141005000", typ="01", cat=False, task=False, truth_code="000141005000", hard=1,
            band="review", variation="sub-case-qualifier",
            note="业务办理项 D′ of domain §8.1: a person must confirm (qualifier guard)")
    hard_negatives = (
        ("保健食品经营许可证核发", "01", "object", "no national item; nearest 食品经营许可证核发"),
        ("化妆品经营许可证核发", "01", "object", "no national item; nearest 药品/食品经营许可证核发"),
        ("第二类医疗器械经营许可证核发", "01", "grade", "nearest 第三类医疗器械经营许可证核发"),
        ("食品经营许可证换发", "01", "action", "换发 is not a national sub-item"),
        ("兽用生物制品经营许可证核发", "01", "object", "nearest 兽药经营许可证核发"),
        ("对举报化妆品违法行为的奖励", "08", "object", "nearest 对举报药品违法行为的奖励"),
        ("对未取得药品经营许可证经营医疗器械的处罚", "02", "object",
         "nearest 对未取得药品经营许可证经营药品的处罚"),
        ("药品经营许可证核发（零售）", "01", "qualifier", "scope qualifier absent from the base"),
        # one inserted content character: ratio ≥ 93 and no keyword guard, yet another permit
        ("道路旅客运输站经营许可", "01", "inserted-char", "ratio 95.2 to 道路旅客运输经营许可"),
        ("道路货物运输站经营许可", "01", "inserted-char", "ratio 95.2 to 道路货物运输经营许可"),
        ("燃气具经营许可证核发", "01", "inserted-char", "ratio 94.7 to 燃气经营许可证核发"),
        ("建筑工程施工图许可证核发", "01", "inserted-char", "ratio 95.7 to 建筑工程施工许可证核发"),
        ("排污权许可证核发", "01", "inserted-char", "ratio 93.3 to 排污许可证核发"),
    )
    for name, typ, kind, note in hard_negatives:
        band = "unmatched" if name.startswith("兽用") else "review"    # ratio 72.7: below review
        out.add(name, code="", typ=typ, cat=False, task=False, truth_code="", hard=1, band=band,
                variation=f"hard-negative-{kind}", note=note, dept="72" if "药" in name else "31")
    out.add("政府投资项目审批——可行性研究报告审批", code="452004020000", typ="20", truth_code="",
            band="unmatched", variation="local-added", body="灵山县发展和改革局",
            note="real Guangxi item B (RR=45): a provincial addition, reported apart")
    out.add("农村村民宅基地审批", code="", typ="01", cat=False, task=False, truth_code="",
            band="unmatched", variation="local-only", dept="15", note="no national counterpart here")
    out.add("荔枝种植技术咨询服务", code="", typ="20", cat=False, task=False, truth_code="",
            band="unmatched", variation="local-only", dept="20", note="no national counterpart")

    # ---- element defects: alignment unchanged, 实施清单符合率 fails (CONFORM.md)
    exact_rows = [i for i, t in enumerate(out.truth) if t[5] == "exact"]
    pick = rng.sample(exact_rows, 5)
    defects = [({"受理条件": ""}, "element-missing 受理条件"),
               ({"受理条件": "无"}, "element-missing 受理条件 (placeholder 无)"),
               ({"法定办结时限": "二十个工作日"}, "element-wrong-type 法定办结时限"),
               ("level-digit", "task-code-level-mismatch (digit 3, level 4)"),
               ("bad-uscc", "uscc-check-digit on 实施主体编码")]
    for i, (change, note) in zip(pick, defects):
        row = out.rows[i]
        if change == "level-digit":
            row["实施编码"] = row["实施编码"][:18] + "3" + row["实施编码"][19:]
        elif change == "bad-uscc":
            wrong = "0" if row["实施主体编码"][-1] != "0" else "1"
            row["实施主体编码"] = row["实施主体编码"][:17] + wrong
            row["实施编码"] = row["实施主体编码"] + row["实施编码"][18:]
        else:
            row.update(change)
        out.truth[i][6] = note

    with open(os.path.join(HERE, "local_catalog_sample.csv"), "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, LOCAL_HEADER)
        w.writeheader()
        w.writerows(out.rows)
    with open(os.path.join(HERE, "local_catalog_truth.csv"), "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(TRUTH_HEADER)
        w.writerows(out.truth)
    print(f"base {len(base)} items, local {len(out.rows)} rows")


if __name__ == "__main__":
    main()
