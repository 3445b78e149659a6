"""Rule selection as ruff does it: ``select`` / ``ignore`` name rule codes or categories.

A rule is reported when its most specific mention is in ``select`` (a code is more specific than
its category; no ``select`` at all selects every rule at the lowest specificity).  When ``select``
and ``ignore`` mention a rule equally specifically, ``ignore`` wins.  Also here: per-expectation
``mostly`` fractions for the catalog-level expectation suite.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from validators.read import InputError


def _rules():
    from validators.core.rulebook import CATEGORIES, all_rules

    return all_rules(), CATEGORIES


def check_names(names: Iterable[str], source: str, key: str) -> None:
    """Every name is a rule code or a category, else InputError (exit 3)."""
    rules, categories = _rules()
    for n in names:
        if n not in rules and n not in categories:
            raise InputError("config-rule-unknown", source, setting=key, value=n)


def _specificity(code: str, category: str, names: set[str]) -> int:
    if code in names:
        return 2
    if category in names:
        return 1
    return 0


def enabled_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> set[str]:
    """The codes of the rules that ``select`` / ``ignore`` leave switched on."""
    rules, _ = _rules()
    sel, ign = set(select), set(ignore)
    out = set()
    for code, rule in rules.items():
        s = _specificity(code, rule.category, sel) if sel else 0
        if sel and s == 0:
            continue
        i = _specificity(code, rule.category, ign)
        if i and i >= s:
            continue
        out.add(code)
    return out


def apply_selection(report, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> int:
    """Drop the findings of switched-off rules from ``report``; returns how many were dropped.
    The selection is recorded in ``report.extra["selection"]``."""
    select, ignore = list(select), list(ignore)
    if not select and not ignore:
        return 0
    keep = enabled_rules(select, ignore)
    df = report.frame()
    mask = df["code"].isin(keep).to_numpy()
    dropped = int((~mask).sum())
    report.keep(mask)
    report.extra["selection"] = {"select": select, "ignore": ignore, "findings_dropped": dropped}
    return dropped


def mostly_overrides(mostly: dict[str, Any], source: str = "sxcheck.toml") -> dict[tuple[str, str | None], float]:
    """``{rule: fraction | {element: fraction}}`` → ``{(rule, element or None): fraction}``,
    checking that each rule is an expectation rule that has a ``mostly`` and each element is in it."""
    from validators.checks.expectations import build_suite

    suite = build_suite()
    by_rule: dict[str, set[str]] = {}
    for s in suite:
        if s.mostly is not None:
            by_rule.setdefault(str(s.rule), set()).add(s.column)
    out: dict[tuple[str, str | None], float] = {}
    for rule, value in mostly.items():
        if rule not in by_rule:
            raise InputError("config-key-type", source, setting=f"mostly.{rule}",
                             expected=" | ".join(sorted(by_rule)), value=repr(rule))
        if isinstance(value, dict):
            for element, frac in value.items():
                if element not in by_rule[rule]:
                    raise InputError("config-key-type", source, setting=f"mostly.{rule}.{element}",
                                     expected=" | ".join(sorted(by_rule[rule])), value=repr(element))
                out[(rule, element)] = float(frac)
        else:
            out[(rule, None)] = float(value)
    return out
