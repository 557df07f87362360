"""SHACL shapes compiled to SPARQL SELECT queries that find all the violations of a constraint at once.

Each constraint of a targeted shape becomes a ``Check`` (what its validation results say: shape,
component, severity, path, messages). The checks of one shape or property shape are grouped by what they
look at into one ``Query``, whose rows are the violating focus (and value) nodes, with a flag per check.
Shapes used inside others (``sh:node``, ``sh:or``, ``sh:and``, ``sh:not``, ``sh:xone``,
``sh:qualifiedValueShape``) become boolean SPARQL expressions ("this node violates the shape") inside
those queries. SHACL-SPARQL constraints (``sh:sparql``) run as written, joined with the focus nodes.

What the compiler cannot translate raises ``Unsupported``; the whole targeted shape is then left to pySHACL
(see ``Plan.fallback``). Not translated: sh:closed, sh:equals, sh:disjoint, sh:uniqueLang, sh:languageIn,
sh:qualifiedValueShapesDisjoint, SPARQL-based targets, SPARQL constraints inside nested shapes, property
shapes of property shapes, recursive shapes, counts above ``MAX_COUNT`` (or above 1 on multi-step paths),
and regexes the SPARQL source's dialect rejects.

Literals: when the store keeps source literals (see ``hckg.store``), constraints that look at lexical forms,
datatypes or the number of distinct values read the kept copies of XSD-typed literals, so they see the
source terms, not pyoxigraph's canonical ones; the others read the store's terms, which is cheaper.
"""

import re
from dataclasses import dataclass, field
from itertools import combinations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from hckg.fastshacl import datatypes
from hckg.fastshacl.sparql import Unsupported, iri, path, path_parts, string, term
from hckg.store import SOURCE_DATATYPE, SOURCE_LITERALS, is_kept

MAX_COUNT = 4  # counts are checked by joining that many distinct values
RDF_TYPE = iri(str(RDF.type))

# parameters that belong to no constraint (annotations, targets, grouping) and are skipped
NOT_CONSTRAINTS = {SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.message,
                   SH.severity, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.deactivated,
                   SH.property, SH.sparql, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.declare,
                   SH.prefixes}
VALUE_COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent, SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent, SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent, SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent, SH["and"]: SH.AndConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
}
FOCUS_COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent, SH.qualifiedValueShape: SH.QualifiedMinCountConstraintComponent,
}
NODE_KINDS = {
    SH.IRI: "!isIRI({v})", SH.BlankNode: "!isBlank({v})", SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})", SH.BlankNodeOrLiteral: "isIRI({v})", SH.IRIOrLiteral: "isBlank({v})",
}
COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<",
               SH.lessThan: "<", SH.lessThanOrEquals: "<="}


@dataclass(frozen=True)
class DataFacts:
    """What the compiled queries depend on in the data: subclasses, and where source literals are kept."""

    subclasses: dict            # class -> set of its subclasses (itself included), from rdfs:subClassOf
    literal_predicates: frozenset | None = None  # None: no kept source literals (e.g. a remote endpoint)
    # the data may hold xsd:integer where the source had a derived integer type (stores such as Oxigraph
    # rewrite them); then such an xsd:integer in the type's range passes sh:datatype
    integers_rewritten: bool = False
    # the (pattern, flags) of sh:pattern that the SPARQL source's REGEX accepts; None: all
    regexes: frozenset | None = None


@dataclass
class Check:
    """One compiled constraint: what each violation's validation result says."""

    target: object              # the targeted shape the check belongs to
    shape: object               # sh:sourceShape
    component: URIRef           # sh:sourceConstraintComponent
    severity: URIRef
    path: object | None         # sh:resultPath (a node of the shapes graph)
    messages: list[Literal]
    value: str                  # "value": rows have ?value; "focus": the focus is the value; "none"; "sparql"
    parameter: object = None    # the constraint's parameter value (for generic messages)
    datatype: URIRef | None = None       # rows still to be confirmed against this sh:datatype in Python
    constraint: object | None = None     # sh:sourceConstraint of a SPARQL constraint
    constraint_messages: list[Literal] = field(default_factory=list)


