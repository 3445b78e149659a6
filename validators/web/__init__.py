"""``sxcheck serve``: a local web page and JSON API on top of the library (needs ``sxcheck[serve]``).

- :mod:`validators.web.app` — the Starlette application (routes, token guard, page).
- :mod:`validators.web.jobs` — jobs: a bounded worker pool, per-job temporary directories, expiry.
- :mod:`validators.web.uploads` — multipart bodies streamed to disk under a size limit.
- :mod:`validators.web.rowvalues` — the values of the rows that have findings, for the page.

Importing this package imports nothing heavy; Starlette loads in :func:`create_app`, pandas in a job.
"""
from __future__ import annotations


def create_app(**config):
    """The ASGI application; see :class:`validators.web.app.ServeConfig` for ``config``."""
    from validators.web.app import ServeConfig, build_app

    return build_app(ServeConfig(**config))
