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
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.extract import layout
from pipeline.extract.glyphs import canonical_text
from pipeline.extract.merged_cells import Fragment, PrintedRow, resolve
from pipeline.extract.records import RowProblem, Sheet, SheetError, SheetRow


# The last characters of a bureau or ward-office name (局, 本部, 区役所, 事務局, …).
BUREAU_SUFFIXES = ("局", "本部", "役所", "支所", "室", "委員会", "センター", "事務所")

# Punctuation that prose cells have and names never do.
PROSE_PUNCTUATION = re.compile(r"[。、，,．.「」（）()・：:！!？?●∘○〇※]")
BULLETS = tuple("●・∘○〇◆◇■□※")

INITIATIVE_NO_RE = re.compile(r"^[0-9０-９]{1,3}$")

# Japanese line breaking lets these hang past a cell's edge rather than start a line.
HANGING_PUNCTUATION = "、。，．・」』）)】！？!?,."


# Characters printed full width: CJK, kana and their punctuation, and the full-width forms (but not
# the half-width katakana); symbols such as ●①※ count narrow, as they are east-Asian "ambiguous".
_WIDE = "\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
# What is neither ASCII nor wide: rare, so counting it is cheaper than counting the wide.
_NARROW_NON_ASCII_RE = re.compile(f"[^\\x00-\\x7f{_WIDE}]")


def display_width(text: str) -> int:
    """Display columns of a line: 2 for each full-width character, 1 for the rest."""
    narrow = len(text.encode("ascii", "ignore")) + len(_NARROW_NON_ASCII_RE.findall(text))
    return 2 * len(text) - narrow


@dataclass(frozen=True)
class Columns:
    """The widest line, in display columns (full-width characters count 2), of the sheet's narrow
    columns as this export wraps them. The 事務事業名 column holds about five characters a line, the
    取組名 column seven, the 担当局 column fewer than either; the text columns are far wider. The
    widths are measured from the export itself, so another producer's wrapping reads as well."""

    project: int
    name: int

    @classmethod
    def measure(cls, pieces: list["Piece"], codes: list[int]) -> "Columns":
        """Typical wrap widths: the block before each policy code (a 事務事業名) and the block after
        each number (a 取組名), a slack of one or two characters on top."""
        projects, names = [], []
        for i in codes:
            block = []
            for before in reversed(pieces[max(0, i - 12):i]):
                if INITIATIVE_NO_RE.match(before.text):
                    break
                block.append(before.width)
                if before.gap:
                    break
            if block:
                projects.append(max(block))
        for i, piece in enumerate(pieces[:-1]):
            if piece.text[0].isdigit() and INITIATIVE_NO_RE.match(piece.text) and not pieces[i + 1].gap:
                block = [pieces[i + 1].width]
                block += [p.width for p in itertools.takewhile(lambda p: not p.gap, pieces[i + 2:i + 12])]
                names.append(max(block))
        if not projects or not names:
            return cls(project=12, name=18)
        return cls(project=int(statistics.median(projects)) + 2, name=int(statistics.median(names)) + 4)


def fits(piece: "Piece", width: int) -> bool:
    """Whether a line fits a column of this width, a hanging punctuation mark aside."""
    text = piece.text
    if len(text) - 1 > width:  # every character is at least one column wide
        return False
    if text.endswith(tuple(HANGING_PUNCTUATION)):
        text = text[:-1]
    return display_width(text) <= width


@dataclass(slots=True)
class Piece:
    """A line of the export, or one cell's part of a line that two cells share."""

    text: str
    line: int
    gap: bool  # a blank line (or dropped page furniture) comes before it
    joined: bool = False  # it continues the printed line of the piece before
    _width: int = -1

    @property
    def width(self) -> int:
        if self._width < 0:
            self._width = display_width(self.text)
        return self._width


@dataclass(frozen=True)
class Section:
    pillar: str = ""
    pillar_title: str = ""
    direction_no: int = 0
    direction_title: str = ""
    subarea_no: int = 0
    subarea_title: str = ""


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


def read_text_export(path: str | Path) -> Sheet:
    """Every row of a sheet's text export; SheetError when the file is not such a sheet."""
    path = Path(path)
    source = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(source, f"not UTF-8 text (bad byte at offset {exc.start}); expected a text export of the sheet") from exc
    except OSError as exc:
        raise SheetError(source, f"cannot read the file: {exc.strerror}") from exc
    return parse_text_export(text, source)


