"""A build with nothing to do: the published warehouse records what it was built from, and a build of
raw/ and the code as they are says "warehouse up to date" without Dagster or dbt, writing only a
report or export that is missing or older than the warehouse."""

import os
import shutil

import pytest
from conftest import FY2022_TEXT, REPO, run_pipeline

from pipeline import build_inputs, exit_codes
from pipeline.limits import FILE_MEMORY_MB_ENV
from pipeline.up_to_date import stale_outputs

OUTPUTS = ("report", "parquet", "csv")


def test_the_warehouse_records_what_it_was_built_from(built_warehouse):
    recorded = build_inputs.recorded(built_warehouse)
    assert recorded == build_inputs.current(REPO / "raw")
    kinds = {kind for kind, _, _ in recorded}
    assert kinds == {"raw file", "reader version", "dbt project", "warehouse code", "file limits"}
    ((_, name, sha),) = [row for row in recorded if row[0] == "raw file"]
    assert name == next((REPO / "raw").glob("*.txt")).name and len(sha) == 64


def test_what_a_build_is_made_from_changes_with_contents_not_times(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FY2022_TEXT, raw / "a.txt")
    before = build_inputs.current(raw)
    os.utime(raw / "a.txt", (0, 0))
    assert build_inputs.current(raw) == before
    (raw / "README.md").write_text("notes", encoding="utf-8")
    assert ("raw file set aside", "README.md", "") in build_inputs.current(raw)
    (raw / "README.md").unlink()
    (raw / "a.txt").write_text(FY2022_TEXT.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build_inputs.current(raw) != before
    shutil.copy(FY2022_TEXT, raw / "a.txt")
    monkeypatch.setenv(FILE_MEMORY_MB_ENV, "100")  # a file refused over a limit may be read under another
    assert build_inputs.current(raw) != before


@pytest.fixture
def published(built_warehouse, tmp_path):
    """A copy of the built warehouse with its report and exports (times kept) and of the raw/ it was built from."""
    raw, target = tmp_path / "raw", tmp_path / "out" / built_warehouse.name
    shutil.copytree(REPO / "raw", raw)
    target.parent.mkdir()
    shutil.copy2(built_warehouse, target)
    for name in OUTPUTS:
        shutil.copytree(built_warehouse.parent / name, target.parent / name)
    return raw, target


def without_dagster_or_dbt(tmp_path) -> dict:
    """An environment in which importing Dagster or dbt fails."""
    fake = tmp_path / "fake_packages"
    for package in ("dagster", "dagster_dbt", "dbt"):
        (fake / package).mkdir(parents=True)
        (fake / package / "__init__.py").write_text(f"raise ImportError('{package} was imported')\n")
    return {"PYTHONPATH": str(fake)}


def test_a_build_with_nothing_changed_says_so_without_dagster_or_dbt(published, tmp_path):
    raw, target = published
    before = target.read_bytes()
    result = run_pipeline(
        "build", "--raw-dir", str(raw), "--warehouse", str(target), "--timings", env=without_dagster_or_dbt(tmp_path)
    )
    assert result.returncode == exit_codes.PUBLISHED
    *files, last = result.stdout.rstrip("\n").splitlines()
    assert last.startswith(f"warehouse up to date: {target} (FY2022)") and last.endswith("(--force rebuilds)")
    assert files == [f"  loaded    FY2022  {next(raw.iterdir()).name}: 127 rows"]
    assert target.read_bytes() == before
    assert "checking what the warehouse was built from" in result.stderr and "dbt" not in result.stderr
    assert not (target.parent / ".build" / f"{target.stem}.log").exists()  # no run, no log


def test_a_missing_report_is_written_again_from_the_warehouse(published):
    raw, target = published
    (target.parent / "report" / "index.html").unlink()
    assert stale_outputs(target) == ["html_report"]
    result = run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(target))
    assert result.returncode == exit_codes.PUBLISHED
    assert "warehouse up to date" in result.stdout.splitlines()[-1]
    assert (target.parent / "report" / "index.html").is_file()
    assert stale_outputs(target) == []


def test_an_export_older_than_the_warehouse_is_stale(published):
    _, target = published
    assert stale_outputs(target) == []
    parquet = next((target.parent / "parquet").glob("*.parquet"))
    os.utime(parquet, ns=(0, 0))
    assert stale_outputs(target) == ["parquet_export"]
    shutil.rmtree(target.parent / "csv")
    assert stale_outputs(target) == ["parquet_export", "csv_export"]


def test_a_new_file_in_raw_makes_the_warehouse_out_of_date(published):
    raw, target = published
    assert build_inputs.recorded(target) == build_inputs.current(raw)
    (raw / "new.txt").write_text("memo", encoding="utf-8")
    assert build_inputs.recorded(target) != build_inputs.current(raw)
