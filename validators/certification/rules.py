"""The rules of the certificate checks (证明事项清理)."""
from __future__ import annotations

from validators.core.rulebook import HEURISTIC, declare

GUOBAN_2018_47 = "国办发〔2018〕47号《国务院办公厅关于做好证明事项清理工作的通知》"

CANCELLED = declare(
    "certificate-cancelled-still-required", "error", "certification",
    f"{GUOBAN_2018_47}：取消的证明事项不得再向群众和企业索要；所依据的取消决定（文号或标题、材料、来源）随每条发现给出")
CANCELLED_REVIEW = declare(
    "certificate-cancelled-review", "warning", "certification",
    f"{HEURISTIC}申请材料是某决定已取消的证明材料，但事项名称与决定所列事项只是近似（一方包含另一方，或相似度在复核区间），"
    "需人工确认是否同一事项")
NOT_IN_KEPT_LIST = declare(
    "certificate-not-in-kept-list", "warning", "certification",
    f"{GUOBAN_2018_47}：对确需保留的证明事项公布清单，清单之外，政府部门、公用事业单位和服务机构不得索要证明")

