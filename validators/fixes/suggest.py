"""What to type instead: a suggestion for each finding whose fix can be derived.

A suggestion says the new value and how sure it is:

- ``safe`` — deterministic from the value itself (case, lost leading zeros whose length tells
  them, Chinese numerals of a day count);
- ``likely`` — from a reference or another element of the row (the national base name of a
  ``catalog-name-mismatch``, a 实施编码 rebuilt from the row's valid body code, level and 基本编码);
- ``candidates`` — several possible values and no way to choose (every single-character
  correction of a USCC whose check digit fails; the top candidates of an unmatched name).

Where no fix can be derived the finding has no suggestion; the report says so by omission, the
message and hint say why.  ``row`` (canonical element → text) is optional: with it, a USCC's
candidates are narrowed to the one the row's 实施编码 embeds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping

from validators.checks.codes import (
    CATALOG_CODE_LEADING_ZEROS,
    CODE_LEADING_ZEROS,
    TASK_CODE_BODY_MISMATCH,
    TASK_CODE_CATALOG_MISMATCH,
    TASK_CODE_LEVEL_MISMATCH,
    USCC_ALPHABET,
    USCC_CHECK_DIGIT,
    USCC_LOWERCASE,
    USCC_WEIGHTS,
    uscc_check_char,
)
from validators.checks.clarity import (
    LEGAL_BASIS_DOC_NUMBER_BRACKETS,
    LEGAL_BASIS_LEADING_JUNK,
    LEGAL_BASIS_WRAPPED_IN_QUOTES,
)
from validators.checks.consistency import INSTANT_CASE_TYPE_MISMATCH
from validators.checks.elements import ELEMENT_WRONG_TYPE
from validators.conformity.findings import (
    CATALOG_CODE_UNKNOWN,
    CATALOG_MATCH_REVIEW,
    CATALOG_NAME_MISMATCH,
    CATALOG_UNMATCHED,
)

SAFE, LIKELY, CANDIDATES = "safe", "likely", "candidates"


@dataclass(frozen=True)
class Suggestion:
    value: str | None  # the new value (None when only candidates exist)
    confidence: str  # safe | likely | candidates
    candidates: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "confidence": self.confidence}
        if self.candidates:
            d["candidates"] = list(self.candidates)
        return d


Rule = Callable[[str | None, Mapping[str, Any], Mapping[str, str]], Suggestion | None]
_RULES: dict[str, Rule] = {}


def _for(*codes: str):
    def register(fn: Rule) -> Rule:
        for c in codes:
            _RULES[c] = fn
        return fn

    return register


def suggest(
    code: str,
    value: str | None,
    params: Mapping[str, Any] | None = None,
    row: Mapping[str, str] | None = None,
) -> Suggestion | None:
    """The suggestion for one finding, or None when its fix cannot be derived."""
    fn = _RULES.get(str(code))
    if fn is None:
        return None
    try:
        return fn(value, params or {}, row or {})
    except (ValueError, IndexError, TypeError):  # a malformed value: no suggestion, never a crash
        return None


def fixable_rules() -> tuple[str, ...]:
    return tuple(sorted(_RULES))


# ---------------------------------------------------------------- codes


@_for(USCC_LOWERCASE)
def _upper(value, params, row):
    return Suggestion(str(value).strip().upper(), SAFE) if value else None


@_for(CATALOG_CODE_LEADING_ZEROS, CODE_LEADING_ZEROS)
def _zeros(value, params, row):
    s = params.get("suggest")
    return Suggestion(str(s), SAFE) if s else None


_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}          # GB 32100 character → value
_USCC_INVERSE = tuple(pow(w, -1, 31) for w in USCC_WEIGHTS)          # each weight's inverse mod 31


def uscc_corrections(code: str) -> list[str]:
    """Every code that differs from ``code`` in one character and passes the GB 32100 check."""
    if len(code) != 18:
        return []
    out = []
    idx = [_USCC_VALUE.get(c, -1) for c in code[:17]]
    bad = [i for i, v in enumerate(idx) if v < 0]
    expected = uscc_check_char(code[:17]) if not bad else None
    if expected and expected != code[17]:
        out.append(code[:17] + expected)
    # the check sum is linear and 31 is prime: changing position i moves it by weight × (new − old),
    # so exactly one character at i makes the sum match the check character (a findings report
    # lists many codes; solving beats trying the 17 × 30 candidates)
    last = _USCC_VALUE.get(code[17], -1)
    if last < 0:
        return out
    target = (31 - last) % 31                       # the sum mod 31 that yields code[17]
    total = sum(max(v, 0) * w for v, w in zip(idx, USCC_WEIGHTS, strict=True))
    # the shape (USCC_PATTERN): positions 3–8 are digits (the first ten values of the alphabet)
    misfit = {i for i in range(2, 8) if not 0 <= idx[i] < 10} | set(bad)
    if len(misfit) > 1:
        return out                        # two positions do not fit: no one-character change passes
    for i in range(17):
        if misfit and i not in misfit:
            continue
        rest = total - (idx[i] * USCC_WEIGHTS[i] if idx[i] >= 0 else 0)
        k = (target - rest) * _USCC_INVERSE[i] % 31
        if k != idx[i] and (k < 10 or not 2 <= i < 8):
            out.append(code[:i] + USCC_ALPHABET[k] + code[i + 1 :])
    return out


@_for(USCC_CHECK_DIGIT)
def _uscc_candidates(value, params, row):
    code = str(value or "").strip()
    cands = uscc_corrections(code)
    task = str(row.get("task_code") or "").strip()
    if len(task) == 31 and task[:18] in cands:
        return Suggestion(task[:18], LIKELY)  # the 实施编码 of the same row embeds it
    return Suggestion(None, CANDIDATES, tuple(cands)) if cands else None


@_for(TASK_CODE_BODY_MISMATCH)
def _task_body(value, params, row):
    body, task = params.get("body"), str(value or "")
    return Suggestion(str(body) + task[18:], LIKELY) if body and len(task) == 31 else None


@_for(TASK_CODE_CATALOG_MISMATCH)
def _task_catalog(value, params, row):
    cat, task = params.get("catalog"), str(value or "")
    return Suggestion(task[:19] + str(cat), LIKELY) if cat and len(task) == 31 else None


@_for(TASK_CODE_LEVEL_MISMATCH)
def _task_level(value, params, row):
    levels, task = str(params.get("levels") or ""), str(value or "")
    digits = [d for d in re.split(r"[,，、\s]+", levels) if len(d) == 1 and d.isdigit()]
    if len(digits) == 1 and len(task) == 31:
        return Suggestion(task[:18] + digits[0] + task[19:], LIKELY)
    return None


# ---------------------------------------------------------------- elements

_DAY_COUNT = re.compile(r"^\s*(\d+|[零〇一二两三四五六七八九十百千]+)\s*(个)?\s*(工作日|自然日|日|天)?\s*$")


@_for(ELEMENT_WRONG_TYPE)
def _number(value, params, row):
    """二十 → 20; 20天 / 二十个工作日 → 20 (the unit belongs in its own element)."""
    from validators.core.textnum import cn_to_int

    if params.get("kind") != "integer" or not value:
        return None
    m = _DAY_COUNT.match(unicodedata.normalize("NFKC", str(value)))
    if not m:
        return None
    num = m.group(1)
    n = int(num) if num.isdigit() else cn_to_int(num)
    if n is None:
        return None
    return Suggestion(str(n), LIKELY if m.group(3) else SAFE)


@_for(INSTANT_CASE_TYPE_MISMATCH)
def _case_type(value, params, row):
    """办件类型 from the promised limit: 0 days → 1 即办件, otherwise 2 承诺件."""
    promised = params.get("promised")
    if promised is None:
        return None
    return Suggestion("1" if float(promised) == 0 else "2", LIKELY)


# ---------------------------------------------------------------- 设定依据 hygiene

_DOC_YEAR = re.compile(r"(?<=[\u4e00-\u9fff])[【\[(（［]\s*((?:19|20)\d{2})\s*[】\])）］](?=\s*\d+\s*号)")


@_for(LEGAL_BASIS_LEADING_JUNK)
def _strip_leading(value, params, row):
    """";1、《行政许可法》…" → "《行政许可法》…": the stray punctuation and item number go."""
    text = str(value or "")
    m = re.match(r"^[\s;,.、。:!?；，：！？]+(?:\d{1,2}\s*[、.．)）]\s*)?", text)
    new = text[m.end():] if m else text
    return Suggestion(new, SAFE) if new and new != text else None


@_for(LEGAL_BASIS_WRAPPED_IN_QUOTES)
def _strip_quotes(value, params, row):
    text = str(value or "").strip()
    new = text[1:-1].strip()
    return Suggestion(new, SAFE) if len(text) >= 2 and new else None


@_for(LEGAL_BASIS_DOC_NUMBER_BRACKETS)
def _doc_brackets(value, params, row):
    """国发【2017】7号 → 国发〔2017〕7号 (GB/T 9704-2012 7.2.4)."""
    text = str(value or "")
    new = _DOC_YEAR.sub(lambda m: f"〔{m.group(1)}〕", text)
    return Suggestion(new, SAFE) if new != text else None


# ---------------------------------------------------------------- conformity


@_for(CATALOG_NAME_MISMATCH)
def _base_name(value, params, row):
    name = params.get("base_name")
    return Suggestion(str(name), LIKELY) if name else None


_CANDIDATE = re.compile(r"^\s*(\d{12})\s+(.*?)\s*\([\d.]+\)\s*$")


def _candidates(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(base code, base name) of the top candidates the matcher kept ("code name (score) | …")."""
    return list(_parse_candidates(str(params.get("candidates") or "")))


@lru_cache(maxsize=8192)
def _parse_candidates(text: str) -> tuple[tuple[str, str], ...]:
    """Many findings of a report carry the same candidates text."""
    return tuple(m.groups() for c in text.split(" | ") if (m := _CANDIDATE.match(c)))


@_for(CATALOG_MATCH_REVIEW, CATALOG_UNMATCHED)
def _base_names(value, params, row):
    names = tuple(dict.fromkeys(n for _c, n in _candidates(params)))
    return Suggestion(None, CANDIDATES, names) if names else None


@_for(CATALOG_CODE_UNKNOWN)
def _base_codes(value, params, row):
    codes = tuple(dict.fromkeys(c for c, _n in _candidates(params)))
    return Suggestion(None, CANDIDATES, codes) if codes else None
