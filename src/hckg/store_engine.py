"""Queries on the embedded pyoxigraph store, answered in the catalogue's own terms.

The store rewrites typed literals (``"5"^^xsd:nonNegativeInteger`` is stored as ``"5"^^xsd:integer``,
``"1.50"^^xsd:decimal`` as ``"1.5"``; see ``hckg.store``). Its answers are therefore mapped back to the
source literals kept in the named graph ``SOURCE_LITERALS``, so they are the terms the rdflib engine gives:

- in a graph (CONSTRUCT, DESCRIBE) each triple ``s p o`` knows its subject and predicate, so ``o`` becomes
  the kept literal of ``s p`` that the store would rewrite to ``o``: exact;
- in rows only the value is known. A literal in a column the query takes from the data (the object of a
  triple pattern, passed on by BIND, COALESCE, MIN, MAX or SAMPLE; not a COUNT, SUM or expression) becomes
  the catalogue's source spelling of that value. When the catalogue spells one value in two ways (``"5"``
  as xsd:integer in one triple and as xsd:nonNegativeInteger in another) the row cannot tell which triple
  it came from, and the store's term is kept.
"""

from functools import lru_cache

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from hckg.errors import HckgError, InputError
from hckg.output import Table
from hckg.store import SOURCE_DATATYPE, SOURCE_LITERALS, CatalogueStore, to_rdflib

_XSD = "http://www.w3.org/2001/XMLSchema#"
# the store's datatypes whose terms rdflib may show otherwise than the source: xsd:integer stands for every
# derived integer type, and decimals and floats lose trailing zeros; other types rdflib normalises itself
# from their value (dates, booleans), so the store's form and the source's show alike
REWRITTEN = frozenset(_XSD + name for name in ("integer", "decimal", "double", "float"))
_REWRITTEN_TERMS = frozenset(map(URIRef, REWRITTEN))
_SIDE_GRAPH = ox.NamedNode(SOURCE_LITERALS)
# the kept literals whose store form is one of ``stored``: (stored, source) pairs
_SOURCES_OF_VALUES = f"""
SELECT DISTINCT ?stored ?source WHERE {{
  VALUES ?stored {{ %s }}
  ?subject ?predicate ?stored .
  GRAPH <{SOURCE_LITERALS}> {{ ?subject ?predicate ?source }}
  FILTER(sameTerm(STRDT(STR(?source), IRI(STRAFTER(STR(DATATYPE(?source)), "{SOURCE_DATATYPE}"))), ?stored))
}}"""
PASS_THROUGH_AGGREGATES = ("Aggregate_Min", "Aggregate_Max", "Aggregate_Sample")


class StoreEngine:
    """Queries over a ``CatalogueStore``; answers as the rdflib engine gives them on the same files."""

    def __init__(self, catalogue: CatalogueStore):
        self.catalogue = catalogue
        self.store = catalogue.store

    def _run(self, query: str):
        try:
            return self.store.query(query)
        except SyntaxError as exc:
            raise InputError(syntax_message(query, exc)) from None
        except (OSError, ValueError, RuntimeError) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise HckgError(f"the embedded store could not run the query: {message}") from None

    def select(self, query: str) -> Table:
        solutions = self._run(query)
        columns = [variable.value for variable in solutions.variables]
        terms = Terms()
        rows = [tuple(map(terms.__getitem__, solution)) for solution in solutions]
        return Table(columns, self.source_rows(query, columns, rows, terms))

    def ask(self, query: str) -> bool:
        return bool(self._run(query))

    def construct(self, query: str) -> Graph:
        graph = Graph()
        for triple in self._run(query):
            graph.add(self.source_triple(triple))
        return graph

    # --- back to the source terms ---------------------------------------------------------------

    def source_triple(self, triple: ox.Triple) -> tuple:
        """A triple of a graph answer as rdflib terms, its literal as the source wrote it."""
        obj = triple.object
        if type(obj) is ox.Literal and _may_be_rewritten(obj):
            obj = self._source_of_triple(triple.subject, triple.predicate, obj)
        else:
            obj = to_rdflib(obj)
        return to_rdflib(triple.subject), to_rdflib(triple.predicate), obj

    def source_rows(self, query: str, columns: list[str], rows: list[tuple], terms: "Terms") -> list[tuple]:
        """Rows of ``query``'s answer, made of the rdflib ``terms`` of its store terms, with literals in their
        source spelling where the catalogue has one (see the module docstring)."""
        if not terms.typed:   # decided while converting: no second pass over the cells
            return rows
        return self._source_rows(query, columns, rows, terms.__getitem__)

    def _source_of_triple(self, subject, predicate, stored: ox.Literal) -> Literal:
        """The kept literal of ``subject predicate`` that the store holds as ``stored``."""
        held = to_rdflib(stored)
        for quad in self.store.quads_for_pattern(subject, predicate, None, _SIDE_GRAPH):
            source = to_rdflib(quad.object)
            if canonical(str(source), str(source.datatype)) == held:
                return source
        return held

    def _source_rows(self, query: str, columns: list[str], rows: list[tuple], convert) -> list[tuple]:
        """``rows`` with the literals of data columns in their source spelling, where it is unambiguous."""
        typed = {i for i, _ in enumerate(columns) if any(_is_typed(row[i]) for row in rows)}
        stored = {row[i] for row in rows for i in typed if _is_typed(row[i])}
        if not stored:
            return rows
        spellings: dict[Literal, set] = {}
        values = " ".join(term.n3() for term in stored)
        for solution in self.store.query(_SOURCES_OF_VALUES % values):
            spellings.setdefault(convert(solution["stored"]), set()).add(convert(solution["source"]))
        sources = {term: next(iter(found)) for term, found in spellings.items() if len(found) == 1 and term not in found}
        if not sources:
            return rows
        from_data = data_variables(query)  # parsed only now: most answers need no source term
        if from_data is not None:
            typed &= {i for i, column in enumerate(columns) if column in from_data}
        return [tuple(sources.get(cell, cell) if i in typed else cell for i, cell in enumerate(row))
                for row in rows]


