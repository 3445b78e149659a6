"""Benchmark the annotated workbook against the JSON report on the same findings.

    python benchmarks/xlsx_bench.py                    # ~300,000 findings
    python benchmarks/xlsx_bench.py --rows 100000 --defect-rate 0.5

Generates guides with a high defect rate, validates them once (with the MarkedRows observer the
workbook needs), then times ``write_json`` and ``write_xlsx`` on that one Report.  The XLSX writer
streams (XlsxWriter constant_memory), so both should grow linearly and take about as long.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import guidegen  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=600_000)
    p.add_argument("--defect-rate", type=float, default=0.45)
    a = p.parse_args(argv)
    from validators import validate
    from validators.exporters.json_report import write_json
    from validators.exporters.xlsx import write_xlsx
    from validators.report.marked import MarkedRows

    with tempfile.TemporaryDirectory(prefix="sxcheck-xlsx-bench-") as work:
        src = Path(work) / "guides.csv"
        gen = guidegen.write_csv(src, a.rows, a.defect_rate)
        print(f"generated {gen['rows']:,} guides ({gen['defect_rows']:,} with a defect) in {gen['seconds']} s")
        t0 = time.perf_counter()
        report = validate(str(src), observers=[MarkedRows()])
        n = len(report.frame())
        print(f"validate: {time.perf_counter() - t0:.1f} s, {n:,} findings")
        t0 = time.perf_counter()
        with open(Path(work) / "r.json", "w", encoding="utf-8") as fh:
            write_json(report, fh)
        tj = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_xlsx(report, str(Path(work) / "r.xlsx"))
        tx = time.perf_counter() - t0
        size = os.path.getsize(Path(work) / "r.xlsx") / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"json: {tj:.1f} s   xlsx: {tx:.1f} s ({size:.0f} MB)   xlsx/json = {tx / tj:.2f}   peak RSS {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
