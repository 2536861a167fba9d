"""The import page: who may open it, and a single file posted without the page's script."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotator.models import Document
from claims.models import Link, Tag
from tests.claims.importers.test_import_aif import TEXT as AIF_TEXT
from tests.claims.importers.test_import_aif import aifdb
from tests.clients import client_as

pytestmark = pytest.mark.django_db

OPED = "Delhi and Beijing agreed to share intelligence.\n\nCritics call it talk.\n"


def url(document: Document) -> str:
    return f"/projects/{document.project.pk}/import/"


def upload(content: str | bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def counts() -> tuple[int, int, int]:
    return Document.all_objects.count(), Tag.all_objects.count(), Link.all_objects.count()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("curator", 200),
        ("annotator", 403),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_the_import_page_is_for_curators_and_owners(document, members, who, status):
    response = client_as(members, who).get(url(document))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    if status == 200:
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html
        assert '<script type="module" src="/static/annotator/importing.js">' in html
        config = json.loads(re.search(r'id="import-config"[^>]*>(.*?)</script>', html, re.S)[1])
        assert config["api"]["import"] == f"/api/projects/{document.project.pk}/import/"
        assert [f["name"] for f in config["formats"]] == [
            "json",
            "aif",
            "brat",
            "text",
            "markdown",
            "html",
        ]
    if status == 403:
        assert b"<form" not in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [("annotator", 403), ("viewer", 403), ("outsider", 404), ("anonymous", 302)],
)
def test_only_curators_and_owners_may_post_a_file(document, members, who, status):
    before = counts()
    response = client_as(members, who).post(url(document), {"file": upload(OPED, "oped.txt")})
    assert response.status_code == status
    assert counts() == before


@pytest.mark.parametrize(("who", "shown"), [("owner", True), ("curator", True), ("viewer", False)])
def test_the_project_page_links_to_the_import_page(document, members, who, shown):
    html = client_as(members, who).get(f"/projects/{document.project.pk}/").content.decode()
    assert (f'href="{url(document)}"' in html) is shown


def test_every_field_has_a_label(document, members):
    html = client_as(members, "owner").get(url(document)).content.decode()
    form = re.search(r'<form [^>]*id="import-form".*?</form>', html, re.S)[0]
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', form)
    assert len(ids) == 7
    for field_id in ids:
        assert f'for="{field_id}"' in form, field_id


def test_a_text_file_posted_without_script_becomes_a_document(document, members):
    response = client_as(members, "curator").post(url(document), {"file": upload(OPED, "oped.txt")})
    assert response.status_code == 200
    new = Document.objects.get(project=document.project, title="oped")
    assert [p.text for p in new.paragraphs.order_by("position")] == [
        "Delhi and Beijing agreed to share intelligence.",
        "Critics call it talk.",
    ]
    assert new.created_by == members["curator"]
    html = response.content.decode()
    assert (
        f"oped.txt is imported as “oped” (document {new.pk}): 2 paragraphs, 0 tags "
        "(0 implicit), 0 links." in html
    )
    assert f'<a href="/documents/{new.pk}/">oped</a>' in html


def test_an_aif_map_with_its_text_file_and_a_title(document, members):
    fields = {
        "file": upload(json.dumps(aifdb()), "smoking.json"),
        "text_file": upload(AIF_TEXT, "smoking.txt"),
        "title": "Smoking ban",
    }
    response = client_as(members, "owner").post(url(document), fields)
    assert response.status_code == 200, response.content.decode()
    new = Document.objects.get(title="Smoking ban")
    assert Tag.objects.filter(document=new).count() == 5
    html = response.content.decode()
    assert "5 tags (1 implicit), 4 links." in html
    assert "Skipped 2 L nodes (30, 33): locutions" in html


def test_a_duplicate_is_flagged_then_imported_when_confirmed(document, members):
    client = client_as(members, "owner")
    assert client.post(url(document), {"file": upload(OPED, "oped.txt")}).status_code == 200
    first = Document.objects.get(title="oped")
    before = counts()

    again = client.post(url(document), {"file": upload(OPED, "oped.txt")})
    assert again.status_code == 409
    assert counts() == before
    html = again.content.decode()
    assert (
        "oped.txt was not imported. A document with this title and text is already in this "
        f"project (document {first.pk})." in html
    )
    assert f'<a href="/documents/{first.pk}/">oped</a>' in html
    assert 'name="allow_duplicate"' in html

    confirmed = client.post(
        url(document), {"file": upload(OPED, "oped.txt"), "allow_duplicate": "on"}
    )
    assert confirmed.status_code == 200
    assert Document.objects.filter(project=document.project, title="oped").count() == 2


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"file": upload(b"caf\xe9 au lait\n", "latin1.txt")}, "latin1.txt is not UTF-8 text."),
        ({"file": upload("", "empty.txt")}, "The file is empty: there is nothing to import."),
        (
            {"file": upload(json.dumps(aifdb()), "map.json")},
            "An AIF file holds the statements but not the text they come from: give the "
            "source text.",
        ),
        (
            {"file": upload(json.dumps(aifdb()), "map.json"), "text_file": upload("", "t.txt")},
            "The source text is empty.",
        ),
        ({"file": upload("x", "photo.jpeg")}, "Choose the format of photo.jpeg"),
        (
            {"file": upload("T1\tClaim 0 7\tCritics\n", "e.ann"), "mapping": "Claim=claim"},
            "A brat .ann file needs its .txt: give the source text.",
        ),
        (
            {
                "file": upload("T1\tClaim 0 4\tNope\n", "e.ann"),
                "text_file": upload(OPED, "e.txt"),
                "mapping": "Claim=claim",
            },
            "line 1: T1: the text at 0 4 reads 'Delh', not 'Nope'.",
        ),
        (
            {"file": upload(OPED, "oped.txt"), "format": "brat", "mapping": "Claim=claim"},
            "This is not a brat standoff (.ann) file",
        ),
    ],
    ids=[
        "not-utf8",
        "empty",
        "aif-without-text",
        "empty-text",
        "unknown",
        "brat-without-text",
        "brat-line",
        "not-brat",
    ],
)
def test_bad_input_is_a_400_naming_the_problem_and_creates_nothing(
    document, members, fields, problem
):
    before = counts()
    response = client_as(members, "owner").post(url(document), fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert problem.replace("'", "&#x27;") in html
    assert "was not imported: nothing was created." in html
    assert counts() == before


def test_a_post_without_a_file_asks_for_one(document, members):
    response = client_as(members, "owner").post(url(document), {"title": "Nothing"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
