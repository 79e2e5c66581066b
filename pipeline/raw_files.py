"""The files of raw/: which are sheets, their content hashes, and the fiscal year each one's title names.

Hidden files and READMEs are set aside unread. Every other file is read by its content (a PDF, or a
text export) whatever its name, and a file that is no sheet is named with the reason. Titles are
cached by content hash in the landing folder, so scanning an unchanged folder opens no PDF. Plain
Python, no Dagster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline import settings
from pipeline.extract import NOT_A_PDF, SheetError, is_pdf, layout
from pipeline.extract.sheet import NO_TITLE
from pipeline.files import file_sha256, write_atomically
from pipeline.limits import FileLimits, LimitExceeded, run_bounded
from pipeline.reader_version import READER_VERSION

IGNORED = "not read: hidden files and README files in raw/ are set aside"


@dataclass(frozen=True)
class RawFile:
    """A file in raw/: its content hash and the fiscal year its title names."""

    path: Path
    sha256: str  # "" for an ignored file
    fiscal_year: int | None
    problem: str | None  # why no fiscal year could be read, for a file that is no sheet
    ignored: bool = False  # a hidden file or a README, not read


def scan_raw_dir(raw_dir: Path, landing_dir: Path) -> list[RawFile]:
    """Every file of raw/, sorted by name, with the fiscal year from its title (read, or cached)."""
    cache_path = landing_dir / f"titles-{READER_VERSION}.json"
    cache: dict[str, dict] = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    limits = settings.file_limits()
    paths = sorted(p for p in raw_dir.iterdir() if p.is_file())
    hashes = {path: file_sha256(path) for path in paths if not is_ignored(path)}
    unread = [path for path, sha in hashes.items() if not _cached(cache.get(sha), limits)]
    for path, title in zip(unread, _peek_fiscal_years(unread, limits)):
        cache[hashes[path]] = title
    files = [
        RawFile(path, "", None, IGNORED, ignored=True)
        if path not in hashes
        else RawFile(path, hashes[path], cache[hashes[path]]["fiscal_year"], cache[hashes[path]]["problem"])
        for path in paths
    ]
    if unread:
        landing_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(cache_path, json.dumps(cache, sort_keys=True).encode())
    return files


def is_ignored(path: Path) -> bool:
    """A hidden file (.DS_Store, an editor's lock file) or a README: set aside unread."""
    return path.name.startswith(".") or path.name.upper().startswith("README")


def files_by_year(files: list[RawFile]) -> dict[int, list[RawFile]]:
    """The files giving each fiscal year, the years in order."""
    years: dict[int, list[RawFile]] = {}
    for file in files:
        if file.fiscal_year is not None:
            years.setdefault(file.fiscal_year, []).append(file)
    return dict(sorted(years.items()))


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

        texts = run_bounded(first_page_text, [(path,) for path in pdfs], limits, parallel=settings.available_cores())
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
            return head[: len(head) - cut].decode("utf-8-sig")
        except UnicodeDecodeError as error:
            last = error
    raise last
