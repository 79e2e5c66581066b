"""Finding each file's fiscal year in raw/."""

from conftest import FY2022_PDF, FY2022_TEXT
from pipeline import landing
from pipeline.limits import FILE_MEMORY_MB_ENV, FILE_SECONDS_ENV


def test_a_title_read_from_a_head_cut_through_a_character(tmp_path):
    data = FY2022_TEXT.read_bytes()
    inside = next(n for n in range(20000, 19990, -1) if data[n] & 0xC0 == 0x80)  # a character's second byte
    path = tmp_path / "sheet.txt"
    path.write_bytes(b"\n" * (20000 - inside) + data)  # so that byte 20,000 falls inside that character
    (found,) = landing.scan_raw_dir(tmp_path, tmp_path / "landing")
    assert (found.fiscal_year, found.problem) == (2022, None)


def test_binary_junk_is_no_sheet(tmp_path):
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (found,) = landing.scan_raw_dir(tmp_path, tmp_path / "landing")
    assert found.fiscal_year is None and "neither a PDF nor UTF-8 text" in found.problem


def year_files(tmp_path, texts: dict[str, str]):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in texts.items():
        (raw / name).write_text(text, encoding="utf-8")
    files = landing.scan_raw_dir(raw, tmp_path / "landing")
    return files, [landing.try_extract(f.path) for f in files]


def test_two_files_with_the_same_rows_land_once_and_say_so(tmp_path, fy2022_sheet):
    from text_fixtures import render_text_export

    files, sheets = year_files(tmp_path, {
        "a.txt": FY2022_TEXT.read_text(encoding="utf-8"),
        "b.txt": render_text_export(list(fy2022_sheet.rows), seed=3),  # other line breaks and page breaks
    })
    landed = landing.land_year(tmp_path / "landing", 2022, files, sheets)
    assert landed.rows == 127 and landed.used_file == "a.txt"
    assert landed.note == "b.txt holds the same rows as a.txt; used a.txt"
    plan = landing.plan_load(files, tmp_path / "landing")
    assert [(r["file"], r["status"]) for r in plan.report] == [("a.txt", "loaded"), ("b.txt", "duplicate")]
    assert not plan.failed


def test_two_different_sheets_for_one_year_fail_that_year_naming_both(tmp_path):
    import pytest

    from pipeline.extract import SheetError

    text = FY2022_TEXT.read_text(encoding="utf-8")
    files, sheets = year_files(tmp_path, {"a.txt": text, "b.txt": text.replace("A．貢献している", "B．やや貢献している", 1)})
    with pytest.raises(SheetError, match="^b.txt: gives fiscal year 2022 like a.txt, but the two sheets' rows differ"):
        landing.land_year(tmp_path / "landing", 2022, files, sheets)


def test_hidden_files_and_readmes_are_set_aside_and_other_files_refused_by_name(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sheet.txt").write_bytes(FY2022_TEXT.read_bytes())
    for name in (".DS_Store", "README.md", "readme.txt", ".~lock.sheet.txt#"):
        (raw / name).write_bytes(b"\x00\x01 not a sheet")
    (raw / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    (raw / "sheet_copy").write_bytes(FY2022_TEXT.read_bytes())  # a text export without a suffix is read by content
    plan = landing.plan_load(landing.scan_raw_dir(raw, tmp_path / "landing"), tmp_path / "landing")
    lines = {line["file"]: (line["status"], line["message"]) for line in plan.report}
    for name in (".DS_Store", "README.md", "readme.txt", ".~lock.sheet.txt#"):
        assert lines[name] == ("ignored", landing.IGNORED)
    assert lines["notes.docx"][0] == "refused" and "neither a PDF nor UTF-8 text" in lines["notes.docx"][1]
    assert [line["fiscal_year"] for line in plan.report if line["file"].startswith("sheet")] == [2022, 2022]
    ignored = [line for line in plan.report if line["status"] == "ignored"]
    loaded = {"file": "sheet.txt", "fiscal_year": 2022, "status": "loaded", "rows": 127, "message": ""}
    assert not landing.LoadPlan([2022], [loaded, *ignored]).failed  # set aside is no failure


def test_a_pdf_that_inflates_past_the_memory_limit_is_refused_as_too_large(tmp_path, monkeypatch):
    from inflating_pdf import write_inflating_pdf

    monkeypatch.setenv(FILE_MEMORY_MB_ENV, "64")
    raw = tmp_path / "raw"
    raw.mkdir()
    write_inflating_pdf(raw / "bomb.pdf", 200)
    (raw / "sheet.txt").write_bytes(FY2022_TEXT.read_bytes())
    bomb, sheet = landing.scan_raw_dir(raw, tmp_path / "landing")
    assert bomb.fiscal_year is None and bomb.problem.startswith("too large to read: needs more than 64 MB of memory")
    assert (sheet.fiscal_year, sheet.problem) == (2022, None)

    def no_peek(*args, **kwargs):
        raise AssertionError("peeked again")

    with monkeypatch.context() as patched:
        patched.setattr(landing, "run_bounded", no_peek)
        landing.scan_raw_dir(raw, tmp_path / "landing")  # the refusal is cached for these limits
    monkeypatch.setenv(FILE_MEMORY_MB_ENV, "32")
    (bomb, _) = landing.scan_raw_dir(raw, tmp_path / "landing")  # other limits: read again
    assert "more than 32 MB" in bomb.problem


def test_a_file_over_the_time_limit_is_refused_and_the_others_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv(FILE_SECONDS_ENV, "0.5")
    results = landing.extract_files([FY2022_PDF, FY2022_TEXT])
    assert str(results[FY2022_PDF]) == (f"{FY2022_PDF.name}: too large to read: not read within 0.5 s "
                                        "(the limit per file; KAWASAKI_FILE_SECONDS sets it)")
    assert len(results[FY2022_TEXT].rows) == 127
