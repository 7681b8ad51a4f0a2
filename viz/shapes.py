"""Small inline SVG swatches for legends: each kind's shape and colour from the schema."""
from __future__ import annotations

from markupsafe import Markup

_SHAPES = {
    "box": '<rect x="2" y="4" width="16" height="12" fill="{c}"/>',
    "triangle": '<polygon points="10,2 18,17 2,17" fill="{c}"/>',
    "dot": '<circle cx="10" cy="10" r="7" fill="{c}"/>',
    "ellipse": '<ellipse cx="10" cy="10" rx="9" ry="6" fill="{c}"/>',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10" fill="{c}"/>',
    "star": '<polygon points="10,1 12.6,7.2 19,7.4 14,11.6 15.6,18 10,14.4 4.4,18 6,11.6 1,7.4 7.4,7.2" fill="{c}"/>',
    "line": '<line x1="1" y1="10" x2="19" y2="10" stroke="{c}" stroke-width="3"/>',
}


def swatch(shape: str, colour: str) -> Markup:
    """An SVG icon; shape and colour come from the schema or this package, never from input."""
    body = _SHAPES.get(shape, _SHAPES["dot"]).format(c=Markup.escape(colour))
    return Markup(f'<svg class="swatch" width="20" height="20" viewBox="0 0 20 20" aria-hidden="true">{body}</svg>')
