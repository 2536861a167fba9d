"""The export page: who may use it, the downloads it gives (the API's very files), bad input."""

import json
import re

import pytest
from django.utils import timezone
from django.utils.text import slugify

from claims.interchange.downloads import content_type
from claims.interchange.exporters import EXPORTERS, PROJECT_EXPORTERS
from tests.clients import client_as, signed_in
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    ReviewFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

ONE_DOCUMENT_ONLY = [name for name in EXPORTERS if name not in PROJECT_EXPORTERS]


@pytest.fixture
def tagged(document, members) -> dict:
    """Tags by two people, one accepted by the curator, a link, a review and a second document."""
    p0, p1 = document.paragraphs.order_by("position")
    claim = TagFactory(paragraph=p1, start=0, end=5, author=members["annotator"])
    evidence = TagFactory(
        paragraph=p1, start=6, end=24, kind="evidence", author=members["annotator"]
    )
    opinion = TagFactory(
        paragraph=p0,
        start=0,
        end=11,
        kind="opinion",
        author=members["curator"],
        decision="accepted",
    )
    LinkFactory(source=evidence, target=claim, author=members["annotator"])
    ReviewFactory(tag=opinion, reviewer=members["annotator"], verdict="agree")
    other = DocumentFactory(project=document.project, title="A second op-ed")
    TagFactory(paragraph=ParagraphFactory(document=other, position=0), author=members["owner"])
    return {"claim": claim, "evidence": evidence, "opinion": opinion, "other": other}


def _url(document) -> str:
    return f"/projects/{document.project_id}/export/"


def _download(client, document, /, **query):
    """Submit the form as the browser does: every field, the filters left at their defaults."""
    params = {"scope": "document", "document": document.pk, "format": "json", "author": ""}
    return client.get(_url(document), {**params, **query})


def _bytes(response) -> bytes:
    assert response.streaming, response.content[:500]
    return b"".join(response.streaming_content)


def _today() -> str:
    return timezone.localdate().isoformat()


# --- Who may export -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("curator", 200),
        ("annotator", 200),
        ("viewer", 200),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_every_member_may_export_and_no_one_else(document, members, client_for, who, status):
    client = client_as(members, who)
    page = client.get(_url(document))
    download = _download(client, document)
    project_download = client.get(_url(document), {"scope": "project", "format": "json"})
    for response in (page, download, project_download):
        assert response.status_code == status
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")
    if who == "anonymous":
        return
    # The same people as the export API lets in (members read; everyone else gets 404).
    api = client_for(members[who])
    assert api.get(f"/api/documents/{document.pk}/export/").status_code == status
    assert api.get(f"/api/projects/{document.project_id}/export/").status_code == status


def test_an_unknown_project_is_404(members):
    assert client_as(members, "owner").get("/projects/999999/export/").status_code == 404


def test_the_page_takes_no_posts(document, members):
    response = client_as(members, "owner").post(_url(document), {"format": "json"})
    assert response.status_code == 405


# --- The form ---------------------------------------------------------------------------------


def test_the_form_offers_every_format_with_what_it_is_for(document, members):
    html = client_as(members, "viewer").get(_url(document)).content.decode()
    offered = re.findall(r'<input type="radio" name="format" id="format-([\w-]+)"', html)
    assert offered == list(EXPORTERS)
    for name, exporter in EXPORTERS.items():
        about = re.search(rf'<p class="about" id="format-{name}-about">(.*?)</p>', html, re.S)[1]
        assert exporter.description.replace("'", "&#x27;") in about
        assert ("One document only." in about) is (name not in PROJECT_EXPORTERS)
        assert f'<label for="format-{name}">' in html
    assert "A whole project exports as json, w3c or aif" in html
    assert 'id="format-json" value="json" aria-describedby="format-json-about" checked' in html


def test_every_choice_has_a_legend_or_label(document, members):
    html = client_as(members, "viewer").get(_url(document)).content.decode()
    for legend in ["What to export", "Format", "Filters", "Review status"]:
        assert f"<legend>{legend}" in html
    for control_id in re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html):
        assert f'<label for="{control_id}">' in html, control_id


def test_the_form_lists_the_projects_documents_and_members_only(document, members, tagged):
    elsewhere = DocumentFactory(title="Another project's op-ed")
    MembershipFactory(project=elsewhere.project, user=members["viewer"])
    html = client_as(members, "viewer").get(_url(document)).content.decode()
    documents = re.search(r'<select name="document".*?</select>', html, re.S)[0]
    assert re.findall(r'<option value="(\d+)"', documents) == [
        str(document.pk),
        str(tagged["other"].pk),
    ]
    authors = re.search(r'<select name="author".*?</select>', html, re.S)[0]
    assert re.findall(r'<option value="(\w*)"', authors) == [
        "",
        "annotator",
        "curator",
        "owner",
        "viewer",
    ]
    # Without a document named, the whole project is chosen.
    assert 'value="project" id="id_scope_1" required checked' in html


