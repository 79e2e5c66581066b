"""The KPI grammar of the sheet, in one place: plan → targets (``targets``), results → figures
(``statements``), which figure is each target's actual (``matcher``), over shared text rules (``text``).

Plain Python. The dbt models call it as DuckDB functions (``duckdb_functions``, registered on dbt's
connection by the dbt-duckdb plugin ``dbt_plugin``); the readers ask ``targets.starts_labelled_value``
whether a plan line is a target line that a soft wrap must not join to the line above, and take
their list marks from ``text``.
"""
