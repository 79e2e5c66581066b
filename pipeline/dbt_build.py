"""dbt in a process of its own, started early and run from the project parsed once.

A build needs no parse of its own: dbt's programmatic runner takes the parsed project as the last
``dbt parse`` saved it (pipeline/dbt_manifest.py; every build file has the catalog that parse names,
settings.BUILD_CATALOG) and runs the command in the build's profile and target folder. It runs in a
worker process (``python -m pipeline.dbt_build``), on a core of its own while the run records
dbt's results, and the CLI build starts that worker before it imports Dagster, so that dbt's
start-up (its import, the parsed project) is done by the time the landing is. The worker prints
dbt's log on its stderr and sends each event as the line dbt's JSON log would print. No Dagster here.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pipeline import settings
from pipeline.dbt_project import PARSED_STATE, TARGET_DIR, parse_lock
from pipeline.files import write_atomically
from pipeline.processes import child_environment

# The events the worker sends: each node's result, the start of a node, and every error.
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})
STAMP = TARGET_DIR / "manifest.sha256"  # what the parsed state was parsed from (pipeline/dbt_manifest.py)
MACROS_USED = TARGET_DIR / "macros_used.json"  # the macros the last build compiled (_warm_up)


@dataclass
class DbtOutcome:
    success: bool
    errors: list[str] = field(default_factory=list)  # dbt's error messages, in order
    exception: str | None = None  # what stopped dbt before it ran, if anything
    startup_s: float = 0.0  # from the command to dbt's first node: what start-up was not done before
    node_seconds: dict[str, float] = field(default_factory=dict)  # the nodes' own times, summed per kind


class DbtWorker:
    """A ``python -m pipeline.dbt_build`` process waiting for its command."""

    def __init__(self) -> None:
        # In this process's group: whatever stops the build stops its dbt.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.dbt_build"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_environment(),
        )
        self.environment = {k: os.environ.get(k) for k in (settings.BUILD_DB_ENV, settings.WAREHOUSE_ENV)}

    def run(self, args: Sequence[str], on_event: Callable[[dict], None]) -> DbtOutcome:
        start = time.perf_counter()
        log = threading.Thread(target=_copy_lines, args=(self.process.stderr, sys.stdout), daemon=True)
        log.start()
        self.process.stdin.write(json.dumps({"args": list(args)}) + "\n")
        self.process.stdin.close()
        outcome = None
        startup_s = 0.0
        for line in self.process.stdout:
            message = json.loads(line)
            if "outcome" in message:
                outcome = DbtOutcome(**message["outcome"])
            elif message["event"]["info"]["name"] == "NodeStart":
                startup_s = startup_s or time.perf_counter() - start
            else:
                on_event(message["event"])
        code = self.process.wait()
        log.join()
        if outcome is None:
            return DbtOutcome(success=False, exception=f"dbt's process ended with exit code {code} before it had finished")
        outcome.startup_s = startup_s or time.perf_counter() - start
        return outcome


_early: DbtWorker | None = None


def start_early() -> None:
    """Start the worker the next ``run_dbt`` of this process uses, while other work goes on."""
    global _early
    _early = DbtWorker()


def discard_early() -> None:
    """Stop a worker started early that no build used (no year could be loaded)."""
    global _early
    if _early is not None:
        _early.process.kill()
        _early.process.wait()
        _early = None


def run_dbt(args: Sequence[str], on_event: Callable[[dict], None]) -> DbtOutcome:
    """``dbt <args>`` on this warehouse's build file, in the worker started early if it is this
    warehouse's, or in one started now; ``on_event`` gets each result event and error as it happens."""
    global _early
    worker, _early = _early, None
    current = {k: os.environ.get(k) for k in (settings.BUILD_DB_ENV, settings.WAREHOUSE_ENV)}
    if worker is not None and worker.environment != current:
        worker.process.kill()
        worker = None
    return (worker or DbtWorker()).run(args, on_event)


def _copy_lines(source, target) -> None:
    for line in source:
        target.write(line)
    target.flush()


# ---- the worker process


