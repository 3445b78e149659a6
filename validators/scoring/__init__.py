"""Evaluation indices per unit (实施主体, any column, or region): ``sxcheck score``.

:func:`score` runs one validate / conform pass with a :class:`~validators.scoring.tally.UnitTally`
observer and returns a :class:`~validators.scoring.run.ScoreResult` (indices with numerators and
denominators, composite out of 100, tiers, competition ranks).  Definitions: ``indices.py``.
"""
from __future__ import annotations


def score(paths, **options):
    """See :func:`validators.scoring.run.score`."""
    from validators.scoring.run import score as _score

    return _score(paths, **options)


__all__ = ["score"]
