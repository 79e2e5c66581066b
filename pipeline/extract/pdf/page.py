"""One page of a sheet PDF: its title line and the bands of its table, each a section row or a
grid row whose cells keep their identity, so a cell merged over several bands is recognisably one.

Every character goes to exactly one cell; the page's own column-header row names the columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pdfplumber.page import Page

from pipeline.extract import layout
from pipeline.extract.pdf.grid import SNAP, Grid, ruled_grid
from pipeline.extract.pdf.lines import char_lines, line_text, lines_of, usual_font_size, wraps
from pipeline.extract.pdf.objects import Char, Segment, page_objects
from pipeline.extract.records import SheetError
from pipeline.extract.sheet import find_title, section_row

# Header label of each column, matched against the whole header cell (NFKC, no whitespace).
HEADER_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("initiative_no", re.compile(r"No\.?|NO\.?|番号")),
    ("initiative_name", re.compile(r"取組名")),
    ("project_name", re.compile(r"事務事業名")),
    ("policy_code", re.compile(r"施策番号")),
    ("description", re.compile(r"取組の内容")),
    ("plan_fy", re.compile(r"(令和|平成)(\d+|元)年度の取組内容")),
    ("achievement_code", re.compile(r".*に対する達成度|達成度")),
    ("results", re.compile(r"取組内容の実績等?")),
    ("contribution_code", re.compile(r"施策への貢献度(\(評価\))?")),
    ("reason", re.compile(r"評価の理由")),
    ("future_direction", re.compile(r"今後の事業の方向性")),
    ("bureau", re.compile(r"担当局")),
)
COLUMN_FIELDS = tuple(name for name, _ in HEADER_LABELS)


@dataclass(frozen=True)
class Cell:
    """A printed cell: `key` is the same for every band the cell spans (and unique in the file)."""

    key: tuple[int, ...]  # (page, index of each printed cell it is made of)
    lines: tuple[str, ...]
    wraps: tuple[bool, ...]  # per line: it ends because the cell is full (a soft wrap)


@dataclass(frozen=True)
class SectionRow:
    page: int
    level: str  # "pillar", "direction" or "subarea"
    number: str | int
    title: str


@dataclass(frozen=True)
class GridRow:
    """One band of the table below the header, with the cell of every column field."""

    page: int
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Header:
    """Where each field's column lies across the page (x0, x1), as a column-header row names them."""

    extents: dict[str, tuple[float, float]]

    @property
    def span(self) -> tuple[float, float]:
        return min(x0 for x0, _ in self.extents.values()), max(x1 for _, x1 in self.extents.values())

    def columns_on(self, grid: Grid) -> dict[str, list[int]] | None:
        """The grid's columns of each field, if the grid has exactly these columns."""
        columns: dict[str, list[int]] = {}
        for column in range(grid.column_count):
            middle = (grid.xs[column] + grid.xs[column + 1]) / 2
            field = next((name for name, (x0, x1) in self.extents.items() if x0 <= middle <= x1), None)
            if field is None:
                return None
            columns.setdefault(field, []).append(column)
        same_edges = all(
            abs(grid.xs[cols[0]] - self.extents[name][0]) <= 2 * SNAP
            and abs(grid.xs[cols[-1] + 1] - self.extents[name][1]) <= 2 * SNAP
            for name, cols in columns.items()
        )
        return columns if same_edges and len(columns) == len(self.extents) else None


@dataclass(frozen=True)
class PageTable:
    """What one page contributes: its title line, its bands in order, whether it printed any text,
    and its column header (None: the page has none of its own, or no table)."""

    page: int
    title: str | None
    rows: tuple[SectionRow | GridRow, ...]
    has_text: bool = True
    header: Header | None = None
    needs_header: bool = False  # a ruled table without a header row: read again with a page's before


