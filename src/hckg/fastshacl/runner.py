"""Running compiled shapes on a SPARQL source (the embedded store or an endpoint) into a validation report.

The report is a standard ``sh:ValidationReport`` graph with one ``sh:ValidationResult`` per violation
(focus node, path, value, severity, source shape and constraint component, messages as pySHACL words
them), read into ``hckg.validate.Result`` rows exactly as pySHACL's reports are. Shapes the compiler
leaves out, or whose queries the source rejects, are validated by pySHACL when the data can be loaded
into rdflib (the embedded store); on an endpoint they are not checked. ``Report.notes`` says which.
In memory, ``hckg.fastshacl.native`` answers most queries from the parsed triples instead of the store.
"""

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import nullcontext

import pyoxigraph as ox
from pyshacl.rdfutil import stringify_node
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, RDFS, SH

from hckg.errors import InputError
from hckg.fastshacl import datatypes
from hckg.fastshacl.compiler import Check, DataFacts, compile_shapes, patterns
from hckg.fastshacl.native import NativeChecks, rdflib_term
from hckg.fastshacl.sparql import copy_path, string
from hckg.fork_pool import beside, forked_map, idle_cpus
from hckg.namespaces import bind_prefixes
from hckg.progress import NO_PROGRESS, Progress
from hckg.store import CatalogueStore, to_rdflib

SUBCLASSES = f"SELECT ?sub ?super WHERE {{ ?sub <{RDFS.subClassOf}> ?super }}"


class QueryFailed(Exception):
    """The SPARQL source rejected or could not run a compiled query."""


class StoreSource:
    """The embedded pyoxigraph store as a SPARQL source."""

    integers_rewritten = False  # its kept source literals have the parsed datatypes

    def __init__(self, store: CatalogueStore):
        self.store = store
        self.literal_predicates = store.literal_predicates

    def select(self, query: str) -> list[dict]:
        try:
            solutions = self.store.store.query(query)
            names = [variable.value for variable in solutions.variables]
            return [{name: to_rdflib(row[name]) for name in names if row[name] is not None} for row in solutions]
        except (SyntaxError, OSError, ValueError) as exc:
            raise QueryFailed(str(exc)) from None


class IndexSource:
    """A ``value_index.ValueIndex`` as a SPARQL source: a store of its triples of ``predicates`` (None: all it
    holds), of rdf:type only the instances of ``classes`` and their subclasses (None: all), with kept source
    literals (``ValueIndex.store``), made on the first query, so in the process that answers the queries
    (``_answers`` forks one beside the Python checks)."""

    integers_rewritten = False

    def __init__(self, index, predicates: frozenset | None, classes: frozenset | None = None):
        if predicates is None:
            predicates = frozenset(index.objects)
        elif not index.every and not predicates <= index.objects.keys():
            raise ValueError(f"the index does not hold {sorted(predicates - index.objects.keys())}")
        self.index, self.predicates = index, predicates
        self.literal_predicates = index.rewritten(predicates)
        closure = subclasses(index.pairs(str(RDFS.subClassOf)))
        self.types = None if classes is None else frozenset(sub for cls in classes for sub in closure.get(cls, {cls}))
        self._source: StoreSource | None = None

    def select(self, query: str) -> list[dict]:
        if self._source is None:
            store = self.index.store(self.predicates, self.literal_predicates, self.types)
            self._source = StoreSource(CatalogueStore(store, [], Graph(), self.literal_predicates, len(store)))
        return self._source.select(query)


class EndpointSource:
    """A SPARQL 1.1 endpoint (optionally one named graph of it) as a SPARQL source."""

    literal_predicates = None  # an endpoint holds no kept source literals
    integers_rewritten = True  # and may have stored xsd:nonNegativeInteger … as xsd:integer

    def __init__(self, url: str, graph: str | None = None):
        self.url, self.graph = url, graph

    def select(self, query: str) -> list[dict]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        from hckg.engines import json_term

        if self.graph:
            query = query.replace(" WHERE {", f" FROM <{self.graph}> WHERE {{", 1)
        client = SPARQLWrapper(self.url)  # one per query: queries run in threads
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setQuery(query)
        try:
            answer = client.queryAndConvert()
        except Exception as exc:  # SPARQLWrapper raises many types: HTTP, connection, endpoint errors
            message = " ".join(str(exc).split())[:300]
            if "Connection" in type(exc).__name__ or isinstance(exc, OSError) or "urlopen" in message:
                raise InputError(f"cannot reach SPARQL endpoint {self.url}: {message}") from None
            raise QueryFailed(message) from None
        return [{name: json_term(value) for name, value in row.items()} for row in answer["results"]["bindings"]]


