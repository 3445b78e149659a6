"""Benchmark ``sxcheck revoked`` end to end: N local rows against the built-in decision registry.

    .venv/bin/python benchmarks/revoked_bench.py                 # 1,000,000 rows
    .venv/bin/python benchmarks/revoked_bench.py --rows 100000

Local rows (事项名称, 事项类型, 事项状态, 行使层级, 实施主体, 行政区划代码, 更新时间) repeat ~20,000
distinct names: live permits of other kinds, and about 5% registry names under local spellings
(region prefixes, level suffixes, a dropped gloss, half-width brackets, a typing slip), some
typed 其他行政权力 or marked 已取消.  The check runs in a child process so its peak RSS
(``RUSAGE_CHILDREN`` ``ru_maxrss``) is its own.  Target on a 2-core machine: ≤ 20 s, ≤ 2 GB.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from childrun import child_result  # noqa: E402

from validators.core.names import ACTIONS, ACTIVITIES, OBJECTS  # noqa: E402

PREFIX = ("", "", "灵山县", "广西壮族自治区", "钦州市", "黑龙江省")
SUFFIX = ("", "", "（县级）", "（省级）", "（市级/县级）")
AREAS = ("450721", "450000", "450700", "230000", "450100")
STATES = ("在用",) * 8 + ("", "已取消")
TYPES = ("行政许可",) * 6 + ("其他行政权力", "行政确认", "")


def registry_names() -> list[str]:
    from validators.revocation.registry import load_registry

    out = []
    for it in load_registry().items:
        out.append(it.name)
        out.extend(a.name for a in it.aliases)
    return out


def make_names(rng: random.Random, distinct: int) -> list[str]:
    reg = registry_names()
    names: set[str] = set()
    out = []
    while len(out) < distinct:
        if rng.random() < 0.05:
            base = rng.choice(reg)
            r = rng.random()
            if r < 0.3:
                base = base.replace("（", "(").replace("）", ")")
            elif r < 0.4 and len(base) > 6:
                i = rng.randrange(1, len(base) - 1)
                base = base[:i] + base[i + 1:]
            name = rng.choice(PREFIX) + base + rng.choice(SUFFIX)
        else:
            name = (rng.choice(PREFIX) + rng.choice(OBJECTS) + rng.choice(ACTIVITIES) + "许可证"
                    + rng.choice(ACTIONS) + rng.choice(SUFFIX))
        if name not in names:
            names.add(name)
            out.append(name)
    return out


def write_local(folder: str, rows: int, distinct: int, seed: int = 11) -> str:
    rng = random.Random(seed)
    names = make_names(rng, distinct)
    path = os.path.join(folder, "local.csv")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["事项名称", "事项类型", "事项状态", "行使层级", "实施主体", "行政区划代码", "更新时间"])
        for i in range(rows):
            w.writerow([rng.choice(names), rng.choice(TYPES), rng.choice(STATES), rng.choice(("2", "3,4", "4", "1,2")),
                        f"第{i % 3000}号行政机关", rng.choice(AREAS),
                        f"20{rng.randrange(12, 24)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"])
    return path


CHILD = """
import json, sys, time
t0 = time.perf_counter()
from validators import revoked
t1 = time.perf_counter()
rep = revoked(sys.argv[1])
t2 = time.perf_counter()
d = rep.summary()
out = {"revoked_seconds": t2 - t1, "import_seconds": t1 - t0, "rows": d["rows"],
       "findings": d["findings"], "errors": d["errors"], "warnings": d["warnings"],
       "matching": rep.extra["revoked"]["matching"]}
print(json.dumps(out, ensure_ascii=False))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--names", type=int, default=20_000)
    ap.add_argument("--keep", help="write the input here instead of a temporary directory")
    args = ap.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="revoked_bench_")
    os.makedirs(folder, exist_ok=True)
    t = time.perf_counter()
    local = write_local(folder, args.rows, args.names)
    print(f"input: {args.rows:,} rows, {args.names:,} distinct names in {folder} "
          f"({os.path.getsize(local) / 2**20:.0f} MiB, {time.perf_counter() - t:.1f} s to write)")
    res, run = child_result([sys.executable, "-c", CHILD, local], cwd=ROOT)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    print(f"revoked: {res['rows']:,} rows in {res['revoked_seconds']:.1f} s = "
          f"{res['rows'] / res['revoked_seconds']:,.0f} rows/s; process {run.seconds:.1f} s; "
          f"peak RSS {run.peak_mb / 1024:.2f} GiB")
    if not args.keep:
        os.remove(local)
        os.rmdir(folder)


if __name__ == "__main__":
    main()