def read_page(page: Page, source_file: str, header: Header | None = None) -> PageTable:
    """The title and table bands of one page; a page without a ruled table gives no bands.

    A table without a column-header row of its own (a producer that prints the header on the first
    page only) is read with `header`, an earlier page's, if its columns are the same; without one the
    page is returned as needing it."""
    try:
        chars, segments = page_objects(page)
    except MemoryError:
        raise  # over the reader's memory limit (pipeline.limits), which names it; not a damaged page
    except Exception as error:  # a damaged content stream; pdfminer raises many kinds
        raise SheetError(source_file, f"unreadable page ({type(error).__name__}: {error})", page=page.page_number) from error
    has_text = any(not char.text.isspace() for char in chars)
    grid = ruled_grid(segments)
    if grid is None:
        return PageTable(page.page_number, title_of([lines_of(chars)]), (), has_text)
    table = _Table(grid, chars)
    if not _labelled(table) and header is None:
        return PageTable(page.page_number, title_of([lines_of(chars)]), (), has_text, needs_header=True)
    table, header_end, columns = _columns(table, segments, chars, header, source_file, page.page_number)
    grid = table.grid
    if header_end:
        header = Header({name: (grid.xs[cols[0]], grid.xs[cols[-1] + 1]) for name, cols in columns.items()})
    title = title_of([lines_of(table.outside), *(table.lines[i] for i in grid.cells_in_bands(0, header_end))])
    rows: list[SectionRow | GridRow] = []
    for band in range(header_end, grid.band_count):
        band_chars = [char for i in grid.band_cells(band) for char in table.chars[i]]
        printed = [char for char in band_chars if not char.text.isspace()]
        if not printed:
            continue
        row = GridRow(page.page_number, {name: table.field_cell(page.page_number, band, cols) for name, cols in columns.items()})
        # A section row's text starts at the table's left, where a grid row has its number and
        # name; the grades, which every grid row has, tell a row cut by a page break from one. Its
        # text is one cell's, or one line run across unmerged cells: the tail of a cut row has lines
        # in several cells, any of which may start like a section title (a 「③…」 list item).
        starts_left = grid.column_at(min(char.x0 for char in printed)) <= columns["initiative_name"][-1]
        graded = any(grades(row.cells["achievement_code"].lines, row.cells["contribution_code"].lines))
        one_text = sum(any(not c.text.isspace() for c in table.chars[i]) for i in grid.band_cells(band)) == 1
        one_line = len(list(lines_of(printed))) == 1
        section = _section(page.page_number, band_chars) if starts_left and not graded and (one_text or one_line) else None
        rows.append(section or row)
    if "initiative_no" not in columns:
        if any(isinstance(row, GridRow) for row in rows):
            raise _lacks(["initiative_no"], source_file, page.page_number)
        header = None  # not a header later pages can be read with
    return PageTable(page.page_number, title, tuple(rows), has_text, header)


def _columns(
    table: _Table, segments: list[Segment], chars: list[Char], header: Header | None, source_file: str, page: int
) -> tuple[_Table, int, dict[str, list[int]]]:
    """The table as its columns are read, where its header bands end, and the columns of each field:
    from the page's own header row, or, on a page without one, from `header`."""
    if _labelled(table):
        bottom = _header_bottom(table)
        if bottom is not None:
            table = _Table(ruled_grid(segments, ruled_at=bottom), chars)
        return (table, *_header(table, source_file, page))
    assert header is not None
    grid = ruled_grid(segments, across=header.span)
    columns = header.columns_on(grid) if grid is not None else None
    if grid is None or columns is None:
        raise SheetError(
            source_file,
            "the table has no column-header row (取組名, 事務事業名, …), and its columns are not those of the page before",
            page=page,
        )
    return _Table(grid, chars), 0, columns


class _Table:
    """The grid with each cell's characters, printed lines and soft wraps."""

    def __init__(self, grid: Grid, chars: list[Char]):
        self.grid = grid
        self.chars, self.outside = grid.assign(chars)
        size = usual_font_size(self.chars)
        self.lines: list[tuple[str, ...]] = []
        self.wraps: list[tuple[bool, ...]] = []
        for cell, found in enumerate(self.chars):
            printed = char_lines(found)
            x0, _, x1, _ = grid.box(cell)
            self.lines.append(tuple(line_text(line) for line in printed))
            self.wraps.append(wraps(printed, x0, x1, size))

    def field_cell(self, page: int, band: int, columns: list[int]) -> Cell:
        """The cell of a field in a band; where the rows divide a header's column further, its
        cells read left to right as one."""
        indexes = tuple(dict.fromkeys(self.grid.owner(band, column) for column in columns))
        return Cell(
            (page, *indexes),
            tuple(line for i in indexes for line in self.lines[i]),
            tuple(wrap for i in indexes for wrap in self.wraps[i]),
        )


def _label(lines: tuple[str, ...]) -> tuple[str, int] | None:
    """The column label a cell's first lines spell (as many lines as spell one), and their count."""
    for count in range(len(lines), 0, -1):
        compact = layout.compact("".join(lines[:count]))
        label = next((name for name, pattern in HEADER_LABELS if pattern.fullmatch(compact)), None)
        if label is not None:
            return label, count
    return None


