"""A read-only SPARQL 1.1 Protocol endpoint over the catalogue, with a time limit and size caps.

Queries come by GET (``?query=``), POST form (``query=``) or POST ``application/sparql-query``. Updates
(``update=``, ``application/sparql-update``, or update text sent as a query) are refused; so are
``SERVICE`` (rdflib would fetch the remote endpoint: a way to make this server send requests) and
``FROM``/``FROM NAMED`` other than the catalogue's graph (the endpoint holds one graph). Queries are read
by rdflib (which decides what is refused) and evaluated on the catalogue's store, like the stored queries.

How the time limit works: a query is evaluated in its own thread. At the deadline the client gets 503
at once, and the thread is interrupted: an exception is raised in it (CPython's
``PyThreadState_SetAsyncExc``) and it also stops between result rows. The store hands rows over one at a
time, so this stops most queries and the serialisation within a row or a few bytecodes. It cannot stop one
long call into C (the store's work before its first row, as for a GROUP BY or an ORDER BY over much of
the catalogue): the thread stops when that call returns. A thread keeps its slot until it has really stopped,
and only ``max_running`` queries run at once, so runaway queries cannot pile up: when every slot is
taken the endpoint answers 503 with ``Retry-After``.
"""

import asyncio
import ctypes
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parser import parseUpdate

from hckg.namespaces import DEFAULT_BASE
from hckg.output import Table, render_graph, render_table
from hckg.serve.negotiation import (CSV, FORMAT_OF, HTML, MEDIA_ALIASES, RDF_MEDIA, RDFXML, SPARQL_JSON,
                                    SPARQL_XML, TSV)
from hckg.serve.problems import Problem
from hckg.store import CatalogueStore
from hckg.store_engine import StoreEngine, Terms, algebra_nodes

CATALOG_GRAPH = DEFAULT_BASE + "catalog"   # the graph hckg publish writes the catalogue to
QUERY_MEDIA = "application/sparql-query"
UPDATE_MEDIA = "application/sparql-update"
FORM_MEDIA = "application/x-www-form-urlencoded"
ROW_MEDIA = (SPARQL_JSON, SPARQL_XML, CSV, TSV, HTML)
BOOLEAN_MEDIA = (SPARQL_JSON, SPARQL_XML, HTML)
GRAPH_MEDIA = RDF_MEDIA
ROW_ALIASES = {**MEDIA_ALIASES, "application/json": SPARQL_JSON, "application/xml": SPARQL_XML,
               "text/xml": SPARQL_XML, RDFXML: SPARQL_XML}
GRAPH_ALIASES = {**MEDIA_ALIASES, "text/xml": RDFXML}


@dataclass(frozen=True)
class Limits:
    """What one query may cost; ``hckg serve`` options set them."""

    timeout: float = 10.0          # seconds a query may run
    max_results: int = 10_000      # rows of a SELECT, triples of a CONSTRUCT or DESCRIBE
    max_request: int = 64 * 1024   # bytes of a request body or query string
    max_running: int = 2           # queries evaluated at the same time


class QueryTimeout(BaseException):
    """Raised inside a query's thread at its deadline (a BaseException, so rdflib's ``except Exception``
    handlers do not swallow it)."""


