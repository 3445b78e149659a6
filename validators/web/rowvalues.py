"""The values of the rows that have findings, so the page can show a row with its offending cell.

After a job's run, the uploaded file (kept in the job's directory) is read once more with the
same readers; only rows named by a finding are kept, at most ``MAX_ROWS`` of them and each value
cut at ``MAX_CHARS`` characters, so the file stays small whatever the upload's size.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

MAX_ROWS = 20_000
MAX_CHARS = 1_000


def capture(job, out: Path) -> None:
    from validators.read import open_tables

    report = job.report
    df = report.frame()
    src = str(job.input_path)
    hit = df[df["row"].notna() & (df["source"] == src)]
    wanted: dict[str | None, set[int]] = {}
    for sheet, row in zip(hit["sheet"], hit["row"], strict=True):
        wanted.setdefault(None if not isinstance(sheet, str) else sheet, set()).add(int(row))
    name = job.files["file"].name
    tables_out, rows_out, kept, truncated = [], {}, 0, False
    remaining = sum(len(v) for v in wanted.values())
    if wanted:
        for table in open_tables(src, sheet=job.options.sheet, encoding=job.options.encoding):
            rows = wanted.get(table.sheet)
            tables_out.append({"sheet": table.sheet, "columns": dict(table.columns)})
            if not rows:
                continue
            fields = [f for f in table.columns]
            for chunk in table.chunks():
                sel = chunk[chunk["_row"].isin(rows)]
                for rec in sel.to_dict("records"):
                    if kept >= MAX_ROWS:
                        truncated = True
                        break
                    values = {}
                    for f in fields:
                        v = rec.get(f)
                        if v is None or (isinstance(v, float) and math.isnan(v)):
                            continue
                        values[f] = str(v)[:MAX_CHARS]
                    rows_out[f"{table.sheet or ''}\t{int(rec['_row'])}"] = values
                    kept += 1
                    remaining -= 1
                if truncated or remaining <= 0:     # every wanted row found: stop reading
                    break
    from validators.core.schema import label

    fields = {f for t in tables_out for f in t["columns"]} | {f for f in df["field"].dropna().unique()}
    labels = {f: {"zh": label(f, "zh"), "en": label(f, "en")} for f in sorted(fields)}
    doc = {"source": name, "tables": tables_out, "rows": rows_out, "labels": labels, "truncated": truncated}
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False)
