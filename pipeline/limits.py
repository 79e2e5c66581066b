"""Bounded work per file: a reader runs on one file in a child process under a memory and a time limit.

A hostile or broken PDF (a content stream that inflates to gigabytes, a page that never ends) must not
take the machine down, nor stop the other years: each call runs in a process of its own whose data
segment is capped (``RLIMIT_DATA``, which its page workers inherit) and which is killed, with its
children, when its time is up. Going over a limit gives a LimitExceeded naming it. Plain Python.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

# Children are forked from a server process that imported only the readers: they start in
# milliseconds, small, and without the parent's Dagster or open files.
_CONTEXT = get_context("forkserver")
_CONTEXT.set_forkserver_preload(["pipeline.landing", "pipeline.extract.pdf_sheet"])


# The environment variables that set the limits (pipeline/settings.py reads them).
FILE_MEMORY_MB_ENV = "KAWASAKI_FILE_MEMORY_MB"
FILE_SECONDS_ENV = "KAWASAKI_FILE_SECONDS"


@dataclass(frozen=True)
class FileLimits:
    memory_mb: int  # memory the reader may take beyond what the child process starts with
    seconds: float  # wall time


@dataclass(frozen=True)
class LimitExceeded:
    """A call that went over a limit, or whose process died; ``problem`` says which, for a user."""

    problem: str


def run_bounded(function: Callable, calls: Sequence[tuple], limits: FileLimits, parallel: int = 1) -> list[Any]:
    """``function(*args)`` for each ``args`` in ``calls``, at most ``parallel`` at a time, each in a
    child process under ``limits``: the results in order, each the return value, the exception the
    call raised, or a LimitExceeded. ``function`` must be importable by name (a module-level function)."""
    results: list[Any] = [None] * len(calls)
    pending = list(enumerate(calls))
    running: dict[Connection, tuple[int, Any, float]] = {}
    while pending or running:
        while pending and len(running) < max(1, parallel):
            index, args = pending.pop(0)
            receive, send = _CONTEXT.Pipe(duplex=False)
            # Not a daemon: a PDF read alone reads its pages in processes of its own.
            process = _CONTEXT.Process(target=_child, args=(send, function, args, limits.memory_mb), daemon=False)
            process.start()
            send.close()
            running[receive] = (index, process, time.monotonic() + limits.seconds)
        timeout = max(0.0, min(deadline for _, _, deadline in running.values()) - time.monotonic())
        for receive in wait(list(running), timeout=timeout):
            index, process, _ = running.pop(receive)
            results[index] = _receive(receive, process, limits)
        for receive, (index, process, deadline) in list(running.items()):
            if time.monotonic() >= deadline:
                del running[receive]
                _kill_tree(process.pid)
                process.join()
                receive.close()
                results[index] = LimitExceeded(f"too large to read: not read within {limits.seconds:g} s "
                                               f"(the limit per file; {FILE_SECONDS_ENV} sets it)")
    return results


def _memory_problem(limits: FileLimits) -> LimitExceeded:
    return LimitExceeded(f"too large to read: needs more than {limits.memory_mb} MB of memory "
                         f"(the limit per file; {FILE_MEMORY_MB_ENV} sets it)")


def _receive(receive: Connection, process, limits: FileLimits) -> Any:
    try:
        kind, value = receive.recv()
    except EOFError:
        kind, value = "died", None
    finally:
        receive.close()
    process.join()
    if kind == "memory":
        return _memory_problem(limits)
    if kind == "died":
        code = process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        return LimitExceeded(f"the reader stopped while reading it ({how})")
    return value


def _child(send: Connection, function: Callable, args: tuple, memory_mb: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = _data_bytes() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        message = ("value", function(*args))
    except BaseException as error:  # the caller gets what the function raised, as its result
        message = ("memory", None) if _out_of_memory(error) else ("value", error)
    else:
        if isinstance(message[1], BaseException) and _out_of_memory(message[1]):
            message = ("memory", None)
    try:
        send.send(message)
    except Exception:  # an exception that does not pickle: its text will do
        error = message[1]
        send.send(("value", RuntimeError(f"{type(error).__name__}: {error}")))
    send.close()


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether the error, or one it was raised from, is a MemoryError: readers turn errors deep in a
    PDF into their own, with the original as the cause."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, MemoryError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _data_bytes() -> int:
    """This process's data segment now (VmData), the base its limit is counted from."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _kill_tree(pid: int) -> None:
    """Kill a process and every process it started (a PDF's page workers)."""
    try:
        os.kill(pid, signal.SIGSTOP)  # so that it starts no process while its children are found
    except ProcessLookupError:
        return
    for child in _children(pid):
        _kill_tree(child)
    os.kill(pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children
