"""Jobs: one upload checked by one library call in a bounded worker pool.

Each job owns a private temporary directory (the upload, the base catalog or lists it came with,
and the reports written from it) that is deleted when the job's results expire.  Jobs are found
only by an unguessable id (``secrets.token_urlsafe``).  At most ``workers`` jobs run at once;
the others wait in the pool's queue.  The library is imported inside the job, never at start.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COMMANDS = ("validate", "conform", "revoked", "certificates", "sources", "cases")


def have_sources() -> bool:
    """The cross-channel comparison (``validators.channels``) is installed."""
    import importlib.util

    return importlib.util.find_spec("validators.channels") is not None
REPO_CATALOGS = Path(__file__).resolve().parents[2] / "catalogs"
BUNDLED_BASE = REPO_CATALOGS / "national_base_sample.csv"


@dataclass
class Options:
    """What a job runs with: the CLI's options as the form sends them (already checked)."""
    command: str = "validate"
    lang: str = "zh"
    sheet: str | None = None
    encoding: str | None = None
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "error"
    # conform
    base_encoding: str | None = None
    level: str | None = None
    match_threshold: int = 95
    review_threshold: int = 80
    min_rate: float | None = None
    # revoked
    region: str | None = None
    # sources
    key: str = "auto"
    fields: list[str] | None = None
    # cases
    as_of: str | None = None
    near_days: int = 3
    # validate add-ons
    with_revoked: bool = False
    with_certificates: bool = False


