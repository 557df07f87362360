"""The official shape sets in ../shared/reference/shapes, loaded the way their validators load them."""

from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SH

DCAT_AP_FILES = ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "shapes_recommended.ttl",
                 "deprecateduris.ttl")
HEALTH_LEVELS = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}


@lru_cache(maxsize=None)
def dcat_ap_shapes(shared: Path) -> Graph:
    """DCAT-AP 3.0.1: the classic html/shacl set (shapes, ranges, vocabularies, recommended, deprecated)."""
    graph = Graph()
    for name in DCAT_AP_FILES:
        graph.parse(shared / "reference/shapes/dcat-ap-3.0.1/html/shacl" / name, format="turtle")
    return graph


def _patch_pathless_property_shapes(graph: Graph) -> None:
    """HealthDCAT-AP R8 hangs a path-less sh:or rule under sh:property, which SHACL (and pySHACL) reject;
    the ITB validator tolerates it. Re-attach it with sh:node, as standards.md section 7 describes."""
    for shape, node in list(graph.subject_objects(SH.property)):
        if (node, SH.path, None) not in graph:
            graph.remove((shape, SH.property, node))
            graph.add((shape, SH.node, node))
            graph.add((node, RDF.type, SH.NodeShape))


@lru_cache(maxsize=None)
def healthdcat_shapes(shared: Path, level: str) -> Graph:
    """The HealthDCAT-AP release 8 validator set for one access level, with the SEMIC DCAT-AP shapes it imports
    (3.0.1 here; R8 imports 3.0.0, which differs only in dcat:byteSize's datatype)."""
    release = shared / "reference/shapes/healthdcat-ap-release-8"
    semic = shared / "reference/shapes/dcat-ap-3.0.1/html/shacl"
    name = HEALTH_LEVELS[level]
    graph = Graph()
    for path in (semic / "shapes.ttl", semic / "range.ttl", semic / "shapes_recommended.ttl",
                 semic / "deprecateduris.ttl", release / "shapes/graph-guard.ttl", release / "ranges/range.ttl",
                 release / f"shapes/{name}-shapes.ttl",
                 release / "controlled-vocabularies/mdr-vocabularies.shape.ttl",
                 release / f"recommended/{name}-shapes_recommended.ttl"):
        graph.parse(path, format="turtle")
    _patch_pathless_property_shapes(graph)
    return graph
