"""Where a build's time goes: wall time per stage, gathered in the build's process.

The CLI build runs its Dagster runs in its own process, so the assets, dbt and the build itself add
their stages to one record; ``python -m pipeline build --timings`` prints it, and every build keeps
it beside the build file for the benchmark (bench/run.py). Stages follow one another and add up to
the build's time; details are parts of a stage that overlap (dbt's threads run nodes side by side
while Dagster records their results), summed over their occurrences. Plain Python.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.files import write_atomically

_stages: dict[str, float] = {}
_details: dict[str, float] = {}
_lock = threading.Lock()  # dbt's threads add their nodes' times


def add(stage: str, seconds: float) -> None:
    """Wall time of a stage of the build (added to, when the stage happens again)."""
    with _lock:
        _stages[stage] = _stages.get(stage, 0.0) + seconds


def detail(name: str, seconds: float) -> None:
    """Time of a part of a stage that overlaps other work, summed."""
    with _lock:
        _details[name] = _details.get(name, 0.0) + seconds


@contextmanager
def stage(name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - start)


def total() -> float:
    """The stages' time so far."""
    with _lock:
        return sum(_stages.values())


def process_age() -> float:
    """Seconds since this process started (so including Python's start-up, before any of our code)."""
    started = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    return float(Path("/proc/uptime").read_text().split()[0]) - started


def as_dict() -> dict:
    return {
        "total_s": round(total(), 3),
        "stages": {k: round(v, 3) for k, v in _stages.items()},
        "details": {k: round(v, 3) for k, v in _details.items()},
    }


def save(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(as_dict(), indent=1).encode())


def table(record: dict) -> str:
    """A record (``as_dict``) as lines of seconds: the stages, then the overlapping details."""
    lines = [f"  {name:<66} {seconds:6.2f} s" for name, seconds in record["stages"].items()]
    lines.append(f"  {'total':<66} {record['total_s']:6.2f} s")
    if record["details"]:
        lines.append("  of which, overlapping (summed over dbt's threads):")
        lines += [f"    {name:<64} {seconds:6.2f} s" for name, seconds in record["details"].items()]
    return "\n".join(lines)
