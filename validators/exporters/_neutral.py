"""Neutralisers for text from the data on its way into a file we write (private stand-in).

Nothing from the data may be executed by whoever opens our output: spreadsheet cells never start
a formula (OWASP CSV-injection guidance: a leading ``= + - @`` tab or CR gets a ``'`` prefix, and
XLSX cells are written as strings), characters a file format cannot hold are replaced *visibly*
(C0 controls by their Control Pictures, U+2400…, lone surrogates and U+FFFE/U+FFFF by U+FFFD),
and HTML text is escaped.

When :mod:`validators.exporters.safety` (the shared neutralisers of the hardening work, same API)
is installed, its functions are used instead of these stand-ins (see the end of this module).
"""
from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_MAX = 32_767
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _visible(m: re.Match) -> str:
    ch = m.group()
    return chr(0x2400 + ord(ch)) if ord(ch) < 0x20 else "\ufffd"


def xml_text(value) -> str:
    """Text an XML 1.0 file can hold: controls shown as ␀…␟, surrogates as U+FFFD."""
    if value is None:
        return ""
    return _BAD_XML.sub(_visible, str(value))


def cell_text(value, limit: int = XLSX_CELL_MAX) -> str:
    """A spreadsheet / CSV cell that is text and nothing else."""
    if value.__class__ is str and not _BAD_XML.search(value) and len(value) <= limit \
            and not value.startswith(FORMULA_PREFIXES):
        return value           # the common case: nothing to change
    text = xml_text(value)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def sheet_title(text: str, used: set[str]) -> str:
    """A unique, legal worksheet name (≤ 31 characters, no []:*?/\\, no leading apostrophe)."""
    text = xml_text(text)
    for ch in "[]:*?/\\":
        text = text.replace(ch, "_")
    text = text.strip("'") or "sheet"
    base = text[:31]
    title, n = base, 1
    while title.lower() in {u.lower() for u in used}:
        n += 1
        suffix = f"_{n}"
        title = base[: 31 - len(suffix)] + suffix
    used.add(title)
    return title


_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                       "\ud800-\udfff]")


def terminal_text(value) -> str:
    """Text safe to print on a terminal: controls, escape sequences and bidi overrides shown as
    ``\\xNN`` / ``\\uNNNN`` instead of acting."""
    if value is None:
        return ""
    return _TERMINAL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                         else f"\\u{ord(m.group()):04x}", str(value))


try:  # the shared module, once merged, is the one implementation every writer uses
    from validators.exporters.safety import cell_text, sheet_title, terminal_text, xml_text  # noqa: F811
except ImportError:  # pragma: no cover - until then, the stand-ins above
    pass
