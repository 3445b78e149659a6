"""Per-element comparison keys: a labelled corpus of value pairs as channels really write them.

Each pair is (element, reference value, reference unit, channel value, channel unit, same for a
citizen?).  The corpus mixes the ways several provinces write the same thing (Guangxi 0777—,
Shanghai （021）, Chongqing camelCase numbers, 工作日 vs 周一至周五, 即办 vs 0) with real changes.
The comparison must reach precision and recall 1.0 on "differs" over this corpus, and every
normaliser is checked on its own below.
"""
import pytest

from validators.channels import normalise as nz
from validators.channels.fields import spec
from validators.channels.materials import diff_materials, materials_key, split_materials

SAME, DIFF = True, False
CORPUS = [
    # time limits: number + unit, Chinese numerals, units as codes or words, 即办
    ("legal_time_limit", "20", "工作日", "20个工作日", None, SAME),
    ("legal_time_limit", "20", "1", "二十个工作日", None, SAME),
    ("legal_time_limit", "２０", "1", "20", "工作日", SAME),
    ("legal_time_limit", "15", "2", "15天", None, SAME),
    ("legal_time_limit", "60", "自然日", "六十日", None, SAME),
    ("promised_time_limit", "0", "1", "即办", None, SAME),
    ("promised_time_limit", "5", "1", "自受理之日起5个工作日内办结", None, SAME),
    ("legal_time_limit", "20", "1", "30个工作日", None, DIFF),
    ("legal_time_limit", "20", "1", "20个自然日", None, DIFF),
    ("promised_time_limit", "5", "1", "3", "1", DIFF),
    ("promised_time_limit", "0", "1", "1个工作日", None, DIFF),
    ("legal_time_limit", "3", "个月", "90天", None, DIFF),
    ("legal_time_limit", "20", "1", "20（工作日）", None, SAME),
    # phones by their digits
    ("consultation_channel", "021-64381234", None, "（021）64381234", None, SAME),
    ("consultation_channel", "0777—6428820", None, "０７７７－６４２８８２０", None, SAME),
    ("consultation_channel", "咨询电话：0777-6428820", None, "0777 6428820", None, SAME),
    ("consultation_channel", "010-12345678；13800138000", None, "13800138000，(010)12345678", None, SAME),
    ("complaint_channel", "12345", None, "12345政务服务便民热线", None, SAME),
    ("consultation_channel", "023-63891234", None, "023-63891235", None, DIFF),
    ("consultation_channel", "0777-6428820", None, "0777-6428820；0777-6428821", None, DIFF),
    ("complaint_channel", "0777-6428880", None, "12345", None, DIFF),
    # 办理时间 by parsed days and ranges
    ("handling_hours", "工作日：上午9:00-12:00，下午14:00-17:00，法定节假日除外。", None,
     "周一至周五 上午9:00—12:00 下午2:00—5:00", None, SAME),
    ("handling_hours", "周一至周五：上午8:30-12:00，下午14:30-17:30（法定节假日除外）", None,
     "工作日 8:30-12:00，14:30-17:30", None, SAME),
    ("handling_hours", "星期一至星期五 9：00-12：00 14：00-17：00", None, "工作日 9:00至12:00 14:00至17:00", None, SAME),
    ("handling_hours", "周一至周日 全天24小时", None, "7×24小时", None, SAME),
    ("handling_hours", "工作日 9:00-12:00 14:00-17:00", None, "工作日 9:00-12:00 14:00-17:30", None, DIFF),
    ("handling_hours", "周一至周五 9:00-17:00", None, "周一至周六 9:00-17:00", None, DIFF),
    ("handling_hours", "工作日上午8:30-12:00", None, "工作日上午9:00-12:00", None, DIFF),
    # 办理地点: width, spaces, punctuation, 二楼 = 2楼
    ("handling_location", "灵山县三海街道江南路12号县政务服务中心二楼综合窗口11", None,
     "灵山县三海街道江南路１２号 县政务服务中心2楼综合窗口11。", None, SAME),
    ("handling_location", "重庆市渝北区政务服务中心（一楼）A区", None, "重庆市渝北区政务服务中心(1楼)A区", None, SAME),
    ("handling_location", "灵山县政务服务中心二楼综合窗口11", None, "灵山县政务服务中心一楼综合窗口11", None, DIFF),
    ("handling_location", "江南路12号", None, "江南路21号", None, DIFF),
    # fees by amount
    ("fee_standard", "不收费", None, "免费", None, SAME),
    ("fee_standard", "换领居民身份证每证20元", None, "每证20元", None, SAME),
    ("fee_standard", "住宅类每件80元，非住宅类每件550元", None, "住宅80元/件；非住宅550元/件", None, SAME),
    ("fee_standard", "每证20元", None, "每证25元", None, DIFF),
    ("fee_standard", "不收费", None, "每件10元", None, DIFF),
    # codes: labels, codes, camelCase numbers
    ("item_type", "01", None, "行政许可", None, SAME),
    ("is_fee_charged", "否", None, "0", None, SAME),
    ("onsite_visits", "1", None, "1次", None, SAME),
    ("handling_forms", "1,2", None, "网上办理、窗口办理", None, SAME),
    ("item_type", "01", None, "行政确认", None, DIFF),
    ("onsite_visits", "0", None, "1次", None, DIFF),
    # names: the conformity normaliser
    ("item_name", "道路运输从业人员从业资格证换发", None, "道路运输从业人员从业资格证换发（县级）", None, SAME),
    ("item_name", "城镇污水排入排水管网许可", None, "城镇污水排入排水管网许可 ", None, SAME),
    ("item_name", "食品经营许可证核发", None, "药品经营许可证核发", None, DIFF),
    ("item_name", "食品经营许可证核发", None, "灵山县食品经营许可证核发", None, SAME),
    ("item_name", "食品经营许可证核发", None, "食品经营许可证变更", None, DIFF),
    # materials as sets
    ("materials", "申请书；营业执照复印件", None, "1.营业执照复印件\n2.申请书", None, SAME),
    ("materials", "申请书；营业执照复印件", None, "营业执照复印件；申请书；身份证", None, DIFF),
    ("materials", "申请书；营业执照复印件；居民身份证", None, "申请书、营业执照复印件、居民身份证", None, SAME),
    ("materials", "申请书；营业执照复印件", None, "申请书、营业执照复印件、居民身份证", None, DIFF),
    # other text: width, spaces, punctuation
    ("acceptance_conditions", "申请人具有完全民事行为能力；", None, "申请人具有完全民事行为能力。", None, SAME),
    ("acceptance_conditions", "持有效期内的证件", None, "持有效期内证件", None, DIFF),
    ("online_url", "https://zwfw.gxzf.gov.cn/a/", None, "http://ZWFW.gxzf.gov.cn/a", None, SAME),
]


