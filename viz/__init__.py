"""Views of the assurance map: interactive network pages, record pages, the heat map and the
dashboard.

Everything here is a pure function of a domain graph and its gap report; only
`viz.command` reads a store and runs the analysis.
"""
from .assets import asset, media_type, page_assets
from .heatmap import HeatMap, heat_map, heatmap_png, heatmap_svg
from .network import build_drawing
from .pages import (
                    area_page,
                    chain_page,
                    dashboard_page,
                    gaps_page,
                    heatmap_page,
                    map_page,
                    network_page,
                    node_page,
                    record_page,
)

__all__ = ["asset", "media_type", "page_assets", "HeatMap", "heat_map", "heatmap_png", "heatmap_svg",
           "build_drawing", "network_page", "map_page", "area_page", "node_page", "gaps_page", "chain_page",
           "record_page", "heatmap_page", "dashboard_page"]
