"""Command line: ``python -m pipeline extract|build|report|export|docs …``.

Each command imports what it needs when it runs, so ``extract`` does not pay for Dagster's import.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from pipeline import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="print a sheet's rows as JSON lines")
    extract.add_argument("path", type=Path, help="a sheet's PDF or text export")
    extract.add_argument("--quiet", action="store_true", help="no progress on the terminal")

    build = commands.add_parser("build", help="materialise every asset: raw/ → DuckDB → dbt → marts")
    build.add_argument("--raw-dir", type=Path, default=None, help=f"sheets to read (default: {settings.DEFAULT_RAW_DIR})")
    build.add_argument(
        "--warehouse", type=Path, default=None, help=f"the DuckDB file to publish (default: {settings.DEFAULT_WAREHOUSE})"
    )
    build.add_argument(
        "--quiet", action="store_true", help="print only the final summary (the full log is written beside the build file)"
    )
    build.add_argument(
        "--no-wait",
        action="store_true",
        help="when another build of the warehouse is running, exit at once (code 75) instead of waiting",
    )
    build.add_argument(
        "--force", action="store_true", help="build even when the warehouse was built from raw/ and the code as they are now"
    )
    build.add_argument("--timings", action="store_true", help="print where the build's time went, stage by stage")

    report = commands.add_parser("report", help="write the HTML report (charts, tables) of the warehouse")
    report.add_argument(
        "--warehouse", type=Path, default=None, help=f"the DuckDB file to report on (default: {settings.DEFAULT_WAREHOUSE})"
    )
    report.add_argument("--out", type=Path, default=None, help="folder for index.html (default: report/ beside the warehouse)")

    export = commands.add_parser("export", help="write every mart as Parquet or CSV, with a README of grain and columns")
    export.add_argument(
        "--warehouse", type=Path, default=None, help=f"the DuckDB file to export (default: {settings.DEFAULT_WAREHOUSE})"
    )
    export.add_argument(
        "--format",
        choices=["parquet", "csv"],
        default="parquet",
        help="file format (default: parquet; csv is UTF-8 with a BOM, for Excel)",
    )
    export.add_argument("dir", type=Path, help="folder to write the files and README.md into")

    docs = commands.add_parser("docs", help="write dbt's docs of the warehouse as one offline page")
    docs.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"the DuckDB file to document, opened read-only (default: {settings.DEFAULT_WAREHOUSE})",
    )
    docs.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for index.html, catalog.json and manifest.json (default: docs/ beside the warehouse)",
    )

    ui = commands.add_parser("ui", help="start the Dagster UI (dagster dev) on this project")
    ui.add_argument("--port", type=int, default=None, help="the UI's port (default: dagster dev's, 3000)")

    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args.path, progress=not args.quiet and sys.stderr.isatty())
    if args.command == "report":
        return _report(args.warehouse, args.out)
    if args.command == "export":
        return _export(args.warehouse, args.format, args.dir)
    if args.command == "docs":
        return _docs(args.warehouse, args.out)
    if args.command == "ui":
        return _ui(args.port)
    _exit_now(
        _build(args.raw_dir, args.warehouse, args.quiet, wait=not args.no_wait, force=args.force, show_timings=args.timings)
    )


def _extract(path: Path, progress: bool) -> int:
    """The sheet's rows as JSON lines, if the build would load it whole: checked as the build checks
    it (pipeline.extract.validation), and otherwise no rows but the reasons, each naming the file."""
    from pipeline.extract import SheetError, read_sheet
    from pipeline.extract.validation import validate

    def show(done: int, total: int) -> None:
        print(f"\r{path.name}: page {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    try:
        sheet = validate(read_sheet(path, on_page=show if progress else None))
    except SheetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if sheet.problems:
        for problem in sheet.problems:
            where = ", ".join(str(part) for part in (f"page {problem.page}" if problem.page else None, problem.row) if part)
            print(f"error: {problem.source_file}{', ' + where if where else ''}: {problem.reason}", file=sys.stderr)
        count = len(sheet.problems)
        print(
            f"error: {sheet.source_file}: no rows printed; a build would not load this sheet whole "
            f"({count} problem{'s' if count > 1 else ''} above)",
            file=sys.stderr,
        )
        return 1
    sys.stdout.reconfigure(encoding="utf-8")
    try:
        for row in sheet.rows:
            sys.stdout.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (``| head``) has seen enough; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _build(
    raw_dir: Path | None, warehouse: Path | None, quiet: bool, wait: bool, force: bool = False, show_timings: bool = False
) -> int:
    """One build of a warehouse at a time: the build lock is taken before Dagster is imported, so a
    second build says at once that it waits (or, with ``wait=False``, refuses). A warehouse built
    from raw/ and the code as they are now is not built again (unless ``force``): that is found out
    without Dagster or dbt."""
    from pipeline import build_lock, exit_codes, timings

    timings.add("Python start-up", timings.process_age())
    settings.configure(raw_dir=raw_dir, warehouse=warehouse)
    target = settings.warehouse_path()

    def tell(holder: str) -> None:
        print(
            f"waiting: another build of {target} is running ({holder}); this one starts when it ends", file=sys.stderr, flush=True
        )

    try:
        with build_lock.hold(
            settings.build_lock_path(), f"python -m pipeline build --raw-dir {settings.raw_dir()}", wait=wait, on_wait=tell
        ):
            code = None
            if not force:
                with timings.stage("checking what the warehouse was built from"):
                    from pipeline.up_to_date import finish_if_up_to_date

                    code = finish_if_up_to_date(quiet)
            if code is None:
                from pipeline import dbt_build, warm

                # dbt and the report's imports start on another core while Dagster starts on this one.
                dbt_build.start_early()
                warm.start_all()
                with timings.stage("Dagster import and definitions load"):
                    from pipeline.build import build_all
                # Dagster's modules and the definitions live as long as the build: frozen, they leave the
                # garbage collector's generations, which every collection during the runs had traversed.
                gc.freeze()
                code = build_all(quiet=quiet)
                dbt_build.discard_early()
                warm.discard()
            timings.save(settings.build_timings_path())
    except build_lock.BuildRunning as busy:
        print(f"error: another build of {target} is running ({busy.holder}); nothing done", file=sys.stderr)
        return exit_codes.BUSY
    if show_timings:
        print(f"where the time went:\n{timings.table(timings.as_dict())}", file=sys.stderr)
    return code


def _exit_now(code: int) -> NoReturn:
    """Exit without tearing the interpreter down object by object: after a build (Dagster, dbt, their
    hundreds of thousands of objects) that alone takes most of a second. Exit handlers still run."""
    import atexit

    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(code)


def _report(warehouse: Path | None, out: Path | None) -> int:
    import duckdb

    from pipeline.report import WarehouseNotFound, default_report_dir, write_report

    warehouse = warehouse.resolve() if warehouse else settings.warehouse_path()
    try:
        written = write_report(warehouse, out or default_report_dir(warehouse))
    except WarehouseNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"error: {warehouse}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {written.path} ({written.size_bytes:,} bytes): {', '.join(written.sections)}")
    return 0


def _export(warehouse: Path | None, fmt: str, out_dir: Path) -> int:
    import duckdb

    from pipeline.export import ExportError, export_marts

    warehouse = warehouse.resolve() if warehouse else settings.warehouse_path()
    try:
        export = export_marts(warehouse, out_dir, fmt)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"error: {warehouse}: {exc}", file=sys.stderr)
        return 1
    rows = sum(t.rows for t in export.tables)
    print(f"wrote {len(export.tables)} tables ({rows:,} rows) as {fmt} and {export.readme.name} to {export.out_dir}")
    return 0


def _docs(warehouse: Path | None, out: Path | None) -> int:
    from pipeline.dbt_docs import DocsError, default_docs_dir, generate_docs

    warehouse = warehouse.resolve() if warehouse else settings.warehouse_path()
    try:
        site = generate_docs(warehouse, (out or default_docs_dir(warehouse)).resolve())
    except DocsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {site.page}: {site.models} models, {site.sources} sources, {site.exposures} exposures")
    return 0


def _ui(port: int | None) -> int:
    settings.configure()
    dagster = str(Path(sys.executable).parent / "dagster")
    os.execv(
        dagster,
        [
            dagster,
            "dev",
            "-m",
            "pipeline.definitions",
            "--working-directory",
            str(settings.REPO_ROOT),
            *(["--port", str(port)] if port else []),
        ],
    )
    return 0
