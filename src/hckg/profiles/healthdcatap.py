"""HealthDCAT-AP release 8: DCAT-AP plus the health terms HealthData@EU reads.

The HealthDCAT-AP namespace is not final, so it is a setting (default http://healthdataportal.eu/ns/health#);
the catalogue's own health terms are written in whichever namespace is set. Beyond DCAT-AP this profile
derives what HealthDCAT-AP makes mandatory and the catalogue states only on versions or series members
(access rights, health categories), and maps ADMS publisher types onto the HealthDCAT-AP publisher-type
vocabulary. What it cannot state truthfully for non-EU data sources is listed in ``DEVIATIONS``.
"""

from dataclasses import replace

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from hckg.namespaces import DCAT, EU_AUTHORITY, HDEU_AUTHORITY, HEALTHDCATAP
from hckg.profiles.base import Field, Walk
from hckg.profiles.dcatap import NODES, REFERENCES, DcatApProfile

DATA_THEME = EU_AUTHORITY + "data-theme/"

DEFAULT_NAMESPACE = str(HEALTHDCATAP)

# ADMS publisher type → HealthDCAT-AP publisher type (only where the two mean the same)
ADMS_TYPE = "http://purl.org/adms/publishertype/"
HEALTH_TYPE = HDEU_AUTHORITY + "publisher-type/"
PUBLISHER_TYPES = {
    URIRef(ADMS_TYPE + "Academia-ScientificOrganisation"): URIRef(HEALTH_TYPE + "research-academic-org"),
    URIRef(ADMS_TYPE + "NationalAuthority"): URIRef(HEALTH_TYPE + "national-authority"),
    URIRef(ADMS_TYPE + "RegionalAuthority"): URIRef(HEALTH_TYPE + "regional-authority"),
    URIRef(ADMS_TYPE + "LocalAuthority"): URIRef(HEALTH_TYPE + "municipality-or-other-area"),
    URIRef(ADMS_TYPE + "NonProfitOrganisation"): URIRef(HEALTH_TYPE + "not-for-profit-org"),
    URIRef(ADMS_TYPE + "NonGovernmentalOrganisation"): URIRef(HEALTH_TYPE + "non-gov-org"),
    URIRef(ADMS_TYPE + "Company"): URIRef(HEALTH_TYPE + "private-company"),
}

# The HealthDCAT-AP release 8 constraints this profile does not meet, as (class, property, reason).
# Tests assert that validation reports exactly these and no other violations.
DEVIATIONS = (
    ("dcat:Catalog", "dcatap:applicableLegislation",
     "The legislation to cite is the EHDS Regulation (EU) 2025/327; it does not apply to the non-EU data "
     "sources catalogued here, so stating it would be false."),
    ("dcat:Dataset", "dcatap:applicableLegislation", "As for the catalogue."),
    ("dcat:Distribution", "dcatap:applicableLegislation", "As for the catalogue."),
    ("dcat:DatasetSeries", "dcatap:applicableLegislation", "As for the catalogue."),
    ("dcat:Dataset", "healthdcatap:hdab",
     "A Health Data Access Body is an EHDS authority of an EU member state; no HDAB governs these sources."),
    ("dcat:Dataset", "healthdcatap:hasStructuredData",
     "The catalogue does not record whether a source's data dictionary is published as CSVW variables; "
     "true would demand variables it lacks and false would be a guess."),
    ("dcat:Dataset", "dct:publisher",
     "HealthDCAT-AP wants exactly one cv:contactPoint on the publisher (the EHDS data holder's contact); "
     "the catalogue records no contact points for organisations."),
    ("dcat:Dataset", "dcat:distribution",
     "Reported twice over: a distribution that lacks dcatap:applicableLegislation fails the distribution shape, "
     "and version-independent datasets, dataset series and releases never distributed on their own "
     "(ChestX-ray8) have none; DCAT-AP advises against distributions on series, and inventing one would "
     "point users at the wrong files."),
)