def _raise_in(thread_id: int, exc_type) -> None:
    """Raise ``exc_type`` in another thread at its next bytecode (None clears a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc_type) if exc_type else None)


class _Job(threading.Thread):
    def __init__(self, work: Callable[[threading.Event], object], loop, future, slots):
        super().__init__(daemon=True, name="hckg-query")
        self.work, self.loop, self.future, self.slots = work, loop, future, slots
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.finished = False

    def run(self) -> None:
        outcome = None
        while True:   # an interrupt arrives at most once; after `finished` none can
            try:
                if outcome is None:
                    try:
                        outcome = (self.work(self.stop), None)
                    except BaseException as exc:  # the query's own error, or the interrupt
                        outcome = (None, exc)
                with self.lock:
                    self.finished = True
                    _raise_in(threading.get_ident(), None)
                break
            except QueryTimeout:
                outcome = outcome or (None, QueryTimeout())
        self.slots.release()
        try:
            self.loop.call_soon_threadsafe(_settle, self.future, outcome)
        except RuntimeError:   # the server stopped meanwhile
            pass

    def interrupt(self) -> None:
        self.stop.set()
        with self.lock:
            if not self.finished:
                _raise_in(self.ident, QueryTimeout)


def _settle(future, outcome) -> None:
    if not future.done():
        future.set_result(outcome)


class Runner:
    """Runs query work in threads, at most ``limits.max_running`` at once, each stopped at its deadline."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.slots = threading.BoundedSemaphore(limits.max_running)

    async def run(self, work: Callable[[threading.Event], object]):
        """``work(stop)`` in a thread; its result, or its exception; 503 when busy or too slow."""
        if not self.slots.acquire(blocking=False):
            raise Problem(503, "every query slot is busy; try again in a moment", {"Retry-After": "2"})
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        job = _Job(work, loop, future, self.slots)
        try:
            job.start()
        except RuntimeError:
            self.slots.release()
            raise
        try:
            value, error = await asyncio.wait_for(asyncio.shield(future), self.limits.timeout)
        except asyncio.TimeoutError:
            job.interrupt()
            raise Problem(503, f"the query ran longer than {self.limits.timeout:g} s and was stopped; "
                               f"ask for less (add LIMIT, narrow the patterns)") from None
        if isinstance(error, QueryTimeout):
            raise Problem(503, f"the query ran longer than {self.limits.timeout:g} s and was stopped")
        if error is not None:
            raise error
        return value


# --- reading a request -------------------------------------------------------------------------

