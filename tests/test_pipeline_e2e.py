"""``python -m pipeline build`` from raw/ into a temporary warehouse, then the marts queried."""

import duckdb


def query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_fct_evaluation_holds_the_fy2022_sheet(built_warehouse):
    assert query(built_warehouse, "select count(*) from marts.fct_evaluation where fiscal_year = 2022") == [(127,)]
    assert query(built_warehouse, "select count(distinct initiative_no) from marts.fct_evaluation") == [(106,)]


def test_the_fy2022_grade_counts_are_the_documents(built_warehouse):
    # Counted from the FY2022 sheet itself; one document's counts, so they live here, not in the build's dbt tests.
    achievement = dict(
        query(built_warehouse, "select achievement_code, count(*) from marts.fct_evaluation where fiscal_year = 2022 group by 1")
    )
    contribution = dict(
        query(built_warehouse, "select contribution_code, count(*) from marts.fct_evaluation where fiscal_year = 2022 group by 1")
    )
    assert achievement == {3: 106, 4: 15, 2: 6}
    assert contribution == {"A": 64, "B": 61, "C": 2}


def test_dimensions_join(built_warehouse):
    assert query(built_warehouse, "select count(*) from marts.dim_bureau") == [(21,)]
    orphans = query(
        built_warehouse,
        "select count(*) from marts.fct_evaluation f left join marts.dim_initiative i using (initiative_year_id) "
        "where i.initiative_year_id is null",
    )
    assert orphans == [(0,)]


def test_build_leaves_only_the_published_file(built_warehouse):
    from pipeline import settings

    assert not settings.build_path_of(built_warehouse).exists()
    assert query(built_warehouse, "select count(*) from raw.sheet_rows") == [(127,)]


def test_every_asset_materialisation_carries_metadata(built_warehouse, built_home, monkeypatch):
    from dagster import AssetKey, DagsterInstance

    monkeypatch.setenv("DAGSTER_HOME", str(built_home))
    with DagsterInstance.get() as instance:

        def metadata(*path):
            event = instance.get_latest_materialization_event(AssetKey(list(path)))
            return event.asset_materialization.metadata

        fct = metadata("marts", "fct_evaluation")
        assert fct["dagster/row_count"].value == 127 and "initiative_no" in fct["preview"].value
        assert metadata("raw", "sheet_rows")["dagster/row_count"].value == 127
        sources = metadata("extracted_sheet_rows")["source_files"].value
        assert sources["2022"][0]["sha256"] and sources["2022"][0]["name"].endswith(".txt")
        assert metadata("published_warehouse")["path"].value == str(built_warehouse)