def test_a_link_with_a_document_preselects_it(document, members, tagged):
    url = f"{_url(document)}?document={tagged['other'].pk}"
    html = client_as(members, "viewer").get(url).content.decode()
    assert 'value="document" id="id_scope_0" required checked' in html
    assert f'<option value="{tagged["other"].pk}" selected>' in html
    # A document of another project is not preselected (nor named).
    stranger = DocumentFactory(title="Not yours")
    html = client_as(members, "viewer").get(f"{_url(document)}?document={stranger.pk}").content
    assert b"Not yours" not in html
    assert b'value="project" id="id_scope_1" required checked' in html


def test_the_document_and_project_pages_link_to_the_export_page(document, members):
    client = client_as(members, "viewer")
    href = f'href="/projects/{document.project_id}/export/?document={document.pk}"'
    html = client.get(f"/documents/{document.pk}/").content.decode()
    assert f'<a {href} id="export-link">Export</a>' in html
    project = client.get(f"/projects/{document.project_id}/").content.decode()
    assert f'<a href="/projects/{document.project_id}/export/">Export</a>' in project
    # Each document's row links to its own export, on the project page and at home.
    assert f'<a {href} aria-label="Export {document.title}">Export</a>' in project
    assert href in client.get("/").content.decode()


# --- Downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_each_format_downloads_one_document(document, members, tagged, name):
    document.title = "India and China: a breakthrough"
    document.save()
    response = _download(client_as(members, "viewer"), document, format=name)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type(EXPORTERS[name])
    slug = document.project.slug
    extension = EXPORTERS[name].extension
    assert response["Content-Disposition"] == (
        f'attachment; filename="{slug}-india-and-china-a-breakthrough-{_today()}.{extension}"'
    )
    assert _bytes(response)


@pytest.mark.parametrize("name", list(PROJECT_EXPORTERS))
def test_each_project_format_downloads_the_whole_project(document, members, tagged, name):
    response = client_as(members, "viewer").get(
        _url(document), {"scope": "project", "document": document.pk, "format": name}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == content_type(EXPORTERS[name])
    filename = f"{document.project.slug}-{_today()}.{EXPORTERS[name].extension}"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    text = _bytes(response).decode()
    # Both documents are in it, whichever one the form's list still had selected.
    for tag in (tagged["claim"], tagged["other"].tags.get()):
        assert tag.quote in text


def test_filters_name_the_file(document, members, tagged):
    response = _download(
        client_as(members, "viewer"),
        document,
        format="csv",
        author="curator",
        status=["accepted", "pending"],
    )
    title = slugify(document.title)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{document.project.slug}-{title}-curator-pending-accepted-'
        f'{_today()}.csv"'
    )


FILTERS = [
    {},
    {"author": "annotator"},
    {"status": ["accepted"]},
    {"status": ["pending", "disputed"]},
    {"author": "curator", "status": ["accepted"]},
    {"author": "viewer"},  # a member without tags: an empty export
]


@pytest.mark.parametrize("name", list(EXPORTERS))
@pytest.mark.parametrize(
    "filters", FILTERS, ids=lambda f: "&".join(f"{k}={v}" for k, v in f.items())
)
def test_a_download_is_byte_for_byte_the_apis_answer(
    document, members, tagged, client_for, name, filters
):
    page = _download(client_as(members, "annotator"), document, format=name, **filters)
    query = {"format": name, **filters}
    api = client_for(members["annotator"]).get(f"/api/documents/{document.pk}/export/", query)
    assert page.status_code == api.status_code == 200
    for header in ("Content-Type", "Content-Disposition"):
        assert page[header] == api[header]
    assert _bytes(page) == _bytes(api)


@pytest.mark.parametrize("name", list(PROJECT_EXPORTERS))
def test_a_project_download_is_byte_for_byte_the_apis_answer(
    document, members, tagged, client_for, name
):
    page = client_as(members, "curator").get(_url(document), {"scope": "project", "format": name})
    api = client_for(members["curator"]).get(
        f"/api/projects/{document.project_id}/export/", {"format": name}
    )
    for header in ("Content-Type", "Content-Disposition"):
        assert page[header] == api[header]
    text = _bytes(page)
    assert text == _bytes(api)
    json.loads(text)


