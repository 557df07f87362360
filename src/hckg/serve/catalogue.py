"""What ``hckg serve`` serves: the catalogue, loaded once, its resources by IRI, and their representations.

Every representation is made by the library functions the CLI uses (the export profiles and serialiser,
the site's pages) and kept in a least-recently-used cache keyed by (resource, profile, media type), with
its ETag and ``Link`` headers, so a repeated request costs a dictionary look-up. The catalogue does not
change while the server runs; restart it to serve new data.
"""

import difflib
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formatdate
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS

from hckg.export import catalogue_datasets, catalogues, render, serialize
from hckg.graph import load_graph, rdf_files
from hckg.namespaces import DCAT
from hckg.namespaces import DEFAULT_BASE, bind_prefixes
from hckg.profiles import DEFAULT_NAMESPACE, ProfileGraph
from hckg.resources import project_dir
from hckg.serve import hydra, pages
from hckg.serve.negotiation import (FORMAT_OF, HTML, JSONLD, NQUADS, NTRIPLES, PROFILES, RDF_MEDIA, TURTLE,
                                    representation_path)
from hckg.serve.problems import Problem
from hckg.site import Site, signposts
from hckg.store import store_from_graph

NAMESPACE = DEFAULT_BASE            # the IRIs the server answers for: NAMESPACE + path
CACHE_SIZE = 2048
TEXT_TYPES = {HTML, TURTLE, NTRIPLES, NQUADS, "text/csv", "text/tab-separated-values", "text/plain",
              "image/svg+xml", "application/xml"}
SITE_MEDIA = {"html": HTML, "svg": "image/svg+xml", "xml": "application/xml", "txt": "text/plain"}


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
    """The catalogue graph and the site built on it, with everything a request can ask for."""

    def __init__(self, paths: Sequence[str | Path] | None = None, *, base: str = NAMESPACE,
                 health_namespace: str = DEFAULT_NAMESPACE):
        sources = list(paths) if paths else [project_dir("data")]
        self.graph = load_graph(sources)
        self.store = store_from_graph(self.graph)  # the stored queries run here, as `hckg query` runs them
        mtimes = [f.stat().st_mtime for f in rdf_files(sources + [project_dir("ontology")])]
        self.started = time.time()
        self.last_modified = formatdate(min(max(mtimes), self.started), usegmt=True)
        self.site = Site(self.graph, base_url=base, health_namespace=health_namespace)
        self.base = self.site.base
        self.health_namespace = health_namespace
        self.context_url = self.base + "context.jsonld"
        self.datasets = list(catalogue_datasets(self.graph).values())
        cats = catalogues(self.graph)
        self.catalog = cats[0] if len(cats) == 1 else None
        self.modified = self._record_dates()
        self.kinds = self._kinds()
        self.entries = {e.iri: e for e in self.site.entries}
        self.site_pages = {n for n in self.site.names() if n.rsplit(".", 1)[-1] in SITE_MEDIA}
        self.cache = LRU()

    # --- what there is ---------------------------------------------------------------------------
    def _kinds(self) -> dict[URIRef, str]:
        """Every IRI in the namespace that the catalogue describes, with its kind."""
        datasets = set(self.datasets)
        kinds = {}
        for subject in set(self.graph.subjects()):
            if not isinstance(subject, URIRef) or not subject.startswith(NAMESPACE) or "#" in subject:
                continue
            types = set(self.graph.objects(subject, RDF.type))
            kinds[subject] = ("catalog" if DCAT.Catalog in types else "dataset" if subject in datasets
                              else "ontology" if OWL.Ontology in types else "scheme" if SKOS.ConceptScheme in types
                              else "resource")
        return kinds

    def _record_dates(self) -> dict[URIRef, date | datetime]:
        """Each dataset's latest dct:modified, from the catalogue records about it."""
        dates: dict[URIRef, date | datetime] = {}
        for record in self.graph.subjects(RDF.type, DCAT.CatalogRecord):
            dataset = self.graph.value(record, FOAF.primaryTopic)
            for value in self.graph.objects(record, DCTERMS.modified):
                moment = value.toPython()
                if isinstance(moment, (date, datetime)) and (dataset not in dates or str(moment) > str(dates[dataset])):
                    dates[dataset] = moment
        return dates

    def profiles(self, kind: str, iri: URIRef | None = None) -> tuple[str, ...]:
        """The profiles a resource of ``kind`` has, the default first."""
        if kind == "dataset":
            imaging = self.entries[iri].imaging
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
            roots += sorted(s for s in set(self.graph.subjects()) if isinstance(s, URIRef) and s.startswith(iri + "#"))
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
        kind = self.kinds[iri]
        path = self.path_of(iri)
        available = self.profiles(kind, iri)

        def build():
            links = [link(NAMESPACE + path if kind != "dataset" else self._cite(iri), "cite-as")]
            extra = {"Vary": "Accept, Accept-Profile"}
            if media == HTML:
                body = self._page(iri, kind)
                if kind == "dataset":
                    entry = self.entries[iri]
                    links = [link(h, r, **({"type": t} if t else {})) for r, h, t in signposts(entry, self.base)]
            else:
                chosen = self.profile(profile)
                rendition = self.description(iri, kind) if profile == "hckg" else chosen.render(self.graph, [iri])
                body = self.serialize(rendition, chosen, media)
                links.append(link(PROFILES[profile].iri, "profile"))
                extra["Content-Profile"] = f"<{PROFILES[profile].iri}>"
                if kind == "dataset":
                    entry = self.entries[iri]
                    links.append(link(self.base + entry.page, "describes", type=HTML))
                    links += [link(x, "license") for x in entry.licences]
            links += self._alternates(path, available, profile, media)
            return body, media, links, extra

        return self.cached((iri, profile, media)) or self.make((iri, profile, media), build)

    def _cite(self, iri: URIRef) -> str:
        entry = self.entries.get(iri)
        return (entry.doi or str(iri)) if entry else str(iri)

    def _page(self, iri: URIRef, kind: str) -> bytes:
        if kind == "dataset":
            return self.site.file(self.entries[iri].page)
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
            if profile == "hckg":
                roots = ([self.catalog] if self.catalog is not None else []) + self.datasets
                rendition = ProfileGraph(self.graph, roots)
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


def not_found(path: str, known: Sequence[str]) -> Problem:
    """404 naming the IRI asked for, with the nearest IRIs the catalogue has."""
    close = difflib.get_close_matches(path, known, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(NAMESPACE + c for c in close)}?" if close else ""
    return Problem(404, f"No resource <{NAMESPACE}{path}> in this catalogue.{hint} "
                        f"The catalogue lists every dataset at /catalog; stored queries are at /queries.")
