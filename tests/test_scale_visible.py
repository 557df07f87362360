"""The predicate filter of validation stores (hckg.fastshacl.visible): which predicates shapes can see, and
that a store holding only those gives the same report as a store holding everything."""

import json
import re
import sys

import pyoxigraph as ox
import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from hckg.fastshacl.native import Reading
from hckg.fastshacl.runner import IndexSource
from hckg.fastshacl.visible import visible_classes, visible_predicates
from hckg.graph import load_graph
from hckg.fastshacl.value_index import read_catalogue
from hckg.store import FAITHFUL_FORMS, SOURCE_LITERALS, catalogue_store, open_store
from hckg.validate import load_shapes, validate, validate_store

from conftest import FIXTURES, ROOT
from test_shapes import CASES, PREFIXES

SHAPE_PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
"""
EX = "https://example.org/"
DCAT = "http://www.w3.org/ns/dcat#"
ALWAYS = {str(RDF.type), str(RDFS.subClassOf)}


def shapes_of(text: str) -> Graph:
    return Graph().parse(data=SHAPE_PREFIXES + text, format="turtle")


def sparql_shape(select: str) -> str:
    return f'ex:S a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:sparql [ sh:select """{select}""" ] .'


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def test_paths_targets_and_queries_name_the_visible_predicates():
    shapes = shapes_of("""
ex:A a sh:NodeShape ; sh:targetSubjectsOf ex:t1 ; sh:targetObjectsOf ex:t2 ;
    sh:property [ sh:path ( ex:p1 [ sh:inversePath ex:p2 ] ) ; sh:minCount 1 ] ,
                [ sh:path [ sh:alternativePath ( ex:p3 [ sh:zeroOrMorePath ex:p4 ] ) ] ; sh:class ex:C ] ,
                [ sh:path ex:p5 ; sh:lessThan ex:p6 ; sh:node ex:N ] ;
    sh:sparql [ sh:prefixes ex:decl ; sh:select \"\"\"SELECT $this WHERE {
        $this e:q1/^e:q2 ?x . FILTER NOT EXISTS { ?x e:q3 ?y } }\"\"\" ] .
ex:N sh:property [ sh:path ex:p7 ; sh:datatype xsd:string ] .
ex:decl sh:declare [ sh:prefix "e" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
""")
    names = "t1 t2 p1 p2 p3 p4 p5 p6 p7 q1 q2 q3".split()
    assert visible_predicates(shapes) == ALWAYS | {EX + name for name in names}


def test_the_projects_shapes_see_the_predicates_only_their_sparql_names(shapes):
    visible = visible_predicates(shapes)
    assert visible is not None and ALWAYS <= visible
    assert "https://w3id.org/hckg/ontology#mirrorOf" in visible  # only in SharedAccessURLShape's SELECT
    assert {str(p) for p in shapes.objects(None, SH.path) if isinstance(p, URIRef)} <= visible


@pytest.mark.parametrize("text", [
    "ex:A a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:closed true .",
    "ex:A a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:somethingNew ex:p .",
    "ex:A a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select 'SELECT ?this WHERE { ?this ex:p ?o }' ] .",
    "ex:A a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:property [ sh:path [ ex:oddPath ex:p ] ] .",
    "<https://example.org/shapes> <http://www.w3.org/2002/07/owl#imports> <https://example.org/more> .",
    sparql_shape("SELECT $this WHERE { $this ?p ?o }"),
    sparql_shape("SELECT $this WHERE { $this !<https://example.org/p> ?o }"),
    sparql_shape("SELECT $this WHERE { $this <https://example.org/p> ?o . ?o ?q ?r }"),
    sparql_shape("SELECT $this WHERE { this is not SPARQL }"),
])
def test_shapes_it_cannot_account_for_see_everything(text):
    assert visible_predicates(shapes_of(text)) is None


@pytest.mark.parametrize("text, classes", [
    ("ex:A a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:property [ sh:path ex:p ; sh:class ex:C ] .",
     {DCAT + "Dataset", EX + "C"}),
    ("ex:A a sh:NodeShape , <http://www.w3.org/2000/01/rdf-schema#Class> ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
     {EX + "A"}),
    ("ex:A a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:property [ sh:path ( ex:p rdf:type ) ; sh:minCount 1 ] .",
     None),
    (sparql_shape("SELECT $this WHERE { $this a ?type }"), None),
    (sparql_shape("SELECT $this WHERE { $this ?p ?o }"), None),
])
def test_the_classes_whose_instances_shapes_see(text, classes):
    shapes = shapes_of("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n" + text)
    assert visible_classes(shapes) == classes


def test_the_sparql_checks_store_holds_the_instances_of_the_classes_they_see(tmp_path, shapes):
    reading = Reading.of(shapes)
    assert reading.store_classes == {DCAT + "Dataset", "http://purl.org/dc/terms/PeriodOfTime"}
    data = tmp_path / "data.ttl"
    data.write_text("""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:d a dcat:Dataset . ex:s a ex:Special . ex:Special rdfs:subClassOf dcat:Dataset . ex:x a dcat:Distribution .
""")
    index, _meta = read_catalogue([data], reading.values, reading.inverse)
    source = IndexSource(index, reading.store, reading.store_classes)
    rows = source.select("SELECT ?s WHERE { ?s a ?c }")
    assert {str(row["s"]) for row in rows} == {EX + "d", EX + "s"}


def unlabelled(report) -> list[str]:
    """The report's lines, sorted, with blank node labels removed (files parsed twice get other labels)."""
    return sorted(re.sub(r"_:\w+", "_:", line) for line in report.to_text().splitlines())


def filtered_store(files, predicates):
    """The in-memory store validation makes from its index for its SPARQL checks: only the triples of
    ``predicates``."""
    index, meta = read_catalogue(files, predicates, frozenset())
    kept = index.rewritten(predicates)
    return catalogue_store(index.store(predicates, kept), files, meta | {"literal_predicates": kept}, None)


def filtered_and_complete(files, shapes):
    """The compiled engine's report on a store of the visible triples and on one of all triples."""
    visible = visible_predicates(shapes)
    partial = filtered_store(files, visible)
    complete = open_store(files, where="memory")
    assert len(partial.store) < len(complete.store)  # the filter dropped something
    return validate_store(partial, shapes), validate_store(complete, shapes)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_fixture_gives_the_same_report_with_the_filter(case, shapes, tmp_path):
    graph = load_graph([FIXTURES / "mini.ttl"])
    graph.update(PREFIXES + CASES[case][0])
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    filtered, complete = filtered_and_complete([path], shapes)
    assert unlabelled(filtered) == unlabelled(complete)
    assert filtered.notes == complete.notes == []


def test_generated_catalogue_gives_the_same_report_with_the_filter(tmp_path, shapes):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    path = tmp_path / "catalogue.ttl"
    with open(path, "w") as out:
        generate(80, out, invalid_percent=30, seed=11)
    filtered, complete = filtered_and_complete([path], shapes)
    assert unlabelled(filtered) == unlabelled(complete)
    assert json.loads(filtered.to_json())["counts"] == json.loads(complete.to_json())["counts"]


SECRET = """
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix ex: <https://example.org/> .
ex:open a dcat:Dataset ; ex:secret "fine" ; ex:unseen "bad" .
ex:closed a dcat:Dataset ; ex:secret "bad" .
"""


def test_a_predicate_named_only_in_a_sparql_constraint_is_kept(tmp_path):
    data = tmp_path / "secret.ttl"
    data.write_text(SECRET)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE_PREFIXES + sparql_shape(
        'SELECT $this ?value WHERE { $this <https://example.org/secret> ?value FILTER(STR(?value) = "bad") }'))
    visible = visible_predicates(load_shapes(shapes))
    assert EX + "secret" in visible and EX + "unseen" not in visible
    fast = validate([data], shapes, store="memory")
    reference = validate([data], shapes, engine="pyshacl")
    assert [(r.focus, r.value, r.constraint) for r in fast.results] == [
        ("<https://example.org/closed>", "bad", "sh:SPARQLConstraintComponent")]
    assert fast.results == reference.results


