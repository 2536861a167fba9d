"""An import as a person sends it (uploaded files and form fields), checked and read as text.

The import endpoint's serializer and the import page's form both hand their fields to
``upload_read``, so a file is read, and refused, in the same words whichever way it came.
Errors are ValidationErrors keyed by the field they are about (``file``, ``text_file``).
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from annotator.parsers import check_json_file
from claims.interchange.importers import IMPORTERS, guess_format
from claims.interchange.importers.source_text import ImportOptions

#: The largest file (or text file) an import reads.
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: The formats whose file annotates a separate source text (``text`` or ``text_file``).
SOURCE_TEXT_FORMATS = frozenset({"aif", "brat"})
#: The formats that take ``mapping`` and ``relation_mapping``.
MAPPING_FORMATS = frozenset({"brat"})


@dataclass(frozen=True, slots=True)
class ReadUpload:
    """What ``file_import`` needs: the format, the file's text and the options."""

    format_name: str
    source: str
    options: ImportOptions


def uploaded_text(upload: UploadedFile, field: str, *, keep_bom: bool = False) -> str:
    """Return an uploaded file as text, or raise a ValidationError naming the field.

    A brat .txt keeps its byte order mark, since brat counts it in the offsets.
    """
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {field: [f"This file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB."]}
        )
    try:
        text = upload.read().decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({field: [f"{upload.name} is not UTF-8 text."]}) from None
    if "\x00" in text:  # PostgreSQL stores no NUL in text
        at = text.index("\x00")
        message = f"{upload.name} holds a NUL character (character {at}): not a text file."
        raise ValidationError({field: [message]})
    return text


def _check_fields(
    format_name: str, text: str, text_file: UploadedFile | None, mapping: str, relations: str
) -> None:
    """Refuse fields that do not go with the format, each named."""
    given = {"text": text, "mapping": mapping, "relation_mapping": relations}
    errors: dict[str, list[str]] = {}
    if text and text_file is not None:
        errors["text"] = ["Give the source text once: as text or as text_file, not both."]
    if format_name == "json":
        for name, value in given.items():
            if value.strip() or (name == "text" and text_file is not None):
                errors[name] = [f"A json export carries its own {name.replace('_', ' ')}."]
    elif format_name == "aif":
        for name in ("mapping", "relation_mapping"):
            if given[name]:
                errors[name] = ["Mappings are for brat files; AIF says what each node is."]
    elif format_name not in SOURCE_TEXT_FORMATS:  # an article: the file is the text itself
        if text.strip() or text_file is not None:
            errors["text_file" if text_file is not None else "text"] = [
                "The file is the document's text; a source text goes with an AIF or brat file."
            ]
        for name in ("mapping", "relation_mapping"):
            if given[name].strip():
                errors[name] = ["Mappings are for brat files; this file holds no annotations."]
    if errors:
        raise ValidationError(errors)


def _unknown_extension(file_name: str) -> str:
    extensions = sorted({ext for imp in IMPORTERS.values() for ext in imp.extensions})
    return (
        f"Choose the format of {file_name}: its name does not say (known endings: "
        f"{', '.join(extensions)})."
    )


def upload_read(
    *,
    format_name: str,
    file: UploadedFile,
    text: str = "",
    text_file: UploadedFile | None = None,
    title: str = "",
    mapping: str = "",
    relation_mapping: str = "",
) -> ReadUpload:
    """Check the fields of an import against its format and read its files as text.

    An empty ``format_name`` means the format the file's name (and, for ``.json``, its start)
    suggests. The title defaults to the file's name (without its extension), except for a
    json export, which carries its own.
    """
    source = None
    if not format_name:
        source = uploaded_text(file, "file")
        format_name = guess_format(file.name or "", source) or ""
        if not format_name:
            raise ValidationError({"format": [_unknown_extension(file.name or "")]})
    _check_fields(format_name, text, text_file, mapping, relation_mapping)
    if text_file is not None:
        text = uploaded_text(text_file, "text_file", keep_bom=format_name == "brat")
    if source is None:
        source = uploaded_text(file, "file")
    if format_name in {"json", "aif"}:
        check_json_file(source, "file")
    if not title and format_name != "json":
        title = PurePath(file.name or "").stem
    options = ImportOptions(
        # An empty text file is a source text, which the importer says is empty.
        text=text if text or text_file is not None else None,
        title=title,
        mapping=mapping,
        relation_mapping=relation_mapping,
    )
    return ReadUpload(format_name=format_name, source=source, options=options)
