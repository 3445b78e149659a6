"""Value normalisation shared by every check and by the jsonschema path.

``Rows`` wraps one chunk and computes, lazily and once per column: the trimmed text, whether a
value is *present* (not empty and not a placeholder such as 无 or /), the normalised code of a
code-list element (labels and vendor aliases → codes) and the number of an integer element.
Work is done on distinct values and broadcast back, because exports repeat the same few values
(行使层级, 办理时间, 办理地点 …) across thousands of rows.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable

from validators.core.schema import (
    FLAG_ANSWERS,
    PLACEHOLDERS,
    code_lookup,
    elements,
    split_multi,
)


def map_distinct(series, fn: Callable[[str], Any], out: str = "object"):
    """Apply ``fn`` to each distinct non-missing value of a text Series and broadcast back.

    ``out`` is the result type: ``"object"`` (missing → None), ``"str"`` (an arrow-backed text
    Series, so later string operations stay vectorised; missing or None → NA) or ``"bool"``
    (missing → False).  Factorising is one hash pass; ``fn`` runs once per distinct value.
    """
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = [fn(u) for u in uniques]
    if out == "str":
        import pyarrow as pa

        table = pa.array(values, type=pa.string())
        taken = table.take(pa.array(codes, mask=codes < 0))
        return pd.Series(taken.to_pandas(), index=series.index)
    if out == "bool":
        results = np.zeros(len(uniques) + 1, dtype=bool)
        results[:-1] = np.asarray(values, dtype=bool) if values else results[:-1]
        return pd.Series(results[codes], index=series.index)
    results = np.empty(len(uniques) + 1, dtype=object)
    results[:-1] = values
    results[-1] = None  # code -1 (missing) picks the last slot
    return pd.Series(results[codes], index=series.index, dtype=object)


def map_pairs(a, b, fn: Callable[[Any, Any], bool]):
    """numpy bool array of ``fn(a_i, b_i)``, evaluated once per distinct pair (missing → None)."""
    import numpy as np
    import pandas as pd

    ca, ua = pd.factorize(a, use_na_sentinel=True)
    cb, ub = pd.factorize(b, use_na_sentinel=True)
    width = len(ub) + 1
    keys, inverse = np.unique((ca.astype(np.int64) + 1) * width + (cb + 1), return_inverse=True)
    results = np.empty(len(keys), dtype=bool)
    for i, k in enumerate(keys.tolist()):
        ia, ib = divmod(k, width)
        results[i] = bool(fn(ua[ia - 1] if ia else None, ub[ib - 1] if ib else None))
    return results[inverse.reshape(-1)]


_NOTE = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_LABEL = re.compile(r"^[^:]{1,12}:")
_TRAIL = re.compile(r"[。.;,、!]+$")


def normalise_code(value: str, codelist: str, multi: bool) -> str:
    """Labels and aliases → codes; unknown tokens are kept as written (then fail the code list)."""
    lookup = code_lookup(codelist)
    text = unicodedata.normalize("NFKC", value).strip()
    if not multi:
        key = text.upper()
        found = lookup.get(key, lookup.get(key.rstrip("类")))
        if found is None:
            # "否（不收费）", "是。", "是否收费：否": a known value with a note, a stop or the label
            bare = _TRAIL.sub("", _LABEL.sub("", _NOTE.sub("", key))).strip()
            found = lookup.get(bare, lookup.get(bare.rstrip("类"))) if bare and bare != key else None
        return text if found is None else found
    out: list[str] = []
    for token in split_multi(text):
        code = lookup.get(token.upper(), token)
        if code not in out:
            out.append(code)
    return ",".join(out)


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


@lru_cache(maxsize=2)
def _absent_values(flag: bool = False):
    """Empty text and the placeholders, as an arrow array for ``pc.is_in``."""
    import pyarrow as pa

    return pa.array(sorted(placeholders(flag) | {""}), type=pa.string())


def _is_flag(col: str) -> bool:
    el = elements().get(col)
    return el is not None and el.codelist == "flag"


def placeholders(flag: bool) -> frozenset[str]:
    """The values that mean "no value"; on a yes/no element 无 is an answer (否), not a gap."""
    return PLACEHOLDERS - FLAG_ANSWERS if flag else PLACEHOLDERS


# blocks holding the characters NFKC changes in real exports: no-break and ideographic spaces,
# general punctuation, super/subscripts, letterlike and number forms (℃, Ⅳ), circled numbers,
# Kangxi and CJK radicals pasted from PDFs, enclosed CJK, compatibility ideographs and forms,
# full-width ASCII
_NFKC_NEEDED = ("[\u00a0\u2000-\u218f\u2460-\u24ff\u2e80-\u2fdf\u3000\u3200-\u33ff"
                "\uf900-\ufaff\ufe10-\ufe6f\uff01-\uffee]")


def nfkc_arrow(arr):
    """NFKC-normalise an arrow text array, touching only the values that need it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    needs = pc.fill_null(pc.match_substring_regex(arr, _NFKC_NEEDED), False)
    count = pc.sum(needs).as_py() or 0
    if count == 0:
        return arr
    if count > len(arr) // 4:
        return pc.utf8_normalize(arr, "NFKC")
    fixed = pc.utf8_normalize(arr.filter(needs), "NFKC")
    return pc.replace_with_mask(arr, needs, fixed.cast(arr.type))


