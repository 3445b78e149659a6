"""sxcheck command line: a thin click layer over the ``validators`` library.

It parses options, calls the library, picks an exporter and maps the outcome to an exit code:
0 no finding at/above --fail-on · 1 findings at/above it (or a rate below --min-rate) ·
2 usage error · 3 unreadable input or internal error.  Nothing heavy is imported for ``--help``.
"""
from __future__ import annotations

import os
import sys

import click

from validators.core.allocator import prefer_small_pages

prefer_small_pages()   # before anything loads pyarrow

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
FORMATS = ("table", "json", "junit", "sarif", "markdown", "codequality", "xlsx", "html")
SCORE_FORMATS = ("table", "json", "csv", "html", "xlsx")
# formats written piece by piece into the output (never one big string)
STREAMED = {"json": ("validators.exporters.json_report", "write_json"),
            "junit": ("validators.exporters.junit", "write_junit"),
            "sarif": ("validators.exporters.sarif", "write_sarif"),
            "codequality": ("validators.exporters.codequality", "write_codequality"),
            "markdown": ("validators.exporters.markdown", "write_markdown")}


def _help_lang(argv: list[str]) -> str:
    """The language of --help, decided before click parses: --lang en / --lang=en, else SXCHECK_LANG."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return os.environ.get("SXCHECK_LANG", "zh")


HELP_EN = _help_lang(sys.argv[1:]) == "en"


def _h(zh: str, en: str) -> str:
    """Help text in the language of this invocation."""
    return en if HELP_EN else zh


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
    from validators.exporters.safety import terminal_text

    click.echo(terminal_text(message), err=True)  # file and sheet names come from the data
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
            from validators.exporters.terminal import escape  # file names of a directory are data

            self._tasks[source] = self._bar.add_task(escape(source), total=total or None, rows=0)
        self._bar.update(self._tasks[source], completed=done or 0, rows=rows)

    def __exit__(self, *exc):
        if self._bar:
            self._bar.__exit__(*exc)


def _silence_stdout() -> None:
    """After a failed write to stdout, stop Python retrying the flush at exit ("Exception ignored")."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _guarded(lang: str, work):
    """Run library work; unreadable input and surprises become one line on stderr and exit 3."""
    from validators.read import InputError
    from validators.report.messages import input_message

    try:
        return work()
    except InputError as exc:
        _fail(exc.render(lang))
    except BrokenPipeError:  # output piped into head & co.: not an error of ours
        _silence_stdout()
        sys.stderr.close()
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:  # Ctrl-C and SIGTERM: outputs being written were discarded
        _fail(input_message("interrupted", lang))
    except OSError as exc:
        name = getattr(exc, "filename", "") or ""
        if not name:
            _silence_stdout()
            name = "<stdout>"
        _fail(input_message("io-error", lang, source=name, detail=exc.strerror or str(exc)))
    except Exception as exc:  # never a traceback for the user
        _fail(input_message("internal", lang, detail=f"{type(exc).__name__}: {exc}"))


def _emit(text: str, output: str | None) -> None:
    if output:
        from validators.exporters.atomic import atomic_open

        with atomic_open(output, "w") as fh:
            fh.write(text)
    else:
        click.echo(text)


def _export(report, fmt: str, lang: str, output: str | None, limit: int, encoding: str | None = None, *,
            split: bool = False) -> None:
    """Write the report; a file output appears only when complete (temporary file + rename)."""
    from validators.exporters import export_text, print_table
    from validators.exporters.atomic import atomic_open, atomic_path

    if fmt == "xlsx":
        from validators.exporters.xlsx import write_split, write_xlsx

        if split:
            write_split(report, output, lang=lang)
        else:
            with atomic_path(output) as tmp:
                write_xlsx(report, tmp, lang=lang)
        return
    if fmt == "html":
        from validators.exporters.html import report_html

        _emit(report_html(report, lang=lang), output)
        return
    if fmt in STREAMED:
        import importlib

        module, name = STREAMED[fmt]
        writer = getattr(importlib.import_module(module), name)
        kw = {"limit": limit} if fmt == "markdown" else {}
        if output:
            with atomic_open(output, "w") as fh:
                writer(report, fh, lang=lang, **kw)
        else:
            writer(report, sys.stdout, lang=lang, **kw)
        return
    if fmt == "table" and not output:
        print_table(report, lang=lang, limit=limit)
        return
    _emit(export_text(report, fmt, lang=lang, limit=limit), output)


def _xlsx_observers(fmt: str, output: str | None, split_by: str | None) -> list:
    """Usage checks of --format xlsx / --split-by, and the scan observer the workbook (or the HTML
    report's unit filter) needs: the rows behind the findings are kept during the scan, so the
    inputs are never read twice."""
    import os

    if split_by and fmt != "xlsx":
        raise click.UsageError("--split-by 需要与 --format xlsx 一起使用")
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx 需要 --output 文件名" + ("（文件夹）" if split_by else ""))
    if output and not split_by and os.path.isdir(output):
        raise click.UsageError(f"--output {output}: 是文件夹，应为文件名")
    if output and split_by and os.path.exists(output) and not os.path.isdir(output):
        raise click.UsageError(f"--output {output}: 已存在且不是文件夹")
    from validators.report.marked import MarkedRows

    if fmt == "html":   # only the row → 实施主体 index, for the unit filter of the findings table
        return [MarkedRows(max_rows=0)]
    if fmt != "xlsx":
        return []
    from validators.scoring.tally import resolve_by

    try:
        unit_field = resolve_by(split_by) if split_by else "implementing_body"
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--split-by") from None
    return [MarkedRows(unit_field=unit_field)]


def _say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _check_usage(lang: str, fmt: str | None = None, output: str | None = None,
                 match_threshold: float | None = None, review_threshold: float | None = None) -> None:
    """Usage errors shared by the checking commands (exit 2)."""
    if match_threshold is not None and review_threshold is not None and review_threshold > match_threshold:
        raise click.UsageError(_say(lang, "--review-threshold 不能高于 --match-threshold",
                                    "--review-threshold cannot exceed --match-threshold"))
    if fmt == "xlsx" and not output:
        raise click.UsageError(_say(lang, "--format xlsx 需要 --output 文件名", "--format xlsx needs --output"))


