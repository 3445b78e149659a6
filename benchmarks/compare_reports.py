"""Compare the JSON reports of the bundled samples between a git revision and the working tree.

    python benchmarks/compare_reports.py a2c9fda            # findings, summary and stats
    python benchmarks/compare_reports.py a2c9fda --generated 100000   # + a generated file

A refactoring must leave every finding identical: this runs `validate` on the bundled samples and
`conform` on the conformity samples with both trees (the revision is checked out into a temporary
git worktree) and prints, per report, whether findings, summary and stats (timings aside) agree.
``--generated N`` adds a generated N-row guide CSV (``guidegen``, fixed seed) and, with
``--formats``, the same rows as a JSON array, JSONL and XLSX.  Exit 1 when anything differs.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {
    "sample_guides.xlsx": ["validate", "catalogs/sample_guides.xlsx"],
    "sample_guides_gbk.csv": ["validate", "catalogs/sample_guides_gbk.csv"],
    "clean_guides.csv": ["validate", "catalogs/clean_guides.csv"],
    "conform": ["conform", "catalogs/local_catalog_sample.csv", "--base", "catalogs/national_base_sample.csv"],
}


def reports(tree: Path, out: Path, runs: dict) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    got = {}
    for name, args in runs.items():
        target = out / f"{name}.json"
        subprocess.run([sys.executable, "cli.py", *args, "--format", "json", "-o", str(target), "-q",
                        "--fail-on", "never"], cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                       check=True)
        got[name] = json.loads(target.read_text(encoding="utf-8"))
    return got


def _strip(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if k not in ("timing", "seconds")}


def generated_inputs(n: int, work: Path, formats: bool) -> dict[str, list[str]]:
    """A generated guide CSV (and, with ``formats``, the same rows as JSON, JSONL and XLSX)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import guidegen

    csv_path = work / f"generated_{n}.csv"
    guidegen.write_csv(csv_path, n, 0.05)
    runs = {csv_path.name: ["validate", str(csv_path)]}
    if formats:
        from formats_bench import convert

        for fmt, path in convert(csv_path, work, ("json", "jsonl", "xlsx")).items():
            if fmt != "csv":
                runs[path.name] = ["validate", str(path)]
    return runs


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", nargs="?", default="HEAD")
    ap.add_argument("--generated", type=int, default=0, metavar="N", help="also a generated N-row CSV")
    ap.add_argument("--formats", action="store_true", help="with --generated: also as JSON, JSONL, XLSX")
    a = ap.parse_args()
    runs = dict(RUNS)
    with tempfile.TemporaryDirectory() as tmp:
        if a.generated:
            runs.update(generated_inputs(a.generated, Path(tmp), a.formats))
        old_tree = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old_tree), a.rev], cwd=ROOT, check=True)
        try:
            old = reports(old_tree, Path(tmp) / "old-out", runs)
            new = reports(ROOT, Path(tmp) / "new-out", runs)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT, check=False)
    same_all = True
    for name in runs:
        a, b = old[name], new[name]
        checks = {"findings": a["findings"] == b["findings"],
                  "summary": {k: v for k, v in a["summary"].items() if k != "seconds"}
                  == {k: v for k, v in b["summary"].items() if k != "seconds"},
                  "stats": _strip(a["stats"]) == _strip(b["stats"])}
        same_all &= all(checks.values())
        print(f"{name:24} " + "  ".join(f"{k}: {'same' if v else 'DIFFERENT'}" for k, v in checks.items()))
    return 0 if same_all else 1


if __name__ == "__main__":
    sys.exit(main())
