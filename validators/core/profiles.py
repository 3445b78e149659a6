"""Province coding schemes (``schemas/profiles/*.json``): how a platform writes 事项类型 and codes.

Some provincial platforms use their own 事项类型 codes (one codes 20 = 其他行政权力 and
21 = 公共服务, visible in 基本编码 ``4420…``/``4421…``) or their own base/item code shapes
(Sichuan's 14-character base codes and ``itemCode``, Guizhou's 10, Hubei's 16).  A profile
documents one scheme as data; the checks interpret 事项类型 and codes through it, so a documented
scheme never produces per-row errors.  :func:`detect` picks a profile from the code shapes of the
first chunk; ``--profile NAME`` forces one.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from schemas import DIR as SCHEMAS
from validators.core.schema import LEVEL_DIGIT, task_code_pattern

DIR = SCHEMAS / "profiles"
NATIONAL = "national"


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    title_en: str
    source: str
    provinces: tuple[str, ...] = ()
    item_type: dict = field(default_factory=dict)          # platform 事项类型 code → national code
    catalog_type_codes: dict = field(default_factory=dict)  # 基本编码 TT of this province → national
    local_catalog: re.Pattern | None = None
    local_task: re.Pattern | None = None
    detect: dict = field(default_factory=dict)
    unpadded_codes: bool = False   # the platform writes 事项类型 1, 5, 7 … by design (not Excel damage)

    def item_type_code(self, value: str) -> str | None:
        """The national 事项类型 code of a platform code, or None when the profile has no say."""
        return self.item_type.get(unicodedata.normalize("NFKC", value).strip().upper())

    def catalog_types(self) -> frozenset[str]:
        return frozenset(self.catalog_type_codes)

    def title_in(self, lang: str) -> str:
        return self.title if lang.startswith("zh") else self.title_en


def _load(path: Path) -> Profile:
    d = json.loads(path.read_text(encoding="utf-8"))
    return Profile(
        name=d["name"], title=d["title"], title_en=d.get("title_en", d["title"]), source=d["source"],
        provinces=tuple(d.get("provinces", ())), item_type=dict(d.get("item_type", {})),
        catalog_type_codes=dict(d.get("catalog_type_codes", {})),
        local_catalog=re.compile(d["local_catalog"]) if d.get("local_catalog") else None,
        local_task=re.compile(d["local_task"]) if d.get("local_task") else None,
        detect=dict(d.get("detect", {})), unpadded_codes=bool(d.get("unpadded_codes")))


@lru_cache(maxsize=1)
def profiles() -> dict[str, Profile]:
    return {p.stem: _load(p) for p in sorted(DIR.glob("*.json"))}


def names() -> list[str]:
    """Profile names without loading them (for the CLI's choices)."""
    return sorted(p.stem for p in DIR.glob("*.json"))


def get(name: str) -> Profile:
    return profiles()[name]


def _count(values, test) -> int:
    return sum(1 for v in values if isinstance(v, str) and test(v))


_NATIONAL_TASK = f"^{task_code_pattern()}$"


def _distinct(frame, col: str, skip: str | None = None, length: int | None = None) -> list[str]:
    """Distinct values of a column (arrow kernels: one pass), optionally without those matching
    ``skip`` or of another length; NFKC, trimmed, upper-cased."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if col not in frame.columns:
        return []
    values = pc.unique(pc.drop_null(pa.array(frame[col].array)))
    if skip is not None:
        values = values.filter(pc.invert(pc.fill_null(pc.match_substring_regex(values, skip), False)))
    if length is not None:
        values = values.filter(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(values)), length))
    return [unicodedata.normalize("NFKC", v).strip().upper() for v in values.to_pylist() if isinstance(v, str)]


def detect(frame) -> tuple[Profile, str | None]:
    """The profile whose documented shapes the chunk shows most often, with the evidence.

    National unless a province's own codes appear: 事项类型 or 基本编码 type codes no national
    scheme has, or local code shapes.  Works on distinct values of the canonical columns.
    """
    catalog, types = _distinct(frame, "catalog_code"), _distinct(frame, "item_type")
    # national 31-character 实施编码 are most of a column and never evidence of a local scheme
    tasks = _distinct(frame, "local_task_code") + _distinct(frame, "task_code", skip=_NATIONAL_TASK)
    best: tuple[int, Profile | None, str | None] = (0, None, None)
    for p in profiles().values():
        rule = p.detect
        score, evidence = 0, None
        if rule.get("catalog_type"):
            tt = set(rule["catalog_type"])
            hits = [c for c in catalog if len(c) == 12 and c[:2] in p.provinces and c[2:4] in tt]
            if hits:
                score, evidence = score + len(hits), hits[0]
        if rule.get("item_type"):
            hits = [t for t in types if t in set(rule["item_type"])]
            if hits:
                score, evidence = score + len(hits), evidence or hits[0]
        if rule.get("local_catalog") and p.local_catalog is not None:
            hits = [c for c in catalog if p.local_catalog.match(c)]
            if hits:
                score, evidence = score + len(hits), evidence or hits[0]
        if rule.get("local_task") and p.local_task is not None:
            hits = [c for c in tasks if p.local_task.match(c)]
            if hits:
                score, evidence = score + len(hits), evidence or hits[0]
        if score > best[0]:
            best = (score, p, evidence)
    if best[1] is None:
        return get(NATIONAL), None
    return best[1], best[2]


_HANDLE_SUFFIX = re.compile(f"^{task_code_pattern(LEVEL_DIGIT)}\\d{{2}}$")


def handle_suffix_evidence(frame) -> str | None:
    """A 33-character 实施编码 (31-character code + 2-digit 办理项 number), if the chunk has one."""
    for v in _distinct(frame, "task_code", length=33):
        if _HANDLE_SUFFIX.match(v):
            return v
    return None
