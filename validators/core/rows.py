"""Value normalisation shared by every check and by the jsonschema path.

``Rows`` wraps one chunk and computes, lazily and once per column: the trimmed text, whether a
value is *present* (not empty and not a placeholder such as 无 or /), the normalised code of a
code-list element (labels and vendor aliases → codes) and the number of an integer element.
Work is done on distinct values and broadcast back, because exports repeat the same few values
(行使层级, 办理时间, 办理地点 …) across thousands of rows: elements whose values repeat by
construction (code lists, integers, two-character codes; ``schema.element_plans``) are
dictionary-encoded once per chunk and trimmed, looked up and normalised on the dictionary; the
others are trimmed as whole columns, with placeholders looked up among the short values only.
For checks that stay in arrow or numpy, ``Rows.text_arrow``/``code_arrow``/``value_arrow``,
``Rows.distinct`` (codes + distinct values, cached), ``Rows.map_values`` and
``Rows.length_over`` give the same views without pandas Series.
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
    element_plans,
    elements,
    split_multi,
)

try:   # optional C walks of a text column's bytes (setup.py); arrow does the same without them
    from validators.core import _textedges
except ImportError:
    _textedges = None


def map_distinct(series, fn: Callable[[str], Any], out: str = "object"):
    """Apply ``fn`` to each distinct non-missing value of a text Series and broadcast back.

    ``out`` is the result type: ``"object"`` (missing → None), ``"str"`` (an arrow-backed text
    Series, so later string operations stay vectorised; missing or None → NA) or ``"bool"``
    (missing → False).  Factorising is one hash pass; ``fn`` runs once per distinct value.
    """
    codes, uniques = _factorize(series)
    return _spread(codes, [fn(u) for u in uniques], out, series.index)


def _spread(codes, values: list, out: str, index):
    """The Series of :func:`map_distinct`: ``values[code]`` per row, typed by ``out``."""
    import numpy as np
    import pandas as pd

    if out == "str":
        import pyarrow as pa

        table = pa.array(values, type=pa.string())
        taken = table.take(pa.array(codes, mask=codes < 0))
        return pd.Series(taken.to_pandas(), index=index)
    if out == "bool":
        results = np.zeros(len(values) + 1, dtype=bool)
        results[:-1] = np.asarray(values, dtype=bool) if values else results[:-1]
        return pd.Series(results[codes], index=index)
    results = np.empty(len(values) + 1, dtype=object)
    results[:-1] = values
    results[-1] = None  # code -1 (missing) picks the last slot
    return pd.Series(results[codes], index=index, dtype=object)


def _factorize(series):
    """(numpy codes, -1 where missing; the distinct values) of a Series, as ``pd.factorize``;
    an arrow-backed text Series is encoded by arrow without a round trip through pandas."""
    import pandas as pd

    if getattr(series.dtype, "storage", None) == "pyarrow":
        import pyarrow as pa

        arr = pa.array(series.array)
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            codes, dictionary = _factorized(arr)
            return codes, dictionary.to_pylist()
    return pd.factorize(series, use_na_sentinel=True)


def map_pairs(a, b, fn: Callable[[Any, Any], bool]):
    """numpy bool array of ``fn(a_i, b_i)``, evaluated once per distinct pair (missing → None)."""
    import numpy as np

    ca, ua = _factorize(a)
    cb, ub = _factorize(b)
    width = len(ub) + 1
    keys, inverse = np.unique((ca.astype(np.int64) + 1) * width + (cb.astype(np.int64) + 1), return_inverse=True)
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


@lru_cache(maxsize=1)
def _longest_placeholder() -> int:
    """Bytes (UTF-8) of the longest placeholder: longer trimmed values cannot be one."""
    return max(len(p.encode("utf-8")) for p in PLACEHOLDERS)


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


def is_ascii(arr) -> bool:
    """True when every value of an arrow text array is ASCII (a test of the data bytes in use,
    no per-value work): NFKC and trimming change nothing there, and bytes count characters."""
    import numpy as np
    import pyarrow as pa

    for chunk in (arr.chunks if isinstance(arr, pa.ChunkedArray) else (arr,)):
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            return False
        if len(chunk) == 0:
            continue
        _validity, offsets, data = chunk.buffers()
        if data is None:
            continue
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        bounds = np.frombuffer(offsets, dtype=width, count=len(chunk) + 1, offset=chunk.offset * width().itemsize)
        used = np.frombuffer(data, dtype=np.uint8)[bounds[0]:bounds[-1]]
        if used.size and used.max() >= 0x80:
            return False
    return True


def _nfkc(arr):
    """(the NFKC form of an arrow text array, whether any value needed it)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if is_ascii(arr):
        return arr, False
    needs = _nfkc_marks(arr)
    if needs is None:
        needs = _nfkc_pattern_marks(arr)
    count = pc.sum(needs).as_py() or 0
    if count == 0:
        return arr, False
    if count > len(arr) // 4:
        return pc.utf8_normalize(arr, "NFKC"), True
    fixed = pc.utf8_normalize(arr.filter(needs), "NFKC")
    return pc.replace_with_mask(arr, needs, fixed.cast(arr.type)), True


