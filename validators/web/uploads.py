"""Multipart uploads streamed to disk under a byte limit, never held in memory.

The body is fed chunk by chunk to python-multipart's push parser; file parts go straight to a
file in the job's directory under a generated name (only the extension of the client's name is
kept, from an allow-list), text fields are kept up to a small size.  Past the limit the parse
stops and :class:`TooLarge` is raised: the caller answers 413 without reading the rest.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ALLOWED_EXT = (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv", ".json", ".jsonl", ".toml")
FIELD_MAX = 64 * 1024          # a text field (lang, sheet, severity …) is small
FORM_SLACK = 1024 * 1024       # headers and text fields on top of the file bytes
MAX_FILES = 8


class TooLarge(Exception):
    """The request body is over the limit."""


class BadUpload(Exception):
    """Not a multipart form, a file of a type we do not read, or a malformed body."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Upload:
    """A file part stored on disk: ``path`` (generated), ``name`` (the client's base name, for
    display only), ``size`` in bytes."""
    field: str
    path: Path
    name: str
    size: int = 0


@dataclass
class Form:
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    def get(self, key: str, default: str | None = None) -> str | None:
        vals = self.fields.get(key)
        return vals[-1] if vals else default

    def getlist(self, key: str) -> list[str]:
        return list(self.fields.get(key, []))


def display_name(raw: str) -> str:
    """The client's file name for display: base name only, control characters dropped, bounded."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:120] or "upload"


def safe_ext(raw: str) -> str | None:
    ext = os.path.splitext(display_name(raw))[1].lower()
    return ext if ext in ALLOWED_EXT else None


async def receive_form(headers, stream, directory: Path, limit: int) -> Form:
    """Parse a multipart body from ``stream`` (an async iterator of bytes) into ``directory``.

    ``limit`` bounds the whole body.  Raises :class:`TooLarge` or :class:`BadUpload`.
    """
    from python_multipart.multipart import MultipartParser, parse_options_header

    length = headers.get("content-length")
    if length is not None:
        try:
            if int(length) > limit + FORM_SLACK:
                raise TooLarge()
        except ValueError:
            raise BadUpload("bad-form") from None
    ctype, params = parse_options_header(headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadUpload("bad-form")

    form = Form()
    state: dict = {"headers": {}, "hname": b"", "hval": b"", "out": None, "buf": None, "name": None}
    errors: list[BadUpload] = []

    def on_part_begin():
        state.update(headers={}, out=None, buf=None, name=None)

    def on_header_field(data, start, end):
        state["hname"] += data[start:end]

    def on_header_value(data, start, end):
        state["hval"] += data[start:end]

    def on_header_end():
        state["headers"][state["hname"].decode("latin-1").lower()] = state["hval"]
        state["hname"], state["hval"] = b"", b""

    def on_headers_finished():
        _, disp = parse_options_header(state["headers"].get("content-disposition", b""))
        name = disp.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        if b"filename" in disp:
            raw = disp[b"filename"].decode("utf-8", "replace")
            if not raw:            # an empty file input sends filename="" and no bytes
                state["buf"] = None
                return
            ext = safe_ext(raw)
            if ext is None:
                errors.append(BadUpload("bad-type", name=display_name(raw), allowed=" ".join(ALLOWED_EXT)))
                return
            if len(form.files) >= MAX_FILES:
                errors.append(BadUpload("bad-form"))
                return
            if name in form.files:            # a repeated field (several channel files): name#2, name#3 …
                n = 2
                while f"{name}#{n}" in form.files:
                    n += 1
                name = f"{name}#{n}"
                state["name"] = name
            # the generated name: the form field (from our own fixed set, checked by the caller)
            # is not trusted either, so it is reduced to letters
            stem = "".join(ch for ch in name.split("#")[0] if ch.isascii() and ch.isalpha())[:16] or "file"
            path = directory / f"{stem}{len(form.files)}{ext}"
            form.files[name] = Upload(name, path, display_name(raw))
            state["out"] = open(path, "wb")  # noqa: SIM115 — closed in on_part_end or finally
        else:
            state["buf"] = bytearray()

    def on_part_data(data, start, end):
        if state["out"] is not None:
            state["out"].write(data[start:end])
            form.files[state["name"]].size += end - start
        elif state["buf"] is not None:
            state["buf"] += data[start:end]
            if len(state["buf"]) > FIELD_MAX:
                errors.append(BadUpload("bad-form"))
                state["buf"] = None

    def on_part_end():
        if state["out"] is not None:
            state["out"].close()
            state["out"] = None
        elif state["buf"] is not None:
            form.fields.setdefault(state["name"], []).append(bytes(state["buf"]).decode("utf-8", "replace"))
            state["buf"] = None

    parser = MultipartParser(params[b"boundary"], {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end})
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > limit + FORM_SLACK:
                raise TooLarge()
            try:
                parser.write(chunk)
            except Exception as exc:   # python-multipart's MultipartParseError and friends
                raise BadUpload("bad-form") from exc
            if errors:
                raise errors[0]
        parser.finalize()
    finally:
        if state["out"] is not None:
            state["out"].close()
    if errors:
        raise errors[0]
    return form
