"""hckg: the healthcare knowledge graph.

A linked-data publisher for a curated catalogue of healthcare data sources: DCAT 3 / DCAT-AP 3 /
HealthDCAT-AP triples validated with SHACL, queried with stored SPARQL, exported for portals.
"""

__version__ = "0.1.0"