def outcome(report, *, lang: str, fmt: str, output: str | None, fail_on: str, quiet: bool,
            gate: dict | None = None, gates: list[dict] | None = None) -> int:
    """The exit code; unless ``quiet``, one line on stderr saying what was written and found, and a
    last line naming the gate that decided the exit code and by how much.  ``gates`` are the
    threshold gates of ``sxcheck check`` (report.extra["gates"] entries)."""
    c = report.counts()
    by_findings = report.fails(fail_on)
    gate_failed = (bool(gate) and not gate["ok"]) or any(not g["passed"] for g in gates or [])
    code = EXIT_FINDINGS if by_findings or gate_failed else EXIT_OK
    if quiet:
        return code
    counts = _say(lang, f"错误 {c['error']:,}，警告 {c['warning']:,}，提示 {c['info']:,}",
                  f"{c['error']:,} errors, {c['warning']:,} warnings, {c['info']:,} infos")
    if output:
        click.echo(_say(lang, f"已写入 {output}（{fmt}）：{counts}", f"wrote {output} ({fmt}): {counts}"), err=True)
    elif fmt != "table":
        click.echo(counts, err=True)
    levels = {"error": ("错误", "errors"), "warning": ("警告及以上", "warnings or worse")}
    lines = []
    if fail_on == "never":
        lines.append(_say(lang, "--fail-on never：发现不影响退出码", "--fail-on never: findings do not set the exit code"))
    else:
        n = c["error"] + (c["warning"] if fail_on == "warning" else 0)
        zh, en = levels[fail_on]
        lines.append(_say(lang, f"--fail-on {fail_on}：{zh} {n:,} 条{'，未通过' if n else '，通过'}",
                          f"--fail-on {fail_on}: {n:,} {en}{', failed' if n else ', passed'}"))
    if gate:
        rate = gate["rate"]
        shown = "—" if rate is None else f"{rate:.2%}"
        diff = "" if rate is None else f"{(rate - gate['min']) * 100:+.2f}"
        opt = gate.get("option", "--min-rate")
        lines.append(_say(lang, f"{opt} {gate['min']:.2%}：{gate['label_zh']} {shown}（{diff} 个百分点），"
                                f"{'通过' if gate['ok'] else '未通过'}",
                          f"{opt} {gate['min']:.2%}: {gate['label_en']} {shown} ({diff} points), "
                          f"{'passed' if gate['ok'] else 'failed'}"))
    for g in gates or []:
        rate = g["rate"]
        shown = "—" if rate is None else f"{rate:.2%}"
        verdict = (_say(lang, "跳过", "skipped") if g.get("skipped") else
                   _say(lang, "通过", "passed") if g["passed"] else _say(lang, "未通过", "failed"))
        where = f" [{g['source']}]" if g.get("source") else ""
        lines.append(_say(lang, f"{g['option']} {g['min_rate']:.2%}：{g['label_zh']}{where} {shown}，{verdict}",
                          f"{g['option']} {g['min_rate']:.2%}: {g['label_en']}{where} {shown}, {verdict}"))
    lines.append(_say(lang, f"退出码 {code}", f"exit code {code}"))
    click.echo("；".join(lines) if lang != "en" else "; ".join(lines), err=True)
    return code


_EXAMPLES = """

\b
{}:
  sxcheck validate catalogs/sample_guides.xlsx
  sxcheck validate export.csv --encoding gbk --format json --output report.json
  sxcheck conform local.xlsx --base catalogs/national_base_sample.csv --min-rate 0.95
  sxcheck certificates catalogs/certificate_samples/region_a_guides.xlsx
  sxcheck revoked local.xlsx --permit-list 行政许可事项清单.csv
  sxcheck sources reference.csv app.json hall.xlsx --min-rate 0.98
  sxcheck cases 办件.csv --catalog 实施清单.csv --as-of 2026-03-31
  sxcheck rules
  sxcheck explain uscc-check-digit
"""


class _Command(click.Command):
    """A command whose --help option speaks the language of the invocation."""

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = _h("显示本帮助并退出。", "Show this message and exit.")
        return opt


class _Group(_Command, click.Group):
    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             help=_h("sxcheck — 政务服务事项基本目录 / 实施清单 / 办事指南 数据质量检查。",
                     "sxcheck — data-quality checks for government service-item catalogs and service guides.")
             + _EXAMPLES.format(_h("示例", "Examples")))
@click.version_option(package_name="sxcheck", prog_name="sxcheck",
                      help=_h("显示版本并退出。", "Show the version and exit."))
def main() -> None:
    _ensure_own_package()
    from validators.exporters.atomic import install_sigterm_handler

    install_sigterm_handler()  # SIGTERM unwinds like Ctrl-C: no partial output file is left
    for stream in (sys.stdout, sys.stderr):
        try:  # a lone surrogate from the data is shown escaped, never a UnicodeEncodeError
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass


_LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     envvar="SXCHECK_LANG",
                     help=_h("消息语言（也可设环境变量 SXCHECK_LANG）。", "Message language (or set SXCHECK_LANG)."))
_FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                       help=_h("输出格式：终端表格、JSON、JUnit XML、SARIF 2.1.0、Markdown、GitLab Code Quality、标注版 Excel（xlsx，需 --output）、"
                               "离线 HTML 报告（html）。",
                               "Output format: terminal table, JSON, JUnit XML, SARIF 2.1.0, Markdown, GitLab Code Quality, annotated "
                               "Excel (xlsx, needs --output), offline HTML report (html)."))
_OUTPUT = click.option("--output", "-o", type=click.Path(writable=True),
                       help=_h("写入文件而不是标准输出（--split-by 时为文件夹）。",
                               "Write to this file instead of standard output (a folder with --split-by)."))
_SPLIT = click.option("--split-by", metavar="FIELD",
                      help=_h("与 --format xlsx 同用：按该列（如 实施主体）每个单位写一个工作簿到 --output 文件夹。",
                              "With --format xlsx: one workbook per unit of this column (e.g. 实施主体) in the "
                              "--output folder."))
_FAIL_ON = click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
                        show_default=True, help=_h("达到该级别的发现时退出码为 1。",
                                                   "Exit 1 when a finding reaches this level."))
_SHEET = click.option("--sheet", help=_h("只检查 Excel 的该工作表（默认检查所有含要素列的工作表）。",
                                         "Check only this Excel sheet (default: every sheet with element columns)."))
_ENCODING = click.option("--encoding", help=_h("CSV/JSON 编码（默认自动识别 UTF-8 / UTF-8-BOM / GBK）。",
                                               "CSV/JSON encoding (default: detect UTF-8 / UTF-8-BOM / GBK)."))
_QUIET = click.option("--quiet", "-q", is_flag=True,
                      help=_h("不显示进度条和结果摘要行。", "No progress bar and no outcome line on stderr."))
_SEVERITY = click.option("--severity", multiple=True, metavar="CODE=LEVEL",
                         help=_h("调整规则级别，如 --severity legal-basis-no-article=info。",
                                 "Change a rule's level, e.g. --severity legal-basis-no-article=info."))
_SELECT = click.option("--select", multiple=True, metavar="RULE|CATEGORY",
                       help=_h("只报告这些规则或类别（可多次，同 ruff）。", "Report only these rules or categories (repeatable, as in ruff)."))
_IGNORE = click.option("--ignore", multiple=True, metavar="RULE|CATEGORY",
                       help=_h("不报告这些规则或类别（可多次）。", "Never report these rules or categories (repeatable)."))
_PER_FILE = click.option("--per-file/--one-catalog", "per_file", default=None,
                         help=_h("每个文件作为独立清单检查（默认：全部输入为一个清单）。",
                                 "Check every file as its own catalog (default: all inputs are one catalog)."))


