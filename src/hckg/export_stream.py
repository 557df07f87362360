"""Streamed JSON-LD export: a big catalogue mapped from the store in batches of datasets, written as it goes.

``stream_jsonld`` writes the bytes the whole-graph path writes (``serialize(render(graph, profile))``) but
holds one batch of datasets at a time: the catalogue first, then each batch mapped by its own ``Walk``
over the store (``StoreSource``), framed by the same framer as the whole-graph path (told every top-level
node of the document, so no dataset is nested in another) and appended to the ``@graph`` array.

That gives the same bytes because the framer's document-wide state stays empty on catalogues like ours:
no blank node needs a ``_:bN`` label, none is nested twice, every node hangs below a top-level one. Where a
catalogue breaks that, the whole rendition is framed at once instead (from the same store, so it is still
fast to load, but held in memory whole). That fallback is taken
- up front, when a blank node is the object of two triples (``Walk`` labels a blank node after the first
  parent it meets, which would depend on the batch);
- while streaming (what was written is dropped), when a blank node would get a ``_:bN`` label, when a
  nested IRI node (a publisher, a document, nested whole wherever it is referenced) is described
  differently in two batches (as a publication here and a landing page there) or has blank nodes below
  it and comes in two batches, when a node is reached from no top-level node, or when a dataset
  described from another batch (a series, by its members) gets more there than its own description says.

Batches are rendered on every core (``hckg.fork_pool``): worker processes forked once the store is ready
each render, frame and dump a batch; this process writes the batches in order and keeps the checks across
batches, so the bytes do not depend on the number of workers.

Memory: a few batches' renditions (two per worker at most), the store view's bounded cache in each
worker, and two integers per nested IRI node (distributions, records, agents, concepts) for the check
across batches.
"""

from collections import OrderedDict
from typing import BinaryIO

from rdflib import BNode, URIRef
from rdflib.term import Node

from hckg import jsonld
from hckg.direct_render import Declined, DirectRenderer, description_digest
from hckg.fork_pool import ordered_map
from hckg.profiles.base import Profile, ProfileGraph
from hckg.progress import NO_PROGRESS, Progress
from hckg.store_source import StoreSource
from hckg.subject_graph import SubjectGraph

BATCH_DATASETS = 1000
ALONE_KEPT = 1000  # datasets' own descriptions kept for the check of nodes described from other batches

SHARED_BLANK_NODE = "SELECT ?b WHERE { ?s ?p ?b FILTER isBlank(?b) } GROUP BY ?b HAVING (COUNT(*) > 1) LIMIT 1"


class NotStreamable(Exception):
    """The catalogue has a feature the streamed path cannot reproduce byte for byte."""


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
    reason = None if len(roots) < 2 else blocker(source)  # one object or none: a small document, framed whole
    if len(roots) >= 2 and reason is None:
        start = handle.tell()
        try:
            _Stream(source, profile, datasets, catalog, context).write(handle, reference, batch_size, workers,
                                                                       progress)
            return None
        except NotStreamable as exc:
            reason = str(exc)
        handle.seek(start)
        handle.truncate()
    with progress.stage(f"Rendering {len(datasets):,} datasets"):
        rendition = profile.render(source, datasets, catalog, out=SubjectGraph())
    handle.write(jsonld.document(rendition.graph, rendition.roots, context, reference=reference,
                                 reference_only=profile.reference_only))
    return reason


def blocker(source: StoreSource) -> str | None:
    """What makes the catalogue unstreamable, found with a store query before anything is written."""
    for row in source.store.query(SHARED_BLANK_NODE):
        return f"the blank node {row['b']} is the object of more than one triple"
    return None


class _Stream:
    """One streamed export: the batches, and what must hold across them for the bytes to be right."""

    def __init__(self, source: StoreSource, profile: Profile, datasets: list[URIRef], catalog: URIRef | None,
                 context: dict):
        self.source, self.profile, self.catalog = source, profile, catalog
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

    def write(self, handle: BinaryIO, reference: str | None, batch_size: int, workers: int,
              progress: Progress) -> None:
        head = {"@context": reference if reference else self.document_context}
        batches = [self.datasets[start:start + batch_size] for start in range(0, len(self.datasets), batch_size)]
        parts = ([None] if self.catalog is not None else []) + batches   # None: the catalogue's own object
        with progress.stage(f"Rendering {len(self.datasets):,} datasets", len(self.datasets)) as stage, \
                jsonld.GraphWriter(handle, head) as writer:
            rendered_parts = ordered_map(self.batch, parts, workers if len(batches) > 1 else 1)
            for part, rendered in zip(parts, rendered_parts):
                writer.write_dumped(self.check_nested_nodes(*rendered))
                stage.advance(len(part or ()))

    def batch(self, datasets: list[URIRef] | None) -> tuple[list[bytes], list[tuple]]:
        """One batch (None: the catalogue), rendered and framed, in a worker process or in this one: its node
        objects dumped as JSON, and what it says of each nested IRI node (``nested``); NotStreamable where
        batches cannot do."""
        if datasets is not None and self.direct is not None:
            done = self.direct.batch(datasets)
            if not isinstance(done, Declined):
                return done
        rendition = self.render([], self.catalog) if datasets is None else self.render(datasets)
        return [jsonld.dumped(obj) for obj in self.frame(rendition)], self.nested(rendition)

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

    def check_nested_nodes(self, dumped: list[bytes], nested: list[tuple]) -> list[bytes]:
        """A nested IRI node is nested whole wherever it is referenced: each batch must say the same of it,
        and one with blank nodes below (which would then be nested twice) must come in one batch only.
        Checked here, in batch order, for the batches the workers rendered; returns ``dumped``."""
        for node, key, digest, has_blank_nodes in nested:
            seen = self.described.get(key)
            if seen is None:
                self.described[key] = digest
                continue
            if seen != digest:
                raise NotStreamable(f"{node} is described differently from different datasets")
            if has_blank_nodes:
                raise NotStreamable(f"{node}, with blank nodes below it, is nested in more than one batch")
        return dumped

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
