"""Streaming XLSX sheet scanner: a worksheet's cells, block by block, without building the sheet.

The sheet XML is inflated from the zip a few megabytes at a time (ISA-L when ``isal`` is
installed: twice zlib's speed) and cut after a ``</row>``.  Each block is scanned with numpy, never
cell by cell in Python: the positions of every ``<`` give the tags, a cell is ``<c ``, its type is
the ``t="…"`` that ends its tag, its value the text between the next tags; row numbers come from
the ``<row r="N"`` tags, columns from the letters of ``r="AB12"``.  Shared-string cells and plain
inline strings (the two shapes of real exports) become Arrow text with a ``take`` from the shared
strings or a string-view over the block; every other cell (numbers, booleans, formulas, rich
text, entities, ``_xHHHH_`` escapes, edge whitespace) is read in Python by :func:`_cell_value`,
which gives what calamine gives.  What neither recognises raises :class:`Irregular`, and the
caller reads the sheet with calamine instead: the scanner never guesses.

Where the package was built with a C compiler, ``_xlsxcells.c`` classifies a block's cells in one
walk from tag to tag instead of the numpy passes (about a third of their CPU), without the GIL;
it gives the same cells (``tests/test_read_xlsx_stream.py`` runs every case on both), and the
text is then cut out in Arrow as above.

Text follows calamine: line ends ``\\r\\n``/``\\r`` become ``\\n``, entities are replaced, a
``<t>`` without ``xml:space="preserve"`` loses its edge XML whitespace, then ``_xHHHH_`` escapes
are decoded; phonetic runs (``<rPh>``) are left out.

The archive guard's limits hold for what is inflated: a part that expands beyond
``max_uncompressed_mb``, more cells or a wider rows × columns span than ``max_cells``, and shared
strings referenced for more text than ``max_uncompressed_mb`` are refused with the guard's
messages, as the blocks pass.
"""
from __future__ import annotations

import re
import struct
import threading
import zipfile
from typing import Any, Iterator

from validators.read.base import InputError

BLOCK = 8 << 20
_PIECE = 1 << 20
_PAD = b"\0" * 48
_WS = " \t\n\r"


class Irregular(Exception):
    """XML the scanner does not read exactly: the sheet goes to calamine."""


# ---------------------------------------------------------------- workbook parts

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# builtin number formats that are no date, time or duration: calamine gives their numbers as floats
_PLAIN_FORMATS = {0, 1, 2, 3, 4, 9, 10, 11, 12, 13, 37, 38, 39, 40, 48, 49}


class Book:
    """The parts of an XLSX the scanner needs: sheet names → members, shared strings, styles."""

    def __init__(self, path: str):
        import xml.etree.ElementTree as ET

        self.path = path
        self.zf = zipfile.ZipFile(path)
        names = {i.filename: i for i in self.zf.infolist()}
        book = ET.fromstring(self.zf.read("xl/workbook.xml"))
        rels = ET.fromstring(self.zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        self.sheets: dict[str, str | None] = {}
        for s in book.iter(f"{{{_NS_MAIN}}}sheet"):
            target = targets.get(s.get(f"{{{_NS_REL}}}id")) or ""
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            ok = member in names and member.startswith("xl/worksheets/") and "/../" not in member
            self.sheets[s.get("name")] = member if ok else None
        self.infos = names
        self._sst = None
        self._styles = None
        self._lock = threading.Lock()     # the parts below are loaded once, by whichever scan thread asks first

    def close(self) -> None:
        self.zf.close()

    def shared(self):
        """(shared strings as an Arrow string array, their XML lengths as int64 numpy) — loaded once."""
        with self._lock:
            return self._shared()

    def _shared(self):
        if self._sst is None:
            import numpy as np
            import pyarrow as pa

            info = self.infos.get("xl/sharedStrings.xml")
            if info is None:
                self._sst = (pa.array([], pa.large_string()), np.zeros(0, np.int64))
            else:
                xml = b"".join(inflate(self.zf, info, self.path))
                self._sst = _shared_fast(xml)
                if self._sst is None:
                    from validators.read.archive import _shared_lengths

                    lengths = np.frombuffer(_shared_lengths(self.zf, info), dtype=np.int64)
                    texts = _shared_texts(xml)
                    if len(texts) != len(lengths):
                        raise Irregular("shared strings")
                    self._sst = (pa.array(texts, pa.large_string()), lengths)
        return self._sst

    def plain_styles(self) -> set[int] | None:
        """Indexes of cellXfs whose number format shows a plain number (None: no styles part)."""
        with self._lock:
            return self._plain_styles()

    def _plain_styles(self) -> set[int] | None:
        if self._styles is None:
            import xml.etree.ElementTree as ET

            info = self.infos.get("xl/styles.xml")
            plain: set[int] = set()
            if info is not None:
                root = ET.fromstring(self.zf.read(info))
                xfs = root.find(f"{{{_NS_MAIN}}}cellXfs")
                for i, xf in enumerate(xfs if xfs is not None else []):
                    try:
                        if int(xf.get("numFmtId") or 0) in _PLAIN_FORMATS:
                            plain.add(i)
                    except ValueError:
                        pass
            else:
                plain = {0}
            self._styles = plain
        return self._styles


def inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, limit: int | None = None) -> Iterator[bytes]:
    """The member's bytes, a block at a time; refused past ``limit`` inflated bytes."""
    if info.flag_bits & 1:
        raise Irregular("encrypted")
    if info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            from isal import isal_zlib as zl
        except ImportError:  # pragma: no cover - isal is a dependency; zlib gives the same bytes
            import zlib as zl
        with open(zf.filename, "rb") as fh:
            fh.seek(info.header_offset)
            head = fh.read(30)
            if head[:4] != b"PK\x03\x04":
                raise Irregular("zip header")
            n, m = struct.unpack("<HH", head[26:30])
            fh.seek(info.header_offset + 30 + n + m)
            d = zl.decompressobj(-15)
            left = info.compress_size
            done = 0
            while left > 0:
                raw = fh.read(min(1 << 20, left))
                if not raw:
                    break
                left -= len(raw)
                # output pieces of at most a megabyte: the allocator reuses their memory, where
                # pieces of ten (a megabyte of a sheet inflates tenfold) come fresh from the system
                # each time, and faulting their pages in cost as much as the inflating
                while True:
                    out = d.decompress(raw, _PIECE)
                    raw = d.unconsumed_tail
                    done += len(out)
                    if limit is not None and done > limit:
                        _too_large(info, shown, done, limit)
                    if out:
                        yield out
                    if not raw and len(out) < _PIECE:    # input used up, no output held back
                        break
            rest = d.flush()
            if rest:
                yield rest
        return
    with zf.open(info) as fh:
        done = 0
        while chunk := fh.read(1 << 20):
            done += len(chunk)
            if limit is not None and done > limit:
                _too_large(info, shown, done, limit)
            yield chunk


