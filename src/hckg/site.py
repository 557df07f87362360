"""``hckg site OUTDIR``: a static site a FAIR portal or a search engine can crawl.

index.html (searchable table, categories, timeline and size charts), one landing page per dataset
with its schema.org JSON-LD embedded and FAIR Signposting links, the Turtle / DCAT-AP JSON-LD /
HealthDCAT-AP JSON-LD (and Croissant, for imaging sets) renditions beside it, the whole catalogue in
DCAT-AP, the JSON-LD context, sitemap.xml and robots.txt. Pages need no JavaScript (a small script
only adds the search box) and load nothing from elsewhere. Same catalogue, same bytes.
"""

import json
import threading
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from hckg import charts
from hckg.atomic import write_atomic
from hckg.errors import UsageError
from hckg.export import catalogue_datasets, catalogues, dataset_id, render, serialize
from hckg.graph import load_graph
from hckg.jsonld import load_context
from hckg.namespaces import DCAT, DEFAULT_BASE, HCKG, HEALTHDCATAP, SCHEMA
from hckg.profiles import DEFAULT_NAMESPACE, get_profile

INDIVIDUALS = {"patient", "person", "participant", "beneficiary"}   # count units that count people
LANDING_TYPE = "https://schema.org/AboutPage"


@dataclass
class Entry:
    """What the index and a landing page show of one dataset."""

    id: str
    iri: URIRef
    title: str
    description: str
    category: str
    publisher: str = ""
    coverage: str = ""
    span: charts.Span | None = None
    size: charts.Size | None = None
    access: str = ""
    doi: str = ""
    licences: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    imaging: bool = False

    @property
    def page(self) -> str:
        return f"dataset/{self.id}.html"


def _text(graph: Graph, node, predicate) -> str:
    values = sorted(str(v) for v in graph.objects(node, predicate))
    return values[0] if values else ""


def _label(graph: Graph, node) -> str:
    return _text(graph, node, SKOS.prefLabel) or _text(graph, node, FOAF.name) or dataset_id(str(node))


def entry(graph: Graph, name: str, iri: URIRef, vocabularies) -> Entry:
    """Read one dataset's summary from the catalogue graph."""
    themes = sorted(_text(graph, t, SKOS.prefLabel) for t in graph.objects(iri, DCAT.theme)
                    if (t, SKOS.prefLabel, None) in graph)
    e = Entry(id=name, iri=iri, title=_text(graph, iri, DCTERMS.title) or name,
              description=_text(graph, iri, DCTERMS.description), category=themes[0] if themes else "Other",
              publisher=", ".join(sorted(_label(graph, p) for p in graph.objects(iri, DCTERMS.publisher))))
    for period in graph.objects(iri, DCTERMS.temporal):
        start, end = graph.value(period, DCAT.startDate), graph.value(period, DCAT.endDate)
        if start is not None:
            e.coverage = f"{start}–{end if end is not None else 'ongoing'}"
            e.span = charts.Span(e.title, charts.year_of(str(start)),
                                 charts.year_of(str(end)) + 1 / 12 if end is not None else None, e.page)
    e.size = _size(graph, iri, e)
    rights = graph.value(iri, DCTERMS.accessRights)
    steps = sorted(_label(graph, r) for r in graph.objects(iri, HCKG.accessRequirement))
    e.access = "; ".join(filter(None, [(vocabularies.label(rights) or "") if rights else "", ", ".join(steps)]))
    identifier = _text(graph, iri, DCTERMS.identifier)
    e.doi = identifier if identifier.startswith("https://doi.org/") else ""
    distributions = list(graph.objects(iri, DCAT.distribution))
    e.licences = sorted({str(x) for n in [iri, *distributions] for x in graph.objects(n, DCTERMS.license)})
    e.authors = sorted(str(a) for a in graph.objects(iri, DCTERMS.creator) if str(a).startswith("https://ror.org/"))
    e.downloads = sorted(str(u) for d in distributions for u in graph.objects(d, DCAT.downloadURL))
    return e


