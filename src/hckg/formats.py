"""RDF serialisation formats: one table of names, rdflib plugin names, media types and suffixes."""

from dataclasses import dataclass

from hckg.errors import UsageError


@dataclass(frozen=True)
class RdfFormat:
    name: str          # what users type (--format)
    rdflib: str        # rdflib serializer/parser name
    media_type: str
    suffix: str


RDF_FORMATS = {
    f.name: f
    for f in (
        RdfFormat("turtle", "turtle", "text/turtle", ".ttl"),
        RdfFormat("ntriples", "nt", "application/n-triples", ".nt"),
        RdfFormat("nquads", "nquads", "application/n-quads", ".nq"),
        RdfFormat("jsonld", "json-ld", "application/ld+json", ".jsonld"),
        RdfFormat("rdfxml", "pretty-xml", "application/rdf+xml", ".rdf"),
    )
}

ALIASES = {"ttl": "turtle", "nt": "ntriples", "json-ld": "jsonld", "xml": "rdfxml", "nq": "nquads"}


def rdf_format(name: str) -> RdfFormat:
    """Look a format up by name or alias; an unknown name is a UsageError listing the choices."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in RDF_FORMATS:
        raise UsageError(f"unknown RDF format '{name}'; use one of {', '.join(RDF_FORMATS)}")
    return RDF_FORMATS[key]


def format_for_output(name: str | None, output: str, default: str = "jsonld") -> RdfFormat:
    """The format asked for, else the one the output file's suffix names, else ``default``."""
    if name:
        return rdf_format(name)
    suffix = output.rsplit(".", 1)[-1].lower() if "." in output.rsplit("/", 1)[-1] else ""
    by_suffix = {f.suffix[1:]: f for f in RDF_FORMATS.values()}
    return by_suffix.get(suffix) or rdf_format(default)
