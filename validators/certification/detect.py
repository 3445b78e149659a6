"""Which guide materials are cancelled certification materials, for which item.

1. Materials: a guide's material key (:func:`material_key`) equals the key of a registry entry's
   material or of one of its aliases.
2. Items: the guide's 事项名称 is compared with each item name of that entry by the conformity
   matcher (:class:`validators.conformity.matcher.NameMatcher`: the name key and its variants,
   then ``fuzz.ratio`` with keyword guards).  ``matched`` — equal keys or a score at or above
   the match threshold; ``review`` — a score at or above the review threshold, or one name
   contained in the other.  Unlike conformity, a fired guard means *another item* here: the
   registry binds a material to an item, and 劳动能力初次鉴定 may legitimately ask for the
   document the 复查鉴定 may not.  ``all_items`` entries apply to every item except those whose
   name carries one of the entry's ``except_keywords``.
3. Kept list (国办发〔2018〕47号: each region publishes the certification materials it keeps): a
   material named like a certification that is on neither the kept list nor the registry.
"""
from __future__ import annotations

from dataclasses import dataclass

from validators.certification.guides import Guide, GuideSet, Material
from validators.certification.materials import certificate_like, material_key
from validators.certification.registry import Entry, Registry
from validators.conformity.matcher import Thresholds
from validators.core.names import normalise_name

MIN_CONTAINED = 4   # characters a contained name must have to count as the same item


@dataclass
class Hit:
    """One material of one guide that a registry entry cancels (band matched or review)."""

    guide: Guide
    material: Material
    entry: Entry
    band: str                # matched | review
    score: float
    method: str              # all-items | name | fuzzy | contained
    registry_item: str       # the registry item name it matched ('' for all_items)


class ItemMatcher:
    """Registry item names as a tiny base catalog, compared with guide names one pair at a time."""

    def __init__(self, registry: Registry, th: Thresholds):
        import pandas as pd

        from validators.conformity.basecat import BaseCatalog
        from validators.conformity.matcher import NameMatcher

        names = sorted({n for e in registry.entries for n in e.items})
        self.pos = {n: i for i, n in enumerate(names)}
        keys = [normalise_name(n).key for n in names]
        items = pd.DataFrame({"code": [f"R{i}" for i in range(len(names))], "name": names,
                              "type": None, "levels": None, "dept": None, "key": keys,
                              "code_ok": False}).astype({c: object for c in ("type", "levels", "dept")})
        index: dict[str, list[int]] = {}
        for i, k in enumerate(keys):
            index.setdefault(k, []).append(i)
        base = BaseCatalog("registry", items, {}, {n: [i] for i, n in enumerate(names)}, index)
        self.matcher = NameMatcher(base, th)
        self.th = th
        self._cache: dict[tuple[str, str], tuple[str, float, str]] = {}

    def band(self, guide_name: str, registry_name: str) -> tuple[str, float, str]:
        """(band, score, method) of a guide's item name against one registry item name."""
        k = (guide_name, registry_name)
        if k not in self._cache:
            self._cache[k] = self._band(guide_name, registry_name)
        return self._cache[k]

    def _band(self, guide_name, registry_name):
        key = normalise_name(guide_name).key
        pos = self.pos[registry_name]
        equal, score, fired = self.matcher.compare(key, pos)
        if fired:
            return "unmatched", score, "guard"
        if equal or score >= self.th.match:
            return "matched", score, "name" if equal else "fuzzy"
        base_key = self.matcher.base.keys[pos]
        shorter, longer = sorted((key, base_key), key=len)
        if len(shorter) >= MIN_CONTAINED and shorter in longer:
            return "review", score, "contained"
        if score >= self.th.review:
            return "review", score, "fuzzy"
        return "unmatched", score, "fuzzy"


def material_index(registry: Registry) -> dict[str, list[Entry]]:
    """Material key (of the material and of each alias) → the entries that cancel it."""
    out: dict[str, list[Entry]] = {}
    for e in registry.entries:
        for name in (e.material, *e.aliases):
            k = material_key(name)
            if k and e not in out.setdefault(k, []):
                out[k].append(e)
    return out


def find_cancelled(guides: GuideSet, registry: Registry, th: Thresholds | None = None) -> list[Hit]:
    """Every (guide, material, entry) where the guide still demands a cancelled material."""
    th = th or Thresholds()
    index = material_index(registry)
    matcher = ItemMatcher(registry, th) if any(e.items for e in registry.entries) else None
    hits: list[Hit] = []
    for g in guides.guides:
        for m in g.materials:
            for e in index.get(m.key, ()):
                hit = _judge(g, m, e, matcher)
                if hit:
                    hits.append(hit)
    return hits


def _judge(g: Guide, m: Material, e: Entry, matcher: ItemMatcher | None) -> Hit | None:
    if e.all_items:
        if any(w in g.item_name for w in e.except_keywords):
            return None
        return Hit(g, m, e, "matched", 100.0, "all-items", "")
    best = None
    for name in e.items:
        band, score, method = matcher.band(g.item_name, name)
        if band == "unmatched":
            continue
        rank = (band == "matched", score)
        if best is None or rank > best[0]:
            best = (rank, band, score, method, name)
    if best is None:
        return None
    _, band, score, method, name = best
    return Hit(g, m, e, band, score, method, name)


def find_not_kept(guides: GuideSet, kept: set[str], registry: Registry) -> list[tuple[Guide, Material]]:
    """Materials named like a certification that neither the kept list nor the registry names."""
    known = kept | set(material_index(registry))
    out = []
    for g in guides.guides:
        for m in g.materials:
            if certificate_like(m.key) and m.key not in known:
                out.append((g, m))
    return out
