"""The rules of the revoked check: cancelled permits still listed, delegated ones at the level
they left, and permits outside the positive list."""
from __future__ import annotations

from validators.core.rulebook import HEURISTIC, declare

DECISIONS = ("国务院取消和下放行政许可事项的决定附件，如《国务院关于取消和下放一批行政许可事项的决定》"
             "（国发〔2019〕6号）附件1、《国务院关于取消和下放一批行政许可事项的决定》（国发〔2020〕13号）附件1")

REVOKED_LISTED = declare(
    "revoked-item-listed", "error", "revoked",
    f"{DECISIONS}：已取消的行政许可不得继续实施；《中华人民共和国行政许可法》第十四条、第十五条（设定权）")
REVOKED_REVIEW = declare(
    "revoked-item-review", "warning", "revoked",
    f"{DECISIONS}；{HEURISTIC}名称只是近似（模糊匹配、许可/审批等同义称谓、范围限定不同）、"
    "部分取消，或登记表中该项仅有新闻、转述等线索来源时，由人工确认是否同一事项")
DELEGATED_WRONG_LEVEL = declare(
    "delegated-item-wrong-level", "error", "revoked",
    "国务院下放管理层级的行政许可事项目录，如《国务院关于取消和下放一批行政许可事项的决定》（国发〔2019〕6号）附件2："
    "下放后由新层级实施，原层级不再实施")
PERMIT_NOT_IN_LIST = declare(
    "permit-not-in-list", "warning", "revoked",
    "《国务院办公厅关于全面实行行政许可事项清单管理的通知》（国办发〔2022〕2号）：清单之外一律不得违法实施行政许可")
