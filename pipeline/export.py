"""Export every table of the warehouse's ``marts`` schema as Parquet or CSV, with a README of grain and columns.

DuckDB writes the files itself (``COPY … TO …``), from one read-only connection, so the export is one
snapshot of the warehouse even if a build replaces the file meanwhile. CSV files are UTF-8 with a
byte-order mark: without it Excel reads them in the system's code page (Shift_JIS on a Japanese
Windows) and the Japanese comes out garbled. Column descriptions come from the DuckDB column comments
when dbt persisted them, else from dbt's manifest (the descriptions in ``dbt_project/models/**/*.yml``).
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline import settings

SCHEMA = "marts"
README = "README.md"
MANIFEST = settings.DBT_PROJECT_DIR / "target" / "manifest.json"


@dataclass(frozen=True)
class Format:
    name: str  # also the file extension and the build's folder beside the warehouse
    label: str
    copy_options: str  # DuckDB's COPY … TO options
    byte_order_mark: bool

    @property
    def readme_title(self) -> str:
        """The README's first line; it also marks a folder as ours, so stale files in it may go."""
        return f"# Warehouse marts as {self.label}"


FORMATS = {
    "parquet": Format("parquet", "Parquet", "format parquet, compression zstd", byte_order_mark=False),
    "csv": Format("csv", "CSV", "format csv, header true", byte_order_mark=True),
}


class ExportError(Exception):
    """The export cannot be written: no warehouse, no marts, or an unknown format."""


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    data_type: str
    description: str


@dataclass(frozen=True)
class TableDoc:
    name: str
    description: str
    rows: int
    columns: tuple[ColumnDoc, ...]

    @property
    def grain(self) -> str:
        """The description's first sentence: 「One row per …」 in this project's dbt docs."""
        first = self.description.split(". ")[0].strip().rstrip(".")
        return first + "." if first else ""


@dataclass(frozen=True)
class ExportedTable:
    name: str
    path: Path
    rows: int
    size_bytes: int


@dataclass(frozen=True)
class Export:
    format: str
    out_dir: Path
    tables: tuple[ExportedTable, ...]
    readme: Path
    descriptions_from: str
    removed: tuple[str, ...]  # stale files of an earlier export that were deleted


def default_export_dir(warehouse: Path | None = None, fmt: str = "parquet") -> Path:
    """``parquet/`` or ``csv/`` beside the warehouse file: ``warehouse/parquet/`` for the default warehouse."""
    return (warehouse or settings.warehouse_path()).parent / FORMATS[fmt].name


def export_marts(warehouse: Path, out_dir: Path, fmt: str = "parquet", manifest: Path = MANIFEST) -> Export:
    """Write ``<table>.parquet`` (or ``.csv``) for every table of schema ``marts`` and ``README.md`` into ``out_dir``."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not supported (supported: {', '.join(FORMATS)})")
    form = FORMATS[fmt]
    if not warehouse.is_file():
        raise ExportError(f"{warehouse}: no warehouse file (run `python -m pipeline build` first)")
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = ? order by table_name", [SCHEMA]
            ).fetchall()
        ]
        if not names:
            raise ExportError(f"{warehouse}: schema {SCHEMA!r} has no tables")
        docs, source = read_table_docs(con, names, manifest)
        tables = tuple(_copy_table(con, name, out_dir, form) for name in names)
        years = (
            [year for (year,) in con.execute(f"select distinct fiscal_year from {SCHEMA}.fct_evaluation order by 1").fetchall()]
            if "fct_evaluation" in names
            else []
        )
    removed = _remove_stale_files(out_dir, form, {t.path.name for t in tables})
    readme = out_dir / README
    _replace_text(readme, render_readme(docs, source, warehouse.name, years, form))
    return Export(format=fmt, out_dir=out_dir, tables=tables, readme=readme, descriptions_from=source, removed=removed)


def _copy_table(con: duckdb.DuckDBPyConnection, name: str, out_dir: Path, form: Format) -> ExportedTable:
    target = out_dir / f"{name}.{form.name}"
    partial = out_dir / f".{name}.{form.name}.{os.getpid()}.tmp"
    relation = f'{SCHEMA}."{name.replace(chr(34), chr(34) * 2)}"'
    written = partial.with_suffix(".copy") if form.byte_order_mark else partial
    path = str(written).replace("'", "''")
    # Ordered by the key (every mart's first column), so the same warehouse gives the same files.
    con.execute(f"copy (select * from {relation} order by 1) to '{path}' ({form.copy_options})")
    if form.byte_order_mark:
        with open(partial, "wb") as out, open(written, "rb") as copied:
            out.write(codecs.BOM_UTF8)
            shutil.copyfileobj(copied, out)
        written.unlink()
    os.replace(partial, target)
    rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
    return ExportedTable(name=name, path=target, rows=rows, size_bytes=target.stat().st_size)


def read_table_docs(con: duckdb.DuckDBPyConnection, names: list[str], manifest: Path = MANIFEST) -> tuple[list[TableDoc], str]:
    """Each table's description, row count and columns, and where the descriptions came from."""
    columns = con.execute(
        "select table_name, column_name, data_type, comment from duckdb_columns() "
        "where schema_name = ? order by table_name, column_index",
        [SCHEMA],
    ).fetchall()
    table_comments = dict(
        con.execute("select table_name, comment from duckdb_tables() where schema_name = ?", [SCHEMA]).fetchall()
    )
    if any(comment for *_, comment in columns) or any(table_comments.values()):
        source = "DuckDB comments (persisted by dbt's persist_docs)"
        describe_table = lambda name: table_comments.get(name) or ""  # noqa: E731
        describe_column = {(t, c): comment or "" for t, c, _, comment in columns}
    else:
        models = _manifest_models(manifest)
        source = (
            f"dbt's docs (`{_display_path(manifest)}`, the YAML beside each model)"
            if models
            else "none found: neither DuckDB comments nor a dbt manifest; names and types only"
        )
        describe_table = lambda name: models.get(name, {}).get("description", "")  # noqa: E731
        describe_column = {
            (t, c): models.get(t, {}).get("columns", {}).get(c, {}).get("description", "") for t, c, _, _ in columns
        }
    docs = []
    for name in names:
        rows = con.execute(f'select count(*) from {SCHEMA}."{name}"').fetchone()[0]
        cols = tuple(
            ColumnDoc(c, data_type, " ".join(describe_column[(t, c)].split())) for t, c, data_type, _ in columns if t == name
        )
        docs.append(TableDoc(name=name, description=" ".join(describe_table(name).split()), rows=rows, columns=cols))
    return docs, source