@dataclass
class Query:
    """A SELECT whose rows are violations of its checks: with one check every row is one; with several,
    row variable ``flags[i]`` is true where ``checks[i]`` is violated."""

    text: str
    checks: list[Check]
    flags: list[str | None]


@dataclass
class Plan:
    """The queries of every compiled targeted shape, and the shapes left to pySHACL with the reason."""

    queries: list[Query]
    fallback: list[tuple[object, str]]


def compile_shapes(shapes: Graph, facts: DataFacts) -> Plan:
    """Compile the targeted shapes of ``shapes`` for data described by ``facts``."""
    compiler = _Compiler(shapes, facts)
    plan = Plan([], [])
    for shape in targeted_shapes(shapes):
        try:
            plan.queries.extend(compiler.queries(shape))
        except Unsupported as exc:
            plan.fallback.append((shape, str(exc)))
    return plan


def patterns(shapes: Graph) -> set[tuple[str, str]]:
    """The (regex, flags) pairs of every sh:pattern in ``shapes``."""
    return {(str(regex), str(shapes.value(shape, SH.flags) or "")) for shape, regex in shapes.subject_objects(SH.pattern)}


def targeted_shapes(shapes: Graph) -> list:
    """Shapes with a target (explicit, or implicit by being an rdfs:Class), deactivated ones left out."""
    found = set()
    for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found.update(shapes.subjects(predicate, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        found.update(s for s in shapes.subjects(RDF.type, kind) if (s, RDF.type, RDFS.Class) in shapes)
    return sorted((s for s in found if not deactivated(shapes, s)), key=str)


def shape_constraints(shapes: Graph, shape):
    """(parameter, value, component, kind) of each constraint of ``shape``; kind is "value" or "focus"."""
    for parameter, value in sorted(shapes.predicate_objects(shape), key=lambda pv: (str(pv[0]), str(pv[1]))):
        if parameter in NOT_CONSTRAINTS or not str(parameter).startswith(str(SH)):
            continue
        if parameter in VALUE_COMPONENTS:
            yield parameter, value, VALUE_COMPONENTS[parameter], "value"
        elif parameter in FOCUS_COMPONENTS:
            if parameter == SH.qualifiedValueShape and shapes.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            if parameter == SH.qualifiedValueShape:
                for bound, component in ((SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent),
                                         (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent)):
                    if shapes.value(shape, bound) is not None:
                        yield bound, value, component, "focus"
            else:
                yield parameter, value, FOCUS_COMPONENTS[parameter], "focus"
        elif parameter != SH.qualifiedValueShapesDisjoint:
            raise Unsupported(f"{shapes.namespace_manager.normalizeUri(parameter)} is not compiled")


def deactivated(shapes: Graph, node) -> bool:
    """Whether the shape is switched off (``sh:deactivated true``)."""
    return shapes.value(node, SH.deactivated) == Literal(True)


def nested_active(shapes: Graph, shape, enclosing) -> bool:
    """Whether ``shape``, used inside another shape (``enclosing``: the shapes being translated around it),
    is switched on; raises ``Unsupported`` where it cannot be decided inside another: recursion, or a
    SHACL-SPARQL constraint. The one rule both engines (SPARQL here, Python in ``native``) follow."""
    if deactivated(shapes, shape):
        return False
    if shape in enclosing:
        raise Unsupported("recursive shapes")
    if shapes.value(shape, SH.sparql) is not None:
        raise Unsupported("a SPARQL constraint in a nested shape")
    return True


class _Compiler:
    def __init__(self, shapes: Graph, facts: DataFacts):
        self.sg, self.facts = shapes, facts
        self.counter = 0
        self.nesting: list = []

    def fresh(self, stem: str = "v") -> str:
        self.counter += 1
        return f"?{stem}_{self.counter}"

    # --- what a shape says --------------------------------------------------------------------
    def severity(self, shape) -> URIRef:
        return self.sg.value(shape, SH.severity) or SH.Violation

    def messages(self, node) -> list[Literal]:
        return list(self.sg.objects(node, SH.message))

    def constraints(self, shape):
        return shape_constraints(self.sg, shape)

    def needs_source(self, parameter, value, seen: frozenset = frozenset()) -> bool:
        """Whether a constraint looks at literals' lexical forms or datatypes (then it reads kept source literals)."""
        if parameter in (SH.datatype, SH.pattern, SH.minLength, SH.maxLength, SH.maxCount):
            return True  # counts too: "5"^^xsd:int and "5"^^xsd:integer are two values, one in the store
        if parameter == SH.minCount:
            return int(value) > 1
        if parameter in (SH["in"], SH.hasValue):
            members = self.sg.items(value) if parameter == SH["in"] else [value]
            return any(isinstance(m, Literal) for m in members)
        if parameter in (SH.node, SH["not"], SH.qualifiedMinCount, SH.qualifiedMaxCount):
            return self.shape_needs_source(value, seen)
        if parameter in (SH["and"], SH["or"], SH.xone):
            return any(self.shape_needs_source(item, seen) for item in self.sg.items(value))
        return False

    def shape_needs_source(self, shape, seen: frozenset = frozenset()) -> bool:
        """Whether a node conforming to ``shape`` depends on literals' lexical forms or datatypes."""
        if shape in seen:
            raise Unsupported("recursive shapes")
        seen = seen | {shape}
        return (any(self.needs_source(p, v, seen) for p, v, _c, _k in self.constraints(shape))
                or any(self.shape_needs_source(prop, seen) for prop in self.sg.objects(shape, SH.property)))

    # --- targets and value nodes --------------------------------------------------------------
    def targets(self, shape, distinct: bool = False) -> str:
        """A group pattern binding ?this to the focus nodes of ``shape``."""
        if self.sg.value(shape, SH.target) is not None:
            raise Unsupported("SPARQL-based target (sh:target)")
        parts = []
        classes = set(self.sg.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.sg:
            classes.add(shape)
        for cls in sorted(classes, key=str):
            t = self.fresh("t")
            parts.append(f"{{ ?this {RDF_TYPE} {t} . VALUES {t} {{ {self.class_list(cls)} }} }}")
        nodes = sorted(self.sg.objects(shape, SH.targetNode), key=str)
        if nodes:
            parts.append(f"{{ VALUES ?this {{ {' '.join(term(n) for n in nodes)} }} }}")
        for predicate in sorted(self.sg.objects(shape, SH.targetSubjectsOf), key=str):
            parts.append(f"{{ ?this {term(predicate)} {self.fresh('o')} }}")
        for predicate in sorted(self.sg.objects(shape, SH.targetObjectsOf), key=str):
            parts.append(f"{{ {self.fresh('s')} {term(predicate)} ?this }}")
        pattern = " UNION ".join(parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {pattern} }} }}" if distinct else f"{{ {pattern} }}"

    def class_list(self, cls) -> str:
        return " ".join(term(c) for c in sorted(self.facts.subclasses.get(cls, {cls}), key=str))

    def value_nodes(self, path_node, subject: str, obj: str, source: bool) -> str:
        """A pattern binding ``obj`` to the value nodes of ``path_node`` from ``subject``: a basic graph
        pattern, or a UNION of them (pyoxigraph does not pass bindings into nested groups, so each branch
        holds the whole path). With ``source``, a predicate with kept source literals yields its other
        objects plus the kept copies, so literals appear as parsed."""
        branches = self.value_branches(path_node, subject, obj, source)
        if len(branches) == 1:
            return branches[0]
        return " UNION ".join(f"{{ {branch} }}" for branch in branches)

    def value_branches(self, path_node, subject: str, obj: str, source: bool) -> list[str]:
        kind, content = path_parts(self.sg, path_node)
        if kind == "predicate":
            p = term(content)
            literals = self.facts.literal_predicates
            if not source or literals is None or str(content) not in literals:
                return [f"{subject} {p} {obj} ."]
            in_default = (f"!isLiteral({obj}) || !STRSTARTS(STR(DATATYPE({obj})), {string(str(XSD))})"
                          f" || DATATYPE({obj}) = {term(XSD.string)}")
            return [f"{subject} {p} {obj} . FILTER({in_default})",
                    f"GRAPH {iri(SOURCE_LITERALS)} {{ {subject} {p} {obj} }}"]
        if kind == "sequence":
            steps = [subject] + [self.fresh("m") for _ in content[:-1]] + [obj]
            last = len(content) - 1
            branches = [""]
            for i, item in enumerate(content):
                step = self.value_branches(item, steps[i], steps[i + 1], source and i == last)
                branches = [f"{before} {after}".strip() for before in branches for after in step]
            return branches
        if kind == "alternative":
            return [branch for item in content for branch in self.value_branches(item, subject, obj, source)]
        if kind == "inverse":
            return self.value_branches(content, obj, subject, source=False)
        return [f"{subject} {path(self.sg, path_node)} {obj} ."]

    def exists_values(self, path_node, subject: str, obj: str, test: str | None, source: bool) -> str:
        """An EXISTS expression: some value node ``obj`` of the path from ``subject`` passes ``test``.

        Each EXISTS holds one step from a bound node; a sequence nests one EXISTS per step (pyoxigraph
        plans a multi-step pattern inside EXISTS as if its start were unbound, scanning the whole graph).
        """
        return self._exists_steps([path_node], subject, obj, test, source)

    def _exists_steps(self, steps: list, subject: str, obj: str, test: str | None, source: bool) -> str:
        kind, content = path_parts(self.sg, steps[0])
        if kind == "sequence":
            return self._exists_steps(list(content) + steps[1:], subject, obj, test, source)
        if kind == "alternative":
            return "(" + " || ".join(self._exists_steps([item] + steps[1:], subject, obj, test, source)
                                     for item in content) + ")"
        if len(steps) > 1:
            middle = self.fresh("m")
            inner = self._exists_steps(steps[1:], middle, obj, test, source)
            return f"EXISTS {{ {self.value_nodes(steps[0], subject, middle, False)} FILTER({inner}) }}"
        condition = f" FILTER({test})" if test else ""
        return f"EXISTS {{ {self.value_nodes(steps[0], subject, obj, source)}{condition} }}"

    def single_step(self, path_node) -> bool:
        """Whether the path is one predicate, or the inverse of one."""
        kind, content = path_parts(self.sg, path_node)
        return kind == "predicate" or (kind == "inverse" and isinstance(content, URIRef))

    def datatype_is(self, v: str, datatype) -> str:
        """``v`` (a literal) has source datatype ``datatype``."""
        if self.facts.literal_predicates is None:
            return f"DATATYPE({v}) = {term(datatype)}"
        return f"DATATYPE({v}) IN ({term(datatype)}, {iri(SOURCE_DATATYPE + str(datatype))})"

    def typed(self, v: str, source: bool) -> str:
        """``v`` with a kept source literal turned back into a typed literal, for comparisons."""
        if not source or self.facts.literal_predicates is None:
            return v
        prefix = string(SOURCE_DATATYPE)
        return (f"IF(isLiteral({v}) && STRSTARTS(STR(DATATYPE({v})), {prefix}), "
                f"STRDT(STR({v}), IRI(STRAFTER(STR(DATATYPE({v})), {prefix}))), {v})")

    def matches(self, v: str, node) -> str:
        """``v`` is the term ``node`` (XSD-typed literals compared by lexical form and source datatype)."""
        if is_kept(node):
            return f"(isLiteral({v}) && STR({v}) = {string(str(node))} && {self.datatype_is(v, node.datatype)})"
        return f"sameTerm({v}, {term(node)})"

    # --- constraints as SPARQL expressions ----------------------------------------------------
    def value_fails(self, owner, parameter, value, v: str, focus: str, path_node, nested: bool, source: bool) -> str:
        """An expression true when value node ``v`` (of focus ``focus``) violates one constraint.

        ``source``: ``v`` may be a kept source literal; ``nested``: no Python check of datatypes follows.
        """
        if parameter == SH["class"]:
            t = self.fresh("t")
            return f"NOT EXISTS {{ {v} {RDF_TYPE} {t} . VALUES {t} {{ {self.class_list(value)} }} }}"
        if parameter == SH.datatype:
            if value == RDFS.Literal:
                return f"!isLiteral({v})"
            accepted = self.datatype_is(v, value)
            if self.facts.integers_rewritten and value in datatypes.INTEGER_RANGES:
                low, high = datatypes.INTEGER_RANGES[value]
                bounds = "".join(f" && {v} {op} {bound}" for op, bound in ((">=", low), ("<=", high)) if bound is not None)
                accepted = f"{accepted} || (DATATYPE({v}) = {term(XSD.integer)}{bounds})"
            test = f"!isLiteral({v}) || !({accepted})"
            if nested:
                if value in datatypes.LEXICAL:
                    test += f" || !REGEX(STR({v}), {string(datatypes.LEXICAL[value])})"
            elif datatypes.lexical_forms_matter(value):
                sure = datatypes.SURE.get(value)
                test += f" || !REGEX(STR({v}), {string(sure)})" if sure else " || true"
            return f"({test})"
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise Unsupported(f"unknown node kind {value}")
            return NODE_KINDS[value].format(v=v)
        if parameter == SH.pattern:
            flags = self.sg.value(owner, SH.flags)
            if self.facts.regexes is not None and (str(value), str(flags or "")) not in self.facts.regexes:
                raise Unsupported(f"the SPARQL source rejects the regex {str(value)!r}")
            arguments = string(str(value)) + (f", {string(str(flags))}" if flags else "")
            return f"(isBlank({v}) || !REGEX(STR({v}), {arguments}))"
        if parameter in (SH.minLength, SH.maxLength):
            operator = "<" if parameter == SH.minLength else ">"
            return f"(isBlank({v}) || STRLEN(STR({v})) {operator} {int(value)})"
        if parameter == SH["in"]:
            members = list(self.sg.items(value))
            return "!(" + (" || ".join(self.matches(v, m) for m in members) or "false") + ")"
        if parameter in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            return f"!COALESCE({self.typed(v, source)} {COMPARISONS[parameter]} {term(value)}, false)"
        if parameter in (SH.lessThan, SH.lessThanOrEquals):
            if path_node is None:
                raise Unsupported(f"{parameter} on a node shape")
            other = self.fresh("w")
            compare = f"!COALESCE({self.typed(v, source)} {COMPARISONS[parameter]} {other}, false)"
            return self.exists_values(value, focus, other, compare, source=False)
        if parameter == SH.node:
            return self.violates(value, v, source)
        if parameter == SH["not"]:
            return f"!{self.violates(value, v, source)}"
        shapes = list(self.sg.items(value))
        if parameter == SH["and"]:
            return "(" + (" || ".join(self.violates(s, v, source) for s in shapes) or "false") + ")"
        if parameter == SH["or"]:
            return "(" + (" && ".join(self.violates(s, v, source) for s in shapes) or "true") + ")"
        if parameter == SH.xone:
            conforming = " + ".join(f"IF({self.violates(s, v, source)}, 0, 1)" for s in shapes) or "0"
            return f"(({conforming}) != 1)"
        raise Unsupported(f"{parameter} is not compiled")  # pragma: no cover - VALUE_COMPONENTS lists the above

    def focus_fails(self, shape, parameter, value, focus: str, path_node) -> str:
        """An expression true when ``focus`` violates a count or hasValue constraint of property shape ``shape``."""
        if path_node is None:
            raise Unsupported(f"{parameter} on a node shape")
        source = self.needs_source(parameter, value)
        if parameter == SH.hasValue:
            w = self.fresh("w")
            return "!" + self.exists_values(path_node, focus, w, self.matches(w, value), source)
        qualified = None
        if parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
            qualified = value
            value = self.sg.value(shape, parameter)
        count = int(value)
        literals = self.facts.literal_predicates
        if parameter == SH.maxCount and count <= 1 and isinstance(path_node, URIRef) and literals is not None:
            # Exact and cheaper than reading source values: a second source value is a second store
            # value, unless both are XSD-typed literals the store merged, and then both are kept.
            store_values = self.distinct_values(path_node, focus, count + 1, None, False)
            if count == 0 or str(path_node) not in literals:
                return store_values
            a, b = self.fresh("n"), self.fresh("n")
            kept = f"GRAPH {iri(SOURCE_LITERALS)} {{ {focus} {term(path_node)} {a} . {focus} {term(path_node)} {b} }}"
            return f"({store_values} || EXISTS {{ {kept} FILTER(!sameTerm({a}, {b})) }})"
        if parameter in (SH.maxCount, SH.qualifiedMaxCount):
            return self.distinct_values(path_node, focus, count + 1, qualified, source)
        if count == 0:
            return "false"
        return "!" + self.distinct_values(path_node, focus, count, qualified, source)

    def distinct_values(self, path_node, focus: str, count: int, qualified, source: bool) -> str:
        """An expression true when ``focus`` has ``count`` distinct value nodes (conforming to ``qualified``)."""
        if count == 1:
            w = self.fresh("n")
            conforming = f"!{self.violates(qualified, w, source)}" if qualified is not None else None
            return self.exists_values(path_node, focus, w, conforming, source)
        if count > MAX_COUNT:
            raise Unsupported(f"a count above {MAX_COUNT}")
        if not self.single_step(path_node):
            raise Unsupported("a count above 1 on a path of several steps")
        names = [self.fresh("n") for _ in range(count)]
        patterns = " ".join(self.value_nodes(path_node, focus, name, source) for name in names)
        tests = [f"!sameTerm({a}, {b})" for a, b in combinations(names, 2)]
        if qualified is not None:
            tests += [f"!{self.violates(qualified, name, source)}" for name in names]
        return f"EXISTS {{ {patterns} FILTER({' && '.join(tests)}) }}"

    def violates(self, shape, x: str, source: bool) -> str:
        """An expression true when node ``x`` does not conform to ``shape`` (used inside other shapes);
        ``source``: ``x`` may be a kept source literal."""
        if not nested_active(self.sg, shape, self.nesting):
            return "false"
        self.nesting.append(shape)
        try:
            path_node = self.sg.value(shape, SH.path)
            parts, value_tests = [], []
            w = self.fresh("w") if path_node is not None else x
            inner_source = source if path_node is None else self.shape_needs_source(shape)
            for parameter, value, _component, kind in self.constraints(shape):
                if kind == "focus":
                    parts.append(self.focus_fails(shape, parameter, value, x, path_node))
                else:
                    value_tests.append(self.value_fails(shape, parameter, value, w, x, path_node, True, inner_source))
            if value_tests and path_node is None:
                parts.extend(value_tests)
            elif value_tests:
                parts.append(self.exists_values(path_node, x, w, " || ".join(value_tests), inner_source))
            for prop in self.sg.objects(shape, SH.property):
                if path_node is not None:
                    raise Unsupported("a property shape of a property shape")
                parts.append(self.violates(prop, x, source))
        finally:
            self.nesting.pop()
        return "(" + " || ".join(parts) + ")" if parts else "false"

    # --- queries of a targeted shape ----------------------------------------------------------
    def queries(self, shape) -> list[Query]:
        """The queries of a targeted shape: one for the constraints on its focus nodes (counts, hasValue)
        of all its property shapes; per owner (the shape or one of its property shapes), one for the
        constraints on value nodes that read source literals and one for those that do not; one per
        SPARQL constraint."""
        queries, focus_checks, focus_tests = [], [], []
        shape_path = self.sg.value(shape, SH.path)
        owners = [shape] if shape_path is not None else [shape] + [
            p for p in sorted(self.sg.objects(shape, SH.property), key=str) if not deactivated(self.sg, p)]
        for owner in owners:
            path_node = self.sg.value(owner, SH.path)
            if owner is not shape and any(True for _ in self.sg.objects(owner, SH.property)):
                raise Unsupported("a property shape of a property shape")
            by_source: dict = {}
            for parameter, value, component, kind in self.constraints(owner):
                if kind == "focus":
                    focus_checks.append(self.check(shape, owner, path_node, parameter, value, component, "none"))
                    focus_tests.append(self.focus_fails(owner, parameter, value, "?this", path_node))
                else:
                    by_source.setdefault(self.needs_source(parameter, value), []).append((parameter, value, component))
            for source, constraints in sorted(by_source.items()):
                queries.append(self.value_query(shape, owner, path_node, source, constraints))
            for constraint in sorted(self.sg.objects(owner, SH.sparql), key=str):
                if not deactivated(self.sg, constraint):
                    queries.append(self.sparql_query(shape, owner, path_node, constraint))
        if focus_checks:
            queries.append(_flagged("?this", self.targets(shape), focus_checks, focus_tests))
        return queries

    def check(self, target_shape, owner, path_node, parameter, value, component, value_mode) -> Check:
        datatype = value if parameter == SH.datatype and datatypes.lexical_forms_matter(value) else None
        return Check(target=target_shape, shape=owner, component=component, severity=self.severity(owner),
                     path=path_node, messages=self.messages(owner), value=value_mode, parameter=value,
                     datatype=datatype)

    def value_query(self, target_shape, owner, path_node, source, constraints) -> Query:
        """One query for constraints of ``owner`` on its value nodes: a row per violating (focus, value)."""
        value_mode = "focus" if path_node is None else "value"
        v = "?this" if path_node is None else "?value"
        checks = [self.check(target_shape, owner, path_node, parameter, value, component, value_mode)
                  for parameter, value, component in constraints]
        tests = [self.value_fails(owner, parameter, value, v, "?this", path_node, False, source)
                 for parameter, value, _component in constraints]
        pattern = self.targets(target_shape)
        if path_node is not None:
            pattern += " " + self.value_nodes(path_node, "?this", "?value", source)
        return _flagged("?this" if path_node is None else "?this ?value", pattern, checks, tests)

    def sparql_query(self, target_shape, owner, path_node, constraint) -> Query:
        select = self.sg.value(constraint, SH.select)
        if select is None:
            raise Unsupported("a SPARQL constraint without sh:select")
        text = str(select)
        if re.search(r"[$?](shapesGraph|currentShape)\b", text):
            raise Unsupported("$shapesGraph or $currentShape in a SPARQL constraint")
        projection = re.match(r"\s*SELECT\s+(.*?)\s*(WHERE\s*)?\{", text, re.IGNORECASE | re.DOTALL)
        if projection is None or not re.search(r"(^|\s)(\*|[$?]this)(\s|$)", projection.group(1)):
            raise Unsupported("a SPARQL constraint that does not select $this")
        if path_node is not None:
            text = text.replace("$PATH", path(self.sg, path_node))
        declarations = {}
        for owner_of_prefixes in self.sg.objects(constraint, SH.prefixes):
            for declaration in self.sg.objects(owner_of_prefixes, SH.declare):
                declarations[str(self.sg.value(declaration, SH.prefix))] = str(self.sg.value(declaration, SH.namespace))
        prologue = "".join(f"PREFIX {prefix}: {iri(ns)}\n" for prefix, ns in sorted(declarations.items()))
        query = f"{prologue}SELECT * WHERE {{ {self.targets(target_shape, distinct=True)} {{ {text} }} }}"
        check = Check(target=target_shape, shape=owner, component=SH.SPARQLConstraintComponent,
                      severity=self.severity(owner), path=path_node, messages=self.messages(owner), value="sparql",
                      constraint=constraint, constraint_messages=self.messages(constraint))
        return Query(query, [check], [None])


def _flagged(head: str, pattern: str, checks: list[Check], tests: list[str]) -> Query:
    """A query whose rows match ``pattern`` and fail one of ``tests`` (flagged per check if several)."""
    if len(tests) == 1:
        return Query(f"SELECT DISTINCT {head} WHERE {{ {pattern} FILTER({tests[0]}) }}", checks, [None])
    flags = [f"c{i}" for i in range(len(tests))]
    binds = " ".join(f"BIND(COALESCE({test}, false) AS ?{flag})" for test, flag in zip(tests, flags))
    projection = " ".join(f"?{flag}" for flag in flags)
    text = (f"SELECT DISTINCT {head} {projection} WHERE {{ {pattern} {binds} "
            f"FILTER({' || '.join('?' + flag for flag in flags)}) }}")
    return Query(text, checks, flags)
