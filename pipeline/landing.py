"""raw/ → landed rows: which file holds which fiscal year, and each year's extracted rows on disk.

Each year's rows are kept as one Parquet file with a manifest of the source files' content hashes,
so a build reads a sheet again only when its content changed. Plain Python, no Dagster.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from pipeline.extract import ROW_FIELDS, SheetError, is_pdf, read_sheet
from pipeline.extract import layout
from pipeline.extract.records import Sheet

SHEET_SUFFIXES = {".pdf", ".txt", ".text"}

ROW_SCHEMA = {
    **{name: pl.Utf8 for name in ROW_FIELDS},
    "fiscal_year": pl.Int32,
    "initiative_no": pl.Int32,
    "sub_row": pl.Int32,
    "direction_no": pl.Int32,
    "subarea_no": pl.Int32,
    "achievement_code": pl.Int32,
    "source_page": pl.Int32,
    "source_sha256": pl.Utf8,
}


@dataclass(frozen=True)
class RawFile:
    """A sheet file in raw/: its content hash and the fiscal year its title names."""

    path: Path
    sha256: str
    fiscal_year: int | None  # None: no sheet title found; reading it will say why
    kind: str  # "pdf" or "text"


@dataclass(frozen=True)
class LandedYear:
    """What a year's landing holds: the file its rows came from, and every file that gave the year."""

    fiscal_year: int
    rows: int
    used_file: str
    files: tuple[dict, ...]  # {"name", "sha256", "rows"} for each file of the year
    note: str  # e.g. a duplicate file that was set aside


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def scan_raw_dir(raw_dir: Path, landing_dir: Path) -> list[RawFile]:
    """Every sheet file of raw/, sorted by name, with the fiscal year read from its title.

    Titles are cached by content hash, so scanning an unchanged folder opens no PDF.
    """
    cache_path = landing_dir / "titles.json"
    cache: dict[str, int | None] = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    files = []
    for path in sorted(p for p in raw_dir.iterdir() if p.is_file() and p.suffix.lower() in SHEET_SUFFIXES):
        sha = file_sha256(path)
        if sha not in cache:
            cache[sha] = _peek_fiscal_year(path)
        files.append(RawFile(path, sha, cache[sha], "pdf" if is_pdf(path) else "text"))
    landing_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(cache_path, json.dumps(cache, sort_keys=True).encode())
    return files


def _peek_fiscal_year(path: Path) -> int | None:
    """The fiscal year from the title, read from the text's start or the PDF's first page."""
    try:
        if is_pdf(path):
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                text = pdf.pages[0].extract_text() if pdf.pages else ""
        else:
            text = path.read_bytes()[:20000].decode("utf-8-sig", errors="replace")
    except Exception:  # noqa: BLE001 - any unreadable file is reported properly when it is extracted
        return None
    return layout.fiscal_year_from_title(text or "")


def landed_path(landing_dir: Path, fiscal_year: int) -> Path:
    return landing_dir / f"fy{fiscal_year}.parquet"


def manifest_path(landing_dir: Path, fiscal_year: int) -> Path:
    return landing_dir / f"fy{fiscal_year}.json"


def read_manifest(landing_dir: Path, fiscal_year: int) -> LandedYear | None:
    path = manifest_path(landing_dir, fiscal_year)
    if not path.exists() or not landed_path(landing_dir, fiscal_year).exists():
        return None
    data = json.loads(path.read_text())
    return LandedYear(**{**data, "files": tuple(data["files"])})


def is_landed(landing_dir: Path, fiscal_year: int, files: list[RawFile]) -> bool:
    """Whether the year's landing was made from exactly these files' contents."""
    manifest = read_manifest(landing_dir, fiscal_year)
    return manifest is not None and sorted((f["name"], f["sha256"]) for f in manifest.files) == sorted(
        (f.path.name, f.sha256) for f in files
    )


def land_year(landing_dir: Path, fiscal_year: int, files: list[RawFile], sheets: list[Sheet]) -> LandedYear:
    """Write a year's rows from its sheets; several files for one year must hold the same rows."""
    used, note = _one_sheet_per_year(fiscal_year, files, sheets)
    frame = rows_frame(used[1], used[0].sha256)
    landing_dir.mkdir(parents=True, exist_ok=True)
    target = landed_path(landing_dir, fiscal_year)
    tmp = target.with_suffix(".parquet.tmp")
    frame.write_parquet(tmp)
    os.replace(tmp, target)
    landed = LandedYear(
        fiscal_year=fiscal_year,
        rows=frame.height,
        used_file=used[0].path.name,
        files=tuple({"name": f.path.name, "sha256": f.sha256, "rows": len(s.rows)} for f, s in zip(files, sheets)),
        note=note,
    )
    _write_atomically(manifest_path(landing_dir, fiscal_year), json.dumps(asdict(landed), ensure_ascii=False, indent=1).encode())
    return landed


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
    note = f"{', '.join(duplicates)} holds the same rows as {first_file.path.name}; used {first_file.path.name}" if duplicates else ""
    return (first_file, first), note


def _comparable(sheet: Sheet) -> list[tuple]:
    """A sheet's rows with whitespace and the source fields aside, to tell duplicate files apart."""
    return [
        tuple(layout.compact(v) if isinstance(v, str) else v for k, v in row.to_dict().items() if not k.startswith("source_"))
        for row in sheet.rows
    ]


def rows_frame(sheet: Sheet, sha256: str) -> pl.DataFrame:
    records = [{**row.to_dict(), "source_sha256": sha256} for row in sheet.rows]
    return pl.DataFrame(records, schema=ROW_SCHEMA)


def extract_file(path: Path, workers: int | None = None) -> Sheet:
    """One file's sheet; a module-level function so worker processes can run it."""
    return read_sheet(path, workers=workers)


def _write_atomically(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
