"""JUnit XML export for CI dashboards (Jenkins, GitLab, Azure DevOps).

One ``<testsuite>`` per input table and one ``<testcase>`` per rule that produced findings there
(plus one passing case per table, so a clean file still shows as tested). Error-level findings
are ``<failure>``s; warnings and infos are listed in ``<system-out>`` without failing.
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from validators.exporters.safety import xml_text
from validators.report.messages import rule_text


def _where(f: dict, lang: str) -> str:
    sheet = f"[{f['sheet']}]" if f.get("sheet") else ""
    row = f" 第{f['row']}行" if lang != "en" and f.get("row") else (f" row {f['row']}" if f.get("row") else "")
    return f"{f.get('source') or ''}{sheet}{row}"


def to_junit(report, *, lang: str = "zh") -> str:
    df = report.frame()
    root = ET.Element("testsuites", name="sxcheck", tests="0", failures="0")
    total_tests = total_fail = 0
    tables = [(s.source, s.sheet) for s in report.sources] or [(None, None)]
    table_level = df[df["source"].isna()]
    for source, sheet in tables + ([(None, None)] if len(table_level) and (None, None) not in tables else []):
        if source is None:
            part = table_level
            name = "catalog"
        else:
            part = df[(df["source"] == source) & ((df["sheet"] == sheet) if sheet else df["sheet"].isna())]
            name = f"{source}" + (f"[{sheet}]" if sheet else "")
        name = xml_text(name)   # XML 1.0 cannot hold every character a file or sheet name can
        suite = ET.SubElement(root, "testsuite", name=name)
        tests = fails = 0
        ET.SubElement(suite, "testcase", classname=name, name="readable")
        tests += 1
        for code, g in part.groupby("code", sort=True):
            tests += 1
            case = ET.SubElement(suite, "testcase", classname=name, name=code)
            lines = []
            for f in report.iter_findings(lang, limit=500, frame=g):
                lines.append(f"{_where(f, lang)}: {f['message']}")
            if len(g) > 500:
                lines.append(f"… +{len(g) - 500}")
            title = rule_text(code, lang)["title"]
            if (g["severity"] == "error").any():
                fails += 1
                fail = ET.SubElement(case, "failure", type=code, message=f"{title}：{len(g)}")
                fail.text = xml_text("\n".join(lines))
            else:
                out = ET.SubElement(case, "system-out")
                out.text = xml_text("\n".join(lines))
        suite.set("tests", str(tests))
        suite.set("failures", str(fails))
        total_tests += tests
        total_fail += fails
    root.set("tests", str(total_tests))
    root.set("failures", str(total_fail))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
