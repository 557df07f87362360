"""Exact answers of the stored queries on tests/fixtures/queries/catalogue.ttl, as CSV.

Shared by the embedded-store tests and the remote-endpoint tests: the same bound query must give
the same rows on both. Every stored query has at least one case (the CONSTRUCT one is in
DESCRIPTION below).
"""

from pathlib import Path

FIXTURE_CATALOGUE = Path(__file__).resolve().parent / "fixtures" / "queries" / "catalogue.ttl"

CASES = [
    ('datasets-by-category', {}, """\
category,dataset,title
Medical Images,https://w3id.org/hckg/dataset/scans,Paid CT Scans
Medical Images,https://w3id.org/hckg/dataset/xray-a,X-ray Set A
Medical Images,https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1
Medical Images,https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2
"""),
    ('datasets-by-category', {'category': 'https://w3id.org/hckg/theme/electronic-health-records'}, """\
category,dataset,title
Electronic Health Records,https://w3id.org/hckg/dataset/ward,Ward Database
Electronic Health Records,https://w3id.org/hckg/dataset/ward-1,Ward Database v1
Electronic Health Records,https://w3id.org/hckg/dataset/ward-2,Ward Database v2
"""),
    ('free-without-application', {}, """\
dataset,title,accessRights,requirement
https://w3id.org/hckg/dataset/survey,Health Survey,,Registration
https://w3id.org/hckg/dataset/survey,Health Survey,,Terms of use
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,http://publications.europa.eu/resource/authority/access-right/RESTRICTED,Data use agreement
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,http://publications.europa.eu/resource/authority/access-right/RESTRICTED,Registration
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,http://publications.europa.eu/resource/authority/access-right/PUBLIC,
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,http://publications.europa.eu/resource/authority/access-right/PUBLIC,
"""),
    ('free-without-application', {'category': 'medical images'}, """\
dataset,title,accessRights,requirement
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,http://publications.europa.eu/resource/authority/access-right/RESTRICTED,Data use agreement
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,http://publications.europa.eu/resource/authority/access-right/RESTRICTED,Registration
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,http://publications.europa.eu/resource/authority/access-right/PUBLIC,
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,http://publications.europa.eu/resource/authority/access-right/PUBLIC,
"""),
    ('datasets-by-label', {'label': 'http://id.nlm.nih.gov/mesh/Dtest01'}, """\
dataset,title,label,concept
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Pneumothorax,https://w3id.org/hckg/labels/alpha/pneumothorax
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,Pneumothorax,https://w3id.org/hckg/labels/beta/pneumothorax
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Pneumothorax,https://w3id.org/hckg/labels/beta/pneumothorax
"""),
    ('datasets-by-label', {'label': 'Pneumothorax'}, """\
dataset,title,label,concept
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Pneumothorax,https://w3id.org/hckg/labels/alpha/pneumothorax
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,Pneumothorax,https://w3id.org/hckg/labels/beta/pneumothorax
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Pneumothorax,https://w3id.org/hckg/labels/beta/pneumothorax
"""),
    ('datasets-by-label', {'label': 'Effusion'}, """\
dataset,title,label,concept
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Pleural Effusion,https://w3id.org/hckg/labels/alpha/pleural-effusion
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,Effusion,https://w3id.org/hckg/labels/beta/effusion
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Effusion,https://w3id.org/hckg/labels/beta/effusion
"""),
    ('datasets-by-label', {'label': 'pleural effusion'}, """\
dataset,title,label,concept
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Pleural Effusion,https://w3id.org/hckg/labels/alpha/pleural-effusion
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,Effusion,https://w3id.org/hckg/labels/beta/effusion
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Effusion,https://w3id.org/hckg/labels/beta/effusion
"""),
    ('datasets-by-label', {'label': 'Lung Lesion'}, """\
dataset,title,label,concept
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Lung Lesion,https://w3id.org/hckg/labels/alpha/lung-lesion
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Mass,https://w3id.org/hckg/labels/beta/mass
"""),
    ('datasets-by-label', {'label': '"} ; DROP ALL #'}, """\
dataset,title,label,concept
"""),
    ('datasets-by-organisation', {'organisation': 'https://ror.org/0test0001'}, """\
dataset,title,role,agent,agentName
https://w3id.org/hckg/dataset/ward,Ward Database,publisher,https://w3id.org/hckg/agent/ward-lab,Ward Laboratory
https://w3id.org/hckg/dataset/ward-1,Ward Database v1,publisher,https://w3id.org/hckg/agent/ward-lab,Ward Laboratory
https://w3id.org/hckg/dataset/ward-2,Ward Database v2,owner,https://w3id.org/hckg/agent/ward-lab,Ward Laboratory
https://w3id.org/hckg/dataset/ward-2,Ward Database v2,publisher,https://w3id.org/hckg/agent/ward-lab,Ward Laboratory
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,creator,https://w3id.org/hckg/agent/imaging-group,Imaging Group
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,publisher,https://w3id.org/hckg/agent/imaging-group,Imaging Group
"""),
    ('datasets-by-organisation', {'organisation': 'nie', 'role': 'funder'}, """\
dataset,title,role,agent,agentName
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,funder,https://ror.org/0test0002,National Institutes of Example
"""),
    ('datasets-by-content', {'content': 'imaging'}, """\
dataset,title,content
https://w3id.org/hckg/dataset/scans,Paid CT Scans,computed tomography
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,chest radiography
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,imaging
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,chest radiography
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,chest radiography
"""),
    ('datasets-by-content', {'content': 'labs'}, """\
dataset,title,content
https://w3id.org/hckg/dataset/ward-2,Ward Database v2,laboratory results
"""),
    ('datasets-by-period', {'from': '2013', 'to': '2016'}, """\
dataset,title,start,end
https://w3id.org/hckg/dataset/survey,Health Survey,1963,
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,1992,2015
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,1992,2015
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,2002-10,2017-07
"""),
    ('datasets-by-period', {'from': '2000'}, """\
dataset,title,start,end
https://w3id.org/hckg/dataset/survey,Health Survey,1963,
https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,1992,2015
https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,1992,2015
https://w3id.org/hckg/dataset/ward-1,Ward Database v1,2001-06-01,2008-12-31
https://w3id.org/hckg/dataset/ward-2,Ward Database v2,2001,2012
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,2002-10,2017-07
"""),
    ('datasets-with-individuals', {'min': '40000'}, """\
dataset,title,individuals
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,60000
https://w3id.org/hckg/dataset/ward-2,Ward Database v2,46000
https://w3id.org/hckg/dataset/ward-1,Ward Database v1,40000
"""),
    ('label-coverage', {}, """\
finding,dataset,title,datasetLabel
Hernia,https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Hernia
Lung Lesion,https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Lung Lesion
Mass,https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Mass
Pleural Effusion,https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Pleural Effusion
Pleural Effusion,https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,Effusion
Pleural Effusion,https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Effusion
Pneumothorax,https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Pneumothorax
Pneumothorax,https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,Pneumothorax
Pneumothorax,https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,Pneumothorax
"""),
    ('organisations-and-roles', {}, """\
organisation,name,role,datasets,partOf
https://ror.org/0test0003,Example Clinical Center,data provider,1,National Institutes of Example
https://ror.org/0test0003,Example Clinical Center,publisher,2,National Institutes of Example
https://ror.org/0test0004,Example Hospital,distributor,1,
https://ror.org/0test0004,Example Hospital,source institution,1,
https://w3id.org/hckg/agent/imaging-group,Imaging Group,creator,1,Ward Laboratory
https://w3id.org/hckg/agent/imaging-group,Imaging Group,publisher,1,Ward Laboratory
https://ror.org/0test0002,National Institutes of Example,creator,1,
https://ror.org/0test0002,National Institutes of Example,funder,1,
https://w3id.org/hckg/agent/vendor,Scan Vendor Inc.,publisher,1,
https://w3id.org/hckg/agent/ward-lab,Ward Laboratory,owner,1,Example University
https://w3id.org/hckg/agent/ward-lab,Ward Laboratory,publisher,3,Example University
"""),
    ('versions-and-series', {}, """\
group,groupTitle,relation,member,memberTitle,version,issued,previous,current
https://w3id.org/hckg/dataset/ward,Ward Database,version,https://w3id.org/hckg/dataset/ward-1,Ward Database v1,1,2010-05-01,,https://w3id.org/hckg/dataset/ward-2
https://w3id.org/hckg/dataset/ward,Ward Database,version,https://w3id.org/hckg/dataset/ward-2,Ward Database v2,2,2016,https://w3id.org/hckg/dataset/ward-1,https://w3id.org/hckg/dataset/ward-2
https://w3id.org/hckg/dataset/xray-b,X-ray Series B,series member,https://w3id.org/hckg/dataset/xray-b1,X-ray Set B1,B1,2017,,https://w3id.org/hckg/dataset/xray-b2
https://w3id.org/hckg/dataset/xray-b,X-ray Series B,series member,https://w3id.org/hckg/dataset/xray-b2,X-ray Set B2,B2,2018,https://w3id.org/hckg/dataset/xray-b1,https://w3id.org/hckg/dataset/xray-b2
"""),
    ('seed-corrections', {}, """\
dataset,title,field,seedValue,correctedValue,confidence,note
https://w3id.org/hckg/dataset/ward-2,Ward Database v2,Size,"40,000 patients ","46,000 patients",verified,The list gives the figure of version 1.
https://w3id.org/hckg/dataset/xray-b,X-ray Series B,Access,https://example.org/wrong,https://example.org/xray-b,likely,
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Heading,X-ray Set A:,X-ray Set A,verified,Stray colon.
"""),
    ('seed-corrections', {'dataset': 'https://w3id.org/hckg/dataset/xray-a'}, """\
dataset,title,field,seedValue,correctedValue,confidence,note
https://w3id.org/hckg/dataset/xray-a,X-ray Set A,Heading,X-ray Set A:,X-ray Set A,verified,Stray colon.
"""),
    ('catalogue-statistics', {}, """\
statistic,value
dataset series,1
datasets,8
distributions,1
free datasets,6
label sets,3
labels,7
mapped vocabulary terms,2
organisations,7
seed corrections,3
"""),
    ('empty-categories', {}, """\
category,label
https://w3id.org/hckg/theme/medical-claims,Medical Claims
"""),
]

