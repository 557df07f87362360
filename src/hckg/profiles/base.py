"""The profile machinery: a profile is a small table of node kinds and fields that maps the catalogue
graph onto one consumer's graph (DCAT-AP, HealthDCAT-AP, schema.org, Croissant).

A walk starts at the exported datasets (and the catalogue) and follows only the fields of each node
kind, so the work is linear in what is exported: no query over the whole graph. Blank nodes get labels
derived from where they hang and what they hold, so the same catalogue always gives the same bytes.
"""

import hashlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

from hckg.namespaces import bind_prefixes
from hckg.vocabularies import Vocabularies


@dataclass(frozen=True)
class Field:
    """One property a profile keeps: catalogue predicate → profile predicate, and what its values are."""

    source: URIRef
    target: URIRef | None = None          # default: the same predicate
    node: str | None = None               # describe IRI / blank-node values as this node kind
    types: tuple[URIRef, ...] = ()        # classes the profile states for the values (range classes)
    value: Callable[[Node], Node | None] | None = None   # rewrite a value (None drops it)

    @property
    def predicate(self) -> URIRef:
        return self.target or self.source


@dataclass(frozen=True)
class NodeMap:
    """How a profile describes one kind of node."""

    fields: tuple[Field, ...] = ()
    classes: dict[URIRef, URIRef] = field(default_factory=dict)   # catalogue class → profile class
    types: tuple[URIRef, ...] = ()        # classes always stated
    vocabulary: bool = False              # a concept: take type, label and scheme from the vocabulary extracts
                                          # when the catalogue does not label it


@dataclass
class ProfileGraph:
    """A profile's rendition of (part of) the catalogue: its graph and its top-level nodes, in order."""

    graph: Graph
    roots: list[URIRef]


class Walk:
    """One mapping run: a work list of (kind, node) pairs, each described once."""

    def __init__(self, profile: "Profile", source: Graph, datasets: Iterable[URIRef], out=None):
        self.profile = profile
        self.source = source
        self.selected = frozenset(datasets)   # what a catalogue may list
        if out is None:   # an rdflib graph, with the profile's prefixes for Turtle
            out = bind_prefixes(Graph())
            for prefix, namespace in profile.prefixes.items():
                out.bind(prefix, namespace, override=True, replace=True)
        self.out = out
        self._queue: deque[tuple[str, Node]] = deque()
        self._seen: set[tuple[str, Node]] = set()
        self._labels: dict[BNode, BNode] = {}
        self._digests: dict[BNode, str] = {}

    # --- building the output -------------------------------------------------------------------
    def follow(self, kind: str, node: Node) -> None:
        """Describe ``node`` as a ``kind`` (once)."""
        if isinstance(node, Literal) or (kind, node) in self._seen:
            return
        self._seen.add((kind, node))
        self._queue.append((kind, node))

    def emit(self, subject: Node, predicate: URIRef, obj: Node) -> None:
        """Add a triple; catalogue blank nodes are relabelled from their place and content."""
        subject = self._term(subject)
        if isinstance(obj, BNode) and obj not in self._labels:
            self._labels[obj] = BNode("b" + _sha(f"{subject.n3()} {predicate.n3()} {self._digest(obj)}")[:20])
        self.out.add((subject, predicate, self._term(obj)))

    def run(self) -> Graph:
        while self._queue:
            kind, node = self._queue.popleft()
            self._describe(kind, node)
        return self.out

    # --- internals -------------------------------------------------------------------------------
    def _term(self, node: Node) -> Node:
        if isinstance(node, BNode):
            return self._labels.setdefault(node, BNode("b" + _sha(self._digest(node))[:20]))
        return node

    def _digest(self, node: BNode, visiting: frozenset = frozenset()) -> str:
        """A digest of what the catalogue says about a blank node (nested blank nodes included)."""
        if node in self._digests:
            return self._digests[node]
        lines = []
        for p, o in self.source.predicate_objects(node):
            if isinstance(o, BNode):
                o_text = "[]" if o in visiting else self._digest(o, visiting | {node})
            else:
                o_text = o.n3()
            lines.append(f"{p.n3()} {o_text}")
        digest = _sha("\n".join(sorted(lines)))
        self._digests[node] = digest
        return digest

    def _describe(self, kind: str, node: Node) -> None:
        profile = self.profile
        spec = profile.nodes[kind]
        origins = [self.source]
        if spec.vocabulary and isinstance(node, URIRef) and (node, _PREF_LABEL, None) not in self.source:
            vocabulary = profile.vocabularies.graph_for(str(node))
            if vocabulary is not None:
                origins.append(vocabulary)

        def facts(predicate):
            found = {o for origin in origins for o in origin.objects(node, predicate)}
            return sorted(found, key=_order) if len(found) > 1 else found

        for cls in facts(_TYPE):
            if cls in spec.classes:
                self.emit(node, _TYPE, spec.classes[cls])
        for cls in spec.types:
            self.emit(node, _TYPE, cls)
        for fld in spec.fields:
            for value in facts(fld.source):
                if not profile.keep(self, kind, node, fld, value):
                    continue
                if fld.value is not None:
                    value = fld.value(value)
                    if value is None:
                        continue
                self.emit(node, fld.predicate, value)
                if not isinstance(value, Literal):
                    for cls in fld.types:
                        self.emit(value, _TYPE, cls)
                    if fld.node:
                        self.follow(fld.node, value)
        profile.derive(self, kind, node)


