"""Read a sheet's plain-text export (the city's PDF run through a text extractor) into sheet rows.

The export prints each table cell as a block of wrapped lines, row by row and column by column, but
it is lossy: blank lines fall inside cells and go missing between them, neighbouring cells share a
line, page furniture repeats, and the merged cells of a multi-row initiative (No., 取組名, 取組の内容,
令和N年度の取組内容) are printed away from its rows, often pages later and in any order.

So the reader works from the structure every row has, not from blank lines:

1. Two grade cells anchor each row: the 達成度 label (「３．ほぼ目標どおり」) and, after the results,
   the 貢献度 label (「A．貢献している」). Between one row's 貢献度 and the next row's 達成度 lie the
   first row's reason, future direction and bureau, then section rows and stray merged cells, then
   the next row's leading cells (No., 取組名, 事務事業名, 施策番号, 取組の内容, 令和N年度の取組内容).
2. The bureau is the first run of short, unpunctuated lines that spells a bureau name; the 施策番号 is
   the last code (４－４－１ or a ward) before the next 達成度; the 事務事業名 is the narrow block
   before it. Column widths tell the narrow columns apart.
3. A row whose 取組名 and 取組の内容 are missing belongs to a multi-row initiative; its merged cells
   are collected from the stray blocks and matched to it by initiative number where one is printed,
   and by what the texts share where not (see ``merged_cells``).
4. Text cells come out as their logical lines: a line the export ended because the column was full
   runs on into the next, judged by the widths the export prints its lines at (``SoftWraps``).
5. A tall row the city's PDF cut with a page break prints its first lines, then the next page's title
   and header, then the rest of each cut cell: that rest joins the row before, each piece to the
   cell of its column (see ``row_cuts``), or the export is refused where that cannot be told.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import asdict
from pathlib import Path

from pipeline.extract import layout
from pipeline.extract.glyphs import canonical_text
from pipeline.extract.records import Sheet, SheetError, SheetRow
from pipeline.extract.sheet import NO_TITLE, evaluation_row, find_title, split
from pipeline.extract.text.cell_bounds import name_of, text_of
from pipeline.extract.text.columns import Columns, fits
from pipeline.extract.text.merged_cells import PrintedRow, resolve
from pipeline.extract.text.pieces import Piece, pieces_of
from pipeline.extract.text.row_cuts import column_widths
from pipeline.extract.text.rows import Parser, RowCells
from pipeline.extract.text.wraps import SoftWraps, line_slack

__all__ = ["parse_text_export", "read_text_export"]


def read_text_export(path: str | Path) -> Sheet:
    """Every row of a sheet's text export; SheetError when the file is not such a sheet."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SheetError(source, f"not UTF-8 text (bad byte at offset {exc.start}); expected a text export of the sheet") from exc
    except OSError as exc:
        raise SheetError(source, f"cannot read the file: {exc.strerror}") from exc
    return parse_text_export(text, source)


def parse_text_export(text: str, source: str) -> Sheet:
    """The rows of a text export given as a string; ``source`` names it in rows and errors."""
    # A BOM is no character of the sheet; editors on Windows write one at the top of the file.
    lines = canonical_text(text.removeprefix("\ufeff")).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    title = find_title(lines)
    if title is None:
        raise SheetError(source, NO_TITLE)
    fiscal_year = layout.fiscal_year_from_title(title)
    pieces = pieces_of(lines)
    # The 取組名 column's width, which tells a number on a name's line apart, is measured by a
    # parser of the pieces as first cut; the rows are read from the pieces cut again.
    pieces = _numbers_apart(pieces, Parser(pieces, source).columns)
    parser = Parser(pieces, source)
    rows, fragments = parser.parse()
    if parser.cut:
        # A row cut by a page break goes on after it; its cells are told apart by the columns' widths,
        # measured from the rows read without the rest of it.
        rows, fragments = Parser(pieces, source, column_widths(rows, parser.columns.name, parser.columns.project)).parse()
    own = [(text_of(row.results), text_of(row.reason), text_of(row.future)) for row in rows]
    description_width = _description_width(rows)
    printed = [_printed_row(row, texts, description_width, source) for row, texts in zip(rows, own)]
    resolved = resolve(printed, fragments, source)
    wraps = SoftWraps(
        {
            "description": [initiative.description for initiative in resolved],
            "plan_fy": [initiative.plan_fy for initiative in resolved],
            "results": [texts[0] for texts in own],
            "reason": [texts[1] for texts in own],
            "future_direction": [texts[2] for texts in own],
        }
    )
    out = (
        evaluation_row(_sheet_row(fiscal_year, source, row, initiative, wraps, *texts), row.unknown_grades)
        for row, initiative, texts in zip(rows, resolved, own)
    )
    return Sheet(source, fiscal_year, title, *split(out))


