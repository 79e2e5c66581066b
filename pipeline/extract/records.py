"""The sheet row: one evaluation row of a progress-management sheet, as both readers produce it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet: an initiative, or one 事務事業/ward row of a multi-row initiative.

    Text fields hold the cell as printed with its line breaks; name fields (names, codes,
    bureau, section titles) hold it without them. Field names follow docs/glossary.md.
    """

    fiscal_year: int
    initiative_no: int
    sub_row: int
    pillar: str
    pillar_title: str
    direction_no: int
    direction_title: str
    subarea_no: int
    subarea_title: str
    initiative_name: str
    project_name: str
    policy_code: str
    description: str
    plan_fy: str
    achievement_code: int
    results: str
    contribution_code: str
    reason: str
    future_direction: str
    bureau: str
    source_file: str
    source_page: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ROW_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SheetRow))


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be read, or a fault of the sheet as a whole; quarantined, not dropped."""

    source_file: str
    page: int | None
    row: str | None  # which row: 「No. 12 (2)」, 「line 345」, or None for the whole sheet
    reason: str
    fields: dict[str, Any] = field(default_factory=dict)  # what was read of the row

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sheet:
    """Every row of one yearly sheet file, and the rows that could not be read."""

    source_file: str
    fiscal_year: int
    title: str
    rows: tuple[SheetRow, ...]
    problems: tuple[RowProblem, ...] = ()


class SheetError(ValueError):
    """A sheet that cannot be read; the message names the file and, where known, page and row."""

    def __init__(self, source_file: str, problem: str, *, page: int | None = None, row: str | None = None):
        self.source_file = source_file
        self.problem = problem
        self.page = page
        self.row = row
        where = source_file
        if page is not None:
            where += f", page {page}"
        if row is not None:
            where += f", row {row}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self):
        # Errors cross process boundaries when files and pages are read in parallel.
        return (_sheet_error, (self.source_file, self.problem, self.page, self.row))


def _sheet_error(source_file: str, problem: str, page: int | None, row: str | None) -> SheetError:
    return SheetError(source_file, problem, page=page, row=row)
