"""Item-name normalisation, region-prefix variants and keyword guards (domain.md §9).

Character scores mislead on Chinese item names: ``食品经营许可证核发`` and ``药品经营许可证核发``
differ by one character (ratio 88.9) yet are different permits, while a dropped suffix costs more
than that.  So names are first reduced to a *key* (NFKC, one bracket and dash style, no spaces,
no level suffix such as （县级）), matched on that key, and only then scored; and a fuzzy score
never decides alone when the two names differ in a *guarded* word: the regulated object
(食品/药品…), the action (核发/变更…), the kind of power (许可/处罚…), the activity
(生产/经营…), a grade (第二类/第三类), a negation, or a parenthesised scope qualifier.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# ----------------------------------------------------------------- normalisation

_TRANSLATE = str.maketrans({
    "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "﹝": "(", "﹞": ")",
    "〖": "(", "〗": ")", "{": "(", "}": ")",
    "—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "‒": "-", "─": "-", "━": "-", "﹣": "-",
    "“": None, "”": None, "‘": None, "’": None, '"': None, "'": None,
    "「": None, "」": None, "『": None, "』": None,
})
_SPACE = re.compile(r"\s+")
_DASH_RUN = re.compile(r"-{2,}")
# a parenthesised level suffix: only level words inside, e.g. (县级) (市级/县级) (省级权限) (省、市、县)
_LEVEL_CHARS = "国家省市县区乡镇街道村社居级本以下上层权限实施、/,和及与"
_LEVEL_GROUP = re.compile(r"\(([" + _LEVEL_CHARS + r"]+)\)")
_PAREN_GROUP = re.compile(r"\(([^()]*)\)")
_TRAILING = "。.；;，,、-"
NAME_CAP = 1000
"""Characters of a name that are normalised and matched (the element's own limit); a longer value
is judged on its start, so no name can cost more than a bounded amount of work."""


def _is_level_words(content: str) -> bool:
    return ("级" in content or "权限" in content or
            all(c in "省市县区乡镇、/," for c in content))


@dataclass(frozen=True)
class NameKey:
    """A normalised name and what was removed to get it (kept as evidence)."""

    key: str
    removed: tuple[str, ...] = ()


def normalise_name(text: str) -> NameKey:
    """Reduce an item name to its comparison key (no region stripping; see :func:`variants`)."""
    if not isinstance(text, str):
        return NameKey("")
    s = unicodedata.normalize("NFKC", text[:NAME_CAP]).translate(_TRANSLATE)
    s = _SPACE.sub("", s)
    s = _DASH_RUN.sub("-", s).replace("其它", "其他")
    removed: list[str] = []

    def drop_level(m: re.Match) -> str:
        if _is_level_words(m.group(1)):
            removed.append(m.group(0))
            return ""
        return m.group(0)

    s = _LEVEL_GROUP.sub(drop_level, s)
    kept = s.rstrip(_TRAILING)  # str.rstrip: linear, where a `[…]+$` search is quadratic on 。。。x
    if kept and len(kept) < len(s):
        removed.append(s[len(kept):])
        s = kept
    return NameKey(s, tuple(removed))


# ----------------------------------------------------------------- region prefixes

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市",
    "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
    "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
    "青海省", "宁夏回族自治区", "新疆维吾尔自治区", "新疆生产建设兵团", "香港特别行政区", "澳门特别行政区",
    "台湾省",
)
_REGION_SUFFIX = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,9}?(?:特别行政区|自治区|自治州|自治县|自治旗)"
    r"|[\u4e00-\u9fff]{1,4}?(?:地区|林区|新区|省|市|县|区|旗|盟))")
_NOT_IN_REGION = re.compile(r"[对的在关于和或及与从向为被将把擅占]")
# words that end like a region but are ordinary vocabulary at the start of an item name
_NOT_REGIONS = frozenset({
    "城市", "都市", "超市", "城区", "社区", "园区", "景区", "林区", "牧区", "矿区", "市区", "郊区", "辖区",
    "山区", "库区", "垦区", "湖区", "灾区", "街区", "小区", "校区", "港区", "保护区", "自然保护区",
    "开发区", "风景名胜区", "城镇", "县级", "市级", "省级", "区域", "地区", "特区", "示范区",
    "试验区", "集聚区", "功能区", "规划区", "禁区", "市政", "市场", "县域", "州县",
})
MIN_REST = 4


def region_prefix(key: str) -> str | None:
    """The leading region name of a key (四川省, 灵山县, 广西壮族自治区 …), if it has one."""
    for p in PROVINCES:
        if key.startswith(p) and len(key) - len(p) >= MIN_REST:
            return p
    m = _REGION_SUFFIX.match(key)
    if (m and m.group(0) not in _NOT_REGIONS and not _NOT_IN_REGION.search(m.group(0))
            and len(key) - m.end() >= MIN_REST):
        return m.group(0)
    return None


def strip_regions(key: str) -> tuple[str, tuple[str, ...]]:
    """Remove stacked region prefixes (四川省成都市武侯区…) and return the rest and the prefixes."""
    parts: list[str] = []
    for _ in range(4):
        p = region_prefix(key)
        if p is None:
            break
        parts.append(p)
        key = key[len(p):]
    return key, tuple(parts)


def strip_qualifiers(key: str) -> tuple[str, tuple[str, ...]]:
    """Remove parenthesised scope qualifiers (…（不影响该宗教活动场所现有布局和功能的）…)."""
    found = tuple(m.group(0) for m in _PAREN_GROUP.finditer(key))
    if not found:
        return key, ()
    return _PAREN_GROUP.sub("", key), found


@dataclass(frozen=True)
class Variant:
    """One form of a local name tried against the base: ``text`` is scored or looked up;
    ``guard_key`` is what the guards compare (region removed, qualifiers kept)."""

    text: str
    guard_key: str
    region: tuple[str, ...] = ()
    qualifier: tuple[str, ...] = ()


@lru_cache(maxsize=200_000)
def variants(key: str) -> tuple[Variant, ...]:
    """The key itself, then without region prefixes, then without scope qualifiers."""
    out = [Variant(key, key)]
    bare, regions = strip_regions(key)
    if regions:
        out.append(Variant(bare, bare, regions))
    for v in list(out):
        text, quals = strip_qualifiers(v.text)
        if quals and len(text) >= MIN_REST:
            out.append(Variant(text, v.guard_key, v.region, quals))
    seen: set[str] = set()
    uniq = []
    for v in out:
        if v.text not in seen:
            seen.add(v.text)
            uniq.append(v)
    return tuple(uniq)


# ----------------------------------------------------------------- keyword guards

OBJECTS = (
    "食品", "保健食品", "特殊医学用途配方食品", "婴幼儿配方", "食品添加剂", "药品", "麻醉药品", "精神药品",
    "医疗用毒性药品", "放射性药品", "疫苗", "医疗器械", "兽药", "农药", "化妆品", "特种设备", "压力容器",
    "气瓶", "电梯", "锅炉", "起重机械", "危险化学品", "剧毒化学品", "易制毒化学品", "烟花爆竹",
    "民用爆炸物品", "放射源", "射线装置", "放射性", "种子", "种畜禽", "饲料", "肥料", "兽医", "动物",
    "植物", "水产", "渔业", "捕捞", "船舶", "船员", "机动车", "驾驶", "拖拉机", "道路", "公路", "水路",
    "航道", "港口", "出租汽车", "客运", "货运", "燃气", "供水", "排水", "污水", "取水", "河道", "水利",
    "水土保持", "采矿", "探矿", "矿产", "林木", "木材", "林地", "草原", "野生动物", "野生植物", "土地",
    "耕地", "不动产", "房屋", "房地产", "商品房", "物业", "建筑", "建设工程", "建筑垃圾", "城市道路",
    "医疗机构", "诊所", "医师", "护士", "药师", "乡村医生", "母婴保健", "公共场所", "饮用水", "职业病",
    "学校", "幼儿园", "教师", "培训", "出版物", "印刷", "音像", "电子出版物", "广播电视", "卫星",
    "互联网", "网络", "电影", "演出", "娱乐场所", "游艺", "旅行社", "导游", "文物", "博物馆", "宗教",
    "档案", "测绘", "地图", "户口", "户籍", "居民身份证", "护照", "枪支", "弹药", "保安", "旅馆",
    "印章", "公章", "烟草", "酒类", "盐", "粮食", "煤炭", "石油", "天然气", "电力", "排污", "污染物",
    "辐射", "固体废物", "危险废物", "噪声", "环境影响", "社会团体", "民办非企业", "基金会",
    "结婚", "离婚", "婚姻", "收养", "殡葬", "慈善", "彩票", "专利", "商标", "计量", "认证", "检验检测",
    "广告", "价格", "税款", "发票", "增值税", "消费税", "车辆购置税", "社会保险", "医疗保险", "失业",
    "就业", "职业技能", "劳务派遣", "人力资源", "优抚", "烈士", "残疾", "军人", "义务兵", "最低生活保障",
    "特困", "救助", "养老", "老年人", "儿童", "未成年人", "妇女", "出生", "死亡", "预防接种", "体育",
    "全民健身", "营业性", "外国", "境外", "港澳", "台湾", "出入境", "对外贸易", "外商", "企业", "个体",
    "农民专业合作社", "安全生产", "应急预案", "消防", "人防", "防空", "气象", "地震", "无线电",
)
ACTIONS = (
    "核发", "变更", "延续", "注销", "补办", "补发", "补领", "换证", "换发", "撤销", "吊销", "迁移", "转让",
    "增项", "新办", "首次", "初次", "再次", "复查", "新设", "设立", "合并", "分立", "年检", "延期", "更正",
    "恢复", "终止", "新建", "扩建", "改建", "初审", "预审",
)
KINDS = (
    "许可", "处罚", "强制", "征收", "给付", "检查", "确认", "奖励", "裁决", "备案", "审批", "核准",
    "登记", "认定", "审核", "查封", "扣押", "罚款", "没收", "表彰",
)
ACTIVITIES = (
    "生产", "经营", "使用", "销售", "运输", "储存", "进口", "出口", "零售", "批发", "制造", "充装",
    "安装", "改造", "修理", "维修", "检验", "检测", "建设", "开采", "采伐", "收购", "加工", "复制",
    "发行", "放映", "出版", "经纪", "租赁", "拆除", "占用", "挖掘",
)
NEGATIONS = ("不予", "不", "非", "免予", "免于", "未")
_GRADE = re.compile(r"第?[一二三四五六七八九十甲乙丙丁ⅠⅡⅢⅣⅤ\d]+(?:级|类|等|档)")
GUARD_KINDS = ("object", "action", "kind", "activity", "grade", "negation", "qualifier")
_VOCAB = {"object": OBJECTS, "action": ACTIONS, "kind": KINDS, "activity": ACTIVITIES,
          "negation": NEGATIONS}


@lru_cache(maxsize=200_000)
def features(key: str) -> dict[str, frozenset[str]]:
    """The guarded words a key contains, per guard kind.

    Words inside parentheses count only as the qualifier, so one differing qualifier is one guard.
    """
    bare = _PAREN_GROUP.sub("", key)
    out = {kind: frozenset(w for w in vocab if w in bare) for kind, vocab in _VOCAB.items()}
    out["grade"] = frozenset(_GRADE.findall(bare))
    out["qualifier"] = frozenset(m.group(1) for m in _PAREN_GROUP.finditer(key))
    return out


def guards(local_key: str, base_key: str) -> tuple[str, ...]:
    """Guards that fire between two keys, as ``kind:local≠base`` texts (empty when none fire)."""
    a, b = features(local_key), features(base_key)
    fired = []
    for kind in GUARD_KINDS:
        if a[kind] != b[kind]:
            only_a = "、".join(sorted(a[kind] - b[kind])) or "∅"
            only_b = "、".join(sorted(b[kind] - a[kind])) or "∅"
            fired.append(f"{kind}:{only_a}≠{only_b}")
    return tuple(fired)


def match_guards(local_key: str, base_key: str) -> tuple[str, ...]:
    """The guards of an *automatic* match: the keyword guards, or else any content character by
    which the names differ that no known equivalence explains (``unexplained:站≠∅``)."""
    fired = guards(local_key, base_key)
    if not fired:
        extra = unexplained(local_key, base_key)
        if extra:
            fired = (f"unexplained:{extra[0] or '∅'}≠{extra[1] or '∅'}",)
    return fired


# differences that do not change the item: punctuation and bracket forms, and suffixes that name
# the same permit (…许可 = …许可证核发 = …许可证) and connectives (和/与/及); level and region
# affixes are removed before
EQUIVALENT_WORDS = ("核发", "证书", "证", "审批", "办理", "的", "以及", "和", "与", "及", "或者", "或")
_NEUTRAL_CHARS = frozenset("()-、,，/·.。;；:：")


def _explained(segment: str) -> bool:
    rest = "".join(c for c in segment if c not in _NEUTRAL_CHARS)
    while rest:
        word = next((w for w in EQUIVALENT_WORDS if rest.startswith(w)), None)
        if word is None:
            return False
        rest = rest[len(word):]
    return True


@lru_cache(maxsize=200_000)
def unexplained(local_key: str, base_key: str) -> tuple[str, str] | None:
    """The content characters by which two keys differ that no known equivalence explains, as
    (local only, base only); None when every difference is explained.

    ``道路旅客运输站经营许可`` vs ``道路旅客运输经营许可`` scores 95.2 but the inserted 站 makes it
    another permit: a fuzzy match must never be automatic while such a character remains.
    """
    from difflib import SequenceMatcher

    only_a, only_b = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, local_key, base_key, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        seg_a, seg_b = local_key[i1:i2], base_key[j1:j2]
        if not (_explained(seg_a) and _explained(seg_b)):
            only_a.append(seg_a)
            only_b.append(seg_b)
    if not only_a and not only_b:
        return None
    return "、".join(x for x in only_a if x), "、".join(x for x in only_b if x)
