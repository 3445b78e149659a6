"""The rule registry: every rule is declared once, beside the code that emits it.

A declaration gives the stable code, the default severity, the category and the basis — the real
source a user can look up (a C0109.2-2018 element, a GB/T 39046-2020 table, GB 32100-2015, a State
Council decision, or "sxcheck 启发式规则" with one sentence of reasoning).  ``declare`` returns a
:class:`Rule`, a ``str`` subclass equal to its code, so emitters refer to symbols, not literals.
Titles, messages, explanations and fix hints are keyed by code in ``validators/report/locales``.

``all_rules()`` imports every declaring module listed in :data:`RULE_MODULES`; a new capability adds
its module there.  Asking for an undeclared code raises :class:`UndeclaredRule`: a programming
error, caught by the tests, never a silent default.
"""
from __future__ import annotations

import importlib
from enum import Enum
from typing import Any

# Sources cited by many rules (a basis names the clause or table after them).
C0109_2 = "C0109.2-2018《国家政务服务平台 政务服务事项基本目录及实施清单 第2部分：要素要求》"
GBT_39046 = "GB/T 39046-2020《政务服务平台基础数据规范》"
GBT_39554_1 = "C0109.1-2018 / GB/T 39554.1-2020《全国一体化政务服务平台 政务服务事项基本目录及实施清单 第1部分：编码要求》"
HEURISTIC = "sxcheck 启发式规则："

# Category → (Chinese, English) heading, in the order of `sxcheck rules` and the README table.
CATEGORIES = {
    "input": ("输入", "input"),
    "element": ("要素", "elements"),
    "code": ("编码", "codes"),
    "rule": ("一致性", "rules"),
    "clarity": ("清晰度", "clarity"),
    "catalog": ("清单级期望", "catalog"),
    "conformity": ("目录符合性", "conformity"),
    "certification": ("证明事项", "certification"),
    "revoked": ("已取消/下放事项", "revoked permits"),
    "sources": ("渠道同源", "same source"),
    "case": ("办件", "cases"),
    "gate": ("门禁", "gate"),
}

# Every module that declares rules.  Order is the order of `sxcheck rules` and the README table.
RULE_MODULES = (
    "validators.read.rules",
    "validators.checks.elements",
    "validators.checks.codes",
    "validators.checks.consistency",
    "validators.checks.clarity",
    "validators.checks.expectations",
    "validators.conformity.findings",
    "validators.conformity.basecat",
    "validators.certification.rules",
    "validators.revocation.rules",
    "validators.channels.findings",
    "validators.caserecords.rules",
    "validators.gate.rules",
)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls(str(text).lower())


_RANK = {"error": 3, "warning": 2, "info": 1}
LEVELS = tuple(s.value for s in Severity)


class UndeclaredRule(KeyError):
    """A finding was made with a code no module declared."""


class Rule(str):
    """A declared rule: compares and hashes as its code."""

    severity: Severity
    category: str
    basis: str
    attrs: dict[str, Any]
    module: str

    def __new__(cls, code: str, severity: str, category: str, basis: str, module: str, **attrs: Any):
        self = super().__new__(cls, code)
        self.severity = Severity.parse(severity)
        self.category = category
        self.basis = basis
        self.attrs = dict(attrs)
        self.module = module
        return self

    def __reduce__(self):  # copies and pickles resolve to the one declared rule
        return (get, (self.code,))

    @property
    def code(self) -> str:
        return str.__str__(self)

    def to_dict(self) -> dict[str, Any]:
        d = {"severity": self.severity.value, "category": self.category, "basis": self.basis}
        d.update({k: (list(v) if isinstance(v, (tuple, set, frozenset)) else v) for k, v in self.attrs.items()})
        return d


_REGISTRY: dict[str, Rule] = {}


def declare(code: str, severity: str, category: str, basis: str, **attrs: Any) -> Rule:
    """Declare a rule (at module level, once).  ``attrs`` are rule attributes consumers read,
    e.g. ``blocks=("task_conformity",)`` for rules that make an item fail 实施清单符合率."""
    import sys

    module = sys._getframe(1).f_globals.get("__name__", "?")
    if code in _REGISTRY:
        prev = _REGISTRY[code]
        if prev.module != module:
            raise ValueError(f"rule {code!r} declared twice ({prev.module}, {module})")
    if code != code.lower() or not code.replace("-", "").isalnum():
        raise ValueError(f"rule code {code!r} must be kebab-case")
    if severity not in LEVELS:
        raise ValueError(f"rule {code!r}: severity {severity!r}")
    if category not in CATEGORIES:
        raise ValueError(f"rule {code!r}: unknown category {category!r} (add it to CATEGORIES)")
    if not basis.strip():
        raise ValueError(f"rule {code!r}: a basis is required")
    rule = Rule(code, severity, category, basis, module, **attrs)
    _REGISTRY[code] = rule
    return rule


_loaded = False


def all_rules() -> dict[str, Rule]:
    """Every declared rule, by code: grouped by category (CATEGORIES order), then in the order
    of RULE_MODULES and of declaration."""
    global _loaded
    if not _loaded:
        for name in RULE_MODULES:
            importlib.import_module(name)
        _loaded = True
    order = {m: i for i, m in enumerate(RULE_MODULES)}
    cats = list(CATEGORIES)
    ranked = sorted(enumerate(_REGISTRY.values()),
                    key=lambda ir: (cats.index(ir[1].category), order.get(ir[1].module, len(order)), ir[0]))
    return {r.code: r for _i, r in ranked}


def get(code: str) -> Rule:
    """The declared rule of ``code``; raises :class:`UndeclaredRule`."""
    rule = _REGISTRY.get(code)
    if rule is None:
        rule = all_rules().get(code)
    if rule is None:
        raise UndeclaredRule(f"undeclared rule code {code!r}: declare it with validators.core.rulebook.declare")
    return rule


def with_attr(name: str, value: Any = True) -> list[Rule]:
    """Rules whose attribute ``name`` equals (or, for collections, contains) ``value``."""
    out = []
    for r in all_rules().values():
        v = r.attrs.get(name)
        if v == value or (isinstance(v, (tuple, list, set, frozenset)) and value in v):
            out.append(r)
    return out
