"""Benchmarks: each workload against its baseline in the same run, on generated catalogues.

    python benchmarks/run.py --sizes 1000,10000 --repeat 3 [--workloads load,validate] [--baseline-max 1000]

Every measurement runs in a fresh process (``run.py --child VARIANT FILE``); the table gives, per
workload, size and variant, the median wall time of the whole process (interpreter start and imports
included), the median time of the work itself as the child measured it, the peak RSS, the speed-up
against the workload's baseline, and the result (triples loaded, violations found), which must agree
across variants. Baselines (rdflib, pySHACL) run only up to ``--baseline-max`` datasets.

To add a workload (query, serve …): write its variants as functions ``(path) -> result`` in
``VARIANTS`` and list them in ``WORKLOADS``, each baseline (in ``BASELINES``) before the variants compared
with it. The export workload's result is the SHA-256 of the bytes written, and its variants report the
parts of their work (load: store and dataset list; render: walks, framing and JSON text, on every CPU
unless the variant says one process; write: the file).
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))


# --- what the child processes run: one function per variant, (catalogue path) -> result -----------

_LOADED = None   # what a load variant loaded, kept until the child process ends


def rdflib_load(path):
    from hckg.graph import load_graph

    return len(load_graph([path]))


def store_in_memory(path):
    from hckg.store import open_store

    return open_store([path], where="memory").triples


def index_in_memory(path):
    from hckg.quad_index import open_index

    global _LOADED
    _LOADED = open_index([path])   # left to the OS at exit, as the hckg program leaves it (hckg.cli.main)
    return _LOADED.triples


def store_on_disk(path):
    from hckg.store import open_store

    return open_store([path], where="disk").triples


def validate_pyshacl(path):
    from hckg.validate import validate

    return validate([path], engine="pyshacl").counts()["Violation"]


def validate_fast_memory(path):
    from hckg.validate import validate

    return validate([path], store="memory").counts()["Violation"]


def validate_fast_disk(path):
    from hckg.validate import validate

    return validate([path], store="disk").counts()["Violation"]


JENA_CLASSPATH = HERE / ".jena" / "jena.cp"  # written by benchmarks/jena.sh


def validate_jena(path):
    """Jena SHACL (Debian's 4.5) on the same shapes and data: one data file, as its command reads only one."""
    from rdflib import Graph
    from rdflib.namespace import SH

    from hckg.graph import catalogue_files
    from hckg.validate import load_shapes

    with tempfile.TemporaryDirectory(prefix="hckg-jena-") as scratch:
        shapes, data = Path(scratch) / "shapes.ttl", Path(scratch) / "data.ttl"
        load_shapes().serialize(shapes, format="turtle")
        with open(data, "wb") as out:  # Turtle files concatenate (prefixes may be declared again)
            for part in catalogue_files([path]):
                with open(part, "rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
                out.write(b"\n")
        report = subprocess.run(["java", "-Xmx12g", "-cp", JENA_CLASSPATH.read_text().strip(), "shacl.shacl",
                                 "validate", "--shapes", str(shapes), "--data", str(data)],
                                check=True, capture_output=True).stdout
    results = Graph().parse(data=report, format="turtle")
    return sum(1 for _ in results.subjects(SH.resultSeverity, SH.Violation))


PHASES: dict[str, float] = {}  # seconds of the parts of a child's work (load, render, write), where it reports them


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def _export_rdflib(path, profile):
    from hckg.export import export

    return _sha256(export([path], profile=profile))


def _export_fast(path, profile, store, workers=0):
    """The streamed export, timed in parts: load (store and dataset list), render (walks, framing and JSON
    text, in ``workers`` processes: 0 is one per CPU), write (the file)."""
    from hckg import jsonld
    from hckg.export import write_export
    from hckg.progress import Progress

    started = time.perf_counter()
    write = jsonld.GraphWriter.write_dumped

    def timed_write(self, objects):
        begun = time.perf_counter()
        write(self, objects)
        PHASES["write"] = PHASES.get("write", 0.0) + time.perf_counter() - begun

    class Timed(Progress):
        @contextmanager
        def stage(self, label, total=None):
            if label.startswith("Rendering"):
                PHASES["load"] = time.perf_counter() - started
            begun = time.perf_counter()
            with super().stage(label, total) as stage:
                yield stage
            if label.startswith("Rendering"):
                PHASES["render"] = time.perf_counter() - begun - PHASES.get("write", 0.0)

    jsonld.GraphWriter.write_dumped = timed_write
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "export.jsonld"
        write_export(out, [path], profile=profile, store=store, workers=workers, progress=Timed())
        return _sha256(out.read_bytes())


def _export_variants() -> dict:
    """The export workload's variants by name: per profile, the rdflib baseline and the streamed export from
    memory (the parsed triples, ``hckg.quad_index``; on every CPU, and in one process) and from the on-disk
    store."""
    variants = {}
    for profile, name in (("dcat-ap", "dcatap"), ("schemaorg", "schemaorg")):
        variants[f"export_rdflib_{name}"] = partial(_export_rdflib, profile=profile)
        variants[f"export_fast_memory_{name}"] = partial(_export_fast, profile=profile, store="memory")
        variants[f"export_fast_memory_{name}_one_worker"] = partial(_export_fast, profile=profile, store="memory",
                                                                   workers=1)
        variants[f"export_fast_disk_{name}"] = partial(_export_fast, profile=profile, store="disk")
    return variants


VARIANTS = {f.__name__: f for f in (rdflib_load, store_in_memory, index_in_memory, store_on_disk, validate_pyshacl,
                                     validate_fast_memory, validate_fast_disk, validate_jena)} | _export_variants()


@dataclass(frozen=True)
class Variant:
    label: str
    function: str
    cache: str = "none"  # "cold": an empty store cache for each run; "warm": built once before timing
    needs: Path | None = None  # a file that must exist for the variant to run (an optional tool's setup)


WORKLOADS = {
    "load": [
        Variant("rdflib Graph.parse (baseline)", "rdflib_load"),
        Variant("pyoxigraph, in memory", "store_in_memory"),
        Variant("parsed triples in memory (hckg.quad_index; export)", "index_in_memory"),
        Variant("pyoxigraph, on disk, cold (builds the cache)", "store_on_disk", cache="cold"),
        Variant("pyoxigraph, on disk, warm (opens the cache)", "store_on_disk", cache="warm"),
    ],
    "validate": [
        Variant("pySHACL (baseline)", "validate_pyshacl"),
        Variant("compiled SHACL in memory: parsed triples + small store", "validate_fast_memory"),
        Variant("compiled SHACL, on-disk store, warm", "validate_fast_disk", cache="warm"),
        Variant("Jena SHACL 4.5 (benchmarks/jena.sh)", "validate_jena", needs=JENA_CLASSPATH),
    ],
    "export": [  # JSON-LD; the result is the SHA-256 of the bytes, which must agree across variants
        Variant("dcat-ap: rdflib graph, framed whole (baseline)", "export_rdflib_dcatap"),
        Variant("dcat-ap: streamed, parsed into memory, one process", "export_fast_memory_dcatap_one_worker"),
        Variant("dcat-ap: streamed, parsed into memory", "export_fast_memory_dcatap"),
        Variant("dcat-ap: streamed from the on-disk store, warm", "export_fast_disk_dcatap", cache="warm"),
        Variant("schemaorg: rdflib graph, framed whole (baseline)", "export_rdflib_schemaorg"),
        Variant("schemaorg: streamed, parsed into memory, one process",
                "export_fast_memory_schemaorg_one_worker"),
        Variant("schemaorg: streamed, parsed into memory", "export_fast_memory_schemaorg"),
        Variant("schemaorg: streamed from the on-disk store, warm", "export_fast_disk_schemaorg", cache="warm"),
    ],
}
BASELINES = {"export_rdflib_dcatap", "export_rdflib_schemaorg", "rdflib_load", "validate_pyshacl"}


# --- query and serve workloads ----------------------------------------------------------------------

# parameter values for the stored queries that need one, all present in generated catalogues
QUERY_PARAMETERS = {
    "dataset-description": {"dataset": "https://w3id.org/hckg/dataset/d5"},
    "datasets-by-content": {"content": "imaging"},
    "datasets-by-label": {"label": "Pneumothorax"},
    "datasets-by-organisation": {"organisation": "https://w3id.org/hckg/agent/org-0"},
    "datasets-by-period": {"from": "2015", "to": "2016"},
    "datasets-with-individuals": {"min": "4000000"},
}
SERVE_SECONDS = 10  # wrk's run per measurement


def _all_stored_queries(path, engine: str, where: str = "auto") -> dict:
    """Run every stored query; the result is a digest of all answers and each query's seconds."""
    import hashlib

    from rdflib.compare import to_canonical_graph

    from hckg.engines import local_engine
    from hckg.output import Table, render
    from hckg.queries import run, stored_queries

    runner = local_engine([path], engine=engine, where=where)
    digest, seconds = hashlib.sha256(), {}
    for query in stored_queries():
        text = query.bind(QUERY_PARAMETERS.get(query.name, {}))
        started = time.perf_counter()
        result = run(query, text, runner)
        seconds[query.name] = time.perf_counter() - started
        if isinstance(result, Table):
            digest.update(render(result, "csv").encode())
        else:
            digest.update("".join(sorted(to_canonical_graph(result).serialize(format="nt").splitlines(True))).encode())
    return {"digest": digest.hexdigest()[:12], "queries": seconds}


def queries_rdflib(path):
    return _all_stored_queries(path, "rdflib")


def queries_store_memory(path):
    return _all_stored_queries(path, "store", "memory")


def queries_store_disk(path):
    return _all_stored_queries(path, "store", "disk")


def _serve_dataset_page(path, where: str):
    """``hckg serve --store WHERE`` on the catalogue, wrk on one dataset page: seconds until it answers,
    requests/s, p99 ms and errors."""
    import serve_load

    port = serve_load.free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "hckg", "serve", "--port", str(port), "--base", base,
                               "--no-access-log", "--store", where, "--data", str(path)], env=env,
                              stderr=subprocess.DEVNULL)
    try:
        url = base + "dataset/d5"
        serve_load.wait_until_up(base)
        up = time.perf_counter() - started
        serve_load.warm(url, "text/html")
        options = argparse.Namespace(threads=2, connections=32, duration=SERVE_SECONDS)
        rps, p99, errors = serve_load.wrk(url, "text/html", options)
    finally:
        server.terminate()
        server.wait(30)
    return {"start s": round(up, 1), "requests/s": round(rps), "p99 ms": round(p99, 1), "errors": errors}


