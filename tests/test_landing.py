"""Finding each file's fiscal year in raw/."""

from pipeline import landing
from conftest import FY2022_TEXT


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
