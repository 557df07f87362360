"""DCAT-AP 3.0.1: the profile data.europa.eu and other CKAN / piveau harvesters read.

Keeps the DCAT-AP (and DCAT 3 versioning) properties of the catalogue and drops the rest: hckg's own
terms, schema.org, HealthDCAT-AP, provenance citations in dct:source. It states the range classes the
DCAT-AP range shapes check (foaf:Document, dct:Location, dct:LicenseDocument, dct:RightsStatement,
dct:MediaTypeOrExtent, dct:LinguisticSystem …) and gives each controlled value its label and scheme
from the vocabulary extracts, so an export validates on its own. The one hckg term kept is
hckg:labelScheme with its SKOS labels: harvesters ignore it, and it carries the label mappings.
"""

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from hckg.namespaces import ADMS, DCAT, DCATAP, HCKG, ODRL, SPDX, VCARD
from hckg.profiles.base import Field, NodeMap, Profile, Walk

DCAT = DCAT
# the terms the keep hook compares with, made once (it runs for every value the catalogue lists)
_LISTED_DATASET, _RECORD, _PRIMARY_TOPIC = DCAT.dataset, DCAT.record, FOAF.primaryTopic

# node kinds every DCAT-AP rendition shares -------------------------------------------------------
_CONCEPT = NodeMap(
    classes={SKOS.Concept: SKOS.Concept},
    fields=(Field(SKOS.prefLabel), Field(SKOS.inScheme)),
    vocabulary=True,
)

_SCHEME = NodeMap(
    classes={SKOS.ConceptScheme: SKOS.ConceptScheme},
    types=(SKOS.ConceptScheme,),
    fields=(Field(DCTERMS.title), Field(SKOS.prefLabel)),
    vocabulary=True,
)

_AGENT = NodeMap(
    classes={FOAF.Agent: FOAF.Agent, FOAF.Organization: FOAF.Organization, FOAF.Person: FOAF.Person},
    types=(FOAF.Agent,),
    fields=(
        Field(FOAF.name),
        Field(DCTERMS.type, node="concept", types=(SKOS.Concept,)),
        Field(FOAF.homepage, node="document", types=(FOAF.Document,)),
        Field(FOAF.mbox),
    ),
)

_DATASET_FIELDS = (
    Field(DCTERMS.title),
    Field(DCTERMS.description),
    Field(DCTERMS.identifier),
    Field(ADMS.identifier),
    Field(DCTERMS.issued),
    Field(DCTERMS.modified),
    Field(DCAT.version),
    Field(ADMS.versionNotes),
    Field(DCTERMS.publisher, node="agent", types=(FOAF.Agent,)),
    Field(DCTERMS.creator, node="agent", types=(FOAF.Agent,)),
    Field(DCTERMS.rightsHolder, node="agent", types=(FOAF.Agent,)),
    Field(PROV.qualifiedAttribution, node="attribution", types=(PROV.Attribution,)),
    Field(DCAT.contactPoint, node="contact", types=(VCARD.Kind,)),
    Field(DCAT.theme, node="concept", types=(SKOS.Concept,)),
    Field(DCTERMS.type, node="concept", types=(SKOS.Concept,)),
    Field(DCAT.keyword),
    Field(DCTERMS.spatial, node="concept", types=(DCTERMS.Location,)),
    Field(DCTERMS.temporal, node="period", types=(DCTERMS.PeriodOfTime,)),
    Field(DCTERMS.language, node="concept", types=(DCTERMS.LinguisticSystem,)),
    Field(DCTERMS.accrualPeriodicity, node="concept", types=(DCTERMS.Frequency,)),
    Field(DCTERMS.accessRights, node="concept", types=(DCTERMS.RightsStatement,)),
    Field(DCTERMS.conformsTo, types=(DCTERMS.Standard,)),
    Field(DCTERMS.provenance, node="statement", types=(DCTERMS.ProvenanceStatement,)),
    Field(DCAT.landingPage, node="document", types=(FOAF.Document,)),
    Field(FOAF.page, node="document", types=(FOAF.Document,)),
    Field(DCAT.distribution, node="distribution", types=(DCAT.Distribution,)),
    Field(ADMS.sample, node="distribution", types=(DCAT.Distribution,)),
    Field(DCTERMS.isReferencedBy, node="publication"),
    Field(DCTERMS.relation, node="publication"),
    Field(DCTERMS.bibliographicCitation),
    Field(DCAT.hasVersion),
    Field(DCAT.isVersionOf),
    Field(DCAT.hasCurrentVersion),
    Field(DCAT.previousVersion),
    Field(DCAT.inSeries, node="series", types=(DCAT.DatasetSeries,)),
    Field(DCAT.first),
    Field(DCAT.last),
    Field(DCAT.prev),
    Field(DCAT.next),
    Field(HCKG.labelScheme, node="labels", types=(SKOS.ConceptScheme,)),
)

