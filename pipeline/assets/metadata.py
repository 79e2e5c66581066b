"""What every asset module tells the Dagster UI alike: the assets' owners, and markdown previews."""

from __future__ import annotations

OWNERS = ["team:policy-data"]


def markdown_table(records: list[dict], max_cell: int = 60) -> str:
    """A small markdown table; long cells are cut and line breaks flattened."""
    if not records:
        return "(none)"
    columns = list(records[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in records:
        cells = (str(record[c]).replace("\n", " ").replace("|", "\\|")[:max_cell] for c in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
