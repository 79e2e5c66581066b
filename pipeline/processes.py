"""The environment of the Python processes the pipeline starts (dbt's worker, the file readers, the
report's process).

The repository is run from its root, not installed (pyproject.toml), so each of them gets the root
on PYTHONPATH: ``python -m pipeline.…`` imports from any working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def child_environment() -> dict[str, str]:
    """This process's environment, with the repository first on PYTHONPATH."""
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}