NODES = {
    "catalog": NodeMap(
        classes={DCAT.Catalog: DCAT.Catalog},
        fields=(
            Field(DCTERMS.title),
            Field(DCTERMS.description),
            Field(DCTERMS.publisher, node="agent", types=(FOAF.Agent,)),
            Field(DCTERMS.license, node="licence", types=(DCTERMS.LicenseDocument,)),
            Field(DCTERMS.rights, node="statement", types=(DCTERMS.RightsStatement,)),
            Field(FOAF.homepage, node="document", types=(FOAF.Document,)),
            Field(DCTERMS.language, node="concept", types=(DCTERMS.LinguisticSystem,)),
            Field(DCTERMS.spatial, node="concept", types=(DCTERMS.Location,)),
            Field(DCTERMS.issued),
            Field(DCTERMS.modified),
            Field(DCAT.themeTaxonomy, node="scheme", types=(SKOS.ConceptScheme,)),
            Field(DCAT.dataset),
            Field(DCAT.record, node="record", types=(DCAT.CatalogRecord,)),
        ),
    ),
    "record": NodeMap(
        classes={DCAT.CatalogRecord: DCAT.CatalogRecord},
        fields=(
            Field(FOAF.primaryTopic),
            Field(DCTERMS.title),
            Field(DCTERMS.description),
            Field(DCTERMS.issued),
            Field(DCTERMS.modified),
            Field(DCTERMS.conformsTo, types=(DCTERMS.Standard,)),
            Field(ADMS.status, node="concept", types=(SKOS.Concept,)),
        ),
    ),
    "dataset": NodeMap(
        classes={DCAT.Dataset: DCAT.Dataset, DCAT.DatasetSeries: DCAT.DatasetSeries},
        fields=_DATASET_FIELDS,
    ),
    # the series of an exported dataset: what DCAT-AP demands of a series (its own export says the rest)
    "series": NodeMap(
        classes={DCAT.DatasetSeries: DCAT.DatasetSeries},
        fields=(Field(DCTERMS.title), Field(DCTERMS.description)),
    ),
    "distribution": NodeMap(
        classes={DCAT.Distribution: DCAT.Distribution},
        fields=(
            Field(DCTERMS.title),
            Field(DCTERMS.description),
            Field(DCAT.accessURL),
            Field(DCAT.downloadURL),
            Field(DCTERMS.format, node="concept", types=(DCTERMS.MediaTypeOrExtent,)),
            Field(DCAT.mediaType, types=(DCTERMS.MediaType,)),
            Field(DCAT.compressFormat, types=(DCTERMS.MediaType,)),
            Field(DCAT.packageFormat, types=(DCTERMS.MediaType,)),
            Field(DCTERMS.license, node="licence", types=(DCTERMS.LicenseDocument,)),
            Field(DCTERMS.rights, node="statement", types=(DCTERMS.RightsStatement,)),
            Field(ODRL.hasPolicy),
            Field(DCAT.byteSize),
            Field(SPDX.checksum),
            Field(DCTERMS.issued),
            Field(DCTERMS.modified),
            Field(DCTERMS.language, node="concept", types=(DCTERMS.LinguisticSystem,)),
            Field(FOAF.page, node="document", types=(FOAF.Document,)),
            Field(DCTERMS.conformsTo, types=(DCTERMS.Standard,)),
            Field(DCATAP.availability, node="concept", types=(SKOS.Concept,)),
            Field(ADMS.status, node="concept", types=(SKOS.Concept,)),
        ),
    ),
    "agent": _AGENT,
    "attribution": NodeMap(
        classes={PROV.Attribution: PROV.Attribution},
        fields=(
            Field(PROV.agent, node="agent", types=(FOAF.Agent,)),
            Field(DCAT.hadRole, node="concept", types=(DCAT.Role, SKOS.Concept)),
        ),
    ),
    "contact": NodeMap(
        classes={VCARD.Kind: VCARD.Kind, VCARD.Organization: VCARD.Organization},
        fields=(Field(VCARD.fn), Field(VCARD.hasEmail), Field(VCARD.hasURL)),
    ),
    "period": NodeMap(
        classes={DCTERMS.PeriodOfTime: DCTERMS.PeriodOfTime},
        fields=(Field(DCAT.startDate), Field(DCAT.endDate)),
    ),
    "concept": _CONCEPT,
    "scheme": _SCHEME,
    "licence": NodeMap(
        classes={DCTERMS.LicenseDocument: DCTERMS.LicenseDocument},
        fields=(
            Field(DCTERMS.title),
            Field(DCTERMS.type, node="concept", types=(SKOS.Concept,)),
        ) + _CONCEPT.fields,
        vocabulary=True,
    ),
    "statement": NodeMap(
        classes={DCTERMS.RightsStatement: DCTERMS.RightsStatement,
                 DCTERMS.ProvenanceStatement: DCTERMS.ProvenanceStatement},
        fields=(Field(RDFS.label), Field(DCTERMS.description)),
    ),
    "document": NodeMap(classes={FOAF.Document: FOAF.Document}),
    "publication": NodeMap(
        classes={DCTERMS.BibliographicResource: DCTERMS.BibliographicResource},
        fields=(Field(DCTERMS.title), Field(DCTERMS.bibliographicCitation)),
    ),
    "labels": NodeMap(
        classes={SKOS.ConceptScheme: SKOS.ConceptScheme},
        fields=(
            Field(DCTERMS.title),
            Field(SKOS.prefLabel),
            Field(SKOS.definition),
            Field(SKOS.hasTopConcept, node="label", types=(SKOS.Concept,)),
        ),
    ),
    "label": NodeMap(
        classes={SKOS.Concept: SKOS.Concept},
        fields=tuple(Field(p) for p in (
            SKOS.prefLabel, SKOS.altLabel, SKOS.definition, SKOS.scopeNote, SKOS.inScheme,
            SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
        )),
    ),
}

