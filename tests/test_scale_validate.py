"""The compiled SHACL engine (hckg.fastshacl) against pySHACL, the reference: the same results on every
broken fixture, on the catalogue, on generated catalogues and on hypothesis-mutated ones; its fallback
to pySHACL; `hckg validate --engine/--endpoint`."""

import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, SH, SKOS, XSD

from hckg.cli import cli
from hckg.graph import load_graph
from hckg.namespaces import DCAT, HCKG, HEALTHDCATAP, SCHEMA, bind_prefixes
from hckg.store import open_store, store_from_graph
from hckg.validate import load_shapes, validate_endpoint, validate_graph, validate_index, validate_store

from conftest import FIXTURES, ROOT
from test_shapes import CASES, PREFIXES

EX = Namespace("https://example.org/")
ROR = URIRef("https://ror.org/04vfsmv21")


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def broken(update: str) -> Graph:
    graph = load_graph([FIXTURES / "mini.ttl"])
    graph.update(PREFIXES + update)
    return graph


def both_engines(graph: Graph, shapes: Graph):
    """pySHACL's results and the compiled engine's, as sets (the store keeps the graph's blank node ids)."""
    fast = validate_store(store_from_graph(graph), shapes)
    assert fast.notes == []
    return set(validate_graph(graph, shapes).results), set(fast.results)


def unlabelled(results):
    """Results with blank node labels removed: files parsed twice get different labels."""
    return sorted(tuple(re.sub(r"_:\w+", "_:", field) for field in (r.severity, r.focus, r.path, r.message, r.value, r.constraint))
                  for r in results)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_fixture_gives_pyshacls_results(case, shapes):
    reference, fast = both_engines(broken(CASES[case][0]), shapes)
    assert fast == reference


def test_catalogue_gives_pyshacls_results(shapes):
    reference, fast = both_engines(load_graph(), shapes)
    assert fast == reference
    from_files = validate_store(open_store(where="memory"), shapes)
    assert unlabelled(from_files.results) == unlabelled(reference)