def parse_text_export(text: str, source: str) -> Sheet:
    """The rows of a text export given as a string; ``source`` names it in rows and errors."""
    lines = canonical_text(text).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    title = next((line.strip() for line in lines if layout.fiscal_year_from_title(line)), None)
    if title is None:
        raise SheetError(source, "no sheet title 「…進行管理シート（令和N年度）」 found; is this a progress-management sheet?")
    fiscal_year = layout.fiscal_year_from_title(title)
    rows, fragments = _Parser(_pieces(lines), source).parse()
    own = [(_text(row.results), _text(row.reason), _text(row.future)) for row in rows]
    printed = [_printed_row(row, texts) for row, texts in zip(rows, own)]
    resolved = resolve(printed, fragments, source)
    wraps = SoftWraps({
        "description": [initiative.description for initiative in resolved],
        "plan_fy": [initiative.plan_fy for initiative in resolved],
        "results": [texts[0] for texts in own],
        "reason": [texts[1] for texts in own],
        "future_direction": [texts[2] for texts in own],
    })
    sheet_rows, problems = [], []
    for row, initiative, (results, reason, future) in zip(rows, resolved, own):
        sheet_row = _sheet_row(fiscal_year, source, row, initiative, wraps, results, reason, future)
        if row.unknown_grades:
            where = f"No. {initiative.initiative_no} ({initiative.sub_row})"
            problems.append(RowProblem(source, None, where, "; ".join(row.unknown_grades), sheet_row.to_dict()))
        else:
            sheet_rows.append(sheet_row)
    return Sheet(source, fiscal_year, title, tuple(sheet_rows), tuple(problems))


# --- soft wraps --------------------------------------------------------------------------------

# How far short of its cell's widest line a line may end and still be full: the city's PDF sets its
# text in a proportional font, so lines that its export prints full differ by a few characters in
# display columns (kana and punctuation are narrower there than 2 columns, Latin letters wider than
# 1), and kinsoku moves a character to the next line: two full-width characters, and 6 % of the width.
WRAP_SLACK = 4
WRAP_SLACK_SHARE = 0.06


class SoftWraps:
    """The logical lines of an export's text cells (取組の内容, 令和N年度の取組内容, 実績, 理由, 方向性).

    The export wraps a text cell at its column's width, and the city's sheet shrinks the font of a
    crowded cell, which then wraps wider. So a cell's widest line gives the width it wraps at, and
    a line within the slack of it is full: it ended because the cell did, a soft wrap, and the next
    line continues it. A cell whose widest line falls short of its column's wrap width by more than
    the slack is not wrapped at all. The column's wrap width is measured from the export itself, as
    the median widest line of its cells of two lines or more. A line starting a list item (●, ・,
    ①, （1）…) is never joined on, nor, in the plan, a 「label：value」 target line on its activity's
    line (●…). Widths are in display columns, a hanging 「、」 or 「。」 at the end of a line aside."""

    def __init__(self, cells: dict[str, list[str]]):
        self._widths: dict[str, list[int]] = {}
        self._joined: dict[tuple[str, str], str] = {}
        self.columns: dict[str, float] = {}
        for name, texts in cells.items():
            maxima = [max(self.widths(text)) for text in set(texts) if "\n" in text]
            self.columns[name] = statistics.median(maxima) if maxima else 0.0

    def widths(self, text: str) -> list[int]:
        """Display widths of the cell's lines (the export strips them), a hanging mark at the end aside."""
        widths = self._widths.get(text)
        if widths is None:
            # display_width, inlined (this runs on every line of every text cell); most cells have
            # nothing but ASCII and full-width characters
            lines = text.split("\n")
            widths = [2 * len(line) - len(line.encode("ascii", "ignore")) - _HANGING.get(line[-1:], 0) for line in lines]
            ends = None
            for narrow in _NARROW_NON_ASCII_RE.finditer(text):
                ends = ends or list(itertools.accumulate(len(line) + 1 for line in lines))
                widths[bisect.bisect_right(ends, narrow.start())] -= 1
            self._widths[text] = widths
        return widths

    def join(self, name: str, text: str) -> str:
        key = (name, text)
        joined = self._joined.get(key)
        if joined is None:
            joined = self._joined[key] = self._join(name, text)
        return joined

    def _join(self, name: str, text: str) -> str:
        if "\n" not in text:
            return text
        widths = self.widths(text)
        widest, column = max(widths), self.columns[name]
        if widest < column - _slack(column):
            return text
        full = widest - _slack(widest)
        if max(widths[:-1]) < full:
            return text
        lines = text.split("\n")
        separator, values_apart = layout.wrap_separator, name == "plan_fy"
        out = [lines[0]]
        for after, width in zip(lines[1:], widths):  # the width of the line before ``after``
            joint = separator(out[-1], after, values_apart) if width >= full else "\n"
            if joint == "\n":
                out.append(after)
            else:
                out[-1] += joint + after
        return "\n".join(out)


