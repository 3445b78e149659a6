"""The gate of a catalog repository: configuration, rule selection, baselines, waivers and git.

``sxcheck check`` is :func:`validators.gate.run.check`: it reads the configuration
(:mod:`~validators.gate.config`), resolves the inputs (optionally only those changed in git,
:mod:`~validators.gate.changed`), runs every configured capability in one pass, keeps the selected
rules (:mod:`~validators.gate.select`), compares the findings with the baseline by fingerprint
(:mod:`~validators.gate.baseline`), applies the waivers (:mod:`~validators.gate.waivers`) and
evaluates the gates (thresholds) — all recorded in the Report, so every exporter shows them.
"""
