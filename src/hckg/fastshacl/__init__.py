"""Fast SHACL validation: the SHACL Core constraints of a shapes graph compiled to SPARQL queries that
check all focus nodes at once, on the embedded store or on a SPARQL endpoint (see ``compiler`` and
``runner``); in memory, most of those checks are decided in Python on the parsed triples instead
(``native``, ``value_index``). pySHACL stays the reference: shapes the compiler does not translate are
validated by it."""
