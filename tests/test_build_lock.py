"""One build of a warehouse at a time: the build lock, its holder's message, a killed holder, and the
Dagster side (runs take the lock; the instance queues its runs one at a time)."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FY2022_TEXT, REPO

from pipeline import build_lock, settings

HOLDER = """
import sys, time
from pathlib import Path
from pipeline import build_lock
with build_lock.hold(Path(sys.argv[1]), "the test's holder"):
    print("held", flush=True)
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end and not Path(sys.argv[3]).exists():
        time.sleep(0.05)
"""


def hold_in_another_process(lock: Path, seconds: float) -> subprocess.Popen:
    """A process that holds the lock for ``seconds``, or until a file ``release`` appears beside it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock), str(seconds), str(lock.with_name("release"))],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_build_is_refused_naming_the_running_one_and_a_killed_ones_lock_is_taken_over(tmp_path):
    lock = tmp_path / "w.lock"
    holder = hold_in_another_process(lock, 60)
    with pytest.raises(build_lock.BuildRunning) as refused, build_lock.hold(lock, "second", wait=False):
        pass
    assert refused.value.holder.startswith(f"pid {holder.pid}, started ") and refused.value.holder.endswith(": the test's holder")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert str(holder.pid) in lock.read_text()  # the killed build's file is left behind
    with build_lock.hold(lock, "after the kill", wait=False):
        assert "after the kill" in lock.read_text()


def test_a_second_build_waits_and_says_for_whom(tmp_path):
    lock = tmp_path / "w.lock"
    holder = hold_in_another_process(lock, 1.5)
    told = []
    start = time.monotonic()
    with build_lock.hold(lock, "second", on_wait=told.append):
        assert time.monotonic() - start > 1  # it ran only once the first had finished
    assert len(told) == 1 and told[0].startswith(f"pid {holder.pid}, ")
    assert holder.wait(timeout=30) == 0


def test_the_holder_takes_its_own_lock_again_at_once(tmp_path):
    lock = tmp_path / "w.lock"
    with build_lock.hold(lock, "outer", wait=False):
        with build_lock.hold(lock, "a Dagster run inside it", wait=False):
            pass
        assert "outer" in lock.read_text()


def test_a_dagster_run_waits_for_a_build_of_its_warehouse(tmp_path, monkeypatch):
    from dagster import instance_for_test

    from pipeline.assets.partitions import fiscal_year_partitions
    from pipeline.definitions import defs

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(FY2022_TEXT.read_bytes())
    monkeypatch.setenv(settings.RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "w" / "w.duckdb"))
    holder = hold_in_another_process(settings.build_lock_path(), 120)
    waiting = f"waiting for the other build of {tmp_path / 'w' / 'w.duckdb'} to finish (pid {holder.pid}, "
    with instance_for_test() as instance:
        instance.add_dynamic_partitions(fiscal_year_partitions.name, ["2022"])

        def release_once_the_run_waits():
            while not any(
                waiting in entry.user_message for run in instance.get_runs() for entry in instance.all_logs(run.run_id)
            ):
                time.sleep(0.1)
            settings.build_lock_path().with_name("release").touch()

        threading.Thread(target=release_once_the_run_waits, daemon=True).start()
        result = defs.resolve_job_def("extract_sheets").execute_in_process(instance=instance, partition_key="2022")
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert result.success and holder.wait(timeout=30) == 0
    assert sum(waiting in message for message in messages) == 1


def test_the_instance_queues_the_runs_of_the_code_location_one_at_a_time(tmp_path):
    from dagster import DagsterInstance

    (tmp_path / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        limits = instance.get_concurrency_config().run_queue_config.tag_concurrency_limits
    assert {"key": "dagster/code_location", "value": {"applyLimitPerUniqueValue": True}, "limit": 1} in limits


def test_every_step_that_writes_the_build_holds_the_lock():
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    writers = {"extracted_sheet_rows", "raw/sheet_rows", "marts/fct_evaluation", "published_warehouse"}
    for key in graph.materializable_asset_keys:
        if key.to_user_string() in writers:
            assert "build_lock" in graph.get(key).assets_def.required_resource_keys, key
    assert defs.resolve_job_def("build_warehouse").executor_def.name == "in_process"
