"""What a parse of the dbt project reads, as a hash, and the environment it is parsed in.

The manifest Dagster loads, and that every build runs dbt from, is parsed once per content of the
project (pipeline/dbt_manifest.py); the published warehouse records the same hash of what it was
built from (pipeline/build_inputs.py). Plain Python: neither dbt nor Dagster is imported.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import settings

TARGET_DIR = settings.DBT_PROJECT_DIR / "target"
# dbt parse's own output: the manifest Dagster loads is moved out of it, and its parsed state
# (``partial_parse.msgpack``, the whole parsed project) is what builds run dbt from.
PARSE_DIR = TARGET_DIR / "parse"
PARSED_STATE = PARSE_DIR / "partial_parse.msgpack"


@contextmanager
def parse_lock(shared: bool = False) -> Iterator[None]:
    """Held while the project is parsed (exclusive) or its parsed state read (shared)."""
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(TARGET_DIR / "parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield


# What a parse reads: the project's files, its seeds, the profile and the dbt versions.
_PROJECT_FILES = (
    "dbt_project.yml",
    "profiles.yml",
    "packages.yml",
    "models",
    "seeds",
    "macros",
    "tests",
    "snapshots",
    "analyses",
)
_ENV_VAR = re.compile(r"env_var\(\s*['\"]([A-Za-z_][A-Za-z0-9_]*)['\"]")


def parse_environment() -> dict[str, str]:
    """The environment the manifest is parsed in: the default warehouse's paths, whatever warehouse
    this process builds, so the manifest is the same for every warehouse (every build file has the
    catalog it names, settings.BUILD_CATALOG) and a build of another warehouse does not parse again."""
    pinned = {settings.RAW_DIR_ENV, settings.WAREHOUSE_ENV, settings.BUILD_DB_ENV}
    return {
        **{k: v for k, v in os.environ.items() if k not in pinned},
        settings.BUILD_DB_ENV: str(settings.build_path_of(settings.DEFAULT_WAREHOUSE)),
    }


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
