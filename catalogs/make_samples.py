"""Regenerate the sample guide files in ``catalogs/`` (deterministic; run from anywhere).

    python catalogs/make_samples.py            # writes into catalogs/
    python catalogs/make_samples.py --out DIR  # writes elsewhere (used by the tests)

Outputs
  sample_guides.xlsx      241 灵山县 guides, sheet "办事指南", every cell text; one planted defect
                          on each of 50 rows (``sample_defects.csv``)
  sample_guides_gbk.csv   the same rows, GBK-encoded CSV (same row numbers as the XLSX)
  sample_defects.csv      manifest row,field,code,severity,description,clean_value (the value before the defect was planted) of every error and warning
                          the sample should produce (row: header = 1, first data row = 2; empty
                          for table-level findings of the catalog expectations)
  clean_guides.csv        120 defect-free guides, UTF-8 with BOM; must produce no finding

Records come from ``benchmarks/guidegen.py``; real records A, C and D of domain.md §8.1 are
included with their published values, and a few rows carry real-world spellings the validator
must tolerate (U+2014 dashes in phone numbers, full-width colons, 下午2:00-5:00, 〔〕 文号).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import guidegen as g  # noqa: E402

SAMPLE_SEED, CLEAN_SEED = 20240607, 20240719
N_SAMPLE, N_CLEAN = 240, 120          # the sample gets one more row: the duplicate D′
SHEET = "办事指南"
FIXED_TIME = (2024, 6, 7, 0, 0, 0)
CODE_A, CODE_C, CODE_D = "000104002000", "001033002000", "000141005000"

# published values of the real Guangxi records (domain.md §8.1)
REAL = {
    CODE_A: dict(legal_time_limit="20", promised_time_limit="5", onsite_visits="1", onsite_reason="须现场核验材料",
                 handling_forms="1,2", service_targets="2,3,4,6", online_depth="6,1", item_version="13",
                 handling_location="灵山县三海街道江南路5号县政务服务中心法人大厅工程建设项目综合窗口（县卫生监督所一楼）。",
                 handling_hours="工作日：上午9:00-12:00、下午14：00-17:00",
                 consultation_channel="0777—6428820", complaint_channel="0777—6428880",
                 legal_basis="《固定资产投资项目节能审查办法》第三条；《中华人民共和国节约能源法》第十五条",
                 result_name="灵山县行政审批局关于xxx项目节能报告的批复", result_type="审批办结"),
    CODE_C: dict(legal_time_limit="66", promised_time_limit="24", onsite_visits="1", onsite_reason="现场核查材料",
                 handling_forms="1,2,3", service_targets="1,2,3,4", online_depth="1,2,3", item_version="12",
                 handling_location="灵山县三海街道江南路12号政务服务中心二楼综合窗口11",
                 handling_hours="工作日：上午9:00-12:00、下午14:00-17:00，法定节假日除外。",
                 consultation_channel="0777-6428913", complaint_channel="0777-6428880",
                 legal_basis="《全民健身条例》第二十八条；《公共文化体育设施条例》第二十七条"),
    CODE_D: dict(legal_time_limit="20", promised_time_limit="10", onsite_visits="1", onsite_reason="核验原件",
                 handling_forms="1,2", service_targets="1,9", item_version="14",
                 handling_location="灵山县三海街道江南路12号县政务服务中心二楼④⑤⑥综合窗口",
                 handling_hours="工作日：上午9:00-12:00、下午2:00-5:00",
                 consultation_channel="0777-6428001", complaint_channel="0777-6428880",
                 result_name="关于拟同意在XX寺内新建一座大雄宝殿和一座观音殿的意见", result_type="出文办结"),
}
# real-world spellings that must NOT produce a finding (applied to clean sample rows)
_ANY = lambda r: True  # noqa: E731
TOLERATED = [
    ("phones with U+2014 dashes", _ANY, lambda r: r.update(
        consultation_channel=r["consultation_channel"].replace("-", "—"),
        complaint_channel=r["complaint_channel"].replace("-", "—"))),
    ("下午2:00-5:00 (12-hour afternoon)", _ANY, lambda r: r.update(handling_hours="工作日：上午9:00-12:00、下午2:00-5:00")),
    ("full-width digits and colons", _ANY, lambda r: r.update(handling_hours="工作日：上午９:00-12:00，下午１４：００-１７：００")),
    ("〔〕 document number in 设定依据", lambda r: r["central_dept_code"] == "04", lambda r: r.update(
        legal_basis="《国务院关于投资体制改革的决定》（国发〔2004〕20号）第三条；" + r["legal_basis"])),
    ("circled window number ②", lambda r: r["implementing_body"] in ("灵山县行政审批局", "灵山县发展和改革局"),
     lambda r: r.update(
        handling_location="灵山县三海街道江南路5号县政务服务中心法人大厅②工程建设项目综合窗口（县卫生监督所一楼）")),
    ("trailing 。 in 办理地点", _ANY, lambda r: r.update(
        handling_location=r["handling_location"] + "。")),
]


def _apply_real(rec: dict, code: str) -> None:
    rec.update(REAL[code])
    legal, prom = int(rec["legal_time_limit"]), int(rec["promised_time_limit"])
    rec["legal_time_limit_unit"] = rec["promised_time_limit_unit"] = "1"
    rec["legal_time_limit_note"] = g._note(legal, "1", False)
    rec["promised_time_limit_note"] = g._note(prom, "1", True)
    rec["case_type"] = "1" if prom == 0 else "2"
    if rec["is_online"] == "1" or "2" in rec["handling_forms"].split(","):
        rec["is_online"] = "1"
        rec["online_url"] = g.URL.format(task_code=rec["task_code"])
    rec["is_express_supported"] = "1" if "3" in rec["handling_forms"].split(",") else "0"


def _pick_entries(rng: random.Random, n: int, must: tuple[str, ...]) -> list[int]:
    idx = {e["catalog_code"]: i for i, e in enumerate(g.ENTRIES)}
    order = list(range(len(g.ENTRIES)))
    rng.shuffle(order)
    chosen = [idx[c] for c in must] + [i for i in order if g.ENTRIES[i]["catalog_code"] not in must]
    chosen = chosen[:n]
    dept_rank = {k: j for j, k in enumerate(g.DEPT_KEYS)}
    return sorted(chosen, key=lambda i: (dept_rank[g.ENTRIES[i]["dept"]], g.ENTRIES[i]["catalog_code"]))


def load_rules() -> dict:
    return json.loads((ROOT / "schemas" / "rules.json").read_text(encoding="utf-8"))


def build_sample():
    """Return (records, manifest rows, notes) of the defect sample."""
    rng = random.Random(SAMPLE_SEED)
    recs = [g.clean_record(rng, i) for i in _pick_entries(rng, N_SAMPLE, (CODE_A, CODE_C, CODE_D))]
    pos = {r["catalog_code"]: k for k, r in enumerate(recs)}
    for code in (CODE_A, CODE_C, CODE_D):
        _apply_real(recs[pos[code]], code)
    # D′: a 办理项 of D listed again with D's 实施编码, right after D
    d_clean = dict(recs[pos[CODE_D]])
    d_prime = g.clean_record(rng, 0)
    recs.insert(pos[CODE_D] + 1, d_prime)
    pos = {r["catalog_code"]: k for k, r in enumerate(recs) if r is not d_prime}

    rules = load_rules()
    assigned: dict[int, str] = {pos[CODE_C]: "note-mismatch", pos[CODE_D]: "online-depth-9",
                                pos[CODE_D] + 1: "task-code-duplicate"}
    reserved = {pos[CODE_A]}
    kinds = [k for k in g.DEFECTS if k not in assigned.values()]
    rng.shuffle(kinds)
    for kind in kinds:
        pred = g.DEFECTS[kind][2]
        cands = [k for k, r in enumerate(recs)
                 if k not in assigned and k not in reserved and pred(r)
                 and all(abs(k - a) > 1 for a in assigned)]          # keep defect rows apart
        assigned[rng.choice(cands)] = kind
    manifest = []
    for k in sorted(assigned):
        kind = assigned[k]
        other = d_clean if kind == "task-code-duplicate" else None
        before = dict(recs[k])
        for code, field in g.inject(rng, recs[k], kind, other=other):
            manifest.append({"row": k + 2, "field": field, "code": code, "severity": rules[code]["severity"],
                             "description": g.DEFECTS[kind][1], "clean_value": before.get(field) or ""})
    manifest += table_findings(recs, rules)
    # tolerated real-world spellings on a few clean rows
    notes = [(pos[CODE_A] + 2, "real record A as published (U+2014 phone dashes, 14：00, trailing 。)")]
    used = set(assigned) | reserved
    for label, pred, fn in TOLERATED:
        k = rng.choice([k for k in range(len(recs)) if k not in used and pred(recs[k])
                        and recs[k]["item_type"] not in ("02", "03", "06")])
        used.add(k)
        fn(recs[k])
        notes.append((k + 2, label))
    notes.append((pos[CODE_C] + 2, "real record C (planted: legal 66 vs note 20, as published)"))
    notes.append((pos[CODE_D] + 2, "real record D (planted: online_depth 9 as published; 下午2:00-5:00 and ④⑤⑥ tolerated)"))
    notes.sort()
    _sanity(recs, allow_dup_task={pos[CODE_D] + 1})
    return recs, manifest, notes


def table_findings(recs, rules) -> list[dict]:
    """Table-level findings (row empty) of the catalog expectations in schemas/expectations.json."""
    exp = json.loads((ROOT / "schemas" / "expectations.json").read_text(encoding="utf-8"))
    codes = json.loads((ROOT / "schemas" / "codelists.json").read_text(encoding="utf-8"))
    props = json.loads((ROOT / "schemas" / "guide.schema.json").read_text(encoding="utf-8"))["properties"]
    present = lambda v: v.strip() not in ("", "无", "/", "暂无", "-")  # noqa: E731
    out = []

    def add(code, field, desc):
        out.append({"row": "", "field": field, "code": code, "severity": rules[code]["severity"],
                    "description": desc, "clean_value": ""})
    for col in exp["unique"]:
        vals = [r[col] for r in recs if present(r[col])]
        if len(vals) != len(set(vals)):
            add("uniqueness-violated", col, "表级：实施编码不唯一（重复行）")
    for col, mostly in exp["completeness"].items():
        if sum(present(r[col]) for r in recs) / len(recs) < mostly:
            add("completeness-below-threshold", col, f"表级：{g.TITLES[col]}完整率低于 {mostly}")
    for col, mostly in exp["value_sets"].items():
        valid = set(codes[props[col]["x-codelist"]]["codes"])
        vals = [r[col] for r in recs if present(r[col])]
        if vals and sum(v in valid for v in vals) / len(vals) < mostly:
            add("value-set-violated", col, f"表级：{g.TITLES[col]}代码表外取值占比超过阈值")
    return out


def build_clean():
    rng = random.Random(CLEAN_SEED)
    recs = [g.clean_record(rng, i) for i in _pick_entries(rng, N_CLEAN, (CODE_A, CODE_C, CODE_D))]
    _sanity(recs, allow_dup_task=set(), strict=True)
    return recs


def _sanity(recs, allow_dup_task, strict=False):
    seen = {}
    for k, r in enumerate(recs):
        assert set(r) == set(g.FIELDS), k
        "".join(r.values()).encode("gbk")        # raises if GBK cannot encode a character
        if k not in allow_dup_task:
            assert r["task_code"] not in seen, (k, r["task_code"], seen.get(r["task_code"]))
            seen[r["task_code"]] = k
        if strict:
            assert g.uscc_ok(r["implementing_body_code"])
            assert r["task_code"] == r["implementing_body_code"] + "4" + r["catalog_code"]
            assert len(r["task_code"]) == 31 and r["catalog_code"][2:4] == r["item_type"]
            assert int(r["promised_time_limit"]) <= int(r["legal_time_limit"])


# ---------------------------------------------------------------------------------------------
# writers
# ---------------------------------------------------------------------------------------------
def write_csv(path: Path, recs, encoding: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([g.TITLES[c] for c in g.FIELDS])
        for r in recs:
            w.writerow([r[c] for c in g.FIELDS])


def write_xlsx(path: Path, recs) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([g.TITLES[c] for c in g.FIELDS])
    for r in recs:
        ws.append([r[c] if r[c] != "" else None for c in g.FIELDS])
    for row in ws.iter_rows():
        for cell in row:
            cell.number_format = "@"                     # text: keeps 000104002000 as typed
            if cell.value is not None:
                cell.data_type = "s"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for col, width in (("A", 40), ("B", 14), ("C", 34), ("M", 22), ("G", 50), ("V", 50)):
        ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    _deterministic_zip(buf.getvalue(), path)


def _deterministic_zip(data: bytes, path: Path) -> None:
    """Rewrite an xlsx with fixed timestamps so regeneration is byte-identical."""
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2024-06-07T00:00:00Z", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)


def write_manifest(path: Path, manifest) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["row", "field", "code", "severity", "description", "clean_value"], lineterminator="\n")
        w.writeheader()
        w.writerows(manifest)


def update_readme(path: Path, manifest, notes) -> None:
    """Rewrite the generated block of catalogs/README.md (defect table, fixture rows)."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- defects:start (generated by make_samples.py) -->", "<!-- defects:end -->"
    if start not in text or end not in text:
        return
    lines = [start, "| row | field | code | severity | defect |", "|---|---|---|---|---|"]
    lines += [f"| {m['row'] or '(table)'} | {m['field']} | {m['code']} | {m['severity']} | {m['description']} |"
              for m in manifest]
    lines += ["", "Real records and tolerated spellings (no finding beyond a planted one listed above):", ""]
    lines += [f"- row {row}: {label}" for row, label in notes]
    lines.append(end)
    head, rest = text.split(start, 1)
    path.write_text(head + "\n".join(lines) + rest.split(end, 1)[1], encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=HERE, help="output directory (default: catalogs/)")
    a = p.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    recs, manifest, notes = build_sample()
    write_xlsx(a.out / "sample_guides.xlsx", recs)
    write_csv(a.out / "sample_guides_gbk.csv", recs, "gbk")
    write_manifest(a.out / "sample_defects.csv", manifest)
    clean = build_clean()
    write_csv(a.out / "clean_guides.csv", clean, "utf-8-sig")
    if a.out.resolve() == HERE:
        update_readme(HERE / "README.md", manifest, notes)
    rows = sorted({m["row"] for m in manifest if m["row"] != ""})
    print(f"sample: {len(recs)} rows, {len(rows)} with a planted defect, {len(manifest)} expected findings "
          f"({len({m['code'] for m in manifest})} codes); clean: {len(clean)} rows → {a.out}")
    for row, label in notes:
        print(f"  fixture row {row}: {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
