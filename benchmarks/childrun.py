"""One measured child process for the benchmarks: its own wall time, CPU time and peak RSS.

A benchmark that writes its inputs and then runs the work in a fresh child reports that child's
figures alone (``os.wait4``), not the benchmark's own memory.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float      # wall
    cpu: float          # user + system of the child
    peak_mb: float      # the child's own peak RSS


def measured(cmd: list[str], cwd: str | None = None, capture: bool = True) -> Run:
    """Run ``cmd`` and measure it; stderr goes through a file, so a chatty child cannot block."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                                stderr=err)
        out = proc.stdout.read() if capture else b""
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return Run(proc.returncode, out.decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def child_result(cmd: list[str], cwd: str | None = None) -> tuple[dict, Run]:
    """The JSON object the child prints last, and its measurements; the child's error ends the run."""
    run = measured(cmd, cwd)
    if run.returncode:
        sys.exit(run.stderr)
    return json.loads(run.stdout.strip().splitlines()[-1]), run


def remove_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
