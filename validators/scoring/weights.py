"""Score weights: element weights of 办事指南准确度, index weights of the composite, tier cut-offs.

Defaults live in ``schemas/score_weights.json`` (documented there and in the README); a user file
of the same shape overrides the keys it gives.  Bad files raise ValueError with a sentence that
names the key, so the CLI can say what is wrong.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from schemas import load_json

INDICES = ("guide_accuracy", "onsite_once", "speedup", "online", "catalog_conformity", "task_conformity",
           "coverage", "same_source")


@dataclass(frozen=True)
class Weights:
    elements: dict[str, float]
    indices: dict[str, float]
    cutoffs: list[dict]          # [{"tier", "tier_en", "min"}], best first
    lowest: dict                 # {"tier", "tier_en"}

    def tier(self, score: float | None, lang: str = "zh") -> str | None:
        if score is None:
            return None
        key = "tier_en" if lang == "en" else "tier"
        for c in self.cutoffs:
            if score >= c["min"]:
                return c.get(key) or c["tier"]
        return self.lowest.get(key) or self.lowest["tier"]

    def tiers(self, lang: str = "zh") -> list[str]:
        key = "tier_en" if lang == "en" else "tier"
        return [c.get(key) or c["tier"] for c in self.cutoffs] + [self.lowest.get(key) or self.lowest["tier"]]

    def to_dict(self) -> dict[str, Any]:
        return {"elements": dict(self.elements), "indices": dict(self.indices)}

    def cutoffs_dict(self) -> dict[str, Any]:
        return {"tiers": [dict(c) for c in self.cutoffs], "lowest": dict(self.lowest)}


def _number(v, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v < 0:
        raise ValueError(f"{where}: 应为非负数 / must be a non-negative number, got {v!r}")
    return int(v) if float(v).is_integer() else float(v)


def load_weights(path: str | None = None) -> Weights:
    """The default weights, overridden by the JSON file at ``path`` when given."""
    from validators.core.schema import elements as known_elements

    base = load_json("score_weights.json")
    user: dict = {}
    if path:
        with open(path, encoding="utf-8-sig") as fh:
            try:
                user = json.load(fh)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}: 不是有效的 JSON / not valid JSON ({exc})") from None
        if not isinstance(user, dict):
            raise ValueError(f"{path}: 顶层应为对象 / top level must be an object")
        unknown = set(user) - {"elements", "indices", "cutoffs", "lowest_tier", "$comment"}
        if unknown:
            raise ValueError(f"{path}: 未知键 / unknown keys {sorted(unknown)}")
    elems = dict(base["elements"])
    for k, v in (user.get("elements") or {}).items():
        if k not in known_elements():
            raise ValueError(f"elements.{k}: 未知要素 / unknown element")
        elems[k] = _number(v, f"elements.{k}")
    elems = {k: _number(v, f"elements.{k}") for k, v in elems.items() if v}
    idx = dict(base["indices"])
    for k, v in (user.get("indices") or {}).items():
        if k not in INDICES:
            raise ValueError(f"indices.{k}: 未知指标 / unknown index (known: {', '.join(INDICES)})")
        idx[k] = _number(v, f"indices.{k}")
    if not any(idx.values()):
        raise ValueError("indices: 至少一个指标的权重应大于 0 / at least one index weight must be positive")
    cutoffs = user.get("cutoffs", base["cutoffs"])
    if not isinstance(cutoffs, list) or not all(isinstance(c, dict) and "tier" in c and "min" in c for c in cutoffs):
        raise ValueError('cutoffs: 应为 [{"tier": "优秀", "min": 90}, …] / must be a list of {"tier", "min"}')
    cutoffs = [{**c, "min": _number(c["min"], f"cutoffs.{c['tier']}")} for c in cutoffs]
    mins = [c["min"] for c in cutoffs]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins) or any(m > 100 for m in mins):
        raise ValueError("cutoffs: 分数线应从高到低、互不相同且不超过 100 / minimums must be distinct, "
                         "descending and at most 100")
    lowest = user.get("lowest_tier", base["lowest_tier"])
    if not isinstance(lowest, dict) or "tier" not in lowest:
        raise ValueError('lowest_tier: 应为 {"tier": "待改进"} / must be {"tier": …}')
    return Weights(elems, idx, cutoffs, dict(lowest))
