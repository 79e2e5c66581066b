"""A page's ruled table as a grid of cells, built from its ruling lines alone.

The table's distinct vertical lines make its columns and its distinct horizontal lines (with the
table's top and bottom) its bands. Two neighbouring grid positions belong to one cell unless a
rule runs between them, so a merged cell is one cell however many bands it spans, and a cell a
page break cuts — whose bottom rule is missing on the first page, or whose top rule is missing on
the next — is still a cell, open at the table's edge. (A table finder that needs four rules around
every cell loses exactly those cells.) A horizontal line that separates no two positions anywhere
is not a band boundary.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from pipeline.extract.pdf.objects import Char, Segment

# Ruling lines closer than this (pt) are one line; producers draw a border as several strokes.
SNAP = 1.0


class Grid:
    """Cells on the grid of a table's column and band boundaries.

    `spans[cell]` is (first band, end band, first column, end column); `owner(band, column)` the cell
    covering a grid position."""

    def __init__(self, xs: list[float], ys: list[float], ruled_below: list[list[bool]], ruled_right: list[list[bool]]):
        # ruled_below[band][column]: a rule under the position; ruled_right[band][column]: right of it.
        self.xs, self.ys = xs, ys
        self.column_count, self.band_count = len(xs) - 1, len(ys) - 1
        self._ruled_below, self._ruled_right = ruled_below, ruled_right
        parent = list(range(self.band_count * self.column_count))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for band in range(self.band_count):
            for column in range(self.column_count):
                here = band * self.column_count + column
                if column + 1 < self.column_count and not ruled_right[band][column]:
                    parent[find(here + 1)] = find(here)
                if band + 1 < self.band_count and not ruled_below[band][column]:
                    parent[find(here + self.column_count)] = find(here)
        index: dict[int, int] = {}
        self._owner = [[0] * self.column_count for _ in range(self.band_count)]
        bounds: list[list[int]] = []
        for band in range(self.band_count):
            for column in range(self.column_count):
                root = find(band * self.column_count + column)
                if root not in index:
                    index[root] = len(bounds)
                    bounds.append([band, band + 1, column, column + 1])
                cell = index[root]
                self._owner[band][column] = cell
                span = bounds[cell]
                span[1], span[2], span[3] = max(span[1], band + 1), min(span[2], column), max(span[3], column + 1)
        self.spans: list[tuple[int, int, int, int]] = [tuple(span) for span in bounds]

    def owner(self, band: int, column: int) -> int:
        return self._owner[band][column]

    def box(self, cell: int) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a cell."""
        first_band, end_band, first_column, end_column = self.spans[cell]
        return self.xs[first_column], self.ys[first_band], self.xs[end_column], self.ys[end_band]

    def column_at(self, x: float) -> int:
        return min(max(bisect_right(self.xs, x) - 1, 0), self.column_count - 1)

    def band_cells(self, band: int) -> list[int]:
        """The distinct cells covering a band, left to right."""
        return list(dict.fromkeys(self._owner[band]))

    def cells_in_bands(self, first: int, end: int) -> list[int]:
        return list(dict.fromkeys(cell for band in range(first, end) for cell in self._owner[band]))

    def assign(self, chars: list[Char]) -> tuple[list[list[Char]], list[Char]]:
        """Each character in the cell holding its centre; characters beside the table (a producer
        letting text overflow its cell) go to the nearest cell of their band, and a line printed
        across the table's top or bottom rule (a browser cutting a row at the page end) to the band
        at that rule, so none is lost. Characters wholly above or below the table (title, footer)
        are returned apart."""
        found: list[list[Char]] = [[] for _ in self.spans]
        outside: list[Char] = []
        top, bottom = self.ys[0], self.ys[-1]
        for char in chars:
            if char.bottom <= top or char.top >= bottom:
                outside.append(char)
                continue
            middle = min(max(char.middle, top), bottom)
            band = min(bisect_right(self.ys, middle) - 1, self.band_count - 1)
            found[self._owner[band][self.column_at((char.x0 + char.x1) / 2)]].append(char)
        return found, outside


def ruled_grid(
    segments: Sequence[Segment], ruled_at: float | None = None, across: tuple[float, float] | None = None
) -> Grid | None:
    """The grid of the page's table, or None if it has none.

    `ruled_at` adds a rule across the whole table at that height: the column-header row ends there
    even where a producer left out the rule between it and a cell cut by the page break. `across`
    is the table's known width (x0, x1), for a page without a header row: see `_table_lines`."""
    table = _table_lines(segments, across)
    horizontal = [s for s in table if s.horizontal]
    vertical = [s for s in table if not s.horizontal]
    if not horizontal or not vertical:
        return None
    top, bottom = min(s.start for s in vertical), max(s.end for s in vertical)
    x_groups = _groups([s.position for s in vertical])
    extra = (
        []
        if ruled_at is None
        else [Segment(True, ruled_at, min(s.position for s in vertical), max(s.position for s in vertical))]
    )
    horizontal += extra
    y_groups = _groups([top, bottom, *(s.position for s in horizontal if top - SNAP <= s.position <= bottom + SNAP)])
    xs, ys = [_middle(group) for group in x_groups], [_middle(group) for group in y_groups]
    if len(xs) < 2 or len(ys) < 2:
        return None
    # Which boundaries each rule draws: a rule separates the positions whose middle it crosses.
    rules_at_y = _coverage(horizontal, y_groups, xs)  # [y boundary][column]
    rules_at_x = _coverage(vertical, x_groups, ys)  # [x boundary][band]
    # A horizontal line that separates nothing (a stub of a border) is no band boundary.
    keep = [0, *(k for k in range(1, len(ys) - 1) if any(rules_at_y[k])), len(ys) - 1]
    bands = list(itertools.pairwise(keep))
    ruled_below = [rules_at_y[end] for _, end in bands]
    ruled_right = [
        [any(rules_at_x[column + 1][band] for band in range(first, end)) for column in range(len(xs) - 1)] for first, end in bands
    ]
    return Grid(xs, [ys[k] for k in keep], ruled_below, ruled_right)


