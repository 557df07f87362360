"""hckg serve /sparql: the SPARQL 1.1 Protocol, read-only, with a time limit and size caps."""

import asyncio
import csv
import io
import threading
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS
from starlette.testclient import TestClient

from hckg.graph import load_graph
from hckg.serve.app import create_app
from hckg.serve.problems import Problem
from hckg.serve.sparql import Limits, Runner

from serve_catalogue import DATA

PREFIXES = "PREFIX dcat: <http://www.w3.org/ns/dcat#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"
TITLES = PREFIXES + "SELECT ?d ?title WHERE { ?d a dcat:Dataset ; dct:title ?title } ORDER BY ?title LIMIT 2"
NS = "https://w3id.org/hckg/"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"


def titles_json():
    return {"head": {"vars": ["d", "title"]}, "results": {"bindings": [
        {"d": {"type": "uri", "value": NS + "dataset/alpha-xray"},
         "title": {"type": "literal", "value": "Alpha chest X-rays", "xml:lang": "en"}},
        {"d": {"type": "uri", "value": NS + "dataset/beta-records"},
         "title": {"type": "literal", "value": "Beta hospital records", "xml:lang": "en"}}]}}


def test_a_query_by_get_post_form_and_post_body_answers_sparql_json(client):
    for response in (client.get("/sparql", params={"query": TITLES}),
                     client.post("/sparql", data={"query": TITLES}),
                     client.post("/sparql", content=TITLES.encode(), headers={"Content-Type": "application/sparql-query"})):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
        assert response.json() == titles_json()


@pytest.mark.parametrize("how", [{"headers": {"Accept": "application/json"}}, {"params": {"format": "json"}},
                                 {"params": {"output": "json"}}, {"params": {"_mediatype": "application/sparql-results+json"}}])
def test_the_json_names_clients_use(client, how):
    params = {"query": TITLES, **how.get("params", {})}
    response = client.get("/sparql", params=params, headers=how.get("headers", {}))
    assert response.json() == titles_json()


def test_xml_csv_and_tsv_results(client):
    xml = client.get("/sparql", params={"query": TITLES}, headers={"Accept": "application/sparql-results+xml"})
    root = ElementTree.fromstring(xml.content)
    assert [v.get("name") for v in root.iter(f"{RESULTS}variable")] == ["d", "title"]
    literal = next(root.iter(f"{RESULTS}literal"))
    assert (literal.text, literal.get("{http://www.w3.org/XML/1998/namespace}lang")) == ("Alpha chest X-rays", "en")
    text = client.get("/sparql", params={"query": TITLES}, headers={"Accept": "text/csv"}).text
    assert list(csv.reader(io.StringIO(text))) == [["d", "title"], [NS + "dataset/alpha-xray", "Alpha chest X-rays"],
                                                   [NS + "dataset/beta-records", "Beta hospital records"]]
    tsv = client.get("/sparql", params={"query": TITLES}, headers={"Accept": "text/tab-separated-values"})
    assert tsv.text == (f"?d\t?title\n<{NS}dataset/alpha-xray>\t\"Alpha chest X-rays\"@en\n"
                        f"<{NS}dataset/beta-records>\t\"Beta hospital records\"@en\n")
    html = client.get("/sparql", params={"query": TITLES}, headers={"Accept": "text/html"})
    assert "<td>Alpha chest X-rays</td>" in html.text


def test_ask_construct_and_describe(client):
    ask = PREFIXES + "ASK { ?d a dcat:DatasetSeries }"
    assert client.get("/sparql", params={"query": ask}).json() == {"head": {}, "boolean": True}
    xml = ElementTree.fromstring(client.get("/sparql", params={"query": ask},
                                            headers={"Accept": "application/sparql-results+xml"}).content)
    assert next(xml.iter(f"{RESULTS}boolean")).text == "true"
    construct = PREFIXES + "CONSTRUCT { ?d dct:title ?t } WHERE { ?d a dcat:Dataset ; dct:title ?t }"
    expected = load_graph(DATA).query(construct).graph
    turtle = client.get("/sparql", params={"query": construct})
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert isomorphic(Graph().parse(data=turtle.text, format="turtle"), expected)
    as_jsonld = client.get("/sparql", params={"query": construct}, headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=as_jsonld.text, format="json-ld"), expected)
    describe = client.get("/sparql", params={"query": f"DESCRIBE <{NS}agent/beta-lab>"},
                          headers={"Accept": "application/n-triples"})
    assert (URIRef(NS + "agent/beta-lab"), None, Literal("Beta Lab", lang="en")) in Graph().parse(
        data=describe.text, format="nt")
    assert client.get("/sparql", params={"query": ask}, headers={"Accept": "text/csv"}).status_code == 406


