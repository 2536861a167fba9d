"""manage.py import_document: what it makes, what it says, and how it fails."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from annotator.models import Document
from tests.factories import ProjectFactory

NBSP = "\u00a0"


@pytest.fixture
def project(db):
    return ProjectFactory(slug="demo-import", name="Imports")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_document", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_imports_plain_text(project, tmp_path):
    lines = ["First  paragraph ", f"Rajnath{NBSP}Singh met Zhao Kezhi.", "中印 🤝 合作"]
    path = write(tmp_path / "oped.txt", "\r\n\r\n".join(lines) + "\r\n")
    out, _ = run(
        str(path),
        "--project",
        project.slug,
        "--title",
        "A title",
        "--byline",
        "A. Writer",
        "--caption",
        "Photo",
        "--source-url",
        "https://example.com/oped",
    )
    document = Document.objects.get(project=project)
    assert out.strip() == (
        f"Imported 'A title': 3 paragraphs into project {project.slug} (document {document.pk})"
    )
    assert list(document.paragraphs.values_list("text", flat=True)) == lines
    assert list(document.paragraphs.values_list("position", flat=True)) == [0, 1, 2]
    assert (document.title, document.byline, document.caption, document.source_url) == (
        "A title",
        "A. Writer",
        "Photo",
        "https://example.com/oped",
    )
    assert document.created_by is None


def test_title_defaults_to_file_name(project, tmp_path):
    run(
        str(write(tmp_path / "notes.txt", "# not a heading in plain text\n")),
        "--project",
        "demo-import",
    )
    assert Document.objects.get(project=project).title == "notes.txt"


@pytest.mark.parametrize(
    ("name", "content", "title", "paragraphs"),
    [
        ("a.md", "Kicker\n\n# The *headline*\n\nBody &amp; more\n", "The headline",
         ["Kicker", "The headline", "Body & more"]),
        ("a.html", "<h1>Head&nbsp;line</h1><p>x<br><br>y</p>", f"Head{NBSP}line",
         [f"Head{NBSP}line", "x", "y"]),
        ("a.html", "<h2>Sub</h2><p>x</p>", "a.html", ["Sub", "x"]),
    ],
)  # fmt: skip
def test_markdown_and_html_title_from_h1(project, tmp_path, name, content, title, paragraphs):
    run(str(write(tmp_path / name, content)), "--project", project.slug)
    document = Document.objects.get(project=project)
    assert document.title == title
    assert list(document.paragraphs.values_list("text", flat=True)) == paragraphs


def test_format_option_overrides_extension(project, tmp_path):
    path = write(tmp_path / "a.txt", "<p>one</p><p>two</p>")
    run(str(path), "--project", project.slug, "--format", "html")
    document = Document.objects.get(project=project)
    assert list(document.paragraphs.values_list("text", flat=True)) == ["one", "two"]


def test_long_heading_is_cut_to_fit_the_title(project, tmp_path):
    run(str(write(tmp_path / "a.md", "# " + "word " * 200)), "--project", project.slug)
    document = Document.objects.get(project=project)
    assert len(document.title) == 500
    assert document.title.endswith("…")
    assert document.paragraphs.get().text == ("word " * 200).strip()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\n \n\t\n", "only whitespace"),
        (b"PK\x03\x04\x00\x00", "NUL byte at byte offset 4"),
        (b"ok\n\xff\xfe", "not valid UTF-8 (byte 0xff at byte offset 3)"),
    ],
)
def test_bad_file_fails_and_imports_nothing(project, tmp_path, content, message):
    path = write(tmp_path / "bad.txt", content)
    with pytest.raises(CommandError, match=re.escape(message)) as info:
        run(str(path), "--project", project.slug)
    assert str(path) in str(info.value)
    assert not Document.all_objects.exists()


def test_missing_file_and_directory(project, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.txt"), "--project", project.slug)
    with pytest.raises(CommandError, match="is a directory"):
        run(str(tmp_path), "--project", project.slug)


def test_unknown_project(project, tmp_path):
    path = write(tmp_path / "a.txt", "text")
    with pytest.raises(CommandError, match=r"no project with slug 'nope'.*demo-import"):
        run(str(path), "--project", "nope")
    assert not Document.all_objects.exists()


def test_invalid_metadata_is_a_clear_error(project, tmp_path):
    path = write(tmp_path / "a.txt", "text")
    with pytest.raises(CommandError, match="valid URL"):
        run(str(path), "--project", project.slug, "--source-url", "not a url")
    assert not Document.all_objects.exists()


def test_exit_code_from_the_command_line(project, tmp_path, capsys):
    path = write(tmp_path / "empty.txt", "")
    with pytest.raises(SystemExit) as info:
        execute_from_command_line(
            ["manage.py", "import_document", str(path), "--project", "demo-import"]
        )
    assert info.value.code != 0
    assert "is empty" in capsys.readouterr().err


def test_several_files_with_progress_and_summary(project, tmp_path):
    a = write(tmp_path / "a.txt", "one\ntwo")
    b = write(tmp_path / "b.md", "# B\n\nbee")
    out, err = run(str(a), str(b), "--project", project.slug)
    assert "Imported 'a.txt': 2 paragraphs" in out
    assert "Imported 'B': 2 paragraphs" in out
    assert "2 of 2 files imported into project demo-import." in out
    assert "Importing" in err
    assert "2/2" in err
    assert Document.objects.filter(project=project).count() == 2


def test_a_failing_file_does_not_stop_the_others(project, tmp_path):
    a = write(tmp_path / "a.txt", "one")
    bad = write(tmp_path / "bad.bin", b"\x00\x01")
    c = write(tmp_path / "c.html", "<p>see</p>")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"2 of 3 files imported.*1 failed: .*bad\.bin"):
        call_command(
            "import_document", str(a), str(bad), str(c), "--project", project.slug,
            stdout=out, stderr=err,
        )  # fmt: skip
    assert sorted(Document.objects.values_list("title", flat=True)) == ["a.txt", "c.html"]
    assert "Imported 'a.txt'" in out.getvalue()
    assert "Imported 'c.html'" in out.getvalue()
    assert "Failed:" in err.getvalue()
    assert "NUL byte at byte offset 0" in err.getvalue()
