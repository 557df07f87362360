"""Benchmarks: each workload against its baseline in the same run, on generated catalogues.

    python benchmarks/run.py --sizes 1000,10000 --repeat 3 [--workloads load,validate] [--baseline-max 1000]

Every measurement runs in a fresh process (``run.py --child VARIANT FILE``); the table gives, per
workload, size and variant, the median wall time of the whole process (interpreter start and imports
included), the median time of the work itself as the child measured it, the peak RSS, the speed-up
against the workload's baseline, and the result (triples loaded, violations found), which must agree
across variants. Baselines (rdflib, pySHACL) run only up to ``--baseline-max`` datasets.

To add a workload (query, export, serve …): write its variants as functions ``(path) -> result`` in
``VARIANTS`` and list them in ``WORKLOADS`` with the baseline first.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))


# --- what the child processes run: one function per variant, (catalogue path) -> result -----------

def rdflib_load(path):
    from hckg.graph import load_graph

    return len(load_graph([path]))


def store_in_memory(path):
    from hckg.store import open_store

    return open_store([path], where="memory").triples


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


VARIANTS = {f.__name__: f for f in (rdflib_load, store_in_memory, store_on_disk, validate_pyshacl,
                                     validate_fast_memory, validate_fast_disk)}


@dataclass(frozen=True)
class Variant:
    label: str
    function: str
    cache: str = "none"  # "cold": an empty store cache for each run; "warm": built once before timing


WORKLOADS = {
    "load": [
        Variant("rdflib Graph.parse (baseline)", "rdflib_load"),
        Variant("pyoxigraph, in memory", "store_in_memory"),
        Variant("pyoxigraph, on disk, cold (builds the cache)", "store_on_disk", cache="cold"),
        Variant("pyoxigraph, on disk, warm (opens the cache)", "store_on_disk", cache="warm"),
    ],
    "validate": [
        Variant("pySHACL (baseline)", "validate_pyshacl"),
        Variant("compiled SHACL, in-memory store", "validate_fast_memory"),
        Variant("compiled SHACL, on-disk store, warm", "validate_fast_disk", cache="warm"),
    ],
}


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


def serve_dataset_page(path):
    """``hckg serve`` on the catalogue, wrk on one dataset page: requests/s, p99 ms and errors."""
    import serve_load

    port = serve_load.free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    server = subprocess.Popen([sys.executable, "-m", "hckg", "serve", "--port", str(port), "--base", base,
                               "--no-access-log", "--data", str(path)], env=env, stderr=subprocess.DEVNULL)
    try:
        url = base + "dataset/d5"
        serve_load.wait_until_up(base)
        serve_load.warm(url, "text/html")
        options = argparse.Namespace(threads=2, connections=32, duration=SERVE_SECONDS)
        rps, p99, errors = serve_load.wrk(url, "text/html", options)
    finally:
        server.terminate()
        server.wait(30)
    return {"requests/s": round(rps), "p99 ms": round(p99, 1), "errors": errors}


VARIANTS.update({f.__name__: f for f in (queries_rdflib, queries_store_memory, queries_store_disk,
                                          serve_dataset_page)})
WORKLOADS.update({
    "query": [
        Variant("rdflib engine, every stored query (baseline)", "queries_rdflib"),
        Variant("store engine, in memory", "queries_store_memory"),
        Variant("store engine, on disk, warm", "queries_store_disk", cache="warm"),
    ],
    "serve": [
        Variant("hckg serve, dataset page (HTML), wrk 32 connections", "serve_dataset_page"),
    ],
})
OPT_IN = {"serve"}  # workloads run only when named: they need wrk and take SERVE_SECONDS per run
UNBASELINED = {"serve"}  # workloads whose first variant is no baseline


def result_text(name: str, result, expected: int) -> str:
    """The result column: violations, triples, a digest of the answers, or load-test figures."""
    if name == "validate":
        return f"{result} violations" + ("" if result == expected else f" (expected {expected}!)")
    if name == "query":
        return f"answers {result['digest']}"
    if name == "serve":
        return f"{result['requests/s']:,} requests/s, p99 {result['p99 ms']} ms, {result['errors']} errors"
    return f"{result:,} triples"


def child(function: str, path: str) -> None:
    """Run one variant and print its result and work time as JSON (the parent reads the last line)."""
    started = time.perf_counter()
    result = VARIANTS[function](path)
    print(json.dumps({"result": result, "seconds": time.perf_counter() - started}))


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
    return {"wall": wall, "seconds": report["seconds"], "rss": usage.ru_maxrss / 1024, "result": report["result"]}


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
    stats = {key: statistics.median(run[key] for run in runs) if key != "result" else runs[0]["result"]
             for key in runs[0]} | {"runs": len(runs)}
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
    print("| workload | datasets | variant | wall s (median) | work s | peak RSS MB | speed-up | result |")
    print("|---|---:|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="hckg-bench-") as scratch:
        for size in (int(s) for s in args.sizes.split(",")):
            path, expected = catalogue(size, folder, args.invalid_percent)
            for name in args.workloads.split(","):
                baseline = None
                for index, variant in enumerate(WORKLOADS[name]):
                    if index == 0 and size > args.baseline_max and name not in UNBASELINED:
                        print(f"| {name} | {size:,} | {variant.label} | – | – | – | – | not run above {args.baseline_max:,} |")
                        continue
                    stats = run_variant(variant, path, args.repeat, Path(scratch))
                    if index == 0 and name not in UNBASELINED:
                        baseline = stats["wall"]
                    ratio = f"{baseline / stats['wall']:.1f}×" if baseline else "–"
                    print(f"| {name} | {size:,} | {variant.label} | {stats['wall']:.2f} | {stats['seconds']:.2f} | "
                          f"{stats['rss']:.0f} | {ratio} | {result_text(name, stats['result'], expected)} |", flush=True)
                    for query, seconds in stats.get("queries", {}).items():
                        print(f"| {name} | {size:,} | ↳ {query} | – | {seconds:.3f} | – | – | |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
