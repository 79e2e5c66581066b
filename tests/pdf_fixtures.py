"""Render sheet rows into PDFs laid out like the city's progress-management sheets.

The layout follows the city's: title above a ruled table, the column-header row on every page,
full-width section rows, and an initiative's shared cells (No., 取組名, 取組の内容, 令和N年度の取組内容)
merged over its sub-rows. Geometry is the city's A3 landscape sheet scaled to the page, so any page
size works. A page break can fall between an initiative's sub-rows or, on request, inside a row.

What a break cuts is drawn the way a chosen producer draws it (`PdfLayout.cut_text`, `cut_rules`):
a cut cell's lines that fit on the first page there and the rest at the top of its part on the next
(a browser); the whole text on both pages, each time clipped to that page's part of the cell, so the
other part is in the content stream but invisible (a spreadsheet program); or a merged cell's text
printed again, whole, on the next page. The cut cell's rules at the break are drawn or left out;
borders are drawn per cell side, and the header row leaves its bottom to the row below it, so a
continuation without its top rule runs up into the header, as in a spreadsheet's shared borders.

Fonts are embedded TrueType (IPAex Gothic, DejaVu Sans for what IPAex lacks, such as ∘ U+2218), so
every character reads back as itself; reportlab's built-in CID fonts would not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract.layout import ACHIEVEMENT_LABELS, CIRCLED_NUMBERS, CONTRIBUTION_LABELS, POLICY_CODE_RE
from pipeline.extract.records import Sheet, SheetRow

A3_LANDSCAPE = landscape(A3)
A4_LANDSCAPE = landscape(A4)

FONT_FILES = {
    "IPAexGothic": (
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    ),
    "DejaVuSans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
}

# The city's sheet in points on A3 landscape; everything is scaled by the page width.
A3_WIDTH = A3_LANDSCAPE[0]
LEFT, TITLE_TOP, TABLE_TOP, BOTTOM_MARGIN, FOOTER_GAP = 26.7, 31.0, 45.5, 75.0, 30.0
FONT_SIZE, TITLE_SIZE, LEADING, PADDING = 6.0, 9.5, 1.2, 1.6

# (field, width): the city's columns, left to right.
COLUMNS = (
    ("initiative_no", 14.4),
    ("initiative_name", 44.8),
    ("project_name", 32.4),
    ("policy_code", 32.4),
    ("description", 106.5),
    ("plan_fy", 193.1),
    ("achievement_code", 44.4),
    ("results", 264.8),
    ("contribution_code", 44.4),
    ("reason", 164.6),
    ("future_direction", 175.0),
    ("bureau", 20.8),
)
SHARED_FIELDS = ("initiative_no", "initiative_name", "description", "plan_fy")
TEXT_FIELDS = ("description", "plan_fy", "results", "reason", "future_direction")


@dataclass(frozen=True)
class PdfLayout:
    page_size: tuple[float, float] = A3_LANDSCAPE
    # A "No." header cell of its own, instead of 取組名 over the No. and name columns as the city has.
    number_header: bool = False
    # Section rows as one merged cell, or as the row's own cells with the text running across them.
    merged_sections: bool = True
    # (initiative_no, sub_row) of rows that start a new page, and of rows a page break cuts in half.
    break_before: frozenset[tuple[int, int]] = frozenset()
    split_rows: frozenset[tuple[int, int]] = frozenset()
    # How a cell cut by a page break is drawn: "split" (the lines that fit, then the rest), "clipped"
    # (the whole text on both pages, clipped to each part) or "repeated" (merged cells: printed again
    # on the next page; other cells split).
    cut_text: str = "split"
    # Whether a cut cell keeps its rule at the break (bottom on the first page, top on the next).
    cut_rules: bool = True
    # A shaded header row (its fill is an edge too), or a plain one whose bottom is only the rule
    # of the row below.
    header_fill: bool = True
    # The title and column-header row on every page (a spreadsheet's print titles), or on the first only.
    repeat_header: bool = True
    # A ruled frame around the page, as some producers draw, enclosing title, table and footer.
    page_frame: bool = False


def write_sheet_pdf(path: Path, sheet: Sheet, layout: PdfLayout = PdfLayout()) -> tuple[SheetRow, ...]:
    """Render the sheet's rows to `path`; returns them as a reader must give them back from it."""
    writer = _Writer(path, sheet, layout)
    for item in _items(sheet.rows):
        if isinstance(item, str):
            writer.place_section(item)
        else:
            writer.place_block(item)
    writer.canvas.save()
    return tuple(
        replace(row, source_file=path.name, source_page=writer.row_pages[(row.initiative_no, row.sub_row)]) for row in sheet.rows
    )


