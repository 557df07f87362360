"""The embedded store: a catalogue's RDF files in pyoxigraph, parsed natively and cached on disk.

``open_store(paths)`` reads the same files as ``hckg.graph.load_graph`` (the catalogue plus the ontology)
with pyoxigraph's own parsers into a ``pyoxigraph.Store``. The store is kept under the cache folder
(``$HCKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/hckg``, else ``~/.cache/hckg``) in a folder named by a
SHA-256 of the files' paths and contents and of the hckg and pyoxigraph versions, so a repeated command on
unchanged files opens it in well under a second. It is built in a temporary folder and renamed into place,
so processes that build the same store at once never see half of one; a built store is never written again.
The key is remembered by the files' stat signature (``remembered_key``), so files that have not changed
since they were hashed are not read again (hashing 2.5 GB takes 4.4 s).

pyoxigraph rewrites literals it understands (``"5"^^xsd:nonNegativeInteger`` is stored as
``"5"^^xsd:integer``, ``"1.50"`` as ``"1.5"``), which would make datatype and lexical checks wrong. So every
literal with an XSD datatype other than xsd:string is also kept, as parsed, in the named graph
``SOURCE_LITERALS``, with its datatype IRI prefixed by ``SOURCE_DATATYPE`` (a datatype pyoxigraph does not
know, so it keeps the literal untouched). Queries on the default graph see the catalogue as usual;
``to_rdflib`` turns such a kept literal back into the source term. The small store validation makes
(``hckg.fastshacl.value_index.ValueIndex.store``) holds less: only the triples of some predicates, and kept
literals only for the predicates that have a literal the store may rewrite (``may_rewrite``,
``with_kept_literals``).
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from hckg import __version__
from hckg.atomic import write_atomic
from hckg.errors import InputError, UsageError
from hckg.graph import catalogue_files, load_graph, parse_file
from hckg.namespaces import bind_prefixes
from hckg.progress import NO_PROGRESS, Progress

SOURCE_LITERALS = "urn:hckg:source-literals"
SOURCE_DATATYPE = "urn:hckg:source-datatype:"
LAYOUT = 1  # what a cached store holds; part of its key
META = "meta.json"
STORES = ("disk", "memory", "auto")
MEMORY_PER_INPUT_BYTE = 16  # RSS of an in-memory store per byte of Turtle read (measured: 10k datasets)
KEEP_STORES = 3  # cached stores kept besides those used in the last day
STALE_SECONDS = 24 * 3600
RACY_SECONDS = 2  # coarsest file-time resolution trusted by remembered_key (FAT's)

# file suffix -> (pyoxigraph format, name in messages); other suffixes (.jsonld) are parsed by rdflib
NATIVE_FORMATS = {
    ".ttl": (ox.RdfFormat.TURTLE, "Turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "N-Triples"),
    ".nq": (ox.RdfFormat.N_QUADS, "N-Quads"),
    ".rdf": (ox.RdfFormat.RDF_XML, "RDF/XML"),
    ".owl": (ox.RdfFormat.RDF_XML, "RDF/XML"),
}
# below this size a syntax error is re-read by rdflib, whose messages hckg has always shown
REFERENCE_MESSAGE_BYTES = 10 * 2**20

_XSD = str(XSD)
_XSD_STRING = str(XSD.string)
# lexical forms the in-memory store holds exactly as written (tests/test_scale_visible.py checks them
# against pyoxigraph); other forms it may rewrite ("007" -> "7", "1" -> "true", "+00:00" -> "Z")
FAITHFUL_FORMS = {
    _XSD + "boolean": re.compile("true|false"),
    _XSD + "date": re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    _XSD + "gYear": re.compile("[0-9]{4}"),
    _XSD + "gYearMonth": re.compile("[0-9]{4}-[0-9]{2}"),
    _XSD + "integer": re.compile("0|-?[1-9][0-9]{0,17}"),
}
_SIDE_GRAPH = ox.NamedNode(SOURCE_LITERALS)


@dataclass
class CatalogueStore:
    """A catalogue in a pyoxigraph store, with what is needed to show its terms as rdflib would."""

    store: ox.Store
    files: list[Path]
    names: Graph                    # an empty rdflib graph bound to the files' prefixes, for display
    literal_predicates: frozenset   # predicates with literals kept in SOURCE_LITERALS
    triples: int
    location: Path | None = None    # the cached store's folder; None for an in-memory store
    graph: Graph | None = None      # the rdflib graph the store was made from, if it was

    def rdflib_graph(self) -> Graph:
        """The same data as an rdflib graph (slow for big catalogues: for pySHACL on a few shapes)."""
        return self.graph if self.graph is not None else load_graph(self.files, ontology=False)


def cache_root() -> Path:
    """The folder cached stores live in."""
    if os.environ.get("HCKG_CACHE_DIR"):
        return Path(os.environ["HCKG_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hckg"


def _header() -> str:
    return f"hckg {__version__} pyoxigraph {ox.__version__} layout {LAYOUT}\0"


def store_key(files: list[Path]) -> str:
    """SHA-256 of the files' paths and contents, the hckg and pyoxigraph versions and the store layout.

    Read from ``remembered_key`` when the files have not changed since they were last hashed.
    """
    key = remembered_key(files)
    if key is not None:
        return key
    hashed_at = time.time_ns()
    digest = hashlib.sha256(_header().encode())
    for path in files:
        digest.update(f"{path.resolve()}\0{path.stat().st_size}\0".encode())
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    key = digest.hexdigest()
    _remember_key(files, key, hashed_at)
    return key


def remembered_key(files: list[Path]) -> str | None:
    """The store key recorded for these files with this exact stat signature (path, size, inode, change
    times), if each file was last changed well before it was hashed. A file changed within
    ``RACY_SECONDS`` of its hashing could change again with the same signature, so its key is not trusted."""
    record = cache_root() / "keys" / _signature(files)
    try:
        hashed_at, key = record.read_text().split()
    except (OSError, ValueError):
        return None
    newest_change = max((max(s.st_mtime_ns, s.st_ctime_ns) for s in map(Path.stat, files)), default=0)
    return key if newest_change < int(hashed_at) - RACY_SECONDS * 10**9 else None


def _remember_key(files: list[Path], key: str, hashed_at: int) -> None:
    record = cache_root() / "keys" / _signature(files)
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(record, f"{hashed_at} {key}\n".encode())
    except OSError:  # a cache that cannot be written only costs the next command a hash
        pass


def _signature(files: list[Path]) -> str:
    """SHA-256 of what identifies the files' current versions without reading them."""
    digest = hashlib.sha256(_header().encode())
    for path in files:
        stat = path.stat()
        digest.update(f"{path.resolve()}\0{stat.st_size}\0{stat.st_dev}\0{stat.st_ino}\0"
                      f"{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0".encode())
    return digest.hexdigest()


