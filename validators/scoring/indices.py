"""Indices, composite score, tiers and ranks from the per-unit figures of a scan.

Every index is ``{numerator, denominator, rate}`` with ``rate == numerator / denominator`` computed
from the printed numbers, so an evaluator can recompute it; ``rate`` is None when the denominator
is 0 (the index does not apply to that unit) and the index is then left out of the composite.

- 办事指南准确度 ``guide_accuracy``: Σ weight of checked elements that are present and carry no
  error or warning finding ÷ Σ weight of checked elements (an element is checked when the guide's
  事项类型 family requires it).
- 现场一次办理比率 ``onsite_once``: guides with 到办事现场次数 0 or 1 ÷ guides whose family has it.
- 承诺提速率 ``speedup``: Σ (1 − 承诺办结时限 ÷ 法定办结时限), clipped to [0, 1], over guides with both
  limits in the same unit and a positive legal limit ÷ the number of those guides.
- 网办率 ``online``: guides with 是否网办 = 是 ÷ guides whose family has it.
- 基本目录符合率 / 实施清单符合率 / 服务事项覆盖度 (``--base``): as ``sxcheck conform`` defines them,
  per unit; coverage per unit only for region units (a region must claim every item of its level).
- 同源率 ``same_source`` (``--channel``): elements identical in the channel ÷ elements compared, as
  ``sxcheck sources`` defines it, summed over the channels, per 实施主体 of the reference.

Composite = 100 × Σ wᵢ·rateᵢ ÷ Σ wᵢ over the indices that apply, rounded to 2 decimals; ranks are
by that printed score, ties share a rank (1, 2, 2, 4).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validators.scoring.weights import INDICES, Weights

LABELS = {
    "guide_accuracy": ("办事指南准确度", "guide accuracy"),
    "onsite_once": ("现场一次办理比率", "at most one on-site visit"),
    "speedup": ("承诺提速率", "promised speed-up"),
    "online": ("网办率", "online rate"),
    "catalog_conformity": ("基本目录符合率", "base-catalog conformity"),
    "task_conformity": ("实施清单符合率", "implementation-list conformity"),
    "coverage": ("服务事项覆盖度（认领覆盖率）", "service-item coverage (claim coverage)"),
    "same_source": ("同源率", "same-source rate"),
}
TALLY_INDICES = {"guide_accuracy": ("acc_num", "acc_den"), "onsite_once": ("onsite_num", "onsite_den"),
                 "speedup": ("speed_num", "speed_den"), "online": ("online_num", "online_den")}


def index_label(name: str, lang: str = "zh") -> str:
    zh, en = LABELS.get(name, (name, name))
    return en if lang == "en" else zh


def _num(x: float) -> int | float:
    """A numerator or denominator as printed: an int when whole, else 6 decimals."""
    x = float(x)
    if abs(x - round(x)) < 1e-9:
        return int(round(x))
    return round(x, 6)


def figure(numerator: float, denominator: float) -> dict[str, Any]:
    n, d = _num(numerator), _num(denominator)
    return {"numerator": n, "denominator": d, "rate": (n / d) if d else None}


def competition_ranks(scores: list[float | None]) -> list[int | None]:
    """Standard competition ranking of scores (higher is better): 1, 2, 2, 4; None unranked."""
    order = sorted((s for s in scores if s is not None), reverse=True)
    first = {}
    for i, s in enumerate(order):
        first.setdefault(s, i + 1)
    return [None if s is None else first[s] for s in scores]


def composite(indices: dict[str, dict], weights: Weights) -> float | None:
    total = used = 0.0
    for name, fig in indices.items():
        w = weights.indices.get(name, 0)
        if w and fig["rate"] is not None:
            total += w * fig["rate"]
            used += w
    return round(100.0 * total / used, 2) if used else None


@dataclass
class UnitScore:
    unit: str
    rows: int
    indices: dict[str, dict]
    score: float | None = None
    rank: int | None = None
    tier: str | None = None
    tier_en: str | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        return {"unit": self.unit, "rows": self.rows, "rank": self.rank,
                "tier": self.tier_en if lang == "en" else self.tier, "score": self.score,
                "indices": self.indices, **self.extra}


def score_units(figures: dict[str, dict[str, float]], weights: Weights,
                conformity: dict[str, dict[str, tuple[float, float]]] | None = None) -> list[UnitScore]:
    """UnitScore per unit, sorted by rank then name.  ``conformity``: unit → index → (num, den)."""
    out = []
    for unit, fig in figures.items():
        idx = {name: figure(fig[a], fig[b]) for name, (a, b) in TALLY_INDICES.items()}
        for name, (num, den) in ((conformity or {}).get(unit) or {}).items():
            idx[name] = figure(num, den)
        idx = {k: idx[k] for k in INDICES if k in idx}
        out.append(UnitScore(unit, int(fig["rows"]), idx, composite(idx, weights)))
    for u, r in zip(out, competition_ranks([u.score for u in out]), strict=True):
        u.rank = r
        u.tier = weights.tier(u.score, "zh")
        u.tier_en = weights.tier(u.score, "en")
    out.sort(key=lambda u: (u.rank is None, u.rank or 0, u.unit))
    return out
