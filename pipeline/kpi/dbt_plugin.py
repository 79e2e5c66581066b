"""dbt-duckdb plugin (profiles.yml ``plugins:``): the KPI grammar's functions on dbt's connection, so
the KPI models and their dbt unit tests call the same Python as the test suite does."""

from dbt.adapters.duckdb.plugins import BasePlugin

from pipeline.kpi.duckdb_functions import register


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        register(conn)
