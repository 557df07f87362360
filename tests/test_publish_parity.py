"""Parity: after `hckg publish`, every stored query gives the same answer through `hckg query --endpoint`
on Virtuoso and on Oxigraph as on the embedded store.

Answers are compared as `hckg query -f json` rows (`-f ntriples` graphs), normalised only where the
protocols allow: row order when the query has no ORDER BY, numeric lexical forms (1.5 = 1.50, integer
subtypes), language-tag case and blank-node labels. Needs the stored queries (hckg.queries); the
parameter values come from the stored-query tests' cases (tests/query_cases.py) on their fixture
catalogue, and every query that needs no value also runs on the real catalogue.
"""

import itertools
import json
import re
from decimal import Decimal
from functools import lru_cache

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from hckg.cli import cli

queries = pytest.importorskip("hckg.queries", reason="the stored queries (hckg.queries) are not in this branch")

try:
    from query_cases import CASES, FIXTURE_CATALOGUE
except ImportError:  # the stored-query tests are not in this branch
    CASES, FIXTURE_CATALOGUE = [], None

STORED = {query.name: query for query in queries.stored_queries()}
NUMERIC = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger,
           XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
           XSD.unsignedByte, XSD.decimal, XSD.double, XSD.float}


def parity_cases():
    """(catalogue, query name, parameters): the fixture cases, and every query needing no value on data/."""
    cases = [("fixture", name, params) for name, params, _expected in CASES]
    if FIXTURE_CATALOGUE and "dataset-description" in STORED:
        cases.append(("fixture", "dataset-description", {"dataset": "https://w3id.org/hckg/dataset/xray-a"}))
    for name, query in STORED.items():
        if all(p.default is not None or not p.required for p in query.parameters):
            cases.append(("catalogue", name, {}))
    return cases


CASES_TO_COMPARE = parity_cases()


@pytest.fixture(scope="module")
def published():
    """Publish a catalogue into a store once per module; return its graph IRI."""
    done = {}

    def publish(server, catalogue: str) -> str:
        key = (server.name, catalogue)
        if key not in done:
            graph_iri = f"https://example.org/test/parity-{catalogue}"
            paths = [str(FIXTURE_CATALOGUE)] if catalogue == "fixture" else []
            result = CliRunner().invoke(cli, ["publish", *paths, "--endpoint", server.endpoint,
                                              "--graph", graph_iri, *server.auth_args])
            assert result.exit_code == 0, result.output
            done[key] = graph_iri
        return done[key]

    return publish


@lru_cache(maxsize=None)
def embedded_answer(args: tuple[str, ...]):
    """The embedded store's answer, computed once for both servers."""
    return CliRunner().invoke(cli, list(args))


def ordered(query_text: str) -> bool:
    code = re.sub(r"#[^\n]*|\"(?:[^\"\\]|\\.)*\"|<[^<>\s]*>", " ", query_text)
    return re.search(r"\bORDER\s+BY\b", code, re.IGNORECASE) is not None


def cell(value):
    """A JSON cell with its kind kept (so true is not 1), numbers by value, blank-node labels dropped."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, (int, float)):
        return ("number", Decimal(str(value)).normalize())
    if isinstance(value, str) and value.startswith("_:"):
        return ("bnode",)
    return ("text", value)


def rows(output: str, keep_order: bool):
    records = [tuple(sorted((key, cell(value)) for key, value in record.items())) for record in json.loads(output)]
    return records if keep_order else sorted(records, key=repr)


def normal_graph(output: str) -> Graph:
    """Numbers by value and language tags in lower case (BCP 47 tags are case-insensitive)."""
    graph = Graph()
    for triple in Graph().parse(data=output, format="nt"):
        graph.add(tuple(normal_term(term) for term in triple))
    return graph


def normal_term(term):
    if isinstance(term, Literal) and term.datatype in NUMERIC and not term.ill_typed:
        return Literal(str(Decimal(str(term.toPython())).normalize()), datatype=XSD.decimal)
    if isinstance(term, Literal) and term.language:
        return Literal(str(term), lang=term.language.lower())
    return term


@pytest.mark.parametrize("catalogue, name, params", CASES_TO_COMPARE,
                         ids=[f"{c}-{n}-{i}" for i, (c, n, _) in enumerate(CASES_TO_COMPARE)])
def test_stored_query_answers_the_same_on_the_store(triplestore, published, catalogue, name, params):
    graph_iri = published(triplestore, catalogue)
    query = STORED[name]
    graph_result = query.form in ("CONSTRUCT", "DESCRIBE")
    args = ["query", name, *itertools.chain.from_iterable(("-p", k, v) for k, v in params.items()),
            "-f", "ntriples" if graph_result else "json"]
    data = ["--data", str(FIXTURE_CATALOGUE)] if catalogue == "fixture" else []
    embedded = embedded_answer(tuple(args + data))
    remote = CliRunner().invoke(cli, args + ["--endpoint", triplestore.endpoint, "--graph", graph_iri])
    assert embedded.exit_code == 0, embedded.output
    assert remote.exit_code == 0, remote.output
    if graph_result:
        assert isomorphic(normal_graph(remote.stdout), normal_graph(embedded.stdout))
    else:
        keep_order = ordered(query.text)
        assert rows(remote.stdout, keep_order) == rows(embedded.stdout, keep_order)
