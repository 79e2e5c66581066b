"""The dbt project as Dagster sees it, and its manifest, parsed again only when the project changed."""

from __future__ import annotations

import importlib.metadata
import os
from functools import cached_property
from pathlib import Path

from packaging.version import Version

from dagster_dbt import DbtCliResource, DbtProject

from pipeline import settings

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource, without two start-up costs of each command.

    It opens the dbt adapter in-process, which only serves metadata this project does not fetch (row
    counts, column schemas) and, for DuckDB, is a second handle on the file dbt is writing; and it asks
    the dbt executable for its version, a second Python start. Each costs seconds of every build.
    """

    def _initialize_dbt_core_adapter(self, args):
        return None

    @cached_property
    def _cli_version(self) -> Version:
        return Version(importlib.metadata.version("dbt-core"))


def dbt_cli() -> WarehouseDbtCli:
    return WarehouseDbtCli(project_dir=dbt_project, dbt_executable=settings.DBT_EXECUTABLE)

_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")


def _newest_source_mtime(project_dir: Path) -> float:
    paths = [project_dir / name for name in _PROJECT_FILES]
    files = [p for path in paths if path.exists() for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()]
    return max(p.stat().st_mtime for p in files)


# dbt writes its artifacts in place, so a killed run leaves them cut short: parse into a folder of
# its own and move the manifest Dagster loads into place in one step; builds keep their own folder
# (and dbt's partial-parse state) apart.
PARSE_TARGET = Path("target") / "parse"
BUILD_TARGET = Path("target") / "build"


def ensure_manifest() -> Path:
    """``target/manifest.json``, from ``dbt parse`` if missing, damaged or older than the project's files."""
    manifest = dbt_project.manifest_path
    fresh = manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(dbt_project.project_dir)
    if not fresh or not _complete(manifest):
        settings.configure()
        dbt_cli().cli(["parse", "--quiet"], target_path=PARSE_TARGET).wait()
        os.replace(dbt_project.project_dir / PARSE_TARGET / "manifest.json", manifest)
    return manifest


def _complete(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-16, os.SEEK_END)
        return handle.read().rstrip().endswith(b"}")
