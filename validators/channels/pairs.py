"""The pairing table: for every channel item, which reference item it was paired with and by which
key — the evidence behind the counts, for a person to check (``sxcheck sources --pairs FILE``).

One row per channel item (paired, extra or ambiguous) and per reference item the channel lacks:
channel, status, key kind, channel row, reference row, the reference's 实施编码 / 基本编码 / 事项名称 /
实施主体 (the channel's for an extra item), elements compared and identical.  Built column-wise from
the comparison batches, so a million pairs cost a few arrow ``take`` calls.
"""
from __future__ import annotations

import numpy as np

from validators.channels.findings import (
    SOURCE_ITEM_EXTRA,
    SOURCE_ITEM_MISSING,
    SOURCE_PAIRING_AMBIGUOUS,
)
from validators.channels.keys import KINDS

COLUMNS = ["channel", "status", "key_kind", "channel_row", "reference_row", "task_code", "catalog_code",
           "item_name", "implementing_body", "elements_compared", "elements_identical"]
HEADERS_ZH = ["渠道", "状态", "配对方式", "渠道行号", "参考源行号", "实施编码", "基本编码", "事项名称", "实施主体",
              "比较要素", "相同要素"]
STATUS = {"paired": ("已配对", "paired"), SOURCE_ITEM_MISSING: ("渠道缺少", "missing"),
          SOURCE_ITEM_EXTRA: ("渠道多出", "extra"), SOURCE_PAIRING_AMBIGUOUS: ("配对不唯一", "ambiguous")}


def pairs_frame(diff):
    """The pairing table of one :class:`~validators.channels.compare.ChannelDiff` (after ``run``)."""
    import pandas as pd
    import pyarrow as pa

    ref = diff.ref
    parts = []
    if diff.batches:
        pos = np.concatenate([b.pos for b in diff.batches])
        idx = pa.array(pos)
        data = {"channel": diff.channel, "status": "paired",
                "key_kind": np.concatenate([np.full(len(b.pos), KINDS[b.kind], dtype=object) for b in diff.batches]),
                "channel_row": np.concatenate([b.row for b in diff.batches]).astype(str).astype(object),
                "reference_row": ref.rows[pos].astype(str).astype(object)}
        for c in ("task_code", "catalog_code", "item_name", "implementing_body"):
            data[c] = ref.cols[c].take(idx).to_pylist() if c in ref.cols else None
        data["elements_compared"] = np.concatenate([b.compared.sum(1) for b in diff.batches])
        data["elements_identical"] = np.concatenate([b.identical.sum(1) for b in diff.batches])
        parts.append(pd.DataFrame(data, columns=COLUMNS))
    rows = []
    for p in diff.pending:
        if p.code not in STATUS:
            continue
        prm = p.params
        rows.append({"channel": diff.channel, "status": p.code, "key_kind": prm.get("key_kind"),
                     "channel_row": _text(prm.get("channel_rows") or prm.get("channel_row")),
                     "reference_row": _text(prm.get("reference_rows") or prm.get("reference_row")),
                     "task_code": None, "catalog_code": None, "item_name": prm.get("item_name"),
                     "implementing_body": prm.get("body"), "elements_compared": 0, "elements_identical": 0})
        if p.code != SOURCE_ITEM_EXTRA and p.ref_pos >= 0:
            ident = ref.identity(p.ref_pos)
            rows[-1].update(task_code=ident.get("task_code"), catalog_code=ident.get("catalog_code"))
    if rows:
        parts.append(pd.DataFrame(rows, columns=COLUMNS))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["status"] = out["status"].map(lambda s: STATUS[s][0])
    return out


def _text(v):
    return None if v is None else str(v)
