"""The PDF reader against the FY2022 PDF fixture, the text export, and PDFs rendered from rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from conftest import FY2022_PDF, FY2022_TEXT
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from pipeline.extract.glyphs import canonical_text
from pipeline.extract.layout import compact, join_text
from pipeline.extract.pdf import read_pdf_sheet
from pipeline.extract.records import ROW_FIELDS, Sheet, SheetError
from tests.pdf_fixtures import A3_LANDSCAPE, A4_LANDSCAPE, PdfLayout, write_sheet_pdf

# Page layouts the generated variants test, each with the rows it must put on a page break:
# between an initiative's sub-rows (46's merged text runs on past the break, 61's does not), and
# inside a row (of a single-row initiative, and the second row of a two-row initiative). The A4
# variant also differs from the city's header and section rows, as other producers' sheets do.
VARIANTS = {
    "a3_breaks_inside_initiatives": PdfLayout(A3_LANDSCAPE, break_before=frozenset({(46, 2), (61, 4)})),
    "a4_breaks_inside_rows": PdfLayout(
        A4_LANDSCAPE, number_header=True, merged_sections=False, split_rows=frozenset({(1, 1), (46, 2)})
    ),
}


@pytest.fixture(scope="session")
def fy2022_pdf() -> Sheet:
    return read_pdf_sheet(FY2022_PDF)


@pytest.fixture(scope="session")
def variants(fy2022_pdf: Sheet, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, tuple]]:
    """Each variant's PDF, rendered from the FY2022 rows, and the rows it must read back to."""
    folder = tmp_path_factory.mktemp("pdf_variants")
    out = {}
    for name, layout in VARIANTS.items():
        path = folder / f"{name}.pdf"
        out[name] = (path, write_sheet_pdf(path, fy2022_pdf, layout))
    return out


def test_fy2022_fixture_gives_the_documents_own_counts(fy2022_pdf: Sheet) -> None:
    rows = fy2022_pdf.rows
    assert (fy2022_pdf.fiscal_year, fy2022_pdf.source_file) == (2022, "r04_sheet_calc.pdf")
    assert fy2022_pdf.title == "川崎市国際施策推進プラン第３期実行プログラム進行管理シート（令和４年度）"
    assert len(rows) == 127
    assert sorted({row.initiative_no for row in rows}) == list(range(1, 107))
    assert Counter(row.achievement_code for row in rows) == {3: 106, 4: 15, 2: 6}
    assert Counter(row.contribution_code for row in rows) == {"A": 64, "B": 61, "C": 2}
    assert len({row.pillar for row in rows}) == 3
    # The sheet prints nine 取組の方向性 rows, three per pillar (see tests/fixtures/README.md).
    assert len({(row.pillar, row.direction_no) for row in rows}) == 9
    assert len({(row.pillar, row.direction_no, row.subarea_no) for row in rows}) == 22
    assert len({row.bureau for row in rows}) == 21
    assert [row.source_page for row in rows] == sorted(row.source_page for row in rows)
    assert (rows[0].source_page, rows[-1].source_page) == (1, 12)


def test_fy2022_fixture_keeps_sub_rows_and_merged_cells(fy2022_pdf: Sheet) -> None:
    wards = [row for row in fy2022_pdf.rows if row.initiative_no == 61]
    assert [row.sub_row for row in wards] == [1, 2, 3, 4, 5, 6, 7]
    assert [row.policy_code for row in wards] == ["川崎区", "幸区", "中原区", "高津区", "宮前区", "多摩区", "麻生区"]
    assert len({(row.initiative_name, row.description, row.plan_fy) for row in wards}) == 1
    first = fy2022_pdf.rows[0]
    assert (first.pillar, first.direction_no, first.subarea_no, first.policy_code) == ("Ⅰ", 1, 1, "4-4-1")
    assert first.initiative_name == first.project_name == "国際戦略拠点活性化推進事業"
    assert first.bureau == "臨海部国際戦略本部"


