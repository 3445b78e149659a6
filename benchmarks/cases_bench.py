"""Benchmark ``sxcheck cases`` end to end: N case records against an M-item 实施清单, both CSV.

    .venv/bin/python benchmarks/cases_bench.py                       # 5,000,000 cases, 100,000 items
    .venv/bin/python benchmarks/cases_bench.py --cases 500000 --items 20000

Inputs are written (vectorised, pyarrow) to a temporary directory: a catalog with 10% of the
实施编码 in two versions, limits in 工作日 / 自然日 / 即办, some charged items; cases over
2024-01 … 2026-06 with the standard's date forms, personal columns, and planted defects (about
2% malformed codes, 1% unknown codes, 1% other accepting bodies, 3% open, 0.5% fees differing from
the catalog, 0.1% repeated 办件编号, a share finished late).
The check runs in a child process so that its peak RSS (``RUSAGE_CHILDREN`` ``ru_maxrss``) is its
own; the child reports the wall time of the ``check_cases`` call.
Targets on a 2-core machine: ≤ 60 s and ≤ 2 GB for 5,000,000 cases against 100,000 items.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from childrun import child_result, remove_folder  # noqa: E402

from validators.checks.codes import org_check_char, uscc_check_char

AS_OF = "2026-06-30"
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈")
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超"]


def uscc(k: int) -> str:
    org8 = f"{k:08d}"
    first17 = "11450721" + org8 + org_check_char(org8)
    return first17 + uscc_check_char(first17)


def write_catalog(path: str, items: int, bodies: int, rng: np.random.Generator):
    body_codes = [uscc(20_000_000 + b) for b in range(bodies)]
    body_of = rng.integers(0, bodies, items)
    limit = rng.choice([0, 1, 3, 5, 7, 10, 15, 20, 30], items)
    unit = rng.choice(["1", "1", "1", "2"], items)
    fee = np.where(rng.random(items) < 0.1, "1", "0")
    two = rng.random(items) < 0.1
    tasks = []
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["事项名称", "基本编码", "实施编码", "事项版本", "实施主体", "实施主体编码", "承诺办结时限",
                    "承诺办结时限单位", "办件类型", "是否收费", "计划生效日期", "计划取消日期"])
        for i in range(items):
            code = f"00{i:010d}"
            body = body_codes[body_of[i]]
            task = body + "4" + code
            tasks.append(task)
            lim = "即办" if limit[i] == 0 else str(limit[i])
            kind = "即办件" if limit[i] == 0 else "承诺件"
            common = [f"第{i}号事项", code, task]
            tail = [f"第{body_of[i]}号机关", body, lim, unit[i], kind, fee[i]]
            if two[i]:
                w.writerow(common + ["1"] + tail + ["2023-01-01", "2025-01-01"])
                w.writerow(common + ["2"] + tail + ["2025-01-01", ""])
            else:
                w.writerow(common + ["1"] + tail + ["", ""])
    return np.array(tasks, dtype=object), np.array(body_codes, dtype=object), body_of, limit, fee


def write_cases(path: str, n: int, tasks, body_codes, body_of, limits, fees, rng: np.random.Generator) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    chunk = 500_000
    first = True
    start = np.datetime64("2024-01-02T09:00:00", "s").astype(np.int64)
    span = int((np.datetime64("2026-06-20", "s") - np.datetime64("2024-01-02", "s")).astype(np.int64))
    with open(path, "wb") as fh:
        for lo in range(0, n, chunk):
            m = min(chunk, n - lo)
            item = rng.integers(0, len(tasks), m)
            task = pa.array(tasks[item], type=pa.string())
            r = rng.random(m)
            task = pc.if_else(pa.array(r < 0.02), pc.utf8_slice_codeunits(task, 0, 30), task)
            unknown = (r >= 0.02) & (r < 0.03)
            task = pc.if_else(pa.array(unknown), pc.binary_join_element_wise(
                pc.utf8_slice_codeunits(task, 0, 19), "99", pc.utf8_slice_codeunits(task, 21, 31), ""), task)
            unit = body_codes[np.where((r >= 0.03) & (r < 0.04), (body_of[item] + 1) % len(body_codes),
                                       body_of[item])]
            acc = start + (rng.random(m) * span).astype(np.int64)
            acc -= acc % 86_400 - 9 * 3600 - (rng.integers(0, 8 * 3600, m))   # 09:00–17:00
            applied = acc - rng.integers(60, 3600, m)
            lim = limits[item]
            # most cases finish within about half their limit (some late); instant ones within hours
            fin = acc + np.where(lim == 0, rng.integers(300, 3 * 3600, m),
                                 (rng.exponential(0.35, m) * lim * 86_400).astype(np.int64) + 600)
            fee = np.where(rng.random(m) < 0.005, np.where(fees[item] == "1", "0", "1"), fees[item])
            open_ = rng.random(m) < 0.03

            def ts(sec, fmt):
                return pc.strftime(pa.array(sec.astype("datetime64[s]")), format=fmt)

            fin_text = pc.if_else(pa.array(open_), pa.scalar("", pa.string()), ts(fin, "%Y%m%d%H:%M:%S"))
            number = np.arange(lo, lo + m)
            number = np.where(rng.random(m) < 0.001, np.maximum(number - 1000, 0), number)   # 0.1% exported twice
            ids = pc.binary_join_element_wise("LS", pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 10, "0"), "")
            names = np.char.add(np.array(SURNAMES)[rng.integers(0, len(SURNAMES), m)],
                                np.array(GIVEN)[rng.integers(0, len(GIVEN), m)])
            id_numbers = np.char.add("450721", rng.integers(10**11, 10**12, m).astype(str))
            phones = np.char.add("13", rng.integers(10**8, 10**9, m).astype(str))
            table = pa.table({
                "办件编号": ids, "实施编码": task, "事项版本": pa.array(np.full(m, ""), pa.string()),
                "申请者名称": pa.array(names), "申请者证件号码": pa.array(id_numbers), "联系人手机号码": pa.array(phones),
                "受理单位统一社会信用代码": pa.array(unit, type=pa.string()),
                "申请时间": ts(applied, "%Y%m%dT%H%M%S"), "受理时间": ts(acc, "%Y-%m-%d %H:%M:%S"),
                "办结时间": fin_text,
                "是否收费": pa.array(fee),
            })
            pcsv.write_csv(table, fh, write_options=pcsv.WriteOptions(include_header=first))
            first = False


CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from validators.caserecords.run import check_cases
t1 = time.perf_counter()
rep = check_cases(sys.argv[1], sys.argv[2], as_of=sys.argv[3])
t2 = time.perf_counter()
s = rep.summary()
by_code = rep.frame()["code"].value_counts().to_dict()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": t2 - t1, "cpu_seconds": ru.ru_utime + ru.ru_stime, "import_seconds": t1 - t0, "rows": s["rows"], "findings": s["findings"],
                  "by_code": by_code, "link_rate": rep.extra["rates"]["link_rate"],
                  "time_limits": rep.extra["time_limits"]}, ensure_ascii=False))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=5_000_000)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--bodies", type=int, default=2_000)
    ap.add_argument("--keep", help="write the inputs here instead of a temporary directory")
    ap.add_argument("--reuse", action="store_true", help="with --keep: use the inputs already there")
    args = ap.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="cases_bench_")
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(17)
    t = time.perf_counter()
    catalog = os.path.join(folder, "catalog.csv")
    cases = os.path.join(folder, "cases.csv")
    if not (args.reuse and os.path.exists(cases)):
        tasks, bodies, body_of, limits, fees = write_catalog(catalog, args.items, args.bodies, rng)
        write_cases(cases, args.cases, tasks, bodies, body_of, limits, fees, rng)
    print(f"inputs: {args.cases:,} cases ({os.path.getsize(cases) / 2**20:.0f} MiB), {args.items:,} items "
          f"in {folder} ({time.perf_counter() - t:.1f} s to write)")
    res, run = child_result([sys.executable, "-c", CHILD, cases, catalog, AS_OF], cwd=ROOT)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    print(f"cases: {res['rows']:,} cases in {res['seconds']:.1f} s = {res['rows'] / res['seconds']:,.0f} cases/s; "
          f"process {run.seconds:.1f} s, CPU {res['cpu_seconds']:.1f} s (user+system: what the run costs on an idle "
          f"machine); peak RSS {run.peak_mb / 1024:.2f} GiB; load average {os.getloadavg()[0]:.1f}")
    if not args.keep:
        remove_folder(folder)


if __name__ == "__main__":
    main()
