"""What ``hckg serve`` serves: the catalogue, opened once, its resources by IRI, and their representations.

The catalogue is read from hckg's store (``hckg.store.open_store``: in memory, or the on-disk store cached by
the files' hash, with which a server of 10^5 datasets is ready in seconds) through ``hckg.store_source.StoreSource``, the
read-only graph view the export profiles read; the stored queries and /sparql run on the same store. Only
the dataset list is read at start-up: what is known about one resource (its kind, a dataset's ``Entry``,
the records' dates) is read on the first request that needs it and kept, and whole-catalogue files (the
index, charts, sitemap, dumps) are made on their first request. ``store="graph"`` loads an rdflib graph
instead, as ``hckg serve`` did before it had a store (the tests hold the two to the same answers).

Every representation is made by the library functions the CLI uses (the export profiles and serialiser,
the site's pages) and kept in a least-recently-used cache keyed by (resource, profile, media type), with
its ETag and ``Link`` headers, so a repeated request costs a dictionary look-up. The catalogue does not
change while the server runs; restart it to serve new data.
"""

import difflib
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formatdate
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS, NamespaceManager

from hckg.export import catalogues, named_datasets, render, serialize
from hckg.graph import load_graph, rdf_files
from hckg.namespaces import DCAT
from hckg.namespaces import DEFAULT_BASE, bind_prefixes
from hckg.profiles import DEFAULT_NAMESPACE, ProfileGraph
from hckg.resources import project_dir
from hckg.serve import hydra, pages
from hckg.serve.negotiation import (FORMAT_OF, HTML, JSONLD, NQUADS, NTRIPLES, PROFILES, RDF_MEDIA, TURTLE,
                                    representation_path)
from hckg.serve.problems import Problem
from hckg.progress import NO_PROGRESS, Progress
from hckg.site import Entry, Site, signposts
from hckg.store import open_store, store_from_graph, to_rdflib
from hckg.store_source import StoreSource

NAMESPACE = DEFAULT_BASE            # the IRIs the server answers for: NAMESPACE + path
CACHE_SIZE = 2048
TEXT_TYPES = {HTML, TURTLE, NTRIPLES, NQUADS, "text/csv", "text/tab-separated-values", "text/plain",
              "image/svg+xml", "application/xml"}
SITE_MEDIA = {"html": HTML, "svg": "image/svg+xml", "xml": "application/xml", "txt": "text/plain"}
SITE_PAGES = {"index.html", "timeline.svg", "sizes.svg", "sitemap.xml", "robots.txt"}  # besides dataset pages


@dataclass(frozen=True)
class Representation:
    """A response body and every header that goes with it (content type, ETag, Link …)."""

    body: bytes
    headers: dict[str, str]

    @property
    def etag(self) -> str:
        return self.headers["ETag"]


class NativeProfile:
    """The catalogue's own description of a resource (all it says about it): profile ``hckg``."""

    name = "hckg"
    context_name = "hckg"
    context_reference = None
    reference_only = frozenset()


NATIVE = NativeProfile()


