"""The parsed-triples index (hckg.quad_index): the answers of a pyoxigraph store, without one.

``QuadIndex.quads_for_pattern`` must give, for every pattern the export asks, the triples a
``pyoxigraph.Store`` filled with the same quads gives, each once (a repeated triple included), and keep
literals as the source wrote them; ``open_index`` reads files as ``open_store`` does.
"""

import pyoxigraph as ox
import pytest
from hypothesis import given, settings, strategies as st

from hckg.errors import InputError
from hckg.quad_index import QuadIndex, open_index
from hckg.store import open_store

from conftest import FIXTURES

EX = "https://example.org/"
_nodes = st.sampled_from([ox.NamedNode(EX + n) for n in "abc"] + [ox.BlankNode("b1"), ox.BlankNode("b2")])
_predicates = st.sampled_from([ox.NamedNode(EX + p) for p in ("p", "q")])
_objects = _nodes | st.sampled_from([ox.Literal("x"), ox.Literal("x", language="en"),
                                     ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")),
                                     ox.Literal("y")])
_quads = st.lists(st.builds(ox.Quad, _nodes, _predicates, _objects), max_size=25)


def _patterns(quads):
    """Every pattern the store views ask (by subject, subject and predicate, predicate and object, object,
    predicate, everything), with terms that occur and terms that do not."""
    subjects = {q.subject for q in quads} | {ox.NamedNode(EX + "none")}
    objects = {q.object for q in quads} | {ox.NamedNode(EX + "none"), ox.Literal("none")}
    predicates = {q.predicate for q in quads} | {ox.NamedNode(EX + "none")}
    for s in subjects:
        yield s, None, None
        for p in predicates:
            yield s, p, None
    for o in objects:
        yield None, None, o
        for p in predicates:
            yield None, p, o
    for p in predicates:
        yield None, p, None
    yield None, None, None


@settings(max_examples=200, deadline=None)
@given(quads=_quads)
def test_every_pattern_gives_what_the_store_gives_each_triple_once(quads):
    index, store = QuadIndex(list(quads)), ox.Store()
    store.extend(quads)
    for pattern in _patterns(quads):
        found = list(index.quads_for_pattern(*pattern, ox.DefaultGraph()))
        assert len(found) == len(set(found)), pattern
        assert set(found) == set(store.quads_for_pattern(*pattern, ox.DefaultGraph())), pattern
        assert set(index.quads_for_pattern(*pattern)) == set(found)   # no graph named: the same


def test_a_named_graph_holds_nothing():
    quad = ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("x"))
    assert list(QuadIndex([quad]).quads_for_pattern(None, None, None, ox.NamedNode("urn:hckg:source-literals"))) == []


def test_literals_stay_as_the_source_wrote_them(tmp_path):
    path = tmp_path / "literals.ttl"
    path.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<https://example.org/a> <https://example.org/n> "007"^^xsd:integer, "5"^^xsd:nonNegativeInteger, '
                    '"1"^^xsd:boolean, "1.50"^^xsd:decimal ; <https://example.org/n> "007"^^xsd:integer .\n')
    catalogue = open_index([path], ontology=False)
    found = [q.object for q in catalogue.store.quads_for_pattern(ox.NamedNode(EX + "a"), None, None)]
    assert sorted((o.value, o.datatype.value.rsplit("#")[1]) for o in found) == [
        ("007", "integer"), ("1", "boolean"), ("1.50", "decimal"), ("5", "nonNegativeInteger")]
    assert catalogue.literal_predicates == frozenset() and catalogue.triples == 5   # as parsed: the repeat counted


def test_it_reads_the_files_open_store_reads():
    index, store = open_index([FIXTURES / "export" / "mini.ttl"]), open_store([FIXTURES / "export" / "mini.ttl"],
                                                                          where="memory")
    assert index.triples == store.triples and index.files == store.files
    assert dict(index.names.namespaces()) == dict(store.names.namespaces())
    iris = {q for q in store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, (ox.BlankNode, ox.Literal))}
    assert iris <= set(index.store.quads_for_pattern(None, None, None))


def test_a_syntax_error_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text('<https://example.org/a> <https://example.org/p> "x" .\n<https://example.org/b> <p> .\n')
    with pytest.raises(InputError, match=r"broken\.ttl:2"):
        open_index([path], ontology=False)
