"""What an input path is before any reader opens it.

* ``-`` (standard input), ``/dev/stdin``, process substitution (``<(cat x.csv)``) and named pipes
  are streams: read once into a temporary file (removed at exit) so the readers can re-open and
  stream them like any file; the format is then told from the content.  A named pipe that no
  program writes to is given up after ``stream_wait`` seconds instead of hanging.
* A directory means its supported files (``recursive``: also those of sub-directories).
* Odd paths say what they are: a symlink loop, a directory that cannot be searched, a file
  without read permission — never "file not found".
* ``sniff`` tells a format from the first bytes: "Excel" exports that are really HTML tables,
  JSON given as .txt, XLSX given without extension.
"""
from __future__ import annotations

import atexit
import errno
import os
import select
import stat
import sys
import tempfile
import time

from validators.read.base import InputError

SUPPORTED = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".json", ".jsonl", ".ndjson")
STDIN_NAMES = ("-", "/dev/stdin")
_streams: dict[str, str] = {}   # name as given → temporary copy (read once per process)


def _cleanup() -> None:
    for tmp in _streams.values():
        try:
            os.unlink(tmp)
        except OSError:
            pass


atexit.register(_cleanup)


def _blocked_parent(path: str) -> str | None:
    """The first ancestor directory of ``path`` that cannot be searched (no x permission)."""
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts)):
        folder = os.sep.join(parts[:i]) or os.sep
        if os.path.isdir(folder) and not os.access(folder, os.X_OK):
            return folder
    return None


def inspect(path: str) -> os.stat_result | None:
    """stat ``path``, turning each way it can fail into the InputError that names the cause.

    Returns None for standard input given as ``-``.
    """
    if path == "-":
        return None
    try:
        return os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError("symlink-loop", path) from exc
        if exc.errno == errno.EACCES:
            raise InputError("dir-not-searchable", path, folder=_blocked_parent(path) or os.path.dirname(path)) from exc
        if os.path.islink(path):
            raise InputError("symlink-dangling", path, target=os.readlink(path)) from exc
        if exc.errno == errno.ENAMETOOLONG:
            raise InputError("unreadable", path, detail=exc.strerror) from exc
        raise InputError("file-not-found", path) from exc


def expand(path: str, st: os.stat_result, recursive: bool, exclude: frozenset = frozenset()) -> list[str]:
    """The supported files of a directory, sorted; hidden files and ``exclude`` left out."""
    found: list[str] = []

    def walk_error(exc: OSError) -> None:
        raise InputError("dir-not-searchable", path, folder=exc.filename or path)

    if not os.access(path, os.R_OK | os.X_OK):
        raise InputError("dir-not-searchable", path, folder=path)
    for root, dirs, files in os.walk(path, onerror=walk_error, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        for name in sorted(files):
            full = os.path.join(root, name)
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in SUPPORTED:
                continue
            if os.path.realpath(full) in exclude:
                continue
            found.append(full)
    if not found:
        raise InputError("dir-no-inputs", path, recursive="" if recursive else "--recursive",
                         exts=" ".join(SUPPORTED))
    return found


def is_stream(path: str, st: os.stat_result | None) -> bool:
    return st is None or stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISSOCK(st.st_mode)


def materialise(path: str, st: os.stat_result | None, wait: float) -> str:
    """Copy a stream into a temporary file (once per process) and return that file's path."""
    if path in _streams:
        return _streams[path]
    fd_owned = False
    if path == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError("stdin-is-terminal", path)
        fd = sys.stdin.fileno()
    else:
        named_fifo = st is not None and stat.S_ISFIFO(st.st_mode) and not _is_fd_alias(path)
        try:
            fd = os.open(path, os.O_RDONLY | (os.O_NONBLOCK if named_fifo else 0))
        except OSError as exc:
            raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
        fd_owned = True
        if named_fifo:
            _wait_for_writer(fd, path, wait)
            os.set_blocking(fd, True)
    fh, tmp = tempfile.mkstemp(prefix="sxcheck-stdin-")
    try:
        with os.fdopen(fh, "wb") as out:
            while True:
                try:
                    block = os.read(fd, 1 << 20)
                except BlockingIOError:
                    select.select([fd], [], [])
                    continue
                if not block:
                    break
                out.write(block)
    except OSError as exc:
        os.unlink(tmp)
        raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
    finally:
        if fd_owned:
            os.close(fd)
    _streams[path] = tmp
    if path in STDIN_NAMES:  # "-" and "/dev/stdin" are the same stream
        for alias in STDIN_NAMES:
            _streams[alias] = tmp
    return tmp


def _is_fd_alias(path: str) -> bool:
    real = os.path.realpath(path)
    return path in STDIN_NAMES or path.startswith(("/dev/fd/", "/proc/self/fd/")) or real.startswith("/proc/")


def _wait_for_writer(fd: int, path: str, wait: float) -> None:
    """A named pipe opened without blocking: wait for the first data (or EOF after a writer)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.close(fd)
            raise InputError("fifo-no-writer", path, seconds=f"{wait:g}")
        if poller.poll(int(left * 1000) + 1):
            return


def sniff(path: str) -> str | None:
    """The format the first bytes say: xlsx, xls, html, spreadsheetml, json, jsonl, csv (None: empty)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
    if not head.strip():
        return None
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    low = text[:4096].lower()
    if text.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head and b"<workbook" in head.lower():
            return "spreadsheetml"
        if any(tag in head.lower() for tag in (b"<table", b"<html", b"<!doctype html")):
            return "html"
    if low.startswith((b"{", b"[")):
        first, _, rest = text.partition(b"\n")
        if first.strip().startswith(b"{") and rest.lstrip().startswith(b"{") and first.rstrip().endswith(b"}"):
            return "jsonl"
        return "json"
    return "csv"
