"""Publishing the catalogue into a triplestore over the W3C protocols, atomically for readers.

The new content goes into a staging graph (SPARQL 1.1 Graph Store HTTP Protocol PUT, or SPARQL 1.1
Update in chunks when the server has no Graph Store endpoint), its triple count is checked, and one
SPARQL Update request then moves it over the published graph and records its content hash. A failure
before that request leaves the published graph as it was; the store applies the request as one
transaction. Publishing content whose hash is already recorded sends nothing.
"""

import hashlib
import os
import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from hckg.errors import HckgError, UsageError
from hckg.graph import load_graph
from hckg.namespaces import DEFAULT_BASE
from hckg.progress import NO_PROGRESS, Progress

CATALOG_IRI = DEFAULT_BASE + "catalog"
# One graph in the store records, for every graph hckg published there, its triple count and content hash.
PUBLICATIONS_GRAPH = DEFAULT_BASE + "publications"
# Virtuoso refuses an update whose generated SQL exceeds 10,000 lines (2,000 triples did, 1,000 did not);
# 500 is safe everywhere.
CHUNK_TRIPLES = 500
TIMEOUT = (10, 300)  # seconds to connect, seconds to wait for an answer
NTRIPLES = "application/n-triples"
# Answers to a Graph Store PUT meaning "no Graph Store here" (or "body too large"): use SPARQL Update instead.
NO_GRAPH_STORE = {404, 405, 413, 415, 501}

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+")

_PREFIXES = """PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


class PublishError(HckgError):
    """The triplestore could not be reached or refused a request (exit 1)."""


class NoAnswer(PublishError):
    """A request got no answer (connection refused or lost, timeout): the server may or may not have applied it."""


@dataclass(frozen=True)
class Credentials:
    """A user name and password for the store; the password never appears in a repr or a message."""

    user: str
    password: str = field(repr=False)

    @classmethod
    def from_options(cls, user: str | None, password: str | None, auth_env: str | None,
                     environ: dict[str, str] | None = None) -> "Credentials | None":
        """Credentials from ``--user``/``--password`` or from an environment variable holding USER:PASSWORD."""
        environ = os.environ if environ is None else environ
        if auth_env and (user or password):
            raise UsageError("give either --user/--password or --auth-env, not both")
        if auth_env:
            value = environ.get(auth_env)
            if not value:
                raise UsageError(f"environment variable {auth_env} (from --auth-env) is not set; set it to USER:PASSWORD")
            user, sep, password = value.partition(":")
            if not sep or not user:
                raise UsageError(f"environment variable {auth_env} (from --auth-env) must hold USER:PASSWORD")
            return cls(user, password)
        if user is None and password is None:
            return None
        if not user or password is None:
            raise UsageError("--user and --password go together (or use --auth-env VAR)")
        return cls(user, password)


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of one store: SPARQL query, SPARQL update and Graph Store."""

    query: str
    update: str
    store: str


# Known server layouts: the last path segment of a URL a user queries -> (query, update, graph store) segments.
_VIRTUOSO = {"sparql", "sparql-auth", "sparql-graph-crud", "sparql-graph-crud-auth"}
_OXIGRAPH = {"query", "update", "store"}


def endpoints_for(url: str, authenticated: bool) -> Endpoints:
    """The query, update and Graph Store URLs of the server whose SPARQL endpoint is ``url``.

    Virtuoso (``…/sparql``) writes through ``/sparql-auth`` and ``/sparql-graph-crud-auth``; Oxigraph
    (``…/query``) through ``/update`` and ``/store``; any other URL is taken to serve all three
    (as a Fuseki dataset URL does).
    """
    parts = urlsplit(url)
    head, _, last = parts.path.rpartition("/")

    def sibling(name: str) -> str:
        return urlunsplit(parts._replace(path=f"{head}/{name}", query="", fragment=""))

    if last in _VIRTUOSO:
        return Endpoints(sibling("sparql-auth" if authenticated else "sparql"), sibling("sparql-auth"),
                         sibling("sparql-graph-crud-auth"))
    if last in _OXIGRAPH:
        return Endpoints(sibling("query"), sibling("update"), sibling("store"))
    return Endpoints(url, url, url)