# -- fonts and text -------------------------------------------------------------------------------


@cache
def _fonts() -> tuple[TTFont, TTFont]:
    fonts = []
    for name, candidates in FONT_FILES.items():
        found = next((path for path in candidates if Path(path).is_file()), None)
        if found is None:
            raise FileNotFoundError(f"font {name} not found at {candidates}; install fonts-ipaexfont and fonts-dejavu-core")
        font = TTFont(name, found)
        pdfmetrics.registerFont(font)
        fonts.append(font)
    return fonts[0], fonts[1]


def _runs(text: str) -> list[tuple[str, str]]:
    """(font name, text) pieces of a line: IPAex where it has the glyph, else the fallback font."""
    main, fallback = _fonts()
    runs: list[tuple[str, str]] = []
    for char in text:
        name = main.fontName if ord(char) in main.face.charToGlyph else fallback.fontName
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + char)
        else:
            runs.append((name, char))
    return runs


def _width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, name, size) for name, run in _runs(text))


def _breakable(before: str, after: str) -> bool:
    """Where a name may wrap so that joining its lines gives it back: never at a space, which the
    reader strips, nor inside a Latin word, which it would rejoin with a space."""
    if before.isspace() or after.isspace():
        return False
    return not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum())


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines = [""]
    for i, char in enumerate(text):
        if lines[-1] and _width(lines[-1] + char, size) > width and _breakable(text[i - 1], char):
            lines.append("")
        lines[-1] += char
    return lines


@dataclass
class _Content:
    """A cell's lines at one font size; `offset` moves them from the top of the part of the cell
    they are drawn in (up, where a clipped part shows the text cut off above it)."""

    lines: list[str]
    size: float
    offset: float = 0.0
    clipped: bool = False

    @property
    def line_height(self) -> float:
        return self.size * LEADING

    def height(self, padding: float) -> float:
        if not self.lines:
            return 0.0
        return max(0.0, len(self.lines) * self.line_height + 2 * padding + self.offset)

    def cut(self, height: float, padding: float, mode: str) -> tuple[_Content, _Content]:
        """The part of the cell's text above a cut `height` below its top, and the part below."""
        if mode == "clipped":
            return replace(self, clipped=True), replace(self, offset=self.offset - height, clipped=True)
        fit = max(0, math.floor((height - 2 * padding) / self.line_height + 1e-6))
        if mode == "repeated":
            return _Content(self.lines[:fit], self.size), self
        return _Content(self.lines[:fit], self.size), _Content(self.lines[fit:], self.size)


def _fitted(text: str, width: float, size: float, wrap: bool) -> _Content:
    """Names wrap to the cell; text cells keep their printed lines and shrink to fit, as a
    spreadsheet's shrink-to-fit does, so the lines read back as given."""
    lines = _wrap(text, width, size) if wrap else text.split("\n")
    widest = max((_width(line, 1.0) for line in lines), default=0.0)
    if widest * size > width:
        size = width / widest
    return _Content(lines, size)


# -- sheet items ----------------------------------------------------------------------------------


@dataclass
class _SubRow:
    key: tuple[int, int]
    cells: dict[str, _Content]
    continued: bool = False  # the rest of a row cut by the page break before it
    continues: bool = False  # the first part of a row cut by the page break after it


@dataclass
class _Block:
    """An initiative: its shared cells over its sub-rows' own cells."""

    shared: dict[str, _Content]
    rows: list[_SubRow] = field(default_factory=list)
    continued: bool = False  # the rest of an initiative cut by the page break before it
    continues: bool = False


