"""Bounded work per file: a reader runs on one file in a child process under a memory and a time limit.

A hostile or broken PDF (a content stream that inflates to gigabytes, a page that never ends) must not
take the machine down, nor stop the other years: each call runs in a fresh Python process of its own
(``python -m pipeline.limits``, which imports only the reader it runs) whose data segment is capped
(``RLIMIT_DATA``, which its page workers inherit) and which is killed, with the processes it started,
when its time is up. Going over a limit gives a LimitExceeded naming it. Plain Python.
"""

from __future__ import annotations

import os
import pickle
import resource
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.processes import child_environment

# The environment variables that set the limits (pipeline/settings.py reads them).
FILE_MEMORY_MB_ENV = "KAWASAKI_FILE_MEMORY_MB"
FILE_SECONDS_ENV = "KAWASAKI_FILE_SECONDS"


@dataclass(frozen=True)
class FileLimits:
    memory_mb: int  # memory the reader may take beyond what its process holds once the reader is imported
    seconds: float  # wall time


@dataclass(frozen=True)
class LimitExceeded:
    """A call that went over a limit, or whose process died; ``problem`` says which, for a user."""

    problem: str


@dataclass
class _Child:
    index: int
    process: subprocess.Popen
    deadline: float
    output: bytearray


def run_bounded(function: Callable, calls: Sequence[tuple], limits: FileLimits, parallel: int = 1, **kwargs: Any) -> list[Any]:
    """``function(*args, **kwargs)`` for each ``args`` in ``calls``, at most ``parallel`` at a time, each
    in a child process under ``limits``: the results in order, each the return value, the exception
    the call raised, or a LimitExceeded. ``function`` must be importable by name (a module-level function)."""
    results: list[Any] = [None] * len(calls)
    pending = list(enumerate(calls))
    running: dict[int, _Child] = {}  # by the file descriptor of the child's output
    with selectors.DefaultSelector() as selector:
        while pending or running:
            while pending and len(running) < max(1, parallel):
                index, args = pending.pop(0)
                child = _start(index, pickle.dumps((function, args, kwargs, limits.memory_mb)), limits)
                running[child.process.stdout.fileno()] = child
                selector.register(child.process.stdout, selectors.EVENT_READ)
            timeout = max(0.0, min(child.deadline for child in running.values()) - time.monotonic())
            for key, _ in selector.select(timeout):
                child = running[key.fd]
                chunk = os.read(key.fd, 1 << 20)
                if chunk:
                    child.output += chunk
                    continue
                selector.unregister(key.fileobj)
                del running[key.fd]
                results[child.index] = _result(child, limits)
            for fd, child in list(running.items()):
                if time.monotonic() >= child.deadline:
                    selector.unregister(child.process.stdout)
                    del running[fd]
                    _kill_tree(child.process.pid)  # the reader and its page workers
                    child.process.wait()
                    child.process.stdout.close()
                    results[child.index] = LimitExceeded(
                        f"too large to read: not read within {limits.seconds:g} s "
                        f"(the limit per file; {FILE_SECONDS_ENV} sets it)"
                    )
    return results


def _start(index: int, request: bytes, limits: FileLimits) -> _Child:
    # In this process's group: whatever stops the build (Ctrl-C, a kill of the group) stops its readers.
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.limits"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_environment(),
    )
    process.stdin.write(request)
    process.stdin.close()
    return _Child(index, process, time.monotonic() + limits.seconds, bytearray())


def _result(child: _Child, limits: FileLimits) -> Any:
    code = child.process.wait()
    child.process.stdout.close()
    try:
        kind, value = pickle.loads(child.output)
    except Exception:  # no complete answer: the process died
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
        return LimitExceeded(f"the reader stopped while reading it ({how})")
    if kind == "memory":
        return LimitExceeded(
            f"too large to read: needs more than {limits.memory_mb} MB of memory "
            f"(the limit per file; {FILE_MEMORY_MB_ENV} sets it)"
        )
    return value


def _serve() -> None:
    """The child: one call read from stdin, its result written to stdout."""
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what the reader prints must not mix with the answer
    function, args, kwargs, memory_mb = pickle.loads(sys.stdin.buffer.read())  # imports the reader
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = _data_bytes() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        value = function(*args, **kwargs)
    except BaseException as error:  # the caller gets what the function raised, as its result
        value = error
    result = ("memory", None) if isinstance(value, BaseException) and _out_of_memory(value) else ("value", value)
    try:
        data = pickle.dumps(result)
    except Exception:  # an exception that does not pickle: its text will do
        data = pickle.dumps(("value", RuntimeError(f"{type(value).__name__}: {value}")))
    answer.write(data)
    answer.close()


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
    """Kill a process and every process it started."""
    try:
        os.kill(pid, signal.SIGSTOP)  # so that it starts no process while its children are found
    except ProcessLookupError:
        return
    _wait_until_stopped(pid)
    for child in _children(pid):
        _kill_tree(child)
    os.kill(pid, signal.SIGKILL)


def _wait_until_stopped(pid: int) -> None:
    """A signal takes effect some time after kill() returns; until then the process may still fork."""
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("T", "t", "Z", "X"):
            return
        time.sleep(0.001)


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


if __name__ == "__main__":
    _serve()
