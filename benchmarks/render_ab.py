"""Render CPU per dataset of the streamed JSON-LD export, old path against direct rendering, interleaved.

    PYTHONPATH=src python benchmarks/render_ab.py CATALOGUE.ttl [--profile dcat-ap] [--rounds 2] [--batch 1000]

Loads the catalogue into an in-memory store once, then renders every batch of datasets twice in a row, the
old way (``Walk`` over ``StoreSource``, framer, dump: ``_Stream.batch`` without its direct renderer) and
directly (``hckg.direct_render``), timing each with the process's CPU clock; checks both give the same bytes.
Prints the medians and their ratio. The catalogue's own object (rendered the old way by both) is not timed.
"""

import argparse
import statistics
import time

from hckg import jsonld
from hckg.direct_render import Declined
from hckg.export import plan
from hckg.export_stream import _Stream
from hckg.profiles import get_profile
from hckg.store import open_store
from hckg.store_source import StoreSource


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalogue")
    parser.add_argument("--profile", default="dcat-ap")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    catalogue = open_store([args.catalogue], where="memory")
    profile = get_profile(args.profile)
    context = jsonld.load_context(profile.context_name)
    old, new, declined = [], [], 0
    for _round in range(args.rounds):
        source = StoreSource(catalogue)
        datasets, catalog = plan(source, profile)
        stream = _Stream(source, profile, datasets, catalog if profile.catalog_kind else None, context)
        direct = stream.direct
        if direct is None:
            raise SystemExit(f"not rendered directly: {stream.direct_declined}")
        stream.direct = None
        for start in range(0, len(datasets), args.batch):
            batch = datasets[start:start + args.batch]
            began = time.process_time()
            expected = stream.batch(batch)
            old.append((time.process_time() - began) / len(batch) * 1000)
            began = time.process_time()
            got = direct.batch(batch)
            new.append((time.process_time() - began) / len(batch) * 1000)
            if isinstance(got, Declined):
                declined += 1
            elif got[0] != expected[0]:
                raise SystemExit(f"different bytes in the batch from {batch[0]}")
    print(f"{args.profile}, {len(datasets):,} datasets, {len(old)} batches of {args.batch}: render CPU per dataset "
          f"old {statistics.median(old):.3f} ms, direct {statistics.median(new):.3f} ms "
          f"(×{statistics.median(old) / statistics.median(new):.2f}); batches declined: {declined}")


if __name__ == "__main__":
    main()
