"""hckg publish: Graph Store PUT or chunked SPARQL Update into a staging graph, count check, atomic swap,
content-hash no-op, and the faults (unreachable, wrong password, server error or kill mid-load, bad IRI)
against a real Virtuoso and a real Oxigraph server (tests/servers.py)."""

import itertools
import re
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import FIXTURES
from fault_proxy import FaultProxy
from hckg.cli import cli
from hckg.errors import UsageError
from hckg.graph import load_graph
from hckg.progress import Progress, Stage
from hckg.publish import (PUBLICATIONS_GRAPH, Credentials, Endpoints, content_hash, count_triples, endpoints_for,
                          publish, staging_iri, update_chunks)
from servers import free_port

V1 = FIXTURES / "publish" / "v1.ttl"
V2 = FIXTURES / "publish" / "v2.ttl"


def run(*args):
    return CliRunner().invoke(cli, ["publish", *map(str, args)])


def recorded(server, graph_iri):
    """The (hash, triples, modified) rows the store records for ``graph_iri``."""
    return server.client().select(
        "PREFIX spdx: <http://spdx.org/rdf/terms#> PREFIX void: <http://rdfs.org/ns/void#> "
        "PREFIX dct: <http://purl.org/dc/terms/> "
        f"SELECT ?hash ?triples ?modified WHERE {{ GRAPH <{PUBLICATIONS_GRAPH}> {{ <{graph_iri}> "
        "spdx:checksum/spdx:checksumValue ?hash ; void:triples ?triples ; dct:modified ?modified } }")


def publish_v1(server, graph_iri):
    result = run(V1, "--endpoint", server.endpoint, "--graph", graph_iri, *server.auth_args)
    assert result.exit_code == 0, result.output
    return load_graph([V1])


def assert_failed_cleanly(result, server, graph_iri, previous: Graph, says: str):
    """One-line error, non-zero exit, no password shown, and the previously published graph complete."""
    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert says in result.stderr, result.stderr
    if server.credentials:
        assert server.credentials.password not in result.output
    assert isomorphic(server.graph(graph_iri), previous)
    assert [row["hash"].lower() for row in recorded(server, graph_iri)] == [content_hash(previous)]


# --- without a server -----------------------------------------------------------------------------

def test_endpoints_follow_the_server_layout():
    assert endpoints_for("http://h:8890/sparql", authenticated=True) == Endpoints(
        "http://h:8890/sparql-auth", "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth")
    assert endpoints_for("http://h:8890/sparql", authenticated=False).query == "http://h:8890/sparql"
    assert endpoints_for("http://h:7878/query", authenticated=False) == Endpoints(
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store")
    assert endpoints_for("http://h/fuseki/ds", authenticated=True) == Endpoints(*["http://h/fuseki/ds"] * 3)


def test_credentials_come_from_options_or_an_environment_variable():
    assert Credentials.from_options(None, None, None) is None
    assert Credentials.from_options("u", "p", None) == Credentials("u", "p")
    assert Credentials.from_options(None, None, "AUTH", {"AUTH": "u:p:q"}) == Credentials("u", "p:q")
    assert "secret" not in repr(Credentials("u", "secret"))
    for user, password, env, environ, says in [
        ("u", None, None, {}, "--user and --password go together"),
        ("u", "p", "AUTH", {"AUTH": "u:p"}, "not both"),
        (None, None, "AUTH", {}, "AUTH (from --auth-env) is not set"),
        (None, None, "AUTH", {"AUTH": "nocolon"}, "must hold USER:PASSWORD"),
    ]:
        with pytest.raises(UsageError, match=re.escape(says)):
            Credentials.from_options(user, password, env, environ)


def test_content_hash_ignores_blank_node_labels_and_changes_with_content():
    first, second = load_graph([V1]), load_graph([V1])
    assert content_hash(first) == content_hash(second)
    second.add((URIRef("https://w3id.org/hckg/catalog"), URIRef("urn:p"), Literal("x")))
    assert content_hash(first) != content_hash(second)


def blank_node_structures(graph):
    """The sets of blank nodes linked by triples of ``graph``; a triple without one is a structure of its own."""
    structures = []
    for s, _, o in graph:
        linked = {t for t in (s, o) if isinstance(t, BNode)} or {(s, o)}
        touching = [group for group in structures if group & linked]
        for group in touching:
            structures.remove(group)
            linked |= group
        structures.append(linked)
    return structures


nodes = st.one_of(st.sampled_from([BNode(f"b{i}") for i in range(6)]),
                  st.sampled_from([URIRef(f"urn:x{i}") for i in range(6)]))


@given(st.lists(st.tuples(nodes, st.just(URIRef("urn:p")), st.one_of(nodes, st.just(Literal("v")))), max_size=40),
       st.integers(min_value=1, max_value=8))
def test_update_chunks_cover_the_graph_and_keep_each_blank_node_in_one_chunk(triples, size):
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    chunks = update_chunks(graph, size)
    assert sorted(t for chunk in chunks for t in chunk) == sorted(graph)
    owners = {}
    for index, chunk in enumerate(chunks):
        for triple in chunk:
            for term in (triple[0], triple[2]):
                if isinstance(term, BNode):
                    assert owners.setdefault(term, index) == index
        if len(chunk) > size:   # only one blank-node structure may exceed the size, and then alone
            assert len(blank_node_structures(chunk)) == 1


def test_a_graph_iri_that_is_not_an_iri_is_refused_before_any_request():
    result = run(V1, "--endpoint", f"http://127.0.0.1:{free_port()}/sparql", "--graph", "not an iri")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --graph 'not an iri' is not an absolute IRI; "
                             "give one like https://example.org/graph\n")


