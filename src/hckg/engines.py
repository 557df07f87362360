"""Where queries run: the embedded store (the catalogue loaded in-process) or a remote SPARQL endpoint.

The embedded store is pyoxigraph (``hckg.store_engine``); rdflib over the same files stays available as
the reference (``--engine rdflib``). All take the bound query text and answer ``select`` (rows), ``construct`` (a graph, also for
DESCRIBE) and ``ask`` (a boolean), so a caller cannot tell them apart except by speed.
"""

import ast
import json
import socket
import time
import urllib.error
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (EndPointInternalError, EndPointNotFound, QueryBadFormed,
                                            SPARQLWrapperException, Unauthorized, URITooLong)

from hckg.errors import HckgError, InputError, UsageError
from hckg.graph import load_graph, rdf_files
from hckg.namespaces import bind_prefixes
from hckg.output import Table
from hckg.progress import NO_PROGRESS, Progress
from hckg.resources import project_dir
from hckg.store import STORES, CatalogueStore, fits_in_memory, open_store
from hckg.store_engine import StoreEngine

SELECT_MEDIA = "application/sparql-results+json"
GRAPH_MEDIA = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
# media type -> rdflib parser, for graphs an endpoint returns
GRAPH_PARSERS = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
TRANSIENT_HTTP = {429, 502, 503, 504}
ENGINES = ("store", "rdflib")
# ``--store auto``, measured on generated catalogues: up to MEMORY_QUERY_BYTES parsing into memory (≈ 6 MB/s)
# costs about what opening the cached disk store costs; up to DISK_QUERY_BYTES (≈ 25k datasets) the disk
# store answers in seconds and opens in under one; above, a catalogue-wide query on disk (37–137 s at 100k
# datasets) costs more than parsing into memory (68 s) and querying there (1–4 s), so memory if it fits
MEMORY_QUERY_BYTES = 2**20
DISK_QUERY_BYTES = 64 * 2**20
SPARQLWRAPPER_STATUS = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414,
                        EndPointInternalError: 500}


class Engine(Protocol):
    def select(self, query: str) -> Table: ...

    def construct(self, query: str) -> Graph: ...

    def ask(self, query: str) -> bool: ...


# --- the embedded store ------------------------------------------------------------------------

class LocalEngine:
    """Queries over an in-memory rdflib graph: the reference engine (slow beyond ~10k datasets)."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def _run(self, query: str, read):
        """Parse and evaluate ``query``; rdflib evaluates lazily, so ``read`` forces the answer here."""
        try:
            # initNs={} so that a query needs its own PREFIX lines, as it does on any endpoint
            return read(self.graph.query(query, initNs={}))
        except ParseException as exc:
            raise InputError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
        except Exception as exc:  # rdflib reports evaluation problems with many exception types
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise HckgError(f"the embedded store could not run the query: {message}") from None

    def select(self, query: str) -> Table:
        return self._run(query, lambda result: Table([str(v) for v in result.vars], [tuple(row) for row in result]))

    def construct(self, query: str) -> Graph:
        return self._run(query, lambda result: result.graph)

    def ask(self, query: str) -> bool:
        return self._run(query, lambda result: bool(result.askAnswer))


def _files_key(paths: Sequence[str | Path]) -> tuple:
    sources = list(paths) or [project_dir("data")]
    files = rdf_files(sources + [project_dir("ontology")])
    return tuple((str(f.resolve()), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


@lru_cache(maxsize=4)
def _cached_graph(key: tuple) -> Graph:
    return load_graph([Path(path) for path, _mtime, _size in key], ontology=False)


_stores: dict[tuple, CatalogueStore] = {}  # stores opened in this process, by files and place


def _cached_store(key: tuple, where: str, progress: Progress) -> CatalogueStore:
    files = [Path(path) for path, _mtime, _size in key]
    if where == "auto":
        size = sum(size for _path, _mtime, size in key)
        big = size > DISK_QUERY_BYTES and fits_in_memory(files)
        where = "memory" if size <= MEMORY_QUERY_BYTES or big else "disk"
    if (key, where) not in _stores:
        if len(_stores) >= 4:
            _stores.pop(next(iter(_stores)))
        _stores[key, where] = open_store(files, ontology=False, where=where, progress=progress)
    return _stores[key, where]


def local_engine(paths: Sequence[str | Path] = (), *, engine: str = "store", where: str = "auto",
                 progress: Progress = NO_PROGRESS) -> Engine:
    """The embedded store over ``paths`` (default ``data/``) plus the ontology, loaded once per process.

    ``engine="store"``: pyoxigraph; ``where`` is ``"memory"`` (parsed now), ``"disk"`` (the cached store,
    built once per unchanged set of files) or ``"auto"`` (memory for small catalogues and for those above
    DISK_QUERY_BYTES that fit in memory, disk between). ``engine="rdflib"``: the reference engine.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine '{engine}'; use one of {', '.join(ENGINES)}")
    if where not in STORES:
        raise UsageError(f"unknown store '{where}'; use one of {', '.join(STORES)}")
    if engine == "rdflib":
        return LocalEngine(_cached_graph(_files_key(paths)))
    return StoreEngine(_cached_store(_files_key(paths), where, progress))


# --- remote endpoints --------------------------------------------------------------------------

def _response_text(exc: SPARQLWrapperException) -> str:
    """The first line of the server's answer that SPARQLWrapper folded into its message."""
    text = str(exc)
    if "Response:\n" in text:
        raw = text.split("Response:\n", 1)[1]
        try:
            body = ast.literal_eval(raw)
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        except (ValueError, SyntaxError):
            text = raw
    else:
        text = exc.msg
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    return first if len(first) <= 300 else first[:297] + "..."


