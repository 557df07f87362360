"""The stored-query API, grlc-compatible: ``/queries`` lists the stored queries, ``/queries/{name}`` runs one
with its parameters from the query string (``?label=Pneumothorax``, ``?page=2``), and ``/openapi.json``
describes them all.

As with grlc, ``application/json`` asks for SPARQL JSON results and ``text/csv`` for CSV; a paginated
query answers with ``Link`` headers to its first, previous and next pages (grlc cannot know the last).
Rows are rendered by the same functions as ``hckg query`` (CSV and TSV are its ``--format csv|tsv``), and
the queries run on the same engine, the pyoxigraph store (``hckg.store_engine``).
"""

import json
import re
from urllib.parse import urlencode

from hckg import __version__
from hckg.errors import HckgError, UsageError
from hckg.output import Table, render_table
from hckg.queries import StoredQuery, queries_table, run
from hckg.serve import pages
from hckg.serve.negotiation import CSV, HTML, JSON, RDF_MEDIA, SPARQL_JSON, TSV
from hckg.serve.problems import Problem
from hckg.serve.sparql import write
from hckg.store import CatalogueStore
from hckg.store_engine import StoreEngine

ROW_MEDIA = (SPARQL_JSON, CSV, TSV, HTML)
ROW_ALIASES = {JSON: SPARQL_JSON}            # grlc: application/json is the SPARQL JSON results
LIST_MEDIA = (JSON, CSV, TSV, HTML)
RESERVED = ("_mediatype",)                   # query-string arguments that are not query parameters


def offers(query: StoredQuery) -> tuple[str, ...]:
    return RDF_MEDIA if query.form in ("CONSTRUCT", "DESCRIBE") else ROW_MEDIA


def parameter_values(query: StoredQuery, params) -> dict[str, str]:
    """The query's parameter values from a query string; a name given twice is an error."""
    values: dict[str, str] = {}
    for name, value in params.multi_items():
        if name in RESERVED:
            continue
        if name == "endpoint":
            raise Problem(400, "endpoint: this server runs its stored queries on its own catalogue only")
        if name in values:
            raise Problem(400, f"parameter '{name}' is given twice; give it once")
        values[name] = value
    return values


def bind(query: StoredQuery, values: dict[str, str]) -> str:
    """The bound query text; a missing or bad value is a 400 naming the parameter."""
    try:
        return query.bind(values)
    except UsageError as exc:
        raise Problem(400, re.sub(r"add -p (\w+) VALUE", r"add ?\1=VALUE to the URL", str(exc))) from None


def answer(store: CatalogueStore, query: StoredQuery, text: str) -> Table:
    """Run a bound stored query on the catalogue's store (in a query thread); its own failures are the server's."""
    try:
        return run(query, text, StoreEngine(store))
    except HckgError as exc:
        raise Problem(500, f"stored query {query.name} failed: {exc}") from None


def render(query: StoredQuery, result, media: str, root: str) -> bytes:
    """A stored query's answer in ``media``."""
    if media == HTML:
        return pages.table_page(query.name, query.summary, result, root,
                                [f"<a href=\"{root}openapi.json\">API</a> · <a href=\"{root}queries\">all queries</a>"]
                                ).encode("utf-8")
    if media in (CSV, TSV):
        return render_table(result, "csv" if media == CSV else "tsv").encode("utf-8")
    return write(result, media)


def page_links(query: StoredQuery, values: dict[str, str], rows: int, url: str, params) -> list[str]:
    """grlc's pagination links: first, prev (after page 1), next (when this page is full)."""
    if not query.pagination:
        return []
    page = int(values.get("page", 1))
    kept = {**values, **{k: params[k] for k in RESERVED if k in params}}

    def href(n: int) -> str:
        return f"{url}?{urlencode({**kept, 'page': n})}"

    links = [f'<{href(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{href(page - 1)}>; rel="prev"')
    if rows >= query.pagination:
        links.append(f'<{href(page + 1)}>; rel="next"')
    return links


