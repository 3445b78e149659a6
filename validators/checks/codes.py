"""Coding rules: USCC (GB 32100) of the 实施主体, 基本编码 (12) and 实施编码 (31) with cross-field agreement.

Code classifiers run once per distinct value (a county export has a few dozen bodies and a few
thousand catalog codes), then the results are broadcast to rows.  Local coding schemes (Sichuan,
Guizhou, Hubei, Jilin) are recognised and reported as info, never accepted as national codes; a
province scheme documented in ``schemas/profiles`` (``rows.profile``) is read through its profile
instead, with one table-level finding and no per-row ones.  Damage done by Excel (a USCC stored as
a number, codes that lost a leading zero) is named as such, never "corrected" by a check digit.
"""
from __future__ import annotations

import re

import numpy as np

from validators.core.rows import Distinct, Rows, is_ascii, map_distinct
from validators.core.rulebook import GBT_39554_1, HEURISTIC, declare
from validators.core.schema import USCC_PATTERN, item_type_codes, task_code_pattern
from validators.report.findings import Hits

USCC_LENGTH = declare("uscc-length", "error", "code",
    "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》第4章：代码由 18 位组成", task_issue="body-code")
USCC_CHARSET = declare("uscc-charset", "error", "code",
    "GB 32100-2015 第4章：代码字符集为数字和不含 I、O、S、V、Z 的大写英文字母", task_issue="body-code")
USCC_LOWERCASE = declare("uscc-lowercase", "error", "code",
    "GB 32100-2015 第4章：代码字符集仅含大写英文字母", task_issue="body-code")
USCC_PLACEHOLDER = declare("uscc-placeholder", "error", "code",
    f"{HEURISTIC}全 0、全 9、123456789… 等占位值不是任何机构的统一社会信用代码（GB 32100-2015 校验位也无法成立）", task_issue="body-code")
USCC_ORG_CODE_ONLY = declare("uscc-org-code-only", "error", "code",
    "GB 32100-2015 第4章：实施主体应以 18 位统一社会信用代码标识；9 位是 GB 11714-1997 组织机构代码（第 9–17 位）", task_issue="body-code")
USCC_CHECK_DIGIT = declare("uscc-check-digit", "error", "code",
    "GB 32100-2015 第5章：第 18 位校验码按 GB/T 17710-2008 MOD 31-3 计算", task_issue="body-code")
USCC_ORG_CHECK_DIGIT = declare("uscc-org-check-digit", "warning", "code",
    "GB 11714-1997《全国组织机构代码编制规则》：第 9 位校验码（统一社会信用代码第 9–17 位）", task_issue="body-code")
CATALOG_CODE_FORMAT = declare("catalog-code-format", "error", "code",
    f"{GBT_39554_1}：基本编码 12 位（区划 2 位 + 事项类型 2 位 + 部门 2 位 + 主项 3 位 + 子项 3 位）", task_issue="catalog-code")
CATALOG_CODE_LEADING_ZEROS = declare("catalog-code-leading-zeros", "error", "code",
    f"{GBT_39554_1}：基本编码 12 位、以 00 或省级区划代码开头；Excel 将编码存为数字时会丢失前导零")
CATALOG_CODE_LOCAL = declare("catalog-code-local", "info", "code",
    "地方标准编码方案（DB22/T 2848-2017 吉林、DB52/T 1264-2018 贵州、湖北、四川等）：不是国家基本编码，按地方方案识别")
CATALOG_CODE_TYPE_MISMATCH = declare("catalog-code-type-mismatch", "error", "code",
    f"{GBT_39554_1}：基本编码第 3–4 位为事项类型代码", task_issue="catalog-code")
CATALOG_CODE_REGION_MISMATCH = declare("catalog-code-region-mismatch", "warning", "code",
    f"{GBT_39554_1}：基本编码第 1–2 位为 00（国家目录）或省级 GB/T 2260 区划代码（地方增设事项）")
CATALOG_CODE_DEPT_MISMATCH = declare("catalog-code-dept-mismatch", "warning", "code",
    f"{GBT_39554_1}：基本编码第 5–6 位为中央业务指导部门代码")
TASK_CODE_LENGTH = declare("task-code-length", "error", "code",
    f"{GBT_39554_1}：实施编码 31 位 = 统一社会信用代码（18）+ 行使层级（1）+ 基本编码（12）", task_issue="task-code")
