"""The build's Dagster instance (pipeline/instance_storage.py): Dagster's SQLite storage with its
connections kept open, writing what Dagster's own storage reads."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy
from conftest import REPO
from dagster import AssetCheckResult, AssetKey, DagsterInstance, asset, asset_check, define_asset_job
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.runs import SqliteRunStorage

from pipeline import instance_storage
from pipeline.instance_storage import (
    RUN_FILES_KEPT_OPEN,
    SqliteEventLogStorageKeepingConnections,
    SqliteRunStorageKeepingConnections,
    build_instance,
)

ASSETS = 12


def _assets():
    """A chain of assets, each with a check: a run stores a few events for each, as a build does."""
    made = []
    for index in range(ASSETS):
        deps = [made[-1].key] if made else []

        @asset(name=f"a{index}", deps=deps)
        def node() -> int:
            return 1

        made.append(node)
    checks = []
    for node in made:

        @asset_check(asset=node.key, name="positive")
        def check() -> AssetCheckResult:
            return AssetCheckResult(passed=True)

        checks.append(check)
    return made, checks


def _run(instance: DagsterInstance) -> str:
    from dagster import Definitions

    assets, checks = _assets()
    defs = Definitions(assets=assets, asset_checks=checks, jobs=[define_asset_job("chain")])
    result = defs.resolve_job_def("chain").execute_in_process(instance=instance)
    assert result.success
    return result.run_id


@pytest.fixture
def home(tmp_path, monkeypatch):
    (tmp_path / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def connections(monkeypatch):
    """Every DBAPI connection opened meanwhile, by database file."""
    opened: list[str] = []

    def count(dbapi_connection, record):
        opened.append(dbapi_connection.execute("pragma database_list").fetchone()[2])

    sqlalchemy.event.listen(sqlalchemy.Engine, "connect", count)
    yield opened
    sqlalchemy.event.remove(sqlalchemy.Engine, "connect", count)


def test_the_build_instance_keeps_connections_where_dagsters_storage_opens_one_per_statement(home, connections):
    with build_instance() as instance:
        assert isinstance(instance.run_storage, SqliteRunStorageKeepingConnections)
        assert isinstance(instance.event_log_storage, SqliteEventLogStorageKeepingConnections)
        connections.clear()
        _run(instance)
    ours = Counter(connections)
    connections.clear()
    with DagsterInstance.get() as instance:
        _run(instance)
    theirs = Counter(connections)
    # Two at most per database file: its creation or first check, and the connection kept.
    assert max(ours.values()) <= 2, ours
    assert theirs.total() > 20 * ours.total()


def test_what_the_build_instance_writes_dagsters_own_storage_reads(home):
    with build_instance() as instance:
        run_id = _run(instance)
        written = [record.event_log_entry.dagster_event_type for record in instance.get_records_for_run(run_id).records]
    with DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage
        assert type(instance.run_storage) is SqliteRunStorage
        assert instance.get_run_by_id(run_id).is_success
        read = [record.event_log_entry.dagster_event_type for record in instance.get_records_for_run(run_id).records]
        assert read == written
        latest = instance.get_latest_materialization_event(AssetKey(f"a{ASSETS - 1}"))
        assert latest is not None and latest.run_id == run_id
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key([next(iter(_assets()[1][-1].check_keys))])
        assert next(iter(check.values())).run_id == run_id


def test_history_written_by_dagsters_storage_is_read_by_the_build_instance(home):
    with DagsterInstance.get() as instance:
        run_id = _run(instance)
    with build_instance() as instance:
        assert instance.get_run_by_id(run_id).is_success
        assert instance.get_latest_materialization_event(AssetKey("a0")).run_id == run_id


def test_only_the_latest_runs_databases_keep_an_engine(home):
    with build_instance() as instance:
        for _ in range(RUN_FILES_KEPT_OPEN + 2):
            _run(instance)
        kept = list(instance.event_log_storage._engines._engines)
    assert len(kept) == RUN_FILES_KEPT_OPEN + 1
    assert any(key.endswith("/index.db") for key in kept)


def test_a_forked_process_opens_its_own_connections(monkeypatch, tmp_path):
    engines = instance_storage._Engines()
    url = f"sqlite:///{tmp_path / 'x.db'}"
    parent = engines.get(url)
    assert engines.get(url) is parent
    monkeypatch.setattr(instance_storage.os, "getpid", lambda: -1)
    assert engines.get(url) is not parent


def test_a_home_configured_with_other_storage_is_used_as_configured(home):
    (home / "dagster.yaml").write_text(
        "run_storage:\n"
        "  module: dagster._core.storage.runs\n"
        "  class: SqliteRunStorage\n"
        f"  config:\n    base_dir: {home / 'runs'}\n"
        "event_log_storage:\n"
        "  module: dagster._core.storage.event_log\n"
        "  class: SqliteEventLogStorage\n"
        f"  config:\n    base_dir: {home / 'events'}\n"
    )
    with build_instance() as instance:
        assert type(instance.run_storage) is SqliteRunStorage
        assert type(instance.event_log_storage) is SqliteEventLogStorage


def test_commits_do_not_wait_for_the_disk_in_the_build(home):
    with build_instance() as instance:
        _run(instance)
        with instance.event_log_storage.index_connection() as conn:
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # NORMAL
        with instance.run_storage.connect() as conn:
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 1
