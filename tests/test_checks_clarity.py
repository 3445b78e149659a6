"""Clarity heuristics (domain.md §5) and consistency rules (§4) on real and planted values."""
import pytest

from conftest import GUANGXI, found, write_csv
from validators import validate
from validators.checks.clarity import (hours_verdict, legal_basis_verdict, limit_note_verdict, location_verdict,
                                process_verdict)
from validators.checks.consistency import phone_numbers, repeated_segment
from validators.core.textnum import cn_to_int, day_numbers


@pytest.mark.parametrize("text,verdict", [
    ("工作日：上午9:00-12:00，下午14:00-17:00，法定节假日除外。", None),
    ("工作日：上午9:00-12:00、下午2:00-5:00", None),
    ("工作日：上午9:00-12:00、下午２:00-５:00", None),            # full-width digits (D′)
    ("全天24小时", None),
    ("工作时间", "handling-hours-unclear"),
    ("周一至周五", "handling-hours-unclear"),
    ("详见大厅公告", "handling-hours-unclear"),
    ("工作日：下午17:00-14:00", "handling-hours-implausible"),
    ("工作日 2:00-4:00", "handling-hours-implausible"),
])
def test_hours(text, verdict):
    assert hours_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("灵山县三海街道江南路5号县政务服务中心法人大厅②工程建设项目综合窗口（县卫生监督所一楼）", None),
    ("灵山县三海街道江南路12号县政务服务中心二楼④⑤⑥综合窗口", None),
    ("县政务服务中心", "handling-location-unclear"),
    ("各级政务服务大厅", "handling-location-unclear"),
    ("线上办理", None),  # a truthful online-only statement; with visits > 0 see location-online-only-with-visits
    ("江南路12号县政务服务中心", "handling-location-unclear"),
])
def test_location(text, verdict):
    assert location_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("《中华人民共和国特种设备安全法》第四十九条", None),
    ("【行政法规】《宗教事务条例》第三十三条", None),
    ("根据《全民健身法》", "legal-basis-no-article"),
    ("依据相关法律法规", "legal-basis-unclear"),
    (";1、《辽宁省档案条例》第十二条", None),
])
def test_legal_basis(text, verdict):
    assert legal_basis_verdict(text) == verdict


@pytest.mark.parametrize("text,verdict", [
    ("受理之日起20个工作日", None), ("即办", None), ("二十个工作日", None),
    ("无", "time-limit-unclear"), ("《行政许可法》规定", "time-limit-unclear"), ("办事提速", "time-limit-unclear"),
    ("20天", "time-limit-unit-vague"),
])
def test_limit_notes(text, verdict):
    assert limit_note_verdict(text) == verdict


@pytest.mark.parametrize("text,permit,verdict", [
    ("受理→审查→决定→送达", True, None),
    ("按规定办理", False, "process-steps-unclear"),
    ("见流程图", False, "process-steps-unclear"),
    ("决定→受理→送达", False, "process-steps-order"),
    ("申请→审核→办结", True, "process-steps-permit-incomplete"),
])
def test_process(text, permit, verdict):
    assert process_verdict(text, permit) == verdict


def test_numbers_in_text():
    assert cn_to_int("二十") == 20 and cn_to_int("一百二十") == 120 and cn_to_int("十五") == 15
    assert day_numbers("受理之日起20个工作日（可以延长十日）") == "20.0,10.0"
    assert day_numbers("3个月") is None


def test_phones():
    nums, bare = phone_numbers("0777—6428820")
    assert nums == {"07776428820"} and not bare
    assert phone_numbers("6428820")[1] is True
    assert phone_numbers("12345；13800138000")[1] is False


def test_repeated_paragraph():
    para = "申请人应当具备相应的条件并提交完整材料"
    assert repeated_segment("，".join([para] * 4)) == para
    assert repeated_segment("受理条件一，受理条件二") is None


