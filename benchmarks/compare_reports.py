"""Compare the JSON reports of the bundled samples between a git revision and the working tree.

    python benchmarks/compare_reports.py a2c9fda            # findings, summary and stats

A refactoring must leave every finding identical: this runs `validate` on the bundled samples and
`conform` on the conformity samples with both trees (the revision is checked out into a temporary
git worktree) and prints, per report, whether findings, summary and stats (timings aside) agree.
Exit 1 when anything differs.
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


def reports(tree: Path, out: Path) -> dict[str, dict]:
    out.mkdir(parents=True, exist_ok=True)
    got = {}
    for name, args in RUNS.items():
        target = out / f"{name}.json"
        subprocess.run([sys.executable, "cli.py", *args, "--format", "json", "-o", str(target), "-q",
                        "--fail-on", "never"], cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                       check=True)
        got[name] = json.loads(target.read_text(encoding="utf-8"))
    return got


def _strip(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if k not in ("timing", "seconds")}


def main() -> int:
    rev = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old_tree), rev], cwd=ROOT, check=True)
        try:
            old = reports(old_tree, Path(tmp) / "old-out")
            new = reports(ROOT, Path(tmp) / "new-out")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT, check=False)
    same_all = True
    for name in RUNS:
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
