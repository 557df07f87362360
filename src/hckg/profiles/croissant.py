"""MLCommons Croissant 1.0 for the imaging datasets: what an ML user needs to find and cite them.

Croissant describes a dataset's files and record sets. The catalogue knows no file lists (the images
sit behind registration pages), so none are invented: no ``distribution`` is written. What the
catalogue does know is each imaging set's label set; it becomes a Croissant enumeration record set
whose records (label name, concept IRI) are given inline. The Croissant context maps plain strings to
English text, so this profile writes its texts (and URLs, which Croissant keeps as text) in English.
"""

import json

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS, XSD

from hckg.namespaces import CROISSANT as CR
from hckg.namespaces import DCAT
from hckg.namespaces import HCKG, SCHEMA, THEME
from hckg.profiles.base import Field, NodeMap, Profile, Walk

CROISSANT_1_0 = "http://mlcommons.org/croissant/1.0"
IMAGING = THEME["medical-images"]
ROR = "https://ror.org/"


def english(value):
    """Text (and IRIs Croissant keeps as text) as an English literal; booleans stay booleans."""
    if isinstance(value, Literal) and value.datatype == XSD.boolean:
        return value
    return Literal(str(value), lang="en")


NODES = {
    "dataset": NodeMap(
        types=(SCHEMA.Dataset,),
        fields=(
            Field(DCTERMS.title, SCHEMA.name, value=english),
            Field(DCTERMS.description, SCHEMA.description, value=english),
            Field(DCAT.keyword, SCHEMA.keywords, value=english),
            Field(DCAT.version, SCHEMA.version, value=english),
            Field(DCTERMS.issued, SCHEMA.datePublished, value=english),
            Field(DCTERMS.identifier, SCHEMA.identifier, value=english),
            Field(DCTERMS.license, SCHEMA.license, value=english),
            Field(DCTERMS.bibliographicCitation, CR.citeAs, value=english),
            Field(DCTERMS.publisher, SCHEMA.publisher, node="agent"),
            Field(DCTERMS.creator, SCHEMA.creator, node="agent"),
            Field(SCHEMA.isAccessibleForFree, SCHEMA.isAccessibleForFree),
            Field(HCKG.labelScheme, CR.recordSet, node="labels"),
        ),
    ),
    "agent": NodeMap(
        classes={FOAF.Organization: SCHEMA.Organization, FOAF.Person: SCHEMA.Person},
        fields=(
            Field(FOAF.name, SCHEMA.name, value=english),
            Field(FOAF.homepage, SCHEMA.url, value=english),
            Field(OWL.sameAs, SCHEMA.sameAs, value=english),
        ),
    ),
    "labels": NodeMap(
        types=(CR.RecordSet,),
        fields=(Field(SKOS.definition, SCHEMA.description, value=english),),
    ),
}


class CroissantProfile(Profile):
    name = "croissant"
    summary = "MLCommons Croissant 1.0, for the imaging datasets (theme medical-images)"
    nodes = NODES
    prefixes = {"sc": SCHEMA, "cr": CR}
    context_name = "croissant"
    reference_only = frozenset({CR.key})
    catalog_kind = None

    def select(self, source, datasets):
        return [d for d in datasets if (d, DCAT.theme, IMAGING) in source]

    def derive(self, walk: Walk, kind, node) -> None:
        source = walk.source
        if kind == "dataset":
            walk.emit(node, DCTERMS.conformsTo, english(CROISSANT_1_0))
            pages = sorted(source.objects(node, DCAT.landingPage))
            if pages:
                walk.emit(node, SCHEMA.url, english(pages[0]))
            for period in source.objects(node, DCTERMS.temporal):
                start, end = source.value(period, DCAT.startDate), source.value(period, DCAT.endDate)
                walk.emit(node, SCHEMA.temporalCoverage,
                          english(f"{start if start is not None else '..'}/{end if end is not None else '..'}"))
        elif kind == "agent" and str(node).startswith(ROR):
            walk.emit(node, SCHEMA.sameAs, english(node))
        elif kind == "labels":
            self.label_record_set(walk, node)

    @staticmethod
    def label_record_set(walk: Walk, scheme: URIRef) -> None:
        """The label set as an enumeration: one record (name, concept IRI) per label, given inline."""
        source = walk.source
        name_field, concept_field = URIRef(f"{scheme}#name"), URIRef(f"{scheme}#concept")
        walk.emit(scheme, SCHEMA.name, english("labels"))
        walk.emit(scheme, CR.dataType, SCHEMA.Enumeration)
        walk.emit(scheme, CR.key, name_field)
        for fld, name, datatype, description in (
                (name_field, "name", SCHEMA.Text, "The label as the dataset writes it."),
                (concept_field, "concept", SCHEMA.URL, "The label's SKOS concept, with its mappings to MeSH, "
                                                       "SNOMED CT, HPO and other vocabularies.")):
            walk.emit(scheme, CR.field, fld)
            walk.emit(fld, RDF.type, CR.Field)
            walk.emit(fld, SCHEMA.name, english(name))
            walk.emit(fld, SCHEMA.description, english(description))
            walk.emit(fld, CR.dataType, datatype)
        records = sorted(({str(name_field): str(source.value(label, SKOS.prefLabel)),
                           str(concept_field): str(label)}
                          for label in source.objects(scheme, SKOS.hasTopConcept)),
                         key=lambda r: r[str(name_field)])
        walk.emit(scheme, CR.data, Literal(json.dumps(records, sort_keys=True, separators=(",", ":"),
                                                      ensure_ascii=False), datatype=RDF.JSON))