class LRU:
    """A thread-safe least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in TEXT_TYPES or media.endswith("+json") or media.endswith(
        "/json") or media.endswith("+xml") else media


def link(href: str, rel: str, **params: str) -> str:
    """One ``Link`` header value (RFC 8288)."""
    return "".join([f'<{href}>; rel="{rel}"'] + [f'; {k}="{v}"' for k, v in params.items()])


class Catalogue:
    """The catalogue and the site built on it, with everything a request can ask for.

    ``store``: where the catalogue is read from: ``memory``, ``disk`` or ``auto`` (see
    ``hckg.store.open_store``: the on-disk store opens in seconds once built, the in-memory one answers
    stored queries about three times faster), or ``graph``: an rdflib graph, with a store made from it for
    the queries."""

    def __init__(self, paths: Sequence[str | Path] | None = None, *, base: str = NAMESPACE,
                 health_namespace: str = DEFAULT_NAMESPACE, store: str = "auto",
                 progress: Progress = NO_PROGRESS):
        sources = list(paths) if paths else [project_dir("data")]
        if store == "graph":
            self.graph = load_graph(sources)
            self.store = store_from_graph(self.graph)  # the stored queries run here, as `hckg query` runs them
        else:
            self.store = open_store(sources, where=store, progress=progress)
            self.graph = StoreSource(self.store)
        mtimes = [f.stat().st_mtime for f in rdf_files(sources + [project_dir("ontology")])]
        self.started = time.time()
        self.last_modified = formatdate(min(max(mtimes), self.started), usegmt=True)
        self.site = Site(self.graph, base_url=base, health_namespace=health_namespace,
                         datasets=None if store == "graph" else store_datasets(self.store.store))
        self.base = self.site.base
        self.health_namespace = health_namespace
        self.context_url = self.base + "context.jsonld"
        self.datasets = list(self.site.datasets.values())
        self.dataset_set = frozenset(self.datasets)
        cats = catalogues(self.graph)
        self.catalog = cats[0] if len(cats) == 1 else None
        if isinstance(self.graph, StoreSource):   # every dataset's renditions read the catalogue node
            for catalog in cats:
                self.graph.pin(catalog)
        self.triples = len(self.graph) if store == "graph" else self.store.triples
        self._kinds: dict[URIRef, str | None] = {}
        self._modified: dict | None = None
        self._known: list[str] | None = None
        self._records_indexed = False
        self._lock = threading.Lock()
        self.cache = LRU()

    # --- what there is ---------------------------------------------------------------------------
    def kind(self, iri: URIRef) -> str | None:
        """The kind of an IRI in the namespace that the catalogue describes (None: it describes no such IRI)."""
        if iri in self._kinds:
            return self._kinds[iri]
        found = None
        if iri.startswith(NAMESPACE) and "#" not in iri and self._described(iri):
            types = set(self.graph.objects(iri, RDF.type))
            found = ("catalog" if DCAT.Catalog in types else "dataset" if iri in self.dataset_set
                     else "ontology" if OWL.Ontology in types else "scheme" if SKOS.ConceptScheme in types
                     else "resource")
        if len(self._kinds) >= 4 * CACHE_SIZE + len(self.datasets):
            self._kinds.clear()   # unknown IRIs asked for are kept too: bounded
        self._kinds[iri] = found
        return found

    def _described(self, iri: URIRef) -> bool:
        try:
            return any(True for _ in self.graph.predicate_objects(iri))
        except ValueError:   # not an IRI the store can hold (a path with a backslash): nothing is said about it
            return False

    def known_paths(self) -> list[str]:
        """The paths of every IRI in the namespace that the catalogue describes (for 404 suggestions)."""
        if self._known is None:
            with self._lock:
                if self._known is None:
                    self._known = [self.path_of(iri) for iri in self._subjects_under(NAMESPACE)]
        return self._known

    def missing(self, path: str) -> Problem:
        """404 for ``path``, with the nearest paths the catalogue has."""
        return not_found(path, self.known_paths())

    def _subjects_under(self, prefix: str) -> list[URIRef]:
        """The IRIs starting with ``prefix`` (no ``#`` after it for the namespace) that are subjects."""
        query = f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {json.dumps(prefix)})) }}"
        found = [to_rdflib(row[0]) for row in self.store.store.query(query)]
        return sorted(s for s in found if prefix != NAMESPACE or "#" not in s)

    @property
    def modified(self) -> dict[URIRef, date | datetime]:
        """Each dataset's latest dct:modified, from the catalogue records about it (read on first use)."""
        if self._modified is None:
            with self._lock:
                if self._modified is None:
                    self._modified = self._record_dates()
        return self._modified

    def _record_dates(self) -> dict[URIRef, date | datetime]:
        dates: dict[URIRef, date | datetime] = {}
        for record in self.graph.subjects(RDF.type, DCAT.CatalogRecord):
            dataset = self.graph.value(record, FOAF.primaryTopic)
            for value in self.graph.objects(record, DCTERMS.modified):
                moment = value.toPython()
                if isinstance(moment, (date, datetime)) and (dataset not in dates or str(moment) > str(dates[dataset])):
                    dates[dataset] = moment
        return dates

    def _index_records(self) -> None:
        """Before rendering the catalogue node: its profiles ask each catalogue record for its primary topic,
        which one read of those triples answers (a record's description each would take a minute at 10^5)."""
        if isinstance(self.graph, StoreSource) and not self._records_indexed:
            with self._lock:
                if not self._records_indexed:
                    self.graph.index(FOAF.primaryTopic)
                    self._records_indexed = True

    def is_site_page(self, path: str) -> bool:
        """Whether ``path`` is a page, chart or list of the static site served as such."""
        if path in SITE_PAGES:
            return True
        name = path[len("dataset/"):-len(".html")] if path.startswith("dataset/") and path.endswith(".html") else None
        return name is not None and name in self.site.datasets

    def entry(self, iri: URIRef) -> Entry:
        """What the site shows of a dataset (read on first use)."""
        return self.site.entry(iri)

    def whole_graph(self) -> Graph:
        """Everything the catalogue says, as one rdflib graph with the files' prefixes (for the hckg dump)."""
        if isinstance(self.graph, Graph):
            return self.graph
        graph = Graph()
        graph.namespace_manager = NamespaceManager(graph, bind_namespaces="none")
        for prefix, namespace in self.store.names.namespaces():
            graph.bind(prefix, namespace, override=True, replace=True)
        for triple in self.graph.triples((None, None, None)):
            graph.add(triple)
        return graph

    def profiles(self, kind: str, iri: URIRef | None = None) -> tuple[str, ...]:
        """The profiles a resource of ``kind`` has, the default first."""
        if kind == "dataset":
            imaging = self.entry(iri).imaging
            return ("dcat-ap", "healthdcat-ap", "schemaorg") + (("croissant",) if imaging else ()) + ("hckg",)
        if kind == "catalog":
            return ("dcat-ap", "healthdcat-ap", "schemaorg")
        return ("hckg",)

    def path_of(self, iri: URIRef) -> str:
        return str(iri)[len(NAMESPACE):]

    # --- representations -------------------------------------------------------------------------
    def cached(self, key: Hashable) -> Representation | None:
        return self.cache.get(key)

    def make(self, key: Hashable, build: Callable[[], tuple[bytes, str, list[str], dict]]) -> Representation:
        """Build a representation (body, media type, Link values, extra headers), cache and return it."""
        body, media, links, extra = build()
        headers = {"Content-Type": content_type(media),
                   "ETag": '"' + hashlib.sha1(body).hexdigest()[:24] + '"',
                   "Last-Modified": self.last_modified,
                   "Cache-Control": "public, max-age=300",
                   **extra}
        if links:
            headers["Link"] = ", ".join(links)
        representation = Representation(body, headers)
        self.cache.put(key, representation)
        return representation

    def serialize(self, rendition: ProfileGraph, profile, media: str) -> bytes:
        """A rendition in ``media``; JSON-LD in hckg's context cites the context this server serves."""
        context = self.context_url if profile.context_name == "hckg" else None
        return serialize(rendition, profile, FORMAT_OF[media], context, self.health_namespace)

    def profile(self, token: str):
        return NATIVE if token == "hckg" else self.site.profiles[token]

    def description(self, iri: URIRef, kind: str) -> ProfileGraph:
        """What the catalogue says about a resource (blank nodes it points to included); a scheme comes with
        its concepts, the ontology with its terms."""
        roots = [iri]
        if kind == "ontology":
            roots += self._subjects_under(iri + "#")
        elif kind == "scheme":
            roots += sorted(self.graph.subjects(SKOS.inScheme, iri))
        out = bind_prefixes(Graph())
        todo, seen = list(roots), set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, o in self.graph.predicate_objects(node):
                out.add((node, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
        return ProfileGraph(out, roots)

    def resource(self, iri: URIRef, profile: str, media: str) -> Representation:
        """One resource of the namespace in a profile and a media type."""
        kind = self.kind(iri)
        path = self.path_of(iri)
        available = self.profiles(kind, iri)

        def build():
            links = [link(NAMESPACE + path if kind != "dataset" else self._cite(iri), "cite-as")]
            extra = {"Vary": "Accept, Accept-Profile"}
            if media == HTML:
                body = self._page(iri, kind)
                if kind == "dataset":
                    entry = self.entry(iri)
                    links = [link(h, r, **({"type": t} if t else {})) for r, h, t in signposts(entry, self.base)]
            else:
                chosen = self.profile(profile)
                rendition = self.description(iri, kind) if profile == "hckg" else chosen.render(self.graph, [iri])
                body = self.serialize(rendition, chosen, media)
                links.append(link(PROFILES[profile].iri, "profile"))
                extra["Content-Profile"] = f"<{PROFILES[profile].iri}>"
                if kind == "dataset":
                    entry = self.entry(iri)
                    links.append(link(self.base + entry.page, "describes", type=HTML))
                    links += [link(x, "license") for x in entry.licences]
            links += self._alternates(path, available, profile, media)
            return body, media, links, extra

        return self.cached((iri, profile, media)) or self.make((iri, profile, media), build)

    def _cite(self, iri: URIRef) -> str:
        entry = self.entry(iri)
        return (entry.doi or str(iri)) if entry else str(iri)

    def _page(self, iri: URIRef, kind: str) -> bytes:
        if kind == "dataset":
            return self.site.file(self.entry(iri).page)
        if kind == "catalog":
            return self.site.file("index.html")
        return pages.resource_page(self.description(iri, kind), iri, self.path_of(iri), NAMESPACE).encode("utf-8")

    def _alternates(self, path: str, available: tuple[str, ...], profile: str, media: str) -> list[str]:
        links = []
        for token in available:
            for offer in RDF_MEDIA:
                if (token, offer) != (profile, media):
                    href = self.base + representation_path(path, token, available[0], offer)
                    links.append(link(href, "alternate", type=offer, profile=PROFILES[token].iri))
        if media != HTML:
            links.append(link(self.base + representation_path(path, available[0], available[0], HTML), "alternate",
                              type=HTML))
        return links

    # --- the catalogue, paged, and the dumps -----------------------------------------------------
    @staticmethod
    def page_key(path: str, params, profile: str, media: str) -> tuple:
        return ("catalog", path, tuple(sorted(params.multi_items())), profile, media)

    def catalog_page(self, path: str, params, profile: str, media: str) -> Representation:
        """A page of the catalogue with its Hydra description, as harvesters page through it."""
        key = self.page_key(path, params, profile, media)
        cached = self.cached(key)
        if cached is not None:
            return cached
        self._index_records()
        paging = hydra.paging(params)
        datasets = self.datasets if paging.since is None else [
            d for d in self.datasets if hydra.modified_since(self.modified.get(d), paging.since)]
        page = hydra.page_of(paging, len(datasets), self.base + path, params)
        chosen = self.profile(profile)
        selected = chosen.select(self.graph, page.slice(datasets))

        def build():
            if media == HTML:
                return self.site.file("index.html"), HTML, [], {"Vary": "Accept, Accept-Profile"}
            rendition = chosen.render(self.graph, selected, self.catalog)
            node = page.describe(rendition.graph)
            body = self.serialize(ProfileGraph(rendition.graph, rendition.roots + [node]), chosen, media)
            links = [link(PROFILES[profile].iri, "profile"), *page.link_header()]
            return body, media, links, {"Vary": "Accept, Accept-Profile",
                                        "Content-Profile": f"<{PROFILES[profile].iri}>"}

        return self.make(key, build)

    def dump(self, profile: str, media: str) -> Representation:
        """The whole catalogue in one document: everything it says (profile hckg), or one export profile."""

        def build():
            self._index_records()
            if profile == "hckg":
                roots = ([self.catalog] if self.catalog is not None else []) + self.datasets
                rendition = ProfileGraph(self.whole_graph(), roots)
            else:
                rendition = render(self.graph, self.profile(profile))
            body = self.serialize(rendition, self.profile(profile), media)
            return body, media, [link(PROFILES[profile].iri, "profile")], {
                "Vary": "Accept, Accept-Profile", "Content-Profile": f"<{PROFILES[profile].iri}>"}

        return self.cached(("dump", profile, media)) or self.make(("dump", profile, media), build)

    def site_file(self, name: str) -> Representation:
        """A file of the static site (pages, charts, sitemap, robots.txt), byte for byte as ``hckg site`` writes it."""
        def build():
            return self.site.file(name), SITE_MEDIA[name.rsplit(".", 1)[-1]], [], {}

        return self.cached(("site", name)) or self.make(("site", name), build)

    def context(self) -> Representation:
        def build():
            return self.site.file("context.jsonld"), JSONLD, [], {}

        return self.cached("context") or self.make("context", build)


DUMP_MEDIA = RDF_MEDIA + (NQUADS,)
_DEFAULT_GRAPH = ox.DefaultGraph()


def store_datasets(store: ox.Store) -> dict[str, URIRef]:
    """``hckg.export.catalogue_datasets`` read from the store's quads, IRIs kept as text: a term converted
    for each of 10^5 datasets is the largest part of the start-up of a big catalogue."""
    def iris(predicate, obj=None, position="object"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), obj, _DEFAULT_GRAPH):
            term = getattr(quad, position)
            if type(term) is ox.NamedNode:
                yield term.value

    found = set(iris(str(DCAT.dataset)))
    for kind in (DCAT.Dataset, DCAT.DatasetSeries):
        found.update(iris(str(RDF.type), ox.NamedNode(str(kind)), "subject"))
    return named_datasets(str.__new__(URIRef, iri) for iri in found)   # a URIRef of a stored IRI, unchecked


def not_found(path: str, known: Sequence[str]) -> Problem:
    """404 naming the IRI asked for, with the nearest IRIs the catalogue has."""
    close = difflib.get_close_matches(path, known, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(NAMESPACE + c for c in close)}?" if close else ""
    return Problem(404, f"No resource <{NAMESPACE}{path}> in this catalogue.{hint} "
                        f"The catalogue lists every dataset at /catalog; stored queries are at /queries.")
