"""Where each cell of a printed row starts and ends among its pieces: blocks of lines, the 事務事業名
after the 取組名, the 評価の理由 / 今後の事業の方向性 boundary, the 担当局, and the fragments of stray merged
cells. Plain functions over pieces, for the parser (rows.py)."""

from __future__ import annotations

import re
import unicodedata

from pipeline.extract import layout
from pipeline.extract.text.columns import BUREAU_SUFFIXES, INITIATIVE_NO_RE, Columns, fits
from pipeline.extract.text.merged_cells import Fragment
from pipeline.extract.text.pieces import Piece, display_width
from pipeline.extract.text.wraps import WRAP_SLACK, WRAP_SLACK_SHARE

# Punctuation that prose cells have and names never do.
PROSE_PUNCTUATION = re.compile(r"[。、，,．.「」（）()・：:！!？?●∘○〇※]")


def blocks(pieces: list[Piece]) -> list[list[Piece]]:
    blocks: list[list[Piece]] = []
    for piece in pieces:
        if piece.gap or not blocks:
            blocks.append([])
        blocks[-1].append(piece)
    return blocks


def is_bureau_line(piece: Piece, columns: Columns) -> bool:
    """The 担当局 column is the narrowest of the sheet; a bureau name has no punctuation but a 「・」
    inside it (市民文化・スポーツ局), and never starts with a bullet."""
    return (
        fits(piece, columns.project)
        and not PROSE_PUNCTUATION.search(piece.text.replace("・", ""))
        and not piece.text.startswith(tuple(layout.BULLETS))
    )


def find_bureau(pieces: list[Piece], columns: Columns) -> tuple[int, int] | None:
    """The first run of short unpunctuated lines, starting a block, that spells a bureau name.

    A one-word 今後の事業の方向性 (「継続」) is such a line too. When nothing before the run but one
    cell (the reason) could hold the future direction, the run's first line is it, and the bureau
    starts at a later block of the run that spells a bureau on its own."""
    for start in range(1, len(pieces)):
        piece, before = pieces[start], pieces[start - 1]
        if not is_bureau_line(piece, columns) or not (starts_cell(piece) or before.text.endswith("。")):
            continue
        name = ""
        for end in range(start, min(start + 6, len(pieces))):
            if not is_bureau_line(pieces[end], columns):
                break
            name += pieces[end].text
            if name.endswith(BUREAU_SUFFIXES):
                if any(starts_cell(p) for p in pieces[1:start]):
                    return start, end + 1
                later = (k for k in range(start + 1, end + 1) if starts_cell(pieces[k]))
                own = (k for k in later if "".join(p.text for p in pieces[k : end + 1]) not in BUREAU_SUFFIXES)
                return next(own, start), end + 1
    return None


def starts_cell(piece: Piece) -> bool:
    """Whether a new cell may start at the piece: after a blank line, or on a line it shares."""
    return piece.gap or piece.joined


def future_start(pieces: list[Piece]) -> int | None:
    """Where the future direction starts in the cells between the 貢献度 and the bureau: at a new block
    or a shared line's second cell. A blank line may fall inside the reason too, after a line that
    ended because the cell was full (「…とのマッ」 / 「チング…」), so a block starts the future
    direction only after a line that falls short or ends a sentence. A cell whose first line shares
    the line before goes on after a blank line too. None: two blocks may start it."""
    cuts = [i for i in range(1, len(pieces)) if starts_cell(pieces[i])]
    if not cuts:
        return len(pieces)
    widest = max(piece.width for piece in pieces)
    full = widest - WRAP_SLACK - WRAP_SLACK_SHARE * widest
    starts = [
        i
        for i in cuts
        if pieces[i].joined or (not pieces[i - 1].joined and (pieces[i - 1].width < full or pieces[i - 1].text.endswith("。")))
    ]
    if len(starts) > 1:
        return None
    return (starts or cuts)[0]


