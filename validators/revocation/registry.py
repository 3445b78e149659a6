"""The registry of decisions: TOML files read, validated against the JSON Schema, and flattened.

One file per decision (``catalogs/revocations/gf-2019-6.toml``): decision keys at the top and one
``[[items]]`` table per annex row.  Every file is checked against
``schemas/revocation.schema.json`` (JSON Schema 2020-12, the ``jsonschema`` library) and then
for what a schema cannot say (a repeated annex sequence, a ``complete`` file whose item count
differs from the stated annex size, an exception that overrides no known item).  A file that
fails raises :class:`~validators.read.InputError` naming the file, the item (its number and the
line of its ``[[items]]`` header) and the field, so the CLI exits 3 with one clear line.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from validators.read import InputError

BUILTIN_DIR = Path(__file__).resolve().parents[2] / "catalogs" / "revocations"
ENV_DIR = "SXCHECK_REVOCATIONS"
TRUSTED = frozenset({"annex", "annex-excerpt", "provincial-annex-excerpt", "press-or-notice",
                     "local-name", "secondary", "local-exception"})
# provenance classes whose names are leads, not exact names: a match on them is only a review
WEAK = frozenset({"paraphrase", "secondary-weak", "decision-unclear"})
_ITEM_HEADER = re.compile(r"^\s*\[\[\s*items\s*\]\]")
_TOML_LINE = re.compile(r"line (\d+)")


@dataclass(frozen=True)
class Decision:
    no: str
    title: str
    date: str
    issuer: str
    complete: bool
    source: str
    path: str
    kind: str = "state-council"
    effective: str | None = None
    region: str | None = None
    annex_size: int | None = None

    @property
    def when(self) -> str:
        """The date from which the decision applies (施行日期 when given)."""
        return self.effective or self.date


@dataclass(frozen=True)
class Alias:
    name: str
    region: str | None = None
    provenance: str = "annex"
    source: str | None = None


@dataclass(frozen=True)
class Item:
    decision: Decision
    index: int                       # 1-based position of the [[items]] table in its file
    line: int                        # line of its [[items]] header
    name: str
    action: str
    annex: str | None = None
    seq: int | None = None
    aliases: tuple[Alias, ...] = ()
    approving_dept: str | None = None
    legal_basis: str | None = None
    new_level: str | None = None
    new_level_code: int | None = None
    from_level_code: int = 1
    region: str | None = None
    overrides: tuple[str, ...] = ()
    provenance: str = "annex"
    source: str | None = None

    @property
    def when(self) -> str:
        return self.decision.when

    @property
    def weak(self) -> bool:
        return self.provenance in WEAK or self.decision.kind == "unattributed"

    def place(self) -> str:
        """附件 and 序号 as a person cites them, e.g. ``附件1 第3项``; empty when unknown."""
        parts = [self.annex or ""]
        if self.seq is not None:
            parts.append(f"第{self.seq}项")
        return " ".join(p for p in parts if p)


@dataclass
class Registry:
    decisions: list[Decision] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def extend(self, other: "Registry") -> None:
        self.decisions += other.decisions
        self.items += other.items
        self.files += other.files

    def summary(self) -> dict:
        return {"files": len(self.files), "decisions": len(self.decisions), "items": len(self.items),
                "complete": sum(d.complete for d in self.decisions)}


# ----------------------------------------------------------------- reading

def builtin_dir() -> Path:
    return Path(os.environ.get(ENV_DIR) or BUILTIN_DIR)


def registry_files(path: str | os.PathLike) -> list[str]:
    """The decision files under a directory (recursively, sorted) or the file itself."""
    p = Path(path)
    if not p.exists():
        raise InputError("file-not-found", str(path))
    if p.is_dir():
        return [str(f) for f in sorted(p.rglob("*.toml")) if not f.name.startswith(("_", "."))]
    if p.suffix.lower() != ".toml":
        raise InputError("registry-format", str(path), ext=p.suffix or "?")
    return [str(p)]


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    from schemas import load_json

    schema = load_json("revocation.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _item_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if _ITEM_HEADER.match(line)]


def _field_line(text: str, start: int, end: int | None, name: str) -> int | None:
    """Line of ``name = …`` between two lines (1-based, end exclusive)."""
    pat = re.compile(r"^\s*" + re.escape(name) + r"\s*=")
    for n, line in enumerate(text.splitlines(), 1):
        if n < start or (end is not None and n >= end):
            continue
        if pat.match(line):
            return n
    return None


def _expected(err) -> str:
    """What the schema wanted, in words that read the same in Chinese and English output."""
    v = err.validator
    if v == "enum":
        return " / ".join(str(x) for x in err.validator_value)
    if v == "const":
        return str(err.validator_value)
    if v == "pattern":
        return "YYYY-MM-DD" if "[0-9]{4}" in err.validator_value else err.validator_value
    if v == "type":
        return {"string": "text", "integer": "integer", "boolean": "true / false", "array": "[...]",
                "object": "table"}.get(err.validator_value, str(err.validator_value))
    if v in ("minimum", "maximum"):
        return f"{'≥' if v == 'minimum' else '≤'} {err.validator_value}"
    if v in ("minLength", "minItems"):
        return f"non-empty (≥ {err.validator_value})"
    if v == "additionalProperties":
        return "no such key"
    if v == "anyOf":
        return " or ".join("/".join(s.get("required", [])) for s in err.validator_value)
    return v


def _schema_error(path: str, text: str, data: dict) -> None:
    errors = sorted(_validator().iter_errors(data), key=lambda e: (list(e.absolute_path) != [],
                                                                   [str(p) for p in e.absolute_path]))
    if not errors:
        return
    # report the first error by position in the file: decision keys first, then items in order
    def order(e):
        p = list(e.absolute_path)
        return (p[1] if len(p) > 1 and p[0] == "items" and isinstance(p[1], int) else -1, len(p))
    err = min(errors, key=order)
    p = list(err.absolute_path)
    lines = _item_lines(text)
    fld = None
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})]
        fld = missing[0] if missing else None
    elif err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        fld = extra[0] if extra else None
    elif err.validator == "anyOf":
        fld = "/".join(s.get("required", [""])[0] for s in err.validator_value)
    if p and p[0] == "items" and len(p) > 1 and isinstance(p[1], int):
        idx = p[1]
        start = lines[idx] if idx < len(lines) else None
        end = lines[idx + 1] if idx + 1 < len(lines) else None
        tail = [str(x) for x in p[2:]]
        if fld is None:
            fld = ".".join(tail) if tail else "?"
        elif tail:
            fld = ".".join(tail + [fld])
        look = tail[0] if tail else (fld if err.validator == "additionalProperties" else None)
        line = (_field_line(text, start, end, look) if look and start else None) or start
        if err.validator in ("required", "anyOf") and not tail:
            raise InputError("registry-item-missing", path, item=idx + 1, line=line or "?", field=fld)
        raise InputError("registry-item", path, item=idx + 1, line=line or "?", field=fld,
                         expected=_expected(err), got=_shown(err.instance, err.validator))
    if fld is None:
        fld = ".".join(str(x) for x in p) or "?"
    first = lines[0] if lines else None
    if err.validator == "required" and len(p) == 0:
        raise InputError("registry-decision-missing", path, field=fld)
    line = _field_line(text, 1, first, fld.split(".")[0]) or 1
    raise InputError("registry-decision", path, line=line, field=fld, expected=_expected(err),
                     got=_shown(err.instance, err.validator))


def _shown(instance, validator) -> str:
    if validator in ("required", "additionalProperties", "anyOf") or isinstance(instance, (dict, list)):
        return "—"
    text = str(instance)
    return text if len(text) <= 40 else text[:39] + "…"


def read_file(path: str) -> Registry:
    """Read and validate one decision file."""
    import tomllib

    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("registry-encoding", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        line = m.group(1) if m else len(text.splitlines()) or 1
        raise InputError("registry-toml", path, line=line, detail=str(exc)) from None
    _schema_error(path, text, data)
    lines = _item_lines(text)
    dec = Decision(no=data["decision_no"].strip(), title=data["title"].strip(), date=data["date"],
                   issuer=data["issuer"], complete=data["complete"], source=data["source"], path=path,
                   kind=data.get("kind", "state-council"), effective=data.get("effective"),
                   region=data.get("region"), annex_size=data.get("annex_size"))
    items = []
    seen: dict[tuple, int] = {}
    for i, it in enumerate(data["items"]):
        line = lines[i] if i < len(lines) else 0
        key = (it.get("annex"), it.get("seq"))
        if it.get("seq") is not None:
            if key in seen:
                raise InputError("registry-item", path, item=i + 1, line=line, field="seq",
                                 expected=f"≠ item {seen[key]}", got=str(it["seq"]))
            seen[key] = i + 1
        if it["action"] == "地方保留" and not (it.get("region") or dec.region):
            raise InputError("registry-item-missing", path, item=i + 1, line=line, field="region")
        aliases = tuple(Alias(a) if isinstance(a, str) else
                        Alias(a["name"], a.get("region"), a.get("provenance", "annex"), a.get("source"))
                        for a in it.get("aliases", ()))
        items.append(Item(
            decision=dec, index=i + 1, line=line, name=it["name"].strip(), action=it["action"],
            annex=it.get("annex"), seq=it.get("seq"), aliases=aliases,
            approving_dept=it.get("approving_dept"), legal_basis=it.get("legal_basis"),
            new_level=it.get("new_level"),
            new_level_code=it.get("new_level_code") or level_code(it.get("new_level")),
            from_level_code=it.get("from_level_code", 1), region=it.get("region") or dec.region,
            overrides=tuple(it.get("overrides", ())), provenance=it.get("provenance", "annex"),
            source=it.get("source") or dec.source))
    if dec.complete and dec.annex_size is not None and len(items) != dec.annex_size:
        raise InputError("registry-decision", path, line=_field_line(text, 1, lines[0] if lines else None,
                                                                     "complete") or 1,
                         field="complete", expected=f"{dec.annex_size} items (annex_size)",
                         got=f"{len(items)} items")
    return Registry([dec], items, [path])


def level_code(text: str | None) -> int | None:
    """行使层级 code of a new level as annexes write it (省级… → 2, 设区的市级/市级… → 3, 县级… → 4)."""
    if not text:
        return None
    t = text.strip()
    for prefix, code in (("国家", 1), ("省", 2), ("设区的市", 3), ("市", 3), ("县", 4), ("乡", 5), ("镇", 5)):
        if t.startswith(prefix):
            return code
    return None


def load_registry(extra=(), *, builtin: bool = True) -> Registry:
    """The built-in registry (unless ``builtin`` is False) plus every file or directory in
    ``extra``; checks that each exception overrides a known item."""
    reg = Registry()
    paths = ([str(builtin_dir())] if builtin else []) + [str(p) for p in extra]
    seen: set[str] = set()
    for p in paths:
        for f in registry_files(p):
            real = os.path.realpath(f)
            if real in seen:
                continue
            seen.add(real)
            reg.extend(read_file(f))
    check_overrides(reg)
    return reg


def check_overrides(reg: Registry) -> None:
    from validators.core.names import normalise_name

    known = set()
    for it in reg.items:
        if it.action != "地方保留":
            known.add(normalise_name(it.name).key)
            known.update(normalise_name(a.name).key for a in it.aliases)
    for it in reg.items:
        for name in it.overrides:
            if normalise_name(name).key not in known:
                raise InputError("registry-item", it.decision.path, item=it.index, line=it.line,
                                 field="overrides", expected="a cancelled item's name in the registry",
                                 got=name if len(name) <= 40 else name[:39] + "…")
