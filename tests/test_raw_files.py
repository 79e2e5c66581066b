"""Finding each file's fiscal year in raw/, and the files that are set aside or refused."""

from conftest import FY2022_TEXT

from pipeline import raw_files
from pipeline.limits import FILE_MEMORY_MB_ENV
from pipeline.load_plan import LoadPlan, current_plan


def test_a_title_read_from_a_head_cut_through_a_character(tmp_path):
    data = FY2022_TEXT.read_bytes()
    inside = next(n for n in range(20000, 19990, -1) if data[n] & 0xC0 == 0x80)  # a character's second byte
    path = tmp_path / "sheet.txt"
    path.write_bytes(b"\n" * (20000 - inside) + data)  # so that byte 20,000 falls inside that character
    (found,) = raw_files.scan_raw_dir(tmp_path, tmp_path / "landing")
    assert (found.fiscal_year, found.problem) == (2022, None)


def test_binary_junk_is_no_sheet(tmp_path):
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (found,) = raw_files.scan_raw_dir(tmp_path, tmp_path / "landing")
    assert found.fiscal_year is None and "neither a PDF nor UTF-8 text" in found.problem


def test_hidden_files_and_readmes_are_set_aside_and_other_files_refused_by_name(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "sheet.txt").write_bytes(FY2022_TEXT.read_bytes())
    for name in (".DS_Store", "README.md", "readme.txt", ".~lock.sheet.txt#"):
        (raw / name).write_bytes(b"\x00\x01 not a sheet")
    (raw / "notes.docx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    (raw / "sheet_copy").write_bytes(FY2022_TEXT.read_bytes())  # a text export without a suffix is read by content
    plan = current_plan(raw, tmp_path / "landing")
    lines = {line["file"]: (line["status"], line["message"]) for line in plan.report}
    for name in (".DS_Store", "README.md", "readme.txt", ".~lock.sheet.txt#"):
        assert lines[name] == ("ignored", raw_files.IGNORED)
    assert lines["notes.docx"][0] == "refused" and "neither a PDF nor UTF-8 text" in lines["notes.docx"][1]
    assert [line["fiscal_year"] for line in plan.report if line["file"].startswith("sheet")] == [2022, 2022]
    ignored = [line for line in plan.report if line["status"] == "ignored"]
    loaded = {"file": "sheet.txt", "fiscal_year": 2022, "status": "loaded", "rows": 127, "message": ""}
    assert not LoadPlan([2022], [loaded, *ignored]).failed  # set aside is no failure


def test_a_pdf_that_inflates_past_the_memory_limit_is_refused_as_too_large(tmp_path, monkeypatch):
    from inflating_pdf import write_inflating_pdf

    monkeypatch.setenv(FILE_MEMORY_MB_ENV, "64")
    raw = tmp_path / "raw"
    raw.mkdir()
    write_inflating_pdf(raw / "bomb.pdf", 200)
    (raw / "sheet.txt").write_bytes(FY2022_TEXT.read_bytes())
    bomb, sheet = raw_files.scan_raw_dir(raw, tmp_path / "landing")
    assert bomb.fiscal_year is None and bomb.problem.startswith("too large to read: needs more than 64 MB of memory")
    assert (sheet.fiscal_year, sheet.problem) == (2022, None)

    def no_peek(*args, **kwargs):
        raise AssertionError("peeked again")

    with monkeypatch.context() as patched:
        patched.setattr(raw_files, "run_bounded", no_peek)
        raw_files.scan_raw_dir(raw, tmp_path / "landing")  # the refusal is cached for these limits
    monkeypatch.setenv(FILE_MEMORY_MB_ENV, "32")
    (bomb, _) = raw_files.scan_raw_dir(raw, tmp_path / "landing")  # other limits: read again
    assert "more than 32 MB" in bomb.problem
