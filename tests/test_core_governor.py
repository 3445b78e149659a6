"""validators.core.governor: past its first chunks, a chunk that raises the run's peak makes the
next ones smaller, and the findings do not depend on the chunk size."""
import itertools

import pytest

from validators.core import governor
from validators.read import csvfile, open_tables


class _Table:
    chunk_rows = None


def _governed(peaks, **kw):
    it = iter(peaks)
    table, gov = _Table(), None
    sizes = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(governor, "_peak", lambda: next(it))
        gov = governor.ChunkGovernor(**kw)
        for _ in range(len(peaks) - 1):
            gov.after_chunk(table, table.chunk_rows or 50_000)
            sizes.append(table.chunk_rows or 50_000)
    return sizes, gov


def test_the_first_chunks_set_the_level_and_a_new_peak_after_them_shrinks_the_next():
    # start, then 8 chunks rising (settling: no change), then a flat one, a new peak, a lower one
    sizes, gov = _governed([100, 110, 120, 130, 140, 150, 160, 170, 180, 180, 190, 185])
    assert sizes[:8] == [50_000] * 8
    assert sizes[8:] == [50_000, 45_000, 45_000]
    assert gov.shrunk == 1


def test_chunks_never_go_under_the_least_and_without_a_peak_nothing_changes():
    sizes, _ = _governed(list(range(100)), settle=0)
    assert min(sizes) == governor.LEAST and sizes[-1] == governor.LEAST
    sizes, gov = _governed([None] * 20, settle=0)
    assert set(sizes) == {50_000} and gov.shrunk == 0


def _csv(path, rows: int, repeat: int = 6):
    text = "申请人向窗口提交材料，窗口工作人员当场受理并出具受理通知书。" * repeat
    with open(path, "w", encoding="utf-8") as f:
        f.write("事项名称,实施编码,事项类型,办理流程\n")
        for i in range(rows):
            kind = "01" if i % 5 else ("" if i % 2 else "99")
            code = f"1145072100811537184452004{i % 9000:06d}"        # repeats: duplicates across chunks
            f.write(f"事项{i},{code},{kind},{text}\n" if i % 97 else "\n")
    return path


def test_the_csv_reader_takes_the_chunk_size_at_each_chunk(tmp_path):
    table = open_tables(str(_csv(tmp_path / "guides.csv", 30_000)))[0]
    table.chunk_rows = 12_000   # a chunk is whole blocks of 1 MiB: ~4,500 of these rows
    gen = table._chunker(table)
    first = next(gen)
    table.chunk_rows = 2000
    rest = list(gen)
    assert 12_000 <= len(first) < 17_000 and all(len(c) < 5000 for c in rest) and len(rest) >= 3
    rows = [r for c in [first, *rest] for r in c["_row"].tolist()]
    assert rows == list(range(2, 30_002))


def test_findings_do_not_depend_on_chunks_made_smaller_during_the_run(tmp_path, monkeypatch):
    from validators import validate

    path = str(_csv(tmp_path / "guides.csv", 30_000, repeat=30))   # ~1,000 rows a 1 MiB block
    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 4000)

    def findings():
        report = validate(path)
        return sorted((f.row or 0, f.code, f.field or "", str(f.value)) for f in report.findings())

    monkeypatch.setattr(governor, "_peak", lambda: None)
    steady = findings()
    rising = itertools.count()
    monkeypatch.setattr(governor, "_peak", lambda: next(rising))
    monkeypatch.setattr(governor, "SETTLE", 1)
    monkeypatch.setattr(governor, "LEAST", 1000)
    sizes = []
    real = governor.ChunkGovernor.after_chunk
    monkeypatch.setattr(governor.ChunkGovernor, "after_chunk",
                        lambda self, table, rows: (real(self, table, rows), sizes.append(rows)))
    assert findings() == steady and any(f[1] == "task-code-duplicate" for f in steady)
    assert len(sizes) >= 6 and sizes[0] >= 4000 and min(sizes[:-1]) < 3000
