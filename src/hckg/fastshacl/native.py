"""The compiled checks decided in Python, over a catalogue's parsed triples (``hckg.quad_index``).

Filling a pyoxigraph store costs more than the queries it then answers (at 100k datasets about 34 s of a
54 s validation), and most of the compiler's checks look only at a focus node's values along a path: a
dictionary of the parsed triples by subject and by object answers those as fast as SPARQL does. So the
compiler's ``Query``s whose checks are all of that kind (counts, hasValue, qualified counts, class,
datatype, nodeKind, pattern, min/maxLength, in, lessThan(OrEquals), and node/not/and/or/xone over shapes of
the same kinds, on paths of predicates, inverse predicates, sequences and alternatives; targets by class,
node, subject or object) are answered here, as the rows a SPARQL source would give, and the runner turns
them into results as it does any other rows; the rest (SHACL-SPARQL constraints, value ranges, other paths)
run in SPARQL on a store that holds only what those shapes see (``sparql_predicates``).

Terms are the parser's, so literals are as the source wrote them: datatypes, lexical forms and distinct
values are the ones pySHACL sees, and ``sh:datatype`` is decided as ``hckg.fastshacl.datatypes`` decides it
at every depth (inside ``sh:or`` too, where SPARQL can only check the lexical space).
"""

import re
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from hckg.fastshacl import datatypes
from hckg.fastshacl.compiler import VALUE_COMPONENTS, DataFacts, Query, compile_shapes, shape_constraints
from hckg.fastshacl.sparql import Unsupported, path_parts
from hckg.fastshacl.visible import visible_predicates
from hckg.store import to_oxigraph, to_rdflib

_NAMED, _BLANK, _LITERAL = ox.NamedNode, ox.BlankNode, ox.Literal
_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = str(RDFS.subClassOf)
# the constraint parameter behind each component a check names
PARAMETERS = {component: parameter for parameter, component in VALUE_COMPONENTS.items()} | {
    SH.MinCountConstraintComponent: SH.minCount, SH.MaxCountConstraintComponent: SH.maxCount,
    SH.HasValueConstraintComponent: SH.hasValue, SH.QualifiedMinCountConstraintComponent: SH.qualifiedMinCount,
    SH.QualifiedMaxCountConstraintComponent: SH.qualifiedMaxCount}
FOCUS_PARAMETERS = {SH.minCount, SH.maxCount, SH.hasValue, SH.qualifiedMinCount, SH.qualifiedMaxCount}
NODE_KINDS = {SH.IRI: {_NAMED}, SH.BlankNode: {_BLANK}, SH.Literal: {_LITERAL}, SH.BlankNodeOrIRI: {_BLANK, _NAMED},
              SH.BlankNodeOrLiteral: {_BLANK, _LITERAL}, SH.IRIOrLiteral: {_NAMED, _LITERAL}}
REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_INTEGER_TYPES = {str(t) for t in datatypes.INTEGER_RANGES} | {str(datatypes.XSD.integer)}
_DIGITS = re.compile("[0-9]{1,18}")

ValueTest = Callable  # (value, focus, focus's outgoing triples or None) -> violates
FocusTest = Callable  # (focus, its value nodes) -> violates


def sparql_predicates(shapes: Graph) -> frozenset[str] | None:
    """The predicates a store must hold for the compiled queries ``NativeChecks`` does not answer: those
    the targeted shapes with such a query can see, and rdfs:subClassOf (None: every predicate)."""
    plan = compile_shapes(shapes, DataFacts({}, frozenset()))
    checks = NativeChecks(shapes, {})
    left = {query.checks[0].target for query in plan.queries if not checks.answerable(query)}
    seen = visible_predicates(_reachable(shapes, left))
    return None if seen is None else frozenset(seen if left else {_SUBCLASS})


def _reachable(shapes: Graph, roots: set) -> Graph:
    """The triples of ``shapes`` about ``roots`` and about every node they lead to."""
    found, todo = Graph(), list(roots)
    done = set(todo)
    while todo:
        for triple in shapes.triples((todo.pop(), None, None)):
            found.add(triple)
            if triple[2] not in done:
                done.add(triple[2])
                todo.append(triple[2])
    return found


