"""Benchmark the whole `sxcheck validate` run on a large generated guide CSV.

    python benchmarks/validate_bench.py                 # 1,000,000 rows (default)
    python benchmarks/validate_bench.py --rows 200000 --format json --keep

Generates N guides (~40 elements, realistic Chinese values, ~5 % rows with one defect) with
``guidegen.write_csv``, then runs the CLI in a child process exactly as a user would, and prints
rows/s and the child's peak RSS (ru_maxrss).  Targets on the 2-core reference machine (issue 15):
1,000,000 rows in ≤ 12 s with peak RSS ≤ 1 GB, within 1.5× what ``floor.py`` measures; ``--csv``
reuses a file, so runs can be made one after the other against the floor.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import guidegen  # noqa: E402


def sxcheck_command() -> list[str]:
    exe = Path(sys.executable).with_name("sxcheck")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("sxcheck")
    return [found] if found else [sys.executable, str(HERE.parent / "cli.py")]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--defect-rate", type=float, default=0.05)
    p.add_argument("--format", default="json", choices=["json", "table", "sarif", "junit"],
                   help="report format written to a temporary file (json: the full report)")
    p.add_argument("--engine", default="native", choices=["native", "gx"])
    p.add_argument("--csv", help="use this CSV instead of generating one")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    a = p.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="sxcheck-bench-"))
    csv_path = Path(a.csv) if a.csv else work / "guides.csv"
    if not a.csv:
        gen = guidegen.write_csv(csv_path, a.rows, a.defect_rate)
        print(f"generated {gen['rows']:,} rows ({gen['defect_rows']:,} with a defect), "
              f"{csv_path.stat().st_size / 1e6:,.0f} MB in {gen['seconds']} s")
    out = work / f"report.{a.format}"
    cmd = sxcheck_command() + ["validate", str(csv_path), "--format", a.format, "--output", str(out),
                               "--fail-on", "never", "--quiet", "--engine", a.engine]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode not in (0, 1):
        print(proc.stderr, file=sys.stderr)
        return proc.returncode
    rows = a.rows
    if a.format == "json":
        summary = json.loads(out.read_text(encoding="utf-8"))["summary"]
        rows = summary["rows"]
        print("report: " + ", ".join(f"{k}={summary[k]:,}" for k in
                                     ("rows", "rows_checked", "rows_with_errors", "errors", "warnings", "infos")))
    print(f"validate: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s; "
          f"peak RSS {peak_mb:,.0f} MB; report {out.stat().st_size / 1e6:,.1f} MB ({a.format})")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
