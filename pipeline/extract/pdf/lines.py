"""A cell's characters as printed lines, and which of those lines end in a soft wrap.

Text cells (取組の内容, 令和N年度の取組内容, 実績, 理由, 方向性) come out as their logical lines: the
geometry tells a line that ends because its cell is full (a soft wrap, joined to the next) from one
that ends early (a hard break, kept); see `wraps` and `layout.join_wrapped`.
"""

from __future__ import annotations

from pipeline.extract import layout
from pipeline.extract.pdf.objects import Char


def lines_of(chars: list[Char]) -> tuple[str, ...]:
    """A cell's characters as printed lines, top to bottom."""
    return tuple(line_text(line) for line in char_lines(chars))


def char_lines(chars: list[Char]) -> list[list[Char]]:
    """A cell's characters as printed lines, top to bottom, each left to right.

    Characters of one line can differ a little in height (a fallback font for ∘ has other
    metrics), so a line is every character whose middle lies within half a character of the
    line's first one."""
    lines: list[list[Char]] = []
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


def line_text(line: list[Char]) -> str:
    return "".join(c.text for c in line)


# Tolerance of the measures below, as a share of the font size: how close a shrink-to-fit cell's
# widest line comes to the cell's edge, and how much wider than a character a full line's gap may
# be (a producer's layout metrics and the PDF's differ a little).
FILLED = 0.02


def usual_font_size(cell_chars: list[list[Char]]) -> float:
    """The page's usual font size in the table: the size most of its cells are printed at."""
    sizes: dict[float, int] = {}
    for found in cell_chars:
        if found:
            size = round(_median_size(found), 2)
            sizes[size] = sizes.get(size, 0) + 1
    return max(sizes, key=sizes.__getitem__, default=0.0)


def _median_size(chars: list[Char]) -> float:
    sizes = sorted(c.bottom - c.top for c in chars)
    return sizes[len(sizes) // 2]


def wraps(lines: list[list[Char]], left: float, right: float, body_size: float) -> tuple[bool, ...]:
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
    if (
        size < body_size * (1 - FILLED / 10)
        and abs(gaps[widest]) <= FILLED * size
        and not any(gaps[i] < rooms[i] - FILLED * size for i in range(len(gaps) - 1) if i != widest)
    ):
        return (False,) * len(lines)
    return tuple(bool(line) and gap < room + FILLED * size for line, gap, room in zip(printed, gaps, rooms))


def _first_unit_width(line: list[Char]) -> float:
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
