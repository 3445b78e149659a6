"""Report exporters: terminal (rich), JSON, JUnit XML, SARIF 2.1.0, Markdown, GitLab Code Quality.

Each exporter renders a :class:`~validators.report.Report` in one language; messages come from the
locale catalogs at this point, never earlier.
"""
from __future__ import annotations


def export_text(report, fmt: str, *, lang: str = "zh", limit: int = 20) -> str:
    if fmt == "json":
        from validators.exporters.json_report import to_json

        return to_json(report, lang=lang)
    if fmt == "junit":
        from validators.exporters.junit import to_junit

        return to_junit(report, lang=lang)
    if fmt == "sarif":
        from validators.exporters.sarif import to_sarif

        return to_sarif(report, lang=lang)
    if fmt == "codequality":
        from validators.exporters.codequality import to_codequality

        return to_codequality(report, lang=lang)
    if fmt == "markdown":
        from validators.exporters.markdown import to_markdown

        return to_markdown(report, lang=lang, limit=limit)
    if fmt == "table":
        from validators.exporters.terminal import table_text

        return table_text(report, lang=lang, limit=limit)
    raise ValueError(f"unknown format {fmt!r}")


def print_table(report, *, lang: str = "zh", limit: int = 20) -> None:
    from validators.exporters.terminal import print_report

    print_report(report, lang=lang, limit=limit)
