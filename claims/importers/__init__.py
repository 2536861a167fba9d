"""Registry of import formats: ``get_importer("json").load(file)``."""

from claims.exporters.base import UnknownFormat
from claims.importers.aif_import import AifImporter
from claims.importers.base import Importer
from claims.importers.brat_import import BratImporter
from claims.importers.json_import import JsonImporter

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
