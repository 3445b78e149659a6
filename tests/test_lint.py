"""The library stays lint-clean for the defects that matter in a tool that reads hostile files:
exception chaining (B904), leaked file handles (SIM115), silent zip truncation (B905), undefined
names and unused imports (F)."""
import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is in the [dev] extra")
def test_library_is_lint_clean():
    r = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "B904,SIM115,B905,F",
                        "--output-format", "concise", "validators", "cli.py"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
