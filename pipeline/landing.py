"""The landing: each fiscal year's extracted rows on disk, with a manifest of the files they came from.

Each year's rows are kept as one Parquet file beside a manifest of the source files' content hashes
and the reader version, so a build reads a sheet again only when its content (or the reader)
changed. A year whose files cannot be read keeps the rows landed from its earlier files, and the
failure is recorded beside them. Plain Python, no Dagster.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from pipeline.extract import ROW_FIELDS, SheetError, layout
from pipeline.extract.records import Sheet
from pipeline.extract.validation import validate
from pipeline.files import write_json
from pipeline.raw_files import RawFile, files_by_year
from pipeline.reader_version import READER_VERSION

# The landed Parquet's columns: the sheet's fields (numbers as integers), the file's hash and title.
_INTEGERS = {"fiscal_year", "initiative_no", "sub_row", "direction_no", "subarea_no", "achievement_code", "source_page"}
ROW_SCHEMA = {
    **{name: "INTEGER" if name in _INTEGERS else "VARCHAR" for name in ROW_FIELDS},
    "source_sha256": "VARCHAR",
    "sheet_title": "VARCHAR",
}


@dataclass(frozen=True)
class LandedYear:
    """What a year's landing holds: the file its rows came from, and every file that gave the year."""

    fiscal_year: int
    rows: int
    used_file: str
    files: tuple[dict, ...]  # {"name", "sha256", "rows"} for each file of the year
    note: str  # e.g. a duplicate file that was set aside
    problems: tuple[dict, ...]  # quarantined rows and sheet faults (RowProblem dicts)
    reader_version: str  # READER_VERSION of the code that read it


def landed_path(landing_dir: Path, fiscal_year: int) -> Path:
    return landing_dir / f"fy{fiscal_year}.parquet"


def _manifest_path(landing_dir: Path, fiscal_year: int) -> Path:
    return landing_dir / f"fy{fiscal_year}.json"


def _failure_path(landing_dir: Path, fiscal_year: int) -> Path:
    return landing_dir / f"fy{fiscal_year}.failed.json"


def read_manifest(landing_dir: Path, fiscal_year: int) -> LandedYear | None:
    path = _manifest_path(landing_dir, fiscal_year)
    if not path.exists() or not landed_path(landing_dir, fiscal_year).exists():
        return None
    data = json.loads(path.read_text())
    return LandedYear(
        **{
            **data,
            "files": tuple(data["files"]),
            "problems": tuple(data.get("problems", ())),
            "reader_version": data.get("reader_version", ""),
        }
    )


def _same_files(recorded: list[dict] | tuple[dict, ...], files: list[RawFile]) -> bool:
    return sorted((f["name"], f["sha256"]) for f in recorded) == sorted((f.path.name, f.sha256) for f in files)


def is_landed(landing_dir: Path, fiscal_year: int, files: list[RawFile]) -> bool:
    """Whether the year's landing was made from exactly these files' contents."""
    manifest = read_manifest(landing_dir, fiscal_year)
    return manifest is not None and manifest.reader_version == READER_VERSION and _same_files(manifest.files, files)


def read_failure(landing_dir: Path, fiscal_year: int, files: list[RawFile]) -> str | None:
    """Why these files of the year could not be landed, if that was already found out."""
    path = _failure_path(landing_dir, fiscal_year)
    if not path.exists():
        return None
    failure = json.loads(path.read_text())
    current = failure.get("reader_version") == READER_VERSION and _same_files(failure["files"], files)
    return failure["error"] if current else None


def record_failure(landing_dir: Path, fiscal_year: int, files: list[RawFile], error: str) -> None:
    files_json = [{"name": f.path.name, "sha256": f.sha256} for f in files]
    landing_dir.mkdir(parents=True, exist_ok=True)
    write_json(_failure_path(landing_dir, fiscal_year), {"files": files_json, "error": error, "reader_version": READER_VERSION})


def land_year(landing_dir: Path, fiscal_year: int, files: list[RawFile], sheets: list[Sheet]) -> LandedYear:
    """Write a year's checked rows from its sheets; several files for one year must hold the same rows."""
    (used_file, used), note = _one_sheet_per_year(fiscal_year, files, sheets)
    checked = validate(used)
    rows = [{**row.to_dict(), "source_sha256": used_file.sha256, "sheet_title": used.title} for row in checked.rows]
    landing_dir.mkdir(parents=True, exist_ok=True)
    target = landed_path(landing_dir, fiscal_year)
    tmp = target.with_suffix(".parquet.tmp")
    _write_parquet(tmp, rows)
    os.replace(tmp, target)
    landed = LandedYear(
        fiscal_year=fiscal_year,
        rows=len(rows),
        used_file=used_file.path.name,
        files=tuple({"name": f.path.name, "sha256": f.sha256, "rows": len(s.rows)} for f, s in zip(files, sheets)),
        note=note,
        problems=tuple(problem.to_dict() for problem in checked.problems),
        reader_version=READER_VERSION,
    )
    write_json(_manifest_path(landing_dir, fiscal_year), asdict(landed))
    _failure_path(landing_dir, fiscal_year).unlink(missing_ok=True)
    return landed


def _write_parquet(path: Path, rows: list[dict]) -> None:
    columns = ", ".join(f'"{name}" {kind}' for name, kind in ROW_SCHEMA.items())
    with duckdb.connect() as con:
        con.execute(f"create table landed ({columns})")
        if rows:
            con.executemany(
                f"insert into landed values ({', '.join('?' * len(ROW_SCHEMA))})",
                [tuple(row[name] for name in ROW_SCHEMA) for row in rows],
            )
        con.execute("copy landed to ? (format parquet)", [str(path)])


def _one_sheet_per_year(fiscal_year: int, files: list[RawFile], sheets: list[Sheet]) -> tuple[tuple[RawFile, Sheet], str]:
    first_file, first = files[0], sheets[0]
    for other_file, other in zip(files[1:], sheets[1:]):
        if _comparable(first) != _comparable(other):
            raise SheetError(
                other_file.path.name,
                f"gives fiscal year {fiscal_year} like {first_file.path.name}, but the two sheets' rows differ; "
                f"keep only the right file for {fiscal_year} in raw/",
            )
    duplicates = [f.path.name for f in files[1:]]
    note = (
        f"{', '.join(duplicates)} holds the same rows as {first_file.path.name}; used {first_file.path.name}"
        if duplicates
        else ""
    )
    return (first_file, first), note


def _comparable(sheet: Sheet) -> list[tuple]:
    """A sheet's rows with whitespace and the source fields aside, to tell duplicate files apart."""
    return [
        tuple(layout.compact(v) if isinstance(v, str) else v for k, v in row.to_dict().items() if not k.startswith("source_"))
        for row in sheet.rows
    ]


def up_to_date_years(files: list[RawFile], landing_dir: Path, published: dict[int, set[str]]) -> list[int]:
    """The fiscal years of raw/ that an extraction would not change: their files' contents were
    landed by this reader version and the published warehouse holds the rows of the file used (given
    as each year's content hashes in ``published``), or they were found unreadable already."""
    years = []
    for year, year_files in files_by_year(files).items():
        manifest = read_manifest(landing_dir, year)
        landed = is_landed(landing_dir, year, year_files)
        used = next((f.sha256 for f in year_files if landed and f.path.name == manifest.used_file), None)
        if (used is not None and published.get(year) == {used}) or read_failure(landing_dir, year, year_files):
            years.append(year)
    return years
