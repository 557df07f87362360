"""JSON-LD done right: our own @context, framed documents, and an offline loader to check them.

``frame`` writes a profile graph as one JSON object per top-level node (a dataset, the catalogue), with
the nodes it points to nested inside (distributions, publisher, temporal coverage, labels …) and keys
taken from the context, so a file reads ``"title"``, not ``"dct:title"``. It is a direct, linear writer
(no general framing algorithm): every triple of the graph is written exactly where a JSON-LD 1.1
processor will find it again, which the tests check by expanding exports with pyld.
"""

import io
import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import orjson
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from hckg.namespaces import DEFAULT_BASE, HEALTHDCATAP
from hckg.subject_graph import SubjectGraph

CONTEXT_URL = DEFAULT_BASE + "context.jsonld"   # where the hckg context is served
SCHEMA_ORG = "https://schema.org/"              # the context Google expects schema.org JSON-LD to cite
SCHEMA_ORG_URLS = ("https://schema.org/", "https://schema.org", "http://schema.org/", "http://schema.org")

# datatypes as plain strings: the framer's hot loop compares them (rdflib's own terms compare slowly)
_INTEGERS = {str(t) for t in (XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long)}
_JSON, _STRING, _BOOLEAN, _INTEGER = str(RDF.JSON), str(XSD.string), str(XSD.boolean), str(XSD.integer)
_TYPE = RDF.type   # rdflib looks RDF.x up on every use
_KEY_ORDER = {"name": 0, "title": 0, "prefLabel": 1, "description": 2}
_UNSET = object()


@lru_cache(maxsize=None)
def _context_file(name: str) -> str:
    return resources.files("hckg").joinpath("contexts").joinpath(f"{name}.jsonld").read_text(encoding="utf-8")


def load_context(name: str, health_namespace: str | None = None) -> dict:
    """The context document ``hckg/contexts/NAME.jsonld``; ``health_namespace`` rebinds ``healthdcatap``."""
    document = json.loads(_context_file(name))
    context = document["@context"]
    if health_namespace and "healthdcatap" in context:
        context["healthdcatap"] = health_namespace
    return document


@dataclass(frozen=True)
class Term:
    name: str
    iri: str
    coerce: str | None = None        # "@id", "@vocab", "@json" or a datatype IRI
    container: str | None = None     # "@set" or None
    language: object = _UNSET        # a language tag, None (no language) or unset (the default applies)


