"""Bad files in raw/: each refused with one clear line naming it, the good years still published."""

import os
import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import FY2022_PDF, FY2022_TEXT, REPO, run_pipeline
from inflating_pdf import write_inflating_pdf
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from bench.run import _PeakMemory as PeakMemory
from pipeline import exit_codes


def sheet_text(reiwa: str, edit=None) -> str:
    text = FY2022_TEXT.read_text(encoding="utf-8").replace("（令和４年度）", f"（令和{reiwa}年度）")
    return edit(text) if edit else text


def minutes_pdf(path):
    canvas = Canvas(str(path))
    canvas.drawString(72, 760, "Minutes of the meeting")
    canvas.save()


def encrypted_pdf(path):
    canvas = Canvas(str(path), encrypt=StandardEncryption("user-password", "owner-password"))
    canvas.drawString(72, 760, "locked")
    canvas.save()


def no_bureau_column(text: str) -> str:
    """A sheet whose 担当局 column is missing: the header says so and every bureau cell is gone."""
    out = text.replace("評価の理由 今後の事業の方向性 担当局", "評価の理由 今後の事業の方向性")
    for bureau in ("港湾局", "環境局", "交通局", "消防局"):
        out = out.replace(f"\n{bureau}\n", "\n")
    for head, tail in (("臨海部\n国際戦\n略本部", ""), ("経済労\n働局", ""), ("総務企\n画局", ""), ("市民文\n化局", "")):
        out = out.replace(head, tail)
    return out


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory, dagster_home):
    """One build of a raw/ with the FY2022 sheet and one file of every bad kind, with its peak memory
    (every process of the build together)."""
    root = tmp_path_factory.mktemp("bad")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(FY2022_TEXT, raw / "good.txt")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "cut.pdf").write_bytes(FY2022_PDF.read_bytes()[:40_000])
    encrypted_pdf(raw / "locked.pdf")
    (raw / "notes.pdf").write_text("these are notes, not a PDF", encoding="utf-8")
    minutes_pdf(raw / "minutes.pdf")
    (raw / "memo.txt").write_text("会議メモ\n次回の日程\n", encoding="utf-8")
    (raw / "odd_grade.txt").write_text(
        sheet_text("５", lambda t: t.replace("４．目標を下回っ\nた", "４．概ね目標を下回っ\nた", 1)), encoding="utf-8"
    )
    (raw / "no_bureau.txt").write_text(sheet_text("６", no_bureau_column), encoding="utf-8")
    (raw / "r3_a.txt").write_text(sheet_text("３"), encoding="utf-8")
    # Fine, and a year of an execution programme the plan_programmes seed does not list yet.
    (raw / "next_programme.txt").write_text(
        sheet_text("８", lambda t: t.replace("第３期実行プログラム", "第４期実行プログラム")), encoding="utf-8"
    )
    (raw / "r3_b.txt").write_text(
        sheet_text("３", lambda t: t.replace("３．ほぼ目標どお\nり", "２．目標を上回っ\nて達成", 1)), encoding="utf-8"
    )
    write_inflating_pdf(raw / "inflating.pdf", BOMB_MB)
    warehouse = root / "w.duckdb"
    build = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        cwd=REPO,
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    memory = PeakMemory(build.pid)
    stdout, stderr = build.communicate(timeout=600)
    memory.stop()
    return subprocess.CompletedProcess(build.args, build.returncode, stdout, stderr), warehouse, memory.mb


# A content stream of 600 MB in a 600 KB PDF: without the per-file limits, the title peek alone
# took more than a gigabyte of memory and minutes.
BOMB_MB = 600


def report_line(result, name: str) -> str:
    lines = [line for line in result.stderr.splitlines() if f" {name}: " in line]
    assert len(lines) == 1, result.stderr[-4000:]
    return lines[0]


def test_the_build_fails_but_publishes_the_good_years(bad_build):
    result, warehouse, _ = bad_build
    assert result.returncode == exit_codes.PUBLISHED_WITH_PROBLEMS
    with duckdb.connect(str(warehouse), read_only=True) as con:
        years = con.execute("select fiscal_year, count(*) from marts.fct_evaluation group by 1 order by 1").fetchall()
    assert years == [(2022, 127), (2023, 126), (2026, 127)]
    assert any(line.startswith("published ") for line in result.stderr.splitlines())


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "refused .* empty.txt: the file is empty"),
        ("cut.pdf", "refused .* cut.pdf: not a readable PDF"),
        ("locked.pdf", "refused .* locked.pdf: the PDF is encrypted; save it without a password"),
        ("notes.pdf", "refused .* notes.pdf: named .pdf but not a PDF"),
        ("minutes.pdf", "refused .* minutes.pdf: no sheet title"),
        ("memo.txt", "refused .* memo.txt: no sheet title"),
        ("inflating.pdf", "refused .* inflating.pdf: too large to read: needs more than 384 MB of memory"),
        ("no_bureau.txt", r"refused +FY2024 +no_bureau.txt: no_bureau.txt, row at line \d+: no 担当局"),
        (
            "r3_a.txt",
            "refused +FY2021 +r3_a.txt: r3_b.txt: gives fiscal year 2021 like r3_a.txt, but the two sheets' rows differ",
        ),
        ("good.txt", "loaded +FY2022 +good.txt: 127 rows"),
        ("odd_grade.txt", "loaded +FY2023 +odd_grade.txt: 126 rows"),
    ],
)
def test_each_file_gets_one_clear_line(bad_build, name, message):
    import re

    assert re.search(message, report_line(bad_build[0], name)), report_line(bad_build[0], name)


