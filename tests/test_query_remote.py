"""`hckg query --endpoint`: the stored queries on a real SPARQL server give the embedded store's rows.

The server is Oxigraph (`pip install oxigraph` ships the `oxigraph` binary), started in memory on a
free loopback port with the fixture catalogue loaded into a named graph. Tests skip when the binary
is missing. Endpoint failures are played by small HTTP servers in-process.
"""

import json
import re
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from query_cases import CASES, DESCRIPTION, FIXTURE_CATALOGUE
from servers import free_port, oxigraph_binary
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from hckg.cli import cli
from hckg.engines import RemoteEngine
from hckg.errors import HckgError
from hckg.graph import load_graph
from hckg.queries import answer

GRAPH = "https://w3id.org/hckg/catalog"


@pytest.fixture(scope="module")
def endpoint():
    """An in-memory Oxigraph server holding the fixture catalogue (with the ontology) in GRAPH."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()  # "Listening for requests at http://…" once it is bound
        assert "Listening" in line, f"oxigraph did not start: {line}{server.stderr.read()}"
        data = load_graph([FIXTURE_CATALOGUE]).serialize(format="nt", encoding="utf-8")
        request = urllib.request.Request(f"http://127.0.0.1:{port}/store?graph={GRAPH}", data=data, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=30).close()
        yield f"http://127.0.0.1:{port}/query"
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


# --- parity with the embedded store --------------------------------------------------------------

@pytest.mark.parametrize("name, params, expected", CASES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)])
def test_stored_query_rows_on_oxigraph(endpoint, name, params, expected):
    assert answer(name, params=params.items(), fmt="csv", endpoint=endpoint, graphs=[GRAPH]).text == expected


def _integers_as_xsd_integer(graph: Graph) -> Graph:
    """Oxigraph stores every integer-derived datatype as xsd:integer (servers.md §2)."""
    normal = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.nonNegativeInteger:
            o = Literal(str(o), datatype=XSD.integer)
        normal.add((s, p, o))
    return normal


def test_construct_on_oxigraph(endpoint):
    text = answer("dataset-description", params=[("dataset", "https://w3id.org/hckg/dataset/xray-a")],
                  fmt="turtle", endpoint=endpoint, graphs=[GRAPH]).text
    got = Graph().parse(data=text, format="turtle")
    want = Graph().parse(data=DESCRIPTION, format="turtle")
    assert isomorphic(_integers_as_xsd_integer(got), _integers_as_xsd_integer(want))


def test_cli_with_endpoint_and_ask(endpoint):
    runner = CliRunner()
    result = runner.invoke(cli, ["query", "datasets-by-label", "-p", "label", "Effusion", "--endpoint", endpoint,
                                 "--graph", GRAPH, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [row["title"] for row in json.loads(result.stdout)] == ["X-ray Set A", "X-ray Set B1", "X-ray Set B2"]
    asked = runner.invoke(cli, ["query", "--file", "-", "--endpoint", endpoint, "--graph", GRAPH, "-f", "csv"],
                          input="ASK { <https://w3id.org/hckg/dataset/survey> ?p ?o }")
    assert asked.stdout == "boolean\ntrue\n"


def test_without_graph_the_default_graph_is_empty(endpoint):
    """Oxigraph's default graph is not the union of its graphs: --graph chooses what to query."""
    text = answer("catalogue-statistics", fmt="csv", endpoint=endpoint).text
    assert "datasets,0\n" in text


def test_endpoint_syntax_error_is_reported(endpoint):
    result = CliRunner().invoke(cli, ["query", "--file", "-", "--endpoint", endpoint],
                                input="SELECT * WHERE { ?s ?p }")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: SPARQL endpoint {endpoint} answered HTTP 400: ")
    assert result.stderr.count("\n") == 1


def test_wrong_endpoint_path_is_reported(endpoint):
    wrong = endpoint.replace("/query", "/nothing")
    with pytest.raises(HckgError, match=f"SPARQL endpoint {wrong} answered HTTP 404"):
        RemoteEngine(wrong, retries=0).select("SELECT * WHERE { ?s ?p ?o }")


