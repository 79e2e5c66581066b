"""A sheet PDF's pages, read in order, as sheet rows: what page breaks cut is joined back, sections set
the hierarchy and initiatives get their sub-rows.

A page break falls between two rows, inside a row, or inside an initiative whose merged cells
(No., 取組名, 取組の内容, 令和N年度の取組内容) span it; producers draw each differently. What tells
them apart is the table's structure, never the text: a page whose first row has no number of its
own (its No. cell blank, or repeating the number above) goes on with the previous page's last row.
If the two parts do not each start with both grades, one row was cut in two and every cell of the
second part continues the cell above it, in its column. Otherwise the page holds the initiative's
next sub-rows, and the merged cells go on: blank (the text was printed on the first page), with
the text again (printed on both), or with the lines the first page had no room for.
"""

from __future__ import annotations

from dataclasses import asdict

from pipeline.extract import layout
from pipeline.extract.pdf.page import Cell, GridRow, PageTable, SectionRow, grades
from pipeline.extract.records import RowProblem, Sheet, SheetError, SheetRow
from pipeline.extract.sheet import MISSING_SECTIONS, NO_TEXT_LAYER, NO_TITLE, Section, evaluation_row, row_label, split

# The cells an initiative's sub-rows share (merged in the sheet); every other column is per row.
INITIATIVE_FIELDS = ("initiative_no", "initiative_name", "description", "plan_fy")


def assemble_sheet(source_file: str, pages: list[PageTable]) -> Sheet:
    """The sheet rows of a file's pages, read in page order."""
    unread = next((page for page in pages if page.needs_header), None)
    if unread is not None:
        raise SheetError(source_file, "the table has no column-header row (取組名, 事務事業名, …)", page=unread.page)
    title = next((page.title for page in pages if page.title), None)
    if title is None:
        if pages and not any(page.has_text for page in pages):
            raise SheetError(source_file, NO_TEXT_LAYER)
        raise SheetError(source_file, NO_TITLE)
    fiscal_year = layout.fiscal_year_from_title(title)
    assert fiscal_year is not None  # titles are only kept where they name a fiscal year
    if not any(isinstance(row, GridRow) for page in pages for row in page.rows):
        raise SheetError(source_file, "no ruled table of sheet rows found")
    joined = _Joiner(source_file)
    for page in pages:
        joined.add_page(page.rows)
    return Sheet(source_file, fiscal_year, title, *split(_sheet_rows(joined, fiscal_year)))


def _blank(lines: tuple[str, ...]) -> bool:
    return not "".join(lines).strip()


class _Joiner:
    """Grid rows of successive pages, with rows and cells cut by a page break joined back.

    A cell continued on the next page is aliased to the cell it continues; its text, where it
    adds some, is appended to that cell's."""

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
        first = rows[0] if rows else None
        if isinstance(first, GridRow) and self.rows and self.continues(first):
            rows = self.join_across_the_break(first, rows)
        self.rows.extend(rows)

    def continues(self, first: GridRow) -> bool:
        """Whether a page's first row goes on with the row before the break: its No. cell is blank
        or repeats the number above it."""
        number = layout.compact("".join(self.lines(first.cells["initiative_no"])))
        previous = self.rows[-1]
        if not number:
            return True
        return isinstance(previous, GridRow) and number == layout.compact("".join(self.lines(previous.cells["initiative_no"])))

    def join_across_the_break(self, first: GridRow, rows: tuple[SectionRow | GridRow, ...]) -> tuple[SectionRow | GridRow, ...]:
        previous = self.rows[-1]
        if not isinstance(previous, GridRow):
            last = next((row for row in reversed(self.rows) if isinstance(row, GridRow)), None)
            after = f" after No. {layout.join_name(list(self.lines(last.cells['initiative_no'])))}" if last else ""
            raise SheetError(
                self.source_file,
                "the first row has no initiative number (No.) of its own, but the page before ends with a "
                f"section row ({previous.title}{after}), not a row it could continue; check the file's page breaks",
                page=first.page,
            )
        cut_row = not (self.has_grades(previous) and self.has_grades(first))
        for name, cell in first.cells.items():
            above, below = self.resolve(previous.cells[name]), self.resolve(cell)
            if above == below:
                continue
            if _blank(self.text[below]):
                self.alias[below] = above
            elif name in INITIATIVE_FIELDS and _reprinted(self.text[above], self.text[below]):
                # The merged cell printed again on this page: the longer printing is the whole text.
                if len(layout.compact("".join(self.text[below]))) > len(layout.compact("".join(self.text[above]))):
                    self.text[above], self.wraps[above] = self.text[below], self.wraps[below]
                self.alias[below] = above
            elif cut_row:
                self.text[above] += self.text[below]
                self.wraps[above] += self.wraps[below]
                self.alias[below] = above
        return rows[1:] if cut_row else rows

    def has_grades(self, row: GridRow) -> bool:
        return all(grades(self.lines(row.cells["achievement_code"]), self.lines(row.cells["contribution_code"])))


def _sheet_rows(joined: _Joiner, fiscal_year: int) -> list[SheetRow | RowProblem]:
    """Grid rows grouped into initiatives by the No. cell they share, under the sections above them;
    rows whose grade is none of the scale's labels are quarantined."""
    source_file = joined.source_file
    section = Section()
    initiative: list[GridRow] = []
    out: list[SheetRow | RowProblem] = []
    for row in [*joined.rows, None]:
        if initiative and (
            not isinstance(row, GridRow)
            or joined.resolve(row.cells["initiative_no"]) != joined.resolve(initiative[0].cells["initiative_no"])
        ):
            out.extend(_initiative_rows(joined, fiscal_year, section, initiative))
            initiative = []
        if isinstance(row, SectionRow):
            section = section.enter(row.level, row.number, row.title)
        elif isinstance(row, GridRow):
            if not initiative and _blank(joined.lines(row.cells["initiative_no"])):
                last = out[-1] if out else None
                after = (
                    f" (after {row_label(last.initiative_no, last.sub_row) if isinstance(last, SheetRow) else last.row})"
                    if last
                    else ""
                )
                raise SheetError(source_file, f"a row without an initiative number (No.){after}", page=row.page)
            if not section.complete:
                raise SheetError(source_file, MISSING_SECTIONS, page=row.page)
            initiative.append(row)
    return out


def _initiative_rows(joined: _Joiner, fiscal_year: int, section: Section, rows: list[GridRow]) -> list[SheetRow | RowProblem]:
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
            **asdict(section),
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
        out.append(evaluation_row(sheet_row, problems))
    return out


def _reprinted(above: tuple[str, ...], below: tuple[str, ...]) -> bool:
    """Whether one printing of a merged cell starts with the other: the same text printed on both
    pages of a break, whole or as far as each part had room."""
    first, second = layout.compact("".join(above)), layout.compact("".join(below))
    return first.startswith(second) or second.startswith(first)
