"""A client nobody here wrote: DuckDB's Node.js client (``@duckdb/node-api``, installed from npm into
``.tools/node`` by ``make test``) runs the README's script against the published warehouse, read-only:
it lists the marts and runs the documented query, with the same answer as this project's DuckDB."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess

import duckdb
from conftest import REPO

NODE_MODULES = REPO / ".tools" / "node" / "node_modules"
README = REPO / "README.md"
DOCUMENTED_PATH = "warehouse/kawasaki_policy.duckdb"


def plain(row: dict) -> dict:
    """Numbers as floats: the Node client's JSON gives a BIGINT as a string."""
    number = re.compile(r"-?[0-9]+(\.[0-9]+)?")
    return {
        k: float(v) if isinstance(v, (int, float)) or (isinstance(v, str) and number.fullmatch(v)) else v for k, v in row.items()
    }


def readme_script() -> str:
    (script,) = re.findall(r"^```js\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    assert f'"{DOCUMENTED_PATH}"' in script
    return script


def test_the_node_client_reads_the_published_warehouse_read_only(built_warehouse, tmp_path):
    assert shutil.which("node"), "node is missing: apt-get install nodejs (make test installs it)"
    assert (NODE_MODULES / "@duckdb" / "node-api").is_dir(), "run `make test` (it installs @duckdb/node-api)"
    script = readme_script()
    path = tmp_path / "readme.cjs"
    path.write_text(script.replace(f'"{DOCUMENTED_PATH}"', json.dumps(str(built_warehouse))), encoding="utf-8")
    before = hashlib.sha256(built_warehouse.read_bytes()).hexdigest()
    # A read-write connection would need the file to itself: this one runs while another process reads.
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        result = subprocess.run(
            ["node", str(path)], env={**os.environ, "NODE_PATH": str(NODE_MODULES)}, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-2000:]
        marts_line, trend_line = result.stdout.strip().splitlines()
        marts = [row["table_name"] for row in json.loads(marts_line)]
        assert marts == [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name"
            ).fetchall()
        ]
        assert {"fct_evaluation", "dim_bureau", "mart_attainment_trend"} <= set(marts)
        sql = re.search(r"runAndReadAll\(`(.*?)`\)", script, re.S).group(1)
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        expected = [dict(zip(names, row)) for row in cursor.fetchall()]
    trend = json.loads(trend_line)
    assert len(trend) == 3  # FY2022's three pillars
    assert [plain(row) for row in trend] == [plain(row) for row in expected]
    assert hashlib.sha256(built_warehouse.read_bytes()).hexdigest() == before
    assert not built_warehouse.with_name(built_warehouse.name + ".wal").exists()
