"""Turning imported text into paragraphs without changing a character of what is kept.

Tags address paragraph text by code-point offsets, so nothing here strips, normalises or
re-encodes the text of a paragraph. Three formats:

- plain text: every non-blank line is a paragraph, kept exactly as it is in the file;
- HTML: sanitised by bleach (every inline tag stripped, comments dropped, the contents of
  script/style/template/title dropped), split on block elements and on ``<br><br>``; a run of
  HTML whitespace inside a paragraph becomes one space, as a browser shows it, but a no-break
  space (U+00A0) is not HTML whitespace and stays;
- Markdown: rendered to HTML by markdown-it-py (CommonMark, no typographer: it would rewrite
  quotes and dashes), then the HTML path.
"""

import enum
import html
import re
from dataclasses import dataclass
from pathlib import Path

import bleach
from markdown_it import MarkdownIt


class ImportFileError(Exception):
    """A file that cannot be imported; the message says which file, why, and what to do."""


class UnreadableFileError(ImportFileError):
    """The file is missing, is a directory, or may not be read."""


class BinaryFileError(ImportFileError):
    """The file holds NUL bytes or is not valid UTF-8."""


class EmptyFileError(ImportFileError):
    """The file holds no paragraph of text."""


class Format(enum.StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


EXTENSIONS = {
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
}


@dataclass(frozen=True)
class ParsedText:
    """The paragraphs of an imported text, and its first top-level heading if it has one."""

    paragraphs: list[str]
    heading: str | None = None


# --- plain text -------------------------------------------------------------------------------

# Only the line ends a text editor writes. str.splitlines() would also split on U+2028, U+0085,
# form feeds and other separators, silently removing those characters from a paragraph.
_LINE_END = re.compile(r"\r\n|\r|\n")


def split_plain_text(text: str) -> list[str]:
    """Split text into paragraphs: one per line, dropping blank lines.

    Lines are kept exactly (no strip, no Unicode normalisation) so offsets match the source.
    """
    return [line for line in _LINE_END.split(text) if line and not line.isspace()]


# --- HTML -------------------------------------------------------------------------------------

#: Elements that start and end a paragraph of their own.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
        "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
#: Elements whose contents a reader never sees on the page.
HIDDEN_TAGS = frozenset({"script", "style", "template", "title"})
#: bleach keeps these (without attributes) so the structure survives; every other tag goes.
_STRUCTURE_TAGS = BLOCK_TAGS | HIDDEN_TAGS | {"br", "pre"}

# bleach's output escapes every "<" of text, so each "<" left in it opens one of our tags.
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)\s*/?>")
# HTML's whitespace (not \s, which also matches U+00A0 and the other Unicode spaces).
_HTML_SPACE = re.compile(r"[ \t\n\f\r]+")
_HTML_SPACE_CHARS = " \t\n\f\r"


