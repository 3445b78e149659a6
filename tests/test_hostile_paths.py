"""Issue 7.4 and 16.6: streams and odd paths — standard input, /dev/stdin, process substitution,
a FIFO nobody writes to, permissions, symlink loops, unsearchable directories, directories as
input (--recursive) and "Excel" files that are HTML tables."""
import errno
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from conftest import GUANGXI, ROOT, run, write_csv

from validators import validate
from validators.read import InputError, open_tables, read_options

PY = [sys.executable, str(ROOT / "cli.py")]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "SXCHECK_STREAM_WAIT": "1"}


def sh(script: str, timeout: float = 60):
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=ENV, timeout=timeout,
                          cwd=ROOT)


@pytest.fixture
def csv_file(tmp_path):
    return write_csv(tmp_path / "good.csv", [GUANGXI["A"], GUANGXI["C"]], encoding="gbk")


def _rows(stdout: str) -> int:
    return json.loads(stdout)["summary"]["rows"]


def test_dash_dev_stdin_and_process_substitution_read_the_stream(csv_file):
    cmd = " ".join(PY) + " validate {} -q --format json --fail-on never"
    for script in (f"{cmd.format('-')} < {csv_file}",
                   f"cat {csv_file} | {cmd.format('-')}",
                   f"cat {csv_file} | {cmd.format('/dev/stdin')}",
                   f"{cmd.format('<(cat ' + str(csv_file) + ')')}"):
        r = sh(script)
        assert r.returncode == 0, (script, r.stderr)
        assert _rows(r.stdout) == 2, script
    # a workbook and a JSON document come through a pipe too: the format is told from the bytes
    xlsx = ROOT / "catalogs" / "sample_guides.xlsx"
    r = sh(f"cat {xlsx} | {cmd.format('-')}")
    assert r.returncode == 0 and _rows(r.stdout) > 0, r.stderr


def test_fifo_without_writer_gives_up_instead_of_hanging(tmp_path, csv_file):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    started = time.monotonic()
    r = subprocess.run(PY + ["validate", str(fifo), "-q"], capture_output=True, text=True, env=ENV, timeout=30)
    assert time.monotonic() - started < 20
    assert r.returncode == 3
    assert r.stderr.strip() == f"{fifo} 是命名管道，1 秒内没有程序写入数据，已放弃读取"
    # with a writer, the FIFO is read
    writer = subprocess.Popen(["bash", "-c", f"sleep 0.3; cat {csv_file} > {fifo}"])
    r = subprocess.run(PY + ["validate", str(fifo), "-q", "--format", "json", "--fail-on", "never"],
                       capture_output=True, text=True, env={**ENV, "SXCHECK_STREAM_WAIT": "20"}, timeout=60)
    writer.wait(10)
    assert r.returncode == 0, r.stderr
    assert _rows(r.stdout) == 2


def test_stdin_terminal_is_refused(monkeypatch):
    class Tty:
        def isatty(self):
            return True

        def fileno(self):
            return 0

    monkeypatch.setattr(sys, "stdin", Tty())
    with pytest.raises(InputError) as exc:
        open_tables("-")
    assert exc.value.key == "stdin-is-terminal"


def test_symlink_loop_and_dangling_link_say_what_they_are(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    os.symlink(b, a)
    os.symlink(a, b)
    r = run("validate", a, "-q")
    assert r.exit_code == 3 and r.output.strip() == f"{a} 是循环的符号链接（链接最终指回自身），无法读取"
    dangling = tmp_path / "gone.csv"
    os.symlink(tmp_path / "nowhere.csv", dangling)
    r = run("validate", dangling, "-q", "--lang", "en")
    assert r.exit_code == 3 and "is a symbolic link to" in r.output and "does not exist" in r.output
    r = run("validate", tmp_path / "missing.csv", "-q")
    assert r.exit_code == 3 and "找不到文件" in r.output


def test_unreadable_file_is_exit_3(tmp_path, csv_file, monkeypatch):
    locked = tmp_path / "locked.csv"
    shutil.copy(csv_file, locked)
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make access() answer as it would for a user
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, m, **kw: False if str(p) == str(locked) else real(p, m, **kw))
    r = run("validate", locked, "-q")
    assert r.exit_code == 3
    assert r.output.strip() == f"无法读取 {locked}：没有读取权限"