class Context:
    """The parts of a JSON-LD context the writer needs: terms, prefixes, @vocab and @language."""

    def __init__(self, context: dict):
        self.vocab = context.get("@vocab")
        self.language = context.get("@language")
        self.prefixes = {k: v for k, v in context.items()
                         if not k.startswith("@") and isinstance(v, str) and v[-1:] in ("/", "#")}
        self.terms: dict[str, Term] = {}
        for name, definition in context.items():
            if name.startswith("@") or name in self.prefixes:
                continue
            if isinstance(definition, str):
                if not definition.startswith("@"):
                    self.terms[name] = Term(name, self.expand(definition))
                continue
            coerce = definition.get("@type")
            if coerce and not coerce.startswith("@"):
                coerce = self.expand(coerce)
            self.terms[name] = Term(name, self.expand(definition.get("@id", name)), coerce,
                                    definition.get("@container"), definition.get("@language", _UNSET))
        self.by_iri: dict[str, Term] = {}
        for term in sorted(self.terms.values(), key=lambda t: t.name):
            self.by_iri.setdefault(term.iri, term)
        self._compacted: dict[str, str] = {}   # compact(), remembered: a document uses few IRIs there

    def expand(self, value: str) -> str:
        prefix, sep, suffix = value.partition(":")
        if sep and prefix in self.prefixes:
            return self.prefixes[prefix] + suffix
        if not sep and self.vocab:
            return self.vocab + value
        return value

    def compact(self, iri: str) -> str:
        """A vocabulary-relative IRI as short as the context allows: a term, a @vocab suffix, prefix:suffix."""
        found = self._compacted.get(iri)
        if found is None:
            found = self._compacted[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        term = self.by_iri.get(iri)
        if term is not None and term.coerce is None and term.container is None:
            return term.name
        if self.vocab and iri.startswith(self.vocab):
            suffix = iri[len(self.vocab):]
            if suffix and ":" not in suffix and "/" not in suffix and suffix not in self.terms:
                return suffix
        candidates = [f"{p}:{iri[len(ns):]}" for p, ns in self.prefixes.items()
                      if iri.startswith(ns) and len(iri) > len(ns)]
        return min(candidates, key=lambda c: (len(c), c)) if candidates else iri

    def key(self, predicate: URIRef) -> tuple[str, Term | None]:
        term = self.by_iri.get(str(predicate))
        return (term.name, term) if term else (self.compact(str(predicate)), None)

    def language_of(self, term: Term | None) -> str | None:
        if term is not None and term.language is not _UNSET:
            return term.language
        return self.language


def _sort_key(value) -> tuple:
    if isinstance(value, str):
        return (0, value)
    if isinstance(value, dict):
        return (2, str(value.get("@id", "")), json.dumps(value, sort_keys=True, ensure_ascii=False))
    return (1, json.dumps(value, sort_keys=True))


@lru_cache(maxsize=4096)
def _key_order(key: str) -> tuple:
    """Where a key goes in a node object: names and titles first, then labels, descriptions, the rest."""
    return (_KEY_ORDER.get(key, 9), key)


def _sort_head(value) -> tuple:
    """The start of ``_sort_key``, without the costly dump of a node object."""
    if isinstance(value, str):
        return (0, value)
    if isinstance(value, dict):
        return (2, str(value.get("@id", "")))
    return (1, json.dumps(value, sort_keys=True))


def _sorted_values(values: list) -> list:
    """``sorted(values, key=_sort_key)``; where the heads of the keys differ they alone decide."""
    heads = [_sort_head(v) for v in values]
    if len(set(heads)) < len(heads):
        return sorted(values, key=_sort_key)
    return [values[i] for i in sorted(range(len(values)), key=heads.__getitem__)]


@dataclass(frozen=True)
class _Slot:
    """How the values of one predicate are written: under which key, coerced how, nested or not."""

    key: str
    coerce: str | None
    language: str | None    # the language a plain string is taken to have
    is_set: bool            # always an array
    reference: bool         # IRIs written as references, never nested


class Framer:
    """Writes a graph as framed node objects: roots on top, what they point to nested inside.

    ``graph`` is a ``SubjectGraph`` (read directly) or an rdflib ``Graph``. Terms are rdflib's own classes,
    so ``type(x) is BNode`` says what ``isinstance`` would, without its cost in the hot loop.
    """

    def __init__(self, graph: Graph, context: Context, roots: list[URIRef], reference_only: frozenset,
                 root_set: frozenset | None = None):
        self.graph = graph
        if isinstance(graph, SubjectGraph):
            self._description, self._describes = graph.description, graph.describes
        else:
            self._description = lambda subject: _grouped(graph.predicate_objects(subject))
            self._describes = lambda node: (node, None, None) in graph
        self.context = context
        self.roots = list(roots)
        self.root_set = set(roots) if root_set is None else root_set   # nodes never nested (top-level objects)
        self.reference_only = reference_only
        incoming = Counter(o for o in graph.objects() if type(o) is BNode)
        self.shared_bnodes = {b for b, n in incoming.items() if n != 1}
        self.bnode_ids: dict[BNode, str] = {}
        self.embeds: dict[Node, int] = {}   # times each node was written
        self.written: set[Node] = set()
        self._open: set[Node] = set()   # the nodes being written: the path from the top-level node
        self._slots: dict[URIRef, _Slot | None] = {}

    def frame(self, leftovers: bool = True, dry_run: bool = True) -> list[dict]:
        """The roots' node objects, then (``leftovers``) those of nodes no root reached.

        Without ``dry_run`` the caller must check that no blank node was nested twice (``nested_twice``).
        """
        if dry_run:
            # a dry run finds blank nodes nested more than once (inside a node nested in several places):
            # those need an @id so that a JSON-LD processor merges them back into one node
            self._all_objects(leftovers)
            self.shared_bnodes |= self.nested_twice()
            self.written.clear()
            self.embeds.clear()
        return self._all_objects(leftovers)

    def nested_twice(self) -> set[BNode]:
        return {b for b, n in self.embeds.items() if isinstance(b, BNode) and n > 1}

    def unwritten(self) -> set[Node]:
        """Nodes described in the graph but not (yet) written."""
        return {s for s in self.graph.subjects() if s not in self.written}

    def _all_objects(self, leftovers: bool) -> list[dict]:
        objects = [self._node(root, True) for root in self.roots]
        while leftovers:   # nodes described but reached from no root (or only by reference)
            left = sorted(self.unwritten(), key=self._order)
            if not left:
                break
            objects.extend(self._node(s, True) for s in left)
        return objects

    def _order(self, node: Node) -> tuple:
        return (isinstance(node, BNode), self._id(node))

    def _id(self, node: Node) -> str:
        if isinstance(node, BNode):
            return self.bnode_ids.setdefault(node, f"_:b{len(self.bnode_ids)}")
        return str(node)

    def _slot(self, predicate: URIRef) -> _Slot | None:
        """How ``predicate``'s values are written (None: rdf:type, written as ``@type``)."""
        if predicate in self._slots:
            return self._slots[predicate]
        slot = None
        if predicate != _TYPE:
            key, term = self.context.key(predicate)
            slot = _Slot(key, term.coerce if term else None, self.context.language_of(term),
                         term is not None and term.container == "@set", predicate in self.reference_only)
        self._slots[predicate] = slot
        return slot

    def _node(self, subject: Node, top: bool) -> dict:
        self.written.add(subject)
        self.embeds[subject] = self.embeds.get(subject, 0) + 1
        obj: dict = {}
        if type(subject) is not BNode or subject in self.shared_bnodes or top:
            obj["@id"] = self._id(subject)
        said = self._description(subject)
        types = said.get(_TYPE)
        if types:
            compact = self.context.compact
            names = sorted(compact(str(t)) for t in types)
            obj["@type"] = names[0] if len(names) == 1 else names
        values: dict[str, list] = {}
        slots: dict[str, _Slot] = {}
        self._open.add(subject)
        for predicate, objects in said.items():
            slot = self._slot(predicate)
            if slot is None:
                continue
            found = values.get(slot.key)
            if found is None:
                found = values[slot.key] = []
            slots[slot.key] = slot
            for value in objects:
                found.append(self._value(slot, value))
        self._open.discard(subject)
        for key in sorted(values, key=_key_order) if len(values) > 1 else values:
            items = values[key]
            if len(items) > 1:
                obj[key] = _sorted_values(items)
            else:
                obj[key] = items if slots[key].is_set else items[0]
        return obj

    def _value(self, slot: _Slot, value: Node):
        kind = type(value)
        if kind is Literal:
            return self._literal(slot, value)
        if (not slot.reference and value not in self._open and value not in self.root_set
                and self._describes(value)
                and (kind is not BNode or value not in self.shared_bnodes or value not in self.written)):
            return self._node(value, False)
        if kind is BNode:
            return {"@id": self._id(value)}
        if slot.coerce == "@id":
            return str(value)
        if slot.coerce == "@vocab":
            return self.context.compact(str(value))
        return {"@id": str(value)}

    def _literal(self, slot: _Slot, literal: Literal):
        text = str(literal)
        coerce = slot.coerce
        language = literal.language
        if language:
            if coerce is None and slot.language == language:
                return text
            return {"@value": text, "@language": language}
        datatype = literal.datatype
        datatype = _STRING if datatype is None else str(datatype)
        if coerce == "@json" and datatype == _JSON:
            return json.loads(text)
        if coerce is not None and coerce == datatype:
            return int(text) if datatype in _INTEGERS and _canonical_integer(text) else text
        if coerce is None:
            if datatype == _STRING:
                return text if slot.language is None else {"@value": text}
            if datatype == _BOOLEAN and text in ("true", "false"):
                return text == "true"
            if datatype == _INTEGER and _canonical_integer(text):
                return int(text)
        if datatype == _STRING:
            return {"@value": text}
        return {"@value": text, "@type": self.context.compact(datatype)}


def _grouped(pairs) -> dict:
    """(predicate, object) pairs as predicate -> objects."""
    said: dict = {}
    for predicate, obj in pairs:
        said.setdefault(predicate, []).append(obj)
    return said


def _canonical_integer(text: str) -> bool:
    return text == "0" or (text.isdigit() and not text.startswith("0"))


def frame(graph: Graph, roots: list[URIRef], context: dict, reference_only: frozenset = frozenset()) -> list[dict]:
    """The node objects of ``graph``: one per root, with what they point to nested, then any left over."""
    return Framer(graph, Context(context["@context"]), roots, reference_only).frame()


def document(graph: Graph, roots: list[URIRef], context: dict, *, reference: str | None = None,
             reference_only: frozenset = frozenset()) -> bytes:
    """A JSON-LD document: the context embedded (or ``reference`` cited), then one object or an ``@graph``."""
    objects = frame(graph, roots, context, reference_only)
    head = {"@context": reference if reference else context["@context"]}
    if len(objects) > 1:
        out = io.BytesIO()
        with GraphWriter(out, head) as writer:
            writer.write(objects)
        return out.getvalue()
    body = {**head, **objects[0]} if objects else {**head, "@graph": []}
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class GraphWriter:
    """Writes ``{**head, "@graph": [...]}`` as ``json.dumps(..., indent=2)`` would, node objects as they come.

    JSON strings hold no raw newlines, so an object dumped on its own is moved into the ``@graph`` array
    by indenting each of its lines: the bytes equal those of dumping the whole document at once (of two
    objects or more: one object is written without ``@graph``, none as ``[]``).
    """

    def __init__(self, handle, head: dict):
        text = json.dumps({**head, "@graph": [0]}, indent=2, ensure_ascii=False)
        cut = text.rindex("\n    0\n")
        self.handle = handle
        self.opening, self.closing = text[:cut + 1], text[cut + len("\n    0"):] + "\n"
        self.count = 0

    def __enter__(self) -> "GraphWriter":
        self.handle.write(self.opening.encode("utf-8"))
        return self

    def write(self, objects: list[dict]) -> None:
        self.write_dumped([dumped(obj) for obj in objects])

    def write_dumped(self, objects: list[bytes]) -> None:
        """Write node objects already dumped by ``dumped``."""
        for obj in objects:
            self.handle.write((b",\n    " if self.count else b"    ") + obj.replace(b"\n", b"\n    "))
            self.count += 1

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.handle.write(self.closing.encode("utf-8"))


def dumped(obj: dict) -> bytes:
    """``json.dumps(obj, indent=2, ensure_ascii=False)`` in UTF-8, by orjson where it can (same bytes, faster)."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:   # integers beyond 64 bits, lone surrogates
        return json.dumps(obj, indent=2, ensure_ascii=False).encode("utf-8")


def document_loader(health_namespace: str = str(HEALTHDCATAP)):
    """A pyld document loader that serves hckg's contexts offline and refuses every other URL."""
    documents = {CONTEXT_URL: load_context("hckg", health_namespace)}
    documents.update({url: load_context("schemaorg") for url in SCHEMA_ORG_URLS})

    def load(url, options=None):
        if url not in documents:
            from pyld.jsonld import JsonLdError
            raise JsonLdError(f"offline: no local copy of {url}", "jsonld.LoadDocumentError",
                              {"url": url}, code="loading document failed")
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": documents[url]}

    return load
