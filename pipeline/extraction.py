"""Extract a set of fiscal years from raw/ into the landing, and say what the warehouse will load.

The one entry point of extraction for the CLI build and the Dagster assets: unchanged files are not
read again; the others are read in parallel, each in a process of its own under the per-file
limits (pipeline/limits.py); each year's rows are checked and landed, or its failure recorded. The
result is what became of each year and the load plan of every file in raw/. Plain Python, no Dagster.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline import settings
from pipeline.extract import Sheet, SheetError, read_sheet
from pipeline.landing import LandedYear, is_landed, land_year, read_manifest, record_failure
from pipeline.limits import LimitExceeded, run_bounded
from pipeline.load_plan import LoadPlan, plan_load
from pipeline.raw_files import RawFile, files_by_year, scan_raw_dir


class MissingYears(ValueError):
    """Fiscal years asked for that no file in raw/ gives."""


@dataclass(frozen=True)
class YearExtraction:
    """What became of one fiscal year: its landing, or why its files could not be landed."""

    fiscal_year: int
    files: list[RawFile]
    read: bool  # its files were read now; False when the landing held them already
    landed: LandedYear | None  # None when they could not be landed
    error: str | None = None

    def describe(self) -> str:
        """One line for a log: the rows landed and from which file, or the reason."""
        if self.landed is None:
            return f"FY{self.fiscal_year}: {self.error}"
        landed = self.landed
        return (
            f"FY{self.fiscal_year}: {landed.rows} rows from {landed.used_file}"
            + ("" if self.read else " (unchanged, not read again)")
            + (f"; {len(landed.problems)} quarantined" if landed.problems else "")
            + (f"; {landed.note}" if landed.note else "")
        )


@dataclass(frozen=True)
class Extraction:
    """The years extracted, and the load plan of raw/ after it."""

    years: list[YearExtraction]
    plan: LoadPlan

    @property
    def failures(self) -> list[YearExtraction]:
        return [year for year in self.years if year.landed is None]


def extract_years(raw_dir: Path, landing_dir: Path, years: Iterable[int] | None = None) -> Extraction:
    """Extract ``years`` (every fiscal year raw/ gives, when None) into the landing.

    A year whose files the landing holds from the same contents and reader version is not read
    again; a year that cannot be read keeps its earlier rows, and its failure is recorded for the
    plan. Raises MissingYears for a year no file gives."""
    files = scan_raw_dir(raw_dir, landing_dir)
    by_year = files_by_year(files)
    wanted = list(by_year) if years is None else sorted(set(years))
    missing = [year for year in wanted if year not in by_year]
    if missing:
        raise MissingYears(f"no file in {raw_dir} gives fiscal year {', '.join(map(str, missing))}")
    stale = [year for year in wanted if not is_landed(landing_dir, year, by_year[year])]
    sheets = extract_files([file.path for year in stale for file in by_year[year]])
    outcomes = [_land(landing_dir, year, by_year[year], sheets if year in stale else None) for year in wanted]
    return Extraction(outcomes, plan_load(files, landing_dir))


def _land(landing_dir: Path, year: int, files: list[RawFile], sheets: dict[Path, Sheet | SheetError] | None) -> YearExtraction:
    """Land a year from its files' sheets (None: the landing holds them already)."""
    if sheets is None:
        return YearExtraction(year, files, read=False, landed=read_manifest(landing_dir, year))
    try:
        errors = [sheets[f.path] for f in files if isinstance(sheets[f.path], SheetError)]
        if errors:
            raise errors[0]
        return YearExtraction(year, files, read=True, landed=land_year(landing_dir, year, files, [sheets[f.path] for f in files]))
    except SheetError as error:
        record_failure(landing_dir, year, files, str(error))
        return YearExtraction(year, files, read=True, landed=None, error=str(error))


def extract_files(paths: list[Path]) -> dict[Path, Sheet | SheetError]:
    """Each file's sheet or the reason it cannot be read, every file in a process of its own under
    the per-file limits: several files are read in parallel, a single one with its pages in parallel."""
    results = run_bounded(
        read_sheet,
        [(path,) for path in paths],
        settings.file_limits(),
        parallel=settings.available_cores(),
        workers=1 if len(paths) > 1 else None,
    )
    sheets = {}
    for path, result in zip(paths, results):
        if isinstance(result, LimitExceeded):
            result = SheetError(path.name, result.problem)
        elif not isinstance(result, (Sheet, SheetError)):
            raise result  # a fault of the reader itself, not of the file
        sheets[path] = result
    return sheets


def try_extract(path: Path, workers: int | None = None) -> Sheet | SheetError:
    """One file's sheet, or the reason it cannot be read; a module-level function for worker processes."""
    try:
        return read_sheet(path, workers=workers)
    except SheetError as error:
        return error
