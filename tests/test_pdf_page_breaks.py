"""Page breaks anywhere, drawn the way each kind of producer draws them, read back exactly.

The city's multi-row initiatives are tall, so its page breaks fall inside them and inside rows. What
a break cuts, producers draw differently (see tests/pdf_fixtures.py): the text of a cut cell split
between the pages, or drawn whole on both and clipped to each part, or a merged cell printed again;
the cut cell's rules at the break drawn or left out. The reader must give back every row, with its
merged cells, for every combination and every break position.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.extract.pdf import read_pdf_sheet
from pipeline.extract.pdf.assembly import assemble_sheet
from pipeline.extract.pdf.page import COLUMN_FIELDS, Cell, GridRow, PageTable, SectionRow
from pipeline.extract.records import Sheet, SheetError
from tests.pdf_fixtures import A3_LANDSCAPE, A4_LANDSCAPE, PdfLayout, write_sheet_pdf

PRODUCERS = {
    "split_open": PdfLayout(cut_text="split", cut_rules=False, header_fill=False),  # a browser
    "split_closed": PdfLayout(cut_text="split", cut_rules=True),
    "clipped_open": PdfLayout(cut_text="clipped", cut_rules=False),  # a spreadsheet program
    "repeated_closed": PdfLayout(cut_text="repeated", cut_rules=True),
}

# A run of the FY2022 sheet with single-row initiatives on either side of two ward initiatives of
# seven rows each (61, 62), whose merged cells are short (61) and tall (62's plan runs long).
FIRST, LAST = 60, 63


@pytest.fixture(scope="module")
def excerpt(fy2022_sheet: Sheet) -> Sheet:
    return replace(fy2022_sheet, rows=tuple(row for row in fy2022_sheet.rows if FIRST <= row.initiative_no <= LAST))


def _positions(sheet: Sheet) -> list[tuple[str, tuple[int, int]]]:
    """Every place a break can fall: before each sub-row after an initiative's first (inside its
    merged cells), and inside every row."""
    keys = [(row.initiative_no, row.sub_row) for row in sheet.rows]
    return [("before", key) for key in keys if key[1] > 1] + [("inside", key) for key in keys]


def _read_back(sheet: Sheet, layout: PdfLayout, path: Path) -> None:
    expected = write_sheet_pdf(path, sheet, layout)
    got = read_pdf_sheet(path, workers=1)
    assert [(r.initiative_no, r.sub_row) for r in got.rows] == [(r.initiative_no, r.sub_row) for r in expected]
    assert got.problems == ()
    for read, wanted in zip(got.rows, expected):
        assert read == wanted, f"No. {wanted.initiative_no} ({wanted.sub_row})"


@pytest.mark.parametrize("producer", PRODUCERS)
def test_a_break_at_any_position_reads_back(excerpt: Sheet, tmp_path: Path, producer: str) -> None:
    positions = _positions(excerpt)
    assert len(positions) == 2 * 15 - 2
    for where, key in positions:
        option = {"break_before": frozenset({key})} if where == "before" else {"split_rows": frozenset({key})}
        _read_back(excerpt, replace(PRODUCERS[producer], **option), tmp_path / f"{where}_{key[0]}_{key[1]}.pdf")


@pytest.mark.parametrize("producer", PRODUCERS)
def test_breaks_inside_rows_and_initiatives_on_every_page_of_the_whole_sheet(
    fy2022_sheet: Sheet, tmp_path: Path, producer: str
) -> None:
    # A4 pages hold a third of an A3 page: breaks fall wherever the rows end, inside initiatives and
    # rows alike, besides a cut row inside a merged initiative (61's fourth ward row). The producers
    # that leave out the rules at a break also print the header on the first page only.
    layout = replace(
        PRODUCERS[producer],
        page_size=A4_LANDSCAPE,
        split_rows=frozenset({(61, 4), (32, 1)}),
        repeat_header=PRODUCERS[producer].cut_rules,
    )
    _read_back(fy2022_sheet, layout, tmp_path / "whole.pdf")


def test_a_break_before_an_initiatives_first_row_needs_no_joining(excerpt: Sheet, tmp_path: Path) -> None:
    layout = replace(PRODUCERS["clipped_open"], page_size=A3_LANDSCAPE, break_before=frozenset({(62, 1)}))
    _read_back(excerpt, layout, tmp_path / "between.pdf")


# --- the joining rules on hand-made pages ---------------------------------------------------------

TITLE = "川崎市国際施策推進プラン第３期実行プログラム進行管理シート（令和４年度）"
SECTIONS = (SectionRow(1, "pillar", "Ⅰ", "柱"), SectionRow(1, "direction", 1, "方向"), SectionRow(1, "subarea", 1, "分野"))


def _row(page: int, band: int, number: str, *, graded: bool = True, shared_with: GridRow | None = None, **texts: str) -> GridRow:
    """A grid row; `shared_with` gives it that row's merged cells (the same printed cells)."""
    own = {
        "project_name": "事業",
        "policy_code": "１－１－１",
        "results": "実績",
        "reason": "理由",
        "future_direction": "方向性",
        "bureau": "総務企画局",
        "initiative_name": "取組",
        "description": "内容",
        "plan_fy": "計画",
        **texts,
    }
    if graded:
        own = {"achievement_code": "３．ほぼ目標どおり", "contribution_code": "A．貢献している", **own}
    cells = {}
    for name in COLUMN_FIELDS:
        if shared_with is not None and name in ("initiative_no", "initiative_name", "description", "plan_fy"):
            cells[name] = shared_with.cells[name]
        else:
            text = number if name == "initiative_no" else own.get(name, "")
            cells[name] = Cell((page, band, COLUMN_FIELDS.index(name)), (text,) if text else (), (False,) if text else ())
    return GridRow(page, cells)


