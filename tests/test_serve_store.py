"""``hckg serve`` reading the catalogue from hckg's store (``--store memory|disk|auto``) answers exactly as it
did from an rdflib graph: every resource of the small catalogue, in every profile and media type, the site's
files, the catalogue's pages, the dumps, stored queries and SPARQL, and the 404s, byte for byte with the
same headers (blank-node labels aside: they are the parser's, so RDF holding blank nodes is compared as a
graph)."""

import os
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from hckg.serve.app import create_app
from hckg.serve.catalogue import NAMESPACE, Catalogue
from hckg.serve.negotiation import HTML, RDF_MEDIA
from hckg.store import open_store
from hckg.store_source import StoreSource

from conftest import ROOT
from serve_catalogue import DATA
from servers import free_port

PREFIXES = "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/> "
SPARQL = [
    PREFIXES + "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; dct:title ?t } ORDER BY ?d",
    PREFIXES + "SELECT ?d (COUNT(?k) AS ?n) WHERE { ?d a dcat:Dataset ; dcat:keyword ?k } GROUP BY ?d ORDER BY ?d",
    PREFIXES + "SELECT ?d ?o WHERE { ?d dcat:temporal|dct:temporal ?p . ?p ?q ?o FILTER(isLiteral(?o)) } "
               "ORDER BY ?d ?o",
    PREFIXES + "ASK { ?d a dcat:DatasetSeries }",
    PREFIXES + "CONSTRUCT { ?d dct:title ?t } WHERE { ?d a dcat:Dataset ; dct:title ?t }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p }",
]


@pytest.fixture(scope="module")
def graph_catalogue():
    return Catalogue(DATA, store="graph")


@pytest.fixture(scope="module")
def graph_backed(graph_catalogue):
    return TestClient(create_app(graph_catalogue))


@pytest.fixture(scope="module", params=["memory", "disk"])
def store_backed(request, tmp_path_factory):
    os.environ["HCKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        return TestClient(create_app(Catalogue(DATA, store=request.param)))
    finally:
        del os.environ["HCKG_CACHE_DIR"]


def requests_to_compare(catalogue: Catalogue) -> list[tuple[str, dict]]:
    """(path, headers) of every resource in every profile and media type, and the rest of the server."""
    asked = []
    for path in catalogue.known_paths():
        iri = URIRef(NAMESPACE + path)
        for profile in catalogue.profiles(catalogue.kind(iri), iri):
            for media in (HTML,) + RDF_MEDIA:
                asked.append((f"{path}?" + urlencode({"_profile": profile, "_mediatype": media}), {}))
    for name in catalogue.site.names():
        asked.append((name, {}))
    for query in ("", "?page=2&per_page=2", "?per_page=1&since=2020-01-01", "?_profile=healthdcat-ap&per_page=3"):
        for media in (HTML,) + RDF_MEDIA:
            asked.append(("catalog" + query, {"Accept": media}))
    for media in RDF_MEDIA + ("application/n-quads",):
        for profile in ("hckg", "dcat-ap", "schemaorg"):
            asked.append((f"dump?_profile={profile}", {"Accept": media}))
    asked += [("", {}), ("", {"Accept": "text/turtle"}), ("context.jsonld", {}), ("health", {}), ("openapi.json", {}),
              ("queries", {}), ("queries/datasets-by-label?label=Pneumothorax", {"Accept": "application/json"}),
              ("queries/catalogue-statistics", {"Accept": "text/csv"}), ("dataset/alpha-xrai", {}),
              ("dataset/alpha-xray.croissant.json", {}), ("dataset/nothing.ttl", {}), ("..\\..\\pyproject.toml", {}),
              ("ontology", {"Accept": "text/turtle"}), ("ontology", {"Accept": "text/html"})]
    asked += [("sparql?" + urlencode({"query": q}), {"Accept": a})
              for q in SPARQL for a in ("application/sparql-results+json", "text/csv", "text/turtle", "text/html")]
    return asked


BLANK_NODE_LABELS = (b"_:", b"rdf:nodeID=")   # Turtle, N-Triples and JSON-LD; RDF/XML
PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml",
           "application/n-triples": "nt", "application/n-quads": "nquads"}


def rdf(body: bytes, media: str) -> Graph:
    return Graph().parse(data=body, format=PARSERS[media])


