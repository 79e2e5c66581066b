"""The lines of a text export as pieces: one per printed line, or per cell where two cells share a
line, with whether a blank line came before; page furniture (the repeated title and column header)
is dropped. Widths are measured in display columns, as the export lays its lines out."""

from __future__ import annotations

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


def pieces_of(lines: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    gap = True
    for number, line in enumerate(lines, start=1):
        # Exporters part two cells sharing a line with spaces or a tab; either is the same gap.
        stripped = line.replace("\t", " ").strip()
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
