"""The framed JSON-LD writer against a real JSON-LD processor, on arbitrary values (hypothesis)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, XSD

from hckg import jsonld
from hckg.namespaces import DCAT

pyld = pytest.importorskip("pyld.jsonld")
CONTEXT = jsonld.load_context("hckg")
DATASET = URIRef("https://w3id.org/hckg/dataset/x")

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
literals = st.one_of(
    text.map(Literal),
    text.map(lambda t: Literal(t, lang="en")),
    text.map(lambda t: Literal(t, lang="de")),
    st.integers(min_value=0, max_value=10**12).map(lambda n: Literal(str(n), datatype=XSD.nonNegativeInteger)),
    st.sampled_from(["2001", "1999"]).map(lambda y: Literal(y, datatype=XSD.gYear)),
    st.booleans().map(lambda b: Literal(str(b).lower(), datatype=XSD.boolean)),
)
predicates = st.sampled_from([DCTERMS.title, DCTERMS.identifier, DCAT.keyword, DCAT.byteSize,
                              URIRef("https://example.org/no-term"), DCTERMS.description])


def expand(document: bytes) -> Graph:
    nquads = pyld.to_rdf(json.loads(document), {"format": "application/n-quads",
                                                "documentLoader": jsonld.document_loader()})
    return Graph().parse(data=nquads, format="nt")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(predicates, literals), min_size=1, max_size=6), st.booleans())
def test_any_literal_survives_framing_and_expansion(values, nested):
    graph = Graph()
    period = BNode()
    for predicate, value in values:
        graph.add((period if nested else DATASET, predicate, value))
    if nested:
        graph.add((DATASET, DCTERMS.temporal, period))
    assert isomorphic(expand(jsonld.document(graph, [DATASET], CONTEXT)), graph)


def test_a_blank_node_shared_by_two_parents_keeps_one_identity():
    graph = Graph()
    shared, other = BNode(), URIRef("https://w3id.org/hckg/dataset/y")
    for dataset in (DATASET, other):
        graph.add((dataset, DCTERMS.temporal, shared))
    graph.add((shared, DCAT.startDate, Literal("2001", datatype=XSD.gYear)))
    document = jsonld.document(graph, [DATASET, other], CONTEXT)
    assert isomorphic(expand(document), graph)
    assert b'"_:b0"' in document
