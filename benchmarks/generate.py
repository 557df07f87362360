"""Deterministic synthetic catalogues in hckg's own model, for benchmarks and differential tests.

    python benchmarks/generate.py 10000 -o /tmp/cat-10k.ttl [--invalid-percent 2] [--seed 1]

The output is one Turtle file in the model of ``data/``: a dcat:Catalog with N datasets (some grouped in
dcat:DatasetSeries), each with a catalogue record, publishers and funders among N/50 organisations (ROR
and hckg agent IRIs, parents, Wikidata links), categories and the EU HEAL theme, keywords, content types,
access rights and requirements, counts, temporal coverage, DOIs, landing pages and distributions; label
schemes of SKOS concepts; a few seed-list corrections. Validate it with the ontology, as ``hckg validate
FILE`` does.

Labels are shaped like real ones: each names one of 16 findings (``FINDINGS``) and maps, as a rule, to
that finding's shared MeSH, SNOMED CT or HPO terms (``FINDING_TERMS``), sometimes to an earlier label of
the same finding, sometimes to nothing; so the labels of a finding form classes of hundreds to thousands
of labels (at 100k datasets), and a query that walks a class from each of its labels is quadratic. The
label schemes come in blocks of ``LABEL_BLOCK``: the first of a block also holds one broader "hub" label
per group of findings (``HUBS``, as CheXpert's "Lung Lesion" is to NIH's "Mass"), which the block's labels
of those findings name as skos:broadMatch; a hub's own broadMatch is a vocabulary term (depth 2 at most).

``--invalid-percent`` datasets are broken, one kind of break after another (``BREAKS``); each break
yields exactly one SHACL violation and the valid rest yields no result at all, so a validator must report
exactly ``summary.broken`` violations. The same arguments always write the same bytes.
"""

import argparse
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PREFIXES = """\
@prefix dcat:   <http://www.w3.org/ns/dcat#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix hckg:   <https://w3id.org/hckg/ontology#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .
@prefix ds:     <https://w3id.org/hckg/dataset/> .
@prefix rec:    <https://w3id.org/hckg/record/> .
@prefix dist:   <https://w3id.org/hckg/distribution/> .
@prefix agent:  <https://w3id.org/hckg/agent/> .
@prefix theme:  <https://w3id.org/hckg/theme/> .
@prefix labels: <https://w3id.org/hckg/labels/> .
@prefix req:    <https://w3id.org/hckg/requirement/> .
@prefix unit:   <https://w3id.org/hckg/unit/> .
@prefix role:   <https://w3id.org/hckg/role/> .
@prefix kind:   <https://w3id.org/hckg/source-kind/> .
@prefix cont:   <https://w3id.org/hckg/content/> .
@prefix fix:    <https://w3id.org/hckg/correction/> .
@prefix src:    <https://w3id.org/hckg/source/> .
@prefix eutheme: <http://publications.europa.eu/resource/authority/data-theme/> .
@prefix access: <http://publications.europa.eu/resource/authority/access-right/> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix licence: <http://publications.europa.eu/resource/authority/licence/> .
@prefix hc:     <https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/> .
@prefix mesh:   <http://id.nlm.nih.gov/mesh/> .
@prefix sct:    <http://snomed.info/id/> .
@prefix obo:    <http://purl.obolibrary.org/obo/> .
@prefix wd:     <http://www.wikidata.org/entity/> .

"""

CATALOGUE = """\
<https://w3id.org/hckg/catalog> a dcat:Catalog ;
    dct:title "Synthetic healthcare data catalogue"@en ;
    dct:description "A generated catalogue in the hckg model, for benchmarks."@en ;
    dct:publisher agent:hckg ;
    dct:license licence:CC_BY_4_0 ;
    foaf:homepage <https://w3id.org/hckg/> ;
    dct:issued "2026-11-24"^^xsd:date ;
    dct:modified "2026-11-24"^^xsd:date ;
    dcat:themeTaxonomy <https://w3id.org/hckg/theme>, <http://publications.europa.eu/resource/authority/data-theme> .

agent:hckg a foaf:Agent, foaf:Organization ; foaf:name "hckg project"@en .

<https://w3id.org/hckg/theme> a skos:ConceptScheme ;
    dct:title "Healthcare data source categories"@en ; skos:prefLabel "Healthcare data source categories"@en .
"""

