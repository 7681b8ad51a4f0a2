"""`assurance-map view`: write one self-contained view, as HTML (all assets inlined), or the heat
map as a PNG or SVG image."""
from __future__ import annotations

import argparse
from pathlib import Path

from graphmodel.errors import Problem, ValidationError
from graphmodel.files import atomic_write
from graphmodel.gaps import Policy, analyse
from graphmodel.store import Store
from graphmodel.values import as_of_date

from . import heatmap, pages

PAGES = (".html", ".htm")
IMAGES = {".png": heatmap.heatmap_png, ".svg": heatmap.heatmap_svg}


def _check_out(args: argparse.Namespace) -> None:
    """Only the heat map has an image form; every view is an HTML page."""
    suffix = Path(args.out).suffix.lower()
    if suffix in IMAGES and args.kind != "heatmap":
        raise ValidationError([Problem(f"only the heat map is drawn as {suffix[1:].upper()} (--kind heatmap); "
                                       f"the {args.kind} view is an interactive page: write it to a .html file",
                                       field="--out", value=args.out)])
    if suffix not in IMAGES and suffix not in PAGES:
        raise ValidationError([Problem("write a view to a .html file (the heat map also to .png or .svg)",
                                       field="--out", value=args.out)])


def render_view(args: argparse.Namespace, store: Store) -> str | bytes:
    """The page (or heat map image, by the --out extension) the arguments ask for, from the store's map."""
    _check_out(args)
    if args.area and (args.focus or args.kind in ("gaps", "chain")):
        raise ValidationError([Problem("--area narrows the map and the heat map; it cannot be combined with "
                                       "--focus, --kind gaps or --kind chain", field="--area", value=args.area)])
    if args.kind == "chain" and not args.focus:
        raise ValidationError([Problem("the chain view needs --focus with a Process id", field="--focus")])
    if args.depth is not None and args.depth < 0:
        raise ValidationError([Problem("must be 0 or more", field="--depth", value=args.depth)])
    policy = Policy.load(args.policy) if args.policy else None
    report = analyse(store, as_of=as_of_date(args.as_of), policy=policy)
    g = store.export()
    plans = bool(getattr(args, "plans", False))
    expand = getattr(args, "expand", None)
    if args.kind == "heatmap":
        image = IMAGES.get(Path(args.out).suffix.lower())
        if image is not None:  # an image holds HEAT_ROWS processes at most: --area for one area
            return image(heatmap.heat_map(g, report, args.area, page=None))
        return pages.heatmap_page(g, report, args.area)
    if args.kind == "chain":
        return pages.chain_page(g, report, args.focus)
    if args.kind == "gaps":
        return pages.gaps_page(g, report, expand=expand)
    if args.focus:
        return pages.node_page(g, report, args.focus, args.depth)
    if args.area:
        return pages.area_page(g, report, args.area, plans=plans)
    return pages.map_page(g, report, plans=plans, expand=expand)


def run_view(args: argparse.Namespace, store: Store) -> int:
    view = render_view(args, store)
    data = view if isinstance(view, bytes) else view.encode("utf-8")
    with atomic_write(args.out, "wb") as fh:
        fh.write(data)
    print(f"wrote {args.out} ({len(data) // 1024} KiB, {'image' if isinstance(view, bytes) else 'self-contained'})")
    return 0
