"""The per-distinct fast paths of the clarity and consistency checks agree with the per-value functions.

Each text rule is judged once per distinct value (shared codes per column and chunk, results kept
across chunks by a bounded memo) and the 在线办理地址 test runs as RE2 on ASCII values; these tests
hold every path against the plain per-row evaluation on the edge values: None, empty,
whitespace-only, placeholders (无 — /), full-width and Unicode whitespace, case folding, Chinese.
"""
import re

import pandas as pd
import pytest

from validators.checks import clarity, consistency
from validators.checks.phones import scan
from validators.core.rows import Rows
from validators.core.textnum import day_numbers

EDGE = [None, "", "   ", "无", "—", "/", "\u3000", "\t\v", "全角　空格", "ＡＢＣ１２３", "中文", "a\nb"]


def frame(**cols):
    n = max(len(v) for v in cols.values())
    data = {k: pd.Series((v * n)[:n], dtype="str") for k, v in cols.items()}
    out = pd.DataFrame(data)
    out["_row"] = range(2, n + 2)
    return out


def hit_rows(frames, code, field):
    rows = set()
    for f in frames:
        if f is not None:
            rows |= set(f.loc[(f["code"] == code) & (f["field"] == field), "_pos"].tolist())
    return rows


def present_texts(rows, col):
    text, present = rows.text(col), rows.present(col)
    return [t if p else None for t, p in zip(text.tolist(), present, strict=True)]


def test_distinct_views_round_trip_over_edge_values():
    values = EDGE + ["重复", " 重复", "重复", "无 ", None]
    rows = Rows(frame(materials=values))
    text = rows.distinct("materials")
    assert [None if c < 0 else text.values[c] for c in text.codes] == present_texts(rows, "materials")
    assert len(set(text.values)) == len(text.values)


def test_memo_agrees_keeps_no_long_values_and_stays_bounded():
    calls = []

    def fn(v):
        calls.append(v)
        return v[::-1]

    memo = clarity.Memo(fn, budget=10)
    assert memo.many(["ab", "ab", "cd"]) == ["ba", "ba", "dc"]
    assert calls == ["ab", "cd"]
    long = "x" * (clarity.MEMO_VALUE_MAX + 1)
    memo.many([long, long])
    assert calls.count(long) == 2                     # a hostile value is judged each time
    memo.many([f"v{i:02d}" for i in range(20)])
    assert memo._chars <= 10 + 3                      # emptied when full
    assert memo.many(["ab"]) == ["ba"]


URLS = EDGE + [
    "http://a.cn", "https://a.cn/x", "HTTP://A.CN", "www.gov.cn", "WWW.gov.cn", "http://", "http:// a",
    "\vhttp://a", "\x1chttp://a", "http://\va", "http://\x1fa", "ftp://a", "见 http://a", "ｈｔｔｐ://a",
    "http://\u3000a", "http://\xa0a", "\u3000http://a", "\u2003www.a", "httpſ://a", "ſtp", "www.\u3000",
    "https://政务.cn", "http://a 广东政务服务网", "网上办理：http://a", "http://a\nb", "h\u0130tp://a",
]


@pytest.mark.parametrize("value", URLS)
def test_url_mask_equals_python_re(value):
    rows = Rows(frame(online_url=[value, "http://a.cn", "中文"]))
    mask = consistency._url_mask(rows, "online_url")
    texts = rows.text("online_url").tolist()
    expect = [isinstance(t, str) and consistency._URL.match(t) is not None for t in texts]
    assert mask.tolist() == expect


def test_url_mask_on_every_ascii_character():
    values = [f"{chr(i)}http://a" for i in range(1, 128)] + [f"http://{chr(i)}a" for i in range(1, 128)] \
        + [f"www.{chr(i)}" for i in range(1, 128)]
    rows = Rows(frame(online_url=values))
    mask = consistency._url_mask(rows, "online_url")
    expect = [isinstance(t, str) and consistency._URL.match(t) is not None for t in rows.text("online_url").tolist()]
    assert mask.tolist() == expect


