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
        # what the source says of a node, predicate -> objects: the store view keeps one ready (``description``)
        self._description = getattr(source, "description", None) or self._graph_description
        self._keeps = type(profile).keep is not Profile.keep   # whether the profile filters values
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
        # terms are rdflib's own classes (no parser or store view makes subclasses), so ``type(x) is BNode``
        # says what ``isinstance`` would, without its cost on the hot path
        if type(subject) is BNode:
            subject = self._term(subject)
        if type(obj) is BNode:
            if obj not in self._labels:
                self._labels[obj] = BNode("b" + _sha(f"{subject.n3()} {predicate.n3()} {self._digest(obj)}")[:20])
            obj = self._labels[obj]
        self.out.add((subject, predicate, obj))

    def run(self) -> Graph:
        while self._queue:
            kind, node = self._queue.popleft()
            self._describe(kind, node)
        return self.out

    # --- internals -------------------------------------------------------------------------------
    def _term(self, node: Node) -> Node:
        if isinstance(node, BNode):
            label = self._labels.get(node)
            if label is None:
                label = self._labels[node] = BNode("b" + _sha(self._digest(node))[:20])
            return label
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

    def _graph_description(self, node: Node) -> dict[URIRef, list[Node]]:
        """What an rdflib graph says of ``node``: predicate -> objects."""
        said: dict[URIRef, list[Node]] = {}
        for predicate, obj in self.source.predicate_objects(node):
            said.setdefault(predicate, []).append(obj)
        return said

    def _describe(self, kind: str, node: Node) -> None:
        profile = self.profile
        spec = profile.nodes[kind]
        said = self._description(node)
        if spec.vocabulary and isinstance(node, URIRef) and not said.get(_PREF_LABEL):
            vocabulary = profile.vocabularies.graph_for(str(node))
            if vocabulary is not None:   # what the vocabulary extract says besides
                said = {p: list(o) for p, o in said.items()}
                for predicate, obj in vocabulary.predicate_objects(node):
                    said.setdefault(predicate, []).append(obj)
        emit = self.emit
        classes = spec.classes
        for cls in _ordered(said.get(_TYPE, ())):
            if cls in classes:
                emit(node, _TYPE, classes[cls])
        for cls in spec.types:
            emit(node, _TYPE, cls)
        for fld in spec.fields:
            values = said.get(fld.source)
            if not values:
                continue
            for value in _ordered(values):
                if self._keeps and not profile.keep(self, kind, node, fld, value):
                    continue
                if fld.value is not None:
                    value = fld.value(value)
                    if value is None:
                        continue
                emit(node, fld.predicate, value)
                if type(value) is not Literal:
                    for cls in fld.types:
                        emit(value, _TYPE, cls)
                    if fld.node:
                        self.follow(fld.node, value)
        profile.derive(self, kind, node)


_TYPE, _PREF_LABEL = RDF.type, SKOS.prefLabel   # rdflib looks RDF.x up on every use


def _order(term: Node) -> tuple:
    return (type(term).__name__, str(term))


def _ordered(values: list[Node]):
    """Distinct values in a fixed order (one value as it is)."""
    return values if len(values) == 1 else sorted(set(values), key=_order)


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
