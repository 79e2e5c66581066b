"""Read a progress-management sheet PDF into sheet rows, from the ruled table's cell geometry.

Each page is read on its own (`read_page`): pdfplumber's table finder turns the ruling lines into
cells, every character goes to exactly one cell, the page's header row names the columns, and each
band of the grid becomes a section row or a grid row whose cells keep their identity, so a cell
merged over several bands is recognisably one cell. `read_pdf_sheet` then joins the pages in order:
rows and merged cells cut by a page break are put back together, sections set the hierarchy and
initiatives get their sub-rows. Pages are independent, so multi-page files are read by a process pool.

Text cells (取組の内容, 令和N年度の取組内容, 実績, 理由, 方向性) come out as their logical lines: the
geometry tells a line that ends because its cell is full (a soft wrap, joined to the next) from one
that ends early (a hard break, kept); see `_wraps` and `layout.join_wrapped`.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import current_process, get_context
from pathlib import Path
from typing import NamedTuple

import pdfplumber
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_rect
from pdfplumber.page import Page
from pdfplumber.table import Table, TableFinder
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.extract import layout
from pipeline.extract.records import RowProblem, Sheet, SheetError, SheetRow

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

# The cells an initiative's sub-rows share (merged in the sheet); every other column is per row.
INITIATIVE_FIELDS = ("initiative_no", "initiative_name", "description", "plan_fy")

# Ruling lines closer than this (pt) are one line; producers draw a border as several strokes.
SNAP_TOLERANCE = 1.0

PageProgress = Callable[[int, int], None]

# Measured: a process pool only pays for its start-up and second font parsing from three pages on.
MIN_PAGES_FOR_POOL = 3


@dataclass(frozen=True)
class Cell:
    """A printed cell: `key` is the same for every band the cell spans (and unique in the file)."""

    key: tuple[int, ...]  # (page, index of each printed cell it is made of)
    lines: tuple[str, ...]
    wraps: tuple[bool, ...]  # per line: it ends because the cell is full (a soft wrap, see _wraps)


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
class PageTable:
    """What one page contributes: its title line and its bands, in order."""

    page: int
    title: str | None
    rows: tuple[SectionRow | GridRow, ...]


class _Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


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
        # A daemonic process (a multiprocessing.Pool worker) may not start processes of its own.
        if workers <= 1 or page_count < MIN_PAGES_FOR_POOL or current_process().daemon:
            pages = []
            for page in pdf.pages:
                pages.append(read_page(page, path.name))
                report(len(pages), page_count)
            return assemble_sheet(path.name, pages)
    # fork: workers start at once, with pdfplumber already imported.
    with ProcessPoolExecutor(workers, get_context("fork"), initializer=_open_in_worker, initargs=(path,)) as pool:
        pages = []
        for page in pool.map(_read_page_in_worker, range(page_count)):
            pages.append(page)
            report(len(pages), page_count)
    return assemble_sheet(path.name, pages)


def first_page_text(path: str | Path) -> str:
    """The text of the first page, where the title names the fiscal year; SheetError if unreadable."""
    path = Path(path)
    with _open(path) as pdf:
        if not pdf.pages:
            raise SheetError(path.name, "the PDF has no pages")
        try:
            return pdf.pages[0].extract_text() or ""
        except Exception as error:  # a damaged content stream; pdfminer raises many kinds
            raise SheetError(path.name, f"unreadable page ({type(error).__name__}: {error})", page=1) from error


def _available_cores() -> int:
    # The cores this process may use: a container or a scheduler may allow fewer than the machine has.
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def read_page(page: Page, source_file: str) -> PageTable:
    """The title and table bands of one page; a page without a ruled table gives no bands."""
    try:
        chars, vectors = _page_objects(page)
    except Exception as error:  # a damaged content stream; pdfminer raises many kinds
        raise SheetError(source_file, f"unreadable page ({type(error).__name__}: {error})", page=page.page_number) from error
    table = _main_table(page, vectors)
    if table is None:
        return PageTable(page.page_number, _title([_lines(chars)]), ())
    grid = _Grid(table.cells)
    cell_chars, outside = grid.assign(chars)
    body_size = _body_size(cell_chars)
    cells, wraps = [], []
    for box, found in zip(table.cells, cell_chars):
        lines = _char_lines(found)
        cells.append(tuple(_line_text(line) for line in lines))
        wraps.append(_wraps(lines, box[0], box[2], body_size))
    header_end, columns = _header(grid, cells, source_file, page.page_number)
    title = _title([_lines(outside), *(cells[i] for i in grid.cells_in_bands(0, header_end))])
    rows: list[SectionRow | GridRow] = []
    for band in range(header_end, grid.band_count):
        band_chars = [char for i in grid.band_cells(band) for char in cell_chars[i]]
        printed = [char for char in band_chars if not char.text.isspace()]
        if not printed:
            continue
        row = GridRow(page.page_number, {
            name: _field_cell(page.page_number, grid, cells, wraps, band, cols) for name, cols in columns.items()
        })
        # A section row's text starts at the table's left, where a grid row has its number and
        # name; the grades, which every grid row has, tell a row cut by a page break from one.
        starts_left = grid.column_at(min(char.x0 for char in printed)) <= columns["initiative_name"][-1]
        graded = any(_grades(row.cells["achievement_code"].lines, row.cells["contribution_code"].lines))
        section = _section(page.page_number, band_chars) if starts_left and not graded else None
        rows.append(section or row)
    return PageTable(page.page_number, title, tuple(rows))


def assemble_sheet(source_file: str, pages: list[PageTable]) -> Sheet:
    """The sheet rows of a file's pages, read in page order."""
    title = next((page.title for page in pages if page.title), None)
    if title is None:
        raise SheetError(source_file, "no sheet title 「…進行管理シート（令和N年度）」 found; is this a progress-management sheet?")
    fiscal_year = layout.fiscal_year_from_title(title)
    assert fiscal_year is not None  # _title only keeps lines that name a fiscal year
    if not any(isinstance(row, GridRow) for page in pages for row in page.rows):
        raise SheetError(source_file, "no ruled table of sheet rows found")
    joined = _Joiner(source_file)
    for page in pages:
        joined.add_page(page.rows)
    rows, problems = _sheet_rows(joined, fiscal_year)
    return Sheet(source_file, fiscal_year, title, tuple(rows), tuple(problems))