def _nfkc_pattern_marks(arr):
    """The values holding a character of :data:`_NFKC_NEEDED` (arrow bool, nulls False), by RE2;
    ASCII values never need NFKC, so where they are most the pattern runs on the others only."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    wide = pc.invert(pc.fill_null(pc.string_is_ascii(arr), True))
    if (pc.sum(wide).as_py() or 0) * 4 >= len(arr):
        return pc.fill_null(pc.match_substring_regex(arr, _NFKC_NEEDED), False)
    found = pc.fill_null(pc.match_substring_regex(arr.filter(wide), _NFKC_NEEDED), False)
    mask = np.zeros(len(arr), dtype=bool)
    mask[np.flatnonzero(wide.to_numpy(zero_copy_only=False))[found.to_numpy(zero_copy_only=False)]] = True
    return pa.array(mask)


def _nfkc_marks(arr):
    """``match_substring_regex(arr, _NFKC_NEEDED)`` (nulls False) as an arrow bool array, from
    one walk of the bytes in C (``_textedges.c``); None when the accelerator is not built."""
    import numpy as np
    import pyarrow as pa

    text = _text_buffers(arr) if _textedges is not None and len(arr) else None
    if text is None:
        return None
    out = np.empty(len(arr), dtype=np.uint8)
    if _textedges.nfkc_marks(*text, out) is None:
        return None
    marks = out.view(np.bool_)
    if arr.null_count:
        marks &= arr.is_valid().to_numpy(zero_copy_only=False)
    return pa.array(marks)


def nfkc_arrow(arr):
    """NFKC-normalise an arrow text array, touching only the values that need it."""
    return _nfkc(arr)[0]


def _nfkc_code(arr):
    """The code form of trimmed text (NFKC, trimmed again), or None when it is the text itself."""
    import pyarrow.compute as pc

    fixed, changed = _nfkc(arr)
    return pc.utf8_trim_whitespace(fixed) if changed else None


def trim_arrow(arr):
    """``pc.utf8_trim_whitespace(arr)``, or ``arr`` itself when trimming removes nothing (nearly
    every column of a real export): a chunk's columns then stay one copy, not two.  Where the C
    accelerator was built, a column none of whose values begins or ends with whitespace is
    returned without running the trim at all."""
    import pyarrow.compute as pc

    if not _may_need_trim(arr):
        return arr
    trimmed = pc.utf8_trim_whitespace(arr)
    if pc.sum(pc.binary_length(trimmed)).as_py() == pc.sum(pc.binary_length(arr)).as_py():
        return arr
    return trimmed


def _may_need_trim(arr) -> bool:
    """False when no value of the arrow text array (or chunked array) begins or ends with
    whitespace, by one walk of its offsets in C (``_textedges.c``); True otherwise, or when the
    accelerator is not built."""
    import pyarrow as pa

    if _textedges is None:
        return True
    for chunk in (arr.chunks if isinstance(arr, pa.ChunkedArray) else (arr,)):
        text = _text_buffers(chunk)
        if text is None or (len(chunk) and _textedges.edge_space(*text)):
            return True
    return False


def _text_buffers(arr):
    """(offsets, data, first, count, wide): an arrow text array as the functions of
    ``_textedges.c`` read it; None for an array of another type."""
    import pyarrow as pa

    wide = pa.types.is_large_string(arr.type)
    if not (wide or pa.types.is_string(arr.type)):
        return None
    buffers = arr.buffers()
    return buffers[1], buffers[2], arr.offset, len(arr), wide


def _broadcast(codes, per_value, missing):
    """``per_value[codes]`` (a numpy array of its dtype) with ``missing`` where the code is -1."""
    import numpy as np

    table = np.empty(len(per_value) + 1, dtype=per_value.dtype)
    table[:-1] = per_value
    table[-1] = missing
    return table[codes]


def _dictionary(raw):
    """(dictionary, numpy int32 indices) of an arrow text array; a null is a dictionary entry."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(raw, pa.ChunkedArray) and raw.num_chunks == 1:
        raw = raw.chunk(0)
    if isinstance(raw, pa.ChunkedArray) and raw.num_chunks > 1:
        chunks = pc.dictionary_encode(raw, null_encoding="encode").chunks
        dictionary = chunks[-1].dictionary
        # arrow encodes a chunked array with one dictionary shared by every chunk
        if all(len(c.dictionary) == len(dictionary) for c in chunks):
            indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
            return dictionary, indices.astype(np.int32, copy=False)
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks() if raw.num_chunks else pa.array([], raw.type)
    encoded = pc.dictionary_encode(raw, null_encoding="encode")
    return encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)


