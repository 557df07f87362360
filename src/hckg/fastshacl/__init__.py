"""Fast SHACL validation: the SHACL Core constraints of a shapes graph compiled to SPARQL queries that
check all focus nodes at once, on the embedded store or on a SPARQL endpoint (see ``compiler`` and
``runner``). pySHACL stays the reference: shapes the compiler does not translate are validated by it."""