def test_fy2022_fixture_matches_the_text_export(fy2022_pdf: Sheet) -> None:
    from pipeline.extract.text import read_text_export  # here, so a broken text reader fails only this test

    text = read_text_export(FY2022_TEXT)
    assert (text.fiscal_year, compact(text.title)) == (fy2022_pdf.fiscal_year, compact(fy2022_pdf.title))
    assert len(text.rows) == len(fy2022_pdf.rows)
    differences = [
        f"No. {pdf_row.initiative_no} ({pdf_row.sub_row}) {name}: pdf {getattr(pdf_row, name)!r} text {getattr(text_row, name)!r}"
        for pdf_row, text_row in zip(fy2022_pdf.rows, text.rows)
        for name in ROW_FIELDS
        if name not in ("source_file", "source_page")
        and _comparable(getattr(pdf_row, name)) != _comparable(getattr(text_row, name))
    ]
    assert differences == []


def _comparable(value: object) -> object:
    return compact(value) if isinstance(value, str) else value


@pytest.mark.parametrize("name", VARIANTS)
def test_generated_variant_reads_back_to_its_rows(fy2022_pdf: Sheet, variants: dict, name: str) -> None:
    path, expected = variants[name]
    sheet = read_pdf_sheet(path)
    assert (sheet.source_file, sheet.fiscal_year, sheet.title) == (path.name, 2022, fy2022_pdf.title)
    assert sheet.rows == expected


def test_generated_variants_break_where_asked(variants: dict) -> None:
    _, rows = variants["a3_breaks_inside_initiatives"]
    page = {(row.initiative_no, row.sub_row): row.source_page for row in rows}
    assert page[46, 2] == page[46, 1] + 1 and page[61, 4] == page[61, 3] + 1
    path, rows = variants["a4_breaks_inside_rows"]
    pdf = pypdfium2.PdfDocument(path)
    for row in rows:
        if (row.initiative_no, row.sub_row) in VARIANTS["a4_breaks_inside_rows"].split_rows:
            # Some text cell of the row goes on at the top of the next page. (Which one is the
            # tallest depends on how far the generator shrank each cell's unwrapped lines to fit.)
            texts = (row.description, row.plan_fy, row.results, row.reason, row.future_direction)
            next_page = compact(pdf[row.source_page].get_textpage().get_text_range())
            assert any(compact(text.splitlines()[-1]) in next_page for text in texts)


def test_every_character_of_the_fy2022_sheet_round_trips(fy2022_pdf: Sheet, tmp_path: Path) -> None:
    # As the readers give them: a radical named for an ideograph's glyph is read as the ideograph.
    characters = sorted(set(canonical_text(FY2022_TEXT.read_text(encoding="utf-8"))) - set(" \u3000\n"))
    # Spaces inside a line, where the text-cell rules keep them.
    lines = ["スペース: 半角 全角　終わり"] + ["".join(characters[i : i + 40]) for i in range(0, len(characters), 40)]
    row = replace(fy2022_pdf.rows[0], results=join_text(lines))
    sheet = replace(fy2022_pdf, rows=(row,))
    path = tmp_path / "characters.pdf"
    expected = write_sheet_pdf(path, sheet)
    (got,) = read_pdf_sheet(path).rows
    assert got == expected[0]
    assert set(got.results) >= set(characters) | {" ", "\u3000"}


def test_one_process_and_a_pool_read_the_same(variants: dict) -> None:
    path, expected = variants["a3_breaks_inside_initiatives"]
    assert read_pdf_sheet(path, workers=1).rows == expected


def test_non_pdf_is_a_sheet_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("not a PDF at all", encoding="utf-8")
    with pytest.raises(SheetError, match=r"^notes\.pdf: not a readable PDF") as error:
        read_pdf_sheet(path)
    assert error.value.source_file == "notes.pdf"


def test_encrypted_pdf_is_a_sheet_error(tmp_path: Path) -> None:
    canvas = Canvas(str(tmp_path / "locked.pdf"), encrypt=StandardEncryption("user-password", "owner-password"))
    canvas.drawString(100, 100, "川崎市国際施策推進プラン進行管理シート（令和４年度）")
    canvas.save()
    with pytest.raises(SheetError, match=r"^locked\.pdf: the PDF is encrypted"):
        read_pdf_sheet(tmp_path / "locked.pdf")


