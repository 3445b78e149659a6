"""Rules of the gate itself: a waiver past its expiry date."""
from __future__ import annotations

from validators.core.rulebook import HEURISTIC, declare

WAIVER_EXPIRED = declare("waiver-expired", "error", "gate",
    f"{HEURISTIC}豁免（sxcheck-waivers.toml）写明了到期日，到期后须整改或重新审批，不能无限期接受已知问题")
