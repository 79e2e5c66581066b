"""The dbt project as Dagster sees it, and its manifest, parsed again only when the project changed.

One ``dbt parse`` per content of the project (pipeline/dbt_project.py) writes both the manifest
Dagster loads its assets from and dbt's own parsed state, from which every build runs dbt without
parsing again (pipeline/dbt_build.py).
"""

from __future__ import annotations

import os
import subprocess

from dagster_dbt import DbtProject

from pipeline import settings
from pipeline.dbt_project import PARSE_DIR, PARSED_STATE, parse_environment, parse_lock, project_hash

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def ensure_manifest():
    """``target/manifest.json``, from ``dbt parse`` unless it was parsed from the project as it is now.

    dbt writes its artifacts in place, so a killed parse leaves them cut short: it parses into a
    folder of its own (with its parsed state) and the manifest Dagster loads is moved into place in
    one step. Processes that load the definitions at once (a build beside the UI) parse one after
    the other."""
    manifest = dbt_project.manifest_path
    stamp = manifest.with_name("manifest.sha256")
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with parse_lock():
        environment = parse_environment()
        current = project_hash(dbt_project.project_dir, environment)
        fresh = stamp.exists() and stamp.read_text() == current and PARSED_STATE.exists()
        if not (fresh and manifest.exists() and _complete(manifest)):
            stamp.unlink(missing_ok=True)
            # --partial-parse: the parsed state is what builds run from, whatever DBT_PARTIAL_PARSE says.
            subprocess.run(
                [settings.DBT_EXECUTABLE, "parse", "--quiet", "--partial-parse", "--target-path", str(PARSE_DIR)],
                cwd=dbt_project.project_dir,
                check=True,
                env={**environment, "DBT_PROFILES_DIR": str(dbt_project.profiles_dir), "DBT_LOG_PATH": str(PARSE_DIR)},
            )
            os.replace(PARSE_DIR / "manifest.json", manifest)
            stamp.write_text(current)
    return manifest


def _complete(path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-16, os.SEEK_END)
        return handle.read().rstrip().endswith(b"}")
