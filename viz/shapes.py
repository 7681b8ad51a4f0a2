"""Small inline SVG swatches for legends, drawn exactly as the views draw boxes and links."""
from __future__ import annotations

from markupsafe import Markup

from graphmodel.schema import SHAPES, SchemaError

from .style import Look

if set(SHAPES) != {"box"}:  # every item is a box with its name inside, as the layout sizes it
    raise SchemaError(f"the views draw only boxes; the schema names {', '.join(SHAPES)}")


def swatch(look: Look) -> Markup:
    """A box with the look's fill, border colour, width and dashes; values come from the style
    module, never from input."""
    dash = f' stroke-dasharray="{",".join(str(d) for d in look.dashes)}"' if look.dashes else ""
    glyph = (f'<text x="14" y="15" font-size="11" text-anchor="middle" fill="{Markup.escape(look.text)}">'
             f'{Markup.escape(look.glyph)}</text>') if look.glyph else ""
    body = (f'<rect x="2" y="3" width="24" height="16" rx="2" fill="{Markup.escape(look.fill)}" '
            f'stroke="{Markup.escape(look.border)}" stroke-width="{min(look.width, 4)}"{dash}/>{glyph}')
    return Markup(f'<svg class="swatch" width="28" height="22" viewBox="0 0 28 22" aria-hidden="true">{body}</svg>')


def line_swatch(colour: str, dashed: bool = False) -> Markup:
    dash = ' stroke-dasharray="4,3"' if dashed else ""
    return Markup(f'<svg class="swatch" width="28" height="22" viewBox="0 0 28 22" aria-hidden="true">'
                  f'<line x1="1" y1="11" x2="21" y2="11" stroke="{Markup.escape(colour)}" stroke-width="2.5"{dash}/>'
                  f'<polygon points="27,11 20,7 20,15" fill="{Markup.escape(colour)}"/></svg>')
