"""The ``hckg`` command line: a thin face over the library. Only this module prints."""

import sys
from functools import wraps

import click

from hckg import __version__
from hckg.errors import HckgError

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
@reports_errors
def validate(paths, shapes, fmt):
    """Validate catalogue files or folders (default: data/) against the SHACL shapes.

    \b
    Exit codes: 0 conforms (warnings allowed), 1 violations, 2 input cannot be loaded.
    """
    from hckg.validate import validate as run_validation

    report = run_validation(list(paths) or None, shapes)
    output = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(output, nl=False)
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.option("--data", multiple=True, type=click.Path(path_type=str),
              help="Catalogue files or folders (default: data/). Repeatable.")
@click.option("-f", "--format", "fmt", type=click.Choice(["markdown"]), required=True, help="Export format.")
@click.option("-o", "--output", default="-", show_default=True, help="Output file, or - for stdout.")
@reports_errors
def export(data, fmt, output):
    """Export the catalogue (only --format markdown in this branch)."""
    from hckg.atomic import write_atomic
    from hckg.markdown import export_markdown

    write_atomic(output, export_markdown(data))
