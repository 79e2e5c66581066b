"""The widths of the sheet's narrow columns as an export wraps them, measured from the export."""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass

from pipeline.extract.text.pieces import Piece, display_width

INITIATIVE_NO_RE = re.compile(r"^[0-9０-９]{1,3}$")

# The last characters of a bureau or ward-office name (局, 本部, 区役所, 事務局, …).
BUREAU_SUFFIXES = ("局", "本部", "役所", "支所", "室", "委員会", "センター", "事務所")

# Japanese line breaking lets these hang past a cell's edge rather than start a line.
HANGING_PUNCTUATION = "、。，．・」』）)】！？!?,."


@dataclass(frozen=True)
class Columns:
    """The widest line, in display columns (full-width characters count 2), of the sheet's narrow
    columns as this export wraps them. The 事務事業名 column holds about five characters a line, the
    取組名 column seven, the 担当局 column fewer than either; the text columns are far wider. The
    widths are measured from the export itself, so another producer's wrapping reads as well."""

    project: int
    name: int

    @classmethod
    def measure(cls, pieces: list[Piece], codes: list[int]) -> Columns:
        """Typical wrap widths: the block before each policy code (a 事務事業名) and the block after
        each number (a 取組名), a slack of one or two characters on top."""
        projects, names = [], []
        for i in codes:
            block = []
            for before in reversed(pieces[max(0, i - 12) : i]):
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
                block += [p.width for p in itertools.takewhile(lambda p: not p.gap, pieces[i + 2 : i + 12])]
                names.append(max(block))
        if not projects or not names:
            return cls(project=12, name=18)
        return cls(project=int(statistics.median(projects)) + 2, name=int(statistics.median(names)) + 4)


def fits(piece: Piece, width: int) -> bool:
    """Whether a line fits a column of this width, a hanging punctuation mark aside."""
    text = piece.text
    if len(text) - 1 > width:  # every character is at least one column wide
        return False
    if text.endswith(tuple(HANGING_PUNCTUATION)):
        text = text[:-1]
    return display_width(text) <= width
