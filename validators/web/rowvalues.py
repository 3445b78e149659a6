"""The values of the rows that have findings, so the page can show a row with its offending cell.

After a job's run, the uploaded file (kept in the job's directory) is read once more with the
same readers, stopping once every row named by a finding is found; at most ``MAX_ROWS`` rows are
kept, each value cut at ``MAX_CHARS`` characters.  They go to ``rows.jsonl`` (one row a line; the
job keeps only each line's offset, so a click reads one line) and ``rows.json`` gets what the
page needs up front: the tables' columns, element labels and each row's 实施主体 (for the filter).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

MAX_ROWS = 20_000
MAX_CHARS = 1_000


def row_key(source: str, sheet: str | None, row: int) -> str:
    return f"{source}\t{sheet or ''}\t{int(row)}"


def capture(job, directory: Path, rows: bool = True) -> dict[str, tuple[int, int]]:
    """Write ``rows.json`` and ``rows.jsonl`` into ``directory``; return key → (offset, length).
    ``rows=False`` keeps no row at all (what the page then shows is the findings alone)."""
    from validators.core.schema import label
    from validators.read import InputError, open_tables

    df = job.report.frame()
    hit = df[df["row"].notna()] if rows else df.iloc[0:0]
    tables, bodies, index, kept, truncated, sources = [], {}, {}, 0, False, []
    with open(directory / "rows.jsonl", "wb") as out:
        for upload in list(job.files.values()):
            src = str(upload.path)
            mine = hit[hit["source"] == src]
            if mine.empty:
                continue
            wanted: dict[str | None, set[int]] = {}
            for sheet, row in zip(mine["sheet"], mine["row"], strict=True):
                wanted.setdefault(sheet if isinstance(sheet, str) else None, set()).add(int(row))
            sources.append(upload.name)
            try:
                found = open_tables(src, sheet=job.options.sheet if upload is job.files["file"] else None,
                                    encoding=job.options.encoding if upload is job.files["file"] else None)
            except InputError:        # a file another reader took (a channel export): no row view
                continue
            for table in found:
                tables.append({"source": upload.name, "sheet": table.sheet, "columns": dict(table.columns)})
                rows = wanted.get(table.sheet)
                left = len(rows or ())
                for chunk in (table.chunks() if rows else []):
                    sel = chunk[chunk["_row"].isin(rows)]
                    for rec in sel.to_dict("records"):
                        if kept >= MAX_ROWS:
                            truncated = True
                            break
                        values = {f: str(v)[:MAX_CHARS] for f in table.columns
                                  if (v := rec.get(f)) is not None and not (isinstance(v, float) and math.isnan(v))}
                        key = row_key(upload.name, table.sheet, rec["_row"])
                        line = json.dumps({"key": key, "values": values}, ensure_ascii=False).encode() + b"\n"
                        index[key] = (out.tell(), len(line))
                        out.write(line)
                        if values.get("implementing_body"):
                            bodies[key] = values["implementing_body"]
                        kept += 1
                        left -= 1
                    if truncated or left <= 0:    # every wanted row of this table found: stop reading
                        break
    fields = {f for t in tables for f in t["columns"]} | set(df["field"].dropna().unique())
    labels = {f: {"zh": label(f, "zh"), "en": label(f, "en")} for f in sorted(fields)}
    doc = {"sources": sources, "tables": tables, "labels": labels, "bodies": bodies,
           "kept": kept, "truncated": truncated}
    with open(directory / "rows.json", "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False)
    return index


def read_row(directory: Path, index: dict, source: str, sheet: str | None, row: int) -> dict | None:
    """One kept row's values, or None when it was not kept."""
    at = index.get(row_key(source, sheet, row))
    if at is None:
        return None
    with open(directory / "rows.jsonl", "rb") as fh:
        fh.seek(at[0])
        return json.loads(fh.read(at[1]))["values"]
