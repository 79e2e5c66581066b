"""The build's Dagster instance: the one of ``$DAGSTER_HOME``, its SQLite storage keeping connections open.

Dagster's SQLite run and event-log storages build a SQLAlchemy engine, open a connection and close
both again for every statement they run, and closing the last connection to a database in WAL mode
also checkpoints its log. A one-year build stores about 360 events through about 1,200 such
connections: 1.8 s of a 10 s build. The storage here keeps one engine per database file, whose pool
keeps its connection open. The files, their tables and their format are Dagster's own, in the same
folders, so the UI, the daemon and the runs they launch read and write them with Dagster's storage
as the home's dagster.yaml configures it. A home configured with other storage (Postgres) is used as
it is.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy
from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
from dagster._core.storage.runs import SqliteRunStorage
from dagster._core.storage.schedules import SqliteScheduleStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import Connection

DAGSTER_DEFAULT_STORAGE = ("dagster._core.storage.sqlite_storage", "DagsterSqliteStorage")

# Each run has a database file of its own, and a process may read many runs' logs: engines are kept
# for the most recent ones only; the index database's engine always.
RUN_FILES_KEPT_OPEN = 4


class _Engines:
    """This process's engines, one per database file; a forked child starts with none of its parent's."""

    def __init__(self) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._pid = os.getpid()

    def get(self, conn_string: str) -> Engine:
        """The file's engine, made the most recently used."""
        if os.getpid() != self._pid:
            for engine in self._engines.values():
                engine.dispose(close=False)  # the parent's connections: neither used nor closed here
            self._engines.clear()
            self._pid = os.getpid()
        engine = self._engines.pop(conn_string, None) or self._create(conn_string)
        self._engines[conn_string] = engine
        return engine

    @staticmethod
    def _create(conn_string: str) -> Engine:
        engine = create_engine(conn_string, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        # Each of a build's 1,200 commits waited for the disk. In WAL mode, NORMAL loses no commit when a
        # process fails, only the last ones when the machine does; the database stays sound either way.
        sqlalchemy.event.listen(engine, "connect", _commit_without_waiting_for_the_disk)
        return engine

    def dispose_least_recent(self, keep: int, but: str) -> None:
        """Dispose of all but the ``keep`` most recently used engines, never ``but``'s."""
        others = [key for key in self._engines if key != but]
        for key in others[: max(len(others) - keep, 0)]:
            self._engines.pop(key).dispose()

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()


def _commit_without_waiting_for_the_disk(dbapi_connection, _record) -> None:
    dbapi_connection.execute("pragma synchronous = normal")


class SqliteEventLogStorageKeepingConnections(SqliteEventLogStorage):
    """Dagster's SQLite event log (an index database and one database per run), its connections kept."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines = _Engines()
        self._tables_seen: set[str] = set()
        super().__init__(base_dir, inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        # As Dagster's own: under the storage's lock, the database made on its first use.
        with self._db_lock:
            index = self.conn_string_for_shard(INDEX_SHARD_NAME)
            engine = self._engines.get(self.conn_string_for_shard(shard))
            self._engines.dispose_least_recent(RUN_FILES_KEPT_OPEN, but=index)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # Dagster's asks on an engine of its own, for every asset check's result, and some callers hold
        # the storage's lock. A table once there stays (migrations only add them): kept once seen.
        if table_name not in self._tables_seen and super().has_table(table_name):
            self._tables_seen.add(table_name)
        return table_name in self._tables_seen

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            self._engines.dispose()


class SqliteRunStorageKeepingConnections(SqliteRunStorage):
    """Dagster's SQLite run storage (one database), its connections kept."""

    def __init__(self, conn_string: str, inst_data=None):
        self._engines = _Engines()
        self._engines_lock = threading.Lock()
        super().__init__(conn_string, inst_data)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._engines_lock:
            engine = self._engines.get(self._conn_string)
        with engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._engines_lock:
            self._engines.dispose()


class SqliteStorageKeepingConnections(DagsterSqliteStorage):
    """Dagster's default SQLite storage (runs, event logs, schedules under ``base_dir``), with the
    runs' and event logs' connections kept open."""

    def __init__(self, base_dir: str, inst_data=None):
        # Dagster's own __init__, with two of its storages replaced: the same folders.
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorageKeepingConnections.from_local(os.path.join(base_dir, "history", ""))
        self._event_log_storage = SqliteEventLogStorageKeepingConnections(os.path.join(base_dir, "history", "runs", ""))
        self._schedule_storage = SqliteScheduleStorage.from_local(os.path.join(base_dir, "schedules"))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)


def build_instance() -> DagsterInstance:
    """The instance ``DagsterInstance.get()`` gives, with ``SqliteStorageKeepingConnections`` in place of
    Dagster's default SQLite storage, in the same folders."""
    ref = InstanceRef.from_dir(os.environ["DAGSTER_HOME"])
    storage = ref.storage_data
    if storage is not None and (storage.module_name, storage.class_name) == DAGSTER_DEFAULT_STORAGE:
        kept = ConfigurableClassData(__name__, SqliteStorageKeepingConnections.__name__, storage.config_yaml)
        ref = ref._replace(storage_data=kept)
    return DagsterInstance.from_ref(ref)
