"""Benchmark ``conform`` end to end: N local rows (from ~20,000 distinct noisy names) against a
10,000-item base catalog, both written as CSV to a temporary directory.

    .venv/bin/python benchmarks/conform_bench.py                 # 1,000,000 rows
    .venv/bin/python benchmarks/conform_bench.py --rows 100000

The conform run happens in a child process so its peak RSS (``RUSAGE_CHILDREN`` ``ru_maxrss``) is
its own; the child reports the wall time of the ``conform`` call and of the whole process.
Local rows are narrow (事项名称, 基本编码, 实施编码, 事项类型, 行使层级, 实施主体, 实施主体编码).
Targets on a 2-core machine: ≤ 30 s and ≤ 3 GB for 1,000,000 rows.
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

from childrun import child_result, remove_folder  # noqa: E402

from validators.checks.codes import org_check_char, uscc_check_char  # noqa: E402
from validators.core.names import ACTIONS, ACTIVITIES, OBJECTS  # noqa: E402

TYPES = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20")
DEPTS = ("04", "09", "11", "15", "16", "17", "18", "20", "21", "22", "23", "24", "25", "30", "31",
         "33", "39", "41", "64", "72", "73", "75")
TEMPLATES = {
    "01": "{obj}{act}许可证{action}", "02": "对{obj}{act}违法行为的处罚", "03": "查封、扣押违法{act}的{obj}",
    "04": "{obj}{act}费征收", "05": "{obj}{act}补贴给付", "06": "对{obj}{act}单位的监督检查",
    "07": "{obj}{act}登记{action}", "08": "对{obj}{act}工作中做出显著成绩的单位和个人的奖励",
    "09": "{obj}{act}纠纷裁决", "10": "{obj}{act}备案{action}", "20": "{obj}{act}信息查询服务",
}
NOISE = ("灵山县{}", "{}（县级）", "广西壮族自治区{}", "{}（市级/县级）", "钦州市{}", "{}【县级】", "{}。")


def make_base(rng: random.Random, n: int) -> list[tuple]:
    names: set[str] = set()
    out = []
    mmm: dict[tuple, int] = {}
    while len(out) < n:
        tt = rng.choice(TYPES)
        name = TEMPLATES[tt].format(obj=rng.choice(OBJECTS), act=rng.choice(ACTIVITIES),
                                    action=rng.choice(ACTIONS))
        if name in names:
            continue
        names.add(name)
        dd = rng.choice(DEPTS)
        mmm[(tt, dd)] = mmm.get((tt, dd), 0) + 1
        code = f"00{tt}{dd}{mmm[(tt, dd)]:03d}000"
        if mmm[(tt, dd)] > 999:
            continue
        out.append((code, name, tt, rng.choice(("2,3,4", "3,4", "4", "1,2,3,4")), "《条例》第十条", dd))
    return out


def slip(rng: random.Random, name: str) -> str:
    """A small typing slip: drop or double one character."""
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1:] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]


def make_local_names(rng: random.Random, base: list[tuple], distinct: int):
    """~``distinct`` names: per base item its exact name plus noisy variants, and local-only names."""
    per_item: dict[int, list[str]] = {}
    total = 0
    local_only = []
    while total < distinct:
        i = rng.randrange(len(base))
        name = base[i][1]
        r = rng.random()
        if r < 0.08:
            variant = "本地特色" + rng.choice(OBJECTS) + "服务" + str(rng.randrange(10**6))
            local_only.append(variant)
            total += 1
            continue
        variant = name if r < 0.3 else rng.choice(NOISE).format(name) if r < 0.8 else slip(rng, name)
        bucket = per_item.setdefault(i, [])
        if variant not in bucket:
            bucket.append(variant)
            total += 1
    return per_item, local_only


def uscc(k: int) -> str:
    org8 = f"{k:08d}"
    first17 = "11450721" + org8 + org_check_char(org8)
    return first17 + uscc_check_char(first17)


def write_inputs(folder: str, rows: int, distinct: int, base_n: int, seed: int = 7):
    rng = random.Random(seed)
    base = make_base(rng, base_n)
    base_path = os.path.join(folder, "base.csv")
    with open(base_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["基本编码", "事项名称", "事项类型", "行使层级", "设定依据", "中央业务指导部门"])
        w.writerows(base)
    per_item, local_only = make_local_names(rng, base, distinct)
    items = list(per_item)
    per_body = max(1, min(len(items), 2000))
    local_path = os.path.join(folder, "local.csv")
    with open(local_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["事项名称", "基本编码", "实施编码", "事项类型", "行使层级", "实施主体", "实施主体编码"])
        done = 0
        body = 0
        while done < rows:
            body += 1
            code_body = uscc(10_000_000 + body)
            name_body = f"灵山县第{body}号行政机关"
            for i in rng.sample(items, per_body):
                if done >= rows:
                    break
                code, _name, tt = base[i][:3]
                if rng.random() < 0.02 and local_only:
                    w.writerow([rng.choice(local_only), "", "", tt, "4", name_body, code_body])
                else:
                    name = rng.choice(per_item[i])
                    task = code_body + "4" + code
                    r = rng.random()
                    w.writerow([name, code if r < 0.45 else "", task if r < 0.7 else "", tt, "4",
                                name_body, code_body])
                done += 1
    return local_path, base_path


CHILD = """
import json, sys, time
t0 = time.perf_counter()
from validators.conformity.run import conform
t1 = time.perf_counter()
res = conform(sys.argv[1], sys.argv[2])
t2 = time.perf_counter()
d = res.report.summary()
extra = res.report.extra
out = {"conform_seconds": t2 - t1, "import_seconds": t1 - t0, "rows": d["rows"],
       "findings": d["findings"], "timing": extra["timing"], "matching": extra["matching"],
       "catalog_rate": extra["rates"]["catalog_conformity"]["rate"],
       "task_rate": extra["rates"]["task_conformity"]["rate"]}
