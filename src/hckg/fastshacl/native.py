"""The compiled checks decided in Python, over a catalogue's parsed triples (``value_index.ValueIndex``).

Filling a pyoxigraph store costs more than the queries it then answers (at 100k datasets about 34 s of a
54 s validation), and most of the compiler's checks look only at a focus node's values along a path: a
dictionary of the parsed triples by predicate and subject answers those faster than SPARQL does. So the
compiler's ``Query``s whose checks are all of that kind (counts, hasValue, qualified counts, class,
datatype, nodeKind, pattern, min/maxLength, in, lessThan(OrEquals), and node/not/and/or/xone over shapes of
the same kinds, on paths of predicates, inverse predicates, sequences and alternatives; targets by class,
node, subject or object) are answered here, as the rows a SPARQL source would give, and the runner turns
them into results as it does any other rows; the rest (SHACL-SPARQL constraints, value ranges, other paths)
run in SPARQL on a store that holds only what those shapes see (``Reading``).

Nodes are held as ``value_index`` holds them (IRIs and blank nodes as strings); literals are the parser's,
as the source wrote them: datatypes, lexical forms and distinct values are the ones pySHACL sees, and
``sh:datatype`` is decided as ``hckg.fastshacl.datatypes`` decides it at every depth (inside ``sh:or``
too, where SPARQL can only check the lexical space).
"""

import gc
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from hckg.fastshacl import datatypes
from hckg.fastshacl.compiler import (VALUE_COMPONENTS, DataFacts, Query, compile_shapes, nested_active,
                                     shape_constraints)
from hckg.fastshacl.sparql import Unsupported, path_parts
from hckg.fastshacl.value_index import ValueIndex, distinct
from hckg.fastshacl.visible import visible_classes, visible_predicates
from hckg.store import to_oxigraph, to_rdflib

_LITERAL = ox.Literal
_TYPE = str(RDF.type)
_SUBCLASS = str(RDFS.subClassOf)
# the constraint parameter behind each component a check names
PARAMETERS = {component: parameter for parameter, component in VALUE_COMPONENTS.items()} | {
    SH.MinCountConstraintComponent: SH.minCount, SH.MaxCountConstraintComponent: SH.maxCount,
    SH.HasValueConstraintComponent: SH.hasValue, SH.QualifiedMinCountConstraintComponent: SH.qualifiedMinCount,
    SH.QualifiedMaxCountConstraintComponent: SH.qualifiedMaxCount}
FOCUS_PARAMETERS = {SH.minCount, SH.maxCount, SH.hasValue, SH.qualifiedMinCount, SH.qualifiedMaxCount}
NODE_KINDS = {SH.IRI: {"iri"}, SH.BlankNode: {"blank"}, SH.Literal: {"literal"}, SH.BlankNodeOrIRI: {"blank", "iri"},
              SH.BlankNodeOrLiteral: {"blank", "literal"}, SH.IRIOrLiteral: {"iri", "literal"}}
REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
_INTEGER_TYPES = {str(t) for t in datatypes.INTEGER_RANGES} | {str(XSD.integer)}
_DIGITS = re.compile("[0-9]{1,18}")

ValueTest = Callable  # (value, focus) -> violates
FocusTest = Callable  # (focus, its value nodes) -> violates


@dataclass(frozen=True)
class Reading:
    """What validation reads of a catalogue for ``shapes`` (predicate IRIs; None: all of them): the
    ``ValueIndex`` of the predicates the shapes see, subjects by object for rdf:type and inverse paths,
    and a store of what the targeted shapes with a query ``NativeChecks`` does not answer see: the triples
    of ``store``, of which the rdf:type triples of ``store_classes`` and their subclasses (None: all)."""

    values: frozenset | None
    inverse: frozenset
    store: frozenset | None
    store_classes: frozenset | None

    @classmethod
    def of(cls, shapes: Graph) -> "Reading":
        plan = compile_shapes(shapes, DataFacts({}, frozenset()))
        checks = NativeChecks(shapes, {}, ValueIndex(frozenset(), frozenset(_inverse_predicates(shapes))))
        left = {query.checks[0].target for query in plan.queries if not checks.answerable(query)}
        reachable = _reachable(shapes, left)
        seen = visible_predicates(reachable)
        return cls(visible_predicates(shapes), frozenset(_inverse_predicates(shapes)),
                   None if seen is None else frozenset(seen if left else {_SUBCLASS}), visible_classes(reachable))


