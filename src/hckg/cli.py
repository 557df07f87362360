"""The ``hckg`` command line: a thin face over the library. Only this module prints."""

import sys
from functools import wraps

import click

from hckg import __version__
from hckg.errors import HckgError
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
    from hckg.publish import Credentials
    from hckg.publish import publish as publish_catalogue

    outcome = publish_catalogue(endpoint, paths=list(paths) or None, graph_iri=graph_iri,
                                credentials=Credentials.from_options(user, password, auth_env),
                                method=method, dry_run=dry_run)
    click.echo(outcome.summary())
