"""The ``--engine gx`` path: evaluate the catalog suite with great_expectations (GX Core 1.x).

Imported only on that path (GX alone costs seconds to import).  The suite comes from
:func:`validators.catalog.build_suite`, the same specs the native engine streams; GX receives
only the columns the suite uses, already normalised, because its cost grows with frame width.
``docs_dir`` switches from an ephemeral to a file context there and builds GX Data Docs.
"""
from __future__ import annotations

import logging
import os

from validators.checks.expectations import (
    ExpectationResult,
    ExpectationSpec,
    build_suite,
)

SEVERITY = {"critical": "critical", "warning": "warning", "info": "info"}


def to_gx_suite(specs: tuple[ExpectationSpec, ...], name: str = "sxcheck_element_standard"):
    """The suite as a ``great_expectations.ExpectationSuite``."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    for s in specs:
        common = {"column": s.column, "severity": SEVERITY[s.severity],
                  "meta": {"sxcheck_rule": s.rule}}
        if s.kind == "unique":
            exp = gxe.ExpectColumnValuesToBeUnique(**common)
        elif s.kind == "completeness":
            exp = gxe.ExpectColumnValuesToNotBeNull(mostly=s.mostly, **common)
        else:
            exp = gxe.ExpectColumnValuesToBeInSet(value_set=list(s.value_set), mostly=s.mostly, **common)
        suite.add_expectation(exp)
    return suite


def gx_available() -> bool:
    """Whether the optional great_expectations extra (``sxcheck[gx]``) is installed."""
    import importlib.util

    return importlib.util.find_spec("great_expectations") is not None


def run_suite(frame, *, docs_dir: str | None = None, specs=None) -> list[ExpectationResult]:
    """Validate ``frame`` (normalised suite columns) with GX and return sxcheck results."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")  # GX draws tqdm bars on stderr by default
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    specs = tuple(specs or build_suite())
    if docs_dir:
        os.makedirs(docs_dir, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=docs_dir)
    else:
        context = gx.get_context(mode="ephemeral")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    frame = frame.astype(object).where(frame.notna(), None)
    source = context.data_sources.add_or_update_pandas("sxcheck")
    asset = source.add_dataframe_asset("catalog")
    batch_def = asset.add_batch_definition_whole_dataframe("whole")
    suite = context.suites.add_or_update(to_gx_suite(specs))
    vd = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name="sxcheck_validate", data=batch_def, suite=suite))
    result = vd.run(batch_parameters={"dataframe": frame}, result_format={"result_format": "SUMMARY"})
    if docs_dir:
        context.build_data_docs()
    by_key = {}
    for r in result.results:
        cfg = r.expectation_config
        by_key[(cfg.type, cfg.kwargs.get("column"))] = r
    out = []
    for s in specs:
        r = by_key[(s.gx_type, s.column)]
        res = r.result or {}
        element = int(res.get("element_count", len(frame)))
        missing = int(res.get("missing_count", 0) or 0)
        unexpected = int(res.get("unexpected_count", 0) or 0)
        nonnull = element - missing if s.kind != "completeness" else element - unexpected
        out.append(ExpectationResult(s, bool(r.success), element, unexpected, nonnull))
    return out
