"""raw/ → landed rows: which file holds which fiscal year, and each year's extracted rows on disk.

Each year's rows are kept as one Parquet file with a manifest of the source files' content hashes,
so a build reads a sheet again only when its content changed. A year whose files cannot be read
keeps the rows landed from its earlier files, and the failure is recorded beside them; the load
plan then says, file by file, what the warehouse holds and why. Plain Python, no Dagster.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from pipeline import settings
from pipeline.extract import NOT_A_PDF, ROW_FIELDS, SheetError, is_pdf, read_sheet
from pipeline.extract import layout
from pipeline.extract.records import Sheet
from pipeline.extract.sheet import NO_TITLE
from pipeline.extract.validation import validate
from pipeline.limits import FileLimits, LimitExceeded, run_bounded


def _reader_version() -> str:
    """A hash of the readers' code (and of this module, which peeks at titles): landed rows and cached
    titles from another version are read again."""
    digest = hashlib.sha256()
    for path in [*sorted((Path(__file__).parent / "extract").rglob("*.py")), Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


READER_VERSION = _reader_version()

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
    "sheet_title": pl.Utf8,
}


@dataclass(frozen=True)
class RawFile:
    """A file in raw/: its content hash and the fiscal year its title names."""

    path: Path
    sha256: str  # "" for an ignored file
    fiscal_year: int | None
    problem: str | None  # why no fiscal year could be read, for a file that is no sheet
    ignored: bool = False  # a hidden file or a README, not read


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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def scan_raw_dir(raw_dir: Path, landing_dir: Path) -> list[RawFile]:
    """Every file of raw/, sorted by name, with the fiscal year from its title.

    Hidden files and READMEs are set aside unread. Every other file is read by its content (a PDF, or
    a text export) whatever its name; titles are cached by content hash, so scanning an unchanged
    folder opens no PDF."""
    cache_path = landing_dir / f"titles-{READER_VERSION}.json"
    cache: dict[str, dict] = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    limits = settings.file_limits()
    paths = sorted(p for p in raw_dir.iterdir() if p.is_file())
    hashes = {path: file_sha256(path) for path in paths if not _ignored(path)}
    unread = [path for path, sha in hashes.items() if not _cached(cache.get(sha), limits)]
    for path, title in zip(unread, _peek_fiscal_years(unread, limits)):
        cache[hashes[path]] = title
    files = [
        RawFile(path, "", None, IGNORED, ignored=True) if path not in hashes
        else RawFile(path, hashes[path], cache[hashes[path]]["fiscal_year"], cache[hashes[path]]["problem"])
        for path in paths
    ]
    if unread:
        landing_dir.mkdir(parents=True, exist_ok=True)
        _write_atomically(cache_path, json.dumps(cache, sort_keys=True).encode())
    return files


IGNORED = "not read: hidden files and README files in raw/ are set aside"


def _ignored(path: Path) -> bool:
    return path.name.startswith(".") or path.name.upper().startswith("README")


def _cached(title: dict | None, limits: FileLimits) -> bool:
    """Whether a cached title holds: one refused over a limit is peeked again under other limits."""
    return title is not None and title.get("limits", _limits_key(limits)) == _limits_key(limits)


def _limits_key(limits: FileLimits) -> list:
    return [limits.memory_mb, limits.seconds]


def _peek_fiscal_years(paths: list[Path], limits: FileLimits) -> list[dict]:
    """For each file, the fiscal year from its title (the text's start, or the PDF's first page),
    or the problem. PDFs' first pages are read in parallel, each under the per-file limits."""
    titles: dict[Path, dict | str] = {path: _peek_text(path) for path in paths}
    pdfs = [path for path, title in titles.items() if title is None]
    if pdfs:
        from pipeline.extract.pdf import first_page_text  # pdfplumber is only imported when needed

        texts = run_bounded(first_page_text, [(path,) for path in pdfs], limits, parallel=available_cores())
        for path, text in zip(pdfs, texts):
            if isinstance(text, LimitExceeded):
                titles[path] = {"fiscal_year": None, "problem": text.problem, "limits": _limits_key(limits)}
            elif isinstance(text, SheetError):
                titles[path] = {"fiscal_year": None, "problem": text.problem}
            elif isinstance(text, BaseException):
                raise text
            else:
                titles[path] = text
    return [_title_year(title) if isinstance(title, str) else title for title in titles.values()]


