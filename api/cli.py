"""The `assurance-map` command line: one entry point, the store chosen by --store or ASSURANCE_MAP_STORE."""
from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from collections.abc import Callable, Sequence

from graphmodel.audit import local_actor
from graphmodel.errors import AssuranceMapError
from graphmodel.store import STORE_ENV, Store, open_store

StoreCommand = Callable[[argparse.Namespace, Store], int]
SERVERS = ("serve", "demo")  # they open their store themselves, from their settings


def _parser() -> argparse.ArgumentParser:
    # Global options, accepted before or after the command: each parser knows them, and a default of
    # SUPPRESS means a command's parser never overwrites a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=argparse.SUPPRESS,
                        help=f"embedded store file, or a bolt:// or neo4j:// URI (default: ${STORE_ENV}, then a "
                             "file in your data directory; for demo, its own demo.json there)")
    p = argparse.ArgumentParser(prog="assurance-map", description="Assurance maps for police governance.",
                                parents=[common])
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, parents=[common])

    load = command("load", "validate and import maps (import format) or papers (Word, Excel, PDF, CSV or text)")
    load.add_argument("paths", nargs="+", metavar="PATH")
    load.add_argument("--dry-run", action="store_true",
                      help="validate only and show what was found (layout, column map, rows); write nothing")
    load.add_argument("--adapter", default="auto",
                      help="input layout: auto (default: the layout the tables fit best), generic, risk-register, "
                           "risk-table, delivery-plan, assurance-programme, meeting-notes or action-log")
    load.add_argument("--columns", default="", metavar="HEADER=field,...",
                      help="name the field of a column, over any guess, e.g. 'Plan commitment=title,R/A/G=status' "
                           "(field 'ignore' drops a column)")
    load.add_argument("--prefix", help="id prefix of the register(s) (default: from the file name; '' for none)")
    load.add_argument("--mapping", metavar="FILE", help="read adapter, prefix and columns from a mapping file")
    load.add_argument("--save-mapping", metavar="FILE",
                      help="write the adapter, prefix and column map found to a mapping file, to reuse with --mapping")

    gaps = command("gaps", "print gap findings")
    gaps.add_argument("--rule", help="comma-separated rule ids, e.g. G1,G2")
    gaps.add_argument("--as-of", help="date the rules are judged at (default: today)")
    gaps.add_argument("--policy", help="policy file (YAML or JSON) overriding the defaults")
    gaps.add_argument("--area", help="only the processes of this area (any case)")
    gaps.add_argument("--format", choices=("json", "table", "csv"), default="table")
    gaps.add_argument("--explain", action="store_true", help="show the arithmetic behind each score")

    view = command("view", "write a self-contained interactive view (or the heat map as PNG or SVG)")
    view.add_argument("--out", required=True, help="the file to write: .html, or .png / .svg for the heat map")
    view.add_argument("--area", help="only this area's processes and what links to them")
    view.add_argument("--focus", help="id of the node at the centre")
    view.add_argument("--depth", type=int, default=2, help="links from --focus (default 2)")
    view.add_argument("--kind", choices=("map", "gaps", "chain", "heatmap"), default="map",
                      help="map (default), gaps only, oversight chain of --focus, or the heat map")
    view.add_argument("--plans", action="store_true", help="also draw risks and actions on the map and area views")
    view.add_argument("--expand", metavar="AREA", help="on a map drawn at area level, open this area")
    view.add_argument("--as-of", help="date the rules are judged at (default: today)")
    view.add_argument("--policy", help="policy file (YAML or JSON) overriding the defaults")

    serve = command("serve", "run the HTTP API and the web pages")
    demo = command("demo", "load the bundled pilot-area maps into its store when that is empty, and serve it")
    for server in (serve, demo):
        server.add_argument("--host", default=None, help="bind address (default 127.0.0.1, or $ASSURANCE_MAP_HOST)")
        server.add_argument("--port", type=int, default=None, help="port (default 8000, or $ASSURANCE_MAP_PORT)")
    demo.add_argument("--no-serve", action="store_true", help="load only")

    gen = command("generate", "make a synthetic map (seeded), to try the tools at scale")
    size = gen.add_mutually_exclusive_group()
    size.add_argument("--size", choices=("force", "national", "stress"), default="force",
                      help="force ~500 processes, national ~20,000, stress ~100,000")
    size.add_argument("--processes", type=int, help="about this many processes instead")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--out", help="write an import file (.json, .yaml or .xlsx) instead of loading the store")

    snapshot = command("snapshot", "keep the map and its gap report under a name, e.g. after a panel meeting")
    actions = snapshot.add_subparsers(dest="action", required=True, metavar="ACTION")
    save = actions.add_parser("save", parents=[common], help="freeze the map and its report under a new name")
    save.add_argument("name", metavar="NAME", help='e.g. "JARAP March 2026"')
    save.add_argument("--as-of", help="date the report is judged at (default: today)")
    save.add_argument("--policy", help="policy file (YAML or JSON) overriding the defaults")
    save.add_argument("--by", default=local_actor().removesuffix(" (local)"),
                      help="who takes it (default: your user name)")
    for name, help in (("list", "list the snapshots, oldest first"), ("show", "show one snapshot and its report")):
        action = actions.add_parser(name, parents=[common], help=help)
        if name == "show":
            action.add_argument("name", metavar="NAME")
        action.add_argument("--format", choices=("table", "json"), default="table")
    delete = actions.add_parser("delete", parents=[common], help="delete a snapshot (in the API: admins only)")
    delete.add_argument("name", metavar="NAME")

    changes = command("changes", "direction of travel since a snapshot: areas, processes, findings, actions, nodes")
    changes.add_argument("--since", metavar="NAME",
                         help="the earlier snapshot (default: the latest at or before the as-of date)")
    later = changes.add_mutually_exclusive_group()
    later.add_argument("--as-of", help="compare with the map now, judged at this date (default: today)")
    later.add_argument("--until", metavar="NAME", help="compare with this later snapshot instead")
    changes.add_argument("--policy", help="policy file for judging the map now (default: the defaults)")
    changes.add_argument("--format", choices=("table", "json"), default="table")

    accept = command("accept", "record that the panel accepts a gap until a review date")
    accept.add_argument("rule", metavar="RULE", help="e.g. G3")
    accept.add_argument("node_id", metavar="NODE_ID")
    accept.add_argument("--by", required=True, help='who accepted it, e.g. "JARAP, 12 March 2026"')
    accept.add_argument("--reason", required=True, help="why, in a sentence the panel would recognise")
    accept.add_argument("--review", required=True, help="the date it is to be reviewed; it lapses then")
    accept.add_argument("--policy", help="policy file (YAML or JSON) overriding the defaults")
    unaccept = command("unaccept", "withdraw the acceptance of a gap")
    unaccept.add_argument("rule", metavar="RULE")
    unaccept.add_argument("node_id", metavar="NODE_ID")
    accepted = command("acceptances", "list the accepted gaps: in force, due for review, lapsed or resolved")
    accepted.add_argument("--as-of", help="date they are judged at (default: today)")
    accepted.add_argument("--policy", help="policy file (YAML or JSON) overriding the defaults")
    accepted.add_argument("--format", choices=("table", "json"), default="table")

    paper = command("paper", "write the panel paper as PDF and/or Word: coverage, heat map, findings, changes, "
                             "accepted gaps, overdue actions")
    paper.add_argument("--out", required=True, action="append", metavar="FILE",
                       help="FILE.pdf or FILE.docx; give --out twice for both from one build")
    paper.add_argument("--since", metavar="NAME",
                       help="the snapshot to compare with (default: the latest at or before the as-of date)")
    paper.add_argument("--as-of", help="date the map is judged at (default: today)")
    paper.add_argument("--title", help="the paper's title (default: the template's)")
    paper.add_argument("--template", metavar="FILE",
                       help="the paper's words (YAML; default: the bundled template, see paper/default-template.yaml)")
    paper.add_argument("--policy", help="policy file (YAML or JSON) overriding the defaults")

    keygen = command("keygen", "make a new API key and the entry that configures it")
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


