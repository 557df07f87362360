"""The compiled checks decided in Python (hckg.fastshacl.native) against pySHACL and the compiled SPARQL
engine: the same results on every broken fixture, the catalogue, generated and hypothesis-mutated catalogues;
what it leaves to SPARQL and the store it reads for that; `hckg validate` in memory."""

import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from hckg.cli import cli
from hckg.fastshacl.compiler import DataFacts, compile_shapes
from hckg.fastshacl.native import NativeChecks, Reading
from hckg.fastshacl.runner import StoreSource, run
from hckg.fastshacl.value_index import ValueIndex, read_catalogue
from hckg.graph import load_graph
from hckg.store import SOURCE_DATATYPE, SOURCE_LITERALS, open_store, store_from_graph, to_oxigraph
from hckg.validate import load_shapes, validate, validate_graph, validate_store

from conftest import FIXTURES
from test_scale_validate import EDITS, broken, generated_catalogue, unlabelled
from test_shapes import CASES

DCAT = "http://www.w3.org/ns/dcat#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def native(graph: Graph, shapes: Graph):
    """The report of the native checks on ``graph`` (the rest in SPARQL), blank nodes keeping their ids."""
    reading = Reading.of(shapes)
    index = ValueIndex(reading.values, reading.inverse)
    index.fill(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    store = store_from_graph(graph)
    return run(StoreSource(store), shapes, store.names, pyshacl_data=store.rdflib_graph, native_index=index)


def three_engines(graph: Graph, shapes: Graph):
    """pySHACL's results, the compiled SPARQL engine's and the native checks', as sets."""
    report = native(graph, shapes)
    assert report.notes == []
    return (set(validate_graph(graph, shapes).results), set(validate_store(store_from_graph(graph), shapes).results),
            set(report.results))


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_fixture_gives_pyshacls_results(case, shapes):
    reference, compiled, found = three_engines(broken(CASES[case][0]), shapes)
    assert found == reference == compiled


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_fixture_read_from_its_file(case, shapes, tmp_path):
    path = tmp_path / "broken.ttl"
    broken(CASES[case][0]).serialize(path, format="turtle")
    report = validate([path], store="memory")
    assert report.notes == []
    assert unlabelled(report.results) == unlabelled(validate_graph(load_graph([path]), shapes).results)
    assert report.to_text().count("\n") == len(report.results) + 1


def test_catalogue_gives_pyshacls_results(shapes):
    reference = validate_graph(load_graph(), shapes).results
    assert set(native(load_graph(), shapes).results) == set(reference)
    assert unlabelled(validate(store="memory").results) == unlabelled(reference)


def test_generated_catalogue_gives_both_engines_results(tmp_path, shapes):
    path, summary = generated_catalogue(tmp_path, 80, 30, 11)
    found = validate([path], store="memory")
    assert found.notes == []
    assert found.counts() == {"Violation": summary.violations, "Warning": 0, "Info": 0}
    assert unlabelled(found.results) == unlabelled(validate_graph(load_graph([path]), shapes).results)
    compiled = validate_store(open_store([path], where="memory"), shapes)
    assert unlabelled(found.results) == unlabelled(compiled.results)
    assert sorted(re.sub(r"_:\w+", "_:", line) for line in found.to_text().splitlines()) == sorted(
        re.sub(r"_:\w+", "_:", line) for line in compiled.to_text().splitlines())


@pytest.fixture(scope="module")
def fixture_graph():
    return load_graph([FIXTURES / "mini.ttl"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=6))
def test_random_edits_give_pyshacls_results(edits, fixture_graph, shapes):
    graph = Graph() + fixture_graph
    for prefix, namespace in fixture_graph.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    removable = sorted((t for t in fixture_graph if str(t[0]).startswith(("https://example.org/", "https://ror.org/"))),
                       key=str)
    for edit in edits:
        if edit[0] == "add":
            graph.add(edit[1:])
        else:
            graph.remove(removable[edit[1] % len(removable)])
    reference, compiled, found = three_engines(graph, shapes)
    assert found == reference == compiled


def test_source_literals_are_read_as_written(tmp_path, shapes):
    """"-1"^^xsd:nonNegativeInteger, "01"^^xsd:integer and "5"^^xsd:int next to "5"^^xsd:integer: the parsed
    terms, as pySHACL sees them (a store would rewrite them)."""
    extra = tmp_path / "extra.ttl"
    extra.write_text('@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                     '@prefix hckg: <https://w3id.org/hckg/ontology#> .\n'
                     '<https://example.org/count> schema:value "-1"^^xsd:nonNegativeInteger .\n'
                     '<https://example.org/fix> hckg:factCheckItem "01"^^xsd:integer, "5"^^xsd:int .\n'
                     '<https://example.org/count> schema:maxValue "05"^^xsd:nonNegativeInteger .\n')
    files = [FIXTURES / "mini.ttl", extra]
    reference = validate_graph(load_graph(files), shapes).results
    found = validate(files, store="memory").results
    assert found == reference
    assert {(r.path, r.value) for r in found} >= {("schema:value", "-1"), ("hckg:factCheckItem", "5")}


# --- what is left to SPARQL ---------------------------------------------------------------------

def test_only_the_sparql_constraints_are_left_to_sparql(shapes):
    reading = Reading.of(shapes)
    plan = compile_shapes(shapes, DataFacts({}, frozenset()))
    checks = NativeChecks(shapes, {}, ValueIndex(frozenset(), reading.inverse))
    left = [query.checks[0] for query in plan.queries if not checks.answerable(query)]
    assert sorted(check.shape.n3(shapes.namespace_manager) for check in left) == [
        "shapes:PeriodOfTimeShape", "shapes:SharedAccessURLShape"]
    assert all(check.value == "sparql" for check in left)
    assert reading.store == {str(RDF.type), str(RDFS.subClassOf), DCAT + "distribution", DCAT + "accessURL",
                             "https://w3id.org/hckg/ontology#mirrorOf", DCAT + "startDate", DCAT + "endDate"}
    assert reading.inverse == {str(RDF.type), DCAT + "inSeries", "http://xmlns.com/foaf/0.1/primaryTopic"}


OTHER_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix ex: <https://example.org/shapes#> .
ex:Range a sh:NodeShape ; sh:targetClass <https://w3id.org/hckg/ontology#Count> ;
    sh:property [ sh:path schema:maxValue ; sh:maxInclusive 30 ; sh:message "range" ] .
ex:Chain a sh:NodeShape ; sh:targetSubjectsOf org:subOrganizationOf ;
    sh:property [ sh:path [ sh:oneOrMorePath org:subOrganizationOf ] ; sh:class foaf:Organization ;
                  sh:message "chain" ] .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf dct:publisher ;
    sh:property [ sh:path foaf:name ; sh:maxLength 5 ; sh:message "short names" ] ,
                [ sh:path foaf:name ; sh:minLength 30 ; sh:message "long names" ] .
ex:Listed a sh:NodeShape ; sh:targetNode <https://example.org/xray> , "not a node" ;
    sh:property [ sh:path dct:title ; sh:xone ( [ sh:minLength 1 ] [ sh:nodeKind sh:Literal ] ) ;
                  sh:message "xone" ] .
"""


def test_shapes_it_leaves_to_sparql_give_pyshacls_results(tmp_path):
    """Value ranges and a oneOrMore path run in SPARQL, on a store holding their predicates; targets by
    subject, object and node, lengths and xone are decided natively."""
    shapes_file = tmp_path / "other.ttl"
    shapes_file.write_text(OTHER_SHAPES)
    shapes = load_shapes(shapes_file)
    reading = Reading.of(shapes)
    assert reading.store == {str(RDF.type), str(RDFS.subClassOf), "https://schema.org/maxValue",
                             "http://www.w3.org/ns/org#subOrganizationOf"}
    extra = tmp_path / "extra.ttl"
    extra.write_text('@prefix schema: <https://schema.org/> . @prefix org: <http://www.w3.org/ns/org#> .\n'
                     '<https://example.org/count> schema:maxValue 40 .\n'
                     '<https://ror.org/04vfsmv21> org:subOrganizationOf <https://example.org/nowhere> .\n')
    files = [FIXTURES / "mini.ttl", extra]
    found = validate(files, shapes_file, store="memory")
    reference = validate_graph(load_graph(files), shapes).results
    assert found.notes == []
    assert unlabelled(found.results) == unlabelled(reference)
    assert {r.message for r in found.results} == {"range", "chain", "short names", "long names", "xone"}


def test_index_holds_strings_for_nodes_and_each_value_once():
    index = ValueIndex(None, {"https://example.org/p"})
    s, p, o = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.BlankNode("b")
    index.fill([ox.Quad(s, p, o), ox.Quad(s, p, o), ox.Quad(s, p, ox.Literal("7"))])
    assert index.values_of("https://example.org/p")("https://example.org/s") == ("_:b", ox.Literal("7"))
    assert set(index.subjects_of("https://example.org/p")("_:b")) == {"https://example.org/s"}


def test_read_catalogue_fills_the_index_and_its_store_keeps_the_literals_it_may_rewrite(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text('<https://example.org/s> <https://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#decimal> ;'
                    ' <https://example.org/q> [ <https://example.org/p> "x" ] .\n')
    index, _meta = read_catalogue([path], None, frozenset())
    assert set(index.objects) >= {"https://example.org/p", "https://example.org/q"}
    (blank,) = index.objects["https://example.org/q"]["https://example.org/s"]
    assert index.objects["https://example.org/p"][blank] == [ox.Literal("x")]
    p = {"https://example.org/p"}
    assert index.rewritten(p) == p  # "1.0" is not a form the store keeps as written
    store = index.store(p, index.rewritten(p))
    assert {q.predicate.value for q in store} == p
    (kept,) = store.quads_for_pattern(None, None, None, ox.NamedNode(SOURCE_LITERALS))
    assert kept.object == ox.Literal("1", datatype=ox.NamedNode(SOURCE_DATATYPE + XSD + "decimal"))
    assert len(store) == 3


# --- the command line -----------------------------------------------------------------------------

def test_validate_in_memory_prints_what_the_disk_store_prints(tmp_path):
    path = tmp_path / "broken.ttl"
    broken(CASES["count-min"][0] + " ; " + CASES["agent-name"][0]).serialize(path, format="turtle")
    memory = CliRunner().invoke(cli, ["validate", "--store", "memory", "--format", "json", str(path)])
    disk = CliRunner().invoke(cli, ["validate", "--store", "disk", "--format", "json", str(path)])
    assert memory.exit_code == disk.exit_code == 1
    assert memory.output == disk.output


def test_syntax_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('<https://example.org/a> <https://example.org/b> "one\n" .\n')
    result = CliRunner().invoke(cli, ["validate", "--store", "memory", str(path)])
    assert result.exit_code == 2
    assert result.output == f"Error: {path}:1: Turtle syntax error: newline found in string literal\n"


def test_queries_are_shared_out_once_each_and_answered_alike_in_one_process(shapes, monkeypatch, tmp_path):
    graph = broken(CASES["agent-name"][0] + " ; " + CASES["count-min"][0])
    reading = Reading.of(shapes)
    index = ValueIndex(reading.values, reading.inverse)
    index.fill(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph)
    plan = compile_shapes(shapes, DataFacts({}, frozenset()))
    checks = NativeChecks(shapes, {}, index)
    parts = checks.share_out(plan.queries, 3)
    numbers = [number for part in parts for number in part]
    assert sorted(numbers) == [n for n, query in enumerate(plan.queries) if checks.answerable(query)]
    assert len(parts) == 3
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    monkeypatch.setattr("hckg.fastshacl.runner.idle_cpus", lambda: 3)   # the SPARQL checks take one
    forked = validate([path], store="memory")
    monkeypatch.setattr("hckg.fastshacl.runner.idle_cpus", lambda: 1)
    assert unlabelled(validate([path], store="memory").results) == unlabelled(forked.results)
