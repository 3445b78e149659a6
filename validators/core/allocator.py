"""Settings of arrow's allocator, made before pyarrow loads (mimalloc reads them once, then).

pyarrow allocates through mimalloc, which by default asks the kernel for transparent huge pages
on its arenas where the kernel grants them on request (``madvise`` mode, the common default).
A 2 MiB page then stays resident while any block in it is live, and each chunk's columns leave
live blocks scattered over many pages: a million-row run peaked ~30 MB higher with them, and the
excess grew with the run (the 3M run ~10 MB more than the 1M run).  With 4 KiB pages the
peak follows what is live; the time is the same.

:func:`prefer_small_pages` sets the default without overriding a setting of the user's; the
command line calls it first thing.  A program using the library sets ``MIMALLOC_ALLOW_THP=0``
in its environment or calls the function before it imports pyarrow; afterwards it does nothing.
"""
from __future__ import annotations

import os
import sys

SETTINGS = {"MIMALLOC_ALLOW_THP": "0"}


def prefer_small_pages() -> bool:
    """Set :data:`SETTINGS` in the environment where the user has not; False (and nothing set)
    once pyarrow is loaded, since mimalloc has read its options by then."""
    if "pyarrow" in sys.modules:
        return False
    for name, value in SETTINGS.items():
        os.environ.setdefault(name, value)
    return True
