"""A Python process started ahead of the step that needs it, with that step's modules imported.

Importing is compiling (no compiled copy is kept when PYTHONDONTWRITEBYTECODE is set, as on the
development machine) and takes a large share of a build; a process started at the build's outset
imports on a core the build leaves idle, and the step then only runs its call there. The call and
its result (or what it raised) travel pickled, so the function must be importable by name. A step
with no process started for it runs its call in this process. Plain Python.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pipeline.processes import child_environment

# The steps of a build worth a process of their own, by asset name, with what they import: the report
# draws its charts with matplotlib (pipeline/assets/report.py).
STEPS = {"html_report": ("pipeline.report", "pipeline.report.page", "matplotlib.backends.backend_svg")}

_started: dict[str, subprocess.Popen] = {}


def start_all() -> None:
    for name, modules in STEPS.items():
        start(name, modules)


def start(name: str, modules: Sequence[str]) -> None:
    """Start the process for step ``name``, importing ``modules``."""
    # In this process's group: whatever stops the build stops it.
    _started[name] = subprocess.Popen(
        [sys.executable, "-m", "pipeline.warm", *modules],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=child_environment(),
    )


def call(name: str, function: Callable, *args: Any) -> Any:
    """``function(*args)``, in the process started for step ``name`` if there is one."""
    process = _started.pop(name, None)
    if process is None:
        return function(*args)
    process.stdin.write(pickle.dumps((function, args)))
    process.stdin.close()
    answer = process.stdout.read()  # the answer, not the process's end: it exits at once (_serve)
    if process.wait() != 0 or not answer:
        raise RuntimeError(f"the process started for {name} ended with exit code {process.returncode}")
    kind, value = pickle.loads(answer)
    if kind == "error":
        raise value
    return value


def discard() -> None:
    """Stop the processes no step used."""
    while _started:
        _, process = _started.popitem()
        process.kill()
        process.wait()


def _serve(modules: list[str]) -> None:
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what the call prints must not mix with the answer
    for module in modules:
        importlib.import_module(module)
    request = sys.stdin.buffer.read()
    if not request:
        return  # the build ended without this step
    function, args = pickle.loads(request)
    try:
        result = ("value", function(*args))
    except Exception as error:  # raised again by the caller
        result = ("error", error)
    try:
        data = pickle.dumps(result)
    except Exception:  # an exception that does not pickle: its text will do
        data = pickle.dumps(("error", RuntimeError(f"{type(result[1]).__name__}: {result[1]}")))
    answer.write(data)
    answer.close()
    # Without tearing the interpreter down (matplotlib's and DuckDB's objects): the build waits for the exit.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    _serve(sys.argv[1:])