def _items(rows: tuple[SheetRow, ...]) -> list[str | list[SheetRow]]:
    """Section titles and initiatives (their rows) in sheet order."""
    items: list[str | list[SheetRow]] = []
    previous: SheetRow | None = None
    for row in rows:
        new_pillar = previous is None or (row.pillar, row.pillar_title) != (previous.pillar, previous.pillar_title)
        new_direction = new_pillar or (row.direction_no, row.direction_title) != (previous.direction_no, previous.direction_title)
        new_subarea = new_direction or (row.subarea_no, row.subarea_title) != (previous.subarea_no, previous.subarea_title)
        if new_pillar:
            items.append(f"【取組方針{row.pillar}】{row.pillar_title}")
        if new_direction:
            items.append(f"　取組の方向性{_full_width(str(row.direction_no))}　{row.direction_title}")
        if new_subarea:
            items.append(f"　　{CIRCLED_NUMBERS[row.subarea_no - 1]}{row.subarea_title}")
        if not new_subarea and previous.initiative_no == row.initiative_no:
            items[-1].append(row)
        else:
            items.append([row])
        previous = row
    return items


def _full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}).replace("-", "－")


def _cell_texts(row: SheetRow) -> dict[str, str]:
    policy_code = _full_width(row.policy_code) if POLICY_CODE_RE.match(row.policy_code) else row.policy_code
    return {
        "initiative_no": str(row.initiative_no),
        "initiative_name": row.initiative_name,
        "project_name": row.project_name,
        "policy_code": policy_code,
        "description": row.description,
        "plan_fy": row.plan_fy,
        "achievement_code": f"{_full_width(str(row.achievement_code))}．{ACHIEVEMENT_LABELS[row.achievement_code]}",
        "results": row.results,
        "contribution_code": f"{row.contribution_code}．{CONTRIBUTION_LABELS[row.contribution_code]}",
        "reason": row.reason,
        "future_direction": row.future_direction,
        "bureau": row.bureau,
    }


