"""Transform: the dbt project, each model an asset and each dbt test an asset check.

dbt runs from the project parsed once, in a worker process (pipeline/dbt_build.py); its result events
become Dagster's materialisations and check results through dagster-dbt's own translation, as they
would from dbt's own command.
"""

import os
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, Failure, MetadataValue, Output
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_EXCLUDE_METADATA_KEY,
    DAGSTER_DBT_SELECT_METADATA_KEY,
    DAGSTER_DBT_SELECTOR_METADATA_KEY,
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from pipeline import settings, timings
from pipeline.assets.metadata import OWNERS, markdown_table
from pipeline.assets.resources import WarehouseBuildLock
from pipeline.dbt_build import DbtOutcome, run_dbt
from pipeline.dbt_manifest import ensure_manifest


class WarehouseTranslator(DagsterDbtTranslator):
    """Asset keys mirror the warehouse (``marts/fct_evaluation``); groups follow the model folders."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props["config"]["schema"] or "main", dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return dbt_resource_props["fqn"][1]

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator)
def warehouse_models(context: AssetExecutionContext, build_lock: WarehouseBuildLock):
    """``dbt build`` of the selected models, seeds and tests into the build file; each table's
    materialisation carries its row count and a preview of its first rows. ``build_lock`` is held
    for the run (dbt writes the build file)."""
    manifest, dbt_translator, project = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    # dbt's unit tests check the SQL's logic, not the data: the test suite runs them
    # (tests/test_dbt_unit_tests.py), builds need not.
    args = ["build", "--exclude-resource-type", "unit_test", *_selection(context, manifest, dbt_translator)]
    outputs = []
    started = time.perf_counter()
    dbt = _DbtThread(args)
    for raw_event in dbt:
        event = DbtCoreCliEventMessage(raw_event=raw_event, event_history_metadata={})
        for dagster_event in event.to_default_asset_events(
            manifest=manifest, dagster_dbt_translator=dbt_translator, context=context, project=project
        ):
            if isinstance(dagster_event, Output):
                outputs.append(dagster_event)
            else:
                recording = time.perf_counter()
                yield dagster_event  # a check result, recorded while dbt runs its next nodes
                timings.detail("Dagster recording dbt's check results", time.perf_counter() - recording)
    outcome = dbt.outcome
    timings.add("dbt start-up (what was not done before the landing was)", outcome.startup_s)
    timings.add(
        "dbt nodes (models, seeds, tests), their check results recorded meanwhile",
        time.perf_counter() - started - outcome.startup_s,
    )
    for kind, seconds in outcome.node_seconds.items():
        timings.detail(f"dbt {kind}s", seconds)
    # dbt holds the build file while it runs, so the tables are read once it has finished.
    with timings.stage("metadata pass after dbt (row counts and previews of tables)"):
        metadata = _table_metadata([context.asset_key_for_output(output.output_name) for output in outputs])
    with timings.stage("Dagster recording dbt's materialisations"):
        for output, extra in zip(outputs, metadata):
            yield output.with_metadata({**output.metadata, **extra})
    if not outcome.success:
        if outcome.exception is not None:
            print(f"dbt stopped: {outcome.exception}", flush=True)  # into the build's log, where the CLI points
        messages = [*outcome.errors, *([str(outcome.exception)] if outcome.exception else [])]
        raise Failure(
            description="dbt build failed:\n" + "\n".join(messages),
            metadata={"dbt_log": MetadataValue.path(str(settings.dbt_target_dir() / "dbt.log"))},
        )


def _selection(context: AssetExecutionContext, manifest: Mapping[str, Any], dbt_translator: DagsterDbtTranslator) -> list[str]:
    """dbt's selection for the assets and checks this run materialises, as dagster-dbt computes it."""
    selection, indirect = get_subset_selection_for_context(
        context=context,
        manifest=manifest,
        select=context.op.tags.get(DAGSTER_DBT_SELECT_METADATA_KEY),
        exclude=context.op.tags.get(DAGSTER_DBT_EXCLUDE_METADATA_KEY),
        selector=context.op.tags.get(DAGSTER_DBT_SELECTOR_METADATA_KEY),
        dagster_dbt_translator=dbt_translator,
        current_dbt_indirect_selection_env=os.getenv("DBT_INDIRECT_SELECTION"),
    )
    return [*selection, *(["--indirect-selection", indirect] if indirect else [])]


_DONE = object()


class _DbtThread:
    """dbt running in a thread of its own; iterating gives its result events as they happen, and
    ``outcome`` what it ended with."""

    def __init__(self, args: list[str]):
        self._events: queue.Queue = queue.Queue()
        self._result: list = []
        self._thread = threading.Thread(target=self._run, args=(args,), name="dbt", daemon=True)
        self._thread.start()

    def _run(self, args: list[str]) -> None:
        try:
            self._result.append(run_dbt(args, self._events.put))
        except BaseException as error:  # raised again in the step's own thread
            self._result.append(error)
        finally:
            self._events.put(_DONE)

    def __iter__(self) -> Iterator[dict]:
        while (event := self._events.get()) is not _DONE:
            yield event
        self._thread.join()

    @property
    def outcome(self) -> DbtOutcome:
        (result,) = self._result
        if isinstance(result, BaseException):
            raise result
        return result


def _table_metadata(keys: list[AssetKey]) -> list[dict]:
    """Row count and a preview of the first rows of each model that is a table. A view is not
    queried: its rows are its query's, which for the heavy intermediate views means running it again."""
    out = []
    with duckdb.connect(str(settings.build_path()), read_only=True) as con:
        tables = {
            f"{schema}.{name}" for schema, name in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        }
        for relation in (".".join(key.path) for key in keys):
            if relation not in tables:
                out.append({"materialized": "view"})
                continue
            count = con.execute(f"select count(*) from {relation}").fetchone()[0]
            cursor = con.execute(f"select * from {relation} limit 5")
            columns = [d[0] for d in cursor.description]
            preview = [dict(zip(columns, row)) for row in cursor.fetchall()]
            out.append({"dagster/row_count": count, "preview": MetadataValue.md(markdown_table(preview, max_cell=40))})
    return out