def _peek_text(path: Path) -> dict | str | None:
    """The head of a text export, the problem of a file that is no sheet at first sight, or None for
    a PDF (whose first page must be read)."""
    if path.stat().st_size == 0:
        return {"fiscal_year": None, "problem": "the file is empty; put the sheet's PDF or its text export here"}
    if is_pdf(path):
        return None
    if path.suffix.lower() == ".pdf":
        return {"fiscal_year": None, "problem": NOT_A_PDF}
    try:
        with open(path, "rb") as handle:
            return _decode_head(handle.read(20000))
    except UnicodeDecodeError:
        return {"fiscal_year": None, "problem": "neither a PDF nor UTF-8 text; expected the sheet's PDF or its text export"}


def _title_year(text: str) -> dict:
    year = layout.fiscal_year_from_title(text)
    problem = None if year else NO_TITLE
    return {"fiscal_year": year, "problem": problem}


def _decode_head(head: bytes) -> str:
    """The start of a UTF-8 text, where the title is; the read may have cut the last character."""
    for cut in range(4):
        try:
            return head[:len(head) - cut].decode("utf-8-sig")
        except UnicodeDecodeError as error:
            last = error
    raise last


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
    return LandedYear(**{**data, "files": tuple(data["files"]), "problems": tuple(data.get("problems", ())),
                         "reader_version": data.get("reader_version", "")})


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
    _write_json(_failure_path(landing_dir, fiscal_year), {"files": files_json, "error": error, "reader_version": READER_VERSION})


def land_year(landing_dir: Path, fiscal_year: int, files: list[RawFile], sheets: list[Sheet]) -> LandedYear:
    """Write a year's checked rows from its sheets; several files for one year must hold the same rows."""
    (used_file, used), note = _one_sheet_per_year(fiscal_year, files, sheets)
    checked = validate(used)
    frame = pl.DataFrame(
        [{**row.to_dict(), "source_sha256": used_file.sha256, "sheet_title": used.title} for row in checked.rows],
        schema=ROW_SCHEMA,
    )
    landing_dir.mkdir(parents=True, exist_ok=True)
    target = landed_path(landing_dir, fiscal_year)
    tmp = target.with_suffix(".parquet.tmp")
    frame.write_parquet(tmp)
    os.replace(tmp, target)
    landed = LandedYear(
        fiscal_year=fiscal_year,
        rows=frame.height,
        used_file=used_file.path.name,
        files=tuple({"name": f.path.name, "sha256": f.sha256, "rows": len(s.rows)} for f, s in zip(files, sheets)),
        note=note,
        problems=tuple(problem.to_dict() for problem in checked.problems),
        reader_version=READER_VERSION,
    )
    _write_json(_manifest_path(landing_dir, fiscal_year), asdict(landed))
    _failure_path(landing_dir, fiscal_year).unlink(missing_ok=True)
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


def files_by_year(files: list[RawFile]) -> dict[int, list[RawFile]]:
    years: dict[int, list[RawFile]] = {}
    for file in files:
        if file.fiscal_year is not None:
            years.setdefault(file.fiscal_year, []).append(file)
    return dict(sorted(years.items()))


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
                report.append(_line(name, year, "duplicate" if duplicate else "loaded", 0 if duplicate else manifest.rows,
                                    manifest.note if duplicate else ""))
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


def try_extract(path: Path, workers: int | None = None) -> Sheet | SheetError:
    """One file's sheet, or the reason it cannot be read; a module-level function for worker processes."""
    try:
        return read_sheet(path, workers=workers)
    except SheetError as error:
        return error


def extract_files(paths: list[Path]) -> dict[Path, Sheet | SheetError]:
    """Each file's sheet or the reason it cannot be read, every file in a process of its own under
    the per-file limits: several files are read in parallel, a single one with its pages in parallel."""
    results = run_bounded(read_sheet, [(path,) for path in paths], settings.file_limits(), parallel=available_cores(),
                          workers=1 if len(paths) > 1 else None)
    sheets = {}
    for path, result in zip(paths, results):
        if isinstance(result, LimitExceeded):
            result = SheetError(path.name, result.problem)
        elif not isinstance(result, (Sheet, SheetError)):
            raise result  # a fault of the reader itself, not of the file
        sheets[path] = result
    return sheets


def available_cores() -> int:
    # The cores this process may use: a container or a scheduler may allow fewer than the machine has.
    return len(os.sched_getaffinity(0))


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


def _write_json(path: Path, data: dict) -> None:
    _write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1).encode())


def _write_atomically(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
