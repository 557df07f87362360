"""Streamed JSON-LD export: a big catalogue mapped from the store in batches of datasets, written as it goes.

``stream_jsonld`` writes the bytes the whole-graph path writes (``serialize(render(graph, profile))``) but
holds one batch of datasets at a time: the catalogue first, then each batch mapped by its own ``Walk``
over the store (``StoreSource``), framed by the same framer as the whole-graph path (told every top-level
node of the document, so no dataset is nested in another) and appended to the ``@graph`` array. Where
the profile is compiled for it, a batch of datasets is rendered straight from the store's quads instead
(``hckg.direct_render``, the same bytes for about a third of the CPU); a batch it declines goes the general way.

The catalogue's own object lists every dataset and nests every catalogue record. Its long fields (more
values than a batch) are written member by member: their values, in IRI order, are cut into chunks
(``_Chunk``) rendered and framed like batches, and the rest of the object is rendered on its own. The
framer sorts an array's members by the head of their sort key (a string, or a node's ``@id``), so the
chunks give the members in the array's order as long as those heads rise strictly from each member to
the next; that, and that nothing else said of the catalogue falls under a long field's key, is checked
as the chunks come. Where it fails (``CatalogueNotChunkable``) the export starts again with the
catalogue's object rendered in one part.

That gives the same bytes because the framer's document-wide state stays empty on catalogues like ours:
no blank node needs a ``_:bN`` label, none is nested twice, every node hangs below a top-level one. Where a
catalogue breaks that, the whole rendition is framed at once instead (from the same store, so it is still
fast to load, but held in memory whole). That fallback is taken while streaming (what was written is
dropped)
- when a blank node a batch read is the object of two triples in the store (``Walk`` labels a blank node
  after the first parent it meets, which would depend on the batch): each batch looks up its own blank
  nodes, one indexed store lookup each, rather than the whole store being scanned before the export;
- when a blank node would get a ``_:bN`` label, when a nested IRI node (a publisher, a document, nested
  whole wherever it is referenced) is described differently in two batches (as a publication here and a
  landing page there) or has blank nodes below it and comes in two batches, when a node is reached from
  no top-level node, or when a dataset described from another batch (a series, by its members) gets
  more there than its own description says.

Batches are rendered on every core (``hckg.fork_pool``): worker processes forked once the store is ready
each render, frame and dump a batch; this process writes the batches in order and keeps the checks across
batches, so the bytes do not depend on the number of workers.

Memory: a few batches' renditions (two per worker at most), the store view's bounded cache in each
worker, two integers per nested IRI node (distributions, records, agents, concepts) for the check
across batches, and the catalogue's own description (the IRIs of its datasets and records).
"""

import copy
import dataclasses
from collections import Counter, OrderedDict
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from hckg import jsonld
from hckg.direct_render import Declined, DirectRenderer, description_digest
from hckg.fork_pool import ordered_map
from hckg.jsonld import _key_order, _sort_head
from hckg.profiles.base import Field, NodeMap, Profile, ProfileGraph
from hckg.progress import NO_PROGRESS, Progress
from hckg.store_source import StoreSource
from hckg.subject_graph import SubjectGraph

BATCH_DATASETS = 1000
ALONE_KEPT = 1000  # datasets' own descriptions kept for the check of nodes described from other batches

_DEFAULT_GRAPH = ox.DefaultGraph()


class NotStreamable(Exception):
    """The catalogue has a feature the streamed path cannot reproduce byte for byte."""


class CatalogueNotChunkable(NotStreamable):
    """The catalogue's object cannot be written in chunks; it can still be streamed, rendered in one part."""


@dataclasses.dataclass(frozen=True)
class _Chunk:
    """A part of the export: some values, in IRI order, of one long field of the catalogue."""

    field: int       # its index in ``_Stream.long_fields``
    values: tuple