# category -> (label, EU health category, source kinds, content types, count units, media types)
CATEGORIES = {
    "electronic-health-records": ("Electronic Health Records", "EHRS", ["single-institution", "multiple-institutions"],
                                  ["demographics", "vital-signs", "laboratory-results", "medications", "diagnoses",
                                   "clinical-notes", "procedures", "mortality"],
                                  ["patient", "hospital-admission", "icu-stay", "hospital-stay"], ["text/csv"]),
    "medical-images": ("Medical Images", "IDHP", ["single-institution", "multiple-institutions"],
                       ["imaging", "chest-radiography", "computed-tomography", "mri", "imaging-reports"],
                       ["image", "imaging-study", "patient", "report"], ["image/png", "application/dicom"]),
    "medical-surveys": ("Medical Surveys", "RQSH", ["population-survey", "cohort-study"],
                        ["self-reported-health", "socioeconomic-data", "health-behaviours", "physical-examination"],
                        ["person", "household", "interview", "participant"], ["text/csv", "application/zip"]),
    "medical-claims": ("Medical Claims", "HRAD", ["administrative-claims", "synthetic"],
                       ["claims", "diagnoses", "procedures", "medications"],
                       ["beneficiary", "service-record", "hospital-stay"], ["text/csv", "application/zip"]),
}
SUBJECTS = ["cardiology", "oncology", "critical care", "paediatrics", "radiology", "neurology", "diabetes",
            "infectious disease", "mental health", "primary care", "emergency medicine", "geriatrics",
            "pulmonology", "nephrology", "dermatology", "ophthalmology", "public health", "maternity"]
WORDS = ["cohort", "registry", "records", "study", "archive", "collection", "database", "survey", "panel",
         "network", "linked", "longitudinal", "national", "regional", "de-identified", "open", "multicentre"]
PLACES = ["Boston", "Utrecht", "Lyon", "Kyoto", "Nairobi", "Porto", "Leuven", "Toronto", "Melbourne", "Santiago",
          "Bergen", "Seville", "Kraków", "Dundee", "Heidelberg", "Ghent", "Turin", "Osaka", "Accra", "Tartu"]
ORG_KINDS = ["University Hospital", "Medical Center", "Institute of Health", "Health Agency", "Cancer Institute",
             "Research Council", "Imaging Laboratory", "School of Public Health", "Data Consortium"]
FINDINGS = ["Pneumothorax", "Cardiomegaly", "Edema", "Effusion", "Nodule", "Mass", "Fracture", "Atelectasis",
            "Consolidation", "Emphysema", "Fibrosis", "Hernia", "Infiltration", "Lesion", "Opacity", "No Finding"]
# the vocabulary terms every label of a finding may map to, shared across label sets as in real catalogues
# (MeSH descriptor, SNOMED CT concept, HPO term; ids as data/labels.ttl has them, None where it has none)
FINDING_TERMS = {
    "Pneumothorax": ("D011030", "36118008", "HP_0002107"), "Cardiomegaly": (None, None, "HP_0001640"),
    "Edema": ("D011654", "19242006", "HP_0100598"), "Effusion": (None, None, "HP_0002202"),
    "Nodule": (None, None, "HP_0033608"), "Mass": (None, None, "HP_0033821"),
    "Fracture": ("D050723", "125605004", "HP_0020110"), "Atelectasis": (None, None, "HP_0100750"),
    "Consolidation": (None, None, None), "Emphysema": ("D011656", "87433001", "HP_0002097"),
    "Fibrosis": ("D011658", "51615001", "HP_0002206"), "Hernia": ("D006551", "84089009", "HP_0002036"),
    "Infiltration": (None, None, "HP_0002113"), "Lesion": (None, None, None), "Opacity": (None, None, "HP_0031457"),
    "No Finding": (None, None, None),
}
# broader labels ("hubs", as CheXpert's "Lung Lesion" is to NIH's "Mass" and "Nodule"): the label sets come in
# blocks of LABEL_BLOCK; the first set of each block also holds one hub label per group, which the block's
# labels of the group's findings name as skos:broadMatch, and each hub names a vocabulary term as its own
# broadMatch: label -> hub -> term, no deeper
LABEL_BLOCK = 25
HUBS = {"Lung Lesion": (["Mass", "Nodule", "Lesion"], "obo:HP_0002088"),
        "Lung Opacity": (["Opacity", "Infiltration", "Consolidation", "Edema", "Atelectasis"], "obo:HP_0031457"),
        "Pleural Other": (["Fibrosis"], "mesh:D010995")}
