"""schema.org ``Dataset`` for Google Dataset Search, as embedded in the landing pages.

Written against the context ``https://schema.org/`` (terms in http://schema.org/, as that context maps
them). Follows Google's rules: name; description of 50–5000 characters (longer ones are cut at a word,
shorter ones are an error); url (the landing page); identifier (the DOI); license as a URL;
creator / publisher / funder typed Organization or Person, with ``sameAs`` their ROR (and Wikidata) IRIs;
temporalCoverage as an ISO 8601 interval (``2001/2012``, open end ``1963/..``); isAccessibleForFree;
keywords; distribution as DataDownload with contentUrl and encodingFormat only where a file can be
downloaded; includedInDataCatalog; citation; variableMeasured for the label set.
"""

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, SKOS, XSD

from hckg.errors import HckgError
from hckg.jsonld import SCHEMA_ORG
from hckg.namespaces import DCAT
from hckg.namespaces import HCKG, SCHEMA, SDO
from hckg.profiles.base import Field, NodeMap, Profile, Walk

ROR = "https://ror.org/"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
DESCRIPTION_MIN, DESCRIPTION_MAX = 50, 5000


def plain(value):
    """schema.org text has no language tag or XSD type: keep the lexical form (booleans and numbers excepted)."""
    if isinstance(value, Literal) and value.datatype not in (XSD.boolean, XSD.integer):
        return Literal(str(value))
    return value


def media_type(value):
    """An IANA media-type IRI as the plain MIME type Google expects (``image/png``)."""
    text = str(value)
    return Literal(text[len(IANA_MEDIA_TYPES):] if text.startswith(IANA_MEDIA_TYPES) else text)


NODES = {
    "dataset": NodeMap(
        types=(SDO.Dataset,),
        fields=(
            Field(DCTERMS.title, SDO.name, value=plain),
            Field(DCAT.keyword, SDO.keywords, value=plain),
            Field(DCAT.version, SDO.version, value=plain),
            Field(DCTERMS.issued, SDO.datePublished, value=plain),
            Field(DCTERMS.modified, SDO.dateModified, value=plain),
            Field(DCTERMS.identifier, SDO.identifier, value=plain),
            Field(DCTERMS.license, SDO.license),
            Field(DCTERMS.publisher, SDO.publisher, node="agent"),
            Field(DCTERMS.creator, SDO.creator, node="agent"),
            Field(SCHEMA.funder, SDO.funder, node="agent"),
            Field(SCHEMA.isAccessibleForFree, SDO.isAccessibleForFree),
            Field(DCTERMS.spatial, SDO.spatialCoverage, node="place"),
            Field(DCTERMS.isReferencedBy, SDO.citation, node="work"),
            Field(DCAT.inSeries, SDO.isPartOf),
            Field(DCAT.distribution, SDO.distribution, node="download"),
        ),
    ),
    "agent": NodeMap(
        classes={FOAF.Organization: SDO.Organization, FOAF.Person: SDO.Person},
        fields=(
            Field(FOAF.name, SDO.name, value=plain),
            Field(FOAF.homepage, SDO.url),
            Field(OWL.sameAs, SDO.sameAs),
            Field(ORG.subOrganizationOf, SDO.parentOrganization, node="agent"),
        ),
    ),
    "place": NodeMap(types=(SDO.Place,), fields=(Field(SKOS.prefLabel, SDO.name, value=plain),), vocabulary=True),
    "work": NodeMap(types=(SDO.CreativeWork,), fields=(Field(DCTERMS.title, SDO.name, value=plain),)),
    "variable": NodeMap(
        types=(SDO.PropertyValue,),
        fields=(
            Field(SKOS.prefLabel, SDO.name, value=plain),
            Field(SKOS.altLabel, SDO.alternateName, value=plain),
            Field(SKOS.definition, SDO.description, value=plain),
            Field(SKOS.scopeNote, SDO.description, value=plain),
            Field(SKOS.exactMatch, SDO.sameAs),
        ),
    ),
    "catalog": NodeMap(
        types=(SDO.DataCatalog,),
        fields=(Field(DCTERMS.title, SDO.name, value=plain), Field(FOAF.homepage, SDO.url)),
    ),
    "download": NodeMap(
        types=(SDO.DataDownload,),
        fields=(
            Field(DCTERMS.title, SDO.name, value=plain),
            Field(DCAT.downloadURL, SDO.contentUrl),
            Field(DCAT.mediaType, SDO.encodingFormat, value=media_type),
        ),
    ),
}


