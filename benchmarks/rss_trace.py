"""Run a command and trace its resident memory: the peak, when it happened, and each second's range.

    python benchmarks/rss_trace.py sxcheck validate g1000k.csv --format json -o /tmp/r.json
    python benchmarks/rss_trace.py python cli.py validate g3000k.csv --format json -o /tmp/r.json

Polls ``/proc/PID/statm`` every 10 ms (Linux), so it shows *where* a run peaks — during the scan
or while the report is written — and whether the per-second maxima climb with the rows (state
that grows with the file) or only scatter (one chunk's working set meeting the read-ahead).  The
figure to hold 1M against 3M and 6M runs made one after the other (issue 15: "the same peak RSS").
"""
from __future__ import annotations

import subprocess
import sys
import time


def trace(command: list[str], every: float = 0.01) -> tuple[float, list[tuple[float, int]], int]:
    """(wall seconds, [(seconds, RSS MB)], exit code) of ``command``, its output discarded."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started, samples = time.monotonic(), []
    page_mb = 4096 / (1 << 20)
    with open(f"/proc/{proc.pid}/statm") as fh:
        while proc.poll() is None:
            try:
                fh.seek(0)
                samples.append((time.monotonic() - started, int(int(fh.read().split()[1]) * page_mb)))
            except (OSError, ValueError, IndexError):   # the process ended between poll and read
                break
            time.sleep(every)
    return time.monotonic() - started, samples, proc.wait()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    try:
        wall, samples, code = trace(argv)
    except OSError as exc:
        print(f"rss_trace: cannot run {argv[0]!r}: {exc.strerror}", file=sys.stderr)
        return 127
    if not samples:
        print(f"wall {wall:.1f}s, no sample (exit {code})")
        return code
    at, peak = max(samples, key=lambda s: s[1])
    print(f"wall {wall:.1f}s  peak {peak} MB at {at:.1f}s  exit {code}")
    ranges = []
    for second in range(int(wall) + 1):
        mb = [m for t, m in samples if second <= t < second + 1]
        if mb:
            ranges.append(f"{second}:{min(mb)}-{max(mb)}")
    print(" ".join(ranges))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:   # `… | head -1`: the reader has what it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