TEXT_BLOCK = EDGE + [
    "营业执照复印件，营业执照复印件，营业执照复印件，营业执照复印件",
    "申请人提交的申请材料齐全、符合法定形式的予以受理。申请人提交的申请材料齐全、符合法定形式的予以受理。",
    "《中华人民共和国行政许可法》第三十条规定的申请材料。《中华人民共和国行政许可法》第三十条规定的申请材料。",
    "没有重复的一句话",
]
PHONES = EDGE + ["0771-1234567", "12345", "咨询电话：0777-6522123", "6522123", "020-12345678转1",
                 "（０２０）８７６５４３２１", "0777-123", "+852 2345 6789"]
NOTES = EDGE + ["20个工作日", "二十个工作日", "即办", "3天", "承诺5个工作日内办结", "十五日"]
NAMES = EDGE + ["食品经营许可", "对违反规定的行政处罚", "对违法行为的处罚", "户籍审批", "公共服务", "对…的处罚 "]


def test_check_rules_text_rules_equal_per_row_functions():
    f = frame(
        legal_basis=TEXT_BLOCK, materials=TEXT_BLOCK[::-1],
        consultation_channel=PHONES, complaint_channel=PHONES[:16] + PHONES[::-1],
        legal_time_limit=["20", "3", "", "15", "5", "0"], legal_time_limit_note=NOTES,
        promised_time_limit=["3", "5", "20", "", "0"], promised_time_limit_note=NOTES[::-1],
        item_name=NAMES, item_type=["01", "02", "20", None, "行政许可", "09"],
        is_online=["1", "0", None, "是"], online_url=URLS, handling_forms=["1,3", "1", None, "3", "窗口办理,快递"],
        onsite_visits=["0", "1", "0"], is_express_supported=["0", "1"],
    )
    for rep in range(2):                              # the second pass answers from the memo
        rows = Rows(f)
        out = consistency.check_rules(rows, None)
        fired = {code for fr in out if fr is not None for code in fr["code"]}
        assert {"duplicated-text-block", "phone-format-invalid", "phone-number-invalid", "online-without-url",
                "consult-equals-complaint-phone", "time-limit-note-mismatch", "type-name-mismatch"} <= fired
        for col in ("legal_basis", "materials"):
            expect = {i for i, t in enumerate(present_texts(rows, col))
                      if t is not None and consistency.repeated_segment(t, statute=col == "legal_basis")}
            assert hit_rows(out, "duplicated-text-block", col) == expect, (rep, col)
        keys = {}
        for col in ("consultation_channel", "complaint_channel"):
            scans = [None if t is None else scan(t) for t in present_texts(rows, col)]
            assert hit_rows(out, "phone-format-invalid", col) == {i for i, s in enumerate(scans) if s and s.bare}
            assert hit_rows(out, "phone-number-invalid", col) == {i for i, s in enumerate(scans) if s and s.invalid}
            keys[col] = [",".join(sorted(s.numbers)) if s and s.numbers else None for s in scans]
        same = {i for i, (a, b) in enumerate(zip(keys["consultation_channel"], keys["complaint_channel"], strict=True))
                if a is not None and a == b}
        assert hit_rows(out, "consult-equals-complaint-phone", "complaint_channel") == same
        for num_col, note_col in (("legal_time_limit", "legal_time_limit_note"),
                                  ("promised_time_limit", "promised_time_limit_note")):
            limits = rows.num(num_col)
            expect = set()
            for i, t in enumerate(present_texts(rows, note_col)):
                numbers = None if t is None else day_numbers(t)
                limit = None if limits[i] != limits[i] else limits[i]
                if consistency._contradicts(numbers, limit):
                    expect.add(i)
            assert hit_rows(out, "time-limit-note-mismatch", note_col) == expect
        it = rows.code("item_type").tolist()
        expect = set()
        for i, name in enumerate(present_texts(rows, "item_name")):
            permit = name is not None and re.search(r"(?:许可|审批|核准)$", name) is not None
            punish = name is not None and re.search(r"^对.+的(?:行政)?处罚$", name) is not None
            t = it[i] if isinstance(it[i], str) else None
            if (permit and t == "20") or (punish and t is not None and t != "02"):
                expect.add(i)
        assert hit_rows(out, "type-name-mismatch", "item_type") == expect
        forms = rows.code("handling_forms").tolist()
        by_post = [isinstance(v, str) and "3" in v for v in forms]
        assert consistency._by_post(rows).tolist() == by_post


