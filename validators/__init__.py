"""sxcheck's library: validate 政务服务事项 catalogs and service guides against the element standard.

Importing this package is cheap (no pandas, no great_expectations); the heavy modules load on
first use.  Public entry points:

- :func:`validate` — read exports (CSV/XLSX/JSON/JSONL) and return a :class:`~validators.report.Report`.
- :func:`conform` — align a local catalog with the national base catalog (符合率).
- :func:`revoked` — cancelled or delegated permits still listed (State Council decisions).
- :func:`compare_sources` — pair one item list across channels and measure the 同源率.
- :func:`check_cases` — case records (办件) against the 实施清单: link rate and time limits.
- :func:`score` — indices, composite score, tier and rank per unit (:mod:`validators.scoring`).
"""
from __future__ import annotations

__version__ = "0.1.0"
SXCHECK = True  # lets the CLI tell this package from the unrelated PyPI package "validators"


def validate(paths, **options):
    """See :func:`validators.pipeline.validate`."""
    from validators.pipeline import validate as _validate

    return _validate(paths, **options)


def conform(local, base, **options):
    """See :func:`validators.conformity.conform`."""
    from validators.conformity.run import conform as _conform

    return _conform(local, base, **options)


def revoked(local, **options):
    """See :func:`validators.revocation.run.check_revoked`."""
    from validators.revocation.run import check_revoked

    return check_revoked(local, **options)


def compare_sources(reference, others, **options):
    """See :func:`validators.channels.run.compare_sources`."""
    from validators.channels.run import compare_sources as _compare

    return _compare(reference, others, **options)


def check_cases(cases, catalog, **options):
    """See :func:`validators.caserecords.run.check_cases`."""
    from validators.caserecords.run import check_cases as _check_cases

    return _check_cases(cases, catalog, **options)



def score(paths, **options):
    """See :func:`validators.scoring.run.score`."""
    from validators.scoring.run import score as _score

    return _score(paths, **options)


__all__ = ["validate", "conform", "revoked", "compare_sources", "check_cases", "score", "__version__"]
