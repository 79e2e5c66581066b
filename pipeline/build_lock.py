"""One build of a warehouse at a time: a lock file held for the whole build, by the CLI and by Dagster runs.

The lock is an ``flock`` on a file beside the build file, so the kernel releases it when its holder
dies: a build that was killed leaves a file behind but no lock, and the next build takes it over.
The file says who holds it (pid, start time, what runs), for the message of a build that waits.
Plain Python, no Dagster.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

# Locks this process holds, with how many times each was taken: a Dagster run executed in-process by
# the CLI takes the lock the CLI already holds (flock would make it wait for itself).
_held: dict[Path, int] = {}

POLL_SECONDS = 0.5


class BuildRunning(Exception):
    """Another build of the same warehouse holds the lock."""

    def __init__(self, lock_path: Path, holder: str):
        self.lock_path = lock_path
        self.holder = holder
        super().__init__(f"another build of this warehouse is running: {holder}")


@contextmanager
def hold(lock_path: Path, what: str, *, wait: bool = True, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the build lock ``lock_path`` for the block; ``what`` says what this build is.

    A lock held by another process is waited for (``on_wait`` is told once, with the holder), or,
    with ``wait=False``, refused at once with BuildRunning."""
    lock_path = lock_path.resolve()
    if lock_path in _held:
        _held[lock_path] += 1
        try:
            yield
        finally:
            _held[lock_path] -= 1
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, lock_path, wait, on_wait)
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            json.dumps(
                {"pid": os.getpid(), "started": datetime.now().astimezone().isoformat(timespec="seconds"), "what": what}
            ).encode(),
            0,
        )
        _held[lock_path] = 1
        try:
            yield
        finally:
            del _held[lock_path]
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, lock_path: Path, wait: bool, on_wait: Callable[[str], None] | None) -> None:
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = describe_holder(lock_path)
            if not wait:
                raise BuildRunning(lock_path, holder) from None
            if not told and on_wait:
                on_wait(holder)
                told = True
            time.sleep(POLL_SECONDS)


def describe_holder(lock_path: Path) -> str:
    """Who holds the lock, as its file says: e.g. ``pid 4242, started 2025-04-01T03:00:02+09:00: python -m pipeline build``."""
    try:
        info = json.loads(lock_path.read_text() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "a build that is starting"
    return f"pid {info['pid']}, started {info['started']}: {info['what']}"
