"""The README as a script: every `sxcheck` command it shows either runs on the bundled files with
the exit code written beside it (`# exit N`), or is marked as taking the user's own files."""
import os
import re
import shlex

import pytest
from click.testing import CliRunner

import cli
from conftest import ROOT

EXIT = re.compile(r"#\s*exit\s+(\d)\b")
OWN = re.compile(r"#\s*your files?\b")


def readme_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            stripped = line.strip()
            for prefix in ("sxcheck ", ".venv/bin/sxcheck "):
                if stripped.startswith(prefix):
                    out.append(stripped[len(prefix) - len("sxcheck "):] if prefix != "sxcheck " else stripped)
    return out


COMMANDS = readme_commands()


def test_every_command_is_classified():
    assert len(COMMANDS) >= 15
    unmarked = [c for c in COMMANDS if not EXIT.search(c) and not OWN.search(c)]
    assert unmarked == [], "README commands need '# exit N' (run by this test) or '# your file'"


@pytest.mark.parametrize("command", [c for c in COMMANDS if EXIT.search(c)])
def test_readme_command_runs_as_written(command, tmp_path, monkeypatch):
    expected = int(EXIT.search(command).group(1))
    args = shlex.split(command.split("#", 1)[0])
    assert args[0] == "sxcheck"
    os.symlink(ROOT / "catalogs", tmp_path / "catalogs")   # outputs land in tmp_path, never in the repo
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli.main, args[1:])
    assert r.exit_code == expected, (command, r.output[-2000:])
    assert "Traceback" not in r.output
    for opt in ("-o", "--matches", "--gx-docs"):
        if opt in args:
            assert (tmp_path / args[args.index(opt) + 1]).exists(), (command, opt)
