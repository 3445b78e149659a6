"""申请材料 lists compared as sets: split a cell into materials, key each one, diff two lists.

A channel may list the materials in another order, number them (``1.``, ``（2）``, ``③``), put
them on separate lines, join them with 、 or nest them in JSON (the reader joins ``itemMaterials``
with ``；``): none of that is a difference.  Each material is compared by its text key
(:func:`~validators.channels.normalise.text_key`): unlike the certification key, 原件 and 复印件
stay apart, because a citizen has to bring a different paper.  What is left is per material:
*added* (only the channel lists it), *removed* (only the reference) or *renamed* (a removed and an
added material whose names are close: ``rapidfuzz`` ratio ≥ :data:`RENAME_MIN` (60) on their keys,
paired best first).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from validators.channels.normalise import CACHE, text_key

RENAME_MIN = 60.0
SEP = "\x1e"


def split_materials(value: str) -> list[str]:
    """The material names of one cell, numbering removed: the splitter of
    :mod:`validators.certification.materials` (lines, ；, numbering, 、-lists, never inside brackets
    or 《》), so every capability reads a material list the same way."""
    from validators.certification.materials import split_materials as split

    return split(value)


@lru_cache(maxsize=CACHE)
def materials_key(value: str) -> str:
    """The sorted set of material keys, joined: equal for the same materials in any order/form."""
    keys = {text_key(m) for m in split_materials(value)}
    keys.discard("")
    return SEP.join(sorted(keys))


@dataclass(frozen=True)
class MaterialsDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...]     # (reference name, channel name)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed)

    def text(self, lang: str = "zh") -> str:
        """One line a person can read: 新增：… ；删除：… ；改名：A→B."""
        labels = ("新增", "删除", "改名") if lang != "en" else ("added", "removed", "renamed")
        sep = "、" if lang != "en" else ", "
        parts = []
        if self.added:
            parts.append(f"{labels[0]}：{sep.join(self.added)}" if lang != "en" else f"{labels[0]}: {sep.join(self.added)}")
        if self.removed:
            parts.append(f"{labels[1]}：{sep.join(self.removed)}" if lang != "en" else f"{labels[1]}: {sep.join(self.removed)}")
        if self.renamed:
            ren = sep.join(f"{a}→{b}" for a, b in self.renamed)
            parts.append(f"{labels[2]}：{ren}" if lang != "en" else f"{labels[2]}: {ren}")
        return ("；" if lang != "en" else "; ").join(parts)


@lru_cache(maxsize=CACHE)
def diff_materials(reference: str | None, channel: str | None) -> MaterialsDiff:
    """Which materials the channel added, removed or renamed relative to the reference."""
    from rapidfuzz.fuzz import ratio

    ref = {text_key(m): m for m in split_materials(reference or "")}
    chan = {text_key(m): m for m in split_materials(channel or "")}
    removed = [k for k in ref if k not in chan]
    added = [k for k in chan if k not in ref]
    scored = sorted(((ratio(r, a), r, a) for r in removed for a in added), reverse=True)
    renamed, used_r, used_a = [], set(), set()
    for score, r, a in scored:
        if score < RENAME_MIN:
            break
        if r in used_r or a in used_a:
            continue
        used_r.add(r)
        used_a.add(a)
        renamed.append((ref[r], chan[a]))
    return MaterialsDiff(added=tuple(chan[a] for a in added if a not in used_a),
                         removed=tuple(ref[r] for r in removed if r not in used_r),
                         renamed=tuple(renamed))
