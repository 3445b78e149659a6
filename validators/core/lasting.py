"""Arrays that last a whole run, mapped on their own instead of taken from malloc's heap.

A run's growing state (the 实施编码 filters, the unit tally) is allocated now and then and lives
on while each chunk's columns come and go around it.  Taken from malloc's heap, such a block
outlives the chunks allocated beside it and keeps the heap from giving back what they freed.
An anonymous mapping holds nothing but the array, is returned to the system whole when the
array goes, and its pages cost memory only once written.
"""
from __future__ import annotations

import mmap

import numpy as np

_SMALL = 1 << 16     # bytes: below this, malloc's heap is the better place


def zeros(shape, dtype) -> np.ndarray:
    """``np.zeros(shape, dtype)``, in its own mapping when it is not small."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64))
    size = count * dtype.itemsize
    if size < _SMALL:
        return np.zeros(shape, dtype=dtype)
    return np.frombuffer(_mapping(size), dtype=dtype, count=count).reshape(shape)


def _mapping(size: int) -> mmap.mmap:
    """Zeroed memory of ``size`` bytes: private (plain anonymous memory, not shared with a child
    process) where the system has the flag, as on Linux and macOS."""
    if hasattr(mmap, "MAP_PRIVATE") and hasattr(mmap, "MAP_ANONYMOUS"):
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return mmap.mmap(-1, size)
