"""Local item names → registry permits, with the conformity matcher and a stricter review band.

Targets are the distinct normalised keys of the registry (names, aliases, names without an
inclusive gloss), handed to :class:`validators.conformity.matcher.NameMatcher` as a one-type
"base catalog", so normalisation (NFKC, bracket width, level suffixes, region prefixes), exact
lookup and the guarded fuzzy score are exactly those of ``sxcheck conform``.

What differs is what a fired guard means.  In conformity a guard sends a candidate to review; here
a finding says a live permit is illegal, so a guard on the object, action, activity, grade or
negation means *another permit* and no finding at all (煤炭生产许可证核发 is not 煤矿安全生产许可证核发).
Review stays for a differing scope qualifier, a permit-kind synonym (…审批 / …许可 / …核准),
a score between the review and match thresholds, and names whose registry source is only a lead
(paraphrase, secondary-weak, decision-unclear).  A local filing (…备案) never matches a permit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from validators.conformity.matcher import NameMatcher, Resolution, Thresholds
from validators.core.names import normalise_name, variants
from validators.revocation.history import Groups, Name

PERMIT_KINDS = frozenset({"许可", "审批", "核准", "审核", "批准", "登记", "认定"})
SOFT_GUARDS = ("qualifier", "kind")
FILING = "备案"


@dataclass(frozen=True)
class Match:
    """A local name resolved to a registry permit."""

    group: int
    name: Name          # the registry name it matched
    method: str         # exact | alias | gloss | fuzzy
    score: float
    band: str           # matched | review
    guards: tuple[str, ...]


def _target_catalog(groups: Groups):
    import pandas as pd

    from validators.conformity.basecat import BaseCatalog

    keys = list(groups.key_name)
    names = [groups.key_name[k].text for k in keys]
    codes = [f"g{groups.key_group[k]}#{i}" for i, k in enumerate(keys)]
    items = pd.DataFrame({"code": codes, "name": names, "type": None, "levels": None, "dept": None,
                          "key": keys, "code_ok": False, "_row": range(1, len(keys) + 1),
                          "sheet": None}).astype({"type": object, "levels": object, "dept": object})
    # exact lookups go through the normalised key only: the raw-name index would bypass the
    # key → group mapping for names that differ from their key
    key_index = {k: [i] for i, k in enumerate(keys)}
    return BaseCatalog("registry", items, {}, {}, key_index), keys


def _kind_soft(guard: str) -> bool:
    """A kind guard between permit-kind words only (…审批 vs …许可) is a naming habit."""
    _, _, diff = guard.partition(":")
    a, _, b = diff.partition("≠")
    words = {w for side in (a, b) for w in side.split("、") if w and w != "∅"}
    return bool(words) and words <= PERMIT_KINDS


def _same_group_ambiguity(guard: str) -> bool:
    codes = guard.partition(":")[2].split("/")
    return len({c.split("#")[0] for c in codes}) == 1


class RegistryMatcher:
    def __init__(self, groups: Groups, th: Thresholds = Thresholds()):
        self.groups = groups
        self.th = th
        self.base, self.keys = _target_catalog(groups)
        self.matcher = NameMatcher(self.base, th)
        self.key_set = frozenset(self.keys)
        self.fuzzy_candidates = 0

    def resolve(self, names: list[str]) -> list[Match | None]:
        """One Match (or None) per distinct local name.

        Most local names are nowhere near a cancelled permit, so a cheap pass comes first: a
        name goes to the matcher only when a variant of its key (region stripped, qualifiers
        dropped) is a registry key or scores within reach of the review threshold (one uint8
        ``cdist`` over all variants).  The matcher then decides exactly as it would have.
        """
        from rapidfuzz import fuzz, process

        cand: list[int] = []
        texts: list[str] = []
        owner: list[int] = []
        for i, name in enumerate(names):
            key = normalise_name(name).key if isinstance(name, str) else ""
            if not key:
                continue
            vs = variants(key)
            if any(v.text in self.key_set for v in vs):
                cand.append(i)
                continue
            for v in vs:
                texts.append(v.text)
                owner.append(i)
        if texts:
            best = process.cdist(texts, self.keys, scorer=fuzz.ratio, dtype=np.uint8,
                                 workers=-1).max(axis=1)
            near = np.asarray(owner)[best >= max(self.th.review - 1, 0)]
            cand.extend(sorted(set(near.tolist())))
        out: list[Match | None] = [None] * len(names)
        self.fuzzy_candidates += len(cand)
        if cand:
            res = self.matcher.resolve([names[i] for i in cand], [None] * len(cand))
            for i, r in zip(cand, res, strict=False):
                out[i] = self._judge(r)
        return out

    def _judge(self, r: Resolution) -> Match | None:
        if r.pos < 0 or r.band == "unmatched":
            return None
        key = self.keys[r.pos]
        name = self.groups.key_name[key]
        if FILING in r.key and FILING not in key:
            return None
        hard, soft = [], []
        for g in r.guards:
            kind = g.partition(":")[0]
            if kind == "ambiguous":
                if not _same_group_ambiguity(g):
                    soft.append(g)
            elif kind == "qualifier" or (kind == "kind" and _kind_soft(g)):
                soft.append(g)
            else:
                hard.append(g)
        if hard:
            return None
        if r.method == "fuzzy":
            if r.score < self.th.review:
                return None
            method = "fuzzy"
        else:
            method = {"name": "exact", "gloss": "gloss", "alias": "alias"}[name.how]
        band = "matched" if (not soft and r.score >= self.th.match and not name.item.weak) else "review"
        return Match(self.groups.key_group[key], name, method, float(r.score), band, tuple(soft))


def resolve_names(matcher: RegistryMatcher, names) -> tuple[np.ndarray, list[Match | None]]:
    """Per row: the index of its distinct name; per distinct name: its Match."""
    import pandas as pd

    codes, uniq = pd.factorize(pd.Series(names, dtype=object))
    return codes, matcher.resolve([str(u) for u in uniq])
