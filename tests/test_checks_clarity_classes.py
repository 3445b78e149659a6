"""One named test per false-alarm class of issue 8 items 1, 2, 3 and 8, on real-shaped guides.

Each test writes a CSV of guides (the Guangxi record A of domain.md §8.1 with the element under
test changed) and runs ``validate`` on it, so the class is covered end to end: reader, aliases,
the vectorised kernels, the report.  The corpus test (test_corpus_clarity.py) measures precision
and recall over many more values; these tests pin each class by name.
"""
from __future__ import annotations

import pytest
from conftest import GUANGXI, write_csv

from validators import validate


def codes_on(tmp_path, field: str, values: list[str], **changes) -> list[set[str]]:
    """The rule codes reported on ``field`` for each value, one guide per value."""
    recs = [dict(GUANGXI["A"], **{field: v}, **changes) for v in values]
    report = validate(str(write_csv(tmp_path / "g.csv", recs)))
    out = [set() for _ in values]
    for f in report.findings():
        if f.field == field and f.row is not None:
            out[f.row - 2].add(f.code)
    return out


def assert_none(tmp_path, field, values, rules, **changes):
    got = codes_on(tmp_path, field, values, **changes)
    bad = [(v, g & set(rules)) for v, g in zip(values, got) if g & set(rules)]
    assert not bad, bad


def assert_each(tmp_path, field, values, rule, **changes):
    got = codes_on(tmp_path, field, values, **changes)
    missed = [v for v, g in zip(values, got) if rule not in g]
    assert not missed, missed


LOCATION = ("handling-location-unclear", "location-online-only-with-visits")


# ------------------------------------------------------------------ item 1: 办理地点
def test_location_direction_and_section_words_between_road_and_number(tmp_path):
    assert_none(tmp_path, "handling_location", [
        "深圳市福田区深南大道东2001号市民中心C区行政服务大厅",
        "成都市武侯区人民南路三段17号四川省政务服务中心4楼",
        "某县城关镇解放中路88号县民政局二楼社会救助办公室",
        "朝阳市双塔区朝阳大道北段5号市政务服务中心1楼",
        "台州市椒江区市府大道西段618号台州市市民服务中心二楼",
    ], LOCATION)


def test_location_rooms_and_named_rooms(tmp_path):
    assert_none(tmp_path, "handling_location", [
        "阳江市江城区东风三路36号阳江市民政局5楼503房",
        "茂名市茂南区油城七路8号市社会保险基金管理局二楼12号房",
        "惠州市惠城区三新北路31号市民政局201办公室",
        "乐山市市中区嘉定南路89号市民服务中心B座1203",
        "韶关市浈江区解放路28号市司法局接待室",
        "东莞市东城区东纵大道2号东莞市看守所探访室",
    ], LOCATION)


def test_location_windows(tmp_path):
    assert_none(tmp_path, "handling_location", [
        "中山市东区松苑路1号中山市政务服务中心二楼综合窗",
        "江门市蓬江区建设二路88号江门市行政服务中心2楼9号窗",
        "湛江市赤坎区海北路41号（前台服务窗）",
    ], LOCATION)


def test_location_online_only_statement_is_truthful_with_zero_visits(tmp_path):
    assert_none(tmp_path, "handling_location", ["无线下办理窗口", "本事项全程网上办理，无线下办理窗口",
                                                "不设线下窗口，通过广东政务服务网办理"],
                LOCATION, onsite_visits="0", onsite_reason="", is_online="1",
                online_url="https://www.gdzwfw.gov.cn/")


def test_location_online_only_statement_with_visits_is_a_consistency_finding(tmp_path):
    values = ["无线下办理窗口", "全程网办，无需到现场"]
    got = codes_on(tmp_path, "handling_location", values, onsite_visits="1")
    assert got == [{"location-online-only-with-visits"}] * 2  # and never handling-location-unclear


def test_location_true_positives_kept(tmp_path):
    assert_each(tmp_path, "handling_location", [
        "各区县服务窗口",                      # no address at all
        "县政务服务中心",
        "成都市锦江区锦华路一段66号",            # street and number, no floor/room/window
        "深南大道东2001号",
        "政务服务中心二楼综合窗口",               # room, no street
        "市民中心B座1203",
    ], "handling-location-unclear")


# ------------------------------------------------------------------ item 2: 办理时间
HOURS = ("handling-hours-unclear", "handling-hours-implausible")