if sys.argv[3]:
    t3 = time.perf_counter()
    res.write_matches(sys.argv[3])
    out["write_matches_seconds"] = time.perf_counter() - t3
for fmt in sys.argv[4:]:
    import cli
    t3, c3 = time.perf_counter(), time.process_time()
    cli._export(res.report, fmt, "zh", sys.argv[2] + ".report." + fmt, 20)
    out[fmt + "_write_seconds"] = time.perf_counter() - t3
    out[fmt + "_write_cpu"] = time.process_time() - c3
print(json.dumps(out, ensure_ascii=False))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--names", type=int, default=20_000)
    ap.add_argument("--base", type=int, default=10_000)
    ap.add_argument("--write-matches", action="store_true", help="also time write_matches (CSV)")
    ap.add_argument("--formats", nargs="*", default=[], metavar="FORMAT",
                    help="also time writing the report in these formats (table, json, …) to a file")
    ap.add_argument("--keep", help="write the inputs here instead of a temporary directory")
    args = ap.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="conform_bench_")
    os.makedirs(folder, exist_ok=True)
    t = time.perf_counter()
    local, base = write_inputs(folder, args.rows, args.names, args.base)
    print(f"inputs: {args.rows:,} rows, {args.base:,} base items in {folder} "
          f"({os.path.getsize(local) / 2**20:.0f} MiB, {time.perf_counter() - t:.1f} s to write)")
    cmd = [sys.executable, "-c", CHILD, local, base,
           os.path.join(folder, "matches.csv") if args.write_matches else "", *args.formats]
    res, run = child_result(cmd, cwd=ROOT)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    print(f"conform: {res['rows']:,} rows in {res['conform_seconds']:.1f} s = "
          f"{res['rows'] / res['conform_seconds']:,.0f} rows/s; process {run.seconds:.1f} s; "
          f"peak RSS {run.peak_mb / 1024:.2f} GiB")
    if not args.keep:
        remove_folder(folder)


if __name__ == "__main__":
    main()
