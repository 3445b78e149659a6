"""Files changed in git since a revision (``sxcheck check --changed-since REV``)."""
from __future__ import annotations

import subprocess
from pathlib import Path

from validators.read import InputError


def _git(cwd: Path, *args: str) -> str:
    try:
        r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise InputError("git-failed", args[-1], detail="git is not installed") from None
    if r.returncode:
        raise InputError("git-failed", args[-1] if args else "", detail=r.stderr.strip().splitlines()[-1]
                         if r.stderr.strip() else f"git exited {r.returncode}")
    return r.stdout


def changed_files(rev: str, cwd: str | Path) -> set[Path]:
    """Absolute paths of the files changed between ``rev`` and the working tree (committed,
    staged or not), plus untracked files that git does not ignore."""
    cwd = Path(cwd)
    try:
        top = Path(_git(cwd, "rev-parse", "--show-toplevel").strip())
    except InputError:
        raise InputError("git-failed", rev, detail=f"{cwd} is not inside a git repository") from None
    try:
        _git(top, "rev-parse", "--verify", "--quiet", rev + "^{commit}")
    except InputError:
        raise InputError("git-failed", rev, detail="no such revision") from None
    names = _git(top, "-c", "core.quotepath=off", "diff", "--name-only", "--no-renames", rev, "--").splitlines()
    names += _git(top, "-c", "core.quotepath=off", "ls-files", "--others", "--exclude-standard").splitlines()
    return {(top / n).resolve() for n in names if n}