class Terms(dict):
    """The rdflib term of each store term of one answer (None for unbound), each converted once: titles and
    labels repeat across rows, and a present key is found without a Python call per cell. ``typed``: whether
    one of them is a literal whose source spelling may differ (``REWRITTEN``)."""

    typed = False

    def __init__(self):
        super().__init__({None: None})

    def __missing__(self, term):
        found = self[term] = to_rdflib(term)
        if type(found) is Literal and found.datatype in _REWRITTEN_TERMS:
            self.typed = True
        return found


def _may_be_rewritten(literal: ox.Literal) -> bool:
    return literal.datatype.value in REWRITTEN


def _is_typed(cell) -> bool:
    return isinstance(cell, Literal) and cell.datatype is not None and str(cell.datatype) in REWRITTEN


_DUMMY = ox.NamedNode("urn:hckg:canonical")


@lru_cache(maxsize=4096)
def canonical(value: str, datatype: str) -> Literal:
    """The literal as the store holds it (as an rdflib term); a store of its own, so threads cannot mix."""
    store = ox.Store()
    store.add(ox.Quad(_DUMMY, _DUMMY, ox.Literal(value, datatype=ox.NamedNode(datatype))))
    return to_rdflib(next(iter(store)).object)


@lru_cache(maxsize=256)
def data_variables(query: str) -> frozenset | None:
    """Names of the variables whose values a query takes from the data; None (all may) if rdflib cannot parse it."""
    try:
        algebra = prepareQuery(query, initNs={}).algebra
    except Exception:  # a query only Oxigraph reads
        return None
    found: set[Variable] = set()
    nodes = list(algebra_nodes(algebra))
    for node in nodes:
        if node.name == "BGP":
            found.update(term for triple in node["triples"] for term in triple if isinstance(term, Variable))
    changed = True
    while changed:  # follow BIND(?x AS ?y), COALESCE(?x, …), MIN/MAX/SAMPLE(?x) to a fixed point
        changed = False
        for node in nodes:
            target, sources = _passed_on(node)
            if target is not None and target not in found and any(v in found for v in sources):
                found.add(target)
                changed = True
    return frozenset(str(v) for v in found)


def _passed_on(node: CompValue):
    """(the variable a node binds, the variables whose value it may take unchanged), or (None, ())."""
    if node.name == "Extend":
        expr = node["expr"]
        if isinstance(expr, Variable):
            return node["var"], (expr,)
        if isinstance(expr, CompValue) and expr.name == "Builtin_COALESCE":
            return node["var"], tuple(a for a in expr["arg"] if isinstance(a, Variable))
    elif node.name in PASS_THROUGH_AGGREGATES and isinstance(node.get("vars"), Variable):
        return node["res"], (node["vars"],)
    return None, ()


def algebra_nodes(node):
    """Every node of an rdflib SPARQL algebra tree (or parse tree), depth first."""
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from algebra_nodes(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from algebra_nodes(value)


def syntax_message(query: str, exc: SyntaxError) -> str:
    """A syntax error as hckg has always reported it (rdflib's words), else Oxigraph's first line."""
    from pyparsing import ParseException

    try:
        prepareQuery(query, initNs={})
    except ParseException as reference:
        return f"SPARQL syntax error at line {reference.lineno}, column {reference.col}: {reference.msg}"
    except Exception:
        pass
    text = str(exc.msg if hasattr(exc, "msg") else exc)
    where, _, message = text.partition(": ")
    position = where.removeprefix("error at ").split(":")
    first = message.splitlines()[0] if message else text.splitlines()[0]
    if len(position) == 2 and all(p.isdigit() for p in position):
        return f"SPARQL syntax error at line {position[0]}, column {position[1]}: {first}"
    return f"SPARQL syntax error: {first}"
