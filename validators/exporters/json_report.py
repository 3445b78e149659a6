"""JSON export: ``Report.to_dict(lang)``, described by ``schemas/report.schema.json``.

``write_json`` streams the findings one per line, so a report with millions of findings never
exists twice in memory (as Python objects and as one string).  Each line is the ``json.dumps`` of
the finding's dict, assembled from pieces: the text of a finding's message, hint, suggestion and
params is encoded once per distinct tail, its other fields once per distinct value
(:meth:`Report.finding_codes` gives them factorised) with the same string encoder ``json.dumps``
uses, so the bytes are those of dumping every dict.  Into a UTF-8 file the lines are joined by
Arrow (``binary_join_element_wise`` over the columns of encoded pieces) and written as bytes, a
block of findings at a time.
"""
from __future__ import annotations

import gc
import json
from contextlib import contextmanager
from json.encoder import c_make_encoder, encode_basestring
from typing import TextIO

_ENCODER = json.JSONEncoder(ensure_ascii=False)   # what json.dumps(…, ensure_ascii=False) builds per call
# the C encoder ``_ENCODER.encode`` makes anew for each call, made once (the findings' params and
# suggestions are JSON-safe trees: no check for cycles)
_DUMP = (c_make_encoder(None, _ENCODER.default, encode_basestring, None, ": ", ", ", False, False, True)
         if c_make_encoder is not None else None)
BATCH = 2048   # findings per write (the text of a whole chunk would weigh tens of MB)
BLOCK = 8192   # findings per write of joined bytes (a few MB: the pieces stay in cache)


def to_json(report, *, lang: str = "zh") -> str:
    import io

    buf = io.StringIO()
    write_json(report, buf, lang=lang)
    return buf.getvalue()


def write_json(report, fh: TextIO, *, lang: str = "zh", rename: dict[str, str] | None = None) -> None:
    """``rename`` maps a source path to the name shown instead (the web page stores uploads under
    generated names and shows the user's own)."""
    doc = report.to_dict(lang, findings=False)
    dump = json.dumps
    rename = rename or {}
    if rename:
        doc["stats"] = _renamed(doc["stats"], rename)
    fh.write("{\n")
    for key in ("tool", "command", "lang", "summary"):
        fh.write(f" {dump(key)}: {dump(doc[key], ensure_ascii=False)},\n")
    fh.write(' "findings": [')
    if rename:
        first = True
        for finding in report.iter_findings(lang):
            finding = _renamed(finding, rename)
            fh.write(("\n  " if first else ",\n  ") + dump(finding, ensure_ascii=False))
            first = False
    else:
        with _collector_paused():
            _write_findings(report, fh, lang)
    fh.write("\n ],\n")
    fh.write(f' "findings_truncated": {dump(doc["findings_truncated"])},\n')
    fh.write(' "stats": ')
    _write_indented(doc["stats"], fh)
    fh.write("\n}\n")


def write_items(fh: TextIO, texts, indent: str, first: bool = True) -> bool:
    """Write the JSON texts ``texts`` as the items of a list, one a line after ``indent``, BATCH at
    a time (the text of a whole report would weigh hundreds of MB); return True while nothing has
    been written (the ``first`` of the next call)."""
    lines = []
    for text in texts:
        lines.append(text)
        if len(lines) == BATCH:
            fh.write(("\n" if first else ",\n") + indent + f",\n{indent}".join(lines))
            first = False
            lines.clear()
    if lines:
        fh.write(("\n" if first else ",\n") + indent + f",\n{indent}".join(lines))
        first = False
    return first


def _write_indented(value, fh: TextIO, batch: int = 8192) -> None:
    """``dumps(value, ensure_ascii=False, indent=1)`` written in pieces: the per-unit figures of a
    national export hold hundreds of thousands of units, whose text would otherwise be built as
    one list of millions of pieces and then one string.  A dict's entries are written one by
    one, and an entry that is a table of flat numeric records (``per_unit``) is laid out here, a
    line per figure, without json's pure-Python indenting encoder (which walks each number
    several calls deep); the text is the same."""
    if value.__class__ is dict and value and all(k.__class__ is str for k in value):
        sep = "{\n "
        for key, item in value.items():
            fh.write(f"{sep}{encode_basestring(key)}: ")
            sep = ",\n "
            if not _write_records(item, fh, 1, batch):
                _write_indented_at(item, fh, 1, batch)
        fh.write("\n}")
        return
    _write_indented_at(value, fh, 0, batch)


def _write_indented_at(value, fh: TextIO, level: int, batch: int) -> None:
    """json's ``indent=1`` text of a value that starts ``level`` spaces in (a JSON text holds no
    raw line break, so each of json's line breaks takes the extra indent)."""
    from itertools import islice

    pad = "\n" + " " * level
    pieces = json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(value)
    while block := list(islice(pieces, batch)):
        text = "".join(block)
        fh.write(text.replace("\n", pad) if level else text)