def test_the_store_backed_server_answers_as_the_graph_backed_one(graph_catalogue, graph_backed, store_backed):
    asked = requests_to_compare(graph_catalogue)
    assert len(asked) > 200
    differ = []
    for path, headers in asked:
        old, new = graph_backed.get("/" + path, headers=headers), store_backed.get("/" + path, headers=headers)
        if path == "health":
            old_body, new_body = old.json(), new.json()
            assert (old_body.pop("started") is not None, new_body.pop("started") is not None) == (True, True)
            assert old_body == new_body
            continue
        assert old.status_code == new.status_code, path
        if old.content == new.content:
            assert old.headers == new.headers, path
            continue
        media = old.headers["content-type"].split(";")[0]
        if not any(label in old.content + new.content for label in BLANK_NODE_LABELS):
            differ.append(path)
        elif media in PARSERS:
            assert isomorphic(rdf(old.content, media), rdf(new.content, media)), path
            assert {k: v for k, v in old.headers.items() if k not in ("etag", "content-length")} == \
                {k: v for k, v in new.headers.items() if k not in ("etag", "content-length")}, path
        else:
            differ.append(path)
    assert differ == []



def test_sparql_gives_literals_as_the_catalogue_wrote_them(store_backed):
    """The store holds "1000"^^xsd:nonNegativeInteger as xsd:integer; /sparql answers with the source's term."""
    query = "SELECT ?n WHERE { ?d <http://healthdataportal.eu/ns/health#numberOfUniqueIndividuals> ?n }"
    answer = store_backed.get("/sparql?" + urlencode({"query": query}),
                              headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"] == [{"n": {
        "type": "literal", "value": "1000", "datatype": "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"}}]


def test_start_up_reads_no_dataset_entry_and_a_page_reads_only_its_own():
    catalogue = Catalogue(DATA, store="memory")
    assert len(catalogue.datasets) == 5 and not any(catalogue.site.has_entry(d) for d in catalogue.datasets)
    client = TestClient(create_app(catalogue))
    assert client.get("/dataset/alpha-xray", headers={"Accept": "text/html"}).status_code == 200
    assert [d for d in catalogue.datasets if catalogue.site.has_entry(d)] == [URIRef(NAMESPACE + "dataset/alpha-xray")]
    assert client.get("/index.html").status_code == 200   # the index reads every entry
    assert all(catalogue.site.has_entry(d) for d in catalogue.datasets)


def serve(args: list[str], env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "hckg", "serve", "--port", str(port), "--base", base, "--no-access-log",
               "--data", str(DATA[0]), "--data", str(DATA[1]), *args]
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **env},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _attempt in range(600):   # up to a minute on a busy machine
        if process.poll() is not None:
            pytest.fail(f"hckg serve exited {process.returncode}: {process.stderr.read()}")
        try:
            if requests.get(base + "health", timeout=2).status_code == 200:
                return process, base
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    pytest.fail("hckg serve did not start")


@pytest.mark.parametrize("where", ["disk", "memory"])
def test_the_store_option_over_http(where, tmp_path):
    expected = TestClient(create_app(Catalogue(DATA, store="graph", base="http://x/")))
    process, base = serve(["--store", where], {"HCKG_CACHE_DIR": str(tmp_path)})
    try:
        health = requests.get(base + "health").json()
        assert (health["datasets"], health["triples"]) == (5, expected.get("/health").json()["triples"])
        for path, accept in (("dataset/alpha-xray", "text/html"), ("dataset/beta-records", "text/turtle"),
                             ("queries/datasets-by-label?label=Pneumothorax", "application/json")):
            got = requests.get(base + path, headers={"Accept": accept})
            assert got.status_code == 200
            assert got.content == expected.get("/" + path, headers={"Accept": accept}).content.replace(
                b"http://x/", base.encode())
    finally:
        process.terminate()
        process.wait(30)
    assert (tmp_path / "stores").is_dir() == (where == "disk")   # only disk keeps a store


def test_an_unknown_store_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "hckg", "serve", "--store", "graph", "--port", "0"],
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True)
    assert result.returncode == 2 and "Invalid value for '--store'" in result.stderr


def test_a_pinned_description_outlives_the_emptying_of_the_cache():
    store = open_store(DATA, where="memory")
    source = StoreSource(store, cache_subjects=3)
    catalog, *datasets = [URIRef(NAMESPACE + p) for p in ("catalog", "dataset/alpha-xray", "dataset/beta-records",
                                                            "agent/beta-lab", "ontology")]
    source.pin(catalog)
    pinned, unpinned = source.description(catalog), source.description(datasets[0])
    for node in datasets[1:]:   # the cache fills and is emptied
        source.description(node)
    assert source.description(catalog) is pinned and source.description(datasets[0]) is not unpinned
    assert source.description(catalog) == StoreSource(store).description(catalog)


def test_an_indexed_predicate_gives_the_values_the_descriptions_give():
    store = open_store(DATA, where="memory")
    indexed, plain = StoreSource(store), StoreSource(store)
    indexed.index(FOAF.primaryTopic)
    records = sorted(set(plain.subjects(FOAF.primaryTopic, None)))
    assert len(records) >= 2
    for node in records + [URIRef(NAMESPACE + "dataset/alpha-xray")]:
        assert indexed.value(node, FOAF.primaryTopic) == plain.value(node, FOAF.primaryTopic)
    assert indexed.cached() == 0   # answered without reading the records' descriptions
