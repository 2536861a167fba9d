"""Registry of import formats: ``get_importer("json").load(file)``."""

from claims.interchange.exporters.base import UnknownFormat
from claims.interchange.importers.aif_import import AifImporter
from claims.interchange.importers.base import Importer
from claims.interchange.importers.brat_import import BratImporter
from claims.interchange.importers.json_import import JsonImporter

IMPORTERS: dict[str, Importer] = {
    importer.name: importer for importer in (JsonImporter(), AifImporter(), BratImporter())
}


def get_importer(name: str) -> Importer:
    """Return the importer called ``name``, or raise UnknownFormat naming the known ones."""
    try:
        return IMPORTERS[name]
    except KeyError:
        raise UnknownFormat(name, list(IMPORTERS)) from None


__all__ = ["IMPORTERS", "Importer", "UnknownFormat", "get_importer"]
