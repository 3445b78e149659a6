"""Issue 7.9: every output is written atomically — a full disk, an interrupt or SIGTERM leaves no
partial file (nor a temporary one), the message names the file, stderr has no traceback — and an
output that is also an input is refused (exit 2)."""
import contextlib
import os
import resource
import signal
import subprocess
import sys
import time

import pytest
from conftest import GUANGXI, ROOT, run, write_csv

from validators.exporters.atomic import OutputError, atomic_open, atomic_path

PY = [sys.executable, str(ROOT / "cli.py")]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def many_findings(path, rows: int):
    """Rows missing most elements: about ten findings each."""
    text = "事项名称,实施编码,事项类型,办理时间,法定办结时限\n" + "".join(
        f"事项{i},11450721MB15580811400010400{i % 10000:04d},01,,\n" for i in range(rows))
    path.write_text(text, encoding="utf-8")
    return path


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


def assert_clean_stderr(stderr: str):
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


@contextlib.contextmanager
def small_disk(tmp_path, size_kb: int):
    """A directory on a tiny tmpfs (root), or None when mounting is not possible."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    ok = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mnt)], capture_output=True).returncode == 0
    try:
        yield mnt if ok else None
    finally:
        if ok:
            subprocess.run(["umount", str(mnt)], capture_output=True)


@pytest.mark.parametrize("fmt", ["json", "markdown", "sarif"])
def test_full_disk_leaves_no_partial_file(tmp_path, fmt):
    src = many_findings(tmp_path / "in.csv", 3000)
    with small_disk(tmp_path, 256) as disk:
        if disk is not None:
            out = disk / f"report.{fmt}"
            out.write_text("previous report\n", encoding="utf-8")
            r = subprocess.run(PY + ["validate", str(src), "-q", "--format", fmt, "--limit", "100000", "-o", str(out)],
                               capture_output=True, text=True, env=ENV, timeout=120)
            assert r.returncode == 3
            assert r.stderr.strip() == f"文件读写失败：{out}（No space left on device）"
            assert out.read_text(encoding="utf-8") == "previous report\n"   # the old file is intact
            assert leftovers(disk) == []
            assert_clean_stderr(r.stderr)
            return
    # no tmpfs: a file-size limit gives the same failure (EFBIG) at the same place
    out = tmp_path / f"report.{fmt}"

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    r = subprocess.run(PY + ["validate", str(src), "-q", "--format", fmt, "--limit", "100000", "-o", str(out)],
                       capture_output=True,
                       text=True, env=ENV, timeout=120, preexec_fn=limit)
    assert r.returncode == 3 and r.stderr.startswith(f"文件读写失败：{out}（")
    assert not out.exists() and leftovers(tmp_path) == []
    assert_clean_stderr(r.stderr)


def test_full_stdout_is_one_line_without_exception_ignored(tmp_path):
    src = many_findings(tmp_path / "in.csv", 200)
    with open("/dev/full", "w") as full:
        r = subprocess.run(PY + ["validate", str(src), "-q", "--format", "json"], stdout=full,
                           stderr=subprocess.PIPE, text=True, env=ENV, timeout=120)
    assert r.returncode == 3
    assert r.stderr.strip() == "文件读写失败：<stdout>（No space left on device）"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_large_write_leaves_nothing(tmp_path, sig):
    src = many_findings(tmp_path / "in.csv", 40_000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.json"
    # a shell's background job ignores SIGINT, and Python keeps an ignored SIGINT ignored: restore it
    proc = subprocess.Popen(PY + ["validate", str(src), "-q", "--format", "json", "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not leftovers(out_dir) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)   # wait until the temporary output exists: the write is under way
    assert proc.poll() is None, "the write finished before it could be interrupted"
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err.strip()) == (3, "已中断")
    assert not out.exists() and leftovers(out_dir) == [], (err, leftovers(out_dir))


def test_atomic_writers_clean_up_on_error(tmp_path):
    target = tmp_path / "r.json"
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert not target.exists() and leftovers(tmp_path) == []
    with pytest.raises(OutputError) as exc:
        with atomic_path(tmp_path / "missing-dir" / "r.xlsx"):
            pass
    assert exc.value.filename.endswith("r.xlsx")
    with atomic_open(target) as fh:
        fh.write("ok \ud800")        # a lone surrogate is escaped, never a UnicodeEncodeError
    assert target.read_text(encoding="utf-8") == "ok \\ud800"


def test_output_equal_to_an_input_is_refused(tmp_path):
    src = write_csv(tmp_path / "self.csv", [GUANGXI["A"]])
    before = src.read_bytes()
    for fmt in ("json", "markdown", "xlsx"):
        r = run("validate", src, "--format", fmt, "-o", src)
        assert r.exit_code == 2
        assert r.output.strip() == f"输出文件 {src} 也是输入文件，写出会覆盖输入；请换一个输出文件名"
    os.symlink(src, tmp_path / "link.csv")
    assert run("validate", src, "-o", tmp_path / "link.csv").exit_code == 2
    base = ROOT / "catalogs" / "national_base_sample.csv"
    r = run("conform", src, "--base", base, "--matches", src, "--lang", "en")
    assert r.exit_code == 2 and "is also an input" in r.output
    for command in ("revoked", "certificates"):
        assert run(command, src, "--format", "markdown", "-o", src).exit_code == 2, command
    assert src.read_bytes() == before
