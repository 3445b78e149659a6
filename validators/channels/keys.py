"""Item keys and the keyed index that pairs a channel's items with the reference's.

Three keys, strongest first (:data:`KINDS`):

1. ``task_code`` — the 实施编码 (NFKC, no spaces, upper-case);
2. ``catalog_code+body`` — the 基本编码 with the 实施主体;
3. ``name+body`` — the item name's key (the conformity normaliser,
   :func:`validators.core.names.normalise_name`) with the 实施主体.

The 实施主体 is its name's key, or its 实施主体编码 where the name is missing.  Keys are computed
column-wise (pyarrow kernels, or once per distinct name) and looked up with a hash index, so a
million reference items are indexed in about a second.  A key that two reference items share is
*ambiguous*: the index reports it instead of picking one.
"""
from __future__ import annotations

import numpy as np

KINDS = ("task_code", "catalog_code+body", "name+body")
KEY_MODES = ("auto",) + KINDS
KIND_FIELDS = {"task_code": ("task_code",), "catalog_code+body": ("catalog_code", "implementing_body"),
               "name+body": ("item_name", "implementing_body")}
KIND_LABELS = {"task_code": ("实施编码", "task code"), "catalog_code+body": ("基本编码+实施主体", "catalog code + body"),
               "name+body": ("事项名称+实施主体", "name + body")}
BODY_COLUMNS = ("implementing_body", "implementing_body_code")
IDENTITY = ("task_code", "catalog_code", "item_name", "implementing_body", "implementing_body_code")


def text_array(values):
    """An arrow large_string array of a Series or array (pandas may hand over either width)."""
    import pyarrow as pa

    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else (
        pa.array(values.array) if hasattr(values, "array") else pa.array(values))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else arr.combine_chunks()
    return arr if arr.type == pa.large_string() else arr.cast(pa.large_string())


_arrow = text_array


def _null_str(n: int):
    import pyarrow as pa

    return pa.nulls(n, pa.large_string())


def code_keys(series):
    """Codes as keys: NFKC, whitespace removed, upper-case (arrow array, null where absent)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from validators.core.rows import nfkc_arrow

    arr = text_array(nfkc_arrow(_arrow(series)))
    arr = pc.utf8_upper(pc.replace_substring_regex(arr, r"\s+", ""))
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.large_string()), arr)


def _distinct_keys(series, fn):
    from validators.core.rows import map_distinct

    return _arrow(map_distinct(series, lambda v: fn(v) or None, out="str"))


def body_keys(frame):
    """The 实施主体 of each row: its name's key, else its 实施主体编码."""
    import pyarrow.compute as pc

    from validators.channels.normalise import name_key

    n = len(frame)
    name = _distinct_keys(frame["implementing_body"], name_key) if "implementing_body" in frame else _null_str(n)
    if "implementing_body_code" in frame:
        code = code_keys(frame["implementing_body_code"])
        return pc.coalesce(name, code)
    return name


def make_keys(frame, kind: str, with_body: bool = True):
    """The ``kind`` key of every row of ``frame`` (arrow string array, null where not computable).

    ``with_body=False``: the 实施主体 part is left empty — for two sources of which one or both
    publish no 实施主体 column (a department's own site lists only its own items)."""
    import pyarrow.compute as pc

    from validators.channels.normalise import name_key

    n = len(frame)
    if kind == "task_code":
        return code_keys(frame["task_code"]) if "task_code" in frame else _null_str(n)
    if kind == "catalog_code+body":
        if "catalog_code" not in frame:
            return _null_str(n)
        first = code_keys(frame["catalog_code"])
    elif kind == "name+body":
        if "item_name" not in frame:
            return _null_str(n)
        first = _distinct_keys(frame["item_name"], name_key)
    else:
        raise ValueError(kind)
    import pyarrow as pa

    body = body_keys(frame) if with_body else pa.array([""] * n, type=pa.large_string())
    return pc.binary_join_element_wise(first, body, pa.scalar("|", pa.large_string()))


def key_display(values: dict, kind: str | None) -> str:
    """The item key as a person reads it (raw values, not keys): 实施编码, or 基本编码｜主体, or
    名称｜主体; for an unpaired item the strongest key it has."""
    def get(f):
        from validators.report.findings import is_missing

        v = values.get(f)
        return None if is_missing(v) else str(v)

    body = get("implementing_body") or get("implementing_body_code") or ""
    order = [kind] if kind else list(KINDS)
    for k in order + [k for k in KINDS if k not in order]:
        if k == "task_code" and get("task_code"):
            return get("task_code")
        if k == "catalog_code+body" and get("catalog_code"):
            return f"{get('catalog_code')}｜{body}" if body else get("catalog_code")
        if k == "name+body" and get("item_name"):
            return f"{get('item_name')}｜{body}" if body else get("item_name")
    return ""


class KeyIndex:
    """Key → reference position, over a subset of reference rows; shared keys are ambiguous.

    A plain dict: built once (about half a second per million keys), then each chunk's keys are
    looked up in one pass without rebuilding any hash table."""

    def __init__(self, keys, positions: np.ndarray):
        values = keys.to_pylist()
        pos = np.asarray(positions).tolist()
        self._map: dict[str, int] = {}
        self._groups: dict[str, list[int]] = {}
        for k, p in zip(values, pos, strict=False):
            if k is None:
                continue
            first = self._map.setdefault(k, p)
            if first != p:
                self._groups.setdefault(k, [first]).append(p)

    def __len__(self) -> int:
        return len(self._map)

    def lookup(self, keys) -> tuple[np.ndarray, np.ndarray]:
        """(reference position or -1, whether the key is shared by several reference items)."""
        values = keys.to_pylist()
        get = self._map.get   # None (no key) is never in the map: -1
        pos = np.array([get(k, -1) for k in values], dtype=np.int64)
        amb = np.zeros(len(values), dtype=bool)
        if self._groups:
            groups = self._groups
            amb = np.fromiter((k in groups for k in values), dtype=bool, count=len(values))
        return pos, amb

    def candidates(self, key: str) -> list[int]:
        """The reference positions sharing an ambiguous key."""
        return self._groups.get(key, [])