TASK_CODE_FORMAT = declare("task-code-format", "error", "code",
    f"{GBT_39554_1}：实施编码结构（统一社会信用代码 + 行使层级 1–6 + 基本编码）", task_issue="task-code")
TASK_CODE_LOCAL = declare("task-code-local", "info", "code",
    f"地方实施编码方案（如四川 itemCode），不符合 {GBT_39554_1} 的 31 位结构：按地方方案识别，不作为国家实施编码", task_issue="task-code")
TASK_CODE_BODY_MISMATCH = declare("task-code-body-mismatch", "error", "code",
    f"{GBT_39554_1}：实施编码第 1–18 位为实施主体的统一社会信用代码", task_issue="task-code")
TASK_CODE_LEVEL_MISMATCH = declare("task-code-level-mismatch", "error", "code",
    f"{GBT_39554_1}：实施编码第 19 位为行使层级代码，应为该事项行使层级之一", task_issue="task-code")
TASK_CODE_CATALOG_MISMATCH = declare("task-code-catalog-mismatch", "error", "code",
    f"{GBT_39554_1}：实施编码第 20–31 位为基本编码", task_issue="task-code")
HANDLE_ITEM_CODE_PREFIX = declare("handle-item-code-prefix", "error", "code",
    f"{GBT_39554_1}：业务办理项编码 = 实施编码 + 2 位办理项序号")
USCC_EXCEL_NUMBER = declare("uscc-excel-number", "error", "code",
    "GB 32100-2015 第4章：代码为 18 位字符；Excel 数值只保留 15 位有效数字（超出部分置 0 或显示为科学计数法），"
    "存成数字的代码已无法恢复", task_issue="body-code")
CODE_LEADING_ZEROS = declare("code-leading-zeros", "info", "code",
    f"{GBT_39554_1}：事项类型、中央业务指导部门为 2 位代码（01、04 …）；Excel 将其存为数字时丢失前导零")
TASK_CODE_USCC_INVALID = declare("task-code-uscc-invalid", "error", "code",
    f"{GBT_39554_1}：实施编码第 1–18 位为实施主体的统一社会信用代码，须通过 GB 32100-2015 第5章校验码"
    "及其第 9–17 位 GB 11714-1997 组织机构代码校验码", task_issue="task-code")
LOCAL_CODE_BODY_MISMATCH = declare("local-code-body-mismatch", "error", "code",
    "地方实施编码（如四川 itemCode：基本编码-区划-000-统一社会信用代码-1-00）中嵌入的统一社会信用代码"
    "应为实施主体编码（GB 32100-2015）", task_issue="task-code")
AREA_UNMAPPED = declare("area-unmapped", "info", "code",
    "GB/T 2260《中华人民共和国行政区划代码》：行政区划写作代码或名称；无法对应到任何区划时不与基本编码比较")
CODING_SCHEME_DETECTED = declare("coding-scheme-detected", "info", "code",
    "地方政务服务平台编码方案（广东事项类型 20/21、四川 itemCode、DB52/T 1264-2018 贵州、湖北 16 位、福建字母类型码，"
    f"及 {GBT_39554_1} 的 33 位业务办理项编码）：按识别出的方案解读事项类型和编码")


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_RE = re.compile(f"^{USCC_PATTERN}$")
_ORG_ONLY = re.compile(r"^[0-9A-Z]{8}-?[0-9X]$", re.I)
_ITEM_TYPES = item_type_codes()
# local schemes (domain.md §3.4): Sichuan 14-char base code and itemCode, Guizhou 10, Hubei 16
_LOCAL_CATALOG = re.compile(r"^(\d{3}[0-9A-Z]\d{10}|[A-Z]{2}\d{8}|\d{16}|[0-9A-Z]{2,}-[0-9A-Z-]+)$")
_LOCAL_TASK = re.compile(r"^(\d{3}[0-9A-Z]\d{10}-\d{12}-\d{3}-[0-9A-Z]{18}-\d-\d{2}|[A-Z]-\d{6}-\d{3}-.+|"
                         r"[A-Z]{2}\d{8}|\d{16}|[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                         r"[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})$")
_TASK_RE = re.compile(f"^{task_code_pattern()}$")