def _write_records(table, fh: TextIO, level: int, batch: int) -> bool:
    """Write ``table`` — a non-empty dict of str → dict of str → int or float, the same keys in
    every record — as :func:`_write_indented` would at ``level``; False, having written nothing,
    when it is not such a table."""
    if table.__class__ is not dict or not table:
        return False
    first = next(iter(table.values()))
    if first.__class__ is not dict or not first:
        return False
    keys = list(first)
    if any(k.__class__ is not str for k in keys):
        return False
    for name, record in table.items():
        if name.__class__ is not str or record.__class__ is not dict or list(record) != keys:
            return False
        for v in record.values():
            if v.__class__ is not int and (v.__class__ is not float or v - v != 0):   # not NaN or ±inf
                return False
    outer, inner = "\n" + " " * (level + 1), "\n" + " " * (level + 2)
    # one %-template per record: "name": {<figures, one a line>}  (%r of an int or a finite
    # float is the text json writes for it)
    template = "%s: {" + ",".join((inner + encode_basestring(k)).replace("%", "%%") + ": %r"
                                  for k in keys) + outer + "}"
    sep, between = "{" + outer, "," + outer
    lines = []
    for name, record in table.items():
        lines.append(template % (encode_basestring(name), *record.values()))
        if len(lines) == batch:
            fh.write(sep + between.join(lines))
            sep = between
            lines.clear()
    fh.write((sep + between.join(lines) if lines else "") + "\n" + " " * level + "}")
    return True


def _write_findings(report, fh: TextIO, lang: str) -> None:
    """The findings array's items, one per line, byte for byte as ``dumps(finding)`` of each
    :meth:`Report.iter_findings` dict (keys in the same order, same separators): each chunk of
    findings (:meth:`Report.finding_codes`) joined into bytes by :func:`_write_joined`, or line by
    line as text when it cannot (or ``fh`` takes no bytes)."""
    from validators.report.report import FindingCodes

    write_bytes = _byte_writer(fh)
    heads: dict[tuple, str] = {}
    fields: dict[str | None, str] = {}
    first = True
    encoded: dict[int, tuple] = {}   # id of a tail → (tail, its text): chunks share tails
    for cols in report.finding_codes(lang):
        if len(encoded) > 2 * len(cols.tails) + 8_192:
            encoded.clear()
        tails = []
        for tail in cols.tails:
            known = encoded.get(id(tail))
            if known is None or known[0] is not tail:
                known = encoded[id(tail)] = (tail, _tail(*tail))
            tails.append(known[1])
        if not len(cols.tail_of):
            continue
        if isinstance(cols, FindingCodes):
            if write_bytes is not None and _write_joined(cols, tails, write_bytes, first):
                first = False
                continue
            cols = cols.columns()
        sep = "\n  " if first else ",\n  "
        first = False
        lines = []
        for code, sev, source, sheet, row, fld, item, value, t in zip(
                cols.code, cols.severity, cols.source, cols.sheet, cols.row, cols.field, cols.item,
                cols.value, cols.tail_of.tolist(), strict=True):
            hkey = (code, sev, source, sheet)
            head = heads.get(hkey)
            if head is None:
                head = (f'{{"code": {_enc(code)}, "severity": {_enc(sev)}, "source": {_enc(source)}, '
                        f'"sheet": {_enc(sheet)}, "row": ')
                if _plain(hkey):   # a key only str and None equal encodes alike (not so 1 and 1.0)
                    heads[hkey] = head
            f = fields.get(fld) if fld is None or fld.__class__ is str else None
            if f is None:
                f = f', "field": {_enc(fld)}, "item": '
                if fld is None or fld.__class__ is str:
                    fields[fld] = f
            lines.append(f'{head}{"null" if row is None else row}{f}{_enc(item)}, "value": {_enc(value)}, '
                         f'{tails[t]}}}')
            if len(lines) == BATCH:
                fh.write(sep + ",\n  ".join(lines))
                sep = ",\n  "
                lines.clear()
        if lines:
            fh.write(sep + ",\n  ".join(lines))


def _tail(message, hint, suggestion, params: dict) -> str:
    """``dumps({"message": …, "hint": …, "suggestion": …, "params": …})`` without its braces."""
    suggestion = "null" if suggestion is None else _dump(suggestion.to_dict())
    return (f'"message": {_enc(message)}, "hint": {_enc(hint)}, "suggestion": {suggestion}, '
            f'"params": {_dump(params) if params else "{}"}')


def _dump(value: dict) -> str:
    """``json.dumps(value, ensure_ascii=False)`` of a dict."""
    return "".join(_DUMP(value, 0)) if _DUMP is not None else _ENCODER.encode(value)


