"""The rules of the certificate checks and how their findings reach a Report."""
from __future__ import annotations

CANCELLED = "certificate-cancelled-still-required"
CANCELLED_REVIEW = "certificate-cancelled-review"
NOT_IN_KEPT_LIST = "certificate-not-in-kept-list"


def make(rule, *, source, sheet, row, field, item, value, params):
    return {"code": str(rule), "source": source, "sheet": sheet, "row": row, "field": field,
            "item": item, "value": value, "params": params}


def add(report, records) -> None:
    import pandas as pd

    if records:
        report.add(pd.DataFrame(records, columns=["code", "field", "value", "params", "source", "sheet",
                                                  "row", "item"]))
