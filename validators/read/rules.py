"""The rules of reading: unknown or missing columns, blank and malformed rows, skipped sheets."""
from __future__ import annotations

from validators.core.rulebook import C0109_2, GBT_39046, HEURISTIC, declare

COLUMN_UNKNOWN = declare("column-unknown", "info", "input",
    f"{HEURISTIC}列名经宽度、大小写、空格和下划线折叠后仍不是任何要素名称或别名，保留原列但不检查")
COLUMN_MISSING = declare("column-missing", "error", "input",
    f"{C0109_2}：按事项类型规定的必填要素；整列缺失时每一行都缺该要素", task_issue="elements")
ROW_BLANK = declare("row-blank", "info", "input",
    f"{HEURISTIC}所有单元格为空（或只有空白字符）的行不是事项，不参与检查，但计入读取行数以便核对")
ROW_MALFORMED = declare("row-malformed", "error", "input",
    "RFC 4180（CSV 每条记录字段数与表头相同）；RFC 8259 / JSON Lines（每行一个 JSON 对象）")
SHEET_SKIPPED = declare("sheet-skipped", "info", "input",
    f"{HEURISTIC}没有任何可识别要素列的工作表（说明页、代码表页）不是清单数据")
MATERIALS_TABLE = declare("materials-table", "info", "input",
    f"{GBT_39046} 表4 申请材料信息：以实施编码关联事项的材料表不是办事指南，不按指南要素检查")
MERGED_CELLS_FILLED = declare("merged-cells-filled", "info", "input",
    f"{HEURISTIC}ECMA-376 第 1 部分 18.3.1.55 节（mergeCell）：合并区域的值只存于左上角单元格，故按该值读入其覆盖的每一行")
FILE_SKIPPED = declare("file-skipped", "warning", "input",
    f"{HEURISTIC}目录中没有任何可识别要素列的文件（说明、对照表、报告）不是清单数据；跳过时须说明，不能悄悄少查一个文件")
JSON_DUPLICATE_KEY = declare("json-duplicate-key", "warning", "input",
    "RFC 8259 第 4 节（对象的名称应当唯一；名称重复时各实现的取值不一致，本工具与多数解析器一样保留最后一个）")