# --- failures, played by small servers ------------------------------------------------------------

class Scripted(BaseHTTPRequestHandler):
    """Answers each POST with the next (status, media type, body) of the server's script."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        if self.server.hold is not None:
            self.server.hold.wait(10)  # never answer in time
            return
        status, media, body = self.server.script.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.daemon_threads = True
    server.script, server.requests, server.hold = [], 0, None
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    if server.hold is not None:
        server.hold.set()
    server.shutdown()
    server.server_close()


def url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/sparql"


EMPTY = (200, "application/sparql-results+json", b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}')


def test_transient_failure_is_retried(scripted):
    scripted.script = [(503, "text/plain", b"busy"), EMPTY]
    table = RemoteEngine(url(scripted), retries=1, backoff=0).select("SELECT ?x WHERE { ?x ?p ?o }")
    assert (table.columns, table.rows, scripted.requests) == (["x"], [], 2)


def test_transient_failure_without_retries_is_reported(scripted):
    scripted.script = [(503, "text/plain", b"busy\nmore")]
    with pytest.raises(HckgError, match=r"^SPARQL endpoint http://\S+ answered HTTP 503: busy$"):
        RemoteEngine(url(scripted), retries=0).select("SELECT ?x WHERE { ?x ?p ?o }")


def test_server_error_is_not_retried(scripted):
    scripted.script = [(500, "text/plain", b"SR186: No permission")]
    with pytest.raises(HckgError, match="answered HTTP 500: SR186: No permission$"):
        RemoteEngine(url(scripted), retries=3, backoff=0).select("SELECT ?x WHERE { ?x ?p ?o }")
    assert scripted.requests == 1


@pytest.mark.parametrize("media, body, detail", [
    ("text/html", b"<html>login</html>", re.escape("expected application/sparql-results+json, got text/html")),
    ("application/sparql-results+json", b"{not json", "not JSON"),
    ("application/sparql-results+json", b'{"head": {}}', "bad SPARQL JSON results"),
    ("application/sparql-results+json", b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "odd"}}]}}',
     "bad SPARQL JSON results .ValueError: unknown term type 'odd'."),
], ids=["html", "not-json", "no-results", "odd-term"])
def test_malformed_results_are_reported(scripted, media, body, detail):
    scripted.script = [(200, media, body)]
    with pytest.raises(HckgError, match=f"returned malformed results: {detail}"):
        RemoteEngine(url(scripted), retries=0).select("SELECT ?x WHERE { ?x ?p ?o }")


def test_virtuoso_typed_literals_are_read(scripted):
    body = {"head": {"vars": ["n", "t"]}, "results": {"bindings": [{
        "n": {"type": "typed-literal", "datatype": str(XSD.integer), "value": "7"},
        "t": {"type": "literal", "xml:lang": "en", "value": "Seven"}}]}}
    scripted.script = [(200, "application/sparql-results+json", json.dumps(body).encode())]
    table = RemoteEngine(url(scripted)).select("SELECT ?n ?t WHERE { ?s ?p ?o }")
    assert table.rows == [(Literal(7), Literal("Seven", lang="en"))]


def test_graph_in_an_unexpected_format_is_reported(scripted):
    scripted.script = [(200, "application/sparql-results+json", b"{}")]
    with pytest.raises(HckgError, match="returned malformed results: expected an RDF graph"):
        RemoteEngine(url(scripted)).construct("CONSTRUCT WHERE { ?s ?p ?o }")


def test_slow_endpoint_times_out(scripted):
    scripted.hold = threading.Event()
    with pytest.raises(HckgError, match=r"^SPARQL endpoint http://\S+ did not answer within 0.2 s$"):
        RemoteEngine(url(scripted), timeout=0.2, retries=0).select("SELECT ?x WHERE { ?x ?p ?o }")


def test_unreachable_endpoint_is_one_line_exit_1():
    closed = f"http://127.0.0.1:{free_port()}/sparql"
    result = CliRunner().invoke(cli, ["query", "catalogue-statistics", "--endpoint", closed, "--retries", "0"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot reach SPARQL endpoint {closed}: Connection refused\n"
