"""The ``--min-rate`` gates of ``conform``, ``sources`` and ``cases`` (on the command line and the
web page alike): the rate each gates on, whether it reaches the floor, recorded in
``report.extra["gate"]`` so that every report format states it."""
from __future__ import annotations


def rate_gate(command: str, result, min_rate: float) -> dict:
    """``{rate_name, min_rate, rate, passed}`` of ``command``'s result, recorded in its report.

    ``result`` is what the command returns: a conformity result (the gate is on its gate rate:
    实施清单 or 基本目录符合率), a same-source result (on the lowest channel's 同源率) or, for
    ``cases``, the report (on 办件信息与事项关联比率)."""
    if command == "conform":
        from validators.conformity.run import min_rate_ok

        report, name = result.report, result.rates["gate"]
        rate, ok = result.rates[name]["rate"], min_rate_ok(result, min_rate)
    elif command == "sources":
        rates = [c["same_source_rate"]["rate"] for c in result.channels if c["same_source_rate"]["rate"] is not None]
        report, name = result.report, "same_source_rate"
        rate, ok = (min(rates) if rates else None), result.min_rate_ok(min_rate)
    elif command == "cases":
        from validators.caserecords.run import min_link_rate_ok

        report, name = result, "link_rate"
        rate, ok = report.extra["rates"]["link_rate"]["rate"], min_link_rate_ok(report, min_rate)
    else:
        raise ValueError(f"no rate gate for {command}")
    gate = {"rate_name": name, "min_rate": min_rate, "rate": rate, "passed": bool(ok)}
    report.extra["gate"] = gate
    return gate

