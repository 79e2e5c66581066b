"""The logical lines of an export's text cells: which printed line breaks are soft wraps."""

from __future__ import annotations

import bisect
import itertools
import statistics

from pipeline.extract import layout
from pipeline.extract.text.columns import HANGING_PUNCTUATION
from pipeline.extract.text.pieces import _NARROW_NON_ASCII_RE, display_width

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
        if widest < column - line_slack(column):
            return text
        full = widest - line_slack(widest)
        if max(widths[:-1]) < full:
            return text
        return layout.join_wrapped(text.split("\n"), [width >= full for width in widths], values_apart=name == "plan_fy")


def line_slack(width: float) -> float:
    """How far short of a column's width a full line may end: a proportional font fills it unevenly."""
    return WRAP_SLACK + WRAP_SLACK_SHARE * width


# Punctuation that may hang past the end of a line, with its width.
_HANGING = {mark: display_width(mark) for mark in HANGING_PUNCTUATION}