def project_start(pieces: list[Piece], code_at: int, columns: Columns, is_section) -> tuple[int, int]:
    """Start of the 事務事業名 cell that ends at the policy code: the narrow lines before the code;
    first, the start of the block of the 取組名's last lines where a blank line parts them from the
    rest of it (see ``_rest_of_name``), else the same start.

    Blank lines fall inside this cell too (「グリーン・イ／ノベーショ／ン・国際環／／境施策推進／事業」),
    so it runs back over blocks of narrow lines until a wider line, a number or a 取組名 printed on
    its number's line. When a wider line stops it, the narrow lines after it in its block are the
    rest of that wider cell (the 取組名's last line), provided a blank line then starts this one.
    """
    start = code_at
    while start > 0:
        piece = pieces[start - 1]
        if INITIATIVE_NO_RE.match(piece.text) or layout.is_policy_code(piece.text) or is_section(piece):
            return start, start
        if not fits(piece, columns.project):
            break
        if piece.joined and start >= 2 and INITIATIVE_NO_RE.match(pieces[start - 2].text):
            return start, start
        start -= 1
    if start == 0:
        return start, start
    rest = next((i for i in range(start + 1, code_at) if pieces[i].gap), start)
    if not pieces[start].gap:
        return rest, rest
    if rest > start and _rest_of_name(pieces[start - 1], pieces[start:rest], columns):
        return start, rest
    return start, start


# Columns.measure adds this much to the median widest line of the 事務事業名 and the 取組名 column;
# a wrapped line may end one full-width character short of it (kinsoku moves one down).
_PROJECT_SLACK, _NAME_SLACK, _KINSOKU = 2, 4, 2


def _rest_of_name(wider: Piece, block: list[Piece], columns: Columns) -> bool:
    """Whether a block of narrow lines after a blank line, between a 取組名 line and the 事務事業名,
    ends the 取組名 (a blank line inside it) rather than starts the 事務事業名 (one inside that).

    It does when the 取組名 line before it was full, so the name went on, and the block cannot start
    a 事務事業名 that goes on after a blank line: it starts with a character no line starts with, or
    its last line is short, where a cell's text does not wrap."""
    name_wrapped = fits(wider, columns.name) and wider.width >= columns.name - _NAME_SLACK - _KINSOKU
    short = block[-1].width < columns.project - _PROJECT_SLACK - _KINSOKU
    return name_wrapped and (block[0].text[0] in layout.NO_LINE_START or short)


def name_start(pieces: list[Piece], end: int, is_section) -> int:
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


def initiative_number(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))


def fragments(block: list[Piece]) -> list[list[Piece]]:
    """A block of stray merged cells cut into cells: a number starts one (its 取組名 may follow it)."""
    cells: list[list[Piece]] = []
    for piece in block:
        if not cells or INITIATIVE_NO_RE.match(piece.text):
            cells.append([piece])
        else:
            cells[-1].append(piece)
    return cells


def _is_name_line(piece: Piece, columns: Columns) -> bool:
    return fits(piece, columns.name) and "。" not in piece.text and not piece.text.startswith(tuple(layout.BULLETS))


def split_trailing_name(cells: list[list[Piece]], columns: Columns) -> list[list[Piece]]:
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
        out.append([*cell[: tail - 1], Piece(head + stop, last.line, last.gap, last.joined)])
        name = ([Piece(rest, last.line, gap=True)] if rest else []) + cell[tail:]
        if (
            tail == len(cell)
            and queue
            and all(_is_name_line(p, columns) for p in queue[0])
            and not INITIATIVE_NO_RE.match(queue[0][0].text)
        ):
            name += queue.pop(0)
        out.append(name)
    return out


def fragment(pieces: list[Piece], after_row: int, columns: Columns) -> Fragment:
    first = pieces[0]
    if INITIATIVE_NO_RE.match(first.text):
        number = initiative_number(first.text)
        if len(pieces) == 1:
            return Fragment(after_row, first.line, "number", first.text, number)
        return Fragment(after_row, first.line, "name", name_of(pieces[1:]), number)
    if all(_is_name_line(piece, columns) for piece in pieces):
        return Fragment(after_row, first.line, "name", name_of(pieces))
    return Fragment(after_row, first.line, "text", text_of(pieces))


def text_of(pieces: list[Piece]) -> str:
    """A text cell with its printed line breaks; pieces of one shared line rejoin with a space."""
    out = ""
    for piece in pieces:
        if out:
            out += " " if piece.joined else "\n"
        out += piece.text
    return out


def name_of(pieces: list[Piece]) -> str:
    return layout.join_name([piece.text for piece in pieces])
