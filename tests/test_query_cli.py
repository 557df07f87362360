"""`hckg queries` and `hckg query` through the command line: formats, files, errors and exit codes."""

import json

import pytest
from click.testing import CliRunner
from query_cases import FIXTURE_CATALOGUE
from rdflib import Graph

from hckg.cli import cli
from hckg.queries import stored_queries

DATA = ["--data", str(FIXTURE_CATALOGUE)]


def run(*args, stdin=None):
    return CliRunner().invoke(cli, list(args), input=stdin)


# --- hckg queries -------------------------------------------------------------------------------

def test_queries_lists_every_stored_query():
    result = run("queries")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "summary", "parameters", "tags"]
    assert [line.split()[0] for line in lines[2:]] == [q.name for q in stored_queries()]
    assert "label: literal, required" in result.stdout


def test_queries_as_json_carries_parameters():
    result = run("queries", "--format", "json")
    listing = {q["name"]: q for q in json.loads(result.stdout)}
    assert listing["datasets-by-category"]["parameters"] == (
        "category: literal, default Medical Images; page: integer, default 1")
    assert listing["datasets-by-period"]["parameters"] == "from: integer, required; to: integer, optional"


def test_queries_check_fails_on_warnings(tmp_path, monkeypatch):
    (tmp_path / "typo.rq").write_text("#+ sumary: oops\nSELECT * WHERE { ?s ?p ?o }\n")
    monkeypatch.setattr("hckg.queries.project_dir", lambda name: tmp_path)
    result = run("queries", "--check")
    assert result.exit_code == 1
    assert f"Warning: {tmp_path / 'typo.rq'}: unknown header key 'sumary'" in result.stderr
    assert run("queries").exit_code == 0


# --- hckg query: formats ------------------------------------------------------------------------

def test_default_format_is_a_table():
    result = run("query", "datasets-with-individuals", "-p", "min", "45000", *DATA)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "dataset                               title             individuals\n"
        "------------------------------------  ----------------  -----------\n"
        "https://w3id.org/hckg/dataset/xray-a  X-ray Set A       60000\n"
        "https://w3id.org/hckg/dataset/ward-2  Ward Database v2  46000\n")


@pytest.mark.parametrize("fmt, expected", [
    ("json", '[\n  {\n    "dataset": "https://w3id.org/hckg/dataset/xray-a",\n    "title": "X-ray Set A",\n'
             '    "individuals": 60000\n  }\n]\n'),
    ("ndjson", '{"dataset": "https://w3id.org/hckg/dataset/xray-a", "title": "X-ray Set A", "individuals": 60000}\n'),
    ("csv", "dataset,title,individuals\nhttps://w3id.org/hckg/dataset/xray-a,X-ray Set A,60000\n"),
    ("tsv", "dataset\ttitle\tindividuals\nhttps://w3id.org/hckg/dataset/xray-a\tX-ray Set A\t60000\n"),
    ("markdown", "| dataset | title | individuals |\n|---|---|---|\n"
                 "| https://w3id.org/hckg/dataset/xray-a | X-ray Set A | 60000 |\n"),
])
def test_row_formats(fmt, expected):
    result = run("query", "datasets-with-individuals", "-p", "min", "50000", "--format", fmt, *DATA)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_unbound_cells_are_null_in_json():
    result = run("query", "free-without-application", "-p", "category", "Medical Surveys", "-f", "json", *DATA)
    assert json.loads(result.stdout)[0]["accessRights"] is None


@pytest.mark.parametrize("fmt, parser", [("turtle", "turtle"), ("ttl", "turtle"), ("ntriples", "nt"),
                                         ("json-ld", "json-ld"), ("jsonld", "json-ld")])
def test_graph_formats(fmt, parser):
    result = run("query", "dataset-description", "-p", "dataset", "https://w3id.org/hckg/dataset/xray-b1",
                 "-f", fmt, *DATA)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format=parser)
    assert len(graph) > 10


def test_a_row_format_for_a_graph_is_refused():
    result = run("query", "dataset-description", "-f", "csv", *DATA)
    assert result.exit_code == 2
    assert result.stderr == ("Error: --format csv: this query returns a graph (CONSTRUCT/DESCRIBE); "
                             "use one of turtle, ntriples, nquads, jsonld, rdfxml\n")


def test_a_graph_format_for_rows_is_refused():
    result = run("query", "catalogue-statistics", "-f", "turtle", *DATA)
    assert result.exit_code == 2
    assert "this query returns rows; use one of table, json, ndjson, csv, tsv, markdown" in result.stderr


def test_output_file_is_written(tmp_path):
    target = tmp_path / "out" / "stats.csv"
    result = run("query", "catalogue-statistics", "-f", "csv", "-o", str(target), *DATA)
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text().startswith("statistic,value\ndataset series,1\n")


# --- hckg query: files and stdin ----------------------------------------------------------------

ASK = "PREFIX dcat: <http://www.w3.org/ns/dcat#>\nASK { ?d a dcat:Dataset }\n"


