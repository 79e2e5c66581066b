"""File → sheet rows. Pure Python: nothing here knows about Dagster or the warehouse."""

from __future__ import annotations

from pathlib import Path

from pipeline.extract.records import ROW_FIELDS, Sheet, SheetError, SheetRow

__all__ = ["NOT_A_PDF", "ROW_FIELDS", "Sheet", "SheetError", "SheetRow", "is_pdf", "read_sheet"]

NOT_A_PDF = "named .pdf but not a PDF (no %PDF header); save the city's PDF here, or a text export as .txt"


def is_pdf(path: str | Path) -> bool:
    """Whether the file is a PDF by its content (its %PDF header), whatever its name says."""
    with open(path, "rb") as handle:
        return handle.read(1024).lstrip(b"\x00\t\n\r ").startswith(b"%PDF")


def read_sheet(path: str | Path, *, workers: int | None = None, on_page=None) -> Sheet:
    """Every row of one yearly sheet, from its PDF or its text export (told apart by content).

    A PDF's pages are read by ``workers`` processes (default: one per core); pass 1 when files are
    already being read in parallel. ``on_page(done, total)`` follows a PDF's pages as they are read."""
    path = Path(path)
    try:
        pdf = is_pdf(path)
    except OSError as exc:
        raise SheetError(path.name, f"cannot read the file: {exc.strerror}") from exc
    if path.stat().st_size == 0:
        raise SheetError(path.name, "the file is empty; put the sheet's PDF or its text export here")
    if not pdf and path.suffix.lower() == ".pdf":
        raise SheetError(path.name, NOT_A_PDF)
    if pdf:
        from pipeline.extract.pdf import read_pdf_sheet  # pdfplumber is only imported when needed

        return read_pdf_sheet(path, workers=workers, on_page=on_page)
    from pipeline.extract.text import read_text_export

    return read_text_export(path)