def _manifest_models(manifest: Path) -> dict[str, dict]:
    """dbt models of schema ``marts`` by table name, from ``manifest.json`` (empty without one)."""
    if not manifest.is_file():
        return {}
    nodes = json.loads(manifest.read_text(encoding="utf-8")).get("nodes", {})
    return {
        node.get("alias") or node["name"]: node
        for node in nodes.values()
        if node.get("resource_type") == "model" and node.get("schema") == SCHEMA
    }


# How to read each format, for the README.
USAGE = {
    "parquet": [
        "Each file is zstd-compressed Parquet, with the warehouse's column types.",
        "",
        "```python",
        "import duckdb",
        "duckdb.sql(\"select * from 'fct_evaluation.parquet' limit 5\").show()",
        "import polars as pl",
        "pl.read_parquet('mart_attainment_trend.parquet')",
        "```",
    ],
    "csv": [
        "Each file is UTF-8 with a byte-order mark (BOM), comma-separated, with a header row: Excel opens it "
        "with the Japanese intact (double-click, or Data → From Text/CSV, file origin 65001: Unicode (UTF-8)). "
        "Texts with line breaks or commas are quoted; empty fields are nulls; lists are written as "
        "`[a, b]`. Excel turns code-like texts such as the policy code `4-4-1` into dates when a file is double-clicked: "
        "import through Data → From Text/CSV and set such columns to Text to keep them as printed.",
        "",
        "```python",
        "import polars as pl",
        "pl.read_csv('fct_evaluation.csv')  # the BOM is skipped",
        "import pandas as pd",
        "pd.read_csv('fct_evaluation.csv', encoding='utf-8-sig')",
        "```",
    ],
}


def render_readme(
    docs: list[TableDoc], source: str, warehouse_name: str, fiscal_years: list[int], form: Format = FORMATS["parquet"]
) -> str:
    years = ", ".join(f"FY{year}" for year in fiscal_years) or "—"
    ext = form.name
    others = " and ".join(
        f"{f.label} (`--format {f.name}`, `{f.name}/` beside the warehouse)" for f in FORMATS.values() if f is not form
    )
    lines = [
        form.readme_title,
        "",
        f"Every table of schema `{SCHEMA}` of `{warehouse_name}` as one {form.label} file, ordered by its key "
        f"(first column). Fiscal years: {years}. Written by `python -m pipeline export --format {ext} DIR`; "
        "the grain and keys are explained in the project's `docs/warehouse.md`.",
        "",
        f"Formats: {form.label} here; the same tables as {others}. Every build (`make run`) writes both.",
        "",
        f"Descriptions: {source}.",
        "",
        *USAGE[form.name],
        "",
        "| file | rows | grain |",
        "|---|---:|---|",
    ]
    lines += [f"| [`{d.name}.{ext}`](#{d.name}) | {d.rows} | {_cell(d.grain)} |" for d in docs]
    for d in docs:
        lines += [
            "",
            f"## {d.name}",
            "",
            d.description or "(no description)",
            "",
            f"File `{d.name}.{ext}`, {d.rows} rows.",
            "",
            "| column | type | description |",
            "|---|---|---|",
        ]
        lines += [f"| `{c.name}` | {c.data_type} | {_cell(c.description)} |" for c in d.columns]
    return "\n".join(lines) + "\n"


def _remove_stale_files(out_dir: Path, form: Format, current: set[str]) -> tuple[str, ...]:
    """Files an earlier export of this format wrote for tables that are gone; only in a folder of ours."""
    readme = out_dir / README
    if not readme.is_file() or not readme.read_text(encoding="utf-8").startswith(form.readme_title + "\n"):
        return ()
    stale = sorted(p for p in out_dir.glob(f"*.{form.name}") if p.name not in current)
    for path in stale:
        path.unlink()
    return tuple(p.name for p in stale)


def _replace_text(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(settings.REPO_ROOT))
    except ValueError:
        return str(path)