def test_a_continuation_after_a_section_row_cannot_be_placed() -> None:
    first = PageTable(1, TITLE, (*SECTIONS, _row(1, 3, "1"), SectionRow(1, "subarea", 2, "次の分野")))
    second = PageTable(2, TITLE, (_row(2, 0, "", graded=False, results="続き"),))
    with pytest.raises(
        SheetError,
        match=r"^x\.pdf, page 2: the first row has no initiative number \(No\.\) of its own, but the page before ends with a section row \(次の分野 after No\. 1\)",
    ):
        assemble_sheet("x.pdf", [first, second])


def test_a_row_without_a_number_inside_a_page_is_an_error_naming_the_row_before() -> None:
    page = PageTable(1, TITLE, (*SECTIONS, _row(1, 3, "1"), _row(1, 4, "")))
    with pytest.raises(SheetError, match=r"^x\.pdf, page 1: a row without an initiative number \(No\.\) \(after No\. 1 \(1\)\)"):
        assemble_sheet("x.pdf", [page])


def test_a_cut_row_joins_the_row_above_never_the_row_below() -> None:
    first = PageTable(1, TITLE, (*SECTIONS, _row(1, 3, "1", results="上の半分")))
    second = PageTable(2, TITLE, (_row(2, 0, "", graded=False, results="下の半分"), _row(2, 1, "2", results="次の行")))
    sheet = assemble_sheet("x.pdf", [first, second])
    assert [(row.initiative_no, row.results) for row in sheet.rows] == [(1, "上の半分\n下の半分"), (2, "次の行")]


def test_a_graded_row_after_the_break_is_the_next_sub_row_of_the_merged_initiative() -> None:
    top = _row(1, 3, "5")
    first = PageTable(1, TITLE, (*SECTIONS, top))
    continuation = _row(2, 0, "", initiative_name="", description="", plan_fy="", policy_code="幸区")
    second = PageTable(2, TITLE, (continuation, _row(2, 1, "", shared_with=continuation, policy_code="中原区")))
    sheet = assemble_sheet("x.pdf", [first, second])
    assert [(row.initiative_no, row.sub_row, row.policy_code, row.initiative_name) for row in sheet.rows] == [
        (5, 1, "1-1-1", "取組"),
        (5, 2, "幸区", "取組"),
        (5, 3, "中原区", "取組"),
    ]
    assert [row.source_page for row in sheet.rows] == [1, 2, 2]


def test_a_number_printed_again_after_the_break_continues_the_initiative() -> None:
    first = PageTable(1, TITLE, (*SECTIONS, _row(1, 3, "7")))
    second = PageTable(2, TITLE, (_row(2, 0, "7", policy_code="幸区"),))
    sheet = assemble_sheet("x.pdf", [first, second])
    assert [(row.initiative_no, row.sub_row) for row in sheet.rows] == [(7, 1), (7, 2)]


# --- what is on paper -----------------------------------------------------------------------------