class Rows:
    """One chunk of canonical rows with lazily normalised views of its columns.

    ``text``/``code``/``value`` are arrow-backed text Series (missing where absent); ``present``
    is a numpy bool array; ``num`` a float array.  Heavy lifting is done by pyarrow compute
    kernels (trim, NFKC, membership) or once per distinct value.
    """

    def __init__(self, frame, profile=None):
        self.frame = frame
        self.profile = profile    # the province coding scheme (validators.core.profiles), if any
        self.n = len(frame)
        self._text: dict[str, Any] = {}
        self._present: dict[str, Any] = {}
        self._code: dict[str, Any] = {}
        self._num: dict[str, Any] = {}

    def has(self, col: str) -> bool:
        return col in self.frame.columns

    def raw(self, col: str):
        return self.frame[col]

    def _series(self, arr):
        import pandas as pd

        return pd.Series(arr.to_pandas(), index=self.frame.index)

    def _arrow_text(self, col: str):
        """(trimmed arrow text with absent values nulled, absent mask)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        trimmed = pc.utf8_trim_whitespace(pa.array(self.frame[col].array))
        absent = pc.or_(pc.is_null(trimmed), pc.is_in(trimmed, value_set=_absent_values(_is_flag(col))))
        if pc.any(pc.and_(absent, pc.is_valid(trimmed))).as_py():
            trimmed = pc.if_else(absent, pa.scalar(None, pa.string()), trimmed)
        return trimmed, absent

    def text(self, col: str):
        """Trimmed text, missing where the cell is empty or a placeholder."""
        if col not in self._text:
            import numpy as np
            import pandas as pd

            if not self.has(col):
                self._text[col] = pd.Series([None] * self.n, index=self.frame.index, dtype="str")
                self._present[col] = np.zeros(self.n, dtype=bool)
            else:
                text, absent = self._arrow_text(col)
                self._text[col] = self._series(text)
                self._present[col] = ~absent.to_numpy(zero_copy_only=False)
        return self._text[col]

    def present(self, col: str):
        """numpy bool array: the element has a real value (not empty, not a placeholder)."""
        if col not in self._present:
            self.text(col)
        return self._present[col]

    def code(self, col: str):
        """Normalised code of a code-list element (multi-valued: ``"2,3"``), missing if absent.

        Elements without a code list (codes, numbers, dates) are NFKC-normalised, so full-width
        digits count as digits.
        """
        if col not in self._code:
            el = elements()[col]
            t = self.text(col)
            if el.codelist:
                fn = lambda v: normalise_code(v, el.codelist, el.kind == "multi")
                if col == "item_type" and self.profile is not None and self.profile.item_type:
                    plain, profile = fn, self.profile
                    fn = lambda v: profile.item_type_code(v) or plain(v)
                self._code[col] = map_distinct(t, fn, out="str")
            elif self.has(col):
                import pyarrow as pa
                import pyarrow.compute as pc

                self._code[col] = self._series(pc.utf8_trim_whitespace(nfkc_arrow(pa.array(t.array))))
            else:
                self._code[col] = t
        return self._code[col]

    def value(self, col: str):
        """The value as the JSON Schema sees it (see :func:`normalised_record`)."""
        el = elements()[col]
        if el.codelist or el.kind in ("code", "integer", "date"):
            return self.code(col)
        return self.text(col)

    def length(self, col: str):
        """numpy int array: characters in :meth:`value` (0 where absent)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        lengths = pc.utf8_length(pa.array(self.value(col).array))
        return pc.fill_null(lengths, 0).to_numpy(zero_copy_only=False)

    def num(self, col: str):
        """Integer elements as floats (NaN where absent or not a non-negative integer)."""
        if col not in self._num:
            import numpy as np
            import pyarrow as pa
            import pyarrow.compute as pc

            arr = pa.array(self.code(col).array)
            digits = pc.fill_null(pc.match_substring_regex(arr, r"^[0-9]+$"), False)
            nums = pc.cast(pc.if_else(digits, arr, pa.scalar(None, pa.string())), pa.float64())
            self._num[col] = pc.fill_null(nums, np.nan).to_numpy(zero_copy_only=False)
        return self._num[col]


def normalised_record(record: dict[str, Any]) -> dict[str, Any]:
    """One record as the JSON Schema sees it: placeholders dropped, codes normalised, multi split."""
    out: dict[str, Any] = {}
    els = elements()
    for name, value in record.items():
        if name not in els or value is None:
            continue
        text = str(value).strip()
        el = els[name]
        if text == "" or text in placeholders(el.codelist == "flag"):
            continue
        if el.codelist:
            code = normalise_code(text, el.codelist, el.kind == "multi")
            out[name] = code.split(",") if el.kind == "multi" else code
        elif el.kind in ("code", "integer", "date"):
            out[name] = nfkc(text)
        else:
            out[name] = text
    return out