def check_iri(iri: str, option: str = "--graph") -> str:
    """Return ``iri`` if it is an absolute IRI; otherwise a UsageError naming the option."""
    if not _IRI.fullmatch(iri):
        raise UsageError(f"{option} {iri!r} is not an absolute IRI; give one like https://example.org/graph")
    return iri


def check_endpoint(url: str) -> str:
    """Return ``url`` if it is an http(s) URL without embedded credentials; otherwise a UsageError."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise UsageError("--endpoint must not hold credentials (user:password@); use --user/--password or --auth-env")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint {url!r} is not an http(s) URL; give one like http://127.0.0.1:8890/sparql")
    return url


def content_hash(graph: Graph) -> str:
    """SHA-256 of the sorted N-Triples of the canonicalised graph: equal for isomorphic graphs."""
    lines = sorted(to_canonical_graph(graph).serialize(format="nt").splitlines())
    return hashlib.sha256("".join(line + "\n" for line in lines if line).encode("utf-8")).hexdigest()


def update_chunks(graph: Graph, size: int = CHUNK_TRIPLES) -> list[Graph]:
    """Split ``graph`` into graphs of at most ``size`` triples, keeping all triples of a blank node together.

    A blank node label means a new node in each update request, so its triples must travel in one request.
    A blank-node structure larger than ``size`` forms one chunk of its own.
    """
    parent: dict[BNode, BNode] = {}

    def root(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for s, _, o in graph:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[root(s)] = root(o)
    units: dict[object, list] = {}
    for triple in graph:
        s, _, o = triple
        bnode = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        key = root(bnode) if bnode is not None else triple
        units.setdefault(key, []).append(triple)
    chunks: list[Graph] = []
    current = Graph()
    for unit in units.values():
        if len(current) and len(current) + len(unit) > size:
            chunks.append(current)
            current = Graph()
        for triple in unit:
            current.add(triple)
    if len(current):
        chunks.append(current)
    return chunks


def staging_iri(graph_iri: str) -> str:
    """The staging graph for ``graph_iri``: fixed per target, so a run left unfinished is overwritten next time."""
    return f"{DEFAULT_BASE}staging/{hashlib.sha256(graph_iri.encode('utf-8')).hexdigest()[:16]}"


class Triplestore:
    """An HTTP client for one store: SPARQL queries and updates, Graph Store PUT, digest or basic auth."""

    def __init__(self, endpoints: Endpoints, credentials: Credentials | None = None, timeout=TIMEOUT):
        self.endpoints = endpoints
        self.credentials = credentials
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "hckg-publish"

    def select(self, query: str) -> list[dict[str, str]]:
        """Run a SELECT query; return its rows as {variable: lexical value}."""
        response = self._send("GET", self.endpoints.query, params={"query": query},
                              headers={"Accept": "application/sparql-results+json"})
        try:
            bindings = response.json()["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise PublishError(f"{self.endpoints.query} did not answer a query with SPARQL JSON results") from None
        return [{name: term["value"] for name, term in row.items()} for row in bindings]

    def update(self, update: str) -> None:
        """Run a SPARQL Update request."""
        self._send("POST", self.endpoints.update, data=update.encode("utf-8"),
                   headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    def put_graph(self, graph_iri: str, ntriples: bytes) -> requests.Response:
        """Replace a graph through the Graph Store Protocol; the response is returned whatever its status."""
        return self._send("PUT", self.endpoints.store, params={"graph": graph_iri}, data=ntriples,
                          headers={"Content-Type": NTRIPLES}, accept=lambda status: True)

    def _send(self, method: str, url: str, accept=lambda status: status < 400, **kwargs) -> requests.Response:
        response = self._request(method, url, **kwargs)
        if response.status_code == 401 and self.credentials and self.session.auth is None:
            # Answer the server's challenge with the scheme it asked for, then keep using it.
            challenge = response.headers.get("WWW-Authenticate", "").lower()
            auth = requests.auth.HTTPDigestAuth if challenge.startswith("digest") else requests.auth.HTTPBasicAuth
            self.session.auth = auth(self.credentials.user, self.credentials.password)
            response = self._request(method, url, **kwargs)
        if response.status_code == 401:
            if self.credentials:
                raise PublishError(f"{url} refused the credentials of user {self.credentials.user!r} (HTTP 401); "
                                   "check --user/--password or the variable named by --auth-env")
            raise PublishError(f"{url} needs credentials (HTTP 401); give --user and --password, or --auth-env VAR")
        if not accept(response.status_code):
            raise PublishError(f"{url} answered {http_problem(response)}")
        return response

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise NoAnswer(f"{url} did not answer within {self.timeout[1]} s") from None
        except requests.ConnectionError as exc:
            raise NoAnswer(f"cannot talk to {url}: {connection_problem(exc)}") from None


def connection_problem(exc: requests.ConnectionError) -> str:
    """Say in a few words why a connection failed (never the request itself: it may be long)."""
    text = repr(exc)
    if "refused" in text:
        return "connection refused (is the server running?)"
    if "NameResolution" in text or "Name or service not known" in text:
        return "host name not found"
    if "RemoteDisconnected" in text or "reset by peer" in text or "aborted" in text.lower():
        return "the server closed the connection before answering"
    return "connection failed"


def http_problem(response: requests.Response) -> str:
    """``HTTP 500 Internal Server Error: <first line of the body>``, short and on one line."""
    body = response.text or ""
    if "html" in response.headers.get("Content-Type", ""):
        body = re.sub(r"<(title|head)>.*?</\1>|<[^>]+>", " ", body, flags=re.S | re.I)
    body = body.split("SPARQL query:")[0]          # Virtuoso echoes the whole request after this
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    first = " ".join(first.split())
    detail = f": {first[:200]}" if first else ""
    return f"HTTP {response.status_code} {response.reason}{detail}"


@dataclass(frozen=True)
class Outcome:
    """What ``publish`` did (or, on a dry run, would do)."""

    status: str                 # "published", "unchanged" or "dry-run"
    endpoint: str
    graph_iri: str
    triples: int
    previous_triples: int
    content_hash: str
    method: str | None = None   # how the staging graph was (or would be) loaded
    note: str = ""

    def summary(self) -> str:
        """One line for the terminal."""
        short = self.content_hash[:12]
        if self.status == "unchanged":
            return (f"Unchanged: <{self.graph_iri}> at {self.endpoint} already holds this catalogue "
                    f"({self.triples} triples, content hash {short}); nothing was sent.")
        verb = "Would publish" if self.status == "dry-run" else "Published"
        note = f" ({self.note})" if self.note else ""
        return (f"{verb} {self.triples} triples (previously {self.previous_triples}) to <{self.graph_iri}> "
                f"at {self.endpoint} by {self.method}{note}; content hash {short}.")


def publish(endpoint: str, *, paths: Iterable[str | Path] | None = None, graph: Graph | None = None,
            graph_iri: str = CATALOG_IRI, credentials: Credentials | None = None, method: str | None = None,
            dry_run: bool = False, chunk_size: int = CHUNK_TRIPLES, timeout=TIMEOUT,
            progress: Progress = NO_PROGRESS) -> Outcome:
    """Replace the named graph ``graph_iri`` at ``endpoint`` with the catalogue (``graph``, or loaded from ``paths``).

    ``method`` is "gsp" (Graph Store PUT), "update" (SPARQL Update in chunks of ``chunk_size`` triples) or
    None: Graph Store PUT, falling back to SPARQL Update when the server has no Graph Store endpoint.
    ``progress`` is told of the stages: loading, hashing, sending (request by request) and the swap.
    """
    check_endpoint(endpoint)
    check_iri(graph_iri)
    if graph_iri == PUBLICATIONS_GRAPH or graph_iri.startswith(DEFAULT_BASE + "staging/"):
        raise UsageError(f"--graph <{graph_iri}> is where hckg keeps its own records; choose another graph")
    if method not in (None, "gsp", "update"):
        raise UsageError(f"--method {method!r}: use gsp or update")
    if graph is None:
        with progress.stage("Loading"):
            graph = load_graph(paths)
    with progress.stage("Hashing"):
        digest = content_hash(graph)
    store = Triplestore(endpoints_for(endpoint, credentials is not None), credentials, timeout)
    with consequence("nothing was changed", credentials):
        recorded = store.select(f"{_PREFIXES}SELECT ?hash ?triples WHERE {{ GRAPH <{PUBLICATIONS_GRAPH}> {{ "
                                f"<{graph_iri}> spdx:checksum/spdx:checksumValue ?hash ; void:triples ?triples }} }}")
        previous = count_triples(store, graph_iri)
    outcome = Outcome("dry-run", endpoint, graph_iri, len(graph), previous, digest,
                      "SPARQL Update" if method == "update" else "Graph Store PUT")
    if any(row.get("hash", "").lower() == digest and row.get("triples") == str(previous) == str(len(graph))
           for row in recorded):
        return Outcome("unchanged", endpoint, graph_iri, len(graph), previous, digest)
    if dry_run:
        return outcome

    staging = staging_iri(graph_iri)
    kept = f"the published graph <{graph_iri}> is unchanged"
    with consequence(kept, credentials):
        how, note = load_staging(store, staging, graph, method, chunk_size, progress)
        staged = count_triples(store, staging)
        if staged != len(graph):
            store.update(f"DROP SILENT GRAPH <{staging}>")
            raise PublishError(f"the staging graph <{staging}> received {staged} of {len(graph)} triples")
    swap = swap_update(staging, graph_iri, len(graph), digest)
    lost = (f"the swap may or may not have happened: <{graph_iri}> holds either the previous or the new "
            "catalogue, never a mix (the store applies the swap as one transaction); run publish again")
    with consequence(kept, credentials, if_no_answer=lost), progress.stage("Swapping"):
        store.update(swap)
    return Outcome("published", endpoint, graph_iri, len(graph), previous, digest, how, note)


def count_triples(store: Triplestore, graph_iri: str) -> int:
    """The number of triples in one named graph of the store (0 if it does not exist)."""
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"]) if rows else 0


def load_staging(store: Triplestore, staging: str, graph: Graph, method: str | None,
                 chunk_size: int, progress: Progress = NO_PROGRESS) -> tuple[str, str]:
    """Fill the staging graph; return how (for the summary) and why that way, if it was a fallback."""
    note = ""
    if method in (None, "gsp"):
        with progress.stage("Sending", 1) as stage:
            response = store.put_graph(staging, graph.serialize(format="nt", encoding="utf-8"))
            stage.advance()
        if response.status_code < 300:
            return "Graph Store PUT", note
        if method == "gsp" or response.status_code not in NO_GRAPH_STORE:
            raise PublishError(f"{store.endpoints.store} answered {http_problem(response)}")
        note = f"{store.endpoints.store} answered HTTP {response.status_code} to a Graph Store PUT"
    chunks = update_chunks(graph, chunk_size)
    store.update(f"DROP SILENT GRAPH <{staging}>")
    with progress.stage("Sending", len(chunks)) as stage:
        for chunk in chunks:
            triples = chunk.serialize(format="nt", encoding="utf-8").decode("utf-8")
            # INSERT … WHERE {} rather than INSERT DATA: Virtuoso rejects blank nodes in INSERT DATA.
            store.update(f"INSERT {{ GRAPH <{staging}> {{\n{triples}}} }} WHERE {{}}")
            stage.advance()
    return f"SPARQL Update in {len(chunks)} request{'s' * (len(chunks) != 1)}", note


def swap_update(staging: str, graph_iri: str, triples: int, digest: str) -> str:
    """One update request: move the staging graph over the published one and record its count and hash."""
    record = f"<{PUBLICATIONS_GRAPH}>"
    modified = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return f"""{_PREFIXES}MOVE <{staging}> TO <{graph_iri}> ;
DELETE WHERE {{ GRAPH {record} {{ <{graph_iri}> spdx:checksum ?checksum . ?checksum ?p ?o }} }} ;
DELETE WHERE {{ GRAPH {record} {{ <{graph_iri}> ?p ?o }} }} ;
INSERT {{ GRAPH {record} {{
  <{graph_iri}> void:triples {triples} ;
    dct:modified "{modified}"^^xsd:dateTime ;
    spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;
                    spdx:checksumValue "{digest}"^^xsd:hexBinary ] .
}} }} WHERE {{}}"""


@contextmanager
def consequence(meaning: str, credentials: Credentials | None, if_no_answer: str | None = None):
    """Append to any PublishError raised inside what it means for the published graph.

    ``if_no_answer`` replaces ``meaning`` when a request got no answer. The password is masked in the
    final message as a last line of defence.
    """
    try:
        yield
    except PublishError as exc:
        meaning = if_no_answer if if_no_answer and isinstance(exc, NoAnswer) else meaning
        message = f"{exc}; {meaning}"
        if credentials and credentials.password:
            message = message.replace(credentials.password, "***")
        raise PublishError(message) from None
