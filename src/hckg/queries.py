"""Stored SPARQL queries: grlc-style ``#+`` headers, typed parameters and injection-proof binding.

A query file is one question. Its ``#+`` lines (grlc decorators, YAML, else JSON) carry ``summary``,
``description``, ``tags``, ``defaults``, ``enumerate`` and ``pagination``; its variables named the grlc
way are parameters: ``?_name`` required, ``?__name`` optional, with suffixes ``_iri``, ``_integer``,
``_number``, ``_literal``, ``_<prefix>_<type>`` (``_xsd_date``) or a language tag (``_en``).

Binding turns each value into an RDF term (IRI checked, literal escaped, typed by suffix) and puts it
in place of its variable in one pass over the query's tokens, so a value is never re-read as query
text, and text inside strings, IRIs and comments is never touched. The bound text is what every
engine runs, so the embedded store and a remote endpoint answer the same query.
"""

import difflib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from hckg.engines import Engine, engine_for
from hckg.errors import InputError, UsageError
from hckg.output import Table, check_format, render, render_table
from hckg.progress import NO_PROGRESS, Progress
from hckg.resources import project_dir

QUERY_SUFFIX = ".rq"

# Every decorator grlc knows. hckg acts on the first six and ``endpoint``; the rest concern grlc's
# HTTP API and are accepted so that grlc query files load unchanged.
HEADER_KEYS = ("summary", "description", "tags", "defaults", "enumerate", "pagination", "endpoint",
               "method", "endpoint_in_url", "transform", "endpoint-method", "mime")

# grlc's parameter pattern (gquery.get_parameters), applied to one whole variable token.
GRLC_PARAMETER = re.compile(
    r"\?(?P<required>_{1,2})(?P<name>[a-zA-Z0-9]+)(_(?P<type>iri|number|literal|integer))?"
    r"(_(?P<prefix>[a-zA-Z0-9]+)_(?P<userdefined>[a-zA-Z0-9]+))?(_(?P<lang>[a-zA-Z0-9]+))?"
)

