"""Hydra paging of the catalogue, as ckanext-dcat writes it and ckanext-dcat and piveau harvest it.

A page is a ``hydra:PagedCollection`` and a ``hydra:PartialCollectionView`` with ``hydra:totalItems`` and
``hydra:itemsPerPage`` on that same node, and both the current links (``hydra:first``/``last``/``next``/
``previous``) and the deprecated ones (``hydra:firstPage`` …) that older harvesters read. Links are
literals, as ckanext-dcat writes them: piveau reads literals and IRIs, ckanext-dcat literals.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import urlencode

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from hckg.serve.problems import Problem

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DEFAULT_PAGE_SIZE = 100   # ckanext-dcat's default
MAX_PAGE_SIZE = 1000
# the query-string arguments a page link keeps, in the order it writes them
KEPT = ("pageSize", "modified_since", "_profile", "profiles", "_mediatype")


@dataclass(frozen=True)
class Paging:
    """What a catalogue request asks for: a page of ``size`` datasets modified since ``since`` (if given)."""

    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    since: datetime | date | None = None


def _whole(params, name: str, default: int, low: int, high: int | None = None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit() or not low <= int(raw) <= (high or int(raw)):
        upper = f" and {high}" if high else ""
        raise Problem(400, f"{name}: '{raw}' is not a whole number between {low}{upper}")
    return int(raw)


def parse_since(raw: str) -> datetime | date:
    """``modified_since`` as ISO 8601: a date (``2026-11-24``) or a date-time (``2026-11-24T10:00:00Z``)."""
    text = raw.strip().replace(" ", "+")   # an unencoded + in a query string reads as a space
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Problem(400, f"modified_since: '{raw}' is not an ISO 8601 date or date-time "
                           f"(like 2026-11-24 or 2026-11-24T10:00:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def paging(params) -> Paging:
    """The paging a request's query string asks for (``page``, ``pageSize``, ``modified_since``)."""
    since = params.get("modified_since")
    return Paging(_whole(params, "page", 1, 1), _whole(params, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
                  parse_since(since) if since else None)


def modified_since(modified: datetime | date | None, since: datetime | date) -> bool:
    """Whether a dataset last modified at ``modified`` is to be harvested again. A date covers its whole
    day, so a record modified on the day asked for counts; an unknown date always counts."""
    if modified is None:
        return True
    if isinstance(modified, datetime) and isinstance(since, datetime):
        return (modified if modified.tzinfo else modified.replace(tzinfo=timezone.utc)) >= since

    def day(moment: datetime | date) -> date:
        return moment.date() if isinstance(moment, datetime) else moment

    return day(modified) >= day(since)


@dataclass(frozen=True)
class Page:
    """One page of ``total`` items: its number, its size, and how to write the link to another page."""

    number: int
    size: int
    total: int
    url: str          # the link to this page's path, without a query
    params: dict      # the kept query-string arguments

    @property
    def last(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    def slice(self, items: list) -> list:
        if self.number > self.last:
            raise Problem(404, f"page {self.number} does not exist: the last page is {self.last}")
        start = (self.number - 1) * self.size
        return items[start:start + self.size]

    def link(self, number: int) -> str:
        return f"{self.url}?{urlencode({'page': number, **self.params})}"

    def neighbours(self) -> dict[str, int]:
        """rel → page number: first, last, and previous / next where they exist."""
        pages = {"first": 1, "last": self.last}
        if self.number > 1:
            pages["previous"] = self.number - 1
        if self.number < self.last:
            pages["next"] = self.number + 1
        return pages

    def describe(self, graph: Graph) -> URIRef:
        """Add the Hydra description of this page to ``graph``; return the page's node."""
        node = URIRef(self.link(self.number))
        graph.bind("hydra", HYDRA)
        graph.add((node, RDF.type, HYDRA.PagedCollection))
        graph.add((node, RDF.type, HYDRA.PartialCollectionView))
        graph.add((node, HYDRA.totalItems, Literal(self.total, datatype=XSD.integer)))
        graph.add((node, HYDRA.itemsPerPage, Literal(self.size, datatype=XSD.integer)))
        for rel, number in self.neighbours().items():
            graph.add((node, HYDRA[rel], Literal(self.link(number))))
            graph.add((node, HYDRA[rel + "Page"], Literal(self.link(number))))
        return node

    def link_header(self) -> list[str]:
        """The same links as HTTP ``Link`` values (``prev`` as RFC 8288 names it)."""
        return [f'<{self.link(n)}>; rel="{"prev" if rel == "previous" else rel}"' for rel, n in self.neighbours().items()]


def page_of(paging: Paging, total: int, url: str, params) -> Page:
    kept = {name: params[name] for name in KEPT if params.get(name) is not None}
    return Page(paging.page, paging.size, total, url, kept)