@pytest.mark.parametrize("how", [
    {"params": {"query": "DROP ALL"}},
    {"params": {"update": "DROP ALL"}},
    {"data": {"update": f"INSERT DATA {{ <{NS}x> <{NS}y> <{NS}z> }}"}},
    {"content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
    {"content": b"CLEAR DEFAULT", "headers": {"Content-Type": "application/sparql-query"}},
    {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}},
])
def test_updates_are_refused_and_change_nothing(client, catalogue, how):
    before = len(catalogue.store.store)
    method = client.get if "params" in how else client.post
    response = method("/sparql", **how)
    assert response.status_code in (400, 403)
    assert "read-only" in response.text
    assert len(catalogue.store.store) == before


@pytest.mark.parametrize("query, status, message", [
    ("SELECT * WHERE { ?s ?p }", 400, "SPARQL syntax error at line 1"),
    ("SELECT * WHERE { ?s a foo:Dataset }", 400, "cannot read the query: Unknown namespace prefix : foo"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400, "SERVICE is not supported"),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", 400, "graph <http://example.org/g>: this endpoint "
                                                                    "holds one graph"),
    ("  ", 400, "query: empty"),
    ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", 400, "the query cannot be evaluated"),
])
def test_bad_queries_are_a_400_that_says_why(client, query, status, message):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == status and message in response.text, response.text


def test_the_catalogues_own_graph_name_is_accepted(client):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{NS}catalog> WHERE {{ ?s ?p ?o }}"
    assert client.get("/sparql", params={"query": query}).status_code == 200
    other = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "http://example.org/g"})
    assert other.status_code == 400


def test_post_needs_a_query_content_type(client):
    response = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and "application/sparql-query" in response.text
    bad = client.post("/sparql", content=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"})
    assert bad.status_code == 400 and "not UTF-8" in bad.text


def test_without_a_query_the_endpoint_describes_itself(client):
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<textarea" in page.text
    description = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (URIRef(NS + "sparql"), URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in description


def test_an_answer_over_the_result_cap_is_refused_not_truncated(catalogue):
    small = TestClient(create_app(catalogue, Limits(max_results=3)))
    response = small.get("/sparql", params={"query": PREFIXES + "SELECT ?d WHERE { ?d a dcat:Dataset }"})
    assert response.status_code == 422 and "more than 3 rows; add LIMIT" in response.text
    assert small.get("/sparql", params={"query": PREFIXES + "SELECT ?d WHERE { ?d a dcat:Dataset } LIMIT 3"}
                     ).status_code == 200
    graph = small.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert graph.status_code == 422 and "more than 3 triples" in graph.text


def query_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hckg-query"]


def test_a_query_past_its_deadline_is_stopped_and_the_server_goes_on(catalogue):
    quick = TestClient(create_app(catalogue, Limits(timeout=0.3, max_running=1, max_results=10**12)))
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"   # a cross product: rows for a long time
    response = quick.get("/sparql", params={"query": endless})
    assert response.status_code == 503 and "ran longer than 0.3 s and was stopped" in response.text
    for thread in query_threads():   # the interrupted thread ends; it does not run on in the background
        thread.join(30)
        assert not thread.is_alive()
    assert quick.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True   # its slot is free again


def test_when_every_slot_is_busy_a_query_waits_for_none():
    runner = Runner(Limits(timeout=30, max_running=1))
    release = threading.Event()

    async def both():
        first = asyncio.ensure_future(runner.run(lambda stop: release.wait(30)))
        await asyncio.sleep(0)
        with pytest.raises(Problem) as busy:
            await runner.run(lambda stop: "never")
        release.set()
        return await first, busy.value

    done, busy = asyncio.run(both())
    assert done is True and (busy.status, busy.headers) == (503, {"Retry-After": "2"})


def test_get_and_post_give_the_same_answer_as_rdflib(client):
    query = PREFIXES + "SELECT ?d (COUNT(?t) AS ?n) WHERE { ?d a dcat:Dataset ; dcat:theme ?t } GROUP BY ?d ORDER BY ?d"
    rows = [(str(r.d), int(r.n)) for r in load_graph(DATA).query(query)]
    answer = client.get("/sparql?" + urlencode({"query": query})).json()["results"]["bindings"]
    assert [(b["d"]["value"], int(b["n"]["value"])) for b in answer] == rows
    assert (URIRef(NS + "dataset/alpha-xray"), DCTERMS.title, None) in load_graph(DATA)
