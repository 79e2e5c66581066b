"""The pipeline's speed and memory, measured in one run on this machine.

    .venv/bin/python bench/run.py [--json]

Prints, ratios first: the PDF reader against a plain single-process pdfplumber ``extract_tables()``
pass over the same pages (the FY2022 fixture in tests/fixtures/, and ten synthetic years); a one-year
``build`` against the framework floor (this dbt project's ``dbt parse`` plus a bare ``import dagster,
dagster_dbt``); a second build with nothing changed against that build; ten years against one; the
peak memory (all processes of the build together) of the ten-year build; and the text-export reader's
rows per second, for information. The one-year build and the floor are measured three times each, in
turn, and their medians compared. Each build's time per stage comes from the build itself
(``build --timings``). The builds run in a Dagster home of their own, made once before them, and with
the dbt project parsed once before them, as a user's builds do after their first: the first build of
a clean checkout, which also creates the home and parses the project, is measured too, for information.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from bench.pdf_extract import plain_pass  # noqa: E402
from pipeline.extract.pdf import read_pdf_sheet  # noqa: E402
from pipeline.extract.text import parse_text_export, read_text_export  # noqa: E402
from pipeline.timings import table  # noqa: E402

FY2022_TEXT = REPO / "tests" / "fixtures" / "r04_sheet.txt"
FY2022_PDF = REPO / "tests" / "fixtures" / "r04_sheet_calc.pdf"
PYTHON = sys.executable
TARGETS = {
    "build_vs_floor_ratio": ("<=", 1.5),
    "nochange_build_vs_full_ratio": ("<=", 0.2),
    "years10_vs_1_ratio": ("<=", 3.0),
    "peak_rss_mb_10y": ("<", 1024),
    "pdf_vs_plain_ratio": ("<=", 0.6),
}
# The one-year build and the floor are measured this many times, in turn, and their medians compared:
# on a shared machine either can take a second longer at any moment.
ROUNDS = 3


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def ten_years(work: Path) -> tuple[list[Path], list[Path]]:
    """FY2022 and nine further years derived from it, as text exports and as PDFs."""
    from pdf_fixtures import PdfLayout, write_sheet_pdf
    from text_fixtures import render_text_export
    from year_fixtures import derive_years

    base = read_text_export(FY2022_TEXT)
    years = [base, *(d.sheet(f"fy{d.fiscal_year}") for d in derive_years(base, list(range(2023, 2032)), seed=11))]
    texts, pdfs = [], []
    for index, sheet in enumerate(years):
        text = work / "text" / f"sheet_{index:02d}.txt"
        text.parent.mkdir(parents=True, exist_ok=True)
        text.write_text(render_text_export(list(sheet.rows), seed=index), encoding="utf-8")
        texts.append(text)
        pdf = work / "pdf" / f"sheet_{index:02d}.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        write_sheet_pdf(pdf, sheet, PdfLayout())
        pdfs.append(pdf)
    return texts, pdfs


def pdf_ratio(paths: list[Path]) -> dict:
    """Our reader over the files (as a build reads them) against the plain single-process pass."""
    plain_s, pages = timed(lambda: sum(plain_pass(path) for path in paths))
    if len(paths) == 1:
        reader_s, _ = timed(read_pdf_sheet, paths[0])
    else:
        from concurrent.futures import ProcessPoolExecutor

        from pipeline.extraction import try_extract

        with ProcessPoolExecutor(os.cpu_count()) as pool:
            reader_s, _ = timed(lambda: list(pool.map(try_extract, paths, [1] * len(paths))))
    return {"pages": pages, "plain_s": plain_s, "reader_s": reader_s, "ratio": reader_s / plain_s}


def text_rows_per_s() -> float:
    text = FY2022_TEXT.read_text(encoding="utf-8")
    rows = len(parse_text_export(text, "bench.txt").rows)
    best = min(timed(parse_text_export, text, "bench.txt")[0] for _ in range(7))
    return rows / best


class Build:
    """``python -m pipeline build`` in its own Dagster home, with its wall time, peak memory and the
    time per stage the build recorded."""

    def __init__(self, work: Path):
        self.home = work / "dagster_home"
        self.home.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "dagster.yaml", self.home / "dagster.yaml")
        self.env = {**os.environ, "DAGSTER_HOME": str(self.home)}

    def prepare(self) -> None:
        """What a user's first build does once: the Dagster home's storage, and the dbt project's parse."""
        script = (
            "from dagster import DagsterInstance; DagsterInstance.get().get_runs(limit=1)\n"
            "from pipeline.dbt_manifest import ensure_manifest; ensure_manifest()"
        )
        subprocess.run([PYTHON, "-c", script], cwd=REPO, env=self.env, check=True, capture_output=True)

    def run(self, raw: Path, warehouse: Path) -> dict:
        start = time.perf_counter()
        process = subprocess.Popen(
            [PYTHON, "-m", "pipeline", "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        peak = _PeakMemory(process.pid)
        output, errors = process.communicate()
        seconds = time.perf_counter() - start
        peak.stop()
        if process.returncode != 0:
            raise SystemExit(f"build failed:\n{errors[-3000:]}")
        timings = json.loads((warehouse.parent / ".build" / f"{warehouse.stem}.timings.json").read_text())
        return {"s": seconds, "peak_rss_mb": peak.mb, "timings": timings, "up_to_date": "warehouse up to date" in output}


def first_build(work: Path, raw: Path) -> float:
    """A build as the first one of a clean checkout: a new Dagster home, and the project not parsed yet."""
    from pipeline.dbt_manifest import dbt_project

    dbt_project.manifest_path.with_name("manifest.sha256").unlink(missing_ok=True)
    return Build(work / "first").run(raw, work / "first" / "w.duckdb")["s"]


class _PeakMemory:
    """The largest resident memory of a process group, sampled from /proc every 50 ms."""

    def __init__(self, pgid: int):
        self.pgid, self.peak_kb, self._done = pgid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        while not self._done.wait(0.05):
            total = 0
            for status in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = status.read_text().rsplit(")", 1)[1].split()
                    if int(fields[2]) == self.pgid:  # the 5th field of stat: process group
                        total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024  # rss in pages
                except (OSError, IndexError, ValueError):
                    continue
            self.peak_kb = max(self.peak_kb, total)

    def stop(self):
        self._done.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024


def framework_floor() -> dict:
    """A bare Dagster + dagster-dbt import and this project's ``dbt parse``, each in a fresh process."""
    imports_s, _ = timed(subprocess.run, [PYTHON, "-c", "import dagster, dagster_dbt"], check=True)
    dbt = str(Path(PYTHON).parent / "dbt")
    with tempfile.TemporaryDirectory() as target:
        parse_s, _ = timed(
            lambda: subprocess.run([dbt, "parse", "--quiet", "--target-path", target], cwd=REPO / "dbt_project", check=True)
        )
    return {"imports_s": imports_s, "dbt_parse_s": parse_s, "s": imports_s + parse_s}


def _median(measures: list[dict]) -> dict:
    """The measure of the median time (the middle one of an odd number)."""
    return sorted(measures, key=lambda measure: measure["s"])[len(measures) // 2]


def _seconds(measures: list[dict]) -> str:
    return ", ".join(f"{measure['s']:.2f}" for measure in measures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object of the figures")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        texts, pdfs = ten_years(work)
        pdf_one = pdf_ratio([FY2022_PDF])
        pdf_ten = pdf_ratio(pdfs)
        rows_per_s = text_rows_per_s()
        one_raw = work / "raw1"
        one_raw.mkdir()
        shutil.copy(texts[0], one_raw)
        cold_s = first_build(work, one_raw)
        build = Build(work)
        build.prepare()
        floors, ones = [], []
        for round_ in range(ROUNDS):
            floors.append(framework_floor())
            ones.append(build.run(one_raw, work / f"one{round_}" / "w.duckdb"))
        floor, one = _median(floors), _median(ones)
        again = build.run(one_raw, work / "one0" / "w.duckdb")
        ten = build.run(texts[0].parent, work / "ten" / "w.duckdb")
    if not again["up_to_date"]:
        raise SystemExit("the second build with nothing changed did not find the warehouse up to date")
    figures = {
        "build_vs_floor_ratio": round(one["s"] / floor["s"], 2),
        "nochange_build_vs_full_ratio": round(again["s"] / one["s"], 3),
        "years10_vs_1_ratio": round(ten["s"] / one["s"], 2),
        "peak_rss_mb_10y": round(ten["peak_rss_mb"]),
        "pdf_vs_plain_ratio": round(max(pdf_one["ratio"], pdf_ten["ratio"]), 3),
        "text_rows_per_s": round(rows_per_s),
        "build_1y_s": round(one["s"], 2),
        "floor_s": round(floor["s"], 2),
        "build_1y_s_each_round": [round(each["s"], 2) for each in ones],
        "floor_s_each_round": [round(each["s"], 2) for each in floors],
        "nochange_build_s": round(again["s"], 2),
        "build_10y_s": round(ten["s"], 2),
        "first_build_of_a_checkout_s": round(cold_s, 2),
        "stages_1y_s": one["timings"]["stages"],
        "stages_1y_overlapping_s": one["timings"]["details"],
        "stages_10y_s": ten["timings"]["stages"],
        "load_average_before_after": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return 0
    print(f"{'measure':<30} {'value':>10}  target   ok")
    for key, (op, target) in TARGETS.items():
        value = figures[key]
        ok = {"<=": value <= target, "<": value < target}[op]
        print(f"{key:<30} {value:>10}  {op} {target:<6} {'yes' if ok else 'NO'}")
    print()
    print(
        f"PDF, FY2022 fixture: {pdf_one['pages']} pages, plain {pdf_one['plain_s']:.2f} s "
        f"({pdf_one['pages'] / pdf_one['plain_s']:.1f} pages/s), reader {pdf_one['reader_s']:.2f} s "
        f"({pdf_one['pages'] / pdf_one['reader_s']:.1f} pages/s), ratio {pdf_one['ratio']:.2f}"
    )
    print(
        f"PDF, ten synthetic years: {pdf_ten['pages']} pages, plain {pdf_ten['plain_s']:.2f} s, "
        f"reader {pdf_ten['reader_s']:.2f} s, ratio {pdf_ten['ratio']:.2f}"
    )
    print(f"text export: {rows_per_s:,.0f} rows/s (for information)")
    print(
        f"framework floor: import dagster, dagster_dbt {floor['imports_s']:.2f} s + dbt parse {floor['dbt_parse_s']:.2f} s "
        f"= {floor['s']:.2f} s; one-year build {one['s']:.2f} s (medians of {ROUNDS} rounds: floor "
        f"{_seconds(floors)} s; build {_seconds(ones)} s)"
    )
    print("one-year build, stage by stage (the build's own record; the rest of the wall time is the process's exit):")
    print(table(one["timings"]))
    print(f"second build with nothing changed: {again['s']:.2f} s ({again['s'] / one['s']:.3f}x the full build)")
    print(f"ten years: {ten['s']:.2f} s ({ten['s'] / one['s']:.2f}x one year), peak memory {ten['peak_rss_mb']:.0f} MB")
    print(f"first build of a clean checkout (new Dagster home, project not yet parsed): {cold_s:.2f} s")
    print(f"cores: {os.cpu_count()}; load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