def test_hours_range_dashes_and_zhi(tmp_path):
    assert_none(tmp_path, "handling_hours", [
        "周一至周五 上午8:30——12:00 下午14:30——17:30",
        "周一至周五上午9:00--12:00，下午13:30--17:00",
        "法定工作日上午9:00—12:00，下午13:00—17:00",
        "星期一至星期五：8:30～12:00，14:00～17:30",
        "工作日上午9:00至12:00、下午13:00至17:00",
    ], HOURS)


def test_hours_time_forms(tmp_path):
    assert_none(tmp_path, "handling_hours", [
        "工作日8时30分至12时，14时30分至17时30分",
        "工作日上午8点30分-12点，下午2点30分-5点30分",
        "周一至周五8.30-12.00、14.30-17.30",
        "工作日：上午８：３０－１２：００，下午１４：３０－１７：３０",
        "工作日上午八时三十分至十二时，下午二时三十分至五时三十分",
    ], HOURS)


def test_hours_several_ranges_separated(tmp_path):
    assert_none(tmp_path, "handling_hours", [
        "工作日：上午9:00-12:00，下午14:00-17:00",
        "工作日：上午9:00-12:00；下午13:30-17:30",
        "工作日：上午9:00-12:00、下午2:00-5:00",
    ], HOURS)


def test_hours_true_positives_kept(tmp_path):
    assert_each(tmp_path, "handling_hours", ["工作时间", "周一至周五", "详见大厅公告"], "handling-hours-unclear")
    assert_each(tmp_path, "handling_hours", ["工作日：下午17:00-14:00", "工作日：上午9:00——12:00，下午17:30——14:30"],
                "handling-hours-implausible")


# ------------------------------------------------------------------ item 3: 设定依据
def test_basis_tagged_name_without_book_marks_is_named_never_an_error(tmp_path):
    values = ["【规章】港口危险货物安全管理规定（中华人民共和国交通运输部令2017年第27号）第五十八条",
              "【行政法规】娱乐场所管理条例（国务院令第458号）第九条",
              "【规章】港口经营管理规定（中华人民共和国交通运输部令2020年第21号）"]
    got = codes_on(tmp_path, "legal_basis", values)
    assert got == [set(), set(), {"legal-basis-no-article"}]
    report = validate(str(write_csv(tmp_path / "h.csv", [dict(GUANGXI["A"], legal_basis=v) for v in values])))
    assert not [f for f in report.findings() if f.field == "legal_basis" and f.severity.value == "error"]


def test_basis_item_and_paragraph_locators(tmp_path):
    assert_none(tmp_path, "legal_basis", [
        "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）附件第193项",
        "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）第94项",
        "《中华人民共和国城乡规划法》第四十条第二款",
        "《国务院关于第六批取消和调整行政审批项目的决定》（国发〔2012〕52号）附件2第16项",
    ], ("legal-basis-unclear", "legal-basis-no-article"))


def test_basis_hygiene_stray_leading_punctuation(tmp_path):
    assert_each(tmp_path, "legal_basis", [";1、《军人抚恤优待条例》第三十三条", "；《中华人民共和国消防法》第十五条"],
                "legal-basis-leading-junk")
    assert_none(tmp_path, "legal_basis", ["1、《中华人民共和国森林法》第三十八条"], ("legal-basis-leading-junk",))


def test_basis_hygiene_wrapped_in_literal_quotes(tmp_path):
    assert_each(tmp_path, "legal_basis", ['"【规章】《医疗技术临床应用管理办法》（国家卫生健康委令2018年第1号）第四十一条"',
                                          "“《中华人民共和国消防法》第十五条”"], "legal-basis-wrapped-in-quotes")
    assert_none(tmp_path, "legal_basis", ["《军人抚恤优待条例》第三十三条“义务兵服现役期间，其家庭由当地人民政府发给优待金。”"],
                ("legal-basis-wrapped-in-quotes",))


def test_basis_hygiene_document_number_brackets(tmp_path):
    assert_each(tmp_path, "legal_basis", ["《辽宁省矿产资源权益金制度改革实施方案》（辽政发【2017】33号）第二条",
                                          "《国务院关于投资体制改革的决定》（国发[2004]20号）第三条"],
                "legal-basis-doc-number-brackets")
    assert_none(tmp_path, "legal_basis", ["《国务院关于投资体制改革的决定》（国发〔2004〕20号）第三条",
                                          "《固定资产投资项目节能审查办法》（2016年国家发改委令第44号）第三条"],
                ("legal-basis-doc-number-brackets",))