def _store_command(command: str) -> StoreCommand:
    # Imported lazily so `assurance-map gaps` does not pay for the web stack.
    run: StoreCommand
    if command in ("snapshot", "accept", "unaccept"):
        from graphmodel.cycle import command as cycle

        return {"snapshot": cycle.run_snapshot, "accept": cycle.run_accept, "unaccept": cycle.run_unaccept}[command]
    if command == "paper":
        from paper.command import run_paper as run
    elif command == "changes":
        from graphmodel.cycle.command import run_changes as run
    elif command == "acceptances":
        from graphmodel.cycle.command import run_acceptances as run
    elif command == "load":
        from loaders.command import run_load as run
    elif command == "gaps":
        from graphmodel.gaps.command import run_gaps as run
    elif command == "view":
        from viz.command import run_view as run
    else:
        from loaders.synthetic import run_generate as run
    return run


def _run(args: argparse.Namespace) -> int:
    if args.command == "keygen":
        return _keygen(args)
    if args.command in SERVERS:
        from api.server import run_demo, run_serve

        return (run_serve if args.command == "serve" else run_demo)(args)
    with open_store(args.store) as store:
        return _store_command(args.command)(args, store)


DEBUG_ENV = "ASSURANCE_MAP_DEBUG"  # set to 1 for a traceback instead of the one-line message


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # text that cannot be encoded is shown escaped, never a crash
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # its retry chatter is not for users
    args = _parser().parse_args(argv, namespace=argparse.Namespace(store=None))
    try:
        code = _run(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except AssuranceMapError as exc:
        print(f"assurance-map {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`assurance-map gaps | head`): stop quietly, as other tools do.
        # Python would flush stdout again at exit and complain, so point it at nothing first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a command a closed pipe stopped
    except KeyboardInterrupt:
        return 130
    except (OSError, RecursionError, MemoryError) as exc:  # e.g. a file that cannot be written
        print(f"assurance-map {args.command}: {_plainly(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # the last resort: one line, not a traceback, unless asked for
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"assurance-map {args.command}: unexpected error ({_plainly(exc)}); set {DEBUG_ENV}=1 to see where",
              file=sys.stderr)
        return 1


def _plainly(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"


if __name__ == "__main__":
    sys.exit(main())