def serve_dataset_page(path):
    return _serve_dataset_page(path, "memory")


def serve_dataset_page_disk(path):
    return _serve_dataset_page(path, "disk")


VARIANTS.update({f.__name__: f for f in (queries_rdflib, queries_store_memory, queries_store_disk,
                                          serve_dataset_page, serve_dataset_page_disk)})
WORKLOADS.update({
    "query": [
        Variant("rdflib engine, every stored query (baseline)", "queries_rdflib"),
        Variant("store engine, in memory", "queries_store_memory"),
        Variant("store engine, on disk, warm", "queries_store_disk", cache="warm"),
    ],
    "serve": [
        Variant("hckg serve --store memory, dataset page (HTML), wrk 32 connections", "serve_dataset_page"),
        Variant("hckg serve --store disk (warm), dataset page (HTML), wrk 32 connections", "serve_dataset_page_disk",
                cache="warm"),
    ],
})
BASELINES.add("queries_rdflib")
OPT_IN = {"serve"}  # workloads run only when named: they need wrk and take SERVE_SECONDS per run


def result_text(name: str, result, expected: int) -> str:
    """The result column: violations, triples, a digest of the answers, or load-test figures."""
    if name == "validate":
        return f"{result} violations" + ("" if result == expected else f" (expected {expected}!)")
    if name == "query":
        return f"answers {result['digest']}"
    if name == "serve":
        return (f"up in {result['start s']} s, {result['requests/s']:,} requests/s, p99 {result['p99 ms']} ms, "
                f"{result['errors']} errors")
    if name == "export":
        return result
    return f"{result:,} triples"


