"""PDF extraction speed: `read_pdf_sheet` against a plain pdfplumber `extract_tables()` pass.

Both read the same pages in the same run; the plain pass is single-process, as a pdfplumber user
would write it. Run from the repository root:

    .venv/bin/python -m bench.pdf_extract [FILE.pdf ...] [--workers N]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from pipeline.extract.pdf import read_pdf_sheet

FY2022_PDF = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "r04_sheet_calc.pdf"


@dataclass(frozen=True)
class Measurement:
    file: str
    pages: int
    plain_s: float
    reader_s: float

    @property
    def ratio(self) -> float:
        """The reader's wall time as a share of the plain pass's (target: at most 0.6)."""
        return self.reader_s / self.plain_s


def plain_pass(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()
        return len(pdf.pages)


def measure(path: Path, workers: int | None = None) -> Measurement:
    start = time.perf_counter()
    pages = plain_pass(path)
    plain_s = time.perf_counter() - start
    start = time.perf_counter()
    read_pdf_sheet(path, workers=workers)
    return Measurement(path.name, pages, plain_s, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[FY2022_PDF])
    parser.add_argument("--workers", type=int, default=None, help="reader processes (default: one per core)")
    args = parser.parse_args(argv)
    print(f"{'file':<32} {'pages':>5} {'plain s':>8} {'pages/s':>8} {'reader s':>9} {'pages/s':>8} {'ratio':>6}")
    for path in args.files:
        m = measure(path, args.workers)
        print(
            f"{m.file:<32} {m.pages:>5} {m.plain_s:>8.2f} {m.pages / m.plain_s:>8.2f}"
            f" {m.reader_s:>9.2f} {m.pages / m.reader_s:>8.2f} {m.ratio:>6.2f}"
        )


if __name__ == "__main__":
    main()