def test_truncated_pdf_is_a_sheet_error(variants: dict, tmp_path: Path) -> None:
    whole = variants["a4_breaks_inside_rows"][0].read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SheetError, match=r"^cut\.pdf: not a readable PDF"):
        read_pdf_sheet(path)


@pytest.mark.parametrize(
    ("ruled", "problem"),
    [(False, r"no sheet title 「…進行管理シート"), (True, r"page 1: the table has no column-header row")],
)
def test_pdf_of_another_document_is_a_sheet_error(tmp_path: Path, ruled: bool, problem: str) -> None:
    canvas = Canvas(str(tmp_path / "minutes.pdf"))
    canvas.drawString(72, 760, "Minutes of the meeting")
    if ruled:
        canvas.rect(72, 500, 300, 200)
        canvas.line(72, 600, 372, 600)
    canvas.save()
    with pytest.raises(SheetError, match=rf"^minutes\.pdf(: |, ){problem}"):
        read_pdf_sheet(tmp_path / "minutes.pdf")


def test_missing_file_is_a_sheet_error(tmp_path: Path) -> None:
    with pytest.raises(SheetError, match=r"^absent\.pdf: no such file"):
        read_pdf_sheet(tmp_path / "absent.pdf")


# --- soft wraps ----------------------------------------------------------------------------------


def test_fy2022_fixture_gives_logical_lines(fy2022_pdf: Sheet) -> None:
    """Lines the spreadsheet wrapped because the cell was full run on into the next; hard breaks stay."""
    first = fy2022_pdf.rows[0]
    assert first.description == (
        "世界トップクラスの研究者たちが集まり、活発な交流から川崎発の革新的なイノベーションが次々に生まれる"
        "エコシステムを構築することで、ライフサイエンス分野における世界最高水準の研究開発拠点を形成します。"
    )
    assert "∘クラスター化推進事業を中心とする域内外への産業波及に向けた取組の推進" in first.plan_fy.split("\n")
    assert "マッチング数：85件以上" in first.plan_fy.split("\n")
    results = first.results.split("\n")
    assert results[0] == "ほぼ目標どおり達成できました。"
    assert results[1].startswith("・新たな国の支援策の獲得や活用の取組の推進については、") and results[1].endswith(
        "加速しました。"
    )
    assert "HICity・羽田エアポートガーデン" in first.results  # a full line ending 「ガーデ」, not a bullet 「・」
    no24 = next(row for row in fy2022_pdf.rows if row.initiative_no == 24)
    # 「…（入場者数：23,000人」 / 「）」, but a full plan line does not run on into a 「label：value」 line
    assert no24.results.split("\n")[0].endswith("実施しました。（入場者数：23,000人）")
    assert no24.plan_fy.split("\n")[-2:] == [
        "●アジア諸国の民族音楽・舞踊等による「アジア交流音楽祭」の開催入場者",
        "数：50,000人以上",
    ]


def _chars(text: str, x0: float, widths: dict[str, float], size: float = 6.0, top: float = 0.0) -> list:
    from pipeline.extract.pdf.objects import Char

    out = []
    for ch in text:
        width = widths.get(ch, size)
        out.append(Char(ch, x0, x0 + width, top, top + size))
        x0 += width
    return out


def test_a_line_is_full_when_the_next_lines_start_would_not_have_fitted() -> None:
    from pipeline.extract.pdf.lines import wraps

    narrow = {c: 3.0 for c in "0123456789,abc"}
    # A cell from x = 0 to 100, text padded 1 on the left: 98 of room, 16 full-width characters (96).
    lines = [
        _chars("あ" * 16, 1.0, narrow),  # gap 2: full
        _chars("い" * 15, 1.0, narrow),  # gap 8: more than a character, so a hard break
        _chars("う" * 15 + "、", 1.0, narrow),  # 「、」 reaches past the edge: full (it hangs)
        _chars("え" * 14, 1.0, narrow),  # gap 14, but the next line starts 「（222件）」: 「（222」 needs 15
        _chars("（222件）お", 1.0, narrow),
        _chars("か" * 14 + "abc", 1.0, narrow),  # gap 5: full
        _chars("abc d", 1.0, narrow),  # the last line: measured against one character
    ]
    assert wraps(lines, 0.0, 100.0, 6.0) == (True, False, True, True, False, True, False)