def test_only_text_inside_the_clip_and_on_the_page_is_read(tmp_path: Path) -> None:
    import pdfplumber
    from reportlab.pdfgen.canvas import Canvas

    from pipeline.extract.pdf.objects import page_objects
    from tests.pdf_fixtures import _fonts

    main, _ = _fonts()
    path = tmp_path / "clip.pdf"
    canvas = Canvas(str(path), pagesize=(400, 300))
    canvas.setFont(main.fontName, 10)
    canvas.drawString(20, 250, "見える")
    canvas.drawString(20, -40, "紙の外")  # below the page
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(10, 100, 200, 50)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.drawString(20, 120, "枠の中")
    canvas.drawString(20, 60, "枠の外")  # drawn, but outside the clip
    canvas.restoreState()
    canvas.drawString(20, 60, "戻った")  # the clip ended with the graphics state
    canvas.save()
    with pdfplumber.open(path) as pdf:
        chars, _ = page_objects(pdf.pages[0])
    assert "".join(char.text for char in sorted(chars, key=lambda c: (c.top, c.x0))) == "見える枠の中戻った"


def test_a_page_without_a_header_takes_only_the_same_columns() -> None:
    from pipeline.extract.pdf.grid import ruled_grid
    from pipeline.extract.pdf.objects import Segment
    from pipeline.extract.pdf.page import Header

    def grid(xs: list[float]):
        lines = [Segment(False, x, 0.0, 100.0) for x in xs] + [Segment(True, y, xs[0], xs[-1]) for y in (0.0, 50.0, 100.0)]
        return ruled_grid(lines)

    header = Header({"a": (0.0, 10.0), "b": (10.0, 30.0)})
    assert header.columns_on(grid([0.0, 10.0, 20.0, 30.0])) == {"a": [0], "b": [1, 2]}
    assert header.columns_on(grid([0.0, 15.0, 30.0])) is None
    assert header.columns_on(grid([0.0, 10.0, 30.0, 60.0])) is None


def test_a_frame_around_the_page_is_not_the_table(excerpt: Sheet, tmp_path: Path) -> None:
    _read_back(
        excerpt, replace(PRODUCERS["split_closed"], page_frame=True, split_rows=frozenset({(61, 2)})), tmp_path / "framed.pdf"
    )


@pytest.mark.parametrize("producer", ["split_closed", "clipped_open", "repeated_closed"])
def test_a_cut_rows_tail_starting_like_a_section_title_stays_in_its_row(
    fy2022_sheet: Sheet, tmp_path: Path, producer: str
) -> None:
    # No. 17's results go on, past the break, with a list line 「③中国瀋陽市との交流…」, the tail's
    # topmost line: like a sub-area title, but with lines in other cells beside it.
    layout = replace(PRODUCERS[producer], page_size=A3_LANDSCAPE, split_rows=frozenset({(17, 1)}))
    _read_back(fy2022_sheet, layout, tmp_path / "cut_17.pdf")


@pytest.mark.parametrize("producer", PRODUCERS)
def test_a_page_that_starts_and_ends_inside_one_initiative_reads_back(excerpt: Sheet, tmp_path: Path, producer: str) -> None:
    # The page holding 62's third and fourth rows has its merged columns cut at both ends: with no
    # rules at the breaks, the rule between No. and 取組名 touches no other rule of the table.
    layout = replace(PRODUCERS[producer], page_size=A3_LANDSCAPE, break_before=frozenset({(62, 3), (62, 5)}))
    _read_back(excerpt, layout, tmp_path / "two_breaks.pdf")


@pytest.mark.parametrize("producer", PRODUCERS)
def test_a_page_of_section_rows_only_reads_back(excerpt: Sheet, tmp_path: Path, producer: str) -> None:
    # A producer that keeps rows whole prints the first page's section rows, which span the table,
    # and the initiative after them on the next page: no rule tells No. from 取組名 on the first.
    layout = replace(PRODUCERS[producer], page_size=A3_LANDSCAPE, break_before=frozenset({(FIRST, 1)}))
    _read_back(excerpt, layout, tmp_path / "sections_only.pdf")


def test_a_clip_across_a_line_takes_its_fallback_font_glyphs_with_it(fy2022_sheet: Sheet, tmp_path: Path) -> None:
    # No. 39's plan has ∘ marks, which the fixture's font lacks: drawn in DejaVu, their boxes sit
    # lower than the IPAex text beside them. A spreadsheet's clip at the break crosses such a line.
    layout = replace(PRODUCERS["clipped_open"], page_size=A3_LANDSCAPE, split_rows=frozenset({(39, 1)}))
    _read_back(fy2022_sheet, layout, tmp_path / "cut_39.pdf")
