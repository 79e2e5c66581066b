"""The HTML report for people who do not write SQL: ``write_report(warehouse, out_dir)``.

``data`` reads the marts, ``charts`` draws them as SVG, ``page`` lays out one self-contained page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline import settings
from pipeline.report.data import ReportData, WarehouseNotFound, read_report_data

__all__ = ["ReportData", "WarehouseNotFound", "WrittenReport", "default_report_dir", "read_report_data", "write_report"]

REPORT_FILE = "index.html"


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    size_bytes: int
    sections: tuple[str, ...]  # section titles, Japanese and English
    fiscal_years: tuple[int, ...]


def default_report_dir(warehouse: Path | None = None) -> Path:
    """``report/`` beside the warehouse file: ``warehouse/report/`` for the default warehouse."""
    return (warehouse or settings.warehouse_path()).parent / "report"


def write_report(warehouse: Path, out_dir: Path) -> WrittenReport:
    """Render the report of ``warehouse`` to ``out_dir/index.html``, replacing it in one move."""
    from pipeline.report.page import render_report  # matplotlib is imported only to render

    data = read_report_data(warehouse)
    report = render_report(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / REPORT_FILE
    partial = target.with_name(f".{REPORT_FILE}.{os.getpid()}.tmp")
    partial.write_text(report.html, encoding="utf-8")
    os.replace(partial, target)
    return WrittenReport(
        path=target,
        size_bytes=target.stat().st_size,
        sections=tuple(f"{s.title_ja} {s.title_en}" for s in report.sections),
        fiscal_years=tuple(y.fiscal_year for y in data.years),
    )