def test_query_file(tmp_path):
    path = tmp_path / "count.rq"
    path.write_text("#+ summary: Count datasets\nPREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
                    "SELECT (COUNT(?d) AS ?n) WHERE { ?d a dcat:Dataset ; dcat:theme ?_theme_iri }\n")
    result = run("query", "--file", str(path), "-p", "theme", "https://w3id.org/hckg/theme/medical-images",
                 "-f", "csv", *DATA)
    assert result.exit_code == 0, result.output
    assert result.stdout == "n\n4\n"


def test_query_from_stdin_and_ask():
    result = run("query", "--file", "-", "-f", "json", *DATA, stdin=ASK)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"boolean": True}]


def test_describe_returns_a_graph():
    result = run("query", "--file", "-", "-f", "ntriples", *DATA,
                 stdin="DESCRIBE <https://w3id.org/hckg/dataset/survey>")
    assert result.exit_code == 0, result.output
    assert '<https://w3id.org/hckg/dataset/survey> <http://purl.org/dc/terms/title> "Health Survey"@en' in result.stdout


def test_prefixes_must_be_declared_as_on_any_endpoint():
    result = run("query", "--file", "-", *DATA, stdin="SELECT * WHERE { ?d a dcat:Dataset ; :x _:b }")
    assert result.exit_code == 2
    assert result.stderr == ("Error: <stdin>: prefix ':', 'dcat:' used but not declared; "
                             "add PREFIX : <…> PREFIX dcat: <…>\n")


def test_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("#+ summary: broken\nSELECT ?s\nWHERE { ?s ?p }\n")
    result = run("query", "--file", str(path), *DATA)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: SPARQL syntax error at line 3, column ")


def test_pagination_note(tmp_path):
    path = tmp_path / "paged.rq"
    path.write_text("#+ pagination: 2\nPREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
                    "SELECT ?d WHERE { ?d a dcat:Dataset } ORDER BY ?d\n")
    first = run("query", "--file", str(path), "-f", "csv", *DATA)
    assert first.stdout == "d\nhttps://w3id.org/hckg/dataset/scans\nhttps://w3id.org/hckg/dataset/survey\n"
    assert first.stderr == "Note: page 1 is full (2 rows); there may be more: add -p page 2\n"
    last = run("query", "--file", str(path), "-p", "page", "5", "-f", "csv", *DATA)
    assert (last.stdout, last.stderr) == ("d\n", "")


# --- hckg query: user mistakes are one line and exit 2 -------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["datasets-by-lable"], "Error: no stored query 'datasets-by-lable'; did you mean datasets-by-label? "
                            "run `hckg queries` to list them\n"),
    (["datasets-by-label"], "Error: query 'datasets-by-label' needs parameter 'label': add -p label VALUE\n"),
    (["datasets-by-label", "-p", "lable", "x"],
     "Error: query 'datasets-by-label' has no parameter 'lable' (its parameters: label)\n"),
    (["datasets-by-label", "-p", "label", "a", "-p", "label", "b"],
     "Error: parameter 'label' is given twice; give each -p NAME once\n"),
    (["dataset-description", "-p", "dataset", "chexpert"],
     "Error: parameter 'dataset': 'chexpert' is not an absolute IRI "
     "(like https://w3id.org/hckg/dataset/chexpert)\n"),
    (["datasets-with-individuals", "-p", "min", "many"], "Error: parameter 'min': 'many' is not a whole number\n"),
    (["datasets-by-organisation", "-p", "organisation", "NIH", "-p", "role", "boss"],
     "Error: parameter 'role': 'boss' is not one of publisher, creator, owner, funder, source institution, "
     "host, partner, distributor, data provider\n"),
    ([], "Error: give a stored query NAME or --file FILE (one of them)\n"),
    (["catalogue-statistics", "--file", "x.rq"], "Error: give a stored query NAME or --file FILE (one of them)\n"),
    (["--file", "missing.rq"], "Error: missing.rq: no such query file\n"),
    (["catalogue-statistics", "--graph", "https://w3id.org/hckg/catalog"],
     "Error: --graph selects graphs on a remote endpoint; give --endpoint too\n"),
    (["catalogue-statistics", "--endpoint", "http://127.0.0.1:9/sparql", "--data", "x"],
     "Error: --data loads the embedded store; it cannot be combined with --endpoint\n"),
    (["catalogue-statistics", "--endpoint", "localhost:7878"],
     "Error: --endpoint localhost:7878: not an http(s) URL of a SPARQL endpoint\n"),
    (["catalogue-statistics", "--data", "nowhere.ttl"], "Error: nowhere.ttl: no such file or folder\n"),
])
def test_mistakes_are_one_line_errors_with_exit_2(args, message):
    result = run("query", *args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_injection_is_an_exact_match_miss():
    result = run("query", "datasets-by-label", "-p", "label", '"} ; DROP ALL #', "-f", "csv", *DATA)
    assert result.exit_code == 0, result.output
    assert result.stdout == "dataset,title,label,concept\n"