# -- pages ----------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, path: Path, sheet: Sheet, layout: PdfLayout):
        _fonts()
        self.sheet = sheet
        self.layout = layout
        self.width, self.height = layout.page_size
        self.scale = self.width / A3_WIDTH
        self.padding = PADDING * self.scale
        self.font_size = FONT_SIZE * self.scale
        self.x = [LEFT * self.scale]
        for _, width in COLUMNS:
            self.x.append(self.x[-1] + width * self.scale)
        self.column = {name: i for i, (name, _) in enumerate(COLUMNS)}
        self.bottom = self.height - BOTTOM_MARGIN * self.scale
        self.canvas = Canvas(str(path), pagesize=layout.page_size, pageCompression=1)
        self.canvas.setTitle(sheet.title)
        self.page = 0
        self.y = self.bottom
        self.empty_page = True
        self.row_pages: dict[tuple[int, int], int] = {}

    # drawing, in top-down coordinates

    def content(self, text: str, first: int, end: int, *, wrap: bool = True) -> _Content:
        return _fitted(text, self.x[end] - self.x[first] - 2 * self.padding, self.font_size, wrap)

    def field_content(self, name: str, text: str) -> _Content:
        column = self.column[name]
        return self.content(text, column, column + 1, wrap=name not in TEXT_FIELDS)

    def draw_cell(
        self,
        first: int,
        end: int,
        top: float,
        height: float,
        content: _Content,
        shade: float | None = None,
        rule_top: bool = True,
        rule_bottom: bool = True,
    ) -> None:
        x0, x1 = self.x[first], self.x[end]
        y0, y1 = self.height - top - height, self.height - top
        if shade is not None:
            self.canvas.setFillGray(shade)
            self.canvas.rect(x0, y0, x1 - x0, height, stroke=0, fill=1)
            self.canvas.setFillGray(0)
        self.canvas.line(x0, y0, x0, y1)
        self.canvas.line(x1, y0, x1, y1)
        if rule_top:
            self.canvas.line(x0, y1, x1, y1)
        if rule_bottom:
            self.canvas.line(x0, y0, x1, y0)
        if content.clipped:
            self.canvas.saveState()
            path = self.canvas.beginPath()
            path.rect(x0, y0, x1 - x0, height)
            self.canvas.clipPath(path, stroke=0, fill=0)
        for i, line in enumerate(content.lines):
            self.draw_text(x0 + self.padding, top + self.padding + content.offset + i * content.line_height, line, content.size)
        if content.clipped:
            self.canvas.restoreState()

    def draw_text(self, x: float, top: float, text: str, size: float) -> None:
        baseline = self.height - top - size * 0.88
        for name, run in _runs(text):
            self.canvas.setFont(name, size)
            self.canvas.drawString(x, baseline, run)
            x += pdfmetrics.stringWidth(run, name, size)

    def new_page(self) -> None:
        if self.page:
            self.canvas.showPage()
        self.page += 1
        self.canvas.setLineWidth(0.6 * self.scale)
        if self.layout.page_frame:
            margin = 10 * self.scale
            self.canvas.rect(margin, margin, self.width - 2 * margin, self.height - 2 * margin, stroke=1, fill=0)
        number = str(self.page)
        self.draw_text(
            (self.width - _width(number, self.font_size)) / 2, self.bottom + FOOTER_GAP * self.scale, number, self.font_size
        )
        self.y = TABLE_TOP * self.scale
        if self.page == 1 or self.layout.repeat_header:
            self.draw_text(LEFT * self.scale, TITLE_TOP * self.scale, self.sheet.title, TITLE_SIZE * self.scale)
            self.y += self.draw_header(TABLE_TOP * self.scale)
        self.empty_page = True

    def draw_header(self, top: float) -> float:
        year = _full_width(str(self.sheet.fiscal_year - 2018))
        labels = {
            "initiative_name": "取組名",
            "project_name": "事務事業名",
            "policy_code": "施策番号",
            "description": "取組の内容",
            "plan_fy": f"令和{year}年度の取組内容",
            "achievement_code": f"「⑤令和{year}年度の取組内容」に対する達成度",
            "results": "取組内容の実績等",
            "contribution_code": "施策への貢献度（評価）",
            "reason": "評価の理由",
            "future_direction": "今後の事業の方向性",
            "bureau": "担当局",
        }
        cells = [(self.column[name], self.column[name] + 1, label) for name, label in labels.items()]
        if self.layout.number_header:
            cells.insert(0, (0, 1, "No."))
        else:
            cells[0] = (0, *cells[0][1:])  # the city's 取組名 cell also heads the No. column
        contents = [(first, end, self.content(label, first, end)) for first, end, label in cells]
        height = max(content.height(self.padding) for _, _, content in contents)
        for first, end, content in contents:
            self.draw_cell(first, end, top, height, content, shade=0.85 if self.layout.header_fill else None, rule_bottom=False)
        return height

    # placing sheet items

    def room(self) -> float:
        return self.bottom - self.y

    def place_section(self, title: str) -> None:
        content = self.content(title, 0, len(COLUMNS))
        height = content.height(self.padding)
        if not self.page or height > self.room():
            self.new_page()
        self.draw_cell(0, len(COLUMNS), self.y, height, content, shade=0.93)
        if not self.layout.merged_sections:
            for column in range(1, len(COLUMNS)):
                self.draw_cell(column, column + 1, self.y, height, _Content([], content.size))
        self.y += height
        self.empty_page = False

    def place_block(self, rows: list[SheetRow]) -> None:
        if self.page and not self.empty_page and (rows[0].initiative_no, rows[0].sub_row) in self.layout.break_before:
            self.new_page()  # after the section rows placed before it
        texts = [_cell_texts(row) for row in rows]
        block = _Block({name: self.field_content(name, texts[0][name]) for name in SHARED_FIELDS})
        for row, text in zip(rows, texts):
            cells = {name: self.field_content(name, value) for name, value in text.items() if name not in SHARED_FIELDS}
            block.rows.append(_SubRow((row.initiative_no, row.sub_row), cells))
        while block is not None:
            block = self.place_part(block)

    def own_height(self, row: _SubRow) -> float:
        return max(content.height(self.padding) for content in row.cells.values())

    def heights(self, block: _Block) -> list[float]:
        heights = [self.own_height(row) for row in block.rows]
        shared = max(content.height(self.padding) for content in block.shared.values())
        heights[-1] += max(0.0, shared - sum(heights))  # merged cells taller than their rows
        return heights

    def place_part(self, block: _Block) -> _Block | None:
        """Draw as much of the block as belongs on this page; returns the rest, for the next."""
        if not self.page:
            self.new_page()
        heights = self.heights(block)
        cut = self.forced_cut(block, heights)
        if cut is None or cut > self.room():
            if sum(heights) <= self.room():
                self.draw_block(block, heights)
                return None
            whole = sum(1 for i in range(len(heights)) if sum(heights[: i + 1]) <= self.room())
            if whole == 0 and not self.empty_page:
                self.new_page()
                return block
            cut = sum(heights[:whole]) if whole else self.room()
        upper, upper_heights, lower = self.cut(block, heights, cut)
        self.draw_block(upper, upper_heights)
        self.new_page()
        return lower

    def forced_cut(self, block: _Block, heights: list[float]) -> float | None:
        for i, row in enumerate(block.rows):
            if row.continued:
                continue
            if i and row.key in self.layout.break_before:
                return sum(heights[:i])
            if row.key in self.layout.split_rows:
                return sum(heights[:i]) + self.own_height(row) / 2
        return None

    def cut(self, block: _Block, heights: list[float], cut: float) -> tuple[_Block, list[float], _Block]:
        """The block cut `cut` below its top: the part above with its row heights, and the part below.

        A cell the cut crosses keeps the lines that fit; the others start its part on the next page."""
        upper, lower = _Block({}, continued=block.continued, continues=True), _Block({}, continued=True)
        upper_heights: list[float] = []
        own_mode = "split" if self.layout.cut_text == "repeated" else self.layout.cut_text
        for name, content in block.shared.items():
            upper.shared[name], lower.shared[name] = content.cut(cut, self.padding, self.layout.cut_text)
        top = 0.0
        for row, height in zip(block.rows, heights):
            if top + height <= cut + 1e-6:
                upper.rows.append(row)
                upper_heights.append(height)
            elif top >= cut - 1e-6:
                lower.rows.append(row)
            else:
                above, below = {}, {}
                for name, content in row.cells.items():
                    above[name], below[name] = content.cut(cut - top, self.padding, own_mode)
                rest = any(content.height(self.padding) > 0 for content in below.values())
                upper.rows.append(_SubRow(row.key, above, row.continued, continues=rest))
                upper_heights.append(cut - top)
                if rest:
                    lower.rows.append(_SubRow(row.key, below, continued=True))
            top += height
        if not lower.rows:
            # Only merged cells go on: they need a band to continue in.
            last = block.rows[-1]
            lower.rows.append(_SubRow(last.key, {name: _Content([], c.size) for name, c in last.cells.items()}, continued=True))
        return upper, upper_heights, lower

    def draw_block(self, block: _Block, heights: list[float]) -> None:
        total = sum(heights)
        closed = self.layout.cut_rules
        for name, content in block.shared.items():
            column = self.column[name]
            self.draw_cell(
                column,
                column + 1,
                self.y,
                total,
                content,
                rule_top=closed or not block.continued,
                rule_bottom=closed or not block.continues,
            )
        top = self.y
        for row, height in zip(block.rows, heights):
            if not row.continued:
                self.row_pages[row.key] = self.page
            for name, content in row.cells.items():
                column = self.column[name]
                self.draw_cell(
                    column,
                    column + 1,
                    top,
                    height,
                    content,
                    rule_top=closed or not row.continued,
                    rule_bottom=closed or not row.continues,
                )
            top += height
        self.y += total
        self.empty_page = False
