"""Precision and recall of the clarity heuristics on the labelled corpus in ``tests/corpus/``.

Each corpus file holds values written the way provinces really write them (``form`` says whose
way), labelled ``ok`` (no rule of the file may fire on it) or ``defect`` (the row's ``rule`` must
fire).  ``context`` gives other elements of the same guide (``onsite_visits=1;item_type=01``) and,
for the repeated-text corpus, the element holding the value (``field=legal_basis``).  The values
run through the real checks (``check_clarity`` and ``check_rules`` on a chunk), so the figures are
the product's, vectorised path included.  Per rule: precision on ok values ≥ 0.98 (at most 2 %
false alarms) and recall on defect values ≥ 0.95.  Run with ``-s`` to see the table.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"

# file → (element the values belong to, every rule that may fire on that element)
FILES = {
    "clarity_location.csv": ("handling_location", ("handling-location-unclear", "location-online-only-with-visits")),
    "clarity_hours.csv": ("handling_hours", ("handling-hours-unclear", "handling-hours-implausible")),
    "clarity_basis.csv": ("legal_basis", ("legal-basis-unclear", "legal-basis-no-article", "legal-basis-leading-junk",
                                          "legal-basis-wrapped-in-quotes", "legal-basis-doc-number-brackets",
                                          "duplicated-text-block")),
    "clarity_limit.csv": ("legal_time_limit_note", ("time-limit-unclear", "time-limit-unit-vague")),
    "clarity_process.csv": ("handling_process", ("process-steps-unclear", "process-steps-order",
                                                 "process-steps-permit-incomplete", "duplicated-text-block")),
    "repeated_text.csv": ("acceptance_conditions", ("duplicated-text-block",)),
}
MIN_PRECISION, MIN_RECALL = 0.98, 0.95


def load(name: str) -> list[dict]:
    with open(CORPUS / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["ctx"] = dict(kv.split("=", 1) for kv in r["context"].split(";") if kv)
    return rows


@cache
def fired(name: str) -> tuple[tuple[dict, frozenset], ...]:
    """Each corpus row with the rule codes the checks report on its element."""
    import pandas as pd

    from validators.checks.clarity import check_clarity
    from validators.checks.consistency import check_rules
    from validators.core.rows import Rows

    default_field, _ = FILES[name]
    rows = load(name)
    records = []
    for r in rows:
        ctx = dict(r["ctx"])
        field = ctx.pop("field", default_field)
        r["field"] = field
        records.append({field: r["value"], **ctx})
    frame = pd.DataFrame.from_records(records).astype("str").where(pd.DataFrame.from_records(records).notna(), None)
    frame["_row"] = range(2, len(frame) + 2)
    found = defaultdict(set)
    chunk = Rows(frame)
    for check in (check_clarity, check_rules):
        for hit in check(chunk, None):
            if hit is None:
                continue
            for pos, code, field in zip(hit["_pos"], hit["code"], hit["field"]):
                if field == rows[pos]["field"] or code == "location-online-only-with-visits":
                    found[pos].add(code)
    return tuple((r, frozenset(found[i])) for i, r in enumerate(rows))


def figures(name: str) -> dict[str, dict]:
    _, rules = FILES[name]
    data = fired(name)
    ok = [(r, got) for r, got in data if r["label"] == "ok"]
    out = {}
    for rule in rules:
        defects = [(r, got) for r, got in data if r["label"] == "defect" and r["rule"] == rule]
        if not defects and not any(r["rule"] == rule for r, _ in data):
            continue
        false_alarms = [r for r, got in ok if rule in got]
        missed = [r for r, got in defects if rule not in got]
        out[rule] = {
            "ok": len(ok), "false_alarms": false_alarms,
            "precision": 1 - len(false_alarms) / len(ok) if ok else 1.0,
            "defects": len(defects), "missed": missed,
            "recall": 1 - len(missed) / len(defects) if defects else 1.0,
        }
    return out


def _show(rs):
    return "\n".join(f"    {r['value'][:90]!r} ({r['form']}) {r['context']}" for r in rs)


def test_corpus_size_and_shape():
    total = 0
    for name in FILES:
        rows = load(name)
        total += len(rows)
        assert {r["label"] for r in rows} <= {"ok", "defect"}, name
        assert all(r["value"].strip() and r["form"] for r in rows), name
        forms = {r["form"].split("·")[0] for r in rows}
        assert len(forms) >= 4, f"{name}: values in too few forms ({forms})"
    assert total >= 350


@pytest.mark.parametrize("name", list(FILES))
def test_precision_and_recall(name):
    figs = figures(name)
    print(f"\n{name}")
    for rule, f in figs.items():
        print(f"  {rule:36s} precision {f['precision']:.3f} ({len(f['false_alarms'])}/{f['ok']} false alarms)"
              f"  recall {f['recall']:.3f} ({f['defects'] - len(f['missed'])}/{f['defects']})")
    problems = []
    for rule, f in figs.items():
        if f["precision"] < MIN_PRECISION:
            problems.append(f"{rule}: precision {f['precision']:.3f}; false alarms:\n{_show(f['false_alarms'])}")
        if f["recall"] < MIN_RECALL:
            problems.append(f"{rule}: recall {f['recall']:.3f}; missed:\n{_show(f['missed'])}")
    assert not problems, "\n".join(problems)


def test_held_out_values():
    """The held-out batches ``held-out`` and ``held-out-3``: written after the heuristics were changed
    and measured before any further change.  (The second batch, ``held-out-2``, found 10 false
    alarms in 32 ok values before its fixes; README states all three.)"""
    ok = defects = false_alarms = missed = 0
    for name, (_, rules) in FILES.items():
        for r, got in fired(name):
            if not r["note"].startswith("held-out") or r["note"].startswith("held-out-2"):
                continue
            if r["label"] == "ok":
                ok += 1
                false_alarms += bool(got & set(rules))
            else:
                defects += 1
                missed += r["rule"] not in got
    print(f"\nheld-out: {ok} ok values, {false_alarms} false alarms; {defects} defects, {missed} missed")
    assert ok >= 30 and defects >= 20
    assert false_alarms / ok <= 1 - MIN_PRECISION and missed / defects <= 1 - MIN_RECALL