def test_shapes_that_see_everything_load_everything(tmp_path):
    """sh:closed looks at every predicate (and is left to pySHACL): ex:open's ex:unseen is reported."""
    data = tmp_path / "secret.ttl"
    data.write_text(SECRET)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE_PREFIXES + """
ex:Closed a sh:NodeShape ; sh:targetClass dcat:Dataset ; sh:closed true ;
    sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ex:secret ) .""")
    fast = validate([data], shapes, store="memory")
    assert [(r.focus, r.path, r.constraint) for r in fast.results] == [
        ("<https://example.org/open>", "ex:unseen", "sh:ClosedConstraintComponent")]
    assert fast.results == validate([data], shapes, engine="pyshacl").results


# --- kept source literals of a validation store ------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FAITHFUL_FORMS)).flatmap(
    lambda datatype: st.tuples(st.just(datatype), st.from_regex(FAITHFUL_FORMS[datatype], fullmatch=True))))
def test_faithful_forms_come_back_from_the_store_as_written(literal):
    """A literal in one of FAITHFUL_FORMS needs no kept copy: the in-memory store gives it back unchanged."""
    datatype, value = literal
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal(value, datatype=ox.NamedNode(datatype))))
    (quad,) = store
    assert (quad.object.value, quad.object.datatype.value) == (value, datatype)


@pytest.mark.parametrize("values, copied", [
    (['"2020-01-05"^^xsd:date', '"2021-02-03"^^xsd:date'], False),
    (['"true"^^xsd:boolean', '"0"^^xsd:boolean'], True),   # the store makes "0" "false"
    (['"0"^^xsd:boolean', '"true"^^xsd:boolean'], True),
    (['"007"^^xsd:integer'], True),
    (['"2020-01-05+00:00"^^xsd:date'], True),
])
def test_a_validation_store_keeps_the_literals_of_predicates_the_store_would_change(tmp_path, shapes, values, copied):
    data = tmp_path / "literals.ttl"
    objects = " , ".join(values)
    data.write_text(f"""@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
<https://example.org/d> a dcat:Dataset ; dct:issued {objects} ; schema:isAccessibleForFree {objects} .
""")
    store = filtered_store([data], visible_predicates(shapes))
    predicates = {"http://purl.org/dc/terms/issued", "https://schema.org/isAccessibleForFree"}
    assert store.literal_predicates == (predicates if copied else set())
    assert len(list(store.store.quads_for_pattern(None, None, None, ox.NamedNode(SOURCE_LITERALS)))) == (
        2 * len(values) if copied else 0)
    assert open_store([data], where="memory").literal_predicates >= predicates  # complete stores keep them all
    assert unlabelled(validate([data], store="memory")) == unlabelled(validate_store(open_store([data], where="memory"), shapes))
