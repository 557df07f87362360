"""The ASGI application of ``hckg serve``: every route, over one loaded Catalogue.

Paths map onto IRIs: ``/dataset/x`` is ``https://w3id.org/hckg/dataset/x``. The base (``--base``) is where
that namespace is served; links the server writes (Hydra pages, Signposting, alternates) start with it,
so they stay right behind a proxy. A request path that starts with the base's own path (``/kg/dataset/x``
for ``--base https://example.org/kg/``) is read without it, so the server works both where a proxy
strips that prefix and where it passes it on.
"""

import json
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

from rdflib import URIRef
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hckg.errors import UsageError
from hckg.output import Table, render_graph
from hckg.queries import stored_queries, stored_query
from hckg.serve import api, pages, sparql
from hckg.serve.catalogue import DUMP_MEDIA, NAMESPACE, Catalogue, Representation, content_type
from hckg.serve.negotiation import (FORMAT_OF, HTML, JSON, RDF_MEDIA, accepted_media, best_media, choose_media,
                                    choose_profile, split_extension)
from hckg.serve.problems import Problem
from hckg.serve.sparql import Limits, Runner

NOT_MODIFIED_HEADERS = ("ETag", "Last-Modified", "Vary", "Cache-Control")


def _root(request: Request) -> str:
    """The relative link from the request's path up to the server's root (the base)."""
    return "../" * max(0, request.scope["path"].count("/") - 1)