class _HtmlParagraphs:
    """Collect paragraphs from bleach's normalised markup, one token at a time."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.heading: str | None = None
        self._buf: list[str] = []
        self._breaks = 0  # <br> seen since the last text that was not whitespace
        self._hidden = 0
        self._pre = 0
        self._in_h1 = False

    def text(self, raw: str) -> None:
        if self._hidden:
            return
        text = html.unescape(raw)
        if self._pre:
            self._buf.append(text)
            return
        if not text.strip(_HTML_SPACE_CHARS):
            self._buf.append(text)  # whitespace between two <br> keeps them a pair
            return
        if self._breaks >= 2:
            self.flush()
        elif self._breaks == 1:
            self._buf.append(" ")  # a single <br> is a line break inside the paragraph
        self._breaks = 0
        self._buf.append(text)

    def tag(self, name: str, closing: bool) -> None:
        if name in HIDDEN_TAGS:
            self._hidden = max(0, self._hidden + (-1 if closing else 1))
        elif self._hidden:
            return
        elif name == "br":
            if self._pre:
                self._buf.append("\n")
            else:
                self._breaks += 1
        elif name == "pre":
            self._pre_tag(closing)
        elif name in BLOCK_TAGS and not self._pre:
            self.flush()
            if name == "h1":
                self._in_h1 = not closing

    def _pre_tag(self, closing: bool) -> None:
        if not closing:
            if not self._pre:
                self.flush()
            self._pre += 1
            return
        if not self._pre:
            return
        self._pre -= 1
        if not self._pre:
            # Preformatted text keeps its spaces; each of its lines is a paragraph, as in a
            # plain text file.
            self.paragraphs.extend(split_plain_text("".join(self._buf)))
            self._buf = []

    def flush(self) -> None:
        text = _HTML_SPACE.sub(" ", "".join(self._buf)).strip(_HTML_SPACE_CHARS)
        self._buf, self._breaks = [], 0
        if text and not text.isspace():
            self.paragraphs.append(text)
            if self._in_h1 and self.heading is None:
                self.heading = text

    def finish(self) -> ParsedText:
        if self._pre:
            self._pre = 1
            self._pre_tag(closing=True)
        self.flush()
        return ParsedText(paragraphs=self.paragraphs, heading=self.heading)


def parse_html(markup: str) -> ParsedText:
    """Split HTML into the paragraphs a reader sees, every tag stripped by bleach."""
    cleaned = bleach.clean(
        markup, tags=_STRUCTURE_TAGS, attributes={}, strip=True, strip_comments=True
    )
    collector = _HtmlParagraphs()
    pos = 0
    for match in _TAG.finditer(cleaned):
        collector.text(cleaned[pos : match.start()])
        collector.tag(match.group(2), closing=bool(match.group(1)))
        pos = match.end()
    collector.text(cleaned[pos:])
    return collector.finish()


def split_html(markup: str) -> list[str]:
    """Split HTML into paragraphs (see parse_html)."""
    return parse_html(markup).paragraphs


# --- Markdown ---------------------------------------------------------------------------------


def markdown_to_html(text: str) -> str:
    """Render Markdown (CommonMark plus tables and strikethrough) to HTML."""
    # typographer stays off: it would turn quotes and dashes into other characters.
    md = MarkdownIt("commonmark", {"typographer": False}).enable(["table", "strikethrough"])
    return md.render(text)


def parse_markdown(text: str) -> ParsedText:
    """Split Markdown into paragraphs through its HTML rendering."""
    return parse_html(markdown_to_html(text))


# --- files ------------------------------------------------------------------------------------

_HTML_SNIFF = re.compile(
    r"<!doctype\s+html|<html[\s>]|<body[\s>]|<(p|div|br|h[1-6]|ul|ol|li|table|article)[\s/>]",
    re.IGNORECASE,
)


def detect_format(path: Path, text: str) -> Format:
    """Tell the format from the file's extension, or sniff for HTML when it has none we know."""
    known = EXTENSIONS.get(path.suffix.lower())
    if known is not None:
        return known
    return Format.HTML if _HTML_SNIFF.search(text[:4096]) else Format.TEXT


def read_text_file(path: Path) -> str:
    """Read a UTF-8 text file, or raise an ImportFileError saying why it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: no such file; check the path.") from None
    except IsADirectoryError:
        raise UnreadableFileError(f"{path}: is a directory; name a file inside it.") from None
    except PermissionError:
        raise UnreadableFileError(
            f"{path}: permission denied; make the file readable by this user."
        ) from None
    except OSError as exc:
        raise UnreadableFileError(f"{path}: cannot be read ({exc.strerror}).") from None
    if not data:
        raise EmptyFileError(f"{path}: the file is empty; there is nothing to import.")
    nul = data.find(b"\x00")
    if nul != -1:
        raise BinaryFileError(
            f"{path}: looks binary (a NUL byte at byte offset {nul}); import text, Markdown "
            "or HTML saved as UTF-8 (a UTF-16 text file also holds NUL bytes: save it as UTF-8)."
        )
    try:
        # utf-8-sig drops a leading byte-order mark, which is an encoding marker, not text.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BinaryFileError(
            f"{path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at byte offset "
            f"{exc.start}); save the file as UTF-8 text."
        ) from None


def parse_text(text: str, fmt: Format) -> ParsedText:
    """Split decoded text of the given format into paragraphs."""
    if fmt is Format.HTML:
        return parse_html(text)
    if fmt is Format.MARKDOWN:
        return parse_markdown(text)
    return ParsedText(paragraphs=split_plain_text(text))


def parse_file(path: Path, fmt: Format | None = None) -> ParsedText:
    """Read a file and split it into paragraphs, detecting its format unless given."""
    text = read_text_file(path)
    if not text.strip():
        raise EmptyFileError(f"{path}: holds only whitespace; there is nothing to import.")
    parsed = parse_text(text, fmt or detect_format(path, text))
    if not parsed.paragraphs:
        raise EmptyFileError(
            f"{path}: holds no paragraph of text (only markup, scripts or whitespace)."
        )
    return parsed