def _size(graph: Graph, iri: URIRef, e: Entry) -> charts.Size | None:
    """The number of individuals: numberOfUniqueIndividuals, else the largest count of people."""
    value = graph.value(iri, HEALTHDCATAP.numberOfUniqueIndividuals)
    if value is not None:
        return charts.Size(e.title, int(value), href=e.page)
    best = None
    for count in graph.objects(iri, HCKG.size):
        unit = graph.value(count, HCKG.countOf)
        if unit is None or dataset_id(str(unit)) not in INDIVIDUALS:
            continue
        exact, low, high = (graph.value(count, SCHEMA[p]) for p in ("value", "minValue", "maxValue"))
        number, qualifier = ((exact, "") if exact is not None else (high, "up to") if high is not None
                             else (low, "more than"))
        if number is None:
            continue
        per = " per year" if graph.value(count, HCKG.perPeriod) is not None else ""
        candidate = charts.Size(e.title, int(number), qualifier, _label(graph, unit) + per, e.page)
        if best is None or candidate.value > best.value:
            best = candidate
    return best


# --- HTML ------------------------------------------------------------------------------------------
STYLE = """
body{font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a;background:#fff;margin:0}
main,header,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
a{color:#0b4f8a}a:focus{outline:3px solid #f5a623}
.skip{position:absolute;left:-10000px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
th{background:#eef2f6}dt{font-weight:600}dd{margin:0 0 .6rem 0}figure{margin:1.5rem 0}
img{max-width:100%;height:auto}label{font-weight:600}input,select{font-size:1rem;padding:.3rem}
"""

SEARCH_SCRIPT = """
document.getElementById('filters').hidden = false;
function filterRows() {
  var q = document.getElementById('q').value.toLowerCase();
  var c = document.getElementById('category').value;
  document.querySelectorAll('#datasets tbody tr').forEach(function (row) {
    var ok = row.textContent.toLowerCase().indexOf(q) >= 0 && (!c || row.dataset.category === c);
    row.hidden = !ok;
  });
}
document.getElementById('q').addEventListener('input', filterRows);
document.getElementById('category').addEventListener('change', filterRows);
"""


def html_page(title: str, description: str, head: str, body: str, root: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n<meta name=\"description\" content=\"{escape(description[:300])}\">\n"
        f"{head}<style>{STYLE}</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
        f"<header><p><a href=\"{root}index.html\">hckg catalogue</a></p></header>\n"
        f"<main id=\"main\">\n{body}</main>\n</body>\n</html>\n"
    )


def _link(href: str, text: str) -> str:
    return f"<a href=\"{escape(href)}\">{escape(text)}</a>"


def signposts(e: Entry, base: str) -> list[tuple[str, str, str | None]]:
    """FAIR Signposting of a landing page as (rel, href, media type): cite-as, type, describedby, license,
    author, item. The pages carry them as ``<link>`` elements, ``hckg serve`` as ``Link`` headers too."""
    links = [("cite-as", e.doi or str(e.iri), None),
             ("type", "https://schema.org/Dataset", None),
             ("type", LANDING_TYPE, None),
             ("describedby", f"{base}dataset/{e.id}.ttl", "text/turtle"),
             ("describedby", f"{base}dataset/{e.id}.jsonld", "application/ld+json")]
    links += [("license", x, None) for x in e.licences]
    links += [("author", a, None) for a in e.authors]
    links += [("item", d, None) for d in e.downloads]
    return links