def test_a_pdf_that_inflates_to_hundreds_of_megabytes_is_refused_within_bounded_memory(bad_build):
    result, _, peak_mb = bad_build
    assert peak_mb < 1024, f"the build took {peak_mb:.0f} MB"
    assert "dbt" not in result.stderr.splitlines()[-1]  # dbt was fine: no pointer at its log


def test_an_unknown_grade_quarantines_its_row(bad_build):
    result, warehouse, _ = bad_build
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select fiscal_year, source_file, row, reason from raw.quarantine").fetchall()
    assert rows == [(2023, "odd_grade.txt", "No. 4 (1)", rows[0][3])]
    assert "unknown 達成度 grade 「4.概ね目標を下回った」" in rows[0][3]
    assert "1 rows quarantined" in result.stderr


def test_the_load_report_is_in_the_warehouse(bad_build):
    _, warehouse, _ = bad_build
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = dict(con.execute("select file, status from raw.load_report").fetchall())
    assert statuses["good.txt"] == "loaded" and statuses["locked.pdf"] == "refused" and len(statuses) == 13


def test_a_year_of_a_programme_the_seed_lacks_takes_it_from_the_title(bad_build):
    _, warehouse, _ = bad_build
    with duckdb.connect(str(warehouse), read_only=True) as con:
        year = con.execute(
            "select programme_no, programme_name_ja, programme_year_no from marts.dim_fiscal_year where fiscal_year = 2026"
        ).fetchone()
        areas = con.execute("select count(distinct policy_area_id) from marts.fct_evaluation where fiscal_year = 2026").fetchone()
    assert year == (4, "第4期実行プログラム", 1)
    assert areas == (22,)


def test_a_build_with_nothing_changed_tells_the_same_and_exits_as_the_build_did(bad_build, dagster_home):
    result, warehouse, _ = bad_build
    raw = warehouse.parent / "raw"
    again = run_pipeline(
        "build", "--raw-dir", str(raw), "--warehouse", str(warehouse), env={"DAGSTER_HOME": str(dagster_home)}, check=False
    )
    assert again.returncode == exit_codes.PUBLISHED_WITH_PROBLEMS
    assert again.stderr.splitlines()[-1].startswith(f"warehouse up to date: {warehouse} (FY2022, FY2023, FY2026)")
    assert again.stderr.splitlines()[:-1] == result.stderr.splitlines()[-len(again.stderr.splitlines()) : -1]


def test_a_raw_dir_with_no_readable_sheet_publishes_nothing(tmp_path, dagster_home):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "memo.txt").write_text("会議メモ\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    result = run_pipeline(
        "build", "--raw-dir", str(raw), "--warehouse", str(warehouse), env={"DAGSTER_HOME": str(dagster_home)}, check=False
    )
    assert result.returncode == exit_codes.NOT_PUBLISHED
    assert "memo.txt: no sheet title" in result.stderr
    assert "not published" in result.stderr and not warehouse.exists()
    assert "dbt" not in result.stderr  # dbt did not run


def test_a_failing_dbt_publishes_nothing_and_points_at_its_log(tmp_path, dagster_home):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FY2022_TEXT, raw / "good.txt")
    warehouse = tmp_path / "w.duckdb"
    # dbt reads its flags from the environment too: one it refuses makes it fail at once.
    result = run_pipeline(
        "build",
        "--raw-dir",
        str(raw),
        "--warehouse",
        str(warehouse),
        "--quiet",
        check=False,
        env={"DAGSTER_HOME": str(dagster_home), "DBT_INDIRECT_SELECTION": "no-such-mode"},
    )
    assert result.returncode == exit_codes.NOT_PUBLISHED and not warehouse.exists()
    log = tmp_path / ".build" / "w.log"
    assert result.stderr.splitlines()[-1] == f"(dbt failed; its output: {log})"
    assert "no-such-mode" in log.read_text()