def test_check_clarity_verdicts_equal_per_row_functions():
    hours = EDGE + ["工作日：上午9:00-12:00，下午14:00-17:00", "工作日：下午17:00-14:00", "全天24小时", "周一至周五"]
    process = EDGE + ["申请→受理→审查→决定→送达", "决定→受理→送达", "申请→审核→办结", "\x01受理→决定", "受理"]
    f = frame(handling_hours=hours, handling_process=process, item_type=["01", "02", None, "行政许可", "01"],
              legal_time_limit_note=NOTES, promised_time_limit_note=[" 无 ", "天", None, "", "   ", "20天"])
    for rep in range(2):
        rows = Rows(f)
        out = clarity.check_clarity(rows, None)
        fired = {code for fr in out if fr is not None for code in fr["code"]}
        assert {"handling-hours-unclear", "handling-hours-implausible", "process-steps-unclear",
                "process-steps-order", "process-steps-permit-incomplete", "time-limit-unclear",
                "time-limit-unit-vague"} <= fired
        verdicts = [None if t is None else clarity.hours_verdict(t) for t in present_texts(rows, "handling_hours")]
        for code in ("handling-hours-unclear", "handling-hours-implausible"):
            assert hit_rows(out, code, "handling_hours") == {i for i, v in enumerate(verdicts) if v == code}
        permit = (rows.code("item_type") == "01").fillna(False).tolist()
        verdicts = []
        for t, p in zip(present_texts(rows, "handling_process"), permit, strict=True):
            key = None if t is None else ("\x01" + t if p else t)
            verdicts.append(None if key is None else clarity.process_verdict(key.lstrip("\x01"), key.startswith("\x01")))
        for code in ("process-steps-unclear", "process-steps-order", "process-steps-permit-incomplete"):
            assert hit_rows(out, code, "handling_process") == {i for i, v in enumerate(verdicts) if v == code}
        for col in ("legal_time_limit_note", "promised_time_limit_note"):
            raw = [v.strip() if isinstance(v, str) else None for v in f[col].tolist()]
            verdicts = [clarity.limit_note_verdict(v) if v else None for v in raw]
            for code in ("time-limit-unclear", "time-limit-unit-vague"):
                assert hit_rows(out, code, col) == {i for i, v in enumerate(verdicts) if v == code}, (col, code)
        # findings keep their order: per column, verdicts in order of their first row, rows ascending
        found = pd.concat([fr for fr in out if fr is not None])
        for col in ("handling_hours", "handling_process", "legal_time_limit_note", "promised_time_limit_note"):
            sub = found[found["field"] == col]
            order = list(dict.fromkeys(sub["code"]))
            assert order == sorted(order, key=lambda c: sub.loc[sub["code"] == c, "_pos"].min()), col
            for code in order:
                assert sub.loc[sub["code"] == code, "_pos"].is_monotonic_increasing


def test_flag_rules_with_optional_columns_absent():
    def run(**cols):
        out = consistency.check_rules(Rows(frame(**cols)), None)
        return sorted((int(p), c, fl) for fr in out if fr is not None
                      for p, c, fl in zip(fr["_pos"], fr["code"], fr["field"], strict=True))

    assert run(onsite_visits=["0", "0", "1", None], is_online=["0", "1", "0", "0"]) == [
        (0, "zero-visit-without-channel", "onsite_visits"), (1, "online-without-url", "online_url"),
        (2, "onsite-reason-missing", "onsite_reason")]
    assert run(is_online=["1", "0", None, "是"]) == [(0, "online-without-url", "online_url"),
                                                     (3, "online-without-url", "online_url")]
    assert run(is_online=["1", "0", None, "是"], mobile_url=["www.a", "x", None, " http://b"]) == []
    assert run(is_fee_charged=["1", "0", "是", None], is_online_payment_supported=["1", "1", "0", "1"],
               fee_basis=["x", None, "", "无"]) == [
        (0, "fee-details-missing", "fee_standard"), (1, "online-payment-without-fee", "is_online_payment_supported"),
        (2, "fee-details-missing", "fee_basis"), (2, "fee-details-missing", "fee_standard")]