def test_a_shrunk_cell_of_unwrapped_lines_has_no_soft_wraps() -> None:
    from pipeline.extract.pdf.lines import wraps

    # Shrink-to-fit: printed at 4 on a page of 6, the widest line just fills the cell (98 of room).
    lines = [_chars("あ" * 24 + "い", 1.0, {}, size=4.0), _chars("う" * 20, 1.0, {}, size=4.0)]
    lines[0] = lines[0][:-1] + _chars("い", 97.0, {"い": 2.0}, size=4.0)
    assert wraps(lines, 0.0, 100.0, 6.0) == (False, False)
    # The same lines at the page's own size are wrapped text: the first is full.
    assert wraps(lines, 0.0, 100.0, 4.0) == (True, False)


def test_text_wrapped_at_the_column_reads_back_as_its_logical_lines(fy2022_pdf: Sheet, tmp_path: Path) -> None:
    from tests.pdf_fixtures import COLUMNS, FONT_SIZE, PADDING, _wrap

    sentence = "多様な活動団体等と協働し、誰もが身近に音楽を楽しめる環境づくりを進めることで、まちに音楽があふれ市民の豊かな心を育みます。"
    logical = {
        "results": [sentence * 2, "短い行です。", "●" + sentence, "（1）" + sentence[:20]],
        "plan_fy": [
            "●アジア諸国の民族音楽と舞踊による交流音楽祭の開催に向けた関係団体との調整及び広報の実施について",
            "入場者数：50,000人以上",
            "・事業実施",
        ],
    }
    width = {name: dict(COLUMNS)[name] - 2 * PADDING for name in logical}
    printed = {
        name: [piece for line in lines for piece in _wrap(line, width[name], FONT_SIZE)] for name, lines in logical.items()
    }
    assert len(printed["results"]) > len(logical["results"]) and len(printed["plan_fy"]) > len(logical["plan_fy"])
    row = replace(fy2022_pdf.rows[0], **{name: "\n".join(lines) for name, lines in printed.items()})
    path = tmp_path / "wrapped.pdf"
    write_sheet_pdf(path, replace(fy2022_pdf, rows=(row,)))
    (got,) = read_pdf_sheet(path).rows
    assert got.results.split("\n") == logical["results"]
    assert got.plan_fy.split("\n") == logical["plan_fy"]


def test_a_scan_without_a_text_layer_is_refused_with_advice(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    from pipeline.extract.pdf import first_page_text

    path = tmp_path / "scan.pdf"
    canvas = Canvas(str(path), pagesize=A3_LANDSCAPE)
    for _ in range(2):
        canvas.drawImage(ImageReader(Image.new("L", (400, 280), 200)), 20, 20, width=1150, height=800)
        canvas.showPage()
    canvas.save()
    with pytest.raises(
        SheetError, match=r"^scan\.pdf: the PDF has no text layer \(a scan\?\): run it through OCR first \(e\.g\. `ocrmypdf"
    ):
        read_pdf_sheet(path)
    with pytest.raises(SheetError, match=r"no text layer"):
        first_page_text(path)


def test_pages_turned_by_rotate_and_wrapped_as_form_xobjects_read_the_same(tmp_path: Path) -> None:
    """A PDF tool that re-saves a sheet may store each page as a portrait page, /Rotate 90, drawing
    the original page as a turned form XObject (with its clips); on screen nothing changes."""
    from conftest import FIXTURES

    original = FIXTURES / "r04_sheet_calc_splits.pdf"
    source, turned = pypdfium2.PdfDocument(original), pypdfium2.PdfDocument.new()
    for index in range(len(source)):
        width, height = source[index].get_size()
        page = turned.new_page(height, width)
        drawing = source.page_as_xobject(index, turned).as_pageobject()
        drawing.transform(pypdfium2.PdfMatrix().rotate(-90).translate(height, 0))
        page.insert_obj(drawing)
        page.gen_content()
        page.set_rotation(90)
    path = tmp_path / "turned.pdf"
    turned.save(path)
    expected = read_pdf_sheet(original).rows
    assert [replace(row, source_file="") for row in read_pdf_sheet(path).rows] == [
        replace(row, source_file="") for row in expected
    ]