def _read_opts(f):
    """Input options shared by validate and conform, handed to the command as ``read_opts``."""
    import functools

    options = [
        click.option("--json-path", metavar="PATH",
                     help=_h("JSON 中事项数组的位置，如 data.list（默认自动查找 data.list、result.records 等）。",
                             "Where the item array sits in a JSON envelope, e.g. data.list (default: found automatically).")),
        click.option("--recursive", "-r", is_flag=True, help=_h("输入为目录时，同时检查其子目录中的文件。",
                                                                 "With a directory as input, also check its sub-directories.")),
        click.option("--max-cells", type=click.IntRange(min=1), metavar="N",
                     help=_h("Excel 单个工作表读取时最多的单元格数（默认 5000 万）。",
                             "Most cells one Excel sheet may need when read (default 50 million).")),
        click.option("--max-uncompressed-mb", type=click.IntRange(min=1), metavar="MB",
                     help=_h("XLSX 中单个部件解压后、以及共享字符串展开后的上限（默认 4096 MB）。",
                             "Limit on one XLSX part expanded, and on the shared strings a sheet expands to (default 4096 MB).")),
        click.option("--max-ratio", type=click.IntRange(min=1), metavar="N",
                     help=_h("XLSX 中 16 MiB 以上部件的最大压缩比（默认 100）。",
                             "Highest compression ratio of an XLSX part above 16 MiB (default 100).")),
        click.option("--max-cell-mb", type=click.IntRange(min=1), metavar="MB",
                     help=_h("CSV 单个单元格的上限（默认 64 MB）。", "Limit on one CSV cell (default 64 MB).")),
    ]
    names = ("json_path", "recursive", "max_cells", "max_uncompressed_mb", "max_ratio", "max_cell_mb")

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        opts = {k: kwargs.pop(k) for k in names}
        cell = opts.pop("max_cell_mb")
        opts["max_cell_kb"] = cell * 1024 if cell else None
        opts["recursive"] = opts["recursive"] or None
        return f(*args, read_opts=opts, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _refuse_clash(inputs, outputs, lang: str) -> None:
    """An output that is also an input would be overwritten: usage error (exit 2)."""
    from validators.exporters.atomic import output_clash
    from validators.report.messages import input_message

    clash = output_clash(inputs, outputs)
    if clash:
        _fail(input_message("output-is-input", lang, source=clash), EXIT_USAGE)


def _reading(read_opts: dict, outputs):
    """Read options for the library call; our own outputs are never read back from a directory."""
    import os

    from validators.read import read_options

    exclude = frozenset(os.path.realpath(o) for o in outputs if o)
    return read_options(exclude=exclude, **read_opts)


_LIMIT = click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
                      help=_h("终端表格中每条规则最多列出的发现数（JSON 等格式列出全部）。",
                              "Findings listed per rule in the terminal table (JSON and the others list all)."))
_REGISTRY = click.option("--registry", multiple=True, type=click.Path(),
                         help=_h("追加的决定登记表文件或目录（*.toml），可多次给出；内置登记表总是加载。",
                                 "Extra decision registry file or directory (*.toml), repeatable; the built-in "
                                 "registry is always loaded."))
_PERMIT_LIST = click.option("--permit-list", type=click.Path(dir_okay=False),
                            help=_h("行政许可事项清单（CSV/XLSX，含“事项名称”或“许可事项名称”列）：清单外的行政许可报 "
                                    "permit-not-in-list。",
                                    "Positive list of permits (CSV/XLSX with 事项名称 or 许可事项名称): a permit "
                                    "outside it gets permit-not-in-list."))


def _profile_names() -> list[str]:
    """Coding-scheme profiles shipped in schemas/profiles (file names only: nothing heavy imported)."""
    from pathlib import Path

    import schemas

    return sorted(p.stem for p in (Path(schemas.__file__).parent / "profiles").glob("*.json"))


@main.command(help=_h("检查办事指南 / 实施清单导出文件（CSV、XLSX、JSON、JSONL）是否符合要素标准。",
                      "Check service-guide / implementation-list exports (CSV, XLSX, JSON, JSONL) against the "
                      "element standard.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck validate catalogs/sample_guides.xlsx
  sxcheck validate catalogs/sample_guides_gbk.csv --format json -o report.json
  sxcheck validate export.xlsx --sheet 办事指南 --fail-on warning
  sxcheck validate export.xlsx --format xlsx -o 问题标注.xlsx
  sxcheck validate export.xlsx --format xlsx --split-by 实施主体 -o 分单位/
  sxcheck validate export.xlsx --format html -o 报告.html
  sxcheck validate export.csv --engine gx --gx-docs gx_docs/
  sxcheck validate export.xlsx --revoked --permit-list 行政许可事项清单.csv
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))
@_FORMAT
@_OUTPUT
@_LANG
@_FAIL_ON
@_SHEET
@_ENCODING
@click.option("--engine", type=click.Choice(["native", "gx"]), default="native", show_default=True,
              help=_h("清单级期望的执行引擎：native（快速流式）或 gx（great_expectations 1.x，需 sxcheck[gx]）。",
                      "Engine of the catalog expectations: native (fast, streaming) or gx (great_expectations "
                      "1.x, needs sxcheck[gx])."))
@click.option("--gx-docs", type=click.Path(file_okay=False), help=_h("与 --engine gx 同用：生成 GX Data Docs 到该目录。",
                      "With --engine gx: build GX Data Docs into this directory."))
@click.option("--profile", type=click.Choice(_profile_names()),
              help=_h("地方编码方案（schemas/profiles）；默认按编码形态自动识别。",
                      "Local coding scheme (schemas/profiles); detected from the code shapes by default."))
@_SEVERITY
@_SPLIT
@_LIMIT
@_QUIET
@click.option("--certificates", "with_certificates", is_flag=True,
              help=_h("同时检查申请材料中已取消的证明材料（见 sxcheck certificates）。",
                      "Also check materials for cancelled certification materials (see sxcheck certificates)."))
@click.option("--registry", multiple=True, type=click.Path(),
              help=_h("与 --certificates 同用：取消证明材料登记（目录或 .toml 文件，可多次；默认 catalogs/certificates）。",
                      "With --certificates: registry of cancelled materials (folder or .toml, repeatable)."))
@click.option("--kept-list", type=click.Path(), help=_h("与 --certificates 同用：本地区证明事项保留清单。",
                                                        "With --certificates: the region's list of kept certificates."))
@click.option("--revoked", "revoked", is_flag=True,
              help=_h("同时检查已取消/下放的行政许可（见 sxcheck revoked）。",
                      "Also check cancelled and delegated permits (see sxcheck revoked)."))
@click.option("--revoked-registry", multiple=True, type=click.Path(),
              help=_h("与 --revoked 同用：追加的决定登记表（目录或 .toml 文件，可多次；内置登记表总是加载）。",
                      "With --revoked: extra decision registry (folder or .toml, repeatable; the built-in one "
                      "is always loaded)."))
@_PERMIT_LIST
@_read_opts
@_SELECT
@_IGNORE
@_PER_FILE
def validate(paths, fmt, output, lang, fail_on, sheet, encoding, engine, gx_docs, severity, split_by, limit, quiet,
             with_certificates, registry, kept_list, revoked, revoked_registry, permit_list,
             profile, read_opts, select, ignore, per_file):
    from validators import validate as run

    if (registry or kept_list) and not with_certificates:
        raise click.UsageError("--registry / --kept-list 需要与 --certificates 一起使用")
    if (revoked_registry or permit_list) and not revoked:
        raise click.UsageError("--revoked-registry / --permit-list 需要与 --revoked 一起使用")
    rev = {"registry": list(revoked_registry), "permit_list": permit_list} if revoked else None
    if gx_docs and engine != "gx":
        raise click.UsageError("--gx-docs 需要与 --engine gx 一起使用")
    if engine == "gx":
        from validators.checks.gx_engine import gx_available

        if not gx_available():
            _fail("--engine gx 需要 great_expectations，未安装：请运行 pip install 'sxcheck[gx]'"
                  if lang != "en" else
                  "--engine gx needs great_expectations, which is not installed: pip install 'sxcheck[gx]'",
                  EXIT_USAGE)
    observers = _xlsx_observers(fmt, output, split_by)
    sev = _parse_severity(severity)
    _refuse_clash(paths, [output], lang)

    def work():
        from validators.gate.select import apply_selection, check_names

        check_names(select, "--select", "--select")
        check_names(ignore, "--ignore", "--ignore")
        with Progress(not quiet) as progress, _reading(read_opts, [output]):
            if per_file and len(paths) > 1:
                from validators.gate.run import merge
                from validators.report.report import Report

                report = Report(severity_overrides=sev)
                for p in paths:
                    merge(report, run([p], sheet=sheet, encoding=encoding, engine=engine, severity=sev,
                                      progress=progress, gx_docs_dir=gx_docs, revoked=rev, observers=observers,
                                      profile=profile), p)
            else:
                report = run(list(paths), sheet=sheet, encoding=encoding, engine=engine, severity=sev,
                             progress=progress, gx_docs_dir=gx_docs, revoked=rev, observers=observers,
                             profile=profile)
        if with_certificates:
            from validators.certification.run import add_certificates

            add_certificates(report, list(paths), registry=list(registry) or None, kept_list=kept_list,
                             sheet=sheet, encoding=encoding)
        apply_selection(report, select, ignore)
        _export(report, fmt, lang, output, limit, encoding, split=bool(split_by))
        return report

    report = _guarded(lang, work)
    sys.exit(outcome(report, lang=lang, fmt=fmt, output=output, fail_on=fail_on, quiet=quiet))


