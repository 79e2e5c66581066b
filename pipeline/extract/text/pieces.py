"""The lines of a text export as pieces: one per printed line, or per cell where two cells share a
line, with whether a blank line came before; page furniture (the repeated title and column header)
is dropped. Widths are measured in display columns, as the export lays its lines out."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from pipeline.extract import layout

# Characters printed full width: CJK, kana and their punctuation, and the full-width forms (but not
# the half-width katakana); symbols such as ●①※ count narrow, as they are east-Asian "ambiguous".
_WIDE = "\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
# What is neither ASCII nor wide: rare, so counting it is cheaper than counting the wide.
_NARROW_NON_ASCII_RE = re.compile(f"[^\\x00-\\x7f{_WIDE}]")


def display_width(text: str) -> int:
    """Display columns of a line: 2 for each full-width character, 1 for the rest."""
    narrow = len(text.encode("ascii", "ignore")) + len(_NARROW_NON_ASCII_RE.findall(text))
    return 2 * len(text) - narrow


@dataclass(slots=True)
class Piece:
    """A line of the export, or one cell's part of a line that two cells share."""

    text: str
    line: int
    gap: bool  # a blank line (or dropped page furniture) comes before it
    joined: bool = False  # it continues the printed line of the piece before
    page_top: bool = False  # the first piece after page furniture: a new page starts here
    _width: int = -1

    @property
    def width(self) -> int:
        if self._width < 0:
            self._width = display_width(self.text)
        return self._width


# Where one printed line holds two cells: a grade label starts after a space, a row's number stands
# before its 取組名 (「1 国際戦略拠点活」), or a space parts two Japanese characters (Japanese prose
# has no ASCII spaces, so such a space is the gap between two cells).
_SPLIT_RE = re.compile(
    r"(?<=\S) +(?=[1-5１-５][．.]|[A-DＡ-Ｄ][．.])"
    r"|(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])"
    r"|(?:(?<=^[0-9])|(?<=^[0-9]{2})|(?<=^[0-9]{3})) +(?=[^\x00-\x7f])"
)


_ERA_RE = re.compile(r"(令和|平成)([0-9]+|元)年度")


def _header_form(text: str) -> str:
    """Text as the header is compared: compact, its era and year as 〓."""
    return _ERA_RE.sub("〓", layout.compact(text))


# Every form of the whole header row, and its last two labels.
_HEADERS = tuple(_header_form("".join(labels)) for labels in itertools.product(*layout.HEADER_LABELS))
_ALL_HEADERS = "\n".join(_HEADERS)  # one string to search them all at once (a form has no whitespace)
_HEADER_END = _header_form("".join(labels[0] for labels in layout.HEADER_LABELS[-2:]))


def _furniture(lines: list[str]) -> set[int]:
    """Indexes of the page furniture: the page titles and the column headers, which wrap their
    labels anywhere and which the export may print only in part."""
    forms = [_header_form(line) for line in lines]
    return _titles_and_headers(lines, forms) | _header_ends(forms)


def _titles_and_headers(lines: list[str], forms: list[str]) -> set[int]:
    """Each page title and the lines after it (blank lines aside) that spell parts of the header in
    its order: the export may leave a line of it out, or start it from one of its lines."""
    found: set[int] = set()
    ends: list[int] = []  # where in each form of the header the run so far ends; -1 where it went astray
    for i, (line, form) in enumerate(zip(lines, forms)):
        if "シート" in line and layout.fiscal_year_from_title(line):
            found.add(i)
            ends = [0] * len(_HEADERS)
            continue
        if not form or not ends:
            continue
        ends = [_after(header, form, end) for header, end in zip(_HEADERS, ends)]
        if max(ends) < 0:
            ends = []
        else:
            found.add(i)
    return found


def _after(header: str, form: str, start: int) -> int:
    """Where ``form`` ends when it comes in ``header`` at or after ``start``; -1 if it does not."""
    at = header.find(form, start) if start >= 0 else -1
    return at + len(form) if at >= 0 else -1


def _header_ends(forms: list[str]) -> set[int]:
    """The end of a header printed without its title (the export moved the title elsewhere): lines
    (blank lines aside) that spell the header's text up to its last two labels, so that no cell's
    line of its own (「局」) ever reads as one."""
    found: set[int] = set()
    i = 0
    while i < len(forms):
        run, text = [], ""
        for j in range(i, len(forms)):
            form = forms[j]
            if not form:
                continue
            if text + form not in _ALL_HEADERS:
                break
            run.append(j)
            text += form
            if text.endswith(_HEADER_END):
                found.update(run)
                i = j
                break
        i += 1
    return found


def pieces_of(lines: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    gap, page_top = True, False
    furniture = _furniture(lines)
    for number, line in enumerate(lines, start=1):
        # Exporters part two cells sharing a line with spaces or a tab; either is the same gap.
        stripped = line.replace("\t", " ").strip()
        if not stripped or number - 1 in furniture:
            gap = True
            page_top = page_top or number - 1 in furniture
            continue
        if " " not in stripped:
            pieces.append(Piece(stripped, number, gap, page_top=page_top))
        else:
            for i, part in enumerate(_SPLIT_RE.split(stripped)):
                pieces.append(Piece(part.strip(), number, gap=gap and i == 0, joined=i > 0, page_top=page_top and i == 0))
        gap, page_top = False, False
    return pieces
