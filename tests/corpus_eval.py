"""Run the labelled corpus (tests/corpus/*.csv) through ``validate`` and score each rule.

Every corpus row is one value in the form a province really writes it, labelled ``ok`` (the tool
must stay silent) or ``defect`` (the tool must report the named rule).  Rows that need the same
columns are written together to one CSV in a temporary folder, validated end to end, and the
findings are read back by row.  ``alarms`` lists, per rule, the codes that count as a false
alarm on an ``ok`` value (e.g. any phone rule on a valid phone).
"""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"

PHONE_RULES = {"phone-format-invalid", "phone-number-invalid"}
ALARMS = {
    "phone-number-invalid": PHONE_RULES,
    "phone-format-invalid": PHONE_RULES,
    "consult-equals-complaint-phone": {"consult-equals-complaint-phone"},
    "element-not-in-codelist": {"element-not-in-codelist", "element-too-long", "element-missing",
                                "element-wrong-type"},
    "uscc-excel-number": {"uscc-excel-number"},
    "uscc-check-digit": {"uscc-check-digit"},
    "code-leading-zeros": {"code-leading-zeros", "item-type-unknown", "element-not-in-codelist",
                           "catalog-code-dept-mismatch", "element-too-long"},
    "catalog-code-leading-zeros": {"catalog-code-leading-zeros", "catalog-code-format"},
    "task-code-uscc-invalid": {"task-code-uscc-invalid", "task-code-length", "task-code-format"},
    "local-code-body-mismatch": {"local-code-body-mismatch"},
    "area-unmapped": {"area-unmapped", "element-too-long", "catalog-code-region-mismatch"},
    "catalog-code-region-mismatch": {"catalog-code-region-mismatch"},
}


def load(name: str) -> list[dict]:
    with open(CORPUS / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _record(row: dict) -> dict:
    rec: dict = {"item_name": "公共场所卫生许可"}   # a second element column, as in any export
    fields = row["field"].split("|")
    values = [v.strip() for v in row["value"].split(" | ")] if len(fields) > 1 else [row["value"]]
    rec.update(zip(fields, values))
    for pair in filter(None, row["context"].split(";")):
        k, v = pair.split("=", 1)
        rec[k] = v
    return rec


def evaluate(name: str, tmp: Path) -> dict[str, dict]:
    """Per rule: ok/defect counts, false alarms, misses and the two rates."""
    from validators import validate

    rows = load(name)
    groups: dict[tuple, list[int]] = defaultdict(list)
    records = [_record(r) for r in rows]
    for i, rec in enumerate(records):
        groups[tuple(sorted(rec))].append(i)
    flagged: dict[int, set] = defaultdict(set)
    for g, (cols, idx) in enumerate(groups.items()):
        path = tmp / f"{Path(name).stem}_{g}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for i in idx:
                w.writerow([records[i][c] for c in cols])
        report = validate(str(path))
        for f in report.iter_findings("zh"):
            if f["row"] is not None:
                flagged[idx[f["row"] - 2]].add((f["code"], f["field"]))
    stats: dict[str, dict] = {}
    for i, row in enumerate(rows):
        rule, field = row["rule"], row["field"].split("|")[-1]
        s = stats.setdefault(rule, {"ok": 0, "defect": 0, "false_alarms": [], "misses": []})
        codes = {c for c, f in flagged[i] if f == field or c == rule}
        if row["label"] == "ok":
            s["ok"] += 1
            if codes & ALARMS[rule]:
                s["false_alarms"].append((row["value"], sorted(codes & ALARMS[rule])))
        else:
            s["defect"] += 1
            if rule not in codes:
                s["misses"].append((row["value"], sorted(codes)))
    for s in stats.values():
        s["precision"] = 1 - len(s["false_alarms"]) / s["ok"] if s["ok"] else 1.0
        s["recall"] = 1 - len(s["misses"]) / s["defect"] if s["defect"] else 1.0
    return stats


def table(stats: dict[str, dict]) -> str:
    return "\n".join(f"{rule:32s} ok {s['ok']:3d} precision {s['precision']:.3f}   "
                     f"defect {s['defect']:3d} recall {s['recall']:.3f}" for rule, s in sorted(stats.items()))
