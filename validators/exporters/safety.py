"""Neutralisers for text that comes from the data and goes into an output we write.

Nothing from an input file may execute or change how an output is read:

* ``cell_text``     spreadsheets and CSV: no formula (OWASP CSV-injection prefix ``'`` before
                    ``= + - @``, tab, CR), control characters XLSX cannot hold shown as ``\\xNN``,
                    at most 32,767 characters (Excel's cell limit).
* ``sheet_title``   a legal, unique worksheet name.
* ``xml_text``      XML 1.0 (JUnit, XLSX parts): characters XML cannot hold shown as ``\\xNN`` /
                    ``\\uXXXX``; escaping of ``< > &`` stays with the XML writer.
* ``terminal_text`` the terminal: ESC/CSI/OSC, other C0/C1 controls and bidi overrides (U+202E …)
                    shown escaped, so data can neither move the cursor nor reorder a line.
* ``markdown_text`` one Markdown table cell: HTML and Markdown syntax escaped, line breaks (CR
                    too) become spaces, so a value can neither end the row nor inject markup.
* ``html_text``     HTML text and attribute values.

Every function takes any value (``None`` → ``""``) and never raises, lone surrogates included
(shown as ``\\udXXX``).  Replacement is visible, so a reader sees that something was there.
"""
from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_MAX = 32_767          # characters Excel keeps in one cell

# Characters openpyxl refuses (IllegalCharacterError) and XML 1.0 cannot hold
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# For cells: keep \t \n \r as text characters (a cell can hold them), replace the rest
_CELL_ILLEGAL = _XML_ILLEGAL
# Terminal: C0 except \t \n, DEL, C1, bidi embeddings/overrides/isolates, lone surrogates
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                              "\u2066-\u2069\ud800-\udfff]")
# inside a table cell only inline syntax matters (no line starts): emphasis, code, links, images
_MD_SPECIAL = re.compile(r"([\\`*_\[\]!|~])")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _visible(match: re.Match) -> str:
    ch = match.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_text(value: Any) -> str:
    """Text XML 1.0 can hold: characters it cannot are replaced by a visible escape."""
    return _XML_ILLEGAL.sub(_visible, _text(value))


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet program treat this cell as a formula (or DDE) when typed/imported?"""
    return text.startswith(FORMULA_PREFIXES)


def cell_text(value: Any, limit: int | None = XLSX_CELL_MAX) -> str:
    """Text for a spreadsheet or CSV cell that is text and nothing else.

    Strings starting with ``= + - @``, tab or CR get the ``'`` prefix (OWASP CSV injection);
    characters XLSX cannot hold become ``\\xNN``; text longer than ``limit`` (Excel's 32,767
    characters per cell; None: no limit) is cut with "…".  None is "".  Writers keep numbers
    as numbers themselves and call this for text.
    """
    if value.__class__ is str and len(value) <= (limit or len(value)) and not value.startswith(FORMULA_PREFIXES) \
            and not _CELL_ILLEGAL.search(value):
        return value            # the common case: nothing to change
    text = _CELL_ILLEGAL.sub(_visible, _text(value))
    if is_formula_like(text):
        text = "'" + text
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def terminal_text(value: Any) -> str:
    """Text for a terminal: escape sequences, control characters and bidi overrides shown escaped."""
    return _TERMINAL_UNSAFE.sub(_visible, _text(value))


def markdown_text(value: Any) -> str:
    """Text for one Markdown table cell: markup escaped, never a line break."""
    text = _LINE_BREAKS.sub(" ", _text(value))
    text = terminal_text(text)  # no controls, no bidi overrides, no lone surrogates
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # "@name" mentions someone on GitHub/GitLab; "&#64;" renders as "@" without notifying
    return text.replace("@", "&#64;")


def html_text(value: Any) -> str:
    """Text for HTML content or a quoted attribute."""
    text = xml_text(_text(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def sheet_title(value: Any, used: set[str] | None = None) -> str:
    """A legal worksheet name: Excel's forbidden characters replaced, no formula prefix, at most 31
    characters, unique (case-insensitively, as Excel compares them) among ``used``, which it joins."""
    text = xml_text(_text(value))
    for ch in "[]:*?/\\":
        text = text.replace(ch, "_")
    text = text.strip("'") or "sheet"
    if is_formula_like(text):
        text = "_" + text
    base = text[:31]
    taken = {u.lower() for u in used} if used is not None else set()
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        suffix = f"_{n}"
        title = base[: 31 - len(suffix)] + suffix
    if used is not None:
        used.add(title)
    return title
