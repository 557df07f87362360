"""The one renderer: rows as table, JSON, NDJSON, CSV, TSV or Markdown; graphs in an RDF format."""

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from rdflib import BNode, Graph, Literal
from rdflib.namespace import XSD

from hckg.errors import UsageError
from hckg.formats import ALIASES, RDF_FORMATS, rdf_format
from hckg.namespaces import bind_prefixes

ROW_FORMATS = ("table", "json", "ndjson", "csv", "tsv", "markdown")
GRAPH_FORMATS = tuple(RDF_FORMATS)
FORMAT_NAMES = ROW_FORMATS + GRAPH_FORMATS + tuple(ALIASES)

NUMERIC = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
           XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt,
           XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte, XSD.decimal, XSD.double, XSD.float}


@dataclass
class Table:
    """Rows of a result: column names and one tuple of cells per row (None where unbound)."""

    columns: list[str]
    rows: list[tuple]


def cell_text(cell) -> str:
    """A cell as plain text: IRIs and literals by their string, blank nodes as ``_:id``."""
    if cell is None:
        return ""
    if isinstance(cell, BNode):
        return cell.n3()
    return str(cell)


def cell_json(cell):
    """A cell as a JSON value: numbers and booleans typed, everything else text."""
    if isinstance(cell, Literal) and not cell.ill_typed:
        if cell.datatype in NUMERIC:
            value = cell.toPython()
            return float(value) if isinstance(value, Decimal) else value
        if cell.datatype == XSD.boolean:
            return cell.toPython()
    if cell is None or isinstance(cell, (bool, int, float)):
        return cell
    return cell_text(cell)


def _records(table: Table) -> list[dict]:
    return [{c: cell_json(v) for c, v in zip(table.columns, row)} for row in table.rows]


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")) if "\n" in text else text


def _plain_table(table: Table) -> str:
    cells = [[_one_line(cell_text(v)) for v in row] for row in table.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _markdown(table: Table) -> str:
    def cell(value) -> str:
        return _one_line(cell_text(value)).replace("|", "\\|")

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "|".join("---" for _ in table.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def _delimited(table: Table, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([cell_text(v) for v in row] for row in table.rows)
    return buffer.getvalue()


def render_table(table: Table, fmt: str = "table") -> str:
    """Render rows in one of ROW_FORMATS."""
    if fmt == "table":
        return _plain_table(table)
    if fmt == "json":
        return json.dumps(_records(table), indent=2, ensure_ascii=False) + "\n"
    if fmt == "ndjson":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records(table))
    if fmt == "csv":
        return _delimited(table, ",")
    if fmt == "tsv":
        return _delimited(table, "\t")
    if fmt == "markdown":
        return _markdown(table)
    raise UsageError(f"unknown row format '{fmt}'; use one of {', '.join(ROW_FORMATS)}")


def render_graph(graph: Graph, fmt: str = "turtle") -> str:
    """Serialise a graph in an RDF format named in hckg.formats, with the catalogue's prefixes."""
    return bind_prefixes(graph).serialize(format=rdf_format(fmt).rdflib)


def render(result: Table | Graph, fmt: str | None = None) -> str:
    """Render a query result: rows default to a table, graphs to Turtle; a mismatched format is a UsageError."""
    check_format(isinstance(result, Graph), fmt)
    if isinstance(result, Graph):
        return render_graph(result, fmt or "turtle")
    return render_table(result, fmt or "table")


def check_format(graph: bool, fmt: str | None) -> None:
    """Refuse a row format for a graph result and an RDF format for rows, naming the right ones."""
    if fmt is None:
        return
    is_rdf = fmt.lower() in RDF_FORMATS or fmt.lower() in ALIASES
    if graph and not is_rdf:
        raise UsageError(f"--format {fmt}: this query returns a graph (CONSTRUCT/DESCRIBE); "
                         f"use one of {', '.join(GRAPH_FORMATS)}")
    if not graph and fmt not in ROW_FORMATS:
        raise UsageError(f"--format {fmt}: this query returns rows; use one of {', '.join(ROW_FORMATS)}")