def stream_jsonld(handle: BinaryIO, source: StoreSource, profile: Profile, datasets: list[URIRef],
                  catalog: URIRef | None, context: dict, reference: str | None, *,
                  batch_size: int = BATCH_DATASETS, workers: int = 0,
                  progress: Progress = NO_PROGRESS) -> str | None:
    """Write the framed JSON-LD document of ``datasets`` (and ``catalog``) to ``handle`` (seekable).

    ``workers``: processes rendering batches (0: one per usable CPU; 1: this process only).
    Returns None when it was streamed, else why the whole rendition was framed at once.
    """
    catalog = catalog if profile.catalog_kind else None
    roots = ([catalog] if catalog is not None else []) + list(datasets)
    reason = None
    if len(roots) >= 2:   # one object or none: a small document, framed whole
        start = handle.tell()
        for chunked in (True, False):   # the catalogue's object in chunks, else in one part
            try:
                _Stream(source, profile, datasets, catalog, context).write(handle, reference, batch_size, workers,
                                                                           progress, chunked)
                return None
            except CatalogueNotChunkable:
                pass
            except NotStreamable as exc:
                reason = str(exc)
            handle.seek(start)
            handle.truncate()
            if reason is not None:
                break
    with progress.stage(f"Rendering {len(datasets):,} datasets"):
        rendition = profile.render(source, datasets, catalog, out=SubjectGraph())
    handle.write(jsonld.document(rendition.graph, rendition.roots, context, reference=reference,
                                 reference_only=profile.reference_only))
    return reason