def open_store(paths=None, *, ontology: bool = True, where: str = "disk",
               progress: Progress = NO_PROGRESS) -> CatalogueStore:
    """Open the store of a catalogue (default ``data/``) plus the ontology.

    ``where="disk"``: the cached on-disk store, built first if the files changed (a later call opens it
    in well under a second). ``"memory"``: an in-memory store, parsed now and not kept; its queries run
    about three times faster than on disk, so one long job (validation) is faster there even counting the
    parse. ``"auto"``: memory if the catalogue fits comfortably (``fits_in_memory``), else disk.
    """
    if where not in STORES:
        raise UsageError(f"unknown store '{where}'; use one of {', '.join(STORES)}")
    files = catalogue_files(paths, ontology=ontology)
    if where == "memory" or (where == "auto" and fits_in_memory(files)):
        store = ox.Store()
        meta = _fill(store, files, progress)
        return catalogue_store(store, files, meta, None)
    root = cache_root() / "stores"
    location = root / store_key(files)
    if not (location / META).is_file():
        _build(location, files, progress)
        _prune(root, location)
    os.utime(location)  # last use, for pruning
    meta = json.loads((location / META).read_text())
    return catalogue_store(ox.Store.read_only(str(location / "db")), files, meta, location)


def fits_in_memory(files: list[Path]) -> bool:
    """Whether an in-memory store of ``files`` would take under half the memory available now."""
    needed = MEMORY_PER_INPUT_BYTE * sum(path.stat().st_size for path in files)
    return needed < available_memory() / 2