# dataset-description for https://w3id.org/hckg/dataset/xray-a: the dataset, its blank nodes, its
# distribution and correction, and the names of what it links to.
DESCRIPTION = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix hckg: <https://w3id.org/hckg/ontology#> .
@prefix healthdcatap: <http://healthdataportal.eu/ns/health#> .

<https://w3id.org/hckg/dataset/xray-a> a dcat:Dataset ;
    dct:title "X-ray Set A"@en ;
    dct:publisher <https://w3id.org/hckg/agent/imaging-group> ;
    dct:creator <https://w3id.org/hckg/agent/imaging-group> ;
    prov:qualifiedAttribution [ a prov:Attribution ; prov:agent <https://ror.org/0test0004> ;
        dcat:hadRole <https://w3id.org/hckg/role/distributor> ] ;
    dcat:theme <https://w3id.org/hckg/theme/medical-images> ;
    hckg:contentType <https://w3id.org/hckg/content/imaging>, <https://w3id.org/hckg/content/chest-radiography> ;
    hckg:labelScheme <https://w3id.org/hckg/labels/alpha> ;
    schema:isAccessibleForFree true ;
    dct:accessRights <http://publications.europa.eu/resource/authority/access-right/RESTRICTED> ;
    hckg:accessRequirement <https://w3id.org/hckg/requirement/registration>,
        <https://w3id.org/hckg/requirement/data-use-agreement> ;
    healthdcatap:numberOfUniqueIndividuals "60000"^^xsd:nonNegativeInteger ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2002-10"^^xsd:gYearMonth ;
        dcat:endDate "2017-07"^^xsd:gYearMonth ] ;
    dcat:distribution <https://w3id.org/hckg/distribution/xray-a> ;
    hckg:correction <https://w3id.org/hckg/correction/xray-a-heading> .

<https://w3id.org/hckg/distribution/xray-a> a dcat:Distribution ;
    dct:title "X-ray Set A download"@en ;
    dcat:accessURL <https://example.org/xray-a> .

<https://w3id.org/hckg/correction/xray-a-heading> a hckg:SeedCorrection ;
    hckg:seedField "Heading" ;
    hckg:seedValue "X-ray Set A:" ;
    hckg:correctedValue "X-ray Set A"@en ;
    hckg:confidence "verified" ;
    skos:editorialNote "Stray colon."@en .

<https://w3id.org/hckg/agent/imaging-group> foaf:name "Imaging Group"@en .
<https://w3id.org/hckg/theme/medical-images> skos:prefLabel "Medical Images"@en .
<https://w3id.org/hckg/content/imaging> skos:prefLabel "imaging"@en .
<https://w3id.org/hckg/content/chest-radiography> skos:prefLabel "chest radiography"@en .
<https://w3id.org/hckg/labels/alpha> skos:prefLabel "Set A labels"@en .
<https://w3id.org/hckg/requirement/registration> skos:prefLabel "Registration"@en .
<https://w3id.org/hckg/requirement/data-use-agreement> skos:prefLabel "Data use agreement"@en .
"""
