"""JSON and JSONL reader: arrays, objects holding a list, nested channel lists flattened to element text.

Memory stays flat in the file size.  A first pass reads the records one at a time (JSONL line by
line; a JSON document with an incremental scanner that walks the envelope and decodes each element
of a list with ``raw_decode``) and keeps only what opening needs: the key order, the first 100
records, the reading problems.  A JSON document's records are spilled meanwhile to a temporary
JSON Lines file, so the second pass (``chunks()``) reads JSON Lines in both cases: with Arrow's
streaming JSON reader (an explicit string schema) when every record is an object of strings and
nulls, else line by line in Python.  The usual export, a top-level array of such objects, is not
decoded in Python at all: opening decodes its first 100 records and scans the bytes once
(vectorised; a large document in two halves on two threads) to prove every key of the document
is one of theirs and to find the commas between the records; ``chunks()`` (so the read-ahead
thread, while the checks run) cuts the records at those commas block by block and Arrow parses
them; from a block Arrow refuses on, the records are decoded one by one as the exact scan does
(same values, row numbers and reading problems).
Whatever the streaming read cannot take as it is (a syntax or encoding error, an envelope
repeating a key, a ``json_path`` through a list index) is read whole, as before, which raises the
exact error (for a plain array, possibly only once its chunks are read).
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import weakref
from itertools import islice
from typing import Any, Iterator

from validators.read.aliases import map_columns
from validators.read.base import (
    JSON_BLOCK_SIZE,
    CHUNK_ROWS,
    HEAD_BYTES,
    JSON_LIST_KEYS,
    InputError,
    Table,
)
from validators.read.csvfile import detect_encoding, normalise_encoding
from validators.read.header import labels_problems
from validators.read.rules import JSON_DUPLICATE_KEY, ROW_MALFORMED
from validators.report.findings import record

_LAW_KEYS = (("lawName", "law_name", "法律法规名称", "name"), ("accordingNumber", "law_number", "依据文号"),
             ("termsNumber", "clause_number", "条款号"), ("termsContent", "clause_content", "条款内容"))


def _pick(d: dict, keys) -> str:
    for k in keys:
        v = d.get(k)
        if v not in (None, ""):
            return str(v)
    return ""


def _flatten_list(canonical: str | None, value: list) -> str | None:
    """Nested channel lists (Chongqing byLaws, lobbys, activitys, itemMaterials) → element text."""
    if not value:
        return None
    if not all(isinstance(v, dict) for v in value):
        return ",".join(str(v) for v in value if v is not None)
    parts = []
    for d in value:
        if canonical == "legal_basis":
            name = _pick(d, _LAW_KEYS[0])
            if name and not name.startswith("《"):
                name = f"《{name}》"
            parts.append("".join(x for x in (name, _pick(d, _LAW_KEYS[1]), _pick(d, _LAW_KEYS[2]),
                                              _pick(d, _LAW_KEYS[3])) if x))
        elif canonical == "handling_location":
            parts.append(_pick(d, ("address", "addr", "transactAddr", "办理地点")))
        elif canonical == "handling_process":
            parts.append(_pick(d, ("name", "activityName", "环节名称", "linkName")))
        elif canonical == "materials":
            parts.append(_pick(d, ("materialName", "material_name", "name", "材料名称")))
        elif canonical == "fee_standard":
            parts.append(_pick(d, ("feeStand", "fee_stand", "standard", "收费标准", "feeName", "name")))
        else:
            parts.append(json.dumps(d, ensure_ascii=False))
    sep = "→" if canonical == "handling_process" else "；"
    text = sep.join(p for p in parts if p)
    return text or None


def _lobby_hours(value: list) -> str | None:
    times = [_pick(d, ("time", "transactTime", "办理时间", "workTime")) for d in value if isinstance(d, dict)]
    times = [t for t in times if t]
    return "；".join(times) if times else None


class _DupKeys(dict):
    """An object that repeated a key (the last value is kept, as every JSON parser does)."""

    dups: list[str] = []


def _loads(text: str, seen_dups: list[int]):
    """json.loads without the ways a hostile document crashes it.

    Integers stay text (a 5000-digit number would exceed Python's int-string limit, and every
    value is compared as text anyway); objects that repeat a key are marked.  RecursionError
    (nesting thousands deep) is left to the caller.
    """
    return json.loads(text, parse_int=str, object_pairs_hook=_pairs_hook(seen_dups))


def _pairs_hook(seen_dups: list[int]):
    """An object_pairs_hook that marks objects repeating a key and counts them in ``seen_dups``."""
    def pairs_hook(pairs):
        d = dict(pairs)
        if len(d) != len(pairs):
            marked = _DupKeys(d)
            counts: dict[str, int] = {}
            for k, _v in pairs:
                counts[k] = counts.get(k, 0) + 1
            marked.dups = [k for k, n in counts.items() if n > 1]
            seen_dups[0] += 1
            return marked
        return d

    return pairs_hook


def _find_lists(data: Any, path: str = "", depth: int = 0, out: list | None = None) -> list[tuple[str, list]]:
    """Every list of objects inside an envelope (objects only, four levels down at most)."""
    out = [] if out is None else out
    if isinstance(data, list):
        if data and any(isinstance(v, dict) for v in data[:100]):
            out.append((path, data))
        return out
    if isinstance(data, dict) and depth < 4:
        for k, v in data.items():
            _find_lists(v, f"{path}.{k}" if path else str(k), depth + 1, out)
    return out


def _select(data: Any, json_path: str, path: str) -> Any:
    node = data
    for part in json_path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            found = "、".join(p or "(顶层)" for p, _ in _find_lists(data)) or "-"
            raise InputError("json-path-not-found", path, json_path=json_path, found=found)
    if not isinstance(node, list):
        raise InputError("json-path-not-a-list", path, json_path=json_path)
    return node


def _records_list(data: Any, path: str, json_path: str | None) -> tuple[list, str]:
    """The list of records: the one ``json_path`` names, else the one naming most elements.

    Channel APIs wrap their records: ``{"code":200,"data":{"list":[…]}}``,
    ``{"result":{"records":[…]}}``.  Ties go to the shallower list, then to the usual key names.
    """
    if json_path:
        return _select(data, json_path, path), json_path
    if isinstance(data, list):
        return data, ""
    candidates = _find_lists(data)
    if not candidates:
        raise InputError("json-not-a-list", path)

    where, records = min(candidates, key=lambda item: _score(item[0], item[1][:100]))
    return records, where


def _split_lines(text: str) -> list[str]:
    """JSON Lines records end at \n only: U+2028, U+0085, \x1c… are legal inside JSON strings."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


class _Fallback(Exception):
    """The streaming read met something only the whole-document read reports exactly (a syntax or
    encoding error, an envelope that repeats a key, a ``json_path`` through a list index)."""