@dataclass
class Job:
    id: str
    dir: Path
    options: Options
    files: dict[str, Any]                 # form field → uploads.Upload
    status: str = "queued"                # queued → running → done | failed
    created: float = field(default_factory=time.time)
    finished: float | None = None
    rows: int = 0
    bytes_done: int | None = None
    bytes_total: int | None = None
    error: str | None = None
    summary: dict | None = None
    exit_code: int | None = None
    report: Any = None                    # validators.report.Report, kept until the job expires
    row_index: dict = field(default_factory=dict)   # rows with findings: key → (offset, length)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done_event: threading.Event = field(default_factory=threading.Event)

    @property
    def input_path(self) -> Path:
        return self.files["file"].path

    def rename(self) -> dict[str, str]:
        """Stored path → the user's file name, for everything the user sees: full paths first, then
        the generated base names (some messages cite a file by its base name)."""
        out = {str(u.path): u.name for u in self.files.values()}
        out.update({u.path.name: u.name for u in self.files.values() if u.path.parent == self.dir})
        return out

    def public(self) -> dict:
        """The job's status as the API returns it."""
        out = {"job": self.id, "status": self.status, "command": self.options.command,
               "file": self.files["file"].name if "file" in self.files else None,
               "progress": {"rows": self.rows, "bytes_done": self.bytes_done, "bytes_total": self.bytes_total},
               "created": self.created, "finished": self.finished}
        if self.status == "failed":
            out["error"] = self.error
        if self.status == "done":
            out["summary"] = self.summary
            out["exit_code"] = self.exit_code
            base = f"/api/jobs/{self.id}"
            out["downloads"] = {"json": f"{base}/report.json", "xlsx": f"{base}/report.xlsx"}
            if html_exporter() is not None:
                out["downloads"]["html"] = f"{base}/report.html"
        return out

    # ------------------------------------------------------------------ running
    def progress(self, source=None, rows=0, done=None, total=None, *_rest) -> None:
        self.rows, self.bytes_done, self.bytes_total = int(rows or 0), done, total

    def run(self) -> None:
        from validators.read import InputError
        from validators.report.messages import input_message

        self.status = "running"
        lang = self.options.lang
        try:
            report, gate_ok = self._call()
            self.report = report
            self.summary = report.summary()
            self.exit_code = 1 if report.fails(self.options.fail_on) or not gate_ok else 0
            self.write_json(lang)
            from validators.web.rowvalues import capture

            # case records hold personal data (applicants, ID numbers): their rows are never shown
            self.row_index = capture(self, self.dir, rows=self.options.command != "cases")
            self.status = "done"
        except InputError as exc:
            self.error = self._shown(exc.render(lang))
            self.status = "failed"
        except OSError as exc:
            self.error = self._shown(input_message("io-error", lang, source=self.files["file"].name,
                                                   detail=exc.strerror or str(exc)))
            self.status = "failed"
        except Exception as exc:  # noqa: BLE001 — the server keeps serving; the user gets one line, never a traceback
            self.error = self._shown(input_message("internal", lang, detail=f"{type(exc).__name__}: {exc}"))
            self.status = "failed"
        finally:
            self.finished = time.time()
            self.done_event.set()

    def _shown(self, message: str) -> str:
        """A message with the job's stored paths replaced by the user's file names."""
        for path, name in self.rename().items():
            message = message.replace(path, name)
        return message

    @staticmethod
    def observers() -> list:
        """The rows behind the findings, kept during the scan for the annotated workbook's 标注
        sheets and the HTML report's 实施主体 filter (bounded by MarkedRows)."""
        from validators.report.marked import MarkedRows

        return [MarkedRows(unit_field="implementing_body")]

    def _call(self):
        o = self.options
        path = str(self.input_path)
        other = {k: str(u.path) for k, u in self.files.items() if k != "file"}
        common = {"sheet": o.sheet, "encoding": o.encoding, "severity": o.severity}
        if o.command == "validate":
            from validators import validate

            rev = {"registry": [], "permit_list": other.get("permit_list")} if o.with_revoked else None
            report = validate([path], progress=self.progress, revoked=rev, observers=self.observers(), **common)
            if o.with_certificates:
                from validators.certification.run import add_certificates

                add_certificates(report, [path], kept_list=other.get("kept_list"), sheet=o.sheet,
                                 encoding=o.encoding)
            return report, True
        if o.command == "conform":
            from validators import conform
            base = other.get("base") or str(BUNDLED_BASE)
            result = conform([path], base, level=o.level, match_threshold=o.match_threshold,
                             review_threshold=o.review_threshold, progress=self.progress,
                             base_encoding=o.base_encoding, observers=self.observers(), **common)
            if "base" not in other:
                self.files["_base"] = _Bundled(BUNDLED_BASE)
            return result.report, self._gate("conform", result)
        if o.command == "revoked":
            from validators import revoked

            report = revoked([path], permit_list=other.get("permit_list"), region=o.region,
                             match_threshold=o.match_threshold, review_threshold=o.review_threshold,
                             progress=self.progress, **common)
            return report, True
        if o.command == "certificates":
            from validators.certification import check_certificates

            report = check_certificates([path], kept_list=other.get("kept_list"),
                                        match_threshold=o.match_threshold,
                                        review_threshold=o.review_threshold, **common)
            return report, True
        if o.command == "sources":
            from validators.channels.run import compare_sources

            channels = [str(u.path) for k, u in self.files.items() if k.split("#")[0] == "channel"]
            result = compare_sources(path, channels, key=o.key, fields=o.fields, sheet=o.sheet,
                                     encoding=o.encoding, progress=self.progress)
            result.report.severity_overrides.update(o.severity)     # as `sxcheck sources` does
            return result.report, self._gate("sources", result)
        if o.command == "cases":
            from validators.caserecords.run import check_cases

            catalogs = [str(u.path) for k, u in self.files.items() if k.split("#")[0] == "catalog"]
            report = check_cases([path], catalogs, as_of=o.as_of, near_days=o.near_days,
                                 progress=self.progress, **common)
            return report, self._gate("cases", report)
        raise ValueError(o.command)

    def _gate(self, command: str, result) -> bool:
        """Whether the job's --min-rate gate passes (True without one), recorded in the report."""
        if self.options.min_rate is None:
            return True
        from validators.gate.rates import rate_gate

        return rate_gate(command, result, self.options.min_rate)["passed"]

    # ------------------------------------------------------------- artefacts
    def write_json(self, lang: str) -> Path:
        """The JSON report of ``sxcheck <command> --format json`` in ``lang``, written once."""
        from validators.exporters.json_report import write_json

        path = self.dir / f"report.{'en' if lang == 'en' else 'zh'}.json"
        with self.lock:
            if not path.exists():
                tmp = path.with_suffix(".part")
                with open(tmp, "w", encoding="utf-8") as fh:
                    write_json(self.report, fh, lang=lang, rename=self.rename())
                tmp.replace(path)
        return path

    def limited_dict(self, lang: str, limit: int) -> dict:
        """The JSON report with at most ``limit`` findings (``findings_truncated`` says so)."""
        from validators.exporters.json_report import _renamed

        with self.lock:
            doc = self.report.to_dict(lang, limit=limit)
        return _renamed(doc, self.rename())

    def write_xlsx(self, lang: str) -> Path:
        from validators.exporters.xlsx import write_xlsx

        path = self.dir / f"report.{'en' if lang == 'en' else 'zh'}.xlsx"
        with self.lock:
            if not path.exists():
                tmp = self.dir / f"part-{path.name}"
                write_xlsx(self.report, str(tmp), lang=lang, min_rate=self.options.min_rate, rename=self.rename())
                tmp.replace(path)
        return path

    def write_html(self, lang: str) -> Path | None:
        """The offline HTML report (``--format html``) when that exporter is installed."""
        mod = html_exporter()
        render = mod and (getattr(mod, "report_html", None) or getattr(mod, "to_html", None))
        if render is None:
            return None
        path = self.dir / f"report.{'en' if lang == 'en' else 'zh'}.html"
        with self.lock:
            if not path.exists():
                text = render(self.report, lang=lang)
                # the page embeds names in HTML text and in a JSON block: the user's names go in
                # without the characters either could read as markup or as the end of a string
                for stored, name in self.rename().items():
                    text = text.replace(stored, re.sub(r"[<>&\"'\\]", "_", name))
                tmp = self.dir / f"part-{path.name}"
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
        return path


