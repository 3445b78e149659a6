"""The positive list (行政许可事项清单, 国办发〔2022〕2号): a 行政许可 outside it is reported.

"清单之外一律不得违法实施行政许可".  The list is any file the readers open with a 事项名称 column
(the national 2022/2023 edition or a provincial one, e.g. 许可事项名称).  A local row typed
行政许可 (code 01; an untyped row is not assumed to be a permit) and in use is *in the list* when
its name resolves to an entry with the conformity matcher (matched or review band: only a clear
miss is reported), or when an entry's name is the start of the local name — local catalogs list
sub-items such as 食品经营许可（新办） under the list's 食品经营许可.
"""
from __future__ import annotations

import numpy as np

from validators.conformity.matcher import NameMatcher, Thresholds
from validators.core.names import normalise_name, variants
from validators.read import InputError, open_tables
from validators.report.findings import findings_frame
from validators.revocation.context import in_use
from validators.revocation.rules import PERMIT_NOT_IN_LIST

MIN_PREFIX = 4


class PermitList:
    def __init__(self, path: str, *, encoding: str | None = None, th: Thresholds = Thresholds()):
        import pandas as pd

        from validators.conformity.basecat import BaseCatalog
        from validators.core.rows import Rows

        names: list[str] = []
        for table in open_tables(path, encoding=encoding):
            if "item_name" not in table.columns:
                continue
            for chunk in table.chunks():
                names.extend(v for v in Rows(chunk).text("item_name").dropna().tolist() if v)
        if not names:
            raise InputError("permit-list-empty", path)
        keys = [normalise_name(n).key for n in names]
        seen: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k and k not in seen:
                seen[k] = i
        uniq = list(seen)
        self.path = path
        self.entries = len(names)
        self.keys = set(uniq)
        items = pd.DataFrame({"code": [f"p{i}" for i in range(len(uniq))],
                              "name": [names[seen[k]] for k in uniq], "type": None, "levels": None,
                              "dept": None, "key": uniq, "code_ok": False,
                              "_row": range(1, len(uniq) + 1), "sheet": None}).astype(
            {"type": object, "levels": object, "dept": object})
        base = BaseCatalog(path, items, {}, {}, {k: [i] for i, k in enumerate(uniq)})
        self.matcher = NameMatcher(base, th)
        self.cache: dict[str, bool] = {}

    def _prefix(self, key: str) -> bool:
        for v in variants(key):
            t = v.text
            for end in range(len(t), MIN_PREFIX - 1, -1):
                if t[:end] in self.keys:
                    return True
        return False

    def listed(self, names: list[str]) -> list[bool]:
        todo = [n for n in names if n not in self.cache]
        if todo:
            for n, r in zip(todo, self.matcher.resolve(todo, [None] * len(todo)), strict=False):
                self.cache[n] = r.band != "unmatched" or self._prefix(r.key)
        return [self.cache[n] for n in names]

    def scan(self, rows, source: str, sheet, flagged: set):
        """Finding frame of the chunk's permits outside the list (rows already reported as
        revoked-item-listed are left out: that finding says more)."""
        import pandas as pd

        from validators.core.rows import map_distinct

        if not rows.has("item_name") or not rows.has("item_type"):
            return None
        ok = (rows.code("item_type") == "01").to_numpy(dtype=bool, na_value=False).copy()
        if rows.has("item_state"):
            state = rows.text("item_state")
            ok &= map_distinct(state, in_use, out="bool").to_numpy(dtype=bool) | state.isna().to_numpy(dtype=bool)
        name = rows.text("item_name")
        ok &= name.notna().to_numpy(dtype=bool)
        idx = np.flatnonzero(ok)
        if not len(idx):
            return None
        sub = name.iloc[idx]
        codes, uniq = pd.factorize(sub)
        inside = np.asarray(self.listed([str(u) for u in uniq]), dtype=bool)
        miss = ~inside[codes]
        rownums = rows.frame["_row"].to_numpy()[idx]
        done = np.array([(source, sheet, int(r)) in flagged for r in rownums], dtype=bool) \
            if flagged else np.zeros(len(idx), dtype=bool)
        pos = np.flatnonzero(miss & ~done)
        if not len(pos):
            return None
        params = {"permit_list": self.path, "entries": self.entries}
        vals = sub.to_numpy(dtype=object)[pos]
        return findings_frame(PERMIT_NOT_IN_LIST, field="item_name", value=pd.Series(vals, dtype=object),
                              params=pd.Series([params] * len(pos), dtype=object), source=source,
                              sheet=sheet, row=rownums[pos], item=pd.Series(vals, dtype=object))