def _factorized(arr):
    """(numpy int32 codes, -1 where null; the dictionary of distinct non-null values)."""
    import numpy as np
    import pyarrow.compute as pc

    dictionary, codes = _dictionary(arr)
    if dictionary.null_count:
        valid = pc.is_valid(dictionary).to_numpy(zero_copy_only=False)
        remap = (np.cumsum(valid) - 1).astype(np.int32)
        remap[~valid] = -1
        codes = remap[codes]
        dictionary = dictionary.drop_null()
    return codes, dictionary


class Distinct:
    """A column as distinct values: ``codes`` (numpy int32, one per row, -1 where absent) index
    ``values`` (a list of the distinct present values, each once unless ``unique`` is False: a
    code view aligned with the text view, where two spellings may give one code)."""

    __slots__ = ("_arrow", "_values", "codes", "unique")

    def __init__(self, codes, values, arrow=None, unique: bool = True):
        self.codes = codes
        self._values = values
        self._arrow = arrow
        self.unique = unique

    @property
    def values(self) -> list:
        """The distinct values as Python strings (read from ``arrow`` when first asked for)."""
        if self._values is None:
            self._values = self._arrow.to_pylist()
        return self._values

    @property
    def arrow(self):
        """``values`` as an arrow text array."""
        if self._arrow is None:
            import pyarrow as pa

            self._arrow = pa.array(self.values, type=pa.large_string())
        return self._arrow

    def map(self, fn: Callable[[str], Any]) -> list:
        return [fn(v) for v in self.values]

    @classmethod
    def of(cls, arr) -> "Distinct":
        """Any arrow text array (a column, a slice of one) as distinct values."""
        codes, dictionary = _factorized(arr)
        return cls(codes, None, dictionary)

    def broadcast(self, per_value, missing=False):
        """One entry per row: ``per_value[i]`` for rows of value i, ``missing`` for absent rows
        (a list takes the type of ``missing``; a numpy array keeps its own)."""
        import numpy as np

        if not isinstance(per_value, np.ndarray):
            per_value = np.asarray(per_value, dtype=np.asarray(missing).dtype)
        return _broadcast(self.codes, per_value, missing)

    def at(self, per_value: list, mask):
        """``per_value[i]`` at the ``mask`` rows, None elsewhere (message parameters are read at
        the hit rows only)."""
        import numpy as np

        table = np.empty(len(per_value) + 1, dtype=object)
        table[:-1] = per_value
        out = np.full(len(mask), None, dtype=object)
        pos = np.flatnonzero(mask)
        out[pos] = table[self.codes[pos]]
        return out

    def rows(self, values_arrow):
        """An arrow array with one entry per row, taken from per-value ``values_arrow``."""
        import pyarrow as pa

        return values_arrow.take(pa.array(self.codes, mask=self.codes < 0))


