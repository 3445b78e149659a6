"""Cancelled and delegated permits: the registry of decisions and the ``sxcheck revoked`` check.

``registry`` reads and validates the decision files (``catalogs/revocations/*.toml``, JSON Schema
``schemas/revocation.schema.json``); ``history`` groups the items that are one permit across
decisions and resolves its state for a region and a date; ``matching`` resolves local names to
those permits with the conformity name normaliser and guarded matcher; ``context`` reads a row's
province, date and in-use status; ``detect`` turns local rows into findings; ``permits`` checks
行政许可 against a positive list (行政许可事项清单); ``rules`` declares the rules; ``run`` is the
entry point (``check_revoked``, and ``RevokedPass`` for validate --revoked).
"""
from __future__ import annotations


def check_revoked(local, **options):
    """See :func:`validators.revocation.run.check_revoked`."""
    from validators.revocation.run import check_revoked as _run

    return _run(local, **options)
