"""Extracting fiscal years from raw/ into the landing: only what changed is read, a year that cannot
be read keeps its earlier rows, and the load plan says what became of every file."""

import pytest
from conftest import FY2022_PDF, FY2022_TEXT

from pipeline import extraction
from pipeline.limits import FILE_SECONDS_ENV


def sheet(reiwa: str = "４", edit=lambda text: text) -> str:
    return edit(FY2022_TEXT.read_text(encoding="utf-8").replace("（令和４年度）", f"（令和{reiwa}年度）"))


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(sheet(), encoding="utf-8")
    (raw / "b.txt").write_text(sheet("５"), encoding="utf-8")
    return raw


@pytest.fixture
def files_read(monkeypatch):
    """The files each extract_files call was given."""
    calls = []
    real = extraction.extract_files
    monkeypatch.setattr(extraction, "extract_files", lambda paths: calls.append(sorted(p.name for p in paths)) or real(paths))
    return calls


def test_every_year_is_landed_and_unchanged_files_are_not_read_again(raw, tmp_path, files_read):
    landing = tmp_path / "landing"
    first = extraction.extract_years(raw, landing)
    assert [(y.fiscal_year, y.read, y.landed.rows) for y in first.years] == [(2022, True, 127), (2023, True, 127)]
    assert first.plan.years == [2022, 2023] and not first.plan.failed
    assert first.years[1].describe() == "FY2023: 127 rows from b.txt"

    again = extraction.extract_years(raw, landing)
    assert [y.read for y in again.years] == [False, False]
    assert again.years[0].describe() == "FY2022: 127 rows from a.txt (unchanged, not read again)"

    (raw / "b.txt").write_text(
        sheet("５", lambda t: t.replace("３．ほぼ目標どお\nり", "２．目標を上回っ\nて達成", 1)), encoding="utf-8"
    )
    extraction.extract_years(raw, landing)
    assert files_read == [["a.txt", "b.txt"], [], ["b.txt"]]


def test_a_year_whose_new_file_cannot_be_read_keeps_its_earlier_rows(raw, tmp_path):
    landing = tmp_path / "landing"
    extraction.extract_years(raw, landing)
    (raw / "b.txt").write_text(sheet("５", lambda t: t[: t.index("１")]), encoding="utf-8")  # the title, no rows
    broken = extraction.extract_years(raw, landing)
    (failure,) = broken.failures
    assert failure.fiscal_year == 2023 and failure.error.startswith("b.txt: ")
    assert broken.plan.years == [2022, 2023]  # FY2023 keeps what was read before
    (line,) = [line for line in broken.plan.report if line["file"] == "b.txt"]
    assert line["status"] == "refused" and line["message"].endswith("; FY2023 keeps the 127 rows read earlier from b.txt")
    assert broken.plan.failed


def test_only_the_years_asked_for_are_extracted(raw, tmp_path):
    landing = tmp_path / "landing"
    only = extraction.extract_years(raw, landing, [2023])
    assert [y.fiscal_year for y in only.years] == [2023]
    lines = {line["file"]: (line["status"], line["message"]) for line in only.plan.report}
    assert lines == {"a.txt": ("refused", "not extracted yet"), "b.txt": ("loaded", "")}
    with pytest.raises(extraction.MissingYears, match=f"^no file in {raw} gives fiscal year 2030$"):
        extraction.extract_years(raw, landing, [2022, 2030])


def test_a_file_over_the_time_limit_is_refused_and_the_others_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv(FILE_SECONDS_ENV, "0.5")
    results = extraction.extract_files([FY2022_PDF, FY2022_TEXT])
    assert str(results[FY2022_PDF]) == (
        f"{FY2022_PDF.name}: too large to read: not read within 0.5 s (the limit per file; KAWASAKI_FILE_SECONDS sets it)"
    )
    assert len(results[FY2022_TEXT].rows) == 127
