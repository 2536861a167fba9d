"""The argument map as the standalone SVG picture the map page shows.

The map is laid out with ``claims.argmap.layout.layout_map`` and drawn with
``claims.argmap.svg.render_svg``: conclusions on top, kinds and relations told apart by line
style and label as well as colour, text escaped, no script. When the document's page is known,
each node links to its passage there (``<page>#tag-<id>``).
"""

from typing import ClassVar, TextIO

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import MapNode
from claims.argmap.layout import layout_map
from claims.argmap.svg import render_svg
from claims.snapshot import DocumentSnapshot


def svg_text(snapshot: DocumentSnapshot) -> str:
    """Return the snapshot's argument map drawn as an SVG document."""
    m = map_from_snapshot(snapshot)
    page = snapshot.page_url

    def node_href(node: MapNode) -> str:
        return f"{page}#tag-{node.id}"

    return render_svg(m, layout_map(m), node_href=node_href if page else None, title=snapshot.title)


class SvgExporter:
    """The argument map as a standalone SVG picture (see the module)."""

    name: ClassVar[str] = "svg"
    description: ClassVar[str] = (
        "The argument map as a standalone picture (SVG), as the map page draws it."
    )
    media_type: ClassVar[str] = "image/svg+xml"
    extension: ClassVar[str] = "svg"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(svg_text(snapshot))
        out.write("\n")
