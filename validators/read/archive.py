"""Archive guard: an XLSX/ODS is checked before calamine reads it, so a small file cannot make a
read allocate gigabytes.

Three ways a few megabytes become gigabytes, each checked from the zip without building cells:

1. a part that expands far (declared size above ``max_uncompressed_mb``, or a ratio above
   ``max_ratio`` for parts above 16 MiB — real sheet XML compresses 5–30×);
2. cells placed far apart (``A1`` and ``XFD1048576``): the reader allocates the whole rectangle,
   so rows × columns of each sheet must stay within ``max_cells``;
3. one long shared string referenced by many cells: every reference becomes its own copy, so the
   text the sheets reference (sum of the referenced strings' sizes) must stay within
   ``max_uncompressed_mb``.

The sheets are scanned in a streaming pass over their XML (bytes regexes, one match per row or per
shared-string cell), only when the cheap bounds from the sizes cannot rule the danger out.
"""
from __future__ import annotations

import re
import zipfile
from array import array

from validators.read.base import InputError
from validators.read.limits import RATIO_FLOOR, ReadOptions

CHUNK = 8 << 20
MIN_CELL_BYTES = 12            # '<c r="A1"/>' is the smallest cell a sheet can hold
_SI = re.compile(rb"<(?:\w+:)?si[ >]")
_PREFIX = re.compile(rb"<(\w+:)?sheetData[ >/]")
_WIDEST = {1: 26, 2: 702, 3: 16384}


class _Patterns:
    """Literal-prefixed patterns for one sheet's namespace prefix (``<c``, or ``<x:c`` …): a
    literal start lets the regex engine skip ahead instead of trying every ``<``."""

    def __init__(self, prefix: bytes):
        p = re.escape(b"<" + prefix)
        self.row = re.compile(p + rb'row r="([0-9]{1,7})"')
        # cell references by the length of their column letters: longer letters are further right
        self.ref = {n: re.compile(p + rb'c r="([A-Z]{%d})[0-9]' % n) for n in (1, 2, 3)}
        self.shared = re.compile(rb't="s"[^>]*>\s*' + p + rb"v>([0-9]{1,10})</")
        self.cell_open = (b"<" + prefix + b"c ", b"<" + prefix + b"c>")
        self._p = p
        self._beyond: dict[bytes, re.Pattern] = {}

    def beyond(self, letters: bytes) -> re.Pattern:
        """A cell reference right of column ``letters`` (more letters, or as many and greater)."""
        found = self._beyond.get(letters)
        if found is None:
            n = len(letters)
            alts = [rb"[A-Z]{%d}" % m for m in range(n + 1, 4)]
            for i in range(n):
                if letters[i] < ord("Z"):
                    alts.append(letters[:i] + b"[%c-Z]" % (letters[i] + 1) + b"[A-Z]" * (n - i - 1))
            body = b"|".join(alts) or rb"(?!)"
            found = self._beyond[letters] = re.compile(self._p + rb'c r="(?:' + body + rb")[0-9]")
        return found


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f}"


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def check_archive(path: str, opts: ReadOptions, shown: str | None = None, sheets=None) -> None:
    """Raise InputError (exit 3) when reading ``path`` would exceed the limits in ``opts``.

    ``shown`` is the name messages use (the path as given, when ``path`` is a copy of a stream).
    ``sheets``: the worksheet members whose cells are counted here (None: all of them; the
    streaming XLSX reader counts the cells of the sheets it reads itself, as they are inflated).
    """
    shown = shown or path
    try:
        if not zipfile.is_zipfile(path):
            return  # .xls (OLE2) is read as it is: its size on disk bounds what it holds
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return  # calamine reports the corruption in its own words
    with zf:
        infos = zf.infolist()
        limit = opts.max_uncompressed_bytes
        for info in infos:
            size, packed = info.file_size, max(info.compress_size, 1)
            if size > limit:
                raise InputError("archive-part-too-large", shown, part=info.filename, size_mb=_mb(size),
                                 limit_mb=opts.max_uncompressed_mb)
            if size > RATIO_FLOOR and size / packed > opts.max_ratio:
                raise InputError("archive-ratio", shown, part=info.filename, ratio=f"{size / packed:,.0f}",
                                 limit=opts.max_ratio, size_mb=_mb(size))
        names = {i.filename: i for i in infos}
        if "content.xml" in names and "xl/workbook.xml" not in names:
            _check_ods(zf, names["content.xml"], shown, opts)
            return
        members = sheets
        sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
                  and (members is None or i.filename in members)]
        if not sheets:
            return
        sst = names.get("xl/sharedStrings.xml")
        lengths = _shared_lengths(zf, sst) if sst is not None else array("q")
        longest = max(lengths) if lengths else 0
        cells_bound = sum(i.file_size for i in infos if i.filename.startswith("xl/worksheets/")
                          and i.filename.endswith(".xml")) // MIN_CELL_BYTES
        for sheet in sheets:
            _check_sheet(zf, sheet, shown, opts, lengths, longest, cells_bound)


