"""The raw/ sensor and the nightly schedule, evaluated against a throwaway instance."""

import json
import shutil

import pytest
from conftest import FY2022_TEXT, REPO
from dagster import SkipReason, build_schedule_context, build_sensor_context, instance_for_test

from pipeline import settings
from pipeline.assets.automation import nightly_build, raw_sheet_files_sensor
from pipeline.assets.partitions import fiscal_year_partitions
from pipeline.files import file_sha256


@pytest.fixture
def raw(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(FY2022_TEXT, raw / "a.txt")
    monkeypatch.setenv(settings.RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(tmp_path / "w" / "w.duckdb"))
    return raw


def add_year(raw, name, reiwa):
    text = FY2022_TEXT.read_text(encoding="utf-8").replace("（令和４年度）", f"（令和{reiwa}年度）")
    (raw / name).write_text(text, encoding="utf-8")


def tick(instance, cursor=None):
    context = build_sensor_context(instance=instance, cursor=cursor)
    result = raw_sheet_files_sensor(context)
    return result, context


def test_the_sensor_requests_new_and_changed_years_only(raw):
    with instance_for_test() as instance:
        first, _ = tick(instance)
        assert [r.partition_key for r in first.run_requests] == ["2022"]
        assert first.dynamic_partitions_requests[0].partition_keys == ["2022"]
        instance.add_dynamic_partitions(fiscal_year_partitions.name, ["2022"])

        again, _ = tick(instance, first.cursor)
        assert isinstance(again, SkipReason)

        (raw / "a.txt").touch()  # a new timestamp, the same content
        assert isinstance(tick(instance, first.cursor)[0], SkipReason)

        add_year(raw, "b.txt", "５")
        second, _ = tick(instance, first.cursor)
        assert [r.partition_key for r in second.run_requests] == ["2023"]

        text = (raw / "a.txt").read_text(encoding="utf-8").replace("３．ほぼ目標どお\nり", "２．目標を上回っ\nて達成", 1)
        (raw / "a.txt").write_text(text, encoding="utf-8")
        third, _ = tick(instance, second.cursor)
        assert [r.partition_key for r in third.run_requests] == ["2022"]


def test_the_sensor_drops_the_partition_of_a_removed_year(raw):
    add_year(raw, "b.txt", "５")
    with instance_for_test() as instance:
        first, _ = tick(instance)
        instance.add_dynamic_partitions(fiscal_year_partitions.name, ["2022", "2023"])
        (raw / "b.txt").unlink()
        second, _ = tick(instance, first.cursor)
        assert second.run_requests == []
        assert second.dynamic_partitions_requests[1].partition_keys == ["2023"]


def test_the_nightly_schedule_extracts_every_year_in_one_run(raw):
    add_year(raw, "b.txt", "６")
    with instance_for_test() as instance:
        instance.add_dynamic_partitions(fiscal_year_partitions.name, ["2022", "2024"])
        request = nightly_build(build_schedule_context(instance=instance))
        assert request.tags["dagster/asset_partition_range_start"] == "2022"
        assert request.tags["dagster/asset_partition_range_end"] == "2024"


def test_a_first_tick_after_a_build_requests_nothing_and_then_only_a_new_year(built_warehouse, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)  # the files built_warehouse was built from, under their names
    monkeypatch.setenv(settings.RAW_DIR_ENV, str(raw))
    monkeypatch.setenv(settings.WAREHOUSE_ENV, str(built_warehouse))
    with instance_for_test() as instance:
        first, _ = tick(instance)
        assert first.run_requests == []
        assert json.loads(first.cursor) == {"2022": [file_sha256(next(raw.iterdir()))]}
        assert first.dynamic_partitions_requests[0].partition_keys == ["2022"]  # a new instance learns the year

        add_year(raw, "b.txt", "５")
        second, _ = tick(instance)  # no cursor again: the new year only
        assert [r.partition_key for r in second.run_requests] == ["2023"]
