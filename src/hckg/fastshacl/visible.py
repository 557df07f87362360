"""The predicates a set of shapes can see: a store that holds only their triples validates the same.

Validation reads the data only through shape paths (``sh:path`` and the parameters that hold paths:
``sh:lessThan``, ``sh:equals`` …), target predicates, ``rdf:type`` and ``rdfs:subClassOf`` (targets,
``sh:class``) and the SELECT queries of SPARQL constraints. ``visible_predicates`` collects the IRIs of
all of those; the answer is ``None`` ("every triple may matter") for anything it cannot account for:
``sh:closed``, a SHACL term it does not know, a query it cannot parse or one with a variable or negated
predicate. ``visible_classes`` narrows what they see of ``rdf:type`` to the instances of some classes.
"""

from rdflib import BNode, Graph, URIRef, Variable
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.paths import NegatedPath, Path
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

ALWAYS = frozenset({str(RDF.type), str(RDFS.subClassOf)})
# parameters whose value is a property path (or a predicate) of the data
PATH_PARAMETERS = {SH.path, SH.targetSubjectsOf, SH.targetObjectsOf, SH.lessThan, SH.lessThanOrEquals,
                   SH.equals, SH.disjoint}
PATH_KINDS = {SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath}
QUERY_PARAMETERS = {SH.select, SH.ask}
# SHACL terms that name no predicate of the data (value tests, annotations, shape structure)
BLIND = {SH.targetClass, SH.targetNode, SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount,
         SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH["in"], SH.hasValue, SH.languageIn, SH.uniqueLang,
         SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.node, SH["not"], SH["and"],
         SH["or"], SH.xone, SH.property, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
         SH.qualifiedValueShapesDisjoint, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
         SH.defaultValue, SH.deactivated, SH.sparql, SH.prefixes, SH.declare, SH.prefix, SH.namespace} | PATH_KINDS


class _Blind(Exception):
    """Something in the shapes may read any triple."""


def visible_predicates(shapes: Graph) -> frozenset[str] | None:
    """The predicate IRIs whose triples ``shapes`` can see, or None if that cannot be told."""
    named = _named_predicates(shapes)
    return None if named is None else frozenset(ALWAYS | named)


def visible_classes(shapes: Graph) -> frozenset[str] | None:
    """The classes whose ``rdf:type`` triples (with those of their subclasses) are all ``shapes`` can see of
    ``rdf:type``: their target classes (explicit or implicit) and ``sh:class`` values; None if a path or a
    query names ``rdf:type``, or the predicates seen cannot be told."""
    named = _named_predicates(shapes)
    if named is None or str(RDF.type) in named:
        return None
    classes = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    classes |= set(shapes.subjects(RDF.type, RDFS.Class))
    return frozenset(str(cls) for cls in classes)


def _named_predicates(shapes: Graph) -> set[str] | None:
    """The predicate IRIs that paths, targets and queries of ``shapes`` name, or None if that cannot be told."""
    found: set[str] = set()
    try:
        for node, parameter, value in shapes:
            if parameter == OWL.imports:
                raise _Blind
            if not str(parameter).startswith(str(SH)) or parameter in BLIND:
                continue
            if parameter in PATH_PARAMETERS:
                found |= _path_predicates(shapes, value)
            elif parameter in QUERY_PARAMETERS:
                found |= _query_predicates(shapes, node, str(value))
            else:  # sh:closed, sh:target, sh:rule, constraint components of one's own …
                raise _Blind
    except _Blind:
        return None
    return found


def _path_predicates(shapes: Graph, node, seen: frozenset = frozenset()) -> set[str]:
    if isinstance(node, URIRef):
        return {str(node)}
    if not isinstance(node, BNode) or node in seen:
        raise _Blind
    seen = seen | {node}
    if (node, RDF.first, None) in shapes:
        return set().union(*(_path_predicates(shapes, item, seen) for item in shapes.items(node)))
    kinds = [(kind, inner) for kind, inner in shapes.predicate_objects(node) if kind in PATH_KINDS]
    if len(kinds) != 1:
        raise _Blind
    return _path_predicates(shapes, kinds[0][1], seen)


def _query_predicates(shapes: Graph, constraint, text: str) -> set[str]:
    """Every IRI a SPARQL constraint's query names (as predicate or not: a superset is safe)."""
    prefixes = {}
    for owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefixes[str(shapes.value(declaration, SH.prefix))] = str(shapes.value(declaration, SH.namespace))
    try:  # $PATH stands for the owner's sh:path, whose predicates are collected with it
        query = prepareQuery(text.replace("$PATH", "<urn:hckg:path>"), initNs=prefixes)
    except Exception:  # pyparsing and rdflib raise many types for text they cannot read
        raise _Blind from None
    found: set[str] = set()
    _collect(query.algebra, found)
    return found


def _collect(node, found: set[str]) -> None:
    """Add the IRIs under an algebra node to ``found``; a variable or negated predicate reads any triple."""
    if isinstance(node, URIRef):
        found.add(str(node))
    elif isinstance(node, NegatedPath):
        raise _Blind
    elif isinstance(node, Path):
        for part in vars(node).values():
            _collect(part, found)
    elif isinstance(node, (CompValue, dict)):
        if "triples" in node and any(isinstance(triple[1], Variable) for triple in node["triples"]):
            raise _Blind
        for part in node.values():
            _collect(part, found)
    elif isinstance(node, (list, tuple, set)):
        for part in node:
            _collect(part, found)