def available_memory() -> int:
    """Bytes of memory available now (without swapping)."""
    try:
        with open("/proc/meminfo") as meminfo:
            return next(int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:"))
    except (OSError, StopIteration):
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def resident_memory() -> int:
    """Bytes of memory this process holds now (its RSS)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def is_kept(term) -> bool:
    """Whether a copy of this rdflib term is kept in SOURCE_LITERALS: a literal with an XSD datatype other
    than xsd:string, which the store may rewrite."""
    return isinstance(term, Literal) and term.datatype is not None and is_kept_datatype(str(term.datatype))


def is_kept_datatype(iri: str) -> bool:
    """Whether literals of this datatype IRI have a copy in SOURCE_LITERALS: XSD, other than xsd:string."""
    return iri.startswith(_XSD) and iri != _XSD_STRING


def stored_is_kept(term) -> bool:
    """``is_kept`` for a pyoxigraph term read from the store (its default graph may hold a rewritten form)."""
    return type(term) is ox.Literal and is_kept_datatype(term.datatype.value)


def kept_copy(literal: Literal) -> ox.Literal:
    """The copy of a kept literal (``is_kept``) as SOURCE_LITERALS holds it."""
    return ox.Literal(str(literal), datatype=ox.NamedNode(SOURCE_DATATYPE + str(literal.datatype)))


def store_from_graph(graph: Graph) -> CatalogueStore:
    """An in-memory store holding an rdflib graph (blank nodes keep their ids); shows terms as ``graph`` does."""
    store = ox.Store()
    kept = [(s, p, o) for s, p, o in graph if is_kept(o)]
    store.bulk_extend([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
                      + [ox.Quad(to_oxigraph(s), to_oxigraph(p), kept_copy(o), _SIDE_GRAPH) for s, p, o in kept])
    return CatalogueStore(store, [], graph, frozenset(str(p) for _s, p, _o in kept), len(graph), graph=graph)


def to_oxigraph(term):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_rdflib(term):
    """A pyoxigraph term as an rdflib term; a literal kept in SOURCE_LITERALS becomes its source form."""
    kind = type(term)
    if kind is ox.NamedNode:
        return str.__new__(URIRef, term.value)  # URIRef() would check an IRI the store has checked
    if kind is ox.BlankNode:
        return BNode(term.value)
    language = term.language
    if language:
        return string_literal(term.value, language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return string_literal(term.value, None)
    return Literal(term.value, datatype=_datatype(datatype))


def _datatype(iri: str) -> URIRef:
    """The rdflib datatype of a store literal's datatype IRI (a kept literal's is its source datatype), made
    once: URIRef() checks the IRI, which costs more than the look-up."""
    found = _DATATYPES.get(iri)
    if found is None:
        found = _DATATYPES[iri] = URIRef(iri.removeprefix(SOURCE_DATATYPE))
    return found


_DATATYPES: dict[str, URIRef] = {}


def _made_as_rdflib_makes(value: str, language: str | None) -> Literal:
    """The rdflib Literal of a string (plain or language-tagged), without Literal()'s checks and casts,
    which cost ~8 µs a literal (seconds for a 10^5-row answer): its value is the string itself."""
    literal = str.__new__(Literal, value)
    literal._language, literal._datatype, literal._value, literal._ill_typed = language, None, value, None
    return literal


def _same_literal(made: Literal, reference: Literal) -> bool:
    return all(getattr(made, slot) == getattr(reference, slot) for slot in Literal.__slots__) and made == reference


# the fast way only where it gives what rdflib's own constructor gives (checked once, for this rdflib)
string_literal = (_made_as_rdflib_makes if all(_same_literal(_made_as_rdflib_makes(v, lang), Literal(v, lang=lang))
                                              for v, lang in (("x y", "en"), ("é", "pt-BR"), ("", None), ("7", None)))
                  else lambda value, language: Literal(value, lang=language))


# --- building --------------------------------------------------------------------------------------

class _CountingReader:
    """A binary file that reports the bytes read to a progress stage."""

    def __init__(self, handle, stage):
        self.handle, self.stage = handle, stage

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.stage.advance(len(data))
        return data


class _Contents:
    """Reads files into quads, and what it finds besides: triples, prefixes, predicates with kept literals.

    ``copies``: a kept copy of every XSD-typed literal (see the module docstring); False: none at all (for a
    holder of the parsed terms themselves, ``hckg.quad_index`` and ``hckg.fastshacl.value_index``).
    """

    def __init__(self, copies: bool = True):
        self.copies = copies
        self.triples = 0
        self.prefixes: list[tuple[str, str]] = []
        self.predicates: set[str] = set()

    def quads(self, files: list[Path], stage):
        """Every triple of ``files`` in the default graph, plus the kept copies of XSD-typed literals.

        One flat loop: this runs once per triple, so it does as little as it can.
        """
        literal, named, quad_type, side = ox.Literal, ox.NamedNode, ox.Quad, _SIDE_GRAPH
        kept_datatype, predicates = SOURCE_DATATYPE, self.predicates
        decided: dict = {}  # datatype -> the kept copy's datatype, or False
        copied: set = set()  # predicates whose literals are copied
        for path in files:
            with open(path, "rb") as handle:
                parser, triples_only = _parser(path, handle, stage)
                count = 0
                try:
                    if not self.copies:   # every triple as parsed: nothing to look at
                        for count, quad in enumerate(parser, 1):
                            yield quad if triples_only else quad_type(quad.subject, quad.predicate, quad.object)
                    else:
                        for count, quad in enumerate(parser, 1):
                            obj = quad.object
                            if type(obj) is literal:
                                datatype = obj.datatype
                                keep = decided.get(datatype)
                                if keep is None:  # once per datatype
                                    iri = datatype.value
                                    keep = decided[datatype] = named(kept_datatype + iri) if is_kept_datatype(iri) else False
                                if keep:
                                    predicate = quad.predicate
                                    if predicate not in copied:
                                        copied.add(predicate)
                                        predicates.add(predicate.value)
                                    yield quad_type(quad.subject, predicate, literal(obj.value, datatype=keep), side)
                            yield quad if triples_only else quad_type(quad.subject, quad.predicate, obj)
                except SyntaxError as exc:
                    raise _syntax_error(path, exc) from None
                except OSError as exc:
                    raise InputError(f"{path}: cannot read: {exc.strerror}") from None
                self.triples += count
                self.prefixes.extend(getattr(parser, "prefixes", {}).items())


def may_rewrite(literal: ox.Literal) -> bool:
    """Whether an in-memory store may hold ``literal`` in another form: it has an XSD datatype other than
    xsd:string (``is_kept_datatype``) and is not in a form the store holds as written (``FAITHFUL_FORMS``)."""
    iri = literal.datatype.value
    if not is_kept_datatype(iri):
        return False
    faithful = FAITHFUL_FORMS.get(iri)
    return faithful is None or faithful.fullmatch(literal.value) is None


def with_kept_literals(quads: Iterable[ox.Quad], literal_predicates: frozenset[str]) -> Iterator[ox.Quad]:
    """``quads``, each followed by the kept copy of its object where that is an XSD-typed literal
    (``is_kept_datatype``) of one of ``literal_predicates``: how a store of some predicates' triples keeps
    the source forms of the literals it may rewrite (``literal_predicates``: the predicates with such a
    literal, ``may_rewrite``)."""
    wanted = {ox.NamedNode(iri) for iri in literal_predicates}
    for quad in quads:
        yield quad
        obj = quad.object
        if type(obj) is ox.Literal and quad.predicate in wanted and is_kept_datatype(obj.datatype.value):
            yield _kept_quad(quad)


def _kept_quad(quad: ox.Quad) -> ox.Quad:
    """The kept copy of a triple whose object is an XSD-typed literal, as SOURCE_LITERALS holds it."""
    obj = quad.object
    copy = ox.Literal(obj.value, datatype=ox.NamedNode(SOURCE_DATATYPE + obj.datatype.value))
    return ox.Quad(quad.subject, quad.predicate, copy, _SIDE_GRAPH)


def _parser(path: Path, handle, stage):
    """(quads of the file, whether they are all in the default graph): pyoxigraph's parser where it has one."""
    if path.suffix not in NATIVE_FORMATS:
        graph = Graph()
        parse_file(graph, path)
        stage.advance(path.stat().st_size)
        return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph], True
    fmt, _name = NATIVE_FORMATS[path.suffix]
    parser = ox.parse(_CountingReader(handle, stage), fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
    return parser, fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML)


