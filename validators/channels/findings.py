"""The rules of ``sxcheck sources`` and the one place their findings are made.

Every finding carries, in ``params``: the channel (file name), the item key and how it paired
(``key_kind``), the reference file and row, the channel row, the item name and 实施主体 of the
reference, and for value differences both values (``reference_value``, ``channel_value``).
A finding about an item of the reference (missing) is located in the reference file; all others
in the channel file.
"""
from __future__ import annotations

from validators.core.rulebook import C0109_2, HEURISTIC, declare
from validators.report.findings import record

_SAME_STANDARD = ("《国务院关于加快推进政务服务标准化规范化便利化的指导意见》（国发〔2022〕5号）"
                  "推进同一事项无差别受理、同标准办理，各渠道应按同一实施清单发布")

SOURCE_ITEM_MISSING = declare("source-item-missing", "error", "sources",
    f"{_SAME_STANDARD}；参考源（省级政务服务平台）发布的事项，渠道也应发布")
SOURCE_ITEM_EXTRA = declare("source-item-extra", "warning", "sources",
    f"{_SAME_STANDARD}；渠道发布的事项应来自参考源的实施清单")
SOURCE_VALUE_MISMATCH = declare("source-value-mismatch", "error", "sources",
    f"{_SAME_STANDARD}；比较的要素按 {C0109_2} 定义，格式差异经规范化后不计")
SOURCE_MATERIALS_DIFFER = declare("source-materials-differ", "error", "sources",
    f"{_SAME_STANDARD}；申请材料按 {C0109_2} 的材料名称要素逐项比较，顺序与编号不计")
SOURCE_STALE = declare("source-stale", "warning", "sources",
    f"{HEURISTIC}渠道的事项版本或更新时间早于参考源，说明该渠道未同步最新的实施清单")
SOURCE_PAIRING_AMBIGUOUS = declare("source-pairing-ambiguous", "warning", "sources",
    f"{HEURISTIC}同一键对应两条以上事项时无法确定哪一条是同一事项，不自动挑选，须人工核对")

RULES = {r.code: r for r in (SOURCE_ITEM_MISSING, SOURCE_ITEM_EXTRA, SOURCE_VALUE_MISMATCH,
                             SOURCE_MATERIALS_DIFFER, SOURCE_STALE, SOURCE_PAIRING_AMBIGUOUS)}


def to_records(pending) -> list[dict]:
    """Pending findings (:class:`validators.channels.compare.Pending`) → report records."""
    out = []
    for p in pending:
        source, sheet = p.where
        params = {k: v for k, v in p.params.items()}
        params.setdefault("item", p.item)
        out.append(record(RULES[p.code], source=source, sheet=sheet, row=p.row, field=p.field,
                          item=p.item, value=p.value, params=params))
    return out
