"""The pieces of a text export as printed rows: each between its two grade cells, with its leading
cells (No., 取組名, 事務事業名, 施策番号, 取組の内容, 令和N年度の取組内容) before and its trailing cells
(理由, 方向性, 担当局) after; section rows and stray merged cells in between."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract import layout
from pipeline.extract.records import SheetError
from pipeline.extract.sheet import NO_ROWS, Section, section_row
from pipeline.extract.text import cell_bounds
from pipeline.extract.text.columns import INITIATIVE_NO_RE, Columns, fits
from pipeline.extract.text.merged_cells import Fragment
from pipeline.extract.text.pieces import Piece
from pipeline.extract.text.row_cuts import join_cut

# What a sentence has and a name never does.
_SENTENCE_RE = re.compile(r"[。、]")

# A cell of its own that marks a grade as not given: a dash, or words saying so.
NO_GRADE_RE = re.compile(r"[-‐－−―ー—–]+|未評価|評価なし|評価対象外|対象外|該当なし")


@dataclass
class RowCells:
    """The cells of one printed row, as far as the export prints them with it."""

    section: Section
    project: list[Piece]
    code: Piece
    number: int | None
    name: list[Piece]  # empty: the 取組名 is a merged cell printed elsewhere
    inline: list[list[Piece]]  # blocks of 取組の内容 and 令和N年度の取組内容 printed with the row
    boundary_before: bool
    line: int = 0
    achievement: int = 0
    results: list[Piece] = field(default_factory=list)
    contribution: str = ""
    reason: list[Piece] = field(default_factory=list)
    future: list[Piece] = field(default_factory=list)
    bureau: list[Piece] = field(default_factory=list)
    unknown_grades: list[str] = field(default_factory=list)
    cut_grades: dict[str, tuple] = field(default_factory=dict)  # a label a page break cut short: kind, text, problem
    cut_bureau: bool = False  # a page break cut the 担当局 short


class Parser:
    """One pass over the pieces: rows between grade anchors, section rows and stray merged cells."""

    def __init__(self, pieces: list[Piece], source: str, widths: dict[str, tuple[float, float]] | None = None):
        """``widths``: the columns' widths (``row_cuts.column_widths``) to join rows cut by a page
        break by; without them, a row's cells after a page break are left out, and ``cut`` tells."""
        self.pieces = pieces
        self.source = source
        self.widths = widths
        self.cut = False
        self.continued = 0  # how many rows were read when the last row cut by a page break was continued
        self.codes = [i for i, piece in enumerate(pieces) if not piece.joined and layout.is_policy_code(piece.text)]
        self.columns = Columns.measure(pieces, self.codes)
        self.section = Section()
        self.rows: list[RowCells] = []
        self.fragments: list[Fragment] = []
        self.boundary = False
        self.last_number = 0

    def error(self, piece: Piece | None, problem: str) -> SheetError:
        return SheetError(self.source, problem, row=f"at line {piece.line}" if piece else None)

    def parse(self) -> tuple[list[RowCells], list[Fragment]]:
        anchors = self._grade_anchors()
        if not anchors:
            raise SheetError(self.source, NO_ROWS)
        cursor = 0
        for ach, con in anchors:
            between = self.pieces[cursor : ach.start]
            if self.rows:
                between = self._trailing_cells(between, self.rows[-1])
            row = self._leading_cells(between)
            row.line = self.pieces[ach.start].line
            row.achievement = ach.code
            row.results = self.pieces[ach.end : con.start]
            row.contribution = con.code
            row.unknown_grades = [grade.problem for grade in (ach, con) if grade.problem]
            row.cut_grades = {
                grade.kind.name: (grade.kind, grade.printed, grade.problem) for grade in (ach, con) if grade.printed
            }
            self.rows.append(row)
            cursor = con.end
        self._strays(self._continuation(self._trailing_cells(self.pieces[cursor:], self.rows[-1]), next_row=False))
        cut = next((row for row in self.rows if row.cut_bureau), None)
        if cut is not None and self.widths is not None:
            raise self.error(cut.bureau[0], "a 担当局 (bureau) cut short by page furniture does not go on after it")
        return self.rows, self.fragments

    # anchors

    def _grade_anchors(self) -> list[tuple[_Grade, _Grade]]:
        """The grade cells of every row: a 達成度 grade, then the row's 貢献度 grade. In row order the
        two alternate; 達成度 grades in a run mean the export printed a page column by column, and
        its cells cannot be put back into rows. Where a row's grade is no label (「－」), the
        alternation has a hole, and the row's no-grade mark fills it; a row with no label at all
        shows as a policy code with two such marks before the next code."""
        cells = self._grade_cells()
        anchors: list[tuple[_Grade, _Grade]] = []
        at, cursor = 0, 0
        while at < len(cells):
            anchors += self._rows_without_labels(cursor, cells[at].start, until_end=False)
            cursor = anchors[-1][1].end if anchors else 0
            ach = cells[at]
            if ach.kind is _ACHIEVEMENT:
                at += 1
            else:
                # The row's own cells end at its policy code, and its 達成度 comes after them.
                code = max((i for i in self.codes if cursor <= i < ach.start), default=cursor)
                ach = self._no_grade(_ACHIEVEMENT, code, ach.start, "a 貢献度 grade without a 達成度 grade before it")
            con = cells[at] if at < len(cells) else None
            if con is not None and con.kind is _CONTRIBUTION:
                at += 1
            else:
                con = self._missing_contribution(ach, cells[at:])
            anchors.append((ach, con))
            cursor = con.end
        return anchors + self._rows_without_labels(cursor, len(self.pieces), until_end=True)

    def _rows_without_labels(self, start: int, end: int, until_end: bool) -> list[tuple[_Grade, _Grade]]:
        """Rows between ``start`` and ``end`` whose two grades are both no-grade marks: a policy code
        with two marks before the next one. The last code before ``end`` is the next labelled row's,
        unless ``until_end``. A code with no marks after it is none of these (a ward in a bureau's
        name: 「川崎区」 / 「役所」)."""
        codes = [i for i in self.codes if start <= i < end]
        rows = []
        for code, bound in zip(codes, [*codes[1:], end] if until_end else codes[1:]):
            marks = self._marks(code, bound)
            if len(marks) == 2:
                rows.append(tuple(self._mark_grade(mark, kind) for mark, kind in zip(marks, (_ACHIEVEMENT, _CONTRIBUTION))))
            elif marks:
                raise self.error(self.pieces[code], f"a row without grade labels but {len(marks)} cells that may be its grades")
        return rows

    def _missing_contribution(self, ach: _Grade, rest: list[_Grade]) -> _Grade:
        """The no-grade mark that stands for a row's 貢献度, before the next row's policy code."""
        end = next((i for i in self.codes if i >= ach.end), len(self.pieces))
        if not rest:
            return self._no_grade(_CONTRIBUTION, ach.end, end, "a 達成度 grade without a 貢献度 grade after it")
        run = 1 + next((k for k, cell in enumerate(rest) if cell.kind is _CONTRIBUTION), len(rest))
        if run > 2:
            raise self.error(
                self.pieces[ach.start],
                (
                    f"the export's cells are not in row order: {run} 達成度 grades in a run before a 貢献度 grade "
                    "(the tool that made it printed the page column by column); export the sheet again row by row, "
                    "or use its PDF"
                ),
            )
        return self._no_grade(
            _CONTRIBUTION,
            ach.end,
            min(end, rest[0].start),
            f"a 達成度 grade without a 貢献度 grade before the next one (line {self.pieces[rest[0].start].line})",
        )

    def _no_grade(self, kind: _GradeKind, start: int, end: int, problem: str) -> _Grade:
        """The one no-grade mark between ``start`` and ``end``; SheetError with ``problem`` where there
        is none, or where there are several and either may be the grade."""
        marks = self._marks(start, end)
        if len(marks) != 1:
            where = self.pieces[start] if start < len(self.pieces) else None
            if marks:
                problem += f" but {len(marks)} cells that may be its grade (「{self.pieces[marks[0]].text}」)"
            raise self.error(where, problem)
        return self._mark_grade(marks[0], kind)

    def _marks(self, start: int, end: int) -> list[int]:
        """The cells between ``start`` and ``end`` that mark a grade as not given."""
        return [
            i
            for i in range(start, end)
            if cell_bounds.starts_cell(self.pieces[i])
            and NO_GRADE_RE.fullmatch(layout.compact(self.pieces[i].text))
            and (i + 1 == len(self.pieces) or cell_bounds.starts_cell(self.pieces[i + 1]))
        ]

    def _mark_grade(self, i: int, kind: _GradeKind) -> _Grade:
        mark = self.pieces[i]
        return _Grade(i, i + 1, kind, None, layout.unknown_grade(kind.name, mark.text, f" at line {mark.line}"))

    def _grade_cells(self) -> list[_Grade]:
        """Every grade cell printed as a label, of either kind, in order."""
        cells: list[_Grade] = []
        i = 0
        while i < len(self.pieces):
            cell = self._grade_at(i, _ACHIEVEMENT) or self._grade_at(i, _CONTRIBUTION)
            cells += [cell] if cell else []
            i = cell.end if cell else i + 1
        return cells

    def _grade_at(self, i: int, kind: _GradeKind) -> _Grade | None:
        """The grade cell of this kind starting at piece ``i``, if one does.

        A label may wrap over lines. A cell that reads like a grade (「３．目標…」) but is none of the
        scale's labels is one still, with no code and the problem noted, so the row is quarantined
        rather than merged into its neighbours; a numbered list (「１．研修の実施」) is not."""
        piece = self.pieces[i]
        # A grade cell starts a block, shares a line, or at least wraps as narrow as a name.
        if not kind.start.match(piece.text) or not (cell_bounds.starts_cell(piece) or fits(piece, self.columns.name)):
            return None
        text = ""
        for j in range(i, min(i + 4, len(self.pieces))):
            text += layout.compact(self.pieces[j].text)
            if text in kind.labels:
                return _Grade(i, j + 1, kind, kind.labels[text], None)
            if not any(label.startswith(text) for label in kind.labels):
                break
        end = i + 1
        while end < min(i + 3, len(self.pieces)) and not self.pieces[end].gap and fits(self.pieces[end], self.columns.name):
            end += 1
        label = layout.compact("".join(piece.text for piece in self.pieces[i:end]))
        if not kind.label_like.fullmatch(label):
            return None
        # A label that stops short of one of the scale's may go on after a page break (``row_cuts``).
        printed = label if any(whole.startswith(label) for whole in kind.labels) else None
        return _Grade(i, end, kind, None, layout.unknown_grade(kind.name, label, f" at line {piece.line}"), printed)

    # reason, future direction, bureau

    def _trailing_cells(self, pieces: list[Piece], row: RowCells) -> list[Piece]:
        """Fill the row's last three cells from the start of ``pieces``; return what follows them."""
        bureau = self._bureau(pieces, row)
        if bureau is None:
            raise self.error(pieces[0] if pieces else None, "no 担当局 (bureau) found after the row's grades")
        start, end = bureau
        row.bureau = pieces[start:end]
        future = cell_bounds.future_start(pieces[:start])
        if future is None:
            raise self.error(
                pieces[0], "cannot tell where its 評価の理由 ends and its 今後の事業の方向性 starts (blank lines inside a cell)"
            )
        row.reason, row.future = pieces[:future], pieces[future:start]
        self.boundary = False
        return pieces[end:]

    def _bureau(self, pieces: list[Piece], row: RowCells) -> tuple[int, int] | None:
        """Where the bureau is among the row's last cells: before the page furniture, if some comes
        after them, as a row's cells do not go on after a page break unless it cut the row; the
        last block before the furniture, cut short, when it is all bureau lines but spells none."""
        top = next((i for i, piece in enumerate(pieces) if piece.page_top), None)
        if top is None:
            return cell_bounds.find_bureau(pieces, self.columns)
        bureau = cell_bounds.find_bureau(pieces[:top], self.columns)
        if bureau is not None:
            return bureau
        start = next((i for i in range(top - 1, 0, -1) if cell_bounds.starts_cell(pieces[i])), 0)
        if start > 0 and all(cell_bounds.is_bureau_line(piece, self.columns) for piece in pieces[start:top]):
            row.cut_bureau = True
            return start, top
        return cell_bounds.find_bureau(pieces, self.columns)

    # No., 取組名, 事務事業名, 施策番号, 取組の内容, 令和N年度の取組内容

    def _leading_cells(self, pieces: list[Piece]) -> RowCells:
        pieces = self._continuation(pieces, next_row=True)
        code_at = next((i for i in range(len(pieces) - 1, -1, -1) if layout.is_policy_code(pieces[i].text)), None)
        if code_at is None:
            raise self.error(
                pieces[-1] if pieces else None,
                "no 施策番号 (a policy code such as ４－４－１, or a ward) before the 達成度 grade",
            )
        # A page break before the row's code: the row starts on the new page, as a row the break
        # cut has its code before it (``row_cuts``); what comes before the break is no cell of it.
        top = max((i for i in range(code_at) if pieces[i].page_top), default=0)
        if top:
            self._strays(self._continuation(pieces[:top], next_row=False))
            return self._leading_cells(pieces[top:])
        inline = cell_bounds.blocks(pieces[code_at + 1 :])
        sections = self._section_lines(pieces[:code_at])
        is_section = lambda piece: id(piece) in sections  # noqa: E731
        name_end, project_start = cell_bounds.project_start(pieces, code_at, self.columns, is_section)
        number, name_start, row_start = None, project_start, project_start
        if inline:  # printed with its merged cells, so a 取組名 (and usually a No.) comes first
            name_start = cell_bounds.name_start(pieces, name_end, is_section)
            row_start = name_start
            # Numbers only grow down the sheet: a smaller one before the name is a stray merged cell's.
            if (
                name_start > 0
                and INITIATIVE_NO_RE.match(pieces[name_start - 1].text)
                and cell_bounds.initiative_number(pieces[name_start - 1].text) > self.last_number
            ):
                row_start = name_start - 1
                number = self.last_number = cell_bounds.initiative_number(pieces[row_start].text)
            if name_start == project_start:
                # The 取組名 wrapped as narrow as the 事務事業名: it is the first block of the run.
                project_start = next((i for i in range(project_start + 1, code_at) if pieces[i].gap), code_at)
        self._strays(pieces[:row_start])
        return RowCells(
            section=self.section,
            project=pieces[project_start:code_at],
            code=pieces[code_at],
            number=number,
            name=pieces[name_start:project_start],
            inline=inline,
            boundary_before=self.boundary,
        )

    def _section_lines(self, pieces: list[Piece]) -> set[int]:
        """The section rows among these pieces (by id), read in order without keeping their effect."""
        saved = self.section
        found = {id(piece) for piece in pieces if not piece.joined and self._take_section(piece)}
        self.section = saved
        return found

    def _continuation(self, pieces: list[Piece], next_row: bool) -> list[Piece]:
        """The pieces after the rest of a row cut by a page break, joined to it (see ``row_cuts``).

        Its cells go on right after the page furniture, and end before a number or the next row's
        cells (``next_row``: a row follows, whose first cells are narrow lines before its code), or
        at a section row, as a line of a text cell may start with ① too. Where the blocks fit the
        cut row's cells in no way, they are no rest of it and are read as before."""
        if not pieces or not pieces[0].page_top or not self.rows or self.continued == len(self.rows):
            return pieces
        if self._is_section(pieces[0]):
            return pieces
        code_at = next((i for i in range(len(pieces) - 1, -1, -1) if layout.is_policy_code(pieces[i].text)), len(pieces))
        region = pieces[:code_at] if next_row else pieces
        stop = next(
            (i for i, p in enumerate(region) if cell_bounds.starts_cell(p) and INITIATIVE_NO_RE.match(p.text)), len(region)
        )
        blocks: list[list[Piece]] = []
        for piece in region[:stop]:
            if cell_bounds.starts_cell(piece) or not blocks:
                blocks.append([])
            blocks[-1].append(piece)
        if not blocks:
            return pieces
        self.cut = True
        if self.widths is None:
            return pieces
        # With no number, the next row's 取組名 and 事務事業名 come first: narrow lines, no sentence.
        unnumbered = next_row and stop == len(region)
        leading = [
            unnumbered and all(fits(p, self.widths["name"][1]) and not _SENTENCE_RE.search(p.text) for b in blocks[k:] for p in b)
            for k in range(len(blocks))
        ]
        ends = [0] if leading[0] else []  # all of them may be the next row's
        ends += [
            k
            for k in range(1, len(blocks) + 1)
            if (k == len(blocks) and not unnumbered) or (k < len(blocks) and (self._is_section(blocks[k][0]) or leading[k]))
        ]
        end = join_cut(self.rows[-1], blocks, ends, self.widths, self.source)
        if not end:
            return pieces
        self.continued = len(self.rows)
        return [piece for block in blocks[end:] for piece in block] + pieces[stop:]

    def _strays(self, pieces: list[Piece]) -> None:
        """Section rows update the hierarchy; every other block is a stray merged cell."""
        cells: list[list[Piece]] = []
        for block in cell_bounds.blocks(pieces):
            rest = [piece for piece in block if piece.joined or not self._take_section(piece)]
            cells.extend(cell_bounds.fragments(rest))
            self.boundary = True
        for cell in cell_bounds.split_trailing_name(cells, self.columns):
            self.fragments.append(cell_bounds.fragment(cell, len(self.rows), self.columns))

    def _take_section(self, piece: Piece) -> bool:
        """Whether the piece is a section row, entering it if so. A line of a list in a text cell
        may start with ① too, but a section row starts its own block, and a sub-area only counts
        when it comes after the current one (a sub-area with no initiatives that year is not
        printed, so numbers may skip)."""
        if not self._is_section(piece):
            return False
        self.section = self.section.enter(*section_row(piece.text))
        return True

    def _is_section(self, piece: Piece) -> bool:
        found = section_row(piece.text)
        return found is not None and not (found[0] == "subarea" and (not piece.gap or found[1] <= self.section.subarea_no))


@dataclass(frozen=True)
class _GradeKind:
    name: str
    start: re.Pattern  # how a label's first line starts
    label_like: re.Pattern  # a cell meant as a label: its code, a full stop and the scale's words, no sentence
    labels: dict[str, object]


_ACHIEVEMENT = _GradeKind(
    "達成度",
    re.compile(r"^[1-5１-５][．.]"),
    re.compile(r"[1-5][.][^。]*(?:目標|達成|上回|下回)[^。]*"),
    {f"{code}.{label}": code for code, label in layout.ACHIEVEMENT_LABELS.items()},
)
_CONTRIBUTION = _GradeKind(
    "貢献度",
    re.compile(r"^[A-DＡ-Ｄ][．.]"),
    re.compile(r"[A-D][.][^。]*貢献[^。]*"),
    {f"{code}.{label}": code for code, label in layout.CONTRIBUTION_LABELS.items()},
)


@dataclass(frozen=True)
class _Grade:
    """A grade cell: pieces ``start`` to ``end``, its code, or None and the problem of its text."""

    start: int
    end: int
    kind: _GradeKind
    code: int | str | None
    problem: str | None
    printed: str | None = None  # a label cut short: its text