def _shared_lengths(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> array:
    """Byte length of each shared string's XML (an upper bound on its text)."""
    starts = array("q")
    offset = 0
    tail = b""
    with zf.open(info) as fh:
        while True:
            block = fh.read(CHUNK)
            data = tail + block
            base = offset - len(tail)
            stop = len(data) - 8 if block else len(data)  # a tag cut at the end is found next time
            for m in _SI.finditer(data):
                if m.start() >= stop:
                    break
                starts.append(base + m.start())
            tail = data[max(stop, 0):]
            offset += len(block)
            if not block:
                break
    ends = starts[1:] + array("q", [offset])
    return array("q", (e - s for s, e in zip(starts, ends, strict=False)))


def _check_sheet(zf, info, path: str, opts: ReadOptions, lengths: array, longest: int, cells_bound: int) -> None:
    """Cells, rows × columns spanned and shared-string text of one sheet, from its XML.

    Each test is a substring count or a literal-prefixed regex over 8 MiB blocks; for the rightmost
    column only references of the widest letter class seen so far are compared.
    """
    limit = opts.max_uncompressed_bytes
    need_refs = bool(longest) and cells_bound * longest > limit
    import numpy as np

    lens = np.frombuffer(lengths, dtype=np.int64) if need_refs else None
    # cells without references can only be as many as the XML has room for
    need_cells = info.file_size // MIN_CELL_BYTES > opts.max_cells
    pat = None
    cells = referenced = max_row = max_col = 0
    letters = 1          # length of the longest column letters seen so far
    widest = b""         # the rightmost column's letters so far
    tail = b""
    with zf.open(info) as fh:
        while True:
            block = fh.read(CHUNK)
            data = tail + block
            if block:
                cut = data.rfind(b"</row>")
                if cut < 0 and len(data) < (64 << 20):
                    tail = data
                    continue
                cut = cut + 6 if cut >= 0 else len(data) - 64
                part, tail = data[:cut], data[cut:]
            else:
                part, tail = data, b""
            if pat is None:
                m = _PREFIX.search(part)
                pat = _Patterns(m.group(1) or b"" if m else b"")
            if need_cells:
                cells += sum(part.count(tag) for tag in pat.cell_open)
            rows = pat.row.findall(part)
            if rows:
                max_row = max(max_row, max(map(int, rows)))
            # a block holding no reference right of the rightmost column so far cannot move it
            # (one search); only then are its references listed
            for n in (3, 2, 1) if pat.beyond(widest).search(part) else ():
                if n < letters:
                    break
                found = pat.ref[n].findall(part)
                if found:
                    letters = n
                    top = max(found)
                    if _col_number(top) > max_col:
                        max_col, widest = _col_number(top), top
                    break
            if lens is not None:
                idx = np.array(pat.shared.findall(part), dtype=np.int64)
                if idx.size:
                    idx = idx[idx < lens.size]
                    referenced += int(lens[idx].sum())
            span = max_row * max(max_col, 1)
            if cells > opts.max_cells or span > opts.max_cells:
                raise InputError("archive-too-many-cells", path, part=info.filename,
                                 cells=f"{max(cells, span):,}", limit=f"{opts.max_cells:,}")
            if referenced > limit:
                raise InputError("archive-amplified", path, part=info.filename, size_mb=_mb(referenced),
                                 limit_mb=opts.max_uncompressed_mb)
            if not block:
                break


_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*)>(.*?)</table:table-row>", re.S)
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?table-cell>)", re.S)
_ODS_ROWS_REP = re.compile(rb'number-rows-repeated="([0-9]{1,9})"')
_ODS_COLS_REP = re.compile(rb'number-columns-repeated="([0-9]{1,9})"')


def _check_ods(zf, info, path: str, opts: ReadOptions) -> None:
    """ODS repeats a cell with ``number-columns-repeated`` and a row with ``number-rows-repeated``:
    one short row can stand for a billion copies of a long text.  Count what the repeats expand to
    (empty cells cost nothing); only files that repeat something are scanned row by row."""
    cells = text = 0
    tail = b""
    with zf.open(info) as fh:
        head = fh.read(CHUNK)
        if not (_ODS_ROWS_REP.search(head) or _ODS_COLS_REP.search(head)) and len(head) < CHUNK:
            return
        block = head
        while True:
            data = tail + block
            cut = data.rfind(b"</table:table-row>") + len(b"</table:table-row>") if block else len(data)
            part, tail = data[:cut], data[cut:]
            for row in _ODS_ROW.finditer(part):
                m = _ODS_ROWS_REP.search(row.group(1))
                rows = int(m.group(1)) if m else 1
                for cell in _ODS_CELL.finditer(row.group(2)):
                    body = cell.group(2) or b""
                    if not body.strip() and b"value=" not in cell.group(1):
                        continue
                    m = _ODS_COLS_REP.search(cell.group(1))
                    cols = int(m.group(1)) if m else 1
                    cells += rows * cols
                    text += rows * cols * len(body)
            if cells > opts.max_cells:
                raise InputError("archive-too-many-cells", path, part=info.filename, cells=f"{cells:,}",
                                 limit=f"{opts.max_cells:,}")
            if text > opts.max_uncompressed_bytes:
                raise InputError("archive-amplified", path, part=info.filename, size_mb=_mb(text),
                                 limit_mb=opts.max_uncompressed_mb)
            if not block:
                break
            block = fh.read(CHUNK)