def generated_catalogue(tmp_path, datasets: int, invalid_percent: float, seed: int):
    """A catalogue from benchmarks/generate.py, broken in every way it knows, and its summary."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import BREAKS, generate

    path = tmp_path / "catalogue.ttl"
    with open(path, "w") as out:
        summary = generate(datasets, out, invalid_percent=invalid_percent, seed=seed)
    assert set(summary.broken) == set(BREAKS)
    return path, summary


def test_generated_catalogue_gives_pyshacls_results_and_one_violation_per_break(tmp_path, shapes):
    path, summary = generated_catalogue(tmp_path, 60, 25, 7)
    reference = validate_graph(load_graph([path]), shapes).results
    fast = validate_store(open_store([path], where="memory"), shapes)
    assert fast.notes == []
    assert unlabelled(fast.results) == unlabelled(reference)
    assert fast.counts() == {"Violation": summary.violations, "Warning": 0, "Info": 0}


def test_datatype_checks_read_the_source_literals(tmp_path, shapes):
    """pyoxigraph stores "-1"^^xsd:nonNegativeInteger as a valid xsd:integer; the check must still fail."""
    extra = tmp_path / "extra.ttl"
    extra.write_text('@prefix schema: <https://schema.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                     '<https://example.org/count> schema:value "-1"^^xsd:nonNegativeInteger .\n')
    files = [FIXTURES / "mini.ttl", extra]
    reference = validate_graph(load_graph(files), shapes).results
    fast = validate_store(open_store(files, where="disk"), shapes).results
    assert [(r.focus, r.path, r.value, r.constraint) for r in fast] == [
        ("<https://example.org/count>", "schema:value", "-1", "sh:DatatypeConstraintComponent")]
    assert fast == reference


# --- hypothesis: random edits of the conforming fixture ------------------------------------------

SUBJECTS = [EX.catalog, EX.xray, EX["xray-2"], EX.series, EX.dist, EX.mirror, EX.period, EX["count"], EX.labels,
            EX.pneumothorax, EX.fix, EX.org, ROR, EX["rec-xray"], EX.new]
PREDICATES = [DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.theme, DCAT.keyword, DCTERMS.accessRights,
              DCAT.version, DCTERMS.issued, DCTERMS.temporal, DCTERMS.identifier, DCTERMS.isReferencedBy,
              HCKG.labelScheme, HCKG.size, SCHEMA.isAccessibleForFree, DCAT.distribution, HCKG.correction,
              DCAT.landingPage, DCAT.accessURL, DCAT.mediaType, HCKG.mirrorOf, FOAF.name, OWL.sameAs,
              ORG.subOrganizationOf, DCAT.startDate, DCAT.endDate, SKOS.prefLabel, SKOS.inScheme, SKOS.exactMatch,
              SKOS.closeMatch, HCKG.countOf, HCKG.seedField, HCKG.confidence, HCKG.factCheckItem, DCAT.inSeries,
              FOAF.primaryTopic, DCTERMS.modified, DCTERMS.license]
# compared by sh:lessThanOrEquals: pySHACL cannot compare dates or booleans with numbers, nor blank nodes
COMPARED = [HEALTHDCATAP.numberOfUniqueIndividuals, HEALTHDCATAP.numberOfRecords, SCHEMA.minValue, SCHEMA.maxValue,
            SCHEMA.value]
CLASSES = [DCAT.Dataset, DCAT.DatasetSeries, DCAT.Distribution, DCAT.Catalog, FOAF.Agent, FOAF.Organization,
           FOAF.Document, SKOS.Concept, SKOS.ConceptScheme, HCKG.Count, HCKG.SeedCorrection, DCTERMS.PeriodOfTime,
           DCAT.CatalogRecord]
NUMBERS = [Literal("5", datatype=XSD.nonNegativeInteger), Literal("25", datatype=XSD.nonNegativeInteger),
           Literal("5", datatype=XSD.integer), Literal("-1", datatype=XSD.nonNegativeInteger),
           Literal("12.5", datatype=XSD.decimal), Literal("7", datatype=XSD.int), Literal("text")]
OBJECTS = NUMBERS + [
    EX.org, EX.xray, EX.dist, EX.period, EX["count"], EX.labels, EX.pneumothorax, EX.fix, EX.paper, ROR, BNode("loose"),
    URIRef("https://w3id.org/hckg/theme/medical-images"), URIRef("https://w3id.org/hckg/theme"),
    URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
    URIRef("http://publications.europa.eu/resource/authority/access-right/OPEN"),
    URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL"),
    URIRef("http://id.nlm.nih.gov/mesh/D000001"), URIRef("http://id.nlm.nih.gov/mesh/C1"),
    URIRef("http://snomed.info/id/123456"), URIRef("http://snomed.info/sct/1"),
    URIRef("https://doi.org/10.1234/a"), URIRef("https://doi.org/11.1/x"), URIRef("http://www.wikidata.org/entity/Q5"),
    URIRef("http://www.iana.org/assignments/media-types/text/csv"), URIRef("https://w3id.org/hckg/unit/image"),
    Literal("Title", lang="en"), Literal("verified"), Literal("Size"), Literal("https://doi.org/10.12/x y"),
    Literal(True), Literal("yes"), Literal("2017", datatype=XSD.gYear), Literal("2001-05", datatype=XSD.gYearMonth),
    Literal("2017-01-01", datatype=XSD.date), Literal("2017-01-01T10:00:00", datatype=XSD.dateTime),
]
EDITS = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(SUBJECTS), st.sampled_from(PREDICATES), st.sampled_from(OBJECTS)),
    st.tuples(st.just("add"), st.sampled_from(SUBJECTS), st.sampled_from(COMPARED), st.sampled_from(NUMBERS)),
    st.tuples(st.just("add"), st.sampled_from(SUBJECTS), st.just(RDF.type), st.sampled_from(CLASSES)),
    st.tuples(st.just("remove"), st.integers(min_value=0)),
)
# (test_scale_native.py applies EDITS to the fixture and holds every engine to pySHACL's results)


# --- fallback to pySHACL ------------------------------------------------------------------------

def test_unsupported_constraints_are_left_to_pyshacl(tmp_path):
    shapes = tmp_path / "closed.ttl"
    shapes.write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix ex: <https://example.org/shapes#> .
ex:Closed a sh:NodeShape ; sh:targetClass dcat:Distribution ; sh:closed true ;
    sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> dct:title dcat:accessURL ) .
ex:Titled a sh:NodeShape ; sh:targetClass dcat:Distribution ;
    sh:property [ sh:path dct:title ; sh:maxCount 0 ; sh:message "no titles here" ] .
ex:Lookahead a sh:NodeShape ; sh:targetClass dcat:Dataset ;
    sh:property [ sh:path dct:title ; sh:pattern "^(?!Example)" ; sh:message "lookahead" ] .
""")
    graph = load_graph([FIXTURES / "mini.ttl"])
    shapes_graph = load_shapes(shapes)
    fast = validate_store(store_from_graph(graph), shapes_graph)
    assert fast.notes == [
        "ex:Closed was validated by pySHACL: sh:closed is not compiled",
        "ex:Lookahead was validated by pySHACL: the SPARQL source rejects the regex '^(?!Example)'",
    ]
    assert set(fast.results) == set(validate_graph(graph, shapes_graph).results)
    assert {r.constraint for r in fast.results} == {"sh:ClosedConstraintComponent", "sh:MaxCountConstraintComponent",
                                                   "sh:PatternConstraintComponent"}


