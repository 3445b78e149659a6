"""The Starlette application of ``sxcheck serve``: the page, the JSON API and the token guard.

Routes: ``GET /`` (the page), ``GET /static/…``, ``GET /healthz``, ``GET /api/rules``,
``POST /api/{validate,conform,revoked,certificates,sources,cases}`` (multipart: ``file`` plus the CLI's
options as form fields; ``sources`` takes the reference as ``file`` and each channel as ``channel``;
``cases`` the case records as ``file``, each 实施清单 as ``catalog``, and ``as_of``, ``near_days``), ``GET /api/jobs/{id}`` (status), ``GET /api/jobs/{id}/events`` (the status as
server-sent events), ``GET /api/jobs/{id}/report.json|report.xlsx|report.html|rows.json`` and
``GET /api/jobs/{id}/row?sheet=…&row=…`` (one row's values).  A POST waits up to ``wait`` seconds
(form field or query; default 30, the page sends 0): finished by then, it answers 200 with the report of ``sxcheck <command>
--format json`` (or 422 with the one-line input error); otherwise 202 with the job's status.
"""
from __future__ import annotations

import asyncio
import codecs
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from validators.web import uploads
from validators.web.jobs import BUNDLED_BASE, COMMANDS, JobStore, Options, have_sources

HERE = Path(__file__).resolve().parent
COOKIE = "sxcheck_token"
DATA_FIELDS = {"file", "base", "permit_list", "kept_list"}
DATA_EXT = {".xlsx", ".xlsm", ".xls", ".csv", ".tsv", ".json", ".jsonl"}
LIST_EXT = DATA_EXT | {".txt"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_mb: float = 200
    token: str | None = None
    jobs: int = os.cpu_count() or 1
    ttl_minutes: float = 60
    root: str | None = None          # where job directories go (default: a new temporary directory)
    # Host headers accepted (None: any).  On loopback only the machine's own names are, so a web
    # page elsewhere cannot reach the server through a name it resolves to 127.0.0.1 (DNS rebinding).
    allowed_hosts: tuple[str, ...] | None = None
    max_queued: int = 100            # jobs waiting beyond this get 503

    @property
    def limit(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def ui_strings() -> dict:
    with open(HERE / "ui.json", encoding="utf-8") as fh:
        return json.load(fh)


class OptionError(Exception):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params


def _say(ui: dict, lang: str, key: str, **params) -> str:
    text = ui["en" if lang == "en" else "zh"][f"err_{key}"]
    return text.format(**params)


class TokenGuard:
    """Every request carries the token: ``Authorization: Bearer …``, the cookie, or ``?token=``
    (a page request with ``?token=`` sets the cookie and is redirected without it)."""

    def __init__(self, app, token: str, ui: dict):
        self.app, self.token, self.ui = app, token.encode(), ui

    def _ok(self, value: str | None) -> bool:
        return bool(value) and secrets.compare_digest(value.encode(), self.token)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and self._ok(auth[7:].strip()):
            return await self.app(scope, receive, send)
        cookies = {}
        for part in headers.get("cookie", "").split(";"):
            k, _, v = part.strip().partition("=")
            cookies[k] = v
        if self._ok(cookies.get(COOKIE)):
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if self._ok((query.get("token") or [None])[-1]):
            if scope["method"] == "GET" and scope["path"] == "/":
                rest = "&".join(f"{k}={v}" for k, vs in query.items() if k != "token" for v in vs)
                resp = RedirectResponse("/" + (f"?{rest}" if rest else ""), status_code=303)
                resp.set_cookie(COOKIE, self.token.decode(), httponly=True, samesite="strict")
                return await resp(scope, receive, send)
            return await self.app(scope, receive, send)
        message = _say(self.ui, "zh", "unauthorized") + " / " + _say(self.ui, "en", "unauthorized")
        if scope["path"].startswith("/api/"):
            resp = JSONResponse({"error": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        else:                          # a person at the page reads one line, in both languages
            resp = PlainTextResponse(message, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return await resp(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def send_with(message):
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store")]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with if scope["type"] == "http" else send)


def build_app(config: ServeConfig) -> Starlette:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from validators import __version__

    ui = ui_strings()
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    page = env.get_template("index.html")
    store = JobStore(config.jobs, config.ttl_minutes * 60, config.root)

    def lang_of(request: Request, form=None) -> str:
        lang = (form.get("lang") if form else None) or request.query_params.get("lang") or \
            request.cookies.get("sxcheck_lang") or "zh"
        return "en" if lang == "en" else "zh"

    async def index(request: Request):
        lang = lang_of(request)
        t = ui[lang]
        html = page.render(lang=lang, t=t, ui_json=json.dumps(t, ensure_ascii=False),
                           mb=int(config.max_upload_mb), ttl=int(config.ttl_minutes), version=__version__,
                           bundled_base=BUNDLED_BASE.exists(), sources=have_sources(),
                           other_lang="zh" if lang == "en" else "en")
        resp = Response(html, media_type="text/html; charset=utf-8")
        if "lang" in request.query_params:
            resp.set_cookie("sxcheck_lang", lang, samesite="strict")
        return resp

    async def healthz(request: Request):
        return JSONResponse({"status": "ok", "version": __version__, "jobs": len(store.jobs),
                             "running": store.running(), "workers": store.workers})

    async def rules(request: Request):
        lang = lang_of(request)

        def build():
            from validators.report.messages import rule_meta, rule_text

            return [{"code": code, **{k: meta[k] for k in ("severity", "category", "basis")},
                     "title": rule_text(code, lang)["title"]} for code, meta in sorted(rule_meta().items())]

        return JSONResponse({"lang": lang, "rules": await run_in_threadpool(build)})

    async def submit(request: Request):
        command = request.path_params["command"]
        if command not in COMMANDS or (command == "sources" and not have_sources()):
            return JSONResponse({"error": "not found"}, status_code=404)
        qlang = lang_of(request)
        directory = store.new_dir()
        try:
            form = await uploads.receive_form(request.headers, request.stream(), directory, config.limit)
        except uploads.TooLarge:
            store.discard(directory)
            return JSONResponse({"error": _say(ui, qlang, "too-large", mb=int(config.max_upload_mb))},
                                status_code=413, headers={"Connection": "close"})
        except uploads.BadUpload as exc:
            store.discard(directory)
            return JSONResponse({"error": _say(ui, qlang, exc.key, **exc.params)}, status_code=400)
        except BaseException:          # the client went away mid-upload (ClientDisconnect), or worse
            store.discard(directory)
            raise
        lang = lang_of(request, form)
        if store.queued() >= config.max_queued:
            store.discard(directory)
            return JSONResponse({"error": _say(ui, lang, "busy", n=config.max_queued)}, status_code=503,
                                headers={"Retry-After": "30"})
        try:
            options, files = await run_in_threadpool(_options, command, form, lang)
        except OptionError as exc:
            store.discard(directory)
            return JSONResponse({"error": _say(ui, lang, exc.key, **exc.params)}, status_code=400)
        job = store.submit(directory, options, files)
        store.sweep()
        try:
            wait = float(form.get("wait") or request.query_params.get("wait") or 30)
        except ValueError:
            wait = 30.0
        wait = max(0.0, min(wait, 600.0))
        deadline = time.monotonic() + wait
        while not job.done_event.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)     # waiting costs no thread, however many clients wait
        headers = {"Location": f"/api/jobs/{job.id}", "X-Sxcheck-Job": job.id}
        if job.status == "done":
            headers["X-Sxcheck-Exit-Code"] = str(job.exit_code)
            path = await run_in_threadpool(job.write_json, lang)
            return FileResponse(path, media_type="application/json", headers=headers)
        if job.status == "failed":
            return JSONResponse({"error": job.error, "job": job.id}, status_code=422, headers=headers)
        return JSONResponse(_status(job), status_code=202, headers=headers)

    def _status(job):
        out = job.public()
        if job.status == "queued":
            out["queued_before"] = store.queued_before(job)
            out["running"] = store.running()
        return out

    def _job(request: Request):
        return store.get(request.path_params["job"])

    def _gone(request: Request):
        return JSONResponse({"error": _say(ui, lang_of(request), "not-found")}, status_code=404)

    async def status(request: Request):
        job = _job(request)
        return _gone(request) if job is None else JSONResponse(_status(job))

    async def events(request: Request):
        """Server-sent events: the job's status whenever it changes, until it is done or failed."""
        job = _job(request)
        if job is None:
            return _gone(request)

        async def stream():
            last = None
            while True:
                now = json.dumps(_status(job), ensure_ascii=False)
                if now != last:
                    yield f"event: status\ndata: {now}\n\n"
                    last = now
                if job.status in ("done", "failed"):
                    return
                await asyncio.sleep(0.3)

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def artefact(request: Request):
        job = _job(request)
        what = request.path_params["what"]
        if job is None or job.status != "done" or what not in ("report.json", "report.xlsx", "report.html", "rows.json", "row"):
            return _gone(request)
        lang = lang_of(request)
        stem = os.path.splitext(job.files["file"].name)[0]
        if what == "rows.json":
            return FileResponse(job.dir / "rows.json", media_type="application/json")
        if what == "row":
            from validators.web.rowvalues import read_row

            try:
                row = int(request.query_params.get("row", ""))
            except ValueError:
                return _gone(request)
            source = request.query_params.get("source") or job.files["file"].name
            values = await run_in_threadpool(read_row, job.dir, job.row_index, source,
                                             request.query_params.get("sheet") or None, row)
            return _gone(request) if values is None else JSONResponse({"values": values})
        if what == "report.json" and request.query_params.get("limit", "").isdigit():
            # the page asks for the first findings only: a report with millions of findings stays
            # a download, not a page
            limit = int(request.query_params["limit"])
            doc = await run_in_threadpool(job.limited_dict, lang, limit)
            return JSONResponse(doc)
        if what == "report.json":
            path = await run_in_threadpool(job.write_json, lang)
            return FileResponse(path, media_type="application/json", filename=f"{stem}-sxcheck.json",
                                content_disposition_type="inline" if "download" not in request.query_params
                                else "attachment")
        if what == "report.xlsx":
            try:
                path = await run_in_threadpool(job.write_xlsx, lang)
            except Exception as exc:  # noqa: BLE001 — one line for the user, the server keeps serving
                from validators.report.messages import input_message

                detail = job._shown(f"{type(exc).__name__}: {exc}")
                return JSONResponse({"error": input_message("internal", lang, detail=detail)}, status_code=500)
            return FileResponse(path, filename=f"{stem}-sxcheck.xlsx",
                                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        path = await run_in_threadpool(job.write_html, lang)
        if path is None:
            return _gone(request)
        return FileResponse(path, media_type="text/html; charset=utf-8", filename=f"{stem}-sxcheck.html")

    async def sweeper():
        while True:
            await asyncio.sleep(max(1.0, min(60.0, store.ttl / 4)))
            await run_in_threadpool(store.sweep)

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(sweeper())
        try:
            yield
        finally:
            task.cancel()
            store.close()

    routes = [
        Route("/", index),
        Route("/healthz", healthz),
        Route("/api/rules", rules),
        Route("/api/jobs/{job}", status),
        Route("/api/jobs/{job}/events", events),
        Route("/api/jobs/{job}/{what}", artefact),
        Route("/api/{command}", submit, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.store = store
    app.state.config = config
    wrapped = SecurityHeaders(app)
    if config.token:
        wrapped = TokenGuard(wrapped, config.token, ui)
    if config.allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        wrapped = TrustedHostMiddleware(wrapped, allowed_hosts=list(config.allowed_hosts), www_redirect=False)
    wrapped.state = app.state           # tests reach the store through the wrapper
    return wrapped


def _options(command: str, form: uploads.Form, lang: str = "zh"):
    """Check the form's options the way the CLI checks its own; the files each field may carry."""
    def bad(name, value):
        raise OptionError("bad-option", name=name, value=str(value)[:80])

    def choice(name, allowed, default):
        v = (form.get(name) or default).strip()
        if v not in allowed:
            bad(name, v)
        return v

    def integer(name, lo, hi, default):
        v = form.get(name)
        if v in (None, ""):
            return default
        try:
            n = int(v)
        except ValueError:
            bad(name, v)
        if not lo <= n <= hi:
            bad(name, v)
        return n

    def text(name):
        v = (form.get(name) or "").strip()
        return v[:200] or None

    def flag(name):
        return (form.get(name) or "").strip().lower() in ("1", "true", "on", "yes")

    o = Options(command=command)
    o.lang = choice("lang", ("zh", "en"), lang)
    o.fail_on = choice("fail_on", ("error", "warning", "never"), "error")
    o.sheet = text("sheet")
    for name in ("encoding", "base_encoding"):
        enc = text(name)
        if enc:
            try:
                codecs.lookup(enc)
            except LookupError:
                bad(name, enc)
        setattr(o, name, enc)
    sev = {}
    for item in form.getlist("severity"):
        for part in item.replace("\n", ",").split(","):
            if not part.strip():
                continue
            code, _, level = part.partition("=")
            if level.strip() not in ("error", "warning", "info"):
                bad("severity", part)
            sev[code.strip()] = level.strip()
    if sev:
        from validators.report.messages import rule_meta

        unknown = sorted(set(sev) - set(rule_meta()))
        if unknown:
            bad("severity", ", ".join(unknown))
    o.severity = sev
    o.match_threshold = integer("match_threshold", 0, 100, 95)
    o.review_threshold = integer("review_threshold", 0, 100, 80)
    if o.review_threshold > o.match_threshold:
        bad("review_threshold", o.review_threshold)
    level = text("level")
    if level and level not in {"1", "2", "3", "4", "5", "6"}:
        bad("level", level)
    o.level = level
    rate = text("min_rate")
    if rate:
        try:
            o.min_rate = float(rate)
        except ValueError:
            bad("min_rate", rate)
        if not 0 <= o.min_rate <= 1:
            bad("min_rate", rate)
    o.region = text("region")
    if command == "sources":
        o.key = choice("key", ("auto", "task_code", "catalog_code+body", "name+body"), "auto")
        if text("fields"):
            from validators.channels.fields import parse_fields

            try:
                o.fields = parse_fields(text("fields"))
            except ValueError:
                bad("fields", text("fields"))
    if command == "cases":
        from validators.caserecords.dates import parse_day

        o.as_of = text("as_of")
        if o.as_of is not None and parse_day(o.as_of) is None:
            bad("as_of", o.as_of)
        o.near_days = integer("near_days", 0, 365, 3)
    o.with_revoked = flag("revoked")
    o.with_certificates = flag("certificates")

    allowed = {"validate": {"file", "permit_list", "kept_list"}, "conform": {"file", "base"},
               "revoked": {"file", "permit_list"}, "certificates": {"file", "kept_list"},
               "sources": {"file", "channel"}, "cases": {"file", "catalog"}}[command]
    files = {}
    for name, up in form.files.items():
        field, _, nth = name.partition("#")
        if field not in allowed or (nth and field not in ("channel", "catalog")):   # only these repeat
            bad("file field", name)
        ext = os.path.splitext(up.name)[1].lower()
        if ext not in (LIST_EXT if name == "kept_list" else DATA_EXT):
            bad(name, up.name)
        files[name] = up
    if "file" not in files:
        raise OptionError("no-file")
    if command == "sources" and "channel" not in files:
        raise OptionError("no-channel")
    if command == "cases" and "catalog" not in files:
        raise OptionError("no-catalog")
    return o, files
