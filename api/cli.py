"""The `assurance-map` command line: one entry point, the store chosen by --store or ASSURANCE_MAP_STORE."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable, Sequence

from graphmodel.errors import AssuranceMapError
from graphmodel.store import STORE_ENV, Store, open_store


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assurance-map", description="Assurance maps for police governance.")
    p.add_argument("--store", help=f"embedded store file, or a bolt:// or neo4j:// URI "
                                   f"(default: ${STORE_ENV}, then a file in your data directory)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    load = sub.add_parser("load", help="validate and import maps (workbook, CSV folder, YAML or JSON)")
    load.add_argument("paths", nargs="+", metavar="PATH")
    load.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    load.add_argument("--adapter", default="auto",
                      help="input layout: auto (default, by extension and content), generic, risk-register, "
                           "delivery-plan or assurance-programme")

    gaps = sub.add_parser("gaps", help="print gap findings")
    gaps.add_argument("--rule", help="comma-separated rule ids, e.g. G1,G2")
    gaps.add_argument("--as-of", help="date the rules are judged at (default: today)")
    gaps.add_argument("--policy", help="policy file (YAML or JSON) overriding the defaults")
    gaps.add_argument("--area", help="only processes of this area")
    gaps.add_argument("--format", choices=("json", "table", "csv"), default="table")
    gaps.add_argument("--explain", action="store_true", help="show the arithmetic behind each score")

    view = sub.add_parser("view", help="write a self-contained interactive view")
    view.add_argument("--out", required=True, help="the HTML file to write")
    view.add_argument("--area")
    view.add_argument("--focus", help="id of the node at the centre")
    view.add_argument("--depth", type=int, default=2)
    view.add_argument("--kind", choices=("map", "gaps", "chain", "heatmap"), default="map",
                      help="map (default), gaps only, oversight chain of --focus, or the heat map")
    view.add_argument("--as-of")
    view.add_argument("--policy")

    serve = sub.add_parser("serve", help="run the HTTP API and the web pages")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")

    demo = sub.add_parser("demo", help="load the bundled pilot-area maps into the embedded store and serve them")
    demo.add_argument("--host", default=None)
    demo.add_argument("--port", type=int, default=None)
    demo.add_argument("--no-serve", action="store_true", help="load only")
    gen = sub.add_parser("generate", help="make a synthetic map (seeded), to try the tools at scale")
    size = gen.add_mutually_exclusive_group()
    size.add_argument("--size", choices=("force", "national", "stress"), default="force",
                      help="force ~500 processes, national ~20,000, stress ~100,000")
    size.add_argument("--processes", type=int, help="about this many processes instead")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--out", help="write an import file (.json, .yaml or .xlsx) instead of loading the store")

    keygen = sub.add_parser("keygen", help="make a new API key and the entry that configures it")
    keygen.add_argument("--role", required=True, choices=("viewer", "analyst", "editor", "admin"))
    keygen.add_argument("--name", required=True, help="who the key is for (shown in the audit log)")
    return p


def _keygen(args: argparse.Namespace) -> int:
    from api.auth import digest, new_key

    if ":" in args.name or "," in args.name:
        print("assurance-map keygen: the name may not contain ':' or ','", file=sys.stderr)
        return 2
    key = new_key()
    print(f"key (give it to {args.name}; it is not stored anywhere): {key}")
    print(f"add to ASSURANCE_MAP_API_KEYS (comma-separated): {args.name}:{args.role}:{digest(key)}")
    return 0


def _handler(command: str) -> Callable[[argparse.Namespace, Store], int]:
    # Imported lazily so `assurance-map gaps` does not pay for the web stack.
    if command == "load":
        from loaders.command import run_load as run
    elif command == "gaps":
        from graphmodel.gaps.command import run_gaps as run
    elif command == "view":
        from viz.command import run_view as run
    elif command == "generate":
        from loaders.synthetic import run_generate as run
    elif command == "serve":
        from api.server import run_serve as run
    else:
        from api.server import run_demo as run
    return run


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # its retry chatter is not for users
    args = _parser().parse_args(argv)
    if args.command == "keygen":
        return _keygen(args)
    try:
        # serve and demo open their own store: serve from its settings (which also read .env).
        store = None if args.command in ("demo", "serve") else open_store(args.store)
        try:
            return _handler(args.command)(args, store)
        finally:
            if store is not None:
                store.close()
    except AssuranceMapError as exc:
        print(f"assurance-map {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
