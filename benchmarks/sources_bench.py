"""Benchmark ``sources``: a reference and a channel of N items each (default 1,000,000), 1% differing.

    .venv/bin/python benchmarks/sources_bench.py                  # 1,000,000 items per source
    .venv/bin/python benchmarks/sources_bench.py --items 100000 --keep /tmp/srcbench
    .venv/bin/python benchmarks/sources_bench.py --keep /tmp/srcbench --reuse     # skip generating

Both sources are CSV files written to a temporary directory (JSON is read whole by design, so a
million-item channel is CSV here).  The channel lists the same items in another order, with
harmless formatting differences on a third of them (``20个工作日`` for ``20`` + ``工作日``,
``（0777）`` for ``0777-``, full-width digits, respelled hours, reordered materials) and a real
difference on 1% of them (time limit, location, hours, phone, fee or materials), plus 0.1%
missing and 0.1% extra items.  Values repeat as in real exports: a few thousand distinct
locations, phones, hours and material lists; names and codes are distinct per item.

``compare_sources`` runs in a child process, so its peak RSS (``RUSAGE_CHILDREN`` ``ru_maxrss``)
is its own; the child reports the call's wall time and checks the counts against what was
planted.  Targets on a 2-core machine: ≤ 30 s and ≤ 4 GB for 1,000,000 items per source.
"""
from __future__ import annotations

import argparse
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

HEADER = ["事项名称", "基本编码", "实施编码", "实施主体", "事项类型", "法定办结时限", "法定办结时限单位",
          "承诺办结时限", "承诺办结时限单位", "是否收费", "收费标准", "办理地点", "办理时间", "咨询方式",
          "监督投诉方式", "申请材料", "事项版本"]
HOURS = [("工作日：上午9:00-12:00，下午14:00-17:00，法定节假日除外。", "周一至周五 上午9:00—12:00 下午2:00—5:00"),
         ("周一至周五：上午8:30-12:00，下午14:30-17:30（法定节假日除外）", "工作日 8:30-12:00，14:30-17:30"),
         ("工作日：上午9:00-12:00、下午14:00-17:00", "星期一至星期五 9：00-12：00 14：00-17：00")]
MATERIALS = ["申请书", "申请表", "营业执照复印件", "法定代表人身份证明", "授权委托书", "经营场所使用权证明",
             "主要设施设备清单", "专业技术人员资格证明", "管理制度文本", "场所平面布局图", "户口簿", "居民身份证",
             "近期一寸免冠照片", "相关证明材料", "权属来源证明材料", "家庭收入情况说明"]
OBJECTS = ["食品", "药品", "医疗器械", "特种设备", "危险化学品", "燃气", "排水", "建筑", "道路", "船舶", "林木",
           "种子", "兽药", "农药", "广告", "出版物", "旅馆", "社会团体", "民办非企业", "殡葬"]
ACTIONS = ["经营许可", "生产许可", "使用登记", "备案", "核准", "注册登记", "资质认定", "审批", "年检", "变更登记"]
FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _pools(rng: random.Random):
    counties = [f"{c}县" for c in ("灵山", "浦北", "合浦", "博白", "陆川", "容县", "兴业", "平南", "桂平", "藤县")]
    depts = ["行政审批局", "市场监督管理局", "卫生健康局", "自然资源局", "公安局", "民政局", "交通运输局",
             "住房和城乡建设局", "农业农村局", "林业局"]
    bodies = [c + d for c in counties for d in depts]                             # 100 bodies
    locations = {b: [f"{b[:3]}城区人民路{rng.randint(1, 99)}号政务服务中心{f}楼{b[3:]}窗口{w}"
                     for f, w in ((rng.choice("一二三"), rng.randint(1, 30)) for _ in range(20))]
                 for b in bodies}                                                   # 2,000 locations
    phones = {b: f"0{rng.randint(770, 779)}-{rng.randint(6000000, 6999999)}" for b in bodies}
    mats = ["；".join(rng.sample(MATERIALS, rng.randint(2, 6))) for _ in range(3000)]
    return bodies, locations, phones, mats


def _item(rng, i, bodies, locations, phones, mats):
    body = bodies[i % len(bodies)]
    tt = rng.choice(("01", "01", "07", "20", "10"))
    legal = rng.choice((20, 15, 30, 10))
    return {
        "name": f"{rng.choice(OBJECTS)}{rng.choice(ACTIONS)}（第{i}项）",
        "catalog": f"00{tt}{i % 97:02d}{i % 1000:03d}{i // 1000 % 1000:03d}",
        "task": f"11450{i % 10}{(i // 10) % 100000:05d}MB{i:010d}4",
        "body": body, "type": tt, "legal": legal, "promised": rng.choice((0, 1, 3, 5)), "unit": "工作日",
        "fee": rng.random() < 0.05, "hours": rng.randrange(len(HOURS)),
        "location": rng.choice(locations[body]), "phone": phones[body], "complaint": "12345",
        "materials": rng.choice(mats), "version": rng.randint(3, 14),
    }


def _ref_line(it) -> list:
    return [it["name"], it["catalog"], it["task"], it["body"], it["type"], it["legal"], it["unit"], it["promised"],
            it["unit"], "是" if it["fee"] else "否", "每件10元" if it["fee"] else "不收费", it["location"],
            HOURS[it["hours"]][0], it["phone"], it["complaint"], it["materials"], it["version"]]