def _inverse_predicates(shapes: Graph) -> set[str]:
    """rdf:type and the predicates of inverse paths."""
    return {str(RDF.type)} | {str(inner) for inner in shapes.objects(None, SH.inversePath) if isinstance(inner, URIRef)}


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
    """Answers compiled queries from a ``ValueIndex`` of what ``Reading.of(shapes)`` names.

    ``subclasses``: each class with its subclasses, as the compiler's ``DataFacts`` hold them.
    """

    def __init__(self, shapes: Graph, subclasses: dict, index: ValueIndex):
        self.sg, self.subclasses, self.index = shapes, subclasses, index
        self._shape_tests: dict = {}
        self._building: set = set()
        self._instances: dict = {}
        self._focus: dict = {}
        self._datatype_verdicts: dict = {}

    def answerable(self, query: Query) -> bool:
        """Whether every check of ``query`` is decided here."""
        try:
            self._tests(query)
        except Unsupported:
            return False
        return True

    def share_out(self, queries: list[Query], parts: int) -> list[list[int]]:
        """The numbers of the queries this answers, in up to ``parts`` groups of about equal work (each
        targeted shape's in one group; its work: focus nodes times checks), the largest first."""
        work: dict = {}
        for number, query in enumerate(queries):
            if self.answerable(query):
                target = query.checks[0].target
                numbers, checks = work.get(target, ([], 0))
                work[target] = (numbers + [number], checks + len(query.checks))
        groups = [(0, []) for _ in range(max(1, parts))]
        for target, (numbers, checks) in sorted(work.items(), key=lambda item: (
                -len(self.focus_nodes(item[0])) * item[1][1], str(item[0]))):
            load, members = groups[0]
            groups[0] = (load + len(self.focus_nodes(target)) * checks, members + numbers)
            groups.sort(key=lambda group: group[0])
        return [members for _load, members in sorted(groups, key=lambda group: -group[0]) if members]

    def answer(self, queries: list[Query], numbers: list[int] | None = None) -> dict[int, list[dict]]:
        """The rows of each query (by position; only ``numbers``, if given) this answers, as a SPARQL source
        gives them: ``this``, ``value`` (for checks on value nodes) and, in queries of several checks, the
        flag of the check violated."""
        by_target: dict = {}
        answers: dict[int, list[dict]] = {}
        for number, query in enumerate(queries):
            if numbers is not None and number not in numbers:
                continue
            try:
                tests = self._tests(query)
            except Unsupported:
                continue
            rows = answers[number] = []
            for test in tests:
                by_target.setdefault(test[0].target, []).append((*test, rows))
        collecting = gc.isenabled()
        # the lists of value nodes hold millions of tuples and make no cycles: collections would only rescan
        # them (at 100k datasets, 10.8 s instead of 6 s for the dataset shape)
        gc.disable()
        try:
            for target, tests in by_target.items():
                self._run(target, tests)
        finally:
            if collecting:
                gc.enable()
        return answers

    # --- evaluation -----------------------------------------------------------------------------
    def _run(self, target, tests: list[tuple]) -> None:
        """Decide the checks of one targeted shape, each over all its focus nodes at once."""
        focus_nodes = self.focus_nodes(target)
        valued: dict = {}  # path -> [(focus node, its value nodes)] for the focus nodes with values

        def pairs(path) -> list[tuple]:
            found = valued.get(path)
            if found is None:
                found = valued[path] = self._valued(focus_nodes, path)
            return found
        for check, flag, parameter, value, kind, test, rows in tests:
            if kind == "node":
                found = [(focus, None) for focus in focus_nodes if test(focus, focus)]
            elif kind == "focus":
                found = [(focus, None) for focus in self._focus_violations(
                    check.path, parameter, value, test, focus_nodes, lambda: pairs(check.path))]
            else:
                found = [(focus, v) for focus, values in pairs(check.path) for v in values if test(v, focus)]
            mark = {flag: "true"} if flag else {}
            for focus, v in dict.fromkeys(found):  # a triple stated twice gives its value twice
                row = {"this": rdflib_term(focus), **mark}
                if v is not None:
                    row["value"] = rdflib_term(v)
                rows.append(row)

    def _focus_violations(self, path_node, parameter, value, test: FocusTest, focus_nodes: set, pairs: Callable):
        """The focus nodes that violate a focus constraint; ``pairs()`` gives the value nodes of those that have
        some. Counts on a one-predicate path are decided on the index itself (no pairs made: at 100k datasets,
        most of the count checks' time)."""
        kind, content = path_parts(self.sg, path_node)
        by_subject = self.index.objects.get(str(content), {}) if kind == "predicate" else None
        if parameter == SH.minCount and int(value) == 1:
            if by_subject is not None:
                return focus_nodes - by_subject.keys()
            having = {focus for focus, _values in pairs()}
            return [focus for focus in focus_nodes if focus not in having]
        if parameter == SH.maxCount:
            bound = int(value)
            if by_subject is None:
                candidates = pairs()
            elif len(focus_nodes) < len(by_subject):
                candidates = ((focus, by_subject.get(focus, ())) for focus in focus_nodes)
            else:
                candidates = by_subject.items()
            return [focus for focus, values in candidates
                    if len(values) > bound and focus in focus_nodes and len(set(values)) > bound]
        by_focus = by_subject if by_subject is not None else dict(pairs())
        return [focus for focus in focus_nodes if test(focus, distinct(by_focus.get(focus, ())))]

    def _valued(self, focus_nodes: set, path_node) -> list[tuple]:
        """(focus node, its value nodes) for each of ``focus_nodes`` with values along the path."""
        kind, content = path_parts(self.sg, path_node)
        if kind == "predicate":
            by_subject = self.index.objects.get(str(content), {})
            if len(focus_nodes) < len(by_subject):
                return [(focus, by_subject[focus]) for focus in focus_nodes if focus in by_subject]
            return [(focus, values) for focus, values in by_subject.items() if focus in focus_nodes]
        values_of = self.path_values(path_node)
        return [(focus, values) for focus in focus_nodes if (values := values_of(focus))]

    def focus_nodes(self, shape) -> set:
        """The focus nodes of a targeted shape."""
        nodes = self._focus.get(shape)
        if nodes is None:
            nodes = self._focus[shape] = self._find_focus_nodes(shape)
        return nodes

    def _find_focus_nodes(self, shape) -> set:
        nodes = set()
        classes = set(self.sg.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.sg:
            classes.add(shape)
        for cls in classes:
            nodes |= self.instances(cls)
        nodes.update(_key(node) for node in self.sg.objects(shape, SH.targetNode))
        for predicate in self.sg.objects(shape, SH.targetSubjectsOf):
            nodes.update(self.index.objects.get(str(predicate), {}))
        for predicate in self.sg.objects(shape, SH.targetObjectsOf):
            for found in self.index.objects.get(str(predicate), {}).values():
                nodes.update(found)
        return nodes

    def instances(self, cls) -> set:
        """The nodes typed ``cls`` or one of its subclasses."""
        found = self._instances.get(cls)
        if found is None:
            typed = self.index.subjects[_TYPE]
            found = self._instances[cls] = {node for sub in self.subclasses.get(cls, {cls})
                                            for node in typed.get(str(sub), ())}
        return found

    # --- checks as Python tests -------------------------------------------------------------------
    def _tests(self, query: Query) -> list[tuple]:
        """(check, flag, parameter, its value, kind, test) of each check of ``query``; kind: "focus" (a count
        or hasValue on the focus node's values), "node" (a value constraint of a node shape), "value"."""
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
            tests.append((check, flag, parameter, check.parameter, kind, test))
        return tests

    def _targets_known(self, shape) -> None:
        if self.sg.value(shape, SH.target) is not None:
            raise Unsupported("SPARQL-based target (sh:target)")
        if any(isinstance(node, BNode) for node in self.sg.objects(shape, SH.targetNode)):
            raise Unsupported("a blank node as target node")

    def path_values(self, path_node) -> Callable:
        """A function giving the distinct value nodes of the path at a node."""
        kind, content = path_parts(self.sg, path_node)
        if kind == "predicate":
            return self.index.values_of(str(content))
        if kind == "inverse":
            if not isinstance(content, URIRef) or str(content) not in self.index.subjects:
                raise Unsupported("the inverse of a path of several steps")
            return self.index.subjects_of(str(content))
        if kind == "alternative":
            branches = [self.path_values(item) for item in content]
            return lambda node: tuple(dict.fromkeys(value for branch in branches for value in branch(node)))
        if kind == "sequence":
            steps = [self.path_values(item) for item in content]

            def along(node):
                found = steps[0](node)
                for step in steps[1:]:
                    found = tuple(dict.fromkeys(value for middle in found for value in step(middle)))
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
            wanted = _key(value)
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
            return lambda v, focus: v not in self.instances(value)
        if parameter == SH.datatype:
            return self.datatype_test(value)
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise Unsupported(f"unknown node kind {value}")
            allowed = NODE_KINDS[value]
            return lambda v, focus: _kind(v) not in allowed
        if parameter == SH.pattern:
            flags = str(self.sg.value(owner, SH.flags) or "")
            if any(flag not in REGEX_FLAGS for flag in flags):
                raise Unsupported(f"regex flags {flags!r}")
            try:
                regex = re.compile(str(value), sum(REGEX_FLAGS[flag] for flag in flags))
            except re.error:
                raise Unsupported(f"the regex {str(value)!r}") from None
            return lambda v, focus: _kind(v) == "blank" or regex.search(_text(v)) is None
        if parameter in (SH.minLength, SH.maxLength):
            bound = int(value)
            if parameter == SH.minLength:
                return lambda v, focus: _kind(v) == "blank" or len(_text(v)) < bound
            return lambda v, focus: _kind(v) == "blank" or len(_text(v)) > bound
        if parameter == SH["in"]:
            members = list(self.sg.items(value))
            if any(isinstance(member, BNode) for member in members):
                raise Unsupported("a blank node in sh:in")
            allowed = {_key(member) for member in members}
            return lambda v, focus: v not in allowed
        if parameter in (SH.lessThan, SH.lessThanOrEquals):
            if path_node is None:
                raise Unsupported(f"{parameter} on a node shape")
            others = self.path_values(value)
            strict = parameter == SH.lessThan
            return lambda v, focus: any(not _in_order(v, w, strict) for w in others(focus))
        if parameter in (SH.node, SH["not"]):
            violates = self.violates(value)
            if parameter == SH.node:
                return lambda v, focus: violates(v)
            return lambda v, focus: not violates(v)
        if parameter in (SH["and"], SH["or"], SH.xone):
            members = [self.violates(shape) for shape in self.sg.items(value)]
            if parameter == SH["and"]:
                return lambda v, focus: any(violates(v) for violates in members)
            if parameter == SH["or"]:
                return lambda v, focus: all(violates(v) for violates in members)
            return lambda v, focus: sum(1 for violates in members if not violates(v)) != 1
        raise Unsupported(f"{parameter} is run in SPARQL")

    def datatype_test(self, datatype) -> ValueTest:
        """``sh:datatype``: pySHACL's verdict (``datatypes.conforms``), decided by a regex where it can be."""
        if datatype == RDFS.Literal:
            return lambda v, focus: type(v) is not _LITERAL
        iri = str(datatype)
        sure = datatypes.SURE.get(datatype)
        sure = re.compile(sure) if sure else None
        matters = datatypes.lexical_forms_matter(datatype)
        verdicts = self._datatype_verdicts

        def fails(v, focus):
            if type(v) is not _LITERAL or v.datatype.value != iri:
                return True
            if not matters or (sure is not None and sure.match(v.value)):
                return False
            verdict = verdicts.get((v, iri))
            if verdict is None:
                verdict = verdicts[(v, iri)] = not datatypes.conforms(rdflib_term(v), datatype)
            return verdict
        return fails

    def violates(self, shape) -> Callable:
        """A test of a node: true when it does not conform to ``shape`` (a shape used inside another)."""
        test = self._shape_tests.get(shape)
        if test is not None:
            return test
        if not nested_active(self.sg, shape, self._building):
            return lambda node: False
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
                if values_of is None:
                    verdict = any(t(node, node) for t in value_tests)
                else:
                    values = values_of(node)
                    verdict = (any(t(node, values) for t in focus_tests)
                               or any(t(v, node) for v in values for t in value_tests))
                verdict = verdicts[node] = verdict or any(t(node) for t in property_tests)
            return verdict
        self._shape_tests[shape] = test
        return test


def _in_order(v, w, strict: bool) -> bool:
    """Whether value ``v`` is below (``strict``) or not above ``w``, as pySHACL compares them."""
    if (type(v) is _LITERAL and type(w) is _LITERAL and _DIGITS.fullmatch(v.value) and _DIGITS.fullmatch(w.value)
            and v.datatype.value in _INTEGER_TYPES and w.datatype.value in _INTEGER_TYPES):
        return int(v.value) < int(w.value) if strict else int(v.value) <= int(w.value)
    if _kind(v) == "blank" or _kind(w) == "blank":
        return False
    v, w = rdflib_term(v), rdflib_term(w)
    v_text, w_text = _as_text(v), _as_text(w)
    if (v_text is None) != (w_text is None):
        return False
    if v_text is not None:
        v, w = v_text, w_text
    try:
        return bool(v < w if strict else v <= w)
    except TypeError:
        return False


def _key(term):
    """An rdflib IRI or literal as the index holds it (see ``value_index``)."""
    if isinstance(term, BNode):
        raise Unsupported(f"blank node {term} used as a constant")
    return str(term) if isinstance(term, URIRef) else to_oxigraph(term)


def rdflib_term(node):
    """A node as the index holds it, as an rdflib term."""
    if type(node) is _LITERAL:
        return to_rdflib(node)
    return BNode(node[2:]) if node.startswith("_:") else str.__new__(URIRef, node)


def _kind(node) -> str:
    if type(node) is _LITERAL:
        return "literal"
    return "blank" if node.startswith("_:") else "iri"


def _text(node) -> str:
    """SPARQL's STR of an IRI or literal."""
    return node.value if type(node) is _LITERAL else node


def _as_text(term):
    """A term pySHACL compares as a string (an IRI, a literal whose value is a string), else None."""
    if isinstance(term, URIRef):
        return str(term)
    value = term.value
    return value if isinstance(value, str) else None
