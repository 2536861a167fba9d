"""Registry of export formats: ``EXPORTERS["w3c"].export(snapshot, out)``.

The export views negotiate among them (``claims.api.negotiation``), which answers an unknown
name with ``UnknownFormat``'s message.
"""

from typing import cast

from claims.interchange.exporters.aif_export import AifExporter
from claims.interchange.exporters.argdown_export import ArgdownExporter
from claims.interchange.exporters.base import Exporter, ProjectExporter, UnknownFormat
from claims.interchange.exporters.brat_export import BratExporter, BratTextExporter
from claims.interchange.exporters.csv_export import CsvExporter
from claims.interchange.exporters.dot_export import DotExporter
from claims.interchange.exporters.graphml_export import GraphmlExporter
from claims.interchange.exporters.json_export import JsonExporter
from claims.interchange.exporters.svg_export import SvgExporter
from claims.interchange.exporters.w3c import W3CExporter

#: Exporters by name, in the order content negotiation prefers them (the first is the default).
EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        JsonExporter(),
        W3CExporter(),
        CsvExporter(),
        AifExporter(),
        ArgdownExporter(),
        GraphmlExporter(),
        DotExporter(),
        SvgExporter(),
        BratExporter(),
        BratTextExporter(),
    )
}

#: The formats that can hold a whole project in one file (they stream it a document at a time).
PROJECT_EXPORTERS: dict[str, ProjectExporter] = {
    # The filter is the protocol's one extra method, which mypy cannot narrow on.
    name: cast(ProjectExporter, exporter)
    for name, exporter in EXPORTERS.items()
    if callable(getattr(exporter, "project_chunks", None))
}


__all__ = [
    "EXPORTERS",
    "PROJECT_EXPORTERS",
    "Exporter",
    "ProjectExporter",
    "UnknownFormat",
]
