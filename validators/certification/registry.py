"""The registry of cancelled certification materials: TOML decision files checked by JSON Schema.

One file per decision (``catalogs/certificates/*.toml``), shaped by
``schemas/certificate.schema.json``: the decision keys (decision_no, title, date, issuer,
complete, annex_size, source) and ``[[entries]]``, one per cancelled material, each with the
items it applies to (or ``all_items = true``), its provenance and source.  Anything wrong in a
user's registry is an :class:`InputError` naming the file, the entry (number and the line of
its ``[[entries]]`` header) and the field, so ``sxcheck`` exits 3 with one clear line.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from validators.read import InputError

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "certificate.schema.json"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "catalogs" / "certificates"
_ENTRY_HEADER = re.compile(r"^\s*\[\[\s*entries\s*\]\]\s*(#.*)?$")


@dataclass(frozen=True)
class Decision:
    source_file: str
    title: str
    date: str | None               # None when the file says "unverified"
    issuer: str
    complete: bool
    source: str
    decision_no: str | None = None
    annex_size: int | None = None

    @property
    def label(self) -> str:
        """How findings cite the decision: its number, else its title in 《》."""
        return self.decision_no or f"《{self.title}》"


@dataclass(frozen=True)
class Entry:
    decision: Decision
    number: int                    # 1-based position among the file's entries
    line: int | None               # line of its [[entries]] header
    material: str
    aliases: tuple[str, ...]
    items: tuple[str, ...]         # empty when all_items
    all_items: bool
    except_keywords: tuple[str, ...]
    provenance: str
    source: str
    note: str = ""


@dataclass
class Registry:
    decisions: list[Decision] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        schema = json.load(fh)
    return Draft202012Validator(schema), schema


def _entry_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), start=1) if _ENTRY_HEADER.match(line)]


def _describe(schema: dict, path: list) -> str:
    """The schema's description of the property at ``path`` (the expected form)."""
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
            if "$ref" in node:
                node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
            continue
        props = node.get("properties", {})
        if part not in props:
            return ""
        node = props[part]
    return node.get("description", "")


def _error_parts(err, schema: dict) -> tuple[int | None, str, str]:
    """(entry index or None, field, expected) of one jsonschema error."""
    path = list(err.absolute_path)
    entry = path[1] if len(path) >= 2 and path[0] == "entries" and isinstance(path[1], int) else None
    fields = [p for p in path if isinstance(p, str)]
    where = fields[-1] if fields else ""
    if err.validator == "required":
        missing = [k for k in err.validator_value if isinstance(err.instance, dict) and k not in err.instance]
        where = missing[0] if missing else where
        return entry, where, _describe(schema, path + [where]) or f"required key {where}"
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        allowed = ", ".join(err.schema.get("properties", {}))
        return entry, extra[0] if extra else where, f"allowed keys: {allowed}"
    if err.validator in ("oneOf", "dependentSchemas"):
        return entry, "items/all_items", "items = [\"事项名称\", …] or all_items = true (except_keywords only with all_items)"
    return entry, where or err.validator, _describe(schema, path) or err.message


def _fail(path: str, entry: int | None, lines: list[int], field_: str, expected: str, value=None):
    value = "" if value is None else str(value)[:80]
    if entry is None:
        raise InputError("certificate-registry-invalid", path, field=field_, expected=expected, value=value)
    line = lines[entry] if entry < len(lines) else "?"
    raise InputError("certificate-registry-entry-invalid", path, entry=entry + 1, line=line,
                     field=field_, expected=expected, value=value)


def load_file(path: str | Path) -> tuple[Decision, list[Entry]]:
    """Read and validate one decision file; raises InputError on the first problem."""
    path = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("bad-encoding", path, encoding="utf-8", offset=exc.start) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("certificate-registry-syntax", path, detail=str(exc)) from exc
    lines = _entry_lines(text)
    validator, schema = _validator()
    errors = sorted(validator.iter_errors(data),
                    key=lambda e: (list(map(str, e.absolute_path)), e.validator != "required"))
    if errors:
        err = errors[0]
        entry, field_, expected = _error_parts(err, schema)
        value = err.instance if not isinstance(err.instance, (dict, list)) else None
        _fail(path, entry, lines, field_, expected, value)
    date = data["date"]
    if date != "unverified":
        try:
            _dt.date.fromisoformat(date)
        except ValueError:
            _fail(path, None, lines, "date", _describe(schema, ["date"]), date)
    dec = Decision(path, data["title"], None if date == "unverified" else date, data["issuer"],
                   data["complete"], data["source"], data.get("decision_no"), data.get("annex_size"))
    entries = []
    for i, e in enumerate(data["entries"]):
        entries.append(Entry(
            dec, i + 1, lines[i] if i < len(lines) else None, e["material"],
            tuple(e.get("aliases", ())), tuple(e.get("items", ())), bool(e.get("all_items")),
            tuple(e.get("except_keywords", ())), e["provenance"], e["source"], e.get("note", "")))
    if dec.complete and dec.annex_size is not None and dec.annex_size != len(entries):
        _fail(path, None, lines, "annex_size",
              f"complete = true: annex_size ({dec.annex_size}) must equal the number of entries ({len(entries)})",
              dec.annex_size)
    return dec, entries


def registry_files(location: str | Path) -> list[str]:
    p = Path(location)
    if p.is_dir():
        files = sorted(str(f) for f in p.glob("*.toml"))
        if not files:
            raise InputError("certificate-registry-empty", str(p))
        return files
    if not p.exists():
        raise InputError("file-not-found", str(p))
    return [str(p)]


def load_registry(locations=None) -> Registry:
    """Load every decision file of the given files/directories (default: the bundled registry)."""
    if locations is None or isinstance(locations, (str, Path)):
        locations = [DEFAULT_DIR if locations is None else locations]
    reg = Registry()
    seen_files: set[str] = set()
    seen_entries: set[tuple] = set()
    for loc in locations:
        for f in registry_files(loc):
            if os.path.realpath(f) in seen_files:
                continue
            seen_files.add(os.path.realpath(f))
            dec, entries = load_file(f)
            # the same decision given twice (a user's copy next to the bundled one) counts once
            fresh = [e for e in entries if (dec.label, e.material, e.items, e.all_items) not in seen_entries]
            seen_entries |= {(dec.label, e.material, e.items, e.all_items) for e in fresh}
            if fresh:
                reg.decisions.append(dec)
                reg.entries.extend(fresh)
            reg.files.append(f)
    return reg