def json_term(value: dict):
    """A term of a SPARQL 1.1 JSON result as an rdflib term."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if kind in ("literal", "typed-literal"):  # typed-literal: SPARQL 1.0 drafts, still sent by Virtuoso
        datatype = value.get("datatype")
        return Literal(value["value"], lang=value.get("xml:lang"), datatype=URIRef(datatype) if datatype else None)
    raise ValueError(f"unknown term type '{kind}'")


class RemoteEngine:
    """Queries sent with SPARQLWrapper to a SPARQL 1.1 endpoint (HTTP POST, form-encoded)."""

    def __init__(self, url: str, *, graphs: Sequence[str] = (), timeout: float = 30.0, retries: int = 2,
                 backoff: float = 0.5):
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"--endpoint {url}: not an http(s) URL of a SPARQL endpoint")
        self.url, self.graphs, self.timeout, self.retries, self.backoff = url, graphs, timeout, retries, backoff

    def _request(self, query: str, form: str, accept: str) -> tuple[bytes, str]:
        """Send ``query`` of ``form`` (SELECT, ASK, …); return the body and its media type.

        Transient failures are retried.
        """
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            wrapper = SPARQLWrapper(self.url)
            wrapper.setMethod(POST)
            wrapper.setOnlyConneg(True)
            wrapper.timeout = self.timeout  # setTimeout() would round it down to whole seconds
            wrapper.addCustomHttpHeader("Accept", accept)
            for graph in self.graphs:
                wrapper.addDefaultGraph(graph)
            wrapper.setQuery(query)
            wrapper.queryType = form  # SPARQLWrapper's own guess reads words in comments as updates
            try:
                response = wrapper.query().response
                body = response.read()
                media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                return body, media
            except SPARQLWrapperException as exc:
                status = SPARQLWRAPPER_STATUS.get(type(exc), "error")
                raise HckgError(f"SPARQL endpoint {self.url} answered HTTP {status}: {_response_text(exc)}") from None
            except urllib.error.HTTPError as exc:
                if exc.code not in TRANSIENT_HTTP or attempt == attempts:
                    detail = exc.read().decode("utf-8", "replace").strip().splitlines()
                    reason = detail[0][:300] if detail else exc.reason
                    raise HckgError(f"SPARQL endpoint {self.url} answered HTTP {exc.code}: {reason}"
                                    f"{self._tries(attempts)}") from None
            except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError) as exc:
                if attempt == attempts:
                    reason = getattr(exc, "reason", exc)
                    if isinstance(reason, (TimeoutError, socket.timeout)):
                        raise HckgError(f"SPARQL endpoint {self.url} did not answer within {self.timeout:g} s"
                                        f"{self._tries(attempts)}") from None
                    reason = getattr(reason, "strerror", None) or str(reason) or type(exc).__name__
                    raise HckgError(f"cannot reach SPARQL endpoint {self.url}: {reason}"
                                    f"{self._tries(attempts)}") from None
            time.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _tries(attempts: int) -> str:
        return f" ({attempts} attempts)" if attempts > 1 else ""

    def _malformed(self, detail: str) -> HckgError:
        return HckgError(f"SPARQL endpoint {self.url} returned malformed results: {detail}")

    def _results(self, query: str, form: str) -> dict:
        body, media = self._request(query, form, SELECT_MEDIA)
        if media not in (SELECT_MEDIA, "application/json"):
            raise self._malformed(f"expected {SELECT_MEDIA}, got {media or 'no media type'}")
        try:
            results = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self._malformed(f"not JSON ({exc})") from None
        if not isinstance(results, dict):
            raise self._malformed("not a SPARQL JSON results object")
        return results

    def select(self, query: str) -> Table:
        results = self._results(query, "SELECT")
        try:
            columns = list(results["head"]["vars"])
            rows = [tuple(json_term(b[c]) if c in b else None for c in columns) for b in results["results"]["bindings"]]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise self._malformed(f"bad SPARQL JSON results ({type(exc).__name__}: {exc})") from None
        return Table(columns, rows)

    def ask(self, query: str) -> bool:
        answer = self._results(query, "ASK").get("boolean")
        if not isinstance(answer, bool):
            raise self._malformed("an ASK answer without a boolean")
        return answer

    def construct(self, query: str) -> Graph:
        body, media = self._request(query, "CONSTRUCT", GRAPH_MEDIA)
        parser = GRAPH_PARSERS.get(media)
        if parser is None:
            raise self._malformed(f"expected an RDF graph, got {media or 'no media type'}")
        graph = bind_prefixes(Graph())
        try:
            graph.parse(data=body, format=parser)
        except Exception as exc:  # rdflib parsers raise many types; all mean a bad body
            raise self._malformed(f"cannot parse the {media} body: {' '.join(str(exc).split())[:200]}") from None
        return graph


def engine_for(*, endpoint: str | None = None, data: Sequence[str] = (), graphs: Sequence[str] = (),
               timeout: float = 30.0, retries: int = 2, engine: str = "store", where: str = "auto",
               progress: Progress = NO_PROGRESS) -> Engine:
    """The remote engine when an endpoint is given, else the embedded store over ``data`` (see local_engine)."""
    if endpoint:
        if data:
            raise UsageError("--data loads the embedded store; it cannot be combined with --endpoint")
        if engine != "store" or where != "auto":
            raise UsageError("--engine and --store choose the embedded store; they cannot be combined with --endpoint")
        return RemoteEngine(endpoint, graphs=graphs, timeout=timeout, retries=retries)
    if graphs:
        raise UsageError("--graph selects graphs on a remote endpoint; give --endpoint too")
    return local_engine(data, engine=engine, where=where, progress=progress)
