"""The ``hckg`` command line: a thin face over the library. Only this module prints."""

import sys
from functools import wraps

import click

from hckg import __version__
from hckg.errors import HckgError, UsageError

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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--shapes", type=click.Path(path_type=str), help="SHACL shapes file or folder (default: the project's shapes/).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="Report format.")
@click.option("--engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="fast: shapes compiled to SPARQL on the embedded store; pyshacl: the reference validator (slow on big catalogues).")
@click.option("--endpoint", metavar="URL", help="Validate the graph published at this SPARQL endpoint instead of files.")
@click.option("--graph", "graph_iri", metavar="IRI", help="With --endpoint: the named graph that holds the catalogue.")
@click.option("--store", "where", type=click.Choice(["auto", "memory", "disk"]), default="auto", show_default=True,
              help="fast engine: parse into memory, or use the on-disk store cached under $HCKG_CACHE_DIR; "
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
