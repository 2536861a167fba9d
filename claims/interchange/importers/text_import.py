"""Read an article without annotations (plain text, Markdown or HTML) as a document.

The paragraphs are made exactly as ``manage.py import_document`` makes them
(``annotator.paragraphs``): a plain text's non-blank lines, kept character for character;
Markdown through its HTML rendering; HTML sanitised and split on block elements. The snapshot
holds no tags, links or reviews. The title is the one given (the API and the import page
default it to the file's name).
"""

from typing import ClassVar, TextIO

from django.core.exceptions import ValidationError

from annotator.paragraphs import EXTENSIONS, Format, parse_text
from claims.interchange.importers.source_text import ImportOptions, ParsedFile
from claims.snapshot import DocumentSnapshot, ParagraphRow


class _ArticleImporter:
    """The paragraphs of an article in one text format, read as ``annotator.paragraphs`` does."""

    name: ClassVar[str]
    media_type: ClassVar[str]
    label: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    text_format: ClassVar[Format]

    def load(self, source: TextIO) -> DocumentSnapshot:
        """Read the file into a snapshot titled by its first heading, if it has one."""
        return self.read(source, ImportOptions()).snapshot

    def read(self, source: TextIO, options: ImportOptions) -> ParsedFile:
        """Read the file's paragraphs; the title is ``options.title``, else its first heading."""
        text = source.read()
        if not text.strip():
            what = "empty" if not text else "only whitespace"
            raise ValidationError({"file": f"The file is {what}: there is nothing to import."})
        parsed = parse_text(text, self.text_format)
        if not parsed.paragraphs:
            raise ValidationError(
                {"file": "The file holds no paragraph of text (only markup or scripts)."}
            )
        title = options.title.strip() or (parsed.heading or "").strip()
        if not title:
            raise ValidationError({"title": "Give the document a title."})
        paragraphs = tuple(
            ParagraphRow(id=i, position=i, text=text) for i, text in enumerate(parsed.paragraphs)
        )
        return ParsedFile(DocumentSnapshot(id=None, title=title, paragraphs=paragraphs))


def _extensions(text_format: Format) -> tuple[str, ...]:
    return tuple(ext for ext, fmt in EXTENSIONS.items() if fmt is text_format)


class TextImporter(_ArticleImporter):
    name: ClassVar[str] = "text"
    media_type: ClassVar[str] = "text/plain"
    label: ClassVar[str] = "Plain text: one paragraph a line"
    extensions: ClassVar[tuple[str, ...]] = _extensions(Format.TEXT)
    text_format: ClassVar[Format] = Format.TEXT


class MarkdownImporter(_ArticleImporter):
    name: ClassVar[str] = "markdown"
    media_type: ClassVar[str] = "text/markdown"
    label: ClassVar[str] = "Markdown"
    extensions: ClassVar[tuple[str, ...]] = _extensions(Format.MARKDOWN)
    text_format: ClassVar[Format] = Format.MARKDOWN


class HtmlImporter(_ArticleImporter):
    name: ClassVar[str] = "html"
    media_type: ClassVar[str] = "text/html"
    label: ClassVar[str] = "HTML"
    extensions: ClassVar[tuple[str, ...]] = _extensions(Format.HTML)
    text_format: ClassVar[Format] = Format.HTML
