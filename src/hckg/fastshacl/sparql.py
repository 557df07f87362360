"""SPARQL text for the compiler: terms, string literals and SHACL property paths."""

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH


class Unsupported(Exception):
    """A shape feature the compiler does not translate; the shape falls back to pySHACL."""


def string(text: str) -> str:
    """``text`` as a SPARQL string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def iri(value: str) -> str:
    if any(c in value for c in '<>"{}|^`\\ '):
        raise Unsupported(f"IRI not writable in SPARQL: {value!r}")
    return f"<{value}>"


def term(node) -> str:
    """An rdflib IRI or literal as SPARQL; blank nodes have no SPARQL constant."""
    if isinstance(node, URIRef):
        return iri(str(node))
    if isinstance(node, Literal):
        if node.language:
            return f"{string(str(node))}@{node.language}"
        if node.datatype:
            return f"{string(str(node))}^^{iri(str(node.datatype))}"
        return string(str(node))
    raise Unsupported(f"blank node {node} used as a constant")


def path_parts(shapes: Graph, node) -> tuple[str, object]:
    """A SHACL path as (kind, content): predicate, sequence, alternative, inverse, zeroOrMore, oneOrMore, zeroOrOne."""
    if isinstance(node, URIRef):
        return "predicate", node
    if (node, RDF.first, None) in shapes:
        return "sequence", list(shapes.items(node))
    for kind in ("alternativePath", "inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
        inner = shapes.value(node, SH[kind])
        if inner is not None:
            content = list(shapes.items(inner)) if kind == "alternativePath" else inner
            return kind.removesuffix("Path"), content
    raise Unsupported(f"malformed property path {node}")


def path(shapes: Graph, node) -> str:
    """A SHACL property path as a SPARQL property path."""
    kind, content = path_parts(shapes, node)
    if kind == "predicate":
        return iri(str(content))
    if kind == "sequence":
        return "(" + "/".join(path(shapes, item) for item in content) + ")"
    if kind == "alternative":
        return "(" + "|".join(path(shapes, item) for item in content) + ")"
    if kind == "inverse":
        return f"^({path(shapes, content)})"
    modifier = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}[kind]
    return f"({path(shapes, content)}){modifier}"


def copy_path(shapes: Graph, node, target: Graph) -> None:
    """Copy the triples that describe path ``node`` (lists, inverse nodes …) from ``shapes`` to ``target``."""
    if not isinstance(node, BNode):
        return
    for _s, predicate, obj in shapes.triples((node, None, None)):
        target.add((node, predicate, obj))
        copy_path(shapes, obj, target)
