"""check_codes (distinct values, arrow slices, id comparisons) agrees with a per-row reference
built from the exact classifiers, on edge values: missing, empty, whitespace, placeholders,
full-width, lowercase, Chinese, wrong lengths and shapes."""
import re
from itertools import islice

import numpy as np
import pandas as pd

from validators.checks import codes as C
from validators.core.regions import region_code
from validators.core.rows import Rows

BODY = ["11450721MB15580811", "114507210081153718", "11450721348531435D", "11450721MB15580812",
        "11450721mb15580811", "１１４５０７２１ＭＢ１５５８０８１１", "MB155808-1", "111111111111111111",
        "11450721MB1558O811", "", " ", None, "无", "实施主体", "12440000MB2C9253XY", "11450721MB1558081"]
CATALOG = ["000104002000", "452004020000", "450104002000", "440204002000", "001504002000", "104002000",
           "511A0138000000", "XK10010001", "", "无", None, "００01０4002000", "0001040020", "基本编码"]
TASK_TAIL = ["1", "2", "4", "9", "x", ""]
ITEM_TYPE = ["01", "02", "1", "行政许可", "15", None, "", "无", "20"]
AREA = ["450721", "广西壮族自治区钦州市灵山县", "440000", "火星", None, "", "110101", "/"]
DEPT = ["04", "4", "05", "0", None, "", "ab", "٤"]
LEVELS = ["4", "1,2,3", "2,4", None, "", "省级", "9"]


def _cycle(values, n):
    return list(islice((values[i % len(values)] for i in range(n)), n))


def _frame(n=600):
    rng = np.random.default_rng(3)
    body, cat = _cycle(BODY, n), _cycle(CATALOG, n)
    task = []
    for i in range(n):
        b = body[rng.integers(n)] or ""
        c = cat[rng.integers(n)] or ""
        kind = i % 7
        task.append(None if kind == 6 else "" if kind == 5 else f"511A0138000000-511602000000-000-{b}-1-00"
                    if kind == 3 else (b + TASK_TAIL[i % len(TASK_TAIL)] + c + ("01" if kind == 4 else ""))[: 40 if kind else 31])
    frame = pd.DataFrame({
        "implementing_body_code": body, "catalog_code": cat, "task_code": task,
        "item_type": _cycle(ITEM_TYPE, n), "area_code": _cycle(AREA, n),
        "central_dept_code": _cycle(DEPT, n), "exercise_levels": _cycle(LEVELS, n)}, dtype="str")
    frame["_row"] = np.arange(2, n + 2)
    return frame


def _uscc_exact(v: str) -> bool:
    return bool(C._USCC_RE.match(v)) and C.uscc_check_char(v[:17]) == v[17] and C.org_check_char(v[8:16]) == v[16]


