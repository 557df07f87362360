"""The README's table of stored queries is the one generated from the files' #+ headers."""

import re

from conftest import ROOT

from hckg.output import render_table
from hckg.queries import queries_table, stored_queries

MARKERS = re.compile(r"<!-- stored-queries:start -->\n(.*?)<!-- stored-queries:end -->", re.DOTALL)


def test_readme_table_matches_the_query_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = MARKERS.search(readme)
    assert found, "README.md lacks the <!-- stored-queries:start/end --> markers"
    generated = render_table(queries_table(stored_queries()), "markdown")
    assert found.group(1) == generated, (
        "README's stored-query table is out of date; replace it with `hckg queries --format markdown`")


def test_readme_table_names_every_query():
    table = MARKERS.search((ROOT / "README.md").read_text(encoding="utf-8")).group(1)
    assert [line.split(" | ")[0].lstrip("| ") for line in table.splitlines()[2:]] == [
        q.name for q in stored_queries()]
