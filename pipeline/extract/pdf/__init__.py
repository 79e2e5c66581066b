"""Read a progress-management sheet PDF into sheet rows, from the ruled table's cell geometry.

Each page is read on its own (`page.read_page`: visible characters and ruling lines, the grid of
cells, the header, section and grid rows); `assembly.assemble_sheet` then joins the pages in order.
Pages are independent, so multi-page files are read by a process pool.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import current_process, get_context
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.extract.pdf.assembly import assemble_sheet
from pipeline.extract.pdf.page import PageTable, read_page
from pipeline.extract.records import Sheet, SheetError
from pipeline.extract.sheet import NO_TEXT_LAYER

__all__ = ["first_page_text", "read_pdf_sheet"]

PageProgress = Callable[[int, int], None]

# pdfminer warns of every font whose descriptor lacks metrics the reader does not use (browsers'
# subset fonts have none); users would see a screen of them for a good file.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# Measured: a process pool only pays for its start-up and second font parsing from three pages on.
MIN_PAGES_FOR_POOL = 3


def read_pdf_sheet(path: str | Path, *, workers: int | None = None, on_page: PageProgress | None = None) -> Sheet:
    """Every row of a progress-management sheet PDF.

    Pages are read by `workers` processes (default: one per available core); `workers=1` reads
    them in this process, for callers that already run files in parallel. `on_page(done, total)` is
    called as pages are read."""
    path = Path(path)
    report = on_page or (lambda done, total: None)
    with _open(path) as pdf:
        page_count = len(pdf.pages)
        workers = min(workers or _available_cores(), page_count)
        pages: list[PageTable] = []
        # A daemonic process (a multiprocessing.Pool worker) may not start processes of its own.
        if workers <= 1 or page_count < MIN_PAGES_FOR_POOL or current_process().daemon:
            for page in pdf.pages:
                pages.append(read_page(page, path.name))
                report(len(pages), page_count)
        else:
            # fork: workers start at once, with pdfplumber already imported.
            with ProcessPoolExecutor(workers, get_context("fork"), initializer=_open_in_worker, initargs=(path,)) as pool:
                for page in pool.map(_read_page_in_worker, range(page_count)):
                    pages.append(page)
                    report(len(pages), page_count)
        # Pages without a header row of their own take the columns of the page before.
        header = None
        for index, page in enumerate(pages):
            if page.needs_header and header is not None:
                pages[index] = page = read_page(pdf.pages[index], path.name, header)
            header = page.header or header
    return assemble_sheet(path.name, pages)


def first_page_text(path: str | Path) -> str:
    """The text of the first page, where the title names the fiscal year; SheetError if unreadable,
    or if the page has no text at all (a scan)."""
    path = Path(path)
    with _open(path) as pdf:
        if not pdf.pages:
            raise SheetError(path.name, "the PDF has no pages")
        page = pdf.pages[0]
        try:
            text = page.extract_text() or ""
        except MemoryError:
            raise  # over the reader's memory limit (pipeline.limits), which names it; not a damaged page
        except Exception as error:  # a damaged content stream; pdfminer raises many kinds
            raise SheetError(path.name, f"unreadable page ({type(error).__name__}: {error})", page=1) from error
        if not text.strip() and page.images:
            raise SheetError(path.name, NO_TEXT_LAYER)
        return text


def _available_cores() -> int:
    # The cores this process may use: a container or a scheduler may allow fewer than the machine has.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _open(path: Path) -> pdfplumber.PDF:
    if not path.is_file():
        raise SheetError(path.name, "no such file")
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise SheetError(path.name, "the PDF is encrypted; save it without a password") from error
        raise SheetError(path.name, f"not a readable PDF ({type(cause).__name__}: {cause})") from error
    try:
        len(pdf.pages)  # walks the page tree, which a damaged file may not have
    except Exception as error:  # pdfminer raises many kinds, all meaning a damaged file
        pdf.close()
        raise SheetError(path.name, f"not a readable PDF ({type(error).__name__}: {error})") from error
    return pdf


_worker_pdf: pdfplumber.PDF | None = None
_worker_name = ""


def _open_in_worker(path: Path) -> None:
    global _worker_pdf, _worker_name
    _worker_pdf, _worker_name = _open(path), path.name


def _read_page_in_worker(index: int) -> PageTable:
    assert _worker_pdf is not None
    return read_page(_worker_pdf.pages[index], _worker_name)