class NativeChecks:
    """Answers compiled queries from a ``QuadIndex`` (``index``; None to ask only what it can answer).

    ``subclasses``: each class with its subclasses, as the compiler's ``DataFacts`` hold them.
    """

    def __init__(self, shapes: Graph, subclasses: dict, index=None):
        self.sg, self.subclasses, self.index = shapes, subclasses, index
        self._shape_tests: dict = {}
        self._building: set = set()
        self._instances: dict = {}
        self._datatype_verdicts: dict = {}

    def answerable(self, query: Query) -> bool:
        """Whether every check of ``query`` is decided here."""
        try:
            self._tests(query)
        except Unsupported:
            return False
        return True

    def answer(self, queries: list[Query]) -> dict[int, list[dict]]:
        """The rows of each query (by position) this answers, as a SPARQL source gives them: ``this``, ``value``
        (for checks on value nodes) and, in queries of several checks, the flag of the check violated."""
        by_target: dict = {}
        answers: dict[int, list[dict]] = {}
        for number, query in enumerate(queries):
            try:
                tests = self._tests(query)
            except Unsupported:
                continue
            rows = answers[number] = []
            for check, flag, path_node, kind, test in tests:
                mark = {flag: "true"} if flag else {}
                by_target.setdefault(check.target, {}).setdefault(path_node, []).append((kind, test, rows, mark))
        for target, by_path in by_target.items():
            self._run(target, by_path)
        return answers

    # --- evaluation -----------------------------------------------------------------------------
    def _run(self, target, by_path: dict) -> None:
        """Decide the checks of one targeted shape on each of its focus nodes (grouped by path)."""
        groups = [(self.path_values(path_node) if path_node is not None else None, checks)
                  for path_node, checks in by_path.items()]
        outgoing = self.outgoing
        for focus in self.focus_nodes(target):
            out = outgoing(focus)
            for values_of, checks in groups:
                values = values_of(focus, out) if values_of is not None else None
                for kind, test, rows, mark in checks:
                    if kind == "focus":
                        if test(focus, values):
                            rows.append({"this": to_rdflib(focus), **mark})
                    elif kind == "node":
                        if test(focus, focus, out):
                            rows.append({"this": to_rdflib(focus), **mark})
                    else:
                        for value in values:
                            if test(value, focus, out):
                                rows.append({"this": to_rdflib(focus), "value": to_rdflib(value), **mark})

    def outgoing(self, node) -> dict:
        """The objects of ``node``'s triples, by predicate (each triple once)."""
        out: dict = {}
        for quad in self.index.quads_for_pattern(node):
            found = out.get(quad.predicate)
            if found is None:
                out[quad.predicate] = [quad.object]
            else:
                found.append(quad.object)
        return out

    def focus_nodes(self, shape) -> set:
        """The focus nodes of a targeted shape."""
        index, nodes = self.index, set()
        classes = set(self.sg.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.sg:
            classes.add(shape)
        for cls in classes:
            nodes |= self.instances(cls)
        nodes.update(to_oxigraph(node) for node in self.sg.objects(shape, SH.targetNode))
        for predicate in self.sg.objects(shape, SH.targetSubjectsOf):
            nodes.update(quad.subject for quad in index.quads_for_pattern(None, to_oxigraph(predicate)))
        for predicate in self.sg.objects(shape, SH.targetObjectsOf):
            nodes.update(quad.object for quad in index.quads_for_pattern(None, to_oxigraph(predicate)))
        return nodes

    def instances(self, cls) -> set:
        """The nodes typed ``cls`` or one of its subclasses."""
        found = self._instances.get(cls)
        if found is None:
            found = self._instances[cls] = {
                quad.subject for sub in self.subclasses.get(cls, {cls})
                for quad in self.index.quads_for_pattern(None, _TYPE, to_oxigraph(sub))}
        return found

    # --- checks as Python tests -------------------------------------------------------------------
    def _tests(self, query: Query) -> list[tuple]:
        """(check, flag, path, kind, test) of each check of ``query``; kind: "focus" (a count or hasValue
        on the focus node's values), "node" (a value constraint of a node shape), "value"."""
        tests = []
        for check, flag in zip(query.checks, query.flags):
            if check.value == "sparql" or check.component not in PARAMETERS:
                raise Unsupported("SPARQL constraints are run in SPARQL")
            self._targets_known(check.target)
            parameter = PARAMETERS[check.component]
            if parameter in FOCUS_PARAMETERS:
                kind, test = "focus", self.focus_test(check.shape, parameter, check.parameter, check.path)
            else:
                kind = "node" if check.path is None else "value"
                test = self.value_test(check.shape, parameter, check.parameter, check.path)
            if check.path is not None:
                self.path_values(check.path)
            tests.append((check, flag, check.path, kind, test))
        return tests

    def _targets_known(self, shape) -> None:
        if self.sg.value(shape, SH.target) is not None:
            raise Unsupported("SPARQL-based target (sh:target)")
        if any(isinstance(node, BNode) for node in self.sg.objects(shape, SH.targetNode)):
            raise Unsupported("a blank node as target node")

    def path_values(self, path_node) -> Callable:
        """A function (node, node's outgoing triples or None) -> the distinct value nodes of the path."""
        kind, content = path_parts(self.sg, path_node)
        if kind == "predicate":
            predicate = to_oxigraph(content)
            return lambda node, out: tuple((out if out is not None else self.outgoing(node)).get(predicate, ()))
        if kind == "inverse":
            if not isinstance(content, URIRef):
                raise Unsupported("the inverse of a path of several steps")
            predicate = to_oxigraph(content)
            return lambda node, out: tuple(dict.fromkeys(
                quad.subject for quad in self.index.quads_for_pattern(None, predicate, node)))
        if kind == "alternative":
            branches = [self.path_values(item) for item in content]
            return lambda node, out: tuple(dict.fromkeys(value for branch in branches for value in branch(node, out)))
        if kind == "sequence":
            steps = [self.path_values(item) for item in content]

            def along(node, out):
                found = steps[0](node, out)
                for step in steps[1:]:
                    found = tuple(dict.fromkeys(value for middle in found for value in step(middle, None)))
                return found
            return along
        raise Unsupported(f"{kind} paths are run in SPARQL")

    def focus_test(self, owner, parameter, value, path_node) -> FocusTest:
        """A test of a focus node's value nodes: true when they violate a count or hasValue constraint."""
        if path_node is None:
            raise Unsupported(f"{parameter} on a node shape")
        if parameter == SH.hasValue:
            if isinstance(value, BNode):
                raise Unsupported("a blank node as sh:hasValue")
            wanted = to_oxigraph(value)
            return lambda focus, values: wanted not in values
        if parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            bound = int(self.sg.value(owner, parameter))
            violates = self.violates(value)
            if parameter == SH.qualifiedMaxCount:
                return lambda focus, values: sum(1 for v in values if not violates(v)) > bound
            return lambda focus, values: bound > 0 and sum(1 for v in values if not violates(v)) < bound
        bound = int(value)
        if parameter == SH.maxCount:
            return lambda focus, values: len(values) > bound
        return lambda focus, values: len(values) < bound

    def value_test(self, owner, parameter, value, path_node) -> ValueTest:
        """A test of one value node: true when it violates the constraint."""
        if parameter == SH["class"]:
            return lambda v, focus, out: v not in self.instances(value)
        if parameter == SH.datatype:
            return self.datatype_test(value)
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise Unsupported(f"unknown node kind {value}")
            allowed = NODE_KINDS[value]
            return lambda v, focus, out: type(v) not in allowed
        if parameter == SH.pattern:
            flags = str(self.sg.value(owner, SH.flags) or "")
            if any(flag not in REGEX_FLAGS for flag in flags):
                raise Unsupported(f"regex flags {flags!r}")
            try:
                regex = re.compile(str(value), sum(REGEX_FLAGS[flag] for flag in flags))
            except re.error:
                raise Unsupported(f"the regex {str(value)!r}") from None
            return lambda v, focus, out: type(v) is _BLANK or regex.search(v.value) is None
        if parameter in (SH.minLength, SH.maxLength):
            bound = int(value)
            if parameter == SH.minLength:
                return lambda v, focus, out: type(v) is _BLANK or len(v.value) < bound
            return lambda v, focus, out: type(v) is _BLANK or len(v.value) > bound
        if parameter == SH["in"]:
            members = list(self.sg.items(value))
            if any(isinstance(member, BNode) for member in members):
                raise Unsupported("a blank node in sh:in")
            allowed = {to_oxigraph(member) for member in members}
            return lambda v, focus, out: v not in allowed
        if parameter in (SH.lessThan, SH.lessThanOrEquals):
            if path_node is None:
                raise Unsupported(f"{parameter} on a node shape")
            others = self.path_values(value)
            strict = parameter == SH.lessThan
            return lambda v, focus, out: any(not _in_order(v, w, strict) for w in others(focus, out))
        if parameter in (SH.node, SH["not"]):
            violates = self.violates(value)
            if parameter == SH.node:
                return lambda v, focus, out: violates(v)
            return lambda v, focus, out: not violates(v)
        if parameter in (SH["and"], SH["or"], SH.xone):
            members = [self.violates(shape) for shape in self.sg.items(value)]
            if parameter == SH["and"]:
                return lambda v, focus, out: any(violates(v) for violates in members)
            if parameter == SH["or"]:
                return lambda v, focus, out: all(violates(v) for violates in members)
            return lambda v, focus, out: sum(1 for violates in members if not violates(v)) != 1
        raise Unsupported(f"{parameter} is run in SPARQL")

    def datatype_test(self, datatype) -> ValueTest:
        """``sh:datatype``: pySHACL's verdict (``datatypes.conforms``), decided by a regex where it can be."""
        if datatype == RDFS.Literal:
            return lambda v, focus, out: type(v) is not _LITERAL
        iri = str(datatype)
        sure = datatypes.SURE.get(datatype)
        sure = re.compile(sure) if sure else None
        matters = datatypes.lexical_forms_matter(datatype)
        verdicts = self._datatype_verdicts

        def fails(v, focus, out):
            if type(v) is not _LITERAL or v.datatype.value != iri:
                return True
            if not matters or (sure is not None and sure.match(v.value)):
                return False
            verdict = verdicts.get((v, iri))
            if verdict is None:
                verdict = verdicts[(v, iri)] = not datatypes.conforms(to_rdflib(v), datatype)
            return verdict
        return fails

    def violates(self, shape) -> Callable:
        """A test of a node: true when it does not conform to ``shape`` (a shape used inside another)."""
        test = self._shape_tests.get(shape)
        if test is not None:
            return test
        if self.sg.value(shape, SH.deactivated) == Literal(True):
            return lambda node: False
        if shape in self._building:
            raise Unsupported("recursive shapes")
        if self.sg.value(shape, SH.sparql) is not None:
            raise Unsupported("a SPARQL constraint in a nested shape")
        self._building.add(shape)
        try:
            path_node = self.sg.value(shape, SH.path)
            values_of = self.path_values(path_node) if path_node is not None else None
            focus_tests, value_tests = [], []
            for parameter, value, _component, kind in shape_constraints(self.sg, shape):
                if kind == "focus":
                    focus_tests.append(self.focus_test(shape, parameter, value, path_node))
                else:
                    value_tests.append(self.value_test(shape, parameter, value, path_node))
            properties = list(self.sg.objects(shape, SH.property))
            if properties and path_node is not None:
                raise Unsupported("a property shape of a property shape")
            property_tests = [self.violates(prop) for prop in properties]
        finally:
            self._building.discard(shape)
        verdicts: dict = {}

        def test(node) -> bool:
            verdict = verdicts.get(node)
            if verdict is None:
                out = self.outgoing(node) if path_node is not None else None
                if values_of is None:
                    verdict = any(t(node, node, out) for t in value_tests)
                else:
                    values = values_of(node, out)
                    verdict = (any(t(node, values) for t in focus_tests)
                               or any(t(v, node, out) for v in values for t in value_tests))
                verdict = verdicts[node] = verdict or any(t(node) for t in property_tests)
            return verdict
        self._shape_tests[shape] = test
        return test


def _in_order(v, w, strict: bool) -> bool:
    """Whether value ``v`` is below (``strict``) or not above ``w``, as pySHACL compares them."""
    if (type(v) is _LITERAL and type(w) is _LITERAL and _DIGITS.fullmatch(v.value) and _DIGITS.fullmatch(w.value)
            and v.datatype.value in _INTEGER_TYPES and w.datatype.value in _INTEGER_TYPES):
        return int(v.value) < int(w.value) if strict else int(v.value) <= int(w.value)
    if type(v) is _BLANK or type(w) is _BLANK:
        return False
    v, w = to_rdflib(v), to_rdflib(w)
    v_text, w_text = _as_text(v), _as_text(w)
    if (v_text is None) != (w_text is None):
        return False
    if v_text is not None:
        v, w = v_text, w_text
    try:
        return bool(v < w if strict else v <= w)
    except TypeError:
        return False


def _as_text(term):
    """A term pySHACL compares as a string (an IRI, a literal whose value is a string), else None."""
    if isinstance(term, URIRef):
        return str(term)
    value = term.value
    return value if isinstance(value, str) else None