@dataclass
class _Bundled:
    """The bundled base sample standing in for an uploaded base (shown by its own name)."""
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


def html_exporter():
    """``validators.exporters.html`` when that exporter is installed, else None."""
    import importlib.util

    if importlib.util.find_spec("validators.exporters.html") is None:
        return None
    import importlib

    return importlib.import_module("validators.exporters.html")


class JobStore:
    """The jobs of one server: creation, lookup by id, the worker pool and expiry."""

    def __init__(self, workers: int, ttl_seconds: float, root: Path | None = None):
        self.ttl = float(ttl_seconds)
        if root:
            os.makedirs(root, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix="sxcheck-serve-", dir=root))   # mode 0700
        self.pool = ThreadPoolExecutor(max_workers=max(1, int(workers)), thread_name_prefix="sxcheck-job")
        self.workers = max(1, int(workers))
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def new_dir(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="job-", dir=self.root))

    def submit(self, directory: Path, options: Options, files: dict) -> Job:
        job = Job(secrets.token_urlsafe(24), directory, options, files)
        with self._lock:
            self.jobs[job.id] = job
        self.pool.submit(job.run)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self.jobs.get(job_id)

    def queued_before(self, job: Job) -> int:
        with self._lock:
            return sum(1 for j in self.jobs.values() if j.status == "queued" and j.created < job.created)

    def queued(self) -> int:
        with self._lock:
            return sum(1 for j in self.jobs.values() if j.status == "queued")

    def running(self) -> int:
        with self._lock:
            return sum(1 for j in self.jobs.values() if j.status == "running")

    def sweep(self, now: float | None = None) -> int:
        """Delete finished jobs older than the time to live, and their directories."""
        now = time.time() if now is None else now
        with self._lock:
            old = [j for j in self.jobs.values() if j.finished is not None and now - j.finished >= self.ttl]
            for j in old:
                del self.jobs[j.id]
        for j in old:
            shutil.rmtree(j.dir, ignore_errors=True)
            j.report = None
        return len(old)

    def discard(self, directory: Path) -> None:
        """An upload that never became a job (rejected, too large)."""
        shutil.rmtree(directory, ignore_errors=True)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
