"""What one read may cost, and the input options that are not per call.

The defaults let real exports through (a million-row 实施清单 is about 40 million cells) and stop
files built to exhaust memory: an XLSX whose few megabytes expand to gigabytes of XML, or one
shared string referenced by every cell.  People who really have bigger files raise the limits:

    sxcheck validate big.xlsx --max-cells 80000000 --max-uncompressed-mb 8192
    with read_options(max_cells=80_000_000): validate("big.xlsx")       # library

``read_options`` also carries ``json_path`` (which list of a JSON envelope holds the records),
``recursive`` (a directory input descends into sub-directories) and ``stream_wait`` (seconds to
wait for a writer on a named pipe before giving up; environment ``SXCHECK_STREAM_WAIT``).
"""
from __future__ import annotations

import contextlib
import contextvars
import os
from dataclasses import dataclass, field, replace
from typing import Iterator


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class ReadOptions:
    max_cells: int = 50_000_000            # cells of one sheet (and rows × columns it spans)
    max_uncompressed_mb: int = 4096        # XML one XLSX part expands to; text one read materialises
    max_ratio: int = 100                   # uncompressed/compressed of one XLSX part above 16 MiB
    max_cell_kb: int = 64 * 1024           # one CSV/JSON cell (a larger one is refused, not truncated)
    json_path: str | None = None
    recursive: bool = False
    stream_wait: float = field(default_factory=lambda: _env_float("SXCHECK_STREAM_WAIT", 10.0))
    exclude: frozenset = frozenset()       # real paths a directory input leaves out (our outputs)

    @property
    def max_uncompressed_bytes(self) -> int:
        return int(self.max_uncompressed_mb) << 20


RATIO_FLOOR = 16 << 20    # parts smaller than this are never refused for their ratio

_CURRENT: contextvars.ContextVar[ReadOptions] = contextvars.ContextVar("sxcheck_read_options",
                                                                       default=ReadOptions())


def current() -> ReadOptions:
    return _CURRENT.get()


@contextlib.contextmanager
def read_options(**changes) -> Iterator[ReadOptions]:
    """Use these options (None values keep the current ones) for reads inside the block."""
    opts = replace(current(), **{k: v for k, v in changes.items() if v is not None})
    token = _CURRENT.set(opts)
    try:
        yield opts
    finally:
        _CURRENT.reset(token)