def _labelled(table: _Table) -> dict[int, tuple[str, int]]:
    """The cells of the table's first band with a column label, with what `_label` finds in them.
    A body cell that happens to start with a label's words starts further down."""
    grid = table.grid
    labelled = {cell: found for cell, lines in enumerate(table.lines) if (found := _label(lines))}
    first_band = min((grid.spans[cell][0] for cell in labelled), default=0)
    return {cell: found for cell, found in labelled.items() if grid.spans[cell][0] == first_band}


def _header_bottom(table: _Table) -> float | None:
    """Where the header row must be cut off from cells below it, or None where its rule does that.

    A cell cut by the page break and drawn without its top rule runs up into the header cell
    above it, which then holds the label and the cell's first lines, or the label alone. The
    header ends below the lowest label line: at the band boundary there, or where the cut cell's
    first line starts if the producer drew no rule across the table at all."""
    grid = table.grid
    labelled = _labelled(table)
    label_bottom = max(
        max(char.bottom for line in char_lines(table.chars[cell])[:count] for char in line)
        for cell, (_, count) in labelled.items()
    )
    after = [line[0].top for cell, (_, count) in labelled.items() for line in char_lines(table.chars[cell])[count : count + 1]]
    content_top = min(after, default=None)
    below = [y for y in grid.ys if y >= label_bottom - SNAP and (content_top is None or y <= content_top + SNAP)]
    if not below:
        return (label_bottom + content_top) / 2 if content_top is not None else label_bottom
    boundary = grid.ys.index(below[0])
    crossed = any(first < boundary < end for first, end, _, _ in grid.spans)
    return below[0] if crossed else None


def _header(table: _Table, source_file: str, page: int) -> tuple[int, dict[str, list[int]]]:
    """Where the column-header bands end, and the columns of every field.

    The header is the first run of bands with a cell naming a column; it ends where its shortest
    labelled cell does. A column takes the label of the narrowest header cell over it; the No.
    column has no label of its own in the city's layout but sits under the 取組名 cell, so the
    first of two 取組名 columns is the No."""
    grid = table.grid
    labels = {cell: found[0] for cell, lines in enumerate(table.lines) if (found := _label(lines)) and found[1] == len(lines)}
    if not labels:
        raise SheetError(source_file, "the table has no column-header row (取組名, 事務事業名, …)", page=page)
    start = min(grid.spans[cell][0] for cell in labels)
    end = min(grid.spans[cell][1] for cell in labels)
    header_cells = [cell for cell in grid.cells_in_bands(start, end) if cell in labels]
    columns: dict[str, list[int]] = {}
    for column in range(grid.column_count):
        over = [cell for cell in header_cells if grid.spans[cell][2] <= column < grid.spans[cell][3]]
        if over:
            narrowest = min(over, key=lambda cell: grid.spans[cell][3] - grid.spans[cell][2])
            columns.setdefault(labels[narrowest], []).append(column)
    if "initiative_no" not in columns and len(columns.get("initiative_name", ())) > 1:
        columns["initiative_no"] = [columns["initiative_name"].pop(0)]
    # Without a row of its own, a page of section rows only has no rule to tell No. from 取組名 by:
    # read_page asks for the No. column once a band is a grid row.
    missing = [name for name in COLUMN_FIELDS if name not in columns and name != "initiative_no"]
    if missing:
        raise _lacks(missing, source_file, page)
    return end, columns


def _lacks(missing: list[str], source_file: str, page: int) -> SheetError:
    return SheetError(source_file, f"the column header lacks {', '.join(missing)}", page=page)


def title_of(texts: list[tuple[str, ...]]) -> str | None:
    """The sheet's title among these cells' lines, if any."""
    return find_title(line for text in texts for line in text)


def _section(page: int, band_chars: list[Char]) -> SectionRow | None:
    """The band as a section row, if its text is one. The text is read from the whole band, not
    cell by cell, as a producer may leave the row unmerged and let the text run across its cells."""
    found = section_row(layout.join_name(list(lines_of(band_chars))))
    return SectionRow(page, *found) if found else None


def grades(achievement: tuple[str, ...], contribution: tuple[str, ...]) -> tuple[bool, bool]:
    """Whether each grade cell starts with a grade (「３．…」, 「A．…」)."""
    return (
        bool(layout.ACHIEVEMENT_START_RE.match(layout.join_text(list(achievement)))),
        bool(layout.CONTRIBUTION_START_RE.match(layout.join_text(list(contribution)))),
    )