def data_facts(source, shapes: Graph, index=None) -> DataFacts:
    """What the compiled queries depend on in the data behind ``source``. With an ``index`` of the same data
    (then the source is a pyoxigraph store), subclasses are read from the index and regexes tried on an
    empty store: no query reaches the source, so an ``IndexSource`` makes its store only where it answers."""
    if index is None:
        pairs = [(row["sub"], row["super"]) for row in source.select(SUBCLASSES)]
        regexes = accepted_regexes(source, patterns(shapes))
    else:
        pairs = [(rdflib_term(sub), rdflib_term(sup)) for sub, sup in index.pairs(str(RDFS.subClassOf))]
        empty = StoreSource(CatalogueStore(ox.Store(), [], Graph(), frozenset(), 0))
        regexes = accepted_regexes(empty, patterns(shapes))
    return DataFacts(subclasses(pairs), source.literal_predicates, source.integers_rewritten, regexes)


def subclasses(pairs) -> dict:
    """Each class with all its subclasses (itself included), from the data's (subclass, class) pairs."""
    parents: dict = {}
    for sub, sup in pairs:
        parents.setdefault(sup, set()).add(sub)
    closure = {}
    for cls in parents:
        found, todo = {cls}, [cls]
        while todo:
            for sub in parents.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        closure[cls] = found
    return closure


def accepted_regexes(source, candidates: set) -> frozenset:
    """The (regex, flags) pairs the source's REGEX accepts: an invalid regex is an error in SPARQL, which a
    FILTER turns into "no violation", so a pattern the source's dialect rejects must go to pySHACL."""
    if not candidates:
        return frozenset()
    ordered = sorted(candidates)
    binds = " ".join(f"BIND(REGEX(\"\", {string(regex)}{', ' + string(flags) if flags else ''}) AS ?r{i})"
                     for i, (regex, flags) in enumerate(ordered))
    try:
        (row,) = source.select(f"SELECT * WHERE {{ {binds} }}")
    except QueryFailed:  # a source that cannot even say: trust none of them
        return frozenset()
    return frozenset(pair for i, pair in enumerate(ordered) if f"r{i}" in row)


def run(source, shapes: Graph, names: Graph, *, pyshacl_data: Callable[[], Graph] | None = None,
        native_index=None, progress: Progress = NO_PROGRESS):
    """Validate the data behind ``source`` against ``shapes``; ``names`` binds the prefixes for display.

    ``pyshacl_data`` loads the same data into rdflib for shapes left to pySHACL; without it those shapes
    are reported as not checked. ``native_index``: a ``value_index.ValueIndex`` of the same data (of what
    ``native.Reading`` names), which answers the queries ``native.NativeChecks`` can; the source then needs
    to hold only what the others see.
    """
    from hckg.validate import Report, read_results, validate_graph

    facts = data_facts(source, shapes, native_index)
    plan = compile_shapes(shapes, facts)
    fallback = dict(plan.fallback)
    found: dict = {}  # targeted shape -> [(check, row)]

    def collect(query, rows) -> None:
        for row in rows:
            for check, flag in zip(query.checks, query.flags):
                if flag is None or str(row.get(flag)) == "true":
                    found.setdefault(query.checks[0].target, []).append((check, row))

    native = NativeChecks(shapes, facts.subclasses, native_index) if native_index is not None else None
    with progress.stage("Validating", len(plan.queries)) as stage:
        for query, rows in _answers(source, plan.queries, native):
            stage.advance()
            if isinstance(rows, QueryFailed):
                fallback[query.checks[0].target] = f"the SPARQL source rejected a query: {rows}"
            else:
                collect(query, rows)
    report = bind_prefixes(Graph())
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    for target, violations in found.items():
        if target not in fallback:
            for check, row in violations:
                _add_result(report, node, shapes, names, check, row)
    notes = []
    if fallback and pyshacl_data is not None:
        pruned = _shapes_for(shapes, set(fallback))
        checked = validate_graph(pyshacl_data(), pruned).graph
        for result in checked.objects(None, SH.result):
            report.add((node, SH.result, result))
            _copy_node(checked, result, report)
    for shape, reason in sorted(fallback.items(), key=lambda item: str(item[0])):
        name = _show(shapes, shape)
        notes.append(f"{name} {'was validated by pySHACL' if pyshacl_data else 'was NOT checked'}: {reason}")
    if source.integers_rewritten and any(c.component == SH.DatatypeConstraintComponent
                                         and c.parameter in datatypes.INTEGER_RANGES
                                         for q in plan.queries for c in q.checks):
        notes.append("xsd:integer values in range were accepted for derived integer datatypes "
                     "(xsd:nonNegativeInteger …): SPARQL stores such as Oxigraph store those as xsd:integer")
    results = read_results(report, names)
    report.add((node, SH.conforms, Literal(not any(r.severity == "Violation" for r in results))))
    return Report(results=results, graph=report, notes=notes)