def open_json(path: str, encoding: str | None, lines: bool, profile: str = "guide",
              json_path: str | None = None, real_path: str | None = None) -> Table:
    """Open a JSON or JSONL file: one streaming pass learns the keys and the reading problems,
    ``chunks()`` streams the records again (memory stays flat in the file size).  Files the
    streaming read cannot take as they are fall back to reading the whole document, which raises
    the exact error (or reads the rare shapes it leaves out)."""
    real_path = real_path or path
    try:
        with open(real_path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
    try:
        enc = normalise_encoding(encoding) if encoding else detect_encoding(real_path, head)
    except LookupError:
        raise InputError("unknown-encoding", path, encoding=encoding) from None
    if head.strip():
        try:
            return _open_streaming(path, real_path, enc, lines, profile, json_path)
        except (_Fallback, UnicodeError, OSError, RecursionError, ValueError):
            pass
    return _open_loaded(path, real_path, enc, lines, profile, json_path)


class _Survey:
    """What the first pass keeps of the records: key order, the first 100 records, the problems."""

    def __init__(self):
        self.keys: dict[str, None] = {}
        self.head: list[tuple[int, Any]] = []
        self.malformed: list[dict] = []            # JSONL lines that are no JSON (in line order)
        self.odd: list[tuple] = []                 # (n, value) not an object / (n, key, where_key) repeats
        self.seen_dups = [0]
        self.count = 0
        self.plain = True                          # every record an object of strings and nulls

    def add(self, n: int, rec: Any) -> None:
        self.count += 1
        self.last = (n, rec)
        if len(self.head) < 100:
            self.head.append((n, rec))
        if isinstance(rec, dict):
            if self.plain and not _PLAIN_TYPES.issuperset(map(type, rec.values())):
                self.plain = False
            if not self.keys.keys() >= rec.keys():
                self.keys.update(dict.fromkeys(rec))
            if self.seen_dups[0]:
                self.odd.extend((n, key, where) for key, where in _duplicates(rec))
        else:
            self.plain = False
            self.odd.append((n, str(rec)[:200]))

    def line(self, n: int, line: str, decoder) -> None:
        """One JSON Lines record (line ``n``): the record, or a malformed-row finding and {}."""
        try:
            self.add(n, decoder(line))
        except json.JSONDecodeError as exc:
            self.malformed.append(record(ROW_MALFORMED, row=n, value=line[:200], params={"detail": exc.msg}))
            self.add(n, {})
        except (RecursionError, ValueError) as exc:  # nesting too deep / a number too long
            self.malformed.append(record(ROW_MALFORMED, row=n, value=line[:200],
                                         params={"detail": _json_detail(exc)}))
            self.add(n, {})

    def table(self, path: str, real_path: str, profile: str, surrogates: bool) -> Table:
        mapping, unknown, dups = map_columns(list(self.keys), profile)
        if len(mapping) < 2:
            raise InputError("no-element-columns", path, sheet="")
        loc = mapping.get("handling_location")
        if loc and "handling_hours" not in mapping and any(
                isinstance(r, dict) and isinstance(r.get(loc), list) for _n, r in self.head):
            mapping["handling_hours"] = f"{loc}[].time"
        problems = self.problems({label: canon for canon, label in mapping.items()})
        return Table(path, None, mapping, unknown, 0, _json_chunks,
                     problems=labels_problems(unknown, dups) + problems, size_bytes=os.path.getsize(real_path))

    def problems(self, field_of: dict[str, str]) -> list[dict]:
        """The reading problems met (in record order); ``field_of`` maps a key to its element."""
        problems = list(self.malformed)
        for item in self.odd:
            if len(item) == 2:
                problems.append(record(ROW_MALFORMED, row=item[0], value=item[1], params={"detail": "not an object"}))
            else:
                n, key, where_key = item
                problems.append(record(JSON_DUPLICATE_KEY, row=n, field=field_of.get(where_key),
                                       value=key, params={"key": key}))
        return problems


def _hooked_loads(survey: "_Survey"):
    """``_loads`` for the survey's records: repeated keys counted, and a number (kept as text)
    marks the file as not plain (Arrow would refuse a number in a string column)."""
    def number(text: str) -> str:
        survey.plain = False
        return text

    hook = _pairs_hook(survey.seen_dups)
    decode = json.JSONDecoder(parse_int=number, object_pairs_hook=hook).decode

    def loads(text: str) -> Any:
        if text.startswith("\ufeff"):   # json.loads has its own message for this one
            return json.loads(text, parse_int=number, object_pairs_hook=hook)
        return decode(text)

    return loads


_PLAIN = json.JSONDecoder(parse_int=str)
_PLAIN_TYPES = frozenset((str, type(None)))


def _open_streaming(path, real_path, enc, lines, profile, json_path) -> Table:
    flag = _SurrogateFlag()
    spill = tables = plain = None
    fast = None
    if lines and enc == "utf-8":
        fast = _fast_lines(real_path, keep=os.path.getsize(real_path) <= _KEEP_BYTES)
    if fast is not None:
        survey, tables, longest = fast
        arrow = True
    elif lines:
        survey = _Survey()
        loads = _hooked_loads(survey)
        stats = {"odd": False, "longest": 0}
        for n, line in _jsonl_lines(real_path, enc, flag, stats):
            survey.line(n, line, loads)
        if not survey.count:
            raise _Fallback()
        arrow = (survey.plain and not survey.malformed and not stats["odd"] and enc == "utf-8")
        longest = stats["longest"]
    else:
        plain = _plain_array(real_path) if enc == "utf-8" and not json_path else None
        if plain is not None:
            (survey, commas), arrow, longest = plain, False, 0
        else:
            survey, spill = _survey_document(real_path, enc, json_path, flag)
            arrow, longest = survey.plain, spill.longest
    try:
        t = survey.table(path, real_path, profile, flag.found)
    except BaseException:
        if spill is not None:
            spill.remove()
        raise
    t.state = {"path": real_path, "encoding": enc, "lines": True, "surrogates": flag.found}
    if not lines and plain is not None:
        # records are cut and parsed as chunks() asks for them (read/base.py's read-ahead thread)
        t.state.update(array_keys=list(survey.keys), commas=commas, profile=profile, opened=len(t.problems),
                       field_of={label: canon for canon, label in t.columns.items()})
        return t
    if spill is not None:
        # the chosen list, one record a line, is read on as JSON Lines; the file goes when no
        # table (nor a copy of one) holds it
        t.state.update(path=spill.path, encoding="utf-8", spill=spill)
    if arrow and not survey.seen_dups[0] and not flag.found:
        t.state["arrow_block"] = max(JSON_BLOCK_SIZE, 4 * longest + 64)
    if tables is not None:
        t.state["arrow_tables"] = tables     # parsed already: chunks() only slices them
        if spill is None:
            t.state["path"] = None            # nothing is read again
    return t


def _survey_document(real_path: str, enc: str, json_path: str | None,
                     flag: _SurrogateFlag) -> tuple[_Survey, "_Spill"]:
    """The records list of a JSON document (the one ``json_path`` names, else the best candidate)
    with its survey and its records spilled to a JSON Lines file."""
    seen_dups = [0]

    def number(text: str) -> str:
        if scan.current is not None:
            scan.current.plain = False
        return text

    decoder = json.JSONDecoder(parse_int=number, object_pairs_hook=_pairs_hook(seen_dups))
    scan = _Scanner(real_path, enc, decoder, flag, seen_dups)
    lists = scan.survey(json_path)
    try:
        if json_path:
            if json_path not in lists:
                raise _Fallback()   # not found, or not a list: the whole read says which
            where = json_path
        elif "" in lists:
            where = ""
        else:
            if not lists:
                raise _Fallback()
            where = min(lists, key=lambda w: _score(w, [r for _n, r in lists[w].head]))
        survey = lists.pop(where)
    finally:
        for other in lists.values():
            other.spill.remove()
    return survey, survey.spill


class _Spill:
    """A temporary JSON Lines file holding one list's records, one a line.

    Line breaks between the tokens of a record become spaces (inside a JSON string a raw line
    break is no JSON, and such a document never gets here)."""

    def __init__(self):
        import tempfile

        fd, self.path = tempfile.mkstemp(prefix="sxcheck-json-", suffix=".jsonl")
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.longest = 0
        self.pending: list[str] = []
        self._gone = weakref.finalize(self, _unlink, self.path)

    def write(self, text: str) -> None:
        if "\n" in text or "\r" in text:
            text = text.replace("\r", " ").replace("\n", " ")
        self.longest = max(self.longest, len(text))
        self.pending.append(text)
        if len(self.pending) >= 1024:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.fh.write("\n".join(self.pending) + "\n")
            self.pending = []

    def close(self) -> None:
        if not self.fh.closed:
            self._flush()
        self.fh.close()

    def remove(self) -> None:
        self.fh.close()
        self._gone()


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _score(where: str, head: list) -> tuple:
    """How well the list at ``where`` (its first 100 records ``head``) looks like the records:
    most elements named, then the shallower, then the usual key names."""
    keys: dict[str, None] = {}
    for rec in head:
        if isinstance(rec, dict):
            keys.update(dict.fromkeys(rec))
    mapping, _u, _d = map_columns(list(keys))
    last = where.rsplit(".", 1)[-1]
    usual = JSON_LIST_KEYS.index(last) if last in JSON_LIST_KEYS else len(JSON_LIST_KEYS)
    return (-len(mapping), where.count("."), usual)


class _SurrogateFlag:
    """Whether the text holds a ``\\ud800``-style escape, looked for block by block."""

    def __init__(self):
        self.found = False
        self._tail = ""

    def see(self, text: str) -> None:
        if not self.found:
            self.found = _ESCAPED_SURROGATE.search(self._tail + text) is not None
            self._tail = text[-5:]


def _open_text(real_path: str, enc: str, newline: str):
    fh = open(real_path, encoding=enc, errors="strict", newline=newline)  # noqa: SIM115 - closed by callers
    return fh


def _jsonl_lines(real_path: str, enc: str, flag: _SurrogateFlag | None,
                 stats: dict | None = None) -> Iterator[tuple[int, str]]:
    """(record number, line) of each non-blank line; records end at \n only (U+2028, U+0085,
    \x1c… are legal inside JSON strings), a \r before it is dropped.  ``stats`` learns the
    longest line and whether a BOM or a line blank only to Python (U+3000…) was met."""
    n = 0
    longest = 0
    with _open_text(real_path, enc, "\n") as fh:
        first = True
        for line in fh:
            if first:
                first = False
                if line.startswith("\ufeff"):
                    line = line[1:]
                    if stats is not None:
                        stats["odd"] = True
            if stats is not None and len(line) > longest:
                longest = stats["longest"] = len(line)
            if line.endswith("\n"):
                line = line[:-1]
            if line.endswith("\r"):
                line = line[:-1]
            if flag is not None:
                flag.see(line)
            if not line.strip():
                if stats is not None and line.strip(" \t\r"):
                    stats["odd"] = True
                continue
            n += 1
            yield n, line


_WS = " \t\n\r"
_READ = 1 << 20


class _Scanner:
    """A JSON document read incrementally: containers of the envelope walked one token at a time,
    each record (an element of a list) decoded on its own with ``raw_decode``.

    The walk follows ``_find_lists``: a list found through objects (up to four levels down) is a
    candidate; lists inside lists are not.  Anything irregular raises :class:`_Fallback`.
    """

    def __init__(self, real_path: str, enc: str, decoder: json.JSONDecoder, flag: _SurrogateFlag | None,
                 seen_dups: list[int] | None = None):
        self.fh = _open_text(real_path, enc, "\n")   # no newline translation: the text as it is
        self.decoder = decoder
        self.seen_dups = seen_dups if seen_dups is not None else [0]
        self.flag = flag
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.first = True
        self.raw = (0, 0)
        self.sink = None          # called with each list element's JSON text
        self.current = None       # the survey being filled

    def close(self):
        self.fh.close()

    def _fill(self, want: int = _READ) -> bool:
        if self.eof:
            return False
        block = self.fh.read(max(want, _READ))
        if not block:
            self.eof = True
            return False
        if self.first:
            self.first = False
            if block.startswith("\ufeff"):
                block = block[1:]
        if self.flag is not None:
            self.flag.see(block)
        self.buf = self.buf[self.pos:] + block
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character ("" at the end)."""
        while True:
            buf, pos, n = self.buf, self.pos, len(self.buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < n:
                return buf[pos]
            if not self._fill():
                return ""

    def value(self) -> Any:
        """Decode the value starting at the next non-blank character.

        A value cut by the end of the buffer fails to decode (or, a number, decodes short): the
        buffer then grows by at least its own size and the value is decoded again."""
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if not self._fill(len(self.buf) - self.pos):
                    raise _Fallback() from None
                continue
            if end < len(self.buf) or not self._fill(len(self.buf) - self.pos):
                self.raw = (self.pos, end)
                self.pos = end
                return obj

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise _Fallback()
        self.pos += 1

    def closes(self, close: str) -> bool:
        """After a member: True past the ``close`` that ends its list or object, False past the
        comma before the next member."""
        c = self.peek()
        self.pos += 1
        if c == close:
            return True
        if c != ",":
            raise _Fallback()
        return False

    def elements(self) -> Iterator[Any]:
        """The elements of the list whose "[" comes next."""
        self.expect("[")
        yield from self.items()

    def items(self) -> Iterator[Any]:
        """The elements of the list whose "[" lies behind (up to its "]")."""
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            obj = self.value()
            if self.sink is not None:
                a, b = self.raw
                self.sink(self.buf[a:b])
            yield obj
            if self.closes("]"):
                return

    def walk(self, visit, path: str = "", depth: int = 0, json_path: str | None = None) -> None:
        """Walk the value that comes next; ``visit(path, elements)`` for each candidate list."""
        c = self.peek()
        if c == "[":
            visit(path, self.elements())
            return
        on_path = json_path is not None and (json_path == path or json_path.startswith(path + ".") or not path)
        if c != "{" or (depth >= 4 and not on_path):
            self.value()
            return
        self.pos += 1
        seen = set()
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise _Fallback()
            key = self.value()
            if key in seen or "." in key:
                raise _Fallback()   # the last value wins at the first key's place; "a.b" is no path
            seen.add(key)
            self.expect(":")
            self.walk(visit, f"{path}.{key}" if path else key, depth + 1, json_path)
            if self.closes("}"):
                return

    def finish(self) -> None:
        if self.peek() != "":
            raise _Fallback()   # extra data after the document

    def survey(self, json_path: str | None) -> dict[str, _Survey]:
        """Every candidate list (path → its survey), or with ``json_path`` the list it names."""
        lists: dict[str, _Survey] = {}
        top = self.peek()
        if top not in "[{" or (json_path and top != "{"):
            raise _Fallback()

        def visit(where: str, elements) -> None:
            s = self.current = _Survey()
            s.seen_dups = self.seen_dups
            s.spill = _Spill()
            self.sink = s.spill.write
            try:
                for n, rec in enumerate(elements, start=1):
                    s.add(n, rec)
            except BaseException:
                s.spill.remove()
                raise
            finally:
                self.sink = self.current = None
                s.spill.close()
            if where == "" or where == json_path or (
                    s.count and any(isinstance(r, dict) for _n, r in s.head)):
                lists[where] = s
            else:
                s.spill.remove()

        try:
            self.walk(visit, json_path=json_path or None)
            self.finish()
        except BaseException:
            for s in lists.values():
                s.spill.remove()
            raise
        finally:
            self.close()
        return lists


# ------------------------------------------------------------- plain arrays, split at the bytes

_FAST_BLOCK = 8 << 20
_SCAN_BLOCK = 512 << 10     # the key proof's blocks: a block and its arrays stay in the core's cache
_HEAD_BLOCK = 1 << 20       # enough for the first 100 records of the usual export
_KEEP_BYTES = 384 << 20    # a JSON Lines file up to this size keeps its records as Arrow tables
_BETWEEN = re.compile(rb"\}[ \t\r\n]*(,)[ \t\r\n]*\{")
_BLANK = b" \t\r\n"


class _Irregular(Exception):
    """Not an array of flat objects of strings and nulls: the exact scan reads the document."""


def _plain_array(real_path: str) -> tuple[_Survey, Any] | None:
    """The survey of a UTF-8 document that looks like one array of flat objects holding strings
    and nulls (the usual export), and the file offsets of the commas between its objects; or None.
    Its first 100 records are decoded in Python, and every key of the document is proven to be one
    of theirs (:func:`_scan_document`), so the header is known before the records are read.
    ``chunks()`` then cuts and parses the records block by block (:func:`_array_chunks`); whatever
    they hold that is not plain is read from there on exactly."""
    import numpy as np

    survey = _Survey()
    loads = _hooked_loads(survey)
    try:
        with open(real_path, "rb") as fh:
            data = fh.read(_HEAD_BLOCK).lstrip(_BLANK)
            if not data.startswith(b"["):
                return None
            data = data[1:]
            while True:
                more = fh.read(max(_HEAD_BLOCK, len(data)))
                data += more
                cuts = _cuts(data, _real_quotes(data))
                if len(cuts) >= 100 or not more:
                    break
        ends = [a + 1 for a, _c, _b in cuts[:100]]
        starts = [0] + [b for _a, _c, b in cuts[:99]]
        if len(cuts) < 100:                         # the whole array is in the bytes read
            tail = data.rstrip(_BLANK)
            if not tail.endswith(b"]"):
                return None
            ends.append(len(tail[:-1].rstrip(_BLANK)))
        for s, e in zip(starts, ends, strict=True):
            survey.add(survey.count + 1, loads(data[s:e].decode("utf-8")))
        if (not survey.count or not survey.plain or not isinstance(survey.head[0][1], dict)
                or survey.seen_dups[0]):
            return None
        head = data[:ends[-1]]
        quotes = _real_quotes(head)
        if quotes.size % 2:
            return None
        arr = np.frombuffer(head + b"\0", dtype=np.uint8)
        is_key = arr[_skip_blanks(arr, quotes[1::2] + 1)] == 58
        known = {head[o + 1:c] for o, c in zip(quotes[0::2][is_key].tolist(), quotes[1::2][is_key].tolist(),
                                                 strict=True)}
        commas = _scan_document(real_path, known) if known else None
    except (UnicodeError, ValueError, RecursionError):
        return None
    if commas is None:
        return None
    return survey, commas


def _real_quotes(data, end: int | None = None) -> Any:
    """Positions of the quotes that open or close the strings of ``data[:end]`` (valid JSON text
    that starts outside any string): every ``"`` but those an odd run of backslashes escapes."""
    import numpy as np

    end = len(data) if end is None else end
    arr = np.frombuffer(data, dtype=np.uint8, count=end)
    quote = arr == 34
    if data.find(b"\\", 0, end) >= 0:
        back = np.flatnonzero(arr == 92)
        first = np.ones(back.size, dtype=bool)
        first[1:] = np.diff(back) != 1
        run_start = np.maximum.accumulate(np.where(first, np.arange(back.size), 0))
        escapes = back[(np.arange(back.size) - run_start) % 2 == 0]     # each escapes the next byte
        quote[escapes[escapes + 1 < end] + 1] = False
    return np.flatnonzero(quote)


def _cuts(data: bytes, quotes) -> list[tuple[int, int, int]]:
    """(``}``, ``,``, ``{``) of each ``}, {`` outside the strings of ``data`` (which starts
    outside any): those after an even number of the string quotes ``quotes``."""
    import numpy as np

    found = [(m.start(), m.start(1), m.end() - 1) for m in _BETWEEN.finditer(data)]
    if not found:
        return found
    outside = np.searchsorted(quotes, np.array([a for a, _c, _b in found]), side="right") % 2 == 0
    return [cut for cut, keep in zip(found, outside.tolist(), strict=True) if keep]


_LOW_BYTES = [(1 << (8 * r)) - 1 for r in range(8)] + [(1 << 64) - 1]


def _skip_blanks(arr, at) -> Any:
    """``at`` moved past the JSON blanks there (a byte that is none follows them in ``arr``)."""
    import numpy as np

    blanks = _blank_bytes()
    blank = blanks[arr[at]]
    while blank.any():           # rare: "key" : value, "},\n  {" …
        at = np.where(blank, at + 1, at)
        blank &= blanks[arr[at]]
    return at


@functools.cache
def _blank_bytes() -> Any:
    import numpy as np

    blanks = np.zeros(256, dtype=bool)
    blanks[list(_BLANK)] = True
    return blanks


class _KeyTable:
    """The known keys (raw bytes), each with its closing quote as 8-byte words (zeros past the
    quote): a key of the document is one of them if its words (its bytes and its quote, the rest
    zeroed) are the words of the key a hash of a few of them points to.  As a key holds no
    unescaped quote, equal words are equal keys, byte for byte."""

    def __init__(self, known: set[bytes]):
        import numpy as np

        keys = sorted(known)
        self.longest = max(len(k) for k in keys)
        self.width = -(-(self.longest + 1) // 8) * 8         # the bytes read from a key's start
        self.pad = self.width + 1                            # what a block holds past its bytes
        count = self.width // 8
        # the word masks keeping the first n bytes, for n up to the longest key and its quote
        self.masks = np.array([[_LOW_BYTES[min(max(n - 8 * i, 0), 8)] for i in range(count)]
                               for n in range(self.longest + 2)], dtype=np.uint64)
        words = np.frombuffer(b"".join((k + b'"').ljust(self.width, b"\0") for k in keys),
                              dtype="<u8").reshape(-1, count)
        self.words = np.vstack([words, np.zeros((1, count), dtype=np.uint64)])   # the row of no key

        def apart(columns: list[int]) -> int:
            return len({tuple(row) for row in words[:, columns].tolist()})

        self.columns: list[int] = []            # the words hashed: the fewest found that set the keys apart
        while not self.columns or apart(self.columns) < len(keys):
            self.columns.append(max(range(count), key=lambda c: apart(self.columns + [c])))
        bits = min(20, 2 * len(keys).bit_length() + 4)
        self.shift = np.uint64(64 - bits)
        for seed in range(16):
            self.factors = np.random.default_rng(seed).integers(
                0, 1 << 64, len(self.columns), dtype=np.uint64, endpoint=False) | np.uint64(1)
            slot = self._slot(words)
            if np.unique(slot).size == len(keys):
                break
        # (thousands of keys no seed sets apart: a key that lost its slot is taken for unknown,
        # and the document is read exactly, as one holding an unknown key)
        self.slots = np.full(1 << bits, len(keys), dtype=np.intp)
        self.slots[slot] = np.arange(len(keys))

    def _slot(self, words) -> Any:
        hashed = words[:, self.columns[0]] * self.factors[0]
        for column, factor in zip(self.columns[1:], self.factors[1:], strict=True):
            hashed ^= words[:, column] * factor
        return (hashed >> self.shift).view("i8")

    def has(self, data: bytearray, opening, closing) -> bool:
        """Whether every key of ``data`` (its opening and closing quotes; ``self.pad`` bytes
        follow the last) is one of the known keys, byte for byte."""
        import numpy as np

        kept = closing - opening                             # a key's bytes and its closing quote
        if int(kept.max()) > self.longest + 1:
            return False
        view = np.ndarray(shape=(len(data) - self.width + 1,), dtype=f"V{self.width}", buffer=data, strides=(1,))
        words = view[opening + 1].view("<u8").reshape(-1, self.width // 8)
        words &= np.take(self.masks, kept, axis=0)
        which = np.take(self.slots, self._slot(words))
        return bool((np.take(self.words, which, axis=0) == words).all())

    def scan(self, data: bytearray, quotes, end: int) -> Any | None:
        """The commas between objects in ``data[:end]`` (``quotes``: its string quotes, all
        before ``end``; ``data[end]`` is no blank and ``self.pad`` bytes follow ``end``), or None
        for an unknown key or a raw line break in a string."""
        import numpy as np

        arr = np.frombuffer(data, dtype=np.uint8)
        if data.find(b"\n", 0, end) >= 0 or data.find(b"\r", 0, end) >= 0:
            breaks = np.flatnonzero((arr[:end] == 10) | (arr[:end] == 13))
            if (np.searchsorted(quotes, breaks) % 2).any():
                return None
        strings = quotes.reshape(-1, 2)                      # (opening, closing) quote of each
        after = strings[:, 1] + 1
        nxt = arr[after]
        if (nxt <= 32).any():
            after = _skip_blanks(arr, after)
            nxt = arr[after]
        keys = np.compress(nxt == 58, strings, axis=0)
        if keys.size and not self.has(data, keys[:, 0], keys[:, 1]):
            return None
        # each "}" outside the strings that "," and then "{" follow (blanks between): those after
        # a string, if they are all the "}" there are, else (after null, a number, in a string …)
        # the "}" outside the strings looked for byte by byte
        closers = after[nxt == 125]
        if closers.size != np.count_nonzero(arr[:end] == 125):
            closers = np.flatnonzero(arr[:end] == 125)
            closers = closers[np.searchsorted(quotes, closers) % 2 == 0]
        comma = _skip_blanks(arr, closers + 1)
        comma = comma[arr[comma] == 44]
        return comma[arr[_skip_blanks(arr, comma + 1)] == 123]


_SPLIT_BLOCKS = 2           # a document this many scan blocks long or longer is scanned on two threads
# a "{" no string of a JSON document holds: in a string, the quote after it (a "{" or a blank
# before it, no backslash) would close the string, and only a blank, "," ":" "}" or "]" may follow
# a closing quote (so a string that ends in "{" is passed over)
_SPLIT_AT = re.compile(rb'\{[ \t\r\n]*"[^ \t\r\n,:}\]]')
_SPLIT_WINDOW = 1 << 20     # the bytes looked through for it from the middle of the document


class _SplitInString(Exception):
    """The split point lies inside a string as the quotes before it count (the document is no
    JSON): the document is scanned whole, on one thread."""


def _scan_document(real_path: str, known: set[bytes]) -> Any | None:
    """For a document assumed to be valid JSON (one that is not gives its error when it is read,
    whatever this said): the file offsets of the commas between the objects of the top-level
    array (each ``,`` of a ``}, {`` outside the strings), or None when a key of the document (any
    string a colon follows, nested objects included) is none of ``known`` as written there (raw
    bytes), or a raw line break lies inside a string (no JSON).

    Vectorised over blocks (:meth:`_KeyTable.scan`: the keys among the strings, each key's length
    and bytes as 8-byte words looked up among the known keys' by a hash and compared).  What a
    block finds depends on its bytes and on their starting outside any string only, so a document
    of ``_SPLIT_BLOCKS`` blocks or more is scanned in two halves on two threads, split at a ``{``
    of :data:`_SPLIT_AT` past its middle (numpy lets go of the GIL in its loops): the halves' commas
    in order, or None if either finds what gives None.  The first half ends knowing whether the
    split point is outside the strings as counted from the start (the serial scan's view); when it
    is not (never in JSON), the document is scanned again whole, so the result is the serial
    scan's in every case."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    table = _KeyTable(known)
    total = os.path.getsize(real_path)
    split = _split_point(real_path, total // 2) if total >= _SPLIT_BLOCKS * _SCAN_BLOCK else None
    if split is None:
        return _scan_range(real_path, table, 0)
    halt = threading.Event()            # the second half's scan stops early: its result is not needed
    with ThreadPoolExecutor(1) as pool:
        second = pool.submit(_scan_range, real_path, table, split, None, halt)
        try:
            first = _scan_range(real_path, table, 0, split)
        except _SplitInString:
            halt.set()
            return _scan_range(real_path, table, 0)
        except BaseException:
            halt.set()
            raise
        if first is None:
            halt.set()
            return None
        rest = second.result()
    return None if rest is None else np.concatenate([first, rest])


def _split_point(real_path: str, start: int) -> int | None:
    """The file offset of the first ``{`` of :data:`_SPLIT_AT` in the window from ``start`` on
    (outside the strings if the document is JSON), or None."""
    with open(real_path, "rb") as fh:
        fh.seek(start)
        found = _SPLIT_AT.search(fh.read(_SPLIT_WINDOW))
    return None if found is None else start + found.start()


def _scan_range(real_path: str, table: _KeyTable, start: int, stop: int | None = None,
                halt: Any = None) -> Any | None:
    """:func:`_scan_document` of the bytes from ``start`` (outside the strings: the document's
    start or a split point) to ``stop`` (a split point; None: the document's end), block by block;
    a scan whose ``halt`` is set gives None.  Raises :class:`_SplitInString` when ``stop`` lies
    inside a string as its quotes count."""
    import numpy as np

    commas = []
    base = start                        # the file offset of data[0]
    data = bytearray()
    with open(real_path, "rb") as fh:
        at = fh.seek(start)             # the file offset read up to
        tail = b""
        while True:
            if halt is not None and halt.is_set():
                return None
            if len(data) < len(tail) + _SCAN_BLOCK + table.pad:
                data = bytearray(len(tail) + _SCAN_BLOCK + table.pad)   # else reused
            data[:len(tail)] = tail
            want = _SCAN_BLOCK if stop is None else min(_SCAN_BLOCK, stop - at)
            read = fh.readinto(memoryview(data)[len(tail):len(tail) + want])
            at += read
            size = len(tail) + read
            quotes = _real_quotes(data, size)
            if read:
                cut = (quotes.size - 1) // 2 * 2     # the last opening quote: strings before it are whole
                if cut <= 0:
                    tail = bytes(data[:size])
                    continue
                end = int(quotes[cut])
                tail = bytes(data[end:size])
                quotes = quotes[:cut]
            elif quotes.size % 2:
                if stop is None:
                    return None
                raise _SplitInString
            else:
                end = size
                # past the bytes: no blank (and at a split point its "{", so the comma before it is seen)
                data[end] = 0 if stop is None else 123
            found = table.scan(data, quotes, end)
            if found is None:
                return None
            commas.append(found + base)
            base += end
            if not read:
                return np.concatenate(commas)


def _array_chunks(table: Table) -> Iterator[Any]:
    """The records of a plain array (``_plain_array`` said so at opening), cut into JSON Lines
    block by block at the commas opening found between the objects and parsed by Arrow's JSON
    reader with the keys as a string schema: no other key, no key twice, no other value type.
    From the first block Arrow refuses (or that is no UTF-8 or holds an escaped surrogate) the
    exact scan reads on, record by record, numbering on from there: records are independent, so
    the frames, row numbers and reading problems are those of the exact read, and a document
    that is no JSON raises the whole read's error."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.json as pj

    from validators.read.frames import TextFrames, without_empty

    cfg = table.state
    commas = cfg["commas"]
    schema = pa.schema([(k, pa.string()) for k in cfg["array_keys"]])
    parse = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    labels = list(table.columns.values())
    names = _frame_names(table)
    frames = TextFrames(names)
    pending: list = []          # Arrow tables of parsed blocks, their rows not yet in frames
    waiting = 0
    row = 1

    def add(row: int, n: int) -> int:
        """The next ``n`` parsed rows (numbered from ``row``) into frames, "" read as missing."""
        nonlocal pending, waiting
        rows = pa.concat_tables(pending)
        pending, waiting = [rows.slice(n)] if rows.num_rows > n else [], rows.num_rows - n
        columns = {}
        for name, col in zip(names, rows.slice(0, n).columns, strict=True):
            col = without_empty(col)
            columns[name] = pa.concat_arrays(col.chunks) if col.num_chunks != 1 else col.chunk(0)
        frames.add(columns, range(row, row + n))
        return row + n

    with open(cfg["path"], "rb") as fh:
        rest = fh.read(_FAST_BLOCK)
        offset = len(rest) - len(rest.lstrip(_BLANK)) + 1          # the file offset of data[0]: past the "["
        rest = rest[offset:]                                       # read, not yet parsed
        first = 0                                                  # commas[first] is the next comma
        eof = False
        while not eof:
            data = bytearray(len(rest) + _FAST_BLOCK)
            data[:len(rest)] = rest
            read = fh.readinto(memoryview(data)[len(rest):])
            eof = not read
            size = len(rest) + read
            last = int(np.searchsorted(commas, offset + size))
            if not eof and last == first:
                rest = memoryview(data)[:size].tobytes()           # no record ends in the bytes yet
                continue
            try:
                body, count = _plain_block(data, size, commas[first:last] - offset, eof)
                # two halves parsed on arrow's threads: while a JSON file is read the checks wait
                # for the parser, so the second core is free (rows keep their order)
                block = pj.read_json(pa.BufferReader(pa.py_buffer(body)), parse_options=parse,
                                     read_options=pj.ReadOptions(use_threads=True, block_size=len(body) // 2 + 64))
                if block.num_rows != count:
                    raise _Irregular
            except (_Irregular, pa.ArrowException, ValueError):
                if waiting:
                    row = add(row, waiting)
                yield from _array_rest(table, frames, offset, row)
                return
            pending.append(block.select(labels))
            waiting += count
            while waiting >= CHUNK_ROWS:
                row = add(row, CHUNK_ROWS)
                yield frames.frame()
                frames = TextFrames(names)
            used = size if eof else int(commas[last - 1]) - offset + 1
            offset += used
            rest = memoryview(data)[used:size].tobytes()
            first = last
    if waiting:
        add(row, waiting)
        yield frames.frame()


def _plain_block(data: bytearray, size: int, commas, eof: bool) -> tuple[memoryview, int]:
    """The whole records at the start of ``data[:size]`` (which starts at a record), up to the
    last of ``commas`` (their positions in ``data``) or at the end of the document to its
    closing ``]``, as JSON Lines text (``data`` changed in place), and their count.  Raises
    :class:`_Irregular` on what Arrow must not see."""
    import numpy as np

    if eof:
        end = size
        while end and data[end - 1] in _BLANK:
            end -= 1
        last = end = end - 1                       # the "]"
        while last > 0 and data[last - 1] in _BLANK:
            last -= 1
        if end < 0 or data[end] != 93 or last < 1 or data[last - 1] != 125:
            raise _Irregular
    else:
        end, commas = int(commas[-1]), commas[:-1]
    body = memoryview(data)[:end]
    if not _utf8(body) or (data.find(b"\\", 0, end) >= 0 and _ESCAPED_SURROGATE_B.search(data, 0, end)):
        raise _Irregular
    arr = np.frombuffer(data, dtype=np.uint8, count=end)
    if data.find(b"\n", 0, end) >= 0 or data.find(b"\r", 0, end) >= 0:
        arr[(arr == 10) | (arr == 13)] = 32        # outside the strings all (opening saw to it)
    arr[commas] = 10
    return body, len(commas) + 1


def _array_rest(table: Table, frames, offset: int, row: int) -> Iterator[Any]:
    """The records from byte ``offset`` (record ``row``) on, read exactly: decoded one by one by
    the scanner (each value as the whole read converts it, repeated keys and records that are no
    object noted as reading problems); a document the scanner cannot take is read whole, which
    raises its error (or, never expected, gives the records to read on with)."""
    cfg = table.state
    survey = _Survey()
    decoder = json.JSONDecoder(parse_int=str, object_pairs_hook=_pairs_hook(survey.seen_dups))
    scan = _Scanner(cfg["path"], "utf-8", decoder, None, survey.seen_dups)
    scan.fh.seek(offset)
    late = None

    def records() -> Iterator[tuple[int, Any]]:
        nonlocal late
        n = row
        try:
            for rec in scan.items():
                survey.add(n, rec)
                yield n, rec
                n += 1
            scan.finish()
        except (_Fallback, UnicodeError, RecursionError, ValueError):
            whole = _open_loaded(table.source, cfg["path"], "utf-8", False, cfg["profile"], None)
            late = whole.problems[cfg["opened"]:]
            yield from whole.state["records"][n - 1:]
        finally:
            scan.close()

    yield from _record_frames(table, records(), frames, surrogates=True)
    if not cfg.get("late"):
        cfg["late"] = True
        # the elements of the table as opened (a copy of it may read fewer)
        table.problems.extend(late if late is not None else survey.problems(cfg["field_of"]))


def _fast_lines(real_path: str, keep: bool) -> tuple[_Survey, list | None, int] | None:
    """A UTF-8 JSON Lines file whose every line is a flat object of strings and nulls with no key
    the first line lacks: its survey (the first 100 lines decoded in Python), the Arrow tables of
    its records with ``keep``, the longest line.  Arrow's reader refuses every other line (no JSON,
    a key twice, another key or value), and a blank line is seen in the count of rows, so the
    file then goes to the line-by-line survey (None)."""
    import numpy as np

    survey = _Survey()
    loads = _hooked_loads(survey)
    newlines = longest = 0
    last = -1
    try:
        with open(real_path, "rb") as fh:
            if fh.read(3) == b"\xef\xbb\xbf":
                return None
            fh.seek(0)
            for n in range(1, 101):
                line = fh.readline()
                if not line:
                    break
                survey.line(n, line.decode("utf-8").removesuffix("\n").removesuffix("\r"), loads)
            fh.seek(0)
            offset, tail = 0, b""
            while block := fh.read(_FAST_BLOCK):
                data = tail + block
                cut = data.rfind(b"\n") + 1 if len(block) == _FAST_BLOCK else len(data)
                body, tail = data[:cut], data[cut:]
                if not _utf8(body) or (b"\\" in body and _ESCAPED_SURROGATE_B.search(body)):
                    return None
                at = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10) + offset
                if at.size:
                    longest = max(longest, int(np.diff(at, prepend=last).max()))
                    last = int(at[-1])
                newlines += at.size
                offset += len(body)
            longest = max(longest, offset - 1 - last)
    except (UnicodeError, ValueError, RecursionError):
        return None
    rows = newlines + (offset > last + 1)       # a last line without its line break
    if (survey.malformed or not survey.plain or survey.seen_dups[0] or not survey.count
            or not isinstance(survey.head[0][1], dict)):
        return None
    try:
        table = _arrow_reads(real_path, list(survey.keys), rows, longest, keep=keep)
    except _Irregular:
        return None
    survey.count = rows
    return survey, [table] if keep else None, longest


def _utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8 (Arrow's check of a string array viewing it, no copy)."""
    import pyarrow as pa

    offsets = pa.py_buffer((0).to_bytes(8, "little") + len(data).to_bytes(8, "little"))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _arrow_reads(source, keys: list[str], count: int, longest: int, keep: bool = False):
    """Raise :class:`_Irregular` unless Arrow reads ``source`` (JSON Lines) as ``count`` records of
    ``keys`` (strings or nulls; a record with another key, a key twice or another value is
    refused); with ``keep`` the table read."""
    import pyarrow as pa
    import pyarrow.json as pj

    schema = pa.schema([(k, pa.string()) for k in keys])
    try:
        reader = pj.open_json(source, read_options=pj.ReadOptions(block_size=max(JSON_BLOCK_SIZE, 4 * longest + 64)),
                              parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error"))
        if keep:
            table = reader.read_all()
            rows = table.num_rows
        else:
            rows = sum(batch.num_rows for batch in reader)
    except (pa.ArrowException, ValueError):
        raise _Irregular from None
    if rows != count:
        raise _Irregular
    return table if keep else None


def _open_loaded(path, real_path, enc, lines, profile, json_path) -> Table:
    """The whole-document read: exact errors for any file, and the shapes streaming leaves out."""
    try:
        with open(real_path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
    if not raw.strip():
        raise InputError("empty-file", path)
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError("bad-encoding", path, encoding=enc, offset=exc.start, line=line) from exc
    del raw
    if text.startswith("\ufeff"):
        text = text[1:]
    survey = _Survey()
    # "\ud800" escapes decode to lone surrogates, which no UTF-8 writer (nor Arrow) can hold
    surrogates = _ESCAPED_SURROGATE.search(text) is not None
    if lines:
        records = []
        loads = _hooked_loads(survey)
        n = 0
        for line in _split_lines(text):
            if not line.strip():
                continue
            n += 1
            survey.line(n, line, loads)
            records.append(survey.last)
    else:
        try:
            data = _loads(text, survey.seen_dups)
        except json.JSONDecodeError as exc:
            raise InputError("bad-json", path, line=exc.lineno, detail=exc.msg) from exc
        except RecursionError:
            raise InputError("json-too-deep", path) from None
        except ValueError as exc:
            raise InputError("bad-json", path, line="?", detail=_json_detail(exc)) from exc
        del text
        data, _where = _records_list(data, path, json_path)
        records = list(enumerate(data, start=1))
        for n, rec in records:
            survey.add(n, rec)
    t = survey.table(path, real_path, profile, surrogates)
    t.state = {"records": records, "surrogates": surrogates}
    return t


def _duplicates(rec: dict):
    """(repeated key, top-level key it sits under) for the record and the objects it holds."""
    if isinstance(rec, _DupKeys):
        for k in rec.dups:
            yield k, k
    for k, v in rec.items():
        items = v if isinstance(v, list) else [v]
        for item in items:
            if isinstance(item, _DupKeys):
                for d in item.dups:
                    yield f"{k}.{d}", k


def _json_detail(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "nesting too deep"
    return str(exc).splitlines()[0][:120]


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_ESCAPED_SURROGATE_B = re.compile(_ESCAPED_SURROGATE.pattern.encode())
_SURROGATE = re.compile("[\ud800-\udfff]")


def _visible_surrogates(v: Any) -> Any:
    """A lone surrogate (half of an emoji, cut by the exporter) shown as its escape, ``\\ud800``."""
    if isinstance(v, str) and _SURROGATE.search(v):
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", v)
    return v


def _json_value(canonical: str, v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, list):
        return _flatten_list(canonical, v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v)
    return text if text != "" else None


def _json_chunks(table: Table) -> Iterator[Any]:
    from validators.read.frames import TextFrames

    cfg = table.state
    done = 0
    if "array_keys" in cfg:
        yield from _array_chunks(table)
        return
    if cfg.get("arrow_block"):
        try:
            for frame in _jsonl_arrow_chunks(table):
                done += len(frame)
                held = [frame]
                del frame
                yield held.pop()    # not kept here while the checks work on it
            return
        except Exception:  # noqa: BLE001 - Arrow refused a line Python reads: Python reads on from there
            if "arrow_tables" in cfg:
                raise   # read whole already: nothing is left to refuse
    if "records" in cfg:
        records = iter(cfg["records"])
    else:
        records = ((n, _jsonl_record(line)) for n, line in _jsonl_lines(cfg["path"], cfg["encoding"], None)
                   if n > done)
    yield from _record_frames(table, records, TextFrames(_frame_names(table)), cfg.get("surrogates"))


def _hours_from_lobby(table: Table) -> bool:
    return table.columns.get("handling_hours", "").endswith("[].time")


def _frame_names(table: Table) -> list[str]:
    """The frame's columns: the elements, 办理时间 last when it is read from the 办理地点 list."""
    lobby = _hours_from_lobby(table)
    return [c for c in table.columns if not (lobby and c == "handling_hours")] + (["handling_hours"] if lobby else [])


def _record_frames(table: Table, records: Iterator[tuple[int, Any]], frames, surrogates: bool) -> Iterator[Any]:
    """Frames of decoded records ((number, record) pairs), filling ``frames`` (which may hold rows
    already) up to ``CHUNK_ROWS`` a frame."""
    from validators.read.frames import SLICE_ROWS, TextFrames, texts

    hours_from_lobby = _hours_from_lobby(table)
    items = [(c, lbl) for c, lbl in table.columns.items() if not (hours_from_lobby and c == "handling_hours")]
    names = frames.names
    while part := list(islice(records, min(SLICE_ROWS, CHUNK_ROWS - len(frames)))):
        recs = [rec if isinstance(rec, dict) else {} for _n, rec in part]
        columns = {}
        for c, lbl in items:
            convert = functools.partial(_json_value, c)
            if surrogates:
                convert = functools.partial(_visible_value, convert)
            columns[c] = texts([rec.get(lbl) for rec in recs], convert)
        if hours_from_lobby:
            loc = table.columns["handling_location"]
            hours = [_lobby_hours(lob) if isinstance(lob := rec.get(loc), list) else None for rec in recs]
            columns["handling_hours"] = texts(hours, _visible_surrogates if surrogates else _same)
        frames.add(columns, [n for n, _ in part])
        if len(frames) >= CHUNK_ROWS:
            yield frames.frame()
            frames = TextFrames(names)
    if len(frames):
        yield frames.frame()


def _jsonl_arrow_chunks(table: Table) -> Iterator[Any]:
    """A JSONL file whose every line is an object of strings and nulls (the survey said so), read
    by Arrow's streaming JSON reader: an explicit string schema of the element keys, "" as null."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.json as pj

    from validators.read.frames import without_empty

    cfg = table.state
    labels = list(table.columns.values())
    schema = pa.schema([(lbl, pa.string()) for lbl in labels])
    if "arrow_tables" in cfg:
        reader = (batch for tbl in cfg["arrow_tables"] for batch in tbl.select(labels).to_batches())
    else:
        reader = pj.open_json(cfg["path"], read_options=pj.ReadOptions(block_size=cfg["arrow_block"]),
                              parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore"))
    names = list(table.columns)
    start = 1

    def frame(tbl):
        nonlocal start
        cols = []
        for col in tbl.columns:
            cols.append(without_empty(col))
        out = pa.table(cols, names=names).to_pandas()
        if len(out) != tbl.num_rows:
            raise ValueError("rows lost")  # never expected: the Python read takes over
        out["_row"] = np.arange(start, start + tbl.num_rows, dtype=np.int64)
        start += tbl.num_rows
        return out

    pending = pa.Table.from_batches([], schema=schema)
    for batch in reader:
        pending = pa.concat_tables([pending, pa.Table.from_batches([batch], schema=schema)])
        while pending.num_rows >= CHUNK_ROWS:
            yield frame(pending.slice(0, CHUNK_ROWS))
            pending = pending.slice(CHUNK_ROWS)
    if pending.num_rows:
        yield frame(pending)


def _same(v: Any) -> Any:
    return v


def _visible_value(convert, v: Any) -> Any:
    return _visible_surrogates(convert(v))


def _jsonl_record(line: str) -> Any:
    """A line's record for the frames (a malformed line, already reported, is a row of nothing)."""
    try:
        return _PLAIN.decode(line)
    except (ValueError, RecursionError):
        return {}
