"""Local rows → findings: cancelled permits still listed, delegated ones at the level they left.

Streams chunk by chunk: distinct names are resolved once (a cache spans chunks), per-row context
(type, status, province, date) is decided per distinct value, and a group's state is resolved
once per (permit, province, date).  A row is considered only when it is typed 行政许可 or has no
type and is in use; a filing typed 其他行政权力 or a name that is a …备案 never matches.  Every
finding names the decision (number, date, annex, sequence), the registry name it matched, how
(exact, alias, gloss, fuzzy) and the score, and the permit's history.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from validators.report.findings import findings_frame
from validators.revocation.context import in_use, parse_date, province_from_code, province_from_text
from validators.revocation.history import Groups, State
from validators.revocation.matching import Match, RegistryMatcher
from validators.revocation.rules import DELEGATED_WRONG_LEVEL, REVOKED_LISTED, REVOKED_REVIEW

PERMIT = "01"
DATE_COLUMNS = ("update_date",)
LEVEL_NAMES = {1: "国家级", 2: "省级", 3: "市级", 4: "县级", 5: "镇（乡、街道）级", 6: "村（社区）级"}


@dataclass
class Tally:
    rows: int = 0
    considered: int = 0
    matched_rows: int = 0
    skipped_type: int = 0
    skipped_state: int = 0
    skipped_date: int = 0
    kept_by_exception: int = 0
    by_kind: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"rows": self.rows, "rows_considered": self.considered, "rows_matched": self.matched_rows,
                "rows_not_permit": self.skipped_type, "rows_not_in_use": self.skipped_state,
                "rows_before_decision": self.skipped_date, "rows_kept_by_exception": self.kept_by_exception,
                "by_state": dict(self.by_kind)}


def _fmt(score: float) -> float | int:
    r = round(float(score), 1)
    return int(r) if r.is_integer() else r


METHOD_ZH = {"exact": "名称一致", "alias": "别名", "gloss": "去掉附件括注后一致", "fuzzy": "模糊"}
METHOD_EN = {"exact": "same name", "alias": "alias", "gloss": "same without the annex gloss", "fuzzy": "fuzzy"}


def place_texts(it) -> tuple[str, str]:
    """附件/序号 as cited in Chinese (附件1第3项) and English (, annex 附件1 item 3)."""
    zh = (it.annex or "") + (f"第{it.seq}项" if it.seq is not None else "")
    en = ", ".join(p for p in ((f"annex {it.annex}" if it.annex else ""),
                               (f"item {it.seq}" if it.seq is not None else "")) if p)
    return zh, (", " + en if en else "")


def decision_params(state: State, m: Match) -> dict:
    it = state.item
    place, place_en = place_texts(it)
    return {
        "decision": it.decision.no, "decision_title": it.decision.title, "date": it.when,
        "annex": it.annex, "seq": it.seq, "place": place, "place_en": place_en,
        "action": it.action, "registry_name": m.name.text, "registry_item": it.name,
        "method": m.method, "how": METHOD_ZH[m.method], "how_en": METHOD_EN[m.method],
        "score": _fmt(m.score), "guards": "、".join(m.guards),
        "guard_text": f" [{'; '.join(m.guards)}]" if m.guards else "",
        "history": state.history_text(), "provenance": it.provenance,
        "source": it.source or it.decision.source, "complete": it.decision.complete,
    }


class Detector:
    """Holds the caches of one run; ``scan(rows, table)`` returns finding frames of a chunk."""

    def __init__(self, groups: Groups, matcher: RegistryMatcher, *, region: str | None = None):
        self.groups = groups
        self.matcher = matcher
        self.region = region
        self.names: dict[str, Match | None] = {}
        self.states: dict[tuple, State | None] = {}
        self.tally = Tally()
        self.flagged_keys: set[tuple] = set()   # (source, sheet, row) of revoked-item-listed

    # ------------------------------------------------------------- per distinct value
    def _matches(self, uniq: list[str]) -> list[Match | None]:
        todo = [u for u in uniq if u not in self.names]
        if todo:
            for u, m in zip(todo, self.matcher.resolve(todo), strict=False):
                self.names[u] = m
        return [self.names[u] for u in uniq]

    def _state(self, group: int, region, date) -> State | None:
        key = (group, region, date)
        if key not in self.states:
            self.states[key] = self.groups.state(group, region, date)
        return self.states[key]

    # ------------------------------------------------------------- one chunk
    def scan(self, rows, source: str, sheet):
        import pandas as pd

        from validators.core.rows import map_distinct

        n = rows.n
        self.tally.rows += n
        if not rows.has("item_name") or n == 0:
            return []
        name = rows.text("item_name")
        codes, uniq = pd.factorize(name, use_na_sentinel=True)
        found = self._matches([str(u) for u in uniq])
        hit_u = np.array([m is not None for m in found] + [False], dtype=bool)
        hit = hit_u[codes]
        ok = np.ones(n, dtype=bool)
        if rows.has("item_type"):
            typ = rows.code("item_type")
            is_permit = (typ.isna() | (typ == PERMIT)).to_numpy(dtype=bool)
            self.tally.skipped_type += int((~is_permit).sum())
            ok &= is_permit
        if rows.has("item_state"):
            state = rows.text("item_state")
            use = map_distinct(state, in_use, out="bool").to_numpy(dtype=bool) | state.isna().to_numpy(dtype=bool)
            self.tally.skipped_state += int((ok & ~use).sum())
            ok &= use
        self.tally.considered += int(ok.sum())
        idx = np.flatnonzero(ok & hit)
        self.tally.matched_rows += len(idx)
        if not len(idx):
            return []
        sub = rows.frame.iloc[idx]
        region = self._regions(rows, idx)
        date = self._dates(rows, idx)
        levels = (rows.code("exercise_levels").iloc[idx].to_numpy(dtype=object, na_value=None)
                  if rows.has("exercise_levels") else np.full(len(idx), None, dtype=object))
        item = None
        if rows.has("task_code"):
            item = rows.text("task_code").iloc[idx].to_numpy(dtype=object, na_value=None)
        names = name.iloc[idx].to_numpy(dtype=object, na_value=None)
        out = {REVOKED_LISTED: [], REVOKED_REVIEW: [], DELEGATED_WRONG_LEVEL: []}
        params_cache: dict[tuple, dict] = {}
        for j, i in enumerate(idx):
            m = found[codes[i]]
            st = self._state(m.group, region[j], date[j])
            if st is None:
                if self._state(m.group, region[j], None) is not None:
                    self.tally.skipped_date += 1
                continue
            self.tally.by_kind[st.kind] = self.tally.by_kind.get(st.kind, 0) + 1
            if st.kind == "kept":
                self.tally.kept_by_exception += 1
                continue
            if st.kind == "cancelled":
                rule = REVOKED_LISTED if m.band == "matched" else REVOKED_REVIEW
            elif st.kind == "partial":
                rule = REVOKED_REVIEW
            else:   # delegated: only a confident match listed at the level the item left
                lv = levels[j]
                left = st.item.from_level_code
                if m.band != "matched" or not lv or str(left) not in lv.split(","):
                    continue
                rule = DELEGATED_WRONG_LEVEL
            pkey = (rule, codes[i], id(st), levels[j] if rule == DELEGATED_WRONG_LEVEL else None)
            if pkey not in params_cache:
                p = decision_params(st, m)
                if rule == DELEGATED_WRONG_LEVEL:
                    p.update(new_level=st.item.new_level or LEVEL_NAMES.get(st.item.new_level_code, "下级"),
                             left_level=LEVEL_NAMES.get(st.item.from_level_code, "?"),
                             local_levels=levels[j])
                params_cache[pkey] = p
            out[rule].append((j, params_cache[pkey]))
        frames = []
        rownums = sub["_row"].to_numpy()
        for rule, hits in out.items():
            if not hits:
                continue
            pos = np.array([j for j, _ in hits])
            it = names[pos] if item is None else np.where(pd.notna(item[pos]), item[pos], names[pos])
            frames.append(findings_frame(
                rule, field="item_name", value=pd.Series(names[pos], dtype=object),
                params=pd.Series([p for _, p in hits], dtype=object), source=source, sheet=sheet,
                row=rownums[pos], item=pd.Series(it, dtype=object)))
            if rule == REVOKED_LISTED:
                self.flagged_keys.update((source, sheet, int(r)) for r in rownums[pos])
        return frames

    def _regions(self, rows, idx) -> np.ndarray:
        if self.region:
            return np.full(len(idx), self.region, dtype=object)
        out = np.full(len(idx), None, dtype=object)
        for col, fn in (("area_code", province_from_code), ("implementing_body", province_from_text),
                        ("item_name", province_from_text)):
            if not rows.has(col):
                continue
            vals = (rows.code(col) if col == "area_code" else rows.text(col)).iloc[idx]
            got = _strs(vals.map(_cached(fn)).to_numpy(dtype=object))
            fill = np.array([o is None for o in out])
            out[fill] = got[fill]
        return out

    def _dates(self, rows, idx) -> np.ndarray:
        out = np.full(len(idx), None, dtype=object)
        for col in DATE_COLUMNS:
            if rows.has(col):
                got = _strs(rows.text(col).iloc[idx].map(_cached(parse_date)).to_numpy(dtype=object))
                fill = np.array([o is None for o in out])
                out[fill] = got[fill]
        return out


def _strs(values: np.ndarray) -> np.ndarray:
    """Non-text values (NaN from a mapped missing value) → None."""
    return np.array([v if isinstance(v, str) else None for v in values], dtype=object)


def _cached(fn):
    memo: dict = {}

    def wrapped(v):
        if v is None or v != v:
            return None
        if v not in memo:
            memo[v] = fn(v)
        return memo[v]
    return wrapped
