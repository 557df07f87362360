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