def _slack(width: float) -> float:
    return WRAP_SLACK + WRAP_SLACK_SHARE * width


# Punctuation that may hang past the end of a line, with its width.
_HANGING = {mark: display_width(mark) for mark in HANGING_PUNCTUATION}


# --- lines into pieces -------------------------------------------------------------------------

# Where one printed line holds two cells: a grade label starts after a space, a row's number stands
# before its 取組名 (「1 国際戦略拠点活」), or a space parts two Japanese characters (Japanese prose
# has no ASCII spaces, so such a space is the gap between two cells).
_SPLIT_RE = re.compile(
    r"(?<=\S) +(?=[1-5１-５][．.]|[A-DＡ-Ｄ][．.])"
    r"|(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])"
    r"|(?:(?<=^[0-9])|(?<=^[0-9]{2})|(?<=^[0-9]{3})) +(?=[^\x00-\x7f])"
)


_PLAN_HEADER_RE = re.compile(r"(令和|平成)[0-9０-９元]+年度の取組内容")


def _is_header_word(word: str) -> bool:
    return word in layout.HEADER_WORDS or bool(layout.HEADER_ACHIEVEMENT_RE.fullmatch(word) or _PLAN_HEADER_RE.fullmatch(word))


_HEADER_STARTS = frozenset(word[0] for word in layout.HEADER_WORDS) | set("「⑤令平取すに")


def _is_furniture(stripped: str) -> bool:
    """Page title and column-header lines, which repeat (sometimes in part) at page tops."""
    if "シート" in stripped and layout.fiscal_year_from_title(stripped):
        return True
    if stripped[0] not in _HEADER_STARTS:
        return False
    words = stripped.split()
    return _is_header_word(words[0]) and all(_is_header_word(word) for word in words[1:])


