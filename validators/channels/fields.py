"""Which elements are compared across channels, and how each one is keyed.

Every element of the schema can be compared; each gets the comparison that fits what a citizen
reads (:mod:`validators.channels.normalise`).  The identity elements (codes, 实施主体) pair the
items and are not compared again; 事项版本 and 更新时间 decide staleness; the time-limit unit
columns are part of their time limit, not elements of their own.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from validators.channels import normalise as nz
from validators.channels.materials import materials_key

# not compared by default: identity (pairing keys), staleness markers, units folded into limits,
# platform bookkeeping
NOT_COMPARED = frozenset({
    "task_code", "catalog_code", "implementing_body", "implementing_body_code", "item_guid",
    "item_state", "item_version", "update_date", "legal_time_limit_unit", "promised_time_limit_unit",
    "local_catalog_code", "local_task_code", "area_code", "planned_effective_date",
    "planned_cancel_date", "central_dept_code",
})
UNIT_OF = {"legal_time_limit": "legal_time_limit_unit", "promised_time_limit": "promised_time_limit_unit"}
PHONES = ("consultation_channel", "complaint_channel")
HOURS = ("handling_hours",)
LOCATIONS = ("handling_location",)
FEES = ("fee_standard",)
URLS = ("online_url", "pc_online_url", "mobile_url")


@dataclass(frozen=True)
class FieldSpec:
    """One compared element: ``key(value, unit)`` maps a raw value to its comparison key."""

    name: str
    how: str              # name | limit | phone | hours | location | fee | materials | code | url | text
    key: Callable[..., str]
    unit: str | None = None   # the unit column folded into a time limit


def spec(name: str) -> FieldSpec:
    from validators.core.schema import elements

    el = elements().get(name)
    if name == "item_name":
        return FieldSpec(name, "name", lambda v, u=None: nz.name_key(v))
    if name in UNIT_OF:
        return FieldSpec(name, "limit", nz.limit_key, UNIT_OF[name])
    if name in PHONES:
        return FieldSpec(name, "phone", lambda v, u=None: nz.phone_key(v))
    if name in HOURS:
        return FieldSpec(name, "hours", lambda v, u=None: nz.hours_key(v))
    if name in LOCATIONS:
        return FieldSpec(name, "location", lambda v, u=None: nz.location_key(v))
    if name in FEES:
        return FieldSpec(name, "fee", lambda v, u=None: nz.fee_key(v))
    if name == "materials":
        return FieldSpec(name, "materials", lambda v, u=None: materials_key(v))
    if name in URLS:
        return FieldSpec(name, "url", lambda v, u=None: nz.url_key(v))
    if el is not None and el.codelist:
        cl, multi = el.codelist, el.kind == "multi"
        return FieldSpec(name, "code", lambda v, u=None: nz.code_key(v, cl, multi))
    if el is not None and el.kind in ("code", "integer", "date"):
        return FieldSpec(name, "code", lambda v, u=None: nz.plain_key(v))
    return FieldSpec(name, "text", lambda v, u=None: nz.text_key(v))


def default_fields(reference_columns, channel_columns) -> list[str]:
    """The elements both sources publish, minus identity and bookkeeping, in schema order."""
    from validators.core.schema import elements

    both = set(reference_columns) & set(channel_columns)
    return [n for n in elements() if n in both and n not in NOT_COMPARED]


def parse_fields(text: str | None) -> list[str] | None:
    """``--fields``: canonical names or labels (办理时间, 办理地点, materials …), comma separated.

    Raises ValueError naming the unknown ones.
    """
    if not text:
        return None
    from validators.read.aliases import canonical_name

    out, unknown = [], []
    for token in text.replace("，", ",").replace("、", ",").split(","):
        token = token.strip()
        if not token:
            continue
        name = canonical_name(token)
        if name is None:
            unknown.append(token)
        elif name not in out:
            out.append(name)
    if unknown:
        raise ValueError(", ".join(unknown))
    return out