def test_unsearchable_directory_is_named(tmp_path, csv_file, monkeypatch):
    closed = tmp_path / "closed"
    closed.mkdir()
    inner = closed / "x.csv"
    shutil.copy(csv_file, inner)
    closed.chmod(0o600)
    if os.geteuid() == 0:  # root searches anything: answer as the kernel would for a user
        real_stat, real_access = os.stat, os.access

        def stat(p, *a, **kw):
            if str(p).startswith(str(closed) + os.sep):
                raise PermissionError(errno.EACCES, "Permission denied", str(p))
            return real_stat(p, *a, **kw)

        monkeypatch.setattr(os, "stat", stat)
        monkeypatch.setattr(os, "access", lambda p, m, **kw: False if str(p) == str(closed) else real_access(p, m, **kw))
    try:
        r = run("validate", inner, "-q")
    finally:
        closed.chmod(0o700)
    assert r.exit_code == 3
    assert r.output.strip() == f"无法进入目录 {closed}（没有访问权限），因此无法读取 {inner}"


def test_directory_means_its_supported_files(tmp_path):
    folder = tmp_path / "exports"
    (folder / "县级" / "乡镇").mkdir(parents=True)
    write_csv(folder / "a.csv", [GUANGXI["A"]])
    write_csv(folder / "县级" / "b.csv", [GUANGXI["B"]])
    write_csv(folder / "县级" / "乡镇" / "c.csv", [GUANGXI["C"]])
    (folder / "说明.txt").write_text("填表说明", encoding="utf-8")           # not a supported extension
    (folder / "对照表.csv").write_text("序号,备注\n1,无\n", encoding="utf-8")  # no element columns
    (folder / ".hidden.csv").write_text("x", encoding="utf-8")
    report = validate(str(folder))
    assert [s.source for s in report.sources] == [str(folder / "a.csv")]
    skipped = [f for f in report.iter_findings("zh") if f["code"] == "file-skipped"]
    table = str(folder / "对照表.csv")
    assert len(skipped) == 1 and skipped[0]["source"] == table
    assert skipped[0]["message"].startswith(f"目录中的文件已跳过：{table} 中找不到")
    with read_options(recursive=True):
        report = validate(str(folder))
    assert sorted(os.path.relpath(s.source, folder) for s in report.sources) == \
        ["a.csv", "县级/b.csv", "县级/乡镇/c.csv"]
    r = run("validate", folder, "-r", "-q", "--format", "json", "--fail-on", "never")
    assert r.exit_code == 0 and json.loads(r.output)["summary"]["files"] == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("validate", empty, "-q")
    assert r.exit_code == 3 and "中没有可检查的文件" in r.output and "--recursive" in r.output


def test_report_written_into_the_input_directory_is_not_read_back(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "a.csv", [GUANGXI["A"]])
    out = folder / "report.csv"          # a CSV report would look like an input on the next run
    for _ in range(2):
        r = run("validate", folder, "-q", "--format", "markdown", "-o", out, "--fail-on", "never")
        assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "| 1 | 1 | 0 | 0 | 0 |" in text and "file-skipped" not in text


HTML = """<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>
<table border="1"><tr><td colspan="4">灵山县政务服务事项实施清单</td></tr>
<tr><th>事项名称</th><th>实施编码</th><th>事项类型</th><th>办理地点</th></tr>
<tr><td>固定资产投资项目节能审查</td><td>11450721MB155808114000104002000</td><td>01</td>
<td>灵山县政务服务中心<br/>法人大厅 &amp; 综合窗口</td></tr>
<tr><td>宗教活动场所内改建审批</td><td>11450721MB155808114000141005000</td><td></td><td>二楼</td></tr>
</table></body></html>"""


def test_excel_export_that_is_an_html_table_is_read(tmp_path):
    path = tmp_path / "导出Excel.xls"
    path.write_bytes(HTML.encode("gbk"))
    report = validate(str(path))
    assert report.rows_read == 2
    assert (4, "element-missing", "item_type") in {(f.row, f.code, f.field) for f in report.findings()}
    frame = next(open_tables(str(path))[0].chunks())
    assert frame["handling_location"].iloc[0] == "灵山县政务服务中心\n法人大厅 & 综合窗口"
    assert frame["_row"].tolist() == [3, 4]


def test_html_without_a_table_and_spreadsheetml_say_what_they_are(tmp_path):
    page = tmp_path / "login.xls"
    page.write_text("<!DOCTYPE html><html><body>会话已过期，请重新登录</body></html>", encoding="utf-8")
    r = run("validate", page, "-q")
    assert r.exit_code == 3 and "是 HTML 网页" in r.output and "OLE" not in r.output
    xml = tmp_path / "2003.xls"
    xml.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
                   "<Worksheet><Table><Row><Cell><Data>事项名称</Data></Cell></Row></Table></Worksheet></Workbook>")
    r = run("validate", xml, "-q", "--lang", "en")
    assert r.exit_code == 3 and "SpreadsheetML" in r.output and "save as .xlsx" in r.output
