"""The published warehouse under real processes: readers during a build, builds killed midway,
DuckDB 1.x clients, and builds that give the same result twice."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from conftest import FY2022_TEXT, REPO, run_pipeline

from pipeline import exit_codes
from pipeline.warehouse import publish, start_build

RAW_SHEET = next((REPO / "raw").glob("*.txt"))

DUCKDB1_PYTHON = REPO / ".tools" / "duckdb1" / "bin" / "python"

READER = """
import duckdb, json, pathlib, sys, time
con = duckdb.connect(sys.argv[1], read_only=True)
stop = pathlib.Path(sys.argv[2])
counts, errors, reads = set(), [], 0
print("ready", flush=True)
while not stop.exists():
    try:
        counts.add(con.execute("select count(*) from marts.fct_evaluation").fetchone()[0])
        reads += 1
    except Exception as error:
        errors.append(repr(error))
    time.sleep(0.05)
print(json.dumps({"counts": sorted(counts), "errors": errors, "reads": reads}))
"""


def fy2023_copy(raw: Path) -> None:
    """A second year: the FY2022 sheet under a 令和５年度 title."""
    text = FY2022_TEXT.read_text(encoding="utf-8").replace("（令和４年度）", "（令和５年度）")
    (raw / "next_year.txt").write_text(text, encoding="utf-8")


def snapshot(path: Path) -> dict:
    """Every table of the marts schema, ordered, for comparing two warehouses."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [
            t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
        ]
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, dagster_home):
    """A raw/ with the FY2022 sheet under the name raw/ has (so warehouses compare equal), and a README
    and a hidden file as people keep them there, built once."""
    root = tmp_path_factory.mktemp("first_build")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(FY2022_TEXT, raw / RAW_SHEET.name)
    (raw / "README.md").write_text("# Sheets\nThe city's sheets, one a year.\n", encoding="utf-8")
    (raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    warehouse = root / "out" / "w.duckdb"
    result = run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(warehouse), env={"DAGSTER_HOME": str(dagster_home)})
    return raw, warehouse, result


def test_a_readme_and_hidden_files_in_raw_are_set_aside_and_the_build_exits_0(first_build, dagster_home):
    from dagster import AssetCheckKey, AssetKey, DagsterInstance

    result = first_build[2]
    assert result.returncode == exit_codes.PUBLISHED and result.stderr.count("Traceback") == 0
    assert "  ignored   —       README.md: not read: hidden files and README files" in result.stdout
    assert "  ignored   —       .DS_Store: not read" in result.stdout
    with DagsterInstance.from_config(str(dagster_home)) as instance:  # first_build is its latest build
        record = instance.get_latest_asset_check_evaluation_record(
            AssetCheckKey(AssetKey(["raw", "sheet_rows"]), "every_sheet_file_loaded")
        )
    assert record.event.asset_check_evaluation.passed
    assert "dbt" not in result.stdout.splitlines()[-1]


@pytest.fixture
def one_year(first_build, tmp_path, dagster_home):
    """A copy of the first build's raw/ and published warehouse, for a test to build on."""
    raw, warehouse = tmp_path / "raw", tmp_path / "out" / "w.duckdb"
    shutil.copytree(first_build[0], raw)
    warehouse.parent.mkdir()
    shutil.copy(first_build[1], warehouse)
    return raw, warehouse, {"DAGSTER_HOME": str(dagster_home)}


def test_a_reader_keeps_the_old_data_during_a_build_and_new_readers_get_the_new(one_year, tmp_path):
    raw, warehouse, env = one_year
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        fy2023_copy(raw)
        run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(warehouse), env=env)
    finally:
        stop.touch()
    seen = json.loads(reader.communicate(timeout=30)[0])
    assert seen["errors"] == [] and seen["reads"] > 10
    assert seen["counts"] == [127]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_evaluation").fetchone()[0] == 254