class _Stream:
    """One streamed export: the batches, and what must hold across them for the bytes to be right."""

    def __init__(self, source: StoreSource, profile: Profile, datasets: list[URIRef], catalog: URIRef | None,
                 context: dict):
        self.source, self.profile, self.catalog = _SourceView(source), profile, catalog
        self.datasets = list(datasets)
        self.selected = frozenset(self.datasets)
        self.top = self.selected | ({catalog} if catalog is not None else set())
        self.document_context = context["@context"]
        self.context = jsonld.Context(self.document_context)
        # hash of each nested IRI node described so far -> hash of what was said of it (two ints a node)
        self.described: dict[int, int] = {}
        self._alone: OrderedDict[URIRef, set] = OrderedDict()
        # batches of datasets rendered straight from the store where the profile is compiled for it
        self.direct, self.direct_declined = DirectRenderer.create(source, profile, self.datasets, self.top,
                                                                  self.context)
        # the catalogue's fields written in chunks, in the object's key order: field, key, whether always an array
        self.long_fields: list[tuple[Field, str, bool]] = []
        self._chunk_profiles: list[Profile] = []   # each renders the catalogue with one long field only

    def write(self, handle: BinaryIO, reference: str | None, batch_size: int, workers: int,
              progress: Progress, chunked: bool = False) -> None:
        """Write the document; ``chunked``: the catalogue's long fields in chunks of ``batch_size`` values."""
        head = {"@context": reference if reference else self.document_context}
        batches = [self.datasets[start:start + batch_size] for start in range(0, len(self.datasets), batch_size)]
        chunks = self.chunk_catalogue(batch_size) if chunked and self.catalog is not None else []
        parts = ([None] if self.catalog is not None else []) + chunks + batches   # None: the catalogue's own object
        with progress.stage(f"Rendering {len(self.datasets):,} datasets", len(self.datasets)) as stage, \
                jsonld.GraphWriter(handle, head) as writer:
            rendered_parts = ordered_map(self.batch, parts, workers if len(chunks) + len(batches) > 1 else 1)
            catalogue = None
            for part, (content, nested) in zip(parts, rendered_parts):
                self.check_nested_nodes(nested)
                if isinstance(part, _Chunk):
                    catalogue.add(part.field, content)
                elif part is None and chunks:
                    catalogue = _CatalogueWriter(writer, content, [(key, always) for _f, key, always in self.long_fields])
                else:
                    if catalogue is not None:
                        catalogue.close()
                        catalogue = None
                    writer.write_dumped(content)
                    stage.advance(len(part or ()))
            if catalogue is not None:
                catalogue.close()

    def chunk_catalogue(self, batch_size: int) -> list["_Chunk"]:
        """The chunks of the catalogue's long fields (more values than ``batch_size``, all IRIs, alone under
        their key), in the order the object writes them; the catalogue's own part then renders the rest."""
        kind = self.profile.catalog_kind
        spec = self.profile.nodes[kind]
        said = self.source.source.description(self.catalog)
        targets = Counter(fld.predicate for fld in spec.fields)
        found = []
        for fld in spec.fields:
            values = said.get(fld.source, ())
            name, term = self.context.key(fld.predicate)
            if (len(values) > batch_size and targets[fld.predicate] == 1 and fld.predicate != RDF.type
                    and fld.value is None and (term is None or term.coerce != "@json")
                    and all(type(value) is URIRef for value in values)):
                found.append((fld, name, term is not None and term.container == "@set"))
        if len({name for _f, name, _s in found}) < len(found):
            return []
        self.long_fields = sorted(found, key=lambda long: _key_order(long[1]))
        self._chunk_profiles = [_with_catalogue_map(self.profile, NodeMap(fields=(fld,)))
                                for fld, _n, _s in self.long_fields]
        self.profile = _with_catalogue_map(self.profile, dataclasses.replace(
            spec, fields=tuple(fld for fld in spec.fields if all(fld is not long[0] for long in found))))
        chunks = []
        for index, (fld, _name, _always) in enumerate(self.long_fields):
            values = sorted(set(said[fld.source]), key=str)
            chunks += [_Chunk(index, tuple(values[start:start + batch_size]))
                       for start in range(0, len(values), batch_size)]
        return chunks

    def batch(self, part: "list[URIRef] | _Chunk | None") -> tuple:
        """One part, rendered and framed, in a worker process or in this one, and what it says of each nested IRI
        node (``nested``): a batch of datasets (their node objects dumped as JSON), the catalogue's object
        (dumped, or as a dict when its long fields come in chunks) or a chunk (``chunk``); NotStreamable
        where batches cannot do."""
        if isinstance(part, _Chunk):
            return self.chunk(part)
        if part is not None and self.direct is not None:
            done = self.direct.batch(part)
            self.check_blank_nodes()
            if not isinstance(done, Declined):
                return done
        rendition = self.render([], self.catalog) if part is None else self.render(part)
        self.check_blank_nodes()
        objects = self.frame(rendition)
        if part is None and self.long_fields:
            return objects[0], self.nested(rendition)
        return [jsonld.dumped(obj) for obj in objects], self.nested(rendition)

    def chunk(self, chunk: "_Chunk") -> tuple[list[tuple], list[tuple]]:
        """The members a chunk of values gives its long field, as (head of their sort key, dumped)."""
        fld, key, always = self.long_fields[chunk.field]
        profile = self._chunk_profiles[chunk.field]
        done = None
        if self.direct is not None:
            done = self.direct.chunk(profile, str(self.catalog), str(fld.source), [str(v) for v in chunk.values])
            self.check_blank_nodes()
        if done is None or isinstance(done, Declined):
            view = self.source.cut(self.catalog, {fld.source: list(chunk.values)})
            rendition = profile.render(view, [], self.catalog, self.selected, SubjectGraph())
            self.check_blank_nodes()
            done = self.frame(rendition)[0], self.nested(rendition)
        obj, nested = done
        value = obj.get(key, [])
        members = value if isinstance(value, list) and (always or len(value) > 1) else [value]
        return [(_sort_head(member), jsonld.dumped(member)) for member in members], nested

    def render(self, datasets: list[URIRef], catalog: URIRef | None = None) -> ProfileGraph:
        return self.profile.render(self.source, datasets, catalog, self.selected, SubjectGraph())

    def frame(self, rendition: ProfileGraph) -> list[dict]:
        """The node objects of one batch, as the whole document would hold them; else NotStreamable."""
        framer = jsonld.Framer(rendition.graph, self.context, rendition.roots, self.profile.reference_only,
                                root_set=self.top)
        objects = framer.frame(leftovers=False, dry_run=False)
        if framer.bnode_ids or framer.nested_twice():
            raise NotStreamable("a blank node is nested in more than one place (it needs a _:b label)")
        for node in framer.unwritten():
            self.check_described_elsewhere(node, rendition)
        return objects

    def check_blank_nodes(self) -> None:
        """The blank nodes read since the last check (by either renderer) each have one parent in the store;
        else NotStreamable."""
        labels = {str(node) for node in self.source.take_blank_nodes()}
        if self.direct is not None:
            labels |= self.direct.terms.take_blank_nodes()
        store = self.source.store
        for label in labels:
            parents = store.quads_for_pattern(None, None, ox.BlankNode(label), _DEFAULT_GRAPH)
            if next(parents, None) is not None and next(parents, None) is not None:
                raise NotStreamable(f"the blank node _:{label} is the object of more than one triple")

    def check_described_elsewhere(self, node: Node, rendition: ProfileGraph) -> None:
        """A node no root of the batch reached: fine only for a dataset of another batch (a series) that
        says no more here than its own description does."""
        if node not in self.selected:
            raise NotStreamable(f"{node} is reached from no top-level node")
        said = set(rendition.graph.predicate_objects(node))
        if any(isinstance(o, BNode) for _p, o in said) or not said <= self.alone(node):
            raise NotStreamable(f"{node} is described beyond its own description by another dataset")

    def alone(self, dataset: URIRef) -> set:
        """What a dataset's own description says about it (kept for the last ALONE_KEPT datasets asked)."""
        if dataset not in self._alone:
            graph = self.render([dataset]).graph
            self._alone[dataset] = set(graph.predicate_objects(dataset))
            if len(self._alone) > ALONE_KEPT:
                self._alone.popitem(last=False)
        self._alone.move_to_end(dataset)
        return self._alone[dataset]

    def check_nested_nodes(self, nested: list[tuple]) -> None:
        """A nested IRI node is nested whole wherever it is referenced: each batch must say the same of it,
        and one with blank nodes below (which would then be nested twice) must come in one batch only.
        Checked here, in batch order, for the batches the workers rendered."""
        for node, key, digest, has_blank_nodes in nested:
            seen = self.described.get(key)
            if seen is None:
                self.described[key] = digest
                continue
            if seen != digest:
                raise NotStreamable(f"{node} is described differently from different datasets")
            if has_blank_nodes:
                raise NotStreamable(f"{node}, with blank nodes below it, is nested in more than one batch")

    def nested(self, rendition: ProfileGraph) -> list[tuple]:
        """What ``rendition`` says of each nested IRI node: (node, hash of its IRI, hash of what is said,
        whether blank nodes hang below it)."""
        graph, found = rendition.graph, []
        for node in graph.subjects():
            if isinstance(node, BNode) or node in self.top:
                continue
            said = frozenset(graph.predicate_objects(node))
            found.append((str(node), hash(str(node)), description_digest(said),
                          any(isinstance(o, BNode) for _p, o in said)))
        return found


