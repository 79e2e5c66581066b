"""The dbt project as Dagster sees it, and its manifest, parsed again only when the project changed."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import re
import subprocess
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

# What a parse reads: the project's files, its seeds, the profile and the dbt versions.
_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "models", "seeds", "macros", "tests",
                  "snapshots", "analyses")
_ENV_VAR = re.compile(r"env_var\(\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]")


def parse_environment() -> dict[str, str]:
    """The environment the manifest is parsed in: the default warehouse's paths, whatever warehouse
    this process builds, so the manifest Dagster loads is the same for every warehouse and a build of
    another warehouse does not parse again (dbt's own parse in each build reads that build's profile)."""
    pinned = {settings.RAW_DIR_ENV, settings.WAREHOUSE_ENV, settings.BUILD_DB_ENV}
    return {**{k: v for k, v in os.environ.items() if k not in pinned},
            settings.BUILD_DB_ENV: str(settings.build_path_of(settings.DEFAULT_WAREHOUSE))}


def project_hash(project_dir: Path, environment: dict[str, str]) -> str:
    """A hash of everything a ``dbt parse`` of the project reads: the contents of its files, the
    values of the environment variables they name (``env_var(...)``, the profile's among them) and the
    versions of dbt and its adapter."""
    digest = hashlib.sha256()
    names = set()
    for name in _PROJECT_FILES:
        path = project_dir / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in files:
            content = file.read_bytes()
            digest.update(f"{file.relative_to(project_dir)}\0{len(content)}\0".encode())
            digest.update(content)
            if file.suffix in (".yml", ".yaml", ".sql"):
                names.update(_ENV_VAR.findall(content.decode("utf-8", errors="replace")))
    for name in sorted(names):
        digest.update(f"env {name}={environment.get(name)}\0".encode())
    for package in ("dbt-core", "dbt-duckdb", "dagster-dbt"):
        digest.update(f"{package} {importlib.metadata.version(package)}\0".encode())
    return digest.hexdigest()


# dbt writes its artifacts in place, so a killed run leaves them cut short: parse into a folder of
# its own and move the manifest Dagster loads into place in one step. Builds use a target folder of
# their own warehouse (settings.dbt_target_dir).
PARSE_TARGET = Path("target") / "parse"


def ensure_manifest() -> Path:
    """``target/manifest.json``, from ``dbt parse`` unless it was parsed from the project as it is now.

    Processes that load the definitions at once (a build beside the UI) parse one after the other."""
    manifest = dbt_project.manifest_path
    stamp = manifest.with_name("manifest.sha256")
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.with_name("parse.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        environment = parse_environment()
        current = project_hash(dbt_project.project_dir, environment)
        if not (manifest.exists() and stamp.exists() and stamp.read_text() == current and _complete(manifest)):
            subprocess.run([settings.DBT_EXECUTABLE, "parse", "--quiet", "--target-path", str(PARSE_TARGET)],
                           cwd=dbt_project.project_dir, check=True,
                           env={**environment, "DBT_PROFILES_DIR": str(dbt_project.profiles_dir),
                                "DBT_LOG_PATH": str(dbt_project.project_dir / PARSE_TARGET)})
            os.replace(dbt_project.project_dir / PARSE_TARGET / "manifest.json", manifest)
            stamp.write_text(current)
    return manifest


def _complete(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-16, os.SEEK_END)
        return handle.read().rstrip().endswith(b"}")