# -- reading one page -------------------------------------------------------------------------


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
        pdf.pages  # walks the page tree, which a damaged file may not have
    except Exception as error:  # pdfminer raises many kinds, all meaning a damaged file
        pdf.close()
        raise SheetError(path.name, f"not a readable PDF ({type(error).__name__}: {error})") from error
    return pdf


class _CharRecorder(PDFPageAggregator):
    """pdfminer's page aggregator, keeping horizontal characters as bare (text, box) records.

    Building an LTChar, and then pdfplumber's dictionary of it, costs more than everything else
    the reader does with a character; it needs only the text and the box. Paths stay layout
    objects, for pdfplumber's own conversion, which the table finder expects."""

    def __init__(self, page: Page):
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number)
        self.boxes: list[tuple[str, float, float, float, float]] = []

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        if font.is_vertical():  # LTChar has the vertical metrics
            return super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        advance = font.char_width(cid) * fontsize * scaling
        descent = font.get_descent() * fontsize + rise
        self.boxes.append((text, *apply_matrix_rect(matrix, (0, descent, advance, descent + fontsize))))
        return advance


def _page_objects(page: Page) -> tuple[list[_Char], list[dict]]:
    """The page's characters, in top-down page coordinates as pdfplumber gives them, and its
    lines, rectangles and curves as pdfplumber objects."""
    device = _CharRecorder(page)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    height = page.height
    x_offset, y_offset = page.mediabox[0], page.mediabox[1]

    def char(text: str, x0: float, y0: float, x1: float, y1: float) -> _Char:
        return _Char(text, x0 + x_offset, x1 + x_offset, height - y1 + y_offset, height - y0 + y_offset)

    chars = [char(*box) for box in device.boxes]
    vectors = []
    for item in _leaves(device.get_result()):
        if isinstance(item, LTChar):
            chars.append(char(item.get_text(), *item.bbox))
        elif isinstance(item, LTCurve):
            vectors.append(page.process_object(item))
    return chars, vectors


def _leaves(container: LTContainer) -> Iterator[LTComponent]:
    """Layout objects in drawing order, those inside form XObjects (figures) included."""
    for item in container:
        if isinstance(item, LTContainer):
            yield from _leaves(item)
        else:
            yield item


def _main_table(page: Page, vectors: list[dict]) -> Table | None:
    """The page's largest ruled table, found in one pass over its lines and rectangles."""
    if len(vectors) < 2:
        return None
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vectors,
        "explicit_horizontal_lines": vectors,
        "snap_tolerance": SNAP_TOLERANCE,
    }
    tables = TableFinder(page, settings).tables
    return max(tables, key=lambda table: len(table.cells), default=None)