def child(function: str, path: str) -> None:
    """Run one variant and print its result and work time as JSON (the parent reads the last line)."""
    started = time.perf_counter()
    result = VARIANTS[function](path)
    print(json.dumps({"result": result, "seconds": time.perf_counter() - started, "phases": PHASES}), flush=True)
    os._exit(0)   # as the hckg program ends (hckg.cli.main): what was loaded is left to the OS


# --- the parent: catalogues, fresh processes, medians, the table ----------------------------------

def catalogue(size: int, folder: Path, invalid_percent: float) -> tuple[Path, int]:
    """The catalogue of ``size`` datasets (generated once) and the violations it must give."""
    from generate import generate

    path = folder / f"catalogue-{size}.ttl"
    summary_path = path.with_suffix(".json")
    if not (path.is_file() and summary_path.is_file()):
        with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
            summary = generate(size, out, invalid_percent=invalid_percent)
        summary_path.write_text(json.dumps({"violations": summary.violations}))
    return path, json.loads(summary_path.read_text())["violations"]


def measure(variant: Variant, path: Path, cache: Path) -> dict:
    """One fresh process: wall seconds, work seconds, peak RSS (MB) and result."""
    env = dict(os.environ, HCKG_CACHE_DIR=str(cache), HCKG_PROGRESS="0")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, __file__, "--child", variant.function, str(path)],
                                   stdout=out, stderr=err, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)  # wait4: the child's own peak RSS
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{variant.function} {path.name} failed:\n{err.read().decode()[-2000:]}")
        report = json.loads(out.read().decode().strip().splitlines()[-1])
    return {"wall": wall, "seconds": report["seconds"], "rss": usage.ru_maxrss / 1024, "result": report["result"],
            "phases": report["phases"]}