def test_the_publications_record_graph_is_not_a_target():
    result = run(V1, "--endpoint", "http://127.0.0.1:1/sparql", "--graph", PUBLICATIONS_GRAPH)
    assert result.exit_code == 2
    assert "is where hckg keeps its own records" in result.stderr


def test_credentials_in_the_endpoint_url_are_refused_without_echoing_them():
    result = run(V1, "--endpoint", "http://u:hunter22@127.0.0.1:1/sparql")
    assert result.exit_code == 2
    assert "hunter22" not in result.output
    assert result.stderr.startswith("Error: --endpoint must not hold credentials")


# --- against Virtuoso and Oxigraph ----------------------------------------------------------------

def test_publish_loads_the_graph_and_republishing_it_is_a_no_op(triplestore, graph_iri):
    catalogue = load_graph([V1])
    short = content_hash(catalogue)[:12]
    result = run(V1, "--endpoint", triplestore.endpoint, "--graph", graph_iri, *triplestore.auth_args)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Published {len(catalogue)} triples (previously 0) to <{graph_iri}> "
                             f"at {triplestore.endpoint} by Graph Store PUT; content hash {short}.\n")
    assert isomorphic(triplestore.graph(graph_iri), catalogue)
    assert count_triples(triplestore.client(), staging_iri(graph_iri)) == 0
    [before] = recorded(triplestore, graph_iri)

    again = run(V1, "--endpoint", triplestore.endpoint, "--graph", graph_iri, *triplestore.auth_args)
    assert again.exit_code == 0
    assert again.stdout == (f"Unchanged: <{graph_iri}> at {triplestore.endpoint} already holds this catalogue "
                            f"({len(catalogue)} triples, content hash {short}); nothing was sent.\n")
    assert recorded(triplestore, graph_iri) == [before]


def test_publish_replaces_the_previous_graph(triplestore, graph_iri):
    publish_v1(triplestore, graph_iri)
    result = run(V2, "--endpoint", triplestore.endpoint, "--graph", graph_iri, *triplestore.auth_args)
    assert result.exit_code == 0, result.output
    assert f"(previously {len(load_graph([V1]))})" in result.stdout
    assert isomorphic(triplestore.graph(graph_iri), load_graph([V2]))
    assert [row["hash"].lower() for row in recorded(triplestore, graph_iri)] == [content_hash(load_graph([V2]))]


def test_publish_by_sparql_update_in_chunks(triplestore, graph_iri):
    catalogue = load_graph([V2])
    outcome = publish(triplestore.endpoint, graph=catalogue, graph_iri=graph_iri,
                      credentials=triplestore.credentials, method="update", chunk_size=7)
    assert outcome.method == f"SPARQL Update in {len(update_chunks(catalogue, 7))} requests"
    assert isomorphic(triplestore.graph(graph_iri), catalogue)