_TYPE, _PREF_LABEL = RDF.type, SKOS.prefLabel   # rdflib looks RDF.x up on every use


def _order(term: Node) -> tuple:
    return (type(term).__name__, str(term))


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Profile:
    """Base of every profile. Subclasses set ``nodes`` and may override ``keep`` and ``derive``."""

    name: ClassVar[str]
    summary: ClassVar[str]
    nodes: ClassVar[dict[str, NodeMap]]
    prefixes: ClassVar[dict[str, str]] = {}
    # JSON-LD: the context file (hckg/contexts/NAME.jsonld), the URL referenced instead of embedding it
    # by default (None: embed), and predicates whose values are written as references, never nested.
    context_name: ClassVar[str] = "hckg"
    context_reference: ClassVar[str | None] = None
    reference_only: ClassVar[frozenset[URIRef]] = frozenset()
    # whether a whole-catalogue export lists the catalogue itself as a top-level object
    catalog_kind: ClassVar[str | None] = "catalog"

    def __init__(self, vocabularies: Vocabularies | None = None):
        self.vocabularies = vocabularies or Vocabularies()

    def select(self, source: Graph, datasets: list[URIRef]) -> list[URIRef]:
        """The datasets this profile renders, of those asked for (default: all of them)."""
        return datasets

    def keep(self, walk: Walk, kind: str, node: Node, fld: Field, value: Node) -> bool:
        """Whether to keep one value of a field (default: yes)."""
        return True

    def derive(self, walk: Walk, kind: str, node: Node) -> None:
        """Add what the profile computes for a node rather than copies (default: nothing)."""

    def render(self, source: Graph, datasets: list[URIRef], catalog: URIRef | None = None,
               selected: Iterable[URIRef] | None = None, out=None) -> ProfileGraph:
        """Map ``datasets`` (and ``catalog``, when given) of the catalogue graph onto this profile.

        ``selected``: the datasets the catalogue lists (default: ``datasets``), when they are rendered in parts;
        ``out``: the graph to write (default: a new rdflib ``Graph``; a ``SubjectGraph`` for JSON-LD).
        """
        walk = Walk(self, source, datasets if selected is None else selected, out)
        roots: list[URIRef] = []
        if catalog is not None and self.catalog_kind:
            walk.follow(self.catalog_kind, catalog)
            roots.append(catalog)
        for dataset in datasets:
            walk.follow("dataset", dataset)
            roots.append(dataset)
        return ProfileGraph(walk.run(), roots)
