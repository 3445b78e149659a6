"""Benchmark ``sxcheck certificates`` end to end on N generated guides (CSV in a temporary directory).

    .venv/bin/python benchmarks/certificates_bench.py                 # 1,000,000 guides
    .venv/bin/python benchmarks/certificates_bench.py --rows 200000

Guides carry 事项名称, 实施编码 and a 申请材料 cell of 3–7 numbered or ；-separated materials drawn
from ~120 document names in several local wordings (原件及复印件, 复印件1份, 《》 …); about 2 % of the
guides belong to a registry item and 1 % of those still demand the cancelled document.  The check
runs in a child process so its peak RSS (``RUSAGE_CHILDREN`` ``ru_maxrss``) is its own.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from validators.core.names import ACTIONS, ACTIVITIES, OBJECTS  # noqa: E402

DOCS = [f"{o}{a}{d}" for o in OBJECTS[:20] for a in ACTIVITIES[:2] for d in ("申请表", "许可证", "证明")]
DOCS += ["居民身份证", "营业执照", "户口簿", "授权委托书", "法定代表人身份证明", "收入证明", "诊断证明书"]
FORMS = ("{}", "《{}》", "{}原件及复印件", "{}复印件1份", "{}（原件）", "《{}》原件和复印件")
REGISTRY_ITEMS = [("工伤职工劳动能力复查鉴定", "工伤认定决定书"), ("工伤登记", "停工留薪期确认通知"),
                  ("业余无线电台设置、使用许可", "业余无线电台操作证书"), ("建筑工程施工许可证核发", "资金到位证明")]
PREFIX = ("", "南宁市", "钦州市", "灵山县")


def make(path: str, n: int, seed: int = 20241202) -> None:
    rng = random.Random(seed)
    names = [f"{rng.choice(OBJECTS)}{rng.choice(ACTIVITIES)}许可{rng.choice(ACTIONS)}" for _ in range(20000)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["事项名称", "实施编码", "申请材料"])
        for i in range(n):
            mats = [rng.choice(FORMS).format(rng.choice(DOCS)) for _ in range(rng.randint(3, 7))]
            if rng.random() < 0.02:
                item, doc = rng.choice(REGISTRY_ITEMS)
                name = rng.choice(PREFIX) + item
                if rng.random() < 0.5:
                    mats.insert(1, rng.choice(FORMS).format(doc))
            else:
                name = rng.choice(names)
            sep = rng.choice(("；", "\n"))
            cell = sep.join(f"{k + 1}.{m}" if sep == "\n" else m for k, m in enumerate(mats))
            w.writerow([name, f"11450100MB1558081X3{i:012d}", cell])


def child(path: str) -> None:
    from validators.certification import check_certificates

    t0 = time.perf_counter()
    report = check_certificates([path])
    took = time.perf_counter() - t0
    print(json.dumps({"seconds": round(took, 2), "summary": report.summary(),
                      "certificates": report.extra["certificates"]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "guides.csv")
        t0 = time.perf_counter()
        make(path, args.rows)
        print(f"generated {args.rows:,} guides ({os.path.getsize(path) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child", path], capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": ROOT})
        wall = time.perf_counter() - t0
        if out.returncode:
            sys.exit(out.stderr)
        res = json.loads(out.stdout)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        c = res["certificates"]
        print(f"certificates: {res['seconds']} s ({args.rows / res['seconds']:,.0f} rows/s), process {wall:.1f} s, "
              f"peak RSS {rss:.0f} MB; materials {c['materials']:,}, cancelled {c['cancelled_still_required']:,}, "
              f"review {c['cancelled_review']:,}")


if __name__ == "__main__":
    main()
