"""Cancelled certification materials (证明事项清理) still demanded by service guides.

``registry`` loads the TOML decision files (``catalogs/certificates``) checked by
``schemas/certificate.schema.json``; ``materials`` splits 申请材料 text and normalises material
names; ``guides`` gathers guides and their materials from any input tables; ``detect`` matches
materials and items (the conformity name matcher) and a region's kept list; ``rules`` declares
the rules; ``run.check_certificates`` is the entry point.
"""
from __future__ import annotations


def check_certificates(paths, **options):
    """See :func:`validators.certification.run.check_certificates`."""
    from validators.certification.run import check_certificates as _run

    return _run(paths, **options)