def _reference(rows: Rows) -> set:
    """(row position, rule, field, sorted params) the old per-row semantics give."""
    n = rows.n
    val = {c: [None if (isinstance(v, float) or v is None) else v for v in rows.code(c).astype(object)]
           for c in ("implementing_body_code", "catalog_code", "task_code", "item_type", "central_dept_code",
                     "exercise_levels")}
    present = {c: rows.present(c) for c in val}
    out = set()

    def add(i, rule, field, params):
        out.add((i, str(rule), field, tuple(sorted((params or {}).items()))))

    def classify(col, ok, fn):
        rules = []
        for i, v in enumerate(val[col]):
            r = None if v is None or ok(v) else fn(v)
            rules.append(r[0] if r else None)
            if r:
                add(i, r[0], col, r[1])
        return rules

    body_rule = classify("implementing_body_code", _uscc_exact, C.classify_uscc)
    body_ok = [present["implementing_body_code"][i] and body_rule[i] in (None, C.USCC_ORG_CHECK_DIGIT)
               for i in range(n)]
    area = [None if t is None else region_code(t) for t in rows.text("area_code").astype(object)
            .where(rows.present("area_code"), None)]
    for i in range(n):
        if rows.present("area_code")[i] and area[i] is None:
            add(i, C.AREA_UNMAPPED, "area_code", None)
    cat_rule = classify("catalog_code", lambda c: bool(C._CATALOG_OK.match(c)), C.classify_catalog)
    cat_ok = [present["catalog_code"][i] and cat_rule[i] is None for i in range(n)]
    for i in range(n):
        c, t = val["catalog_code"][i], val["item_type"][i]
        if cat_ok[i] and t in C._ITEM_TYPES and present["item_type"][i] and c[2:4] != t:
            add(i, C.CATALOG_CODE_TYPE_MISMATCH, "catalog_code", {"tt": c[2:4], "item_type": t})
        province = area[i][:2] if area[i] else (val["implementing_body_code"][i][2:4] if body_ok[i] else None)
        if cat_ok[i] and province is not None and c[:2] != "00" and c[:2] != province:
            add(i, C.CATALOG_CODE_REGION_MISMATCH, "catalog_code", {"rr": c[:2], "province": province})
        d = val["central_dept_code"][i]
        padded = None if d is None else "0" + d if re.fullmatch(r"\d", d) else d
        if cat_ok[i] and present["central_dept_code"][i] and c[4:6] != padded:
            add(i, C.CATALOG_CODE_DEPT_MISMATCH, "catalog_code", {"dd": c[4:6], "dept": d})
    task_rule = classify("task_code", lambda t: bool(C._TASK_RE.match(t)), C.classify_task)
    for i in range(n):
        t = val["task_code"][i]
        if not (present["task_code"][i] and task_rule[i] is None and len(t) in (31, 33)):
            continue
        b, c, lv = val["implementing_body_code"][i], val["catalog_code"][i], val["exercise_levels"][i]
        if body_ok[i] and present["implementing_body_code"][i] and t[:18] != b:
            add(i, C.TASK_CODE_BODY_MISMATCH, "task_code", {"prefix": t[:18], "body": b})
        if cat_ok[i] and t[19:31] != c:
            add(i, C.TASK_CODE_CATALOG_MISMATCH, "task_code", {"tail": t[19:31], "catalog": c})
        if present["exercise_levels"][i] and not (lv is not None and t[18:19] in lv.split(",")):
            add(i, C.TASK_CODE_LEVEL_MISMATCH, "task_code", {"digit": t[18:19], "levels": lv})
    for col in ("item_type", "central_dept_code"):
        for i, v in enumerate(rows.text(col).astype(object)):
            if isinstance(v, str) and re.fullmatch(r"[1-9]", v):
                add(i, C.CODE_LEADING_ZEROS, col, {"suggest": "0" + v})
    for i, t in enumerate(val["task_code"]):
        m = C._EMBEDDED_USCC.search(t) if t is not None and "-" in t else None
        b = val["implementing_body_code"][i]
        if body_ok[i] and m and m.group(1) != b:
            add(i, C.LOCAL_CODE_BODY_MISMATCH, "task_code", {"embedded": m.group(1), "body": b})
    return out


def _fast(rows: Rows) -> set:
    out = set()
    for hit in C.check_codes(rows, None):
        if hit is None:
            continue
        for pos, code, field, params in zip(hit["_pos"], hit["code"], hit["field"], hit["params"], strict=True):
            out.add((int(pos), code, field, tuple(sorted((params or {}).items()))))
    return out


def test_check_codes_agrees_with_the_per_row_reference():
    rows = Rows(_frame())
    fast, ref = _fast(rows), _reference(rows)
    assert fast == ref
    rules = {r for _p, r, _f, _x in ref}
    assert {C.CATALOG_CODE_TYPE_MISMATCH, C.CATALOG_CODE_REGION_MISMATCH, C.CATALOG_CODE_DEPT_MISMATCH,
            C.TASK_CODE_BODY_MISMATCH, C.TASK_CODE_CATALOG_MISMATCH, C.TASK_CODE_LEVEL_MISMATCH,
            C.USCC_CHECK_DIGIT, C.AREA_UNMAPPED, C.CODE_LEADING_ZEROS, C.LOCAL_CODE_BODY_MISMATCH} <= rules


def test_uscc_valid_agrees_with_the_check_characters():
    values = pd.Series(BODY * 3 + ["11450721MB15580811".lower(), "11450721MB15580811 "], dtype="str")
    expected = [v is not None and not isinstance(v, float) and _uscc_exact(v) for v in values.astype(object)]
    assert C.uscc_valid(values).tolist() == expected


def test_columns_without_any_value():
    frame = pd.DataFrame({c: [None, "", "无"] for c in ("implementing_body_code", "catalog_code", "task_code",
                                                       "item_type", "area_code", "central_dept_code",
                                                       "exercise_levels")}, dtype="str")
    frame["_row"] = [2, 3, 4]
    assert [h for h in C.check_codes(Rows(frame), None) if h is not None] == []
