"""申请材料 text → material names, and material names → comparison keys.

Guides write their material lists in many ways: one material per line, ``；``-separated,
numbered (``1.`` ``2、`` ``（1）`` ``(2)`` ``①`` ``一、``), ``、``-joined, or as a channel JSON list
that the reader has already flattened with ``；``.  :func:`split_materials` cuts the text into
materials; separators inside brackets and 《》 never cut.

:func:`material_key` reduces a name to what identifies the document: the item-name normaliser
(:func:`validators.core.names.normalise_name`: width, bracket and dash style, spaces) first, then
what only material lists carry — 《》, the form of the copy (原件、复印件、原件及复印件 …), counts
(1份, 一式两份, 各一份 …) and verbs such as 提供/提交 — so that ``《工伤认定决定书》原件及复印件`` and
``工伤认定决定书复印件1份`` are the same document.
"""
from __future__ import annotations

import re
from functools import lru_cache

from validators.core.names import normalise_name

_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# a list number at the start of a piece: 1.  1、 1．(NFKC: .) 1) （1） (1) ① 一、 第1项
_LEADING_NUMBER = re.compile(
    r"^\s*(?:[(（]\s*" + _NUM + r"\s*[)）]|" + _NUM + r"\s*(?:[.、．:：]|[)）](?!\S*[（(]))|[" + _CIRCLED + r"]|第"
    + _NUM + r"[项条]、?)\s*")
_OPEN, _CLOSE = "(（[【《〈「『“", ")）]】》〉」』”"


_DEL_OPEN = str.maketrans({c: None for c in _OPEN})
_DEL_CLOSE = str.maketrans({c: None for c in _CLOSE})
_SPLITTERS: dict[str, re.Pattern] = {}


def _cut(text: str, seps: str) -> list[str]:
    """Split on any of ``seps`` outside brackets and 《》."""
    pat = _SPLITTERS.get(seps) or _SPLITTERS.setdefault(seps, re.compile("([" + re.escape(seps) + "])"))
    parts = pat.split(text)
    if len(parts) == 1:
        return parts
    out, depth = [parts[0]], 0
    depth = _depth(parts[0])
    for i in range(1, len(parts), 2):
        sep, piece = parts[i], parts[i + 1]
        if depth > 0:
            out[-1] += sep + piece
        else:
            out.append(piece)
        depth = max(depth + _depth(piece), 0)
    return out


def _depth(piece: str) -> int:
    return (len(piece) - len(piece.translate(_DEL_OPEN))) - (len(piece) - len(piece.translate(_DEL_CLOSE)))


_NUMBER_LEAD = set("0123456789０１２３４５６７８９(（一二三四五六七八九十第" + _CIRCLED)


def _strip_number(piece: str) -> str:
    piece = piece.strip()
    if piece and piece[0] in _NUMBER_LEAD:
        return _LEADING_NUMBER.sub("", piece, count=1).strip()
    return piece


_ANY_NUMBER = re.compile(r"[\d" + _CIRCLED + "]")
_INNER_BRACKET_NUMBER = re.compile(r"(?<=[^\s\n])\s*(?=(?:[(（]\s*\d{1,2}\s*[)）]|[" + _CIRCLED + r"]))")
_INNER_DOT_NUMBER = re.compile(r"(?<=[；;。，,\s])(?=\d{1,2}\s*[.、．](?!\d))")


def split_materials(text) -> list[str]:
    """The material names in one 申请材料 value, in order, numbering removed."""
    if not isinstance(text, str) or not text.strip():
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # a number starting a new material inside a line becomes a line break
    if _ANY_NUMBER.search(text):
        text = _INNER_BRACKET_NUMBER.sub("\n", text)
        text = _INNER_DOT_NUMBER.sub("\n", text)
    out: list[str] = []
    for line in text.split("\n"):
        for part in _cut(line, "；;"):
            part = _strip_number(part)
            for piece in _join_phrases(_cut(part, "、")):
                piece = _strip_number(piece).strip(" \t。.，,；;：:")
                if piece and _has_name(piece):
                    out.append(piece)
    return out


# what a document's name ends with; 、 after anything else joins a phrase (设置、使用许可申请表)
_DOC_END = set("证书表件明照单函本簿卡据告图料页册文令知议同录见章状据单片历")


def _join_phrases(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for p in pieces:
        if out:
            prev = material_key(out[-1]) or out[-1].strip()
            if prev and prev[-1] not in _DOC_END and not out[-1].rstrip().endswith(("》", "〉")):
                out[-1] = out[-1] + "、" + p
                continue
        out.append(p)
    return out


_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _has_name(piece: str) -> bool:
    return _NAME_CHAR.search(piece) is not None


# the form of the copy, in the order longer-first so 原件及复印件 goes before 复印件
_FORMS = ("原件及复印件", "原件和复印件", "原件与复印件", "原件、复印件", "原件或复印件", "原件/复印件",
          "复印件及原件", "正本及副本", "正副本", "彩色复印件", "加盖公章的复印件", "复印件(加盖公章)",
          "复印件", "影印件", "扫描件", "电子件", "电子版", "原件", "正本", "副本", "原本")
_COUNT = r"(?:各|共|一式)?(?:\d+|[一二两三四五六七八九十]+)(?:份|张|页|套|本|件|式)(?:各?(?:\d+|[一二两三四五六七八九十]+)份)?"
_TAIL = re.compile(r"(?:" + "|".join(re.escape(f) for f in _FORMS) + r"|" + _COUNT + r"|[各共])$")
_QUALIFIER = re.compile(r"^(?:(?:" + "|".join(re.escape(f) for f in _FORMS) + r"|" + _COUNT
                        + r"|加盖公章|需加盖公章|核验原件|验原件|留存复印件|收取复印件|提供|[各共及和、,，;；])+)$")
_PAREN = re.compile(r"\(([^()]*)\)")
_VERBS = re.compile(r"^(?:需要|需|应当|须)?(?:提供|提交|出具|携带|交验|出示|上传)")
_BOOK = str.maketrans({"《": None, "》": None, "〈": None, "〉": None, "<": None, ">": None})


@lru_cache(maxsize=100_000)
def material_key(name) -> str:
    """Comparison key of one material name ('' when nothing is left)."""
    if not isinstance(name, str):
        return ""
    s = normalise_name(_strip_number(name)).key.translate(_BOOK)
    s = _VERBS.sub("", s)
    for _ in range(6):
        before = s
        # a parenthesised group holding only copy forms or counts: (原件及复印件) (复印件1份)
        s = _PAREN.sub(lambda m: "" if _QUALIFIER.match(m.group(1)) else m.group(0), s)
        s = s.rstrip("。.,，;；:：、-")
        s = _TAIL.sub("", s)
        if s == before:
            break
    return s.strip()


_CERT_TAIL = re.compile(r"(?:证明|证明书|证明材料|证明文件|证明信|证明函|证明表)$")
_NOT_CERT = re.compile(r"(?:身份证明|身份证明文件|身份证明材料)$")


def certificate_like(key: str) -> bool:
    """Named like a certification (…证明, …证明书, …证明材料): the kind 国办发〔2018〕47号 lists.

    Identity documents (有效身份证明) are not certification matters and are left out.
    """
    return bool(key) and bool(_CERT_TAIL.search(key)) and not _NOT_CERT.search(key)