class _Grid:
    """The table's cells placed on the grid of its distinct column and band boundaries."""

    def __init__(self, cells: list[tuple[float, float, float, float]]):
        self.xs = _boundaries([x for cell in cells for x in (cell[0], cell[2])])
        self.ys = _boundaries([y for cell in cells for y in (cell[1], cell[3])])
        self.column_count = len(self.xs) - 1
        self.band_count = len(self.ys) - 1
        self.spans: list[tuple[int, int, int, int]] = []  # (first band, end band, first column, end column)
        self._owner: list[list[int | None]] = [[None] * self.column_count for _ in range(self.band_count)]
        for index, (x0, top, x1, bottom) in enumerate(cells):
            span = (_nearest(self.ys, top), _nearest(self.ys, bottom), _nearest(self.xs, x0), _nearest(self.xs, x1))
            self.spans.append(span)
            for band in range(span[0], span[1]):
                for column in range(span[2], span[3]):
                    self._owner[band][column] = index

    def owner(self, band: int, column: int) -> int:
        """The cell covering a grid position, or the nearest one in its band where the grid has a hole."""
        row = self._owner[band]
        for distance in range(self.column_count):
            for candidate in (column - distance, column + distance):
                if 0 <= candidate < self.column_count and row[candidate] is not None:
                    return row[candidate]
        raise AssertionError("every band holds at least one cell")

    def column_at(self, x: float) -> int:
        return min(max(bisect_right(self.xs, x) - 1, 0), self.column_count - 1)

    def band_cells(self, band: int) -> list[int]:
        """The distinct cells covering a band, left to right."""
        return list(dict.fromkeys(self.owner(band, column) for column in range(self.column_count)))

    def cells_in_bands(self, first: int, end: int) -> list[int]:
        return list(dict.fromkeys(cell for band in range(first, end) for cell in self.band_cells(band)))

    def assign(self, chars: list[_Char]) -> tuple[list[list[_Char]], list[_Char]]:
        """Each character in the cell holding its centre; characters beside the table (a producer
        letting text overflow its cell) go to the nearest cell of their band, so none is lost.
        Characters above or below the table (title, footer) are returned apart."""
        found: list[list[_Char]] = [[] for _ in self.spans]
        outside: list[_Char] = []
        top, bottom = self.ys[0], self.ys[-1]
        for char in chars:
            middle = char.middle
            if not top <= middle <= bottom:
                outside.append(char)
                continue
            band = min(bisect_right(self.ys, middle) - 1, self.band_count - 1)
            found[self.owner(band, self.column_at((char.x0 + char.x1) / 2))].append(char)
        return found, outside