def _with_catalogue_map(profile: Profile, node_map: NodeMap) -> Profile:
    """A copy of ``profile`` that maps the catalogue with ``node_map``."""
    changed = copy.copy(profile)
    changed.nodes = {**profile.nodes, profile.catalog_kind: node_map}
    return changed


class _SourceView:
    """The store view as the walks of a stream read it. It notes the blank nodes they read, so that each part
    can check that those have one parent in the store (``shared_blank_node``), and ``cut`` shows the
    catalogue with some values of one field only (a chunk). Everything else is the store view's."""

    def __init__(self, source: StoreSource, blank_nodes: set | None = None, cut: tuple | None = None):
        self.source = source
        self.blank_nodes = set() if blank_nodes is None else blank_nodes
        self._cut_node, self._cut = cut if cut is not None else (None, None)

    def __getattr__(self, name: str):
        return getattr(self.source, name)

    def __contains__(self, pattern) -> bool:
        return pattern in self.source

    def description(self, node: Node) -> dict:
        if type(node) is BNode:
            self.blank_nodes.add(node)
        elif self._cut is not None and node == self._cut_node:
            return self._cut
        return self.source.description(node)

    def predicate_objects(self, node: Node):
        if type(node) is BNode:
            self.blank_nodes.add(node)
        return self.source.predicate_objects(node)

    def cut(self, node: URIRef, said: dict) -> "_SourceView":
        """This view, with ``said`` as the whole description of ``node``."""
        return _SourceView(self.source, self.blank_nodes, (node, said))

    def take_blank_nodes(self) -> set[BNode]:
        """The blank nodes read since the last call."""
        nodes = set(self.blank_nodes)
        self.blank_nodes.clear()   # shared with the views ``cut`` made
        return nodes