def _byte_writer(fh: TextIO):
    """A function writing UTF-8 bytes in place of text to ``fh`` (its text written so far goes
    first), when ``fh`` is a UTF-8 text file that writes "\\n" as it is; else None."""
    import codecs
    import io
    import os

    if not isinstance(fh, io.TextIOWrapper) or os.linesep != "\n":
        return None
    try:
        if codecs.lookup(fh.encoding).name != "utf-8":
            return None
    except LookupError:
        return None
    buffer = fh.buffer

    def write(data) -> None:
        fh.flush()
        buffer.write(data)

    return write


def _write_joined(cols, tails: list[str], write_bytes, first: bool) -> bool:
    """Write the findings of ``cols`` (a :class:`~validators.report.report.FindingCodes`,
    ``tails`` their encoded tails) as joined UTF-8 lines, each behind ",\\n  " (the first of the
    array behind "\\n  " with ``first``); False, having written nothing, when Arrow cannot hold
    a value (a lone surrogate): those lines are built one by one.

    A line is five pieces: its head (code, severity, source and sheet: one text per distinct
    four), row, field, item, and value with the tail (findings that share a tail share their
    field and value: one text per tail)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from validators.report.report import _firsts

    def encoded(name: str, at) -> list[str]:   # the _enc of column ``name`` at positions ``at``
        codes, distinct = cols.text[name]
        return ["null" if k < 0 else encode_basestring(distinct[k]) for k in codes[at].tolist()]

    head_of, at = cols.groups(("code", "severity", "source", "sheet"))
    heads = [f',\n  {{"code": {c}, "severity": {s}, "source": {so}, "sheet": {sh}, "row": '
             for c, s, so, sh in zip(*(encoded(n, at) for n in ("code", "severity", "source", "sheet")), strict=True)]
    tail_of = cols.tail_of
    at = _firsts(tail_of)   # a finding per tail
    fields = [f', "field": {f}, "item": ' for f in encoded("field", at)]
    ends = [f', "value": {v}, {t}}}' for v, t in zip(encoded("value", at), tails, strict=True)]
    try:
        heads, fields, ends = (pa.array(x, type=pa.large_string()) for x in (heads, fields, ends))
        items, item_of = _encoded(*cols.text["item"])
        rows = pc.fill_null(pc.cast(pa.array(cols.row, type=pa.int64()), pa.large_string()), "null")
    except (pa.ArrowException, UnicodeError, TypeError, OverflowError):
        return False
    nothing = pa.scalar("", pa.large_string())
    for start in range(0, len(tail_of), BLOCK):   # 64-bit offsets: a block of long values may pass 2 GiB
        stop = start + BLOCK
        lines = pc.binary_join_element_wise(
            heads.take(head_of[start:stop]), rows.slice(start, BLOCK), fields.take(tail_of[start:stop]),
            items.take(item_of[start:stop]), ends.take(tail_of[start:stop]), nothing)
        offsets = lines.buffers()[1]
        at = memoryview(offsets).cast("q")
        data = memoryview(lines.buffers()[2])[at[lines.offset]:at[lines.offset + len(lines)]]
        write_bytes(data[1:] if first else data)
        first = False
    return True


def _encoded(codes, distinct: list[str]):
    """A factorised text column (codes, -1 for missing; distinct str values) as the ``_enc`` of
    each distinct value (Arrow strings, "null" last) and the codes pointing into them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    strings = pa.array(distinct, type=pa.large_string())
    if pc.any(pc.match_substring_regex(strings, r'[\x00-\x1f"\\]')).as_py():
        strings = pa.array([encode_basestring(v) for v in distinct], type=pa.large_string())
    else:   # nothing to escape: the text in quotes
        quote = pa.scalar('"', pa.large_string())
        strings = pc.binary_join_element_wise(quote, strings, quote, pa.scalar("", pa.large_string()))
    strings = pa.concat_arrays([strings, pa.array(["null"], type=pa.large_string())])
    return strings, np.where(codes < 0, len(distinct), codes)


@contextmanager
def _collector_paused():
    """Writing allocates many short-lived containers and makes no cycles; meanwhile the garbage
    collector would walk the report's millions of objects again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plain(values: tuple) -> bool:
    """Only str and None: a tuple that is a safe cache key for its encoding."""
    return all(v is None or v.__class__ is str for v in values)


def _enc(value) -> str:
    """``json.dumps(value, ensure_ascii=False)``, as it appears inside a dumped dict."""
    if value is None:
        return "null"
    if value.__class__ is str:
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)


def _renamed(value, rename: dict[str, str]):
    """``value`` with every path of ``rename`` replaced in its strings (messages cite paths too)."""
    if isinstance(value, str):
        for path, name in rename.items():
            if path in value:
                value = value.replace(path, name)
        return value
    if isinstance(value, dict):
        return {k: _renamed(v, rename) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, rename) for v in value]
    return value
