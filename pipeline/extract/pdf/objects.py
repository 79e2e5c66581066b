"""A PDF page's visible characters and ruling lines, in pdfplumber's top-down page coordinates.

What counts is what is on paper. Producers draw more than that: a spreadsheet program prints a
merged cell cut by a page break on both pages, each time clipped to the part of the cell that page
holds, so the text of the other part is in the content stream but invisible. The interpreter below
follows the clipping path through the graphics state (as its bounding box, which is exact for the
rectangular clips tables use) and keeps only characters whose middle, at a height above their
baseline the same for every font, is inside it, and only drawings that reach into it.

Borders come as stroked lines, stroked rectangles or thin filled rectangles (a browser draws each
cell's border as four of them); all become `Segment`s along their centre line. A filled cell
background is a boundary on paper too, so a filled rectangle that is not white gives its four edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve, LTRect
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.utils import apply_matrix_pt, apply_matrix_rect
from pdfplumber.page import Page

from pipeline.extract.glyphs import canonical_text

# A filled rectangle this thin (pt) is a drawn line, not a cell background.
THIN = 2.0
# How far (pt) two points may differ and still lie on one horizontal or vertical line.
ALIGNED = 0.5

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in device space (y up)


class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


class Segment(NamedTuple):
    """A ruling line: horizontal at `position` (a y) from `start` to `end` (x), or vertical at an x."""

    horizontal: bool
    position: float
    start: float
    end: float


def page_objects(page: Page) -> tuple[list[Char], list[Segment]]:
    """The page's visible characters and its ruling lines."""
    device = _Recorder(page)
    # What lies off the page is not on paper either: the page itself is the first clip.
    x0, y0, x1, y1 = page.page_obj.mediabox
    device.clip = (0.0, 0.0, x1 - x0, y1 - y0) if not page.page_obj.rotate % 180 else (0.0, 0.0, y1 - y0, x1 - x0)
    _ClippingInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    height = page.height
    x_offset, y_offset = page.mediabox[0], page.mediabox[1]

    def char(text: str, x0: float, y0: float, x1: float, y1: float) -> Char:
        return Char(canonical_text(text), x0 + x_offset, x1 + x_offset, height - y1 + y_offset, height - y0 + y_offset)

    def segment(horizontal: bool, position: float, start: float, end: float) -> Segment:
        if horizontal:
            return Segment(True, height - position + y_offset, start + x_offset, end + x_offset)
        return Segment(False, position + x_offset, height - end + y_offset, height - start + y_offset)

    chars = [char(*box) for box in device.boxes]
    segments = []
    for item in _leaves(device.get_result()):
        if isinstance(item, LTChar) and device.visible_box(item.bbox):
            chars.append(char(item.get_text(), *item.bbox))
        elif isinstance(item, LTCurve):
            segments.extend(segment(*s) for s in _ruling(item))
    return chars, segments


# Where a glyph is tested against the clip, above its baseline in font sizes: the middle of a
# Japanese font's em box, whose descent is about an eighth of it.
_VISIBLE_AT = 0.375


class _Recorder(PDFPageAggregator):
    """pdfminer's page aggregator, keeping horizontal characters as bare (text, box) records and
    dropping what the clipping path hides.

    Building an LTChar, and then pdfplumber's dictionary of it, costs more than everything else
    the reader does with a character; it needs only the text and the box."""

    def __init__(self, page: Page):
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number)
        self.boxes: list[tuple[str, float, float, float, float]] = []
        self.clip: Box | None = None  # set by the interpreter; None: the whole page

    def visible_box(self, box: Box) -> bool:
        """Whether a character's centre lies inside the clip."""
        return self.visible_point(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))

    def visible_point(self, point: tuple[float, float]) -> bool:
        if self.clip is None:
            return True
        x, y = point
        return self.clip[0] <= x <= self.clip[2] and self.clip[1] <= y <= self.clip[3]

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        if font.is_vertical():  # LTChar has the vertical metrics
            return super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        advance = font.char_width(cid) * fontsize * scaling
        descent = font.get_descent() * fontsize + rise
        box = apply_matrix_rect(matrix, (0, descent, advance, descent + fontsize))
        # Seen or hidden by a point at the same height above the baseline for every font: a clip
        # across a line of text takes the whole line, whether a glyph came from a fallback font
        # whose box sits lower (a ∘ in DejaVu beside IPAex text) or not.
        if self.visible_point(apply_matrix_pt(matrix, (advance / 2, rise + _VISIBLE_AT * fontsize))):
            self.boxes.append((text, *box))
        return advance

    def paint_path(self, gstate, stroke, fill, evenodd, path) -> None:
        if self.clip is not None:
            box = _bounds(apply_matrix_pt(self.ctm, point) for point in _points(path))
            if box is not None and not _overlap(box, self.clip):
                return
        super().paint_path(gstate, stroke, fill, evenodd, path)