def _pieces(lines: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    gap = True
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or _is_furniture(stripped):
            gap = True
            continue
        if " " not in stripped:
            pieces.append(Piece(stripped, number, gap))
        else:
            for i, part in enumerate(_SPLIT_RE.split(stripped)):
                pieces.append(Piece(part.strip(), number, gap=gap and i == 0, joined=i > 0))
        gap = False
    return pieces


# --- pieces into rows --------------------------------------------------------------------------


class _Parser:
    """One pass over the pieces: rows between grade anchors, section rows and stray merged cells."""

    def __init__(self, pieces: list[Piece], source: str):
        self.pieces = pieces
        self.source = source
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
            raise SheetError(self.source, "no evaluation rows found (no 達成度 grade such as 「３．ほぼ目標どおり」)")
        cursor = 0
        for (ach_start, ach_end, achievement, ach_label), (con_start, con_end, contribution, con_label) in anchors:
            between = self.pieces[cursor:ach_start]
            if self.rows:
                between = self._trailing_cells(between, self.rows[-1])
            row = self._leading_cells(between)
            row.line = self.pieces[ach_start].line
            row.achievement = achievement
            row.results = self.pieces[ach_end:con_start]
            row.contribution = contribution
            row.unknown_grades = [label for label in (ach_label, con_label) if label]
            self.rows.append(row)
            cursor = con_end
        self._strays(self._trailing_cells(self.pieces[cursor:], self.rows[-1]))
        return self.rows, self.fragments

    # anchors

    def _grade_anchors(self) -> list[tuple[tuple, tuple]]:
        """The grade cells of every row: a 達成度 grade, then the row's 貢献度 grade. In row order the
        two alternate; 達成度 grades in a run mean the export printed a page column by column, and
        its cells cannot be put back into rows."""
        anchors = []
        i = 0
        while (ach := self._find_grade(i, _ACHIEVEMENT)) is not None:
            con = self._find_grade(ach[1], _CONTRIBUTION)
            if con is None:
                raise self.error(self.pieces[ach[0]], "a 達成度 grade without a 貢献度 grade after it")
            run = [ach]
            while (more := self._find_grade(run[-1][1], _ACHIEVEMENT)) is not None and more[0] < con[0]:
                run.append(more)
            if len(run) > 2:
                raise self.error(self.pieces[ach[0]], (
                    f"the export's cells are not in row order: {len(run)} 達成度 grades in a run before a 貢献度 grade "
                    "(the tool that made it printed the page column by column); export the sheet again row by row, "
                    "or use its PDF"))
            if len(run) == 2:
                raise self.error(self.pieces[ach[0]], f"a 達成度 grade without a 貢献度 grade before the next one (line {self.pieces[run[1][0]].line})")
            anchors.append((ach, con))
            i = con[1]
        return anchors

    def _find_grade(self, start: int, kind: "_GradeKind") -> tuple | None:
        """(first piece, end piece, code, unknown label) of the next grade cell of this kind.

        A label may wrap over lines. A cell that starts like a grade (「３．」) but is none of the
        scale's labels still anchors its row, with no code and the problem noted, so the row is
        quarantined rather than merged into its neighbours."""
        for i in range(start, len(self.pieces)):
            piece = self.pieces[i]
            # A grade cell starts a block, shares a line, or at least wraps as narrow as a name.
            if not kind.start.match(piece.text) or not (piece.gap or piece.joined or fits(piece, self.columns.name)):
                continue
            text = ""
            for j in range(i, min(i + 4, len(self.pieces))):
                text += layout.compact(self.pieces[j].text)
                if text in kind.labels:
                    return i, j + 1, kind.labels[text], None
                if not any(label.startswith(text) for label in kind.labels):
                    break
            end = i + 1
            while end < min(i + 3, len(self.pieces)) and not self.pieces[end].gap and fits(self.pieces[end], self.columns.name):
                end += 1
            label = layout.compact("".join(piece.text for piece in self.pieces[i:end]))
            return i, end, None, (f"unknown {kind.name} grade 「{label}」 at line {piece.line}; "
                                  f"the sheet's grades are {', '.join(kind.labels)}")
        return None

    # reason, future direction, bureau

    def _trailing_cells(self, pieces: list[Piece], row: RowCells) -> list[Piece]:
        """Fill the row's last three cells from the start of ``pieces``; return what follows them."""
        bureau = _find_bureau(pieces, self.columns)
        if bureau is None:
            raise self.error(pieces[0] if pieces else None, "no 担当局 (bureau) found after the row's grades")
        start, end = bureau
        row.bureau = pieces[start:end]
        row.reason, row.future = _split_reason_future(pieces[:start])
        self.boundary = False
        return pieces[end:]

    # No., 取組名, 事務事業名, 施策番号, 取組の内容, 令和N年度の取組内容

    def _leading_cells(self, pieces: list[Piece]) -> RowCells:
        code_at = next((i for i in range(len(pieces) - 1, -1, -1) if layout.is_policy_code(pieces[i].text)), None)
        if code_at is None:
            raise self.error(pieces[-1] if pieces else None,
                             "no 施策番号 (a policy code such as ４－４－１, or a ward) before the 達成度 grade")
        inline = _blocks(pieces[code_at + 1:])
        sections = self._section_lines(pieces[:code_at])
        is_section = lambda piece: id(piece) in sections  # noqa: E731
        project_start = _project_start(pieces, code_at, self.columns, is_section)
        number, name_start, row_start = None, project_start, project_start
        if inline:  # printed with its merged cells, so a 取組名 (and usually a No.) comes first
            name_start = _name_start(pieces, project_start, is_section)
            row_start = name_start
            # Numbers only grow down the sheet: a smaller one before the name is a stray merged cell's.
            if name_start > 0 and INITIATIVE_NO_RE.match(pieces[name_start - 1].text) and _number(
                    pieces[name_start - 1].text) > self.last_number:
                row_start = name_start - 1
                number = self.last_number = _number(pieces[row_start].text)
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

    def _strays(self, pieces: list[Piece]) -> None:
        """Section rows update the hierarchy; every other block is a stray merged cell."""
        cells: list[list[Piece]] = []
        for block in _blocks(pieces):
            rest = [piece for piece in block if piece.joined or not self._take_section(piece)]
            cells.extend(_fragments(rest))
            self.boundary = True
        for cell in _split_trailing_name(cells, self.columns):
            self.fragments.append(_fragment(cell, len(self.rows), self.columns))

    def _take_section(self, piece: Piece) -> bool:
        s = self.section
        if (pillar := layout.parse_pillar(piece.text)) is not None:
            self.section = Section(*pillar)
        elif (direction := layout.parse_direction(piece.text)) is not None:
            self.section = Section(s.pillar, s.pillar_title, *direction)
        elif (subarea := layout.parse_subarea(piece.text)) is not None and subarea[0] == s.subarea_no + 1:
            self.section = Section(s.pillar, s.pillar_title, s.direction_no, s.direction_title, *subarea)
        else:
            return False
        return True


@dataclass(frozen=True)
class _GradeKind:
    name: str
    start: re.Pattern
    labels: dict[str, object]


_ACHIEVEMENT = _GradeKind(
    "達成度", re.compile(r"^[1-5１-５][．.]"), {f"{code}.{label}": code for code, label in layout.ACHIEVEMENT_LABELS.items()}
)
_CONTRIBUTION = _GradeKind(
    "貢献度", re.compile(r"^[A-DＡ-Ｄ][．.]"), {f"{code}.{label}": code for code, label in layout.CONTRIBUTION_LABELS.items()}
)


def _blocks(pieces: list[Piece]) -> list[list[Piece]]:
    blocks: list[list[Piece]] = []
    for piece in pieces:
        if piece.gap or not blocks:
            blocks.append([])
        blocks[-1].append(piece)
    return blocks


def _is_bureau_line(piece: Piece, columns: Columns) -> bool:
    """The 担当局 column is the narrowest of the sheet; a bureau name has no punctuation but a 「・」
    inside it (市民文化・スポーツ局), and never starts with a bullet."""
    return (fits(piece, columns.project) and not PROSE_PUNCTUATION.search(piece.text.replace("・", ""))
            and not piece.text.startswith(BULLETS))


def _find_bureau(pieces: list[Piece], columns: Columns) -> tuple[int, int] | None:
    """The first run of short unpunctuated lines, starting a block, that spells a bureau name."""
    for start in range(1, len(pieces)):
        piece, before = pieces[start], pieces[start - 1]
        if not _is_bureau_line(piece, columns) or not (piece.gap or piece.joined or before.text.endswith("。")):
            continue
        name = ""
        for end in range(start, min(start + 6, len(pieces))):
            if not _is_bureau_line(pieces[end], columns):
                break
            name += pieces[end].text
            if name.endswith(BUREAU_SUFFIXES):
                return start, end + 1
    return None


def _split_reason_future(pieces: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    """Reason, then future direction: they part where a new block (or a shared line's second cell) starts."""
    cuts = [i for i in range(1, len(pieces)) if pieces[i].gap or pieces[i].joined]
    if not cuts:
        return pieces, []
    return pieces[:cuts[0]], pieces[cuts[0]:]


def _project_start(pieces: list[Piece], code_at: int, columns: Columns, is_section) -> int:
    """Start of the 事務事業名 cell that ends at the policy code: the narrow lines before the code.

    Blank lines fall inside this cell too (「グリーン・イ／ノベーショ／ン・国際環／／境施策推進／事業」),
    so it runs back over blocks of narrow lines until a wider line, a number or a 取組名 printed on
    its number's line. When a wider line stops it, the narrow lines after it in its block are the
    rest of that wider cell (the 取組名's last line), provided a blank line then starts this one.
    """
    start = code_at
    while start > 0:
        piece = pieces[start - 1]
        if INITIATIVE_NO_RE.match(piece.text) or layout.is_policy_code(piece.text) or is_section(piece):
            return start
        if not fits(piece, columns.project):
            break
        if piece.joined and start >= 2 and INITIATIVE_NO_RE.match(pieces[start - 2].text):
            return start
        start -= 1
    if start == 0 or pieces[start].gap:
        return start
    return next((i for i in range(start + 1, code_at) if pieces[i].gap), start)


def _name_start(pieces: list[Piece], end: int, is_section) -> int:
    """Start of the 取組名 cell ending at ``end``: back to its number, a blank line or a section row."""
    start = end
    while start > 0:
        piece = pieces[start - 1]
        if INITIATIVE_NO_RE.match(piece.text) or is_section(piece):
            break
        start -= 1
        if piece.gap:
            break
    return start


def _number(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))


def _fragments(block: list[Piece]) -> list[list[Piece]]:
    """A block of stray merged cells cut into cells: a number starts one (its 取組名 may follow it)."""
    cells: list[list[Piece]] = []
    for piece in block:
        if not cells or INITIATIVE_NO_RE.match(piece.text):
            cells.append([piece])
        else:
            cells[-1].append(piece)
    return cells


def _is_name_line(piece: Piece, columns: Columns) -> bool:
    return fits(piece, columns.name) and "。" not in piece.text and not piece.text.startswith(BULLETS)


def _split_trailing_name(cells: list[list[Piece]], columns: Columns) -> list[list[Piece]]:
    """Stray cells again, where a 取組名 printed straight after a 取組の内容 is cut off it.

    The description's last sentence then runs into the name: 「…周知をします。外国人保護者へ」, with
    the name's other lines after it in the same block or the next one.
    """
    out: list[list[Piece]] = []
    queue = list(cells)
    while queue:
        cell = queue.pop(0)
        tail = len(cell)
        while tail > 0 and _is_name_line(cell[tail - 1], columns) and not INITIATIVE_NO_RE.match(cell[tail - 1].text):
            tail -= 1
        last = cell[tail - 1] if tail > 0 else None
        head, stop, rest = last.text.rpartition("。") if last else ("", "", "")
        if not stop or (not rest and tail == len(cell)) or display_width(rest) > columns.name:
            out.append(cell)
            continue
        out.append([*cell[:tail - 1], Piece(head + stop, last.line, last.gap, last.joined)])
        name = ([Piece(rest, last.line, gap=True)] if rest else []) + cell[tail:]
        if tail == len(cell) and queue and all(_is_name_line(p, columns) for p in queue[0]) and not INITIATIVE_NO_RE.match(queue[0][0].text):
            name += queue.pop(0)
        out.append(name)
    return out


def _fragment(pieces: list[Piece], after_row: int, columns: Columns) -> Fragment:
    first = pieces[0]
    if INITIATIVE_NO_RE.match(first.text):
        number = _number(first.text)
        if len(pieces) == 1:
            return Fragment(after_row, first.line, "number", first.text, number)
        return Fragment(after_row, first.line, "name", _name(pieces[1:]), number)
    if all(_is_name_line(piece, columns) for piece in pieces):
        return Fragment(after_row, first.line, "name", _name(pieces))
    return Fragment(after_row, first.line, "text", _text(pieces))


def _split_inline(blocks: list[list[Piece]]) -> tuple[list[Piece], list[Piece]]:
    """取組の内容 then 令和N年度の取組内容, printed with the row as (usually) two blocks."""
    if len(blocks) == 1:
        return blocks[0], []
    return blocks[0], [piece for block in blocks[1:] for piece in block]


def _printed_row(row: RowCells, own_texts: tuple[str, str, str]) -> PrintedRow:
    """The row as printed; ``own_texts`` are its results, reason and future direction."""
    own = " ".join((_text(row.project), *own_texts))
    ward = layout.WARDS.index(row.code.text) if row.code.text in layout.WARDS else None
    if not row.name:
        plan = _text([piece for block in row.inline for piece in block]) or None
        return PrintedRow(row.line, None, None, None, plan, own, ward, row.boundary_before)
    description, plan = _split_inline(row.inline)
    return PrintedRow(row.line, row.number, _name(row.name), _text(description), _text(plan), own, ward, row.boundary_before)


def _sheet_row(
    fiscal_year: int, source: str, row: RowCells, initiative, wraps: SoftWraps, results: str, reason: str, future: str
) -> SheetRow:
    s = row.section
    return SheetRow(
        fiscal_year=fiscal_year,
        initiative_no=initiative.initiative_no,
        sub_row=initiative.sub_row,
        pillar=s.pillar,
        pillar_title=s.pillar_title,
        direction_no=s.direction_no,
        direction_title=s.direction_title,
        subarea_no=s.subarea_no,
        subarea_title=s.subarea_title,
        initiative_name=initiative.initiative_name,
        project_name=_name(row.project),
        policy_code=layout.normalise_policy_code(row.code.text),
        description=wraps.join("description", initiative.description),
        plan_fy=wraps.join("plan_fy", initiative.plan_fy),
        achievement_code=row.achievement,
        results=wraps.join("results", results),
        contribution_code=row.contribution,
        reason=wraps.join("reason", reason),
        future_direction=wraps.join("future_direction", future),
        bureau=_name(row.bureau),
        source_file=source,
        source_page=None,
    )


def _text(pieces: list[Piece]) -> str:
    """A text cell with its printed line breaks; pieces of one shared line rejoin with a space."""
    out = ""
    for piece in pieces:
        if out:
            out += " " if piece.joined else "\n"
        out += piece.text
    return out


def _name(pieces: list[Piece]) -> str:
    return layout.join_name([piece.text for piece in pieces])
