"""Rows cut by a page break: the city's PDF breaks a page inside a tall row, and its text export prints
the row's first lines, then the next page's title and column header, then the rest of each cut cell
in column order, with no number and no grades of their own.

A continuation piece belongs to the row before the break, and to the cell of its column. Which cells
were cut shows in the row's first part: the page ends at the same height for every cell, so a cut
cell fills its part to the row's tallest; the rest of a cell fits its column's width; a grade label
or a bureau name cut short is completed by its rest. Where more than one reading fits, the row is
refused: guessing would misread it silently."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.extract import layout
from pipeline.extract.records import SheetError
from pipeline.extract.text.columns import BUREAU_SUFFIXES
from pipeline.extract.text.pieces import Piece
from pipeline.extract.text.wraps import line_slack


@dataclass
class _Cell:
    column: str
    pieces: list[Piece]  # the cell's lines before the break, which its rest joins
    widths: tuple[float, float]  # its column's narrowest full line and widest line
    completes: Callable[[str], bool] | None = None  # for a label or name cut short: whether a rest completes it
    # Lines above the cell's own that may be of its column: a number printed on its own line over
    # the 取組名, which an export may print as one cell with it.
    above: int = 0
    required: bool = False  # it stops short, so it must go on after the break


def column_widths(rows: list, name: int, project: int) -> dict[str, tuple[float, float]]:
    """Per column, the narrowest line that is full (the cell went on) and the widest line it holds,
    measured from the rows: the median widest line of its cells of two lines or more, give or take
    the slack of a proportional font; ``name`` and ``project`` come measured already (``Columns``,
    its slack on top)."""
    cells: dict[str, list[list[Piece]]] = {"description": [], "plan": [], "results": [], "reason": [], "future": []}
    for row in rows:
        if row.name and len(row.inline) == 2:
            cells["description"].append(row.inline[0])
            cells["plan"].append(row.inline[1])
        cells["results"].append(row.results)
        cells["reason"].append(row.reason)
        cells["future"].append(row.future)
    widths = {"name": (name - _NAME_SLACK, name), "project": (project - _PROJECT_SLACK, project)}
    for column, found in cells.items():
        maxima = [max(piece.width for piece in cell) for cell in found if len({piece.line for piece in cell}) > 1]
        median = statistics.median(maxima) if maxima else 0.0
        widths[column] = (median - line_slack(median), median + line_slack(median)) if maxima else (float("inf"),) * 2
    return widths


# How far below ``Columns``' widths a full line of the 取組名 and the 事務事業名 may end: their slack
# and a character that kinsoku moved to the next line.
_NAME_SLACK, _PROJECT_SLACK = 6, 4


def join_cut(row, blocks: list[list[Piece]], ends: list[int], widths: dict, source: str) -> int | None:
    """Join the first blocks after a page break to the cells of their columns in ``row``, the row
    before it; return how many they are, or None where the row shows no cut (no cell of it stops
    short: a label or a bureau name unfinished, a tallest cell ending in a full line mid-sentence)
    or they fit its cells in no way: they are then no rest of it. ``ends`` are where they may end,
    0 where all of them may be the next row's cells (then they are, unless a label or a bureau
    name of the row is unfinished). SheetError naming the line where more than
    one reading fits."""
    first = blocks[0][0]
    cells = _cut_cells(row, widths, first, source)
    if not any(cell.required for cell in cells):
        return None
    if 0 in ends and not any(cell.completes for cell in cells):
        # Nothing shows for sure that the row goes on (a label, a bureau name unfinished): the
        # blocks are read as the next row's, as they were before rows cut by a page break were.
        return None
    found = [(end, reading) for end in ends if end for reading in _readings(blocks[:end], cells)]
    if not found:
        return None
    if len(found) > 1:
        raise SheetError(
            source,
            (
                f"a row cut by a page break goes on after the page's title and header, but the cells printed there "
                f"(from 「{first.text[:20]}」) fit the cells of the row before the break in more than one way: cannot "
                "tell which cell each belongs to; read this year from its PDF"
            ),
            row=f"at line {first.line}",
        )
    end, reading = found[0]
    for block, at in zip(blocks[:end], reading):
        cell = cells[at]
        rest = [Piece(block[0].text, block[0].line, gap=False), *block[1:]]
        if cell.column in _GRADES:
            kind, printed, problem = row.cut_grades.pop(cell.column)
            setattr(row, _GRADES[cell.column], kind.labels[layout.compact(printed + _text(rest))])
            row.unknown_grades.remove(problem)
        else:
            cell.pieces.extend(rest)
            if cell.column == "bureau":
                row.cut_bureau = False
    return end


_GRADES = {"達成度": "achievement", "貢献度": "contribution"}


def _text(pieces: list[Piece]) -> str:
    return "".join(piece.text for piece in pieces)


def _lines(pieces: list[Piece]) -> int:
    """The lines a cell takes: its printed lines, and a blank line inside it counted too, so that a
    cell is never taken as ended before the break when it may not have."""
    return len({piece.line for piece in pieces}) + sum(1 for piece in pieces[1:] if piece.gap)


def _cut_cells(row, widths: dict[str, float], first: Piece, source: str) -> list[_Cell]:
    """The row's cells that may go on after the break, in column order: those as tall as its tallest."""
    cells: list[_Cell] = []
    if row.name:
        number_above = row.number is not None and not row.name[0].joined
        cells.append(_Cell("name", row.name, widths["name"], above=int(number_above)))
    cells.append(_Cell("project", row.project, widths["project"]))
    if row.name and len(row.inline) == 2:
        cells += [_Cell("description", row.inline[0], widths["description"]), _Cell("plan", row.inline[1], widths["plan"])]
    elif not row.name and len(row.inline) == 1:
        cells.append(_Cell("plan", row.inline[0], widths["plan"]))
    elif row.inline:
        raise SheetError(
            source,
            "a row cut by a page break has a blank line inside its 取組の内容 or 令和N年度の取組内容, so which of them goes on after the break cannot be told",
            row=f"at line {first.line}",
        )
    for column, attribute in _GRADES.items():
        if column in row.cut_grades:
            kind, printed, _ = row.cut_grades[column]
            cells.append(_Cell(column, [], widths["name"], _completes_label(kind, printed)))
        if attribute == "achievement":
            cells.append(_Cell("results", row.results, widths["results"]))
    cells += [_Cell("reason", row.reason, widths["reason"]), _Cell("future", row.future, widths["future"])]
    tallest = max(_lines(cell.pieces) for cell in cells if cell.pieces)
    cells = [cell for cell in cells if cell.completes or _lines(cell.pieces) + cell.above >= tallest]
    if row.cut_bureau:
        printed = _text(row.bureau)
        cells.append(_Cell("bureau", row.bureau, widths["project"], lambda rest: (printed + rest).endswith(BUREAU_SUFFIXES)))
    for cell in cells:
        last = cell.pieces[-1] if cell.pieces else None
        cell.required = cell.completes is not None or (
            last is not None and last.width >= cell.widths[0] and not last.text.endswith("。")
        )
    return cells


def _completes_label(kind, printed: str) -> Callable[[str], bool]:
    return lambda rest: layout.compact(printed + rest) in kind.labels


def _fits(block: list[Piece], cell: _Cell) -> bool:
    if cell.completes is not None and not cell.completes(_text(block)):
        return False
    return all(piece.width <= cell.widths[1] for piece in block)


def _readings(blocks: list[list[Piece]], cells: list[_Cell]) -> list[list[int]]:
    """Up to two ways to give each block, in order, a cell of its own, in column order, that it fits;
    the cells cut short must each get one."""
    found: list[list[int]] = []

    def walk(i: int, j: int, chosen: list[int]) -> None:
        if len(found) > 1:
            return
        if i == len(blocks):
            if all(not cells[k].required or k in chosen for k in range(len(cells))):
                found.append(chosen)
            return
        for k in range(j, len(cells) - (len(blocks) - i) + 1):
            if _fits(blocks[i], cells[k]):
                walk(i + 1, k + 1, [*chosen, k])
            if cells[k].required:
                break  # a cell cut short must get its rest: no later block may pass it by

    walk(0, 0, [])
    return found
