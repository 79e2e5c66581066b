"""The landing: a year's rows from its files, one sheet per year."""

from conftest import FY2022_TEXT

from pipeline import landing
from pipeline.extraction import try_extract
from pipeline.load_plan import plan_load
from pipeline.raw_files import scan_raw_dir


def year_files(tmp_path, texts: dict[str, str]):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in texts.items():
        (raw / name).write_text(text, encoding="utf-8")
    files = scan_raw_dir(raw, tmp_path / "landing")
    return files, [try_extract(f.path) for f in files]


def test_two_files_with_the_same_rows_land_once_and_say_so(tmp_path, fy2022_sheet):
    from text_fixtures import render_text_export

    files, sheets = year_files(
        tmp_path,
        {
            "a.txt": FY2022_TEXT.read_text(encoding="utf-8"),
            "b.txt": render_text_export(list(fy2022_sheet.rows), seed=3),  # other line breaks and page breaks
        },
    )
    landed = landing.land_year(tmp_path / "landing", 2022, files, sheets)
    assert landed.rows == 127 and landed.used_file == "a.txt"
    assert landed.note == "b.txt holds the same rows as a.txt; used a.txt"
    plan = plan_load(files, tmp_path / "landing")
    assert [(r["file"], r["status"]) for r in plan.report] == [("a.txt", "loaded"), ("b.txt", "duplicate")]
    assert not plan.failed


def test_two_different_sheets_for_one_year_fail_that_year_naming_both(tmp_path):
    import pytest

    from pipeline.extract import SheetError

    text = FY2022_TEXT.read_text(encoding="utf-8")
    files, sheets = year_files(tmp_path, {"a.txt": text, "b.txt": text.replace("A．貢献している", "B．やや貢献している", 1)})
    with pytest.raises(SheetError, match=r"^b\.txt: gives fiscal year 2022 like a\.txt, but the two sheets' rows differ"):
        landing.land_year(tmp_path / "landing", 2022, files, sheets)
