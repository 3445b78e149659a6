"""Arrays that last a run (the 实施编码 filters, the unit tally) live in mappings of their own,
not in malloc's heap, and behave as the np.zeros they replace."""
import mmap

import numpy as np
import pytest

from validators.core import lasting
from validators.core.valueindex import _Filters
from validators.report.report import UnitCounts


def _mapped(a) -> bool:
    while isinstance(a, np.ndarray | memoryview):
        a = a.base if isinstance(a, np.ndarray) else a.obj
    return isinstance(a, mmap.mmap)


@pytest.mark.parametrize(("shape", "dtype"), [((1 << 16, 8), np.uint32), ((200_000, 2), np.int32),
                                              (3, np.int64), ((0, 2), np.int32), ((64, 2), np.int32)])
def test_zeros_are_np_zeros(shape, dtype):
    a, b = lasting.zeros(shape, dtype), np.zeros(shape, dtype=dtype)
    assert a.shape == b.shape and a.dtype == b.dtype and a.flags.writeable and a.flags.c_contiguous
    assert np.array_equal(a, b)
    mapped = _mapped(a)
    assert mapped == (b.nbytes >= 1 << 16)      # small ones stay on the heap
    if a.size:
        a.reshape(-1)[-1] = 7
        assert a.reshape(-1)[-1] == 7 and a.sum() == 7


def test_the_run_long_state_is_mapped_outside_the_heap():
    filters = _Filters(1 << 20)
    filters.add(np.arange(1, 1000, dtype=np.uint64))
    assert all(_mapped(f.words) for f in filters.filters)
    assert filters.holds(np.arange(1, 1000, dtype=np.uint64)).all()
    units = UnitCounts()
    units.add([f"单位{i}" for i in range(20_000)], np.ones(20_000, dtype=np.int64), np.zeros(20_000, dtype=np.int64))
    assert _mapped(units._counts)
    assert units["单位19999"] == [1, 0] and len(units) == 20_000
