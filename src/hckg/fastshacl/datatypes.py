"""Literal datatypes as pySHACL judges them (``sh:datatype``), and regexes that decide most cases in SPARQL.

pySHACL accepts a literal for ``sh:datatype D`` when its datatype is D, rdflib does not find it ill-typed,
and its Python value has the type D implies. ``SURE`` holds, per datatype, a regex whose matches rdflib
certainly accepts, so SPARQL can pass them; the rest of the literals of that datatype go through
``conforms`` here. ``LEXICAL`` holds the XSD lexical space, used where no Python check can follow (inside
``sh:node``, ``sh:or`` …): there, impossible dates such as 2017-02-30 and out-of-range ``xsd:byte`` … values
pass, where pySHACL rejects them.
"""

import logging
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib import term as rdflib_term
from rdflib.namespace import RDF, RDFS, XSD

ALWAYS = ""  # marker: every lexical form is accepted

_INTEGER = r"^[+-]?[0-9]+$"
_DECIMAL = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
_FLOAT = r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$"
_BOOLEAN = r"^(true|false|1|0)$"
_SURE_DAY = r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
_ZONE = r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
_DAY = r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"

SURE = {
    XSD.string: ALWAYS,
    RDF.langString: ALWAYS,
    XSD.integer: _INTEGER,
    XSD.nonNegativeInteger: r"^\+?[0-9]+$",
    XSD.positiveInteger: r"^\+?0*[1-9][0-9]*$",
    XSD.decimal: _DECIMAL,
    XSD.double: _FLOAT,
    XSD.float: _FLOAT,
    XSD.boolean: _BOOLEAN,
    XSD.date: f"^{_SURE_DAY}$",
    XSD.dateTime: f"^{_SURE_DAY}T{_CLOCK}$",
}

LEXICAL = {
    XSD.integer: _INTEGER,
    XSD.nonNegativeInteger: r"^(\+?[0-9]+|-0+)$",
    XSD.positiveInteger: r"^\+?0*[1-9][0-9]*$",
    XSD.nonPositiveInteger: r"^(-[0-9]+|\+?0+)$",
    XSD.negativeInteger: r"^-0*[1-9][0-9]*$",
    XSD.long: _INTEGER, XSD.int: _INTEGER, XSD.short: _INTEGER, XSD.byte: _INTEGER,
    XSD.unsignedLong: r"^\+?[0-9]+$", XSD.unsignedInt: r"^\+?[0-9]+$",
    XSD.unsignedShort: r"^\+?[0-9]+$", XSD.unsignedByte: r"^\+?[0-9]+$",
    XSD.decimal: _DECIMAL,
    XSD.double: _FLOAT,
    XSD.float: _FLOAT,
    XSD.boolean: _BOOLEAN,
    XSD.date: f"^{_DAY}{_ZONE}$",
    XSD.dateTime: f"^{_DAY}T{_CLOCK}{_ZONE}$",
    XSD.time: f"^{_CLOCK}{_ZONE}$",
}

# the value range of each datatype derived from xsd:integer: (lowest, highest), None = unbounded
INTEGER_RANGES = {
    XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None), XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1), XSD.long: (-2**63, 2**63 - 1), XSD.int: (-2**31, 2**31 - 1),
    XSD.short: (-2**15, 2**15 - 1), XSD.byte: (-128, 127), XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1), XSD.unsignedShort: (0, 2**16 - 1), XSD.unsignedByte: (0, 255),
}

# the Python type pySHACL requires of a literal's value, per datatype
_VALUE_TYPES = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime,
}
# datatypes whose literals rdflib may find ill-typed, or whose values pySHACL checks
_CHECKED = (set(getattr(rdflib_term, "XSDToPython", {})) | set(getattr(rdflib_term, "_check_well_formed_types", {}))
            | set(_VALUE_TYPES))


def lexical_forms_matter(datatype: URIRef) -> bool:
    """Whether some literals typed ``datatype`` fail ``sh:datatype datatype`` (ill-typed ones)."""
    return SURE.get(datatype) != ALWAYS and datatype in _CHECKED


def conforms(value, datatype: URIRef) -> bool:
    """pySHACL's verdict on ``value`` for ``sh:datatype datatype``."""
    if not isinstance(value, Literal):
        return False
    if datatype == RDFS.Literal:
        return True
    if value.datatype is None and value.language is None:
        return datatype == XSD.string
    if value.language is not None:
        return datatype == RDF.langString
    if value.datatype != datatype:
        return False
    quiet = logging.getLogger("rdflib.term")
    level, quiet.level = quiet.level, logging.CRITICAL  # rdflib logs every ill-typed literal it meets
    try:
        fresh = Literal(str(value), datatype=datatype)
    finally:
        quiet.level = level
    if fresh.ill_typed:
        return False
    expected = _VALUE_TYPES.get(datatype)
    return expected is None or isinstance(fresh.value, expected)
