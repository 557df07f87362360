"""The HTML pages the static site has no counterpart for: a resource's description (agents, concepts,
schemes, the ontology …), stored-query results and listings, the SPARQL form and error pages. They use
the site's page frame, so they look and read like the site's pages."""

from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from hckg.output import Table, cell_text
from hckg.site import html_page

LABELS = (SKOS.prefLabel, FOAF.name, DCTERMS.title, RDFS.label)


def label(graph: Graph, node) -> str:
    for predicate in LABELS:
        values = sorted(str(v) for v in graph.objects(node, predicate))
        if values:
            return values[0]
    return str(node).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _href(iri: str, namespace: str, root: str) -> str:
    """A link to ``iri``: relative when this server serves it, so it works under any base."""
    if iri.startswith(namespace):
        return root + iri[len(namespace):]
    return iri


def _value(graph: Graph, value, namespace: str, root: str, depth: int = 0) -> str:
    if isinstance(value, Literal):
        lang = f" <small>@{escape(value.language)}</small>" if value.language else ""
        return escape(str(value)) + lang
    if isinstance(value, BNode):
        return _facts(graph, value, namespace, root, depth + 1) if depth < 4 else "…"
    text = label(graph, value) if (value, None, None) in graph else str(value)
    return f"<a href=\"{escape(_href(str(value), namespace, root))}\">{escape(text)}</a>"


def _facts(graph: Graph, node, namespace: str, root: str, depth: int = 0) -> str:
    rows = []
    for predicate in sorted(set(graph.predicates(node))):
        name = graph.namespace_manager.normalizeUri(predicate)
        values = sorted(graph.objects(node, predicate), key=lambda v: (type(v).__name__, str(v)))
        rows.append(f"<dt>{escape(name)}</dt>"
                    + "".join(f"<dd>{_value(graph, v, namespace, root, depth)}</dd>" for v in values))
    return "<dl>" + "".join(rows) + "</dl>"


def resource_page(description, iri: URIRef, path: str, namespace: str) -> str:
    """A resource of the catalogue as a page: what the catalogue says about it (and, for a scheme or the
    ontology, about its concepts or terms)."""
    graph = description.graph
    root = "../" * path.count("/")
    title = label(graph, iri)
    body = [f"<h1>{escape(title)}</h1>", f"<p><code>{escape(str(iri))}</code></p>", _facts(graph, iri, namespace, root)]
    for node in description.roots[1:]:
        anchor = str(node).rsplit("#", 1)[-1] if "#" in str(node) else str(node).rsplit("/", 1)[-1]
        body += [f"<h2 id=\"{escape(anchor)}\">{escape(label(graph, node))}</h2>",
                 f"<p><code>{escape(str(node))}</code></p>", _facts(graph, node, namespace, root)]
    alternates = [f"<li><a href=\"{escape(path.rsplit('/', 1)[-1])}.{ext}\">{name}</a></li>"
                  for ext, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"), ("nt", "N-Triples"))]
    body += ["<h2>Machine-readable descriptions</h2>", "<ul>", *alternates, "</ul>"]
    description_text = ", ".join(sorted(str(v) for v in graph.objects(iri, DCTERMS.description))) or title
    return html_page(f"{title} — hckg", description_text, "", "\n".join(body) + "\n", root)


def table_page(title: str, summary: str, table: Table, root: str, notes: list[str] = ()) -> str:
    """Rows of a stored query as an HTML table; IRIs are links."""
    def cell(value) -> str:
        text = cell_text(value)
        return (f"<a href=\"{escape(text)}\">{escape(text)}</a>" if isinstance(value, URIRef)
                else escape(text))

    body = [f"<h1>{escape(title)}</h1>", f"<p>{escape(summary)}</p>", *[f"<p>{n}</p>" for n in notes],
            f"<table><caption>{len(table.rows)} rows</caption><thead><tr>"
            + "".join(f"<th scope=\"col\">{escape(c)}</th>" for c in table.columns) + "</tr></thead><tbody>"]
    body += ["<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in table.rows]
    body.append("</tbody></table>")
    return html_page(title, summary, "", "\n".join(body) + "\n", root)


def queries_page(queries, root: str) -> str:
    """The stored queries: what each asks and its parameters, linked to its results."""
    body = ["<h1>Stored queries</h1>",
            "<p>Each query runs on the catalogue; give its parameters in the query string "
            "(<code>?label=Pneumothorax</code>). The API is described at <a href=\"openapi.json\">openapi.json</a>; "
            "ask anything else at the <a href=\"sparql\">SPARQL endpoint</a>.</p>",
            "<table><thead><tr><th scope=\"col\">Query</th><th scope=\"col\">What it answers</th>"
            "<th scope=\"col\">Parameters</th></tr></thead><tbody>"]
    for q in queries:
        params = "<br>".join(escape(p.describe()) for p in q.parameters)
        body.append(f"<tr><td><a href=\"queries/{escape(q.name)}\">{escape(q.name)}</a></td>"
                    f"<td>{escape(q.summary)}</td><td>{params}</td></tr>")
    body.append("</tbody></table>")
    return html_page("Stored queries — hckg", "The catalogue's stored SPARQL queries", "", "\n".join(body) + "\n", root)


def sparql_page(root: str) -> str:
    """The SPARQL endpoint's page: a form that sends a query."""
    example = ("PREFIX dcat: <http://www.w3.org/ns/dcat#>\nPREFIX dct: <http://purl.org/dc/terms/>\n"
               "SELECT ?dataset ?title WHERE { ?dataset a dcat:Dataset ; dct:title ?title } ORDER BY ?title")
    body = ["<h1>SPARQL endpoint</h1>",
            "<p>A read-only SPARQL 1.1 Protocol endpoint over the catalogue: GET or POST a <code>query</code>. "
            "Results come as SPARQL JSON, XML, CSV or TSV, graphs as Turtle, JSON-LD, RDF/XML or N-Triples.</p>",
            "<form method=\"post\" action=\"sparql\"><p><label for=\"query\">Query</label></p>",
            f"<p><textarea id=\"query\" name=\"query\" rows=\"10\" cols=\"80\">{escape(example)}</textarea></p>",
            "<p><button type=\"submit\">Run</button></p></form>"]
    return html_page("SPARQL — hckg", "SPARQL endpoint of the catalogue", "", "\n".join(body) + "\n", root)


def error_page(status: int, message: str, root: str) -> str:
    return html_page(f"{status} — hckg", message, "", f"<h1>{status}</h1>\n<p>{escape(message)}</p>\n", root)
