"""The embedded store (hckg.store): what it holds, source literals kept as parsed, the on-disk cache."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from hckg import store as store_module
from hckg.errors import InputError, UsageError
from hckg.graph import load_graph
from hckg.store import SOURCE_LITERALS, open_store, store_from_graph, to_rdflib

from conftest import FIXTURES, ROOT

XSD = "http://www.w3.org/2001/XMLSchema#"
SRC = str(ROOT / "src")


def as_parsed(catalogue) -> Graph:
    """The store's triples with each XSD-typed literal replaced by its kept source form."""
    graph = Graph()
    for quad in catalogue.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.datatype.value.startswith(XSD) and obj.datatype.value != XSD + "string":
            continue
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(obj)))
    for quad in catalogue.store.quads_for_pattern(None, None, None, ox.NamedNode(SOURCE_LITERALS)):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


@pytest.mark.parametrize("where", ["memory", "disk"])
def test_store_holds_what_rdflib_reads(where):
    catalogue = open_store(where=where)
    assert isomorphic(as_parsed(catalogue), load_graph())


def test_store_from_graph_keeps_blank_node_ids():
    graph = load_graph([FIXTURES / "mini.ttl"])
    assert set(as_parsed(store_from_graph(graph))) == set(graph)


def test_kept_literals_are_the_parsed_terms(tmp_path):
    path = tmp_path / "numbers.ttl"
    path.write_text('@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<https://example.org/a> <https://example.org/n> "-1"^^xsd:nonNegativeInteger, "007"^^xsd:int,'
                    ' "1.50"^^xsd:decimal, "2017"^^xsd:gYear, "text" .\n')
    catalogue = open_store([path], ontology=False, where="memory")
    stored = {(q.object.value, q.object.datatype.value) for q in catalogue.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    kept = {(q.object.value, q.object.datatype.value) for q in catalogue.store.quads_for_pattern(None, None, None, ox.NamedNode(SOURCE_LITERALS))}
    # the trap: pyoxigraph's store rewrites derived integers and decimals
    assert ("-1", XSD + "integer") in stored and ("7", XSD + "integer") in stored and ("1.5", XSD + "decimal") in stored
    prefix = store_module.SOURCE_DATATYPE
    assert kept == {("-1", prefix + XSD + "nonNegativeInteger"), ("007", prefix + XSD + "int"),
                    ("1.50", prefix + XSD + "decimal"), ("2017", prefix + XSD + "gYear")}
    assert catalogue.literal_predicates == {"https://example.org/n"}


def test_display_prefixes_are_rdflibs():
    assert dict(open_store(where="memory").names.namespaces()) == dict(load_graph().namespaces())


def test_cached_store_is_reused_until_a_file_changes(tmp_path):
    path = tmp_path / "mini.ttl"
    path.write_bytes((FIXTURES / "mini.ttl").read_bytes())
    first = open_store([path])
    built = (first.location / "meta.json").stat().st_mtime_ns
    second = open_store([path])
    assert second.location == first.location and (second.location / "meta.json").stat().st_mtime_ns == built
    path.write_text(path.read_text() + "\n<https://example.org/x> <https://example.org/y> <https://example.org/z> .\n")
    third = open_store([path])
    assert third.location != first.location and third.triples == first.triples + 1


def test_key_of_unchanged_files_is_remembered(tmp_path, monkeypatch):
    path = tmp_path / "mini.ttl"
    path.write_bytes((FIXTURES / "mini.ttl").read_bytes())
    # just written: a change within RACY_SECONDS of hashing could go unseen, so the key is not remembered
    key = store_module.store_key([path])
    assert store_module.remembered_key([path]) is None and store_module.store_key([path]) == key
    monkeypatch.setattr(store_module, "RACY_SECONDS", 0)  # as if the file were older
    key = store_module.store_key([path])
    assert store_module.remembered_key([path]) == key
    assert open_store([path], ontology=False).location.name == key
    path.write_text(path.read_text().replace("Mini", "Mono"))  # same size, new content
    assert store_module.remembered_key([path]) is None
    assert store_module.store_key([path]) != key


def test_concurrent_builds_leave_one_store(tmp_path):
    path = tmp_path / "catalogue.ttl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks/generate.py"), "300", "-o", str(path)], check=True,
                   capture_output=True)
    cache = tmp_path / "cache"
    code = f"from hckg.store import open_store; print(open_store([{str(path)!r}]).location)"
    env = dict(os.environ, HCKG_CACHE_DIR=str(cache), PYTHONPATH=SRC)
    runs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for _ in range(3)]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert len({out.strip() for out, _err in outputs}) == 1
    assert [p.name for p in (cache / "stores").iterdir()] == [Path(outputs[0][0].decode().strip()).name]


def test_old_stores_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("HCKG_CACHE_DIR", str(tmp_path))
    stores = tmp_path / "stores"
    stale = time.time() - 2 * store_module.STALE_SECONDS
    for name in ["a", "b", "c", "d", ".building-x"]:
        (stores / name).mkdir(parents=True)
        os.utime(stores / name, (stale, stale))
    os.utime(stores / "a", None)  # used just now
    kept = open_store([FIXTURES / "mini.ttl"]).location
    remaining = sorted(p.name for p in stores.iterdir())
    # the KEEP_STORES most recently used (the new one and "a" among them); stale builds go
    assert kept.name in remaining and "a" in remaining and ".building-x" not in remaining
    assert len(remaining) == store_module.KEEP_STORES


def test_syntax_error_names_file_and_line_as_rdflib_does(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    with pytest.raises(InputError) as caught:
        open_store([path], where="memory")
    assert str(caught.value) == f"{path}:3: Turtle syntax error: newline found in string literal"


def test_syntax_error_in_a_big_file_uses_pyoxigraphs_message(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "REFERENCE_MESSAGE_BYTES", 0)
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    with pytest.raises(InputError) as caught:
        open_store([path], where="disk")
    assert str(caught.value).startswith(f"{path}:3: Turtle syntax error: ")
    assert not any((Path(os.environ["HCKG_CACHE_DIR"]) / "stores").glob(".building-*"))


def test_unknown_store_kind_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown store 'ram'; use one of disk, memory, auto"):
        open_store(where="ram")