def run_variant(variant: Variant, path: Path, repeat: int, scratch: Path) -> dict:
    cache = scratch / "cache"
    if variant.cache == "warm":
        shutil.rmtree(cache, ignore_errors=True)
        measure(variant, path, cache)  # builds the cached store; not timed
    runs = []
    for _ in range(repeat):
        if variant.cache == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        runs.append(measure(variant, path, cache))
    shutil.rmtree(cache, ignore_errors=True)
    phases = {name: statistics.median(run["phases"][name] for run in runs) for name in runs[0]["phases"]}
    stats = {key: statistics.median(run[key] for run in runs) for key in ("wall", "seconds", "rss")} | {
        "result": runs[0]["result"], "phases": phases, "runs": len(runs)}
    if isinstance(stats["result"], dict) and "queries" in stats["result"]:  # per-query medians
        stats["queries"] = {name: statistics.median(run["result"]["queries"][name] for run in runs)
                            for name in stats["result"]["queries"]}
    return stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="catalogue sizes in datasets, comma-separated")
    parser.add_argument("--workloads", default=",".join(w for w in WORKLOADS if w not in OPT_IN),
                        help=f"workloads to run, comma-separated (also: {', '.join(sorted(OPT_IN))})")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown")
    parser.add_argument("--baseline-max", type=int, default=1000, help="largest size the baselines run at")
    parser.add_argument("--invalid-percent", type=float, default=2.0, help="broken datasets in the catalogues")
    parser.add_argument("--data", default=str(HERE / "data"), help="folder for the generated catalogues")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    folder = Path(args.data)
    folder.mkdir(parents=True, exist_ok=True)
    print("| workload | datasets | variant | wall s (median) | work s | peak RSS MB | speed-up | result | parts of the work, s |")
    print("|---|---:|---|---:|---:|---:|---:|---|---|")
    with tempfile.TemporaryDirectory(prefix="hckg-bench-") as scratch:
        for size in (int(s) for s in args.sizes.split(",")):
            path, expected = catalogue(size, folder, args.invalid_percent)
            for name in args.workloads.split(","):
                baseline, first_result = None, None
                for variant in WORKLOADS[name]:
                    if variant.function in BASELINES:
                        baseline = None
                        if size > args.baseline_max:
                            print(f"| {name} | {size:,} | {variant.label} | – | – | – | – | "
                                  f"not run above {args.baseline_max:,} | |")
                            continue
                    if variant.needs and not variant.needs.is_file():
                        print(f"| {name} | {size:,} | {variant.label} | – | – | – | – | not installed | |")
                        continue
                    stats = run_variant(variant, path, args.repeat, Path(scratch))
                    if variant.function in BASELINES:
                        baseline, first_result = stats["wall"], stats["result"]
                    ratio = f"{baseline / stats['wall']:.1f}×" if baseline else "–"
                    result = result_text(name, stats["result"], expected)
                    if name in ("export", "query") and first_result is not None and result != result_text(
                            name, first_result, expected):
                        result += " (differs from the baseline!)"
                    parts = " / ".join(f"{part} {stats['phases'][part]:.2f}" for part in ("load", "render", "write")
                                       if part in stats["phases"])
                    print(f"| {name} | {size:,} | {variant.label} | {stats['wall']:.2f} | {stats['seconds']:.2f} | "
                          f"{stats['rss']:.0f} | {ratio} | {result} | {parts} |", flush=True)
                    for query, seconds in stats.get("queries", {}).items():
                        print(f"| {name} | {size:,} | ↳ {query} | – | {seconds:.3f} | – | – | | |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