def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def prepare(text: str, default_graphs=(), named_graphs=()):
    """Parse a query; refuse updates, SERVICE and graphs other than the catalogue's."""
    if not text.strip():
        raise Problem(400, "query: empty; send a SPARQL query in the query parameter or the body")
    try:
        query = prepareQuery(text, initNs={})
    except ParseException as exc:
        if _is_update(text):
            raise Problem(400, "this is a SPARQL Update, not a query: the endpoint is read-only") from None
        raise Problem(400, f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
    except Exception as exc:   # rdflib reports unknown prefixes and the like with several types
        raise Problem(400, f"cannot read the query: {' '.join(str(exc).split())[:300]}") from None
    nodes = {node.name for node in algebra_nodes(query.algebra)}
    if "ServiceGraphPattern" in nodes:
        raise Problem(400, "SERVICE is not supported: this endpoint queries the catalogue only")
    if "Graph" in nodes:
        raise Problem(400, "the query cannot be evaluated: GRAPH needs named graphs, and this endpoint holds one "
                           "graph, the catalogue; leave GRAPH out")
    graphs = [str(c.get("default") or c.get("named")) for c in (query.algebra.get("datasetClause") or [])]
    for graph in [*graphs, *default_graphs, *named_graphs]:
        if graph != CATALOG_GRAPH:
            raise Problem(400, f"graph <{graph}>: this endpoint holds one graph, the catalogue; leave out FROM "
                               f"and default-graph-uri, or name <{CATALOG_GRAPH}>")
    return query


def form_of(query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return query.algebra.name.replace("Query", "").upper()


def offers_for(form: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """The media types a query's answer can take, and how client aliases map onto them."""
    if form == "SELECT":
        return ROW_MEDIA, ROW_ALIASES
    if form == "ASK":
        return BOOLEAN_MEDIA, ROW_ALIASES
    return GRAPH_MEDIA, GRAPH_ALIASES


# --- answering ---------------------------------------------------------------------------------

def evaluate(catalogue: CatalogueStore, text: str, query, limits: Limits,
             stop: threading.Event) -> Table | Graph | bool:
    """Run a query (``text``, prepared as ``query``) on the catalogue's store, in the catalogue's own terms
    (``hckg.store_engine``); rows and triples beyond ``limits.max_results`` are an error, not a truncation."""
    try:
        return _evaluate(catalogue, text, form_of(query), limits, stop)
    except (Problem, QueryTimeout):
        raise
    except SyntaxError as exc:   # what rdflib reads but the store does not
        raise Problem(400, f"cannot read the query: {' '.join(str(exc).split())[:300]}") from None
    except Exception as exc:   # the store reports what it cannot evaluate with several exception types
        raise Problem(400, f"the query cannot be evaluated: {' '.join(str(exc).split())[:300]}") from None


def _evaluate(catalogue: CatalogueStore, text: str, form: str, limits: Limits,
              stop: threading.Event) -> Table | Graph | bool:
    # the catalogue is the default graph whatever FROM says (``prepare`` allowed only its name), and no
    # named graph is visible: the store's copies of source literals are not the catalogue's
    answer = catalogue.store.query(text, default_graph=ox.DefaultGraph(), named_graphs=[])
    try:
        engine = StoreEngine(catalogue)
        if form == "ASK":
            return bool(answer)
        if form == "SELECT":
            columns = [variable.value for variable in answer.variables]
            rows, terms = [], Terms()
            for solution in answer:
                if stop.is_set():
                    raise QueryTimeout()
                rows.append(tuple(map(terms.__getitem__, solution)))
                if len(rows) > limits.max_results:
                    raise Problem(422, f"the answer has more than {limits.max_results} rows; "
                                       f"add LIMIT (and OFFSET to page through it)")
            return Table(columns, engine.source_rows(text, columns, rows, terms))
        graph = Graph()
        for triple in answer:
            if stop.is_set():
                raise QueryTimeout()
            graph.add(engine.source_triple(triple))
            if len(graph) > limits.max_results:
                raise Problem(422, f"the answer has more than {limits.max_results} triples; ask for fewer")
        return graph
    finally:
        # pyoxigraph's answers may only be dropped by the thread that made them (else they leak, with a
        # warning): not by the error's traceback, which is read on the thread that reports it
        answer = solution = None


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype:
        value["datatype"] = str(term.datatype)
    return value


def results_json(answer: Table | bool) -> dict:
    """SPARQL 1.1 Query Results JSON."""
    if isinstance(answer, bool):
        return {"head": {}, "boolean": answer}
    return {"head": {"vars": answer.columns},
            "results": {"bindings": [{c: _json_term(v) for c, v in zip(answer.columns, row) if v is not None}
                                     for row in answer.rows]}}


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attrs = (f" xml:lang={quoteattr(term.language)}" if term.language
             else f" datatype={quoteattr(str(term.datatype))}" if term.datatype else "")
    return f"<literal{attrs}>{escape(str(term))}</literal>"


def results_xml(answer: Table | bool) -> str:
    """SPARQL Query Results XML."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if isinstance(answer, bool):
        lines += ["<head/>", f"<boolean>{'true' if answer else 'false'}</boolean>"]
    else:
        lines += ["<head>", *[f"<variable name={quoteattr(c)}/>" for c in answer.columns], "</head>", "<results>"]
        for row in answer.rows:
            cells = "".join(f"<binding name={quoteattr(c)}>{_xml_term(v)}</binding>"
                            for c, v in zip(answer.columns, row) if v is not None)
            lines.append(f"<result>{cells}</result>")
        lines.append("</results>")
    return "\n".join(lines + ["</sparql>", ""])


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t"))
        suffix = f"@{term.language}" if term.language else f"^^<{term.datatype}>" if term.datatype else ""
        return f'"{text}"{suffix}'
    return term.n3()


def results_tsv(answer: Table) -> str:
    """SPARQL 1.1 Query Results TSV: terms written as in Turtle, a ``?name`` header."""
    lines = ["\t".join("?" + c for c in answer.columns)]
    lines += ["\t".join(_tsv_term(v) for v in row) for row in answer.rows]
    return "\n".join(lines) + "\n"


def write(answer: Table | Graph | bool, media: str) -> bytes:
    """An answer in ``media`` (HTML is left to the caller)."""
    if isinstance(answer, Graph):
        return render_graph(answer, FORMAT_OF[media]).encode("utf-8")
    if media == SPARQL_JSON:
        return (json.dumps(results_json(answer), ensure_ascii=False) + "\n").encode("utf-8")
    if media == SPARQL_XML:
        return results_xml(answer).encode("utf-8")
    if media == TSV:
        return results_tsv(answer).encode("utf-8")
    if media == CSV:
        return render_table(answer, "csv").encode("utf-8")
    raise ValueError(media)


def service_description(endpoint: str) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint (what GET without a query returns as RDF)."""
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    graph = Graph()
    graph.bind("sd", sd)
    node = URIRef(endpoint)
    graph.add((node, RDF.type, sd.Service))
    graph.add((node, sd.endpoint, node))
    graph.add((node, sd.supportedLanguage, sd.SPARQL11Query))
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "JSON-LD", "RDF_XML", "N-Triples"):
        graph.add((node, sd.resultFormat, formats[name]))
    return graph