# values written as references in JSON-LD, never nested: a concept's scheme and its mappings (which may be
# the labels of another dataset); datasets are top-level objects and so are never nested either
REFERENCES = frozenset({
    SKOS.inScheme, SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
})


class DcatApProfile(Profile):
    name = "dcat-ap"
    summary = "DCAT-AP 3.0.1 (data.europa.eu, CKAN and piveau harvesters)"
    nodes = NODES
    reference_only = REFERENCES

    def keep(self, walk: Walk, kind, node, fld, value) -> bool:
        # a catalogue lists only the exported datasets and their records
        if kind == "catalog":
            if fld.source == _LISTED_DATASET:
                return value in walk.selected
            if fld.source == _RECORD:
                return walk.source.value(value, _PRIMARY_TOPIC) in walk.selected
        return True

    def derive(self, walk: Walk, kind, node) -> None:
        if kind == "dataset":
            self.derive_dataset(walk, node)

    def derive_dataset(self, walk: Walk, dataset: URIRef) -> None:
        source = walk.source
        # DCAT 3: a series is a dataset; DCAT-AP's catalogue range shape checks dcat:Dataset
        if (dataset, RDF.type, DCAT.DatasetSeries) in source:
            walk.emit(dataset, RDF.type, DCAT.Dataset)
        # the main identifier: the DOI where there is one, else the dataset's IRI
        if (dataset, DCTERMS.identifier, None) not in source:
            walk.emit(dataset, DCTERMS.identifier, Literal(str(dataset)))
        # legal information belongs on distributions in DCAT-AP: hand a dataset's licence and rights down
        for predicate, kind in ((DCTERMS.license, "licence"), (DCTERMS.rights, "statement")):
            for value in source.objects(dataset, predicate):
                for distribution in source.objects(dataset, DCAT.distribution):
                    if (distribution, predicate, None) not in source:
                        walk.emit(distribution, predicate, value)
                        walk.emit(value, RDF.type, DCTERMS.LicenseDocument if kind == "licence"
                                  else DCTERMS.RightsStatement)
                        walk.follow(kind, value)
