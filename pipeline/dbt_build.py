"""dbt, run in this process from the project parsed once (pipeline/dbt_manifest.py).

A build needs no second Python nor a parse of its own: dbt's programmatic runner takes the parsed
project as it was saved by the last ``dbt parse`` (every build file has the catalog that parse
names, settings.BUILD_CATALOG) and runs the command in this build's profile and target folder.
dbt reports each event to ``on_event`` as the line its JSON log would print. No Dagster here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline import settings
from pipeline.dbt_project import PARSED_STATE, parse_lock

# The events a caller is given: each node's result, and every error.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})


@dataclass
class DbtOutcome:
    success: bool
    errors: list[str] = field(default_factory=list)  # dbt's error messages, in order
    exception: BaseException | None = None  # what stopped dbt before it ran, if anything
    startup_s: float = 0.0  # from the call to dbt's first node: its import, the parsed project, the connection
    node_seconds: dict[str, float] = field(default_factory=dict)  # the nodes' own times, summed per kind


def load_parsed_project():
    """dbt's Manifest as the last parse saved it."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder
    from dbt.version import __version__

    with parse_lock(shared=True):
        manifest = Manifest.from_msgpack(PARSED_STATE.read_bytes(), decoder=extended_mashumuro_decoder)
    if manifest.metadata.dbt_version != __version__:
        raise RuntimeError(f"{PARSED_STATE} was parsed by dbt {manifest.metadata.dbt_version}, not {__version__}; "
                           "load the definitions again to parse the project")
    manifest.build_parent_and_child_maps()
    manifest.build_flat_graph()
    return manifest


def _close_database() -> None:
    """dbt-duckdb keeps its DuckDB database open in the process for a next command (its profile's
    ``keep_open``); the build file is read and moved once dbt has finished, so it is closed here."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
        DuckDBConnectionManager.close_all_connections()


def run_dbt(args: Sequence[str], on_event: Callable[[dict], None]) -> DbtOutcome:
    """``dbt <args>`` on this warehouse's build file; ``on_event`` is called from dbt's threads."""
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    start = time.perf_counter()
    outcome = DbtOutcome(success=False)

    def report(message) -> None:
        name = message.info.name
        if name == "NodeStart" and not outcome.startup_s:
            outcome.startup_s = time.perf_counter() - start
        if message.info.level == "error":
            outcome.errors.append(message.info.msg)
        if name in RESULT_EVENTS or message.info.level == "error":
            event = msg_to_dict(message)
            if name in RESULT_EVENTS:
                kind = event["data"]["node_info"]["resource_type"]
                outcome.node_seconds[kind] = outcome.node_seconds.get(kind, 0.0) + (event["data"].get("execution_time") or 0.0)
            on_event(event)

    target = str(settings.dbt_target_dir())
    try:
        result = dbtRunner(manifest=load_parsed_project(), callbacks=[report]).invoke([
            *args, "--project-dir", str(settings.DBT_PROJECT_DIR), "--profiles-dir", str(settings.DBT_PROJECT_DIR),
            "--target-path", target, "--log-path", target,
        ])
    finally:
        _close_database()
    outcome.success, outcome.exception = result.success, result.exception
    return outcome