def _boundaries(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > SNAP_TOLERANCE:
            out.append(value)
    return out


def _nearest(boundaries: list[float], value: float) -> int:
    index = bisect_right(boundaries, value)
    if index == len(boundaries) or (index > 0 and value - boundaries[index - 1] <= boundaries[index] - value):
        return index - 1
    return index


def _lines(chars: list[_Char]) -> tuple[str, ...]:
    """A cell's characters as printed lines, top to bottom."""
    return tuple(_line_text(line) for line in _char_lines(chars))


def _char_lines(chars: list[_Char]) -> list[list[_Char]]:
    """A cell's characters as printed lines, top to bottom, each left to right.

    Characters of one line can differ a little in height (a fallback font for ∘ has other
    metrics), so a line is every character whose middle lies within half a character of the
    line's first one."""
    lines: list[list[_Char]] = []
    line_middle = line_half = 0.0
    for char in sorted(chars, key=lambda c: c.middle):
        if lines and char.middle - line_middle <= line_half:
            lines[-1].append(char)
        else:
            lines.append([char])
            line_middle, line_half = char.middle, (char.bottom - char.top) / 2
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def _line_text(line: list[_Char]) -> str:
    return "".join(c.text for c in line)


# Tolerance of the measures below, as a share of the font size: how close a shrink-to-fit cell's
# widest line comes to the cell's edge, and how much wider than a character a full line's gap may
# be (a producer's layout metrics and the PDF's differ a little).
FILLED = 0.02


def _body_size(cell_chars: list[list[_Char]]) -> float:
    """The page's usual font size in the table: the size most of its cells are printed at."""
    sizes: dict[float, int] = {}
    for found in cell_chars:
        if found:
            size = round(_median_size(found), 2)
            sizes[size] = sizes.get(size, 0) + 1
    return max(sizes, key=sizes.__getitem__, default=0.0)


def _median_size(chars: list[_Char]) -> float:
    sizes = sorted(c.bottom - c.top for c in chars)
    return sizes[len(sizes) // 2]


def _wraps(lines: list[list[_Char]], left: float, right: float, body_size: float) -> tuple[bool, ...]:
    """Per printed line of a cell, whether it ends because the cell is full (a soft wrap).

    A line is full when what starts the next line would not have fitted after it: the gap to the
    cell's right edge (less the padding the text keeps from the left edge) is narrower than a
    full-width character, or than the next line's first unbreakable piece where that is wider (a
    Latin word or number, with the brackets and punctuation that Japanese line breaking keeps on
    it). A line may also hang a 「、」 past the edge. The last line is measured against one
    character, since the cell may go on at the top of the next page.

    A cell printed smaller than the page's usual size whose widest line just fills it, with no
    other line full, is a spreadsheet's shrink-to-fit of unwrapped lines: none of them is a soft
    wrap. (A producer that wraps and also shrinks a cell to its height leaves several lines full.)"""
    printed = [[c for c in line if not c.text.isspace()] for line in lines]
    starts = [line[0].x0 for line in printed if line]
    if not starts:
        return (False,) * len(lines)
    edge = right - (min(starts) - left)
    size = _median_size([c for line in printed for c in line])
    gaps = [edge - line[-1].x1 if line else edge - left for line in printed]
    rooms = [max(size, _first_unit_width(after)) if after else size for after in [*printed[1:], None]]
    widest = min(range(len(gaps)), key=gaps.__getitem__)
    if (size < body_size * (1 - FILLED / 10) and abs(gaps[widest]) <= FILLED * size
            and not any(gaps[i] < rooms[i] - FILLED * size for i in range(len(gaps) - 1) if i != widest)):
        return (False,) * len(lines)
    return tuple(bool(line) and gap < room + FILLED * size for line, gap, room in zip(printed, gaps, rooms))


def _first_unit_width(line: list[_Char]) -> float:
    """The width of a line's first unbreakable piece: a character, or a Latin word or number, with
    opening brackets before it and closing punctuation after it (kinsoku)."""
    i = 0
    while i < len(line) - 1 and line[i].text in layout.NO_LINE_END:
        i += 1
    if line[i].text.isascii() and line[i].text.isalnum():
        while i + 1 < len(line) and line[i + 1].text.isascii() and not line[i + 1].text.isspace():
            i += 1
    while i + 1 < len(line) and line[i + 1].text in layout.NO_LINE_START:
        i += 1
    return line[i].x1 - line[0].x0


def _header(grid: _Grid, cells: list[tuple[str, ...]], source_file: str, page: int) -> tuple[int, dict[str, list[int]]]:
    """Where the column-header bands end, and the columns of every field.

    The header is the first run of bands with a cell naming a column. A column takes the label of
    the narrowest header cell over it; the No. column has no label of its own in the city's
    layout but sits under the 取組名 cell, so the first of two 取組名 columns is the No."""
    labels: dict[int, str] = {}
    for index, text in enumerate(cells):
        compact = layout.compact("".join(text))
        label = next((name for name, pattern in HEADER_LABELS if pattern.fullmatch(compact)), None)
        if label is not None:
            labels[index] = label
    start = next((band for band in range(grid.band_count) if any(c in labels for c in grid.band_cells(band))), None)
    if start is None:
        raise SheetError(source_file, "the table has no column-header row (取組名, 事務事業名, …)", page=page)
    end = start
    while end < grid.band_count and any(c in labels for c in grid.band_cells(end)):
        end += 1
    header_cells = [cell for cell in grid.cells_in_bands(start, end) if cell in labels]
    columns: dict[str, list[int]] = {}
    for column in range(grid.column_count):
        over = [cell for cell in header_cells if grid.spans[cell][2] <= column < grid.spans[cell][3]]
        if over:
            narrowest = min(over, key=lambda cell: grid.spans[cell][3] - grid.spans[cell][2])
            columns.setdefault(labels[narrowest], []).append(column)
    if "initiative_no" not in columns and len(columns.get("initiative_name", ())) > 1:
        columns["initiative_no"] = [columns["initiative_name"].pop(0)]
    missing = [name for name in COLUMN_FIELDS if name not in columns]
    if missing:
        raise SheetError(source_file, f"the column header lacks {', '.join(missing)}", page=page)
    return end, columns


def _title(texts: list[tuple[str, ...]]) -> str | None:
    return next((line.strip() for text in texts for line in text if layout.fiscal_year_from_title(line)), None)


def _section(page: int, band_chars: list[_Char]) -> SectionRow | None:
    """The band as a section row, if its text is one. The text is read from the whole band, not
    cell by cell, as a producer may leave the row unmerged and let the text run across its cells."""
    text = layout.join_name(list(_lines(band_chars)))
    for level, parse in (("pillar", layout.parse_pillar), ("direction", layout.parse_direction), ("subarea", layout.parse_subarea)):
        parsed = parse(text)
        if parsed is not None:
            return SectionRow(page, level, *parsed)
    return None


def _blank(lines: tuple[str, ...]) -> bool:
    return not "".join(lines).strip()


def _grades(achievement: tuple[str, ...], contribution: tuple[str, ...]) -> tuple[bool, bool]:
    """Whether each grade cell starts with a grade (「３．…」, 「A．…」)."""
    return (
        bool(layout.ACHIEVEMENT_START_RE.match(layout.join_text(list(achievement)))),
        bool(layout.CONTRIBUTION_START_RE.match(layout.join_text(list(contribution)))),
    )


def _field_cell(
    page: int, grid: _Grid, cells: list[tuple[str, ...]], wraps: list[tuple[bool, ...]], band: int, columns: list[int]
) -> Cell:
    """The cell of a field in a band; where the rows divide a header's column further, its cells
    read left to right as one."""
    indexes = tuple(dict.fromkeys(grid.owner(band, column) for column in columns))
    return Cell(
        (page, *indexes),
        tuple(line for i in indexes for line in cells[i]),
        tuple(wrap for i in indexes for wrap in wraps[i]),
    )


# -- process pool -------------------------------------------------------------------------------

_worker_pdf: pdfplumber.PDF | None = None
_worker_name = ""


def _open_in_worker(path: Path) -> None:
    global _worker_pdf, _worker_name
    _worker_pdf, _worker_name = _open(path), path.name


def _read_page_in_worker(index: int) -> PageTable:
    assert _worker_pdf is not None
    return read_page(_worker_pdf.pages[index], _worker_name)


# -- joining pages ------------------------------------------------------------------------------


class _Joiner:
    """Grid rows of successive pages, with rows and cells cut by a page break joined back.

    Where a page's first grid row has no number of its own it continues the previous page's last
    row. Its empty cells are the rest of cells merged across the break. If the two rows do not
    each have both grades, a row was cut in two: every cell of the second part is appended to
    the first. Otherwise it is the initiative's next sub-row.
    """

    def __init__(self, source_file: str):
        self.source_file = source_file
        self.rows: list[SectionRow | GridRow] = []
        self.text: dict[tuple[int, ...], tuple[str, ...]] = {}
        self.wraps: dict[tuple[int, ...], tuple[bool, ...]] = {}
        self.alias: dict[tuple[int, ...], tuple[int, ...]] = {}

    def resolve(self, cell: Cell) -> tuple[int, ...]:
        key = cell.key
        while key in self.alias:
            key = self.alias[key]
        return key

    def lines(self, cell: Cell) -> tuple[str, ...]:
        return self.text[self.resolve(cell)]

    def add_page(self, rows: tuple[SectionRow | GridRow, ...]) -> None:
        for row in rows:
            if isinstance(row, GridRow):
                for cell in row.cells.values():
                    if cell.key not in self.text:
                        self.text[cell.key] = cell.lines
                        self.wraps[cell.key] = cell.wraps
        previous = self.rows[-1] if self.rows else None
        first = rows[0] if rows else None
        if isinstance(previous, GridRow) and isinstance(first, GridRow) and _blank(self.lines(first.cells["initiative_no"])):
            cut_row = not (self.has_grades(previous) and self.has_grades(first))
            for name, cell in first.cells.items():
                above, below = self.resolve(previous.cells[name]), self.resolve(cell)
                if above == below:
                    continue
                if _blank(self.text[below]):
                    self.alias[below] = above
                elif cut_row:
                    self.text[above] += self.text[below]
                    self.wraps[above] += self.wraps[below]
                    self.alias[below] = above
            if cut_row:
                rows = rows[1:]
        self.rows.extend(rows)

    def has_grades(self, row: GridRow) -> bool:
        return all(_grades(self.lines(row.cells["achievement_code"]), self.lines(row.cells["contribution_code"])))


# -- sheet rows ---------------------------------------------------------------------------------


def _sheet_rows(joined: _Joiner, fiscal_year: int) -> tuple[list[SheetRow], list[RowProblem]]:
    """Grid rows grouped into initiatives by the No. cell they share, under the sections above them;
    rows whose grade is none of the scale's labels are quarantined."""
    source_file = joined.source_file
    sections: dict[str, tuple] = {}
    initiative: list[GridRow] = []
    out: list[SheetRow | RowProblem] = []
    for row in [*joined.rows, None]:
        if initiative and (
            not isinstance(row, GridRow)
            or joined.resolve(row.cells["initiative_no"]) != joined.resolve(initiative[0].cells["initiative_no"])
        ):
            out.extend(_initiative_rows(joined, fiscal_year, sections, initiative))
            initiative = []
        if isinstance(row, SectionRow):
            # A pillar starts its directions afresh, a direction its sub-areas.
            levels = ("pillar", "direction", "subarea")
            for level in levels[levels.index(row.level) :]:
                sections.pop(level, None)
            sections[row.level] = (row.number, row.title)
        elif isinstance(row, GridRow):
            if not initiative and _blank(joined.lines(row.cells["initiative_no"])):
                raise SheetError(source_file, "a row without an initiative number (No.)", page=row.page)
            if len(sections) < 3:
                raise SheetError(source_file, "a row before its 取組方針, 取組の方向性 and ① section rows", page=row.page)
            initiative.append(row)
    return [r for r in out if isinstance(r, SheetRow)], [r for r in out if isinstance(r, RowProblem)]


def _initiative_rows(
    joined: _Joiner, fiscal_year: int, sections: dict[str, tuple], rows: list[GridRow]
) -> list[SheetRow | RowProblem]:
    """The sheet rows of one initiative: its shared cells with each row's own."""
    source_file = joined.source_file
    # A merged cell cut by a page break is several cells; its text is theirs in order.
    shared_keys = {name: list(dict.fromkeys(joined.resolve(row.cells[name]) for row in rows)) for name in INITIATIVE_FIELDS}
    shared = {name: [line for key in keys for line in joined.text[key]] for name, keys in shared_keys.items()}
    shared_wraps = {name: [wrap for key in keys for wrap in joined.wraps[key]] for name, keys in shared_keys.items()}
    number_text = layout.join_name(shared["initiative_no"])
    try:
        number = int(layout.compact(number_text))
    except ValueError:
        raise SheetError(source_file, f"initiative number {number_text!r} is not a number", page=rows[0].page) from None
    out = []
    for sub_row, row in enumerate(rows, start=1):
        own = {name: list(joined.lines(cell)) for name, cell in row.cells.items() if name not in INITIATIVE_FIELDS}
        own_text = {
            name: layout.join_wrapped(own[name], list(joined.wraps[joined.resolve(row.cells[name])]))
            for name in ("results", "reason", "future_direction")
        }
        problems = []
        achievement = contribution = None
        try:
            achievement = layout.parse_achievement(layout.join_text(own["achievement_code"]))
        except ValueError as error:
            problems.append(str(error))
        try:
            contribution = layout.parse_contribution(layout.join_text(own["contribution_code"]))
        except ValueError as error:
            problems.append(str(error))
        sheet_row = SheetRow(
            fiscal_year=fiscal_year,
            initiative_no=number,
            sub_row=sub_row,
            pillar=sections["pillar"][0],
            pillar_title=sections["pillar"][1],
            direction_no=sections["direction"][0],
            direction_title=sections["direction"][1],
            subarea_no=sections["subarea"][0],
            subarea_title=sections["subarea"][1],
            initiative_name=layout.join_name(shared["initiative_name"]),
            project_name=layout.join_name(own["project_name"]),
            policy_code=layout.normalise_policy_code(layout.join_name(own["policy_code"])),
            description=layout.join_wrapped(shared["description"], shared_wraps["description"]),
            plan_fy=layout.join_wrapped(shared["plan_fy"], shared_wraps["plan_fy"], values_apart=True),
            achievement_code=achievement,
            results=own_text["results"],
            contribution_code=contribution,
            reason=own_text["reason"],
            future_direction=own_text["future_direction"],
            bureau=layout.join_name(own["bureau"]),
            source_file=source_file,
            source_page=row.page,
        )
        if problems:
            where = f"No. {number} ({sub_row})"
            out.append(RowProblem(source_file, row.page, where, "; ".join(problems), sheet_row.to_dict()))
        else:
            out.append(sheet_row)
    return out