class SchemaOrgProfile(Profile):
    name = "schemaorg"
    summary = "schema.org Dataset for Google Dataset Search"
    nodes = NODES
    prefixes = {"schema": SDO}
    context_name = "schemaorg"
    context_reference = SCHEMA_ORG
    # URLs are written as URL strings (and links to other datasets as references), never as nested objects
    reference_only = frozenset({SDO.url, SDO.sameAs, SDO.license, SDO.contentUrl, SDO.isPartOf, SDO.hasPart})
    catalog_kind = None   # the catalogue is nested in every dataset as includedInDataCatalog

    def keep(self, walk: Walk, kind, node, fld, value) -> bool:
        # a DataDownload needs a file to download: only distributions with a downloadURL qualify
        if fld.source == DCAT.distribution:
            return (value, DCAT.downloadURL, None) in walk.source
        return True

    def derive(self, walk: Walk, kind, node) -> None:
        source = walk.source
        if kind == "agent":
            if str(node).startswith(ROR):
                walk.emit(node, SDO.sameAs, node)
            # Google wants every agent typed: an agent that is neither is taken as an organisation
            if (node, RDF.type, FOAF.Person) not in source and (node, RDF.type, FOAF.Organization) not in source:
                walk.emit(node, RDF.type, SDO.Organization)
        elif kind == "download":
            if (node, DCAT.mediaType, None) not in source:
                for fmt in source.objects(node, DCTERMS.format):
                    label = self.vocabularies.label(fmt)
                    if label:
                        walk.emit(node, SDO.encodingFormat, Literal(label))
        elif kind == "dataset":
            self.derive_dataset(walk, node)

    def derive_dataset(self, walk: Walk, dataset: URIRef) -> None:
        source = walk.source
        walk.emit(dataset, SDO.description, Literal(self.description(source, dataset)))
        pages = sorted(source.objects(dataset, DCAT.landingPage))
        if pages:
            walk.emit(dataset, SDO.url, pages[0])
        # DCAT-AP puts licences on distributions; Google wants the dataset's
        if (dataset, DCTERMS.license, None) not in source:
            for distribution in source.objects(dataset, DCAT.distribution):
                for licence in source.objects(distribution, DCTERMS.license):
                    walk.emit(dataset, SDO.license, licence)
        for period in source.objects(dataset, DCTERMS.temporal):
            coverage = temporal_coverage(source, period)
            if coverage:
                walk.emit(dataset, SDO.temporalCoverage, Literal(coverage))
        for catalog in source.subjects(DCAT.dataset, dataset):
            walk.emit(dataset, SDO.includedInDataCatalog, catalog)
            walk.follow("catalog", catalog)
        for member in source.subjects(DCAT.inSeries, dataset):
            walk.emit(dataset, SDO.hasPart, member)
        for scheme in source.objects(dataset, HCKG.labelScheme):
            for label in source.objects(scheme, SKOS.hasTopConcept):
                walk.emit(dataset, SDO.variableMeasured, label)
                walk.follow("variable", label)
        steps = sorted(str(source.value(r, SKOS.prefLabel) or "") for r in source.objects(dataset, HCKG.accessRequirement))
        if steps:
            walk.emit(dataset, SDO.conditionsOfAccess,
                      Literal("Access requires: " + "; ".join(s[:1].lower() + s[1:] for s in steps if s) + "."))

    @staticmethod
    def description(source, dataset: URIRef) -> str:
        """The dataset's description within Google's 50–5000 characters; too short is an error."""
        texts = sorted(str(d) for d in source.objects(dataset, DCTERMS.description))
        text = texts[0] if texts else ""
        if len(text) < DESCRIPTION_MIN:
            raise HckgError(f"{dataset}: dct:description has {len(text)} characters; Google Dataset Search "
                            f"needs {DESCRIPTION_MIN}-{DESCRIPTION_MAX}: write a longer description in data/")
        if len(text) > DESCRIPTION_MAX:
            text = text[:DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"
        return text


def temporal_coverage(source, period) -> str | None:
    """A dct:PeriodOfTime as an ISO 8601 interval: ``start/end``, ``start/..`` when open, ``../end``."""
    start = source.value(period, DCAT.startDate)
    end = source.value(period, DCAT.endDate)
    if start is None and end is None:
        return None
    return f"{start if start is not None else '..'}/{end if end is not None else '..'}"
