"""Benchmark `sxcheck validate` on the same guides as CSV, JSON array, JSONL and XLSX.

    python benchmarks/formats_bench.py                  # 100,000 rows (default)
    python benchmarks/formats_bench.py --rows 20000 --formats csv,jsonl --keep
    python benchmarks/formats_bench.py --formats csv,xlsx,xlsx-openpyxl --blank-every 200

Generates N guides with ``guidegen.write_csv``, writes the same rows (same Chinese header labels,
every value as text) as a JSON array, JSONL and XLSX (XlsxWriter constant_memory; on request
also as openpyxl's write-only mode writes it, every Chinese character a ``&#NNNNN;`` reference, as
export scripts in Python do) in a child process, then runs the CLI once per file in a fresh child process and prints wall seconds, the
ratio to the CSV time and that child's own peak RSS (``os.wait4``; the benchmark itself stays
small, since a forked child's peak counts the parent's pages it started with).  ``--dir`` keeps
the files there and reuses them on the next run (A/B of two trees: ``PYTHONPATH=<tree>``).
``--blank-every N`` puts a blank row after every N guides in each file (a line of commas, a record
of empty values, an empty sheet row), as exports with separator rows have.
Target (issue 15): JSON, JSONL and XLSX each within 2× the CSV time and ≤ 1 GB at 100,000 rows.
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import guidegen  # noqa: E402
from childrun import measured  # noqa: E402
from validate_bench import sxcheck_command  # noqa: E402

FORMATS = ("csv", "json", "jsonl", "xlsx")
EXTRA = ("xlsx-openpyxl",)     # asked for by name only (openpyxl writes 100,000 rows in ~80 s)
FILES = {"csv": "guides.csv", "json": "guides.json", "jsonl": "guides.jsonl", "xlsx": "guides.xlsx",
         "xlsx-openpyxl": "guides-openpyxl.xlsx"}


def add_blank_rows(csv_path: Path, every: int) -> None:
    """A line of commas after every ``every`` rows of the CSV (rewritten in place)."""
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    blank = "," * lines[0].count(",") + "\n"
    out = [lines[0]]
    for i, line in enumerate(lines[1:], 1):
        out.append(line)
        if i % every == 0:
            out.append(blank)
    csv_path.write_text("".join(out), encoding="utf-8")


def convert(csv_path: Path, work: Path, formats) -> dict[str, Path]:
    """The CSV's rows as JSON array / JSONL / XLSX files next to it (only those asked for)."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    out = {"csv": csv_path}
    if "json" in formats or "jsonl" in formats:
        records = [dict(zip(header, r, strict=True)) for r in rows]
        if "json" in formats:
            out["json"] = work / FILES["json"]
            out["json"].write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        if "jsonl" in formats:
            out["jsonl"] = work / FILES["jsonl"]
            with open(out["jsonl"], "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        del records
    if "xlsx" in formats:
        import xlsxwriter

        out["xlsx"] = work / FILES["xlsx"]
        wb = xlsxwriter.Workbook(str(out["xlsx"]), {"constant_memory": True, "strings_to_numbers": False,
                                                    "strings_to_formulas": False, "strings_to_urls": False})
        ws = wb.add_worksheet("Sheet1")
        for r, values in enumerate([header, *rows]):
            for c, v in enumerate(values):
                if v != "":
                    ws.write_string(r, c, v)
        wb.close()
    if "xlsx-openpyxl" in formats:
        import openpyxl

        out["xlsx-openpyxl"] = work / FILES["xlsx-openpyxl"]
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("Sheet1")
        for values in [header, *rows]:
            ws.append([v if v != "" else None for v in values])
        wb.save(out["xlsx-openpyxl"])
    return out


def run(path: Path, out: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MB of this child alone, exit code) of one validate run."""
    r = measured(sxcheck_command() + ["validate", str(path), "--format", "json", "-o", str(out),
                                      "--fail-on", "never", "--quiet"], capture=False)
    if r.returncode not in (0, 1):
        sys.stderr.write(r.stderr)
    return r.seconds, r.cpu, r.peak_mb, r.returncode


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--defect-rate", type=float, default=0.05)
    p.add_argument("--formats", default=",".join(FORMATS),
                   help="comma-separated subset of " + ",".join(FORMATS + EXTRA))
    p.add_argument("--blank-every", type=int, default=0, metavar="N",
                   help="a blank row after every N guides in each file (0: none)")
    p.add_argument("--repeat", type=int, default=1, help="runs per format (the fastest is shown, the largest peak)")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument("--dir", help="generate the files here, or reuse those already here")
    p.add_argument("--generate-only", metavar="CSV", help=argparse.SUPPRESS)
    p.add_argument("--convert", nargs=2, metavar=("CSV", "FORMATS"), help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.generate_only:
        guidegen.write_csv(a.generate_only, a.rows, a.defect_rate)
        if a.blank_every:
            add_blank_rows(Path(a.generate_only), a.blank_every)
        return 0
    if a.convert:   # the child that converts (its memory never counts in the runs measured)
        convert(Path(a.convert[0]), Path(a.convert[0]).parent, a.convert[1].split(","))
        return 0
    formats = [f for f in a.formats.split(",") if f]
    if "csv" not in formats:
        formats.insert(0, "csv")  # the ratio needs it

    work = Path(a.dir) if a.dir else Path(tempfile.mkdtemp(prefix="sxcheck-formats-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = work / FILES["csv"]
        unknown = [f for f in formats if f not in FILES]
        if unknown:
            p.error(f"unknown format {unknown[0]!r}: one of {', '.join(FORMATS + EXTRA)}")
        files = {f: work / FILES[f] for f in formats}
        if not all(p.exists() for p in files.values()):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--rows", str(a.rows), "--defect-rate", str(a.defect_rate),
                            "--blank-every", str(a.blank_every), "--generate-only", str(csv_path)], check=True)
            subprocess.run([sys.executable, __file__, "--convert", str(csv_path), ",".join(formats)], check=True)
            print(f"generated and converted in {time.perf_counter() - t0:.1f} s")
        print(", ".join(f"{k} {v.stat().st_size / 1e6:,.0f} MB" for k, v in files.items()))
        results = {}
        for _ in range(a.repeat):
            for fmt in formats:
                got = run(files[fmt], work / f"report_{fmt}.json")
                if got[3] not in (0, 1):
                    print(f"{fmt}: exit {got[3]}", file=sys.stderr)
                    return got[3]
                best = results.get(fmt)
                results[fmt] = got if best is None else (min(best[0], got[0]), min(best[1], got[1]),
                                                         max(best[2], got[2]), got[3])
        wall, cpu = results["csv"][0], results["csv"][1]
        print(f"{'format':<14}{'wall s':>8}{'× csv':>7}{'CPU s':>8}{'× csv':>7}{'peak RSS MB':>13}")
        for fmt in formats:
            seconds, used, peak, _rc = results[fmt]
            print(f"{fmt:<14}{seconds:>8.1f}{seconds / wall:>7.2f}{used:>8.1f}{used / cpu:>7.2f}{peak:>13,.0f}")
    finally:
        for fmt in formats:
            (work / f"report_{fmt}.json").unlink(missing_ok=True)
        if a.keep or a.dir:
            print(f"kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