def _answers(source, queries: list, native: NativeChecks | None):
    """(query, its rows or the ``QueryFailed`` it raised) for every query, in the order they are answered.

    Without ``native``, the source answers them in threads. With it, the source answers those ``native``
    cannot in a process forked first (``fork_pool.beside``), which takes one of the CPUs the load leaves
    idle, while ``native`` answers the others, split between this process and forked ones over the idle
    CPUs left (the index is shared, not copied). At 100k datasets the two sides take 8-9 s and 13 s of CPU
    (load average 5 on 2 CPUs); splitting the Python checks as well gave the same wall time for 1.2 s more
    of their CPU, and under load the forked workers mostly wait (at a load average of 3: 17-24 s against
    14-16 s in one process, the workers copying the pages they read).
    """
    if native is None:
        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            futures = {pool.submit(_select, source, query.text): query for query in queries}
            for future in as_completed(futures):
                yield futures[future], future.result()
        return
    in_sparql = [number for number, query in enumerate(queries) if not native.answerable(query)]

    def in_the_source() -> dict:
        return {number: _select(source, queries[number].text) for number in in_sparql}
    workers = max(1, idle_cpus() - (1 if in_sparql else 0))
    parts = native.share_out(queries, workers) or [[]]
    with beside(in_the_source) if in_sparql else nullcontext(dict) as sparql_answers:   # dict(): no answers
        for answers in forked_map(lambda part: native.answer(queries, part), parts, workers):
            for number, rows in answers.items():
                yield queries[number], rows
        for number, rows in sparql_answers().items():
            yield queries[number], rows


def _select(source, query: str):
    """The rows of ``query``, or the ``QueryFailed`` the source raised."""
    try:
        return source.select(query)
    except QueryFailed as exc:
        return exc


def _show(graph: Graph, node) -> str:
    return stringify_node(graph, node) if isinstance(node, BNode) else node.n3(graph.namespace_manager)


def _add_result(report: Graph, report_node, shapes: Graph, names: Graph, check: Check, row: dict) -> None:
    focus = row["this"]
    if check.value == "value":
        value = row["value"]
    elif check.value == "focus":
        value = focus
    elif check.value == "sparql":
        value = row.get("value", focus if check.path is None else None)
    else:
        value = None
    if check.datatype is not None and datatypes.conforms(value, check.datatype):
        return
    result = BNode()
    report.add((report_node, SH.result, result))
    report.add((result, RDF.type, SH.ValidationResult))
    report.add((result, SH.sourceConstraintComponent, check.component))
    report.add((result, SH.sourceShape, check.shape))
    report.add((result, SH.resultSeverity, check.severity))
    report.add((result, SH.focusNode, focus))
    if value is not None:
        report.add((result, SH.value, value))
    result_path = row.get("path", check.path) if check.value == "sparql" else check.path
    if result_path is not None:
        report.add((result, SH.resultPath, result_path))
        copy_path(shapes, result_path, report)
    if check.constraint is not None:
        report.add((result, SH.sourceConstraint, check.constraint))
    for message in _messages(check, row, names, focus, value, shapes):
        report.add((result, SH.resultMessage, message))


