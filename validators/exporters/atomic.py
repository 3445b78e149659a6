"""Atomic output files: written beside the target under a temporary name, renamed when complete.

A full disk, an interrupt (Ctrl-C) or SIGTERM in the middle of a write leaves no partial file:
the temporary file is removed and the target keeps what it had before.  ``OutputError`` names the
target file (not the temporary one) so the message a person sees is about the file they asked for.

    with atomic_open("report.json", "w") as fh:      # text or binary stream
        fh.write(...)
    with atomic_path("report.xlsx") as tmp:           # for writers that want a path
        workbook.save(tmp)
"""
from __future__ import annotations

import atexit
import contextlib
import os
import signal
import tempfile
import threading
from typing import IO, Iterator


class OutputError(OSError):
    """Writing an output failed; ``filename`` is the target path, the temporary file is gone."""


def _tmp_name(path: str) -> tuple[str, str]:
    target = os.path.abspath(path)
    folder = os.path.dirname(target) or "."
    base, ext = os.path.splitext(os.path.basename(target))
    # same directory (rename stays atomic, same file system); same extension (writers pick by it)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=f".part{ext}", dir=folder)
    _PENDING.add(tmp)
    os.close(fd)
    return target, tmp


@contextlib.contextmanager
def _signals_held():
    """Defer SIGINT/SIGTERM for a few statements; one that came meanwhile acts right after.

    Python runs signal handlers in the main thread between bytecodes, whatever thread the signal
    was delivered to, so blocking it (pthread_sigmask) is not enough: the handlers are swapped
    for recorders instead.  Outside the main thread signals cannot arrive there anyway.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    saved = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):
            saved[sig] = signal.signal(sig, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        for sig in got:
            handler = saved.get(sig)
            if callable(handler):
                handler(sig, None)            # raises KeyboardInterrupt / Terminated here
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), sig)     # the default action, now that it is restored


def _discard(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    _PENDING.discard(tmp)


# Temporary files not yet renamed or removed.  An interrupt can land between two statements of
# the context managers (after a generator yielded, before the ``with`` body took over); whatever
# is still here when the interpreter exits is removed then.
_PENDING: set[str] = set()


@atexit.register
def _discard_pending() -> None:
    for tmp in list(_PENDING):
        _discard(tmp)


def _fail(exc: OSError, target: str) -> OutputError:
    err = OutputError(exc.errno, exc.strerror or str(exc))
    err.filename = target
    return err


def _commit(tmp: str, target: str) -> None:
    try:
        mode = os.stat(target).st_mode & 0o777 if os.path.exists(target) else 0o666 & ~_umask()
        os.chmod(tmp, mode)  # mkstemp makes 0600; keep the permissions a plain open() would give
    except OSError:
        pass
    os.replace(tmp, target)
    _PENDING.discard(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """Yield a temporary path in the target's directory; rename it onto ``path`` on success."""
    tmp = None
    try:
        # signals held while the file is created and named: a Ctrl-C delivered right after
        # still finds ``tmp`` set, and the file is removed
        with _signals_held():
            target, tmp = _tmp_name(path)
        yield tmp
        _commit(tmp, target)
    except OSError as exc:
        if tmp:
            _discard(tmp)
        if isinstance(exc, OutputError):
            raise
        raise _fail(exc, os.path.abspath(path) if tmp is None else path) from None
    except BaseException:
        if tmp:
            _discard(tmp)
        raise


@contextlib.contextmanager
def atomic_open(path: str, mode: str = "w", *, encoding: str | None = "utf-8",
                errors: str = "backslashreplace", newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing; on success flush, fsync and rename it onto ``path``.

    Text mode writes UTF-8 with ``errors="backslashreplace"``: a lone surrogate from the data
    becomes ``\\udXXX`` (in JSON a valid escape), never a UnicodeEncodeError.
    """
    binary = "b" in mode
    with atomic_path(path) as tmp:
        # closed explicitly below, not by ``with``: an error while closing after a failed write
        # must not replace the first error, and ENOSPC on the final close must be reported
        kwargs = {} if binary else {"encoding": encoding, "errors": errors, "newline": newline}
        fh = open(tmp, mode, **kwargs)  # noqa: SIM115
        try:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(OSError):  # the first error is the one to report
                fh.close()
            raise
        fh.close()  # ENOSPC may only show here: atomic_path then discards the file


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as an exception so that every ``with`` block cleans up."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised through a subprocess test
    raise Terminated()


def install_sigterm_handler() -> None:
    """Turn SIGTERM into :class:`Terminated` (a KeyboardInterrupt) in the main thread."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread / not supported
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_sigterm)


def same_file(a: str, b: str) -> bool:
    """Do two paths name the same file (links and relative paths resolved)?"""
    if a in ("-", None) or b in ("-", None):
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def output_clash(inputs, outputs) -> str | None:
    """The first output path that is also an input file (writing it would destroy the input)."""
    for out in outputs:
        if not out:
            continue
        for inp in inputs:
            if inp and not os.path.isdir(inp) and same_file(inp, out):
                return out
    return None
