"""JUnit XML export for CI dashboards (Jenkins, GitLab, Azure DevOps), streamed.

Valid against both Jenkins' ``junit-10.xsd`` and the strict Apache Ant schema (both vendored in
``tests/data/xsd``; a test validates every command's report): a bare ``<testsuites>``, and per
suite ``properties``, the testcases, ``system-out`` and ``system-err`` in that order, with
``name package id tests failures errors skipped time timestamp hostname``.

One ``<testsuite>`` per input table, plus one for catalog-level findings when there are any, and
one for the gates.  Each suite has a passing ``readable`` case and one case per rule that
produced findings there: error-level rules fail (``<failure>``, up to :data:`MAX_LINES` findings
listed), warnings and infos pass and are listed in the suite's ``system-out``.  Every gate
(``--min-rate``, thresholds) is a testcase that fails when the gate fails.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from validators.exporters.gates import gate_list, gate_text, notes
from validators.exporters.safety import xml_text
from validators.report.messages import rule_text

MAX_LINES = 1000


def _t(value) -> str:
    """Element text: characters XML 1.0 cannot hold shown escaped (safety.xml_text), markup escaped."""
    return escape(xml_text(value))


def _a(value) -> str:
    return quoteattr(xml_text(value))


def _where(f: dict, lang: str) -> str:
    sheet = f"[{f['sheet']}]" if f.get("sheet") else ""
    row = f" 第{f['row']}行" if lang != "en" and f.get("row") else (f" row {f['row']}" if f.get("row") else "")
    return f"{f.get('source') or ''}{sheet}{row}"


def to_junit(report, *, lang: str = "zh") -> str:
    buf = io.StringIO()
    write_junit(report, buf, lang=lang)
    return buf.getvalue()


def _suite_open(fh: TextIO, ident: int, name: str, tests: int, failures: int, skipped: int, seconds: float,
                stamp: str, props: dict) -> None:
    fh.write(f' <testsuite name={_a(name)} package={_a(name)} id="{ident}" tests="{tests}" '
             f'failures="{failures}" errors="0" skipped="{skipped}" time="{seconds:.3f}" '
             f'timestamp="{stamp}" hostname="localhost">\n  <properties>\n')
    fh.writelines(f"   <property name={_a(k)} value={_a(v)}/>\n" for k, v in props.items())
    fh.write("  </properties>\n")


def write_junit(report, fh: TextIO, *, lang: str = "zh") -> None:
    from validators import __version__

    df = report.frame()
    stamp = dt.datetime.now().replace(microsecond=0).isoformat()
    seconds = float(report.seconds or 0.0)
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
    props = {"sxcheck.version": __version__, "sxcheck.command": report.command}
    tables = [(s.source, s.sheet) for s in report.sources]
    parts = []
    covered = df["source"].isna() & False
    for source, sheet in dict.fromkeys(tables):
        mask = (df["source"] == source) & ((df["sheet"] == sheet) if sheet else df["sheet"].isna())
        covered |= mask
        parts.append((f"{source}" + (f"[{sheet}]" if sheet else ""), df[mask]))
    rest = df[~covered]
    if len(rest):
        # catalog-level findings and findings on files that are not input tables (waiver file …)
        for source, g in rest.groupby(rest["source"].fillna(""), sort=False):
            parts.append((source or ("清单级检查" if lang != "en" else "catalog-wide checks"), g))
    ident = 0
    for name, part in parts:
        groups = list(part.groupby("code", sort=True))
        failing = [code for code, g in groups if (g["severity"] == "error").any()]
        _suite_open(fh, ident, name, 1 + len(groups), len(failing), 0, seconds, stamp, props)
        fh.write(f'  <testcase classname={_a(name)} name="readable" time="0"/>\n')
        quiet = []
        for code, g in groups:
            title = rule_text(code, lang)["title"]
            if code in failing:
                fh.write(f'  <testcase classname={_a(name)} name={_a(code)} time="0">\n'
                         f'   <failure type={_a(code)} message={_a(f"{title}：{len(g)}")}>')
                fh.writelines(_t(f"{_where(f, lang)}: {f['message']}") + "\n" for f in report.iter_findings(lang, limit=MAX_LINES, frame=g, suggestions=False))
                if len(g) > MAX_LINES:
                    fh.write(_t(f"… +{len(g) - MAX_LINES}") + "\n")
                fh.write("</failure>\n  </testcase>\n")
            else:
                fh.write(f'  <testcase classname={_a(name)} name={_a(code)} time="0"/>\n')
                quiet.append((code, title, g))
        fh.write("  <system-out>")
        for code, title, g in quiet:
            fh.write(_t(f"{code} · {title} · {len(g)}") + "\n")
            fh.writelines(_t(f"  {_where(f, lang)}: {f['message']}") + "\n" for f in report.iter_findings(lang, limit=MAX_LINES, frame=g, suggestions=False))
            if len(g) > MAX_LINES:
                fh.write(_t(f"  … +{len(g) - MAX_LINES}") + "\n")
        fh.write("</system-out>\n  <system-err></system-err>\n </testsuite>\n")
        ident += 1
    gates = gate_list(report)
    extra_notes = notes(report, lang)
    if gates or extra_notes:
        name = "sxcheck 门禁" if lang != "en" else "sxcheck gates"
        failed = sum(1 for g in gates if not g["passed"])
        skipped = sum(1 for g in gates if g["skipped"])
        _suite_open(fh, ident, name, len(gates), failed, skipped, seconds, stamp, props)
        for g in gates:
            fh.write(f'  <testcase classname={_a(name)} name={_a(g["id"])} time="0"')
            text = gate_text(g, lang)
            if g["skipped"]:
                fh.write(">\n   <skipped/>\n  </testcase>\n")
            elif not g["passed"]:
                fh.write(f">\n   <failure type={_a(g['id'])} message={_a(text)}>{_t(text)}</failure>\n  </testcase>\n")
            else:
                fh.write("/>\n")
        fh.write("  <system-out>" + "".join(_t(line) + "\n" for line in [gate_text(g, lang) for g in gates]
                                            + extra_notes) + "</system-out>\n  <system-err></system-err>\n"
                 " </testsuite>\n")
    fh.write("</testsuites>\n")
