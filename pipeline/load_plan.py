"""The load plan: which fiscal years the warehouse loads from the landing, and what became of every
file in raw/ (loaded, a duplicate, set aside, or refused and why). Plain Python, no Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.landing import is_landed, read_failure, read_manifest
from pipeline.raw_files import RawFile, files_by_year, scan_raw_dir


@dataclass(frozen=True)
class LoadPlan:
    """The years to load, and a line per file saying what became of it."""

    years: list[int]
    report: list[dict]  # {"file", "fiscal_year", "status", "rows", "message"}
    quarantine: list[dict] = field(default_factory=list)  # RowProblem dicts with their fiscal_year

    @property
    def refused(self) -> list[dict]:
        """The lines of files that are in raw/ to be read but were not (an ignored file is not one)."""
        return [item for item in self.report if item["status"] not in ("loaded", "duplicate", "ignored")]

    @property
    def failed(self) -> bool:
        return bool(self.quarantine or self.refused)


def current_plan(raw_dir: Path, landing_dir: Path) -> LoadPlan:
    """The plan for raw/ as it is now and what the landing holds."""
    return plan_load(scan_raw_dir(raw_dir, landing_dir), landing_dir)


def plan_load(files: list[RawFile], landing_dir: Path) -> LoadPlan:
    """What to load from the landing, and the fate of every file in raw/."""
    years: list[int] = []
    report: list[dict] = []
    quarantine: list[dict] = []
    for file in files:
        if file.fiscal_year is None:
            report.append(_line(file.path.name, None, "ignored" if file.ignored else "refused", 0, file.problem))
    for year, year_files in files_by_year(files).items():
        names = [f.path.name for f in year_files]
        manifest = read_manifest(landing_dir, year)
        if is_landed(landing_dir, year, year_files):
            years.append(year)
            quarantine += [{**problem, "fiscal_year": year} for problem in manifest.problems]
            for name in names:
                duplicate = name != manifest.used_file
                report.append(
                    _line(
                        name,
                        year,
                        "duplicate" if duplicate else "loaded",
                        0 if duplicate else manifest.rows,
                        manifest.note if duplicate else "",
                    )
                )
            continue
        error = read_failure(landing_dir, year, year_files) or "not extracted yet"
        if manifest is not None:
            years.append(year)
            quarantine += [{**problem, "fiscal_year": year} for problem in manifest.problems]
            error += f"; FY{year} keeps the {manifest.rows} rows read earlier from {manifest.used_file}"
        report += [_line(name, year, "refused", 0, error) for name in names]
    return LoadPlan(sorted(years), report, quarantine)


def _line(name: str, year: int | None, status: str, rows: int, message: str | None) -> dict:
    return {"file": name, "fiscal_year": year, "status": status, "rows": rows, "message": message or ""}
