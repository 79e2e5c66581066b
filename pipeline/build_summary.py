"""What a build tells its user at the end: a line per file of raw/, where the warehouse is, and the
exit code (pipeline/exit_codes.py). Plain Python, so that a build with nothing to do says it too."""

from __future__ import annotations

import sys

from pipeline import exit_codes, settings
from pipeline.load_plan import LoadPlan


def exit_code(plan: LoadPlan, published: bool, runs_succeeded: bool) -> int:
    if not published:
        return exit_codes.NOT_PUBLISHED
    return exit_codes.PUBLISHED if runs_succeeded and not plan.failed else exit_codes.PUBLISHED_WITH_PROBLEMS


def summary(plan: LoadPlan, published: bool, up_to_date: bool = False) -> str:
    """What became of each file in raw/, and where the warehouse is."""
    lines = []
    for item in plan.report:
        year = f"FY{item['fiscal_year']}" if item["fiscal_year"] else "—"
        detail = f"{item['rows']} rows" if item["status"] == "loaded" else item["message"]
        lines.append(f"  {item['status']:<9} {year:<7} {item['file']}: {detail}")
    if plan.quarantine:
        lines.append(f"  {len(plan.quarantine)} rows quarantined (see raw.quarantine):")
        lines += [f"    FY{q['fiscal_year']} {q['source_file']} {q['row'] or ''}: {q['reason']}" for q in plan.quarantine[:20]]
    target = settings.warehouse_path()
    years = ", ".join(f"FY{y}" for y in plan.years)
    if up_to_date:
        lines.append(
            f"warehouse up to date: {target} ({years}) was built from raw/ and the code as they are; "
            "nothing to do (--force rebuilds)"
        )
    elif published:
        lines.append(f"published {target} ({years})")
    else:
        lines.append(f"not published: {target} is unchanged")
    return "\n".join(lines)


def tell(text: str, code: int) -> None:
    """The summary, on stdout when all went well and on stderr when it did not."""
    print(text, file=sys.stdout if code == exit_codes.PUBLISHED else sys.stderr, flush=True)
