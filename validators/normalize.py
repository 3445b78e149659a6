"""Value normalisation shared by every check and by the jsonschema path.

``Rows`` wraps one chunk and computes, lazily and once per column: the trimmed text, whether a
value is *present* (not empty and not a placeholder such as 无 or /), the normalised code of a
code-list element (labels and vendor aliases → codes) and the number of an integer element.
Work is done on distinct values and broadcast back, because exports repeat the same few values
(行使层级, 办理时间, 办理地点 …) across thousands of rows.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Callable

from .schema import PLACEHOLDERS, code_lookup, elements, split_multi


def map_distinct(series, fn: Callable[[str], Any]):
    """Apply ``fn`` to each distinct non-missing value of a text Series and broadcast back."""
    import pandas as pd

    uniq = series.dropna().unique()
    if len(uniq) == 0:
        return pd.Series([None] * len(series), index=series.index, dtype=object)
    table = {u: fn(u) for u in uniq}
    return series.map(table)


def normalise_code(value: str, codelist: str, multi: bool) -> str:
    """Labels and aliases → codes; unknown tokens are kept as written (then fail the code list)."""
    lookup = code_lookup(codelist)
    text = unicodedata.normalize("NFKC", value).strip()
    if not multi:
        key = text.upper()
        return lookup.get(key, lookup.get(key.rstrip("类"), text))
    out: list[str] = []
    for token in split_multi(text):
        code = lookup.get(token.upper(), token)
        if code not in out:
            out.append(code)
    return ",".join(out)


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


class Rows:
    """One chunk of canonical rows with lazily normalised views of its columns."""

    def __init__(self, frame, columns_present: set[str] | None = None):
        self.frame = frame
        self.n = len(frame)
        self._text: dict[str, Any] = {}
        self._present: dict[str, Any] = {}
        self._code: dict[str, Any] = {}
        self._num: dict[str, Any] = {}

    def has(self, col: str) -> bool:
        return col in self.frame.columns

    def raw(self, col: str):
        return self.frame[col]

    def text(self, col: str):
        """Trimmed text, missing where the cell is empty or a placeholder."""
        if col not in self._text:
            import pandas as pd

            if not self.has(col):
                self._text[col] = pd.Series([None] * self.n, index=self.frame.index, dtype="str")
            else:
                s = self.frame[col].str.strip()
                absent = s.isna() | (s == "") | s.isin(PLACEHOLDERS)
                self._text[col] = s.mask(absent)
                self._present[col] = ~absent
        return self._text[col]

    def present(self, col: str):
        if col not in self._present:
            import pandas as pd

            if not self.has(col):
                self._present[col] = pd.Series(False, index=self.frame.index)
            else:
                self.text(col)
        return self._present[col]

    def code(self, col: str):
        """Normalised code of a code-list element (multi-valued: ``"2,3"``), missing if absent."""
        if col not in self._code:
            el = elements()[col]
            t = self.text(col)
            if el.codelist:
                self._code[col] = map_distinct(t, lambda v: normalise_code(v, el.codelist, el.kind == "multi"))
            else:
                self._code[col] = map_distinct(t, nfkc)
        return self._code[col]

    def value(self, col: str):
        """The value as the JSON Schema sees it (see :func:`normalised_record`)."""
        el = elements()[col]
        if el.codelist or el.kind in ("code", "integer", "date"):
            return self.code(col)
        return self.text(col)

    def num(self, col: str):
        """Integer elements as floats (NaN where absent or not a non-negative integer)."""
        if col not in self._num:
            import pandas as pd

            t = self.code(col).astype("str")
            self._num[col] = pd.to_numeric(t.where(t.str.fullmatch(r"[0-9]+").fillna(False)),
                                           errors="coerce")
        return self._num[col]


def normalised_record(record: dict[str, Any]) -> dict[str, Any]:
    """One record as the JSON Schema sees it: placeholders dropped, codes normalised, multi split."""
    out: dict[str, Any] = {}
    els = elements()
    for name, value in record.items():
        if name not in els or value is None:
            continue
        text = str(value).strip()
        if text == "" or text in PLACEHOLDERS:
            continue
        el = els[name]
        if el.codelist:
            code = normalise_code(text, el.codelist, el.kind == "multi")
            out[name] = code.split(",") if el.kind == "multi" else code
        elif el.kind in ("code", "integer", "date"):
            out[name] = nfkc(text)
        else:
            out[name] = text
    return out