@main.command(help=_h("将本地基本目录 / 实施清单与国家基本目录比对，计算基本目录符合率和实施清单符合率。",
                      "Align a local catalog / implementation list with the national base catalog and compute "
                      "the conformity rates.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck conform catalogs/local_catalog_sample.csv --base catalogs/national_base_sample.csv
  sxcheck conform local.xlsx --base base.csv --matches matches.xlsx --min-rate 0.95
  sxcheck conform local.csv --base base.csv --format json -o conform.json --fail-on never
""")
@click.argument("local", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("--base", required=True, type=click.Path(readable=False), help=_h("国家基本目录文件（CSV/XLSX/JSON）。", "The national base catalog file (CSV/XLSX/JSON)."))
@click.option("--base-encoding", help=_h("国家基本目录 CSV/JSON 的编码（默认自动识别）。", "Encoding of the base catalog CSV/JSON (default: detect)."))
@click.option("--matches", type=click.Path(dir_okay=False), help=_h("写出匹配表（.csv 或 .xlsx）供人工复核。", "Write the match table (.csv or .xlsx) for review."))
@_FORMAT
@_OUTPUT
@_LANG
@_SHEET
@_ENCODING
@click.option("--level", type=click.Choice(["1", "2", "3", "4", "5", "6"]),
              help=_h("本地清单的行使层级（默认从行使层级 / 实施编码推断），用于计算未认领事项。", "Level of the local catalog (default: inferred from 行使层级 / 实施编码), for unclaimed items."))
@click.option("--match-threshold", type=click.IntRange(0, 100), default=95, show_default=True,
              help=_h("模糊匹配自动确认的最低分。", "Lowest fuzzy score matched automatically."))
@click.option("--review-threshold", type=click.IntRange(0, 100), default=80, show_default=True,
              help=_h("模糊匹配进入人工复核的最低分。", "Lowest fuzzy score sent to review."))
@click.option("--min-rate", type=click.FloatRange(0, 1), help=_h("符合率低于该值时退出码为 1（CI 门禁）。", "Exit 1 when the conformity rate is below this (CI gate)."))
@_FAIL_ON
@_SEVERITY
@_SPLIT
@_LIMIT
@_QUIET
@_read_opts
def conform(local, base, base_encoding, matches, fmt, output, lang, sheet, encoding, level, match_threshold,
            review_threshold, min_rate, fail_on, severity, split_by, limit, quiet, read_opts):
    from validators import conform as run

    _check_usage(lang, match_threshold=match_threshold, review_threshold=review_threshold)
    observers = _xlsx_observers(fmt, output, split_by)
    sev = _parse_severity(severity)
    _refuse_clash([*local, base], [output, matches], lang)
    if output and matches:
        from validators.exporters.atomic import same_file

        if output == matches or same_file(output, matches):
            raise click.UsageError("--matches 与 --output 不能是同一个文件")

    def work():
        with Progress(not quiet) as progress, _reading(read_opts, [output, matches]):
            result = run(list(local), base, sheet=sheet, encoding=encoding, level=level,
                         match_threshold=match_threshold, review_threshold=review_threshold,
                         progress=progress, severity=sev, base_encoding=base_encoding, observers=observers)
        if matches:
            result.write_matches(matches, lang)
        gate = _rate_gate("conform", result, min_rate)
        _export(result.report, fmt, lang, output, limit, encoding, split=bool(split_by))
        return result, gate

    result, gate = _guarded(lang, work)
    sys.exit(outcome(result.report, lang=lang, fmt=fmt, output=output, fail_on=fail_on, quiet=quiet, gate=gate))


def _rate_gate(command: str, result, min_rate: float | None, option: str | None = None) -> dict | None:
    """The --min-rate gate of conform, sources or cases for :func:`outcome`, also recorded in the
    report (stats.gate) so every format shows it."""
    if min_rate is None:
        return None
    from validators.exporters.gates import gate_labels
    from validators.gate.rates import rate_gate

    g = rate_gate(command, result, min_rate)
    zh, en = gate_labels(g["rate_name"])
    gate = {"min": min_rate, "rate": g["rate"], "ok": g["passed"], "label_zh": zh, "label_en": en}
    if option:
        gate["option"] = option
    return gate


@main.command(help=_h("检查办事指南的申请材料是否仍要求已取消的证明材料（证明事项清理）。",
                      "Check whether guides still demand cancelled certification materials.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck certificates catalogs/certificate_samples/region_a_guides.xlsx
  sxcheck certificates guides.csv --kept-list 保留清单.xlsx --format json -o certs.json
  sxcheck certificates guides.json --registry my_decisions/ --registry catalogs/certificates
  sxcheck certificates --check-registry my_decisions/
""")
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
@_QUIET
def certificates(guides, registry, kept_list, check_registry, fmt, output, lang, sheet, encoding,
                 match_threshold, review_threshold, fail_on, severity, limit, quiet):
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
    _check_usage(lang, fmt, output, match_threshold, review_threshold)
    sev = _parse_severity(severity)
    _refuse_clash([*guides, *registry, kept_list], [output], lang)

    def work():
        from validators.certification import check_certificates

        report = check_certificates(list(guides), registry=list(registry) or None, kept_list=kept_list,
                                    sheet=sheet, encoding=encoding, severity=sev,
                                    match_threshold=match_threshold, review_threshold=review_threshold)
        _export(report, fmt, lang, output, limit, encoding)
        return report

    report = _guarded(lang, work)
    sys.exit(outcome(report, lang=lang, fmt=fmt, output=output, fail_on=fail_on, quiet=quiet))


@main.command(help=_h("按可推导的修改建议写出改正后的副本（默认只应用“确定”级建议），并列出修改记录。",
                      "Write a corrected copy from the derivable suggestions (safe ones by default) and "
                      "log every change.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck fix catalogs/sample_guides.xlsx -o 改正后.xlsx --log 修改记录.csv
  sxcheck fix export.csv -o fixed.csv --accept task-code-body-mismatch,catalog-name-mismatch
  sxcheck fix export.xlsx --dry-run
""")
@click.argument("path", type=click.Path())
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help=_h("改正后的副本（与输入同格式；不得是输入本身）。", "The corrected copy (same format; never the input)."))
@click.option("--accept", "accept", default="", metavar="RULE,...",
              help=_h("同时应用这些规则的“可能”级建议（逗号分隔）。", "Also apply the likely suggestions of these rules."))
@click.option("--accept-safe", is_flag=True, help=_h("只应用“确定”级建议（默认）。", "Apply safe suggestions only (the default)."))
@click.option("--log", "log_path", type=click.Path(dir_okay=False),
              help=_h("修改记录 CSV（行、要素、原值、新值、规则、把握）。", "Change log CSV (row, element, old, new, rule, confidence)."))
@click.option("--dry-run", is_flag=True, help=_h("只列出修改，不写文件。", "List the changes without writing."))
@_LANG
@_SHEET
@_ENCODING
def fix(path, output, accept, accept_safe, log_path, dry_run, lang, sheet, encoding):
    from validators.core.rulebook import all_rules

    rules = [r.strip() for r in accept.split(",") if r.strip()]
    if accept_safe and rules:
        raise click.UsageError(_say(lang, "--accept-safe 与 --accept 不能同时使用", "--accept-safe and --accept exclude each other"))
    unknown = sorted(set(rules) - set(all_rules()))
    if unknown:
        raise click.BadParameter(_say(lang, f"未知规则代码 {', '.join(unknown)}", f"unknown rule codes {', '.join(unknown)}"),
                                 param_hint="--accept")
    if not dry_run and not output:
        raise click.UsageError(_say(lang, "需要 --output（或 --dry-run）", "--output is required (or --dry-run)"))

    def work():
        from validators.fixes.apply import FixError, fix_file, write_log

        try:
            p = fix_file(path, output, accept=rules, sheet=sheet, encoding=encoding, dry_run=dry_run)
        except FixError as exc:
            _fail(str(exc), EXIT_USAGE)
        write_log(p.changes, log_path, stream=sys.stdout if dry_run else None)
        return p

    p = _guarded(lang, work)
    where = _say(lang, "（未写文件）", " (nothing written)") if dry_run else f" → {output}"
    click.echo(_say(lang, f"修改 {len(p.changes)} 处{where}", f"{len(p.changes)} changes{where}"), err=True)
    sys.exit(EXIT_OK)


@main.command(help=_h("检查清单中仍列出的已取消行政许可、仍在原层级的已下放事项（国务院决定登记表），及清单外的行政许可。",
                      "Find cancelled permits still listed, delegated ones at the level they left (registry of "
                      "State Council decisions), and permits outside the positive list.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck revoked catalogs/revoked_sample.csv
  sxcheck revoked local.xlsx --registry my_decisions/ --format json -o revoked.json
  sxcheck revoked local.xlsx --permit-list catalogs/permit_list_sample.csv
  sxcheck revoked --check-registry my_decisions/
""")
@click.argument("local", nargs=-1, type=click.Path())
@_REGISTRY
@_PERMIT_LIST
@click.option("--region", help=_h("本地清单所属省份（如 黑龙江省），用于省级例外保留；默认按行政区划代码、实施主体或事项名称判断。",
                                  "Province of every row (e.g. 黑龙江省), for provincial exceptions; default: from "
                                  "行政区划代码, 实施主体 or the name."))
@click.option("--check-registry", "check_dirs", multiple=True, type=click.Path(),
              help=_h("只校验用户登记表文件或目录（*.toml）是否符合 schemas/revocation.schema.json。",
                      "Only validate users' registry files or directories (*.toml) against "
                      "schemas/revocation.schema.json."))
@_FORMAT
@_OUTPUT
@_LANG
@_FAIL_ON
@_SHEET
@_ENCODING
@click.option("--match-threshold", type=click.IntRange(0, 100), default=95, show_default=True,
              help=_h("模糊匹配自动确认的最低分。", "Lowest fuzzy score matched automatically."))
@click.option("--review-threshold", type=click.IntRange(0, 100), default=80, show_default=True,
              help=_h("模糊匹配进入人工复核的最低分。", "Lowest fuzzy score sent to review."))
@_SEVERITY
@_LIMIT
@_QUIET
def revoked(local, registry, permit_list, region, check_dirs, fmt, output, lang, fail_on, sheet, encoding,
            match_threshold, review_threshold, severity, limit, quiet):
    if check_dirs:
        from validators.revocation.run import check_registry

        own = _guarded(lang, lambda: check_registry(list(check_dirs)))
        s = own.summary()
        click.echo(_say(lang, f"登记表校验通过：{s['files']} 个文件，{s['decisions']} 个决定，{s['items']} 项",
                        f"Registry valid: {s['files']} files, {s['decisions']} decisions, {s['items']} items"))
        if not local:
            sys.exit(EXIT_OK)
    if not local:
        raise click.UsageError("请给出要检查的清单文件（LOCAL...），或用 --check-registry 只校验登记表")
    _check_usage(lang, fmt, output, match_threshold, review_threshold)
    sev = _parse_severity(severity)
    _refuse_clash([*local, *registry, permit_list], [output], lang)
    from validators import revoked as run

    def work():
        with Progress(not quiet) as progress:
            report = run(list(local), registry=list(registry), permit_list=permit_list, region=region,
                         sheet=sheet, encoding=encoding, match_threshold=match_threshold,
                         review_threshold=review_threshold, severity=sev, progress=progress)
        _export(report, fmt, lang, output, limit, encoding)
        return report

    report = _guarded(lang, work)
    sys.exit(outcome(report, lang=lang, fmt=fmt, output=output, fail_on=fail_on, quiet=quiet))
@main.command(help=_h("比对同一实施清单在各渠道的发布：第一个文件是参考源（省级政务服务平台），其余为渠道导出；"
                      "报告缺少、多出、不一致和版本落后的事项，计算同源率。",
                      "Compare one implementation list as published by several channels: the first file is the "
                      "reference (the provincial platform), the others channel exports; report missing, extra, "
                      "differing and stale items and the same-source rate.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck sources catalogs/sources_reference.csv catalogs/sources_channel_app.json catalogs/sources_channel_hall.xlsx
  sxcheck sources ref.csv app.json --format xlsx -o 差异.xlsx --min-rate 0.98
  sxcheck sources ref.csv app.json --pairs 配对.csv
  sxcheck sources ref.csv hall.xlsx --key name+body --fields 办理时间,办理地点,申请材料
""")
@click.argument("reference", type=click.Path())
@click.argument("others", nargs=-1, required=True, type=click.Path())
@click.option("--key", type=click.Choice(["auto", "task_code", "catalog_code+body", "name+body"]), default="auto",
              show_default=True, help=_h("配对键：auto 依次用实施编码、基本编码+实施主体、事项名称+实施主体。",
                                         "Pairing key: auto tries task code, catalog code + body, then name + body."))
@click.option("--fields", help=_h("只比较这些要素（逗号分隔，要素名或中文列名，如 办理时间,办理地点,materials）。",
                                  "Compare only these elements (comma-separated names or labels)."))
@click.option("--pairs", type=click.Path(dir_okay=False),
              help=_h("写出配对表（.csv 或 .xlsx）：每个渠道事项用哪个键与参考源哪一行配对。",
                      "Write the pairing table (.csv or .xlsx): which key paired each channel item with which "
                      "reference row."))
@click.option("--format", "fmt", type=click.Choice(FORMATS + ("csv",)), default="table", show_default=True,
              help=_h("输出格式：终端差异视图、JSON、JUnit XML、SARIF、Markdown、差异表 xlsx / csv（需 --output）。",
                      "Output: terminal diff, JSON, JUnit XML, SARIF, Markdown, difference sheet xlsx / csv "
                      "(needs --output)."))
@_OUTPUT
@_LANG
@_SHEET
@_ENCODING
@click.option("--min-rate", type=click.FloatRange(0, 1),
              help=_h("任一渠道同源率低于该值时退出码为 1（CI 门禁）。", "Exit 1 when any channel's same-source rate is below this."))
@_FAIL_ON
@_SEVERITY
@_LIMIT
@_QUIET
def sources(reference, others, key, fields, pairs, fmt, output, lang, sheet, encoding, min_rate, fail_on, severity, limit,
            quiet):
    from validators.channels.fields import parse_fields
    from validators.channels.run import compare_sources

    if fmt in ("xlsx", "csv") and not output:
        raise click.UsageError(f"--format {fmt} 需要 --output 文件名")
    try:
        wanted = parse_fields(fields)
    except ValueError as exc:
        raise click.BadParameter(f"未知要素 {exc}", param_hint="--fields") from None
    sev = _parse_severity(severity)

    def work():
        with Progress(not quiet) as progress:
            result = compare_sources(reference, list(others), key=key, fields=wanted, sheet=sheet,
                                     encoding=encoding, progress=progress, pairs=bool(pairs))
        result.report.severity_overrides.update(sev)
        gate = _rate_gate("sources", result, min_rate)
        from validators.channels import writers

        if pairs:
            writers.write_pairs(result, pairs, lang=lang)
        if fmt == "xlsx":
            writers.write_xlsx(result, output, lang=lang)
        elif fmt == "csv":
            writers.write_csv(result, output, lang=lang)
        elif fmt == "table":
            if output:
                _emit(writers.sources_text(result, lang=lang, limit=limit), output)
            else:
                writers.print_sources(result, lang=lang, limit=limit)
        else:
            _export(result.report, fmt, lang, output, limit, encoding)
        return result, gate

    result, gate = _guarded(lang, work)
    sys.exit(outcome(result.report, lang=lang, fmt=fmt, output=output, fail_on=fail_on, quiet=quiet, gate=gate))


@main.command(help=_h("将办件数据（GB/T 39046-2020 表5/表6/表8 要素）与实施清单比对：办件信息与事项关联比率、"
                      "超期与临近时限（按中国法定工作日）、即办件、收费和时间先后。个人信息不出现在任何输出中。",
                      "Check case records (GB/T 39046-2020 tables 5/6/8) against the implementation list: link "
                      "rate, overdue and near-deadline cases in Chinese working days, instant cases, fees and "
                      "date order. Personal data appears in no output.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck cases catalogs/case_sample.csv --catalog catalogs/case_catalog_sample.csv --as-of 2026-03-31
  sxcheck cases 办件.xlsx --catalog 实施清单.xlsx --min-link-rate 0.95 --format json -o cases.json
  sxcheck cases 办件.csv --catalog 实施清单.csv --format xlsx -o 办件问题.xlsx
""")
@click.argument("cases", nargs=-1, required=True, type=click.Path())
@click.option("--catalog", "catalogs", multiple=True, required=True, type=click.Path(),
              help=_h("实施清单文件（CSV/XLSX/JSON，可多次给出），办件据此关联事项和时限。",
                      "Implementation-list file(s) (CSV/XLSX/JSON; repeatable) the cases link to."))
@click.option("--as-of", help=_h("判断未办结办件是否超期的日期 YYYY-MM-DD（默认今天）。",
                                 "Day open cases are judged on, YYYY-MM-DD (default: today)."))
@click.option("--near-days", type=click.IntRange(min=0), default=3, show_default=True,
              help=_h("未办结办件剩余不超过该工作日数时给出临近时限预警。",
                      "Warn about open cases with at most this many working days left."))
@click.option("--min-link-rate", type=click.FloatRange(0, 1),
              help=_h("办件信息与事项关联比率低于该值时退出码为 1（CI 门禁）。",
                      "Exit 1 when the case link rate is below this (CI gate)."))
@click.option("--catalog-encoding", help=_h("实施清单 CSV/JSON 的编码（默认自动识别）。",
                                            "Encoding of the catalog CSV/JSON (default: detect)."))
@_FORMAT
@_OUTPUT
@_LANG
@_FAIL_ON
@_SHEET
@_ENCODING
@_SEVERITY
@_LIMIT
@_QUIET
def cases(cases, catalogs, as_of, near_days, min_link_rate, catalog_encoding, fmt, output, lang, fail_on,
          sheet, encoding, severity, limit, quiet):
    from validators import check_cases as run

    _check_usage(lang, fmt, output)
    if as_of is not None:
        from validators.caserecords.dates import parse_day

        if parse_day(as_of) is None:
            raise click.BadParameter(f"{as_of!r}：应为日期 YYYY-MM-DD", param_hint="--as-of")
    sev = _parse_severity(severity)

    def work():
        with Progress(not quiet) as progress:
            report = run(list(cases), list(catalogs), as_of=as_of, near_days=near_days, sheet=sheet,
                         encoding=encoding, catalog_encoding=catalog_encoding, severity=sev,
                         progress=progress)
        gate = _rate_gate("cases", report, min_link_rate, option="--min-link-rate")
        _export(report, fmt, lang, output, limit, encoding)
        return report, gate

    report, gate = _guarded(lang, work)
    sys.exit(outcome(report, lang=lang, fmt=fmt, output=output, fail_on=fail_on, quiet=quiet, gate=gate))


@main.command(help=_h("按单位（实施主体、任一列或区划）计算办事指南准确度等指数、综合得分、等级和排名。",
                      "Score each unit (实施主体, any column or a region): guide accuracy and the other indices, "
                      "a composite out of 100, tiers and ranks.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck score catalogs/sample_guides.xlsx
  sxcheck score guides.csv --by-region 4 --format html -o 评估.html
  sxcheck score guides.csv --base catalogs/national_base_sample.csv --format json -o score.json
  sxcheck score guides.csv --weights my_weights.json --format xlsx -o 排名.xlsx
""")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--base", type=click.Path(), help=_h("国家基本目录文件：加算基本目录符合率、实施清单符合率、认领覆盖率。",
                      "The national base catalog: adds the conformity rates and claim coverage."))
@click.option("--base-encoding", help=_h("国家基本目录 CSV/JSON 的编码（默认自动识别）。",
                                        "Encoding of the base catalog CSV/JSON (default: detect)."))
@click.option("--by", "by", metavar="FIELD", help=_h("按该列评分（默认 实施主体；如 区划、部门、行政区划代码）。",
                      "Score per value of this column (default 实施主体; e.g. 区划, 部门, 行政区划代码)."))
@click.option("--by-region", type=click.Choice(["2", "4", "6"]),
              help=_h("按区划代码前 N 位评分（取自实施主体编码/实施编码中的统一社会信用代码）：2 省、4 市、6 县。",
                      "Score per region: the first N digits of the region code in the USCC of 实施主体编码 / "
                      "实施编码 (2 province, 4 prefecture, 6 county)."))
@click.option("--weights", type=click.Path(exists=True, dir_okay=False),
              help=_h("权重与等级分数线 JSON 文件（格式同 schemas/score_weights.json，可只写要改的键）。",
                      "Weights and tier cut-offs (JSON shaped like schemas/score_weights.json; give only the "
                      "keys you change)."))
@click.option("--format", "fmt", type=click.Choice(SCORE_FORMATS), default="table", show_default=True,
              help=_h("输出格式：终端表格、JSON、CSV、离线 HTML 报告、Excel。",
                      "Output format: terminal table, JSON, CSV, offline HTML report, Excel."))
@_OUTPUT
@_LANG
@_SHEET
@_ENCODING
@_SEVERITY
@_QUIET
@click.option("--revoked", "revoked", is_flag=True,
              help=_h("同时检查已取消/下放的行政许可，按单位给出件数（见 sxcheck revoked）。",
                      "Also check cancelled and delegated permits and count them per unit (see sxcheck revoked)."))
@click.option("--revoked-registry", multiple=True, type=click.Path(),
              help=_h("与 --revoked 同用：追加的决定登记表（目录或 .toml 文件，可多次）。",
                      "With --revoked: extra decision registry (folder or .toml, repeatable)."))
@_PERMIT_LIST
@click.option("--channel", "channels", multiple=True, type=click.Path(),
              help=_h("其他渠道（App、大厅等）导出的同一批事项，可多次：按实施主体加算同源率（见 sxcheck sources）。",
                      "Another channel's export of the same items (repeatable): adds the same-source rate per "
                      "实施主体 (see sxcheck sources)."))
def score(paths, base, base_encoding, by, by_region, weights, fmt, output, lang, sheet, encoding, severity, quiet,
          revoked, revoked_registry, permit_list, channels):
    from validators.scoring.weights import load_weights

    _check_usage(lang, fmt, output)
    if by and by_region:
        raise click.UsageError("--by 与 --by-region 只能选一个")
    if (revoked_registry or permit_list) and not revoked:
        raise click.UsageError("--revoked-registry / --permit-list 需要与 --revoked 一起使用")
    if revoked and base:
        raise click.UsageError("--revoked 与 --base 暂不能同用")
    rev = {"registry": list(revoked_registry), "permit_list": permit_list} if revoked else None
    if channels and (len(paths) != 1 or by_region or (by and by not in ("实施主体", "implementing_body"))):
        raise click.UsageError("--channel 需要单个参照文件并按实施主体评分")
    try:
        w = load_weights(weights)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--weights") from None
    if by:
        from validators.scoring.tally import resolve_by

        try:
            resolve_by(by)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--by") from None
    sev = _parse_severity(severity)

    def work():
        from validators.scoring.run import score as run

        with Progress(not quiet) as progress:
            result = run(list(paths), base=base, by=by, by_region=int(by_region) if by_region else None,
                         weights=w, sheet=sheet, encoding=encoding, base_encoding=base_encoding,
                         severity=sev, progress=progress, revoked=rev, channels=channels)
        _export_score(result, fmt, lang, output)
        return result

    _guarded(lang, work)
    sys.exit(EXIT_OK)


def _export_score(result, fmt: str, lang: str, output: str | None) -> None:
    import io

    from validators.exporters import score as out

    if fmt == "xlsx":
        out.write_xlsx(result, output, lang=lang)
        return
    if fmt == "html":
        from validators.exporters.html import score_html

        _emit(score_html(result, lang=lang), output)
        return
    if fmt == "table" and not output:
        out.print_score(result, lang=lang)
        return
    buf = io.StringIO()
    {"json": out.write_json, "csv": out.write_csv, "table": lambda r, fh, lang: out.print_score(r, lang=lang, file=fh)}[fmt](result, buf, lang=lang)
    if fmt == "csv" and output:
        with open(output, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(buf.getvalue())
        return
    _emit(buf.getvalue().rstrip("\n"), output)


@main.command(help=_h("启动本机网页：上传文件即可检查，查看、筛选问题并下载标注版 Excel（需 sxcheck[serve]）。",
                      "Start a local web page: upload a file, browse and filter the findings, download the "
                      "annotated Excel (needs sxcheck[serve]).") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck serve
  sxcheck serve --port 8080 --max-upload-mb 500
  sxcheck serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"
""")
@click.option("--host", default="127.0.0.1", show_default=True,
              help=_h("监听地址；非本机回环地址时必须给出 --token。", "Address to bind; any non-loopback address needs --token."))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help=_h("端口。", "Port."))
@click.option("--max-upload-mb", type=click.FloatRange(min=0, min_open=True), default=200, show_default=True,
              help=_h("上传大小上限（MB），超过返回 413。", "Upload size limit in MB; larger uploads get 413."))
@click.option("--token", envvar="SXCHECK_TOKEN",
              help=_h("访问令牌（也可设环境变量 SXCHECK_TOKEN）：每个请求须带 Authorization: Bearer 令牌，或先打开 /?token=令牌。",
                      "Access token (or SXCHECK_TOKEN): every request carries Authorization: Bearer TOKEN, or "
                      "opens /?token=TOKEN first."))
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help=_h("同时运行的检查任务数（默认：CPU 核数），其余排队。", "Checks run at once (default: cores); the rest queue."))
@click.option("--ttl-minutes", type=click.FloatRange(min=0, min_open=True), default=60, show_default=True,
              help=_h("结果和上传文件保留的分钟数，到期删除。", "Minutes results and uploads are kept before deletion."))
@_LANG
def serve(host, port, max_upload_mb, token, jobs, ttl_minutes, lang):
    import importlib.util
    import ipaddress

    if any(importlib.util.find_spec(m) is None for m in ("starlette", "uvicorn", "python_multipart", "jinja2")):
        _fail(_say(lang, "sxcheck serve 需要网页组件，未安装：请运行 pip install 'sxcheck[serve]'",
                   "sxcheck serve needs the web extra, which is not installed: pip install 'sxcheck[serve]'"), EXIT_USAGE)
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not token:
        _fail(_say(lang, f"监听非本机地址 {host} 时必须给出 --token（或环境变量 SXCHECK_TOKEN）",
                   f"binding to the non-loopback address {host} needs --token (or SXCHECK_TOKEN)"), EXIT_USAGE)
    from validators.web.server import run_server

    run_server(host=host, port=port, max_upload_mb=max_upload_mb, token=token, jobs=jobs or os.cpu_count() or 1,
               ttl_minutes=ttl_minutes, lang=lang)


@main.command(help=_h("按配置文件（sxcheck.toml 或 pyproject.toml 的 [tool.sxcheck]）一次运行全部检查，写出全部报告，"
                      "对照基线和豁免，判定门禁。",
                      "Run every configured check in one pass (sxcheck.toml or [tool.sxcheck] in pyproject.toml), "
                      "write every configured report, apply the baseline and waivers, and decide the gates.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck init
  sxcheck check
  sxcheck check --write-baseline
  sxcheck check --changed-since origin/main --output-dir reports/
""")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help=_h("配置文件（默认当前目录的 sxcheck.toml，或带 [tool.sxcheck] 的 pyproject.toml）。",
                      "Configuration file (default: sxcheck.toml in the current directory, or pyproject.toml "
                      "with [tool.sxcheck])."))
@click.option("--output-dir", type=click.Path(file_okay=False),
              help=_h("报告写入该目录（默认配置文件所在目录）。", "Write the reports here (default: beside the configuration)."))
@click.option("--write-baseline", is_flag=True,
              help=_h("把当前全部发现记为基线（.sxcheck-baseline.json），之后只有新发现使检查失败。",
                      "Record every current finding as the baseline; later runs fail only on new findings."))
@click.option("--baseline", type=click.Path(dir_okay=False),
              help=_h("基线文件（默认配置文件旁的 .sxcheck-baseline.json）。",
                      "Baseline file (default: .sxcheck-baseline.json beside the configuration)."))
@click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH",
              help=_h("另外写出该格式的报告（可多次），如 --report sarif=out.sarif。",
                      "Also write this report (repeatable), e.g. --report sarif=out.sarif."))
@click.option("--no-outputs", is_flag=True,
              help=_h("不写配置的 outputs 报告文件（如 pre-commit 钩子）。",
                      "Do not write the configured report files (e.g. in a pre-commit hook)."))
@click.option("--changed-since", metavar="REV",
              help=_h("只检查自该 git 版本以来改动的输入文件。", "Check only the inputs changed in git since REV."))
@_SELECT
@_IGNORE
@_PER_FILE
@click.option("--format", "fmt", type=click.Choice(FORMATS[:6]), default="table", show_default=True,
              help=_h("标准输出的格式（配置的 outputs 另外写入文件）。",
                      "Format on standard output (the configured outputs are written as well)."))
@_LANG
@_LIMIT
@_QUIET
def check(paths, config_path, output_dir, write_baseline, baseline, reports, no_outputs, changed_since, select,
          ignore, per_file, fmt, lang, limit, quiet):
    from pathlib import Path

    extra_reports = []
    for spec in reports:
        rfmt, _, rpath = spec.partition("=")
        if rfmt not in FORMATS[1:] or not rpath:
            raise click.BadParameter(f"{spec!r}: FORMAT=PATH, FORMAT = {' | '.join(FORMATS[1:])}",
                                     param_hint="--report")
        extra_reports.append((rfmt, rpath))

    if write_baseline and (paths or changed_since):
        raise click.UsageError(_say(lang, "--write-baseline 需检查全部输入（不能与文件参数或 --changed-since 同用）",
                                    "--write-baseline needs a run over every input (no PATHS, no --changed-since)"))
    from validators.gate.config import find_config, load_config
    from validators.read import InputError

    def work():
        path = config_path or find_config(".")
        if path is None:
            raise InputError("config-not-found", os.getcwd())
        cfg = load_config(path)
        nonlocal lang
        if cfg.lang and click.get_current_context().get_parameter_source("lang").name == "DEFAULT":
            lang = cfg.lang
        from validators.gate.run import check as run

        with Progress(not quiet) as progress:
            result = run(cfg, paths=list(paths) or None, changed_since=changed_since,
                         select=list(select) or None, ignore=list(ignore) or None, per_file=per_file,
                         write_baseline=write_baseline, baseline=baseline, progress=progress)
        out_dir = Path(output_dir) if output_dir else cfg.root
        written = []
        configured = [] if no_outputs else [(f, out_dir / p) for f, p in cfg.outputs.items()]
        for ofmt, target in configured + [(f, Path(p)) for f, p in extra_reports]:
            target.parent.mkdir(parents=True, exist_ok=True)
            _export(result.report, ofmt, lang, str(target), limit)
            written.append(f"{target} ({ofmt})")
        _export(result.report, fmt, lang, None, limit)
        return result, written

    result, written = _guarded(lang, work)
    if not quiet:
        for line in written:
            click.echo(_say(lang, f"已写入 {line}", f"wrote {line}"), err=True)
        for line in _gate_notes(result.report.extra, lang):
            click.echo(line, err=True)
    sys.exit(outcome(result.report, lang=lang, fmt=fmt, output=None, fail_on=result.fail_on, quiet=quiet,
                     gates=result.gates))


def _gate_notes(extra: dict, lang: str) -> list[str]:
    """What check did besides the findings: scope, skipped capabilities, baseline and waivers."""
    out = []
    sc = extra.get("scope") or {}
    if sc.get("changed_since"):
        out.append(_say(lang, f"--changed-since {sc['changed_since']}：检查 {sc['checked']}/{sc['inputs']} 个改动的文件",
                        f"--changed-since {sc['changed_since']}: {sc['checked']} of {sc['inputs']} files changed"))
    if sc.get("catalog_wide") == "whole-catalog":
        out.append(_say(lang, "清单级检查（重复编码、期望、符合率）在全部输入上运行，只列出改动文件中的行级发现",
                        "catalog-wide checks (duplicates, expectations, conformity) ran on the whole catalog; "
                        "row findings are listed for the changed files only"))
    for s in extra.get("skipped", []):
        out.append(_say(lang, f"已跳过 {s['label_zh']}（{s['config_key']}）：{s['reason_zh']}",
                        f"skipped {s['label_en']} ({s['config_key']}): {s['reason_en']}"))
    b = extra.get("baseline")
    if b and "written" in b:
        out.append(_say(lang, f"已写入基线 {b['file']}：{b['written']:,} 条发现",
                        f"wrote baseline {b['file']}: {b['written']:,} findings"))
    elif b:
        fixed = "—" if b["fixed"] is None else f"{b['fixed']:,}"
        out.append(_say(lang, f"基线 {b['file']}：新增 {b['new']:,} 条，已知 {b['known']:,} 条，已修复 {fixed} 条",
                        f"baseline {b['file']}: {b['new']:,} new, {b['known']:,} known, {fixed} fixed"))
    w = extra.get("waivers")
    if w:
        out.append(_say(lang, f"豁免 {w['file']}：接受 {w['accepted']:,} 条发现，过期 {w['expired']} 条，未用 {w['unused']} 条",
                        f"waivers {w['file']}: {w['accepted']:,} findings accepted, {w['expired']} expired, "
                        f"{w['unused']} unused"))
    return out


@main.command(help=_h("在当前目录写出带注释的 sxcheck.toml 起始配置（已存在则不覆盖）。",
                      "Write a commented starter sxcheck.toml in the current directory (never overwrites)."))
@_LANG
def init(lang):
    from pathlib import Path

    from validators.gate.config import CONFIG_NAME, STARTER

    target = Path(CONFIG_NAME)
    if target.exists():
        _fail(_say(lang, f"{CONFIG_NAME} 已存在，未覆盖", f"{CONFIG_NAME} exists, not overwritten"), EXIT_USAGE)
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(STARTER)
    click.echo(_say(lang, f"已写入 {CONFIG_NAME}：编辑 inputs 后运行 sxcheck check",
                    f"wrote {CONFIG_NAME}: edit inputs, then run sxcheck check"), err=True)


@main.command(help=_h("列出全部规则代码、级别和标题。", "List every rule code, level and title.") + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck rules
  sxcheck rules --category clarity --lang en
""")
@_LANG
@click.option("--category", help=_h("只列出该类别（input element code rule clarity catalog conformity certification revoked sources）。", "List only this category."))
def rules(lang, category):
    from validators.exporters.terminal import print_rules

    print_rules(lang=lang, category=category)


@main.command(help=_h("解释一条规则（依据、消息和修改建议），或一个主题（conform：符合率的定义；cases：办件关联比率与时限）。",
                      "Explain a rule (basis, message, fix hint) or a topic (conform: the conformity definitions; "
                      "cases: link rate and deadlines).")
              + """

\b
""" + _h("示例", "Examples") + """:
  sxcheck explain uscc-check-digit
  sxcheck explain handling-hours-unclear --lang en
  sxcheck explain conform --full
  sxcheck explain cases
  sxcheck explain score
""")
@click.argument("code")
@click.option("--full", is_flag=True, help=_h("主题的完整文档（conform：符合率定义全文）。",
                                              "A topic's whole document (conform: the full definitions)."))
@_LANG
def explain(code, lang, full):
    from validators.exporters.terminal import print_explain, print_topic
    from validators.report.messages import catalog, rule_meta

    if code in catalog(lang).get("topics", {}):
        print_topic(code, lang=lang, full=full)
        return
    if code not in rule_meta():
        raise click.BadParameter(f"未知规则代码 {code!r}；用 sxcheck rules 查看全部代码", param_hint="CODE")
    print_explain(code, lang=lang)


if __name__ == "__main__":  # pragma: no cover
    main()
