"""Bounded work per file: calls in child processes under a memory and a time limit."""

import os
import subprocess
import time
from pathlib import Path

from pipeline.limits import FileLimits, LimitExceeded, run_bounded

SLEEP_SECONDS = "31.4159"  # a duration no other process on the machine sleeps for


def sleepers() -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if cmdline.read_bytes().split(b"\0")[:2] == [b"sleep", SLEEP_SECONDS.encode()]:
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_results_come_back_in_order_with_the_exceptions_raised():
    results = run_bounded(int, [("7",), ("x",), ("9",)], FileLimits(64, 30), parallel=2)
    assert results[0] == 7 and results[2] == 9
    assert isinstance(results[1], ValueError) and "invalid literal" in str(results[1])


def test_a_call_over_the_memory_limit_is_refused_as_too_large():
    (result,) = run_bounded(bytearray, [(400 * 2**20,)], FileLimits(64, 30))
    assert result == LimitExceeded(
        "too large to read: needs more than 64 MB of memory (the limit per file; KAWASAKI_FILE_MEMORY_MB sets it)"
    )
    (small,) = run_bounded(bytearray, [(16 * 2**20,)], FileLimits(64, 30))
    assert len(small) == 16 * 2**20


def test_a_call_over_the_time_limit_is_killed_with_the_processes_it_started():
    slow, quick = run_bounded(subprocess.call, [(["sleep", SLEEP_SECONDS],), (["true"],)], FileLimits(64, 1.5), parallel=2)
    assert slow == LimitExceeded("too large to read: not read within 1.5 s (the limit per file; KAWASAKI_FILE_SECONDS sets it)")
    assert quick == 0
    deadline = time.monotonic() + 10  # a killed process is gone once the system has run its exit
    while sleepers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sleepers() == []


def test_a_reader_that_dies_is_reported():
    (result,) = run_bounded(os._exit, [(3,)], FileLimits(64, 30))
    assert result == LimitExceeded("the reader stopped while reading it (exit code 3)")
