"""The national base catalog (国家基本目录) as a matching target, validated before use.

Any reader format works (CSV/XLSX/JSON).  Columns: 基本编码, 事项名称, 事项类型, 行使层级, 设定依据 and
optionally 中央业务指导部门.  Codes that are not 12 digits with a known TT (``base-code-format``)
cannot be matched by code; a repeated code (``base-code-duplicate``) keeps its first row as the
target.  Both are reported with the base file's row numbers, and every item stays available for
name matching.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from validators.core.names import normalise_name
from validators.core.rows import Rows
from validators.core.rulebook import GBT_39554_1, declare
from validators.core.schema import item_type_codes
from validators.read import InputError, open_tables
from validators.report.findings import findings_frame

BASE_CODE_DUPLICATE = declare("base-code-duplicate", "error", "conformity",
    "GB/T 39554.1-2020：每个基本目录事项有唯一基本编码")
BASE_CODE_FORMAT = declare("base-code-format", "error", "conformity",
    f"{GBT_39554_1}：基本编码 12 位（区划 2 + 事项类型 2 + 部门 2 + 主项 3 + 子项 3）")

_CODE = re.compile(r"\d{12}")
NEEDED = ("catalog_code", "item_name")


@dataclass
class BaseCatalog:
    """Base items as parallel columns (``items``) plus the lookups the matcher needs."""

    source: str
    items: object                      # DataFrame: code name type levels dept key _row sheet …
    code_index: dict[str, int]         # well-formed code → position of its first row
    name_index: dict[str, list[int]]   # trimmed name → positions
    key_index: dict[str, list[int]]    # normalised key → positions
    findings: list = field(default_factory=list)   # finding frames (base-code-*)
    rows: int = 0

    def __post_init__(self):
        # plain arrays: per-item lookups in Python loops must not pay pandas' .at overhead
        cols = {c: self.items[c].to_numpy(dtype=object)
                for c in ("code", "name", "type", "levels", "dept", "key")}
        self.codes, self.names, self.types = cols["code"], cols["name"], cols["type"]
        self.levels, self.depts, self.keys = cols["levels"], cols["dept"], cols["key"]
        self.code_ok = self.items["code_ok"].to_numpy(dtype=bool)

    def __len__(self) -> int:
        return len(self.items)

    def sub_items(self) -> dict[int, list[int]]:
        """Main item (SSS = 000) position → positions of its sub-items (same RRTTDDMMM)."""
        ok = self.code_ok
        mains = {c: i for i, c in enumerate(self.codes) if ok[i] and c.endswith("000")}
        out: dict[int, list[int]] = {}
        for i, c in enumerate(self.codes):
            if ok[i] and not c.endswith("000"):
                parent = mains.get(c[:9] + "000")
                if parent is not None:
                    out.setdefault(parent, []).append(i)
        return out


def _index(values) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, v in enumerate(values):
        if isinstance(v, str) and v:
            out.setdefault(v, []).append(i)
    return out


def load_base(path: str, *, encoding: str | None = None) -> BaseCatalog:
    """Read and validate the base catalog; raises InputError when it cannot serve as one."""
    import pandas as pd

    parts = []
    for table in open_tables(path, encoding=encoding):
        if not all(c in table.columns for c in NEEDED):
            continue
        for chunk in table.chunks():
            rows = Rows(chunk)
            part = pd.DataFrame({
                "code": rows.code("catalog_code"), "name": rows.text("item_name"),
                "type": rows.code("item_type") if rows.has("item_type") else None,
                "levels": rows.code("exercise_levels") if rows.has("exercise_levels") else None,
                "dept": rows.code("central_dept_code") if rows.has("central_dept_code") else None,
                "_row": chunk["_row"], "sheet": table.sheet})
            parts.append(part[part["code"].notna() | part["name"].notna()])
    if not parts:
        raise InputError("no-element-columns", path, sheet="")
    return index_base(path, pd.concat(parts, ignore_index=True))


def index_base(path: str, items) -> BaseCatalog:
    """Validate and index base items (columns code, name, type, levels, dept, _row, sheet)."""
    items = items.reset_index(drop=True).astype(
        {c: object for c in ("code", "name", "type", "levels", "dept", "sheet")})
    code = items["code"]
    shape_ok = code.map(lambda c: isinstance(c, str) and bool(_CODE.fullmatch(c))).astype(bool)
    known_tt = code.str.slice(2, 4).isin(item_type_codes()).fillna(False)
    code_ok = shape_ok & known_tt.astype(bool)
    items["code_ok"] = code_ok
    # TT is the 事项类型 when the column is absent or empty (domain.md §3.2)
    tt = code.str.slice(2, 4).where(code_ok)
    items["type"] = items["type"].where(items["type"].notna(), tt)
    items["dept"] = items["dept"].where(items["dept"].notna(), code.str.slice(4, 6).where(code_ok))
    items["key"] = items["name"].map(lambda n: normalise_name(n).key if isinstance(n, str)
                                     else None)

    findings = []
    bad = ~code_ok
    if bad.any():
        findings.append(findings_frame(
            BASE_CODE_FORMAT, field="catalog_code", value=code[bad].to_numpy(),
            params=[{"base_name": n, "reason": "shape" if not s else "tt"}
                    for n, s in zip(items.loc[bad, "name"], shape_ok[bad], strict=True)],
            source=path, sheet=items.loc[bad, "sheet"].to_numpy(),
            row=items.loc[bad, "_row"].to_numpy(), item=code[bad].to_numpy()))
    dup = code_ok & code.duplicated(keep="first")
    if dup.any():
        first = items[code_ok & ~code.duplicated(keep="first")].set_index("code")["_row"]
        findings.append(findings_frame(
            BASE_CODE_DUPLICATE, field="catalog_code", value=code[dup].to_numpy(),
            params=[{"first_row": int(first[c]), "base_name": n}
                    for c, n in zip(code[dup], items.loc[dup, "name"], strict=True)],
            source=path, sheet=items.loc[dup, "sheet"].to_numpy(),
            row=items.loc[dup, "_row"].to_numpy(), item=code[dup].to_numpy()))

    code_index: dict[str, int] = {}
    for i, (c, ok) in enumerate(zip(code, code_ok, strict=True)):
        if ok and c not in code_index:
            code_index[c] = i
    # a repeated code's later rows are not targets, or every match on them would be ambiguous
    usable = ~dup
    return BaseCatalog(path, items, code_index, _index(items["name"].where(usable)),
                       _index(items["key"].where(usable)), findings, rows=len(items))