def test_a_filtered_download_keeps_only_what_the_filter_asks(document, members, tagged):
    data = json.loads(_bytes(_download(client_as(members, "viewer"), document, status="accepted")))
    assert [t["id"] for t in data["tags"]] == [tagged["opinion"].pk]
    data = json.loads(_bytes(_download(client_as(members, "viewer"), document, author="annotator")))
    assert {t["id"] for t in data["tags"]} == {tagged["claim"].pk, tagged["evidence"].pk}
    assert len(data["links"]) == 1


# --- Bad input ------------------------------------------------------------------------------


def _refused(response, *problems: str) -> str:
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    summary = re.search(r'<div class="error error-summary" role="alert".*?</div>', html, re.S)[0]
    for problem in problems:
        assert problem in summary, summary
    # The form comes back, so the person can put it right.
    assert '<form method="get"' in html
    return html


def test_an_unknown_format_is_a_400_naming_the_formats(document, members):
    response = _download(client_as(members, "viewer"), document, format="pdf")
    _refused(response, "Unknown format &#x27;pdf&#x27;; use one of: aif, argdown, brat")


def test_a_document_of_another_project_is_a_400(document, members):
    # Even one of a project the user also belongs to: the page exports this project only.
    elsewhere = DocumentFactory()
    MembershipFactory(project=elsewhere.project, user=members["viewer"])
    response = _download(client_as(members, "viewer"), document, document=elsewhere.pk)
    _refused(response, f"Document “{elsewhere.pk}” is not in this project.")
    response = _download(client_as(members, "viewer"), document, document="x")
    _refused(response, "Document “x” is not in this project.")


def test_a_deleted_document_is_a_400(document, members):
    document.deleted_at = timezone.now()
    document.save()
    response = _download(client_as(members, "viewer"), document)
    _refused(response, f"Document “{document.pk}” is not in this project.")


def test_an_unknown_author_is_a_400(document, members):
    # The outsider exists, but is no member of this project.
    for name in ("nobody", "outsider"):
        response = _download(client_as(members, "viewer"), document, author=name)
        _refused(response, f"No member of this project is called “{name}”.")


def test_an_unknown_status_is_a_400_naming_the_statuses(document, members):
    response = _download(client_as(members, "viewer"), document, status=["gold"])
    _refused(response, "Unknown status &#x27;gold&#x27;; use one or more of pending, accepted")


@pytest.mark.parametrize("name", ONE_DOCUMENT_ONLY)
def test_a_one_document_format_for_the_whole_project_is_a_400(document, members, name):
    response = client_as(members, "viewer").get(
        _url(document), {"scope": "project", "format": name}
    )
    _refused(
        response,
        f"The {name} format holds one document, not a whole project: export the whole "
        "project as json, w3c or aif, or choose one document.",
    )


@pytest.mark.parametrize("filters", [{"author": "annotator"}, {"status": "accepted"}])
def test_filters_on_the_whole_project_are_a_400(document, members, filters):
    response = client_as(members, "viewer").get(
        _url(document), {"scope": "project", "format": "json", **filters}
    )
    _refused(response, "The author and status filters apply to one document")


def test_one_document_without_a_document_is_a_400(document, members):
    response = _download(client_as(members, "viewer"), document, document="")
    _refused(response, "Document: Choose the document to export.")


def test_no_choice_of_what_to_export_is_a_400(document, members):
    response = client_as(members, "viewer").get(_url(document), {"format": "json"})
    _refused(response, "Choose what to export: one document or the whole project.")
    response = client_as(members, "viewer").get(_url(document), {"format": "", "scope": "all"})
    _refused(response, "Choose a format.", "Unknown choice “all” of what to export")


def test_several_problems_are_all_named(document, members):
    response = _download(
        client_as(members, "viewer"), document, format="pdf", author="nobody", document="0"
    )
    html = _refused(response, "Unknown format", "No member", "is not in this project")
    # The answer keeps what was chosen where it can.
    assert 'value="document" id="id_scope_0" required checked' in html


def test_hostile_titles_are_shown_as_text(document, members):
    document.title = '<script>alert("x")</script>'
    document.save()
    html = signed_in(members["viewer"]).get(_url(document)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_form_reads_a_fixed_number_of_queries(
    document, members, tagged, django_assert_max_num_queries
):
    client = client_as(members, "viewer")
    # Session, user, project, members, documents.
    with django_assert_max_num_queries(5):
        client.get(_url(document))
    for n in range(5):
        DocumentFactory(project=document.project, title=f"More {n}")
        MembershipFactory(project=document.project)
    with django_assert_max_num_queries(5):
        client.get(_url(document))
