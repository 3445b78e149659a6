"""Bytes kept on disk while a scan goes on: the packed findings frames of a :class:`Report`.

Pickled and zstd-compressed per chunk, a scan's findings still grow with the file (~16 MB a
million rows of a messy export, 1.4 MB of a mostly clean one), and so did the run's memory.
Appended to one temporary file instead, they cost the scan nothing until the report is read
back; the file has no name (``tempfile.TemporaryFile``) and goes with the process.  Where no
temporary file can be made or written, the bytes stay in memory, as they did before.
"""
from __future__ import annotations

import tempfile
import weakref
from dataclasses import dataclass


@dataclass(frozen=True)
class Stored:
    """Where :meth:`Spill.put` wrote some bytes."""

    spill: Spill
    offset: int
    length: int

    def read(self) -> bytearray:
        return self.spill.read(self.offset, self.length)


class Spill:
    """An append-only temporary file of byte strings, each read back by its :class:`Stored`."""

    def __init__(self):
        self._file = None
        self._end = 0
        self._failed = False

    def put(self, data: bytes) -> Stored | bytes:
        """``data`` written to the file, or ``data`` itself once the disk has failed."""
        if self._failed:
            return data
        try:
            if self._file is None:
                # unbuffered: a full disk shows here, at the write, not later when it is read
                self._file = tempfile.TemporaryFile(prefix="sxcheck-findings-", buffering=0)  # noqa: SIM115 - closed by close()
                # a report dropped unread closes its file too (no ResourceWarning)
                weakref.finalize(self, self._file.close)
            self._file.seek(self._end)
            view = memoryview(data)
            while view:
                view = view[self._file.write(view):]
        except OSError:
            self._failed = True     # what was written stays readable; nothing more is written
            return data
        at, self._end = self._end, self._end + len(data)
        return Stored(self, at, len(data))

    def read(self, offset: int, length: int) -> bytearray:
        self._file.seek(offset)
        out = bytearray(length)
        view, got = memoryview(out), 0
        while got < length:
            n = self._file.readinto(view[got:])
            if not n:
                raise OSError("the temporary file of findings was cut short")
            got += n
        return out

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