HUB_OF = {finding: hub for hub, (findings, _term) in HUBS.items() for finding in findings}
ACCESS = ["PUBLIC", "RESTRICTED", "NON_PUBLIC"]
REQUIREMENTS = ["registration", "credentialing", "human-subjects-training", "data-use-agreement", "terms-of-use",
                "application-review", "fee", "commercial-licence"]
COUNTRIES = ["USA", "GBR", "FRA", "DEU", "NLD", "JPN", "KEN", "PRT", "BEL", "CAN", "AUS", "CHL"]
LICENCES = ["CC_BY_4_0", "CC0", "ODC_BY", "APACHE_2_0"]
ROR_CHARS = "0123456789abcdefghjkmnpqrstvwxyz"  # ROR's Crockford base32 alphabet (no i, l, o, u)

# Each kind of break yields exactly one SHACL violation (the comment names the constraint).
BREAKS = [
    "no-title",                  # dct:title minCount
    "malformed-doi",             # dct:identifier DOI pattern (sh:or)
    "individuals-above-records",  # numberOfUniqueIndividuals lessThanOrEquals numberOfRecords
    "records-typed-integer",     # numberOfRecords datatype xsd:nonNegativeInteger (given as xsd:integer)
    "free-not-boolean",          # schema:isAccessibleForFree datatype
    "unknown-access-right",      # dct:accessRights sh:in
    "period-reversed",           # SPARQL constraint: start after end
    "count-range-reversed",      # schema:minValue lessThanOrEquals schema:maxValue
    "keyword-iri",               # dcat:keyword nodeKind
    "no-record",                 # ^foaf:primaryTopic minCount
    "unnamed-publisher",         # dct:publisher sh:node NamedAgentShape
    "no-category",               # dcat:theme qualifiedValueShape / qualifiedMinCount
    "malformed-ror",             # agent IRI pattern (node-level sh:or)
    "malformed-mesh",            # concept mapping MeSH pattern (sh:or on an alternative path)
]


@dataclass
class Summary:
    """What a generated catalogue holds: counts, and how many datasets each break spoiled."""

    datasets: int = 0
    series: int = 0
    agents: int = 0
    concepts: int = 0
    broken: Counter = field(default_factory=Counter)

    @property
    def violations(self) -> int:
        """The number of SHACL violations a validator must report."""
        return sum(self.broken.values())


def ror_id(index: int) -> str:
    """A ROR-shaped identifier (0 + 6 base32 characters + 2 digits), unique per index."""
    number = (index * 7_654_321 + 1_234_567) % (32 ** 6)
    chars = "".join(ROR_CHARS[(number >> (5 * k)) & 31] for k in range(6))
    return f"0{chars}{index % 100:02d}"


