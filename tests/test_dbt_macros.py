"""The project's own dbt generic tests, rendered and run against small tables."""

import re

import duckdb
import jinja2
from conftest import REPO


def render_test(name: str, **arguments) -> str:
    source = (REPO / "dbt_project" / "macros" / "generic_tests" / f"{name}.sql").read_text()
    body = re.search(r"{%\s*test\s+\w+\(.*?\)\s*%}(.*){%\s*endtest\s*%}", source, re.S).group(1)
    return jinja2.Template(body).render(**arguments)


def test_not_null_columns_names_each_column_with_nulls():
    con = duckdb.connect()
    con.execute("create table t as select * from (values (1, 'a', null), (2, null, null), (3, 'c', 5)) v(k, a, b)")
    failing = con.execute(render_test("not_null_columns", model="t", columns=["k", "a", "b"])).fetchall()
    assert sorted(failing) == [("a", 1), ("b", 2)]
    assert con.execute(render_test("not_null_columns", model="t", columns=["k"])).fetchall() == []