def _messages(check: Check, row: dict, names: Graph, focus, value, shapes: Graph) -> list[Literal]:
    """The result's messages, in pySHACL's order: the SPARQL constraint's, then the shape's, else a generic one."""
    if check.value != "sparql":
        return check.messages or [Literal(_generic_message(check, names, shapes, focus, value))]
    bound = dict(row)
    if value is not None:
        bound.setdefault("value", value)
    found = [m for m in check.constraint_messages if m not in check.messages] + check.messages
    return [Literal(_fill_in(str(m), bound)) for m in found]


def _fill_in(message: str, bound: dict) -> str:
    for name, value in bound.items():
        message = re.sub("{[?$]" + re.escape(name) + "}", lambda _m, v=value: str(v), message)
    return message


def _generic_message(check: Check, names: Graph, shapes: Graph, focus, value) -> str:
    """A message for a constraint whose shape has no sh:message, worded as pySHACL words it."""
    component = str(check.component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    parameter = check.parameter
    shown = _show(shapes, parameter) if parameter is not None else ""
    data = (lambda node: stringify_node(names, node))
    where = f"{data(focus)}->{_show(shapes, check.path)}" if check.path is not None else data(focus)
    texts = {
        "Class": f"Value does not have class {shown}",
        "Datatype": f"Value is not Literal with datatype {shown}",
        "NodeKind": f"Value is not of Node Kind {shown}",
        "MinCount": f"Less than {parameter} values on {where}",
        "MaxCount": f"More than {parameter} values on {where}",
        "MinLength": f"String length not >= {data(parameter)}",
        "MaxLength": f"String length not <= {data(parameter)}",
        "Pattern": f"Value does not match pattern '{parameter}'",
        "HasValue": f"Node {where} does not contain a value in the set: {[shown]}",
        "Node": f"Value does not conform to Shape {shown}. See details for more information.",
        "MinInclusive": f"Value is not >= {shown}",
        "MaxInclusive": f"Value is not <= {shown}",
        "MinExclusive": f"Value is not > {shown}",
        "MaxExclusive": f"Value is not < {shown}",
        "LessThan": f"Value of {data(focus)}->{shown} <= {data(value) if value is not None else ''}",
        "LessThanOrEquals": f"Value of {data(focus)}->{shown} < {data(value) if value is not None else ''}",
    }
    if component in texts:
        return texts[component]
    if component == "In":
        return f"Value {data(value)} not in list {[_show(shapes, m) for m in shapes.items(parameter)]}"
    if component in ("QualifiedMinCount", "QualifiedMaxCount"):
        bound = "MinCount" if component == "QualifiedMinCount" else "MaxCount"
        count = shapes.value(check.shape, SH["qualified" + bound])
        return f"Focus node does not conform to shape {bound} {count}: {shown}"
    members = " , ".join(_show(shapes, m) for m in shapes.items(parameter)) if component in ("Or", "And", "Xone") else shown
    wording = {"Or": "must conform to one or more shapes in", "And": "must conform to all shapes in",
               "Xone": "must conform to exactly one shape in", "Not": "must not conform to shape"}
    return f"Node {data(value)} {wording[component]} {members}"


def _shapes_for(shapes: Graph, keep: set) -> Graph:
    """The shapes graph with the targets of every shape but ``keep`` removed."""
    pruned = Graph()
    for triple in shapes:
        pruned.add(triple)
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        for shape, obj in list(pruned.subject_objects(predicate)):
            if shape not in keep:
                pruned.remove((shape, predicate, obj))
    for shape in list(pruned.subjects(RDF.type, RDFS.Class)):
        if shape not in keep and (shape, RDF.type, SH.NodeShape) in pruned:
            pruned.remove((shape, RDF.type, RDFS.Class))
    return pruned


def _copy_node(source: Graph, node, target: Graph) -> None:
    """Copy ``node``'s triples and those of the blank nodes it leads to."""
    for _s, predicate, obj in source.triples((node, None, None)):
        target.add((node, predicate, obj))
        if isinstance(obj, BNode):
            _copy_node(source, obj, target)
