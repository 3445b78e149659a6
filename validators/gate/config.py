"""The gate's configuration: ``sxcheck.toml`` or ``[tool.sxcheck]`` in ``pyproject.toml``.

The file is read with the standard library's ``tomllib`` and validated against
``schemas/config.schema.json`` (JSON Schema 2020-12).  A key the schema does not know, or a value
of the wrong type, is an :class:`~validators.read.InputError` (exit 3) naming the key's dotted
path and the expected type, so a typo never silently switches a check off.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from validators.read import InputError

CONFIG_NAME = "sxcheck.toml"
BASELINE_NAME = ".sxcheck-baseline.json"
WAIVERS_NAME = "sxcheck-waivers.toml"
THRESHOLDS = ("min_task_conformity", "min_accuracy", "min_same_source_rate")


@dataclass
class Config:
    """A validated configuration; paths are resolved against ``root`` (the file's folder)."""

    path: Path
    root: Path
    inputs: list[str]
    scope: str = "one"
    profile: str | None = None
    base: str | None = None
    revocations: list[str] | None = None      # present (even empty) = run the revoked check
    channels: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    mostly: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    fail_on: str = "error"
    outputs: dict[str, str] = field(default_factory=dict)
    baseline: str | None = None
    waivers: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    lang: str | None = None

    def resolve(self, p: str) -> Path:
        q = Path(p).expanduser()
        return q if q.is_absolute() else self.root / q

    @property
    def baseline_path(self) -> Path:
        return self.resolve(self.baseline or BASELINE_NAME)

    @property
    def waivers_path(self) -> Path | None:
        if self.waivers:
            return self.resolve(self.waivers)
        default = self.root / WAIVERS_NAME
        return default if default.exists() else None


def find_config(cwd: str | Path = ".") -> Path | None:
    """``sxcheck.toml`` in ``cwd``, else a ``pyproject.toml`` there with a ``[tool.sxcheck]`` table."""
    cwd = Path(cwd)
    if (cwd / CONFIG_NAME).is_file():
        return cwd / CONFIG_NAME
    py = cwd / "pyproject.toml"
    if py.is_file():
        try:
            with open(py, "rb") as fh:
                if "sxcheck" in tomllib.load(fh).get("tool", {}):
                    return py
        except (tomllib.TOMLDecodeError, OSError):
            return None
    return None


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file; raises InputError (exit 3) on any problem."""
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise InputError("file-not-found", source)
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("config-syntax", source, detail=str(exc)) from None
    prefix = ""
    if path.name == "pyproject.toml":
        doc = doc.get("tool", {}).get("sxcheck")
        prefix = "tool.sxcheck."
        if doc is None:
            raise InputError("config-no-table", source)
    check_config(doc, source, prefix)
    known = {k: v for k, v in doc.items() if k not in ("inputs",)}
    return Config(path=path.resolve(), root=path.resolve().parent, inputs=list(doc["inputs"]), **known)


def _expected(error) -> str:
    """The expected type of a schema error, in the words of the schema."""
    v = error.validator
    if v == "type":
        t = error.validator_value
        return " | ".join(t) if isinstance(t, list) else t
    if v == "enum":
        return " | ".join(map(str, error.validator_value))
    if v in ("minimum", "maximum"):
        return "number from 0 to 1"
    if v == "minItems":
        return "non-empty array"
    if v == "minLength":
        return "non-empty string"
    if v == "oneOf":
        return "number from 0 to 1 | table of element = number"
    if v == "required":
        return "array of glob strings"
    return str(error.validator_value)


def check_config(doc: Any, source: str, prefix: str = "") -> None:
    """Validate ``doc`` against schemas/config.schema.json; the first error becomes an InputError."""
    import jsonschema

    from schemas import load_json

    schema = load_json("config.schema.json")
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if not errors:
        return
    err = errors[0]
    # an error inside oneOf says more through its best sub-error
    best = jsonschema.exceptions.best_match([err]) if err.context else err
    parts = [str(p) for p in best.absolute_path]
    if best.validator == "additionalProperties":
        allowed = set(best.schema.get("properties") or {})
        extra = sorted(set(best.instance) - allowed)
        key = prefix + ".".join(parts + [extra[0]])
        raise InputError("config-key-unknown", source, setting=key,
                         allowed=", ".join(sorted(allowed)) or "—")
    if best.validator == "required":
        missing = next(k for k in best.validator_value if k not in best.instance)
        raise InputError("config-key-missing", source, setting=prefix + ".".join(parts + [missing]),
                         expected=_expected(best))
    shown = best.instance if not isinstance(best.instance, (dict, list)) else type(best.instance).__name__
    raise InputError("config-key-type", source, setting=prefix + ".".join(parts) or "(top level)",
                     expected=_expected(best), value=repr(shown))


STARTER = '''\
# sxcheck configuration — run `sxcheck check` in this folder.
# Reference: README.md, section "Gate a catalog repository". Paths are relative to this file.

# The catalog files to check (globs). The only required key.
inputs = ["*.csv", "*.xlsx"]

# one: all inputs form one catalog (a 实施编码 in two files is a duplicate);
# per-file: every file is its own catalog (one department per file).
scope = "per-file"

# National base catalog: also computes 基本目录符合率 / 实施清单符合率 (sxcheck conform).
# base = "national_base.csv"

# Revocation registries (added to the built-in one; [] = built-in only).
# revocations = ["registries/"]
# Other channels' exports of the same items, compared with the one file of inputs (sxcheck sources).
# channels = ["channels/*.json"]

# Rule selection, as ruff does it: codes or categories (sxcheck rules lists both).
# select = ["element", "code", "rule"]
# ignore = ["clarity", "handling-hours-unclear"]

# Lowest severity of a new finding that fails the run: error | warning | never.
fail_on = "error"

[severity]
# legal-basis-no-article = "info"

[mostly]
# completeness-below-threshold = 0.9
# value-set-violated = { item_type = 1.0, is_online = 0.95 }

[thresholds]
# min_task_conformity = 0.95
# min_accuracy = 0.9
# min_same_source_rate = 0.9

[outputs]
# Paths relative to --output-dir (default: this folder).
junit = "sxcheck-junit.xml"
sarif = "sxcheck.sarif"
markdown = "sxcheck.md"
# codequality = "gl-code-quality-report.json"
# json = "sxcheck.json"
'''