def test_shapes_nested_in_a_way_neither_engine_decides_are_left_to_pyshacl(tmp_path):
    shapes = tmp_path / "nested.ttl"
    shapes.write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix nest: <https://example.org/nested#> .
nest:Published a sh:NodeShape ; sh:targetClass dcat:Dataset ;
    sh:property [ sh:path dct:publisher ; sh:node nest:Agent ; sh:message "a titled publisher" ] .
nest:Agent a sh:NodeShape ; sh:property [ sh:path nest:parent ; sh:node nest:Agent ] ,
    [ sh:path dct:title ; sh:minCount 1 ] .
nest:Queried a sh:NodeShape ; sh:targetClass dcat:Distribution ; sh:node nest:Untitled ; sh:message "untitled" .
nest:Untitled a sh:NodeShape ; sh:sparql [ sh:select "SELECT $this WHERE { $this <http://purl.org/dc/terms/title> ?t }" ] .
nest:Off a sh:NodeShape ; sh:targetClass dcat:Distribution ; sh:node nest:Switched .
nest:Switched a sh:NodeShape ; sh:deactivated true ; sh:sparql [ sh:select "SELECT $this WHERE { }" ] .
""")
    graph = load_graph([FIXTURES / "mini.ttl"])
    shapes_graph = load_shapes(shapes)
    reference = set(validate_graph(graph, shapes_graph).results)
    in_store = validate_store(store_from_graph(graph), shapes_graph)
    in_memory = validate_index([FIXTURES / "mini.ttl"], shapes_graph)
    for report in (in_store, in_memory):
        assert report.notes == [
            "nest:Published was validated by pySHACL: recursive shapes",
            "nest:Queried was validated by pySHACL: a SPARQL constraint in a nested shape",
        ]
        assert set(report.results) == reference
    assert {r.constraint for r in in_store.results} == {"sh:NodeConstraintComponent"}


# --- the report and the command line --------------------------------------------------------------

def test_report_graph_is_a_standard_validation_report(shapes):
    report = validate_store(store_from_graph(broken(CASES["dataset-title"][0])), shapes)
    graph = report.graph
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    (result,) = graph.objects(node, SH.result)
    assert graph.value(result, SH.focusNode) == EX.xray
    assert graph.value(result, SH.resultPath) == DCTERMS.title
    assert graph.value(result, SH.resultSeverity) == SH.Violation
    assert graph.value(result, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent
    assert graph.value(result, SH.sourceShape) is not None


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_both_engines_print_the_same_report(tmp_path, fmt):
    path = tmp_path / "broken.ttl"
    broken(CASES["agent-name"][0]).serialize(path, format="turtle")
    fast = run("validate", "--format", fmt, str(path))
    reference = run("validate", "--engine", "pyshacl", "--format", fmt, str(path))
    assert fast.exit_code == reference.exit_code == 1
    assert fast.output == reference.output
    disk = run("validate", "--store", "disk", "--format", fmt, str(path))
    assert disk.output == reference.output


@pytest.mark.parametrize("args, message", [
    (["--endpoint", "http://127.0.0.1:1/query", "data"], "--endpoint validates the published graph: give no PATHS"),
    (["--endpoint", "http://127.0.0.1:1/query", "--engine", "pyshacl"], "--endpoint validates the published graph"),
    (["--graph", "https://example.org/g"], "--graph needs --endpoint"),
    (["--endpoint", "http://127.0.0.1:1/query"], "cannot reach SPARQL endpoint http://127.0.0.1:1/query"),
])
def test_endpoint_mistakes_exit_2_with_one_line(args, message):
    result = run("validate", *args)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {message}")
    assert len(result.output.strip().splitlines()) == 1


# --- a real SPARQL endpoint: Oxigraph's server ------------------------------------------------------

@pytest.fixture(scope="module")
def oxigraph_endpoint(tmp_path_factory):
    """An `oxigraph serve` on a free loopback port (the `oxigraph` PyPI package); skipped if absent."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("oxigraph")
    server = subprocess.Popen([binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D")
            break
        except OSError:
            time.sleep(0.05)
    yield base
    server.terminate()
    server.wait()


def publish(base: str, graph: Graph, name: str) -> None:
    body = graph.serialize(format="nt").encode()
    request = urllib.request.Request(f"{base}/store?graph={name}", data=body, method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(request)


@pytest.mark.parametrize("case", [None, "dataset-title", "agent-name", "count-value", "dataset-records", "period-bounds"])
def test_endpoint_gives_the_local_results(oxigraph_endpoint, case, shapes):
    graph = broken(CASES[case][0]) if case else load_graph([FIXTURES / "mini.ttl"])
    name = f"https://example.org/graph/{case or 'mini'}"
    publish(oxigraph_endpoint, graph, name)
    remote = validate_endpoint(f"{oxigraph_endpoint}/query", graph=name)
    local_store = store_from_graph(graph)
    local_store.names = bind_prefixes(Graph())  # the endpoint knows no file prefixes: IRIs show in full
    local = validate_store(local_store, shapes)
    assert unlabelled(remote.results) == unlabelled(local.results)
    assert remote.notes == ["xsd:integer values in range were accepted for derived integer datatypes "
                            "(xsd:nonNegativeInteger …): SPARQL stores such as Oxigraph store those as xsd:integer"]


def test_validate_endpoint_command(oxigraph_endpoint):
    publish(oxigraph_endpoint, broken(CASES["dataset-title"][0]), "https://example.org/graph/cli")
    result = run("validate", "--endpoint", f"{oxigraph_endpoint}/query", "--graph", "https://example.org/graph/cli",
                 "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [(r["focus"], r["path"]) for r in payload["results"]] == [("<https://example.org/xray>", "dct:title")]


def test_shapes_without_messages_get_pyshacls_generic_messages(tmp_path):
    """(One member in sh:in: pySHACL lists the members of a longer one in set order, which varies by run.)"""
    shapes = tmp_path / "no-messages.ttl"
    shapes.write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix ex: <https://example.org/shapes#> .
ex:S a sh:NodeShape ; sh:targetClass dcat:Dataset ;
  sh:property [ sh:path dct:title ; sh:maxCount 0 ] , [ sh:path dct:nothing ; sh:minCount 1 ] ,
    [ sh:path dct:title ; sh:datatype xsd:integer ] , [ sh:path dct:title ; sh:nodeKind sh:IRI ] ,
    [ sh:path dct:publisher ; sh:class foaf:Person ] , [ sh:path dct:title ; sh:pattern "^Z" ] ,
    [ sh:path dct:title ; sh:minLength 100 ] , [ sh:path dct:title ; sh:maxLength 3 ] ,
    [ sh:path dct:publisher ; sh:in ( ex:a ) ] , [ sh:path dct:publisher ; sh:hasValue ex:a ] ,
    [ sh:path dct:publisher ; sh:node ex:Named ] , [ sh:path dct:publisher ; sh:not ex:Anything ] ,
    [ sh:path dct:publisher ; sh:or ( ex:Named ex:Other ) ] ,
    [ sh:path dct:publisher ; sh:qualifiedValueShape ex:Named ; sh:qualifiedMinCount 1 ] .
ex:Named a sh:NodeShape ; sh:property [ sh:path foaf:nick ; sh:minCount 1 ] .
ex:Other a sh:NodeShape ; sh:property [ sh:path foaf:mbox ; sh:minCount 1 ] .
ex:Anything a sh:NodeShape .
""")
    graph = load_graph([FIXTURES / "mini.ttl"])
    shapes_graph = load_shapes(shapes)
    reference, fast = both_engines(graph, shapes_graph)
    assert fast == reference
    assert len({r.constraint for r in fast}) == 14