class Rows:
    """One chunk of canonical rows with lazily normalised views of its columns.

    ``text``/``code``/``value`` are arrow-backed text Series (missing where absent); ``present``
    is a numpy bool array; ``num`` a float array.  Heavy lifting is done by pyarrow compute
    kernels (trim, NFKC, membership) or once per distinct value: elements whose values repeat by
    construction (:func:`validators.core.schema.element_plans`) are dictionary-encoded once and
    every view of them is computed on the dictionary.  ``text_arrow``, ``distinct`` and
    ``map_values`` give the same views without pandas for checks that stay in arrow or numpy.
    """

    def __init__(self, frame, profile=None):
        self.frame = frame
        self.profile = profile    # the province coding scheme (validators.core.profiles), if any
        self.n = len(frame)
        self._arrow: dict[str, Any] = {}       # trimmed text, absent → null
        self._text: dict[str, Any] = {}
        self._present: dict[str, Any] = {}
        self._distinct: dict[tuple[str, str], Distinct] = {}
        self._code: dict[str, Any] = {}
        self._code_arrow: dict[str, Any] = {}
        self._num: dict[str, Any] = {}
        self._nfkc: dict[str, Any] = {}
        self._matched: dict[tuple[str, str], Any] = {}

    def has(self, col: str) -> bool:
        return col in self.frame.columns

    # -------------------------------------------------------------- work done ahead
    _SHARED = ("_arrow", "_present", "_distinct", "_code_arrow", "_nfkc", "_matched")

    def views(self) -> list[tuple[str, tuple]]:
        """The views computed so far as ``(method, arguments)`` calls, those of each kind in the
        order they were first asked for: presence, distinct values, pattern matches."""
        return ([("present", (col,)) for col in self._present]
                + [("distinct", key) for key in self._distinct]
                + [("matches", key) for key in self._matched])

    def compute(self, method: str, args: tuple) -> None:
        """Compute one view of :meth:`views` (and what it depends on)."""
        if method in ("present", "distinct", "matches"):
            getattr(self, method)(*args)

    def publish(self, into: "Rows") -> None:
        """Copy the views computed here that ``into`` (a Rows of the same chunk) lacks."""
        for name in self._SHARED:
            target = getattr(into, name)
            for key, value in getattr(self, name).items():
                if key not in target:
                    target[key] = value

    def raw(self, col: str):
        return self.frame[col]

    def _series(self, arr):
        import pandas as pd

        return pd.Series(arr.to_pandas(), index=self.frame.index)

    # -------------------------------------------------------------- text and presence
    def _load(self, col: str) -> None:
        """Compute the trimmed text (arrow) and presence of a column once."""
        import numpy as np
        import pyarrow as pa

        if not self.has(col):
            self._arrow[col] = pa.nulls(self.n, pa.large_string())
            self._present[col] = np.zeros(self.n, dtype=bool)
            return
        plan = element_plans().get(col)
        raw = pa.array(self.frame[col].array)
        if plan is not None and plan.distinct and (pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type)):
            self._load_distinct(col, raw, plan.flag)
        else:
            self._load_trimmed(col, raw, _is_flag(col))

    def _load_trimmed(self, col: str, raw, flag: bool) -> None:
        """Trim every value; look placeholders up among the values short enough to be one."""
        import pyarrow as pa
        import pyarrow.compute as pc

        trimmed = trim_arrow(raw)
        nbytes = pc.fill_null(pc.binary_length(trimmed), 0).to_numpy(zero_copy_only=False)
        absent = nbytes == 0
        short = (nbytes <= _longest_placeholder()) & ~absent
        count = int(short.sum())
        if count:
            whole = 2 * count > len(nbytes)
            looked = pc.is_in(trimmed if whole else trimmed.filter(pa.array(short)), value_set=_absent_values(flag))
            looked = looked.to_numpy(zero_copy_only=False)
            if whole:
                absent |= looked
            else:
                absent[short] |= looked
        if int(absent.sum()) > trimmed.null_count:
            trimmed = pc.if_else(pa.array(absent), pa.scalar(None, trimmed.type), trimmed)
        self._arrow[col] = trimmed
        self._present[col] = ~absent

    def _load_distinct(self, col: str, raw, flag: bool) -> None:
        """Dictionary-encode once; trim and look placeholders up on the dictionary."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        dictionary, indices = _dictionary(raw)
        trimmed = pc.utf8_trim_whitespace(dictionary)
        absent = pc.or_(pc.is_null(trimmed), pc.is_in(trimmed, value_set=_absent_values(flag))).to_pylist()
        remap = np.full(len(dictionary), -1, dtype=np.int32)
        values: list[str] = []
        seen: dict[str, int] = {}
        for i, (text, gone) in enumerate(zip(trimmed.to_pylist(), absent, strict=True)):
            if not gone:
                j = seen.get(text)
                if j is None:
                    j = seen[text] = len(values)
                    values.append(text)
                remap[i] = j
        unchanged = values == [v for v in dictionary.to_pylist() if v is not None]
        codes = indices if unchanged and raw.null_count == 0 else remap[indices]
        dist = Distinct(codes, values)
        self._distinct[(col, "text")] = dist
        self._present[col] = codes >= 0
        # nothing trimmed, nothing a placeholder: the text is the column itself
        self._arrow[col] = raw if unchanged else dist.rows(pa.array(values, type=raw.type))

    def text_arrow(self, col: str):
        """Trimmed text as an arrow array (null where the cell is empty or a placeholder)."""
        if col not in self._arrow:
            self._load(col)
        return self._arrow[col]

    def text(self, col: str):
        """Trimmed text, missing where the cell is empty or a placeholder."""
        if col not in self._text:
            if not self.has(col):
                import pandas as pd

                self._text[col] = pd.Series([None] * self.n, index=self.frame.index, dtype="str")
            else:
                self._text[col] = self._series(self.text_arrow(col))
        return self._text[col]

    def present(self, col: str):
        """numpy bool array: the element has a real value (not empty, not a placeholder)."""
        if col not in self._present:
            self._load(col)
        return self._present[col]

    # -------------------------------------------------------------- distinct values
    def distinct(self, col: str, view: str = "text") -> Distinct:
        """The column's ``view`` (``"text"``, ``"code"`` or ``"value"``) as distinct values.

        Free for elements read on distinct values; otherwise one dictionary encoding, cached.
        Values of the code view are aligned with the text view where both come from it, so they
        may repeat (two spellings of one code)."""
        if view == "value":
            el = elements()[col]
            view = "code" if el.codelist or el.kind in ("code", "integer", "date") else "text"
        key = (col, view)
        if key not in self._distinct:
            if view == "text":
                self.present(col)
            if view == "code" and (col, "text") in self._distinct:
                self.code_arrow(col)
            if key not in self._distinct:
                codes, dictionary = _factorized(self.text_arrow(col) if view == "text" else self.code_arrow(col))
                self._distinct[key] = Distinct(codes, None, dictionary)
        return self._distinct[key]

    def matches(self, col: str, pattern: str):
        """numpy bool per row: the RE2 ``pattern`` is found in the NFKC form of the text (False
        where absent); searched once per distinct value, kept for the chunk."""
        key = (col, pattern)
        found = self._matched.get(key)
        if found is None:
            import numpy as np
            import pyarrow.compute as pc

            dist = self.distinct(col)
            values = self._nfkc.get(col)
            if values is None:
                values = self._nfkc[col] = nfkc_arrow(dist.arrow)
            hit = np.zeros(len(values) + 1, dtype=bool)   # code -1 (absent) picks the trailing False
            if len(values):
                hit[:-1] = pc.fill_null(pc.match_substring_regex(values, pattern), False).to_numpy(zero_copy_only=False)
            found = self._matched[key] = hit[dist.codes]
        return found

    def code_in(self, col: str, *codes: str):
        """numpy bool per row: the element's :meth:`code` is one of ``codes`` (False where absent),
        decided once per distinct code."""
        import numpy as np

        dist = self.distinct(col, "code")
        return dist.broadcast(np.array([v in codes for v in dist.values], dtype=bool), False)

    def map_values(self, col: str, fn: Callable[[str], Any], out: str = "object", view: str = "text"):
        """:func:`map_distinct` of the ``view`` of ``col`` (same result), on the cached distinct
        values."""
        dist = self.distinct(col, view)
        return _spread(dist.codes, dist.map(fn), out, self.frame.index)

    # -------------------------------------------------------------- codes and numbers
    def code(self, col: str):
        """Normalised code of a code-list element (multi-valued: ``"2,3"``), missing if absent.

        Elements without a code list (codes, numbers, dates) are NFKC-normalised, so full-width
        digits count as digits.
        """
        if col not in self._code:
            arr = self.code_arrow(col)
            if not self.has(col):
                self._code[col] = self.text(col)
            elif arr is self.text_arrow(col):
                self._code[col] = self.text(col).copy(deep=False)
            else:
                self._code[col] = self._series(arr)
        return self._code[col]

    def code_arrow(self, col: str):
        """:meth:`code` as an arrow array."""
        if col not in self._code_arrow:
            self._load_code(col)
        return self._code_arrow[col]

    def _load_code(self, col: str) -> None:
        import pyarrow as pa

        el = elements()[col]
        text = self.text_arrow(col)
        if not self.has(col):
            self._code_arrow[col] = text
            return
        dist = self._distinct.get((col, "text"))
        if el.codelist:
            fn = lambda v: normalise_code(v, el.codelist, el.kind == "multi")
            if col == "item_type" and self.profile is not None and self.profile.item_type:
                plain, profile = fn, self.profile
                fn = lambda v: profile.item_type_code(v) or plain(v)
            if dist is None:
                dist = self.distinct(col)
            codes = dist.map(fn)
            changed = codes != dist.values
            arrow = pa.array(codes, type=pa.large_string()) if changed else dist.arrow
        elif dist is not None:
            fixed = _nfkc_code(dist.arrow)
            changed = fixed is not None
            arrow = fixed if changed else dist.arrow
            codes = arrow.to_pylist() if changed else dist.values
        else:
            fixed = _nfkc_code(text)
            self._code_arrow[col] = text if fixed is None else fixed
            return
        self._distinct[(col, "code")] = Distinct(dist.codes, codes, arrow, unique=not changed)
        self._code_arrow[col] = dist.rows(arrow) if changed else text

    def value(self, col: str):
        """The value as the JSON Schema sees it (see :func:`normalised_record`)."""
        el = elements()[col]
        if el.codelist or el.kind in ("code", "integer", "date"):
            return self.code(col)
        return self.text(col)

    def value_arrow(self, col: str):
        """:meth:`value` as an arrow array."""
        el = elements()[col]
        if el.codelist or el.kind in ("code", "integer", "date"):
            return self.code_arrow(col)
        return self.text_arrow(col)

    def length(self, col: str):
        """numpy int array: characters in :meth:`value` (0 where absent)."""
        import pyarrow.compute as pc

        arr = self.value_arrow(col)
        lengths = pc.binary_length(arr) if is_ascii(arr) else pc.utf8_length(arr)
        return pc.fill_null(lengths, 0).to_numpy(zero_copy_only=False)

    def length_over(self, col: str, limit: int):
        """numpy int array: characters in :meth:`value` where there are more than ``limit``,
        0 elsewhere (characters are counted only where the bytes exceed the limit)."""
        import numpy as np
        import pyarrow.compute as pc

        arr = self.value_arrow(col)
        nbytes = pc.fill_null(pc.binary_length(arr), 0).to_numpy(zero_copy_only=False)
        out = np.zeros(len(nbytes), dtype=np.int64)
        over = nbytes > limit
        if over.any():
            import pyarrow as pa

            chars = pc.utf8_length(arr.filter(pa.array(over))).to_numpy(zero_copy_only=False)
            out[over] = np.where(chars > limit, chars, 0)
        return out

    def num(self, col: str):
        """Integer elements as floats (NaN where absent or not a non-negative integer)."""
        if col not in self._num:
            import numpy as np
            import pyarrow as pa
            import pyarrow.compute as pc

            def numbers(arr):
                digits = pc.fill_null(pc.match_substring_regex(arr, r"^[0-9]+$"), False)
                nums = pc.cast(pc.if_else(digits, arr, pa.scalar(None, arr.type)), pa.float64())
                return pc.fill_null(nums, np.nan).to_numpy(zero_copy_only=False)

            arr = self.code_arrow(col)
            dist = self._distinct.get((col, "code"))
            if dist is not None:
                self._num[col] = _broadcast(dist.codes, numbers(dist.arrow), np.nan)
            else:
                self._num[col] = numbers(arr)
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
