"""The build lock as a Dagster resource: a run that writes the landing or the build file holds the
warehouse's build lock (pipeline/build_lock.py) from its start to its end.

Runs execute in one process (the code location's executor is in-process), so the resource is set up
once per run and its lock spans every step: the landing, dbt and the publish of one run never
interleave with another build's. Runs of the CLI hold the lock already; taking it again is free.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from dagster import ConfigurableResource, InitResourceContext

from pipeline import build_lock, settings

BUILD_LOCK = "build_lock"


class WarehouseBuildLock(ConfigurableResource):
    """Waits for any other build of the warehouse, then holds its lock for the run."""

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator["WarehouseBuildLock"]:
        run = context.run
        what = f"Dagster run {run.run_id} ({run.job_name})" if run else "a Dagster run"

        def tell(holder: str) -> None:
            context.log.info(f"waiting for the other build of {settings.warehouse_path()} to finish ({holder})")

        with build_lock.hold(settings.build_lock_path(), what, on_wait=tell):
            yield self
