"""The gate's integrations: the pre-commit hook (through `pre-commit try-repo`) and the composite
GitHub Action's check step (its shell script run as the runner would, with a stub sxcheck on PATH)."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import CATALOGS, ROOT

import cli

yaml = pytest.importorskip("yaml")

with open(CATALOGS / "clean_guides.csv", encoding="utf-8-sig") as _fh:
    CLEAN = list(csv.DictReader(_fh))
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(CLEAN[0]))
        w.writeheader()
        w.writerows(rows)


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=ENV)


@pytest.fixture
def catalog_repo(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    rows = [dict(r) for r in CLEAN]
    rows[10]["办理时间"] = "详见公告"                       # known: goes into the baseline
    rows[40]["实施主体编码"] = "MB1558081"                  # known: goes into the baseline
    write(tmp_path / "民政局.csv", rows)
    (tmp_path / "sxcheck.toml").write_text('inputs = ["*.csv"]\n', encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert CliRunner().invoke(cli.main, ["check", "--write-baseline", "-q"]).exit_code == 0
    finally:
        os.chdir(old)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "catalog")
    rows[70]["办理时间"] = ""                                # new: element-missing, row 72
    write(tmp_path / "民政局.csv", rows)
    git(tmp_path, "add", "-A")
    return tmp_path


def test_hook_definitions():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert hooks["sxcheck"]["entry"].startswith("sxcheck check")
    assert hooks["sxcheck"].get("pass_filenames", True) and hooks["sxcheck"]["language"] == "python"


def test_pre_commit_try_repo_runs_check_on_staged_files(catalog_repo):
    pre_commit = shutil.which("pre-commit") or (
        os.path.join(os.path.dirname(sys.executable), "pre-commit")
        if os.path.exists(os.path.join(os.path.dirname(sys.executable), "pre-commit")) else None)
    if not pre_commit:
        pytest.skip("pre-commit is not installed (dev extra)")
    # installs sxcheck from this repository into pre-commit's own environment (PyPI for its dependencies)
    r = subprocess.run([pre_commit, "try-repo", str(ROOT), "sxcheck", "--files", "民政局.csv"], cwd=catalog_repo,
                       capture_output=True, text=True, env=ENV, timeout=1500, check=False)
    out = r.stdout + r.stderr
    assert r.returncode == 1, out[-3000:]
    assert "element-missing" in out and "第72行" in out
    assert "handling-hours-unclear" not in out and "uscc-org-code-only" not in out   # the baseline holds
    assert "新增 1 条" not in out          # --quiet: findings only, no notes


def test_action_check_step_writes_sarif_and_summary(catalog_repo, tmp_path_factory):
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = {s.get("id") or s.get("name"): s for s in action["runs"]["steps"]}
    assert any("upload-sarif" in s.get("uses", "") for s in steps.values())
    script = steps["check"]["run"]
    bin_dir = tmp_path_factory.mktemp("bin")
    stub = bin_dir / "sxcheck"
    stub.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -c "import cli; cli.main()" "$@"\n')
    stub.chmod(0o755)
    runner = tmp_path_factory.mktemp("runner")
    env = {**ENV, "PATH": f"{bin_dir}:{os.environ['PATH']}", "RUNNER_TEMP": str(runner),
           "GITHUB_STEP_SUMMARY": str(runner / "summary.md"), "GITHUB_OUTPUT": str(runner / "output"),
           "SXCHECK_CONFIG": "", "SXCHECK_SINCE": "HEAD"}
    r = subprocess.run(["bash", "-e", "-c", script], cwd=catalog_repo, env=env, capture_output=True, text=True,
                       timeout=600, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    outputs = dict(line.split("=", 1) for line in (runner / "output").read_text().splitlines())
    assert outputs["exit-code"] == "1"
    import json

    with open(outputs["sarif"], encoding="utf-8") as fh:
        sarif = json.load(fh)
    assert [x["ruleId"] for x in sarif["runs"][0]["results"]] == ["element-missing"]
    summary = (runner / "summary.md").read_text(encoding="utf-8")
    assert "## sxcheck" in summary and "`element-missing`" in summary and "新增 1，已知 2，已修复 —" in summary   # partial run: fixed not counted