# ------------------------------------------------------------------ item 8: repeated paragraphs
def test_repeated_whole_paragraph_is_flagged(tmp_path):
    assert_each(tmp_path, "acceptance_conditions", [
        "申请材料齐全、符合法定形式，属于本机关职权范围的，予以受理，申请材料齐全、符合法定形式，属于本机关职权范围的，予以受理",
        "申请人为本县户籍居民或者在本县居住的常住人口；申请材料真实有效；申请人为本县户籍居民或者在本县居住的常住人口。",
    ], "duplicated-text-block")


def test_repeated_clause_fragments_in_enumerations_are_not_flagged(tmp_path):
    assert_none(tmp_path, "materials", [
        ("（一）申请人为法人的：1.申请表；2.营业执照副本原件及复印件一份（加盖公章）；"
         "（二）申请人为个体工商户的：1.申请表；2.营业执照副本原件及复印件一份（加盖公章）"),
        "申请材料齐全、符合法定形式；申请事项属于本机关法定职权范围；申请材料齐全、符合法定形式",
    ], ("duplicated-text-block",))


def test_repeated_quoted_statute_text_is_not_flagged(tmp_path):
    text = ("《城镇排水与污水处理条例》第二十一条：“从事工业、建筑、餐饮、医疗等活动的企业事业单位向城镇排水设施排放污水的，"
            "应当申请领取污水排入排水管网许可证。”《城镇污水排入排水管网许可管理办法》第五条：“从事工业、建筑、餐饮、医疗等"
            "活动的企业事业单位向城镇排水设施排放污水的，应当申请领取污水排入排水管网许可证。”")
    assert_none(tmp_path, "legal_basis", [text], ("duplicated-text-block",))


# ------------------------------------------------------------------ messages of the new rules
@pytest.mark.parametrize("lang,field,value,changes,code,message", [
    ("zh", "legal_basis", ";1、《军人抚恤优待条例》第三十三条", {}, "legal-basis-leading-junk",
     "设定依据以多余的标点开头：“;1、《军人抚恤优待条例》第三十三条”"),
    ("en", "legal_basis", ";1、《军人抚恤优待条例》第三十三条", {}, "legal-basis-leading-junk",
     "Legal basis starts with stray punctuation: \";1、《军人抚恤优待条例》第三十三条\""),
    ("zh", "legal_basis", "“《中华人民共和国消防法》第十五条”", {}, "legal-basis-wrapped-in-quotes",
     "整段设定依据被字面引号包住：“《中华人民共和国消防法》第十五条”"),
    ("en", "legal_basis", "“《中华人民共和国消防法》第十五条”", {}, "legal-basis-wrapped-in-quotes",
     "The whole legal basis is wrapped in literal quotes: “《中华人民共和国消防法》第十五条”"),
    ("zh", "legal_basis", "《国务院关于投资体制改革的决定》（国发[2004]20号）第三条", {}, "legal-basis-doc-number-brackets",
     "设定依据中文号的年份未用六角括号〔〕：“《国务院关于投资体制改革的决定》（国发[2004]20号）第三条”"),
    ("en", "legal_basis", "《国务院关于投资体制改革的决定》（国发[2004]20号）第三条", {}, "legal-basis-doc-number-brackets",
     "A document number's year in the legal basis is not in 〔〕: \"《国务院关于投资体制改革的决定》（国发[2004]20号）第三条\""),
    ("zh", "handling_location", "无线下办理窗口", {"onsite_visits": "2"}, "location-online-only-with-visits",
     "办理地点写明“无线下办理窗口”，但到办事现场次数为 2"),
    ("en", "handling_location", "无线下办理窗口", {"onsite_visits": "2"}, "location-online-only-with-visits",
     "Location says \"无线下办理窗口\" but on-site visits is 2"),
])
def test_new_rule_messages(tmp_path, lang, field, value, changes, code, message):
    rec = dict(GUANGXI["A"], **{field: value}, **changes)
    report = validate(str(write_csv(tmp_path / "m.csv", [rec])))
    msgs = [f for f in report.iter_findings(lang) if f["code"] == code]
    assert [m["message"] for m in msgs] == [message]
    assert msgs[0]["hint"]