def load_parsed_project():
    """dbt's Manifest as the last parse saved it, with the stamp of what it was parsed from."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder
    from dbt.version import __version__

    with parse_lock(shared=True):
        stamp = STAMP.read_text() if STAMP.exists() else ""
        manifest = Manifest.from_msgpack(PARSED_STATE.read_bytes(), decoder=extended_mashumuro_decoder)
    if manifest.metadata.dbt_version != __version__:
        raise RuntimeError(
            f"{PARSED_STATE} was parsed by dbt {manifest.metadata.dbt_version}, not {__version__}; "
            "load the definitions again to parse the project"
        )
    manifest.build_parent_and_child_maps()
    manifest.build_flat_graph()
    return manifest, stamp


def _serve() -> None:
    """The worker: start dbt and load the parsed project, then run the one command read from stdin."""
    events = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # dbt's own log lines must not mix with the events
    lock = threading.Lock()

    def send(message: dict) -> None:
        with lock:
            events.write(json.dumps(message, ensure_ascii=False) + "\n")
            events.flush()

    # dbt.log beside the build file keeps what the build's log has (each node, every error); at debug
    # level it also had every statement, 17,000 lines whose writing cost 0.25 s of a build.
    # DBT_LOG_LEVEL_FILE=debug gives them back.
    os.environ.setdefault("DBT_LOG_LEVEL_FILE", "info")
    # Imported now, while the build is busy elsewhere: dbt, its adapter and the profile's plugin.
    import dbt.adapters.duckdb
    import dbt.task.build  # noqa: F401
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    import pipeline.kpi.dbt_plugin  # noqa: F401

    try:
        project, stamp = load_parsed_project()
    except Exception:  # not parsed yet, or by another dbt: the build's definitions parse it first
        project, stamp = None, None
    options = _options(str(settings.dbt_target_dir()))
    lines: list[str] = []
    arrived = threading.Event()

    def read_command() -> None:
        lines.append(sys.stdin.readline())
        arrived.set()

    threading.Thread(target=read_command, daemon=True).start()
    if project is not None:
        _warm_up(project, options, until=arrived)
    arrived.wait()
    line = lines[0]
    if not line:
        return  # the build ended without running dbt
    args = json.loads(line)["args"]
    outcome = DbtOutcome(success=False)
    try:
        if project is None or not STAMP.exists() or STAMP.read_text() != stamp:
            project, _ = load_parsed_project()  # parsed again meanwhile
    except Exception as error:
        outcome.exception = f"{type(error).__name__}: {error}"
        send({"outcome": outcome.__dict__})
        return

    def report(message) -> None:
        name, level = message.info.name, message.info.level
        if level == "error":
            outcome.errors.append(message.info.msg)
        if name in RESULT_EVENTS or name == "NodeStart" or level == "error":
            event = msg_to_dict(message)
            if name in RESULT_EVENTS:
                kind = event["data"]["node_info"]["resource_type"]
                outcome.node_seconds[kind] = outcome.node_seconds.get(kind, 0.0) + (event["data"].get("execution_time") or 0.0)
            send({"event": event})

    # The parsed project and dbt's modules live as long as this process: frozen, they leave the garbage
    # collector's generations, which every collection during the run had traversed (0.5 s of a build).
    gc.freeze()
    # --no-write-json: dbt's artifacts (manifest, run results) cost it most of a second and nothing reads
    # them; its log beside them, and the build's, say what ran.
    result = dbtRunner(manifest=project, callbacks=[report]).invoke([*args, *options, "--no-write-json"])
    _record_macros_used(project)
    outcome.success = result.success
    if result.exception is not None:
        outcome.exception = str(result.exception)
    # dbt-duckdb keeps the database open until the process exits; closed now, the build file is whole
    # (checkpointed) when the build reads it. The process then ends without tearing dbt down, as the
    # build waits for its end.
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    if DuckDBConnectionManager._ENV is not None:
        DuckDBConnectionManager._ENV.close()
    send({"outcome": outcome.__dict__})
    sys.stderr.flush()
    os._exit(0)


def _options(target: str) -> list[str]:
    """The options of every dbt command of the worker: this project, its profile, the build's target."""
    project = str(settings.DBT_PROJECT_DIR)
    return ["--project-dir", project, "--profiles-dir", project, "--target-path", target, "--log-path", target]


def _warm_up(project, options: list[str], until: threading.Event) -> None:
    """What dbt does only the first time in a process, done before the build's command arrives (the
    worker is ready about a second before it): ``dbt ls`` (reading the flags, profile and project
    validates them against schemas built once per process, and registers the adapter), then the
    macros' Jinja templates, compiled once per process (``_macros_to_compile``). It stops at the
    first macro after the command arrived. ``ls`` opens no database, so the build file is untouched."""
    from dbt.cli.main import dbtRunner
    from dbt_common.clients.jinja import template_cache

    quiet = ["--log-level", "none", "--log-level-file", "none", "--no-write-json"]
    try:
        dbtRunner(manifest=project).invoke(["ls", "--resource-type", "exposure", *quiet, *options])
    except Exception:  # only a warm-up: the command itself says what is wrong
        return
    for macro in _macros_to_compile(project):
        if until.is_set():
            return
        template_cache.get_node_template(macro)


def _macros_to_compile(project) -> list:
    """The macros the last build had compiled (about 200 of the 550: its warm-up's and those its run
    called), or, before any build recorded them, the project's own and the adapter's."""
    try:
        used = set(json.loads(MACROS_USED.read_text()))
    except (OSError, ValueError):
        used = set()
    return [macro for macro in project.macros.values() if macro.unique_id in used] or [
        macro for macro in project.macros.values() if macro.package_name in (project.metadata.project_name, "dbt_duckdb")
    ]


def _record_macros_used(project) -> None:
    """Which macros this worker compiled, for the next worker's warm-up; beside the parsed project, whose
    macros they are. Only a hint: a failed write leaves the last one."""
    from dbt_common.clients.jinja import template_cache

    used = sorted(macro.unique_id for macro in project.macros.values() if macro.macro_sql in template_cache.file_cache)
    with contextlib.suppress(OSError):
        write_atomically(MACROS_USED, json.dumps(used, indent=0).encode())


if __name__ == "__main__":
    _serve()