def uscc_check_char(first17: str) -> str:
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def org_check_char(first8: str) -> str:
    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55
    s = sum(val(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c9 = 11 - s % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


_TEST_PREFIX = re.compile(r"^(TE|TEST|XX|TMP)", re.I)
_DIGITS_12, _DIGITS_7_11, _DIGIT = re.compile(r"\d{12}"), re.compile(r"\d{7,11}"), re.compile(r"\d")


def _is_placeholder(code: str) -> bool:
    core = code.replace("-", "")
    if len(set(core)) == 1 and len(core) >= 4:
        return True
    if core in ("123456789", "1234567890", "0123456789") or core.startswith("123456789012345"):
        return True
    return bool(_TEST_PREFIX.match(core))


_EXCEL_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?E\+?\d{1,2}$", re.I)
_EXCEL_FLOAT = re.compile(r"^\d{15,18}\.0+$")
_EXCEL_ZEROED = re.compile(r"^\d{15}000$")  # 15 significant digits kept, the last three set to 0


def classify_uscc(value: str) -> tuple[str, dict] | None:
    """The rule a 实施主体编码 breaks, with message parameters, or None when it is a valid USCC."""
    code = value.strip()
    if _EXCEL_SCIENTIFIC.match(code) or _EXCEL_FLOAT.match(code) or (
            _EXCEL_ZEROED.match(code) and uscc_check_char(code[:17]) != code[17]):
        # the cause is Excel, not a typo: no check digit is proposed, the digits are gone
        return USCC_EXCEL_NUMBER, {}
    if _is_placeholder(code):
        return USCC_PLACEHOLDER, {}
    if _ORG_ONLY.match(code) and len(code.replace("-", "")) == 9:
        return USCC_ORG_CODE_ONLY, {"org_code": code.replace("-", "").upper()}
    if len(code) != 18:
        return USCC_LENGTH, {"length": len(code)}
    if code != code.upper() and _USCC_RE.match(code.upper()):
        return USCC_LOWERCASE, {"suggest": code.upper()}
    if not _USCC_RE.match(code):
        bad = "".join(sorted({c for c in code if c not in USCC_ALPHABET}))
        return USCC_CHARSET, {"chars": bad}
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return USCC_CHECK_DIGIT, {"expected": expected, "actual": code[17]}
    org = code[8:17]
    if all(c.isdigit() or "A" <= c <= "Z" for c in org[:8]) and org_check_char(org[:8]) != org[8]:
        return USCC_ORG_CHECK_DIGIT, {"expected": org_check_char(org[:8]), "actual": org[8]}
    return None


def classify_catalog(code: str, profile=None) -> tuple[str, dict] | None:
    if _DIGITS_12.fullmatch(code):
        if code[2:4] not in _ITEM_TYPES and not (
                profile is not None and code[:2] in profile.provinces and code[2:4] in profile.catalog_types()):
            return CATALOG_CODE_FORMAT, {"reason": "tt", "tt": code[2:4]}
        return None
    if profile is not None and profile.local_catalog is not None and profile.local_catalog.match(code):
        return None  # the profile documents this shape: one scheme finding, not one per row
    if _DIGITS_7_11.fullmatch(code) and code.zfill(12)[2:4] in _ITEM_TYPES:
        return CATALOG_CODE_LEADING_ZEROS, {"length": len(code), "suggest": code.zfill(12)}
    if _LOCAL_CATALOG.match(code):
        return CATALOG_CODE_LOCAL, {"length": len(code)}
    return CATALOG_CODE_FORMAT, {"reason": "shape", "length": len(code)}


def classify_task(code: str, profile=None) -> tuple[str, dict] | None:
    if len(code) == 31:
        return None if _TASK_RE.match(code) else (TASK_CODE_FORMAT, {})
    if len(code) == 33 and code[31:].isdigit() and _TASK_RE.match(code[:31]):
        return None  # a 业务办理项编码: the 实施编码 + 2-digit 办理项 number
    if profile is not None and profile.local_task is not None and profile.local_task.match(code):
        return None
    if _LOCAL_TASK.match(code):
        return TASK_CODE_LOCAL, {"length": len(code)}
    return TASK_CODE_LENGTH, {"length": len(code)}


def uscc_valid(values) -> np.ndarray:
    """Vectorised GB 32100 + GB 11714 check of a text Series: True where the code is valid.

    Checked once per distinct value (bodies repeat) and broadcast to the rows."""
    col = _distinct(values)
    return col.broadcast(_uscc_ok(col.arrow))


def _uscc_ok(arr) -> np.ndarray:
    """The check characters of each value of an arrow text array, in numpy (null → False)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    shape = pc.fill_null(pc.match_substring_regex(arr, _USCC_RE.pattern), False).to_numpy(zero_copy_only=False)
    ok = np.zeros(len(arr), dtype=bool)
    idx = np.flatnonzero(shape)
    if len(idx) == 0:
        return ok
    text = "".join(arr.filter(pa.array(shape)).to_pylist()).encode("ascii")
    chars = np.frombuffer(text, dtype=np.uint8).reshape(-1, 18)
    vals = _USCC_LUT[chars[:, :17]]
    check = _USCC_ALPHA[(31 - (vals @ np.asarray(USCC_WEIGHTS)) % 31) % 31]
    org = _ORG_LUT[chars[:, 8:16]] @ np.asarray(ORG_WEIGHTS)
    c9 = 11 - org % 11
    org_check = np.where(c9 == 10, ord("X"), np.where(c9 == 11, ord("0"), c9 + ord("0")))
    ok[idx] = (check == chars[:, 17]) & (org_check == chars[:, 16])
    return ok


def _lut(alphabet: str, values) -> np.ndarray:
    table = np.zeros(256, dtype=np.int64)
    for c, v in zip(alphabet, values, strict=True):
        table[ord(c)] = v
    return table


_USCC_LUT = _lut(USCC_ALPHABET, range(31))
_USCC_ALPHA = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
_ORG_LUT = _lut("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", range(36))


def _shape_ok(pattern: re.Pattern):
    def ok(arr) -> np.ndarray:
        import pyarrow.compute as pc

        return pc.fill_null(pc.match_substring_regex(arr, pattern.pattern), False).to_numpy(zero_copy_only=False)
    return ok


_CATALOG_OK = re.compile(r"^\d{2}(0[1-9]|10|20|99|3[0-2])\d{8}$")


def _arrow(values):
    """A text Series (or arrow array) as one arrow array."""
    import pyarrow as pa

    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    return arr.cast(pa.large_string()) if pa.types.is_null(arr.type) else arr


def _distinct(values) -> Distinct:
    """A text Series or arrow array as :class:`Distinct` values: per-value work once, broadcast."""
    return Distinct.of(_arrow(values))


class _Vocabulary:
    """Ids of texts shared by several distinct-coded columns, so rows compare as integers."""

    def __init__(self):
        self.ids: dict[str, int] = {}

    def add(self, col: Distinct, per_value: list) -> np.ndarray:
        """Id per row of ``per_value[code]`` (-1: missing or None)."""
        ids = [-1 if v is None else self.ids.setdefault(v, len(self.ids)) for v in per_value]
        return col.broadcast(np.asarray(ids, dtype=np.int64), -1)

    def text(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The texts of ``ids`` at the ``mask`` rows, None elsewhere."""
        table = np.empty(len(self.ids) + 1, dtype=object)
        table[:-1] = list(self.ids)
        out = np.full(len(ids), None, dtype=object)
        pos = np.flatnonzero(mask)
        out[pos] = table[ids[pos]]
        return out


def _differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows whose vocabulary ids differ or where either is missing (``(a != b).fillna(True)``)."""
    return (a != b) | (a < 0) | (b < 0)


def _at(mask: np.ndarray, arr) -> np.ndarray:
    """An arrow text array's values at the ``mask`` rows, None elsewhere."""
    import pyarrow as pa

    out = np.full(len(mask), None, dtype=object)
    pos = np.flatnonzero(mask)
    out[pos] = arr.take(pa.array(pos)).to_numpy(zero_copy_only=False)
    return out


def _differs(a, b) -> np.ndarray:
    """numpy bool: the texts (arrow, per row) differ, or either is missing."""
    import pyarrow.compute as pc

    return pc.fill_null(pc.not_equal(_arrow(a), _arrow(b)), True).to_numpy(zero_copy_only=False)


def _slice(arr, start: int, stop: int):
    """``utf8_slice_codeunits``; on ASCII codes (nearly every 实施编码) the byte slice, the same
    text without decoding UTF-8 (about 4× faster)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.Array) and pa.types.is_large_string(arr.type) and is_ascii(arr):
        return pc.binary_slice(arr.view(pa.large_binary()), start, stop).view(pa.large_string())
    return pc.utf8_slice_codeunits(arr, start, stop)


def _pairs(a: Distinct, b: Distinct, fn) -> np.ndarray:
    """numpy bool array of ``fn(a_i, b_i)`` (missing → None), evaluated once per distinct pair."""
    ua, ub = [*a.values, None], [*b.values, None]
    table = np.array([[bool(fn(x, y)) for y in ub] for x in ua], dtype=bool).reshape(len(ua), len(ub))
    return table[a.codes, b.codes]


def _classified(rows: Rows, col: str, fn, out: Hits, ok=None, repeats: bool = True):
    """Classify distinct values (skipping those the ``ok`` kernel vouches for); one hit frame per rule.

    ``repeats``: the column repeats its values (bodies, catalog codes), so ``ok`` runs on the
    distinct values; otherwise (实施编码) on the rows, and only the rest is classified.
    Returns (a bool array: True where the value is present and breaks no rule, the rule index
    of each row or -1, the rule names), and the column as :class:`Distinct` when ``repeats``.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    values = rows.code(col)
    present = rows.present(col)
    arr = _arrow(values)
    col_d = None
    if repeats:
        col_d = _distinct(arr)
        todo_values = col_d.arrow
        todo = np.flatnonzero(~ok(todo_values)) if ok is not None else np.arange(len(todo_values))
        verdicts = [fn(u) for u in todo_values.take(pa.array(todo)).to_pylist()]
    else:
        good = ok(arr) if ok is not None else np.zeros(len(arr), dtype=bool)
        rows_todo = np.flatnonzero(pc.is_valid(arr).to_numpy(zero_copy_only=False) & ~good)
        col_d = None
        sub = _distinct(arr.take(pa.array(rows_todo)))
        todo = np.arange(len(sub.arrow))
        verdicts = [fn(u) for u in sub.values]
    names = sorted({v[0] for v in verdicts if v})
    rule_u = np.full(len(todo_values) if repeats else len(todo), -1, dtype=np.int64)
    params_u = np.full(len(rule_u), None, dtype=object)
    for i, v in zip(todo.tolist(), verdicts, strict=True):
        if v:
            rule_u[i] = names.index(v[0])
            params_u[i] = v[1]
    if repeats:
        rule_of = col_d.broadcast(rule_u, -1)
        params = col_d.broadcast(params_u, None) if names else None
    else:
        rule_of = np.full(rows.n, -1, dtype=np.int64)
        rule_of[rows_todo] = sub.broadcast(rule_u, -1)
        params = None
        if names:
            params = np.full(rows.n, None, dtype=object)
            params[rows_todo] = sub.broadcast(params_u, None)
    if names:
        params = pd.Series(params, index=rows.frame.index)
        for k, name in enumerate(names):
            out.add(rule_of == k, name, col, params=params)
    return (present & (rule_of == -1), rule_of, names), col_d


def _segment_check(rows: Rows, out: Hits, ok, segment, other: str, rule: str, field: str,
                   keys: tuple[str, str]) -> None:
    """Flag rows (among ``ok``) where a 实施编码 segment (arrow text per row) differs from another
    element's value."""
    if not rows.has(other):
        return
    value = rows.code(other)
    bad = ok & rows.present(other) & _differs(segment, value)
    if bad.any():
        out.add(bad, rule, field, params={keys[0]: _at(bad, segment), keys[1]: value})


def check_codes(rows: Rows, ctx):
    out = Hits(rows.frame)
    profile = rows.profile
    body_ok = body = None
    if rows.has("implementing_body_code"):
        (body_ok, rule_of, names), body = _classified(rows, "implementing_body_code", classify_uscc, out, _uscc_ok)
        if USCC_ORG_CHECK_DIGIT in names:  # the USCC itself is valid: keep comparing it
            body_ok = body_ok | (rule_of == names.index(USCC_ORG_CHECK_DIGIT))
    if profile is None or not profile.unpadded_codes:
        _leading_zeros(rows, out)
    area = _area_province(rows, out) if rows.has("area_code") else None
    cat_ok = None
    if rows.has("catalog_code"):
        (cat_ok, _r, _n), cat = _classified(rows, "catalog_code", lambda c: classify_catalog(c, profile), out,
                                            _shape_ok(_CATALOG_OK))
        _catalog_segments(rows, out, profile, cat, cat_ok, area, body, body_ok)
    if rows.has("task_code"):
        (ok, _r, _n), _ = _classified(rows, "task_code", lambda c: classify_task(c, profile), out,
                                      _shape_ok(_TASK_RE), repeats=False)
        task = _arrow(rows.code("task_code"))
        # 31 characters, or 33 (+ 办理项 number); a local shape a profile accepts is not compared
        length = rows.length("task_code")
        national = ok & ((length == 31) | (length == 33))
        # compared only with codes that are themselves valid: a broken 实施主体编码 or 基本编码 is
        # reported once, under its own rule, not again as a mismatch
        if body_ok is not None:
            _segment_check(rows, out, national & body_ok, _slice(task, 0, 18), "implementing_body_code",
                           TASK_CODE_BODY_MISMATCH, "task_code", ("prefix", "body"))
        else:
            _embedded_uscc(rows, out, national, rows.code("task_code"))
        if cat_ok is not None:
            _segment_check(rows, out, national & cat_ok, _slice(task, 19, 31), "catalog_code",
                           TASK_CODE_CATALOG_MISMATCH, "task_code", ("tail", "catalog"))
        if rows.has("exercise_levels"):
            lv = _distinct(_slice(task, 18, 19))
            levels = rows.code("exercise_levels")
            inside = _pairs(lv, _distinct(levels),
                            lambda d, v: d is not None and v is not None and d in v.split(","))
            bad = national & rows.present("exercise_levels") & ~inside
            if bad.any():
                out.add(bad, TASK_CODE_LEVEL_MISMATCH, "task_code",
                                params={"digit": lv.at(lv.values, bad), "levels": levels})
        if rows.has("handle_item_code"):
            import pyarrow.compute as pc

            h = _arrow(rows.code("handle_item_code"))
            good = pc.fill_null(pc.and_(pc.equal(pc.utf8_length(h), 33),
                                        pc.equal(_slice(h, 0, 31), _slice(task, 0, 31))), False) \
                .to_numpy(zero_copy_only=False)
            out.add(national & rows.present("handle_item_code") & ~good,
                            HANDLE_ITEM_CODE_PREFIX, "handle_item_code")
    if body_ok is not None:
        for col in ("local_task_code", "task_code"):
            if rows.has(col):
                _local_body(rows, out, col, body_ok)
    return [out.frame()]


def _catalog_segments(rows: Rows, out: Hits, profile, cat: Distinct, cat_ok, area, body, body_ok) -> None:
    """基本编码 segments against 事项类型, the province (of 区划, else of the 实施主体编码) and the
    中央业务指导部门: per distinct value, compared as vocabulary ids per row."""
    texts = cat.values
    if rows.has("item_type"):
        tt = [c[2:4] for c in texts]
        if profile is not None and profile.catalog_type_codes:
            tt = [profile.catalog_type_codes.get(t, t) if c[0:2] in profile.provinces else t
                  for c, t in zip(texts, tt, strict=True)]
        item_type = rows.code("item_type")
        types = _distinct(item_type)
        words = _Vocabulary()
        tt_ids = words.add(cat, tt)
        known_type = types.broadcast([t in _ITEM_TYPES for t in types.values], False)
        bad = cat_ok & known_type & rows.present("item_type") & _differ(tt_ids, words.add(types, types.values))
        if bad.any():
            out.add(bad, CATALOG_CODE_TYPE_MISMATCH, "catalog_code",
                            params={"tt": words.text(tt_ids, bad), "item_type": item_type})
    if area is not None or body_ok is not None:
        words = _Vocabulary()
        province = np.full(rows.n, -1, dtype=np.int64)
        if area is not None:
            province = words.add(*area)
        if body_ok is not None:
            from_body = np.where(body_ok, words.add(body, [b[2:4] for b in body.values]), -1)
            province = np.where(province >= 0, province, from_body)
        rr = [c[0:2] for c in texts]
        rr_ids = words.add(cat, rr)
        bad = cat_ok & (province >= 0) & cat.broadcast([r != "00" for r in rr], True) & _differ(rr_ids, province)
        if bad.any():
            out.add(bad, CATALOG_CODE_REGION_MISMATCH, "catalog_code",
                            params={"rr": cat.at(rr, bad), "province": words.text(province, bad)})
    if rows.has("central_dept_code"):
        code = rows.code("central_dept_code")
        dept = _distinct(code)
        words = _Vocabulary()
        padded = words.add(dept, [("0" + d) if _DIGIT.fullmatch(d) else d  # named by code-leading-zeros
                                  for d in dept.values])
        dd = [c[4:6] for c in texts]
        bad = cat_ok & rows.present("central_dept_code") & _differ(words.add(cat, dd), padded)
        if bad.any():
            out.add(bad, CATALOG_CODE_DEPT_MISMATCH, "catalog_code",
                            params={"dd": cat.at(dd, bad), "dept": code})


def _leading_zeros(rows: Rows, out: Hits) -> None:
    """事项类型 ``1`` and 中央业务指导部门 ``4``: two-digit codes Excel stored as numbers."""
    for col in ("item_type", "central_dept_code"):
        if rows.has(col):
            raw = _distinct(rows.text(col))
            single = raw.broadcast(_shape_ok(_SINGLE_DIGIT)(raw.arrow), False)
            if single.any():
                out.add(single, CODE_LEADING_ZEROS, col,
                                params={"suggest": raw.at(["0" + v for v in raw.values], single)})


_SINGLE_DIGIT = re.compile(r"^[1-9]$")


def _area_province(rows: Rows, out: Hits) -> tuple[Distinct, list]:
    """The 区划 column and the province (2 digits, or None) of each distinct value, written as a
    code or a name; unmappable → info."""
    from validators.core.regions import region_code

    area = _distinct(rows.text("area_code"))
    codes = [region_code(v) for v in area.values]
    unmapped = rows.present("area_code") & area.broadcast([c is None for c in codes], True)
    if unmapped.any():
        out.add(unmapped, AREA_UNMAPPED, "area_code")
    return area, [None if c is None else c[0:2] for c in codes]


def _embedded_uscc(rows: Rows, out: Hits, ok, task) -> None:
    """No 实施主体编码 column: the USCC inside the 31-character 实施编码 is still checked."""
    prefix = task.str.slice(0, 18)
    valid = uscc_valid(prefix.where(ok))
    verdict = map_distinct(prefix.where(ok & ~valid), classify_uscc)
    rule = verdict.map(lambda v: v[0] if v else None, na_action="ignore")
    bad = ok & ~valid & rule.isin([USCC_CHECK_DIGIT, USCC_ORG_CHECK_DIGIT]).to_numpy(dtype=bool)
    if bad.any():
        position = rule.map(lambda r: 18 if r == USCC_CHECK_DIGIT else 17, na_action="ignore")
        out.add(bad, TASK_CODE_USCC_INVALID, "task_code", params={
            "prefix": prefix, "position": position,
            "expected": verdict.map(lambda v: v[1]["expected"] if v else None, na_action="ignore"),
            "actual": verdict.map(lambda v: v[1]["actual"] if v else None, na_action="ignore")})


_EMBEDDED_USCC = re.compile(f"(?:^|-)({USCC_PATTERN})(?:-|$)")


def _local_body(rows: Rows, out: Hits, col: str, body_ok) -> None:
    """Local item codes embedding a USCC (``…-000-<USCC>-…``) name the 实施主体 of the row."""
    def embedded(v: str) -> str | None:
        m = _EMBEDDED_USCC.search(v)
        return m.group(1) if m else None

    import pyarrow.compute as pc

    code = rows.code(col)
    dashed = pc.fill_null(pc.match_substring(_arrow(code), "-"), False).to_numpy(zero_copy_only=False)
    if not dashed.any():  # national 31-character codes: nothing embedded, nothing to scan
        return
    inner = map_distinct(code.where(dashed), embedded, out="str")
    body = rows.code("implementing_body_code")
    bad = body_ok & (inner.notna() & (inner != body)).fillna(False).to_numpy(dtype=bool)
    out.add(bad, LOCAL_CODE_BODY_MISMATCH, col, params={"embedded": inner, "body": body})
