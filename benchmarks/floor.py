"""The floor: what this machine can do for each phase of `validate`, and sxcheck's ratio to it.

    python benchmarks/floor.py --rows 1000000            # generate, then measure both
    python benchmarks/floor.py --csv guides.csv          # an existing file

The floor is measured on the same generated file in one process: pyarrow's streaming CSV read
(the same block size), then the cheapest vectorised form of each check family on the same
columns — presence (null counts), code lists (``is_in`` on distinct values), shapes and clarity
(one RE2 ``match_substring_regex`` per pattern on distinct values), USCC check digits (numpy over
the code bytes), cross-field comparisons (numeric casts and masks) and uniqueness (a hash of the
实施编码 column) — with no finding records built.  sxcheck's phases are measured in the same
process by timing each check function of :data:`validators.pipeline.CHECKS`, the expectations
update and the JSON export of a real `validate` run.  sxcheck parses the next chunk in a read-ahead
thread while the checks of this one run, so its ``read`` row is the time the checks *waited* for
the reader, and its total is the wall-clock time of the run.  Keep this script: every later change
to a hot path can be held against the floor.
"""
from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import guidegen  # noqa: E402
from validators.core.allocator import prefer_small_pages  # noqa: E402

prefer_small_pages()   # as the command line does, before pyarrow loads

TEXT_PATTERNS = {
    "handling_hours": r"\d{1,2}[:：]\d{2}\s*[-—~至]+\s*\d{1,2}[:：]\d{2}",
    "handling_location": r"(路|街|道|大道|巷)\d+号",
    "legal_basis": r"《[^》]+》.*第[一二三四五六七八九十百零〇\d]+条",
    "promised_time_limit_note": r"\d+\s*个?(工作日|日|天)",
    "handling_process": r"受理.*(审查|审核).*(决定|审批)",
}
CODE_COLUMNS = ("item_type", "exercise_levels", "case_type", "power_source", "is_fee_charged", "is_online")


