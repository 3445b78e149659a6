"""The normative path: validate records one by one with jsonschema against guide.schema.json.

Slow (thousands of records per second) but it is the published definition; tests run it beside
the vectorised fast path on the samples and require identical element findings.  Also the right
tool for a handful of nested JSON records.
"""
from __future__ import annotations

from typing import Any, Iterator

from validators.checks.elements import (
    ELEMENT_MISSING,
    ELEMENT_NOT_IN_CODELIST,
    ELEMENT_TOO_LONG,
    ELEMENT_WRONG_TYPE,
    ITEM_TYPE_UNKNOWN,
)
from validators.core.rows import normalised_record
from validators.core.schema import guide_schema

# jsonschema keyword → sxcheck rule code
KEYWORD_RULE = {"required": ELEMENT_MISSING, "pattern": ELEMENT_WRONG_TYPE, "enum": ELEMENT_NOT_IN_CODELIST,
                "maxLength": ELEMENT_TOO_LONG}


def validator():
    from jsonschema import Draft202012Validator

    schema = guide_schema()
    return Draft202012Validator(schema)


def record_findings(record: dict[str, Any], v=None) -> Iterator[tuple[str, str]]:
    """(rule code, element) pairs for one raw record keyed by canonical names."""
    v = v or validator()
    for err in v.iter_errors(normalised_record(record)):
        yield from _flatten(err)


def _flatten(err) -> Iterator[tuple[str, str]]:
    if err.validator in ("allOf", "if", "then") and err.context:
        for sub in err.context:
            yield from _flatten(sub)
        return
    if err.validator == "required":
        # message: "'x' is a required property"; the missing name is the quoted first token
        name = str(err.message).split("'")[1]
        yield ELEMENT_MISSING, name
        return
    path = [p for p in err.absolute_path]
    name = str(path[0]) if path else ""
    rule = KEYWORD_RULE.get(err.validator, "element-" + str(err.validator))
    if name == "item_type" and err.validator == "enum":
        rule = ITEM_TYPE_UNKNOWN
    yield rule, name
