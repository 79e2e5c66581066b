"""dbt's documentation site of the published warehouse, as one static page: ``docs/index.html`` beside it.

``dbt docs generate`` reads the catalog (tables, columns, types, row counts) from the database of the
profile's target. The build target's file is moved away by publishing, so the ``docs`` target of
``dbt_project/profiles.yml`` opens the published warehouse instead, read-only: docs never write to
it, and a missing warehouse is an error rather than a new empty file. ``--static`` puts the manifest
and catalog inside the page, so it opens offline from the file system.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pipeline import settings

DOCS_TARGET = "docs"  # the profile's target
DBT_TARGET_PATH = Path("target") / "docs"  # dbt's own output, inside the dbt project
PAGE = "index.html"
ARTIFACTS = ("catalog.json", "manifest.json")  # beside the page, for tools that read dbt's artifacts


class DocsError(Exception):
    """The docs cannot be generated: no warehouse, dbt failed, or the catalog is missing models."""


@dataclass(frozen=True)
class DocsSite:
    page: Path
    models: int
    sources: int
    exposures: int


def default_docs_dir(warehouse: Path | None = None) -> Path:
    """``docs/`` beside the warehouse file: ``warehouse/docs/`` for the default warehouse."""
    return (warehouse or settings.warehouse_path()).parent / "docs"


def generate_docs(warehouse: Path, out_dir: Path) -> DocsSite:
    """Generate dbt's docs of ``warehouse`` into ``out_dir/index.html`` (with its catalog and manifest)."""
    if not warehouse.is_file():
        raise DocsError(f"{warehouse}: no warehouse file (run `python -m pipeline build` first)")
    target = settings.DBT_PROJECT_DIR / DBT_TARGET_PATH
    result = subprocess.run(
        [
            settings.DBT_EXECUTABLE,
            "docs",
            "generate",
            "--static",
            "--target",
            DOCS_TARGET,
            "--target-path",
            str(DBT_TARGET_PATH),
            "--log-path",
            str(target / "logs"),
            "--profiles-dir",
            str(settings.DBT_PROJECT_DIR),
            "--project-dir",
            str(settings.DBT_PROJECT_DIR),
        ],
        cwd=settings.DBT_PROJECT_DIR,
        env={**os.environ, settings.WAREHOUSE_ENV: str(warehouse)},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DocsError(f"{warehouse}: dbt docs generate failed:\n{_tail(result.stdout + result.stderr)}")
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    missing = missing_from_catalog(manifest, catalog)
    if missing:
        raise DocsError(
            f"{warehouse}: not in the warehouse, so not documented: {', '.join(missing)} "
            "(is it a warehouse of this project's current models? rebuild it)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in ARTIFACTS:
        _replace(target / name, out_dir / name)
    _replace(target / "static_index.html", out_dir / PAGE)
    return DocsSite(
        page=out_dir / PAGE,
        models=sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "model"),
        sources=len(manifest["sources"]),
        exposures=len(manifest["exposures"]),
    )


def missing_from_catalog(manifest: dict, catalog: dict) -> list[str]:
    """Models, seeds and sources of the manifest that the catalog (the database) does not have."""
    nodes = [uid for uid, n in manifest["nodes"].items() if n["resource_type"] in ("model", "seed")]
    return sorted(
        [uid for uid in nodes if uid not in catalog["nodes"]]
        + [uid for uid in manifest["sources"] if uid not in catalog["sources"]]
    )


def _replace(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
