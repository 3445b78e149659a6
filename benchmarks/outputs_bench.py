"""Benchmark the report writers on a big report: time and peak RSS per format, against the checks.

    python benchmarks/outputs_bench.py                    # 300,000 rows, a finding on every row
    python benchmarks/outputs_bench.py --rows 50000 --formats sarif junit

Generates N guide rows with one planted defect on every row (``guidegen.write_csv`` with
defect_rate 1.0).  Each format runs in its own child process, so peak RSS is that format's: the
child runs the checks (``validators.validate``), notes the time and peak RSS, writes the report to
a file, and notes them again.  Target (issue 12): writing costs at most ~1.5× the checks' time and
raises the peak RSS by little (the writers stream; nothing holds the whole report as text).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FORMATS = ("json", "sarif", "junit", "markdown", "codequality")


def _mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str, fmt: str, out: str) -> None:
    sys.path.insert(0, str(ROOT))
    import cli
    from validators import validate

    t0 = time.perf_counter()
    report = validate([path])
    report.frame()
    t1 = time.perf_counter()
    rss_checks = _mb()
    cli._export(report, fmt, "zh", out, 20)
    t2 = time.perf_counter()
    print(json.dumps({"format": fmt, "findings": len(report.frame()), "checks_s": round(t1 - t0, 2),
                      "write_s": round(t2 - t1, 2), "rss_checks_mb": round(rss_checks),
                      "rss_peak_mb": round(_mb()), "bytes": os.path.getsize(out)}))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=300_000)
    p.add_argument("--formats", nargs="*", default=list(FORMATS))
    p.add_argument("--child", nargs=3, metavar=("PATH", "FORMAT", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    sys.path.insert(0, str(HERE))
    import guidegen

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "guides.csv"
        t = time.perf_counter()
        guidegen.write_csv(src, args.rows, defect_rate=1.0)
        print(f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        print(f"{'format':<12}{'findings':>10}{'checks s':>10}{'write s':>9}{'ratio':>7}"
              f"{'RSS checks':>12}{'RSS peak':>10}{'size MB':>9}")
        worst = 0.0
        for fmt in args.formats:
            out = Path(d) / f"report.{fmt}"
            r = subprocess.run([sys.executable, __file__, "--child", str(src), fmt, str(out)],
                               capture_output=True, text=True, check=True)
            m = json.loads(r.stdout.strip().splitlines()[-1])
            ratio = m["write_s"] / m["checks_s"]
            worst = max(worst, ratio)
            print(f"{fmt:<12}{m['findings']:>10,}{m['checks_s']:>10.2f}{m['write_s']:>9.2f}{ratio:>7.2f}"
                  f"{m['rss_checks_mb']:>10} MB{m['rss_peak_mb']:>7} MB{m['bytes'] / 1e6:>9.1f}")
            out.unlink()
        print(f"worst write/checks ratio: {worst:.2f} (target ≤ 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