def landing_page(e: Entry, graph: Graph, schema_jsonld: bytes, base: str) -> str:
    """One dataset's page: facts for people, schema.org JSON-LD and Signposting for machines."""
    links = [f"<link rel=\"canonical\" href=\"{escape(base + e.page)}\">"]
    for rel, href, kind in signposts(e, base):
        typed = f" type=\"{kind}\"" if kind else ""
        links.append(f"<link rel=\"{rel}\"{typed} href=\"{escape(href)}\">")
    alternates = [("text/turtle", f"{e.id}.ttl", "DCAT-AP (Turtle)"),
                  ("application/ld+json", f"{e.id}.jsonld", "DCAT-AP (JSON-LD)"),
                  ("application/ld+json", f"{e.id}.healthdcat.jsonld", "HealthDCAT-AP (JSON-LD)")]
    if e.imaging:
        alternates.append(("application/ld+json", f"{e.id}.croissant.json", "Croissant"))
    links += [f"<link rel=\"alternate\" type=\"{t}\" href=\"{h}\" title=\"{escape(n)}\">" for t, h, n in alternates]
    script = schema_jsonld.decode("utf-8").replace("</", "<\\/")
    head = "\n".join(links) + f"\n<script type=\"application/ld+json\">\n{script}</script>\n"

    facts = [("Category", escape(e.category)), ("Publisher", escape(e.publisher)),
             ("Temporal coverage", escape(e.coverage)), ("Access", escape(e.access))]
    if e.size:
        facts.append(("Size", escape(f"{(e.size.qualifier + ' ') if e.size.qualifier else ''}"
                                     f"{e.size.value:,} {e.size.unit}")))
    if e.doi:
        facts.append(("DOI", _link(e.doi, e.doi)))
    for page in sorted(graph.objects(e.iri, DCAT.landingPage)):
        facts.append(("Landing page", _link(str(page), str(page))))
    for d in sorted(graph.objects(e.iri, DCAT.distribution)):
        for access in sorted(graph.objects(d, DCAT.accessURL)):
            facts.append(("Get the data", _link(str(access), _text(graph, d, DCTERMS.title) or str(access))))
    for x in e.licences:
        facts.append(("Licence", _link(x, x)))
    citation = _text(graph, e.iri, DCTERMS.bibliographicCitation)
    if citation:
        facts.append(("Citation", escape(citation)))
    facts.append(("Identifier", _link(str(e.iri), str(e.iri))))
    body = [f"<h1>{escape(e.title)}</h1>", f"<p>{escape(e.description)}</p>", "<dl>"]
    body += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts if v]
    body.append("</dl>")
    labels = [c for s in graph.objects(e.iri, HCKG.labelScheme) for c in graph.objects(s, SKOS.hasTopConcept)]
    if labels:
        body += ["<h2>Labels</h2>", "<table><caption>Labels and their mappings</caption>",
                 "<thead><tr><th scope=\"col\">Label</th><th scope=\"col\">Same as</th>"
                 "<th scope=\"col\">Close or broader</th></tr></thead><tbody>"]
        for concept in sorted(labels, key=lambda c: _label(graph, c)):
            exact = sorted(str(m) for m in graph.objects(concept, SKOS.exactMatch))
            near = sorted(str(m) for p in (SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
                          for m in graph.objects(concept, p))
            body.append(f"<tr><td>{escape(_label(graph, concept))}</td><td>{' '.join(_link(m, m) for m in exact)}</td>"
                        f"<td>{' '.join(_link(m, m) for m in near)}</td></tr>")
        body.append("</tbody></table>")
    body += ["<h2>Machine-readable descriptions</h2>", "<ul>"]
    body += [f"<li>{_link(h, n)}</li>" for _t, h, n in alternates]
    body.append("</ul>")
    return html_page(f"{e.title} — hckg", e.description, head, "\n".join(body) + "\n", "../")


def index_page(entries: list[Entry], title: str, description: str) -> str:
    categories = sorted({e.category for e in entries})
    body = [f"<h1>{escape(title)}</h1>", f"<p>{escape(description)}</p>",
            "<div id=\"filters\" hidden><label for=\"q\">Search</label> <input id=\"q\" type=\"search\"> "
            "<label for=\"category\">Category</label> <select id=\"category\"><option value=\"\">All</option>"]
    body += [f"<option>{escape(c)}</option>" for c in categories]
    body += ["</select></div>",
             "<table id=\"datasets\"><caption>Datasets in the catalogue</caption><thead><tr>"
             + "".join(f"<th scope=\"col\">{h}</th>" for h in
                       ("Dataset", "Category", "Publisher", "Coverage", "Individuals", "Access")) + "</tr></thead><tbody>"]
    for e in entries:
        size = f"{(e.size.qualifier + ' ') if e.size.qualifier else ''}{e.size.value:,}" if e.size else ""
        body.append(f"<tr data-category=\"{escape(e.category)}\"><td>{_link(e.page, e.title)}</td>"
                    f"<td>{escape(e.category)}</td><td>{escape(e.publisher)}</td><td>{escape(e.coverage)}</td>"
                    f"<td>{escape(size)}</td><td>{escape(e.access)}</td></tr>")
    body.append("</tbody></table>")
    body.append("<h2>Categories</h2>")
    for c in categories:
        body.append(f"<h3>{escape(c)}</h3><ul>")
        body += [f"<li>{_link(e.page, e.title)}</li>" for e in entries if e.category == c]
        body.append("</ul>")
    body += ["<h2>Overview</h2>",
             "<figure><img src=\"timeline.svg\" alt=\"Timeline of the years each dataset covers; the figures are in "
             "the Coverage column above.\"><figcaption>Temporal coverage (open-ended coverage has an arrow)"
             "</figcaption></figure>",
             "<figure><img src=\"sizes.svg\" alt=\"Bar chart of the number of individuals in each dataset on a "
             "log scale; the figures are in the Individuals column above.\"><figcaption>Number of individuals "
             "(log scale)</figcaption></figure>",
             "<h2>Machine-readable catalogue</h2><ul>",
             f"<li>{_link('catalog.ttl', 'DCAT-AP (Turtle)')}</li>",
             f"<li>{_link('catalog.jsonld', 'DCAT-AP (JSON-LD)')}</li>",
             f"<li>{_link('context.jsonld', 'JSON-LD context')}</li>",
             f"<li>{_link('sitemap.xml', 'Sitemap')}</li></ul>",
             f"<script>{SEARCH_SCRIPT}</script>"]
    head = ("<link rel=\"alternate\" type=\"text/turtle\" href=\"catalog.ttl\" title=\"DCAT-AP (Turtle)\">\n"
            "<link rel=\"alternate\" type=\"application/ld+json\" href=\"catalog.jsonld\" title=\"DCAT-AP (JSON-LD)\">\n")
    return html_page(title, description, head, "\n".join(body) + "\n", "")


def sitemap(entries: list[Entry], base: str) -> str:
    urls = [base + "index.html"] + [base + e.page for e in entries]
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            + "".join(f"  <url><loc>{escape(u)}</loc></url>\n" for u in urls) + "</urlset>\n")


