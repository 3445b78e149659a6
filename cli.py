"""sxcheck command line: a thin click layer over the ``validators`` library.

It parses options, calls the library, picks an exporter and maps the outcome to an exit code:
0 no finding at/above --fail-on · 1 findings at/above it (or a rate below --min-rate) ·
2 usage error · 3 unreadable input or internal error.  Nothing heavy is imported for ``--help``.
"""
from __future__ import annotations

import sys

import click

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
FORMATS = ("table", "json", "junit", "sarif", "markdown", "xlsx")


def _ensure_own_package() -> None:
    """The PyPI package "validators" shares our top-level name; refuse to run on it."""
    try:
        import validators
    except ImportError as exc:  # pragma: no cover - broken install
        click.echo(f"sxcheck 安装不完整：无法导入 validators（{exc}）", err=True)
        sys.exit(EXIT_INPUT)
    if not getattr(validators, "SXCHECK", False):
        click.echo("sxcheck 无法运行：导入的 validators 是另一个同名 PyPI 包"
                   f"（{getattr(validators, '__file__', '?')}）。请在独立虚拟环境中安装 sxcheck"
                   "（python -m venv .venv && .venv/bin/pip install .），或使用 pipx install .", err=True)
        sys.exit(EXIT_INPUT)


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _parse_severity(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for v in values:
        code, _, level = v.partition("=")
        if level not in ("error", "warning", "info"):
            raise click.BadParameter(f"{v!r}: 应为 规则代码=error|warning|info", param_hint="--severity")
        out[code.strip()] = level
    if out:
        from validators.report.messages import rule_meta

        unknown = sorted(set(out) - set(rule_meta()))
        if unknown:
            raise click.BadParameter(f"未知规则代码 {', '.join(unknown)}；用 sxcheck rules 查看", param_hint="--severity")
    return out


class Progress:
    """A rich progress bar on stderr, shown only on a terminal and without --quiet."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self._bar = None
        self._tasks: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(),
                                     TextColumn("{task.fields[rows]:,} 行"), TimeElapsedColumn(),
                                     console=Console(stderr=True), transient=True)
            self._bar.__enter__()
        return self

    def __call__(self, source: str, rows: int, done: int | None, total: int | None) -> None:
        if not self._bar:
            return
        if source not in self._tasks:
            self._tasks[source] = self._bar.add_task(source, total=total or None, rows=0)
        self._bar.update(self._tasks[source], completed=done or 0, rows=rows)

    def __exit__(self, *exc):
        if self._bar:
            self._bar.__exit__(*exc)


def _guarded(lang: str, work):
    """Run library work; unreadable input and surprises become one line on stderr and exit 3."""
    from validators.read import InputError
    from validators.report.messages import input_message

    try:
        return work()
    except InputError as exc:
        _fail(exc.render(lang))
    except BrokenPipeError:  # output piped into head & co.: not an error of ours
        sys.stderr.close()
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:
        _fail(input_message("interrupted", lang))
    except OSError as exc:
        _fail(input_message("io-error", lang, source=getattr(exc, "filename", "") or "",
                            detail=exc.strerror or str(exc)))
    except Exception as exc:  # never a traceback for the user
        _fail(input_message("internal", lang, detail=f"{type(exc).__name__}: {exc}"))


def _emit(text: str, output: str | None) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        click.echo(text)


def _export(report, fmt: str, lang: str, output: str | None, limit: int, encoding: str | None = None) -> None:
    from validators.exporters import export_text, print_table

    if fmt == "xlsx":
        from validators.exporters.xlsx import write_xlsx

        write_xlsx(report, output, lang=lang, encoding=encoding)
        return
    if fmt == "json":
        from validators.exporters.json_report import write_json

        if output:
            with open(output, "w", encoding="utf-8") as fh:
                write_json(report, fh, lang=lang)
        else:
            write_json(report, sys.stdout, lang=lang)
        return
    if fmt == "table" and not output:
        print_table(report, lang=lang, limit=limit)
        return
    _emit(export_text(report, fmt, lang=lang, limit=limit), output)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="sxcheck", prog_name="sxcheck")
def main() -> None:
    """sxcheck — 政务服务事项基本目录 / 实施清单 / 办事指南 数据质量检查。

    \b
    示例 / Examples:
      sxcheck validate catalogs/sample_guides.xlsx
      sxcheck validate export.csv --encoding gbk --format json --output report.json
      sxcheck conform local.xlsx --base catalogs/national_base_sample.csv --min-rate 0.95
      sxcheck certificates catalogs/certificate_samples/region_a_guides.xlsx
      sxcheck rules
      sxcheck explain uscc-check-digit
    """
    _ensure_own_package()


_LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="消息语言 / message language.")
_FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                       help="输出格式：终端表格、JSON、JUnit XML、SARIF 2.1.0、Markdown、标注版 Excel（xlsx，需 --output）。")
_OUTPUT = click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                       help="写入文件而不是标准输出。")
_FAIL_ON = click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
                        show_default=True, help="达到该级别的发现时退出码为 1。")
_SHEET = click.option("--sheet", help="只检查 Excel 的该工作表（默认检查所有含要素列的工作表）。")
_ENCODING = click.option("--encoding", help="CSV/JSON 编码（默认自动识别 UTF-8 / UTF-8-BOM / GBK）。")
_QUIET = click.option("--quiet", "-q", is_flag=True, help="不显示进度条。")
_SEVERITY = click.option("--severity", multiple=True, metavar="CODE=LEVEL",
                         help="调整规则级别，如 --severity legal-basis-no-article=info。")
_LIMIT = click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
                      help="终端表格中每条规则最多列出的发现数（JSON 等格式列出全部）。")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_FORMAT
@_OUTPUT
@_LANG
@_FAIL_ON
@_SHEET
@_ENCODING
@click.option("--engine", type=click.Choice(["native", "gx"]), default="native", show_default=True,
              help="清单级期望的执行引擎：native（快速流式）或 gx（great_expectations 1.x）。")
@click.option("--gx-docs", type=click.Path(file_okay=False), help="与 --engine gx 同用：生成 GX Data Docs 到该目录。")
@_SEVERITY
@_LIMIT
@_QUIET
@click.option("--certificates", "with_certificates", is_flag=True,
              help="同时检查申请材料中已取消的证明材料（见 sxcheck certificates）。")
@click.option("--registry", multiple=True, type=click.Path(),
              help="与 --certificates 同用：取消证明材料登记（目录或 .toml 文件，可多次；默认 catalogs/certificates）。")
@click.option("--kept-list", type=click.Path(), help="与 --certificates 同用：本地区证明事项保留清单。")
def validate(paths, fmt, output, lang, fail_on, sheet, encoding, engine, gx_docs, severity, limit, quiet,
             with_certificates, registry, kept_list):
    """检查办事指南 / 实施清单导出文件（CSV、XLSX、JSON、JSONL）是否符合要素标准。

    \b
    示例 / Examples:
      sxcheck validate catalogs/sample_guides.xlsx
      sxcheck validate catalogs/sample_guides_gbk.csv --format json -o report.json
      sxcheck validate export.xlsx --sheet 办事指南 --fail-on warning
      sxcheck validate export.xlsx --format xlsx -o 问题标注.xlsx
      sxcheck validate export.csv --engine gx --gx-docs gx_docs/
      sxcheck validate export.xlsx --certificates --kept-list 保留清单.xlsx
    """
    from validators import validate as run

    if (registry or kept_list) and not with_certificates:
        raise click.UsageError("--registry / --kept-list 需要与 --certificates 一起使用")
    if gx_docs and engine != "gx":
        raise click.UsageError("--gx-docs 需要与 --engine gx 一起使用")
    if engine == "gx":
        from validators.checks.gx_engine import gx_available

        if not gx_available():
            _fail("--engine gx 需要 great_expectations，未安装：请运行 pip install 'sxcheck[gx]'"
                  if lang != "en" else
                  "--engine gx needs great_expectations, which is not installed: pip install 'sxcheck[gx]'",
                  EXIT_USAGE)
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx 需要 --output 文件名")
    sev = _parse_severity(severity)

    def work():
        with Progress(not quiet) as progress:
            report = run(list(paths), sheet=sheet, encoding=encoding, engine=engine, severity=sev,
                         progress=progress, gx_docs_dir=gx_docs)
        if with_certificates:
            from validators.certification.run import add_certificates

            add_certificates(report, list(paths), registry=list(registry) or None, kept_list=kept_list,
                             sheet=sheet, encoding=encoding)
        _export(report, fmt, lang, output, limit, encoding)
        return report

    report = _guarded(lang, work)
    sys.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)


@main.command()
@click.argument("local", nargs=-1, required=True, type=click.Path())
@click.option("--base", required=True, type=click.Path(), help="国家基本目录文件（CSV/XLSX/JSON）。")
@click.option("--base-encoding", help="国家基本目录 CSV/JSON 的编码（默认自动识别）。")
@click.option("--matches", type=click.Path(dir_okay=False), help="写出匹配表（.csv 或 .xlsx）供人工复核。")
@_FORMAT
@_OUTPUT
@_LANG
@_SHEET
@_ENCODING
@click.option("--level", type=click.Choice(["1", "2", "3", "4", "5", "6"]),
              help="本地清单的行使层级（默认从行使层级 / 实施编码推断），用于计算未认领事项。")
@click.option("--match-threshold", type=click.IntRange(0, 100), default=95, show_default=True,
              help="模糊匹配自动确认的最低分。")
@click.option("--review-threshold", type=click.IntRange(0, 100), default=80, show_default=True,
              help="模糊匹配进入人工复核的最低分。")
@click.option("--min-rate", type=click.FloatRange(0, 1), help="符合率低于该值时退出码为 1（CI 门禁）。")
@_FAIL_ON
@_SEVERITY
@_LIMIT
@_QUIET
def conform(local, base, base_encoding, matches, fmt, output, lang, sheet, encoding, level, match_threshold,
            review_threshold, min_rate, fail_on, severity, limit, quiet):
    """将本地基本目录 / 实施清单与国家基本目录比对，计算基本目录符合率和实施清单符合率。

    \b
    示例 / Examples:
      sxcheck conform catalogs/local_catalog_sample.csv --base catalogs/national_base_sample.csv
      sxcheck conform local.xlsx --base base.csv --matches matches.xlsx --min-rate 0.95
      sxcheck conform local.csv --base base.csv --format json -o conform.json --fail-on never
    """
    from validators import conform as run

    if review_threshold > match_threshold:
        raise click.UsageError("--review-threshold 不能高于 --match-threshold")
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx 需要 --output 文件名")
    sev = _parse_severity(severity)

    def work():
        with Progress(not quiet) as progress:
            result = run(list(local), base, sheet=sheet, encoding=encoding, level=level,
                         match_threshold=match_threshold, review_threshold=review_threshold,
                         progress=progress, severity=sev, base_encoding=base_encoding)
        if matches:
            result.write_matches(matches)
        _export(result.report, fmt, lang, output, limit, encoding)
        return result

    result = _guarded(lang, work)
    failed = result.report.fails(fail_on)
    if min_rate is not None:
        from validators.conformity.run import min_rate_ok

        failed = failed or not min_rate_ok(result, min_rate)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command()
@click.argument("guides", nargs=-1, type=click.Path())
@click.option("--registry", multiple=True, type=click.Path(),
              help="取消证明材料登记：目录或 .toml 文件，可多次（默认 catalogs/certificates）。")
@click.option("--kept-list", type=click.Path(), help="本地区公布的证明事项保留清单（CSV/XLSX 的“证明名称”列，或 .txt 每行一个）。")
@click.option("--check-registry", type=click.Path(), help="只校验该登记目录或文件，不检查办事指南。")
@_FORMAT
@_OUTPUT
@_LANG
@_SHEET
@_ENCODING
@click.option("--match-threshold", type=click.IntRange(0, 100), default=95, show_default=True,
              help="事项名称模糊匹配确认的最低分。")
@click.option("--review-threshold", type=click.IntRange(0, 100), default=80, show_default=True,
              help="事项名称模糊匹配进入人工复核的最低分。")
@_FAIL_ON
@_SEVERITY
@_LIMIT
def certificates(guides, registry, kept_list, check_registry, fmt, output, lang, sheet, encoding,
                 match_threshold, review_threshold, fail_on, severity, limit):
    """检查办事指南的申请材料是否仍要求已取消的证明材料（证明事项清理）。

    \b
    示例 / Examples:
      sxcheck certificates catalogs/certificate_samples/region_a_guides.xlsx
      sxcheck certificates guides.csv --kept-list 保留清单.xlsx --format json -o certs.json
      sxcheck certificates guides.json --registry my_decisions/ --registry catalogs/certificates
      sxcheck certificates --check-registry my_decisions/
    """
    if check_registry:
        from validators.certification.registry import load_registry

        reg = _guarded(lang, lambda: load_registry(check_registry))
        done = sum(d.complete for d in reg.decisions)
        click.echo(f"{len(reg.files)} files, {len(reg.decisions)} decisions ({done} complete, "
                   f"{len(reg.decisions) - done} partial), {len(reg.entries)} entries: OK")
        if not guides:
            sys.exit(EXIT_OK)
    if not guides:
        raise click.UsageError("需要至少一个办事指南文件（或 --check-registry）")
    if review_threshold > match_threshold:
        raise click.UsageError("--review-threshold 不能高于 --match-threshold")
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx 需要 --output 文件名")
    sev = _parse_severity(severity)

    def work():
        from validators.certification import check_certificates

        report = check_certificates(list(guides), registry=list(registry) or None, kept_list=kept_list,
                                    sheet=sheet, encoding=encoding, severity=sev,
                                    match_threshold=match_threshold, review_threshold=review_threshold)
        _export(report, fmt, lang, output, limit, encoding)
        return report

    report = _guarded(lang, work)
    sys.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)


@main.command()
@_LANG
@click.option("--category", help="只列出该类别：input element code rule clarity catalog conformity certification。")
def rules(lang, category):
    """列出全部规则代码、级别和标题。

    \b
    示例 / Examples:
      sxcheck rules
      sxcheck rules --category clarity --lang en
    """
    from validators.exporters.terminal import print_rules

    print_rules(lang=lang, category=category)


@main.command()
@click.argument("code")
@_LANG
def explain(code, lang):
    """解释一条规则（依据、消息和修改建议），或一个主题（conform：符合率的定义）。

    \b
    示例 / Examples:
      sxcheck explain uscc-check-digit
      sxcheck explain handling-hours-unclear --lang en
      sxcheck explain conform
    """
    from validators.exporters.terminal import print_explain, print_topic
    from validators.report.messages import catalog, rule_meta

    if code in catalog(lang).get("topics", {}):
        print_topic(code, lang=lang)
        return
    if code not in rule_meta():
        raise click.BadParameter(f"未知规则代码 {code!r}；用 sxcheck rules 查看全部代码", param_hint="CODE")
    print_explain(code, lang=lang)


if __name__ == "__main__":  # pragma: no cover
    main()
