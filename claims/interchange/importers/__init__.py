"""Registry of import formats: ``get_importer("json").load(file)``, and a file's likely format."""

import re
from pathlib import PurePath

from claims.interchange.exporters.base import UnknownFormat
from claims.interchange.exporters.json_export import FORMAT_NAME as JSON_FORMAT_NAME
from claims.interchange.importers.aif_import import AifImporter
from claims.interchange.importers.base import Importer
from claims.interchange.importers.brat_import import BratImporter
from claims.interchange.importers.json_import import JsonImporter
from claims.interchange.importers.text_import import HtmlImporter, MarkdownImporter, TextImporter

# Annotated formats first: they are what the import endpoint was made for.
IMPORTERS: dict[str, Importer] = {
    importer.name: importer
    for importer in (
        JsonImporter(),
        AifImporter(),
        BratImporter(),
        TextImporter(),
        MarkdownImporter(),
        HtmlImporter(),
    )
}

#: Our json export says so near its start; any other .json is taken for AIF.
JSON_EXPORT_MARK = re.compile(r'"format"\s*:\s*"' + re.escape(JSON_FORMAT_NAME))
#: How much of a .json file is read to tell our export from AIF.
SNIFF_CHARS = 4096


def get_importer(name: str) -> Importer:
    """Return the importer called ``name``, or raise UnknownFormat naming the known ones."""
    try:
        return IMPORTERS[name]
    except KeyError:
        raise UnknownFormat(name, list(IMPORTERS)) from None


def guess_format(file_name: str, text: str) -> str | None:
    """Return the format a file is most likely in, by its extension (and, for ``.json``, by
    whether it says it is our export), or None when the extension is none of ours."""
    extension = PurePath(file_name).suffix.lower()
    if extension == ".json":  # our json export and AIF (AIFdb, OVA) both use it
        return "json" if JSON_EXPORT_MARK.search(text[:SNIFF_CHARS]) else "aif"
    return next((name for name, imp in IMPORTERS.items() if extension in imp.extensions), None)


__all__ = ["IMPORTERS", "Importer", "UnknownFormat", "get_importer", "guess_format"]
