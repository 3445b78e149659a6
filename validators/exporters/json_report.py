"""JSON export: exactly ``Report.to_dict(lang)``, described by ``schemas/report.schema.json``."""
from __future__ import annotations

import json


def to_json(report, *, lang: str = "zh") -> str:
    return json.dumps(report.to_dict(lang), ensure_ascii=False, indent=1)