def floor(csv_path: Path) -> dict[str, float]:
    """Seconds per phase of the cheapest vectorised pass over the file."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    from validators.read import open_tables
    from validators.read.base import BLOCK_SIZE

    tiny = pa.array(["01", "20", None])                 # first calls initialise kernels: not the floor
    pc.is_in(pc.unique(tiny), value_set=pa.array(["01"]))
    pc.match_substring_regex(tiny, r"\d+")
    pc.utf8_length(tiny)
    table = open_tables(str(csv_path))[0]
    labels = table.state["labels"]
    canon = {lbl: c for c, lbl in table.columns.items()}
    t = defaultdict(float)
    seen_task: set[int] = set()
    t0 = time.perf_counter()
    reader = pcsv.open_csv(
        str(csv_path),
        read_options=pcsv.ReadOptions(skip_rows=table.state["skip"], column_names=labels,
                                      block_size=BLOCK_SIZE, use_threads=False),
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(column_types={c: pa.string() for c in labels},
                                            strings_can_be_null=True))
    t["read"] += time.perf_counter() - t0
    rows = 0
    while True:
        t0 = time.perf_counter()
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        t["read"] += time.perf_counter() - t0
        rows += batch.num_rows
        cols = {canon.get(n, n): batch.column(i) for i, n in enumerate(batch.schema.names)}

        t0 = time.perf_counter()
        for arr in cols.values():
            arr.null_count                       # presence of every element
            pc.utf8_length(arr)                  # length limits
        t["elements"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        for c in CODE_COLUMNS:
            if c in cols:
                d = pc.unique(cols[c])
                pc.is_in(d, value_set=pa.array(["01", "02", "1", "2", "3", "4", "0"]))
        body = cols.get("implementing_body_code")
        if body is not None:
            d = pc.unique(body).drop_null()
            d = d.filter(pc.equal(pc.utf8_length(d), 18))
            buf = np.frombuffer("".join(d.to_pylist()).encode("ascii", "replace"), dtype=np.uint8)
            buf = buf[: len(buf) // 18 * 18]
            lut = np.zeros(256, dtype=np.int64)          # character → value, as the real check does
            lut[np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)] = np.arange(31)
            _ = (lut[buf.reshape(-1, 18)[:, :17]] * np.arange(1, 18)).sum(axis=1) % 31
        if "catalog_code" in cols:
            pc.match_substring_regex(pc.unique(cols["catalog_code"]), r"^\d{12}$")
        if "task_code" in cols and body is not None:   # 实施编码 = body + level + 基本编码: slices compared
            task = cols["task_code"]
            pc.equal(pc.utf8_length(task), 31)
            pc.equal(pc.utf8_slice_codeunits(task, 0, 18), body)
            if "catalog_code" in cols:
                pc.equal(pc.utf8_slice_codeunits(task, 19, 31), cols["catalog_code"])
        t["codes"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        def number(arr):
            return pc.cast(pc.if_else(pc.utf8_is_digit(arr), arr, None), pa.int64())

        for a, b in (("legal_time_limit", "promised_time_limit"), ("onsite_visits", "is_online")):
            if a in cols and b in cols:
                pc.greater(number(cols[a]), number(cols[b]))
        t["consistency"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        for c, pat in TEXT_PATTERNS.items():
            if c in cols:
                pc.match_substring_regex(pc.unique(cols[c]), pat)
        t["clarity"] += time.perf_counter() - t0

        t0 = time.perf_counter()
        if "task_code" in cols:
            h = pc.hash_64(cols["task_code"]) if hasattr(pc, "hash_64") else None
            values = h.to_numpy(zero_copy_only=False) if h is not None else \
                np.array([hash(v) for v in cols["task_code"].to_pylist()], dtype=np.int64)
            new = set(values.tolist()) - seen_task
            seen_task |= new
        t["expectations"] += time.perf_counter() - t0
    t["rows"] = rows
    return dict(t)


def sxcheck_phases(csv_path: Path) -> dict[str, float]:
    """Seconds per phase of a real `validate` run (check functions timed in place) + JSON export."""
    import validators.pipeline as pipeline
    from validators.checks.expectations import NativeSuite
    from validators.exporters.json_report import write_json
    from validators.read import base as read_base

    t = defaultdict(float)
    names = {"check_elements": "elements", "check_codes": "codes", "check_rules": "consistency",
             "check_clarity": "clarity"}

    def timed(fn, phase):
        def run(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                t[phase] += time.perf_counter() - t0
        return run

    original_checks, original_update = pipeline.CHECKS, NativeSuite.update
    original_table_chunks = read_base.Table.chunks
    pipeline.CHECKS = tuple(timed(f, names.get(f.__name__, f.__name__)) for f in original_checks)
    NativeSuite.update = timed(original_update, "expectations")

    def chunks(self, idle=None):
        it = original_table_chunks(self, idle=idle)
        while True:
            t0 = time.perf_counter()
            try:
                chunk = next(it)
            except StopIteration:
                t["read"] += time.perf_counter() - t0
                return
            t["read"] += time.perf_counter() - t0
            yield chunk

    read_base.Table.chunks = chunks
    try:
        t0 = time.perf_counter()
        report = pipeline.validate([str(csv_path)])
        t["total_validate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with open(Path(tempfile.gettempdir()) / "sxcheck-floor-report.json", "w", encoding="utf-8") as fh:
            write_json(report, fh, lang="zh")
        t["json"] = time.perf_counter() - t0
        t["rows"] = report.rows_read
    finally:
        pipeline.CHECKS, NativeSuite.update = original_checks, original_update
        read_base.Table.chunks = original_table_chunks
    counted = sum(v for k, v in t.items() if k in ("read", "elements", "codes", "consistency", "clarity",
                                                     "expectations"))
    t["other"] = max(0.0, t["total_validate"] - counted)
    return dict(t)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--csv", help="measure this CSV instead of generating one")
    a = p.parse_args(argv)
    if a.csv:
        csv_path = Path(a.csv)
    else:
        csv_path = Path(tempfile.mkdtemp(prefix="sxcheck-floor-")) / "guides.csv"
        guidegen.write_csv(csv_path, a.rows, 0.05)
    fl = floor(csv_path)
    sx = sxcheck_phases(csv_path)
    out = io.StringIO()
    out.write(f"{int(fl['rows']):,} rows, {csv_path.stat().st_size / 1e6:,.0f} MB\n")
    out.write(f"{'phase':14} {'floor s':>9} {'sxcheck s':>10} {'ratio':>7}\n")
    total_floor = total_sx = 0.0
    for phase in ("read", "elements", "codes", "consistency", "clarity", "expectations"):
        f, s = fl.get(phase, 0.0), sx.get(phase, 0.0)
        total_floor += f
        total_sx += s
        label = "read (waited)" if phase == "read" else phase
        out.write(f"{label:14} {f:9.2f} {s:10.2f} {s / f if f else float('nan'):7.1f}\n")
    out.write(f"{'other':14} {'':9} {sx['other']:10.2f}\n{'json export':14} {'':9} {sx['json']:10.2f}\n")
    out.write(f"{'total':14} {total_floor:9.2f} {sx['total_validate']:10.2f} "
              f"{sx['total_validate'] / total_floor:7.1f}\n")
    out.write(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB (this process)\n")
    print(out.getvalue(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
