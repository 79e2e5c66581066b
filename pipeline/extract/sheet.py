"""The structure of a progress-management sheet that every reader builds the same way: its title, the
section hierarchy over its rows, an evaluation row (or its quarantine entry) and its label, and what
a reader says of a file it cannot read.

The lexical rules those are built from (grade labels, codes, section lines, line joining) are in
`layout`; a reader finds the pieces in its own form of the sheet and hands them here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from pipeline.extract import layout
from pipeline.extract.records import RowProblem, SheetRow

NO_TITLE = "no sheet title 「…進行管理シート（令和N年度）」 found; is this a progress-management sheet?"
NO_TEXT_LAYER = (
    "the PDF has no text layer (a scan?): run it through OCR first (e.g. `ocrmypdf --language jpn in.pdf out.pdf`), "
    "or use the city's original PDF or its text export"
)
NO_ROWS = "no evaluation rows found (no 達成度 grade such as 「３．ほぼ目標どおり」)"
MISSING_SECTIONS = "a row before its 取組方針, 取組の方向性 and ① section rows"


def find_title(lines: Iterable[str]) -> str | None:
    """The sheet's title: the first line that names a fiscal year (「…進行管理シート（令和N年度）」)."""
    return next((line.strip() for line in lines if layout.fiscal_year_from_title(line)), None)


@dataclass(frozen=True)
class Section:
    """Where a row stands: its 取組方針 (pillar), 取組の方向性 (direction) and ① sub-area, by the
    names of the sheet row's fields."""

    pillar: str = ""
    pillar_title: str = ""
    direction_no: int = 0
    direction_title: str = ""
    subarea_no: int = 0
    subarea_title: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.pillar and self.direction_no and self.subarea_no)

    def enter(self, level: str, number: str | int, title: str) -> Section:
        """The section after a section row: a pillar starts its directions afresh, a direction its
        sub-areas."""
        if level == "pillar":
            return Section(str(number), title)
        if level == "direction":
            return Section(self.pillar, self.pillar_title, int(number), title)
        return replace(self, subarea_no=int(number), subarea_title=title)


def section_row(text: str) -> tuple[str, str | int, str] | None:
    """(level, number, title) of a section row's text, or None if the text is no section row."""
    for level, parse in (
        ("pillar", layout.parse_pillar),
        ("direction", layout.parse_direction),
        ("subarea", layout.parse_subarea),
    ):
        parsed = parse(text)
        if parsed is not None:
            return (level, *parsed)
    return None


def row_label(initiative_no: int, sub_row: int) -> str:
    """How messages and the quarantine name a row: 「No. 12 (2)」."""
    return f"No. {initiative_no} ({sub_row})"


def evaluation_row(row: SheetRow, problems: list[str]) -> SheetRow | RowProblem:
    """The row, or, if something in it could not be read, its quarantine entry with what was read."""
    if not problems:
        return row
    return RowProblem(
        row.source_file, row.source_page, row_label(row.initiative_no, row.sub_row), "; ".join(problems), row.to_dict()
    )


def split(rows: Iterable[SheetRow | RowProblem]) -> tuple[tuple[SheetRow, ...], tuple[RowProblem, ...]]:
    """Readable rows and quarantined ones, each in sheet order."""
    rows = list(rows)
    return tuple(r for r in rows if isinstance(r, SheetRow)), tuple(r for r in rows if isinstance(r, RowProblem))