def _groups(values: list[float]) -> list[tuple[float, float]]:
    """Values within SNAP of each other, as (lowest, highest) of each group, in order."""
    out: list[list[float]] = []
    for value in sorted(values):
        if out and value - out[-1][1] <= SNAP:
            out[-1][1] = value
        else:
            out.append([value, value])
    return [(low, high) for low, high in out]


def _middle(group: tuple[float, float]) -> float:
    return (group[0] + group[1]) / 2


def _coverage(segments: list[Segment], groups: list[tuple[float, float]], across: list[float]) -> list[list[bool]]:
    """For each group of line positions, which intervals of `across` its segments cross the middle of."""
    lows = [low for low, _ in groups]
    middles = [(a + b) / 2 for a, b in itertools.pairwise(across)]
    out = [[False] * len(middles) for _ in groups]
    for segment in segments:
        group = bisect_right(lows, segment.position) - 1
        if group < 0 or segment.position > groups[group][1] + SNAP:
            continue
        first = bisect_left(middles, segment.start - SNAP)
        end = bisect_right(middles, segment.end + SNAP)
        for interval in range(first, end):
            out[group][interval] = True
    return out


def _structures(segments: Sequence[Segment]) -> list[list[Segment]]:
    """The connected sets of crossing or touching lines."""
    horizontal = [s for s in segments if s.horizontal]
    vertical = sorted((s for s in segments if not s.horizontal), key=lambda s: s.position)
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # A border drawn in pieces (a browser draws one per cell) is one line where the pieces meet.
    for offset, lines in ((0, horizontal), (len(horizontal), vertical)):
        order = sorted(range(len(lines)), key=lambda i: (round(lines[i].position / SNAP), lines[i].start))
        for a, b in itertools.pairwise(order):
            one, two = lines[a], lines[b]
            if abs(one.position - two.position) <= SNAP and two.start <= one.end + SNAP:
                parent[find(offset + b)] = find(offset + a)
    positions = [s.position for s in vertical]
    for h, line in enumerate(horizontal):
        first = bisect_left(positions, line.start - SNAP)
        end = bisect_right(positions, line.end + SNAP)
        for v in range(first, end):
            upright = vertical[v]
            if upright.start - SNAP <= line.position <= upright.end + SNAP:
                parent[find(len(horizontal) + v)] = find(h)
    groups: dict[int, list[Segment]] = {}
    for i, line in enumerate([*horizontal, *vertical]):
        groups.setdefault(find(i), []).append(line)
    return list(groups.values())


def _table_lines(segments: Sequence[Segment], across: tuple[float, float] | None) -> list[Segment]:
    """The table's ruling lines: the connected structure with the most lines (a page frame or a
    title's underline has a few).

    The header row's rules join every column, but on a page without one, a cut initiative whose
    merged columns have no rules at all leaves the table in pieces side by side. Given the table's
    width from a page with a header, the table is every structure within that width that stands
    beside the largest one."""
    structures = _structures(segments)
    if across is not None:
        structures = [group for group in structures if all(across[0] - SNAP <= x <= across[1] + SNAP for x in _xs(group))]
    if not structures:
        return []
    main = max(structures, key=len)
    if across is None:
        # A column rule inside the table may touch no other rule: between two merged cells cut at
        # both of a page's ends, under a header without a bottom rule. Vertical lines only: a
        # horizontal one inside the table and apart from it is a text decoration (an underline).
        left, right, top, bottom = min(_xs(main)), max(_xs(main)), min(_ys(main)), max(_ys(main))
        return main + [
            line
            for group in structures
            if group is not main
            and all(left - SNAP <= x <= right + SNAP for x in _xs(group))
            and all(top - SNAP <= y <= bottom + SNAP for y in _ys(group))
            for line in group
            if not line.horizontal
        ]
    top, bottom = min(_ys(main)), max(_ys(main))
    return [line for group in structures if min(_ys(group)) < bottom and max(_ys(group)) > top for line in group]


def _xs(group: list[Segment]) -> list[float]:
    return [x for s in group for x in ((s.start, s.end) if s.horizontal else (s.position,))]


def _ys(group: list[Segment]) -> list[float]:
    return [y for s in group for y in ((s.position,) if s.horizontal else (s.start, s.end))]