class Site:
    """The site's files, each made on demand from one loaded catalogue (``hckg site`` writes them all,
    ``hckg serve`` serves them one by one).

    ``graph`` is an rdflib ``Graph`` or anything that answers the same reads (``hckg.store_source.StoreSource``).
    A dataset's ``Entry`` is read on first use (``entry``) and kept; ``entries``, which the index, the charts
    and the sitemap need, reads them all once. ``datasets`` (name → IRI, as ``catalogue_datasets`` gives
    them) spares reading the dataset list twice."""

    def __init__(self, graph: Graph, *, base_url: str = DEFAULT_BASE, health_namespace: str = DEFAULT_NAMESPACE,
                 datasets: dict[str, URIRef] | None = None):
        self.graph = graph
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.health_namespace = health_namespace
        self.profiles = {name: get_profile(name, health_namespace=health_namespace)
                         for name in ("dcat-ap", "healthdcat-ap", "schemaorg", "croissant")}
        self.datasets = catalogue_datasets(graph) if datasets is None else datasets
        self.names_of = {iri: name for name, iri in self.datasets.items()}
        self._entries: dict[URIRef, Entry] = {}
        self._all: list[Entry] | None = None
        self._lock = threading.Lock()

    @cached_property
    def catalog(self) -> URIRef | None:
        cats = catalogues(self.graph)
        return cats[0] if cats else None

    @cached_property
    def title(self) -> str:
        return _text(self.graph, self.catalog, DCTERMS.title) if self.catalog is not None else "Catalogue"

    @cached_property
    def description(self) -> str:
        return _text(self.graph, self.catalog, DCTERMS.description) if self.catalog is not None else ""

    def entry(self, iri: URIRef) -> Entry | None:
        """The summary of the dataset ``iri`` (None for no such dataset), read once."""
        found = self._entries.get(iri)
        if found is None and iri in self.names_of:
            found = entry(self.graph, self.names_of[iri], iri, self.profiles["dcat-ap"].vocabularies)
            # Croissant is written for the datasets its profile covers
            found.imaging = bool(self.profiles["croissant"].select(self.graph, [iri]))
            self._entries[iri] = found
        return found

    def has_entry(self, iri: URIRef) -> bool:
        """Whether the entry of ``iri`` has been read already."""
        return iri in self._entries

    def by_name(self, name: str) -> Entry | None:
        iri = self.datasets.get(name)
        return self.entry(iri) if iri is not None else None

    @property
    def entries(self) -> list[Entry]:
        """Every dataset's entry, by title (read on first use, by one thread)."""
        if self._all is None:
            with self._lock:
                if self._all is None:
                    self._all = sorted((self.entry(iri) for iri in self.datasets.values()),
                                       key=lambda e: (e.title.lower(), e.id))
        return self._all

    def rendition(self, profile: str, dataset: URIRef | None, fmt: str = "jsonld") -> bytes:
        """One dataset's rendition (the whole catalogue's when ``dataset`` is None), in ``fmt``."""
        chosen = self.profiles[profile]
        mapped = chosen.render(self.graph, [dataset]) if dataset is not None else render(self.graph, chosen)
        return serialize(mapped, chosen, fmt, health_namespace=self.health_namespace)

    def names(self) -> list[str]:
        """Every file of the site, sorted."""
        names = ["catalog.ttl", "catalog.jsonld", "context.jsonld", "timeline.svg", "sizes.svg", "index.html",
                 "sitemap.xml", "robots.txt"]
        for e in self.entries:
            names += [f"dataset/{e.id}.ttl", f"dataset/{e.id}.jsonld", f"dataset/{e.id}.healthdcat.jsonld", e.page]
            if e.imaging:
                names.append(f"dataset/{e.id}.croissant.json")
        return sorted(names)

    def file(self, name: str) -> bytes | None:
        """The content of the site file ``name`` (as ``names`` lists it), or None for no such file."""
        if name.startswith("dataset/"):
            return self._dataset_file(name[len("dataset/"):])
        entries = self.entries
        if name in ("catalog.ttl", "catalog.jsonld"):
            return self.rendition("dcat-ap", None, "turtle" if name.endswith(".ttl") else "jsonld")
        if name == "context.jsonld":
            return (json.dumps(load_context("hckg", self.health_namespace), indent=2, ensure_ascii=False)
                    + "\n").encode("utf-8")
        if name == "timeline.svg":
            return charts.timeline([e.span for e in entries if e.span]).encode("utf-8")
        if name == "sizes.svg":
            return charts.sizes([e.size for e in entries if e.size]).encode("utf-8")
        if name == "index.html":
            return index_page(entries, self.title, self.description).encode("utf-8")
        if name == "sitemap.xml":
            return sitemap(entries, self.base).encode("utf-8")
        if name == "robots.txt":
            return f"User-agent: *\nAllow: /\n\nSitemap: {self.base}sitemap.xml\n".encode("utf-8")
        return None

    def _dataset_file(self, name: str) -> bytes | None:
        for suffix, profile, fmt in ((".healthdcat.jsonld", "healthdcat-ap", "jsonld"), (".croissant.json", "croissant",
                                     "jsonld"), (".ttl", "dcat-ap", "turtle"), (".jsonld", "dcat-ap", "jsonld"),
                                     (".html", None, None)):
            e = self.by_name(name[:-len(suffix)]) if name.endswith(suffix) else None
            if e is None:
                continue
            if profile is None:
                return landing_page(e, self.graph, self.rendition("schemaorg", e.iri), self.base).encode("utf-8")
            if profile == "croissant" and not e.imaging:
                return None
            return self.rendition(profile, e.iri, fmt)
        return None


def build_site(outdir: str | Path, paths=None, *, base_url: str = DEFAULT_BASE,
               health_namespace: str = DEFAULT_NAMESPACE) -> list[Path]:
    """Write the static site into ``outdir``; return the files written, in order."""
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"OUTDIR {out}: exists and is not a folder; choose a folder")
    site = Site(load_graph(list(paths) if paths else None), base_url=base_url, health_namespace=health_namespace)
    written = []
    for name in site.names():
        try:
            write_atomic(out / name, site.file(name))
        except OSError as exc:
            raise UsageError(f"OUTDIR {out}: cannot write {name}: {exc.strerror}; choose a writable folder") from None
        written.append(out / name)
    return written