class RecordedProgress(Progress):
    """Keeps each stage's label, total and final count."""

    def __init__(self):
        self.stages: list[tuple[str, int | None, int]] = []

    @contextmanager
    def stage(self, label, total=None):
        stage = Stage(label, total)
        yield stage
        self.stages.append((label, total, stage.done))


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_publish_reports_its_stages(oxigraph, graph_iri, method):
    progress = RecordedProgress()
    outcome = publish(oxigraph.endpoint, paths=[V2], graph_iri=graph_iri, method=method, chunk_size=7,
                      progress=progress)
    # the chunks' number depends on the order rdflib yields triples in, so it is read from the outcome
    requests = int(outcome.method.split(" in ")[1].split()[0]) if method == "update" else 1
    assert requests > 1 or method == "gsp"
    assert progress.stages == [("Loading", None, 0), ("Hashing", None, 0), ("Sending", requests, requests),
                               ("Swapping", None, 0)]


def test_publish_falls_back_to_sparql_update_without_a_graph_store(triplestore, graph_iri):
    with FaultProxy(triplestore.endpoint, lambda request: 405 if request.method == "PUT" else None) as proxy:
        endpoint = proxy.url(triplestore.endpoint)
        result = run(V1, "--endpoint", endpoint, "--graph", graph_iri, *triplestore.auth_args)
    assert result.exit_code == 0, result.output
    store = endpoints_for(endpoint, triplestore.credentials is not None).store
    assert f"by SPARQL Update in 1 request ({store} answered HTTP 405 to a Graph Store PUT)" in result.stdout
    assert isomorphic(triplestore.graph(graph_iri), load_graph([V1]))


