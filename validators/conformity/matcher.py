"""Name resolution against the base catalog: exact name → normalised key → guarded fuzzy score.

Works on DISTINCT (name, 事项类型) pairs; the caller broadcasts the result to rows.  Fuzzy scoring is
``rapidfuzz.process.cdist`` (``fuzz.ratio``, uint8, all cores) on normalised keys, blocked by
事项类型 (a local type unknown to the base searches every item), in chunks so memory stays bounded;
the few candidates near each query's best are re-scored exactly before any threshold applies.  A pair whose
best in-type score is below the review threshold is scored once more against the other types,
which catches a wrong 事项类型 but never auto-matches it.

Bands (domain.md §9): ``matched`` — score ≥ match threshold, no guard fired, no rival candidate
at that level; ``review`` — review threshold ≤ score, or any guard fired on a candidate at or above
the review threshold; ``unmatched`` — everything else.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from validators.conformity.basecat import BaseCatalog
from validators.core.names import Variant, guards, match_guards, normalise_name, variants

CHUNK = 2000
TOP = 3
SHORTLIST = 6       # candidates re-scored exactly per query and variant
WINDOW = 12         # … taken within this many points of the query's best uint8 score


@dataclass(frozen=True)
class Thresholds:
    match: float = 95.0
    review: float = 80.0

    def __post_init__(self):
        if not 0 <= self.review <= self.match <= 100:
            raise ValueError("thresholds must satisfy 0 ≤ review ≤ match ≤ 100")


@dataclass
class Resolution:
    """What name matching found for one (name, type) pair."""

    key: str = ""
    removed: str = ""
    pos: int = -1
    method: str = "none"          # name | normalised-name | fuzzy | none
    score: float = float("nan")
    band: str = "unmatched"
    guards: tuple[str, ...] = ()
    candidates: tuple[tuple[int, float], ...] = ()   # (base position, score), best first


def band_of(score: float, fired: tuple[str, ...], th: Thresholds) -> str:
    if score >= th.match and not fired:
        return "matched"
    if score >= th.review:
        return "review"
    return "unmatched"


def candidate_text(base: BaseCatalog, cands) -> str:
    """``code name (score)`` for each candidate, joined by ' | ' (language-neutral evidence)."""
    return " | ".join(f"{base.codes[p]} {base.names[p]} ({_fmt(s)})" for p, s in cands)


def _fmt(score: float) -> str:
    return f"{score:.1f}".rstrip("0").rstrip(".")


class NameMatcher:
    """Resolves names against one base catalog; reusable across calls."""

    def __init__(self, base: BaseCatalog, th: Thresholds):
        self.base = base
        self.th = th
        self.fuzzy_scored = 0
        self._types = base.types
        self._keys = base.keys
        self._blocks: dict[str, tuple[list[str], list[list[int]]]] = {}
        usable = set(p for ps in base.key_index.values() for p in ps)
        for t in sorted({t for t in self._types if isinstance(t, str)}) + ["*"]:
            idx: dict[str, list[int]] = {}
            for p in sorted(usable):
                if t == "*" or self._types[p] == t:
                    idx.setdefault(self._keys[p], []).append(p)
            self._blocks[t] = (list(idx), list(idx.values()))

    # ------------------------------------------------------------- exact steps
    def _pick(self, positions: list[int], typ) -> list[int]:
        """Positions of the local 事项类型 if any, else all (an equal name with another type is
        still that item: the type difference becomes ``catalog-type-mismatch``)."""
        same = [p for p in positions if self._types[p] == typ]
        return same or positions

    def _exact(self, name: str, typ, res: Resolution) -> bool:
        hit = self.base.name_index.get(name)
        if hit:
            self._settle(res, self._pick(hit, typ), "name", 100.0, res.key)
            return True
        for v in variants(res.key):
            hit = self.base.key_index.get(v.text)
            if hit:
                self._settle(res, self._pick(hit, typ), "normalised-name", 100.0, v.guard_key)
                return True
        return False

    def _settle(self, res: Resolution, ps: list[int], method: str, score: float, guard_key: str):
        res.method, res.score, res.pos = method, score, ps[0]
        fired = guards(guard_key, self._keys[ps[0]])
        if len(ps) > 1:
            fired += ("ambiguous:" + "/".join(self.base.codes[p] for p in ps[:TOP]),)
        res.guards = fired
        res.band = band_of(score, fired, self.th)
        res.candidates = tuple((p, score) for p in ps[:TOP])

    # ------------------------------------------------------------- fuzzy step
    def _score_block(self, block: str, queries: list[tuple[int, Variant]], exclude_type=None):
        """Top candidates per query in one type block: {query number: [(base pos, score, variant)]}.

        ``cdist`` ranks with uint8 scores; only candidates within WINDOW points of a query's best
        are kept (at most SHORTLIST) and re-scored exactly, so a 94.7 is never rounded up into
        the matched band and no full-row sort is needed.
        """
        from rapidfuzz import fuzz, process

        keys, positions = self._blocks[block]
        if exclude_type is not None:
            keep = [i for i, ps in enumerate(positions) if self._types[ps[0]] != exclude_type]
            keys = [keys[i] for i in keep]
            positions = [positions[i] for i in keep]
        out: dict[int, list] = {}
        if not keys or not queries:
            return out
        for lo in range(0, len(queries), CHUNK):
            part = queries[lo: lo + CHUNK]
            scores = process.cdist([v.text for _, v in part], keys, scorer=fuzz.ratio,
                                   dtype=np.uint8, workers=-1)
            floor = np.maximum(scores.max(axis=1).astype(np.int16) - WINDOW, 1)
            rows, cols = np.nonzero(scores >= floor[:, None])
            bounds = np.searchsorted(rows, np.arange(len(part) + 1))
            for row, (qn, v) in enumerate(part):
                near = cols[bounds[row]: bounds[row + 1]]
                if len(near) > SHORTLIST:
                    order = np.argpartition(scores[row, near], len(near) - SHORTLIST)
                    near = near[order[-SHORTLIST:]]
                found = out.setdefault(qn, [])
                for c in near.tolist():
                    s = fuzz.ratio(v.text, keys[c])
                    found.extend((p, s, v) for p in positions[c])
        return out

    def _fuzzy(self, todo: list[tuple[Resolution, object]]):
        th = self.th
        blocks: dict[str, list[tuple[int, Variant]]] = {}
        for qn, (res, typ) in enumerate(todo):
            block = typ if isinstance(typ, str) and typ in self._blocks else "*"
            blocks.setdefault(block, []).extend((qn, v) for v in variants(res.key))
        found: dict[int, list] = {}
        for block, queries in blocks.items():
            for qn, cands in self._score_block(block, queries).items():
                found.setdefault(qn, []).extend(cands)
        # a low in-type score may be a wrong 事项类型: look in the other types, never auto-match
        retry: dict[str, list[tuple[int, Variant]]] = {}
        for qn, (res, typ) in enumerate(todo):
            best = max((s for _, s, _ in found.get(qn, [])), default=0.0)
            if best < th.review and isinstance(typ, str) and typ in self._blocks:
                retry.setdefault(typ, []).extend((qn, v) for v in variants(res.key))
        for typ, queries in retry.items():
            for qn, cands in self._score_block("*", queries, exclude_type=typ).items():
                found.setdefault(qn, []).extend(cands)
        for qn, (res, typ) in enumerate(todo):
            self._decide(res, typ, found.get(qn, []))

    def _decide(self, res: Resolution, typ, cands: list):
        best: dict[int, tuple[float, Variant]] = {}
        for p, s, v in cands:
            if p not in best or s > best[p][0]:
                best[p] = (s, v)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:TOP]
        res.candidates = tuple((p, s) for p, (s, _) in ranked)
        if not ranked:
            return
        p, (s, v) = ranked[0]
        fired = match_guards(v.guard_key, self._keys[p])
        if isinstance(typ, str) and self._types[p] != typ and typ in self._blocks:
            fired += (f"item-type:{typ}≠{self._types[p]}",)
        rivals = [q for q, (sq, _) in ranked[1:] if sq >= self.th.match and sq >= s - 0.5]
        if rivals and s >= self.th.match:
            fired += ("ambiguous:" + "/".join(self.base.codes[q] for q in [p] + rivals),)
        res.pos, res.score, res.guards = p, s, fired
        res.band = band_of(s, fired, self.th)
        res.method = "fuzzy" if res.band != "unmatched" else "none"
        if res.band == "unmatched":
            res.pos = -1

    # ------------------------------------------------------------- entry point
    def resolve(self, names, types, fuzzy=None) -> list[Resolution]:
        """One Resolution per (name, type); ``fuzzy[i]`` False skips the fuzzy step for pair i."""
        out: list[Resolution] = []
        todo: list[tuple[Resolution, object]] = []
        for i, (name, typ) in enumerate(zip(names, types, strict=True)):
            res = Resolution()
            out.append(res)
            if not isinstance(name, str) or not name:
                continue
            nk = normalise_name(name)
            res.key, res.removed = nk.key, "".join(nk.removed)
            if not res.key:
                continue
            if self._exact(name, typ, res):
                continue
            if fuzzy is None or fuzzy[i]:
                todo.append((res, typ))
        self.fuzzy_scored = len(todo)
        if todo:
            self._fuzzy(todo)
        return out

    def compare(self, key: str, pos: int) -> tuple[bool, float, tuple[str, ...]]:
        """A local key against one base item (found by code): equal?, best score, guards."""
        from rapidfuzz import fuzz

        base_key = self._keys[pos]
        vs = variants(key) if key else ()
        if any(v.text == base_key for v in vs):
            v = next(v for v in vs if v.text == base_key)
            fired = guards(v.guard_key, base_key)
            return not fired, 100.0, fired
        if not vs:
            return False, 0.0, ()
        score, v = max(((fuzz.ratio(v.text, base_key), v) for v in vs), key=lambda t: t[0])
        return False, float(score), guards(v.guard_key, base_key)