# A row's number on the first line of a 取組名 that starts with ASCII (「10 SDGsの…」), which
# ``pieces_of`` leaves whole: a text cell's line may start with a number and a space too.
_NUMBER_AND_ASCII_RE = re.compile(r"([0-9]{1,3}) +([\x21-\x7e].*)")


def _numbers_apart(pieces: list[Piece], columns: Columns) -> list[Piece]:
    """Pieces with such a number cut off its 取組名, told from a text cell by the layout: the No.
    column comes first, so the number starts a block, and the rest of its line and the lines
    under it fit the 取組名 column, far narrower than any text column."""
    out: list[Piece] = []
    for i, piece in enumerate(pieces):
        match = _NUMBER_AND_ASCII_RE.fullmatch(piece.text)
        if match and piece.gap:
            name = Piece(match[2], piece.line, gap=False, joined=True)
            under = itertools.takewhile(lambda p: not p.gap and not p.joined, pieces[i + 1 :])
            if all(fits(line, columns.name) for line in (name, *under)):
                out += [Piece(match[1], piece.line, gap=True, page_top=piece.page_top), name]
                continue
        out.append(piece)
    return out


def _description_width(rows: list[RowCells]) -> float | None:
    """The 取組の内容 column's wrap width: the median widest line of the description of the rows
    printed with their two merged text cells as two blocks, as most are."""
    widths = [max(piece.width for piece in row.inline[0]) for row in rows if row.name and len(row.inline) == 2]
    return statistics.median(widths) if widths else None


def _split_inline(blocks: list[list[Piece]], width: float | None, source: str) -> tuple[list[Piece], list[Piece]]:
    """取組の内容 then 令和N年度の取組内容, printed with the row as blocks: two, unless a blank line
    falls inside one of them. A blank line after a description's line that is full (it wrapped)
    and ends mid-sentence falls inside the description, whose next block must then fit its column;
    otherwise the plan starts after it, and must show it by a line wider than the description
    column. Where that cannot be judged the row is refused, as guessing would misread it silently."""
    if len(blocks) <= 2:
        return blocks[0], blocks[1] if len(blocks) == 2 else []
    if width is None:
        raise _unclear_inline(source, blocks[1][0], "no row has them as two blocks to measure the 取組の内容 column by")
    description, rest = list(blocks[0]), blocks[1:]
    while len(rest) > 1 and description[-1].width >= width - line_slack(width) and not description[-1].text.endswith("。"):
        if not all(fits(piece, width + line_slack(width)) for piece in rest[0]):
            raise _unclear_inline(source, rest[0][0], "the 取組の内容 stops mid-sentence before a block wider than its column")
        description += rest.pop(0)
    if len(rest) > 1 and all(fits(piece, width + line_slack(width)) for piece in rest[0]):
        raise _unclear_inline(source, rest[0][0], "the block after the 取組の内容 fits its column, so it may be the rest of it")
    return description, [piece for block in rest for piece in block]


def _unclear_inline(source: str, piece: Piece, why: str) -> SheetError:
    return SheetError(
        source,
        f"a blank line inside 取組の内容 or 令和N年度の取組内容 leaves unclear where the one ends and the other begins: {why}",
        row=f"at line {piece.line}",
    )


def _printed_row(row: RowCells, own_texts: tuple[str, str, str], description_width: float | None, source: str) -> PrintedRow:
    """The row as printed; ``own_texts`` are its results, reason and future direction."""
    own = " ".join((text_of(row.project), *own_texts))
    ward = layout.WARDS.index(row.code.text) if row.code.text in layout.WARDS else None
    if not row.name:
        plan = text_of([piece for block in row.inline for piece in block]) or None
        return PrintedRow(row.line, None, None, None, plan, own, ward, row.boundary_before)
    description, plan = _split_inline(row.inline, description_width, source)
    return PrintedRow(
        row.line, row.number, name_of(row.name), text_of(description), text_of(plan), own, ward, row.boundary_before
    )


def _sheet_row(
    fiscal_year: int, source: str, row: RowCells, initiative, wraps: SoftWraps, results: str, reason: str, future: str
) -> SheetRow:
    return SheetRow(
        fiscal_year=fiscal_year,
        initiative_no=initiative.initiative_no,
        sub_row=initiative.sub_row,
        **asdict(row.section),
        initiative_name=initiative.initiative_name,
        project_name=name_of(row.project),
        policy_code=layout.normalise_policy_code(row.code.text),
        description=wraps.join("description", initiative.description),
        plan_fy=wraps.join("plan_fy", initiative.plan_fy),
        achievement_code=row.achievement,
        results=wraps.join("results", results),
        contribution_code=row.contribution,
        reason=wraps.join("reason", reason),
        future_direction=wraps.join("future_direction", future),
        bureau=name_of(row.bureau),
        source_file=source,
        source_page=None,
    )