def literal(text: str, lang: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


class Writer:
    """Writes the catalogue statement by statement; ``rng`` drives every choice."""

    def __init__(self, out, n: int, invalid_percent: float, seed: int):
        self.out, self.n, self.seed, self.rng = out, n, seed, random.Random(seed)
        self.summary = Summary(datasets=n)
        self.every = round(100 / invalid_percent) if invalid_percent > 0 else 0
        self.agents = self._agent_iris(max(5, n // 50))
        self.schemes = max(1, n // 20)
        self.concepts_per_scheme: list[int] = []

    def w(self, text: str) -> None:
        self.out.write(text)

    def _agent_iris(self, count: int) -> list[str]:
        return [f"<https://ror.org/{ror_id(i)}>" if i % 3 else f"agent:org-{i}" for i in range(count)]

    # --- shared resources ----------------------------------------------------------------------
    def write_header(self) -> None:
        self.w(PREFIXES + CATALOGUE)
        for slug, (label, *_rest) in CATEGORIES.items():
            self.w(f"theme:{slug} a skos:Concept ; skos:inScheme <https://w3id.org/hckg/theme> ; "
                   f"skos:prefLabel {literal(label)} .\n")
        for code in COUNTRIES:
            self.w(f"country:{code} a dct:Location .\n")
        for i in range(8):
            self.w(f"src:source-{i} a foaf:Document ; dct:title {literal(f'Source document {i}')} .\n")
        self.w("\n")

    def write_agents(self) -> None:
        rng = self.rng
        for i, iri in enumerate(self.agents):
            name = f"{rng.choice(PLACES)} {rng.choice(ORG_KINDS)} {i}"
            self.w(f"{iri} a foaf:Agent, foaf:Organization ;\n    foaf:name {literal(name)}")
            if i % 4 == 1 and i > 1:
                self.w(f" ;\n    org:subOrganizationOf {self.agents[rng.randrange(i)]}")
            if iri.startswith("<https://ror.org/") and i % 5 == 2:
                self.w(f" ;\n    owl:sameAs wd:Q{1000 + i * 37}")
            self.w(" .\n")
        self.summary.agents = len(self.agents)

    def write_label_schemes(self) -> None:
        """Label sets of 3-8 labels. A label maps to its finding's shared terms (most often), to an earlier
        label of the same finding in its block, or to nothing; some are spelt in lower case."""
        rng = self.rng
        mapping = random.Random(self.seed + 1_000_003)  # apart from rng: the datasets do not change with it
        first_of: dict[str, str] = {}  # finding -> its first label in the current block
        for s in range(self.schemes):
            size = rng.randint(3, 8)
            block_start = s % LABEL_BLOCK == 0
            if block_start:
                first_of.clear()
            self.concepts_per_scheme.append(size + (len(HUBS) if block_start else 0))
            self.w(f"\nlabels:set-{s} a skos:ConceptScheme ;\n    dct:title {literal(f'Label set {s}')} ; "
                   f"skos:prefLabel {literal(f'Label set {s}')} ;\n    dct:source src:source-{s % 8} .\n")
            if block_start:
                for h, (hub, (_findings, term)) in enumerate(HUBS.items()):
                    self.w(f"labels:set-{s}-h{h} a skos:Concept ; skos:inScheme labels:set-{s} ; "
                           f"skos:prefLabel {literal(hub)} ;\n    skos:broadMatch {term} .\n")
            for c in range(size):
                finding = FINDINGS[(s + c * 3) % len(FINDINGS)]
                iri = f"labels:set-{s}-c{c}"
                name = finding.lower() if (s + c) % 4 == 3 else finding
                self.w(f"{iri} a skos:Concept ; skos:inScheme labels:set-{s} ; skos:prefLabel {literal(name)}")
                mesh, snomed, hpo = FINDING_TERMS[finding]
                kind = mapping.randrange(10)
                exact = []
                if iri != first_of.setdefault(finding, iri) and (kind in (0, 5) or not (mesh or hpo)):
                    exact.append(first_of[finding])
                if kind >= 3:
                    exact += [f"mesh:{mesh}"] if mesh else []
                    exact += [f"sct:{snomed}"] if snomed and c % 2 == 0 else []
                    exact += [f"obo:{hpo}"] if hpo and not mesh else []
                if exact:
                    self.w(f" ;\n    skos:exactMatch {', '.join(exact)}")
                if kind in (1, 2) and hpo:
                    self.w(f" ;\n    skos:closeMatch obo:{hpo}")
                if finding in HUB_OF:
                    hub = list(HUBS).index(HUB_OF[finding])
                    self.w(f" ;\n    skos:broadMatch labels:set-{s - s % LABEL_BLOCK}-h{hub}")
                self.w(" .\n")
        self.summary.concepts = sum(self.concepts_per_scheme)

    # --- datasets ------------------------------------------------------------------------------
    def break_of(self, index: int) -> str | None:
        """The break applied to dataset ``index``, or None: every ``every``-th dataset, kinds in turn."""
        if not self.every or index % self.every != self.every - 1:
            return None
        return BREAKS[(index // self.every) % len(BREAKS)]

    def write_datasets(self) -> None:
        index = 0
        while index < self.n:
            members = self.rng.randint(2, 3) if index % 97 == 50 and index + 4 <= self.n else 0
            if members:
                series = f"ds:series-{index}"
                self.write_dataset(index, series=None, kind_of="dcat:DatasetSeries", slug=f"series-{index}")
                for m in range(1, members + 1):
                    self.write_dataset(index + m, series=series)
                self.summary.series += 1
                index += members + 1
            else:
                self.write_dataset(index)
                index += 1

    def write_dataset(self, index: int, series: str | None = None, kind_of: str = "dcat:Dataset",
                      slug: str | None = None) -> None:
        rng, w = self.rng, self.w
        broken = self.break_of(index) if kind_of == "dcat:Dataset" else None
        if broken:
            self.summary.broken[broken] += 1
        slug = slug or f"d{index}"
        ds = f"ds:{slug}"
        category = list(CATEGORIES)[rng.randrange(4)]
        label, health, kinds, contents, units, media = CATEGORIES[category]
        subject = rng.choice(SUBJECTS)
        place = rng.choice(PLACES)
        title = f"{place} {subject} {rng.choice(WORDS)} {index}"
        publisher = self.agents[rng.randrange(len(self.agents))]

        w(f"\n<https://w3id.org/hckg/catalog> dcat:dataset {ds} .\n{ds} a {kind_of}")
        if broken != "no-title":
            w(f" ;\n    dct:title {literal(title.capitalize())}")
        description = (f"A {rng.choice(WORDS)} {label.lower()} resource on {subject} from {place}, "
                       + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))) + ".")
        w(f" ;\n    dct:description {literal(description)}")
        if broken == "unnamed-publisher":
            w(f" ;\n    dct:publisher agent:unnamed-{index}")
        elif broken == "malformed-ror":
            w(f" ;\n    dct:publisher <https://ror.org/0bad-{index}>")
        else:
            w(f" ;\n    dct:publisher {publisher}")
        themes = "" if broken == "no-category" else f"theme:{category}, "
        w(f" ;\n    dcat:theme {themes}eutheme:HEAL ;\n    healthdcatap:healthCategory hc:{health}")
        keywords = [literal(subject), literal(label.lower())] + [literal(rng.choice(WORDS)) for _ in range(rng.randint(0, 2))]
        if broken == "keyword-iri":
            keywords.append(f"cont:{contents[0]}")
        w(f" ;\n    dcat:keyword {', '.join(dict.fromkeys(keywords))}")
        landing = f"<https://data.example.org/{slug}/>"
        w(f" ;\n    dcat:landingPage {landing}")
        if kind_of == "dcat:DatasetSeries":
            w(" .\n")
            self.write_record(index, ds, slug)
            w(f"{landing} a foaf:Document .\n")
            return
        if series:
            w(f" ;\n    dcat:inSeries {series}")
        w(f" ;\n    hckg:sourceKind kind:{rng.choice(kinds)}")
        w(f" ;\n    hckg:contentType {', '.join(f'cont:{c}' for c in sorted(rng.sample(contents, rng.randint(1, 3))))}")
        w(f" ;\n    dct:spatial country:{rng.choice(COUNTRIES)}")
        if rng.random() < 0.4:
            w(f" ;\n    dct:rightsHolder {self.agents[rng.randrange(len(self.agents))]}")
        if rng.random() < 0.3:
            w(f" ;\n    schema:funder {self.agents[rng.randrange(len(self.agents))]}")
        if rng.random() < 0.3:
            role = rng.choice(["host", "partner", "distributor", "data-provider"])
            w(f" ;\n    prov:qualifiedAttribution [ a prov:Attribution ; prov:agent "
              f"{self.agents[rng.randrange(len(self.agents))]} ; dcat:hadRole role:{role} ]")
        free = rng.random() < 0.7
        w(" ;\n    schema:isAccessibleForFree " + ('"yes"' if broken == "free-not-boolean" else ("true" if free else "false")))
        right = "OPEN" if broken == "unknown-access-right" else rng.choice(ACCESS)
        w(f" ;\n    dct:accessRights access:{right}")
        if right != "PUBLIC":
            w(f" ;\n    hckg:accessRequirement {', '.join(f'req:{r}' for r in sorted(rng.sample(REQUIREMENTS, rng.randint(1, 4))))}")
        records = rng.randint(100, 5_000_000)
        individuals = records + 1 if broken == "individuals-above-records" else rng.randint(1, records)
        records_type = "xsd:integer" if broken == "records-typed-integer" else "xsd:nonNegativeInteger"
        w(f' ;\n    healthdcatap:numberOfRecords "{records}"^^{records_type}'
          f' ;\n    healthdcatap:numberOfUniqueIndividuals "{individuals}"^^xsd:nonNegativeInteger')
        self.write_counts(rng, units, individuals, broken == "count-range-reversed")
        self.write_period(rng, broken == "period-reversed")
        year = rng.randint(1995, 2025)
        w(f' ;\n    dct:issued "{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^xsd:date')
        doi = f"10.{rng.randint(1000, 99999)}/{slug}.{year}"
        identifier = f"https://doi.org/10.12/{slug} v2" if broken == "malformed-doi" else f"https://doi.org/{doi}"
        w(f" ;\n    dct:identifier {literal(identifier, None)}")
        if rng.random() < 0.5:
            w(f" ;\n    dct:isReferencedBy <https://doi.org/10.{rng.randint(1000, 9999)}/paper-{index}>")
        if rng.random() < 0.25:
            w(f' ;\n    dcat:version "{rng.randint(1, 5)}.{rng.randint(0, 9)}"')
        scheme = None
        if category == "medical-images" or rng.random() < 0.1:
            scheme = rng.randrange(self.schemes)
            w(f" ;\n    hckg:labelScheme labels:set-{scheme}")
        distributions = [f"dist:{slug}-{k}" for k in range(rng.randint(1, 2))]
        w(f" ;\n    dcat:distribution {', '.join(distributions)}")
        correction = f"fix:{slug}-size" if rng.random() < 0.05 else None
        if correction:
            w(f" ;\n    hckg:correction {correction}")
        w(" .\n")
        if broken != "no-record":
            self.write_record(index, ds, slug)
        w(f"{landing} a foaf:Document .\n")
        for k, dist in enumerate(distributions):
            mt = rng.choice(media)
            w(f"{dist} a dcat:Distribution ;\n    dct:title {literal(f'{title} files, part {k + 1}')} ;\n"
              f"    dcat:accessURL <https://data.example.org/{slug}/files/{k}> ;\n"
              f"    dcat:mediaType <http://www.iana.org/assignments/media-types/{mt}> ;\n    dct:license licence:{rng.choice(LICENCES)} .\n")
        if correction:
            w(f'{correction} a hckg:SeedCorrection ;\n    hckg:seedField "Size" ; hckg:seedValue "{records + 17} records" ;\n'
              f'    hckg:correctedValue {literal(f"{records} records")} ;\n'
              f'    skos:editorialNote {literal("The list counted withdrawn records.")} ;\n'
              f'    hckg:factCheckItem {rng.randint(1, 40)} ; hckg:confidence "{rng.choice(["verified", "likely"])}" ;\n'
              f"    dct:source src:source-{rng.randrange(8)} .\n")
        if broken == "unnamed-publisher":
            w(f"agent:unnamed-{index} dct:type <http://purl.org/adms/publishertype/Company> .\n")
        if broken == "malformed-ror":
            w(f"<https://ror.org/0bad-{index}> a foaf:Agent, foaf:Organization ; foaf:name {literal(f'Agent {index}')} .\n")
        if broken == "malformed-mesh" and scheme is None:
            # the concept the break needs: a label scheme of its own
            self.summary.concepts += 1
            w(f"labels:extra-{index} a skos:ConceptScheme ; dct:title {literal('Extra labels')} ; "
              f"skos:prefLabel {literal('Extra labels')} .\n")
        if broken == "malformed-mesh":
            scheme_iri = f"labels:set-{scheme}" if scheme is not None else f"labels:extra-{index}"
            w(f"labels:bad-{index} a skos:Concept ; skos:inScheme {scheme_iri} ; skos:prefLabel {literal('Mislabelled')} ;\n"
              f"    skos:closeMatch mesh:C{index:06d} .\n")

    def write_counts(self, rng, units, individuals: int, reversed_range: bool) -> None:
        counts = []
        unit = rng.choice(units)
        counts.append(f'hckg:countOf unit:{unit} ; schema:value "{individuals}"^^xsd:nonNegativeInteger')
        if reversed_range or rng.random() < 0.3:
            low = rng.randint(10, 10_000)
            high = low + rng.randint(0, 100_000)
            if reversed_range:
                low, high = high + 1, low
            counts.append(f'hckg:countOf unit:{rng.choice(units)} ; schema:minValue "{low}"^^xsd:nonNegativeInteger ; '
                          f'schema:maxValue "{high}"^^xsd:nonNegativeInteger')
        nodes = [f"[ a hckg:Count ; {c} ; dct:source src:source-{rng.randrange(8)} ]" for c in counts]
        self.w(" ;\n    hckg:size " + ",\n        ".join(nodes))

    def write_period(self, rng, reversed_dates: bool) -> None:
        if rng.random() < 0.15 and not reversed_dates:
            return
        start = rng.randint(1950, 2020)
        end = None if rng.random() < 0.2 else start + rng.randint(0, 20)
        if reversed_dates:
            end = start - rng.randint(1, 10)
        dates = f'dcat:startDate "{start}"^^xsd:gYear'
        if rng.random() < 0.2:
            dates = f'dcat:startDate "{start}-{rng.randint(1, 12):02d}-01"^^xsd:date'
        if end is not None:
            dates += f' ; dcat:endDate "{end}"^^xsd:gYear'
        self.w(f" ;\n    dct:temporal [ a dct:PeriodOfTime ; {dates} ]")

    def write_record(self, index: int, ds: str, slug: str) -> None:
        day = 1 + index % 28
        self.w(f"<https://w3id.org/hckg/catalog> dcat:record rec:{slug} .\n"
               f"rec:{slug} a dcat:CatalogRecord ; foaf:primaryTopic {ds} ;\n"
               f'    dct:issued "2026-01-{day:02d}"^^xsd:date ; dct:modified "2026-11-{day:02d}"^^xsd:date ;\n'
               f"    prov:wasDerivedFrom src:source-{index % 8} .\n")


def generate(n: int, out, *, invalid_percent: float = 2.0, seed: int = 1) -> Summary:
    """Write a catalogue of ``n`` datasets as Turtle to the text stream ``out``; return its summary."""
    writer = Writer(out, n, invalid_percent, seed)
    writer.write_header()
    writer.write_agents()
    writer.write_label_schemes()
    writer.write_datasets()
    return writer.summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of datasets")
    parser.add_argument("-o", "--output", required=True, help="Turtle file to write ('-' for stdout)")
    parser.add_argument("--invalid-percent", type=float, default=2.0, help="percentage of broken datasets (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.output == "-":
        summary = generate(args.n, sys.stdout, invalid_percent=args.invalid_percent, seed=args.seed)
    else:
        path = Path(args.output)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "w", encoding="utf-8", buffering=1 << 20) as out:
            summary = generate(args.n, out, invalid_percent=args.invalid_percent, seed=args.seed)
        tmp.replace(path)
    print(f"{summary.datasets} datasets ({summary.series} series), {summary.agents} agents, {summary.concepts} concepts; "
          f"{summary.violations} broken: {dict(sorted(summary.broken.items()))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
