"""Run the application under uvicorn (the process of ``sxcheck serve``)."""
from __future__ import annotations

import sys


def run_server(*, host: str, port: int, max_upload_mb: float, token: str | None, jobs: int,
               ttl_minutes: float, lang: str = "zh") -> None:
    import ipaddress

    import uvicorn

    from validators.web.app import ServeConfig, build_app

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    hosts = ("127.0.0.1", "localhost", "::1", host) if loopback else None
    app = build_app(ServeConfig(host=host, port=port, max_upload_mb=max_upload_mb, token=token,
                                jobs=jobs, ttl_minutes=ttl_minutes, allowed_hosts=hosts))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    zh = f"sxcheck 网页已启动：{url}（同时检查 {jobs} 个，上传上限 {max_upload_mb:g} MB，结果保留 {ttl_minutes:g} 分钟；Ctrl+C 停止）"
    en = (f"sxcheck page running at {url} ({jobs} checks at once, uploads up to {max_upload_mb:g} MB, "
          f"results kept {ttl_minutes:g} minutes; Ctrl+C stops)")
    print(en if lang == "en" else zh, file=sys.stderr, flush=True)
    if token:
        print(("open: " if lang == "en" else "打开：") + f"{url}?token=<TOKEN>", file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False,
                h11_max_incomplete_event_size=64 * 1024)