def _too_large(info, shown: str, size: int, limit: int):
    from validators.read.archive import _mb

    raise InputError("archive-part-too-large", shown, part=info.filename, size_mb=_mb(size),
                     limit_mb=limit >> 20)


# ---------------------------------------------------------------- text as calamine reads it

_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _entity(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        raise Irregular("character reference")
    return chr(code)


def _escape(m: re.Match) -> str:
    code = int(m.group(1), 16)
    if 0xD800 <= code <= 0xDFFF or code >= 0xFFFE:
        raise Irregular("_x escape")   # calamine keeps some of these as they are: not guessed
    return chr(code)


def xml_text(raw: bytes, trim: bool) -> str:
    """One ``<t>`` (or ``<v>``) text as calamine gives it."""
    try:
        s = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Irregular("utf-8") from exc
    if "<" in s:
        raise Irregular("markup in text")      # CDATA, comments, processing instructions
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in s:
        s = _ENTITY.sub(_entity, s)
        if "&" in _ENTITY.sub("", raw.decode("utf-8")):
            raise Irregular("entity")
    if trim:
        s = s.strip(_WS)
    if "_x" in s:
        s = _ESCAPE.sub(_escape, s)
    return s


_PATTERNS: dict[bytes, tuple] = {}


def _patterns(p: bytes) -> tuple:
    """Compiled patterns for one namespace prefix (``b""`` or ``b"x:"``)."""
    got = _PATTERNS.get(p)
    if got is None:
        e = re.escape(p)
        got = _PATTERNS[p] = (
            re.compile(b"<" + e + b"rPh[ >].*?</" + e + b"rPh>", re.S),
            re.compile(b"<" + e + b"t(/>|>| [^>]*/>| [^>]*>)"),
            re.compile(b"<" + e + b"is>(.*)</" + e + b"is>", re.S),
            re.compile(b"<" + e + b"v(?: [^>]*)?(?:/>|>(.*?)</" + e + b"v>)", re.S),
        )
    return got


def _runs_text(body: bytes, p: bytes) -> str:
    """The text of a rich or plain string body (``<t>`` runs, ``<rPh>`` left out)."""
    rph, t_open, _is, _v = _patterns(p)
    if b"rPh" in body:
        body = rph.sub(b"", body)
    out = []
    close = b"</" + p + b"t>"
    for m in t_open.finditer(body):
        if m.group(1).endswith(b"/>"):
            continue
        end = body.find(close, m.end())
        if end < 0:
            raise Irregular("unclosed <t>")
        attrs = m.group(1)
        if attrs not in (b">", b' xml:space="preserve">'):
            raise Irregular("attributes of <t>")
        out.append(xml_text(body[m.end():end], trim=attrs == b">"))
    return "".join(out)


_SI = re.compile(rb"<((?:\w+:)?)si(?:\s[^>]*)?(?:/>|>(.*?)</\1si>)", re.S)


def _shared_texts(xml: bytes) -> list[str]:
    return [_runs_text(m.group(2) or b"", m.group(1)) for m in _SI.finditer(xml)]


def _si_starts(xml: bytes):
    """Positions of the ``<si>`` / ``<si …>`` tags of an unprefixed sharedStrings part, with its
    numpy views (bytes, 8-byte words, positions of every ``<``)."""
    import numpy as np

    n = len(xml)
    buf = xml + b"\0" * 48
    a = np.frombuffer(buf, np.uint8)
    W = np.ndarray((n + 40,), dtype="<u8", buffer=buf, strides=(1,))
    lt = np.flatnonzero(a[:n] == 60)
    k = np.flatnonzero(_is(W, lt, b"<si>") | _is(W, lt, b"<si "))
    return a, W, lt, k


def _shared_fast(xml: bytes):
    """(texts as Arrow, XML length of each ``<si>``) of an unprefixed sharedStrings part: the plain
    ``<si><t>…</t></si>`` as spans of the part, the rest through :func:`_runs_text`; None when
    the part has a namespace prefix.  The lengths are those :func:`archive._shared_lengths` gives."""
    import numpy as np
    import pyarrow as pa

    if b"<sst" not in xml[:4096]:
        return None
    n = len(xml)
    a, W, lt, k = _si_starts(xml)
    lengths = np.diff(np.append(lt[k], n))
    if b"&#" in xml:
        decoded = _charrefs(xml)
        if decoded is not xml:
            xml = decoded
            n = len(xml)
            a, W, lt, k = _si_starts(xml)
            if len(k) != len(lengths):
                raise Irregular("shared strings")
    si = lt[k]
    lt_ext = np.append(lt, np.full(4, n, np.int64))
    t_tag, t_end = lt_ext[k + 1], lt_ext[k + 2]
    t2 = a[t_tag + 2]
    t_plain, t_pres = t2 == 62, t2 == 32
    plain = _is(W, si, b"<si><t") & (t_plain | t_pres) & _is(W, t_end, b"</t></si>")
    cand = np.flatnonzero(plain & t_pres)
    if cand.size:
        want = b'<t xml:space="preserve">'
        plain[cand] = [xml[t:t + len(want)] == want for t in t_tag[cand].tolist()]
    ts = np.where(t_plain, t_tag + 3, t_tag + 24)
    flag = _positions(xml, a, n)
    amp = np.zeros(len(si), bool)
    if flag.size:
        at = np.searchsorted(si, flag, side="right") - 1
        ch = a[flag]
        is_amp = (ch == 38) & (a[flag + 1] != 35)
        amp[at[(at >= 0) & is_amp]] = True
        plain[at[(at >= 0) & ~is_amp]] = False
    e0, e1 = a[ts], a[t_end - 1]
    plain &= ~(t_plain & (t_end > ts) & ((e0 == 32) | (e0 == 9) | (e0 == 10) | (e1 == 32) | (e1 == 9) | (e1 == 10)))
    fast = np.flatnonzero(plain & ~amp)
    pieces = [_spans(xml, ts[fast], t_end[fast])] if fast.size else []
    with_amp = np.flatnonzero(plain & amp)
    if with_amp.size:
        texts, good = _named_entities(_spans(xml, ts[with_amp], t_end[with_amp]))
        plain[with_amp[~good]] = False
        pieces.append(texts.filter(pa.array(good)))
        fast = np.concatenate([fast, with_amp[good]])
    rest = np.flatnonzero(~plain)
    if rest.size:
        ends = np.append(si[1:], n)
        texts = []
        for start, stop in zip(si[rest].tolist(), ends[rest].tolist(), strict=True):
            m = _SI.match(xml, start, stop)
            if m is None:
                raise Irregular("shared string")
            texts.append(_runs_text(m.group(2) or b"", b""))
        pieces.append(pa.array(texts, pa.large_string()))
    if not pieces:
        return pa.array([], pa.large_string()), lengths
    order = np.concatenate([fast, rest])
    where = np.empty(len(order), np.int64)
    where[order] = np.arange(len(order))
    return pa.concat_arrays(pieces).take(pa.array(where)), lengths


_NUMBER = re.compile(rb"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_ATTR = re.compile(rb'\s([\w:]+)="([^"]*)"')


def _cell_value(xml: bytes, p: bytes, book: Book, plain: set[int]) -> Any:
    """The calamine value of one cell's XML (``<c …>…</c>`` possibly followed by row tags)."""
    gt = xml.find(b">")
    tag = xml[:gt + 1]
    if tag.endswith(b"/>"):
        return ""
    attrs = dict(_ATTR.findall(tag))
    t = attrs.get(b"t", b"n")
    end = xml.find(b"</" + p + b"c>", gt)
    if end < 0:
        raise Irregular("unclosed cell")
    body = xml[gt + 1:end]
    if t == b"inlineStr":
        m = _patterns(p)[2].fullmatch(body)
        if m is None:
            if body.strip() in (b"", b"<" + p + b"is/>"):
                return ""
            raise Irregular("inline string")
        return _runs_text(m.group(1), p)
    m = _patterns(p)[3].search(body)
    raw = m.group(1) if m else None
    if raw is None or raw == b"":
        return ""
    if t == b"s":
        if not raw.isdigit():
            raise Irregular("shared string index")
        i = int(raw)
        texts = book.shared()[0]
        if i >= len(texts):
            raise Irregular("shared string index")
        return texts[i].as_py()
    if t == b"str":
        return xml_text(raw, trim=False)
    if t == b"b":
        if raw in (b"0", b"1"):
            return raw == b"1"
        raise Irregular("boolean")
    if t == b"n":
        try:
            style = int(attrs.get(b"s", b"0"))
        except ValueError as exc:
            raise Irregular("style") from exc
        if style not in plain or not _NUMBER.fullmatch(raw):
            raise Irregular("date or odd number")
        return float(raw)
    if t == b"e":
        return ""      # calamine gives an error cell as an empty one
    raise Irregular(f"cell type {t!r}")   # t="d", unknown types


# ---------------------------------------------------------------- the block scanner

class Scanned:
    """The non-empty cells of one block: sheet row numbers, 0-based columns, text, raw values."""

    __slots__ = ("rows", "cols", "text", "raw")

    def __init__(self, rows, cols, text, raw):
        self.rows, self.cols, self.text, self.raw = rows, cols, text, raw


class SheetScanner:
    """Scan one worksheet member of ``book`` block by block (see the module docstring)."""

    def __init__(self, book: Book, member: str, shown: str, opts):
        self.book = book
        self.info = book.infos[member]
        self.shown = shown
        self.opts = opts
        self.prefix: bytes | None = None
        self.cells = 0
        self.max_row = 0
        self.max_col = 0
        self.referenced = 0
        # shared-string text claimed by blocks being scanned (in any order): a block that would
        # pass the limit takes nothing, and _account refuses it in block order
        self._claimed = 0
        self._claim_lock = threading.Lock()
        self.want_raw = False        # the head's cells: numbers as calamine's floats (Python path)
        self._plain = None
        self._eq = None

    def _plain_numbers(self, a, W, q, nxt, t_tag, p: bytes):
        """Cells that are a number in a plain format: ``<c r="B2"[ s="N"][ t="n"]><v>…</v>``
        (``q``: the byte after the reference's closing quote)."""
        import numpy as np

        plain = self._plain_table()
        value = _is(W, nxt, b"<" + p + b"v>") & _is(W, t_tag, b"</" + p + b"v>")
        if not value.any():
            return value
        bare = a[q] == 62                                       # <c r="B2">
        typed = _is(W, q, b' t="n">')                           # <c r="B2" t="n">
        styled = _is(W, q, b' s="')                             # <c r="B2" s="N" …>
        style = np.zeros(len(q), np.int64)
        ndig = np.zeros(len(q), np.int64)
        live = styled.copy()
        for j in range(5):
            ch = a[q + 4 + j].astype(np.int64)
            live &= (ch >= 48) & (ch <= 57)
            style = np.where(live, style * 10 + ch - 48, style)
            ndig += live
        end = q + 5 + ndig                                      # after the style's closing quote
        styled &= (ndig > 0) & (a[end - 1] == 34) & ((a[end] == 62) | _is(W, end, b' t="n">'))
        known = style < len(plain)
        styled &= known & plain[np.where(known, style, 0)]
        return value & ((bare | typed) & plain[0] | styled)

    # -- blocks
    def blocks(self) -> Iterator[bytes]:
        """Inflated XML cut after a ``</row>`` (the text after ``</sheetData>`` in the last one),
        each block followed by ``_PAD`` (the zeros :meth:`scan` reads past the end as words)."""
        held: list[bytes] = []          # pieces of at most _PIECE, joined once per block
        size = 0
        end = b"</" + (self.prefix or b"") + b"row>"
        limit = self.opts.max_uncompressed_bytes
        for piece in inflate(self.book.zf, self.info, self.shown, limit):
            held.append(piece)
            size += len(piece)
            if size < BLOCK:
                continue
            if self.prefix is None:
                self._find_prefix(b"".join(held))
                end = b"</" + self.prefix + b"row>"
            # the row end is looked for in the last piece (joined with the end of the one before,
            # for a tag across them), then in the whole; the block is one join, padded
            last = held[-1]
            if len(held) > 1:
                last = held[-2][-len(end):] + last
            cut = last.rfind(end)
            if cut >= 0:
                cut += len(end) - (len(last) - len(held[-1]))
                if cut > 0:
                    block = b"".join(held[:-1] + [memoryview(held[-1])[:cut], _PAD])
                    rest = held[-1][cut:]
                else:   # the tag ends within the piece before: cut there
                    k = len(held[-2]) + cut
                    block = b"".join(held[:-2] + [memoryview(held[-2])[:k], _PAD])
                    rest = held[-2][k:] + held[-1]
            else:
                whole = b"".join(held)
                cut = whole.rfind(end)
                if cut < 0:
                    if len(whole) > (64 << 20):
                        raise Irregular("no row end")
                    held = [whole]
                    continue
                cut += len(end)
                block = b"".join((memoryview(whole)[:cut], _PAD))
                rest = whole[cut:]
            yield block
            del block
            held, size = [rest], len(rest)
        tail = b"".join(held)
        if self.prefix is None:
            self._find_prefix(tail)
        yield tail + _PAD

    def _find_prefix(self, head: bytes) -> None:
        m = re.search(rb"<(\w+:)?sheetData[ >/]", head)
        if m is None and b"sheetData" in head:
            raise Irregular("sheetData")
        self.prefix = (m.group(1) or b"") if m else b""
        if head.lstrip()[:5] == b"<?xml":
            decl = head[:head.find(b"?>")]
            enc = re.search(rb'encoding="([^"]*)"', decl)
            if enc and enc.group(1).lower() not in (b"utf-8", b"utf8"):
                raise Irregular("encoding")

    # -- one block
    def scan(self, part: bytes) -> Scanned:
        """The cells of one block of :meth:`blocks` (the blocks in order, one at a time)."""
        if self._eq is None:
            self._eq = _Work()
        got, tally = self._scan(part, self._eq)
        self._account(*tally)
        return got if got is not None else self._scan(part, self._eq, claim=False)[0]

    def scan_all(self, parts: Iterator[bytes]) -> Iterator[Scanned]:
        """:meth:`scan` of every block, two blocks at a time on two threads (numpy releases the
        GIL in its loops), the results and the guard's counts taken in block order."""
        import contextvars
        from collections import deque
        from concurrent.futures import ThreadPoolExecutor

        local = threading.local()

        def one(part: bytes):
            if not hasattr(local, "eq"):
                local.eq = _Work()
            return self._scan(part, local.eq)

        def take(block: bytes, future) -> Scanned:
            got, tally = future.result()
            self._account(*tally)
            if got is None:     # passed the limit with a later block's claim, not its own
                got = self._scan(block, _Work(), claim=False)[0]
            return got

        pending: deque = deque()
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="sxcheck-xlsx-scan") as pool:
            try:
                for part in parts:
                    pending.append((part, pool.submit(contextvars.copy_context().run, one, part)))
                    del part
                    if len(pending) == 2:
                        yield take(*pending.popleft())
                while pending:
                    yield take(*pending.popleft())
            finally:
                for _part, f in pending:
                    f.cancel()

    def _account(self, nc: int, first: int, last: int, width: int, referenced: int) -> None:
        """The guard's counts and the row order across blocks, block by block in order."""
        opts = self.opts
        self.cells += nc
        if self.cells > opts.max_cells:
            raise InputError("archive-too-many-cells", self.shown, part=self.info.filename,
                             cells=f"{self.cells:,}", limit=f"{opts.max_cells:,}")
        if not nc:
            return
        if first <= self.max_row:
            raise Irregular("rows out of order")
        self.max_row = max(self.max_row, last)
        self.max_col = max(self.max_col, width)
        span = self.max_row * max(self.max_col, 1)
        if span > opts.max_cells:
            raise InputError("archive-too-many-cells", self.shown, part=self.info.filename,
                             cells=f"{max(self.cells, span):,}", limit=f"{opts.max_cells:,}")
        self.referenced += referenced
        if self.referenced > opts.max_uncompressed_bytes:
            from validators.read.archive import _mb

            raise InputError("archive-amplified", self.shown, part=self.info.filename,
                             size_mb=_mb(self.referenced), limit_mb=opts.max_uncompressed_mb)

    def _scan(self, part: bytes, work: _Work, claim: bool = True) -> tuple[Scanned | None, tuple]:
        """One block's cells and what :meth:`_account` counts of it (no state of the scanner is
        changed here but the claimed shared-string text: blocks may be scanned on two threads at
        once).  None for the cells when the claimed text passes the limit."""
        if not part.endswith(_PAD):
            raise ValueError("scan() takes the blocks of blocks()")
        decoded = _charrefs(part)
        if decoded is not part:
            part = decoded if decoded.endswith(_PAD) else decoded + _PAD
        n = len(part) - len(_PAD)
        p = self.prefix or b""
        cells = (self._classify_c(part, n, p, work) if _cells is not None and len(p) <= 32
                 else self._classify(part, n, p, work))
        return self._texts(part, n, cells, claim)

    def _plain_table(self):
        """Which cell styles show a plain number, as a bool array by style index."""
        import numpy as np

        if self._plain is None:
            plain = self.book.plain_styles()
            table = np.zeros(max(plain, default=0) + 1, bool)
            table[list(plain)] = True
            self._plain = table
        return self._plain

    def _classify_c(self, part: bytes, n: int, p: bytes, work: _Work) -> _Cells:
        """:meth:`_classify` in one pass of the C accelerator (``_xlsxcells.c``)."""
        import numpy as np

        rows, cols, at, kind, s, e = work.cells(n)
        got = _cells.scan(part, n, p, self._plain_table().tobytes(), self.want_raw, rows, cols, at, kind, s, e)
        if isinstance(got, str):
            raise Irregular(got)
        nc, first, last, width = got
        if not nc:
            return _Cells.empty()
        kind, s, e = kind[:nc], s[:nc], e[:nc]
        shared = np.flatnonzero(kind == _K_SHARED)
        inline = np.flatnonzero(kind == _K_INLINE)
        entity = np.flatnonzero(kind == _K_ENTITY)
        numbers = np.flatnonzero(kind == _K_NUMBER)
        return _Cells(rows[:nc].astype(np.int64), cols[:nc].astype(np.int64), at[:nc].astype(np.int64),
                      [nc, first, last, width, 0], (shared, s[shared].astype(np.int64)),
                      (inline, s[inline], e[inline]), (entity, s[entity], e[entity]),
                      (numbers, s[numbers], e[numbers]), np.flatnonzero(kind == _K_SLOW))

    def _classify(self, part: bytes, n: int, p: bytes, work: _Work) -> _Cells:
        """The cells of a block (``part``: ``n`` bytes of XML and the pad) by the shape of their
        XML, in numpy: the positions of every ``<`` give the tags, each cell's tag ends as its
        type says, its value lies between the next tags."""
        import numpy as np

        P = len(p)
        buf = part
        a = np.frombuffer(buf, dtype=np.uint8)
        # W[i]: the 8 bytes from i as one little-endian word, to test a tag in one gather
        W = np.ndarray((n + 40,), dtype="<u8", buffer=buf, strides=(1,))
        lt = np.flatnonzero(np.equal(a[:n], 60, out=work.mask(n)))
        lt_ext = np.append(lt, np.full(6, n, np.int64))
        if P:
            ok = np.ones(len(lt), bool)
            for j, ch in enumerate(p):
                ok &= a[lt + 1 + j] == ch
            named = lt[ok]
        else:
            named = lt
        # the two bytes after each "<" (and its prefix) as one 16-bit word: one gather per tag
        H = np.ndarray((n + 46,), dtype="<u2", buffer=buf, strides=(1,))
        two = H[1 + P:][named]
        is_cell = two == _word(b"c ")                                   # "<c "
        if ((two == _word(b"c>")) | (two == _word(b"c/"))).any():
            raise Irregular("cell without reference")
        cell = named[is_cell]
        rowtag = named[two == _word(b"ro")]
        rowtag = rowtag[H[rowtag + 3 + P] == _word(b"w ")]
        nc = len(cell)
        if nc == 0:
            return _Cells.empty()
        # rows: <row r="N" …>, r first; each cell belongs to the last row tag before it
        if not len(rowtag) or rowtag[0] > cell[0]:
            raise Irregular("cell outside a row")
        rs = rowtag + 5 + P
        if not ((a[rs] == 114) & (a[rs + 1] == 61) & (a[rs + 2] == 34)).all():
            raise Irregular("row without r first")
        rownum = np.zeros(len(rowtag), np.int64)
        ndig = np.zeros(len(rowtag), np.int64)
        live = np.ones(len(rowtag), bool)
        for j in range(8):
            ch = a[rs + 3 + j].astype(np.int64)
            live &= (ch >= 48) & (ch <= 57)
            rownum = np.where(live, rownum * 10 + ch - 48, rownum)
            ndig += live
        if not ((ndig > 0) & (a[rs + 3 + ndig] == 34)).all():
            raise Irregular("row number")
        if (np.diff(rownum) <= 0).any():
            raise Irregular("rows out of order")
        which = np.searchsorted(rowtag, cell) - 1
        rows = rownum[which]
        # column letters of r="AB12", r first
        cs = cell + 3 + P
        if not _is(W, cs, b'r="').all():
            raise Irregular("cell without r first")
        w = W[cs + 3]
        l0, l1, l2, l3 = (((w >> (8 * j)) & 255).astype(np.int64) - 64 for j in range(4))
        u1, u2 = (l1 >= 1) & (l1 <= 26), (l2 >= 1) & (l2 <= 26)
        if ((l0 < 1) | (l0 > 26)).any() or ((l3 >= 1) & (l3 <= 26)).any():
            raise Irregular("cell reference")
        nlet = 1 + u1 + (u1 & u2)
        col = np.where(u1, np.where(u2, (l0 * 26 + l1) * 26 + l2, l0 * 26 + l1), l0) - 1
        # the reference's row must be the row tag's: the same digits (up to 8, one word each)
        nd = ndig[which]
        low = np.array([(1 << (8 * d)) - 1 for d in range(8)] + [(1 << 64) - 1], dtype=np.uint64)[nd]
        if not (((W[cs + 3 + nlet] & low) == (W[rs + 3][which] & low)) & (a[cs + 3 + nlet + nd] == 34)).all():
            raise Irregular("cell row differs from its row")
        if ((which[1:] == which[:-1]) & (col[1:] <= col[:-1])).any():
            raise Irregular("cells out of order")
        tally = [nc, int(rownum[0]), int(rownum[-1]), int(col.max()) + 1, 0]
        # the tags after the cell's own (k: the cell's "<" in lt)
        k = np.flatnonzero(is_cell)
        if P:
            k = np.flatnonzero(ok)[k]
        nxt, t_tag, t_end = (lt_ext[j:][k] for j in (1, 2, 3))
        gt = nxt - 1
        if not (a[gt] == 62).all():
            raise Irregular("text between tags")
        tail = W[gt - 7]                                              # the tag's last 8 bytes
        closed = (tail >> 48) & 255 == 47                             # <c …/>
        tail >>= 8
        # each shape is tested on the cells whose tag ends as it does, not on every cell
        fs = np.flatnonzero(tail == _word(b' t="s">'))
        if fs.size:
            fs = fs[_is(W, nxt[fs], b"<" + p + b"v>") & _is(W, t_tag[fs], b"</" + p + b"v>")]
        # text Python reads: CR, _x escapes, character references, edge whitespace without preserve
        flag = _positions(part, a, n)
        hard = np.zeros(nc, bool)
        amp = np.zeros(nc, bool)
        if flag.size:
            ch = a[flag]
            at_cell = np.searchsorted(cell, flag, side="right") - 1
            in_cell = at_cell >= 0
            is_amp = ch == 38
            amp[at_cell[in_cell & is_amp]] = True
            odd = in_cell & ((ch == 13) | ((ch == 95) & (a[flag + 1] == 120)) | (is_amp & (a[flag + 1] == 35)))
            hard[at_cell[odd]] = True
        ii = np.flatnonzero(tail == _word(b'neStr">'))
        if ii.size:
            tt, te = t_tag[ii], t_end[ii]
            inl = _is(W, np.maximum(gt[ii] - 14, 0), b' t="inli') & _is(W, nxt[ii], b"<" + p + b"is><" + p + b"t")
            t2 = a[tt + 2 + P]
            t_plain = t2 == 62
            t_pres = t2 == 32
            inl &= (t_plain | t_pres) & _is(W, te, b"</" + p + b"t></" + p + b"is>")
            cand = np.flatnonzero(inl & t_pres)
            if cand.size:
                want = b"<" + p + b't xml:space="preserve">'
                inl[cand] = [part[t:t + len(want)] == want for t in tt[cand].tolist()]
            ts = np.where(t_plain, tt + 3 + P, tt + 24 + P)
            e0, e1 = a[ts], a[te - 1]
            edge = t_plain & (te > ts) & ((e0 == 32) | (e0 == 9) | (e0 == 10) | (e1 == 32) | (e1 == 9) | (e1 == 10))
            inl &= ~hard[ii] & ~edge
            ii, ts, te = ii[inl], ts[inl], te[inl]
        slow = ~closed
        slow[fs] = False
        slow[ii] = False
        rest = np.flatnonzero(slow)
        if rest.size:
            slow[rest[_is(W, nxt[rest], b"</" + p + b"c>")]] = False    # <c …></c>
            if not self.want_raw:
                rest = np.flatnonzero(slow)
                q = cs[rest] + 4 + nlet[rest] + nd[rest]
                fast_n = rest[self._plain_numbers(a, W, q, nxt[rest], t_tag[rest], p)]
                slow[fast_n] = False
            else:
                fast_n = rest[:0]
        else:
            fast_n = rest

        si = fs
        vs = nxt[si] + 3 + P
        sidx = _digits(a, W, vs, t_tag[si] - vs, 9, "shared index")
        has_amp = amp[ii]
        return _Cells(rows, col, cell, tally, (si, sidx),
                      (ii[~has_amp], ts[~has_amp], te[~has_amp]) if ii.size else (ii, ii, ii),
                      (ii[has_amp], ts[has_amp], te[has_amp]) if ii.size else (ii, ii, ii),
                      (fast_n, nxt[fast_n] + 3 + P, t_tag[fast_n]), np.flatnonzero(slow))

    def _texts(self, part: bytes, n: int, cells: _Cells, claim: bool) -> tuple[Scanned | None, tuple]:
        """The text of the classified cells: shared strings taken by index, inline text and numbers
        cut out of the block (in Arrow), the rest read in Python (:func:`_cell_value`)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        tally = cells.tally
        pieces, where, raw, refused = [], [], {}, []
        si, sidx = cells.shared
        if si.size:
            sst, lengths = self.book.shared()
            if (sidx >= len(lengths)).any():
                raise Irregular("shared index")
            tally[4] = int(lengths[sidx].sum())
            if claim:
                with self._claim_lock:
                    self._claimed += tally[4]
                    over = self._claimed > self.opts.max_uncompressed_bytes
                if over:
                    return None, tuple(tally)
            pieces.append(sst.take(pa.array(sidx)))
            where.append(si)
        ii, ts, te = cells.inline
        if ii.size:
            pieces.append(_spans(part, ts, te))
            where.append(ii)
        ii, ts, te = cells.entity
        if ii.size:
            texts, good = _named_entities(_spans(part, ts, te))
            refused.append(ii[~good])
            pieces.append(texts.filter(pa.array(good)) if not good.all() else texts)
            where.append(ii[good])
        ni, vs, ve = cells.numbers
        if ni.size:
            texts, bad = _numbers(_spans(part, vs, ve))
            if bad is not None:
                refused.append(ni[bad])
                texts, ni = texts.filter(pa.array(~bad)), ni[~bad]
            pieces.append(texts)
            where.append(ni)
        sl = np.sort(np.concatenate([cells.slow, *refused])) if refused else cells.slow
        if sl.size:
            from validators.read.excel import cell_text

            starts = cells.starts
            ends = np.append(starts[1:], n)
            vals = [_cell_value(part[s:e], self.prefix or b"", self.book, self.book.plain_styles())
                    for s, e in zip(starts[sl].tolist(), ends[sl].tolist(), strict=True)]
            base = sum(len(x) for x in pieces)
            raw = {base + j: v for j, v in enumerate(vals) if not isinstance(v, str)}
            pieces.append(pa.array([v if isinstance(v, str) else cell_text(v) for v in vals], pa.large_string()))
            where.append(sl)
        if not pieces:
            return (Scanned(np.zeros(0, np.int64), np.zeros(0, np.int64), pa.array([], pa.large_string()), {}),
                    tuple(tally))
        text = pa.concat_arrays([x.cast(pa.large_string()) if x.type != pa.large_string() else x for x in pieces])
        order = np.concatenate(where)
        nonempty = pc.greater(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
        if not nonempty.all():
            keep = np.flatnonzero(nonempty)
            if raw:
                new = np.full(len(text), -1, np.int64)
                new[keep] = np.arange(keep.size)
                raw = {int(new[j]): v for j, v in raw.items() if new[j] >= 0}
            text, order = text.take(pa.array(keep)), order[keep]
        return Scanned(cells.rows[order], cells.cols[order], text, raw), tuple(tally)


class _Cells:
    """A block's cells as classified (positions in the block, indexes among its cells): sheet rows,
    0-based columns, where each cell's tag starts, the guard's tally, and by kind ``(cells,
    shared-string indexes)``, ``(cells, text starts, text ends)`` of plain inline text, of inline
    text with named entities, of plain numbers, and the cells read in Python."""

    __slots__ = ("rows", "cols", "starts", "tally", "shared", "inline", "entity", "numbers", "slow")

    def __init__(self, rows, cols, starts, tally, shared, inline, entity, numbers, slow):
        self.rows, self.cols, self.starts, self.tally = rows, cols, starts, tally
        self.shared, self.inline, self.entity, self.numbers, self.slow = shared, inline, entity, numbers, slow

    @classmethod
    def empty(cls) -> "_Cells":
        import numpy as np

        none = np.zeros(0, np.int64)
        return cls(none, none, none, [0, 0, 0, 0, 0], (none, none), (none, none, none), (none, none, none),
                   (none, none, none), none)


_K_EMPTY, _K_SHARED, _K_INLINE, _K_ENTITY, _K_NUMBER, _K_SLOW = range(6)      # the kinds _xlsxcells.c writes


class _Work:
    """Buffers one scanning thread reuses across blocks: the bool array of the "<" test (a fresh
    8 MB array a block costs more in page faults, numpy asking for huge pages, than the test) and
    the C accelerator's per-cell outputs."""

    def __init__(self):
        self.buf = None
        self.out = None

    def mask(self, n: int):
        import numpy as np

        if self.buf is None or len(self.buf) < n:
            self.buf = np.empty(max(n, BLOCK + 2 * _PIECE), bool)
        return self.buf[:n]

    def cells(self, n: int) -> tuple:
        """rows, columns, tag starts, kinds, starts, ends: room for every cell of ``n`` bytes (a
        cell tag ``<c r="A1"`` and its end take at least 9)."""
        import numpy as np

        room = n // 9 + 16
        if self.out is None or len(self.out[0]) < room:
            room = max(room, (BLOCK + 2 * _PIECE) // 9 + 16)
            self.out = tuple(np.empty(room, np.uint8 if k == 3 else np.int32) for k in range(6))
        return self.out


try:
    from validators.read import _xlsxcells as _cells
except ImportError:          # built without a C compiler: the numpy scan
    _cells = None


_NAMED_BYTES = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")]


def _word(b: bytes) -> int:
    return int.from_bytes(b, "little")


def _is(W, pos, const: bytes):
    """Whether the bytes at each of ``pos`` are ``const`` (a word or two per position)."""
    out = None
    for off in range(0, len(const), 8):
        piece = const[off:off + 8]
        w = W[pos + off] if off else W[pos]
        if len(piece) < 8:
            w = w & ((1 << (8 * len(piece))) - 1)
        hit = w == _word(piece)
        out = hit if out is None else out & hit
    return out


_ON = None


def _digits(a, W, pos, length, most: int, what: str):
    """The decimal numbers of ``length`` digits at ``pos`` (1 to ``most`` digits each, else
    :class:`Irregular`): up to 8 digits read as one word per number, longer ones a digit at a time."""
    import numpy as np

    global _ON
    if _ON is None:
        _ON = np.arange(8) < np.arange(9)[:, None]       # row L: which of 8 bytes a number of L digits holds
    if not length.size:
        return np.zeros(0, np.int64)
    if (length < 1).any() or (length > most).any():
        raise Irregular(what)
    if int(length.max()) <= 8:
        # the 8 bytes from each number as a row; digits past its end zeroed, the number moved to
        # the word's top (zeros before it are leading zeros), then summed in place (SWAR)
        d = W[pos].view(np.uint8).reshape(-1, 8) - np.uint8(48)
        on = _ON[length]
        if ((d > 9) & on).any():
            raise Irregular(what)
        d = np.where(on, d, np.uint8(0)).view("<u8").ravel()
        d <<= (np.uint64(8) * (np.uint64(8) - length.astype(np.uint64)))
        d = (d * np.uint64(10) + (d >> np.uint64(8))) & np.uint64(0x00FF00FF00FF00FF)
        d = (d * np.uint64(100) + (d >> np.uint64(16))) & np.uint64(0x0000FFFF0000FFFF)
        d = (d * np.uint64(10000) + (d >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
        return d.astype(np.int64)
    out = np.zeros(pos.size, np.int64)
    for j in range(most):
        ch = a[pos + j].astype(np.int64)
        on = j < length
        if ((ch < 48) | (ch > 57))[on].any():
            raise Irregular(what)
        out = np.where(on, out * 10 + ch - 48, out)
    return out


_NUMBER_TEXT = r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"


def _numbers(values):
    """Number cells' ``<v>`` texts as :func:`~validators.read.excel.cell_text` gives calamine's
    floats: integers below 1e15 in C, others in Python; (texts, which are no plain number or None)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from validators.read.excel import cell_text

    ok = pc.match_substring_regex(values, _NUMBER_TEXT).to_numpy(zero_copy_only=False)
    bad = None if ok.all() else ~ok
    num = pc.cast(pc.if_else(pa.array(ok), values, "0"), pa.float64()).to_numpy()
    whole = (np.floor(num) == num) & (np.abs(num) < 1e15)
    out = pc.cast(pa.array(np.where(whole, num, 0).astype(np.int64)), pa.large_string())
    if not whole.all():
        other = np.flatnonzero(~whole)
        texts = [cell_text(float(v)) for v in num[other].tolist()]
        pos = np.full(len(num), -1, np.int64)
        pos[other] = np.arange(other.size)
        out = pa.concat_arrays([out, pa.array(texts, pa.large_string())]).take(
            pa.array(np.where(pos >= 0, len(num) + pos, np.arange(len(num)))))
    return out, bad


def _find_all(part: bytes, ch: bytes, a=None):
    """Positions of the bytes ``ch`` in ``part``: memchr while they are few, else one numpy pass."""
    import numpy as np

    hits, i = [], part.find(ch)
    while i >= 0 and len(hits) < 4096:
        hits.append(i)
        i = part.find(ch, i + 1)
    if i >= 0:
        if a is None:
            a = np.frombuffer(part, np.uint8)
        at = np.flatnonzero(a[:len(part)] == ch[0])
        for j in range(1, len(ch)):
            at = at[at + j < len(part)]
            at = at[a[at + j] == ch[j]]
        return at
    return np.array(hits, dtype=np.int64)


def _has_charref(part: bytes) -> bool:
    """Whether ``part`` holds ``&#``.  ``bytes.find`` of a two-byte needle walks a block at
    ~1 GB/s holding the GIL; a one-byte find is memchr (~20 GB/s), and ``#`` is rare in sheet XML
    where ``&`` (``&amp;``, ``&quot;``) is not, so the ``#`` are visited and the byte before each
    tested (a block full of them goes back to the two-byte find)."""
    i = part.find(b"#")
    for _ in range(256):
        if i < 0:
            return False
        if i and part[i - 1] == 0x26:   # "&"
            return True
        i = part.find(b"#", i + 1)
    return i >= 0 and part.find(b"&#", i - 1) >= 0


def _charrefs(part: bytes) -> bytes:
    """``part`` with its decimal character references to non-ASCII characters (``&#23454;``, as
    some writers, openpyxl among them, store all Chinese text) replaced by their UTF-8 bytes.  Such
    a character is never markup, whitespace or part of an ``_xHHHH_`` escape, so reading the block
    after the replacement gives the text calamine gives; other references stay for the Python
    path.  One pass of the C accelerator where it was built, else numpy."""
    if not _has_charref(part):
        return part
    if _cells is not None:
        out = _cells.charrefs(part)
        return part if out is None else out
    return _charrefs_numpy(part)


def _charrefs_numpy(part: bytes) -> bytes:
    """:func:`_charrefs` in numpy (a few whole-block passes; the C pass is ~10× faster)."""
    import numpy as np

    a = np.frombuffer(part, np.uint8)
    ref = _find_all(part, b"&#", a)
    if ref.size < 16:
        return part
    a = np.frombuffer(part + b"\0" * 12, np.uint8)
    val = np.zeros(ref.size, np.int64)
    ndig = np.zeros(ref.size, np.int64)
    live = np.ones(ref.size, bool)
    for j in range(7):
        ch = a[ref + 2 + j].astype(np.int64)
        live &= (ch >= 48) & (ch <= 57)
        val = np.where(live, val * 10 + ch - 48, val)
        ndig += live
    ok = (ndig > 0) & (a[ref + 2 + ndig] == 59) & (val >= 0x80) & (val <= 0x10FFFF) \
        & ((val < 0xD800) | (val > 0xDFFF))
    ref, val, length = ref[ok], val[ok], ndig[ok] + 3
    if not ref.size:
        return part
    nb = 2 + (val >= 0x800) + (val >= 0x10000)
    lead = np.where(nb == 2, 0xC0 | (val >> 6), np.where(nb == 3, 0xE0 | (val >> 12), 0xF0 | (val >> 18)))
    out = np.frombuffer(part, np.uint8).copy()
    out[ref] = lead
    for k in (1, 2, 3):
        has = nb > k
        shift = 6 * (nb[has] - 1 - k)
        out[ref[has] + k] = 0x80 | ((val[has] >> shift) & 0x3F)
    drop = length - nb
    idx = np.repeat(ref + nb, drop) + (np.arange(int(drop.sum())) - np.repeat(np.cumsum(drop) - drop, drop))
    keep = np.ones(len(part), bool)
    keep[idx] = False
    return out[keep].tobytes()


def _positions(part: bytes, a, n: int):
    """Sorted positions of the bytes that make a text need more than a copy: ``&``, CR and ``_``
    (of ``_x``).  Few in real sheets: found with ``bytes.find`` (memchr) unless there are many."""
    import numpy as np

    found = [f for f in (_find_all(part, ch, a) for ch in (b"&", b"\r", b"_")) if f.size]
    if not found:
        return np.zeros(0, np.int64)
    return np.sort(np.concatenate(found))


def _named_entities(texts):
    """(``texts`` with the five named entities replaced, which of them had no other ``&``)."""
    import numpy as np
    import pyarrow.compute as pc

    total = pc.count_substring(texts, "&").to_numpy()
    counts = [pc.count_substring(texts, e).to_numpy() for e, _c in _NAMED_BYTES]
    known = sum(counts)
    for (e, c), n in zip(_NAMED_BYTES, counts, strict=True):   # &amp; last: "&amp;lt;" stays "&lt;"
        if n.any():                # an entity no text holds costs no pass
            texts = pc.replace_substring(texts, e, c)
    return texts, np.asarray(total == known)


def _spans(part: bytes, starts, ends):
    """Arrow strings ``part[s:e]`` for increasing, non-overlapping spans: an array over the block
    whose values are the spans and the gaps between them, of which the spans are taken (one copy)."""
    import numpy as np
    import pyarrow as pa

    m = len(starts)
    offsets = np.empty(2 * m + 1, np.int64)
    offsets[0:-1:2] = starts
    offsets[1::2] = ends
    offsets[-1] = ends[-1] if m else 0
    whole = pa.Array.from_buffers(pa.large_binary(), 2 * m, [None, pa.py_buffer(offsets), pa.py_buffer(part)])
    try:
        return whole.take(pa.array(np.arange(0, 2 * m, 2))).cast(pa.large_string())
    except pa.ArrowInvalid as exc:
        raise Irregular("utf-8") from exc


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')


def merge_refs(book: Book, member: str, shown: str, limit: int) -> list[tuple[int, int, int, int]]:
    """The sheet's merged blocks as 0-based ``(row0, col0, row1, col1)``.  ``<mergeCells>`` follows
    the sheet data, so the member is inflated to its end; only the last few megabytes are kept and
    searched, from the last ``</sheetData>`` on (a longer tail goes to calamine)."""
    from validators.read.archive import _col_number

    window: list[bytes] = []
    held = 0
    for piece in inflate(book.zf, book.infos[member], shown, limit):
        window.append(piece)
        held += len(piece)
        while held - len(window[0]) >= _TAIL:
            held -= len(window.pop(0))
    data = b"".join(window)
    end = data.rfind(b"sheetData>")
    if end < 0:
        raise Irregular("sheet data end not in the last megabytes")
    out = []
    for c0, r0, c1, r1 in _MERGE.findall(data, end):
        c1, r1 = (c1, r1) if c1 else (c0, r0)
        out.append((int(r0) - 1, _col_number(c0) - 1, int(r1) - 1, _col_number(c1) - 1))
    return sorted(set(out))


_TAIL = 4 << 20