def _syntax_error(path: Path, exc: SyntaxError) -> InputError:
    """The error for a file pyoxigraph cannot parse: rdflib's message for files of ordinary size."""
    if path.stat().st_size <= REFERENCE_MESSAGE_BYTES:
        try:
            parse_file(Graph(), path)
        except InputError as reference:
            return reference
    message = exc.msg.split(": ", 1)[-1] if exc.msg.startswith("Parser error") else exc.msg
    return InputError(f"{path}:{exc.lineno}: {NATIVE_FORMATS[path.suffix][1]} syntax error: {message}")


def read_files(files: list[Path], progress: Progress, consume, copies: bool = True) -> tuple:
    """Give the quads of ``files`` (see ``_Contents``) to ``consume``; return the build's metadata and what
    ``consume`` returned."""
    contents = _Contents(copies)
    with progress.stage("Loading", sum(path.stat().st_size for path in files)) as stage:
        result = consume(contents.quads(files, stage))
    return {"files": [str(path) for path in files], "triples": contents.triples,
            "prefixes": contents.prefixes, "literal_predicates": sorted(contents.predicates)}, result


def _fill(store: ox.Store, files: list[Path], progress: Progress) -> dict:
    """Load ``files`` into ``store``; return the build's metadata."""
    return read_files(files, progress, store.bulk_extend)[0]


