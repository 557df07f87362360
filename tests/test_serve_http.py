"""hckg serve as a real uvicorn server in a subprocess, read over HTTP by the clients harvesters use:
an rdflib harvester following hydra:next, pyld with a document loader pointed at the server, extruct
on the landing pages, SPARQLWrapper, and raw requests a browser or a library would never send."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error

import pytest
import requests
from pyld import jsonld
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from SPARQLWrapper import JSON, POST, SPARQLWrapper, TURTLE

from hckg.export import export
from hckg.jsonld import load_context
from hckg.namespaces import DCAT

from conftest import ROOT
from serve_catalogue import DATA
from servers import free_port

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
NS = "https://w3id.org/hckg/"
extruct = pytest.importorskip("extruct")


@pytest.fixture(scope="module")
def server():
    """``hckg serve`` on a free loopback port, its base the server's own URL; stopped after the tests."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "hckg", "serve", "--port", str(port), "--base", base, "--no-access-log",
               "--data", str(DATA[0]), "--data", str(DATA[1])]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _attempt in range(600):   # up to a minute on a busy machine
            if process.poll() is not None:
                pytest.fail(f"hckg serve exited {process.returncode}: {process.stderr.read()}")
            try:
                if requests.get(base + "health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def exported(profile="dcat-ap") -> Graph:
    return Graph().parse(data=export(DATA, profile=profile, fmt="turtle"), format="turtle")


def harvest_turtle(start: str) -> tuple[Graph, set, int]:
    """What a ckanext-dcat / piveau style harvester does: GET with Accept: text/turtle, read the page's Hydra
    node (PagedCollection or PartialCollectionView), keep every other triple, follow next until there is none."""
    harvested, seen, url, total = Graph(), set(), start, None
    while url:
        assert url not in seen and len(seen) < 50, "the paging loops"
        seen.add(url)
        response = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
        response.raise_for_status()
        page = Graph().parse(data=response.text, format="turtle")
        views = set(page.subjects(RDF.type, HYDRA.PagedCollection)) | set(
            page.subjects(RDF.type, HYDRA.PartialCollectionView))
        [view] = views
        total = int(page.value(view, HYDRA.totalItems))
        following = page.value(view, HYDRA.next) or page.value(view, HYDRA.nextPage)
        url = str(following) if following is not None else None
        for s, p, o in page:
            if s != view:
                harvested.add((s, p, o))
    datasets = set(harvested.subjects(RDF.type, DCAT.Dataset))
    return harvested, datasets, total


def test_a_harvester_with_only_turtle_and_hydra_collects_the_whole_catalogue(server):
    harvested, datasets, total = harvest_turtle(server + "catalog?pageSize=2")
    assert len(datasets) == total == 5
    assert isomorphic(harvested, exported())


def test_pyld_with_a_loader_pointed_at_the_server_reads_every_page(server):
    requested = []

    def loader(url, options=None):
        requested.append(url)
        if not url.startswith(server):
            raise jsonld.JsonLdError(f"not ours: {url}", "jsonld.LoadDocumentError", code="loading document failed")
        response = requests.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": response.json()}

    harvested, url = Graph(), server + "catalog?pageSize=3"
    while url:
        document = loader(url)["document"]
        assert document["@context"] == server + "context.jsonld"
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
        page = Graph().parse(data=nquads, format="nquads")
        [view] = page.subjects(RDF.type, HYDRA.PagedCollection)
        following = page.value(view, HYDRA.next)
        url = str(following) if following is not None else None
        page.remove((view, None, None))
        harvested += page
    assert server + "context.jsonld" in requested
    assert isomorphic(harvested, exported())


def test_extruct_finds_one_dataset_on_each_landing_page(server):
    graph = exported()
    for dataset in sorted(graph.subjects(RDF.type, DCAT.Dataset)):
        url = server + str(dataset)[len(NS):]
        response = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
        found = extruct.extract(response.text, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]
        [item] = [i for i in found if i.get("@type") == "Dataset"]
        assert item["@id"] == str(dataset)


def test_curl_asking_for_the_schema_org_profile_gets_schema_org(server):
    response = requests.get(server + "dataset/alpha-xray", timeout=30, headers={
        "Accept": "application/ld+json", "Accept-Profile": "<https://schema.org/>"})
    body = response.json()
    assert (body["@context"], body["@type"]) == ("https://schema.org/", "Dataset")
    assert response.headers["Content-Profile"] == "<https://schema.org/>"


def test_sparqlwrapper_queries_and_cannot_update(server):
    client = SPARQLWrapper(server + "sparql")
    client.setQuery("PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT ?d WHERE { ?d a dcat:Dataset } ORDER BY ?d")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert rows[0]["d"]["value"] == NS + "dataset/alpha-xray" and len(rows) == 4
    client.setMethod(POST)
    client.setQuery(f"CONSTRUCT {{ <{NS}dataset/alpha-xray> ?p ?o }} WHERE {{ <{NS}dataset/alpha-xray> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert (URIRef(NS + "dataset/alpha-xray"), None, None) in graph
    before = requests.get(server + "health", timeout=30).json()["triples"]
    updater = SPARQLWrapper(server + "sparql")
    updater.setMethod(POST)
    updater.setQuery("DROP ALL")   # SPARQLWrapper sends it as an update (form field update=)
    with pytest.raises(urllib.error.HTTPError) as refused:
        updater.query()
    assert refused.value.code == 403
    refused = requests.post(server + "sparql", data="DROP ALL", timeout=30,
                            headers={"Content-Type": "application/sparql-update"})
    assert refused.status_code == 403 and "read-only" in refused.text
    assert requests.get(server + "health", timeout=30).json()["triples"] == before


def raw(server: str, request: bytes) -> bytes:
    """Send bytes as they are (no client normalises the path) and read the whole answer."""
    host, port = server.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("path", [b"/../../etc/passwd", b"/dataset/..%2f..%2f..%2fpyproject.toml",
                                  b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd", b"/dataset/../../../../etc/passwd",
                                  b"/..%5c..%5cpyproject.toml"])
def test_path_traversal_over_the_wire_finds_nothing(server, path):
    answer = raw(server, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status = answer.split(b"\r\n", 1)[0]
    assert status.split()[1] in (b"400", b"404"), status
    assert b"root:" not in answer and b"[build-system]" not in answer


def test_a_huge_declared_body_is_refused_before_it_is_read(server):
    answer = raw(server, b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                         b"Content-Length: 100000000\r\nConnection: close\r\n\r\nSELECT")
    assert answer.startswith(b"HTTP/1.1 413")


def test_malformed_requests_get_a_clean_answer(server):
    answer = raw(server, b"GET /dataset/alpha-xray HTTP/1.1\r\nHost: x\r\nAccept: \xff\xfe;;q=\r\n"
                         b"Accept-Profile: <<<\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200")
    assert raw(server, b"NONSENSE\r\n\r\n").startswith(b"HTTP/1.1 400")
    context = requests.get(server + "context.jsonld", timeout=30).json()
    assert context == json.loads(json.dumps(load_context("hckg")))