class _ClippingInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter, also keeping the clipping path (its bounding box, in device space)
    as part of the graphics state, so that q/Q save and restore it and W narrows it."""

    device: _Recorder

    def get_current_state(self):
        return (*super().get_current_state(), self.device.clip)

    def set_current_state(self, state) -> None:
        *base, clip = state
        super().set_current_state(tuple(base))
        self.device.clip = clip

    def do_W(self) -> None:
        box = _bounds(apply_matrix_pt(self.ctm, point) for point in _points(self.curpath))
        if box is not None:
            clip = self.device.clip
            self.device.clip = (
                box if clip is None else (max(clip[0], box[0]), max(clip[1], box[1]), min(clip[2], box[2]), min(clip[3], box[3]))
            )

    do_W_a = do_W

    def do_Do(self, xobjid) -> None:
        # A form XObject runs in a graphics state of its own: its clips end with it.
        clip = self.device.clip
        super().do_Do(xobjid)
        self.device.clip = clip


def _points(path: Sequence[tuple]) -> Iterator[tuple[float, float]]:
    for segment in path:
        coordinates = [value for value in segment[1:] if isinstance(value, (int, float))]
        yield from zip(coordinates[::2], coordinates[1::2])


def _bounds(points: Iterable[tuple[float, float]]) -> Box | None:
    xs, ys = [], []
    for x, y in points:
        xs.append(x)
        ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _overlap(a: Box, b: Box) -> bool:
    return a[0] <= b[2] + THIN and b[0] <= a[2] + THIN and a[1] <= b[3] + THIN and b[1] <= a[3] + THIN


def _leaves(container: LTContainer) -> Iterator[LTComponent]:
    """Layout objects in drawing order, those inside form XObjects (figures) included."""
    for item in container:
        if isinstance(item, LTContainer):
            yield from _leaves(item)
        else:
            yield item


def _ruling(item: LTCurve) -> list[tuple[bool, float, float, float]]:
    """The ruling lines a drawing makes on paper, as (horizontal, position, start, end) in device
    space: a thin rectangle is one line; a stroked outline is its straight edges; a filled
    background that is not white is its rectangle's edges."""
    x0, y0, x1, y1 = item.bbox
    if isinstance(item, LTRect) and (item.stroke or item.fill) and min(x1 - x0, y1 - y0) <= THIN:
        if x1 - x0 >= y1 - y0:
            return [(True, (y0 + y1) / 2, x0, x1)]
        return [(False, (x0 + x1) / 2, y0, y1)]
    if isinstance(item, LTRect) and (item.stroke or (item.fill and not _white(item.non_stroking_color))):
        return [(True, y0, x0, x1), (True, y1, x0, x1), (False, x0, y0, y1), (False, x1, y0, y1)]
    if not item.stroke:
        return []
    out = []
    for (ax, ay), (bx, by) in zip(item.pts, item.pts[1:]):
        if abs(ay - by) <= ALIGNED and abs(ax - bx) > ALIGNED:
            out.append((True, (ay + by) / 2, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) <= ALIGNED and abs(ay - by) > ALIGNED:
            out.append((False, (ax + bx) / 2, min(ay, by), max(ay, by)))
    return out


def _white(color: object) -> bool:
    """Whether a fill colour is white in its colour space (gray 1, RGB 1 1 1, CMYK 0 0 0 0)."""
    values = color if isinstance(color, (tuple, list)) else (color,)
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return False
    if len(values) == 4:
        return all(v == 0 for v in values)
    return all(v >= 0.99 for v in values)
