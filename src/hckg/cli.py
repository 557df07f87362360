"""The ``hckg`` command line: a thin face over the library. Only this module prints."""

import os
import sys
from functools import wraps

import click

from hckg import __version__
from hckg.errors import HckgError, UsageError
from hckg.output import FORMAT_NAMES, ROW_FORMATS
from hckg.namespaces import DEFAULT_BASE

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def reports_errors(command):
    """Turn a user-facing HckgError into one line on stderr and its documented exit code."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except HckgError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="hckg")
def cli():
    """hckg: the healthcare knowledge graph.

    Validate, query and export a DCAT / HealthDCAT-AP catalogue of healthcare data sources.
    """


@cli.group(name="import")
def import_():
    """Import catalogue records from other formats."""


@import_.command(name="markdown")
@click.argument("source", type=click.Path(path_type=str))
@click.option("-o", "--output", default="-", show_default=True, metavar="PATH", help="Output file, or - for stdout.")
@click.option("-f", "--format", "fmt", default="turtle", show_default=True, metavar="FORMAT",
              help="RDF format: turtle, ntriples, nquads, jsonld or rdfxml.")
@click.option("--base", metavar="IRI",
              help="Base IRI for the output instead of https://w3id.org/hckg/ (every hckg IRI moves).")
@click.option("--merge", "merge", multiple=True, type=click.Path(path_type=str),
              help="Curated catalogue (file or folder, e.g. data/) to merge with: its facts win, every "
                   "disagreement is reported, and only what the list adds is written. Repeatable.")
@reports_errors
def import_markdown(source, output, fmt, base, merge):
    """Import a Markdown source list (## Category, ### Dataset, - _Field_: value) as catalogue triples.

    Findings go to stderr, one a line: FILE:LINE: [Severity] subject — message. Fixable problems are
    fixed and reported as warnings; an error means nothing is written.

    \b
    Exit codes: 0 imported (warnings allowed), 1 errors in the list, 2 file or options unusable.
    """
    from hckg.atomic import write_atomic
    from hckg.formats import rdf_format
    from hckg.importer import import_markdown as run_import

    rdf = rdf_format(fmt)
    report = run_import(source, base=base, merge=list(merge) or None)
    for finding in report.diagnostics.sorted():
        click.echo(str(finding), err=True)
    click.echo(report.summary(), err=True)
    if not report.ok:
        sys.exit(1)
    write_atomic(output, report.graph.serialize(format=rdf.rdflib).encode("utf-8"))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--shapes", type=click.Path(path_type=str), help="SHACL shapes file or folder (default: the project's shapes/).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="Report format.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: shapes compiled to checks on the parsed triples and SPARQL queries; pyshacl: the reference validator (slow on big catalogues).")
@click.option("--endpoint", metavar="URL", help="Validate the graph published at this SPARQL endpoint instead of files.")
@click.option("--graph", "graph_iri", metavar="IRI", help="With --endpoint: the named graph that holds the catalogue.")
@click.option("--store", "where", type=click.Choice(["auto", "memory", "disk"]), default="auto", show_default=True,
              help="fast engine: parse into memory (checks in Python, SPARQL on a small store), or run every "
                   "check in SPARQL on the on-disk store cached under $HCKG_CACHE_DIR; "
                   "auto: memory when the catalogue fits comfortably.")
@reports_errors
def validate(paths, shapes, fmt, engine, endpoint, graph_iri, where):
    """Validate catalogue files or folders (default: data/) against the SHACL shapes.

    \b
    Exit codes: 0 conforms (warnings allowed), 1 violations, 2 input cannot be loaded or bad options.
    """
    from hckg.progress import terminal_progress
    from hckg.validate import validate as run_validation, validate_endpoint

    progress = terminal_progress()
    if endpoint:
        if paths or engine != "fast":
            raise UsageError("--endpoint validates the published graph: give no PATHS and no --engine pyshacl")
        report = validate_endpoint(endpoint, shapes, graph=graph_iri, progress=progress)
    elif graph_iri:
        raise UsageError("--graph needs --endpoint")
    else:
        report = run_validation(list(paths) or None, shapes, engine=engine, store=where, progress=progress)
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    output = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(output, nl=False)
    sys.exit(0 if report.conforms else 1)


@cli.command("queries")
@click.option("-f", "--format", "fmt", type=click.Choice(ROW_FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--check", is_flag=True, help="Exit 1 when a query file has warnings (e.g. unknown header keys).")
@reports_errors
def list_stored_queries(fmt, check):
    """List the stored queries: name, summary, parameters (type, required, default) and tags.

    \b
    Exit codes: 0 listed, 1 warnings with --check, 2 a query file cannot be read.
    """
    from hckg.queries import list_queries

    text, warnings = list_queries(fmt)
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(text, nl=False)
    sys.exit(1 if check and warnings else 0)


@cli.command("query")
@click.argument("name", required=False)
@click.option("--file", "query_file", metavar="FILE", help="Run the query in FILE instead ('-' reads standard input).")
@click.option("-p", "--param", "params", type=(str, str), multiple=True, metavar="NAME VALUE",
              help="A parameter value (repeatable); see `hckg queries` for each query's parameters.")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL endpoint instead of the embedded store.")
@click.option("--graph", "graphs", multiple=True, metavar="IRI",
              help="With --endpoint: query this named graph as the default graph (repeatable).")
@click.option("--data", "data", multiple=True, metavar="PATH",
              help="Load these catalogue files or folders instead of data/ (repeatable).")
@click.option("--engine", type=click.Choice(["store", "rdflib"]), default="store", show_default=True,
              help="store: pyoxigraph (fast); rdflib: the reference engine (slow on big catalogues).")
@click.option("--store", "where", type=click.Choice(["auto", "memory", "disk"]), default="auto", show_default=True,
              help="store engine: parse into memory, or use the on-disk store cached under $HCKG_CACHE_DIR "
                   "(built on first use); auto: memory below 1 MiB and above 64 MiB of input when it fits, else disk.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMAT_NAMES, case_sensitive=False), metavar="FORMAT",
              help="Rows: table (default), json, ndjson, csv, tsv, markdown. "
                   "Graphs: turtle (default), jsonld, ntriples, nquads, rdfxml.")
@click.option("-o", "--output", default="-", show_default=True, metavar="PATH",
              help="Write the result here (atomically); '-' is standard output.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30, show_default=True,
              metavar="SECONDS",
              help="Seconds to wait for a remote endpoint.")
@click.option("--retries", type=click.IntRange(min=0), default=2, show_default=True, metavar="N",
              help="Retries after transient remote failures (connection errors, HTTP 429/502/503/504).")
@reports_errors
def run_query(name, query_file, params, endpoint, graphs, data, engine, where, fmt, output, timeout, retries):
    """Run the stored query NAME (or --file FILE) on the catalogue or a SPARQL endpoint.

    \b
    Example:
      hckg query datasets-by-label -p label Pneumothorax --format csv

    \b
    Exit codes: 0 answered, 1 the endpoint or store failed,
    2 bad parameter, option or query file.
    """
    from hckg.atomic import write_atomic
    from hckg.progress import terminal_progress
    from hckg.queries import answer

    result = answer(name, file=query_file, params=params, fmt=fmt.lower() if fmt else None, endpoint=endpoint,
                    data=data, graphs=graphs, timeout=timeout, retries=retries, engine=engine, where=where,
                    progress=terminal_progress())
    write_atomic(output, result.text.encode("utf-8"))
    if result.note:
        click.echo(f"Note: {result.note}", err=True)


def data_option(command):
    """``--data PATH`` (repeatable): the catalogue files or folders to read (default: data/)."""
    return click.option("--data", "data", multiple=True, type=click.Path(path_type=str), metavar="PATH",
                        help="Catalogue file or folder, repeatable (default: the project's data/).")(command)


def health_namespace_option(command):
    from hckg.profiles import DEFAULT_NAMESPACE

    return click.option("--healthdcat-namespace", "health_namespace", default=DEFAULT_NAMESPACE, show_default=True,
                        envvar="HCKG_HEALTHDCAT_NAMESPACE", metavar="IRI",
                        help="Namespace of the HealthDCAT-AP terms (not final upstream); "
                             "env HCKG_HEALTHDCAT_NAMESPACE.")(command)


@cli.command()
@data_option
@click.option("-f", "--format", "fmt", metavar="FORMAT",
              help="jsonld, turtle, ntriples, rdfxml, nquads, or markdown (the source-list format; no profile) "
                   "(default: from the -o suffix, else jsonld).")
@click.option("--profile", default="dcat-ap", show_default=True,
              help="dcat-ap, healthdcat-ap, schemaorg or croissant.")
@click.option("--dataset", "datasets", multiple=True, metavar="ID",
              help="Export only this dataset (short name like chexpert, or its IRI); repeatable.")
@click.option("--context", metavar="URL", help="JSON-LD: cite this context URL instead of embedding the context.")
@health_namespace_option
@click.option("--base", default=DEFAULT_BASE, show_default=True, metavar="IRI",
              help="Publish the catalogue's IRIs under this base instead (the ontology's terms keep theirs).")
@click.option("-o", "--output", default="-", show_default=True, metavar="PATH", help="Output file; - is stdout.")
@click.option("--store", "where", type=click.Choice(["auto", "memory", "disk"]), default="auto", show_default=True,
              help="JSON-LD: parse into memory, or use the on-disk store cached under $HCKG_CACHE_DIR; "
                   "auto: memory when the catalogue fits comfortably.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="JSON-LD: processes rendering batches of datasets; 0: one per CPU (fewer with an "
                   "in-memory store when memory is short: each worker may copy the store).")
@reports_errors
def export(data, fmt, profile, datasets, context, health_namespace, base, output, where, workers):
    """Export the catalogue (or some datasets) in a profile and an RDF format.

    \b
    Profiles: dcat-ap (data.europa.eu, CKAN), healthdcat-ap (HealthData@EU),
    schemaorg (Google Dataset Search), croissant (ML users; imaging datasets).
    JSON-LD is framed: one object per dataset, its parts nested, keys from hckg's context;
    it is read from the embedded store and written in batches, so big catalogues export fast.
    Output is deterministic and written atomically.
    Exit codes: 0 written, 1 the catalogue cannot be exported, 2 bad option or unreadable input.
    """
    from hckg.export import save, write_export
    from hckg.formats import format_for_output
    from hckg.progress import terminal_progress

    if (fmt or "").lower() == "markdown" or (fmt is None and output.endswith(".md")):
        from hckg.errors import UsageError
        from hckg.markdown import export_markdown

        if datasets or profile != "dcat-ap":
            raise UsageError("--dataset and --profile do not apply to --format markdown, which writes the whole list")
        return save(output, export_markdown(data))
    fmt = format_for_output(fmt, output).name
    write_export(output, data, profile=profile, fmt=fmt, datasets=datasets, context=context,
                 health_namespace=health_namespace, base=base, store=where, workers=workers,
                 progress=terminal_progress())


@cli.command()
@click.argument("outdir", type=click.Path(path_type=str))
@data_option
@click.option("--base-url", default="https://w3id.org/hckg/", show_default=True, metavar="URL",
              help="Where the site will be served (absolute links in sitemap.xml and Signposting).")
@health_namespace_option
@reports_errors
def site(outdir, data, base_url, health_namespace):
    """Build a static site in OUTDIR: index, one landing page per dataset, renditions, sitemap.

    \b
    Landing pages embed schema.org JSON-LD (Google Dataset Search) and FAIR Signposting links;
    Turtle, DCAT-AP and HealthDCAT-AP JSON-LD (and Croissant for imaging sets) sit beside them.
    Exit codes: 0 built, 1 the catalogue cannot be published, 2 bad option or unreadable input.
    """
    from hckg.site import build_site

    files = build_site(outdir, data, base_url=base_url, health_namespace=health_namespace)
    click.echo(f"Wrote {len(files)} files to {outdir}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--endpoint", required=True, metavar="URL",
              help="SPARQL endpoint of the store: http://HOST:8890/sparql (Virtuoso), http://HOST:7878/query "
                   "(Oxigraph), or a URL serving query, update and Graph Store alike.")
@click.option("--graph", "graph_iri", default=DEFAULT_BASE + "catalog", show_default=True, metavar="IRI",
              help="The named graph to replace.")
@click.option("--user", metavar="U", help="User name for digest or basic auth.")
@click.option("--password", metavar="P", help="Password for --user (visible to other local users; prefer --auth-env).")
@click.option("--auth-env", metavar="VAR", help="Environment variable holding USER:PASSWORD.")
@click.option("--method", type=click.Choice(["gsp", "update"]),
              help="gsp: Graph Store PUT; update: SPARQL Update in chunks. "
                   "Default: gsp, falling back to update when the server has no Graph Store endpoint.")
@click.option("--dry-run", is_flag=True, help="Read the store's state and say what would be done; write nothing.")
@reports_errors
def publish(paths, endpoint, graph_iri, user, password, auth_env, method, dry_run):
    """Replace a named graph in a triplestore with the catalogue (default: data/), atomically for readers.

    The catalogue is loaded into a staging graph, its triple count checked, then moved over the
    published graph in one SPARQL Update request that also records its content hash. Publishing an
    unchanged catalogue sends nothing. On any failure the published graph is left as it was.

    \b
    Exit codes: 0 published or unchanged, 1 the store failed or refused, 2 bad option or input.
    """
    from hckg.progress import terminal_progress
    from hckg.publish import Credentials
    from hckg.publish import publish as publish_catalogue

    outcome = publish_catalogue(endpoint, paths=list(paths) or None, graph_iri=graph_iri,
                                credentials=Credentials.from_options(user, password, auth_env),
                                method=method, dry_run=dry_run, progress=terminal_progress())
    click.echo(outcome.summary())


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--base", metavar="IRI", default=DEFAULT_BASE, show_default=True,
              help="Where the catalogue's namespace is served: links the server writes start here "
                   "(e.g. http://127.0.0.1:8000/ locally, or the public URL behind a proxy or a sub-path).")
@data_option
@click.option("--sparql-timeout", type=click.FloatRange(min=0, min_open=True), default=10, show_default=True,
              metavar="SECONDS", help="Stop a SPARQL or stored query after this long (503).")
@click.option("--max-results", type=click.IntRange(min=1), default=10_000, show_default=True, metavar="N",
              help="Refuse answers with more rows (or triples) than this (422).")
@click.option("--max-request", type=click.IntRange(min=1024), default=64 * 1024, show_default=True, metavar="BYTES",
              help="Refuse request bodies and query strings larger than this (413/414).")
@click.option("--max-queries", type=click.IntRange(min=1), default=2, show_default=True, metavar="N",
              help="Queries evaluated at once; more get 503 with Retry-After.")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@click.option("--store", "where", type=click.Choice(["auto", "memory", "disk"]), default="auto", show_default=True,
              help="Read the catalogue from an in-memory store (parsed at each start; stored queries about "
                   "three times faster), or from the on-disk store cached under $HCKG_CACHE_DIR (built on "
                   "first use, then opened in seconds); auto: memory when the catalogue fits comfortably.")
@health_namespace_option
@reports_errors
def serve(host, port, base, data, sparql_timeout, max_results, max_request, max_queries, access_log, where,
          health_namespace):
    """Serve the catalogue as linked data: dereferenceable IRIs, Hydra paging, SPARQL, stored queries.

    \b
    Every IRI under the namespace answers in HTML, Turtle, JSON-LD, RDF/XML or N-Triples
    (Accept, .ttl/.jsonld/… or ?_mediatype=) and in the DCAT-AP, HealthDCAT-AP or schema.org
    profile (Accept-Profile or ?_profile=). /catalog pages for harvesters, /sparql, /queries,
    /openapi.json, /health.
    Exit codes: 0 stopped, 1 the catalogue cannot be served, 2 bad option or unreadable input.
    """
    from hckg.progress import terminal_progress
    from hckg.serve import prepare
    from hckg.serve.sparql import Limits

    limits = Limits(timeout=sparql_timeout, max_results=max_results, max_request=max_request,
                    max_running=max_queries)
    server = prepare(host, port, base=base, data=data, limits=limits, health_namespace=health_namespace,
                     access_log=access_log, store=where, progress=terminal_progress())
    click.echo(f"Serving {server.datasets} datasets at {server.url} (base {base}); Ctrl-C stops", err=True)
    server.run()


def main() -> None:
    """The ``hckg`` program: run the command line, then end the process at once, leaving what the command
    loaded to the operating system. Freeing it object by object is slow for big catalogues (5.2 s after
    exporting 100k datasets, whose 5.4 M parsed triples are Python objects), and nothing is left to do:
    outputs are complete (written atomically) before a command returns."""
    try:
        cli.main(prog_name="hckg")
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):   # sys.exit("message"), as Python reports it
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:   # a reader that went away (hckg … | head) has all it wanted
            pass
    os._exit(code or 0)