# Query text as tokens: what must never be rewritten (strings, IRIs, comments) and variables.
TOKENS = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                  |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<comment>\#[^\n\r]*)
      |(?P<variable>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)''',
    re.VERBOSE,
)
PREFIX_DECLARATION = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
QUERY_FORM = re.compile(
    r"(?<![\w:?$])(SELECT|CONSTRUCT|DESCRIBE|ASK|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)(?![\w:])",
    re.IGNORECASE,
)
PREFIXED_NAME = re.compile(r"(?<![\w?$.:-])([A-Za-z](?:[\w.-]*\w)?)?:")
TRAILING_LIMITS = re.compile(r"(?:\s*\b(?:LIMIT|OFFSET)\s+\d+)+\s*$", re.IGNORECASE)
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*")
INTEGER = re.compile(r"[+-]?\d+")
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a stored query, as a user passes it (``-p name VALUE``)."""

    name: str
    variable: str | None          # the variable it replaces, e.g. ``?_label``; None for ``page``
    required: bool
    kind: str                     # literal | iri | integer | number | datatype | lang
    datatype: str | None = None   # datatype IRI when kind == "datatype"
    datatype_name: str | None = None  # as written, e.g. ``xsd:date``
    lang: str | None = None
    default: str | None = None
    enum: tuple[str, ...] | None = None
    enum_from_data: bool = False  # grlc ``enumerate: [name]``: values are those in the data

    @property
    def type_name(self) -> str:
        """The type as a user reads it: literal, iri, integer, number, xsd:date, literal@en."""
        if self.kind == "datatype":
            return self.datatype_name
        if self.kind == "lang":
            return f"literal@{self.lang}"
        return self.kind

    def describe(self) -> str:
        """One line for listings: ``name: type, required|optional|default X[, one of a|b]``."""
        if self.default is not None:
            need = f"default {self.default}"
        else:
            need = "required" if self.required else "optional"
        text = f"{self.name}: {self.type_name}, {need}"
        if self.enum:
            text += ", one of " + "|".join(self.enum)
        elif self.enum_from_data:
            text += ", values from the data"
        return text


@dataclass(frozen=True)
class StoredQuery:
    """A parsed query file: its header, its parameters and its SPARQL text."""

    name: str
    source: str                   # where it came from, for messages
    text: str
    form: str                     # SELECT | CONSTRUCT | DESCRIBE | ASK
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    pagination: int | None = None
    endpoint: str | None = None
    parameters: tuple[Parameter, ...] = ()
    warnings: tuple[str, ...] = ()

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def bind(self, values: dict[str, str]) -> str:
        """The query text with ``values`` bound; raises UsageError naming any bad parameter."""
        known = {p.name for p in self.parameters}
        for name in values:
            if name not in known:
                listed = ", ".join(sorted(known)) or "none"
                raise UsageError(f"query '{self.name}' has no parameter '{name}' (its parameters: {listed})")
        terms: dict[str, str] = {}
        page = 1
        for param in self.parameters:
            value = values.get(param.name, param.default)
            if value is None:
                if param.required:
                    raise UsageError(f"query '{self.name}' needs parameter '{param.name}': add -p {param.name} VALUE")
                continue
            term = term_for(param, str(value))
            if param.variable is None:  # the page of a paginated query
                page = int(term)
            else:
                terms[param.variable] = term
        text = substitute(self.text, terms)
        if self.pagination:
            text = paginate(text, self.pagination, page)
        return text


# --- parsing -----------------------------------------------------------------------------------

def read_header(text: str, source: str) -> dict:
    """The grlc decorator block: column-0 ``#+`` lines, ``#``/``+`` stripped, YAML else JSON."""
    block = "\n".join(line.lstrip("#+") for line in text.split("\n") if line.startswith("#+"))
    if not block.strip():
        return {}
    try:
        header = yaml.safe_load(block)
    except yaml.YAMLError as yaml_error:
        try:
            header = json.loads(block)
        except json.JSONDecodeError:
            where = getattr(yaml_error, "problem_mark", None)
            at = f" (header line {where.line + 1})" if where is not None else ""
            raise InputError(f"{source}: the #+ header is neither YAML nor JSON{at}: "
                             f"{getattr(yaml_error, 'problem', yaml_error)}") from None
    if header is None:
        return {}
    if not isinstance(header, dict):
        raise InputError(f"{source}: the #+ header must be 'key: value' lines, not {type(header).__name__}")
    return header


def _blank(text: str, *kinds: str) -> str:
    """``text`` with the tokens of ``kinds`` (string, iri, comment) overwritten by spaces, same length."""
    return TOKENS.sub(lambda m: " " * len(m.group()) if m.lastgroup in kinds else m.group(), text)


def query_form(text: str, source: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK; updates and unreadable text are errors."""
    found = QUERY_FORM.search(_blank(text, "string", "iri", "comment"))
    if not found:
        raise InputError(f"{source}: no SELECT, CONSTRUCT, DESCRIBE or ASK found; is this a SPARQL query?")
    form = found.group(1).upper()
    if form not in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
        raise InputError(f"{source}: {form} is a SPARQL update; hckg runs read-only queries")
    return form


def _prefixes(text: str) -> dict[str, str]:
    return {(p or ""): iri for p, iri in PREFIX_DECLARATION.findall(_blank(text, "string", "comment"))}


def _check_prefixes(text: str, source: str) -> None:
    """Every prefixed name needs a PREFIX line: endpoints know no defaults (rdflib quietly does)."""
    used = {p or "" for p in PREFIXED_NAME.findall(_blank(text, "string", "iri", "comment"))}
    missing = sorted(used - set(_prefixes(text)))
    if missing:
        lines = " ".join(f"PREFIX {p}: <…>" for p in missing)
        raise InputError(f"{source}: prefix {', '.join(repr(p + ':') for p in missing)} used but not declared; "
                         f"add {lines}")


def _parameter_from(token: str, source: str, prefixes: dict[str, str]) -> Parameter | None:
    """The parameter a variable token declares, or None for an ordinary variable."""
    match = GRLC_PARAMETER.match(token)
    if not match:
        return None
    if match.end() != len(token):
        raise InputError(f"{source}: variable {token} does not follow grlc parameter naming "
                         f"(?_name, ?__name, then _iri|_integer|_number|_literal, _prefix_type or _lang); "
                         f"write names in camelCase, since '_' separates the parts")
    kind_parts = [k for k in ("type", "prefix", "lang") if match.group(k)]
    if len(kind_parts) > 1:
        raise InputError(f"{source}: variable {token} combines a type, a datatype and a language tag; use one")
    name, required = match.group("name"), match.group("required") == "_"
    if match.group("type"):
        return Parameter(name, token, required, match.group("type"))
    if match.group("prefix"):
        prefix, local = match.group("prefix"), match.group("userdefined")
        namespace = prefixes.get(prefix, str(XSD) if prefix == "xsd" else None)
        if namespace is None:
            raise InputError(f"{source}: variable {token} uses prefix '{prefix}', which the query does not declare")
        return Parameter(name, token, required, "datatype", datatype=namespace + local,
                         datatype_name=f"{prefix}:{local}")
    if match.group("lang"):
        lang = match.group("lang")
        if not re.fullmatch(r"[A-Za-z]{2,3}", lang):
            raise InputError(f"{source}: variable {token} parses as name '{name}' with language tag '{lang}'; "
                             f"write ?_{name}_xsd_{lang} for a typed value, or camelCase for a longer name")
        return Parameter(name, token, required, "lang", lang=lang.lower())
    return Parameter(name, token, required, "literal")


def _one_key_maps(header: dict, key: str, source: str) -> list[tuple[str, object]]:
    """``defaults``/``enumerate`` entries as (name, value) pairs; a bare name has value None."""
    entries = header.get(key) or []
    if not isinstance(entries, list):
        raise InputError(f"{source}: header '{key}' must be a list ('- name: value' lines)")
    pairs = []
    for entry in entries:
        if isinstance(entry, dict) and len(entry) == 1:
            pairs.extend(entry.items())
        elif isinstance(entry, str) and key == "enumerate":
            pairs.append((entry, None))
        else:
            raise InputError(f"{source}: header '{key}' entry {entry!r} must be one '- name: value' line")
    return pairs


def _parameters(text: str, header: dict, source: str) -> tuple[Parameter, ...]:
    prefixes = _prefixes(text)
    found: dict[str, Parameter] = {}
    for token in TOKENS.finditer(text):
        if token.lastgroup != "variable":
            continue
        param = _parameter_from(token.group(), source, prefixes)
        if param is None:
            continue
        earlier = found.get(param.name)
        if earlier is not None and earlier.variable != param.variable:
            raise InputError(f"{source}: parameter '{param.name}' is written both {earlier.variable} and "
                             f"{param.variable}; use one spelling")
        found[param.name] = param
    for key in ("defaults", "enumerate"):
        for name, value in _one_key_maps(header, key, source):
            if name not in found:
                listed = ", ".join(found) or "none"
                raise InputError(f"{source}: header '{key}' names '{name}', which is not a parameter "
                                 f"of the query (its parameters: {listed})")
            param = found[name]
            if key == "defaults":
                param = replace(param, default=str(value))
                term_for(param, param.default, source)  # a bad default is the file's error
            elif value is None:
                param = replace(param, enum_from_data=True)
            elif isinstance(value, list) and value:
                param = replace(param, enum=tuple(str(v) for v in value))
            else:
                raise InputError(f"{source}: header 'enumerate' for '{name}' must be a non-empty list of values")
            found[name] = param
    params = list(found.values())
    if header.get("pagination"):
        if "page" in found:
            raise InputError(f"{source}: a paginated query has its own 'page' parameter; rename ?_page")
        params.append(Parameter("page", None, False, "integer", default="1"))
    return tuple(params)


def _check_header(header: dict, source: str) -> list[str]:
    """Type-check the header values hckg uses; return warnings for keys grlc does not know."""
    for key in ("summary", "description", "endpoint"):
        if key in header and not isinstance(header[key], str):
            raise InputError(f"{source}: header '{key}' must be text")
    tags = header.get("tags", [])
    if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise InputError(f"{source}: header 'tags' must be a list of words ('- tag' lines)")
    pagination = header.get("pagination")
    if pagination is not None and not (isinstance(pagination, int) and not isinstance(pagination, bool)
                                       and pagination > 0):
        raise InputError(f"{source}: header 'pagination' must be a positive whole number of rows per page")
    endpoint = header.get("endpoint")
    if endpoint is not None and not re.match(r"https?://", endpoint):
        raise InputError(f"{source}: header 'endpoint' must be an http(s) URL")
    return [f"{source}: unknown header key '{key}' (grlc keys: {', '.join(HEADER_KEYS)})"
            for key in header if key not in HEADER_KEYS]


def parse_query(text: str, name: str, source: str) -> StoredQuery:
    """Parse one query file's text into a StoredQuery; file errors are InputErrors naming ``source``."""
    header = read_header(text, source)
    warnings = _check_header(header, source)
    _check_prefixes(text, source)
    return StoredQuery(
        name=name,
        source=source,
        text=text,
        form=query_form(text, source),
        summary=header.get("summary", "").strip(),
        description=" ".join(header.get("description", "").split()),
        tags=tuple(header.get("tags", [])),
        pagination=header.get("pagination"),
        endpoint=header.get("endpoint"),
        parameters=_parameters(text, header, source),
        warnings=tuple(warnings),
    )


# --- loading -----------------------------------------------------------------------------------

def query_files(folder: Path | None = None) -> list[Path]:
    """The stored query files, sorted by name."""
    return sorted((folder or project_dir("queries")).glob(f"*{QUERY_SUFFIX}"))


def read_query_file(path: Path) -> StoredQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_query(text, path.name.split(".")[0], str(path))


def stored_queries(folder: Path | None = None) -> list[StoredQuery]:
    """Every stored query, parsed."""
    return [read_query_file(path) for path in query_files(folder)]


def stored_query(name: str, folder: Path | None = None) -> StoredQuery:
    """The stored query called ``name`` (its file stem); an unknown name suggests close ones."""
    names = [path.name.split(".")[0] for path in query_files(folder)]
    if name not in names:
        containing = [n for n in names if name in n]
        close = list(dict.fromkeys(containing + difflib.get_close_matches(name, names, n=3, cutoff=0.8)))[:3]
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise UsageError(f"no stored query '{name}'; {hint}run `hckg queries` to list them")
    return read_query_file((folder or project_dir("queries")) / f"{name}{QUERY_SUFFIX}")


def query_from_file(path: str) -> StoredQuery:
    """An ad-hoc query file; ``-`` reads the query from standard input."""
    if path == "-":
        return parse_query(sys.stdin.read(), "stdin", "<stdin>")
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such query file")
    return read_query_file(file)


# --- binding -----------------------------------------------------------------------------------

def sparql_string(value: str) -> str:
    r"""A SPARQL string literal holding exactly ``value``.

    SPARQL expands ``\u``/``\U`` escapes before it parses (SPARQL 1.1 §19.2). rdflib does so even
    after an escaped backslash, so ``"\\u0041"`` would come back as ``\A``; the letter after an
    escaped backslash is therefore written as an escape itself (``"\\\U000000750041"``), which rdflib
    and Oxigraph both read back as ``\u0041``. Tabs are escaped too: rdflib's parser turns raw tabs
    into spaces.
    """
    text = (value.replace("\\", "\\\\").replace('"', '\\"')
            .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return '"' + re.sub(r"\\([uU])", lambda m: "\\\\U%08X" % ord(m.group(1)), text) + '"'


def sparql_term(term: URIRef | Literal) -> str:
    """The SPARQL text of a checked term."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    text = sparql_string(str(term))
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^<{term.datatype}>"
    return text


def _iri(value: str) -> URIRef:
    if not IRI.fullmatch(value):
        raise ValueError("is not an absolute IRI (like https://w3id.org/hckg/dataset/chexpert)")
    return URIRef(value)


def _typed(value: str, datatype: str) -> Literal:
    literal = Literal(value, datatype=URIRef(datatype))
    if literal.ill_typed:
        raise ValueError(f"is not a valid <{datatype}> value")
    return literal


def _number(value: str) -> Literal:
    if not NUMBER.fullmatch(value):
        raise ValueError("is not a number")
    if INTEGER.fullmatch(value):
        return Literal(int(value))
    return Literal(value, datatype=XSD.double if "e" in value.lower() else XSD.decimal)


def term_for(param: Parameter, value: str, source: str | None = None) -> str:
    """The SPARQL text of ``value`` as ``param``'s type; a bad value names the parameter."""
    try:
        if param.enum is not None and value not in param.enum:
            raise ValueError(f"is not one of {', '.join(param.enum)}")
        if param.kind == "iri":
            term = _iri(value)
        elif param.kind == "integer":
            if not INTEGER.fullmatch(value.strip()):
                raise ValueError("is not a whole number")
            number = int(value)
            if param.variable is None and number < 1:
                raise ValueError("is not a page number (1, 2, …)")
            term = Literal(number)
        elif param.kind == "number":
            term = _number(value.strip())
        elif param.kind == "datatype":
            term = _typed(value, param.datatype)
        elif param.kind == "lang":
            term = Literal(value, lang=param.lang)
        else:
            term = Literal(value)
    except ValueError as exc:
        where = f"{source}: default of " if source else ""
        raise UsageError(f"{where}parameter '{param.name}': {value!r} {exc}") from None
    if param.variable is None:
        return str(term)
    return sparql_term(term)


def substitute(text: str, terms: dict[str, str]) -> str:
    """Replace whole variable tokens by terms in one pass; strings, IRIs and comments stay as they are."""
    if not terms:
        return text

    def replace(match: re.Match) -> str:
        if match.lastgroup == "variable":
            return terms.get(match.group(), match.group())
        return match.group()

    return TOKENS.sub(replace, text)


def paginate(text: str, per_page: int, page: int) -> str:
    """grlc pagination: drop a trailing LIMIT/OFFSET, then ask for rows of ``page``."""
    code = _blank(text, "string", "iri", "comment")
    trailing = TRAILING_LIMITS.search(code)
    if trailing:
        text = text[:trailing.start()]
    return f"{text.rstrip()}\nLIMIT {per_page} OFFSET {(page - 1) * per_page}\n"


# --- running -----------------------------------------------------------------------------------

@dataclass
class Answer:
    """A rendered result, and a note for the user (e.g. that more pages exist)."""

    text: str
    note: str | None = None


def parameter_values(pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``-p NAME VALUE`` pairs as a dict; a name given twice is a UsageError."""
    values: dict[str, str] = {}
    for name, value in pairs:
        if name in values:
            raise UsageError(f"parameter '{name}' is given twice; give each -p NAME once")
        values[name] = value
    return values


def run(query: StoredQuery, text: str, engine: Engine) -> Table | Graph:
    """Run bound ``text`` of ``query`` on ``engine``: rows for SELECT and ASK, a graph otherwise."""
    try:
        if query.form == "SELECT":
            return engine.select(text)
        if query.form == "ASK":
            return Table(["boolean"], [(Literal(engine.ask(text)),)])
        return engine.construct(text)
    except InputError as exc:  # a syntax error: its line is the file's line
        raise InputError(f"{query.source}: {exc}") from None


def answer(name: str | None = None, *, file: str | None = None, params: Sequence[tuple[str, str]] = (),
           fmt: str | None = None, endpoint: str | None = None, data: Sequence[str] = (),
           graphs: Sequence[str] = (), timeout: float = 30.0, retries: int = 2, engine: str = "store",
           where: str = "auto", progress: Progress = NO_PROGRESS) -> Answer:
    """Run a stored query (by ``name``) or a query file, bound to ``params``, and render the result.

    ``engine`` and ``where`` choose the embedded store (``hckg.engines.local_engine``).
    """
    if (name is None) == (file is None):
        raise UsageError("give a stored query NAME or --file FILE (one of them)")
    query = stored_query(name) if file is None else query_from_file(file)
    check_format(query.form in ("CONSTRUCT", "DESCRIBE"), fmt)
    values = parameter_values(params)
    text = query.bind(values)
    runner = engine_for(endpoint=endpoint or query.endpoint, data=data, graphs=graphs, timeout=timeout,
                        retries=retries, engine=engine, where=where, progress=progress)
    result = run(query, text, runner)
    note = None
    if query.pagination and isinstance(result, Table) and len(result.rows) == query.pagination:
        page = int(values.get("page", 1))
        note = (f"page {page} is full ({query.pagination} rows); there may be more: "
                f"add -p page {page + 1}")
    return Answer(render(result, fmt), note)


def queries_table(queries: Sequence[StoredQuery]) -> Table:
    """The catalogue of stored queries: name, summary, parameters and tags (the README's table)."""
    return Table(["name", "summary", "parameters", "tags"],
                 [(q.name, q.summary, "; ".join(p.describe() for p in q.parameters), ", ".join(q.tags))
                  for q in queries])


def list_queries(fmt: str = "table") -> tuple[str, list[str]]:
    """The rendered catalogue of stored queries and the warnings their files raise."""
    queries = stored_queries()
    return render_table(queries_table(queries), fmt), [w for q in queries for w in q.warnings]
