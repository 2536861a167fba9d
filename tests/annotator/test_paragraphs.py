"""Splitting imported files into paragraphs: exact text, every format, every bad file."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.paragraphs import (
    BinaryFileError,
    EmptyFileError,
    Format,
    UnreadableFileError,
    detect_format,
    parse_file,
    parse_html,
    parse_markdown,
    split_html,
    split_plain_text,
)

NBSP = "\u00a0"


# --- plain text -------------------------------------------------------------------------------


def test_plain_text_one_paragraph_a_line_blank_lines_dropped():
    text = "First line.\nSecond line.\n\n\nThird after blanks.\n   \n\t\n"
    assert split_plain_text(text) == ["First line.", "Second line.", "Third after blanks."]


def test_plain_text_keeps_lines_exactly():
    lines = ["  indented and trailing  ", "\ttab", f"nbsp{NBSP}inside{NBSP}", "Café"]
    assert split_plain_text("\n".join(lines)) == lines


def test_plain_text_crlf_and_cr_line_ends():
    assert split_plain_text("one\r\ntwo\r\n\r\nthree\rfour\r\n") == ["one", "two", "three", "four"]


def test_plain_text_does_not_normalise_unicode():
    decomposed = "Cafe\u0301"  # e + combining acute, not the precomposed é
    assert split_plain_text(decomposed + "\nCafé") == [decomposed, "Café"]


def test_plain_text_emoji_and_cjk():
    lines = ["中印安全合作 🤝 breakthrough", "👩🏽‍💻 rapprochement 😀"]
    assert split_plain_text("\n\n".join(lines)) == lines


def test_plain_text_keeps_unicode_separators_inside_a_line():
    # str.splitlines() would split here and lose these characters.
    line = "a\u2028b\u0085c\x0cd"
    assert split_plain_text(line) == [line]


def test_plain_text_line_of_only_nbsp_is_blank():
    assert split_plain_text(f"a\n{NBSP}{NBSP}\nb") == ["a", "b"]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_plain_text_paragraphs_are_exactly_lines_of_the_input(text):
    paragraphs = split_plain_text(text)
    lines = re.split(r"\r\n|\r|\n", text)
    # Every paragraph is one whole line of the input, unchanged, in order, and no
    # non-blank line is lost.
    assert paragraphs == [line for line in lines if line.strip()]
    for paragraph in paragraphs:
        assert paragraph in text
        assert "\n" not in paragraph
        assert "\r" not in paragraph


# --- HTML -------------------------------------------------------------------------------------


def test_html_paragraphs_and_entities():
    html = "<p>Tom &amp; Jerry &lt;3 &quot;fish&quot; &#8211; &#x4E2D;</p><p>2 &gt; 1</p>"
    assert split_html(html) == ['Tom & Jerry <3 "fish" \u2013 \u4e2d', "2 > 1"]


def test_html_escaped_entity_text_is_unescaped_once():
    assert split_html("<p>write &amp;lt; for &lt;</p>") == ["write &lt; for <"]


def test_html_nbsp_entity_and_literal_nbsp_stay():
    assert split_html(f"<p>Rajnath&nbsp;Singh and Zhao{NBSP}Kezhi&#160;met</p>") == [
        f"Rajnath{NBSP}Singh and Zhao{NBSP}Kezhi{NBSP}met"
    ]


def test_html_whitespace_runs_collapse_but_not_nbsp():
    html = f"<p>\n   one \t\n two  {NBSP}{NBSP} three\r\n</p>"
    assert split_html(html) == [f"one two {NBSP}{NBSP} three"]


def test_html_paragraph_of_only_nbsp_is_dropped():
    assert split_html("<p>a</p><p>&nbsp;</p><p> </p><p>b</p>") == ["a", "b"]


def test_html_script_style_title_contents_dropped():
    html = (
        "<html><head><title>Page title</title><style>p > a { color: red }</style></head>"
        "<body><p>Visible</p><script>if (a < b && c) { x = '<p>no</p>' }</script>"
        "<template><p>never shown</p></template><p>Also visible</p></body></html>"
    )
    assert split_html(html) == ["Visible", "Also visible"]


def test_html_comments_and_inline_tags_stripped():
    html = '<p>A <b>bold</b> <a href="x">link</a><!-- a <p> comment -->, <em>done</em>.</p>'
    assert split_html(html) == ["A bold link, done."]


def test_html_double_br_splits_single_br_is_a_space():
    html = "<p>one<br>still one<br/> <br />two<br><br><br>three</p>"
    assert split_html(html) == ["one still one", "two", "three"]


def test_html_nested_blocks_and_lists():
    html = (
        "<div><h1>Headline</h1><section><div>Outer <div>inner</div> tail</div></section>"
        "<blockquote><p>Quoted</p></blockquote><ul><li>a<ul><li>b</li></ul></li><li>c</ul></div>"
    )
    assert split_html(html) == ["Headline", "Outer", "inner", "tail", "Quoted", "a", "b", "c"]


def test_html_unclosed_paragraphs():
    assert split_html("<p>one<p>two<div>three") == ["one", "two", "three"]


def test_html_pre_keeps_spaces_one_paragraph_a_line():
    assert split_html("<p>before</p><pre>  x = 1\n\n    y = 2  </pre>after") == [
        "before",
        "  x = 1",
        "    y = 2  ",
        "after",
    ]


def test_html_emoji_and_cjk():
    assert split_html("<p>中印 🤝 <i>合作</i></p>") == ["中印 🤝 合作"]


def test_html_heading_is_first_h1():
    parsed = parse_html("<p>Kicker</p><h1>The <em>headline</em></h1><h1>Second</h1>")
    assert parsed.heading == "The headline"
    assert parsed.paragraphs == ["Kicker", "The headline", "Second"]


def test_html_without_h1_has_no_heading():
    assert parse_html("<h2>Sub</h2><p>x</p>").heading is None


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_blocks_become_paragraphs():
    md = (
        "# The *headline*\n\n"
        "First paragraph\nwraps onto a second line.\n\n"
        "- item one\n- item **two**\n\n"
        "> quoted\n\n"
        "Hard break  \nafter it\n"
    )
    parsed = parse_markdown(md)
    assert parsed.heading == "The headline"
    assert parsed.paragraphs == [
        "The headline",
        "First paragraph wraps onto a second line.",
        "item one",
        "item two",
        "quoted",
        "Hard break after it",
    ]


def test_markdown_keeps_quotes_dashes_nbsp_and_unicode():
    md = f"\"Wuhan spirit\" -- it's 'here' \u2013 Rajnath{NBSP}Singh &amp; 中印 😀\n"
    assert parse_markdown(md).paragraphs == [
        f"\"Wuhan spirit\" -- it's 'here' \u2013 Rajnath{NBSP}Singh & 中印 😀"
    ]


def test_markdown_raw_html_is_stripped_and_code_kept():
    md = "Text with <span>inline</span> html.\n\n<script>alert(1)</script>\n\n    code  line\n"
    assert parse_markdown(md).paragraphs == ["Text with inline html.", "code  line"]


def test_markdown_without_heading():
    assert parse_markdown("## Only a subheading\n\ntext").heading is None


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.txt", "<p>not html</p>", Format.TEXT),
        ("a.TXT", "x", Format.TEXT),
        ("a.md", "# x", Format.MARKDOWN),
        ("a.markdown", "x", Format.MARKDOWN),
        ("a.html", "x", Format.HTML),
        ("a.htm", "x", Format.HTML),
        ("page", "<!DOCTYPE html><p>x</p>", Format.HTML),
        ("page.xml", "<div>\nx</div>", Format.HTML),
        ("notes", "a < b and c > d", Format.TEXT),
        ("notes.rst", "Title\n=====", Format.TEXT),
    ],
)
def test_detect_format(name, content, expected):
    assert detect_format(Path(name), content) == expected


def test_parse_file_each_format(tmp_path):
    (tmp_path / "a.txt").write_text("one\r\n\r\ntwo\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Head\n\nbody *text*\n", encoding="utf-8")
    (tmp_path / "c.html").write_text("<h1>H</h1><p>x&nbsp;y</p>", encoding="utf-8")
    (tmp_path / "d").write_text("<html><body><p>sniffed</p></body></html>", encoding="utf-8")
    assert parse_file(tmp_path / "a.txt").paragraphs == ["one", "two"]
    assert parse_file(tmp_path / "b.md").paragraphs == ["Head", "body text"]
    assert parse_file(tmp_path / "c.html").paragraphs == ["H", f"x{NBSP}y"]
    assert parse_file(tmp_path / "d").paragraphs == ["sniffed"]


def test_parse_file_format_override(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("# Head\n\nbody", encoding="utf-8")
    assert parse_file(path, Format.MARKDOWN).paragraphs == ["Head", "body"]
    assert parse_file(path).paragraphs == ["# Head", "body"]


def test_parse_file_drops_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfFirst\nSecond\n")
    assert parse_file(path).paragraphs == ["First", "Second"]


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", EmptyFileError, "is empty"),
        (b" \n\t\r\n  \n", EmptyFileError, "only whitespace"),
        (b"\xc2\xa0\n", EmptyFileError, "only whitespace"),
        (b"abc\x00def", BinaryFileError, "byte offset 3"),
        ("hi".encode("utf-16"), BinaryFileError, "UTF-16"),
        (b"caf\xe9 au lait", BinaryFileError, "byte 0xe9 at byte offset 3"),
        (b"\x89PNG\r\n\x1a\n", BinaryFileError, "byte offset 0"),
    ],
)
def test_bad_files(tmp_path, content, error, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error, match=message) as info:
        parse_file(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "content",
    ["<html><head><title>T</title></head><body>  </body></html>", "<script>x()</script>"],
)
def test_html_without_text_is_empty(tmp_path, content):
    path = tmp_path / "page.html"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EmptyFileError, match="no paragraph of text"):
        parse_file(path)


def test_missing_file(tmp_path):
    with pytest.raises(UnreadableFileError, match="no such file"):
        parse_file(tmp_path / "missing.txt")


def test_directory(tmp_path):
    with pytest.raises(UnreadableFileError, match="is a directory"):
        parse_file(tmp_path)


def test_unreadable_file(tmp_path, monkeypatch):
    # Tests may run as root, which reads files whatever their mode, so deny the read here.
    path = tmp_path / "secret.txt"
    path.write_text("text", encoding="utf-8")

    def deny(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.raises(UnreadableFileError, match="permission denied"):
        parse_file(path)