def listing(queries: list[StoredQuery], media: str, base: str, root: str) -> bytes:
    """The stored queries in ``media``."""
    if media == HTML:
        return pages.queries_page(queries, root).encode("utf-8")
    if media in (CSV, TSV):
        return render_table(queries_table(queries), "csv" if media == CSV else "tsv").encode("utf-8")
    return (json.dumps([describe(q, base) for q in queries], indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def describe(query: StoredQuery, base: str) -> dict:
    return {"name": query.name, "url": f"{base}queries/{query.name}", "summary": query.summary,
            "description": query.description, "tags": list(query.tags), "form": query.form,
            "parameters": [{"name": p.name, "type": p.type_name, "required": p.required and p.default is None,
                            "default": p.default, "enum": list(p.enum) if p.enum else None}
                           for p in query.parameters]}


def _schema(p) -> dict:
    schema = {"integer": {"type": "integer"}, "number": {"type": "number"},
              "iri": {"type": "string", "format": "iri"}}.get(p.kind, {"type": "string"})
    if p.variable is None:
        schema = {"type": "integer", "minimum": 1}
    if p.enum:
        schema["enum"] = list(p.enum)
    if p.default is not None:
        schema["default"] = int(p.default) if schema["type"] == "integer" else p.default
    return schema


def openapi(queries: list[StoredQuery], base: str) -> dict:
    """An OpenAPI 3.1 description of the server: each stored query, the catalogue, SPARQL, health."""
    def content(media) -> dict:
        return {m: {} for m in media}

    problem = {"description": "A bad parameter, a missing resource or a refused query, said in one sentence",
               "content": {"text/plain": {}}}
    paths = {}
    for q in queries:
        parameters = [{"name": p.name, "in": "query", "required": p.required and p.default is None,
                       "description": p.describe(), "schema": _schema(p)} for p in q.parameters]
        paths[f"/queries/{q.name}"] = {"get": {
            "operationId": q.name.replace("-", "_"), "summary": q.summary, "description": q.description,
            "tags": list(q.tags), "parameters": parameters,
            "responses": {"200": {"description": "The answer", "content": content(offers(q))}, "400": problem}}}
    paths["/queries"] = {"get": {"operationId": "list_queries", "summary": "The stored queries",
                                 "responses": {"200": {"description": "The list", "content": content(LIST_MEDIA)}}}}
    paged = [{"name": n, "in": "query", "required": False, "schema": s} for n, s in (
        ("page", {"type": "integer", "minimum": 1, "default": 1}),
        ("pageSize", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}),
        ("modified_since", {"type": "string", "format": "date-time"}),
        ("_profile", {"type": "string", "enum": ["dcat-ap", "healthdcat-ap", "schemaorg"]}))]
    paths["/catalog"] = {"get": {"operationId": "catalog", "summary": "The catalogue, a page at a time (Hydra)",
                                 "parameters": paged, "responses": {"200": {"description": "A page",
                                                                           "content": content(RDF_MEDIA + (HTML,))},
                                                                   "400": problem}}}
    paths["/sparql"] = {"get": {"operationId": "sparql", "summary": "SPARQL 1.1 Protocol query (read-only)",
                                "parameters": [{"name": "query", "in": "query", "required": True,
                                                "schema": {"type": "string"}}],
                                "responses": {"200": {"description": "Results or a graph",
                                                      "content": content((SPARQL_JSON, CSV, TSV) + RDF_MEDIA)},
                                              "400": problem}}}
    paths["/health"] = {"get": {"operationId": "health", "summary": "Whether the server is up, and what it serves",
                                "responses": {"200": {"description": "ok", "content": content((JSON,))}}}}
    return {"openapi": "3.1.0",
            "info": {"title": "hckg: the healthcare knowledge graph", "version": __version__,
                     "description": "Linked data, stored queries and SPARQL over a DCAT / HealthDCAT-AP catalogue "
                                    "of healthcare data sources."},
            "servers": [{"url": base.rstrip("/")}], "paths": dict(sorted(paths.items()))}

