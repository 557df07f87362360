"""The benchmark tools: deterministic generated catalogues, and the benchmark script end to end (tiny sizes;
no timing is asserted)."""

import subprocess
import sys

from conftest import ROOT
from hckg.queries import stored_queries

GENERATE = str(ROOT / "benchmarks/generate.py")


def generated(tmp_path, *args) -> bytes:
    path = tmp_path / "out.ttl"
    subprocess.run([sys.executable, GENERATE, *args, "-o", str(path)], check=True, capture_output=True)
    return path.read_bytes()


def test_same_arguments_write_the_same_bytes(tmp_path):
    assert generated(tmp_path, "40") == generated(tmp_path, "40")
    assert generated(tmp_path, "40") != generated(tmp_path, "40", "--seed", "2")


def test_summary_counts_the_breaks(tmp_path):
    run = subprocess.run([sys.executable, GENERATE, "100", "--invalid-percent", "10", "-o", str(tmp_path / "c.ttl")],
                         check=True, capture_output=True, text=True)
    assert run.stderr.startswith("100 datasets (1 series), 5 agents")
    assert "; 10 broken: {" in run.stderr


def test_benchmark_script_prints_a_table(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks/run.py"), "--sizes", "20", "--repeat", "1",
                          "--baseline-max", "20", "--data", str(tmp_path)], check=True, capture_output=True, text=True)
    rows = [line.split(" | ") for line in run.stdout.splitlines()[2:]]
    assert [(row[0].strip("| "), row[2]) for row in rows] == [
        ("load", "rdflib Graph.parse (baseline)"), ("load", "pyoxigraph, in memory"),
        ("load", "parsed triples in memory (hckg.quad_index; export)"),
        ("load", "pyoxigraph, on disk, cold (builds the cache)"), ("load", "pyoxigraph, on disk, warm (opens the cache)"),
        ("validate", "pySHACL (baseline)"), ("validate", "compiled SHACL in memory: parsed triples + small store"),
        ("validate", "compiled SHACL, on-disk store, warm"), ("validate", "Jena SHACL 4.5 (benchmarks/jena.sh)"),
        ("export", "dcat-ap: rdflib graph, framed whole (baseline)"),
        ("export", "dcat-ap: streamed, parsed into memory, one process"),
        ("export", "dcat-ap: streamed, parsed into memory"),
        ("export", "dcat-ap: streamed from the on-disk store, warm"),
        ("export", "schemaorg: rdflib graph, framed whole (baseline)"),
        ("export", "schemaorg: streamed, parsed into memory, one process"),
        ("export", "schemaorg: streamed, parsed into memory"),
        ("export", "schemaorg: streamed from the on-disk store, warm"),
        ("query", "rdflib engine, every stored query (baseline)"), *query_rows(),
        ("query", "store engine, in memory"), *query_rows(),
        ("query", "store engine, on disk, warm"), *query_rows()]
    found = {row[7] for row in rows if row[0] == "| validate" and row[7] != "not installed"}
    assert len(found) == 1 and "violations" in found.pop()  # every engine run finds the same violations
    exports = [row for row in rows if row[0] == "| export"]
    for profile in ("dcat-ap", "schemaorg"):   # every export variant writes the same bytes
        results = {row[7] for row in exports if row[2].startswith(profile)}
        assert len(results) == 1 and results.pop().startswith("sha256:")
    assert all(row[8].startswith("load ") and "render" in row[8] for row in exports if "streamed" in row[2])
    answers = {row[7] for row in rows if row[0] == "| query" and "↳" not in row[2]}
    assert len(answers) == 1 and answers.pop().startswith("answers ")  # every engine gives the same answers


def query_rows() -> list[tuple[str, str]]:
    """The per-query rows that follow a query variant's row."""
    return [("query", f"↳ {query.name}") for query in stored_queries()]