def _etag_matches(header: str, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


class Server:
    """The request handlers, over one catalogue, stored queries and limits."""

    def __init__(self, catalogue: Catalogue, limits: Limits):
        self.catalogue = catalogue
        self.limits = limits
        self.runner = Runner(limits)
        self.queries = {q.name: q for q in stored_queries()}
        self.modified = parsedate_to_datetime(catalogue.last_modified)

    # --- answering ---------------------------------------------------------------------------------
    def reply(self, request: Request, rep: Representation, status: int = 200) -> Response:
        """The representation, or 304 when the client's copy is current (If-None-Match wins over
        If-Modified-Since, as RFC 9110 says)."""
        headers = request.headers
        match = headers.get("if-none-match")
        if match is not None:
            fresh = _etag_matches(match, rep.etag)
        else:
            since = headers.get("if-modified-since")
            fresh = since is not None and self._not_modified_since(since)
        if fresh and request.method in ("GET", "HEAD"):
            return Response(status_code=304, headers={k: rep.headers[k] for k in NOT_MODIFIED_HEADERS
                                                      if k in rep.headers})
        return Response(rep.body, status_code=status, headers=rep.headers)

    def _not_modified_since(self, header: str) -> bool:
        try:
            since = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return False
        return since is not None and since.tzinfo is not None and self.modified <= since

    def problem(self, request: Request, exc: Problem) -> Response:
        """An error as one sentence: plain text, or a small page for a browser."""
        headers = {"Vary": "Accept", **exc.headers}
        if best_media(accepted_media(request.headers.get("accept")), ("text/plain", HTML)) == HTML:
            body = pages.error_page(exc.status, exc.message, _root(request))
            return Response(body, exc.status, headers, media_type=HTML)
        return Response(f"{exc.status} {exc.message}\n", exc.status, headers, media_type="text/plain")

    # --- routes ------------------------------------------------------------------------------------
    async def resource(self, request: Request) -> Response:
        """Everything under the namespace: the catalogue, datasets, agents, concepts, the site's files."""
        cat = self.catalogue
        path = request.path_params["path"]
        params = request.query_params
        headers = request.headers
        if path in ("", "index.html"):
            return self.home(request, path)
        if path == "context.jsonld":
            return self.reply(request, cat.context())
        if cat.is_site_page(path):
            return self.reply(request, cat.site_file(path))
        stem, fixed_profile, fixed_media = (path, None, None)
        iri = URIRef(NAMESPACE + path)
        kind = cat.kind(iri)
        if kind is None:
            stem, fixed_profile, fixed_media = split_extension(path)
            iri = URIRef(NAMESPACE + stem)
            kind = cat.kind(iri)
        if stem in ("catalog", "dump"):
            return await self.special(request, stem, fixed_profile, fixed_media)
        if kind is None:
            raise await _threaded(cat.missing, stem)
        available = (await _threaded(cat.profiles, kind, iri) if kind == "dataset" and not cat.site.has_entry(iri)
                     else cat.profiles(kind, iri))   # a dataset's profiles need its entry, read once
        if fixed_profile and fixed_profile not in available:
            raise await _threaded(cat.missing, path)
        media = choose_media(params, headers.get("accept"), RDF_MEDIA + (HTML,), fixed_media)
        profile = choose_profile(params, headers.get("accept-profile"), available, fixed_profile, headers.get("accept"))
        rep = cat.cached((iri, profile, media))
        if rep is None:
            rep = await _threaded(cat.resource, iri, profile, media)
        return self.reply(request, rep)

    def home(self, request: Request, path: str) -> Response:
        """The site's index page for people; machines asking for RDF are sent on to the catalogue."""
        media = choose_media(request.query_params, request.headers.get("accept"), (HTML,) + RDF_MEDIA,
                             HTML if path == "index.html" else None)
        if media == HTML:
            return self.reply(request, self.catalogue.site_file("index.html"))
        query = request.url.query
        return RedirectResponse(self.catalogue.base + "catalog" + (f"?{query}" if query else ""), 303,
                                headers={"Vary": "Accept"})

    async def special(self, request: Request, stem: str, fixed_profile, fixed_media) -> Response:
        cat = self.catalogue
        params, headers = request.query_params, request.headers
        if stem == "catalog":
            media = choose_media(params, headers.get("accept"), RDF_MEDIA + (HTML,), fixed_media)
            profile = choose_profile(params, headers.get("accept-profile"), cat.profiles("catalog"), fixed_profile,
                                     headers.get("accept"))
            path = request.scope["path"].lstrip("/")
            rep = cat.cached(cat.page_key(path, params, profile, media))
            return self.reply(request, rep or await _threaded(cat.catalog_page, path, params, profile, media))
        media = choose_media(params, headers.get("accept"), DUMP_MEDIA, fixed_media)
        profile = choose_profile(params, headers.get("accept-profile"), ("hckg",) + cat.profiles("catalog"),
                                 fixed_profile)
        return self.reply(request, cat.cached(("dump", profile, media)) or await _threaded(cat.dump, profile, media))

    async def health(self, request: Request) -> Response:
        cat = self.catalogue
        body = {"status": "ok", "datasets": len(cat.datasets), "triples": cat.triples,
                "queries": len(self.queries),
                "started": datetime.fromtimestamp(cat.started, timezone.utc).isoformat(timespec="seconds")}
        return Response(json.dumps(body) + "\n", headers={"Cache-Control": "no-store"}, media_type=JSON)

    async def openapi(self, request: Request) -> Response:
        body = json.dumps(api.openapi(list(self.queries.values()), self.catalogue.base), indent=2) + "\n"
        return Response(body, media_type=JSON)

    async def list_queries(self, request: Request) -> Response:
        media = choose_media(request.query_params, request.headers.get("accept"), api.LIST_MEDIA)
        body = api.listing(list(self.queries.values()), media, self.catalogue.base, _root(request))
        return Response(body, headers={"Content-Type": content_type(media), "Vary": "Accept"})

    async def run_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = self.queries.get(name)
        if query is None:
            try:
                stored_query(name)
            except UsageError as exc:
                raise Problem(404, str(exc).replace("run `hckg queries` to list them", "see /queries")) from None
        params = request.query_params
        media = choose_media(params, request.headers.get("accept"), api.offers(query), aliases=api.ROW_ALIASES)
        values = api.parameter_values(query, params)
        key = ("query", name, tuple(sorted(values.items())), media)
        rep = self.catalogue.cached(key)
        if rep is None:
            text = api.bind(query, values)
            root = _root(request)
            store = self.catalogue.store

            def work(stop):
                result = api.answer(store, query, text)
                return api.render(query, result, media, root), len(getattr(result, "rows", ()))

            body, rows = await self.runner.run(work)
            url = f"{self.catalogue.base}queries/{name}"
            rep = self.catalogue.make(key, lambda: (body, media, api.page_links(query, values, rows, url, params),
                                                    {"Vary": "Accept"}))
        return self.reply(request, rep)

    async def sparql(self, request: Request) -> Response:
        """The SPARQL 1.1 Protocol: query by GET, POST form or POST application/sparql-query; never update."""
        params = dict(request.query_params)
        defaults = request.query_params.getlist("default-graph-uri")
        named = request.query_params.getlist("named-graph-uri")
        text = params.get("query")
        if "update" in params:
            raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await _body(request, self.limits.max_request)
            if kind == sparql.UPDATE_MEDIA:
                raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
            if kind == sparql.FORM_MEDIA:
                form = parse_qsl(_text(body), keep_blank_values=True)
                if any(k == "update" for k, _v in form):
                    raise Problem(403, "this endpoint is read-only: SPARQL Update is not accepted")
                params.update({k: v for k, v in form if k in ("query", "format", "output", "_mediatype")})
                defaults += [v for k, v in form if k == "default-graph-uri"]
                named += [v for k, v in form if k == "named-graph-uri"]
                text = params.get("query")
            elif kind == sparql.QUERY_MEDIA:
                text = _text(body)
            else:
                raise Problem(415, f"POST a query as {sparql.QUERY_MEDIA} or as a form "
                                   f"({sparql.FORM_MEDIA}) with a query field, not {kind or 'no content type'}")
        if text is None:
            return self.sparql_service(request)
        query = sparql.prepare(text, defaults, named)
        form = sparql.form_of(query)
        offers, aliases = sparql.offers_for(form)
        asked = params.get("_mediatype") or params.get("format") or params.get("output")
        media = choose_media({"_mediatype": asked} if asked else {}, request.headers.get("accept"), offers,
                             aliases=aliases)
        store, limits, root = self.catalogue.store, self.limits, _root(request)

        def work(stop):
            answer = sparql.evaluate(store, text, query, limits, stop)
            if media != HTML:
                return sparql.write(answer, media)
            table = answer if not isinstance(answer, bool) else Table(["boolean"], [(str(answer).lower(),)])
            return pages.table_page("SPARQL results", "", table, root).encode("utf-8")

        body = await self.runner.run(work)
        return Response(body, headers={"Content-Type": content_type(media), "Vary": "Accept"})

    def sparql_service(self, request: Request) -> Response:
        media = choose_media(request.query_params, request.headers.get("accept"), (HTML,) + RDF_MEDIA)
        if media == HTML:
            return Response(pages.sparql_page(_root(request)), media_type=HTML)
        graph = sparql.service_description(self.catalogue.base + "sparql")
        return Response(render_graph(graph, FORMAT_OF[media]),
                        headers={"Content-Type": content_type(media), "Vary": "Accept"})


async def _threaded(function, *args):
    """Build a representation off the event loop, so one slow page does not hold up the others."""
    return await run_in_threadpool(function, *args)


async def _body(request: Request, cap: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise Problem(413, f"the request body is larger than {cap} bytes; send a shorter query")
        chunks.append(chunk)
    return b"".join(chunks)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(400, f"the request body is not UTF-8 (byte {exc.start})") from None


class Guard:
    """ASGI middleware in front of the routes: drops the base's path prefix and refuses oversized requests
    before they reach a handler (413 for a declared body, 414 for a query string over the cap)."""

    def __init__(self, app, prefix: str, max_request: int):
        self.app = app
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.max_request = max_request

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            path = scope["path"]
            if self.prefix != "/" and (path + "/").startswith(self.prefix):
                scope = {**scope, "path": "/" + path[len(self.prefix):], "hckg.prefixed": self.prefix}
            too_big = None
            if len(scope.get("query_string", b"")) > self.max_request:
                too_big = (414, f"the query string is longer than {self.max_request} bytes; POST the query instead")
            for name, value in scope["headers"]:
                if name == b"content-length" and value.isdigit() and int(value) > self.max_request:
                    too_big = (413, f"the request body is larger than {self.max_request} bytes")
            if too_big:
                status, message = too_big
                response = Response(f"{status} {message}\n", status, media_type="text/plain",
                                    headers={"Connection": "close"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(catalogue: Catalogue, limits: Limits = Limits()):
    """The ASGI application serving ``catalogue``."""
    server = Server(catalogue, limits)

    async def on_problem(request, exc: Problem):
        return server.problem(request, exc)

    async def on_http(request, exc: HTTPException):
        message = {404: "no such page; the catalogue is at /catalog",
                   405: f"{request.method} is not allowed here"}.get(exc.status_code, exc.detail)
        return server.problem(request, Problem(exc.status_code, message, dict(exc.headers or {})))

    routes = [
        Route("/health", server.health),
        Route("/sparql", server.sparql, methods=["GET", "POST"]),
        Route("/queries", server.list_queries),
        Route("/queries/{name}", server.run_query),
        Route("/openapi.json", server.openapi),
        Route("/{path:path}", server.resource),
    ]
    app = Starlette(routes=routes, exception_handlers={Problem: on_problem, HTTPException: on_http})
    return Guard(app, urlsplit(catalogue.base).path or "/", limits.max_request)
