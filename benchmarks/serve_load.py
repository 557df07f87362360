"""Load test of ``hckg serve`` with wrk: requests per second and p99 latency for a dataset page, the
catalogue page and a stored query.

Starts ``hckg serve`` on a free loopback port (only 127.0.0.1 is ever sent traffic), warms each URL once,
runs wrk (Debian package ``wrk``) for a bounded time per URL, prints a Markdown table and stops the server.

    python benchmarks/serve_load.py [--duration 10] [--connections 32] [--threads 2] [--data PATH ...]
                                    [--dataset mimic-iii] [--store auto|memory|disk]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = (
    ("dataset page (HTML)", "dataset/{dataset}", "text/html"),
    ("dataset (Turtle)", "dataset/{dataset}", "text/turtle"),
    ("catalogue page (Turtle)", "catalog", "text/turtle"),
    ("stored query (JSON)", "queries/datasets-by-label?label=Pneumothorax", "application/json"),
)
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, accept: str, args) -> tuple[float, float, int]:
    """Requests per second, p99 latency in ms, and non-2xx/3xx answers of one wrk run."""
    out = subprocess.run(["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                          "-H", f"Accept: {accept}", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def wait_until_up(base: str) -> None:
    """Wait (up to 30 s per try, for big catalogues up to 10 min in all) until the server answers /health."""
    for _attempt in range(6000):
        try:
            urllib.request.urlopen(base + "health", timeout=30)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"hckg serve did not start at {base}")


def warm(url: str, accept: str) -> None:
    """One request, so that the measured ones find the page in the server's cache."""
    urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=600).read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (default 10)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", action="append", default=[], help="catalogue files (default: data/)")
    parser.add_argument("--dataset", default="mimic-iii", help="short name of the dataset whose page is loaded")
    parser.add_argument("--store", default="auto", choices=("auto", "memory", "disk"), help="hckg serve --store")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "hckg", "serve", "--port", str(port), "--base", base, "--no-access-log",
               "--store", args.store]
    command += [x for path in args.data for x in ("--data", path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(base)
        print("| what | URL | requests/s | p99 latency (ms) | errors |\n|---|---|---:|---:|---:|")
        for name, path, accept in TARGETS:
            path = path.format(dataset=args.dataset)
            warm(base + path, accept)
            rps, p99, errors = wrk(base + path, accept, args)
            print(f"| {name} | /{path} | {rps:,.0f} | {p99:.1f} | {errors} |", flush=True)
    finally:
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
