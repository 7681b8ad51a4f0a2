"""Small inline SVG swatches for legends: each kind's shape and colour from the schema."""
from __future__ import annotations

from markupsafe import Markup

from graphmodel.schema import SHAPES, SchemaError

_SHAPES = {
    "box": '<rect x="2" y="4" width="16" height="12" fill="{c}"/>',
    "square": '<rect x="3" y="3" width="14" height="14" fill="{c}"/>',
    "triangle": '<polygon points="10,2 18,17 2,17" fill="{c}"/>',
    "triangleDown": '<polygon points="2,3 18,3 10,18" fill="{c}"/>',
    "dot": '<circle cx="10" cy="10" r="7" fill="{c}"/>',
    "ellipse": '<ellipse cx="10" cy="10" rx="9" ry="6" fill="{c}"/>',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10" fill="{c}"/>',
    "hexagon": '<polygon points="5.5,2.2 14.5,2.2 19,10 14.5,17.8 5.5,17.8 1,10" fill="{c}"/>',
    "star": '<polygon points="10,1 12.6,7.2 19,7.4 14,11.6 15.6,18 10,14.4 4.4,18 6,11.6 1,7.4 7.4,7.2" fill="{c}"/>',
    "line": '<line x1="1" y1="10" x2="19" y2="10" stroke="{c}" stroke-width="3"/>',  # for edge kinds
}
if missing := [s for s in SHAPES if s not in _SHAPES]:
    raise SchemaError(f"the legends cannot draw the schema's shape(s) {', '.join(missing)}")


def swatch(shape: str, colour: str) -> Markup:
    """An SVG icon; shape and colour come from the schema or this package, never from input."""
    body = _SHAPES[shape].format(c=Markup.escape(colour))
    return Markup(f'<svg class="swatch" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">{body}</svg>')
