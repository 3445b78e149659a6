"""The per-channel summary and the 同源率.

同源率 = compared elements that are identical ÷ compared elements, over the items paired with the
reference.  An element is *compared* for an item when the channel publishes that element (its
column exists) and at least one of the two sources has a value; it is *identical* when both keys
are equal after normalisation (:mod:`validators.channels.normalise`).  Missing and extra items do
not enter the rate: they are counted beside it.  Every rate is given with its numerator and
denominator, overall, per element and per 实施主体 (the reference's).
"""
from __future__ import annotations

import numpy as np

from validators.channels.findings import (
    SOURCE_ITEM_EXTRA,
    SOURCE_ITEM_MISSING,
    SOURCE_STALE,
)
from validators.channels.keys import KINDS

UNKNOWN_BODY = "（未填实施主体）"


def rate(num: int, den: int) -> dict:
    return {"numerator": int(num), "denominator": int(den),
            "rate": round(float(num) / float(den), 6) if den else None}


def summarise(diff) -> dict:
    """The summary block of one :class:`~validators.channels.compare.ChannelDiff`."""
    from validators.core.schema import label

    ref, fields = diff.ref, diff.fields
    batches = diff.batches
    nf = len(fields)
    if batches:
        pos = np.concatenate([b.pos for b in batches])
        kind = np.concatenate([np.full(len(b.pos), b.kind) for b in batches])
        comp = np.concatenate([b.compared for b in batches]) if nf else np.zeros((len(pos), 0), bool)
        ident = np.concatenate([b.identical for b in batches]) if nf else np.zeros((len(pos), 0), bool)
    else:
        pos = np.zeros(0, dtype=np.int64)
        kind = np.zeros(0, dtype=int)
        comp = ident = np.zeros((0, nf), dtype=bool)
    codes = [p.code for p in diff.pending]
    per_element = {}
    for j, f in enumerate(fields):
        per_element[f] = {"label": label(f, "zh"), **rate(ident[:, j].sum(), comp[:, j].sum())}
    per_body = {}
    if len(pos):
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        if "implementing_body" in ref.cols:
            body = pc.fill_null(ref.cols["implementing_body"].take(pa.array(pos)), UNKNOWN_BODY)
            body = pd.Series(pd.arrays.ArrowStringArray(body))
        else:
            body = pd.Series(UNKNOWN_BODY, index=range(len(pos)))
        table = pd.DataFrame({"body": body, "c": comp.sum(1), "i": ident.sum(1), "n": 1}).groupby("body").sum()
        for b, (c, i, n) in zip(table.index, table[["c", "i", "n"]].to_numpy(), strict=False):
            per_body[str(b)] = {"items": int(n), **rate(i, c)}
    return {
        "channel": diff.channel, "source": diff.src.path,
        "items_reference": int(ref.n), "items_channel": int(sum(diff.src.rows)),
        "paired": len(pos),
        "paired_by": {k: int((kind == i).sum()) for i, k in enumerate(KINDS)},
        "missing": codes.count(SOURCE_ITEM_MISSING), "extra": codes.count(SOURCE_ITEM_EXTRA),
        "ambiguous": int(diff.ambiguous_items), "stale": codes.count(SOURCE_STALE),
        "elements_compared": int(comp.sum()), "elements_identical": int(ident.sum()),
        "items_differing": int((comp & ~ident).any(axis=1).sum()) if len(pos) else 0,
        "same_source_rate": rate(ident.sum(), comp.sum()),
        "fields": list(fields),
        "per_element": per_element,
        "per_body": dict(sorted(per_body.items(), key=lambda kv: (kv[1]["rate"] if kv[1]["rate"] is not None else 2, kv[0]))),
    }