def catalogue_store(store, files: list[Path], meta: dict, location: Path | None) -> CatalogueStore:
    """A ``CatalogueStore`` of a filled store (or ``hckg.quad_index.QuadIndex``) and its build's metadata."""
    return CatalogueStore(store, files, prefix_names(meta), frozenset(meta["literal_predicates"]), meta["triples"],
                          location)


def prefix_names(meta: dict) -> Graph:
    """An empty rdflib graph bound to the prefixes a build's files declare, for display."""
    names = bind_prefixes(Graph())
    for prefix, namespace in meta["prefixes"]:  # as rdflib's parsers bind them, file after file
        names.bind(prefix, namespace)
    return names


def _build(location: Path, files: list[Path], progress: Progress) -> None:
    """Build the store in a temporary folder beside ``location`` and rename it into place."""
    location.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".building-{location.name[:12]}-", dir=location.parent))
    try:
        store = ox.Store(str(building / "db"))
        meta = _fill(store, files, progress)
        store.flush()
        del store  # closes the database before it moves
        (building / META).write_text(json.dumps(meta))
        try:
            building.rename(location)
        except OSError:
            if not (location / META).is_file():
                raise
            shutil.rmtree(building)  # another process built the same store first
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _prune(root: Path, keep: Path) -> None:
    """Remove cached stores (and abandoned builds) unused for a day, beyond the KEEP_STORES newest, and
    the remembered keys of stores that are gone."""
    used = {}
    for path in root.iterdir():
        try:
            used[path] = path.stat().st_mtime
        except FileNotFoundError:  # removed by another process meanwhile
            continue
    stale = {path for path, mtime in used.items() if time.time() - mtime > STALE_SECONDS and path != keep}
    stores = sorted((p for p in used if not p.name.startswith(".")), key=used.get, reverse=True)
    for path in stale - set(stores[:KEEP_STORES]):
        shutil.rmtree(path, ignore_errors=True)
    records = root.parent / "keys"  # remembered keys of stores no longer kept
    for record in records.iterdir() if records.is_dir() else ():
        try:
            if not (root / record.read_text().split()[-1]).is_dir():
                record.unlink()
        except (OSError, IndexError):
            continue