def test_builds_killed_midway_leave_the_published_warehouse_intact(one_year):
    raw, warehouse, env = one_year
    before = snapshot(warehouse)
    fy2023_copy(raw)
    build_dir = warehouse.parent / ".build"
    dbt_log = build_dir / "w.dbt" / "dbt.log"
    moments = {  # while extracting, once the build file is being written, inside dbt's nodes
        "extracting": lambda: True,
        "landing": lambda: (build_dir / "w").is_dir() and any((build_dir / "w").iterdir()),
        "in dbt": lambda: dbt_log.exists() and " START " in dbt_log.read_text(errors="replace").rsplit("Running with dbt", 1)[-1],
    }
    for moment, reached in moments.items():
        dbt_log.unlink(missing_ok=True)
        build = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
            cwd=REPO,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(1.5)
        while not reached():
            assert build.poll() is None, f"the build ended before it was {moment}"
            time.sleep(0.02)
        os.killpg(build.pid, signal.SIGKILL)  # the build and its workers
        build.wait()
        assert snapshot(warehouse) == before, f"killed {moment}"
    run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(warehouse), env=env)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(distinct fiscal_year) from marts.fct_evaluation").fetchone()[0] == 2


def test_duckdb_1x_clients_open_the_published_file(built_warehouse):
    assert DUCKDB1_PYTHON.exists(), "run `make test` (it creates .tools/duckdb1, a DuckDB 1.x environment)"
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(duckdb.__version__, con.execute('select count(*) from marts.fct_evaluation').fetchone()[0])"
    )
    out = subprocess.run([str(DUCKDB1_PYTHON), "-c", script, str(built_warehouse)], capture_output=True, text=True, check=True)
    version, rows = out.stdout.split()
    assert version.startswith("1.") and rows == "127"


def test_builds_of_one_warehouse_run_one_after_the_other_and_other_warehouses_beside_them(
    first_build, built_warehouse, dagster_home, tmp_path
):
    raw, warehouse, _ = first_build  # built with a fresh landing of its own: the same as built_warehouse
    assert snapshot(warehouse) == snapshot(built_warehouse)
    other = tmp_path / "other" / "w.duckdb"  # the same names in another folder: nothing may be shared
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home)}

    def build(target: Path, *flags: str) -> subprocess.Popen:  # --force: the warehouse is built from this raw/ already
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline",
                "build",
                "--raw-dir",
                str(raw),
                "--warehouse",
                str(target),
                "--quiet",
                "--force",
                *flags,
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    lock = warehouse.parent / ".build" / "w.lock"
    first = build(warehouse)
    deadline = time.monotonic() + 120
    while not lock.exists() or str(first.pid) not in lock.read_text():
        assert time.monotonic() < deadline and first.poll() is None, first.communicate()
        time.sleep(0.1)
    second, beside = build(warehouse), build(other)
    refused = run_pipeline("build", "--raw-dir", str(raw), "--warehouse", str(warehouse), "--no-wait", env=env, check=False)
    assert refused.returncode == exit_codes.BUSY
    assert refused.stderr.startswith(f"error: another build of {warehouse} is running (pid {first.pid}, started ")
    outputs = {
        name: (*process.communicate(timeout=600), process.returncode)
        for name, process in (("first", first), ("second", second), ("beside", beside))
    }
    for name, (stdout, stderr, code) in outputs.items():
        assert code == exit_codes.PUBLISHED and "Traceback" not in stdout + stderr, (name, stderr[-3000:])
        assert stdout.splitlines()[-1].startswith(f"published {warehouse if name != 'beside' else other} "), name
    assert outputs["second"][1].startswith(f"waiting: another build of {warehouse} is running (pid {first.pid}, ")
    assert "waiting" not in outputs["beside"][1]
    assert snapshot(warehouse) == snapshot(other) == snapshot(built_warehouse)
    # A warehouse's dbt target folder is its own, and none of its builds parses the project again: dbt
    # runs from the project parsed once for every warehouse (pipeline/dbt_build.py).
    dbt_logs = "".join(log.read_text() for log in (warehouse.parent / ".build" / "w.dbt").glob("dbt.log*"))  # rotated
    assert dbt_logs.count("Running with dbt=") >= 3 and "partial parsing" not in dbt_logs.lower()
    assert "Running with dbt=" in (other.parent / ".build" / "w.dbt" / "dbt.log").read_text()


def test_the_publish_reaches_the_disk_before_and_after_the_move(tmp_path, monkeypatch):
    build_file, published = tmp_path / ".build" / "w.duckdb", tmp_path / "w.duckdb"
    start_build(build_file)
    steps = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: steps.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))) or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: steps.append(("replace", str(b))) or real_replace(a, b))
    publish(build_file, published)
    assert steps == [
        ("fsync", str(build_file)),
        ("replace", str(published)),
        ("fsync", str(tmp_path)),
        ("fsync", str(build_file.parent)),
    ]
