"""Checks of an extracted sheet before it is loaded: rows that fail them go to quarantine.

The readers already refuse what they cannot read at all (SheetError) and quarantine rows with an
unknown grade; these checks catch what a reader can only get wrong silently.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from pipeline.extract.records import ROW_FIELDS, RowProblem, Sheet, SheetRow
from pipeline.extract.sheet import row_label

REQUIRED_FIELDS = tuple(name for name in ROW_FIELDS if name not in ("source_page", "source_file", "plan_fy", "description"))


def validate(sheet: Sheet) -> Sheet:
    """The sheet with rows missing a required field quarantined, and numbering faults recorded."""
    kept: list[SheetRow] = []
    problems = list(sheet.problems)
    for row in sheet.rows:
        missing = [name for name in REQUIRED_FIELDS if getattr(row, name) in (None, "")]
        if missing:
            problems.append(_quarantine(row, f"missing {', '.join(missing)}"))
        else:
            kept.append(row)
    numbered = [(row.initiative_no, row.sub_row) for row in kept]
    numbered += [(p.fields["initiative_no"], p.fields["sub_row"]) for p in problems if "initiative_no" in p.fields]
    problems += _numbering_faults(sheet.source_file, sorted(numbered))
    return replace(sheet, rows=tuple(kept), problems=tuple(problems))


def _quarantine(row: SheetRow, reason: str) -> RowProblem:
    return RowProblem(row.source_file, row.source_page, row_label(row.initiative_no, row.sub_row), reason, row.to_dict())


def _numbering_faults(source_file: str, numbered: list[tuple[int, int]]) -> list[RowProblem]:
    """Initiatives are numbered 1, 2, … and their sub-rows 1, 2, …; a gap means rows went missing."""
    faults = []
    sub_rows: dict[int, list[int]] = defaultdict(list)
    for number, sub_row in numbered:
        sub_rows[number].append(sub_row)
    numbers = sorted(sub_rows)
    expected = set(range(1, numbers[-1] + 1)) if numbers else set()
    absent = sorted(expected - set(numbers))
    if absent:
        faults.append(RowProblem(source_file, None, None, f"initiative numbers missing from the sheet: {_ranges(absent)}"))
    for number, subs in sub_rows.items():
        if subs != list(range(1, len(subs) + 1)):
            faults.append(RowProblem(source_file, None, f"No. {number}", f"sub-rows numbered {subs}, not 1–{len(subs)}"))
    return faults


def _ranges(numbers: list[int]) -> str:
    out, start = [], numbers[0]
    for previous, current in zip(numbers, [*numbers[1:], None]):
        if current != previous + 1:
            out.append(str(start) if start == previous else f"{start}–{previous}")
            start = current
    return ", ".join(out)
