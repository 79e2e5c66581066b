"""The dbt project as Dagster sees it, and its manifest, parsed again only when the project changed."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from pipeline import settings

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)

_PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")


def _newest_source_mtime(project_dir: Path) -> float:
    paths = [project_dir / name for name in _PROJECT_FILES]
    files = [p for path in paths if path.exists() for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()]
    return max(p.stat().st_mtime for p in files)


def ensure_manifest() -> Path:
    """``target/manifest.json``, from ``dbt parse`` if missing or older than the project's files."""
    manifest = dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(dbt_project.project_dir):
        settings.configure()
        DbtCliResource(project_dir=dbt_project, dbt_executable=settings.DBT_EXECUTABLE).cli(["parse", "--quiet"], target_path=Path("target")).wait()
    return manifest