def _key(element, value, unit):
    s = spec(element)
    return s.key(value, unit) if s.unit else s.key(value)


@pytest.mark.parametrize("element,a,ua,b,ub,same", CORPUS)
def test_pair(element, a, ua, b, ub, same):
    assert (_key(element, a, ua) == _key(element, b, ub)) is same, (_key(element, a, ua), _key(element, b, ub))


def test_precision_and_recall_of_differs():
    tp = fp = fn = 0
    for element, a, ua, b, ub, same in CORPUS:
        differs = _key(element, a, ua) != _key(element, b, ub)
        tp += differs and not same
        fp += differs and same
        fn += (not differs) and not same
    assert tp / (tp + fp) == 1.0 and tp / (tp + fn) == 1.0
    assert sum(1 for *_, same in CORPUS if not same) >= 20 and sum(1 for *_, same in CORPUS if same) >= 25


def test_limit_keys():
    assert nz.limit_key("20个工作日") == nz.limit_key("20", "工作日") == nz.limit_key("二十个工作日") == "20|1"
    assert nz.limit_key("即办") == nz.limit_key("0", "1") == "0|"
    assert nz.limit_key("另行通知").startswith("text|")


def test_hours_keys_read_afternoon_times():
    assert nz.hours_key("周一至周五 上午9:00-12:00 下午2:00-5:30") == "d=12345|09:00-12:00,14:00-17:30"
    assert nz.hours_key("工作日 8:30-5:30") == "d=12345|08:30-17:30"
    assert nz.hours_key("详见公告").startswith("text|")


def test_phone_keys():
    assert nz.phone_key("（0777）6428820") == nz.phone_key("0777-6428820") == "tel|07776428820"
    assert nz.phone_key("请到窗口咨询").startswith("text|")


def test_text_key_keeps_decimals_and_folds_width():
    assert nz.text_key("费率１.５％") == nz.text_key("费率1.5%") == "费率1.5"
    assert nz.text_key("15%") != nz.text_key("1.5%")


def test_materials_split_numbering_and_lines():
    assert split_materials("1.申请书 2.营业执照\n（3）授权委托书；④身份证") == ["申请书", "营业执照", "授权委托书", "身份证"]
    assert materials_key("申请书；营业执照") == materials_key("营业执照\n申请书")


def test_materials_diff_added_removed_renamed():
    d = diff_materials("登记申请书；身份证明；相关证明材料", "身份证明；登记申请表；户口簿复印件")
    assert d.renamed == (("登记申请书", "登记申请表"),)
    assert d.removed == ("相关证明材料",) and d.added == ("户口簿复印件",)
    assert d.text("zh") == "新增：户口簿复印件；删除：相关证明材料；改名：登记申请书→登记申请表"
    assert d.text("en") == "added: 户口簿复印件; removed: 相关证明材料; renamed: 登记申请书→登记申请表"