def _chan_line(rng, it, kind: str | None) -> list:
    row = _ref_line(it)
    if rng.random() < 0.33:                                   # harmless respelling
        row[5], row[6] = f"{it['legal']}个工作日", ""
        row[12] = HOURS[it["hours"]][1]
        row[13] = it["phone"].replace(it["phone"][:4] + "-", f"（{it['phone'][:4]}）").translate(FULL)
        row[15] = "\n".join(f"{k + 1}.{m}" for k, m in enumerate(reversed(it["materials"].split("；"))))
    if kind == "legal":
        row[5], row[6] = it["legal"] + 5, "工作日"
    elif kind == "location":
        row[11] = it["location"] + "（东侧）"
    elif kind == "hours":
        row[12] = "工作日 9:00-12:00 14:00-17:30"
    elif kind == "phone":
        row[13] = it["phone"][:-1] + str((int(it["phone"][-1]) + 1) % 10)
    elif kind == "fee":
        row[9], row[10] = "是", "每件20元"
    elif kind == "materials":
        row[15] = it["materials"] + "；其他材料"
    return row


def _csv_line(values) -> str:
    out = []
    for v in values:
        s = str(v)
        if any(c in s for c in ',"\n\r'):
            s = '"' + s.replace('"', '""') + '"'
        out.append(s)
    return ",".join(out) + "\n"


def generate(directory: str, n: int, seed: int = 20241202) -> dict:
    rng = random.Random(seed)
    pools = _pools(rng)
    items = [_item(rng, i, *pools) for i in range(n)]
    ref_path = os.path.join(directory, "reference.csv")
    chan_path = os.path.join(directory, "channel.csv")
    with open(ref_path, "w", encoding="utf-8") as fh:
        fh.write(_csv_line(HEADER))
        fh.writelines(_csv_line(_ref_line(it)) for it in items)
    kinds = ("legal", "location", "hours", "phone", "fee", "materials")
    order = list(range(n))
    rng.shuffle(order)
    n_missing = n // 1000
    missing = set(order[:n_missing])
    differing = {i: kinds[k % len(kinds)] for k, i in enumerate(order[n_missing: n_missing + n // 100])}
    with open(chan_path, "w", encoding="utf-8") as fh:
        fh.write(_csv_line(HEADER))
        for i in order:
            if i not in missing:
                fh.write(_csv_line(_chan_line(rng, items[i], differing.get(i))))
        for j in range(n // 1000):                                 # extra items
            extra = _item(rng, n + j, *pools)
            fh.write(_csv_line(_ref_line(extra)))
    return {"reference": ref_path, "channel": chan_path, "items": n, "missing": n_missing,
            "extra": n // 1000, "differing": len(differing)}


def child(spec_json: str) -> None:
    spec = json.loads(spec_json)
    from validators.channels.run import compare_sources

    t0 = time.perf_counter()
    c0 = time.process_time()
    result = compare_sources(spec["reference"], [spec["channel"]])
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    ch = result.channels[0]
    print(json.dumps({"seconds": round(seconds, 2), "cpu": round(cpu, 2), "paired": ch["paired"], "missing": ch["missing"],
                      "extra": ch["extra"], "items_differing": ch["items_differing"],
                      "findings": len(result.report.frame()),
                      "rate": ch["same_source_rate"]}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--keep", help="write the CSVs here and keep them (default: a temporary directory)")
    ap.add_argument("--reuse", action="store_true", help="with --keep: reuse the CSVs written there before")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or tmp
        os.makedirs(directory, exist_ok=True)
        t0 = time.perf_counter()
        saved = os.path.join(directory, "spec.json")
        if args.reuse and args.keep and os.path.exists(saved):
            with open(saved, encoding="utf-8") as fh:
                spec = json.load(fh)
        else:
            spec = generate(directory, args.items)
            with open(saved, "w", encoding="utf-8") as fh:
                json.dump(spec, fh)
        print(f"{spec['items']:,} items per source "
              f"({os.path.getsize(spec['reference']) / 1e6:.0f} MB + {os.path.getsize(spec['channel']) / 1e6:.0f} MB), "
              f"ready in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": ROOT}, check=False)
        wall = time.perf_counter() - t0
        if proc.returncode:
            print(proc.stderr)
            raise SystemExit(proc.returncode)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
        print(f"compare_sources: {out['seconds']:.1f} s wall, {out['cpu']:.1f} s CPU (process {wall:.1f} s), "
              f"peak RSS {peak:.2f} GB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"paired {out['paired']:,}, missing {out['missing']:,} (planted {spec['missing']:,}), "
              f"extra {out['extra']:,} (planted {spec['extra']:,}), items differing {out['items_differing']:,} "
              f"(planted {spec['differing']:,}), findings {out['findings']:,}, 同源率 {out['rate']['rate']:.4%} "
              f"({out['rate']['numerator']:,}/{out['rate']['denominator']:,})")
        ok = (out["missing"] == spec["missing"] and out["extra"] == spec["extra"]
              and out["items_differing"] == spec["differing"])
        print("counts match what was planted" if ok else "COUNTS DIFFER FROM WHAT WAS PLANTED")
        if not ok:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
