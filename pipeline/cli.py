"""Command line: ``python -m pipeline extract|build …``.

Each command imports what it needs when it runs, so ``extract`` does not pay for Dagster's import.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pipeline import settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="print a sheet's rows as JSON lines")
    extract.add_argument("path", type=Path, help="a sheet's PDF or text export")

    build = commands.add_parser("build", help="materialise every asset: raw/ → DuckDB → dbt → marts")
    build.add_argument("--raw-dir", type=Path, default=None, help=f"sheets to read (default: {settings.DEFAULT_RAW_DIR})")
    build.add_argument("--warehouse", type=Path, default=None,
                       help=f"the DuckDB file to publish (default: {settings.DEFAULT_WAREHOUSE})")

    commands.add_parser("ui", help="start the Dagster UI (dagster dev) on this project")

    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args.path)
    if args.command == "ui":
        return _ui()
    return _build(args.raw_dir, args.warehouse)


def _extract(path: Path) -> int:
    from pipeline.extract import SheetError, read_sheet

    try:
        sheet = read_sheet(path)
    except SheetError as exc:
        print(f"error: {exc}", file=sys.stderr)
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


def _build(raw_dir: Path | None, warehouse: Path | None) -> int:
    settings.configure(raw_dir=raw_dir, warehouse=warehouse)
    from pipeline.build import build_all

    return build_all()


def _ui() -> int:
    settings.configure()
    dagster = str(Path(sys.executable).parent / "dagster")
    os.execv(dagster, [dagster, "dev", "-m", "pipeline.definitions", "--working-directory", str(settings.REPO_ROOT)])
    return 0