class _CatalogueWriter:
    """Writes the catalogue's node object into the ``@graph`` array as ``GraphWriter.write`` writes it whole:
    the object framed without its long fields (``small``), with their members put in as the chunks bring them.

    A long field's members must rise strictly by the head of their sort key (``_sort_head``), else the
    framer, sorting the whole array, would have written them in another order (CatalogueNotChunkable).
    """

    def __init__(self, writer: jsonld.GraphWriter, small: dict, long_keys: list[tuple[str, bool]]):
        if any(key in small for key, _always in long_keys):
            raise CatalogueNotChunkable("the catalogue states a long field's key besides its values")
        self.writer, self.long_keys = writer, long_keys
        keys = sorted([key for key in small if not key.startswith("@")] + [key for key, _a in long_keys],
                      key=_key_order)
        long_index = {key: index for index, (key, _a) in enumerate(long_keys)}
        # what is left to write: (key, dumped value) of the small object, or the index of a long field
        self.entries = [(key, jsonld.dumped(small[key])) for key in small if key.startswith("@")] + \
                       [long_index[key] if key in long_index else (key, jsonld.dumped(small[key])) for key in keys]
        self.written = 0          # entries written
        self.field: int | None = None   # the long field being written, its members so far, the first one, the last head
        self.count, self.first, self.last = 0, b"", None
        writer.handle.write((b",\n    " if writer.count else b"    ") + b"{")

    def add(self, field: int, members: list[tuple]) -> None:
        """The members (head, dumped) a chunk of long field ``field`` gives, in the order they follow."""
        if field != self.field:
            self._end_field()
            self._write_entries(until=field)
            self.field, self.count, self.first, self.last = field, 0, b"", None
        for head, member in members:
            if self.last is not None and not self.last < head:
                raise CatalogueNotChunkable(f"the catalogue's {self.long_keys[field][0]} members are not in IRI order")
            self.last = head
            self.count += 1
            if self.count == 1:
                self.first = member
                continue
            if self.count == 2:
                self._write(self._separator() + jsonld.dumped(self.long_keys[field][0]) + b": [\n    "
                            + self.first.replace(b"\n", b"\n    "))
                self.first = b""
            self._write(b",\n    " + member.replace(b"\n", b"\n    "))

    def close(self) -> None:
        """Write the rest of the object."""
        self._end_field()
        self._write_entries(until=None)
        self._write(b"\n}")
        self.writer.count += 1

    def _end_field(self) -> None:
        if self.field is None:
            return
        key, always = self.long_keys[self.field]
        if self.count == 1:   # one member: an array only where the context says so
            self._write(self._separator() + jsonld.dumped(key) + (
                b": [\n    " + self.first.replace(b"\n", b"\n    ") + b"\n  ]" if always
                else b": " + self.first.replace(b"\n", b"\n  ")))
        elif self.count > 1:
            self._write(b"\n  ]")
        self.field = None

    def _write_entries(self, until: int | None) -> None:
        """Write the small object's entries up to long field ``until`` (None: all); a long field passed
        over had no members."""
        while self.entries:
            entry = self.entries.pop(0)
            if isinstance(entry, int):
                if entry == until:
                    return
                continue
            key, value = entry
            self._write(self._separator() + jsonld.dumped(key) + b": " + value.replace(b"\n", b"\n  "))

    def _separator(self) -> bytes:
        self.written += 1
        return b"\n  " if self.written == 1 else b",\n  "

    def _write(self, text: bytes) -> None:
        self.writer.handle.write(text.replace(b"\n", b"\n    "))
