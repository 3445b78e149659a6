"""Conformity with the national base catalog: alignment, matching, findings and 符合率.

``run.conform`` is the entry point; ``basecat`` reads the base catalog, ``matcher`` and ``align``
pair local rows with base items, ``findings`` and ``rates`` turn the alignment into findings and
rates with their numerators and denominators.
"""
from __future__ import annotations


def conform(local, base, **options):
    """See :func:`validators.conformity.run.conform`."""
    from validators.conformity.run import conform as _conform

    return _conform(local, base, **options)