@pytest.mark.parametrize("changes,rule,field", [
    ({"promised_time_limit": "25"}, "promise-exceeds-legal-limit", "promised_time_limit"),
    ({"promised_time_limit": "0"}, "instant-case-type-mismatch", "case_type"),
    ({"onsite_reason": ""}, "onsite-reason-missing", "onsite_reason"),
    ({"onsite_visits": "0"}, "onsite-reason-unexpected", "onsite_reason"),
    ({"is_fee_charged": "1"}, "fee-details-missing", "fee_basis"),
    ({"is_online": "1", "online_url": "无"}, "online-without-url", "online_url"),
    ({"complaint_channel": "0777—6428820"}, "consult-equals-complaint-phone", "complaint_channel"),
    ({"consultation_channel": "6428820"}, "phone-format-invalid", "consultation_channel"),
    ({"power_source": "5"}, "entrusting-body-missing", "entrusting_body"),
    ({"onsite_visits": "0", "onsite_reason": "", "is_express_supported": "0"}, "zero-visit-without-channel", "onsite_visits"),
    ({"promised_time_limit_unit": "2"}, "time-limit-unit-differs", "promised_time_limit_unit"),
])
def test_rules_fire_on_record_a(tmp_path, changes, rule, field):
    rec = dict(GUANGXI["A"], **changes)
    report = validate(str(write_csv(tmp_path / "a.csv", [rec])))
    assert (2, rule, field) in found(report)


def test_record_a_as_is_has_no_warning_or_error(tmp_path):
    report = validate(str(write_csv(tmp_path / "a.csv", [GUANGXI["A"]])))
    assert {(f.code, f.field) for f in report.findings() if f.severity.value != "info"} == set()


def test_placeholder_is_missing_for_required_element(tmp_path):
    rec = dict(GUANGXI["A"], acceptance_conditions="暂无", legal_time_limit="二十")
    report = validate(str(write_csv(tmp_path / "a.csv", [rec])))
    f = found(report)
    assert (2, "element-missing", "acceptance_conditions") in f
    assert (2, "element-wrong-type", "legal_time_limit") in f


def test_family_required_elements(tmp_path):
    # a 公共服务 item needs no 法定时限; a 处罚 item needs 处罚的行为、种类、幅度
    public = {k: v for k, v in GUANGXI["B"].items() if k not in ("legal_time_limit", "promised_time_limit")}
    punish = dict(GUANGXI["A"], item_type="02", catalog_code="000204002000",
                  task_code="11450721MB155808114000204002000")
    report = validate(str(write_csv(tmp_path / "f.csv", [public, punish])))
    missing = {(f.row, f.field) for f in report.findings() if f.code in ("element-missing", "column-missing")}
    assert (2, "legal_time_limit") not in missing
    assert (None, "punishment_method") in missing  # the whole column is absent


def test_vectorised_clarity_equals_per_value_verdicts():
    import pandas as pd
    from validators.checks.clarity import legal_basis_verdicts, location_unclear
    from validators.core.rows import Rows

    texts = {
        "handling_location": ["灵山县三海街道江南路5号县政务服务中心法人大厅②综合窗口", "县政务服务中心", "江南路１２号二楼",
                              "人民路8号政务服务中心3楼", "线上办理", "无"],
        "legal_basis": ["《中华人民共和国特种设备安全法》第四十九条", "根据《全民健身法》", "依据相关法律法规",
                        "【行政法规】《宗教事务条例》第３３条", "《关于XX的通知》", "/"],
    }
    frame = pd.DataFrame(texts, dtype="str")
    rows = Rows(frame)
    loc = location_unclear(rows)
    unclear, no_article = legal_basis_verdicts(rows)
    for i, t in enumerate(texts["handling_location"]):
        expect = rows.present("handling_location")[i] and location_verdict(t) == "handling-location-unclear"
        assert loc[i] == expect, t
    for i, t in enumerate(texts["legal_basis"]):
        v = legal_basis_verdict(t) if rows.present("legal_basis")[i] else None
        assert (unclear[i], no_article[i]) == (v == "legal-basis-unclear", v == "legal-basis-no-article"), t


def test_targeted_nfkc_equals_full_nfkc():
    import unicodedata

    import pyarrow as pa

    from validators.core.rows import nfkc_arrow

    vals = ["江南路１２号二楼④⑤⑥窗口", "⽂化广电体育局", "Ⅳ级", "２０℃", None, "下午２:00-５:00", "　全角", "普通文本"] * 3
    assert nfkc_arrow(pa.array(vals)).to_pylist() == [None if v is None else unicodedata.normalize("NFKC", v)
                                                      for v in vals]
