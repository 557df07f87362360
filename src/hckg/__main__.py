from hckg.cli import cli

cli()