def test_dry_run_reads_but_writes_nothing(triplestore, graph_iri):
    previous = publish_v1(triplestore, graph_iri)
    with FaultProxy(triplestore.endpoint, lambda request: None) as proxy:
        result = run(V2, "--endpoint", proxy.url(triplestore.endpoint), "--graph", graph_iri, "--dry-run",
                     *triplestore.auth_args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Would publish {len(load_graph([V2]))} triples (previously "
                                    f"{len(previous)}) to <{graph_iri}>")
    assert {request.method for request in proxy.seen} == {"GET"}
    assert isomorphic(triplestore.graph(graph_iri), previous)


def test_publish_the_catalogue_itself(triplestore):
    catalogue = load_graph()
    graph_iri = f"https://example.org/test/catalogue-{triplestore.name}"
    result = run("--endpoint", triplestore.endpoint, "--graph", graph_iri, *triplestore.auth_args)
    assert result.exit_code == 0, result.output
    assert count_triples(triplestore.client(), graph_iri) == len(catalogue)
    assert run("--endpoint", triplestore.endpoint, "--graph", graph_iri,
               *triplestore.auth_args).stdout.startswith("Unchanged:")


# --- faults: each leaves the previously published graph complete ----------------------------------

def test_fault_unreachable_endpoint(triplestore, graph_iri):
    previous = publish_v1(triplestore, graph_iri)
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    result = run(V2, "--endpoint", endpoint, "--graph", graph_iri, *triplestore.auth_args)
    assert_failed_cleanly(result, triplestore, graph_iri, previous, "connection refused (is the server running?); "
                                                                    "nothing was changed")


def test_fault_wrong_password(virtuoso, graph_iri):
    previous = publish_v1(virtuoso, graph_iri)
    result = run(V2, "--endpoint", virtuoso.endpoint, "--graph", graph_iri, "--user", virtuoso.credentials.user,
                 "--password", "wrong-" + virtuoso.credentials.password)
    assert_failed_cleanly(result, virtuoso, graph_iri, previous,
                          f"refused the credentials of user '{virtuoso.credentials.user}' (HTTP 401)")
    assert virtuoso.credentials.password not in result.output


def test_fault_no_credentials_where_the_store_needs_them(virtuoso, graph_iri):
    previous = publish_v1(virtuoso, graph_iri)
    result = run(V2, "--endpoint", virtuoso.endpoint, "--graph", graph_iri)
    assert_failed_cleanly(result, virtuoso, graph_iri, previous, "needs credentials (HTTP 401)")


def test_fault_password_from_the_environment(virtuoso, graph_iri, monkeypatch):
    monkeypatch.setenv("HCKG_TEST_AUTH", f"{virtuoso.credentials.user}:{virtuoso.credentials.password}")
    result = run(V1, "--endpoint", virtuoso.endpoint, "--graph", graph_iri, "--auth-env", "HCKG_TEST_AUTH")
    assert result.exit_code == 0, result.output
    assert virtuoso.credentials.password not in result.output
    assert isomorphic(virtuoso.graph(graph_iri), load_graph([V1]))


def test_fault_bad_graph_iri_leaves_the_published_graph(triplestore, graph_iri):
    previous = publish_v1(triplestore, graph_iri)
    result = run(V2, "--endpoint", triplestore.endpoint, "--graph", graph_iri + " x", *triplestore.auth_args)
    assert_failed_cleanly(result, triplestore, graph_iri, previous, "is not an absolute IRI")


def big_catalogue(tmp_path) -> str:
    """v2 plus enough datasets to need three SPARQL Update requests of 500 triples."""
    lines = [V2.read_text()]
    for i in range(400):
        lines.append(f'<https://w3id.org/hckg/dataset/bulk-{i}> a <http://www.w3.org/ns/dcat#Dataset> ; '
                     f'<http://purl.org/dc/terms/title> "Bulk {i}"@en ; <urn:n> {i} .')
    path = tmp_path / "big.ttl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def nth(matching, n):
    """A fault rule: true for the ``n``-th request that ``matching`` accepts."""
    seen = itertools.count(1)
    return lambda request: matching(request) and next(seen) == n


def loading(method):
    """Requests that load the staging graph: the Graph Store PUT, or the INSERT updates."""
    if method == "gsp":
        return lambda request: request.method == "PUT"
    return lambda request: request.method == "POST" and b"INSERT {" in request.body and b"MOVE" not in request.body


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_fault_server_error_mid_load(triplestore, graph_iri, method, tmp_path):
    previous = publish_v1(triplestore, graph_iri)
    fails = nth(loading(method), 1 if method == "gsp" else 2)
    with FaultProxy(triplestore.endpoint, lambda request: 500 if fails(request) else None) as proxy:
        endpoint = proxy.url(triplestore.endpoint)
        result = run(big_catalogue(tmp_path), "--endpoint", endpoint, "--graph", graph_iri, "--method", method,
                     *triplestore.auth_args)
    assert_failed_cleanly(result, triplestore, graph_iri, previous,
                          f"answered HTTP 500 Internal Server Error: Injected server error; "
                          f"the published graph <{graph_iri}> is unchanged")


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_fault_server_killed_mid_load(triplestore, graph_iri, method, tmp_path):
    previous = publish_v1(triplestore, graph_iri)
    fails = nth(loading(method), 1 if method == "gsp" else 2)
    try:
        with FaultProxy(triplestore.endpoint, lambda request: "kill" if fails(request) else None,
                        kill=triplestore.kill) as proxy:
            result = run(big_catalogue(tmp_path), "--endpoint", proxy.url(triplestore.endpoint), "--graph",
                         graph_iri, "--method", method, *triplestore.auth_args)
    finally:
        triplestore.start()   # the same database: what survived the kill
    assert_failed_cleanly(result, triplestore, graph_iri, previous,
                          f"the server closed the connection before answering; "
                          f"the published graph <{graph_iri}> is unchanged")
    # the next publish overwrites what the killed one left in the staging graph
    assert run(V2, "--endpoint", triplestore.endpoint, "--graph", graph_iri, *triplestore.auth_args).exit_code == 0
    assert isomorphic(triplestore.graph(graph_iri), load_graph([V2]))


def test_fault_server_killed_during_the_swap_leaves_the_old_or_the_new_graph(triplestore, graph_iri, tmp_path):
    previous = publish_v1(triplestore, graph_iri)
    swaps = nth(lambda request: request.method == "POST" and b"MOVE" in request.body, 1)
    new = big_catalogue(tmp_path)
    try:
        with FaultProxy(triplestore.endpoint, lambda request: "kill-after-send" if swaps(request) else None,
                        kill=triplestore.kill) as proxy:
            result = run(new, "--endpoint", proxy.url(triplestore.endpoint), "--graph", graph_iri,
                         *triplestore.auth_args)
    finally:
        triplestore.start()
    assert result.exit_code == 1
    assert result.stderr.endswith(f"<{graph_iri}> holds either the previous or the new catalogue, never a mix "
                                  "(the store applies the swap as one transaction); run publish again\n")
    found = triplestore.graph(graph_iri)
    assert isomorphic(found, previous) or isomorphic(found, load_graph([new]))