class HealthDcatApProfile(DcatApProfile):
    name = "healthdcat-ap"
    summary = "HealthDCAT-AP release 8 (HealthData@EU); namespace set by --healthdcat-namespace"

    def __init__(self, vocabularies=None, namespace: str = DEFAULT_NAMESPACE):
        super().__init__(vocabularies)
        self.namespace = Namespace(namespace)
        self.prefixes = {"healthdcatap": self.namespace}
        health = self.namespace
        dataset = NODES["dataset"]
        agent = NODES["agent"]
        concept = NODES["concept"]
        self.nodes = {
            **NODES,
            # the health vocabulary shapes check that a concept's scheme is a skos:ConceptScheme
            "concept": replace(concept, fields=tuple(
                replace(f, node="scheme", types=(SKOS.ConceptScheme,)) if f.source == SKOS.inScheme else f
                for f in concept.fields)),
            "dataset": replace(dataset, fields=dataset.fields + (
                Field(HEALTHDCATAP.healthCategory, health.healthCategory, node="concept", types=(SKOS.Concept,)),
                Field(HEALTHDCATAP.healthTheme, health.healthTheme, node="concept", types=(SKOS.Concept,)),
                Field(HEALTHDCATAP.hasCodingSystem, health.hasCodingSystem, types=(DCTERMS.Standard,)),
                Field(HEALTHDCATAP.hasCodeValues, health.hasCodeValues),
                Field(HEALTHDCATAP.numberOfRecords, health.numberOfRecords),
                Field(HEALTHDCATAP.numberOfUniqueIndividuals, health.numberOfUniqueIndividuals),
                Field(HEALTHDCATAP.minTypicalAge, health.minTypicalAge),
                Field(HEALTHDCATAP.maxTypicalAge, health.maxTypicalAge),
                Field(HEALTHDCATAP.populationCoverage, health.populationCoverage),
            )),
            # publisher types come from the HealthDCAT-AP vocabulary (derived below)
            "agent": replace(agent, fields=tuple(f for f in agent.fields if f.source != DCTERMS.type)),
        }

    reference_only = REFERENCES - {SKOS.inScheme}

    def keep(self, walk: Walk, kind, node, fld, value) -> bool:
        # HealthDCAT-AP admits only data-theme concepts as dcat:theme (the health category says the rest)
        if kind == "dataset" and fld.source == DCAT.theme:
            return str(value).startswith(DATA_THEME)
        return super().keep(walk, kind, node, fld, value)

    def derive(self, walk: Walk, kind, node) -> None:
        super().derive(walk, kind, node)
        if kind == "agent":
            for adms_type in walk.source.objects(node, DCTERMS.type):
                if adms_type in PUBLISHER_TYPES:
                    walk.emit(node, DCTERMS.type, PUBLISHER_TYPES[adms_type])
                    walk.emit(PUBLISHER_TYPES[adms_type], RDF.type, SKOS.Concept)
                    walk.follow("concept", PUBLISHER_TYPES[adms_type])

    def derive_dataset(self, walk: Walk, dataset: URIRef) -> None:
        super().derive_dataset(walk, dataset)
        # a version-independent dataset or a series takes what all its versions / members share
        parts = self.parts(walk, dataset)
        if parts and (dataset, DCTERMS.accessRights, None) not in walk.source:
            rights = {r for part in parts for r in walk.source.objects(part, DCTERMS.accessRights)}
            if len(rights) == 1:
                value = rights.pop()
                walk.emit(dataset, DCTERMS.accessRights, value)
                walk.emit(value, RDF.type, DCTERMS.RightsStatement)
                walk.follow("concept", value)
        if parts and (dataset, HEALTHDCATAP.healthCategory, None) not in walk.source:
            for category in sorted({c for part in parts
                                    for c in walk.source.objects(part, HEALTHDCATAP.healthCategory)}):
                walk.emit(dataset, self.namespace.healthCategory, category)
                walk.emit(category, RDF.type, SKOS.Concept)
                walk.follow("concept", category)

    @staticmethod
    def parts(walk: Walk, dataset: URIRef) -> list:
        """The current version, else all versions, else the series members of a dataset."""
        source = walk.source
        return (list(source.objects(dataset, DCAT.hasCurrentVersion))
                or list(source.objects(dataset, DCAT.hasVersion))
                or list(source.subjects(DCAT.inSeries, dataset)))
