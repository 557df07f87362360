"""A deterministic RDF/XML writer: rdflib's writers order namespaces and subjects by hash, so the
same graph gives different bytes from run to run. This one writes one ``rdf:Description`` per subject,
subjects, properties and namespace declarations sorted."""

import re
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*$")


def _split(iri: str) -> tuple[str, str]:
    match = _LOCAL_NAME.search(iri)
    if not match or match.start() == 0:
        raise ValueError(f"cannot write predicate <{iri}> in RDF/XML: it has no XML local name")
    return iri[:match.start()], match.group(0)


def serialize(graph: Graph) -> bytes:
    """``graph`` as RDF/XML, byte-identical for the same graph."""
    bound = {str(ns): prefix for prefix, ns in graph.namespaces() if prefix}
    used = sorted({_split(str(p))[0] for p in graph.predicates()} | {str(RDF)})
    prefixes: dict[str, str] = {}
    for ns in used:
        prefix = bound.get(ns) or f"ns{len(prefixes)}"
        while prefix in prefixes.values() or prefix == "xml":
            prefix = f"ns{len(prefixes)}_{prefix}"
        prefixes[ns] = "rdf" if ns == str(RDF) else prefix

    def qname(iri: str) -> str:
        ns, local = _split(iri)
        return f"{prefixes[ns]}:{local}"

    def node_attribute(node) -> str:
        if isinstance(node, BNode):
            return f"rdf:nodeID={quoteattr(str(node))}"
        return f"rdf:resource={quoteattr(str(node))}"

    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"  xmlns:{prefixes[ns]}={quoteattr(ns)}" for ns in sorted(prefixes, key=prefixes.get)]
    lines[-1] += ">"
    for subject in sorted(set(graph.subjects()), key=lambda s: (isinstance(s, BNode), str(s))):
        about = (f"rdf:nodeID={quoteattr(str(subject))}" if isinstance(subject, BNode)
                 else f"rdf:about={quoteattr(str(subject))}")
        lines.append(f"  <rdf:Description {about}>")
        for predicate, obj in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), po[1].n3())):
            name = qname(str(predicate))
            if isinstance(obj, Literal):
                attributes = ""
                if obj.language:
                    attributes = f" xml:lang={quoteattr(obj.language)}"
                elif obj.datatype:
                    attributes = f" rdf:datatype={quoteattr(str(obj.datatype))}"
                lines.append(f"    <{name}{attributes}>{escape(str(obj))}</{name}>")
            elif isinstance(obj, (URIRef, BNode)):
                lines.append(f"    <{name} {node_attribute(obj)}/>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")
