"""Articles without annotations (text, Markdown, HTML) as importers, and guessing a file's
format from its name (no database)."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.paragraphs import Format, parse_text
from claims.interchange.importers import IMPORTERS, get_importer, guess_format
from claims.interchange.importers.source_text import ImportOptions
from claims.interchange.uploads import upload_read

MARKDOWN = "# A headline\n\nThe *first* paragraph.\n\n- a point\n"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("oped.txt", "", "text"),
        ("OPED.TEXT", "", "text"),
        ("notes.md", "", "markdown"),
        ("page.htm", "", "html"),
        ("essay.ann", "", "brat"),
        ("map.aif", "", "aif"),
        ("map.json", json.dumps({"nodes": [], "edges": []}), "aif"),
        ("export.json", json.dumps({"format": "claim-annotator", "version": 1}), "json"),
        ("project.json", '{"format": "claim-annotator-project"}', "json"),
        ("picture.png", "", None),
        ("README", "", None),
    ],
)
def test_guess_format_by_extension_and_for_json_by_content(name, text, expected):
    assert guess_format(name, text) == expected


def test_every_importer_has_a_label_and_extensions():
    for importer in IMPORTERS.values():
        assert importer.label
        assert all(ext.startswith(".") and ext == ext.lower() for ext in importer.extensions)


def test_an_article_reads_as_import_document_splits_it():
    parsed = get_importer("markdown").read(io.StringIO(MARKDOWN), ImportOptions(title="Mine"))
    snapshot = parsed.snapshot
    assert snapshot.title == "Mine"
    assert [p.text for p in snapshot.paragraphs] == parse_text(MARKDOWN, Format.MARKDOWN).paragraphs
    assert [p.position for p in snapshot.paragraphs] == [0, 1, 2]
    assert (snapshot.tags, snapshot.links, snapshot.reviews) == ((), (), ())
    # Without a title, the file's first heading.
    assert get_importer("markdown").load(io.StringIO(MARKDOWN)).title == "A headline"


@pytest.mark.parametrize(
    ("format_name", "content", "errors"),
    [
        ("text", "", {"file": ["The file is empty: there is nothing to import."]}),
        ("text", " \n\t\n", {"file": ["The file is only whitespace: there is nothing to import."]}),
        ("html", "<!-- x --><style>p{}</style>", {"file": [
            "The file holds no paragraph of text (only markup or scripts)."]}),
        ("text", "Words.", {"title": ["Give the document a title."]}),
    ],
)  # fmt: skip
def test_an_article_with_nothing_to_import_is_refused(format_name, content, errors):
    with pytest.raises(ValidationError) as caught:
        get_importer(format_name).read(io.StringIO(content), ImportOptions())
    assert caught.value.message_dict == errors


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_upload_read_guesses_a_missing_format_and_titles_by_file_name():
    read = upload_read(format_name="", file=upload(b"\xef\xbb\xbfOne.\nTwo.\n", "my-oped.txt"))
    assert (read.format_name, read.source, read.options.title) == (
        "text",
        "One.\nTwo.\n",
        "my-oped",
    )
    assert upload_read(format_name="", file=upload(b'{"nodes": []}', "m.json")).format_name == "aif"
    with pytest.raises(ValidationError) as caught:
        upload_read(format_name="", file=upload(b"x", "photo.jpeg"))
    [message] = caught.value.message_dict["format"]
    assert message.startswith("Choose the format of photo.jpeg: its name does not say")
    assert ".ann" in message
    assert ".md" in message
